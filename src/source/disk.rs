//! A library in a folder on disk: what `build`, `serve` and `watch` read. Symbolic
//! links are judged by where they really lead (canonical paths), by the rules of
//! [`super::listing`]; stamps come from file metadata.

use std::hash::{DefaultHasher, Hasher};
use std::io::Read;
use std::path::{Path, PathBuf};

use super::bounded::read_limited;
use super::files::{Source, Stamp};
use super::listing::{Folder, Skipped, Verdict, judge, target_allowed};
use crate::diagnostics::codes::Code;
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
        walk(&self.root, rel, &|_| false, diags)
    }

    fn list_pruned(
        &self,
        rel: &Path,
        prune: &dyn Fn(&Path) -> bool,
        diags: &mut Diagnostics,
    ) -> Vec<PathBuf> {
        walk(&self.root, rel, prune, diags)
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

/// Every regular file below `dir` (relative to it), sorted, keeping the listing rules
/// of the folder it is (`content/` and `static/` by their name, see
/// [`super::listing`]); a missing folder is simply empty.
pub fn list_files(dir: &Path, diags: &mut Diagnostics) -> Vec<PathBuf> {
    let root = dir.parent().unwrap_or(Path::new(""));
    walk(
        root,
        Path::new(dir.file_name().unwrap_or_default()),
        &|_| false,
        diags,
    )
}

/// Every regular file below the folder `rel` of the library at `root`, not entering the
/// folders `prune` refuses.
fn walk(
    root: &Path,
    rel: &Path,
    prune: &dyn Fn(&Path) -> bool,
    diags: &mut Diagnostics,
) -> Vec<PathBuf> {
    let dir = root.join(rel);
    if !dir.is_dir() {
        return Vec::new();
    }
    let folder = Folder::of(rel);
    let name = Path::new(dir.file_name().unwrap_or_default());
    // Links are judged by where they really lead: the folders they may lead into are
    // compared as the file system resolves them too.
    let bases: Vec<(PathBuf, Folder)> = folder
        .link_bases(rel)
        .into_iter()
        // A published folder that is itself a link out of the library is no place a
        // link may lead into either.
        .filter(|(base, f)| *f == Folder::Other || published_folder_stays(root, &root.join(base)))
        .filter_map(|(base, f)| Some((root.join(base).canonicalize().ok()?, f)))
        .collect();
    if folder != Folder::Other && !published_folder_stays(root, &dir) {
        // `static -> /` would publish the whole disk.
        diags.push(Skipped::LinkOutside(link_text(&dir)).warning(name.to_path_buf()));
        return Vec::new();
    }
    let mut files = Vec::new();
    let mut walker = walkdir::WalkDir::new(&dir)
        .follow_links(false)
        .sort_by(by_name)
        .into_iter();
    while let Some(entry) = walker.next() {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                let path = e
                    .path()
                    .map(|p| crate::diagnostics::display_path(root, p))
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
                    .code(Code::ReadFailed),
                );
                continue;
            }
        };
        if entry.depth() == 0 {
            continue;
        }
        let below = entry
            .path()
            .strip_prefix(&dir)
            .unwrap_or(entry.path())
            .to_path_buf();
        let shown = name.join(&below);
        let is_dir = entry.file_type().is_dir();
        match judge(folder, entry.depth(), entry.file_name()) {
            Verdict::Keep => {}
            verdict => {
                // A hidden folder is never entered: nothing in it is even listed.
                if is_dir {
                    walker.skip_current_dir();
                }
                if verdict == Verdict::Hidden {
                    diags.push(Skipped::Hidden { folder: is_dir }.warning(shown));
                }
                continue;
            }
        }
        if is_dir && prune(&below) {
            walker.skip_current_dir();
            continue;
        }
        if entry.file_type().is_symlink() {
            let skipped = match entry.path().canonicalize() {
                Ok(target) => match target_allowed(&target, &bases) {
                    Ok(()) if target.is_file() => {
                        files.push(below);
                        continue;
                    }
                    Ok(()) if target.is_dir() => Skipped::LinkToFolder,
                    Ok(()) => Skipped::LinkToOther,
                    Err(skip) => skip(link_text(entry.path())),
                },
                Err(e) if is_link_loop(&e) => Skipped::LinkLoop,
                Err(_) => Skipped::LinkOutside(link_text(entry.path())),
            };
            diags.push(skipped.warning(shown));
            continue;
        }
        if entry.file_type().is_file() {
            files.push(below);
        } else if !is_dir {
            diags.push(Skipped::NotRegular.warning(shown));
        }
    }
    files
}

/// Whether the published folder `dir` is a real folder, or a link that stays inside
/// the library at `root`.
fn published_folder_stays(root: &Path, dir: &Path) -> bool {
    let is_link = std::fs::symlink_metadata(dir).is_ok_and(|m| m.file_type().is_symlink());
    if !is_link {
        return true;
    }
    match (root.canonicalize(), dir.canonicalize()) {
        (Ok(root), Ok(dir)) => dir.starts_with(root),
        _ => false,
    }
}

/// What the link at `path` says it points to, for a warning.
fn link_text(path: &Path) -> String {
    std::fs::read_link(path).map_or_else(|_| "?".to_string(), |t| t.display().to_string())
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

/// Walk order: a folder's entries by name, as `WalkDir::sort_by_file_name` orders them,
/// comparing the bytes after each path's last separator (walkdir joins a folder and a
/// name) instead of parsing the path's components at every comparison.
pub fn by_name(a: &walkdir::DirEntry, b: &walkdir::DirEntry) -> std::cmp::Ordering {
    fn name(path: &Path) -> &[u8] {
        let bytes = path.as_os_str().as_encoded_bytes();
        let last = bytes
            .iter()
            .rposition(|&c| std::path::is_separator(char::from(c)));
        &bytes[last.map_or(0, |i| i + 1)..]
    }
    name(a.path()).cmp(name(b.path()))
}
