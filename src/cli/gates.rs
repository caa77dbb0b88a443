//! The gates of `covermap check`: `--min-coverage` for the plan or one segment,
//! `--min-buying-group` for every segment or one. Each gate is judged on the model and
//! reported with the real figure to one decimal, so 74.76 % reads "74.8 % is below the
//! minimum 75 %", never "75 % is below the minimum 75 %".

use crate::coverage::Coverage;
use crate::plan::{Kind, Plan};

/// A `--min-coverage` or `--min-buying-group` value: a share, for one segment (as
/// written, `enterprise=80%`) or for all.
#[derive(Debug, Clone, PartialEq)]
pub struct Minimum {
    pub segment: Option<String>,
    pub share: f64,
}

/// Parses `70%`, `0.7` or `SEGMENT=70%`.
pub fn parse_minimum(s: &str) -> Result<Minimum, String> {
    match s.split_once('=') {
        Some((segment, share)) => {
            let segment = segment.trim();
            if segment.is_empty() {
                return Err(format!("`{s}` names no segment before `=`"));
            }
            Ok(Minimum {
                segment: Some(segment.to_string()),
                share: parse_share(share.trim())?,
            })
        }
        None => Ok(Minimum {
            segment: None,
            share: parse_share(s.trim())?,
        }),
    }
}

/// A share: `0.7` or `70%`, between 0 and 1.
fn parse_share(s: &str) -> Result<f64, String> {
    let v: f64 = s
        .trim_end_matches('%')
        .parse()
        .map_err(|_| format!("`{s}` is not a number"))?;
    let v = if s.ends_with('%') { v / 100.0 } else { v };
    if (0.0..=1.0).contains(&v) {
        Ok(v)
    } else {
        Err(format!("`{s}` must be between 0 and 1 (or 0% and 100%)"))
    }
}

/// What a gate measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Measure {
    Coverage,
    BuyingGroup,
}

/// One gate, judged.
#[derive(Debug, Clone, PartialEq)]
pub struct Gate {
    pub measure: Measure,
    /// The segment's id, or `None` for the whole plan.
    pub segment: Option<String>,
    /// The segment's name, for messages.
    pub label: String,
    pub minimum: f64,
    /// The segment as the flag named it (`None` for a flag on every segment).
    pub written: Option<String>,
    /// The figure; `None` where nothing has a target (such a gate passes).
    pub actual: Option<f64>,
}

impl Gate {
    pub fn passed(&self) -> bool {
        self.actual.is_none_or(|a| a + 1e-9 >= self.minimum)
    }

    /// `coverage 74.8% is below the minimum 75%` when failed;
    /// `coverage 80.2% meets the minimum 75%` when passed.
    pub fn message(&self) -> String {
        let what = match self.measure {
            Measure::Coverage => "coverage",
            Measure::BuyingGroup => "buying-group coverage",
        };
        let who = if self.segment.is_some() {
            format!("{} {what}", self.label)
        } else {
            what.to_string()
        };
        match self.actual {
            None => format!("{who}: nothing has a target, so the gate passes"),
            Some(a) if self.passed() => format!(
                "{who} {} meets the minimum {}",
                one_decimal(a, None),
                share(self.minimum)
            ),
            Some(a) => format!(
                "{who} {} is below the minimum {}",
                one_decimal(a, Some(self.minimum)),
                share(self.minimum)
            ),
        }
    }

    /// The gate's name as flags write it: `--min-coverage enterprise=80%`.
    pub fn flag(&self) -> String {
        let flag = match self.measure {
            Measure::Coverage => "--min-coverage",
            Measure::BuyingGroup => "--min-buying-group",
        };
        match &self.written {
            Some(s) => format!("{flag} {s}={}", share(self.minimum)),
            None => format!("{flag} {}", share(self.minimum)),
        }
    }

    pub fn to_json(&self) -> serde_json::Value {
        serde_json::json!({
            "gate": match self.measure {
                Measure::Coverage => "min_coverage",
                Measure::BuyingGroup => "min_buying_group",
            },
            "segment": self.segment,
            "minimum": self.minimum,
            "actual": self.actual.map(|a| (a * 1e6).round() / 1e6),
            "passed": self.passed(),
            "message": self.message(),
        })
    }
}

/// A share as a percentage with at most one decimal: `75%`, `72.5%`.
pub fn share(v: f64) -> String {
    let s = format!("{:.1}", v * 100.0);
    format!("{}%", s.strip_suffix(".0").unwrap_or(&s))
}

/// A measured share to one decimal (`74.8%`); below a minimum it never rounds up to
/// read as the minimum or above it (74.96 % under 75 % reads 74.9 %).
pub fn one_decimal(v: f64, below: Option<f64>) -> String {
    let tenths = v * 1000.0;
    let mut shown = tenths.round();
    if let Some(min) = below
        && shown >= (min * 1000.0).round()
    {
        shown = tenths.floor();
    }
    format!("{:.1}%", shown / 10.0)
}

/// Every gate the flags ask for, judged; or, for a segment the plan does not have,
/// the error to stop on (exit 2), with a did-you-mean.
pub fn judge(
    plan: &Plan,
    cov: &Coverage,
    coverage: &[Minimum],
    buying_group: &[Minimum],
) -> Result<Vec<Gate>, String> {
    let mut gates = Vec::new();
    for (measure, minimums) in [
        (Measure::Coverage, coverage),
        (Measure::BuyingGroup, buying_group),
    ] {
        for m in minimums {
            let segments: Vec<usize> = match (&m.segment, measure) {
                (None, Measure::Coverage) => {
                    gates.push(Gate {
                        measure,
                        segment: None,
                        label: String::new(),
                        minimum: m.share,
                        written: None,
                        actual: cov.summary.coverage,
                    });
                    continue;
                }
                (None, Measure::BuyingGroup) => (0..plan.segments.len()).collect(),
                (Some(id), _) => vec![segment(plan, id)?],
            };
            for si in segments {
                let sc = cov.segments.iter().find(|s| s.segment == si);
                let seg = &plan.segments[si];
                gates.push(Gate {
                    measure,
                    segment: Some(seg.id.clone()),
                    label: seg.name.clone(),
                    minimum: m.share,
                    written: m.segment.clone(),
                    actual: sc.and_then(|s| match measure {
                        Measure::Coverage => s.coverage,
                        Measure::BuyingGroup => s.buying_group_coverage,
                    }),
                });
            }
        }
    }
    Ok(gates)
}

/// The segment a gate names: by id, name or alias, as assets name it.
fn segment(plan: &Plan, written: &str) -> Result<usize, String> {
    plan.lookup(Kind::Segment, written).ok_or_else(|| {
        let ids = plan.segments.iter().map(|s| s.id.as_str());
        let hint = crate::diagnostics::suggest(written, ids).unwrap_or_else(|| {
            format!(
                "the plan's segments are {}",
                plan.segments
                    .iter()
                    .map(|s| format!("`{}`", s.id))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        });
        format!(
            "a gate names the segment `{}`, which plan.toml does not define; {hint}",
            crate::diagnostics::printable(written)
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn minimums_parse_with_and_without_a_segment() {
        assert_eq!(
            parse_minimum("70%"),
            Ok(Minimum {
                segment: None,
                share: 0.7
            })
        );
        assert_eq!(
            parse_minimum("enterprise=0.8"),
            Ok(Minimum {
                segment: Some("enterprise".into()),
                share: 0.8
            })
        );
        assert!(parse_minimum("=80%").is_err());
        assert!(parse_minimum("enterprise=180%").is_err());
        assert!(parse_minimum("enterprise").is_err());
    }

    #[test]
    fn figures_show_one_decimal_and_never_round_up_to_the_minimum() {
        assert_eq!(one_decimal(0.7476, Some(0.75)), "74.8%");
        assert_eq!(one_decimal(0.74996, Some(0.75)), "74.9%");
        assert_eq!(one_decimal(0.74996, None), "75.0%");
        assert_eq!(share(0.75), "75%");
        assert_eq!(share(0.725), "72.5%");
        let gate = Gate {
            measure: Measure::Coverage,
            segment: None,
            label: String::new(),
            minimum: 0.75,
            written: None,
            actual: Some(0.7476),
        };
        assert!(!gate.passed());
        assert_eq!(gate.message(), "coverage 74.8% is below the minimum 75%");
        let gate = Gate {
            measure: Measure::BuyingGroup,
            segment: Some("enterprise".into()),
            label: "Enterprise".into(),
            minimum: 0.5,
            written: Some("enterprise".into()),
            actual: Some(0.5),
        };
        assert!(gate.passed());
        assert_eq!(
            gate.message(),
            "Enterprise buying-group coverage 50.0% meets the minimum 50%"
        );
        assert_eq!(gate.flag(), "--min-buying-group enterprise=50%");
    }
}
