//! The rebuild driver of `serve` and `watch`: the caches one library keeps across
//! rebuilds, and each rebuild run through the whole pipeline ([`crate::build_into`]),
//! so it produces exactly the bytes a clean [`crate::build`] would.
//!
//! Two caches, each keyed by everything its result depends on, so neither needs to be
//! told what changed:
//! - [`crate::library::AssetCache`]: each Markdown file's parsed asset and diagnostics,
//!   by the file's stamp and content, for one plan.
//! - [`crate::render::RenderCache`]: each unchanged asset's view, row and search terms,
//!   and each page's bytes under a fingerprint of everything the page shows (its assets'
//!   views, the coverage model, the plan, the templates). A page whose fingerprint did
//!   not change is not rendered again, so an edit re-renders the asset's page and the
//!   lists and aggregates that show it.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::Caches;
use crate::diagnostics::Diagnostics;
use crate::library::{AssetCache, LoadOptions};
use crate::output::{MemorySink, Sink, Site};
use crate::render::RenderCache;

/// The caches of one library across rebuilds. Build with [`Cache::build`] (into
/// memory) or [`Cache::build_into`].
pub struct Cache {
    caches: Caches,
}

impl Default for Cache {
    fn default() -> Self {
        Self::new()
    }
}

/// The result of [`Cache::build`].
pub struct Rebuilt {
    /// Every diagnostic of the run, errors and warnings.
    pub diagnostics: Diagnostics,
    /// The site, when the library has no error.
    pub site: Option<Arc<Site>>,
    /// Assets in the site.
    pub assets: usize,
    /// Drafts left out of the site.
    pub drafts_left_out: usize,
    /// Markdown files parsed (not taken from the cache) in this build.
    pub parsed: usize,
    /// Pages rendered (not taken from the cache) in this build.
    pub rendered: usize,
    /// Files in the site.
    pub files: usize,
}

impl Rebuilt {
    /// A build that failed before it could start, with why.
    pub fn failed(diagnostics: Diagnostics) -> Rebuilt {
        Rebuilt {
            diagnostics,
            site: None,
            assets: 0,
            drafts_left_out: 0,
            parsed: 0,
            rendered: 0,
            files: 0,
        }
    }
}

impl Cache {
    /// Caches for rebuilds into memory (`serve`): every page's bytes are kept.
    pub fn new() -> Self {
        Cache {
            caches: Caches {
                assets: Some(AssetCache::default()),
                render: Some(RenderCache::keeping_pages()),
                trend: Some(crate::history::Memo::default()),
            },
        }
    }

    /// Caches for rebuilds into a sink that keeps its own files (`watch`): only each
    /// page's fingerprint is kept.
    pub fn for_disk() -> Self {
        Cache {
            caches: Caches {
                assets: Some(AssetCache::default()),
                render: Some(RenderCache::fingerprints_only()),
                trend: Some(crate::history::Memo::default()),
            },
        }
    }

    /// Builds the library at `root` into memory as [`crate::build`] does, reusing what
    /// earlier builds through this cache read and rendered.
    pub fn build(&mut self, root: &Path, options: &LoadOptions) -> Rebuilt {
        let sink = MemorySink::default();
        let mut rebuilt = self.build_into(root, options, &sink);
        if rebuilt.diagnostics.has_errors() {
            return rebuilt;
        }
        rebuilt.site = Some(Arc::new(sink.into_site()));
        rebuilt
    }

    /// Builds the library at `root` into `sink`; `site` is left `None`.
    pub fn build_into(&mut self, root: &Path, options: &LoadOptions, sink: &dyn Sink) -> Rebuilt {
        let parsed_before = self.parsed();
        let (done, diagnostics) = crate::build_into(root, options, &mut self.caches, sink, None);
        Rebuilt {
            diagnostics,
            site: None,
            assets: done.as_ref().map_or(0, |(l, _, _)| l.assets.len()),
            drafts_left_out: done.as_ref().map_or(0, |(l, _, _)| l.drafts_left_out),
            parsed: self.parsed() - parsed_before,
            rendered: done.as_ref().map_or(0, |(_, _, r)| r.rendered),
            files: done.as_ref().map_or(0, |(_, _, r)| r.files),
        }
    }

    fn parsed(&self) -> usize {
        self.caches.assets.as_ref().map_or(0, AssetCache::parsed)
    }
}

/// An output folder kept up to date (`watch`): each rebuild updates it in place (only
/// what changed, each file replaced whole), or writes it anew and swaps it in when
/// there is no earlier build of it or the change is too big to update in place.
pub struct OutputFolder {
    out: PathBuf,
    root: PathBuf,
    load: LoadOptions,
    cache: Cache,
    updater: Option<crate::output::Updater>,
}

impl OutputFolder {
    /// Keeps `out` up to date with the library at `root`; nothing is written before the
    /// first [`Self::rebuild`].
    pub fn new(root: &Path, out: &Path, load: &LoadOptions) -> Self {
        OutputFolder {
            out: out.to_path_buf(),
            root: root.to_path_buf(),
            load: load.clone(),
            cache: Cache::for_disk(),
            updater: None,
        }
    }

    /// Rebuilds the library into the folder; a library with errors leaves it untouched
    /// (the errors are in the result), an output error is returned.
    pub fn rebuild(&mut self) -> Result<Rebuilt, crate::output::OutputError> {
        if self.updater.is_none() {
            self.updater = crate::output::Updater::open(&self.out, &self.root)?;
        }
        if let Some(updater) = &mut self.updater {
            let round = updater.round();
            let rebuilt = self.cache.build_into(&self.root, &self.load, &round);
            if rebuilt.diagnostics.has_errors() {
                return Ok(rebuilt);
            }
            if !round.too_big() {
                match updater.commit(round.into_changes()) {
                    Ok(_) => return Ok(rebuilt),
                    Err(e) => {
                        // What is on disk is no longer what the cache says: start over.
                        self.cache = Cache::for_disk();
                        self.updater = None;
                        return Err(e);
                    }
                }
            }
        }
        self.updater = None;
        let writer = crate::output::DiskWriter::begin(&self.out, &self.root)?;
        let rebuilt = self.cache.build_into(&self.root, &self.load, &writer);
        if rebuilt.diagnostics.has_errors() {
            return Ok(rebuilt);
        }
        if let Err(e) = writer.finish() {
            self.cache = Cache::for_disk();
            return Err(e);
        }
        self.updater = crate::output::Updater::open(&self.out, &self.root)?;
        Ok(rebuilt)
    }
}
