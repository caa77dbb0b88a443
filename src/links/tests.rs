use super::*;
use crate::library::in_memory;

const PLAN: &str = "[site]\ntitle = \"T\"\n\n[plan]\ntitle = \"P\"\nas_of = 2026-11-01\n\n[[stages]]\nid = \"aware\"\nname = \"Aware\"\n\n[[personas]]\nid = \"cfo\"\nname = \"CFO\"\n\n[[segments]]\nid = \"smb\"\nname = \"SMB\"\npipeline = 1000\n";

const PAGE: &str = "---\ntitle: A page\n---\nBody\n";

fn page(to: &str) -> Target {
    Target::Page(to.into(), String::new())
}

fn file(to: &str) -> Target {
    Target::File(to.into(), String::new())
}

fn slug_of(lib: &Library, source: &str) -> String {
    let a = lib.assets.iter().find(|a| a.source == Path::new(source));
    a.unwrap().slug.clone()
}

fn plain() -> Library {
    let plan = PLAN.to_string();
    in_memory(&[
        ("plan.toml", &plan),
        ("content/a/b.md", "---\ntitle: B\n---\n[c](../c.markdown)\n"),
        ("content/c.markdown", PAGE),
        ("content/d.mdx", PAGE),
        ("content/x/index.md", PAGE),
        ("content/y/_index.md", PAGE),
        ("content/a/chart.png", "png"),
        ("content/a/my file.png", "png"),
        ("content/img/p.png", "png"),
        ("static/logo.png", "png"),
    ])
}

#[test]
fn relative_links_lead_to_pages_and_files_as_the_source_file_reads_them() {
    let lib = plain();
    let map = LinkMap::new(&lib);
    let from = Path::new("content/a/b.md");
    let c = slug_of(&lib, "content/c.markdown");
    for (url, target) in [
        ("../c.markdown", page(&c)),
        ("./../c.markdown", page(&c)),
        ("../d.mdx", page(&slug_of(&lib, "content/d.mdx"))),
        ("../x/index.md", page("x")),
        ("../y/_index.md", page("y")),
        ("../x/", page("x")),
        ("../x", page("x")),
        ("../y/index.html", page("y")),
        ("../c.html", page(&c)),
        ("b.md", page("a/b")),
        ("", Target::Outside),
        ("?q=1", Target::Outside),
        (
            "../d.mdx#pricing",
            Target::Page(slug_of(&lib, "content/d.mdx"), "#pricing".into()),
        ),
        ("chart.png", file("a/chart.png")),
        ("./chart.png?v=2", file("a/chart.png")),
        ("my%20file.png", file("a/my file.png")),
        ("../img/p.png", file("img/p.png")),
        ("../../static/logo.png", file("logo.png")),
        ("../img/nope.png", Target::Missing(Missing::NoFile)),
        ("../../../x.md", Target::Missing(Missing::OutsideRoot)),
        // A plain library's root links are the host site's.
        ("/logo.png", Target::Outside),
    ] {
        assert_eq!(map.resolve(url, from), target, "{url}");
    }
}

#[test]
fn links_are_written_relative_to_the_page() {
    let lib = plain();
    let map = LinkMap::new(&lib);
    let from = Path::new("content/a/b.md");
    let c = slug_of(&lib, "content/c.markdown");
    assert_eq!(
        map.href("../c.markdown#x", from, "a/b"),
        Some(format!("../../../library/{c}/#x"))
    );
    assert_eq!(
        map.href("chart.png", from, "a/b").as_deref(),
        Some("../../../a/chart.png")
    );
    assert_eq!(map.href("nope.png", from, "a/b"), None);
    assert_eq!(
        map.href("c.markdown", Path::new("content/d.mdx"), "d"),
        Some(format!("../../library/{c}/"))
    );
}

fn adopted() -> Library {
    let plan = format!(
        "{PLAN}\n[content]\ndir = \"docs\"\nstatic = [\"static\", \"assets\"]\nurl_prefix = \"/handbook/\"\n"
    );
    in_memory(&[
        ("plan.toml", &plan),
        ("docs/sales/guide.md", PAGE),
        ("docs/sales/img/roi.png", "png"),
        ("docs/intro.md", PAGE),
        ("docs/team/index.md", PAGE),
        ("assets/logo.png", "png"),
        ("static/favicon.ico", "ico"),
    ])
}

#[test]
fn root_links_resolve_under_the_url_prefix_as_content_paths_and_in_static_folders() {
    let lib = adopted();
    let map = LinkMap::new(&lib);
    let from = Path::new("docs/sales/guide.md");
    for (url, target) in [
        ("/handbook/intro/", page("intro")),
        ("/handbook/intro", page("intro")),
        ("/handbook/intro.html", page("intro")),
        ("/handbook/team/", page("team")),
        ("/handbook/sales/img/roi.png", file("sales/img/roi.png")),
        ("/handbook", Target::Missing(Missing::NoFile)),
        ("/handbook/gone/", Target::Missing(Missing::NoFile)),
        // What Hugo's `ref "/intro.md"` becomes.
        ("/intro.md", page("intro")),
        ("/logo.png", file("logo.png")),
        ("/favicon.ico", file("favicon.ico")),
        // A static folder served as itself, as Jekyll serves `assets/`.
        ("/assets/logo.png", file("logo.png")),
        // The host site's, outside the prefix.
        ("/pricing/", Target::Outside),
        ("../intro.md", page("intro")),
        ("img/roi.png", file("sales/img/roi.png")),
        // Not beside the file: a page from the content folder, as Hugo's `ref` reads it.
        ("team/index.md", page("team")),
        ("intro", page("intro")),
        ("sales/img/roi.png", Target::Missing(Missing::NoFile)),
        ("../../assets/logo.png", file("logo.png")),
    ] {
        assert_eq!(map.resolve(url, from), target, "{url}");
    }
}

#[test]
fn a_link_to_nothing_is_a_warning_at_its_place_with_a_suggestion() {
    let plan = PLAN.to_string();
    let lib = in_memory(&[
        ("plan.toml", &plan),
        (
            "content/a.md",
            "---\ntitle: A\n---\nSee [b](b.md), [gone](gone.md) and\n![chart](chrat.png) [env](../.env) [up](../../x.md)\n\n[folder](sub/)\n",
        ),
        ("content/b.md", PAGE),
        ("content/chart.png", "png"),
        ("content/sub/notes.txt", "txt"),
        (".env", "SECRET=1"),
    ]);
    let got: Vec<String> = warnings(&lib)
        .iter()
        .map(|d| {
            format!(
                "{}:{} {} {} {}",
                d.line.unwrap(),
                d.col.unwrap(),
                d.code,
                d.message,
                d.help.as_deref().unwrap_or("")
            )
        })
        .collect();
    assert_eq!(got.len(), 5, "{got:#?}");
    assert!(
        got[0].starts_with("4:16 W0410 unresolved link: `gone.md` is no page or file"),
        "{got:#?}"
    );
    assert!(
        got[1].starts_with("5:1 W0410 unresolved image: `chrat.png`")
            && got[1].contains("did you mean `chart.png`?"),
        "{got:#?}"
    );
    assert!(
        got[2].starts_with(
            "5:21 W0411 unresolved link: `../.env` is a file covermap does not publish"
        ),
        "{got:#?}"
    );
    assert!(
        got[3].starts_with(
            "5:36 W0411 unresolved link: `../../x.md` leads out of the library's root"
        ),
        "{got:#?}"
    );
}

#[test]
fn a_library_without_local_links_builds_no_map() {
    let plan = PLAN.to_string();
    let lib = in_memory(&[
        ("plan.toml", &plan),
        (
            "content/a.md",
            "---\ntitle: A\n---\n[web](https://example.org/a.md) [top](#top)\n",
        ),
    ]);
    assert!(lib.assets[0].links.is_empty());
    assert!(LinkMap::of(&lib).is_none());
    assert!(warnings(&lib).is_empty());
}

#[test]
fn normalizing_keeps_to_the_root() {
    assert_eq!(
        normalize("content/a", "../b/./c.md").as_deref(),
        Some("content/b/c.md")
    );
    assert_eq!(normalize("content", "x/").as_deref(), Some("content/x/"));
    assert_eq!(normalize("content", "../../x"), None);
    assert_eq!(normalize("", "a//b").as_deref(), Some("a/b"));
}
