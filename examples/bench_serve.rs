//! Save → reload latency of `covermap serve`, as a browser sees it.
//!
//! ```sh
//! cargo run --release --example bench_serve -- --bin target/release/covermap --root LIB [--saves 20]
//! ```
//!
//! Copies the library at LIB to a temporary folder, starts `covermap serve` on it,
//! subscribes to the reload events as the page's script does, then saves one asset
//! again and again, and times each save from just before the write to (a) the `reload`
//! event and (b) the page served with the new text. Four kinds of save, each `--saves`
//! times after two warm-up saves: the body or the title (a title is shown by every list
//! page that lists the asset), each written in place or by renaming a temp file over
//! it. Prints one Markdown table; scripts/bench-serve runs it on the sample and on a
//! generated 10,000-asset library.
//!
//! With `--watch`, it runs `covermap watch --out DIR` instead and times each save to the
//! asset's page in DIR holding the new text (polled every millisecond).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::time::{Duration, Instant};

struct Args {
    bin: PathBuf,
    root: PathBuf,
    saves: usize,
    watch: bool,
}

fn args() -> Args {
    let mut bin = None;
    let mut root = None;
    let mut saves = 20;
    let mut watch = false;
    let mut it = std::env::args().skip(1);
    while let Some(a) = it.next() {
        match a.as_str() {
            "--bin" => bin = it.next().map(PathBuf::from),
            "--root" => root = it.next().map(PathBuf::from),
            "--saves" => saves = it.next().and_then(|s| s.parse().ok()).unwrap_or(saves),
            "--watch" => watch = true,
            _ => {
                eprintln!("usage: bench_serve --bin COVERMAP --root LIB [--saves N] [--watch]");
                std::process::exit(2);
            }
        }
    }
    match (bin, root) {
        (Some(bin), Some(root)) => Args {
            bin,
            root,
            saves,
            watch,
        },
        _ => {
            eprintln!("usage: bench_serve --bin COVERMAP --root LIB [--saves N]");
            std::process::exit(2);
        }
    }
}

fn copy_library(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.expect("walk the library");
        let rel = entry.path().strip_prefix(from).expect("inside");
        let first = rel
            .components()
            .next()
            .map(|c| c.as_os_str().to_string_lossy().into_owned());
        // Only what a library is made of; not public/, target/ or .git/.
        if !matches!(
            first.as_deref(),
            None | Some("plan.toml" | "content" | "themes" | "static")
        ) {
            continue;
        }
        let dest = to.join(rel);
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&dest).expect("mkdir");
        } else if entry.file_type().is_file() {
            std::fs::copy(entry.path(), &dest).expect("copy");
        }
    }
}

/// The asset to save: the first Markdown file (in path order) with a `title:` line.
fn pick_asset(root: &Path) -> (PathBuf, String) {
    let mut files: Vec<PathBuf> = walkdir::WalkDir::new(root.join("content"))
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "md"))
        .map(|e| e.into_path())
        .collect();
    files.sort();
    for f in files {
        let text = std::fs::read_to_string(&f).unwrap_or_default();
        if text.lines().any(|l| l.starts_with("title:")) && !text.contains("draft: true") {
            return (f, text);
        }
    }
    panic!("no asset with a YAML title under {}", root.display());
}

/// The asset's text with `marker` put before its title.
fn retitle(text: &str, marker: &str) -> String {
    let mut out = String::new();
    let mut done = false;
    for line in text.split_inclusive('\n') {
        if !done && let Some(value) = line.strip_prefix("title:") {
            let value = value.trim().trim_matches('"').trim_matches('\'');
            out.push_str(&format!(
                "title: '{marker} {}'\n",
                value.replace('\'', "''")
            ));
            done = true;
        } else {
            out.push_str(line);
        }
    }
    out
}

fn host(url: &str) -> String {
    url.trim_start_matches("http://")
        .trim_end_matches('/')
        .to_string()
}

fn get(url: &str, path: &str) -> (u16, String) {
    let mut s = TcpStream::connect(host(url)).expect("connect");
    s.set_read_timeout(Some(Duration::from_secs(30))).ok();
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n",
        host(url)
    )
    .expect("send");
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).ok();
    let raw = String::from_utf8_lossy(&raw).into_owned();
    let status = raw
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    (status, raw)
}

fn events(url: &str) -> Receiver<String> {
    let mut s = TcpStream::connect(host(url)).expect("connect");
    write!(
        s,
        "GET /__covermap/events HTTP/1.1\r\nHost: {}\r\n\r\n",
        host(url)
    )
    .expect("send");
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(s).lines() {
            let Ok(line) = line else { break };
            if let Some(name) = line.strip_prefix("event: ")
                && tx.send(name.to_string()).is_err()
            {
                break;
            }
        }
    });
    rx
}

fn wait_for(rx: &Receiver<String>, name: &str) -> bool {
    let end = Instant::now() + Duration::from_secs(60);
    while let Ok(e) = rx.recv_timeout(end.saturating_duration_since(Instant::now())) {
        if e == name {
            return true;
        }
        if e == "error" {
            eprintln!("bench_serve: the build failed; see the server's output");
        }
    }
    false
}

fn quantile(sorted: &[f64], q: f64) -> f64 {
    let i = ((sorted.len() - 1) as f64 * q).round() as usize;
    sorted[i]
}

fn main() {
    let args = args();
    let tmp = tempfile::tempdir().expect("tempdir");
    let root = tmp.path().join("lib");
    copy_library(&args.root, &root);
    let (asset, original) = pick_asset(&root);
    let slug_page = {
        // The page path from the slug rule of SPEC §1.2 (assets without `slug:`).
        let rel = asset
            .strip_prefix(root.join("content"))
            .expect("inside")
            .with_extension("");
        let mut slug = String::new();
        let mut dash = false;
        for c in rel.to_string_lossy().to_lowercase().chars() {
            if c.is_ascii_lowercase() || c.is_ascii_digit() || c == '/' {
                slug.push(c);
                dash = false;
            } else if !dash {
                slug.push('-');
                dash = true;
            }
        }
        format!("/library/{slug}/")
    };

    if args.watch {
        return watch(&args, &root, &asset, &original, &slug_page);
    }
    let started = Instant::now();
    let mut child: Child = Command::new(&args.bin)
        .args(["serve", "--port", "0", "--root"])
        .arg(&root)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start covermap serve");
    let mut line = String::new();
    BufReader::new(child.stdout.take().expect("stdout"))
        .read_line(&mut line)
        .expect("URL");
    let url = line
        .split_whitespace()
        .find(|w| w.starts_with("http://"))
        .expect("URL")
        .to_string();
    let first_build = started.elapsed();
    let rx = events(&url);
    assert!(wait_for(&rx, "hello"), "no hello event");
    let (status, _) = get(&url, &slug_page);
    assert_eq!(status, 200, "{slug_page} not served");

    let mut n = 0;
    let mut rows = Vec::new();
    for (what, title) in [("body", false), ("title", true)] {
        for (how, rename) in [("in place", false), ("rename", true)] {
            let mut to_event = Vec::new();
            let mut to_page = Vec::new();
            for i in 0..args.saves + 2 {
                n += 1;
                let marker = format!("benchmark-save-{n}");
                let text = if title {
                    retitle(&original, &marker)
                } else {
                    format!("{original}\n{marker}\n")
                };
                // Let the previous save's events settle, as between real saves.
                std::thread::sleep(Duration::from_millis(150));
                while rx.try_recv().is_ok() {}
                let t0 = Instant::now();
                if rename {
                    let tmp = asset.with_file_name(format!(".bench-{n}.tmp"));
                    std::fs::write(&tmp, &text).expect("write");
                    std::fs::rename(&tmp, &asset).expect("rename");
                } else {
                    std::fs::write(&asset, &text).expect("write");
                }
                assert!(wait_for(&rx, "reload"), "no reload after save {n}");
                let event = t0.elapsed();
                loop {
                    let (_, body) = get(&url, &slug_page);
                    if body.contains(&marker) {
                        break;
                    }
                    assert!(
                        t0.elapsed() < Duration::from_secs(60),
                        "page never showed save {n}"
                    );
                }
                let page = t0.elapsed();
                if i >= 2 {
                    to_event.push(event.as_secs_f64() * 1000.0);
                    to_page.push(page.as_secs_f64() * 1000.0);
                }
            }
            to_event.sort_by(f64::total_cmp);
            to_page.sort_by(f64::total_cmp);
            rows.push(format!(
                "| {what}, {how} | {} | {:.0} | {:.0} | {:.0} | {:.0} | {:.0} |",
                to_event.len(),
                quantile(&to_event, 0.5),
                quantile(&to_event, 0.9),
                to_event[to_event.len() - 1],
                quantile(&to_page, 0.5),
                quantile(&to_page, 0.9),
            ));
        }
    }
    let _ = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status();
    let _ = child.wait();
    let assets = walkdir::WalkDir::new(root.join("content"))
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "md"))
        .count();
    println!(
        "{} Markdown files · first build and serve: {:.2} s · saved file: {}\n",
        assets,
        first_build.as_secs_f64(),
        asset.strip_prefix(&root).unwrap_or(&asset).display()
    );
    println!(
        "| save | saves | → reload event, median ms | p90 | max | → new page served, median ms | p90 |"
    );
    println!("|---|---|---|---|---|---|---|");
    for r in rows {
        println!("{r}");
    }
}

/// `--watch`: save → the page in the output folder holds the new text.
fn watch(args: &Args, root: &Path, asset: &Path, original: &str, slug_page: &str) {
    let out = root.parent().expect("a temporary folder").join("out");
    let page = out
        .join(slug_page.trim_start_matches('/'))
        .join("index.html");
    let started = Instant::now();
    let mut child: Child = Command::new(&args.bin)
        .args(["watch", "--root"])
        .arg(root)
        .arg("--out")
        .arg(&out)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start covermap watch");
    // The first build is done when watch says it is watching.
    let mut stderr = BufReader::new(child.stderr.take().expect("stderr"));
    let mut line = String::new();
    while stderr.read_line(&mut line).map(|n| n > 0).unwrap_or(false) {
        if line.starts_with("watching ") {
            break;
        }
        line.clear();
    }
    let first_build = started.elapsed();
    // Keep reading what watch prints, so it never blocks on a full pipe.
    std::thread::spawn(move || {
        let mut sink = String::new();
        while stderr.read_line(&mut sink).map(|n| n > 0).unwrap_or(false) {
            sink.clear();
        }
    });
    let mut n = 0;
    let mut rows = Vec::new();
    for (what, title) in [("body", false), ("title", true)] {
        for (how, rename) in [("in place", false), ("rename", true)] {
            let mut times = Vec::new();
            for i in 0..args.saves + 2 {
                n += 1;
                let marker = format!("benchmark-save-{n}");
                let text = if title {
                    retitle(original, &marker)
                } else {
                    format!("{original}\n{marker}\n")
                };
                std::thread::sleep(Duration::from_millis(300));
                let t0 = Instant::now();
                if rename {
                    let tmp = asset.with_file_name(format!(".bench-{n}.tmp"));
                    std::fs::write(&tmp, &text).expect("write");
                    std::fs::rename(&tmp, asset).expect("rename");
                } else {
                    std::fs::write(asset, &text).expect("write");
                }
                while !std::fs::read_to_string(&page).is_ok_and(|p| p.contains(&marker)) {
                    assert!(
                        t0.elapsed() < Duration::from_secs(60),
                        "the page never showed save {n}"
                    );
                    std::thread::sleep(Duration::from_millis(1));
                }
                if i >= 2 {
                    times.push(t0.elapsed().as_secs_f64() * 1000.0);
                }
            }
            times.sort_by(f64::total_cmp);
            rows.push(format!(
                "| {what}, {how} | {} | {:.0} | {:.0} | {:.0} |",
                times.len(),
                quantile(&times, 0.5),
                quantile(&times, 0.9),
                times[times.len() - 1],
            ));
        }
    }
    let _ = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status();
    let _ = child.wait();
    println!(
        "watch · first build: {:.2} s · saved file: {}\n",
        first_build.as_secs_f64(),
        asset.strip_prefix(root).unwrap_or(asset).display()
    );
    println!("| save | saves | → page in the output folder, median ms | p90 | max |");
    println!("|---|---|---|---|---|");
    for r in rows {
        println!("{r}");
    }
}
