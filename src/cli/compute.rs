//! `compute` and `validate`: the stateless verbs (no library).

use super::ComputeArgs;
use sla_ledger::sla_import::Sources;
use sla_ledger::usecases::compute::{self, ComputeRequest};
use sla_ledger::AppError;
use std::io::{BufWriter, Write};

pub fn compute(a: ComputeArgs) -> Result<(), AppError> {
    let req = ComputeRequest {
        terms: a.terms,
        events: Sources {
            workbook: a.events,
            outages: a.outages,
            maintenance: a.maintenance,
            incidents: a.incidents,
            requests: a.requests,
        },
        period: a.period,
    };
    let (terms, doc) = compute::compute(&req)?;
    write_stdout(|w| match a.json {
        true => serde_json::to_writer_pretty(&mut *w, &doc)
            .map_err(std::io::Error::from)
            .and_then(|()| w.write_all(b"\n")),
        false => w.write_all(super::table::render(&terms, &doc, a.trace).as_bytes()),
    })?;
    for w in &doc.warnings {
        eprintln!("warning: {w}");
    }
    Ok(())
}

/// Writes to standard output through a buffer: the JSON document as it is
/// serialised (issue 15: a 2,000-SLA month is 6 MB of JSON, which was
/// first built as one string). A reader that closes the pipe early
/// (`| head`) just stops the output, as it does for other tools; any other
/// failure to write (a full disk) is an error, not a panic.
fn write_stdout(
    write: impl FnOnce(&mut BufWriter<std::io::StdoutLock<'static>>) -> std::io::Result<()>,
) -> Result<(), AppError> {
    let mut w = BufWriter::with_capacity(64 * 1024, std::io::stdout().lock());
    let written = write(&mut w).and_then(|()| w.flush());
    match written {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => other.map_err(|source| AppError::WriteFile {
            path: "standard output".into(),
            source,
        }),
    }
}

pub fn validate(terms: &str) -> Result<(), AppError> {
    let t = compute::load_terms(terms)?;
    println!(
        "{terms}: valid. Contract {} ({}), {} service(s), {} SLA term(s), effective from {}{}.",
        t.contract.id,
        t.contract.currency,
        t.services.len(),
        t.slas.len(),
        t.contract.effective_from,
        t.contract
            .effective_to
            .map(|d| format!(" to {d}"))
            .unwrap_or_default()
    );
    Ok(())
}
