//! covermap: a static-site generator for a sales and marketing content library and
//! its coverage report against a revenue plan.
#![deny(unsafe_code)]

pub mod asset;
pub mod coverage;
pub mod date;
pub mod diagnostics;
pub mod frontmatter;
pub mod library;
pub mod markdown;
pub mod plan;
