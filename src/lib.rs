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
pub mod incremental;
pub mod init;
pub mod library;
pub mod limits;
pub mod markdown;
pub mod output;
pub mod plan;
pub mod render;
pub mod report;
pub mod search;
pub mod serve;
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
    build_cached(root, options, None)
}

/// [`build`], reusing what earlier builds through `cache` read and rendered: the same
/// result, less work. `serve` and `watch` go through [`incremental::Cache::build`].
pub fn build_cached(
    root: &Path,
    options: &LoadOptions,
    cache: Option<&incremental::Cache>,
) -> Built {
    let trace = std::env::var_os("COVERMAP_TRACE").is_some();
    let started = std::time::Instant::now();
    let phase = |name: &str| {
        if trace {
            eprintln!(
                "trace: {name} done at {:.3}s",
                started.elapsed().as_secs_f64()
            );
        }
    };
    let (library, mut diagnostics) = library::load_cached(root, options, cache.map(|c| &c.assets));
    phase("load");
    let Some(library) = library else {
        return Built {
            diagnostics,
            site: None,
        };
    };
    let coverage = Coverage::compute(&library.plan, &library.assets);
    phase("coverage");
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
    let rendered = render::render_cached(&library, &coverage, &theme, cache.map(|c| &c.pages));
    phase("render");
    match rendered {
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
