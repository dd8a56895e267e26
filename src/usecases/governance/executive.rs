//! The executive compliance summary (signed PDF + workbook) without
//! operational detail.

use super::{months_back, reports_dir, write_report, ReportFiles};
use crate::usecases::Session;
use crate::AppError;
use sla_governance::executive::ExecutiveRow;
use sla_store::StatementStatus;

/// Every current statement in `months` (all months when empty) as a row.
pub fn rows(s: &Session, months: &[String]) -> Result<Vec<ExecutiveRow>, AppError> {
    let mut rows = Vec::new();
    for st in s.lib.list_statements(None, None)? {
        if st.status == StatementStatus::Superseded
            || (!months.is_empty() && !months.contains(&st.period))
        {
            continue;
        }
        let full = s.lib.statement(&st.number)?;
        let t = s.lib.terms_of(&st.contract, None)?;
        rows.push(ExecutiveRow {
            counterparty: t.contract.counterparty.clone().unwrap_or_default(),
            direction: full
                .result
                .direction
                .clone()
                .unwrap_or_else(|| "not set".into()),
            period: st.period.clone(),
            status: st.status.to_string(),
            compliant: !st.breached,
            breached_terms: full.result.lines.iter().filter(|x| x.breached()).count() as u32,
            currency: st.currency.clone(),
            credit: sla_engine::num::pad_places(&st.total, t.credit.rounding.places),
            contract: st.contract,
        });
    }
    rows.sort_by(|a, b| (&a.contract, &a.period).cmp(&(&b.contract, &b.period)));
    Ok(rows)
}

/// The summary of the `months` months up to `until`, written into `out`
/// (default: the library's `reports/` folder).
pub fn export(
    s: &mut Session,
    until: &str,
    months: u32,
    out: Option<&str>,
) -> Result<ReportFiles, AppError> {
    let window = months_back(until, months)?;
    let rows = rows(s, &window)?;
    let doc = sla_export::reports::executive_doc(&rows, &window, s.ctx.now, &s.ctx.actor);
    let out = reports_dir(s, out)?;
    write_report(
        s,
        &doc,
        &rows,
        &out,
        &format!("compliance-summary-{until}"),
        "report.executive",
    )
}
