//! The QBR report (`report/index.html`, `report/coverage.svg`) and the coverage page's
//! story: the strip, the definitions, over-covered marks and decision reasons in plain
//! text; the commit in a git work tree; and, in Chromium, the report printed to PDF on
//! exactly one landscape page at Letter and at A4 for 6 segments × 8 personas, and the
//! coverage page printing without splitting a segment's grid
//! (`tests/browser/print.mjs`).

use std::fmt::Write as _;
use std::path::PathBuf;
use std::process::Command;

use crate::common::{TestLib, exclusive, manifest_dir};

fn built_fixture() -> TestLib {
    let lib = TestLib::fixture("snapshot");
    lib.run(["build", "--as-of", "2026-11-01"]).success();
    lib
}

#[test]
fn report_page_shows_title_as_of_strip_matrix_and_gaps() {
    let lib = built_fixture();
    let html = lib.read_out("report/index.html");
    for text in [
        "Snapshot plan: coverage report",
        "As of <strong>2026-11-01</strong>",
        "What this says",
        "of the pipeline at stake",
        "a priority score, not a forecast",
        "Top ",
        "href=\"coverage.svg\"",
    ] {
        assert!(html.contains(text), "no {text:?} in the report:\n{html}");
    }
    // Outside a git work tree there is no commit, and no trend history: no changes.
    assert!(!html.contains("commit <code>"), "{html}");
    assert!(!html.contains("What changed since"), "{html}");
    let coverage = lib.read_out("coverage/index.html");
    assert!(
        coverage.contains("href=\"../report/index.html\""),
        "{coverage}"
    );
    assert!(coverage.contains("What this says"));
    assert!(coverage.contains("Figures as of <strong>2026-11-01</strong>"));
}

#[test]
fn coverage_page_marks_over_covered_cells_and_shows_decision_reasons() {
    let lib = TestLib::sample();
    lib.run(["build"]).success();
    let html = lib.read_out("coverage/index.html");
    // The sample's Controller cells hold three times their target and more.
    assert!(html.contains("▲ over-covered"), "{html}");
    assert!(html.contains("Targets set by decision"));
    // The reason is text on the page, not only a tooltip.
    let why = "Security is pulled in once a vendor is shortlisted.";
    let visible = html.split("title=\"").skip(1).all(|t| !t.starts_with(why));
    assert!(visible && html.contains(&format!("— {why}")), "{html}");
    assert!(html.contains("57% of the pipeline at stake"), "{html}");
    assert!(html.contains("17 cells at 3 × target or more (13 of them the Controller&#39;s)"));
}

#[test]
fn the_matrix_svg_is_well_formed_with_text_labels() {
    let lib = built_fixture();
    let svg = lib.read_out("report/coverage.svg");
    let doc = roxmltree::Document::parse(&svg).unwrap_or_else(|e| panic!("{e}:\n{svg}"));
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "svg");
    assert_eq!(
        root.tag_name().namespace(),
        Some("http://www.w3.org/2000/svg")
    );
    let text: String = doc
        .descendants()
        .filter(|n| n.is_text())
        .filter_map(|n| n.text())
        .collect::<Vec<_>>()
        .join("\n");
    for label in [
        "Snapshot plan",
        "2026-11-01",
        "Enterprise",
        "SMB",
        "Economic Buyer",
        "at stake",
        "not a forecast",
    ] {
        assert!(
            text.contains(label),
            "no {label:?} in the SVG's text:\n{text}"
        );
    }
    // Symbols, not colour only.
    assert!(["✓", "◐", "✕"].iter().any(|s| text.contains(s)), "{text}");
    assert!(doc.descendants().any(|n| n.has_tag_name("title")));
}

#[test]
fn the_report_names_the_commit_of_a_git_work_tree() {
    let lib = built_fixture();
    let git = |args: &[&str]| {
        let out = Command::new("git")
            .arg("-C")
            .arg(lib.root())
            .args(["-c", "user.name=t", "-c", "user.email=t@example.com"])
            .args(args)
            .output()
            .expect("git runs");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap().trim().to_string()
    };
    git(&["init", "-q"]);
    git(&["add", "-A"]);
    git(&["commit", "-q", "-m", "plan"]);
    let hash = git(&["rev-parse", "--short=12", "HEAD"]);
    lib.run(["build", "--as-of", "2026-11-01"]).success();
    let first = lib.read_out("report/index.html");
    assert!(
        first.contains(&format!("commit <code>{hash}</code>")),
        "{first}"
    );
    // The same inputs, the same page.
    lib.run(["build", "--as-of", "2026-11-01"]).success();
    assert_eq!(lib.read_out("report/index.html"), first);
}

/// Six segments × eight personas × five stages, with long names, some cells full,
/// some three times over and many empty: the largest report the one page must hold.
fn six_by_eight() -> TestLib {
    let mut plan = String::from(
        "[site]\ntitle = \"Print test\"\n[plan]\ntitle = \"FY28 global revenue plan\"\ncurrency = \"USD\"\nrevenue_goal = 90_000_000\nas_of = 2026-11-01\n[coverage]\ntarget = 2\n",
    );
    let stages = [
        "awareness",
        "consideration",
        "evaluation",
        "decision",
        "onboarding",
    ];
    for s in stages {
        let _ = write!(plan, "[[stages]]\nid = \"{s}\"\n");
    }
    let personas = [
        ("economic-buyer", "Economic Buyer"),
        ("controller", "Corporate Controller"),
        ("it-security", "IT & Security Lead"),
        ("procurement", "Procurement Manager"),
        ("ap-specialist", "AP Specialist"),
        ("exec-sponsor", "Executive Sponsor"),
        ("treasury", "Treasury Analyst"),
        ("operations", "Finance Operations"),
    ];
    for (id, name) in personas {
        let _ = write!(plan, "[[personas]]\nid = \"{id}\"\nname = \"{name}\"\n");
    }
    let segments = [
        ("enterprise-na", "Enterprise North America"),
        ("enterprise-emea", "Enterprise EMEA"),
        ("mid-market", "Mid-Market"),
        ("public-sector", "Public Sector & Education"),
        ("smb", "Small Business"),
        ("partners", "Channel Partners"),
    ];
    for (i, (id, name)) in segments.iter().enumerate() {
        let _ = write!(
            plan,
            "[[segments]]\nid = \"{id}\"\nname = \"{name}\"\npipeline = {}\nweights = {{ economic-buyer = 3 }}\n",
            (i + 1) * 2_500_000
        );
    }
    plan.push_str("[[objections]]\nid = \"price\"\ntext = \"Too expensive for what it does\"\n");
    let mut lib = TestLib::new().plan(&plan);
    let mut n = 0;
    for (si, (seg, _)) in segments.iter().enumerate() {
        for (pi, (per, _)) in personas.iter().enumerate() {
            for (ti, stage) in stages.iter().enumerate() {
                let copies = (si + pi + ti) % 4; // 0, 1, 2 or 3 × … up to 6 for over-coverage
                let copies = if copies == 3 { 6 } else { copies };
                for _ in 0..copies {
                    n += 1;
                    lib = lib.asset(
                        &format!("a{n}.md"),
                        &format!("---\ntitle: Asset {n}\npersona: {per}\nstage: {stage}\nsegment: {seg}\n---\nBody.\n"),
                    );
                }
            }
        }
    }
    lib
}

fn chromium() -> PathBuf {
    let path = std::env::var_os("CHROMIUM")
        .map_or_else(|| PathBuf::from("/usr/bin/chromium"), PathBuf::from);
    assert!(
        path.is_file(),
        "the print tests need Chromium at {} (or set CHROMIUM); install it:\n  apt-get install -y chromium",
        path.display()
    );
    assert!(
        manifest_dir()
            .join("tests/browser/node_modules/playwright-core")
            .is_dir(),
        "the print tests need their Node packages; install them:\n  npm ci --prefix tests/browser"
    );
    path
}

/// `print.mjs`'s findings about the site at `out`.
fn printed(out: &std::path::Path, pdf_dir: &std::path::Path) -> serde_json::Value {
    let chromium = chromium();
    let run = Command::new("node")
        .arg(manifest_dir().join("tests/browser/print.mjs"))
        .arg(format!("file://{}/", out.display()))
        .env("CHROMIUM", &chromium)
        .env("PDF_DIR", pdf_dir)
        .output()
        .unwrap_or_else(|e| panic!("cannot run node ({e}); install Node.js 18 or later"));
    let stdout = String::from_utf8_lossy(&run.stdout);
    assert!(
        run.status.success(),
        "print.mjs failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&run.stderr)
    );
    serde_json::from_str(stdout.trim()).unwrap_or_else(|e| panic!("{e}: {stdout}"))
}

#[test]
fn browser_report_prints_on_one_landscape_page_at_letter_and_a4() {
    let _one = exclusive();
    let lib = six_by_eight();
    lib.run(["build"]).success();
    let html = lib.read_out("report/index.html");
    assert_eq!(
        html.matches("<tr>").count(),
        7,
        "a header row and six segments"
    );
    assert!(html.contains("Top 10 gaps in money"));
    let pdf_dir = lib.dir().join("pdf");
    std::fs::create_dir_all(&pdf_dir).unwrap();
    let got = printed(&lib.out(), &pdf_dir);
    for paper in ["letter", "a4"] {
        assert_eq!(got[paper]["pages"], 1, "{paper}: {got}");
        // The printed text itself (poppler's pdftotext): one page, with the plan's title
        // and the as-of date on it.
        let text = Command::new("pdftotext")
            .args(["-layout", "-enc", "UTF-8"])
            .arg(pdf_dir.join(format!("{paper}.pdf")))
            .arg("-")
            .output()
            .unwrap_or_else(|e| {
                panic!("cannot run pdftotext ({e}); install it: apt-get install -y poppler-utils")
            });
        assert!(text.status.success(), "pdftotext: {text:?}");
        let text = String::from_utf8_lossy(&text.stdout);
        assert_eq!(
            text.matches('\u{c}').count(),
            1,
            "{paper}: one page: {text}"
        );
        for want in [
            "FY28 global revenue plan",
            "As of 2026-11-01",
            "Top 10 gaps in money",
        ] {
            assert!(
                text.contains(want),
                "{paper}: the printed page lacks {want:?}:\n{text}"
            );
        }
        let info = got[paper]["info"].as_str().unwrap_or_default();
        assert!(
            info.contains("FY28 global revenue plan") && info.contains("2026-11-01"),
            "{paper}: the PDF's title names the plan and the as-of date: {got}"
        );
    }
    assert_eq!(
        got["axe"],
        serde_json::json!([]),
        "axe-core on the report: {got}"
    );
    let report = &got["report"];
    assert!(
        report["asof"]
            .as_str()
            .unwrap()
            .contains("As of 2026-11-01"),
        "{got}"
    );
    assert!(
        report["title"]
            .as_str()
            .unwrap()
            .contains("FY28 global revenue plan"),
        "{got}"
    );
    // The coverage page: every segment fits a page and is kept whole, its heading with it.
    let cov = &got["coverage"];
    assert!(
        cov["asof"].as_str().unwrap().contains("2026-11-01"),
        "{got}"
    );
    let page = cov["page_height"].as_f64().unwrap();
    let segments = cov["segments"].as_array().unwrap();
    assert_eq!(segments.len(), 6);
    for s in segments {
        assert_eq!(s["break_inside"], "avoid", "{s}");
        assert!(
            s["height"].as_f64().unwrap() <= page,
            "taller than a page: {s}"
        );
    }
    assert!(
        cov["heads"]
            .as_array()
            .unwrap()
            .iter()
            .all(|h| h == "avoid"),
        "{got}"
    );
}
