//! covermap: a static-site generator for a sales and marketing content library and
//! its coverage report against a revenue plan.
//!
//! The data flows one way, one module per stage:
//! `library::load` (plan + assets → [`library::Library`]) → `coverage::Coverage::compute`
//! → `render::render` (pages, search index, data files) → an [`output::Sink`]: the
//! output folder on disk ([`output::DiskWriter`], swapped in whole), memory
//! ([`output::MemorySink`], for the dev server) or nowhere ([`output::NullSink`], for
//! `check`). [`build_to`], [`build_into`] and [`build`] run the whole pipeline; the
//! command line ([`cli`]) calls them and never repeats a stage.
#![deny(unsafe_code)]

pub mod adopt;
pub mod asset;
pub mod cli;
pub mod coverage;
pub mod date;
pub mod diagnostics;
pub mod diff;
pub mod duration;
pub mod foreign;
pub mod format;
pub mod freshness;
pub mod frontmatter;
pub mod history;
pub mod init;
pub mod insights;
pub mod json;
pub mod library;
pub mod limits;
pub mod links;
pub mod markdown;
pub mod membership;
pub mod output;
pub mod plan;
pub mod redirects;
pub mod render;
pub mod report;
pub mod review;
pub mod search;
pub mod serve;
pub mod slug;
pub mod source;
pub mod swar;
pub mod theme;
pub mod trace;

use std::path::Path;

use coverage::Coverage;
use diagnostics::Diagnostics;
use library::{Library, LoadOptions};
use output::{MemorySink, Sink, Site};
use trace::Trace;

/// The result of building a library in memory.
pub struct Built {
    /// Every diagnostic of the run, errors and warnings.
    pub diagnostics: Diagnostics,
    /// The library, its coverage and the site, when there was no error.
    pub site: Option<(Library, Coverage, Site)>,
}

/// Loads, models and renders the library at `root` into an in-memory site.
pub fn build(root: &Path, options: &LoadOptions) -> Built {
    let sink = MemorySink::default();
    let (done, diagnostics) = build_into(root, options, &mut Caches::default(), &sink, None);
    Built {
        diagnostics,
        site: done.map(|(library, coverage, _)| (library, coverage, sink.into_site())),
    }
}

/// What one build can hand on to the next of the same library: parsed assets, and
/// what rendering derived from them. `build` starts with empty ones; `serve` and
/// `watch` keep theirs (see [`serve::rebuild`]).
#[derive(Default)]
pub struct Caches {
    pub assets: Option<library::AssetCache>,
    pub render: Option<render::RenderCache>,
    /// The trend's past points as of one HEAD ([`history::Memo`]).
    pub trend: Option<history::Memo>,
}

/// Loads the library at `root` (through `caches`), models its coverage and loads its
/// theme: everything a render needs, or the diagnostics that stop it.
pub fn load(
    root: &Path,
    options: &LoadOptions,
    caches: &Caches,
    trace: &Trace,
) -> (Option<(Library, Coverage, theme::Theme)>, Diagnostics) {
    let (library, diagnostics) = library::load_cached(root, options, caches.assets.as_ref());
    trace.phase("load");
    model(library, diagnostics, trace)
}

/// [`load`] from any file source: a revision of a git repository, or memory. A command
/// comparing revisions runs the same pipeline as `build` on each, without a checkout.
pub fn load_from(
    source: std::sync::Arc<dyn source::Source>,
    options: &LoadOptions,
    caches: &Caches,
    trace: &Trace,
) -> (Option<(Library, Coverage, theme::Theme)>, Diagnostics) {
    let (library, diagnostics) = library::load_from(source, options, caches.assets.as_ref());
    trace.phase("load");
    model(library, diagnostics, trace)
}

/// A loaded library's coverage and theme (read through the library's source).
fn model(
    library: Option<Library>,
    mut diagnostics: Diagnostics,
    trace: &Trace,
) -> (Option<(Library, Coverage, theme::Theme)>, Diagnostics) {
    let Some(library) = library else {
        return (None, diagnostics);
    };
    diagnostics.extend(membership::slug_warnings(&library));
    diagnostics.extend(links::warnings(&library));
    diagnostics.extend(redirects::warnings(&library));
    let coverage = Coverage::compute(&library.plan, &library.assets);
    trace.phase("coverage");
    let theme = theme::Theme::load_from(&*library.source, library.theme_folder().as_deref());
    trace.phase("theme");
    match theme {
        Ok(theme) => (Some((library, coverage, theme)), diagnostics),
        Err(ds) => {
            diagnostics.extend(ds);
            (None, diagnostics)
        }
    }
}

/// Loads, models and renders the library at `root` into `sink`. The render's report
/// comes back with the library and its coverage when there was no error.
pub fn build_into(
    root: &Path,
    options: &LoadOptions,
    caches: &mut Caches,
    sink: &dyn Sink,
    progress: Option<&render::Progress>,
) -> (Option<(Library, Coverage, render::Report)>, Diagnostics) {
    let trace = Trace::start();
    let (loaded, mut diagnostics) = load(root, options, caches, &trace);
    let Some((library, coverage, theme)) = loaded else {
        return (None, diagnostics);
    };
    let trend = history::trend(&library, &coverage, &mut diagnostics, caches.trend.as_mut());
    trace.phase("trend");
    let rendered = render::render(
        &library,
        &coverage,
        &theme,
        trend.as_ref(),
        caches.render.as_mut(),
        sink,
        progress,
    );
    trace.phase("render");
    match rendered.map_err(|e| stop(e, &mut diagnostics)) {
        Ok(report) => (Some((library, coverage, report)), diagnostics),
        Err(Stopped::Library) => (None, diagnostics),
        Err(Stopped::Output(e)) => {
            diagnostics.push(output_diagnostic(&e));
            (None, diagnostics)
        }
    }
}

/// Why a build stopped short of a finished site.
#[derive(Debug)]
pub enum Stopped {
    /// The library has errors: the diagnostics hold them.
    Library,
    /// The output could not be opened or written.
    Output(output::OutputError),
}

/// What a build that went through hands back: the library, its coverage, the render's
/// report and the sink that holds the site (a [`output::DiskWriter`] still to finish).
pub struct Finished<S> {
    pub library: Library,
    pub coverage: Coverage,
    pub report: render::Report,
    pub sink: S,
}

/// Loads, models and renders the library at `root` into the sink `open` makes. The
/// sink is opened only once the library has loaded without errors, so a library with
/// errors never touches the output (a [`output::DiskWriter`] checks and claims its
/// folder when opened), and it is opened before any page is rendered, so an output
/// folder covermap must not write to stops the build before it costs anything.
pub fn build_to<S: Sink>(
    root: &Path,
    options: &LoadOptions,
    caches: &mut Caches,
    open: impl FnOnce() -> Result<S, output::OutputError>,
    progress: Option<&render::Progress>,
) -> (Result<Finished<S>, Stopped>, Diagnostics) {
    let trace = Trace::start();
    let (loaded, mut diagnostics) = load(root, options, caches, &trace);
    let Some((library, coverage, theme)) = loaded else {
        return (Err(Stopped::Library), diagnostics);
    };
    let trend = history::trend(&library, &coverage, &mut diagnostics, caches.trend.as_mut());
    trace.phase("trend");
    let sink = match open() {
        Ok(sink) => sink,
        Err(e) => return (Err(Stopped::Output(e)), diagnostics),
    };
    trace.phase("output folder checked");
    let rendered = render::render(
        &library,
        &coverage,
        &theme,
        trend.as_ref(),
        caches.render.as_mut(),
        &sink,
        progress,
    );
    trace.phase("render");
    match rendered {
        Ok(report) => {
            let finished = Finished {
                library,
                coverage,
                report,
                sink,
            };
            (Ok(finished), diagnostics)
        }
        Err(e) => {
            // The sink goes first: a DiskWriter removes its unfinished folder when dropped.
            drop(sink);
            (Err(stop(e, &mut diagnostics)), diagnostics)
        }
    }
}

/// Why a render stopped; the library's errors join the run's diagnostics, in order.
fn stop(e: render::RenderError, diagnostics: &mut Diagnostics) -> Stopped {
    match e {
        render::RenderError::Library(ds) => {
            diagnostics.extend(ds);
            diagnostics.sort();
            Stopped::Library
        }
        render::RenderError::Output(e) => Stopped::Output(e),
    }
}

/// An output error where only diagnostics can be reported (the dev server's overlay).
pub fn output_diagnostic(e: &output::OutputError) -> diagnostics::Diagnostic {
    let path = match e {
        output::OutputError::Io { path, .. } => path.clone(),
        _ => std::path::PathBuf::from("output"),
    };
    diagnostics::Diagnostic::error(path, diagnostics::printable(&e.to_string()))
        .help("check that the output folder exists, is writable and has room")
        .code(e.code())
}
