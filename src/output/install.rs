//! A complete new site moved into an output folder that cannot be swapped whole (a
//! mount point, a folder whose parent is not writable), file by file, with the same
//! manifest safety as the swap: the manifest lists every file there at every moment,
//! files covermap did not write are never touched, and each page is replaced by one
//! rename, so a reader sees the old page or the new one.

use std::collections::BTreeSet;
use std::fmt;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use super::error::{OutputError, io_at};
use super::manifest::{self, MANIFEST, UPDATE_TEMP};
use super::update::write_replacing;

/// Why a build updated its output folder in place instead of swapping in a new one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InPlace {
    /// The folder is a mount point: it cannot be renamed.
    MountPoint,
    /// The folder's parent is not writable: no new folder can be made beside it.
    ParentNotWritable,
    /// The system refused to swap the folders (busy, another file system, permission).
    SwapRefused,
}

impl fmt::Display for InPlace {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            InPlace::MountPoint => "it is a mount point",
            InPlace::ParentNotWritable => "the folder holding it is not writable",
            InPlace::SwapRefused => "the system refused to swap it for the new one",
        })
    }
}

/// Moves the files `paths` (sorted) of the complete site in `staged` into `out`,
/// replacing the site the manifest there lists, and leaves `staged` empty of them.
pub(super) fn install(staged: &Path, out: &Path, paths: &[String]) -> Result<(), OutputError> {
    let manifest_path = out.join(MANIFEST);
    let old: BTreeSet<String> = match fs::read_to_string(&manifest_path) {
        Ok(text) => manifest::parse(&text).collect(),
        Err(e) if e.kind() == io::ErrorKind::NotFound => BTreeSet::new(),
        Err(e) => return Err(io_at(&manifest_path)(e)),
    };
    let new: BTreeSet<&str> = paths.iter().map(String::as_str).collect();
    // First the manifest lists the old files and the new: a build killed from here on
    // leaves only files it lists.
    let mut union: BTreeSet<String> = old.clone();
    union.extend(paths.iter().cloned());
    if union.len() != old.len() {
        write_replacing(&manifest_path, manifest::text(&union).as_bytes())?;
    }
    paths
        .par_iter()
        .try_for_each(|path| move_in(out, &at(staged, path), &at(out, path)))?;
    for gone in old.iter().filter(|p| !new.contains(p.as_str())) {
        let dest = at(out, gone);
        match fs::remove_file(&dest) {
            Ok(()) => {}
            // Gone already (with its folder, where the new site has a file), or a
            // folder of the new site now stands there.
            Err(e)
                if matches!(
                    e.kind(),
                    io::ErrorKind::NotFound | io::ErrorKind::NotADirectory
                ) || dest.is_dir() => {}
            Err(e) => return Err(io_at(&dest)(e)),
        }
        // Folders left empty go too, up to the output folder.
        let mut dir = dest.parent();
        while let Some(d) = dir {
            if d == out || fs::remove_dir(d).is_err() {
                break;
            }
            dir = d.parent();
        }
    }
    write_replacing(&manifest_path, manifest::text(paths).as_bytes())
}

fn at(dir: &Path, rel: &str) -> PathBuf {
    let mut p = dir.to_path_buf();
    p.extend(rel.split('/'));
    p
}

/// Puts the file `from` at `to` in one rename, or, across file systems, as a copy
/// renamed into place.
fn move_in(out: &Path, from: &Path, to: &Path) -> Result<(), OutputError> {
    if let Some(parent) = to.parent() {
        make_folder(out, parent)?;
    }
    if fs::symlink_metadata(to).is_ok_and(|m| m.is_dir()) {
        // A folder of the old site where the new one has a file: every file in it is
        // listed (the guard checked), and the new site has none there.
        fs::remove_dir_all(to).map_err(io_at(to))?;
    }
    match fs::rename(from, to) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == io::ErrorKind::CrossesDevices => {
            let name = to.file_name().map(|n| n.to_string_lossy().into_owned());
            let tmp = to.with_file_name(format!("{UPDATE_TEMP}{}", name.unwrap_or_default()));
            fs::copy(from, &tmp).map_err(io_at(&tmp))?;
            fs::rename(&tmp, to).map_err(|e| {
                let _ = fs::remove_file(&tmp);
                io_at(to)(e)
            })
        }
        Err(e) => Err(io_at(to)(e)),
    }
}

/// Makes the folder `dir` and its parents; a file of the old site standing where the
/// new site needs a folder goes (the guard checked it is covermap's).
fn make_folder(out: &Path, dir: &Path) -> Result<(), OutputError> {
    match fs::create_dir_all(dir) {
        Ok(()) => Ok(()),
        Err(_) => {
            let mut blocker = Some(dir);
            while let Some(d) = blocker.filter(|d| *d != out) {
                if fs::symlink_metadata(d).is_ok_and(|m| m.is_file()) {
                    fs::remove_file(d).map_err(io_at(d))?;
                    break;
                }
                blocker = d.parent();
            }
            fs::create_dir_all(dir).map_err(io_at(dir))
        }
    }
}
