//! `covermap init`: a small library that builds, to start from.

use std::path::{Path, PathBuf};

const FILES: &[(&str, &str)] = &[
    ("plan.toml", include_str!("init/plan.toml")),
    (
        "content/case-studies/first-customer.md",
        include_str!("init/first-customer.md"),
    ),
    (
        "content/one-pagers/product-overview.md",
        include_str!("init/product-overview.md"),
    ),
    (
        "content/battlecards/incumbent.md",
        include_str!("init/incumbent.md"),
    ),
];

/// Writes the starter library into `dir`. Refuses to touch a folder that already
/// holds a plan.toml or a content/ folder: nothing the user wrote is overwritten.
pub fn init(dir: &Path) -> Result<Vec<PathBuf>, String> {
    for existing in ["plan.toml", "content"] {
        if dir.join(existing).exists() {
            return Err(format!(
                "{} already exists; covermap init only starts new libraries and never overwrites files",
                dir.join(existing).display()
            ));
        }
    }
    let mut written = Vec::new();
    for (rel, body) in FILES {
        let path = dir.join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
        }
        std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
            .and_then(|mut f| std::io::Write::write_all(&mut f, body.as_bytes()))
            .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        written.push(path);
    }
    Ok(written)
}
