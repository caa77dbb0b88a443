//! Loading through each source gives the same library and diagnostics; a file gone
//! since listing is an error of its own; the asset cache serves any source.

use super::*;
use crate::source::{GitTree, Memory};

/// A file that vanishes between listing the folder and reading it (an editor saving,
/// a `git checkout` running) is an error naming it, and the other files are read.
#[test]
fn a_file_gone_since_listing_is_an_error_and_the_rest_are_read() {
    let dir = tempfile::tempdir().unwrap();
    let content = dir.path().join("content");
    std::fs::create_dir_all(&content).unwrap();
    for name in ["a.md", "b.md", "c.md"] {
        std::fs::write(content.join(name), "---\ntitle: x\n---\n").unwrap();
    }
    let disk = Disk::new(dir.path());
    let mut diags = Diagnostics::default();
    let walked = walk::walk(&disk, None, "", &mut diags);
    assert_eq!(walked.markdown.len(), 3);

    std::fs::remove_file(content.join("b.md")).unwrap();
    let results: Vec<_> = walked
        .markdown
        .iter()
        .map(|rel| {
            let source = Path::new("content").join(rel);
            read_asset_file(&disk, &source, rel, None, ReadOptions::default())
        })
        .collect();

    let errors: Vec<String> = results
        .iter()
        .flat_map(|(_, ds)| ds.iter().map(|d| d.render(false)))
        .collect();
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(
        errors[0]
            .starts_with("content/b.md: error: cannot read the file: No such file or directory"),
        "{errors:?}"
    );
    assert!(
        errors[0].contains("help: check that it exists"),
        "{errors:?}"
    );
}

const PLAN: &str = "[site]\ntitle = \"T\"\n\n[plan]\ntitle = \"P\"\nas_of = 2026-11-01\n\n[[stages]]\nid = \"aware\"\nname = \"Aware\"\n\n[[personas]]\nid = \"cfo\"\nname = \"CFO\"\n\n[[segments]]\nid = \"smb\"\nname = \"SMB\"\npipeline = 1000\n";

/// The files of [`memory_library`], hidden ones too.
const MEMORY_FILES: &[(&str, &[u8])] = &[
    ("plan.toml", PLAN.as_bytes()),
    (
        "content/a.md",
        b"---\ntitle: A\npersonas: all\nsegments: all\nstages: all\n---\nBody A\n",
    ),
    ("content/sub/b.md", b"---\ntitle: B\n---\n"),
    ("content/sub/deck.pdf", b"%PDF"),
    ("content/.hidden.md", b"not read"),
    ("static/logo.svg", b"<svg/>"),
];

fn memory_library() -> Memory {
    MEMORY_FILES.iter().copied().collect()
}

/// Writes the files of [`memory_library`] into the folder `dir`.
fn write_memory_files(dir: &Path) {
    for (rel, bytes) in MEMORY_FILES {
        let path = dir.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, bytes).unwrap();
    }
}

#[test]
fn a_library_loads_from_memory_as_from_disk() {
    let memory = memory_library();
    let dir = tempfile::tempdir().unwrap();
    write_memory_files(dir.path());
    let options = LoadOptions::default();
    let (from_memory, d1) = load_from(Arc::new(memory), &options, None);
    let (from_disk, d2) = load(dir.path(), &options);
    let render = |ds: &Diagnostics| ds.iter().map(|d| d.render(false)).collect::<Vec<_>>();
    assert_eq!(render(&d1), render(&d2));
    assert!(!d1.has_errors(), "{:?}", render(&d1));
    let (m, d) = (from_memory.unwrap(), from_disk.unwrap());
    let slugs = |l: &Library| l.assets.iter().map(|a| a.slug.clone()).collect::<Vec<_>>();
    assert_eq!(slugs(&m), ["a", "sub/b"]);
    assert_eq!(slugs(&m), slugs(&d));
    assert_eq!(m.attachments, [Path::new("sub/deck.pdf")]);
    assert_eq!(m.attachments, d.attachments);
    assert_eq!(m.static_files, d.static_files);
    assert_eq!(m.root, Path::new(""));
    assert_eq!(m.read_body(Path::new("content/a.md")).unwrap(), "Body A\n");
    assert_eq!(
        d.read_body(Path::new("content/a.md")).unwrap(),
        m.read_body(Path::new("content/a.md")).unwrap()
    );
}

#[test]
fn a_missing_plan_names_the_source() {
    let memory: Memory = [("content/a.md", "---\ntitle: A\n---\n")]
        .into_iter()
        .collect();
    let (library, diags) = load_from(Arc::new(memory), &LoadOptions::default(), None);
    assert!(library.is_none());
    let first = diags.iter().next().map(|d| d.message.clone());
    assert_eq!(
        first.as_deref(),
        Some("no plan.toml in the in-memory library")
    );
}

/// The cache takes an unchanged file's asset from memory, whatever the source.
#[test]
fn the_asset_cache_reuses_unchanged_files_of_any_source() {
    let cache = AssetCache::default();
    let options = LoadOptions::default();
    let mut memory = memory_library();
    let (library, _) = load_from(Arc::new(memory.clone()), &options, Some(&cache));
    assert_eq!(library.map(|l| l.assets.len()), Some(2));
    assert_eq!(cache.parsed(), 2);
    memory.insert("content/a.md", "---\ntitle: A2\n---\n");
    let (library, _) = load_from(Arc::new(memory), &options, Some(&cache));
    let titles: Vec<String> = library
        .map(|l| l.assets.iter().map(|a| a.title.clone()).collect())
        .unwrap_or_default();
    assert_eq!(titles, ["A2", "B"]);
    assert_eq!(cache.parsed(), 3);
}

/// A revision of a git repository loads as its files would from a checkout, however
/// the work tree has moved on since.
#[test]
fn a_library_loads_from_a_git_revision_as_from_its_checkout() {
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path();
    let lib = repo.join("docs/library");
    write_memory_files(&lib);
    let git = |args: &[&str]| {
        let out = std::process::Command::new("git")
            .args([
                "-c",
                "user.name=covermap",
                "-c",
                "user.email=test@example.com",
            ])
            .args(["-c", "commit.gpgsign=false"])
            .arg("-C")
            .arg(repo)
            .args(args)
            .output()
            .unwrap();
        assert!(out.status.success(), "{out:?}");
    };
    git(&["init", "-q"]);
    git(&["add", "-A"]);
    git(&["commit", "-q", "-m", "library"]);
    let options = LoadOptions::default();
    let (on_disk, disk_diags) = load(&lib, &options);
    std::fs::write(lib.join("content/a.md"), "not front matter").unwrap();
    std::fs::remove_file(lib.join("plan.toml")).unwrap();

    let tree = GitTree::open(repo, "HEAD", Path::new("docs/library")).unwrap();
    let (from_git, git_diags) = load_from(Arc::new(tree), &options, None);
    let render = |ds: &Diagnostics| ds.iter().map(|d| d.render(false)).collect::<Vec<_>>();
    assert_eq!(render(&git_diags), render(&disk_diags));
    let (g, d) = (from_git.unwrap(), on_disk.unwrap());
    let titles = |l: &Library| l.assets.iter().map(|a| a.title.clone()).collect::<Vec<_>>();
    assert_eq!(titles(&g), ["A", "B"]);
    assert_eq!(titles(&g), titles(&d));
    assert_eq!(g.attachments, d.attachments);
    assert_eq!(g.static_files, d.static_files);
    assert_eq!(g.read_body(Path::new("content/a.md")).unwrap(), "Body A\n");
}
