use clap::Parser;

fn main() -> std::process::ExitCode {
    covermap::cli::run(covermap::cli::Cli::parse())
}
