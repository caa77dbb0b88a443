//! Diagnostics: every problem found in a library, with the file, line and column it
//! points at, the offending source line and a hint on what to do. Loading collects
//! them all instead of stopping at the first, so one run shows every problem; only the
//! command line decides what they mean for the exit code. Each carries a stable code
//! ([`codes`]); [`Diagnostic::render`] shows it like rustc, the source line drawn by
//! annotate-snippets with the caret placed by display width.

pub mod codes;
pub mod color;

use std::fmt::{self, Write as _};
use std::path::{Path, PathBuf};

use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};
use anstyle::{AnsiColor, Style};

pub use codes::Code;

/// How bad a diagnostic is: errors fail the build, warnings do not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Error,
    Warning,
}

/// One problem in one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub severity: Severity,
    /// The file, relative to the library root where it is inside it.
    pub path: PathBuf,
    /// 1-based line and column (in characters), where the problem has a place.
    pub line: Option<u32>,
    pub col: Option<u32>,
    /// How many characters the caret underlines (at least 1).
    pub width: u32,
    pub message: String,
    /// The text of the offending line, when known.
    pub source_line: Option<String>,
    pub help: Option<String>,
    /// The kind's stable code.
    pub code: Code,
}

/// A place in a file, kept for a diagnostic raised after the file's text is gone
/// (such as two assets with one slug, found once every asset is read).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Place {
    pub line: u32,
    pub col: u32,
    pub width: u32,
    pub source_line: String,
}

impl Place {
    /// The place `line:col` of `source`, `width` characters wide.
    pub fn new(source: &str, line: u32, col: u32, width: u32) -> Self {
        let d = Diagnostic::error("", "").at(source, line, col).width(width);
        Place {
            line: d.line.unwrap_or(1),
            col: d.col.unwrap_or(1),
            width: d.width,
            source_line: d.source_line.unwrap_or_default(),
        }
    }
}

impl Diagnostic {
    pub fn error(path: impl Into<PathBuf>, message: impl Into<String>) -> Self {
        Self::new(Severity::Error, path.into(), message.into())
    }

    pub fn warning(path: impl Into<PathBuf>, message: impl Into<String>) -> Self {
        Self::new(Severity::Warning, path.into(), message.into())
    }

    fn new(severity: Severity, path: PathBuf, message: String) -> Self {
        Diagnostic {
            severity,
            path,
            line: None,
            col: None,
            width: 1,
            message,
            source_line: None,
            help: None,
            code: match severity {
                Severity::Error => Code::UnassignedError,
                Severity::Warning => Code::UnassignedWarning,
            },
        }
    }

    /// Points the diagnostic at `line:col` of `source`, keeping that line's text.
    pub fn at(mut self, source: &str, line: u32, col: u32) -> Self {
        self.line = Some(line.max(1));
        self.col = Some(col.max(1));
        self.source_line = source
            .lines()
            .nth(line.saturating_sub(1) as usize)
            .map(|l| l.trim_end_matches('\r').to_owned());
        self
    }

    /// Points the diagnostic at a kept [`Place`].
    pub fn at_place(mut self, place: &Place) -> Self {
        self.line = Some(place.line);
        self.col = Some(place.col);
        self.width = place.width.max(1);
        self.source_line = Some(place.source_line.clone());
        self
    }

    /// Points the diagnostic at a byte offset of `source`.
    pub fn at_offset(self, source: &str, offset: usize) -> Self {
        let (line, col) = line_col(source, offset);
        self.at(source, line, col)
    }

    /// Points at a byte range of `source`, underlining it on its first line.
    pub fn at_span(self, source: &str, span: std::ops::Range<usize>) -> Self {
        let start = span.start.min(source.len());
        let end = span.end.clamp(start, source.len());
        let text = source.get(start..end).unwrap_or("");
        let width = text.lines().next().map_or(1, |l| l.chars().count().max(1));
        self.at_offset(source, start).width(width as u32)
    }

    pub fn width(mut self, width: u32) -> Self {
        self.width = width.max(1);
        self
    }

    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Sets the kind's stable code.
    pub fn code(mut self, code: Code) -> Self {
        self.code = code;
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// The `path:line:col` prefix.
    pub fn location(&self) -> String {
        let mut s = self.path.display().to_string();
        if let Some(line) = self.line {
            let _ = write!(s, ":{line}");
            if let Some(col) = self.col {
                let _ = write!(s, ":{col}");
            }
        }
        s
    }

    /// Renders the diagnostic like rustc: the headline `path:line:col: error: message
    /// [E0305]` (the code last, as clang puts its flag, so the line still reads as the
    /// `path:line:col: error: message` editors parse), the source line with a caret under
    /// the place, and the help. Control characters from the input are made visible so a
    /// hostile file cannot drive the terminal.
    pub fn render(&self, color: bool) -> String {
        let paint = |style: Style| if color { style } else { Style::new() };
        let bold = paint(Style::new().bold());
        let (label, level, tone) = match self.severity {
            Severity::Error => ("error", Level::ERROR, AnsiColor::Red),
            Severity::Warning => ("warning", Level::WARNING, AnsiColor::Yellow),
        };
        let tone = paint(tone.on_default().bold());
        let mut out = format!(
            "{bold}{}{bold:#}: {tone}{label}{tone:#}{bold}: {} [{}]{bold:#}\n",
            printable(&self.location()),
            printable(&self.message),
            self.code
        );
        if let (Some(line), Some(src)) = (self.line, &self.source_line) {
            let (shown, span) = shown_span(src, self.col, self.width);
            let mut snippet = Snippet::source(shown.as_str())
                .line_start(line as usize)
                .fold(false);
            if let Some(span) = span {
                snippet = snippet.annotation(AnnotationKind::Primary.span(span));
            }
            let renderer = if color {
                Renderer::styled()
                    .error(AnsiColor::Red.on_default().bold())
                    .warning(AnsiColor::Yellow.on_default().bold())
                    .line_num(AnsiColor::Blue.on_default().bold())
            } else {
                Renderer::plain()
            };
            out.push_str(&renderer.render(&[Group::with_level(level).element(snippet)]));
            out.push('\n');
        }
        if let Some(help) = &self.help {
            let _ = writeln!(out, "{bold}help{bold:#}: {}", printable(help));
        }
        out
    }
}

/// The source line as shown (made [`printable`]) and the byte range of it the caret
/// underlines: `width` characters from the 1-based character column `col`, moved past
/// any escapes before it. A place past the end of the line underlines the spot just
/// after it. annotate-snippets then places the caret by display width, so wide (CJK)
/// characters and tabs before it keep it under the right text, and cuts a line longer
/// than the terminal width around the place.
fn shown_span(
    line: &str,
    col: Option<u32>,
    width: u32,
) -> (String, Option<std::ops::Range<usize>>) {
    let Some(col) = col else {
        return (printable(line), None);
    };
    let first = col.max(1) as usize - 1;
    let last = first + width.max(1) as usize;
    let (mut start, mut end) = (None, None);
    let mut shown = String::with_capacity(line.len());
    for (i, c) in line.chars().enumerate() {
        if i == first {
            start = Some(shown.len());
        }
        if i == last {
            end = Some(shown.len());
        }
        push_printable(&mut shown, c);
    }
    let start = start.unwrap_or(shown.len());
    let end = end.unwrap_or(shown.len()).max(start);
    (shown, Some(start..end))
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render(false))
    }
}

/// Every diagnostic of a run, in a stable order.
#[derive(Debug, Default, Clone)]
pub struct Diagnostics {
    items: Vec<Diagnostic>,
}

impl Diagnostics {
    pub fn push(&mut self, d: Diagnostic) {
        self.items.push(d);
    }

    pub fn extend(&mut self, ds: impl IntoIterator<Item = Diagnostic>) {
        self.items.extend(ds);
    }

    pub fn has_errors(&self) -> bool {
        self.items.iter().any(Diagnostic::is_error)
    }

    pub fn errors(&self) -> usize {
        self.items.iter().filter(|d| d.is_error()).count()
    }

    pub fn warnings(&self) -> usize {
        self.items.len() - self.errors()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    pub fn iter(&self) -> std::slice::Iter<'_, Diagnostic> {
        self.items.iter()
    }

    /// Sorts by file, then place, so output does not depend on thread scheduling.
    pub fn sort(&mut self) {
        self.items.sort_by(|a, b| {
            (&a.path, a.line, a.col, a.severity, &a.message)
                .cmp(&(&b.path, b.line, b.col, b.severity, &b.message))
        });
        self.items.dedup();
    }

    pub fn into_vec(self) -> Vec<Diagnostic> {
        self.items
    }
}

impl IntoIterator for Diagnostics {
    type Item = Diagnostic;
    type IntoIter = std::vec::IntoIter<Diagnostic>;
    fn into_iter(self) -> Self::IntoIter {
        self.items.into_iter()
    }
}

/// 1-based line and character column of a byte offset.
pub fn line_col(source: &str, offset: usize) -> (u32, u32) {
    let mut offset = offset.min(source.len());
    while !source.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &source[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let col = source[line_start..offset].chars().count() + 1;
    (line as u32, col as u32)
}

/// The closest candidates to `value` by edit distance, for "did you mean".
pub fn suggest<'a>(value: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<String> {
    let value = value.to_lowercase();
    let mut best: Vec<(f64, &str)> = candidates
        .into_iter()
        .map(|c| (strsim::jaro_winkler(&value, &c.to_lowercase()), c))
        .filter(|(score, _)| *score >= 0.75)
        .collect();
    best.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(b.1)));
    best.dedup_by(|a, b| a.1 == b.1);
    match best.as_slice() {
        [] => None,
        [(_, one)] => Some(format!("did you mean `{one}`?")),
        [(_, a), (_, b), ..] => Some(format!("did you mean `{a}` or `{b}`?")),
    }
}

/// Replaces control, bidi-override and invisible characters with visible escapes, so
/// text from a library can neither drive the terminal nor hide what it says.
pub fn printable(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        push_printable(&mut out, c);
    }
    out
}

/// Pushes `c` onto `out`, or its visible escape (see [`printable`]).
fn push_printable(out: &mut String, c: char) {
    if c != '\t' && is_invisible(c) {
        let _ = write!(out, "\\u{{{:x}}}", c as u32);
    } else {
        out.push(c);
    }
}

/// Bidirectional formatting characters, which can make text read differently than it is.
pub fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200e}' | '\u{200f}')
}

/// Characters that show as nothing, or change how the text around them shows: control
/// characters, bidi controls, zero-width spaces and joiners, the byte-order mark, the
/// soft hyphen. Two ids that differ only by one of these look the same.
pub fn is_invisible(c: char) -> bool {
    c.is_control()
        || is_bidi_control(c)
        || matches!(
            c,
            '\u{00ad}' | '\u{061c}' | '\u{180e}' | '\u{200b}'..='\u{200d}' | '\u{2060}'..='\u{2064}' | '\u{feff}'
        )
}

/// Shows a path relative to `root` when it is inside it.
pub fn display_path(root: &Path, path: &Path) -> PathBuf {
    path.strip_prefix(root)
        .map_or_else(|_| path.to_path_buf(), Path::to_path_buf)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_characters() {
        let s = "ab\ncdé f\n";
        assert_eq!(line_col(s, 0), (1, 1));
        assert_eq!(line_col(s, 3), (2, 1));
        assert_eq!(line_col(s, 8), (2, 5));
        assert_eq!(line_col(s, 999), (3, 1));
    }

    #[test]
    fn renders_source_line_caret_and_help() {
        let src = "---\npersonas: [ecomonic-buyer]\n---\n";
        let d = Diagnostic::error("content/a.md", "unknown persona `ecomonic-buyer`")
            .at(src, 2, 12)
            .width(14)
            .help("did you mean `economic-buyer`?")
            .code(Code::UnknownId);
        let text = d.render(false);
        assert_eq!(
            text,
            "content/a.md:2:12: error: unknown persona `ecomonic-buyer` [E0305]\n  |\n2 | personas: [ecomonic-buyer]\n  |            ^^^^^^^^^^^^^^\nhelp: did you mean `economic-buyer`?\n"
        );
        let bare = Diagnostic::warning("plan.toml", "no stages").render(false);
        assert_eq!(bare, "plan.toml: warning: no stages [W0000]\n");
    }

    /// The text shown above the caret, on a line of one-column characters.
    fn under_caret(text: &str) -> String {
        let lines: Vec<&str> = text.lines().collect();
        let (source, carets) = (lines[2], lines[3]);
        let at = carets.find('^').unwrap_or(0);
        let n = carets.matches('^').count();
        source.chars().skip(at).take(n).collect()
    }

    #[test]
    fn the_caret_is_placed_by_display_width() {
        // Wide (CJK) characters before the place take two columns each: four of them
        // and `: [` put the caret at column 12.
        let d = Diagnostic::error("a.md", "unknown persona")
            .at("タイトル: [ecomonic-buyer]", 1, 8)
            .width(14);
        let text = d.render(false);
        assert!(text.contains("\n  |            ^^^^^^^^^^^^^^\n"), "{text}");
        // A control character before the place is shown as an escape; the caret moves.
        let d = Diagnostic::error("a.md", "bad")
            .at("a\x1b[2Jb: BAD", 1, 9)
            .width(3);
        let text = d.render(false);
        assert!(text.contains("1 | a\\u{1b}[2Jb: BAD"), "{text}");
        assert_eq!(under_caret(&text), "BAD", "{text}");
        // A place past the end of the line points just after it.
        let d = Diagnostic::error("a.md", "unclosed").at("key: [a", 1, 30);
        assert!(
            d.render(false).contains("\n  |        ^\n"),
            "{}",
            d.render(false)
        );
        // A line but no column: the line, no caret.
        let mut d = Diagnostic::error("a.md", "bad").at("whole line", 1, 1);
        d.col = None;
        let text = d.render(false);
        assert!(
            text.contains("1 | whole line") && !text.contains('^'),
            "{text}"
        );
    }

    /// Whatever the line and the place, rendering neither panics nor lets a control
    /// character through, and the headline stays first.
    #[test]
    fn any_line_and_place_renders() {
        let lines = [
            "",
            "\t\tkey:\tvalue",
            "e\u{301}e\u{301} combining",
            "👩\u{200d}👩\u{200d}👧 family ✈\u{fe0f}",
            "全角テキスト、そして ascii",
            "a\u{1b}[2J\u{202e}b\u{0}c\r",
            "\u{feff}bom",
            &"x".repeat(300),
            &"漢".repeat(200),
        ];
        for line in lines {
            let n = line.chars().count() as u32;
            for col in [0, 1, 2, n / 2, n, n + 1, n + 5] {
                for width in [0, 1, 3, 1000] {
                    let text = Diagnostic::warning("a.md", "m")
                        .at(line, 7, col)
                        .width(width)
                        .render(false);
                    assert!(text.starts_with("a.md:7:"), "{text}");
                    assert!(
                        !text
                            .chars()
                            .any(|c| c.is_control() && c != '\n' && c != '\t'),
                        "{line:?} {col} {width}: {text:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn long_lines_are_cut_around_the_place() {
        let src = format!("{}BAD{}", "a".repeat(1000), "b".repeat(1000));
        let text = Diagnostic::error("x.md", "bad")
            .at(&src, 1, 1001)
            .width(3)
            .render(false);
        let lines: Vec<&str> = text.lines().collect();
        assert!(lines[2].len() < 200 && lines[2].contains("aaa") && lines[2].contains("bbb"));
        assert_eq!(under_caret(&text), "BAD", "{text}");
        // At the very start or end of the line.
        let end = Diagnostic::error("x.md", "bad")
            .at(&src, 1, 2003)
            .render(false);
        assert!(end.lines().nth(2).unwrap().ends_with("bbb"), "{end}");
        let start = Diagnostic::error("x.md", "bad")
            .at(&src, 1, 1)
            .render(false);
        assert!(start.contains("1 | aaa"), "{start}");
    }

    #[test]
    fn colour_only_when_asked() {
        let d = Diagnostic::error("a.md", "bad")
            .at("x: y", 1, 4)
            .help("fix it");
        assert!(!d.render(false).contains('\x1b'));
        let coloured = d.render(true);
        assert!(
            coloured.contains("\x1b[1m") && coloured.contains("\x1b[0m"),
            "{coloured:?}"
        );
    }

    #[test]
    fn suggestions() {
        let ids = ["economic-buyer", "champion", "it-security"];
        assert_eq!(
            suggest("ecomonic-buyer", ids).as_deref(),
            Some("did you mean `economic-buyer`?")
        );
        assert_eq!(suggest("zzz", ids), None);
    }

    #[test]
    fn control_characters_are_escaped() {
        assert_eq!(printable("a\x1b[2Jb\u{202e}"), "a\\u{1b}[2Jb\\u{202e}");
        assert_eq!(printable("champ\u{200b}ion\t"), "champ\\u{200b}ion\t");
    }
}
