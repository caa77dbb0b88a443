//! What the dev server reads from a connection: one request head, bounded in size and
//! in time (a deadline for the whole head, not per read, so a client that trickles a
//! byte at a time is still dropped), and the few headers it acts on: `Host` (checked
//! against an allow-list, so a DNS-rebinding page cannot read the library), `Range`,
//! `If-Range` and `Connection`. Everything here is pure but [`DeadlineReader`].

use std::io::{self, BufRead, Read};
use std::net::TcpStream;
use std::time::Instant;

/// Largest request head read; browsers send a few hundred bytes.
pub const MAX_HEAD: u64 = 16 * 1024;

/// Reads from a stream until a deadline: each read waits at most the time left.
pub struct DeadlineReader<'a> {
    pub stream: &'a TcpStream,
    pub deadline: Instant,
}

impl Read for DeadlineReader<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let left = self.deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(io::ErrorKind::TimedOut.into());
        }
        self.stream.set_read_timeout(Some(left))?;
        let mut stream = self.stream;
        stream.read(buf)
    }
}

/// A parsed request head.
#[derive(Debug, Default)]
pub struct Request {
    pub method: String,
    /// The path, percent-decoded, without query or fragment.
    pub path: String,
    pub query: Option<String>,
    /// The `Host` header's name part (no port), lowercased.
    pub host: Option<String>,
    pub range: Option<String>,
    pub if_range: bool,
    /// Whether the connection may carry another request after this one.
    pub keep_alive: bool,
    /// Whether a body follows the head (which a GET or HEAD never needs).
    pub has_body: bool,
}

impl Request {
    /// Whether the connection stays open after the answer. A request body is never
    /// read, so after one the connection closes rather than parse it as a request.
    pub fn keeps_alive(&self) -> bool {
        self.keep_alive && !self.has_body
    }

    pub fn head_only(&self) -> bool {
        self.method == "HEAD"
    }
}

/// What reading a head gave.
#[derive(Debug)]
pub enum Head {
    Request(Request),
    /// The client closed the connection before starting another request.
    Closed,
    /// A malformed or oversized head: answered 400, then the connection is closed.
    Bad(&'static str),
}

/// Reads one request head from `reader`.
pub fn read_head(reader: &mut impl BufRead) -> io::Result<Head> {
    let mut budget = MAX_HEAD;
    let mut line = Vec::new();
    // A blank line or two before a request is allowed (RFC 9112 §2.2).
    loop {
        line.clear();
        let n = reader.by_ref().take(budget).read_until(b'\n', &mut line)?;
        if n == 0 {
            return Ok(if budget == MAX_HEAD {
                Head::Closed
            } else {
                Head::Bad("the request head is incomplete")
            });
        }
        budget -= n as u64;
        if !line.ends_with(b"\n") {
            return Ok(Head::Bad("the request head is too large or incomplete"));
        }
        if line != b"\r\n" && line != b"\n" {
            break;
        }
    }
    let request_line = String::from_utf8_lossy(&line).into_owned();
    let mut parts = request_line.split_whitespace();
    let (Some(method), Some(target), version) = (parts.next(), parts.next(), parts.next()) else {
        return Ok(Head::Bad("the request line is not `METHOD /path HTTP/1.1`"));
    };
    let mut req = Request {
        method: method.to_string(),
        // HTTP/1.1 keeps the connection open unless told otherwise; 1.0 closes it.
        keep_alive: version == Some("HTTP/1.1"),
        ..Request::default()
    };
    loop {
        line.clear();
        let n = reader.by_ref().take(budget).read_until(b'\n', &mut line)?;
        budget = budget.saturating_sub(n as u64);
        if n == 0 || !line.ends_with(b"\n") {
            return Ok(Head::Bad("the request head is too large or incomplete"));
        }
        if line == b"\r\n" || line == b"\n" {
            break;
        }
        let header = String::from_utf8_lossy(&line);
        let Some((name, value)) = header.split_once(':') else {
            return Ok(Head::Bad("a header line has no `:`"));
        };
        let value = value.trim();
        match name.trim().to_ascii_lowercase().as_str() {
            "host" => {
                if req.host.is_some() {
                    return Ok(Head::Bad("the request has two Host headers"));
                }
                req.host = Some(host_name(value));
            }
            "range" => req.range = Some(value.to_string()),
            "if-range" => req.if_range = true,
            "connection" => {
                let tokens = value.to_ascii_lowercase();
                if tokens.split(',').any(|t| t.trim() == "close") {
                    req.keep_alive = false;
                }
            }
            "content-length" => req.has_body |= value != "0",
            "transfer-encoding" => req.has_body = true,
            _ => {}
        }
    }
    let target = target.split('#').next().unwrap_or_default();
    let (path, query) = match target.split_once('?') {
        Some((p, q)) => (p, Some(q.to_string())),
        None => (target, None),
    };
    let Some(path) = percent_decode(path) else {
        return Ok(Head::Bad("the path is not valid percent-encoded UTF-8"));
    };
    req.path = path;
    req.query = query;
    Ok(Head::Request(req))
}

/// The name part of a `Host` value or an `--allow-host` value, lowercased, without
/// port or trailing dot: `LOCALHOST:1111` → `localhost`, `[::1]:80` → `[::1]`.
pub fn host_name(value: &str) -> String {
    let value = value.trim().to_ascii_lowercase();
    let name = match value.strip_prefix('[') {
        Some(rest) => match rest.split_once(']') {
            Some((inside, _)) => format!("[{inside}]"),
            None => value.clone(),
        },
        None => match value.rsplit_once(':') {
            Some((name, port)) if port.bytes().all(|b| b.is_ascii_digit()) => name.to_string(),
            _ => value.clone(),
        },
    };
    name.trim_end_matches('.').to_string()
}

/// The host names always answered: the loopback names a browser on this machine uses.
pub const LOOPBACK_HOSTS: &[&str] = &["localhost", "127.0.0.1", "[::1]"];

/// Whether a request's `Host` is one the server answers: a browser page on another
/// name (DNS rebinding) gets 403, so it cannot read the site.
pub fn host_allowed(host: &str, extra: &[String]) -> bool {
    LOOPBACK_HOSTS.contains(&host) || extra.iter().any(|h| h == host)
}

/// What a `Range` header asks of a body of `len` bytes.
#[derive(Debug, PartialEq, Eq)]
pub enum Range {
    /// No range, or one the server ignores (several ranges, not bytes, malformed):
    /// the whole body, 200.
    Whole,
    /// Bytes `start..=end`, 206.
    Part { start: u64, end: u64 },
    /// No byte of the body is in the range: 416.
    Unsatisfiable,
}

/// Parses a single `bytes=` range (RFC 9110 §14.1.2).
pub fn range(header: Option<&str>, len: u64) -> Range {
    let Some(spec) = header.and_then(|h| h.trim().strip_prefix("bytes=")) else {
        return Range::Whole;
    };
    if spec.contains(',') {
        return Range::Whole;
    }
    let Some((first, last)) = spec.trim().split_once('-') else {
        return Range::Whole;
    };
    let number = |s: &str| -> Option<u64> {
        let s = s.trim();
        (!s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()))
            .then(|| s.parse().ok())
            .flatten()
    };
    match (first.trim().is_empty(), number(first), number(last)) {
        // `-N`: the last N bytes.
        (true, _, Some(suffix)) => match (suffix, len) {
            (0, _) | (_, 0) => Range::Unsatisfiable,
            _ => Range::Part {
                start: len.saturating_sub(suffix),
                end: len - 1,
            },
        },
        (false, Some(start), end) if last.trim().is_empty() || end.is_some() => {
            if start >= len {
                return Range::Unsatisfiable;
            }
            match end {
                Some(end) if end < start => Range::Whole,
                Some(end) => Range::Part {
                    start,
                    end: end.min(len - 1),
                },
                None => Range::Part {
                    start,
                    end: len - 1,
                },
            }
        }
        _ => Range::Whole,
    }
}

pub fn percent_decode(s: &str) -> Option<String> {
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

#[cfg(test)]
mod tests {
    use super::*;

    fn head(raw: &str) -> Head {
        read_head(&mut io::BufReader::new(raw.as_bytes())).unwrap()
    }

    #[test]
    fn heads_parse_and_bad_ones_are_named() {
        let Head::Request(r) = head(
            "\r\nGET /a%20b/?q=1#x HTTP/1.1\r\nHost: LocalHost:1111\r\nRange: bytes=0-9\r\n\r\n",
        ) else {
            panic!()
        };
        assert_eq!(r.path, "/a b/");
        assert_eq!(r.query.as_deref(), Some("q=1"));
        assert_eq!(r.host.as_deref(), Some("localhost"));
        assert_eq!(r.range.as_deref(), Some("bytes=0-9"));
        assert!(r.keep_alive && !r.has_body);
        let Head::Request(r) = head("GET / HTTP/1.1\r\nConnection: Close\r\n\r\n") else {
            panic!()
        };
        assert!(!r.keep_alive);
        let Head::Request(r) = head("GET / HTTP/1.0\r\n\r\n") else {
            panic!()
        };
        assert!(!r.keep_alive);
        assert!(matches!(head(""), Head::Closed));
        assert!(matches!(head("GET / HTTP/1.1\r\nHost: x"), Head::Bad(_)));
        assert!(matches!(head("GARBAGE\r\n\r\n"), Head::Bad(_)));
        assert!(matches!(
            head("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n"),
            Head::Bad(_)
        ));
        let huge = format!("GET / HTTP/1.1\r\nX: {}\r\n\r\n", "a".repeat(20_000));
        assert!(matches!(head(&huge), Head::Bad(_)));
        assert_eq!(percent_decode("/a%2"), None);
        assert_eq!(percent_decode("/%ff"), None);
        assert_eq!(percent_decode("/a%20b/%C3%A9").as_deref(), Some("/a b/é"));
    }

    #[test]
    fn hosts_are_allowed_by_name_only() {
        assert_eq!(host_name("[::1]:1111"), "[::1]");
        assert_eq!(host_name("127.0.0.1:80"), "127.0.0.1");
        assert_eq!(host_name("Evil.Example."), "evil.example");
        let extra = vec![host_name("laptop.local:1111")];
        for ok in ["localhost", "127.0.0.1", "[::1]", "laptop.local"] {
            assert!(host_allowed(ok, &extra), "{ok}");
        }
        for no in ["evil.example", "localhost.evil.example", "0.0.0.0", ""] {
            assert!(!host_allowed(no, &extra), "{no}");
        }
    }

    #[test]
    fn ranges() {
        let r = |h: &str, len| range(Some(h), len);
        assert_eq!(r("bytes=0-9", 100), Range::Part { start: 0, end: 9 });
        assert_eq!(r("bytes=90-", 100), Range::Part { start: 90, end: 99 });
        assert_eq!(r("bytes=90-200", 100), Range::Part { start: 90, end: 99 });
        assert_eq!(r("bytes=-10", 100), Range::Part { start: 90, end: 99 });
        assert_eq!(r("bytes=-200", 100), Range::Part { start: 0, end: 99 });
        assert_eq!(r("bytes=100-", 100), Range::Unsatisfiable);
        assert_eq!(r("bytes=-0", 100), Range::Unsatisfiable);
        assert_eq!(r("bytes=0-", 0), Range::Unsatisfiable);
        assert_eq!(r("bytes=0-1,5-6", 100), Range::Whole);
        assert_eq!(r("bytes=9-1", 100), Range::Whole);
        assert_eq!(r("bytes=a-b", 100), Range::Whole);
        assert_eq!(r("items=0-1", 100), Range::Whole);
        assert_eq!(range(None, 100), Range::Whole);
    }
}
