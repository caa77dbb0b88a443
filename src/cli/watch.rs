//! `covermap watch`: build into the output folder, then rebuild it on every change
//! (the loop itself is [`crate::serve::watch`]). Returns on Ctrl-C (success) or when
//! it cannot start (exit 2).

use std::io;
use std::process::ExitCode;

use super::WatchArgs;
use super::output::Terminal;

pub fn run(args: &WatchArgs, term: &Terminal) -> io::Result<ExitCode> {
    let root = match super::root::library_root(args.library.root.as_deref()) {
        Ok(root) => root,
        Err(e) => {
            term.error(&e);
            return Ok(ExitCode::from(2));
        }
    };
    let out = args
        .out
        .clone()
        .unwrap_or_else(|| crate::library::default_out(&root).0);
    let options = crate::serve::Options {
        root,
        load: crate::library::LoadOptions {
            offline: args.offline,
            ..args.library.load_options()
        },
        quiet: term.quiet,
        color: term.stderr_color(),
    };
    Ok(match crate::serve::watch(&options, &out) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            term.error(&e.to_string());
            ExitCode::from(2)
        }
    })
}
