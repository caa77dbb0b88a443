//! The index's tokenizer: how asset text becomes index terms, and the numbering of
//! those terms. [`tokens`] states the rule plainly (runs of letters and digits,
//! lowercased, without stop-words, single letters and over-long runs; `library.js`
//! splits queries the same way); [`Batch`] applies the same rule fast, hashing ASCII
//! words eight bytes at a time as it scans, with a dictionary of its own so batches run
//! in parallel; an [`Interner`] then numbers every term once, and each asset's terms
//! ([`DocTerms`]) are kept by number, so a rebuild re-tokenizes only the assets that
//! changed.

use std::cell::RefCell;

use rustc_hash::FxHashMap;

use super::terms;
use crate::asset::Asset;

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
pub(super) const IN_TITLE: u8 = 32;
pub(super) const IN_SUMMARY: u8 = 16;
pub(super) const IN_TAGS: u8 = 8;

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
        terms::pieces(w, |p| out.extend(term_of(p)));
    });
    out.into_iter()
}

/// The index term of one piece of a lowercase word ([`terms::pieces`]): folded, kept
/// or dropped, then stemmed; `None` when it is dropped.
pub fn term_of(piece: &str) -> Option<String> {
    let folded = terms::fold(piece);
    if folded.is_empty() || !keep(&folded) {
        return None;
    }
    Some(terms::stem(&folded).into_owned())
}

/// Words whose terms a thread remembers before it starts over.
const TERM_MEMO: usize = 1 << 17;

/// Calls `f` with [`term_of`] `word`, remembered per thread: the batches a thread
/// tokenizes meet mostly the same words, and stemming is the costliest step of
/// tokenizing. `f` must not tokenize.
fn with_term<R>(word: &str, f: impl FnOnce(Option<&str>) -> R) -> R {
    thread_local! {
        static TERMS: RefCell<FxHashMap<Box<str>, Option<Box<str>>>> = RefCell::default();
    }
    TERMS.with(|cell| {
        let mut memo = cell.borrow_mut();
        if let Some(t) = memo.get(word) {
            return f(t.as_deref());
        }
        if memo.len() >= TERM_MEMO {
            memo.clear();
        }
        let t = term_of(word).map(String::into_boxed_str);
        let out = f(t.as_deref());
        memo.insert(word.into(), t);
        out
    })
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
    pub(super) ids: Vec<u32>,
    pub(super) scores: Vec<u8>,
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
    /// Each term by its number.
    pub(super) terms: Vec<Box<str>>,
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
    /// Each term's number in the batch: several words share a stem.
    numbers: FxHashMap<Box<str>, u32>,
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
        let id = with_term(&word, |t| match t {
            Some(t) => match self.numbers.get(t) {
                Some(&id) => id,
                None => {
                    let id = self.terms.len() as u32;
                    self.terms.push(t.into());
                    self.numbers.insert(t.into(), id);
                    self.slot.push(0);
                    id
                }
            },
            None => DROPPED,
        });
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
            terms::pieces(&word, |piece| {
                let (hash, key) = word_hash(piece.as_bytes());
                let lower = |out: &mut String| out.push_str(piece);
                self.count((hash, key, piece.len()), lower, bits, body);
            });
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

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;

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
                "integr",
                "guid",
                "3",
                "way",
                "match",
                "soc2",
                "iso27001",
                "it",
                "ledgerlin",
                "invoic"
            ]
        );
        assert_eq!(
            tokens(&"x".repeat(41)).count(),
            0,
            "over-long runs are not terms"
        );
        assert_eq!(
            tokens("Σίσυφος ΟΔΟΣ").collect::<Vec<_>>(),
            ["σισυφος", "οδος"]
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
}
