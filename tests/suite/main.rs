//! Every integration test in one binary (one link instead of one per file), a module per
//! subject; the helpers they share are in `tests/common`. Tests that load the machine or
//! kill processes on a clock hold `common::exclusive()` so they never overlap.

#[path = "../common/mod.rs"]
mod common;

mod adopt;
mod adopt_content;
mod adopt_fm;
mod architecture;
mod browser;
mod build;
mod cli;
mod faults;
mod fuzz;
mod git_source;
mod hostile;
mod incremental;
mod invalid;
mod kill;
mod output_env;
mod output_safety;
mod report;
mod search;
mod secrets;
mod serve;
mod serve_hardening;
mod snapshots;
mod text;
