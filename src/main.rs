//! `sla-ledger`: the command-line face of SLA Ledger.

mod bench;
mod demo;
mod governance_cli;
mod library_cli;
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
    /// The library folder (default: $SLA_LEDGER_LIBRARY, else the platform data directory).
    #[arg(long, global = true)]
    library: Option<String>,
    /// Who is acting, for the audit log (default: $SLA_LEDGER_ACTOR, else the login name).
    #[arg(long, global = true)]
    actor: Option<String>,
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
    /// Contracts in the library: add, list, show, amend, export, diff, attach.
    #[command(subcommand)]
    Contracts(library_cli::ContractsCmd),
    /// Import an outage, maintenance or incident spreadsheet into the library.
    Import(library_cli::ImportArgs),
    /// Monthly statements: run, list, show, finalize, restate.
    #[command(subcommand)]
    Statements(library_cli::StatementsCmd),
    /// The credit ledger: claims and their deadlines.
    #[command(subcommand)]
    Claims(library_cli::ClaimsCmd),
    /// The audit chain.
    #[command(subcommand)]
    Audit(library_cli::AuditCmd),
    /// The signing identity for final statements.
    #[command(subcommand)]
    Identity(library_cli::IdentityCmd),
    /// Check exported PDFs, workbooks and manifests: signatures, hashes and the library's record.
    ///
    /// Exit status: 0 every file is intact and signed by a trusted certificate
    /// (the library's pinned organisation certificate, or one given with
    /// --trust); 3 a file is changed, malformed or not what the library
    /// holds; 4 intact but signed by someone not trusted.
    Verify {
        #[arg(required = true)]
        files: Vec<String>,
        /// A PEM certificate to trust (an organisation's, from `identity export`); repeatable.
        #[arg(long = "trust", value_name = "FILE")]
        trust: Vec<String>,
        #[arg(long)]
        json: bool,
    },
    /// Questions of the whole library.
    #[command(subcommand)]
    Report(library_cli::ReportCmd),
    /// Benchmarks, reported against a baseline run in the same command.
    #[command(subcommand)]
    Bench(BenchCmd),
    /// Service level objectives and error budgets (OpenSLO v1).
    #[command(subcommand)]
    Slo(governance_cli::SloCmd),
    /// Vendor back-to-back coverage from a dependency map (TOML).
    Coverage {
        #[arg(long)]
        map: String,
        /// The month for the recovery ratio (and the end of the margin watch).
        #[arg(long)]
        until: String,
        #[arg(long, default_value_t = 3)]
        months: u32,
        #[arg(long)]
        json: bool,
    },
    /// Due diligence over the library's portfolio (or --contract ones).
    Diligence(governance_cli::DiligenceArgs),
    /// Draft breach notices (legal, customer success) for a month's breached lines; never sent.
    Notices {
        #[arg(long)]
        period: String,
        #[arg(long)]
        out: String,
        /// A folder with legal.txt and/or customer-success.txt templates.
        #[arg(long)]
        templates: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// The SLA and the SLO computation of one availability term, side by side.
    Compare {
        #[arg(long)]
        contract: String,
        #[arg(long)]
        sla: String,
        #[arg(long)]
        period: String,
        #[arg(long)]
        json: bool,
    },
    /// An executive compliance summary (signed PDF + workbook) without operational detail.
    Executive {
        #[arg(long)]
        until: String,
        #[arg(long, default_value_t = 12)]
        months: u32,
        #[arg(long)]
        out: String,
    },
    /// Build a fresh library in DIR from fixtures/ and run a month end for every fixture contract.
    Demo {
        #[arg(long)]
        out: String,
        #[arg(long, default_value = "fixtures")]
        fixtures: String,
    },
}

#[derive(Subcommand)]
enum BenchCmd {
    /// Load the Library list with N contracts, against 100 contracts.
    Library {
        #[arg(long, default_value_t = 10_000)]
        contracts: usize,
        #[arg(long, default_value = "bench-out")]
        out: String,
        #[arg(long, default_value = "fixtures")]
        fixtures: String,
    },
    /// Export N final statements (PDF, XLSX, signature, manifest) against computing them.
    Export {
        #[arg(long, default_value_t = 100)]
        statements: usize,
        #[arg(long, default_value = "bench-out")]
        out: String,
        #[arg(long, default_value = "fixtures")]
        fixtures: String,
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
    let (library, actor) = (cli.library.as_deref(), cli.actor.as_deref());
    match cli.command {
        Command::Contracts(c) => library_cli::contracts(&mut library_cli::env(library, actor)?, c),
        Command::Import(a) => library_cli::import(&mut library_cli::env(library, actor)?, a),
        Command::Statements(c) => {
            library_cli::statements(&mut library_cli::env(library, actor)?, c)
        }
        Command::Claims(c) => library_cli::claims(&mut library_cli::env(library, actor)?, c),
        Command::Report(c) => library_cli::report(&mut library_cli::env(library, actor)?, c),
        Command::Identity(c) => library_cli::identity(&mut library_cli::env(library, actor)?, c),
        Command::Verify { files, trust, json } => {
            // A library is used when one is named or exists; verify works
            // without one when the signer's certificate is given (--trust).
            let dir = sla_ledger::library_dir(library)
                .ok()
                .filter(|d| d.join(sla_ledger::sla_store::DB_FILE).exists());
            let lib = dir.map(|d| sla_ledger::open_library(&d)).transpose()?;
            let extra = sla_ledger::trust::read_trust_files(&trust)?;
            let report = sla_ledger::verify::verify(&files, lib.as_ref(), &extra)?;
            if json {
                println!(
                    "{}",
                    serde_json::to_string_pretty(&report).expect("serialises")
                );
            } else {
                for f in &report.findings {
                    println!(
                        "{}  {}: {}: {}",
                        match (f.holds, f.kind.as_str()) {
                            (_, "note") => "NOTE",
                            (true, _) => "OK  ",
                            (false, "trust") => "UNTRUSTED",
                            (false, _) => "FAIL",
                        },
                        f.file,
                        f.check,
                        f.detail
                    );
                }
                for v in &report.files {
                    println!("{}: {}: {}", v.file, v.state.to_uppercase(), v.summary);
                }
            }
            match report.exit_code() {
                0 => Ok(()),
                sla_ledger::verify::EXIT_BROKEN => Err(AppError::Integrity(format!(
                    "{} file(s) do not hold",
                    report.files.iter().filter(|f| f.state == "broken").count()
                ))),
                _ => Err(AppError::Untrusted(format!(
                    "{} file(s) are intact but not signed by a trusted certificate",
                    report
                        .files
                        .iter()
                        .filter(|f| f.state == "untrusted")
                        .count()
                ))),
            }
        }
        Command::Audit(c) => library_cli::audit(&mut library_cli::env(library, actor)?, c),
        Command::Bench(BenchCmd::Export {
            statements,
            out,
            fixtures,
        }) => bench::export(statements, &out, &fixtures),
        Command::Bench(BenchCmd::Library {
            contracts,
            out,
            fixtures,
        }) => bench::library(contracts, &out, &fixtures),
        Command::Demo { out, fixtures } => {
            let mut env = demo::run(&out, &fixtures)?;
            let rows = env.lib.list_statements(None, None)?;
            println!("Demo library: {}", env.lib.dir().display());
            library_cli::statements(
                &mut env,
                library_cli::StatementsCmd::List {
                    period: None,
                    contract: None,
                    json: false,
                },
            )?;
            let claims = env.lib.list_claims(
                sla_ledger::sla_store::claims::today(&env.ctx),
                &Default::default(),
            )?;
            println!(
                "{} final statement(s) for {} contract(s); {} credit claim(s) opened.",
                rows.len(),
                env.lib.contract_ids()?.len(),
                claims.len()
            );
            println!(
                "Signed statements (PDF, XLSX, manifest and its .p7s): {}",
                std::path::Path::new(&out).join("statements").display()
            );
            println!(
                "Try: sla-ledger --library {} statements show {} --trace",
                env.lib.dir().display(),
                rows.first().map(|r| r.number.as_str()).unwrap_or("1")
            );
            Ok(())
        }
        Command::Slo(c) => governance_cli::slo(&gov_dir(library, actor)?, c),
        Command::Coverage {
            map,
            until,
            months,
            json,
        } => governance_cli::coverage(&gov_dir(library, actor)?, &map, &until, months, json),
        Command::Diligence(a) => governance_cli::diligence(&gov_dir(library, actor)?, a),
        Command::Notices {
            period,
            out,
            templates,
            json,
        } => governance_cli::notices(
            &gov_dir(library, actor)?,
            &period,
            &out,
            templates.as_deref(),
            json,
        ),
        Command::Compare {
            contract,
            sla,
            period,
            json,
        } => governance_cli::compare(&gov_dir(library, actor)?, &contract, &sla, &period, json),
        Command::Executive { until, months, out } => {
            governance_cli::executive(&gov_dir(library, actor)?, &until, months, &out)
        }
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

/// The library folder for governance verbs; `--actor` reaches the use-case
/// layer as SLA_LEDGER_ACTOR (read once, at the edge).
fn gov_dir(library: Option<&str>, actor: Option<&str>) -> Result<std::path::PathBuf, AppError> {
    if let Some(a) = actor {
        std::env::set_var("SLA_LEDGER_ACTOR", a);
    }
    sla_ledger::library_dir(library)
}
