//! Themes: the default theme's templates and static files are compiled into the
//! binary; a library's `themes/<name>/` overrides them file by file (a template of
//! the same name, a static file at the same path), as Hugo and Zola themes do.

use std::path::Path;

use tera::Tera;

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::output::Content;

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
    "objections.html",
    "term.html",
    "terms.html",
    "404.html",
    "partials/asset_row.html",
);

/// The default theme's static files, by path under the output root.
pub const STATIC: &[(&str, &[u8])] = builtin_static!("style.css", "library.js");

const BUILTIN_PREFIX: &str = "builtin/";

/// A theme ready to render: compiled templates and the static files to ship.
pub struct Theme {
    pub tera: Tera,
    pub static_files: Vec<(String, Content)>,
}

impl Theme {
    /// The default theme overlaid with `dir`'s `templates/` and `static/`, if given.
    pub fn load(dir: Option<&Path>, root: &Path) -> Result<Theme, Diagnostics> {
        let mut diags = Diagnostics::default();
        let mut tera = Tera::new();
        tera.autoescape_on([".html"]);
        if let Err(e) = tera.set_fallback_prefixes([BUILTIN_PREFIX]) {
            diags.push(Diagnostic::error("themes", e.to_string()));
            return Err(diags);
        }
        let builtin = TEMPLATES
            .iter()
            .map(|(name, body)| (format!("{BUILTIN_PREFIX}{name}"), *body));
        let mut sources: Vec<(String, String)> = builtin.map(|(n, b)| (n, b.to_string())).collect();
        let mut statics: Vec<(String, Content)> = STATIC
            .iter()
            .map(|(n, b)| (n.to_string(), Content::Bytes(b.to_vec())))
            .collect();
        if let Some(dir) = dir {
            let templates = dir.join("templates");
            for rel in crate::library::list_files(&templates, &mut diags) {
                let name = rel.to_string_lossy().replace('\\', "/");
                if !name.ends_with(".html") {
                    continue;
                }
                match std::fs::read_to_string(templates.join(&rel)) {
                    Ok(body) => sources.push((name, body)),
                    Err(e) => diags.push(Diagnostic::error(
                        crate::diagnostics::display_path(root, &templates.join(&rel)),
                        format!("cannot read the template: {e}"),
                    )),
                }
            }
            for rel in crate::library::list_files(&dir.join("static"), &mut diags) {
                let name = rel.to_string_lossy().replace('\\', "/");
                let content = Content::Copy(dir.join("static").join(&rel));
                match statics.iter_mut().find(|(n, _)| *n == name) {
                    Some(slot) => slot.1 = content,
                    None => statics.push((name, content)),
                }
            }
        }
        if let Err(e) =
            tera.add_raw_templates(sources.iter().map(|(n, b)| (n.as_str(), b.as_str())))
        {
            diags.push(template_error(dir, root, &e));
        }
        statics.sort_by(|a, b| a.0.cmp(&b.0));
        if diags.has_errors() {
            return Err(diags);
        }
        Ok(Theme {
            tera,
            static_files: statics,
        })
    }
}

/// A template error as a diagnostic naming the template file.
pub fn template_error(dir: Option<&Path>, root: &Path, e: &tera::Error) -> Diagnostic {
    let text = full_error(e);
    let file = text
        .split(|c: char| c.is_whitespace() || c == '\'' || c == '`' || c == '"')
        .find(|w| w.contains(".html"))
        .map(|w| {
            w.split(':')
                .next()
                .unwrap_or(w)
                .trim_start_matches(BUILTIN_PREFIX)
                .to_string()
        });
    let path = match (file, dir) {
        (Some(f), Some(d)) if d.join("templates").join(&f).exists() => {
            crate::diagnostics::display_path(root, &d.join("templates").join(f))
        }
        (Some(f), _) => Path::new("themes/default/templates").join(f),
        (None, _) => Path::new("themes").to_path_buf(),
    };
    Diagnostic::error(path, text).help("fix the template; see the Theming section of the README for the variables each template gets")
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
