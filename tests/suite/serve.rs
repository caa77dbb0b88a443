//! `covermap serve` and `covermap watch` as a user runs them: the real binary on a copy
//! of a small library, edited the ways editors save, observed through the reload
//! events, HTTP and the output folder. Every wait is a poll with a deadline.
//! Unix only: Ctrl-C is sent with `kill -INT`.
#![cfg(unix)]

use crate::common::{BIN, DEADLINE, TestLib, covermap, poll, tree};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::sync::{Arc, Mutex};
use std::time::Instant;

/// A copy of `tests/fixtures/valid-small` in a temporary folder, and its root.
pub(crate) fn library() -> (TestLib, PathBuf) {
    let lib = TestLib::fixture("valid-small");
    let root = lib.root().to_path_buf();
    (lib, root)
}

pub(crate) fn asset(title: &str) -> String {
    format!(
        "---\ntitle: \"{title}\"\npersonas: [economic-buyer]\nstages: [decision]\nsegments: [enterprise]\n---\nBody of {title}.\n"
    )
}

/// Saves like VS Code, Helix or vim with `backupcopy=no`: a temporary file in the same
/// folder, renamed over the file.
fn save_by_rename(path: &Path, text: &str) {
    let tmp = path.with_file_name(format!(
        ".{}.tmp{}",
        path.file_name().unwrap().to_string_lossy(),
        std::process::id()
    ));
    std::fs::write(&tmp, text).unwrap();
    std::fs::rename(&tmp, path).unwrap();
}

/// A running `covermap serve` or `watch`, killed when dropped.
pub(crate) struct Running {
    child: Child,
    stdout: Receiver<String>,
    stderr: Arc<Mutex<String>>,
}

impl Running {
    pub(crate) fn start(args: &[&str]) -> Running {
        let mut child = Command::new(BIN)
            .args(args)
            .env("NO_COLOR", "1")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start covermap");
        let (tx, stdout) = mpsc::channel();
        let out = child.stdout.take().unwrap();
        std::thread::spawn(move || {
            for line in BufReader::new(out).lines() {
                let Ok(line) = line else { break };
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let stderr = Arc::new(Mutex::new(String::new()));
        let err = child.stderr.take().unwrap();
        let sink = stderr.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(err).lines() {
                let Ok(line) = line else { break };
                let mut s = sink.lock().unwrap();
                s.push_str(&line);
                s.push('\n');
            }
        });
        Running {
            child,
            stdout,
            stderr,
        }
    }

    pub(crate) fn stderr(&self) -> String {
        self.stderr.lock().unwrap().clone()
    }

    /// The `http://127.0.0.1:PORT/` that `serve` prints on its first line.
    pub(crate) fn url(&self) -> String {
        let line = self
            .stdout
            .recv_timeout(DEADLINE)
            .unwrap_or_else(|_| panic!("serve printed no URL; stderr:\n{}", self.stderr()));
        let at = line.find("http://").expect("a URL in the first line");
        line[at..].split_whitespace().next().unwrap().to_string()
    }

    /// Sends Ctrl-C (SIGINT) and waits for the exit.
    pub(crate) fn interrupt(mut self) -> std::process::ExitStatus {
        let ok = Command::new("kill")
            .args(["-INT", &self.child.id().to_string()])
            .status()
            .unwrap();
        assert!(ok.success());
        poll("the process to exit after Ctrl-C", || {
            self.child.try_wait().unwrap()
        })
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `host:port` of a URL printed by serve.
pub(crate) fn host(url: &str) -> String {
    url.trim_start_matches("http://")
        .trim_end_matches('/')
        .to_string()
}

/// A GET over a fresh connection: (status, headers, body).
pub(crate) fn get(url: &str, path: &str) -> (u16, String, String) {
    let mut s = TcpStream::connect(host(url)).unwrap();
    s.set_read_timeout(Some(DEADLINE)).unwrap();
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n",
        host(url)
    )
    .unwrap();
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).unwrap();
    let raw = String::from_utf8_lossy(&raw).into_owned();
    let (head, body) = raw.split_once("\r\n\r\n").unwrap_or((&raw, ""));
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    (status, head.to_string(), body.to_string())
}

/// One server-sent event: (name, data).
pub(crate) type Event = (String, String);

/// The page's view of the reload channel: every event, in order.
pub(crate) struct Events(Receiver<Event>);

impl Events {
    pub(crate) fn connect(url: &str) -> Events {
        let mut s = TcpStream::connect(host(url)).unwrap();
        write!(
            s,
            "GET /__covermap/events HTTP/1.1\r\nHost: {}\r\nAccept: text/event-stream\r\n\r\n",
            host(url)
        )
        .unwrap();
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let mut name = String::new();
            let mut data = String::new();
            for line in BufReader::new(s).lines() {
                let Ok(line) = line else { break };
                if let Some(v) = line.strip_prefix("event: ") {
                    name = v.to_string();
                } else if let Some(v) = line.strip_prefix("data: ") {
                    data = v.to_string();
                } else if line.is_empty() && !name.is_empty() {
                    let event = (std::mem::take(&mut name), std::mem::take(&mut data));
                    if tx.send(event).is_err() {
                        break;
                    }
                }
            }
        });
        let events = Events(rx);
        events.next_named("hello");
        events
    }

    /// The next event called `name` (earlier ones of other names are passed over).
    pub(crate) fn next_named(&self, name: &str) -> Event {
        let end = Instant::now() + DEADLINE;
        loop {
            let left = end.saturating_duration_since(Instant::now());
            match self.0.recv_timeout(left) {
                Ok(e) if e.0 == name => return e,
                Ok(_) => {}
                Err(_) => panic!("no `{name}` event in time"),
            }
        }
    }
}

/// Polls GET `path` until its body holds `text`.
pub(crate) fn wait_for_page(url: &str, path: &str, text: &str) -> String {
    poll(&format!("{path} to show {text:?}"), || {
        let (status, _, body) = get(url, path);
        (status == 200 && body.contains(text)).then_some(body)
    })
}

#[test]
fn serve_reloads_after_in_place_and_rename_saves() {
    let (_dir, root) = library();
    let serve = Running::start(&["serve", "--root", root.to_str().unwrap(), "--port", "0"]);
    let url = serve.url();
    assert!(url.starts_with("http://127.0.0.1:"), "{url}");

    let (status, head, body) = get(&url, "/library/roi/");
    assert_eq!(status, 200);
    assert!(
        head.contains("Content-Type: text/html; charset=utf-8"),
        "{head}"
    );
    assert!(body.contains("ROI calculator"));
    assert!(
        body.contains("<script src=\"/__covermap/reload.js\" data-build=\"1\"></script></body>"),
        "the reload script goes before </body>"
    );
    let (status, head, script) = get(&url, "/__covermap/reload.js");
    assert_eq!(status, 200);
    assert!(head.contains("text/javascript"));
    assert!(script.contains("SharedWorker(\"/__covermap/worker.js\""));
    assert!(
        script.contains("EventSource(\"/__covermap/events\")"),
        "the fallback"
    );
    assert!(script.contains("textContent"));
    let (status, _, _) = get(&url, "/coverage.json");
    assert_eq!(status, 200);
    let (status, head, _) = get(&url, "/coverage");
    assert_eq!(status, 301);
    assert!(head.contains("Location: /coverage/"), "{head}");

    let events = Events::connect(&url);
    let roi = root.join("content/roi.md");

    // In place, as vim (backupcopy=yes), nano or `echo >` write.
    std::fs::write(&roi, asset("ROI calculator, edited in place")).unwrap();
    events.next_named("reload");
    wait_for_page(&url, "/library/roi/", "ROI calculator, edited in place");

    // By rename, as VS Code, JetBrains and Helix save.
    save_by_rename(&roi, &asset("ROI calculator, saved by rename"));
    events.next_named("reload");
    let body = wait_for_page(&url, "/library/roi/", "ROI calculator, saved by rename");
    assert!(!body.contains("edited in place"));
    // The aggregate pages that list it follow.
    wait_for_page(
        &url,
        "/segments/enterprise/",
        "ROI calculator, saved by rename",
    );

    let status = serve.interrupt();
    assert!(status.success(), "Ctrl-C is a clean exit: {status:?}");
}

#[test]
fn broken_edit_keeps_the_old_page_and_reports_the_file() {
    let (_dir, root) = library();
    let serve = Running::start(&["serve", "--root", root.to_str().unwrap(), "--port", "0"]);
    let url = serve.url();
    let events = Events::connect(&url);
    let roi = root.join("content/roi.md");

    std::fs::write(&roi, "---\ntitle: [unclosed\n---\nBody.\n").unwrap();
    let (_, data) = events.next_named("error");
    let report: serde_json::Value = serde_json::from_str(&data).unwrap();
    assert_eq!(report["count"], 1, "{data}");
    assert_eq!(report["errors"][0]["file"], "content/roi.md", "{data}");
    assert_eq!(report["errors"][0]["line"], 2, "{data}");
    assert!(
        report["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("YAML"),
        "{data}"
    );
    // The terminal says the same, and the old page is still served.
    poll("the error in the terminal", || {
        serve
            .stderr()
            .contains("content/roi.md:2:8: error")
            .then_some(())
    });
    let (status, _, body) = get(&url, "/library/roi/");
    assert_eq!(status, 200);
    assert!(body.contains("ROI calculator"));

    // A page opened now is told the error at once.
    let late = Events::connect(&url);
    late.next_named("error");

    // Fixing the file reloads (which clears the overlay).
    std::fs::write(&roi, asset("ROI calculator, fixed")).unwrap();
    events.next_named("reload");
    wait_for_page(&url, "/library/roi/", "ROI calculator, fixed");

    // A deleted plan is an error shown the same way; restoring it recovers.
    let plan = std::fs::read(root.join("plan.toml")).unwrap();
    std::fs::remove_file(root.join("plan.toml")).unwrap();
    let (_, data) = events.next_named("error");
    assert!(data.contains("\"file\":\"plan.toml\""), "{data}");
    assert_eq!(get(&url, "/library/roi/").0, 200);
    std::fs::write(root.join("plan.toml"), plan).unwrap();
    events.next_named("reload");
    assert!(!serve.stderr().contains("panicked"));
}

#[test]
fn new_and_deleted_files_appear_and_disappear() {
    let (_dir, root) = library();
    let serve = Running::start(&["serve", "--root", root.to_str().unwrap(), "--port", "0"]);
    let url = serve.url();
    let events = Events::connect(&url);
    assert_eq!(get(&url, "/library/deals/first-win/").0, 404);

    // A new folder and a file in it.
    std::fs::create_dir(root.join("content/deals")).unwrap();
    std::fs::write(root.join("content/deals/first-win.md"), asset("First win")).unwrap();
    events.next_named("reload");
    wait_for_page(&url, "/library/deals/first-win/", "First win");
    wait_for_page(&url, "/segments/enterprise/", "First win");

    // An attachment and a static file.
    std::fs::write(root.join("content/deals/terms.txt"), "terms").unwrap();
    std::fs::create_dir(root.join("static")).unwrap();
    std::fs::write(root.join("static/robots.txt"), "User-agent: *").unwrap();
    poll("the attachment and the static file", || {
        (get(&url, "/deals/terms.txt").2 == "terms"
            && get(&url, "/robots.txt").2 == "User-agent: *")
            .then_some(())
    });

    // Renamed: the old page goes, the new one comes.
    std::fs::rename(
        root.join("content/deals/first-win.md"),
        root.join("content/deals/big-win.md"),
    )
    .unwrap();
    wait_for_page(&url, "/library/deals/big-win/", "First win");
    poll("the old page to go", || {
        (get(&url, "/library/deals/first-win/").0 == 404).then_some(())
    });

    // Deleted, folder and all.
    std::fs::remove_dir_all(root.join("content/deals")).unwrap();
    poll("the deleted page to go", || {
        let (status, _, body) = get(&url, "/library/deals/big-win/");
        (status == 404 && body.contains("/__covermap/reload.js")).then_some(())
    });
    let (_, _, segment) = get(&url, "/segments/enterprise/");
    assert!(!segment.contains("First win"));
}

#[test]
fn a_burst_of_files_is_a_few_rebuilds_not_one_per_file() {
    let (_dir, root) = library();
    let serve = Running::start(&["serve", "--root", root.to_str().unwrap(), "--port", "0"]);
    let url = serve.url();
    let events = Events::connect(&url);
    // As a `git checkout` writes them.
    std::fs::create_dir(root.join("content/burst")).unwrap();
    for i in 0..500 {
        std::fs::write(
            root.join(format!("content/burst/a{i:03}.md")),
            asset(&format!("Burst {i:03}")),
        )
        .unwrap();
    }
    events.next_named("reload");
    poll("all 500 pages", || {
        (get(&url, "/library/burst/a499/").0 == 200 && get(&url, "/library/burst/a000/").0 == 200)
            .then_some(())
    });
    // The site is swapped in before the rebuild is reported: wait for the report.
    poll("the rebuild's report", || {
        serve.stderr().contains("built 502 assets").then_some(())
    });
    let stderr = serve.stderr();
    // Every build prints one line: "… rendered) · …" or "build failed …".
    let rebuilds =
        stderr.matches(" rendered) · ").count() + stderr.matches("build failed").count() - 1;
    assert!(
        (1..50).contains(&rebuilds),
        "{rebuilds} rebuilds:\n{stderr}"
    );
}

#[test]
fn a_taken_explicit_port_is_an_error() {
    let (_dir, root) = library();
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let o = covermap(["serve", "--root", root.to_str().unwrap(), "--port", &port]);
    assert_eq!(o.status.code(), Some(2), "{}", o.stderr_text());
    let stderr = o.stderr_text();
    assert!(
        stderr.contains(&format!("port {port} on 127.0.0.1 is in use"))
            && stderr.contains("--port 0"),
        "{stderr}"
    );
}

#[test]
fn serve_starts_on_a_broken_library_and_recovers() {
    let (_dir, root) = library();
    std::fs::write(root.join("content/roi.md"), "---\ntitle: [broken\n---\n").unwrap();
    let serve = Running::start(&["serve", "--root", root.to_str().unwrap(), "--port", "0"]);
    let url = serve.url();
    let (status, _, body) = get(&url, "/");
    assert_eq!(status, 503);
    assert!(body.contains("/__covermap/reload.js"));
    let events = Events::connect(&url);
    let (_, data) = events.next_named("error");
    assert!(data.contains("content/roi.md"), "{data}");
    std::fs::write(root.join("content/roi.md"), asset("Recovered")).unwrap();
    events.next_named("reload");
    wait_for_page(&url, "/library/roi/", "Recovered");
}

#[test]
fn watch_updates_the_output_folder_in_place() {
    let (lib, root) = library();
    let out = lib.dir().join("site");
    let watch = Running::start(&[
        "watch",
        "--root",
        root.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    let page = out.join("library/roi/index.html");
    let read = |p: &Path| std::fs::read_to_string(p).ok();
    poll("the first build", || {
        read(&page).filter(|b| b.contains("ROI calculator"))
    });
    poll("watching", || {
        watch.stderr().contains("watching").then_some(())
    });

    #[cfg(unix)]
    let inode = |p: &Path| {
        use std::os::unix::fs::MetadataExt;
        std::fs::metadata(p).map(|m| m.ino()).ok()
    };
    #[cfg(unix)]
    let untouched = inode(&out.join("404.html"));
    save_by_rename(&root.join("content/roi.md"), &asset("ROI, watched"));
    poll("the output to follow", || {
        read(&page).filter(|b| b.contains("ROI, watched"))
    });
    // Rebuilds update the folder in place: a page the edit does not touch stays the
    // file it was.
    #[cfg(unix)]
    assert_eq!(
        inode(&out.join("404.html")),
        untouched,
        "404.html was rewritten"
    );
    std::fs::write(root.join("content/new.md"), asset("Watched new")).unwrap();
    poll("the new page", || {
        read(&out.join("library/new/index.html")).filter(|b| b.contains("Watched new"))
    });

    // A broken edit leaves the output as it was.
    std::fs::write(root.join("content/new.md"), "---\ntitle: [\n---\n").unwrap();
    poll("the error", || {
        watch
            .stderr()
            .contains("content/new.md:2:8: error")
            .then_some(())
    });
    assert!(read(&out.join("library/new/index.html")).is_some());
    std::fs::remove_file(root.join("content/new.md")).unwrap();
    poll("the deleted page to go", || {
        (!out.join("library/new/index.html").exists()).then_some(())
    });

    let status = watch.interrupt();
    assert!(status.success(), "{status:?}");
    let leftovers = std::fs::read_dir(lib.dir())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n != "lib" && n != "site")
        .collect::<Vec<_>>();
    assert!(
        leftovers.is_empty(),
        "temporary folders left: {leftovers:?}"
    );

    // Exactly what `build` writes: no reload script, no difference.
    let clean = lib.dir().join("clean");
    let o = covermap([
        "build".as_ref(),
        "--root".as_ref(),
        root.as_os_str(),
        "--out".as_ref(),
        clean.as_os_str(),
    ]);
    assert!(o.status.success());
    let (watched, built) = (tree(&out), tree(&clean));
    assert_eq!(
        watched.keys().collect::<Vec<_>>(),
        built.keys().collect::<Vec<_>>()
    );
    assert!(watched == built, "watch output differs from build output");
    assert!(
        !built
            .values()
            .any(|b| String::from_utf8_lossy(b).contains("__covermap")),
        "build output never holds the reload script"
    );
}
