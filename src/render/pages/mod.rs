//! One module per page kind, each with the one value that is both what its pages show
//! and (hashed) their fingerprint: see [`Page`](super::renderer::Page).

pub(super) mod asset;
pub(super) mod cell;
pub(super) mod coverage;
pub(super) mod gaps;
pub(super) mod library;
pub(super) mod not_found;
pub(crate) mod objections;
pub(super) mod owners;
pub(super) mod redirect;
pub(crate) mod report;
pub(super) mod term;
pub(super) mod terms;
pub(super) mod trend;
