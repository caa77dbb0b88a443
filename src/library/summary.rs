//! Warnings every file of an adopted repo may raise at once (issue 14 item 4): a page
//! titled from its heading or file name (W0313) and a page skipped as a redirect stub or
//! feed template (W0314). A few are shown one by one, at their file; more become one
//! summary warning each, naming the first few files and how many more, so 209 pages
//! without front matter make one line, not 209. `COVERMAP_WARNINGS=all`, which makes
//! the terminal list every warning, keeps them one by one here too.

use std::path::Path;

use crate::diagnostics::{Code, Diagnostic};

/// Up to this many of one kind are shown one by one.
const ONE_BY_ONE: usize = 5;

/// The files a summary names before "… and N more".
const NAMED: usize = 5;

/// `diags` with the W0313 and W0314 of more than [`ONE_BY_ONE`] files each made one
/// summary warning (at the content folder `folder`), the rest as they were.
pub(super) fn summarize(diags: &mut Vec<Diagnostic>, folder: &Path) {
    if std::env::var("COVERMAP_WARNINGS").is_ok_and(|v| v == "all") {
        return;
    }
    for (code, what, help) in [
        (
            Code::TitleFallback,
            "pages without front matter or `title` were titled from their first heading or file name",
            "add `title: \"…\"` to a page to name it yourself",
        ),
        (
            Code::PageSkipped,
            "redirect stubs and feed or sitemap templates were skipped: they are not assets",
            "exclude them in plan.toml's `[content] exclude` to silence this",
        ),
    ] {
        let count = diags.iter().filter(|d| d.code == code).count();
        if count <= ONE_BY_ONE {
            continue;
        }
        let mut files: Vec<String> = diags
            .iter()
            .filter(|d| d.code == code)
            .map(|d| d.path.display().to_string())
            .collect();
        files.sort();
        let mut named = files[..NAMED].join(", ");
        named.push_str(&format!(" … and {} more", count - NAMED));
        diags.retain(|d| d.code != code);
        let at = if folder.as_os_str().is_empty() {
            Path::new(".")
        } else {
            folder
        };
        diags.push(
            Diagnostic::warning(at, format!("{count} {what}: {named}"))
                .help(help)
                .code(code),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn w(path: &str, code: Code) -> Diagnostic {
        Diagnostic::warning(path, "one").code(code)
    }

    #[test]
    fn a_few_stay_one_by_one_and_many_make_one_line() {
        let mut few: Vec<Diagnostic> = (0..5)
            .map(|i| w(&format!("c/{i}.md"), Code::TitleFallback))
            .collect();
        let before = few.clone();
        summarize(&mut few, Path::new("c"));
        assert_eq!(few, before);

        let mut many: Vec<Diagnostic> = (0..12)
            .rev()
            .map(|i| w(&format!("c/{i:02}.md"), Code::TitleFallback))
            .chain((0..7).map(|i| w(&format!("c/s{i}.md"), Code::PageSkipped)))
            .chain([w("c/x.md", Code::Stale)])
            .collect();
        summarize(&mut many, Path::new(""));
        assert_eq!(many.len(), 3, "{many:#?}");
        assert_eq!(many[0].code, Code::Stale);
        let title = &many[1];
        assert_eq!(title.code, Code::TitleFallback);
        assert_eq!(title.path, Path::new("."));
        assert!(
            title.message.starts_with("12 pages without front matter")
                && title
                    .message
                    .ends_with(": c/00.md, c/01.md, c/02.md, c/03.md, c/04.md … and 7 more"),
            "{}",
            title.message
        );
        assert!(
            many[2].message.starts_with("7 redirect stubs"),
            "{}",
            many[2].message
        );
        assert!(
            many[2].message.ends_with("… and 2 more"),
            "{}",
            many[2].message
        );
    }
}
