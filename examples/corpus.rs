//! Deterministic corpus generator for benchmarks.
//!
//! ```sh
//! cargo run --release --example corpus -- --assets 10000 --out /tmp/lib [--hugo /tmp/hugo-site]
//! ```
//!
//! Writes a covermap library of N assets (plan.toml + content/<type>/<a-z>/<slug>.md) and,
//! with `--hugo DIR`, the same assets as a Hugo site (hugo.toml, content/, minimal layouts).
//! Every asset is drawn from its own seeded PRNG (splitmix64 keyed by the asset's index), so
//! asset #i is byte-identical whatever N is, and the output is identical run to run.
//! See BENCHMARKS.md for how the Hugo site maps to covermap's work.

use std::fmt::Write as _;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use clap::Parser;
use rayon::prelude::*;

/// Marker file: a folder holding it was written by this generator and may be rewritten.
const MARKER: &str = ".covermap-corpus";
const SEED: u64 = 0x00c0_4e2a_b5e7_2026;
/// The day the plan judges freshness on; Hugo's layouts use the same day.
const AS_OF: &str = "2026-11-01";

#[derive(Parser)]
#[command(
    about = "Write a deterministic covermap library (and optionally the same as a Hugo site)"
)]
struct Args {
    /// Number of assets.
    #[arg(long)]
    assets: usize,
    /// Library root to write (plan.toml, content/).
    #[arg(long)]
    out: PathBuf,
    /// Also write the same assets as a Hugo site here.
    #[arg(long)]
    hugo: Option<PathBuf>,
}

// ------------------------------------------------------------------ PRNG

struct Rng(u64);

impl Rng {
    fn new(key: u64) -> Self {
        let mut r = Rng(SEED ^ key.wrapping_mul(0x9e37_79b9_7f4a_7c15));
        r.next();
        r
    }
    /// splitmix64
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    /// Uniform in 0..n.
    fn below(&mut self, n: usize) -> usize {
        (((self.next() >> 11) as u128 * n as u128) >> 53) as usize
    }
    /// Uniform in lo..=hi.
    fn range(&mut self, lo: usize, hi: usize) -> usize {
        lo + self.below(hi - lo + 1)
    }
    /// True with probability p.
    fn chance(&mut self, p: f64) -> bool {
        ((self.next() >> 11) as f64 / (1u64 << 53) as f64) < p
    }
    fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.below(xs.len())]
    }
    /// `k` distinct indices of 0..n, in increasing order.
    fn distinct(&mut self, n: usize, k: usize) -> Vec<usize> {
        let mut idx: Vec<usize> = (0..n).collect();
        for i in 0..k.min(n) {
            let j = i + self.below(n - i);
            idx.swap(i, j);
        }
        let mut out = idx[..k.min(n)].to_vec();
        out.sort_unstable();
        out
    }
}

// ------------------------------------------------------------------ the plan

/// (id, name, aliases)
const PERSONAS: &[(&str, &str, &[&str])] = &[
    (
        "economic-buyer",
        "Economic Buyer",
        &["EB", "CFO", "budget holder"],
    ),
    (
        "champion",
        "Champion",
        &["platform lead", "head of platform"],
    ),
    ("it-security", "IT & Security", &["CISO", "security"]),
    (
        "procurement",
        "Procurement",
        &["purchasing", "vendor management"],
    ),
    (
        "end-user",
        "Site Reliability Engineer",
        &["SRE", "on-call engineer"],
    ),
    (
        "executive-sponsor",
        "Executive Sponsor",
        &["CTO", "exec sponsor"],
    ),
];
const STAGES: &[(&str, &str)] = &[
    ("awareness", "Awareness"),
    ("consideration", "Consideration"),
    ("evaluation", "Evaluation"),
    ("decision", "Decision"),
    ("onboarding", "Onboarding"),
];
/// (id, name, pipeline)
const SEGMENTS: &[(&str, &str, u64)] = &[
    ("enterprise", "Enterprise", 9_600_000),
    ("mid-market", "Mid-Market", 6_400_000),
    ("smb", "SMB", 1_800_000),
    ("public-sector", "Public Sector", 2_700_000),
    ("digital-natives", "Digital Natives", 3_100_000),
];
const OBJECTIONS: &[(&str, &str, u32)] = &[
    (
        "price",
        "You cost more than the open-source stack we run today.",
        41,
    ),
    (
        "build-vs-buy",
        "Our platform team can build this in a quarter.",
        33,
    ),
    ("data-residency", "Our telemetry cannot leave the EU.", 24),
    (
        "migration-effort",
        "Re-instrumenting 400 services is a year of work.",
        21,
    ),
    (
        "security-review",
        "Nothing ships until our security review clears.",
        17,
    ),
    (
        "vendor-lock-in",
        "We will be locked into your query language.",
        12,
    ),
    ("alert-fatigue", "Another tool means another pager.", 8),
];

/// Renders an asset as the text of a second file (Hugo's copy of the corpus).
type Render = fn(&Asset) -> String;

fn plan_toml() -> String {
    let mut s = String::new();
    s.push_str(
        r#"# Generated by `cargo run --release --example corpus`: a benchmark library.

[site]
title = "Northwind Cloud — Sales Library"
base_url = "/"

[plan]
title = "FY27 H1 revenue plan"
currency = "USD"
revenue_goal = 12_000_000
qualified_lead = "ICP account (50+ services in production) with a platform champion and an economic buyer engaged"
"#,
    );
    writeln!(
        s,
        "as_of = {AS_OF}\n\n[coverage]\ntarget = 2\ncount_stale = false"
    )
    .unwrap();
    for (id, name) in STAGES {
        write!(s, "\n[[stages]]\nid = \"{id}\"\nname = \"{name}\"\n").unwrap();
    }
    for (id, name, aliases) in PERSONAS {
        let aliases: Vec<String> = aliases.iter().map(|a| format!("\"{a}\"")).collect();
        write!(
            s,
            "\n[[personas]]\nid = \"{id}\"\nname = \"{name}\"\ndescription = \"The {name} in a Northwind deal.\"\naliases = [{}]\n",
            aliases.join(", ")
        )
        .unwrap();
    }
    for (k, (id, name, pipeline)) in SEGMENTS.iter().enumerate() {
        write!(
            s,
            "\n[[segments]]\nid = \"{id}\"\nname = \"{name}\"\npipeline = {pipeline}\n"
        )
        .unwrap();
        match k {
            1 => s.push_str(
                "personas = [\"economic-buyer\", \"champion\", \"it-security\", \"procurement\", \"end-user\"]\nweights = { economic-buyer = 2, champion = 2 }\n",
            ),
            2 => s.push_str(
                "personas = [\"economic-buyer\", \"champion\", \"end-user\"]\nstages = [\"awareness\", \"consideration\", \"decision\", \"onboarding\"]\n",
            ),
            3 => s.push_str(
                "personas = [\"economic-buyer\", \"champion\", \"it-security\", \"procurement\"]\nstages = [\"awareness\", \"consideration\", \"evaluation\", \"decision\"]\n",
            ),
            _ => s.push_str("weights = { economic-buyer = 3, champion = 2 }\n"),
        }
    }
    s.push_str(
        r#"
[[decisions]]
segment = "enterprise"
persona = "economic-buyer"
stage = "awareness"
target = 0
why = "Enterprise CFOs are reached through the champion, not top-of-funnel content."
owner = "PMM lead"
decided = 2026-10-12
review_by = 2027-04-30

[[decisions]]
persona = "it-security"
stage = "awareness"
target = 0
why = "Security joins once a vendor is shortlisted, in every segment."
owner = "PMM lead"
decided = 2026-10-12
review_by = 2027-04-30

[[decisions]]
segment = "enterprise"
persona = "champion"
stage = "evaluation"
target = 4
why = "Enterprise bake-offs need a demo script, a peer story and two competitive answers."
owner = "PMM lead"
decided = 2026-10-12

[[decisions]]
segment = "smb"
persona = "economic-buyer"
stage = "onboarding"
target = 0
why = "SMB owners hand off after signature; Customer Success covers them."
decided = 2026-09-22
review_by = 2027-03-31
"#,
    );
    for (id, text, heard) in OBJECTIONS {
        write!(
            s,
            "\n[[objections]]\nid = \"{id}\"\ntext = \"{text}\"\nheard = {heard}\n"
        )
        .unwrap();
    }
    s
}

// ------------------------------------------------------------------ vocabulary

/// (folder/type word, noun used in titles)
const TYPES: &[(&str, &str)] = &[
    ("case-study", "case study"),
    ("one-pager", "one-pager"),
    ("battlecard", "battlecard"),
    ("calculator", "ROI calculator"),
    ("security-pack", "security pack"),
    ("talk-track", "talk track"),
    ("webinar", "webinar"),
    ("email", "email template"),
    ("deck", "pitch deck"),
    ("whitepaper", "whitepaper"),
];
const TOPICS: &[&str] = &[
    "alerting",
    "tracing",
    "log retention",
    "incident response",
    "cost control",
    "SLO tracking",
    "kubernetes monitoring",
    "on-call health",
    "capacity planning",
    "release safety",
    "data residency",
    "audit readiness",
    "cloud migration",
    "service maps",
    "error budgets",
    "query performance",
    "dashboard sprawl",
    "telemetry pipelines",
    "root cause analysis",
    "vendor consolidation",
    "mobile monitoring",
    "synthetic checks",
    "database insights",
    "network visibility",
    "AI assistants",
];
const COMPANIES: &[&str] = &[
    "Harborview Freight",
    "Pinecrest Health",
    "Brightline Robotics",
    "Copperleaf Retail",
    "Tidewater Bank",
    "Kestrel Games",
    "Ironwood Insurance",
    "Bluefin Media",
    "Juniper Labs",
    "Quarry Analytics",
    "Saltmarsh Energy",
    "Oakhurst University",
    "Redfern Logistics",
];
const OWNERS: &[&str] = &[
    "Product Marketing",
    "Sales Enablement",
    "Customer Marketing",
    "Field Marketing",
    "Solutions Engineering",
    "Competitive Intelligence",
    "Security Office",
];
const TAGS: &[&str] = &[
    "roi",
    "pricing",
    "kubernetes",
    "aws",
    "azure",
    "gcp",
    "otel",
    "security",
    "compliance",
    "gdpr",
    "soc2",
    "fedramp",
    "migration",
    "competitive",
    "datadog",
    "prometheus",
    "grafana",
    "splunk",
    "customer-story",
    "finance",
    "onboarding",
    "training",
    "executive",
    "technical",
    "demo",
    "workshop",
    "emea",
    "apac",
    "na",
    "retail",
    "fintech",
    "healthcare",
    "gaming",
    "public-sector",
    "startup",
    "ai",
    "cost",
    "sre",
    "devops",
    "platform",
];
const ADJ: &[&str] = &[
    "faster",
    "cheaper",
    "measurable",
    "predictable",
    "auditable",
    "noisy",
    "slow",
    "fragile",
    "costly",
    "reliable",
    "consistent",
    "visible",
    "scattered",
    "manual",
    "automated",
    "proven",
    "shared",
    "critical",
    "regional",
    "quarterly",
];
const NOUNS: &[&str] = &[
    "incidents",
    "dashboards",
    "alerts",
    "services",
    "budgets",
    "teams",
    "engineers",
    "queries",
    "traces",
    "logs",
    "metrics",
    "deploys",
    "outages",
    "renewals",
    "contracts",
    "pilots",
    "reviews",
    "clusters",
    "regions",
    "workloads",
    "customers",
    "tickets",
    "releases",
    "runbooks",
    "pagers",
];
const VERBS: &[&str] = &[
    "cut",
    "reduce",
    "track",
    "explain",
    "consolidate",
    "prove",
    "shorten",
    "protect",
    "automate",
    "forecast",
    "standardise",
    "surface",
    "replace",
    "measure",
    "route",
];
const OPENERS: &[&str] = &[
    "In most accounts",
    "Across the pilot",
    "During evaluation",
    "After the first quarter",
    "For the platform team",
    "In the security review",
    "On every renewal call",
    "When the CFO asks",
    "Before the proof of concept",
    "In regulated industries",
];

fn sentence(r: &mut Rng, out: &mut String) {
    match r.below(4) {
        0 => {
            write!(
                out,
                "{} teams {} {} {} by {}% with Northwind.",
                r.pick(OPENERS),
                r.pick(VERBS),
                r.pick(ADJ),
                r.pick(NOUNS),
                r.range(12, 74)
            )
            .unwrap();
        }
        1 => {
            write!(
                out,
                "{} moved {} {} to Northwind and now {} {} in {} minutes instead of {} hours.",
                r.pick(COMPANIES),
                r.range(40, 900),
                r.pick(NOUNS),
                r.pick(VERBS),
                r.pick(NOUNS),
                r.range(3, 30),
                r.range(2, 9)
            )
            .unwrap();
        }
        2 => {
            write!(
                out,
                "The question is not whether {} {} are {}, but who {} them when {} {} fail.",
                r.pick(TOPICS),
                r.pick(NOUNS),
                r.pick(ADJ),
                r.pick(VERBS),
                r.pick(ADJ),
                r.pick(NOUNS)
            )
            .unwrap();
        }
        _ => {
            write!(
                out,
                "Lead with **{}**: buyers who see {} {} early {} the {} conversation.",
                r.pick(TOPICS),
                r.pick(ADJ),
                r.pick(NOUNS),
                r.pick(VERBS),
                r.pick(TOPICS)
            )
            .unwrap();
        }
    }
}

fn paragraph(r: &mut Rng, out: &mut String) {
    for k in 0..r.range(2, 5) {
        if k > 0 {
            out.push(' ');
        }
        sentence(r, out);
    }
    if r.chance(0.3) {
        let topic = r.pick(TOPICS).replace(' ', "-").to_lowercase();
        write!(
            out,
            " See [the {} guide](https://docs.northwind.example/{}) for details.",
            r.pick(TOPICS),
            topic
        )
        .unwrap();
    }
    out.push_str("\n\n");
}

fn list(r: &mut Rng, out: &mut String) {
    let ordered = r.chance(0.35);
    let task = !ordered && r.chance(0.15);
    for k in 1..=r.range(3, 6) {
        if ordered {
            write!(out, "{k}. ").unwrap();
        } else if task {
            out.push_str(if r.chance(0.5) { "- [x] " } else { "- [ ] " });
        } else {
            out.push_str("- ");
        }
        write!(
            out,
            "{} {} {} for {}",
            r.pick(VERBS),
            r.pick(ADJ),
            r.pick(NOUNS),
            r.pick(TOPICS)
        )
        .unwrap();
        if r.chance(0.3) {
            write!(
                out,
                " ([example](https://northwind.example/examples/{}))",
                r.range(100, 999)
            )
            .unwrap();
        }
        out.push('\n');
    }
    out.push('\n');
}

fn table(r: &mut Rng, out: &mut String) {
    out.push_str("| Customer | Segment | Outcome | Time to value |\n|---|---|---|---:|\n");
    for _ in 0..r.range(3, 6) {
        writeln!(
            out,
            "| {} | {} | {} {} by {}% | {} weeks |",
            r.pick(COMPANIES),
            r.pick(SEGMENTS).1,
            r.pick(VERBS),
            r.pick(NOUNS),
            r.range(10, 80),
            r.range(2, 16)
        )
        .unwrap();
    }
    out.push('\n');
}

fn title_case(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}

/// Words in Markdown text: whitespace-separated tokens holding a letter or digit.
fn count_words(s: &str) -> usize {
    s.split_whitespace()
        .filter(|w| w.chars().any(char::is_alphanumeric))
        .count()
}

/// A body of 300–900 words: sections are added until a drawn length is reached, and no
/// section adds more than ~180 words.
fn body(r: &mut Rng, title: &str) -> String {
    let target = r.range(300, 720);
    let mut out = String::with_capacity(target * 8);
    writeln!(out, "# {title}\n").unwrap();
    paragraph(r, &mut out);
    let mut footnote = false;
    while count_words(&out) < target {
        writeln!(
            out,
            "## {} {} {}\n",
            title_case(r.pick::<&str>(VERBS)),
            r.pick(ADJ),
            r.pick(NOUNS)
        )
        .unwrap();
        paragraph(r, &mut out);
        match r.below(5) {
            0 | 1 => list(r, &mut out),
            2 => table(r, &mut out),
            3 => {
                writeln!(out, "### What to say\n").unwrap();
                paragraph(r, &mut out);
            }
            _ => {
                if !footnote {
                    out.pop();
                    out.push_str(" Figures are from the FY26 customer survey.[^survey]\n\n");
                    footnote = true;
                }
                paragraph(r, &mut out);
            }
        }
    }
    if footnote {
        out.push_str(
            "[^survey]: 412 respondents, ~~self-reported~~ verified against billing data.\n",
        );
    }
    out
}

// ------------------------------------------------------------------ an asset

struct Asset {
    /// content/<type>/<letter>/<file>.md, relative to content/
    rel: String,
    title: String,
    ty: &'static str,
    /// front matter values as written for covermap (ids, sometimes names/aliases, or `all`)
    personas: Option<(bool, Vec<String>)>, // (singular key, values)
    stages: Option<(bool, Vec<String>)>,
    segments: Option<(bool, Vec<String>)>,
    /// the same, resolved to plan ids (what Hugo gets as taxonomy terms)
    persona_ids: Vec<&'static str>,
    stage_ids: Vec<&'static str>,
    segment_ids: Vec<&'static str>,
    objections: Vec<&'static str>,
    summary: String,
    audience: &'static str,
    owner: &'static str,
    updated: String,
    review_by: String,
    url: Option<String>,
    draft: bool,
    tags: Vec<&'static str>,
    region: Option<&'static str>,
    toml: bool,
    body: String,
}

/// Days since 1970-01-01 to (y, m, d) — Howard Hinnant's civil_from_days.
fn date(days: i64) -> String {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

fn asset(i: usize) -> Asset {
    let r = &mut Rng::new(i as u64);
    let (ty, ty_noun) = *r.pick(TYPES);
    let topic = *r.pick(TOPICS);
    let title = match r.below(4) {
        0 => format!("{} {}: {}", title_case(topic), ty_noun, r.pick(COMPANIES)),
        1 => format!(
            "{} {} for {}",
            title_case(ty_noun),
            r.pick(TOPICS),
            r.pick(SEGMENTS).1
        ),
        2 => format!(
            "How {} {} {} {}",
            r.pick(COMPANIES),
            r.pick(VERBS),
            r.pick(ADJ),
            r.pick(NOUNS)
        ),
        _ => format!(
            "{} {} {}",
            title_case(r.pick::<&str>(VERBS)),
            topic,
            ty_noun
        ),
    };
    // A readable, unique file name: words of the title and the index.
    let mut file = String::new();
    for c in title.to_lowercase().chars() {
        if c.is_ascii_alphanumeric() {
            file.push(c);
        } else if !file.ends_with('-') {
            file.push('-');
        }
    }
    let file = format!("{}-{i}", file.trim_matches('-'));
    let letter = file.chars().next().unwrap();
    let rel = format!("{ty}/{letter}/{file}.md");

    // Personas: 1–3; sometimes written as a name or an alias, sometimes with the singular key.
    let k = r.range(1, 3);
    let persona_idx = r.distinct(PERSONAS.len(), k);
    let persona_ids: Vec<_> = persona_idx.iter().map(|&k| PERSONAS[k].0).collect();
    let persona_vals: Vec<String> = persona_idx
        .iter()
        .map(|&k| match r.below(10) {
            0 => PERSONAS[k].1.to_string(),
            1 => r.pick(PERSONAS[k].2).to_string(),
            _ => PERSONAS[k].0.to_string(),
        })
        .collect();
    let personas = Some((persona_vals.len() == 1 && r.chance(0.5), persona_vals));

    // Stages: a run of 1–2 neighbouring stages, or `all`.
    let (stage_ids, stages): (Vec<&str>, _) = if r.chance(0.05) {
        (
            STAGES.iter().map(|s| s.0).collect(),
            Some((true, vec!["all".to_string()])),
        )
    } else {
        let first = r.below(STAGES.len());
        let n = if first + 1 < STAGES.len() {
            r.range(1, 2)
        } else {
            1
        };
        let ids: Vec<&str> = STAGES[first..first + n].iter().map(|s| s.0).collect();
        let vals = ids.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        (ids, Some((vals.len() == 1 && r.chance(0.5), vals)))
    };

    // Segments: 1–3, `all`, or (rarely) left out, which covermap warns about.
    let (segment_ids, segments): (Vec<&str>, _) = match r.below(50) {
        0 => (Vec::new(), None),
        1..=5 => (
            SEGMENTS.iter().map(|s| s.0).collect(),
            Some((false, vec!["all".to_string()])),
        ),
        _ => {
            let k = r.range(1, 3);
            let idx = r.distinct(SEGMENTS.len(), k);
            let ids: Vec<&str> = idx.iter().map(|&k| SEGMENTS[k].0).collect();
            let vals: Vec<String> = idx
                .iter()
                .map(|&k| {
                    if r.chance(0.1) {
                        SEGMENTS[k].1.to_string()
                    } else {
                        SEGMENTS[k].0.to_string()
                    }
                })
                .collect();
            (ids, Some((vals.len() == 1 && r.chance(0.5), vals)))
        }
    };

    let objections = if r.chance(0.5) {
        Vec::new()
    } else {
        let k = r.range(1, 2);
        r.distinct(OBJECTIONS.len(), k)
            .into_iter()
            .map(|k| OBJECTIONS[k].0)
            .collect()
    };
    let summary = format!(
        "{} for {} conversations: how Northwind helps the {} team {} {} {}.",
        title_case(ty_noun),
        topic,
        r.pick(PERSONAS).1,
        r.pick(VERBS),
        r.pick(ADJ),
        r.pick(NOUNS)
    );
    let audience = if r.chance(0.7) {
        "external"
    } else {
        "internal"
    };
    let owner = *r.pick(OWNERS);
    // updated: within the year before AS_OF (2026-11-01 = day 20_758); review due 6–18
    // months later, so ~13% of assets are stale at AS_OF.
    let updated_day = 20_758 - r.range(1, 365) as i64;
    let review_day = updated_day + r.range(180, 540) as i64;
    let url = r
        .chance(0.3)
        .then(|| format!("https://files.northwind.example/{ty}/{file}.pdf"));
    let draft = r.chance(0.02);
    let k = r.range(1, 4);
    let tags = r
        .distinct(TAGS.len(), k)
        .into_iter()
        .map(|k| TAGS[k])
        .collect();
    let region = r
        .chance(0.1)
        .then(|| *r.pick(["EMEA", "APAC", "NA", "LATAM"].as_slice()));
    let toml = r.chance(0.4);
    let body = body(r, &title);
    Asset {
        rel,
        title,
        ty,
        personas,
        stages,
        segments,
        persona_ids,
        stage_ids,
        segment_ids,
        objections,
        summary,
        audience,
        owner,
        updated: date(updated_day),
        review_by: date(review_day),
        url,
        draft,
        tags,
        region,
        toml,
        body,
    }
}

fn quoted(xs: &[impl AsRef<str>]) -> String {
    let v: Vec<String> = xs.iter().map(|x| format!("\"{}\"", x.as_ref())).collect();
    format!("[{}]", v.join(", "))
}

/// The asset as covermap reads it: YAML or TOML front matter per SPEC §1.2.
fn covermap_file(a: &Asset) -> String {
    let mut s = String::with_capacity(a.body.len() + 700);
    let dims = [
        ("persona", &a.personas),
        ("stage", &a.stages),
        ("segment", &a.segments),
    ];
    if a.toml {
        s.push_str("+++\n");
        writeln!(s, "title = \"{}\"\ntype = \"{}\"", a.title, a.ty).unwrap();
        for (key, dim) in dims {
            match dim {
                Some((true, v)) => writeln!(s, "{key} = \"{}\"", v[0]).unwrap(),
                Some((false, v)) if v.len() == 1 && v[0] == "all" => {
                    writeln!(s, "{key}s = \"all\"").unwrap()
                }
                Some((false, v)) => writeln!(s, "{key}s = {}", quoted(v)).unwrap(),
                None => {}
            }
        }
        if !a.objections.is_empty() {
            writeln!(s, "objections = {}", quoted(&a.objections)).unwrap();
        }
        writeln!(
            s,
            "summary = \"{}\"\naudience = \"{}\"\nowner = \"{}\"\nupdated = {}\nreview_by = {}",
            a.summary, a.audience, a.owner, a.updated, a.review_by
        )
        .unwrap();
        if let Some(u) = &a.url {
            writeln!(s, "url = \"{u}\"").unwrap();
        }
        if a.draft {
            s.push_str("draft = true\n");
        }
        writeln!(s, "tags = {}", quoted(&a.tags)).unwrap();
        if let Some(r) = a.region {
            writeln!(s, "region = \"{r}\"").unwrap();
        }
        s.push_str("+++\n");
    } else {
        s.push_str("---\n");
        writeln!(s, "title: \"{}\"\ntype: {}", a.title, a.ty).unwrap();
        for (key, dim) in dims {
            match dim {
                Some((true, v)) => writeln!(s, "{key}: {}", v[0]).unwrap(),
                Some((false, v)) if v.len() == 1 && v[0] == "all" => {
                    writeln!(s, "{key}s: all").unwrap()
                }
                Some((false, v)) => writeln!(s, "{key}s: [{}]", v.join(", ")).unwrap(),
                None => {}
            }
        }
        if !a.objections.is_empty() {
            writeln!(s, "objections: [{}]", a.objections.join(", ")).unwrap();
        }
        writeln!(
            s,
            "summary: \"{}\"\naudience: {}\nowner: \"{}\"\nupdated: {}\nreview_by: {}",
            a.summary, a.audience, a.owner, a.updated, a.review_by
        )
        .unwrap();
        if let Some(u) = &a.url {
            writeln!(s, "url: \"{u}\"").unwrap();
        }
        if a.draft {
            s.push_str("draft: true\n");
        }
        writeln!(s, "tags: [{}]", a.tags.join(", ")).unwrap();
        if let Some(r) = a.region {
            writeln!(s, "region: {r}").unwrap();
        }
        s.push_str("---\n");
    }
    s.push_str(&a.body);
    s
}

/// The same asset as Hugo reads it: YAML front matter, taxonomies as lists of plan ids.
/// `type` and `url` are renamed because both mean something else to Hugo (layout type,
/// permalink).
fn hugo_file(a: &Asset) -> String {
    let mut s = String::with_capacity(a.body.len() + 700);
    s.push_str("---\n");
    writeln!(
        s,
        "title: \"{}\"\ndate: {}\nlastmod: {}\nasset_type: {}",
        a.title, a.updated, a.updated, a.ty
    )
    .unwrap();
    for (key, ids) in [
        ("personas", &a.persona_ids),
        ("stages", &a.stage_ids),
        ("segments", &a.segment_ids),
    ] {
        if !ids.is_empty() {
            writeln!(s, "{key}: {}", quoted(ids)).unwrap();
        }
    }
    if !a.objections.is_empty() {
        writeln!(s, "objections: {}", quoted(&a.objections)).unwrap();
    }
    writeln!(
        s,
        "summary: \"{}\"\naudience: {}\nowner: \"{}\"\nreview_by: \"{}\"",
        a.summary, a.audience, a.owner, a.review_by
    )
    .unwrap();
    if let Some(u) = &a.url {
        writeln!(s, "file_url: \"{u}\"").unwrap();
    }
    writeln!(s, "draft: {}\ntags: {}", a.draft, quoted(&a.tags)).unwrap();
    if let Some(r) = a.region {
        writeln!(s, "region: {r}").unwrap();
    }
    s.push_str("---\n");
    s.push_str(&a.body);
    s
}

// ------------------------------------------------------------------ Hugo site

fn hugo_config() -> String {
    let mut s = String::from(
        r#"# Generated by `cargo run --release --example corpus -- --hugo`: the same assets as a Hugo site.
baseURL = "/"
title = "Northwind Cloud — Sales Library"
relativeURLs = true
# covermap writes no feeds, sitemap or robots.txt: don't make Hugo write them either.
disableKinds = ["RSS", "sitemap", "robotsTXT"]

[taxonomies]
persona = "personas"
stage = "stages"
segment = "segments"
tag = "tags"

[params]
as_of = "2026-11-01"
# Related assets on every page, as covermap shows them. `HUGO_PARAMS_RELATED=false hugo`
# leaves them out (scripts/bench reports that run as `hugo-norel`).
related = true

# The Markdown features covermap enables (tables, footnotes, strikethrough, task lists).
[markup.goldmark.extensions]
typographer = false
linkify = false
definitionList = false

# covermap shows up to five related assets, scored on shared stages (3), personas (2),
# segments (1) and tags (1).
[related]
threshold = 1
includeNewer = true
toLower = false
[[related.indices]]
name = "stages"
weight = 3
[[related.indices]]
name = "personas"
weight = 2
[[related.indices]]
name = "segments"
weight = 1
[[related.indices]]
name = "tags"
weight = 1
"#,
    );
    // Display names of the plan's ids, as covermap shows them.
    s.push_str("\n[params.names.personas]\n");
    for (id, name, _) in PERSONAS {
        writeln!(s, "\"{id}\" = \"{name}\"").unwrap();
    }
    s.push_str("\n[params.names.stages]\n");
    for (id, name) in STAGES {
        writeln!(s, "\"{id}\" = \"{name}\"").unwrap();
    }
    s.push_str("\n[params.names.segments]\n");
    for (id, name, _) in SEGMENTS {
        writeln!(s, "\"{id}\" = \"{name}\"").unwrap();
    }
    s
}

const HUGO_BASEOF: &str = r#"<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ block "title" . }}{{ .Title }} · {{ .Site.Title }}{{ end }}</title>
<link rel="stylesheet" href="{{ "style.css" | relURL }}">
</head>
<body>
<header class="site"><a class="brand" href="{{ "/" | relURL }}">{{ .Site.Title }}</a>
<nav>{{ range $name, $_ := .Site.Taxonomies }}<a href="{{ printf "/%s/" $name | relURL }}">{{ $name | title }}</a> {{ end }}</nav></header>
<main>{{ block "main" . }}{{ end }}</main>
<footer><p>{{ len .Site.RegularPages }} assets · freshness as of {{ site.Params.as_of }}</p></footer>
</body>
</html>
"#;

const HUGO_ROW: &str = r#"<li class="asset">
<h3><a href="{{ .RelPermalink }}">{{ .Title }}</a></h3>
<p class="meta"><span class="type">{{ .Params.asset_type }}</span> {{ if eq .Params.audience "internal" }}<span class="badge internal">Internal only</span> {{ else }}<span class="badge external">Forwardable</span> {{ end }}{{ if lt .Params.review_by site.Params.as_of }}<span class="badge stale">↻ Stale since {{ .Params.review_by }}</span> {{ end }}</p>
{{ with .Params.summary }}<p class="summary">{{ . }}</p>
{{ end }}<p class="tags">{{ range .Params.segments }}<span class="chip seg">{{ index site.Params.names.segments . }}</span>{{ end }}{{ range .Params.personas }}<span class="chip per">{{ index site.Params.names.personas . }}</span>{{ end }}{{ range .Params.stages }}<span class="chip stg">{{ index site.Params.names.stages . }}</span>{{ end }}</p>
</li>
"#;

const HUGO_SINGLE: &str = r#"{{ define "main" }}
<article class="asset-page">
  <nav class="crumbs"><a href="{{ "/" | relURL }}">Library</a> › <a href="{{ .CurrentSection.RelPermalink }}">{{ .Params.asset_type }}</a></nav>
  <h1>{{ .Title }}</h1>
  {{ with .Params.summary }}<p class="lede">{{ . }}</p>{{ end }}
  <p class="meta">
    {{ if eq .Params.audience "internal" }}<span class="badge internal">Internal only — do not forward</span>{{ else }}<span class="badge external">Forwardable to buyers</span>{{ end }}
    {{ if lt .Params.review_by site.Params.as_of }}<span class="badge stale">↻ Stale: review was due {{ .Params.review_by }}</span>{{ end }}
  </p>
  {{ with .Params.file_url }}<p><a class="button" href="{{ . }}">Open the file</a></p>{{ end }}
  <div class="asset-grid">
    <div class="body">{{ .Content }}</div>
    <dl class="facts">
      {{ range $tax := slice "segments" "personas" "stages" }}{{ with index $.Params $tax }}<dt>{{ $tax | title }}</dt><dd>{{ range . }}<a class="chip" href="{{ printf "/%s/%s/" $tax . | relURL }}">{{ index site.Params.names $tax . }}</a> {{ end }}</dd>{{ end }}{{ end }}
      {{ with .Params.objections }}<dt>Answers</dt><dd><ul class="plain">{{ range . }}<li><a href="{{ "/" | relURL }}#{{ . }}">{{ . }}</a></li>{{ end }}</ul></dd>{{ end }}
      {{ with .Params.tags }}<dt>Tags</dt><dd>{{ range . }}<span class="chip">{{ . }}</span> {{ end }}</dd>{{ end }}
      <dt>Owner</dt><dd>{{ .Params.owner }}</dd>
      <dt>Updated</dt><dd><time datetime="{{ .Lastmod.Format "2006-01-02" }}">{{ .Lastmod.Format "2006-01-02" }}</time></dd>
      <dt>Review by</dt><dd><time>{{ .Params.review_by }}</time></dd>
      <dt>Source</dt><dd><code>{{ .File.Path }}</code></dd>
    </dl>
  </div>
  {{ if ne (printf "%v" site.Params.related) "false" }}{{ with first 5 (.Site.RegularPages.Related .) }}
  <section class="related"><h2>Related assets</h2>
    <ul class="asset-list compact">{{ range . }}
      <li class="asset"><h3><a href="{{ .RelPermalink }}">{{ .Title }}</a></h3><p class="meta"><span class="type">{{ .Params.asset_type }}</span> {{ if eq .Params.audience "internal" }}<span class="badge internal">Internal only</span> {{ else }}<span class="badge external">Forwardable</span> {{ end }}{{ if lt .Params.review_by site.Params.as_of }}<span class="badge stale">↻ Stale since {{ .Params.review_by }}</span>{{ end }}</p></li>{{ end }}
    </ul>
  </section>
  {{ end }}{{ end }}
</article>
{{ end }}
"#;

/// Home (the library: every asset), sections (one per type) and term pages.
const HUGO_LIST: &str = r#"{{ define "main" }}
<section class="results">
  <h1>{{ if .IsHome }}Library{{ else }}{{ .Title }}{{ end }}</h1>
  {{ $pages := .RegularPagesRecursive }}{{ if .IsHome }}{{ $pages = .Site.RegularPages }}{{ end }}
  <p class="result-count">{{ len $pages }} assets</p>
  <ul class="asset-list">{{ range $pages }}{{ partial "row.html" . }}{{ end }}</ul>
</section>
{{ end }}
"#;

const HUGO_TERMS: &str = r#"{{ define "main" }}
<h1>{{ .Title }}</h1>
<ul class="terms">{{ range .Data.Terms.ByCount }}<li><a href="{{ .Page.RelPermalink }}">{{ .Page.LinkTitle }}</a> <span class="count">{{ .Count }}</span></li>{{ end }}</ul>
{{ end }}
"#;

// ------------------------------------------------------------------ main

/// Makes `dir` ready to be written: created if missing; if it holds anything, it must carry
/// the marker of an earlier run, and then only what this generator writes is removed.
fn prepare(dir: &Path, ours: &[&str]) -> io::Result<()> {
    if dir.exists() && fs::read_dir(dir)?.next().is_some() {
        if !dir.join(MARKER).exists() {
            return Err(io::Error::other(format!(
                "{} is not empty and was not written by this generator; refusing to touch it",
                dir.display()
            )));
        }
        for p in ours {
            let p = dir.join(p);
            if p.is_dir() {
                fs::remove_dir_all(&p)?;
            } else if p.exists() {
                fs::remove_file(&p)?;
            }
        }
    }
    fs::create_dir_all(dir)?;
    fs::write(
        dir.join(MARKER),
        "written by examples/corpus.rs; safe to delete\n",
    )
}

fn write_all(
    root: &Path,
    n: usize,
    render: fn(&Asset) -> String,
    also: Option<(&Path, Render)>,
) -> io::Result<(u64, u64)> {
    let content = root.join("content");
    (0..n)
        .into_par_iter()
        .map(|i| -> io::Result<(u64, u64)> {
            let a = asset(i);
            let text = render(&a);
            let p = content.join(&a.rel);
            fs::create_dir_all(p.parent().unwrap())?;
            fs::write(&p, &text)?;
            if let Some((other, render2)) = also {
                let p = other.join("content").join(&a.rel);
                fs::create_dir_all(p.parent().unwrap())?;
                fs::write(&p, render2(&a))?;
            }
            let words = a
                .body
                .split_whitespace()
                .filter(|w| w.chars().any(char::is_alphanumeric))
                .count();
            Ok((text.len() as u64, words as u64))
        })
        .try_reduce(|| (0, 0), |x, y| Ok((x.0 + y.0, x.1 + y.1)))
}

fn main() -> io::Result<()> {
    let args = Args::parse();
    prepare(&args.out, &["content", "plan.toml"])?;
    fs::write(args.out.join("plan.toml"), plan_toml())?;
    if let Some(h) = &args.hugo {
        prepare(h, &["content", "layouts", "hugo.toml", "static"])?;
        fs::write(h.join("hugo.toml"), hugo_config())?;
        let l = h.join("layouts");
        fs::create_dir_all(l.join("_default"))?;
        fs::create_dir_all(l.join("partials"))?;
        fs::write(l.join("_default/baseof.html"), HUGO_BASEOF)?;
        fs::write(l.join("_default/single.html"), HUGO_SINGLE)?;
        fs::write(l.join("_default/list.html"), HUGO_LIST)?;
        fs::write(l.join("_default/terms.html"), HUGO_TERMS)?;
        fs::write(l.join("partials/row.html"), HUGO_ROW)?;
        fs::create_dir_all(h.join("static"))?;
        fs::write(
            h.join("static/style.css"),
            "body{font-family:system-ui;max-width:72rem;margin:auto}\n",
        )?;
    }
    let (bytes, words) = write_all(
        &args.out,
        args.assets,
        covermap_file,
        args.hugo
            .as_deref()
            .map(|h| (h, hugo_file as fn(&Asset) -> String)),
    )?;
    eprintln!(
        "corpus: {} assets, {:.1} MB of Markdown, {} body words (mean {}) in {}{}",
        args.assets,
        bytes as f64 / 1e6,
        words,
        words / args.assets.max(1) as u64,
        args.out.display(),
        args.hugo
            .as_ref()
            .map_or(String::new(), |h| format!(" and {}", h.display()))
    );
    Ok(())
}
