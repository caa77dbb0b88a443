//! File system faults and resource limits, each one really made to happen: symbolic link loops and links
//! leaving the library, FIFOs, unreadable files and folders (as an unprivileged user, so
//! permissions apply even when the suite runs as root), a full disk and a read-only
//! output folder (small tmpfs mounts in a private mount namespace). A fault this machine
//! cannot produce makes its test say so on stderr and return, rather than pass unseen.

use crate::common::{BIN, Run, TestLib, copy_dir, covermap, fixtures, tree};
use std::fs;
use std::os::unix::fs::{PermissionsExt, symlink};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

/// A copy of the valid-small fixture in a fresh temporary folder, and its root.
fn library() -> (TestLib, PathBuf) {
    let lib = TestLib::fixture("valid-small");
    let root = lib.root().to_path_buf();
    (lib, root)
}

/// The text of a run's stderr.
fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

fn has(tool: &str) -> bool {
    Command::new("sh")
        .args(["-c", &format!("command -v {tool}")])
        .stdout(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

#[test]
fn symlink_loops_are_skipped_with_a_warning() {
    let (_dir, root) = library();
    let content = root.join("content");
    symlink("b.md", content.join("a.md")).unwrap();
    symlink("a.md", content.join("b.md")).unwrap();
    symlink("self.md", content.join("self.md")).unwrap();
    // A folder link back up would make a walk that follows links go round forever.
    symlink("..", content.join("guides/up")).unwrap();

    let out = covermap(["check", "--root", root.to_str().unwrap()]);

    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(0), "{err}");
    for link in ["content/a.md", "content/b.md", "content/self.md"] {
        assert!(
            err.contains(&format!("{link}: warning: symbolic link loop skipped")),
            "{link}: {err}"
        );
    }
    assert!(
        err.contains("content/guides/up: warning: symbolic link to a folder skipped"),
        "{err}"
    );
}

#[test]
fn symlinks_leaving_the_library_are_never_followed() {
    let (lib, root) = library();
    let outside = lib.dir().join("outside");
    fs::create_dir_all(outside.join("folder")).unwrap();
    let secret = "---\ntitle: \"SECRET OUTSIDE\"\n---\nSECRET BODY\n";
    fs::write(outside.join("secret.md"), secret).unwrap();
    fs::write(outside.join("secret.csv"), "SECRET,DATA\n").unwrap();
    fs::write(outside.join("folder/more.md"), secret).unwrap();
    let content = root.join("content");
    symlink(outside.join("secret.md"), content.join("secret.md")).unwrap();
    symlink(outside.join("secret.csv"), content.join("secret.csv")).unwrap();
    symlink(outside.join("folder"), content.join("folder")).unwrap();
    fs::create_dir_all(root.join("static")).unwrap();
    symlink("/etc/passwd", root.join("static/passwd")).unwrap();
    // A link that stays inside the library is followed.
    symlink("roi.md", content.join("roi-link.md")).unwrap();

    let out_dir = lib.dir().join("public");
    let out = covermap([
        "build",
        "--root",
        root.to_str().unwrap(),
        "--out",
        out_dir.to_str().unwrap(),
    ]);

    let err = stderr(&out);
    // The inside link gives a second asset with roi.md's slug `roi-link`: allowed.
    assert_eq!(out.status.code(), Some(0), "{err}");
    for link in ["content/secret.md", "content/secret.csv", "static/passwd"] {
        assert!(
            err.contains(&format!(
                "{link}: warning: symbolic link out of content/ and static/ (or broken) skipped"
            )),
            "{link}: {err}"
        );
    }
    let site = tree(&out_dir);
    assert!(site.contains_key("library/roi-link/index.html"));
    for (path, bytes) in &site {
        let text = String::from_utf8_lossy(bytes);
        assert!(
            !text.contains("SECRET") && !text.contains("root:x:0:0"),
            "{path} holds content from outside the library"
        );
    }
}

#[test]
fn a_fifo_is_skipped_and_never_blocks_the_build() {
    let (_dir, root) = library();
    let fifo = root.join("content/pipe.md");
    let made = Command::new("mkfifo").arg(&fifo).status();
    if !made.is_ok_and(|s| s.success()) {
        panic!("this test needs `mkfifo` (coreutils); install it rather than skip the test");
    }
    let mut child = Command::new(BIN)
        .args(["check", "--root", root.to_str().unwrap()])
        .env("NO_COLOR", "1")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let started = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if started.elapsed() > Duration::from_secs(30) {
            child.kill().unwrap();
            panic!("covermap blocked on a FIFO");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let out = child.wait_with_output().unwrap();
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(
        err.contains(
            "content/pipe.md: warning: not a regular file (a FIFO, socket or device): skipped"
        ),
        "{err}"
    );
}

/// Runs covermap as the unprivileged user `nobody` (through `setpriv`) when the suite runs
/// as root, for whom permissions do not apply; as itself otherwise.
fn run_unprivileged(args: &[&str]) -> Option<Run> {
    if !is_root() {
        return Some(covermap(args));
    }
    if !has("setpriv") {
        return None;
    }
    Some(Run::of(
        Command::new("setpriv")
            .args(["--reuid=65534", "--regid=65534", "--clear-groups", BIN])
            .args(args),
    ))
}

#[test]
fn unreadable_files_and_folders_are_errors_and_the_rest_is_still_checked() {
    let (lib, root) = library();
    // Everything readable by others, except the two things under test.
    for entry in walkdir::WalkDir::new(lib.dir()) {
        let entry = entry.unwrap();
        let mode = if entry.file_type().is_dir() {
            0o755
        } else {
            0o644
        };
        fs::set_permissions(entry.path(), fs::Permissions::from_mode(mode)).unwrap();
    }
    let content = root.join("content");
    fs::write(content.join("secret.md"), "---\ntitle: \"Locked\"\n---\n").unwrap();
    fs::set_permissions(content.join("secret.md"), fs::Permissions::from_mode(0o000)).unwrap();
    fs::create_dir(content.join("locked")).unwrap();
    fs::write(content.join("locked/inner.md"), "---\ntitle: \"In\"\n---\n").unwrap();
    fs::set_permissions(content.join("locked"), fs::Permissions::from_mode(0o000)).unwrap();
    // One more, ordinary error elsewhere: it must be reported in the same run.
    fs::write(
        content.join("typo.md"),
        "---\ntitle: \"Typo\"\npersonas: [ecomonic-buyer]\n---\n",
    )
    .unwrap();

    let Some(out) = run_unprivileged(&["check", "--root", root.to_str().unwrap()]) else {
        panic!(
            "this test needs to drop privileges: run it as a normal user, or as root with `setpriv` (util-linux) installed"
        );
    };

    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("content/secret.md: error: cannot read the file: Permission denied"),
        "{err}"
    );
    assert!(
        err.contains("content/locked: error: cannot read: Permission denied"),
        "{err}"
    );
    assert!(
        err.contains("content/typo.md:3:12: error: unknown persona `ecomonic-buyer`"),
        "{err}"
    );
    assert!(err.contains("help: check"), "{err}");
    assert!(!err.contains("panicked"), "{err}");
    // Let the temporary folder be removed.
    fs::set_permissions(content.join("locked"), fs::Permissions::from_mode(0o755)).unwrap();
}

/// Runs `script` with `sh` in a private mount namespace (so its mounts vanish with it),
/// with `$BIN` set; `None` when this machine cannot mount there.
fn in_mount_namespace(script: &str, vars: &[(&str, &Path)]) -> Option<Output> {
    if !is_root() || !has("unshare") {
        return None;
    }
    let probe = Command::new("unshare")
        .args(["-m", "--propagation", "private", "sh", "-c"])
        .arg("d=$(mktemp -d) && mount -t tmpfs -o size=64k tmpfs \"$d\" && umount \"$d\"; r=$?; rmdir \"$d\"; exit $r")
        .status();
    if !probe.is_ok_and(|s| s.success()) {
        return None;
    }
    let mut cmd = Command::new("unshare");
    cmd.args(["-m", "--propagation", "private", "sh", "-ec", script])
        .env("BIN", BIN)
        .env("NO_COLOR", "1");
    for (name, path) in vars {
        cmd.env(name, path);
    }
    Some(cmd.output().expect("run unshare"))
}

/// A library like valid-small with a big attachment, too big for a small disk.
fn big_library(dir: &Path) -> PathBuf {
    let root = dir.join("big");
    copy_dir(&fixtures().join("valid-small"), &root);
    fs::write(root.join("content/video.bin"), vec![7u8; 3 * 1024 * 1024]).unwrap();
    root
}

#[test]
fn a_full_disk_fails_the_build_cleanly_and_keeps_the_previous_site() {
    let (lib, small) = library();
    let big = big_library(lib.dir());
    let mnt = lib.dir().join("disk");
    let snap = lib.dir().join("snap");
    fs::create_dir_all(&mnt).unwrap();
    fs::create_dir_all(&snap).unwrap();
    let script = r#"
        mount -t tmpfs -o size=2m tmpfs "$MNT"
        "$BIN" build --root "$SMALL" --out "$MNT/public" 2> "$SNAP/first.err"
        cp -a "$MNT/public" "$SNAP/before"
        set +e
        "$BIN" build --root "$BIG" --out "$MNT/public" 2> "$SNAP/second.err"
        echo $? > "$SNAP/code"
        set -e
        cp -a "$MNT/public" "$SNAP/after"
        ls -a "$MNT" > "$SNAP/listing"
    "#;
    let vars = [
        ("MNT", mnt.as_path()),
        ("SMALL", &small),
        ("BIG", &big),
        ("SNAP", &snap),
    ];
    let Some(out) = in_mount_namespace(script, &vars) else {
        panic!(
            "this test mounts a small tmpfs: run it as root with `unshare` (util-linux) available"
        );
    };
    assert!(out.status.success(), "script failed: {}", stderr(&out));

    let code = fs::read_to_string(snap.join("code")).unwrap();
    let err = fs::read_to_string(snap.join("second.err")).unwrap();
    assert_eq!(code.trim(), "2", "{err}");
    assert!(err.contains("No space left on device"), "{err}");
    assert!(err.contains("video.bin"), "the error names the file: {err}");
    assert!(!err.contains("panicked"), "{err}");
    assert_eq!(tree(&snap.join("before")), tree(&snap.join("after")));
    assert!(tree(&snap.join("after")).contains_key("index.html"));
    let listing = fs::read_to_string(snap.join("listing")).unwrap();
    assert!(!listing.contains(".covermap-"), "leftovers: {listing}");
}

#[test]
fn a_read_only_output_folder_fails_the_build_cleanly_and_keeps_the_previous_site() {
    let (lib, small) = library();
    fs::write(small.join("content/extra.csv"), "a,b\n").unwrap();
    let mnt = lib.dir().join("disk");
    let snap = lib.dir().join("snap");
    fs::create_dir_all(&mnt).unwrap();
    fs::create_dir_all(&snap).unwrap();
    let script = r#"
        mount -t tmpfs -o size=8m tmpfs "$MNT"
        "$BIN" build --root "$SMALL" --out "$MNT/public" 2> "$SNAP/first.err"
        cp -a "$MNT/public" "$SNAP/before"
        mount -o remount,ro "$MNT"
        echo changed >> "$SMALL/content/extra.csv"
        set +e
        "$BIN" build --root "$SMALL" --out "$MNT/public" 2> "$SNAP/second.err"
        echo $? > "$SNAP/code"
        set -e
        cp -a "$MNT/public" "$SNAP/after"
    "#;
    let vars = [("MNT", mnt.as_path()), ("SMALL", &small), ("SNAP", &snap)];
    let Some(out) = in_mount_namespace(script, &vars) else {
        panic!("this test mounts a tmpfs: run it as root with `unshare` (util-linux) available");
    };
    assert!(out.status.success(), "script failed: {}", stderr(&out));

    let code = fs::read_to_string(snap.join("code")).unwrap();
    let err = fs::read_to_string(snap.join("second.err")).unwrap();
    assert_eq!(code.trim(), "2", "{err}");
    assert!(err.contains("Read-only file system"), "{err}");
    assert!(
        err.contains(&mnt.display().to_string()),
        "names the folder: {err}"
    );
    assert!(!err.contains("panicked"), "{err}");
    assert_eq!(tree(&snap.join("before")), tree(&snap.join("after")));
}

#[test]
fn an_asset_file_over_the_size_limit_is_refused_quickly() {
    let (_dir, root) = library();
    let mut big = b"---\ntitle: \"Big\"\n---\n".to_vec();
    big.resize(20 * 1024 * 1024, b'x');
    fs::write(root.join("content/big.md"), &big).unwrap();
    // A 20 MB attachment is fine: it is copied, never read into memory whole.
    fs::write(root.join("content/big.pdf"), &big).unwrap();

    let started = Instant::now();
    let out = covermap(["check", "--root", root.to_str().unwrap()]);

    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains(
            "content/big.md: error: the file is 20.0 MB, more than the 10.0 MB covermap reads"
        ),
        "{err}"
    );
    assert!(
        err.contains("help: keep big documents as attachments"),
        "{err}"
    );
    assert!(!err.contains("big.pdf"), "{err}");
    eprintln!("checked a 20 MB asset in {:?}", started.elapsed());
}

#[test]
fn too_many_values_in_one_list_is_an_error() {
    let (_dir, root) = library();
    let tags = |n: usize| {
        let tags: Vec<String> = (0..n).map(|n| format!("t{n}")).collect();
        format!("---\ntitle: \"Tags\"\ntags: [{}]\n---\n", tags.join(", "))
    };
    fs::write(root.join("content/tags.md"), tags(20_000)).unwrap();
    // Past the values one front matter block may hold, the YAML reader stops first.
    fs::write(root.join("content/more.md"), tags(100_000)).unwrap();

    let out = covermap(["check", "--root", root.to_str().unwrap()]);

    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains(
            "content/tags.md:3:7: error: `tags` has 20000 values, more than the 10000 one list may hold"
        ),
        "{err}"
    );
    assert!(
        err.contains(
            "content/more.md:3:788858: error: invalid YAML front matter: more than 100000 values"
        ),
        "{err}"
    );
    // The offending lines are cut around the place, not printed whole.
    assert!(err.len() < 3_000, "{} bytes of messages", err.len());
}
