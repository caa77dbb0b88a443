use clap::Parser;

// mimalloc: a build allocates and frees millions of small strings and template values
// from two threads; glibc's allocator took an eighth of a 100,000-asset build's time.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    covermap::cli::run(covermap::cli::Cli::parse())
}
