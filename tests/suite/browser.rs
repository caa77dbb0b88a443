//! Browser tests: the sample library built, served under a sub-path on 127.0.0.1 by a
//! small std-only file server, and also opened from disk (file://), driven in Debian's
//! Chromium by `tests/browser/run.mjs` (Node + playwright-core + axe-core). Each build
//! names its mode: the default build (search data as JSON) is served over http, the
//! `--offline` build (search data as scripts) is opened from disk; the default build
//! opened from disk must say to use `--offline`, and a page on another origin must read
//! nothing of the default build's search data (see [`origin`]).
//!
//! What the pages should show is worked out here from the library itself, not from the
//! search index, so the index and `library.js` are checked against the source.
//! A missing browser or missing Node packages fail the test with the command that
//! installs them: a browser test that silently skips would hide a broken library page.

use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::common::{covermap, exclusive, manifest_dir};
use covermap::asset::Asset;
use covermap::library::{self, Library, LoadOptions};
use covermap::render::{LIBRARY_PAGE_SIZE, TERM_PAGE_SIZE};
use covermap::search::{MIN_PREFIX, tokens};
use covermap::slug::slugify;
use serde_json::{Value, json};

const SUB_PATH: &str = "/sales/library/";

/// Queries typed in the browser: each must match exactly one asset by title.
const SEARCHES: &[&str] = &["sap integ", "harbor cycle"];

pub(crate) fn chromium() -> PathBuf {
    let path = std::env::var_os("CHROMIUM")
        .map_or_else(|| PathBuf::from("/usr/bin/chromium"), PathBuf::from);
    assert!(
        path.is_file(),
        "the browser tests need Chromium at {} (or set CHROMIUM=/path/to/chromium); install it:\n  \
         apt-get update && apt-get install -y chromium",
        path.display()
    );
    path
}

pub(crate) fn node_modules() {
    let dir = manifest_dir().join("tests/browser/node_modules");
    assert!(
        dir.join("playwright-core").is_dir() && dir.join("axe-core").is_dir(),
        "the browser tests need their Node packages in {}; install them:\n  npm ci --prefix tests/browser",
        dir.display()
    );
}

// ------------------------------------------------------------------ the file server

/// Serves `dir` at `http://127.0.0.1:<port>/sales/library/`, one thread per connection.
pub(crate) fn serve(dir: PathBuf) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
    let port = listener.local_addr().expect("local address").port();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let dir = dir.clone();
            std::thread::spawn(move || {
                let _ = connection(stream, &dir);
            });
        }
    });
    port
}

fn connection(stream: TcpStream, dir: &Path) -> std::io::Result<()> {
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut out = stream;
    loop {
        let mut request = String::new();
        if reader.read_line(&mut request)? == 0 {
            return Ok(());
        }
        loop {
            let mut header = String::new();
            if reader.read_line(&mut header)? == 0 || header == "\r\n" || header == "\n" {
                break;
            }
        }
        let target = request.split_whitespace().nth(1).unwrap_or("/");
        let path = percent_decode(target.split(['?', '#']).next().unwrap_or(""));
        let file = path
            .strip_prefix(SUB_PATH)
            .filter(|rel| !rel.split('/').any(|part| part == ".."))
            .map(|rel| {
                let mut p = dir.join(rel);
                if rel.is_empty() || rel.ends_with('/') {
                    p.push("index.html");
                }
                p
            });
        let (status, kind, body) = match file.as_deref().map(std::fs::read) {
            Some(Ok(bytes)) => (
                "200 OK",
                content_type(file.as_deref().unwrap_or(dir)),
                bytes,
            ),
            _ => ("404 Not Found", "text/plain", b"not found".to_vec()),
        };
        write!(
            out,
            "HTTP/1.1 {status}\r\nContent-Type: {kind}\r\nContent-Length: {}\r\nCache-Control: no-store\r\n\r\n",
            body.len()
        )?;
        out.write_all(&body)?;
        out.flush()?;
    }
}

fn content_type(path: &Path) -> &'static str {
    match path.extension().and_then(|e| e.to_str()) {
        Some("html") => "text/html; charset=utf-8",
        Some("js") => "text/javascript; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("json") => "application/json",
        Some("csv") => "text/csv; charset=utf-8",
        Some("png") => "image/png",
        Some("svg") => "image/svg+xml",
        _ => "application/octet-stream",
    }
}

fn percent_decode(s: &str) -> String {
    let hex = |c: u8| (c as char).to_digit(16);
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%'
            && i + 2 < b.len()
            && let (Some(h), Some(l)) = (hex(b[i + 1]), hex(b[i + 2]))
        {
            out.push((h * 16 + l) as u8);
            i += 3;
            continue;
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

// ------------------------------------------------------------------ what pages should show

/// Each facet's values on one asset, by the URL parameter the library page uses.
fn values(lib: &Library, a: &Asset) -> BTreeMap<&'static str, Vec<String>> {
    let p = &lib.plan;
    let ids = |v: &Option<Vec<usize>>, f: &dyn Fn(usize) -> String| -> Vec<String> {
        v.iter().flatten().map(|&i| f(i)).collect()
    };
    BTreeMap::from([
        ("segment", ids(&a.segments, &|i| p.segments[i].id.clone())),
        ("persona", ids(&a.personas, &|i| p.personas[i].id.clone())),
        ("stage", ids(&a.stages, &|i| p.stages[i].id.clone())),
        ("type", a.kind.iter().cloned().collect()),
        (
            "audience",
            a.audience.iter().map(|x| x.as_str().to_string()).collect(),
        ),
        ("tag", a.tags.clone()),
        ("owner", a.owner.iter().map(|o| slugify(o)).collect()),
    ])
}

/// Facet value counts among `assets`; every plan value is listed, even at 0.
fn counts(lib: &Library, assets: &[&Asset]) -> BTreeMap<&'static str, BTreeMap<String, usize>> {
    let p = &lib.plan;
    let mut out: BTreeMap<&'static str, BTreeMap<String, usize>> = BTreeMap::new();
    let all: BTreeMap<&str, Vec<String>> = BTreeMap::from([
        ("segment", p.segments.iter().map(|x| x.id.clone()).collect()),
        ("persona", p.personas.iter().map(|x| x.id.clone()).collect()),
        ("stage", p.stages.iter().map(|x| x.id.clone()).collect()),
    ]);
    for (key, ids) in all {
        let m = out.entry(key).or_default();
        for id in ids {
            m.insert(id, 0);
        }
    }
    for a in &lib.assets {
        for (key, vs) in values(lib, a) {
            for v in vs {
                out.entry(key).or_default().entry(v).or_insert(0);
            }
        }
    }
    for a in assets {
        for (key, vs) in values(lib, a) {
            for v in vs {
                *out.entry(key).or_default().entry(v).or_default() += 1;
            }
        }
    }
    out
}

/// Whether every query word begins (3+ characters) or is (shorter) one of `words`.
fn matches(query: &str, words: &BTreeSet<String>) -> bool {
    tokens(query).all(|q| {
        if q.chars().count() >= MIN_PREFIX {
            words.iter().any(|w| w.starts_with(&q))
        } else {
            words.contains(&q)
        }
    })
}

fn expectations(lib: &Library, out: &Path) -> Value {
    let all: Vec<&Asset> = lib.assets.iter().map(|a| &**a).collect();
    let totals = counts(lib, &all);

    let first_segment = lib.plan.segments[0].id.clone();
    let in_segment: Vec<&Asset> = lib
        .assets
        .iter()
        .map(|a| &**a)
        .filter(|a| values(lib, a)["segment"].contains(&first_segment))
        .collect();
    let mut narrow = counts(lib, &in_segment);
    // OR within a facet: the selected facet keeps the counts it had.
    narrow.insert("segment", totals["segment"].clone());
    let narrow_slugs: Vec<&str> = in_segment.iter().map(|a| a.slug.as_str()).collect();

    let searches: Vec<Value> = SEARCHES
        .iter()
        .map(|q| {
            let words = |a: &Asset, body: bool| -> BTreeSet<String> {
                let mut text = format!("{} {}", a.title, a.summary.as_deref().unwrap_or(""));
                if body {
                    text.push(' ');
                    text.push_str(&a.tags.join(" "));
                    text.push(' ');
                    let body = covermap::render::asset_body(lib, a).expect("the body reads");
                    text.push_str(&body.text);
                }
                tokens(&text).collect()
            };
            let found: Vec<&Asset> = lib
                .assets
                .iter()
                .map(|a| &**a)
                .filter(|a| matches(q, &words(a, true)))
                .collect();
            let by_title: Vec<&&Asset> = found
                .iter()
                .filter(|a| matches(q, &tokens(&a.title).collect()))
                .collect();
            assert_eq!(
                by_title.len(),
                1,
                "the query {q:?} must match exactly one title in the sample"
            );
            let first = by_title[0];
            let chips = [&first.segments, &first.personas, &first.stages]
                .iter()
                .map(|v| v.as_ref().map_or(0, Vec::len))
                .sum::<usize>();
            json!({
                "q": q,
                "slugs": found.iter().map(|a| a.slug.as_str()).collect::<BTreeSet<_>>(),
                "first": first.slug,
                "first_chips": chips,
            })
        })
        .collect();

    // The fullest cell with at least two assets that count.
    let cov: Value =
        serde_json::from_slice(&std::fs::read(out.join("coverage.json")).expect("coverage.json"))
            .expect("coverage.json parses");
    let cell = cov["cells"]
        .as_array()
        .expect("cells")
        .iter()
        .filter(|c| c["count"].as_u64() >= Some(2))
        .max_by_key(|c| {
            (
                c["count"].as_u64(),
                std::cmp::Reverse(c["segment"].to_string()),
            )
        })
        .expect("a cell with two assets")
        .clone();
    let name = |list: &str, id: &Value| -> String {
        let p = &lib.plan;
        let id = id.as_str().unwrap_or_default();
        match list {
            "segment" => p
                .segments
                .iter()
                .find(|x| x.id == id)
                .map(|x| x.name.clone()),
            "persona" => p
                .personas
                .iter()
                .find(|x| x.id == id)
                .map(|x| x.name.clone()),
            _ => p.stages.iter().find(|x| x.id == id).map(|x| x.name.clone()),
        }
        .unwrap_or_default()
    };
    let banner = format!(
        "{} · {} · {}: {} of {} wanted",
        name("segment", &cell["segment"]),
        name("persona", &cell["persona"]),
        name("stage", &cell["stage"]),
        cell["count"],
        cell["target"]
    );
    let href = format!(
        "../index.html?segment={}&persona={}&stage={}&counted=1",
        cell["segment"].as_str().unwrap_or_default(),
        cell["persona"].as_str().unwrap_or_default(),
        cell["stage"].as_str().unwrap_or_default()
    );
    let mut cell_slugs: Vec<&str> = cell["assets"]
        .as_array()
        .expect("cell assets")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    cell_slugs.sort_unstable();

    // The tag on the most assets, as a no-JavaScript taxonomy page.
    let mut tags: BTreeMap<String, BTreeSet<&str>> = BTreeMap::new();
    for a in &lib.assets {
        for t in &a.tags {
            tags.entry(slugify(t)).or_default().insert(&a.slug);
        }
    }
    let (tag, tagged) = tags
        .iter()
        .max_by_key(|(slug, set)| (set.len(), std::cmp::Reverse(slug.as_str())))
        .expect("a tag");

    json!({
        "assets": lib.assets.len(),
        "page_size": LIBRARY_PAGE_SIZE,
        "term_page_size": TERM_PAGE_SIZE,
        "totals": totals,
        "narrow": { "select": ["segment", first_segment], "counts": narrow, "slugs": narrow_slugs.iter().collect::<BTreeSet<_>>() },
        "searches": searches,
        "cell": { "href": href, "slugs": cell_slugs, "banner": banner },
        "asset_page": format!("library/{}/index.html", searches[0]["first"].as_str().unwrap_or_default()),
        "term": ["tags", tag, tagged.len()],
    })
}

#[test]
fn library_search_filters_and_cell_links_in_chromium() {
    let chromium = chromium();
    node_modules();
    // Chromium is the heaviest process of the suite; its timeouts are for a machine
    // that is not also running the kill test.
    let _alone = exclusive();

    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("public");
    let offline = dir.path().join("public-offline");
    for (to, extra) in [(&out, None), (&offline, Some("--offline"))] {
        let build = covermap(
            [
                "build".as_ref(),
                "--root".as_ref(),
                manifest_dir().as_os_str(),
                "--out".as_ref(),
                to.as_os_str(),
            ]
            .into_iter()
            .chain(extra.map(AsRef::as_ref)),
        );
        assert!(
            build.status.success(),
            "build {extra:?} failed:\n{}",
            String::from_utf8_lossy(&build.stderr)
        );
    }

    let (lib, diags) = library::load(manifest_dir(), &LoadOptions::default());
    let lib = lib.unwrap_or_else(|| panic!("the sample loads: {diags:?}"));
    let expect = dir.path().join("expect.json");
    let mut expected = expectations(&lib, &out);
    let port = serve(out.clone());
    expected["origin"] = origin(&lib, dir.path(), &out, &offline, port);
    std::fs::write(&expect, serde_json::to_vec_pretty(&expected).expect("json"))
        .expect("write expect.json");

    // The default build over http; the --offline build from disk.
    let http = format!("http://127.0.0.1:{port}{SUB_PATH}");
    let file = format!("file://{}/", offline.display());
    let run = Command::new("node")
        .arg(manifest_dir().join("tests/browser/run.mjs"))
        .args([&http, &file])
        .arg(&expect)
        .env("CHROMIUM", &chromium)
        .output()
        .unwrap_or_else(|e| {
            panic!(
                "cannot run node ({e}); install Node.js 18 or later (apt-get install -y nodejs npm)"
            )
        });
    let stdout = String::from_utf8_lossy(&run.stdout);
    let stderr = String::from_utf8_lossy(&run.stderr);
    print!("{stdout}");
    assert!(
        run.status.success(),
        "browser tests failed:\n{stdout}\n{stderr}"
    );
    assert!(
        stdout.contains(" passed, 0 failed"),
        "no summary line:\n{stdout}\n{stderr}"
    );
}

// ------------------------------------------------------------------ search data origin

/// What `run.mjs` needs for the origin checks: the default build's `file://` URL, and
/// two pages on another origin (another port of 127.0.0.1) that predefine every global
/// the search data could call or set, then include each search file of a build with
/// `<script src>`: `steal_default` the default build's JSON over http (`port`), which
/// must yield nothing, and `steal_offline` the `--offline` build's scripts, served over
/// http for this check only, which must yield the titles (so the page would catch a
/// leak). `titles` are every asset's title.
fn origin(lib: &Library, dir: &Path, out: &Path, offline: &Path, port: u16) -> Value {
    let offline_port = serve(offline.to_path_buf());
    let evil = dir.join("evil");
    std::fs::create_dir_all(&evil).expect("evil folder");
    let evil_port = serve(evil.clone());
    let mut pages = serde_json::Map::new();
    for (name, site, port) in [
        ("steal_default", out, port),
        ("steal_offline", offline, offline_port),
    ] {
        let mut files = Vec::new();
        collect(&site.join("search"), &mut files);
        files.sort();
        assert!(files.len() >= 3, "{name}: the build wrote its search data");
        let tags: String = files
            .iter()
            .map(|f| {
                let rel = f.strip_prefix(site).expect("under the site");
                let rel = rel.to_string_lossy().replace('\\', "/");
                format!("<script src=\"http://127.0.0.1:{port}{SUB_PATH}{rel}\"></script>\n")
            })
            .collect();
        let html = format!(
            "<!doctype html><meta charset=utf-8><title>another site</title>\n\
             <script>{STEAL}</script>\n{tags}<script>window.stealDone = true;</script>\n"
        );
        std::fs::write(evil.join(format!("{name}.html")), html).expect("write the page");
        let url = format!("http://127.0.0.1:{evil_port}{SUB_PATH}{name}.html");
        pages.insert(name.into(), url.into());
    }
    pages.insert(
        "default_file".into(),
        format!("file://{}/", out.display()).into(),
    );
    pages.insert(
        "titles".into(),
        json!(
            lib.assets
                .iter()
                .map(|a| a.title.as_str())
                .collect::<Vec<_>>()
        ),
    );
    Value::Object(pages)
}

/// The attacker's script: every global the search data touches or could touch, set
/// before the files are included, recording whatever reaches them in `window.stolen`.
const STEAL: &str = r#"
window.stolen = [];
var keep = function (what, v) { try { window.stolen.push([what, JSON.stringify(v)]); } catch (e) { window.stolen.push([what, String(v)]); } };
window.covermapSearch = { add: function (name, data) { keep("covermapSearch.add " + name, data); } };
["name", "data", "docs", "facets", "shards", "flags", "cells"].forEach(function (k) {
  Object.defineProperty(Object.prototype, k, { configurable: true, set: function (v) {
    keep("set " + k, v); Object.defineProperty(this, k, { value: v, writable: true, enumerable: true, configurable: true }); } });
});
window.errors = [];
window.onerror = function (msg) { window.errors.push(String(msg)); };
"#;

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).expect("read the folder").flatten() {
        let p = e.path();
        if p.is_dir() {
            collect(&p, out);
        } else {
            out.push(p);
        }
    }
}

// ------------------------------------------------------------------ covermap serve

/// `covermap serve` in Chromium (tests/browser/serve.mjs): ten tabs share one reload
/// stream and navigation still works; the error overlay shows, styled, under the CSP.
#[cfg(unix)]
#[test]
fn serve_tabs_and_error_overlay_in_chromium() {
    let chromium = chromium();
    node_modules();
    let _alone = exclusive();
    let lib = crate::common::TestLib::fixture("valid-small");
    let mut serve = Command::new(crate::common::BIN)
        .args(["serve", "--port", "0", "--root"])
        .arg(lib.root())
        .env("NO_COLOR", "1")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("start covermap serve");
    let mut line = String::new();
    BufReader::new(serve.stdout.take().expect("stdout"))
        .read_line(&mut line)
        .expect("the URL line");
    let url = line
        .split_whitespace()
        .find(|w| w.starts_with("http://"))
        .unwrap_or_else(|| panic!("no URL in {line:?}"))
        .to_string();
    let run = Command::new("node")
        .arg(manifest_dir().join("tests/browser/serve.mjs"))
        .arg(&url)
        .arg(lib.root())
        .env("CHROMIUM", &chromium)
        .output();
    let _ = serve.kill();
    let _ = serve.wait();
    let run = run.unwrap_or_else(|e| panic!("cannot run node ({e}); install Node.js 18 or later"));
    let stdout = String::from_utf8_lossy(&run.stdout);
    let stderr = String::from_utf8_lossy(&run.stderr);
    print!("{stdout}");
    assert!(
        run.status.success() && stdout.contains(" passed, 0 failed"),
        "browser checks of serve failed:\n{stdout}\n{stderr}"
    );
}

// ------------------------------------------------------------------ adopted repos

/// Fixture repos adopted with `init --from` and built, served under a sub-path, in
/// Chromium (tests/browser/adopt_images.mjs): on every asset page every image loaded and
/// every internal link answers, so links and images were resolved against their source
/// files and what they point to was published.
#[test]
fn adopted_repos_show_every_image_and_link_in_chromium() {
    let chromium = chromium();
    node_modules();
    let _alone = exclusive();
    let mut images = 0;
    for name in ["hugo", "cjk", "plain"] {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join(name);
        crate::common::copy_dir(&crate::common::fixtures().join("adopt").join(name), &root);
        covermap(["init", "--from", root.to_str().unwrap()]).success();
        let out = tmp.path().join("site");
        covermap([
            "build",
            "--root",
            root.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ])
        .success();
        let port = serve(out.clone());
        let mut pages = Vec::new();
        collect(&out.join("library"), &mut pages);
        // Asset pages, not the redirect pages that stand at old addresses (a meta
        // refresh moves on at once; tests/suite/adopt_rest.rs checks where they lead).
        let urls: Vec<String> = pages
            .iter()
            .filter(|p| p.file_name().is_some_and(|n| n == "index.html"))
            .filter(|p| {
                !std::fs::read_to_string(p).is_ok_and(|t| t.contains("http-equiv=\"refresh\""))
            })
            .map(|p| {
                let rel = p
                    .strip_prefix(&out)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/");
                format!("http://127.0.0.1:{port}{SUB_PATH}{rel}")
            })
            .collect();
        assert!(urls.len() > 5, "{name}: {urls:?}");
        let run = Command::new("node")
            .arg(manifest_dir().join("tests/browser/adopt_images.mjs"))
            .args(&urls)
            .env("CHROMIUM", &chromium)
            .output()
            .unwrap_or_else(|e| panic!("cannot run node ({e}); install Node.js 18 or later"));
        let stdout = String::from_utf8_lossy(&run.stdout);
        assert!(
            run.status.success(),
            "{name}: {stdout}\n{}",
            String::from_utf8_lossy(&run.stderr)
        );
        let results: Value = serde_json::from_str(&stdout).expect("JSON from adopt_images.mjs");
        for page in results.as_array().unwrap() {
            assert_eq!(page["errors"], json!([]), "{name}: {page}");
            for img in page["images"].as_array().unwrap() {
                assert_eq!(img["ok"], json!(true), "{name}: image not loaded: {page}");
                images += 1;
            }
            let links = page["links"].as_array().unwrap();
            assert!(!links.is_empty(), "{name}: {page}");
            for link in links {
                assert_eq!(link["ok"], json!(true), "{name}: broken link: {page}");
            }
        }
    }
    // hugo: a bundle's image and a static one; cjk: the same; plain: one beside a page.
    assert!(images >= 5, "only {images} images seen");
}
