//! For the page kinds' unit tests: the starter library of `covermap init` in a
//! temporary folder, edited file by file, and a renderer over it that fingerprints its
//! pages.

use std::path::Path;

use super::cache::RenderCache;
use super::fingerprint;
use super::renderer::{Page, Renderer};
use super::rows::prepare;
use crate::coverage::Coverage;
use crate::library::{Library, LoadOptions};
use crate::theme::Theme;

pub(super) struct Fixture {
    dir: tempfile::TempDir,
    pub lib: Library,
    pub cov: Coverage,
    pub theme: Theme,
    /// Empty: no page is taken from a last render; only `enabled`, so pages are
    /// fingerprinted.
    old: RenderCache,
}

fn load(root: &Path) -> (Library, Coverage, Theme) {
    let options = LoadOptions {
        as_of: crate::date::Date::parse("2026-11-01"),
        ..Default::default()
    };
    let (lib, diags) = crate::library::load(root, &options);
    let lib = lib.unwrap_or_else(|| panic!("{diags:?}"));
    let cov = Coverage::compute(&lib.plan, &lib.assets);
    let theme = Theme::load(lib.theme_dir().as_deref(), &lib.root).expect("the default theme");
    (lib, cov, theme)
}

impl Fixture {
    /// The starter library: three assets (`first-customer`, `product-overview`,
    /// `incumbent`), two segments, two personas, three stages, one objection.
    pub fn new() -> Fixture {
        let dir = tempfile::tempdir().unwrap();
        crate::init::init(dir.path()).unwrap();
        let (lib, cov, theme) = load(dir.path());
        Fixture {
            dir,
            lib,
            cov,
            theme,
            old: RenderCache::fingerprints_only(),
        }
    }

    /// Replaces `from` by `to` in the library file `file` and loads the library again.
    pub fn edit(&mut self, file: &str, from: &str, to: &str) {
        let path = self.dir.path().join(file);
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.contains(from), "{file} has no {from:?}");
        std::fs::write(&path, text.replace(from, to)).unwrap();
        (self.lib, self.cov, self.theme) = load(self.dir.path());
    }

    /// A renderer with every asset's view and row made.
    pub fn renderer(&self) -> Renderer<'_> {
        let globals = fingerprint::globals(&self.lib, &self.theme, false);
        let mut r = Renderer::new(&self.lib, &self.cov, &self.theme, &self.old, globals, None);
        let (prepared, errors) = prepare(
            &self.lib,
            &r.templates,
            &self.old.assets,
            &r.lists.type_slugs,
            true,
        );
        assert!(errors.is_empty(), "{errors:?}");
        r.prepared = prepared;
        r
    }
}

/// The library index of the asset `slug`.
pub(super) fn index_of(r: &Renderer, slug: &str) -> usize {
    r.lib
        .assets
        .iter()
        .position(|a| a.slug == slug)
        .unwrap_or_else(|| panic!("no asset {slug}"))
}

/// The page at `path`: its fingerprint and its HTML.
pub(super) fn show(r: &Renderer, path: &str, page: impl Page) -> (u64, String) {
    let fp = r
        .fingerprint(path, &page)
        .expect("a fingerprinting renderer");
    let fill = page.fill().map(|(mark, value)| (mark, value.to_string()));
    let mut html = String::from_utf8(page.make(&r.templates, path).unwrap()).unwrap();
    if let Some((mark, value)) = fill {
        html = html.replace(mark, &value);
    }
    (fp, html)
}

/// The starter library's files and the titles in them.
pub(super) const FIRST: &str = "content/case-studies/first-customer.md";
pub(super) const FIRST_TITLE: &str = "How our first customer cut month-end close by four days";
pub(super) const OVERVIEW: &str = "content/one-pagers/product-overview.md";
pub(super) const OVERVIEW_TITLE: &str = "Product overview";
pub(super) const INCUMBENT: &str = "content/battlecards/incumbent.md";
pub(super) const INCUMBENT_TITLE: &str = "Battlecard: the incumbent";
