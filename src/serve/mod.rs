//! The authoring loop: `covermap serve` (build into memory, serve it on 127.0.0.1,
//! reload open pages after each rebuild) and `covermap watch` (the same loop writing
//! the output folder). Both watch `plan.toml`, `content/`, `themes/` and `static/`.
//!
//! Threads: the watcher's (notify + debouncer-full) filters events ([`filter`]) and
//! wakes the rebuild worker; the worker waits for the burst of changes to settle
//! ([`SETTLE`], at most [`SETTLE_MAX`]), so a `git checkout` is one rebuild of the
//! finished tree, rebuilds once through the caches ([`rebuild`]), and only then
//! publishes the result:
//! the served site is swapped and the reload sent after the rebuild is complete, and a
//! broken edit leaves the last good site in place and sends its errors instead. The
//! main thread waits for Ctrl-C, then stops the watcher, the worker and the server
//! and joins them.

pub mod filter;
pub mod http;
pub mod live;
pub mod rebuild;
pub mod request;

use std::collections::{BTreeSet, HashMap};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::time::{Duration, Instant};

use notify::RecursiveMode;
use notify_debouncer_full::{DebounceEventResult, Debouncer, RecommendedCache, new_debouncer};

use crate::diagnostics::Diagnostics;
use crate::library::LoadOptions;
use filter::Scope;
pub use live::{Live, Notice};
pub use rebuild::{Cache, OutputFolder, Rebuilt};

/// How long a path must be quiet before its events are handed on. Short: the settle
/// below is what gathers a save's events (write temp, rename, delete backup) and a
/// burst's, so this only pairs renames and drops duplicates.
const DEBOUNCE: Duration = Duration::from_millis(5);
/// A rebuild waits until no change has come for this long, so a burst of writes (a
/// `git checkout`, a formatter over the tree) is one rebuild of the finished tree; a
/// single save still reloads within 100 ms (debounce + settle + a sample rebuild).
const SETTLE: Duration = Duration::from_millis(50);
/// …but no longer than this after the first change, so a tree that never stops
/// changing is still rebuilt.
const SETTLE_MAX: Duration = Duration::from_secs(1);
/// How often the debouncer looks for quiet paths.
const TICK: Duration = Duration::from_millis(5);
/// Errors sent to the page's overlay; the terminal has all of them.
const OVERLAY_ERRORS: usize = 10;

/// What `serve` and `watch` were asked.
#[derive(Debug, Clone)]
pub struct Options {
    pub root: PathBuf,
    pub load: LoadOptions,
    /// `--quiet`: no summary line per rebuild; diagnostics and errors still shown.
    pub quiet: bool,
    /// Whether stderr gets colour (`--color` and the environment, resolved).
    pub color: bool,
}

/// Why the loop could not start. Bad input never stops it; these are the
/// environment's problems, and exit with code 2.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error("cannot use {}: {source}", .path.display())]
    Root {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot listen on 127.0.0.1: {0}")]
    Listen(std::io::Error),
    #[error(
        "port {0} on 127.0.0.1 is in use by another program: stop it, choose another port \
         with --port N, or use --port 0 for any free port"
    )]
    PortTaken(u16),
    #[error("cannot watch {}: {source}", .path.display())]
    Watch {
        path: PathBuf,
        source: notify::Error,
    },
    #[error("cannot start a thread: {0}")]
    Thread(std::io::Error),
    #[error("cannot handle Ctrl-C: {0}")]
    Signal(#[from] ctrlc::Error),
    #[error("{0}")]
    Output(#[from] crate::output::OutputError),
}

/// `covermap serve`: returns on Ctrl-C.
pub fn serve(
    options: &Options,
    port: http::Port,
    allow_hosts: &[String],
    open: bool,
) -> Result<(), ServeError> {
    let root = absolute_root(&options.root)?;
    let stop = stop_signal()?;
    let scope = Scope::read(&root, None);
    // Watching starts before the first build, so no change made during it is missed.
    let (tx, rx) = mpsc::channel();
    let watches = Watches::start(&scope, tx.clone())?;
    let live = Arc::new(Live::default());
    let server = http::Server::start(port, allow_hosts, live.clone()).map_err(|e| match e {
        http::StartError::Taken(port) => ServeError::PortTaken(port),
        http::StartError::Io(e) => ServeError::Listen(e),
    })?;

    let mut cache = Cache::new();
    let mut printer = Printer::new("the last good site is still served", options);
    let started = Instant::now();
    let first = cache.build(&root, &options.load);
    printer.report(&first, started.elapsed(), &[]);
    match &first.site {
        Some(site) => live.publish_site(site.clone()),
        None => live.publish_error(overlay_json(&first.diagnostics, &root)),
    }
    if matches!(port, http::Port::Default) && server.port() != http::DEFAULT_PORT && !options.quiet
    {
        eprintln!(
            "port {} is in use; serving on another one",
            http::DEFAULT_PORT
        );
    }
    let url = server.url();
    // A closed stdout (`covermap serve | head -n 1`, once head has the address) is no
    // reason to stop serving, nor to panic.
    let _ = writeln!(std::io::stdout(), "serving {url} (Ctrl-C to stop)");
    let _ = std::io::stdout().flush();
    let browser = open.then(|| open_browser(&url)).flatten();

    let publish = {
        let (live, root) = (live.clone(), root.clone());
        move |rebuilt: &Rebuilt| match &rebuilt.site {
            Some(site) => live.publish_site(site.clone()),
            None => live.publish_error(overlay_json(&rebuilt.diagnostics, &root)),
        }
    };
    let worker = {
        let (root, load) = (root.clone(), options.load.clone());
        std::thread::Builder::new()
            .name("covermap rebuild".into())
            .spawn(move || {
                rebuild_loop(&rx, printer, watches, || cache.build(&root, &load), publish);
            })
            .map_err(ServeError::Thread)?
    };

    let _ = stop.recv();
    if !options.quiet {
        eprintln!("stopping");
    }
    let _ = tx.send(Msg::Stop);
    let _ = worker.join();
    live.close();
    server.shutdown();
    if let Some(mut child) = browser {
        let _ = child.try_wait();
    }
    Ok(())
}

/// `covermap watch`: returns on Ctrl-C.
pub fn watch(options: &Options, out: &Path) -> Result<(), ServeError> {
    let root = absolute_root(&options.root)?;
    let out = std::path::absolute(out).map_err(|source| ServeError::Root {
        path: out.to_path_buf(),
        source,
    })?;
    let stop = stop_signal()?;
    let scope = Scope::read(&root, Some(out.clone()));
    let (tx, rx) = mpsc::channel();
    let watches = Watches::start(&scope, tx.clone())?;

    let mut output = OutputFolder::new(&root, &out, &options.load);
    let mut printer = Printer::new("the output folder is untouched", options);
    let started = Instant::now();
    // A folder covermap must not write to is the user's to fix before watching.
    let first = output.rebuild()?;
    printer.report(&first, started.elapsed(), &[]);
    if !options.quiet {
        eprintln!("watching {} (Ctrl-C to stop)", root.display());
    }

    let worker = std::thread::Builder::new()
        .name("covermap rebuild".into())
        .spawn(move || {
            let build = || match output.rebuild() {
                Ok(rebuilt) => rebuilt,
                Err(e) => {
                    // The folder is as the last good build left it, or was changed
                    // under covermap's feet; either way, say so and keep watching.
                    let mut diagnostics = Diagnostics::default();
                    diagnostics.push(crate::output_diagnostic(&e));
                    Rebuilt::failed(diagnostics)
                }
            };
            rebuild_loop(&rx, printer, watches, build, |_| {});
        })
        .map_err(ServeError::Thread)?;
    let _ = stop.recv();
    if !options.quiet {
        eprintln!("stopping");
    }
    let _ = tx.send(Msg::Stop);
    let _ = worker.join();
    Ok(())
}

fn absolute_root(root: &Path) -> Result<PathBuf, ServeError> {
    // Events come with real paths: resolve symlinks in the root too, so they match.
    std::fs::canonicalize(root).map_err(|source| ServeError::Root {
        path: root.to_path_buf(),
        source,
    })
}

/// A channel that receives once on Ctrl-C (or SIGTERM); a second signal while
/// stopping exits at once.
fn stop_signal() -> Result<Receiver<()>, ServeError> {
    let (tx, rx) = mpsc::channel();
    let signals = AtomicUsize::new(0);
    ctrlc::set_handler(move || {
        if signals.fetch_add(1, Ordering::SeqCst) > 0 {
            std::process::exit(130);
        }
        let _ = tx.send(());
    })?;
    Ok(rx)
}

fn open_browser(url: &str) -> Option<std::process::Child> {
    let mut cmd = if cfg!(target_os = "macos") {
        std::process::Command::new("open")
    } else if cfg!(windows) {
        let mut c = std::process::Command::new("cmd");
        c.args(["/C", "start", ""]);
        c
    } else {
        std::process::Command::new("xdg-open")
    };
    cmd.arg(url)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null());
    match cmd.spawn() {
        Ok(child) => Some(child),
        Err(e) => {
            eprintln!("cannot open a browser ({e}); open {url} yourself");
            None
        }
    }
}

enum Msg {
    Changed(filter::Changes),
    Stop,
}

/// Rebuilds once per batch of changes, however many arrive during a rebuild, and
/// hands each result to `publish`, until told to stop.
fn rebuild_loop(
    rx: &Receiver<Msg>,
    mut printer: Printer,
    mut watches: Watches,
    mut build: impl FnMut() -> Rebuilt,
    publish: impl Fn(&Rebuilt),
) {
    let mut stopping = false;
    while !stopping {
        let Ok(Msg::Changed(first)) = rx.recv() else {
            break;
        };
        let first_at = Instant::now();
        let mut changed: BTreeSet<PathBuf> = first.paths.into_iter().collect();
        // Let the burst settle: no change for SETTLE, or SETTLE_MAX since the first.
        loop {
            let wait = SETTLE.min(SETTLE_MAX.saturating_sub(first_at.elapsed()));
            match rx.recv_timeout(wait) {
                Ok(Msg::Changed(more)) => changed.extend(more.paths),
                Ok(Msg::Stop) | Err(RecvTimeoutError::Disconnected) => {
                    stopping = true;
                    break;
                }
                Err(RecvTimeoutError::Timeout) => break,
            }
        }
        if stopping {
            break;
        }
        let changed: Vec<PathBuf> = changed.into_iter().collect();
        // The summary gives the rebuild's own time, not the settling before it.
        let started = Instant::now();
        // A content/, themes/ or static/ folder made, or made anew, since the last
        // rebuild needs its own watch before the rebuild reads it; an edited plan may
        // have moved the content folder.
        watches.refresh();
        let rebuilt = build();
        publish(&rebuilt);
        printer.report(&rebuilt, started.elapsed(), &changed);
    }
    watches.stop();
}

/// The watcher, and which source folders it watches.
struct Watches {
    debouncer: Debouncer<notify::RecommendedWatcher, RecommendedCache>,
    /// What the filter lets through, read again from plan.toml at each refresh.
    scope: Arc<std::sync::RwLock<Scope>>,
    /// Each source folder watched, with the identity of the folder watched, so a folder
    /// deleted and made again gets a new watch.
    watched: HashMap<PathBuf, Option<FolderId>>,
}

type FolderId = (u64, u64);

fn folder_id(path: &Path) -> Option<FolderId> {
    let meta = std::fs::metadata(path)
        .ok()
        .filter(std::fs::Metadata::is_dir)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        Some((meta.dev(), meta.ino()))
    }
    #[cfg(not(unix))]
    {
        let _ = meta;
        Some((0, 0))
    }
}

impl Watches {
    fn start(scope: &Scope, tx: Sender<Msg>) -> Result<Watches, ServeError> {
        let shared = Arc::new(std::sync::RwLock::new(scope.clone()));
        let filter_scope = shared.clone();
        let handler = move |result: DebounceEventResult| match result {
            Ok(events) => {
                let scope = filter_scope
                    .read()
                    .unwrap_or_else(std::sync::PoisonError::into_inner);
                let changes = filter::changes(events.iter().map(|e| &e.event), &scope);
                if !changes.is_empty() {
                    let _ = tx.send(Msg::Changed(changes));
                }
            }
            Err(errors) => {
                for e in errors {
                    eprintln!("warning: file watcher: {e}");
                }
                // Events may have been lost: rebuild to be sure.
                let _ = tx.send(Msg::Changed(filter::Changes {
                    paths: Vec::new(),
                    rescan: true,
                }));
            }
        };
        let watch_error = |path: &Path| {
            let path = path.to_path_buf();
            move |source| ServeError::Watch { path, source }
        };
        let mut debouncer =
            new_debouncer(DEBOUNCE, Some(TICK), handler).map_err(watch_error(&scope.root))?;
        // The root itself only for plan.toml and the source folders coming and going:
        // a recursive watch would also cover public/, target/ and .git/.
        debouncer
            .watch(&scope.root, RecursiveMode::NonRecursive)
            .map_err(watch_error(&scope.root))?;
        let mut watches = Watches {
            debouncer,
            scope: shared,
            watched: HashMap::new(),
        };
        watches.watch_folders();
        Ok(watches)
    }

    /// Reads the plan's layout again, then watches each source folder that exists,
    /// anew where it was replaced.
    fn refresh(&mut self) {
        let (root, out) = {
            let s = self
                .scope
                .read()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            (s.root.clone(), s.out.clone())
        };
        let fresh = Scope::read(&root, out);
        *self
            .scope
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = fresh;
        self.watch_folders();
    }

    /// Watches each source folder of the scope that exists, anew where it was
    /// replaced, and stops watching those no longer in it.
    fn watch_folders(&mut self) {
        let folders = self
            .scope
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .folders();
        let gone: Vec<PathBuf> = self
            .watched
            .keys()
            .filter(|p| !folders.contains(p))
            .cloned()
            .collect();
        for path in gone {
            if self.watched.remove(&path).flatten().is_some() {
                let _ = self.debouncer.unwatch(&path);
            }
        }
        for path in folders {
            let id = folder_id(&path);
            let before = self.watched.get(&path).copied().flatten();
            if before == id && self.watched.contains_key(&path) {
                continue;
            }
            if before.is_some() {
                let _ = self.debouncer.unwatch(&path);
            }
            let mut now = None;
            if id.is_some() {
                match self.debouncer.watch(&path, RecursiveMode::Recursive) {
                    Ok(()) => now = id,
                    Err(e) => eprintln!("warning: cannot watch {}: {e}", path.display()),
                }
            }
            self.watched.insert(path, now);
        }
    }

    fn stop(self) {
        // Joins the debouncer's thread; dropping the watcher ends inotify's.
        self.debouncer.stop();
    }
}

/// Prints each build's outcome: every diagnostic of the first build, then each
/// rebuild's errors and only the warnings it added, so the terminal stays readable.
struct Printer {
    warnings: BTreeSet<String>,
    /// What a failed build leaves in place.
    kept: &'static str,
    quiet: bool,
    color: bool,
}

impl Printer {
    fn new(kept: &'static str, options: &Options) -> Self {
        Printer {
            warnings: BTreeSet::new(),
            kept,
            quiet: options.quiet,
            color: options.color,
        }
    }

    fn report(&mut self, rebuilt: &Rebuilt, took: Duration, changed: &[PathBuf]) {
        let color = self.color;
        let mut warnings = BTreeSet::new();
        let mut shown = String::new();
        for d in rebuilt.diagnostics.iter() {
            let text = d.render(color);
            if d.is_error() || !self.warnings.contains(&text) {
                shown.push_str(&text);
            }
            if !d.is_error() {
                warnings.insert(text);
            }
        }
        self.warnings = warnings;
        let what = match changed {
            [] => String::new(),
            [one] => format!("{}: ", shown_path(one)),
            [one, rest @ ..] => format!("{} and {} more: ", shown_path(one), rest.len()),
        };
        let ms = took.as_secs_f64() * 1000.0;
        let line = match rebuilt.diagnostics.has_errors() {
            false => format!(
                "{what}built {} assets, {} files in {ms:.0} ms ({} parsed, {} rendered) · {} warning(s)",
                rebuilt.assets,
                rebuilt.files,
                rebuilt.parsed,
                rebuilt.rendered,
                rebuilt.diagnostics.warnings(),
            ),
            true => format!(
                "{what}build failed in {ms:.0} ms: {} error(s); {}",
                rebuilt.diagnostics.errors(),
                self.kept
            ),
        };
        let mut err = crate::diagnostics::color::stream(std::io::stderr().lock(), color);
        let _ = err.write_all(shown.as_bytes());
        // Under --quiet a failed build still says so; a good one says nothing.
        if !self.quiet || rebuilt.diagnostics.has_errors() {
            let _ = writeln!(err, "{line}");
        }
    }
}

fn shown_path(path: &Path) -> String {
    path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    )
}

/// The errors of a failed build, for the page's overlay: `{count, errors: [{file,
/// line, column, message, source_line, help}]}`.
pub fn overlay_json(diagnostics: &Diagnostics, root: &Path) -> String {
    let errors: Vec<serde_json::Value> = diagnostics
        .iter()
        .filter(|d| d.is_error())
        .take(OVERLAY_ERRORS)
        .map(|d| {
            serde_json::json!({
                "file": crate::diagnostics::display_path(root, &d.path).to_string_lossy().replace('\\', "/"),
                "line": d.line,
                "column": d.col,
                "message": d.message,
                "source_line": d.source_line,
                "help": d.help,
            })
        })
        .collect();
    serde_json::json!({ "count": diagnostics.errors(), "errors": errors }).to_string()
}
