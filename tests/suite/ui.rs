//! Issue 15's "no dead ends", "phone first" and "2026 look" (tests/browser/ui.mjs in
//! Chromium, and the pages and diagnostics behind them): gap cells have pages with what
//! to use meanwhile and "Request this asset", drafts show as in progress only with
//! `--drafts`, every page kind fits a 390 px phone and passes axe-core in light and dark.

use std::path::Path;
use std::process::Command;

use crate::common::{TestLib, exclusive, manifest_dir, small_plan};
use serde_json::{Value, json};

const REQUEST: &str = "https://git.test/acme/content/issues/new?title=Asset+for+{segment}+{persona}+{stage}&body={query}";

/// The sample library with `[site] request_url` set.
fn sample() -> TestLib {
    let lib = TestLib::sample();
    let plan = std::fs::read_to_string(lib.path("plan.toml")).unwrap();
    let plan = plan.replacen(
        "[site]\n",
        &format!("[site]\nrequest_url = \"{REQUEST}\"\n"),
        1,
    );
    lib.write("plan.toml", plan);
    lib
}

fn fill(segment: &str, persona: &str, stage: &str, query: &str) -> String {
    REQUEST
        .replace("{segment}", segment)
        .replace("{persona}", persona)
        .replace("{stage}", stage)
        .replace("{query}", query)
}

#[test]
fn a_request_url_must_be_http_and_name_known_placeholders() {
    let url = "https://x.test/new?t={segmnet}&s={stage}";
    let lib = TestLib::new().plan(&small_plan(&format!("request_url = \"{url}\"")));
    let col = "request_url = \"".len() + url.find('{').unwrap() + 1;
    lib.run(["check"])
        .code(1)
        .stderr_contains(&format!("plan.toml:3:{col}"))
        .stderr_contains("unknown placeholder `{segmnet}`")
        .stderr_contains("did you mean `segment`?")
        .stderr_contains("E0240");
    let lib = TestLib::new().plan(&small_plan("request_url = \"mailto:content@acme.test\""));
    lib.run(["check"])
        .code(1)
        .stderr_contains("plan.toml:3:16")
        .stderr_contains("not an http(s) URL");
    let lib = TestLib::new().plan(&small_plan(&format!("request_url = \"{REQUEST}\"")));
    lib.run(["check"]).success();
}

/// Every `coverage/<segment>/<persona>/<stage>/index.html` of a built site.
fn cell_pages(out: &Path) -> Vec<String> {
    let mut found = Vec::new();
    for seg in std::fs::read_dir(out.join("coverage")).unwrap().flatten() {
        if !seg.path().is_dir() {
            continue;
        }
        for per in std::fs::read_dir(seg.path()).unwrap().flatten() {
            for stg in std::fs::read_dir(per.path()).unwrap().flatten() {
                let rel = stg
                    .path()
                    .strip_prefix(out)
                    .unwrap()
                    .to_string_lossy()
                    .into_owned();
                found.push(format!("{rel}/index.html"));
            }
        }
    }
    found.sort();
    found
}

#[test]
fn every_cell_with_no_asset_has_a_page_and_gaps_request_links() {
    let lib = sample();
    lib.run(["build"]).success();
    let out = lib.out();
    let cov: Value = serde_json::from_str(&lib.read_out("coverage.json")).unwrap();
    let empty: Vec<&Value> = cov["cells"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["status"] == "gap")
        .collect();
    assert!(!empty.is_empty(), "the sample has empty gap cells");
    let want: Vec<String> = {
        let mut v: Vec<String> = cov["cells"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|c| c["count"] == 0)
            .map(|c| {
                format!(
                    "coverage/{}/{}/{}/index.html",
                    c["segment"].as_str().unwrap(),
                    c["persona"].as_str().unwrap(),
                    c["stage"].as_str().unwrap()
                )
            })
            .collect();
        v.sort();
        v
    };
    assert_eq!(
        cell_pages(&out),
        want,
        "one page per empty gap cell, no other"
    );
    let coverage = lib.read_out("coverage/index.html");
    let gaps = lib.read_out("gaps/index.html");
    for c in &empty {
        let (s, p, t) = (
            c["segment"].as_str().unwrap(),
            c["persona"].as_str().unwrap(),
            c["stage"].as_str().unwrap(),
        );
        let page = &format!("coverage/{s}/{p}/{t}/index.html");
        assert!(coverage.contains(&format!("href=\"../{page}\"")), "{page}");
        let request = fill(s, p, t, "").replace('&', "&amp;");
        assert!(gaps.contains(&request), "the gaps page requests {page}");
        let html = lib.read_out(page);
        assert!(html.contains(&format!("href=\"{request}\"")), "{page}");
        assert!(html.contains("Use meanwhile") && html.contains("Pipeline at stake"));
    }
    // A thin cell has no page, but the gaps page has its request link.
    let thin = cov["cells"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["status"] == "thin")
        .expect("a thin cell");
    let request = fill(
        thin["segment"].as_str().unwrap(),
        thin["persona"].as_str().unwrap(),
        thin["stage"].as_str().unwrap(),
        "",
    );
    assert!(gaps.contains(&request.replace('&', "&amp;")));
    assert!(!coverage.contains("draft-n"), "no draft without --drafts");
    let library = lib.read_out("index.html");
    assert!(library.contains("data-request-url=\"https://git.test/acme/content/issues/new"));
}

#[test]
fn drafts_are_in_progress_only_with_drafts() {
    let lib = sample();
    lib.run(["build"]).success();
    let cov: Value = serde_json::from_str(&lib.read_out("coverage.json")).unwrap();
    let gap = cov["cells"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["status"] == "gap")
        .unwrap();
    let (s, p, t) = (
        gap["segment"].as_str().unwrap(),
        gap["persona"].as_str().unwrap(),
        gap["stage"].as_str().unwrap(),
    );
    lib.write(
        "content/wip-for-a-gap.md",
        format!("---\ntitle: Work in progress for a gap\ndraft: true\nsegments: [{s}]\npersonas: [{p}]\nstages: [{t}]\n---\nSoon.\n"),
    );
    lib.run(["build"]).success();
    let without = crate::common::tree(&lib.out());
    for (path, bytes) in &without {
        let text = String::from_utf8_lossy(bytes);
        assert!(
            !text.contains("class=\"draft-n\"")
                && !text.contains("In progress: drafts")
                && !text.contains("Work in progress for a gap")
                && !text.contains("wip-for-a-gap"),
            "without --drafts no page, export or search file shows the draft: {path}"
        );
    }
    let out = lib.dir().join("drafts");
    lib.run(["build", "--drafts", "--out", out.to_str().unwrap()])
        .success();
    let read = |p: &str| std::fs::read_to_string(out.join(p)).unwrap();
    assert!(
        read("coverage/index.html").contains("+1 in progress"),
        "the heatmap shows the draft"
    );
    assert!(read("gaps/index.html").contains("(+1 in progress)"));
    let page = read(&format!("coverage/{s}/{p}/{t}/index.html"));
    assert!(page.contains("In progress: drafts for this cell"));
    assert!(page.contains("Work in progress for a gap"));
    let cov: Value = serde_json::from_str(&read("coverage.json")).unwrap();
    let same = cov["cells"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["segment"] == s && c["persona"] == p && c["stage"] == t)
        .unwrap();
    assert_eq!(same["count"], 0, "a draft never counts");
}

fn chromium() -> std::path::PathBuf {
    let path = std::env::var_os("CHROMIUM")
        .map_or_else(|| "/usr/bin/chromium".into(), std::path::PathBuf::from);
    assert!(
        path.is_file(),
        "the browser tests need Chromium at {}: apt-get install -y chromium",
        path.display()
    );
    assert!(
        manifest_dir()
            .join("tests/browser/node_modules/axe-core")
            .is_dir(),
        "the browser tests need their Node packages: npm ci --prefix tests/browser"
    );
    path
}

#[test]
fn every_page_kind_fits_a_phone_and_passes_axe_in_light_and_dark() {
    let chromium = chromium();
    let _alone = exclusive();
    let lib = sample();
    // In a git repository with [history], so the site has a trend page too.
    let plan = std::fs::read_to_string(lib.path("plan.toml")).unwrap();
    lib.write(
        "plan.toml",
        format!("{plan}\n[history]\nevery = \"commit\"\n"),
    );
    let git = |args: &[&str]| {
        let out = std::process::Command::new("git")
            .current_dir(lib.root())
            .args(["-c", "user.name=t", "-c", "user.email=t@example.com"])
            .args([
                "-c",
                "commit.gpgsign=false",
                "-c",
                "init.defaultBranch=main",
            ])
            .args(args)
            .output()
            .unwrap();
        assert!(out.status.success(), "git {args:?}: {out:?}");
    };
    git(&["init", "-q"]);
    git(&["add", "-A"]);
    git(&["commit", "-q", "-m", "library"]);
    lib.write(
        "content/extra-note.md",
        "---\ntitle: A note\n---\nA note.\n",
    );
    crate::common::Run::of(
        crate::common::command(["build", "--offline", "--root"])
            .arg(lib.root())
            .arg("--out")
            .arg(lib.out())
            .env("COVERMAP_CACHE_DIR", lib.dir().join("cache")),
    )
    .success();
    let out = lib.out();
    assert!(out.join("trend/index.html").is_file());
    let cov: Value = serde_json::from_str(&lib.read_out("coverage.json")).unwrap();
    let cells = cov["cells"].as_array().unwrap();
    // An empty gap cell with something to use meanwhile at the same stage elsewhere.
    let gap = cells
        .iter()
        .filter(|c| c["status"] == "gap")
        .find(|c| {
            cells.iter().any(|o| {
                o["segment"] != c["segment"]
                    && o["persona"] == c["persona"]
                    && o["stage"] == c["stage"]
                    && o["count"].as_u64() > Some(0)
            })
        })
        .expect("a gap with suggestions");
    let (s, p, t) = (
        gap["segment"].as_str().unwrap(),
        gap["persona"].as_str().unwrap(),
        gap["stage"].as_str().unwrap(),
    );
    let cell_path = format!("coverage/{s}/{p}/{t}/index.html");
    let covered = cells
        .iter()
        .find(|c| c["count"].as_u64() > Some(1))
        .unwrap();
    let library = lib.read_out("index.html");
    let assets: Vec<&str> = library
        .split("href=\"./library/")
        .skip(1)
        .filter_map(|s| s.split('"').next())
        .collect();
    let table_asset = assets
        .iter()
        .find(|a| lib.read_out(&format!("library/{a}")).contains("<table"))
        .unwrap_or(&assets[0]);
    let pre_asset = assets
        .iter()
        .find(|a| lib.read_out(&format!("library/{a}")).contains("<pre"))
        .unwrap_or(&assets[0]);
    let tags: Vec<&str> = library
        .split("name=\"tag\" value=\"")
        .skip(1)
        .filter_map(|s| s.split('"').next())
        .collect();
    let objection = cov["objections"][0]["id"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    let segment = cov["segments"][0]["segment"]
        .as_str()
        .or_else(|| cov["cells"][0]["segment"].as_str())
        .unwrap()
        .to_string();
    let mut pages = vec![
        json!(["library", "index.html"]),
        json!(["search results", "index.html?q=invoice"]),
        json!([
            "a cell in the library",
            format!(
                "index.html?segment={}&persona={}&stage={}&counted=1",
                covered["segment"].as_str().unwrap(),
                covered["persona"].as_str().unwrap(),
                covered["stage"].as_str().unwrap()
            )
        ]),
        json!([
            "an asset page with a table",
            format!("library/{table_asset}")
        ]),
        json!(["an asset page with code", format!("library/{pre_asset}")]),
        json!(["coverage", "coverage/index.html"]),
        json!(["gaps", "gaps/index.html"]),
        json!(["a gap cell's page", cell_path]),
        json!(["objections", "objections/index.html"]),
        json!(["a taxonomy page", format!("segments/{segment}/index.html")]),
        json!(["a taxonomy's index", "segments/index.html"]),
        json!(["not found", "404.html"]),
        json!(["owners", "owners/index.html"]),
        json!(["the QBR report", "report/index.html"]),
        json!(["the trend", "trend/index.html"]),
    ];
    if !objection.is_empty()
        && out
            .join(format!("objections/{objection}/index.html"))
            .is_file()
    {
        pages.push(json!([
            "an objection's answers",
            format!("objections/{objection}/index.html")
        ]));
    }
    let nothing = "zzqxvw";
    let expect = json!({
        "pages": pages,
        "facet": ["segment", segment],
        "long_facet": ["tag", tags.last().expect("tags")],
        "cell": {
            "href": format!("../{cell_path}"),
            "path": cell_path,
            "at_stake": "$",
            "min_meanwhile": 1,
            "request": fill(s, p, t, ""),
            "library_view": format!("index.html?segment={s}&persona={p}&stage={t}&counted=1"),
        },
        "asset": format!("library/{table_asset}"),
        "nothing": nothing,
        "nothing_request": fill("", "", "", nothing),
    });
    let file = lib.dir().join("ui-expect.json");
    std::fs::write(&file, serde_json::to_vec_pretty(&expect).unwrap()).unwrap();
    let run = Command::new("node")
        .arg(manifest_dir().join("tests/browser/ui.mjs"))
        .arg(format!("file://{}/", out.display()))
        .arg(&file)
        .env("CHROMIUM", &chromium)
        .output()
        .expect("node (install Node.js 18 or later)");
    let stdout = String::from_utf8_lossy(&run.stdout);
    print!("{stdout}");
    assert!(
        run.status.success() && stdout.contains(" passed, 0 failed"),
        "ui checks failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&run.stderr)
    );
}

#[test]
fn a_theme_with_its_own_older_base_template_still_builds() {
    // The sample's plan names the default theme, whose folder the copy holds: its
    // base.html, as a theme written before site.js, overrides the built-in one.
    let lib = TestLib::sample().file(
        "themes/default/templates/base.html",
        "<!doctype html><title>{% block title %}{{ page.title }}{% endblock title %}</title>{% block head %}{% endblock head %}{% block content %}{% endblock content %}{% block scripts %}{% endblock scripts %}",
    );
    lib.run(["build"]).success();
    assert!(!lib.read_out("404.html").contains("site.js"));
    assert!(lib.read_out("coverage/index.html").contains("heatmap"));
}
