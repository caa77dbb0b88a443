//! The judgements `init --from` makes, one by one: the content folder from the pages'
//! paths, the generator from its config, a free output folder, and the mapping drafted
//! from the keys seen.

use std::collections::BTreeMap;

use super::detect::{self, Generator};
use super::mapping;
use super::scan::{self, KeyStat, Scan};

fn rels(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| (*s).to_string()).collect()
}

#[test]
fn the_content_folder_is_the_one_all_pages_share() {
    let cases: &[(&[&str], &str)] = &[
        (&["content/a.md", "content/b/c.md", "README.md"], "content"),
        (&["docs/a.md", "blog/b.mdx", "README.md"], "."),
        (
            &["src/content/blog/a.md", "src/content/docs/b.md"],
            "src/content",
        ),
        (&["src/pages/a.md", "src/content/b.md"], "src"),
        (&["_posts/2026-01-01-a.md"], "_posts"),
        (&["index.md", "about/index.md"], "."),
        (&["README.md"], "."),
    ];
    for (pages, want) in cases {
        assert_eq!(scan::content_dir(&rels(pages)), *want, "{pages:?}");
    }
    assert_eq!(
        scan::in_content(rels(&["README.md", "a.md", "x/b.md"]), "."),
        rels(&["a.md", "x/b.md"])
    );
    assert_eq!(
        scan::in_content(rels(&["README.md"]), "."),
        rels(&["README.md"])
    );
    assert_eq!(
        scan::in_content(rels(&["docs/a.md", "docsx/b.md", "c.md"]), "docs"),
        rels(&["docs/a.md"])
    );
}

#[test]
fn generators_and_free_output_folders() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    assert_eq!(detect::generator(root).0, Generator::Plain);
    assert_eq!(detect::free_output(root, Generator::Plain), "public");
    // config.toml alone is not Hugo's: many tools have one.
    std::fs::write(root.join("config.toml"), "").unwrap();
    assert_eq!(detect::generator(root).0, Generator::Plain);
    std::fs::create_dir(root.join("content")).unwrap();
    assert_eq!(
        detect::generator(root),
        (Generator::Hugo, Some("config.toml".to_string()))
    );
    assert_eq!(detect::free_output(root, Generator::Hugo), "covermap-site");
    std::fs::create_dir(root.join("covermap-site")).unwrap();
    assert_eq!(
        detect::free_output(root, Generator::Hugo),
        "covermap-site-2"
    );
    std::fs::create_dir(root.join("public")).unwrap();
    assert_eq!(
        detect::free_output(root, Generator::Plain),
        "covermap-site-2"
    );
    // A folder named like an output holding a built index.html is a built site.
    std::fs::create_dir(root.join("dist")).unwrap();
    std::fs::write(root.join("dist/index.html"), "").unwrap();
    assert_eq!(detect::outputs(root, Generator::Plain), ["dist"]);
    assert_eq!(detect::outputs(root, Generator::Hugo), ["dist", "public"]);
}

/// A scan whose keys are given as (key, spelling, values).
fn scan_of(keys: &[(&str, &str, &[&str])]) -> Scan {
    let mut s = Scan::default();
    for (k, spelling, values) in keys {
        let mut stat = KeyStat {
            pages: values.len().max(1),
            spellings: BTreeMap::from([((*spelling).to_string(), values.len().max(1))]),
            ..KeyStat::default()
        };
        for v in *values {
            *stat.values.entry((*v).to_string()).or_default() += 1;
            stat.path_values += usize::from(v.starts_with('/'));
            stat.bool_values += usize::from(*v == "true" || *v == "false");
        }
        s.keys.insert((*k).to_string(), stat);
    }
    s
}

#[test]
fn the_mapping_follows_the_keys_seen() {
    let m = mapping::draft(
        &scan_of(&[
            ("description", "description", &["a"]),
            ("lastmod", "lastmod", &["2026-01-01"]),
            ("date", "Date", &["2026-01-01"]),
            ("externalurl", "externalUrl", &["https://x"]),
            ("published", "published", &["false"]),
            ("stage", "stage", &["Awareness", "decision"]),
            ("weight", "weight", &["1", "2"]),
        ]),
        "content",
    );
    assert_eq!(
        m.aliases,
        [
            ("summary".to_string(), vec!["description".to_string()]),
            ("updated".into(), vec!["lastmod".into(), "Date".into()]),
            ("url".into(), vec!["externalUrl".into()]),
            ("draft".into(), vec!["!published".into()]),
        ]
    );
    // Buying-stage values: covermap reads their `stage` as its own.
    assert!(m.renames.is_empty());
    assert_eq!(m.left, [("weight".to_string(), 2)]);
}

#[test]
fn clashing_keys_are_renamed_away() {
    let m = mapping::draft(
        &scan_of(&[
            ("stage", "stage", &["alpha", "GA", "GA"]),
            ("url", "url", &["/a/", "/b/"]),
            ("externalurl", "externalUrl", &["https://x"]),
        ]),
        ".",
    );
    assert_eq!(
        m.renames,
        [
            ("url".to_string(), "externalUrl".to_string()),
            ("stage".into(), "buying_stage".into())
        ]
    );
    assert!(m.aliases.is_empty(), "{:?}", m.aliases);
    assert_eq!(m.reasons.len(), 2);
}

#[test]
fn the_site_title_comes_from_a_plain_title_line() {
    let tmp = tempfile::tempdir().unwrap();
    let cases = [
        (
            "hugo.toml",
            "baseURL = \"/\"\ntitle = \"Field Notes\"\n",
            Some("Field Notes"),
        ),
        (
            "_config.yml",
            "title: Contoso Stories\n",
            Some("Contoso Stories"),
        ),
        (
            "docusaurus.config.js",
            "module.exports = {\n  title: 'Litware',\n};\n",
            Some("Litware"),
        ),
        ("a.yml", "title: \"{{ site.name }}\"\n", None),
        ("b.yml", "name: x\n", None),
    ];
    for (file, text, want) in cases {
        std::fs::write(tmp.path().join(file), text).unwrap();
        assert_eq!(
            detect::site_title(tmp.path(), Some(file)).as_deref(),
            want,
            "{file}"
        );
    }
    assert_eq!(detect::site_title(tmp.path(), None), None);
}
