//! One build at a time per output folder: an advisory lock on a file beside the folder
//! (or at its root when the parent is not writable), held from the first check to the
//! swap. The system drops the lock with the process, so a killed build never leaves a
//! stale one; a second build waits for it up to a deadline, then refuses with the
//! holder's pid instead of both builds failing halfway.

use std::ffi::OsString;
use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Seek, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use super::error::{OutputError, io_at};
use super::manifest::LOCK;

/// How long a build waits for another build writing the same output folder, unless told.
pub const LOCK_WAIT: Duration = Duration::from_secs(60);

/// How often a waiting build tries the lock again.
const RETRY: Duration = Duration::from_millis(50);

/// A held output lock; dropping it removes the lock file and releases the lock.
#[derive(Debug)]
pub(super) struct OutputLock {
    path: PathBuf,
    file: File,
}

/// Whether an error means the place cannot be written by this user or at all, so the
/// lock (or the staging folder) must go somewhere else.
pub(super) fn is_unwritable(err: &io::Error) -> bool {
    matches!(
        err.kind(),
        io::ErrorKind::PermissionDenied | io::ErrorKind::ReadOnlyFilesystem
    )
}

impl OutputLock {
    /// Takes the lock of the output folder `target` (`out` as the user named it): the
    /// file `.{name}.covermap-lock` beside it, or [`LOCK`] inside it when the folder
    /// holding it is not writable (then the second value is false). Where neither can
    /// be made, the error is the one from beside it.
    pub(super) fn of_output(
        target: &Path,
        out: &Path,
        wait: Duration,
        waiting: &mut dyn FnMut(Option<u32>),
    ) -> Result<(OutputLock, bool), OutputError> {
        let (Some(parent), Some(name)) = (target.parent(), target.file_name()) else {
            return Err(io_at(target)(io::ErrorKind::InvalidInput.into()));
        };
        let mut beside = OsString::from(".");
        beside.push(name);
        beside.push(".covermap-lock");
        match Self::acquire(&parent.join(beside), out, wait, waiting) {
            Err(OutputError::Io { source, path }) if is_unwritable(&source) => {
                if !target.is_dir() {
                    return Err(OutputError::Io { source, path });
                }
                Ok((
                    Self::acquire(&target.join(LOCK), out, wait, waiting)?,
                    false,
                ))
            }
            held => Ok((held?, true)),
        }
    }

    /// Takes the lock at `path` for the output folder `out`, waiting up to `wait`;
    /// `waiting` hears once, with the holder's pid if known, that this build waits.
    fn acquire(
        path: &Path,
        out: &Path,
        wait: Duration,
        waiting: &mut dyn FnMut(Option<u32>),
    ) -> Result<OutputLock, OutputError> {
        let deadline = Instant::now() + wait;
        let mut told = false;
        loop {
            let mut file = OpenOptions::new()
                .read(true)
                .write(true)
                .create(true)
                .truncate(false)
                .open(path)
                .map_err(io_at(path))?;
            match file.try_lock() {
                Ok(()) => {
                    // The holder before us removes the file before it lets go: a lock on
                    // a file no longer at `path` guards nothing, so start again.
                    if !same_file(&file, path) {
                        continue;
                    }
                    let _ = file.set_len(0);
                    let _ = writeln!(file, "{}", std::process::id());
                    return Ok(OutputLock {
                        path: path.to_path_buf(),
                        file,
                    });
                }
                Err(fs::TryLockError::WouldBlock) => {
                    let pid = holder(&mut file);
                    if Instant::now() >= deadline {
                        return Err(OutputError::Locked {
                            out: out.to_path_buf(),
                            pid,
                            waited: wait.as_secs(),
                        });
                    }
                    if !told {
                        waiting(pid);
                        told = true;
                    }
                    std::thread::sleep(RETRY);
                }
                Err(fs::TryLockError::Error(e)) => return Err(io_at(path)(e)),
            }
        }
    }
}

impl Drop for OutputLock {
    fn drop(&mut self) {
        // Removed while still held (see `acquire`), so no build ever locks a file about
        // to go; the lock itself goes with the file handle.
        if same_file(&self.file, &self.path) {
            let _ = fs::remove_file(&self.path);
        }
    }
}

/// The pid the holder wrote into the lock file, if it has yet.
fn holder(file: &mut File) -> Option<u32> {
    let mut text = String::new();
    file.rewind().ok()?;
    file.take(32).read_to_string(&mut text).ok()?;
    text.trim().parse().ok()
}

#[cfg(unix)]
fn same_file(file: &File, path: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (file.metadata(), fs::metadata(path)) {
        (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
        _ => false,
    }
}

#[cfg(not(unix))]
fn same_file(_: &File, path: &Path) -> bool {
    path.is_file()
}
