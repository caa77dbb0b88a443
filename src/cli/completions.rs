//! `covermap completions SHELL` and `covermap man`: the shell completion script and
//! the manual page, generated from the clap definitions so they never fall behind the
//! flags. Both go to stdout, for packagers to install.

use std::io::{self, Write};
use std::process::ExitCode;

use clap::CommandFactory;

use super::{Cli, CompletionsArgs};

pub fn completions(args: &CompletionsArgs) -> io::Result<ExitCode> {
    // Made in memory first: clap_complete panics when its writer fails, and stdout
    // may be a pipe that is already closed.
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut Cli::command(), "covermap", &mut script);
    io::stdout().lock().write_all(&script)?;
    Ok(ExitCode::SUCCESS)
}

pub fn man() -> io::Result<ExitCode> {
    let mut page = Vec::new();
    clap_mangen::Man::new(Cli::command()).render(&mut page)?;
    io::stdout().lock().write_all(&page)?;
    Ok(ExitCode::SUCCESS)
}
