//! A list page made with `term.html`: the assets of one taxonomy value (a segment,
//! persona, stage, type, tag, audience or owner, at `<kind>/<id>/`) or of one
//! objection's answers (`objections/<id>/`), cut into pages of [`TERM_PAGE_SIZE`].

use std::borrow::Cow;

use serde::Serialize;
use tera::{Context, Value};

use crate::diagnostics::Diagnostic;
use crate::render::pager::{Pager, TERM_PAGE_SIZE, page_of};
use crate::render::renderer::{Page, Renderer};
use crate::render::rows::{AssetList, ROWS_MARK};
use crate::render::templates::{Templates, root_of};
use crate::render::views::term_path;

/// What templates see as `term`.
#[derive(Hash, Serialize)]
pub(crate) struct TermInfo<'a> {
    pub kind: &'static str,
    pub kind_title: &'static str,
    pub id: &'a str,
    pub name: Cow<'a, str>,
    pub description: Option<Cow<'a, str>>,
    /// Assets on all the pages.
    pub count: usize,
}

/// What one page of a term's assets shows.
#[derive(Hash)]
pub(crate) struct TermPage<'a> {
    pub term: TermInfo<'a>,
    /// The page's title; its section is the term's kind.
    pub title: &'a str,
    pub assets: AssetList<'a>,
    pub pager: Pager,
}

impl<'a> TermPage<'a> {
    /// Page `page` of `pages` of `all`, the assets of `term`.
    pub fn new(
        r: &'a Renderer,
        term: TermInfo<'a>,
        title: &'a str,
        all: &'a [usize],
        (page, pages): (usize, usize),
    ) -> Self {
        let base = term_path(term.kind, term.id);
        TermPage {
            term,
            title,
            assets: AssetList::new(&r.prepared, page_of(all, page, TERM_PAGE_SIZE)),
            pager: Pager {
                base,
                current: page,
                total: pages,
            },
        }
    }

    /// Page `page` of `pages` of the `term`th value of the `kind`th taxonomy.
    pub fn taxonomy(r: &'a Renderer, kind: usize, term: usize, page: usize, pages: usize) -> Self {
        let tax = &r.lists.taxonomies[kind];
        let t = &tax.terms[term];
        let info = TermInfo {
            kind: tax.kind,
            kind_title: tax.title,
            id: &t.id,
            name: Cow::Borrowed(&t.name),
            description: t.description.as_deref().map(Cow::Borrowed),
            count: t.assets.len(),
        };
        TermPage::new(r, info, &t.name, &t.assets, (page, pages))
    }
}

impl Page for TermPage<'_> {
    fn make(self, t: &Templates, path: &str) -> Result<Vec<u8>, Diagnostic> {
        let TermPage {
            term,
            title,
            assets,
            pager,
        } = self;
        let mut ctx = Context::new();
        ctx.insert("term", &term);
        ctx.insert_value("assets", assets.views());
        ctx.insert_value("asset_rows", Value::safe_string(ROWS_MARK));
        ctx.insert("pager", &pager.json());
        let html = t.page("term.html", path, title, term.kind, ctx)?;
        assets.splice(t, html, &root_of(path))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::testing::*;

    const PATH: &str = "personas/economic-buyer/index.html";

    fn page(f: &Fixture) -> (u64, String) {
        let r = f.renderer();
        let (kind, tax) = (r.lists.taxonomies.iter().enumerate())
            .find(|(_, t)| t.kind == "personas")
            .unwrap();
        let term = tax.terms.iter().position(|t| t.id == "economic-buyer");
        show(&r, PATH, TermPage::taxonomy(&r, kind, term.unwrap(), 1, 1))
    }

    #[test]
    fn shows_the_value_and_its_assets_only() {
        let (_, html) = page(&Fixture::new());
        assert!(html.contains("Economic Buyer"));
        assert!(html.contains(FIRST_TITLE) && html.contains(OVERVIEW_TITLE));
        assert!(
            !html.contains(INCUMBENT_TITLE),
            "not for the economic buyer"
        );
    }

    #[test]
    fn fingerprint_follows_the_value_and_its_assets_only() {
        let mut f = Fixture::new();
        let (fp, _) = page(&f);
        f.edit(INCUMBENT, INCUMBENT_TITLE, "Against the old tool");
        assert_eq!(page(&f).0, fp, "an asset not on the page");
        f.edit(OVERVIEW, OVERVIEW_TITLE, "Overview, renamed");
        let (title, html) = page(&f);
        assert!(html.contains("Overview, renamed"));
        assert_ne!(title, fp, "an asset's title");
        f.edit(
            INCUMBENT,
            r#"personas = ["champion"]"#,
            r#"personas = ["champion", "economic-buyer"]"#,
        );
        let (joined, html) = page(&f);
        assert!(html.contains("Against the old tool"));
        assert_ne!(joined, title, "an asset joining the value");
    }
}
