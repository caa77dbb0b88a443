//! Incremental rebuilds for `serve` and `watch`: what one build read and rendered, kept
//! so the next build of the same library redoes only what a change touches, and still
//! produces exactly the bytes a clean [`crate::build`] would.
//!
//! Two caches, each keyed by everything its result depends on, so neither needs to be
//! told what changed (a missed or misread file-system event can make a rebuild late,
//! never wrong):
//! - [`AssetCache`]: each Markdown file's parsed asset and diagnostics, keyed by the
//!   file's stamp (size, times, inode) and content hash, for one plan. An unchanged
//!   file is neither re-read nor re-parsed; a changed plan re-parses everything.
//! - [`crate::render::RenderCache`]: each unchanged asset's view, row and search terms,
//!   and each page's bytes under a fingerprint of everything the page shows (its assets'
//!   views, the coverage model, the plan, the templates). A page whose fingerprint did
//!   not change is not rendered again, so an edit re-renders the asset's page and the
//!   lists and aggregates that show it.

use std::ffi::OsString;
use std::hash::{DefaultHasher, Hasher};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, PoisonError, RwLock};

use rustc_hash::FxHashMap;
use std::time::{Duration, SystemTime};

use crate::asset::{Asset, ReadOptions};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::library::LoadOptions;
use crate::output::{MemorySink, Sink, Site};
use crate::plan::Plan;
use crate::render::RenderCache;

/// The caches of one library across rebuilds. Build with [`Cache::build`] (into
/// memory) or [`Cache::build_into`].
pub struct Cache {
    caches: crate::Caches,
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
            caches: crate::Caches {
                assets: Some(AssetCache::default()),
                render: Some(RenderCache::keeping_pages()),
            },
        }
    }

    /// Caches for rebuilds into a sink that keeps its own files (`watch`): only each
    /// page's fingerprint is kept.
    pub fn for_disk() -> Self {
        Cache {
            caches: crate::Caches {
                assets: Some(AssetCache::default()),
                render: Some(RenderCache::fingerprints_only()),
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
        self.caches
            .assets
            .as_ref()
            .map_or(0, |a| a.parsed.load(Ordering::Relaxed))
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

// A panic while holding a cache lock leaves at worst a missing entry: keep going.
fn read<T>(m: &RwLock<T>) -> std::sync::RwLockReadGuard<'_, T> {
    m.read().unwrap_or_else(PoisonError::into_inner)
}

fn write<T>(m: &RwLock<T>) -> std::sync::RwLockWriteGuard<'_, T> {
    m.write().unwrap_or_else(PoisonError::into_inner)
}

// ------------------------------------------------------------------ assets

/// How long after a file's last change its stamp alone is trusted. A write within the
/// file system's timestamp granularity of the previous one can leave size and times as
/// they were (git's "racy clean" problem), so a file changed this recently is re-read
/// and compared by content. Two seconds covers the coarsest common file systems (FAT).
const RACY: Duration = Duration::from_secs(2);

/// What identifies a file's version without reading it.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Stamp {
    len: u64,
    modified: Option<SystemTime>,
    /// Unix: inode and status-change time, which a rename-save or `touch -d` changes
    /// even where the modification time is kept or set back.
    #[cfg(unix)]
    inode: (u64, u64),
    #[cfg(unix)]
    changed: (i64, i64),
}

impl Stamp {
    fn of(meta: &std::fs::Metadata) -> Self {
        #[cfg(unix)]
        use std::os::unix::fs::MetadataExt;
        Stamp {
            len: meta.len(),
            modified: meta.modified().ok(),
            #[cfg(unix)]
            inode: (meta.dev(), meta.ino()),
            #[cfg(unix)]
            changed: (meta.ctime(), meta.ctime_nsec()),
        }
    }

    /// The latest of the file's times.
    fn last_change(&self) -> Option<SystemTime> {
        #[cfg(unix)]
        {
            let changed = u64::try_from(self.changed.0).ok().map(|s| {
                SystemTime::UNIX_EPOCH
                    + Duration::new(s, u32::try_from(self.changed.1).unwrap_or(0))
            });
            match (self.modified, changed) {
                (Some(m), Some(c)) => Some(m.max(c)),
                _ => None,
            }
        }
        #[cfg(not(unix))]
        self.modified
    }
}

type AssetRead = (Option<Arc<Asset>>, Vec<Diagnostic>);

struct AssetEntry {
    stamp: Stamp,
    hash: u64,
    /// When the content behind `stamp` and `hash` was last read.
    verified: SystemTime,
    read: AssetRead,
    /// The load that last saw the file; entries of deleted files are dropped. Atomic, so
    /// the common case — an unchanged file — needs only a shared lock.
    seen: AtomicU64,
}

/// Parsed assets by file, valid for one plan (ids, names, `as_of`, `raw_html`).
#[derive(Default)]
pub struct AssetCache {
    state: RwLock<AssetState>,
    /// Files parsed since the cache was made, for reporting and tests.
    parsed: AtomicUsize,
}

#[derive(Default)]
struct AssetState {
    /// The plan and read options the entries were parsed against (`None` before the
    /// first load; `Some((None, _))` when the plan failed to load).
    plan: Option<(Option<Plan>, String)>,
    /// By the file's path as the loader gives it (hashed as bytes: hashing a `Path`
    /// walks its components).
    entries: FxHashMap<OsString, AssetEntry>,
    load: u64,
}

impl AssetCache {
    /// Starts a load against `plan`: every entry parsed against another plan is dropped,
    /// and so is every entry the previous load did not see (a deleted file).
    pub(crate) fn begin(&self, plan: Option<&Plan>, options: ReadOptions) {
        let mut state = write(&self.state);
        let key = (plan.cloned(), format!("{options:?}"));
        if state.plan.as_ref() != Some(&key) {
            state.entries.clear();
            state.plan = Some(key);
        }
        let previous = state.load;
        state
            .entries
            .retain(|_, e| e.seen.load(Ordering::Relaxed) == previous);
        state.load += 1;
    }

    /// The asset in the file `path` (the key is the file's path, as the loader gives
    /// it), from the cache when the file is unchanged, else from `parse`, which reads
    /// and parses the file itself.
    pub(crate) fn read(&self, path: &Path, parse: impl FnOnce() -> AssetRead) -> AssetRead {
        let now = SystemTime::now();
        let Ok(meta) = std::fs::metadata(path) else {
            // Gone or unreadable: the loader's own read reports it.
            return self.parse_uncached(parse);
        };
        let stamp = Stamp::of(&meta);
        if stamp.len > crate::limits::MAX_ASSET_BYTES {
            // Refused by the loader without being read; nothing worth keeping.
            return self.parse_uncached(parse);
        }
        let load = {
            let state = read(&self.state);
            let load = state.load;
            if let Some(e) = state.entries.get(path.as_os_str())
                && e.stamp == stamp
                && stamp
                    .last_change()
                    .and_then(|t| e.verified.duration_since(t).ok())
                    .is_some_and(|age| age > RACY)
            {
                e.seen.store(load, Ordering::Relaxed);
                return e.read.clone();
            }
            load
        };
        // Changed, new, or changed too recently to trust its stamp: compare contents.
        let Some(hash) = hash_file(path) else {
            return self.parse_uncached(parse);
        };
        let mut state = write(&self.state);
        if let Some(e) = state.entries.get_mut(path.as_os_str())
            && e.hash == hash
        {
            e.stamp = stamp;
            e.verified = now;
            e.seen.store(load, Ordering::Relaxed);
            return e.read.clone();
        }
        drop(state);
        // The stamp and hash are taken before `parse` reads the file: if it changes in
        // between, the next build sees a newer stamp (or a racy one) and reads it again.
        let read = self.parse_uncached(parse);
        write(&self.state).entries.insert(
            path.as_os_str().to_owned(),
            AssetEntry {
                stamp,
                hash,
                verified: now,
                read: read.clone(),
                seen: AtomicU64::new(load),
            },
        );
        read
    }

    fn parse_uncached(&self, parse: impl FnOnce() -> AssetRead) -> AssetRead {
        self.parsed.fetch_add(1, Ordering::Relaxed);
        parse()
    }
}

fn hash_file(path: &Path) -> Option<u64> {
    let mut file = std::fs::File::open(path).ok()?;
    let mut h = DefaultHasher::new();
    let mut buf = [0u8; 64 * 1024];
    loop {
        match file.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => h.write(&buf[..n]),
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(_) => return None,
        }
    }
    Some(h.finish())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn racy_stamps_are_checked_by_content() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("a.md");
        std::fs::write(&path, "one").expect("write");
        let cache = AssetCache::default();
        let parse = |text: &str| {
            let text = text.to_string();
            move || (None, vec![Diagnostic::error("a.md", text)])
        };
        let message = |r: AssetRead| r.1[0].message.clone();
        cache.begin(None, ReadOptions::default());
        assert_eq!(message(cache.read(&path, parse("one"))), "one");
        // Same length, written at once: the stamp may not change, the content does.
        std::fs::write(&path, "two").expect("write");
        cache.begin(None, ReadOptions::default());
        assert_eq!(message(cache.read(&path, parse("two"))), "two");
        assert_eq!(cache.parsed.load(Ordering::Relaxed), 2);
        // Unchanged content is not parsed again.
        cache.begin(None, ReadOptions::default());
        assert_eq!(message(cache.read(&path, parse("never"))), "two");
        assert_eq!(cache.parsed.load(Ordering::Relaxed), 2);

        // An old file's stamp is trusted without reading it...
        let old = SystemTime::now() - Duration::from_secs(60);
        std::fs::File::options()
            .write(true)
            .open(&path)
            .and_then(|f| f.set_modified(old))
            .expect("set mtime");
        cache.begin(None, ReadOptions::default());
        assert_eq!(message(cache.read(&path, parse("never"))), "two");
        // ...until anything in it changes (here the status-change time, on Unix).
        std::fs::write(&path, "six").expect("write");
        cache.begin(None, ReadOptions::default());
        assert_eq!(message(cache.read(&path, parse("six"))), "six");

        // Another plan makes every entry stale.
        let before = cache.parsed.load(Ordering::Relaxed);
        cache.begin(None, ReadOptions { raw_html: true });
        cache.read(&path, parse("six"));
        assert_eq!(cache.parsed.load(Ordering::Relaxed), before + 1);
    }
}
