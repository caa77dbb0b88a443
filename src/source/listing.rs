//! The listing rules every source keeps, so that nothing private is ever published:
//! which files are passed over, which symbolic links are followed, and the warnings for
//! what a listing skips, worded the same whichever source found them.
//!
//! `content/` and `static/` are published as they are listed, so there the rules are
//! strict: a hidden file or folder (a name starting with `.`: `.git`, `.env`, `.ssh` …)
//! is skipped with a warning, except `static/.well-known/` and `static/.nojekyll`,
//! which a site needs; and a link is followed only when its target is a regular file
//! inside `content/` or `static/` that is not hidden itself. One commit linking
//! `content/x.md` to `../.git/config` must not publish a token. Other folders (a theme's
//! templates and files) keep the older rule: links stay inside the folder's parent,
//! hidden names are passed over quietly, and never followed either.

use std::ffi::OsStr;
use std::path::{Component, Path, PathBuf};

use crate::diagnostics::Diagnostic;
use crate::diagnostics::codes::Code;

/// Hidden files and folders, and the temporary files editors write beside a file
/// they are saving (vim swap and backup files, Emacs lock files, JetBrains safe-write).
pub fn is_ignored(name: &OsStr) -> bool {
    is_hidden(name) || is_temporary(name)
}

/// A name starting with `.`: private by convention (`.git`, `.env`, `.ssh`).
fn is_hidden(name: &OsStr) -> bool {
    name.as_encoded_bytes().starts_with(b".")
}

/// The files an editor writes while saving: passed over without a word, since they
/// come and go as the author types.
fn is_temporary(name: &OsStr) -> bool {
    let name = name.to_string_lossy();
    name.ends_with('~')
        || name.starts_with(".#")
        || (name.starts_with('#') && name.ends_with('#'))
        || name.ends_with(".swp")
        || name.ends_with(".swx")
        || name.ends_with(".tmp")
        || name.contains("___jb_")
        || name == "4913"
}

/// Which rules a listing keeps, by the folder listed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Folder {
    /// `content/`: published.
    Content,
    /// `static/`: published, with its two dotfile exceptions.
    Static,
    /// Anything else (a theme's folders).
    Other,
}

impl Folder {
    /// The rules for listing `rel` (relative to the library root).
    pub(super) fn of(rel: &Path) -> Folder {
        if rel == Path::new("content") {
            Folder::Content
        } else if rel == Path::new("static") {
            Folder::Static
        } else {
            Folder::Other
        }
    }

    fn published(self) -> bool {
        self != Folder::Other
    }

    /// The folders (relative to the library root) a link listed in `rel` may point
    /// into, each with the rules its files keep.
    pub(super) fn link_bases(self, rel: &Path) -> Vec<(PathBuf, Folder)> {
        if self.published() {
            vec![
                (PathBuf::from("content"), Folder::Content),
                (PathBuf::from("static"), Folder::Static),
            ]
        } else {
            vec![(rel.parent().unwrap_or(Path::new("")).to_path_buf(), self)]
        }
    }
}

/// What a listing does with one name found in a folder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Verdict {
    Keep,
    /// Passed over without a word (an editor's temporary file; a hidden name outside
    /// the published folders).
    Quiet,
    /// Passed over with a warning: a hidden name in a published folder.
    Hidden,
}

/// The verdict on the name `name` at `depth` (1 = directly in the folder listed).
pub(super) fn judge(folder: Folder, depth: usize, name: &OsStr) -> Verdict {
    if is_temporary(name) {
        return Verdict::Quiet;
    }
    if !is_hidden(name) {
        return Verdict::Keep;
    }
    let exception = folder == Folder::Static
        && depth == 1
        && (name == OsStr::new(".well-known") || name == OsStr::new(".nojekyll"));
    match (exception, folder.published()) {
        (true, _) => Verdict::Keep,
        (false, true) => Verdict::Hidden,
        (false, false) => Verdict::Quiet,
    }
}

/// The verdict on the path `below` (relative to the folder listed), judged name by
/// name from the top, as a walk meets them; with a skip, the part of `below` it
/// names (a hidden folder is skipped, and warned about, once).
pub(super) fn judge_path(folder: Folder, below: &Path) -> (Verdict, PathBuf) {
    let mut part = PathBuf::new();
    for (i, c) in below.components().enumerate() {
        let Component::Normal(name) = c else {
            return (Verdict::Quiet, below.to_path_buf());
        };
        part.push(name);
        let verdict = judge(folder, i + 1, name);
        if verdict != Verdict::Keep {
            return (verdict, part);
        }
    }
    (Verdict::Keep, part)
}

/// Whether a link's resolved target (in whatever form the source resolves it: a
/// canonical path on disk, a path in the tree for git) may be followed: inside one of
/// `bases` and not hidden below it.
pub(super) fn target_allowed(
    target: &Path,
    bases: &[(PathBuf, Folder)],
) -> Result<(), fn(String) -> Skipped> {
    for (base, folder) in bases {
        if let Ok(below) = target.strip_prefix(base) {
            return match judge_path(*folder, below).0 {
                Verdict::Keep => Ok(()),
                _ => Err(Skipped::LinkToHidden),
            };
        }
    }
    Err(Skipped::LinkOutside)
}

/// Why a listing skipped something, `shown` being the folder's name joined with the
/// path below it (`content/a.md`). A link's target is given as the link has it.
#[derive(Debug)]
pub(super) enum Skipped {
    LinkToFolder,
    LinkToOther,
    LinkLoop,
    /// Out of `content/` and `static/` (out of the folder's parent elsewhere), or broken.
    LinkOutside(String),
    LinkToHidden(String),
    NotRegular,
    /// A hidden file, or a hidden folder (not entered), in `content/` or `static/`.
    Hidden {
        folder: bool,
    },
}

impl Skipped {
    pub(super) fn warning(self, shown: PathBuf) -> Diagnostic {
        let published = matches!(
            shown.components().next(),
            Some(Component::Normal(f)) if f == "content" || f == "static"
        );
        let d = match self {
            Skipped::LinkToFolder => {
                Diagnostic::warning(shown, "symbolic link to a folder skipped")
                    .help("covermap does not follow folder links; move the files into content/")
            }
            Skipped::LinkToOther => Diagnostic::warning(
                shown,
                "symbolic link to something that is not a regular file skipped",
            )
            .help("link only to files, or move the file into the library"),
            Skipped::LinkLoop => Diagnostic::warning(shown, "symbolic link loop skipped").help(
                "the link points back to itself through other links: remove it or point it at a file",
            ),
            Skipped::LinkOutside(target) => {
                let within = if published {
                    "content/ and static/"
                } else {
                    "its folder"
                };
                Diagnostic::warning(
                    shown,
                    format!(
                        "symbolic link out of {within} (or broken) skipped: it points to `{}`, which is never read",
                        crate::diagnostics::printable(&target)
                    ),
                )
                .help(format!("covermap follows a link only to a file inside {within}, so nothing else (.git, plan.toml, your home folder) is ever published; copy the file in instead"))
            }
            Skipped::LinkToHidden(target) => Diagnostic::warning(
                shown,
                format!(
                    "symbolic link to a hidden file skipped: it points to `{}`, which is never read",
                    crate::diagnostics::printable(&target)
                ),
            )
            .help("hidden files and folders (.git, .env, .ssh …) are never published, not even through a link"),
            Skipped::NotRegular => Diagnostic::warning(
                shown,
                "not a regular file (a FIFO, socket or device): skipped",
            )
            .help("only regular files are assets or attachments; move it out of the library"),
            Skipped::Hidden { folder } => {
                let what = if folder { "hidden folder" } else { "hidden file" };
                return Diagnostic::warning(shown, format!("{what} skipped: never published"))
                    .help("names starting with `.` (.git, .env, .ssh …) stay private; only static/.well-known/ and static/.nojekyll are published. Rename it if it belongs in the site")
                    .code(Code::HiddenSkipped);
            }
        };
        d.code(Code::SkippedFile)
    }
}
