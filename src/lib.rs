//! covermap: a static-site generator for a sales and marketing content library and
//! its coverage report against a revenue plan.
//!
//! The data flows one way, one module per stage:
//! `library::load` (plan + assets → [`library::Library`]) → `coverage::Coverage::compute`
//! → `render::render` (→ [`output::Site`], path → bytes) → `output::write` (disk).
#![deny(unsafe_code)]

pub mod asset;
pub mod cli;
pub mod coverage;
pub mod date;
pub mod diagnostics;
pub mod frontmatter;
pub mod init;
pub mod library;
pub mod markdown;
pub mod output;
pub mod plan;
pub mod render;
pub mod report;
pub mod theme;

use std::path::Path;

use coverage::Coverage;
use diagnostics::Diagnostics;
use library::{Library, LoadOptions};
use output::Site;

/// The result of building a library in memory.
pub struct Built {
    /// Every diagnostic of the run, errors and warnings.
    pub diagnostics: Diagnostics,
    /// The library, its coverage and the site, when there was no error.
    pub site: Option<(Library, Coverage, Site)>,
}

/// Loads, models and renders the library at `root` into an in-memory site. `build`
/// writes it to disk; a dev server can serve it from memory.
pub fn build(root: &Path, options: &LoadOptions) -> Built {
    let (library, mut diagnostics) = library::load(root, options);
    let Some(library) = library else {
        return Built {
            diagnostics,
            site: None,
        };
    };
    let coverage = Coverage::compute(&library.plan, &library.assets);
    let theme = match theme::Theme::load(library.theme_dir().as_deref(), root) {
        Ok(t) => t,
        Err(ds) => {
            diagnostics.extend(ds);
            return Built {
                diagnostics,
                site: None,
            };
        }
    };
    match render::render(&library, &coverage, &theme) {
        Ok(site) => Built {
            diagnostics,
            site: Some((library, coverage, site)),
        },
        Err(ds) => {
            diagnostics.extend(ds);
            Built {
                diagnostics,
                site: None,
            }
        }
    }
}
