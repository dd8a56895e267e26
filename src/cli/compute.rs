//! `compute` and `validate`: the stateless verbs (no library).

use super::ComputeArgs;
use sla_ledger::sla_import::Sources;
use sla_ledger::usecases::compute::{self, ComputeRequest};
use sla_ledger::AppError;

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
    if a.json {
        println!(
            "{}",
            serde_json::to_string_pretty(&doc).expect("result serialises")
        );
    } else {
        print!("{}", super::table::render(&terms, &doc, a.trace));
    }
    for w in &doc.warnings {
        eprintln!("warning: {w}");
    }
    Ok(())
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
