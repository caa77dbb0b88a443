//! A library held in memory, as a map of paths to bytes: a test writes a library in a
//! few lines and loads it without a temporary folder. Folders are implied by the paths
//! under them; there are no symbolic links and no stamps (the cache compares contents).

use std::collections::BTreeMap;
use std::hash::{DefaultHasher, Hasher};
use std::path::{Path, PathBuf};

use super::bounded::too_large;
use super::files::{Source, Stamp};
use super::listing::{Folder, Skipped, Verdict, judge_path};
use crate::diagnostics::Diagnostics;

/// Files by path relative to the library root.
#[derive(Debug, Clone, Default)]
pub struct Memory {
    files: BTreeMap<PathBuf, Vec<u8>>,
}

impl Memory {
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds (or replaces) the file `rel`.
    pub fn insert(&mut self, rel: impl Into<PathBuf>, bytes: impl Into<Vec<u8>>) {
        self.files.insert(rel.into(), bytes.into());
    }

    /// Removes the file `rel`, if there is one.
    pub fn remove(&mut self, rel: &Path) {
        self.files.remove(rel);
    }
}

impl<P: Into<PathBuf>, B: Into<Vec<u8>>> FromIterator<(P, B)> for Memory {
    fn from_iter<I: IntoIterator<Item = (P, B)>>(iter: I) -> Self {
        let mut memory = Memory::new();
        for (rel, bytes) in iter {
            memory.insert(rel, bytes);
        }
        memory
    }
}

impl Source for Memory {
    fn describe(&self) -> String {
        "the in-memory library".to_string()
    }

    fn is_dir(&self, rel: &Path) -> bool {
        self.files
            .keys()
            .any(|path| path != rel && path.starts_with(rel))
    }

    fn list(&self, rel: &Path, diags: &mut Diagnostics) -> Vec<PathBuf> {
        let folder = Folder::of(rel);
        let name = Path::new(rel.file_name().unwrap_or_default());
        let mut hidden_seen: Option<PathBuf> = None;
        let mut files = Vec::new();
        // Ordered by components, a BTreeMap of paths is in the order a sorted walk of
        // the folders gives.
        for below in self
            .files
            .keys()
            .filter(|path| *path != rel)
            .filter_map(|path| path.strip_prefix(rel).ok())
        {
            match judge_path(folder, below) {
                (Verdict::Keep, _) => files.push(below.to_path_buf()),
                (Verdict::Quiet, _) => {}
                (Verdict::Hidden, part) => {
                    if hidden_seen.as_ref() != Some(&part) {
                        let is_folder = part.as_path() != below;
                        diags.push(Skipped::Hidden { folder: is_folder }.warning(name.join(&part)));
                        hidden_seen = Some(part);
                    }
                }
            }
        }
        files
    }

    fn read(&self, rel: &Path, limit: u64) -> std::io::Result<Vec<u8>> {
        let bytes = self.files.get(rel).ok_or_else(|| {
            std::io::Error::new(std::io::ErrorKind::NotFound, "No such file or directory")
        })?;
        if bytes.len() as u64 > limit {
            return Err(too_large(bytes.len() as u64, limit));
        }
        Ok(bytes.clone())
    }

    fn stamp(&self, _rel: &Path) -> Option<Stamp> {
        None
    }

    fn content_hash(&self, rel: &Path) -> Option<u64> {
        let mut h = DefaultHasher::new();
        h.write(self.files.get(rel)?);
        Some(h.finish())
    }
}
