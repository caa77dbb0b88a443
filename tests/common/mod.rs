//! The one copy of what the integration tests share: the path of the binary, fixture
//! folders, file trees, and `TestLib`, a library in a temporary folder (a fixture, the
//! sample, or built up plan and asset by asset) that runs the real binary on itself and
//! returns a `Run` to assert on (mdBook's `BookTest`, ripgrep's `Dir`/`TestCommand`).
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

/// The binary under test, built by Cargo for the integration tests.
pub const BIN: &str = env!("CARGO_BIN_EXE_covermap");

/// How long any poll waits before it fails the test.
pub const DEADLINE: Duration = Duration::from_secs(30);

/// The repository root: the sample library lives here (plan.toml, content/, themes/).
pub fn manifest_dir() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// `tests/fixtures`.
pub fn fixtures() -> PathBuf {
    manifest_dir().join("tests/fixtures")
}

/// Copies the folder `from` into `to` (created), leaving out a built site, Cargo's
/// target and git's folder so the repository root copies as just its sample library.
/// Symbolic links are left out: no fixture holds one, and tests make their own.
pub fn copy_dir(from: &Path, to: &Path) {
    for e in walkdir::WalkDir::new(from)
        .into_iter()
        .filter_map(Result::ok)
    {
        let rel = e.path().strip_prefix(from).unwrap();
        if rel.starts_with("public") || rel.starts_with("target") || rel.starts_with(".git") {
            continue;
        }
        let dest = to.join(rel);
        if e.file_type().is_dir() {
            std::fs::create_dir_all(&dest).unwrap();
        } else if e.file_type().is_file() {
            std::fs::copy(e.path(), &dest).unwrap();
        }
    }
}

/// Every file under `dir`: its `/`-separated path relative to `dir` → its bytes (empty
/// when `dir` is missing; entries that cannot be read are left out).
pub fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .filter_map(|e| Some((rel(dir, e.path()), std::fs::read(e.path()).ok()?)))
        .collect()
}

/// Every entry under `dir`, `dir` itself included as "": files with their bytes,
/// folders and links by their kind, so a tree compares equal only when nothing at all
/// was added, removed or replaced.
pub fn entries(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .map(Result::unwrap)
        .map(|e| {
            let bytes = if e.file_type().is_file() {
                std::fs::read(e.path()).unwrap()
            } else {
                format!("{:?}", e.file_type()).into_bytes()
            };
            (rel(dir, e.path()), bytes)
        })
        .collect()
}

fn rel(dir: &Path, path: &Path) -> String {
    path.strip_prefix(dir)
        .unwrap()
        .to_string_lossy()
        .replace('\\', "/")
}

/// The text of a file, failing the test with its path when it cannot be read.
pub fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Polls `f` until it returns `Some`, or fails the test with `what` at the deadline.
pub fn poll<T>(what: &str, mut f: impl FnMut() -> Option<T>) -> T {
    let end = Instant::now() + DEADLINE;
    loop {
        if let Some(v) = f() {
            return v;
        }
        assert!(Instant::now() < end, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Held by the tests that load the machine on purpose or kill processes on a clock
/// (kill, the browser, the full disk): run as one binary, they would otherwise overlap
/// each other, which separate binaries never did. A test that failed while holding it
/// does not poison the others.
pub fn exclusive() -> MutexGuard<'static, ()> {
    static LOCK: Mutex<()> = Mutex::new(());
    LOCK.lock().unwrap_or_else(|e| e.into_inner())
}

/// Runs the binary with `args` (and `NO_COLOR`, so messages compare as plain text).
pub fn covermap<I, S>(args: I) -> Run
where
    I: IntoIterator<Item = S>,
    S: AsRef<OsStr>,
{
    Run::of(Command::new(BIN).args(args))
}

/// A command to adjust (environment, working folder) before `Run::of`.
pub fn command<I, S>(args: I) -> Command
where
    I: IntoIterator<Item = S>,
    S: AsRef<OsStr>,
{
    let mut c = Command::new(BIN);
    c.args(args).env("NO_COLOR", "1");
    c
}

/// What a run of the binary left: exit status, stdout and stderr. Every run is checked
/// for a panic, which is a bug whatever the test expects.
pub struct Run {
    pub output: Output,
}

/// A `Run` reads as the `Output` it holds (`run.status`, `run.stderr`), as the tests
/// written against `Command::output` do.
impl std::ops::Deref for Run {
    type Target = Output;
    fn deref(&self) -> &Output {
        &self.output
    }
}

impl Run {
    pub fn of(command: &mut Command) -> Run {
        let output = command.env("NO_COLOR", "1").output().expect("run covermap");
        let run = Run { output };
        let stderr = run.stderr_text();
        assert!(!stderr.contains("panicked"), "covermap panicked:\n{stderr}");
        run
    }

    pub fn stdout_text(&self) -> String {
        String::from_utf8_lossy(&self.output.stdout).into_owned()
    }

    pub fn stderr_text(&self) -> String {
        String::from_utf8_lossy(&self.output.stderr).into_owned()
    }

    /// Fails the test, showing stderr, unless the run exited 0.
    #[track_caller]
    pub fn success(&self) -> &Run {
        assert!(
            self.output.status.success(),
            "covermap failed ({}):\n{}",
            self.output.status,
            self.stderr_text()
        );
        self
    }

    /// Fails the test, showing stderr, unless the run exited with `code`.
    #[track_caller]
    pub fn code(&self, code: i32) -> &Run {
        assert_eq!(
            self.output.status.code(),
            Some(code),
            "exit code; stderr:\n{}",
            self.stderr_text()
        );
        self
    }

    /// Fails the test, showing stderr, unless stderr holds `text`.
    #[track_caller]
    pub fn stderr_contains(&self, text: &str) -> &Run {
        let stderr = self.stderr_text();
        assert!(stderr.contains(text), "stderr lacks {text:?}:\n{stderr}");
        self
    }

    /// Fails the test, showing stdout, unless stdout holds `text`.
    #[track_caller]
    pub fn stdout_contains(&self, text: &str) -> &Run {
        let stdout = self.stdout_text();
        assert!(stdout.contains(text), "stdout lacks {text:?}:\n{stdout}");
        self
    }
}

/// A library in a temporary folder of its own (`dir()/lib`, output in `dir()/public`
/// unless a run says otherwise), removed when dropped.
pub struct TestLib {
    dir: tempfile::TempDir,
    root: PathBuf,
}

/// A plan with one stage, one persona and one segment, for libraries whose plan does
/// not matter to the test; `site_extra` goes at the end of `[site]`, and further tables
/// can follow it.
pub fn small_plan(site_extra: &str) -> String {
    format!(
        "[site]\ntitle = \"T\"\n{site_extra}\n[plan]\ntitle = \"P\"\nas_of = 2026-11-01\n[[stages]]\nid = \"decision\"\n[[personas]]\nid = \"champion\"\n[[segments]]\nid = \"smb\"\npipeline = 100\n"
    )
}

impl TestLib {
    /// An empty library: a `content/` folder and no plan yet.
    pub fn new() -> TestLib {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("lib");
        std::fs::create_dir_all(root.join("content")).unwrap();
        TestLib { dir, root }
    }

    /// A copy of `tests/fixtures/<name>`.
    pub fn fixture(name: &str) -> TestLib {
        let lib = TestLib::new();
        copy_dir(&fixtures().join(name), &lib.root);
        lib
    }

    /// A copy of the sample library at the repository root.
    pub fn sample() -> TestLib {
        let lib = TestLib::new();
        for sub in ["content", "themes"] {
            copy_dir(&manifest_dir().join(sub), &lib.root.join(sub));
        }
        std::fs::copy(manifest_dir().join("plan.toml"), lib.root.join("plan.toml")).unwrap();
        lib
    }

    /// Writes `plan.toml`.
    pub fn plan(self, text: &str) -> TestLib {
        self.file("plan.toml", text)
    }

    /// Writes `content/<path>`.
    pub fn asset(self, path: &str, text: &str) -> TestLib {
        self.file(&format!("content/{path}"), text)
    }

    /// Writes the file `path` (relative to the root), making its folders.
    pub fn file(self, path: &str, bytes: impl AsRef<[u8]>) -> TestLib {
        self.write(path, bytes);
        self
    }

    /// Writes the file `path` (relative to the root) of a library in use.
    pub fn write(&self, path: &str, bytes: impl AsRef<[u8]>) {
        let p = self.root.join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, bytes).unwrap();
    }

    /// The library's root folder.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The temporary folder holding the root (and the output, by default).
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    /// `path` under the root.
    pub fn path(&self, path: &str) -> PathBuf {
        self.root.join(path)
    }

    /// Where `build` writes unless told otherwise.
    pub fn out(&self) -> PathBuf {
        self.dir.path().join("public")
    }

    /// The text of `path` under the default output folder.
    pub fn read_out(&self, path: &str) -> String {
        read(&self.out().join(path))
    }

    /// Runs `args` with `--root <root>` after the command, and `--out <out()>` after
    /// that for `build` and `watch` unless `args` name an output folder.
    pub fn run<I, S>(&self, args: I) -> Run
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        let args: Vec<_> = args.into_iter().map(|a| a.as_ref().to_owned()).collect();
        let mut c = Command::new(BIN);
        if let Some((first, rest)) = args.split_first() {
            c.arg(first).arg("--root").arg(&self.root);
            if (first == "build" || first == "watch") && !rest.iter().any(|a| a == "--out") {
                c.arg("--out").arg(self.out());
            }
            c.args(rest);
        }
        Run::of(&mut c)
    }
}

impl Default for TestLib {
    fn default() -> TestLib {
        TestLib::new()
    }
}
