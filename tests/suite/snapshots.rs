//! Snapshots of every page kind: `tests/fixtures/snapshot` (two segments, three personas,
//! three stages, a decision, two objections; six assets that between them use every
//! front-matter field, with a draft, a stale asset, an untagged one and a TOML one) is
//! built once with a fixed `--as-of`, once more with `--drafts`, and each kind of output
//! is compared with its reviewed snapshot in `tests/suite/snapshots/`.
//!
//! A change to the rendered site fails here with a diff. When the change is meant, bless
//! the new output and review it before committing:
//! `INSTA_UPDATE=always cargo test --test suite -- snapshots` (or `cargo insta review`).

use std::collections::BTreeMap;
use std::sync::OnceLock;

use crate::common::{TestLib, tree};

/// The day the fixture is judged on, whatever the plan or the clock says.
const AS_OF: &str = "2026-11-01";

/// A built site: every output file's path → its text.
type Site = BTreeMap<String, String>;

/// Builds the fixture with `extra` flags and reads the whole site into memory, so the
/// temporary folder is gone before any snapshot is compared.
fn build(extra: &[&str]) -> Site {
    let lib = TestLib::fixture("snapshot");
    let mut args = vec!["build", "--as-of", AS_OF];
    args.extend_from_slice(extra);
    lib.run(&args).success();
    tree(&lib.out())
        .into_iter()
        .map(|(path, bytes)| (path, String::from_utf8_lossy(&bytes).into_owned()))
        .collect()
}

fn site() -> &'static Site {
    static SITE: OnceLock<Site> = OnceLock::new();
    SITE.get_or_init(|| build(&[]))
}

fn site_with_drafts() -> &'static Site {
    static SITE: OnceLock<Site> = OnceLock::new();
    SITE.get_or_init(|| build(&["--drafts"]))
}

/// Compares `text` with the snapshot `name`, whose header names `what` it shows.
fn check(name: &str, what: &str, text: &str) {
    let mut settings = insta::Settings::clone_current();
    settings.set_prepend_module_to_snapshot(false);
    settings.set_omit_expression(true);
    settings.set_description(what);
    settings.bind(|| insta::assert_snapshot!(name, text));
}

/// Compares the output file `path` of `site` with the snapshot `name`.
#[track_caller]
fn page(site: &Site, name: &str, path: &str) {
    let text = site
        .get(path)
        .unwrap_or_else(|| panic!("the build wrote no {path}; it wrote {:?}", site.keys()));
    check(name, path, text);
}

#[test]
fn snapshot_every_output_file() {
    // A new page kind shows up here first; give it a snapshot of its own below.
    let list: Vec<&str> = site().keys().map(String::as_str).collect();
    check("files", "every file of the site", &list.join("\n"));
}

#[test]
fn snapshot_library_index() {
    page(site(), "library_index", "index.html");
}

#[test]
fn snapshot_asset_page_with_every_field() {
    page(
        site(),
        "asset_every_field",
        "library/roi-calculator/index.html",
    );
}

#[test]
fn snapshot_asset_page_stale() {
    page(
        site(),
        "asset_stale",
        "library/security-whitepaper/index.html",
    );
}

#[test]
fn snapshot_asset_page_untagged() {
    page(site(), "asset_untagged", "library/untagged-note/index.html");
}

#[test]
fn snapshot_asset_page_from_toml_in_a_folder() {
    page(
        site(),
        "asset_toml_nested",
        "library/guides/champion-playbook/index.html",
    );
}

#[test]
fn snapshot_coverage() {
    page(site(), "coverage", "coverage/index.html");
}

#[test]
fn snapshot_gaps() {
    page(site(), "gaps", "gaps/index.html");
}

#[test]
fn snapshot_objections() {
    page(site(), "objections", "objections/index.html");
}

#[test]
fn snapshot_objection_page() {
    page(site(), "objection_page", "objections/price/index.html");
}

#[test]
fn snapshot_objection_page_unanswered() {
    page(
        site(),
        "objection_page_unanswered",
        "objections/security-review/index.html",
    );
}

#[test]
fn snapshot_term_pages() {
    // Each taxonomy: its index of terms and one term's page.
    for (kind, term) in [
        ("segments", "enterprise"),
        ("personas", "economic-buyer"),
        ("stages", "decision"),
        ("types", "calculator"),
        ("tags", "roi"),
        ("owners", "product-marketing"),
        ("audiences", "external"),
    ] {
        page(
            site(),
            &format!("{kind}_index"),
            &format!("{kind}/index.html"),
        );
        page(
            site(),
            &format!("{kind}_term"),
            &format!("{kind}/{term}/index.html"),
        );
    }
}

#[test]
fn snapshot_not_found() {
    page(site(), "not_found", "404.html");
}

#[test]
fn snapshot_coverage_csv() {
    page(site(), "coverage_csv", "coverage.csv");
}

#[test]
fn snapshot_coverage_json() {
    page(site(), "coverage_json", "coverage.json");
}

#[test]
fn snapshot_search_index() {
    page(site(), "search_meta", "search/meta.json");
    page(site(), "search_terms", "search/t/0.json");
    page(site(), "search_docs", "search/d/0.json");
}

#[test]
fn snapshot_pages_that_show_drafts() {
    let site = site_with_drafts();
    page(site, "drafts_library_index", "index.html");
    page(
        site,
        "drafts_asset_page",
        "library/pricing-draft/index.html",
    );
    // A term page and a related-assets list that take the draft in.
    page(site, "drafts_stage_term", "stages/decision/index.html");
    page(site, "drafts_related", "library/roi-calculator/index.html");
}

#[test]
fn snapshot_terminal_output() {
    let lib = TestLib::fixture("snapshot");
    // Run from the library's folder: text output's paths are relative to the folder
    // covermap was started in.
    let from_lib = |args: &[&str]| {
        crate::common::Run::of(
            std::process::Command::new(crate::common::BIN)
                .current_dir(lib.root())
                .args(args),
        )
    };
    let check_run = from_lib(&["check", "--as-of", AS_OF]);
    check_run.success();
    check(
        "check_stdout",
        "covermap check: stdout",
        &check_run.stdout_text(),
    );
    check(
        "check_stderr",
        "covermap check: stderr",
        &check_run.stderr_text(),
    );
    // The build's last line reports the output folder and the time taken: left out.
    let built = from_lib(&[
        "build",
        "--as-of",
        AS_OF,
        "--out",
        lib.out().to_str().unwrap(),
    ]);
    built.success();
    let stderr = built.stderr_text();
    let (warnings, summary) = stderr
        .trim_end()
        .rsplit_once('\n')
        .unwrap_or(("", stderr.as_str()));
    assert!(summary.starts_with("built 5 assets: "), "{summary}");
    check(
        "build_stderr",
        "covermap build: stderr but the summary line",
        warnings,
    );
}

#[test]
fn snapshot_report() {
    page(site(), "report", "report/index.html");
}
