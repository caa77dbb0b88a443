//! What a build tells about itself: how long each phase took (`COVERMAP_TRACE`), and
//! freeing big values off the critical path.

/// A trace of how long each phase took, on stderr, when `COVERMAP_TRACE` is set.
pub struct Trace {
    started: std::time::Instant,
    on: bool,
}

impl Trace {
    pub fn start() -> Self {
        Trace {
            started: std::time::Instant::now(),
            on: std::env::var_os("COVERMAP_TRACE").is_some(),
        }
    }

    pub fn phase(&self, name: &str) {
        if self.on {
            // The resident set where the system reports it (Linux), to see what peaks.
            let rss = std::fs::read_to_string("/proc/self/status")
                .ok()
                .and_then(|s| {
                    s.lines()
                        .find_map(|l| l.strip_prefix("VmRSS:").map(|v| v.trim().to_string()))
                })
                .map(|v| format!(", resident {v}"))
                .unwrap_or_default();
            eprintln!(
                "trace: {name} done at {:.3}s{rss}",
                self.started.elapsed().as_secs_f64()
            );
        }
    }
}

/// Drops `value` on a thread of its own: freeing what a big build allocated takes
/// seconds, and nothing waits for it (a command about to exit does not wait at all).
pub fn drop_later<T: Send + 'static>(value: T) {
    // Without a thread, it is dropped here, as it would have been anyway.
    let _ = std::thread::Builder::new()
        .name("covermap drop".into())
        .spawn(move || drop(value));
}
