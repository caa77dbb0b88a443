//! The library's search index and facet data, built here at build time so the browser
//! never indexes anything. Everything lands under `search/` as small JavaScript files
//! that hand their data to a global loader (`covermapSearch.add(name, data)`), so a page
//! loads them with `<script src>` from any static host, under any sub-path and from
//! `file://`, where `fetch()` is not allowed. `meta.js` is loaded up front: facet values
//! with labels, every asset's facet memberships and flags packed into short strings,
//! heatmap cells, and the first term of each term shard. Term shards (`t/<n>.js`) hold
//! sorted terms with delta-encoded postings, cut by size in term order so a prefix query
//! loads one or two of them; display chunks (`d/<n>.js`) hold the title, slug and summary
//! of a few assets each, loaded only for the results on screen. Each posting carries
//! field bits (title, summary, tags) and a body term-frequency bucket, so the browser
//! ranks title and summary matches first.
//!
//! Building is linear in the number of tokens. Assets are tokenized in batches, in
//! parallel, each batch with a dictionary of its own ([`Batch`]); an [`Interner`] then
//! numbers every term once, and each asset's terms ([`DocTerms`]) are kept by number,
//! so a rebuild (`serve`) re-tokenizes only the assets that changed. Every file is
//! ordered deterministically (sorted terms, plan and slug order), so the same library
//! gives the same bytes whatever was cached.

use std::collections::{BTreeMap, HashMap};
use std::io::Write as _;
use std::sync::Arc;

use rayon::prelude::*;
use rustc_hash::FxHashMap;
use serde::Serialize;

use crate::asset::Asset;
use crate::coverage::Coverage;
use crate::library::Library;
use crate::slug::slugify;

/// Folder of the index in the site.
pub const DIR: &str = "search";
/// Assets per display chunk: small, because the first page of results is usually
/// spread over many chunks and each one fetched costs its whole size.
const DOCS_PER_CHUNK: usize = 16;
/// A term shard is closed once its text passes this many bytes (one term's postings
/// are never split, so a very common term makes a larger shard on its own).
const SHARD_BYTES: usize = 16 * 1024;
/// Query words at least this long match every term they begin; shorter ones match
/// whole terms only, so two typed letters do not load half the index.
pub const MIN_PREFIX: usize = 3;
/// Longer "words" (hashes, base64, URLs run together) are not indexed.
const MAX_TERM_CHARS: usize = 40;

/// Words too common to search for. Sorted, so `binary_search` works. "it" and "us" are
/// kept on purpose: in sales content they are IT and the US.
pub const STOP_WORDS: &[&str] = &[
    "a", "about", "after", "all", "also", "an", "and", "any", "are", "as", "at", "be", "been",
    "but", "by", "can", "do", "does", "each", "for", "from", "had", "has", "have", "how", "if",
    "in", "into", "is", "its", "may", "more", "most", "no", "not", "of", "on", "one", "or",
    "other", "our", "out", "over", "so", "such", "than", "that", "the", "their", "them", "then",
    "there", "these", "they", "this", "to", "up", "was", "we", "were", "what", "when", "which",
    "who", "will", "with", "you", "your",
];

/// Field bits of a posting's score character; the low three bits are the body's
/// term-frequency bucket (0 = not in the body).
const IN_TITLE: u8 = 32;
const IN_SUMMARY: u8 = 16;
const IN_TAGS: u8 = 8;

/// Flags of an asset in `meta.js`.
const FLAG_STALE: u8 = 1;
const FLAG_COUNTED: u8 = 2;
const FLAG_DRAFT: u8 = 4;

/// The URL-safe base64 alphabet every packed string uses.
const B64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// One filterable dimension of the library.
#[derive(Debug, Clone, PartialEq)]
pub struct Facet {
    /// The URL parameter (`segment`, `tag`, …).
    pub key: &'static str,
    pub name: &'static str,
    /// The folder of its taxonomy pages (`segments`, `tags`, …).
    pub kind: &'static str,
    pub values: Vec<FacetValue>,
    /// For each asset (library order), the indices of its values, ascending.
    pub docs: Vec<Vec<u32>>,
}

/// One value of a facet.
#[derive(Debug, Clone, PartialEq)]
pub struct FacetValue {
    /// What the URL carries (`?tag=roi`).
    pub id: String,
    pub name: String,
    /// Path part of its taxonomy page (`tags/roi`).
    pub slug: String,
    /// How many assets have it.
    pub count: usize,
}

impl Facet {
    /// The assets (library indices) of each value.
    pub fn assets_by_value(&self) -> Vec<Vec<usize>> {
        let mut out = vec![Vec::new(); self.values.len()];
        for (doc, vals) in self.docs.iter().enumerate() {
            for &v in vals {
                out[v as usize].push(doc);
            }
        }
        out
    }
}

/// The facets of the library page, in the order the page shows them.
pub fn facets(lib: &Library) -> Vec<Facet> {
    let p = &lib.plan;
    let assets = &lib.assets;
    let planned =
        |key, name, kind, items: Vec<(&str, &str)>, get: fn(&Asset) -> &Option<Vec<usize>>| {
            let docs: Vec<Vec<u32>> = assets
                .iter()
                .map(|a| {
                    let mut v: Vec<u32> = get(a).iter().flatten().map(|&i| i as u32).collect();
                    v.sort_unstable();
                    v.dedup();
                    v
                })
                .collect();
            let values = items
                .iter()
                .map(|(id, name)| FacetValue {
                    id: (*id).to_string(),
                    name: (*name).to_string(),
                    slug: (*id).to_string(),
                    count: 0,
                })
                .collect();
            counted(Facet {
                key,
                name,
                kind,
                values,
                docs,
            })
        };
    vec![
        planned(
            "segment",
            "Segment",
            "segments",
            p.segments
                .iter()
                .map(|x| (x.id.as_str(), x.name.as_str()))
                .collect(),
            |a| &a.segments,
        ),
        planned(
            "persona",
            "Persona",
            "personas",
            p.personas
                .iter()
                .map(|x| (x.id.as_str(), x.name.as_str()))
                .collect(),
            |a| &a.personas,
        ),
        planned(
            "stage",
            "Stage",
            "stages",
            p.stages
                .iter()
                .map(|x| (x.id.as_str(), x.name.as_str()))
                .collect(),
            |a| &a.stages,
        ),
        free(assets, "type", "Type", "types", |a| {
            a.kind.iter().map(|k| (k.clone(), k.clone())).collect()
        }),
        free(assets, "audience", "Audience", "audiences", |a| {
            a.audience
                .iter()
                .map(|x| {
                    let name = match x {
                        crate::asset::Audience::External => "External (forwardable)",
                        crate::asset::Audience::Internal => "Internal only",
                    };
                    (x.as_str().to_string(), name.to_string())
                })
                .collect()
        }),
        free(assets, "tag", "Tag", "tags", |a| {
            a.tags.iter().map(|t| (t.clone(), t.clone())).collect()
        }),
        free(assets, "owner", "Owner", "owners", |a| {
            a.owner.iter().map(|o| (slugify(o), o.clone())).collect()
        }),
    ]
}

/// A facet whose values are free words from front matter: values sorted by id, the
/// first spelling met (library order) naming each.
fn free(
    assets: &[std::sync::Arc<Asset>],
    key: &'static str,
    name: &'static str,
    kind: &'static str,
    get: impl Fn(&Asset) -> Vec<(String, String)>,
) -> Facet {
    let per_doc: Vec<Vec<(String, String)>> = assets.iter().map(|a| get(a)).collect();
    let mut names: BTreeMap<&str, &str> = BTreeMap::new();
    for (id, n) in per_doc.iter().flatten() {
        names.entry(id).or_insert(n);
    }
    let index: HashMap<&str, u32> = names
        .keys()
        .enumerate()
        .map(|(i, id)| (*id, i as u32))
        .collect();
    let docs = per_doc
        .iter()
        .map(|vals| {
            let mut v: Vec<u32> = vals.iter().map(|(id, _)| index[id.as_str()]).collect();
            v.sort_unstable();
            v.dedup();
            v
        })
        .collect();
    let values = names
        .iter()
        .map(|(id, n)| FacetValue {
            id: (*id).to_string(),
            name: (*n).to_string(),
            slug: slugify(id),
            count: 0,
        })
        .collect();
    counted(Facet {
        key,
        name,
        kind,
        values,
        docs,
    })
}

fn counted(mut f: Facet) -> Facet {
    for vals in &f.docs {
        for &v in vals {
            f.values[v as usize].count += 1;
        }
    }
    f
}

/// The built index: the files to put under [`DIR`], and what the pages need to know.
pub struct Index {
    /// Path from the site root → file content.
    pub files: Vec<(String, Vec<u8>)>,
    /// A hash of every file, appended to their URLs so a browser never mixes files of
    /// two builds from its cache.
    pub version: String,
}

/// Where an index's postings come from: each asset's terms (`docs[i]` for
/// `lib.assets[i]`), encoded anew and then dropped, or kept [`Postings`] (a dev
/// server's) updated for the assets whose terms changed.
pub enum Terms<'a> {
    Fresh(Vec<Arc<DocTerms>>),
    Kept(&'a mut Postings, &'a [Arc<DocTerms>]),
}

/// Builds the index of the library's assets from their terms, numbered by `interner`.
/// `coverage` says which assets count.
pub fn build(
    lib: &Library,
    coverage: &Coverage,
    facets: &[Facet],
    terms: Terms<'_>,
    interner: &Interner,
) -> Index {
    let assets = &lib.assets;
    let mut counts = vec![false; assets.len()];
    for c in &coverage.cells {
        for &a in &c.assets {
            counts[a] = true;
        }
    }

    let fresh;
    let terms: Vec<(&str, &str)> = match terms {
        Terms::Kept(kept, docs) => {
            kept.update(docs);
            kept.sorted(interner)
        }
        Terms::Fresh(docs) => {
            let refs: Vec<&DocTerms> = docs.iter().map(|d| &**d).collect();
            fresh = postings(&refs, interner);
            // The postings hold everything the shards need: free the terms first.
            drop(refs);
            crate::trace::drop_later(docs);
            fresh.iter().map(|(t, p)| (*t, p.as_str())).collect()
        }
    };
    let cuts = shards(&terms);
    let mut files: Vec<(String, Vec<u8>)> = cuts
        .par_iter()
        .enumerate()
        .map(|(n, shard)| {
            let mut list: Vec<&str> = Vec::with_capacity(2 * shard.len());
            for (term, post) in &terms[shard.clone()] {
                list.push(term);
                list.push(post);
            }
            let name = format!("t/{n}");
            (format!("{DIR}/{name}.js"), script(&name, &list))
        })
        .collect();
    let shard_firsts: Vec<&str> = cuts.iter().map(|c| terms[c.start].0).collect();

    let chunks: Vec<(String, Vec<u8>)> = assets
        .par_chunks(DOCS_PER_CHUNK)
        .enumerate()
        .map(|(n, chunk)| {
            // (slug, title, summary, review_by — only for stale assets, shown as "stale since")
            let docs: Vec<(&str, &str, &str, String)> = chunk
                .iter()
                .map(|a| {
                    let review = match (a.stale, a.review_by) {
                        (true, Some(d)) => d.to_string(),
                        _ => String::new(),
                    };
                    (
                        a.slug.as_str(),
                        a.title.as_str(),
                        a.summary.as_deref().unwrap_or(""),
                        review,
                    )
                })
                .collect();
            let name = format!("d/{n}");
            (format!("{DIR}/{name}.js"), script(&name, &docs))
        })
        .collect();
    files.extend(chunks);

    let flags: String = assets
        .iter()
        .zip(&counts)
        .map(|(a, &c)| {
            let f = u8::from(a.stale) * FLAG_STALE
                + u8::from(c) * FLAG_COUNTED
                + u8::from(a.draft) * FLAG_DRAFT;
            B64[f as usize] as char
        })
        .collect();
    let p = &lib.plan;
    let cells: BTreeMap<String, (String, usize, u32, usize)> = coverage
        .cells
        .iter()
        .map(|c| {
            let (s, pe, t) = (
                &p.segments[c.segment],
                &p.personas[c.persona],
                &p.stages[c.stage],
            );
            (
                format!("{}|{}|{}", s.id, pe.id, t.id),
                (
                    format!("{} · {} · {}", s.name, pe.name, t.name),
                    c.count(),
                    c.target,
                    c.stale(),
                ),
            )
        })
        .collect();
    let meta = Meta {
        docs: assets.len(),
        chunk: DOCS_PER_CHUNK,
        min_prefix: MIN_PREFIX,
        stop: STOP_WORDS,
        shards: shard_firsts,
        flags,
        facets: facets.par_iter().map(MetaFacet::new).collect(),
        cells,
    };
    files.push((format!("{DIR}/meta.js"), script("meta", &meta)));
    files.sort_by(|a, b| a.0.cmp(&b.0));

    // FNV-1a over every path and byte, eight bytes at a step: cheap, and stable across
    // platforms.
    let fnv = |h: u64, bytes: &[u8]| {
        let mut h = h;
        let mut words = bytes.chunks_exact(8);
        for w in &mut words {
            let w = u64::from_le_bytes([w[0], w[1], w[2], w[3], w[4], w[5], w[6], w[7]]);
            h = (h ^ w).wrapping_mul(0x0000_0100_0000_01b3);
        }
        for &b in words.remainder() {
            h = (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3);
        }
        h
    };
    let per_file: Vec<u64> = files
        .par_iter()
        .map(|(path, bytes)| fnv(fnv(0xcbf2_9ce4_8422_2325, path.as_bytes()), bytes))
        .collect();
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for f in per_file {
        h = fnv(h, &f.to_le_bytes());
    }
    Index {
        files,
        version: format!("{:08x}", h >> 32),
    }
}

#[derive(Serialize)]
struct Meta<'a> {
    docs: usize,
    chunk: usize,
    min_prefix: usize,
    stop: &'a [&'a str],
    /// The first term of each shard `t/<n>.js`, in term order.
    shards: Vec<&'a str>,
    /// One character per asset: [`FLAG_STALE`] | [`FLAG_COUNTED`] | [`FLAG_DRAFT`].
    flags: String,
    facets: Vec<MetaFacet<'a>>,
    /// "segment|persona|stage" → (label, count, target, stale).
    cells: BTreeMap<String, (String, usize, u32, usize)>,
}

#[derive(Serialize)]
struct MetaFacet<'a> {
    key: &'a str,
    name: &'a str,
    /// (id, label, taxonomy page path from the site root)
    values: Vec<(&'a str, &'a str, String)>,
    /// `m`: a bit mask of `width` characters per asset; `l`: per asset a count then the
    /// value indices, each a VLQ number.
    enc: &'static str,
    width: usize,
    data: String,
}

impl<'a> MetaFacet<'a> {
    fn new(f: &'a Facet) -> Self {
        let values = f
            .values
            .iter()
            .map(|v| {
                (
                    v.id.as_str(),
                    v.name.as_str(),
                    format!("{}/{}/", f.kind, v.slug),
                )
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
            ("m", mask)
        } else {
            ("l", list)
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

/// `covermapSearch.add("<name>", <data>);` with every non-ASCII character escaped, so
/// the file reads the same whatever charset a host declares for it, and `<`, `>`, `&`
/// too, so no text from an asset reads as markup even if the file is inlined.
fn script<T: Serialize + ?Sized>(name: &str, data: &T) -> Vec<u8> {
    let json = serde_json::to_vec(data).unwrap_or_else(|_| b"null".to_vec());
    let mut out = Vec::with_capacity(json.len() + name.len() + 32);
    out.extend_from_slice(b"covermapSearch.add(\"");
    out.extend_from_slice(name.as_bytes());
    out.extend_from_slice(b"\",");
    // Runs of plain ASCII are copied whole; serde_json's output is UTF-8.
    let text = String::from_utf8_lossy(&json);
    let mut start = 0;
    for (i, c) in text.char_indices() {
        if c.is_ascii() && !matches!(c, '<' | '>' | '&') {
            continue;
        }
        out.extend_from_slice(&text.as_bytes()[start..i]);
        let mut units = [0u16; 2];
        for u in c.encode_utf16(&mut units) {
            let _ = write!(out, "\\u{u:04x}");
        }
        start = i + c.len_utf8();
    }
    out.extend_from_slice(&text.as_bytes()[start..]);
    out.extend_from_slice(b");\n");
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

/// Calls `f` with each run of letters and digits in `text`, as written.
fn each_word(text: &str, mut f: impl FnMut(&str)) {
    let bytes = text.as_bytes();
    let mut start = None;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        let (in_word, len) = if b.is_ascii() {
            (b.is_ascii_alphanumeric(), 1)
        } else {
            // `i` is always at a character boundary: it moves a character at a time.
            match text[i..].chars().next() {
                Some(c) => (c.is_alphanumeric(), c.len_utf8()),
                None => break,
            }
        };
        if in_word {
            start.get_or_insert(i);
        } else if let Some(s) = start.take() {
            f(&text[s..i]);
        }
        i += len;
    }
    if let Some(s) = start {
        f(&text[s..]);
    }
}

/// Calls `f` with each word of `text` lowercased (by `str::to_lowercase`, as the
/// browser's `toLowerCase`), reusing one buffer for the words that need changing.
fn each_lowercase_word(text: &str, mut f: impl FnMut(&str)) {
    let mut buf = String::new();
    each_word(text, |w| {
        if w.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        {
            f(w);
        } else if w.is_ascii() {
            buf.clear();
            buf.push_str(w);
            buf.make_ascii_lowercase();
            f(&buf);
        } else {
            f(&w.to_lowercase());
        }
    });
}

/// The words of a text as index terms: split on anything not a letter or digit,
/// lowercased, without stop-words, single letters and over-long runs. The browser
/// splits queries the same way (`library.js`).
pub fn tokens(text: &str) -> impl Iterator<Item = String> {
    let mut out = Vec::new();
    each_lowercase_word(text, |w| {
        if keep(w) {
            out.push(w.to_string());
        }
    });
    out.into_iter()
}

fn keep(w: &str) -> bool {
    let mut chars = w.chars();
    let single_letter =
        matches!((chars.next(), chars.next()), (Some(c), None) if c.is_ascii_lowercase());
    !single_letter && w.chars().count() <= MAX_TERM_CHARS && STOP_WORDS.binary_search(&w).is_err()
}

/// The terms of one asset, numbered by an [`Interner`], each with its score character's
/// value: the field bits ([`IN_TITLE`], …) and the body's term-frequency bucket.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DocTerms {
    ids: Vec<u32>,
    scores: Vec<u8>,
}

impl DocTerms {
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }
}

/// Every index term met, numbered in the order first met. A dev server keeps one
/// across rebuilds, so the terms of an unchanged asset keep their numbers.
#[derive(Debug, Default)]
pub struct Interner {
    ids: FxHashMap<Box<str>, u32>,
    terms: Vec<Box<str>>,
}

impl Interner {
    fn id(&mut self, term: &str) -> u32 {
        if let Some(&id) = self.ids.get(term) {
            return id;
        }
        let id = self.terms.len() as u32;
        self.terms.push(term.into());
        self.ids.insert(term.into(), id);
        id
    }

    /// Numbers a batch's terms and returns each of its assets' terms, in batch order.
    pub fn absorb(&mut self, batch: Batch) -> Vec<DocTerms> {
        let global: Vec<u32> = batch.terms.iter().map(|t| self.id(t)).collect();
        batch
            .docs
            .into_iter()
            .map(|d| DocTerms {
                ids: d.ids.iter().map(|&l| global[l as usize]).collect(),
                scores: d.scores,
            })
            .collect()
    }

    pub fn len(&self) -> usize {
        self.terms.len()
    }

    pub fn is_empty(&self) -> bool {
        self.terms.is_empty()
    }
}

/// The tokenizer's hash of a lowercase word: FxHash's mixing, eight bytes at a time.
const WORD_SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;
/// Bit 5 of every byte: ASCII letters and digits with it set are lowercase.
const LOWER_BITS: u64 = 0x2020_2020_2020_2020;

fn mix(h: u64, chunk: u64) -> u64 {
    (h.rotate_left(5) ^ chunk).wrapping_mul(WORD_SEED)
}

/// The little-endian value of up to eight bytes, zero-padded.
fn chunk(bytes: &[u8]) -> u64 {
    let mut buf = [0u8; 8];
    buf[..bytes.len()].copy_from_slice(bytes);
    u64::from_le_bytes(buf)
}

/// The mask of a chunk's first `n` (1–8) bytes.
fn first_bytes(n: usize) -> u64 {
    u64::MAX >> (64 - 8 * n)
}

/// The eight bytes of `bytes` from `at`, zero-padded past its end: one unaligned load
/// when eight bytes are there to read.
fn chunk_from(bytes: &[u8], at: usize) -> u64 {
    match bytes.get(at..at + 8) {
        Some(eight) => u64::from_le_bytes(eight.try_into().unwrap_or_default()),
        None => chunk(&bytes[at..]),
    }
}

/// A word's first sixteen bytes as two chunks, zero-padded. Letters and digits are
/// never zero, so for words of up to [`KEY_BYTES`] bytes equal keys mean equal words.
type Key = [u64; 2];
const KEY_BYTES: usize = 16;

/// Bit 7 of every byte.
const HIGH_BITS: u64 = 0x8080_8080_8080_8080;
const ONES: u64 = 0x0101_0101_0101_0101;

/// The bytes of `chunk` that are ASCII letters or digits, as bit 7 of each. Every byte
/// is tested at once: with bit 7 cleared, adding `0x80 - lo` to a byte sets its bit 7
/// exactly when it is at least `lo`, and no byte carries into the next.
fn alnum_bytes(chunk: u64) -> u64 {
    let ascii = !chunk & HIGH_BITS;
    let x = chunk & !HIGH_BITS;
    let at_least = |x: u64, lo: u8| (x + ONES * u64::from(0x80 - lo)) & HIGH_BITS;
    let digit = at_least(x, b'0') & !at_least(x, b'9' + 1);
    // Setting bit 5 maps `A`–`Z` onto `a`–`z` and nothing else onto them.
    let folded = x | LOWER_BITS;
    let letter = at_least(folded, b'a') & !at_least(folded, b'z' + 1);
    (digit | letter) & ascii
}

/// The hash and key of a word already lowercase: FxHash's mixing, eight bytes at a time.
fn word_hash(word: &[u8]) -> (u64, Key) {
    let mut h = WORD_SEED;
    let mut key = [0; 2];
    for (k, eight) in word.chunks(8).enumerate() {
        let c = chunk(eight);
        if let Some(slot) = key.get_mut(k) {
            *slot = c;
        }
        h = mix(h, c);
    }
    // The bucket comes from the low bits, which a multiplication mixes least.
    (h.rotate_left(26), key)
}

/// The run of ASCII letters and digits that starts at `bytes[start]`, eight bytes at a
/// time: where it ends, the [`word_hash`] of its lowercase form, and whether it has any
/// uppercase letter. Each chunk is tested ([`alnum_bytes`]), lowercased and hashed in
/// one pass. A letter or digit is lowercase exactly when bit 5 is set (digits have it
/// too), so setting it lowercases eight bytes at once.
fn ascii_run(bytes: &[u8], start: usize) -> (usize, u64, Key, bool) {
    let mut h = WORD_SEED;
    let mut lower = LOWER_BITS;
    let mut key = [0; 2];
    let mut at = start;
    let mut k = 0;
    loop {
        let c = chunk_from(bytes, at);
        // Letters and digits before the chunk's first other byte.
        let n = ((!alnum_bytes(c) & HIGH_BITS).trailing_zeros() / 8) as usize;
        if n == 0 {
            break;
        }
        let mask = first_bytes(n);
        let c = c & mask;
        lower &= c | !mask;
        let c = c | (LOWER_BITS & mask);
        if k < 2 {
            key[k] = c;
            k += 1;
        }
        h = mix(h, c);
        at += n;
        if n < 8 {
            break;
        }
    }
    (at, h.rotate_left(26), key, lower != LOWER_BITS)
}

/// Byte classes of the tokenizer: an ASCII letter or digit, another ASCII byte, or
/// part of a non-ASCII character.
const SEPARATOR: u8 = 0;
const ALNUM: u8 = 1;
const NON_ASCII: u8 = 2;
static CLASS: [u8; 256] = {
    let mut class = [SEPARATOR; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        class[b] = if c >= 0x80 {
            NON_ASCII
        } else if c.is_ascii_alphanumeric() {
            ALNUM
        } else {
            SEPARATOR
        };
        b += 1;
    }
    class
};

/// A word met in a batch: the number of its term in the batch, or dropped (a
/// stop-word, a single letter, an over-long run).
const DROPPED: u32 = u32::MAX;

/// Tokenizes a run of assets with a dictionary of its own, so that batches run in
/// parallel; each word is looked up once, and what it maps to (a term, or nothing) is
/// remembered. [`Interner::absorb`] turns it into [`DocTerms`].
#[derive(Debug, Default)]
pub struct Batch {
    /// Each word met, by its hash.
    table: hashbrown::HashTable<Word>,
    /// Every word met longer than a key, lowercased, one after the other: what tells
    /// such words apart once their keys are equal.
    text: String,
    /// The lowercase form of the word being looked up, when it is needed.
    lower: String,
    terms: Vec<Box<str>>,
    docs: Vec<DocTerms>,
    /// Per batch term: 1 + its place in `current`, or 0.
    slot: Vec<u32>,
    /// The asset being tokenized: (term, field bits, body occurrences).
    current: Vec<(u32, u8, u32)>,
}

/// A word a [`Batch`] has met: its hash and key, its place in the batch's text (for a
/// word longer than a key), and its term (or [`DROPPED`]).
#[derive(Debug)]
struct Word {
    hash: u64,
    key: Key,
    start: u32,
    len: u32,
    id: u32,
}

impl Batch {
    pub fn new() -> Self {
        Self::default()
    }

    /// The term of a lowercase word of `len` bytes with this `hash` and `key`, numbering
    /// it if new. `lower` writes the word into an empty buffer: it is called only for a
    /// word not met before or longer than a key, so a word met again is matched on its
    /// hash and key alone, without a string compare or a lowercase copy.
    fn term(&mut self, hash: u64, key: Key, len: usize, lower: impl Fn(&mut String)) -> u32 {
        let long = len > KEY_BYTES;
        if long {
            self.lower.clear();
            lower(&mut self.lower);
        }
        let (text, probe) = (&self.text, &self.lower);
        let found = self.table.find(hash, |w| {
            w.hash == hash
                && w.key == key
                && w.len as usize == len
                && (!long || &text[w.start as usize..w.start as usize + len] == probe)
        });
        if let Some(w) = found {
            return w.id;
        }
        if !long {
            self.lower.clear();
            lower(&mut self.lower);
        }
        let word = std::mem::take(&mut self.lower);
        let id = if keep(&word) {
            self.terms.push(word.as_str().into());
            self.slot.push(0);
            (self.terms.len() - 1) as u32
        } else {
            DROPPED
        };
        let start = self.text.len() as u32;
        if long {
            self.text.push_str(&word);
        }
        self.lower = word;
        let word = Word {
            hash,
            key,
            start,
            len: len as u32,
            id,
        };
        self.table.insert_unique(hash, word, |w| w.hash);
        id
    }

    /// Counts one word (see [`Batch::term`]) for the asset being tokenized.
    fn count(
        &mut self,
        (hash, key, len): (u64, Key, usize),
        lower: impl Fn(&mut String),
        bits: u8,
        body: bool,
    ) {
        let id = self.term(hash, key, len, lower);
        if id == DROPPED {
            return;
        }
        let slot = &mut self.slot[id as usize];
        if *slot == 0 {
            self.current.push((id, 0, 0));
            *slot = self.current.len() as u32;
        }
        let entry = &mut self.current[*slot as usize - 1];
        entry.1 |= bits;
        entry.2 += u32::from(body);
    }

    /// Splits `text` into words as [`each_word`] does, lowercases them as
    /// [`each_lowercase_word`] does and hashes them, ASCII words eight bytes at a time.
    fn add(&mut self, text: &str, bits: u8, body: bool) {
        let bytes = text.as_bytes();
        let is_letter = |at: usize| text[at..].chars().next().is_some_and(char::is_alphanumeric);
        let mut i = 0;
        while i < bytes.len() {
            // Skip to a word's start.
            match CLASS[bytes[i] as usize] {
                SEPARATOR => {
                    i += 1;
                    continue;
                }
                NON_ASCII if !is_letter(i) => {
                    i += text[i..].chars().next().map_or(1, char::len_utf8);
                    continue;
                }
                _ => {}
            }
            // An ASCII run; a non-ASCII letter in or after it sends the word to the
            // general path.
            let start = i;
            let (end, hash, key, upper) = ascii_run(bytes, start);
            i = end;
            let non_ascii = i < bytes.len() && bytes[i] >= 0x80 && is_letter(i);
            if !non_ascii {
                // Sliced only for a word not met before: it is ASCII, so `start..end`
                // are character boundaries.
                let lower = |out: &mut String| {
                    out.push_str(&text[start..end]);
                    if upper {
                        out.make_ascii_lowercase();
                    }
                };
                self.count((hash, key, end - start), lower, bits, body);
                continue;
            }
            // A word with non-ASCII letters: to its end, then `str::to_lowercase`.
            let mut end = i;
            while end < bytes.len() {
                match text[end..].chars().next() {
                    Some(c) if c.is_alphanumeric() => end += c.len_utf8(),
                    _ => break,
                }
            }
            let word = text[start..end].to_lowercase();
            let (hash, key) = word_hash(word.as_bytes());
            let lower = |out: &mut String| out.push_str(&word);
            self.count((hash, key, word.len()), lower, bits, body);
            i = end;
        }
    }

    /// Tokenizes one asset: its title, summary and tags (field bits) and its body's
    /// text (term frequencies). Assets must come in library order.
    pub fn add_asset(&mut self, a: &Asset, body_text: &str) {
        self.add(&a.title, IN_TITLE, false);
        self.add(a.summary.as_deref().unwrap_or(""), IN_SUMMARY, false);
        for tag in &a.tags {
            self.add(tag, IN_TAGS, false);
        }
        self.add(body_text, 0, true);
        let mut doc = DocTerms {
            ids: Vec::with_capacity(self.current.len()),
            scores: Vec::with_capacity(self.current.len()),
        };
        for (id, bits, tf) in self.current.drain(..) {
            self.slot[id as usize] = 0;
            // 1, 2–3, 4–7, … 64+ occurrences → 1 … 7.
            let bucket = (32 - tf.leading_zeros()).min(7) as u8;
            doc.ids.push(id);
            doc.scores.push(bits | bucket);
        }
        self.docs.push(doc);
    }
}

/// The postings of the last build, kept by a dev server: an edit re-encodes only the
/// terms of the assets whose terms changed. Any other change to the list of assets (one
/// added, removed or renamed) builds them anew.
#[derive(Debug, Default)]
pub struct Postings {
    /// The assets' terms as of the last build, in library order.
    docs: Vec<Arc<DocTerms>>,
    /// Per term: (asset, score), by asset.
    lists: Vec<Vec<(u32, u8)>>,
    /// Per term: its postings encoded.
    encoded: Vec<String>,
    /// The terms with postings, in JavaScript order.
    order: Vec<u32>,
}

impl Postings {
    fn update(&mut self, docs: &[Arc<DocTerms>]) {
        let same_assets = self.docs.len() == docs.len();
        if !same_assets {
            *self = Postings::default();
        }
        let mut dirty: Vec<u32> = Vec::new();
        let grow = |lists: &mut Vec<Vec<(u32, u8)>>, id: u32| {
            if lists.len() <= id as usize {
                lists.resize_with(id as usize + 1, Vec::new);
            }
        };
        for (d, doc) in docs.iter().enumerate() {
            let old = self.docs.get(d);
            if old.is_some_and(|o| Arc::ptr_eq(o, doc)) {
                continue;
            }
            let d = d as u32;
            if let Some(old) = old {
                for &id in &old.ids {
                    let list = &mut self.lists[id as usize];
                    if let Ok(at) = list.binary_search_by_key(&d, |e| e.0) {
                        list.remove(at);
                    }
                    dirty.push(id);
                }
            }
            for (&id, &score) in doc.ids.iter().zip(&doc.scores) {
                grow(&mut self.lists, id);
                let list = &mut self.lists[id as usize];
                match list.binary_search_by_key(&d, |e| e.0) {
                    Ok(at) => list[at].1 = score,
                    Err(at) => list.insert(at, (d, score)),
                }
                dirty.push(id);
            }
        }
        self.docs = docs.to_vec();
        dirty.sort_unstable();
        dirty.dedup();
        self.encoded.resize_with(self.lists.len(), String::new);
        let mut order_changed = !same_assets;
        for id in dirty {
            let list = &self.lists[id as usize];
            let was_empty = self.encoded[id as usize].is_empty();
            let mut out = String::with_capacity(list.len() * 2);
            let mut last = -1i64;
            for &(doc, score) in list {
                vlq((i64::from(doc) - last - 1) as u64, &mut out);
                out.push(B64[score as usize] as char);
                last = i64::from(doc);
            }
            order_changed |= was_empty != out.is_empty();
            self.encoded[id as usize] = out;
        }
        if order_changed {
            self.order.clear();
        }
    }

    fn sorted<'i>(&mut self, interner: &'i Interner) -> Vec<(&'i str, &str)> {
        if self.order.is_empty() {
            let mut order: Vec<u32> = (0..self.encoded.len() as u32)
                .filter(|&id| !self.encoded[id as usize].is_empty())
                .collect();
            order.par_sort_unstable_by(|&a, &b| {
                utf16_cmp(&interner.terms[a as usize], &interner.terms[b as usize])
            });
            self.order = order;
        }
        self.order
            .iter()
            .map(|&id| {
                (
                    &*interner.terms[id as usize],
                    self.encoded[id as usize].as_str(),
                )
            })
            .collect()
    }
}

/// Every term with its postings (gap-encoded asset numbers, each followed by its score
/// character), sorted as JavaScript compares strings (UTF-16 code units).
fn postings<'i>(docs: &[&DocTerms], interner: &'i Interner) -> Vec<(&'i str, String)> {
    // Terms are split between threads by number; each thread reads every asset's terms
    // in library order and encodes its own terms' postings.
    let parts = rayon::current_num_threads().max(1);
    let per_part: Vec<Vec<(u32, String)>> = (0..parts)
        .into_par_iter()
        .map(|part| {
            // For each term of this part (id / parts): the last asset and the encoding.
            let mut acc: Vec<(i64, String)> = Vec::new();
            let mut used: Vec<u32> = Vec::new();
            for (doc, terms) in docs.iter().enumerate() {
                for (&id, &score) in terms.ids.iter().zip(&terms.scores) {
                    if id as usize % parts != part {
                        continue;
                    }
                    let k = id as usize / parts;
                    if acc.len() <= k {
                        acc.resize_with(k + 1, || (-1, String::new()));
                    }
                    let e = &mut acc[k];
                    if e.0 < 0 {
                        used.push(id);
                    }
                    vlq((doc as i64 - e.0 - 1) as u64, &mut e.1);
                    e.1.push(B64[score as usize] as char);
                    e.0 = doc as i64;
                }
            }
            used.into_iter()
                .map(|id| {
                    let k = id as usize / parts;
                    (id, std::mem::take(&mut acc[k].1))
                })
                .collect()
        })
        .collect();
    let mut terms: Vec<(&str, String)> = per_part
        .into_iter()
        .flatten()
        .map(|(id, post)| (&*interner.terms[id as usize], post))
        .collect();
    terms.par_sort_unstable_by(|a, b| utf16_cmp(a.0, b.0));
    terms
}

/// Orders strings as JavaScript does: by UTF-16 code units. That is byte order except
/// where a character beyond U+FFFF meets one in U+E000–U+FFFF.
fn utf16_cmp(a: &str, b: &str) -> std::cmp::Ordering {
    if a.is_ascii() && b.is_ascii() {
        a.cmp(b)
    } else {
        a.encode_utf16().cmp(b.encode_utf16())
    }
}

/// Cuts the sorted terms into shards of about [`SHARD_BYTES`].
fn shards(terms: &[(&str, &str)]) -> Vec<std::ops::Range<usize>> {
    let mut out = Vec::new();
    let (mut start, mut size) = (0, 0);
    for (i, (t, p)) in terms.iter().enumerate() {
        size += t.len() + p.len() + 6;
        if size >= SHARD_BYTES {
            out.push(start..i + 1);
            (start, size) = (i + 1, 0);
        }
    }
    if start < terms.len() {
        out.push(start..terms.len());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode_vlq(s: &[u8], i: &mut usize) -> u64 {
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

    fn decode_postings(s: &[u8]) -> Vec<(u64, u8)> {
        let (mut i, mut doc, mut out) = (0, -1i64, Vec::new());
        while i < s.len() {
            doc += decode_vlq(s, &mut i) as i64 + 1;
            let score = B64.iter().position(|&b| b == s[i]).unwrap() as u8;
            i += 1;
            out.push((doc as u64, score));
        }
        out
    }

    #[test]
    fn stop_words_are_sorted_for_binary_search() {
        assert!(STOP_WORDS.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn tokenizer_splits_lowercases_and_drops_noise() {
        let got: Vec<String> = tokens("The SAP-integration guide: 3-way match, SOC2 & ISO27001 for IT. Ledgerline's É-invoicing")
            .collect();
        assert_eq!(
            got,
            [
                "sap",
                "integration",
                "guide",
                "3",
                "way",
                "match",
                "soc2",
                "iso27001",
                "it",
                "ledgerline",
                "é",
                "invoicing"
            ]
        );
        assert_eq!(
            tokens(&"x".repeat(41)).count(),
            0,
            "over-long runs are not terms"
        );
        assert_eq!(
            tokens("Σίσυφος ΟΔΟΣ").collect::<Vec<_>>(),
            ["σίσυφος", "οδος"]
        );
    }

    #[test]
    fn ascii_words_hash_as_their_lowercase() {
        let words = [
            "a",
            "Z",
            "ab",
            "AB",
            "soc2",
            "SOC2",
            "abcdefg",
            "abcdefgh",
            "ABCDEFGH",
            "abcdefghi",
            "abcdefghI",
            "Integration",
            "INTEGRATIONS",
            "0123456789",
            "x9Y8z7W6v5U4t3S2",
        ];
        for w in words {
            let lower = w.to_ascii_lowercase();
            // Alone, and inside a longer text (where whole chunks are loaded).
            let padded = format!("{w} padding after");
            for text in [w, padded.as_str()] {
                let (end, hash, key, upper) = ascii_run(text.as_bytes(), 0);
                assert_eq!(end, w.len(), "{w}");
                assert_eq!((hash, key), word_hash(lower.as_bytes()), "{w}");
                assert_eq!(upper, w != lower, "{w}");
            }
        }
        assert_ne!(word_hash(b"abcdefgh"), word_hash(b"abcdefgi"));
        assert_ne!(word_hash(b"ab"), word_hash(b"ba"));
    }

    /// Every byte value, in every place of a chunk, is a letter or digit to
    /// [`alnum_bytes`] exactly when it is one to the standard library.
    #[test]
    fn alnum_bytes_tests_each_byte_as_the_standard_library_does() {
        for b in 0..=255u8 {
            for place in 0..8 {
                // The other bytes are letters, or not, so neighbours cannot hide a carry.
                for fill in [b'a', b' ', 0xff] {
                    let mut bytes = [fill; 8];
                    bytes[place] = b;
                    let got = alnum_bytes(u64::from_le_bytes(bytes));
                    for (i, &x) in bytes.iter().enumerate() {
                        let want = x.is_ascii_alphanumeric();
                        assert_eq!(got >> (8 * i + 7) & 1 == 1, want, "{bytes:?} at {i}");
                    }
                }
            }
        }
    }

    /// The batch tokenizer (one pass, hashing as it scans) finds exactly the terms
    /// `tokens` does, with the same counts.
    #[test]
    fn batch_terms_are_the_tokens() {
        let texts = [
            "The SAP-integration guide: 3-way match, SOC2 & ISO27001 for IT.",
            "Ledgerline's É-invoicing, ÉTÉ été Straße STRASSE İstanbul ǅemal",
            "Σίσυφος ΟΔΟΣ οδος x y z a1 A1 ab AB aB 12 007",
            "mixedCASEwordsWithÜmlautInside and under_score dash-ed",
            &"long".repeat(12),
            // Words sharing a key's sixteen bytes, or all but their length: the key
            // decides only up to sixteen bytes, the text beyond.
            "abcdefghijklmnop abcdefghijklmnopq abcdefghijklmnopr ABCDEFGHIJKLMNOPQ abcdefghijklmno",
            "abcdefghijklmnopqrstuvwxyz0123456789abcd abcdefghijklmnopqrstuvwxyz0123456789abce",
            "ÉÉÉÉÉÉÉÉÉ éééééééééx ééééééééé",
            "",
            "   ",
            "¿¡…—",
            "日本語のテキスト 中文 한국어",
        ];
        for text in texts {
            let mut want: BTreeMap<String, u32> = BTreeMap::new();
            for t in tokens(text) {
                *want.entry(t).or_default() += 1;
            }
            let mut batch = Batch::new();
            batch.add(text, 0, true);
            let got: BTreeMap<String, u32> = batch
                .current
                .iter()
                .map(|&(id, _, tf)| (batch.terms[id as usize].to_string(), tf))
                .collect();
            assert_eq!(got, want, "{text:?}");
        }
    }

    proptest::proptest! {
        /// On any text made of letters of either case, digits, punctuation, spaces and
        /// non-ASCII letters and marks, in words of any length, the batch tokenizer
        /// finds the terms `tokens` does, with the same counts.
        #[test]
        fn batch_terms_are_the_tokens_on_any_text(
            text in "([a-zA-Z0-9]{0,20}[ .,'_\\-]{0,2}(é|É|ß|ǅ|Σ|—|’|日)?){0,40}"
        ) {
            let mut want: BTreeMap<String, u32> = BTreeMap::new();
            for t in tokens(&text) {
                *want.entry(t).or_default() += 1;
            }
            let mut batch = Batch::new();
            batch.add(&text, 0, true);
            let got: BTreeMap<String, u32> = batch
                .current
                .iter()
                .map(|&(id, _, tf)| (batch.terms[id as usize].to_string(), tf))
                .collect();
            proptest::prop_assert_eq!(got, want);
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

    #[test]
    fn mask_and_list_encodings_hold_each_assets_values() {
        let f = counted(Facet {
            key: "tag",
            name: "Tag",
            kind: "tags",
            values: (0..13)
                .map(|i| FacetValue {
                    id: format!("t{i}"),
                    name: format!("T{i}"),
                    slug: format!("t{i}"),
                    count: 0,
                })
                .collect(),
            docs: vec![vec![0, 12], vec![], vec![3]],
        });
        assert_eq!(f.values[12].count, 1);
        // 13 values: a mask takes 3 characters per asset; the lists (count, then
        // indices) take 6 in all, so they win.
        let m = MetaFacet::new(&f);
        assert_eq!((m.enc, m.width, m.data.as_str()), ("l", 3, "CAMABD"));
        // Two values: one mask character per asset, bit v for value v.
        let f = counted(Facet {
            values: f.values[..2].to_vec(),
            docs: vec![vec![0, 1], vec![1], vec![]],
            ..f
        });
        let m = MetaFacet::new(&f);
        assert_eq!((m.enc, m.width, m.data.as_str()), ("m", 1, "DCA"));
    }

    /// The index of a loaded library, its bodies read from disk.
    fn index_of(lib: &Library, cov: &Coverage) -> Index {
        let mut batch = Batch::new();
        for a in &lib.assets {
            let body = crate::render::asset_body(lib, a).unwrap();
            batch.add_asset(a, &body.text);
        }
        let mut interner = Interner::default();
        let docs: Vec<Arc<DocTerms>> = interner.absorb(batch).into_iter().map(Arc::new).collect();
        build(lib, cov, &facets(lib), Terms::Fresh(docs), &interner)
    }

    fn library(files: &[(&str, &str)]) -> (tempfile::TempDir, Library, Coverage) {
        let dir = tempfile::tempdir().unwrap();
        for (path, body) in files {
            let p = dir.path().join(path);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, body).unwrap();
        }
        let (lib, diags) = crate::library::load(dir.path(), &Default::default());
        let lib = lib.unwrap_or_else(|| panic!("{diags:?}"));
        let cov = Coverage::compute(&lib.plan, &lib.assets);
        (dir, lib, cov)
    }

    const PLAN: &str = r#"
[site]
title = "T"
[plan]
title = "P"
as_of = 2026-11-01
[[stages]]
id = "decision"
[[personas]]
id = "cfo"
name = "CFO"
[[segments]]
id = "smb"
name = "SMB"
pipeline = 1
"#;

    #[test]
    fn a_tiny_index_end_to_end() {
        let (_dir, lib, cov) = library(&[
            ("plan.toml", PLAN),
            (
                "content/a.md",
                "---\ntitle: SAP integration guide\nsegment: smb\npersona: cfo\nstage: decision\ntags: [erp]\nowner: Sales Ops\n---\nIntegration steps.\n",
            ),
            (
                "content/b.md",
                "---\ntitle: Pricing sheet\nsummary: Integrations priced per seat\nreview_by: 2026-01-01\n---\nThe integration of integrations, integration.\n",
            ),
        ]);
        let index = index_of(&lib, &cov);
        let paths: Vec<&str> = index.files.iter().map(|f| f.0.as_str()).collect();
        assert_eq!(paths, ["search/d/0.js", "search/meta.js", "search/t/0.js"]);
        let text = |p: &str| {
            String::from_utf8(index.files.iter().find(|f| f.0 == p).unwrap().1.clone()).unwrap()
        };
        let shard = text("search/t/0.js");
        let json = shard
            .strip_prefix("covermapSearch.add(\"t/0\",")
            .and_then(|s| s.strip_suffix(");\n"))
            .unwrap();
        let list: Vec<String> = serde_json::from_str(json).unwrap();
        let terms: Vec<&str> = list.iter().step_by(2).map(String::as_str).collect();
        assert!(terms.windows(2).all(|w| w[0] < w[1]), "terms are sorted");
        assert!(
            !terms.contains(&"the") && !terms.contains(&"of"),
            "stop-words dropped"
        );
        let post = |t: &str| {
            let i = list.iter().position(|x| x == t).unwrap();
            decode_postings(list[i + 1].as_bytes())
        };
        // "integration": title of a (+ once in its body), body of b (twice).
        assert_eq!(post("integration"), [(0, IN_TITLE | 1), (1, 2)]);
        assert_eq!(post("integrations"), [(1, IN_SUMMARY | 1)]);
        assert_eq!(post("erp"), [(0, IN_TAGS)]);

        let meta = text("search/meta.js");
        assert!(meta.starts_with("covermapSearch.add(\"meta\",{\"docs\":2,"));
        let json = meta
            .strip_prefix("covermapSearch.add(\"meta\",")
            .and_then(|s| s.strip_suffix(");\n"))
            .unwrap();
        let meta: serde_json::Value = serde_json::from_str(json).unwrap();
        // a counts toward the one cell; b is stale and untagged.
        assert_eq!(meta["flags"], "CB");
        assert_eq!(meta["cells"]["smb|cfo|decision"][0], "SMB · CFO · decision");
        let owner = &meta["facets"][6];
        assert_eq!(owner["key"], "owner");
        assert_eq!(
            owner["values"][0],
            serde_json::json!(["sales-ops", "Sales Ops", "owners/sales-ops/"])
        );
        assert_eq!(owner["data"], "BA", "a has owner 0, b none");

        let docs = text("search/d/0.js");
        assert!(
            docs.contains(
                "[\"b\",\"Pricing sheet\",\"Integrations priced per seat\",\"2026-01-01\"]"
            )
        );

        let again = index_of(&lib, &cov);
        assert_eq!(again.files, index.files, "deterministic");
        assert_eq!(again.version, index.version);
    }

    #[test]
    fn shards_cut_by_size_in_term_order() {
        let names: Vec<String> = (0..100).map(|i| format!("t{i:03}")).collect();
        let post = "A".repeat(1000);
        let terms: Vec<(&str, &str)> = names.iter().map(|t| (t.as_str(), post.as_str())).collect();
        let s = shards(&terms);
        assert!(s.len() > 1);
        assert_eq!(s.first().unwrap().start, 0);
        assert_eq!(s.last().unwrap().end, 100);
        assert!(s.windows(2).all(|w| w[0].end == w[1].start));
    }
}
