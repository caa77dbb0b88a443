//! Where a library's files come from. Loading lists and reads `plan.toml`, `content/`,
//! `static/` and `themes/` only through a [`Source`]: a folder on disk ([`Disk`], what
//! `build`, `serve` and `watch` read), a map of paths to bytes ([`Memory`], for tests)
//! or a revision of a git repository ([`GitTree`], read with the git CLI without a
//! checkout), so a command comparing revisions runs the same pipeline as `build`. The
//! rules every source keeps live here too: bounded reads, which files are passed over,
//! and the stamps the asset cache trusts instead of reading a file again.

mod bounded;
mod disk;
mod files;
mod git;
mod listing;
mod memory;

pub use bounded::{not_utf8, read_limited};
pub use disk::{Disk, by_name, list_files};
pub use files::{Source, Stamp};
pub use git::{GitTree, git_in, git_stdout};
pub use listing::is_ignored;
pub use memory::Memory;

#[cfg(test)]
mod tests;
