//! The library as a whole: `library copy SRC DST` moves a library between
//! folders and PostgreSQL databases, everything in it, verified before and
//! after (issue 17, `sla_store::copy`); `library backup` and `library
//! restore` keep it in one checksummed archive (issue 18,
//! `sla_store::backup`).

use crate::usecases::session::{open_library, Session};
use crate::AppError;
use sla_store::backup::{BackupReport, Limits, RestoreReport};
use sla_store::copy::CopyReport;
use std::path::Path;

/// Backs the session's library up into a new archive `out`.
pub fn backup(s: &Session, out: &Path) -> Result<BackupReport, AppError> {
    Ok(s.lib.backup_to(out, s.ctx.now, &s.ctx.actor)?)
}

/// Restores the archive into `dst`: a new or empty folder, or an empty
/// team library (`postgres://...`). Checked whole before anything is put
/// in place (see `sla_store::backup`).
pub fn restore(archive: &Path, dst: &str) -> Result<RestoreReport, AppError> {
    let limits = Limits::default();
    if sla_store::pg::is_url(dst) {
        let mut to = open_library(Path::new(dst.trim()))?;
        return Ok(sla_store::backup::restore_to_library(
            archive, &mut to, &limits,
        )?);
    }
    Ok(sla_store::backup::restore(
        archive,
        Path::new(dst),
        &limits,
    )?)
}

/// Copies the library at `src` (a folder or a `postgres://` URL) into the
/// empty library at `dst`.
pub fn copy(src: &str, dst: &str) -> Result<CopyReport, AppError> {
    if src.trim() == dst.trim() {
        return Err(AppError::Usage(format!(
            "library copy: source and target are both {src}"
        )));
    }
    let from = open_library(Path::new(src.trim()))?;
    let mut to = open_library(Path::new(dst.trim()))?;
    Ok(from.copy_into(&mut to)?)
}

/// Keeps the password of a team library in the OS keychain (the URL,
/// which is what Settings and `SLA_LEDGER_LIBRARY` hold, keeps none).
/// Returns the keychain account it was stored under.
pub fn store_password(url: &str, password: &str) -> Result<String, AppError> {
    if !sla_store::pg::is_url(url) {
        return Err(AppError::Usage(format!(
            "`{url}` is not a postgres:// URL: only a team library has a password"
        )));
    }
    let account = sla_store::pg::keychain_account(url.trim())?;
    sla_store::secrets::store_keychain_password(&account, password).map_err(AppError::Usage)?;
    Ok(account)
}
