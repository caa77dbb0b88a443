//! What the recognizers share: arguments split as template languages write them,
//! Markdown written from them (escaped text, link destinations, images, code fences),
//! container shortcodes and the URL position test.

use super::piece::Ctx;

/// One argument of a shortcode or tag: `name=value` or a positional value, with its
/// quotes taken off.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Arg {
    pub name: Option<String>,
    pub value: String,
}

/// `s` split into arguments: values quoted with `"`, `'` or `` ` `` (backslash escapes
/// in quotes but `` ` ``), or bare up to whitespace; `name=value` is named; commas
/// between arguments (Nunjucks) are skipped.
pub fn args(s: &str) -> Vec<Arg> {
    let mut out = Vec::new();
    let mut chars = s.char_indices().peekable();
    while let Some(&(_, c)) = chars.peek() {
        if c.is_whitespace() || c == ',' {
            chars.next();
            continue;
        }
        let (value, quoted) = word(&mut chars);
        if !quoted && let Some(&(_, '=')) = chars.peek() {
            chars.next();
            let (v, _) = word(&mut chars);
            out.push(Arg {
                name: Some(value),
                value: v,
            });
            continue;
        }
        out.push(Arg { name: None, value });
    }
    out
}

fn word(chars: &mut std::iter::Peekable<std::str::CharIndices<'_>>) -> (String, bool) {
    let mut out = String::new();
    match chars.peek().map(|&(_, c)| c) {
        Some(q @ ('"' | '\'' | '`')) => {
            chars.next();
            while let Some((_, c)) = chars.next() {
                if c == '\\' && q != '`' {
                    if let Some((_, e)) = chars.next() {
                        out.push(e);
                    }
                } else if c == q {
                    break;
                } else {
                    out.push(c);
                }
            }
            (out, true)
        }
        _ => {
            while let Some(&(_, c)) = chars.peek() {
                if c.is_whitespace() || c == ',' {
                    break;
                }
                if c == '=' && !out.is_empty() {
                    break;
                }
                out.push(c);
                chars.next();
            }
            (out, false)
        }
    }
}

/// The value of the first argument named one of `names`.
pub fn named<'a>(args: &'a [Arg], names: &[&str]) -> Option<&'a str> {
    args.iter()
        .find(|a| {
            a.name
                .as_deref()
                .is_some_and(|n| names.iter().any(|m| n.eq_ignore_ascii_case(m)))
        })
        .map(|a| a.value.as_str())
}

/// The `i`th positional argument.
pub fn positional(args: &[Arg], i: usize) -> Option<&str> {
    args.iter()
        .filter(|a| a.name.is_none())
        .nth(i)
        .map(|a| a.value.as_str())
}

/// `s` as Markdown text that shows exactly `s`: ASCII punctuation Markdown could read
/// as syntax escaped with a backslash, line breaks as spaces.
pub fn md_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    let mut space = false;
    for c in s.trim().chars() {
        if c.is_whitespace() {
            if !space {
                out.push(' ');
            }
            space = true;
            continue;
        }
        space = false;
        if matches!(
            c,
            '\\' | '`'
                | '*'
                | '_'
                | '['
                | ']'
                | '<'
                | '>'
                | '#'
                | '!'
                | '|'
                | '~'
                | '{'
                | '}'
                | '&'
        ) || (out.is_empty() && matches!(c, '-' | '+' | '='))
        {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// `url` as a Markdown link destination: in angle brackets when it holds a space or
/// a parenthesis.
pub fn destination(url: &str) -> String {
    if url.contains([' ', '(', ')']) {
        format!("<{}>", url.replace(['<', '>'], ""))
    } else {
        url.replace(['\n', '\r'], "")
    }
}

/// `path` as the text at `p` stands for it: a link destination inside a link (in angle
/// brackets when it must be), else as written.
pub fn as_url(ctx: &Ctx<'_>, p: usize, path: &str) -> String {
    if in_url(ctx.body, p) && ctx.body[..p].ends_with("](") {
        destination(path)
    } else {
        path.to_string()
    }
}

/// An image in Markdown, so links are resolved as any image's are: `![alt](src)`,
/// wrapped in a link to `link` when given.
pub fn image(alt: &str, src: &str, link: Option<&str>) -> String {
    let img = format!("![{}]({})", md_text(alt), destination(src));
    match link {
        Some(l) if !l.is_empty() => format!("[{img}]({})", destination(l)),
        _ => img,
    }
}

/// A fenced code block holding `code` exactly, in `lang`, on lines of its own.
pub fn fence(lang: &str, code: &str) -> String {
    let longest = code.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let bar = "`".repeat(longest.max(2) + 1);
    let lang: String = lang
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '+' | '_' | '.'))
        .collect();
    let code = code
        .strip_prefix("\r\n")
        .or_else(|| code.strip_prefix('\n'))
        .unwrap_or(code);
    let code = code.trim_end_matches([' ', '\t']);
    let code = code.strip_suffix('\n').unwrap_or(code);
    format!("\n{bar}{lang}\n{code}\n{bar}\n")
}

/// Shortcodes and paired tags that only frame Markdown (admonitions, disclosure
/// boxes, tabs): rendered as their inner Markdown, after their title in bold.
pub const CONTAINERS: &[&str] = &[
    "admonition",
    "alert",
    "aside",
    "blockquote",
    "box",
    "callout",
    "caution",
    "center",
    "collapse",
    "column",
    "columns",
    "danger",
    "details",
    "expand",
    "hint",
    "important",
    "info",
    "note",
    "notice",
    "panel",
    "section",
    "spoiler",
    "tab",
    "tabs",
    "tip",
    "todo",
    "warning",
];

/// Containers whose first positional argument is a kind (`notice warning`), shown as
/// "Warning:".
const KINDED: &[&str] = &["admonition", "alert", "callout", "hint", "notice"];

pub fn is_container(name: &str) -> bool {
    CONTAINERS.iter().any(|c| c.eq_ignore_ascii_case(name))
}

/// What a container's opening tag becomes: its title in bold, or nothing.
pub fn container_open(
    ctx: &Ctx<'_>,
    range: &std::ops::Range<usize>,
    name: &str,
    args: &[Arg],
) -> String {
    let kinded = KINDED.iter().any(|c| c.eq_ignore_ascii_case(name));
    let title = named(args, &["title", "summary", "header", "label", "name"])
        .map(str::to_string)
        .or_else(|| {
            positional(args, 0).filter(|s| !s.is_empty()).map(|s| {
                if kinded {
                    let mut c = s.chars();
                    let first = c
                        .next()
                        .map(|f| f.to_uppercase().to_string())
                        .unwrap_or_default();
                    format!("{first}{}:", c.as_str())
                } else {
                    s.to_string()
                }
            })
        });
    match title {
        Some(t) if ctx.alone(range) => format!("\n**{}**\n", md_text(&t)),
        Some(t) => format!("**{}** ", md_text(&t)),
        None => String::new(),
    }
}

/// Whether `start` is inside a URL: a Markdown link or image destination, a link
/// reference definition, or an HTML `src`/`href` attribute value, perhaps after other
/// `{{ }}` expressions or URL text.
pub fn in_url(body: &str, start: usize) -> bool {
    let b = body.as_bytes();
    let mut i = start;
    let floor = boundary(body, start.saturating_sub(2048));
    while i > floor {
        let c = b[i - 1];
        if c == b'}' && i >= 2 && b[i - 2] == b'}' {
            match body[floor..i - 2].rfind("{{").map(|o| floor + o) {
                Some(open) => {
                    i = open;
                    continue;
                }
                None => break,
            }
        }
        if c.is_ascii_whitespace()
            || matches!(c, b'(' | b'"' | b'\'' | b'<' | b'>' | b')' | b'[' | b']')
        {
            break;
        }
        i -= 1;
    }
    if i == floor && floor > 0 {
        return false;
    }
    let before = &body[..i];
    if before.ends_with("](") || before.ends_with("](<") {
        return true;
    }
    if let Some(q) = before
        .strip_suffix('"')
        .or_else(|| before.strip_suffix('\''))
    {
        let q = q
            .trim_end()
            .strip_suffix('=')
            .map(str::trim_end)
            .unwrap_or("");
        let lower = q
            .get(q.len().saturating_sub(6)..)
            .unwrap_or(q)
            .to_ascii_lowercase();
        return lower.ends_with("src") || lower.ends_with("href") || lower.ends_with("srcset");
    }
    // `[id]: /x` at the start of a line.
    let near = &before[boundary(before, before.len().saturating_sub(256))..];
    let line = &near[near.rfind('\n').map_or(0, |n| n + 1)..];
    let t = line.trim_start();
    t.starts_with('[') && t.trim_end().ends_with("]:")
}

/// `i`, or the nearest character boundary of `s` before it.
fn boundary(s: &str, mut i: usize) -> usize {
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}
