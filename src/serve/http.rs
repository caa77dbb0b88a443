//! The dev server: HTTP/1.1 on 127.0.0.1 with the standard library only. It serves
//! one in-memory site to the author's own browser, so it answers GET and HEAD, one
//! request per connection (`Connection: close`), and streams server-sent events to
//! each open page. The edge cases it owns: request heads are bounded in size and time,
//! paths are percent-decoded and only ever looked up in the site's map (never joined
//! to a folder on disk), and shutdown closes every connection and joins its thread.

use std::collections::HashMap;
use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::{Ipv4Addr, Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

use super::live::{Live, Notice};
use crate::output::Content;

/// Where the page's reload script subscribes.
pub const EVENTS_PATH: &str = "/__covermap/events";
/// The reload script, inserted into every HTML page served.
pub const SCRIPT_PATH: &str = "/__covermap/reload.js";
const SCRIPT: &str = include_str!("reload.js");

/// Largest request head read; browsers send a few hundred bytes.
const MAX_HEAD: u64 = 16 * 1024;
/// How long a connection may take to send its request.
const READ_TIMEOUT: Duration = Duration::from_secs(10);
/// How often an idle event stream gets a comment, so a closed page is noticed.
const KEEPALIVE: Duration = Duration::from_secs(15);

/// A running server. [`Server::shutdown`] stops it and joins every thread.
pub struct Server {
    addr: SocketAddr,
    stop: Arc<AtomicBool>,
    accept: Option<JoinHandle<()>>,
    connections: Arc<Connections>,
}

#[derive(Default)]
struct Connections {
    next: AtomicU64,
    open: Mutex<HashMap<u64, (TcpStream, JoinHandle<()>)>>,
}

impl Server {
    /// Binds 127.0.0.1:`port`, or a free port when that one is taken (or 0), and
    /// starts accepting. The second value is whether the port asked for was taken.
    pub fn start(port: u16, live: Arc<Live>) -> io::Result<(Server, bool)> {
        let (listener, fell_back) = match TcpListener::bind((Ipv4Addr::LOCALHOST, port)) {
            Ok(l) => (l, false),
            Err(e) if port != 0 && e.kind() == io::ErrorKind::AddrInUse => {
                (TcpListener::bind((Ipv4Addr::LOCALHOST, 0))?, true)
            }
            Err(e) => return Err(e),
        };
        let addr = listener.local_addr()?;
        let stop = Arc::new(AtomicBool::new(false));
        let connections = Arc::new(Connections::default());
        let accept = {
            let (stop, connections) = (stop.clone(), connections.clone());
            std::thread::Builder::new()
                .name("covermap http".into())
                .spawn(move || accept_loop(&listener, &stop, &connections, &live))?
        };
        Ok((
            Server {
                addr,
                stop,
                accept: Some(accept),
                connections,
            },
            fell_back,
        ))
    }

    pub fn url(&self) -> String {
        format!("http://{}/", self.addr)
    }

    /// Stops accepting, closes every open connection and joins every thread.
    pub fn shutdown(mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wake the blocking accept with a connection of our own.
        let _ = TcpStream::connect(self.addr);
        if let Some(t) = self.accept.take() {
            let _ = t.join();
        }
        let open: Vec<_> = self
            .connections
            .open
            .lock()
            .map(|mut m| m.drain().collect())
            .unwrap_or_default();
        for (_, (stream, thread)) in open {
            let _ = stream.shutdown(Shutdown::Both);
            let _ = thread.join();
        }
    }
}

fn accept_loop(
    listener: &TcpListener,
    stop: &AtomicBool,
    conns: &Arc<Connections>,
    live: &Arc<Live>,
) {
    for stream in listener.incoming() {
        if stop.load(Ordering::SeqCst) {
            break;
        }
        let Ok(stream) = stream else { continue };
        let Ok(handle) = stream.try_clone() else {
            continue;
        };
        let id = conns.next.fetch_add(1, Ordering::Relaxed);
        let live = live.clone();
        let Ok(mut open) = conns.open.lock() else {
            break;
        };
        // Forget connections that are done, joining their threads.
        let done: Vec<u64> = open
            .iter()
            .filter(|(_, (_, t))| t.is_finished())
            .map(|(id, _)| *id)
            .collect();
        for id in done {
            if let Some((_, t)) = open.remove(&id) {
                let _ = t.join();
            }
        }
        let spawned = std::thread::Builder::new()
            .name("covermap http connection".into())
            // Once done, the thread is joined by a later accept or by shutdown.
            .spawn(move || {
                let closer = stream.try_clone();
                let _ = handle_connection(stream, &live);
                // The clone kept for shutdown would hold the connection open.
                if let Ok(s) = closer {
                    let _ = s.shutdown(Shutdown::Both);
                }
            });
        if let Ok(thread) = spawned {
            open.insert(id, (handle, thread));
        }
    }
}

struct Request {
    method: String,
    /// The path, percent-decoded, without query or fragment.
    path: String,
    query: Option<String>,
}

fn read_request(stream: &TcpStream) -> io::Result<Option<Request>> {
    let mut reader = BufReader::new(stream.take(MAX_HEAD));
    let mut line = String::new();
    reader.read_line(&mut line)?;
    let mut parts = line.split_whitespace();
    let (Some(method), Some(target)) = (parts.next(), parts.next()) else {
        return Ok(None);
    };
    // Read (and drop) the headers, up to the blank line.
    loop {
        let mut header = String::new();
        if reader.read_line(&mut header)? == 0 {
            return Ok(None);
        }
        if header == "\r\n" || header == "\n" {
            break;
        }
    }
    let target = target.split('#').next().unwrap_or_default();
    let (path, query) = match target.split_once('?') {
        Some((p, q)) => (p, Some(q.to_string())),
        None => (target, None),
    };
    let Some(path) = percent_decode(path) else {
        return Ok(None);
    };
    Ok(Some(Request {
        method: method.to_string(),
        path,
        query,
    }))
}

fn handle_connection(mut stream: TcpStream, live: &Live) -> io::Result<()> {
    stream.set_read_timeout(Some(READ_TIMEOUT))?;
    let _ = stream.set_nodelay(true);
    let Some(req) = read_request(&stream)? else {
        return respond(
            &mut stream,
            "400 Bad Request",
            "text/plain; charset=utf-8",
            b"bad request\n",
            true,
            &[],
        );
    };
    let head_only = req.method == "HEAD";
    if req.method != "GET" && !head_only {
        return respond(
            &mut stream,
            "405 Method Not Allowed",
            "text/plain; charset=utf-8",
            b"covermap serve answers GET and HEAD\n",
            head_only,
            &[("Allow", "GET, HEAD")],
        );
    }
    if req.path == EVENTS_PATH {
        return event_stream(stream, live);
    }
    if req.path == SCRIPT_PATH {
        return respond(
            &mut stream,
            "200 OK",
            "text/javascript; charset=utf-8",
            SCRIPT.as_bytes(),
            head_only,
            &[],
        );
    }
    let site = live.site();
    let Some(site) = site else {
        // No good build yet: a page that shows the errors and reloads once fixed.
        let body = inject(
            b"<!doctype html><html><head><meta charset=\"utf-8\"><title>covermap: build failed</title></head>\
              <body><p>The library has errors, so there is no site to show yet: see them above or in the terminal. \
              This page reloads once they are fixed.</p></body></html>",
        );
        return respond(
            &mut stream,
            "503 Service Unavailable",
            "text/html; charset=utf-8",
            &body,
            head_only,
            &[],
        );
    };
    let Some(key) = site_key(&req.path) else {
        return not_found(&mut stream, &site, head_only);
    };
    let found = site.files.get(&key);
    let Some(content) = found else {
        // `/coverage` → `/coverage/`, so the page's relative links resolve.
        if !key.ends_with("index.html") && site.files.contains_key(&format!("{key}/index.html")) {
            let location = match &req.query {
                Some(q) => format!("{}/?{q}", req.path),
                None => format!("{}/", req.path),
            };
            return respond(
                &mut stream,
                "301 Moved Permanently",
                "text/plain; charset=utf-8",
                b"",
                head_only,
                &[("Location", &location)],
            );
        }
        return not_found(&mut stream, &site, head_only);
    };
    let bytes = match content {
        Content::Bytes(b) => std::borrow::Cow::Borrowed(b.as_slice()),
        Content::Copy(path) => match std::fs::read(path) {
            Ok(b) => std::borrow::Cow::Owned(b),
            // Deleted since the build: the rebuild under way will drop it.
            Err(_) => return not_found(&mut stream, &site, head_only),
        },
    };
    let kind = content_type(&key);
    if kind.starts_with("text/html") {
        respond(&mut stream, "200 OK", kind, &inject(&bytes), head_only, &[])
    } else {
        respond(&mut stream, "200 OK", kind, &bytes, head_only, &[])
    }
}

fn not_found(
    stream: &mut TcpStream,
    site: &crate::output::Site,
    head_only: bool,
) -> io::Result<()> {
    match site.bytes("404.html") {
        Some(page) => respond(
            stream,
            "404 Not Found",
            "text/html; charset=utf-8",
            &inject(page),
            head_only,
            &[],
        ),
        None => respond(
            stream,
            "404 Not Found",
            "text/plain; charset=utf-8",
            b"not found\n",
            head_only,
            &[],
        ),
    }
}

fn respond(
    stream: &mut TcpStream,
    status: &str,
    content_type: &str,
    body: &[u8],
    head_only: bool,
    headers: &[(&str, &str)],
) -> io::Result<()> {
    let mut head = format!(
        "HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\n\
         Cache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\nConnection: close\r\n",
        body.len()
    );
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes())?;
    if !head_only {
        stream.write_all(body)?;
    }
    stream.flush()
}

/// Streams `hello`, the current error (if any), then every notice until the page goes
/// away or the server stops (which drops the sender).
fn event_stream(mut stream: TcpStream, live: &Live) -> io::Result<()> {
    let (tx, rx) = mpsc::channel();
    let first = live.subscribe(tx);
    stream.write_all(
        b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-store\r\n\
          X-Content-Type-Options: nosniff\r\n\r\nretry: 500\n\n",
    )?;
    for notice in first {
        stream.write_all(notice.sse().as_bytes())?;
    }
    stream.flush()?;
    loop {
        match rx.recv_timeout(KEEPALIVE) {
            Ok(notice) => stream.write_all(notice.sse().as_bytes())?,
            Err(RecvTimeoutError::Timeout) => stream.write_all(b": keep-alive\n\n")?,
            Err(RecvTimeoutError::Disconnected) => return Ok(()),
        }
        stream.flush()?;
    }
}

impl Notice {
    fn sse(&self) -> String {
        let (event, data) = match self {
            Notice::Hello(build) => ("hello", format!("{{\"build\":{build}}}")),
            Notice::Reload(build) => ("reload", format!("{{\"build\":{build}}}")),
            Notice::Error(json) => ("error", json.clone()),
        };
        // `data` is one line of JSON: serde_json escapes every line break.
        format!("event: {event}\ndata: {data}\n\n")
    }
}

/// The site path a URL path names: `/` and `/x/` are `index.html` and
/// `x/index.html`. `None` for paths no site file can have.
pub fn site_key(path: &str) -> Option<String> {
    let rel = path.strip_prefix('/')?;
    if rel.split('/').any(|p| p == ".." || p == ".") || rel.contains('\\') || rel.contains('\0') {
        return None;
    }
    if rel.is_empty() || rel.ends_with('/') {
        Some(format!("{rel}index.html"))
    } else {
        Some(rel.to_string())
    }
}

fn percent_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// `page` with the reload script before its last `</body>` (or at its end).
pub fn inject(page: &[u8]) -> Vec<u8> {
    let tag = format!("<script src=\"{SCRIPT_PATH}\"></script>");
    let at = page
        .windows(7)
        .rposition(|w| w.eq_ignore_ascii_case(b"</body>"))
        .unwrap_or(page.len());
    let mut out = Vec::with_capacity(page.len() + tag.len());
    out.extend_from_slice(&page[..at]);
    out.extend_from_slice(tag.as_bytes());
    out.extend_from_slice(&page[at..]);
    out
}

/// The content type of a site file, by its extension.
pub fn content_type(path: &str) -> &'static str {
    let ext = path.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase());
    match ext.as_deref().unwrap_or("") {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" | "map" => "application/json",
        "csv" => "text/csv; charset=utf-8",
        "txt" | "md" => "text/plain; charset=utf-8",
        "xml" => "application/xml",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "avif" => "image/avif",
        "ico" => "image/x-icon",
        "pdf" => "application/pdf",
        "woff" => "font/woff",
        "woff2" => "font/woff2",
        "ttf" => "font/ttf",
        "otf" => "font/otf",
        "wasm" => "application/wasm",
        "mp4" => "video/mp4",
        "webm" => "video/webm",
        "zip" => "application/zip",
        "xlsx" => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "pptx" => "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "docx" => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn url_paths_map_to_site_files() {
        let cases = [
            ("/", Some("index.html")),
            ("/coverage/", Some("coverage/index.html")),
            ("/coverage", Some("coverage")),
            ("/style.css", Some("style.css")),
            ("/library/a b/", Some("library/a b/index.html")),
            ("/../etc/passwd", None),
            ("/a/./b", None),
            ("relative", None),
        ];
        for (path, want) in cases {
            assert_eq!(site_key(path).as_deref(), want, "{path}");
        }
        assert_eq!(percent_decode("/a%20b/%C3%A9").as_deref(), Some("/a b/é"));
        assert_eq!(percent_decode("/a%2"), None);
        assert_eq!(percent_decode("/%ff"), None);
    }

    #[test]
    fn script_goes_before_the_last_body_end() {
        let tag = format!("<script src=\"{SCRIPT_PATH}\"></script>");
        assert_eq!(
            String::from_utf8(inject(b"<p>x</body></BODY>\n</html>")).unwrap(),
            format!("<p>x</body>{tag}</BODY>\n</html>")
        );
        assert_eq!(
            String::from_utf8(inject(b"<p>x")).unwrap(),
            format!("<p>x{tag}")
        );
    }

    #[test]
    fn content_types() {
        assert_eq!(content_type("index.html"), "text/html; charset=utf-8");
        assert_eq!(content_type("coverage.json"), "application/json");
        assert_eq!(content_type("coverage.csv"), "text/csv; charset=utf-8");
        assert_eq!(content_type("guides/MODEL.CSV"), "text/csv; charset=utf-8");
        assert_eq!(content_type("library.js"), "text/javascript; charset=utf-8");
        assert_eq!(content_type("noext"), "application/octet-stream");
    }
}
