//! The plain YAML fast path reads every block it accepts as serde-saphyr does.

use super::*;

/// Every YAML front matter block of the repository's libraries (the sample, every
/// fixture, the fuzz regressions), and variations of common shapes.
fn blocks() -> Vec<String> {
    let mut out = Vec::new();
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    for dir in ["content", "tests/fixtures", "src/init"] {
        for e in walkdir::WalkDir::new(root.join(dir))
            .into_iter()
            .filter_map(Result::ok)
        {
            let Ok(text) = std::fs::read_to_string(e.path()) else {
                continue;
            };
            let text = normalize(&text).into_owned();
            if let Ok(s) = split(&text)
                && s.format == Format::Yaml
            {
                out.push(s.block.to_string());
            }
        }
    }
    let values = [
        "plain words",
        "\"quoted: text\"",
        "'single'",
        "2026-09-01",
        "2026-9-1",
        "12",
        "012",
        "0",
        "-3",
        "+4",
        "1.5",
        "1e3",
        ".inf",
        "nan",
        "Inf",
        "yes",
        "No",
        "y",
        "n",
        "ON",
        "off",
        "true",
        "False",
        "null",
        "~",
        "",
        "[a, b]",
        "[]",
        "[1, two]",
        "{a: 1}",
        "{}",
        "x # comment",
        "é-accent",
        "_under",
        "0x1F",
        "0o7",
        "1_000",
        "\"\"",
        "|\n  block\n  text",
        ">\n  folded",
        "[a, [b, c]]",
        "&a x",
        "*a",
        "!!str 1",
        "!tag x",
        "a: b: c",
        "123456789012345678",
        "1234567890123456789",
    ];
    for v in values {
        out.push(format!("title: {v}\n"));
        out.push(format!("tags:\n  - {v}\n  - other\n"));
        out.push(format!("{v}: key\n"));
        out.push(format!("a: 1\nextra:\n  nested: {v}\n"));
    }
    out.push("title: a\ntitle: b\n".into());
    out.push("---\na: 1\n---\nb: 2\n".into());
    out.push("- a\n- b\n".into());
    out.push("just text\n".into());
    out.push("a: [b, {c: d}]\n".into());
    out
}

#[test]
fn plain_yaml_reads_as_serde_saphyr_does() {
    let mut fast = 0;
    for block in blocks() {
        if let Some(node) = plain_yaml(&block) {
            fast += 1;
            assert_eq!(Ok(node), parse_yaml_fully(&block), "{block:?}");
        }
    }
    assert!(fast > 100, "the fast path took only {fast} blocks");
}

#[test]
fn common_front_matter_takes_the_fast_path() {
    let block = "title: \"Mid-market ROI calculator\"\ntype: calculator\npersonas: [economic-buyer, champion]\nstages: [evaluation, decision]\nsegments: all\nobjections: [price]\nsummary: Three-year cost model.\naudience: external\nowner: \"Product Marketing\"\nupdated: 2026-09-01\nreview_by: 2027-03-01\ndraft: false\ntags: [roi, finance]\nheard: 34\n";
    assert!(plain_yaml(block).is_some());
    for unusual in ["a: &x 1\nb: *x\n", "a: !!str 1\n", "a: b\na: c\n"] {
        assert!(plain_yaml(unusual).is_none(), "{unusual:?}");
    }
}
