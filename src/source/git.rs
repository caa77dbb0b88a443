//! A library as it is in one revision of a git repository, read with the git CLI
//! (`git ls-tree` lists the tree once, one `git cat-file --batch` process reads blobs
//! as loading asks for them), never touching the work tree or the index: a command that
//! compares revisions loads each through the same pipeline as `build`, without a
//! checkout. The library may sit in a folder of the repository.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Component, Path, PathBuf};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::sync::{Mutex, PoisonError};

use super::bounded::too_large;
use super::files::{Source, Stamp};
use super::listing::{Folder, Skipped, Verdict, judge_path, target_allowed};
use crate::diagnostics::Diagnostics;

/// Links followed, one through another, before a chain counts as a loop (Linux's own
/// limit).
const MAX_LINKS: usize = 40;

/// One revision's files under the library's folder.
pub struct GitTree {
    repo: PathBuf,
    rev: String,
    library: PathBuf,
    /// By path relative to the library's folder.
    entries: BTreeMap<PathBuf, Entry>,
    /// Started at the first read; blobs are read one at a time through it.
    batch: Mutex<Option<Batch>>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Kind {
    File,
    Link,
    /// A submodule: its files are not in this repository.
    Commit,
}

#[derive(Debug, Clone)]
struct Entry {
    kind: Kind,
    oid: String,
    size: u64,
}

impl std::fmt::Debug for GitTree {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GitTree")
            .field("repo", &self.repo)
            .field("rev", &self.rev)
            .field("library", &self.library)
            .field("files", &self.entries.len())
            .finish()
    }
}

/// `git -C dir …` for a question about a repository: nothing read from stdin, nothing of
/// git's stderr shown (a folder outside any repository is an answer, not an error).
pub fn git_in(dir: &Path) -> Command {
    let mut cmd = Command::new("git");
    cmd.arg("-C")
        .arg(dir)
        .stdin(Stdio::null())
        .stderr(Stdio::null());
    cmd
}

/// What `git -C dir ARGS` prints, when it succeeds.
pub fn git_stdout(dir: &Path, args: &[&str]) -> Option<String> {
    let out = git_in(dir).args(args).output().ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}

fn git(repo: &Path) -> Command {
    let mut cmd = Command::new("git");
    // Pathspecs are the library's folder as given, never a pattern.
    cmd.arg("--literal-pathspecs").arg("-C").arg(repo);
    cmd.stdin(Stdio::null());
    cmd
}

impl GitTree {
    /// The tree of `rev` (a commit, tag, branch or tree) in the repository at `repo`,
    /// the library being the folder `library` of it (relative to the repository's top;
    /// `""` for the top itself).
    pub fn open(repo: &Path, rev: &str, library: &Path) -> std::io::Result<GitTree> {
        if rev.starts_with('-') || rev.is_empty() {
            return Err(std::io::Error::new(
                std::io::ErrorKind::InvalidInput,
                format!("`{rev}` is not a revision"),
            ));
        }
        let mut cmd = git(repo);
        cmd.args(["ls-tree", "-r", "-z", "-l", "--full-tree", rev]);
        if library != Path::new("") {
            cmd.arg("--").arg(library);
        }
        let out = cmd.output()?;
        if !out.status.success() {
            let why = String::from_utf8_lossy(&out.stderr);
            return Err(std::io::Error::other(format!(
                "git ls-tree {rev}: {}",
                why.trim()
            )));
        }
        let mut entries = BTreeMap::new();
        for record in out.stdout.split(|&b| b == 0).filter(|r| !r.is_empty()) {
            let Some((meta, path)) = parse_record(record) else {
                return Err(std::io::Error::other("git ls-tree: unexpected output"));
            };
            if let Ok(rel) = path.strip_prefix(library) {
                entries.insert(rel.to_path_buf(), meta);
            }
        }
        Ok(GitTree {
            repo: repo.to_path_buf(),
            rev: rev.to_string(),
            library: library.to_path_buf(),
            entries,
            batch: Mutex::new(None),
        })
    }

    /// The blob `oid`, read through the batch process (started on first use).
    fn cat(&self, oid: &str) -> std::io::Result<Vec<u8>> {
        let mut batch = self.batch.lock().unwrap_or_else(PoisonError::into_inner);
        if batch.is_none() {
            *batch = Some(Batch::start(&self.repo)?);
        }
        let Some(b) = batch.as_mut() else {
            return Err(std::io::Error::other("git cat-file did not start"));
        };
        let read = b.cat(oid);
        if read.is_err() {
            // The stream may be out of step now: the next read starts a new process.
            *batch = None;
        }
        read
    }

    /// The entry `rel` names, following symbolic links inside the library: the final
    /// path and entry, or why there is none.
    fn resolve(&self, rel: &Path) -> Result<(PathBuf, &Entry), Skipped> {
        match self.follow(rel)? {
            (path, Resolved::Entry(entry)) => Ok((path, entry)),
            (_, Resolved::Folder) => Err(Skipped::LinkToFolder),
            (_, Resolved::Missing) => Err(Skipped::LinkOutside(String::new())),
        }
    }

    /// Where `rel` leads through symbolic links, and what is there; a loop, or a link
    /// that climbs out of the library, is an error.
    fn follow(&self, rel: &Path) -> Result<(PathBuf, Resolved<'_>), Skipped> {
        let mut path = rel.to_path_buf();
        for _ in 0..=MAX_LINKS {
            let Some(entry) = self.entries.get(&path) else {
                let what = if self.is_dir(&path) {
                    Resolved::Folder
                } else {
                    Resolved::Missing
                };
                return Ok((path, what));
            };
            if entry.kind != Kind::Link {
                return Ok((path, Resolved::Entry(entry)));
            }
            let target = self.link_text(entry)?;
            path = join_lexically(path.parent().unwrap_or(Path::new("")), Path::new(&target))
                .ok_or(Skipped::LinkOutside(String::new()))?;
        }
        Err(Skipped::LinkLoop)
    }

    /// What the link `entry` says it points to.
    fn link_text(&self, entry: &Entry) -> Result<String, Skipped> {
        let bytes = self
            .cat(&entry.oid)
            .map_err(|_| Skipped::LinkOutside(String::new()))?;
        Ok(String::from_utf8_lossy(&bytes).into_owned())
    }

    /// Why the link at `path` (`entry`) is not followed from a listing of a folder
    /// whose links may lead into `bases`; `None` when it names a file it may.
    fn judge_link(
        &self,
        path: &Path,
        entry: &Entry,
        bases: &[(PathBuf, Folder)],
    ) -> Option<Skipped> {
        let text = || self.link_text(entry).unwrap_or_default();
        Some(match self.follow(path) {
            // A broken link is judged before where it points, as on disk.
            Ok((_, Resolved::Missing)) => Skipped::LinkOutside(text()),
            Ok((target, resolved)) => match (target_allowed(&target, bases), resolved) {
                (Err(skip), _) => skip(text()),
                (Ok(()), Resolved::Entry(e)) if e.kind == Kind::File => return None,
                (Ok(()), Resolved::Folder) => Skipped::LinkToFolder,
                (Ok(()), _) => Skipped::LinkToOther,
            },
            Err(Skipped::LinkLoop) => Skipped::LinkLoop,
            Err(_) => Skipped::LinkOutside(text()),
        })
    }
}

/// What a path leads to in the tree.
enum Resolved<'a> {
    Entry(&'a Entry),
    Folder,
    Missing,
}

/// `<mode> SP <type> SP <object> SP+ <size> TAB <path>`, as `ls-tree -l` prints it.
fn parse_record(record: &[u8]) -> Option<(Entry, PathBuf)> {
    let tab = record.iter().position(|&b| b == b'\t')?;
    let meta = std::str::from_utf8(&record[..tab]).ok()?;
    let path = path_from_bytes(&record[tab + 1..])?;
    let mut fields = meta.split_ascii_whitespace();
    let mode = fields.next()?;
    let _type = fields.next()?;
    let oid = fields.next()?.to_string();
    let size = fields.next()?.parse().unwrap_or(0);
    let kind = match mode {
        "120000" => Kind::Link,
        "160000" => Kind::Commit,
        _ => Kind::File,
    };
    Some((Entry { kind, oid, size }, path))
}

#[cfg(unix)]
fn path_from_bytes(bytes: &[u8]) -> Option<PathBuf> {
    use std::os::unix::ffi::OsStrExt;
    Some(PathBuf::from(std::ffi::OsStr::from_bytes(bytes)))
}

#[cfg(not(unix))]
fn path_from_bytes(bytes: &[u8]) -> Option<PathBuf> {
    std::str::from_utf8(bytes).ok().map(PathBuf::from)
}

/// `target` taken from the folder `base`, both inside the library; `None` when it is
/// absolute or climbs out of the library.
fn join_lexically(base: &Path, target: &Path) -> Option<PathBuf> {
    let mut path = base.to_path_buf();
    for c in target.components() {
        match c {
            Component::Normal(name) => path.push(name),
            Component::CurDir => {}
            Component::ParentDir => {
                if !path.pop() {
                    return None;
                }
            }
            Component::RootDir | Component::Prefix(_) => return None,
        }
    }
    Some(path)
}

impl Source for GitTree {
    fn describe(&self) -> String {
        let mut at = self.rev.clone();
        if self.library != Path::new("") {
            at = format!("{at}:{}", self.library.display());
        }
        format!("{at} of {}", self.repo.display())
    }

    fn is_dir(&self, rel: &Path) -> bool {
        // Paths sort by component, so whatever lies below `rel` comes right after it.
        self.entries
            .range(rel.to_path_buf()..)
            .find(|(path, _)| path.as_path() != rel)
            .is_some_and(|(path, _)| path.starts_with(rel))
    }

    fn list(&self, rel: &Path, diags: &mut Diagnostics) -> Vec<PathBuf> {
        let folder = Folder::of(rel);
        let bases = folder.link_bases(rel);
        let name = Path::new(rel.file_name().unwrap_or_default());
        let mut files = Vec::new();
        // The tree lists files only: a hidden folder is warned about once, at its
        // first file (its files come together, in path order).
        let mut hidden_seen: Option<PathBuf> = None;
        for (path, entry) in self
            .entries
            .range(rel.to_path_buf()..)
            .take_while(|(path, _)| path.starts_with(rel))
        {
            let Ok(below) = path.strip_prefix(rel) else {
                continue;
            };
            if below == Path::new("") {
                continue;
            }
            match judge_path(folder, below) {
                (Verdict::Keep, _) => {}
                (Verdict::Quiet, _) => continue,
                (Verdict::Hidden, part) => {
                    if hidden_seen.as_ref() != Some(&part) {
                        let is_folder = part.as_path() != below;
                        diags.push(Skipped::Hidden { folder: is_folder }.warning(name.join(&part)));
                        hidden_seen = Some(part);
                    }
                    continue;
                }
            }
            match entry.kind {
                Kind::File => files.push(below.to_path_buf()),
                // On disk an uninitialised submodule is an empty folder.
                Kind::Commit => {}
                Kind::Link => match self.judge_link(path, entry, &bases) {
                    None => files.push(below.to_path_buf()),
                    Some(skipped) => diags.push(skipped.warning(name.join(below))),
                },
            }
        }
        files
    }

    fn read(&self, rel: &Path, limit: u64) -> std::io::Result<Vec<u8>> {
        let not_found =
            || std::io::Error::new(std::io::ErrorKind::NotFound, "No such file or directory");
        let (_, entry) = self.resolve(rel).map_err(|_| not_found())?;
        if entry.kind != Kind::File {
            return Err(std::io::Error::other("not a regular file"));
        }
        if entry.size > limit {
            return Err(too_large(entry.size, limit));
        }
        self.cat(&entry.oid)
    }

    fn stamp(&self, rel: &Path) -> Option<Stamp> {
        let (_, entry) = self.resolve(rel).ok()?;
        Some(Stamp::object(entry.size, &entry.oid))
    }

    fn content_hash(&self, rel: &Path) -> Option<u64> {
        // The blob id is a hash of the content already.
        let (_, entry) = self.resolve(rel).ok()?;
        u64::from_str_radix(entry.oid.get(..16)?, 16).ok()
    }
}

/// A `git cat-file --batch` process.
struct Batch {
    child: Child,
    stdin: Option<ChildStdin>,
    stdout: BufReader<ChildStdout>,
}

impl Batch {
    fn start(repo: &Path) -> std::io::Result<Batch> {
        let mut child = git(repo)
            .args(["cat-file", "--batch"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()?;
        let (Some(stdin), Some(stdout)) = (child.stdin.take(), child.stdout.take()) else {
            let _ = child.kill();
            let _ = child.wait();
            return Err(std::io::Error::other("git cat-file: no pipes"));
        };
        Ok(Batch {
            child,
            stdin: Some(stdin),
            stdout: BufReader::new(stdout),
        })
    }

    /// `<oid> LF` in; `<oid> SP <type> SP <size> LF <contents> LF` (or `<oid> SP
    /// missing LF`) out.
    fn cat(&mut self, oid: &str) -> std::io::Result<Vec<u8>> {
        let stdin = self
            .stdin
            .as_mut()
            .ok_or_else(|| std::io::Error::other("git cat-file closed"))?;
        writeln!(stdin, "{oid}")?;
        stdin.flush()?;
        let mut header = String::new();
        self.stdout.read_line(&mut header)?;
        let mut fields = header.split_ascii_whitespace();
        let (Some(_), Some(kind), Some(size)) = (fields.next(), fields.next(), fields.next())
        else {
            return Err(std::io::Error::new(
                std::io::ErrorKind::NotFound,
                format!("git cat-file: {}", header.trim()),
            ));
        };
        let size: usize = size
            .parse()
            .map_err(|_| std::io::Error::other("git cat-file: bad size"))?;
        let mut bytes = vec![0; size];
        self.stdout.read_exact(&mut bytes)?;
        let mut newline = [0u8; 1];
        self.stdout.read_exact(&mut newline)?;
        if kind != "blob" {
            return Err(std::io::Error::other("not a regular file"));
        }
        Ok(bytes)
    }
}

impl Drop for Batch {
    fn drop(&mut self) {
        // A process dropped mid-answer may be blocked writing to a pipe no one reads:
        // end it rather than wait for it, then reap it so it is not left a zombie.
        drop(self.stdin.take());
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
