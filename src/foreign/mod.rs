//! Foreign template syntax in asset bodies: Hugo shortcodes (`{{< >}}`, `{{% %}}`),
//! Liquid (`{% %}`, `{{ }}`) and MDX/JSX components. Common ones are rewritten into the
//! Markdown or HTML they stand for; the rest become a marked placeholder, so template
//! code never shows silently as text. Loading reports what it finds ([`scan`],
//! [`warning`]); rendering rewrites ([`rewrite`]).
//!
//! Most bodies hold none of it: one `memchr` pass finds that out and both functions
//! return without allocating. Code (fenced and indented blocks, inline code spans) is
//! never touched; it is found with pulldown-cmark, only for bodies that need it.

mod hugo;
mod jsx;
mod liquid;
mod piece;
#[cfg(test)]
mod tests;
mod text;

use std::borrow::Cow;
use std::ops::Range;
use std::path::{Path, PathBuf};

use crate::diagnostics::{Code, Diagnostic};
use piece::{Ctx, Edit, Found};

/// One piece of foreign syntax in a body, placed by 1-based line and column (counted
/// in characters) within the body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub line: u32,
    pub column: u32,
    /// What it is, as the warning names it, such as "Hugo shortcode `{{< tweet >}}`".
    pub what: String,
    /// Rewritten into what it stands for (true), or left as a placeholder (false).
    pub handled: bool,
    /// Its bytes in the body.
    pub span: Range<usize>,
}

/// The body as rendering reads it: foreign syntax rewritten or replaced by a
/// placeholder. Borrowed, at the cost of one scan, when there is none.
pub fn rewrite(body: &str) -> Cow<'_, str> {
    if !may_hold_foreign(body) {
        return Cow::Borrowed(body);
    }
    let found = analyse(body);
    if found.edits.is_empty() {
        return Cow::Borrowed(body);
    }
    let mut out = String::with_capacity(body.len() + body.len() / 8);
    let mut at = 0;
    for edit in &found.edits {
        out.push_str(&body[at..edit.range.start]);
        out.push_str(&edit.text);
        at = edit.range.end;
    }
    out.push_str(&body[at..]);
    Cow::Owned(out)
}

/// The foreign syntax in `body`, in order.
pub fn scan(body: &str) -> Vec<Finding> {
    if !may_hold_foreign(body) {
        return Vec::new();
    }
    let found = analyse(body);
    let mut findings = Vec::with_capacity(found.findings.len());
    // Counted on from one finding to the next: a long line costs one pass.
    let (mut line, mut column, mut at) = (1u32, 1u32, 0usize);
    for (span, what, handled) in found.findings {
        let between = &body[at..span.start];
        match between.rfind('\n') {
            Some(nl) => {
                line += memchr::memchr_iter(b'\n', between.as_bytes()).count() as u32;
                column = between[nl + 1..].chars().count() as u32 + 1;
            }
            None => column += between.chars().count() as u32,
        }
        at = span.start;
        findings.push(Finding {
            line,
            column,
            what,
            handled,
            span,
        });
    }
    findings
}

/// The warning for the file `source` whose whole text is `text` and whose body is
/// `body` (a slice of `text`): one per file, placed at its first piece of syntax that
/// covermap does not render, counting the rest. None when everything is handled.
pub fn warning(source: &Path, text: &str, body: &str) -> Option<Diagnostic> {
    let findings = scan(body);
    let mut unhandled = findings.iter().filter(|f| !f.handled);
    let first = unhandled.next()?;
    let more = unhandled.count();
    let body_start = (body.as_ptr() as usize)
        .checked_sub(text.as_ptr() as usize)
        .filter(|&o| o <= text.len())
        .unwrap_or(0);
    let span = body_start + first.span.start..body_start + first.span.end;
    let message = match more {
        0 => format!("template syntax covermap does not render: {}", first.what),
        1 => format!(
            "template syntax covermap does not render: {} and 1 more in this file",
            first.what
        ),
        n => format!(
            "template syntax covermap does not render: {} and {n} more in this file",
            first.what
        ),
    };
    Some(
        Diagnostic::warning(source, message)
            .at_span(text, span)
            .help("the page shows it as a marked placeholder; write it as Markdown to show what it stands for")
            .code(Code::ForeignSyntax),
    )
}

/// How many files may warn about template syntax one by one; the rest are summed up.
pub const WARNED_FILES: usize = 10;

/// Sums up the template-syntax warnings of a library's files after [`WARNED_FILES`]:
/// pass each file's diagnostics through [`FileWarnings::keep`] in order, then add
/// [`FileWarnings::summary`].
#[derive(Debug, Default)]
pub struct FileWarnings {
    files: usize,
    first_left_out: Option<PathBuf>,
}

impl FileWarnings {
    /// `diags` without its template-syntax warning once ten files have warned.
    pub fn keep(&mut self, mut diags: Vec<Diagnostic>) -> Vec<Diagnostic> {
        if diags.iter().any(|d| d.code == Code::ForeignSyntax) {
            self.files += 1;
            if self.files > WARNED_FILES {
                if let Some(d) = diags.iter().find(|d| d.code == Code::ForeignSyntax)
                    && self.first_left_out.is_none()
                {
                    self.first_left_out = Some(d.path.clone());
                }
                diags.retain(|d| d.code != Code::ForeignSyntax);
            }
        }
        diags
    }

    /// One warning for the files left out, if any.
    pub fn summary(self) -> Option<Diagnostic> {
        let left = self.files.checked_sub(WARNED_FILES).filter(|&n| n > 0)?;
        let path = self.first_left_out.unwrap_or_default();
        let files = if left == 1 { "file" } else { "files" };
        Some(
            Diagnostic::warning(
                path,
                format!("… and {left} more {files} with template syntax covermap does not render"),
            )
            .help("run `covermap check --format json` to list every one; each shows a marked placeholder")
            .code(Code::ForeignSyntaxMore),
        )
    }
}

/// Whether `body` may hold foreign syntax: a `{{`, `{%`, `{/*` or a `<` before an
/// uppercase letter (or `</` before one). One `memchr` pass, no allocation.
fn may_hold_foreign(body: &str) -> bool {
    let b = body.as_bytes();
    memchr::memchr2_iter(b'{', b'<', b).any(|i| {
        let next = b.get(i + 1).copied().unwrap_or(0);
        if b[i] == b'{' {
            next == b'{'
                || next == b'%'
                || next == b'#'
                || (next == b'/' && b.get(i + 2) == Some(&b'*'))
        } else {
            next.is_ascii_uppercase()
                || (next == b'/' && b.get(i + 2).is_some_and(u8::is_ascii_uppercase))
        }
    })
}

#[derive(Debug, Default)]
struct Analysis {
    edits: Vec<Edit>,
    findings: Vec<(Range<usize>, String, bool)>,
}

fn analyse(body: &str) -> Analysis {
    let code = code_ranges(body);
    let esm = jsx::esm_blocks(body, &code);
    let comments = html_comments(body, &code);
    let mut skip: Vec<Range<usize>> = code
        .iter()
        .chain(esm.iter().map(|f| &f.range))
        .chain(&comments)
        .cloned()
        .collect();
    skip.sort_by_key(|r| r.start);
    let b = body.as_bytes();
    let liquid = {
        let mut si = 0;
        memchr::memchr_iter(b'{', b).any(|i| {
            // `{{%` opens a Hugo shortcode, not a Liquid tag.
            if b.get(i + 1) != Some(&b'%') || (i > 0 && b[i - 1] == b'{') {
                return false;
            }
            while si < skip.len() && skip[si].end <= i {
                si += 1;
            }
            !(si < skip.len() && skip[si].start <= i)
        })
    };
    let ctx = Ctx::new(body, liquid);

    let mut found: Vec<Found> = esm;
    let mut blocks = jsx::Blocks::default();
    let mut pos = 0;
    let mut si = 0;
    while let Some(rel) = memchr::memchr2(b'{', b'<', &b[pos..]) {
        let p = pos + rel;
        while si < skip.len() && skip[si].end <= p {
            si += 1;
        }
        if si < skip.len() && skip[si].start <= p {
            pos = skip[si].end;
            continue;
        }
        let next = b.get(p + 1).copied().unwrap_or(0);
        let hit = match (b[p], next) {
            (b'{', b'{') if matches!(b.get(p + 2), Some(b'<' | b'%')) => hugo::parse(&ctx, p),
            (b'{', b'{') => liquid::output(&ctx, p),
            (b'{', b'%') => liquid::tag(&ctx, p),
            (b'{', b'/') => jsx::comment(&ctx, p),
            (b'{', b'#') => liquid::comment(&ctx, p),
            (b'<', _) => jsx::tag(&ctx, p, &mut blocks),
            _ => None,
        };
        match hit {
            Some(f) => {
                pos = f.range.end.max(p + 1);
                found.push(f);
            }
            None => pos = p + 1,
        }
    }
    found.sort_by_key(|f| f.range.start);
    let mut edits: Vec<Edit> = Vec::with_capacity(found.len());
    let mut findings = Vec::new();
    for f in found {
        if let Some(what) = f.what {
            findings.push((f.range.clone(), what, f.handled));
        }
        edits.push(Edit {
            range: f.range,
            text: f.out,
        });
    }
    let dedents = blocks.dedents(body, &edits);
    if !dedents.is_empty() {
        edits.extend(dedents);
        edits.sort_by_key(|e| e.range.start);
    }
    // Overlaps cannot happen by construction; drop any that would, rather than panic.
    let mut end = 0;
    edits.retain(|e| {
        let keep = e.range.start >= end;
        if keep {
            end = e.range.end;
        }
        keep
    });
    Analysis { edits, findings }
}

/// The HTML comments `<!-- … -->` outside `code`: what they hold is never shown.
fn html_comments(body: &str, code: &[Range<usize>]) -> Vec<Range<usize>> {
    let b = body.as_bytes();
    let mut out = Vec::new();
    let (mut pos, mut ci) = (0, 0);
    while let Some(rel) = memchr::memmem::find(&b[pos..], b"<!--") {
        let p = pos + rel;
        while ci < code.len() && code[ci].end <= p {
            ci += 1;
        }
        if ci < code.len() && code[ci].start <= p {
            pos = code[ci].end;
            continue;
        }
        let Some(end) = memchr::memmem::find(&b[p + 4..], b"-->") else {
            break;
        };
        out.push(p..p + 4 + end + 3);
        pos = p + 4 + end + 3;
    }
    out
}

/// The byte ranges of code in `body`: fenced and indented blocks and inline spans.
fn code_ranges(body: &str) -> Vec<Range<usize>> {
    use pulldown_cmark::{Event, Options, Parser, Tag};
    let options =
        Options::ENABLE_TABLES | Options::ENABLE_FOOTNOTES | Options::ENABLE_STRIKETHROUGH;
    let mut out: Vec<Range<usize>> = Vec::new();
    for (event, range) in Parser::new_ext(body, options).into_offset_iter() {
        if matches!(event, Event::Code(_) | Event::Start(Tag::CodeBlock(_))) {
            out.push(range);
        }
    }
    out
}
