//! A library in a folder on disk: what `build`, `serve` and `watch` read. Symbolic
//! links are followed only when they stay inside the listed folder's parent (the
//! library root for `content/` and `static/`), and stamps come from file metadata.

use std::hash::{DefaultHasher, Hasher};
use std::io::Read;
use std::path::{Path, PathBuf};

use super::bounded::read_limited;
use super::files::{Source, Stamp};
use super::listing::{Skipped, is_ignored};
use crate::diagnostics::{Diagnostic, Diagnostics};

/// The library in the folder `root`.
#[derive(Debug, Clone)]
pub struct Disk {
    root: PathBuf,
}

impl Disk {
    pub fn new(root: &Path) -> Self {
        Disk {
            root: root.to_path_buf(),
        }
    }

    pub fn root(&self) -> &Path {
        &self.root
    }
}

impl Source for Disk {
    fn describe(&self) -> String {
        self.root.display().to_string()
    }

    fn is_dir(&self, rel: &Path) -> bool {
        self.root.join(rel).is_dir()
    }

    fn list(&self, rel: &Path, diags: &mut Diagnostics) -> Vec<PathBuf> {
        list_files(&self.root.join(rel), diags)
    }

    fn read(&self, rel: &Path, limit: u64) -> std::io::Result<Vec<u8>> {
        read_limited(&self.root.join(rel), limit)
    }

    fn stamp(&self, rel: &Path) -> Option<Stamp> {
        std::fs::metadata(self.root.join(rel))
            .ok()
            .map(|meta| Stamp::of(&meta))
    }

    fn content_hash(&self, rel: &Path) -> Option<u64> {
        hash_file(&self.root.join(rel))
    }

    fn disk_path(&self, rel: &Path) -> Option<PathBuf> {
        Some(self.root.join(rel))
    }
}

/// Streams the file through the hasher: an asset is compared without holding it twice.
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

/// Every regular file below `dir` (relative to it), sorted, skipping hidden and
/// editor temporary files; a missing folder is simply empty.
pub fn list_files(dir: &Path, diags: &mut Diagnostics) -> Vec<PathBuf> {
    if !dir.is_dir() {
        return Vec::new();
    }
    let library_root = dir.parent().and_then(|p| p.canonicalize().ok());
    let mut files = Vec::new();
    let walker = walkdir::WalkDir::new(dir)
        .follow_links(false)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !is_ignored(e.file_name()));
    for entry in walker {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                let path = e
                    .path()
                    .map(|p| crate::diagnostics::display_path(dir.parent().unwrap_or(dir), p))
                    .unwrap_or_default();
                diags.push(
                    Diagnostic::error(
                        path,
                        format!(
                            "cannot read: {}",
                            e.io_error()
                                .map_or_else(|| e.to_string(), ToString::to_string)
                        ),
                    )
                    .help("check the permissions of the file or folder")
                    .code(crate::diagnostics::Code::ReadFailed),
                );
                continue;
            }
        };
        let rel = entry
            .path()
            .strip_prefix(dir)
            .unwrap_or(entry.path())
            .to_path_buf();
        let shown = Path::new(dir.file_name().unwrap_or_default()).join(&rel);
        if entry.file_type().is_symlink() {
            let target = entry.path().canonicalize();
            let inside = match (&target, &library_root) {
                (Ok(t), Some(r)) => t.starts_with(r),
                _ => false,
            };
            let skipped = match target {
                Ok(t) if inside && t.is_file() => {
                    files.push(rel);
                    continue;
                }
                Ok(t) if inside && t.is_dir() => Skipped::LinkToFolder,
                Ok(_) if inside => Skipped::LinkToOther,
                Err(e) if is_link_loop(&e) => Skipped::LinkLoop,
                _ => Skipped::LinkOutside,
            };
            diags.push(skipped.warning(shown));
            continue;
        }
        if entry.file_type().is_file() {
            files.push(rel);
        } else if !entry.file_type().is_dir() {
            diags.push(Skipped::NotRegular.warning(shown));
        }
    }
    files
}

/// Whether resolving a path failed because its symbolic links go round in a loop.
fn is_link_loop(e: &std::io::Error) -> bool {
    #[cfg(target_os = "linux")]
    {
        e.raw_os_error() == Some(rustix::io::Errno::LOOP.raw_os_error())
    }
    #[cfg(not(target_os = "linux"))]
    {
        e.to_string().contains("symbolic links")
    }
}
