//! Helpers shared by the integration tests (each test file is a crate of its own and
//! uses what it needs).
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::Path;

/// Every file under `dir`: its `/`-separated path relative to `dir` → its bytes.
pub fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e
                .path()
                .strip_prefix(dir)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            (rel, std::fs::read(e.path()).unwrap())
        })
        .collect()
}
