//! The library page without JavaScript (paginated, facet values linking to taxonomy
//! pages) and the search index files beside it, on a generated library.

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
    let meta = read(&out.join("search/meta.js"));
    assert!(meta.starts_with("covermapSearch.add(\"meta\",{\"docs\":40,"));
    assert!(out.join("search/t/0.js").is_file() && out.join("search/d/0.js").is_file());
    assert!(
        out.join("search/d/2.js").is_file() && !out.join("search/d/3.js").exists(),
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
