//! Asset files read against a plan: fields, slugs, and diagnostics placed in the
//! `.md` file.

use std::path::Path;

use super::read::quoted_width;
use super::*;
use crate::plan::Plan;
use crate::slug::{check_slug, suggest_slug};

fn plan() -> Plan {
    let src = "[site]\ntitle='T'\n[plan]\ntitle='P'\nas_of=2026-11-01\n[[stages]]\nid='awareness'\n[[stages]]\nid='decision'\nname='Decision'\n[[personas]]\nid='economic-buyer'\nname='Economic Buyer'\naliases=['CFO']\n[[personas]]\nid='champion'\n[[segments]]\nid='enterprise'\npipeline=1\n[[objections]]\nid='price'\ntext='Too dear'\n";
    crate::plan::parse(src, None).valid().unwrap()
}

fn read_str(text: &str) -> (Option<Asset>, Vec<String>) {
    let (a, d) = read(
        Path::new("content/x/a-b.md"),
        Path::new("x/a-b.md"),
        text,
        Some(&plan()),
        ReadOptions::default(),
    );
    (
        a,
        d.iter()
            .map(|d| {
                format!(
                    "{}: {}{}",
                    d.location(),
                    d.message,
                    d.help
                        .as_deref()
                        .map(|h| format!(" [{h}]"))
                        .unwrap_or_default()
                )
            })
            .collect(),
    )
}

#[test]
fn reads_full_yaml_asset() {
    let (a, d) = read_str(
        "---\ntitle: ROI\ntype: Calculator\npersonas: [CFO, champion]\nstage: decision\nsegments: all\nobjections: price\nsummary: s\naudience: External\nowner: PMM\nupdated: 2026-09-01\nreview_by: 2027-03-01\ntags: [ROI, finance]\nregion: NA\n---\nBody **bold**\n",
    );
    assert!(d.is_empty(), "{d:?}");
    let a = a.unwrap();
    assert_eq!(a.slug, "x/a-b");
    assert_eq!(a.kind.as_deref(), Some("calculator"));
    assert_eq!(a.personas, Some(vec![0, 1]));
    assert_eq!(a.stages, Some(vec![1]));
    assert_eq!(a.segments, Some(vec![0]));
    assert_eq!(a.objections, vec![0]);
    assert_eq!(a.audience, Some(Audience::External));
    assert_eq!(a.tags, vec!["finance", "roi"]);
    assert_eq!(a.extra.get("region"), Some(&serde_json::json!("NA")));
    assert!(!a.stale);
    assert_eq!(a.body_hash, body_hash("Body **bold**\n"));
}

#[test]
fn reads_toml_with_bom_and_crlf() {
    let (a, d) = read_str(
        "\u{feff}+++\r\ntitle = \"T\"\r\npersonas = [\"champion\"]\r\nstages = \"all\"\r\nsegments = \"enterprise\"\r\nreview_by = 2026-10-01\r\n+++\r\nBody\r\n",
    );
    let a = a.unwrap();
    assert!(a.stale);
    assert_eq!(a.stages, Some(vec![0, 1]));
    assert_eq!(d.len(), 1, "{d:?}");
    assert!(d[0].contains("stale"));
}

#[test]
fn diagnostics_point_into_the_md_file() {
    let cases: &[(&str, &str)] = &[
        ("", "content/x/a-b.md:1:1: the file is empty"),
        (
            "---\ntitle: a\n",
            "content/x/a-b.md:1:1: the front matter is never closed",
        ),
        (
            "---\ntitle: a\npersonas: [ecomonic-buyer]\n---\n",
            "content/x/a-b.md:3:12: unknown persona `ecomonic-buyer` [did you mean `economic-buyer`?]",
        ),
        (
            "---\ntitle: a\npersonas: [cfo, 3]\n---\n",
            "content/x/a-b.md:3:17: unknown persona `3`",
        ),
        (
            "---\ntitle: a\nstages: {a: 1}\n---\n",
            "content/x/a-b.md:3:9: `stages` must be text or a list of text, found a map",
        ),
        (
            "---\ntitle: a\nupdated: 2026-02-30\n---\n",
            "content/x/a-b.md:3:10: `updated` is not a date: `2026-02-30`",
        ),
        (
            "---\ntitle: a\ntitle: b\n---\n",
            "content/x/a-b.md:3:1: invalid YAML front matter: duplicate",
        ),
        ("---\ntitle: [a\n---\n", "content/x/a-b.md:"),
        (
            "+++\ntitle = a\n+++\n",
            "content/x/a-b.md:2:9: invalid TOML front matter",
        ),
        (
            "---\ntitle: a\nslug: ../etc\n---\n",
            "content/x/a-b.md:3:7: slug `../etc` has an empty, `.` or `..` part",
        ),
        (
            "---\ntitle: a\naudience: everyone\n---\n",
            "content/x/a-b.md:3:11: audience `everyone` is neither",
        ),
        (
            "---\ntitle: a\nurl: javascript:alert(1)\n---\n",
            "content/x/a-b.md:3:6: url `javascript:alert(1)` uses a scheme",
        ),
        (
            "---\ntitle: a\npersona: cfo\npersonas: [cfo]\n---\n",
            "content/x/a-b.md:3:10: both `persona` and `personas` are given",
        ),
        (
            "---\ntitle: a\ndraft: yes please\n---\n",
            "content/x/a-b.md:3:8: `draft` must be true or false",
        ),
    ];
    for (text, want) in cases {
        let (a, d) = read_str(text);
        assert!(a.is_none(), "{text:?} should fail");
        assert!(
            d.iter().any(|x| x.starts_with(want)),
            "{text:?}: want {want:?} in {d:#?}"
        );
    }
}

#[test]
fn missing_dimension_is_a_warning() {
    let (a, d) = read_str("---\ntitle: a\npersonas: cfo\nsegments: all\n---\n");
    assert!(a.is_some());
    assert_eq!(d.len(), 1);
    assert!(d[0].contains("no `stages`"), "{d:?}");
}

#[test]
fn rejected_slugs_get_a_valid_suggestion() {
    for (bad, want) in [
        ("/pricing", Some("pricing")),
        ("pricing/", Some("pricing")),
        ("../etc/passwd", Some("etc/passwd")),
        ("a//./b", Some("a/b")),
        ("..\\Case Studies", Some("case-studies")),
        ("Pricing-FAQ", Some("pricing-faq")),
        ("", None),
        ("/", None),
        ("../..", None),
    ] {
        let got = suggest_slug(bad);
        assert_eq!(got.as_deref(), want, "{bad:?}");
        if let Some(good) = got {
            assert!(check_slug(&good).is_ok(), "{good:?}");
        }
    }
    let (_, d) = read_str("---\ntitle: a\nslug: \"/\"\n---\n");
    assert!(
        d.iter()
            .any(|x| x.ends_with("such as `x/a-b`, or leave `slug` out to use the file's path]")),
        "{d:#?}"
    );
}

#[test]
fn carets_cover_quoted_values_as_written() {
    for (text, want) in [
        ("---\ntitle: a\naudience: everyone\n---\n", 8),
        ("---\ntitle: a\naudience: \"everyone\"\n---\n", 10),
        ("---\ntitle: a\naudience: 'every''one'\n---\n", 12),
        ("---\ntitle: a\naudience: \"a\\\"b\"\n---\n", 6),
        ("+++\ntitle = \"a\"\naudience = 'everyone'\n+++\n", 10),
        ("---\ntitle: a\nslug: \"\"\n---\n", 2),
    ] {
        let (_, d) = read(
            Path::new("content/a.md"),
            Path::new("a.md"),
            text,
            Some(&plan()),
            ReadOptions::default(),
        );
        let err = d.iter().find(|d| d.is_error()).expect("an error");
        assert_eq!(err.width, want, "{text:?}: {err:?}");
    }
    assert_eq!(quoted_width("plain"), None);
    assert_eq!(quoted_width("\"unclosed"), Some(9));
}

#[test]
fn both_singular_and_plural_is_an_error_not_a_missing_kind() {
    let (a, d) =
        read_str("---\ntitle: a\npersona: cfo\npersonas: [cfo]\nstages: all\nsegments: all\n---\n");
    assert!(a.is_none());
    assert_eq!(d.len(), 1, "{d:#?}");
    assert!(d[0].contains("both `persona` and `personas`"), "{d:?}");
}

#[test]
fn an_explicit_slug_keeps_its_place() {
    let (a, _) = read_str("---\ntitle: a\nslug: \"roi\"\n---\n");
    let place = a.unwrap().slug_place.unwrap();
    assert_eq!((place.line, place.col, place.width), (3, 7, 5));
    assert_eq!(place.source_line, "slug: \"roi\"");
    let (a, _) = read_str("---\ntitle: a\n---\n");
    assert_eq!(a.unwrap().slug_place, None);
}

#[test]
fn a_broken_plan_still_checks_ids_without_echoing_its_own_errors() {
    let src = "[site]\ntitle='T'\n[plan]\ntitle='P'\ncurrency='usd'\n[[stages]]\nid='decision'\n[[segments]]\nid='smb'\npipeline=1\n";
    let parsed = crate::plan::parse(src, None);
    assert!(!parsed.is_valid());
    let plan = parsed.plan.expect("the structure parsed");
    let (_, d) = read(
        Path::new("content/a.md"),
        Path::new("a.md"),
        "---\ntitle: a\npersonas: [cfo]\nstages: [decisoin]\nsegments: all\n---\n",
        Some(&plan),
        ReadOptions::default(),
    );
    // The plan has no personas: that is the plan's error, not one per asset.
    let errors: Vec<String> = d
        .iter()
        .filter(|d| d.is_error())
        .map(|d| format!("{}: {}", d.location(), d.message))
        .collect();
    assert_eq!(errors, ["content/a.md:4:10: unknown stage `decisoin`"]);
}

#[test]
fn a_duplicate_yaml_key_says_so_plainly() {
    let (_, d) = read_str("---\ntitle: a\ntitle: b\n---\n");
    assert_eq!(
        d,
        [
            "content/x/a-b.md:3:1: invalid YAML front matter: duplicate key `title` [keep one `title`: each key may appear once]"
        ]
    );
}

/// A block read by the plain fast path, and the same block with an anchor, which only
/// serde-saphyr reads.
fn both_paths(keys: &str) -> [String; 2] {
    let full = format!("{keys}anchored: &a 1\n");
    assert!(crate::frontmatter::plain_yaml(keys).is_some(), "{keys:?}");
    assert!(crate::frontmatter::plain_yaml(&full).is_none(), "{full:?}");
    [
        format!("---\n{keys}---\nBody\n"),
        format!("---\n{full}---\nBody\n"),
    ]
}

#[test]
fn text_fields_take_the_scalar_as_written_on_both_paths() {
    for written in [
        "No",
        "yes",
        "on",
        "007",
        "02139",
        "1e3",
        "0x1F",
        ".inf",
        "null",
        "~",
        "2026-01-01",
        "1.50",
        "true",
    ] {
        let keys = format!(
            "title: {written}\nsummary: {written}\nowner: {written}\ntags: [{written}]\nzip: 02139\nn: 1\ny: 2\n"
        );
        for text in both_paths(&keys) {
            let (a, d) = read_str(&text);
            let a = a.unwrap_or_else(|| panic!("{text:?}: {d:?}"));
            assert_eq!(a.title, written, "{text:?}");
            assert_eq!(a.summary.as_deref(), Some(written), "{text:?}");
            assert_eq!(a.owner.as_deref(), Some(written), "{text:?}");
            assert_eq!(a.tags, vec![written.to_lowercase()], "{text:?}");
            assert_eq!(a.extra.get("zip"), Some(&serde_json::json!("02139")));
            assert_eq!(a.extra.get("n"), Some(&serde_json::json!(1)));
            assert_eq!(a.extra.get("y"), Some(&serde_json::json!(2)));
        }
    }
}

#[test]
fn booleans_read_yaml_1_1_words_with_a_warning() {
    for (written, want, warns) in [
        ("true", true, false),
        ("False", false, false),
        ("yes", true, true),
        ("No", false, true),
        ("on", true, true),
        ("off", false, true),
        ("y", true, true),
        ("n", false, true),
    ] {
        for text in both_paths(&format!("title: t\ndraft: {written}\n")) {
            let (a, d) = read_str(&text);
            assert_eq!(a.map(|a| a.draft), Some(want), "{text:?}: {d:?}");
            assert_eq!(
                d.iter().any(|d| d.contains("YAML 1.2 reads")),
                warns,
                "{text:?}: {d:?}"
            );
        }
    }
    for text in both_paths("title: t\ndraft: maybe\n") {
        let (a, d) = read_str(&text);
        assert!(a.is_none());
        assert!(
            d.iter()
                .any(|d| d.contains("`draft` must be true or false, found a string")),
            "{d:?}"
        );
    }
}
