//! The desktop shell. Every command is a one-line adapter over a function of
//! `sla_ledger::usecases`, the same one the CLI calls for the same verb
//! (`tests/integration/verbs.rs` checks the pairs). Errors reach the UI as
//! `ErrorData {code, message, details}`. Long work (imports, runs, exports)
//! runs on Tauri's async thread pool, off the UI thread; it reports progress
//! events and can be cancelled.

use sla_ledger::sla_store::claims::{ClaimFilter, ClaimInfo};
use sla_ledger::sla_store::contracts::ContractSummary;
use sla_ledger::sla_store::evidence::ImportOutcome;
use sla_ledger::sla_store::forgive::Withdrawal;
use sla_ledger::sla_store::statements::{RunOutcome, Statement, StatementInfo};
use sla_ledger::usecases::clauses;
use sla_ledger::usecases::contracts::{self, Amendment, ContractDetail, ContractQuery};
use sla_ledger::usecases::evidence::{self, FileView, ImportFile, ImportPreview, SheetChoice};
use sla_ledger::usecases::governance::diligence::{self, DiligenceRequest};
use sla_ledger::usecases::governance::notices::{
    self, NoticeFiles, NoticeRequest, NoticeTemplates,
};
use sla_ledger::usecases::governance::review;
use sla_ledger::usecases::governance::slo::{self, Exception, SloStatus};
use sla_ledger::usecases::governance::{compare, coverage, executive, ReportFiles};
use sla_ledger::usecases::identity::{self, IdentitySet};
use sla_ledger::usecases::presets::{self, PresetRequest, PresetView};
use sla_ledger::usecases::reports::{self, Dashboard};
use sla_ledger::usecases::session::{self, LibraryInfo, Settings};
use sla_ledger::usecases::statements::{self, ExportReport, ExportRequest};
use sla_ledger::usecases::terms_form::{FieldEdit, TermsCheck, TermsDraft};
use sla_ledger::usecases::welcome::{self, FirstRun};
use sla_ledger::usecases::{audit, claims, verify};
use sla_ledger::{AppError, ErrorData, Session};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use tauri::{Emitter, Manager, State};

type Ui<T> = Result<T, ErrorData>;

struct Shell {
    library: Mutex<PathBuf>,
    /// A library was named (environment) or remembered: no first run.
    chosen: AtomicBool,
    cancel: Arc<AtomicBool>,
}

impl Shell {
    fn dir(&self) -> PathBuf {
        self.library.lock().expect("library path").clone()
    }

    /// Runs a use case in a session on the current library: the actor is
    /// the one chosen in Settings (or the environment, or the login name).
    fn with<T>(&self, f: impl FnOnce(&mut Session) -> Result<T, AppError>) -> Ui<T> {
        let mut s = Session::open(&self.dir(), None)?;
        Ok(f(&mut s)?)
    }

    /// The cancel flag, cleared, for cancellable work that needs no
    /// session (reading a file's sheets).
    fn fresh_cancel(&self) -> &AtomicBool {
        self.cancel.store(false, Ordering::SeqCst);
        &self.cancel
    }

    /// Like [`Shell::with`] for cancellable work: the flag is cleared first.
    fn cancellable<T>(
        &self,
        f: impl FnOnce(&mut Session, &AtomicBool) -> Result<T, AppError>,
    ) -> Ui<T> {
        self.cancel.store(false, Ordering::SeqCst);
        self.with(|s| f(s, &self.cancel))
    }
}

#[tauri::command]
fn library_info(s: State<Shell>) -> Ui<LibraryInfo> {
    s.with(|x| session::library_info(x))
}

#[tauri::command]
fn list_contracts(s: State<Shell>, query: ContractQuery) -> Ui<Vec<ContractSummary>> {
    s.with(|x| contracts::list(x, query))
}

#[tauri::command]
fn settings(s: State<Shell>) -> Ui<Settings> {
    s.with(|x| session::settings(x))
}

#[tauri::command]
fn save_settings(s: State<Shell>, settings: Settings) -> Ui<Settings> {
    s.with(|x| session::save_settings(x, settings))
}

/// Switches to another library (created if new), remembers it for the next
/// start, and retitles the window.
#[tauri::command]
fn switch_library(w: tauri::WebviewWindow, s: State<Shell>, path: String) -> Ui<LibraryInfo> {
    let info = session::check_library(&path)?;
    *s.library.lock().expect("library path") = PathBuf::from(&info.path);
    let _ = w.set_title(&format!("SLA Ledger - {}", info.path));
    if let Ok(cfg) = w.path().app_config_dir() {
        session::remember_library(&cfg, std::path::Path::new(&info.path))?;
    }
    Ok(info)
}

/// Creates a library in the folder `path` (encrypted under `passphrase`
/// when one is given, issue 18) and switches to it.
#[tauri::command(async)]
fn create_library(
    w: tauri::WebviewWindow,
    s: State<'_, Shell>,
    path: String,
    passphrase: Option<String>,
) -> Ui<LibraryInfo> {
    sla_ledger::usecases::library::create(std::path::Path::new(&path), passphrase.as_deref())?;
    switch_library(w, s, path)
}

/// Unlocks the current library for the rest of this run (and keeps the
/// passphrase in the OS keychain when `remember`).
#[tauri::command(async)]
fn unlock_library(s: State<'_, Shell>, passphrase: String, remember: bool) -> Ui<()> {
    Ok(sla_ledger::usecases::library::unlock(
        &s.dir(),
        &passphrase,
        remember,
    )?)
}

#[tauri::command]
fn first_run(s: State<Shell>) -> FirstRun {
    welcome::first_run(&s.dir(), s.chosen.load(Ordering::SeqCst))
}

/// Builds (once) and opens the sample library beside the default one.
#[tauri::command(async)]
fn open_sample(w: tauri::WebviewWindow, s: State<'_, Shell>) -> Ui<LibraryInfo> {
    let dir = s.dir().with_file_name("sla-ledger-sample");
    let info = welcome::open_sample(&dir)?;
    switch_library(w, s, info.path)
}

#[tauri::command]
fn terms_form(s: State<Shell>, id: String) -> Ui<TermsDraft> {
    s.with(|x| contracts::form(x, &id))
}

#[tauri::command]
fn terms_list_edit(toml: String, path: String, remove: Option<usize>) -> Ui<TermsDraft> {
    Ok(contracts::form_list_edit(&toml, &path, remove)?)
}

#[tauri::command]
fn check_terms(toml: String, edits: Vec<FieldEdit>) -> TermsCheck {
    contracts::form_check(&toml, &edits)
}

#[tauri::command]
fn amend_terms(s: State<Shell>, id: String, amendment: Amendment) -> Ui<i64> {
    s.with(|x| contracts::amend_form(x, &id, &amendment))
}

#[tauri::command(async)]
fn inspect_file(w: tauri::Window, s: State<'_, Shell>, path: String) -> Ui<FileView> {
    Ok(evidence::inspect_file(&path, s.fresh_cancel(), &mut |p| {
        drop(w.emit("import-progress", p))
    })?)
}

#[tauri::command]
fn add_contract(s: State<Shell>, path: String) -> Ui<String> {
    s.with(|x| contracts::add(x, &path, &[]))
}

#[tauri::command]
fn contract_detail(s: State<Shell>, id: String) -> Ui<ContractDetail> {
    s.with(|x| contracts::detail(x, &id))
}

#[tauri::command]
fn diff_versions(s: State<Shell>, id: String, a: i64, b: i64) -> Ui<String> {
    s.with(|x| contracts::diff(x, &id, a, b))
}

/// A file to import as the import screen describes it.
fn import_file_of<'a>(
    path: &'a str,
    source: &'a str,
    contract: &'a Option<String>,
    kind: &'a Option<String>,
    mapping: &'a Option<Vec<SheetChoice>>,
    preset: &'a Option<PresetRequest>,
) -> ImportFile<'a> {
    ImportFile {
        file: path,
        source,
        contract: contract.as_deref(),
        kind: kind.as_deref().filter(|k| !k.is_empty()),
        mapping: mapping.as_deref(),
        preset: preset.as_ref(),
    }
}

#[tauri::command(async)]
fn import_preview(
    w: tauri::Window,
    s: State<'_, Shell>,
    path: String,
    contract: Option<String>,
    kind: Option<String>,
    mapping: Option<Vec<SheetChoice>>,
    preset: Option<PresetRequest>,
) -> Ui<ImportPreview> {
    let what = import_file_of(&path, "", &contract, &kind, &mapping, &preset);
    s.cancellable(|x, c| {
        evidence::preview(x, &what, c, &mut |p| drop(w.emit("import-progress", p)))
    })
}

#[tauri::command]
fn list_presets() -> Vec<PresetView> {
    presets::list()
}

#[tauri::command]
fn detect_preset(path: String) -> Ui<Option<PresetView>> {
    Ok(presets::detect(&path)?)
}

// A Tauri command's arguments are the Import screen's fields, passed by
// name from JavaScript; a struct would only rename them.
#[allow(clippy::too_many_arguments)]
#[tauri::command(async)]
fn import_file(
    w: tauri::Window,
    s: State<'_, Shell>,
    path: String,
    source: String,
    contract: Option<String>,
    kind: Option<String>,
    mapping: Option<Vec<SheetChoice>>,
    preset: Option<PresetRequest>,
) -> Ui<ImportOutcome> {
    let what = import_file_of(&path, &source, &contract, &kind, &mapping, &preset);
    s.cancellable(|x, c| evidence::import(x, &what, c, &mut |p| drop(w.emit("import-progress", p))))
}

#[tauri::command]
fn cancel_import(s: State<Shell>) {
    s.cancel.store(true, Ordering::SeqCst)
}

#[tauri::command(async)]
fn run_month(w: tauri::Window, s: State<'_, Shell>, period: String) -> Ui<Vec<RunOutcome>> {
    s.cancellable(|x, c| {
        statements::run(x, &period, None, c, &mut |p| {
            drop(w.emit("batch-progress", p))
        })
    })
}

#[tauri::command]
fn cancel_batch(s: State<Shell>) {
    s.cancel.store(true, Ordering::SeqCst)
}

#[tauri::command]
fn statements(s: State<Shell>, period: Option<String>) -> Ui<Vec<StatementInfo>> {
    s.with(|x| statements::list(x, period.as_deref(), None))
}

#[tauri::command]
fn statement(s: State<Shell>, key: String) -> Ui<Statement> {
    s.with(|x| statements::show(x, &key))
}

#[tauri::command]
fn discard_draft(s: State<Shell>, number: String) -> Ui<StatementInfo> {
    s.with(|x| statements::discard(x, &number))
}

#[tauri::command]
fn withdraw_import(s: State<Shell>, import: i64, reason: String) -> Ui<Withdrawal> {
    s.with(|x| evidence::withdraw(x, import, &reason))
}

#[tauri::command(async)]
fn finalize_month(s: State<'_, Shell>, period: String) -> Ui<Vec<StatementInfo>> {
    s.with(|x| statements::finalize(x, &period, None))
}

#[tauri::command(async)]
fn export_month(
    w: tauri::Window,
    s: State<'_, Shell>,
    period: String,
    out: Option<String>,
) -> Ui<ExportReport> {
    let req = ExportRequest {
        period: &period,
        out: out.as_deref(),
        ..Default::default()
    };
    s.cancellable(|x, c| statements::export(x, &req, c, &mut |p| drop(w.emit("batch-progress", p))))
}

#[tauri::command]
fn claims(s: State<Shell>) -> Ui<Vec<ClaimInfo>> {
    let open = ClaimFilter {
        open_only: true,
        ..Default::default()
    };
    s.with(|x| claims::list(x, &open))
}

#[tauri::command]
fn audit(s: State<Shell>) -> Ui<Vec<sla_ledger::sla_store::audit::AuditEntry>> {
    s.with(|x| audit::list(x, 500))
}

#[tauri::command]
fn audit_verify(s: State<Shell>) -> Ui<audit::AuditReport> {
    s.with(|x| audit::verify(x, &[]))
}

#[tauri::command]
fn verify_files(
    s: State<Shell>,
    files: Vec<String>,
    trust: Vec<String>,
) -> Ui<verify::VerifyReport> {
    s.with(|x| verify::files(Some(x), &files, &trust))
}

#[tauri::command]
fn dashboard(s: State<Shell>) -> Ui<Dashboard> {
    s.with(|x| reports::dashboard(x))
}

#[tauri::command]
fn create_identity(s: State<Shell>, organisation: String) -> Ui<IdentitySet> {
    s.with(|x| identity::create(x, &organisation, "Statements signing"))
}

// ---- Governance ----

#[tauri::command(async)]
fn slo_status(s: State<'_, Shell>) -> Ui<SloStatus> {
    s.with(slo::status)
}

#[tauri::command]
fn slo_import(s: State<Shell>, path: String) -> Ui<Vec<(String, i64, bool)>> {
    s.with(|x| slo::import(x, &path))
}

#[tauri::command]
fn slo_policy(s: State<Shell>, path: String) -> Ui<usize> {
    s.with(|x| slo::set_policy(x, &path))
}

#[tauri::command]
fn slo_exception(
    s: State<Shell>,
    slo: String,
    start: String,
    end: String,
    reason: String,
    approver: String,
) -> Ui<i64> {
    let e = Exception {
        slo: &slo,
        start: &start,
        end: &end,
        reason: &reason,
        approver: &approver,
    };
    s.with(|x| slo::add_exception(x, &e))
}

#[tauri::command]
fn slo_export(s: State<Shell>, path: String) -> Ui<String> {
    s.with(|x| slo::export_to(x, &path))
}

#[tauri::command]
fn requests_import(
    s: State<Shell>,
    path: String,
    timezone: String,
    source: String,
) -> Ui<Option<i64>> {
    s.with(|x| slo::import_requests(x, &path, &timezone, &source))
}

#[tauri::command(async)]
fn diligence(
    s: State<'_, Shell>,
    request: DiligenceRequest,
) -> Ui<sla_ledger::sla_governance::diligence::DiligenceReport> {
    s.with(|x| diligence::report(x, &request))
}

#[tauri::command(async)]
fn review_report(
    s: State<'_, Shell>,
    interval_days: i64,
) -> Ui<sla_ledger::sla_governance::review::ReviewReport> {
    s.with(|x| review::report(x, interval_days))
}

#[tauri::command]
fn review_mark(
    s: State<Shell>,
    kind: String,
    subject: String,
    note: String,
) -> Ui<sla_ledger::sla_store::reviews::ReviewRecord> {
    s.with(|x| review::mark(x, &kind, &subject, &note))
}

#[tauri::command]
fn clause_sources(s: State<Shell>, id: String) -> Ui<clauses::SourcesReport> {
    s.with(|x| clauses::sources(x, &id, None))
}

#[tauri::command]
fn clause_suggest(s: State<Shell>, id: String) -> Ui<Vec<clauses::Suggestion>> {
    s.with(|x| clauses::suggest(x, &id, None))
}

#[tauri::command]
fn clause_link(
    s: State<Shell>,
    id: String,
    requests: Vec<clauses::LinkRequest>,
) -> Ui<Vec<clauses::LinkView>> {
    s.with(|x| clauses::link(x, &id, None, &requests))
}

#[tauri::command(async)]
fn library_backup(
    s: State<'_, Shell>,
    out: String,
) -> Ui<sla_ledger::sla_store::backup::BackupReport> {
    s.with(|x| sla_ledger::usecases::library::backup(x, std::path::Path::new(&out)))
}

#[tauri::command(async)]
fn export_diligence(
    s: State<'_, Shell>,
    request: DiligenceRequest,
    out: Option<String>,
) -> Ui<ReportFiles> {
    s.with(|x| diligence::export(x, &request, out.as_deref()))
}

#[tauri::command(async)]
fn export_executive(
    s: State<'_, Shell>,
    until: String,
    months: u32,
    out: Option<String>,
) -> Ui<ReportFiles> {
    s.with(|x| executive::export(x, &until, months, out.as_deref()))
}

#[tauri::command(async)]
fn coverage(
    s: State<'_, Shell>,
    map: String,
    until: String,
    months: u32,
) -> Ui<coverage::CoverageOutput> {
    s.with(|x| coverage::coverage(x, &map, &until, months))
}

#[tauri::command(async)]
fn breach_notices(
    s: State<'_, Shell>,
    period: String,
    out: Option<String>,
) -> Ui<Vec<NoticeFiles>> {
    let req = NoticeRequest {
        period: &period,
        out: out.as_deref(),
        templates: None,
    };
    s.with(|x| notices::draft(x, &req))
}

#[tauri::command(async)]
fn two_methods(
    s: State<'_, Shell>,
    contract: String,
    sla: String,
    period: String,
) -> Ui<sla_ledger::sla_governance::methods::TwoMethods> {
    s.with(|x| compare::two_methods(x, &contract, &sla, &period))
}

#[tauri::command]
fn notice_templates(s: State<Shell>) -> Ui<NoticeTemplates> {
    s.with(|x| notices::templates(x))
}

#[tauri::command]
fn save_notice_templates(s: State<Shell>, templates: NoticeTemplates) -> Ui<()> {
    s.with(|x| notices::save_templates(x, &templates))
}

pub fn run() {
    let dir = sla_ledger::library_dir(None).unwrap_or_else(|_| PathBuf::from("sla-ledger-library"));
    tauri::Builder::default()
        .plugin(tauri_plugin_dialog::init())
        .plugin(tauri_plugin_opener::init())
        .manage(Shell {
            library: Mutex::new(dir.clone()),
            chosen: AtomicBool::new(std::env::var_os("SLA_LEDGER_LIBRARY").is_some()),
            cancel: Arc::new(AtomicBool::new(false)),
        })
        .setup(move |a| {
            // SLA_LEDGER_LIBRARY wins; else the library chosen last time.
            let mut dir = dir;
            if std::env::var_os("SLA_LEDGER_LIBRARY").is_none() {
                if let Some(p) = a
                    .path()
                    .app_config_dir()
                    .ok()
                    .and_then(|c| session::remembered_library(&c))
                {
                    dir = p;
                    a.state::<Shell>().chosen.store(true, Ordering::SeqCst);
                }
            }
            *a.state::<Shell>().library.lock().expect("library path") = dir.clone();
            if let Some(w) = a.get_webview_window("main") {
                let _ = w.set_title(&format!("SLA Ledger - {}", dir.display()));
            }
            Ok(())
        })
        .invoke_handler(tauri::generate_handler![
            library_info,
            create_library,
            unlock_library,
            list_contracts,
            add_contract,
            contract_detail,
            diff_versions,
            import_preview,
            import_file,
            cancel_import,
            run_month,
            cancel_batch,
            statements,
            statement,
            finalize_month,
            discard_draft,
            withdraw_import,
            first_run,
            open_sample,
            list_presets,
            detect_preset,
            export_month,
            claims,
            audit,
            audit_verify,
            verify_files,
            dashboard,
            create_identity,
            settings,
            save_settings,
            switch_library,
            terms_form,
            terms_list_edit,
            check_terms,
            amend_terms,
            inspect_file,
            slo_status,
            slo_import,
            slo_policy,
            slo_exception,
            slo_export,
            requests_import,
            diligence,
            export_diligence,
            review_report,
            review_mark,
            library_backup,
            clause_sources,
            clause_suggest,
            clause_link,
            export_executive,
            coverage,
            breach_notices,
            two_methods,
            notice_templates,
            save_notice_templates
        ])
        .run(tauri::generate_context!())
        .expect("SLA Ledger failed to start");
}
