//! A taxonomy's index page (`<kind>/`): every value with its count of assets.

use serde::Serialize;

use crate::render::lists::Taxonomy;
use crate::render::renderer::Plain;
use crate::render::views::term_path;

#[derive(Serialize)]
pub(in crate::render) struct TermsIndex<'a> {
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
pub(in crate::render) fn page(tax: &Taxonomy) -> Plain<'_, TermsIndex<'_>> {
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
