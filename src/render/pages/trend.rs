//! The trend page (`trend/`) and `trend.json`: the library's coverage at points of its
//! git history ([`crate::history`]), as static charts with a table beside each, so
//! the page reads without JavaScript, in print and with a screen reader.

use std::hash::{Hash, Hasher};

use tera::{Context, Value};

use crate::diagnostics::Diagnostic;
use crate::format::{money, pct};
use crate::history::Trend;
use crate::plan::Plan;
use crate::render::chart::{Scale, Series, legend, line_chart};
use crate::render::renderer::Page;
use crate::render::templates::Templates;

/// What the trend page shows.
pub(crate) struct TrendPage<'a> {
    trend: &'a Trend,
    plan: &'a Plan,
}

impl Hash for TrendPage<'_> {
    fn hash<H: Hasher>(&self, h: &mut H) {
        trend_json(self.trend).hash(h);
    }
}

pub(crate) fn page<'a>(trend: &'a Trend, plan: &'a Plan) -> TrendPage<'a> {
    TrendPage { trend, plan }
}

/// `trend.json`: `{"points": [...]}`, oldest first, the working tree last.
pub(crate) fn trend_json(trend: &Trend) -> Vec<u8> {
    let mut out = serde_json::to_vec_pretty(trend).unwrap_or_default();
    out.push(b'\n');
    out
}

/// A chart and its legend, as one block of HTML.
fn figure(title: &str, labels: &[String], series: &[Series], scale: Scale) -> String {
    format!(
        "{}{}",
        line_chart(title, labels, series, scale),
        legend(series)
    )
}

impl Page for TrendPage<'_> {
    fn make(self, t: &Templates, path: &str) -> Result<Vec<u8>, Diagnostic> {
        let TrendPage { trend, plan } = self;
        let labels: Vec<String> = trend.points.iter().map(|p| p.label.clone()).collect();
        let currency = plan.currency.clone();
        let coverage = [
            Series {
                name: "Coverage",
                values: trend.points.iter().map(|p| p.coverage).collect(),
            },
            Series {
                name: "Pipeline-weighted coverage",
                values: trend
                    .points
                    .iter()
                    .map(|p| p.pipeline_weighted_coverage)
                    .collect(),
            },
        ];
        let at_stake = [Series {
            name: "Pipeline at stake",
            values: trend
                .points
                .iter()
                .map(|p| Some(p.pipeline_at_stake))
                .collect(),
        }];
        // Segments of the working tree's plan, in plan order.
        let segments: Vec<Series> = plan
            .segments
            .iter()
            .map(|s| Series {
                name: &s.name,
                values: trend
                    .points
                    .iter()
                    .map(|p| p.segments.get(&s.id).copied().flatten())
                    .collect(),
            })
            .collect();
        fn money_usd(v: f64) -> String {
            money(v, "USD")
        }
        // The axis formatter is a plain fn: figures in the plan's currency are written
        // in the table; the axis uses the same formatter when the currency is USD.
        let amount = if currency == "USD" {
            Scale::Amount(money_usd)
        } else {
            Scale::Amount(compact)
        };
        let points: Vec<Value> = trend
            .points
            .iter()
            .map(|p| {
                let mut m = tera::Map::new();
                m.insert("label".into(), p.label.clone().into());
                m.insert("date".into(), p.date.clone().into());
                m.insert(
                    "revision".into(),
                    p.revision.chars().take(12).collect::<String>().into(),
                );
                m.insert("coverage".into(), pct(p.coverage).into());
                m.insert("weighted".into(), pct(p.pipeline_weighted_coverage).into());
                m.insert(
                    "at_stake".into(),
                    money(p.pipeline_at_stake, &currency).into(),
                );
                m.insert("counted".into(), p.assets_counted.into());
                m.insert("stale".into(), p.assets_stale.into());
                m.insert("gaps".into(), p.gaps.into());
                let segs: Vec<Value> = plan
                    .segments
                    .iter()
                    .map(|s| pct(p.segments.get(&s.id).copied().flatten()).into())
                    .collect();
                m.insert("segments".into(), Value::from(segs));
                Value::from(m)
            })
            .collect();
        let mut ctx = Context::new();
        ctx.insert_value("points", Value::from(points));
        ctx.insert_value(
            "segment_names",
            Value::from(
                plan.segments
                    .iter()
                    .map(|s| Value::from(s.name.clone()))
                    .collect::<Vec<_>>(),
            ),
        );
        ctx.insert_value(
            "coverage_chart",
            Value::safe_string(&figure(
                "Coverage and pipeline-weighted coverage over time",
                &labels,
                &coverage,
                Scale::Share,
            )),
        );
        ctx.insert_value(
            "at_stake_chart",
            Value::safe_string(&figure(
                "Pipeline at stake over time",
                &labels,
                &at_stake,
                amount,
            )),
        );
        ctx.insert_value(
            "segments_chart",
            Value::safe_string(&figure(
                "Coverage by segment over time",
                &labels,
                &segments,
                Scale::Share,
            )),
        );
        t.page("trend.html", path, "Trend", "trend", ctx)
    }
}

/// An amount in a currency other than USD on an axis: 1.2M, 350k.
fn compact(v: f64) -> String {
    if v >= 1e6 {
        format!("{:.1}M", v / 1e6)
    } else if v >= 1e3 {
        format!("{:.0}k", v / 1e3)
    } else {
        format!("{v:.0}")
    }
}
