//! `import`: an outage, maintenance or incident spreadsheet, or a vendor's
//! export read through a preset (issue 14), into the library.

use super::output::json;
use clap::Args;
use sla_ledger::sla_store::evidence::{ImportOutcome, Progress};
use sla_ledger::usecases::evidence::{self, ImportFile, ImportPreview};
use sla_ledger::usecases::presets::{self, PresetRequest};
use sla_ledger::{AppError, Session};
use std::cell::Cell;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

#[derive(Args)]
pub struct ImportArgs {
    /// A workbook (.xlsx, .xls, .ods), a CSV of one kind, or a vendor's
    /// export (JSON or CSV) that a preset reads.
    #[arg(required_unless_present = "list_presets")]
    file: Option<String>,
    /// Which monitor or source this is (synthetic, RUM, vendor status page...).
    #[arg(long, required_unless_present_any = ["list_presets", "dry_run"])]
    source: Option<String>,
    #[arg(long)]
    contract: Option<String>,
    /// For a CSV whose name does not say: outages, maintenance or incidents.
    #[arg(long, conflicts_with = "preset")]
    kind: Option<String>,
    /// Read the file with this preset (default: the one its shape names).
    #[arg(long)]
    preset: Option<String>,
    /// List the presets and exit.
    #[arg(long)]
    pub list_presets: bool,
    /// A vendor component and the contract service it stands for
    /// (`--map 'Public API=api'`, repeatable); saved for the contract once
    /// the import succeeds.
    #[arg(long = "map", value_name = "COMPONENT=SERVICE")]
    map: Vec<String>,
    /// A vendor's workflow status and ours (`--status 'Waiting on
    /// vendor=awaiting_customer'`, repeatable; Jira).
    #[arg(long = "status", value_name = "NAME=STATUS")]
    status: Vec<String>,
    /// The IANA zone of times written without an offset (`contract`: the
    /// contract's zone). Without it such times are errors.
    #[arg(long)]
    zone: Option<String>,
    /// Impact of a partial outage (Statuspage; default 0.5).
    #[arg(long)]
    partial_weight: Option<String>,
    /// Impact of degraded performance (Statuspage; default 0.25).
    #[arg(long)]
    degraded_weight: Option<String>,
    /// Show what would be imported (rows, weights, component mapping, every
    /// error) and write nothing.
    #[arg(long)]
    dry_run: bool,
    #[arg(long)]
    json: bool,
}

pub fn list_presets(a: &ImportArgs) -> Result<(), AppError> {
    let list = presets::list();
    if a.json {
        return json(&list);
    }
    for p in list {
        println!(
            "{:<20} v{}  {:<4}  {} {} -> {}",
            p.name,
            p.version,
            p.file,
            p.vendor,
            p.title,
            p.kinds.join(", ")
        );
    }
    Ok(())
}

fn preset_request(a: &ImportArgs) -> Result<Option<PresetRequest>, AppError> {
    let any = a.preset.is_some()
        || !a.map.is_empty()
        || !a.status.is_empty()
        || a.zone.is_some()
        || a.partial_weight.is_some()
        || a.degraded_weight.is_some();
    if !any {
        return Ok(None);
    }
    Ok(Some(PresetRequest {
        preset: a.preset.clone().unwrap_or_default(),
        partial_weight: a.partial_weight.clone().unwrap_or_default(),
        degraded_weight: a.degraded_weight.clone().unwrap_or_default(),
        zone: a.zone.clone().unwrap_or_default(),
        components: a
            .map
            .iter()
            .map(|m| presets::parse_map(m))
            .collect::<Result<_, _>>()?,
        statuses: a
            .status
            .iter()
            .map(|m| presets::parse_map(m))
            .collect::<Result<_, _>>()?,
    }))
}

fn print_preview(p: &ImportPreview) {
    if !p.preset.is_empty() {
        println!("preset {} for {} ({})", p.preset, p.contract, p.time_zone);
        for w in &p.weights {
            println!("  weight {} = {}", w.component, w.service);
        }
        for c in &p.components {
            let to = if c.service.is_empty() {
                "(no service: map it with --map)".to_string()
            } else {
                format!("{} ({})", c.service, c.how)
            };
            println!("  component {} -> {to}, {} use(s)", c.component, c.uses);
        }
    }
    println!(
        "{} outage, {} maintenance, {} incident row(s)",
        p.outages, p.maintenance, p.incidents
    );
    for r in &p.rows {
        println!(
            "  {} {} {} {} {} [{}]",
            r.kind, r.service, r.start, r.end, r.detail, r.origin
        );
    }
    for w in &p.warnings {
        println!("warning: {w}");
    }
    for e in &p.errors {
        println!("error: {e}");
    }
}

/// Progress on standard error for a large file (none with `--json`): the
/// rows checked while it is read (no total yet), then the rows stored.
/// `reading` is set while a "reading" line is open.
fn printer(quiet: bool, reading: &Cell<bool>) -> impl FnMut(Progress) + '_ {
    move |p: Progress| {
        if quiet {
            return;
        }
        if p.rows_total == 0 && p.rows_done >= 20_000 {
            reading.set(true);
            eprint!(
                "\rreading: {} rows checked ({} rows/s)   ",
                p.rows_done, p.rows_per_second
            );
        } else if p.rows_total >= 20_000 {
            if reading.replace(false) {
                eprintln!();
            }
            eprint!(
                "\rimporting: {} of {} rows ({} rows/s)   ",
                p.rows_done, p.rows_total, p.rows_per_second
            );
            if p.rows_done == p.rows_total {
                eprintln!();
            }
        }
    }
}

pub fn run(s: &mut Session, a: ImportArgs) -> Result<(), AppError> {
    let file = a.file.clone().unwrap_or_default();
    let request = preset_request(&a)?;
    let what = ImportFile {
        file: &file,
        source: a.source.as_deref().unwrap_or_default(),
        contract: a.contract.as_deref(),
        kind: a.kind.as_deref(),
        mapping: None,
        preset: request.as_ref(),
    };
    if a.dry_run {
        let reading = Cell::new(false);
        let p = evidence::preview(
            s,
            &what,
            &AtomicBool::new(false),
            &mut printer(a.json, &reading),
        )?;
        if reading.get() {
            eprintln!();
        }
        if a.json {
            json(&p)?;
        } else {
            print_preview(&p);
        }
        if p.errors.is_empty() {
            return Ok(());
        }
        return Err(AppError::Usage(format!(
            "{} bad row(s): nothing would be imported",
            p.errors.len()
        )));
    }
    let cancel = Arc::new(AtomicBool::new(false));
    let flag = cancel.clone();
    // Ctrl-C cancels: the transaction is rolled back and nothing is written.
    let _ = ctrlc::set_handler(move || flag.store(true, Ordering::SeqCst));
    let reading = Cell::new(false);
    let outcome = evidence::import(s, &what, &cancel, &mut printer(a.json, &reading))?;
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
            // Request counts (terms v2 section 8) are named when there are any.
            let requests = match i.request_rows {
                0 => String::new(),
                n => format!(", {n} request row(s)"),
            };
            println!("imported {} into {} as import {}: {} outage, {} maintenance, {} incident row(s){requests}; sha256 {}", i.file_name, i.contract, i.id, i.outage_rows, i.maintenance_rows, i.incident_rows, i.sha256);
        }
        ImportOutcome::AlreadyImported(i) => println!(
            "{} is already imported into {} as import {} ({} by {}): nothing to do",
            i.file_name, i.contract, i.id, i.imported_at, i.importer
        ),
    }
    Ok(())
}
