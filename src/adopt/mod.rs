//! `covermap init --from DIR`: adopting an existing content repo (Hugo, Jekyll,
//! Eleventy, Docusaurus, Astro, Gatsby, MkDocs or a plain docs folder) in place. The
//! repo is inspected without changing anything, and one new file, `DIR/plan.toml`,
//! records where its content is, where covermap writes (never the site's own output),
//! how its front matter maps to covermap's keys, and candidate tag rules to start from.
//!
//! One file per job: `detect.rs` the generator and its folders, `scan.rs` the pages and
//! their keys, `mapping.rs` the drafted `[front_matter]`, `plan_text.rs` the plan's
//! text; here the steps in order, the summary and the one write.

mod detect;
mod mapping;
mod plan_text;
mod scan;
#[cfg(test)]
mod tests;

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// What `init --from` found and wrote.
#[derive(Debug)]
pub struct Adopted {
    pub plan_path: PathBuf,
    /// The plan's text, as written.
    pub plan: String,
    /// The summary for the terminal, one line each.
    pub summary: Vec<String>,
}

/// Inspects `dir` and drafts its plan, writing nothing. `out` overrides the output
/// folder chosen. Errors are for the terminal: the repo holds no Markdown, or `dir` is
/// not a folder.
pub fn draft(dir: &Path, out: Option<&str>) -> Result<Adopted, String> {
    if !dir.is_dir() {
        return Err(format!(
            "{} is not a folder: give init --from the root of the repo to adopt",
            dir.display()
        ));
    }
    let (generator, config) = detect::generator(dir);
    let theirs = detect::outputs(dir, generator);
    let files = scan::list(dir, &theirs);
    if files.is_empty() {
        return Err(format!(
            "no Markdown (.md, .markdown, .mdx) in {} outside hidden, template and output folders: \
             give init --from the folder of the repo that holds the pages; nothing was written",
            dir.display()
        ));
    }
    let content = scan::content_dir(&files);
    // Root files (README, …) stay listed in `exclude`, so are counted there, not here.
    let repo_files: Vec<String> = files
        .iter()
        .filter(|f| content == "." && scan::is_repo_file(f))
        .cloned()
        .collect();
    let scan = scan::read(dir, scan::in_content(files, &content));
    let out = out.map_or_else(|| detect::free_output(dir, generator), str::to_string);
    let static_dirs = detect::static_dirs(dir, generator, &content);
    let exclude = excludes(dir, &content, repo_files, &theirs);
    let mapping = mapping::draft(&scan, &content);
    let title = detect::site_title(dir, config.as_deref());
    let plan = plan_text::render(&plan_text::Draft {
        generator,
        title: title.as_deref(),
        config: config.as_deref(),
        out: &out,
        their_outputs: &theirs,
        content: &content,
        static_dirs: &static_dirs,
        exclude: &exclude,
        mapping: &mapping,
    });
    let summary = summary(&Summary {
        generator,
        config: config.as_deref(),
        content: &content,
        out: &out,
        theirs: &theirs,
        static_dirs: &static_dirs,
        scan: &scan,
        mapping: &mapping,
    });
    Ok(Adopted {
        plan_path: dir.join("plan.toml"),
        plan,
        summary,
    })
}

/// Drafts the plan and writes it as `dir/plan.toml`, refusing when one exists; no other
/// file is created or changed.
pub fn adopt(dir: &Path, out: Option<&str>) -> Result<Adopted, String> {
    let path = dir.join("plan.toml");
    if path.exists() {
        return Err(format!(
            "{} already exists; init --from never overwrites a file: move it away or edit it",
            path.display()
        ));
    }
    if let Some(o) = out {
        let p = Path::new(o);
        let inside = !o.is_empty()
            && p.is_relative()
            && p.components()
                .all(|c| matches!(c, std::path::Component::Normal(_)));
        if !inside {
            return Err(format!(
                "--out {o}: the plan records a folder inside the repo, such as covermap-site; \
                 to write elsewhere, pass `build --out` instead"
            ));
        }
    }
    let adopted = draft(dir, out)?;
    std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&path)
        .and_then(|mut f| std::io::Write::write_all(&mut f, adopted.plan.as_bytes()))
        .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    Ok(adopted)
}

/// With the root as content folder, the repo's own Markdown (README, LICENSE, …) and
/// the site's outputs are left out explicitly, so the plan says what is not read.
fn excludes(dir: &Path, content: &str, repo_files: Vec<String>, theirs: &[String]) -> Vec<String> {
    if content != "." {
        return Vec::new();
    }
    // Names are escaped: a `[` in a file name is not a glob's character class.
    let mut out: Vec<String> = repo_files.iter().map(|f| globset::escape(f)).collect();
    out.extend(
        theirs
            .iter()
            .filter(|t| dir.join(t).is_dir())
            .map(|t| format!("{}/**", globset::escape(t))),
    );
    out
}

struct Summary<'a> {
    generator: detect::Generator,
    config: Option<&'a str>,
    content: &'a str,
    out: &'a str,
    theirs: &'a [String],
    static_dirs: &'a [String],
    scan: &'a scan::Scan,
    mapping: &'a mapping::Mapping,
}

/// How many keys the summary names before "and N more".
const KEYS_SHOWN: usize = 20;

fn folders(list: &[String]) -> String {
    if list.is_empty() {
        return "none".into();
    }
    list.iter()
        .map(|f| format!("{f}/"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn summary(s: &Summary) -> Vec<String> {
    let mut lines = Vec::new();
    let from = s.config.map_or(String::new(), |c| format!(" ({c})"));
    let dir = if s.content == "." {
        "the repo root".to_string()
    } else {
        format!("{}/", s.content)
    };
    let none = s.scan.count(&scan::Front::None);
    let broken = s.scan.count(&scan::Front::Broken);
    let mut found = format!(
        "{} repo{from}: {} pages, content in {dir}",
        s.generator.name(),
        s.scan.pages.len()
    );
    let mut notes = Vec::new();
    if none > 0 {
        notes.push(format!("{none} without front matter"));
    }
    if broken > 0 {
        notes.push(format!("{broken} with front matter to fix"));
    }
    if !notes.is_empty() {
        let _ = write!(found, " ({})", notes.join(", "));
    }
    lines.push(found);
    let mut out = format!("output: {}/", s.out);
    if !s.theirs.is_empty() {
        let verb = if s.theirs.len() == 1 { "is" } else { "are" };
        let _ = write!(out, " ({} {verb} the site's own)", folders(s.theirs));
    }
    lines.push(out);
    lines.push(format!("static: {}", folders(s.static_dirs)));
    let mut keys: Vec<(&String, &scan::KeyStat)> = s.scan.keys.iter().collect();
    keys.sort_by(|a, b| b.1.pages.cmp(&a.1.pages).then(a.0.cmp(b.0)));
    let mut shown: Vec<String> = keys
        .iter()
        .take(KEYS_SHOWN)
        .map(|(_, st)| {
            let name = st.spelling();
            let other: Vec<&str> = st
                .spellings
                .keys()
                .filter(|sp| sp.as_str() != name)
                .map(String::as_str)
                .collect();
            if other.is_empty() {
                format!("{name} {}", st.pages)
            } else {
                format!("{name} {} (also as {})", st.pages, other.join(", "))
            }
        })
        .collect();
    if keys.len() > KEYS_SHOWN {
        shown.push(format!("and {} more", keys.len() - KEYS_SHOWN));
    }
    lines.push(format!(
        "keys seen: {}",
        if shown.is_empty() {
            "none".to_string()
        } else {
            shown.join(", ")
        }
    ));
    let m = s.mapping;
    let mut mapped: Vec<String> = m
        .aliases
        .iter()
        .map(|(k, from)| format!("{k} ← {}", from.join(", ")))
        .collect();
    mapped.extend(
        m.renames
            .iter()
            .map(|(k, v)| format!("{k} ← {v} (renamed)")),
    );
    lines.push(format!(
        "mapped: {}",
        if mapped.is_empty() {
            "nothing to map".to_string()
        } else {
            mapped.join("; ")
        }
    ));
    for r in &m.reasons {
        lines.push(format!("  {r}"));
    }
    let left: Vec<String> = m.left.iter().map(|(k, n)| format!("{k} {n}")).collect();
    lines.push(format!(
        "left as extra: {}",
        if left.is_empty() {
            "nothing".to_string()
        } else {
            left.join(", ")
        }
    ));
    let next: Vec<String> = m
        .rules
        .iter()
        .take(5)
        .map(|c| match (&c.path, &c.key) {
            (Some(p), _) => format!("{p} ({} pages)", c.pages),
            (None, Some((k, v))) => format!("{k} = {v} ({} pages)", c.pages),
            (None, None) => String::new(),
        })
        .collect();
    if next.is_empty() {
        lines.push(
            "tag next: no folder or tag is shared by two pages; tag assets in front matter or add [[front_matter.rules]]"
                .into(),
        );
    } else {
        lines.push(format!(
            "tag next: {} candidate rules in plan.toml, commented out: {}",
            m.rules.len(),
            next.join(", ")
        ));
    }
    lines
}
