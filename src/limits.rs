//! Every resource limit in one place. A library that passes one of these is refused with
//! an error naming the file and the limit, never read at unbounded cost: each bounds the
//! time, memory or stack one hostile or broken file can take. The README's "Limits"
//! table lists them; raise one here and nowhere else.

/// Largest Markdown asset file read, in bytes. Bigger files are refused before they are
/// read; big documents belong in attachments or behind `url:`.
pub const MAX_ASSET_BYTES: u64 = 10 * 1024 * 1024;

/// Largest `plan.toml`, in bytes.
pub const MAX_PLAN_BYTES: u64 = 1024 * 1024;

/// Most values one front matter list (`tags`, `personas`, …) may hold.
pub const MAX_LIST_VALUES: usize = 10_000;

/// Deepest nesting of lists and maps in front matter and in `plan.toml`. Real files
/// nest two or three levels; the parsers recurse once per level, so this also bounds
/// the stack a file can take.
pub const MAX_NESTING: usize = 16;

/// Most values (scalars, lists and maps, each alias use counted again) one front matter
/// block may expand to: bounds "billion laughs" alias bombs.
pub const MAX_FRONT_MATTER_VALUES: usize = 100_000;

/// Most alias uses (`*name`) in one YAML front matter block.
pub const MAX_YAML_ALIASES: usize = 1_000;

/// Deepest nesting of elements (raw HTML, and Markdown's quotes, lists and emphasis) in
/// an asset body that holds raw HTML: the sanitizer's HTML parser takes time growing with
/// the square of the nesting depth. Bodies without raw HTML are not sanitized.
pub const MAX_HTML_NESTING: usize = 256;

/// Most coverage cells (Σ over segments of buying-group personas × stages) a plan may
/// have; the model and the heatmap grow with it.
pub const MAX_CELLS: usize = 100_000;

/// A byte count for messages: `20.0 MB`, `512 KB`.
pub fn size(bytes: u64) -> String {
    const MB: u64 = 1024 * 1024;
    if bytes >= MB {
        format!("{:.1} MB", bytes as f64 / MB as f64)
    } else {
        format!("{} KB", bytes.div_ceil(1024))
    }
}

/// The deepest nesting of arrays, inline tables, dotted keys and table headers in a
/// TOML text, found without parsing it, so a text nested too deep for the parser's
/// recursion is refused before it is parsed. Returns the depth and the byte offset at
/// which it is first reached. It may count a level more than the parser would (a
/// dotted key in a header also counts the table), never fewer; it stops counting once
/// past [`MAX_NESTING`].
pub fn toml_nesting(text: &str) -> (usize, usize) {
    let bytes = text.as_bytes();
    let (mut max, mut at) = (0, 0);
    // Per open bracket: itself, and the dotted-key levels of the key it is the value of.
    let mut stack: Vec<(u8, usize)> = Vec::new();
    let mut stack_dots = 0;
    let mut header = 0;
    let mut key_dots = 0;
    let mut in_key = true;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        match b {
            b'"' | b'\'' => {
                let triple = bytes[i..].starts_with(&[b; 3]);
                let quote_len = if triple { 3 } else { 1 };
                i += quote_len;
                while i < bytes.len() {
                    if b == b'"' && bytes[i] == b'\\' {
                        i += 2;
                        continue;
                    }
                    if !triple && bytes[i] == b'\n' {
                        break;
                    }
                    // Compared byte by byte: a slice comparison here, once per byte of
                    // every string, was a twentieth of loading TOML front matter.
                    let closes = bytes[i] == b
                        && (!triple
                            || (bytes.get(i + 1) == Some(&b) && bytes.get(i + 2) == Some(&b)));
                    if closes {
                        i += quote_len;
                        break;
                    }
                    i += 1;
                }
                continue;
            }
            b'#' => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
                continue;
            }
            b'\n' if stack.is_empty() => {
                key_dots = 0;
                in_key = true;
            }
            b'[' if stack.is_empty() && in_key && key_dots == 0 => {
                // A table header: `[a.b]` or `[[a.b]]`; its keys nest below it.
                let end = text[i..].find('\n').map_or(text.len(), |n| i + n);
                let line = &text[i..end];
                header = 1 + line.matches('.').count() + usize::from(line.starts_with("[["));
                i = end;
                continue;
            }
            b'[' | b'{' => {
                stack.push((b, key_dots));
                stack_dots += key_dots;
                key_dots = 0;
                in_key = b == b'{';
            }
            b']' | b'}' => {
                key_dots = stack.pop().map_or(0, |(_, dots)| dots);
                stack_dots -= key_dots;
                in_key = false;
            }
            b',' => {
                in_key = stack.last().is_some_and(|&(open, _)| open == b'{');
                key_dots = 0;
            }
            b'=' => in_key = false,
            b'.' if in_key => key_dots += 1,
            _ => {}
        }
        let depth = header + stack.len() + stack_dots + key_dots;
        if depth > max {
            (max, at) = (depth, i);
            if max > MAX_NESTING {
                break;
            }
        }
        i += 1;
    }
    (max, at)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn toml_nesting_counts_brackets_dotted_keys_and_headers() {
        assert_eq!(toml_nesting("title = \"a\"\n").0, 0);
        assert_eq!(toml_nesting("a = [1, [2, [3]]]\n").0, 3);
        assert_eq!(toml_nesting("a = { b = { c = 1 } }\n").0, 2);
        assert_eq!(toml_nesting("a.b.c = 1\n").0, 2);
        assert_eq!(toml_nesting("a.b = [[1]]\n").0, 3);
        assert_eq!(toml_nesting("[[segments]]\nweights = { a = 1 }\n").0, 3);
        // Brackets and dots inside strings and comments do not count.
        assert_eq!(toml_nesting("a = \"[[[[.]]]]\" # [[[[\nb = '{{{'\n").0, 0);
        assert_eq!(toml_nesting("a = \"\"\"\n[[[\n\"\"\"\n").0, 0);
        assert_eq!(toml_nesting("a = [1.5, 2.5, 3.5, 4.5]\n").0, 1);
        let deep = format!("a = {}{}\n", "[".repeat(100), "]".repeat(100));
        assert_eq!(toml_nesting(&deep), (MAX_NESTING + 1, 4 + MAX_NESTING));
        let dotted = format!("{} = 1\n", vec!["a"; 50].join("."));
        assert_eq!(toml_nesting(&dotted).0, MAX_NESTING + 1);
        let header = format!("[{}]\n", vec!["a"; 50].join("."));
        assert_eq!(toml_nesting(&header).0, 50);
    }

    #[test]
    fn sizes_read_as_people_write_them() {
        assert_eq!(size(20 * 1024 * 1024 + 17), "20.0 MB");
        assert_eq!(size(1500), "2 KB");
    }
}
