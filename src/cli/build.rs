//! `covermap build`: validate the library and write the site into the output folder,
//! swapped in whole, through the pipeline in lib.rs ([`crate::build_to`]).

use std::io::{self, Write as _};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use super::BuildArgs;
use super::output::Terminal;
use super::progress::ProgressLine;
use crate::output::DiskWriter;
use crate::{Caches, Finished, Stopped};

pub fn run(args: &BuildArgs, term: &Terminal) -> io::Result<ExitCode> {
    let started = Instant::now();
    let trace = crate::trace::Trace::start();
    let root = match super::root::library_root(args.library.root.as_deref()) {
        Ok(root) => root,
        Err(e) => {
            term.error(&e);
            return Ok(ExitCode::from(2));
        }
    };
    // Into the plan's `[build] out`, the site carries a `.gitignore` of its own.
    let (out, planned) = match &args.out {
        Some(out) => (out.clone(), false),
        None => crate::library::default_out(&root),
    };
    let progress = ProgressLine::start(started, !term.quiet);
    let (built, diagnostics) = crate::build_to(
        &root,
        &crate::library::LoadOptions {
            offline: args.offline,
            ..args.library.load_options()
        },
        &mut Caches::default(),
        || {
            let wait = Duration::from_secs(args.lock_wait);
            let writer = DiskWriter::begin_waiting(&out, &root, wait, &mut |pid| {
                term.say(format_args!(
                    "waiting up to {}s for another covermap build (pid {}) to finish writing {}",
                    args.lock_wait,
                    pid.map_or_else(|| "unknown".to_string(), |p| p.to_string()),
                    out.display()
                ))
            })?;
            if planned {
                crate::output::put_gitignore(&writer)?;
            }
            Ok(writer)
        },
        Some(&progress.counts),
    );
    // --deny-warnings: the site is not swapped in (dropping the unfinished writer
    // removes it), so the output folder keeps the last good site.
    let denied = super::check::denied(args.deny_warnings, &diagnostics);
    let built = match built {
        Ok(finished) if denied.is_some() => {
            let Finished {
                library,
                coverage,
                sink,
                ..
            } = finished;
            drop(sink);
            crate::trace::drop_later((library, coverage));
            Err(Stopped::Library)
        }
        built => built,
    };
    let written = built.map(|finished| {
        let Finished {
            library,
            coverage,
            report,
            sink,
        } = finished;
        let written = sink.finish();
        trace.phase("write");
        let assets = library.assets.len();
        let left_out = (library.drafts_left_out, library.internal_left_out);
        // Freeing what a big build allocated takes seconds; nothing waits for it.
        crate::trace::drop_later((library, coverage));
        (written, report, assets, left_out)
    });
    progress.stop();
    term.diagnostics(&super::check::from_start(&root, &diagnostics));
    let (written, report, assets, (drafts_left_out, internal_left_out)) = match written {
        Ok(done) => done,
        Err(Stopped::Library) => {
            if let Some(why) = &denied {
                // Why the exit code is 1: shown even under --quiet, as an error would be.
                let _ = writeln!(
                    io::stderr().lock(),
                    "build failed: {why}; {} is untouched",
                    out.display()
                );
                return Ok(ExitCode::from(1));
            }
            term.say(format_args!(
                "build failed: {} error(s), {} warning(s); {} is untouched",
                diagnostics.errors(),
                diagnostics.warnings(),
                out.display()
            ));
            return Ok(ExitCode::from(1));
        }
        Err(Stopped::Output(e)) => return Ok(output_failed(term, &e)),
    };
    let written = match written {
        Ok(written) => written,
        Err(e) => return Ok(output_failed(term, &e)),
    };
    if let Some(why) = written.in_place {
        term.say(format_args!(
            "note: {} was updated in place, file by file, because {why}; files covermap did \
             not write were left alone, but a reader may see old and new pages side by side \
             while it runs",
            out.display()
        ));
    }
    term.say(format_args!(
        "built {} assets: {} pages, {} files ({} KB) into {} in {:.2}s · {} error(s), {} warning(s){}{}",
        assets,
        report.pages,
        written.files,
        written.bytes / 1024,
        out.display(),
        started.elapsed().as_secs_f64(),
        diagnostics.errors(),
        diagnostics.warnings(),
        if drafts_left_out > 0 {
            format!(" · {drafts_left_out} draft(s) left out (--drafts to include)")
        } else {
            String::new()
        },
        if internal_left_out > 0 {
            format!(" · {internal_left_out} internal asset(s) left out (--audience external)")
        } else {
            String::new()
        }
    ));
    Ok(ExitCode::SUCCESS)
}

/// An output folder that cannot be written: exit 2, naming it and the kind's code.
fn output_failed(term: &Terminal, e: &crate::output::OutputError) -> ExitCode {
    // File names found in the output folder are the library's text: made inert.
    let message = crate::diagnostics::printable(&e.to_string());
    term.error(&format!("{message} [{}]", e.code()));
    ExitCode::from(2)
}
