//! Governance use cases: due diligence over the library's portfolio, SLO
//! budgets over its evidence, coverage against vendor terms, breach
//! notices, the executive summary, and SLA-versus-SLO comparisons.

pub mod compare;
pub mod coverage;
pub mod diligence;
pub mod executive;
pub mod notices;
pub mod review;
pub mod slo;

use super::Session;
use crate::error::export_err;
use crate::{AppError, Code};
use serde::Serialize;
use sla_export::pdf::ReportDoc;
use std::path::{Path, PathBuf};

/// The `n` month labels ending with `until`, oldest first.
pub fn months_back(until: &str, n: u32) -> Result<Vec<String>, AppError> {
    let last: sla_engine::Month = until
        .parse()
        .map_err(|e: sla_engine::MonthError| AppError::Period(e.into()))?;
    if n == 0 || n > 120 {
        return Err(AppError::invalid(
            Code::Period,
            format!("months: {n} is not between 1 and 120"),
        ));
    }
    let months: Option<Vec<String>> = (0..n)
        .rev()
        .map(|k| last.prev(k).map(|m| m.to_string()))
        .collect();
    months.ok_or_else(|| {
        AppError::invalid(
            Code::Period,
            format!("{n} months back from {until} is before year 0"),
        )
    })
}

pub(crate) fn decimal(field: &str, s: &str) -> Result<rust_decimal::Decimal, AppError> {
    sla_engine::num::parse_decimal(s)
        .map_err(|e| AppError::invalid(Code::Value, format!("{field}: {e}")))
}

pub(crate) fn read(path: &str) -> Result<String, AppError> {
    std::fs::read_to_string(path).map_err(|source| AppError::ReadFile {
        path: path.into(),
        source,
    })
}

pub(crate) fn write(path: &Path, bytes: &[u8]) -> Result<(), AppError> {
    std::fs::write(path, bytes).map_err(|source| AppError::WriteFile {
        path: path.display().to_string(),
        source,
    })
}

pub(crate) fn create_dir(path: &Path) -> Result<(), AppError> {
    std::fs::create_dir_all(path).map_err(|source| AppError::WriteFile {
        path: path.display().to_string(),
        source,
    })
}

pub(crate) fn definition(e: sla_governance::DefinitionError) -> AppError {
    AppError::invalid(Code::Definition, e.to_string())
}

/// Files written for a report.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct ReportFiles {
    pub pdf: String,
    pub xlsx: String,
    pub json: String,
    /// The signer, when the PDF is signed.
    pub signed_by: Option<String>,
}

/// `out`, or the library's `reports/` folder (none for an encrypted one).
pub fn reports_dir(s: &Session, out: Option<&str>) -> Result<PathBuf, AppError> {
    super::session::folder_or(s, out, s.dir().join("reports"))
}

/// Writes a report as JSON, a workbook and a signed PDF into `out` under
/// `stem`, and records it in the audit chain. The PDF is signed by the
/// same pipeline as statements (`sign::sign_pdf`).
pub fn write_report<T: Serialize>(
    s: &mut Session,
    doc: &ReportDoc,
    data: &T,
    out: &Path,
    stem: &str,
    action: &str,
) -> Result<ReportFiles, AppError> {
    let identity = sla_export::Identity::load(s.dir()).map_err(|_| {
        AppError::Identity(
            "no signing identity in this library: create one (Settings, or `sla-ledger identity create`) so the PDF can be signed".into(),
        )
    })?;
    create_dir(out)?;
    let unsigned = sla_export::pdf::render_report(doc).map_err(export_err)?;
    let pdf = sla_export::sign::sign_pdf(&unsigned, &identity, s.ctx.now, &doc.title)
        .map_err(export_err)?;
    let xlsx = sla_export::xlsx::render_report(doc).map_err(export_err)?;
    let json = serde_json::to_string_pretty(data).expect("report data serialises");
    let files = [
        (out.join(format!("{stem}.pdf")), pdf),
        (out.join(format!("{stem}.xlsx")), xlsx),
        (out.join(format!("{stem}.json")), json.into_bytes()),
    ];
    for (p, bytes) in &files {
        write(p, bytes)?;
    }
    s.lib.record(
        &s.ctx,
        action,
        stem,
        &serde_json::json!({
            "pdf_sha256": sla_store::sha256_hex(&files[0].1),
            "xlsx_sha256": sla_store::sha256_hex(&files[1].1),
            "folder": out.display().to_string(),
        }),
    )?;
    Ok(ReportFiles {
        pdf: files[0].0.display().to_string(),
        xlsx: files[1].0.display().to_string(),
        json: files[2].0.display().to_string(),
        signed_by: Some(identity.subject()),
    })
}
