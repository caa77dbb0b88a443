//! The per-file asset cache of `serve` and `watch`: each Markdown file's parsed asset
//! and diagnostics, keyed by the file's stamp (size, times, inode; a blob id in a git
//! tree) and content hash, for one plan. An unchanged file is neither re-read nor
//! re-parsed; a changed plan re-parses everything. Keyed by everything the result
//! depends on, it needs no telling what changed: a missed or misread file-system event
//! can make a rebuild late, never wrong.

use std::ffi::OsString;
use std::path::Path;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, PoisonError, RwLock};
use std::time::SystemTime;

use rustc_hash::FxHashMap;

use crate::asset::{Asset, ReadOptions};
use crate::diagnostics::Diagnostic;
use crate::plan::Plan;
use crate::source::{Source, Stamp};

// A panic while holding a cache lock leaves at worst a missing entry: keep going.
fn read<T>(m: &RwLock<T>) -> std::sync::RwLockReadGuard<'_, T> {
    m.read().unwrap_or_else(PoisonError::into_inner)
}

fn write<T>(m: &RwLock<T>) -> std::sync::RwLockWriteGuard<'_, T> {
    m.write().unwrap_or_else(PoisonError::into_inner)
}

pub(crate) type AssetRead = (Option<Arc<Asset>>, Vec<Diagnostic>);

struct AssetEntry {
    stamp: Option<Stamp>,
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
    /// By the file's path relative to the library root (hashed as bytes: hashing a `Path`
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

    /// The asset in the file `rel` of `files`, from the cache when the file is
    /// unchanged, else from `parse`, which reads and parses the file itself.
    pub(crate) fn read(
        &self,
        files: &dyn Source,
        rel: &Path,
        parse: impl FnOnce() -> AssetRead,
    ) -> AssetRead {
        let now = SystemTime::now();
        // A source without stamps (memory) is compared by content every time.
        let stamp = files.stamp(rel);
        if stamp
            .as_ref()
            .is_some_and(|s| s.len > crate::limits::MAX_ASSET_BYTES)
        {
            // Refused by the loader without being read; nothing worth keeping.
            return self.parse_uncached(parse);
        }
        let load = {
            let state = read(&self.state);
            let load = state.load;
            if let Some(e) = state.entries.get(rel.as_os_str())
                && let Some(stamp) = &stamp
                && e.stamp.as_ref() == Some(stamp)
                && stamp.settled(e.verified)
            {
                e.seen.store(load, Ordering::Relaxed);
                return e.read.clone();
            }
            load
        };
        // Changed, new, or changed too recently to trust its stamp: compare contents.
        let Some(hash) = files.content_hash(rel) else {
            // Gone or unreadable: the loader's own read reports it.
            return self.parse_uncached(parse);
        };
        let mut state = write(&self.state);
        if let Some(e) = state.entries.get_mut(rel.as_os_str())
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
            rel.as_os_str().to_owned(),
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

    /// Files parsed (not taken from the cache) since the cache was made.
    pub fn parsed(&self) -> usize {
        self.parsed.load(Ordering::Relaxed)
    }

    fn parse_uncached(&self, parse: impl FnOnce() -> AssetRead) -> AssetRead {
        self.parsed.fetch_add(1, Ordering::Relaxed);
        parse()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::Disk;
    use std::time::Duration;

    #[test]
    fn racy_stamps_are_checked_by_content() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("a.md");
        let (disk, rel) = (Disk::new(dir.path()), Path::new("a.md"));
        std::fs::write(&path, "one").expect("write");
        let cache = AssetCache::default();
        let parse = |text: &str| {
            let text = text.to_string();
            move || (None, vec![Diagnostic::error("a.md", text)])
        };
        let message = |r: AssetRead| r.1[0].message.clone();
        cache.begin(None, ReadOptions::default());
        assert_eq!(message(cache.read(&disk, rel, parse("one"))), "one");
        // Same length, written at once: the stamp may not change, the content does.
        std::fs::write(&path, "two").expect("write");
        cache.begin(None, ReadOptions::default());
        assert_eq!(message(cache.read(&disk, rel, parse("two"))), "two");
        assert_eq!(cache.parsed(), 2);
        // Unchanged content is not parsed again.
        cache.begin(None, ReadOptions::default());
        assert_eq!(message(cache.read(&disk, rel, parse("never"))), "two");
        assert_eq!(cache.parsed(), 2);

        // An old file's stamp is trusted without reading it...
        let old = SystemTime::now() - Duration::from_secs(60);
        std::fs::File::options()
            .write(true)
            .open(&path)
            .and_then(|f| f.set_modified(old))
            .expect("set mtime");
        cache.begin(None, ReadOptions::default());
        assert_eq!(message(cache.read(&disk, rel, parse("never"))), "two");
        // ...until anything in it changes (here the status-change time, on Unix).
        std::fs::write(&path, "six").expect("write");
        cache.begin(None, ReadOptions::default());
        assert_eq!(message(cache.read(&disk, rel, parse("six"))), "six");

        // Another plan makes every entry stale.
        let before = cache.parsed();
        cache.begin(None, ReadOptions { raw_html: true });
        cache.read(&disk, rel, parse("six"));
        assert_eq!(cache.parsed(), before + 1);
    }

    #[test]
    fn a_changed_front_matter_mapping_reads_every_asset_again() {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::write(dir.path().join("a.md"), "one").expect("write");
        let (disk, rel) = (Disk::new(dir.path()), Path::new("a.md"));
        let src = "[site]\ntitle='T'\n[plan]\ntitle='P'\nas_of=2026-11-01\n[[stages]]\nid='s'\n[[personas]]\nid='p'\n[[segments]]\nid='g'\npipeline=1\n";
        let plan = |extra: &str| {
            crate::plan::parse(&format!("{src}{extra}"), None)
                .valid()
                .expect("plan")
        };
        let (a, b) = (
            plan(""),
            plan("[front_matter]\naliases = { summary = [\"excerpt\"] }\n"),
        );
        let cache = AssetCache::default();
        let parse = || (None, Vec::new());
        for (p, parsed) in [(&a, 1), (&a, 1), (&b, 2), (&b, 2), (&a, 3)] {
            cache.begin(Some(p), ReadOptions::default());
            cache.read(&disk, rel, parse);
            assert_eq!(cache.parsed(), parsed);
        }
    }
}
