//! A whole site written to a fresh folder beside the output folder and swapped in at
//! once ([`DiskWriter`], [`write()`]): a failed or interrupted build leaves the previous
//! output as it was. Where the folder cannot be swapped (a mount point, a parent that is
//! not writable, a swap the system refuses) the new site is staged inside it and moved
//! in file by file (`install`). Either way one build at a time writes it (`lock`).

use std::collections::{BTreeSet, HashSet};
use std::ffi::{OsStr, OsString};
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use rayon::prelude::*;

use super::error::{OutputError, io_at};
use super::guard::{check_existing, check_not_library, resolve};
use super::install::{InPlace, install};
use super::lock::{LOCK_WAIT, OutputLock, is_unwritable};
use super::manifest::{MANIFEST, STAGE};
use super::sink::{Sink, check_site_path};
use super::site::{Content, Site};

/// What [`write()`] put on disk: the site's files (the manifest not counted), their
/// size, and why the folder was updated in place rather than swapped, if it was.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct WriteReport {
    pub files: usize,
    pub bytes: u64,
    pub in_place: Option<InPlace>,
}

/// Writes `site` to the folder `out` of the library at `root`, replacing what a previous
/// build put there, all at once: a failed build leaves the previous output untouched.
pub fn write(site: &Site, out: &Path, root: &Path) -> Result<WriteReport, OutputError> {
    // Every check comes first: nothing on disk changes until all of them pass.
    for path in site.files.keys() {
        check_site_path(path)?;
    }
    let writer = DiskWriter::begin(out, root)?;
    let paths: Vec<&str> = site.files.keys().map(String::as_str).collect();
    writer.make_folders(&paths)?;
    site.files
        .par_iter()
        .try_for_each(|(path, content)| writer.put(path, content.clone()))?;
    writer.finish()
}

/// Writes a site into a fresh temporary folder beside the output folder, from as many
/// threads as put files, and swaps it in place of the output folder once every file is
/// there ([`DiskWriter::finish`]). Dropped unfinished (an error, a failed build), it
/// removes the temporary folder and the previous output stays as it was. It holds the
/// output's lock from [`DiskWriter::begin`] until it is finished or dropped.
pub struct DiskWriter {
    out: PathBuf,
    target: PathBuf,
    /// The folder holding the output folder, and the output folder's name in it.
    parent: PathBuf,
    name: OsString,
    /// Where the files go until `finish`: beside the output folder, or inside it when
    /// the folder is updated in place (`staged_inside`).
    tmp: PathBuf,
    staged_inside: Option<InPlace>,
    existing: Option<fs::Metadata>,
    /// Folders made so far under `tmp`, relative to it.
    made: Mutex<HashSet<String>>,
    listed: Mutex<Vec<String>>,
    files: AtomicUsize,
    bytes: AtomicU64,
    finished: bool,
    /// Puts the complete `tmp` in place of the existing output (`replace`; tests
    /// inject a refusal).
    swap: fn(&Path, &Path, &Path) -> io::Result<()>,
    /// Declared last: released after `Drop` has removed `tmp`.
    _lock: OutputLock,
}

impl DiskWriter {
    /// Checks that `out` may be written for the library at `root` (see [`OutputError`])
    /// and makes the temporary folder, waiting up to [`LOCK_WAIT`] for another build
    /// writing `out`. Nothing else on disk changes before [`Self::finish`].
    pub fn begin(out: &Path, root: &Path) -> Result<DiskWriter, OutputError> {
        Self::begin_waiting(out, root, LOCK_WAIT, &mut |_| {})
    }

    /// [`Self::begin`], waiting up to `wait` for another build writing `out`; `waiting`
    /// hears once, with that build's pid if known, when this one has to wait.
    pub fn begin_waiting(
        out: &Path,
        root: &Path,
        wait: Duration,
        waiting: &mut dyn FnMut(Option<u32>),
    ) -> Result<DiskWriter, OutputError> {
        // Work on the real folder: through a symlinked `out` we replace its target, not
        // the link, and the library checks see through `..` and symlinks.
        let target = resolve(out)?;
        check_not_library(out, &target, root)?;
        let (Some(parent), Some(name)) = (target.parent(), target.file_name()) else {
            // Only a file system root has no parent, and it holds every library root.
            return Err(OutputError::HoldsRoot {
                out: out.to_path_buf(),
                root: root.to_path_buf(),
            });
        };
        fs::create_dir_all(parent).map_err(io_at(parent))?;
        let not_writable = |source| OutputError::ParentNotWritable {
            out: out.to_path_buf(),
            parent: parent.to_path_buf(),
            source,
        };
        // The lock comes before every look at the folder: another build's temporary
        // folder is not a leftover, and its half-made site is not foreign files.
        let (lock, parent_writable) = match OutputLock::of_output(&target, out, wait, waiting) {
            Err(OutputError::Io { source, .. }) if is_unwritable(&source) => {
                return Err(not_writable(source));
            }
            held => held?,
        };
        let existing = check_existing(out, &target)?;
        remove_leftovers(parent, name)?;
        let mut staged_inside = match &existing {
            Some(_) if !parent_writable => Some(InPlace::ParentNotWritable),
            Some(meta) if is_mount_point(meta, parent) => Some(InPlace::MountPoint),
            _ => None,
        };
        let tmp = match staged_inside {
            Some(_) => stage_inside(&target)?,
            None => match create_temp(parent, name) {
                Ok(tmp) => tmp,
                Err(OutputError::Io { source, .. }) if is_unwritable(&source) => {
                    if existing.is_none() {
                        return Err(not_writable(source));
                    }
                    staged_inside = Some(InPlace::ParentNotWritable);
                    stage_inside(&target)?
                }
                Err(e) => return Err(e),
            },
        };
        Ok(DiskWriter {
            out: out.to_path_buf(),
            parent: parent.to_path_buf(),
            name: name.to_os_string(),
            target: target.clone(),
            tmp,
            staged_inside,
            existing,
            made: Mutex::new(HashSet::new()),
            listed: Mutex::new(Vec::new()),
            files: AtomicUsize::new(0),
            bytes: AtomicU64::new(0),
            finished: false,
            swap: replace,
            _lock: lock,
        })
    }

    /// The output folder as the user named it.
    pub fn out(&self) -> &Path {
        &self.out
    }

    /// This writer with `swap` in place of the real one, to test what a refused swap does.
    #[cfg(test)]
    pub(super) fn with_swap(mut self, swap: fn(&Path, &Path, &Path) -> io::Result<()>) -> Self {
        self.swap = swap;
        self
    }

    /// Writes the manifest and swaps the new site in place of the old one, or moves it
    /// in file by file where the folder cannot be swapped.
    pub fn finish(mut self) -> Result<WriteReport, OutputError> {
        let mut listed = std::mem::take(&mut *lock(&self.listed));
        listed.sort_unstable();
        self.remove_unused_folders(&listed);
        let mut in_place = self.staged_inside;
        if in_place.is_some() {
            install(&self.tmp, &self.target, &listed)?;
        } else {
            let manifest_path = self.tmp.join(MANIFEST);
            fs::write(&manifest_path, super::manifest::text(&listed))
                .map_err(io_at(&manifest_path))?;
            if let Some(meta) = &self.existing {
                // Keep whatever mode the user gave the output folder; failing to is harmless.
                let _ = fs::set_permissions(&self.tmp, meta.permissions());
            }
            let swapped = if self.existing.is_some() {
                let old = self.parent.join(sibling(&self.name, "old"));
                (self.swap)(&self.tmp, &self.target, &old)
            } else {
                fs::rename(&self.tmp, &self.target)
            };
            match swapped {
                Ok(()) => {}
                // Nothing has changed yet: move the new site in file by file instead.
                Err(e) if self.existing.is_some() && is_swap_refusal(&e) => {
                    install(&self.tmp, &self.target, &listed)?;
                    in_place = Some(InPlace::SwapRefused);
                }
                Err(source) => {
                    return Err(OutputError::Io {
                        path: self.target.clone(),
                        source,
                    });
                }
            }
        }
        if in_place.is_some() {
            // Only emptied folders are left in it; one that will not go is removed by
            // the next build's sweep.
            let _ = fs::remove_dir_all(&self.tmp);
        }
        self.finished = true;
        Ok(WriteReport {
            files: listed.len(),
            bytes: self.bytes.load(Ordering::Relaxed),
            in_place,
        })
    }

    /// Removes the folders made ahead of the files (`make_folders`) that no file landed
    /// in: the manifest lists files, and a folder holding none of them would read as the
    /// user's to the next build (an empty library's search/d/).
    fn remove_unused_folders(&self, listed: &[String]) {
        let made = lock(&self.made);
        let mut used: HashSet<&str> = HashSet::with_capacity(made.len());
        for path in listed {
            let mut at = folder_of(path);
            while !at.is_empty() && used.insert(at) {
                at = folder_of(at);
            }
        }
        let mut unused: Vec<&str> = made
            .iter()
            .map(String::as_str)
            .filter(|f| !used.contains(f))
            .collect();
        // Deepest first, so a parent is empty by the time its turn comes.
        unused.sort_unstable_by_key(|f| std::cmp::Reverse(f.matches('/').count()));
        for folder in unused {
            let _ = fs::remove_dir(self.dest(folder));
        }
    }

    fn dest(&self, path: &str) -> PathBuf {
        let mut dest = self.tmp.clone();
        dest.extend(path.split('/'));
        dest
    }

    /// Makes the folder `rel` (relative, `/`-separated) and its parents under `tmp`.
    fn make_folder(&self, rel: &str) -> Result<(), OutputError> {
        if rel.is_empty() || lock(&self.made).contains(rel) {
            return Ok(());
        }
        let dir = self.dest(rel);
        fs::create_dir_all(&dir).map_err(io_at(&dir))?;
        let mut made = lock(&self.made);
        let mut at = rel;
        loop {
            if !made.insert(at.to_string()) {
                break;
            }
            match at.rfind('/') {
                Some(i) => at = &at[..i],
                None => break,
            }
        }
        Ok(())
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

/// The folder part of a site path (`""` for a file at the root).
fn folder_of(path: &str) -> &str {
    path.rfind('/').map_or("", |i| &path[..i])
}

impl Sink for DiskWriter {
    fn put(&self, path: &str, content: Content) -> Result<(), OutputError> {
        check_site_path(path)?;
        self.make_folder(folder_of(path))?;
        let dest = self.dest(path);
        let written = match &content {
            // One `write` of the whole buffer: a BufWriter would only add a copy.
            Content::Bytes(data) => {
                fs::write(&dest, data.as_slice()).map_err(io_at(&dest))?;
                data.len() as u64
            }
            Content::Copy(source) => fs::copy(source, &dest).map_err(|err| {
                // Blame the source when it is the one that cannot be read.
                let blamed = if fs::metadata(source).is_ok() {
                    &dest
                } else {
                    source
                };
                io_at(blamed)(err)
            })?,
        };
        self.bytes.fetch_add(written, Ordering::Relaxed);
        self.files.fetch_add(1, Ordering::Relaxed);
        lock(&self.listed).push(path.to_string());
        Ok(())
    }

    fn make_folders(&self, paths: &[&str]) -> Result<(), OutputError> {
        // Every folder once, parents before children: one level at a time, each level
        // in parallel.
        let mut folders: BTreeSet<&str> = BTreeSet::new();
        for path in paths.iter().copied() {
            let mut at = folder_of(path);
            while !at.is_empty() && folders.insert(at) {
                at = folder_of(at);
            }
        }
        let mut by_depth: Vec<Vec<&str>> = Vec::new();
        for f in folders {
            let depth = f.matches('/').count();
            if by_depth.len() <= depth {
                by_depth.resize_with(depth + 1, Vec::new);
            }
            by_depth[depth].push(f);
        }
        for level in &by_depth {
            level.par_iter().try_for_each(|rel| {
                let dir = self.dest(rel);
                match fs::create_dir(&dir) {
                    Ok(()) => Ok(()),
                    Err(e) if e.kind() == io::ErrorKind::AlreadyExists && dir.is_dir() => Ok(()),
                    Err(e) => Err(io_at(&dir)(e)),
                }
            })?;
        }
        let mut made = lock(&self.made);
        made.extend(by_depth.into_iter().flatten().map(str::to_string));
        Ok(())
    }
}

impl Drop for DiskWriter {
    fn drop(&mut self) {
        if !self.finished {
            let _ = fs::remove_dir_all(&self.tmp);
        }
    }
}

/// `.{out}.covermap-{kind}-{pid}-{n}`: beside the output folder, so renames stay on one
/// file system, hidden, and recognisably covermap's own.
fn sibling(name: &OsStr, kind: &str) -> OsString {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    let mut sibling = leftover_prefix(name, kind);
    sibling.push(format!("{}-{n}", std::process::id()));
    sibling
}

fn leftover_prefix(name: &OsStr, kind: &str) -> OsString {
    let mut prefix = OsString::from(".");
    prefix.push(name);
    prefix.push(format!(".covermap-{kind}-"));
    prefix
}

/// Removes temporary and set-aside folders a killed build left beside the output.
fn remove_leftovers(parent: &Path, name: &OsStr) -> Result<(), OutputError> {
    let prefixes = ["tmp", "old"].map(|kind| leftover_prefix(name, kind));
    for entry in fs::read_dir(parent).map_err(io_at(parent))? {
        let entry = entry.map_err(io_at(parent))?;
        let file_name = entry.file_name();
        let ours = prefixes.iter().any(|prefix| {
            file_name
                .as_encoded_bytes()
                .starts_with(prefix.as_encoded_bytes())
        });
        if !ours {
            continue;
        }
        let path = entry.path();
        let is_folder = entry.file_type().map_err(io_at(&path))?.is_dir();
        let removed = if is_folder {
            fs::remove_dir_all(&path)
        } else {
            fs::remove_file(&path)
        };
        removed.map_err(io_at(&path))?;
    }
    Ok(())
}

/// Whether the output folder is a mount point, which no rename can move: it sits on
/// another device than the folder holding it. (A bind mount of the same file system
/// is not seen here; its swap fails and `finish` falls back then.)
#[cfg(unix)]
fn is_mount_point(meta: &fs::Metadata, parent: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    fs::metadata(parent).is_ok_and(|p| p.dev() != meta.dev())
}

#[cfg(not(unix))]
fn is_mount_point(_: &fs::Metadata, _: &Path) -> bool {
    false
}

/// Whether a failed swap means this folder cannot be swapped at all (busy as a mount
/// point, on another file system, not permitted), so updating in place is the way.
fn is_swap_refusal(err: &io::Error) -> bool {
    matches!(
        err.kind(),
        io::ErrorKind::ResourceBusy
            | io::ErrorKind::CrossesDevices
            | io::ErrorKind::PermissionDenied
    )
}

/// Makes the folder an in-place build stages its site in, inside the output folder
/// (on its file system, so each file moves in with one rename), after removing any a
/// killed build left there.
fn stage_inside(target: &Path) -> Result<PathBuf, OutputError> {
    for entry in fs::read_dir(target).map_err(io_at(target))? {
        let entry = entry.map_err(io_at(target))?;
        if entry
            .file_name()
            .as_encoded_bytes()
            .starts_with(STAGE.as_bytes())
        {
            let path = entry.path();
            fs::remove_dir_all(&path).map_err(io_at(&path))?;
        }
    }
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    let stage = target.join(format!("{STAGE}{}-{n}", std::process::id()));
    fs::create_dir(&stage).map_err(io_at(&stage))?;
    Ok(stage)
}

fn create_temp(parent: &Path, name: &OsStr) -> Result<PathBuf, OutputError> {
    loop {
        let tmp = parent.join(sibling(name, "tmp"));
        match fs::create_dir(&tmp) {
            Ok(()) => return Ok(tmp),
            // Another build of this process got there first; the next number is free.
            Err(err) if err.kind() == io::ErrorKind::AlreadyExists => continue,
            Err(err) => return Err(io_at(&tmp)(err)),
        }
    }
}

/// Puts the complete folder `tmp` in place of the existing folder `out` and removes the
/// old one. An atomic exchange where the system has one, so `out` never goes missing;
/// else `out` is set aside as `old` first and put back if the second rename fails.
fn replace(tmp: &Path, out: &Path, old: &Path) -> io::Result<()> {
    let set_aside = if exchange(tmp, out) {
        tmp
    } else {
        replace_by_renames(tmp, out, old)?;
        old
    };
    // The new site is in place; an old folder that will not go is removed by the next
    // build's leftover sweep, so it is no reason to report failure.
    let _ = fs::remove_dir_all(set_aside);
    Ok(())
}

pub(super) fn replace_by_renames(tmp: &Path, out: &Path, old: &Path) -> io::Result<()> {
    fs::rename(out, old)?;
    if let Err(err) = fs::rename(tmp, out) {
        let _ = fs::rename(old, out);
        return Err(err);
    }
    Ok(())
}

/// Swaps two paths in one step; false if the system or file system cannot, and then
/// nothing has changed.
#[cfg(target_os = "linux")]
pub(super) fn exchange(a: &Path, b: &Path) -> bool {
    use rustix::fs::{CWD, RenameFlags, renameat_with};
    renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE).is_ok()
}

#[cfg(not(target_os = "linux"))]
pub(super) fn exchange(_: &Path, _: &Path) -> bool {
    false
}
