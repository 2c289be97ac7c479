//! The `sepadan` command: see `sepadan --help`.

fn main() -> std::process::ExitCode {
    sepadan::cli::main()
}
