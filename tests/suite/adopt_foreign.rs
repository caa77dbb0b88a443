//! Foreign template syntax never shows silently (issue 14, item 6): on copies of the
//! Hugo, Jekyll, Docusaurus and Eleventy fixture repos after `init --from`, with one page
//! added to each that holds syntax covermap does not render, every asset page's body
//! holds no shortcode, Liquid, ESM or component code outside code and the marked
//! placeholders; what covermap renders is there (images, links, fenced code, text of
//! components); the added page's placeholder is on its page and its warning names
//! file:line:col; the fixtures' own pages, all of whose syntax is rendered, warn
//! nothing. On a small library of covermap's own, warnings are summed up after ten files.

use std::path::Path;

use crate::common::{TestLib, covermap, read, small_plan};

/// Copies a fixture whole (its built-site folders are part of what init sees).
fn copy_repo(name: &str) -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    let from = crate::common::fixtures().join("adopt").join(name);
    for e in walkdir::WalkDir::new(&from).into_iter().map(Result::unwrap) {
        let dest = tmp.path().join(e.path().strip_prefix(&from).unwrap());
        if e.file_type().is_dir() {
            std::fs::create_dir_all(&dest).unwrap();
        } else {
            std::fs::copy(e.path(), &dest).unwrap();
        }
    }
    tmp
}

/// The bodies of every asset page under `out/library`, by page path.
fn bodies(out: &Path) -> Vec<(String, String)> {
    let mut pages = Vec::new();
    for e in walkdir::WalkDir::new(out.join("library"))
        .into_iter()
        .map(Result::unwrap)
    {
        if e.file_name() != "index.html" {
            continue;
        }
        let html = read(e.path());
        let Some(start) = html.find("<div class=\"body\">") else {
            continue;
        };
        let end = html[start..]
            .find("\n</div>")
            .map_or(html.len(), |i| start + i);
        let rel = e
            .path()
            .strip_prefix(out)
            .unwrap()
            .to_string_lossy()
            .into_owned();
        pages.push((rel, html[start..end].to_string()));
    }
    pages.sort();
    assert!(!pages.is_empty(), "no asset pages in {}", out.display());
    pages
}

/// `html` without the marked placeholders and code.
fn outside_placeholders_and_code(html: &str) -> String {
    let mut out = html.to_string();
    for (open, close) in [
        ("<span class=\"foreign-syntax\"", "</span>"),
        ("<pre", "</pre>"),
        ("<code", "</code>"),
    ] {
        while let Some(a) = out.find(open) {
            let b = out[a..]
                .find(close)
                .map_or(out.len(), |b| a + b + close.len());
            out.replace_range(a..b, "");
        }
    }
    out
}

/// Adopts fixture `name` with `extra` pages added (path, text) after init, builds, and
/// returns the repo, the build's stderr and the page bodies.
fn adopt_and_build(
    name: &str,
    plan_edit: impl Fn(String) -> String,
    extra: &[(&str, &str)],
) -> (tempfile::TempDir, String, Vec<(String, String)>) {
    let tmp = copy_repo(name);
    let root = tmp.path();
    covermap([Path::new("init"), Path::new("--from"), root]).success();
    let plan = root.join("plan.toml");
    std::fs::write(&plan, plan_edit(read(&plan))).unwrap();
    for (path, text) in extra {
        let p = root.join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
    let out = root.join("site-out");
    // Run from the repo, so diagnostics name files relative to it.
    let run = crate::common::Run::of(
        crate::common::command([Path::new("build"), Path::new("--out"), &out]).current_dir(root),
    );
    run.success();
    let stderr = run.stderr_text();
    let pages = bodies(&out);
    for (page, body) in &pages {
        let shown = outside_placeholders_and_code(body);
        for bad in [
            "{{&lt;",
            "{{%",
            "{%",
            "{{ ",
            "import ",
            "&lt;Quote",
            "&lt;Tabs",
            "&lt;TabItem",
            "&lt;Author",
            "&lt;BlogAuthor",
            "{/*",
        ] {
            assert!(
                !shown.contains(bad),
                "{name}: {bad:?} shows on {page}:\n{body}"
            );
        }
    }
    (tmp, stderr, pages)
}

fn page<'a>(pages: &'a [(String, String)], ends: &str) -> &'a str {
    pages
        .iter()
        .find(|(p, _)| p.ends_with(ends))
        .map(|(_, b)| b.as_str())
        .unwrap_or_else(|| {
            panic!(
                "no page {ends} in {:?}",
                pages.iter().map(|p| &p.0).collect::<Vec<_>>()
            )
        })
}

/// The template-syntax warnings (W0320) in `stderr`, by their first line.
fn foreign_warnings(stderr: &str) -> Vec<&str> {
    stderr.lines().filter(|l| l.ends_with("[W0320]")).collect()
}

#[test]
fn hugo_shortcodes_render_and_the_rest_is_marked() {
    let extra = "---\ntitle: Initech\n---\nIntro line.\n\n{{< tweet user=\"initech\" id=\"123\" >}}\n\n```go\nx := \"{{< not-a-shortcode >}}\"\n```\n\nAnd {{< gist a b >}} too.\n";
    let (_tmp, stderr, pages) =
        adopt_and_build("hugo", |p| p, &[("content/battlecards/initech.md", extra)]);
    let st_marys = page(&pages, "st-marys/index.html");
    assert!(
        st_marys.contains("ward.png\" alt=\"The claims office\""),
        "{st_marys}"
    );
    assert!(
        st_marys.contains("<em>The claims office</em>"),
        "{st_marys}"
    );
    assert!(!st_marys.contains("relref"), "{st_marys}");
    let clinic = page(&pages, "clinic-group/index.html");
    assert!(
        clinic.contains("href=\"https://www.youtube.com/watch?v=dQw4w9WgXcQ\""),
        "{clinic}"
    );
    assert!(page(&pages, "acme/index.html").contains("<strong>Warning:</strong> Internal only."));
    let initech = page(&pages, "initech/index.html");
    assert_eq!(
        initech.matches("class=\"foreign-syntax\"").count(),
        2,
        "{initech}"
    );
    assert!(
        initech.contains("{{&lt; not-a-shortcode &gt;}}"),
        "code keeps its text: {initech}"
    );
    assert_eq!(
        foreign_warnings(&stderr),
        [
            "content/battlecards/initech.md:6:1: warning: template syntax covermap does not render: Hugo shortcode `{{< tweet >}}` and 1 more in this file [W0320]"
        ],
        "{stderr}"
    );
}

#[test]
fn jekyll_liquid_renders_and_the_rest_is_marked() {
    let extra = "---\ntitle: Featured\ndate: 2026-05-01\n---\nIntro.\n  {% if page.featured %}Featured{% endif %}\n";
    let (_tmp, stderr, pages) =
        adopt_and_build("jekyll", |p| p, &[("_posts/2026-05-01-featured.md", extra)]);
    let freight = page(&pages, "2026-01-12-freight-partner-case-study/index.html");
    assert!(
        freight.contains("dispatch.png\" alt=\"Dispatch board\"") && !freight.contains("baseurl"),
        "{freight}"
    );
    assert!(
        freight.contains(
            "title=\"Liquid include `quote.html`: its content is not included by covermap\""
        ),
        "the include is a placeholder naming it: {freight}"
    );
    let warehouse = page(&pages, "2026-02-03-warehouse-case-study/index.html");
    assert!(
        warehouse.contains("library/about/\">about page</a>"),
        "{warehouse}"
    );
    let featured = page(&pages, "2026-05-01-featured/index.html");
    assert!(featured.contains("class=\"foreign-syntax\""), "{featured}");
    assert!(featured.contains("Featured"), "{featured}");
    assert_eq!(
        foreign_warnings(&stderr),
        [
            "_posts/2026-05-01-featured.md:6:3: warning: template syntax covermap does not render: Liquid tag `{% if %}` [W0320]"
        ],
        "{stderr}"
    );
}

#[test]
fn docusaurus_components_keep_their_text_and_the_rest_is_marked() {
    let extra = "---\ntitle: Authors\n---\nimport authors from './authors.json';\n\nBy {/* the team */}us.\n\n<Author {...authors.lee} />\n";
    // Docusaurus's `slug: /security` is a URL, not covermap's slug.
    let (_tmp, stderr, pages) = adopt_and_build(
        "docusaurus",
        |p| p.replace("renames = {}", "renames = { slug = \"docusaurus_slug\" }"),
        &[("docs/sales/authors.mdx", extra)],
    );
    let story = page(&pages, "2026-02-10-tailspin-story/index.html");
    assert!(
        story.contains("<p>We ship twice a week now.</p>"),
        "{story}"
    );
    assert!(story.contains("<p>Tailspin CTO</p>"), "{story}");
    assert!(story.contains("J. Lee"), "{story}");
    let faq = page(&pages, "security-faq/index.html");
    assert!(
        faq.contains("<strong>SAML</strong> SAML 2.0 with any IdP."),
        "{faq}"
    );
    assert!(
        faq.contains("<strong>OIDC</strong> OpenID Connect."),
        "{faq}"
    );
    let authors = page(&pages, "sales/authors/index.html");
    assert!(authors.contains("<p>By us.</p>"), "{authors}");
    assert!(authors.contains("class=\"foreign-syntax\""), "{authors}");
    assert_eq!(
        foreign_warnings(&stderr),
        [
            "docs/sales/authors.mdx:8:1: warning: template syntax covermap does not render: MDX component `<Author>` [W0320]"
        ],
        "{stderr}"
    );
}

#[test]
fn eleventy_shortcodes_render_and_the_rest_is_marked() {
    let extra = "---\ntitle: Templated\n---\nIntro.\n\n{% renderTemplate \"liquid\" %}x{% endrenderTemplate %}\n";
    let (_tmp, stderr, pages) =
        adopt_and_build("eleventy", |p| p, &[("src/stories/templated.md", extra)]);
    let bank = page(&pages, "bank-of-elm/index.html");
    assert!(
        bank.contains("img/onboarding.png\" alt=\"Onboarding\""),
        "{bank}"
    );
    assert!(bank.contains("alt=\"KYC flow\""), "{bank}");
    assert!(
        page(&pages, "insurer/index.html").contains("<strong>Note:</strong> Renewal due in 2027.")
    );
    let templated = page(&pages, "templated/index.html");
    assert_eq!(
        templated.matches("class=\"foreign-syntax\"").count(),
        2,
        "{templated}"
    );
    assert_eq!(
        foreign_warnings(&stderr),
        [
            "src/stories/templated.md:6:1: warning: template syntax covermap does not render: Liquid tag `{% renderTemplate %}` [W0320]"
        ],
        "{stderr}"
    );
}

#[test]
fn warnings_are_summed_up_after_ten_files_and_check_lists_them() {
    let mut lib = TestLib::new().plan(&small_plan(""));
    for i in 0..13 {
        lib = lib.asset(
            &format!("a{i:02}.md"),
            &format!("---\ntitle: A{i}\npersonas: all\nstages: all\nsegments: all\n---\nText {{% if x %}}{i}{{% endif %}}\n"),
        );
    }
    let run = lib.run(["check"]);
    run.success();
    let stderr = run.stderr_text();
    assert_eq!(foreign_warnings(&stderr).len(), 10, "{stderr}");
    assert!(stderr.contains("content/a00.md:7:6: warning: template syntax covermap does not render: Liquid tag `{% if %}`"), "{stderr}");
    assert!(!stderr.contains("content/a10.md:7"), "{stderr}");
    assert!(
        stderr.contains(
            "warning: … and 3 more files with template syntax covermap does not render [W0321]"
        ),
        "{stderr}"
    );
}

#[test]
fn a_library_without_template_syntax_builds_as_before() {
    // E-mail merge fields are not Liquid: no warning, shown as written.
    let lib = TestLib::new()
        .plan(&small_plan(""))
        .asset("mail.md", "---\ntitle: Mail\npersonas: all\nstages: all\nsegments: all\n---\nHi {{first_name}}, about {{company}}.\n");
    let run = lib.run(["build"]);
    run.success();
    assert!(foreign_warnings(&run.stderr_text()).is_empty());
    let html = lib.read_out("library/mail/index.html");
    assert!(
        html.contains("Hi {{first_name}}, about {{company}}."),
        "{html}"
    );
}
