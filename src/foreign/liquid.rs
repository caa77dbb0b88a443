//! Liquid (Jekyll, Eleventy) and Nunjucks, which writes the same: tags `{% name %}`
//! and output `{{ expr }}`, with `-` trimming. `raw` keeps its text, `comment` goes,
//! `highlight` is a fenced code block, `link`/`post_url` the path, Eleventy's `image`
//! an image, `include` a placeholder naming it, containers (`callout`…) their inner
//! Markdown; URL expressions (`{{ site.baseurl }}`, `{{ '/x/' | url }}`) are the path
//! they stand for. The rest is a placeholder.
//!
//! `{{ name }}` alone is an e-mail template's merge field, not Liquid, unless the body
//! holds Liquid tags or the expression reads a Liquid variable (`site.`, `page.`…) or a
//! string.

use std::ops::Range;

use super::piece::{Ctx, Found, placeholder, short};
use super::text::{args, as_url, container_open, fence, image, in_url, is_container, positional};

const MAX_LEN: usize = 4096;

/// Variables only Liquid templates read: output naming one is Liquid wherever it is.
const ROOTS: &[&str] = &[
    "site",
    "page",
    "post",
    "include",
    "layout",
    "collections",
    "eleventy",
    "paginator",
    "forloop",
    "jekyll",
    "content",
    "metadata",
    "pkg",
];

/// Filters that make a URL from a path, which covermap's paths already are.
const URL_FILTERS: &[&str] = &[
    "url",
    "relative_url",
    "absolute_url",
    "inputPathToUrl",
    "htmlBaseUrl",
    "uri_escape",
];

/// Filters only Jekyll and Eleventy have: output using one is Liquid wherever it is.
const LIQUID_FILTERS: &[&str] = &[
    "markdownify",
    "slugify",
    "jsonify",
    "date_to_string",
    "date_to_xmlschema",
    "xml_escape",
    "cgi_escape",
    "where",
    "where_exp",
    "group_by",
    "sort",
    "number_of_words",
    "log",
];

/// Variables that hold the site's address or base path: nothing, for relative links.
const URL_VARS: &[&str] = &[
    "site.baseurl",
    "site.url",
    "site.github.url",
    "site.base_url",
];

/// Branch and closing tags: placeholders, but counted with the tag they close.
const BRANCHES: &[&str] = &["else", "elsif", "elif", "when", "break", "continue"];

/// The tag opening at `p` (`{%`), if one does.
pub fn tag(ctx: &Ctx<'_>, p: usize) -> Option<Found> {
    let body = ctx.body;
    let (inner, range) = delimited(ctx, p, b'%', b'%')?;
    let t = inner.trim_matches('-').trim();
    if t.starts_with('#') {
        return Some(Found::new(range, "", Some("Liquid comment".into()), true));
    }
    let (name, rest) = t.split_once(char::is_whitespace).unwrap_or((t, ""));
    if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        return None;
    }
    let code = &body[range.clone()];
    let shown = format!("{{% {name} %}}");
    let what = format!("Liquid tag `{shown}`");
    let title = format!("{what}: not rendered by covermap");
    let lower = name.to_ascii_lowercase();
    let done =
        |range: Range<usize>, out: String| Some(Found::new(range, out, Some(what.clone()), true));
    match lower.as_str() {
        "raw" | "comment" | "highlight" => {
            if let Some(end) = end_tag(ctx, range.end, &format!("end{lower}")) {
                let inner = &body[range.end..end.start];
                let out = match lower.as_str() {
                    "raw" => inner.to_string(),
                    "comment" => String::new(),
                    _ => fence(rest.split_whitespace().next().unwrap_or(""), inner),
                };
                return done(range.start..end.end, out);
            }
        }
        "include" | "include_relative" | "include_cached" | "render" => {
            let args = args(rest);
            let file = positional(&args, 0).unwrap_or("").to_string();
            let what = format!("Liquid {name} `{file}`");
            let title = format!("{what}: its content is not included by covermap");
            return Some(Found::new(
                range,
                placeholder(&title, code),
                Some(what),
                true,
            ));
        }
        "link" | "post_url" => {
            let args = args(rest);
            if let Some(path) = positional(&args, 0).filter(|p| !p.is_empty()) {
                let path = if lower == "post_url" {
                    format!("{}.md", path.trim_start_matches('/'))
                } else {
                    path.to_string()
                };
                let out = as_url(ctx, p, &path);
                return done(range, out);
            }
        }
        "image" => {
            let args = args(rest);
            if let Some(src) = positional(&args, 0).filter(|p| !p.is_empty()) {
                let alt = positional(&args, 1).unwrap_or("");
                return done(range, image(alt, src, None));
            }
        }
        n if is_container(n) => {
            let out = container_open(ctx, &range, n, &args(rest));
            return done(range, out);
        }
        n if n.strip_prefix("end").is_some_and(is_container) => {
            return Some(Found::new(range, "", None, true));
        }
        _ => {}
    }
    let reported = !(lower.starts_with("end") || BRANCHES.contains(&lower.as_str()));
    Some(Found::new(
        range,
        placeholder(&title, code),
        reported.then_some(what),
        false,
    ))
}

/// The output opening at `p` (`{{`, not a Hugo shortcode), if it is Liquid.
pub fn output(ctx: &Ctx<'_>, p: usize) -> Option<Found> {
    let body = ctx.body;
    let (inner, range) = delimited(ctx, p, b'{', b'}')?;
    let expr = inner.trim_matches('-').trim();
    if expr.is_empty() || expr.contains('\n') && expr.len() > 200 {
        return None;
    }
    let mut parts = split_filters(expr).into_iter();
    let head = parts.next().unwrap_or("").trim();
    let filters: Vec<&str> = parts.map(str::trim).collect();
    let literal = string_literal(head);
    let root = head.split(['.', '[']).next().unwrap_or("");
    let url_var = URL_VARS.contains(&head);
    let liquid_filter = filters.iter().any(|f| {
        let name = f.split(':').next().unwrap_or("").trim();
        URL_FILTERS.contains(&name) || LIQUID_FILTERS.contains(&name)
    });
    if !(ctx.liquid || literal.is_some() || ROOTS.contains(&root) || liquid_filter) {
        return None;
    }
    let url_filters = filters.iter().all(|f| {
        let (name, arg) = f.split_once(':').unwrap_or((f, ""));
        URL_FILTERS.contains(&name.trim())
            || (name.trim() == "prepend" && URL_VARS.contains(&arg.trim()))
    });
    let code = &body[range.clone()];
    let what = format!("Liquid output `{{{{ {} }}}}`", short(expr));
    if url_filters && (url_var || literal.is_some()) {
        let out = if url_var {
            String::new()
        } else {
            literal.unwrap_or_default()
        };
        return Some(Found::new(range, out, Some(what), true));
    }
    if in_url(body, p) {
        return Some(Found::new(
            range,
            literal.unwrap_or_default(),
            Some(what),
            false,
        ));
    }
    let title = format!("{what}: not rendered by covermap");
    Some(Found::new(
        range,
        placeholder(&title, code),
        Some(what),
        false,
    ))
}

/// `s` split at each `|` outside quotes.
fn split_filters(s: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut quote: Option<char> = None;
    let mut start = 0;
    for (i, c) in s.char_indices() {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None if c == '"' || c == '\'' => quote = Some(c),
            None if c == '|' => {
                out.push(&s[start..i]);
                start = i + 1;
            }
            None => {}
        }
    }
    out.push(&s[start..]);
    out
}

fn string_literal(s: &str) -> Option<String> {
    ['"', '\''].iter().find_map(|&q| {
        let inner = s.strip_prefix(q)?.strip_suffix(q)?;
        (!inner.contains(q)).then(|| inner.to_string())
    })
}

/// The text between `{` + `open` at `p` and the next `close` + `}` outside quotes.
fn delimited<'a>(ctx: &Ctx<'a>, p: usize, open: u8, close: u8) -> Option<(&'a str, Range<usize>)> {
    let body = ctx.body;
    let b = body.as_bytes();
    if b.get(p + 1) != Some(&open) || !ctx.afford() {
        return None;
    }
    let from = p + 2;
    let limit = (from + MAX_LEN).min(b.len());
    let mut quote: Option<u8> = None;
    let mut i = from;
    while i < limit {
        let c = b[i];
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None if c == b'"' || c == b'\'' => quote = Some(c),
            None if c == close && b.get(i + 1) == Some(&b'}') => {
                ctx.charge(i - from);
                return Some((&body[from..i], p..i + 2));
            }
            None if c == b'\n' && b.get(i + 1) == Some(&b'\n') => break,
            None => {}
        }
        i += 1;
    }
    ctx.charge(i - from);
    None
}

/// The next `{% name %}` (with any trimming) from `from`.
fn end_tag(ctx: &Ctx<'_>, from: usize, name: &str) -> Option<Range<usize>> {
    let b = ctx.body.as_bytes();
    let mut pos = from;
    while let Some(rel) = memchr::memmem::find(&b[pos..], b"{%") {
        let p = pos + rel;
        ctx.charge(rel);
        if let Some((inner, range)) = delimited(ctx, p, b'%', b'%')
            && inner.trim_matches('-').trim().eq_ignore_ascii_case(name)
        {
            return Some(range);
        }
        pos = p + 2;
        if !ctx.afford() {
            return None;
        }
    }
    ctx.charge(b.len() - pos);
    None
}

/// The Nunjucks comment `{# … #}` at `p` (no `}` inside, so a heading's `{#id}` is not
/// one), if one is.
pub fn comment(ctx: &Ctx<'_>, p: usize) -> Option<Found> {
    let b = ctx.body.as_bytes();
    if !ctx.afford() {
        return None;
    }
    let limit = (p + MAX_LEN).min(b.len());
    let mut i = p + 2;
    while i + 1 < limit {
        match b[i] {
            b'}' => break,
            b'\n' if b[i + 1] == b'\n' => break,
            b'#' if b[i + 1] == b'}' => {
                ctx.charge(i - p);
                return Some(Found::new(
                    p..i + 2,
                    "",
                    Some("Nunjucks comment".into()),
                    true,
                ));
            }
            _ => {}
        }
        i += 1;
    }
    ctx.charge(i - p);
    None
}
