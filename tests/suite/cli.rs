//! The command line itself: help, completions and the man page, finding the library
//! from a subfolder, `-C`, `--quiet`, `--color` and NO_COLOR, the diagnostic codes in
//! `check --format json`, and a closed stdout.

use std::path::Path;
use std::process::{Command, Output, Stdio};

use crate::common::BIN;

fn sample_root() -> &'static str {
    env!("CARGO_MANIFEST_DIR")
}

/// Runs covermap in `dir` with colour left to the flags (no NO_COLOR, no
/// CLICOLOR_FORCE from the environment the tests run in).
fn covermap_in(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(BIN);
    cmd.args(args)
        .current_dir(dir)
        .env_remove("NO_COLOR")
        .env_remove("CLICOLOR_FORCE")
        .env_remove("CLICOLOR");
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().expect("run covermap");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "covermap panicked:\n{stderr}");
    out
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

const COMMANDS: [&str; 7] = [
    "build",
    "serve",
    "watch",
    "check",
    "init",
    "completions",
    "man",
];

#[test]
fn help_lists_the_global_flags_and_every_command() {
    let o = covermap_in(Path::new(sample_root()), &["--help"], &[]);
    assert!(o.status.success());
    let help = text(&o.stdout);
    for flag in ["-C <DIR>", "--color <WHEN>", "-q, --quiet"] {
        assert!(help.contains(flag), "{flag} missing from:\n{help}");
    }
    for command in COMMANDS {
        assert!(
            help.contains(&format!("  {command} ")),
            "{command}:\n{help}"
        );
    }
    let o = covermap_in(Path::new(sample_root()), &["build", "--help"], &[]);
    let help = text(&o.stdout);
    for flag in [
        "-r, --root <DIR>",
        "-o, --out <DIR>",
        "--drafts",
        "--as-of <DATE>",
    ] {
        assert!(help.contains(flag), "{flag} missing from:\n{help}");
    }
}

#[test]
fn completions_and_man_page_name_the_commands() {
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let o = covermap_in(Path::new(sample_root()), &["completions", shell], &[]);
        assert!(o.status.success(), "{shell}: {}", text(&o.stderr));
        let script = text(&o.stdout);
        for command in ["build", "serve", "watch", "check", "init"] {
            assert!(script.contains(command), "{shell} lacks {command}");
        }
    }
    let o = covermap_in(Path::new(sample_root()), &["man"], &[]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let page = text(&o.stdout);
    assert!(
        page.starts_with(".ie") || page.contains(".TH covermap"),
        "{page}"
    );
    for command in COMMANDS {
        assert!(page.contains(command), "man page lacks {command}");
    }
}

#[test]
fn the_library_is_found_from_a_subfolder_and_with_c() {
    let dir = tempfile::tempdir().unwrap();
    let lib = dir.path().join("lib");
    assert!(
        covermap_in(dir.path(), &["init", "-q", "lib"], &[])
            .status
            .success()
    );
    let deep = lib.join("content/case-studies");
    let o = covermap_in(&deep, &["check", "--format", "json"], &[]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let doc: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(doc["summary"]["assets"].as_u64().unwrap_or(0) > 0, "{doc}");

    // -C changes folder first; the build lands in the library's public/.
    let o = covermap_in(dir.path(), &["-C", "lib/content", "build"], &[]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert!(lib.join("public/index.html").is_file());

    // Outside any library: exit 2, naming where it looked and what to do.
    let outside = dir.path().join("elsewhere");
    std::fs::create_dir_all(&outside).unwrap();
    let o = covermap_in(&outside, &["check"], &[]);
    assert_eq!(o.status.code(), Some(2));
    let err = text(&o.stderr);
    assert!(
        err.contains("no plan.toml in ")
            && err.contains("elsewhere")
            && err.contains("covermap init")
            && err.contains("--root"),
        "{err}"
    );
    // --root is used as given, never searched from.
    let o = covermap_in(&deep, &["check", "--root", "."], &[]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o.stderr));
}

#[test]
fn quiet_keeps_diagnostics_and_drops_the_summary() {
    let dir = tempfile::tempdir().unwrap();
    let lib = dir.path().join("lib");
    let lib_s = lib.to_str().unwrap();
    let o = covermap_in(dir.path(), &["init", "--quiet", lib_s], &[]);
    assert!(
        o.status.success() && o.stdout.is_empty(),
        "{}",
        text(&o.stdout)
    );
    let o = covermap_in(dir.path(), &["build", "-q", "-r", lib_s], &[]);
    assert!(o.status.success());
    assert!(o.stderr.is_empty(), "{}", text(&o.stderr));
    // A broken asset: its diagnostic still shows, the "build failed" line does not.
    std::fs::write(lib.join("content/broken.md"), "---\ntitle: x\n").unwrap();
    let o = covermap_in(dir.path(), &["-q", "build", "-r", lib_s], &[]);
    assert_eq!(o.status.code(), Some(1));
    let err = text(&o.stderr);
    assert!(
        err.contains("content/broken.md:1:1: error: the front matter is never closed"),
        "{err}"
    );
    assert!(!err.contains("build failed"), "{err}");
}

#[test]
fn colour_follows_the_flag_no_color_and_clicolor_force() {
    let dir = tempfile::tempdir().unwrap();
    let lib = dir.path().join("lib");
    let lib_s = lib.to_str().unwrap();
    covermap_in(dir.path(), &["init", "-q", lib_s], &[]);
    std::fs::write(lib.join("content/broken.md"), "---\ntitle: x\n").unwrap();
    let coloured = |args: &[&str], env: &[(&str, &str)]| {
        let mut all = vec!["check", "-r", lib_s];
        all.extend_from_slice(args);
        let o = covermap_in(dir.path(), &all, env);
        o.stderr.contains(&0x1b)
    };
    // stderr is a pipe here: no colour unless asked.
    assert!(!coloured(&[], &[]));
    assert!(coloured(&["--color", "always"], &[]));
    assert!(coloured(&[], &[("CLICOLOR_FORCE", "1")]));
    assert!(!coloured(
        &[],
        &[("CLICOLOR_FORCE", "1"), ("NO_COLOR", "1")]
    ));
    assert!(coloured(&[], &[("CLICOLOR_FORCE", "1"), ("NO_COLOR", "")]));
    assert!(!coloured(&["--color", "never"], &[("CLICOLOR_FORCE", "1")]));
    assert!(coloured(&["--color", "always"], &[("NO_COLOR", "1")]));
}

#[test]
fn every_json_diagnostic_has_a_code() {
    let o = covermap_in(
        Path::new(sample_root()),
        &["check", "--root", sample_root(), "--format", "json"],
        &[],
    );
    let doc: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let diagnostics = doc["diagnostics"].as_array().unwrap();
    assert!(!diagnostics.is_empty());
    for d in diagnostics {
        let code = d["code"].as_str().unwrap_or_default();
        assert!(
            code.len() == 5 && (code.starts_with('E') || code.starts_with('W')),
            "{d}"
        );
    }
}

#[test]
fn a_closed_stdout_ends_quietly_with_success() {
    for args in [
        &["check", "--root", sample_root(), "--format", "json"][..],
        &["check", "--root", sample_root()],
        &["completions", "bash"],
        &["man"],
    ] {
        let mut child = Command::new(BIN)
            .args(args)
            .env("NO_COLOR", "1")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("run covermap");
        // The reader goes away before covermap writes a byte.
        drop(child.stdout.take());
        let o = child.wait_with_output().expect("wait for covermap");
        let err = text(&o.stderr);
        assert_eq!(o.status.code(), Some(0), "{args:?}: {err}");
        assert!(
            !err.contains("panicked") && !err.contains("Broken pipe"),
            "{err}"
        );
    }
}

/// The README's table of diagnostic codes, as `src/diagnostics/codes.rs` defines them.
fn codes_table() -> String {
    use covermap::diagnostics::codes::Code;
    let mut t = String::from("| code | what |\n|---|---|\n");
    for c in Code::ALL {
        t.push_str(&format!("| `{}` | {} |\n", c.as_str(), c.meaning()));
    }
    t
}

#[test]
fn the_readme_lists_every_diagnostic_code() {
    let readme = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md"))
        .expect("README.md");
    let start = "<!-- codes: generated from src/diagnostics/codes.rs; tests/suite/cli.rs checks this table -->\n";
    let (_, rest) = readme
        .split_once(start)
        .expect("the codes block's start marker");
    let (table, _) = rest.split_once("<!-- /codes -->").expect("its end marker");
    let want = codes_table();
    if std::env::var_os("COVERMAP_BLESS").is_some() && table != want {
        let fixed = readme.replacen(&format!("{start}{table}"), &format!("{start}{want}"), 1);
        std::fs::write(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md"),
            fixed,
        )
        .unwrap();
        return;
    }
    assert_eq!(
        table, want,
        "README.md's table of codes is out of date: run COVERMAP_BLESS=1 cargo test --test suite -- the_readme_lists"
    );
}
