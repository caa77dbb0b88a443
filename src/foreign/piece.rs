//! What the recognizers of each syntax share: a piece found, the edit it makes, the
//! body they read, and the placeholder for what covermap does not render.

use std::cell::Cell;
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
/// e-mail template's merge field; and what is left of the bytes recognizers may read
/// looking for a closing mark, so that a hostile body (ten megabytes of `{{<`) costs
/// time in proportion to its size.
pub struct Ctx<'a> {
    pub body: &'a str,
    pub liquid: bool,
    budget: Cell<usize>,
}

impl<'a> Ctx<'a> {
    pub fn new(body: &'a str, liquid: bool) -> Self {
        Ctx {
            body,
            liquid,
            budget: Cell::new(body.len().saturating_mul(4).saturating_add(1 << 18)),
        }
    }

    /// Whether recognizers may still read ahead.
    pub fn afford(&self) -> bool {
        self.budget.get() > 0
    }

    /// Counts `n` bytes read ahead.
    pub fn charge(&self, n: usize) {
        self.budget.set(self.budget.get().saturating_sub(n));
    }

    /// Whether the bytes `range` stand alone on their line(s): only whitespace before
    /// them on the first and after them on the last.
    pub fn alone(&self, range: &Range<usize>) -> bool {
        let b = self.body.as_bytes();
        let mut end = range.end;
        while end < b.len() && matches!(b[end], b' ' | b'\t' | b'\r') {
            end += 1;
        }
        self.starts_line(range.start) && (end == b.len() || b[end] == b'\n')
    }

    /// Whether only spaces and tabs come before `at` on its line.
    pub fn starts_line(&self, at: usize) -> bool {
        self.indent_start(at).is_some()
    }

    /// The start of the line holding `at` when only spaces and tabs come before it.
    pub fn indent_start(&self, at: usize) -> Option<usize> {
        let b = self.body.as_bytes();
        let mut i = at;
        while i > 0 && matches!(b[i - 1], b' ' | b'\t') {
            i -= 1;
        }
        (i == 0 || b[i - 1] == b'\n').then_some(i)
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
