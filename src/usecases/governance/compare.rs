//! The SLA and the SLO computation of one availability term, side by side.

use crate::usecases::statements::compute_stored;
use crate::usecases::Session;
use crate::{AppError, Code};
use sla_governance::methods::TwoMethods;

pub fn two_methods(
    s: &Session,
    contract: &str,
    sla: &str,
    period: &str,
) -> Result<TwoMethods, AppError> {
    let doc = compute_stored(&s.lib, contract, period)?.doc;
    let line = doc
        .lines
        .iter()
        .find_map(|x| match x {
            sla_engine::Line::Availability(a) if a.sla == sla => Some(a),
            _ => None,
        })
        .ok_or_else(|| {
            AppError::invalid(
                Code::NotFound,
                format!("contract `{contract}` has no availability term `{sla}` in {period}"),
            )
        })?;
    Ok(sla_governance::methods::two_methods(line, &doc.period))
}
