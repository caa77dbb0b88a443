//! Why the site could not be written, with the words a user needs to fix it.

use std::io;
use std::path::{Path, PathBuf};

use crate::diagnostics::Code;

use super::manifest::{LOCK, MANIFEST, STAGE};

/// Why the site could not be written. Every refusal is decided before anything on disk
/// changes; an `Io` error after that leaves the previous output as it was.
#[derive(Debug, thiserror::Error)]
pub enum OutputError {
    #[error("{}: {source}", .path.display())]
    Io { path: PathBuf, source: io::Error },

    #[error(
        "refusing to write to {}: it is the library root {} or a folder that holds it, and a \
         build replaces its whole output folder; choose an --out folder that does not hold \
         the library, such as public/ inside it",
        folder(.out),
        folder(.root)
    )]
    HoldsRoot { out: PathBuf, root: PathBuf },

    #[error(
        "refusing to write to {}: it is inside or holds the library's {} folder, and a build \
         would replace its own sources; choose an --out folder outside content/, static/ \
         and themes/",
        folder(.out),
        folder(.source_dir)
    )]
    OverlapsSources { out: PathBuf, source_dir: PathBuf },

    #[error(
        "refusing to write to {}: it holds files covermap did not write ({}); choose another \
         --out folder or move those files",
        folder(.out),
        listing(.files, *.more)
    )]
    ForeignFiles {
        out: PathBuf,
        /// The first few, by path.
        files: Vec<String>,
        /// How many more there are.
        more: usize,
    },

    #[error(
        "refusing to write to {}: it is a file, not a folder; choose another --out folder or \
         move that file",
        .out.display()
    )]
    NotAFolder { out: PathBuf },

    #[error(
        "another covermap build is writing {} (pid {}); waited {waited} s for it to finish. \
         Run the builds one after another, or give this one more time with --lock-wait",
        folder(.out),
        .pid.map_or_else(|| "unknown".to_string(), |p| p.to_string())
    )]
    Locked {
        out: PathBuf,
        /// The process holding the lock, as it wrote it in the lock file.
        pid: Option<u32>,
        waited: u64,
    },

    #[error(
        "cannot create {}: the folder holding it, {}, is not writable ({source}); create \
         the output folder there yourself (covermap then updates it in place) or choose \
         another --out folder",
        folder(.out),
        folder(.parent)
    )]
    ParentNotWritable {
        out: PathBuf,
        parent: PathBuf,
        source: io::Error,
    },

    #[error(
        "cannot write {path:?}: an output path must be relative and `/`-separated, without \
         empty, `.` or `..` parts or line breaks, and must not be {MANIFEST}, {LOCK} or \
         start with {STAGE}"
    )]
    InvalidSitePath { path: String },
}

impl OutputError {
    /// The stable code of this kind of refusal (see `diagnostics::codes`).
    pub fn code(&self) -> Code {
        match self {
            OutputError::Locked { .. } => Code::OutputLocked,
            OutputError::ParentNotWritable { .. } => Code::OutputParentNotWritable,
            _ => Code::Output,
        }
    }
}

/// A folder path as the user gave it, with a trailing `/` so it reads as a folder.
fn folder(path: &Path) -> String {
    let mut shown = path.display().to_string();
    if !shown.ends_with('/') && !shown.ends_with(std::path::MAIN_SEPARATOR) {
        shown.push('/');
    }
    shown
}

fn listing(files: &[String], more: usize) -> String {
    let mut shown = files.join(", ");
    if more > 0 {
        shown.push_str(&format!(", and {more} more"));
    }
    shown
}

pub(super) fn io_at(path: &Path) -> impl FnOnce(io::Error) -> OutputError {
    let path = path.to_path_buf();
    move |source| OutputError::Io { path, source }
}
