//! The links and images of a body that point into the library: relative addresses
//! (`../other.md`, `chart.png`) and root-relative ones (`/handbook/x/`), found when the
//! asset is loaded so that the site can resolve them against the source file, publish
//! what they point to and warn, with the file's line and column, about those that
//! point to nothing. Addresses with a scheme (`https:`, `mailto:`), protocol-relative
//! ones (`//host/x`) and bare fragments (`#top`) leave the library and are never kept.

use pulldown_cmark::{Event, Parser, Tag};

use crate::diagnostics::{Place, line_col};

/// A link or image of a body that points into the library.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BodyLink {
    /// The address as the Markdown has it (escapes undone, `%XX` kept).
    pub url: String,
    pub image: bool,
    /// Where the link starts in the file (the `[` or `!`).
    pub place: Place,
}

/// Whether `url` may point into the library: not empty, no scheme, not a bare fragment
/// and not protocol-relative.
pub fn is_local(url: &str) -> bool {
    let url = url.trim_start();
    !(url.is_empty() || url.starts_with('#') || url.starts_with("//") || has_scheme(url))
}

/// A scheme as a browser reads one: a letter, then letters, digits, `+`, `-` or `.`,
/// then `:` (`a/b:c` and `foo):` are paths).
fn has_scheme(url: &str) -> bool {
    let Some(colon) = url.find(':') else {
        return false;
    };
    let scheme = &url[..colon];
    let mut chars = scheme.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
}

/// A cheap test that a body may hold a local link: some `](`, `]:`, `src=` or `href=`
/// followed by an address that [`is_local`] keeps. A body whose links all go elsewhere
/// (or that has none) is never parsed for them.
pub fn may_have_local(body: &str) -> bool {
    let bytes = body.as_bytes();
    memchr::memchr2_iter(b']', b'=', bytes).any(|at| {
        let after = if bytes[at] == b']' {
            match bytes.get(at + 1) {
                Some(b'(') => at + 2,
                Some(b':') if is_definition(body, at) => at + 2,
                _ => return false,
            }
        } else {
            let before = &bytes[..at];
            let attr = before.len() >= 3
                && (before[before.len() - 3..].eq_ignore_ascii_case(b"src")
                    || before.len() >= 4
                        && before[before.len() - 4..].eq_ignore_ascii_case(b"href"));
            if !attr {
                return false;
            }
            at + 1
        };
        let rest = body[after..].trim_start_matches([' ', '\t', '<', '"', '\'']);
        let end = rest
            .find([')', '>', ' ', '\n', '"', '\''])
            .unwrap_or(rest.len());
        !rest[..end].is_empty() && is_local(&rest[..end])
    })
}

/// Whether the `]` at `at`, followed by `:`, ends a link reference definition's label:
/// `[label]` at the start of its line (after up to three spaces), not a footnote's
/// `[^note]:`.
fn is_definition(body: &str, at: usize) -> bool {
    let line = &body[body[..at].rfind('\n').map_or(0, |i| i + 1)..at];
    let label = line.trim_start_matches(' ');
    line.len() - label.len() <= 3 && label.starts_with('[') && !label.starts_with("[^")
}

/// The `src` and `href` attributes of raw HTML, quoted with `"` or `'`: each value's
/// byte range in `html` and the address it holds (`&amp;` read as `&`).
pub fn html_addresses(html: &str) -> Vec<(std::ops::Range<usize>, String, bool)> {
    let mut out = Vec::new();
    let lower = html.to_ascii_lowercase();
    for (attr, image) in [("src=", true), ("href=", false)] {
        for (at, _) in lower.match_indices(attr) {
            // An attribute follows a space (or a line break) inside a tag.
            if !html[..at].ends_with([' ', '\n', '\t']) {
                continue;
            }
            let start = at + attr.len();
            let Some(quote) = html[start..]
                .chars()
                .next()
                .filter(|c| matches!(c, '"' | '\''))
            else {
                continue;
            };
            let Some(len) = html[start + 1..].find(quote) else {
                continue;
            };
            let range = start + 1..start + 1 + len;
            out.push((range.clone(), html[range].replace("&amp;", "&"), image));
        }
    }
    out.sort_by_key(|(r, _, _)| r.start);
    out
}

/// The local links and images of `body` (already rewritten as rendering reads it), in
/// order; `text` is the whole file and `body_start` the byte offset at which the body
/// starts in it, so that places are in the file. `body` may differ from `text`'s own
/// body where foreign syntax was rewritten: lines are kept, so places are by line.
pub fn collect(body: &str, text: &str, body_start: usize) -> Vec<BodyLink> {
    if !may_have_local(body) {
        return Vec::new();
    }
    let (first_line, _) = line_col(text, body_start);
    let mut out = Vec::new();
    let mut found: Vec<(String, bool, std::ops::Range<usize>)> = Vec::new();
    for (event, range) in Parser::new_ext(body, super::options::options()).into_offset_iter() {
        match event {
            Event::Start(Tag::Link { dest_url, .. }) => {
                found.push((dest_url.into_string(), false, range));
            }
            Event::Start(Tag::Image { dest_url, .. }) => {
                found.push((dest_url.into_string(), true, range));
            }
            // Raw HTML's text is the body's from the range's start, within its line.
            Event::Html(html) | Event::InlineHtml(html) => {
                for (r, url, image) in html_addresses(&html) {
                    let start = (range.start + r.start).min(range.end);
                    let end = (range.start + r.end).min(range.end);
                    found.push((url, image, start..end));
                }
            }
            _ => {}
        }
    }
    for (url, image, range) in found {
        if !is_local(&url) {
            continue;
        }
        let (line, col) = line_col(body, range.start);
        let line = first_line + line - 1;
        let width = body
            .get(range.clone())
            .unwrap_or_default()
            .lines()
            .next()
            .map_or(1, |l| l.chars().count().max(1));
        // The column in the file's own line: the body's first line may not start it.
        let col = if line == first_line {
            line_col(text, body_start).1 + col - 1
        } else {
            col
        };
        out.push(BodyLink {
            url,
            image,
            place: Place::new(text, line, col, width as u32),
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_addresses_are_kept_and_the_rest_left() {
        for (url, local) in [
            ("../x.md", true),
            ("x.md#anchor", true),
            ("chart.png", true),
            ("/handbook/x/", true),
            ("a/b:c", true),
            ("{{ site.baseurl }}/x", true),
            ("#top", false),
            ("", false),
            ("https://example.org/x.md", false),
            ("mailto:a@b.example", false),
            ("msteams:/l/chat", false),
            ("//cdn.example/x.png", false),
        ] {
            assert_eq!(is_local(url), local, "{url}");
        }
    }

    #[test]
    fn bodies_with_only_outside_links_are_not_parsed() {
        assert!(!may_have_local("no links at all"));
        assert!(!may_have_local(
            "[a](https://x.example) [b]( <mailto:a@b> ) [c](#top)"
        ));
        assert!(!may_have_local("[a] and [b]\n\n[a]: https://x.example\n"));
        assert!(may_have_local("[a](https://x.example) then [b](b.md)"));
        assert!(may_have_local("![i](<my chart.png>)"));
        assert!(may_have_local("[a]\n\n[a]: ../a.md\n"));
        assert!(may_have_local("[a]\n\n   [a]: ../a.md\n"));
        // Footnotes and text that only looks like a definition.
        assert!(!may_have_local("Hi[^n].\n\n[^n]: 412 respondents\n"));
        assert!(!may_have_local("a [b]: c d\n"));
    }

    #[test]
    fn links_are_placed_in_the_file() {
        let text = "---\ntitle: T\n---\nIntro [one](one.md) and\n\n* ![pic](img/p.png \"t\")\n\n[ref]: ../r.md#x\n\nSee [r][ref], [web](https://w.example).\n";
        let body_start = text.find("Intro").unwrap();
        let links = collect(&text[body_start..], text, body_start);
        let got: Vec<(&str, bool, u32, u32)> = links
            .iter()
            .map(|l| (l.url.as_str(), l.image, l.place.line, l.place.col))
            .collect();
        assert_eq!(
            got,
            [
                ("one.md", false, 4, 7),
                ("img/p.png", true, 6, 3),
                ("../r.md#x", false, 10, 5),
            ]
        );
        assert_eq!(links[0].place.source_line, "Intro [one](one.md) and");
        assert_eq!(links[0].place.width, 13);
    }

    #[test]
    fn raw_html_addresses_are_found_and_placed() {
        let html =
            "<a href=\"../x.md?a=1&amp;b=2\" class=x><img SRC='chart.png'>data-src=\"no\"</a>";
        let found: Vec<(&str, String, bool)> = html_addresses(html)
            .into_iter()
            .map(|(r, url, image)| (&html[r], url, image))
            .collect();
        assert_eq!(
            found,
            [
                ("../x.md?a=1&amp;b=2", "../x.md?a=1&b=2".to_string(), false),
                ("chart.png", "chart.png".to_string(), true),
            ]
        );
        assert!(may_have_local("<img src=\"chart.png\">"));
        assert!(!may_have_local("<a href=\"https://x.example\">x</a>"));
        let text =
            "---\ntitle: T\n---\n<p>Hi <img src=\"a.png\"></p>\n\nText <a href=\"b.md\">b</a>\n";
        let start = text.find("<p>").unwrap();
        let got: Vec<(String, bool, u32, u32)> = collect(&text[start..], text, start)
            .into_iter()
            .map(|l| (l.url, l.image, l.place.line, l.place.col))
            .collect();
        assert_eq!(
            got,
            [
                ("a.png".to_string(), true, 4, 17),
                ("b.md".to_string(), false, 6, 15),
            ]
        );
    }
}
