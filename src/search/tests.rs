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

/// The index of a loaded library, its bodies read from disk, as a default build writes it.
fn index_of(lib: &Library, cov: &Coverage) -> Index {
    index_in(lib, cov, Mode::Json)
}

fn index_in(lib: &Library, cov: &Coverage, mode: Mode) -> Index {
    let mut batch = Batch::new();
    for a in &lib.assets {
        let text = lib.read_body(&a.source).unwrap();
        let body = crate::markdown::render(&text, lib.plan.site.raw_html);
        batch.add_asset(a, &body.text);
    }
    let mut interner = Interner::default();
    let docs: Vec<Arc<DocTerms>> = interner.absorb(batch).into_iter().map(Arc::new).collect();
    let row = |i: usize| format!("<li>{}</li>", lib.assets[i].title);
    let emitted = std::sync::Mutex::new(Vec::new());
    let emit = |path: &str, bytes: Vec<u8>| -> Result<(), ()> {
        emitted.lock().unwrap().push((path.to_string(), bytes));
        Ok(())
    };
    let mut index = build(
        lib,
        cov,
        &facets(lib),
        Terms::Fresh(docs),
        &interner,
        mode,
        &row,
        &emit,
    )
    .unwrap();
    // Every file, emitted or kept, in path order, as a test reads them.
    index.files.extend(emitted.into_inner().unwrap());
    index.files.sort_by(|a, b| a.0.cmp(&b.0));
    assert_eq!(
        index.files.iter().map(|f| f.0.clone()).collect::<Vec<_>>(),
        index.paths
    );
    index
}

/// The data of the JSON file `path` of `index`, checked to be named `name`.
fn data(index: &Index, path: &str, name: &str) -> serde_json::Value {
    let bytes = &index.files.iter().find(|f| f.0 == path).unwrap().1;
    let mut file: serde_json::Value = serde_json::from_slice(bytes).unwrap();
    assert_eq!(file["name"], name, "{path}");
    file["data"].take()
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
    assert_eq!(
        paths,
        [
            "search/d/0.json",
            "search/facet-audience.json",
            "search/facet-owner.json",
            "search/facet-persona.json",
            "search/facet-segment.json",
            "search/facet-stage.json",
            "search/facet-tag.json",
            "search/facet-type.json",
            "search/meta.json",
            "search/sort.json",
            "search/t/0.json"
        ]
    );
    let list: Vec<String> = serde_json::from_value(data(&index, "search/t/0.json", "t/0")).unwrap();
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
    // "integration" and "integrations" stem alike: title of a (+ once in its body),
    // summary of b and three times in its body.
    assert_eq!(post("integr"), [(0, IN_TITLE | 1), (1, IN_SUMMARY | 2)]);
    assert_eq!(post("erp"), [(0, IN_TAGS)]);

    let meta = data(&index, "search/meta.json", "meta");
    assert_eq!(meta["docs"], 2);
    // a counts toward the one cell; b is stale and untagged.
    assert_eq!(meta["flags"], "CB");
    assert_eq!(meta["cells"]["smb|cfo|decision"][0], "SMB · CFO · decision");
    let owner = &meta["facets"][6];
    assert_eq!(owner["key"], "owner");
    assert_eq!(
        owner["values"][0],
        serde_json::json!(["sales-ops", "Sales Ops", "owners/sales-ops/"])
    );
    assert!(
        owner.get("data").is_none(),
        "memberships are in their own file"
    );
    let owner = data(&index, "search/facet-owner.json", "facet-owner");
    assert_eq!(owner["data"], "BA", "a has owner 0, b none");

    let docs = data(&index, "search/d/0.json", "d/0");
    assert_eq!(
        docs[1],
        serde_json::json!(["b", "Pricing sheet", "<li>Pricing sheet</li>"])
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
    let meta = data(&index, "search/meta.json", "meta");
    let want: String = lib
        .assets
        .iter()
        .map(|a| if a.draft { 'E' } else { 'C' })
        .collect();
    assert_eq!(meta["flags"], want, "a counts; b is a draft");
}

/// `--offline` writes the same data as scripts: the same names, `.js` for `.json`, each
/// file `covermapSearch.add("<name>",<data>);` where the default build's is
/// `{"name":"<name>","data":<data>}`.
#[test]
fn both_modes_hold_the_same_data() {
    let (lib, cov) = library(&[
        ("plan.toml", PLAN),
        (
            "content/a.md",
            "---\ntitle: Café <b> & co\nsegment: smb\npersona: cfo\nstage: decision\n---\nBody.\n",
        ),
    ]);
    let json = index_in(&lib, &cov, Mode::Json);
    let script = index_in(&lib, &cov, Mode::Script);
    assert_eq!(json.files.len(), script.files.len());
    assert_ne!(json.version, script.version, "the version hashes the bytes");
    for ((jp, jb), (sp, sb)) in json.files.iter().zip(&script.files) {
        let name = jp
            .strip_prefix("search/")
            .and_then(|p| p.strip_suffix(".json"))
            .unwrap();
        assert_eq!(sp, &format!("search/{name}.js"));
        let (jt, st) = (
            std::str::from_utf8(jb).unwrap(),
            std::str::from_utf8(sb).unwrap(),
        );
        assert!(jt.is_ascii() && !jt.contains(['<', '>', '&']), "{jt}");
        let inner = st
            .strip_prefix(&format!("covermapSearch.add(\"{name}\","))
            .and_then(|s| s.strip_suffix(");\n"))
            .unwrap();
        assert_eq!(jt, format!("{{\"name\":\"{name}\",\"data\":{inner}}}\n"));
        assert_eq!(
            data(&json, jp, name),
            serde_json::from_str::<serde_json::Value>(inner).unwrap()
        );
    }
}
