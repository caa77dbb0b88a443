//! Bounded reads: a file bigger than covermap reads is refused with an error giving
//! its size and the limit, never read whole; and a file that is not UTF-8 is an error
//! pointed at its first bad byte. Every source and every reader of a library's files
//! uses these, so the rules and the messages are the same everywhere.

use std::path::Path;

use crate::diagnostics::Diagnostic;
use crate::limits;

/// The error of a file of `size` bytes read with a limit of `limit`: kind
/// `FileTooLarge`, its text giving both.
pub(super) fn too_large(size: u64, limit: u64) -> std::io::Error {
    std::io::Error::new(
        std::io::ErrorKind::FileTooLarge,
        format!(
            "the file is {}, more than the {} covermap reads",
            limits::size(size),
            limits::size(limit)
        ),
    )
}

/// The bytes of a file of at most `limit` bytes; a bigger one is an error of kind
/// `FileTooLarge` whose text gives the size and the limit, and is never read whole
/// (`u64::MAX` reads any file).
pub fn read_limited(path: &Path, limit: u64) -> std::io::Result<Vec<u8>> {
    use std::io::Read as _;
    let mut open = std::fs::OpenOptions::new();
    open.read(true);
    // A FIFO put in a file's place after the folder was listed must not block the build
    // waiting for a writer; for regular files the flag changes nothing.
    #[cfg(target_os = "linux")]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        open.custom_flags(rustix::fs::OFlags::NONBLOCK.bits() as i32);
    }
    let file = open.open(path)?;
    let meta = file.metadata()?;
    if !meta.is_file() {
        return Err(std::io::Error::other("not a regular file"));
    }
    if meta.len() > limit {
        return Err(too_large(meta.len(), limit));
    }
    // The file may grow after the size was taken: read one byte past the limit to see.
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    file.take(limit.saturating_add(1)).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limit {
        return Err(too_large(bytes.len() as u64, limit));
    }
    Ok(bytes)
}

/// A file that is not UTF-8, pointed at its first bad byte. Lines and columns are
/// counted as the readers count them (after a byte-order mark), and the offending line
/// is shown with the bad bytes replaced.
pub fn not_utf8(path: &Path, e: &std::string::FromUtf8Error) -> Diagnostic {
    let bytes = e.as_bytes();
    let bom = if bytes.starts_with(b"\xEF\xBB\xBF") {
        3
    } else {
        0
    };
    let offset = e.utf8_error().valid_up_to();
    let text = String::from_utf8_lossy(&bytes[bom..]);
    // Everything before the bad byte is valid, so its offset is the same in the lossy text.
    let (line, col) = crate::diagnostics::line_col(&text, offset.saturating_sub(bom));
    Diagnostic::error(path, "the file is not UTF-8 text")
        .code(crate::diagnostics::Code::NotUtf8)
        .at(&text, line, col)
        .help("save the file as UTF-8 in your editor")
}
