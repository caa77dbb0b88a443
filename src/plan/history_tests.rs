//! `[history]` read from plan.toml.

use super::history::{Every, History};
use super::parse;

const BASE: &str = "[site]\ntitle = \"S\"\n[plan]\ntitle = \"P\"\nas_of = 2026-11-01\n\
        [[stages]]\nid = \"a\"\nname = \"A\"\n[[personas]]\nid = \"p\"\nname = \"P\"\n\
        [[segments]]\nid = \"s\"\nname = \"S\"\npipeline = 100\npersonas = [\"p\"]\n";

fn parsed(extra: &str) -> (Option<History>, Vec<String>) {
    let p = parse(&format!("{BASE}{extra}"), None);
    let msgs = p
        .diagnostics
        .iter()
        .map(|d| format!("{} {}", d.message, d.help.clone().unwrap_or_default()))
        .collect();
    (p.plan.and_then(|p| p.history), msgs)
}

#[test]
fn defaults_to_monthly_twelve_points() {
    let (h, msgs) = parsed("[history]\n");
    assert!(msgs.is_empty(), "{msgs:?}");
    let h = h.unwrap();
    assert_eq!((h.every, h.tags, h.max_points), (Every::Month, None, 12));
    assert_eq!(parsed("").0, None);
}

#[test]
fn reads_every_key() {
    let (h, msgs) = parsed("[history]\nevery = \"week\"\ntags = \"qbr-*\"\nmax_points = 4\n");
    assert!(msgs.is_empty(), "{msgs:?}");
    let h = h.unwrap();
    assert_eq!(h.every, Every::Week);
    assert_eq!(h.tags.as_deref(), Some("qbr-*"));
    assert_eq!(h.max_points, 4);
}

#[test]
fn bad_values_and_keys_are_errors_with_suggestions() {
    let (_, msgs) = parsed("[history]\nevery = \"mnth\"\nmax_points = 1\n");
    assert!(
        msgs.iter()
            .any(|m| m.contains("`every = \"mnth\"`") && m.contains("month")),
        "{msgs:?}"
    );
    assert!(
        msgs.iter().any(|m| m.contains("max_points = 1")),
        "{msgs:?}"
    );
    let (_, msgs) = parsed("[history]\nmax_point = 3\n");
    assert!(
        msgs.iter()
            .any(|m| m.contains("unknown key `max_point`") && m.contains("max_points")),
        "{msgs:?}"
    );
}
