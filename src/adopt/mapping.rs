//! Drafting `[front_matter]` from the keys a repo uses: which of its keys feed
//! covermap's (aliases), which of covermap's keys must be read from another key because
//! the repo's own means something else (renames), what is left as `extra`, and
//! candidate tag rules from the folders and the values of tags and categories.

use std::collections::BTreeMap;

use crate::plan::adoption::COVERMAP_KEYS;

use super::scan::{Scan, is_repo_file};

/// Their keys that may hold what a covermap key wants, in the order they are read.
const ALIASES: &[(&str, &[&str])] = &[
    ("summary", &["description", "excerpt", "ogsummary"]),
    (
        "updated",
        &[
            "lastmod",
            "last_modified_at",
            "last_modified",
            "modified",
            "updateddate",
            "date",
        ],
    ),
    ("url", &["externalurl", "external_url"]),
];

/// Words that name a stage of a buying journey; a `stage` key whose values are mostly
/// other words means something else (a product stage) and is renamed away.
const BUYING_STAGES: &[&str] = &[
    "awareness",
    "interest",
    "discovery",
    "research",
    "education",
    "consideration",
    "evaluation",
    "validation",
    "selection",
    "intent",
    "decision",
    "negotiation",
    "purchase",
    "onboarding",
    "adoption",
    "retention",
    "expansion",
    "renewal",
    "advocacy",
];

/// Words that suggest a buyer role, so a candidate rule proposes a persona.
const PERSONA_WORDS: &[&str] = &[
    "cfo",
    "ceo",
    "cto",
    "cio",
    "ciso",
    "coo",
    "cmo",
    "finance",
    "legal",
    "security",
    "it",
    "procurement",
    "sales",
    "marketing",
    "hr",
    "ops",
    "operations",
    "engineering",
    "経理",
    "法務",
    "営業",
    "財務",
    "情報システム",
    "人事",
];

/// Keys whose values are worth a rule.
const RULE_KEYS: &[&str] = &["tags", "categories", "category", "type"];

/// How many candidate rules of each kind the plan lists.
const MAX_CANDIDATES: usize = 8;

#[derive(Debug, Clone, Default)]
pub struct Mapping {
    /// covermap key → their keys, as spelled most often.
    pub aliases: Vec<(String, Vec<String>)>,
    /// covermap key → their key it is read from instead.
    pub renames: Vec<(String, String)>,
    /// Why each rename was made, for the plan's comments and the summary.
    pub reasons: Vec<String>,
    /// Their keys nothing reads (kept as `extra`).
    pub left: Vec<(String, usize)>,
    pub rules: Vec<Candidate>,
}

/// A tag rule to consider: written commented out.
#[derive(Debug, Clone)]
pub struct Candidate {
    /// `path = "x/**"`, or `key` and `value`.
    pub path: Option<String>,
    pub key: Option<(String, String)>,
    pub pages: usize,
    /// The line that sets something, a guess to edit.
    pub sets: String,
}

fn looks_like_buying_stages(values: &BTreeMap<String, usize>) -> bool {
    let total: usize = values.values().sum();
    let buying: usize = values
        .iter()
        .filter(|(v, _)| BUYING_STAGES.contains(&v.to_lowercase().as_str()))
        .map(|(_, n)| n)
        .sum();
    total == 0 || buying * 2 >= total
}

fn guess_sets(word: &str) -> String {
    let w = word.to_lowercase();
    let w = w.trim_end_matches('/');
    let last = w.rsplit('/').next().unwrap_or(w);
    if PERSONA_WORDS.contains(&last) {
        "personas = [\"economic-buyer\"]".into()
    } else if last.contains("case") || last.contains("customer") || last.contains("stor") {
        "stages = [\"decision\"]".into()
    } else if last.contains("battle") || last.contains("compet") || last.contains("compar") {
        "stages = [\"evaluation\"]".into()
    } else {
        "segments = [\"mid-market\"]".into()
    }
}

/// Drafts the mapping from what `scan` saw; `content` is the content folder.
pub fn draft(scan: &Scan, content: &str) -> Mapping {
    let mut m = Mapping::default();
    let mut used: Vec<&str> = Vec::new();
    // A `url` holding page paths (Hugo's) is not the link to a file covermap means.
    if let Some(url) = scan.key("url").filter(|s| s.path_values * 2 > s.pages) {
        let to = scan
            .key("externalurl")
            .map_or("file_url".to_string(), |s| s.spelling().to_string());
        m.reasons.push(format!(
            "their `url` holds page paths ({} of {} pages), so covermap reads `url` from `{to}`",
            url.path_values, url.pages
        ));
        m.renames.push(("url".into(), to));
        used.push("url");
        used.push("externalurl");
    }
    for kind in ["stage", "stages"] {
        if let Some(s) = scan
            .key(kind)
            .filter(|s| !looks_like_buying_stages(&s.values))
        {
            let to = format!("buying_{kind}");
            let sample: Vec<&str> = s.values.keys().take(4).map(String::as_str).collect();
            m.reasons.push(format!(
                "their `{kind}` is not a buying stage ({}), so covermap reads `{kind}` from `{to}`",
                sample.join(", ")
            ));
            m.renames.push((kind.into(), to));
            used.push(kind);
        }
    }
    for (ours, theirs) in ALIASES {
        if m.renames.iter().any(|(k, _)| k == ours) {
            continue;
        }
        let found: Vec<String> = theirs
            .iter()
            .filter(|t| !used.contains(t))
            .filter_map(|t| scan.key(t).map(|s| s.spelling().to_string()))
            .collect();
        used.extend(theirs.iter().filter(|t| scan.key(t).is_some()));
        if !found.is_empty() {
            m.aliases.push(((*ours).to_string(), found));
        }
    }
    if let Some(p) = scan.key("published").filter(|s| s.bool_values > 0) {
        m.aliases
            .push(("draft".into(), vec![format!("!{}", p.spelling())]));
        used.push("published");
    }
    for (k, s) in &scan.keys {
        if !COVERMAP_KEYS.contains(&k.as_str()) && !used.contains(&k.as_str()) {
            m.left.push((s.spelling().to_string(), s.pages));
        }
    }
    m.left.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    m.rules = candidates(scan, content);
    m
}

fn candidates(scan: &Scan, content: &str) -> Vec<Candidate> {
    let prefix = if content == "." {
        String::new()
    } else {
        format!("{content}/")
    };
    let mut folders: BTreeMap<String, usize> = BTreeMap::new();
    for p in &scan.pages {
        if is_repo_file(&p.rel) {
            continue;
        }
        let Some(rel) = p.rel.strip_prefix(&prefix) else {
            continue;
        };
        let parts: Vec<&str> = rel.split('/').collect();
        for depth in 1..parts.len().min(3) {
            *folders.entry(parts[..depth].join("/")).or_default() += 1;
        }
    }
    let mut by_count: Vec<(String, usize)> = folders.into_iter().filter(|(_, n)| *n >= 2).collect();
    by_count.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let mut out: Vec<Candidate> = by_count
        .into_iter()
        .take(MAX_CANDIDATES)
        .map(|(folder, pages)| Candidate {
            sets: guess_sets(&folder),
            path: Some(format!("{}/**", globset::escape(&folder))),
            key: None,
            pages,
        })
        .collect();
    let mut values: Vec<(String, String, usize)> = Vec::new();
    for key in RULE_KEYS {
        if let Some(s) = scan.key(key) {
            for (v, n) in s.values.iter().filter(|(_, n)| **n >= 2) {
                values.push((s.spelling().to_string(), v.clone(), *n));
            }
        }
    }
    values.sort_by(|a, b| b.2.cmp(&a.2).then(a.0.cmp(&b.0)).then(a.1.cmp(&b.1)));
    out.extend(
        values
            .into_iter()
            .take(MAX_CANDIDATES)
            .map(|(k, v, pages)| Candidate {
                sets: guess_sets(&v),
                path: None,
                key: Some((k, v)),
                pages,
            }),
    );
    out
}
