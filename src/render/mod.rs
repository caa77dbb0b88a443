//! Rendering: the library and its coverage model turned into the site's files — every
//! page through the theme's templates, the search index, `coverage.json`,
//! `coverage.csv`, the theme's static files, attachments and `static/` — each handed to
//! a [`Sink`] as soon as it is made, so a build never holds the whole site. Every link is
//! relative to the page it is on, so the site works under any sub-path and from
//! `file://`.
//!
//! The work, in order:
//! 1. per asset, once: its view (what templates see as `asset` or `a`) and its row in
//!    asset lists (`partials/asset_row.html`, rendered once and spliced into every list
//!    that shows the asset, whatever the list page's depth);
//! 2. the asset pages, in parallel: each body is read again and rendered from Markdown,
//!    and its words go to the search index;
//! 3. the search index, once every body has been tokenized;
//! 4. every other page, in parallel: the library (paginated), one page per segment,
//!    persona, stage, type, tag, audience and owner, the coverage heatmap, the gaps and
//!    the objections.
//!
//! A rebuild (`serve`, `watch`) passes the [`RenderCache`] of the last one: each page
//! has a fingerprint of everything it shows, and a page whose fingerprint is unchanged
//! is taken as it was; an asset whose file is unchanged keeps its view, row and search
//! terms. The bytes are the same either way.

mod data;
mod views;

pub use data::{coverage_csv, coverage_json, csv_field};
pub use views::{LIBRARY_PAGE_SIZE, OBJECTION_PREVIEW, TERM_PAGE_SIZE};

use std::collections::{BTreeMap, BTreeSet};
use std::hash::{Hash, Hasher};
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHashSet, FxHasher};
use tera::{Context, Value};

use crate::asset::Asset;
use crate::coverage::Coverage;
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::library::Library;
use crate::output::{Bytes, Content, OutputError, Sink};
use crate::search::{Batch, DocTerms, Facet, Interner};
use crate::slug::slugify;
use crate::theme::Theme;
use views::{ViewMaker, Views, json_for_script, page_of, page_path, pager, term_path};

/// The template every asset list is made of, rendered once per asset.
pub const ROW_TEMPLATE: &str = "partials/asset_row.html";

/// What `root` is while an asset's row is rendered: replaced, in every list that shows
/// the row, by the list page's own way up to the site root. A row whose text holds a
/// NUL outside this mark (only an `extra` front matter value could put one there) is
/// rendered anew for each page instead.
const ROOT_MARK: &str = "\u{0}covermap-root\u{0}";

/// What `search_version` is while a library page is rendered: the page is kept with it
/// and given the search index's version as it is handed over, so a body edit (which
/// changes the version) does not render every library page again.
const VERSION_MARK: &str = "\u{0}covermap-search-version\u{0}";

/// What `asset_rows` is while a list page is rendered: the rows are spliced in its
/// place afterwards, straight from each asset's row, instead of being copied into a
/// template value and out of it again (term pages at 100,000 assets hold 700 MB of rows).
const ROWS_MARK: &str = "\u{0}covermap-asset-rows\u{0}";

/// Assets whose pages one thread renders in a row, sharing one search tokenizer.
const ASSET_BATCH: usize = 128;

/// What a render did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Report {
    /// Pages in the site.
    pub pages: usize,
    /// Pages rendered through the templates, not taken as they were.
    pub rendered: usize,
    /// Files handed to the sink (pages, data, search index, static files, attachments).
    pub files: usize,
}

/// How far a render has got, for a progress line.
#[derive(Debug, Default)]
pub struct Progress {
    pub pages: AtomicUsize,
    pub done: AtomicUsize,
}

/// What one render keeps for the next: each asset's view, row and search terms, each
/// page's fingerprint (and, for `serve`, its bytes), and the numbering of search terms.
/// `build` starts from an empty one and drops it.
#[derive(Default)]
pub struct RenderCache {
    /// Fingerprint of everything every page depends on: the plan, the options, the
    /// templates. A different one makes every entry useless.
    globals: u64,
    /// By slug (unique in a library).
    assets: FxHashMap<String, Arc<Prepared>>,
    docs: FxHashMap<String, (u64, Arc<DocTerms>)>,
    pages: FxHashMap<String, (u64, Option<Bytes>)>,
    lists: Option<(u64, Arc<Lists>)>,
    /// `coverage.json` and `coverage.csv`, under a fingerprint of the model.
    data: Option<(u64, Bytes, Bytes)>,
    interner: Interner,
    postings: crate::search::Postings,
    /// Fingerprint pages and keep what the next render can use (off for a one-off
    /// build, which would only pay for it).
    enabled: bool,
    /// Keep each page's bytes (for a sink that cannot keep a page itself).
    keep_bytes: bool,
}

impl RenderCache {
    /// A cache for rebuilds into memory: it keeps every page's bytes.
    pub fn keeping_pages() -> Self {
        RenderCache {
            enabled: true,
            keep_bytes: true,
            ..Self::default()
        }
    }

    /// A cache for rebuilds into a sink that keeps its own files (see [`Sink::keep`]):
    /// only each page's fingerprint is kept.
    pub fn fingerprints_only() -> Self {
        RenderCache {
            enabled: true,
            ..Self::default()
        }
    }
}

/// One asset, made ready for templates.
struct Prepared {
    asset: Arc<Asset>,
    view: Value,
    /// A hash of the view: every page showing the asset changes when it does.
    view_hash: u64,
    row: Row,
}

/// An asset's row in lists.
enum Row {
    /// The row's text cut at each [`ROOT_MARK`].
    Spliced(Vec<Box<str>>),
    /// A row that must be rendered with each page's root.
    Direct,
}

/// Renders the whole site into `sink`. Errors are template errors, clashes between
/// generated files and the library's own, and bodies that can no longer be read.
pub fn render(
    library: &Library,
    coverage: &Coverage,
    theme: &Theme,
    cache: Option<&mut RenderCache>,
    sink: &dyn Sink,
    progress: Option<&Progress>,
) -> Result<Report, RenderError> {
    let trace = crate::trace::Trace::start();
    let mut fresh = RenderCache::default();
    let cache = match cache {
        Some(c) => c,
        None => &mut fresh,
    };
    let incremental = cache.enabled;
    let globals = globals_fingerprint(library, theme);
    if cache.globals != globals {
        cache.assets.clear();
        cache.pages.clear();
        cache.docs.clear();
        cache.data = None;
    }
    let mut interner = std::mem::take(&mut cache.interner);
    let mut postings = std::mem::take(&mut cache.postings);
    let r = Renderer::new(
        library,
        coverage,
        theme,
        cache,
        globals,
        incremental,
        progress,
    );
    trace.phase("render: related, facets and taxonomies");
    let result = r.run(sink, &mut interner, incremental.then_some(&mut postings));
    trace.phase("render: run returned");
    if incremental {
        cache.interner = interner;
        cache.postings = postings;
    } else {
        crate::trace::drop_later((interner, postings));
    }
    let (report, next) = result?;
    if incremental {
        cache.globals = globals;
        keep(cache, next);
    }
    Ok(report)
}

/// Updates the cache in place from a successful render: most entries stay as they were.
fn keep(cache: &mut RenderCache, next: Next) {
    let mut changed = false;
    for (p, d) in next.prepared.iter().zip(next.docs) {
        let slug = p.asset.slug.as_str();
        if !cache
            .assets
            .get(slug)
            .is_some_and(|old| Arc::ptr_eq(old, p))
        {
            cache.assets.insert(slug.to_string(), p.clone());
            changed = true;
        }
        let key = doc_key(&p.asset);
        if !cache
            .docs
            .get(slug)
            .is_some_and(|(k, old)| *k == key && Arc::ptr_eq(old, &d))
        {
            cache.docs.insert(slug.to_string(), (key, d));
        }
    }
    // Entries of assets gone from the library (there are more entries than assets).
    if changed || cache.assets.len() != next.prepared.len() {
        let current: FxHashSet<&str> = next
            .prepared
            .iter()
            .map(|p| p.asset.slug.as_str())
            .collect();
        cache.assets.retain(|k, _| current.contains(k.as_str()));
        cache.docs.retain(|k, _| current.contains(k.as_str()));
    }
    for (path, fp, bytes) in next.pages {
        cache.pages.insert(path, (fp, bytes));
    }
    if let Some(paths) = next.paths {
        cache.pages.retain(|k, _| paths.contains(k));
    }
    cache.lists = next.lists;
    cache.data = next.data;
}

/// What a successful render leaves for the next one.
#[derive(Default)]
struct Next {
    prepared: Vec<Arc<Prepared>>,
    docs: Vec<Arc<DocTerms>>,
    /// Pages rendered anew, with their fingerprints.
    pages: Vec<(String, u64, Option<Bytes>)>,
    /// Every page of the site, when pages may have come or gone.
    paths: Option<FxHashSet<String>>,
    lists: Option<(u64, Arc<Lists>)>,
    data: Option<(u64, Bytes, Bytes)>,
}

fn fingerprint(parts: impl FnOnce(&mut FxHasher)) -> u64 {
    let mut h = FxHasher::default();
    parts(&mut h);
    h.finish()
}

/// Everything every page depends on: the plan as loaded (ids, names, `as_of`,
/// settings), the templates, the covermap version.
fn globals_fingerprint(lib: &Library, theme: &Theme) -> u64 {
    fingerprint(|h| {
        format!("{:?}", lib.plan).hash(h);
        theme.fingerprint().hash(h);
        env!("CARGO_PKG_VERSION").hash(h);
        // Never 0: 0 marks a cache that has seen no render.
        1u8.hash(h);
    })
    .max(1)
}

/// `../` once per folder of `path` (`./` at the root).
fn root_of(path: &str) -> String {
    let depth = path.matches('/').count();
    if depth == 0 {
        "./".to_string()
    } else {
        "../".repeat(depth)
    }
}

/// One page to make.
struct Spec {
    path: String,
    kind: PageKind,
}

enum PageKind {
    Library {
        page: usize,
        pages: usize,
    },
    Term {
        kind: usize,
        term: usize,
        page: usize,
        pages: usize,
    },
    Terms {
        kind: usize,
    },
    Coverage,
    Gaps,
    Objections,
    /// The assets that answer one objection (`cov.objections[at]`), a page of them.
    Objection {
        at: usize,
        page: usize,
        pages: usize,
    },
    NotFound,
}

/// A taxonomy: one page per value (segments, personas, …), and an index page.
struct Taxonomy {
    kind: &'static str,
    title: &'static str,
    terms: Vec<Term>,
}

struct Term {
    id: String,
    name: String,
    description: Option<String>,
    /// Library indices, ascending.
    assets: Vec<usize>,
}

/// What the lists of the site are made of, which only tags (personas, stages,
/// segments, tags, types, audiences, owners) and slugs change: kept across rebuilds
/// while those stay the same (a body or title edit leaves them).
#[derive(Default)]
struct Lists {
    related: Vec<Vec<u32>>,
    facets: Vec<Facet>,
    taxonomies: Vec<Taxonomy>,
}

impl Lists {
    fn of(lib: &Library) -> Lists {
        // Related assets take the longest; the facets are built beside them.
        let ((facets, taxonomies), related) = rayon::join(
            || {
                let facets = crate::search::facets(lib);
                let taxonomies = taxonomies(lib, &facets);
                (facets, taxonomies)
            },
            || related_all(&lib.assets),
        );
        Lists {
            related,
            facets,
            taxonomies,
        }
    }

    /// A fingerprint of everything [`Lists::of`] reads.
    fn fingerprint(lib: &Library) -> u64 {
        fingerprint(|h| {
            for a in &lib.assets {
                (&a.slug, &a.personas, &a.stages, &a.segments, &a.tags).hash(h);
                (&a.kind, a.audience.map(|x| x.as_str()), &a.owner).hash(h);
            }
        })
    }
}

struct Renderer<'a> {
    lib: &'a Library,
    cov: &'a Coverage,
    theme: &'a Theme,
    views: Views<'a>,
    /// Keep fingerprints and look pages up in `old`.
    incremental: bool,
    old: &'a RenderCache,
    globals: u64,
    progress: Option<&'a Progress>,
    prepared: Vec<Arc<Prepared>>,
    lists: Arc<Lists>,
    /// `Lists::fingerprint`, when rebuilding.
    lists_fp: u64,
    rendered: AtomicUsize,
    /// Pages made in this render, with their fingerprints, for the next one.
    pages: Mutex<Vec<(String, u64, Option<Bytes>)>>,
    /// `site`, `plan` and `generator`, which every template gets.
    base: [(&'static str, Value); 3],
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Why a render failed.
#[derive(Debug)]
pub enum RenderError {
    /// Template errors, clashes between files, bodies that can no longer be read: the
    /// library's to fix.
    Library(Diagnostics),
    /// The sink could not take a file (a full disk, a read-only folder).
    Output(OutputError),
}

/// Why one page could not be made.
enum Fail {
    Page(Diagnostic),
    Output(OutputError),
}

impl From<Diagnostic> for Fail {
    fn from(d: Diagnostic) -> Self {
        Fail::Page(d)
    }
}

impl From<OutputError> for Fail {
    fn from(e: OutputError) -> Self {
        Fail::Output(e)
    }
}

/// The problems met so far: every diagnostic, and the first output error.
#[derive(Default)]
struct Failures {
    diags: Diagnostics,
    output: Option<OutputError>,
}

impl Failures {
    fn add(&mut self, f: Fail) {
        match f {
            Fail::Page(d) => self.diags.push(d),
            Fail::Output(e) => {
                self.output.get_or_insert(e);
            }
        }
    }

    /// Stops the render if anything failed.
    fn stop(&mut self) -> Result<(), RenderError> {
        if let Some(e) = self.output.take() {
            return Err(RenderError::Output(e));
        }
        if self.diags.has_errors() {
            let mut diags = std::mem::take(&mut self.diags);
            diags.sort();
            return Err(RenderError::Library(diags));
        }
        Ok(())
    }
}

impl<'a> Renderer<'a> {
    fn new(
        lib: &'a Library,
        cov: &'a Coverage,
        theme: &'a Theme,
        old: &'a RenderCache,
        globals: u64,
        incremental: bool,
        progress: Option<&'a Progress>,
    ) -> Self {
        let lists_fp = if incremental {
            Lists::fingerprint(lib)
        } else {
            0
        };
        let lists = match &old.lists {
            Some((fp, lists)) if incremental && *fp == lists_fp => lists.clone(),
            _ => Arc::new(Lists::of(lib)),
        };
        Renderer {
            lib,
            cov,
            theme,
            views: Views {
                lib,
                plan: &lib.plan,
                cov,
            },
            incremental,
            old,
            globals,
            progress,
            prepared: Vec::new(),
            lists,
            lists_fp,
            rendered: AtomicUsize::new(0),
            pages: Mutex::new(Vec::new()),
            base: views::base(&lib.plan),
        }
    }

    fn context(&self) -> Context {
        let mut ctx = Context::new();
        for (key, value) in &self.base {
            ctx.insert_value(*key, value.clone());
        }
        ctx
    }

    fn run(
        mut self,
        sink: &dyn Sink,
        interner: &mut Interner,
        postings: Option<&mut crate::search::Postings>,
    ) -> Result<(Report, Next), RenderError> {
        let trace = crate::trace::Trace::start();
        let mut fails = Failures::default();
        let (prepared, errors) = self.prepare();
        trace.phase("render: views and rows");
        self.prepared = prepared;
        fails.diags.extend(errors);
        fails.stop()?;
        let specs = self.specs();
        let assets = &self.lib.assets;
        if let Some(p) = self.progress {
            p.pages.store(assets.len() + specs.len(), Ordering::Relaxed);
        }

        // The files the library brings must not land on a generated path.
        let mut generated: BTreeSet<&str> = specs.iter().map(|s| s.path.as_str()).collect();
        let asset_paths: Vec<String> = assets
            .iter()
            .map(|a| format!("library/{}/index.html", a.slug))
            .collect();
        generated.extend(asset_paths.iter().map(String::as_str));
        generated.extend(["coverage.json", "coverage.csv"]);
        generated.extend(self.theme.static_files.iter().map(|(p, _)| p.as_str()));
        let mut copies = self.copies(&generated, &mut fails.diags);
        fails.stop()?;
        let folders: Vec<&str> = generated
            .iter()
            .copied()
            .chain(copies.iter().map(|(p, _)| p.as_str()))
            .chain(["search/t/0.js", "search/d/0.js"])
            .collect();
        sink.make_folders(&folders).map_err(RenderError::Output)?;
        trace.phase("render: folders");

        // Asset pages, and every asset's search terms.
        let mut docs = self.asset_pages(sink, interner)?;
        trace.phase("render: asset pages");
        // A one-off build needs the terms only until the postings are made.
        let terms = match postings {
            Some(kept) => crate::search::Terms::Kept(kept, &docs),
            None => crate::search::Terms::Fresh(std::mem::take(&mut docs)),
        };
        let index = crate::search::build(self.lib, self.cov, &self.lists.facets, terms, interner);
        trace.phase("render: search index");
        let index_paths: BTreeSet<&str> = index.files.iter().map(|(p, _)| p.as_str()).collect();
        copies.retain(|(path, source)| {
            let clash = index_paths.contains(path.as_str());
            if clash {
                fails.diags.push(self.clash(source, "file", path));
            }
            !clash
        });
        fails.stop()?;
        let mut files = index.files.len();
        index
            .files
            .into_par_iter()
            .try_for_each(|(path, bytes)| sink.put(&path, Content::from(bytes)))
            .map_err(RenderError::Output)?;
        trace.phase("render: search files");

        // Every other page. `coverage.json` is taken as it was while the model is.
        let (model, data) = self.model();
        let shared = LibraryShared {
            facets: Value::from_serializable(&self.views.facets(&self.lists.facets)),
            summary: Value::from_serializable(&self.views.summary()),
            cells_json: self.cells_json(),
        };
        let results: Vec<Result<(), Fail>> = specs
            .par_iter()
            .map(|spec| self.list_page(spec, &index.version, model, &shared, sink))
            .collect();
        for r in results {
            if let Err(f) = r {
                fails.add(f);
            }
        }
        fails.stop()?;
        trace.phase("render: list pages");

        let (json, csv) = match &data {
            Some((_, json, csv)) => (json.clone(), csv.clone()),
            None => self.data_files(),
        };
        let mut rest: Vec<(String, Content)> = vec![
            ("coverage.json".into(), Content::Bytes(json)),
            ("coverage.csv".into(), Content::Bytes(csv)),
        ];
        rest.extend(self.theme.static_files.iter().cloned());
        rest.extend(copies.into_iter().map(|(p, from)| (p, Content::Copy(from))));
        files += rest.len();
        rest.into_par_iter()
            .try_for_each(|(path, content)| sink.put(&path, content))
            .map_err(RenderError::Output)?;

        trace.phase("render: data, static files, attachments");
        let pages = assets.len() + specs.len();
        let report = Report {
            pages,
            rendered: self.rendered.load(Ordering::Relaxed),
            files: files + pages,
        };
        let mut next = Next::default();
        if self.incremental {
            next.pages = std::mem::take(&mut *lock(&self.pages));
            // The cache's pages are swept only when the site's pages may have changed.
            let added = next
                .pages
                .iter()
                .any(|(p, _, _)| !self.old.pages.contains_key(p));
            if added || self.old.pages.len() != pages {
                let mut paths: FxHashSet<String> = specs.iter().map(|s| s.path.clone()).collect();
                paths.extend(asset_paths.iter().cloned());
                next.paths = Some(paths);
            }
            next.prepared = self.prepared.clone();
            next.docs = docs;
            next.lists = Some((self.lists_fp, self.lists.clone()));
            next.data = data;
        } else {
            // What only this render needed is freed beside the caller's next step: at
            // 100,000 assets that is seconds of `free`.
            crate::trace::drop_later((
                std::mem::take(&mut self.prepared),
                std::mem::take(&mut self.lists),
                docs,
            ));
        }
        trace.phase("render: cache kept");
        Ok((report, next))
    }

    fn clash(&self, source: &std::path::Path, what: &str, path: &str) -> Diagnostic {
        Diagnostic::error(
            crate::diagnostics::display_path(&self.lib.root, source),
            format!("this {what} would overwrite the generated `{path}`"),
        )
        .help("rename or move the file: covermap writes that path itself")
    }

    /// Attachments and `static/` files, each with where it goes; a clash with a
    /// generated path is an error.
    fn copies(
        &self,
        generated: &BTreeSet<&str>,
        diags: &mut Diagnostics,
    ) -> Vec<(String, PathBuf)> {
        let mut out = Vec::new();
        let mut taken: BTreeSet<String> = BTreeSet::new();
        let lib = self.lib;
        let sources = lib
            .attachments
            .iter()
            .map(|rel| (rel, lib.content_dir(), "attachment"))
            .chain(
                lib.static_files
                    .iter()
                    .map(|rel| (rel, lib.static_dir(), "static file")),
            );
        for (rel, dir, what) in sources {
            let path = rel.to_string_lossy().replace('\\', "/");
            let source = dir.join(rel);
            if generated.contains(path.as_str()) || taken.contains(&path) {
                diags.push(self.clash(&source, what, &path));
                continue;
            }
            taken.insert(path.clone());
            out.push((path, source));
        }
        out
    }

    // ------------------------------------------------------------ assets

    /// Every asset's view and row, taken from the cache where the asset is unchanged.
    fn prepare(&self) -> (Vec<Arc<Prepared>>, Vec<Diagnostic>) {
        let maker = ViewMaker::new(&self.lib.plan);
        let results: Vec<Result<Arc<Prepared>, Diagnostic>> = self
            .lib
            .assets
            .par_iter()
            .map(|a| {
                if let Some(p) = self.old.assets.get(&a.slug)
                    && Arc::ptr_eq(&p.asset, a)
                {
                    return Ok(p.clone());
                }
                let view = maker.view(a);
                let view_hash = if self.incremental {
                    fingerprint(|h| views::view_hash(a, h))
                } else {
                    0
                };
                let row = self.row(&view)?;
                Ok(Arc::new(Prepared {
                    asset: a.clone(),
                    view,
                    view_hash,
                    row,
                }))
            })
            .collect();
        let mut prepared = Vec::with_capacity(results.len());
        let mut errors = Vec::new();
        for r in results {
            match r {
                Ok(p) => prepared.push(p),
                // One row error is the same for every asset: report it once.
                Err(d) => {
                    if !errors.contains(&d) {
                        errors.push(d);
                    }
                }
            }
        }
        (prepared, errors)
    }

    fn render_row(&self, view: &Value, root: &str) -> Result<String, Diagnostic> {
        let mut ctx = self.context();
        ctx.insert_value("a", view.clone());
        ctx.insert_value("root", Value::safe_string(root));
        self.theme
            .tera
            .render(ROW_TEMPLATE, &ctx)
            .map_err(|e| self.theme.error(&e))
    }

    fn row(&self, view: &Value) -> Result<Row, Diagnostic> {
        let text = self.render_row(view, ROOT_MARK)?;
        let parts: Vec<Box<str>> = text.split(ROOT_MARK).map(Box::from).collect();
        if parts.iter().any(|p| p.contains('\0')) {
            return Ok(Row::Direct);
        }
        Ok(Row::Spliced(parts))
    }

    /// The rows of `ids`, one after the other, as on a page whose root is `root`.
    fn rows(&self, ids: impl IntoIterator<Item = usize>, root: &str) -> Result<String, Diagnostic> {
        let mut out = Vec::new();
        self.write_rows(ids, root, &mut out)?;
        // Rows are made of template output and `root`: UTF-8 throughout.
        Ok(String::from_utf8(out).unwrap_or_default())
    }

    fn write_rows(
        &self,
        ids: impl IntoIterator<Item = usize>,
        root: &str,
        out: &mut Vec<u8>,
    ) -> Result<(), Diagnostic> {
        for i in ids {
            let p = &self.prepared[i];
            match &p.row {
                Row::Spliced(parts) => {
                    for (k, part) in parts.iter().enumerate() {
                        if k > 0 {
                            out.extend_from_slice(root.as_bytes());
                        }
                        out.extend_from_slice(part.as_bytes());
                    }
                }
                Row::Direct => out.extend_from_slice(self.render_row(&p.view, root)?.as_bytes()),
            }
        }
        Ok(())
    }

    /// Page `page` of `pages` (at `path`) of a list rendered with `term.html`: a
    /// taxonomy value's or an objection's assets, `chunk` of them on this page.
    fn term_page(
        &self,
        (path, page, pages): (&str, usize, usize),
        term: &serde_json::Value,
        base: &str,
        chunk: &[usize],
        title: &str,
        section: &str,
    ) -> Result<Vec<u8>, Diagnostic> {
        let mut ctx = Context::new();
        ctx.insert("term", term);
        ctx.insert_value("assets", self.views_of(chunk.iter().copied()));
        ctx.insert_value("asset_rows", Value::safe_string(ROWS_MARK));
        ctx.insert("pager", &pager(base, page, pages));
        let html = self.render_page("term.html", path, title, section, ctx)?;
        self.splice_rows(html, chunk.iter().copied(), &root_of(path))
    }

    /// A list page rendered with [`ROWS_MARK`] for `asset_rows`, with the rows of `ids`
    /// put in its place.
    fn splice_rows(
        &self,
        page: Vec<u8>,
        ids: impl IntoIterator<Item = usize> + Clone,
        root: &str,
    ) -> Result<Vec<u8>, Diagnostic> {
        let mark = ROWS_MARK.as_bytes();
        // The rows' size, so the page is never copied as it grows.
        let rows: usize = ids
            .clone()
            .into_iter()
            .map(|i| match &self.prepared[i].row {
                Row::Spliced(parts) => {
                    parts.iter().map(|p| p.len()).sum::<usize>()
                        + root.len() * parts.len().saturating_sub(1)
                }
                Row::Direct => 1024,
            })
            .sum();
        // Sized for one list of rows, as templates have; another one grows it.
        let mut out = Vec::with_capacity(page.len() + rows);
        let mut rest = page.as_slice();
        while let Some(at) = rest.iter().position(|&b| b == 0) {
            if rest[at..].starts_with(mark) {
                out.extend_from_slice(&rest[..at]);
                self.write_rows(ids.clone(), root, &mut out)?;
                rest = &rest[at + mark.len()..];
            } else {
                out.extend_from_slice(&rest[..=at]);
                rest = &rest[at + 1..];
            }
        }
        out.extend_from_slice(rest);
        Ok(out)
    }

    /// The views of `ids`, for templates that lay out a list themselves.
    fn views_of(&self, ids: impl IntoIterator<Item = usize>) -> Value {
        Value::from(
            ids.into_iter()
                .map(|i| self.prepared[i].view.clone())
                .collect::<Vec<_>>(),
        )
    }

    fn view_hashes(&self, ids: impl IntoIterator<Item = usize>, h: &mut FxHasher) {
        for i in ids {
            self.prepared[i].view_hash.hash(h);
        }
    }

    /// Renders `template` for the page at `path`; `extra` is the page's own context.
    fn render_page(
        &self,
        template: &str,
        path: &str,
        title: &str,
        section: &str,
        extra: Context,
    ) -> Result<Vec<u8>, Diagnostic> {
        let mut ctx = self.context();
        ctx.extend(extra);
        ctx.insert("root", &root_of(path));
        let mut page = tera::Map::new();
        page.insert("title".into(), title.into());
        page.insert("path".into(), path.into());
        page.insert("section".into(), section.into());
        ctx.insert_value("page", Value::from(page));
        self.rendered.fetch_add(1, Ordering::Relaxed);
        self.theme
            .tera
            .render(template, &ctx)
            .map(String::into_bytes)
            .map_err(|e| self.theme.error(&e))
    }

    /// Hands a page to the sink: the last render's bytes when its fingerprint is the
    /// same (or the sink keeping the page it has), else `make`'s.
    fn emit(
        &self,
        sink: &dyn Sink,
        path: &str,
        fp: Option<u64>,
        make: impl FnOnce() -> Result<Vec<u8>, Diagnostic>,
    ) -> Result<(), Fail> {
        self.emit_with(sink, path, fp, make, None)
    }

    /// [`Self::emit`] for a page made with a placeholder: `fill` is (mark, value), put
    /// in the page's bytes as they are handed over; the kept bytes hold the mark.
    fn emit_with(
        &self,
        sink: &dyn Sink,
        path: &str,
        fp: Option<u64>,
        make: impl FnOnce() -> Result<Vec<u8>, Diagnostic>,
        fill: Option<(&str, &str)>,
    ) -> Result<(), Fail> {
        if let Some(p) = self.progress {
            p.done.fetch_add(1, Ordering::Relaxed);
        }
        let filled = |bytes: &Bytes| -> Bytes {
            match fill {
                Some((mark, value)) => {
                    Arc::new(replace_bytes(bytes, mark.as_bytes(), value.as_bytes()))
                }
                None => bytes.clone(),
            }
        };
        if let Some(fp) = fp
            && let Some((old, bytes)) = self.old.pages.get(path)
            && *old == fp
        {
            match bytes {
                Some(b) => {
                    sink.put(path, Content::Bytes(filled(b)))?;
                    return Ok(());
                }
                None if sink.keep(path) => return Ok(()),
                None => {}
            }
        }
        let bytes: Bytes = Arc::new(make()?);
        if let Some(fp) = fp {
            // A page with a placeholder is kept in memory whatever the sink: its bytes
            // change with every fill.
            let kept = (self.old.keep_bytes || fill.is_some()).then(|| bytes.clone());
            lock(&self.pages).push((path.to_string(), fp, kept));
        }
        sink.put(path, Content::Bytes(filled(&bytes)))?;
        Ok(())
    }

    /// Every asset page, in parallel batches, and every asset's search terms (library
    /// order). A body is read and rendered only for a page or terms not taken from the
    /// cache.
    fn asset_pages(
        &self,
        sink: &dyn Sink,
        interner: &mut Interner,
    ) -> Result<Vec<Arc<DocTerms>>, RenderError> {
        let n = self.lib.assets.len();
        let ids: Vec<usize> = (0..n).collect();
        // Each batch's dictionary is numbered into the interner as soon as the batch is
        // done, so only the batches under way hold one. The numbers differ with the
        // order batches finish in; the index does not (its terms are sorted).
        let interner = Mutex::new(interner);
        type Batched = (Vec<(usize, Arc<DocTerms>)>, Vec<Fail>);
        let batches: Vec<Batched> = ids
            .par_chunks(ASSET_BATCH)
            .map(|chunk| {
                let mut batch = Batch::new();
                let mut cached = Vec::with_capacity(chunk.len());
                let mut fresh = Vec::new();
                let mut fails = Vec::new();
                for &i in chunk {
                    match self.asset_page(i, sink, &mut batch) {
                        Ok(Some(doc)) => cached.push((i, doc)),
                        Ok(None) => fresh.push(i),
                        // Its terms are not needed: the render fails.
                        Err(f) => fails.push(f),
                    }
                }
                let numbered = lock(&interner).absorb(batch);
                cached.extend(fresh.into_iter().zip(numbered.into_iter().map(Arc::new)));
                (cached, fails)
            })
            .collect();
        let mut failures = Failures::default();
        let mut out: Vec<Arc<DocTerms>> = vec![Arc::default(); n];
        for (docs, fails) in batches {
            for f in fails {
                failures.add(f);
            }
            for (i, doc) in docs {
                out[i] = doc;
            }
        }
        failures.stop()?;
        Ok(out)
    }

    /// Renders asset `i`'s page into `sink` and returns its search terms when cached;
    /// otherwise its terms go into `batch` and `None` comes back.
    fn asset_page(
        &self,
        i: usize,
        sink: &dyn Sink,
        batch: &mut Batch,
    ) -> Result<Option<Arc<DocTerms>>, Fail> {
        let p = &self.prepared[i];
        let a = &p.asset;
        let path = format!("library/{}/index.html", a.slug);
        let related = &self.lists.related[i];
        let fp = self.incremental.then(|| {
            fingerprint(|h| {
                (self.globals, "asset", p.view_hash, a.body_hash).hash(h);
                self.view_hashes(related.iter().map(|&j| j as usize), h);
            })
        });
        let cached_doc = self
            .old
            .docs
            .get(&a.slug)
            .filter(|(key, _)| *key == doc_key(a))
            .map(|(_, d)| d.clone());
        let page_cached =
            fp.is_some_and(|fp| self.old.pages.get(&path).is_some_and(|(old, _)| *old == fp));
        // The body's HTML for the page and its text for the search index.
        let (mut html, mut text) = (None, None);
        if cached_doc.is_none() || !page_cached {
            let source = crate::asset::read_body(&self.lib.root, &a.source)?;
            let body = crate::markdown::render(&source, self.lib.plan.site.raw_html);
            (html, text) = (Some(body.html), Some(body.text));
        }
        self.emit(sink, &path, fp, || {
            let html = match html {
                Some(html) => html,
                // The cached page was gone after all: read the body now.
                None => {
                    let source = crate::asset::read_body(&self.lib.root, &a.source)?;
                    crate::markdown::render(&source, self.lib.plan.site.raw_html).html
                }
            };
            let mut ctx = Context::new();
            ctx.insert_value("asset", p.view.clone());
            ctx.insert_value("body", Value::safe_string(&html));
            ctx.insert_value(
                "related",
                self.views_of(related.iter().map(|&j| j as usize)),
            );
            self.render_page("asset.html", &path, &a.title, "library", ctx)
        })?;
        match cached_doc {
            Some(d) => Ok(Some(d)),
            None => {
                batch.add_asset(a, text.as_deref().unwrap_or_default());
                Ok(None)
            }
        }
    }

    // ------------------------------------------------------------ other pages

    /// Every page but the assets': library pages, taxonomy pages, coverage, gaps,
    /// objections, 404.
    fn specs(&self) -> Vec<Spec> {
        let mut specs = vec![
            Spec {
                path: "coverage/index.html".into(),
                kind: PageKind::Coverage,
            },
            Spec {
                path: "gaps/index.html".into(),
                kind: PageKind::Gaps,
            },
            Spec {
                path: "objections/index.html".into(),
                kind: PageKind::Objections,
            },
            Spec {
                path: "404.html".into(),
                kind: PageKind::NotFound,
            },
        ];
        let n = self.lib.assets.len();
        let pages = n.div_ceil(LIBRARY_PAGE_SIZE).max(1);
        for page in 1..=pages {
            specs.push(Spec {
                path: format!("{}index.html", page_path("", page)),
                kind: PageKind::Library { page, pages },
            });
        }
        for (k, tax) in self.lists.taxonomies.iter().enumerate() {
            for (t, term) in tax.terms.iter().enumerate() {
                let pages = term.assets.len().div_ceil(TERM_PAGE_SIZE).max(1);
                let base = term_path(tax.kind, &term.id);
                for page in 1..=pages {
                    specs.push(Spec {
                        path: format!("{}index.html", page_path(&base, page)),
                        kind: PageKind::Term {
                            kind: k,
                            term: t,
                            page,
                            pages,
                        },
                    });
                }
            }
            specs.push(Spec {
                path: format!("{}/index.html", tax.kind),
                kind: PageKind::Terms { kind: k },
            });
        }
        // Each objection's answers, paginated as a taxonomy page is; the objections page
        // shows the first few of each.
        for (at, o) in self.cov.objections.iter().enumerate() {
            let base = term_path("objections", &self.lib.plan.objections[o.objection].id);
            let pages = o.assets.len().div_ceil(TERM_PAGE_SIZE).max(1);
            for page in 1..=pages {
                specs.push(Spec {
                    path: format!("{}index.html", page_path(&base, page)),
                    kind: PageKind::Objection { at, page, pages },
                });
            }
        }
        specs
    }

    fn data_files(&self) -> (Bytes, Bytes) {
        let (json, csv) = rayon::join(
            || coverage_json(self.lib, self.cov),
            || coverage_csv(self.lib, self.cov),
        );
        (Arc::new(json), Arc::new(csv))
    }

    /// A fingerprint of the coverage model and the headline figures — what the
    /// coverage, gaps and objections pages and the library page's summary show besides
    /// assets — and, when rebuilding, `coverage.json` and `coverage.csv` under it.
    #[allow(clippy::type_complexity)]
    fn model(&self) -> (u64, Option<(u64, Bytes, Bytes)>) {
        if !self.incremental {
            return (0, None);
        }
        let model = fingerprint(|h| {
            self.globals.hash(h);
            coverage_fingerprint(self.cov, h);
            for a in &self.lib.assets {
                a.slug.hash(h);
            }
            (self.lib.drafts_left_out, self.lib.assets.len()).hash(h);
            for f in &self.lists.facets {
                f.key.hash(h);
                for v in &f.values {
                    (&v.id, &v.name, &v.slug, v.count).hash(h);
                }
            }
        });
        let data = match &self.old.data {
            Some((fp, json, csv)) if *fp == model => (model, json.clone(), csv.clone()),
            _ => {
                let (json, csv) = self.data_files();
                (model, json, csv)
            }
        };
        (model, Some(data))
    }

    fn list_page(
        &self,
        spec: &Spec,
        version: &str,
        model: u64,
        shared: &LibraryShared,
        sink: &dyn Sink,
    ) -> Result<(), Fail> {
        let path = spec.path.as_str();
        let inc = self.incremental;
        // `model` goes into the fingerprint of the pages that show the coverage model,
        // the headline figures or the facets.
        let fp = |parts: &dyn Fn(&mut FxHasher)| -> Option<u64> {
            inc.then(|| {
                fingerprint(|h| {
                    (self.globals, path).hash(h);
                    parts(h);
                })
            })
        };
        let n = self.lib.assets.len();
        match spec.kind {
            PageKind::Library { page, pages } => {
                let range =
                    ((page - 1) * LIBRARY_PAGE_SIZE).min(n)..(page * LIBRARY_PAGE_SIZE).min(n);
                // The page is kept with the version's placeholder (see `emit_with`), so
                // the version is not part of what it is made of.
                let fp = fp(&|h| {
                    (model, pages).hash(h);
                    self.view_hashes(range.clone(), h);
                });
                let make = || {
                    let mut ctx = Context::new();
                    ctx.insert_value("facets", shared.facets.clone());
                    ctx.insert_value("summary", shared.summary.clone());
                    ctx.insert_value("search_version", Value::safe_string(VERSION_MARK));
                    ctx.insert("cells_json", &shared.cells_json);
                    ctx.insert("first", &(range.start + 1));
                    ctx.insert_value("assets", self.views_of(range.clone()));
                    ctx.insert_value("asset_rows", Value::safe_string(ROWS_MARK));
                    ctx.insert("pager", &pager("", page, pages));
                    let html = self.render_page(
                        "library.html",
                        path,
                        &self.lib.plan.site.title,
                        "library",
                        ctx,
                    )?;
                    self.splice_rows(html, range.clone(), &root_of(path))
                };
                self.emit_with(sink, path, fp, make, Some((VERSION_MARK, version)))
            }
            PageKind::Term {
                kind,
                term,
                page,
                pages,
            } => {
                let tax = &self.lists.taxonomies[kind];
                let t = &tax.terms[term];
                let chunk = page_of(&t.assets, page, TERM_PAGE_SIZE);
                let fp = fp(&|h| {
                    (&t.name, &t.description, t.assets.len(), pages).hash(h);
                    self.view_hashes(chunk.iter().copied(), h);
                });
                self.emit(sink, path, fp, || {
                    let term = serde_json::json!({ "kind": tax.kind, "kind_title": tax.title, "id": t.id, "name": t.name, "description": t.description, "count": t.assets.len() });
                    let base = term_path(tax.kind, &t.id);
                    let at = (path, page, pages);
                    self.term_page(at, &term, &base, chunk, &t.name, tax.kind)
                })
            }
            PageKind::Terms { kind } => {
                let tax = &self.lists.taxonomies[kind];
                let fp = fp(&|h| {
                    for t in &tax.terms {
                        (&t.id, &t.name, t.assets.len()).hash(h);
                    }
                });
                self.emit(sink, path, fp, || {
                    let index: Vec<serde_json::Value> = tax
                        .terms
                        .iter()
                        .map(|t| serde_json::json!({ "id": t.id, "name": t.name, "path": term_path(tax.kind, &t.id), "count": t.assets.len() }))
                        .collect();
                    let mut ctx = Context::new();
                    ctx.insert("terms", &index);
                    ctx.insert("kind", tax.kind);
                    self.render_page("terms.html", path, tax.title, tax.kind, ctx)
                })
            }
            PageKind::Coverage => self.emit(sink, path, fp(&|h| model.hash(h)), || {
                let mut ctx = Context::new();
                ctx.insert("summary", &self.views.summary());
                ctx.insert("segments", &self.views.segment_views());
                let top: Vec<_> = self
                    .cov
                    .gaps
                    .iter()
                    .take(5)
                    .map(|&i| self.views.cell_view(&self.cov.cells[i]))
                    .collect();
                ctx.insert("top_gaps", &top);
                self.render_page("coverage.html", path, "Coverage", "coverage", ctx)
            }),
            PageKind::Gaps => self.emit(sink, path, fp(&|h| model.hash(h)), || {
                let v = &self.views;
                let mut ctx = Context::new();
                let gaps: Vec<_> = self
                    .cov
                    .gaps
                    .iter()
                    .map(|&i| v.cell_view(&self.cov.cells[i]))
                    .collect();
                ctx.insert("gaps", &gaps);
                let waived: Vec<_> = self
                    .cov
                    .cells
                    .iter()
                    .filter(|c| c.status == crate::coverage::Status::Waived)
                    .map(|c| v.cell_view(c))
                    .collect();
                ctx.insert("waived", &waived);
                let decisions: Vec<_> = (0..self.lib.plan.decisions.len())
                    .map(|i| v.decision_view(i))
                    .collect();
                ctx.insert("decisions", &decisions);
                ctx.insert("summary", &v.summary());
                self.render_page("gaps.html", path, "Gaps", "gaps", ctx)
            }),
            PageKind::Objections => {
                fn preview(
                    o: &crate::coverage::ObjectionCoverage,
                ) -> impl Iterator<Item = usize> + Clone + '_ {
                    o.assets[..o.assets.len().min(OBJECTION_PREVIEW)]
                        .iter()
                        .copied()
                }
                let fp = fp(&|h| {
                    model.hash(h);
                    for o in &self.cov.objections {
                        o.assets.len().hash(h);
                        self.view_hashes(preview(o), h);
                    }
                });
                self.emit(sink, path, fp, || {
                    let root = root_of(path);
                    let mut list = Vec::with_capacity(self.cov.objections.len());
                    for o in &self.cov.objections {
                        let obj = &self.lib.plan.objections[o.objection];
                        let mut map = tera::Map::new();
                        map.insert("id".into(), obj.id.as_str().into());
                        map.insert("text".into(), obj.text.as_str().into());
                        map.insert("heard".into(), Value::from_serializable(&obj.heard));
                        map.insert("answered".into(), (!o.assets.is_empty()).into());
                        map.insert("count".into(), o.assets.len().into());
                        map.insert("path".into(), term_path("objections", &obj.id).into());
                        map.insert("assets".into(), self.views_of(preview(o)));
                        map.insert(
                            "rows".into(),
                            Value::safe_string(&self.rows(preview(o), &root)?),
                        );
                        list.push(Value::from(map));
                    }
                    let mut ctx = Context::new();
                    ctx.insert_value("objections", Value::from(list));
                    self.render_page("objections.html", path, "Objections", "objections", ctx)
                })
            }
            PageKind::Objection { at, page, pages } => {
                let o = &self.cov.objections[at];
                let obj = &self.lib.plan.objections[o.objection];
                let chunk = page_of(&o.assets, page, TERM_PAGE_SIZE);
                let description = obj.heard.map(|n| format!("Heard {n} times on calls."));
                let fp = fp(&|h| {
                    (&obj.text, &description, o.assets.len(), pages).hash(h);
                    self.view_hashes(chunk.iter().copied(), h);
                });
                self.emit(sink, path, fp, || {
                    let term = serde_json::json!({ "kind": "objections", "kind_title": "Objections", "id": obj.id, "name": format!("“{}”", obj.text), "description": description, "count": o.assets.len() });
                    let base = term_path("objections", &obj.id);
                    let at = (path, page, pages);
                    self.term_page(at, &term, &base, chunk, &obj.text, "objections")
                })
            }
            PageKind::NotFound => self.emit(sink, path, fp(&|_| {}), || {
                self.render_page("404.html", path, "Not found", "", Context::new())
            }),
        }
    }

    /// Each cell's name and target, so a link from the heatmap can say which cell it
    /// shows (kept for themes; the default one reads them from `search/meta.js`).
    fn cells_json(&self) -> String {
        let cells: BTreeMap<String, serde_json::Value> = self
            .cov
            .cells
            .iter()
            .map(|c| {
                let (seg, per, stg) = (
                    &self.lib.plan.segments[c.segment],
                    &self.lib.plan.personas[c.persona],
                    &self.lib.plan.stages[c.stage],
                );
                (
                    format!("{}|{}|{}", seg.id, per.id, stg.id),
                    serde_json::json!({ "label": format!("{} · {} · {}", seg.name, per.name, stg.name), "count": c.count(), "target": c.target, "status": c.status.as_str() }),
                )
            })
            .collect();
        json_for_script(&cells)
    }
}

/// What every library page shows besides its assets, made once per render.
struct LibraryShared {
    facets: Value,
    summary: Value,
    cells_json: String,
}

/// Hashes everything of the coverage model into `h`.
fn coverage_fingerprint(cov: &Coverage, h: &mut FxHasher) {
    let f = |v: f64| v.to_bits();
    for c in &cov.cells {
        (c.segment, c.persona, c.stage, &c.assets, &c.stale_assets).hash(h);
        (c.target, c.decision, c.fill.map(f), c.status, f(c.weight)).hash(h);
        f(c.pipeline_at_stake).hash(h);
    }
    for s in &cov.segments {
        (s.segment, s.coverage.map(f), s.buying_group_coverage.map(f)).hash(h);
        (f(s.pipeline_at_stake), &s.cells).hash(h);
        for p in &s.personas {
            (p.persona, p.coverage.map(f)).hash(h);
        }
    }
    cov.gaps.hash(h);
    for o in &cov.objections {
        (o.objection, &o.assets).hash(h);
    }
    let s = &cov.summary;
    (
        s.assets, s.counted, s.stale, s.cells, s.covered, s.thin, s.gap, s.waived,
    )
        .hash(h);
    (
        s.coverage.map(f),
        s.pipeline_weighted_coverage.map(f),
        f(s.pipeline_at_stake),
    )
        .hash(h);
}

/// `bytes` with every `mark` replaced by `value`.
fn replace_bytes(bytes: &[u8], mark: &[u8], value: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes.len() + value.len());
    let Some(&first) = mark.first() else {
        return bytes.to_vec();
    };
    let mut rest = bytes;
    while let Some(i) = rest.iter().position(|&b| b == first) {
        if rest[i..].starts_with(mark) {
            out.extend_from_slice(&rest[..i]);
            out.extend_from_slice(value);
            rest = &rest[i + mark.len()..];
        } else {
            out.extend_from_slice(&rest[..=i]);
            rest = &rest[i + 1..];
        }
    }
    out.extend_from_slice(rest);
    out
}

/// What an asset's search terms are made of besides the body.
fn doc_key(a: &Asset) -> u64 {
    fingerprint(|h| (a.body_hash, &a.title, &a.summary, &a.tags).hash(h))
}

/// The taxonomies: segments, personas and stages (plan order), types, and the free-word
/// facets tags, audiences and owners, each value with its assets.
fn taxonomies(lib: &Library, facets: &[Facet]) -> Vec<Taxonomy> {
    let p = &lib.plan;
    let assets = &lib.assets;
    let members = |get: fn(&Asset) -> Option<&Vec<usize>>, n: usize| {
        let mut lists = vec![Vec::new(); n];
        for (j, a) in assets.iter().enumerate() {
            for &i in get(a).into_iter().flatten() {
                lists[i].push(j);
            }
        }
        lists
    };
    let planned = |items: Vec<(&str, &str, Option<&str>)>, lists: Vec<Vec<usize>>| {
        items
            .into_iter()
            .zip(lists)
            .map(|((id, name, description), assets)| Term {
                id: id.to_string(),
                name: name.to_string(),
                description: description.map(str::to_string),
                assets,
            })
            .collect::<Vec<_>>()
    };
    let mut out = vec![
        Taxonomy {
            kind: "segments",
            title: "Segments",
            terms: planned(
                p.segments
                    .iter()
                    .map(|s| (s.id.as_str(), s.name.as_str(), s.description.as_deref()))
                    .collect(),
                members(|a| a.segments.as_ref(), p.segments.len()),
            ),
        },
        Taxonomy {
            kind: "personas",
            title: "Personas",
            terms: planned(
                p.personas
                    .iter()
                    .map(|s| (s.id.as_str(), s.name.as_str(), s.description.as_deref()))
                    .collect(),
                members(|a| a.personas.as_ref(), p.personas.len()),
            ),
        },
        Taxonomy {
            kind: "stages",
            title: "Stages",
            terms: planned(
                p.stages
                    .iter()
                    .map(|s| (s.id.as_str(), s.name.as_str(), s.description.as_deref()))
                    .collect(),
                members(|a| a.stages.as_ref(), p.stages.len()),
            ),
        },
    ];
    let mut types: BTreeMap<String, (String, Vec<usize>)> = BTreeMap::new();
    for (i, a) in assets.iter().enumerate() {
        if let Some(k) = &a.kind {
            types
                .entry(slugify(k))
                .or_insert_with(|| (k.clone(), Vec::new()))
                .1
                .push(i);
        }
    }
    out.push(Taxonomy {
        kind: "types",
        title: "Types",
        terms: types
            .into_iter()
            .map(|(id, (name, assets))| Term {
                id,
                name,
                description: None,
                assets,
            })
            .collect(),
    });
    // Tags, audiences and owners: the library's free-word facets, so every facet value
    // on the library page links to a page that works without JavaScript.
    for f in facets {
        let title = match f.kind {
            "tags" => "Tags",
            "audiences" => "Audiences",
            "owners" => "Owners",
            _ => continue,
        };
        // Values whose slugs collide share a page.
        let mut terms: BTreeMap<String, (String, Vec<usize>)> = BTreeMap::new();
        for (v, ids) in f.values.iter().zip(f.assets_by_value()) {
            let t = terms
                .entry(v.slug.clone())
                .or_insert_with(|| (v.name.clone(), Vec::new()));
            t.1.extend(ids);
        }
        out.push(Taxonomy {
            kind: f.kind,
            title,
            terms: terms
                .into_iter()
                .map(|(id, (name, mut assets))| {
                    assets.sort_unstable();
                    assets.dedup();
                    Term {
                        id,
                        name,
                        description: None,
                        assets,
                    }
                })
                .collect(),
        });
    }
    out
}

/// For every asset, up to five related ones: those sharing the most stage, persona,
/// segment and tag values. Candidates come from the asset's (persona, stage) buckets,
/// the nearest in slug order, so the cost stays linear in the number of assets instead
/// of comparing every pair.
fn related_all(assets: &[Arc<Asset>]) -> Vec<Vec<u32>> {
    const NEIGHBOURS: usize = 24;
    let mut buckets: FxHashMap<(usize, usize), Vec<usize>> = FxHashMap::default();
    for (i, a) in assets.iter().enumerate() {
        for &p in a.personas.iter().flatten() {
            for &t in a.stages.iter().flatten() {
                buckets.entry((p, t)).or_default().push(i);
            }
        }
    }
    // Each asset's stages, personas and segments as bit sets, and its tags as sorted
    // numbers, so scoring a pair is a few popcounts and one merge.
    let width = |get: fn(&Asset) -> &Option<Vec<usize>>| {
        assets
            .iter()
            .filter_map(|a| get(a).as_ref())
            .flatten()
            .max()
            .map_or(1, |&m| m / 64 + 1)
    };
    let sets = |get: fn(&Asset) -> &Option<Vec<usize>>, words: usize| {
        let mut bits = vec![0u64; assets.len() * words];
        for (i, a) in assets.iter().enumerate() {
            for &v in get(a).iter().flatten() {
                bits[i * words + v / 64] |= 1 << (v % 64);
            }
        }
        bits
    };
    let (ws, wp, wg) = (
        width(|a| &a.stages),
        width(|a| &a.personas),
        width(|a| &a.segments),
    );
    let (stages, personas, segments) = (
        sets(|a| &a.stages, ws),
        sets(|a| &a.personas, wp),
        sets(|a| &a.segments, wg),
    );
    let overlap = |bits: &[u64], words: usize, i: usize, j: usize| -> usize {
        (0..words)
            .map(|w| (bits[i * words + w] & bits[j * words + w]).count_ones() as usize)
            .sum()
    };
    let mut tag_ids: FxHashMap<&str, u32> = FxHashMap::default();
    let tags: Vec<Vec<u32>> = assets
        .iter()
        .map(|a| {
            let mut ids: Vec<u32> = a
                .tags
                .iter()
                .map(|t| {
                    let next = tag_ids.len() as u32;
                    *tag_ids.entry(t.as_str()).or_insert(next)
                })
                .collect();
            ids.sort_unstable();
            ids.dedup();
            ids
        })
        .collect();
    let common = |x: &[u32], y: &[u32]| {
        let (mut i, mut j, mut n) = (0, 0, 0);
        while i < x.len() && j < y.len() {
            match x[i].cmp(&y[j]) {
                std::cmp::Ordering::Less => i += 1,
                std::cmp::Ordering::Greater => j += 1,
                std::cmp::Ordering::Equal => {
                    n += 1;
                    i += 1;
                    j += 1;
                }
            }
        }
        n
    };
    (0..assets.len())
        .into_par_iter()
        .map(|i| {
            let a = &assets[i];
            let mut candidates = Vec::new();
            for &p in a.personas.iter().flatten() {
                for &t in a.stages.iter().flatten() {
                    let Some(bucket) = buckets.get(&(p, t)) else {
                        continue;
                    };
                    // Buckets are in slug order because assets are.
                    let pos = bucket.binary_search(&i).unwrap_or_else(|x| x);
                    let lo = pos.saturating_sub(NEIGHBOURS / 2);
                    let hi = (pos + NEIGHBOURS / 2 + 1).min(bucket.len());
                    candidates.extend_from_slice(&bucket[lo..hi]);
                }
            }
            candidates.sort_unstable();
            candidates.dedup();
            let mut scored: Vec<(usize, usize)> = candidates
                .into_iter()
                .filter(|&j| j != i)
                .map(|j| {
                    let score = 3 * overlap(&stages, ws, i, j).min(1)
                        + 2 * overlap(&personas, wp, i, j)
                        + overlap(&segments, wg, i, j)
                        + common(&tags[i], &tags[j]);
                    (j, score)
                })
                .filter(|(_, s)| *s > 2)
                .collect();
            scored.sort_by(|x, y| y.1.cmp(&x.1).then(x.0.cmp(&y.0)));
            scored.into_iter().take(5).map(|(j, _)| j as u32).collect()
        })
        .collect()
}

/// The body of an asset rendered as its page shows it, and its text as search reads it:
/// for tests and tools that need what used to be kept with the asset.
pub fn asset_body(
    library: &Library,
    asset: &Asset,
) -> Result<crate::markdown::Rendered, Diagnostic> {
    let text = crate::asset::read_body(&library.root, &asset.source)?;
    Ok(crate::markdown::render(&text, library.plan.site.raw_html))
}
