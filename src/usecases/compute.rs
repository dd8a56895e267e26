//! The stateless use cases: check a terms file, compute one contract's
//! month from files (no library).

use crate::AppError;
use sla_engine::terms::TermsScope;
use sla_engine::{Period, ResultDoc, Terms, TermsError};
use sla_import::{ImportError, Imported, Sources};
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread;

type EarlyRead = Result<Imported, ImportError>;

fn read_terms_text(path: &str) -> Result<String, AppError> {
    std::fs::read_to_string(path).map_err(|source| AppError::ReadFile {
        path: path.into(),
        source,
    })
}

fn invalid_terms(path: &str, e: TermsError) -> AppError {
    AppError::InvalidTerms {
        path: path.into(),
        problems: e.problems,
    }
}

/// Reads and validates a terms file (`validate`): every problem is listed.
pub fn load_terms(path: &str) -> Result<Terms, AppError> {
    let text = read_terms_text(path)?;
    Terms::parse(&text).map_err(|e| invalid_terms(path, e))
}

#[derive(Debug, Clone, Default)]
pub struct ComputeRequest {
    pub terms: String,
    pub events: Sources,
    pub period: String,
}

/// The stateless `compute`: one contract, one period, evidence from files.
pub fn compute(req: &ComputeRequest) -> Result<(Terms, ResultDoc), AppError> {
    let text = read_terms_text(&req.terms)?;
    let (checked, early) = checked_and_early_events(req, &text);
    let (terms, period) = checked?;
    let imported = match early {
        Some(read) => read?,
        None => sla_import::read_events(&req.events, &terms)?,
    };
    let mut doc = sla_engine::compute(&terms, &imported.events, &period)?;
    let mut warnings = imported.warnings;
    warnings.append(&mut doc.warnings);
    doc.warnings = warnings;
    Ok((terms, doc))
}

/// The terms checked and the period they give.
fn check(req: &ComputeRequest, text: &str) -> Result<(Terms, Period), AppError> {
    let terms = Terms::parse(text).map_err(|e| invalid_terms(&req.terms, e))?;
    let period = terms.period(&req.period)?;
    Ok((terms, period))
}

/// The checked terms and period and, when the text plainly states its zone
/// and service ids, the events read with them meanwhile on a second thread
/// (issue 15: a 2,000-SLA file took as long to check as a year of outage
/// rows took to read, one after the other). That read is returned only if
/// the checked terms have the scope it was read with, so it is the read
/// that would have followed them: the same rows, errors and warnings.
/// Otherwise (bad terms, a bad period, another scope) it is told to stop
/// at its next check, so that the user hears of the terms at once rather
/// than after the whole event file.
fn checked_and_early_events(
    req: &ComputeRequest,
    text: &str,
) -> (Result<(Terms, Period), AppError>, Option<EarlyRead>) {
    let Some(scope) = TermsScope::guess(text) else {
        return (check(req, text), None);
    };
    let stop = AtomicBool::new(false);
    thread::scope(|s| {
        let early = thread::Builder::new()
            .name("sla-events".into())
            .spawn_scoped(s, || {
                let mut go_on = |_| !stop.load(Ordering::Relaxed);
                sla_import::read_events_in(&req.events, &scope, &mut go_on)
            });
        let checked = check(req, text);
        let keep = matches!(&checked, Ok((terms, _)) if terms.scope() == scope);
        if !keep {
            stop.store(true, Ordering::Relaxed);
        }
        let read = match early {
            Ok(handle) => match handle.join() {
                Ok(read) => Some(read),
                // A panic while reading is this call's panic, as it would
                // have been on one thread.
                Err(panic) => std::panic::resume_unwind(panic),
            },
            // No thread to be had: the events are read after the terms.
            Err(_) => None,
        };
        (checked, read.filter(|_| keep))
    })
}
