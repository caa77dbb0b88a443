//! Links and images resolved against the source file (issue 14 item 5): on copies of
//! the fixture repos after `init --from`, every relative `<img>` and `<a>` of every
//! asset page leads to a file of the site; on small libraries, `../x.md`, `x/index.md`,
//! `_index.md` and attachments lead to the page or file, root links resolve under
//! `[content] url_prefix` and in `[content] static` folders (published now, each at its
//! path in the folder), a content folder that is the root publishes only the files
//! pages link to, and a link to nothing is a warning at file:line:col in `build` and
//! `check`, and in `serve`'s rebuilds whether the page is made again or taken as it was.

use std::path::{Path, PathBuf};

use crate::common::{TestLib, covermap, small_plan};

/// Copies a fixture whole, runs `init --from` on it and builds it; the output folder.
fn adopt_and_build(name: &str) -> (tempfile::TempDir, PathBuf, String) {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join(name);
    crate::common::copy_dir(&crate::common::fixtures().join("adopt").join(name), &root);
    let root_arg = root.to_str().unwrap();
    covermap(["init", "--from", root_arg]).success();
    let out = tmp.path().join("site");
    let run = covermap(["build", "--root", root_arg, "--out", out.to_str().unwrap()]);
    run.success();
    (tmp, out, run.stderr_text())
}

/// The addresses of `attr="…"` in the tags of `html` (`src` or `href`); text that
/// only looks like an attribute (`{{< figure src="x" >}}` shown as text) is not one.
fn addresses<'a>(html: &'a str, attr: &str) -> Vec<&'a str> {
    let pat = format!(" {attr}=\"");
    let mut out = Vec::new();
    for (lt, _) in html.match_indices('<') {
        let tag = &html[lt..];
        let tag = &tag[..tag.find('>').unwrap_or(tag.len())];
        if let Some(at) = tag.find(&pat) {
            let rest = &tag[at + pat.len()..];
            out.push(&rest[..rest.find('"').unwrap_or(rest.len())]);
        }
    }
    out
}

/// Every relative `src` and `href` of every asset page of the site at `out` that leads
/// to no file of the site, as `page: address`; with the number of addresses checked.
pub fn broken_in(out: &Path) -> (Vec<String>, usize) {
    let mut broken = Vec::new();
    let mut checked = 0;
    for e in walkdir::WalkDir::new(out.join("library")) {
        let e = e.unwrap();
        if e.file_name() != "index.html" {
            continue;
        }
        let html = std::fs::read_to_string(e.path()).unwrap();
        let dir = e.path().parent().unwrap();
        for url in addresses(&html, "src")
            .into_iter()
            .chain(addresses(&html, "href"))
        {
            let url = url.replace("&amp;", "&");
            if url.starts_with('#') || url.starts_with("//") || url.contains(':') {
                continue;
            }
            let path = url.split(['#', '?']).next().unwrap();
            let path = percent_encoding::percent_decode_str(path)
                .decode_utf8()
                .unwrap()
                .to_string();
            let mut target = dir.join(&path);
            if path.is_empty() || path.ends_with('/') {
                target = target.join("index.html");
            }
            checked += 1;
            if !target.is_file() {
                broken.push(format!(
                    "{}: {url}",
                    e.path().strip_prefix(out).unwrap().display()
                ));
            }
        }
    }
    (broken, checked)
}

#[test]
fn every_image_and_link_of_an_adopted_fixture_leads_to_a_file_of_the_site() {
    for (name, expect) in [
        (
            "hugo",
            &[
                // A page bundle's image, and a static folder's under a root link.
                (
                    "library/case-studies/healthcare/st-marys/index.html",
                    "<img src=\"../../../../case-studies/healthcare/st-marys/chart.png\"",
                ),
                (
                    "library/case-studies/retail/corner-shops/index.html",
                    "<img src=\"../../../../images/logo.png\"",
                ),
            ][..],
        ),
        (
            "plain",
            &[
                (
                    "library/index/index.html",
                    "<a href=\"../../library/onboarding/\">onboarding</a>",
                ),
                (
                    "library/case-studies/acme/index.html",
                    "<img src=\"../../../images/chart.png\"",
                ),
            ][..],
        ),
        (
            "cjk",
            &[
                (
                    "library/資料/会社概要/index.html",
                    "<img src=\"../../../images/logo.png\"",
                ),
                (
                    "library/事例/金融-d社/index.html",
                    "<img src=\"../../../%E4%BA%8B%E4%BE%8B/%E9%87%91%E8%9E%8D-d%E7%A4%BE/flow.png\"",
                ),
            ][..],
        ),
    ] {
        let (_tmp, out, stderr) = adopt_and_build(name);
        let (broken, checked) = broken_in(&out);
        assert!(broken.is_empty(), "{name}: {broken:#?}");
        assert!(checked > 20, "{name}: only {checked} addresses");
        assert!(!stderr.contains("unresolved"), "{name}: {stderr}");
        for (page, html) in expect {
            let text = crate::common::read(&out.join(page));
            assert!(text.contains(html), "{name} {page}: {html} not in\n{text}");
        }
    }
}

const LINKED: &str = "---\ntitle: Guide\n---\nSee [the intro](../intro.md#why), [team](../team/index.md), \
[area](../area/_index.md), [notes](notes.markdown) and [web](https://example.org/x.md).\n\n\
![chart](img/chart.png) ![spaced](<img/my chart.png>)\n\n\
<figure><img src=\"img/chart.png\" alt=\"raw\"><figcaption><a href='../intro.md'>Intro</a></figcaption></figure>\n";

fn linked_library() -> TestLib {
    TestLib::new()
        .plan(&small_plan(""))
        .asset("sales/guide.md", LINKED)
        .asset("sales/notes.markdown", "---\ntitle: Notes\n---\nNotes.\n")
        .asset("sales/img/chart.png", "png")
        .asset("sales/img/my chart.png", "png")
        .asset("intro.md", "---\ntitle: Intro\n---\nIntro.\n")
        .asset("team/index.md", "---\ntitle: Team\n---\nTeam.\n")
        .asset("area/_index.md", "---\ntitle: Area\n---\nArea.\n")
}

#[test]
fn relative_links_lead_to_the_page_or_file_they_name_from_the_source_file() {
    let lib = linked_library();
    let run = lib.run(["build"]);
    run.success();
    assert!(
        !run.stderr_text().contains("unresolved"),
        "{}",
        run.stderr_text()
    );
    let html = lib.read_out("library/sales/guide/index.html");
    // Raw HTML in the body: the sanitizer adds `rel` to links and closes tags its way.
    for want in [
        "<a href=\"../../../library/intro/#why\" rel=\"noopener noreferrer\">the intro</a>",
        "<a href=\"../../../library/team/\" rel=\"noopener noreferrer\">team</a>",
        "<a href=\"../../../library/area/\" rel=\"noopener noreferrer\">area</a>",
        "<a href=\"https://example.org/x.md\" rel=\"noopener noreferrer\">web</a>",
        "<img src=\"../../../sales/img/chart.png\" alt=\"chart\">",
        "<img src=\"../../../sales/img/my%20chart.png\" alt=\"spaced\">",
        // Raw HTML's addresses too.
        "<img src=\"../../../sales/img/chart.png\" alt=\"raw\">",
        "<a href=\"../../../library/intro/\" rel=\"noopener noreferrer\">Intro</a>",
    ] {
        assert!(html.contains(want), "{want} not in\n{html}");
    }
    let notes = addresses(&html, "href")
        .into_iter()
        .find(|h| h.contains("notes"))
        .unwrap();
    assert!(notes.starts_with("../../../library/sales/notes"), "{notes}");
    let (broken, _) = broken_in(&lib.out());
    assert!(broken.is_empty(), "{broken:#?}");
}

#[test]
fn a_link_to_nothing_is_a_warning_at_its_line_and_column_in_build_and_check() {
    let lib = TestLib::new()
        .plan(&small_plan(""))
        .asset(
            "a.md",
            "---\ntitle: A\nsummary: S\n---\nIntro.\n\nSee [b](b.md) and [gone](gone.md).\n\n![chart](chrat.png)\n",
        )
        .asset("b.md", "---\ntitle: B\n---\nB.\n")
        .asset("chart.png", "png");
    for cmd in ["build", "check"] {
        let run = lib.run([cmd]);
        run.success();
        let err = run.stderr_text();
        assert!(
            err.contains("content/a.md:7:19: warning: unresolved link: `gone.md` is no page or file of the library [W0410]"),
            "{cmd}: {err}"
        );
        assert!(
            err.contains("content/a.md:9:1: warning: unresolved image: `chrat.png`")
                && err.contains("did you mean `chart.png`?"),
            "{cmd}: {err}"
        );
    }
    // The link is kept as written.
    let html = lib.read_out("library/a/index.html");
    assert!(html.contains("<a href=\"gone.md\">gone</a>"), "{html}");
    let json = lib.run(["check", "--format", "json"]);
    assert!(
        json.stdout_text().contains("\"W0410\""),
        "{}",
        json.stdout_text()
    );
}

#[test]
fn unresolved_links_past_ten_are_summed_up() {
    let mut body = String::from("---\ntitle: A\n---\n");
    for i in 0..14 {
        body.push_str(&format!("[x{i}](missing-{i}.md)\n\n"));
    }
    let lib = TestLib::new().plan(&small_plan("")).asset("a.md", &body);
    let run = lib.run(["build"]);
    run.success();
    let err = run.stderr_text();
    assert_eq!(err.matches("warning: unresolved link").count(), 10, "{err}");
    assert!(
        err.contains("… and 4 more “unresolved link” warnings"),
        "{err}"
    );
}

#[test]
fn root_links_resolve_under_the_url_prefix_and_in_static_folders_which_are_published() {
    let plan = format!(
        "{}\n[content]\ndir = \"handbook\"\nstatic = [\"assets\", \"static\"]\nurl_prefix = \"/handbook/\"\n",
        small_plan("")
    );
    let lib = TestLib::new()
        .plan(&plan)
        .file(
            "handbook/sales/pitch.md",
            "---\ntitle: Pitch\n---\n[values](/handbook/company/values/) [old](/handbook/company/values.html) \
[ref](/company/values.md) [blog](/blog/post/) [gone](/handbook/gone/)\n\n![logo](/img/logo.png) ![icon](/favicon.ico)\n",
        )
        .file("handbook/company/values.md", "---\ntitle: Values\n---\nV.\n")
        .file("assets/img/logo.png", "png")
        .file("static/favicon.ico", "ico");
    let run = lib.run(["build"]);
    run.success();
    let html = lib.read_out("library/sales/pitch/index.html");
    for want in [
        "<a href=\"../../../library/company/values/\">values</a>",
        "<a href=\"../../../library/company/values/\">old</a>",
        "<a href=\"../../../library/company/values/\">ref</a>",
        // The host site's, outside the prefix: as written, without a word.
        "<a href=\"/blog/post/\">blog</a>",
        "<a href=\"/handbook/gone/\">gone</a>",
        "<img src=\"../../../img/logo.png\"",
        "<img src=\"../../../favicon.ico\"",
    ] {
        assert!(html.contains(want), "{want} not in\n{html}");
    }
    assert_eq!(
        std::fs::read(lib.out().join("img/logo.png")).unwrap(),
        b"png"
    );
    let err = run.stderr_text();
    assert!(
        err.contains("handbook/sales/pitch.md:4:")
            && err.contains("`/handbook/gone/` is no page or file"),
        "{err}"
    );
    assert_eq!(err.matches("unresolved").count(), 1, "{err}");
}

#[test]
fn a_root_content_folder_publishes_only_the_files_pages_link_to() {
    let plan = format!("{}\n[content]\ndir = \".\"\n", small_plan(""));
    let lib = TestLib::new()
        .plan(&plan)
        .file(
            "guide.md",
            "---\ntitle: Guide\n---\n![diagram](images/flow.png) [deck](decks/q3.pdf) [secret](.env)\n",
        )
        .file("images/flow.png", "png")
        .file("images/unused.png", "png")
        .file("decks/q3.pdf", "pdf")
        .file("package.json", "{}")
        .file(".env", "TOKEN=1");
    let run = lib.run(["build"]);
    run.success();
    let out = lib.out();
    assert!(out.join("images/flow.png").is_file());
    assert!(out.join("decks/q3.pdf").is_file());
    for never in ["images/unused.png", "package.json", ".env", "plan.toml"] {
        assert!(!out.join(never).exists(), "{never} published");
    }
    let html = lib.read_out("library/guide/index.html");
    assert!(
        html.contains("<img src=\"../../images/flow.png\""),
        "{html}"
    );
    assert!(
        html.contains("<a href=\"../../decks/q3.pdf\">deck</a>"),
        "{html}"
    );
    let err = run.stderr_text();
    assert!(
        err.contains("guide.md:4:")
            && err.contains("`.env` is a file covermap does not publish [W0411]"),
        "{err}"
    );
}

/// What Jekyll's `{{ site.baseurl }}/assets/team.png` becomes once the foreign-syntax
/// rewrite has read it: a root link into a static folder that the site served as itself.
#[test]
fn a_root_link_into_a_static_folder_served_as_itself_resolves() {
    let plan = format!(
        "{}\n[content]\ndir = \".\"\nstatic = [\"assets\"]\nurl_prefix = \"/\"\n",
        small_plan("")
    );
    let lib = TestLib::new()
        .plan(&plan)
        .file(
            "about.md",
            "---\ntitle: About\n---\n![team](/assets/team.png) [post](/_posts/2026-01-12-freight.md)\n",
        )
        .file("_posts/2026-01-12-freight.md", "---\ntitle: Freight\n---\nF.\n")
        .file("assets/team.png", "png");
    let run = lib.run(["build"]);
    run.success();
    assert!(
        !run.stderr_text().contains("unresolved"),
        "{}",
        run.stderr_text()
    );
    let html = lib.read_out("library/about/index.html");
    assert!(html.contains("<img src=\"../../team.png\""), "{html}");
    let (broken, _) = broken_in(&lib.out());
    assert!(broken.is_empty(), "{broken:#?}");
}

/// `serve`'s rebuilds: a page taken from the cache still reports its unresolved link,
/// and a page whose link target comes and goes is made again, its link following.
#[test]
fn serve_rebuilds_keep_link_warnings_and_follow_targets_that_come_and_go() {
    let lib = TestLib::new()
        .plan(&small_plan(""))
        .asset("a.md", "---\ntitle: A\n---\n[b](b.md) and [c](c.md)\n")
        .asset("c.md", "---\ntitle: C\n---\nC.\n");
    let mut cache = covermap::serve::Cache::new();
    let options = covermap::library::LoadOptions::default();
    let warned = |d: &covermap::diagnostics::Diagnostics| {
        d.iter()
            .filter(|d| d.message.starts_with("unresolved link: `b.md`"))
            .count()
    };
    let page = |site: &covermap::output::Site| match &site.files["library/a/index.html"] {
        covermap::output::Content::Bytes(b) => String::from_utf8(b.to_vec()).unwrap(),
        other => panic!("{other:?}"),
    };
    let first = cache.build(lib.root(), &options);
    assert_eq!(warned(&first.diagnostics), 1);
    assert!(page(first.site.as_ref().unwrap()).contains("<a href=\"b.md\">b</a>"));
    // Nothing changed: the page is the cache's, the warning is still there.
    let again = cache.build(lib.root(), &options);
    assert_eq!(again.rendered, 0);
    assert_eq!(warned(&again.diagnostics), 1);
    // The target comes: the page is made again and links it.
    lib.write("content/b.md", "---\ntitle: B\n---\nB.\n");
    let came = cache.build(lib.root(), &options);
    assert_eq!(warned(&came.diagnostics), 0);
    assert!(page(came.site.as_ref().unwrap()).contains("<a href=\"../../library/b/\">b</a>"));
    // And goes.
    std::fs::remove_file(lib.path("content/b.md")).unwrap();
    let gone = cache.build(lib.root(), &options);
    assert_eq!(warned(&gone.diagnostics), 1);
    assert!(page(gone.site.as_ref().unwrap()).contains("<a href=\"b.md\">b</a>"));
}
