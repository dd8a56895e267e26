//! `sla-ledger`: the command-line face of SLA Ledger (see `cli/`).

mod cli;

fn main() -> std::process::ExitCode {
    cli::main()
}
