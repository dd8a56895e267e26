//! The statement as an Excel workbook an auditor can recompute: sheets
//! Summary, Lines, Tiers, Outages, Maintenance, Incidents, Trace, and
//! Clauses when the terms are linked to their contract (issue 18). Uptime,
//! the tier lookup, percents, amounts, caps and the total are live formulas
//! over the rows, and each formula's cached result is the engine's exact
//! value, so opening the file shows the statement's numbers and changing a
//! row shows its effect. (Excel recomputes in binary floating point; the
//! engine's exact values are the statement's.)
//!
//! Text from spreadsheets is always written as text, never as a formula,
//! whatever its first character. The file is deterministic: its creation
//! time is the statement's.
//!
//! [`summary`], [`lines`] and [`evidence`] write the sheets, [`format`]
//! holds the formats; [`report`] writes the other reports.

mod evidence;
mod format;
mod lines;
mod report;
mod summary;

pub use report::render_report;

use crate::error::ExportError;
use crate::view::StatementView;
use format::{xerr, Fmt};
use rust_xlsxwriter::{DocProperties, Workbook};

/// Renders a statement's workbook: Summary, Lines, Tiers, Outages,
/// Maintenance, Incidents, Trace and (linked terms) Clauses, Summary
/// active.
pub fn render(v: &StatementView) -> Result<Vec<u8>, ExportError> {
    let r = &v.result;
    let f = Fmt::new(v.terms.credit.rounding.places);
    let mut wb = Workbook::new();
    wb.set_properties(&properties(v));
    // Month length, for pro-rating the fees in the cap formula.
    let period = v
        .terms
        .period(&r.period.label)
        .map_err(|e| ExportError::Xlsx(e.to_string()))?;
    summary::sheet(wb.add_worksheet(), v, &f, &period)?;
    let tier_rows = lines::sheet(wb.add_worksheet(), v, &f)?;
    evidence::tiers(wb.add_worksheet(), &tier_rows, &f)?;
    evidence::outages(wb.add_worksheet(), r, &f, v)?;
    evidence::maintenance(wb.add_worksheet(), r, &f)?;
    evidence::incidents(wb.add_worksheet(), r, &f)?;
    evidence::trace(wb.add_worksheet(), r, &f)?;
    if !v.clauses.is_empty() {
        evidence::clauses(wb.add_worksheet(), v, &f)?;
    }
    wb.worksheet_from_name("Summary")
        .map_err(xerr)?
        .set_active(true);
    wb.save_to_buffer().map_err(xerr)
}

/// Document properties: title, subject, parties, status and the
/// statement's keys; created at the statement's time, never "now".
fn properties(v: &StatementView) -> DocProperties {
    let (r, t) = (&v.result, &v.terms);
    let created = chrono::DateTime::from_timestamp(v.created_at, 0).unwrap_or_default();
    DocProperties::new()
        .set_title(format!("SLA credit statement {}", v.number))
        .set_subject(format!("{} {}", t.contract.id, r.period.label))
        .set_author(v.our_party.clone())
        .set_company(v.our_party.clone())
        .set_status(v.status.clone())
        .set_keywords(format!(
            "statement={}; status={}; period={}",
            v.number, v.status, r.period.label
        ))
        .set_custom_property("Statement", v.number.as_str())
        .set_custom_property("Contract", t.contract.id.as_str())
        .set_custom_property("Period", r.period.label.as_str())
        .set_custom_property("Status", v.status.as_str())
        .set_creation_datetime(&created)
}
