//! What the server and the rebuild worker share: the site being served and the open
//! pages to tell about each rebuild (reload, or the errors for the overlay).

use std::sync::mpsc::Sender;
use std::sync::{Arc, Mutex, PoisonError, RwLock};

use crate::output::Site;

/// What an open page is told.
#[derive(Debug, Clone)]
pub enum Notice {
    /// On connecting: the build the page is from.
    Hello(u64),
    /// A rebuild succeeded: reload.
    Reload(u64),
    /// A rebuild failed: the errors, as JSON, for the overlay.
    Error(String),
}

/// The state the server reads and the rebuild worker writes.
#[derive(Default)]
pub struct Live {
    site: RwLock<Option<Arc<Site>>>,
    state: Mutex<LiveState>,
}

#[derive(Default)]
struct LiveState {
    /// Successful builds so far.
    build: u64,
    /// The errors of the latest build, when it failed.
    error: Option<String>,
    pages: Vec<Sender<Notice>>,
}

impl Live {
    /// The site being served: the last good build.
    pub fn site(&self) -> Option<Arc<Site>> {
        self.site
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// The site being served and the build it is, read together: a page is told the
    /// build it comes from, and must never be told a newer one.
    pub fn site_and_build(&self) -> (Option<Arc<Site>>, u64) {
        let state = self.state();
        (self.site(), state.build)
    }

    fn state(&self) -> std::sync::MutexGuard<'_, LiveState> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Registers an open page; returns what it must be told first.
    pub fn subscribe(&self, page: Sender<Notice>) -> Vec<Notice> {
        let mut state = self.state();
        state.pages.push(page);
        let mut first = vec![Notice::Hello(state.build)];
        first.extend(state.error.clone().map(Notice::Error));
        first
    }

    /// Swaps in a good build's site, then tells every page to reload.
    pub(super) fn publish_site(&self, site: Arc<Site>) {
        // Under the state lock, so the site and its build number change together.
        let mut state = self.state();
        *self.site.write().unwrap_or_else(PoisonError::into_inner) = Some(site);
        state.build += 1;
        state.error = None;
        let notice = Notice::Reload(state.build);
        state.pages.retain(|p| p.send(notice.clone()).is_ok());
    }

    /// Keeps the site, and shows a failed build's errors on every page.
    pub(super) fn publish_error(&self, json: String) {
        let mut state = self.state();
        state.error = Some(json.clone());
        state
            .pages
            .retain(|p| p.send(Notice::Error(json.clone())).is_ok());
    }

    /// Ends every event stream.
    pub(super) fn close(&self) {
        self.state().pages.clear();
    }
}
