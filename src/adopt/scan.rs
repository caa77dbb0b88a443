//! Reading a repo's Markdown without changing it: every page found (outside the site's
//! output folders, hidden folders and template folders), and every front-matter key
//! counted with its spellings and values, which the mapping is drafted from.

use std::collections::BTreeMap;
use std::path::Path;

use crate::frontmatter::{self, Value};
use crate::limits::MAX_ASSET_BYTES;

use super::detect::NOT_CONTENT;

/// Distinct values kept per key: enough to judge a key and suggest rules, bounded
/// whatever the repo holds.
const MAX_VALUES_PER_KEY: usize = 200;

/// Repository files at the root that are Markdown but not content.
pub const REPO_FILES: &[&str] = &[
    "readme",
    "changelog",
    "license",
    "contributing",
    "code_of_conduct",
    "security",
];

/// What the front matter of one page is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Front {
    Keys,
    None,
    /// Present but not readable (the loader will report it with its place).
    Broken,
}

#[derive(Debug, Clone)]
pub struct Page {
    /// Path relative to the root, with `/`.
    pub rel: String,
    pub front: Front,
}

/// One front-matter key across the repo (keys compared lowercase).
#[derive(Debug, Clone, Default)]
pub struct KeyStat {
    /// Pages that carry it.
    pub pages: usize,
    /// Each spelling (`Title`, `title`) with its count.
    pub spellings: BTreeMap<String, usize>,
    /// Scalar values and list items as text, with counts.
    pub values: BTreeMap<String, usize>,
    /// How many values were strings starting with `/` (paths, not URLs).
    pub path_values: usize,
    pub bool_values: usize,
}

impl KeyStat {
    /// The spelling most pages use (ties: the first in order).
    pub fn spelling(&self) -> &str {
        let mut best: Option<(&String, usize)> = None;
        for (s, n) in &self.spellings {
            if best.is_none_or(|(_, b)| *n > b) {
                best = Some((s, *n));
            }
        }
        best.map_or("", |(s, _)| s.as_str())
    }
}

/// Every page of a repo and its keys.
#[derive(Debug, Clone, Default)]
pub struct Scan {
    pub pages: Vec<Page>,
    pub keys: BTreeMap<String, KeyStat>,
}

impl Scan {
    pub fn key(&self, k: &str) -> Option<&KeyStat> {
        self.keys.get(k)
    }

    pub fn count(&self, front: &Front) -> usize {
        self.pages.iter().filter(|p| p.front == *front).count()
    }
}

/// Whether a file name is Markdown by the default extensions.
pub fn is_markdown(name: &str) -> bool {
    let lower = name.to_lowercase();
    crate::plan::adoption::DEFAULT_EXTENSIONS
        .iter()
        .any(|e| lower.ends_with(e))
}

/// Whether a root-level Markdown file is the repository's own (README, LICENSE, …).
pub fn is_repo_file(rel: &str) -> bool {
    if rel.contains('/') {
        return false;
    }
    let stem = rel.split('.').next().unwrap_or("").to_lowercase();
    REPO_FILES.contains(&stem.as_str())
}

/// Lists every Markdown file under `root` (paths relative to it, with `/`, sorted),
/// skipping `skip` (root-level folders: the site's outputs), hidden entries and
/// template folders. Symbolic links are not followed: a repo's content is its own files.
pub fn list(root: &Path, skip: &[String]) -> Vec<String> {
    let walk = walkdir::WalkDir::new(root)
        .sort_by(crate::source::by_name)
        .into_iter()
        .filter_entry(|e| {
            if e.depth() == 0 {
                return true;
            }
            let name = e.file_name().to_string_lossy();
            let top_skip = e.depth() == 1 && skip.iter().any(|s| *s == name);
            let template = e.file_type().is_dir() && NOT_CONTENT.contains(&&*name);
            !(name.starts_with('.') || top_skip || template)
        });
    walk.filter_map(Result::ok)
        .filter(|e| e.file_type().is_file() && is_markdown(&e.file_name().to_string_lossy()))
        .filter_map(|e| {
            let rel = e.path().strip_prefix(root).ok()?;
            Some(
                rel.components()
                    .map(|c| c.as_os_str().to_string_lossy())
                    .collect::<Vec<_>>()
                    .join("/"),
            )
        })
        .collect()
}

/// Reads the front matter of each of `rels` (relative to `root`) and counts the keys.
pub fn read(root: &Path, rels: Vec<String>) -> Scan {
    let mut scan = Scan::default();
    for rel in rels {
        let path = root.join(&rel);
        let too_big = std::fs::metadata(&path).map_or(true, |m| m.len() > MAX_ASSET_BYTES);
        let text = if too_big {
            None
        } else {
            std::fs::read(&path)
                .ok()
                .and_then(|b| String::from_utf8(b).ok())
        };
        let front = match text {
            Some(text) => read_keys(&text, &mut scan.keys),
            None => Front::Broken,
        };
        scan.pages.push(Page { rel, front });
    }
    scan
}

fn read_keys(text: &str, keys: &mut BTreeMap<String, KeyStat>) -> Front {
    let text = frontmatter::normalize(text);
    let split = match frontmatter::split(&text) {
        Ok(s) => s,
        Err(frontmatter::SplitError::Missing | frontmatter::SplitError::Empty) => {
            return Front::None;
        }
        Err(frontmatter::SplitError::Unclosed { .. }) => return Front::Broken,
    };
    let Ok(entries) = frontmatter::parse(split.format, split.block) else {
        return Front::Broken;
    };
    for (key, node) in entries {
        let stat = keys.entry(key.to_lowercase()).or_default();
        stat.pages += 1;
        *stat.spellings.entry(key).or_default() += 1;
        let items: Vec<&Value> = match &node.value {
            Value::Seq(items) => items.iter().map(|n| &n.value).collect(),
            other => vec![other],
        };
        for v in items {
            let text = match v {
                Value::Str(s) => {
                    if s.starts_with('/') {
                        stat.path_values += 1;
                    }
                    s.trim().to_string()
                }
                Value::Bool(b) => {
                    stat.bool_values += 1;
                    b.to_string()
                }
                Value::Int(i) => i.to_string(),
                // An unquoted scalar kept as written: counted as what YAML 1.2 reads it as.
                Value::Plain(p) => {
                    if matches!(crate::frontmatter::core_value(p), Value::Bool(_)) {
                        stat.bool_values += 1;
                    }
                    p.trim().to_string()
                }
                _ => continue,
            };
            if text.is_empty() {
                continue;
            }
            if stat.values.len() < MAX_VALUES_PER_KEY || stat.values.contains_key(&text) {
                *stat.values.entry(text).or_default() += 1;
            }
        }
    }
    Front::Keys
}

/// The content folder: the one top folder all pages share (`src/content` for Astro's),
/// or the root when pages lie in several. Repository files at the root do not count
/// when pages exist elsewhere.
pub fn content_dir(rels: &[String]) -> String {
    let pages: Vec<&str> = rels
        .iter()
        .map(String::as_str)
        .filter(|r| !is_repo_file(r))
        .collect();
    let pages = if pages.is_empty() {
        rels.iter().map(String::as_str).collect()
    } else {
        pages
    };
    let top = |r: &str| r.split_once('/').map(|(t, _)| t.to_string());
    let Some(first) = pages.first().and_then(|r| top(r)) else {
        return ".".into();
    };
    if !pages.iter().all(|r| top(r).as_deref() == Some(&first)) {
        return ".".into();
    }
    if first == "src" && pages.iter().all(|r| r.starts_with("src/content/")) {
        return "src/content".into();
    }
    first
}

/// The files of `rels` that are pages of the content folder `dir`.
pub fn in_content(rels: Vec<String>, dir: &str) -> Vec<String> {
    if dir == "." {
        let all_repo = rels.iter().all(|r| is_repo_file(r));
        return rels
            .into_iter()
            .filter(|r| all_repo || !is_repo_file(r))
            .collect();
    }
    let prefix = format!("{dir}/");
    rels.into_iter()
        .filter(|r| r.starts_with(&prefix))
        .collect()
}
