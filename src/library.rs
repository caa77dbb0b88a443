//! Loading a library: `plan.toml`, every asset under `content/` (read and parsed in
//! parallel), attachments and `static/` files. Problems are collected, never thrown:
//! the caller gets every diagnostic of the run and a library only when none is an error.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;

use crate::asset::{self, Asset, ReadOptions};
use crate::date::Date;
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::limits::{self, MAX_ASSET_BYTES, MAX_PLAN_BYTES};
use crate::plan::{self, PLAN_FILE, Plan};

/// Choices that change what is loaded.
#[derive(Debug, Clone, Default)]
pub struct LoadOptions {
    /// Include drafts in the site.
    pub drafts: bool,
    /// Judge freshness on this day instead of the plan's `as_of` or today.
    pub as_of: Option<Date>,
}

/// A loaded, valid library.
#[derive(Debug, Clone)]
pub struct Library {
    pub root: PathBuf,
    pub plan: Plan,
    /// Every asset in the site, sorted by slug. Drafts only with `--drafts`. Shared, so
    /// a rebuild hands on an unchanged asset without copying it.
    pub assets: Vec<Arc<Asset>>,
    /// Drafts left out of the site.
    pub drafts_left_out: usize,
    /// Non-Markdown files under `content/`, relative to it, sorted.
    pub attachments: Vec<PathBuf>,
    /// Files under `static/`, relative to it, sorted.
    pub static_files: Vec<PathBuf>,
}

impl Library {
    pub fn content_dir(&self) -> PathBuf {
        self.root.join("content")
    }

    pub fn static_dir(&self) -> PathBuf {
        self.root.join("static")
    }

    /// The folder of the theme the plan names, if the library has one.
    pub fn theme_dir(&self) -> Option<PathBuf> {
        let dir = self.root.join("themes").join(&self.plan.site.theme);
        dir.is_dir().then_some(dir)
    }
}

/// Loads the library at `root`.
pub fn load(root: &Path, options: &LoadOptions) -> (Option<Library>, Diagnostics) {
    load_cached(root, options, None)
}

/// [`load`], taking each unchanged asset from `cache` instead of reading and parsing
/// its file again (`serve` and `watch` rebuilds).
pub fn load_cached(
    root: &Path,
    options: &LoadOptions,
    cache: Option<&crate::incremental::AssetCache>,
) -> (Option<Library>, Diagnostics) {
    let mut diags = Diagnostics::default();
    let plan_path = root.join(PLAN_FILE);
    let plan = match read_limited(&plan_path, MAX_PLAN_BYTES) {
        Ok(bytes) => match String::from_utf8(bytes) {
            Ok(text) => {
                // A plan that breaks a rule still comes back, so the assets are checked
                // against its ids too; the errors in `diags` keep it from being built.
                let parsed = plan::parse(&text, options.as_of);
                diags.extend(parsed.diagnostics);
                if let Some(plan) = &parsed.plan {
                    check_theme(root, plan, &text, &mut diags);
                }
                parsed.plan
            }
            Err(e) => {
                diags.push(not_utf8(Path::new(PLAN_FILE), &e));
                None
            }
        },
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            diags.push(Diagnostic::error(PLAN_FILE, format!("no plan.toml in {}", root.display())).help("run covermap in the library's folder (or pass --root DIR), or start one with `covermap init`"));
            None
        }
        Err(e) if e.kind() == std::io::ErrorKind::FileTooLarge => {
            diags
                .push(Diagnostic::error(PLAN_FILE, e.to_string()).help(
                    "a plan is a few dozen tables; keep data that is not the plan elsewhere",
                ));
            None
        }
        Err(e) => {
            diags.push(
                Diagnostic::error(PLAN_FILE, format!("cannot read plan.toml: {e}"))
                    .help("check the file's permissions"),
            );
            None
        }
    };

    let content = root.join("content");
    if !content.is_dir() {
        diags.push(
            Diagnostic::error(
                "content",
                format!("no content/ folder in {}", root.display()),
            )
            .help("create content/ and put the assets (Markdown files) in it"),
        );
        diags.sort();
        return (None, diags);
    }
    let walked = walk(root, &content, &mut diags);
    let read_options = ReadOptions {
        raw_html: plan.as_ref().is_some_and(|p| p.site.raw_html),
    };
    if let Some(cache) = cache {
        cache.begin(plan.as_ref(), read_options);
    }
    let results: Vec<(Option<Arc<Asset>>, Vec<Diagnostic>)> = walked
        .markdown
        .par_iter()
        .map(|rel| {
            let read = || {
                let (asset, diags) = read_asset_file(&content, rel, plan.as_ref(), read_options);
                (asset.map(Arc::new), diags)
            };
            match cache {
                Some(cache) => cache.read(&content.join(rel), read),
                None => read(),
            }
        })
        .collect();
    let mut assets = Vec::with_capacity(results.len());
    for (a, ds) in results {
        diags.extend(ds);
        assets.extend(a);
    }

    let mut by_slug: rustc_hash::FxHashMap<&str, &Arc<Asset>> = Default::default();
    by_slug.reserve(assets.len());
    let mut duplicate = Vec::new();
    for a in &assets {
        if let Some(first) = by_slug.insert(&a.slug, a) {
            let (first, second) = if first.source < a.source {
                (first, a)
            } else {
                (a, first)
            };
            let mut d = Diagnostic::error(&second.source, format!("slug `{}` is also the slug of {}", second.slug, first.source.display()))
                .help("two assets cannot share a page: rename one file or set a different `slug:` in its front matter");
            if let Some(place) = &second.slug_place {
                d = d.at_place(place);
            }
            duplicate.push(d);
        }
    }
    diags.extend(duplicate);

    let static_files = list_files(&root.join("static"), &mut diags);
    diags.sort();
    let Some(plan) = plan else {
        return (None, diags);
    };
    if diags.has_errors() {
        return (None, diags);
    }
    let total = assets.len();
    if !options.drafts {
        assets.retain(|a| !a.draft);
    }
    assets.sort_by(|a, b| a.slug.cmp(&b.slug));
    let library = Library {
        root: root.to_path_buf(),
        plan,
        drafts_left_out: total - assets.len(),
        assets,
        attachments: walked.attachments,
        static_files,
    };
    (Some(library), diags)
}

/// Reads and parses one asset, `rel` being its path under `content`. A file that cannot
/// be read (gone since the folder was listed, unreadable, too big, not a file) is an
/// error of its own, and the other files are read all the same.
fn read_asset_file(
    content: &Path,
    rel: &Path,
    plan: Option<&Plan>,
    options: ReadOptions,
) -> (Option<Asset>, Vec<Diagnostic>) {
    let source = Path::new("content").join(rel);
    match read_limited(&content.join(rel), MAX_ASSET_BYTES) {
        Ok(bytes) => match String::from_utf8(bytes) {
            Ok(text) => asset::read(&source, rel, &text, plan, options),
            Err(e) => (None, vec![not_utf8(&source, &e)]),
        },
        Err(e) if e.kind() == std::io::ErrorKind::FileTooLarge => (
            None,
            vec![Diagnostic::error(&source, e.to_string()).help(
                "keep big documents as attachments (any file under content/ that is not .md) or elsewhere, and link them with `url:` from a short asset",
            )],
        ),
        Err(e) => (
            None,
            vec![
                Diagnostic::error(&source, format!("cannot read the file: {e}"))
                    .help("check that it exists, is a regular file and is readable by you"),
            ],
        ),
    }
}

/// The bytes of a file of at most `limit` bytes; a bigger one is an error of kind
/// `FileTooLarge` whose text gives the size and the limit, and is never read whole.
pub(crate) fn read_limited(path: &Path, limit: u64) -> std::io::Result<Vec<u8>> {
    use std::io::Read as _;
    let mut open = std::fs::OpenOptions::new();
    open.read(true);
    // A FIFO put in a file's place after the folder was listed must not block the build
    // waiting for a writer; for regular files the flag changes nothing.
    #[cfg(target_os = "linux")]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        open.custom_flags(rustix::fs::OFlags::NONBLOCK.bits() as i32);
    }
    let file = open.open(path)?;
    let meta = file.metadata()?;
    if !meta.is_file() {
        return Err(std::io::Error::other("not a regular file"));
    }
    let too_large = |size: u64| {
        std::io::Error::new(
            std::io::ErrorKind::FileTooLarge,
            format!(
                "the file is {}, more than the {} covermap reads",
                limits::size(size),
                limits::size(limit)
            ),
        )
    };
    if meta.len() > limit {
        return Err(too_large(meta.len()));
    }
    // The file may grow after the size was taken: read one byte past the limit to see.
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    file.take(limit + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limit {
        return Err(too_large(bytes.len() as u64));
    }
    Ok(bytes)
}

/// The theme the plan names must be a folder under `themes/` (the built-in `default`
/// needs none).
fn check_theme(root: &Path, plan: &Plan, plan_text: &str, diags: &mut Diagnostics) {
    let theme = &plan.site.theme;
    // An invalid name is already an error of its own, and must not be looked up.
    if theme == "default" || !plan::is_valid_id(theme) {
        return;
    }
    if root.join("themes").join(theme).is_dir() {
        return;
    }
    let mut d = Diagnostic::error(PLAN_FILE, format!("theme `{theme}` not found in themes/"))
        .help("create themes/<name>/templates/ with the templates to override, or remove `theme` to use the built-in theme");
    if let Some(span) = plan.site.theme_span.clone() {
        d = d.at_span(plan_text, span);
    }
    diags.push(d);
}

/// A file that is not UTF-8, pointed at its first bad byte. Lines and columns are
/// counted as the readers count them (after a byte-order mark), and the offending line
/// is shown with the bad bytes replaced.
pub(crate) fn not_utf8(path: &Path, e: &std::string::FromUtf8Error) -> Diagnostic {
    let bytes = e.as_bytes();
    let bom = if bytes.starts_with(b"\xEF\xBB\xBF") {
        3
    } else {
        0
    };
    let offset = e.utf8_error().valid_up_to();
    let text = String::from_utf8_lossy(&bytes[bom..]);
    // Everything before the bad byte is valid, so its offset is the same in the lossy text.
    let (line, col) = crate::diagnostics::line_col(&text, offset.saturating_sub(bom));
    Diagnostic::error(path, "the file is not UTF-8 text")
        .at(&text, line, col)
        .help("save the file as UTF-8 in your editor")
}

struct Walked {
    markdown: Vec<PathBuf>,
    attachments: Vec<PathBuf>,
}

/// Files under `content/`, relative to it, in a stable order. Hidden files and
/// editors' temporary files are passed over; symbolic links are followed only when
/// they stay inside the library root.
fn walk(root: &Path, content: &Path, diags: &mut Diagnostics) -> Walked {
    let mut walked = Walked {
        markdown: Vec::new(),
        attachments: Vec::new(),
    };
    for rel in list_files(content, diags) {
        if rel.extension().is_some_and(|e| e == "md") {
            walked.markdown.push(rel);
        } else {
            walked.attachments.push(rel);
        }
    }
    let _ = root;
    walked
}

/// Every regular file below `dir` (relative to it), sorted, skipping hidden and
/// editor temporary files; a missing folder is simply empty.
pub fn list_files(dir: &Path, diags: &mut Diagnostics) -> Vec<PathBuf> {
    if !dir.is_dir() {
        return Vec::new();
    }
    let root_real = dir.canonicalize().ok();
    let library_root = dir.parent().and_then(|p| p.canonicalize().ok());
    let mut files = Vec::new();
    let walker = walkdir::WalkDir::new(dir)
        .follow_links(false)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !is_ignored(e.file_name()));
    for entry in walker {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                let path = e
                    .path()
                    .map(|p| crate::diagnostics::display_path(dir.parent().unwrap_or(dir), p))
                    .unwrap_or_default();
                diags.push(
                    Diagnostic::error(
                        path,
                        format!(
                            "cannot read: {}",
                            e.io_error()
                                .map_or_else(|| e.to_string(), ToString::to_string)
                        ),
                    )
                    .help("check the permissions of the file or folder"),
                );
                continue;
            }
        };
        let rel = entry
            .path()
            .strip_prefix(dir)
            .unwrap_or(entry.path())
            .to_path_buf();
        let shown = Path::new(dir.file_name().unwrap_or_default()).join(&rel);
        if entry.file_type().is_symlink() {
            let target = entry.path().canonicalize();
            let inside = match (&target, &library_root) {
                (Ok(t), Some(r)) => t.starts_with(r),
                _ => false,
            };
            match target {
                Ok(t) if inside && t.is_file() => files.push(rel),
                Ok(t) if inside && t.is_dir() => diags.push(
                    Diagnostic::warning(shown, "symbolic link to a folder skipped").help(
                        "covermap does not follow folder links; move the files into content/",
                    ),
                ),
                Ok(_) if inside => diags.push(
                    Diagnostic::warning(shown, "symbolic link to something that is not a regular file skipped")
                        .help("link only to files, or move the file into the library"),
                ),
                Err(e) if is_link_loop(&e) => diags.push(
                    Diagnostic::warning(shown, "symbolic link loop skipped")
                        .help("the link points back to itself through other links: remove it or point it at a file"),
                ),
                _ => diags.push(
                    Diagnostic::warning(
                        shown,
                        "symbolic link that leaves the library (or is broken) skipped",
                    )
                    .help("copy the file into the library instead of linking to it"),
                ),
            }
            continue;
        }
        if entry.file_type().is_file() {
            files.push(rel);
        } else if !entry.file_type().is_dir() {
            diags.push(
                Diagnostic::warning(
                    shown,
                    "not a regular file (a FIFO, socket or device): skipped",
                )
                .help("only regular files are assets or attachments; move it out of the library"),
            );
        }
    }
    let _ = root_real;
    files
}

/// Whether resolving a path failed because its symbolic links go round in a loop.
fn is_link_loop(e: &std::io::Error) -> bool {
    #[cfg(target_os = "linux")]
    {
        e.raw_os_error() == Some(rustix::io::Errno::LOOP.raw_os_error())
    }
    #[cfg(not(target_os = "linux"))]
    {
        e.to_string().contains("symbolic links")
    }
}

/// Hidden files and folders, and the temporary files editors write beside a file
/// they are saving (vim swap and backup files, Emacs lock files, JetBrains safe-write).
pub fn is_ignored(name: &std::ffi::OsStr) -> bool {
    let name = name.to_string_lossy();
    name.starts_with('.')
        || name.ends_with('~')
        || name.starts_with(".#")
        || (name.starts_with('#') && name.ends_with('#'))
        || name.ends_with(".swp")
        || name.ends_with(".swx")
        || name.ends_with(".tmp")
        || name.contains("___jb_")
        || name == "4913"
}

#[cfg(test)]
mod tests {
    use super::*;

    fn not_utf8_of(bytes: &[u8]) -> Diagnostic {
        let e = String::from_utf8(bytes.to_vec()).expect_err("not UTF-8");
        not_utf8(Path::new("content/a.md"), &e)
    }

    /// A file that vanishes between listing the folder and reading it (an editor saving,
    /// a `git checkout` running) is an error naming it, and the other files are read.
    #[test]
    fn a_file_gone_since_listing_is_an_error_and_the_rest_are_read() {
        let dir = tempfile::tempdir().unwrap();
        let content = dir.path().join("content");
        std::fs::create_dir_all(&content).unwrap();
        for name in ["a.md", "b.md", "c.md"] {
            std::fs::write(content.join(name), "---\ntitle: x\n---\n").unwrap();
        }
        let mut diags = Diagnostics::default();
        let walked = walk(dir.path(), &content, &mut diags);
        assert_eq!(walked.markdown.len(), 3);

        std::fs::remove_file(content.join("b.md")).unwrap();
        let results: Vec<_> = walked
            .markdown
            .iter()
            .map(|rel| read_asset_file(&content, rel, None, ReadOptions::default()))
            .collect();

        let errors: Vec<String> = results
            .iter()
            .flat_map(|(_, ds)| ds.iter().map(|d| d.render(false)))
            .collect();
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert!(
            errors[0].starts_with(
                "content/b.md: error: cannot read the file: No such file or directory"
            ),
            "{errors:?}"
        );
        assert!(
            errors[0].contains("help: check that it exists"),
            "{errors:?}"
        );
    }

    #[test]
    fn files_over_the_limit_are_refused_without_being_read() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("big.md");
        std::fs::write(&path, vec![b'x'; 3000]).unwrap();
        let err = read_limited(&path, 2048).unwrap_err();
        assert_eq!(err.kind(), std::io::ErrorKind::FileTooLarge);
        assert_eq!(
            err.to_string(),
            "the file is 3 KB, more than the 2 KB covermap reads"
        );
        assert_eq!(read_limited(&path, 3000).unwrap().len(), 3000);
    }

    #[test]
    fn not_utf8_points_at_the_first_bad_byte() {
        let d = not_utf8_of(b"---\ntitle: \"Caf\xe9\"\n---\n");
        assert_eq!(d.location(), "content/a.md:2:12");
        assert_eq!(d.message, "the file is not UTF-8 text");
        assert_eq!(d.source_line.as_deref(), Some("title: \"Caf\u{fffd}\""));
        // A byte-order mark is not a column, as for the readers.
        let d = not_utf8_of(b"\xef\xbb\xbf---\xff\n");
        assert_eq!(d.location(), "content/a.md:1:4");
        // Characters before the bad byte count once each, whatever their length.
        let d = not_utf8_of(
            "é€"
                .as_bytes()
                .iter()
                .copied()
                .chain([0x80])
                .collect::<Vec<_>>()
                .as_slice(),
        );
        assert_eq!(d.location(), "content/a.md:1:3");
    }
}
