//! Rendering: the library and its coverage model turned into the site's files — every
//! page through the theme's templates, the search index, `coverage.json`,
//! `coverage.csv`, the theme's static files, attachments and `static/` — each handed to
//! a [`Sink`] as soon as it is made, so a build never holds the whole site. Every link is
//! relative to the page it is on, so the site works under any sub-path and from
//! `file://`.
//!
//! The work, in order:
//! 1. per asset, once: its view (what templates see as `asset` or `a`) and its row in
//!    asset lists (`partials/asset_row.html`, rendered once and spliced into every list
//!    that shows the asset, whatever the list page's depth);
//! 2. the asset pages, in parallel: each body is read again and rendered from Markdown,
//!    and its words go to the search index;
//! 3. the search index, once every body has been tokenized;
//! 4. every other page, in parallel: the library (paginated), one page per segment,
//!    persona, stage, type, tag, audience and owner, the coverage heatmap, the gaps and
//!    the objections.
//!
//! A rebuild (`serve`, `watch`) passes the [`RenderCache`] of the last one: each page
//! has a fingerprint of everything it shows, and a page whose fingerprint is unchanged
//! is taken as it was; an asset whose file is unchanged keeps its view, row and search
//! terms. The bytes are the same either way.
//!
//! Where each part lives: `site` (the order of the work), `renderer` (the state
//! every page reads, and `Page`, what every page kind is), one module per page kind in
//! `pages`, `cache` (what a render keeps for the next), `rows` (asset views and
//! rows), `lists` (related assets, facets, taxonomies), `templates`, `views`, `pager`,
//! `data` (`coverage.json`, `coverage.csv`), `exports` (`assets.*`, `schemas/`), `fingerprint`, `failures`.

mod cache;
mod chart;
mod data;
mod exports;
mod failures;
mod fingerprint;
mod lists;
mod matrix_svg;
mod pager;
mod pages;
mod renderer;
mod rows;
mod site;
mod templates;
mod views;

#[cfg(test)]
mod testing;

pub use cache::RenderCache;
pub use data::{COVERAGE_CSV_COLUMNS, SCHEMA_VERSION, coverage_csv, coverage_json, csv_field};
pub use exports::{ASSETS_CSV_COLUMNS, ASSETS_SCHEMA, COVERAGE_SCHEMA, assets_csv, assets_json};
pub use failures::RenderError;
pub use pager::{LIBRARY_PAGE_SIZE, TERM_PAGE_SIZE};
pub use pages::objections::OBJECTION_PREVIEW;
pub use renderer::{Progress, Report};
pub use templates::ROW_TEMPLATE;

use crate::asset::Asset;
use crate::coverage::Coverage;
use crate::diagnostics::Diagnostic;
use crate::library::Library;
use crate::output::Sink;
use crate::theme::Theme;
use renderer::Renderer;

/// Renders the whole site into `sink`. Errors are template errors, clashes between
/// generated files and the library's own, and bodies that can no longer be read.
pub fn render(
    library: &Library,
    coverage: &Coverage,
    theme: &Theme,
    trend: Option<&crate::history::Trend>,
    cache: Option<&mut RenderCache>,
    sink: &dyn Sink,
    progress: Option<&Progress>,
) -> Result<Report, RenderError> {
    let trace = crate::trace::Trace::start();
    let mut fresh = RenderCache::default();
    let cache = match cache {
        Some(c) => c,
        None => &mut fresh,
    };
    let incremental = cache.enabled;
    let globals = fingerprint::globals(library, theme, trend.is_some());
    if cache.globals != globals {
        cache.assets.clear();
        cache.pages.clear();
        cache.docs.clear();
        cache.data = None;
    }
    let mut interner = std::mem::take(&mut cache.interner);
    let mut postings = std::mem::take(&mut cache.postings);
    let mut r = Renderer::new(library, coverage, theme, cache, globals, progress);
    r.set_trend(trend);
    trace.phase("render: related, facets and taxonomies");
    let result = site::run(r, sink, &mut interner, incremental.then_some(&mut postings));
    trace.phase("render: run returned");
    if incremental {
        cache.interner = interner;
        cache.postings = postings;
    } else {
        crate::trace::drop_later((interner, postings));
    }
    let (report, next) = result?;
    if incremental {
        cache.globals = globals;
        cache::keep(cache, next);
    }
    Ok(report)
}

/// The body of an asset rendered as its page shows it, and its text as search reads it:
/// for tests and tools that need what used to be kept with the asset.
pub fn asset_body(
    library: &Library,
    asset: &Asset,
) -> Result<crate::markdown::Rendered, Diagnostic> {
    let text = library.read_body(&asset.source)?;
    Ok(crate::markdown::render(
        &crate::foreign::rewrite(&text),
        library.plan.site.raw_html,
    ))
}
