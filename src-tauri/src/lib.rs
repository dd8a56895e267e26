//! The desktop shell. Every command is a one-line adapter over
//! `sla_ledger::app`, the use-case API the CLI shares; errors reach the UI
//! as `{code, message}`. Long work (imports, runs, exports) runs on Tauri's
//! async thread pool, off the UI thread; imports report progress events and
//! can be cancelled.

use sla_ledger::app::{self, UiResult};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use tauri::{Emitter, Manager, State};

struct Shell {
    library: Mutex<PathBuf>,
    cancel: Arc<AtomicBool>,
}

impl Shell {
    fn dir(&self) -> PathBuf {
        self.library.lock().expect("library path").clone()
    }
}

#[tauri::command]
fn library_info(s: State<Shell>) -> UiResult<app::LibraryInfo> {
    app::library_info(&s.dir())
}

#[tauri::command]
fn list_contracts(
    s: State<Shell>,
    query: app::ContractQuery,
) -> UiResult<Vec<sla_ledger::sla_store::contracts::ContractSummary>> {
    app::list_contracts(&s.dir(), query)
}

#[tauri::command]
fn settings(s: State<Shell>) -> UiResult<app::Settings> {
    app::settings(&s.dir())
}

#[tauri::command]
fn save_settings(s: State<Shell>, settings: app::Settings) -> UiResult<app::Settings> {
    app::save_settings(&s.dir(), settings)
}

/// Switches to another library (created if new), remembers it for the next
/// start, and retitles the window.
#[tauri::command]
fn switch_library(
    w: tauri::WebviewWindow,
    s: State<Shell>,
    path: String,
) -> UiResult<app::LibraryInfo> {
    let info = app::check_library(&path)?;
    *s.library.lock().expect("library path") = PathBuf::from(&info.path);
    let _ = w.set_title(&format!("SLA Ledger - {}", info.path));
    if let Ok(cfg) = w.path().app_config_dir() {
        app::remember_library(&cfg, std::path::Path::new(&info.path))?;
    }
    Ok(info)
}

#[tauri::command]
fn terms_form(s: State<Shell>, id: String) -> UiResult<sla_ledger::terms_form::TermsDraft> {
    app::terms_form(&s.dir(), &id)
}

#[tauri::command]
fn terms_list_edit(
    toml: String,
    path: String,
    remove: Option<usize>,
) -> UiResult<sla_ledger::terms_form::TermsDraft> {
    app::terms_list_edit(&toml, &path, remove)
}

#[tauri::command]
fn check_terms(
    toml: String,
    edits: Vec<sla_ledger::terms_form::FieldEdit>,
) -> sla_ledger::terms_form::TermsCheck {
    app::check_terms(&toml, &edits)
}

#[tauri::command]
fn amend_terms(s: State<Shell>, id: String, amendment: app::Amendment) -> UiResult<i64> {
    app::amend_terms(&s.dir(), &id, &amendment)
}

#[tauri::command(async)]
fn inspect_file(path: String) -> UiResult<app::FileView> {
    app::inspect_file(&path)
}

#[tauri::command]
fn add_contract(s: State<Shell>, path: String) -> UiResult<String> {
    app::add_contract(&s.dir(), &path)
}

#[tauri::command]
fn contract_detail(s: State<Shell>, id: String) -> UiResult<app::ContractDetail> {
    app::contract_detail(&s.dir(), &id)
}

#[tauri::command]
fn diff_versions(s: State<Shell>, id: String, a: i64, b: i64) -> UiResult<String> {
    app::diff_versions(&s.dir(), &id, a, b)
}

#[tauri::command(async)]
fn import_preview(
    s: State<'_, Shell>,
    path: String,
    contract: Option<String>,
    kind: Option<String>,
    mapping: Option<Vec<app::SheetChoice>>,
) -> UiResult<app::ImportPreview> {
    app::import_preview(
        &s.dir(),
        &path,
        contract.as_deref(),
        kind.as_deref(),
        mapping.as_deref(),
    )
}

#[tauri::command(async)]
fn import_file(
    w: tauri::Window,
    s: State<'_, Shell>,
    path: String,
    source: String,
    contract: Option<String>,
    kind: Option<String>,
    mapping: Option<Vec<app::SheetChoice>>,
) -> UiResult<sla_ledger::sla_store::evidence::ImportOutcome> {
    app::import_file(
        &s.dir(),
        &app::ImportFile {
            file: &path,
            source: &source,
            contract: contract.as_deref(),
            kind: kind.as_deref(),
            mapping: mapping.as_deref(),
        },
        &s.cancel,
        &mut |p| drop(w.emit("import-progress", p)),
    )
}

#[tauri::command]
fn cancel_import(s: State<Shell>) {
    s.cancel.store(true, Ordering::SeqCst)
}

#[tauri::command(async)]
fn run_month(
    w: tauri::Window,
    s: State<'_, Shell>,
    period: String,
) -> UiResult<Vec<sla_ledger::sla_store::statements::RunOutcome>> {
    app::run_month(&s.dir(), &period, &s.cancel, &mut |p| {
        drop(w.emit("batch-progress", p))
    })
}

#[tauri::command]
fn cancel_batch(s: State<Shell>) {
    s.cancel.store(true, Ordering::SeqCst)
}

#[tauri::command]
fn statements(
    s: State<Shell>,
    period: Option<String>,
) -> UiResult<Vec<sla_ledger::sla_store::statements::StatementInfo>> {
    app::statements(&s.dir(), period.as_deref())
}

#[tauri::command]
fn statement(
    s: State<Shell>,
    key: String,
) -> UiResult<sla_ledger::sla_store::statements::Statement> {
    app::statement(&s.dir(), &key)
}

#[tauri::command(async)]
fn finalize_month(
    s: State<'_, Shell>,
    period: String,
) -> UiResult<Vec<sla_ledger::sla_store::statements::StatementInfo>> {
    app::finalize_month(&s.dir(), &period)
}

#[tauri::command(async)]
fn export_month(
    w: tauri::Window,
    s: State<'_, Shell>,
    period: String,
    out: Option<String>,
) -> UiResult<Vec<sla_ledger::export::ExportedFiles>> {
    app::export_month(&s.dir(), &period, out.as_deref(), &s.cancel, &mut |p| {
        drop(w.emit("batch-progress", p))
    })
}

#[tauri::command]
fn claims(s: State<Shell>) -> UiResult<Vec<sla_ledger::sla_store::claims::ClaimInfo>> {
    app::claims(&s.dir())
}

#[tauri::command]
fn audit(s: State<Shell>) -> UiResult<Vec<sla_ledger::sla_store::audit::AuditEntry>> {
    app::audit(&s.dir())
}

#[tauri::command]
fn audit_verify(s: State<Shell>) -> UiResult<sla_ledger::trust::AuditReport> {
    app::audit_verify(&s.dir())
}

#[tauri::command]
fn verify_files(
    s: State<Shell>,
    files: Vec<String>,
    trust: Vec<String>,
) -> UiResult<sla_ledger::verify::VerifyReport> {
    app::verify_files(&s.dir(), &files, &trust)
}

#[tauri::command]
fn dashboard(s: State<Shell>) -> UiResult<app::Dashboard> {
    app::dashboard(&s.dir())
}

#[tauri::command]
fn create_identity(s: State<Shell>, organisation: String) -> UiResult<String> {
    app::create_identity(&s.dir(), &organisation)
}

// ---- Governance (issue 6) ----

use sla_ledger::governance as gov;

#[tauri::command(async)]
fn slo_status(s: State<'_, Shell>) -> UiResult<gov::SloStatus> {
    gov::slo_status(&s.dir())
}

#[tauri::command]
fn slo_import(s: State<Shell>, path: String) -> UiResult<Vec<(String, i64, bool)>> {
    gov::slo_import(&s.dir(), &path)
}

#[tauri::command]
fn slo_policy(s: State<Shell>, path: String) -> UiResult<usize> {
    gov::slo_policy(&s.dir(), &path)
}

#[tauri::command]
fn slo_exception(
    s: State<Shell>,
    slo: String,
    start: String,
    end: String,
    reason: String,
    approver: String,
) -> UiResult<i64> {
    gov::slo_exception(&s.dir(), &slo, &start, &end, &reason, &approver)
}

#[tauri::command]
fn slo_export(s: State<Shell>, path: String) -> UiResult<String> {
    gov::slo_export_to(&s.dir(), &path)
}

#[tauri::command]
fn requests_import(
    s: State<Shell>,
    path: String,
    timezone: String,
    source: String,
) -> UiResult<Option<i64>> {
    gov::requests_import(&s.dir(), &path, &timezone, &source)
}

#[tauri::command(async)]
fn diligence(
    s: State<'_, Shell>,
    request: gov::DiligenceRequest,
) -> UiResult<sla_ledger::sla_governance::diligence::DiligenceReport> {
    gov::diligence(&s.dir(), &request)
}

#[tauri::command(async)]
fn export_diligence(
    s: State<'_, Shell>,
    request: gov::DiligenceRequest,
    out: Option<String>,
) -> UiResult<gov::ReportFiles> {
    gov::app_export_diligence(&s.dir(), &request, out.as_deref())
}

#[tauri::command(async)]
fn export_executive(
    s: State<'_, Shell>,
    until: String,
    months: u32,
    out: Option<String>,
) -> UiResult<gov::ReportFiles> {
    gov::app_export_executive(&s.dir(), &until, months, out.as_deref())
}

#[tauri::command(async)]
fn coverage(
    s: State<'_, Shell>,
    map: String,
    until: String,
    months: u32,
) -> UiResult<gov::CoverageOutput> {
    gov::coverage(&s.dir(), &map, &until, months)
}

#[tauri::command(async)]
fn breach_notices(
    s: State<'_, Shell>,
    period: String,
    out: Option<String>,
) -> UiResult<Vec<gov::NoticeFiles>> {
    gov::app_notices(&s.dir(), &period, out.as_deref())
}

#[tauri::command(async)]
fn two_methods(
    s: State<'_, Shell>,
    contract: String,
    sla: String,
    period: String,
) -> UiResult<sla_ledger::sla_governance::methods::TwoMethods> {
    gov::two_methods(&s.dir(), &contract, &sla, &period)
}

#[tauri::command]
fn notice_templates(s: State<Shell>) -> UiResult<gov::NoticeTemplates> {
    gov::notice_templates(&s.dir())
}

#[tauri::command]
fn save_notice_templates(s: State<Shell>, templates: gov::NoticeTemplates) -> UiResult<()> {
    gov::save_notice_templates(&s.dir(), &templates)
}

pub fn run() {
    let dir = sla_ledger::library_dir(None).unwrap_or_else(|_| PathBuf::from("sla-ledger-library"));
    tauri::Builder::default()
        .plugin(tauri_plugin_dialog::init())
        .plugin(tauri_plugin_opener::init())
        .manage(Shell {
            library: Mutex::new(dir.clone()),
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
                    .and_then(|c| app::remembered_library(&c))
                {
                    dir = p;
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
