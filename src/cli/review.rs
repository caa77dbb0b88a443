//! `covermap review`: prints the review queue (assets overdue, assets due within
//! `--within`, decisions lapsing; see [`crate::review`]) for a person or for a scheduled
//! CI job to post as an issue. The queue never fails the command: it exits 0 whatever
//! the queue holds, 1 only when the library has errors, 2 on usage or I/O errors.

use std::io::{self, Write};
use std::process::ExitCode;

use super::ReviewArgs;
use super::output::Terminal;
use crate::review::{Options, Queue, ReviewFormat};

pub fn run(args: &ReviewArgs, term: &Terminal) -> io::Result<ExitCode> {
    let root = match super::root::library_root(args.library.root.as_deref()) {
        Ok(root) => root,
        Err(e) => {
            term.error(&e);
            return Ok(ExitCode::from(2));
        }
    };
    let (library, diagnostics) = crate::library::load(&root, &args.library.load_options());
    let Some(library) = library else {
        term.diagnostics(&diagnostics);
        term.say(format_args!(
            "review failed: {} error(s), {} warning(s)",
            diagnostics.errors(),
            diagnostics.warnings()
        ));
        return Ok(ExitCode::from(1));
    };
    let queue = Queue::of(
        &library,
        &Options {
            owner: args.owner.clone(),
            within: args.within,
        },
    );
    let text = match args.format {
        ReviewFormat::Text => queue.text(),
        ReviewFormat::Markdown => queue.markdown(),
        ReviewFormat::Json => queue.json() + "\n",
    };
    let mut out = io::stdout().lock();
    out.write_all(text.as_bytes())?;
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}
