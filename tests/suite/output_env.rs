//! Output that survives its environment (issue 13, item 4), on the real binary: an
//! empty library built twice, two builds into one output, an output folder that is a
//! mount point or whose parent is not writable, a stdout closed mid-output, and the
//! 404 page below any sub-path, in Chromium, from a plain file server and from `serve`.
//!
//! The mount point is a tmpfs mounted in a private mount namespace (`unshare -rm`, which
//! needs no root where user namespaces are allowed); the unwritable parent is a folder
//! of mode 555, and as root (which ignores modes) the build runs as `nobody` through
//! `setpriv`. Neither is skipped where the tool is missing: the test fails, naming it.

use std::collections::BTreeMap;
use std::fs;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::mpsc;

use crate::common::{BIN, DEADLINE, TestLib, exclusive, manifest_dir, poll, small_plan, tree};

const ASSET: &str = "---\ntitle: First win\nstages: [decision]\npersonas: [champion]\nsegments: [smb]\n---\nBody.\n";

/// A small library: the plan of `small_plan(site_extra)` and two assets.
fn small(site_extra: &str) -> TestLib {
    TestLib::new()
        .plan(&small_plan(site_extra))
        .asset("deals/first-win.md", ASSET)
        .asset("deals/second.md", &ASSET.replace("First win", "Second"))
}

/// The site a plain build of `lib` writes, by path, for comparing outputs.
fn reference(lib: &TestLib) -> BTreeMap<String, Vec<u8>> {
    let out = lib.dir().join("reference");
    lib.run(["build".as_ref(), "--out".as_ref(), out.as_os_str()])
        .success();
    tree(&out)
}

#[test]
fn an_empty_library_builds_twice_in_a_row() {
    let lib = TestLib::new().plan(&small_plan(""));
    lib.run(["build"]).success();
    lib.run(["build"]).success();
    // And it still takes its first asset.
    let lib = lib.asset("a.md", ASSET);
    lib.run(["build"]).success();
    assert!(lib.out().join("library/a/index.html").is_file());
}

/// Holds the lock a build of `lib` into its default output takes, as another build
/// would, with `pid` written in it.
fn hold_lock(lib: &TestLib, pid: u32) -> fs::File {
    let path = lib.dir().join(".public.covermap-lock");
    let mut file = fs::File::create(&path).unwrap();
    file.lock().unwrap();
    writeln!(file, "{pid}").unwrap();
    file
}

#[test]
fn a_build_refuses_after_its_lock_wait_naming_the_build_that_holds_it() {
    let lib = small("");
    lib.run(["build"]).success();
    let before = tree(&lib.out());
    let held = hold_lock(&lib, 4242);
    let run = lib.run(["build", "--lock-wait", "0"]);
    run.code(2).stderr_contains(&format!(
        "another covermap build is writing {}/ (pid 4242)",
        lib.out().display()
    ));
    run.stderr_contains("[E0602]");
    assert_eq!(
        tree(&lib.out()),
        before,
        "the refused build changed the output"
    );
    drop(held);
}

#[test]
fn a_build_waits_for_the_build_holding_the_lock_then_writes() {
    let lib = small("");
    let held = hold_lock(&lib, 4242);
    let mut child = Command::new(BIN)
        .args(["build", "--lock-wait", "60", "--root"])
        .arg(lib.root())
        .arg("--out")
        .arg(lib.out())
        .env("NO_COLOR", "1")
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let (tx, lines) = mpsc::channel();
    let stderr = child.stderr.take().unwrap();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    let waiting = lines.recv_timeout(DEADLINE).expect("a line from the build");
    assert!(
        waiting.contains("waiting up to 60s for another covermap build (pid 4242)"),
        "{waiting}"
    );
    assert!(
        !lib.out().exists(),
        "the waiting build wrote before it had the lock"
    );
    drop(held);
    let status = child.wait().unwrap();
    let rest: Vec<String> = lines.iter().collect();
    assert!(status.success(), "{rest:?}");
    assert_eq!(tree(&lib.out()), reference(&lib));
    assert!(!lib.dir().join(".public.covermap-lock").exists());
}

#[test]
fn two_builds_at_once_never_both_fail_and_leave_a_complete_site() {
    let lib = TestLib::sample();
    let expected = reference(&lib);
    for _ in 0..2 {
        let start = || {
            Command::new(BIN)
                .args(["build", "--root"])
                .arg(lib.root())
                .arg("--out")
                .arg(lib.out())
                .env("NO_COLOR", "1")
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        };
        let (a, b) = (start(), start());
        let (a, b) = (a.wait_with_output().unwrap(), b.wait_with_output().unwrap());
        for o in [&a, &b] {
            let err = String::from_utf8_lossy(&o.stderr);
            assert!(!err.contains("panicked"), "{err}");
            // Each either built (having waited, maybe) or gave up on the lock.
            assert!(
                o.status.success()
                    || (o.status.code() == Some(2)
                        && err.contains("another covermap build is writing")),
                "{}: {err}",
                o.status
            );
        }
        assert!(
            a.status.success() || b.status.success(),
            "both builds failed"
        );
        assert_eq!(tree(&lib.out()), expected);
    }
}

/// Runs `script` under `sh` in a private mount namespace, `$BIN`, `$LIB`, `$OUT` and
/// `$COPY` set; returns its stdout and stderr.
fn in_mount_namespace(lib: &TestLib, script: &str) -> (String, String) {
    let o = Command::new("unshare")
        .args(["--map-root-user", "--mount", "sh", "-euc", script])
        .env("BIN", BIN)
        .env("LIB", lib.root())
        .env("OUT", lib.out())
        .env("COPY", lib.dir().join("copy"))
        .env("NO_COLOR", "1")
        .output()
        .unwrap_or_else(|e| panic!("cannot run unshare ({e}): install util-linux"));
    let (stdout, stderr) = (
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    );
    assert!(
        o.status.success(),
        "the mount namespace script failed ({}); this test needs `unshare --map-root-user \
         --mount` (util-linux, user namespaces allowed):\n{stdout}\n{stderr}",
        o.status
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
    (stdout, stderr)
}

#[test]
fn an_output_folder_that_is_a_mount_point_is_updated_in_place() {
    let lib = small("");
    let expected = reference(&lib);
    fs::create_dir_all(lib.out()).unwrap();
    fs::create_dir_all(lib.dir().join("copy")).unwrap();
    let (stdout, stderr) = in_mount_namespace(
        &lib,
        r#"
        mount -t tmpfs tmpfs "$OUT"
        "$BIN" build --root "$LIB" --out "$OUT"
        rm "$LIB/content/deals/second.md"
        "$BIN" build --root "$LIB" --out "$OUT"
        echo mine > "$OUT/mine.txt"
        if "$BIN" build --root "$LIB" --out "$OUT"; then echo "foreign file accepted"; fi
        echo "kept: $(cat "$OUT/mine.txt")"
        rm "$OUT/mine.txt"
        cp -a "$OUT/." "$COPY/"
        "#,
    );
    assert_eq!(
        stderr
            .matches("updated in place, file by file, because it is a mount point")
            .count(),
        2,
        "{stderr}"
    );
    assert!(
        stderr.contains("it holds files covermap did not write (mine.txt)"),
        "{stderr}"
    );
    assert!(
        stdout.contains("kept: mine") && !stdout.contains("accepted"),
        "{stdout}"
    );
    // What the mount held is what a plain build of the library (now one asset) writes.
    let copy = tree(&lib.dir().join("copy"));
    assert_ne!(copy, expected);
    assert_eq!(copy, reference(&lib));
}

/// Whether this process runs as root (which ignores a folder's mode).
fn is_root() -> bool {
    use std::os::unix::fs::MetadataExt;
    fs::metadata("/proc/self").is_ok_and(|m| m.uid() == 0)
}

/// Runs `args` of the binary as a user the folder modes apply to: this one, or
/// `nobody` (65534) through `setpriv` when this one is root.
fn run_as_user(args: &[&std::ffi::OsStr]) -> std::process::Output {
    let mut c = if is_root() {
        let mut c = Command::new("setpriv");
        c.args(["--reuid=65534", "--regid=65534", "--clear-groups", BIN]);
        c
    } else {
        Command::new(BIN)
    };
    c.args(args)
        .env("NO_COLOR", "1")
        .output()
        .unwrap_or_else(|e| {
            panic!("cannot run the build as nobody ({e}): setpriv is in util-linux")
        })
}

#[test]
fn an_output_folder_whose_parent_is_not_writable_is_updated_in_place() {
    use std::os::unix::fs::{PermissionsExt, chown};
    let lib = small("");
    let parent = lib.dir().join("locked");
    let out = parent.join("site");
    fs::create_dir_all(&out).unwrap();
    // Everyone may read the library; only the output folder is the builder's.
    for dir in [lib.dir(), lib.root()] {
        fs::set_permissions(dir, fs::Permissions::from_mode(0o755)).unwrap();
    }
    if is_root() {
        chown(&out, Some(65534), Some(65534)).unwrap();
    }
    fs::set_permissions(&parent, fs::Permissions::from_mode(0o555)).unwrap();
    let build = |out: &Path| {
        run_as_user(&[
            "build".as_ref(),
            "--root".as_ref(),
            lib.root().as_os_str(),
            "--out".as_ref(),
            out.as_os_str(),
        ])
    };
    for _ in 0..2 {
        let o = build(&out);
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(o.status.success(), "{err}");
        assert!(
            err.contains(
                "updated in place, file by file, because the folder holding it is not writable"
            ),
            "{err}"
        );
    }
    let expected = reference(&lib);
    assert_eq!(tree(&out), expected);
    // A folder that does not exist cannot be made there: said so, with what to do.
    let missing = parent.join("new");
    let o = build(&missing);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(
        err.contains(&format!(
            "cannot create {}/: the folder holding it, {}/, is not writable",
            missing.display(),
            parent.display()
        )) && err.contains("[E0603]"),
        "{err}"
    );
    fs::set_permissions(&parent, fs::Permissions::from_mode(0o755)).unwrap();
}

#[test]
fn a_stdout_closed_mid_output_ends_the_command_quietly() {
    // Enough warnings that the JSON outgrows a pipe's buffer: covermap is still
    // writing when the reader goes.
    let mut lib = TestLib::new().plan(&small_plan(""));
    for n in 0..400 {
        lib = lib.asset(
            &format!("a{n}.md"),
            &format!("---\ntitle: Asset {n}\n---\n"),
        );
    }
    let mut child = Command::new(BIN)
        .args(["check", "--format", "json", "--root"])
        .arg(lib.root())
        .env("NO_COLOR", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // `| head -n 3`.
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    for _ in 0..3 {
        let mut line = String::new();
        stdout.read_line(&mut line).unwrap();
    }
    drop(stdout);
    let o = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        !err.contains("panicked") && !err.contains("Broken pipe"),
        "{err}"
    );
    assert_eq!(o.status.code(), Some(0), "{err}");
}

#[test]
fn serve_with_a_closed_stdout_serves_on_and_stops_cleanly() {
    let lib = small("");
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    // A pipe nobody reads: the address line meets a closed pipe.
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    let child = Command::new(BIN)
        .args(["serve", "--port", &port.to_string(), "--root"])
        .arg(lib.root())
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .stdout(writer)
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    poll("serve to answer", || {
        let mut s = TcpStream::connect(("127.0.0.1", port)).ok()?;
        write!(
            s,
            "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
        )
        .ok()?;
        let mut head = [0u8; 12];
        s.read_exact(&mut head).ok()?;
        head.starts_with(b"HTTP/1.1 200").then_some(())
    });
    // Stopped the way Ctrl-C stops it: whenever the address line was written, a panic
    // over it would have ended the process with 101 by now or at its next step.
    let killed = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let o = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        !err.contains("panicked") && !err.contains("Broken pipe"),
        "{err}"
    );
    assert_eq!(o.status.code(), Some(0), "{err}");
}

// ------------------------------------------------------------------ the 404 page

const SUB_PATH: &str = "/sales/library/";

/// Serves `dir` under `SUB_PATH` on 127.0.0.1 as a static host does: a missing file
/// gets the site's 404.html with status 404.
fn host(dir: PathBuf) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let dir = dir.clone();
            std::thread::spawn(move || answer(stream, &dir));
        }
    });
    port
}

fn answer(stream: TcpStream, dir: &Path) {
    let mut reader = BufReader::new(&stream);
    let mut request = String::new();
    if reader.read_line(&mut request).is_err() {
        return;
    }
    let mut header = String::new();
    while reader.read_line(&mut header).is_ok_and(|n| n > 2) {
        header.clear();
    }
    let target = request.split_whitespace().nth(1).unwrap_or("/");
    let path = target.split(['?', '#']).next().unwrap_or("");
    let file = path
        .strip_prefix(SUB_PATH)
        .filter(|rel| !rel.split('/').any(|part| part == ".."))
        .map(|rel| {
            let mut p = dir.join(rel);
            if rel.is_empty() || rel.ends_with('/') {
                p.push("index.html");
            }
            p
        })
        .filter(|p| p.is_file());
    let (status, body, file) = match file {
        Some(f) => ("200 OK", fs::read(&f).unwrap_or_default(), f),
        None => {
            let f = dir.join("404.html");
            ("404 Not Found", fs::read(&f).unwrap_or_default(), f)
        }
    };
    let kind = match file.extension().and_then(|e| e.to_str()) {
        Some("html") => "text/html; charset=utf-8",
        Some("css") => "text/css",
        Some("js") => "text/javascript",
        _ => "application/octet-stream",
    };
    let mut out = &stream;
    let _ = write!(
        out,
        "HTTP/1.1 {status}\r\nContent-Type: {kind}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    let _ = out.write_all(&body);
}

/// Starts `covermap serve` on `lib` and returns it with its address.
fn serve(lib: &TestLib) -> (std::process::Child, String) {
    let mut child = Command::new(BIN)
        .args(["serve", "--port", "0", "--root"])
        .arg(lib.root())
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let url = poll("serve's address", || {
        let mut line = String::new();
        stdout.read_line(&mut line).ok()?;
        let url = line.split_whitespace().find(|w| w.starts_with("http://"))?;
        Some(url.trim_end_matches('/').to_string())
    });
    std::thread::spawn(move || {
        let mut rest = Vec::new();
        let _ = stdout.read_to_end(&mut rest);
    });
    (child, url)
}

#[test]
fn the_404_page_is_styled_and_its_links_work_below_any_sub_path_in_chromium() {
    let chromium = std::env::var_os("CHROMIUM")
        .map_or_else(|| PathBuf::from("/usr/bin/chromium"), PathBuf::from);
    assert!(
        chromium.is_file()
            && manifest_dir()
                .join("tests/browser/node_modules/playwright-core")
                .is_dir(),
        "this test needs Chromium ({}) and `npm ci --prefix tests/browser`",
        chromium.display()
    );
    let _alone = exclusive();
    // Without base_url the page finds the root; with it the links start there; in
    // `serve` (the site at "/") base_url names a root that is wrong there.
    let plain = small("");
    plain.run(["build"]).success();
    let based = small(&format!("base_url = \"https://example.com{SUB_PATH}\""));
    based.run(["build"]).success();
    let (plain_port, based_port) = (host(plain.out()), host(based.out()));
    let (mut server, served) = serve(&based);
    let mut urls = Vec::new();
    for port in [plain_port, based_port] {
        for missing in ["path/deep/missing/", "gone.html", "library/nope/x/y/z/"] {
            urls.push(format!("http://127.0.0.1:{port}{SUB_PATH}{missing}"));
        }
    }
    urls.push(format!("{served}/path/deep/missing/"));
    urls.push(format!("file://{}/404.html", plain.out().display()));

    let run = Command::new("node")
        .arg(manifest_dir().join("tests/browser/not_found.mjs"))
        .args(&urls)
        .env("CHROMIUM", &chromium)
        .output()
        .unwrap_or_else(|e| panic!("cannot run node ({e})"));
    let _ = server.kill();
    let _ = server.wait();
    let stdout = String::from_utf8_lossy(&run.stdout);
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(run.status.success(), "{stdout}\n{stderr}");
    let results: Vec<serde_json::Value> = serde_json::from_str(&stdout).expect(&stderr);
    assert_eq!(results.len(), urls.len());
    let mut problems = Vec::new();
    for r in &results {
        let url = r["url"].as_str().unwrap_or_default();
        if r["styled"] != true {
            problems.push(format!("{url}: not styled"));
        }
        if r["errors"].as_array().is_none_or(|e| !e.is_empty()) {
            problems.push(format!("{url}: console errors {}", r["errors"]));
        }
        // Every link of the page leads to a page of the site: each resolved address was
        // fetched and answered 200 with a covermap page or file.
        let links = r["links"].as_array().cloned().unwrap_or_default();
        if links.len() < 5 {
            problems.push(format!("{url}: too few links {links:?}"));
        }
        for link in links {
            if link["ok"] != true {
                problems.push(format!(
                    "{url}: link {} does not resolve in the site",
                    link["href"]
                ));
            }
        }
    }
    assert!(problems.is_empty(), "{problems:#?}\n{stdout}\n{stderr}");
}
