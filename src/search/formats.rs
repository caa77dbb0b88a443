//! The search data's file formats, one named type per kind of file, and the packed
//! encodings inside them. Every file under `search/` carries one named piece of JSON,
//! packaged as its build's [`Mode`] says: by default `<name>.json`, the object
//! `{"name":"<name>","data":<JSON>}` ([`json_file`]), fetched by the page; with
//! `build --offline` `<name>.js`, the script `covermapSearch.add("<name>",<JSON>);`
//! ([`script`]), for `file://`. The JSON is one of:
//!
//! | name  | type          | JSON                                                  |
//! |-------|---------------|-------------------------------------------------------|
//! | `meta`| [`Meta`]      | an object; its `facets` are [`MetaFacet`] objects, their `values` [`FacetValueRow`]s, its `cells` [`CellRow`]s |
//! | `t/<n>` | [`TermShard`] | `[term, postings, term, postings, …]`               |
//! | `d/<n>` | [`DocChunk`]  | `[DocRow, …]`                                       |
//! | `facet-<key>` | [`FacetData`] | `{"enc":…,"width":…,"data":…}`                |
//! | `sort`  | `SortKeys`    | `{"title":…,"updated":…}`, each asset's place, VLQs   |
//!
//! Rows are small fixed records, so they travel as arrays (a name per field would
//! repeat in every row); this is the one place their order is written:
//!
//! - [`DocRow`]: `[slug, title, html]`
//! - [`FacetValueRow`]: `[id, label, path]`
//! - [`CellRow`]: `[label, count, target, stale]`
//!
//! `library.js` reads each of them through one decoder of the same field names, near
//! the top of the script. Packed strings use the URL-safe base64 alphabet ([`B64`]):
//! numbers are VLQs ([`vlq`]), postings a VLQ gap then a score character ([`posting`]).

use std::collections::BTreeMap;

use serde::Serialize;
use serde::ser::{SerializeSeq, SerializeTuple, Serializer};

use super::facets::Facet;
use crate::json::{self, Escape};

/// Folder of the index in the site.
pub const DIR: &str = "search";

/// The URL-safe base64 alphabet every packed string uses.
pub(super) const B64: &[u8; 64] =
    b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// Flags of an asset in [`Meta::flags`].
pub(super) const FLAG_STALE: u8 = 1;
pub(super) const FLAG_COUNTED: u8 = 2;
pub(super) const FLAG_DRAFT: u8 = 4;
/// Due for review within `[coverage] due_soon` (issue 15).
pub(super) const FLAG_DUE_SOON: u8 = 8;
/// Stale under `[site] stale = "hide"`: never shown in the library's results.
pub(super) const FLAG_HIDDEN: u8 = 16;

/// `meta`: what the library page loads up front.
#[derive(Serialize)]
pub(super) struct Meta<'a> {
    /// How many assets the index holds; assets are numbered 0.. in library order.
    pub docs: usize,
    /// Assets per display chunk: asset `i` is row `i % chunk` of `d/<i / chunk>`.
    pub chunk: usize,
    /// Query words at least this long match every term they begin.
    pub min_prefix: usize,
    /// The stop-words, dropped from queries as from the index.
    pub stop: &'a [&'a str],
    /// The first term of each shard `t/<n>`, in term order.
    pub shards: Vec<&'a str>,
    /// One [`B64`] character per asset: [`FLAG_STALE`] | [`FLAG_COUNTED`] | [`FLAG_DRAFT`].
    pub flags: String,
    /// The facets, in the order the page shows them.
    pub facets: Vec<MetaFacet<'a>>,
    /// The heatmap's cells by "segment|persona|stage" ids.
    pub cells: BTreeMap<String, CellRow>,
}

/// One facet in [`Meta`]: its values. Every asset's values, packed, are the file
/// `facet-<key>` ([`FacetData`]), loaded only once results are on screen or a filter of
/// the facet is set, so what loads before the first result does not grow with the
/// library's facet memberships.
#[derive(Serialize)]
pub(super) struct MetaFacet<'a> {
    /// The URL parameter (`segment`, `tag`, …).
    pub key: &'a str,
    pub name: &'a str,
    pub values: Vec<FacetValueRow<'a>>,
    /// How `data` is packed.
    #[serde(skip)]
    pub enc: Encoding,
    /// Characters per asset of a [`Encoding::Mask`].
    #[serde(skip)]
    pub width: usize,
    /// Every asset's value indices, in asset order, packed as `enc` says.
    #[serde(skip)]
    pub data: String,
}

/// `facet-<key>`: every asset's values of one facet, packed.
#[derive(Serialize)]
pub(super) struct FacetData<'a> {
    pub enc: Encoding,
    pub width: usize,
    pub data: &'a str,
}

/// How a [`MetaFacet`] packs the assets' values: whichever is shorter.
#[derive(Serialize, Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Encoding {
    /// `width` characters per asset, bit `v % 6` of character `v / 6` set for value `v`.
    #[serde(rename = "m")]
    Mask,
    /// Per asset a count, then the value indices, each a [`vlq`].
    #[serde(rename = "l")]
    List,
}

/// One facet value. On the wire: `[id, label, path]`.
pub(super) struct FacetValueRow<'a> {
    /// What the URL carries (`?tag=roi`).
    pub id: &'a str,
    /// What the page shows.
    pub label: &'a str,
    /// Its taxonomy page's folder, from the site root (`tags/roi/`).
    pub path: String,
}

/// One heatmap cell. On the wire: `[label, count, target, stale]`.
pub(super) struct CellRow {
    /// "Segment · Persona · Stage", by name.
    pub label: String,
    /// The assets counting toward it.
    pub count: usize,
    /// How many it wants.
    pub target: u32,
    /// Its stale assets.
    pub stale: usize,
}

/// `t/<n>`: a run of terms in JavaScript string order, each with its postings (per
/// asset a [`vlq`] gap from the previous asset, less one, then its score character).
/// On the wire: one flat array `[term, postings, term, postings, …]`.
pub(super) struct TermShard<'a> {
    pub entries: &'a [(&'a str, &'a str)],
}

/// `d/<n>`: what a result row shows, for a run of [`Meta::chunk`] assets.
/// On the wire: an array of [`DocRow`]s.
pub(super) struct DocChunk<'a> {
    pub rows: Vec<DocRow<'a>>,
}

/// One asset's result row. On the wire: `[slug, title, html]`.
pub(super) struct DocRow<'a> {
    pub slug: &'a str,
    /// As written, for "did you mean" (the row has it HTML-escaped).
    pub title: &'a str,
    /// The theme's row of the asset (`partials/asset_row.html`), with
    /// `\0covermap-root\0` where the page's way up to the site root goes.
    pub html: String,
}

impl Serialize for FacetValueRow<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut t = s.serialize_tuple(3)?;
        t.serialize_element(self.id)?;
        t.serialize_element(self.label)?;
        t.serialize_element(&self.path)?;
        t.end()
    }
}

impl Serialize for CellRow {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut t = s.serialize_tuple(4)?;
        t.serialize_element(&self.label)?;
        t.serialize_element(&self.count)?;
        t.serialize_element(&self.target)?;
        t.serialize_element(&self.stale)?;
        t.end()
    }
}

impl Serialize for TermShard<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(Some(2 * self.entries.len()))?;
        for (term, postings) in self.entries {
            seq.serialize_element(term)?;
            seq.serialize_element(postings)?;
        }
        seq.end()
    }
}

impl DocChunk<'_> {
    /// Appends the chunk as JSON, escaped as [`wrapped`] escapes: written by hand, each
    /// string in one pass ([`json::write_str`]), because the rows' markup is most of
    /// the search data's bytes.
    fn write(&self, out: &mut Vec<u8>) {
        out.push(b'[');
        for (i, row) in self.rows.iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            out.push(b'[');
            json::write_str(out, row.slug, Escape::Ascii);
            out.push(b',');
            json::write_str(out, row.title, Escape::Ascii);
            out.push(b',');
            json::write_str(out, &row.html, Escape::Ascii);
            out.push(b']');
        }
        out.push(b']');
    }
}

impl<'a> MetaFacet<'a> {
    /// Its file's data.
    pub fn packed(&self) -> FacetData<'_> {
        FacetData {
            enc: self.enc,
            width: self.width,
            data: &self.data,
        }
    }

    /// Packs a facet, as a mask or as lists, whichever is shorter.
    pub fn new(f: &'a Facet) -> Self {
        let values = f
            .values
            .iter()
            .map(|v| FacetValueRow {
                id: v.id.as_str(),
                label: v.name.as_str(),
                path: format!("{}/{}/", f.kind, v.slug),
            })
            .collect();
        let width = f.values.len().div_ceil(6).max(1);
        let mut list = String::new();
        for vals in &f.docs {
            vlq(vals.len() as u64, &mut list);
            for &v in vals {
                vlq(u64::from(v), &mut list);
            }
        }
        let (enc, data) = if width * f.docs.len() <= list.len() {
            let mut mask = String::with_capacity(width * f.docs.len());
            for vals in &f.docs {
                let mut bits = vec![0u8; width];
                for &v in vals {
                    bits[v as usize / 6] |= 1 << (v % 6);
                }
                mask.extend(bits.iter().map(|&b| B64[b as usize] as char));
            }
            (Encoding::Mask, mask)
        } else {
            (Encoding::List, list)
        };
        MetaFacet {
            key: f.key,
            name: f.name,
            values,
            enc,
            width,
            data,
        }
    }
}

/// How the search files are packaged: one [`Mode`] per build, every file alike.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// `<name>.json`, an object `{"name":"<name>","data":<JSON>}` ([`json_file`]) that
    /// `library.js` fetches. Fetching is same-origin unless the host sends CORS headers
    /// (covermap's do not), and an object at the top level is a syntax error as a
    /// script, so another origin's page can neither fetch it nor include it. Needs
    /// http(s): browsers do not fetch `file://`.
    Json,
    /// `<name>.js`, a script `covermapSearch.add("<name>",<JSON>);` ([`script`]) that
    /// `library.js` loads with `<script src>`: works from `file://` and shared drives,
    /// and any page that defines `covermapSearch` can include it too (`build --offline`).
    Script,
}

impl Mode {
    /// The mode a build asks for: scripts when it is `--offline`.
    pub fn of(offline: bool) -> Self {
        if offline { Mode::Script } else { Mode::Json }
    }

    /// The file name extension, without the dot.
    pub fn ext(self) -> &'static str {
        match self {
            Mode::Json => "json",
            Mode::Script => "js",
        }
    }

    /// What the library page's `data-search` attribute says, for `library.js`.
    pub fn name(self) -> &'static str {
        match self {
            Mode::Json => "json",
            Mode::Script => "script",
        }
    }

    /// The file `search/<name>.<ext>`, its path from the site root and its bytes.
    pub(super) fn file<T: Serialize + ?Sized>(self, name: &str, data: &T) -> (String, Vec<u8>) {
        self.file_with(name, |out| json::write_compact(out, data, Escape::Ascii))
    }

    /// The display chunk `search/d/<n>.<ext>`.
    pub(super) fn chunk(self, n: usize, chunk: &DocChunk) -> (String, Vec<u8>) {
        self.file_with(&format!("d/{n}"), |out| chunk.write(out))
    }

    /// The file `search/<name>.<ext>` with the data `write` appends.
    fn file_with(self, name: &str, write: impl FnOnce(&mut Vec<u8>)) -> (String, Vec<u8>) {
        let path = format!("{DIR}/{name}.{}", self.ext());
        let bytes = match self {
            Mode::Json => json_file(name, write),
            Mode::Script => script(name, write),
        };
        (path, bytes)
    }
}

/// `covermapSearch.add("<name>", <data>);`, the data escaped as in [`wrapped`].
fn script(name: &str, write: impl FnOnce(&mut Vec<u8>)) -> Vec<u8> {
    wrapped(b"covermapSearch.add(\"", name, b"\",", write, b");\n")
}

/// `{"name":"<name>","data":<data>}`, the data escaped as in [`wrapped`]. The first key
/// is quoted, so as a script the text is a block holding a string and then a `:`: a
/// syntax error, and nothing of it runs (a `[…]` or `{}` at the top would be a valid
/// script).
fn json_file(name: &str, write: impl FnOnce(&mut Vec<u8>)) -> Vec<u8> {
    wrapped(b"{\"name\":\"", name, b"\",\"data\":", write, b"}\n")
}

/// `before`, `name`, `middle`, the data `write` appends as JSON with markup and every
/// non-ASCII character escaped ([`Escape::Ascii`]), `after`. Names are `meta`, `t/<n>`
/// and `d/<n>`: nothing in them needs escaping.
fn wrapped(
    before: &[u8],
    name: &str,
    middle: &[u8],
    write: impl FnOnce(&mut Vec<u8>),
    after: &[u8],
) -> Vec<u8> {
    let mut out = Vec::with_capacity(4096);
    out.extend_from_slice(before);
    out.extend_from_slice(name.as_bytes());
    out.extend_from_slice(middle);
    write(&mut out);
    out.extend_from_slice(after);
    out
}

/// Appends `n` as a base64 VLQ: five bits per character, low bits first, the sixth bit
/// set on every character but the last.
pub fn vlq(mut n: u64, out: &mut String) {
    loop {
        let low = (n & 31) as usize;
        n >>= 5;
        if n == 0 {
            out.push(B64[low] as char);
            return;
        }
        out.push(B64[low | 32] as char);
    }
}

/// Appends one posting: the [`vlq`] gap from the previous asset (less one), then the
/// score character (the tokenizer's field bits and term-frequency bucket).
#[inline]
pub(super) fn posting(gap: u64, score: u8, out: &mut String) {
    vlq(gap, out);
    out.push(B64[usize::from(score & 63)] as char);
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use crate::search::facets::FacetValue;

    /// Reads a VLQ back, as `library.js` does.
    pub(crate) fn decode_vlq(s: &[u8], i: &mut usize) -> u64 {
        let (mut n, mut shift) = (0u64, 0);
        loop {
            let c = B64.iter().position(|&b| b == s[*i]).unwrap() as u64;
            *i += 1;
            n |= (c & 31) << shift;
            shift += 5;
            if c & 32 == 0 {
                return n;
            }
        }
    }

    #[test]
    fn vlq_round_trips() {
        for n in [0u64, 1, 31, 32, 33, 1023, 1024, 65_535, 1 << 40] {
            let mut s = String::new();
            vlq(n, &mut s);
            let mut i = 0;
            assert_eq!(decode_vlq(s.as_bytes(), &mut i), n);
            assert_eq!(i, s.len());
        }
        let mut s = String::new();
        vlq(31, &mut s);
        vlq(32, &mut s);
        assert_eq!(s, "fgB", "one character below 32, two from 32");
    }

    /// A facet of `values` values with these assets' value indices, counted.
    fn facet(values: usize, docs: Vec<Vec<u32>>) -> Facet {
        let mut values: Vec<FacetValue> = (0..values)
            .map(|i| FacetValue {
                id: format!("t{i}"),
                name: format!("T{i}"),
                slug: format!("t{i}"),
                count: 0,
            })
            .collect();
        for &v in docs.iter().flatten() {
            values[v as usize].count += 1;
        }
        Facet {
            key: "tag",
            name: "Tag",
            kind: "tags",
            values,
            docs,
        }
    }

    #[test]
    fn mask_and_list_encodings_hold_each_assets_values() {
        let f = facet(13, vec![vec![0, 12], vec![], vec![3]]);
        assert_eq!(f.values[12].count, 1);
        // 13 values: a mask takes 3 characters per asset; the lists (count, then
        // indices) take 6 in all, so they win.
        let m = MetaFacet::new(&f);
        assert_eq!(
            (m.enc, m.width, m.data.as_str()),
            (Encoding::List, 3, "CAMABD")
        );
        // Two values: one mask character per asset, bit v for value v.
        let f = facet(2, vec![vec![0, 1], vec![1], vec![]]);
        let m = MetaFacet::new(&f);
        assert_eq!(
            (m.enc, m.width, m.data.as_str()),
            (Encoding::Mask, 1, "DCA")
        );
    }

    /// Each named row is written as the positional array `library.js` decodes.
    #[test]
    fn rows_are_arrays_in_the_documented_order() {
        let mut chunk = Vec::new();
        DocChunk {
            rows: vec![DocRow {
                slug: "s",
                title: "t",
                html: "<li>".into(),
            }],
        }
        .write(&mut chunk);
        assert_eq!(
            String::from_utf8(chunk).unwrap(),
            r#"[["s","t","\u003cli\u003e"]]"#
        );
        assert_eq!(
            json(&FacetValueRow {
                id: "roi",
                label: "ROI",
                path: "tags/roi/".into()
            }),
            r#"["roi","ROI","tags/roi/"]"#
        );
        assert_eq!(
            json(&CellRow {
                label: "A · B · C".into(),
                count: 1,
                target: 2,
                stale: 3
            }),
            r#"["A · B · C",1,2,3]"#
        );
        assert_eq!(
            json(&TermShard {
                entries: &[("a", "AB"), ("b", "CD")]
            }),
            r#"["a","AB","b","CD"]"#
        );
        assert_eq!(json(&Encoding::Mask), r#""m""#);
        let text = |(_, bytes): (String, Vec<u8>)| String::from_utf8(bytes).unwrap();
        assert_eq!(
            text(Mode::Script.file("d/0", &[1])),
            "covermapSearch.add(\"d/0\",[1]);\n"
        );
        // The JSON file's top level is an object whose first key is quoted: not a script.
        assert_eq!(
            text(Mode::Json.file("d/0", &[1])),
            "{\"name\":\"d/0\",\"data\":[1]}\n"
        );
        assert_eq!(
            text(Mode::Json.file("meta", "é<")),
            "{\"name\":\"meta\",\"data\":\"\\u00e9\\u003c\"}\n"
        );
        let chunk = DocChunk {
            rows: vec![
                DocRow {
                    slug: "a/b",
                    title: "Café <b>",
                    html: "<li>\u{0}covermap-root\u{0}\"x\" & é</li>".into(),
                },
                DocRow {
                    slug: "c",
                    title: "営業",
                    html: String::new(),
                },
            ],
        };
        let written = text(Mode::Json.chunk(2, &chunk));
        assert!(
            written.is_ascii() && !written.contains(['<', '>', '&']),
            "{written}"
        );
        let back: serde_json::Value = serde_json::from_str(&written).unwrap();
        assert_eq!(
            back,
            serde_json::json!({"name": "d/2", "data": [
                ["a/b", "Café <b>", "<li>\u{0}covermap-root\u{0}\"x\" & é</li>"],
                ["c", "営業", ""],
            ]})
        );
        assert_eq!(
            (Mode::of(false), Mode::of(true).file("t/3", &[0]).0.as_str()),
            (Mode::Json, "search/t/3.js")
        );
    }

    fn json<T: Serialize>(v: &T) -> String {
        serde_json::to_string(v).unwrap()
    }
}
