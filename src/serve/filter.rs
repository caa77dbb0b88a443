//! Which file-system events call for a rebuild: a pure function of the events and the
//! library's layout, so every editor's way of saving is a row in a table-driven test.
//!
//! A rebuild re-reads the whole library (from the caches), so the filter only decides
//! *whether* to rebuild, never what: letting an event through costs one cheap rebuild,
//! dropping a real change would leave the browser stale. It therefore lets through
//! everything under `plan.toml`, `content/`, `themes/` and `static/` except what the
//! loader itself passes over (hidden files, editors' temp and swap files, by
//! [`crate::source::is_ignored`]), the output folder, and reads (`Access` events).

use std::path::{Component, Path, PathBuf};

use notify::event::{AccessKind, AccessMode, EventKind, MetadataKind, ModifyKind};

use crate::source::is_ignored;

/// The library's layout, in absolute paths.
#[derive(Debug, Clone)]
pub struct Scope {
    pub root: PathBuf,
    /// Where `watch` writes the site: its own writes must not trigger a rebuild.
    pub out: Option<PathBuf>,
}

/// The top-level folders of a library whose files go into the site.
pub const SOURCE_DIRS: [&str; 3] = ["content", "themes", "static"];

/// What a batch of events asks of the rebuild loop.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Changes {
    /// The library paths that changed, each once, in event order.
    pub paths: Vec<PathBuf>,
    /// The watcher lost events (a queue overflow): rebuild even with no path.
    pub rescan: bool,
}

impl Changes {
    pub fn is_empty(&self) -> bool {
        self.paths.is_empty() && !self.rescan
    }
}

/// The changes among `events` a rebuild must look at.
pub fn changes<'e>(events: impl IntoIterator<Item = &'e notify::Event>, scope: &Scope) -> Changes {
    let mut changes = Changes::default();
    for event in events {
        if event.need_rescan() {
            changes.rescan = true;
            continue;
        }
        if !is_change(&event.kind) {
            continue;
        }
        // A rename names both ends: saving by renaming a temp file onto `a.md` counts
        // for `a.md`, though the temp file itself is ignored.
        for path in &event.paths {
            if is_source(path, scope) && !changes.paths.contains(path) {
                changes.paths.push(path.clone());
            }
        }
    }
    changes
}

/// Whether an event of this kind can change what a file holds or where it is.
pub fn is_change(kind: &EventKind) -> bool {
    match kind {
        // Opening or reading a file changes nothing; closing one written to is the
        // end of a write (some editors' only event for an in-place save).
        EventKind::Access(AccessKind::Close(AccessMode::Write)) => true,
        EventKind::Access(_) => false,
        EventKind::Modify(ModifyKind::Metadata(MetadataKind::AccessTime)) => false,
        // Create, Remove, other Modify (data, names, permissions), and the kinds a
        // platform cannot tell apart: rebuild.
        _ => true,
    }
}

/// Whether `path` is a source of the site: `plan.toml`, or a file or folder under
/// `content/`, `themes/` or `static/` that the loader reads.
pub fn is_source(path: &Path, scope: &Scope) -> bool {
    if scope.out.as_ref().is_some_and(|out| path.starts_with(out)) {
        return false;
    }
    let Ok(rel) = path.strip_prefix(&scope.root) else {
        return false;
    };
    let mut parts = rel.components();
    let first = match parts.next() {
        Some(Component::Normal(first)) => first,
        _ => return false,
    };
    if rel == Path::new(crate::plan::PLAN_FILE) {
        return true;
    }
    if !SOURCE_DIRS.iter().any(|d| first == *d) {
        return false;
    }
    parts.all(|p| match p {
        Component::Normal(name) => !is_ignored(name),
        _ => false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use notify::event::{CreateKind, DataChange, RemoveKind, RenameMode};

    fn scope() -> Scope {
        Scope {
            root: PathBuf::from("/lib"),
            out: Some(PathBuf::from("/lib/public")),
        }
    }

    fn event(kind: EventKind, paths: &[&str]) -> notify::Event {
        paths.iter().fold(notify::Event::new(kind), |e, p| {
            e.add_path(PathBuf::from(p))
        })
    }

    const DATA: EventKind = EventKind::Modify(ModifyKind::Data(DataChange::Content));
    const CREATE: EventKind = EventKind::Create(CreateKind::File);
    const CREATE_DIR: EventKind = EventKind::Create(CreateKind::Folder);
    const REMOVE: EventKind = EventKind::Remove(RemoveKind::File);
    const RENAME: EventKind = EventKind::Modify(ModifyKind::Name(RenameMode::Both));
    const RENAME_FROM: EventKind = EventKind::Modify(ModifyKind::Name(RenameMode::From));
    const OPEN: EventKind = EventKind::Access(AccessKind::Open(AccessMode::Any));
    const CLOSE_WRITE: EventKind = EventKind::Access(AccessKind::Close(AccessMode::Write));
    const CLOSE_READ: EventKind = EventKind::Access(AccessKind::Close(AccessMode::Read));
    const ATIME: EventKind = EventKind::Modify(ModifyKind::Metadata(MetadataKind::AccessTime));
    const MTIME: EventKind = EventKind::Modify(ModifyKind::Metadata(MetadataKind::WriteTime));

    #[test]
    fn filters_events() {
        // (what, events, the paths a rebuild must look at)
        let table: &[(&str, Vec<notify::Event>, &[&str])] = &[
            (
                "in-place write",
                vec![
                    event(DATA, &["/lib/content/a.md"]),
                    event(CLOSE_WRITE, &["/lib/content/a.md"]),
                ],
                &["/lib/content/a.md"],
            ),
            (
                "reading a file",
                vec![
                    event(OPEN, &["/lib/content/a.md"]),
                    event(CLOSE_READ, &["/lib/content/a.md"]),
                ],
                &[],
            ),
            (
                "access time",
                vec![event(ATIME, &["/lib/content/a.md"])],
                &[],
            ),
            (
                "touch",
                vec![event(MTIME, &["/lib/content/a.md"])],
                &["/lib/content/a.md"],
            ),
            (
                "plan",
                vec![event(DATA, &["/lib/plan.toml"])],
                &["/lib/plan.toml"],
            ),
            (
                "deleted plan",
                vec![event(REMOVE, &["/lib/plan.toml"])],
                &["/lib/plan.toml"],
            ),
            (
                "other file at the root",
                vec![event(DATA, &["/lib/README.md"])],
                &[],
            ),
            (
                "theme template",
                vec![event(DATA, &["/lib/themes/t/templates/base.html"])],
                &["/lib/themes/t/templates/base.html"],
            ),
            (
                "static file",
                vec![event(CREATE, &["/lib/static/logo.svg"])],
                &["/lib/static/logo.svg"],
            ),
            (
                "attachment",
                vec![event(CREATE, &["/lib/content/deck.pdf"])],
                &["/lib/content/deck.pdf"],
            ),
            (
                "vim: 4913 probe, backup, write, delete backup",
                vec![
                    event(CREATE, &["/lib/content/4913"]),
                    event(REMOVE, &["/lib/content/4913"]),
                    event(RENAME, &["/lib/content/a.md", "/lib/content/a.md~"]),
                    event(CREATE, &["/lib/content/a.md"]),
                    event(REMOVE, &["/lib/content/a.md~"]),
                ],
                &["/lib/content/a.md"],
            ),
            (
                "vim swap file",
                vec![
                    event(DATA, &["/lib/content/.a.md.swp"]),
                    event(DATA, &["/lib/content/.a.md.swx"]),
                ],
                &[],
            ),
            (
                "VS Code / Helix: temp file renamed over the file",
                vec![
                    event(CREATE, &["/lib/content/.a.md.tmp1234"]),
                    event(RENAME, &["/lib/content/.a.md.tmp1234", "/lib/content/a.md"]),
                ],
                &["/lib/content/a.md"],
            ),
            (
                "JetBrains safe write",
                vec![
                    event(CREATE, &["/lib/content/a.md___jb_tmp___"]),
                    event(
                        RENAME,
                        &["/lib/content/a.md", "/lib/content/a.md___jb_old___"],
                    ),
                    event(
                        RENAME,
                        &["/lib/content/a.md___jb_tmp___", "/lib/content/a.md"],
                    ),
                    event(REMOVE, &["/lib/content/a.md___jb_old___"]),
                ],
                &["/lib/content/a.md"],
            ),
            (
                "emacs lock and autosave",
                vec![
                    event(CREATE, &["/lib/content/.#a.md"]),
                    event(DATA, &["/lib/content/#a.md#"]),
                ],
                &[],
            ),
            (
                "hidden folder",
                vec![event(DATA, &["/lib/content/.git/index"])],
                &[],
            ),
            (
                "new folder",
                vec![event(CREATE_DIR, &["/lib/content/deals"])],
                &["/lib/content/deals"],
            ),
            (
                "new content folder",
                vec![event(CREATE_DIR, &["/lib/content"])],
                &["/lib/content"],
            ),
            (
                "rename of a folder",
                vec![event(RENAME, &["/lib/content/deals", "/lib/content/wins"])],
                &["/lib/content/deals", "/lib/content/wins"],
            ),
            (
                "file moved out of the library",
                vec![event(RENAME_FROM, &["/lib/content/a.md"])],
                &["/lib/content/a.md"],
            ),
            (
                "file moved in from a hidden folder",
                vec![event(
                    RENAME,
                    &["/lib/content/.trash/a.md", "/lib/content/a.md"],
                )],
                &["/lib/content/a.md"],
            ),
            (
                "output folder",
                vec![event(CREATE, &["/lib/public/index.html"])],
                &[],
            ),
            (
                "output temp folder beside it",
                vec![event(CREATE_DIR, &["/lib/.public.covermap-tmp-1"])],
                &[],
            ),
            (
                "cargo target",
                vec![event(CREATE, &["/lib/target/debug/covermap"])],
                &[],
            ),
            (
                "outside the root",
                vec![event(DATA, &["/elsewhere/content/a.md"])],
                &[],
            ),
            (
                "burst: one path per file, each once",
                (0..500)
                    .flat_map(|i| {
                        let p = format!("/lib/content/f{}.md", i % 250);
                        [
                            event(CREATE, &[p.as_str()]),
                            event(CLOSE_WRITE, &[p.as_str()]),
                        ]
                    })
                    .collect(),
                &[],
            ),
        ];
        for (what, events, want) in table {
            let got = changes(events.iter(), &scope());
            if *what == "burst: one path per file, each once" {
                assert_eq!(got.paths.len(), 250, "{what}");
                continue;
            }
            let want: Vec<PathBuf> = want.iter().map(PathBuf::from).collect();
            assert_eq!(got.paths, want, "{what}");
            assert!(!got.rescan, "{what}");
        }
    }

    #[test]
    fn lost_events_ask_for_a_rescan() {
        let overflow = notify::Event::new(EventKind::Other).set_flag(notify::event::Flag::Rescan);
        let got = changes([&overflow], &scope());
        assert!(got.rescan && !got.is_empty());
    }

    #[test]
    fn output_folder_inside_a_source_folder_is_still_ignored() {
        // `output::write` refuses such a folder, but the filter must not loop either way.
        let scope = Scope {
            root: PathBuf::from("/lib"),
            out: Some(PathBuf::from("/lib/static/site")),
        };
        assert!(!is_source(Path::new("/lib/static/site/index.html"), &scope));
        assert!(is_source(Path::new("/lib/static/logo.svg"), &scope));
    }
}
