//! Links and images resolved against the source file (SPEC §5, issue 14): a body's
//! `[x](../other.md)`, `other.md#anchor`, `x/index.md`, `_index.md`, `chart.png` are
//! read from the asset's file, as the repo's own generator read them, and lead to the
//! target asset's page or to the file as the site publishes it, written relative to the
//! page so the site works under any sub-path. In a library that adopts a repo (any
//! `[content]` key), root-relative links resolve too: under `[content] url_prefix`
//! (`/handbook/x/` is `x`), as a content file's own path (`/x.md`, what Hugo's `ref`
//! becomes), or in a `[content] static` folder.
//!
//! The map from a file's path to where it is published is built once per render, and
//! only for a library whose bodies have local links (loading finds them; see
//! `markdown::links`). A link that leads nowhere is kept as written and warned about
//! once per load, with the file's line and column ([`warnings`]).

use std::hash::{Hash, Hasher};
use std::path::{Component, Path};

use rustc_hash::FxHashMap;

use crate::diagnostics::{Code, Diagnostic, suggest};
use crate::library::Library;

/// Where a local address leads.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Target {
    /// An asset's page, by slug; with the fragment as written (`#x`, or empty).
    Page(String, String),
    /// A file the site publishes, at this path; with the fragment.
    File(String, String),
    /// Nothing the site publishes.
    Missing(Missing),
    /// Not the library's: a root-relative link outside `url_prefix`, or a root link in
    /// a library that adopts nothing. Left as written, without a word.
    Outside,
}

/// Why a link leads nowhere.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Missing {
    /// No such file.
    NoFile,
    /// The file is there but is never published: a draft, hidden, excluded, in the
    /// output folder, or outside the content and static folders.
    NotPublished,
    /// The path leaves the library's root.
    OutsideRoot,
}

/// Every path a local link may name, relative to the library root and written with
/// `/`, with where it leads.
pub struct LinkMap {
    /// Asset files by path, by path without extension, and (for `index` and `_index`
    /// files) by folder: the slug.
    pages: FxHashMap<String, String>,
    /// Files the site publishes anyway (attachments, static folders): their path in the
    /// site.
    files: FxHashMap<String, String>,
    /// The root's own files, when the content folder is the root: published only
    /// when a page links them.
    linkable: FxHashMap<String, String>,
    /// The content folder, relative to the root, with a trailing `/` (empty for `.`).
    content: String,
    /// Root-relative links are the library's (the plan adopts a repo).
    roots: bool,
    /// `[content] url_prefix`, with a leading and a trailing `/`.
    prefix: Option<String>,
    /// `[content] static`, each with a trailing `/`.
    statics: Vec<String>,
}

fn slashed(p: &Path) -> String {
    p.to_string_lossy().replace('\\', "/")
}

impl LinkMap {
    /// The map of `lib`, when any of its bodies has a local link.
    pub fn of(lib: &Library) -> Option<LinkMap> {
        lib.assets
            .iter()
            .any(|a| !a.links.is_empty())
            .then(|| LinkMap::new(lib))
    }

    pub fn new(lib: &Library) -> LinkMap {
        let mut content = slashed(&lib.content_folder);
        if !content.is_empty() {
            content.push('/');
        }
        let mut pages = FxHashMap::default();
        for a in &lib.assets {
            pages.insert(slashed(&a.source), a.slug.clone());
        }
        // Shorter forms after every exact path, so no form hides a file's own path.
        for a in &lib.assets {
            let source = slashed(&a.source);
            let stem = source.rsplit_once('.').map_or(source.as_str(), |(s, _)| s);
            pages
                .entry(stem.to_string())
                .or_insert_with(|| a.slug.clone());
            for index in ["/index", "/_index"] {
                if let Some(folder) = stem.strip_suffix(index) {
                    pages
                        .entry(folder.to_string())
                        .or_insert_with(|| a.slug.clone());
                }
            }
        }
        let mut files = FxHashMap::default();
        for rel in &lib.attachments {
            let site = slashed(rel);
            files.insert(format!("{content}{site}"), site);
        }
        for rel in &lib.static_files {
            let site = slashed(rel);
            files.insert(format!("static/{site}"), site);
        }
        for (dir, rels) in &lib.static_folders {
            let dir = slashed(dir);
            for rel in rels {
                let site = slashed(rel);
                files
                    .entry(format!("{dir}/{site}"))
                    .or_insert_with(|| site.clone());
            }
        }
        let linkable = lib
            .other_content_files
            .iter()
            .map(|rel| (format!("{content}{}", slashed(rel)), slashed(rel)))
            .collect();
        let adopted = &lib.plan.adoption.content;
        let roots = *adopted != crate::plan::adoption::Content::default();
        let prefix = adopted.url_prefix.as_ref().map(|p| {
            let p = p.trim_matches('/');
            if p.is_empty() {
                "/".to_string()
            } else {
                format!("/{p}/")
            }
        });
        LinkMap {
            pages,
            files,
            linkable,
            content,
            roots,
            prefix,
            statics: adopted
                .static_dirs
                .iter()
                .map(|d| format!("{}/", d.trim_matches('/')))
                .collect(),
        }
    }

    /// Where `url`, written in the body of the file `source` (relative to the root),
    /// leads.
    pub fn resolve(&self, url: &str, source: &Path) -> Target {
        let url = url.trim();
        let (path, fragment) = match url.find('#') {
            Some(at) => (&url[..at], &url[at..]),
            None => (url, ""),
        };
        let path = path.split('?').next().unwrap_or_default();
        let path = percent_encoding::percent_decode_str(path).decode_utf8_lossy();
        if path.is_empty() {
            return Target::Outside;
        }
        let found = if let Some(rooted) = path.strip_prefix('/') {
            if !self.roots {
                return Target::Outside;
            }
            self.rooted(rooted)
        } else {
            let base = source.parent().unwrap_or(Path::new(""));
            match normalize(&slashed(base), &path) {
                Some(p) => self
                    .lookup(&p)
                    .or_else(|| self.page_in_content(&path))
                    .ok_or(Missing::NoFile),
                None => Err(Missing::OutsideRoot),
            }
        };
        match found {
            Ok(Found::Page(slug)) => Target::Page(slug.to_string(), fragment.to_string()),
            Ok(Found::File(site)) => Target::File(site.to_string(), fragment.to_string()),
            Ok(Found::Outside) => Target::Outside,
            Err(why) => Target::Missing(why),
        }
    }

    /// A root-relative path (without its leading `/`): under `url_prefix` a content
    /// path, then a content file's own path, then a static folder's file, then a
    /// published file by its path from the root.
    fn rooted(&self, rooted: &str) -> Result<Found<'_>, Missing> {
        let under_prefix = match &self.prefix {
            Some(prefix) => {
                let with = format!("/{rooted}");
                with.strip_prefix(prefix.as_str())
                    .or_else(|| (with == prefix.trim_end_matches('/')).then_some(""))
                    .map(str::to_string)
            }
            None => Some(rooted.to_string()),
        };
        let mut tries: Vec<String> = Vec::new();
        if let Some(rest) = &under_prefix {
            tries.push(format!("{}{rest}", self.content));
        }
        tries.push(format!("{}{rooted}", self.content));
        tries.extend(self.statics.iter().map(|s| format!("{s}{rooted}")));
        // A folder served as itself (Jekyll's `/assets/x.png` is `assets/x.png`).
        tries.push(rooted.to_string());
        for t in &tries {
            if let Some(p) = normalize("", t)
                && let Some(found) = self.lookup(&p)
            {
                return Ok(found);
            }
        }
        // Outside the prefix the link is the host site's, not the library's.
        match under_prefix {
            Some(_) => Err(Missing::NoFile),
            None => Ok(Found::Outside),
        }
    }

    /// A page named from the content folder, as Hugo's `ref "x/y"` falls back to when
    /// the page is not beside the file: pages only, so a missing image is no other's.
    fn page_in_content(&self, path: &str) -> Option<Found<'_>> {
        let p = normalize(&self.content, path)?;
        match self.lookup(&p)? {
            Found::Page(slug) => Some(Found::Page(slug)),
            _ => None,
        }
    }

    /// What the root-relative, normalized path `p` names: a page by its file or its URL
    /// (`x`, `x/`, `x.html`, `x/index.html`), or a published file.
    fn lookup(&self, p: &str) -> Option<Found<'_>> {
        if let Some(slug) = self.pages.get(p) {
            return Some(Found::Page(slug));
        }
        if let Some(site) = self.files.get(p).or_else(|| self.linkable.get(p)) {
            return Some(Found::File(site));
        }
        let url = p.trim_end_matches('/');
        let url = url
            .strip_suffix("/index.html")
            .or_else(|| url.strip_suffix(".html"))
            .unwrap_or(url);
        self.pages.get(url).map(|s| Found::Page(s))
    }

    /// The address to write for `url` in the page of the asset at `source` whose slug is
    /// `slug` (`library/<slug>/`): relative to the page, or `None` to keep it as written.
    pub fn href(&self, url: &str, source: &Path, slug: &str) -> Option<String> {
        let up = "../".repeat(1 + slug.split('/').count());
        match self.resolve(url, source) {
            Target::Page(to, fragment) => Some(format!("{up}library/{to}/{fragment}")),
            Target::File(site, fragment) => Some(format!("{up}{site}{fragment}")),
            Target::Missing(_) | Target::Outside => None,
        }
    }

    /// A hash of where each of `links` leads, for the fingerprint of the page showing
    /// them: the page is made again when a target comes, goes or moves.
    pub fn hash_targets(
        &self,
        links: &[crate::markdown::links::BodyLink],
        source: &Path,
        h: &mut impl Hasher,
    ) {
        for l in links {
            self.resolve(&l.url, source).hash(h);
        }
    }

    /// The root's own files that pages link to, each as `(path in the site, path from
    /// the root)`, in order: published with the pages (the rest of the root is not).
    pub fn linked_files(&self, lib: &Library) -> Vec<(String, String)> {
        if self.linkable.is_empty() {
            return Vec::new();
        }
        let mut out: Vec<(String, String)> = Vec::new();
        for a in &lib.assets {
            for l in &a.links {
                if let Target::File(site, _) = self.resolve(&l.url, &a.source) {
                    let from = format!("{}{site}", self.content);
                    if self.linkable.contains_key(&from) {
                        out.push((site, from));
                    }
                }
            }
        }
        out.sort();
        out.dedup();
        out
    }

    /// Names in the folder of `p` close to its own, for "did you mean".
    fn near(&self, p: &str) -> Option<String> {
        let (folder, name) = p.rsplit_once('/').unwrap_or(("", p));
        let siblings = self
            .pages
            .keys()
            .chain(self.files.keys())
            .chain(self.linkable.keys())
            .filter_map(|k| {
                let (f, n) = k.rsplit_once('/').unwrap_or(("", k));
                (f == folder && n.contains('.')).then_some(n)
            });
        suggest(name, siblings)
    }
}

enum Found<'a> {
    Page(&'a str),
    File(&'a str),
    Outside,
}

/// `rel` joined to the folder `base` (both with `/`), with `.` and `..` worked out;
/// `None` when it climbs out of the root.
fn normalize(base: &str, rel: &str) -> Option<String> {
    let trailing = rel.ends_with('/');
    let mut parts: Vec<&str> = Vec::new();
    for part in base.split('/').chain(rel.split('/')) {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            p => parts.push(p),
        }
    }
    let mut out = parts.join("/");
    if trailing && !out.is_empty() {
        out.push('/');
    }
    Some(out)
}

/// A warning for every local link or image of the library that leads nowhere, placed
/// at the link in its file.
pub fn warnings(lib: &Library) -> Vec<Diagnostic> {
    let Some(map) = LinkMap::of(lib) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for a in &lib.assets {
        for l in &a.links {
            let Target::Missing(mut why) = map.resolve(&l.url, &a.source) else {
                continue;
            };
            if why == Missing::NoFile && exists(lib, &map, &l.url, &a.source) {
                why = Missing::NotPublished;
            }
            let what = if l.image { "image" } else { "link" };
            let url = crate::diagnostics::printable(&l.url);
            let (message, help, code) = match why {
                Missing::NoFile => {
                    let base = slashed(a.source.parent().unwrap_or(Path::new("")));
                    let path = l.url.split(['#', '?']).next().unwrap_or_default();
                    let near = normalize(&base, path).and_then(|p| map.near(&p));
                    let help = match near {
                        Some(n) => format!("{n} A link is read from the file it is in, as `../other.md` or `img/chart.png`"),
                        None => "a link is read from the file it is in (`../other.md`, `img/chart.png`); a root link (`/x/`) from `[content] url_prefix` or a `[content] static` folder".to_string(),
                    };
                    (format!("unresolved {what}: `{url}` is no page or file of the library"), help, Code::UnresolvedLink)
                }
                Missing::NotPublished => (
                    format!("unresolved {what}: `{url}` is a file covermap does not publish"),
                    "only pages and the files of the content and `[content] static` folders are published; a draft, hidden or excluded file, or one elsewhere in the repo, is not".to_string(),
                    Code::LinkNotPublished,
                ),
                Missing::OutsideRoot => (
                    format!("unresolved {what}: `{url}` leads out of the library's root"),
                    "nothing outside the library is published: copy the file into the content folder or a `[content] static` folder".to_string(),
                    Code::LinkNotPublished,
                ),
            };
            out.push(
                Diagnostic::warning(&a.source, message)
                    .at_place(&l.place)
                    .help(help)
                    .code(code),
            );
        }
    }
    out
}

/// Whether the file a relative link names is there, though nothing publishes it.
fn exists(lib: &Library, map: &LinkMap, url: &str, source: &Path) -> bool {
    let path = url.split(['#', '?']).next().unwrap_or_default();
    let path = percent_encoding::percent_decode_str(path).decode_utf8_lossy();
    let target = match path.strip_prefix('/') {
        Some(rooted) => normalize("", &format!("{}{rooted}", map.content)),
        None => normalize(&slashed(source.parent().unwrap_or(Path::new(""))), &path),
    };
    target.is_some_and(|t| {
        let p = Path::new(&t);
        p.components().all(|c| matches!(c, Component::Normal(_)))
            && !lib.source.is_dir(p)
            && (lib.source.stamp(p).is_some() || lib.source.content_hash(p).is_some())
    })
}

#[cfg(test)]
mod tests;
