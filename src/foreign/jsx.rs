//! MDX (Docusaurus, Astro, Gatsby): JSX components `<Name …/>` and `<Name>…</Name>`
//! (a capitalised name; lowercase and all-caps HTML are not components), comments
//! `{/* … */}`, and ESM `import`/`export` blocks in `.md` files read as MDX. A
//! component becomes its text content and its string attributes (a `<Quote
//! quote="…"/>` keeps its quote, a `<TabItem label="A">` its label); one with an
//! attribute only JavaScript can read (`{...props}`, `data={x}`) becomes a placeholder,
//! its content kept. Lines inside a component that stands on lines of its own lose the
//! indentation they share, since MDX has no indented code.

use std::collections::BTreeMap;
use std::ops::Range;

use super::piece::{Ctx, Edit, Found, placeholder, short};
use super::text::{image, md_text};

const MAX_LEN: usize = 8192;

/// How deep block components are followed for their indentation.
const MAX_OPEN: usize = 64;

/// HTML element names, which in capitals are HTML written the old way, not components.
const HTML: &[&str] = &[
    "a",
    "abbr",
    "address",
    "area",
    "article",
    "aside",
    "audio",
    "b",
    "big",
    "blockquote",
    "body",
    "br",
    "button",
    "caption",
    "center",
    "cite",
    "code",
    "col",
    "colgroup",
    "dd",
    "del",
    "details",
    "dfn",
    "div",
    "dl",
    "dt",
    "em",
    "embed",
    "figcaption",
    "figure",
    "font",
    "footer",
    "form",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "head",
    "header",
    "hr",
    "html",
    "i",
    "iframe",
    "img",
    "input",
    "ins",
    "kbd",
    "label",
    "li",
    "link",
    "main",
    "mark",
    "nav",
    "ol",
    "p",
    "picture",
    "pre",
    "q",
    "s",
    "samp",
    "section",
    "small",
    "source",
    "span",
    "strike",
    "strong",
    "sub",
    "summary",
    "sup",
    "table",
    "tbody",
    "td",
    "tfoot",
    "th",
    "thead",
    "time",
    "tr",
    "tt",
    "u",
    "ul",
    "var",
    "video",
    "wbr",
];

/// Attributes that configure a component rather than say something to the reader.
const TECHNICAL: &[&str] = &[
    "defaultvalue",
    "values",
    "align",
    "as",
    "background",
    "class",
    "classname",
    "color",
    "cols",
    "columns",
    "default",
    "dir",
    "disabled",
    "format",
    "groupid",
    "height",
    "hidden",
    "href",
    "icon",
    "id",
    "image",
    "img",
    "index",
    "key",
    "lang",
    "language",
    "layout",
    "level",
    "link",
    "loading",
    "logo",
    "mode",
    "open",
    "order",
    "path",
    "position",
    "querystring",
    "ref",
    "rel",
    "role",
    "rows",
    "sidebar",
    "size",
    "slug",
    "span",
    "src",
    "status",
    "style",
    "tabindex",
    "target",
    "theme",
    "to",
    "type",
    "url",
    "value",
    "variant",
    "version",
    "width",
];

/// Attributes shown in bold, as a heading over the content.
const LABELS: &[&str] = &["label", "title", "heading", "header", "summary"];

#[derive(Debug)]
enum Value {
    Str(String),
    /// `true`, a number: nothing to show.
    Plain,
    /// JavaScript only a build can evaluate.
    Expr,
}

/// Components standing on lines of their own and still open, and the regions of
/// those closed, whose lines lose their shared indentation.
#[derive(Debug, Default)]
pub struct Blocks {
    open: Vec<(String, usize)>,
    regions: Vec<Range<usize>>,
}

impl Blocks {
    /// Edits taking off the shared indentation of each closed block's lines, outside
    /// the bytes `edits` already replace.
    pub(super) fn dedents(&self, body: &str, edits: &[Edit]) -> Vec<Edit> {
        let mut strip: BTreeMap<usize, usize> = BTreeMap::new();
        for region in &self.regions {
            let lines: Vec<_> = lines_in(body, region)
                .into_iter()
                .filter(|l| !l.2)
                .collect();
            let shared = lines.iter().map(|l| l.1).min().unwrap_or(0);
            for (start, _, _) in lines.into_iter().filter(|_| shared > 0) {
                let e = strip.entry(start).or_insert(0);
                *e = (*e).max(shared);
            }
        }
        strip
            .into_iter()
            .map(|(start, n)| Edit {
                range: start..start + n,
                text: String::new(),
            })
            .filter(|e| {
                let i = edits.partition_point(|x| x.range.start < e.range.end);
                !(i > 0 && edits[i - 1].range.end > e.range.start)
            })
            .collect()
    }
}

/// The lines starting in `region`: their start, indentation and whether blank.
fn lines_in(body: &str, region: &Range<usize>) -> Vec<(usize, usize, bool)> {
    let mut out = Vec::new();
    let mut start = region.start;
    while start < region.end {
        let end =
            memchr::memchr(b'\n', &body.as_bytes()[start..]).map_or(body.len(), |i| start + i);
        let line = &body[start..end];
        let ind = line.len() - line.trim_start_matches([' ', '\t']).len();
        out.push((start, ind, line.trim().is_empty()));
        start = end + 1;
    }
    out
}

/// The component tag (`<Name`, `</Name`) at `p`, if one is.
pub fn tag(ctx: &Ctx<'_>, p: usize, blocks: &mut Blocks) -> Option<Found> {
    let b = ctx.body.as_bytes();
    let closing = b.get(p + 1) == Some(&b'/');
    let capital = b
        .get(p + 1 + usize::from(closing))
        .is_some_and(u8::is_ascii_uppercase);
    if !capital || !ctx.afford() {
        return None;
    }
    // What a failed attempt reads far ahead (a quoted or braced value) is charged
    // where it is read; the rest stops at the first character out of place.
    let found = tag_at(ctx, p, blocks);
    ctx.charge(found.as_ref().map_or(64, |f| f.range.len()));
    found
}

fn tag_at(ctx: &Ctx<'_>, p: usize, blocks: &mut Blocks) -> Option<Found> {
    let body = ctx.body;
    let b = body.as_bytes();
    let closing = b.get(p + 1) == Some(&b'/');
    let name_start = p + 1 + usize::from(closing);
    if !b.get(name_start)?.is_ascii_uppercase() {
        return None;
    }
    let mut i = name_start;
    while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_' || b[i] == b'.') {
        i += 1;
    }
    let name = &body[name_start..i];
    if !name.bytes().any(|c| c.is_ascii_lowercase())
        && HTML.contains(&name.to_ascii_lowercase().as_str())
    {
        return None;
    }
    let limit = (p + MAX_LEN).min(b.len());
    let skip_ws = |i: &mut usize| {
        while *i < limit && b[*i].is_ascii_whitespace() {
            *i += 1;
        }
    };
    if closing {
        skip_ws(&mut i);
        if b.get(i) != Some(&b'>') {
            return None;
        }
        let range = p..i + 1;
        if let Some(at) = blocks.open.iter().rposition(|(n, _)| n == name) {
            let (_, content) = blocks.open[at].clone();
            blocks.open.truncate(at);
            let close_line = ctx.indent_start(p).unwrap_or(p);
            if content < close_line {
                blocks.regions.push(content..close_line);
            }
        }
        return Some(Found::new(range, "", None, true));
    }
    let mut attrs: Vec<(String, Value)> = Vec::new();
    let self_closing;
    loop {
        skip_ws(&mut i);
        if i >= limit {
            return None;
        }
        match b[i] {
            b'/' if b.get(i + 1) == Some(&b'>') => {
                self_closing = true;
                i += 2;
                break;
            }
            b'>' => {
                self_closing = false;
                i += 1;
                break;
            }
            b'{' => {
                let end = balanced(ctx, i, limit)?;
                attrs.push((String::new(), Value::Expr));
                i = end;
            }
            c if c.is_ascii_alphabetic() || c == b'_' => {
                let start = i;
                while i < limit
                    && (b[i].is_ascii_alphanumeric() || matches!(b[i], b'_' | b'-' | b':'))
                {
                    i += 1;
                }
                let attr = body[start..i].to_string();
                let mut j = i;
                skip_ws(&mut j);
                if b.get(j) != Some(&b'=') {
                    attrs.push((attr, Value::Plain));
                    continue;
                }
                j += 1;
                skip_ws(&mut j);
                let value = match b.get(j)? {
                    q @ (b'"' | b'\'') => {
                        let Some(end) = memchr::memchr(*q, &b[j + 1..limit]) else {
                            ctx.charge(limit - j);
                            return None;
                        };
                        let end = end + j + 1;
                        let v = Value::Str(body[j + 1..end].to_string());
                        i = end + 1;
                        v
                    }
                    b'{' => {
                        let end = balanced(ctx, j, limit)?;
                        i = end;
                        // A configuring attribute (Tabs' `values={[…]}`) is no content.
                        if TECHNICAL.contains(&attr.to_ascii_lowercase().as_str()) {
                            Value::Plain
                        } else {
                            expression(&body[j + 1..end - 1])
                        }
                    }
                    _ => return None,
                };
                attrs.push((attr, value));
            }
            _ => return None,
        }
    }
    let range = p..i;
    let what = format!("MDX component `<{name}>`");
    if attrs.iter().any(|(_, v)| matches!(v, Value::Expr)) {
        let title = format!("{what} with JavaScript attributes: not rendered by covermap");
        let code = &body[range.clone()];
        if !self_closing && ctx.alone(&range) && blocks.open.len() < MAX_OPEN {
            blocks
                .open
                .push((name.to_string(), line_after(body, range.end)));
        }
        return Some(Found::new(
            range.clone(),
            placeholder(&title, code),
            Some(what),
            false,
        ));
    }
    // A component showing an image (`<Screenshot url="a.png" alt="…"/>`) is the image.
    let str_attr = |names: &[&str]| {
        attrs.iter().find_map(|(a, v)| match v {
            Value::Str(s) if names.iter().any(|n| a.eq_ignore_ascii_case(n)) => Some(s.trim()),
            _ => None,
        })
    };
    let picture = str_attr(&["src", "url", "image", "img", "imageUrl"]).filter(|s| is_image(s));
    let alt_names = ["alt", "title", "caption"];
    let mut pieces: Vec<String> = Vec::new();
    if let Some(src) = picture {
        let alt = str_attr(&alt_names).unwrap_or("");
        pieces.push(image(alt, src, None));
    }
    pieces.extend(
        attrs
            .iter()
            .filter(|(attr, _)| {
                picture.is_none() || !alt_names.iter().any(|n| attr.eq_ignore_ascii_case(n))
            })
            .filter_map(|(attr, v)| {
                let Value::Str(s) = v else { return None };
                let lower = attr.to_ascii_lowercase();
                let s = s.trim();
                let technical = TECHNICAL.contains(&lower.as_str())
                    || (attr.starts_with("on")
                        && attr[2..].starts_with(|c: char| c.is_ascii_uppercase()))
                    || lower.starts_with("data-")
                    || lower.starts_with("aria-")
                    || s.is_empty()
                    || ["http:", "https:", "/", "./", "../", "#", "@"]
                        .iter()
                        .any(|x| s.starts_with(x));
                (!technical).then(|| {
                    if LABELS.contains(&lower.as_str()) {
                        format!("**{}**", md_text(s))
                    } else {
                        md_text(s)
                    }
                })
            }),
    );
    let starts_line = ctx.starts_line(p);
    let alone = ctx.alone(&range);
    if !self_closing && alone && blocks.open.len() < MAX_OPEN {
        blocks
            .open
            .push((name.to_string(), line_after(body, range.end)));
    }
    let out = if pieces.is_empty() {
        String::new()
    } else if alone || (self_closing && starts_line) {
        format!("\n{}\n", pieces.join("\n\n"))
    } else if starts_line {
        format!("\n{} ", pieces.join(" — "))
    } else if self_closing {
        pieces.join(" — ")
    } else {
        format!("{} ", pieces.join(" — "))
    };
    Some(Found::new(range, out, Some(what), true))
}

/// Whether `url` names an image file (a query or fragment aside).
fn is_image(url: &str) -> bool {
    let path = url
        .split(['?', '#'])
        .next()
        .unwrap_or("")
        .to_ascii_lowercase();
    [".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp", ".avif"]
        .iter()
        .any(|e| path.ends_with(e))
}

/// The start of the line after the one holding `at`.
fn line_after(body: &str, at: usize) -> usize {
    memchr::memchr(b'\n', &body.as_bytes()[at..]).map_or(body.len(), |i| at + i + 1)
}

/// What an attribute's `{…}` holds: a string, a plain constant, or an expression.
fn expression(inner: &str) -> Value {
    let t = inner.trim();
    for q in ['"', '\'', '`'] {
        if let Some(s) = t.strip_prefix(q).and_then(|x| x.strip_suffix(q))
            && !s.contains(q)
            && !(q == '`' && s.contains("${"))
        {
            return Value::Str(s.to_string());
        }
    }
    if matches!(t, "true" | "false" | "null" | "undefined") || t.parse::<f64>().is_ok() {
        return Value::Plain;
    }
    Value::Expr
}

/// The index after the `}` closing the `{` at `p`, skipping strings.
fn balanced(ctx: &Ctx<'_>, p: usize, limit: usize) -> Option<usize> {
    let b = ctx.body.as_bytes();
    let mut depth = 0usize;
    let mut quote: Option<u8> = None;
    let mut i = p;
    while i < limit {
        let c = b[i];
        match quote {
            Some(_) if c == b'\\' => i += 1,
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None => match c {
                b'"' | b'\'' | b'`' => quote = Some(c),
                b'{' => depth += 1,
                b'}' => {
                    depth -= 1;
                    if depth == 0 {
                        return Some(i + 1);
                    }
                }
                _ => {}
            },
        }
        i += 1;
    }
    ctx.charge(limit - p);
    None
}

/// The MDX comment `{/* … */}` at `p`, if one is.
pub fn comment(ctx: &Ctx<'_>, p: usize) -> Option<Found> {
    let b = ctx.body.as_bytes();
    if b.get(p + 2) != Some(&b'*') || !ctx.afford() {
        return None;
    }
    let limit = (p + MAX_LEN).min(b.len());
    let Some(end) = memchr::memmem::find(&b[p + 3..limit], b"*/}") else {
        ctx.charge(limit - p);
        return None;
    };
    let end = end + p + 3 + 3;
    ctx.charge(end - p);
    Some(Found::new(p..end, "", Some("MDX comment".into()), true))
}

/// ESM blocks outside `code`: from a line starting `import … from '…'` (or `import
/// '…'`) or `export const|let|function|default…` to the next blank line, blanked.
pub fn esm_blocks(body: &str, code: &[Range<usize>]) -> Vec<Found> {
    let mut out = Vec::new();
    let b = body.as_bytes();
    if memchr::memmem::find(b, b"import ").is_none()
        && memchr::memmem::find(b, b"export ").is_none()
    {
        return out;
    }
    let mut start = 0;
    let mut ci = 0;
    let mut block: Option<usize> = None;
    while start <= b.len() {
        let end = memchr::memchr(b'\n', &b[start..]).map_or(b.len(), |i| start + i);
        let line = &body[start..end];
        if let Some(from) = block {
            if line.trim().is_empty() {
                out.push(esm(body, from..start.saturating_sub(1).max(from)));
                block = None;
            }
        } else if is_esm(line) {
            while ci < code.len() && code[ci].end <= start {
                ci += 1;
            }
            if !(ci < code.len() && code[ci].start <= start) {
                block = Some(start);
            }
        }
        if end >= b.len() {
            if let Some(from) = block {
                out.push(esm(body, from..end));
            }
            break;
        }
        start = end + 1;
    }
    out
}

fn esm(body: &str, range: Range<usize>) -> Found {
    let first = body[range.clone()].lines().next().unwrap_or("");
    let what = format!("MDX `{}`", short(first));
    Found::new(range, "", Some(what), true)
}

fn is_esm(line: &str) -> bool {
    if let Some(rest) = line.strip_prefix("import ") {
        let rest = rest.trim_start();
        return rest.starts_with(['\'', '"'])
            || rest.contains(" from '")
            || rest.contains(" from \"")
            || (rest.starts_with('{') || rest.starts_with("type ")) && !rest.contains(". ");
    }
    if let Some(rest) = line.strip_prefix("export ") {
        return [
            "const ",
            "let ",
            "var ",
            "function ",
            "default ",
            "class ",
            "async ",
            "{",
        ]
        .iter()
        .any(|k| rest.starts_with(k));
    }
    false
}
