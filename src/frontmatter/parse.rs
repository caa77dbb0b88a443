//! Parsing a front matter block, YAML or TOML, into its top-level map of [`Node`]s.

use super::node::{Node, ParseError, Value};
use super::spanned::{TomlNode, resolve_offsets};
use super::split::Format;
use super::yaml::parse_yaml;
use crate::limits::MAX_NESTING;

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
