//! YAML front matter: a fast reader for the common plain shapes, and serde-saphyr,
//! bounded by the limits, for everything else and for every error.

use super::node::{Node, ParseError, Value, plain};
use super::spanned::{YamlNode, with_source};
use crate::limits::{MAX_FRONT_MATTER_VALUES, MAX_NESTING, MAX_YAML_ALIASES};

pub(super) fn parse_yaml(block: &str) -> Result<Node, ParseError> {
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

/// Reads front matter made only of maps, lists and scalars, without anchors, aliases,
/// tags or repeated keys, straight from the parser's events; each plain scalar is kept
/// as written ([`plain`]: YAML 1.2's core schema, no `yes`/`no` booleans, no number
/// re-formatting). `None` for anything else: [`parse_yaml_fully`] then reads it, with
/// its exact messages. What both read, they read alike
/// (`plain_yaml_reads_as_serde_saphyr_does`).
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
                // A key: its text as written, whatever YAML would make of it.
                if let Some(Open::Map(_, key @ None, _, _)) = stack.last_mut() {
                    let empty = span.start.index() == span.end.index();
                    *key = Some(if empty {
                        String::new()
                    } else {
                        text.into_owned()
                    });
                    continue;
                }
                let value = match style {
                    // The parser spells an empty value `~`; its empty span tells.
                    ScalarStyle::Plain if span.start.index() == span.end.index() => Value::Null,
                    ScalarStyle::Plain => plain(&text),
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
    // YAML 1.2 booleans only, so that keys such as `n:` and `y:` stay text (values are
    // taken as written from the block: see `YamlNode`).
    options.strict_booleans = true;
    // `.inf` and `!!binary` are text to a front matter field like any other scalar;
    // serde-saphyr's refusals of them speak to the programmer ("configured policy").
    options.non_finite_float_policy = serde_saphyr::options::NonFiniteFloatPolicy::PassThrough;
    options.ignore_binary_tag_for_string = true;
    with_source(block, || {
        serde_saphyr::from_str_with_options::<YamlNode>(block, options)
    })
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
        let message = clean_yaml_message(&e.without_snippet().to_string());
        // The scanner reports a tab where the scalar before it ends, often on the
        // line above; the author needs the tab itself.
        if message.contains("tab") {
            let (line, col) = next_tab(block, line).unwrap_or((line, col));
            return ParseError {
                message: "a tab where YAML allows only spaces".to_string(),
                line,
                col,
                help: Some(
                    "indent with spaces, and put a space, not a tab, after `:` and `-`".to_string(),
                ),
            };
        }
        ParseError {
            message,
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
/// serde-saphyr's words for a value it cannot type speak of Rust types, strict modes
/// and options; an author wrote a key or a tag.
fn clean_yaml_message(message: &str) -> String {
    let first = message.lines().next().unwrap_or(message);
    let cut = first.find(" at line ").unwrap_or(first.len());
    let message = first[..cut].trim().trim_end_matches(':');
    if let Some(found) = message
        .strip_prefix("invalid type: ")
        .and_then(|m| m.strip_suffix(", expected a key"))
    {
        let found = match found {
            "sequence" => "a list",
            "map" => "a map",
            _ => "a value that is not text",
        };
        return format!("a key must be a plain word, found {found}");
    }
    if message.starts_with("invalid boolean") {
        return "a value tagged `!!bool` must be `true` or `false`".to_string();
    }
    if ["invalid u", "invalid i", "invalid f"]
        .iter()
        .any(|p| message.starts_with(p))
    {
        return "a value tagged `!!int` or `!!float` must be a number".to_string();
    }
    if message.contains("Options") || message.contains("policy") {
        return "a YAML construct front matter cannot hold here".to_string();
    }
    message.to_string()
}

/// The line and column of the first tab on line `line` or below it: the scanner
/// reports a tab after it, or at the end of the line above.
fn next_tab(block: &str, line: u32) -> Option<(u32, u32)> {
    let start = block
        .split_inclusive('\n')
        .take(line.saturating_sub(1) as usize)
        .map(str::len)
        .sum::<usize>();
    let at = start + block.get(start..)?.find('\t')?;
    Some(crate::diagnostics::line_col(block, at))
}
