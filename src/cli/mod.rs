//! `sla-ledger`: the command-line face of SLA Ledger. One file per verb
//! group; each handler parses its flags, calls one use case
//! (`sla_ledger::usecases`), and prints a readable table (or `--json`).
//! The verbs and the use case each reaches are listed in [`VERBS`].

mod audit;
mod bench;
mod bench_data;
mod bench_io;
mod claims;
mod compute;
mod contracts;
mod demo;
mod evidence;
mod governance;
mod identity;
mod import;
mod library;
mod output;
mod report;
mod review;
mod slo;
mod statements;
mod table;
mod verify;

use clap::{Args, Parser, Subcommand};
use sla_ledger::{AppError, Session};
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "sla-ledger",
    version,
    about = "SLA credits from contract terms and outage evidence, exact to the cent"
)]
pub struct Cli {
    /// The library: a folder, or postgres://user@host/db for a team library (default: $SLA_LEDGER_LIBRARY, else the platform data directory).
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
    Contracts(contracts::ContractsCmd),
    /// Import an outage, maintenance or incident spreadsheet, or a vendor's
    /// export through a preset (--list-presets), into the library.
    Import(import::ImportArgs),
    /// Imported evidence: withdraw an import no final statement used.
    #[command(subcommand)]
    Evidence(evidence::EvidenceCmd),
    /// Monthly statements: run, list, show, finalize, discard, restate.
    #[command(subcommand)]
    Statements(statements::StatementsCmd),
    /// The credit ledger: claims and their deadlines.
    #[command(subcommand)]
    Claims(claims::ClaimsCmd),
    /// The audit chain.
    #[command(subcommand)]
    Audit(audit::AuditCmd),
    /// The library as a whole: copy it between a folder and PostgreSQL, back it up, restore it.
    #[command(subcommand)]
    Library(library::LibraryCmd),
    /// The signing identity for final statements.
    #[command(subcommand)]
    Identity(identity::IdentityCmd),
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
    Report(report::ReportCmd),
    /// Benchmarks, reported against a baseline run in the same command.
    #[command(subcommand)]
    Bench(BenchCmd),
    /// Service level objectives and error budgets (OpenSLO v1).
    #[command(subcommand)]
    Slo(slo::SloCmd),
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
    Diligence(governance::DiligenceArgs),
    /// The maturity review: services with credits but no objective, terms and objectives not reviewed, contracts without owner or signed document, objectives no policy can serve; `review mark` records a review.
    Review(review::ReviewArgs),
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
    /// A month end of N contracts (compute and store drafts, finalize), against the first 100 in the same run.
    Monthend {
        #[arg(long, default_value_t = 2_000)]
        contracts: usize,
        #[arg(long, default_value = "bench-out")]
        out: String,
        #[arg(long, default_value = "fixtures")]
        fixtures: String,
    },
    /// Load the Library list with N contracts, against 100 contracts.
    Library {
        #[arg(long, default_value_t = 10_000)]
        contracts: usize,
        #[arg(long, default_value = "bench-out")]
        out: String,
        #[arg(long, default_value = "fixtures")]
        fixtures: String,
    },
    /// Read, validate and compute one SLA from an N-row outage file (CSV, xlsx) against the bare parsers (csv crate, calamine).
    Import {
        #[arg(long, default_value_t = 1_000_000)]
        rows: usize,
        /// `csv`, `xlsx` or both.
        #[arg(long, default_value = "csv,xlsx")]
        formats: String,
        #[arg(long, default_value = "bench-out")]
        out: String,
        /// Runs per measurement; medians are compared.
        #[arg(long, default_value_t = 3)]
        runs: usize,
    },
    /// One month of N rows for contracts with 1, 200, 2,000 SLA terms: the growth against one.
    Compute {
        #[arg(long, default_value_t = 100_000)]
        rows: usize,
        #[arg(long, default_value = "1,200,2000")]
        slas: String,
        #[arg(long, default_value = "bench-out")]
        out: String,
        #[arg(long, default_value_t = 3)]
        runs: usize,
    },
    /// Write the generated inputs (outages-N.csv, outages-N.xlsx, terms-1.toml) without measuring.
    Inputs {
        #[arg(long, default_value_t = 100_000)]
        rows: usize,
        #[arg(long, default_value = "bench-out")]
        out: String,
    },
    /// One measurement in a process of its own (used by the other benches).
    #[command(hide = true)]
    Probe {
        job: String,
        file: String,
        terms: Option<String>,
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
    /// The terms file (TOML, schema = "sla-terms/1" or "sla-terms/2").
    #[arg(long)]
    terms: String,
    /// A workbook (.xlsx, .xls, .ods) with sheets outages, maintenance,
    /// incidents and (terms v2) requests.
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
    /// Request counts CSV (service, start, end, good, total), for terms
    /// whose downtime comes from requests (terms v2 section 8).
    #[arg(long)]
    requests: Option<String>,
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

/// Parses the command line, runs it, and turns the outcome into an exit
/// status (see `sla_ledger::error`).
pub fn main() -> ExitCode {
    // clap exits 2 itself on bad flags, as the spec asks.
    let cli = Cli::parse();
    // An encrypted library asks for its passphrase in a terminal, without
    // echo, when no other source gives it (sla_store::crypt).
    sla_ledger::sla_store::crypt::set_prompt(|what| {
        use std::io::IsTerminal;
        match std::io::stdin().is_terminal() {
            true => rpassword::prompt_password(what).ok(),
            false => None,
        }
    });
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

/// The session of a verb that works on a library: `--library` (else
/// `SLA_LEDGER_LIBRARY`, else the platform folder) and `--actor`.
fn session(library: Option<&str>, actor: Option<&str>) -> Result<Session, AppError> {
    Session::open(&sla_ledger::library_dir(library)?, actor)
}

fn date(s: &str, flag: &str) -> Result<chrono::NaiveDate, AppError> {
    sla_ledger::sla_engine::terms::parse_date(s)
        .map_err(|m| AppError::invalid(sla_ledger::Code::Value, format!("{flag}: {m}")))
}

fn run(cli: Cli) -> Result<(), AppError> {
    let (library, actor) = (cli.library.as_deref(), cli.actor.as_deref());
    let open = || session(library, actor);
    match cli.command {
        Command::Contracts(c) => contracts::run(&mut open()?, c),
        // Listing the presets needs no library.
        Command::Import(a) if a.list_presets => import::list_presets(&a),
        Command::Import(a) => import::run(&mut open()?, a),
        Command::Statements(c) => statements::run(&mut open()?, c),
        Command::Evidence(c) => evidence::run(&mut open()?, c),
        Command::Claims(c) => claims::run(&mut open()?, c),
        Command::Report(c) => report::run(&mut open()?, c),
        Command::Identity(c) => identity::run(&mut open()?, c),
        Command::Audit(c) => audit::run(&mut open()?, c),
        Command::Library(c) => library::run(c, library, open),
        Command::Verify { files, trust, json } => verify::run(library, actor, &files, &trust, json),
        Command::Bench(BenchCmd::Export {
            statements,
            out,
            fixtures,
        }) => bench::export(statements, &out, &fixtures),
        Command::Bench(BenchCmd::Import {
            rows,
            formats,
            out,
            runs,
        }) => bench_io::import(rows, &formats, &out, runs),
        Command::Bench(BenchCmd::Compute {
            rows,
            slas,
            out,
            runs,
        }) => bench_io::compute_growth(rows, &slas, &out, runs),
        Command::Bench(BenchCmd::Inputs { rows, out }) => bench_io::inputs(rows, &out),
        Command::Bench(BenchCmd::Probe { job, file, terms }) => {
            bench_io::probe(&job, &file, terms.as_deref())
        }
        Command::Bench(BenchCmd::Monthend {
            contracts,
            out,
            fixtures,
        }) => bench::monthend(contracts, &out, &fixtures),
        Command::Bench(BenchCmd::Library {
            contracts,
            out,
            fixtures,
        }) => bench::library(contracts, &out, &fixtures),
        Command::Demo { out, fixtures } => demo::main(&out, &fixtures, library),
        Command::Slo(c) => slo::run(&mut open()?, c),
        Command::Coverage {
            map,
            until,
            months,
            json,
        } => governance::coverage(&open()?, &map, &until, months, json),
        Command::Diligence(a) => governance::diligence(&mut open()?, a),
        Command::Review(a) => review::run(&mut open()?, a),
        Command::Notices {
            period,
            out,
            templates,
            json,
        } => governance::notices(&mut open()?, &period, &out, templates.as_deref(), json),
        Command::Compare {
            contract,
            sla,
            period,
            json,
        } => governance::compare(&open()?, &contract, &sla, &period, json),
        Command::Executive { until, months, out } => {
            governance::executive(&mut open()?, &until, months, &out)
        }
        Command::Compute(a) => compute::compute(a),
        Command::Validate { terms } => compute::validate(&terms),
    }
}
