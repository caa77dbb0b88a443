//! `[site] sort` and `[site] language` (issue 14 items 7 and 8): the order of every
//! list of assets, and the `lang` of every page. Read and checked here, each problem
//! placed at its line and column; the library applies the order, base.html the language.
//!
//! Like adoption.rs, this file names nothing else of the plan module, so the model and
//! the validator can both use it without a cycle.

use std::ops::Range;

use crate::diagnostics::{Code, Diagnostic, printable};

/// Where the plan lives, for diagnostics.
const FILE: &str = "plan.toml";

/// The order of every list of assets: the library index, the taxonomy and objection
/// pages, related assets on a tie, the search results on a tie.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Sort {
    /// By the asset's path (its slug): the order of a plan that leaves `sort` out, so
    /// that a library without the key builds the site it always has.
    #[default]
    Path,
    /// By title, ignoring case, then by slug.
    Title,
    /// Newest `updated` first, then by title; undated assets last.
    Updated,
}

impl Sort {
    /// Every value, as written in plan.toml.
    pub const NAMES: [&str; 3] = ["title", "updated", "path"];

    pub fn as_str(self) -> &'static str {
        match self {
            Sort::Path => "path",
            Sort::Title => "title",
            Sort::Updated => "updated",
        }
    }
}

/// The language of a plan that leaves `language` out.
pub const DEFAULT_LANGUAGE: &str = "en";

/// `[site] sort`: an unknown value is an error listing the choices (with the closest
/// first when one is close), and the list keeps the path order meanwhile.
pub(super) fn sort(
    src: &str,
    value: &str,
    span: Range<usize>,
    diags: &mut Vec<Diagnostic>,
) -> Sort {
    match value.trim().to_ascii_lowercase().as_str() {
        "title" => return Sort::Title,
        "updated" => return Sort::Updated,
        "path" => return Sort::Path,
        _ => {}
    }
    let choices = "the choices are `title` (A to Z), `updated` (newest first) and `path` (the file's path, the default)";
    // Of three short values only the closest is worth naming.
    let lower = value.trim().to_lowercase();
    let closest = Sort::NAMES
        .into_iter()
        .map(|name| (strsim::jaro_winkler(&lower, name), name))
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .filter(|(score, _)| *score >= 0.8);
    let help = match closest {
        Some((_, name)) => format!("did you mean `{name}`? ({choices})"),
        None => choices.to_string(),
    };
    diags.push(
        Diagnostic::error(
            FILE,
            format!("sort `{}` is not an order covermap knows", printable(value)),
        )
        .at_span(src, span)
        .help(help)
        .code(Code::PlanValue),
    );
    Sort::Path
}

/// `[site] language`: a BCP 47 tag as `lang` takes it (`en`, `ja`, `pt-BR`,
/// `zh-Hant`): a primary subtag of 2 or 3 letters, then subtags of 1 to 8 letters or
/// digits. Anything else is an error with the tag it probably means; the pages keep
/// the default meanwhile.
pub(super) fn language(
    src: &str,
    value: &str,
    span: Range<usize>,
    diags: &mut Vec<Diagnostic>,
) -> String {
    if is_language_tag(value) {
        return value.to_string();
    }
    let help = match likely_tag(value) {
        Some(tag) => format!(
            "did you mean `{tag}`? write a BCP 47 language tag such as `en`, `ja` or `pt-BR`"
        ),
        None => "write a BCP 47 language tag such as `en`, `ja`, `de` or `pt-BR`".to_string(),
    };
    diags.push(
        Diagnostic::error(
            FILE,
            format!("language `{}` is not a language tag", printable(value)),
        )
        .at_span(src, span)
        .help(help)
        .code(Code::PlanValue),
    );
    DEFAULT_LANGUAGE.to_string()
}

/// Whether `tag` looks like a BCP 47 language tag.
pub fn is_language_tag(tag: &str) -> bool {
    let mut parts = tag.split('-');
    let primary = parts.next().unwrap_or("");
    (2..=3).contains(&primary.len())
        && primary.bytes().all(|b| b.is_ascii_alphabetic())
        && parts.all(|p| (1..=8).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_alphanumeric()))
}

/// The tag a malformed value most likely means: `en_US` is `en-US`, `English` is `en`.
fn likely_tag(value: &str) -> Option<String> {
    let v = value.trim();
    let dashed = v.replace('_', "-");
    if dashed != v && is_language_tag(&dashed) {
        return Some(dashed);
    }
    if v != value && is_language_tag(v) {
        return Some(v.to_string());
    }
    const NAMES: &[(&str, &str)] = &[
        ("english", "en"),
        ("japanese", "ja"),
        ("german", "de"),
        ("deutsch", "de"),
        ("french", "fr"),
        ("français", "fr"),
        ("spanish", "es"),
        ("español", "es"),
        ("portuguese", "pt"),
        ("italian", "it"),
        ("dutch", "nl"),
        ("chinese", "zh"),
        ("korean", "ko"),
        ("russian", "ru"),
        ("polish", "pl"),
        ("swedish", "sv"),
        ("日本語", "ja"),
        ("中文", "zh"),
        ("한국어", "ko"),
    ];
    let lower = v.to_lowercase();
    NAMES
        .iter()
        .find(|(name, _)| *name == lower)
        .map(|(_, tag)| (*tag).to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sort_of(value: &str) -> (Sort, Vec<Diagnostic>) {
        let src = format!("sort = \"{value}\"");
        let mut diags = Vec::new();
        let got = sort(&src, value, 8..8 + value.len(), &mut diags);
        (got, diags)
    }

    fn language_of(value: &str) -> (String, Vec<Diagnostic>) {
        let src = format!("[site]\nlanguage = \"{value}\"");
        let mut diags = Vec::new();
        let got = language(&src, value, 19..19 + value.len(), &mut diags);
        (got, diags)
    }

    #[test]
    fn sort_values_and_typos() {
        assert_eq!(sort_of("title").0, Sort::Title);
        assert_eq!(sort_of("Updated").0, Sort::Updated);
        assert_eq!(sort_of("path").0, Sort::Path);
        let (got, diags) = sort_of("updatd");
        assert_eq!(got, Sort::Path);
        let text = format!("{:?}", diags[0]);
        assert!(text.contains("did you mean `updated`?"), "{text}");
        assert!(text.contains("`title`"), "{text}");
        assert_eq!(diags[0].code, Code::PlanValue);
        let (_, diags) = sort_of("zzz");
        let text = format!("{:?}", diags[0]);
        assert!(!text.contains("did you mean"), "{text}");
        assert!(text.contains("the choices are"), "{text}");
    }

    #[test]
    fn language_tags() {
        for good in [
            "en",
            "ja",
            "pt-BR",
            "zh-Hant",
            "zh-Hant-TW",
            "de-CH-1901",
            "sgn",
        ] {
            assert!(is_language_tag(good), "{good}");
            assert_eq!(language_of(good), (good.to_string(), vec![]));
        }
        for bad in [
            "",
            "e",
            "english",
            "en_US",
            "en-",
            "-en",
            "en--US",
            "en US",
            "日本語",
            "e1",
        ] {
            assert!(!is_language_tag(bad), "{bad}");
        }
        for (bad, hint) in [
            ("en_US", Some("en-US")),
            ("English", Some("en")),
            ("日本語", Some("ja")),
            (" ja ", Some("ja")),
            ("klingon", None),
        ] {
            let (got, diags) = language_of(bad);
            assert_eq!(got, "en");
            let text = format!("{:?}", diags[0]);
            match hint {
                Some(h) => assert!(text.contains(&format!("did you mean `{h}`?")), "{text}"),
                None => assert!(!text.contains("did you mean"), "{text}"),
            }
        }
    }
}
