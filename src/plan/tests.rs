//! `plan.toml` parsed and checked against SPEC §1.1: defaults, each rule's placed
//! error, decisions in force.

use super::*;
use crate::date::Date;
use crate::diagnostics::Diagnostic;

const MINIMAL: &str = r#"
[site]
title = "T"
[plan]
title = "P"
as_of = 2026-11-01
[[stages]]
id = "awareness"
name = "Awareness"
[[stages]]
id = "decision"
[[personas]]
id = "economic-buyer"
name = "Economic Buyer"
aliases = ["EB", "CFO"]
[[personas]]
id = "champion"
[[segments]]
id = "enterprise"
pipeline = 1_000
weights = { economic-buyer = 3 }
"#;

fn errors(src: &str) -> Vec<String> {
    parse(src, None)
        .diagnostics
        .iter()
        .filter(|d| d.is_error())
        .map(|d| format!("{}: {}", d.location(), d.message))
        .collect()
}

#[test]
fn parses_minimal_plan_with_defaults() {
    let parsed = parse(MINIMAL, None);
    assert!(parsed.diagnostics.is_empty(), "{:?}", parsed.diagnostics);
    let plan = parsed.valid().unwrap();
    assert_eq!(plan.as_of.to_string(), "2026-11-01");
    assert_eq!(plan.target, 1);
    assert_eq!(plan.currency, "USD");
    assert_eq!(plan.stages[1].name, "decision");
    assert_eq!(plan.segments[0].personas, vec![0, 1]);
    assert_eq!(plan.segments[0].weights, vec![3.0, 1.0]);
    assert_eq!(plan.lookup(Kind::Persona, "cfo"), Some(0));
    assert_eq!(plan.lookup(Kind::Persona, "economic buyer"), Some(0));
    assert_eq!(plan.lookup(Kind::Stage, "Awareness"), Some(0));
    assert_eq!(plan.lookup(Kind::Persona, "nobody"), None);
}

#[test]
fn a_plan_that_breaks_a_rule_comes_back_flagged() {
    let src = MINIMAL.replace(
        "as_of = 2026-11-01",
        "as_of = 2026-11-01\ncurrency = \"usd\"",
    );
    let parsed = parse(&src, None);
    assert!(!parsed.is_valid());
    assert!(parsed.diagnostics.iter().any(Diagnostic::is_error));
    let plan = parsed.plan.clone().expect("the structure parsed");
    assert_eq!(plan.lookup(Kind::Persona, "EB"), Some(0));
    assert_eq!(parsed.valid(), None);

    let parsed = parse("[site]\ntitle = \"T\"\n", None);
    assert!(parsed.plan.is_none() && !parsed.is_valid());
}

#[test]
fn as_of_override_wins() {
    let plan = parse(MINIMAL, Date::parse("2027-01-01")).valid();
    assert_eq!(plan.unwrap().as_of.to_string(), "2027-01-01");
}

#[test]
fn rule_violations_name_line_and_column() {
    let cases: &[(&str, &str, &str)] = &[
        ("[site]\ntitle = \"T\"\n", "", "missing key `plan`"),
        (
            MINIMAL,
            "[[segments]]\nid = \"enterprise\"\npipeline = 5\n",
            "plan.toml:23:6: segment id `enterprise` is used twice",
        ),
        (
            MINIMAL,
            "[[segments]]\nid = \"smb\"\npipeline = -5\n",
            "plan.toml:24:12: pipeline must be >= 0, found -5",
        ),
        (
            MINIMAL,
            "[[segments]]\nid = \"smb\"\npipeline = \"lots\"\n",
            "plan.toml:24:12: pipeline must be a number, found string",
        ),
        (
            MINIMAL,
            "[[segments]]\nid = \"smb\"\npipeline = 1\npersonas = [\"champion\"]\nweights = { economic-buyer = 2 }\n",
            "plan.toml:26:13: weight for `economic-buyer`, which is not in segment `smb`'s buying group",
        ),
        (
            MINIMAL,
            "[[segments]]\nid = \"SMB\"\npipeline = 1\n",
            "plan.toml:23:6: segment id `SMB` is not a valid id",
        ),
        (
            MINIMAL,
            "[[decisions]]\nsegment = \"enterprize\"\ntarget = 0\nwhy = \"x\"\n",
            "plan.toml:23:11: unknown segment `enterprize`",
        ),
        (
            MINIMAL,
            "[[decisions]]\nstage = \"awareness\"\ntarget = 0\n",
            "decision has no `why`",
        ),
        (
            MINIMAL,
            "[[decisions]]\nstage = \"awareness\"\ntarget = -1\nwhy = \"x\"\n",
            "plan.toml:24:10: target must be a whole number >= 0, found `-1`",
        ),
        (
            MINIMAL,
            "[[decisions]]\nstage = \"awareness\"\ntarget = 0\nwhy = \"a\"\n[[decisions]]\npersona = \"champion\"\ntarget = 3\nwhy = \"b\"\n",
            "conflicts with the one on line 22",
        ),
        (
            MINIMAL,
            "[coverage]\ntargett = 2\n",
            "unknown key `targett`",
        ),
    ];
    for (base, extra, want) in cases {
        let src = format!("{base}{extra}");
        let errs = errors(&src);
        assert!(
            errs.iter().any(|e| e.contains(want)),
            "want {want:?} in {errs:#?}"
        );
    }
}

#[test]
fn most_specific_decision_wins_and_lapsed_ones_do_not_apply() {
    let src = format!(
        "{MINIMAL}[[decisions]]\nstage = \"awareness\"\ntarget = 0\nwhy = \"a\"\n[[decisions]]\nstage = \"awareness\"\npersona = \"champion\"\ntarget = 3\nwhy = \"b\"\n[[decisions]]\nstage = \"decision\"\ntarget = 5\nwhy = \"c\"\nreview_by = 2026-10-01\n"
    );
    let Parsed {
        plan,
        diagnostics: diags,
    } = parse(&src, None);
    let plan = plan.unwrap();
    assert_eq!(plan.decision_for(0, 0, 0), Some(0));
    assert_eq!(plan.decision_for(0, 1, 0), Some(1));
    assert_eq!(plan.decision_for(0, 1, 1), None, "lapsed");
    assert_eq!(diags.len(), 1);
    assert!(
        diags[0]
            .message
            .starts_with("decision lapsed on 2026-10-01")
    );
}

#[test]
fn every_unknown_key_and_rule_violation_in_one_run() {
    let src = format!(
        "{MINIMAL}[coverage]\ntargett = 2\n[[decisions]]\nsegment = \"enterprize\"\ntarget = 0\nwhy = \"x\"\nowner_ = \"a\"\n"
    );
    let errs = errors(&src);
    for want in [
        "unknown key `targett`",
        "unknown key `owner_`",
        "unknown segment `enterprize`",
    ] {
        assert!(
            errs.iter().any(|e| e.contains(want)),
            "want {want:?} in {errs:#?}"
        );
    }
    let Parsed { diagnostics, .. } = parse(&src, None);
    assert!(
        diagnostics
            .iter()
            .all(|d| d.code != crate::diagnostics::Code::UnassignedError)
    );
}

#[test]
fn robots_is_index_noindex_or_a_placed_error() {
    let with =
        |value: &str| MINIMAL.replace("title = \"T\"", &format!("title = \"T\"\nrobots = {value}"));
    assert_eq!(
        parse(MINIMAL, None).valid().unwrap().site.robots,
        Robots::Index
    );
    let noindex = parse(&with("\"noindex\""), None);
    assert_eq!(noindex.valid().unwrap().site.robots, Robots::NoIndex);
    let bad = parse(&with("\"Noindex\""), None);
    let d: Vec<&Diagnostic> = bad.diagnostics.iter().collect();
    assert_eq!(d.len(), 1);
    assert_eq!(d[0].location(), "plan.toml:4:10");
    assert_eq!(d[0].code.as_str(), "E0204");
    assert!(
        d[0].help
            .as_deref()
            .is_some_and(|h| h.starts_with("did you mean `noindex`?")),
        "{:?}",
        d[0].help
    );
}
