//! The revenue plan: `plan.toml` parsed, validated and resolved into plain data.
//!
//! Parsing keeps every value's byte span (via `toml::Spanned`) so that each broken
//! rule of SPEC §1.1 becomes a diagnostic naming `plan.toml`, line and column. All
//! rules are checked in one pass. A plan that breaks a rule still comes back, flagged
//! as not valid, so that the assets' ids can be checked against it in the same run.
//!
//! One file per job: `model.rs` the plan as data, `parse.rs` reading the file,
//! `validate.rs` the rules, `adoption.rs` the keys that adopt an existing repo.

pub mod adoption;
pub mod fresh;
mod model;
mod parse;
mod validate;

pub use model::*;
pub use parse::{Parsed, parse, toml_error};

#[cfg(test)]
mod adoption_tests;
#[cfg(test)]
mod fresh_tests;
#[cfg(test)]
mod tests;
