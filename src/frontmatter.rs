//! Front matter: splitting a Markdown file into its metadata block (YAML between
//! `---` lines or TOML between `+++` lines, the Hugo and Zola conventions) and its
//! body, and parsing the block into a [`Node`] tree that remembers where every value
//! stands in the `.md` file, so later checks can point at the exact line and column.

use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};

use crate::limits::{MAX_FRONT_MATTER_VALUES, MAX_NESTING, MAX_YAML_ALIASES};

/// The syntax of a front matter block.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Yaml,
    Toml,
}

/// A file cut into its front matter block and body.
#[derive(Debug, PartialEq, Eq)]
pub struct Split<'a> {
    pub format: Format,
    pub block: &'a str,
    /// 1-based line of the file on which the block's first line stands.
    pub block_line: u32,
    pub body: &'a str,
}

/// Why a file could not be split.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SplitError {
    Empty,
    Missing,
    Unclosed { delimiter: &'static str },
}

/// Strips a UTF-8 byte-order mark and turns CRLF line endings into LF, so that every
/// later line and column is counted the same way whichever editor saved the file.
pub fn normalize(text: &str) -> std::borrow::Cow<'_, str> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.contains('\r') {
        std::borrow::Cow::Owned(text.replace("\r\n", "\n"))
    } else {
        std::borrow::Cow::Borrowed(text)
    }
}

/// Splits normalized text into front matter and body.
pub fn split(text: &str) -> Result<Split<'_>, SplitError> {
    if text.trim().is_empty() {
        return Err(SplitError::Empty);
    }
    let first_end = text.find('\n').unwrap_or(text.len());
    let (format, delimiter) = match text[..first_end].trim_end() {
        "---" => (Format::Yaml, "---"),
        "+++" => (Format::Toml, "+++"),
        _ => return Err(SplitError::Missing),
    };
    let block_start = (first_end + 1).min(text.len());
    let mut pos = block_start;
    while pos < text.len() {
        let end = text[pos..].find('\n').map_or(text.len(), |i| pos + i);
        let line = text[pos..end].trim_end();
        if line == delimiter || (format == Format::Yaml && line == "...") {
            return Ok(Split {
                format,
                block: &text[block_start..pos],
                block_line: 2,
                body: &text[(end + 1).min(text.len())..],
            });
        }
        pos = end + 1;
    }
    Err(SplitError::Unclosed { delimiter })
}

/// A front matter value with its place in the block (1-based line and column).
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub value: Value,
    pub line: u32,
    pub col: u32,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    Seq(Vec<Node>),
    Map(Vec<(String, Node)>),
}

impl Value {
    /// The word for the value's type in messages.
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Null => "nothing",
            Value::Bool(_) => "a boolean",
            Value::Int(_) | Value::Float(_) => "a number",
            Value::Str(_) => "a string",
            Value::Seq(_) => "a list",
            Value::Map(_) => "a map",
        }
    }

    /// The value for templates (`extra` keys).
    pub fn to_json(&self) -> serde_json::Value {
        match self {
            Value::Null => serde_json::Value::Null,
            Value::Bool(b) => (*b).into(),
            Value::Int(i) => (*i).into(),
            Value::Float(f) => {
                serde_json::Number::from_f64(*f).map_or(serde_json::Value::Null, Into::into)
            }
            Value::Str(s) => s.clone().into(),
            Value::Seq(items) => items.iter().map(|n| n.value.to_json()).collect(),
            Value::Map(entries) => entries
                .iter()
                .map(|(k, n)| (k.clone(), n.value.to_json()))
                .collect::<serde_json::Map<_, _>>()
                .into(),
        }
    }
}

/// A front matter parse error, placed in the block.
#[derive(Debug, Clone, PartialEq)]
pub struct ParseError {
    pub message: String,
    pub line: u32,
    pub col: u32,
    /// What to do about it, where the error is more specific than bad syntax.
    pub help: Option<String>,
}

/// Parses a block into a map of keys to nodes, lines counted from the block's start.
pub fn parse(format: Format, block: &str) -> Result<Vec<(String, Node)>, ParseError> {
    let root = match format {
        Format::Yaml => parse_yaml(block)?,
        Format::Toml => parse_toml(block)?,
    };
    match root.value {
        Value::Map(entries) => Ok(entries),
        Value::Null => Ok(Vec::new()),
        other => Err(ParseError {
            message: format!(
                "front matter must be a map of `key: value` lines, found {}",
                other.type_name()
            ),
            line: root.line,
            col: root.col,
            help: None,
        }),
    }
}

fn parse_yaml(block: &str) -> Result<Node, ParseError> {
    if block.trim().is_empty() {
        return Ok(Node {
            value: Value::Null,
            line: 1,
            col: 1,
        });
    }
    if let Some(node) = plain_yaml(block) {
        return Ok(node);
    }
    parse_yaml_fully(block)
}

/// Reads front matter made only of the common, unambiguous YAML (maps and lists of
/// strings, dates, small whole numbers, `true`/`false` and nulls, without anchors,
/// aliases, tags or repeated keys) straight from the parser's events. `None` for
/// anything else, or for anything it is not sure serde-saphyr would read the same way:
/// [`parse_yaml_fully`] then reads it, with its exact typing and messages. What both
/// read, they read alike (`plain_yaml_reads_as_serde_saphyr_does`).
pub fn plain_yaml(block: &str) -> Option<Node> {
    use granit_parser::{Event, Parser, ScalarStyle};
    enum Open {
        Seq(Vec<Node>, u32, u32),
        Map(Vec<(String, Node)>, Option<String>, u32, u32),
    }
    let mut stack: Vec<Open> = Vec::new();
    let mut root = None;
    let mut values = 0usize;
    let mut documents = 0;
    for event in Parser::new_from_str(block) {
        let (event, span) = event.ok()?;
        let (line, col) = (span.start.line() as u32, span.start.col() as u32 + 1);
        let done = match event {
            Event::StreamStart | Event::StreamEnd | Event::DocumentEnd => continue,
            Event::DocumentStart(..) => {
                documents += 1;
                if documents > 1 {
                    return None;
                }
                continue;
            }
            Event::Scalar(text, style, 0, None) => {
                // A key: a string that is surely one.
                if let Some(Open::Map(_, key @ None, _, _)) = stack.last_mut() {
                    let plain = matches!(style, ScalarStyle::Plain);
                    if plain && !plain_string(&text) {
                        return None;
                    }
                    *key = Some(text.into_owned());
                    continue;
                }
                let value = match style {
                    ScalarStyle::Plain => plain_scalar(&text)?,
                    _ => Value::Str(text.into_owned()),
                };
                Node { value, line, col }
            }
            Event::SequenceStart(_, 0, None) => {
                if stack.len() >= MAX_NESTING {
                    return None;
                }
                stack.push(Open::Seq(Vec::new(), line, col));
                continue;
            }
            Event::MappingStart(_, 0, None) => {
                if stack.len() >= MAX_NESTING
                    || matches!(stack.last(), Some(Open::Map(_, None, _, _)))
                {
                    return None;
                }
                stack.push(Open::Map(Vec::new(), None, line, col));
                continue;
            }
            Event::SequenceEnd => match stack.pop()? {
                Open::Seq(items, line, col) => Node {
                    value: Value::Seq(items),
                    line,
                    col,
                },
                Open::Map(..) => return None,
            },
            Event::MappingEnd => match stack.pop()? {
                Open::Map(entries, None, line, col) => Node {
                    value: Value::Map(entries),
                    line,
                    col,
                },
                _ => return None,
            },
            // Anchors, aliases, tags: serde-saphyr's to resolve.
            _ => return None,
        };
        values += 1;
        if values > MAX_FRONT_MATTER_VALUES {
            return None;
        }
        match stack.last_mut() {
            None => root = Some(done),
            Some(Open::Seq(items, ..)) => items.push(done),
            Some(Open::Map(entries, key, ..)) => {
                let key = key.take()?;
                if entries.iter().any(|(k, _)| *k == key) {
                    return None;
                }
                entries.push((key, done));
            }
        }
    }
    root.filter(|r| stack.is_empty() && matches!(r.value, Value::Map(_)))
}

/// A plain scalar's value as serde-saphyr types it, for the spellings whose type is
/// plain to see; `None` for the rest.
fn plain_scalar(text: &str) -> Option<Value> {
    if matches!(text, "" | "~" | "null" | "Null" | "NULL") {
        return Some(Value::Null);
    }
    // serde-saphyr reads YAML 1.1 booleans (`yes`, `off`, `y`, …) as booleans too.
    for (words, b) in [
        (["true", "yes", "y", "on"], true),
        (["false", "no", "n", "off"], false),
    ] {
        if words.iter().any(|w| text.eq_ignore_ascii_case(w)) {
            return Some(Value::Bool(b));
        }
    }
    if plain_string(text) {
        return Some(Value::Str(text.to_string()));
    }
    let b = text.as_bytes();
    // A date (YYYY-MM-DD) is text.
    if b.len() == 10
        && b.iter().enumerate().all(|(i, c)| {
            if i == 4 || i == 7 {
                *c == b'-'
            } else {
                c.is_ascii_digit()
            }
        })
    {
        return Some(Value::Str(text.to_string()));
    }
    // A small whole number without a leading zero.
    if !b.is_empty()
        && b.len() <= 18
        && b.iter().all(u8::is_ascii_digit)
        && (b[0] != b'0' || b.len() == 1)
    {
        return text.parse().ok().map(Value::Int);
    }
    None
}

/// Whether a plain scalar is text whatever YAML makes of it: it starts with a letter and
/// is none of the words YAML reads as null, a boolean or a number.
fn plain_string(text: &str) -> bool {
    let Some(first) = text.chars().next() else {
        return false;
    };
    first.is_alphabetic()
        && ![
            "null", "true", "false", "yes", "no", "y", "n", "on", "off", "nan", "inf", "infinity",
        ]
        .iter()
        .any(|w| text.eq_ignore_ascii_case(w))
}

/// Reads a YAML block with serde-saphyr: every construct, every error with its place.
pub fn parse_yaml_fully(block: &str) -> Result<Node, ParseError> {
    let mut options = serde_saphyr::Options::default();
    options.with_snippet = false;
    // Tight bounds: real front matter is a few dozen values two or three levels deep, and
    // each level of nesting is a level of recursion in the deserializer below.
    let mut budget = serde_saphyr::Budget::default();
    budget.max_depth = MAX_NESTING;
    budget.flow_nesting_limit = MAX_NESTING;
    budget.max_nodes = MAX_FRONT_MATTER_VALUES;
    budget.max_aliases = MAX_YAML_ALIASES;
    budget.max_anchors = MAX_YAML_ALIASES;
    options.budget = Some(budget);
    options.alias_limits.max_total_replayed_events = MAX_FRONT_MATTER_VALUES;
    options.alias_limits.max_replay_stack_depth = MAX_NESTING;
    serde_saphyr::from_str_with_options::<YamlNode>(block, options)
        .map(|n| n.0)
        .map_err(|e| {
            let (line, col) = e
                .location()
                .map_or((1, 1), |l| (l.line() as u32, l.column() as u32));
            if let Some((message, help)) = yaml_limit_message(e.without_snippet()) {
                return ParseError {
                    message,
                    line,
                    col,
                    help: Some(help),
                };
            }
            // serde-saphyr's own wording for this one talks to the programmer
            // ("set DuplicateKeyPolicy in Options"); the writer needs plain words.
            if let serde_saphyr::Error::DuplicateMappingKey { key, .. } = e.without_snippet() {
                let (message, help) = match key {
                    Some(k) => (
                        format!("duplicate key `{k}`"),
                        format!("keep one `{k}`: each key may appear once"),
                    ),
                    None => (
                        "duplicate key".to_string(),
                        "keep one of them: each key may appear once".to_string(),
                    ),
                };
                return ParseError {
                    message,
                    line,
                    col,
                    help: Some(help),
                };
            }
            ParseError {
                message: clean_yaml_message(&e.without_snippet().to_string()),
                line,
                col,
                help: None,
            }
        })
}

/// Plain words for a YAML block that hits one of the [`crate::limits`].
fn yaml_limit_message(e: &serde_saphyr::Error) -> Option<(String, String)> {
    use serde_saphyr::budget::BudgetBreach;
    let too_deep = || {
        (
            format!("lists or maps nested more than {MAX_NESTING} levels deep"),
            "front matter holds plain keys with text, dates and short lists: flatten the nesting"
                .to_string(),
        )
    };
    let too_many = || {
        (
            format!(
                "more than {MAX_FRONT_MATTER_VALUES} values (each use of a YAML alias `*name` counts again)"
            ),
            "write the values out plainly instead of through anchors and aliases, and keep big data out of front matter".to_string(),
        )
    };
    match e {
        serde_saphyr::Error::Budget { breach, .. } => Some(match breach {
            BudgetBreach::Depth { .. } => too_deep(),
            BudgetBreach::Aliases { .. }
            | BudgetBreach::Anchors { .. }
            | BudgetBreach::AliasAnchorRatio { .. } => (
                format!("more than {MAX_YAML_ALIASES} YAML anchors or aliases"),
                "write the values out plainly instead of through anchors (`&name`) and aliases (`*name`)".to_string(),
            ),
            _ => too_many(),
        }),
        serde_saphyr::Error::AliasReplayLimitExceeded { .. }
        | serde_saphyr::Error::AliasExpansionLimitExceeded { .. } => Some(too_many()),
        other => {
            let text = other.to_string();
            if text.contains("alias replay") || text.contains("alias expansion") {
                Some(too_many())
            } else {
                (text.contains("recursion limit") || text.contains("nesting limit")).then(too_deep)
            }
        }
    }
}

/// serde-saphyr appends the place to its messages; the diagnostic shows it already.
fn clean_yaml_message(message: &str) -> String {
    let first = message.lines().next().unwrap_or(message);
    let cut = first.find(" at line ").unwrap_or(first.len());
    first[..cut].trim().trim_end_matches(':').to_string()
}

fn parse_toml(block: &str) -> Result<Node, ParseError> {
    // The TOML parser allows deeper nesting than the stack of a parsing thread does
    // with the recursion of the deserializer below; refuse such text before parsing.
    let (depth, at) = crate::limits::toml_nesting(block);
    if depth > MAX_NESTING {
        let (line, col) = crate::diagnostics::line_col(block, at);
        return Err(ParseError {
            message: format!(
                "arrays, tables or dotted keys nested more than {MAX_NESTING} levels deep"
            ),
            line,
            col,
            help: Some(
                "front matter holds plain keys with text, dates and short lists: flatten the nesting"
                    .to_string(),
            ),
        });
    }
    let mut node = toml::from_str::<TomlNode>(block)
        .map(|n| n.0)
        .map_err(|e| {
            let (line, col) = e
                .span()
                .map_or((1, 1), |s| crate::diagnostics::line_col(block, s.start));
            ParseError {
                message: e.message().trim().to_string(),
                line,
                col,
                help: None,
            }
        })?;
    // The TOML spans are byte offsets (stored in `line` until now).
    let line_starts: Vec<usize> = std::iter::once(0)
        .chain(block.match_indices('\n').map(|(i, _)| i + 1))
        .collect();
    resolve_offsets(&mut node, block, &line_starts);
    Ok(node)
}

/// Turns each node's byte offset into its line and column, with the offsets at which
/// the block's lines start.
fn resolve_offsets(node: &mut Node, block: &str, line_starts: &[usize]) {
    let mut offset = (node.line as usize).min(block.len());
    while !block.is_char_boundary(offset) {
        offset -= 1;
    }
    // The last line starting at or before the offset.
    let line = line_starts.partition_point(|&start| start <= offset);
    let line_start = line_starts[line - 1];
    node.line = line as u32;
    node.col = block[line_start..offset].chars().count() as u32 + 1;
    match &mut node.value {
        Value::Seq(items) => items
            .iter_mut()
            .for_each(|n| resolve_offsets(n, block, line_starts)),
        Value::Map(entries) => entries
            .iter_mut()
            .for_each(|(_, n)| resolve_offsets(n, block, line_starts)),
        _ => {}
    }
}

/// A node read through a format's span-aware wrapper.
trait SpannedNode<'de>: Deserialize<'de> {
    fn into_node(self) -> Node;
}

struct YamlNode(Node);
struct TomlNode(Node);

/// The value of a node, each child read as `N` so that it keeps its own place.
struct Raw<N>(Value, PhantomData<N>);

impl<'de> Deserialize<'de> for YamlNode {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = serde_saphyr::Spanned::<Raw<YamlNode>>::deserialize(d)?;
        Ok(YamlNode(Node {
            value: s.value.0,
            line: s.referenced.line() as u32,
            col: s.referenced.column() as u32,
        }))
    }
}

impl SpannedNode<'_> for YamlNode {
    fn into_node(self) -> Node {
        self.0
    }
}

impl<'de> Deserialize<'de> for TomlNode {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = toml::Spanned::<Raw<TomlNode>>::deserialize(d)?;
        let offset = s.span().start as u32;
        let value = s.into_inner().0;
        Ok(TomlNode(Node {
            value,
            line: offset,
            col: 0,
        }))
    }
}

impl SpannedNode<'_> for TomlNode {
    fn into_node(self) -> Node {
        self.0
    }
}

impl<'de, N: SpannedNode<'de>> Deserialize<'de> for Raw<N> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(RawVisitor::<N>(PhantomData))
            .map(|v| Raw(v, PhantomData))
    }
}

struct RawVisitor<N>(PhantomData<N>);

impl<'de, N: SpannedNode<'de>> Visitor<'de> for RawVisitor<N> {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a front matter value")
    }
    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::Int(v))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(i64::try_from(v).map_or(Value::Float(v as f64), Value::Int))
    }
    fn visit_i128<E>(self, v: i128) -> Result<Value, E> {
        Ok(Value::Float(v as f64))
    }
    fn visit_u128<E>(self, v: u128) -> Result<Value, E> {
        Ok(Value::Float(v as f64))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(Value::Float(v))
    }
    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::Str(v.to_owned()))
    }
    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::Str(v))
    }
    fn visit_bytes<E: de::Error>(self, v: &[u8]) -> Result<Value, E> {
        Ok(Value::Str(String::from_utf8_lossy(v).into_owned()))
    }
    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(self)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(1024));
        while let Some(item) = seq.next_element::<N>()? {
            items.push(item.into_node());
        }
        Ok(Value::Seq(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut entries: Vec<(String, Node)> = Vec::new();
        while let Some(key) = map.next_key::<KeyString>()? {
            // TOML dates arrive as a one-key map; front matter treats them as strings.
            if key.0 == TOML_DATETIME_FIELD && entries.is_empty() {
                return Ok(Value::Str(map.next_value::<String>()?));
            }
            let value = map.next_value::<N>()?.into_node();
            if entries.iter().any(|(k, _)| *k == key.0) {
                return Err(de::Error::custom(format_args!("duplicate key `{}`", key.0)));
            }
            entries.push((key.0, value));
        }
        Ok(Value::Map(entries))
    }
}

/// The private field name under which `toml` hands out its dates.
const TOML_DATETIME_FIELD: &str = "$__toml_private_datetime";

/// A map key: strings, and numbers or booleans written as keys, all as text.
struct KeyString(String);

impl<'de> Deserialize<'de> for KeyString {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = KeyString;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a key")
            }
            fn visit_str<E>(self, v: &str) -> Result<KeyString, E> {
                Ok(KeyString(v.to_owned()))
            }
            fn visit_i64<E>(self, v: i64) -> Result<KeyString, E> {
                Ok(KeyString(v.to_string()))
            }
            fn visit_u64<E>(self, v: u64) -> Result<KeyString, E> {
                Ok(KeyString(v.to_string()))
            }
            fn visit_bool<E>(self, v: bool) -> Result<KeyString, E> {
                Ok(KeyString(v.to_string()))
            }
        }
        d.deserialize_any(V)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_yaml_toml_and_reports_missing_or_unclosed() {
        let s = split("---\ntitle: a\n---\nbody\n").unwrap();
        assert_eq!(
            (s.format, s.block, s.body),
            (Format::Yaml, "title: a\n", "body\n")
        );
        let s = split("+++\ntitle = 'a'\n+++\n").unwrap();
        assert_eq!(
            (s.format, s.block, s.body),
            (Format::Toml, "title = 'a'\n", "")
        );
        let s = split("---  \n---").unwrap();
        assert_eq!((s.block, s.body), ("", ""));
        assert_eq!(split("   \n"), Err(SplitError::Empty));
        assert_eq!(split("# Title\n"), Err(SplitError::Missing));
        assert_eq!(
            split("---\ntitle: a\n"),
            Err(SplitError::Unclosed { delimiter: "---" })
        );
        assert_eq!(
            split("+++\ntitle = 1\n---\n"),
            Err(SplitError::Unclosed { delimiter: "+++" })
        );
    }

    #[test]
    fn normalizes_bom_and_crlf() {
        assert_eq!(
            normalize("\u{feff}---\r\na: 1\r\n---\r\n"),
            "---\na: 1\n---\n"
        );
    }

    fn find<'a>(map: &'a [(String, Node)], key: &str) -> &'a Node {
        &map.iter().find(|(k, _)| k == key).unwrap().1
    }

    #[test]
    fn yaml_nodes_keep_their_places() {
        let map = parse(Format::Yaml, "title: Hi\npersonas: [eb, champion]\nstages:\n  - awareness\n  - decision\nupdated: 2026-09-01\n").unwrap();
        let personas = find(&map, "personas");
        let Value::Seq(items) = &personas.value else {
            panic!()
        };
        assert_eq!((items[1].line, items[1].col), (2, 16));
        let Value::Seq(items) = &find(&map, "stages").value else {
            panic!()
        };
        assert_eq!((items[1].line, items[1].col), (5, 5));
        assert_eq!(find(&map, "updated").value, Value::Str("2026-09-01".into()));
    }

    #[test]
    fn toml_nodes_keep_their_places_and_dates_become_strings() {
        let map = parse(
            Format::Toml,
            "title = \"Hi\"\npersonas = [\"eb\", \"champion\"]\nupdated = 2026-09-01\n",
        )
        .unwrap();
        let Value::Seq(items) = &find(&map, "personas").value else {
            panic!()
        };
        assert_eq!((items[1].line, items[1].col), (2, 19));
        assert_eq!(find(&map, "updated").value, Value::Str("2026-09-01".into()));
    }

    /// Nesting up to the limit parses, on a test thread's small stack in a debug build;
    /// one level more is a placed error, never a stack overflow.
    #[test]
    fn nesting_is_bounded_without_overflowing_the_stack() {
        let n = MAX_NESTING - 1; // the top-level map is a level too
        let cases = |n: usize| {
            [
                (
                    Format::Yaml,
                    format!("a: {}{}\n", "[".repeat(n), "]".repeat(n)),
                ),
                (
                    Format::Yaml,
                    (0..n).fold(String::new(), |s, i| s + &"  ".repeat(i) + "k:\n"),
                ),
                (
                    Format::Toml,
                    format!("a = {}{}\n", "[".repeat(n), "]".repeat(n)),
                ),
                (
                    Format::Toml,
                    format!("a = {}1{}\n", "{b=".repeat(n), "}".repeat(n)),
                ),
                (Format::Toml, format!("{} = 1\n", vec!["a"; n].join("."))),
            ]
        };
        for (format, text) in cases(n) {
            assert!(parse(format, &text).is_ok(), "{format:?} {text:?}");
        }
        for (format, text) in cases(n + 3) {
            let e = parse(format, &text).unwrap_err();
            assert!(e.message.contains("nested more than"), "{format:?}: {e:?}");
            assert!(e.help.is_some());
        }
    }

    #[test]
    fn errors_have_places() {
        let e = parse(Format::Yaml, "title: Hi\npersonas: [eb\n").unwrap_err();
        assert!(e.line >= 2, "{e:?}");
        let e = parse(Format::Yaml, "title: a\ntitle: b\n").unwrap_err();
        assert_eq!(e.line, 2, "{e:?}");
        assert_eq!(e.message, "duplicate key `title`");
        assert_eq!(
            e.help.as_deref(),
            Some("keep one `title`: each key may appear once")
        );
        let e = parse(Format::Toml, "title = \"Hi\"\npersonas = [eb]\n").unwrap_err();
        assert_eq!(e.line, 2, "{e:?}");
        let e = parse(Format::Yaml, "- a\n- b\n").unwrap_err();
        assert!(e.message.contains("must be a map"), "{e:?}");
    }
}

#[cfg(test)]
mod plain_yaml_tests {
    use super::*;

    /// Every YAML front matter block of the repository's libraries (the sample, every
    /// fixture, the fuzz regressions), and variations of common shapes.
    fn blocks() -> Vec<String> {
        let mut out = Vec::new();
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        for dir in ["content", "tests/fixtures", "src/init"] {
            for e in walkdir::WalkDir::new(root.join(dir))
                .into_iter()
                .filter_map(Result::ok)
            {
                let Ok(text) = std::fs::read_to_string(e.path()) else {
                    continue;
                };
                let text = normalize(&text).into_owned();
                if let Ok(s) = split(&text)
                    && s.format == Format::Yaml
                {
                    out.push(s.block.to_string());
                }
            }
        }
        let values = [
            "plain words",
            "\"quoted: text\"",
            "'single'",
            "2026-09-01",
            "2026-9-1",
            "12",
            "012",
            "0",
            "-3",
            "+4",
            "1.5",
            "1e3",
            ".inf",
            "nan",
            "Inf",
            "yes",
            "No",
            "y",
            "n",
            "ON",
            "off",
            "true",
            "False",
            "null",
            "~",
            "",
            "[a, b]",
            "[]",
            "[1, two]",
            "{a: 1}",
            "{}",
            "x # comment",
            "é-accent",
            "_under",
            "0x1F",
            "0o7",
            "1_000",
            "\"\"",
            "|\n  block\n  text",
            ">\n  folded",
            "[a, [b, c]]",
            "&a x",
            "*a",
            "!!str 1",
            "!tag x",
            "a: b: c",
            "123456789012345678",
            "1234567890123456789",
        ];
        for v in values {
            out.push(format!("title: {v}\n"));
            out.push(format!("tags:\n  - {v}\n  - other\n"));
            out.push(format!("{v}: key\n"));
            out.push(format!("a: 1\nextra:\n  nested: {v}\n"));
        }
        out.push("title: a\ntitle: b\n".into());
        out.push("---\na: 1\n---\nb: 2\n".into());
        out.push("- a\n- b\n".into());
        out.push("just text\n".into());
        out.push("a: [b, {c: d}]\n".into());
        out
    }

    #[test]
    fn plain_yaml_reads_as_serde_saphyr_does() {
        let mut fast = 0;
        for block in blocks() {
            if let Some(node) = plain_yaml(&block) {
                fast += 1;
                assert_eq!(Ok(node), parse_yaml_fully(&block), "{block:?}");
            }
        }
        assert!(fast > 100, "the fast path took only {fast} blocks");
    }

    #[test]
    fn common_front_matter_takes_the_fast_path() {
        let block = "title: \"Mid-market ROI calculator\"\ntype: calculator\npersonas: [economic-buyer, champion]\nstages: [evaluation, decision]\nsegments: all\nobjections: [price]\nsummary: Three-year cost model.\naudience: external\nowner: \"Product Marketing\"\nupdated: 2026-09-01\nreview_by: 2027-03-01\ndraft: false\ntags: [roi, finance]\nheard: 34\n";
        assert!(plain_yaml(block).is_some());
        for unusual in [
            "a: &x 1\nb: *x\n",
            "a: !!str 1\n",
            "a: 1.5\n",
            "a: b\na: c\n",
        ] {
            assert!(plain_yaml(unusual).is_none(), "{unusual:?}");
        }
    }
}
