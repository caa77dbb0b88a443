//! The rest of adoption (issue 14): redirect pages for an asset's old addresses,
//! `[site] sort` and `language`, `watch`/`serve` on an adopted repo, and the summary
//! warnings for pages titled or skipped by the hundred.

use std::path::Path;

use crate::common::{TestLib, fixtures, poll, read, small_plan};

const TAGS: &str = "persona: champion\nstage: decision\nsegment: smb\n";

fn page(title: &str, extra: &str) -> String {
    format!("---\ntitle: \"{title}\"\n{TAGS}{extra}---\nBody of {title}.\n")
}

/// The `url=` a redirect page at `path` (in `out`) refreshes to, checked to be the same
/// in its link and canonical, and resolved to the file it names.
fn redirect_target(out: &Path, path: &str) -> std::path::PathBuf {
    let html = read(&out.join(path));
    let target = html
        .split("content=\"0; url=")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .unwrap_or_else(|| panic!("{path} has no meta refresh: {html}"))
        .to_string();
    assert!(
        html.contains(&format!("<link rel=\"canonical\" href=\"{target}\">")),
        "{html}"
    );
    assert!(html.contains(&format!("<a href=\"{target}\">")), "{html}");
    assert!(!html.contains("<script"), "{html}");
    assert!(!target.starts_with('/'), "relative: {target}");
    let folder = out.join(path);
    let file = folder.parent().unwrap().join(&target);
    assert!(file.is_file(), "{path} → {target}: no such file");
    file
}

#[test]
fn aliases_redirect_from_and_old_index_addresses_become_redirect_pages() {
    let plan = format!(
        "{}\n[content]\nurl_prefix = \"/handbook/\"\n",
        small_plan("")
    );
    let lib = TestLib::new()
        .plan(&plan)
        .asset(
            "guide/index.md",
            &page("Guide", "aliases: [/handbook/old-guide/, legacy.html]\n"),
        )
        .asset(
            "docs/_index.md",
            &page(
                "Docs",
                "redirect_from:\n  - /docs-old/\n  - /blog/2019/docs.html\n",
            ),
        )
        .asset(
            "clash.md",
            &page("Clash", "aliases: [/coverage/, /library/guide/]\n"),
        )
        .asset(
            "far.md",
            &page("Far", "aliases: [\"https://example.com/x/\"]\n"),
        );
    let run = lib.run(["build"]);
    run.success();
    let out = lib.out();
    let guide = out.join("library/guide/index.html");
    let docs = out.join("library/docs/index.html");
    for (path, to) in [
        ("old-guide/index.html", &guide),
        ("library/legacy.html", &guide),
        ("library/guide/index/index.html", &guide),
        ("docs-old/index.html", &docs),
        ("blog/2019/docs.html", &docs),
        ("library/docs/-index/index.html", &docs),
    ] {
        let file = redirect_target(&out, path);
        assert_eq!(
            file.canonicalize().unwrap(),
            to.canonicalize().unwrap(),
            "{path}"
        );
    }
    // The real pages win, with a warning each; a full address is no path in the site.
    let err = run.stderr_text();
    for want in [
        "content/clash.md:6:11: warning: the redirect page `coverage/index.html`",
        "content/clash.md:6:23: warning: the redirect page `library/guide/index.html`",
        "[W0325]",
        "content/far.md:6:12: warning: `aliases` entry `https://example.com/x/` is a full address",
        "[W0326]",
    ] {
        assert!(err.contains(want), "{want}\n{err}");
    }
    assert!(read(&out.join("coverage/index.html")).contains("<h1>"));
    // `check` names them too, for scripts.
    let json = lib.run(["check", "--format", "json"]).stdout_text();
    assert_eq!(json.matches("\"W0325\"").count(), 2, "{json}");
    assert_eq!(json.matches("\"W0326\"").count(), 1, "{json}");
    assert!(read(&guide).contains("Body of Guide."));
    // The redirect page, as a reader's browser gets it.
    let mut settings = insta::Settings::clone_current();
    settings.set_prepend_module_to_snapshot(false);
    settings.set_omit_expression(true);
    settings.set_description("old-guide/index.html");
    let html = read(&out.join("old-guide/index.html"));
    settings.bind(|| insta::assert_snapshot!("redirect_page", html));
}

#[test]
fn a_library_without_aliases_or_index_pages_has_no_redirect_pages() {
    let lib = TestLib::new()
        .plan(&small_plan(""))
        .asset("a.md", &page("A", ""))
        .asset("b/c.md", &page("C", "tags: [aliases]\n"));
    lib.run(["build"]).success();
    let redirects: Vec<String> = crate::common::tree(&lib.out())
        .into_iter()
        .filter(|(_, b)| String::from_utf8_lossy(b).contains("http-equiv=\"refresh\""))
        .map(|(p, _)| p)
        .collect();
    assert!(redirects.is_empty(), "{redirects:?}");
}

/// The titles of the asset rows on a built page, in order.
fn titles(html: &str, among: &[&str]) -> Vec<String> {
    let mut found: Vec<(usize, String)> = among
        .iter()
        .filter_map(|t| {
            html.find(&format!(">{t}</a>"))
                .map(|at| (at, t.to_string()))
        })
        .collect();
    found.sort();
    found.into_iter().map(|(_, t)| t).collect()
}

#[test]
fn lists_follow_site_sort() {
    let names = ["zebra", "Apple", "mango", "banana"];
    let build = |sort: &str| {
        let lib = TestLib::new()
            .plan(&small_plan(sort))
            .asset("a.md", &page("zebra", "updated: 2026-01-01\ntags: [t]\n"))
            .asset("b.md", &page("Apple", "tags: [t]\n"))
            .asset("c.md", &page("mango", "updated: 2026-03-01\ntags: [t]\n"))
            .asset("d.md", &page("banana", "updated: 2026-01-01\ntags: [t]\n"));
        lib.run(["build"]).success();
        let index = titles(&lib.read_out("index.html"), &names);
        let term = titles(&lib.read_out("tags/t/index.html"), &names);
        let segment = titles(&lib.read_out("segments/smb/index.html"), &names);
        assert_eq!(index, term, "{sort}");
        assert_eq!(index, segment, "{sort}");
        index
    };
    assert_eq!(build(""), ["zebra", "Apple", "mango", "banana"]);
    assert_eq!(
        build("sort = \"path\""),
        ["zebra", "Apple", "mango", "banana"]
    );
    assert_eq!(
        build("sort = \"title\""),
        ["Apple", "banana", "mango", "zebra"]
    );
    assert_eq!(
        build("sort = \"updated\""),
        ["mango", "banana", "zebra", "Apple"]
    );
}

#[test]
fn site_language_sets_every_pages_lang() {
    let lib = TestLib::new()
        .plan(&small_plan("language = \"ja\""))
        .asset("a.md", &page("経理", "aliases: [/old/]\n"));
    lib.run(["build"]).success();
    let pages: Vec<(String, Vec<u8>)> = crate::common::tree(&lib.out())
        .into_iter()
        .filter(|(p, _)| p.ends_with(".html"))
        .collect();
    assert!(pages.len() > 10, "{}", pages.len());
    for (path, bytes) in pages {
        let html = String::from_utf8(bytes).unwrap();
        assert!(html.contains("<html lang=\"ja\">"), "{path}");
    }
    let default = TestLib::new()
        .plan(&small_plan(""))
        .asset("a.md", &page("A", ""));
    default.run(["build"]).success();
    assert!(
        default
            .read_out("index.html")
            .contains("<html lang=\"en\">")
    );
}

#[test]
fn bad_sort_and_language_are_placed_errors_with_a_hint() {
    let lib = TestLib::new()
        .plan(&small_plan("sort = \"updatd\"\nlanguage = \"en_US\""))
        .asset("a.md", &page("A", ""));
    let run = lib.run(["check"]);
    run.code(1);
    run.stderr_contains("plan.toml:3:8: error: sort `updatd` is not an order covermap knows")
        .stderr_contains("did you mean `updated`?")
        .stderr_contains("`title` (A to Z)")
        .stderr_contains("plan.toml:4:12: error: language `en_US` is not a language tag")
        .stderr_contains("did you mean `en-US`?");
}

#[test]
fn many_pages_titled_or_skipped_make_one_warning_each() {
    let mut lib = TestLib::new().plan(&small_plan(""));
    for i in 0..8 {
        lib = lib.asset(&format!("p{i}.md"), &format!("# Page {i}\n\nText.\n"));
        lib = lib.asset(&format!("old{i}.md"), "---\nredirect_to: /new/\n---\n");
    }
    let lib = lib.asset("few.md", &page("Few", ""));
    let run = lib.run(["build"]);
    run.success();
    let err = run.stderr_text();
    assert_eq!(err.matches("[W0313]").count(), 1, "{err}");
    assert_eq!(err.matches("[W0314]").count(), 1, "{err}");
    run.stderr_contains(
        "content: warning: 8 pages without front matter or `title` were titled from their first heading or file name: content/p0.md, content/p1.md, content/p2.md, content/p3.md, content/p4.md … and 3 more",
    )
    .stderr_contains("content: warning: 8 redirect stubs and feed or sitemap templates were skipped");
    // Every page is still an asset.
    assert!(lib.read_out("library/p7/index.html").contains("Page 7"));
}

/// `serve` on a Hugo repo adopted with `init --from`: its content folder, static folder
/// and plan are watched.
#[cfg(unix)]
#[test]
fn serve_on_an_adopted_hugo_repo_reloads_on_its_content_and_static_folders() {
    use crate::serve::{Running, wait_for_page};
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("site");
    crate::common::copy_dir(&fixtures().join("adopt/hugo"), &root);
    crate::common::covermap([Path::new("init"), Path::new("--from"), &root]).success();
    let serve = Running::start(&["serve", "--root", root.to_str().unwrap(), "--port", "0"]);
    let url = serve.url();
    let page = "/library/one-pagers/pricing/";
    wait_for_page(&url, page, "<html");
    let file = root.join("content/one-pagers/pricing.md");
    let text = read(&file).replace("Pricing one-pager", "Edited pricing");
    assert!(text.contains("Edited pricing"), "{text}");
    std::fs::write(&file, text).unwrap();
    wait_for_page(&url, page, "Edited pricing");
    // A file under static/.well-known is published, so its change rebuilds.
    std::fs::create_dir_all(root.join("static/.well-known")).unwrap();
    std::fs::write(
        root.join("static/.well-known/security.txt"),
        "Contact: a@b.c\n",
    )
    .unwrap();
    wait_for_page(&url, "/.well-known/security.txt", "Contact: a@b.c");
    let status = serve.interrupt();
    assert!(status.success(), "{status:?}");
}

/// `watch` on a repo whose content folder is its root: a page edit rebuilds, and the
/// output folder inside the root does not make it rebuild for ever.
#[cfg(unix)]
#[test]
fn watch_on_a_root_content_folder_rebuilds_and_settles() {
    use crate::serve::Running;
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    let plan = format!(
        "{}\n[build]\nout = \"site\"\n\n[content]\ndir = \".\"\n",
        small_plan("")
    );
    std::fs::write(root.join("plan.toml"), plan).unwrap();
    std::fs::create_dir_all(root.join("guides")).unwrap();
    std::fs::write(root.join("guides/a.md"), page("First", "")).unwrap();
    let watch = Running::start(&["watch", "--root", root.to_str().unwrap()]);
    let out = root.join("site/library/guides/a/index.html");
    poll("the first build", || out.is_file().then_some(()));
    poll("watching", || {
        watch.stderr().contains("watching").then_some(())
    });
    std::fs::write(root.join("guides/a.md"), page("Second", "")).unwrap();
    poll("the page to follow", || {
        read(&out).contains("Body of Second.").then_some(())
    });
    std::fs::write(root.join("b.md"), page("At the root", "")).unwrap();
    poll("the root page", || {
        root.join("site/library/b/index.html")
            .is_file()
            .then_some(())
    });
    // Its own writes to site/ trigger nothing: the count of rebuilds stays put.
    std::thread::sleep(std::time::Duration::from_millis(1500));
    let before = watch.stderr().matches("built ").count();
    std::thread::sleep(std::time::Duration::from_millis(1500));
    assert_eq!(
        watch.stderr().matches("built ").count(),
        before,
        "{}",
        watch.stderr()
    );
    let status = watch.interrupt();
    assert!(status.success(), "{status:?}");
}

#[test]
fn another_generators_slug_warns_and_the_file_path_names_the_page() {
    // Docusaurus's `slug: /security` is a URL: the first build still succeeds.
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("repo");
    crate::common::copy_dir(&fixtures().join("adopt/docusaurus"), &root);
    crate::common::covermap([std::path::Path::new("init"), "--from".as_ref(), &root]).success();
    let out = tmp.path().join("out");
    let run = crate::common::Run::of(
        crate::common::command(["build", "--out"])
            .arg(&out)
            .current_dir(&root),
    );
    run.success()
        .stderr_contains("[W0327]")
        .stderr_contains("slug `/security`");
    // init --from orders an adopted repo's lists by title.
    assert!(read(&root.join("plan.toml")).contains("sort = \"title\""));
    assert!(
        out.join("library/docs/sales/security-faq/index.html")
            .is_file()
    );
    // A library that adopts nothing keeps the error: its slugs are covermap's own.
    let lib = TestLib::new()
        .plan(&small_plan(""))
        .asset("a.md", &page("A", "slug: /security\n"));
    lib.run(["check"]).code(1).stderr_contains("[E0306]");
}
