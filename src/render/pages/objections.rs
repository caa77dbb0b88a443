//! The objections page (`objections/`): every objection of the plan with the first
//! [`OBJECTION_PREVIEW`] assets that answer it; and each objection's own pages
//! (`objections/<id>/`), all its answers as a [`TermPage`].

use std::borrow::Cow;

use tera::{Context, Value};

use super::term::{TermInfo, TermPage};
use crate::diagnostics::Diagnostic;
use crate::render::renderer::{Page, Renderer};
use crate::render::rows::AssetList;
use crate::render::templates::{Templates, root_of};
use crate::render::views::term_path;

/// Answering assets the objections page shows per objection; all of them are on the
/// objection's own page (`objections/<id>/`). At 50,000 assets an objection can have
/// thousands of answers, which would make the objections page tens of megabytes.
pub const OBJECTION_PREVIEW: usize = 10;

/// What the objections page shows.
#[derive(Hash)]
pub(crate) struct ObjectionsPage<'a> {
    objections: Vec<Entry<'a>>,
    unanswered: Unanswered,
}

/// The objections no asset answers, most heard first, and how often they were heard
/// in all: summed up atop the objections page and on the coverage page.
#[derive(Hash, serde::Serialize)]
pub(crate) struct Unanswered {
    objections: Vec<UnansweredEntry>,
    heard: u64,
}

#[derive(Hash, serde::Serialize)]
struct UnansweredEntry {
    id: String,
    text: String,
    heard: Option<u64>,
    heard_in: String,
}

impl Unanswered {
    pub fn of(plan: &crate::plan::Plan, cov: &crate::coverage::Coverage) -> Self {
        let objections: Vec<UnansweredEntry> = cov
            .objections
            .iter()
            .filter(|o| o.assets.is_empty())
            .map(|o| {
                let obj = &plan.objections[o.objection];
                UnansweredEntry {
                    id: obj.id.clone(),
                    text: obj.text.clone(),
                    heard: obj.heard,
                    heard_in: heard_in(plan, obj),
                }
            })
            .collect();
        Unanswered {
            heard: objections.iter().filter_map(|o| o.heard).sum(),
            objections,
        }
    }
}

/// Where an objection is heard, as the plan names it ("Enterprise · Economic Buyer,
/// Controller · Decision"); empty when the plan does not say.
pub(crate) fn heard_in(plan: &crate::plan::Plan, obj: &crate::plan::Objection) -> String {
    let names = |ids: &[usize], name: &dyn Fn(usize) -> String| -> Option<String> {
        (!ids.is_empty()).then(|| ids.iter().map(|&i| name(i)).collect::<Vec<_>>().join(", "))
    };
    [
        names(&obj.segments, &|i| plan.segments[i].name.clone()),
        names(&obj.personas, &|i| plan.personas[i].name.clone()),
        names(&obj.stages, &|i| plan.stages[i].name.clone()),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join(" · ")
}

/// One objection on the objections page.
#[derive(Hash)]
struct Entry<'a> {
    id: &'a str,
    text: &'a str,
    heard: Option<u64>,
    heard_in: String,
    /// Its answers in all.
    count: usize,
    preview: AssetList<'a>,
}

impl<'a> ObjectionsPage<'a> {
    pub fn new(r: &'a Renderer) -> Self {
        let objections = r
            .cov
            .objections
            .iter()
            .map(|o| {
                let obj = &r.lib.plan.objections[o.objection];
                let shown = &o.assets[..o.assets.len().min(OBJECTION_PREVIEW)];
                Entry {
                    id: &obj.id,
                    text: &obj.text,
                    heard: obj.heard,
                    heard_in: heard_in(&r.lib.plan, obj),
                    count: o.assets.len(),
                    preview: AssetList::new(&r.prepared, shown),
                }
            })
            .collect();
        ObjectionsPage {
            objections,
            unanswered: Unanswered::of(&r.lib.plan, r.cov),
        }
    }
}

impl Page for ObjectionsPage<'_> {
    fn make(self, t: &Templates, path: &str) -> Result<Vec<u8>, Diagnostic> {
        let root = root_of(path);
        let mut list = Vec::with_capacity(self.objections.len());
        for entry in self.objections {
            let Entry {
                id,
                text,
                heard,
                heard_in,
                count,
                preview,
            } = entry;
            let mut map = tera::Map::new();
            map.insert("id".into(), id.into());
            map.insert("text".into(), text.into());
            map.insert("heard".into(), Value::from_serializable(&heard));
            map.insert("heard_in".into(), heard_in.into());
            map.insert("answered".into(), (count > 0).into());
            map.insert("count".into(), count.into());
            map.insert("path".into(), term_path("objections", id).into());
            map.insert("assets".into(), preview.views());
            map.insert("rows".into(), Value::safe_string(&preview.rows(t, &root)?));
            list.push(Value::from(map));
        }
        let mut ctx = Context::new();
        ctx.insert_value("objections", Value::from(list));
        ctx.insert_value("unanswered", Value::from_serializable(&self.unanswered));
        t.page("objections.html", path, "Objections", "objections", ctx)
    }
}

/// Page `page` of `pages` of the answers to `cov.objections[at]`.
pub(crate) fn answers<'a>(r: &'a Renderer, at: usize, page: usize, pages: usize) -> TermPage<'a> {
    let o = &r.cov.objections[at];
    let obj = &r.lib.plan.objections[o.objection];
    let info = TermInfo {
        kind: "objections",
        kind_title: "Objections",
        id: &obj.id,
        name: Cow::Owned(format!("“{}”", obj.text)),
        description: obj
            .heard
            .map(|n| Cow::Owned(format!("Heard {n} times on calls."))),
        count: o.assets.len(),
    };
    TermPage::new(r, info, &obj.text, &o.assets, (page, pages))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::testing::*;

    fn index(f: &Fixture) -> (u64, String) {
        let r = f.renderer();
        show(&r, "objections/index.html", ObjectionsPage::new(&r))
    }

    fn answers_page(f: &Fixture) -> (u64, String) {
        let r = f.renderer();
        show(&r, "objections/price/index.html", answers(&r, 0, 1, 1))
    }

    #[test]
    fn show_each_objection_and_the_assets_that_answer_it() {
        let f = Fixture::new();
        for (_, html) in [index(&f), answers_page(&f)] {
            assert!(html.contains("You cost more than what we have today."));
            assert!(html.contains(FIRST_TITLE));
            assert!(!html.contains(INCUMBENT_TITLE), "answers nothing");
        }
        assert!(answers_page(&f).1.contains("Heard 12 times on calls."));
    }

    #[test]
    fn fingerprints_follow_the_answers_only() {
        let mut f = Fixture::new();
        let (i, a) = (index(&f).0, answers_page(&f).0);
        f.edit(INCUMBENT, INCUMBENT_TITLE, "Against the old tool");
        assert_eq!((index(&f).0, answers_page(&f).0), (i, a), "not an answer");
        f.edit(FIRST, FIRST_TITLE, "Payback in one quarter");
        let (i2, a2) = (index(&f).0, answers_page(&f).0);
        assert!(i2 != i && a2 != a, "an answer's title");
        f.edit(INCUMBENT, "owner = ", "objections = [\"price\"]\nowner = ");
        let (i3, html) = index(&f);
        assert!(html.contains("Against the old tool"));
        assert!(i3 != i2 && answers_page(&f).0 != a2, "a new answer");
    }
}
