//! One content asset: its front matter read and checked against the plan, its slug
//! and its freshness. The body is not kept: it is read again and rendered when its page
//! is ([`read_body`]), so a build never holds every body at once. Every broken rule
//! becomes a diagnostic that points into the `.md` file itself, not into the front
//! matter block.
//!
//! One file per job: `model.rs` the [`Asset`] type, `read.rs` reading a file into one,
//! `body.rs` reading its body again.

mod body;
mod fields;
mod fresh;
mod model;
mod read;

pub use body::{body_hash, body_of, read_body};
pub use model::{Asset, AssetFreshness, Audience, ReadOptions};
pub use read::read;

#[cfg(test)]
mod fields_tests;
#[cfg(test)]
mod tests;
