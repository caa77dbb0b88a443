//! Redirect pages (issue 14 item 4): the old addresses of an asset, each a small page
//! that sends the reader on to the asset's page, so links already pasted into CRMs,
//! decks and chats keep working. They come from an asset's `aliases` (Hugo: an
//! absolute `/old/path/`, or a path relative to the page's folder) and `redirect_from`
//! (Jekyll), and from the addresses adoption changed: `x/index.md` and `x/_index.md`
//! were `library/x/index/` and `library/x/-index/` and are `library/x/` now.
//!
//! A redirect never takes a real page's place: one that would land on a page or file
//! of the site, or on another redirect, is left out with a warning (W0325); an alias
//! that is no path in the site (a full address, `..`, a hidden folder) is a warning
//! too (W0326). The warnings come with the library's ([`warnings`]); the render asks
//! [`of`] for the pages and leaves out, silently, any that would still overwrite a
//! file it writes (a theme's own static file).

use std::collections::BTreeMap;
use std::path::Path;

use crate::asset::Asset;
use crate::diagnostics::{Code, Diagnostic};
use crate::library::Library;

/// The front-matter keys that list an asset's old addresses (matched ignoring case).
const KEYS: [&str; 2] = ["aliases", "redirect_from"];

/// The first part of every path the site writes itself, besides `library/<slug>/`:
/// a redirect under one of these would take a generated page's place or folder.
const RESERVED: &[&str] = &[
    "index.html",
    "404.html",
    "coverage.json",
    "coverage.csv",
    "robots.txt",
    "style.css",
    "library.js",
    "page",
    "search",
    "coverage",
    "gaps",
    "objections",
    "segments",
    "personas",
    "stages",
    "types",
    "audiences",
    "tags",
    "owners",
];

/// One redirect page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Redirect {
    /// The page's path in the site: `old/path/index.html`, or `old.html`.
    pub path: String,
    /// The asset it leads to, by its index in the library.
    pub asset: usize,
}

impl Redirect {
    /// The asset page's address as seen from the redirect page: relative, so the site
    /// works under any sub-path and from disk.
    pub fn target(&self, lib: &Library) -> String {
        let depth = self.path.matches('/').count();
        let up = if depth == 0 {
            "./".to_string()
        } else {
            "../".repeat(depth)
        };
        format!("{up}library/{}/index.html", lib.assets[self.asset].slug)
    }
}

/// Every redirect page of the library, in library order, clashes left out.
pub fn of(lib: &Library) -> Vec<Redirect> {
    collect(lib).0
}

/// What [`of`] leaves out, and why.
pub fn warnings(lib: &Library) -> Vec<Diagnostic> {
    collect(lib).1
}

fn collect(lib: &Library) -> (Vec<Redirect>, Vec<Diagnostic>) {
    // (page path, asset, why the page is wanted, the text to place a warning at)
    let mut wanted: Vec<(String, usize, String, Option<String>)> = Vec::new();
    let mut diags = Vec::new();
    let prefix = lib.plan.adoption.content.url_prefix.as_deref();
    for (i, a) in lib.assets.iter().enumerate() {
        // The one branch an asset without old addresses takes.
        if let Some(old) = old_index_path(lib, a) {
            wanted.push((
                old,
                i,
                "its address before `index.md` pages took their folder's".into(),
                None,
            ));
        }
        if a.extra.is_empty() {
            continue;
        }
        for (key, value) in &a.extra {
            let Some(key) = KEYS.iter().find(|k| k.eq_ignore_ascii_case(key)) else {
                continue;
            };
            for alias in strings(value) {
                // Jekyll's `redirect_from` is from the site's root, with or without its
                // leading `/`; Hugo's relative `aliases` sit beside the page.
                let rooted;
                let written = if *key == "redirect_from" && !alias.trim_start().starts_with('/') {
                    rooted = format!("/{}", alias.trim_start());
                    rooted.as_str()
                } else {
                    alias
                };
                match alias_path(written, &a.slug, prefix) {
                    Ok(path) => wanted.push((
                        path,
                        i,
                        format!("`{key}: {alias}`"),
                        Some(alias.to_string()),
                    )),
                    Err(why) => diags.push(placed(
                        lib,
                        Diagnostic::warning(
                            &a.source,
                            format!(
                                "`{key}` entry `{}` {why}: no redirect page is made for it",
                                crate::diagnostics::printable(alias)
                            ),
                        )
                        .help("write a path of the old site, such as `/blog/old-title/` or `old-title.html`")
                        .code(Code::AliasNotPath),
                        Some(alias),
                    )),
                }
            }
        }
    }
    if wanted.is_empty() {
        return (Vec::new(), diags);
    }
    // What the site writes itself: asset pages, attachments and static files.
    let mut taken: BTreeMap<String, String> = lib
        .assets
        .iter()
        .map(|a| {
            (
                format!("library/{}/index.html", a.slug),
                format!("the page of {}", a.source.display()),
            )
        })
        .collect();
    for (folder, files) in [
        (&lib.content_folder, &lib.attachments),
        (&Path::new("static").to_path_buf(), &lib.static_files),
    ] {
        for f in files {
            let p = f.to_string_lossy().replace('\\', "/");
            taken.insert(p, format!("the file {}", folder.join(f).display()));
        }
    }
    let mut out: Vec<Redirect> = Vec::new();
    let mut made: BTreeMap<String, usize> = BTreeMap::new();
    for (path, asset, why, alias) in wanted {
        let source = &lib.assets[asset].source;
        let clash = if let Some(&other) = made.get(&path) {
            if other == asset {
                continue; // the same address twice for one asset
            }
            Some(format!(
                "the redirect to {} made from {}",
                lib.assets[other].slug,
                lib.assets[other].source.display()
            ))
        } else {
            let first = path.split('/').next().unwrap_or("");
            if RESERVED.contains(&first) {
                Some("a page covermap generates".to_string())
            } else {
                folders_and_self(&path).find_map(|p| taken.get(p).cloned())
            }
        };
        match clash {
            Some(what) => diags.push(placed(
                lib,
                Diagnostic::warning(
                    source,
                    format!("the redirect page `{path}` ({why}) would overwrite {what}: it is not made"),
                )
                .help("the real page wins; remove the alias, or move the page that holds that address")
                .code(Code::RedirectClash),
                alias.as_deref(),
            )),
            None => {
                made.insert(path.clone(), asset);
                out.push(Redirect { path, asset });
            }
        }
    }
    (out, diags)
}

/// `d` placed where its file first holds `text` after the front matter's redirect key,
/// when the file can be read again (warnings are rare: it is read only then).
fn placed(lib: &Library, d: Diagnostic, text: Option<&str>) -> Diagnostic {
    let Some(text) = text else {
        return d;
    };
    let Ok(bytes) = lib.source.read(&d.path, crate::limits::MAX_ASSET_BYTES) else {
        return d;
    };
    let source = String::from_utf8_lossy(&bytes);
    let lower = source.to_ascii_lowercase();
    let from = KEYS.iter().filter_map(|k| lower.find(k)).min().unwrap_or(0);
    match source[from..].find(text) {
        Some(at) => d.at_offset(&source, from + at),
        None => d,
    }
}

/// `p` itself and each folder above it (`a/b/index.html`: `a`, `a/b`, the path).
fn folders_and_self(p: &str) -> impl Iterator<Item = &str> {
    p.match_indices('/')
        .map(|(at, _)| &p[..at])
        .chain(std::iter::once(p))
}

/// The strings a front-matter value holds: one, or a list of them.
fn strings(value: &serde_json::Value) -> Vec<&str> {
    match value {
        serde_json::Value::String(s) => vec![s.as_str()],
        serde_json::Value::Array(items) => items.iter().filter_map(|v| v.as_str()).collect(),
        _ => Vec::new(),
    }
}

/// The address an `index.md` or `_index.md` asset had before it took its folder's
/// (`x/index.md` was `library/x/index/`), as the redirect page's path; `None` for any
/// other asset, or one whose slug front matter sets.
fn old_index_path(lib: &Library, a: &Asset) -> Option<String> {
    if a.slug_place.is_some() {
        return None;
    }
    let stem = a.source.file_stem()?;
    if stem != "index" && stem != "_index" {
        return None;
    }
    // Only `.md` pages were published at the old address.
    if !a
        .source
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("md"))
    {
        return None;
    }
    let rel = a.source.strip_prefix(&lib.content_folder).ok()?;
    let old = crate::slug::slug_from_path(rel);
    (old != a.slug).then(|| format!("library/{old}/index.html"))
}

/// Where an alias's redirect page goes: an absolute alias from the site's root (the
/// `[content] url_prefix` taken off), a relative one from the asset page's folder
/// (`library/<slug's folder>/`, as Hugo reads one from the page's section). A path
/// ending in `.html` is the page itself; any other is a folder with an `index.html`.
fn alias_path(alias: &str, slug: &str, url_prefix: Option<&str>) -> Result<String, &'static str> {
    let alias = alias.trim();
    if alias.is_empty() {
        return Err("is empty");
    }
    if alias.starts_with("//") || alias.split('/').next().is_some_and(|s| s.contains(':')) {
        return Err("is a full address, not a path in the site");
    }
    if alias.chars().any(|c| c.is_control() || c == '\\') {
        return Err("holds a backslash or a control character");
    }
    let path = alias.split(['?', '#']).next().unwrap_or("");
    let mut parts: Vec<&str> = Vec::new();
    let rest = match path.strip_prefix('/') {
        Some(abs) => {
            let prefix = url_prefix
                .map(|p| p.trim_matches('/'))
                .filter(|p| !p.is_empty());
            match prefix {
                Some(p) if abs == p => "",
                Some(p) => abs
                    .strip_prefix(p)
                    .and_then(|r| r.strip_prefix('/'))
                    .unwrap_or(abs),
                None => abs,
            }
        }
        None => {
            parts.push("library");
            parts.extend(
                slug.rsplit_once('/')
                    .map(|(folder, _)| folder.split('/'))
                    .into_iter()
                    .flatten(),
            );
            path
        }
    };
    for part in rest.split('/') {
        match part {
            "" | "." => {}
            ".." => return Err("climbs out of its folder with `..`"),
            p if p.starts_with('.') => return Err("names a hidden file or folder"),
            p => parts.push(p),
        }
    }
    let last = parts.last().copied().unwrap_or("");
    let is_file = [".html", ".htm"]
        .iter()
        .any(|e| last.len() > e.len() && last.to_ascii_lowercase().ends_with(e));
    if !is_file {
        parts.push("index.html");
    }
    Ok(parts.join("/"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn alias_paths() {
        for (alias, slug, prefix, want) in [
            ("/old/path/", "x", None, "old/path/index.html"),
            ("/old/path", "x", None, "old/path/index.html"),
            ("/old.html", "x", None, "old.html"),
            ("/blog/2019/post.HTML", "x", None, "blog/2019/post.HTML"),
            ("/old/?utm=1#top", "x", None, "old/index.html"),
            (
                "/handbook/sales/old/",
                "x",
                Some("/handbook/"),
                "sales/old/index.html",
            ),
            ("/handbook/", "x", Some("/handbook/"), "index.html"),
            (
                "/other/old/",
                "x",
                Some("/handbook/"),
                "other/old/index.html",
            ),
            (
                "old-name",
                "posts/new-name",
                None,
                "library/posts/old-name/index.html",
            ),
            ("./old", "new", None, "library/old/index.html"),
            ("a//b/./c/", "x", None, "library/a/b/c/index.html"),
            ("/経理/古い/", "x", None, "経理/古い/index.html"),
        ] {
            assert_eq!(
                alias_path(alias, slug, prefix).as_deref(),
                Ok(want),
                "{alias}"
            );
        }
        for bad in [
            "",
            "  ",
            "https://example.com/old/",
            "//example.com/old/",
            "mailto:x@example.com",
            "/a/../../etc/",
            "/.git/config",
            "a\\b",
            "a\u{7}b",
        ] {
            assert!(alias_path(bad, "x", None).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn folders_of_a_path() {
        assert_eq!(
            folders_and_self("a/b/index.html").collect::<Vec<_>>(),
            ["a", "a/b", "a/b/index.html"]
        );
        assert_eq!(folders_and_self("x.html").collect::<Vec<_>>(), ["x.html"]);
    }

    #[test]
    fn redirects_of_a_library() {
        let plan = "[site]\ntitle = \"S\"\n[plan]\ntitle = \"P\"\n[[stages]]\nid = \"a\"\n[[personas]]\nid = \"p\"\n[[segments]]\nid = \"s\"\npipeline = 1\n";
        let lib = crate::library::in_memory(&[
            ("plan.toml", plan),
            (
                "content/guide/index.md",
                "---\ntitle: Guide\naliases: [/old-guide/, old.html]\n---\n",
            ),
            (
                "content/docs/_index.md",
                "---\ntitle: Docs\nRedirect_From: [/guide/, docs-old.html]\n---\n",
            ),
            (
                "content/pinned/index.md",
                "---\ntitle: Pinned\nslug: pinned\n---\n",
            ),
            (
                "content/page.md",
                "---\ntitle: Page\naliases:\n  - /library/guide/\n  - /old-guide/\n  - /coverage/\n  - https://example.com/x\n---\n",
            ),
            ("content/report.pdf", "%PDF"),
            (
                "content/clash.md",
                "---\ntitle: Clash\nredirect_from: /report.pdf/\n---\n",
            ),
        ]);
        let (pages, diags) = collect(&lib);
        let got: Vec<(&str, &str)> = pages
            .iter()
            .map(|r| (r.path.as_str(), lib.assets[r.asset].slug.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                ("library/docs/-index/index.html", "docs"),
                ("guide/index.html", "docs"),
                ("docs-old.html", "docs"),
                ("library/guide/index/index.html", "guide"),
                ("old-guide/index.html", "guide"),
                ("library/old.html", "guide"),
            ]
        );
        let messages: Vec<String> = diags
            .iter()
            .map(|d| format!("{} {} {}", d.path.display(), d.code, d.message))
            .collect();
        let expect = [
            "content/clash.md W0325 the redirect page `report.pdf/index.html`",
            "content/page.md W0326 `aliases` entry `https://example.com/x` is a full address",
            "content/page.md W0325 the redirect page `library/guide/index.html`",
            "content/page.md W0325 the redirect page `old-guide/index.html`",
            "content/page.md W0325 the redirect page `coverage/index.html`",
        ];
        for e in expect {
            assert!(
                messages.iter().any(|m| m.starts_with(e)),
                "{e}\n{messages:#?}"
            );
        }
        assert_eq!(messages.len(), expect.len(), "{messages:#?}");
        let r = &pages[0];
        assert_eq!(r.target(&lib), "../../../library/docs/index.html");
        assert_eq!(pages[2].target(&lib), "./library/docs/index.html");
        assert_eq!(pages[5].target(&lib), "../library/guide/index.html");
    }
}
