//! Which output folders a build may replace: never the library, its sources, or a
//! folder holding files covermap did not write. Every check runs before anything on disk
//! changes.

use std::collections::BTreeSet;
use std::fs;
use std::io;
use std::path::{Component, Path, PathBuf};

use super::error::{OutputError, io_at};
use super::manifest::{self, MANIFEST, is_update_temp, is_working_entry};

/// The library folders an output folder must never be inside of (nor hold).
pub(super) const SOURCE_DIRS: [&str; 3] = ["content", "static", "themes"];

/// How many files covermap did not write a refusal names before saying "and N more".
const FOREIGN_SHOWN: usize = 5;

/// `path` made absolute with `..` and symlinks resolved as far as it exists, and the
/// rest (folders a build would create) appended with `..` taken lexically, which is
/// what the system will do once they exist as plain folders.
pub(super) fn resolve(path: &Path) -> Result<PathBuf, OutputError> {
    let absolute = std::path::absolute(path).map_err(io_at(path))?;
    let mut resolved = PathBuf::new();
    for part in absolute.components() {
        match part {
            Component::Prefix(_) | Component::RootDir => resolved.push(part),
            Component::CurDir => {}
            // `resolved` is real up to its last existing part, so popping is exact.
            Component::ParentDir => {
                resolved.pop();
            }
            Component::Normal(name) => {
                resolved.push(name);
                match fs::canonicalize(&resolved) {
                    Ok(real) => resolved = real,
                    Err(err) if err.kind() == io::ErrorKind::NotFound => {}
                    Err(err) => return Err(io_at(&resolved)(err)),
                }
            }
        }
    }
    Ok(resolved)
}

pub(super) fn check_not_library(out: &Path, target: &Path, root: &Path) -> Result<(), OutputError> {
    let real_root = resolve(root)?;
    if real_root.starts_with(target) {
        return Err(OutputError::HoldsRoot {
            out: out.to_path_buf(),
            root: root.to_path_buf(),
        });
    }
    for dir in SOURCE_DIRS {
        // Resolved on its own: a symlinked content/ may live outside the root.
        let source = resolve(&real_root.join(dir))?;
        if target.starts_with(&source) || source.starts_with(target) {
            return Err(OutputError::OverlapsSources {
                out: out.to_path_buf(),
                source_dir: root.join(dir),
            });
        }
    }
    Ok(())
}

/// The existing output folder's metadata, if there is one covermap may replace.
pub(super) fn check_existing(
    out: &Path,
    target: &Path,
) -> Result<Option<fs::Metadata>, OutputError> {
    let meta = match fs::symlink_metadata(target) {
        Ok(meta) => meta,
        Err(err) if err.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(err) => return Err(io_at(target)(err)),
    };
    if !meta.is_dir() {
        return Err(OutputError::NotAFolder {
            out: out.to_path_buf(),
        });
    }
    let (foreign, total) = foreign_files(target)?;
    if total > 0 {
        return Err(OutputError::ForeignFiles {
            out: out.to_path_buf(),
            files: foreign,
            more: total - FOREIGN_SHOWN.min(total),
        });
    }
    Ok(Some(meta))
}

/// The first few files under `dir` its manifest does not list, by path, and how many
/// there are in all. A folder the manifest does not account for counts as one entry
/// (`drafts/`), since covermap only makes folders to hold the files it lists.
fn foreign_files(dir: &Path) -> Result<(Vec<String>, usize), OutputError> {
    let path = dir.join(MANIFEST);
    let has_manifest = fs::symlink_metadata(&path).is_ok_and(|meta| meta.is_file());
    let listed: BTreeSet<String> = if has_manifest {
        manifest::parse(&fs::read_to_string(&path).map_err(io_at(&path))?).collect()
    } else {
        BTreeSet::new()
    };
    let folders: BTreeSet<&str> = listed
        .iter()
        .flat_map(|path| path.match_indices('/').map(|(at, _)| &path[..at]))
        .collect();

    let mut foreign = Vec::new();
    let mut total = 0;
    let mut entries = walkdir::WalkDir::new(dir)
        .min_depth(1)
        .sort_by(crate::source::by_name)
        .into_iter();
    while let Some(entry) = entries.next() {
        let entry = entry.map_err(|err| {
            let path = err.path().unwrap_or(dir).to_path_buf();
            let source = err
                .into_io_error()
                .unwrap_or_else(|| io::Error::other("walk failed"));
            OutputError::Io { path, source }
        })?;
        let relative = entry.path().strip_prefix(dir).unwrap_or(entry.path());
        let key = relative
            .components()
            .map(|part| part.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/");
        let is_folder = entry.file_type().is_dir();
        // The lock and a staging folder are covermap's at work, with or without a
        // manifest: the first build into a mount point makes both before it.
        if is_working_entry(&key) {
            if is_folder {
                entries.skip_current_dir();
            }
            continue;
        }
        let ours = if is_folder {
            folders.contains(key.as_str())
        } else {
            (has_manifest && (key == MANIFEST || is_update_temp(&key))) || listed.contains(&key)
        };
        if ours {
            continue;
        }
        if is_folder {
            entries.skip_current_dir();
        }
        total += 1;
        if foreign.len() < FOREIGN_SHOWN {
            foreign.push(if is_folder { format!("{key}/") } else { key });
        }
    }
    Ok((foreign, total))
}
