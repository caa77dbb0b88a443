//! The listing rules every source keeps: which files are passed over, and the warnings
//! for what a listing skips (symbolic links it does not follow, files that are not
//! regular), worded the same whichever source found them.

use std::path::PathBuf;

use crate::diagnostics::Diagnostic;

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

/// Why a listing skipped something, `shown` being the folder's name joined with the
/// path below it (`content/a.md`).
pub(super) enum Skipped {
    LinkToFolder,
    LinkToOther,
    LinkLoop,
    LinkOutside,
    NotRegular,
}

impl Skipped {
    pub(super) fn warning(self, shown: PathBuf) -> Diagnostic {
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
            Skipped::LinkOutside => Diagnostic::warning(
                shown,
                "symbolic link that leaves the library (or is broken) skipped",
            )
            .help("copy the file into the library instead of linking to it"),
            Skipped::NotRegular => Diagnostic::warning(
                shown,
                "not a regular file (a FIFO, socket or device): skipped",
            )
            .help("only regular files are assets or attachments; move it out of the library"),
        };
        d.code(crate::diagnostics::Code::SkippedFile)
    }
}
