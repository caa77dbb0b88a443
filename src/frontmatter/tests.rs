//! Splitting files and parsing YAML and TOML blocks, with each value's place.

use super::*;
use crate::limits::MAX_NESTING;

#[test]
fn splits_yaml_toml_and_reports_missing_or_unclosed() {
    let s = split("---\ntitle: a\n---\nbody\n").unwrap();
    assert_eq!(
        (s.format, s.block, s.body),
        (Format::Yaml, "title: a\n", "body\n")
    );
    let s = split("+++\ntitle = 'a'\n+++\n").unwrap();
    assert_eq!(
        (s.format, s.block, s.body),
        (Format::Toml, "title = 'a'\n", "")
    );
    let s = split("---  \n---").unwrap();
    assert_eq!((s.block, s.body), ("", ""));
    assert_eq!(split("   \n"), Err(SplitError::Empty));
    assert_eq!(split("# Title\n"), Err(SplitError::Missing));
    assert_eq!(
        split("---\ntitle: a\n"),
        Err(SplitError::Unclosed { delimiter: "---" })
    );
    assert_eq!(
        split("+++\ntitle = 1\n---\n"),
        Err(SplitError::Unclosed { delimiter: "+++" })
    );
}

#[test]
fn normalizes_bom_and_crlf() {
    assert_eq!(
        normalize("\u{feff}---\r\na: 1\r\n---\r\n"),
        "---\na: 1\n---\n"
    );
}

fn find<'a>(map: &'a [(String, Node)], key: &str) -> &'a Node {
    &map.iter().find(|(k, _)| k == key).unwrap().1
}

#[test]
fn yaml_nodes_keep_their_places() {
    let map = parse(Format::Yaml, "title: Hi\npersonas: [eb, champion]\nstages:\n  - awareness\n  - decision\nupdated: 2026-09-01\n").unwrap();
    let personas = find(&map, "personas");
    let Value::Seq(items) = &personas.value else {
        panic!()
    };
    assert_eq!((items[1].line, items[1].col), (2, 16));
    let Value::Seq(items) = &find(&map, "stages").value else {
        panic!()
    };
    assert_eq!((items[1].line, items[1].col), (5, 5));
    assert_eq!(find(&map, "updated").value, Value::Str("2026-09-01".into()));
}

#[test]
fn toml_nodes_keep_their_places_and_dates_become_strings() {
    let map = parse(
        Format::Toml,
        "title = \"Hi\"\npersonas = [\"eb\", \"champion\"]\nupdated = 2026-09-01\n",
    )
    .unwrap();
    let Value::Seq(items) = &find(&map, "personas").value else {
        panic!()
    };
    assert_eq!((items[1].line, items[1].col), (2, 19));
    assert_eq!(find(&map, "updated").value, Value::Str("2026-09-01".into()));
}

/// Nesting up to the limit parses, on a test thread's small stack in a debug build;
/// one level more is a placed error, never a stack overflow.
#[test]
fn nesting_is_bounded_without_overflowing_the_stack() {
    let n = MAX_NESTING - 1; // the top-level map is a level too
    let cases = |n: usize| {
        [
            (
                Format::Yaml,
                format!("a: {}{}\n", "[".repeat(n), "]".repeat(n)),
            ),
            (
                Format::Yaml,
                (0..n).fold(String::new(), |s, i| s + &"  ".repeat(i) + "k:\n"),
            ),
            (
                Format::Toml,
                format!("a = {}{}\n", "[".repeat(n), "]".repeat(n)),
            ),
            (
                Format::Toml,
                format!("a = {}1{}\n", "{b=".repeat(n), "}".repeat(n)),
            ),
            (Format::Toml, format!("{} = 1\n", vec!["a"; n].join("."))),
        ]
    };
    for (format, text) in cases(n) {
        assert!(parse(format, &text).is_ok(), "{format:?} {text:?}");
    }
    for (format, text) in cases(n + 3) {
        let e = parse(format, &text).unwrap_err();
        assert!(e.message.contains("nested more than"), "{format:?}: {e:?}");
        assert!(e.help.is_some());
    }
}

#[test]
fn errors_have_places() {
    let e = parse(Format::Yaml, "title: Hi\npersonas: [eb\n").unwrap_err();
    assert!(e.line >= 2, "{e:?}");
    let e = parse(Format::Yaml, "title: a\ntitle: b\n").unwrap_err();
    assert_eq!(e.line, 2, "{e:?}");
    assert_eq!(e.message, "duplicate key `title`");
    assert_eq!(
        e.help.as_deref(),
        Some("keep one `title`: each key may appear once")
    );
    let e = parse(Format::Toml, "title = \"Hi\"\npersonas = [eb]\n").unwrap_err();
    assert_eq!(e.line, 2, "{e:?}");
    let e = parse(Format::Yaml, "- a\n- b\n").unwrap_err();
    assert!(e.message.contains("must be a map"), "{e:?}");
}

#[test]
fn a_tab_is_reported_where_it_stands() {
    for block in [
        "title: a\nsummary: b\n\tc: d\n",
        "title: a\npersonas:\n\t- champion\n",
    ] {
        let e = parse(Format::Yaml, block).unwrap_err();
        assert_eq!((e.line, e.col), (3, 1), "{block:?}: {e:?}");
        assert!(e.message.contains("tab"), "{e:?}");
    }
}

#[test]
fn plain_scalars_stay_as_written_on_both_paths() {
    for (written, want) in [
        ("No", Value::Str("No".into())),
        ("007", Value::Plain("007".into())),
        ("1e3", Value::Plain("1e3".into())),
        ("0x1F", Value::Plain("0x1F".into())),
        (".inf", Value::Plain(".inf".into())),
        ("~", Value::Plain("~".into())),
        ("true", Value::Plain("true".into())),
        ("y", Value::Str("y".into())),
    ] {
        let block = format!("a: {written}\n");
        let anchored = format!("a: {written}\nb: &x 1\n");
        let fast = plain_yaml(&block).unwrap();
        let full = parse_yaml_fully(&anchored).unwrap();
        for node in [fast, full] {
            let Value::Map(entries) = node.value else {
                panic!("{written}")
            };
            assert_eq!(entries[0].1.value, want, "{written}");
        }
    }
}

#[test]
fn yaml_errors_speak_to_the_author() {
    for block in [
        "? [a, b]\n: c\n",
        "title: !!int abc\n",
        "draft: !!bool yes\n",
        "a: 1\na: 2\n",
        "title: .inf\nx: !!binary aGVsbG8=\ny: &a 1\n",
    ] {
        let words = match parse(Format::Yaml, block) {
            Ok(_) => continue,
            Err(e) => e.message,
        };
        for serde in [
            "Options",
            "policy",
            "u64",
            "i64",
            "f64",
            "strict mode",
            "expected a key",
            "found float",
        ] {
            assert!(!words.contains(serde), "{block:?}: {words}");
        }
    }
    // `.inf` and `!!binary` are not errors at all.
    assert!(parse(Format::Yaml, "title: .inf\nx: !!binary aGVsbG8=\ny: &a 1\n").is_ok());
}
