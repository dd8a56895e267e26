//! Month end: compute drafts from the library, list and show statements,
//! finalize, restate, and export their files.

use super::identity::with_signer;
use super::{files, Session};
use crate::{AppError, Code};
use rust_decimal::Decimal;
use serde::Serialize;
use serde_json::{json, Value};
use sla_engine::terms::BasisMonth;
use sla_engine::{FeesThen, Inputs, Month, ResultDoc, Terms};
use sla_store::statements::{month_dates, Draft, RunOutcome, Statement, StatementInfo};
use sla_store::StatementStatus;
use sla_store::{Library, StoreError};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

/// One contract's month computed from the library: the terms version in
/// force, the engine's result (with the chronic-breach status over stored
/// months) and the exact inputs, as a draft records them.
pub struct Computed {
    pub version_id: i64,
    pub terms: Terms,
    pub doc: ResultDoc,
    pub inputs: Value,
}

impl Computed {
    pub fn draft<'a>(&'a self, contract: &'a str, period: &'a str) -> Draft<'a> {
        Draft {
            contract,
            period,
            version_id: self.version_id,
            direction: self.terms.contract.direction.map(|d| d.name()),
            doc: &self.doc,
            inputs: &self.inputs,
        }
    }
}

/// Computes one contract's month from the library, without storing it.
pub fn compute_stored(lib: &Library, contract: &str, period: &str) -> Result<Computed, AppError> {
    let month: Month = period.parse().map_err(sla_engine::PeriodError::from)?;
    let (first, last) = (month.first_day(), month.last_day());
    let Some((vid, version)) = lib.version_for_month(contract, first, last)? else {
        return Err(AppError::invalid(
            Code::Period,
            format!("contract `{contract}` has no terms in force in {period}"),
        ));
    };
    let terms = lib.terms_of(contract, Some(version))?;
    let p = terms.period_of(month)?;
    let events = lib.events(contract)?;
    let inputs = Inputs {
        rolling_issued: rolling_issued(lib, contract, month, &terms)?,
        fees_then: fees_then(lib, contract, month, &terms)?,
    };
    let mut doc = sla_engine::compute_with(&terms, &events, &p, &inputs)?;
    doc.chronic = chronic(lib, contract, month, &terms, &doc)?;
    // Withdrawn imports (issue 16) did not count, so they are not inputs.
    let imports: Vec<Value> = lib
        .imports(contract)?
        .into_iter()
        .filter(|i| i.withdrawn_at.is_none())
        .map(|i| json!({ "id": i.id, "file_name": i.file_name, "sha256": i.sha256, "source_label": i.source_label }))
        .collect();
    let inputs = json!({
        "terms_version": { "id": vid, "version": version, "sha256": lib.terms_sha256(vid)? },
        "imports": imports,
        "engine_version": sla_engine::ENGINE_VERSION,
        "data_cutoff": sla_engine::time::fmt_instant(p.end),
    });
    Ok(Computed {
        version_id: vid,
        terms,
        doc,
        inputs,
    })
}

/// The monthly fees of the version in force on the last local day of the
/// month before (terms v2 section 4), when a term's basis is that month's.
fn fees_then(
    lib: &Library,
    contract: &str,
    month: Month,
    terms: &Terms,
) -> Result<Option<FeesThen>, AppError> {
    let previous = terms
        .slas
        .iter()
        .any(|s| s.credit.basis_month == BasisMonth::Previous);
    let Some(prev) = month.prev(1).filter(|_| previous) else {
        return Ok(None);
    };
    let day = prev.last_day();
    let Some((_, version)) = lib.version_for_month(contract, day, day)? else {
        return Ok(None);
    };
    let then = lib.terms_of(contract, Some(version))?;
    Ok(Some(FeesThen {
        source: format!("terms version {version}, in force on {day}"),
        monthly_fees: then
            .services
            .iter()
            .map(|s| (s.id.clone(), s.monthly_fee))
            .collect(),
    }))
}

/// What the contract's final statements issued in the `months - 1` local
/// months before `month` (terms v2 section 5), when the terms cap credits
/// over rolling months.
fn rolling_issued(
    lib: &Library,
    contract: &str,
    month: Month,
    terms: &Terms,
) -> Result<Option<Decimal>, AppError> {
    let Some(rc) = terms.credit.cap_rolling else {
        return Ok(None);
    };
    let periods: Vec<String> = (1..rc.months)
        .filter_map(|n| month.prev(n))
        .map(|m| m.to_string())
        .collect();
    let mut issued = Decimal::ZERO;
    for total in lib.final_totals(contract, &periods)? {
        let t = Decimal::from_str_exact(&total).map_err(|e| {
            AppError::Store(StoreError::Conflict(format!(
                "a final statement of `{contract}` has total `{total}`, not a decimal: {e}"
            )))
        })?;
        issued = issued.checked_add(t).ok_or_else(|| {
            AppError::Store(StoreError::Conflict(format!(
                "the totals issued to `{contract}` do not add up exactly (over 28 digits)"
            )))
        })?;
    }
    Ok(Some(issued))
}

/// Chronic breach over stored periods (spec 7), decided by the engine's
/// rule: this month counts by its result, earlier months by their current
/// statement (final, else draft).
fn chronic(
    lib: &Library,
    contract: &str,
    month: Month,
    terms: &Terms,
    doc: &ResultDoc,
) -> Result<Option<Value>, AppError> {
    let Some(rule) = terms.credit.chronic else {
        return Ok(None);
    };
    let now = doc.lines.iter().any(|l| l.breached());
    let status = sla_engine::chronic::try_assess(&rule, month, |m| {
        if m == month {
            return Ok(now);
        }
        lib.period_breached(contract, &m.to_string())
            .map(|b| b == Some(true))
    })?;
    Ok(Some(
        serde_json::to_value(status).expect("chronic status serialises"),
    ))
}

/// Progress of a batch (a month's run or export), one step per item.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct BatchProgress {
    pub done: usize,
    pub total: usize,
    pub current: String,
}

fn cancelled() -> AppError {
    AppError::Cancelled(
        "cancelled: the statements done so far are kept, the rest were not touched".into(),
    )
}

/// Drafts every contract active in `period` (or only `contract`), one at a
/// time so that progress can be shown and the run cancelled between
/// contracts. One failing contract does not stop the others: its problem
/// is in its outcome.
pub fn run(
    s: &mut Session,
    period: &str,
    contract: Option<&str>,
    cancel: &AtomicBool,
    progress: &mut dyn FnMut(BatchProgress),
) -> Result<Vec<RunOutcome>, AppError> {
    let (first, last) = month_dates(period)?;
    let ids = match contract {
        Some(c) => {
            s.lib.versions(c)?;
            vec![c.to_string()]
        }
        None => s.lib.contract_ids()?,
    };
    let mut out = Vec::new();
    for (i, id) in ids.iter().enumerate() {
        if cancel.load(Ordering::SeqCst) {
            return Err(cancelled());
        }
        progress(BatchProgress {
            done: i,
            total: ids.len(),
            current: id.clone(),
        });
        if s.lib.version_for_month(id, first, last)?.is_none() {
            continue;
        }
        // Not active this month (outside its effective dates): skip quietly
        // unless it was asked for by name.
        if contract.is_none()
            && s.lib
                .terms_of(id, None)
                .is_ok_and(|t| t.period(period).is_err())
        {
            continue;
        }
        out.push(run_one(s, id, period)?);
    }
    progress(BatchProgress {
        done: ids.len(),
        total: ids.len(),
        current: String::new(),
    });
    Ok(out)
}

fn run_one(s: &mut Session, id: &str, period: &str) -> Result<RunOutcome, AppError> {
    let outcome = |statement, problem| RunOutcome {
        contract: id.to_string(),
        statement,
        problem,
    };
    if let Some(n) = s.lib.final_number(id, period)? {
        return Ok(outcome(
            None,
            Some(format!(
                "statement {n} is final: correct it with `statements restate`"
            )),
        ));
    }
    let stored = compute_stored(&s.lib, id, period)
        .and_then(|c| Ok(s.lib.store_draft(&s.ctx, &c.draft(id, period))?));
    match stored {
        Ok(st) => Ok(outcome(Some(st), None)),
        // A busy library stops the batch: every later contract would fail too.
        Err(e @ AppError::Store(StoreError::Busy { .. })) => Err(e),
        Err(e) => Ok(outcome(None, Some(e.to_string()))),
    }
}

pub fn list(
    s: &Session,
    period: Option<&str>,
    contract: Option<&str>,
) -> Result<Vec<StatementInfo>, AppError> {
    Ok(s.lib.list_statements(period, contract)?)
}

/// A statement by id or number.
pub fn show(s: &Session, key: &str) -> Result<Statement, AppError> {
    Ok(s.lib.statement(key)?)
}

/// Finalizes a month (all drafts or none) and, when the library has a
/// signing identity, signs the chain head in the same transaction.
pub fn finalize(
    s: &mut Session,
    period: &str,
    contract: Option<&str>,
) -> Result<Vec<StatementInfo>, AppError> {
    let ctx = &s.ctx;
    with_signer(&mut s.lib, |l, sig| {
        l.finalize_anchored(ctx, period, contract, sig)
    })
}

/// Discards a draft statement (issue 16); a final one is restated instead.
pub fn discard(s: &mut Session, number: &str) -> Result<StatementInfo, AppError> {
    Ok(s.lib.discard_draft(&s.ctx, number)?)
}

/// Restates a final statement from the terms and evidence now in the
/// library: a new final statement supersedes it, with the reason.
pub fn restate(s: &mut Session, key: &str, reason: &str) -> Result<StatementInfo, AppError> {
    let old = s.lib.restatable(key, reason)?;
    let c = compute_stored(&s.lib, &old.contract, &old.period)?;
    let ctx = &s.ctx;
    with_signer(&mut s.lib, |l, sig| {
        l.restate_anchored(ctx, key, reason, &c.draft(&old.contract, &old.period), sig)
    })
}

/// Which statements of a month to export, and where.
#[derive(Debug, Clone, Default)]
pub struct ExportRequest<'a> {
    pub period: &'a str,
    /// A folder; else the library's export setting, else its `exports/`
    /// folder (both with one subfolder per period).
    pub out: Option<&'a str>,
    pub contract: Option<&'a str>,
    /// Also drafts and superseded statements (default: final ones).
    pub all: bool,
}

/// The files written, and every statement that could not be exported.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct ExportReport {
    pub folder: PathBuf,
    pub exported: Vec<files::ExportedFiles>,
    pub failed: Vec<ExportFailure>,
}

#[derive(Debug, Clone, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct ExportFailure {
    pub statement: String,
    pub error: String,
}

fn export_folder(s: &Session, req: &ExportRequest<'_>) -> Result<PathBuf, AppError> {
    if let Some(o) = req.out.filter(|o| !o.trim().is_empty()) {
        return Ok(PathBuf::from(o));
    }
    match s.lib.settings()?.remove("export_dir") {
        Some(d) if !d.trim().is_empty() => Ok(PathBuf::from(d).join(req.period)),
        _ => super::session::folder_or(s, None, s.dir().join("exports").join(req.period)),
    }
}

/// Exports a month's statements. One failing statement does not stop the
/// others: every failure is reported, the rest are written.
pub fn export(
    s: &mut Session,
    req: &ExportRequest<'_>,
    cancel: &AtomicBool,
    progress: &mut dyn FnMut(BatchProgress),
) -> Result<ExportReport, AppError> {
    month_dates(req.period)?;
    let folder = export_folder(s, req)?;
    let rows: Vec<_> = s
        .lib
        .list_statements(Some(req.period), req.contract)?
        .into_iter()
        .filter(|st| req.all || st.status == StatementStatus::Final)
        .collect();
    if rows.is_empty() {
        return Err(AppError::invalid(
            Code::NotFound,
            format!(
                "no final statements for {}: finalize them first (or pass --all for drafts)",
                req.period
            ),
        ));
    }
    let mut report = ExportReport {
        folder: folder.clone(),
        exported: Vec::new(),
        failed: Vec::new(),
    };
    for (i, st) in rows.iter().enumerate() {
        if cancel.load(Ordering::SeqCst) {
            return Err(cancelled());
        }
        progress(BatchProgress {
            done: i,
            total: rows.len(),
            current: st.number.clone(),
        });
        match files::export_statement(s, &st.number, Path::new(&folder)) {
            Ok(f) => report.exported.push(f),
            Err(e) => report.failed.push(ExportFailure {
                statement: st.number.clone(),
                error: e.to_string(),
            }),
        }
    }
    progress(BatchProgress {
        done: rows.len(),
        total: rows.len(),
        current: String::new(),
    });
    Ok(report)
}

impl ExportReport {
    /// An error naming every failure when some statements could not be
    /// exported (the CLI's exit status); `Ok` when all were.
    pub fn check(&self) -> Result<(), AppError> {
        if self.failed.is_empty() {
            return Ok(());
        }
        Err(AppError::Partial {
            message: format!("{} statement(s) could not be exported", self.failed.len()),
            failures: self
                .failed
                .iter()
                .map(|f| format!("{}: {}", f.statement, f.error))
                .collect(),
        })
    }
}
