//! The library as a whole: `library copy SRC DST` moves a library between
//! folders and PostgreSQL databases, everything in it, verified before and
//! after (issue 17, `sla_store::copy`); `library backup` and `library
//! restore` keep it in one checksummed archive (issue 18,
//! `sla_store::backup`).

use crate::usecases::session::{open_library, Session};
use crate::AppError;
use sla_store::backup::{BackupReport, Limits, RestoreReport};
use sla_store::copy::CopyReport;
use sla_store::crypt;
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
/// empty library at `dst`. The copy of an encrypted library into a new
/// folder is encrypted too, under the same passphrase: a copy must not be
/// the way data leaves the data room in clear.
pub fn copy(src: &str, dst: &str) -> Result<CopyReport, AppError> {
    if src.trim() == dst.trim() {
        return Err(AppError::Usage(format!(
            "library copy: source and target are both {src}"
        )));
    }
    let from = open_library(Path::new(src.trim()))?;
    let target = Path::new(dst.trim());
    if from.is_encrypted()
        && !sla_store::pg::is_url(dst)
        && !target.join(sla_store::DB_FILE).exists()
        && !crypt::is_encrypted(target)
    {
        std::fs::create_dir_all(target).map_err(|source| AppError::WriteFile {
            path: target.display().to_string(),
            source,
        })?;
        let key = target.join(crypt::KEY_FILE);
        std::fs::copy(from.dir().join(crypt::KEY_FILE), &key).map_err(|source| {
            AppError::WriteFile {
                path: key.display().to_string(),
                source,
            }
        })?;
    }
    let mut to = open_library(target)?;
    Ok(from.copy_into(&mut to)?)
}

/// What `library create` made.
#[derive(Debug, Clone, serde::Serialize, ts_rs::TS)]
#[ts(export)]
pub struct CreatedLibrary {
    pub location: String,
    pub encrypted: bool,
}

/// Creates a new library in the folder `dir`: encrypted (issue 18) when a
/// passphrase is given, plain otherwise. A folder that already holds a
/// library is refused, and a team library is encrypted by its server
/// (TLS, the disk), not by us.
pub fn create(dir: &Path, passphrase: Option<&str>) -> Result<CreatedLibrary, AppError> {
    let location = dir.to_string_lossy();
    if sla_store::pg::is_url(&location) {
        return Err(AppError::Usage(if passphrase.is_some() {
            "--encrypted is for a library folder: a team library on PostgreSQL is protected by its server (TLS, encrypted disks, grants)".into()
        } else {
            "a team library is created by opening its empty database (`--library postgres://...`)"
                .into()
        }));
    }
    if dir.join(sla_store::DB_FILE).exists() || crypt::is_encrypted(dir) {
        return Err(AppError::invalid(
            crate::Code::Conflict,
            format!("{} already holds a library", dir.display()),
        ));
    }
    if let Some(pass) = passphrase {
        crypt::create(dir, pass)?;
    }
    let lib = open_library(dir)?;
    Ok(CreatedLibrary {
        location: lib.location().to_string(),
        encrypted: lib.is_encrypted(),
    })
}

/// Changes an encrypted library's passphrase (its data keys stay; one
/// small file is rewritten atomically). The old passphrase is required.
/// Returns whether a passphrase kept in the keychain was replaced too.
pub fn rekey(dir: &Path, old: &str, new: &str) -> Result<bool, AppError> {
    if !crypt::is_encrypted(dir) {
        return Err(AppError::Usage(format!(
            "the library at {} is not encrypted: there is no passphrase to change",
            dir.display()
        )));
    }
    Ok(crypt::rekey(dir, old, new)?)
}

/// Unlocks an encrypted library for this process (the app's unlock
/// screen), and keeps the passphrase in the OS keychain if asked.
pub fn unlock(dir: &Path, pass: &str, remember: bool) -> Result<(), AppError> {
    if remember {
        crypt::remember_in_keychain(dir, pass)?;
    } else {
        crypt::unlock(dir, pass)?;
    }
    Ok(())
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
