//! `import`: an outage, maintenance or incident spreadsheet into the library.

use super::output::json;
use clap::Args;
use sla_ledger::sla_store::evidence::{ImportOutcome, Progress};
use sla_ledger::usecases::evidence::{self, ImportFile};
use sla_ledger::{AppError, Session};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

#[derive(Args)]
pub struct ImportArgs {
    /// A workbook (.xlsx, .xls, .ods) or a CSV of one kind.
    file: String,
    /// Which monitor or source this is (synthetic, RUM, vendor status page...).
    #[arg(long)]
    source: String,
    #[arg(long)]
    contract: Option<String>,
    /// For a CSV whose name does not say: outages, maintenance or incidents.
    #[arg(long)]
    kind: Option<String>,
    #[arg(long)]
    json: bool,
}

pub fn run(s: &mut Session, a: ImportArgs) -> Result<(), AppError> {
    let cancel = Arc::new(AtomicBool::new(false));
    let flag = cancel.clone();
    // Ctrl-C cancels: the transaction is rolled back and nothing is written.
    let _ = ctrlc::set_handler(move || flag.store(true, Ordering::SeqCst));
    let quiet = a.json;
    let mut progress = |p: Progress| {
        if !quiet && p.rows_total >= 20_000 {
            eprint!(
                "\rimporting: {} of {} rows ({} rows/s)   ",
                p.rows_done, p.rows_total, p.rows_per_second
            );
            if p.rows_done == p.rows_total {
                eprintln!();
            }
        }
    };
    let what = ImportFile {
        file: &a.file,
        source: &a.source,
        contract: a.contract.as_deref(),
        kind: a.kind.as_deref(),
        mapping: None,
    };
    let outcome = evidence::import(s, &what, &cancel, &mut progress)?;
    if a.json {
        return json(&outcome);
    }
    match outcome {
        ImportOutcome::Imported {
            import: i,
            warnings,
        } => {
            for w in warnings {
                eprintln!("warning: {w}");
            }
            println!("imported {} into {} as import {}: {} outage, {} maintenance, {} incident row(s); sha256 {}", i.file_name, i.contract, i.id, i.outage_rows, i.maintenance_rows, i.incident_rows, i.sha256);
        }
        ImportOutcome::AlreadyImported(i) => println!(
            "{} is already imported into {} as import {} ({} by {}): nothing to do",
            i.file_name, i.contract, i.id, i.imported_at, i.importer
        ),
    }
    Ok(())
}
