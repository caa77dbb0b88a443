//! What a word becomes in the index, after the tokenizer has split and lowercased it:
//! diacritics folded (`é` → `e`: NFD, combining diacritical marks U+0300–U+036F
//! dropped, NFC), runs of CJK characters cut into overlapping character bigrams (those
//! scripts put no spaces between words), and English words stemmed with Snowball's
//! English (Porter2) algorithm (`integrations` → `integr`). The browser does the same
//! to a query: `library.js` folds and cuts it alike and `stem.js` is a port of the
//! same Snowball algorithm (`tests/suite/search_recall.rs` checks both sides give the
//! same stems on a word list).

use std::borrow::Cow;
use std::sync::LazyLock;

use rust_stemmers::{Algorithm, Stemmer};
use unicode_normalization::UnicodeNormalization;

static ENGLISH: LazyLock<Stemmer> = LazyLock::new(|| Stemmer::create(Algorithm::English));

/// A lowercase word with its diacritics folded: ASCII words are returned as they are.
pub fn fold(word: &str) -> Cow<'_, str> {
    if word.is_ascii() {
        return Cow::Borrowed(word);
    }
    let mut marks = false;
    let stripped: String = word
        .nfd()
        .filter(|c| {
            let m = ('\u{300}'..='\u{36f}').contains(c);
            marks |= m;
            !m
        })
        .collect();
    if !marks {
        return Cow::Borrowed(word);
    }
    Cow::Owned(stripped.nfc().collect())
}

/// Han ideographs, hiragana and katakana: written without spaces between words, so
/// indexed as character bigrams. (Hangul is written with spaces and kept as words.)
pub fn is_cjk(c: char) -> bool {
    matches!(c,
        '\u{3040}'..='\u{30ff}'   // hiragana, katakana
        | '\u{31f0}'..='\u{31ff}' // katakana phonetic extensions
        | '\u{3400}'..='\u{4dbf}' // CJK extension A
        | '\u{4e00}'..='\u{9fff}' // CJK unified ideographs
        | '\u{f900}'..='\u{faff}' // CJK compatibility ideographs
        | '\u{ff66}'..='\u{ff9f}' // halfwidth katakana
        | '\u{20000}'..='\u{2ffff}')
}

/// Calls `f` with each piece of a lowercase word: runs of CJK characters as their
/// overlapping bigrams (a lone character as itself), the runs between them whole.
pub fn pieces(word: &str, mut f: impl FnMut(&str)) {
    if word.is_ascii() || !word.chars().any(is_cjk) {
        f(word);
        return;
    }
    let mut run_start = 0;
    let mut cjk_run = false;
    let mut chars: Vec<(usize, char)> = word.char_indices().collect();
    chars.push((word.len(), ' '));
    let flush = |from: usize, to: usize, cjk: bool, f: &mut dyn FnMut(&str)| {
        if from >= to {
            return;
        }
        if !cjk {
            f(&word[from..to]);
            return;
        }
        let run: Vec<(usize, char)> = word[from..to].char_indices().collect();
        if run.len() == 1 {
            f(&word[from..to]);
        }
        for pair in run.windows(2) {
            let end = pair[1].0 + pair[1].1.len_utf8();
            f(&word[from + pair[0].0..from + end]);
        }
    };
    for (k, &(at, c)) in chars.iter().enumerate() {
        let last = k == chars.len() - 1;
        if last || is_cjk(c) != cjk_run {
            flush(run_start, at, cjk_run, &mut f);
            run_start = at;
            cjk_run = is_cjk(c);
        }
    }
}

/// A folded word's Snowball English stem: for words of letters and digits a–z, 0–9
/// (others are returned as they are).
pub fn stem(word: &str) -> Cow<'_, str> {
    if word.len() <= 2
        || !word
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
    {
        return Cow::Borrowed(word);
    }
    ENGLISH.stem(word)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all(word: &str) -> Vec<String> {
        let mut out = Vec::new();
        pieces(word, |p| out.push(p.to_string()));
        out
    }

    #[test]
    fn diacritics_fold_and_other_letters_stay() {
        assert_eq!(fold("café"), "cafe");
        assert_eq!(fold("été"), "ete");
        assert_eq!(fold("straße"), "straße");
        assert_eq!(fold("σίσυφος"), "σισυφος");
        // Kana voicing marks are not diacritics here: が stays が.
        assert_eq!(fold("がぎ"), "がぎ");
        assert_eq!(fold("plain"), "plain");
    }

    #[test]
    fn cjk_runs_become_bigrams() {
        assert_eq!(all("営業資料"), ["営業", "業資", "資料"]);
        assert_eq!(all("営"), ["営"]);
        assert_eq!(all("abc営業def"), ["abc", "営業", "def"]);
        assert_eq!(all("한국어"), ["한국어"]);
        assert_eq!(all("integration"), ["integration"]);
    }

    #[test]
    fn english_words_stem_with_snowball() {
        assert_eq!(stem("integrations"), "integr");
        assert_eq!(stem("integration"), "integr");
        assert_eq!(stem("studies"), "studi");
        assert_eq!(stem("study"), "studi");
        assert_eq!(stem("soc2"), "soc2");
        assert_eq!(stem("営業"), "営業");
    }
}
