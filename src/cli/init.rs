//! `covermap init`: write the starter library ([`crate::init`]), or with `--from` adopt
//! an existing repo ([`crate::adopt`]), and say what to do next.

use std::io::{self, Write};
use std::process::ExitCode;

use super::InitArgs;
use super::output::Terminal;

pub fn run(args: &InitArgs, term: &Terminal) -> io::Result<ExitCode> {
    if let Some(from) = &args.from {
        return adopt(from, args.out.as_deref(), term);
    }
    match crate::init::init(&args.dir) {
        Ok(files) => {
            if !term.quiet {
                let mut out = io::stdout().lock();
                for f in &files {
                    writeln!(out, "created {}", f.display())?;
                }
                writeln!(out, "\nNext: cd {} && covermap build", args.dir.display())?;
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
