//! Search that forgives (issue 15): the browser's query stemmer gives the index's stems,
//! and recall in Chromium (stemming, typos, plan names and aliases, several words, CJK,
//! "did you mean", sort) on the sample library and a CJK fixture, with the result sets
//! asserted (`tests/browser/search_recall.mjs`).

use std::collections::BTreeSet;
use std::process::Command;

use crate::common::manifest_dir;
use covermap::search::stem;

/// Lowercase a–z/0–9 words of `text`.
fn words(text: &str, out: &mut BTreeSet<String>) {
    for w in text.split(|c: char| !c.is_ascii_alphanumeric()) {
        let w = w.to_ascii_lowercase();
        if !w.is_empty() && w.len() <= 40 {
            out.insert(w);
        }
    }
}

/// The stemmer parity test: every word of the sample library (plan, content, README,
/// docs) and of a hand-written list exercising each Porter2 step, stemmed by the Rust
/// crate the index uses and by the theme's `stem.js` in Node: the same stems.
#[test]
fn the_browser_stems_as_the_index_does() {
    let root = manifest_dir();
    let mut all = BTreeSet::new();
    words(
        &std::fs::read_to_string(root.join("tests/suite/stem_words.txt")).unwrap(),
        &mut all,
    );
    let hand = all.len();
    for dir in ["content", "docs"] {
        for e in walkdir::WalkDir::new(root.join(dir)).into_iter().flatten() {
            if e.file_type().is_file()
                && let Ok(text) = std::fs::read_to_string(e.path())
            {
                words(&text, &mut all);
            }
        }
    }
    for f in ["plan.toml", "README.md", "BENCHMARKS.md"] {
        words(&std::fs::read_to_string(root.join(f)).unwrap(), &mut all);
    }
    assert!(
        all.len() > 3000 + hand / 10,
        "a few thousand words: {}",
        all.len()
    );
    let list: Vec<&String> = all.iter().collect();
    let input = list
        .iter()
        .map(|s| s.as_str())
        .collect::<Vec<_>>()
        .join("\n");
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("words.txt");
    std::fs::write(&file, &input).unwrap();
    let script = format!(
        "const stem = require({:?}); const fs = require('fs'); \
         process.stdout.write(fs.readFileSync({:?}, 'utf8').split('\\n').map(stem).join('\\n'));",
        root.join("themes/default/static/stem.js"),
        file
    );
    let out = Command::new("node")
        .arg("-e")
        .arg(script)
        .output()
        .expect("the stemmer parity test needs Node (apt-get install -y nodejs)");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let js = String::from_utf8(out.stdout).unwrap();
    let js: Vec<&str> = js.split('\n').collect();
    assert_eq!(js.len(), list.len());
    let differ: Vec<String> = list
        .iter()
        .zip(&js)
        .filter(|(w, j)| stem(w) != **j)
        .map(|(w, j)| format!("{w}: rust {} js {j}", stem(w)))
        .collect();
    assert!(
        differ.is_empty(),
        "{} of {} words differ:\n{}",
        differ.len(),
        list.len(),
        differ.join("\n")
    );
}

// ------------------------------------------------------------------ recall in Chromium

/// A small Japanese library: 営業 (sales) inside running text, as Japanese writes it, in
/// three assets; 営 and 業 apart in another; 営業資料 in one.
const CJK: &[(&str, &str)] = &[
    (
        "a.md",
        "---\ntitle: 新しい営業資料\nsegment: smb\n---\n今期の営業資料をまとめました。\n",
    ),
    (
        "b.md",
        "---\ntitle: 顧客事例\nsegment: smb\n---\n経理部門と営業部門の連携について。\n",
    ),
    (
        "c.md",
        "---\ntitle: 価格表\nsegment: smb\n---\n価格は営業担当にお問い合わせください。\n",
    ),
    (
        "d.md",
        "---\ntitle: 業務の流れ\nsegment: smb\n---\n業務は月曜から営まれます。\n",
    ),
    (
        "e.md",
        "---\ntitle: Café pricing\nsegment: smb\n---\nThe résumé of our pricing.\n",
    ),
];

fn build(root: &std::path::Path, out: &std::path::Path, offline: bool) {
    let mut args = vec![
        "build".as_ref(),
        "--root".as_ref(),
        root.as_os_str(),
        "--out".as_ref(),
        out.as_os_str(),
    ];
    if offline {
        args.push("--offline".as_ref());
    }
    let run = crate::common::covermap(args);
    assert!(
        run.status.success(),
        "build failed:\n{}",
        String::from_utf8_lossy(&run.stderr)
    );
}

/// Every asset's slug, sorted as the `sort` file says: by title folded (then slug), or by
/// `updated`, newest first, then by title.
fn sorted_slugs(lib: &covermap::library::Library, by_updated: bool) -> Vec<String> {
    let mut all: Vec<&covermap::asset::Asset> = lib.assets.iter().map(|a| &**a).collect();
    all.sort_by(|a, b| {
        let key = |x: &covermap::asset::Asset| {
            (
                covermap::search::fold(&x.title.to_lowercase()).into_owned(),
                x.slug.clone(),
            )
        };
        key(a).cmp(&key(b))
    });
    if by_updated {
        all.sort_by_key(|a| std::cmp::Reverse(a.updated));
    }
    all.iter().take(8).map(|a| a.slug.clone()).collect()
}

/// Recall on the sample library (default build over http, `--offline` from disk) and on
/// a Japanese fixture: stemming, typos, plan names and aliases, several words, CJK, "did
/// you mean", sort, each with its result set asserted.
#[test]
fn search_recall_in_chromium() {
    use crate::browser::{chromium, node_modules, serve};
    use serde_json::json;
    let chromium = chromium();
    node_modules();
    let _alone = crate::common::exclusive();

    let dir = tempfile::tempdir().unwrap();
    let sample = manifest_dir();
    let (out, off) = (dir.path().join("s"), dir.path().join("s-off"));
    build(sample, &out, false);
    build(sample, &off, true);
    let cjk = dir.path().join("cjk");
    std::fs::create_dir_all(cjk.join("content")).unwrap();
    std::fs::write(cjk.join("plan.toml"), crate::common::small_plan("")).unwrap();
    for (name, text) in CJK {
        std::fs::write(cjk.join("content").join(name), text).unwrap();
    }
    let (cout, coff) = (dir.path().join("c"), dir.path().join("c-off"));
    build(&cjk, &cout, false);
    build(&cjk, &coff, true);

    let (lib, diags) = covermap::library::load(sample, &covermap::library::LoadOptions::default());
    let lib = lib.unwrap_or_else(|| panic!("the sample loads: {diags:?}"));
    let p = &lib.plan;
    let eb = p
        .personas
        .iter()
        .position(|x| x.id == "economic-buyer")
        .expect("the sample's Economic Buyer");
    let eb_assets: Vec<&str> = lib
        .assets
        .iter()
        .filter(|a| a.personas.iter().flatten().any(|&i| i == eb))
        .map(|a| a.slug.as_str())
        .collect();
    assert!(eb_assets.len() > 3);
    let healthcare: Vec<&str> = lib
        .assets
        .iter()
        .filter(|a| a.kind.as_deref() == Some("case-study"))
        .filter(|a| a.source.to_string_lossy().contains("healthcare"))
        .map(|a| a.slug.as_str())
        .collect();
    assert_eq!(
        healthcare.len(),
        2,
        "the sample's two healthcare case studies"
    );

    let sites = [
        format!(
            "http://127.0.0.1:{}/sales/library/index.html",
            serve(out.clone())
        ),
        format!("file://{}/index.html", off.display()),
        format!(
            "http://127.0.0.1:{}/sales/library/index.html",
            serve(cout.clone())
        ),
        format!("file://{}/index.html", coff.display()),
    ];
    let both = json!([0, 1]);
    let cjk_both = json!([2, 3]);
    let cases = json!([
        {"sites": both, "q": "integrations", "same_as": "integration", "mark": "integration"},
        {"sites": both, "q": "secuirty", "same_as": "security"},
        {"sites": both, "q": "case study healthcare", "want": healthcare},
        {"sites": both, "q": "CFO", "includes": eb_assets},
        {"sites": both, "q": "economic buyer", "includes": eb_assets},
        {"sites": both, "q": "prce", "hint": "price"},
        {"sites": both, "q": "prce", "hint_finds": true},
        {"sites": both, "q": "", "sort": "title", "first": sorted_slugs(&lib, false)},
        {"sites": both, "q": "", "sort": "updated", "first": sorted_slugs(&lib, true)},
        {"sites": cjk_both, "q": "営業", "want": ["a", "b", "c"], "mark": "営業"},
        {"sites": cjk_both, "q": "営業資料", "want": ["a"]},
        {"sites": cjk_both, "q": "cafe", "want": ["e"]},
        {"sites": cjk_both, "q": "résumés", "want": ["e"]},
    ]);
    let expect = dir.path().join("expect.json");
    std::fs::write(
        &expect,
        serde_json::to_vec_pretty(&json!({"sites": sites, "cases": cases})).unwrap(),
    )
    .unwrap();
    let run = Command::new("node")
        .arg(manifest_dir().join("tests/browser/search_recall.mjs"))
        .arg(&expect)
        .env("CHROMIUM", &chromium)
        .output()
        .expect("node runs (apt-get install -y nodejs)");
    let stdout = String::from_utf8_lossy(&run.stdout);
    assert!(
        run.status.success(),
        "search recall in Chromium failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&run.stderr)
    );
    assert!(!stdout.contains("not ok"), "{stdout}");
}

/// A theme's own row reaches search results: the display chunks carry the row the
/// theme's `partials/asset_row.html` renders, with the root left for the page.
#[test]
fn search_results_are_the_themes_rows() {
    let lib = crate::common::TestLib::new()
        .plan(&crate::common::small_plan(""))
        .asset("a.md", "---\ntitle: Alpha & omega\nsegment: smb\n---\nBody.\n")
        .file(
            "themes/default/templates/partials/asset_row.html",
            "<li class=\"asset my-row\"><h3><a href=\"{{ root }}{{ a.path }}index.html\">{{ a.title }}</a></h3></li>\n",
        );
    lib.run(["build"]).success();
    let chunk: serde_json::Value = serde_json::from_str(&lib.read_out("search/d/0.json")).unwrap();
    let row = &chunk["data"][0];
    assert_eq!(row[0], "a");
    assert_eq!(row[1], "Alpha & omega");
    assert_eq!(
        row[2],
        "<li class=\"asset my-row\"><h3><a href=\"\u{0}covermap-root\u{0}library/a/index.html\">Alpha &amp; omega</a></h3></li>\n"
    );
}
