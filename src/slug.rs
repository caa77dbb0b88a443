//! Slugs: the path parts of the site's URLs, made from file paths, front matter and
//! taxonomy words. One module, so that the library, the pages and the search data
//! agree on every URL.

use std::path::Path;

/// The slug of a file: its path under `content/` without `.md`, lowercased, with every
/// run of characters outside `[a-z0-9/]` made one `-`.
pub fn slug_from_path(content_path: &Path) -> String {
    // Joined from the path's parts, so that only the system's separator separates: on
    // Unix a `\` is part of a file name, and must not make an empty or leading part.
    let s = content_path
        .components()
        .map(|part| part.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/");
    let s = s.strip_suffix(".md").unwrap_or(&s).to_lowercase();
    let mut out = String::with_capacity(s.len());
    let mut in_run = false;
    for c in s.chars() {
        if c.is_ascii_lowercase() || c.is_ascii_digit() || c == '/' {
            out.push(c);
            in_run = false;
        } else if !in_run {
            out.push('-');
            in_run = true;
        }
    }
    out
}

/// A valid slug close to a rejected one, for the help: `/`, `.` and `..` parts and
/// empty parts dropped, the rest made a slug as a file's path would be. `None` when
/// nothing is left.
pub fn suggest_slug(slug: &str) -> Option<String> {
    let slug = slug.replace('\\', "/");
    let parts: Vec<&str> = slug
        .split('/')
        .map(str::trim)
        .filter(|p| !matches!(*p, "" | "." | ".."))
        .collect();
    let good = slug_from_path(Path::new(&parts.join("/")));
    check_slug(&good).is_ok().then_some(good)
}

/// Checks an explicit slug: it becomes a folder path in the output.
pub fn check_slug(slug: &str) -> Result<(), &'static str> {
    if slug.is_empty() {
        return Err("is empty");
    }
    if slug.starts_with('/') || slug.ends_with('/') {
        return Err("starts or ends with `/`");
    }
    if slug
        .split('/')
        .any(|part| part.is_empty() || part == "." || part == "..")
    {
        return Err("has an empty, `.` or `..` part");
    }
    if !slug
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'/')
    {
        return Err("has characters other than lowercase letters, digits, `-` and `/`");
    }
    Ok(())
}

/// A word as a path part: lowercase, runs of other characters made `-`.
pub fn slugify(word: &str) -> String {
    let s = slug_from_path(Path::new(&word.replace('/', "-")));
    let s = s.trim_matches('-');
    if s.is_empty() { "-".into() } else { s.into() }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs() {
        for (path, want) in [
            ("Case Studies/Acme Corp.md", "case-studies/acme-corp"),
            ("a/b.md", "a/b"),
            ("x__y--z.md", "x-y-z"),
            ("café.md", "caf-"),
        ] {
            assert_eq!(slug_from_path(Path::new(path)), want);
        }
        // On Unix a backslash is part of a name (found by tests/fuzz.rs: `\.md` gave `/`).
        if cfg!(unix) {
            assert_eq!(slug_from_path(Path::new("\\.md")), "-");
            assert_eq!(slug_from_path(Path::new("a\\b.md")), "a-b");
        }
        assert!(check_slug("a/b-c").is_ok());
        for bad in ["", "/a", "a/", "a//b", "a/../b", "A", "a b", "a\\b"] {
            assert!(check_slug(bad).is_err(), "{bad}");
        }
    }
}
