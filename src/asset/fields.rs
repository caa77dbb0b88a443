//! Front matter as the repo wrote it (SPEC §5, issue 14): keys matched ignoring case,
//! `[front_matter]` aliases and renames applied, tag rules matched, and what a page
//! without front matter or title falls back to.

use std::collections::BTreeMap;
use std::path::Path;

use crate::frontmatter::{Node, Value};
use crate::plan::adoption::{FrontMatter, TagRule, glob};

/// Front matter entries, taken one covermap key at a time; what is left is `extra`.
pub(super) struct Fields<'p> {
    entries: Vec<(String, Node)>,
    used: Vec<bool>,
    map: Option<&'p FrontMatter>,
}

impl<'p> Fields<'p> {
    pub(super) fn new(entries: Vec<(String, Node)>, map: Option<&'p FrontMatter>) -> Self {
        let used = vec![false; entries.len()];
        // An empty mapping is no mapping: a library without the keys takes one branch.
        let map = map.filter(|m| !m.aliases.is_empty() || !m.renames.is_empty());
        Fields { entries, used, map }
    }

    /// Pairs of keys that are one key in two spellings (`Title` and `title`): the
    /// first is read, the second named in a warning. Only looked for when a key has
    /// an uppercase letter.
    pub(super) fn spelled_twice(&self) -> Vec<(&str, &Node, &str)> {
        if !self
            .entries
            .iter()
            .any(|(k, _)| k.bytes().any(|b| b.is_ascii_uppercase()))
        {
            return Vec::new();
        }
        let mut out = Vec::new();
        for (j, (k, n)) in self.entries.iter().enumerate() {
            if let Some((first, _)) = self.entries[..j]
                .iter()
                .find(|(f, _)| f.eq_ignore_ascii_case(k))
            {
                out.push((first.as_str(), n, k.as_str()));
            }
        }
        out
    }

    /// The entry written under `key` (ignoring case), every spelling of it used up.
    fn take_raw(&mut self, key: &str) -> Option<Node> {
        let mut found = None;
        for (i, (k, n)) in self.entries.iter().enumerate() {
            if k.eq_ignore_ascii_case(key) && !self.used[i] {
                self.used[i] = true;
                found.get_or_insert_with(|| n.clone());
            }
        }
        found
    }

    /// Covermap's `key`: from the key it is renamed to, else its own, else the first
    /// alias the file has. The flag says the value is read inverted (`!published`).
    pub(super) fn take(&mut self, key: &str) -> Option<(Node, bool)> {
        let Some(map) = self.map else {
            return self.take_raw(key).map(|n| (n, false));
        };
        if let Some((_, theirs)) = map.renames.iter().find(|(k, _)| k == key) {
            return self.take_raw(theirs).map(|n| (n, false));
        }
        if let Some(n) = self.take_raw(key) {
            return Some((n, false));
        }
        let alias = map.aliases.iter().find(|a| a.key == key)?;
        alias
            .from
            .iter()
            .find_map(|s| self.take_raw(&s.key).map(|n| (n, s.inverted)))
    }

    /// [`Self::take`] without the inversion flag.
    pub(super) fn node(&mut self, key: &str) -> Option<Node> {
        self.take(key).map(|(n, _)| n)
    }

    /// The words an entry holds (a string or a list of strings), lowercased, for tag
    /// rules; the entry stays where it is.
    fn words(&self, key: &str) -> Vec<String> {
        let mut out = Vec::new();
        for (_, n) in self
            .entries
            .iter()
            .filter(|(k, _)| k.eq_ignore_ascii_case(key))
        {
            match &n.value {
                Value::Str(s) | Value::Plain(s) => out.push(s.trim().to_lowercase()),
                Value::Seq(items) => out.extend(items.iter().filter_map(|i| match &i.value {
                    Value::Str(s) | Value::Plain(s) => Some(s.trim().to_lowercase()),
                    _ => None,
                })),
                _ => {}
            }
        }
        out
    }

    /// The rules that match the asset at `content_path` (relative to the content folder).
    pub(super) fn matching_rules<'r>(
        &self,
        rules: &'r [TagRule],
        content_path: &Path,
    ) -> Vec<&'r TagRule> {
        let path = content_path
            .components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/");
        rules
            .iter()
            .filter(|r| {
                let by_path = r
                    .path
                    .as_deref()
                    .is_none_or(|p| glob(p).is_ok_and(|g| g.is_match(&path)));
                let by_key = r.key.as_deref().is_none_or(|k| {
                    let words = self.words(k);
                    r.values
                        .iter()
                        .any(|v| words.iter().any(|w| w.eq_ignore_ascii_case(v)))
                });
                (r.path.is_some() || r.key.is_some()) && by_path && by_key
            })
            .collect()
    }

    /// Whether the file is a redirect stub (only redirect keys, no body) or a feed or
    /// sitemap template: not an asset.
    pub(super) fn skipped_kind(&self, body: &str) -> Option<&'static str> {
        const REDIRECT: &[&str] = &[
            "redirect_to",
            "redirect_from",
            "aliases",
            "redirect",
            "layout",
            "permalink",
        ];
        let is = |k: &str, set: &[&str]| set.iter().any(|s| s.eq_ignore_ascii_case(k));
        let redirects = self.entries.iter().any(|(k, _)| is(k, &REDIRECT[..4]));
        if redirects && body.trim().is_empty() && self.entries.iter().all(|(k, _)| is(k, REDIRECT))
        {
            return Some("redirect stub");
        }
        let text = |key: &str| {
            self.entries
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(key))
                .and_then(|(_, n)| match &n.value {
                    Value::Str(s) | Value::Plain(s) => Some(s.trim().to_lowercase()),
                    Value::Bool(b) => Some(b.to_string()),
                    _ => None,
                })
        };
        let feed_permalink = text("permalink").is_some_and(|p| {
            [".xml", ".json", ".txt", ".rss", ".atom"]
                .iter()
                .any(|e| p.ends_with(e))
        });
        let feed_layout = text("layout")
            .is_some_and(|l| ["xml", "rss", "atom", "feed", "sitemap"].contains(&l.as_str()));
        let excluded = text("eleventyExcludeFromCollections").is_some_and(|v| v == "true");
        (feed_permalink || feed_layout || excluded).then_some("feed or sitemap template")
    }

    pub(super) fn rest(self) -> BTreeMap<String, serde_json::Value> {
        let used = self.used;
        self.entries
            .into_iter()
            .enumerate()
            .filter(|(i, _)| !used[*i])
            .map(|(_, (k, n))| (k, n.value.to_json()))
            .collect()
    }
}

/// The text of the body's first ATX heading (`# Title`), if any.
pub(super) fn first_heading(body: &str) -> Option<String> {
    let mut fenced = false;
    for line in body.lines() {
        let t = line.trim_start();
        if t.starts_with("```") || t.starts_with("~~~") {
            fenced = !fenced;
            continue;
        }
        if fenced {
            continue;
        }
        let hashes = t.bytes().take_while(|&b| b == b'#').count();
        if (1..=6).contains(&hashes) && t[hashes..].starts_with([' ', '\t']) {
            let text = t[hashes..].trim().trim_end_matches('#').trim();
            if !text.is_empty() {
                return Some(plain(text));
            }
        }
    }
    None
}

/// A title from the file's name: `x/index.md` is `x`, dashes and underscores spaces.
pub(super) fn title_from_path(content_path: &Path) -> String {
    let stem = content_path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let stem = if matches!(stem.as_str(), "index" | "_index") {
        content_path
            .parent()
            .and_then(Path::file_name)
            .map_or(stem, |s| s.to_string_lossy().into_owned())
    } else {
        stem
    };
    let words = stem.replace(['-', '_'], " ").trim().to_string();
    // A name of dashes alone (`_.md`) is still a name: an asset is never left untitled.
    match (words.is_empty(), stem.is_empty()) {
        (false, _) => words,
        (true, false) => stem,
        (true, true) => "untitled".into(),
    }
}

/// The body's first paragraph as plain text, cut to about 200 characters at a word
/// boundary; headings, fences, HTML, images and MDX `import`/`export` lines are passed.
pub(super) fn first_paragraph(body: &str) -> Option<String> {
    let mut fenced = false;
    let mut para: Vec<&str> = Vec::new();
    for line in body.lines() {
        let t = line.trim();
        if t.starts_with("```") || t.starts_with("~~~") {
            fenced = !fenced;
            if !para.is_empty() {
                break;
            }
            continue;
        }
        if fenced {
            continue;
        }
        if t.is_empty() {
            if !para.is_empty() {
                break;
            }
            continue;
        }
        let skip = t.starts_with('#')
            || t.starts_with('<')
            || t.starts_with("![")
            || t.starts_with("import ")
            || t.starts_with("export ")
            || t.starts_with("{%")
            || t.starts_with("{{");
        if skip {
            if !para.is_empty() {
                break;
            }
            continue;
        }
        para.push(t);
    }
    if para.is_empty() {
        return None;
    }
    let text = plain(&para.join(" "));
    Some(cut(&text, 200)).filter(|s| !s.is_empty())
}

/// Markdown inline markup dropped: `[text](url)` is `text`, emphasis and code marks gone.
fn plain(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '*' | '_' | '`' | '[' => {}
            ']' if chars.peek() == Some(&'(') => {
                for d in chars.by_ref() {
                    if d == ')' {
                        break;
                    }
                }
            }
            ']' => {}
            _ => out.push(c),
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// `s` cut to at most `max` characters at a word boundary, with `…` when cut.
pub(super) fn cut(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    let head: String = s.chars().take(max).collect();
    let head = match head.rfind(' ') {
        Some(i) if i > 0 => &head[..i],
        _ => head.as_str(),
    };
    format!("{}…", head.trim_end_matches([',', ';', ':', '.', ' ']))
}
