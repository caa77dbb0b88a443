//! `watch`'s rebuilds: an output folder a previous build wrote, updated in place, file
//! by file, once the rebuild has succeeded.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, PoisonError};

use super::error::{OutputError, io_at};
use super::guard::{check_existing, check_not_library, resolve};
use super::lock::{LOCK_WAIT, OutputLock};
use super::manifest::{self, MANIFEST, UPDATE_TEMP};
use super::sink::{Sink, check_site_path};
use super::site::Content;

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Most bytes an [`Updater`] holds before it gives up on updating in place: a change
/// that touches more than this (a plan or template edit on a big library) is written as
/// a whole new folder instead, by `DiskWriter`.
pub const UPDATE_LIMIT: usize = 256 << 20;

/// Updates an output folder a previous build wrote, in place: `watch`'s rebuilds. Only
/// files whose bytes changed are written, each to a temporary file renamed over it;
/// files no longer generated are removed; the manifest always lists every file there.
/// Nothing is written until the rebuild succeeded ([`Updater::commit`]), so a
/// broken edit leaves the folder untouched.
pub struct Updater {
    out: PathBuf,
    dir: PathBuf,
    /// Every file of the folder (its manifest).
    listed: BTreeSet<String>,
    /// What was written to each file, as far as this updater knows: a hash of generated
    /// bytes, or the size and time of a copied file's source.
    written: HashMap<String, u64>,
}

/// One rebuild's files, for an [`Updater`]: a [`Sink`].
pub struct UpdateRound<'u> {
    updater: &'u Updater,
    state: Mutex<RoundState>,
}

#[derive(Default)]
struct RoundState {
    /// Files to write: path → (content, its stamp for `written`).
    changed: Vec<(String, Content, u64)>,
    /// Every path of this rebuild's site.
    seen: HashSet<String>,
    bytes: usize,
    too_big: bool,
}

impl Updater {
    /// An updater for `out`, a folder covermap wrote for the library at `root`; `None`
    /// when there is none (not yet built, or deleted since): build it whole then.
    pub fn open(out: &Path, root: &Path) -> Result<Option<Updater>, OutputError> {
        let dir = resolve(out)?;
        check_not_library(out, &dir, root)?;
        if !dir.join(MANIFEST).is_file() {
            return Ok(None);
        }
        check_existing(out, &dir)?;
        let path = dir.join(MANIFEST);
        let listed = manifest::parse(&fs::read_to_string(&path).map_err(io_at(&path))?).collect();
        Ok(Some(Updater {
            out: out.to_path_buf(),
            dir,
            listed,
            written: HashMap::new(),
        }))
    }

    /// The output folder as the user named it.
    pub fn out(&self) -> &Path {
        &self.out
    }

    pub fn round(&self) -> UpdateRound<'_> {
        UpdateRound {
            updater: self,
            state: Mutex::new(RoundState::default()),
        }
    }

    fn path(&self, rel: &str) -> PathBuf {
        let mut p = self.dir.clone();
        p.extend(rel.split('/'));
        p
    }

    fn write_manifest(&self, paths: &BTreeSet<String>) -> Result<(), OutputError> {
        write_replacing(&self.dir.join(MANIFEST), manifest::text(paths).as_bytes())
    }
}

/// Writes `bytes` to a temporary file beside `dest`, then renames it over `dest`: a
/// reader sees the old file or the new one, never half of one.
pub(super) fn write_replacing(dest: &Path, bytes: &[u8]) -> Result<(), OutputError> {
    let name = dest
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = dest.with_file_name(format!("{UPDATE_TEMP}{name}"));
    fs::write(&tmp, bytes).map_err(io_at(&tmp))?;
    fs::rename(&tmp, dest).map_err(|e| {
        let _ = fs::remove_file(&tmp);
        io_at(dest)(e)
    })
}

fn stamp_of(content: &Content) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::hash::DefaultHasher::new();
    match content {
        Content::Bytes(b) => (0u8, b.as_slice()).hash(&mut h),
        Content::Copy(from) => {
            let meta = fs::metadata(from).ok();
            (
                1u8,
                from,
                meta.as_ref().map(fs::Metadata::len),
                meta.and_then(|m| m.modified().ok()),
            )
                .hash(&mut h);
        }
    }
    h.finish()
}

impl UpdateRound<'_> {
    fn state(&self) -> std::sync::MutexGuard<'_, RoundState> {
        lock(&self.state)
    }

    /// Whether the round held more than [`UPDATE_LIMIT`] bytes of changes and stopped
    /// taking them: the site must then be written whole.
    pub fn too_big(&self) -> bool {
        self.state().too_big
    }

    /// What the round collected, for [`Updater::commit`].
    pub fn into_changes(self) -> Changes {
        Changes(
            self.state
                .into_inner()
                .unwrap_or_else(PoisonError::into_inner),
        )
    }
}

/// A rebuild's changes to an output folder, collected by an [`UpdateRound`].
pub struct Changes(RoundState);

impl Updater {
    /// Writes a rebuild's changes into the folder and returns how many files it wrote
    /// and removed. Call only after the rebuild succeeded.
    pub fn commit(&mut self, changes: Changes) -> Result<(usize, usize), OutputError> {
        let updater = self;
        let state = changes.0;
        // One writer at a time, as for a whole build; and a build that ran since may
        // have listed files this updater does not know of: they stay listed until
        // removed, so none is ever left unlisted (foreign to the next build).
        let _lock = OutputLock::of_output(&updater.dir, &updater.out, LOCK_WAIT, &mut |_| {})?.0;
        let path = updater.dir.join(MANIFEST);
        if let Ok(text) = fs::read_to_string(&path) {
            updater.listed.extend(manifest::parse(&text));
        }
        // The manifest first lists every file that will be there at any moment.
        let mut union = updater.listed.clone();
        union.extend(state.changed.iter().map(|(p, _, _)| p.clone()));
        if union.len() != updater.listed.len() {
            updater.write_manifest(&union)?;
        }
        let written = state.changed.len();
        for (path, content, stamp) in state.changed {
            let dest = updater.path(&path);
            if let Some(parent) = dest.parent() {
                fs::create_dir_all(parent).map_err(io_at(parent))?;
            }
            match content {
                Content::Bytes(b) => write_replacing(&dest, &b)?,
                Content::Copy(from) => {
                    let bytes = fs::read(&from).map_err(io_at(&from))?;
                    write_replacing(&dest, &bytes)?;
                }
            }
            updater.written.insert(path, stamp);
        }
        let gone: Vec<String> = union
            .difference(&state.seen.iter().cloned().collect())
            .cloned()
            .collect();
        for path in &gone {
            let dest = updater.path(path);
            match fs::remove_file(&dest) {
                Ok(()) => {}
                Err(e) if e.kind() == io::ErrorKind::NotFound => {}
                Err(e) => return Err(io_at(&dest)(e)),
            }
            updater.written.remove(path);
            // Folders left empty go too, up to the output folder.
            let mut dir = dest.parent().map(Path::to_path_buf);
            while let Some(d) = dir {
                if d == updater.dir || fs::remove_dir(&d).is_err() {
                    break;
                }
                dir = d.parent().map(Path::to_path_buf);
            }
        }
        let listed: BTreeSet<String> = state.seen.into_iter().collect();
        if listed != union {
            updater.write_manifest(&listed)?;
        }
        updater.listed = listed;
        Ok((written, gone.len()))
    }
}

impl Sink for UpdateRound<'_> {
    fn put(&self, path: &str, content: Content) -> Result<(), OutputError> {
        check_site_path(path)?;
        let stamp = stamp_of(&content);
        let u = self.updater;
        let unchanged = u.written.get(path) == Some(&stamp) && u.path(path).is_file();
        let mut state = self.state();
        state.seen.insert(path.to_string());
        if unchanged || state.too_big {
            return Ok(());
        }
        state.bytes += match &content {
            Content::Bytes(b) => b.len(),
            Content::Copy(_) => 0,
        };
        if state.bytes > UPDATE_LIMIT {
            state.too_big = true;
            state.changed = Vec::new();
            return Ok(());
        }
        state.changed.push((path.to_string(), content, stamp));
        Ok(())
    }

    fn keep(&self, path: &str) -> bool {
        let u = self.updater;
        let kept = u.listed.contains(path) && u.path(path).is_file();
        if kept {
            self.state().seen.insert(path.to_string());
        }
        kept
    }
}
