//! Freshness governance: when each asset is due for review (its `review_by`, else
//! `updated` + its type's or the plan's `review_every`), which are overdue and which
//! are due soon, which are superseded by another asset (and whether those links lead
//! somewhere), and the per-owner figures the owners page and `covermap review` show.

use std::collections::BTreeMap;

use rustc_hash::FxHashMap;
use serde::Serialize;

use crate::asset::Asset;
use crate::diagnostics::{Code, Diagnostic};

/// Where an asset stands against its review date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum State {
    Overdue,
    DueSoon,
    Fresh,
    /// No review date at all.
    Undated,
}

impl State {
    pub fn of(a: &Asset) -> State {
        if a.stale {
            State::Overdue
        } else if a.freshness.due_soon {
            State::DueSoon
        } else if a.freshness.due.is_some() {
            State::Fresh
        } else {
            State::Undated
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            State::Overdue => "overdue",
            State::DueSoon => "due soon",
            State::Fresh => "fresh",
            State::Undated => "no review date",
        }
    }
}

/// Follows `superseded_by` from `slug` to the asset that replaces it last (itself when
/// it is not superseded); `None` on a missing slug or a cycle.
pub fn final_replacement<'a>(
    by_slug: &FxHashMap<&'a str, &'a Asset>,
    slug: &'a str,
) -> Option<&'a str> {
    let mut at = slug;
    for _ in 0..=by_slug.len() {
        match by_slug.get(at)?.freshness.superseded_by.as_deref() {
            None => return Some(at),
            Some(next) => at = next,
        }
    }
    None
}

/// Checks every `superseded_by`: it names an asset of the library (E0420, with
/// did-you-mean) and the links never lead back to where they started (E0421, reported
/// once per cycle, at its first asset by slug).
pub fn check_superseded<A: std::borrow::Borrow<Asset>>(assets: &[A]) -> Vec<Diagnostic> {
    let assets: Vec<&Asset> = assets.iter().map(std::borrow::Borrow::borrow).collect();
    if assets.iter().all(|a| a.freshness.superseded_by.is_none()) {
        return Vec::new();
    }
    let by_slug: FxHashMap<&str, &Asset> = assets.iter().map(|a| (a.slug.as_str(), *a)).collect();
    let mut diags = Vec::new();
    let place = |d: Diagnostic, a: &Asset| match &a.freshness.superseded_place {
        Some(p) => d.at_place(p),
        None => d,
    };
    let mut in_cycle: Vec<&str> = Vec::new();
    let mut sorted: Vec<&Asset> = assets.clone();
    sorted.sort_by(|a, b| a.slug.cmp(&b.slug));
    for a in &sorted {
        let Some(next) = a.freshness.superseded_by.as_deref() else {
            continue;
        };
        if !by_slug.contains_key(next) {
            let help = crate::diagnostics::suggest(next, by_slug.keys().copied())
                .unwrap_or_else(|| "name the slug of the asset that replaces this one (its path under content/ without .md, or its `slug:`)".to_string());
            diags.push(
                place(
                    Diagnostic::error(
                        &a.source,
                        format!(
                            "superseded_by `{}` names no asset",
                            crate::diagnostics::printable(next)
                        ),
                    ),
                    a,
                )
                .help(help)
                .code(Code::SupersededMissing),
            );
            continue;
        }
        // Walk the chain; coming back to `a` is a cycle through it.
        let mut chain = vec![a.slug.as_str()];
        let mut at = next;
        while let Some(b) = by_slug.get(at) {
            if at == a.slug {
                if !chain.iter().any(|s| in_cycle.contains(s)) {
                    in_cycle.extend(chain.iter().copied());
                    chain.push(at);
                    diags.push(place(
                        Diagnostic::error(&a.source, format!("superseded_by forms a cycle: {}", chain.join(" → "))),
                        a,
                    )
                    .help("an asset cannot replace the one that replaces it: remove `superseded_by` from the asset that is current")
                    .code(Code::SupersededCycle));
                }
                break;
            }
            if chain.contains(&at) || chain.len() > by_slug.len() {
                break; // a cycle further on, reported from its own first asset
            }
            chain.push(at);
            match b.freshness.superseded_by.as_deref() {
                Some(n) => at = n,
                None => break,
            }
        }
    }
    diags
}

/// The freshness of one owner's assets (or all, for the overall figure).
#[derive(Debug, Clone, Default, Serialize)]
pub struct OwnerFreshness {
    pub overdue: Vec<usize>,
    pub due_soon: Vec<usize>,
    pub fresh: Vec<usize>,
    pub undated: Vec<usize>,
    /// Assets that would count toward coverage if fresh (tagged, not a draft, not
    /// superseded), and how many of them are not overdue.
    pub countable: usize,
    pub on_time: usize,
}

impl OwnerFreshness {
    fn add(&mut self, i: usize, a: &Asset) {
        match State::of(a) {
            State::Overdue => self.overdue.push(i),
            State::DueSoon => self.due_soon.push(i),
            State::Fresh => self.fresh.push(i),
            State::Undated => self.undated.push(i),
        }
        if a.is_tagged() && !a.draft && a.freshness.superseded_by.is_none() {
            self.countable += 1;
            self.on_time += usize::from(!a.stale);
        }
    }

    /// "% of counted assets reviewed on time": the share of countable assets that are
    /// not overdue; `None` when the owner has none.
    pub fn on_time_share(&self) -> Option<f64> {
        (self.countable > 0).then(|| self.on_time as f64 / self.countable as f64)
    }
}

/// Each owner's assets by freshness (owners by name; assets without an owner under
/// `None`, last), and the figure over every asset. Superseded assets are left out:
/// nobody reviews what has been replaced.
pub fn by_owner<A: std::borrow::Borrow<Asset>>(
    assets: &[A],
) -> (Vec<(Option<String>, OwnerFreshness)>, OwnerFreshness) {
    let mut owners: BTreeMap<Option<&str>, OwnerFreshness> = BTreeMap::new();
    let mut all = OwnerFreshness::default();
    for (i, a) in assets.iter().enumerate() {
        let a = a.borrow();
        if a.freshness.superseded_by.is_some() {
            continue;
        }
        owners.entry(a.owner.as_deref()).or_default().add(i, a);
        all.add(i, a);
    }
    let mut list: Vec<(Option<String>, OwnerFreshness)> = owners
        .into_iter()
        .map(|(o, f)| (o.map(str::to_string), f))
        .collect();
    // `None` sorts first in a BTreeMap; the unowned go last.
    let unowned_first = list.first().is_some_and(|(o, _)| o.is_none());
    list.rotate_left(usize::from(unowned_first));
    (list, all)
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::date::Date;
    use crate::plan::Plan;

    fn due(
        p: &Plan,
        kind: Option<&str>,
        updated: Option<Date>,
        review_by: Option<Date>,
    ) -> (Option<Date>, bool, bool, bool) {
        p.freshness.due(p.as_of, kind, updated, review_by)
    }

    fn plan(extra: &str) -> Plan {
        let src = format!(
            "[site]\ntitle='T'\n[plan]\ntitle='P'\nas_of=2026-11-01\n[[stages]]\nid='s'\n[[personas]]\nid='p'\n[[segments]]\nid='g'\npipeline=1\n{extra}"
        );
        crate::plan::parse(&src, None).valid().unwrap()
    }

    fn d(s: &str) -> Date {
        Date::parse(s).unwrap()
    }

    #[test]
    fn due_dates_come_from_review_by_then_the_types_period_then_the_plans() {
        let p = plan(
            "[coverage]\nreview_every='12 months'\n[[types]]\nid='case-study'\nreview_every='6 months'\n[[types]]\nid='battlecard'\n",
        );
        // review_by wins over any period.
        assert_eq!(
            due(
                &p,
                Some("case-study"),
                Some(d("2026-01-01")),
                Some(d("2027-01-01"))
            ),
            (Some(d("2027-01-01")), false, false, false)
        );
        // The type's period.
        assert_eq!(
            due(&p, Some("case-study"), Some(d("2026-03-31")), None),
            (Some(d("2026-09-30")), true, true, false)
        );
        // A listed type without a period, an unlisted type, no type: the plan's.
        for kind in [Some("battlecard"), Some("webinar"), None] {
            assert_eq!(
                due(&p, kind, Some(d("2026-03-31")), None),
                (Some(d("2027-03-31")), true, false, false),
                "{kind:?}"
            );
        }
        // No updated, no review_by: no due date.
        assert_eq!(
            due(&p, Some("case-study"), None, None),
            (None, false, false, false)
        );
        // No period anywhere: no due date from updated.
        let bare = plan("");
        assert_eq!(
            due(&bare, None, Some(d("2020-01-01")), None),
            (None, false, false, false)
        );
    }

    #[test]
    fn due_soon_is_within_the_window_and_not_stale() {
        let p = plan("");
        let at = |r: &str| {
            let (_, _, stale, soon) = due(&p, None, None, Some(d(r)));
            (stale, soon)
        };
        assert_eq!(at("2026-10-31"), (true, false));
        assert_eq!(at("2026-11-01"), (false, true));
        assert_eq!(at("2026-12-01"), (false, true));
        assert_eq!(at("2026-12-02"), (false, false));
        let p = plan("[coverage]\ndue_soon='1 week'\n");
        let (_, _, _, soon) = due(&p, None, None, Some(d("2026-11-09")));
        assert!(!soon);
        let (_, _, _, soon) = due(&p, None, None, Some(d("2026-11-08")));
        assert!(soon);
    }

    fn asset(slug: &str, by: Option<&str>) -> Asset {
        let text = match by {
            Some(by) => format!("---\ntitle: {slug}\nsuperseded_by: {by}\n---\n"),
            None => format!("---\ntitle: {slug}\n---\n"),
        };
        let p = plan("");
        let path = format!("content/{slug}.md");
        let (a, diags) = crate::asset::read(
            std::path::Path::new(&path),
            std::path::Path::new(&format!("{slug}.md")),
            &text,
            Some(&p),
            Default::default(),
        );
        assert!(!diags.iter().any(Diagnostic::is_error), "{diags:?}");
        a.unwrap()
    }

    #[test]
    fn superseded_chains_resolve_to_the_last_replacement() {
        let assets = [
            asset("a", Some("b")),
            asset("b", Some("c")),
            asset("c", None),
        ];
        assert!(check_superseded(&assets).is_empty());
        let by_slug: FxHashMap<&str, &Asset> =
            assets.iter().map(|a| (a.slug.as_str(), a)).collect();
        assert_eq!(final_replacement(&by_slug, "a"), Some("c"));
        assert_eq!(final_replacement(&by_slug, "c"), Some("c"));
        assert_eq!(final_replacement(&by_slug, "zz"), None);
    }

    #[test]
    fn missing_slugs_and_cycles_are_errors_once_each() {
        let assets = [asset("guide", Some("guid-v2")), asset("guide-v2", None)];
        let diags = check_superseded(&assets);
        assert_eq!(diags.len(), 1, "{diags:?}");
        assert_eq!(diags[0].code, Code::SupersededMissing);
        assert_eq!((diags[0].line, diags[0].col), (Some(3), Some(16)));
        assert!(
            diags[0].help.as_deref().unwrap().contains("guide-v2"),
            "{diags:?}"
        );

        let assets = [
            asset("a", Some("b")),
            asset("b", Some("c")),
            asset("c", Some("a")),
            asset("d", Some("a")),
        ];
        let diags = check_superseded(&assets);
        assert_eq!(diags.len(), 1, "{diags:?}");
        assert_eq!(diags[0].code, Code::SupersededCycle);
        assert!(diags[0].message.contains("a → b → c → a"), "{diags:?}");
        let by_slug: FxHashMap<&str, &Asset> =
            assets.iter().map(|a| (a.slug.as_str(), a)).collect();
        assert_eq!(final_replacement(&by_slug, "d"), None);

        let diags = check_superseded(&[asset("self", Some("self"))]);
        assert_eq!(diags.len(), 1);
        assert!(diags[0].message.contains("self → self"), "{diags:?}");
    }
}
