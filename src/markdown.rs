//! Asset bodies: CommonMark (with tables, footnotes, strikethrough and task lists) to
//! HTML, and to plain text for the search index. Raw HTML is sanitized unless the
//! plan sets `raw_html = true`; link and image addresses with a script scheme are
//! dropped either way.

use pulldown_cmark::{CowStr, Event, Options, Parser, Tag, TagEnd, html};

use crate::limits::MAX_HTML_NESTING;

/// A body rendered for the page and for search.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Rendered {
    pub html: String,
    pub text: String,
}

fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
}

pub fn render(markdown: &str, raw_html: bool) -> Rendered {
    let options = options();
    let mut has_raw_html = false;
    let mut aligned = false;
    let mut text = String::with_capacity(markdown.len());
    let events = Parser::new_ext(markdown, options).map(|event| match event {
        Event::Html(_) | Event::InlineHtml(_) => {
            has_raw_html = true;
            event
        }
        Event::Text(ref t) | Event::Code(ref t) => {
            text.push_str(t);
            event
        }
        Event::SoftBreak
        | Event::HardBreak
        | Event::End(
            TagEnd::Paragraph
            | TagEnd::Heading(_)
            | TagEnd::Item
            | TagEnd::TableCell
            | TagEnd::CodeBlock,
        ) => {
            if !text.ends_with(' ') && !text.is_empty() {
                text.push(' ');
            }
            event
        }
        Event::Start(Tag::Table(ref alignments)) => {
            aligned |= alignments
                .iter()
                .any(|a| *a != pulldown_cmark::Alignment::None);
            event
        }
        Event::Start(Tag::Link {
            link_type,
            dest_url,
            title,
            id,
        }) => Event::Start(Tag::Link {
            link_type,
            dest_url: safe_url(dest_url),
            title,
            id,
        }),
        Event::Start(Tag::Image {
            link_type,
            dest_url,
            title,
            id,
        }) => Event::Start(Tag::Image {
            link_type,
            dest_url: safe_url(dest_url),
            title,
            id,
        }),
        other => other,
    });
    let mut out = String::with_capacity(markdown.len() * 3 / 2);
    html::push_html(&mut out, events);
    // Table alignment as classes: the pages' Content-Security-Policy forbids inline style.
    if aligned {
        out = alignment_as_classes(&out);
    }
    if has_raw_html && !raw_html {
        out = sanitizer().clean(&out).to_string();
    }
    Rendered {
        html: out,
        text: text.trim_end().to_string(),
    }
}

/// `html` with each ` style="text-align: X">` the HTML writer puts on aligned table
/// cells made ` class="align-X">`, in one pass.
fn alignment_as_classes(html: &str) -> String {
    const STYLE: &str = " style=\"text-align: ";
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(at) = rest.find(STYLE) {
        let after = &rest[at + STYLE.len()..];
        let side = ["left", "center", "right"]
            .into_iter()
            .find(|side| after.starts_with(side) && after[side.len()..].starts_with("\">"));
        out.push_str(&rest[..at]);
        match side {
            Some(side) => {
                out.push_str(" class=\"align-");
                out.push_str(side);
                out.push_str("\">");
                rest = &after[side.len() + 2..];
            }
            None => {
                out.push_str(STYLE);
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// Where a body nests elements more than [`MAX_HTML_NESTING`] deep, if it holds raw HTML
/// (so that it will be sanitized): the byte offset at which the depth is first passed.
/// The sanitizer's HTML parser takes time growing with the square of the depth, so the
/// elements Markdown makes (quotes, lists, emphasis) count with the raw HTML's own. Raw
/// void elements and those whose end tag may be left out (`p`, `li`, `td`, …), which
/// the HTML parser closes itself, do not count, so the count is a bound on its time.
pub fn too_deep_to_sanitize(markdown: &str) -> Option<usize> {
    if !markdown.contains('<') {
        return None;
    }
    let (mut markdown_depth, mut html_depth) = (0usize, 0usize);
    let mut has_html = false;
    let mut first_too_deep = None;
    for (event, range) in Parser::new_ext(markdown, options()).into_offset_iter() {
        let html = match event {
            Event::Start(_) => {
                markdown_depth += 1;
                if markdown_depth + html_depth > MAX_HTML_NESTING {
                    first_too_deep.get_or_insert(range.start);
                }
                continue;
            }
            Event::End(_) => {
                markdown_depth = markdown_depth.saturating_sub(1);
                continue;
            }
            Event::Html(html) | Event::InlineHtml(html) => html,
            _ => continue,
        };
        has_html = true;
        let bytes = html.as_bytes();
        let mut i = 0;
        while let Some(lt) = html[i..].find('<').map(|n| i + n) {
            i = lt + 1;
            let closing = bytes.get(i) == Some(&b'/');
            let name_start = if closing { i + 1 } else { i };
            let name_len = bytes[name_start.min(bytes.len())..]
                .iter()
                .take_while(|b| b.is_ascii_alphanumeric())
                .count();
            if name_len == 0 {
                continue;
            }
            let name = html[name_start..name_start + name_len].to_ascii_lowercase();
            if SELF_CLOSING.contains(&name.as_str()) {
                continue;
            }
            let end = html[i..].find('>').map_or(html.len(), |n| i + n);
            if closing {
                html_depth = html_depth.saturating_sub(1);
            } else if !html[..end].ends_with('/') {
                html_depth += 1;
                if markdown_depth + html_depth > MAX_HTML_NESTING {
                    // Inline HTML events are the tag itself; block ones start at it.
                    first_too_deep.get_or_insert(range.start + lt.min(range.len()));
                }
            }
        }
        if first_too_deep.is_some() {
            break;
        }
    }
    first_too_deep.filter(|_| has_html)
}

/// Elements with no end tag, or whose end tag the HTML parser supplies itself.
const SELF_CLOSING: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
    "track", "wbr", "p", "li", "dt", "dd", "rt", "rp", "optgroup", "option", "tr", "td", "th",
    "thead", "tbody", "tfoot", "colgroup", "caption", "html", "head", "body",
];

/// Drops addresses whose scheme could run script (`javascript:`, `vbscript:`, `data:`).
fn safe_url(url: CowStr<'_>) -> CowStr<'_> {
    if is_safe_url(&url) {
        url
    } else {
        CowStr::Borrowed("#")
    }
}

/// Whether an address is relative, a fragment, or uses a scheme that cannot run script.
pub fn is_safe_url(url: &str) -> bool {
    let cleaned: String = url
        .chars()
        .filter(|c| !c.is_whitespace() && !c.is_control())
        .collect::<String>()
        .to_ascii_lowercase();
    match cleaned.find(':') {
        None => true,
        Some(colon) => {
            let scheme = &cleaned[..colon];
            // A colon after a path separator is part of a relative path, not a scheme.
            if scheme.contains(['/', '?', '#']) {
                return true;
            }
            matches!(scheme, "http" | "https" | "mailto" | "tel")
        }
    }
}

fn sanitizer() -> &'static ammonia::Builder<'static> {
    static BUILDER: std::sync::OnceLock<ammonia::Builder<'static>> = std::sync::OnceLock::new();
    BUILDER.get_or_init(|| {
        let mut b = ammonia::Builder::default();
        b.add_tags(["input"])
            .add_tag_attributes("input", ["type", "checked", "disabled"])
            .add_generic_attributes(["id", "class"]);
        b
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_extensions() {
        let r = render(
            "| a | b |\n|---|---|\n| 1 | 2 |\n\n- [x] done\n\n~~old~~ new[^1]\n\n[^1]: note\n",
            false,
        );
        assert!(r.html.contains("<table>"), "{}", r.html);
        assert!(r.html.contains("checkbox"), "{}", r.html);
        assert!(r.html.contains("<del>old</del>"), "{}", r.html);
        assert!(r.html.contains("footnote"), "{}", r.html);
        assert!(r.text.contains("old new"), "{}", r.text);
        let aligned = render("| a | b |\n|:-:|--:|\n| 1 | 2 |\n\n<b>raw</b>\n", false).html;
        assert!(
            aligned.contains("<th class=\"align-center\">a</th>"),
            "{aligned}"
        );
        assert!(
            aligned.contains("<td class=\"align-right\">2</td>"),
            "{aligned}"
        );
        assert!(!aligned.contains("style="), "{aligned}");
    }

    #[test]
    fn sanitizes_raw_html_unless_allowed() {
        let md = "Hi <script>alert(1)</script><b onclick=\"x()\">bold</b>\n";
        let safe = render(md, false).html;
        assert!(
            !safe.contains("<script") && !safe.contains("onclick"),
            "{safe}"
        );
        assert!(safe.contains("<b>bold</b>"), "{safe}");
        assert!(render(md, true).html.contains("<script>"));
    }

    #[test]
    fn nesting_is_bounded_where_the_body_is_sanitized() {
        let deep = "<div>".repeat(MAX_HTML_NESTING + 1);
        // The HTML block holding the tags is one level itself.
        assert_eq!(
            too_deep_to_sanitize(&deep),
            Some(5 * (MAX_HTML_NESTING - 1))
        );
        let body = format!("Intro\n\n{}\n", "<span>".repeat(MAX_HTML_NESTING + 5));
        assert!(too_deep_to_sanitize(&body).is_some());
        // Markdown's own nesting counts once raw HTML makes the body go through the
        // sanitizer, and not before.
        let quotes = format!("{} hi", ">".repeat(MAX_HTML_NESTING + 1));
        assert_eq!(too_deep_to_sanitize(&quotes), None);
        assert!(too_deep_to_sanitize(&format!("{quotes} <b>x</b>")).is_some());
        // Closed, void, self-closed and end-tag-optional elements do not nest.
        let flat = "<div></div>".repeat(10_000)
            + &"<p>x".repeat(1_000)
            + &"<br><img src=a.png/><x/>".repeat(1_000);
        assert_eq!(too_deep_to_sanitize(&flat), None);
        assert_eq!(too_deep_to_sanitize("a < b and `<div>` in code\n"), None);
    }

    #[test]
    fn drops_script_urls() {
        let html = render(
            "[x](javascript:alert(1)) [y]( JaVaScRiPt:alert(1)) [z](https://a.example/)",
            false,
        )
        .html;
        assert!(!html.to_lowercase().contains("javascript"), "{html}");
        assert!(html.contains("https://a.example/"));
        for (url, safe) in [
            ("../a.csv", true),
            ("#top", true),
            ("a/b:c", true),
            ("mailto:x@y", true),
            ("data:text/html,x", false),
            ("vbscript:x", false),
        ] {
            assert_eq!(is_safe_url(url), safe, "{url}");
        }
    }
}
