//! Every integration test in one binary (one link instead of one per file), a module per
//! subject; the helpers they share are in `tests/common`. Tests that load the machine or
//! kill processes on a clock hold `common::exclusive()` so they never overlap.

#[path = "../common/mod.rs"]
mod common;

mod adopt;
mod adopt_content;
mod adopt_fm;
mod adopt_foreign;
mod adopt_links;
mod adopt_rest;
mod architecture;
mod browser;
mod build;
mod check_ci;
mod cli;
mod diff;
mod exports;
mod faults;
mod fresh;
mod fuzz;
mod git_source;
mod hostile;
mod incremental;
mod invalid;
mod kill;
mod output_env;
mod output_safety;
mod report;
mod review;
mod search;
mod search_recall;
mod secrets;
mod serve;
mod serve_hardening;
mod snapshots;
mod text;
mod trend;
mod ui;
mod workflows;
