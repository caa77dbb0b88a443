//! The adoption keys (`[build]`, `[content]`, `[front_matter]`): defaults, what they
//! resolve to, and each mistake's placed error with its code.

use super::adoption::*;
use super::*;
use crate::diagnostics::Code;

const MINIMAL: &str = r#"
[site]
title = "T"
[plan]
title = "P"
as_of = 2026-11-01
[[stages]]
id = "awareness"
[[stages]]
id = "decision"
[[personas]]
id = "economic-buyer"
[[personas]]
id = "champion"
[[segments]]
id = "healthcare"
pipeline = 1_000
"#;

fn parsed(extra: &str) -> Parsed {
    parse(&format!("{MINIMAL}{extra}"), None)
}

/// Errors as `line:col code message`, lines counted in MINIMAL + extra.
fn errors(extra: &str) -> Vec<String> {
    parsed(extra)
        .diagnostics
        .iter()
        .filter(|d| d.is_error())
        .map(|d| {
            format!(
                "{}:{} {} {}",
                d.line.unwrap_or(0),
                d.col.unwrap_or(0),
                d.code,
                d.message
            )
        })
        .collect()
}

fn helps(extra: &str) -> Vec<String> {
    parsed(extra)
        .diagnostics
        .iter()
        .filter_map(|d| d.help.clone())
        .collect()
}

const BASE_LINES: u32 = 17;

#[test]
fn without_the_tables_the_defaults_hold() {
    let plan = parsed("").valid().unwrap();
    let a = &plan.adoption;
    assert_eq!(a.out, None);
    assert_eq!(a.content.dir, "content");
    assert_eq!(a.content.extensions, [".md", ".markdown", ".mdx"]);
    assert!(a.content.static_dirs.is_empty() && a.content.url_prefix.is_none());
    assert_eq!(a.front_matter, FrontMatter::default());
}

#[test]
fn every_key_resolves() {
    let plan = parsed(
        r#"
[build]
out = "covermap-site/"
[content]
dir = "."
static = ["static", "./assets"]
include = ["docs/**", "blog/**"]
exclude = ["**/_*.md"]
url_prefix = "/handbook"
extensions = [".MD", ".mdx"]
[front_matter]
renames = { stage = "buying_stage" }
[front_matter.aliases]
summary = ["description", "excerpt"]
updated = ["LastMod", "date"]
draft = ["!published"]
[[front_matter.rules]]
path = "case-studies/healthcare/**"
segment = "healthcare"
[[front_matter.rules]]
key = "Tags"
value = ["cfo", "finance"]
personas = ["economic-buyer"]
stages = "all"
"#,
    )
    .valid()
    .unwrap();
    let a = plan.adoption;
    assert_eq!(a.out.as_deref(), Some("covermap-site"));
    assert_eq!(a.content.dir, ".");
    assert_eq!(a.content.static_dirs, ["static", "assets"]);
    assert_eq!(a.content.include, ["docs/**", "blog/**"]);
    assert_eq!(a.content.url_prefix.as_deref(), Some("/handbook/"));
    assert_eq!(a.content.extensions, [".md", ".mdx"]);
    let fm = a.front_matter;
    assert_eq!(
        fm.renames,
        [("stage".to_string(), "buying_stage".to_string())]
    );
    let updated = fm.aliases.iter().find(|x| x.key == "updated").unwrap();
    assert_eq!(updated.from[0].key, "lastmod");
    let draft = fm.aliases.iter().find(|x| x.key == "draft").unwrap();
    assert_eq!(
        draft.from,
        [Source {
            key: "published".into(),
            inverted: true
        }]
    );
    assert_eq!(
        fm.rules[0].path.as_deref(),
        Some("case-studies/healthcare/**")
    );
    assert_eq!(fm.rules[0].segments, [0]);
    assert_eq!(fm.rules[1].key.as_deref(), Some("tags"));
    assert_eq!(fm.rules[1].values, ["cfo", "finance"]);
    assert_eq!(
        (fm.rules[1].personas.clone(), fm.rules[1].stages.clone()),
        (vec![0], vec![0, 1])
    );
    assert_eq!(fm.rules[1].line, BASE_LINES + 20);
}

#[test]
fn globs_match_within_and_across_folders() {
    let g = glob("case-studies/*.md").unwrap();
    assert!(g.is_match("case-studies/a.md") && !g.is_match("case-studies/x/a.md"));
    assert!(
        glob("case-studies/**")
            .unwrap()
            .is_match("case-studies/x/a.md")
    );
}

#[test]
fn unknown_keys_are_placed_errors_with_a_suggestion() {
    let e = errors("[content]\ndirr = \"docs\"\n");
    assert!(e[0].starts_with(&format!("{}:1", BASE_LINES + 2)), "{e:?}");
    assert!(e[0].contains("unknown key `dirr`"), "{e:?}");
    let h = helps("[content]\ndirr = \"docs\"\n");
    assert!(h.iter().any(|h| h.contains("`dir`")), "{h:?}");
    let e = errors("[front_matter.aliases]\nsumary = [\"description\"]\n");
    assert_eq!(
        e,
        [format!(
            "{}:1 E0202 `sumary` in `[front_matter.aliases]` is not a covermap front-matter key",
            BASE_LINES + 2
        )]
    );
    assert!(helps("[front_matter.aliases]\nsumary = [\"description\"]\n")[0].contains("`summary`"));
    let e = errors("[bild]\nout = \"x\"\n");
    assert!(e[0].contains("unknown key `bild`"), "{e:?}");
    let h = helps("[bild]\nout = \"x\"\n");
    assert!(h.iter().any(|h| h.contains("`build`")), "{h:?}");
}

#[test]
fn bad_values_are_placed_errors() {
    let cases = [
        (
            "[build]\nout = \"../site\"\n",
            "E0204 [build] out `../site` is not a folder inside the library",
        ),
        (
            "[build]\nout = \".\"\n",
            "E0204 [build] out `.` is not a folder",
        ),
        (
            "[content]\ndir = \"/srv/x\"\n",
            "E0204 [content] dir `/srv/x` is not a folder",
        ),
        (
            "[content]\nexclude = [\"a/[b\"]\n",
            "E0204 exclude glob `a/[b` is not valid",
        ),
        (
            "[content]\nurl_prefix = \"handbook\"\n",
            "E0204 url_prefix `handbook` is not a URL path",
        ),
        (
            "[content]\nextensions = [\"md\"]\n",
            "E0204 extension `md` is not a file extension",
        ),
        (
            "[front_matter.aliases]\nsummary = [\"!description\"]\n",
            "E0204 `!description` reads a yes/no key inverted",
        ),
        (
            "[front_matter.aliases]\nsummary = 3\n",
            "E0203 aliases.summary must be a string or a list of strings",
        ),
        (
            "[front_matter]\nrenames = { url = \"url\" }\n",
            "E0204 rename of `url` names no other key",
        ),
        (
            "[front_matter]\nrenames = { stage = \"phase\" }\naliases = { type = [\"phase\"] }\n",
            "E0204 `phase` feeds both",
        ),
    ];
    for (extra, want) in cases {
        let e = errors(extra);
        assert_eq!(e.len(), 1, "{extra}: {e:?}");
        let line = BASE_LINES + extra.lines().count() as u32;
        assert!(e[0].starts_with(&format!("{line}:")), "{extra}: {e:?}");
        assert!(e[0].contains(want), "{extra}: {e:?}");
    }
}

#[test]
fn rules_are_checked() {
    let rule = |body: &str| errors(&format!("[[front_matter.rules]]\n{body}"));
    let e = rule("path = \"x/**\"\npersona = \"cfo\"\n");
    assert_eq!(
        e,
        [format!(
            "{}:11 E0206 tag rule names unknown persona `cfo`",
            BASE_LINES + 3
        )]
    );
    let e = rule("path = \"x/**\"\nsegment = \"helthcare\"\n");
    assert!(e[0].contains("unknown segment `helthcare`"));
    assert!(
        helps("[[front_matter.rules]]\npath = \"x/**\"\nsegment = \"helthcare\"\n")[0]
            .contains("`healthcare`")
    );
    assert!(rule("segment = \"healthcare\"\n")[0].contains("no `path` and no `key`"));
    assert!(rule("key = \"tags\"\nsegment = \"healthcare\"\n")[0].contains("no `value`"));
    assert!(
        rule("value = \"x\"\npath = \"a\"\nsegment = \"healthcare\"\n")[0].contains("no `key`")
    );
    assert!(rule("path = \"a/**\"\n")[0].contains("sets nothing"));
    assert!(
        rule("path = \"a/**\"\nstage = \"decision\"\nstages = [\"awareness\"]\n")[0]
            .contains("both `stage` and `stages`")
    );
    assert!(
        rule("path = \"a/**\"\nstage = \"decision\"\ncolour = 1\n")[0]
            .contains("unknown key `colour`")
    );
}

#[test]
fn an_adoption_error_keeps_the_plan_but_makes_it_invalid() {
    let p = parsed("[build]\nout = \"\"\n");
    assert!(p.plan.is_some() && !p.is_valid());
    assert!(
        p.diagnostics
            .iter()
            .all(|d| !d.is_error() || d.code == Code::PlanValue)
    );
}
