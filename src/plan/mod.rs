//! The revenue plan: `plan.toml` parsed, validated and resolved into plain data.
//!
//! Parsing keeps every value's byte span (via `toml::Spanned`) so that each broken
//! rule of SPEC §1.1 becomes a diagnostic naming `plan.toml`, line and column. All
//! rules are checked in one pass. A plan that breaks a rule still comes back, flagged
//! as not valid, so that the assets' ids can be checked against it in the same run.
//!
//! One file per job: `model.rs` the plan as data, `parse.rs` reading the file,
//! `validate.rs` the rules, `adoption.rs` the keys that adopt an existing repo, `history.rs` the trend's `[history]`.

pub mod adoption;
pub mod fresh;
pub mod history;
mod model;
mod parse;
pub mod request_url;
pub mod site_keys;
mod validate;

pub use model::*;
pub use parse::{Parsed, parse, toml_error};
pub use site_keys::Sort;

#[cfg(test)]
mod adoption_tests;
#[cfg(test)]
mod fresh_tests;
#[cfg(test)]
mod history_tests;
#[cfg(test)]
mod tests;
