//! The review queue `covermap review` prints: assets overdue for review, assets due
//! within a window, and plan decisions that lapsed or lapse within it, optionally for
//! one owner, as text for people, Markdown for an issue a scheduled CI job opens, or
//! JSON for scripts. Superseded assets are left out: nobody reviews what was replaced.

use std::fmt::Write as _;

use serde::Serialize;

use crate::date::Date;
use crate::duration::{Duration, days_between};
use crate::library::Library;

/// How `covermap review` prints the queue.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum ReviewFormat {
    Text,
    Markdown,
    Json,
}

/// `--within`: a duration as plan.toml writes them, or clap's message why not.
pub fn parse_within(s: &str) -> Result<Duration, String> {
    Duration::parse(s).map_err(|e| format!("{}; {}", e.message, e.help))
}

/// What the queue is for.
#[derive(Debug, Clone)]
pub struct Options {
    /// Only this owner's assets and decisions (matched ignoring case).
    pub owner: Option<String>,
    /// How far ahead "due soon" looks; default: the plan's `[coverage] due_soon`.
    pub within: Option<Duration>,
}

/// One asset to review.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct AssetItem {
    pub title: String,
    pub slug: String,
    /// Its source file, relative to the library root.
    pub source: String,
    pub owner: Option<String>,
    #[serde(rename = "type")]
    pub kind: Option<String>,
    pub due: Date,
    /// Days from as_of to the due date: negative when overdue.
    pub days: i64,
}

/// One plan decision whose review date has passed or falls within the window.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct DecisionItem {
    /// "Enterprise · Economic Buyer · Awareness" (or "every …" where it names none).
    pub scope: String,
    pub target: u32,
    pub why: String,
    pub owner: Option<String>,
    pub review_by: Date,
    pub days: i64,
    /// Already lapsed (no longer applied), rather than lapsing within the window.
    pub lapsed: bool,
    /// Its line in plan.toml.
    pub line: u32,
}

/// The review queue.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Queue {
    pub site: String,
    pub as_of: Date,
    /// The window, as written ("30 days").
    pub within: String,
    pub owner: Option<String>,
    /// Most overdue first.
    pub overdue: Vec<AssetItem>,
    /// Soonest first.
    pub due_soon: Vec<AssetItem>,
    /// Lapsed first, then soonest.
    pub decisions: Vec<DecisionItem>,
}

impl Queue {
    pub fn of(lib: &Library, options: &Options) -> Queue {
        let plan = &lib.plan;
        let within = options.within.unwrap_or(plan.freshness.due_soon);
        let horizon = within.after(plan.as_of);
        let wanted = |owner: Option<&str>| match &options.owner {
            None => true,
            Some(o) => owner.is_some_and(|x| x.trim().eq_ignore_ascii_case(o.trim())),
        };
        let (mut overdue, mut due_soon) = (Vec::new(), Vec::new());
        for a in &lib.assets {
            let Some(due) = a.freshness.due else { continue };
            if a.draft || a.freshness.superseded_by.is_some() || !wanted(a.owner.as_deref()) {
                continue;
            }
            let item = || AssetItem {
                title: a.title.clone(),
                slug: a.slug.clone(),
                source: a.source.to_string_lossy().replace('\\', "/"),
                owner: a.owner.clone(),
                kind: a.kind.clone(),
                due,
                days: days_between(plan.as_of, due),
            };
            if a.stale {
                overdue.push(item());
            } else if due <= horizon {
                due_soon.push(item());
            }
        }
        overdue.sort_by(|a, b| (a.due, &a.slug).cmp(&(b.due, &b.slug)));
        due_soon.sort_by(|a, b| (a.due, &a.slug).cmp(&(b.due, &b.slug)));
        let mut decisions: Vec<DecisionItem> = plan
            .decisions
            .iter()
            .filter(|d| wanted(d.owner.as_deref()))
            .filter_map(|d| {
                let review_by = d.review_by.filter(|&r| r <= horizon)?;
                let name = |n: Option<&str>, every: &'static str| n.unwrap_or(every).to_string();
                let scope = [
                    name(
                        d.segment.map(|i| plan.segments[i].name.as_str()),
                        "every segment",
                    ),
                    name(
                        d.persona.map(|i| plan.personas[i].name.as_str()),
                        "every persona",
                    ),
                    name(d.stage.map(|i| plan.stages[i].name.as_str()), "every stage"),
                ]
                .join(" · ");
                Some(DecisionItem {
                    scope,
                    target: d.target,
                    why: d.why.clone(),
                    owner: d.owner.clone(),
                    review_by,
                    days: days_between(plan.as_of, review_by),
                    lapsed: d.lapsed(plan.as_of),
                    line: d.line,
                })
            })
            .collect();
        decisions.sort_by_key(|d| (d.review_by, d.line));
        Queue {
            site: plan.site.title.clone(),
            as_of: plan.as_of,
            within: within.to_string(),
            owner: options.owner.clone(),
            overdue,
            due_soon,
            decisions,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.overdue.is_empty() && self.due_soon.is_empty() && self.decisions.is_empty()
    }

    fn heading(&self) -> String {
        let mut h = format!("Review queue for {} as of {}", self.site, self.as_of);
        if let Some(o) = &self.owner {
            let _ = write!(h, ", owner {o}");
        }
        h
    }

    /// For people at a terminal.
    pub fn text(&self) -> String {
        let mut out = format!("{}\n", self.heading());
        let section = |out: &mut String, title: String, lines: Vec<String>| {
            let _ = writeln!(out, "\n{title} ({})", lines.len());
            if lines.is_empty() {
                out.push_str("  none\n");
            }
            for l in lines {
                let _ = writeln!(out, "  {l}");
            }
        };
        let owner =
            |o: &Option<String>| o.as_deref().map_or_else(String::new, |o| format!(" · {o}"));
        let asset = |a: &AssetItem| {
            format!(
                "{}  {} ({}){} · {}",
                a.due,
                a.title,
                days(a.days),
                owner(&a.owner),
                a.source
            )
        };
        section(
            &mut out,
            "Overdue".to_string(),
            self.overdue.iter().map(asset).collect(),
        );
        section(
            &mut out,
            format!("Due within {}", self.within),
            self.due_soon.iter().map(asset).collect(),
        );
        section(
            &mut out,
            "Decisions lapsing".to_string(),
            self.decisions
                .iter()
                .map(|d| {
                    format!(
                        "{}  {} → target {} ({}){} · plan.toml:{}",
                        d.review_by,
                        d.scope,
                        d.target,
                        lapse(d),
                        owner(&d.owner),
                        d.line
                    )
                })
                .collect(),
        );
        out
    }

    /// For an issue body: a checklist per section.
    pub fn markdown(&self) -> String {
        let mut out = format!("## {}\n", self.heading());
        let section = |out: &mut String, title: String, lines: Vec<String>| {
            let _ = writeln!(out, "\n### {title} ({})\n", lines.len());
            if lines.is_empty() {
                out.push_str("Nothing.\n");
            }
            for l in lines {
                let _ = writeln!(out, "- [ ] {l}");
            }
        };
        let owner = |o: &Option<String>| {
            o.as_deref()
                .map_or_else(String::new, |o| format!(" · {}", md(o)))
        };
        let asset = |a: &AssetItem| {
            format!(
                "**{}** (`{}`) — due {}, {}{}",
                md(&a.title),
                a.source,
                a.due,
                days(a.days),
                owner(&a.owner)
            )
        };
        section(
            &mut out,
            "Overdue".to_string(),
            self.overdue.iter().map(asset).collect(),
        );
        section(
            &mut out,
            format!("Due within {}", self.within),
            self.due_soon.iter().map(asset).collect(),
        );
        section(
            &mut out,
            "Decisions lapsing".to_string(),
            self.decisions
                .iter()
                .map(|d| {
                    format!(
                        "**{}** → target {} — review by {}, {}{} (`plan.toml:{}`): {}",
                        md(&d.scope),
                        d.target,
                        d.review_by,
                        lapse(d),
                        owner(&d.owner),
                        d.line,
                        md(&d.why)
                    )
                })
                .collect(),
        );
        out
    }

    pub fn json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }
}

fn days(n: i64) -> String {
    match n {
        n if n < -1 => format!("{} days overdue", -n),
        -1 => "1 day overdue".to_string(),
        0 => "due today".to_string(),
        1 => "in 1 day".to_string(),
        n => format!("in {n} days"),
    }
}

fn lapse(d: &DecisionItem) -> String {
    match (d.lapsed, d.days) {
        (true, -1) => "lapsed 1 day ago".to_string(),
        (true, n) => format!("lapsed {} days ago", -n),
        (false, 0) => "lapses after today".to_string(),
        (false, n) => format!("lapses in {n} days"),
    }
}

/// Text safe inside Markdown: the characters that would make links, emphasis or HTML
/// escaped.
fn md(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if matches!(
            c,
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '#' | '|' | '!'
        ) {
            out.push('\\');
        }
        out.push(if c == '\n' { ' ' } else { c });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lib() -> Library {
        crate::library::in_memory(&[
            (
                "plan.toml",
                "[site]\ntitle='T'\n[plan]\ntitle='P'\nas_of=2026-11-01\n[coverage]\nreview_every='6 months'\n[[stages]]\nid='s'\n[[personas]]\nid='p'\n[[segments]]\nid='g'\npipeline=1\n[[decisions]]\npersona='p'\ntarget=0\nwhy='w'\nowner='PMM'\nreview_by=2026-11-20\n[[decisions]]\nstage='s'\ntarget=0\nwhy='later'\nreview_by=2027-06-01\n",
            ),
            (
                "content/old.md",
                "---\ntitle: Old\nowner: Ann\nupdated: 2026-01-15\n---\n",
            ),
            (
                "content/soon.md",
                "---\ntitle: Soon\nowner: Bob\nreview_by: 2026-11-10\n---\n",
            ),
            (
                "content/later.md",
                "---\ntitle: Later\nowner: ann\nreview_by: 2026-12-20\n---\n",
            ),
            (
                "content/gone.md",
                "---\ntitle: Gone\nowner: Ann\nreview_by: 2026-01-01\nsuperseded_by: later\n---\n",
            ),
        ])
    }

    #[test]
    fn queues_overdue_due_soon_and_decisions() {
        let lib = lib();
        let q = Queue::of(
            &lib,
            &Options {
                owner: None,
                within: None,
            },
        );
        let slugs = |v: &[AssetItem]| v.iter().map(|a| a.slug.clone()).collect::<Vec<_>>();
        assert_eq!(slugs(&q.overdue), ["old"]);
        assert_eq!(q.overdue[0].due.to_string(), "2026-07-15");
        assert_eq!(q.overdue[0].days, -109);
        assert_eq!(slugs(&q.due_soon), ["soon"]);
        assert_eq!(q.decisions.len(), 1);
        assert_eq!(q.decisions[0].days, 19);
        let wide = Queue::of(
            &lib,
            &Options {
                owner: None,
                within: Some(Duration::parse("2 months").unwrap()),
            },
        );
        assert_eq!(slugs(&wide.due_soon), ["soon", "later"]);
        let ann = Queue::of(
            &lib,
            &Options {
                owner: Some("ANN".into()),
                within: Some(Duration::parse("1 year").unwrap()),
            },
        );
        assert_eq!(
            (slugs(&ann.overdue), slugs(&ann.due_soon)),
            (vec!["old".to_string()], vec!["later".to_string()])
        );
        assert!(ann.decisions.is_empty(), "no decision of Ann's");
    }

    #[test]
    fn prints_every_format() {
        let lib = lib();
        let q = Queue::of(
            &lib,
            &Options {
                owner: None,
                within: None,
            },
        );
        let text = q.text();
        assert!(
            text.contains(
                "Overdue (1)\n  2026-07-15  Old (109 days overdue) · Ann · content/old.md"
            ),
            "{text}"
        );
        assert!(text.contains("Decisions lapsing (1)\n  2026-11-20  every segment · p · every stage → target 0 (lapses in 19 days) · PMM"), "{text}");
        let md = q.markdown();
        assert!(md.contains("### Overdue (1)\n\n- [ ] **Old** (`content/old.md`) — due 2026-07-15, 109 days overdue · Ann"), "{md}");
        let json: serde_json::Value = serde_json::from_str(&q.json()).unwrap();
        assert_eq!(json["overdue"][0]["slug"], "old");
        assert_eq!(json["due_soon"][0]["due"], "2026-11-10");
        assert_eq!(json["within"], "30 days");
    }

    #[test]
    fn markdown_escapes_titles() {
        assert_eq!(md("a *b* [c](d) <e>"), "a \\*b\\* \\[c\\](d) \\<e\\>");
    }
}
