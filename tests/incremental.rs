//! An incremental rebuild (what `serve` and `watch` do) gives exactly the site and the
//! diagnostics of a clean build, after any sequence of edits: property-tested over
//! random edits, creations, deletions, renames, broken files, plan and template
//! changes on a copy of a small library.

mod common;
use common::tree;
use std::path::{Path, PathBuf};

use covermap::library::LoadOptions;
use covermap::serve::Cache;
use proptest::prelude::*;

#[derive(Debug, Clone)]
enum Op {
    /// Rewrite an asset's front matter and body (same length or not).
    Edit {
        asset: usize,
        n: u8,
        persona: u8,
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
    },
    Delete {
        asset: usize,
    },
    Rename {
        asset: usize,
        n: u8,
    },
    /// Rewrite the plan: title, an extra objection, the theme, the day.
    Plan {
        n: u8,
        objection: bool,
        theme: bool,
        day: u8,
    },
    /// A theme template override (used while the plan names the theme).
    Template {
        n: u8,
    },
    Attachment {
        n: u8,
        delete: bool,
    },
    /// A file the loader ignores (an editor's swap file).
    Swap {
        n: u8,
    },
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        4 => (any::<usize>(), any::<u8>(), any::<u8>())
            .prop_map(|(asset, n, persona)| Op::Edit { asset, n, persona }),
        2 => (any::<usize>(), any::<u8>()).prop_map(|(asset, n)| Op::EditBody { asset, n }),
        1 => any::<usize>().prop_map(|asset| Op::Break { asset }),
        2 => (any::<u8>(), any::<bool>()).prop_map(|(n, folder)| Op::Create { n, folder }),
        1 => any::<usize>().prop_map(|asset| Op::Delete { asset }),
        1 => (any::<usize>(), any::<u8>()).prop_map(|(asset, n)| Op::Rename { asset, n }),
        1 => (any::<u8>(), any::<bool>(), any::<bool>(), any::<u8>())
            .prop_map(|(n, objection, theme, day)| Op::Plan { n, objection, theme, day }),
        1 => any::<u8>().prop_map(|n| Op::Template { n }),
        1 => (any::<u8>(), any::<bool>()).prop_map(|(n, delete)| Op::Attachment { n, delete }),
        1 => any::<u8>().prop_map(|n| Op::Swap { n }),
    ]
}

fn copy_fixture(to: &Path) {
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/valid-small");
    for entry in walkdir::WalkDir::new(&fixture) {
        let entry = entry.unwrap();
        let dest = to.join(entry.path().strip_prefix(&fixture).unwrap());
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&dest).unwrap();
        } else {
            std::fs::copy(entry.path(), &dest).unwrap();
        }
    }
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

fn asset_text(n: u8, persona: u8) -> String {
    let persona = ["economic-buyer", "champion", "CFO", "all"][usize::from(persona % 4)];
    let stage = ["decision", "awareness"][usize::from(n % 2)];
    format!(
        "---\ntitle: \"Asset {n}\"\ntype: {}\npersonas: [{persona}]\nstages: [{stage}]\nsegments: [all]\n\
         tags: [t{}]\nobjections: [{}]\nreview_by: 2026-{:02}-01\n---\nBody {n}: *emphasis* and a [link](https://example.com/{n}).\n",
        ["case-study", "deck", "one-pager"][usize::from(n % 3)],
        n % 5,
        if n.is_multiple_of(2) { "price" } else { "" },
        1 + n % 12,
    )
}

fn plan_text(base: &str, n: u8, objection: bool, theme: bool, day: u8) -> String {
    let mut plan = base
        .replace(
            "title = \"Test plan\"",
            &format!("title = \"Test plan {n}\""),
        )
        .replace(
            "as_of = 2026-11-01",
            &format!("as_of = 2026-{:02}-01", 1 + day % 12),
        );
    if theme {
        plan = plan.replace(
            "title = \"Test Library\"",
            "title = \"Test Library\"\ntheme = \"custom\"",
        );
    }
    if objection {
        plan.push_str("\n[[objections]]\nid = \"security\"\ntext = \"Is it safe?\"\nheard = 3\n");
    }
    plan
}

fn apply(root: &Path, op: &Op, base_plan: &str) {
    let pick = |i: usize| {
        let all = assets(root);
        (!all.is_empty()).then(|| all[i % all.len()].clone())
    };
    match *op {
        Op::Edit { asset, n, persona } => {
            if let Some(p) = pick(asset) {
                std::fs::write(p, asset_text(n, persona)).unwrap();
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
        Op::Create { n, folder } => {
            let dir = if folder {
                root.join("content/new")
            } else {
                root.join("content")
            };
            std::fs::create_dir_all(&dir).unwrap();
            std::fs::write(dir.join(format!("c{n}.md")), asset_text(n, n / 4)).unwrap();
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
        Op::Plan {
            n,
            objection,
            theme,
            day,
        } => {
            std::fs::write(
                root.join("plan.toml"),
                plan_text(base_plan, n, objection, theme, day),
            )
            .unwrap();
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
        Op::Attachment { n, delete } => {
            let p = root.join(format!("content/files/a{}.txt", n % 4));
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
    }
}

fn diagnostics(d: &covermap::diagnostics::Diagnostics) -> Vec<String> {
    d.iter().map(|d| d.render(false)).collect()
}

/// Builds clean and through `cache`; both must agree to the byte.
fn check_same(root: &Path, cache: &mut Cache, step: &str) {
    let options = LoadOptions::default();
    let rebuilt = cache.build(root, &options);
    let clean = covermap::build(root, &options);
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

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn incremental_rebuilds_equal_clean_builds(ops in proptest::collection::vec(op(), 1..12)) {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("lib");
        copy_fixture(&root);
        let base_plan = std::fs::read_to_string(root.join("plan.toml")).unwrap();
        let mut cache = Cache::new();
        check_same(&root, &mut cache, "the first build");
        for (i, op) in ops.iter().enumerate() {
            apply(&root, op, &base_plan);
            check_same(&root, &mut cache, &format!("step {i}: {op:?}"));
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, failure_persistence: None, ..ProptestConfig::default() })]

    /// The same over a library of three library pages (230 assets), where a body edit
    /// changes the search index's version on every library page and a tag edit the
    /// lists kept across rebuilds.
    #[test]
    fn incremental_rebuilds_of_a_paginated_library_equal_clean_builds(ops in proptest::collection::vec(op(), 1..6)) {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("lib");
        copy_fixture(&root);
        std::fs::create_dir_all(root.join("content/gen")).unwrap();
        for i in 0..230u32 {
            let text = asset_text((i % 251) as u8, (i % 7) as u8)
                .replace("title: \"Asset ", &format!("title: \"Generated {i} asset "));
            std::fs::write(root.join(format!("content/gen/a{i:03}.md")), text).unwrap();
        }
        let base_plan = std::fs::read_to_string(root.join("plan.toml")).unwrap();
        let mut cache = Cache::new();
        check_same(&root, &mut cache, "the first build");
        for (i, op) in ops.iter().enumerate() {
            apply(&root, op, &base_plan);
            check_same(&root, &mut cache, &format!("step {i}: {op:?}"));
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, failure_persistence: None, ..ProptestConfig::default() })]

    /// `watch`'s way: the output folder updated in place after each edit holds exactly
    /// what `build` writes into a fresh one, and an edit with errors leaves it as it was.
    #[test]
    fn an_output_folder_updated_in_place_equals_a_clean_build(ops in proptest::collection::vec(op(), 1..10)) {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("lib");
        copy_fixture(&root);
        let base_plan = std::fs::read_to_string(root.join("plan.toml")).unwrap();
        let out = dir.path().join("site");
        let options = LoadOptions::default();
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
            let o = std::process::Command::new(env!("CARGO_BIN_EXE_covermap"))
                .args(["build", "--root"])
                .arg(&root)
                .arg("--out")
                .arg(&clean)
                .output()
                .unwrap();
            prop_assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
            let (updated, built) = (tree(&out), tree(&clean));
            prop_assert_eq!(updated.keys().collect::<Vec<_>>(), built.keys().collect::<Vec<_>>(), "step {}: {:?}", i, op);
            for (path, bytes) in &built {
                prop_assert!(updated.get(path) == Some(bytes), "step {}: {:?}: {} differs", i, op, path);
            }
        }
    }
}

#[test]
fn an_unchanged_library_is_neither_parsed_nor_rendered_again() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("lib");
    copy_fixture(&root);
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
    copy_fixture(&root);
    let base_plan = std::fs::read_to_string(root.join("plan.toml")).unwrap();
    let mut cache = Cache::new();
    for op in [
        Op::Template { n: 1 },
        Op::Plan {
            n: 0,
            objection: false,
            theme: true,
            day: 10,
        },
        // The context of every page is as it was: only the template changed.
        Op::Template { n: 2 },
        Op::Template { n: 3 },
    ] {
        apply(&root, &op, &base_plan);
        check_same(&root, &mut cache, &format!("{op:?}"));
    }
    let site = cache.build(&root, &LoadOptions::default()).site.unwrap();
    assert!(String::from_utf8_lossy(site.bytes("404.html").unwrap()).contains("Lost 3"));
}
