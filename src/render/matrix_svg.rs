//! `report/coverage.svg`: the QBR report's segment × persona matrix as a static picture
//! for slides. Every square carries its figures as text and a symbol (✓ full, ◐ part,
//! ✕ none, ▲ over-covered), so it reads in greyscale; a title and description name it
//! for screen readers.

use std::fmt::Write as _;

use super::pages::report::Matrix;

const LABEL_W: usize = 220;
const CELL_W: usize = 140;
const CELL_H: usize = 52;
const HEAD_H: usize = 56;
const FOOT_H: usize = 52;
/// Wide enough for the key under the matrix.
const MIN_W: usize = 860;

/// Text safe inside an SVG element or attribute.
fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// Fill colour by coverage: the same five bands as the heatmap, lightened for print.
fn fill(coverage: Option<f64>) -> &'static str {
    match coverage {
        None => "#eeeeee",
        Some(c) if c >= 1.0 => "#cfe8da",
        Some(c) if c >= 0.75 => "#e4e6b8",
        Some(c) if c >= 0.5 => "#f3e2b0",
        Some(c) if c > 0.0 => "#f5cfb5",
        Some(_) => "#f1c0bb",
    }
}

/// The matrix as a standalone SVG document.
pub(crate) fn svg(m: &Matrix, title: &str, as_of: &str) -> String {
    let w = (LABEL_W + CELL_W * m.columns.len().max(1) + 12).max(MIN_W);
    let h = HEAD_H + CELL_H * m.rows.len() + FOOT_H;
    let mut s = String::new();
    let _ = writeln!(
        s,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" viewBox="0 0 {w} {h}" role="img" aria-labelledby="t d" font-family="system-ui, sans-serif" font-size="12">"#
    );
    let _ = writeln!(
        s,
        "<title id=\"t\">{}: coverage by segment and persona, as of {}</title>",
        esc(title),
        esc(as_of)
    );
    let _ = writeln!(
        s,
        "<desc id=\"d\">Each square: the persona's coverage in the segment (✓ full, ◐ part, ✕ none, – nothing wanted) and the pipeline at stake its cells hold, a priority score, not a forecast; ▲ counts cells at three times their target or more.</desc>"
    );
    let _ = writeln!(
        s,
        "<rect x=\"0\" y=\"0\" width=\"{w}\" height=\"{h}\" fill=\"#ffffff\"/>"
    );
    let _ = writeln!(
        s,
        "<text x=\"8\" y=\"20\" font-size=\"14\" font-weight=\"700\">{} · as of {}</text>",
        esc(title),
        esc(as_of)
    );
    for (i, c) in m.columns.iter().enumerate() {
        let x = LABEL_W + i * CELL_W + CELL_W / 2;
        let _ = writeln!(
            s,
            "<text x=\"{x}\" y=\"{}\" text-anchor=\"middle\" font-weight=\"600\">{}</text>",
            HEAD_H - 10,
            esc(c.name)
        );
    }
    for (r, row) in m.rows.iter().enumerate() {
        let y = HEAD_H + r * CELL_H;
        let _ = writeln!(
            s,
            "<text x=\"8\" y=\"{}\" font-weight=\"600\">{}</text><text x=\"8\" y=\"{}\" fill=\"#444444\">{} · {} at stake</text>",
            y + 22,
            esc(row.name),
            y + 38,
            esc(&row.coverage),
            esc(&row.at_stake)
        );
        for (i, cell) in row.cells.iter().enumerate() {
            let x = LABEL_W + i * CELL_W;
            let Some(c) = cell else {
                let _ = writeln!(
                    s,
                    "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" fill=\"#666666\">not in group</text>",
                    x + CELL_W / 2,
                    y + 30
                );
                continue;
            };
            let over = if c.over_covered > 0 {
                format!(" ▲{}", c.over_covered)
            } else {
                String::new()
            };
            let _ = writeln!(
                s,
                "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"4\" fill=\"{}\" stroke=\"#888888\"/><text x=\"{}\" y=\"{}\" text-anchor=\"middle\" font-weight=\"700\">{} {}{}</text><text x=\"{}\" y=\"{}\" text-anchor=\"middle\">{} at stake</text>",
                x + 2,
                y + 2,
                CELL_W - 4,
                CELL_H - 4,
                fill(c.coverage_value),
                x + CELL_W / 2,
                y + 22,
                c.symbol,
                esc(&c.coverage),
                over,
                x + CELL_W / 2,
                y + 40,
                esc(&c.at_stake)
            );
        }
    }
    let _ = writeln!(
        s,
        "<text x=\"8\" y=\"{}\" fill=\"#444444\">Rows: segment coverage · pipeline at stake. Squares: ✓ full · ◐ part · ✕ none · – nothing wanted · ▲ cells at 3 × target or more.</text>",
        h - 30
    );
    let _ = writeln!(
        s,
        "<text x=\"8\" y=\"{}\" fill=\"#444444\">Pipeline at stake = segment pipeline × weight × (1 − fill) ÷ the segment's total weight: a priority score, not a forecast.</text>",
        h - 12
    );
    s.push_str("</svg>\n");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn draws_the_fixture_matrix_with_the_title_escaped() {
        let f = crate::render::testing::Fixture::new();
        let m = crate::render::pages::report::matrix(&f.lib.plan, &f.cov);
        let svg = svg(&m, "P & Q", "2026-11-01");
        assert!(svg.starts_with("<svg ") && svg.ends_with("</svg>\n"));
        assert!(svg.contains("P &amp; Q") && !svg.contains("P & Q"));
        assert!(svg.contains("Economic Buyer"), "{svg}");
    }

    #[test]
    fn escapes_text() {
        assert_eq!(esc("<a & \"b\">"), "&lt;a &amp; &quot;b&quot;&gt;");
        assert_eq!(esc("a\u{1}b"), "a b");
    }
}
