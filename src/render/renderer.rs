//! The shared machinery of one render: what every page kind reads (the library, the
//! model, the lists, each asset's view and row, the templates, the last render's
//! cache), the [`Page`] every page kind is, and [`Renderer::emit`], which hands a page
//! to the sink, rendered anew or taken as it was when its fingerprint is unchanged.

use std::hash::Hash;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use super::cache::RenderCache;
use super::failures::Fail;
use super::fingerprint::fingerprint;
use super::lists::Lists;
use super::rows::{Prepared, replace_bytes};
use super::templates::Templates;
use super::views::Views;
use crate::coverage::Coverage;
use crate::diagnostics::Diagnostic;
use crate::library::Library;
use crate::output::{Bytes, Content, Sink};
use crate::theme::Theme;

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

/// One page kind: everything a page shows, as one value. The value's hash is the page's
/// fingerprint and [`Page::make`] builds the page from the value and the templates
/// alone, so nothing a page shows can be left out of its fingerprint: a field added to
/// the value is hashed by its `Hash` and must be used by `make`, which destructures it.
/// Only the render's globals (the plan, the templates) are read besides, and they are
/// in every fingerprint.
pub(super) trait Page: Hash {
    /// The page's bytes, for the page at `path`.
    fn make(self, t: &Templates, path: &str) -> Result<Vec<u8>, Diagnostic>;

    /// A placeholder in the page and what it stands for, put in as the page is handed
    /// over: not part of the fingerprint, so a change to it renders nothing again.
    fn fill(&self) -> Option<(&'static str, &str)> {
        None
    }
}

/// One render's shared state.
pub(super) struct Renderer<'a> {
    pub lib: &'a Library,
    pub cov: &'a Coverage,
    pub theme: &'a Theme,
    pub views: Views<'a>,
    pub templates: Templates<'a>,
    /// Keep fingerprints and look pages up in `old`.
    pub incremental: bool,
    pub old: &'a RenderCache,
    pub globals: u64,
    pub progress: Option<&'a Progress>,
    pub prepared: Vec<Arc<Prepared>>,
    pub lists: Arc<Lists>,
    /// `Lists::fingerprint`, when rebuilding.
    pub lists_fp: u64,
    /// Pages made in this render, with their fingerprints, for the next one.
    pub pages: Mutex<Vec<(String, u64, Option<Bytes>)>>,
    /// The trend from git history, when the plan asks for one and there is a history.
    pub trend: Option<&'a crate::history::Trend>,
    /// Where the bodies' local links lead, when any body has one.
    pub links: Option<crate::links::LinkMap>,
}

pub(super) fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

impl<'a> Renderer<'a> {
    pub fn new(
        lib: &'a Library,
        cov: &'a Coverage,
        theme: &'a Theme,
        old: &'a RenderCache,
        globals: u64,
        progress: Option<&'a Progress>,
    ) -> Self {
        let incremental = old.enabled;
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
            views: Views::new(lib, cov),
            templates: Templates::new(theme, &lib.plan),
            incremental,
            old,
            globals,
            progress,
            prepared: Vec::new(),
            lists,
            lists_fp,
            pages: Mutex::new(Vec::new()),
            trend: None,
            links: crate::links::LinkMap::of(lib),
        }
    }

    /// The trend to render (`trend/`, `trend.json`), and the navigation link to it.
    pub fn set_trend(&mut self, trend: Option<&'a crate::history::Trend>) {
        self.trend = trend;
        self.templates
            .set_global("has_trend", trend.is_some().into());
    }

    /// The fingerprint of the page `page` at `path`, when rebuilding.
    pub fn fingerprint(&self, path: &str, page: &impl Hash) -> Option<u64> {
        self.incremental
            .then(|| fingerprint(|h| (self.globals, path, page).hash(h)))
    }

    /// Whether the last render made the page at `path` with fingerprint `fp`.
    pub fn was_made(&self, path: &str, fp: Option<u64>) -> bool {
        fp.is_some_and(|fp| self.old.pages.get(path).is_some_and(|(old, _)| *old == fp))
    }

    /// Hands `page` at `path` to the sink: see [`Self::emit`].
    pub fn emit_page(&self, sink: &dyn Sink, path: &str, page: impl Page) -> Result<(), Fail> {
        let fp = self.fingerprint(path, &page);
        self.emit(sink, path, fp, page)
    }

    /// Hands a page to the sink: the last render's bytes when its fingerprint `fp` is
    /// the same (or the sink keeping the page it has), else the page made anew. A page
    /// with a placeholder ([`Page::fill`]) is kept with the placeholder and filled as it
    /// is handed over.
    pub fn emit(
        &self,
        sink: &dyn Sink,
        path: &str,
        fp: Option<u64>,
        page: impl Page,
    ) -> Result<(), Fail> {
        if let Some(p) = self.progress {
            p.done.fetch_add(1, Ordering::Relaxed);
        }
        let fill = page.fill();
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
        let fill = fill.map(|(mark, value)| (mark, value.to_string()));
        let bytes: Bytes = Arc::new(page.make(&self.templates, path)?);
        if let Some(fp) = fp {
            // A page with a placeholder is kept in memory whatever the sink: its bytes
            // change with every fill.
            let kept = (self.old.keep_bytes || fill.is_some()).then(|| bytes.clone());
            lock(&self.pages).push((path.to_string(), fp, kept));
        }
        let bytes = match &fill {
            Some((mark, value)) => {
                Arc::new(replace_bytes(&bytes, mark.as_bytes(), value.as_bytes()))
            }
            None => bytes,
        };
        sink.put(path, Content::Bytes(bytes))?;
        Ok(())
    }

    /// The error for a library file that would land on a generated path.
    pub fn clash(&self, source: &std::path::Path, what: &str, path: &str) -> Diagnostic {
        Diagnostic::error(
            crate::diagnostics::display_path(&self.lib.root, source),
            format!("this {what} would overwrite the generated `{path}`"),
        )
        .help("rename or move the file: covermap writes that path itself")
        .code(crate::diagnostics::Code::OverwritesPage)
    }
}

/// A page whose own context is one serializable value: the value is both the context
/// and, hashed as its JSON with the template and the title, the fingerprint. For pages
/// of few, small values (coverage, gaps, a taxonomy's index, 404); a page listing
/// assets hashes their views' hashes instead, through [`AssetList`](super::rows::AssetList).
pub(super) struct Plain<'a, C> {
    pub template: &'static str,
    pub title: &'a str,
    pub section: &'static str,
    pub context: C,
}

impl<C: serde::Serialize> Hash for Plain<'_, C> {
    fn hash<H: std::hash::Hasher>(&self, h: &mut H) {
        (self.template, self.title, self.section).hash(h);
        super::fingerprint::json(&self.context, h);
    }
}

impl<C: serde::Serialize> Page for Plain<'_, C> {
    fn make(self, t: &Templates, path: &str) -> Result<Vec<u8>, Diagnostic> {
        let ctx = t.context_of(&self.context)?;
        t.page(self.template, path, self.title, self.section, ctx)
    }
}
