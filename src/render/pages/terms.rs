//! A taxonomy's index page (`<kind>/`): every value with its count of assets.

use serde::Serialize;

use crate::render::lists::Taxonomy;
use crate::render::renderer::Plain;
use crate::render::views::term_path;

#[derive(Serialize)]
pub(crate) struct TermsIndex<'a> {
    terms: Vec<Entry<'a>>,
    kind: &'static str,
}

#[derive(Serialize)]
struct Entry<'a> {
    id: &'a str,
    name: &'a str,
    path: String,
    count: usize,
}

/// The index page of `tax`.
pub(crate) fn page(tax: &Taxonomy) -> Plain<'_, TermsIndex<'_>> {
    Plain {
        template: "terms.html",
        title: tax.title,
        section: tax.kind,
        context: TermsIndex {
            terms: tax
                .terms
                .iter()
                .map(|t| Entry {
                    id: &t.id,
                    name: &t.name,
                    path: term_path(tax.kind, &t.id),
                    count: t.assets.len(),
                })
                .collect(),
            kind: tax.kind,
        },
    }
}

#[cfg(test)]
mod tests {
    use crate::render::testing::*;

    fn page(f: &Fixture) -> (u64, String) {
        let r = f.renderer();
        let tax = r.lists.taxonomies.iter().find(|t| t.kind == "personas");
        show(&r, "personas/index.html", super::page(tax.unwrap()))
    }

    #[test]
    fn shows_every_value_and_its_count() {
        let (_, html) = page(&Fixture::new());
        assert!(html.contains("Economic Buyer") && html.contains("Champion"));
        assert!(html.contains("personas/economic-buyer/"));
    }

    #[test]
    fn fingerprint_follows_the_counts_not_the_assets() {
        let mut f = Fixture::new();
        let (fp, _) = page(&f);
        f.edit(INCUMBENT, INCUMBENT_TITLE, "Against the old tool");
        assert_eq!(page(&f).0, fp, "a title the page does not show");
        f.edit(
            INCUMBENT,
            r#"personas = ["champion"]"#,
            r#"personas = ["champion", "economic-buyer"]"#,
        );
        assert_ne!(page(&f).0, fp, "a count");
    }
}
