//! Search that forgives (issue 15): the browser's query stemmer gives the index's stems,
//! and recall in Chromium (stemming, typos, plan names and aliases, several words, CJK,
//! "did you mean", sort) on the sample library and a CJK fixture, with the result sets
//! asserted (`tests/browser/search_recall.mjs`).

use std::collections::BTreeSet;
use std::process::Command;

use crate::common::manifest_dir;
use covermap::search::stem;

/// Lowercase a–z/0–9 words of `text`.
fn words(text: &str, out: &mut BTreeSet<String>) {
    for w in text.split(|c: char| !c.is_ascii_alphanumeric()) {
        let w = w.to_ascii_lowercase();
        if !w.is_empty() && w.len() <= 40 {
            out.insert(w);
        }
    }
}

/// The stemmer parity test: every word of the sample library (plan, content, README,
/// docs) and of a hand-written list exercising each Porter2 step, stemmed by the Rust
/// crate the index uses and by the theme's `stem.js` in Node: the same stems.
#[test]
fn the_browser_stems_as_the_index_does() {
    let root = manifest_dir();
    let mut all = BTreeSet::new();
    words(
        &std::fs::read_to_string(root.join("tests/suite/stem_words.txt")).unwrap(),
        &mut all,
    );
    let hand = all.len();
    for dir in ["content", "docs"] {
        for e in walkdir::WalkDir::new(root.join(dir)).into_iter().flatten() {
            if e.file_type().is_file()
                && let Ok(text) = std::fs::read_to_string(e.path())
            {
                words(&text, &mut all);
            }
        }
    }
    for f in ["plan.toml", "README.md", "BENCHMARKS.md"] {
        words(&std::fs::read_to_string(root.join(f)).unwrap(), &mut all);
    }
    assert!(
        all.len() > 3000 + hand / 10,
        "a few thousand words: {}",
        all.len()
    );
    let list: Vec<&String> = all.iter().collect();
    let input = list
        .iter()
        .map(|s| s.as_str())
        .collect::<Vec<_>>()
        .join("\n");
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("words.txt");
    std::fs::write(&file, &input).unwrap();
    let script = format!(
        "const stem = require({:?}); const fs = require('fs'); \
         process.stdout.write(fs.readFileSync({:?}, 'utf8').split('\\n').map(stem).join('\\n'));",
        root.join("themes/default/static/stem.js"),
        file
    );
    let out = Command::new("node")
        .arg("-e")
        .arg(script)
        .output()
        .expect("the stemmer parity test needs Node (apt-get install -y nodejs)");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let js = String::from_utf8(out.stdout).unwrap();
    let js: Vec<&str> = js.split('\n').collect();
    assert_eq!(js.len(), list.len());
    let differ: Vec<String> = list
        .iter()
        .zip(&js)
        .filter(|(w, j)| stem(w) != **j)
        .map(|(w, j)| format!("{w}: rust {} js {j}", stem(w)))
        .collect();
    assert!(
        differ.is_empty(),
        "{} of {} words differ:\n{}",
        differ.len(),
        list.len(),
        differ.join("\n")
    );
}
