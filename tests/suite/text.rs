//! Text stays as the author wrote it, end to end through the real binary: front matter
//! scalars as written (YAML 1.2's core schema, both YAML paths), booleans in YAML 1.1
//! words with a warning, links of every scheme but script, Unicode slugs and taxonomy
//! terms on one slug, every plan.toml error in one run, tabs on their line, and a
//! stable code on every diagnostic the invalid fixtures produce.

use crate::common::{TestLib, command, fixtures, small_plan};

/// An asset counted toward the small plan's one cell, with `keys` added.
fn asset(keys: &str, body: &str) -> String {
    format!("---\npersonas: [champion]\nstages: [decision]\nsegments: [smb]\n{keys}---\n{body}\n")
}

#[test]
fn titles_and_summaries_show_as_written_on_both_yaml_paths() {
    for written in [
        "No",
        "yes",
        "on",
        "007",
        "02139",
        "1e3",
        "0x1F",
        ".inf",
        "null",
        "~",
        "2026-01-01",
    ] {
        // The anchor sends the second block through serde-saphyr, not the fast path.
        for anchor in ["", "x: &a 1\n"] {
            let lib = TestLib::new().plan(&small_plan("")).asset(
                "a.md",
                &asset(
                    &format!("title: {written}\nsummary: {written}\n{anchor}"),
                    "Body.",
                ),
            );
            lib.run(["build"]).success();
            let page = lib.read_out("library/a/index.html");
            assert!(
                page.contains(&format!("<h1>{written}</h1>")),
                "{written:?} {anchor:?}: {page}"
            );
        }
    }
}

#[test]
fn draft_reads_yes_with_a_warning_and_refuses_maybe() {
    let lib = TestLib::new()
        .plan(&small_plan(""))
        .asset("a.md", &asset("title: A\ndraft: yes\n", "Body."));
    lib.run(["check"])
        .success()
        .stderr_contains("content/a.md:6:8: warning: `draft: yes` is read as true; YAML 1.2 reads `yes` as text [W0311]")
        .stderr_contains("help: write `draft: true`");
    let lib = TestLib::new()
        .plan(&small_plan(""))
        .asset("a.md", &asset("title: A\ndraft: maybe\n", "Body."));
    lib.run(["check"]).code(1).stderr_contains(
        "content/a.md:6:8: error: `draft` must be true or false, found a string [E0304]",
    );
}

#[test]
fn links_keep_their_schemes_in_the_built_page() {
    let links = [
        ("msteams:/l/chat/0/0?users=a@b.example", true),
        ("zoommtg://zoom.us/join?confno=1", true),
        ("slack://open", true),
        ("sms:+15551234567", true),
        ("webcal://cal.example/a.ics", true),
        ("ftp://files.example/a.pdf", true),
        ("tel:+15551234567", true),
        ("mailto:a@b.example", true),
        ("javascript:alert(1)", false),
        ("vbscript:msgbox(1)", false),
        ("data:text/html,x", false),
    ];
    let body: String = links
        .iter()
        .map(|(url, _)| format!("[x](<{url}>)\n\n"))
        .collect();
    let body = format!("{body}![i](data:image/png;base64,iVBORw0KGgo=)\n");
    let lib = TestLib::new()
        .plan(&small_plan(""))
        .asset("a.md", &asset("title: A\n", &body));
    lib.run(["build"]).success();
    let page = lib.read_out("library/a/index.html");
    for (url, kept) in links {
        let href = format!("href=\"{}\"", url.replace('&', "&amp;"));
        assert_eq!(page.contains(&href), kept, "{url}: {page}");
    }
    assert!(page.contains("src=\"data:image/png;base64,iVBORw0KGgo=\""));
}

#[test]
fn unicode_tags_get_pages_of_their_own_and_clashing_ones_a_warning() {
    let lib = TestLib::new().plan(&small_plan("")).asset(
        "a.md",
        &asset(
            "title: A\ntags: [経理, 法務, Ελληνικά, café, cafe]\n",
            "Body.",
        ),
    );
    lib.run(["build"])
        .success()
        .stderr_contains("content/a.md: warning: tags `cafe` and `café` make one slug: `cafe` has the page tags/cafe/, `café` the page tags/cafe-2/ [W0403]");
    for slug in ["経理", "法務", "ελληνικά", "cafe", "cafe-2"] {
        let page = lib.read_out(&format!("tags/{slug}/index.html"));
        assert!(page.contains("library/a/"), "tags/{slug}/: {page}");
    }
    let index = lib.read_out("tags/index.html");
    assert!(index.contains("tags/経理/index.html"), "{index}");
}

#[test]
fn an_asset_links_the_page_of_its_own_type_spelling_when_two_clash() {
    let lib = TestLib::new()
        .plan(&small_plan(""))
        .asset("a.md", &asset("title: A\ntype: Case study\n", "Body."))
        .asset("b.md", &asset("title: B\ntype: case-study\n", "Body."));
    lib.run(["build"]).success().stderr_contains("[W0403]");
    // Each spelling has its page, and each asset's page links its own spelling's.
    let page_a = lib.read_out("library/a/index.html");
    let page_b = lib.read_out("library/b/index.html");
    assert!(page_a.contains("types/case-study/"), "{page_a}");
    assert!(page_b.contains("types/case-study-2/"), "{page_b}");
    assert!(!page_b.contains("types/case-study/index.html"), "{page_b}");
    assert!(
        lib.read_out("types/case-study-2/index.html")
            .contains("library/b/")
    );
    assert!(
        lib.read_out("types/case-study/index.html")
            .contains("library/a/")
    );
}

#[test]
fn a_file_name_with_diacritics_folds_to_latin() {
    let lib = TestLib::new()
        .plan(&small_plan(""))
        .asset("Café Crème.md", &asset("title: A\n", "Body."));
    lib.run(["build"]).success();
    assert!(lib.out().join("library/cafe-creme/index.html").is_file());
}

#[test]
fn every_plan_error_in_one_run() {
    let plan = format!(
        "{}[coverage]\ntargett = 2\n[[decisions]]\nsegment = \"enterprize\"\ntarget = 0\nwhy = \"x\"\nowner_ = \"a\"\n",
        small_plan("")
    );
    let lib = TestLib::new().plan(&plan);
    lib.run(["check"])
        .code(1)
        .stderr_contains("error: unknown key `targett` [E0202]")
        .stderr_contains("error: unknown key `owner_` [E0202]")
        .stderr_contains("error: unknown segment `enterprize` [E0206]");
}

#[test]
fn a_yaml_tab_is_reported_on_its_line() {
    let lib = TestLib::new()
        .plan(&small_plan(""))
        .asset("a.md", "---\ntitle: A\nsummary: b\n\tc: d\n---\nBody.\n");
    lib.run(["check"])
        .code(1)
        .stderr_contains("content/a.md:4:1: error: invalid YAML front matter: a tab where YAML allows only spaces [E0302]");
}

#[test]
fn the_caret_stands_under_the_value_after_wide_text() {
    let lib = TestLib::new().plan(&small_plan("")).asset(
        "a.md",
        "---\ntitle: 経理の資料\npersonas: [経理, champion]\n---\nBody.\n",
    );
    let run = lib.run(["check"]);
    run.code(1)
        .stderr_contains("content/a.md:3:12: error: unknown persona `経理`");
    // `personas: [` is 11 columns; the caret stands under the value, 4 columns wide.
    run.stderr_contains("  |            ^^^^\n");
}

#[test]
fn no_invalid_fixture_prints_an_unassigned_code() {
    let root = fixtures().join("invalid");
    let mut cases: Vec<_> = std::fs::read_dir(&root)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    cases.sort();
    let mut unassigned = Vec::new();
    for dir in cases {
        let out = command([
            "check".as_ref(),
            "--root".as_ref(),
            dir.as_os_str(),
            "--format".as_ref(),
            "json".as_ref(),
        ])
        .output()
        .unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        let Ok(json) = serde_json::from_str::<serde_json::Value>(&stdout) else {
            unassigned.push(format!("{}: no JSON: {stdout}", dir.display()));
            continue;
        };
        for d in json["diagnostics"].as_array().into_iter().flatten() {
            let code = d["code"].as_str().unwrap_or("");
            if matches!(code, "" | "E0000" | "W0000") {
                unassigned.push(format!("{}: {d}", dir.display()));
            }
        }
    }
    assert!(unassigned.is_empty(), "{}", unassigned.join("\n"));
}
