//! Freshness governance end to end (issue 15): `[[types]]` and review periods, due
//! soon, stale assets losing "Forwardable", `[site] stale = "hide"`, `superseded_by`,
//! objections named by segment, persona and stage, and every bad input of these keys
//! as an error (or warning) with file:line:col and did-you-mean.

use crate::common::{TestLib, small_plan};

fn plan(extra: &str) -> String {
    small_plan("") + extra
}

const TAGGED: &str = "personas: [champion]\nstages: [decision]\nsegments: [smb]\n";

#[test]
fn bad_plan_keys_are_placed_errors_with_did_you_mean() {
    let cases = [
        (
            "[[types]]\nid = \"case-study\"\nreview_evry = \"6 months\"\n",
            "plan.toml:16:1: error: unknown key `review_evry`",
            "did you mean `review_every`?",
        ),
        (
            "[coverage]\nreview_every = \"12 moths\"\n",
            "plan.toml:15:16: error: review_every: `12 moths`: `moths` is not a unit of time",
            "did you mean `months`?",
        ),
        (
            "[[types]]\nid = \"battlecard\"\nreview_every = \"six months\"\n",
            "plan.toml:16:16: error: review_every: `six months`: `six` is not a whole number",
            "N months",
        ),
        (
            "[[types]]\nid = \"Case Study\"\n",
            "plan.toml:15:6: error: type id `Case Study` is not a valid id",
            "such as `case-study`",
        ),
        (
            "[[objections]]\nid = \"price\"\ntext = \"Too dear\"\npersonas = [\"champoin\"]\n",
            "plan.toml:17:13: error: unknown persona `champoin`",
            "did you mean `champion`?",
        ),
    ];
    for (extra, error, help) in cases {
        let lib = TestLib::new()
            .plan(&plan(extra))
            .asset("a.md", "---\ntitle: A\n---\n");
        let run = lib.run(["check"]);
        run.code(1).stderr_contains(error).stderr_contains(help);
    }
    // `[site] stale` takes show or hide.
    let lib = TestLib::new()
        .plan(&small_plan("stale = \"hdie\""))
        .asset("a.md", "---\ntitle: A\n---\n");
    lib.run(["check"])
        .code(1)
        .stderr_contains("plan.toml:3:9: error: stale `hdie` is neither `show` nor `hide`")
        .stderr_contains("did you mean `hide`?");
}

#[test]
fn superseded_by_a_missing_slug_or_a_cycle_is_an_error() {
    let lib = TestLib::new()
        .plan(&plan(""))
        .asset("old.md", "---\ntitle: Old\nsuperseded_by: new-guid\n---\n")
        .asset("new-guide.md", "---\ntitle: New\n---\n");
    lib.run(["check"])
        .code(1)
        .stderr_contains("content/old.md:3:16: error: superseded_by `new-guid` names no asset")
        .stderr_contains("did you mean `new-guide`?");
    let lib = TestLib::new()
        .plan(&plan(""))
        .asset("a.md", "---\ntitle: A\nsuperseded_by: b\n---\n")
        .asset("b.md", "---\ntitle: B\nsuperseded_by: a\n---\n");
    lib.run(["check"])
        .code(1)
        .stderr_contains("content/a.md:3:16: error: superseded_by forms a cycle: a → b → a");
}

#[test]
fn an_unlisted_type_warns_with_did_you_mean() {
    let lib = TestLib::new()
        .plan(&plan(
            "[[types]]\nid = \"case-study\"\n[[types]]\nid = \"battlecard\"\n",
        ))
        .asset("a.md", "---\ntitle: A\ntype: case-studdy\n---\n")
        .asset("b.md", "---\ntitle: B\ntype: Case Study\n---\n");
    let run = lib.run(["check"]);
    run.success()
        .stderr_contains(
            "content/a.md:3:7: warning: type `case-studdy` is not one of the plan's [[types]]",
        )
        .stderr_contains("did you mean `case-study`?");
    assert!(
        !run.stderr_text().contains("content/b.md:3:7"),
        "a type written as its name is listed: {}",
        run.stderr_text()
    );
}

#[test]
fn review_periods_make_stale_and_due_soon_assets() {
    let lib = TestLib::new()
        .plan(&plan("[coverage]\nreview_every = \"12 months\"\n[[types]]\nid = \"case-study\"\nreview_every = \"6 months\"\n"))
        .asset("old-case.md", &format!("---\ntitle: Old case\ntype: case-study\naudience: external\nupdated: 2026-03-01\n{TAGGED}---\n"))
        .asset("soon.md", &format!("---\ntitle: Soon\naudience: external\nupdated: 2025-11-20\n{TAGGED}---\n"))
        .asset("fresh-case.md", &format!("---\ntitle: Fresh case\ntype: case-study\naudience: external\nupdated: 2026-10-01\n{TAGGED}---\n"));
    let run = lib.run(["build"]);
    run.success()
        .stderr_contains("content/old-case.md:5:10: warning: stale: review was due 2026-09-01");
    let old = lib.read_out("library/old-case/index.html");
    assert!(
        old.contains("Review overdue — check before sending"),
        "{old}"
    );
    assert!(
        !old.contains("Forwardable to buyers"),
        "a stale asset is not forwardable: {old}"
    );
    assert!(old.contains(">Case study</a>"), "the type's label: {old}");
    let soon = lib.read_out("library/soon/index.html");
    assert!(soon.contains("Review due soon: 2026-11-20"), "{soon}");
    assert!(soon.contains("Forwardable to buyers"), "{soon}");
    let index = lib.read_out("index.html");
    assert!(index.contains("◔ Review due 2026-11-20"), "{index}");
    // Stale assets no longer count: the cell holds the two current ones.
    let cov: serde_json::Value = serde_json::from_str(&lib.read_out("coverage.json")).unwrap();
    assert_eq!(cov["summary"]["counted"], 2, "{cov}");
    assert_eq!(cov["summary"]["stale"], 1, "{cov}");
    let heatmap = lib.read_out("coverage/index.html");
    assert!(heatmap.contains("◔ 1 due soon"), "{heatmap}");
    assert!(
        heatmap.contains("1 due for review soon"),
        "the cell's label: {heatmap}"
    );
    let owners = lib.read_out("owners/index.html");
    assert!(
        owners.contains("67%") && owners.contains("(2 of 3)"),
        "{owners}"
    );
}

#[test]
fn hide_keeps_stale_assets_out_of_the_library_but_keeps_their_pages() {
    let lib = TestLib::new()
        .plan(&small_plan("stale = \"hide\""))
        .asset(
            "old.md",
            "---\ntitle: Old thing\nreview_by: 2026-01-01\n---\n",
        )
        .asset(
            "new.md",
            "---\ntitle: New thing\nreview_by: 2027-06-01\n---\n",
        );
    lib.run(["build"]).success();
    let index = lib.read_out("index.html");
    assert!(
        index.contains("New thing") && !index.contains("Old thing"),
        "{index}"
    );
    assert!(lib.read_out("library/old/index.html").contains("Old thing"));
    // The search data flags it hidden (16 | stale 1 = 17 → `R`); the fresh one is 0 → `A`.
    let meta = lib.read_out("search/meta.json");
    assert!(meta.contains("\"flags\":\"AR\""), "{meta}");
}

#[test]
fn a_superseded_asset_is_out_of_coverage_and_links_its_replacement() {
    let lib = TestLib::new()
        .plan(&plan(""))
        .asset(
            "v1.md",
            &format!("---\ntitle: Guide v1\naudience: external\nsuperseded_by: v2\n{TAGGED}---\n"),
        )
        .asset("v2.md", &format!("---\ntitle: Guide v2\n{TAGGED}---\n"));
    lib.run(["build"]).success();
    let cov: serde_json::Value = serde_json::from_str(&lib.read_out("coverage.json")).unwrap();
    assert_eq!(cov["summary"]["counted"], 1, "{cov}");
    let page = lib.read_out("library/v1/index.html");
    assert!(
        page.contains("use <a href=\"../../library/v2/index.html\">Guide v2</a> instead"),
        "{page}"
    );
    assert!(!page.contains("Forwardable to buyers"), "{page}");
    assert!(lib.read_out("index.html").contains("badge superseded"));
}

#[test]
fn unanswered_objections_are_summed_up_with_where_they_are_heard() {
    let lib = TestLib::new()
        .plan(&plan("[[objections]]\nid = \"price\"\ntext = \"Too dear\"\nheard = 12\npersonas = [\"champion\"]\nstages = [\"decision\"]\n[[objections]]\nid = \"risk\"\ntext = \"Too risky\"\nheard = 3\n[[objections]]\nid = \"time\"\ntext = \"No time\"\nheard = 5\n"))
        .asset("a.md", "---\ntitle: A\nobjections: [time]\n---\n");
    lib.run(["build"]).success();
    let page = lib.read_out("objections/index.html");
    assert!(
        page.contains("✕ 2 unanswered, heard 15 times in all"),
        "{page}"
    );
    assert!(
        page.contains(
            "“Too dear”</a> — heard 12 times <span class=\"heard-in\">(champion · decision)</span>"
        ),
        "{page}"
    );
    let cov = lib.read_out("coverage/index.html");
    assert!(
        cov.contains("✕ 2 objections no asset answers, heard 15 times"),
        "{cov}"
    );
}
