//! Themes: the default theme's templates and static files are compiled into the
//! binary; a library's `themes/<name>/` overrides them file by file (a template of
//! the same name, a static file at the same path), as Hugo and Zola themes do.

use std::path::{Path, PathBuf};

use tera::Tera;

use crate::diagnostics::{Code, Diagnostic, Diagnostics};
use crate::output::Content;
use crate::source::{Disk, Source, not_utf8};

macro_rules! builtin {
    ($($name:literal),* $(,)?) => {
        &[$(($name, include_str!(concat!("../themes/default/templates/", $name)))),*]
    };
}

macro_rules! builtin_static {
    ($($name:literal),* $(,)?) => {
        &[$(($name, include_bytes!(concat!("../themes/default/static/", $name)) as &[u8])),*]
    };
}

/// The default theme's templates, by name.
pub const TEMPLATES: &[(&str, &str)] = builtin!(
    "base.html",
    "library.html",
    "asset.html",
    "coverage.html",
    "gaps.html",
    "cell.html",
    "objections.html",
    "trend.html",
    "term.html",
    "terms.html",
    "owners.html",
    "404.html",
    "redirect.html",
    "partials/asset_row.html",
    "partials/related_row.html",
    "report.html",
    "partials/findings.html",
);

/// The default theme's static files, by path under the output root.
pub const STATIC: &[(&str, &[u8])] =
    builtin_static!("style.css", "library.js", "stem.js", "site.js", "icon.svg");

const BUILTIN_PREFIX: &str = "builtin/";

const TEMPLATE_HELP: &str =
    "fix the template; see the Theming section of the README for the variables each template gets";

/// One template as given to tera, kept so its errors can show the offending line.
struct TemplateSource {
    /// The name tera knows it by (`builtin/…` for the default theme's).
    name: String,
    /// The file to name in diagnostics, relative to the library root.
    path: PathBuf,
    body: String,
}

/// A theme ready to render: compiled templates and the static files to ship.
pub struct Theme {
    pub tera: Tera,
    pub static_files: Vec<(String, Content)>,
    sources: Vec<TemplateSource>,
}

impl Theme {
    /// The default theme overlaid with `dir`'s `templates/` and `static/`, if given
    /// (a folder on disk, in the library at `root`).
    pub fn load(dir: Option<&Path>, root: &Path) -> Result<Theme, Diagnostics> {
        let folder = dir.map(|d| d.strip_prefix(root).unwrap_or(d));
        Self::load_from(&Disk::new(root), folder)
    }

    /// The default theme overlaid with the `templates/` and `static/` of `folder` (the
    /// theme's folder relative to the library root, `themes/<name>`) in `files`.
    pub fn load_from(files: &dyn Source, folder: Option<&Path>) -> Result<Theme, Diagnostics> {
        let mut diags = Diagnostics::default();
        let mut tera = Tera::new();
        tera.autoescape_on([".html"]);
        tera.set_escape_fn(escape_html);
        if let Err(e) = tera.set_fallback_prefixes([BUILTIN_PREFIX]) {
            diags.push(Diagnostic::error("themes", e.to_string()).code(Code::Template));
            return Err(diags);
        }
        let mut sources: Vec<TemplateSource> = TEMPLATES
            .iter()
            .map(|(name, body)| TemplateSource {
                name: format!("{BUILTIN_PREFIX}{name}"),
                path: builtin_path(name),
                body: (*body).to_string(),
            })
            .collect();
        let mut statics: Vec<(String, Content)> = STATIC
            .iter()
            .map(|(n, b)| (n.to_string(), Content::from(b.to_vec())))
            .collect();
        if let Some(folder) = folder {
            let templates = folder.join("templates");
            for rel in files.list(&templates, &mut diags) {
                let name = rel.to_string_lossy().replace('\\', "/");
                if !name.ends_with(".html") {
                    continue;
                }
                let path = templates.join(&rel);
                // Templates have no size limit of their own: they are the library
                // author's code, like the plan's, not content.
                match files.read(&path, u64::MAX).map(String::from_utf8) {
                    Ok(Ok(body)) => sources.push(TemplateSource { name, path, body }),
                    Ok(Err(e)) => diags.push(not_utf8(&path, &e)),
                    Err(e) => diags.push(
                        Diagnostic::error(path, format!("cannot read the template: {e}"))
                            .help("check the file's permissions")
                            .code(Code::ReadFailed),
                    ),
                }
            }
            let dir = folder.join("static");
            for rel in files.list(&dir, &mut diags) {
                let name = rel.to_string_lossy().replace('\\', "/");
                let path = dir.join(&rel);
                // A file on disk is copied to the output when it is written; from any
                // other source it is read now.
                let content = match files.disk_path(&path) {
                    Some(on_disk) => Content::Copy(on_disk),
                    None => match files.read(&path, u64::MAX) {
                        Ok(bytes) => Content::from(bytes),
                        Err(e) => {
                            diags.push(
                                Diagnostic::error(
                                    path,
                                    format!("cannot read the static file: {e}"),
                                )
                                .help("check the file's permissions")
                                .code(Code::ReadFailed),
                            );
                            continue;
                        }
                    },
                };
                match statics.iter_mut().find(|(n, _)| *n == name) {
                    Some(slot) => slot.1 = content,
                    None => statics.push((name, content)),
                }
            }
        }
        if let Err(e) =
            tera.add_raw_templates(sources.iter().map(|s| (s.name.as_str(), s.body.as_str())))
        {
            diags.extend(template_errors(&sources, &e));
        }
        statics.sort_by(|a, b| a.0.cmp(&b.0));
        if diags.has_errors() {
            return Err(diags);
        }
        Ok(Theme {
            tera,
            static_files: statics,
            sources,
        })
    }

    /// A fingerprint of every template and static file: a page rendered with the same
    /// one is rendered the same.
    pub fn fingerprint(&self) -> u64 {
        use std::hash::{Hash, Hasher};
        let mut h = std::hash::DefaultHasher::new();
        for s in &self.sources {
            (&s.name, &s.body).hash(&mut h);
        }
        for (path, content) in &self.static_files {
            path.hash(&mut h);
            match content {
                Content::Bytes(b) => b.hash(&mut h),
                Content::Copy(from) => from.hash(&mut h),
            }
        }
        h.finish()
    }

    /// A tera error from rendering (one problem at a time) as a diagnostic pointing
    /// into the template.
    pub fn error(&self, e: &tera::Error) -> Diagnostic {
        template_errors(&self.sources, e)
            .into_iter()
            .next()
            .unwrap_or_else(|| {
                Diagnostic::error("themes", one_line(&e.to_string())).code(Code::Template)
            })
    }
}

/// Escapes text for HTML as tera's own escaper does (`&`, `<`, `>`, `"`, `'`), writing
/// the runs between those characters whole instead of byte by byte, and skipping eight
/// bytes a step where none of them is one.
fn escape_html(input: &str, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    use crate::swar::{has, word};
    let bytes = input.as_bytes();
    let mut start = 0;
    let mut i = 0;
    while i < bytes.len() {
        while let Some(w) = word(bytes, i) {
            if has(w, b'&') | has(w, b'<') | has(w, b'>') | has(w, b'"') | has(w, b'\'') != 0 {
                break;
            }
            i += 8;
        }
        let Some(&b) = bytes.get(i) else { break };
        let entity: &[u8] = match b {
            b'&' => b"&amp;",
            b'<' => b"&lt;",
            b'>' => b"&gt;",
            b'"' => b"&quot;",
            b'\'' => b"&#39;",
            _ => {
                i += 1;
                continue;
            }
        };
        out.write_all(&bytes[start..i])?;
        out.write_all(entity)?;
        i += 1;
        start = i;
    }
    out.write_all(&bytes[start..])
}

/// Where a default-theme template lives in the covermap source tree, the place a
/// library overrides it from.
fn builtin_path(name: &str) -> PathBuf {
    Path::new("themes/default/templates").join(name)
}

/// The file to name for the template tera calls `name`.
fn template_path(sources: &[TemplateSource], name: &str) -> PathBuf {
    sources.iter().find(|s| s.name == name).map_or_else(
        || builtin_path(name.trim_start_matches(BUILTIN_PREFIX)),
        |s| s.path.clone(),
    )
}

/// A template error as diagnostics, one per problem: tera's template, line and column
/// become the diagnostic's place, its message the headline, and the template's line
/// is shown. Never empty.
fn template_errors(sources: &[TemplateSource], e: &tera::Error) -> Vec<Diagnostic> {
    use tera::ErrorKind;
    let (name, message) = match e.kind() {
        ErrorKind::SyntaxError(report) | ErrorKind::RenderingError(report) => {
            return vec![report_error(sources, report).help(TEMPLATE_HELP)];
        }
        ErrorKind::MissingParent { current, .. } => (Some(current.as_str()), e.to_string()),
        ErrorKind::CircularExtend { tpl, .. } | ErrorKind::CircularInclude { tpl, .. } => {
            (Some(tpl.as_str()), e.to_string())
        }
        ErrorKind::Msg(text) => {
            let ds = text_reports(sources, text);
            if !ds.is_empty() {
                return ds;
            }
            (None, full_error(e))
        }
        _ => (None, full_error(e)),
    };
    let path = name.map_or_else(|| PathBuf::from("themes"), |n| template_path(sources, n));
    vec![
        Diagnostic::error(path, one_line(&message))
            .help(TEMPLATE_HELP)
            .code(Code::Template),
    ]
}

fn report_error(sources: &[TemplateSource], report: &tera::ReportError) -> Diagnostic {
    let span = report.span();
    // tera's lines are 1-based, its columns 0-based.
    let width = if span.end_line == span.start_line && span.end_col > span.start_col {
        span.end_col - span.start_col
    } else {
        1
    };
    placed(
        sources,
        report.filename(),
        report.message(),
        span.start_line as u32,
        span.start_col as u32 + 1,
        width as u32,
    )
}

/// tera hands some errors (unknown filters, tests, functions and components, found
/// when the templates are put together) only as text: its reports, joined by blank
/// lines. Each is read back from its `error: …` line, its ` --> name:line:col` line
/// (column 1-based) and its carets.
fn text_reports(sources: &[TemplateSource], text: &str) -> Vec<Diagnostic> {
    let lines: Vec<&str> = text.lines().collect();
    let mut ds = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let Some(message) = line.strip_prefix("error: ") else {
            continue;
        };
        let Some(locus) = lines
            .get(i + 1)
            .and_then(|l| l.trim_start().strip_prefix("--> "))
        else {
            continue;
        };
        let mut parts = locus.rsplitn(3, ':');
        let (Some(col), Some(num), Some(name)) = (parts.next(), parts.next(), parts.next()) else {
            continue;
        };
        let (Ok(col), Ok(num)) = (col.parse::<u32>(), num.parse::<u32>()) else {
            continue;
        };
        // `  |       ^^^^^`, two lines below the source line.
        let width = lines
            .get(i + 4)
            .and_then(|l| l.split_once(" | "))
            .map(|(_, carets)| carets.trim())
            .filter(|c| !c.is_empty() && c.chars().all(|c| c == '^'))
            .map_or(1, |c| c.chars().count() as u32);
        ds.push(placed(sources, name, message, num, col, width).help(TEMPLATE_HELP));
    }
    ds
}

/// A diagnostic at `line:col` of the template tera calls `name`.
fn placed(
    sources: &[TemplateSource],
    name: &str,
    message: &str,
    line: u32,
    col: u32,
    width: u32,
) -> Diagnostic {
    let path = if name.is_empty() {
        PathBuf::from("themes")
    } else {
        template_path(sources, name)
    };
    let d = Diagnostic::error(path, one_line(message)).code(Code::Template);
    match sources.iter().find(|s| s.name == name) {
        Some(source) => d.at(&source.body, line, col).width(width),
        None => d,
    }
}

/// The first line of a message, without a closing full stop, for a headline.
fn one_line(message: &str) -> String {
    let first = message.trim().lines().next().unwrap_or("");
    first.trim().trim_end_matches('.').to_string()
}

fn full_error(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        let s_text = s.to_string();
        if !text.contains(&s_text) {
            text.push_str(": ");
            text.push_str(&s_text);
        }
        source = s.source();
    }
    text
}

#[cfg(test)]
mod tests {
    #[test]
    fn escaping_finds_each_character_at_every_place() {
        for (c, entity) in [
            ('&', "&amp;"),
            ('<', "&lt;"),
            ('>', "&gt;"),
            ('"', "&quot;"),
            ('\'', "&#39;"),
        ] {
            for at in 0..20 {
                let text = format!("{}{c}{}é", "a".repeat(at), "b".repeat(19 - at));
                let mut out = Vec::new();
                escape_html(&text, &mut out).unwrap();
                let want = format!("{}{entity}{}é", "a".repeat(at), "b".repeat(19 - at));
                assert_eq!(String::from_utf8(out).unwrap(), want);
            }
        }
    }

    use super::*;

    fn user(name: &str, body: &str) -> TemplateSource {
        TemplateSource {
            name: name.to_string(),
            path: Path::new("themes/acme/templates").join(name),
            body: body.to_string(),
        }
    }

    fn load_errors(sources: &[TemplateSource]) -> Vec<Diagnostic> {
        let mut tera = Tera::new();
        let e = tera
            .add_raw_templates(sources.iter().map(|s| (s.name.as_str(), s.body.as_str())))
            .expect_err("the templates are broken");
        template_errors(sources, &e)
    }

    fn headline(d: &Diagnostic) -> String {
        format!("{}: {} ({})", d.location(), d.message, d.width)
    }

    #[test]
    fn template_errors_are_placed_in_the_template() {
        let cases: &[(&str, &[&str])] = &[
            (
                "<p>x</p>\n<h1>{{ title | shout }}</h1>",
                &["themes/acme/templates/404.html:2:16: Unknown filter `shout` (5)"],
            ),
            (
                "<h1>{{ title </h1>",
                &["themes/acme/templates/404.html:1:14: Found `</` but expected }} (2)"],
            ),
            (
                "{{ a | shout }}\n{{ b is odder }}",
                &[
                    "themes/acme/templates/404.html:1:8: Unknown filter `shout` (5)",
                    "themes/acme/templates/404.html:2:9: Unknown test `odder` (5)",
                ],
            ),
        ];
        for (body, want) in cases {
            let ds = load_errors(&[user("404.html", body)]);
            let got: Vec<String> = ds.iter().map(headline).collect();
            assert_eq!(&got, want, "{body:?}");
            assert!(
                ds.iter()
                    .all(|d| d.source_line.is_some() && d.help.is_some())
            );
        }
    }

    #[test]
    fn builtin_templates_are_named_by_their_source_path() {
        let sources = [TemplateSource {
            name: format!("{BUILTIN_PREFIX}gaps.html"),
            path: builtin_path("gaps.html"),
            body: "{% if %}".to_string(),
        }];
        let ds = load_errors(&sources);
        assert_eq!(ds.len(), 1);
        assert_eq!(ds[0].path, Path::new("themes/default/templates/gaps.html"));
        assert_eq!(ds[0].line, Some(1));
    }

    #[test]
    fn rendering_errors_are_placed_in_the_template() {
        let sources = [user("page.html", "<p>\n{{ nosuch.thing }}</p>")];
        let mut tera = Tera::new();
        tera.add_raw_templates(sources.iter().map(|s| (s.name.as_str(), s.body.as_str())))
            .expect("valid template");
        let e = tera
            .render("page.html", &tera::Context::new())
            .expect_err("undefined variable");
        let ds = template_errors(&sources, &e);
        assert_eq!(ds.len(), 1);
        let d = &ds[0];
        assert_eq!(d.location(), "themes/acme/templates/page.html:2:4");
        assert!(
            d.message.starts_with("Variable `nosuch` is not defined"),
            "{d:?}"
        );
        assert!(!d.message.contains('\n'));
        assert_eq!(d.source_line.as_deref(), Some("{{ nosuch.thing }}</p>"));
    }

    /// A theme read from a source that is not a folder on disk: templates and static
    /// files come as bytes, and errors name the files as `build` does.
    #[test]
    fn a_theme_loads_from_any_source() {
        use crate::source::Memory;
        let folder = Path::new("themes/acme");
        let memory: Memory = [
            ("themes/acme/templates/404.html", b"<p>gone</p>".as_slice()),
            ("themes/acme/static/style.css", b"p{}".as_slice()),
            ("themes/acme/static/extra.js", b"1".as_slice()),
        ]
        .into_iter()
        .collect();
        let theme = Theme::load_from(&memory, Some(folder)).expect("a valid theme");
        let statics: Vec<(&str, &Content)> = theme
            .static_files
            .iter()
            .map(|(n, c)| (n.as_str(), c))
            .collect();
        assert_eq!(statics.len(), STATIC.len() + 1);
        let css = statics
            .iter()
            .find(|(n, _)| *n == "style.css")
            .map(|(_, c)| *c);
        assert_eq!(css, Some(&Content::from(b"p{}".to_vec())));
        let page = theme
            .tera
            .render("404.html", &tera::Context::new())
            .expect("renders");
        assert_eq!(page, "<p>gone</p>");

        let broken: Memory = [(
            "themes/acme/templates/404.html",
            b"<p>\n\xff</p>".as_slice(),
        )]
        .into_iter()
        .collect();
        let Err(ds) = Theme::load_from(&broken, Some(folder)) else {
            panic!("a template that is not UTF-8 is an error");
        };
        let errors: Vec<String> = ds.iter().map(Diagnostic::location).collect();
        assert_eq!(errors, ["themes/acme/templates/404.html:2:1"]);
    }
}
