//! Which generator a repo was made for, read from its configuration files, and what
//! that says about its folders: where it writes its own site (never read, never
//! written by covermap), which folders hold static files, which hold no pages.

use std::path::Path;

/// The generators `init --from` knows (SPEC §5, ADOPTION.md §1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Generator {
    Hugo,
    Jekyll,
    Eleventy,
    Docusaurus,
    Astro,
    Gatsby,
    MkDocs,
    /// No configuration file: a folder of Markdown.
    Plain,
}

impl Generator {
    pub fn name(self) -> &'static str {
        match self {
            Generator::Hugo => "Hugo",
            Generator::Jekyll => "Jekyll",
            Generator::Eleventy => "Eleventy",
            Generator::Docusaurus => "Docusaurus",
            Generator::Astro => "Astro",
            Generator::Gatsby => "Gatsby",
            Generator::MkDocs => "MkDocs",
            Generator::Plain => "plain Markdown",
        }
    }

    /// The folders the generator builds into (or caches in), relative to the root.
    pub fn outputs(self) -> &'static [&'static str] {
        match self {
            Generator::Hugo => &["public", "resources"],
            Generator::Jekyll => &["_site", ".jekyll-cache"],
            Generator::Eleventy => &["_site"],
            Generator::Docusaurus => &["build", ".docusaurus"],
            Generator::Astro => &["dist", ".astro"],
            Generator::Gatsby => &["public", ".cache"],
            Generator::MkDocs => &["site"],
            Generator::Plain => &[],
        }
    }

    /// Whether the content folder is published at the site's root, so a root-relative
    /// link (`/about/`, `/img/a.png`) names a file in it (`[content] url_prefix = "/"`).
    pub fn content_at_root(self) -> bool {
        matches!(
            self,
            Generator::Hugo | Generator::Jekyll | Generator::Eleventy | Generator::MkDocs
        )
    }

    /// The folders whose files root-relative links point to (`/img/a.png`).
    pub fn static_candidates(self) -> &'static [&'static str] {
        match self {
            Generator::Hugo => &["static", "assets"],
            Generator::Docusaurus | Generator::Gatsby => &["static"],
            // Astro's public/ is its static folder, not its output.
            Generator::Astro => &["public"],
            Generator::MkDocs => &[],
            Generator::Jekyll | Generator::Eleventy | Generator::Plain => {
                &["assets", "images", "img", "static"]
            }
        }
    }
}

/// Folders that hold templates, data or copies, never pages, in every generator.
pub const NOT_CONTENT: &[&str] = &[
    "node_modules",
    "_includes",
    "_layouts",
    "_data",
    "_sass",
    "archetypes",
    "layouts",
    "themes",
    "i18n",
    "versioned_docs",
    "vendor",
    "target",
];

/// Folder names some generator builds into: one of these holding an `index.html` is a
/// built site even when the generator is not recognised.
pub const ANY_OUTPUT: &[&str] = &["public", "_site", "build", "dist", "site", "out"];

/// The generator of `root` and the configuration file that told.
pub fn generator(root: &Path) -> (Generator, Option<String>) {
    const CONFIGS: &[(Generator, &str)] = &[
        (Generator::Hugo, "hugo.toml"),
        (Generator::Hugo, "hugo.yaml"),
        (Generator::Hugo, "hugo.json"),
        (Generator::Hugo, "config/_default"),
        (Generator::Jekyll, "_config.yml"),
        (Generator::Jekyll, "_config.yaml"),
        (Generator::Jekyll, "_config.toml"),
        (Generator::Eleventy, ".eleventy.js"),
        (Generator::Eleventy, "eleventy.config.js"),
        (Generator::Eleventy, "eleventy.config.mjs"),
        (Generator::Eleventy, "eleventy.config.cjs"),
        (Generator::Docusaurus, "docusaurus.config.js"),
        (Generator::Docusaurus, "docusaurus.config.ts"),
        (Generator::Astro, "astro.config.mjs"),
        (Generator::Astro, "astro.config.js"),
        (Generator::Astro, "astro.config.ts"),
        (Generator::Gatsby, "gatsby-config.js"),
        (Generator::Gatsby, "gatsby-config.ts"),
        (Generator::Gatsby, "gatsby-config.mjs"),
        (Generator::MkDocs, "mkdocs.yml"),
        (Generator::MkDocs, "mkdocs.yaml"),
    ];
    for (g, file) in CONFIGS {
        if root.join(file).exists() {
            return (*g, Some((*file).to_string()));
        }
    }
    // Hugo's legacy config.toml is only Hugo's beside a content/ folder.
    for file in ["config.toml", "config.yaml"] {
        if root.join(file).is_file() && root.join("content").is_dir() {
            return (Generator::Hugo, Some(file.to_string()));
        }
    }
    (Generator::Plain, None)
}

/// The site's own output folders present in `root`: the generator's, and any folder
/// named like one that holds a built `index.html`.
pub fn outputs(root: &Path, g: Generator) -> Vec<String> {
    let mut found: Vec<String> = g
        .outputs()
        .iter()
        .filter(|o| root.join(o).is_dir())
        .map(|o| (*o).to_string())
        .collect();
    for o in ANY_OUTPUT {
        let built = root.join(o).join("index.html").is_file();
        let static_folder = g.static_candidates().contains(o);
        if built && !static_folder && !found.iter().any(|f| f == o) {
            found.push((*o).to_string());
        }
    }
    found.sort();
    found
}

/// A free output folder for covermap: `public` when no generator claims it and it does
/// not exist, else `covermap-site` (then `covermap-site-2`, …), never an existing folder.
pub fn free_output(root: &Path, g: Generator) -> String {
    let public_is_theirs = matches!(g, Generator::Hugo | Generator::Gatsby | Generator::Astro);
    if !public_is_theirs && !root.join("public").exists() {
        return "public".into();
    }
    let mut n = 1;
    loop {
        let name = if n == 1 {
            "covermap-site".to_string()
        } else {
            format!("covermap-site-{n}")
        };
        if !root.join(&name).exists() {
            return name;
        }
        n += 1;
    }
}

/// The static folders present, in the generator's order.
pub fn static_dirs(root: &Path, g: Generator, content: &str) -> Vec<String> {
    g.static_candidates()
        .iter()
        .filter(|s| root.join(s).is_dir() && **s != content)
        .map(|s| (*s).to_string())
        .collect()
}

/// The site's title from its configuration file, when a top-level `title` line says it
/// (`title = "…"` in TOML, `title: …` in YAML, `title: "…",` in a JS config): the
/// starter plan's `[site] title`. Only the first such line is read; anything unusual
/// gives `None` and the sample's title stays.
pub fn site_title(root: &Path, config: Option<&str>) -> Option<String> {
    let text = std::fs::read_to_string(root.join(config?)).ok()?;
    let line = text.lines().find_map(|l| {
        let rest = l.trim_start().strip_prefix("title")?;
        let rest = rest.trim_start();
        rest.strip_prefix('=')
            .or_else(|| rest.strip_prefix(':'))
            .map(str::trim)
    })?;
    let value = line.trim_end_matches(',').trim();
    let unquoted = ['"', '\'']
        .iter()
        .find_map(|q| value.strip_prefix(*q).and_then(|v| v.strip_suffix(*q)));
    let title = unquoted.unwrap_or(value).trim();
    let plain = !title.is_empty()
        && title.chars().count() <= 200
        && !title.contains(['"', '\'', '\\', '{', '}', '`'])
        && !title.chars().any(char::is_control);
    plain.then(|| title.to_string())
}
