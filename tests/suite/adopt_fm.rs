//! Front matter as an adopted repo wrote it (issue 14, items 3, 4 and 7): aliases and
//! renames from `[front_matter]`, keys ignoring case, tag rules named on the asset page,
//! pages without front matter or title, redirect stubs and feeds skipped, index files and
//! dates. Each library is small and written here.

use crate::common::{TestLib, small_plan};

fn lib(front_matter: &str) -> TestLib {
    TestLib::new().plan(&format!("{}{front_matter}", small_plan("")))
}

const TAGS: &str = "persona: champion\nstage: decision\nsegment: smb\n";

#[test]
fn jekyll_published_false_and_excerpt_are_mapped() {
    let lib =
        lib("[front_matter]\naliases = { draft = [\"!published\"], summary = [\"excerpt\"] }\n")
            .asset(
                "hidden.md",
                &format!("---\ntitle: Hidden\npublished: false\n{TAGS}---\nx\n"),
            )
            .asset(
                "shown.md",
                &format!("---\ntitle: Shown\nexcerpt: The short of it\n{TAGS}---\nx\n"),
            );
    lib.run(["build"]).success();
    assert!(!lib.out().join("library/hidden/index.html").exists());
    assert!(
        lib.read_out("library/shown/index.html")
            .contains("The short of it")
    );
}

#[test]
fn hugo_title_lastmod_and_description() {
    let lib = lib("[front_matter]\naliases = { updated = [\"lastmod\", \"date\"], summary = [\"description\"] }\n")
        .asset(
            "a.md",
            &format!("---\nTitle: Hugo Page\ndate: 2025-01-01\nlastmod: 2026-03-04\ndescription: Said briefly\n{TAGS}---\nx\n"),
        );
    lib.run(["build"]).success();
    let page = lib.read_out("library/a/index.html");
    assert!(page.contains("<h1>Hugo Page</h1>"), "{page}");
    assert!(page.contains("2026-03-04"), "{page}");
    assert!(page.contains("Said briefly"), "{page}");
}

#[test]
fn a_renamed_stage_reads_buying_stage() {
    let lib = lib("[front_matter]\nrenames = { stage = \"buying_stage\" }\n").asset(
        "a.md",
        "---\ntitle: A\nstage: beta\nbuying_stage: decision\npersona: champion\nsegment: smb\n---\nx\n",
    );
    let run = lib.run(["build"]);
    run.success();
    assert!(
        !run.stderr_text().contains("W0309"),
        "{}",
        run.stderr_text()
    );
    assert!(
        lib.read_out("library/a/index.html")
            .contains("<dt>Stages</dt>")
    );
}

#[test]
fn rules_tag_by_path_and_by_tag_and_the_page_names_the_rule() {
    let rules = "[[front_matter.rules]]\npath = \"case-studies/**\"\nsegments = [\"smb\"]\n\n[[front_matter.rules]]\nkey = \"tags\"\nvalue = \"champions\"\npersonas = [\"champion\"]\nstages = [\"decision\"]\n";
    let lib = lib(rules)
        .asset(
            "case-studies/a.md",
            "---\ntitle: A\ntags: [Champions]\n---\nx\n",
        )
        .asset(
            "case-studies/b.md",
            &format!("---\ntitle: B\n{TAGS}---\nx\n"),
        );
    let plan = std::fs::read_to_string(lib.path("plan.toml")).unwrap();
    // Each rule is named by the line of its `[[front_matter.rules]]` header.
    let headers: Vec<usize> = plan
        .lines()
        .enumerate()
        .filter(|(_, l)| l.starts_with("[[front_matter.rules]]"))
        .map(|(i, _)| i + 1)
        .collect();
    let run = lib.run(["build"]);
    run.success();
    assert!(
        !run.stderr_text().contains("W0309"),
        "{}",
        run.stderr_text()
    );
    let a = lib.read_out("library/case-studies/a/index.html");
    assert!(a.contains("<dt>Tagged by</dt>"), "{a}");
    for l in &headers {
        assert!(
            a.contains(&format!("<code>plan.toml:{l}</code>")),
            "rule at {l} not named: {a}"
        );
    }
    // Front matter wins: b gives all three, so no rule tagged it.
    assert!(
        !lib.read_out("library/case-studies/b/index.html")
            .contains("Tagged by")
    );
}

#[test]
fn a_page_without_front_matter_is_titled_from_its_heading() {
    let lib = lib("").asset("faq.md", "# Pricing FAQ\n\nAnswers.\n");
    let run = lib.run(["build"]);
    run.success();
    run.stderr_contains("content/faq.md:1:1: warning: the page has no front matter: titled \"Pricing FAQ\" from its first heading");
    let page = lib.read_out("library/faq/index.html");
    assert!(
        page.contains("<h1>Pricing FAQ</h1>") && page.contains("Answers."),
        "{page}"
    );
}

#[test]
fn redirect_stubs_and_feeds_are_skipped_with_a_warning() {
    let lib = lib("")
        .asset("old.md", "---\nredirect_to: /new/\n---\n")
        .asset("feed.md", "---\npermalink: feed.xml\nlayout: null\n---\n{% for p in collections.all %}{% endfor %}\n")
        .asset("a.md", &format!("---\ntitle: A\n{TAGS}---\nx\n"));
    let run = lib.run(["build"]);
    run.success();
    let err = run.stderr_text();
    assert_eq!(
        err.matches("skipped a redirect stub: not an asset").count(),
        1,
        "{err}"
    );
    assert_eq!(
        err.matches("skipped a feed or sitemap template: not an asset")
            .count(),
        1,
        "{err}"
    );
    assert!(!lib.out().join("library/old/index.html").exists());
    assert!(!lib.out().join("library/feed/index.html").exists());
}

#[test]
fn index_files_are_their_folder() {
    let lib = lib("")
        .asset("x/index.md", &format!("---\ntitle: X\n{TAGS}---\nx\n"))
        .asset("y/_index.md", &format!("---\ntitle: Y\n{TAGS}---\ny\n"));
    lib.run(["build"]).success();
    assert!(lib.read_out("library/x/index.html").contains("<h1>X</h1>"));
    assert!(lib.read_out("library/y/index.html").contains("<h1>Y</h1>"));
}

#[test]
fn updated_wins_over_date_whatever_the_order() {
    let lib = lib("").asset(
        "a.md",
        &format!("---\ntitle: A\nupdated: 2026-05-06\ndate: 2020-01-01\n{TAGS}---\nx\n"),
    );
    lib.run(["build"]).success();
    let page = lib.read_out("library/a/index.html");
    assert!(
        page.contains("2026-05-06") && !page.contains("2020-01-01"),
        "{page}"
    );
}
