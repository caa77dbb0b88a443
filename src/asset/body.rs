//! An asset's body: not kept after loading, it is read again and rendered when its
//! page is, so a build never holds every body at once.

use std::path::Path;

use crate::diagnostics::Diagnostic;
use crate::frontmatter;

/// A hash of a body's text, stable for one covermap binary.
pub fn body_hash(body: &str) -> u64 {
    use std::hash::{Hash, Hasher};
    // Fast, not DoS-resistant: the key of a cache, never of an attacker's choosing.
    let mut h = rustc_hash::FxHasher::default();
    body.hash(&mut h);
    h.finish()
}

/// The body of the asset file `source` (relative to `root`) as it is on disk now; see
/// [`body_of`].
pub fn read_body(root: &Path, source: &Path) -> Result<String, Diagnostic> {
    body_of(
        source,
        crate::source::read_limited(&root.join(source), crate::limits::MAX_ASSET_BYTES),
    )
}

/// The body of the asset file `source`, given the result of reading it again after it
/// was loaded: the text after its front matter, normalized as `read` normalizes it.
/// A file that can no longer be read or split (changed or deleted since it was loaded)
/// is an error naming it.
pub fn body_of(source: &Path, read: std::io::Result<Vec<u8>>) -> Result<String, Diagnostic> {
    let gone = |why: String| {
        Diagnostic::error(source, format!("cannot read the body: {why}"))
            .help("the file changed or went away while the site was being built; build again")
            .code(crate::diagnostics::Code::ReadFailed)
    };
    let bytes = read.map_err(|e| gone(e.to_string()))?;
    let text = String::from_utf8(bytes).map_err(|_| gone("it is no longer UTF-8".into()))?;
    let text = frontmatter::normalize(&text);
    // A page without front matter is all body (it is read as an asset titled from its
    // heading); a block left unclosed since it was loaded is not.
    let body = match frontmatter::split(&text) {
        Ok(split) => split.body,
        Err(frontmatter::SplitError::Missing) => &text,
        Err(_) => return Err(gone("its front matter is no longer there".into())),
    };
    Ok(body.to_string())
}
