//! The use cases the desktop app calls: each Tauri command is a one-line
//! adapter over one function here. Errors cross to the UI as `{code,
//! message}` (see [`UiError`]). No SQL, no business logic in the shell.

use crate::{context, open_library, AppError};
use serde::{Deserialize, Serialize};
use sla_store::claims::{today, ClaimFilter, ClaimInfo};
use sla_store::contracts::{ContractFilter, ContractSummary, DocumentInfo, VersionInfo};
use sla_store::evidence::{ImportInfo, ImportOutcome, ImportRequest, Progress};
use sla_store::statements::{RunOutcome, Statement, StatementInfo};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};

/// An error as the UI sees it: a stable code to switch on, and a message
/// for the person.
#[derive(Debug, Clone, Serialize, ts_rs::TS, Deserialize)]
#[ts(export)]
pub struct UiError {
    pub code: String,
    pub message: String,
}

impl From<AppError> for UiError {
    fn from(e: AppError) -> Self {
        UiError {
            code: e.code().into(),
            message: e.to_string(),
        }
    }
}

impl From<sla_store::StoreError> for UiError {
    fn from(e: sla_store::StoreError) -> Self {
        AppError::from(e).into()
    }
}

pub type UiResult<T> = Result<T, UiError>;

#[derive(Debug, Clone, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct LibraryInfo {
    pub path: String,
    pub contracts: usize,
    pub signing_identity: Option<String>,
}

#[derive(Debug, Clone, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct ContractDetail {
    pub summary: Option<ContractSummary>,
    pub versions: Vec<VersionInfo>,
    pub documents: Vec<DocumentInfo>,
    pub imports: Vec<ImportInfo>,
    /// The terms as a readable schedule (one sentence per rule).
    pub schedule: Vec<String>,
    pub terms_toml: String,
}

#[derive(Debug, Clone, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct ImportPreview {
    pub contract: String,
    pub time_zone: String,
    pub outages: usize,
    pub maintenance: usize,
    pub incidents: usize,
    /// The first rows as they will be read: instants already in UTC.
    pub rows: Vec<PreviewRow>,
    pub warnings: Vec<String>,
    /// Every bad row, `file:sheet:row:column: reason`; nothing is written
    /// while there are any.
    pub errors: Vec<String>,
}

#[derive(Debug, Clone, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct PreviewRow {
    pub origin: String,
    pub kind: String,
    pub service: String,
    pub start: String,
    pub end: String,
    pub detail: String,
}

#[derive(Debug, Clone, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct HeatCell {
    pub contract: String,
    pub period: String,
    pub status: String,
    pub breached: bool,
    pub total: String,
    pub currency: String,
}

#[derive(Debug, Clone, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct Dashboard {
    pub heatmap: Vec<HeatCell>,
    pub credits: Vec<sla_store::reports::CreditRow>,
}

fn lib(dir: &Path) -> Result<sla_store::Library, UiError> {
    Ok(open_library(dir)?)
}

pub fn library_info(dir: &Path) -> UiResult<LibraryInfo> {
    let l = lib(dir)?;
    Ok(LibraryInfo {
        path: dir.display().to_string(),
        contracts: l.contract_ids()?.len(),
        signing_identity: sla_export::Identity::load(dir).ok().map(|i| i.subject()),
    })
}

pub fn list_contracts(
    dir: &Path,
    search: Option<String>,
    direction: Option<String>,
) -> UiResult<Vec<ContractSummary>> {
    Ok(lib(dir)?.list_contracts(&ContractFilter {
        search,
        direction,
        counterparty: None,
    })?)
}

pub fn add_contract(dir: &Path, terms_path: &str) -> UiResult<String> {
    Ok(lib(dir)?.add_contract(&context(None)?, terms_path)?)
}

/// A terms file as sentences a lawyer can check against the contract.
pub fn schedule(t: &sla_engine::Terms) -> Vec<String> {
    use sla_engine::terms::{Schedule, SlaTerm};
    let mut out = Vec::new();
    for s in &t.services {
        out.push(format!(
            "Service {} ({}) costs {} {} a month.",
            s.id,
            s.name.as_deref().unwrap_or("unnamed"),
            t.contract.currency,
            s.monthly_fee
        ));
    }
    for sla in &t.slas {
        let credit = match &sla.credit.schedule {
            Schedule::Tiers(tiers) => tiers
                .iter()
                .map(|x| format!("{} % below {} %", x.percent, x.below))
                .collect::<Vec<_>>()
                .join(", "),
            Schedule::PerStep {
                step,
                percent_per_step,
            } => format!("{percent_per_step} % for each {step} points below target"),
            Schedule::Multiplier(m) => format!("{m} x the shortfall below 100 %"),
            Schedule::PerBreach(p) => format!("{p} % per breached incident"),
        };
        let cap = sla
            .credit
            .cap_percent
            .map(|c| format!(", at most {c} % of the fee"))
            .unwrap_or_default();
        out.push(match &sla.term {
            SlaTerm::Availability(a) => format!(
                "{}: {} is available at least {} % of each month (outages under {} s ignored; excluded causes: {}). Credit: {credit}{cap}.",
                sla.id,
                sla.service,
                a.target,
                a.min_outage_seconds,
                if a.excluded_causes.is_empty() { "none".into() } else { a.excluded_causes.join(", ") }
            ),
            SlaTerm::Incident(c) => format!(
                "{}: {} incidents of {} get a {} within {} on the {} clock. Credit: {credit}{cap}.",
                sla.id,
                c.severity,
                sla.service,
                c.kind.name(),
                sla_engine::duration::fmt_duration(c.target_seconds),
                c.calendar.as_deref().unwrap_or("24x7")
            ),
        });
    }
    if let Some(c) = t.credit.cap_percent {
        out.push(format!(
            "All credits together never exceed {c} % of the month's fees."
        ));
    }
    if let Some(d) = t.credit.claim_window_days {
        out.push(format!(
            "Credits must be claimed within {d} days after the month ends."
        ));
    }
    out
}

pub fn contract_detail(dir: &Path, id: &str) -> UiResult<ContractDetail> {
    let l = lib(dir)?;
    let terms = l.terms_of(id, None)?;
    Ok(ContractDetail {
        summary: l
            .list_contracts(&ContractFilter::default())?
            .into_iter()
            .find(|c| c.id == id),
        versions: l.versions(id)?,
        documents: l.documents(id)?,
        imports: l.imports(id)?,
        schedule: schedule(&terms),
        terms_toml: l.export_terms(id, None)?,
    })
}

pub fn diff_versions(dir: &Path, id: &str, a: i64, b: i64) -> UiResult<String> {
    Ok(lib(dir)?.diff_versions(id, a, b)?)
}

/// Reads a spreadsheet without writing anything: what would be imported,
/// with every bad row.
pub fn import_preview(
    dir: &Path,
    file: &str,
    contract: Option<&str>,
    kind: Option<&str>,
) -> UiResult<ImportPreview> {
    let l = lib(dir)?;
    let contract = match contract {
        Some(c) => c.to_string(),
        None => l
            .contract_ids()?
            .into_iter()
            .next()
            .ok_or_else(|| UiError {
                code: "no_contracts".into(),
                message: "add a contract before importing evidence".into(),
            })?,
    };
    let terms = l.terms_of(&contract, None)?;
    let kind = kind.and_then(|k| sla_import::Kind::ALL.into_iter().find(|x| x.name() == k));
    let mut p = ImportPreview {
        contract,
        time_zone: terms.contract.timezone.name().into(),
        outages: 0,
        maintenance: 0,
        incidents: 0,
        rows: vec![],
        warnings: vec![],
        errors: vec![],
    };
    match sla_import::read_file(file, kind, &terms) {
        Ok(im) => {
            let ev = im.events;
            (p.outages, p.maintenance, p.incidents) =
                (ev.outages.len(), ev.maintenance.len(), ev.incidents.len());
            let t = sla_engine::time::fmt_instant;
            for o in ev.outages.iter().take(20) {
                p.rows.push(PreviewRow {
                    origin: o.origin.to_string(),
                    kind: "outage".into(),
                    service: o.service.clone(),
                    start: t(o.start),
                    end: o.end.map(t).unwrap_or_else(|| "open".into()),
                    detail: format!("impact {} cause {}", o.impact, o.cause),
                });
            }
            for m in ev.maintenance.iter().take(10) {
                p.rows.push(PreviewRow {
                    origin: m.origin.to_string(),
                    kind: "maintenance".into(),
                    service: m.service.clone(),
                    start: t(m.start),
                    end: t(m.end),
                    detail: format!(
                        "notified {}",
                        m.notified_at.map(t).unwrap_or_else(|| "never".into())
                    ),
                });
            }
            for i in ev.incidents.iter().take(10) {
                p.rows.push(PreviewRow {
                    origin: i.origin.to_string(),
                    kind: "incident".into(),
                    service: i.service.clone(),
                    start: t(i.at),
                    end: String::new(),
                    detail: format!("{} {} {}", i.incident, i.severity, i.status),
                });
            }
            p.warnings = im.warnings;
        }
        Err(sla_import::ImportError::Rows(rows)) => {
            p.errors = rows.iter().map(|r| r.to_string()).collect()
        }
        Err(e) => p.errors = vec![e.to_string()],
    }
    Ok(p)
}

/// Imports a spreadsheet; `progress` is told rows per second and may be
/// cancelled through `cancel`.
pub fn import_file(
    dir: &Path,
    file: &str,
    source: &str,
    contract: Option<&str>,
    kind: Option<&str>,
    cancel: &AtomicBool,
    progress: &mut dyn FnMut(Progress),
) -> UiResult<ImportOutcome> {
    let kind = kind.and_then(|k| sla_import::Kind::ALL.into_iter().find(|x| x.name() == k));
    cancel.store(false, Ordering::SeqCst);
    let req = ImportRequest {
        file,
        source_label: source,
        contract,
        kind,
    };
    Ok(lib(dir)?.import(&context(None)?, &req, &mut |p| {
        progress(p);
        !cancel.load(Ordering::SeqCst)
    })?)
}

/// Progress of a batch (a month's run or export), one step per contract.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct BatchProgress {
    pub done: usize,
    pub total: usize,
    pub current: String,
}

fn cancelled() -> UiError {
    UiError {
        code: "cancelled".into(),
        message: "cancelled: the statements done so far are kept, the rest were not touched".into(),
    }
}

/// Drafts every contract active in `period`, one contract at a time so that
/// progress can be shown and the run cancelled between contracts.
pub fn run_month(
    dir: &Path,
    period: &str,
    cancel: &AtomicBool,
    progress: &mut dyn FnMut(BatchProgress),
) -> UiResult<Vec<RunOutcome>> {
    let mut l = lib(dir)?;
    let ctx = context(None)?;
    cancel.store(false, Ordering::SeqCst);
    let ids = l.contract_ids()?;
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
        // Not active this month: nothing to draft.
        if l.terms_of(id, None)
            .map(|t| t.period(period).is_err())
            .unwrap_or(false)
        {
            continue;
        }
        out.extend(l.run_statements(&ctx, period, Some(id))?);
    }
    progress(BatchProgress {
        done: ids.len(),
        total: ids.len(),
        current: String::new(),
    });
    Ok(out)
}

pub fn statements(dir: &Path, period: Option<&str>) -> UiResult<Vec<StatementInfo>> {
    Ok(lib(dir)?.list_statements(period, None)?)
}

pub fn statement(dir: &Path, key: &str) -> UiResult<Statement> {
    Ok(lib(dir)?.statement(key)?)
}

pub fn finalize_month(dir: &Path, period: &str) -> UiResult<Vec<StatementInfo>> {
    Ok(lib(dir)?.finalize(&context(None)?, period, None)?)
}

/// Exports the month's final statements into `out` (default: the library's
/// `exports/PERIOD` folder).
pub fn export_month(
    dir: &Path,
    period: &str,
    out: Option<&str>,
    cancel: &AtomicBool,
    progress: &mut dyn FnMut(BatchProgress),
) -> UiResult<Vec<crate::export::ExportedFiles>> {
    let l = lib(dir)?;
    let ctx = context(None)?;
    cancel.store(false, Ordering::SeqCst);
    let out = out
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| dir.join("exports").join(period));
    let finals: Vec<_> = l
        .list_statements(Some(period), None)?
        .into_iter()
        .filter(|s| s.status == "final")
        .collect();
    let mut files = Vec::new();
    for (i, s) in finals.iter().enumerate() {
        if cancel.load(Ordering::SeqCst) {
            return Err(cancelled());
        }
        progress(BatchProgress {
            done: i,
            total: finals.len(),
            current: s.number.clone(),
        });
        files.push(crate::export::export_statement(&l, &ctx, &s.number, &out)?);
    }
    progress(BatchProgress {
        done: finals.len(),
        total: finals.len(),
        current: String::new(),
    });
    Ok(files)
}

pub fn claims(dir: &Path) -> UiResult<Vec<ClaimInfo>> {
    let ctx = context(None)?;
    Ok(lib(dir)?.list_claims(
        today(&ctx),
        &ClaimFilter {
            open_only: true,
            ..Default::default()
        },
    )?)
}

pub fn audit(dir: &Path) -> UiResult<Vec<sla_store::audit::AuditEntry>> {
    Ok(lib(dir)?.audit_list(500)?)
}

pub fn audit_verify(dir: &Path) -> UiResult<sla_store::audit::Verification> {
    Ok(lib(dir)?.audit_verify()?)
}

pub fn dashboard(dir: &Path) -> UiResult<Dashboard> {
    let l = lib(dir)?;
    let heatmap = l
        .list_statements(None, None)?
        .into_iter()
        .filter(|s| s.status != "superseded")
        .map(|s| HeatCell {
            contract: s.contract,
            period: s.period,
            status: s.status,
            breached: s.breached,
            total: s.total,
            currency: s.currency,
        })
        .collect();
    Ok(Dashboard {
        heatmap,
        credits: l.credits(sla_store::reports::CreditGrouping::Direction, None, None)?,
    })
}

pub fn create_identity(dir: &Path, organisation: &str) -> UiResult<String> {
    let ctx = context(None)?;
    let id =
        sla_export::Identity::create(organisation, "Statements signing", ctx.now).map_err(|e| {
            UiError {
                code: "identity".into(),
                message: e.to_string(),
            }
        })?;
    id.save(dir).map_err(|e| UiError {
        code: "identity".into(),
        message: e.to_string(),
    })?;
    lib(dir)?.record(
        &ctx,
        "identity.set",
        &id.subject(),
        &serde_json::json!({ "created_by": "app" }),
    )?;
    Ok(id.subject())
}
