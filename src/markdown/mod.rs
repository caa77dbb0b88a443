//! Asset bodies: CommonMark (with tables, footnotes, strikethrough and task lists) to
//! HTML, and to plain text for the search index. Raw HTML is sanitized unless the
//! plan sets `raw_html = true`. Link and image addresses keep every scheme but those
//! that can run script (`javascript:`, `vbscript:`, `data:` outside images), which are
//! dropped either way: sellers link `msteams:`, `zoommtg:`, `slack:`, `sms:`, `webcal:`.

use pulldown_cmark::{CowStr, Event, Parser, Tag, TagEnd, html};

use crate::limits::MAX_HTML_NESTING;

pub mod links;
mod options;

/// What a page makes of a local link's address (see [`links::is_local`]): the address
/// to write instead, or `None` to keep it as written. Called with the address and
/// whether it is an image's.
pub type Resolve<'a> = &'a dyn Fn(&str, bool) -> Option<String>;

/// A body rendered for the page and for search.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Rendered {
    pub html: String,
    pub text: String,
}

use options::options;

pub fn render(markdown: &str, raw_html: bool) -> Rendered {
    render_resolved(markdown, raw_html, None)
}

/// [`render`], each local link and image address passed through `resolve`.
pub fn render_resolved(markdown: &str, raw_html: bool, resolve: Option<Resolve<'_>>) -> Rendered {
    let options = options();
    let mut has_raw_html = false;
    let mut aligned = false;
    let mut text = String::with_capacity(markdown.len());
    // Addresses the sanitizer would drop for a scheme it does not know, held apart
    // under a placeholder while it runs.
    let mut held: Vec<String> = Vec::new();
    let mut link = |url: CowStr<'_>, image: bool| -> CowStr<'static> {
        let url = match resolve {
            Some(resolve) if links::is_local(&url) => match resolve(&url, image) {
                Some(resolved) => CowStr::from(resolved),
                None => url,
            },
            _ => url,
        };
        let url = safe_link(url, image);
        if !raw_html && sanitizer_drops(&url) {
            held.push(url.into_string());
            return format!("{HELD}{}", held.len() - 1).into();
        }
        url.into_string().into()
    };
    let events = Parser::new_ext(markdown, options).map(|event| match event {
        Event::Html(html) => {
            has_raw_html = true;
            Event::Html(resolve_html(html, resolve))
        }
        Event::InlineHtml(html) => {
            has_raw_html = true;
            Event::InlineHtml(resolve_html(html, resolve))
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
            dest_url: link(dest_url, false),
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
            dest_url: link(dest_url, true),
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
    for (i, url) in held.iter().enumerate().rev() {
        out = out.replace(
            &format!("\"{HELD}{i}\""),
            &format!("\"{}\"", escaped_href(url)),
        );
    }
    Rendered {
        html: out,
        text: text.trim_end().to_string(),
    }
}

/// Raw HTML with each local `src` and `href` passed through `resolve` (written back
/// with `&` and the quotes escaped).
fn resolve_html<'a>(html: CowStr<'a>, resolve: Option<Resolve<'_>>) -> CowStr<'a> {
    let Some(resolve) = resolve else {
        return html;
    };
    let mut out = String::new();
    let mut last = 0;
    for (range, url, image) in links::html_addresses(&html) {
        if !links::is_local(&url) {
            continue;
        }
        if let Some(to) = resolve(&url, image) {
            out.push_str(&html[last..range.start]);
            out.push_str(
                &to.replace('&', "&amp;")
                    .replace('"', "&quot;")
                    .replace('\'', "&#39;"),
            );
            last = range.end;
        }
    }
    if last == 0 {
        return html;
    }
    out.push_str(&html[last..]);
    out.into()
}

/// `html` with each ` style="text-align: X">` the HTML writer puts on aligned table
/// cells made ` class="align-X">`, in one pass.
fn alignment_as_classes(html: &str) -> String {
    const STYLE: &str = " style=\"text-align: ";
    let finder = memchr::memmem::Finder::new(STYLE);
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(at) = finder.find(rest.as_bytes()) {
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

/// The placeholder of a held address (see [`render`]): a fragment, which the sanitizer
/// keeps as it is.
const HELD: &str = "#covermap-held-link-";

/// `url` as the HTML writer puts it in an attribute (percent-encoded, `&` escaped).
fn escaped_href(url: &str) -> String {
    let mut a = String::new();
    let link = Tag::Link {
        link_type: pulldown_cmark::LinkType::Inline,
        dest_url: url.into(),
        title: "".into(),
        id: "".into(),
    };
    html::push_html(
        &mut a,
        [Event::Start(link), Event::End(TagEnd::Link)].into_iter(),
    );
    a.strip_prefix("<a href=\"")
        .and_then(|rest| rest.split_once('"'))
        .map_or_else(String::new, |(href, _)| href.to_string())
}

/// Whether the sanitizer would drop a safe address: one with a scheme it does not list.
fn sanitizer_drops(url: &str) -> bool {
    scheme(url).is_some_and(|s| !sanitizer_schemes().contains(s.as_str()))
}

fn sanitizer_schemes() -> &'static std::collections::HashSet<&'static str> {
    static SCHEMES: std::sync::OnceLock<std::collections::HashSet<&'static str>> =
        std::sync::OnceLock::new();
    SCHEMES.get_or_init(|| sanitizer().clone_url_schemes())
}

/// Drops addresses whose scheme could run script (see [`is_safe_link`]).
fn safe_link(url: CowStr<'_>, image: bool) -> CowStr<'_> {
    if is_safe_link(&url, image) {
        url
    } else {
        CowStr::Borrowed("#")
    }
}

/// The scheme of an address, lowercased, as a browser reads it (tabs, line breaks and
/// leading controls or spaces ignored); `None` for a relative address. What precedes
/// the first `:` is a scheme only if it is one (a letter, then letters, digits, `+`,
/// `-` or `.`): `foo):` and `a/b:c` are relative paths (CommonMark example 500).
fn scheme(url: &str) -> Option<String> {
    let cleaned: String = url
        .chars()
        .filter(|c| !c.is_whitespace() && !c.is_control())
        .take_while(|&c| c != ':')
        .collect();
    if !url.contains(':') {
        return None;
    }
    let mut chars = cleaned.chars();
    let valid = chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    valid.then(|| cleaned.to_ascii_lowercase())
}

/// Whether a link's address is safe: relative, a fragment, or any scheme but those that
/// run script (`javascript:`, `vbscript:`) or carry a document (`data:`, allowed in
/// images as a raster image).
pub fn is_safe_link(url: &str, image: bool) -> bool {
    match scheme(url).as_deref() {
        None => true,
        Some("javascript" | "vbscript") => false,
        Some("data") => {
            let cleaned: String = url
                .chars()
                .filter(|c| !c.is_whitespace() && !c.is_control())
                .collect::<String>()
                .to_ascii_lowercase();
            image
                && ["png", "jpeg", "jpg", "gif", "webp", "avif"]
                    .iter()
                    .any(|t| cleaned.starts_with(&format!("data:image/{t}")))
        }
        Some(_) => true,
    }
}

/// Whether an address a link may point to is safe ([`is_safe_link`], not an image).
pub fn is_safe_url(url: &str) -> bool {
    is_safe_link(url, false)
}

fn sanitizer() -> &'static ammonia::Builder<'static> {
    static BUILDER: std::sync::OnceLock<ammonia::Builder<'static>> = std::sync::OnceLock::new();
    BUILDER.get_or_init(|| {
        let mut b = ammonia::Builder::default();
        // Apps sellers link from raw HTML too, beside ammonia's list (`sms`, `webcal`…).
        b.add_url_schemes([
            "msteams",
            "zoommtg",
            "zoomus",
            "slack",
            "webex",
            "facetime",
            "skype",
            "callto",
            "whatsapp",
            "tg",
            "ms-word",
            "ms-excel",
            "ms-powerpoint",
            "onenote",
        ]);
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

    #[test]
    fn links_keep_every_scheme_but_script() {
        for raw_html in [false, true] {
            // With raw HTML in the body, the sanitizer runs over the Markdown's links too.
            let tail = if raw_html { " <b>raw</b>" } else { "" };
            for (url, kept) in [
                ("msteams:/l/chat/0/0?users=a@b.example", true),
                ("zoommtg://zoom.us/join?confno=1", true),
                ("slack://channel?team=T1&id=C1", true),
                ("sms:+15551234567", true),
                ("webcal://cal.example/a.ics", true),
                ("ftp://files.example/a.pdf", true),
                ("tel:+15551234567", true),
                ("mailto:a@b.example", true),
                ("made-up-scheme://foo,bar", true),
                ("javascript:alert(1)", false),
                ("vbscript:msgbox(1)", false),
                ("data:text/html,alert(1)", false),
                ("data:image/png;base64,iVBORw0KGgo=", false),
            ] {
                let html = render(&format!("[x](<{url}>){tail}\n"), false).html;
                let href = format!("href=\"{}\"", escaped_href(url));
                assert_eq!(html.contains(&href), kept, "{url} ({raw_html}): {html}");
                if !kept {
                    assert!(html.contains("href=\"#\""), "{url}: {html}");
                }
            }
            let image = render(
                &format!("![i](data:image/png;base64,iVBORw0KGgo=){tail}\n"),
                false,
            )
            .html;
            assert!(
                image.contains("src=\"data:image/png;base64,iVBORw0KGgo=\""),
                "{image}"
            );
            let svg = render(&format!("![i](data:text/html,x){tail}\n"), false).html;
            assert!(svg.contains("src=\"#\""), "{svg}");
        }
    }

    #[test]
    fn commonmark_link_examples_render_exactly() {
        // CommonMark 0.31.2 examples 500, 596, 598, 599 and 601.
        for (markdown, html) in [
            ("[link](foo\\)\\:)\n", "<p><a href=\"foo):\">link</a></p>\n"),
            (
                "<irc://foo.bar:2233/baz>\n",
                "<p><a href=\"irc://foo.bar:2233/baz\">irc://foo.bar:2233/baz</a></p>\n",
            ),
            ("<a+b+c:d>\n", "<p><a href=\"a+b+c:d\">a+b+c:d</a></p>\n"),
            (
                "<made-up-scheme://foo,bar>\n",
                "<p><a href=\"made-up-scheme://foo,bar\">made-up-scheme://foo,bar</a></p>\n",
            ),
            (
                "<localhost:5001/foo>\n",
                "<p><a href=\"localhost:5001/foo\">localhost:5001/foo</a></p>\n",
            ),
        ] {
            assert_eq!(render(markdown, false).html, html, "{markdown:?}");
        }
    }
}
