//! An asset as the site and the coverage model see it: plain data, no reading.

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde::Serialize;

use crate::date::Date;
use crate::diagnostics::Place;

/// Who an asset may be shown to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Audience {
    /// Forwardable to buyers.
    External,
    /// For the sales team only.
    Internal,
}

impl Audience {
    pub fn as_str(self) -> &'static str {
        match self {
            Audience::External => "external",
            Audience::Internal => "internal",
        }
    }
}

/// An asset as the site and the coverage model see it.
#[derive(Debug, Clone, PartialEq)]
pub struct Asset {
    /// The source file, relative to the library root (`content/…/x.md`).
    pub source: PathBuf,
    pub slug: String,
    /// Where `slug:` is written, when the slug comes from front matter.
    pub slug_place: Option<Place>,
    pub title: String,
    /// The content type, lowercased (`case-study`), if given.
    pub kind: Option<String>,
    /// Plan indices, in plan order; `None` where the front matter leaves the kind out.
    pub personas: Option<Vec<usize>>,
    pub stages: Option<Vec<usize>>,
    pub segments: Option<Vec<usize>>,
    pub objections: Vec<usize>,
    pub summary: Option<String>,
    pub audience: Option<Audience>,
    pub owner: Option<String>,
    pub updated: Option<Date>,
    pub review_by: Option<Date>,
    pub url: Option<String>,
    pub draft: bool,
    pub tags: Vec<String>,
    /// Lines in plan.toml of the `[[front_matter.rules]]` that tagged the asset.
    pub tagged_by: Vec<u32>,
    /// Front matter keys covermap does not know, handed to templates.
    pub extra: BTreeMap<String, serde_json::Value>,
    /// A hash of the body as it was read, so what is derived from it can be kept
    /// across rebuilds while it stays the same.
    pub body_hash: u64,
    /// The body's links and images that point into the library, placed in the file
    /// (empty for most bodies: see `markdown::links`).
    pub links: Vec<crate::markdown::links::BodyLink>,
    /// The review date (`review_by`, or `updated` + the review period) is before the
    /// plan's `as_of`.
    pub stale: bool,
    /// Due date, due soon, `superseded_by` (issue 15; see `crate::freshness`).
    pub freshness: AssetFreshness,
}

impl Asset {
    /// An asset with only a slug: at `content/<slug>.md`, titled by its slug, tagged for
    /// nothing, with no dates. What tests and generators start from, setting the rest
    /// with struct update syntax.
    pub fn new(slug: &str) -> Asset {
        Asset {
            source: PathBuf::from(format!("content/{slug}.md")),
            slug: slug.into(),
            slug_place: None,
            title: slug.into(),
            kind: None,
            personas: None,
            stages: None,
            segments: None,
            objections: Vec::new(),
            summary: None,
            audience: None,
            owner: None,
            updated: None,
            review_by: None,
            url: None,
            draft: false,
            tags: Vec::new(),
            tagged_by: Vec::new(),
            extra: BTreeMap::new(),
            body_hash: 0,
            links: Vec::new(),
            stale: false,
            freshness: AssetFreshness::default(),
        }
    }

    /// Whether the asset names all three dimensions, so it can count toward a cell.
    pub fn is_tagged(&self) -> bool {
        self.personas.is_some() && self.stages.is_some() && self.segments.is_some()
    }

    /// Whether the asset counts toward the cells it is tagged for: tagged on all three
    /// dimensions, not a draft, and not stale unless the plan counts stale assets. The
    /// one statement of the rule: the model, the pages and the search data all ask it.
    pub fn counts_toward_coverage(&self, count_stale: bool) -> bool {
        self.is_tagged() && self.counts_as_answer(count_stale)
    }

    /// Whether the asset counts as an answer to the objections it names: not a draft,
    /// not superseded, and not stale unless the plan counts stale assets (it needs no
    /// cell).
    pub fn counts_as_answer(&self, count_stale: bool) -> bool {
        !self.draft && (!self.stale || count_stale) && self.freshness.superseded_by.is_none()
    }
}

/// An asset's freshness, worked out when it is read.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AssetFreshness {
    /// The day the asset is due for review: `review_by`, else `updated` + the review
    /// period of its type (or the plan's); `None` when neither is known.
    pub due: Option<Date>,
    /// Whether `due` comes from a review period rather than `review_by`.
    pub due_from_period: bool,
    /// Due within `[coverage] due_soon` of as_of and not yet stale.
    pub due_soon: bool,
    /// `superseded_by:`, the slug of the asset that replaces this one.
    pub superseded_by: Option<String>,
    /// Where `superseded_by` is written, for the library-wide checks.
    pub superseded_place: Option<Place>,
}

/// Settings that change how an asset is read.
#[derive(Debug, Clone, Copy, Default)]
pub struct ReadOptions {
    pub raw_html: bool,
}
