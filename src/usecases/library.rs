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

/// How a copy or a restore treats encryption (issue 18): `encrypt` makes
/// the target a new encrypted library under that passphrase (fresh keys);
/// `decrypt` allows a plain copy of an encrypted library, which is
/// otherwise refused.
#[derive(Debug, Default, Clone, Copy)]
pub struct Sealing<'a> {
    pub encrypt: Option<&'a str>,
    pub decrypt: bool,
}

/// Restores the archive into `dst`: a new or empty folder, or an empty
/// team library (`postgres://...`). Checked whole before anything is put
/// in place (see `sla_store::backup`). A folder becomes a new encrypted
/// library when asked (`--encrypted`) or, for the backup of a plain
/// library, when this machine's policy says every new library is.
pub fn restore(archive: &Path, dst: &str, sealing: Sealing<'_>) -> Result<RestoreReport, AppError> {
    let limits = Limits::default();
    if sla_store::pg::is_url(dst) {
        if sealing.encrypt.is_some() {
            return Err(team_not_encrypted());
        }
        let mut to = open_library(Path::new(dst.trim()))?;
        return Ok(sla_store::backup::restore_to_library(
            archive,
            &mut to,
            &limits,
            sealing.decrypt,
        )?);
    }
    let target = Path::new(dst);
    let pass = match sealing.encrypt {
        Some(p) => Some(new_passphrase(p)?.to_string()),
        None if !sla_store::backup::is_sealed(archive)? => crypt::new_library_passphrase()?,
        None => None,
    };
    let Some(pass) = pass else {
        return Ok(sla_store::backup::restore(archive, target, &limits)?);
    };
    // Into a new encrypted library: checked in a staging folder, then
    // copied in (fresh keys); on failure the new folder goes again.
    let existed = target.exists();
    if existed
        && std::fs::read_dir(target)
            .map(|mut d| d.next().is_some())
            .unwrap_or(true)
    {
        return Err(AppError::invalid(
            crate::Code::Conflict,
            format!(
                "{} is not empty: a backup is restored only into a new or empty folder",
                target.display()
            ),
        ));
    }
    crypt::create(target, &pass)?;
    let out = open_library(target).and_then(|mut to| {
        Ok(sla_store::backup::restore_to_library(
            archive, &mut to, &limits, false,
        )?)
    });
    if out.is_err() {
        let _ = match existed {
            true => clear_folder(target),
            false => std::fs::remove_dir_all(target),
        };
    }
    out
}

fn clear_folder(dir: &Path) -> std::io::Result<()> {
    for e in std::fs::read_dir(dir)? {
        let p = e?.path();
        if p.is_dir() {
            std::fs::remove_dir_all(&p)?;
        } else {
            std::fs::remove_file(&p)?;
        }
    }
    Ok(())
}

fn team_not_encrypted() -> AppError {
    AppError::Usage(
        "--encrypted is for a library folder: a team library on PostgreSQL is protected by its server (TLS, encrypted disks, grants)".into(),
    )
}

/// A passphrase for a new encrypted library: long enough to be one.
fn new_passphrase(p: &str) -> Result<&str, AppError> {
    if p.chars().count() < 8 {
        return Err(AppError::invalid(
            crate::Code::Value,
            "a passphrase has at least 8 characters (a few words are better than one)",
        ));
    }
    Ok(p)
}

/// Copies the library at `src` (a folder or a `postgres://` URL) into the
/// empty library at `dst`. The copy of an encrypted library must be
/// encrypted too (`--encrypted`: a new library with keys of its own, which
/// is how keys are rotated; or an encrypted library made already), unless
/// `--decrypt` says a plain copy is meant.
pub fn copy(src: &str, dst: &str, sealing: Sealing<'_>) -> Result<CopyReport, AppError> {
    if src.trim() == dst.trim() {
        return Err(AppError::Usage(format!(
            "library copy: source and target are both {src}"
        )));
    }
    let from = open_library(Path::new(src.trim()))?;
    let target = Path::new(dst.trim());
    let team = sla_store::pg::is_url(dst);
    let new_folder =
        !team && !target.join(sla_store::DB_FILE).exists() && !crypt::is_encrypted(target);
    if let Some(pass) = sealing.encrypt {
        if team {
            return Err(team_not_encrypted());
        }
        if !new_folder {
            return Err(AppError::invalid(
                crate::Code::Conflict,
                format!(
                    "{} already holds a library: --encrypted makes a new one",
                    target.display()
                ),
            ));
        }
        crypt::create(target, new_passphrase(pass)?)?;
    } else if from.is_encrypted() && !sealing.decrypt {
        let sealed_target = crypt::is_encrypted(target)
            || (new_folder && crypt::new_library_passphrase()?.is_some());
        if !sealed_target {
            return Err(AppError::invalid(
                crate::Code::Conflict,
                format!(
                    "{} is encrypted, so its copy must be too: give --encrypted (a passphrase for the copy, which gets keys of its own), or --decrypt to make a plain copy on purpose",
                    from.location()
                ),
            ));
        }
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
        crypt::create(dir, new_passphrase(pass)?)?;
    }
    let lib = open_library(dir)?;
    Ok(CreatedLibrary {
        location: lib.location().to_string(),
        encrypted: lib.is_encrypted(),
    })
}

/// Changes an encrypted library's passphrase (its data keys stay; one
/// small file is rewritten atomically). The old passphrase is required.
/// Says what became of a passphrase kept in the keychain.
pub fn rekey(dir: &Path, old: &str, new: &str) -> Result<crypt::KeptPassphrase, AppError> {
    if !crypt::is_encrypted(dir) {
        return Err(AppError::Usage(format!(
            "the library at {} is not encrypted: there is no passphrase to change",
            dir.display()
        )));
    }
    Ok(crypt::rekey(dir, old, new_passphrase(new)?)?)
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
