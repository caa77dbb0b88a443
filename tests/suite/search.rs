//! The library page without JavaScript (paginated, facet values linking to taxonomy
//! pages) and the search index files beside it, on a generated library: JSON by
//! default, scripts with `--offline` (tests/suite/browser.rs reads them in Chromium).

use std::path::Path;

use crate::common::{TestLib, read, small_plan};
use covermap::render::LIBRARY_PAGE_SIZE;

/// A library of `n` assets, owners, tags and audiences spread over them.
fn library(n: usize) -> TestLib {
    let lib = TestLib::new().plan(&small_plan(""));
    for i in 0..n {
        let owner = ["Product Marketing", "Sales Ops"][i % 2];
        let audience = ["external", "internal"][i % 2];
        let tag = ["roi", "security", "AP automation"][i % 3];
        lib.write(
            &format!("content/a{i:04}.md"),
            format!("---\ntitle: Asset {i}\nsegment: smb\npersona: champion\nstage: decision\nowner: {owner}\naudience: {audience}\ntags: [{tag}]\n---\nBody {i}.\n"),
        );
    }
    lib
}

fn rows(html: &str) -> usize {
    html.matches("<li class=\"asset\"").count()
}

#[test]
fn a_long_library_is_paginated_with_relative_links() {
    let n = 2 * LIBRARY_PAGE_SIZE + LIBRARY_PAGE_SIZE / 2;
    let lib = library(n);
    lib.run(["build"]).success();
    let out = lib.out();

    let first = read(&out.join("index.html"));
    assert_eq!(rows(&first), LIBRARY_PAGE_SIZE);
    assert!(
        first.contains("href=\"./page/2/index.html\""),
        "links to page 2"
    );
    assert!(
        first.contains("href=\"./page/3/index.html\""),
        "links to page 3"
    );
    let second = read(&out.join("page/2/index.html"));
    assert_eq!(rows(&second), LIBRARY_PAGE_SIZE);
    assert!(
        second.contains("href=\"../../index.html\" rel=\"prev\""),
        "back to page 1"
    );
    assert!(second.contains("href=\"../../page/3/index.html\" rel=\"next\""));
    assert!(
        second.contains("href=\"../../library/a0100/index.html\""),
        "page 2 starts where page 1 ends"
    );
    assert!(
        second.contains("src=\"../../library.js\""),
        "search works on every page"
    );
    let third = read(&out.join("page/3/index.html"));
    assert_eq!(rows(&third), LIBRARY_PAGE_SIZE / 2);
    assert!(!out.join("page/4").exists());

    // Every facet value links to a page listing its assets, also for free words.
    for (link, page, count) in [
        (
            "./tags/roi/index.html",
            "tags/roi/index.html",
            n.div_ceil(3),
        ),
        (
            "./tags/ap-automation/index.html",
            "tags/ap-automation/index.html",
            n / 3,
        ),
        (
            "./owners/sales-ops/index.html",
            "owners/sales-ops/index.html",
            n / 2,
        ),
        (
            "./audiences/internal/index.html",
            "audiences/internal/index.html",
            n / 2,
        ),
        ("./segments/smb/index.html", "segments/smb/index.html", n),
    ] {
        assert!(
            first.contains(&format!("href=\"{link}\"")),
            "the library links {link}"
        );
        let html = read(&out.join(page));
        assert_eq!(rows(&html), count, "{page}");
    }
    assert!(out.join("tags/index.html").is_file() && out.join("owners/index.html").is_file());
}

#[test]
fn the_index_ships_beside_the_pages() {
    let lib = library(40);
    lib.run(["build"]).success();
    let out = lib.out();
    let meta = read(&out.join("search/meta.json"));
    assert!(meta.starts_with("{\"name\":\"meta\",\"data\":{\"docs\":40,"));
    assert!(out.join("search/t/0.json").is_file() && out.join("search/d/0.json").is_file());
    assert!(
        out.join("search/d/2.json").is_file() && !out.join("search/d/3.json").exists(),
        "16 assets a chunk"
    );
    let index = read(&out.join("index.html"));
    let version = index
        .split("data-version=\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .expect("the page names the index version");
    assert_eq!(version.len(), 8);
    // Search needs JavaScript; the form is marked so it hides without it.
    assert!(index.contains("id=\"filter-form\" class=\"js-only\""));
    assert!(index.contains("<noscript>") && index.contains("class=\"browse\""));
}

// ------------------------------------------------------------------ search data modes
// Search data stays on its origin (issue 13): a default build writes JSON files whose
// top level is an object (not a script another site can include), and its library page
// says so (`data-search="json"`) and carries the notice shown when it is opened from
// disk; `build --offline` writes the same data as scripts for `file://`, and its page
// has no notice. Chromium checks both in tests/suite/browser.rs.

/// A small library of internal-only assets.
fn internal_library() -> TestLib {
    let lib = TestLib::new().plan(&small_plan(""));
    for i in 0..20 {
        lib.write(
            &format!("content/a{i:02}.md"),
            format!("---\ntitle: Internal plan {i}\nsegment: smb\npersona: champion\nstage: decision\naudience: internal\n---\nBody {i}.\n"),
        );
    }
    lib
}

/// Every file under `search/`, from the site root, sorted.
fn search_files(out: &Path) -> Vec<String> {
    let mut files: Vec<String> = walkdir(&out.join("search"))
        .into_iter()
        .map(|p| {
            p.strip_prefix(out)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/")
        })
        .collect();
    files.sort();
    files
}

fn walkdir(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(walkdir(&p));
        } else {
            out.push(p);
        }
    }
    out
}

#[test]
fn a_default_build_writes_json_objects_and_offline_writes_scripts() {
    let lib = internal_library();
    lib.run(["build"]).success();
    let out = lib.out();
    let json = search_files(&out);
    assert_eq!(
        json,
        [
            "search/d/0.json",
            "search/d/1.json",
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
    for f in &json {
        let text = read(&out.join(f));
        let name = f.trim_start_matches("search/").trim_end_matches(".json");
        // An object with a quoted first key: a syntax error if included as a script.
        let prefix = format!("{{\"name\":\"{name}\",\"data\":");
        assert!(text.starts_with(&prefix), "{f}: {text:.60}");
        let v: serde_json::Value = serde_json::from_str(&text).expect("valid JSON");
        assert_eq!(v.as_object().map(|o| o.len()), Some(2), "{f}");
        assert!(!text.contains("covermapSearch"), "{f}");
    }
    let index = read(&out.join("index.html"));
    assert!(index.contains(" data-search=\"json\""));
    assert!(
        index.contains("id=\"search-offline\"") && index.contains("covermap build --offline"),
        "the notice for file:// names --offline"
    );
    let default_bytes: Vec<String> = json.iter().map(|f| read(&out.join(f))).collect();

    let offline = lib.root().join("offline");
    lib.run(["build", "--offline", "--out", offline.to_str().unwrap()])
        .success();
    let scripts = search_files(&offline);
    assert_eq!(
        scripts,
        json.iter()
            .map(|f| f.replace(".json", ".js"))
            .collect::<Vec<_>>()
    );
    for (f, json_text) in scripts.iter().zip(&default_bytes) {
        let text = read(&offline.join(f));
        let name = f.trim_start_matches("search/").trim_end_matches(".js");
        let data = text
            .strip_prefix(&format!("covermapSearch.add(\"{name}\","))
            .and_then(|t| t.strip_suffix(");\n"))
            .unwrap_or_else(|| panic!("{f} is a covermapSearch.add script: {text:.60}"));
        assert_eq!(
            json_text,
            &format!("{{\"name\":\"{name}\",\"data\":{data}}}\n"),
            "{f} holds the default build's data"
        );
    }
    let index = read(&offline.join("index.html"));
    assert!(index.contains(" data-search=\"script\""));
    assert!(!index.contains("search-offline"), "no notice offline");

    // Deterministic in both modes.
    lib.run(["build"]).success();
    let again: Vec<String> = json.iter().map(|f| read(&out.join(f))).collect();
    assert_eq!(again, default_bytes);
    let before: Vec<String> = scripts.iter().map(|f| read(&offline.join(f))).collect();
    lib.run(["build", "--offline", "--out", offline.to_str().unwrap()])
        .success();
    let after: Vec<String> = scripts.iter().map(|f| read(&offline.join(f))).collect();
    assert_eq!(before, after);
}

#[test]
fn offline_is_a_flag_of_build_and_watch_only() {
    let lib = internal_library();
    for cmd in ["build", "watch"] {
        lib.run([cmd, "--help"])
            .success()
            .stdout_contains("--offline");
    }
    // serve answers over http, where the JSON works; scripts would let any page the
    // reader visits include the library's data from 127.0.0.1.
    lib.run(["serve", "--offline"]).code(2);
}
