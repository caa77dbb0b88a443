//! The manifest every build leaves at the output root: the list of the files covermap
//! wrote there, which tells its own files from the user's.

/// The file at the output root listing, one per line and sorted, every file covermap
/// wrote there. A later build replaces a non-empty output folder only if it holds one
/// and nothing beyond what it lists.
pub const MANIFEST: &str = ".covermap-manifest";

/// The prefix of the temporary file an `Updater` (`watch`) writes each
/// file to before renaming it over the file; one left by a killed `watch` is covermap's
/// own, not the user's.
pub(super) const UPDATE_TEMP: &str = ".covermap-tmp-";

/// The lock file a build holds while it writes the output folder: beside the folder
/// (`.{out}.covermap-lock`) or, when the folder's parent is not writable, at the
/// folder's root under this name.
pub const LOCK: &str = ".covermap-lock";

/// The prefix of the folder an in-place build stages the new site in, at the output
/// root (a mount point, or a folder whose parent is not writable); one left by a killed
/// build is covermap's own, removed by the next.
pub(super) const STAGE: &str = ".covermap-stage-";

/// Whether `key`, a `/`-separated path from the output root, is one of covermap's own
/// working files there (the lock, a staging folder): never the user's, never listed.
pub(super) fn is_working_entry(key: &str) -> bool {
    key == LOCK || (!key.contains('/') && key.starts_with(STAGE))
}

pub(super) fn is_update_temp(key: &str) -> bool {
    key.rsplit('/')
        .next()
        .is_some_and(|name| name.starts_with(UPDATE_TEMP))
}

/// The paths a manifest's text lists.
pub(super) fn parse(text: &str) -> impl Iterator<Item = String> + '_ {
    text.lines().filter(|l| !l.is_empty()).map(str::to_string)
}

/// A manifest's text: one path a line, in the order given (sorted by the caller).
pub(super) fn text<'p>(paths: impl IntoIterator<Item = &'p String>) -> String {
    let mut text = String::new();
    for p in paths {
        text.push_str(p);
        text.push('\n');
    }
    text
}
