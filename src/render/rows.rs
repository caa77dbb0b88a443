//! Each asset made ready for pages once per render (or taken from the last one): its
//! view, the hash of its view, and its rows — in lists, and in other assets' related
//! lists — each rendered once with a mark where the page's root goes and spliced into
//! every list that shows it, whatever the list page's depth. [`AssetList`] is the part
//! of a page that shows a list of assets.

use std::borrow::Cow;
use std::hash::{Hash, Hasher};
use std::sync::Arc;

use rayon::prelude::*;
use rustc_hash::FxHashMap;
use tera::Value;

use super::fingerprint::fingerprint;
use super::templates::{RELATED_TEMPLATE, ROW_TEMPLATE, Templates};
use super::views::{self, ViewMaker};
use crate::asset::Asset;
use crate::diagnostics::Diagnostic;
use crate::library::Library;

/// What `root` is while an asset's row is rendered: replaced, in every list that shows
/// the row, by the list page's own way up to the site root. A row whose text holds a
/// NUL outside this mark (only an `extra` front matter value could put one there) is
/// rendered anew for each page instead.
pub(super) const ROOT_MARK: &str = "\u{0}covermap-root\u{0}";

/// What `asset_rows` is while a list page is rendered: the rows are spliced in its
/// place afterwards, straight from each asset's row, instead of being copied into a
/// template value and out of it again (term pages at 100,000 assets hold 700 MB of rows).
pub(super) const ROWS_MARK: &str = "\u{0}covermap-asset-rows\u{0}";

/// One asset, made ready for templates.
pub(super) struct Prepared {
    pub asset: Arc<Asset>,
    pub view: Value,
    /// A hash of the view: every page showing the asset changes when it does (0 in a
    /// one-off build, which fingerprints nothing).
    pub view_hash: u64,
    /// The numbered slug the view links the asset's type to, when it has one: a view
    /// is reused only while that stays the same.
    type_override: Option<String>,
    row: Row,
    related: Row,
}

/// Which of an asset's rows a list shows.
#[derive(Clone, Copy)]
pub(super) enum RowKind {
    /// `partials/asset_row.html`: library, term, cell and objection lists, search.
    List,
    /// `partials/related_row.html`: an asset page's related assets.
    Related,
}

impl RowKind {
    fn template(self) -> &'static str {
        match self {
            RowKind::List => ROW_TEMPLATE,
            RowKind::Related => RELATED_TEMPLATE,
        }
    }

    fn of(self, p: &Prepared) -> &Row {
        match self {
            RowKind::List => &p.row,
            RowKind::Related => &p.related,
        }
    }
}

/// What a page shows of an asset is its view: its hash is the view's.
impl Hash for Prepared {
    fn hash<H: Hasher>(&self, h: &mut H) {
        self.view_hash.hash(h);
    }
}

/// An asset's row in lists.
enum Row {
    /// The row's text cut at each [`ROOT_MARK`].
    Spliced(Vec<Box<str>>),
    /// A row that must be rendered with each page's root.
    Direct,
}

impl Row {
    fn of(t: &Templates, kind: RowKind, view: &Value) -> Result<Row, Diagnostic> {
        let text = t.row(kind.template(), view, ROOT_MARK)?;
        let parts: Vec<Box<str>> = text.split(ROOT_MARK).map(Box::from).collect();
        if parts.iter().any(|p| p.contains('\0')) {
            return Ok(Row::Direct);
        }
        Ok(Row::Spliced(parts))
    }
}

/// Every asset's view and row, taken from `old` (by slug) where the asset is unchanged;
/// `hash` makes each view's hash, for a render that fingerprints its pages.
pub(super) fn prepare(
    lib: &Library,
    t: &Templates,
    old: &FxHashMap<String, Arc<Prepared>>,
    type_slugs: &FxHashMap<String, String>,
    hash: bool,
) -> (Vec<Arc<Prepared>>, Vec<Diagnostic>) {
    let maker = ViewMaker::new(&lib.plan, type_slugs);
    let results: Vec<Result<Arc<Prepared>, Diagnostic>> = lib
        .assets
        .par_iter()
        .map(|a| {
            let type_override = maker.type_override(a);
            if let Some(p) = old.get(&a.slug)
                && Arc::ptr_eq(&p.asset, a)
                && p.type_override.as_ref() == type_override
            {
                return Ok(p.clone());
            }
            let view = maker.view(a);
            let view_hash = if hash {
                fingerprint(|h| {
                    views::view_hash(a, h);
                    type_override.hash(h);
                })
            } else {
                0
            };
            let row = Row::of(t, RowKind::List, &view)?;
            let related = Row::of(t, RowKind::Related, &view)?;
            Ok(Arc::new(Prepared {
                asset: a.clone(),
                view,
                view_hash,
                type_override: type_override.cloned(),
                row,
                related,
            }))
        })
        .collect();
    let mut prepared = Vec::with_capacity(results.len());
    let mut errors = Vec::new();
    for r in results {
        match r {
            Ok(p) => prepared.push(p),
            // One row error is the same for every asset: report it once.
            Err(d) => {
                if !errors.contains(&d) {
                    errors.push(d);
                }
            }
        }
    }
    (prepared, errors)
}

/// Assets a page shows as a list: their views (`assets`) and their rows. Its hash is
/// the hash of each asset's view, so the page changes when any of them does.
pub(super) struct AssetList<'a> {
    prepared: &'a [Arc<Prepared>],
    /// Library indices, in the order shown.
    ids: Cow<'a, [usize]>,
}

impl Hash for AssetList<'_> {
    fn hash<H: Hasher>(&self, h: &mut H) {
        for &i in self.ids.iter() {
            self.prepared[i].view_hash.hash(h);
        }
    }
}

impl<'a> AssetList<'a> {
    pub fn new(prepared: &'a [Arc<Prepared>], ids: impl Into<Cow<'a, [usize]>>) -> Self {
        AssetList {
            prepared,
            ids: ids.into(),
        }
    }

    /// The views, for templates that lay out a list themselves.
    pub fn views(&self) -> Value {
        Value::from(
            self.ids
                .iter()
                .map(|&i| self.prepared[i].view.clone())
                .collect::<Vec<_>>(),
        )
    }

    /// The rows, one after the other, as on a page whose root is `root`.
    pub fn rows(&self, t: &Templates, root: &str) -> Result<String, Diagnostic> {
        self.rows_of(t, RowKind::List, root)
    }

    /// The rows of `kind`, one after the other, as on a page whose root is `root`.
    pub fn rows_of(&self, t: &Templates, kind: RowKind, root: &str) -> Result<String, Diagnostic> {
        let mut out = Vec::new();
        self.write_rows(t, kind, root, &mut out)?;
        // Rows are made of template output and `root`: UTF-8 throughout.
        Ok(String::from_utf8(out).unwrap_or_default())
    }

    fn write_rows(
        &self,
        t: &Templates,
        kind: RowKind,
        root: &str,
        out: &mut Vec<u8>,
    ) -> Result<(), Diagnostic> {
        for &i in self.ids.iter() {
            let p = &self.prepared[i];
            match kind.of(p) {
                Row::Spliced(parts) => {
                    for (k, part) in parts.iter().enumerate() {
                        if k > 0 {
                            out.extend_from_slice(root.as_bytes());
                        }
                        out.extend_from_slice(part.as_bytes());
                    }
                }
                Row::Direct => {
                    out.extend_from_slice(t.row(kind.template(), &p.view, root)?.as_bytes());
                }
            }
        }
        Ok(())
    }

    /// A list page rendered with [`ROWS_MARK`] for `asset_rows`, with the rows put in
    /// its place.
    pub fn splice(&self, t: &Templates, page: Vec<u8>, root: &str) -> Result<Vec<u8>, Diagnostic> {
        let mark = ROWS_MARK.as_bytes();
        // The rows' size, so the page is never copied as it grows.
        let rows: usize = self
            .ids
            .iter()
            .map(|&i| match &self.prepared[i].row {
                Row::Spliced(parts) => {
                    parts.iter().map(|p| p.len()).sum::<usize>()
                        + root.len() * parts.len().saturating_sub(1)
                }
                Row::Direct => 1024,
            })
            .sum();
        // Sized for one list of rows, as templates have; another one grows it.
        let mut out = Vec::with_capacity(page.len() + rows);
        let mut rest = page.as_slice();
        while let Some(at) = memchr::memchr(0, rest) {
            if rest[at..].starts_with(mark) {
                out.extend_from_slice(&rest[..at]);
                self.write_rows(t, RowKind::List, root, &mut out)?;
                rest = &rest[at + mark.len()..];
            } else {
                out.extend_from_slice(&rest[..=at]);
                rest = &rest[at + 1..];
            }
        }
        out.extend_from_slice(rest);
        Ok(out)
    }
}

/// `bytes` with every `mark` replaced by `value`.
pub(super) fn replace_bytes(bytes: &[u8], mark: &[u8], value: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes.len() + value.len());
    let Some(&first) = mark.first() else {
        return bytes.to_vec();
    };
    let mut rest = bytes;
    while let Some(i) = memchr::memchr(first, rest) {
        if rest[i..].starts_with(mark) {
            out.extend_from_slice(&rest[..i]);
            out.extend_from_slice(value);
            rest = &rest[i + mark.len()..];
        } else {
            out.extend_from_slice(&rest[..=i]);
            rest = &rest[i + 1..];
        }
    }
    out.extend_from_slice(rest);
    out
}
