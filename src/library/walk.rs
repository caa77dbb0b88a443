//! Which files of a library are its content (SPEC §5, issue 14): the content folder the
//! plan's `[content] dir` names (`content/` by default, or the root itself), the
//! extensions read as Markdown, `include`/`exclude` globs, `.gitignore`, and the folders
//! never read as content even when they sit inside it: covermap's output folder, the
//! static folders, `themes/`, hidden folders, and the output folders of the generators
//! a repo is adopted from (Hugo's `public/`, Jekyll's `_site/` …). A library that sets
//! none of these keys is walked exactly as before: `content/`, every file kept.

use std::path::{Path, PathBuf};

use crate::diagnostics::{Code, Diagnostic, Diagnostics};
use crate::output::MANIFEST;
use crate::plan::adoption::{Content, glob};
use crate::plan::{PLAN_FILE, Plan};
use crate::source::Source;

/// Folders at the top of a content folder that is the root (`dir = "."`) never read as
/// content: other generators' output and caches, and the package folders beside them
/// (ADOPTION.md §1). covermap's own output folder is left out by its path.
pub const NEVER_CONTENT: &[&str] = &[
    "public",
    "_site",
    "build",
    "dist",
    "resources",
    "node_modules",
    "themes",
    "target",
    "covermap-site",
    "_includes",
    "_layouts",
    "_data",
];

/// The content files of a library, relative to its content folder.
#[derive(Debug, Default)]
pub struct Walked {
    /// The content folder, relative to the root (`content`, or empty for the root).
    pub folder: PathBuf,
    /// Files read as Markdown (assets).
    pub markdown: Vec<PathBuf>,
    /// Other files of the content folder: published as attachments, or, when the
    /// content folder is the root, only where a page links them.
    pub attachments: Vec<PathBuf>,
}

/// The content folder the plan names, relative to the root (empty for `.`).
pub fn content_folder(plan: Option<&Plan>) -> PathBuf {
    match plan.map(|p| p.adoption.content.dir.as_str()) {
        Some(".") => PathBuf::new(),
        Some(dir) => PathBuf::from(dir),
        None => PathBuf::from("content"),
    }
}

/// Lists the content of the library in `files` by the plan's `[content]` keys. A
/// folder holding covermap's manifest is an output folder (`--out` wherever it points):
/// never read as content. `plan_text` places the warning for a glob that matches nothing.
pub fn walk(
    files: &dyn Source,
    plan: Option<&Plan>,
    plan_text: &str,
    diags: &mut Diagnostics,
) -> Walked {
    let default = Content::default();
    let content = plan.map_or(&default, |p| &p.adoption.content);
    let folder = content_folder(plan);
    let mut walked = Walked {
        folder: folder.clone(),
        ..Walked::default()
    };
    // The plain library: one branch, no per-file work beyond the extension test.
    if *content == default && folder == Path::new("content") {
        for rel in files.list(&folder, diags) {
            if is_markdown(&rel, &content.extensions) {
                walked.markdown.push(rel);
            } else {
                walked.attachments.push(rel);
            }
        }
        return walked;
    }
    let mut never: Vec<PathBuf> = Vec::new();
    if folder.as_os_str().is_empty() {
        never.extend(NEVER_CONTENT.iter().map(PathBuf::from));
    }
    if let Some(p) = plan {
        never.extend(p.adoption.content.static_dirs.iter().map(PathBuf::from));
        if let Some(o) = &p.adoption.out {
            never.push(PathBuf::from(o));
        }
    }
    let never: Vec<PathBuf> = never
        .into_iter()
        .filter_map(|n| n.strip_prefix(&folder).ok().map(Path::to_path_buf))
        .filter(|n| !n.as_os_str().is_empty())
        .collect();
    let include = Matchers::new(&content.include);
    let exclude = Matchers::new(&content.exclude);
    let ignored = gitignore(files, &folder);
    // Folders never entered: the ones named above, those git ignores, and any folder a
    // covermap build wrote (it holds the manifest: `--out` wherever it points).
    let prune = |dir: &Path| {
        let path = dir.to_string_lossy().replace('\\', "/");
        never.iter().any(|n| n == dir)
            || ignored.iter().any(|g| g.is_match(&path))
            || files
                .content_hash(&folder.join(dir).join(MANIFEST))
                .is_some()
    };
    let listed = files.list_pruned(&folder, &prune, diags);
    let mut include_hits = vec![false; include.0.len()];
    let mut exclude_hits = vec![false; exclude.0.len()];
    for rel in listed {
        let path = rel.to_string_lossy().replace('\\', "/");
        if ignored.iter().any(|g| g.is_match(&path)) {
            continue;
        }
        let excluded = exclude.hits(&path, &mut exclude_hits);
        let included = include.0.is_empty() || include.hits(&path, &mut include_hits);
        if excluded || !included {
            continue;
        }
        if is_markdown(&rel, &content.extensions) {
            walked.markdown.push(rel);
        } else {
            // The root's other files (package.json, the plan, a README's images) are
            // listed too, but loading publishes only those a page links to: publishing
            // them all would publish the repo.
            walked.attachments.push(rel);
        }
    }
    for (what, globs, hits) in [
        ("include", &content.include, include_hits),
        ("exclude", &content.exclude, exclude_hits),
    ] {
        for (g, hit) in globs.iter().zip(hits) {
            // `_site/**` names a folder left out before the globs are tried: no typo.
            let named = literal_folder(g).is_some_and(|d| files.is_dir(&folder.join(d)));
            if !hit && !named {
                diags.push(unmatched(what, g, &folder, plan_text));
            }
        }
    }
    walked
}

/// The folder a glob names before its first wildcard: `_site` for `_site/**`, none
/// for `*.md`.
fn literal_folder(g: &str) -> Option<PathBuf> {
    let literal = &g[..g.find(['*', '?', '[', '{']).unwrap_or(g.len())];
    literal
        .rfind('/')
        .filter(|end| *end > 0)
        .map(|end| PathBuf::from(&literal[..end]))
}

/// Lists the content of the library at `root` as loading reads it, without reading a
/// file but the plan (what `[content]` selects, for tests and tools).
pub fn list_content(root: &Path) -> (Walked, Diagnostics) {
    let files = crate::source::Disk::new(root);
    let text = std::fs::read_to_string(root.join(PLAN_FILE)).unwrap_or_default();
    let parsed = crate::plan::parse(&text, None);
    let mut diags = Diagnostics::default();
    diags.extend(parsed.diagnostics);
    let walked = walk(&files, parsed.plan.as_ref(), &text, &mut diags);
    (walked, diags)
}

/// Whether `rel` has one of `extensions` (lowercase, with the dot), ignoring case.
pub fn is_markdown(rel: &Path, extensions: &[String]) -> bool {
    let Some(ext) = rel.extension() else {
        return false;
    };
    let ext = ext.to_string_lossy().to_lowercase();
    extensions.iter().any(|e| e[1..] == ext)
}

struct Matchers(Vec<globset::GlobMatcher>);

impl Matchers {
    fn new(globs: &[String]) -> Matchers {
        // The plan's validation already refused a glob that does not compile.
        Matchers(globs.iter().filter_map(|g| glob(g).ok()).collect())
    }

    /// Whether any glob matches `path`, marking each one that does.
    fn hits(&self, path: &str, hit: &mut [bool]) -> bool {
        let mut any = false;
        for (m, h) in self.0.iter().zip(hit.iter_mut()) {
            if m.is_match(path) {
                *h = true;
                any = true;
            }
        }
        any
    }
}

/// The patterns of the `.gitignore` files at the root and at the top of the content
/// folder, as globs relative to the content folder. A subset of git's rules: enough for
/// the `public/`, `_site/`, `*.log` lines such repos hold; negations (`!x`) are not
/// followed, so a negated file stays ignored.
fn gitignore(files: &dyn Source, folder: &Path) -> Vec<globset::GlobMatcher> {
    let mut globs = Vec::new();
    let mut places = vec![PathBuf::new()];
    if !folder.as_os_str().is_empty() {
        places.push(folder.to_path_buf());
    }
    for place in places {
        let Ok(bytes) = files.read(&place.join(".gitignore"), 1 << 20) else {
            continue;
        };
        let text = String::from_utf8_lossy(&bytes);
        // A pattern of the root's file is relative to the root; make it relative to
        // the content folder, or drop it when it names something outside.
        let prefix = if place.as_os_str().is_empty() {
            folder.to_string_lossy().replace('\\', "/")
        } else {
            String::new()
        };
        for line in text.lines() {
            let line = line.trim_end();
            if line.is_empty() || line.starts_with('#') || line.starts_with('!') {
                continue;
            }
            let dir_only = line.ends_with('/');
            let pat = line.trim_end_matches('/');
            let anchored = pat.contains('/');
            let pat = pat.trim_start_matches('/');
            let pat = if anchored && !prefix.is_empty() {
                match pat.strip_prefix(&format!("{prefix}/")) {
                    Some(rest) => rest.to_string(),
                    None => continue,
                }
            } else {
                pat.to_string()
            };
            let base = if anchored { pat } else { format!("**/{pat}") };
            let mut pats = vec![format!("{base}/**")];
            if !dir_only {
                pats.push(base);
            }
            globs.extend(pats.iter().filter_map(|p| glob(p).ok()));
        }
    }
    globs
}

fn unmatched(what: &str, g: &str, folder: &Path, plan_text: &str) -> Diagnostic {
    let shown = if folder.as_os_str().is_empty() {
        "the library's root".to_string()
    } else {
        format!("{}/", folder.display())
    };
    let mut d = Diagnostic::warning(
        PLAN_FILE,
        format!("{what} glob `{g}` matches no file in {shown}"),
    )
    .help("globs are relative to the content folder (`[content] dir`): `*` within a folder, `**` across folders, such as \"blog/**\"")
    .code(Code::GlobUnmatched);
    for quote in ['"', '\''] {
        if let Some(at) = plan_text.find(&format!("{quote}{g}{quote}")) {
            d = d.at_offset(plan_text, at);
            break;
        }
    }
    d
}
