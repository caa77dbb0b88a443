//! `covermap init`: write the starter library ([`crate::init`]), or with `--from` adopt
//! an existing repo ([`crate::adopt`]), and say what to do next.

use std::io::{self, Write};
use std::process::ExitCode;

use super::output::Terminal;
use super::{CiForge, InitArgs};

pub fn run(args: &InitArgs, term: &Terminal) -> io::Result<ExitCode> {
    if let Some(from) = &args.from {
        if let Some(ci) = args.ci
            && let Err(e) = crate::init::check_ci(from, ci.into())
        {
            term.error(&e);
            return Ok(ExitCode::from(2));
        }
        let code = adopt(from, args.out.as_deref(), term)?;
        return match args.ci {
            Some(ci) if code == ExitCode::SUCCESS => write_ci(from, ci, term),
            _ => Ok(code),
        };
    }
    // `init --ci` in an existing library adds only the CI files.
    if let Some(ci) = args.ci
        && args.dir.join("plan.toml").exists()
    {
        return write_ci(&args.dir, ci, term);
    }
    // The CI files are refused before the library is written, so a refusal leaves
    // nothing half made.
    if let Some(ci) = args.ci
        && let Err(e) = crate::init::check_ci(&args.dir, ci.into())
    {
        term.error(&e);
        return Ok(ExitCode::from(2));
    }
    match crate::init::init(&args.dir) {
        Ok(files) => {
            if !term.quiet {
                let mut out = io::stdout().lock();
                for f in &files {
                    writeln!(out, "created {}", f.display())?;
                }
            }
            if let Some(ci) = args.ci {
                let code = write_ci(&args.dir, ci, term)?;
                if code != ExitCode::SUCCESS {
                    return Ok(code);
                }
            }
            if !term.quiet {
                writeln!(
                    io::stdout().lock(),
                    "\nNext: cd {} && covermap build",
                    args.dir.display()
                )?;
            }
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => {
            term.error(&e);
            Ok(ExitCode::from(2))
        }
    }
}

fn adopt(from: &std::path::Path, out: Option<&str>, term: &Terminal) -> io::Result<ExitCode> {
    match crate::adopt::adopt(from, out) {
        Ok(adopted) => {
            if !term.quiet {
                let mut o = io::stdout().lock();
                for line in &adopted.summary {
                    writeln!(o, "{line}")?;
                }
                writeln!(o, "created {}", adopted.plan_path.display())?;
                writeln!(
                    o,
                    "\nNext: edit the segments, personas and stages in plan.toml, then \
                     `covermap -C {} build` and `covermap -C {} check` to see what is untagged.",
                    from.display(),
                    from.display()
                )?;
            }
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => {
            term.error(&e);
            Ok(ExitCode::from(2))
        }
    }
}

/// Writes the CI files for `ci` into `dir` and names them.
fn write_ci(dir: &std::path::Path, ci: CiForge, term: &Terminal) -> io::Result<ExitCode> {
    match crate::init::ci(dir, ci.into()) {
        Ok(files) => {
            if !term.quiet {
                let mut out = io::stdout().lock();
                for f in &files {
                    writeln!(out, "created {}", f.display())?;
                }
                writeln!(
                    out,
                    "The workflow downloads covermap's release binary: set COVERMAP_REPO and \
                     COVERMAP_VERSION in it to where your covermap releases live."
                )?;
            }
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => {
            term.error(&e);
            Ok(ExitCode::from(2))
        }
    }
}
