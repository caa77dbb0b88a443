//! What every file source offers ([`Source`]), and the stamp ([`Stamp`]) by which a
//! cache tells a file's version without reading it.

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use crate::diagnostics::Diagnostics;

/// A library's files, by path relative to the library root (`plan.toml`,
/// `content/a.md`). Paths use the platform's separator, as [`Path::join`] makes them.
pub trait Source: Send + Sync + std::fmt::Debug {
    /// How messages name the library's root ("no plan.toml in …").
    fn describe(&self) -> String;

    /// Whether `rel` is a folder (`""` is the root).
    fn is_dir(&self, rel: &Path) -> bool;

    /// Every file below the folder `rel`, relative to it, sorted by path, by the
    /// listing rules of `super::listing`: editors' temporary files passed over; hidden
    /// files and folders too, with a warning in `diags` under `content/` and `static/`
    /// (where only `static/.well-known/` and `static/.nojekyll` are kept); a symbolic
    /// link followed only to a regular file inside `content/` or `static/` (elsewhere,
    /// inside the folder's parent) that is not hidden, or skipped with a warning. A
    /// missing folder is empty.
    fn list(&self, rel: &Path, diags: &mut Diagnostics) -> Vec<PathBuf>;

    /// [`Self::list`], without the folders below `rel` that `prune` (given a folder's
    /// path relative to `rel`) refuses: an adopted repo's `node_modules/` or output
    /// folder is never walked. A source that cannot skip a folder lists it and drops
    /// its files.
    fn list_pruned(
        &self,
        rel: &Path,
        prune: &dyn Fn(&Path) -> bool,
        diags: &mut Diagnostics,
    ) -> Vec<PathBuf> {
        let mut files = self.list(rel, diags);
        files.retain(|f| {
            !f.ancestors()
                .skip(1)
                .any(|d| !d.as_os_str().is_empty() && prune(d))
        });
        files
    }

    /// The bytes of the file `rel`, if it has at most `limit`: a bigger one is an error
    /// of kind `FileTooLarge` ([`super::read_limited`]'s), and is never read whole.
    fn read(&self, rel: &Path, limit: u64) -> std::io::Result<Vec<u8>>;

    /// What identifies the file's version without reading it, when the source can tell.
    fn stamp(&self, rel: &Path) -> Option<Stamp>;

    /// A hash of the file's content, to compare two versions by; `None` when it cannot
    /// be read.
    fn content_hash(&self, rel: &Path) -> Option<u64>;

    /// Where the file is on disk, for a source that is a folder on disk: the output can
    /// copy such a file instead of holding its bytes.
    fn disk_path(&self, rel: &Path) -> Option<PathBuf> {
        let _ = rel;
        None
    }
}

/// How long after a file's last change its stamp alone is trusted. A write within the
/// file system's timestamp granularity of the previous one can leave size and times as
/// they were (git's "racy clean" problem), so a file changed this recently is re-read
/// and compared by content. Two seconds covers the coarsest common file systems (FAT).
const RACY: Duration = Duration::from_secs(2);

/// What identifies a file's version without reading it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stamp {
    /// The file's size in bytes.
    pub len: u64,
    id: StampId,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum StampId {
    /// A file on disk.
    File {
        modified: Option<SystemTime>,
        /// Unix: inode and status-change time, which a rename-save or `touch -d`
        /// changes even where the modification time is kept or set back.
        #[cfg(unix)]
        inode: (u64, u64),
        #[cfg(unix)]
        changed: (i64, i64),
    },
    /// A stored object named by its content (a git blob id): never racy.
    Object(String),
}

impl Stamp {
    /// The stamp of a file on disk.
    pub fn of(meta: &std::fs::Metadata) -> Self {
        #[cfg(unix)]
        use std::os::unix::fs::MetadataExt;
        Stamp {
            len: meta.len(),
            id: StampId::File {
                modified: meta.modified().ok(),
                #[cfg(unix)]
                inode: (meta.dev(), meta.ino()),
                #[cfg(unix)]
                changed: (meta.ctime(), meta.ctime_nsec()),
            },
        }
    }

    /// The stamp of an object named by a hash of its content.
    pub fn object(len: u64, id: &str) -> Self {
        Stamp {
            len,
            id: StampId::Object(id.to_string()),
        }
    }

    /// Whether a file that has this stamp now, and had it when its content was read at
    /// `verified`, can be taken as unchanged without reading it again.
    pub fn settled(&self, verified: SystemTime) -> bool {
        match &self.id {
            StampId::Object(_) => true,
            StampId::File { .. } => self
                .last_change()
                .and_then(|t| verified.duration_since(t).ok())
                .is_some_and(|age| age > RACY),
        }
    }

    /// The latest of the file's times.
    fn last_change(&self) -> Option<SystemTime> {
        let StampId::File {
            modified,
            #[cfg(unix)]
            changed,
            ..
        } = &self.id
        else {
            return None;
        };
        #[cfg(unix)]
        {
            let changed = u64::try_from(changed.0).ok().map(|s| {
                SystemTime::UNIX_EPOCH + Duration::new(s, u32::try_from(changed.1).unwrap_or(0))
            });
            match (modified, changed) {
                (Some(m), Some(c)) => Some((*m).max(c)),
                _ => None,
            }
        }
        #[cfg(not(unix))]
        *modified
    }
}
