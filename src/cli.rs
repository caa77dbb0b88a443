//! The command line: parsing (clap), running a command, printing diagnostics and
//! choosing the exit code (0 success, 1 the library has errors, 2 usage or I/O).

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use clap::{Parser, Subcommand, ValueEnum};

use crate::date::Date;
use crate::diagnostics::Diagnostics;
use crate::library::LoadOptions;

#[derive(Parser, Debug)]
#[command(name = "covermap", version, about = "Build a sales content library and its coverage heatmap against the revenue plan", long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Validate the library and write the site.
    Build {
        /// The library folder (holds plan.toml and content/).
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Where to write the site [default: ROOT/public].
        #[arg(long)]
        out: Option<PathBuf>,
        /// Include drafts.
        #[arg(long)]
        drafts: bool,
        /// Judge freshness on this day (YYYY-MM-DD) instead of the plan's as_of or today.
        #[arg(long, value_parser = parse_date)]
        as_of: Option<Date>,
    },
    /// Build into memory, serve it on 127.0.0.1, rebuild on every change and reload open pages.
    Serve {
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Port on 127.0.0.1; a free one is taken (and printed) when it is in use.
        #[arg(long, default_value_t = 1111)]
        port: u16,
        /// Open the site in the default browser.
        #[arg(long)]
        open: bool,
        #[arg(long)]
        drafts: bool,
        #[arg(long, value_parser = parse_date)]
        as_of: Option<Date>,
    },
    /// Build, then rebuild the output folder on every change.
    Watch {
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Where to write the site [default: ROOT/public].
        #[arg(long)]
        out: Option<PathBuf>,
        #[arg(long)]
        drafts: bool,
        #[arg(long, value_parser = parse_date)]
        as_of: Option<Date>,
    },
    /// Validate the library and print the coverage summary and heatmap.
    Check {
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Fail (exit 1) when plan coverage is below this share, 0.0–1.0.
        #[arg(long, value_parser = parse_share)]
        min_coverage: Option<f64>,
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
        #[arg(long)]
        drafts: bool,
        #[arg(long, value_parser = parse_date)]
        as_of: Option<Date>,
    },
    /// Write a small working library to start from.
    Init {
        /// Folder to create it in.
        #[arg(default_value = ".")]
        dir: PathBuf,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Text,
    Json,
}

fn parse_date(s: &str) -> Result<Date, String> {
    Date::parse(s).ok_or_else(|| format!("`{s}` is not a date; write YYYY-MM-DD"))
}

fn parse_share(s: &str) -> Result<f64, String> {
    let v: f64 = s
        .trim_end_matches('%')
        .parse()
        .map_err(|_| format!("`{s}` is not a number"))?;
    let v = if s.ends_with('%') { v / 100.0 } else { v };
    if (0.0..=1.0).contains(&v) {
        Ok(v)
    } else {
        Err(format!("`{s}` must be between 0 and 1 (or 0% and 100%)"))
    }
}

pub fn run(cli: Cli) -> ExitCode {
    match cli.command {
        Command::Build {
            root,
            out,
            drafts,
            as_of,
        } => build(&root, out, LoadOptions { drafts, as_of }),
        Command::Check {
            root,
            min_coverage,
            format,
            drafts,
            as_of,
        } => check(&root, min_coverage, format, LoadOptions { drafts, as_of }),
        Command::Serve {
            root,
            port,
            open,
            drafts,
            as_of,
        } => serve_result(crate::serve::serve(
            &crate::serve::Options {
                root,
                load: LoadOptions { drafts, as_of },
            },
            port,
            open,
        )),
        Command::Watch {
            root,
            out,
            drafts,
            as_of,
        } => {
            let out = out.unwrap_or_else(|| root.join("public"));
            serve_result(crate::serve::watch(
                &crate::serve::Options {
                    root,
                    load: LoadOptions { drafts, as_of },
                },
                &out,
            ))
        }
        Command::Init { dir } => match crate::init::init(&dir) {
            Ok(files) => {
                for f in &files {
                    println!("created {}", f.display());
                }
                println!("\nNext: cd {} && covermap build", dir.display());
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("error: {e}");
                ExitCode::from(2)
            }
        },
    }
}

/// `serve` and `watch` return only on Ctrl-C (success) or when they cannot start.
fn serve_result(result: Result<(), crate::serve::ServeError>) -> ExitCode {
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}

/// Warnings of one kind shown before the rest are summed up in one line, so a large
/// library's stale assets do not bury its errors. `COVERMAP_WARNINGS=all` lists all.
const WARNINGS_PER_KIND: usize = 10;

fn print_diagnostics(diags: &Diagnostics) {
    let color = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    let all = std::env::var("COVERMAP_WARNINGS").is_ok_and(|v| v == "all");
    let mut seen: std::collections::BTreeMap<String, usize> = Default::default();
    for d in diags.iter() {
        if !d.is_error() && !all {
            // The kind of a warning is its message up to the first `:` ("stale", …).
            let kind = d.message.split(':').next().unwrap_or_default().to_string();
            let n = seen.entry(kind).or_default();
            *n += 1;
            if *n > WARNINGS_PER_KIND {
                continue;
            }
        }
        eprint!("{}", d.render(color));
    }
    for (kind, n) in seen.into_iter().filter(|(_, n)| *n > WARNINGS_PER_KIND) {
        eprintln!(
            "warning: … and {} more “{}” warnings (COVERMAP_WARNINGS=all lists every one)",
            n - WARNINGS_PER_KIND,
            crate::diagnostics::printable(&kind)
        );
    }
}

fn build(root: &std::path::Path, out: Option<PathBuf>, options: LoadOptions) -> ExitCode {
    let started = Instant::now();
    let out = out.unwrap_or_else(|| root.join("public"));
    let trace = crate::trace::Trace::start();
    let (loaded, mut diagnostics) = crate::load(root, &options, &crate::Caches::default(), &trace);
    let failed = |diagnostics: &Diagnostics| {
        print_diagnostics(diagnostics);
        eprintln!(
            "build failed: {} error(s), {} warning(s); {} is untouched",
            diagnostics.errors(),
            diagnostics.warnings(),
            out.display()
        );
        ExitCode::from(1)
    };
    let Some((library, coverage, theme)) = loaded else {
        return failed(&diagnostics);
    };
    // The output folder is checked before any page is rendered: a folder covermap must
    // not write to stops the build before it costs anything.
    let writer = match crate::output::DiskWriter::begin(&out, root) {
        Ok(w) => w,
        Err(e) => {
            print_diagnostics(&diagnostics);
            return output_failed(&e);
        }
    };
    trace.phase("output folder checked");
    let progress = ProgressLine::start(started);
    let rendered = crate::render::render(
        &library,
        &coverage,
        &theme,
        None,
        &writer,
        Some(&progress.counts),
    );
    trace.phase("render");
    let written = match rendered {
        Ok(report) => writer.finish().map(|written| (report, written)),
        Err(crate::render::RenderError::Output(e)) => Err(e),
        Err(crate::render::RenderError::Library(ds)) => {
            drop(writer);
            progress.stop();
            diagnostics.extend(ds);
            diagnostics.sort();
            return failed(&diagnostics);
        }
    };
    trace.phase("write");
    progress.stop();
    print_diagnostics(&diagnostics);
    let assets = library.assets.len();
    let drafts_left_out = library.drafts_left_out;
    crate::trace::drop_later((library, coverage, theme));
    match written {
        Ok((report, written)) => {
            eprintln!(
                "built {} assets: {} pages, {} files ({} KB) into {} in {:.2}s · {} error(s), {} warning(s){}",
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
                }
            );
            ExitCode::SUCCESS
        }
        Err(e) => output_failed(&e),
    }
}

/// An output folder that cannot be written: exit 2, naming it.
fn output_failed(e: &crate::output::OutputError) -> ExitCode {
    // File names found in the output folder are the library's text: made inert.
    eprintln!("error: {}", crate::diagnostics::printable(&e.to_string()));
    ExitCode::from(2)
}

/// A single updating line on stderr for builds that take over a second, when stderr is
/// a terminal; nothing otherwise.
struct ProgressLine {
    counts: std::sync::Arc<crate::render::Progress>,
    stop: Option<std::sync::mpsc::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl ProgressLine {
    fn start(started: Instant) -> ProgressLine {
        let counts = std::sync::Arc::new(crate::render::Progress::default());
        if !std::io::stderr().is_terminal() {
            return ProgressLine {
                counts,
                stop: None,
                thread: None,
            };
        }
        // COVERMAP_PROGRESS_AFTER_MS sets how long a build runs before the line shows
        // (tests use 0).
        let after = std::env::var("COVERMAP_PROGRESS_AFTER_MS")
            .ok()
            .and_then(|v| v.parse().ok())
            .map_or(
                std::time::Duration::from_secs(1),
                std::time::Duration::from_millis,
            );
        let (tx, rx) = std::sync::mpsc::channel::<()>();
        let shown = counts.clone();
        let thread = std::thread::Builder::new()
            .name("covermap progress".into())
            .spawn(move || {
                let mut drawn = false;
                // Wakes ten times a second until told to stop (or the sender is gone).
                while let Err(std::sync::mpsc::RecvTimeoutError::Timeout) =
                    rx.recv_timeout(std::time::Duration::from_millis(100))
                {
                    if started.elapsed() < after {
                        continue;
                    }
                    let (done, total) = (
                        shown.done.load(std::sync::atomic::Ordering::Relaxed),
                        shown.pages.load(std::sync::atomic::Ordering::Relaxed),
                    );
                    let line = if total == 0 {
                        "loading the library…".to_string()
                    } else {
                        format!("rendering pages: {done} of {total}")
                    };
                    eprint!("\r\x1b[2K{line}");
                    drawn = true;
                }
                if drawn {
                    eprint!("\r\x1b[2K");
                }
            })
            .ok();
        ProgressLine {
            counts,
            stop: Some(tx),
            thread,
        }
    }

    fn stop(mut self) {
        self.finish();
    }

    fn finish(&mut self) {
        drop(self.stop.take());
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

impl Drop for ProgressLine {
    fn drop(&mut self) {
        self.finish();
    }
}

fn check(
    root: &std::path::Path,
    min: Option<f64>,
    format: Format,
    options: LoadOptions,
) -> ExitCode {
    let sink = crate::output::NullSink::default();
    let (done, diagnostics) =
        crate::build_into(root, &options, &mut crate::Caches::default(), &sink, None);
    let built = crate::Built {
        diagnostics,
        site: done.map(|(library, coverage, _)| (library, coverage, Default::default())),
    };
    let Some((library, coverage, _)) = &built.site else {
        if format == Format::Json {
            println!(
                "{}",
                serde_json::json!({ "ok": false, "diagnostics": diagnostics_json(&built.diagnostics) })
            );
        }
        print_diagnostics(&built.diagnostics);
        eprintln!(
            "check failed: {} error(s), {} warning(s)",
            built.diagnostics.errors(),
            built.diagnostics.warnings()
        );
        return ExitCode::from(1);
    };
    let below = min
        .zip(coverage.summary.coverage)
        .is_some_and(|(min, c)| c + 1e-9 < min);
    match format {
        Format::Json => {
            let mut doc: serde_json::Value =
                serde_json::from_slice(&crate::render::coverage_json(library, coverage))
                    .unwrap_or_default();
            doc["ok"] = serde_json::json!(!below);
            doc["diagnostics"] = diagnostics_json(&built.diagnostics);
            println!("{}", serde_json::to_string_pretty(&doc).unwrap_or_default());
        }
        Format::Text => {
            let color = std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none();
            print!(
                "{}",
                crate::report::summary_and_heatmap(&library.plan, coverage, color)
            );
        }
    }
    print_diagnostics(&built.diagnostics);
    if below {
        eprintln!(
            "coverage {} is below the minimum {}",
            crate::format::pct(coverage.summary.coverage),
            crate::format::pct(min)
        );
        return ExitCode::from(1);
    }
    ExitCode::SUCCESS
}

fn diagnostics_json(diags: &Diagnostics) -> serde_json::Value {
    diags
        .iter()
        .map(|d| {
            serde_json::json!({
                "severity": if d.is_error() { "error" } else { "warning" },
                "file": d.path.to_string_lossy().replace('\\', "/"),
                "line": d.line,
                "column": d.col,
                "message": d.message,
                "help": d.help,
            })
        })
        .collect()
}
