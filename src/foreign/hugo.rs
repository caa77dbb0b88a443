//! Hugo shortcodes: `{{< name args >}}`, `{{% name args %}}`, paired with
//! `{{< /name >}}`, self-closing `{{< name />}}`, escaped `{{</* name */>}}`.
//! `figure` becomes an image with its caption, `ref`/`relref` the plain path,
//! `youtube`/`vimeo` a link to the video, `highlight` a fenced code block, containers
//! (`notice`, `details`, `hint`…) their inner Markdown; the rest a placeholder.

use std::ops::Range;

use super::piece::{Ctx, Found, placeholder, short};
use super::text::{
    args, as_url, container_open, fence, image, is_container, md_text, named, positional,
};

/// How far a shortcode may run before its closing `>}}`.
const MAX_LEN: usize = 4096;

/// The shortcode opening at `p` (`{{<` or `{{%`), if one does.
pub fn parse(ctx: &Ctx<'_>, p: usize) -> Option<Found> {
    let body = ctx.body;
    let (inner, range, delim) = shortcode_at(ctx, p)?;
    let code = &body[range.clone()];
    let t = inner.trim();
    if let Some(escaped) = t.strip_prefix("/*").and_then(|x| x.strip_suffix("*/")) {
        let shown = format!("{{{{{delim}{escaped}{}}}}}", closer(delim));
        let what = format!("escaped Hugo shortcode `{}`", short(&shown));
        return Some(Found::new(range, md_text(&shown), Some(what), true));
    }
    let closing = t.starts_with('/');
    let t = t.trim_start_matches('/').trim_end_matches('/').trim();
    let (name, rest) = t.split_once(char::is_whitespace).unwrap_or((t, ""));
    if name.is_empty()
        || !name
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '/' | '.'))
    {
        return None;
    }
    let shown = format!("{{{{{delim} {name} {}}}}}", closer(delim));
    let what = format!("Hugo shortcode `{shown}`");
    let title = format!("{what}: not rendered by covermap");
    if closing {
        let out = if is_container(name) {
            String::new()
        } else {
            placeholder(&title, code)
        };
        return Some(Found::new(range, out, None, is_container(name)));
    }
    let args = args(rest);
    let handled = |out: String| Some(Found::new(range.clone(), out, Some(what.clone()), true));
    match name.to_ascii_lowercase().as_str() {
        "ref" | "relref" => {
            if let Some(path) = named(&args, &["path"]).or_else(|| positional(&args, 0)) {
                return handled(as_url(ctx, p, path.trim()));
            }
        }
        "figure" | "img" | "image" => {
            if let Some(src) = named(&args, &["src"]) {
                let caption = named(&args, &["caption"]).or_else(|| named(&args, &["title"]));
                let alt = named(&args, &["alt"]).or(caption).unwrap_or("");
                let mut out = image(alt, src, named(&args, &["link"]));
                if let Some(c) = caption.filter(|c| !c.trim().is_empty()) {
                    out.push_str(if ctx.alone(&range) { "\n" } else { " " });
                    out.push_str(&format!("*{}*", c.trim()));
                }
                return handled(out);
            }
        }
        "youtube" | "vimeo" => {
            let id = named(&args, &["id"])
                .or_else(|| positional(&args, 0))
                .unwrap_or("");
            if !id.is_empty()
                && id
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
            {
                let (site, url) = if name.eq_ignore_ascii_case("youtube") {
                    ("YouTube", format!("https://www.youtube.com/watch?v={id}"))
                } else {
                    ("Vimeo", format!("https://vimeo.com/{id}"))
                };
                let label = named(&args, &["title"])
                    .map(str::to_string)
                    .unwrap_or_else(|| format!("{site} video {id}"));
                return handled(format!("[{}]({url})", md_text(&label)));
            }
        }
        // `code` and `code-toggle` are themes' (and Hugo's docs') code boxes.
        "highlight" | "code" | "code-toggle" => {
            if let Some(close) = closing_tag(ctx, range.end, name) {
                let lang = named(&args, &["lang", "language", "format"])
                    .or_else(|| positional(&args, 0).filter(|_| name == "highlight"))
                    .unwrap_or("");
                let out = fence(lang, &body[range.end..close.start]);
                return Some(Found::new(range.start..close.end, out, Some(what), true));
            }
        }
        n if is_container(n) => return handled(container_open(ctx, &range, n, &args)),
        _ => {}
    }
    Some(Found::new(
        range,
        placeholder(&title, code),
        Some(what),
        false,
    ))
}

fn closer(delim: char) -> char {
    if delim == '<' { '>' } else { '%' }
}

/// The shortcode opening at `p`: its inner text, its bytes and its delimiter.
fn shortcode_at<'a>(ctx: &Ctx<'a>, p: usize) -> Option<(&'a str, Range<usize>, char)> {
    let body = ctx.body;
    let b = body.as_bytes();
    if !ctx.afford() {
        return None;
    }
    let delim = *b.get(p + 2)?;
    if delim != b'<' && delim != b'%' {
        return None;
    }
    let close = if delim == b'<' { b'>' } else { b'%' };
    let from = p + 3;
    let limit = (from + MAX_LEN).min(b.len());
    let mut quote: Option<u8> = None;
    let mut i = from;
    while i < limit {
        let c = b[i];
        match quote {
            Some(q) => {
                if c == b'\\' && q == b'"' {
                    i += 1;
                } else if c == q {
                    quote = None;
                }
            }
            None if c == b'"' || c == b'`' => quote = Some(c),
            None if c == close && b.get(i + 1) == Some(&b'}') && b.get(i + 2) == Some(&b'}') => {
                ctx.charge(i - from);
                return Some((&body[from..i], p..i + 3, delim as char));
            }
            None => {}
        }
        i += 1;
    }
    ctx.charge(limit - from);
    None
}

/// The next `{{< /name >}}` (or `{{% /name %}}`) from `from`.
fn closing_tag(ctx: &Ctx<'_>, from: usize, name: &str) -> Option<Range<usize>> {
    let b = ctx.body.as_bytes();
    let mut pos = from;
    while let Some(rel) = memchr::memmem::find(&b[pos..], b"{{") {
        let p = pos + rel;
        ctx.charge(rel);
        if let Some((inner, range, _)) = shortcode_at(ctx, p) {
            let t = inner.trim();
            if t.strip_prefix('/')
                .is_some_and(|n| n.trim().eq_ignore_ascii_case(name))
            {
                return Some(range);
            }
        }
        pos = p + 2;
        if !ctx.afford() {
            return None;
        }
    }
    ctx.charge(b.len() - pos);
    None
}
