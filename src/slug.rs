//! Slugs: the path parts of the site's URLs, made from file paths, front matter and
//! taxonomy words. One module, so that the library, the pages and the search data
//! agree on every URL.

use std::path::Path;

/// The slug of a file: its path under `content/` without its Markdown extension
/// (`.md`, `.markdown` or `.mdx`, in any case: `a.mdx` is `a`, as `a.md` is), made a
/// slug part by part as [`slug_words`] makes one.
pub fn slug_from_path(content_path: &Path) -> String {
    // Joined from the path's parts, so that only the system's separator separates: on
    // Unix a `\` is part of a file name, and must not make an empty or leading part.
    let s = content_path
        .components()
        .map(|part| part.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/");
    slug_words(strip_markdown_extension(&s), true)
}

/// The extensions a page's slug drops; other extensions stay part of the slug.
const MARKDOWN_EXTENSIONS: [&str; 3] = [".md", ".markdown", ".mdx"];

fn strip_markdown_extension(path: &str) -> &str {
    for ext in MARKDOWN_EXTENSIONS {
        let Some(cut) = path.len().checked_sub(ext.len()) else {
            continue;
        };
        // A dot first, then ASCII: `cut` is a char boundary whenever the tail matches.
        if path.is_char_boundary(cut) && path[cut..].eq_ignore_ascii_case(ext) {
            return &path[..cut];
        }
    }
    path
}

/// Text as a slug: lowercased, Latin letters stripped of their diacritics (`café` →
/// `cafe`, also when the accent is a separate combining mark, as macOS writes file
/// names), letters and digits of every other script kept as they are (`経理`,
/// `ελληνικά`), and every run of other characters made one `-` (`/` kept when `paths`).
pub fn slug_words(text: &str, paths: bool) -> String {
    let mut out = String::with_capacity(text.len());
    let mut in_run = false;
    let mut after_latin = false;
    for c in text.chars().flat_map(char::to_lowercase) {
        if is_combining_mark(c) && after_latin {
            continue;
        }
        after_latin = false;
        if let Some(base) = fold_latin(c) {
            out.push_str(base);
            in_run = false;
            after_latin = true;
        } else if c.is_ascii_lowercase() || c.is_ascii_digit() || (paths && c == '/') {
            out.push(c);
            in_run = false;
            after_latin = c.is_ascii_lowercase();
        } else if is_slug_char(c) {
            out.push(c);
            in_run = false;
        } else if !in_run {
            out.push('-');
            in_run = true;
        }
    }
    out
}

/// Whether a character beyond ASCII may stand in a slug: a letter or digit of any
/// script that is not upper case (upper case is lowered first).
fn is_slug_char(c: char) -> bool {
    !c.is_ascii() && c.is_alphanumeric() && !c.is_uppercase()
}

/// The combining diacritical marks (U+0300–U+036F) that decomposed Latin text carries.
fn is_combining_mark(c: char) -> bool {
    ('\u{300}'..='\u{36f}').contains(&c)
}

/// The plain Latin letters of a lowercase Latin letter with a diacritic, or of a
/// ligature (Latin-1 Supplement and Latin Extended-A); `None` for any other character.
fn fold_latin(c: char) -> Option<&'static str> {
    Some(match c {
        'à'..='å' | 'ā' | 'ă' | 'ą' => "a",
        'æ' => "ae",
        'ç' | 'ć' | 'ĉ' | 'ċ' | 'č' => "c",
        'è'..='ë' | 'ē' | 'ĕ' | 'ė' | 'ę' | 'ě' => "e",
        'ì'..='ï' | 'ĩ' | 'ī' | 'ĭ' | 'į' | 'ı' => "i",
        'ð' | 'ď' | 'đ' => "d",
        'ñ' | 'ń' | 'ņ' | 'ň' | 'ŉ' | 'ŋ' => "n",
        'ò'..='ö' | 'ø' | 'ō' | 'ŏ' | 'ő' => "o",
        'ù'..='ü' | 'ũ' | 'ū' | 'ŭ' | 'ů' | 'ű' | 'ų' => "u",
        'ý' | 'ÿ' | 'ŷ' => "y",
        'þ' => "th",
        'ß' => "ss",
        'ĝ' | 'ğ' | 'ġ' | 'ģ' => "g",
        'ĥ' | 'ħ' => "h",
        'ĳ' => "ij",
        'ĵ' => "j",
        'ķ' | 'ĸ' => "k",
        'ĺ' | 'ļ' | 'ľ' | 'ŀ' | 'ł' => "l",
        'œ' => "oe",
        'ŕ' | 'ŗ' | 'ř' => "r",
        'ś' | 'ŝ' | 'ş' | 'š' | 'ſ' => "s",
        'ţ' | 'ť' | 'ŧ' => "t",
        'ŵ' => "w",
        'ź' | 'ż' | 'ž' => "z",
        _ => return None,
    })
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
    if !slug.chars().all(|c| {
        c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '/' || is_slug_char(c)
    }) {
        return Err("has characters other than lowercase letters, digits, `-` and `/`");
    }
    Ok(())
}

/// A word as a path part ([`slug_words`], `/` made `-` too), without `-` at its ends.
pub fn slugify(word: &str) -> String {
    let s = slug_words(word, false);
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
            ("café.md", "cafe"),
            ("cafe\u{301}.md", "cafe"),
            ("Ελληνικά.md", "ελληνικά"),
            ("経理/法務.md", "経理/法務"),
            ("Straße Œuvre.md", "strasse-oeuvre"),
            // Every Markdown extension gives the slug `.md` would, in any case.
            ("a.mdx", "a"),
            ("a.markdown", "a"),
            ("docs/Intro.MDX", "docs/intro"),
            ("README.MD", "readme"),
            ("x.Markdown", "x"),
            // Other extensions stay part of the slug.
            ("a.txt", "a-txt"),
            ("a.mdxx", "a-mdxx"),
            (".md", ""),
            ("経理.mdx", "経理"),
        ] {
            assert_eq!(slug_from_path(Path::new(path)), want);
        }
        // On Unix a backslash is part of a name (found by tests/fuzz.rs: `\.md` gave `/`).
        if cfg!(unix) {
            assert_eq!(slug_from_path(Path::new("\\.md")), "-");
            assert_eq!(slug_from_path(Path::new("a\\b.md")), "a-b");
        }
        assert!(check_slug("a/b-c").is_ok());
        for good in ["経理", "ελληνικά/a", "tags/法務-2"] {
            assert!(check_slug(good).is_ok(), "{good}");
        }
        for (word, want) in [
            ("Café", "cafe"),
            ("経理", "経理"),
            ("法務", "法務"),
            ("Ελληνικά", "ελληνικά"),
            ("a/b", "a-b"),
            ("  --x--  ", "x"),
            ("\u{200b}", "-"),
        ] {
            assert_eq!(slugify(word), want, "{word:?}");
        }
        for bad in [
            "",
            "/a",
            "a/",
            "a//b",
            "a/../b",
            "A",
            "a b",
            "a\\b",
            "Ω",
            "a\u{200b}",
        ] {
            assert!(check_slug(bad).is_err(), "{bad}");
        }
    }
}
