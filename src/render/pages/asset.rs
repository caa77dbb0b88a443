//! An asset's own page (`library/<slug>/`): its view, its body rendered from Markdown,
//! and its related assets. The body is read again only for a page or search terms not
//! taken from the cache; its words go to the search index.

use std::hash::{Hash, Hasher};
use std::path::Path;
use std::sync::Arc;

use tera::{Context, Value};

use crate::diagnostics::Diagnostic;
use crate::library::Library;
use crate::links::LinkMap;
use crate::markdown::Rendered;
use crate::output::Sink;
use crate::render::cache::doc_key;
use crate::render::failures::Fail;
use crate::render::renderer::{Page, Renderer};
use crate::render::rows::{AssetList, Prepared, RowKind};
use crate::render::templates::Templates;
use crate::search::{Batch, DocTerms};

/// What an asset's page shows.
#[derive(Hash)]
pub(crate) struct AssetPage<'a> {
    pub asset: &'a Prepared,
    pub body: Body<'a>,
    pub related: AssetList<'a>,
    /// `superseded_by`: the replacement's slug and title.
    pub replacement: Option<(&'a str, &'a str)>,
}

/// The asset's body: its hash stands for it (the HTML is made from the body, the
/// plan's `raw_html`, a global, and where its local links lead, hashed in `links`).
pub(crate) struct Body<'a> {
    pub hash: u64,
    pub lib: &'a Library,
    pub source: &'a Path,
    pub raw_html: bool,
    /// The page's slug, which its links are written relative to (in the page's path).
    pub slug: &'a str,
    /// Where the body's local links lead, when any body of the library has one.
    pub map: Option<&'a LinkMap>,
    /// A hash of the targets of the body's local links (0 without any).
    pub links: u64,
    /// The body's HTML, when already made for the search index.
    pub html: Option<String>,
}

impl Hash for Body<'_> {
    fn hash<H: Hasher>(&self, h: &mut H) {
        self.hash.hash(h);
        self.links.hash(h);
    }
}

impl Body<'_> {
    fn read(&self) -> Result<Rendered, Diagnostic> {
        let text = self.lib.read_body(self.source)?;
        let body = crate::foreign::rewrite(&text);
        Ok(match self.map {
            Some(map) => {
                let resolve = |url: &str, _image: bool| map.href(url, self.source, self.slug);
                crate::markdown::render_resolved(&body, self.raw_html, Some(&resolve))
            }
            None => crate::markdown::render(&body, self.raw_html),
        })
    }
}

impl<'a> AssetPage<'a> {
    /// Asset `i`'s page.
    pub fn new(r: &'a Renderer, i: usize) -> Self {
        let p = &r.prepared[i];
        let related: Vec<usize> = r.lists.related[i].iter().map(|&j| j as usize).collect();
        let a = &p.asset;
        let links = match &r.links {
            Some(map) if !a.links.is_empty() => {
                let mut h = rustc_hash::FxHasher::default();
                map.hash_targets(&a.links, &a.source, &mut h);
                h.finish()
            }
            _ => 0,
        };
        AssetPage {
            asset: p,
            body: Body {
                hash: p.asset.body_hash,
                lib: r.lib,
                source: &p.asset.source,
                raw_html: r.lib.plan.site.raw_html,
                slug: &p.asset.slug,
                map: r.links.as_ref(),
                links,
                html: None,
            },
            related: AssetList::new(&r.prepared, related),
            replacement: p.asset.freshness.superseded_by.as_deref().and_then(|s| {
                let j = r
                    .prepared
                    .binary_search_by(|x| x.asset.slug.as_str().cmp(s))
                    .ok()?;
                let a = &r.prepared[j].asset;
                Some((a.slug.as_str(), a.title.as_str()))
            }),
        }
    }
}

impl Page for AssetPage<'_> {
    fn make(self, t: &Templates, path: &str) -> Result<Vec<u8>, Diagnostic> {
        let AssetPage {
            asset,
            body,
            related,
            replacement,
        } = self;
        let html = match body.html {
            Some(html) => html,
            // The cached page was gone after all: read the body now.
            None => body.read()?.html,
        };
        let mut ctx = Context::new();
        ctx.insert_value("asset", asset.view.clone());
        ctx.insert_value("body", Value::safe_string(&html));
        ctx.insert_value("related", related.views());
        // Each related asset's row, rendered once per asset and spliced here.
        let root = crate::render::templates::root_of(path);
        let rows = related.rows_of(t, RowKind::Related, &root)?;
        ctx.insert_value("related_rows", Value::safe_string(&rows));
        if let Some((slug, title)) = replacement {
            let mut m = tera::Map::new();
            m.insert("slug".into(), slug.into());
            m.insert("title".into(), title.into());
            ctx.insert_value("replacement", Value::from(m));
        }
        t.page("asset.html", path, &asset.asset.title, "library", ctx)
    }
}

/// Renders asset `i`'s page into `sink` and returns its search terms when cached;
/// otherwise its terms go into `batch` and `None` comes back.
pub(crate) fn emit(
    r: &Renderer,
    i: usize,
    sink: &dyn Sink,
    batch: &mut Batch,
) -> Result<Option<Arc<DocTerms>>, Fail> {
    let mut page = AssetPage::new(r, i);
    let a = &page.asset.asset;
    let path = format!("library/{}/index.html", a.slug);
    let fp = r.fingerprint(&path, &page);
    let cached_doc = r
        .old
        .docs
        .get(&a.slug)
        .filter(|(key, _)| *key == doc_key(a))
        .map(|(_, d)| d.clone());
    // The body's HTML for the page and its text for the search index.
    let mut text = None;
    if cached_doc.is_none() || !r.was_made(&path, fp) {
        let body = page.body.read()?;
        page.body.html = Some(body.html);
        text = Some(body.text);
    }
    let a = page.asset.asset.clone();
    r.emit(sink, &path, fp, page)?;
    match cached_doc {
        Some(d) => Ok(Some(d)),
        None => {
            batch.add_asset(&a, text.as_deref().unwrap_or_default());
            Ok(None)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::testing::*;

    const PATH: &str = "library/battlecards/incumbent/index.html";

    fn page(f: &Fixture) -> (u64, String) {
        let r = f.renderer();
        show(
            &r,
            PATH,
            AssetPage::new(&r, index_of(&r, "battlecards/incumbent")),
        )
    }

    #[test]
    fn shows_the_asset_its_body_and_its_related_assets() {
        let (_, html) = page(&Fixture::new());
        assert!(html.contains(INCUMBENT_TITLE), "{html}");
        assert!(html.contains("<strong>Where we win:</strong>"), "{html}");
        // Shares the champion, evaluation and both segments with the case study.
        assert!(html.contains(FIRST_TITLE), "{html}");
        assert!(!html.contains(OVERVIEW_TITLE), "{html}");
    }

    #[test]
    fn fingerprint_follows_the_asset_its_body_and_its_related_assets_only() {
        let mut f = Fixture::new();
        let (fp, _) = page(&f);
        assert_eq!(page(&f).0, fp, "the same page, the same fingerprint");
        f.edit(OVERVIEW, OVERVIEW_TITLE, "Overview, renamed");
        assert_eq!(page(&f).0, fp, "an asset the page does not show");
        f.edit(INCUMBENT, "Landmines", "Traps");
        let (body, html) = page(&f);
        assert!(html.contains("Traps"));
        assert_ne!(body, fp, "the body");
        f.edit(FIRST, FIRST_TITLE, "Payback in one quarter");
        let (related, html) = page(&f);
        assert!(html.contains("Payback in one quarter"));
        assert_ne!(related, body, "a related asset's title");
        f.edit(INCUMBENT, INCUMBENT_TITLE, "Against the old tool");
        assert_ne!(page(&f).0, related, "the asset's title");
    }
}
