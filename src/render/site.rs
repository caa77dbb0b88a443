//! The whole site, in order: each asset's view and row; the asset pages, in parallel,
//! with every asset's search terms; the search index; every other page, in parallel;
//! `coverage.json`, `coverage.csv`, the theme's static files, attachments and
//! `static/`. Each file goes to the sink as soon as it is made, and what the next
//! render can use is handed back.

use std::collections::BTreeSet;
use std::hash::Hash;
use std::path::{Path, PathBuf};
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};

use rayon::prelude::*;
use rustc_hash::FxHashSet;

use super::cache::Next;
use super::data::{coverage_csv, coverage_json};
use super::failures::{Fail, Failures, RenderError};
use super::fingerprint::fingerprint;
use super::pager::{LIBRARY_PAGE_SIZE, TERM_PAGE_SIZE, page_path};
use super::pages::asset;
use super::pages::library::{LibraryPage, LibraryShared};
use super::pages::term::TermPage;
use super::pages::{coverage, gaps, not_found, objections, redirect, report, terms, trend};
use super::renderer::{Renderer, Report, lock};
use super::rows::prepare;
use super::views::term_path;
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::library::Library;
use crate::output::{Bytes, Content, Sink};
use crate::search::{Batch, DocTerms, Interner};

/// Written with `[site] robots = "noindex"` (and then no `static/robots.txt` may take
/// its place); with `index`, covermap writes none, as a static one may.
const ROBOTS_TXT: &str = "robots.txt";

/// Assets whose pages one thread renders in a row, sharing one search tokenizer.
const ASSET_BATCH: usize = 128;

/// The trend's points for machines (`[history]`).
const TREND_JSON: &str = "trend.json";

/// One page to make, besides the assets'.
struct Spec {
    path: String,
    kind: PageKind,
}

enum PageKind {
    Library {
        page: usize,
        pages: usize,
    },
    Term {
        kind: usize,
        term: usize,
        page: usize,
        pages: usize,
    },
    Terms {
        kind: usize,
    },
    Coverage,
    Gaps,
    Objections,
    /// The coverage at points of the library's git history.
    Trend,
    /// `owners/`: each owner's assets by freshness (issue 15), in place of the
    /// owners taxonomy's plain index.
    Owners,
    /// The assets that answer one objection (`cov.objections[at]`), a page of them.
    Objection {
        at: usize,
        page: usize,
        pages: usize,
    },
    NotFound,
    /// The page of a cell no asset counts toward (`cov.cells[at]`): pages/cell.rs.
    Cell {
        at: usize,
    },
    /// The QBR report.
    Report,
}

/// Renders the site into `sink`.
pub(super) fn run(
    mut r: Renderer,
    sink: &dyn Sink,
    interner: &mut Interner,
    postings: Option<&mut crate::search::Postings>,
) -> Result<(Report, Next), RenderError> {
    let trace = crate::trace::Trace::start();
    let mut fails = Failures::default();
    let (prepared, errors) = prepare(
        r.lib,
        &r.templates,
        &r.old.assets,
        &r.lists.type_slugs,
        r.incremental,
    );
    trace.phase("render: views and rows");
    r.prepared = prepared;
    fails.diags.extend(errors);
    fails.stop()?;
    let specs = specs(&r);
    let assets = &r.lib.assets;
    if let Some(p) = r.progress {
        p.pages.store(assets.len() + specs.len(), Ordering::Relaxed);
    }

    // The files the library brings must not land on a generated path.
    let mut generated: BTreeSet<&str> = specs.iter().map(|s| s.path.as_str()).collect();
    let asset_paths: Vec<String> = assets
        .iter()
        .map(|a| format!("library/{}/index.html", a.slug))
        .collect();
    generated.extend(asset_paths.iter().map(String::as_str));
    generated.extend(["coverage.json", "coverage.csv", REPORT_SVG]);
    generated.extend(super::exports::EXPORT_PATHS);
    if r.trend.is_some() {
        generated.insert(TREND_JSON);
    }
    let noindex = r.lib.plan.site.robots == crate::plan::Robots::NoIndex;
    if noindex {
        generated.insert(ROBOTS_TXT);
    }
    generated.extend(r.theme.static_files.iter().map(|(p, _)| p.as_str()));
    let mut copies = copies(&r, &generated, &mut fails.diags);
    fails.stop()?;
    let redirects = redirects(&r, &generated, &copies);
    let folders: Vec<&str> = generated
        .iter()
        .copied()
        .chain(copies.iter().map(|(p, _)| p.as_str()))
        .chain(redirects.iter().map(|d| d.path.as_str()))
        .chain(["search/t/0.js", "search/d/0.js"])
        .collect();
    sink.make_folders(&folders).map_err(RenderError::Output)?;
    trace.phase("render: folders");

    // Asset pages, and every asset's search terms.
    let mut docs = asset_pages(&r, sink, interner)?;
    trace.phase("render: asset pages");
    // A one-off build needs the terms only until the postings are made.
    let terms = match postings {
        Some(kept) => crate::search::Terms::Kept(kept, &docs),
        None => crate::search::Terms::Fresh(std::mem::take(&mut docs)),
    };
    let mode = crate::search::Mode::of(r.lib.offline);
    // Search results show each asset's own row, the root left as a mark for the page.
    let row = |i: usize| {
        super::rows::AssetList::new(&r.prepared, vec![i])
            .rows(&r.templates, super::rows::ROOT_MARK)
            .unwrap_or_default()
    };
    // The display chunks are written as they are made (most of the index's bytes).
    let emit = |path: &str, bytes: Vec<u8>| sink.put(path, Content::from(bytes));
    let index = crate::search::build(
        r.lib,
        r.cov,
        &r.lists.facets,
        terms,
        interner,
        mode,
        &row,
        &emit,
    )
    .map_err(RenderError::Output)?;
    trace.phase("render: search index");
    let index_paths: BTreeSet<&str> = index.paths.iter().map(String::as_str).collect();
    copies.retain(|(path, source)| {
        let clash = index_paths.contains(path.as_str());
        if clash {
            fails
                .diags
                .push(r.clash(&r.lib.root.join(source), "file", path));
        }
        !clash
    });
    fails.stop()?;
    let mut files = index.paths.len();
    index
        .files
        .into_par_iter()
        .try_for_each(|(path, bytes)| sink.put(&path, Content::from(bytes)))
        .map_err(RenderError::Output)?;
    trace.phase("render: search files");

    // Every other page. `coverage.json` is taken as it was while the model is.
    let data = data(&r);
    let shared = LibraryShared::new(&r);
    let results: Vec<Result<(), Fail>> = specs
        .par_iter()
        .map(|spec| list_page(&r, spec, &index.version, &shared, sink))
        .collect();
    for result in results {
        if let Err(f) = result {
            fails.add(f);
        }
    }
    // Old addresses of assets (issue 14): a page each, sending the reader on.
    for d in &redirects {
        let page = redirect::page(&assets[d.asset].title, d.target(r.lib));
        if let Err(f) = r.emit_page(sink, &d.path, page) {
            fails.add(f);
        }
    }
    fails.stop()?;
    trace.phase("render: list pages");

    // The asset exports go out as they are made, one at a time.
    super::exports::write(r.lib, |path, content| sink.put(path, content))
        .map_err(RenderError::Output)?;
    files += super::exports::EXPORT_PATHS.len();
    let (json, csv) = match &data {
        Some((_, json, csv)) => (json.clone(), csv.clone()),
        None => data_files(&r),
    };
    let mut rest: Vec<(String, Content)> = vec![
        ("coverage.json".into(), Content::Bytes(json)),
        ("coverage.csv".into(), Content::Bytes(csv)),
        (
            REPORT_SVG.into(),
            Content::from(report_svg(&r).into_bytes()),
        ),
    ];
    if let Some(t) = r.trend {
        rest.push((TREND_JSON.into(), Content::from(trend::trend_json(t))));
    }
    if noindex {
        // Crawlers that honour it never fetch a page; the pages' meta tag covers
        // the ones that come in through a link.
        rest.push((
            ROBOTS_TXT.into(),
            Content::from(b"User-agent: *\nDisallow: /\n".to_vec()),
        ));
    }
    rest.extend(r.theme.static_files.iter().cloned());
    for (path, source) in copies {
        match copied(r.lib, &source) {
            Ok(content) => rest.push((path, content)),
            Err(d) => fails.diags.push(d),
        }
    }
    fails.stop()?;
    files += rest.len();
    rest.into_par_iter()
        .try_for_each(|(path, content)| sink.put(&path, content))
        .map_err(RenderError::Output)?;

    trace.phase("render: data, static files, attachments");
    let pages = assets.len() + specs.len();
    let report = Report {
        pages,
        rendered: r.templates.rendered(),
        files: files + pages + redirects.len(),
    };
    let mut next = Next::default();
    if r.incremental {
        next.pages = std::mem::take(&mut *lock(&r.pages));
        // The cache's pages are swept only when the site's pages may have changed.
        let added = next
            .pages
            .iter()
            .any(|(p, _, _)| !r.old.pages.contains_key(p));
        if added || r.old.pages.len() != pages + redirects.len() {
            let mut paths: FxHashSet<String> = specs.iter().map(|s| s.path.clone()).collect();
            paths.extend(asset_paths.iter().cloned());
            paths.extend(redirects.iter().map(|d| d.path.clone()));
            next.paths = Some(paths);
        }
        next.prepared = r.prepared.clone();
        next.docs = docs;
        next.lists = Some((r.lists_fp, r.lists.clone()));
        next.data = data;
    } else {
        // What only this render needed is freed beside the caller's next step: at
        // 100,000 assets that is seconds of `free`.
        crate::trace::drop_later((
            std::mem::take(&mut r.prepared),
            std::mem::take(&mut r.lists),
            docs,
        ));
    }
    trace.phase("render: cache kept");
    Ok((report, next))
}

/// Attachments and `static/` files, each with where it goes; a clash with a generated
/// path is an error.
fn copies(
    r: &Renderer,
    generated: &BTreeSet<&str>,
    diags: &mut Diagnostics,
) -> Vec<(String, PathBuf)> {
    let mut out = Vec::new();
    let mut taken: BTreeSet<String> = BTreeSet::new();
    let lib = r.lib;
    let sources = lib
        .attachments
        .iter()
        .map(|rel| (rel, lib.content_folder.as_path(), "attachment"))
        .chain(
            lib.static_files
                .iter()
                .map(|rel| (rel, Path::new("static"), "static file")),
        );
    for (rel, dir, what) in sources {
        let path = rel.to_string_lossy().replace('\\', "/");
        // The file's path in the library, as its source (disk, git tree) names it.
        let source = dir.join(rel);
        if generated.contains(path.as_str()) || taken.contains(&path) {
            diags.push(r.clash(&lib.root.join(&source), what, &path));
            continue;
        }
        taken.insert(path.clone());
        out.push((path, source));
    }
    adopted_copies(r, generated, &mut taken, &mut out, diags);
    out
}

/// The files of `[content] static` folders other than `static/`, at their path in the
/// folder, and the root's own files that pages link to (a content folder that is the
/// root publishes no other): a clash with a generated path or another file is an error,
/// as for `static/`. Nothing for a library that adopts no repo.
fn adopted_copies(
    r: &Renderer,
    generated: &BTreeSet<&str>,
    taken: &mut BTreeSet<String>,
    out: &mut Vec<(String, PathBuf)>,
    diags: &mut Diagnostics,
) {
    let lib = r.lib;
    let folders = lib.static_folders.iter().flat_map(|(dir, rels)| {
        rels.iter().map(move |rel| {
            let path = rel.to_string_lossy().replace('\\', "/");
            (path, dir.join(rel), "static file")
        })
    });
    let linked = r
        .links
        .iter()
        .flat_map(|m| m.linked_files(lib))
        .map(|(site, from)| (site, PathBuf::from(from), "linked file"));
    for (path, source, what) in folders.chain(linked) {
        if generated.contains(path.as_str()) || taken.contains(&path) {
            diags.push(r.clash(&lib.root.join(&source), what, &path));
            continue;
        }
        taken.insert(path.clone());
        out.push((path, source));
    }
}

/// The library's redirect pages ([`crate::redirects`]) but any that would still
/// overwrite a file the render writes (a theme's own static file, a page of a kind
/// the library's check does not know): the real file wins, and the library's
/// warnings already named every clash they could see.
fn redirects(
    r: &Renderer,
    generated: &BTreeSet<&str>,
    copies: &[(String, PathBuf)],
) -> Vec<crate::redirects::Redirect> {
    let mut list = crate::redirects::of(r.lib);
    if list.is_empty() {
        return list;
    }
    let copied: BTreeSet<&str> = copies.iter().map(|(p, _)| p.as_str()).collect();
    list.retain(|d| {
        let p = d.path.as_str();
        let mut own = p
            .match_indices('/')
            .map(|(at, _)| &p[..at])
            .chain(std::iter::once(p));
        !own.any(|q| generated.contains(q) || copied.contains(q))
    });
    list
}

/// Every asset page, in parallel batches, and every asset's search terms (library
/// order).
fn asset_pages(
    r: &Renderer,
    sink: &dyn Sink,
    interner: &mut Interner,
) -> Result<Vec<Arc<DocTerms>>, RenderError> {
    let n = r.lib.assets.len();
    let ids: Vec<usize> = (0..n).collect();
    // Each batch's dictionary is numbered into the interner as soon as the batch is
    // done, so only the batches under way hold one. The numbers differ with the
    // order batches finish in; the index does not (its terms are sorted).
    let interner = Mutex::new(interner);
    type Batched = (Vec<(usize, Arc<DocTerms>)>, Vec<Fail>);
    let batches: Vec<Batched> = ids
        .par_chunks(ASSET_BATCH)
        .map(|chunk| {
            let mut batch = Batch::new();
            let mut cached = Vec::with_capacity(chunk.len());
            let mut fresh = Vec::new();
            let mut fails = Vec::new();
            for &i in chunk {
                match asset::emit(r, i, sink, &mut batch) {
                    Ok(Some(doc)) => cached.push((i, doc)),
                    Ok(None) => fresh.push(i),
                    // Its terms are not needed: the render fails.
                    Err(f) => fails.push(f),
                }
            }
            let numbered = lock(&interner).absorb(batch);
            cached.extend(fresh.into_iter().zip(numbered.into_iter().map(Arc::new)));
            (cached, fails)
        })
        .collect();
    let mut failures = Failures::default();
    let mut out: Vec<Arc<DocTerms>> = vec![Arc::default(); n];
    for (docs, fails) in batches {
        for f in fails {
            failures.add(f);
        }
        for (i, doc) in docs {
            out[i] = doc;
        }
    }
    failures.stop()?;
    Ok(out)
}

/// Every page but the assets': library pages, taxonomy pages, coverage, gaps,
/// objections, 404.
fn specs(r: &Renderer) -> Vec<Spec> {
    let mut specs = vec![
        Spec {
            path: "coverage/index.html".into(),
            kind: PageKind::Coverage,
        },
        Spec {
            path: "gaps/index.html".into(),
            kind: PageKind::Gaps,
        },
        Spec {
            path: "objections/index.html".into(),
            kind: PageKind::Objections,
        },
        Spec {
            path: "404.html".into(),
            kind: PageKind::NotFound,
        },
        Spec {
            path: "report/index.html".into(),
            kind: PageKind::Report,
        },
    ];
    if r.trend.is_some() {
        specs.push(Spec {
            path: "trend/index.html".into(),
            kind: PageKind::Trend,
        });
    }
    let n = super::pages::library::listed_count(r.lib);
    let pages = n.div_ceil(LIBRARY_PAGE_SIZE).max(1);
    for page in 1..=pages {
        specs.push(Spec {
            path: format!("{}index.html", page_path("", page)),
            kind: PageKind::Library { page, pages },
        });
    }
    for (k, tax) in r.lists.taxonomies.iter().enumerate() {
        for (t, term) in tax.terms.iter().enumerate() {
            let pages = term.assets.len().div_ceil(TERM_PAGE_SIZE).max(1);
            let base = term_path(tax.kind, &term.id);
            for page in 1..=pages {
                specs.push(Spec {
                    path: format!("{}index.html", page_path(&base, page)),
                    kind: PageKind::Term {
                        kind: k,
                        term: t,
                        page,
                        pages,
                    },
                });
            }
        }
        specs.push(Spec {
            path: format!("{}/index.html", tax.kind),
            kind: if tax.kind == "owners" {
                PageKind::Owners
            } else {
                PageKind::Terms { kind: k }
            },
        });
    }
    // Each objection's answers, paginated as a taxonomy page is; the objections page
    // shows the first few of each.
    for (at, o) in r.cov.objections.iter().enumerate() {
        let base = term_path("objections", &r.lib.plan.objections[o.objection].id);
        let pages = o.assets.len().div_ceil(TERM_PAGE_SIZE).max(1);
        for page in 1..=pages {
            specs.push(Spec {
                path: format!("{}index.html", page_path(&base, page)),
                kind: PageKind::Objection { at, page, pages },
            });
        }
    }
    // The page of each cell no asset counts toward (issue 15): its context and what to
    // use meanwhile, where the library's view of the cell would be empty.
    for (at, c) in r.cov.cells.iter().enumerate() {
        if c.count() == 0 {
            let p = &r.lib.plan;
            let path = super::views::cell_path(
                &p.segments[c.segment].id,
                &p.personas[c.persona].id,
                &p.stages[c.stage].id,
            );
            specs.push(Spec {
                path: format!("{path}index.html"),
                kind: PageKind::Cell { at },
            });
        }
    }
    specs
}

/// Makes the page `spec` describes and hands it to the sink.
fn list_page(
    r: &Renderer,
    spec: &Spec,
    version: &str,
    shared: &LibraryShared,
    sink: &dyn Sink,
) -> Result<(), Fail> {
    let path = spec.path.as_str();
    match spec.kind {
        PageKind::Library { page, pages } => r.emit_page(
            sink,
            path,
            LibraryPage::new(r, shared, page, pages, version),
        ),
        PageKind::Term {
            kind,
            term,
            page,
            pages,
        } => r.emit_page(sink, path, TermPage::taxonomy(r, kind, term, page, pages)),
        PageKind::Terms { kind } => r.emit_page(sink, path, terms::page(&r.lists.taxonomies[kind])),
        PageKind::Coverage => r.emit_page(sink, path, coverage::page(&r.views)),
        PageKind::Gaps => r.emit_page(sink, path, gaps::page(&r.views)),
        PageKind::Objections => r.emit_page(sink, path, objections::ObjectionsPage::new(r)),
        PageKind::Trend => match r.trend {
            Some(t) => r.emit_page(sink, path, trend::page(t, &r.lib.plan)),
            None => Ok(()),
        },
        PageKind::Objection { at, page, pages } => {
            r.emit_page(sink, path, objections::answers(r, at, page, pages))
        }
        PageKind::Cell { at } => r.emit_page(
            sink,
            path,
            super::pages::cell::CellPage::new(r, &r.cov.cells[at]),
        ),
        PageKind::NotFound => r.emit_page(sink, path, not_found::page(&r.lib.plan.site.base_url)),
        PageKind::Owners => {
            let owners = r.lists.taxonomies.iter().find(|t| t.kind == "owners");
            r.emit_page(sink, path, super::pages::owners::page(r.lib, owners))
        }
        PageKind::Report => {
            let changes = r
                .trend
                .and_then(|t| crate::history::changes(t, &r.lib.plan.currency));
            r.emit_page(
                sink,
                path,
                report::page(&r.views, report::commit(r.lib), changes),
            )
        }
    }
}

/// The QBR report's matrix as a picture for slides.
const REPORT_SVG: &str = "report/coverage.svg";

fn report_svg(r: &Renderer) -> String {
    let plan = &r.lib.plan;
    let m = report::matrix(plan, r.cov);
    super::matrix_svg::svg(&m, &plan.title, &plan.as_of.to_string())
}

fn data_files(r: &Renderer) -> (Bytes, Bytes) {
    let (json, csv) = rayon::join(
        || coverage_json(r.lib, r.cov),
        || coverage_csv(r.lib, r.cov),
    );
    (Arc::new(json), Arc::new(csv))
}

/// When rebuilding, `coverage.json` and `coverage.csv` under a fingerprint of what
/// they are made of (the plan, the coverage model, the assets' slugs): the last
/// render's while that is the same.
fn data(r: &Renderer) -> Option<(u64, Bytes, Bytes)> {
    if !r.incremental {
        return None;
    }
    let fp = fingerprint(|h| {
        r.globals.hash(h);
        super::fingerprint::coverage(r.cov, h);
        for a in &r.lib.assets {
            a.slug.hash(h);
        }
    });
    Some(match &r.old.data {
        Some((old, json, csv)) if *old == fp => (fp, json.clone(), csv.clone()),
        _ => {
            let (json, csv) = data_files(r);
            (fp, json, csv)
        }
    })
}

/// An attachment or static file as output content: copied from disk where the library
/// is on disk, read from its source otherwise (a git revision has no file to copy).
fn copied(lib: &Library, source: &Path) -> Result<Content, Diagnostic> {
    if let Some(path) = lib.source.disk_path(source) {
        return Ok(Content::Copy(path));
    }
    lib.source
        .read(source, u64::MAX)
        .map(Content::from)
        .map_err(|e| {
            Diagnostic::error(
                lib.root.join(source),
                format!(
                    "cannot read this file: {}",
                    crate::diagnostics::printable(&e.to_string())
                ),
            )
            .code(crate::diagnostics::Code::ReadFailed)
        })
}
