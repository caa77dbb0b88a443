//! End-to-end: the real binary on the sample library at the repository root and on
//! small libraries made in temporary folders.

use crate::common::{TestLib, covermap, manifest_dir, read, small_plan, tree};
use std::path::PathBuf;
use std::process::Command;

fn sample_root() -> &'static str {
    manifest_dir().to_str().unwrap()
}

/// Builds the sample library into a fresh temporary folder.
fn build_sample(extra: &[&str]) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("public");
    let mut args = vec![
        "build",
        "--root",
        sample_root(),
        "--out",
        out.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    let o = covermap(args);
    assert!(
        o.status.success(),
        "build failed:\n{}",
        String::from_utf8_lossy(&o.stderr)
    );
    (dir, out)
}

#[test]
fn sample_builds_every_page_of_the_spec() {
    let (_dir, out) = build_sample(&[]);
    for page in [
        "index.html",
        "coverage/index.html",
        "gaps/index.html",
        "objections/index.html",
        "segments/enterprise/index.html",
        "personas/economic-buyer/index.html",
        "stages/decision/index.html",
        "types/case-study/index.html",
        "coverage.json",
        "coverage.csv",
        "style.css",
        "library.js",
        "calculators/roi-model.csv",
        ".covermap-manifest",
    ] {
        assert!(out.join(page).is_file(), "missing {page}");
    }
    // One page per asset, drafts left out.
    let assets = walkdir::WalkDir::new(out.join("library"))
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_name() == "index.html")
        .count();
    assert_eq!(assets, 67);
    assert!(
        !out.join("library/battlecards/kestrel-ap/index.html")
            .exists(),
        "drafts are left out"
    );
    let index = read(&out.join("index.html"));
    assert!(
        index.contains("library/case-studies/"),
        "the library lists assets server-side"
    );
    // Rows and library pages are rendered with placeholders for the page's root and the
    // search index's version; none may be left in any file.
    for (path, bytes) in tree(&out) {
        assert!(
            !bytes.contains(&0),
            "{path} holds a NUL byte (a placeholder left in)"
        );
    }
    let asset = read(&out.join("library/case-studies/enterprise/meridian-foods/index.html"));
    assert!(
        asset.contains("href=\"../../../../index.html\""),
        "links from a page four folders down climb four folders"
    );
    let segment = read(&out.join("segments/enterprise/index.html"));
    assert!(
        segment.contains("<a href=\"../../library/"),
        "rows on a page two folders down link two folders up"
    );
    assert!(
        index.contains("<a href=\"./library/"),
        "rows at the root link from the root"
    );
}

#[test]
fn drafts_flag_includes_drafts() {
    let (_dir, out) = build_sample(&["--drafts"]);
    let page = read(&out.join("library/battlecards/kestrel-ap/index.html"));
    assert!(page.contains("Draft"));
}

#[test]
fn coverage_json_shows_the_sample_patterns() {
    let (_dir, out) = build_sample(&[]);
    let doc: serde_json::Value = serde_json::from_str(&read(&out.join("coverage.json"))).unwrap();
    assert_eq!(doc["plan"]["as_of"], "2026-11-01");
    let enterprise = &doc["segments"][0];
    assert_eq!(enterprise["id"], "enterprise");
    let eb = enterprise["personas"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["id"] == "economic-buyer")
        .unwrap();
    assert_eq!(
        eb["coverage"], 0.25,
        "the economic buyer at 25% in the priority segment"
    );
    let cells = doc["cells"].as_array().unwrap();
    let stale_only = cells
        .iter()
        .filter(|c| c["count"] == 0 && c["stale"].as_u64() > Some(0) && c["status"] == "gap")
        .count();
    assert!(stale_only >= 1, "a cell covered only by stale assets");
    for status in ["covered", "thin", "gap", "waived"] {
        assert!(
            cells.iter().any(|c| c["status"] == status),
            "a {status} cell"
        );
    }
    let s = &doc["summary"];
    let sum: u64 = ["covered", "thin", "gap", "waived"]
        .iter()
        .map(|k| s[k].as_u64().unwrap())
        .sum();
    assert_eq!(sum, s["cells"].as_u64().unwrap());
    assert!(
        doc["objections"]
            .as_array()
            .unwrap()
            .iter()
            .any(|o| o["assets"].as_array().unwrap().is_empty()),
        "an unanswered objection"
    );
    let gaps = read(&out.join("gaps/index.html"));
    assert!(
        gaps.contains("Decision lapsed 2026-09-30"),
        "a lapsed decision is shown on its cell"
    );
    let csv = read(&out.join("coverage.csv"));
    assert!(csv.starts_with("segment,persona,stage,count,target,fill,status,pipeline_at_stake,"));
    assert_eq!(csv.lines().count(), cells.len() + 1);
}

#[test]
fn two_builds_are_byte_identical() {
    let (_a, out_a) = build_sample(&[]);
    let (_b, out_b) = build_sample(&[]);
    let (a, b) = (tree(&out_a), tree(&out_b));
    assert_eq!(a.keys().collect::<Vec<_>>(), b.keys().collect::<Vec<_>>());
    for (path, bytes) in &a {
        assert!(bytes == &b[path], "{path} differs between two builds");
    }
}

/// A library of `n` small assets.
fn many_assets(n: usize) -> TestLib {
    let lib = TestLib::new().plan(&small_plan(""));
    for i in 0..n {
        lib.write(
            &format!("content/a{i:05}.md"),
            format!("---\ntitle: Asset {i}\npersona: champion\nstage: decision\nsegment: all\n---\nBody {i} with a few words.\n"),
        );
    }
    lib
}

#[test]
fn progress_shows_on_a_terminal_only_and_the_build_ends_with_a_summary() {
    let lib = many_assets(3000);
    let (dir, root) = (lib.dir(), lib.root());
    let out = dir.join("out");
    let args = [
        "build",
        "--root",
        root.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ];

    // Not a terminal: no progress line, one summary line.
    let o = covermap(args);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success(), "{stderr}");
    assert!(
        !stderr.contains('\r'),
        "a progress line on a pipe: {stderr:?}"
    );
    let summary = stderr.lines().last().unwrap_or_default();
    assert!(
        summary.starts_with("built 3000 assets: ")
            && summary.contains(" pages, ")
            && summary.contains(" files (")
            && summary.contains(" · 0 error(s), 0 warning(s)"),
        "{summary}"
    );

    // On a terminal (a pseudo-terminal from util-linux `script`), the line updates in
    // place and is cleared before the summary.
    let command = format!(
        "{} build --root {} --out {}",
        crate::common::BIN,
        root.display(),
        dir.join("out2").display()
    );
    let o = Command::new("script")
        .args(["-qec", &command, "/dev/null"])
        .env("COVERMAP_PROGRESS_AFTER_MS", "0")
        .env("NO_COLOR", "1")
        .output()
        .expect("run `script` (util-linux): apt-get install -y util-linux");
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(o.status.success(), "{text}");
    assert!(
        text.contains("\r\x1b[2Krendering pages: ")
            || text.contains("\r\x1b[2Kloading the library"),
        "no progress line: {text:?}"
    );
    assert!(
        text.contains("\r\x1b[2Kbuilt 3000 assets: "),
        "the line is cleared before the summary: {text:?}"
    );
}

#[test]
fn links_are_relative_and_nothing_is_fetched_off_the_host() {
    let (_dir, out) = build_sample(&[]);
    for (path, bytes) in tree(&out) {
        if !path.ends_with(".html") {
            continue;
        }
        let html = String::from_utf8(bytes).unwrap();
        for bad in [
            "href=\"/",
            "src=\"/",
            "src=\"http",
            "href=\"//",
            "<link rel=\"stylesheet\" href=\"http",
            " onclick=",
            " onload=",
        ] {
            assert!(!html.contains(bad), "{path} contains {bad}");
        }
    }
    // A cell links to the library filtered to exactly the cell.
    let coverage = read(&out.join("coverage/index.html"));
    assert!(coverage.contains("href=\"../index.html?segment=enterprise&amp;persona=economic-buyer&amp;stage=decision&amp;counted=1\""));
}

#[test]
fn check_prints_the_heatmap_and_gates_on_min_coverage() {
    let o = covermap(["check", "--root", sample_root()]);
    assert!(o.status.success());
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(stdout.contains("Enterprise"), "{stdout}");
    assert!(
        stdout.contains("✕ 0/2"),
        "plain heatmap with symbols:\n{stdout}"
    );
    assert!(!stdout.contains('\x1b'), "no colour when not a terminal");
    let o = covermap(["check", "--root", sample_root(), "--min-coverage", "0.95"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("is below the minimum 95%"));
    let o = covermap(["check", "--root", sample_root(), "--format", "json"]);
    let doc: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(doc["ok"], true);
    assert!(doc["summary"]["coverage"].as_f64().unwrap() > 0.5);
    assert!(
        doc["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["severity"] == "warning" && d["file"] == "plan.toml")
    );
    let o = covermap(["check", "--root", sample_root(), "--min-coverage", "7"]);
    assert_eq!(o.status.code(), Some(2), "usage error");
}

#[test]
fn as_of_flag_changes_freshness() {
    let o = covermap([
        "check",
        "--root",
        sample_root(),
        "--format",
        "json",
        "--as-of",
        "2020-01-01",
    ]);
    let doc: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(doc["summary"]["stale"], 0);
    assert_eq!(doc["plan"]["as_of"], "2020-01-01");
}

#[test]
fn a_failed_build_leaves_the_previous_site_untouched() {
    let lib = TestLib::sample();
    lib.run(["build"]).success();
    let before = tree(&lib.out());
    lib.write("content/broken.md", "---\ntitle: [unclosed\n---\n");
    lib.write(
        "content/worse.md",
        "---\ntitle: x\npersonas: [nobody]\n---\n",
    );
    lib.run(["build"])
        .code(1)
        .stderr_contains("content/broken.md:2:")
        // Every error of the run.
        .stderr_contains("content/worse.md:3:12: error: unknown persona `nobody`")
        .stderr_contains("is untouched");
    assert_eq!(tree(&lib.out()), before);
}

#[test]
fn refuses_an_output_folder_with_files_it_did_not_write() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("site");
    std::fs::create_dir_all(&out).unwrap();
    std::fs::write(out.join("notes.txt"), "mine").unwrap();
    let o = covermap([
        "build",
        "--root",
        sample_root(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("notes.txt"));
    assert_eq!(
        std::fs::read_to_string(out.join("notes.txt")).unwrap(),
        "mine"
    );
    let o = covermap([
        "build",
        "--root",
        sample_root(),
        "--out",
        &format!("{}/content", sample_root()),
    ]);
    assert_eq!(
        o.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
}

#[test]
fn init_writes_a_library_that_builds_and_never_overwrites() {
    let dir = tempfile::tempdir().unwrap();
    let lib = dir.path().join("starter");
    let lib_s = lib.to_str().unwrap();
    assert!(covermap(["init", lib_s]).status.success());
    let o = covermap(["build", "--root", lib_s]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(lib.join("public/coverage/index.html").is_file());
    let plan = read(&lib.join("plan.toml"));
    let o = covermap(["init", lib_s]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(read(&lib.join("plan.toml")), plan);
}

#[test]
fn raw_html_is_sanitized_and_user_strings_escaped() {
    let body = "---\ntitle: \"<img src=x onerror=alert(1)>\"\nsummary: \"</script><script>alert(2)</script>\"\npersonas: all\nstages: all\nsegments: all\n---\nHello <script>alert(3)</script> <b>bold</b> [x](javascript:alert(4))\n";
    let lib = TestLib::new().plan(&small_plan("")).asset("a.md", body);
    lib.run(["build"]).success();
    for (path, bytes) in tree(&lib.out()) {
        let text = String::from_utf8_lossy(&bytes);
        if path == "assets.csv" {
            // The CSV export holds the title as written, for spreadsheets.
            assert!(text.contains("<img src=x onerror=alert(1)>"), "{path}");
            continue;
        }
        for bad in ["<script>alert", "<img src=x", "javascript:alert"] {
            assert!(!text.contains(bad), "{path} contains {bad}");
        }
    }
    let page = lib.read_out("library/a/index.html");
    assert!(page.contains("<b>bold</b>"), "safe HTML is kept");
    assert!(
        page.contains("&lt;img src=x onerror=alert(1)&gt;"),
        "titles are escaped"
    );
}

#[test]
fn a_theme_overrides_the_builtin_one_file_by_file() {
    let lib = TestLib::new()
        .plan(&small_plan("theme = \"brand\""))
        .asset("a.md", "---\ntitle: A\n---\n")
        .file(
            "themes/brand/templates/404.html",
            "{% extends \"base.html\" %}{% block content %}<p>Our own 404</p>{% endblock content %}",
        )
        .file("themes/brand/static/style.css", "body { color: teal }");
    lib.run(["build"]).success();
    let public = lib.out();
    assert!(read(&public.join("404.html")).contains("Our own 404"));
    assert!(
        read(&public.join("404.html")).contains("<nav aria-label=\"Sections\">"),
        "the builtin base.html is still used"
    );
    assert_eq!(read(&public.join("style.css")), "body { color: teal }");
    assert!(
        read(&public.join("coverage/index.html")).contains("heatmap"),
        "other templates stay builtin"
    );
}

#[test]
fn a_themes_related_row_reaches_every_asset_page_that_lists_the_asset() {
    let tagged = "personas: all\nstages: all\nsegments: all\n";
    let lib = TestLib::new()
        .plan(&small_plan("theme = \"brand\""))
        .asset("deep/a.md", &format!("---\ntitle: Alpha\n{tagged}---\n"))
        .asset("b.md", &format!("---\ntitle: Beta\n{tagged}---\n"))
        .file(
            "themes/brand/templates/partials/related_row.html",
            "<li class=\"mine\"><a href=\"{{ root }}{{ a.path }}\">{{ a.title | upper }}</a></li>",
        );
    lib.run(["build"]).success();
    // Each page has its own way up to the root, though the row was rendered once.
    let alpha = lib.read_out("library/deep/a/index.html");
    assert!(
        alpha.contains("<li class=\"mine\"><a href=\"../../../library/b/\">BETA</a></li>"),
        "{alpha}"
    );
    let beta = lib.read_out("library/b/index.html");
    assert!(
        beta.contains("<li class=\"mine\"><a href=\"../../library/deep/a/\">ALPHA</a></li>"),
        "{beta}"
    );
}

#[test]
fn objections_show_their_first_answers_and_list_all_on_their_own_page() {
    let plan_extra = "[[objections]]\nid = \"price\"\ntext = \"Too pricey\"\nheard = 3\n[[objections]]\nid = \"rare\"\ntext = \"Rarely heard\"\n";
    let answer = covermap::render::OBJECTION_PREVIEW + 3;
    let files: Vec<(String, String)> = (0..answer + 1)
        .map(|i| {
            let objection = if i == answer { "rare" } else { "price" };
            (
                format!("content/a{i:03}.md"),
                format!("---\ntitle: Answer {i}\npersonas: all\nstages: all\nsegments: all\nobjections: [{objection}]\n---\nBody.\n"),
            )
        })
        .collect();
    let lib = TestLib::new().plan(&(small_plan("") + plan_extra));
    for (path, body) in &files {
        lib.write(path, body);
    }
    lib.run(["build"]).success();
    let public = lib.out();
    let page = read(&public.join("objections/index.html"));
    let rows = |html: &str| html.matches("<li class=\"asset\"").count();
    // The first objection shows the preview, the second its single answer.
    assert_eq!(rows(&page), covermap::render::OBJECTION_PREVIEW + 1);
    assert!(page.contains(&format!(
        "<a href=\"../objections/price/index.html\">All {answer} assets that answer it →</a>"
    )));
    assert!(
        !page.contains("objections/rare/index.html"),
        "nothing more to see"
    );
    let price = read(&public.join("objections/price/index.html"));
    assert_eq!(rows(&price), answer);
    assert!(price.contains("“Too pricey”") && price.contains("Heard 3 times"));
    assert!(price.contains("href=\"../../library/a000/index.html\""));
    assert_eq!(rows(&read(&public.join("objections/rare/index.html"))), 1);
}
