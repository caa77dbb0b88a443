//! Hostile content stays inert: a library whose titles, summaries, owners, tags, types,
//! extra keys, URLs, bodies and plan names carry HTML, quotes, `</script>`, script URLs,
//! spreadsheet formulas and terminal escapes is built, and every output is checked where
//! that text lands: page markup and attributes, JSON (on its own and embedded in pages),
//! the search files, CSV, and the terminal. Every page carries the Content-Security-Policy.

use crate::common::{TestLib, covermap, tree};
use std::fs;
use std::path::Path;

/// The policy every page must carry (themes/default/templates/base.html).
const CSP: &str = "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; media-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'\">";

const PLAN: &str = r#"
[site]
title = "Lib <script>alert('site')</script>"

[plan]
title = "Plan \" onmouseover=\"alert('plan')"
as_of = 2026-11-01
qualified_lead = "</script><script>alert('lead')</script>"

[[stages]]
id = "decision"
name = "<img src=x onerror=alert('stage')>"

[[personas]]
id = "champion"
name = "Champion \u001b[2J\u001b]0;pwned\u0007"
description = "' onfocus='alert(1)"

[[segments]]
id = "-cmd"
name = "=HYPERLINK(\"http://evil.example\")"
pipeline = 1000

[[decisions]]
persona = "champion"
stage = "decision"
target = 2
why = "<a href=\"javascript:alert('why')\">why</a>"

[[objections]]
id = "price"
text = "@SUM(1+1) <b onclick=alert('obj')>"
heard = 3
"#;

const ASSET: &str = r#"---
title: "<img src=x onerror=alert('title')> \" onmouseover=\"alert('t2')"
type: "<svg onload=alert('type')>"
summary: "</script><script>alert('summary')</script>"
owner: "' onfocus='alert(`owner`)"
personas: [champion]
stages: [decision]
segments: all
objections: [price]
tags: ["<b>tag</b>", "x\" onclick=\"alert('tag')", "=1+1"]
url: "https://files.example/\"><script>alert('url')</script>"
evil: "</script><script>alert('extra')</script>"
---
Hello <script>alert('body')</script> <img src=x onerror=alert('img')>
<iframe src="https://evil.example/"></iframe>
<a href="javascript:alert('a')">a</a> <a href=" JaVaScRiPt:alert('b')">b</a>
<form action="https://evil.example/"><input name=x></form>
<style>body { background: url(https://evil.example/x.png) }</style>
<object data="https://evil.example/x.swf"></object>
<meta http-equiv="refresh" content="0;url=https://evil.example/">

[md](javascript:alert('md')) ![i](data:text/html,alert) [ok](https://example.com/)
"#;

fn library() -> TestLib {
    TestLib::new().plan(PLAN).asset("evil.md", ASSET)
}

/// Every output file, by path relative to `out`, with its text.
fn files(out: &Path) -> Vec<(String, String)> {
    tree(out)
        .into_iter()
        .map(|(path, bytes)| (path, String::from_utf8_lossy(&bytes).into_owned()))
        .collect()
}

/// The tags of an HTML text: `<name attr="v" …>` as (name, [(attr, value)]). Generated
/// pages escape `<`, `>` and quotes in text and attribute values, so a plain scan is
/// exact for them; a hostile string that broke out would show up as a tag or attribute.
fn tags(html: &str) -> Vec<(String, Vec<(String, String)>)> {
    let mut found = Vec::new();
    let mut rest = html;
    while let Some(lt) = rest.find('<') {
        rest = &rest[lt + 1..];
        if rest.starts_with("!--") {
            rest = rest.find("-->").map_or("", |e| &rest[e + 3..]);
            continue;
        }
        let end = rest.find('>').unwrap_or(rest.len());
        let inside = &rest[..end];
        let name: String = inside
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '/' || *c == '!')
            .collect::<String>()
            .to_ascii_lowercase();
        let mut attrs = Vec::new();
        let mut a = &inside[name.len().min(inside.len())..];
        loop {
            a = a.trim_start_matches(|c: char| c.is_whitespace() || c == '/');
            let key_len = a
                .find(|c: char| c == '=' || c.is_whitespace() || c == '>')
                .unwrap_or(a.len());
            if key_len == 0 {
                break;
            }
            let key = a[..key_len].to_ascii_lowercase();
            a = &a[key_len..];
            let mut value = String::new();
            if let Some(after) = a.strip_prefix('=') {
                let (v, r) = match after.chars().next() {
                    Some(q @ ('"' | '\'')) => {
                        let close = after[1..].find(q).map_or(after.len(), |i| i + 1);
                        (&after[1..close], after.get(close + 1..).unwrap_or(""))
                    }
                    _ => {
                        let e = after.find(char::is_whitespace).unwrap_or(after.len());
                        (&after[..e], &after[e..])
                    }
                };
                value = decode(v);
                a = r;
            }
            attrs.push((key, value));
        }
        found.push((name, attrs));
        rest = &rest[end.min(rest.len())..];
    }
    found
}

fn decode(s: &str) -> String {
    s.replace("&quot;", "\"")
        .replace("&#x27;", "'")
        .replace("&#39;", "'")
        .replace("&#x2F;", "/")
        .replace("&#47;", "/")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// A script's text with its string literals (`"…"`, `'…'`, `` `…` ``) left out.
fn outside_strings(js: &str) -> String {
    let mut code = String::new();
    let mut chars = js.chars();
    while let Some(c) = chars.next() {
        if matches!(c, '"' | '\'' | '`') {
            while let Some(d) = chars.next() {
                if d == '\\' {
                    chars.next();
                } else if d == c {
                    break;
                }
            }
            code.push_str("\"\"");
        } else {
            code.push(c);
        }
    }
    code
}

/// The one inline script a page may carry: the 404 page's, which finds the site root
/// (it must run before anything can be loaded), exactly as the default theme writes it
/// and allowed by its hash alone.
fn not_found_script() -> String {
    let template = std::fs::read_to_string(
        crate::common::manifest_dir().join("themes/default/templates/404.html"),
    )
    .unwrap();
    let (_, script) = template
        .rsplit_once("<script data-root=\"{{ root }}\">")
        .unwrap();
    script.split("</script>").next().unwrap().to_string()
}

/// 404.html with the hash left out of its CSP and its inline script taken out, if the
/// script is exactly the theme's and the CSP allows it by hash.
fn without_not_found_script(html: &str) -> Option<String> {
    let at = html.find("script-src 'self' 'sha256-")? + "script-src 'self'".len();
    let end = at + html[at..].find(';')?;
    let html = format!("{}{}", &html[..at], &html[end..]);
    let start = html.find("<script data-root=")?;
    let open = start + html[start..].find('>')? + 1;
    let close = open + html[open..].find("</script>")?;
    (html[open..close] == not_found_script())
        .then(|| format!("{}{}", &html[..start], &html[close + "</script>".len()..]))
}

fn check_page(path: &str, html: &str, problems: &mut Vec<String>) {
    if path == "404.html" {
        match without_not_found_script(html) {
            // The rest of the page is held to what every page is.
            Some(rest) => check_page("404.html (its script left out)", &rest, problems),
            None => problems.push(format!(
                "{path}: not the theme's 404 script allowed by its hash in the CSP"
            )),
        }
        return;
    }
    if html.matches(CSP).count() != 1 {
        problems.push(format!(
            "{path}: the Content-Security-Policy meta tag is missing"
        ));
    }
    for (name, attrs) in tags(html) {
        for (key, value) in &attrs {
            if key.starts_with("on") {
                problems.push(format!(
                    "{path}: <{name}> has an event handler {key}={value:?}"
                ));
            }
            if key == "style" {
                problems.push(format!(
                    "{path}: <{name}> has inline style (CSP forbids it)"
                ));
            }
            // An icon or image from a data: address cannot run script (the inline favicon).
            let image = matches!(name.as_str(), "img" | "link") && value.starts_with("data:");
            if matches!(
                key.as_str(),
                "href" | "src" | "action" | "formaction" | "data" | "srcset"
            ) && !covermap::markdown::is_safe_url(value)
                && !image
            {
                problems.push(format!("{path}: <{name} {key}={value:?}> runs script"));
            }
        }
        let attr = |k: &str| attrs.iter().find(|(a, _)| a == k).map(|(_, v)| v.as_str());
        match name.as_str() {
            "script" => {
                let external = attr("src").is_some_and(|s| s.ends_with(".js") && !s.contains("//"));
                let data = attr("type") == Some("application/json");
                if !external && !data {
                    problems.push(format!("{path}: an inline executable <script>: {attrs:?}"));
                }
            }
            "iframe" | "object" | "embed" | "style" | "base" | "frame" => {
                problems.push(format!("{path}: a <{name}> element"));
            }
            "meta" if attr("http-equiv").is_some_and(|v| v.eq_ignore_ascii_case("refresh")) => {
                problems.push(format!("{path}: a meta refresh"));
            }
            "form" if attr("action").is_some_and(|a| a.contains("//")) => {
                problems.push(format!("{path}: a form posting off the site"));
            }
            _ => {}
        }
    }
    // JSON embedded in a page must stay inside its element.
    let mut rest = html;
    while let Some(at) = rest.find("<script type=\"application/json\"") {
        rest = &rest[at..];
        let start = rest.find('>').map_or(rest.len(), |i| i + 1);
        let end = rest.find("</script>").unwrap_or(rest.len());
        if let Err(e) = serde_json::from_str::<serde_json::Value>(&rest[start..end]) {
            problems.push(format!("{path}: embedded JSON does not parse: {e}"));
        }
        rest = &rest[end.min(rest.len())..];
        rest = rest.get(1..).unwrap_or("");
    }
}

#[test]
fn hostile_content_is_escaped_or_dropped_in_every_output() {
    let lib = library();
    let root = lib.root();
    let out = lib.out();
    let built = covermap([
        "build",
        "--root",
        root.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    let err = String::from_utf8_lossy(&built.stderr).into_owned();
    assert_eq!(built.status.code(), Some(0), "{err}");

    let mut problems = Vec::new();
    let outputs = files(&out);
    let mut pages = 0;
    for (path, text) in &outputs {
        if path.ends_with(".html") {
            pages += 1;
            check_page(path, text, &mut problems);
        } else if path.ends_with(".json") {
            if let Err(e) = serde_json::from_str::<serde_json::Value>(text) {
                problems.push(format!("{path}: does not parse as JSON: {e}"));
            }
        } else if path.ends_with(".csv") {
            for (n, line) in text.lines().enumerate() {
                for cell in line.split(',') {
                    let cell = cell.trim_start_matches('"');
                    if cell.starts_with(['=', '+', '-', '@']) {
                        problems.push(format!("{path}:{}: formula cell {cell:?}", n + 1));
                    }
                }
            }
        }
        if path.ends_with(".js") {
            // Script files carry library text only as string literals: outside them is
            // code, and no hostile text may be there.
            let code = outside_strings(text);
            if code.contains("alert(") {
                problems.push(format!("{path}: library text outside string literals"));
            }
            continue;
        }
        if path.ends_with(".csv") {
            // CSV exports carry names and titles verbatim for spreadsheets (served as
            // text/csv); the formula check above is what applies to them.
            continue;
        }
        // Nothing of the body's raw markup survives anywhere, page or data file.
        for raw in [
            "<script>alert('body')",
            "<iframe",
            "<img src=x onerror",
            "href=\"javascript:",
        ] {
            if text.contains(raw) {
                problems.push(format!("{path}: holds the raw {raw:?}"));
            }
        }
    }
    assert!(pages > 5, "only {pages} pages");
    let csv = &outputs.iter().find(|(p, _)| p == "coverage.csv").unwrap().1;
    assert!(csv.contains("\n'-cmd,champion,decision,"), "{csv}");
    // Script inside the page's embedded JSON cannot close its element.
    for (path, text) in &outputs {
        if path.ends_with(".html") && text.contains("alert('summary')") {
            let at = text.find("alert('summary')").unwrap();
            let before = &text[..at];
            assert!(
                !before.ends_with("<script>"),
                "{path}: the summary closed a script element"
            );
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));

    // The terminal gets no control characters from the library.
    let checked = covermap(["check", "--root", root.to_str().unwrap()]);
    let shown = format!(
        "{}{}",
        String::from_utf8_lossy(&checked.stdout),
        String::from_utf8_lossy(&checked.stderr)
    );
    assert_eq!(checked.status.code(), Some(0), "{shown}");
    assert!(shown.contains("Champion \\u{1b}[2J"), "{shown}");
    assert!(
        !shown
            .chars()
            .any(|c| c.is_control() && c != '\n' && c != '\t'),
        "control characters reached the terminal: {shown:?}"
    );
}

#[test]
fn raw_html_is_kept_only_when_the_plan_allows_it() {
    let lib = library();
    let root = lib.root();
    let plan = PLAN.replace("[site]\n", "[site]\nraw_html = true\n");
    fs::write(root.join("plan.toml"), plan).unwrap();
    let out = lib.out();
    let built = covermap([
        "build",
        "--root",
        root.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(built.status.code(), Some(0));
    let page = fs::read_to_string(out.join("library/evil/index.html")).unwrap();
    assert!(page.contains("<script>alert('body')</script>"), "{page}");
    // Script URLs are dropped even then, and the policy still stops inline script.
    assert!(!page.contains("javascript:alert('md')"));
    assert!(page.contains(CSP));
}
