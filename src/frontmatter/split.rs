//! Cutting a Markdown file into its front matter block and its body, after the
//! normalization (byte-order mark, CRLF) every later line and column count relies on.

/// The syntax of a front matter block.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Yaml,
    Toml,
}

/// A file cut into its front matter block and body.
#[derive(Debug, PartialEq, Eq)]
pub struct Split<'a> {
    pub format: Format,
    pub block: &'a str,
    /// 1-based line of the file on which the block's first line stands.
    pub block_line: u32,
    pub body: &'a str,
}

/// Why a file could not be split.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SplitError {
    Empty,
    Missing,
    Unclosed { delimiter: &'static str },
}

/// Strips a UTF-8 byte-order mark and turns CRLF line endings into LF, so that every
/// later line and column is counted the same way whichever editor saved the file.
pub fn normalize(text: &str) -> std::borrow::Cow<'_, str> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if memchr::memchr(b'\r', text.as_bytes()).is_some() {
        std::borrow::Cow::Owned(text.replace("\r\n", "\n"))
    } else {
        std::borrow::Cow::Borrowed(text)
    }
}

/// Splits normalized text into front matter and body.
pub fn split(text: &str) -> Result<Split<'_>, SplitError> {
    if text.trim().is_empty() {
        return Err(SplitError::Empty);
    }
    let first_end = memchr::memchr(b'\n', text.as_bytes()).unwrap_or(text.len());
    let (format, delimiter) = match text[..first_end].trim_end() {
        "---" => (Format::Yaml, "---"),
        "+++" => (Format::Toml, "+++"),
        _ => return Err(SplitError::Missing),
    };
    let block_start = (first_end + 1).min(text.len());
    let mut pos = block_start;
    while pos < text.len() {
        let end = memchr::memchr(b'\n', &text.as_bytes()[pos..]).map_or(text.len(), |i| pos + i);
        let line = text[pos..end].trim_end();
        if line == delimiter || (format == Format::Yaml && line == "...") {
            return Ok(Split {
                format,
                block: &text[block_start..pos],
                block_line: 2,
                body: &text[(end + 1).min(text.len())..],
            });
        }
        pos = end + 1;
    }
    Err(SplitError::Unclosed { delimiter })
}
