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
//! - [`PageCache`]: each page's bytes, keyed by a hash of its template context, for one
//!   set of templates. A page whose context did not change is not re-rendered, so an
//!   edit re-renders the asset's page and the lists and aggregates that show it.

use std::collections::HashMap;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, SystemTime};

use tera::{Context, Tera};

use crate::asset::{Asset, ReadOptions};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::library::{Library, LoadOptions};
use crate::output::{Content, Site};
use crate::plan::Plan;

/// The caches of one library across rebuilds. Build with [`Cache::build`].
#[derive(Default)]
pub struct Cache {
    pub(crate) assets: AssetCache,
    pub(crate) pages: PageCache,
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
}

impl Cache {
    pub fn new() -> Self {
        Self::default()
    }

    /// Builds the library at `root` as [`crate::build`] does, reusing what earlier
    /// builds through this cache read and rendered.
    pub fn build(&mut self, root: &Path, options: &LoadOptions) -> Rebuilt {
        let parsed_before = self.assets.parsed.load(Ordering::Relaxed);
        let rendered_before = self.pages.rendered.load(Ordering::Relaxed);
        let built = crate::build_cached(root, options, Some(self));
        let site = built.site.map(|(library, _, site)| {
            let site = Arc::new(site);
            self.pages.commit(&site);
            (library, site)
        });
        Rebuilt {
            diagnostics: built.diagnostics,
            assets: site.as_ref().map_or(0, |(l, _)| l.assets.len()),
            drafts_left_out: site.as_ref().map_or(0, |(l, _)| l.drafts_left_out),
            site: site.map(|(_, s)| s),
            parsed: self.assets.parsed.load(Ordering::Relaxed) - parsed_before,
            rendered: self.pages.rendered.load(Ordering::Relaxed) - rendered_before,
        }
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    // A panic while holding a cache lock leaves at worst a missing entry: keep going.
    m.lock().unwrap_or_else(PoisonError::into_inner)
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

type AssetRead = (Option<Asset>, Vec<Diagnostic>);

struct AssetEntry {
    stamp: Stamp,
    hash: u64,
    /// When the content behind `stamp` and `hash` was last read.
    verified: SystemTime,
    read: AssetRead,
    /// The load that last saw the file; entries of deleted files are dropped.
    seen: u64,
}

/// Parsed assets by file, valid for one plan (ids, names, `as_of`, `raw_html`).
#[derive(Default)]
pub struct AssetCache {
    state: Mutex<AssetState>,
    /// Files parsed since the cache was made, for reporting and tests.
    parsed: AtomicUsize,
}

#[derive(Default)]
struct AssetState {
    /// The plan and read options the entries were parsed against (`None` before the
    /// first load; `Some((None, _))` when the plan failed to load).
    plan: Option<(Option<Plan>, String)>,
    entries: HashMap<PathBuf, AssetEntry>,
    load: u64,
}

impl AssetCache {
    /// Starts a load against `plan`: every entry parsed against another plan is dropped,
    /// and so is every entry the previous load did not see (a deleted file).
    pub(crate) fn begin(&self, plan: Option<&Plan>, options: ReadOptions) {
        let mut state = lock(&self.state);
        let key = (plan.cloned(), format!("{options:?}"));
        if state.plan.as_ref() != Some(&key) {
            state.entries.clear();
            state.plan = Some(key);
        }
        let previous = state.load;
        state.entries.retain(|_, e| e.seen == previous);
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
            let mut state = lock(&self.state);
            let load = state.load;
            if let Some(e) = state.entries.get_mut(path)
                && e.stamp == stamp
                && stamp
                    .last_change()
                    .and_then(|t| e.verified.duration_since(t).ok())
                    .is_some_and(|age| age > RACY)
            {
                e.seen = load;
                return e.read.clone();
            }
            load
        };
        // Changed, new, or changed too recently to trust its stamp: compare contents.
        let Some(hash) = hash_file(path) else {
            return self.parse_uncached(parse);
        };
        let mut state = lock(&self.state);
        if let Some(e) = state.entries.get_mut(path)
            && e.hash == hash
        {
            e.stamp = stamp;
            e.verified = now;
            e.seen = load;
            return e.read.clone();
        }
        drop(state);
        // The stamp and hash are taken before `parse` reads the file: if it changes in
        // between, the next build sees a newer stamp (or a racy one) and reads it again.
        let read = self.parse_uncached(parse);
        lock(&self.state).entries.insert(
            path.to_path_buf(),
            AssetEntry {
                stamp,
                hash,
                verified: now,
                read: read.clone(),
                seen: load,
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

// ------------------------------------------------------------------ pages

/// Rendered pages by output path, valid for one set of templates.
pub struct PageCache {
    /// The templates the entries were rendered with.
    templates: Mutex<Option<u64>>,
    /// Context hash of each page of the last committed site.
    committed: Mutex<Arc<HashMap<String, u64>>>,
    /// The last committed site, where a page's unchanged bytes are taken from.
    site: Mutex<Option<Arc<Site>>>,
    /// Context hashes of the build under way, committed with its site.
    pending: Mutex<HashMap<String, u64>>,
    hasher: ContextHasher,
    /// Pages rendered since the cache was made, for reporting and tests.
    rendered: AtomicUsize,
}

impl Default for PageCache {
    fn default() -> Self {
        PageCache {
            templates: Mutex::new(None),
            committed: Mutex::new(Arc::new(HashMap::new())),
            site: Mutex::new(None),
            pending: Mutex::new(HashMap::new()),
            hasher: ContextHasher::new(),
            rendered: AtomicUsize::new(0),
        }
    }
}

/// A snapshot of the page cache for one render, shared by the rendering threads.
pub(crate) struct PagePass<'c> {
    cache: &'c PageCache,
    committed: Arc<HashMap<String, u64>>,
    site: Option<Arc<Site>>,
}

impl PageCache {
    /// Starts a render of `library`'s pages; entries of other templates are dropped.
    pub(crate) fn begin(&self, library: &Library) -> PagePass<'_> {
        let templates = templates_fingerprint(library);
        let mut current = lock(&self.templates);
        if *current != Some(templates) {
            *lock(&self.committed) = Arc::new(HashMap::new());
            *lock(&self.site) = None;
            *current = Some(templates);
        }
        lock(&self.pending).clear();
        self.hasher.reset();
        PagePass {
            cache: self,
            committed: lock(&self.committed).clone(),
            site: lock(&self.site).clone(),
        }
    }

    /// Keeps the pages of a build that succeeded, for the next one.
    fn commit(&self, site: &Arc<Site>) {
        let pending = std::mem::take(&mut *lock(&self.pending));
        *lock(&self.committed) = Arc::new(pending);
        *lock(&self.site) = Some(site.clone());
        self.hasher.reset();
    }
}

impl PagePass<'_> {
    /// The page at `path`: the last build's bytes when its template context is the
    /// same, else `template` rendered with `ctx`.
    pub(crate) fn render(
        &self,
        tera: &Tera,
        template: &str,
        path: &str,
        ctx: &Context,
    ) -> Result<Content, tera::Error> {
        let key = self.cache.hasher.hash(template, ctx);
        if let Some(key) = key {
            lock(&self.cache.pending).insert(path.to_string(), key);
            if self.committed.get(path) == Some(&key)
                && let Some(Content::Bytes(bytes)) =
                    self.site.as_ref().and_then(|s| s.files.get(path))
            {
                return Ok(Content::Bytes(bytes.clone()));
            }
        }
        self.cache.rendered.fetch_add(1, Ordering::Relaxed);
        tera.render(template, ctx)
            .map(|html| Content::Bytes(html.into_bytes()))
    }
}

/// A fingerprint of the templates a library's pages are rendered with: the built-in
/// theme (fixed in the binary) overlaid with the library's `themes/<name>/templates/`.
fn templates_fingerprint(library: &Library) -> u64 {
    let mut h = DefaultHasher::new();
    library.plan.site.theme.hash(&mut h);
    if let Some(dir) = library.theme_dir() {
        let templates = dir.join("templates");
        let mut ignored = Diagnostics::default();
        for rel in crate::library::list_files(&templates, &mut ignored) {
            rel.hash(&mut h);
            match std::fs::read(templates.join(&rel)) {
                Ok(bytes) => bytes.hash(&mut h),
                // An unreadable template fails the build; make sure nothing is reused.
                Err(_) => SystemTime::now().hash(&mut h),
            }
        }
    }
    h.finish()
}

/// Hashes template contexts. Tera gives no way to walk a [`Context`], but a template
/// can see all of it as `__tera_context`: a one-filter template hands it to
/// [`hash_value`]. Maps and lists are hashed once per build and remembered by address
/// (holding a reference, so no address is reused while remembered): the asset views the
/// renderer shares between pages cost one hash, not one per list that shows them.
struct ContextHasher {
    tera: Tera,
    memo: Arc<Mutex<HashMap<usize, (tera::Value, u64)>>>,
    /// The thread freeing the previous build's memo.
    dropper: Mutex<Option<std::thread::JoinHandle<()>>>,
}

impl Drop for ContextHasher {
    fn drop(&mut self) {
        if let Some(t) = lock(&self.dropper).take() {
            let _ = t.join();
        }
    }
}

const CONTEXT_TEMPLATE: &str = "context";

impl ContextHasher {
    fn new() -> Self {
        let memo: Arc<Mutex<HashMap<usize, (tera::Value, u64)>>> = Arc::default();
        let mut tera = Tera::new();
        let m = memo.clone();
        tera.register_filter(
            "covermap_hash",
            move |v: &tera::Value, _: tera::Kwargs, _: &tera::State| {
                format!("{:016x}", hash_value(v, &m))
            },
        );
        // A template that cannot be added means the cache is never used: no page is
        // wrong, only re-rendered.
        let _ = tera.add_raw_template(CONTEXT_TEMPLATE, "{{ __tera_context | covermap_hash }}");
        ContextHasher {
            tera,
            memo,
            dropper: Mutex::new(None),
        }
    }

    fn reset(&self) {
        let kept = std::mem::take(&mut *lock(&self.memo));
        if kept.is_empty() {
            return;
        }
        // Freeing what the memo kept alive (a build's page contexts) takes a while at
        // 10,000 assets: do it beside the reload, not before it.
        let previous = lock(&self.dropper).replace(std::thread::spawn(move || drop(kept)));
        if let Some(t) = previous {
            let _ = t.join();
        }
    }

    fn hash(&self, template: &str, ctx: &Context) -> Option<u64> {
        let hex = self.tera.render(CONTEXT_TEMPLATE, ctx).ok()?;
        let mut h = DefaultHasher::new();
        template.hash(&mut h);
        u64::from_str_radix(&hex, 16).ok()?.hash(&mut h);
        Some(h.finish())
    }
}

/// A hash of a template value that tells apart everything a template can: kinds,
/// number types, safe and escaped strings, and map entries whatever their order.
fn hash_value(v: &tera::Value, memo: &Mutex<HashMap<usize, (tera::Value, u64)>>) -> u64 {
    use tera::value::ValueKind as K;
    let container = match v.kind() {
        K::Map => v.as_map().map(|m| (m as *const _ as usize, m.len())),
        K::Array => v.as_array().map(|a| (a.as_ptr() as usize, a.len())),
        _ => None,
    };
    // Small containers cost less to hash than to look up (and to keep alive).
    let memo_key = container.filter(|(_, len)| *len >= 8).map(|(addr, _)| addr);
    if let Some(addr) = memo_key
        && let Some((_, h)) = lock(memo).get(&addr)
    {
        return *h;
    }
    let mut h = DefaultHasher::new();
    std::mem::discriminant(&v.kind()).hash(&mut h);
    match v.kind() {
        K::Undefined | K::None => {}
        K::Bool => v.as_bool().hash(&mut h),
        K::U64 | K::I64 | K::U128 | K::I128 => {
            (v.as_i128(), v.as_u128()).hash(&mut h);
        }
        K::F64 => v.as_f64().map(f64::to_bits).hash(&mut h),
        K::String => {
            v.is_safe().hash(&mut h);
            v.as_str().hash(&mut h);
        }
        K::Bytes => v.as_bytes().hash(&mut h),
        K::Array => {
            let items = v.as_array().unwrap_or_default();
            items.len().hash(&mut h);
            for item in items {
                hash_value(item, memo).hash(&mut h);
            }
        }
        K::Map => {
            if let Some(map) = v.as_map() {
                let mut entries: Vec<_> = map.iter().collect();
                entries.sort_by(|a, b| a.0.cmp(b.0));
                entries.len().hash(&mut h);
                for (k, item) in entries {
                    hash_key(k, &mut h);
                    hash_value(item, memo).hash(&mut h);
                }
            }
        }
        // A kind added in a later tera: its text is the next best thing.
        _ => v.to_string().hash(&mut h),
    }
    let hash = h.finish();
    if let Some(addr) = memo_key {
        lock(memo).insert(addr, (v.clone(), hash));
    }
    hash
}

fn hash_key(k: &tera::value::Key, h: &mut DefaultHasher) {
    use tera::value::Key;
    match k {
        Key::Bool(b) => (0u8, b).hash(h),
        Key::U64(n) => (1u8, n).hash(h),
        Key::I64(n) => (2u8, n).hash(h),
        Key::U128(n) => (3u8, n).hash(h),
        Key::I128(n) => (4u8, n).hash(h),
        Key::String(s) => (5u8, &**s).hash(h),
        Key::Str(s) => (5u8, *s).hash(h),
        // A key kind added in a later tera.
        other => (6u8, other.as_value().to_string()).hash(h),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(ctx: &Context) -> u64 {
        ContextHasher::new().hash("page.html", ctx).expect("hash")
    }

    #[test]
    fn context_hash_sees_every_difference_a_template_can() {
        let mut a = Context::new();
        a.insert("n", &1);
        let mut b = Context::new();
        b.insert("n", &1.0);
        assert_ne!(key(&a), key(&b), "integer and float print differently");

        let mut a = Context::new();
        a.insert("s", "<b>");
        let mut b = Context::new();
        b.insert_value("s", tera::Value::from("<b>").mark_safe());
        assert_ne!(key(&a), key(&b), "a safe string is not escaped");

        let mut a = Context::new();
        a.insert("m", &serde_json::json!({ "x": [1, 2, 3, 4, 5], "y": "z" }));
        let mut b = Context::new();
        b.insert("m", &serde_json::json!({ "y": "z", "x": [1, 2, 3, 4, 5] }));
        assert_eq!(key(&a), key(&b), "map order does not matter");
        let mut c = Context::new();
        c.insert("m", &serde_json::json!({ "y": "z", "x": [1, 2, 3, 5, 4] }));
        assert_ne!(key(&a), key(&c), "list order does");

        let hasher = ContextHasher::new();
        assert_ne!(
            hasher.hash("a.html", &a),
            hasher.hash("b.html", &a),
            "the template is part of the key"
        );
    }

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
