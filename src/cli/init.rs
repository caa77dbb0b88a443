//! `covermap init`: write the starter library ([`crate::init`]) and say what to do
//! next.

use std::io::{self, Write};
use std::process::ExitCode;

use super::InitArgs;
use super::output::Terminal;

pub fn run(args: &InitArgs, term: &Terminal) -> io::Result<ExitCode> {
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
