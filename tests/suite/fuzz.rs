//! Fuzz targets that run on stable Rust, in the normal test suite: property tests
//! (proptest) that feed the front matter splitter and parsers, the plan loader and slug
//! derivation with generated and mutated input, and check that nothing panics and that
//! what comes back keeps its promises; and one that checks the coverage model's
//! invariants (SPEC §2) on random libraries.
//!
//! `cargo test` runs a few hundred cases of each. To fuzz for longer, set
//! `COVERMAP_FUZZ_SECONDS=600` (each target then runs with fresh seeds until the time is
//! up) and pick one target: `cargo test --release --test suite -- fuzz::fuzz_plan`. A failing
//! case is shrunk, printed and, in a long run, saved under `target/fuzz-found/<target>/`;
//! copy it to `tests/fixtures/fuzz-regressions/<target>/`, where every file is replayed
//! through its target on every run.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::common::{fixtures, manifest_dir};
use covermap::asset::{self, Asset, ReadOptions};
use covermap::coverage::{Coverage, Status};
use covermap::date::Date;
use covermap::diagnostics::Diagnostic;
use covermap::frontmatter;
use covermap::plan::{self, Decision, Persona, Plan, Segment, Site, Stage};
use covermap::slug;
use proptest::prelude::*;
use proptest::test_runner::{Config, RngAlgorithm, TestCaseError, TestRng, TestRunner};

/// Runs `test` on values of `strategy`: the default number of cases, or with fresh seeds
/// until `COVERMAP_FUZZ_SECONDS` have passed.
fn fuzz<S>(target: &str, strategy: S, test: impl Fn(&S::Value) -> Result<(), TestCaseError>)
where
    S: Strategy,
    S::Value: std::fmt::Debug + AsText,
{
    let seconds: Option<u64> = std::env::var("COVERMAP_FUZZ_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok());
    let cases = std::env::var("COVERMAP_FUZZ_CASES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(200);
    let config = Config {
        cases,
        failure_persistence: None,
        max_shrink_iters: 4096,
        ..Config::default()
    };
    let started = Instant::now();
    let deadline = seconds.map(|s| started + Duration::from_secs(s));
    let mut total = 0u64;
    let mut round = 0u64;
    loop {
        // Fixed seeds by default (the suite is deterministic); fresh ones when fuzzing long.
        let seed = match deadline {
            Some(_) => started.elapsed().as_nanos() as u64 ^ (round << 32),
            None => 0x00c0_ffee,
        };
        let mut bytes = [0u8; 32];
        bytes[..8].copy_from_slice(&seed.to_le_bytes());
        let rng = TestRng::from_seed(RngAlgorithm::ChaCha, &bytes);
        let mut runner = TestRunner::new_with_rng(config.clone(), rng);
        let result = runner.run(&strategy, |v| test(&v));
        total += u64::from(cases);
        round += 1;
        if let Err(err) = result {
            if let proptest::test_runner::TestError::Fail(_, value) = &err
                && deadline.is_some()
            {
                save_found(target, &value.as_text());
            }
            panic!("{target}: {err}");
        }
        match deadline {
            Some(d) if Instant::now() < d => {}
            _ => break,
        }
    }
    if deadline.is_some() {
        eprintln!(
            "{target}: {total} cases in {:.0} s, no failure",
            started.elapsed().as_secs_f64()
        );
    }
}

/// A failing input as the text of a regression file.
trait AsText {
    fn as_text(&self) -> String;
}

impl AsText for String {
    fn as_text(&self) -> String {
        self.clone()
    }
}

impl AsText for Vec<String> {
    fn as_text(&self) -> String {
        self.join("\n")
    }
}

impl AsText for Library {
    fn as_text(&self) -> String {
        format!("{self:#?}")
    }
}

fn save_found(target: &str, text: &str) {
    let dir = manifest_dir().join("target/fuzz-found").join(target);
    let _ = std::fs::create_dir_all(&dir);
    let name = format!("case-{:016x}", fxhash(text.as_bytes()));
    let _ = std::fs::write(dir.join(&name), text);
    eprintln!(
        "{target}: failing input saved as {}",
        dir.join(name).display()
    );
}

fn fxhash(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// Every regression input saved for a target.
fn regressions(target: &str) -> Vec<(PathBuf, String)> {
    let dir = fixtures().join("fuzz-regressions").join(target);
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return Vec::new();
    };
    let mut found: Vec<(PathBuf, String)> = entries
        .map(|e| e.expect("directory entry").path())
        .filter(|p| p.is_file())
        .map(|p| {
            let bytes = std::fs::read(&p).expect("read regression input");
            (p, String::from_utf8_lossy(&bytes).into_owned())
        })
        .collect();
    found.sort();
    found
}

// ── Generated and mutated text ─────────────────────────────────────────────────────

/// Fragments that matter to the front matter and plan grammars, and hostile ones.
const TOKENS: &[&str] = &[
    "---\n",
    "+++\n",
    "...\n",
    "\n",
    "\r\n",
    "\u{feff}",
    "  ",
    "\t",
    "- ",
    ": ",
    " = ",
    ",",
    "[",
    "]",
    "{",
    "}",
    "\"",
    "'",
    "\"\"\"",
    "'''",
    "\\",
    "#",
    "&a ",
    "*a",
    "<<: *a",
    "!!str ",
    "!!binary ",
    "? ",
    "|\n",
    ">-\n",
    "%YAML 1.2\n",
    "~",
    "null",
    "true",
    "no",
    ".inf",
    "-0",
    "1.5e309",
    "0x1F",
    "99999999999999999999",
    "2026-11-01",
    "2026-02-30",
    "2026-11-01T10:00:00Z",
    "title",
    "title: ",
    "title = ",
    "personas: ",
    "persona = ",
    "stages: [",
    "segments: all",
    "objections: ",
    "tags: ",
    "tags = [",
    "slug: ",
    "slug = ",
    "url: ",
    "draft: ",
    "review_by: ",
    "updated: ",
    "audience: ",
    "type: ",
    "summary: ",
    "all",
    "economic-buyer",
    "champion",
    "CFO",
    "awareness",
    "decision",
    "enterprise",
    "smb",
    "price",
    "../",
    "/",
    "..",
    "a/b",
    "é",
    "€",
    "😀",
    "\u{202e}",
    "\u{200b}",
    "\u{1b}[2J",
    "\0",
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "javascript:alert(1)",
    "=cmd|' /C calc'!A0",
    "[site]\n",
    "[plan]\n",
    "[coverage]\n",
    "[[stages]]\n",
    "[[personas]]\n",
    "[[segments]]\n",
    "[[decisions]]\n",
    "[[objections]]\n",
    "id = ",
    "name = ",
    "pipeline = ",
    "weights = { ",
    "target = ",
    "why = ",
    "heard = ",
    "aliases = [",
    "as_of = ",
    "currency = ",
    "theme = ",
    "raw_html = true\n",
    "a.b.c = 1\n",
    "<div>",
    "</div>",
    "<!--",
    "-->",
    "```\n",
    "> ",
    "| a | b |\n|---|---|\n",
    "[x](javascript:alert(1))",
    "![i](data:text/html,x)",
];

fn token() -> impl Strategy<Value = String> {
    prop_oneof![
        8 => proptest::sample::select(TOKENS).prop_map(str::to_string),
        2 => "[a-z0-9-]{1,12}",
        1 => any::<char>().prop_map(String::from),
        1 => "\\PC{0,6}",
    ]
}

/// Text made of tokens: likely to get far into the parsers.
fn token_text(max: usize) -> impl Strategy<Value = String> {
    proptest::collection::vec(token(), 0..max).prop_map(|t| t.concat())
}

#[derive(Debug, Clone)]
enum Edit {
    Insert(usize, String),
    Delete(usize, usize),
    Duplicate(usize, usize),
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        3 => (any::<usize>(), token()).prop_map(|(at, t)| Edit::Insert(at, t)),
        2 => (any::<usize>(), 1usize..40).prop_map(|(at, n)| Edit::Delete(at, n)),
        1 => (any::<usize>(), 1usize..80).prop_map(|(at, n)| Edit::Duplicate(at, n)),
    ]
}

/// The char boundary at or before `at % (len + 1)`.
fn boundary(s: &str, at: usize) -> usize {
    let mut at = at % (s.len() + 1);
    while !s.is_char_boundary(at) {
        at -= 1;
    }
    at
}

fn apply(seed: &str, edits: &[Edit]) -> String {
    let mut s = seed.to_string();
    for e in edits {
        match e {
            Edit::Insert(at, t) => {
                let at = boundary(&s, *at);
                s.insert_str(at, t);
            }
            Edit::Delete(at, n) => {
                let a = boundary(&s, *at);
                let b = boundary(&s, (a + n).min(s.len()));
                if b > a {
                    s.replace_range(a..b, "");
                }
            }
            Edit::Duplicate(at, n) => {
                let a = boundary(&s, *at);
                let b = boundary(&s, (a + n).min(s.len()));
                let copy = s[a..b].to_string();
                s.insert_str(b, &copy);
            }
        }
    }
    s
}

/// Seeds mutated by a few edits, or text made of tokens.
fn mutated(seeds: Vec<String>) -> impl Strategy<Value = String> {
    prop_oneof![
        3 => (proptest::sample::select(seeds), proptest::collection::vec(edit(), 0..8))
            .prop_map(|(seed, edits)| apply(&seed, &edits)),
        1 => token_text(60),
    ]
}

/// Every file of a kind under the fixtures and the sample library, as seeds.
fn seeds(extension: &str) -> Vec<String> {
    let root = manifest_dir();
    let mut seeds: Vec<String> = walkdir::WalkDir::new(root.join("tests/fixtures"))
        .into_iter()
        .chain(walkdir::WalkDir::new(root.join("content")).max_depth(2))
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == extension))
        .filter_map(|e| std::fs::read_to_string(e.path()).ok())
        .filter(|t| t.len() < 16_000)
        .collect();
    if extension == "toml" {
        seeds.extend(std::fs::read_to_string(root.join("plan.toml")));
    }
    seeds.sort();
    seeds.dedup();
    assert!(!seeds.is_empty(), "no .{extension} seeds");
    seeds
}

// ── Checks shared by the targets ───────────────────────────────────────────────────

/// A diagnostic points inside the text it is about, and prints as inert text.
fn check_diagnostic(d: &Diagnostic, text: Option<&str>) -> Result<(), TestCaseError> {
    if let (Some(line), Some(text)) = (d.line, text) {
        let lines = text.lines().count() as u32 + 1;
        prop_assert!(
            line >= 1 && line <= lines.max(1),
            "line {line} of {lines}: {d:?}"
        );
    }
    prop_assert!(d.col.is_none_or(|c| c >= 1), "column 0: {d:?}");
    prop_assert!(
        !d.message.is_empty() || d.path.as_os_str().is_empty(),
        "{d:?}"
    );
    if d.is_error() {
        prop_assert!(d.help.is_some(), "an error without help: {d:?}");
    }
    let shown = d.render(false);
    prop_assert!(
        !shown
            .chars()
            .any(|c| (c.is_control() && c != '\n' && c != '\t')
                || covermap::diagnostics::is_bidi_control(c)),
        "control characters reach the terminal: {shown:?}"
    );
    Ok(())
}

fn test_plan() -> Plan {
    let text = std::fs::read_to_string(fixtures().join("valid-small/plan.toml"))
        .expect("valid-small plan");
    plan::parse(&text, None)
        .valid()
        .expect("valid-small plan is valid")
}

// ── Target: front matter splitter, parsers and the asset reader ────────────────────

fn check_asset_text(text: &str, plan: &Plan) -> Result<(), TestCaseError> {
    let normalized = frontmatter::normalize(text);
    if let Ok(split) = frontmatter::split(&normalized) {
        prop_assert!(split.block.len() + split.body.len() <= normalized.len());
        let _ = frontmatter::parse(split.format, split.block);
        // The fast reading of common YAML agrees with serde-saphyr wherever it reads.
        if split.format == frontmatter::Format::Yaml
            && let Some(node) = frontmatter::plain_yaml(split.block)
        {
            prop_assert_eq!(
                Ok(node),
                frontmatter::parse_yaml_fully(split.block),
                "{:?}",
                split.block
            );
        }
    }
    for raw_html in [false, true] {
        let (read, diags) = asset::read(
            Path::new("content/fuzz/x.md"),
            Path::new("fuzz/x.md"),
            text,
            Some(plan),
            ReadOptions { raw_html },
        );
        for d in &diags {
            check_diagnostic(d, Some(&normalized))?;
        }
        // A redirect stub or feed template is no asset and no error: it is skipped.
        let skipped = diags
            .iter()
            .any(|d| d.code == covermap::diagnostics::codes::Code::PageSkipped);
        prop_assert!(
            !(skipped && read.is_some()),
            "a skipped page read as an asset"
        );
        prop_assert_eq!(
            read.is_some() || skipped,
            !diags.iter().any(Diagnostic::is_error),
            "an asset with errors, or none without: {:?}",
            diags
        );
        if let Some(a) = read {
            prop_assert!(slug::check_slug(&a.slug).is_ok(), "slug {:?}", a.slug);
            prop_assert!(a.tags.len() <= covermap::limits::MAX_LIST_VALUES);
            if let Some(url) = &a.url {
                prop_assert!(covermap::markdown::is_safe_url(url), "url {url:?}");
            }
            // The body as its page renders it (it is read again then, not kept).
            let body_html = match frontmatter::split(&normalized) {
                Ok(s) => covermap::markdown::render(s.body, raw_html).html,
                Err(frontmatter::SplitError::Missing) => {
                    covermap::markdown::render(&normalized, raw_html).html
                }
                Err(_) => String::new(),
            };
            // A page without front matter is all body.
            prop_assert_eq!(
                a.body_hash,
                match frontmatter::split(&normalized) {
                    Ok(s) => asset::body_hash(s.body),
                    Err(frontmatter::SplitError::Missing) => asset::body_hash(&normalized),
                    Err(_) => 0,
                }
            );
            for link in links(&body_html) {
                prop_assert!(
                    covermap::markdown::is_safe_url(&link),
                    "unsafe link {link:?} in {}",
                    body_html
                );
            }
            if !raw_html {
                let html = body_html.to_ascii_lowercase();
                prop_assert!(!html.contains("<script"), "script in {html}");
                prop_assert!(!has_event_handler(&html), "handler in {html}");
            }
        }
    }
    // Without a plan (it failed to load) the file is still checked, and never panics.
    let _ = asset::read(
        Path::new("content/x.md"),
        Path::new("x.md"),
        text,
        None,
        ReadOptions::default(),
    );
    Ok(())
}

/// Whether a tag in `html` has an `on…=` attribute. Text is escaped (`&lt;`), so every
/// `<` followed by a letter opens a real tag.
fn has_event_handler(html: &str) -> bool {
    let mut rest = html;
    while let Some(at) = rest.find('<') {
        rest = &rest[at + 1..];
        if !rest.starts_with(|c: char| c.is_ascii_alphabetic()) {
            continue;
        }
        let tag = &rest[..rest.find('>').unwrap_or(rest.len())];
        let mut words = tag.split(|c: char| c.is_whitespace() || c == '/').skip(1);
        if words.any(|w| {
            w.len() > 2
                && w.starts_with("on")
                && w[2..]
                    .split('=')
                    .next()
                    .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_alphabetic()))
                && w.contains('=')
        }) {
            return true;
        }
    }
    false
}

/// The values of every `href` and `src` attribute in `html`, entities decoded.
fn links(html: &str) -> Vec<String> {
    let mut found = Vec::new();
    for attr in ["href=\"", "src=\""] {
        let mut rest = html;
        while let Some(at) = rest.find(attr) {
            rest = &rest[at + attr.len()..];
            let end = rest.find('"').unwrap_or(rest.len());
            found.push(decode_entities(&rest[..end]));
        }
    }
    found
}

fn decode_entities(s: &str) -> String {
    let mut out = String::new();
    let mut rest = s;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let end = rest.find(';').filter(|&e| e < 12);
        let decoded = end.and_then(|e| {
            let name = &rest[1..e];
            let code = match name {
                "amp" => Some('&' as u32),
                "lt" => Some('<' as u32),
                "gt" => Some('>' as u32),
                "quot" => Some('"' as u32),
                "colon" => Some(':' as u32),
                _ if name.starts_with("#x") || name.starts_with("#X") => {
                    u32::from_str_radix(&name[2..], 16).ok()
                }
                _ if name.starts_with('#') => name[1..].parse().ok(),
                _ => None,
            };
            code.and_then(char::from_u32).map(|c| (c, e))
        });
        match decoded {
            Some((c, e)) => {
                out.push(c);
                rest = &rest[e + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// The checks above catch what they look for, and only that.
#[test]
fn fuzz_checks_tell_markup_from_text() {
    assert!(has_event_handler("<p>a</p><img src=x onerror=alert(1)>"));
    assert!(has_event_handler("<b\nonclick=\"x\">"));
    assert!(!has_event_handler(
        "<p>a&lt;img src=x onerror=alert(1)&gt;</p>"
    ));
    assert!(!has_event_handler("<a href=\"x\">one=1</a>"));
    assert_eq!(
        links("<a href=\"java&#x73;cript&colon;x\">a</a><img src=\"a.png\">"),
        ["javascript:x", "a.png"]
    );
}

#[test]
fn fuzz_front_matter() {
    let plan = test_plan();
    fuzz("front-matter", mutated(seeds("md")), |text| {
        check_asset_text(text, &plan)
    });
}

// ── Target: the plan loader ────────────────────────────────────────────────────────

fn check_plan_text(text: &str) -> Result<(), TestCaseError> {
    let parsed = plan::parse(text, Date::new(2026, 11, 1));
    for d in &parsed.diagnostics {
        check_diagnostic(d, Some(text))?;
    }
    let valid = parsed.is_valid();
    let Some(p) = parsed.plan else {
        prop_assert!(parsed.diagnostics.iter().any(Diagnostic::is_error));
        return Ok(());
    };
    if !valid {
        return Ok(());
    }
    for ids in [
        p.stages.iter().map(|s| &s.id).collect::<Vec<_>>(),
        p.personas.iter().map(|s| &s.id).collect(),
        p.segments.iter().map(|s| &s.id).collect(),
        p.objections.iter().map(|s| &s.id).collect(),
    ] {
        let mut sorted = ids.clone();
        sorted.sort();
        sorted.dedup();
        prop_assert_eq!(sorted.len(), ids.len(), "duplicate ids");
        prop_assert!(ids.iter().all(|id| plan::is_valid_id(id)), "{ids:?}");
    }
    for s in &p.segments {
        prop_assert!(s.pipeline.is_finite() && s.pipeline >= 0.0);
        prop_assert_eq!(s.personas.len(), s.weights.len());
        prop_assert!(s.personas.iter().all(|&i| i < p.personas.len()));
        prop_assert!(s.stages.iter().all(|&i| i < p.stages.len()));
        prop_assert!(s.weights.iter().all(|w| w.is_finite() && *w > 0.0));
    }
    for d in &p.decisions {
        prop_assert!(d.segment.is_none_or(|i| i < p.segments.len()));
        prop_assert!(d.persona.is_none_or(|i| i < p.personas.len()));
        prop_assert!(d.stage.is_none_or(|i| i < p.stages.len()));
        prop_assert!(!d.why.trim().is_empty());
    }
    prop_assert!(p.decision_conflicts().is_empty());
    check_coverage(&p, &[])?;
    Ok(())
}

#[test]
fn fuzz_plan() {
    fuzz("plan", mutated(seeds("toml")), |text| check_plan_text(text));
}

// ── Target: slugs ──────────────────────────────────────────────────────────────────

fn path_part() -> impl Strategy<Value = String> {
    prop_oneof![
        "[A-Za-z0-9 ._-]{1,12}",
        "\\PC{1,8}",
        proptest::sample::select(&["..", ".", "", "a b", "Ünï", "CON", "a:b", "a\\b", "-"][..])
            .prop_map(str::to_string),
    ]
}

fn check_slug_parts(parts: &[String]) -> Result<(), TestCaseError> {
    let joined = parts.join("/");
    // Any text: checking or suggesting never panics, and a suggestion is itself valid.
    let checked = slug::check_slug(&joined);
    if checked.is_ok() {
        // Letters and digits of any script, none upper case (issue 13: Unicode slugs).
        let slug_char = |c: char| {
            c.is_ascii_lowercase()
                || c.is_ascii_digit()
                || c == '-'
                || c == '/'
                || (!c.is_ascii() && c.is_alphanumeric() && !c.is_uppercase())
        };
        prop_assert!(joined.chars().all(slug_char), "{joined:?}");
        prop_assert!(!joined.split('/').any(|p| p.is_empty() || p == ".."));
        prop_assert!(
            covermap::output::check_site_path(&format!("library/{}/index.html", joined)).is_ok(),
            "{joined:?}"
        );
    }
    if let Some(good) = slug::suggest_slug(&joined) {
        prop_assert!(slug::check_slug(&good).is_ok(), "suggested {good:?}");
    }
    // A path a listing can produce (plain, visible names) always gives a valid slug.
    let listable = parts.iter().all(|p| {
        !p.is_empty()
            && !p.contains(['/', '\0'])
            && !covermap::library::is_ignored(std::ffi::OsStr::new(p))
    });
    if listable {
        let file = format!("{joined}.md");
        let slug = slug::slug_from_path(Path::new(&file));
        prop_assert!(slug::check_slug(&slug).is_ok(), "{file:?} gave {slug:?}");
        prop_assert!(
            covermap::output::check_site_path(&format!("library/{}/index.html", slug)).is_ok(),
            "{slug:?}"
        );
    }
    Ok(())
}

#[test]
fn fuzz_slugs() {
    fuzz(
        "slugs",
        proptest::collection::vec(path_part(), 1..5),
        |parts| check_slug_parts(parts),
    );
}

// ── Target: the coverage model on random libraries ─────────────────────────────────

/// A random plan and assets, built as plain data.
#[derive(Debug, Clone)]
struct Library {
    plan: Plan,
    assets: Vec<Asset>,
}

fn ids(prefix: &str, n: usize) -> Vec<String> {
    (0..n).map(|i| format!("{prefix}{i}")).collect()
}

fn pick(n: usize) -> impl Strategy<Value = Option<Vec<usize>>> {
    prop_oneof![
        1 => Just(None),
        6 => proptest::collection::btree_set(0..n, 0..=n).prop_map(|s| Some(s.into_iter().collect())),
    ]
}

fn library() -> impl Strategy<Value = Library> {
    (1usize..4, 1usize..5, 1usize..5, 0u32..4, any::<bool>())
        .prop_flat_map(|(nseg, nper, nstg, target, count_stale)| {
            let segment = (
                prop_oneof![Just(0.0), 0.0..5e6f64, Just(1e12)],
                proptest::collection::btree_set(0..nper, 1..=nper),
                proptest::collection::btree_set(0..nstg, 1..=nstg),
                proptest::collection::vec(prop_oneof![Just(1.0), 0.01..10.0f64], nper),
            );
            let decision = (
                proptest::option::of(0..nseg),
                proptest::option::of(0..nper),
                proptest::option::of(0..nstg),
                0u32..4,
                proptest::option::of(0i64..3),
            );
            let asset = (
                pick(nseg),
                pick(nper),
                pick(nstg),
                any::<bool>(),
                any::<bool>(),
            );
            (
                Just((nseg, nper, nstg, target, count_stale)),
                proptest::collection::vec(segment, nseg),
                proptest::collection::vec(decision, 0..5),
                proptest::collection::vec(asset, 0..12),
            )
        })
        .prop_map(
            |((nseg, nper, nstg, target, count_stale), segs, decs, assets)| {
                let as_of = Date::new(2026, 11, 1).expect("a date");
                let mut decisions: Vec<Decision> = Vec::new();
                for (i, (segment, persona, stage, target, lapse)) in decs.into_iter().enumerate() {
                    let d = Decision {
                        segment,
                        persona,
                        stage,
                        target,
                        why: "because".into(),
                        owner: None,
                        decided: None,
                        review_by: lapse.map(|n| Date::from_days_since_epoch(20_393 + n)),
                        line: i as u32 + 1,
                    };
                    // Keep the plan valid: drop a decision that would conflict.
                    let conflicts = decisions.iter().any(|e| {
                        e.specificity() == d.specificity()
                            && e.target != d.target
                            && [
                                (e.segment, d.segment),
                                (e.persona, d.persona),
                                (e.stage, d.stage),
                            ]
                            .iter()
                            .all(|(a, b)| a.is_none() || b.is_none() || a == b)
                    });
                    if !conflicts {
                        decisions.push(d);
                    }
                }
                let plan = Plan {
                    site: Site {
                        title: "T".into(),
                        base_url: "/".into(),
                        theme: "default".into(),
                        theme_span: None,
                        raw_html: false,
                        robots: Default::default(),
                        sort: Default::default(),
                        language: "en".into(),
                        request_url: None,
                    },
                    title: "P".into(),
                    currency: "USD".into(),
                    revenue_goal: None,
                    qualified_lead: None,
                    as_of,
                    target,
                    count_stale,
                    stages: ids("t", nstg)
                        .into_iter()
                        .map(|id| Stage {
                            name: id.clone(),
                            id,
                            description: None,
                        })
                        .collect(),
                    personas: ids("p", nper)
                        .into_iter()
                        .map(|id| Persona {
                            name: id.clone(),
                            id,
                            description: None,
                            aliases: vec![],
                        })
                        .collect(),
                    segments: segs
                        .into_iter()
                        .enumerate()
                        .map(|(i, (pipeline, personas, stages, weights))| {
                            let personas: Vec<usize> = personas.into_iter().collect();
                            Segment {
                                id: format!("s{i}"),
                                name: format!("S{i}"),
                                description: None,
                                pipeline,
                                weights: personas.iter().map(|&p| weights[p]).collect(),
                                personas,
                                stages: stages.into_iter().collect(),
                            }
                        })
                        .collect(),
                    decisions,
                    objections: vec![],
                    adoption: Default::default(),
                    history: None,
                    freshness: Default::default(),
                };
                let _ = nseg;
                let assets = assets
                    .into_iter()
                    .enumerate()
                    .map(|(i, (segments, personas, stages, draft, stale))| Asset {
                        title: format!("A{i}"),
                        personas,
                        stages,
                        segments,
                        draft,
                        stale,
                        ..Asset::new(&format!("a{i}"))
                    })
                    .collect();
                Library { plan, assets }
            },
        )
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-6 * (1.0 + a.abs().max(b.abs()))
}

/// SPEC §2's invariants, on any plan and assets.
fn check_coverage(plan: &Plan, assets: &[Asset]) -> Result<(), TestCaseError> {
    let cov = Coverage::compute(plan, assets);
    let s = &cov.summary;
    let expected_cells: usize = plan
        .segments
        .iter()
        .map(|g| g.personas.len() * g.stages.len())
        .sum();
    prop_assert_eq!(cov.cells.len(), expected_cells);
    prop_assert_eq!(s.cells, cov.cells.len());
    prop_assert_eq!(s.covered + s.thin + s.gap + s.waived, s.cells);
    for c in &cov.cells {
        match c.fill {
            Some(f) => {
                prop_assert!((0.0..=1.0).contains(&f), "fill {f}");
                prop_assert!(c.target > 0);
            }
            None => prop_assert_eq!(c.target, 0),
        }
        let status = match (c.target, c.count()) {
            (0, _) => Status::Waived,
            (_, 0) => Status::Gap,
            (t, n) if n >= t as usize => Status::Covered,
            _ => Status::Thin,
        };
        prop_assert_eq!(c.status, status);
        prop_assert!(c.pipeline_at_stake >= 0.0 && c.pipeline_at_stake.is_finite());
        for &a in &c.assets {
            let a = &assets[a];
            prop_assert!(!a.draft && (!a.stale || plan.count_stale));
        }
    }
    let mut stake_total = 0.0;
    for seg in &cov.segments {
        let g = &plan.segments[seg.segment];
        let stake: f64 = cov.cells[seg.cells.clone()]
            .iter()
            .map(|c| c.pipeline_at_stake)
            .sum();
        stake_total += stake;
        prop_assert!(close(stake, seg.pipeline_at_stake));
        match seg.coverage {
            Some(c) => {
                prop_assert!((0.0..=1.0).contains(&c), "coverage {c}");
                prop_assert!(
                    close(stake, g.pipeline * (1.0 - c)),
                    "Σ stake {stake} ≠ pipeline {} × (1 − {c})",
                    g.pipeline
                );
            }
            None => prop_assert!(close(stake, 0.0)),
        }
        if let Some(b) = seg.buying_group_coverage {
            prop_assert!(
                seg.personas
                    .iter()
                    .filter_map(|p| p.coverage)
                    .all(|p| b <= p)
            );
        }
    }
    prop_assert!(close(stake_total, s.pipeline_at_stake));
    for c in [s.coverage, s.pipeline_weighted_coverage]
        .into_iter()
        .flatten()
    {
        prop_assert!((0.0..=1.0 + 1e-12).contains(&c), "{c}");
    }
    // The gap list: exactly the cells below target, largest stake first, ties in order.
    let below: Vec<usize> = (0..cov.cells.len())
        .filter(|&i| cov.cells[i].fill.is_some_and(|f| f < 1.0))
        .collect();
    let mut listed = cov.gaps.clone();
    listed.sort_unstable();
    prop_assert_eq!(listed, below);
    for w in cov.gaps.windows(2) {
        let (a, b) = (&cov.cells[w[0]], &cov.cells[w[1]]);
        prop_assert!(
            a.pipeline_at_stake > b.pipeline_at_stake
                || (a.pipeline_at_stake == b.pipeline_at_stake && w[0] < w[1])
        );
    }
    Ok(())
}

#[test]
fn fuzz_coverage_invariants() {
    fuzz("coverage", library(), |lib| {
        check_coverage(&lib.plan, &lib.assets)
    });
}

// ── Regression inputs ──────────────────────────────────────────────────────────────

#[test]
fn fuzz_regressions_replay() {
    let plan = test_plan();
    let mut replayed = 0;
    for (path, text) in regressions("front-matter") {
        check_asset_text(&text, &plan).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        replayed += 1;
    }
    for (path, text) in regressions("plan") {
        check_plan_text(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        replayed += 1;
    }
    for (path, text) in regressions("slugs") {
        let parts: Vec<String> = text.lines().map(str::to_string).collect();
        check_slug_parts(&parts).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        replayed += 1;
    }
    eprintln!("replayed {replayed} regression inputs");
}
