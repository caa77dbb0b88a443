//! Which files are content once a repo is adopted (issue 14, `[content]` and
//! `[build] out`): on copies of the fixture repos after `init --from`, loading lists
//! exactly the Markdown pages each holds (counted here from the fixture's own files),
//! never the generators' output folders nor `.git`; on small libraries of covermap's
//! own, `build` writes to `[build] out` with a `.gitignore` there, builds twice with the
//! output inside the content folder, applies include/exclude, warns about a glob that
//! matches nothing, and drops an MDX file's `import`/`export` lines.

use std::path::{Path, PathBuf};

use crate::common::{covermap, read, small_plan};

/// Copies a fixture whole: its built-site folders are part of what is tested.
fn copy_repo(name: &str) -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    let from = crate::common::fixtures().join("adopt").join(name);
    for e in walkdir::WalkDir::new(&from).into_iter().map(Result::unwrap) {
        let dest = tmp.path().join(e.path().strip_prefix(&from).unwrap());
        if e.file_type().is_dir() {
            std::fs::create_dir_all(&dest).unwrap();
        } else {
            std::fs::copy(e.path(), &dest).unwrap();
        }
    }
    tmp
}

/// The Markdown pages of a fixture, counted from its files: `(content folder, folders
/// that are not pages)`; README.md at a root content folder is the repo's, not a page.
fn pages_of(root: &Path, dir: &str, not_pages: &[&str]) -> Vec<PathBuf> {
    let base = root.join(dir);
    let mut pages: Vec<PathBuf> = walkdir::WalkDir::new(&base)
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| e.file_type().is_file())
        .map(|e| e.path().strip_prefix(&base).unwrap().to_path_buf())
        .filter(|rel| {
            let ext = rel.extension().and_then(|e| e.to_str()).unwrap_or("");
            ["md", "markdown", "mdx"].contains(&ext)
        })
        .filter(|rel| {
            !rel.components().any(|c| {
                let c = c.as_os_str().to_string_lossy();
                c.starts_with('.') || not_pages.contains(&c.as_ref())
            })
        })
        .filter(|rel| !(dir == "." && rel == Path::new("README.md")))
        .collect();
    pages.sort();
    pages
}

#[test]
fn each_adopted_fixture_lists_exactly_its_markdown_pages() {
    let cases: &[(&str, &str, &[&str])] = &[
        ("hugo", "content", &[]),
        ("cjk", "content", &[]),
        ("eleventy", "src", &["_includes"]),
        ("plain", "docs", &[]),
        ("jekyll", ".", &["_site", "_includes", "_layouts"]),
        ("docusaurus", ".", &["build", "static", "node_modules"]),
    ];
    for (name, dir, not_pages) in cases {
        let tmp = copy_repo(name);
        let root = tmp.path();
        // A repository's own folder: never content, whatever it holds.
        std::fs::create_dir_all(root.join(".git")).unwrap();
        std::fs::write(root.join(".git/notes.md"), "# not a page\n").unwrap();
        covermap([Path::new("init"), Path::new("--from"), root]).success();
        let plan = read(&root.join("plan.toml"));
        assert!(plan.contains(&format!("dir = \"{dir}\"")), "{name}: {plan}");
        let (walked, diags) = covermap::library::list_content(root);
        let expected = pages_of(root, dir, not_pages);
        assert!(!expected.is_empty(), "{name}");
        let mut listed = walked.markdown.clone();
        listed.sort();
        assert_eq!(listed, expected, "{name}");
        for p in walked.markdown.iter().chain(&walked.attachments) {
            let first = p.components().next().unwrap().as_os_str().to_string_lossy();
            assert!(
                !["public", "_site", "build", ".git", ".docusaurus"].contains(&first.as_ref()),
                "{name} read {}",
                p.display()
            );
        }
        let shown: Vec<String> = diags.iter().map(|d| d.render(false)).collect();
        assert!(
            !shown
                .iter()
                .any(|d| d.contains("W0108") || d.contains("matches no file")),
            "{name}: {shown:?}"
        );
    }
}

/// A library with covermap's own front matter, adopted in place: content at the root,
/// the output folder inside it, files git ignores beside the pages.
fn root_library() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    let plan = format!(
        "{}\n[build]\nout = \"site\"\n\n[content]\ndir = \".\"\nexclude = [\"README.md\", \"drafts/**\"]\n",
        small_plan("")
    );
    let page = |title: &str| {
        format!(
            "---\ntitle: {title}\npersona: champion\nstage: decision\nsegment: smb\n---\nBody of {title}.\n"
        )
    };
    let files: Vec<(&str, String)> = vec![
        ("plan.toml", plan),
        ("README.md", "# The repo's readme, no front matter\n".into()),
        ("battlecard.md", page("Battlecard")),
        ("guides/pricing.markdown", page("Pricing guide")),
        (
            "drafts/wip.md",
            "no front matter: would fail if read\n".into(),
        ),
        (
            "public/old.md",
            "another generator's output: never read\n".into(),
        ),
        (".git/HEAD.md", "never read\n".into()),
        ("package.json", "{}\n".into()),
        (
            "node_modules/pkg/README.md",
            "a package's readme: never read\n".into(),
        ),
        (".gitignore", "# local notes\nnotes/\n*.log.md\n".into()),
        ("notes/todo.md", "ignored by git: never read\n".into()),
        ("guides/debug.log.md", "ignored by git: never read\n".into()),
    ];
    for (path, text) in files {
        let p = root.join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
    tmp
}

fn build(root: &Path) -> crate::common::Run {
    covermap([Path::new("build"), Path::new("--root"), root])
}

fn site_text(out: &Path) -> String {
    walkdir::WalkDir::new(out)
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| e.file_type().is_file())
        .filter(|e| e.path().extension().is_some_and(|x| x == "html"))
        .map(|e| read(e.path()))
        .collect()
}

#[test]
fn a_root_content_folder_builds_into_build_out_twice_with_a_gitignore_there() {
    let tmp = root_library();
    let root = tmp.path();
    for round in 0..2 {
        let run = build(root);
        run.success();
        run.stderr_contains("0 error(s), 0 warning(s)");
        let out = root.join("site");
        assert_eq!(read(&out.join(".gitignore")), "*\n", "round {round}");
        let manifest = read(&out.join(".covermap-manifest"));
        assert!(manifest.lines().any(|l| l == ".gitignore"), "{manifest}");
        let html = site_text(&out);
        assert!(html.contains("Body of Battlecard.") && html.contains("Body of Pricing guide."));
        assert!(!html.contains("readme") && !html.contains("never read"));
        assert!(
            !root.join("public/index.html").exists(),
            "public/ is not the output"
        );
    }
    let (walked, _) = covermap::library::list_content(root);
    assert_eq!(
        walked.markdown,
        [
            PathBuf::from("battlecard.md"),
            PathBuf::from("guides/pricing.markdown")
        ]
    );
}

#[test]
fn out_given_on_the_command_line_wins_and_is_never_read_either() {
    let tmp = root_library();
    let root = tmp.path();
    let out = root.join("elsewhere");
    for _ in 0..2 {
        covermap([
            Path::new("build"),
            Path::new("--root"),
            root,
            Path::new("--out"),
            &out,
        ])
        .success();
    }
    assert!(out.join(".covermap-manifest").is_file());
    // A folder another covermap build wrote, by its manifest: not content either.
    std::fs::create_dir_all(root.join("old-site")).unwrap();
    std::fs::write(root.join("old-site/.covermap-manifest"), "page.md\n").unwrap();
    std::fs::write(root.join("old-site/page.md"), "never read\n").unwrap();
    let (walked, _) = covermap::library::list_content(root);
    assert_eq!(
        walked.markdown,
        [
            PathBuf::from("battlecard.md"),
            PathBuf::from("guides/pricing.markdown")
        ]
    );
    assert!(
        !out.join(".gitignore").exists(),
        "only [build] out gets one"
    );
    assert!(!root.join("site").exists());
}

#[test]
fn include_keeps_only_matching_files_and_a_glob_matching_nothing_warns() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    let plan = format!(
        "{}\n[content]\ndir = \"docs\"\ninclude = [\"sales/**\"]\nexclude = [\"sales/old-*.md\", \"archive/**\"]\n",
        small_plan("")
    );
    std::fs::write(root.join("plan.toml"), &plan).unwrap();
    for p in ["docs/sales/a.md", "docs/sales/old-b.md", "docs/hr/c.md"] {
        std::fs::create_dir_all(root.join(p).parent().unwrap()).unwrap();
        std::fs::write(root.join(p), "---\ntitle: x\n---\n").unwrap();
    }
    let (walked, diags) = covermap::library::list_content(root);
    assert_eq!(walked.markdown, [PathBuf::from("sales/a.md")]);
    let shown: Vec<String> = diags.iter().map(|d| d.render(false)).collect();
    let line = plan.lines().position(|l| l.starts_with("exclude")).unwrap() + 1;
    assert_eq!(shown.len(), 1, "{shown:?}");
    assert!(
        shown[0].starts_with(&format!("plan.toml:{line}:"))
            && shown[0].contains("exclude glob `archive/**` matches no file in docs/")
            && shown[0].contains("W0108"),
        "{shown:?}"
    );
}

#[test]
fn files_beside_pages_in_an_adopted_content_folder_are_published() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    let plan = format!("{}\n[content]\ndir = \"docs\"\n", small_plan(""));
    std::fs::write(root.join("plan.toml"), &plan).unwrap();
    std::fs::create_dir_all(root.join("docs/guide")).unwrap();
    std::fs::write(
        root.join("docs/guide/index.md"),
        "---\ntitle: Guide\n---\n![chart](chart.png)\n",
    )
    .unwrap();
    std::fs::write(root.join("docs/guide/chart.png"), b"\x89PNG chart").unwrap();
    std::fs::write(root.join("package.json"), "{}").unwrap();
    let out = root.join("out");
    covermap([
        Path::new("build"),
        Path::new("--root"),
        root,
        Path::new("--out"),
        &out,
    ])
    .success();
    assert_eq!(
        std::fs::read(out.join("guide/chart.png")).unwrap(),
        b"\x89PNG chart"
    );
    assert!(!out.join("package.json").exists());
}

#[test]
fn mdx_import_and_export_lines_are_dropped() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    std::fs::write(root.join("plan.toml"), small_plan("")).unwrap();
    std::fs::create_dir_all(root.join("content")).unwrap();
    std::fs::write(
        root.join("content/faq.mdx"),
        "---\ntitle: Security FAQ\npersona: champion\nstage: decision\nsegment: smb\n---\nimport Tabs from '@theme/Tabs';\nexport const meta = { a: 1 };\n\nThe answers to security questions.\n",
    )
    .unwrap();
    let out = root.join("out");
    covermap([
        Path::new("build"),
        Path::new("--root"),
        root,
        Path::new("--out"),
        &out,
    ])
    .success();
    let html = site_text(&out);
    assert!(
        html.contains("The answers to security questions."),
        "{html}"
    );
    assert!(!html.contains("@theme/Tabs") && !html.contains("const meta"));
}

#[test]
fn extensions_choose_the_markdown_and_a_missing_content_folder_is_named() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    let plan = format!(
        "{}\n[content]\ndir = \"pages\"\nextensions = [\".markdown\"]\n",
        small_plan("")
    );
    std::fs::write(root.join("plan.toml"), &plan).unwrap();
    let line = plan.lines().position(|l| l.starts_with("dir =")).unwrap() + 1;
    covermap([Path::new("check"), Path::new("--root"), root])
        .code(1)
        .stderr_contains(&format!(
            "plan.toml:{line}:7: error: [content] dir `pages` is not a folder in"
        ))
        .stderr_contains("[E0102]");
    for p in ["pages/a.markdown", "pages/b.md", "pages/c.MARKDOWN"] {
        std::fs::create_dir_all(root.join(p).parent().unwrap()).unwrap();
        std::fs::write(root.join(p), "---\ntitle: x\n---\n").unwrap();
    }
    let (walked, _) = covermap::library::list_content(root);
    assert_eq!(
        walked.markdown,
        [PathBuf::from("a.markdown"), PathBuf::from("c.MARKDOWN")]
    );
    assert_eq!(walked.attachments, [PathBuf::from("b.md")]);
}
