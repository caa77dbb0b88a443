use clap::{CommandFactory, Parser};

use crate::cli::Cli;

/// Every flag and argument of every command says what it does in `--help`.
#[test]
fn every_argument_has_help() {
    fn walk(cmd: &clap::Command, path: &str, missing: &mut Vec<String>) {
        for arg in cmd.get_arguments() {
            if arg.get_help().is_none() && arg.get_long_help().is_none() {
                missing.push(format!("{path} {}", arg.get_id()));
            }
        }
        for sub in cmd.get_subcommands() {
            if sub.get_about().is_none() {
                missing.push(format!("{path} {} (the command)", sub.get_name()));
            }
            walk(sub, &format!("{path} {}", sub.get_name()), missing);
        }
    }
    let mut cmd = Cli::command();
    cmd.build();
    let mut missing = Vec::new();
    walk(&cmd, "covermap", &mut missing);
    assert!(missing.is_empty(), "no help text: {missing:?}");
}

#[test]
fn the_definitions_are_consistent() {
    Cli::command().debug_assert();
}

#[test]
fn short_and_global_flags() {
    let cli = Cli::try_parse_from([
        "covermap", "-C", "lib", "build", "-r", "site", "-o", "out", "-q", "--color", "never",
    ]);
    let cli = match cli {
        Ok(cli) => cli,
        Err(e) => panic!("{e}"),
    };
    assert_eq!(cli.global.dir.as_deref(), Some(std::path::Path::new("lib")));
    assert!(cli.global.quiet);
    assert_eq!(cli.global.color, crate::cli::Color::Never);
    let crate::cli::Command::Build(args) = cli.command else {
        panic!("not build")
    };
    assert_eq!(
        args.library.root.as_deref(),
        Some(std::path::Path::new("site"))
    );
    assert_eq!(args.out.as_deref(), Some(std::path::Path::new("out")));
    assert!(Cli::try_parse_from(["covermap", "serve", "-p", "8080"]).is_ok());
    // -C belongs before the command, as with git and cargo.
    assert!(Cli::try_parse_from(["covermap", "check", "-C", "lib"]).is_err());
}
