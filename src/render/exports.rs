//! `assets.csv` and `assets.json`: one row per asset in the build (after `--drafts` and
//! `--audience` have chosen), for the questions enablement asks first ("stale assets by
//! owner"); and the JSON Schemas of `coverage.json` and `assets.json`, shipped in the
//! site under `schemas/` so a script can check what it loads.

use std::fmt::Write as _;
use std::io::Write as _;

use rayon::prelude::*;

use serde::Serialize;

use super::data::{SCHEMA_VERSION, csv_field, generator};
use crate::asset::Asset;
use crate::json::{self, Escape};
use crate::library::Library;
use crate::output::Content;

/// `schemas/coverage.schema.json`, as shipped in the site.
pub const COVERAGE_SCHEMA: &str = include_str!("schemas/coverage.schema.json");
/// `schemas/assets.schema.json`, as shipped in the site.
pub const ASSETS_SCHEMA: &str = include_str!("schemas/assets.schema.json");

/// Where the schemas go in the site, with their text.
pub const SCHEMAS: [(&str, &str); 2] = [
    ("schemas/coverage.schema.json", COVERAGE_SCHEMA),
    ("schemas/assets.schema.json", ASSETS_SCHEMA),
];

/// The files this module adds to every site.
pub const EXPORT_PATHS: [&str; 4] = [
    "assets.csv",
    "assets.json",
    "schemas/coverage.schema.json",
    "schemas/assets.schema.json",
];

/// Puts every file of [`EXPORT_PATHS`] through `put`, each as soon as it is made, so
/// the two asset exports are never held at once: they are made anew each render (one
/// pass over the assets each); the schemas are the shipped text.
pub fn write<E>(lib: &Library, put: impl Fn(&str, Content) -> Result<(), E>) -> Result<(), E> {
    let rows = rows(lib);
    put("assets.json", Content::from(json_of(lib, &rows)))?;
    put("assets.csv", Content::from(csv_of(&rows)))?;
    drop(rows);
    for (path, text) in SCHEMAS {
        put(path, Content::from(text.as_bytes().to_vec()))?;
    }
    Ok(())
}

/// The columns of `assets.csv`, in order.
pub const ASSETS_CSV_COLUMNS: &[&str] = &[
    "slug",
    "title",
    "type",
    "audience",
    "owner",
    "updated",
    "review_by",
    "stale",
    "counted",
    "segments",
    "personas",
    "stages",
    "url",
    "due",
    "due_soon",
    "superseded_by",
    "draft",
];

/// One asset as the exports give it. `url` is its page in the site, relative to the
/// site's root, so it holds under any sub-path.
#[derive(Serialize)]
struct AssetRow<'a> {
    slug: &'a str,
    title: &'a str,
    #[serde(rename = "type")]
    kind: Option<&'a str>,
    audience: Option<&'static str>,
    owner: Option<&'a str>,
    updated: Option<String>,
    review_by: Option<String>,
    stale: bool,
    counted: bool,
    segments: Vec<&'a str>,
    personas: Vec<&'a str>,
    stages: Vec<&'a str>,
    url: String,
    /// The review date: `review_by`, else `updated` + the type's review period.
    due: Option<String>,
    due_soon: bool,
    superseded_by: Option<&'a str>,
    /// A draft, in the build only with `--drafts` ("in progress", never counted).
    draft: bool,
}

/// The ids of the plan entities an asset names, in plan order; none where left out.
fn ids<'a>(list: &Option<Vec<usize>>, of: impl Fn(usize) -> &'a str) -> Vec<&'a str> {
    list.iter().flatten().map(|&i| of(i)).collect()
}

fn rows(lib: &Library) -> Vec<AssetRow<'_>> {
    let p = &lib.plan;
    lib.assets
        .par_iter()
        .map(|a| {
            let a: &Asset = a;
            AssetRow {
                slug: &a.slug,
                title: &a.title,
                kind: a.kind.as_deref(),
                audience: a.audience.map(|x| x.as_str()),
                owner: a.owner.as_deref(),
                updated: a.updated.map(|d| d.to_string()),
                review_by: a.review_by.map(|d| d.to_string()),
                stale: a.stale,
                counted: a.counts_toward_coverage(p.count_stale),
                segments: ids(&a.segments, |i| p.segments[i].id.as_str()),
                personas: ids(&a.personas, |i| p.personas[i].id.as_str()),
                stages: ids(&a.stages, |i| p.stages[i].id.as_str()),
                url: format!("library/{}/", a.slug),
                due: a.freshness.due.map(|d| d.to_string()),
                due_soon: a.freshness.due_soon,
                superseded_by: a.freshness.superseded_by.as_deref(),
                draft: a.draft,
            }
        })
        .collect()
}

/// `assets.json`: `{schema_version, generator, as_of, assets: [...]}`, in the
/// library's order, one asset a line.
pub fn assets_json(lib: &Library) -> Vec<u8> {
    json_of(lib, &rows(lib))
}

fn json_of(lib: &Library, rows: &[AssetRow]) -> Vec<u8> {
    // Each asset on a line of its own: a change to one asset is a one-line diff, and
    // the rows are written in parallel.
    let lines: Vec<Vec<u8>> = rows
        .par_chunks(256)
        .map(|chunk| {
            let mut out = Vec::with_capacity(chunk.len() * 640);
            for r in chunk {
                out.extend_from_slice(b"    ");
                json::write_compact(&mut out, r, Escape::Markup);
                out.extend_from_slice(b",\n");
            }
            out
        })
        .collect();
    let mut out = Vec::with_capacity(lines.iter().map(Vec::len).sum::<usize>() + 256);
    let _ = write!(
        out,
        "{{\n  \"schema_version\": {SCHEMA_VERSION},\n  \"generator\": "
    );
    json::write_compact(&mut out, &generator(), Escape::Markup);
    out.extend_from_slice(b",\n  \"as_of\": ");
    json::write_compact(&mut out, &lib.plan.as_of.to_string(), Escape::Markup);
    out.extend_from_slice(b",\n  \"assets\": [");
    if rows.is_empty() {
        out.extend_from_slice(b"]\n}\n");
        return out;
    }
    out.push(b'\n');
    for l in &lines {
        out.extend_from_slice(l);
    }
    // The last row's comma goes: `…},\n` → `…}\n`.
    out.truncate(out.len() - 2);
    out.extend_from_slice(b"\n  ]\n}\n");
    out
}

/// `assets.csv`: one row per asset; ids `;`-joined, booleans `true`/`false`, a value
/// not given left empty. Quoted per RFC 4180 by [`csv_field`].
pub fn assets_csv(lib: &Library) -> Vec<u8> {
    csv_of(&rows(lib))
}

fn csv_of(rows: &[AssetRow]) -> Vec<u8> {
    let chunks: Vec<String> = rows
        .par_chunks(256)
        .map(|chunk| {
            let mut out = String::with_capacity(chunk.len() * 320);
            for r in chunk {
                csv_row(r, &mut out);
            }
            out
        })
        .collect();
    let mut out = String::with_capacity(chunks.iter().map(String::len).sum::<usize>() + 256);
    out.push_str(&ASSETS_CSV_COLUMNS.join(","));
    out.push('\n');
    for c in &chunks {
        out.push_str(c);
    }
    out.into_bytes()
}

fn csv_row(r: &AssetRow, out: &mut String) {
    let opt = |v: Option<&str>| v.map_or(String::new(), csv_field);
    let _ = writeln!(
        out,
        "{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{}",
        csv_field(r.slug),
        csv_field(r.title),
        opt(r.kind),
        opt(r.audience),
        opt(r.owner),
        r.updated.as_deref().unwrap_or_default(),
        r.review_by.as_deref().unwrap_or_default(),
        r.stale,
        r.counted,
        csv_field(&r.segments.join(";")),
        csv_field(&r.personas.join(";")),
        csv_field(&r.stages.join(";")),
        csv_field(&r.url),
        r.due.as_deref().unwrap_or_default(),
        r.due_soon,
        opt(r.superseded_by),
        r.draft,
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_schemas_are_json_and_name_their_version() {
        for (path, text) in SCHEMAS {
            let v: serde_json::Value = serde_json::from_str(text).expect(path);
            assert_eq!(
                v["properties"]["schema_version"]["const"],
                serde_json::json!(SCHEMA_VERSION),
                "{path}"
            );
        }
    }
}
