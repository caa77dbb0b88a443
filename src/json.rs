//! JSON as the site ships it: serde_json's output with `<` and `>` written as `\u003c`
//! and `\u003e` (the same strings to any JSON reader), so no file of the site holds the
//! library's markup as markup whatever a host or browser takes it for; `&` too for JSON
//! inside a page's `<script>`; and, for the search data, every non-ASCII character as
//! well, so a file reads the same whatever charset a host declares for it. The escaping
//! happens as serde_json writes each string, in the one pass that makes the file.

use std::io;

use serde::Serialize;
use serde_json::ser::{CompactFormatter, Formatter, PrettyFormatter, Serializer};

/// What is escaped besides what JSON itself requires.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Escape {
    /// `<` and `>`.
    Markup,
    /// `<`, `>` and `&`: JSON inside a page's `<script>` element.
    Script,
    /// `<`, `>`, `&` and every character outside ASCII.
    Ascii,
}

/// What each byte becomes, per [`Escape`]: 0 kept; `u` a `\uXXXX` escape of the
/// character it starts; any other letter that letter after a backslash (`\n`, `\"`).
const TABLES: [[u8; 256]; 3] = [
    table(Escape::Markup),
    table(Escape::Script),
    table(Escape::Ascii),
];

const fn table(escape: Escape) -> [u8; 256] {
    let mut t = [0u8; 256];
    let mut b = 0;
    while b < 0x20 {
        t[b] = b'u';
        b += 1;
    }
    t[b'"' as usize] = b'"';
    t[b'\\' as usize] = b'\\';
    t[b'\n' as usize] = b'n';
    t[b'\r' as usize] = b'r';
    t[b'\t' as usize] = b't';
    t[0x08] = b'b';
    t[0x0c] = b'f';
    t[b'<' as usize] = b'u';
    t[b'>' as usize] = b'u';
    if !matches!(escape, Escape::Markup) {
        t[b'&' as usize] = b'u';
    }
    if matches!(escape, Escape::Ascii) {
        let mut b = 0x80;
        while b < 256 {
            t[b] = b'u';
            b += 1;
        }
    }
    t
}

/// Writes `text` escaped as JSON and `escape` say, without quotes. A table lookup a
/// byte: the search data's rows are markup, a `<` or `>` every few bytes, where
/// skipping words at a time gains nothing.
fn escape_into<W: ?Sized + io::Write>(w: &mut W, text: &str, escape: Escape) -> io::Result<()> {
    let table = &TABLES[escape as usize];
    let bytes = text.as_bytes();
    let mut start = 0;
    let mut i = 0;
    while i < bytes.len() {
        let e = table[bytes[i] as usize];
        if e == 0 {
            i += 1;
            continue;
        }
        w.write_all(&bytes[start..i])?;
        if e == b'u' {
            let c = text[i..].chars().next().unwrap_or('\u{fffd}');
            let mut units = [0u16; 2];
            for &u in c.encode_utf16(&mut units).iter() {
                unicode_escape(w, u)?;
            }
            i += c.len_utf8();
        } else {
            w.write_all(&[b'\\', e])?;
            i += 1;
        }
        start = i;
    }
    w.write_all(&bytes[start..])
}

/// Appends `text` as a JSON string, quoted and escaped as serde_json does and as
/// `escape` adds, in one pass: for long strings of markup (the search data's rows),
/// where serde_json's scan and then the formatter's would each go over every byte.
pub fn write_str(out: &mut Vec<u8>, text: &str, escape: Escape) {
    out.reserve(text.len() + 2);
    out.push(b'"');
    // Writing to a Vec does not fail.
    let _ = escape_into(out, text, escape);
    out.push(b'"');
}

/// Appends `value` as compact JSON to `out`.
pub fn write_compact<T: Serialize + ?Sized>(out: &mut Vec<u8>, value: &T, escape: Escape) {
    let start = out.len();
    let mut ser = Serializer::with_formatter(&mut *out, Safe::new(CompactFormatter, escape));
    if value.serialize(&mut ser).is_err() {
        // Only a map with non-string keys fails, which none of ours has.
        out.truncate(start);
        out.extend_from_slice(b"null");
    }
}

/// `value` as compact JSON.
pub fn compact<T: Serialize + ?Sized>(value: &T, escape: Escape) -> Vec<u8> {
    let mut out = Vec::new();
    write_compact(&mut out, value, escape);
    out
}

/// `value` as JSON indented by two spaces, with a final newline.
pub fn pretty<T: Serialize + ?Sized>(value: &T, escape: Escape) -> Vec<u8> {
    let mut out = Vec::new();
    let mut ser = Serializer::with_formatter(&mut out, Safe::new(PrettyFormatter::new(), escape));
    if value.serialize(&mut ser).is_err() {
        out.clear();
        out.extend_from_slice(b"null");
    }
    out.push(b'\n');
    out
}

/// A formatter that lays out as `inner` does and escapes strings as `escape` says.
struct Safe<F> {
    inner: F,
    escape: Escape,
}

impl<F> Safe<F> {
    fn new(inner: F, escape: Escape) -> Self {
        Safe { inner, escape }
    }
}

/// Writes `\uXXXX` (lowercase hex) for the UTF-16 unit `u`.
fn unicode_escape<W: ?Sized + io::Write>(w: &mut W, u: u16) -> io::Result<()> {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    w.write_all(&[
        b'\\',
        b'u',
        HEX[usize::from(u >> 12)],
        HEX[usize::from((u >> 8) & 15)],
        HEX[usize::from((u >> 4) & 15)],
        HEX[usize::from(u & 15)],
    ])
}

impl<F: Formatter> Formatter for Safe<F> {
    fn write_string_fragment<W: ?Sized + io::Write>(
        &mut self,
        w: &mut W,
        fragment: &str,
    ) -> io::Result<()> {
        // serde_json hands over runs without quotes, backslashes or control
        // characters: only `escape`'s own characters are left to escape.
        escape_into(w, fragment, self.escape)
    }

    fn begin_array<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.inner.begin_array(w)
    }

    fn end_array<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.inner.end_array(w)
    }

    fn begin_array_value<W: ?Sized + io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> io::Result<()> {
        self.inner.begin_array_value(w, first)
    }

    fn end_array_value<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.inner.end_array_value(w)
    }

    fn begin_object<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.inner.begin_object(w)
    }

    fn end_object<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.inner.end_object(w)
    }

    fn begin_object_key<W: ?Sized + io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> io::Result<()> {
        self.inner.begin_object_key(w, first)
    }

    fn end_object_key<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.inner.end_object_key(w)
    }

    fn begin_object_value<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.inner.begin_object_value(w)
    }

    fn end_object_value<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.inner.end_object_value(w)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_is_escaped_in_strings_and_reads_back_the_same() {
        let v = serde_json::json!({"t": "<b>Q&A</b> café \u{1F600}", "n": [1, 2]});
        let markup = String::from_utf8(compact(&v, Escape::Markup)).unwrap();
        assert_eq!(
            markup,
            "{\"n\":[1,2],\"t\":\"\\u003cb\\u003eQ&A\\u003c/b\\u003e café \u{1F600}\"}"
        );
        let ascii = String::from_utf8(compact(&v, Escape::Ascii)).unwrap();
        assert_eq!(
            ascii,
            "{\"n\":[1,2],\"t\":\"\\u003cb\\u003eQ\\u0026A\\u003c/b\\u003e caf\\u00e9 \\ud83d\\ude00\"}"
        );
        for text in [markup, ascii] {
            let back: serde_json::Value = serde_json::from_str(&text).unwrap();
            assert_eq!(back, v);
        }
    }

    #[test]
    fn pretty_keeps_serde_json_layout() {
        let v = serde_json::json!({"a": ["<x>"], "b": {}});
        let ours = pretty(&v, Escape::Markup);
        let mut theirs = serde_json::to_vec_pretty(&v).unwrap();
        theirs.push(b'\n');
        let theirs = String::from_utf8(theirs).unwrap().replace('<', "\\u003c");
        assert_eq!(
            String::from_utf8(ours).unwrap(),
            theirs.replace('>', "\\u003e")
        );
    }

    #[test]
    fn control_characters_keep_json_escapes() {
        let text = String::from_utf8(compact("a\u{0}\"\n", Escape::Ascii)).unwrap();
        assert_eq!(text, "\"a\\u0000\\\"\\n\"");
    }

    #[test]
    fn every_byte_to_escape_is_found_at_every_place() {
        // Every needing byte at every offset of a 20-byte string, beside plain ones.
        for escape in [Escape::Markup, Escape::Script, Escape::Ascii] {
            for special in ["<", ">", "&", "é", "\u{1F600}"] {
                for at in 0..20 {
                    let text = format!("{}{special}{}", "a".repeat(at), "b".repeat(19 - at));
                    let ours = String::from_utf8(compact(&text, escape)).unwrap();
                    let expected = match (escape, special) {
                        (_, "<") => "\\u003c",
                        (_, ">") => "\\u003e",
                        (Escape::Script | Escape::Ascii, "&") => "\\u0026",
                        (Escape::Ascii, "é") => "\\u00e9",
                        (Escape::Ascii, _) if special != "&" && special != "é" => "\\ud83d\\ude00",
                        _ => special,
                    };
                    let want = format!("\"{}{expected}{}\"", "a".repeat(at), "b".repeat(19 - at));
                    assert_eq!(ours, want, "{escape:?} {special:?} at {at}");
                }
            }
        }
    }

    #[test]
    fn the_one_pass_string_writer_matches_the_serializer() {
        let pieces = [
            "a",
            "<",
            ">",
            "&",
            "\"",
            "\\",
            "\n",
            "\r",
            "\t",
            "\u{8}",
            "\u{c}",
            "\u{0}",
            "\u{1f}",
            "\u{7f}",
            "é",
            "営",
            "\u{1F600}",
            " ",
            "abcdefgh",
        ];
        // Every pair and triple of pieces, at every offset within a word.
        for pad in 0..8 {
            for a in pieces {
                for b in pieces {
                    for c in ["", "x", "<b>"] {
                        let text = format!("{}{a}{b}{c}", "p".repeat(pad));
                        for escape in [Escape::Markup, Escape::Script, Escape::Ascii] {
                            let mut ours = Vec::new();
                            write_str(&mut ours, &text, escape);
                            assert_eq!(
                                String::from_utf8(ours).unwrap(),
                                String::from_utf8(compact(&text, escape)).unwrap(),
                                "{text:?} {escape:?}"
                            );
                        }
                    }
                }
            }
        }
    }
}
