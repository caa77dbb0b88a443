//! Where generated files go: the [`Sink`] every render hands its files to, and the two
//! sinks that keep no folder (memory for the dev server, nowhere for `check`). Every
//! sink checks each path first, so no file can land outside the output.

use std::ffi::OsStr;
use std::path::{Component, Path};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, PoisonError};

use super::error::OutputError;
use super::manifest::{MANIFEST, is_working_entry};
use super::site::{Content, Site};

/// Where generated files go: the output folder on disk (`DiskWriter`), memory
/// ([`MemorySink`], for the dev server) or nowhere ([`NullSink`], for `check`). Pages
/// are handed over as they are rendered, from every rendering thread, so a build never
/// holds the whole site.
pub trait Sink: Sync {
    /// Puts one file at `path` (relative, `/`-separated). Each path is put once.
    fn put(&self, path: &str, content: Content) -> Result<(), OutputError>;

    /// Makes, ahead of the files, the folders these paths need. Optional: `put` makes a
    /// missing folder itself, but one pass over every folder first, in parallel, is
    /// faster than finding them out file by file.
    fn make_folders(&self, paths: &[&str]) -> Result<(), OutputError> {
        let _ = paths;
        Ok(())
    }

    /// Keeps the file the sink already holds at `path` from the last build, unchanged:
    /// true if it could. A sink that cannot (it keeps nothing) is given the bytes.
    fn keep(&self, path: &str) -> bool {
        let _ = path;
        false
    }
}

/// The file every build into a plan's `[build] out` leaves at the output root, so git
/// never commits the site of a repo adopted in place (issue 14). It is covermap's own:
/// put like any page, so the manifest lists it.
pub const GITIGNORE: &str = ".gitignore";

/// Puts [`GITIGNORE`], holding `*`, into `sink`.
pub fn put_gitignore(sink: &dyn Sink) -> Result<(), OutputError> {
    sink.put(
        GITIGNORE,
        Content::Bytes(std::sync::Arc::new(b"*\n".to_vec())),
    )
}

/// Keeps the files in memory, as a [`Site`].
#[derive(Default)]
pub struct MemorySink {
    files: Mutex<Vec<(String, Content)>>,
}

impl MemorySink {
    pub fn into_site(self) -> Site {
        let files = self
            .files
            .into_inner()
            .unwrap_or_else(PoisonError::into_inner);
        Site {
            files: files.into_iter().collect(),
        }
    }
}

impl Sink for MemorySink {
    fn put(&self, path: &str, content: Content) -> Result<(), OutputError> {
        check_site_path(path)?;
        self.files
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push((path.to_string(), content));
        Ok(())
    }
}

/// Throws the files away, after checking their paths: `check` renders every page to
/// find template errors, and needs nothing written.
#[derive(Default)]
pub struct NullSink {
    files: AtomicUsize,
}

impl NullSink {
    pub fn files(&self) -> usize {
        self.files.load(Ordering::Relaxed)
    }
}

impl Sink for NullSink {
    fn put(&self, path: &str, _: Content) -> Result<(), OutputError> {
        check_site_path(path)?;
        self.files.fetch_add(1, Ordering::Relaxed);
        Ok(())
    }
}

/// Checks that a site path names a file inside the output folder: see
/// [`OutputError::InvalidSitePath`].
pub fn check_site_path(path: &str) -> Result<(), OutputError> {
    // Each part must be one plain name on this system, so a path can never climb out of
    // the output folder (`..`, a Windows `\\` or drive prefix); line breaks would corrupt
    // the manifest.
    let plain_name = |part: &str| {
        let mut parts = Path::new(part).components();
        matches!(
            (parts.next(), parts.next()),
            (Some(Component::Normal(name)), None) if name == OsStr::new(part)
        )
    };
    let valid = path != MANIFEST
        && !is_working_entry(path)
        && !path.contains(['\n', '\r'])
        && path.split('/').all(plain_name);
    if valid {
        Ok(())
    } else {
        Err(OutputError::InvalidSitePath {
            path: path.to_string(),
        })
    }
}
