//! What the recognizers of each syntax share: a piece found, the edit it makes, the
//! body they read, and the placeholder for what covermap does not render.

use std::ops::Range;

/// One piece of foreign syntax found: its bytes, what it becomes, and whether it is
/// reported (`what`) and rendered (`handled`).
#[derive(Debug)]
pub struct Found {
    pub range: Range<usize>,
    pub out: String,
    pub what: Option<String>,
    pub handled: bool,
}

impl Found {
    pub fn new(
        range: Range<usize>,
        out: impl Into<String>,
        what: Option<String>,
        handled: bool,
    ) -> Self {
        Found {
            range,
            out: out.into(),
            what,
            handled,
        }
    }
}

#[derive(Debug)]
pub struct Edit {
    pub range: Range<usize>,
    pub text: String,
}

/// What a recognizer sees: the body, and whether it is a Liquid template (holds a
/// `{% %}` tag outside code), so that `{{ name }}` is Liquid output and not an
/// e-mail template's merge field.
pub struct Ctx<'a> {
    pub body: &'a str,
    pub liquid: bool,
}

impl Ctx<'_> {
    /// Whether the bytes `range` stand alone on their line(s): only whitespace before
    /// them on the first and after them on the last.
    pub fn alone(&self, range: &Range<usize>) -> bool {
        let b = self.body.as_bytes();
        let start = self.line_start(range.start);
        let end = memchr::memchr(b'\n', &b[range.end..]).map_or(b.len(), |i| range.end + i);
        b[start..range.start]
            .iter()
            .all(|c| *c == b' ' || *c == b'\t')
            && b[range.end..end].iter().all(u8::is_ascii_whitespace)
    }

    pub fn line_start(&self, at: usize) -> usize {
        memchr::memrchr(b'\n', &self.body.as_bytes()[..at]).map_or(0, |i| i + 1)
    }
}

/// A marked placeholder for code covermap does not render: the code itself, escaped
/// so Markdown reads it as plain text, in a span the theme outlines, titled `title`.
pub fn placeholder(title: &str, code: &str) -> String {
    let mut out = String::with_capacity(code.len() * 2 + title.len() + 48);
    out.push_str("<span class=\"foreign-syntax\" title=\"");
    for c in title.chars() {
        match c {
            '"' => out.push_str("&quot;"),
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\n' | '\r' | '\t' => out.push(' '),
            c => out.push(c),
        }
    }
    out.push_str("\">");
    let mut space = false;
    for c in code.chars() {
        if c.is_whitespace() {
            if !space {
                out.push(' ');
            }
            space = true;
            continue;
        }
        space = false;
        if c.is_ascii_punctuation() {
            out.push_str("&#");
            out.push_str(&(c as u32).to_string());
            out.push(';');
        } else {
            out.push(c);
        }
    }
    out.push_str("</span>");
    out
}

/// A short, one-line form of `code` for a warning: whitespace runs as one space,
/// cut to about 60 characters.
pub fn short(code: &str) -> String {
    let one_line = code.split_whitespace().collect::<Vec<_>>().join(" ");
    if one_line.chars().count() <= 60 {
        one_line
    } else {
        let cut: String = one_line.chars().take(57).collect();
        format!("{cut}…")
    }
}
