//! What the commands print besides their product: diagnostics, summary lines and
//! errors on stderr, in colour or not as `--color` and the environment decide, and
//! nothing but diagnostics and errors under `--quiet`. Writing to stderr never fails a
//! command (there is nowhere left to report it); stdout's errors go back to `main`,
//! which treats a closed pipe as success.

use std::collections::BTreeMap;
use std::io::{IsTerminal, Write};
use std::process::ExitCode;

use crate::diagnostics::Diagnostics;
use crate::diagnostics::color::{self, ColorEnv, ColorWhen};

/// Warnings of one kind shown before the rest are summed up in one line, so a large
/// library's stale assets do not bury its errors. `COVERMAP_WARNINGS=all` lists all.
const WARNINGS_PER_KIND: usize = 10;

/// How the user asked covermap to talk: the global flags, resolved.
#[derive(Debug, Clone)]
pub struct Terminal {
    pub quiet: bool,
    when: ColorWhen,
    env: ColorEnv,
}

impl Terminal {
    pub fn new(quiet: bool, when: ColorWhen) -> Self {
        Terminal {
            quiet,
            when,
            env: ColorEnv::read(),
        }
    }

    /// Whether stderr gets colour.
    pub fn stderr_color(&self) -> bool {
        color::wants_color(self.when, std::io::stderr().is_terminal(), &self.env)
    }

    /// Whether stdout gets colour.
    pub fn stdout_color(&self) -> bool {
        color::wants_color(self.when, std::io::stdout().is_terminal(), &self.env)
    }

    /// A summary or progress line, unless `--quiet`.
    pub fn say(&self, line: std::fmt::Arguments<'_>) {
        if !self.quiet {
            let _ = writeln!(std::io::stderr().lock(), "{line}");
        }
    }

    /// An error that stops the command: always shown.
    pub fn error(&self, message: &str) {
        let bold_red = anstyle::AnsiColor::Red.on_default().bold();
        let mut err = color::stream(std::io::stderr().lock(), self.stderr_color());
        let _ = writeln!(err, "{bold_red}error{bold_red:#}: {message}");
    }

    /// Every diagnostic, warnings of a kind past [`WARNINGS_PER_KIND`] summed up.
    pub fn diagnostics(&self, diags: &Diagnostics) {
        let color = self.stderr_color();
        let all = std::env::var("COVERMAP_WARNINGS").is_ok_and(|v| v == "all");
        let mut err = color::stream(std::io::stderr().lock(), color);
        let mut seen: BTreeMap<String, usize> = BTreeMap::new();
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
            let _ = err.write_all(d.render(color).as_bytes());
        }
        for (kind, n) in seen.into_iter().filter(|(_, n)| *n > WARNINGS_PER_KIND) {
            let _ = writeln!(
                err,
                "warning: … and {} more “{}” warnings (COVERMAP_WARNINGS=all lists every one)",
                n - WARNINGS_PER_KIND,
                crate::diagnostics::printable(&kind)
            );
        }
    }

    /// An output folder that cannot be written: exit 2, naming it.
    pub fn output_failed(&self, e: &crate::output::OutputError) -> ExitCode {
        // File names found in the output folder are the library's text: made inert.
        self.error(&crate::diagnostics::printable(&e.to_string()));
        ExitCode::from(2)
    }
}
