//! `sla-ledger`: the command-line face of SLA Ledger.

mod table;

use clap::{Args, Parser, Subcommand};
use sla_import::Sources;
use sla_ledger::{compute, load_terms, AppError, ComputeRequest};
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "sla-ledger",
    version,
    about = "SLA credits from contract terms and outage evidence, exact to the cent"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Compute one contract's SLA credits for one month.
    Compute(ComputeArgs),
    /// Check a terms file and report every problem in it.
    Validate {
        /// The terms file (TOML, schema = "sla-terms/1").
        #[arg(long)]
        terms: String,
    },
}

#[derive(Args)]
struct ComputeArgs {
    /// The terms file (TOML, schema = "sla-terms/1").
    #[arg(long)]
    terms: String,
    /// A workbook (.xlsx, .xls, .ods) with sheets outages, maintenance, incidents.
    #[arg(long, conflicts_with_all = ["outages", "maintenance", "incidents"])]
    events: Option<String>,
    /// Outages CSV.
    #[arg(long)]
    outages: Option<String>,
    /// Maintenance CSV.
    #[arg(long)]
    maintenance: Option<String>,
    /// Incidents CSV.
    #[arg(long)]
    incidents: Option<String>,
    /// The month, YYYY-MM, in the contract's time zone.
    #[arg(long)]
    period: String,
    /// Print the sla-result/1 JSON document.
    #[arg(long)]
    json: bool,
    /// With the table: also print every trace sentence.
    #[arg(long)]
    trace: bool,
}

fn main() -> ExitCode {
    // clap exits 2 itself on bad flags, as the spec asks.
    let cli = Cli::parse();
    // A bug of ours must not look like bad input: exit 1, not a panic's 101.
    std::panic::set_hook(Box::new(|info| {
        eprintln!("internal error (please report it): {info}")
    }));
    match std::panic::catch_unwind(|| run(cli)) {
        Ok(Ok(())) => ExitCode::SUCCESS,
        Ok(Err(e)) => {
            eprintln!("error: {e}");
            ExitCode::from(e.exit_code() as u8)
        }
        Err(_) => ExitCode::from(1),
    }
}

fn run(cli: Cli) -> Result<(), AppError> {
    match cli.command {
        Command::Compute(a) => {
            let req = ComputeRequest {
                terms: a.terms,
                events: Sources {
                    workbook: a.events,
                    outages: a.outages,
                    maintenance: a.maintenance,
                    incidents: a.incidents,
                },
                period: a.period,
            };
            let (terms, doc) = compute(&req)?;
            if a.json {
                println!(
                    "{}",
                    serde_json::to_string_pretty(&doc).expect("result serialises")
                );
            } else {
                print!("{}", table::render(&terms, &doc, a.trace));
            }
            for w in &doc.warnings {
                eprintln!("warning: {w}");
            }
            Ok(())
        }
        Command::Validate { terms } => {
            let t = load_terms(&terms)?;
            println!(
                "{terms}: valid. Contract {} ({}), {} service(s), {} SLA term(s), effective from {}{}.",
                t.contract.id,
                t.contract.currency,
                t.services.len(),
                t.slas.len(),
                t.contract.effective_from,
                t.contract.effective_to.map(|d| format!(" to {d}")).unwrap_or_default()
            );
            Ok(())
        }
    }
}
