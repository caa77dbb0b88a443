//! The plan keys that adopt an existing content repo in place (SPEC §5, issue 14):
//! `[build] out`, `[content]` (where the Markdown is, which folders hold static files,
//! include/exclude globs, the URL prefix of the content folder, the extensions read as
//! Markdown) and `[front_matter]` (aliases, renames and tag rules). Here they are only
//! read and checked, every problem placed at its line and column; loading applies them.
//!
//! This file names nothing else of the plan module (ids come in as slices, the file
//! name as a parameter), so the model and the validator can both use it without a cycle.

use std::collections::BTreeMap;
use std::ops::Range;

use serde::Deserialize;
use toml::Spanned;

use crate::diagnostics::{Code, Diagnostic, suggest};

type S<T> = Spanned<T>;

/// Where the plan lives, for diagnostics (the model's `PLAN_FILE`, not imported: see above).
const FILE: &str = "plan.toml";

/// The extensions read as Markdown when `[content] extensions` is not given. `.mdx` is
/// in: Docusaurus, Astro and Gatsby repos keep pages in it, and skipping them silently
/// built nothing; its `import`/`export` lines and components are the loader's job.
pub const DEFAULT_EXTENSIONS: &[&str] = &[".md", ".markdown", ".mdx"];

/// The covermap front-matter keys a mapping may name (SPEC §1.2 and §5).
pub const COVERMAP_KEYS: &[&str] = &[
    "title",
    "summary",
    "updated",
    "url",
    "draft",
    "type",
    "persona",
    "personas",
    "stage",
    "stages",
    "segment",
    "segments",
    "objections",
    "audience",
    "owner",
    "review_by",
    "tags",
    "slug",
    "aliases",
    "redirect_from",
    "superseded_by",
];

/// Everything adoption adds to the plan; the defaults are what a plan without these
/// tables means (SPEC §1).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Adoption {
    /// `[build] out`: the output folder, relative to the root (`--out` wins); `None`
    /// means `public`.
    pub out: Option<String>,
    pub content: Content,
    pub front_matter: FrontMatter,
}

/// `[content]`: every path is relative to the root, written with `/`.
#[derive(Debug, Clone, PartialEq)]
pub struct Content {
    /// The content folder; "." is the root itself.
    pub dir: String,
    /// Folders whose files root-relative links may point to (Hugo's static/, …).
    pub static_dirs: Vec<String>,
    /// Globs relative to the content folder: when not empty, only matching files are read.
    pub include: Vec<String>,
    /// Globs relative to the content folder: matching files are never read.
    pub exclude: Vec<String>,
    /// The URL prefix the content folder was published under, as `/handbook/`.
    pub url_prefix: Option<String>,
    /// Lowercase, with the dot: `.md`.
    pub extensions: Vec<String>,
}

impl Default for Content {
    fn default() -> Self {
        Content {
            dir: "content".into(),
            static_dirs: Vec::new(),
            include: Vec::new(),
            exclude: Vec::new(),
            url_prefix: None,
            extensions: DEFAULT_EXTENSIONS
                .iter()
                .map(|e| (*e).to_string())
                .collect(),
        }
    }
}

/// `[front_matter]`: how the repo's own keys feed covermap's.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct FrontMatter {
    /// covermap key → their keys, read in order when the covermap key is absent.
    pub aliases: Vec<Alias>,
    /// covermap key → the one key it is read from instead (theirs is then ignored).
    pub renames: Vec<(String, String)>,
    pub rules: Vec<TagRule>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Alias {
    pub key: String,
    pub from: Vec<Source>,
}

/// One of their keys; `inverted` (written `!published`) reads a boolean negated, so
/// Jekyll's `published: false` is covermap's `draft: true`.
#[derive(Debug, Clone, PartialEq)]
pub struct Source {
    /// Lowercase: keys match case-insensitively, as Hugo reads them.
    pub key: String,
    pub inverted: bool,
}

/// `[[front_matter.rules]]`: tags the assets it matches (front matter wins over rules).
#[derive(Debug, Clone, PartialEq)]
pub struct TagRule {
    /// A glob relative to the content folder, such as `case-studies/healthcare/**`.
    pub path: Option<String>,
    /// Their key (lowercase) and the values that match, ignoring case.
    pub key: Option<String>,
    pub values: Vec<String>,
    /// Indices into the plan's segments, personas and stages.
    pub segments: Vec<usize>,
    pub personas: Vec<usize>,
    pub stages: Vec<usize>,
    /// Line in plan.toml, so the asset page and `check` can say which rule tagged it.
    pub line: u32,
}

/// Compiles a `[content]` or rule glob the way loading matches it: `*` stays within one
/// folder, `**` crosses folders, paths use `/`.
pub fn glob(pattern: &str) -> Result<globset::GlobMatcher, globset::Error> {
    globset::GlobBuilder::new(pattern)
        .literal_separator(true)
        .backslash_escape(true)
        .build()
        .map(|g| g.compile_matcher())
}

// ---------------------------------------------------------------------------
// The tables as written.

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawBuild {
    out: Option<S<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawContent {
    dir: Option<S<String>>,
    #[serde(rename = "static")]
    static_dirs: Option<Vec<S<String>>>,
    include: Option<Vec<S<String>>>,
    exclude: Option<Vec<S<String>>>,
    url_prefix: Option<S<String>>,
    extensions: Option<Vec<S<String>>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawFrontMatter {
    aliases: Option<BTreeMap<S<String>, S<toml::Value>>>,
    renames: Option<BTreeMap<S<String>, S<String>>>,
    #[serde(default)]
    rules: Vec<S<RawRule>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRule {
    path: Option<S<String>>,
    key: Option<S<String>>,
    value: Option<S<toml::Value>>,
    segment: Option<S<toml::Value>>,
    segments: Option<S<toml::Value>>,
    persona: Option<S<toml::Value>>,
    personas: Option<S<toml::Value>>,
    stage: Option<S<toml::Value>>,
    stages: Option<S<toml::Value>>,
}

/// The three tables as written (three fields of the plan file's raw struct: serde's
/// `flatten` cannot sit beside `deny_unknown_fields`).
pub(super) struct RawAdoption {
    pub build: Option<RawBuild>,
    pub content: Option<RawContent>,
    pub front_matter: Option<RawFrontMatter>,
}

/// The plan's ids, for the rules' references.
pub(super) struct Ids<'a> {
    pub segments: &'a [String],
    pub personas: &'a [String],
    pub stages: &'a [String],
}

struct Checker<'a> {
    src: &'a str,
    diags: &'a mut Vec<Diagnostic>,
}

impl Checker<'_> {
    fn error(&mut self, span: Range<usize>, code: Code, message: String, help: impl Into<String>) {
        self.diags.push(
            Diagnostic::error(FILE, message)
                .at_span(self.src, span)
                .help(help)
                .code(code),
        );
    }

    /// A folder relative to the root: not absolute, no `..`, `/` separators.
    fn folder(&mut self, v: &S<String>, what: &str, dot_ok: bool) -> String {
        let raw = v.get_ref().trim();
        let cleaned = raw.trim_start_matches("./").trim_end_matches('/');
        let cleaned = if cleaned.is_empty() && !raw.is_empty() {
            "."
        } else {
            cleaned
        };
        let bad = cleaned.is_empty()
            || raw.starts_with('/')
            || raw.contains('\\')
            || (cleaned.len() > 1 && cleaned.as_bytes().get(1) == Some(&b':'))
            || cleaned.split('/').any(|c| c == ".." || c.is_empty())
            || (!dot_ok && cleaned == ".");
        if bad {
            let help = if dot_ok {
                "write a folder relative to the plan's folder, such as \"content\" or \".\""
            } else {
                "write a folder relative to the plan's folder, such as \"static\", not \".\", `..` or an absolute path"
            };
            self.error(
                v.span(),
                Code::PlanValue,
                format!("{what} `{raw}` is not a folder inside the library"),
                help,
            );
        }
        cleaned.to_string()
    }

    fn globs(&mut self, list: &[S<String>], what: &str) -> Vec<String> {
        let mut out = Vec::new();
        for g in list {
            match glob(g.get_ref()) {
                Ok(_) => out.push(g.get_ref().clone()),
                Err(e) => self.error(
                    g.span(),
                    Code::PlanValue,
                    format!("{what} glob `{}` is not valid: {}", g.get_ref(), e.kind()),
                    "globs are relative to the content folder: `*` within a folder, `**` across folders, such as \"drafts/**\"",
                ),
            }
        }
        out
    }

    fn covermap_key(&mut self, k: &S<String>, table: &str) -> Option<String> {
        let key = k.get_ref().to_lowercase();
        if COVERMAP_KEYS.contains(&key.as_str()) {
            return Some(key);
        }
        let help = suggest(&key, COVERMAP_KEYS.iter().copied()).unwrap_or_else(|| {
            format!(
                "the keys of `{table}` are covermap's front-matter keys: {}",
                COVERMAP_KEYS.join(", ")
            )
        });
        self.error(
            k.span(),
            Code::PlanUnknownKey,
            format!(
                "`{}` in `{table}` is not a covermap front-matter key",
                k.get_ref()
            ),
            help,
        );
        None
    }

    /// A string or a list of strings.
    fn strings(&mut self, v: &S<toml::Value>, what: &str) -> Vec<String> {
        let list = match v.get_ref() {
            toml::Value::String(s) => vec![s.clone()],
            toml::Value::Array(items) if items.iter().all(toml::Value::is_str) => items
                .iter()
                .filter_map(|i| i.as_str().map(str::to_string))
                .collect(),
            other => {
                self.error(
                    v.span(),
                    Code::PlanType,
                    format!(
                        "{what} must be a string or a list of strings, found {}",
                        other.type_str()
                    ),
                    format!("write {what} = \"x\" or {what} = [\"x\", \"y\"]"),
                );
                return Vec::new();
            }
        };
        if list.iter().any(|s| s.trim().is_empty()) || list.is_empty() {
            self.error(
                v.span(),
                Code::PlanValue,
                format!("{what} is empty"),
                format!("name at least one value in {what}, or remove it"),
            );
        }
        list
    }

    fn ids(&mut self, v: &S<toml::Value>, kind: &str, ids: &[String]) -> Vec<usize> {
        let mut found = Vec::new();
        for value in self.strings(v, kind) {
            if value == "all" {
                found.extend(0..ids.len());
            } else if let Some(i) = ids.iter().position(|id| *id == value) {
                found.push(i);
            } else {
                let help = suggest(&value, ids.iter().map(String::as_str))
                    .unwrap_or_else(|| format!("the {kind}s are: {}", ids.join(", ")));
                self.error(
                    v.span(),
                    Code::PlanUnknownId,
                    format!("tag rule names unknown {kind} `{value}`"),
                    help,
                );
            }
        }
        found.sort_unstable();
        found.dedup();
        found
    }

    /// `x` or `xs`, never both.
    fn one_of(
        &mut self,
        one: &Option<S<toml::Value>>,
        many: &Option<S<toml::Value>>,
        kind: &str,
        ids: &[String],
    ) -> Vec<usize> {
        match (one, many) {
            (Some(_), Some(b)) => {
                self.error(
                    b.span(),
                    Code::PlanType,
                    format!("tag rule sets both `{kind}` and `{kind}s`"),
                    format!("keep one: `{kind}s` takes a list"),
                );
                Vec::new()
            }
            (Some(v), None) | (None, Some(v)) => self.ids(v, kind, ids),
            (None, None) => Vec::new(),
        }
    }
}

/// Checks the adoption tables and resolves them; problems go to `diags`.
pub(super) fn resolve(
    raw: RawAdoption,
    ids: &Ids,
    src: &str,
    diags: &mut Vec<Diagnostic>,
) -> Adoption {
    let mut c = Checker { src, diags };
    let mut adoption = Adoption::default();
    if let Some(out) = raw.build.and_then(|b| b.out) {
        adoption.out = Some(c.folder(&out, "[build] out", false));
    }
    if let Some(rc) = raw.content {
        let content = &mut adoption.content;
        if let Some(dir) = &rc.dir {
            content.dir = c.folder(dir, "[content] dir", true);
        }
        for s in rc.static_dirs.iter().flatten() {
            let folder = c.folder(s, "[content] static folder", false);
            content.static_dirs.push(folder);
        }
        content.include = c.globs(rc.include.as_deref().unwrap_or(&[]), "include");
        content.exclude = c.globs(rc.exclude.as_deref().unwrap_or(&[]), "exclude");
        if let Some(p) = &rc.url_prefix {
            let v = p.get_ref().trim();
            if !v.starts_with('/') || v.contains("//") || v.contains(['?', '#', ' ']) {
                c.error(
                    p.span(),
                    Code::PlanValue,
                    format!("url_prefix `{v}` is not a URL path"),
                    "write the path the content folder was published under, such as \"/handbook/\"",
                );
            } else {
                content.url_prefix = Some(format!("{}/", v.trim_end_matches('/')));
            }
        }
        if let Some(exts) = &rc.extensions {
            content.extensions.clear();
            for e in exts {
                let v = e.get_ref().to_lowercase();
                let name = v.strip_prefix('.').unwrap_or("");
                if name.is_empty() || !name.bytes().all(|b| b.is_ascii_alphanumeric()) {
                    c.error(
                        e.span(),
                        Code::PlanValue,
                        format!("extension `{}` is not a file extension", e.get_ref()),
                        "write extensions with their dot, such as \".md\" or \".mdx\"",
                    );
                } else if !content.extensions.contains(&v) {
                    content.extensions.push(v);
                }
            }
            if exts.is_empty() {
                c.error(
                    0..0,
                    Code::PlanValue,
                    "[content] extensions is empty, so no file would be read".into(),
                    format!("list the extensions read as Markdown, such as {DEFAULT_EXTENSIONS:?}"),
                );
            }
        }
    }
    if let Some(fm) = raw.front_matter {
        adoption.front_matter = front_matter(&mut c, fm, ids);
    }
    adoption
}

fn front_matter(c: &mut Checker, fm: RawFrontMatter, ids: &Ids) -> FrontMatter {
    let mut out = FrontMatter::default();
    // Their key → the covermap key it already feeds, so no key feeds two.
    let mut taken: BTreeMap<String, (String, Range<usize>)> = BTreeMap::new();
    let mut take = |c: &mut Checker, theirs: &str, ours: &str, span: Range<usize>| {
        if let Some((first, at)) = taken.get(theirs) {
            if first != ours {
                let line = crate::diagnostics::line_col(c.src, at.start).0;
                c.error(
                    span,
                    Code::PlanValue,
                    format!("`{theirs}` feeds both `{first}` (line {line}) and `{ours}`"),
                    "map each of the repo's keys to one covermap key",
                );
            }
        } else {
            taken.insert(theirs.to_string(), (ours.to_string(), span));
        }
    };
    for (k, v) in fm.renames.iter().flatten() {
        let Some(key) = c.covermap_key(k, "[front_matter.renames]") else {
            continue;
        };
        let theirs = v.get_ref().trim().to_lowercase();
        if theirs.is_empty() || theirs == key {
            c.error(
                v.span(),
                Code::PlanValue,
                format!("rename of `{key}` names no other key"),
                format!("write the repo's key covermap reads `{key}` from, such as {key} = \"buying_{key}\""),
            );
            continue;
        }
        take(c, &theirs, &key, v.span());
        out.renames.push((key, theirs));
    }
    for (k, v) in fm.aliases.iter().flatten() {
        let Some(key) = c.covermap_key(k, "[front_matter.aliases]") else {
            continue;
        };
        let mut from = Vec::new();
        for s in c.strings(v, &format!("aliases.{key}")) {
            let (name, inverted) = match s.trim().strip_prefix('!') {
                Some(rest) => (rest.trim().to_lowercase(), true),
                None => (s.trim().to_lowercase(), false),
            };
            if inverted && key != "draft" {
                c.error(
                    v.span(),
                    Code::PlanValue,
                    format!("`!{name}` reads a yes/no key inverted, but `{key}` is not one"),
                    "only `draft` takes an inverted key, as draft = [\"!published\"]",
                );
                continue;
            }
            if name.is_empty() || name == key {
                continue;
            }
            take(c, &name, &key, v.span());
            from.push(Source {
                key: name,
                inverted,
            });
        }
        out.aliases.push(Alias { key, from });
    }
    for rule in &fm.rules {
        let span = rule.span();
        let r = rule.get_ref();
        let line = crate::diagnostics::line_col(c.src, span.start).0;
        let path = r
            .path
            .as_ref()
            .map(|p| c.globs(std::slice::from_ref(p), "rule path"));
        let path = path.and_then(|mut g| g.pop());
        let key = r.key.as_ref().map(|k| k.get_ref().trim().to_lowercase());
        let values = match (&r.key, &r.value) {
            (Some(_), Some(v)) => c.strings(v, "value"),
            (Some(k), None) => {
                c.error(
                    k.span(),
                    Code::PlanType,
                    "tag rule names a `key` but no `value`".into(),
                    "add `value = \"…\"`: the value of that key that tags an asset",
                );
                Vec::new()
            }
            (None, Some(v)) => {
                c.error(
                    v.span(),
                    Code::PlanType,
                    "tag rule gives a `value` but no `key`".into(),
                    "add `key = \"tags\"` (or categories, type, …): the key whose value it matches",
                );
                Vec::new()
            }
            (None, None) => Vec::new(),
        };
        if r.path.is_none() && r.key.is_none() {
            c.error(
                span.clone(),
                Code::PlanType,
                "tag rule matches nothing: it has no `path` and no `key`".into(),
                "add `path = \"case-studies/**\"` or `key = \"tags\"` with `value = \"…\"`",
            );
        }
        let segments = c.one_of(&r.segment, &r.segments, "segment", ids.segments);
        let personas = c.one_of(&r.persona, &r.personas, "persona", ids.personas);
        let stages = c.one_of(&r.stage, &r.stages, "stage", ids.stages);
        let sets = [
            &r.segment,
            &r.segments,
            &r.persona,
            &r.personas,
            &r.stage,
            &r.stages,
        ];
        if sets.iter().all(|s| s.is_none()) {
            c.error(
                span.clone(),
                Code::PlanType,
                "tag rule sets nothing".into(),
                "add `segments`, `personas` or `stages`: the plan ids it gives the assets it matches",
            );
        }
        out.rules.push(TagRule {
            path,
            key,
            values,
            segments,
            personas,
            stages,
            line,
        });
    }
    out
}
