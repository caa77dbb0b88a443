//! The house rules that a reader of src/ relies on, checked on the source itself: the
//! modules form no import cycle, and no file grows past one job's size.
//!
//! Each `.rs` file under src/ is a node. An edge runs from a file to another when the
//! file names it by a path: `crate::a::b`, `super::x`, `self::x`, or the name of a child
//! module it declares with `mod x;` followed by `::` (the crate root's children are
//! named that way too). `mod x;` alone is not an edge. Comments and string literals are
//! skipped, and `super::` inside an inline `mod tests { … }` means the file's own
//! module, as the compiler reads it.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// A module path: `[]` for the crate root, `["render", "views"]` for
/// `src/render/views.rs`.
type ModPath = Vec<String>;

fn module_path(src: &Path, file: &Path) -> Option<ModPath> {
    let rel = file.strip_prefix(src).ok()?;
    let mut parts: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    let last = parts.pop()?;
    let stem = last.strip_suffix(".rs")?;
    match stem {
        "lib" if parts.is_empty() => {}
        // main.rs is a crate of its own that uses the library by its name.
        "main" if parts.is_empty() => return None,
        "mod" => {}
        _ => parts.push(stem.to_string()),
    }
    Some(parts)
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("reading {}: {e}", dir.display()))
        .map(|e| e.expect("directory entry").path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The source with comments, string and character literals blanked out (kept as
/// spaces so nothing else moves).
fn code_only(text: &str) -> String {
    let b = text.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    let blank = |out: &mut Vec<u8>, c: u8| out.push(if c == b'\n' { b'\n' } else { b' ' });
    while i < b.len() {
        let c = b[i];
        if c == b'/' && b.get(i + 1) == Some(&b'/') {
            while i < b.len() && b[i] != b'\n' {
                out.push(b' ');
                i += 1;
            }
        } else if c == b'/' && b.get(i + 1) == Some(&b'*') {
            let mut depth = 0;
            while i < b.len() {
                if b[i] == b'/' && b.get(i + 1) == Some(&b'*') {
                    depth += 1;
                    out.extend_from_slice(b"  ");
                    i += 2;
                } else if b[i] == b'*' && b.get(i + 1) == Some(&b'/') {
                    depth -= 1;
                    out.extend_from_slice(b"  ");
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    blank(&mut out, b[i]);
                    i += 1;
                }
            }
        } else if c == b'r'
            && (b.get(i + 1) == Some(&b'"') || b.get(i + 1) == Some(&b'#'))
            && (i == 0 || !(b[i - 1].is_ascii_alphanumeric() || b[i - 1] == b'_'))
        {
            // A raw string: r"…", r#"…"#, r##"…"##.
            let mut j = i + 1;
            let mut hashes = 0;
            while b.get(j) == Some(&b'#') {
                hashes += 1;
                j += 1;
            }
            if b.get(j) != Some(&b'"') {
                out.push(c);
                i += 1;
                continue;
            }
            j += 1;
            let close: Vec<u8> = std::iter::once(b'"')
                .chain(std::iter::repeat_n(b'#', hashes))
                .collect();
            while j < b.len() && !b[j..].starts_with(&close) {
                j += 1;
            }
            let end = (j + close.len()).min(b.len());
            for &x in &b[i..end] {
                blank(&mut out, x);
            }
            i = end;
        } else if c == b'"' {
            out.push(b' ');
            i += 1;
            while i < b.len() && b[i] != b'"' {
                if b[i] == b'\\' && i + 1 < b.len() {
                    blank(&mut out, b[i]);
                    i += 1;
                }
                blank(&mut out, b[i]);
                i += 1;
            }
            out.push(b' ');
            i += 1;
        } else if c == b'\'' {
            // A character literal ('x', '\n', '\u{..}'), not a lifetime ('a).
            let rest = &b[i + 1..];
            let len = if rest.first() == Some(&b'\\') {
                rest.iter().skip(1).position(|&x| x == b'\'').map(|p| p + 2)
            } else {
                std::str::from_utf8(&rest[..rest.len().min(4)])
                    .ok()
                    .or_else(|| std::str::from_utf8(&rest[..rest.len().min(1)]).ok())
                    .and_then(|s| s.chars().next())
                    .map(char::len_utf8)
                    .filter(|&n| rest.get(n) == Some(&b'\''))
            };
            match len {
                Some(n) => {
                    out.extend(std::iter::repeat_n(b' ', n + 2));
                    i += n + 2;
                }
                None => {
                    out.push(c);
                    i += 1;
                }
            }
        } else {
            out.push(c);
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn is_ident(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// The module paths one file's code names, each as written from that file's module
/// (`crate::…` resolved from the root, `super::`/`self::` from the enclosing module,
/// child names from the file).
fn referenced_paths(me: &ModPath, code: &str) -> Vec<ModPath> {
    let chars: Vec<char> = code.chars().collect();
    // Children declared with `mod x;` (not inline `mod x {`).
    let mut children = BTreeSet::new();
    let words: Vec<&str> = code.split_whitespace().collect();
    for w in words.windows(2) {
        if w[0] == "mod"
            && let Some(name) = w[1].strip_suffix(';')
        {
            children.insert(name.to_string());
        }
    }

    // Inline modules: `mod name {` opens one; track where each closes by brace depth.
    let mut found = Vec::new();
    let mut depth = 0usize;
    let mut inline: Vec<(String, usize)> = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '{' {
            depth += 1;
            i += 1;
            continue;
        }
        if c == '}' {
            depth = depth.saturating_sub(1);
            while inline.last().is_some_and(|(_, d)| *d > depth) {
                inline.pop();
            }
            i += 1;
            continue;
        }
        if !is_ident(c) || (i > 0 && (is_ident(chars[i - 1]) || chars[i - 1] == ':')) {
            i += 1;
            continue;
        }
        // A whole path starting here: ident(::ident)* with `::{ … }` groups.
        let start = i;
        let mut j = i;
        while j < chars.len() && is_ident(chars[j]) {
            j += 1;
        }
        let first: String = chars[start..j].iter().collect();
        if first == "mod" {
            // `mod name {`: an inline module.
            let rest: String = chars[j..chars.len().min(j + 80)].iter().collect();
            let rest = rest.trim_start();
            let name: String = rest.chars().take_while(|&c| is_ident(c)).collect();
            if !name.is_empty() && rest[name.len()..].trim_start().starts_with('{') {
                inline.push((name, depth + 1));
            }
            i = j;
            continue;
        }
        let here: ModPath = me
            .iter()
            .cloned()
            .chain(inline.iter().map(|(n, _)| n.clone()))
            .collect();
        let base: Option<ModPath> = match first.as_str() {
            "crate" => Some(Vec::new()),
            "super" => here.split_last().map(|(_, p)| p.to_vec()),
            "self" => Some(here.clone()),
            name if inline.is_empty() && children.contains(name) => {
                let mut p = me.clone();
                p.push(name.to_string());
                Some(p)
            }
            _ => None,
        };
        let starts_path = chars.get(j) == Some(&':') && chars.get(j + 1) == Some(&':');
        let Some(mut base) = base.filter(|_| starts_path) else {
            i = j;
            continue;
        };
        if !matches!(first.as_str(), "crate" | "super" | "self") {
            // A child's name: already pushed.
        }
        // Further segments.
        let mut k = j;
        let mut tails = Vec::new();
        loop {
            if chars.get(k) == Some(&':') && chars.get(k + 1) == Some(&':') {
                k += 2;
            } else {
                break;
            }
            while chars.get(k).is_some_and(|c| c.is_whitespace()) {
                k += 1;
            }
            if chars.get(k) == Some(&'{') {
                // A group: each top-level entry's first segment.
                let mut d = 0;
                let mut entry = String::new();
                let mut m = k + 1;
                while m < chars.len() {
                    let ch = chars[m];
                    if ch == '{' {
                        d += 1;
                    } else if ch == '}' {
                        if d == 0 {
                            break;
                        }
                        d -= 1;
                    } else if ch == ',' && d == 0 {
                        tails.push(entry.clone());
                        entry.clear();
                        m += 1;
                        continue;
                    }
                    if d == 0 {
                        entry.push(ch);
                    }
                    m += 1;
                }
                tails.push(entry);
                break;
            }
            let seg_start = k;
            while chars.get(k).is_some_and(|&c| is_ident(c)) {
                k += 1;
            }
            if k == seg_start {
                break;
            }
            let seg: String = chars[seg_start..k].iter().collect();
            if seg == "super" {
                base.pop();
            } else {
                base.push(seg);
            }
        }
        if tails.is_empty() {
            found.push(base);
        } else {
            for t in tails {
                let seg: String = t.trim().chars().take_while(|&c| is_ident(c)).collect();
                let mut p = base.clone();
                if !seg.is_empty() && seg != "self" {
                    p.push(seg);
                }
                found.push(p);
            }
        }
        i = k.max(j);
    }
    found
}

/// The longest prefix of `path` that is a file's module.
fn resolve<'a>(path: &ModPath, modules: &'a BTreeMap<ModPath, String>) -> Option<&'a String> {
    (0..=path.len())
        .rev()
        .find_map(|n| modules.get(&path[..n].to_vec()))
}

/// Edges between files (by display name), from their source texts.
fn edges_of(files: &[(ModPath, String, String)]) -> BTreeMap<String, BTreeSet<String>> {
    let modules: BTreeMap<ModPath, String> = files
        .iter()
        .map(|(m, name, _)| (m.clone(), name.clone()))
        .collect();
    let mut edges = BTreeMap::new();
    for (me, name, text) in files {
        let targets: BTreeSet<String> = referenced_paths(me, &code_only(text))
            .iter()
            .filter_map(|p| resolve(p, &modules))
            .filter(|t| *t != name)
            .cloned()
            .collect();
        edges.insert(name.clone(), targets);
    }
    edges
}

/// Every cycle's strongly connected component (Tarjan), each with one cycle through it
/// spelled out, for the failure message.
fn cycles(edges: &BTreeMap<String, BTreeSet<String>>) -> Vec<Vec<String>> {
    struct State<'a> {
        edges: &'a BTreeMap<String, BTreeSet<String>>,
        index: BTreeMap<&'a str, usize>,
        low: BTreeMap<&'a str, usize>,
        stack: Vec<&'a str>,
        on: BTreeSet<&'a str>,
        next: usize,
        out: Vec<Vec<String>>,
    }
    fn visit<'a>(s: &mut State<'a>, v: &'a str) {
        s.index.insert(v, s.next);
        s.low.insert(v, s.next);
        s.next += 1;
        s.stack.push(v);
        s.on.insert(v);
        let edges = s.edges;
        for w in edges.get(v).into_iter().flatten() {
            let w = w.as_str();
            if !s.index.contains_key(w) {
                visit(s, w);
                let lw = s.low[w];
                let lv = s.low.get_mut(v).expect("visited");
                *lv = (*lv).min(lw);
            } else if s.on.contains(w) {
                let iw = s.index[w];
                let lv = s.low.get_mut(v).expect("visited");
                *lv = (*lv).min(iw);
            }
        }
        if s.low[v] == s.index[v] {
            let mut comp = Vec::new();
            while let Some(w) = s.stack.pop() {
                s.on.remove(w);
                comp.push(w.to_string());
                if w == v {
                    break;
                }
            }
            if comp.len() > 1 {
                comp.sort();
                s.out.push(comp);
            }
        }
    }
    let mut s = State {
        edges,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on: BTreeSet::new(),
        next: 0,
        out: Vec::new(),
    };
    for v in edges.keys() {
        if !s.index.contains_key(v.as_str()) {
            visit(&mut s, v);
        }
    }
    s.out
}

/// One cycle inside a component: a shortest path from its first file back to itself.
fn one_cycle(edges: &BTreeMap<String, BTreeSet<String>>, comp: &[String]) -> Vec<String> {
    let inside: BTreeSet<&String> = comp.iter().collect();
    let start = &comp[0];
    let mut prev: BTreeMap<&String, &String> = BTreeMap::new();
    let mut queue = std::collections::VecDeque::from([start]);
    while let Some(v) = queue.pop_front() {
        for w in edges.get(v).into_iter().flatten() {
            if !inside.contains(w) {
                continue;
            }
            if w == start {
                let mut path = vec![start.clone()];
                let mut at = v;
                while at != start {
                    path.push(at.clone());
                    at = prev[at];
                }
                path.push(start.clone());
                path.reverse();
                return path;
            }
            if !prev.contains_key(w) {
                prev.insert(w, v);
                queue.push_back(w);
            }
        }
    }
    comp.to_vec()
}

fn source_files() -> Vec<(ModPath, String, String)> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut paths = Vec::new();
    rust_files(&src, &mut paths);
    paths
        .into_iter()
        .filter_map(|p| {
            let m = module_path(&src, &p)?;
            let name = p
                .strip_prefix(env!("CARGO_MANIFEST_DIR"))
                .unwrap_or(&p)
                .to_string_lossy()
                .trim_start_matches('/')
                .to_string();
            let text = std::fs::read_to_string(&p).expect("source is UTF-8");
            Some((m, name, text))
        })
        .collect()
}

#[test]
fn modules_form_no_import_cycle() {
    let edges = edges_of(&source_files());
    let found = cycles(&edges);
    let report: Vec<String> = found
        .iter()
        .map(|comp| {
            format!(
                "{} files import each other: {}\n  e.g. {}",
                comp.len(),
                comp.join(", "),
                one_cycle(&edges, comp).join(" → ")
            )
        })
        .collect();
    assert!(
        found.is_empty(),
        "import cycles in src/ (move what both sides need below them):\n{}",
        report.join("\n")
    );
}

#[test]
fn no_source_file_is_over_800_lines() {
    let long: Vec<String> = source_files()
        .iter()
        .filter_map(|(_, name, text)| {
            let n = text.lines().count();
            (n > 800).then(|| format!("{name}: {n} lines"))
        })
        .collect();
    assert!(
        long.is_empty(),
        "files over 800 lines (split them by job; tests may move to a sibling tests.rs):\n{}",
        long.join("\n")
    );
}

fn files(list: &[(&str, &str)]) -> Vec<(ModPath, String, String)> {
    let src = Path::new("src");
    list.iter()
        .map(|(path, text)| {
            (
                module_path(src, Path::new(path)).expect("a module"),
                path.to_string(),
                text.to_string(),
            )
        })
        .collect()
}

#[test]
fn the_checker_sees_every_kind_of_edge_and_no_false_one() {
    let lib = files(&[
        (
            "src/lib.rs",
            "pub mod a;\npub mod b;\npub mod c;\npub mod d;\npub mod e;\nuse a::X;",
        ),
        (
            "src/a.rs",
            "use crate::{b::Y, c};\nfn f() { crate::d::g(); }",
        ),
        (
            "src/b.rs",
            "// crate::e::nope\nconst S: &str = \"crate::e::x\";\nconst R: &str = r#\"crate::e\"#;",
        ),
        (
            "src/c.rs",
            "pub mod k;\nfn f() { k::run(); }\n#[cfg(test)]\nmod tests { use super::*; }",
        ),
        ("src/c/k.rs", "use super::super::e::Z;"),
        ("src/d.rs", "fn f<'a>(x: &'a str) -> char { 'c' }"),
        ("src/e.rs", ""),
    ]);
    let edges = edges_of(&lib);
    let to = |f: &str| -> Vec<&str> { edges[f].iter().map(String::as_str).collect() };
    assert_eq!(to("src/lib.rs"), ["src/a.rs"]);
    assert_eq!(to("src/a.rs"), ["src/b.rs", "src/c.rs", "src/d.rs"]);
    assert!(
        to("src/b.rs").is_empty(),
        "comments and strings are not edges"
    );
    // The inline test module's `super::*` is the file itself, not the crate root.
    assert_eq!(to("src/c.rs"), ["src/c/k.rs"]);
    assert_eq!(to("src/c/k.rs"), ["src/e.rs"]);
    assert!(to("src/d.rs").is_empty());
    assert!(cycles(&edges).is_empty());

    // A child reaching back into its parent that uses it is a cycle, and is reported.
    let looped = files(&[
        ("src/lib.rs", "pub mod s;"),
        (
            "src/s/mod.rs",
            "mod http;\npub struct Live;\nfn f() { http::serve(); }",
        ),
        ("src/s/http.rs", "use super::Live;"),
    ]);
    let edges = edges_of(&looped);
    let found = cycles(&edges);
    assert_eq!(
        found,
        [vec![
            "src/s/http.rs".to_string(),
            "src/s/mod.rs".to_string()
        ]]
    );
    assert_eq!(
        one_cycle(&edges, &found[0]),
        ["src/s/http.rs", "src/s/mod.rs", "src/s/http.rs"]
    );
}
