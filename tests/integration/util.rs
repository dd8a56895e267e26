//! Helpers shared by the integration tests.

use rust_decimal::Decimal;
use serde_json::Value;
use std::str::FromStr;

/// A decimal string in the form the result uses (no exponent).
fn as_decimal(v: &Value) -> Option<Decimal> {
    let s = v.as_str()?;
    let ok = !s.is_empty()
        && s.trim_start_matches('-')
            .chars()
            .all(|c| c.is_ascii_digit() || c == '.');
    ok.then(|| Decimal::from_str(s).ok()).flatten()
}

/// Checks that every key of `expected` is in `actual` with an equal value;
/// decimal strings compare as numbers (`"1250"` equals `"1250.00"`). Returns
/// the differences, each with its JSON path.
pub fn subset_diff(expected: &Value, actual: &Value, path: &str, out: &mut Vec<String>) {
    match (expected, actual) {
        (Value::Object(e), Value::Object(a)) => {
            for (k, ev) in e {
                match a.get(k) {
                    Some(av) => subset_diff(ev, av, &format!("{path}.{k}"), out),
                    None => out.push(format!("{path}.{k}: missing (expected {ev})")),
                }
            }
        }
        (Value::Array(e), Value::Array(a)) => {
            if e.len() != a.len() {
                out.push(format!("{path}: {} items, expected {}", a.len(), e.len()));
            }
            for (i, (ev, av)) in e.iter().zip(a).enumerate() {
                subset_diff(ev, av, &format!("{path}[{i}]"), out);
            }
        }
        _ => {
            let same = match (as_decimal(expected), as_decimal(actual)) {
                (Some(x), Some(y)) => x == y,
                _ => expected == actual,
            };
            if !same {
                out.push(format!("{path}: got {actual}, expected {expected}"));
            }
        }
    }
}

/// A fresh folder for a test: `{tmp}/sla-ledger-tests-{pid}/{name}`. A
/// run's folders stay for a look after a failure, until the next run of
/// the suite removes those of runs that have ended: each run used to leave
/// its own (1.5 GB of them, counted in /tmp one day).
pub fn temp_dir(name: &str) -> std::path::PathBuf {
    static SWEEP: std::sync::Once = std::sync::Once::new();
    SWEEP.call_once(sweep_ended_runs);
    let d = std::env::temp_dir()
        .join(format!("{RUN_PREFIX}{}", std::process::id()))
        .join(name);
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

const RUN_PREFIX: &str = "sla-ledger-tests-";

/// Removes the folders of test runs whose process has ended (on Linux,
/// where /proc says so; elsewhere nothing is removed).
fn sweep_ended_runs() {
    if !cfg!(target_os = "linux") {
        return;
    }
    let Ok(entries) = std::fs::read_dir(std::env::temp_dir()) else {
        return;
    };
    for e in entries.flatten() {
        let name = e.file_name();
        let pid = name
            .to_str()
            .and_then(|n| n.strip_prefix(RUN_PREFIX))
            .and_then(|p| p.parse::<u32>().ok());
        if let Some(pid) = pid {
            let ended = !std::path::Path::new(&format!("/proc/{pid}")).exists();
            if pid != std::process::id() && ended {
                let _ = std::fs::remove_dir_all(e.path());
            }
        }
    }
}

pub fn bin() -> std::process::Command {
    std::process::Command::new(env!("CARGO_BIN_EXE_sla-ledger"))
}

use sla_ledger::sla_store::{Ctx, Library};
use sla_ledger::usecases::{audit, evidence, files, statements};
use sla_ledger::{AppError, Session};
use std::sync::atomic::{AtomicBool, Ordering};

/// A session on the library a test holds open (a second connection to the
/// same file), acting as `ctx`: the tests drive the use cases as the CLI
/// and the app do, and keep checking the store directly.
pub fn session(lib: &Library, ctx: &Ctx) -> Session {
    Session::new(lib.reopen().unwrap(), ctx.clone())
}

/// A session on the library in `dir` for the app's use cases: the actor is
/// chosen as the app chooses it (environment, Settings, login).
pub fn app(dir: &std::path::Path) -> Session {
    Session::open(dir, None).unwrap()
}

/// An import as the tests describe it.
pub struct ImportRequest<'a> {
    pub file: &'a str,
    pub source_label: &'a str,
    pub contract: Option<&'a str>,
    pub kind: Option<sla_ledger::sla_import::Kind>,
}

/// The use cases the tests call on a library they hold.
pub trait UseCases {
    fn uc_import(
        &self,
        ctx: &Ctx,
        req: &ImportRequest<'_>,
        progress: &mut dyn FnMut(sla_ledger::sla_store::evidence::Progress) -> bool,
    ) -> Result<sla_ledger::sla_store::evidence::ImportOutcome, AppError>;
    fn uc_run(
        &self,
        ctx: &Ctx,
        period: &str,
        contract: Option<&str>,
    ) -> Result<Vec<sla_ledger::sla_store::statements::RunOutcome>, AppError>;
    fn uc_compute(
        &self,
        contract: &str,
        period: &str,
    ) -> Result<
        (
            i64,
            sla_ledger::sla_engine::Terms,
            sla_ledger::sla_engine::ResultDoc,
            serde_json::Value,
        ),
        AppError,
    >;
    fn uc_finalize(
        &self,
        ctx: &Ctx,
        period: &str,
        contract: Option<&str>,
    ) -> Result<Vec<sla_ledger::sla_store::statements::StatementInfo>, AppError>;
    fn uc_restate(
        &self,
        ctx: &Ctx,
        key: &str,
        reason: &str,
    ) -> Result<sla_ledger::sla_store::statements::StatementInfo, AppError>;
    fn uc_export(
        &self,
        ctx: &Ctx,
        key: &str,
        out: &std::path::Path,
    ) -> Result<files::ExportedFiles, AppError>;
    fn uc_audit_verify(&self) -> Result<audit::AuditReport, AppError>;
}

impl UseCases for Library {
    fn uc_import(
        &self,
        ctx: &Ctx,
        req: &ImportRequest<'_>,
        progress: &mut dyn FnMut(sla_ledger::sla_store::evidence::Progress) -> bool,
    ) -> Result<sla_ledger::sla_store::evidence::ImportOutcome, AppError> {
        let what = evidence::ImportFile {
            file: req.file,
            source: req.source_label,
            contract: req.contract,
            kind: req.kind.map(|k| k.name()),
            mapping: None,
            preset: None,
        };
        let cancel = AtomicBool::new(false);
        evidence::import(&mut session(self, ctx), &what, &cancel, &mut |p| {
            if !progress(p) {
                cancel.store(true, Ordering::SeqCst)
            }
        })
    }

    fn uc_run(
        &self,
        ctx: &Ctx,
        period: &str,
        contract: Option<&str>,
    ) -> Result<Vec<sla_ledger::sla_store::statements::RunOutcome>, AppError> {
        let never = AtomicBool::new(false);
        statements::run(
            &mut session(self, ctx),
            period,
            contract,
            &never,
            &mut |_| {},
        )
    }

    fn uc_compute(
        &self,
        contract: &str,
        period: &str,
    ) -> Result<
        (
            i64,
            sla_ledger::sla_engine::Terms,
            sla_ledger::sla_engine::ResultDoc,
            serde_json::Value,
        ),
        AppError,
    > {
        let c = statements::compute_stored(self, contract, period)?;
        Ok((c.version_id, c.terms, c.doc, c.inputs))
    }

    fn uc_finalize(
        &self,
        ctx: &Ctx,
        period: &str,
        contract: Option<&str>,
    ) -> Result<Vec<sla_ledger::sla_store::statements::StatementInfo>, AppError> {
        statements::finalize(&mut session(self, ctx), period, contract)
    }

    fn uc_restate(
        &self,
        ctx: &Ctx,
        key: &str,
        reason: &str,
    ) -> Result<sla_ledger::sla_store::statements::StatementInfo, AppError> {
        statements::restate(&mut session(self, ctx), key, reason)
    }

    fn uc_export(
        &self,
        ctx: &Ctx,
        key: &str,
        out: &std::path::Path,
    ) -> Result<files::ExportedFiles, AppError> {
        files::export_statement(&mut session(self, ctx), key, out)
    }

    fn uc_audit_verify(&self) -> Result<audit::AuditReport, AppError> {
        audit::verify(
            &session(self, &sla_ledger::context(Some("auditor")).unwrap()),
            &[],
        )
    }
}

/// A raw SQLite connection to the library in `dir`, under its key when it
/// is encrypted (the suite's encrypted pass, issue 18): for the tests that
/// go around the library's API to prove the database itself refuses.
pub fn raw_db(dir: &std::path::Path) -> rusqlite::Connection {
    use sla_ledger::sla_store::crypt;
    let c = rusqlite::Connection::open(dir.join("library.sqlite3")).unwrap();
    if crypt::is_encrypted(dir) {
        c.execute_batch(&crypt::pragma_key(&crypt::keys_for(dir).unwrap()))
            .unwrap();
    }
    c
}

/// True in the suite's encrypted pass (`SLA_LEDGER_ENCRYPT_NEW=1`): every
/// library the tests make is encrypted.
pub fn encrypted_pass() -> bool {
    std::env::var("SLA_LEDGER_ENCRYPT_NEW").as_deref() == Ok("1")
}
