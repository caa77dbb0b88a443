//! A single updating line on stderr for builds that take over a second, when stderr is
//! a terminal and `--quiet` is not given; nothing otherwise. It is drawn with terminal
//! control codes on the raw stream, not through the colour filter: it is not colour,
//! and clearing it matters as much as drawing it.

use std::io::{IsTerminal, Write};
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::sync::mpsc::{RecvTimeoutError, Sender};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use crate::render::Progress;

pub struct ProgressLine {
    /// What the render counts; the line shows it.
    pub counts: Arc<Progress>,
    stop: Option<Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl ProgressLine {
    /// Starts the line for a build that started at `started`, if `show` and stderr is a
    /// terminal.
    pub fn start(started: Instant, show: bool) -> ProgressLine {
        let counts = Arc::new(Progress::default());
        if !show || !std::io::stderr().is_terminal() {
            return ProgressLine {
                counts,
                stop: None,
                thread: None,
            };
        }
        // COVERMAP_PROGRESS_AFTER_MS sets how long a build runs before the line shows
        // (tests use 0).
        let after = std::env::var("COVERMAP_PROGRESS_AFTER_MS")
            .ok()
            .and_then(|v| v.parse().ok())
            .map_or(Duration::from_secs(1), Duration::from_millis);
        let (tx, rx) = std::sync::mpsc::channel::<()>();
        let shown = counts.clone();
        let thread = std::thread::Builder::new()
            .name("covermap progress".into())
            .spawn(move || {
                let mut drawn = false;
                // Wakes ten times a second until told to stop (or the sender is gone).
                while let Err(RecvTimeoutError::Timeout) =
                    rx.recv_timeout(Duration::from_millis(100))
                {
                    if started.elapsed() < after {
                        continue;
                    }
                    let (done, total) = (
                        shown.done.load(Ordering::Relaxed),
                        shown.pages.load(Ordering::Relaxed),
                    );
                    let line = if total == 0 {
                        "loading the library…".to_string()
                    } else {
                        format!("rendering pages: {done} of {total}")
                    };
                    let _ = write!(std::io::stderr(), "\r\x1b[2K{line}");
                    drawn = true;
                }
                if drawn {
                    let _ = write!(std::io::stderr(), "\r\x1b[2K");
                }
            })
            .ok();
        ProgressLine {
            counts,
            stop: Some(tx),
            thread,
        }
    }

    /// Stops the line and clears it, before anything else is printed.
    pub fn stop(mut self) {
        self.finish();
    }

    fn finish(&mut self) {
        drop(self.stop.take());
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

impl Drop for ProgressLine {
    fn drop(&mut self) {
        self.finish();
    }
}
