//! Reading one asset file: its front matter split off, parsed and checked against the
//! plan, its slug and its freshness worked out. Every broken rule becomes a diagnostic
//! that points into the `.md` file itself, not into the front matter block.

use std::path::Path;

use crate::date::Date;
use crate::diagnostics::{Code, Diagnostic, Place, is_bidi_control, is_invisible, suggest};
use crate::frontmatter::{self, Node, SplitError, Value};
use crate::limits::{MAX_HTML_NESTING, MAX_LIST_VALUES};
use crate::markdown;
use crate::plan::{Kind, Plan};
use crate::slug::{check_slug, slug_from_path, suggest_slug};

use super::body::body_hash;
use super::fields::{Fields, cut, first_heading, first_paragraph, title_from_path};
use super::model::{Asset, Audience, ReadOptions};

/// Reads one asset. `source` is the path relative to the root (for messages),
/// `content_path` the path relative to `content/` (for the slug). Without a plan
/// (it failed to load) the file is still checked for syntax, so one run reports both.
pub fn read(
    source: &Path,
    content_path: &Path,
    text: &str,
    plan: Option<&Plan>,
    options: ReadOptions,
) -> (Option<Asset>, Vec<Diagnostic>) {
    let text = frontmatter::normalize(text);
    let mut r = Reader {
        source,
        text: &text,
        line_offset: 0,
        diags: Vec::new(),
    };
    let asset = r.read(content_path, plan, options);
    (asset, r.diags)
}

struct Reader<'a> {
    source: &'a Path,
    text: &'a str,
    line_offset: u32,
    diags: Vec<Diagnostic>,
}

impl Reader<'_> {
    /// How many characters a node's value takes in the file: a quoted string with its
    /// quotes (and any escapes) as written, else its text.
    fn node_width(&self, node: &Node) -> u32 {
        let Value::Str(s) = &node.value else {
            return 1;
        };
        let line = (node.line + self.line_offset).saturating_sub(1) as usize;
        let written = self.text.lines().nth(line).map(|l| {
            l.chars()
                .skip(node.col.saturating_sub(1) as usize)
                .collect::<String>()
        });
        written
            .as_deref()
            .and_then(quoted_width)
            .unwrap_or_else(|| s.chars().count())
            .max(1) as u32
    }

    fn place(&self, node: &Node) -> Place {
        Place::new(
            self.text,
            node.line + self.line_offset,
            node.col,
            self.node_width(node),
        )
    }

    fn error_at(
        &mut self,
        code: Code,
        node: &Node,
        message: impl Into<String>,
        help: impl Into<String>,
    ) {
        let width = self.node_width(node);
        let d = Diagnostic::error(self.source, message)
            .at(self.text, node.line + self.line_offset, node.col)
            .width(width)
            .help(help)
            .code(code);
        self.diags.push(d);
    }

    fn error_line(
        &mut self,
        code: Code,
        line: u32,
        message: impl Into<String>,
        help: impl Into<String>,
    ) {
        let d = Diagnostic::error(self.source, message)
            .at(self.text, line, 1)
            .help(help)
            .code(code);
        self.diags.push(d);
    }

    fn read(
        &mut self,
        content_path: &Path,
        plan: Option<&Plan>,
        options: ReadOptions,
    ) -> Option<Asset> {
        let split = match frontmatter::split(self.text) {
            Ok(s) => s,
            // A page without front matter is an asset titled from its heading or name.
            Err(SplitError::Missing) => frontmatter::Split {
                format: frontmatter::Format::Yaml,
                block: "",
                block_line: 1,
                body: self.text,
            },
            Err(e) => {
                let (msg, help) = match e {
                    SplitError::Empty => (
                        "the file is empty",
                        "start it with front matter: a `---` line, `title: …`, and a closing `---` line",
                    ),
                    SplitError::Missing => (
                        "the file has no front matter",
                        "start it with a `---` line, then `title: …` and the other keys, then a closing `---` line (or use `+++` and TOML)",
                    ),
                    SplitError::Unclosed { delimiter } => {
                        let help = if delimiter == "---" {
                            "close the front matter with a `---` line before the body"
                        } else {
                            "close the front matter with a `+++` line before the body"
                        };
                        ("the front matter is never closed", help)
                    }
                };
                self.error_line(Code::FrontMatterMissing, 1, msg, help);
                return None;
            }
        };
        self.line_offset = split.block_line - 1;
        let entries = match frontmatter::parse(split.format, split.block) {
            Ok(entries) => entries,
            Err(e) => {
                let node = Node {
                    value: Value::Null,
                    line: e.line,
                    col: e.col,
                };
                let syntax = match split.format {
                    frontmatter::Format::Yaml => "YAML",
                    frontmatter::Format::Toml => "TOML",
                };
                let help = e.help.unwrap_or_else(|| format!("fix the {syntax} syntax here; quote values that contain `: ` or start with a special character"));
                // A key given twice is E0303, as the table of codes says; the rest is syntax.
                let code = if e.message.starts_with("duplicate key") {
                    Code::FrontMatterType
                } else {
                    Code::FrontMatterSyntax
                };
                self.error_at(
                    code,
                    &node,
                    format!("invalid {syntax} front matter: {}", e.message),
                    help,
                );
                return None;
            }
        };
        let no_front_matter = split.block.is_empty() && split.block_line == 1 && entries.is_empty();
        let mut fm = Fields::new(entries, plan.map(|p| &p.adoption.front_matter));
        for (first, node, second) in fm.spelled_twice() {
            let place = self.place(node);
            self.diags.push(
                Diagnostic::warning(
                    self.source,
                    format!("`{first}` and `{second}` are one key (keys match ignoring case); `{first}` is read"),
                )
                .at_place(&place)
                .help(format!("keep one of them, as `{}`", first.to_lowercase()))
                .code(Code::KeySpelledTwice),
            );
        }
        if let Some(what) = fm.skipped_kind(split.body) {
            self.diags.push(
                Diagnostic::warning(self.source, format!("skipped a {what}: not an asset"))
                    .at(self.text, 1, 1)
                    .help("exclude it in plan.toml's `[content] exclude` to silence this")
                    .code(Code::PageSkipped),
            );
            return None;
        }

        let title = match fm.node("title") {
            Some(n) => self.text(&n, "title", false),
            None => {
                let (title, from) = match first_heading(split.body) {
                    Some(h) => (h, "its first heading"),
                    None => (title_from_path(content_path), "its file name"),
                };
                let what = if no_front_matter {
                    "the page has no front matter"
                } else {
                    "the front matter has no `title`"
                };
                self.diags.push(
                    Diagnostic::warning(
                        self.source,
                        format!("{what}: titled \"{title}\" from {from}"),
                    )
                    .at(self.text, 1, 1)
                    .help("add `title: \"…\"` to name it yourself")
                    .code(Code::TitleFallback),
                );
                Some(title)
            }
        };
        let type_node = fm.node("type");
        let kind = type_node
            .as_ref()
            .and_then(|n| self.text(n, "type", true))
            .map(|s| s.trim().to_lowercase());
        let (personas, personas_given) =
            self.dimension(&mut fm, plan, Kind::Persona, ["persona", "personas"]);
        let (stages, stages_given) =
            self.dimension(&mut fm, plan, Kind::Stage, ["stage", "stages"]);
        let (segments, segments_given) =
            self.dimension(&mut fm, plan, Kind::Segment, ["segment", "segments"]);
        let objections = self
            .dimension(&mut fm, plan, Kind::Objection, ["objection", "objections"])
            .0
            .unwrap_or_default();
        let mut summary = fm
            .node("summary")
            .and_then(|n| self.text(&n, "summary", false));
        if summary.is_none() && plan.is_some_and(adopting) {
            summary = first_paragraph(split.body).map(|s| cut(&s, 200));
        }
        let audience = fm.node("audience").and_then(|n| {
            let s = self.string(&n, "audience")?;
            match s.trim().to_lowercase().as_str() {
                "external" => Some(Audience::External),
                "internal" => Some(Audience::Internal),
                _ => {
                    self.error_at(Code::FrontMatterValue, &n, format!("audience `{s}` is neither `external` nor `internal`"), "use `external` for assets a seller may forward, `internal` for the sales team only");
                    None
                }
            }
        });
        let owner = fm.node("owner").and_then(|n| self.text(&n, "owner", false));
        // `updated` wins over `date` whatever their order; `date` alone serves.
        let updated_node = fm.node("updated").or_else(|| fm.node("date"));
        let updated = updated_node.as_ref().and_then(|n| self.date(n, "updated"));
        let review_node = fm.node("review_by");
        let review_by = review_node.as_ref().and_then(|n| self.date(n, "review_by"));
        let superseded_node = fm.node("superseded_by");
        let superseded_by = superseded_node
            .as_ref()
            .and_then(|n| self.string(n, "superseded_by"))
            .map(|s| s.trim().trim_matches('/').to_string());
        let url = fm.node("url").and_then(|n| {
            let s = self.text(&n, "url", true)?;
            if markdown::is_safe_url(&s) {
                Some(s)
            } else {
                self.error_at(
                    Code::FrontMatterValue,
                    &n,
                    format!("url `{s}` uses a scheme that is not allowed"),
                    "use an http(s) address or a path relative to the site",
                );
                None
            }
        });
        let draft = fm
            .take("draft")
            .is_some_and(|(n, inverted)| self.boolean(&n, "draft") != inverted);
        let tags = self.tags(&mut fm);
        let slug_node = fm.node("slug");
        let slug_place = slug_node.as_ref().map(|n| self.place(n));
        let slug = match &slug_node {
            Some(n) => self.string(n, "slug").and_then(|s| match check_slug(&s) {
                Ok(()) => Some(s),
                // In an adopted repo a `slug` is the other generator's URL part
                // (Docusaurus `/security`, Hugo `my_post`): the first build must not
                // stop on it, so the file's path names the page instead.
                Err(why) if plan.is_some_and(|p| p.adoption != Default::default()) => {
                    let from_path = slug_from_path(index_folder(content_path));
                    let width = self.node_width(n);
                    self.diags.push(
                        Diagnostic::warning(
                            self.source,
                            format!("slug `{s}` {why}: the page is at `library/{from_path}/`, from its file's path"),
                        )
                        .at(self.text, n.line + self.line_offset, n.col)
                        .width(width)
                        .help("to keep the other generator's slug out of covermap, map it away: `[front_matter] renames = { slug = \"their_slug\" }`")
                        .code(Code::ForeignSlug),
                    );
                    Some(from_path)
                }
                Err(why) => {
                    let such_as = match suggest_slug(&s) {
                        Some(good) => format!("such as `{good}`"),
                        None => format!(
                            "such as `{}`, or leave `slug` out to use the file's path",
                            slug_from_path(content_path)
                        ),
                    };
                    self.error_at(
                        Code::BadSlug,
                        n,
                        format!("slug `{s}` {why}"),
                        format!(
                            "use lowercase letters, digits, `-` and `/` between parts, {such_as}"
                        ),
                    );
                    None
                }
            }),
            None => Some(slug_from_path(index_folder(content_path))),
        };
        // Tag rules fill the dimensions the front matter leaves out.
        let (mut personas, mut stages, mut segments) = (personas, stages, segments);
        let (mut personas_given, mut stages_given, mut segments_given) =
            (personas_given, stages_given, segments_given);
        let mut tagged_by = Vec::new();
        if let Some(plan) = plan.filter(|p| !p.adoption.front_matter.rules.is_empty()) {
            for rule in fm.matching_rules(&plan.adoption.front_matter.rules, content_path) {
                let mut used = false;
                for (given, dim, ids) in [
                    (&mut personas_given, &mut personas, &rule.personas),
                    (&mut stages_given, &mut stages, &rule.stages),
                    (&mut segments_given, &mut segments, &rule.segments),
                ] {
                    if !*given && !ids.is_empty() {
                        *given = true;
                        *dim = Some(ids.clone());
                        used = true;
                    }
                }
                if used {
                    tagged_by.push(rule.line);
                }
            }
        }
        let extra = fm.rest();

        if let Some(plan) = plan {
            // A kind given but broken has its own error; only a kind left out warns.
            for (given, key) in [
                (personas_given, "personas"),
                (stages_given, "stages"),
                (segments_given, "segments"),
            ] {
                if !given {
                    self.diags.push(
                        Diagnostic::warning(self.source, format!("no `{key}`: the asset is listed but counts toward no coverage cell"))
                            .at(self.text, 1, 1)
                            .help(format!("add `{key}: [...]` (or `all`) with ids from plan.toml, if the asset serves them"))
                            .code(Code::CountsTowardNothing),
                    );
                }
            }
            if let Some(u) = updated
                && u > plan.as_of
            {
                let place = updated_node
                    .as_ref()
                    .map_or_else(|| Place::new(self.text, 1, 1, 1), |n| self.place(n));
                self.diags.push(
                    Diagnostic::warning(
                        self.source,
                        format!(
                            "updated in the future: {u} is after {}, the plan's as_of",
                            plan.as_of
                        ),
                    )
                    .at_place(&place)
                    .help("check the date: an asset cannot have been updated in the future")
                    .code(Code::FutureDate),
                );
            }
            let here = |n: &Option<Node>| {
                n.as_ref()
                    .map_or_else(|| Place::new(self.text, 1, 1, 1), |n| self.place(n))
            };
            let unlisted = super::fresh::unlisted_type(plan, self.source, kind.as_deref(), || {
                here(&type_node)
            });
            let stale_by_period = (review_by.is_none() && !draft && superseded_by.is_none())
                .then(|| {
                    super::fresh::stale_by_period(
                        plan,
                        self.source,
                        kind.as_deref(),
                        updated,
                        || here(&updated_node),
                    )
                })
                .flatten();
            self.diags
                .extend(unlisted.into_iter().chain(stale_by_period));
            if let (Some(r), false) = (review_by, draft)
                && r < plan.as_of
                && superseded_by.is_none()
            {
                let place = review_node
                    .as_ref()
                    .map_or_else(|| Place::new(self.text, 1, 1, 1), |n| self.place(n));
                self.diags.push(
                    Diagnostic::warning(
                        self.source,
                        format!("stale: review_by {r} is before {}, so the asset no longer counts toward coverage", plan.as_of),
                    )
                    .at_place(&place)
                    .help("review the asset and move `review_by` forward, or retire it")
                    .code(Code::Stale),
                );
            }
        }

        // Sanitizing takes time growing with the square of the body's nesting.
        if !options.raw_html
            && let Some(at) = markdown::too_deep_to_sanitize(split.body)
        {
            let body_start = split.body.as_ptr() as usize - self.text.as_ptr() as usize;
            let d = Diagnostic::error(
                self.source,
                format!("the body nests elements more than {MAX_HTML_NESTING} deep (raw HTML, quotes, lists and emphasis together)"),
            )
            .at_offset(self.text, body_start + at)
            .help("close the HTML elements you open and flatten the nesting; without raw HTML a body may nest deeper")
            .code(Code::BodyTooDeep);
            self.diags.push(d);
        }
        // Template syntax of another generator: one warning per file (SPEC §5).
        if let Some(d) = crate::foreign::warning(self.source, self.text, split.body) {
            self.diags.push(d);
        }
        if self.diags.iter().any(Diagnostic::is_error) {
            return None;
        }
        let plan = plan?;
        let (due, due_from_period, stale, due_soon) =
            plan.freshness
                .due(plan.as_of, kind.as_deref(), updated, review_by);
        Some(Asset {
            source: self.source.to_path_buf(),
            slug: slug?,
            slug_place,
            title: title?,
            kind,
            personas,
            stages,
            segments,
            objections,
            summary,
            audience,
            owner,
            updated,
            review_by,
            url,
            draft,
            tags,
            tagged_by,
            extra,
            body_hash: body_hash(split.body),
            links: body_links(self.text, split.body),
            stale,
            freshness: super::model::AssetFreshness {
                due,
                due_from_period,
                due_soon,
                superseded_place: superseded_node.as_ref().map(|n| self.place(n)),
                superseded_by,
            },
        })
    }

    /// A boolean field: `true` or `false` (YAML 1.2, or TOML); YAML 1.1's words (`yes`,
    /// `no`, `on`, `off`, `y`, `n`) are still read, with a warning, since text fields
    /// no longer read them as booleans and the author may not mean one. Anything else is
    /// an error, and reads as false.
    fn boolean(&mut self, node: &Node, key: &str) -> bool {
        let word = match &node.value {
            Value::Bool(b) => return *b,
            Value::Plain(s) => match frontmatter::core_value(s) {
                Value::Bool(b) => return b,
                _ => s,
            },
            Value::Str(s) => s,
            _ => "",
        };
        let lower = word.to_ascii_lowercase();
        let b = match lower.as_str() {
            "yes" | "y" | "on" => Some(true),
            "no" | "n" | "off" => Some(false),
            _ => None,
        };
        let Some(b) = b else {
            self.error_at(
                Code::FrontMatterValue,
                node,
                format!(
                    "`{key}` must be true or false, found {}",
                    node.value.type_name()
                ),
                format!("write `{key}: true` or `{key}: false`"),
            );
            return false;
        };
        let place = self.place(node);
        self.diags.push(
            Diagnostic::warning(
                self.source,
                format!("`{key}: {word}` is read as {b}; YAML 1.2 reads `{word}` as text"),
            )
            .at_place(&place)
            .help(format!("write `{key}: {b}`"))
            .code(Code::BooleanWord),
        );
        b
    }

    fn string(&mut self, node: &Node, key: &str) -> Option<String> {
        match &node.value {
            // A plain YAML scalar is taken as written: `title: No` is "No", `007` "007".
            Value::Str(s) | Value::Plain(s) => Some(s.clone()),
            Value::Int(i) => Some(i.to_string()),
            Value::Float(f) => Some(f.to_string()),
            Value::Bool(b) => Some(b.to_string()),
            other => {
                self.error_at(
                    Code::FrontMatterType,
                    node,
                    format!("`{key}` must be text, found {}", other.type_name()),
                    format!("write `{key}: \"…\"`"),
                );
                None
            }
        }
    }

    /// [`Self::string`], refused when it holds characters that would make it show other
    /// than it is (see [`Self::shown_as_is`]).
    fn text(&mut self, node: &Node, key: &str, word: bool) -> Option<String> {
        let s = self.string(node, key)?;
        self.shown_as_is(node, key, &s, word).then_some(s)
    }

    /// Whether a value shows as it is. Text may not hold bidi controls or control
    /// characters (line breaks and tabs aside); a word that names or links something
    /// (`tags`, `type`, `url`) may hold no invisible character at all, since two words
    /// that look alike must be alike.
    fn shown_as_is(&mut self, node: &Node, key: &str, value: &str, word: bool) -> bool {
        let bad = value.chars().find(|&c| {
            if word {
                is_invisible(c)
            } else {
                (c.is_control() && c != '\n' && c != '\t') || is_bidi_control(c)
            }
        });
        let Some(c) = bad else {
            return true;
        };
        let help = if word {
            "retype the value without it: an invisible character makes two values that look alike differ"
        } else {
            "remove it: it changes how the text around it is shown, or drives a terminal"
        };
        self.error_at(
            Code::InvisibleCharacter,
            node,
            format!(
                "`{key}` holds the invisible or control character U+{:04X}",
                c as u32
            ),
            help,
        );
        false
    }

    fn date(&mut self, node: &Node, key: &str) -> Option<Date> {
        let s = self.string(node, key)?;
        let d = Date::parse(&s);
        if d.is_none() {
            self.error_at(
                Code::FrontMatterValue,
                node,
                format!("`{key}` is not a date: `{s}`"),
                "write dates as YYYY-MM-DD, such as `2026-11-01`",
            );
        }
        d
    }

    /// A string or a list of strings.
    fn list(&mut self, node: &Node, key: &str) -> Vec<(String, Node)> {
        match &node.value {
            Value::Str(s) | Value::Plain(s) => vec![(s.clone(), node.clone())],
            Value::Seq(items) if items.len() > MAX_LIST_VALUES => {
                self.error_at(Code::FrontMatterValue,
                    node,
                    format!(
                        "`{key}` has {} values, more than the {MAX_LIST_VALUES} one list may hold",
                        items.len()
                    ),
                    format!("keep `{key}` to the values people filter by; a list this long is data, not metadata"),
                );
                Vec::new()
            }
            Value::Seq(items) => items
                .iter()
                .filter_map(|item| match &item.value {
                    Value::Str(s) | Value::Plain(s) => Some((s.clone(), item.clone())),
                    other => {
                        self.error_at(
                            Code::FrontMatterType,
                            item,
                            format!("each of `{key}` must be text, found {}", other.type_name()),
                            format!("write `{key}: [a, b]` with plain words"),
                        );
                        None
                    }
                })
                .collect(),
            other => {
                self.error_at(
                    Code::FrontMatterType,
                    node,
                    format!(
                        "`{key}` must be text or a list of text, found {}",
                        other.type_name()
                    ),
                    format!("write `{key}: a` or `{key}: [a, b]`"),
                );
                Vec::new()
            }
        }
    }

    /// The plan indices a kind's key names, and whether the front matter gives the kind
    /// at all (the indices are `None` without a plan or when the key is broken).
    fn dimension(
        &mut self,
        fm: &mut Fields<'_>,
        plan: Option<&Plan>,
        kind: Kind,
        keys: [&str; 2],
    ) -> (Option<Vec<usize>>, bool) {
        let (singular, plural) = (keys[0], keys[1]);
        let node = match (fm.node(singular), fm.node(plural)) {
            (Some(a), Some(_)) => {
                self.error_at(
                    Code::FrontMatterType,
                    &a,
                    format!("both `{singular}` and `{plural}` are given"),
                    format!("keep one: `{plural}: [a, b]` holds several"),
                );
                return (None, true);
            }
            (Some(n), None) | (None, Some(n)) => n,
            (None, None) => return (None, false),
        };
        let values = self.list(&node, plural);
        let Some(plan) = plan else {
            return (None, true);
        };
        // A plan without stages, personas or segments is an error of its own (it can
        // only come here while the plan is broken); every value would be unknown.
        if plan.count(kind) == 0 && kind != Kind::Objection {
            return (Some(Vec::new()), true);
        }
        let mut found = Vec::new();
        for (value, n) in values {
            if value.trim().eq_ignore_ascii_case("all") {
                found.extend(0..plan.count(kind));
                continue;
            }
            match plan.lookup(kind, &value) {
                Some(i) => found.push(i),
                None => {
                    let ids = plan.ids(kind);
                    let mut names: Vec<&str> = ids.clone();
                    if kind == Kind::Persona {
                        names.extend(
                            plan.personas
                                .iter()
                                .flat_map(|p| p.aliases.iter().map(String::as_str)),
                        );
                    }
                    let help = suggest(&value, names).unwrap_or_else(|| {
                        if ids.is_empty() {
                            format!(
                                "plan.toml has no {}s: add this one there, or remove it here",
                                kind.noun()
                            )
                        } else {
                            format!("the {}s in plan.toml are: {}", kind.noun(), ids.join(", "))
                        }
                    });
                    self.error_at(
                        Code::UnknownId,
                        &n,
                        format!("unknown {} `{value}`", kind.noun()),
                        help,
                    );
                }
            }
        }
        found.sort_unstable();
        found.dedup();
        (Some(found), true)
    }

    fn tags(&mut self, fm: &mut Fields) -> Vec<String> {
        let Some(node) = fm.node("tags").or_else(|| fm.node("tag")) else {
            return Vec::new();
        };
        let listed = self.list(&node, "tags");
        let mut tags: Vec<String> = listed
            .into_iter()
            .filter(|(s, n)| self.shown_as_is(n, "tags", s, true))
            .map(|(s, _)| s.trim().to_lowercase())
            .filter(|s| !s.is_empty())
            .collect();
        tags.sort();
        tags.dedup();
        tags
    }
}

/// How many characters a quoted value takes at the start of `written`, quotes and
/// escapes included; `None` when it does not start with a quote. A string not closed
/// on its line takes the rest of the line.
pub(super) fn quoted_width(written: &str) -> Option<usize> {
    let quote = written.chars().next().filter(|c| matches!(c, '"' | '\''))?;
    let total = written.chars().count();
    // A TOML multi-line string: its first line is all there is to underline.
    if written.starts_with(&quote.to_string().repeat(3)) {
        return Some(total);
    }
    let mut chars = written.chars().skip(1).peekable();
    let mut width = 1;
    while let Some(c) = chars.next() {
        width += 1;
        if quote == '"' && c == '\\' {
            if chars.next().is_some() {
                width += 1;
            }
        } else if c == quote {
            // YAML writes a single quote inside single quotes as `''`.
            if quote == '\'' && chars.peek() == Some(&'\'') {
                chars.next();
                width += 1;
            } else {
                return Some(width);
            }
        }
    }
    Some(total)
}

/// The path a slug is made from: `x/index.md` and `x/_index.md` are `x`.
fn index_folder(content_path: &Path) -> &Path {
    let is_index = content_path
        .file_stem()
        .is_some_and(|s| s == "index" || s == "_index");
    match content_path.parent() {
        Some(parent) if is_index && !parent.as_os_str().is_empty() => parent,
        _ => content_path,
    }
}

/// Whether the plan adopts a repo as it is, so what only such a repo needs (a summary
/// from the body) applies; a library without the keys is read as before.
fn adopting(plan: &Plan) -> bool {
    let a = &plan.adoption;
    let fm = &a.front_matter;
    !fm.aliases.is_empty()
        || !fm.renames.is_empty()
        || !fm.rules.is_empty()
        || a.content.dir != "content"
        || !a.content.include.is_empty()
        || !a.content.exclude.is_empty()
}

/// The local links of `body`, a slice of the file `text`, as rendering will read them
/// (foreign syntax rewritten), placed in the file.
fn body_links(text: &str, body: &str) -> Vec<crate::markdown::links::BodyLink> {
    if !crate::markdown::links::may_have_local(body) {
        return Vec::new();
    }
    let start = body.as_ptr() as usize - text.as_ptr() as usize;
    crate::markdown::links::collect(&crate::foreign::rewrite(body), text, start)
}
