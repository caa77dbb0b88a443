//! `covermap serve` under the conditions issue 13 names: many open pages, foreign
//! `Host` names (DNS rebinding), byte ranges of attachments, keep-alive, slow clients,
//! malformed requests, few file descriptors and bursts of changes. The real binary,
//! spoken to over raw TCP; every wait is a poll or a read with a deadline.
#![cfg(unix)]

use crate::common::{DEADLINE, exclusive, poll};
use crate::serve::{Events, Running, asset, get, host, library};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::Command;
use std::time::Duration;

/// A response read off a keep-alive connection: (status, head, body).
fn read_response(reader: &mut BufReader<TcpStream>, head_only: bool) -> (u16, String, Vec<u8>) {
    let mut head = String::new();
    loop {
        let mut line = String::new();
        assert!(
            reader.read_line(&mut line).unwrap() > 0,
            "closed mid-head: {head}"
        );
        if line == "\r\n" {
            break;
        }
        head.push_str(&line);
    }
    let status = head.split_whitespace().nth(1).unwrap().parse().unwrap();
    let len: usize = header(&head, "content-length").map_or(0, |v| v.parse().unwrap());
    let mut body = vec![0; if head_only { 0 } else { len }];
    reader.read_exact(&mut body).unwrap();
    (status, head, body)
}

fn header<'a>(head: &'a str, name: &str) -> Option<&'a str> {
    head.lines().find_map(|l| {
        let (n, v) = l.split_once(':')?;
        n.eq_ignore_ascii_case(name).then(|| v.trim())
    })
}

/// A connection that sends `requests` (raw text, `{host}` filled in) in turn and
/// reads each answer.
struct Conn(BufReader<TcpStream>);

impl Conn {
    fn open(url: &str) -> Conn {
        let s = TcpStream::connect(host(url)).unwrap();
        s.set_read_timeout(Some(DEADLINE)).unwrap();
        Conn(BufReader::new(s))
    }

    fn ask(&mut self, request: &str) -> (u16, String, Vec<u8>) {
        self.0.get_mut().write_all(request.as_bytes()).unwrap();
        read_response(&mut self.0, request.starts_with("HEAD "))
    }
}

fn serve_lib(root: &Path, extra: &[&str]) -> (Running, String) {
    let mut args = vec!["serve", "--root", root.to_str().unwrap(), "--port", "0"];
    args.extend_from_slice(extra);
    let serve = Running::start(&args);
    let url = serve.url();
    (serve, url)
}

#[test]
fn ten_open_event_streams_leave_pages_loading() {
    let (_dir, root) = library();
    let (_serve, url) = serve_lib(&root, &[]);
    // Ten tabs each holding a stream (what a browser without the shared worker does).
    let tabs: Vec<Events> = (0..10).map(|_| Events::connect(&url)).collect();
    for path in [
        "/",
        "/library/roi/",
        "/coverage/",
        "/coverage.json",
        "/nope",
    ] {
        let (status, _, _) = get(&url, path);
        assert!(status == 200 || status == 404, "{path}: {status}");
    }
    // Every tab hears the next rebuild.
    std::fs::write(root.join("content/roi.md"), asset("ROI, ten tabs")).unwrap();
    for tab in &tabs {
        tab.next_named("reload");
    }
    assert_eq!(get(&url, "/library/roi/").0, 200);
}

#[test]
fn only_loopback_and_allowed_hosts_are_answered_and_no_cors() {
    let (_dir, root) = library();
    let (_serve, url) = serve_lib(&root, &["--allow-host", "laptop.local"]);
    let port = url
        .rsplit(':')
        .next()
        .unwrap()
        .trim_end_matches('/')
        .to_string();
    let mut conn = Conn::open(&url);
    let ask = |conn: &mut Conn, host: &str| {
        conn.ask(&format!(
            "GET /library/roi/ HTTP/1.1\r\nHost: {host}\r\nOrigin: http://evil.example\r\n\r\n"
        ))
    };
    for bad in [
        "evil.example",
        &format!("evil.example:{port}"),
        "127.0.0.1.evil.example",
    ] {
        let (status, head, body) = ask(&mut conn, bad);
        assert_eq!(status, 403, "{bad}");
        let body = String::from_utf8(body).unwrap();
        assert!(body.contains("--allow-host"), "{body}");
        assert!(!body.contains("ROI"), "{body}");
        assert!(
            !head.to_ascii_lowercase().contains("access-control-"),
            "{head}"
        );
    }
    let good = [
        "localhost".to_string(),
        format!("localhost:{port}"),
        format!("127.0.0.1:{port}"),
        format!("[::1]:{port}"),
        "LAPTOP.local".to_string(),
    ];
    for ok in &good {
        let (status, head, _) = ask(&mut conn, ok);
        assert_eq!(status, 200, "{ok}");
        assert!(
            !head.to_ascii_lowercase().contains("access-control-"),
            "{head}"
        );
    }
    // No Host at all is not HTTP/1.1.
    let (status, _, body) = Conn::open(&url).ask("GET / HTTP/1.1\r\n\r\n");
    assert_eq!(status, 400);
    assert!(!body.is_empty());
}

#[test]
fn ranges_of_attachments_and_keep_alive() {
    let (_dir, root) = library();
    let data: Vec<u8> = (0..300_000u32).map(|i| (i * 7 % 251) as u8).collect();
    std::fs::write(root.join("content/guides/deck.bin"), &data).unwrap();
    let (_serve, url) = serve_lib(&root, &[]);
    let h = host(&url);
    let mut conn = Conn::open(&url);
    let range =
        |r: &str| format!("GET /guides/deck.bin HTTP/1.1\r\nHost: {h}\r\nRange: {r}\r\n\r\n");

    let (status, head, body) = conn.ask(&format!(
        "GET /guides/deck.bin HTTP/1.1\r\nHost: {h}\r\n\r\n"
    ));
    assert_eq!(status, 200);
    assert_eq!(header(&head, "accept-ranges"), Some("bytes"));
    assert!(body == data, "the whole file");
    // The same connection serves the next requests (keep-alive).
    let (status, head, body) = conn.ask(&range("bytes=1000-1999"));
    assert_eq!(status, 206, "{head}");
    assert_eq!(
        header(&head, "content-range"),
        Some("bytes 1000-1999/300000")
    );
    assert_eq!(body, &data[1000..2000]);
    let (status, head, body) = conn.ask(&range("bytes=-10"));
    assert_eq!(status, 206);
    assert_eq!(
        header(&head, "content-range"),
        Some("bytes 299990-299999/300000")
    );
    assert_eq!(body, &data[299_990..]);
    let (status, _, body) = conn.ask(&range("bytes=299000-"));
    assert_eq!(status, 206);
    assert_eq!(body, &data[299_000..]);
    let (status, head, body) = conn.ask(&range("bytes=300000-"));
    assert_eq!(status, 416, "{head}");
    assert_eq!(header(&head, "content-range"), Some("bytes */300000"));
    assert_eq!(
        header(&head, "content-length"),
        Some(body.len().to_string().as_str())
    );
    let (status, head, body) = conn.ask(&format!(
        "HEAD /guides/deck.bin HTTP/1.1\r\nHost: {h}\r\nRange: bytes=0-99\r\n\r\n"
    ));
    assert_eq!(
        (status, header(&head, "content-length")),
        (206, Some("100"))
    );
    assert!(body.is_empty());
    // A generated file has ranges too.
    let (status, _, body) = conn.ask(&format!(
        "GET /coverage.json HTTP/1.1\r\nHost: {h}\r\nRange: bytes=0-0\r\n\r\n"
    ));
    assert_eq!((status, body.as_slice()), (206, b"{".as_slice()));
    // `Connection: close` is honoured.
    let (status, head, _) = conn.ask(&format!(
        "GET / HTTP/1.1\r\nHost: {h}\r\nConnection: close\r\n\r\n"
    ));
    assert_eq!(status, 200);
    assert_eq!(header(&head, "connection"), Some("close"));
    let mut rest = Vec::new();
    conn.0.read_to_end(&mut rest).unwrap();
    assert!(rest.is_empty());
}

#[test]
fn error_responses_send_the_body_they_promise() {
    let (_dir, root) = library();
    let (_serve, url) = serve_lib(&root, &[]);
    let h = host(&url);
    for request in [
        "GARBAGE\r\n\r\n".to_string(),
        format!("GET /%zz HTTP/1.1\r\nHost: {h}\r\n\r\n"),
        format!("POST / HTTP/1.1\r\nHost: {h}\r\nContent-Length: 0\r\n\r\n"),
        format!("GET /nope HTTP/1.1\r\nHost: {h}\r\n\r\n"),
        format!("GET /coverage HTTP/1.1\r\nHost: {h}\r\n\r\n"),
    ] {
        let (status, head, body) = Conn::open(&url).ask(&request);
        assert!(status >= 300, "{request}: {status}");
        assert!(!body.is_empty(), "{request}: {head}");
    }
}

#[test]
fn a_slow_client_is_dropped_while_others_are_served() {
    let (_dir, root) = library();
    let (_serve, url) = serve_lib(&root, &[]);
    let mut slow = TcpStream::connect(host(&url)).unwrap();
    slow.write_all(b"GET / HTTP/1.1\r\nHo").unwrap();
    // It keeps trickling a byte now and then, which a per-read timeout would allow
    // forever; the whole head has a deadline.
    let mut trickle = slow.try_clone().unwrap();
    let trickler = std::thread::spawn(move || {
        while trickle.write_all(b"x").is_ok() {
            std::thread::sleep(Duration::from_millis(200));
        }
    });
    assert_eq!(get(&url, "/").0, 200, "others are served meanwhile");
    slow.set_read_timeout(Some(DEADLINE)).unwrap();
    let mut buf = [0; 64];
    match slow.read(&mut buf) {
        Ok(0) => {}
        Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => {}
        other => panic!("the slow client was not dropped: {other:?}"),
    }
    trickler.join().unwrap();
    assert_eq!(get(&url, "/").0, 200);
}

#[test]
fn port_zero_takes_any_free_port() {
    let (_dir, root) = library();
    let (serve, url) = serve_lib(&root, &[]);
    assert!(
        url.starts_with("http://127.0.0.1:") && !url.ends_with(":0/"),
        "{url}"
    );
    assert_eq!(get(&url, "/").0, 200);
    assert!(serve.interrupt().success());
}

#[test]
fn out_of_file_descriptors_the_server_recovers() {
    let (_dir, root) = library();
    // Few descriptors: the held connections below exhaust them.
    let script = format!(
        "ulimit -n 48 && exec {} serve --root '{}' --port 0",
        crate::common::BIN,
        root.display()
    );
    let mut child = Command::new("sh")
        .args(["-c", &script])
        .env("NO_COLOR", "1")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let url = line[line.find("http://").unwrap()..]
        .split_whitespace()
        .next()
        .unwrap()
        .to_string();
    let held: Vec<TcpStream> = (0..80)
        .filter_map(|_| TcpStream::connect(host(&url)).ok())
        .collect();
    assert!(!held.is_empty());
    drop(held);
    poll("the server to answer again", || {
        (get(&url, "/").0 == 200).then_some(())
    });
    let _ = child.kill();
    let _ = child.wait();
}

#[test]
fn a_burst_of_writes_is_one_rebuild_of_the_finished_tree() {
    let _one = exclusive();
    let (_dir, root) = library();
    let (serve, url) = serve_lib(&root, &[]);
    let events = Events::connect(&url);
    std::fs::create_dir(root.join("content/burst")).unwrap();
    // 200 files over ~300 ms, as a `git checkout` writes them. The longest pause between
    // two writes is kept: the promise is one rebuild for a burst whose pauses are
    // shorter than the 50 ms settle time, and a loaded machine may stall this thread.
    let mut longest = Duration::ZERO;
    let mut last = std::time::Instant::now();
    for i in 0..200 {
        std::fs::write(
            root.join(format!("content/burst/b{i:03}.md")),
            asset(&format!("Burst {i:03}")),
        )
        .unwrap();
        longest = longest.max(last.elapsed());
        std::thread::sleep(Duration::from_micros(1500));
        last = std::time::Instant::now();
    }
    events.next_named("reload");
    // The one reload shows the whole tree.
    assert_eq!(get(&url, "/library/burst/b199/").0, 200);
    assert_eq!(get(&url, "/library/burst/b000/").0, 200);
    poll("the rebuild's report", || {
        serve.stderr().contains("built 202 assets").then_some(())
    });
    let stderr = serve.stderr();
    let rebuilds = stderr.matches(" rendered) · ").count() - 1;
    if longest < Duration::from_millis(40) {
        assert_eq!(rebuilds, 1, "{stderr}");
        // One rebuild for every path: the 200 files, and the folder when its event came.
        assert!(
            stderr.contains("and 199 more: built 202 assets")
                || stderr.contains("and 200 more: built 202 assets"),
            "{stderr}"
        );
    } else {
        // The writer itself paused past the settle time: that is two bursts.
        assert!(rebuilds <= 2, "writes paused {longest:?}: {stderr}");
    }
}

#[test]
fn quiet_serve_prints_errors_but_no_summaries() {
    let (_dir, root) = library();
    let (serve, url) = serve_lib(&root, &["--quiet"]);
    let events = Events::connect(&url);
    std::fs::write(root.join("content/roi.md"), asset("ROI, quietly")).unwrap();
    events.next_named("reload");
    std::fs::write(root.join("content/roi.md"), "---\ntitle: [\n---\n").unwrap();
    events.next_named("error");
    poll("the error", || {
        serve
            .stderr()
            .contains("content/roi.md:2:8: error")
            .then_some(())
    });
    let stderr = serve.stderr();
    assert!(!stderr.contains("built "), "{stderr}");
    assert!(stderr.contains("build failed"), "{stderr}");
}
