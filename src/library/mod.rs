//! Loading a library: `plan.toml`, every asset under `content/` (read and parsed in
//! parallel), attachments and `static/` files, all through a [`Source`] (a folder on
//! disk for `build`, or a git revision, or memory). Problems are collected, never
//! thrown: the caller gets every diagnostic of the run and a library only when none is
//! an error. [`AssetCache`] keeps parsed assets between loads of the same library.

mod cache;
mod mdx;
mod order;
mod summary;
mod walk;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;

use crate::asset::{self, Asset, ReadOptions};
use crate::date::Date;
use crate::diagnostics::{Code, Diagnostic, Diagnostics};
use crate::limits::{MAX_ASSET_BYTES, MAX_PLAN_BYTES};
use crate::plan::{self, PLAN_FILE, Plan};
use crate::source::{Disk, Source, not_utf8};

pub use cache::AssetCache;
pub use walk::{NEVER_CONTENT, Walked, content_folder, is_markdown, list_content};
// Where they were before the file source had a module of its own.
pub use crate::source::{is_ignored, list_files};

/// Choices that change what is loaded.
#[derive(Debug, Clone, Default)]
pub struct LoadOptions {
    /// Include drafts in the site.
    pub drafts: bool,
    /// Judge freshness on this day instead of the plan's `as_of` or today.
    pub as_of: Option<Date>,
    /// Leave out assets with `audience: internal` (`--audience external`): a site
    /// published outside the company must not carry them in any page, search file or
    /// export.
    pub external_only: bool,
    /// Write the search data as scripts, for `file://` (`build --offline`), instead of
    /// JSON that only the site's own origin can read. Kept on the [`Library`].
    pub offline: bool,
}

/// A loaded, valid library.
#[derive(Debug, Clone)]
pub struct Library {
    pub root: PathBuf,
    pub plan: Plan,
    /// Every asset in the site, in `[site] sort` order (by slug unless the plan says
    /// otherwise). Drafts only with `--drafts`. Shared, so a rebuild hands on an
    /// unchanged asset without copying it.
    pub assets: Vec<Arc<Asset>>,
    /// Drafts left out of the site.
    pub drafts_left_out: usize,
    /// Internal-audience assets left out of the site (`--audience external`).
    pub internal_left_out: usize,
    /// Non-Markdown files under `content/`, relative to it, sorted.
    pub attachments: Vec<PathBuf>,
    /// The content folder, relative to the root: `content`, another `[content] dir`,
    /// or empty for the root itself.
    pub content_folder: PathBuf,
    /// Non-Markdown files of a content folder other than `content/`, relative to it:
    /// listed, not published (the repo's own files at its root).
    pub other_content_files: Vec<PathBuf>,
    /// The plan's `[content] static` folders other than `static/` (which is published
    /// as `static_files`), each with its files relative to it: the files root-relative
    /// links may point to.
    pub static_folders: Vec<(PathBuf, Vec<PathBuf>)>,
    /// Files under `static/`, relative to it, sorted.
    pub static_files: Vec<PathBuf>,
    /// Where the files were read from; what is read after loading (asset bodies,
    /// attachments, the theme) is read from there too.
    pub source: Arc<dyn Source>,
    /// The site's search data is for `file://` ([`LoadOptions::offline`]).
    pub offline: bool,
}

impl Library {
    pub fn content_dir(&self) -> PathBuf {
        self.root.join(&self.content_folder)
    }

    pub fn static_dir(&self) -> PathBuf {
        self.root.join("static")
    }

    /// The folder of the theme the plan names, if the library has one.
    pub fn theme_dir(&self) -> Option<PathBuf> {
        let dir = self.root.join("themes").join(&self.plan.site.theme);
        dir.is_dir().then_some(dir)
    }

    /// The theme folder the plan names, relative to the library root, if the source
    /// has one.
    pub fn theme_folder(&self) -> Option<PathBuf> {
        let dir = Path::new("themes").join(&self.plan.site.theme);
        self.source.is_dir(&dir).then_some(dir)
    }

    /// The body of the asset file `source` (relative to the root) as the library's
    /// source has it now; see [`asset::body_of`].
    pub fn read_body(&self, source: &Path) -> Result<String, Diagnostic> {
        let read = self.source.read(source, MAX_ASSET_BYTES);
        asset::body_of(
            source,
            read.map(|bytes| mdx::strip_esm_bytes(source, bytes)),
        )
    }
}

/// The output folder `build` and `watch` write when no `--out` is given: the plan's
/// `[build] out` (SPEC §5; then `true`), or `public/`. Read before loading, since the
/// output folder is locked before the library is loaded; a plan that does not parse
/// says `public/` here and its errors when loaded.
pub fn default_out(root: &Path) -> (PathBuf, bool) {
    let planned = crate::source::read_limited(&root.join(PLAN_FILE), MAX_PLAN_BYTES)
        .ok()
        .and_then(|bytes| String::from_utf8(bytes).ok())
        // Only a plan that may name `[build]` is parsed twice.
        .filter(|text| text.contains("build"))
        .and_then(|text| plan::parse(&text, None).plan)
        .and_then(|plan| plan.adoption.out);
    match planned {
        Some(out) => (root.join(out), true),
        None => (root.join("public"), false),
    }
}

/// Loads the library at `root`.
pub fn load(root: &Path, options: &LoadOptions) -> (Option<Library>, Diagnostics) {
    load_cached(root, options, None)
}

/// [`load`], taking each unchanged asset from `cache` instead of reading and parsing
/// its file again (`serve` and `watch` rebuilds).
pub fn load_cached(
    root: &Path,
    options: &LoadOptions,
    cache: Option<&AssetCache>,
) -> (Option<Library>, Diagnostics) {
    load_with(Arc::new(Disk::new(root)), root, options, cache)
}

/// Loads the library in `source` (a git revision, memory). Its [`Library::root`] is
/// empty: paths in diagnostics are relative to the library root, as `build` shows them.
pub fn load_from(
    source: Arc<dyn Source>,
    options: &LoadOptions,
    cache: Option<&AssetCache>,
) -> (Option<Library>, Diagnostics) {
    load_with(source, Path::new(""), options, cache)
}

fn load_with(
    source: Arc<dyn Source>,
    root: &Path,
    options: &LoadOptions,
    cache: Option<&AssetCache>,
) -> (Option<Library>, Diagnostics) {
    let files = &*source;
    let mut diags = Diagnostics::default();
    let mut plan_text = String::new();
    let plan = match files.read(Path::new(PLAN_FILE), MAX_PLAN_BYTES) {
        Ok(bytes) => match String::from_utf8(bytes) {
            Ok(text) => {
                // A plan that breaks a rule still comes back, so the assets are checked
                // against its ids too; the errors in `diags` keep it from being built.
                let parsed = plan::parse(&text, options.as_of);
                diags.extend(parsed.diagnostics);
                if let Some(plan) = &parsed.plan {
                    check_theme(files, plan, &text, &mut diags);
                }
                plan_text = text;
                parsed.plan
            }
            Err(e) => {
                diags.push(not_utf8(Path::new(PLAN_FILE), &e));
                None
            }
        },
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            diags.push(Diagnostic::error(PLAN_FILE, format!("no plan.toml in {}", files.describe())).help("run covermap in the library's folder (or pass --root DIR), or start one with `covermap init`").code(Code::PlanMissing));
            None
        }
        Err(e) if e.kind() == std::io::ErrorKind::FileTooLarge => {
            diags.push(
                Diagnostic::error(PLAN_FILE, e.to_string())
                    .help("a plan is a few dozen tables; keep data that is not the plan elsewhere")
                    .code(Code::TooLarge),
            );
            None
        }
        Err(e) => {
            diags.push(
                Diagnostic::error(PLAN_FILE, format!("cannot read plan.toml: {e}"))
                    .help("check the file's permissions")
                    .code(Code::ReadFailed),
            );
            None
        }
    };

    let folder = content_folder(plan.as_ref());
    let content = folder.as_path();
    if !files.is_dir(content) {
        let shown = content.display();
        let d = if content == Path::new("content") {
            Diagnostic::error(
                content,
                format!("no content/ folder in {}", files.describe()),
            )
            .help("create content/ and put the assets (Markdown files) in it")
        } else {
            // The plan named it: point at the name.
            let d = Diagnostic::error(
                PLAN_FILE,
                format!("[content] dir `{shown}` is not a folder in {}", files.describe()),
            )
            .help("set `dir` to the folder (relative to plan.toml) that holds the Markdown, or \".\" for this one");
            match plan_text.find(&format!("\"{shown}\"")) {
                Some(at) => d.at_offset(&plan_text, at),
                None => d,
            }
        };
        diags.push(d.code(Code::ContentMissing));
        diags.sort();
        return (None, diags);
    }
    let walked = walk::walk(files, plan.as_ref(), &plan_text, &mut diags);
    let read_options = ReadOptions {
        raw_html: plan.as_ref().is_some_and(|p| p.site.raw_html),
    };
    if let Some(cache) = cache {
        cache.begin(plan.as_ref(), read_options);
    }
    let results: Vec<(Option<Arc<Asset>>, Vec<Diagnostic>)> = walked
        .markdown
        .par_iter()
        .map(|rel| {
            let source = content.join(rel);
            let read = || {
                let (asset, diags) =
                    read_asset_file(files, &source, rel, plan.as_ref(), read_options);
                (asset.map(Arc::new), diags)
            };
            match cache {
                Some(cache) => cache.read(files, &source, read),
                None => read(),
            }
        })
        .collect();
    let mut assets = Vec::with_capacity(results.len());
    let mut foreign = crate::foreign::FileWarnings::default();
    let mut read_diags = Vec::new();
    for (a, ds) in results {
        read_diags.extend(foreign.keep(ds));
        assets.extend(a);
    }
    read_diags.extend(foreign.summary());
    summary::summarize(&mut read_diags, content);
    diags.extend(read_diags);

    let mut by_slug: rustc_hash::FxHashMap<&str, &Arc<Asset>> = Default::default();
    by_slug.reserve(assets.len());
    let mut duplicate = Vec::new();
    for a in &assets {
        if let Some(first) = by_slug.insert(&a.slug, a) {
            let (first, second) = if first.source < a.source {
                (first, a)
            } else {
                (a, first)
            };
            let mut d = Diagnostic::error(&second.source, format!("slug `{}` is also the slug of {}", second.slug, first.source.display()))
                .help("two assets cannot share a page: rename one file or set a different `slug:` in its front matter").code(Code::DuplicateSlug);
            if let Some(place) = &second.slug_place {
                d = d.at_place(place);
            }
            duplicate.push(d);
        }
    }
    diags.extend(duplicate);
    diags.extend(crate::freshness::check_superseded(&assets));

    let static_files = files.list(Path::new("static"), &mut diags);
    let static_folders = plan.as_ref().map_or_else(Vec::new, |p| {
        p.adoption
            .content
            .static_dirs
            .iter()
            .filter(|d| d.as_str() != "static")
            .map(|d| (PathBuf::from(d), files.list(Path::new(d), &mut diags)))
            .collect()
    });
    diags.sort();
    let Some(plan) = plan else {
        return (None, diags);
    };
    if diags.has_errors() {
        return (None, diags);
    }
    // Left out after validation, as drafts are: every asset is checked, and nothing
    // built afterwards (pages, search files, coverage, exports) ever sees these.
    let total = assets.len();
    if options.external_only {
        assets.retain(|a| a.audience != Some(asset::Audience::Internal));
    }
    let internal_left_out = total - assets.len();
    let total = assets.len();
    if !options.drafts {
        assets.retain(|a| !a.draft);
    }
    assets.sort_by(|a, b| a.slug.cmp(&b.slug));
    order::apply(&mut assets, plan.site.sort);
    // A repo's root holds its own files (package.json, licences, CI): none is published
    // unless a page links it; any other content folder's files are attachments.
    let (published, other) = if walked.folder.as_os_str().is_empty() {
        (Vec::new(), walked.attachments)
    } else {
        (walked.attachments, Vec::new())
    };
    let library = Library {
        root: root.to_path_buf(),
        plan,
        internal_left_out,
        drafts_left_out: total - assets.len(),
        assets,
        attachments: published,
        content_folder: walked.folder,
        other_content_files: other,
        static_folders,
        static_files,
        source,
        offline: options.offline,
    };
    (Some(library), diags)
}

/// Reads and parses one asset, `source` being its path from the root and `rel` its path
/// under `content/`. A file that cannot be read (gone since the folder was listed,
/// unreadable, too big, not a file) is an error of its own, and the other files are
/// read all the same.
fn read_asset_file(
    files: &dyn Source,
    source: &Path,
    rel: &Path,
    plan: Option<&Plan>,
    options: ReadOptions,
) -> (Option<Asset>, Vec<Diagnostic>) {
    match files.read(source, MAX_ASSET_BYTES) {
        Ok(bytes) => match String::from_utf8(bytes) {
            Ok(text) if mdx::is_mdx(rel) => {
                asset::read(source, rel, &mdx::strip_esm(&text), plan, options)
            }
            Ok(text) => asset::read(source, rel, &text, plan, options),
            Err(e) => (None, vec![not_utf8(source, &e)]),
        },
        Err(e) if e.kind() == std::io::ErrorKind::FileTooLarge => (
            None,
            vec![Diagnostic::error(source, e.to_string()).help(
                "keep big documents as attachments (any file under content/ that is not .md) or elsewhere, and link them with `url:` from a short asset",
            ).code(Code::TooLarge)],
        ),
        Err(e) => (
            None,
            vec![
                Diagnostic::error(source, format!("cannot read the file: {e}"))
                    .help("check that it exists, is a regular file and is readable by you").code(Code::ReadFailed),
            ],
        ),
    }
}

/// The theme the plan names must be a folder under `themes/` (the built-in `default`
/// needs none).
fn check_theme(files: &dyn Source, plan: &Plan, plan_text: &str, diags: &mut Diagnostics) {
    let theme = &plan.site.theme;
    // An invalid name is already an error of its own, and must not be looked up.
    if theme == "default" || !plan::is_valid_id(theme) {
        return;
    }
    if files.is_dir(&Path::new("themes").join(theme)) {
        return;
    }
    let mut d = Diagnostic::error(PLAN_FILE, format!("theme `{theme}` not found in themes/"))
        .help("create themes/<name>/templates/ with the templates to override, or remove `theme` to use the built-in theme").code(Code::ThemeMissing);
    if let Some(span) = plan.site.theme_span.clone() {
        d = d.at_span(plan_text, span);
    }
    diags.push(d);
}

/// A valid library held in memory, for unit tests of the stages after loading: `files`
/// are `(path, text)` pairs under the library root. Panics with the diagnostics when
/// the library has errors.
#[cfg(test)]
pub(crate) fn in_memory(files: &[(&str, &str)]) -> Library {
    let source: crate::source::Memory = files.iter().map(|&(p, t)| (p, t)).collect();
    let (lib, diags) = load_from(Arc::new(source), &LoadOptions::default(), None);
    lib.unwrap_or_else(|| panic!("{diags:?}"))
}

#[cfg(test)]
mod tests;
