//! The stateless use cases: check a terms file, compute one contract's
//! month from files (no library).

use crate::AppError;
use sla_engine::{ResultDoc, Terms};
use sla_import::Sources;

/// Reads and validates a terms file (`validate`): every problem is listed.
pub fn load_terms(path: &str) -> Result<Terms, AppError> {
    let text = std::fs::read_to_string(path).map_err(|source| AppError::ReadFile {
        path: path.into(),
        source,
    })?;
    Terms::parse(&text).map_err(|e| AppError::InvalidTerms {
        path: path.into(),
        problems: e.problems,
    })
}

#[derive(Debug, Clone, Default)]
pub struct ComputeRequest {
    pub terms: String,
    pub events: Sources,
    pub period: String,
}

/// The stateless `compute`: one contract, one period, evidence from files.
pub fn compute(req: &ComputeRequest) -> Result<(Terms, ResultDoc), AppError> {
    let terms = load_terms(&req.terms)?;
    let period = terms.period(&req.period)?;
    let imported = sla_import::read_events(&req.events, &terms)?;
    let mut doc = sla_engine::compute(&terms, &imported.events, &period)?;
    let mut warnings = imported.warnings;
    warnings.append(&mut doc.warnings);
    doc.warnings = warnings;
    Ok((terms, doc))
}
