//! The trend's points kept between builds, one small JSON file per library tree and
//! date, in the user's cache folder (`COVERMAP_CACHE_DIR`, else `$XDG_CACHE_HOME/covermap`,
//! `~/.cache/covermap` or `%LOCALAPPDATA%\covermap`), never in the library: a tree's
//! files never change, so its point is computed once. A cache that cannot be read or
//! written only costs the time to compute the point again.

use std::path::PathBuf;

use super::point::Point;
use crate::date::Date;

/// Bumped whenever a point's figures would come out differently for the same tree.
const FORMAT: u32 = 1;

pub struct Cache {
    dir: Option<PathBuf>,
}

/// The cache key of a library tree judged with the commit date `date` (used when the
/// plan there has no `as_of`).
pub fn key(tree: &str, date: Date) -> String {
    format!("{tree}-{date}")
}

fn base() -> Option<PathBuf> {
    let var = |k: &str| {
        std::env::var_os(k)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
    };
    if let Some(dir) = var("COVERMAP_CACHE_DIR") {
        return Some(dir);
    }
    var("XDG_CACHE_HOME")
        .or_else(|| var("HOME").map(|h| h.join(".cache")))
        .or_else(|| var("LOCALAPPDATA"))
        .map(|d| d.join("covermap"))
}

impl Cache {
    pub fn open() -> Cache {
        let dir = base().map(|b| {
            b.join("trend")
                .join(format!("{}-{FORMAT}", env!("CARGO_PKG_VERSION")))
        });
        Cache { dir }
    }

    pub fn get(&self, key: &str) -> Option<Point> {
        let bytes = std::fs::read(self.dir.as_ref()?.join(format!("{key}.json"))).ok()?;
        serde_json::from_slice(&bytes).ok()
    }

    /// Keeps `point` under `key`, written whole or not at all (a temporary file renamed).
    pub fn put(&self, key: &str, point: &Point) {
        let Some(dir) = &self.dir else { return };
        let Ok(bytes) = serde_json::to_vec(point) else {
            return;
        };
        if std::fs::create_dir_all(dir).is_err() {
            return;
        }
        let tmp = dir.join(format!(".{key}.{}.tmp", std::process::id()));
        if std::fs::write(&tmp, bytes).is_ok()
            && std::fs::rename(&tmp, dir.join(format!("{key}.json"))).is_err()
        {
            let _ = std::fs::remove_file(&tmp);
        }
    }
}
