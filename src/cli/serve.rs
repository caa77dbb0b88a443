//! `covermap serve`: build into memory, serve the site on 127.0.0.1 and reload open
//! pages on every change (the loop itself is [`crate::serve`]). Returns on Ctrl-C
//! (success) or when it cannot start (exit 2).

use std::io;
use std::process::ExitCode;

use super::ServeArgs;
use super::output::Terminal;

pub fn run(args: &ServeArgs, term: &Terminal) -> io::Result<ExitCode> {
    let root = match super::root::library_root(args.library.root.as_deref()) {
        Ok(root) => root,
        Err(e) => {
            term.error(&e);
            return Ok(ExitCode::from(2));
        }
    };
    let options = crate::serve::Options {
        root,
        load: args.library.load_options(),
        quiet: term.quiet,
        color: term.stderr_color(),
    };
    let port = args.port.map_or(
        crate::serve::http::Port::Default,
        crate::serve::http::Port::Exact,
    );
    Ok(
        match crate::serve::serve(&options, port, &args.allow_host, args.open) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                term.error(&e.to_string());
                ExitCode::from(2)
            }
        },
    )
}
