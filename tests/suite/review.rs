//! `covermap review`: the review queue in every format (text, markdown, json), the
//! owner filter and the window, and the exit codes (0 whatever the queue holds, 1 only
//! when the library has errors, 2 for a bad `--within`).

use crate::common::{TestLib, small_plan};

/// A library with one overdue asset (by its type's review period), one due soon, one
/// fresh, one superseded and a decision lapsing within 30 days.
fn lib() -> TestLib {
    let plan = small_plan("")
        + "[coverage]\ndue_soon = \"30 days\"\n[[types]]\nid = \"case-study\"\nreview_every = \"6 months\"\n[[decisions]]\npersona = \"champion\"\ntarget = 0\nwhy = \"Partners cover it.\"\nowner = \"PMM lead\"\nreview_by = 2026-11-15\n";
    TestLib::new()
        .plan(&plan)
        .asset("acme.md", "---\ntitle: Acme case study\ntype: case-study\nowner: Customer Marketing\nupdated: 2026-03-01\n---\n")
        .asset("faq.md", "---\ntitle: Pricing FAQ\nowner: Deal Desk\nreview_by: 2026-11-20\n---\n")
        .asset("guide.md", "---\ntitle: Guide\nowner: Deal Desk\nreview_by: 2027-06-01\n---\n")
        .asset("old.md", "---\ntitle: Old guide\nowner: Deal Desk\nreview_by: 2026-01-01\nsuperseded_by: guide\n---\n")
}

#[test]
fn text_lists_overdue_due_soon_and_decisions() {
    let lib = lib();
    let run = lib.run(["review"]);
    run.success();
    let out = run.stdout_text();
    assert!(
        out.starts_with("Review queue for T as of 2026-11-01\n"),
        "{out}"
    );
    assert!(out.contains("Overdue (1)\n  2026-09-01  Acme case study (61 days overdue) · Customer Marketing · content/acme.md\n"), "{out}");
    assert!(out.contains("Due within 30 days (1)\n  2026-11-20  Pricing FAQ (in 19 days) · Deal Desk · content/faq.md\n"), "{out}");
    assert!(out.contains("Decisions lapsing (1)\n  2026-11-15  every segment · champion · every stage → target 0 (lapses in 14 days) · PMM lead · plan.toml:"), "{out}");
    assert!(
        !out.contains("Old guide"),
        "a superseded asset is not reviewed: {out}"
    );
    assert!(
        !out.contains("Guide ("),
        "a fresh asset is not queued: {out}"
    );
}

#[test]
fn markdown_is_a_checklist_for_an_issue() {
    let lib = lib();
    let run = lib.run(["review", "--format", "markdown"]);
    run.success();
    let out = run.stdout_text();
    assert!(
        out.starts_with("## Review queue for T as of 2026-11-01\n"),
        "{out}"
    );
    assert!(out.contains("### Overdue (1)\n\n- [ ] **Acme case study** (`content/acme.md`) — due 2026-09-01, 61 days overdue · Customer Marketing\n"), "{out}");
    assert!(
        out.contains("### Due within 30 days (1)\n\n- [ ] **Pricing FAQ**"),
        "{out}"
    );
    assert!(out.contains("### Decisions lapsing (1)\n\n- [ ] **every segment · champion · every stage** → target 0 — review by 2026-11-15, lapses in 14 days · PMM lead"), "{out}");
}

#[test]
fn json_is_the_queue_for_scripts() {
    let lib = lib();
    let run = lib.run(["review", "--format", "json", "--within", "1 year"]);
    run.success();
    let doc: serde_json::Value = serde_json::from_str(&run.stdout_text()).unwrap();
    assert_eq!(doc["as_of"], "2026-11-01");
    assert_eq!(doc["within"], "1 year");
    assert_eq!(doc["overdue"][0]["slug"], "acme");
    assert_eq!(doc["overdue"][0]["days"], -61);
    assert_eq!(doc["overdue"][0]["type"], "case-study");
    let soon: Vec<&str> = doc["due_soon"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["slug"].as_str().unwrap())
        .collect();
    assert_eq!(soon, ["faq", "guide"], "a year's window reaches the guide");
    assert_eq!(doc["decisions"][0]["lapsed"], false);
}

#[test]
fn owner_filters_assets_and_decisions() {
    let lib = lib();
    let run = lib.run(["review", "--owner", "deal desk", "--format", "json"]);
    run.success();
    let doc: serde_json::Value = serde_json::from_str(&run.stdout_text()).unwrap();
    assert_eq!(doc["overdue"].as_array().unwrap().len(), 0);
    assert_eq!(doc["due_soon"][0]["slug"], "faq");
    assert_eq!(doc["decisions"].as_array().unwrap().len(), 0);
    assert_eq!(doc["owner"], "deal desk");
}

#[test]
fn exits_0_on_an_empty_queue_1_on_errors_2_on_a_bad_window() {
    let empty = TestLib::new()
        .plan(&small_plan(""))
        .asset("a.md", "---\ntitle: A\n---\n");
    let run = empty.run(["review"]);
    run.success().stdout_contains("Overdue (0)\n  none");
    let broken = TestLib::new()
        .plan(&small_plan(""))
        .asset("a.md", "---\ntitle: A\nsuperseded_by: nowhere\n---\n");
    broken
        .run(["review"])
        .code(1)
        .stderr_contains("superseded_by `nowhere` names no asset");
    lib()
        .run(["review", "--within", "12 moths"])
        .code(2)
        .stderr_contains("did you mean `months`?");
}
