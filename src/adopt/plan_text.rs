//! The starter plan `init --from` writes: `covermap init`'s sample plan (segments,
//! personas, stages to edit) followed by `[build]`, `[content]` and `[front_matter]`
//! drafted from the repo, and the candidate tag rules commented out. The text depends
//! only on what was found, so the same repo always gives the same plan.

use std::fmt::Write;

use super::detect::Generator;
use super::mapping::Mapping;

/// `init`'s sample plan: the same starting point either way.
const SAMPLE: &str = include_str!("../init/plan.toml");

/// What the plan is drafted from.
pub struct Draft<'a> {
    pub generator: Generator,
    /// The site's title from its configuration, for `[site] title`.
    pub title: Option<&'a str>,
    pub config: Option<&'a str>,
    pub out: &'a str,
    pub their_outputs: &'a [String],
    pub content: &'a str,
    pub static_dirs: &'a [String],
    pub exclude: &'a [String],
    pub mapping: &'a Mapping,
}

/// A TOML string, quoted and escaped.
fn q(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}

/// A TOML key: bare when it can be, quoted otherwise.
fn key(s: &str) -> String {
    if !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
    {
        s.to_string()
    } else {
        q(s)
    }
}

fn list(items: &[String]) -> String {
    let quoted: Vec<String> = items.iter().map(|s| q(s)).collect();
    format!("[{}]", quoted.join(", "))
}

/// The whole plan.toml.
pub fn render(d: &Draft) -> String {
    let title = d.title.map_or_else(|| "\"Sales Library\"".to_string(), q);
    // An adopted repo's lists go A to Z by title (a new library keeps path order).
    let s = String::from(SAMPLE).replacen(
        "title = \"Sales Library\"\n",
        &format!("title = {title}\nsort = \"title\"             # lists A to Z; \"updated\" for newest first\n"),
        1,
    );
    let mut s = s;
    let from = match d.config {
        Some(c) => format!("{} ({c})", d.generator.name()),
        None => d.generator.name().to_string(),
    };
    let _ = writeln!(
        s,
        "\n# ---------------------------------------------------------------------------\n\
         # Adopted by `covermap init --from` from a {from} repo: covermap reads its\n\
         # files where they are and changes none of them."
    );
    let _ = writeln!(s, "\n[build]");
    if d.their_outputs.is_empty() {
        let _ = writeln!(s, "# Where covermap writes the site (`build --out` wins).");
    } else {
        let theirs: Vec<String> = d.their_outputs.iter().map(|o| format!("{o}/")).collect();
        let _ = writeln!(
            s,
            "# Where covermap writes the site (`build --out` wins); {} is the site's own.",
            theirs.join(", ")
        );
    }
    let _ = writeln!(s, "out = {}", q(d.out));

    let _ = writeln!(s, "\n[content]");
    let _ = writeln!(s, "dir = {}", q(d.content));
    let _ = writeln!(
        s,
        "# Folders whose files root-relative links (`/img/a.png`) point to."
    );
    let _ = writeln!(s, "static = {}", list(d.static_dirs));
    let _ = writeln!(s, "extensions = [\".md\", \".markdown\", \".mdx\"]");
    let _ = writeln!(
        s,
        "# Globs relative to the content folder; `include` limits what is read."
    );
    let _ = writeln!(s, "# include = [\"**\"]");
    let _ = writeln!(s, "exclude = {}", list(d.exclude));
    if d.generator.content_at_root() {
        let _ = writeln!(
            s,
            "# The URL the content folder was published under: root links resolve in it."
        );
        let _ = writeln!(s, "url_prefix = \"/\"");
    } else {
        let _ = writeln!(
            s,
            "# url_prefix = \"/docs/\"   # the URL the content folder was published under, for root links"
        );
    }

    let m = d.mapping;
    let _ = writeln!(s, "\n[front_matter]");
    let _ = writeln!(
        s,
        "# Keys match ignoring case (`Title:` is `title`). A rename makes covermap read its\n\
         # key from another one and ignore the repo's own."
    );
    for r in &m.reasons {
        let _ = writeln!(s, "# {r}.");
    }
    let renames: Vec<String> = m
        .renames
        .iter()
        .map(|(k, v)| format!("{} = {}", key(k), q(v)))
        .collect();
    if renames.is_empty() {
        let _ = writeln!(s, "renames = {{}}");
    } else {
        let _ = writeln!(s, "renames = {{ {} }}", renames.join(", "));
    }
    let _ = writeln!(s, "\n[front_matter.aliases]");
    let _ = writeln!(
        s,
        "# covermap key = the repo's keys read, in order, when covermap's own is absent\n\
         # (`!published` reads published: false as draft: true)."
    );
    for (k, from) in &m.aliases {
        let _ = writeln!(s, "{} = {}", key(k), list(from));
    }

    let _ = writeln!(
        s,
        "\n# Candidate tag rules, from the repo's folders and tags: uncomment one, set the\n\
         # plan ids it gives (segments, personas, stages), and run `covermap check`.\n\
         # Front matter wins over rules."
    );
    if m.rules.is_empty() {
        let _ = writeln!(s, "# (no folder or tag is shared by two pages)");
    }
    for c in &m.rules {
        let _ = writeln!(s, "#\n# [[front_matter.rules]]   # {} pages", c.pages);
        if let Some(p) = &c.path {
            let _ = writeln!(s, "# path = {}", q(p));
        }
        if let Some((k, v)) = &c.key {
            let _ = writeln!(s, "# key = {}\n# value = {}", q(k), q(v));
        }
        let _ = writeln!(s, "# {}", c.sets);
    }
    s
}
