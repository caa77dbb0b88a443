//! Front matter as the repo wrote it: keys ignoring case, aliases, renames, tag rules,
//! fallbacks for a missing title or summary, redirect stubs and feeds, index slugs and
//! dates.

use std::path::Path;

use super::fields::{cut, first_heading, first_paragraph, title_from_path};
use super::*;
use crate::plan::Plan;

const PLAN: &str = "[site]\ntitle='T'\n[plan]\ntitle='P'\nas_of=2026-11-01\n[[stages]]\nid='awareness'\n[[stages]]\nid='decision'\n[[personas]]\nid='cfo'\n[[personas]]\nid='champion'\n[[segments]]\nid='enterprise'\npipeline=1\n[[segments]]\nid='healthcare'\npipeline=1\n";

fn plan(extra: &str) -> Plan {
    let parsed = crate::plan::parse(&format!("{PLAN}{extra}"), None);
    parsed.valid().expect("plan")
}

fn read_with(plan: &Plan, path: &str, text: &str) -> (Option<Asset>, Vec<String>) {
    let (a, d) = read(
        &Path::new("content").join(path),
        Path::new(path),
        text,
        Some(plan),
        ReadOptions::default(),
    );
    let d = d
        .iter()
        .map(|d| format!("{}: {} [{}]", d.location(), d.message, d.code.as_str()))
        .collect();
    (a, d)
}

const MAPPED: &str = "[front_matter]\naliases = { summary = [\"description\", \"excerpt\"], draft = [\"!published\"], updated = [\"lastmod\"] }\nrenames = { stage = \"buying_stage\" }\n";

#[test]
fn aliases_read_their_keys_in_order_and_invert_published() {
    let p = plan(MAPPED);
    let cases: &[(&str, Option<&str>, bool)] = &[
        (
            "---\ntitle: a\nexcerpt: E\npublished: false\n---\n",
            Some("E"),
            true,
        ),
        (
            "---\ntitle: a\nexcerpt: E\ndescription: D\npublished: true\n---\n",
            Some("D"),
            false,
        ),
        (
            "---\ntitle: a\nsummary: S\ndescription: D\n---\n",
            Some("S"),
            false,
        ),
        (
            "---\ntitle: a\ndraft: true\npublished: true\n---\n",
            None,
            true,
        ),
    ];
    for (text, summary, draft) in cases {
        let (a, d) = read_with(&p, "x.md", text);
        let a = a.unwrap_or_else(|| panic!("{text:?}: {d:?}"));
        assert_eq!(a.summary.as_deref(), *summary, "{text:?}");
        assert_eq!(a.draft, *draft, "{text:?}");
    }
}

#[test]
fn a_rename_reads_the_other_key_and_keeps_theirs_in_extra() {
    let p = plan(MAPPED);
    let text = "---\ntitle: a\nstage: beta\nbuying_stage: decision\n---\n";
    let (a, d) = read_with(&p, "x.md", text);
    let a = a.unwrap_or_else(|| panic!("{d:?}"));
    assert_eq!(a.stages, Some(vec![1]));
    assert_eq!(a.extra.get("stage"), Some(&serde_json::json!("beta")));
}

#[test]
fn keys_match_ignoring_case_and_two_spellings_warn() {
    let p = plan("");
    let (a, d) = read_with(
        &p,
        "x.md",
        "---\nTitle: Big\nLastmod: 2026-01-02\nDraft: true\n---\n",
    );
    let a = a.unwrap_or_else(|| panic!("{d:?}"));
    assert_eq!(a.title, "Big");
    assert!(a.draft);
    let (a, d) = read_with(&p, "x.md", "---\nTitle: One\ntitle: two\n---\n");
    assert_eq!(a.unwrap().title, "One");
    assert!(
        d.iter().any(
            |x| x.starts_with("content/x.md:3:8: `Title` and `title` are one key")
                && x.ends_with("[W0312]")
        ),
        "{d:?}"
    );
}

#[test]
fn updated_wins_over_date_in_any_order_and_the_future_warns() {
    let p = plan("");
    for text in [
        "---\ntitle: a\ndate: 2025-01-01\nupdated: 2026-02-03\n---\n",
        "---\ntitle: a\nupdated: 2026-02-03\ndate: 2025-01-01\n---\n",
    ] {
        let (a, _) = read_with(&p, "x.md", text);
        assert_eq!(
            a.unwrap().updated.unwrap().to_string(),
            "2026-02-03",
            "{text:?}"
        );
    }
    let (a, d) = read_with(&p, "x.md", "---\ntitle: a\ndate: 2025-01-01\n---\n");
    assert_eq!(a.unwrap().updated.unwrap().to_string(), "2025-01-01");
    assert!(!d.iter().any(|x| x.contains("W0315")), "{d:?}");
    let (a, d) = read_with(&p, "x.md", "---\ntitle: a\ndate: 2027-01-01\n---\n");
    assert!(a.is_some());
    assert!(
        d.iter().any(|x| x.starts_with(
            "content/x.md:3:7: updated in the future: 2027-01-01 is after 2026-11-01"
        ) && x.ends_with("[W0315]")),
        "{d:?}"
    );
}

#[test]
fn index_files_take_their_folders_slug() {
    let p = plan("");
    for (path, slug) in [
        ("x/index.md", "x"),
        ("x/_index.md", "x"),
        ("a/b/index.md", "a/b"),
        ("index.md", "index"),
        ("x/indexes.md", "x/indexes"),
    ] {
        let (a, d) = read_with(&p, path, "---\ntitle: a\n---\n");
        assert_eq!(a.unwrap_or_else(|| panic!("{d:?}")).slug, slug, "{path}");
    }
}

#[test]
fn a_page_without_front_matter_or_title_is_titled_with_a_warning() {
    let p = plan("");
    let cases = [
        (
            "a.md",
            "# Pricing FAQ\n\nText.\n",
            "Pricing FAQ",
            "the page has no front matter",
        ),
        (
            "my-page.md",
            "Just text.\n",
            "my page",
            "the page has no front matter",
        ),
        (
            "a.md",
            "---\nsummary: s\n---\n## Sub *one*\n",
            "Sub one",
            "the front matter has no `title`",
        ),
        (
            "guide/index.md",
            "---\nsummary: s\n---\n",
            "guide",
            "the front matter has no `title`",
        ),
    ];
    for (path, text, title, why) in cases {
        let (a, d) = read_with(&p, path, text);
        assert_eq!(
            a.unwrap_or_else(|| panic!("{d:?}")).title,
            title,
            "{text:?}"
        );
        assert!(
            d.iter().any(|x| x.contains(why) && x.ends_with("[W0313]")),
            "{d:?}"
        );
    }
    // Malformed front matter stays an error.
    let (a, d) = read_with(&p, "a.md", "---\ntitle: a\n");
    assert!(a.is_none());
    assert!(d.iter().any(|x| x.contains("never closed")), "{d:?}");
}

#[test]
fn redirect_stubs_and_feeds_are_skipped_with_a_warning() {
    let p = plan("");
    for (text, what) in [
        ("---\nredirect_to: /new/\n---\n", "redirect stub"),
        (
            "---\naliases: [/old/]\nredirect_from: /older/\n---\n\n",
            "redirect stub",
        ),
        (
            "---\npermalink: feed.xml\n---\n{% for p in posts %}{% endfor %}\n",
            "feed or sitemap",
        ),
        (
            "---\neleventyExcludeFromCollections: true\ntitle: s\n---\nx\n",
            "feed or sitemap",
        ),
        ("---\nlayout: rss\n---\n", "feed or sitemap"),
    ] {
        let (a, d) = read_with(&p, "a.md", text);
        assert!(a.is_none(), "{text:?}");
        assert!(
            !d.is_empty() && d.iter().all(|x| x.contains(what) && x.ends_with("[W0314]")),
            "{text:?}: {d:?}"
        );
    }
    // A redirect key beside a body is an asset.
    let (a, _) = read_with(
        &p,
        "a.md",
        "---\ntitle: t\nredirect_from: /old/\n---\nBody.\n",
    );
    assert!(a.is_some());
}

#[test]
fn the_summary_falls_back_to_the_first_paragraph_only_when_adopting() {
    let text = "---\ntitle: a\n---\n# Head\n\nimport X from 'y';\n\nFirst *para* with a [link](http://x).\nStill it.\n\nSecond.\n";
    let (a, _) = read_with(&plan(""), "a.md", text);
    assert_eq!(a.unwrap().summary, None);
    let (a, _) = read_with(&plan(MAPPED), "a.md", text);
    assert_eq!(
        a.unwrap().summary.as_deref(),
        Some("First para with a link. Still it.")
    );
}

#[test]
fn rules_tag_by_path_and_by_value_and_front_matter_wins() {
    let rules = "[[front_matter.rules]]\npath = \"case-studies/healthcare/**\"\nsegments = [\"healthcare\"]\n\n[[front_matter.rules]]\nkey = \"tags\"\nvalue = \"cfo\"\npersonas = [\"cfo\"]\nstages = [\"decision\"]\n";
    let p = plan(rules);
    let lines: Vec<u32> = p
        .adoption
        .front_matter
        .rules
        .iter()
        .map(|r| r.line)
        .collect();
    let (a, d) = read_with(
        &p,
        "case-studies/healthcare/a.md",
        "---\ntitle: a\ntags: [CFO]\n---\n",
    );
    let a = a.unwrap_or_else(|| panic!("{d:?}"));
    assert_eq!(a.segments, Some(vec![1]));
    assert_eq!(a.personas, Some(vec![0]));
    assert_eq!(a.stages, Some(vec![1]));
    assert_eq!(a.tagged_by, lines);
    assert!(!d.iter().any(|x| x.contains("W0309")), "{d:?}");
    // Front matter wins: the rule sets only what is left out.
    let (a, _) = read_with(
        &p,
        "case-studies/healthcare/a.md",
        "---\ntitle: a\nsegments: [enterprise]\n---\n",
    );
    let a = a.unwrap();
    assert_eq!(a.segments, Some(vec![0]));
    assert!(a.tagged_by.is_empty());
    // `*` stays within one folder; an unmatched asset is untouched.
    let (a, _) = read_with(&p, "other/a.md", "---\ntitle: a\ntags: [ceo]\n---\n");
    assert_eq!(a.unwrap().segments, None);
}

#[test]
fn fallback_text_helpers() {
    assert_eq!(
        first_heading("```\n# not\n```\n## Real ##\n"),
        Some("Real".into())
    );
    assert_eq!(first_heading("#hashtag\n"), None);
    assert_eq!(title_from_path(Path::new("a/b_c-d.md")), "b c d");
    assert_eq!(title_from_path(Path::new("a/_index.md")), "a");
    assert_eq!(title_from_path(Path::new("_.md")), "_");
    assert_eq!(
        first_paragraph("<div>\n\n![x](y)\n\n> quoted\n"),
        Some("> quoted".into())
    );
    let long = "word ".repeat(60);
    let c = cut(long.trim(), 200);
    assert!(c.ends_with("word…") && c.chars().count() <= 201, "{c}");
    assert_eq!(cut("short", 200), "short");
}
