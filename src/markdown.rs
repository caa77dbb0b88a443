//! Asset bodies: CommonMark (with tables, footnotes, strikethrough and task lists) to
//! HTML, and to plain text for the search index. Raw HTML is sanitized unless the
//! plan sets `raw_html = true`; link and image addresses with a script scheme are
//! dropped either way.

use pulldown_cmark::{CowStr, Event, Options, Parser, Tag, TagEnd, html};

/// A body rendered for the page and for search.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Rendered {
    pub html: String,
    pub text: String,
}

pub fn render(markdown: &str, raw_html: bool) -> Rendered {
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS;
    let mut has_raw_html = false;
    let mut text = String::new();
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
    if has_raw_html && !raw_html {
        out = sanitizer().clean(&out).to_string();
    }
    Rendered {
        html: out,
        text: text.trim_end().to_string(),
    }
}

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
            .add_generic_attributes(["id", "class"])
            .add_tag_attributes("td", ["style"])
            .add_tag_attributes("th", ["style"]);
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
