//! `[site] request_url`: a URL template for "Request this asset" links (issue 15), such
//! as a new-issue link in the content repo. It must be http(s), and may name only the
//! placeholders [`PLACEHOLDERS`]; each is filled with its value, URL-encoded.

use std::ops::Range;

use crate::diagnostics::suggest;

/// Every placeholder a request URL may hold, without its braces.
pub const PLACEHOLDERS: [&str; 4] = ["segment", "persona", "stage", "query"];

/// One problem with a request URL: the byte range within the value, what is wrong and
/// what to do.
#[derive(Debug, PartialEq)]
pub(super) struct Problem {
    pub at: Range<usize>,
    pub message: String,
    pub help: String,
}

/// Every problem with `url`, in order.
pub(super) fn problems(url: &str) -> Vec<Problem> {
    let mut out = Vec::new();
    let lower = url.trim_start().to_ascii_lowercase();
    let scheme_ok = ["http://", "https://"]
        .iter()
        .any(|s| lower.starts_with(s) && lower.len() > s.len());
    if !scheme_ok {
        let end = url.find(':').map_or(url.len().min(1), |i| i + 1);
        out.push(Problem {
            at: 0..end.max(1).min(url.len()),
            message: format!(
                "request_url `{}` is not an http(s) URL",
                crate::diagnostics::printable(url)
            ),
            help: "write a full link starting with https://, such as \"https://github.com/acme/content/issues/new?title=Request:+{segment}+{persona}+{stage}\"".into(),
        });
    }
    let mut rest = 0;
    while let Some(open) = url[rest..].find('{').map(|i| rest + i) {
        let Some(close) = url[open..].find('}').map(|i| open + i) else {
            out.push(Problem {
                at: open..url.len(),
                message: "request_url has a `{` that is never closed".into(),
                help: format!("placeholders are {}", names()),
            });
            break;
        };
        let name = &url[open + 1..close];
        if !PLACEHOLDERS.contains(&name) {
            let help = suggest(name, PLACEHOLDERS).map_or_else(
                || format!("placeholders are {}", names()),
                |s| format!("{s} (placeholders are {})", names()),
            );
            out.push(Problem {
                at: open..close + 1,
                message: format!(
                    "request_url names an unknown placeholder `{{{}}}`",
                    crate::diagnostics::printable(name)
                ),
                help,
            });
        }
        rest = close + 1;
    }
    out
}

fn names() -> String {
    PLACEHOLDERS.map(|p| format!("`{{{p}}}`")).join(", ")
}

/// The request link for a cell (or, with `query`, a search): `url` with each
/// placeholder filled, URL-encoded; a value not given is left empty.
pub fn fill(url: &str, values: &[(&str, &str)]) -> String {
    let mut out = url.to_string();
    for p in PLACEHOLDERS {
        let v = values.iter().find(|(k, _)| *k == p).map_or("", |(_, v)| v);
        out = out.replace(&format!("{{{p}}}"), &encode(v));
    }
    out
}

/// Percent-encodes everything but unreserved characters (RFC 3986), as
/// `encodeURIComponent` does, so a value cannot end the query or add a parameter.
pub fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_good_template_has_no_problem() {
        assert!(
            problems(
                "https://github.com/a/b/issues/new?title={segment}+{persona}+{stage}&body={query}"
            )
            .is_empty()
        );
        assert!(problems("http://intranet/request").is_empty());
    }

    #[test]
    fn the_scheme_must_be_http() {
        let p = problems("mailto:content@acme.com?subject={segment}");
        assert_eq!(p.len(), 1);
        assert_eq!(p[0].at, 0..7);
        assert!(p[0].message.contains("not an http(s) URL"));
        assert_eq!(problems("javascript:alert(1)").len(), 1);
        assert_eq!(problems("github.com/issues").len(), 1);
        assert_eq!(problems("https://").len(), 1);
    }

    #[test]
    fn an_unknown_placeholder_is_placed_and_suggested() {
        let url = "https://x.test/new?t={segmnet}&p={persona}";
        let p = problems(url);
        assert_eq!(p.len(), 1);
        assert_eq!(&url[p[0].at.clone()], "{segmnet}");
        assert!(
            p[0].help.contains("did you mean `segment`?"),
            "{}",
            p[0].help
        );
        let open = problems("https://x.test/new?t={stage");
        assert!(open[0].message.contains("never closed"));
    }

    #[test]
    fn values_are_url_encoded() {
        let url = "https://x.test/new?title={segment}%20{persona}&q={query}";
        assert_eq!(
            fill(
                url,
                &[
                    ("segment", "mid-market"),
                    ("persona", "economic-buyer"),
                    ("query", "a&b=c d/é")
                ]
            ),
            "https://x.test/new?title=mid-market%20economic-buyer&q=a%26b%3Dc%20d%2F%C3%A9"
        );
        assert_eq!(fill("https://x.test/{stage}", &[]), "https://x.test/");
    }
}
