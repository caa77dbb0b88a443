//! The output folder's guarantees, on real folders: what a build writes, what it
//! refuses, what a failed build leaves, and what an update changes.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use tempfile::TempDir;

use super::disk::{exchange, replace_by_renames};
use super::guard::SOURCE_DIRS;
use super::manifest::UPDATE_TEMP;
use super::*;

fn site(files: &[(&str, &str)]) -> Site {
    let mut site = Site::default();
    for (path, text) in files {
        site.insert(*path, Content::from(text.as_bytes().to_vec()));
    }
    site
}

/// A library root with content/, static/ and themes/ in a fresh folder.
fn library() -> (TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("lib");
    for source in SOURCE_DIRS {
        fs::create_dir_all(root.join(source)).unwrap();
    }
    fs::write(root.join("content/a.md"), "# A\n").unwrap();
    (dir, root)
}

fn read(path: impl AsRef<Path>) -> String {
    fs::read_to_string(path).unwrap()
}

/// Every file under `dir` with its bytes, by relative path.
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .map(Result::unwrap)
        .filter(|entry| entry.file_type().is_file())
        .map(|entry| {
            let relative = entry.path().strip_prefix(dir).unwrap().to_path_buf();
            (relative, fs::read(entry.path()).unwrap())
        })
        .collect()
}

/// Names in `dir` that are covermap temporary or set-aside folders.
fn leftovers(dir: &Path) -> Vec<String> {
    fs::read_dir(dir)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.contains(".covermap-"))
        .collect()
}

#[test]
fn first_build_writes_files_and_manifest() {
    let (_dir, root) = library();
    let out = root.join("public");
    let site = site(&[("index.html", "home"), ("library/a/index.html", "asset a")]);

    let report = write(&site, &out, &root).unwrap();

    assert_eq!(
        report,
        WriteReport {
            files: 2,
            bytes: 11,
            in_place: None
        }
    );
    assert_eq!(read(out.join("index.html")), "home");
    assert_eq!(read(out.join("library/a/index.html")), "asset a");
    assert_eq!(
        read(out.join(MANIFEST)),
        "index.html\nlibrary/a/index.html\n"
    );
    assert!(leftovers(&root).is_empty());
}

#[test]
fn copies_files_as_is() {
    let (_dir, root) = library();
    fs::write(root.join("static/logo.svg"), "<svg/>").unwrap();
    let out = root.join("public");
    let mut site = Site::default();
    site.insert(
        "static/logo.svg",
        Content::Copy(root.join("static/logo.svg")),
    );

    let report = write(&site, &out, &root).unwrap();

    assert_eq!(
        report,
        WriteReport {
            files: 1,
            bytes: 6,
            in_place: None
        }
    );
    assert_eq!(read(out.join("static/logo.svg")), "<svg/>");
}

#[test]
fn out_folder_is_created_with_its_parents() {
    let (_dir, root) = library();
    let out = root.join("build/site/public");
    write(&site(&[("index.html", "home")]), &out, &root).unwrap();
    assert_eq!(read(out.join("index.html")), "home");
}

#[test]
fn second_build_replaces_files_and_removes_stale_ones() {
    let (_dir, root) = library();
    let out = root.join("public");
    let first = site(&[("index.html", "one"), ("gone/index.html", "old page")]);
    write(&first, &out, &root).unwrap();

    let second = site(&[("index.html", "two"), ("new.html", "new")]);
    write(&second, &out, &root).unwrap();

    assert_eq!(read(out.join("index.html")), "two");
    assert_eq!(read(out.join("new.html")), "new");
    assert!(!out.join("gone").exists());
    assert_eq!(read(out.join(MANIFEST)), "index.html\nnew.html\n");
    assert!(leftovers(&root).is_empty());
}

#[test]
fn exchange_swaps_two_folders_or_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    fs::create_dir(&a).unwrap();
    fs::create_dir(&b).unwrap();
    fs::write(a.join("f"), "a").unwrap();
    fs::write(b.join("f"), "b").unwrap();

    let swapped = exchange(&a, &b);

    let (in_a, in_b) = if swapped { ("b", "a") } else { ("a", "b") };
    assert_eq!(
        (read(a.join("f")), read(b.join("f"))),
        (in_a.into(), in_b.into())
    );
    #[cfg(target_os = "linux")]
    eprintln!("renameat2 exchange supported here: {swapped}");
}

#[test]
fn fallback_renames_replace_the_folder() {
    let dir = tempfile::tempdir().unwrap();
    let (tmp, out, old) = (
        dir.path().join("tmp"),
        dir.path().join("out"),
        dir.path().join("old"),
    );
    fs::create_dir(&tmp).unwrap();
    fs::create_dir(&out).unwrap();
    fs::write(tmp.join("new"), "new").unwrap();
    fs::write(out.join("old"), "old").unwrap();

    replace_by_renames(&tmp, &out, &old).unwrap();

    assert_eq!(read(out.join("new")), "new");
    assert_eq!(read(old.join("old")), "old");
    assert!(!tmp.exists());
}

#[test]
fn folder_with_a_foreign_file_is_refused_and_the_file_kept() {
    let (_dir, root) = library();
    let out = root.join("public");
    write(&site(&[("index.html", "home")]), &out, &root).unwrap();
    fs::write(out.join("notes.txt"), "mine").unwrap();

    let err = write(&site(&[("index.html", "again")]), &out, &root).unwrap_err();

    let OutputError::ForeignFiles { files, more, .. } = &err else {
        panic!("wrong error: {err}");
    };
    assert_eq!(
        (files.as_slice(), *more),
        (&["notes.txt".to_string()][..], 0)
    );
    assert!(
        err.to_string().contains("did not write (notes.txt)"),
        "{err}"
    );
    assert_eq!(read(out.join("notes.txt")), "mine");
    assert_eq!(read(out.join("index.html")), "home");
    assert!(leftovers(&root).is_empty());
}

#[test]
fn folder_without_manifest_is_refused_naming_five_files() {
    let (_dir, root) = library();
    let out = root.join("public");
    fs::create_dir_all(out.join("drafts")).unwrap();
    for n in 1..=6 {
        fs::write(out.join(format!("{n}.txt")), "mine").unwrap();
    }

    let err = write(&site(&[("index.html", "home")]), &out, &root).unwrap_err();

    assert!(
        matches!(err, OutputError::ForeignFiles { more: 2, .. }),
        "{err}"
    );
    let message = err.to_string();
    assert!(
        message.contains("(1.txt, 2.txt, 3.txt, 4.txt, 5.txt, and 2 more)"),
        "{message}"
    );
    assert!(message.contains("choose another --out folder or move those files"));
    assert_eq!(snapshot(&out).len(), 6);
}

#[test]
fn unlisted_folder_is_foreign() {
    let (_dir, root) = library();
    let out = root.join("public");
    write(&site(&[("a/index.html", "a")]), &out, &root).unwrap();
    fs::create_dir(out.join("mine")).unwrap();
    fs::write(out.join("a/extra.txt"), "mine").unwrap();

    let err = write(&site(&[("index.html", "home")]), &out, &root).unwrap_err();

    let OutputError::ForeignFiles { files, .. } = &err else {
        panic!("wrong error: {err}");
    };
    assert_eq!(files, &["a/extra.txt", "mine/"]);
}

#[test]
fn out_that_holds_the_root_is_refused() {
    let (dir, root) = library();
    for out in [
        root.clone(),
        dir.path().to_path_buf(),
        root.join("content/.."),
    ] {
        let err = write(&site(&[("index.html", "x")]), &out, &root).unwrap_err();
        assert!(
            matches!(err, OutputError::HoldsRoot { .. }),
            "{}: {err}",
            out.display()
        );
    }
    assert!(root.join("content/a.md").exists());
    assert!(!root.join("index.html").exists());
}

#[test]
fn out_inside_or_holding_the_sources_is_refused() {
    let (_dir, root) = library();
    let cases = [
        "content",
        "content/out",
        "x/../content/out",
        "./static/site",
        "themes/default/out",
    ];
    for case in cases {
        let out = root.join(case);
        let err = write(&site(&[("index.html", "x")]), &out, &root).unwrap_err();
        assert!(
            matches!(err, OutputError::OverlapsSources { .. }),
            "{case}: {err}"
        );
    }
    assert!(!root.join("content/out").exists());
    assert!(!root.join("x").exists());
    assert!(leftovers(&root.join("content")).is_empty());
    assert_eq!(snapshot(&root.join("content")).len(), 1);
}

#[cfg(unix)]
#[test]
fn out_through_a_symlink_into_content_is_refused() {
    let (dir, root) = library();
    let link = dir.path().join("link");
    std::os::unix::fs::symlink(root.join("content"), &link).unwrap();
    let err = write(&site(&[("index.html", "x")]), &link.join("out"), &root).unwrap_err();
    assert!(matches!(err, OutputError::OverlapsSources { .. }), "{err}");
}

#[cfg(unix)]
#[test]
fn symlinked_out_replaces_its_target_and_keeps_the_link() {
    let (dir, root) = library();
    let real = dir.path().join("real");
    let link = root.join("public");
    write(&site(&[("index.html", "one")]), &real, &root).unwrap();
    std::os::unix::fs::symlink(&real, &link).unwrap();

    write(&site(&[("index.html", "two")]), &link, &root).unwrap();

    assert!(
        fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert_eq!(read(real.join("index.html")), "two");
}

#[test]
fn out_that_is_a_file_is_refused() {
    let (_dir, root) = library();
    let out = root.join("public");
    fs::write(&out, "mine").unwrap();
    let err = write(&site(&[("index.html", "x")]), &out, &root).unwrap_err();
    assert!(matches!(err, OutputError::NotAFolder { .. }), "{err}");
    assert_eq!(read(&out), "mine");
}

#[test]
fn failed_build_leaves_previous_output_byte_identical() {
    let (_dir, root) = library();
    let out = root.join("public");
    write(
        &site(&[("index.html", "home"), ("a/b.html", "b")]),
        &out,
        &root,
    )
    .unwrap();
    let before = snapshot(&out);

    let mut broken = site(&[("index.html", "new home")]);
    broken.insert("z.png", Content::Copy(root.join("static/missing.png")));
    let err = write(&broken, &out, &root).unwrap_err();

    let OutputError::Io { path, .. } = &err else {
        panic!("wrong error: {err}");
    };
    assert_eq!(path, &root.join("static/missing.png"));
    assert_eq!(snapshot(&out), before);
    assert!(leftovers(&root).is_empty());
}

#[test]
fn leftover_folders_of_a_killed_build_are_removed() {
    let (_dir, root) = library();
    let out = root.join("public");
    let stale = [".public.covermap-tmp-1-0", ".public.covermap-old-1-0"];
    for name in stale {
        fs::create_dir_all(root.join(name).join("sub")).unwrap();
    }
    fs::write(root.join(".public.covermap-tmp-2-0"), "").unwrap();
    // Not covermap's: another output's leftovers and a user's dot folder.
    fs::create_dir(root.join(".site.covermap-tmp-1-0")).unwrap();
    fs::create_dir(root.join(".public")).unwrap();

    write(&site(&[("index.html", "home")]), &out, &root).unwrap();

    assert_eq!(leftovers(&root), [".site.covermap-tmp-1-0"]);
    assert!(root.join(".public").is_dir());
}

#[test]
fn empty_existing_folder_is_accepted() {
    let (_dir, root) = library();
    let out = root.join("public");
    fs::create_dir(&out).unwrap();
    write(&site(&[("index.html", "home")]), &out, &root).unwrap();
    assert_eq!(read(out.join("index.html")), "home");
}

#[test]
fn empty_site_can_be_rebuilt() {
    let (_dir, root) = library();
    let out = root.join("public");
    write(&Site::default(), &out, &root).unwrap();
    assert_eq!(read(out.join(MANIFEST)), "");
    write(&site(&[("index.html", "home")]), &out, &root).unwrap();
}

#[test]
fn folders_made_ahead_that_no_file_landed_in_are_removed() {
    // What an empty library's render does: search/t/ and search/d/ made for shards
    // that never came.
    let (_dir, root) = library();
    let out = root.join("public");
    for _ in 0..2 {
        let writer = DiskWriter::begin(&out, &root).unwrap();
        writer
            .make_folders(&["index.html", "search/t/0.js", "search/d/0.js", "a/b/c.html"])
            .unwrap();
        writer
            .put("index.html", Content::from(b"home".to_vec()))
            .unwrap();
        writer
            .put("a/b/c.html", Content::from(b"c".to_vec()))
            .unwrap();
        writer.finish().unwrap();
    }
    assert!(!out.join("search").exists());
    assert_eq!(read(out.join("a/b/c.html")), "c");
}

/// Puts every file of `site` through an update round of `updater`, then commits it.
fn update(updater: &mut Updater, site: &Site) -> (usize, usize) {
    let round = updater.round();
    for (path, content) in &site.files {
        round.put(path, content.clone()).unwrap();
    }
    assert!(!round.too_big());
    updater.commit(round.into_changes()).unwrap()
}

#[cfg(unix)]
fn inode(path: &Path) -> u64 {
    use std::os::unix::fs::MetadataExt;
    fs::metadata(path).unwrap().ino()
}

#[test]
fn an_update_writes_what_changed_in_place_and_removes_what_went() {
    let (_dir, root) = library();
    let out = root.join("public");
    let first = site(&[
        ("index.html", "home"),
        ("a/index.html", "a"),
        ("b/index.html", "b"),
    ]);
    write(&first, &out, &root).unwrap();
    let mut updater = Updater::open(&out, &root).unwrap().expect("a built folder");

    // The first round knows nothing it wrote: everything is written once.
    assert_eq!(update(&mut updater, &first), (3, 0));
    #[cfg(unix)]
    let kept = inode(&out.join("a/index.html"));

    let second = site(&[
        ("index.html", "home, edited"),
        ("a/index.html", "a"),
        ("c/d/index.html", "new"),
    ]);
    assert_eq!(update(&mut updater, &second), (2, 1));
    assert_eq!(read(out.join("index.html")), "home, edited");
    assert_eq!(read(out.join("c/d/index.html")), "new");
    assert!(
        !out.join("b").exists(),
        "a folder left empty goes with its file"
    );
    #[cfg(unix)]
    assert_eq!(
        inode(&out.join("a/index.html")),
        kept,
        "an unchanged file is not rewritten"
    );
    assert_eq!(
        read(out.join(MANIFEST)),
        "a/index.html\nc/d/index.html\nindex.html\n"
    );
    // What it wrote is the folder `write` would have made of the same site.
    let fresh = root.join("fresh");
    write(&second, &fresh, &root).unwrap();
    assert_eq!(snapshot(&out), snapshot(&fresh));
}

#[test]
fn an_update_not_committed_changes_nothing() {
    let (_dir, root) = library();
    let out = root.join("public");
    write(&site(&[("index.html", "home")]), &out, &root).unwrap();
    let before = snapshot(&out);
    let updater = Updater::open(&out, &root).unwrap().unwrap();
    let round = updater.round();
    round
        .put("index.html", Content::from(b"broken".to_vec()))
        .unwrap();
    round
        .put("new.html", Content::from(b"new".to_vec()))
        .unwrap();
    drop(round);
    assert_eq!(snapshot(&out), before);
}

#[test]
fn an_update_leftover_is_never_a_foreign_file() {
    let (_dir, root) = library();
    let out = root.join("public");
    write(&site(&[("a/index.html", "a")]), &out, &root).unwrap();
    // What a `watch` killed between writing a file and renaming it leaves.
    fs::write(
        out.join("a").join(format!("{UPDATE_TEMP}index.html")),
        "half",
    )
    .unwrap();
    write(&site(&[("a/index.html", "again")]), &out, &root).unwrap();
    assert_eq!(read(out.join("a/index.html")), "again");
    assert!(
        Updater::open(&root.join("nothing-here"), &root)
            .unwrap()
            .is_none()
    );
}

#[test]
fn site_paths_that_could_leave_the_folder_are_refused() {
    let (_dir, root) = library();
    let out = root.join("public");
    let bad = [
        "", "../x", "/etc/x", "a//b", "a/./b", "a/", "a\nb", MANIFEST,
    ];
    for path in bad {
        let err = write(&site(&[(path, "x")]), &out, &root).unwrap_err();
        assert!(
            matches!(err, OutputError::InvalidSitePath { .. }),
            "{path:?}: {err}"
        );
    }
    assert!(!out.exists());
    check_site_path("library/a b/index.html").unwrap();
    check_site_path("sub/.covermap-manifest").unwrap();
}

fn busy(_: &Path, _: &Path, _: &Path) -> std::io::Result<()> {
    Err(std::io::ErrorKind::ResourceBusy.into())
}

fn other_device(_: &Path, _: &Path, _: &Path) -> std::io::Result<()> {
    Err(std::io::ErrorKind::CrossesDevices.into())
}

fn broken(_: &Path, _: &Path, _: &Path) -> std::io::Result<()> {
    Err(std::io::Error::other("disk on fire"))
}

/// Writes `site` to `out` through a writer whose swap is `swap`.
fn write_swapping(
    site: &Site,
    out: &Path,
    root: &Path,
    swap: fn(&Path, &Path, &Path) -> std::io::Result<()>,
) -> Result<WriteReport, OutputError> {
    let writer = DiskWriter::begin(out, root)?.with_swap(swap);
    for (path, content) in &site.files {
        writer.put(path, content.clone())?;
    }
    writer.finish()
}

#[test]
fn a_refused_swap_updates_the_folder_in_place_file_by_file() {
    for refusal in [busy, other_device] {
        let (_dir, root) = library();
        let out = root.join("public");
        let first = site(&[
            ("index.html", "one"),
            ("gone/index.html", "old"),
            ("a", "a file that becomes a folder"),
            ("b/index.html", "a folder that becomes a file"),
        ]);
        write(&first, &out, &root).unwrap();
        #[cfg(unix)]
        let folder = inode(&out);

        let second = site(&[
            ("index.html", "two"),
            ("a/index.html", "now a folder"),
            ("b", "now a file"),
            ("new/deep/x.html", "new"),
        ]);
        let report = write_swapping(&second, &out, &root, refusal).unwrap();

        assert_eq!(report.in_place, Some(InPlace::SwapRefused));
        assert_eq!(report.files, 4);
        // The same folder, holding exactly what a swap would have put there.
        #[cfg(unix)]
        assert_eq!(inode(&out), folder);
        let fresh = root.join("fresh");
        write(&second, &fresh, &root).unwrap();
        assert_eq!(snapshot(&out), snapshot(&fresh));
        assert!(!out.join("gone").exists());
        assert!(leftovers(&root).is_empty());
        assert_eq!(
            leftovers(&out),
            [MANIFEST],
            "no stage, lock or temp file left"
        );
        // And the next build, swapped normally, accepts it.
        write(&first, &out, &root).unwrap();
    }
}

#[test]
fn an_in_place_update_leaves_files_covermap_did_not_write_alone() {
    let (_dir, root) = library();
    let out = root.join("public");
    write(&site(&[("index.html", "one")]), &out, &root).unwrap();
    fs::write(out.join("mine.txt"), "mine").unwrap();
    let err = write_swapping(&site(&[("index.html", "two")]), &out, &root, busy).unwrap_err();
    assert!(matches!(err, OutputError::ForeignFiles { .. }), "{err}");
    assert_eq!(read(out.join("mine.txt")), "mine");
    assert_eq!(read(out.join("index.html")), "one");
}

#[test]
fn a_swap_failing_otherwise_leaves_the_previous_output() {
    let (_dir, root) = library();
    let out = root.join("public");
    write(&site(&[("index.html", "one")]), &out, &root).unwrap();
    let before = snapshot(&out);
    let err = write_swapping(&site(&[("index.html", "two")]), &out, &root, broken).unwrap_err();
    assert!(err.to_string().contains("disk on fire"), "{err}");
    assert_eq!(snapshot(&out), before);
    assert!(leftovers(&root).is_empty());
}

#[test]
fn covermaps_working_files_in_the_output_are_never_foreign() {
    // What a killed in-place build leaves at the output root: its lock and its stage.
    let (_dir, root) = library();
    let out = root.join("public");
    fs::create_dir_all(out.join(".covermap-stage-1-0/library")).unwrap();
    fs::write(out.join(".covermap-stage-1-0/library/x.html"), "half").unwrap();
    fs::write(out.join(LOCK), "1\n").unwrap();
    write(&site(&[("index.html", "home")]), &out, &root).unwrap();
    assert_eq!(read(out.join("index.html")), "home");
    for reserved in [LOCK, ".covermap-stage-9"] {
        assert!(check_site_path(reserved).is_err(), "{reserved}");
    }
    check_site_path("sub/.covermap-lock").unwrap();
}

#[test]
fn a_second_writer_waits_for_the_lock_then_refuses_naming_the_holder() {
    let (_dir, root) = library();
    let out = root.join("public");
    let first = DiskWriter::begin(&out, &root).unwrap();
    let mut told = None;
    let err = match DiskWriter::begin_waiting(&out, &root, std::time::Duration::ZERO, &mut |pid| {
        told = Some(pid)
    }) {
        Err(err) => err,
        Ok(_) => panic!("two writers held one output folder"),
    };
    let OutputError::Locked { pid, .. } = &err else {
        panic!("wrong error: {err}");
    };
    assert_eq!(*pid, Some(std::process::id()));
    assert!(
        err.to_string().contains(&format!(
            "is writing {}/ (pid {})",
            out.display(),
            std::process::id()
        )),
        "{err}"
    );
    assert_eq!(err.code(), crate::diagnostics::Code::OutputLocked);
    // A deadline of zero refuses without waiting: nobody was told of a wait.
    assert_eq!(told, None);
    first.finish().unwrap();
    // The lock file goes with its holder, and the next build gets the lock.
    assert!(leftovers(&root).is_empty(), "{:?}", leftovers(&root));
    DiskWriter::begin(&out, &root).unwrap().finish().unwrap();
}

#[test]
fn an_update_after_another_build_leaves_nothing_unlisted() {
    let (_dir, root) = library();
    let out = root.join("public");
    let first = site(&[("index.html", "home")]);
    write(&first, &out, &root).unwrap();
    let mut updater = Updater::open(&out, &root).unwrap().unwrap();
    update(&mut updater, &first);
    // A build from elsewhere (another checkout) swaps in a site with a file more.
    write(
        &site(&[("index.html", "home"), ("x.html", "x")]),
        &out,
        &root,
    )
    .unwrap();

    update(&mut updater, &site(&[("index.html", "edited")]));

    assert_eq!(read(out.join(MANIFEST)), "index.html\n");
    assert!(!out.join("x.html").exists());
    write(&first, &out, &root).unwrap();
}
