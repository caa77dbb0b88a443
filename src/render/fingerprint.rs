//! Fingerprints: a hash of everything a cached thing depends on, so a rebuild can take
//! it as it was while the hash is the same. The fingerprint of what every page depends
//! on (the globals), of the coverage model, and of any serializable value by its JSON.

use std::hash::{Hash, Hasher};

use rustc_hash::FxHasher;
use serde::Serialize;

use crate::coverage::Coverage;
use crate::library::Library;
use crate::theme::Theme;

pub(super) fn fingerprint(parts: impl FnOnce(&mut FxHasher)) -> u64 {
    let mut h = FxHasher::default();
    parts(&mut h);
    h.finish()
}

/// Everything every page depends on: the plan as loaded (ids, names, `as_of`,
/// settings), the templates, the covermap version.
pub(super) fn globals(lib: &Library, theme: &Theme, has_trend: bool) -> u64 {
    fingerprint(|h| {
        // Every page's navigation links the trend page when there is one.
        has_trend.hash(h);
        format!("{:?}", lib.plan).hash(h);
        theme.fingerprint().hash(h);
        env!("CARGO_PKG_VERSION").hash(h);
        // The search files' packaging shows on every library page.
        lib.offline.hash(h);
        // Never 0: 0 marks a cache that has seen no render.
        1u8.hash(h);
    })
    .max(1)
}

/// Hashes everything of the coverage model into `h`.
pub(super) fn coverage(cov: &Coverage, h: &mut impl Hasher) {
    let f = |v: f64| v.to_bits();
    for c in &cov.cells {
        (c.segment, c.persona, c.stage, &c.assets, &c.stale_assets).hash(h);
        (c.target, c.decision, c.fill.map(f), c.status, f(c.weight)).hash(h);
        f(c.pipeline_at_stake).hash(h);
    }
    for s in &cov.segments {
        (s.segment, s.coverage.map(f), s.buying_group_coverage.map(f)).hash(h);
        (f(s.pipeline_at_stake), &s.cells).hash(h);
        for p in &s.personas {
            (p.persona, p.coverage.map(f)).hash(h);
        }
    }
    cov.gaps.hash(h);
    for o in &cov.objections {
        (o.objection, &o.assets).hash(h);
    }
    let s = &cov.summary;
    (
        s.assets, s.counted, s.stale, s.cells, s.covered, s.thin, s.gap, s.waived,
    )
        .hash(h);
    (
        s.coverage.map(f),
        s.pipeline_weighted_coverage.map(f),
        f(s.pipeline_at_stake),
    )
        .hash(h);
}

/// Hashes `value` as its JSON, written straight into the hasher: for values made for
/// templates, which are exactly what a page shows (floats and all).
pub(super) fn json(value: &impl Serialize, h: &mut impl Hasher) {
    struct Writer<'h, H>(&'h mut H);
    impl<H: Hasher> std::io::Write for Writer<'_, H> {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.write(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    // A value that cannot be written as JSON cannot be rendered either: the page
    // fails then, whatever its fingerprint.
    if serde_json::to_writer(Writer(h), value).is_err() {
        u8::MAX.hash(h);
    }
}
