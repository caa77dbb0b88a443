//! Which file-system events call for a rebuild: a pure function of the events and the
//! library's layout, so every editor's way of saving is a row in a table-driven test.
//!
//! A rebuild re-reads the whole library (from the caches), so the filter only decides
//! *whether* to rebuild, never what: letting an event through costs one cheap rebuild,
//! dropping a real change would leave the browser stale. It therefore lets through
//! everything under `plan.toml`, `content/`, `themes/` and `static/` except what the
//! loader itself passes over (hidden files, editors' temp and swap files, by
//! [`crate::source::is_ignored`]), the output folder, and reads (`Access` events).
//!
//! An adopted repo's plan moves the sources (issue 14): its `[content] dir` and
//! `[content] static` folders are sources too, and with `dir = "."` every folder at the
//! root is, but those the loader never reads as content (other generators' output,
//! `node_modules/`, the plan's `[build] out`, any folder a covermap build wrote).

use std::ffi::OsString;
use std::path::{Component, Path, PathBuf};

use notify::event::{AccessKind, AccessMode, EventKind, MetadataKind, ModifyKind};

use crate::source::is_ignored;

/// The library's layout, in absolute paths.
#[derive(Debug, Clone)]
pub struct Scope {
    pub root: PathBuf,
    /// Where `watch` writes the site: its own writes must not trigger a rebuild.
    pub out: Option<PathBuf>,
    /// The folders, relative to the root, whose files go into the site: [`SOURCE_DIRS`]
    /// and the plan's `[content] dir` and `static` folders.
    pub dirs: Vec<PathBuf>,
    /// `[content] dir = "."`: every folder at the root is a source but `skip`.
    pub whole_root: bool,
    /// With `whole_root`, the names at the root that are never content.
    pub skip: Vec<OsString>,
}

impl Scope {
    /// The scope of the library at `root` as its plan.toml says now (a plan that does
    /// not parse gives the default layout: its fix is itself a change to plan.toml).
    pub fn read(root: &Path, out: Option<PathBuf>) -> Scope {
        let text = std::fs::read_to_string(root.join(crate::plan::PLAN_FILE)).unwrap_or_default();
        let plan = crate::plan::parse(&text, None).plan;
        let mut scope = Scope::of_plan(root, out, plan.as_ref());
        if scope.whole_root {
            // Folders a covermap build wrote (its manifest inside), wherever they are.
            if let Ok(entries) = std::fs::read_dir(root) {
                for e in entries.flatten() {
                    if e.path().join(crate::output::MANIFEST).is_file() {
                        scope.skip.push(e.file_name());
                    }
                }
            }
        }
        scope
    }

    /// The scope a plan gives, without looking at the disk.
    pub fn of_plan(root: &Path, out: Option<PathBuf>, plan: Option<&crate::plan::Plan>) -> Scope {
        let mut dirs: Vec<PathBuf> = SOURCE_DIRS.iter().map(PathBuf::from).collect();
        let mut whole_root = false;
        let mut skip = Vec::new();
        if let Some(a) = plan.map(|p| &p.adoption) {
            let content = &a.content;
            if content.dir == "." {
                whole_root = true;
                skip.extend(crate::library::NEVER_CONTENT.iter().map(OsString::from));
                skip.extend(a.out.iter().map(OsString::from));
            } else {
                dirs.push(PathBuf::from(&content.dir));
            }
            dirs.extend(content.static_dirs.iter().map(PathBuf::from));
        }
        dirs.sort();
        dirs.dedup();
        Scope {
            root: root.to_path_buf(),
            out,
            dirs,
            whole_root,
            skip,
        }
    }

    /// The folders to watch, each with all below it: the source folders that exist,
    /// and with `whole_root` every folder at the root that is not skipped or hidden.
    pub fn folders(&self) -> Vec<PathBuf> {
        let mut out: Vec<PathBuf> = self.dirs.iter().map(|d| self.root.join(d)).collect();
        if self.whole_root
            && let Ok(entries) = std::fs::read_dir(&self.root)
        {
            for e in entries.flatten() {
                let name = e.file_name();
                if e.file_type().is_ok_and(|t| t.is_dir())
                    && !is_ignored(&name)
                    && !self.skip.contains(&name)
                {
                    out.push(e.path());
                }
            }
        }
        out.retain(|p| !self.out.as_ref().is_some_and(|o| p.starts_with(o)));
        out.sort();
        out.dedup();
        // A folder inside another watched one is watched with it.
        let mut kept: Vec<PathBuf> = Vec::new();
        for p in out {
            if !kept.iter().any(|k| p.starts_with(k)) {
                kept.push(p);
            }
        }
        kept
    }
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
/// `content/`, `themes/`, `static/` or a folder the plan names that the loader reads
/// (with `dir = "."`, under any folder at the root but those never read as content,
/// or a file at the root itself).
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
    let in_dirs = scope.dirs.iter().any(|d| rel.starts_with(d));
    let in_root = scope.whole_root && !scope.skip.iter().any(|s| s == first);
    if !in_dirs && !in_root {
        return false;
    }
    // `static/.well-known/` and `static/.nojekyll` are published though hidden.
    let published_hidden = first == "static"
        && rel
            .components()
            .nth(1)
            .is_some_and(|c| c.as_os_str() == ".well-known" || c.as_os_str() == ".nojekyll");
    rel.components().enumerate().all(|(i, p)| match p {
        Component::Normal(_) if i == 1 && published_hidden => true,
        Component::Normal(name) => !is_ignored(name),
        _ => false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use notify::event::{CreateKind, DataChange, RemoveKind, RenameMode};

    fn scope() -> Scope {
        Scope::of_plan(Path::new("/lib"), Some(PathBuf::from("/lib/public")), None)
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
    fn an_adopted_repo_is_watched_where_its_plan_says() {
        let lib = |plan: &str| {
            let text = format!(
                "[site]\ntitle = \"S\"\n[plan]\ntitle = \"P\"\n[[stages]]\nid = \"a\"\n[[personas]]\nid = \"p\"\n[[segments]]\nid = \"s\"\npipeline = 1\n{plan}"
            );
            let plan = crate::plan::parse(&text, None).plan;
            assert!(plan.is_some(), "{text}");
            Scope::of_plan(Path::new("/r"), None, plan.as_ref())
        };
        let src = |scope: &Scope, p: &str| is_source(Path::new(p), scope);
        let docs = lib("[content]\ndir = \"docs\"\nstatic = [\"assets\"]\n");
        for (path, want) in [
            ("/r/docs/a.md", true),
            ("/r/docs/img/x.png", true),
            ("/r/assets/logo.svg", true),
            ("/r/content/a.md", true),
            ("/r/static/.well-known/security.txt", true),
            ("/r/static/.nojekyll", true),
            ("/r/static/.git/x", false),
            ("/r/static/.well-known/.swp", false),
            ("/r/docs/.hidden/a.md", false),
            ("/r/README.md", false),
            ("/r/plan.toml", true),
            ("/r/node_modules/x/a.md", false),
        ] {
            assert_eq!(src(&docs, path), want, "{path}");
        }
        let root = lib("[content]\ndir = \".\"\n[build]\nout = \"site-out\"\n");
        assert!(root.whole_root);
        for (path, want) in [
            ("/r/README.md", true),
            ("/r/blog/post/index.md", true),
            ("/r/static/x.css", true),
            ("/r/.git/index", false),
            ("/r/.github/workflows/ci.yml", false),
            ("/r/public/index.html", false),
            ("/r/_site/index.html", false),
            ("/r/node_modules/a/b.md", false),
            ("/r/site-out/index.html", false),
            ("/r/covermap-site/index.html", false),
        ] {
            assert_eq!(src(&root, path), want, "{path}");
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
        let scope = Scope::of_plan(
            Path::new("/lib"),
            Some(PathBuf::from("/lib/static/site")),
            None,
        );
        assert!(!is_source(Path::new("/lib/static/site/index.html"), &scope));
        assert!(is_source(Path::new("/lib/static/logo.svg"), &scope));
    }
}
