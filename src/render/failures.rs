//! Why a render failed: every diagnostic met on the way (a broken template, a clash
//! between files, a body that can no longer be read), or the first file the sink could
//! not take.

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::output::OutputError;

/// Why a render failed.
#[derive(Debug)]
pub enum RenderError {
    /// Template errors, clashes between files, bodies that can no longer be read: the
    /// library's to fix.
    Library(Diagnostics),
    /// The sink could not take a file (a full disk, a read-only folder).
    Output(OutputError),
}

/// Why one page could not be made.
pub(super) enum Fail {
    Page(Diagnostic),
    Output(OutputError),
}

impl From<Diagnostic> for Fail {
    fn from(d: Diagnostic) -> Self {
        Fail::Page(d)
    }
}

impl From<OutputError> for Fail {
    fn from(e: OutputError) -> Self {
        Fail::Output(e)
    }
}

/// The problems met so far: every diagnostic, and the first output error.
#[derive(Default)]
pub(super) struct Failures {
    pub diags: Diagnostics,
    output: Option<OutputError>,
}

impl Failures {
    pub fn add(&mut self, f: Fail) {
        match f {
            Fail::Page(d) => self.diags.push(d),
            Fail::Output(e) => {
                self.output.get_or_insert(e);
            }
        }
    }

    /// Stops the render if anything failed.
    pub fn stop(&mut self) -> Result<(), RenderError> {
        if let Some(e) = self.output.take() {
            return Err(RenderError::Output(e));
        }
        if self.diags.has_errors() {
            let mut diags = std::mem::take(&mut self.diags);
            diags.sort();
            return Err(RenderError::Library(diags));
        }
        Ok(())
    }
}
