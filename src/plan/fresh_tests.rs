//! Tests of the freshness keys of plan.toml (`fresh.rs`).

use super::fresh::*;
use crate::diagnostics::Code;
use crate::duration::Duration;
use crate::duration::Unit;

fn plan(extra: &str) -> crate::plan::Parsed {
    let src = format!(
        "[site]\ntitle='T'\n[plan]\ntitle='P'\nas_of=2026-11-01\n[[stages]]\nid='s'\n[[personas]]\nid='p'\n[[segments]]\nid='g'\npipeline=1\n{extra}"
    );
    crate::plan::parse(&src, None)
}

#[test]
fn humanises_ids() {
    assert_eq!(humanise("case-study"), "Case study");
    assert_eq!(humanise("battlecard"), "Battlecard");
    assert_eq!(humanise("roi_calculator"), "Roi calculator");
    assert_eq!(humanise("éclair"), "Éclair");
    assert_eq!(humanise(""), "");
}

#[test]
fn reads_types_and_defaults() {
    let p = plan("[coverage]\nreview_every='12 months'\ndue_soon='2 weeks'\n[[types]]\nid='case-study'\nreview_every='6 months'\n[[types]]\nid='battlecard'\nname='Battle card'\n")
        .valid()
        .unwrap();
    let f = &p.freshness;
    assert_eq!(
        f.due_soon,
        Duration {
            n: 2,
            unit: Unit::Weeks
        }
    );
    assert_eq!(f.types[0].name, "Case study");
    assert_eq!(f.types[1].name, "Battle card");
    assert_eq!(
        f.review_every(Some("case-study")),
        Some(Duration {
            n: 6,
            unit: Unit::Months
        })
    );
    assert_eq!(
        f.review_every(Some("battle card")),
        Some(Duration {
            n: 12,
            unit: Unit::Months
        })
    );
    assert_eq!(
        f.review_every(None),
        Some(Duration {
            n: 12,
            unit: Unit::Months
        })
    );
    assert_eq!(f.type_name("case-study"), "Case study");
    assert_eq!(f.type_name("one-pager"), "One pager");
    let none = plan("").valid().unwrap();
    assert_eq!(none.freshness, Freshness::default());
    assert_eq!(none.freshness.review_every(Some("x")), None);
}

#[test]
fn bad_keys_and_values_are_placed_with_did_you_mean() {
    let parsed = plan("[[types]]\nid='case-study'\nreview_evry='1 year'\n");
    let d = &parsed.diagnostics[0];
    assert_eq!(d.code, Code::PlanUnknownKey);
    assert!(d.help.as_deref().unwrap().contains("review_every"), "{d:?}");
    let parsed = plan("[coverage]\ndue_soon='12 moths'\n");
    let d = &parsed.diagnostics[0];
    assert_eq!(
        (d.code, d.line, d.col),
        (Code::PlanDuration, Some(14), Some(10))
    );
    assert!(d.help.as_deref().unwrap().contains("months"), "{d:?}");
    let parsed = plan("[[types]]\nid='Case Study'\n");
    assert_eq!(parsed.diagnostics[0].code, Code::PlanId);
}
