//! The index end to end: a small library loaded from disk, indexed, and its files read
//! back as the browser reads them.

use super::formats::tests::decode_vlq;
use super::tokenizer::{IN_SUMMARY, IN_TAGS, IN_TITLE};
use super::*;

fn decode_postings(s: &[u8]) -> Vec<(u64, u8)> {
    let (mut i, mut doc, mut out) = (0, -1i64, Vec::new());
    while i < s.len() {
        doc += decode_vlq(s, &mut i) as i64 + 1;
        let score = B64.iter().position(|&b| b == s[i]).unwrap() as u8;
        i += 1;
        out.push((doc as u64, score));
    }
    out
}

/// The index of a loaded library, its bodies read from disk.
fn index_of(lib: &Library, cov: &Coverage) -> Index {
    let mut batch = Batch::new();
    for a in &lib.assets {
        let text = lib.read_body(&a.source).unwrap();
        let body = crate::markdown::render(&text, lib.plan.site.raw_html);
        batch.add_asset(a, &body.text);
    }
    let mut interner = Interner::default();
    let docs: Vec<Arc<DocTerms>> = interner.absorb(batch).into_iter().map(Arc::new).collect();
    build(lib, cov, &facets(lib), Terms::Fresh(docs), &interner)
}

fn library(files: &[(&str, &str)]) -> (Library, Coverage) {
    let lib = crate::library::in_memory(files);
    let cov = Coverage::compute(&lib.plan, &lib.assets);
    (lib, cov)
}

const PLAN: &str = r#"
[site]
title = "T"
[plan]
title = "P"
as_of = 2026-11-01
[[stages]]
id = "decision"
[[personas]]
id = "cfo"
name = "CFO"
[[segments]]
id = "smb"
name = "SMB"
pipeline = 1
"#;

#[test]
fn a_tiny_index_end_to_end() {
    let (lib, cov) = library(&[
        ("plan.toml", PLAN),
        (
            "content/a.md",
            "---\ntitle: SAP integration guide\nsegment: smb\npersona: cfo\nstage: decision\ntags: [erp]\nowner: Sales Ops\n---\nIntegration steps.\n",
        ),
        (
            "content/b.md",
            "---\ntitle: Pricing sheet\nsummary: Integrations priced per seat\nreview_by: 2026-01-01\n---\nThe integration of integrations, integration.\n",
        ),
    ]);
    let index = index_of(&lib, &cov);
    let paths: Vec<&str> = index.files.iter().map(|f| f.0.as_str()).collect();
    assert_eq!(paths, ["search/d/0.js", "search/meta.js", "search/t/0.js"]);
    let text = |p: &str| {
        String::from_utf8(index.files.iter().find(|f| f.0 == p).unwrap().1.clone()).unwrap()
    };
    let shard = text("search/t/0.js");
    let json = shard
        .strip_prefix("covermapSearch.add(\"t/0\",")
        .and_then(|s| s.strip_suffix(");\n"))
        .unwrap();
    let list: Vec<String> = serde_json::from_str(json).unwrap();
    let terms: Vec<&str> = list.iter().step_by(2).map(String::as_str).collect();
    assert!(terms.windows(2).all(|w| w[0] < w[1]), "terms are sorted");
    assert!(
        !terms.contains(&"the") && !terms.contains(&"of"),
        "stop-words dropped"
    );
    let post = |t: &str| {
        let i = list.iter().position(|x| x == t).unwrap();
        decode_postings(list[i + 1].as_bytes())
    };
    // "integration": title of a (+ once in its body), body of b (twice).
    assert_eq!(post("integration"), [(0, IN_TITLE | 1), (1, 2)]);
    assert_eq!(post("integrations"), [(1, IN_SUMMARY | 1)]);
    assert_eq!(post("erp"), [(0, IN_TAGS)]);

    let meta = text("search/meta.js");
    assert!(meta.starts_with("covermapSearch.add(\"meta\",{\"docs\":2,"));
    let json = meta
        .strip_prefix("covermapSearch.add(\"meta\",")
        .and_then(|s| s.strip_suffix(");\n"))
        .unwrap();
    let meta: serde_json::Value = serde_json::from_str(json).unwrap();
    // a counts toward the one cell; b is stale and untagged.
    assert_eq!(meta["flags"], "CB");
    assert_eq!(meta["cells"]["smb|cfo|decision"][0], "SMB · CFO · decision");
    let owner = &meta["facets"][6];
    assert_eq!(owner["key"], "owner");
    assert_eq!(
        owner["values"][0],
        serde_json::json!(["sales-ops", "Sales Ops", "owners/sales-ops/"])
    );
    assert_eq!(owner["data"], "BA", "a has owner 0, b none");

    let docs = text("search/d/0.js");
    assert!(
        docs.contains("[\"b\",\"Pricing sheet\",\"Integrations priced per seat\",\"2026-01-01\"]")
    );

    let again = index_of(&lib, &cov);
    assert_eq!(again.files, index.files, "deterministic");
    assert_eq!(again.version, index.version);
}

/// The counted flag is the asset's own rule (`Asset::counts_toward_coverage`), as in
/// `coverage.json`'s `summary.counted`: an asset tagged only for a persona outside the
/// segment's buying group is in no cell, and still counts.
#[test]
fn counted_flags_follow_the_assets_rule() {
    let plan = PLAN.replace(
        "pipeline = 1",
        "pipeline = 1\npersonas = [\"cfo\"]\n[[personas]]\nid = \"cio\"",
    );
    let (lib, cov) = library(&[
        ("plan.toml", &plan),
        (
            "content/a.md",
            "---\ntitle: A\nsegment: smb\npersona: cio\nstage: decision\n---\n",
        ),
        (
            "content/b.md",
            "---\ntitle: B\nsegment: smb\npersona: cfo\nstage: decision\ndraft: true\n---\n",
        ),
    ]);
    assert!(
        cov.cells.iter().all(|c| c.assets.is_empty()),
        "a is in no cell"
    );
    let index = index_of(&lib, &cov);
    let meta = &index
        .files
        .iter()
        .find(|f| f.0 == "search/meta.js")
        .unwrap()
        .1;
    let meta = String::from_utf8_lossy(meta);
    let json = meta
        .strip_prefix("covermapSearch.add(\"meta\",")
        .and_then(|s| s.strip_suffix(");\n"))
        .unwrap();
    let meta: serde_json::Value = serde_json::from_str(json).unwrap();
    let want: String = lib
        .assets
        .iter()
        .map(|a| if a.draft { 'E' } else { 'C' })
        .collect();
    assert_eq!(meta["flags"], want, "a counts; b is a draft");
}
