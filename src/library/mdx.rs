//! MDX files (Docusaurus, Astro, Gatsby) open with ESM: `import` and `export` lines
//! that mean nothing outside a JavaScript build and would show as text. Loading blanks
//! them before the Markdown is read; JSX components in the body are left to rendering.

use std::path::Path;

pub fn is_mdx(path: &Path) -> bool {
    path.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("mdx"))
}

/// The bytes of the file `path` as loading reads them: ESM blanked for `.mdx` (text
/// that is not UTF-8 is left for the reader to refuse).
pub fn strip_esm_bytes(path: &Path, bytes: Vec<u8>) -> Vec<u8> {
    if !is_mdx(path) {
        return bytes;
    }
    match String::from_utf8(bytes) {
        Ok(text) => strip_esm(&text).into_bytes(),
        Err(e) => e.into_bytes(),
    }
}

/// `text` with every ESM block blanked: as MDX reads it, a block starts with `import `
/// or `export ` at the start of a line outside front matter and fenced code, and runs
/// to the next blank line. Lines are blanked, not removed, so every later line keeps
/// its number in diagnostics.
pub fn strip_esm(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut front: Option<&str> = None;
    let mut fence: Option<&str> = None;
    let mut in_esm = false;
    for (i, line) in text.split_inclusive('\n').enumerate() {
        let bare = line.trim_end_matches(['\n', '\r']);
        let ending = &line[bare.len()..];
        let trimmed = bare.trim_start_matches('\u{feff}');
        if i == 0 && (trimmed == "---" || trimmed == "+++") {
            front = Some(if trimmed == "---" { "---" } else { "+++" });
            out.push_str(line);
            continue;
        }
        if let Some(close) = front {
            if bare.trim_end() == close {
                front = None;
            }
            out.push_str(line);
            continue;
        }
        if in_esm {
            if bare.trim().is_empty() {
                in_esm = false;
                out.push_str(line);
            } else {
                out.push_str(ending);
            }
            continue;
        }
        let start = bare.trim_start();
        if let Some(f) = fence {
            if start.starts_with(f) {
                fence = None;
            }
        } else if start.starts_with("```") {
            fence = Some("```");
        } else if start.starts_with("~~~") {
            fence = Some("~~~");
        } else if bare.starts_with("import ") || bare.starts_with("export ") {
            in_esm = true;
            out.push_str(ending);
            continue;
        }
        out.push_str(line);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::strip_esm;

    #[test]
    fn esm_blocks_are_blanked_and_lines_kept() {
        let text = "---\ntitle: A\n---\nimport Tabs from '@theme/Tabs';\nimport {\n  X,\n} from 'y';\n\n# Hi\n\nexport const meta = {a: 1};\n\nBody import here.\n```js\nimport z from 'z';\n```\n";
        let out = strip_esm(text);
        assert_eq!(out.lines().count(), text.lines().count());
        assert!(!out.contains("@theme/Tabs") && !out.contains("X,") && !out.contains("meta"));
        assert!(out.contains("# Hi") && out.contains("Body import here."));
        assert!(out.contains("import z from 'z';"), "code stays: {out}");
        assert!(out.starts_with("---\ntitle: A\n---\n\n\n\n\n\n# Hi"));
    }

    #[test]
    fn a_file_without_esm_is_unchanged() {
        let text = "+++\ntitle = \"x\"\n+++\nimportant: yes\n  import indented\n";
        assert_eq!(strip_esm(text), text);
    }
}
