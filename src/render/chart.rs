//! Static line charts as inline SVG: readable without JavaScript and in print, every
//! series told apart by its marker shape and dash as well as its colour, and every
//! point labelled in a table the page puts beside the chart. The SVG carries no style
//! attribute (the pages' Content-Security-Policy forbids inline style): colours come
//! from the theme's CSS through `series-N` classes.

use std::fmt::Write as _;

/// One line of a chart.
pub struct Series<'a> {
    pub name: &'a str,
    /// One value per x label; `None` leaves a hole.
    pub values: Vec<Option<f64>>,
}

/// How the y axis reads.
#[derive(Clone, Copy)]
pub enum Scale {
    /// 0 to 1, written as percentages.
    Share,
    /// 0 to the largest value, written by `format`.
    Amount(fn(f64) -> String),
}

const W: f64 = 640.0;
const H: f64 = 240.0;
const LEFT: f64 = 72.0;
const RIGHT: f64 = 16.0;
const TOP: f64 = 16.0;
const BOTTOM: f64 = 40.0;
/// Marker shapes, one per series in turn, so a series never depends on colour alone.
const MARKERS: [&str; 4] = ["circle", "square", "diamond", "triangle"];
const DASHES: [&str; 4] = ["", "6 4", "2 3", "8 3 2 3"];

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn marker(out: &mut String, shape: &str, x: f64, y: f64) {
    let _ = match shape {
        "square" => write!(
            out,
            r#"<rect x="{:.1}" y="{:.1}" width="7" height="7"/>"#,
            x - 3.5,
            y - 3.5
        ),
        "diamond" => write!(
            out,
            r#"<path d="M{x:.1} {:.1}L{:.1} {y:.1}L{x:.1} {:.1}L{:.1} {y:.1}Z"/>"#,
            y - 5.0,
            x + 5.0,
            y + 5.0,
            x - 5.0
        ),
        "triangle" => write!(
            out,
            r#"<path d="M{x:.1} {:.1}L{:.1} {:.1}L{:.1} {:.1}Z"/>"#,
            y - 5.0,
            x + 5.0,
            y + 4.0,
            x - 5.0,
            y + 4.0
        ),
        _ => write!(out, r#"<circle cx="{x:.1}" cy="{y:.1}" r="4"/>"#),
    };
}

/// The chart as an `<svg>` element titled `title` (its accessible name), with x labels
/// `labels` and the series `series`.
pub fn line_chart(title: &str, labels: &[String], series: &[Series], scale: Scale) -> String {
    let max = match scale {
        Scale::Share => 1.0,
        Scale::Amount(_) => series
            .iter()
            .flat_map(|s| s.values.iter().flatten().copied())
            .fold(0.0_f64, f64::max)
            .max(1.0),
    };
    let fmt = |v: f64| match scale {
        Scale::Share => format!("{:.0}%", v * 100.0),
        Scale::Amount(f) => f(v),
    };
    let n = labels.len().max(1);
    let plot_w = W - LEFT - RIGHT;
    let plot_h = H - TOP - BOTTOM;
    let x = |i: usize| {
        if n == 1 {
            LEFT + plot_w / 2.0
        } else {
            LEFT + plot_w * i as f64 / (n - 1) as f64
        }
    };
    let y = |v: f64| TOP + plot_h * (1.0 - (v / max).clamp(0.0, 1.0));
    let mut out = String::new();
    let _ = write!(
        out,
        r#"<svg class="chart" viewBox="0 0 {W} {H}" width="{W}" height="{H}" role="img" aria-label="{}" xmlns="http://www.w3.org/2000/svg"><title>{}</title>"#,
        esc(title),
        esc(title)
    );
    // Grid and y axis: 0, half, max.
    out.push_str(r#"<g class="grid">"#);
    for k in 0..=4 {
        let v = max * f64::from(k) / 4.0;
        let yy = y(v);
        let _ = write!(
            out,
            r#"<line x1="{LEFT}" y1="{yy:.1}" x2="{:.1}" y2="{yy:.1}"/><text x="{:.1}" y="{:.1}" text-anchor="end">{}</text>"#,
            W - RIGHT,
            LEFT - 6.0,
            yy + 4.0,
            esc(&fmt(v))
        );
    }
    out.push_str("</g>");
    // X labels: every one when they fit, else every k-th and the last.
    let step = n.div_ceil(8).max(1);
    out.push_str(r#"<g class="x-labels">"#);
    for (i, label) in labels.iter().enumerate() {
        if i % step == 0 || i == n - 1 {
            let _ = write!(
                out,
                r#"<text x="{:.1}" y="{:.1}" text-anchor="middle">{}</text>"#,
                x(i),
                H - BOTTOM + 18.0,
                esc(label)
            );
        }
    }
    out.push_str("</g>");
    for (k, s) in series.iter().enumerate() {
        let shape = MARKERS[k % MARKERS.len()];
        let dash = DASHES[k % DASHES.len()];
        let _ = write!(
            out,
            r#"<g class="series series-{}">"#,
            k % MARKERS.len() + 1
        );
        // The line, broken where a value is missing.
        let mut d = String::new();
        let mut pen_down = false;
        for (i, v) in s.values.iter().enumerate() {
            match v {
                Some(v) => {
                    let _ = write!(
                        d,
                        "{}{:.1} {:.1}",
                        if pen_down { "L" } else { "M" },
                        x(i),
                        y(*v)
                    );
                    pen_down = true;
                }
                None => pen_down = false,
            }
        }
        if !d.is_empty() {
            let dash_attr = if dash.is_empty() {
                String::new()
            } else {
                format!(r#" stroke-dasharray="{dash}""#)
            };
            let _ = write!(
                out,
                r#"<path class="line" fill="none" d="{d}"{dash_attr}/>"#
            );
        }
        for (i, v) in s.values.iter().enumerate() {
            if let Some(v) = v {
                let _ = write!(
                    out,
                    "<g><title>{}: {}, {}</title>",
                    esc(s.name),
                    esc(&labels[i]),
                    esc(&fmt(*v))
                );
                marker(&mut out, shape, x(i), y(*v));
                out.push_str("</g>");
            }
        }
        out.push_str("</g>");
    }
    out.push_str("</svg>");
    out
}

/// The legend of `series` as HTML: each name beside its marker's shape, in words too.
pub fn legend(series: &[Series]) -> String {
    let mut out = String::from(r#"<ul class="chart-legend">"#);
    for (k, s) in series.iter().enumerate() {
        let shape = MARKERS[k % MARKERS.len()];
        let dash = if DASHES[k % DASHES.len()].is_empty() {
            "solid"
        } else {
            "dashed"
        };
        let _ = write!(
            out,
            r#"<li class="series-{}"><svg class="key" viewBox="0 0 24 12" width="24" height="12" aria-hidden="true">"#,
            k % MARKERS.len() + 1
        );
        marker(&mut out, shape, 12.0, 6.0);
        let _ = write!(
            out,
            "</svg> {} <span class=\"visually-hidden\">({shape} markers, {dash} line)</span></li>",
            esc(s.name)
        );
    }
    out.push_str("</ul>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_chart_has_a_title_a_marker_per_value_and_breaks_at_holes() {
        let labels: Vec<String> = ["a", "b", "c"].iter().map(|s| s.to_string()).collect();
        let series = [
            Series {
                name: "Coverage",
                values: vec![Some(0.5), None, Some(0.75)],
            },
            Series {
                name: "Weighted <x>",
                values: vec![Some(0.25), Some(0.5), Some(1.0)],
            },
        ];
        let svg = line_chart("Coverage over time", &labels, &series, Scale::Share);
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
        assert!(svg.contains("<title>Coverage over time</title>"));
        assert_eq!(svg.matches("<circle").count(), 2);
        assert_eq!(svg.matches("<rect").count(), 3);
        // A hole starts a new stroke: two moves in the first series' line.
        let d = svg.split(r#"class="line" fill="none" d=""#).nth(1).unwrap();
        let d = &d[..d.find('"').unwrap()];
        assert_eq!(d.matches('M').count(), 2, "{d}");
        assert!(svg.contains("Weighted &lt;x&gt;"));
        assert!(!svg.contains("style="));
        assert!(legend(&series).contains("square markers"));
    }
}
