//! The plan's names as search terms: a query word that names an asset's segment,
//! persona, stage or type (by its name, its id, or a persona's alias: "CFO" for the
//! Economic Buyer) matches the asset as a tag does. The postings are added to the
//! text's at index time, from the facets, so an asset's own terms (kept by a dev
//! server across rebuilds) never depend on the plan.

use std::collections::BTreeMap;

use super::facets::Facet;
use super::formats::{B64, posting};
use super::postings::utf16_cmp;
use super::tokenizer::{IN_TAGS, tokens};
use crate::library::Library;

/// The facets whose values' names are searched.
const NAMED: [&str; 4] = ["segment", "persona", "stage", "type"];

/// For each term of a named value's name, id and aliases, the assets carrying the
/// value, ascending.
pub(super) fn name_postings(lib: &Library, facets: &[Facet]) -> BTreeMap<String, Vec<u32>> {
    // Every name's words numbered once, so each asset's values add numbers, not strings.
    let mut numbers: BTreeMap<String, usize> = BTreeMap::new();
    let mut lists: Vec<Vec<u32>> = Vec::new();
    for f in facets.iter().filter(|f| NAMED.contains(&f.key)) {
        // Each value's terms, once.
        let words: Vec<Vec<usize>> = f
            .values
            .iter()
            .map(|v| {
                let mut text = format!("{} {}", v.name, v.id);
                if f.key == "persona"
                    && let Some(p) = lib.plan.personas.iter().find(|p| p.id == v.id)
                {
                    for a in &p.aliases {
                        text.push(' ');
                        text.push_str(a);
                    }
                }
                let mut w: Vec<usize> = tokens(&text)
                    .map(|t| {
                        *numbers.entry(t).or_insert_with(|| {
                            lists.push(Vec::new());
                            lists.len() - 1
                        })
                    })
                    .collect();
                w.sort_unstable();
                w.dedup();
                w
            })
            .collect();
        for (doc, vals) in f.docs.iter().enumerate() {
            for &v in vals {
                for &w in &words[v as usize] {
                    let list = &mut lists[w];
                    if list.last() != Some(&(doc as u32)) {
                        list.push(doc as u32);
                    }
                }
            }
        }
    }
    numbers
        .into_iter()
        .map(|(term, n)| {
            let mut list = std::mem::take(&mut lists[n]);
            list.sort_unstable();
            list.dedup();
            (term, list)
        })
        .collect()
}

/// Postings as `(asset, score)`, decoded.
fn decode(s: &str) -> Vec<(u32, u8)> {
    let mut index = [0u8; 128];
    for (i, &b) in B64.iter().enumerate() {
        index[b as usize] = i as u8;
    }
    let bytes = s.as_bytes();
    let (mut i, mut doc, mut out) = (0, -1i64, Vec::new());
    while i < bytes.len() {
        let (mut n, mut shift) = (0u64, 0);
        loop {
            let c = u64::from(index[bytes[i] as usize & 127]);
            i += 1;
            n |= (c & 31) << shift;
            shift += 5;
            if c & 32 == 0 {
                break;
            }
        }
        doc += n as i64 + 1;
        let score = index[bytes[i] as usize & 127];
        i += 1;
        out.push((doc as u32, score));
    }
    out
}

fn encode(list: &[(u32, u8)]) -> String {
    let mut out = String::with_capacity(list.len() * 2);
    let mut last = -1i64;
    for &(doc, score) in list {
        posting((i64::from(doc) - last - 1) as u64, score, &mut out);
        last = i64::from(doc);
    }
    out
}

/// The sorted terms with the names' postings merged in: a name's assets get the tag
/// bit on the term's posting (added where the text lacks the term). Terms the text does
/// not have are inserted in order.
pub(super) fn merged<'a>(
    terms: &[(&'a str, &'a str)],
    names: &'a BTreeMap<String, Vec<u32>>,
) -> Vec<(&'a str, std::borrow::Cow<'a, str>)> {
    let mut extra: Vec<(&str, &Vec<u32>)> = names.iter().map(|(t, l)| (t.as_str(), l)).collect();
    extra.sort_by(|a, b| utf16_cmp(a.0, b.0));
    let mut out = Vec::with_capacity(terms.len() + extra.len());
    let mut e = extra.into_iter().peekable();
    for &(t, p) in terms {
        while let Some(&(x, docs)) = e.peek() {
            match utf16_cmp(x, t) {
                std::cmp::Ordering::Less => {
                    let list: Vec<(u32, u8)> = docs.iter().map(|&d| (d, IN_TAGS)).collect();
                    out.push((x, encode(&list).into()));
                    e.next();
                }
                std::cmp::Ordering::Equal => {
                    out.push((t, encode(&tagged(&decode(p), docs)).into()));
                    e.next();
                    break;
                }
                std::cmp::Ordering::Greater => break,
            }
        }
        if out.last().is_none_or(|l: &(&str, _)| l.0 != t) {
            out.push((t, p.into()));
        }
    }
    for (x, docs) in e {
        let list: Vec<(u32, u8)> = docs.iter().map(|&d| (d, IN_TAGS)).collect();
        out.push((x, encode(&list).into()));
    }
    out
}

/// `list` (ascending by asset) with the tag bit on every asset of `docs` (ascending),
/// those it lacks added in order: one merge of the two.
fn tagged(list: &[(u32, u8)], docs: &[u32]) -> Vec<(u32, u8)> {
    let mut out = Vec::with_capacity(list.len() + docs.len());
    let (mut i, mut j) = (0, 0);
    while i < list.len() || j < docs.len() {
        match (list.get(i), docs.get(j)) {
            (Some(&(d, s)), Some(&e)) if d == e => {
                out.push((d, s | IN_TAGS));
                i += 1;
                j += 1;
            }
            (Some(&(d, s)), Some(&e)) if d < e => {
                out.push((d, s));
                i += 1;
            }
            (Some(&(d, s)), None) => {
                out.push((d, s));
                i += 1;
            }
            (_, Some(&e)) => {
                out.push((e, IN_TAGS));
                j += 1;
            }
            (None, None) => break,
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_merge_into_the_terms_in_order() {
        let mut names = BTreeMap::new();
        names.insert("b".to_string(), vec![0, 2]);
        names.insert("d".to_string(), vec![1]);
        names.insert("0".to_string(), vec![3]);
        // "b": asset 1 in the body (tf 1); "c": asset 0.
        let (mut b, mut c) = (String::new(), String::new());
        posting(1, 1, &mut b);
        posting(0, 32, &mut c);
        let terms = [("b", b.as_str()), ("c", c.as_str())];
        let got = merged(&terms, &names);
        let words: Vec<&str> = got.iter().map(|x| x.0).collect();
        assert_eq!(words, ["0", "b", "c", "d"]);
        assert_eq!(decode(&got[1].1), [(0, IN_TAGS), (1, 1), (2, IN_TAGS)]);
        assert_eq!(decode(&got[2].1), [(0, 32)]);
        assert_eq!(decode(&got[3].1), [(1, IN_TAGS)]);
    }

    #[test]
    fn tagging_merges_the_names_assets_into_the_text_postings() {
        let list = [(1, 3), (4, 1), (9, 2)];
        assert_eq!(
            tagged(&list, &[0, 4, 10]),
            [
                (0, IN_TAGS),
                (1, 3),
                (4, 1 | IN_TAGS),
                (9, 2),
                (10, IN_TAGS)
            ]
        );
        assert_eq!(tagged(&[], &[2]), [(2, IN_TAGS)]);
        assert_eq!(tagged(&list, &[]), list);
    }
}
