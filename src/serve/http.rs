//! The dev server: HTTP/1.1 on 127.0.0.1 with the standard library only (a thread per
//! connection; the author's own browser is the only client). It answers GET and HEAD
//! with keep-alive, only for the loopback host names and `--allow-host` ones (403
//! otherwise: a DNS-rebinding page must not read a confidential library), sends no
//! CORS header, serves byte ranges (206/416) and streams attachments from disk rather
//! than reading them whole. Limits: each request head must arrive whole within
//! [`REQUEST_DEADLINE`], at most [`MAX_CONNECTIONS`] connections are open at once
//! (more wait in the kernel's backlog), and a failing `accept` (out of file
//! descriptors) backs off instead of spinning. Live reload is one server-sent event
//! stream per browser, not per tab: `reload.js` shares it through a SharedWorker
//! (`worker.js`). Shutdown closes every connection and joins its thread.

use std::collections::HashMap;
use std::io::{self, BufReader, Read, Seek, Write};
use std::net::{Ipv4Addr, Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use super::live::{Live, Notice};
use super::request::{self, DeadlineReader, Head, Range, Request};
use crate::output::{Content, Site};

/// Where the shared worker subscribes.
pub const EVENTS_PATH: &str = "/__covermap/events";
/// The reload script, inserted into every HTML page served.
pub const SCRIPT_PATH: &str = "/__covermap/reload.js";
/// The SharedWorker that holds the one event stream for every open tab.
pub const WORKER_PATH: &str = "/__covermap/worker.js";
/// The error overlay's stylesheet: a file, as the pages' Content-Security-Policy
/// allows no inline style.
pub const OVERLAY_CSS_PATH: &str = "/__covermap/overlay.css";
const SCRIPT: &str = include_str!("reload.js");
const WORKER: &str = include_str!("worker.js");
const OVERLAY_CSS: &str = include_str!("overlay.css");

/// The port `serve` tries first when none is given, then the next ones.
pub const DEFAULT_PORT: u16 = 1111;
/// How many ports after [`DEFAULT_PORT`] are tried before any free one.
const DEFAULT_TRIES: u16 = 20;
/// How long a client may take to send a whole request head, counted from when the
/// connection is ready for it (so it is also how long an idle keep-alive lasts).
pub const REQUEST_DEADLINE: Duration = Duration::from_secs(5);
/// How long one write may wait for a client that stopped reading.
const WRITE_TIMEOUT: Duration = Duration::from_secs(30);
/// Open connections at most; a browser keeps six per host, so this is room for many.
pub const MAX_CONNECTIONS: usize = 256;
/// How often an idle event stream gets a comment, so a closed page is noticed.
const KEEPALIVE: Duration = Duration::from_secs(15);
/// The longest wait after `accept` failed (file descriptors exhausted).
const MAX_BACKOFF: Duration = Duration::from_secs(1);

/// Which port to listen on.
#[derive(Debug, Clone, Copy)]
pub enum Port {
    /// `--port N`: that one or fail (`0`: any free port).
    Exact(u16),
    /// No `--port`: [`DEFAULT_PORT`] or the next free one.
    Default,
}

/// Why the server could not start.
#[derive(Debug)]
pub enum StartError {
    /// The port asked for is taken by another program.
    Taken(u16),
    Io(io::Error),
}

impl From<io::Error> for StartError {
    fn from(e: io::Error) -> Self {
        StartError::Io(e)
    }
}

/// A running server. [`Server::shutdown`] stops it and joins every thread.
pub struct Server {
    addr: SocketAddr,
    shared: Arc<Shared>,
    accept: Option<JoinHandle<()>>,
}

/// What the accept loop and the connection threads share.
struct Shared {
    live: Arc<Live>,
    /// `--allow-host` names, as [`request::host_name`] gives them.
    allow: Vec<String>,
    stop: AtomicBool,
    next: AtomicU64,
    open: Mutex<HashMap<u64, (TcpStream, JoinHandle<()>)>>,
    /// Signalled when a connection ends, for an accept loop waiting at the cap.
    freed: Condvar,
}

impl Shared {
    fn open(&self) -> MutexGuard<'_, HashMap<u64, (TcpStream, JoinHandle<()>)>> {
        self.open.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

fn bind(port: Port) -> Result<TcpListener, StartError> {
    let at = |p: u16| TcpListener::bind((Ipv4Addr::LOCALHOST, p));
    match port {
        Port::Exact(p) => at(p).map_err(|e| match e.kind() {
            io::ErrorKind::AddrInUse => StartError::Taken(p),
            _ => StartError::Io(e),
        }),
        Port::Default => {
            for p in DEFAULT_PORT..DEFAULT_PORT + DEFAULT_TRIES {
                match at(p) {
                    Ok(l) => return Ok(l),
                    Err(e) if e.kind() == io::ErrorKind::AddrInUse => {}
                    Err(e) => return Err(e.into()),
                }
            }
            Ok(at(0)?)
        }
    }
}

impl Server {
    /// Binds 127.0.0.1 as `port` says and starts accepting.
    pub fn start(port: Port, allow: &[String], live: Arc<Live>) -> Result<Server, StartError> {
        let listener = bind(port)?;
        let addr = listener.local_addr()?;
        let shared = Arc::new(Shared {
            live,
            allow: allow.iter().map(|h| request::host_name(h)).collect(),
            stop: AtomicBool::new(false),
            next: AtomicU64::new(0),
            open: Mutex::new(HashMap::new()),
            freed: Condvar::new(),
        });
        let accept = {
            let shared = shared.clone();
            std::thread::Builder::new()
                .name("covermap http".into())
                .spawn(move || accept_loop(&listener, &shared))?
        };
        Ok(Server {
            addr,
            shared,
            accept: Some(accept),
        })
    }

    pub fn url(&self) -> String {
        format!("http://{}/", self.addr)
    }

    pub fn port(&self) -> u16 {
        self.addr.port()
    }

    /// Stops accepting, closes every open connection and joins every thread.
    pub fn shutdown(mut self) {
        self.shared.stop.store(true, Ordering::SeqCst);
        self.shared.freed.notify_all();
        // Wake the blocking accept with a connection of our own.
        let _ = TcpStream::connect(self.addr);
        if let Some(t) = self.accept.take() {
            let _ = t.join();
        }
        let open: Vec<_> = self.shared.open().drain().collect();
        for (_, (stream, thread)) in open {
            let _ = stream.shutdown(Shutdown::Both);
            let _ = thread.join();
        }
    }
}

/// Joins the threads of connections that are done.
fn reap(open: &mut HashMap<u64, (TcpStream, JoinHandle<()>)>) {
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
}

fn accept_loop(listener: &TcpListener, shared: &Arc<Shared>) {
    let mut backoff = Duration::ZERO;
    loop {
        {
            // At the cap, wait for a connection to end; the kernel queues new ones.
            let mut open = shared.open();
            reap(&mut open);
            while open.len() >= MAX_CONNECTIONS && !shared.stop.load(Ordering::SeqCst) {
                open = shared
                    .freed
                    .wait_timeout(open, Duration::from_millis(100))
                    .unwrap_or_else(PoisonError::into_inner)
                    .0;
                reap(&mut open);
            }
        }
        let accepted = listener.accept();
        if shared.stop.load(Ordering::SeqCst) {
            break;
        }
        let stream = match accepted.and_then(|(s, _)| s.try_clone().map(|c| (s, c))) {
            Ok(pair) => {
                backoff = Duration::ZERO;
                pair
            }
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(_) => {
                // Out of file descriptors (EMFILE/ENFILE) or memory: the error repeats
                // at once until a connection closes, so wait rather than spin.
                backoff = (backoff * 2).clamp(Duration::from_millis(5), MAX_BACKOFF);
                std::thread::sleep(backoff);
                continue;
            }
        };
        spawn_connection(stream, shared);
    }
}

fn spawn_connection((stream, handle): (TcpStream, TcpStream), shared: &Arc<Shared>) {
    let id = shared.next.fetch_add(1, Ordering::Relaxed);
    let mut open = shared.open();
    let worker = shared.clone();
    let spawned = std::thread::Builder::new()
        .name("covermap http connection".into())
        // Once done, the thread is joined by a later accept or by shutdown.
        .spawn(move || {
            let _ = handle_connection(&stream, &worker);
            // The clone kept for shutdown would hold the connection open.
            let _ = stream.shutdown(Shutdown::Both);
            worker.freed.notify_all();
        });
    if let Ok(thread) = spawned {
        open.insert(id, (handle, thread));
    }
}

/// What to do with a connection after a response.
enum Next {
    KeepAlive,
    Close,
    /// Hand it to the event stream, which keeps it until the page or server goes.
    Events,
}

/// Answers requests on one connection until it closes, misses its deadline or turns
/// into an event stream.
fn handle_connection(stream: &TcpStream, shared: &Shared) -> io::Result<()> {
    stream.set_write_timeout(Some(WRITE_TIMEOUT))?;
    let _ = stream.set_nodelay(true);
    let mut reader = BufReader::new(DeadlineReader {
        stream,
        deadline: Instant::now() + REQUEST_DEADLINE,
    });
    loop {
        reader.get_mut().deadline = Instant::now() + REQUEST_DEADLINE;
        let mut out = stream;
        // A read error is a closed connection or a missed deadline: nothing to answer.
        let req = match request::read_head(&mut reader)? {
            Head::Closed => return Ok(()),
            Head::Bad(why) => {
                let body = format!("bad request: {why}\n");
                return plain(&mut out, "400 Bad Request", &body, false, false, &[]);
            }
            Head::Request(req) => req,
        };
        match answer(&mut out, &req, shared)? {
            Next::KeepAlive => {}
            Next::Close => return Ok(()),
            Next::Events => return event_stream(out, &shared.live),
        }
    }
}

/// Answers one request.
fn answer(out: &mut &TcpStream, req: &Request, shared: &Shared) -> io::Result<Next> {
    let (keep, head_only) = (req.keeps_alive(), req.head_only());
    let Some(host) = &req.host else {
        plain(
            out,
            "400 Bad Request",
            "bad request: no Host header\n",
            head_only,
            false,
            &[],
        )?;
        return Ok(Next::Close);
    };
    if !request::host_allowed(host, &shared.allow) {
        let body = format!(
            "covermap serve answers only to localhost, 127.0.0.1 and [::1]; to open it as \
             {host}, restart it with --allow-host {host}\n"
        );
        plain(out, "403 Forbidden", &body, head_only, keep, &[])?;
        return Ok(next(keep));
    }
    if req.method != "GET" && !head_only {
        let body = "covermap serve answers GET and HEAD\n";
        plain(
            out,
            "405 Method Not Allowed",
            body,
            false,
            keep,
            &[("Allow", "GET, HEAD")],
        )?;
        return Ok(next(keep));
    }
    let fixed = match req.path.as_str() {
        EVENTS_PATH if !head_only => return Ok(Next::Events),
        SCRIPT_PATH => Some((SCRIPT, "text/javascript; charset=utf-8")),
        WORKER_PATH => Some((WORKER, "text/javascript; charset=utf-8")),
        OVERLAY_CSS_PATH => Some((OVERLAY_CSS, "text/css; charset=utf-8")),
        _ => None,
    };
    if let Some((text, kind)) = fixed {
        respond(out, "200 OK", kind, text.as_bytes(), head_only, keep, &[])?;
        return Ok(next(keep));
    }
    let (site, build) = shared.live.site_and_build();
    let Some(site) = site else {
        // No good build yet: a page that shows the errors and reloads once fixed.
        let body = inject(
            b"<!doctype html><html><head><meta charset=\"utf-8\"><title>covermap: build failed</title></head>\
              <body><p>The library has errors, so there is no site to show yet: see them above or in the terminal. \
              This page reloads once they are fixed.</p></body></html>",
            build,
        );
        let kind = "text/html; charset=utf-8";
        respond(
            out,
            "503 Service Unavailable",
            kind,
            &body,
            head_only,
            keep,
            &[],
        )?;
        return Ok(next(keep));
    };
    let Some(key) = site_key(&req.path) else {
        return not_found(out, &site, build, head_only, keep);
    };
    let Some(content) = site.files.get(&key) else {
        // `/coverage` → `/coverage/`, so the page's relative links resolve.
        if !key.ends_with("index.html") && site.files.contains_key(&format!("{key}/index.html")) {
            let location = match &req.query {
                Some(q) => format!("{}/?{q}", req.path),
                None => format!("{}/", req.path),
            };
            let body = format!("moved to {location}\n");
            let headers = [("Location", location.as_str())];
            plain(
                out,
                "301 Moved Permanently",
                &body,
                head_only,
                keep,
                &headers,
            )?;
            return Ok(next(keep));
        }
        return not_found(out, &site, build, head_only, keep);
    };
    send_file(out, req, (&site, build), &key, content)
}

/// Sends a site file: a page with the reload script, anything else as a whole or as
/// the byte range asked for, streamed from disk when it is a library file.
fn send_file(
    out: &mut &TcpStream,
    req: &Request,
    (site, build): (&Site, u64),
    key: &str,
    content: &Content,
) -> io::Result<Next> {
    let (keep, head_only) = (req.keeps_alive(), req.head_only());
    let kind = content_type(key);
    if kind.starts_with("text/html") {
        // Pages are changed on the way out (the script), so no ranges of them.
        let bytes = match content {
            Content::Bytes(b) => inject(b, build),
            Content::Copy(path) => match std::fs::read(path) {
                Ok(b) => inject(&b, build),
                Err(_) => return not_found(out, site, build, head_only, keep),
            },
        };
        respond(out, "200 OK", kind, &bytes, head_only, keep, &[])?;
        return Ok(next(keep));
    }
    // An If-Range names a version; the server keeps no validators, so it cannot tell
    // whether the client's copy is current and sends the whole file (RFC 9110 §13.1.5).
    let range = (!req.if_range).then_some(req.range.as_deref()).flatten();
    let (len, file) = match content {
        Content::Bytes(b) => (b.len() as u64, None),
        // Streamed from disk: a 300 MB attachment costs a buffer, not 300 MB.
        Content::Copy(path) => match std::fs::File::open(path) {
            Ok(file) => (file.metadata()?.len(), Some(file)),
            // Deleted since the build: the rebuild under way will drop it.
            Err(_) => return not_found(out, site, build, head_only, keep),
        },
    };
    let (status, start, count, content_range) = match request::range(range, len) {
        Range::Whole => ("200 OK", 0, len, None),
        Range::Part { start, end } => (
            "206 Partial Content",
            start,
            end + 1 - start,
            Some(format!("bytes {start}-{end}/{len}")),
        ),
        Range::Unsatisfiable => {
            let body = format!("the file has {len} bytes; the range asked for holds none\n");
            let content_range = format!("bytes */{len}");
            let headers = [("Content-Range", content_range.as_str())];
            plain(
                out,
                "416 Range Not Satisfiable",
                &body,
                head_only,
                keep,
                &headers,
            )?;
            return Ok(next(keep));
        }
    };
    let mut headers = vec![("Accept-Ranges", "bytes")];
    if let Some(value) = &content_range {
        headers.push(("Content-Range", value));
    }
    write_head(out, status, kind, count, keep, &headers)?;
    if !head_only {
        match (content, file) {
            (_, Some(mut file)) => {
                file.seek(io::SeekFrom::Start(start))?;
                if io::copy(&mut file.take(count), out)? != count {
                    // The file shrank since it was measured: the promised length
                    // cannot be kept, so end the connection for the client to notice.
                    return Ok(Next::Close);
                }
            }
            (Content::Bytes(b), None) => {
                // Both fit in memory: the range was checked against `b.len()`.
                let from = usize::try_from(start).unwrap_or(usize::MAX).min(b.len());
                let to = usize::try_from(start + count)
                    .unwrap_or(usize::MAX)
                    .min(b.len());
                out.write_all(&b[from..to])?;
            }
            (Content::Copy(_), None) => {}
        }
    }
    out.flush()?;
    Ok(next(keep))
}

fn next(keep: bool) -> Next {
    if keep { Next::KeepAlive } else { Next::Close }
}

fn not_found(
    out: &mut &TcpStream,
    site: &Site,
    build: u64,
    head_only: bool,
    keep: bool,
) -> io::Result<Next> {
    match site.bytes("404.html") {
        Some(page) => {
            let kind = "text/html; charset=utf-8";
            respond(
                out,
                "404 Not Found",
                kind,
                &inject(page, build),
                head_only,
                keep,
                &[],
            )?;
        }
        None => plain(out, "404 Not Found", "not found\n", head_only, keep, &[])?,
    }
    Ok(next(keep))
}

/// A short plain-text answer, its body always the one its length promises.
fn plain(
    out: &mut &TcpStream,
    status: &str,
    body: &str,
    head_only: bool,
    keep: bool,
    headers: &[(&str, &str)],
) -> io::Result<()> {
    let kind = "text/plain; charset=utf-8";
    respond(out, status, kind, body.as_bytes(), head_only, keep, headers)
}

fn respond(
    out: &mut &TcpStream,
    status: &str,
    kind: &str,
    body: &[u8],
    head_only: bool,
    keep: bool,
    headers: &[(&str, &str)],
) -> io::Result<()> {
    write_head(out, status, kind, body.len() as u64, keep, headers)?;
    if !head_only {
        out.write_all(body)?;
    }
    out.flush()
}

/// The status line and headers. No `Access-Control-*` header, ever: no other origin
/// may read the site.
fn write_head(
    out: &mut &TcpStream,
    status: &str,
    kind: &str,
    len: u64,
    keep: bool,
    headers: &[(&str, &str)],
) -> io::Result<()> {
    let connection = if keep { "keep-alive" } else { "close" };
    let mut head = format!(
        "HTTP/1.1 {status}\r\nContent-Type: {kind}\r\nContent-Length: {len}\r\n\
         Cache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\nConnection: {connection}\r\n",
    );
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    out.write_all(head.as_bytes())
}

/// Streams `hello`, the current error (if any), then every notice until the page goes
/// away or the server stops (which drops the sender).
fn event_stream(mut stream: &TcpStream, live: &Live) -> io::Result<()> {
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

/// `page` with the reload script before its last `</body>` (or at its end), told the
/// build the page is from, so a page served just before a rebuild reloads once its
/// script connects.
pub fn inject(page: &[u8], build: u64) -> Vec<u8> {
    let tag = format!("<script src=\"{SCRIPT_PATH}\" data-build=\"{build}\"></script>");
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
    }

    #[test]
    fn script_goes_before_the_last_body_end() {
        let tag = format!("<script src=\"{SCRIPT_PATH}\" data-build=\"7\"></script>");
        assert_eq!(
            String::from_utf8(inject(b"<p>x</body></BODY>\n</html>", 7)).unwrap(),
            format!("<p>x</body>{tag}</BODY>\n</html>")
        );
        assert_eq!(
            String::from_utf8(inject(b"<p>x", 7)).unwrap(),
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
