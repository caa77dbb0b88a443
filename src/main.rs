//! The covermap binary: parses the command line, applies the global flags, runs the
//! command and owns the exit code. A closed stdout (`covermap check --format json |
//! head`) is success, as in ripgrep: the reader has what it wanted.

use std::io::Write;
use std::process::ExitCode;

use clap::Parser;
use covermap::cli::output::Terminal;
use covermap::cli::{self, Cli, Command};

// mimalloc: a build allocates and frees millions of small strings and template values
// from two threads; glibc's allocator took an eighth of a 100,000-asset build's time.
// Behind a feature, since it is the only C code in the tree (README, Installing).
#[cfg(feature = "mimalloc")]
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let Cli { global, command } = Cli::parse();
    let term = Terminal::new(global.quiet, global.color.into());
    // Whatever else prints through anstream's automatic choice follows --color too.
    anstream::ColorChoice::write_global(match global.color {
        cli::Color::Auto => anstream::ColorChoice::Auto,
        cli::Color::Always => anstream::ColorChoice::Always,
        cli::Color::Never => anstream::ColorChoice::Never,
    });
    cli::ci::remember_start_dir();
    if let Some(dir) = &global.dir
        && let Err(e) = std::env::set_current_dir(dir)
    {
        term.error(&format!("cannot change to {}: {e}", dir.display()));
        return ExitCode::from(2);
    }
    let ran = match &command {
        Command::Build(args) => cli::build::run(args, &term),
        Command::Check(args) => cli::check::run(args, &term),
        Command::Serve(args) => cli::serve::run(args, &term),
        Command::Watch(args) => cli::watch::run(args, &term),
        Command::Init(args) => cli::init::run(args, &term),
        Command::Completions(args) => cli::completions::completions(args),
        Command::Man => cli::completions::man(),
        Command::Diff(args) => cli::diff::run(args, &term),
        Command::Review(args) => cli::review::run(args, &term),
    };
    match ran {
        Ok(code) => code,
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            let _ = writeln!(std::io::stderr(), "error: cannot write the output: {e}");
            ExitCode::from(2)
        }
    }
}
