//! Which library a command works on: `--root` as given, or else the first folder
//! holding plan.toml from the current folder up, as cargo finds Cargo.toml and Zola
//! its config, so a command works from any folder inside the library.

use std::path::{Path, PathBuf};

use crate::plan::PLAN_FILE;

/// The library root: `given`, or the one found from the current folder up. The
/// current folder itself is `.`, so paths print as they always have; a folder above it
/// is absolute.
pub fn library_root(given: Option<&Path>) -> Result<PathBuf, String> {
    if let Some(root) = given {
        return Ok(root.to_path_buf());
    }
    let here = std::env::current_dir()
        .map_err(|e| format!("cannot tell the current folder ({e}); pass --root DIR"))?;
    match find_root(&here) {
        Some(found) if found == here => Ok(PathBuf::from(".")),
        Some(found) => Ok(found.to_path_buf()),
        None => Err(format!(
            "no {PLAN_FILE} in {} or any folder above it; run `covermap init` to start a \
             library, or pass --root DIR",
            here.display()
        )),
    }
}

/// The first of `start` and the folders above it that holds plan.toml.
pub fn find_root(start: &Path) -> Option<&Path> {
    start
        .ancestors()
        .find(|folder| folder.join(PLAN_FILE).is_file())
}

#[cfg(test)]
mod tests {
    use crate::cli::root::find_root;

    #[test]
    fn plan_toml_is_found_in_the_folder_or_above() {
        let dir = tempfile::tempdir().unwrap();
        let lib = dir.path().join("lib");
        let deep = lib.join("content/case-studies");
        std::fs::create_dir_all(&deep).unwrap();
        assert_eq!(find_root(&deep), None);
        std::fs::write(lib.join("plan.toml"), "").unwrap();
        assert_eq!(find_root(&deep), Some(lib.as_path()));
        assert_eq!(find_root(&lib), Some(lib.as_path()));
        // A folder named plan.toml is not a plan.
        std::fs::create_dir_all(deep.join("plan.toml")).unwrap();
        assert_eq!(find_root(&deep), Some(lib.as_path()));
    }
}
