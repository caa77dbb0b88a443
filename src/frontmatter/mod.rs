//! Front matter: splitting a Markdown file into its metadata block (YAML between
//! `---` lines or TOML between `+++` lines, the Hugo and Zola conventions) and its
//! body, and parsing the block into a [`Node`] tree that remembers where every value
//! stands in the `.md` file, so later checks can point at the exact line and column.
//!
//! One file per job: `split.rs` cuts the file, `parse.rs` reads a block (YAML in
//! `yaml.rs`, the serde glue for both formats in `spanned.rs`) into the tree of
//! `node.rs`.

mod node;
mod parse;
mod spanned;
mod split;
mod yaml;

pub use node::{Node, ParseError, Value, core_value};
pub use parse::parse;
pub use split::{Format, Split, SplitError, normalize, split};
pub use yaml::{parse_yaml_fully, plain_yaml};

#[cfg(test)]
mod plain_yaml_tests;
#[cfg(test)]
mod tests;
