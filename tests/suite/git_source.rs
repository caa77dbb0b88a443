//! The whole pipeline run on a git revision, read through `source::GitTree` without a
//! checkout: the site equals the one built from a folder holding that revision, byte
//! for byte, however the work tree has changed since. Commands that compare revisions
//! (a coverage diff, a trend) stand on this.

use std::path::Path;
use std::process::Command;
use std::sync::Arc;

use covermap::library::LoadOptions;
use covermap::output::{Content, MemorySink};
use covermap::source::GitTree;
use covermap::trace::Trace;

use crate::common::copy_dir;

fn git(dir: &Path, args: &[&str]) {
    let out = Command::new("git")
        .args(["-c", "user.name=t", "-c", "user.email=t@example.com"])
        .args([
            "-c",
            "commit.gpgsign=false",
            "-c",
            "init.defaultBranch=main",
        ])
        .args(args)
        .current_dir(dir)
        .output()
        .expect("git runs");
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A site's files with their bytes, copies read from disk.
fn bytes(sink: MemorySink) -> std::collections::BTreeMap<String, Vec<u8>> {
    sink.into_site()
        .files
        .into_iter()
        .map(|(path, content)| {
            let b = match content {
                Content::Bytes(b) => b.to_vec(),
                Content::Copy(from) => std::fs::read(&from).expect("copied file"),
            };
            (path, b)
        })
        .collect()
}

#[test]
fn a_git_revision_builds_the_site_a_checkout_of_it_would() {
    let repo = tempfile::tempdir().unwrap();
    // The library sits in a subfolder of the repository, as in a monorepo.
    let lib = repo.path().join("sales/library");
    let sample = Path::new(env!("CARGO_MANIFEST_DIR"));
    copy_dir(&sample.join("content"), &lib.join("content"));
    std::fs::copy(sample.join("plan.toml"), lib.join("plan.toml")).unwrap();
    std::fs::create_dir_all(lib.join("static")).unwrap();
    std::fs::write(lib.join("static/robots-note.txt"), "a static file\n").unwrap();
    git(repo.path(), &["init", "-q"]);
    git(repo.path(), &["add", "-A"]);
    git(repo.path(), &["commit", "-q", "-m", "library"]);

    // The committed library, as a plain folder, built the ordinary way.
    let checkout = tempfile::tempdir().unwrap();
    copy_dir(&lib, checkout.path());
    let options = LoadOptions {
        as_of: covermap::date::Date::parse("2026-11-01"),
        ..LoadOptions::default()
    };
    let built = covermap::build(checkout.path(), &options);
    let (_, _, site) = built.site.expect("the sample builds");
    let from_disk = bytes({
        let sink = MemorySink::default();
        for (path, content) in site.files {
            covermap::output::Sink::put(&sink, &path, content).unwrap();
        }
        sink
    });

    // The work tree moves on; the revision does not.
    let first = walkdir::WalkDir::new(lib.join("content"))
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
        .find(|e| e.path().extension().is_some_and(|x| x == "md"))
        .expect("an asset under content/")
        .into_path();
    std::fs::write(&first, "---\ntitle: [broken\n").unwrap();
    std::fs::remove_file(lib.join("plan.toml")).unwrap();

    let source = GitTree::open(repo.path(), "HEAD", Path::new("sales/library")).unwrap();
    let (loaded, diagnostics) = covermap::load_from(
        Arc::new(source),
        &options,
        &Default::default(),
        &Trace::start(),
    );
    assert_eq!(diagnostics.errors(), 0, "{diagnostics:?}");
    let (library, coverage, theme) = loaded.expect("the revision loads");
    let sink = MemorySink::default();
    covermap::render::render(&library, &coverage, &theme, None, None, &sink, None)
        .unwrap_or_else(|_| panic!("the revision renders"));
    let from_git = bytes(sink);

    assert_eq!(
        from_git.keys().collect::<Vec<_>>(),
        from_disk.keys().collect::<Vec<_>>()
    );
    for (path, b) in &from_disk {
        assert!(
            from_git[path] == *b,
            "{path} differs between the revision and its checkout"
        );
    }
    assert!(from_git.contains_key("robots-note.txt"));
}
