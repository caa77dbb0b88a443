//! No secret is ever published (issue 13): symbolic links are followed only to a file
//! inside content/ or static/ that is not hidden; hidden files and folders are never
//! published, even through a link, except static/.well-known/ and static/.nojekyll;
//! `[site] robots = "noindex"` keeps search engines out; `--audience external` leaves
//! internal assets out of every file of the site. Each test builds a real library and
//! reads every byte of the output.

use std::collections::BTreeMap;
use std::fs;
use std::os::unix::fs::symlink;

use crate::common::{TestLib, small_plan, tree};

/// An asset that counts toward the small plan's one cell.
fn asset(title: &str, extra: &str) -> String {
    format!(
        "---\ntitle: \"{title}\"\npersonas: [champion]\nstages: [decision]\nsegments: all\n{extra}---\nBody of {title}.\n"
    )
}

/// Fails naming the file when any file of `site` holds `needle` (compared in lowercase,
/// as the search index stores words).
#[track_caller]
fn nowhere(site: &BTreeMap<String, Vec<u8>>, needle: &str) {
    let needle = needle.to_lowercase();
    for (path, bytes) in site {
        let text = String::from_utf8_lossy(bytes).to_lowercase();
        assert!(!text.contains(&needle), "{path} holds {needle:?}");
    }
}

/// Whether any file of `site` holds `needle` (in lowercase).
fn somewhere(site: &BTreeMap<String, Vec<u8>>, needle: &str) -> bool {
    let needle = needle.to_lowercase();
    site.values()
        .any(|b| String::from_utf8_lossy(b).to_lowercase().contains(&needle))
}

#[test]
fn links_out_of_content_and_static_are_never_followed() {
    let lib = TestLib::new()
        .plan(&small_plan(""))
        .asset("a.md", &asset("Alpha", ""))
        .file(".git/config", "[remote]\n\ttoken = GITTOKEN-8c1f\n")
        .file("secrets/key.md", asset("SECRETKEY-55aa", ""))
        .file("static/style2.css", "body{}");
    let content = lib.path("content");
    symlink("../.git/config", content.join("leak.md")).unwrap();
    symlink("../secrets/", content.join("x")).unwrap();
    symlink("../secrets/key.md", content.join("key.md")).unwrap();
    symlink("/etc/passwd", content.join("passwd.md")).unwrap();
    symlink("../plan.toml", lib.path("static/plan.toml")).unwrap();
    // Links that stay inside content/ and static/ are followed.
    symlink("a.md", content.join("inside.md")).unwrap();
    symlink("../static/style2.css", content.join("style-copy.css")).unwrap();

    let run = lib.run(["build"]);
    run.success();
    for (link, target) in [
        ("content/leak.md", "../.git/config"),
        ("content/x", "../secrets/"),
        ("content/key.md", "../secrets/key.md"),
        ("content/passwd.md", "/etc/passwd"),
        ("static/plan.toml", "../plan.toml"),
    ] {
        run.stderr_contains(&format!(
            "{link}: warning: symbolic link out of content/ and static/ (or broken) skipped: it points to `{target}`"
        ));
    }
    run.stderr_contains("[W0106]");
    let site = tree(&lib.out());
    assert!(site.contains_key("library/inside/index.html"));
    assert_eq!(site["style-copy.css"], b"body{}");
    assert!(!site.contains_key("plan.toml"));
    for needle in [
        "GITTOKEN-8c1f",
        "SECRETKEY-55aa",
        "root:x:0:0",
        "as_of = 2026",
    ] {
        nowhere(&site, needle);
    }
    // Not one file of the site is any of the targets, whole.
    let passwd = fs::read("/etc/passwd").unwrap_or_default();
    let plan = fs::read(lib.path("plan.toml")).unwrap();
    for bytes in site.values() {
        assert!(bytes != &passwd && bytes != &plan);
    }
}

#[test]
fn hidden_files_are_never_published_but_well_known_and_nojekyll_are() {
    let mut lib = TestLib::new()
        .plan(&small_plan(""))
        .asset("a.md", &asset("Alpha", ""))
        .file(
            "static/.well-known/security.txt",
            "Contact: mailto:sec@example.com\n",
        )
        .file("static/.nojekyll", "")
        .file("static/.htaccess", "HTACCESS-77\n")
        .file("static/style2.css", "body{}");
    for folder in ["content", "static"] {
        lib = lib
            .file(&format!("{folder}/.env"), "API_KEY=ENVSECRET-1\n")
            .file(&format!("{folder}/.git/config"), "GITSECRET-2\n")
            .file(&format!("{folder}/.ssh/id_rsa"), "SSHSECRET-3\n")
            .file(&format!("{folder}/sub/.env.local"), "ENVSECRET-4\n");
    }
    // A link to a hidden file is never followed, wherever the file is.
    symlink(".env", lib.path("content/env.md")).unwrap();
    symlink("../static/.ssh/id_rsa", lib.path("content/key.txt")).unwrap();

    let run = lib.run(["build"]);
    run.success();
    let site = tree(&lib.out());
    assert_eq!(
        site[".well-known/security.txt"],
        b"Contact: mailto:sec@example.com\n"
    );
    assert_eq!(site[".nojekyll"], b"");
    for needle in [
        "ENVSECRET-1",
        "GITSECRET-2",
        "SSHSECRET-3",
        "ENVSECRET-4",
        "HTACCESS-77",
    ] {
        nowhere(&site, needle);
    }
    let dotted: Vec<&String> = site
        .keys()
        .filter(|p| p.split('/').any(|c| c.starts_with('.')))
        .filter(|p| *p != ".covermap-manifest")
        .collect();
    assert_eq!(dotted, [".nojekyll", ".well-known/security.txt"]);
    for folder in ["content", "static"] {
        run.stderr_contains(&format!(
            "{folder}/.env: warning: hidden file skipped: never published"
        ))
        .stderr_contains(&format!(
            "{folder}/.git: warning: hidden folder skipped: never published"
        ))
        .stderr_contains(&format!(
            "{folder}/.ssh: warning: hidden folder skipped: never published"
        ))
        .stderr_contains(&format!(
            "{folder}/sub/.env.local: warning: hidden file skipped"
        ));
    }
    run.stderr_contains("static/.htaccess: warning: hidden file skipped")
        .stderr_contains("[W0107]")
        .stderr_contains(
            "content/env.md: warning: symbolic link to a hidden file skipped: it points to `.env`",
        )
        .stderr_contains("content/key.txt: warning: symbolic link to a hidden file skipped");
    // A hidden folder is one warning, not one per file in it.
    assert!(
        !run.stderr_text().contains("id_rsa:"),
        "{}",
        run.stderr_text()
    );
}

#[test]
fn robots_noindex_marks_every_page_and_writes_robots_txt() {
    let meta = "<meta name=\"robots\" content=\"noindex\">";
    let lib = TestLib::new()
        .plan(&small_plan("robots = \"noindex\""))
        .asset("a.md", &asset("Alpha", ""));
    lib.run(["build"]).success();
    let site = tree(&lib.out());
    assert_eq!(site["robots.txt"], b"User-agent: *\nDisallow: /\n");
    let pages: Vec<&String> = site.keys().filter(|p| p.ends_with(".html")).collect();
    assert!(pages.len() > 5, "{pages:?}");
    for page in pages {
        let text = String::from_utf8_lossy(&site[page]);
        assert_eq!(text.matches(meta).count(), 1, "{page}");
        assert!(text.find(meta) < text.find("</head>"), "{page}");
    }

    // `index` (and no key at all) writes neither, as before.
    for extra in ["robots = \"index\"", ""] {
        let lib = TestLib::new()
            .plan(&small_plan(extra))
            .asset("a.md", &asset("Alpha", ""));
        lib.run(["build"]).success();
        let site = tree(&lib.out());
        assert!(!site.contains_key("robots.txt"));
        nowhere(&site, "name=\"robots\"");
    }
}

#[test]
fn a_bad_robots_value_is_an_error_at_its_line_and_column() {
    let lib = TestLib::new()
        .plan(&small_plan("robots = \"no-index\""))
        .asset("a.md", &asset("Alpha", ""));
    for command in ["build", "check"] {
        lib.run([command])
            .code(1)
            .stderr_contains(
                "plan.toml:3:10: error: robots `no-index` is neither `index` nor `noindex` [E0204]",
            )
            .stderr_contains("did you mean `noindex`?");
    }
    assert!(!lib.out().exists());
}

#[test]
fn audience_external_leaves_internal_assets_out_of_every_file() {
    let lib = TestLib::new()
        .plan(&small_plan(""))
        .asset(
            "forwardable.md",
            &asset("Forwardable Guide", "audience: external\n"),
        )
        .asset("plain.md", &asset("Plain Note", ""))
        .asset(
            "plumbifer.md",
            &asset(
                "Xylophonic Battlecard",
                "audience: internal\nsummary: Quixotrel discount ladder\ntags: [zorbulent]\n",
            ),
        );
    // The words of the internal asset, as its slug, title, summary and tag.
    let secrets = ["plumbifer", "Xylophonic", "Quixotrel", "zorbulent"];

    let all = lib.run(["build"]);
    all.success();
    let site = tree(&lib.out());
    for word in secrets {
        assert!(somewhere(&site, word), "{word} is not in the full site");
    }

    let out = lib.dir().join("external");
    let run = lib.run([
        "build",
        "--audience",
        "external",
        "--out",
        out.to_str().unwrap(),
    ]);
    run.success()
        .stderr_contains("1 internal asset(s) left out (--audience external)");
    let site = tree(&out);
    for word in secrets {
        nowhere(&site, word);
    }
    assert!(site.contains_key("library/forwardable/index.html"));
    assert!(site.contains_key("library/plain/index.html"));
    let coverage: serde_json::Value = serde_json::from_slice(&site["coverage.json"]).unwrap();
    assert_eq!(coverage["summary"]["assets"], 2);

    // `check` judges coverage on the external assets only.
    let check = lib.run(["check", "--audience", "external", "--format", "json"]);
    check.success();
    let json: serde_json::Value = serde_json::from_str(&check.stdout_text()).unwrap();
    assert_eq!(json["summary"]["assets"], 2);
    let check = lib.run(["check", "--format", "json"]);
    let json: serde_json::Value = serde_json::from_str(&check.stdout_text()).unwrap();
    assert_eq!(json["summary"]["assets"], 3);
}

#[test]
fn a_static_folder_linked_out_of_the_library_is_not_listed() {
    let lib = TestLib::new()
        .plan(&small_plan(""))
        .asset("a.md", &asset("Alpha", ""));
    // `static -> /etc` in one commit would otherwise publish the machine's files.
    symlink("/etc", lib.path("static")).unwrap();
    // Nor may a link in content/ lead through it.
    symlink("../static/passwd", lib.path("content/passwd.md")).unwrap();
    let run = lib.run(["build"]);
    run.success().stderr_contains(
        "static: warning: symbolic link out of content/ and static/ (or broken) skipped: it points to `/etc`",
    );
    run.stderr_contains("content/passwd.md: warning: symbolic link out of content/ and static/");
    let site = tree(&lib.out());
    assert!(!site.contains_key("passwd") && !site.contains_key("hostname"));
    nowhere(&site, "root:x:0:0");
}
