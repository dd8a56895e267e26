//! The use cases the desktop app calls: each Tauri command is a one-line
//! adapter over one function here. Errors cross to the UI as `{code,
//! message}` (see [`UiError`]). No SQL, no business logic in the shell.

use crate::{open_library, AppError};
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

/// The Library screen's filters; empty means "any".
#[derive(Debug, Clone, Default, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct ContractQuery {
    pub search: Option<String>,
    pub direction: Option<String>,
    pub counterparty: Option<String>,
    /// `upcoming`, `active` or `ended`, judged on today's date.
    pub status: Option<String>,
}

fn some(s: Option<String>) -> Option<String> {
    s.filter(|x| !x.trim().is_empty())
}

pub fn list_contracts(dir: &Path, q: ContractQuery) -> UiResult<Vec<ContractSummary>> {
    let l = lib(dir)?;
    let today = today(&ctx(&l)?);
    Ok(l.list_contracts(&ContractFilter {
        search: some(q.search),
        direction: some(q.direction),
        counterparty: some(q.counterparty),
        status: some(q.status),
        today: Some(today),
    })?)
}

/// Who acts and when: the environment first (tests, the CLI), then the
/// library's `actor` setting, then the login name.
pub(crate) fn ctx(l: &sla_store::Library) -> Result<sla_store::Ctx, UiError> {
    Ok(crate::session_context(l, None)?)
}

/// The library's defaults, as the Settings screen edits them.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct Settings {
    /// The name written into the audit log for actions in the app.
    pub actor: String,
    /// The source label an import starts with.
    pub source_label: String,
    /// Where exports go; empty means the library's `exports/` folder.
    pub export_dir: String,
}

pub fn settings(dir: &Path) -> UiResult<Settings> {
    let mut m = lib(dir)?.settings()?;
    let mut take = |k: &str| m.remove(k).unwrap_or_default();
    Ok(Settings {
        actor: take("actor"),
        source_label: take("source_label"),
        export_dir: take("export_dir"),
    })
}

pub fn save_settings(dir: &Path, s: Settings) -> UiResult<Settings> {
    if !s.export_dir.trim().is_empty() && !Path::new(s.export_dir.trim()).is_absolute() {
        return Err(UiError {
            code: "invalid_setting".into(),
            message: format!(
                "export folder `{}` must be an absolute path",
                s.export_dir.trim()
            ),
        });
    }
    let mut l = lib(dir)?;
    let c = ctx(&l)?;
    for (k, v) in [
        ("actor", &s.actor),
        ("source_label", &s.source_label),
        ("export_dir", &s.export_dir),
    ] {
        l.set_setting(&c, k, v)?;
    }
    settings(dir)
}

/// Opens (creating if needed) the library at `path`: the app switches to
/// it only when this succeeds.
pub fn check_library(path: &str) -> UiResult<LibraryInfo> {
    let p = Path::new(path.trim());
    if path.trim().is_empty() || !p.is_absolute() {
        return Err(UiError {
            code: "invalid_setting".into(),
            message: format!(
                "library location `{}` must be an absolute path",
                path.trim()
            ),
        });
    }
    library_info(p)
}

/// Where the app remembers the last library it opened (a one-line file in
/// its config folder).
pub fn remembered_library(config_dir: &Path) -> Option<std::path::PathBuf> {
    let text = std::fs::read_to_string(config_dir.join("library-path")).ok()?;
    let p = std::path::PathBuf::from(text.trim());
    p.is_absolute().then_some(p)
}

pub fn remember_library(config_dir: &Path, path: &Path) -> UiResult<()> {
    std::fs::create_dir_all(config_dir)
        .and_then(|_| std::fs::write(config_dir.join("library-path"), path.display().to_string()))
        .map_err(|e| UiError {
            code: "io".into(),
            message: format!("{}: {e}", config_dir.display()),
        })
}

fn form_problem(p: crate::terms_form::FieldProblem) -> UiError {
    UiError {
        code: "invalid_terms".into(),
        message: if p.path.is_empty() {
            p.message
        } else {
            format!("{}: {}", p.path, p.message)
        },
    }
}

/// The newest terms as a draft for the form: the text, its fields and the
/// lists whose entries can be added or removed.
pub fn terms_form(dir: &Path, id: &str) -> UiResult<crate::terms_form::TermsDraft> {
    let text = lib(dir)?.export_terms(id, None)?;
    crate::terms_form::draft(&text).map_err(form_problem)
}

/// Adds an entry to a list of the draft (a copy of its last) or removes
/// one; the form continues from the new draft.
pub fn terms_list_edit(
    toml: &str,
    path: &str,
    remove: Option<usize>,
) -> UiResult<crate::terms_form::TermsDraft> {
    crate::terms_form::edit_list(toml, path, remove).map_err(form_problem)
}

/// The draft with `edits` applied, and every problem at its field.
pub fn check_terms(
    toml: &str,
    edits: &[crate::terms_form::FieldEdit],
) -> crate::terms_form::TermsCheck {
    crate::terms_form::apply(toml, edits)
}

/// An amendment from the form: the draft (with any list changes), the
/// field edits, and when and why it applies.
#[derive(Debug, Clone, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct Amendment {
    pub toml: String,
    pub edits: Vec<crate::terms_form::FieldEdit>,
    /// The first day of a month.
    pub from: String,
    /// The last day of a month; empty or absent: open-ended.
    pub to: Option<String>,
    pub reason: String,
}

/// Saves an effective-dated amendment: the edited terms apply from `from`
/// to `to` (or open-ended); the earlier terms resume after it.
pub fn amend_terms(dir: &Path, id: &str, a: &Amendment) -> UiResult<i64> {
    let date = |field: &str, v: &str| {
        chrono::NaiveDate::parse_from_str(v.trim(), "%Y-%m-%d").map_err(|_| UiError {
            code: "invalid_date".into(),
            message: format!("{field}: `{v}` is not a date written YYYY-MM-DD"),
        })
    };
    let from = date("applies from", &a.from)?;
    let to = match a.to.as_deref().filter(|t| !t.trim().is_empty()) {
        Some(t) => Some(date("applies to", t)?),
        None => None,
    };
    let mut l = lib(dir)?;
    let check = crate::terms_form::apply(&a.toml, &a.edits);
    if !check.problems.is_empty() {
        return Err(UiError {
            code: "invalid_terms".into(),
            message: check
                .problems
                .iter()
                .map(|p| format!("{}: {}", p.path, p.message))
                .collect::<Vec<_>>()
                .join("\n"),
        });
    }
    let terms = sla_engine::Terms::parse(&check.toml).map_err(|e| UiError {
        code: "invalid_terms".into(),
        message: e.to_string(),
    })?;
    if terms == l.terms_of(id, None)? {
        return Err(UiError {
            code: "no_change".into(),
            message: "nothing was changed: an amendment needs at least one changed term".into(),
        });
    }
    let c = ctx(&l)?;
    Ok(l.amend_contract_text(
        &c,
        id,
        "the terms form",
        &check.toml,
        &terms,
        from,
        to,
        a.reason.as_str(),
    )?)
}

/// One sheet of a file to import, as found, with the reading we guess.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct SheetView {
    pub name: String,
    pub header: Vec<String>,
    pub rows: usize,
    /// `outages`, `maintenance`, `incidents`, or empty when nothing fits.
    pub kind: String,
    pub columns: Vec<ColumnChoice>,
}

/// The sheets of a file and the spec columns of every kind, so the screen
/// can offer a mapping for any kind the user picks.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct FileView {
    pub sheets: Vec<SheetView>,
    pub kinds: Vec<KindColumns>,
}

#[derive(Debug, Clone, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct KindColumns {
    pub kind: String,
    pub columns: Vec<String>,
    pub required: Vec<String>,
}

/// Which header of the sheet holds a spec column (empty: none).
#[derive(Debug, Clone, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct ColumnChoice {
    pub column: String,
    pub header: String,
}

/// A sheet the user chose to import, as what kind, with which columns.
#[derive(Debug, Clone, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct SheetChoice {
    pub sheet: String,
    pub kind: String,
    pub columns: Vec<ColumnChoice>,
}

fn kind_named(k: &str) -> Option<sla_import::Kind> {
    sla_import::Kind::ALL.into_iter().find(|x| x.name() == k)
}

pub fn inspect_file(file: &str) -> UiResult<FileView> {
    let sheets = sla_import::inspect(file).map_err(AppError::from)?;
    Ok(FileView {
        sheets: sheets
            .into_iter()
            .map(|s| SheetView {
                kind: s.kind.map(|k| k.name().to_string()).unwrap_or_default(),
                columns: s
                    .columns
                    .into_iter()
                    .map(|(column, h)| ColumnChoice {
                        column,
                        header: h.unwrap_or_default(),
                    })
                    .collect(),
                name: s.name,
                header: s.header,
                rows: s.rows,
            })
            .collect(),
        kinds: sla_import::Kind::ALL
            .into_iter()
            .map(|k| KindColumns {
                kind: k.name().into(),
                columns: k.columns().iter().map(|c| c.0.to_string()).collect(),
                required: k
                    .columns()
                    .iter()
                    .filter(|c| c.1)
                    .map(|c| c.0.to_string())
                    .collect(),
            })
            .collect(),
    })
}

fn sheet_maps(choices: &[SheetChoice]) -> UiResult<Vec<sla_import::SheetMap>> {
    choices
        .iter()
        .map(|c| {
            Ok(sla_import::SheetMap {
                sheet: c.sheet.clone(),
                kind: kind_named(&c.kind).ok_or_else(|| UiError {
                    code: "invalid_mapping".into(),
                    message: format!(
                        "sheet `{}`: `{}` is not outages, maintenance or incidents",
                        c.sheet, c.kind
                    ),
                })?,
                columns: c
                    .columns
                    .iter()
                    .filter(|m| !m.header.is_empty())
                    .map(|m| (m.column.clone(), m.header.clone()))
                    .collect(),
            })
        })
        .collect()
}

pub fn add_contract(dir: &Path, terms_path: &str) -> UiResult<String> {
    let mut l = lib(dir)?;
    let c = ctx(&l)?;
    Ok(l.add_contract(&c, terms_path)?)
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
    mapping: Option<&[SheetChoice]>,
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
    let read = match mapping {
        Some(m) => sla_import::read_mapped(file, &sheet_maps(m)?, &terms),
        None => sla_import::read_file(file, kind, &terms),
    };
    match read {
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

/// What to import: a file, where it came from, for which contract, and how
/// to read it (a CSV's kind, or the user's sheet kinds and column mapping).
pub struct ImportFile<'a> {
    pub file: &'a str,
    pub source: &'a str,
    pub contract: Option<&'a str>,
    pub kind: Option<&'a str>,
    pub mapping: Option<&'a [SheetChoice]>,
}

/// Imports a spreadsheet; `progress` is told rows per second and may be
/// cancelled through `cancel`.
pub fn import_file(
    dir: &Path,
    what: &ImportFile<'_>,
    cancel: &AtomicBool,
    progress: &mut dyn FnMut(Progress),
) -> UiResult<ImportOutcome> {
    let maps = what.mapping.map(sheet_maps).transpose()?;
    cancel.store(false, Ordering::SeqCst);
    let req = ImportRequest {
        file: what.file,
        source_label: what.source,
        contract: what.contract,
        kind: what.kind.and_then(kind_named),
    };
    let mut l = lib(dir)?;
    let c = ctx(&l)?;
    Ok(l.import_mapped(&c, &req, maps.as_deref(), &mut |p| {
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
    let ctx = ctx(&l)?;
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
    let mut l = lib(dir)?;
    let c = ctx(&l)?;
    Ok(crate::trust::finalize(&mut l, &c, period, None)?)
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
    let mut l = lib(dir)?;
    let ctx = ctx(&l)?;
    cancel.store(false, Ordering::SeqCst);
    // An explicit folder, else the library's export setting, else its
    // own `exports/`; always one subfolder per period.
    let setting = l.settings()?.remove("export_dir");
    let out = match (out.filter(|o| !o.trim().is_empty()), setting) {
        (Some(o), _) => std::path::PathBuf::from(o),
        (None, Some(s)) => std::path::PathBuf::from(s).join(period),
        (None, None) => dir.join("exports").join(period),
    };
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
        files.push(crate::export::export_statement(
            &mut l, &ctx, &s.number, &out,
        )?);
    }
    progress(BatchProgress {
        done: finals.len(),
        total: finals.len(),
        current: String::new(),
    });
    Ok(files)
}

pub fn claims(dir: &Path) -> UiResult<Vec<ClaimInfo>> {
    let l = lib(dir)?;
    let ctx = ctx(&l)?;
    Ok(l.list_claims(
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

pub fn audit_verify(dir: &Path) -> UiResult<crate::trust::AuditReport> {
    Ok(crate::trust::audit_verify(&lib(dir)?, &[])?)
}

/// Verifies statement files (PDF, XLSX, manifest) against this library's
/// trusted certificates and any PEM files in `trust`: the app's verify
/// screen shows each file as trusted, intact but untrusted, or broken.
pub fn verify_files(
    dir: &Path,
    files: &[String],
    trust: &[String],
) -> UiResult<crate::verify::VerifyReport> {
    let extra = crate::trust::read_trust_files(trust)?;
    Ok(crate::verify::verify(files, Some(&lib(dir)?), &extra)?)
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
    let mut l = lib(dir)?;
    let ctx = ctx(&l)?;
    let id =
        sla_export::Identity::create(organisation, "Statements signing", ctx.now).map_err(|e| {
            UiError {
                code: "identity".into(),
                message: e.to_string(),
            }
        })?;
    crate::trust::set_identity(&mut l, &ctx, &id)?;
    Ok(id.subject())
}
