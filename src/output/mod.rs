//! The site as files (path → bytes), and where they go: memory, nowhere, or the output
//! folder on disk, written so that a failed or interrupted build never leaves a
//! half-written or missing site. [`write()`] builds the whole site in a temporary sibling
//! of the output folder and swaps it in only once every file is there; [`Updater`]
//! updates a folder a previous build wrote in place, for `watch`. Before either touches
//! anything it refuses output folders that hold the library or its sources, and folders
//! holding files covermap did not write, which it tells apart by the
//! `.covermap-manifest` every build leaves at the output root. One build at a time
//! writes a folder: the others wait for its lock or give up with a clear message.
//!
//! One job per file: `site` (the files), `sink` (where they go), `disk` (a whole new
//! folder swapped in), `install` (a new site moved in file by file where the folder
//! cannot be swapped), `lock` (one build at a time), `update` (in-place updates),
//! `guard` (which folders may be written), `manifest` (the list of what covermap
//! wrote), `error`.

mod disk;
mod error;
mod guard;
mod install;
mod lock;
mod manifest;
mod sink;
mod site;
mod update;

pub use disk::{DiskWriter, WriteReport, write};
pub use error::OutputError;
pub use install::InPlace;
pub use lock::LOCK_WAIT;
pub use manifest::{LOCK, MANIFEST};
pub use sink::{GITIGNORE, MemorySink, NullSink, Sink, check_site_path, put_gitignore};
pub use site::{Bytes, Content, Site};
pub use update::{Changes, UPDATE_LIMIT, UpdateRound, Updater};

#[cfg(test)]
mod tests;
