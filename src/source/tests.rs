//! Every source answers alike: the same listing, reads, limits and hashes from a
//! folder, a map in memory and a git revision (links and all, where the platform has
//! them); bounded reads and UTF-8 errors as every reader reports them.

use std::path::{Path, PathBuf};
use std::process::Command;

use super::*;
use crate::diagnostics::{Diagnostic, Diagnostics};

fn not_utf8_of(bytes: &[u8]) -> Diagnostic {
    let e = String::from_utf8(bytes.to_vec()).expect_err("not UTF-8");
    not_utf8(Path::new("content/a.md"), &e)
}

#[test]
fn files_over_the_limit_are_refused_without_being_read() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("big.md");
    std::fs::write(&path, vec![b'x'; 3000]).unwrap();
    let err = read_limited(&path, 2048).unwrap_err();
    assert_eq!(err.kind(), std::io::ErrorKind::FileTooLarge);
    assert_eq!(
        err.to_string(),
        "the file is 3 KB, more than the 2 KB covermap reads"
    );
    assert_eq!(read_limited(&path, 3000).unwrap().len(), 3000);
    assert_eq!(read_limited(&path, u64::MAX).unwrap().len(), 3000);
}

#[test]
fn not_utf8_points_at_the_first_bad_byte() {
    let d = not_utf8_of(b"---\ntitle: \"Caf\xe9\"\n---\n");
    assert_eq!(d.location(), "content/a.md:2:12");
    assert_eq!(d.message, "the file is not UTF-8 text");
    assert_eq!(d.source_line.as_deref(), Some("title: \"Caf\u{fffd}\""));
    // A byte-order mark is not a column, as for the readers.
    let d = not_utf8_of(b"\xef\xbb\xbf---\xff\n");
    assert_eq!(d.location(), "content/a.md:1:4");
    // Characters before the bad byte count once each, whatever their length.
    let d = not_utf8_of(
        "é€"
            .as_bytes()
            .iter()
            .copied()
            .chain([0x80])
            .collect::<Vec<_>>()
            .as_slice(),
    );
    assert_eq!(d.location(), "content/a.md:1:3");
}

/// The files every source test lays out, in whatever store the test uses.
const FILES: &[(&str, &str)] = &[
    ("plan.toml", "[site]\n"),
    ("content/a.md", "alpha"),
    ("content/a/b.md", "beta"),
    ("content/a.md.bak", "old"),
    ("content/.hidden/c.md", "hidden"),
    ("content/d.md~", "backup"),
    ("content/z/y/x.pdf", "%PDF"),
    ("static/style.css", "body{}"),
];

fn paths(list: &[PathBuf]) -> Vec<String> {
    list.iter()
        .map(|p| p.to_string_lossy().replace('\\', "/"))
        .collect()
}

/// What every source must answer alike about [`FILES`].
fn check_source(files: &dyn Source) {
    let mut diags = Diagnostics::default();
    let content = files.list(Path::new("content"), &mut diags);
    assert_eq!(
        paths(&content),
        ["a/b.md", "a.md", "a.md.bak", "z/y/x.pdf"],
        "{files:?}"
    );
    // A hidden folder is skipped, never entered, with one warning.
    let warned: Vec<String> = diags
        .iter()
        .map(|d| format!("{}: {}", d.location(), d.message))
        .collect();
    assert_eq!(
        warned,
        ["content/.hidden: hidden folder skipped: never published"],
        "{files:?}"
    );
    let mut diags = Diagnostics::default();
    assert!(files.is_dir(Path::new("content")));
    assert!(files.is_dir(Path::new("content/z/y")));
    assert!(!files.is_dir(Path::new("content/a.md")));
    assert!(!files.is_dir(Path::new("themes")));
    assert!(files.list(Path::new("themes"), &mut diags).is_empty());
    assert_eq!(
        files.read(Path::new("content/a/b.md"), 100).unwrap(),
        b"beta"
    );
    let big = files.read(Path::new("content/a.md"), 2).unwrap_err();
    assert_eq!(big.kind(), std::io::ErrorKind::FileTooLarge, "{files:?}");
    let gone = files.read(Path::new("content/gone.md"), 100).unwrap_err();
    assert_eq!(gone.kind(), std::io::ErrorKind::NotFound, "{files:?}");
    let hash = |rel: &str| files.content_hash(Path::new(rel));
    assert!(hash("content/a.md").is_some());
    assert_ne!(hash("content/a.md"), hash("content/a/b.md"));
    assert_eq!(hash("content/gone.md"), None);
}

fn write_files(root: &Path) {
    for (rel, text) in FILES {
        let path = root.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
}

#[test]
fn a_folder_on_disk_is_a_source() {
    let dir = tempfile::tempdir().unwrap();
    write_files(dir.path());
    let disk = Disk::new(dir.path());
    check_source(&disk);
    let stamp = disk.stamp(Path::new("content/a.md")).unwrap();
    assert_eq!(stamp.len, 5);
    assert_eq!(
        disk.disk_path(Path::new("static/style.css")),
        Some(dir.path().join("static/style.css"))
    );
}

#[test]
fn a_map_in_memory_is_a_source() {
    let memory: Memory = FILES.iter().copied().collect();
    check_source(&memory);
    assert_eq!(memory.stamp(Path::new("content/a.md")), None);
    assert_eq!(memory.disk_path(Path::new("content/a.md")), None);
    // Hashed as the disk hashes a file, so a cache compares the two alike.
    let dir = tempfile::tempdir().unwrap();
    write_files(dir.path());
    let rel = Path::new("content/a.md");
    assert_eq!(
        memory.content_hash(rel),
        Disk::new(dir.path()).content_hash(rel)
    );
}

/// Runs git in `repo` with a fixed identity, as a test's own repository needs.
fn git(repo: &Path, args: &[&str]) {
    let out = Command::new("git")
        .args([
            "-c",
            "user.name=covermap",
            "-c",
            "user.email=test@example.com",
        ])
        .args([
            "-c",
            "commit.gpgsign=false",
            "-c",
            "init.defaultBranch=main",
        ])
        .arg("-C")
        .arg(repo)
        .args(args)
        .output()
        .expect("git runs");
    assert!(out.status.success(), "git {args:?}: {out:?}");
}

/// A repository with the library in `lib/`, committed, then changed in the work tree.
fn repository() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path();
    git(repo, &["init", "-q"]);
    let lib = repo.join("lib");
    write_files(&lib);
    std::fs::write(repo.join("outside.md"), "outside").unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::symlink;
        symlink("../a.md", lib.join("content/z/link.md")).unwrap();
        symlink("../../outside.md", lib.join("content/out.md")).unwrap();
        symlink("a", lib.join("content/folder-link")).unwrap();
        symlink("loop2.md", lib.join("content/loop1.md")).unwrap();
        symlink("loop1.md", lib.join("content/loop2.md")).unwrap();
    }
    git(repo, &["add", "-A"]);
    git(repo, &["commit", "-q", "-m", "library"]);
    // The work tree moves on; the revision is what is read.
    std::fs::write(lib.join("content/a.md"), "changed since").unwrap();
    std::fs::write(lib.join("content/new.md"), "not committed").unwrap();
    dir
}

#[test]
fn a_git_revision_is_a_source() {
    let dir = repository();
    let tree = GitTree::open(dir.path(), "HEAD", Path::new("lib")).unwrap();
    assert_eq!(tree.read(Path::new("content/a.md"), 100).unwrap(), b"alpha");
    assert_eq!(tree.disk_path(Path::new("content/a.md")), None);
    let stamp = tree.stamp(Path::new("content/a.md")).unwrap();
    assert_eq!(stamp.len, 5);
    assert!(stamp.settled(std::time::SystemTime::UNIX_EPOCH));
    assert!(
        tree.describe().starts_with("HEAD:lib of "),
        "{}",
        tree.describe()
    );

    #[cfg(unix)]
    {
        let mut diags = Diagnostics::default();
        let listed = tree.list(Path::new("content"), &mut diags);
        assert_eq!(
            paths(&listed),
            ["a/b.md", "a.md", "a.md.bak", "z/link.md", "z/y/x.pdf"]
        );
        // A link inside the library reads its target's bytes.
        assert_eq!(
            tree.read(Path::new("content/z/link.md"), 100).unwrap(),
            b"alpha"
        );
        let warnings: Vec<String> = diags
            .iter()
            .map(|d| format!("{}: {}", d.location(), d.message))
            .collect();
        assert_eq!(
            warnings,
            [
                "content/.hidden: hidden folder skipped: never published",
                "content/folder-link: symbolic link to a folder skipped",
                "content/loop1.md: symbolic link loop skipped",
                "content/loop2.md: symbolic link loop skipped",
                "content/out.md: symbolic link out of content/ and static/ (or broken) skipped: it points to `../../outside.md`, which is never read",
            ]
        );
        // The disk lists the same, with the same warnings (after the work tree's own
        // changes are undone).
        git(dir.path(), &["checkout", "-q", "--", "."]);
        std::fs::remove_file(dir.path().join("lib/content/new.md")).unwrap();
        let mut disk_diags = Diagnostics::default();
        let disk = Disk::new(&dir.path().join("lib"));
        assert_eq!(disk.list(Path::new("content"), &mut disk_diags), listed);
        let disk_warnings: Vec<String> = disk_diags
            .iter()
            .map(|d| format!("{}: {}", d.location(), d.message))
            .collect();
        assert_eq!(disk_warnings, warnings);
    }
    #[cfg(not(unix))]
    check_source(&tree);

    // The same content has the same hash in any revision.
    let top = GitTree::open(dir.path(), "HEAD", Path::new("")).unwrap();
    assert_eq!(
        top.content_hash(Path::new("lib/content/a.md")),
        tree.content_hash(Path::new("content/a.md"))
    );
    assert_eq!(top.read(Path::new("outside.md"), 100).unwrap(), b"outside");
}

#[test]
fn a_git_revision_answers_as_every_source() {
    let dir = tempfile::tempdir().unwrap();
    git(dir.path(), &["init", "-q"]);
    write_files(dir.path());
    git(dir.path(), &["add", "-A"]);
    git(dir.path(), &["commit", "-q", "-m", "files"]);
    let tree = GitTree::open(dir.path(), "main", Path::new("")).unwrap();
    check_source(&tree);
}

#[test]
fn a_bad_revision_is_an_error_not_a_panic() {
    let dir = repository();
    for rev in ["no-such-branch", "--output=x", ""] {
        let e = GitTree::open(dir.path(), rev, Path::new("lib")).unwrap_err();
        assert!(!e.to_string().is_empty(), "{rev}");
    }
    let missing = tempfile::tempdir().unwrap();
    assert!(GitTree::open(missing.path(), "HEAD", Path::new("")).is_err());
}

/// The warnings of a listing, as `location: message`.
fn warned(diags: &Diagnostics) -> Vec<String> {
    diags
        .iter()
        .map(|d| format!("{}: {}", d.location(), d.message))
        .collect()
}

/// A git revision keeps the rules that keep secrets unpublished exactly as a folder on
/// disk does: links followed only to a file inside content/ or static/ that is not
/// hidden, hidden files and folders skipped with a warning, static/.well-known/ and
/// static/.nojekyll kept.
#[cfg(unix)]
#[test]
fn git_and_disk_publish_nothing_private() {
    use std::os::unix::fs::symlink;
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path();
    git(repo, &["init", "-q"]);
    let lib = repo.join("lib");
    for (rel, text) in [
        ("plan.toml", "[site]\n"),
        ("secrets/token.txt", "TOKEN"),
        ("content/a.md", "alpha"),
        ("content/.env", "API_KEY=1"),
        ("content/.ssh/id_rsa", "KEY"),
        ("content/.ssh/id_rsa.pub", "PUB"),
        ("content/sub/.git-credentials", "CRED"),
        ("static/style.css", "body{}"),
        ("static/.env", "API_KEY=2"),
        ("static/.htaccess", "deny"),
        ("static/.nojekyll", ""),
        ("static/.well-known/security.txt", "Contact: x"),
        ("static/.well-known/.private", "no"),
    ] {
        let path = lib.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    let content = lib.join("content");
    symlink("../../.git/config", content.join("leak.md")).unwrap();
    symlink("../secrets/", content.join("x")).unwrap();
    symlink("/etc/passwd", content.join("abs.md")).unwrap();
    symlink("../plan.toml", content.join("plan.md")).unwrap();
    symlink("../static/.env", content.join("env.md")).unwrap();
    symlink("../static/style.css", content.join("style.css")).unwrap();
    symlink("a.md", content.join("b.md")).unwrap();
    symlink(".env", content.join("visible-env")).unwrap();
    git(repo, &["add", "-A"]);
    git(repo, &["commit", "-q", "-m", "library"]);

    let tree = GitTree::open(repo, "HEAD", Path::new("lib")).unwrap();
    let disk = Disk::new(&lib);
    let sources: [&dyn Source; 2] = [&tree, &disk];
    for files in sources {
        let mut diags = Diagnostics::default();
        let listed = files.list(Path::new("content"), &mut diags);
        assert_eq!(paths(&listed), ["a.md", "b.md", "style.css"], "{files:?}");
        assert_eq!(
            warned(&diags),
            [
                "content/.env: hidden file skipped: never published",
                "content/.ssh: hidden folder skipped: never published",
                "content/abs.md: symbolic link out of content/ and static/ (or broken) skipped: it points to `/etc/passwd`, which is never read",
                "content/env.md: symbolic link to a hidden file skipped: it points to `../static/.env`, which is never read",
                "content/leak.md: symbolic link out of content/ and static/ (or broken) skipped: it points to `../../.git/config`, which is never read",
                "content/plan.md: symbolic link out of content/ and static/ (or broken) skipped: it points to `../plan.toml`, which is never read",
                "content/sub/.git-credentials: hidden file skipped: never published",
                "content/visible-env: symbolic link to a hidden file skipped: it points to `.env`, which is never read",
                "content/x: symbolic link out of content/ and static/ (or broken) skipped: it points to `../secrets/`, which is never read",
            ],
            "{files:?}"
        );
        assert!(diags.iter().all(|d| !d.is_error()));
        let mut diags = Diagnostics::default();
        let listed = files.list(Path::new("static"), &mut diags);
        assert_eq!(
            paths(&listed),
            [".nojekyll", ".well-known/security.txt", "style.css"],
            "{files:?}"
        );
        assert_eq!(
            warned(&diags),
            [
                "static/.env: hidden file skipped: never published",
                "static/.htaccess: hidden file skipped: never published",
                "static/.well-known/.private: hidden file skipped: never published",
            ],
            "{files:?}"
        );
        let codes: Vec<&str> = diags.iter().map(|d| d.code.as_str()).collect();
        assert_eq!(codes, ["W0107", "W0107", "W0107"]);
    }
}

/// A pruned folder is not entered on disk, and dropped alike from memory: an adopted
/// repo's `node_modules/` costs nothing to list.
#[test]
fn pruned_folders_are_left_out_by_every_source() {
    let dir = tempfile::tempdir().unwrap();
    let files = [
        "a.md",
        "node_modules/x/b.md",
        "docs/c.md",
        "docs/node_modules/d.md",
    ];
    for f in files {
        let p = dir.path().join(f);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, "x").unwrap();
    }
    let memory: Memory = files.iter().map(|&f| (f, "x")).collect();
    let prune = |d: &Path| d == Path::new("node_modules");
    for source in [&Disk::new(dir.path()) as &dyn Source, &memory] {
        let mut diags = Diagnostics::default();
        let listed = source.list_pruned(Path::new(""), &prune, &mut diags);
        let want: Vec<PathBuf> = ["a.md", "docs/c.md", "docs/node_modules/d.md"]
            .iter()
            .map(PathBuf::from)
            .collect();
        assert_eq!(listed, want, "{}", source.describe());
    }
}
