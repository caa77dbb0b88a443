//! An incremental rebuild (what `serve` and `watch` do) gives exactly the site and the
//! diagnostics of a clean build, after any sequence of edits, into memory and into a
//! folder: property-tested on a copy of `tests/fixtures/incremental`, whose plan has
//! every section and whose assets use every front-matter field. The random edits
//! rewrite whole assets or change one field at a time (every field, an unknown key
//! included, in YAML and in TOML), rewrite one plan section at a time (every section,
//! with a rare invalid variant), edit bodies, break files, create, delete and rename
//! assets, and touch templates, attachments, static files and ignored files.

use crate::common::{copy_dir, covermap, fixtures, tree};
use std::path::{Path, PathBuf};

use covermap::library::LoadOptions;
use covermap::serve::Cache;
use proptest::prelude::*;

/// The front-matter fields an asset can carry, in the order the generator writes them;
/// `extra` stands for a key covermap does not know (kept for templates as `extra`).
const FIELDS: [&str; 16] = [
    "title",
    "type",
    "personas",
    "stages",
    "segments",
    "objections",
    "summary",
    "audience",
    "owner",
    "updated",
    "review_by",
    "url",
    "draft",
    "tags",
    "slug",
    "extra",
];

/// The keys a field may be written under: the generator removes them all before it
/// writes the field's new value.
fn keys(field: usize) -> &'static [&'static str] {
    match FIELDS[field] {
        "personas" => &["personas", "persona"],
        "stages" => &["stages", "stage"],
        "segments" => &["segments", "segment"],
        "extra" => &["region", "legacy-id", "notes"],
        name => match FIELDS.iter().position(|f| *f == name) {
            Some(i) => &FIELDS[i..=i],
            None => &[],
        },
    }
}

/// Above this, a variant byte picks a value that is wrong in itself or against the
/// base plan (a typo, an id only some plan variants define, a bad audience), so that
/// some steps fail and their diagnostics are compared; about one field in sixteen.
const RISKY: u8 = 240;

/// Whether a whole-asset rewrite may hold invalid values: one in four, so that most
/// steps still build a site (each of its sixteen fields is then invalid one time in
/// sixteen, and an invalid file stays so until an edit rewrites or removes it).
fn risky(n: u8) -> bool {
    n.is_multiple_of(4)
}

/// Picks among `valid` by `v`, or among `risky` when `v` is past `RISKY` and `risky`
/// are allowed; `None` leaves the field out.
fn choose(
    v: u8,
    allow_risky: bool,
    valid: &[Option<(&str, String)>],
    risky: &[Option<(&str, String)>],
) -> Option<(String, String)> {
    let list = if v >= RISKY && allow_risky && !risky.is_empty() {
        risky
    } else {
        valid
    };
    list[usize::from(v) % list.len()]
        .as_ref()
        .map(|(k, val)| ((*k).to_owned(), val.clone()))
}

fn s(text: &str) -> String {
    format!("\"{text}\"")
}

/// The key and value (in syntax that reads the same in YAML and TOML) of `field`'s
/// variant `v`, or `None` for the field left out.
fn field(field: usize, v: u8, risky: bool) -> Option<(String, String)> {
    let n = v % 7;
    let some = |k, val: String| Some((k, val));
    match FIELDS[field] {
        "title" => choose(
            v,
            risky,
            &[
                some("title", s(&format!("Asset {v}"))),
                some("title", s(&format!("Asset {v}: \\\"Q&A\\\" <b>"))),
                some("title", s(&format!("Ü asset {n}"))),
            ],
            &[None, some("title", "[1, 2]".into())],
        ),
        "type" => choose(
            v,
            risky,
            &[
                None,
                some("type", s("case-study")),
                some("type", s("deck")),
                some("type", s("calculator")),
                some("type", s(&format!("type {n}"))),
            ],
            &[],
        ),
        "personas" => choose(
            v,
            risky,
            &[
                None,
                some("personas", "[\"economic-buyer\"]".into()),
                some("persona", s("champion")),
                some("personas", "[\"CFO\", \"champion\"]".into()),
                some("personas", s("all")),
                some("persona", s("it-security")),
                some("personas", "[\"EB\", \"CISO\"]".into()),
            ],
            &[
                some("personas", "[\"ecomonic-buyer\"]".into()),
                some("persona", s("procurement")),
            ],
        ),
        "stages" => choose(
            v,
            risky,
            &[
                None,
                some("stages", "[\"decision\"]".into()),
                some("stage", s("awareness")),
                some("stages", "[\"evaluation\", \"decision\"]".into()),
                some("stages", s("all")),
            ],
            &[
                some("stage", s("onboarding")),
                some("stages", "[\"decison\"]".into()),
            ],
        ),
        "segments" => choose(
            v,
            risky,
            &[
                None,
                some("segments", s("all")),
                some("segment", s("enterprise")),
                some("segments", "[\"smb\"]".into()),
                some("segments", "[\"enterprise\", \"smb\"]".into()),
            ],
            &[some("segment", s("public-sector"))],
        ),
        "objections" => choose(
            v,
            risky,
            &[
                None,
                some("objections", "[\"price\"]".into()),
                some("objections", "[\"security-review\"]".into()),
                some("objections", "[\"price\", \"security-review\"]".into()),
                some("objections", "[]".into()),
            ],
            &[some("objections", "[\"integration\"]".into())],
        ),
        "summary" => choose(
            v,
            risky,
            &[
                None,
                some("summary", s(&format!("Summary {n}."))),
                some(
                    "summary",
                    s("A <longer> summary & more, for the library row."),
                ),
            ],
            &[],
        ),
        "audience" => choose(
            v,
            risky,
            &[
                None,
                some("audience", s("external")),
                some("audience", s("internal")),
            ],
            &[some("audience", s("partners"))],
        ),
        "owner" => choose(
            v,
            risky,
            &[
                None,
                some("owner", s("Product Marketing")),
                some("owner", s("Sales Ops")),
                some("owner", s(&format!("Deal desk {}", n % 3))),
            ],
            &[],
        ),
        "updated" => choose(
            v,
            risky,
            &[None, some("updated", format!("2026-{:02}-01", 1 + v % 12))],
            &[some("updated", s("last week"))],
        ),
        "review_by" => choose(
            v,
            risky,
            &[
                None,
                // Around the plan variants' as_of days, so freshness flips both ways.
                some("review_by", format!("2026-{:02}-15", 1 + v % 12)),
                some("review_by", "2027-06-01".into()),
            ],
            &[some("review_by", "2026-13-01".into())],
        ),
        "url" => choose(
            v,
            risky,
            &[
                None,
                some("url", s(&format!("https://files.example.com/{n}.pdf"))),
                some("url", s("files/a1.txt")),
            ],
            &[some("url", s("javascript:alert(1)"))],
        ),
        "draft" => choose(
            v,
            risky,
            &[
                None,
                some("draft", "false".into()),
                some("draft", "true".into()),
            ],
            &[some("draft", s("maybe"))],
        ),
        "tags" => choose(
            v,
            risky,
            &[
                None,
                some("tags", format!("[\"t{}\"]", n % 5)),
                some("tags", format!("[\"roi\", \"T {}\"]", n % 3)),
                some("tags", "[]".into()),
            ],
            &[],
        ),
        "slug" => choose(
            v,
            risky,
            &[None, None, some("slug", s(&format!("s-{v}")))],
            &[
                some("slug", s("roi-calculator")),
                some("slug", s("Bad Slug")),
            ],
        ),
        "extra" => choose(
            v,
            risky,
            &[
                None,
                some("region", s("EMEA")),
                some("legacy-id", format!("{v}")),
                some("notes", "[\"a\", \"b\"]".into()),
            ],
            &[],
        ),
        _ => None,
    }
}

/// An asset with field `i` at variant `fields[i]`, in YAML or TOML front matter.
fn asset_text(fields: &[u8; 16], toml: bool, n: u8, risky: bool) -> String {
    let (fence, sep) = if toml { ("+++", " = ") } else { ("---", ": ") };
    let mut text = format!("{fence}\n");
    for (i, v) in fields.iter().enumerate() {
        if let Some((k, val)) = field(i, *v, risky) {
            text.push_str(&format!("{k}{sep}{val}\n"));
        }
    }
    text.push_str(&format!(
        "{fence}\nBody {n}: *emphasis* and a [link](https://example.com/{n}).\n"
    ));
    text
}

/// `text` with field `f` set to its variant `v` (or removed), the rest as it was; a
/// file that is not front matter and a body is rewritten whole.
fn with_field(text: &str, f: usize, v: u8) -> String {
    let fence = if text.starts_with("+++\n") {
        "+++"
    } else {
        "---"
    };
    let sep = if fence == "+++" { " = " } else { ": " };
    let Some(rest) = text.strip_prefix(&format!("{fence}\n")) else {
        return asset_text(&[v; 16], false, v, true);
    };
    let Some(end) = rest.find(&format!("\n{fence}\n")) else {
        return asset_text(&[v; 16], false, v, true);
    };
    let mut lines: Vec<String> = rest[..end]
        .lines()
        .filter(|l| !keys(f).iter().any(|k| l.starts_with(&format!("{k}{sep}"))))
        .map(str::to_owned)
        .collect();
    if let Some((k, val)) = field(f, v, true) {
        lines.push(format!("{k}{sep}{val}"));
    }
    format!(
        "{fence}\n{}\n{fence}\n{}",
        lines.join("\n"),
        &rest[end + fence.len() + 2..]
    )
}

/// The sections of the fixture's plan, each after a `# § <name>` line.
const SECTIONS: [&str; 8] = [
    "site",
    "plan",
    "coverage",
    "stages",
    "personas",
    "segments",
    "decisions",
    "objections",
];

/// Variant `v` of plan section `name` (without its `# §` line); the base text one time
/// in five, an invalid variant past `RISKY`.
fn section(name: &str, v: u8, base: &str) -> String {
    if v.is_multiple_of(5) {
        return base.to_owned();
    }
    let bad = v >= RISKY;
    let n = v % 7;
    match name {
        "site" => format!(
            "[site]\ntitle = \"Library {n}\"\nbase_url = \"{}\"\nraw_html = {}\n{}{}",
            ["/", "/sales/library/"][usize::from(v % 2)],
            v.is_multiple_of(3),
            if v % 4 == 1 {
                "theme = \"custom\"\n"
            } else {
                ""
            },
            if bad { "colour = \"teal\"\n" } else { "" },
        ),
        "plan" => format!(
            "[plan]\ntitle = \"Plan {n}\"\ncurrency = \"{}\"\n{}{}as_of = 2026-{:02}-01\n",
            if bad {
                "usd"
            } else {
                ["USD", "EUR", "GBP", "JPY"][usize::from(v % 4)]
            },
            if v.is_multiple_of(3) {
                String::new()
            } else {
                format!("revenue_goal = {}\n", 1_000_000 * u32::from(v % 3))
            },
            if v.is_multiple_of(2) {
                "qualified_lead = \"A champion engaged\"\n"
            } else {
                ""
            },
            1 + v % 12,
        ),
        "coverage" if v.is_multiple_of(4) && !bad => String::new(),
        "coverage" => format!(
            "[coverage]\ntarget = {}\ncount_stale = {}\n",
            if bad {
                "0.5".to_owned()
            } else {
                (1 + v % 3).to_string()
            },
            v.is_multiple_of(2),
        ),
        "stages" => {
            let mut t = format!(
                "[[stages]]\nid = \"awareness\"\nname = \"Awareness {n}\"\n\n[[stages]]\nid = \"evaluation\"\nname = \"Evaluation\"\n\n[[stages]]\nid = \"decision\"\nname = \"{}\"\n",
                ["Decision", "Close"][usize::from(v % 2 == 1)],
            );
            if v % 3 == 1 {
                t.push_str("\n[[stages]]\nid = \"onboarding\"\nname = \"Onboarding\"\n");
            }
            if bad {
                t.push_str("\n[[stages]]\nid = \"decision\"\nname = \"Again\"\n");
            }
            t
        }
        "personas" => {
            let mut t = format!(
                "[[personas]]\nid = \"economic-buyer\"\nname = \"Economic Buyer\"\n{}aliases = [\"EB\", \"CFO\"{}]\n\n[[personas]]\nid = \"champion\"\nname = \"Champion {n}\"\ndescription = \"Runs the evaluation.\"\n\n[[personas]]\nid = \"it-security\"\nname = \"IT & Security\"\naliases = [\"CISO\"]\n",
                if v.is_multiple_of(2) {
                    format!("description = \"Owns the budget ({n}).\"\n")
                } else {
                    "description = \"Owns the budget and signs.\"\n".to_owned()
                },
                if v.is_multiple_of(3) {
                    ", \"VP Finance\""
                } else {
                    ""
                },
            );
            if v % 3 == 1 {
                t.push_str("\n[[personas]]\nid = \"procurement\"\nname = \"Procurement\"\n");
            }
            if bad {
                t.push_str("\n[[personas]]\nid = \"Bad_Id\"\nname = \"Bad\"\n");
            }
            t
        }
        "segments" => {
            let weights = [
                "weights = { economic-buyer = 3, champion = 2 }\n",
                "weights = { economic-buyer = 1 }\n",
                "",
                "weights = { it-security = 5 }\n",
            ][usize::from(v % 4)];
            let mut t = format!(
                "[[segments]]\nid = \"enterprise\"\nname = \"Enterprise\"\npipeline = {}\n{weights}\n[[segments]]\nid = \"smb\"\nname = \"SMB\"\npipeline = {}\npersonas = {}\n{}",
                1_000_000 + u32::from(v) * 1000,
                200_000 * u32::from(1 + v % 2),
                ["[\"economic-buyer\", \"champion\"]", "[\"champion\"]"][usize::from(v % 2)],
                if v.is_multiple_of(3) {
                    ""
                } else {
                    "stages = [\"evaluation\", \"decision\"]\n"
                },
            );
            if v % 3 == 1 {
                t.push_str("\n[[segments]]\nid = \"public-sector\"\nname = \"Public Sector\"\npipeline = 0\n");
            }
            if bad {
                t.push_str("weights = { champion = 0 }\n");
            }
            t
        }
        "decisions" => {
            let first = format!(
                "[[decisions]]\nsegment = \"enterprise\"\npersona = \"it-security\"\nstage = \"awareness\"\ntarget = 0\nwhy = \"Security arrives later ({n}).\"\nowner = \"PMM lead\"\ndecided = 2026-10-12\nreview_by = {}\n",
                ["2027-04-30", "2026-03-01"][usize::from(v % 2)],
            );
            let second = format!(
                "\n[[decisions]]\npersona = \"economic-buyer\"\nstage = \"decision\"\ntarget = {}\n{}",
                v % 4,
                if bad {
                    ""
                } else {
                    "why = \"The business case decides the deal.\"\n"
                },
            );
            match v % 4 {
                0 if !bad => String::new(),
                1 if !bad => first,
                2 if !bad => second,
                _ => first + &second,
            }
        }
        "objections" => {
            let mut t = format!(
                "[[objections]]\nid = \"price\"\ntext = \"Too expensive ({n}).\"\nheard = {}\n\n[[objections]]\nid = \"security-review\"\ntext = \"Your security review will take months.\"\n{}",
                if bad { -1 } else { i32::from(v % 20) },
                if v.is_multiple_of(2) {
                    format!("heard = {}\n", v % 30)
                } else {
                    String::new()
                },
            );
            if v % 3 == 1 {
                t.push_str(
                    "\n[[objections]]\nid = \"integration\"\ntext = \"It will not fit our ERP.\"\n",
                );
            }
            t
        }
        _ => base.to_owned(),
    }
}

/// The plan text split at its `# § ` lines: (name, text) in file order, the text
/// before the first one under the name "".
fn sections(plan: &str) -> Vec<(String, String)> {
    let mut out = vec![(String::new(), String::new())];
    for line in plan.split_inclusive('\n') {
        match line.strip_prefix("# § ") {
            Some(name) => out.push((name.trim().to_owned(), String::new())),
            None => {
                if let Some(last) = out.last_mut() {
                    last.1.push_str(line);
                }
            }
        }
    }
    out
}

#[derive(Debug, Clone)]
enum Op {
    /// Rewrite an asset whole: every field at a random variant, YAML or TOML.
    Edit {
        asset: usize,
        fields: [u8; 16],
        toml: bool,
        n: u8,
    },
    /// Set, change or remove one front-matter field of an asset.
    EditField {
        asset: usize,
        field: u8,
        v: u8,
    },
    /// Only the body, so only its page and the search data change.
    EditBody {
        asset: usize,
        n: u8,
    },
    /// Save invalid front matter.
    Break {
        asset: usize,
    },
    Create {
        n: u8,
        folder: bool,
        fields: [u8; 16],
        toml: bool,
    },
    Delete {
        asset: usize,
    },
    Rename {
        asset: usize,
        n: u8,
    },
    /// Rewrite one plan section (`SECTIONS`) to one of its variants.
    Plan {
        section: u8,
        v: u8,
    },
    /// The custom theme's template override (used while the plan names the theme).
    Template {
        n: u8,
    },
    /// An attachment under content/, or a file under static/.
    Attachment {
        n: u8,
        delete: bool,
        stat: bool,
    },
    /// A file the loader ignores (an editor's swap file).
    Swap {
        n: u8,
    },
    /// A body of relative links and images to assets and files that other steps
    /// create, rename, delete or make drafts: the page must follow its targets.
    Link {
        asset: usize,
        n: u8,
    },
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        3 => (any::<usize>(), any::<[u8; 16]>(), any::<bool>(), any::<u8>())
            .prop_map(|(asset, fields, toml, n)| Op::Edit { asset, fields, toml, n }),
        5 => (any::<usize>(), any::<u8>(), any::<u8>())
            .prop_map(|(asset, field, v)| Op::EditField { asset, field, v }),
        2 => (any::<usize>(), any::<u8>()).prop_map(|(asset, n)| Op::EditBody { asset, n }),
        1 => any::<usize>().prop_map(|asset| Op::Break { asset }),
        2 => (any::<u8>(), any::<bool>(), any::<[u8; 16]>(), any::<bool>())
            .prop_map(|(n, folder, fields, toml)| Op::Create { n, folder, fields, toml }),
        1 => any::<usize>().prop_map(|asset| Op::Delete { asset }),
        1 => (any::<usize>(), any::<u8>()).prop_map(|(asset, n)| Op::Rename { asset, n }),
        4 => (any::<u8>(), any::<u8>()).prop_map(|(section, v)| Op::Plan { section, v }),
        1 => any::<u8>().prop_map(|n| Op::Template { n }),
        1 => (any::<u8>(), any::<bool>(), any::<bool>())
            .prop_map(|(n, delete, stat)| Op::Attachment { n, delete, stat }),
        1 => any::<u8>().prop_map(|n| Op::Swap { n }),
        2 => (any::<usize>(), any::<u8>()).prop_map(|(asset, n)| Op::Link { asset, n }),
    ]
}

/// A copy of `tests/fixtures/<name>` at `to`.
fn copy_fixture(name: &str, to: &Path) {
    copy_dir(&fixtures().join(name), to);
}

/// The Markdown files under content/, sorted.
fn assets(root: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = walkdir::WalkDir::new(root.join("content"))
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file() && e.path().extension().is_some_and(|x| x == "md"))
        .map(|e| e.into_path())
        .collect();
    v.sort();
    v
}

/// Applies `op` to the library at `root`; `base` is the fixture's plan, whose sections
/// the plan edits come back to.
fn apply(root: &Path, op: &Op, base: &str) {
    let pick = |i: usize| {
        let all = assets(root);
        (!all.is_empty()).then(|| all[i % all.len()].clone())
    };
    match *op {
        Op::Edit {
            asset,
            ref fields,
            toml,
            n,
        } => {
            if let Some(p) = pick(asset) {
                std::fs::write(p, asset_text(fields, toml, n, risky(n))).unwrap();
            }
        }
        Op::EditField { asset, field, v } => {
            if let Some(p) = pick(asset) {
                let text = std::fs::read_to_string(&p).unwrap();
                let f = usize::from(field) % FIELDS.len();
                std::fs::write(p, with_field(&text, f, v)).unwrap();
            }
        }
        Op::EditBody { asset, n } => {
            if let Some(p) = pick(asset) {
                let text = std::fs::read_to_string(&p).unwrap();
                let text = match text.rfind("Body") {
                    Some(at) => format!("{}Body {n}.\n", &text[..at]),
                    None => format!("{text}\nBody {n}.\n"),
                };
                std::fs::write(p, text).unwrap();
            }
        }
        Op::Break { asset } => {
            if let Some(p) = pick(asset) {
                std::fs::write(p, "---\ntitle: [unclosed\n---\n").unwrap();
            }
        }
        Op::Create {
            n,
            folder,
            ref fields,
            toml,
        } => {
            let dir = if folder {
                root.join("content/new")
            } else {
                root.join("content")
            };
            std::fs::create_dir_all(&dir).unwrap();
            std::fs::write(
                dir.join(format!("c{n}.md")),
                asset_text(fields, toml, n, risky(n)),
            )
            .unwrap();
        }
        Op::Delete { asset } => {
            if let Some(p) = pick(asset) {
                std::fs::remove_file(p).unwrap();
            }
        }
        Op::Rename { asset, n } => {
            if let Some(p) = pick(asset) {
                let to = root.join(format!("content/moved/r{n}.md"));
                std::fs::create_dir_all(to.parent().unwrap()).unwrap();
                std::fs::rename(p, to).unwrap();
            }
        }
        Op::Plan { section: which, v } => {
            let name = SECTIONS[usize::from(which) % SECTIONS.len()];
            let plan_path = root.join("plan.toml");
            let current = std::fs::read_to_string(&plan_path).unwrap();
            let base_text = sections(base)
                .into_iter()
                .find(|(n, _)| n == name)
                .map(|(_, t)| t)
                .unwrap_or_default();
            let mut plan = String::new();
            for (n, text) in sections(&current) {
                if !n.is_empty() {
                    plan.push_str(&format!("# § {n}\n"));
                }
                if n == name {
                    plan.push_str(&section(name, v, &base_text));
                    plan.push('\n');
                } else {
                    plan.push_str(&text);
                }
            }
            std::fs::write(plan_path, plan).unwrap();
        }
        Op::Template { n } => {
            let dir = root.join("themes/custom/templates");
            std::fs::create_dir_all(&dir).unwrap();
            std::fs::write(
                dir.join("404.html"),
                format!("{{% extends \"base.html\" %}}{{% block content %}}<p>Lost {n}</p>{{% endblock content %}}"),
            )
            .unwrap();
        }
        Op::Attachment { n, delete, stat } => {
            let p = if stat {
                root.join(format!("static/s{}.txt", n % 3))
            } else {
                root.join(format!("content/files/a{}.txt", n % 4))
            };
            if delete {
                let _ = std::fs::remove_file(p);
            } else {
                std::fs::create_dir_all(p.parent().unwrap()).unwrap();
                std::fs::write(p, format!("attachment {n}")).unwrap();
            }
        }
        Op::Swap { n } => {
            std::fs::write(root.join(format!("content/.roi.md.sw{}", n % 3)), "swap").unwrap();
        }
        Op::Link { asset, n } => {
            if let Some(p) = pick(asset) {
                let text = std::fs::read_to_string(&p).unwrap();
                let body = link_body(n);
                let text = match text.rfind("Body") {
                    Some(at) => format!("{}{body}", &text[..at]),
                    None => format!("{text}\n{body}"),
                };
                std::fs::write(p, text).unwrap();
            }
        }
    }
}

/// A body whose links lead to what `Create`, `Rename`, `Attachment` and drafts make
/// and take away, from `content/` or a folder below it.
fn link_body(n: u8) -> String {
    let targets = [
        format!("c{}.md", n % 4),
        format!("new/c{}.md", n % 4),
        format!("../new/c{}.md#part", n % 4),
        format!("moved/r{}.md", n % 4),
        format!("../moved/r{}.md", n % 4),
        "pricing-draft.md".to_string(),
        "../roi.md".to_string(),
        "guides/".to_string(),
        format!("files/a{}.txt", n % 4),
        format!("../files/a{}.txt", n % 4),
        "guides/model.csv".to_string(),
    ];
    let mut body = String::from("Body with links:");
    for (i, t) in targets.iter().enumerate() {
        if (usize::from(n) >> (i % 8)) & 1 == 1 || i % 3 == usize::from(n) % 3 {
            let bang = if t.ends_with(".txt") { "!" } else { "" };
            body.push_str(&format!(" {bang}[l{i}]({t})"));
        }
    }
    body.push('\n');
    body
}

fn diagnostics(d: &covermap::diagnostics::Diagnostics) -> Vec<String> {
    d.iter().map(|d| d.render(false)).collect()
}

/// Builds clean and through `cache`; both must agree to the byte.
fn check_same(root: &Path, cache: &mut Cache, options: &LoadOptions, step: &str) {
    let rebuilt = cache.build(root, options);
    let clean = covermap::build(root, options);
    assert_eq!(
        diagnostics(&rebuilt.diagnostics),
        diagnostics(&clean.diagnostics),
        "diagnostics differ after {step}"
    );
    match (&rebuilt.site, &clean.site) {
        (Some(inc), Some((_, _, clean))) => {
            let paths = |s: &covermap::output::Site| s.files.keys().cloned().collect::<Vec<_>>();
            assert_eq!(paths(inc), paths(clean), "file lists differ after {step}");
            for (path, content) in &clean.files {
                assert!(
                    inc.files.get(path) == Some(content),
                    "{path} differs after {step}"
                );
            }
        }
        (None, None) => {}
        (inc, clean) => panic!(
            "after {step}: incremental {} a site, clean {}",
            if inc.is_some() {
                "built"
            } else {
                "did not build"
            },
            if clean.is_some() { "did" } else { "did not" }
        ),
    }
}

fn options(drafts: bool) -> LoadOptions {
    LoadOptions {
        drafts,
        ..LoadOptions::default()
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn incremental_rebuilds_equal_clean_builds(ops in proptest::collection::vec(op(), 1..12), drafts in any::<bool>()) {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("lib");
        copy_fixture("incremental", &root);
        let base_plan = std::fs::read_to_string(root.join("plan.toml")).unwrap();
        let options = options(drafts);
        let mut cache = Cache::new();
        check_same(&root, &mut cache, &options, "the first build");
        for (i, op) in ops.iter().enumerate() {
            apply(&root, op, &base_plan);
            check_same(&root, &mut cache, &options, &format!("step {i}: {op:?}"));
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, failure_persistence: None, ..ProptestConfig::default() })]

    /// The same over a library of three library pages (230 more assets, every field
    /// varied but none invalid), where a body edit changes the search index's version
    /// on every library page and a tag edit the lists kept across rebuilds.
    #[test]
    fn incremental_rebuilds_of_a_paginated_library_equal_clean_builds(ops in proptest::collection::vec(op(), 1..6)) {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("lib");
        copy_fixture("incremental", &root);
        std::fs::create_dir_all(root.join("content/gen")).unwrap();
        for i in 0..230u32 {
            // Every field varied, none invalid, and no slug of their own: two of them
            // on one slug would be an error in every step.
            let mut fields: [u8; 16] = std::array::from_fn(|f| ((i * 7 + f as u32 * 13) % u32::from(RISKY)) as u8);
            fields[14] = 0;
            let text = asset_text(&fields, i % 5 == 0, (i % 251) as u8, false);
            std::fs::write(root.join(format!("content/gen/a{i:03}.md")), text).unwrap();
        }
        let base_plan = std::fs::read_to_string(root.join("plan.toml")).unwrap();
        let options = LoadOptions::default();
        let mut cache = Cache::new();
        check_same(&root, &mut cache, &options, "the first build");
        for (i, op) in ops.iter().enumerate() {
            apply(&root, op, &base_plan);
            check_same(&root, &mut cache, &options, &format!("step {i}: {op:?}"));
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, failure_persistence: None, ..ProptestConfig::default() })]

    /// `watch`'s way: the output folder updated in place after each edit holds exactly
    /// what `build` writes into a fresh one, and an edit with errors leaves it as it was.
    #[test]
    fn an_output_folder_updated_in_place_equals_a_clean_build(ops in proptest::collection::vec(op(), 1..10), drafts in any::<bool>()) {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("lib");
        copy_fixture("incremental", &root);
        let base_plan = std::fs::read_to_string(root.join("plan.toml")).unwrap();
        let out = dir.path().join("site");
        let options = options(drafts);
        let mut folder = covermap::serve::OutputFolder::new(&root, &out, &options);
        folder.rebuild().unwrap();
        for (i, op) in ops.iter().enumerate() {
            apply(&root, op, &base_plan);
            let before = tree(&out);
            let rebuilt = folder.rebuild().unwrap();
            if rebuilt.diagnostics.has_errors() {
                prop_assert!(tree(&out) == before, "step {i}: {op:?} changed the folder of a failed build");
                continue;
            }
            let clean = dir.path().join(format!("clean-{i}"));
            let mut args = vec!["build".as_ref(), "--root".as_ref(), root.as_os_str(), "--out".as_ref(), clean.as_os_str()];
            if drafts {
                args.push("--drafts".as_ref());
            }
            let o = covermap(args);
            prop_assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
            let (updated, built) = (tree(&out), tree(&clean));
            prop_assert_eq!(updated.keys().collect::<Vec<_>>(), built.keys().collect::<Vec<_>>(), "step {}: {:?}", i, op);
            for (path, bytes) in &built {
                prop_assert!(updated.get(path) == Some(bytes), "step {}: {:?}: {} differs", i, op, path);
            }
        }
    }
}

/// Plan edits that reach the facet and taxonomy lists, one edit at a time: a stage
/// renamed, a persona described anew, a persona and a segment added (the render cache
/// once kept those lists under a fingerprint of the assets alone).
#[test]
fn plan_term_edits_reach_every_page() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("lib");
    copy_fixture("incremental", &root);
    let options = LoadOptions::default();
    let mut cache = Cache::new();
    check_same(&root, &mut cache, &options, "the first build");
    let plan_path = root.join("plan.toml");
    for (from, to) in [
        ("name = \"Awareness\"", "name = \"Awareness, renamed\""),
        (
            "description = \"Runs the evaluation.\"",
            "description = \"Runs the trial.\"",
        ),
        (
            "# § segments",
            "[[personas]]\nid = \"procurement\"\nname = \"Procurement\"\n\n# § segments",
        ),
        (
            "# § decisions",
            "[[segments]]\nid = \"public-sector\"\nname = \"Public Sector\"\npipeline = 0\n\n# § decisions",
        ),
    ] {
        let plan = std::fs::read_to_string(&plan_path).unwrap();
        assert!(plan.contains(from), "the fixture's plan has no {from}");
        std::fs::write(&plan_path, plan.replacen(from, to, 1)).unwrap();
        check_same(&root, &mut cache, &options, &format!("{from} → {to}"));
    }
}

/// The generator's own promises: the fixture has every plan section and every field
/// in use, each field's variants both set and remove it, and a field edit touches that
/// field only.
#[test]
fn the_generator_covers_every_field_and_plan_section() {
    let root = fixtures().join("incremental");
    let plan = std::fs::read_to_string(root.join("plan.toml")).unwrap();
    let names: Vec<String> = sections(&plan).into_iter().map(|(n, _)| n).collect();
    assert_eq!(
        names[1..],
        SECTIONS.map(String::from),
        "the fixture's `# §` sections"
    );
    let all: String = assets(&root)
        .iter()
        .map(|p| std::fs::read_to_string(p).unwrap())
        .collect();
    for (f, name) in FIELDS.iter().enumerate() {
        assert!(
            keys(f)
                .iter()
                .any(|k| all.contains(&format!("\n{k}: ")) || all.contains(&format!("\n{k} = "))),
            "no fixture asset uses {name}"
        );
        let values: Vec<_> = (0..=255).map(|v| field(f, v, true)).collect();
        assert!(values.iter().any(Option::is_some), "{name} is never set");
        if *name != "title" {
            assert!(
                values.iter().any(Option::is_none),
                "{name} is never removed"
            );
        }
    }
    for (s, name) in SECTIONS.iter().enumerate() {
        let base = &sections(&plan)[s + 1].1;
        let variants: std::collections::BTreeSet<String> =
            (0..=255).map(|v| section(name, v, base)).collect();
        // The base, valid variants and an invalid one.
        assert!(
            variants.len() >= 4,
            "{name} has {} variants",
            variants.len()
        );
    }
    let text = "---\ntitle: \"A\"\nowner: \"X\"\ntags: [\"t\"]\n---\nBody.\n";
    let owner = FIELDS.iter().position(|f| *f == "owner").unwrap();
    let edited = with_field(text, owner, 1);
    assert_eq!(
        edited,
        "---\ntitle: \"A\"\ntags: [\"t\"]\nowner: \"Product Marketing\"\n---\nBody.\n"
    );
}

#[test]
fn an_unchanged_library_is_neither_parsed_nor_rendered_again() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("lib");
    copy_fixture("valid-small", &root);
    let mut cache = Cache::new();
    let options = LoadOptions::default();
    let first = cache.build(&root, &options);
    assert!(first.site.is_some());
    assert_eq!(first.parsed, 2);
    assert!(first.rendered > 10);

    let again = cache.build(&root, &options);
    assert_eq!(again.rendered, 0, "no page re-rendered");
    assert!(again.site == first.site);

    // One body edit: that asset is parsed again, and only the pages showing it rendered.
    let roi = root.join("content/roi.md");
    let text = std::fs::read_to_string(&roi).unwrap();
    std::fs::write(&roi, text.replace("Body text.", "Body text, edited.")).unwrap();
    let edited = cache.build(&root, &options);
    assert_eq!(edited.parsed, 1);
    assert!(
        (1..first.rendered / 2).contains(&edited.rendered),
        "{} of {} pages rendered",
        edited.rendered,
        first.rendered
    );
    let site = edited.site.unwrap();
    let page = String::from_utf8_lossy(site.bytes("library/roi/index.html").unwrap()).into_owned();
    assert!(page.contains("Body text, edited."));
}

#[test]
fn a_template_edit_re_renders_the_pages_that_use_it() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("lib");
    copy_fixture("valid-small", &root);
    let base_plan = std::fs::read_to_string(root.join("plan.toml")).unwrap();
    // valid-small's plan naming the custom theme.
    let themed = base_plan.replace(
        "title = \"Test Library\"",
        "title = \"Test Library\"\ntheme = \"custom\"",
    );
    let options = LoadOptions::default();
    let mut cache = Cache::new();
    for step in [
        Step::Op(Op::Template { n: 1 }),
        Step::Plan(&themed),
        // The context of every page is as it was: only the template changed.
        Step::Op(Op::Template { n: 2 }),
        Step::Op(Op::Template { n: 3 }),
    ] {
        match &step {
            Step::Op(op) => apply(&root, op, &base_plan),
            Step::Plan(text) => std::fs::write(root.join("plan.toml"), text).unwrap(),
        }
        check_same(&root, &mut cache, &options, &format!("{step:?}"));
    }
    let site = cache.build(&root, &LoadOptions::default()).site.unwrap();
    assert!(String::from_utf8_lossy(site.bytes("404.html").unwrap()).contains("Lost 3"));
}

/// A step of the template test: a generated edit, or a plan written whole.
#[derive(Debug)]
enum Step<'a> {
    Op(Op),
    Plan(&'a str),
}
