//! `library`: the library as a whole (issue 17).

use clap::Subcommand;
use sla_ledger::sla_store::crypt::{KeptPassphrase, PASSPHRASE_ENV};
use sla_ledger::usecases::library;
use sla_ledger::usecases::session::Session;
use sla_ledger::AppError;

fn short(hash: &str) -> &str {
    hash.get(..16).unwrap_or(hash)
}

#[derive(Subcommand)]
pub enum LibraryCmd {
    /// Copy everything in a library (a folder or postgres://...) into an empty one, verifying the audit chain before and after.
    Copy {
        src: String,
        dst: String,
        #[arg(long)]
        json: bool,
        /// Make the copy a new encrypted library with keys of its own (a passphrase asked twice, or SLA_LEDGER_NEW_PASSPHRASE).
        #[arg(long, conflicts_with = "decrypt")]
        encrypted: bool,
        /// Allow a plain copy of an encrypted library (refused otherwise).
        #[arg(long)]
        decrypt: bool,
    },
    /// Back the library (--library) up into one checksummed archive FILE: the database, every attached document, and a manifest of hashes.
    Backup {
        file: std::path::PathBuf,
        #[arg(long)]
        json: bool,
    },
    /// Restore a backup archive into DIR (a new or empty folder) or an empty postgres:// library, after checking every hash, the database's integrity and the audit chain.
    Restore {
        file: std::path::PathBuf,
        dst: String,
        #[arg(long)]
        json: bool,
        /// Restore into a new encrypted library with keys of its own (a passphrase asked twice, or SLA_LEDGER_NEW_PASSPHRASE).
        #[arg(long, conflicts_with = "decrypt")]
        encrypted: bool,
        /// Allow restoring an encrypted library's backup into a plain team library.
        #[arg(long)]
        decrypt: bool,
    },
    /// Keep a team library's password in the OS keychain (read from standard input), so that no URL or setting holds it.
    Password { url: String },
    /// Create a new library in the folder --library; --encrypted encrypts the database (SQLCipher) and documents (AES-256-GCM) under a passphrase (asked twice in a terminal, else the first line of standard input, or SLA_LEDGER_PASSPHRASE).
    Create {
        #[arg(long)]
        encrypted: bool,
    },
    /// Change an encrypted library's passphrase: the old one as when opening, the new one asked twice (or SLA_LEDGER_NEW_PASSPHRASE, or the first line of standard input).
    Rekey,
    /// Check an encrypted library's passphrase; with --remember keep it in the OS keychain so that this user is not asked again.
    Unlock {
        #[arg(long)]
        remember: bool,
    },
}

/// The passphrase of a new encrypted library when `wanted` (`--encrypted`
/// of copy and restore).
fn new_library_passphrase(wanted: bool) -> Result<Option<String>, AppError> {
    match wanted {
        true => passphrase(
            "SLA_LEDGER_NEW_PASSPHRASE",
            "passphrase of the new library",
            true,
        )
        .map(Some),
        false => Ok(None),
    }
}

/// A passphrase from `env`, else asked (twice when `confirm`) in a
/// terminal, else the first line of standard input.
fn passphrase(env: &str, what: &str, confirm: bool) -> Result<String, AppError> {
    use std::io::IsTerminal;
    if let Some(p) = std::env::var(env).ok().filter(|p| !p.is_empty()) {
        return Ok(p);
    }
    let read = |prompt: &str| -> Result<String, AppError> {
        if std::io::stdin().is_terminal() {
            rpassword::prompt_password(prompt)
                .map_err(|e| AppError::Usage(format!("cannot read the {what}: {e}")))
        } else {
            let mut line = String::new();
            std::io::stdin()
                .read_line(&mut line)
                .map_err(|e| AppError::Usage(format!("cannot read the {what}: {e}")))?;
            Ok(line.trim_end_matches(['\r', '\n']).to_string())
        }
    };
    let first = read(&format!("{what}: "))?;
    if first.is_empty() {
        return Err(AppError::Usage(format!("the {what} is empty")));
    }
    if confirm && std::io::stdin().is_terminal() && read(&format!("{what} again: "))? != first {
        return Err(AppError::Usage(format!(
            "the two {what}s differ; nothing was changed"
        )));
    }
    Ok(first)
}

pub fn run(
    cmd: LibraryCmd,
    location: Option<&str>,
    open: impl FnOnce() -> Result<Session, AppError>,
) -> Result<(), AppError> {
    match cmd {
        LibraryCmd::Create { encrypted } => {
            let dir = sla_ledger::library_dir(location)?;
            let pass = match encrypted {
                true => Some(passphrase(PASSPHRASE_ENV, "new passphrase", true)?),
                false => None,
            };
            let r = library::create(&dir, pass.as_deref())?;
            match r.encrypted {
                true => println!("created an encrypted library in {} (keep its passphrase safe: without it the library cannot be read)", r.location),
                false => println!("created a library in {}", r.location),
            }
            Ok(())
        }
        LibraryCmd::Rekey => {
            let dir = sla_ledger::library_dir(location)?;
            let old = passphrase(PASSPHRASE_ENV, "current passphrase", false)?;
            let new = passphrase("SLA_LEDGER_NEW_PASSPHRASE", "new passphrase", true)?;
            let kept = library::rekey(&dir, &old, &new)?;
            println!(
                "the passphrase of {} is changed (its data keys, database and documents are unchanged){}",
                dir.display(),
                match &kept {
                    KeptPassphrase::None => String::new(),
                    KeptPassphrase::Replaced => "; the OS keychain holds the new one".into(),
                    KeptPassphrase::Stale(e) => format!("; but the OS keychain still holds the old one ({e}): run `library unlock --remember`"),
                }
            );
            Ok(())
        }
        LibraryCmd::Unlock { remember } => {
            let dir = sla_ledger::library_dir(location)?;
            let pass = passphrase(PASSPHRASE_ENV, "passphrase", false)?;
            library::unlock(&dir, &pass, remember)?;
            match remember {
                true => println!(
                    "the passphrase unlocks {}; kept in the OS keychain",
                    dir.display()
                ),
                false => println!("the passphrase unlocks {}", dir.display()),
            }
            Ok(())
        }
        LibraryCmd::Backup { file, json } => {
            let r = library::backup(&open()?, &file)?;
            if json {
                return super::output::json(&r);
            }
            let m = &r.manifest;
            println!(
                "wrote {} ({} bytes, SHA-256 {})",
                r.file, r.bytes, r.archive_sha256
            );
            println!(
                "  {} audit entries (head {}), {} document(s), content digest {}",
                m.audit_entries,
                short(&m.head_hash),
                m.documents,
                short(&m.content_sha256)
            );
            Ok(())
        }
        LibraryCmd::Restore {
            file,
            dst,
            json,
            encrypted,
            decrypt,
        } => {
            let pass = new_library_passphrase(encrypted)?;
            let sealing = library::Sealing {
                encrypt: pass.as_deref(),
                decrypt,
            };
            let r = library::restore(&file, &dst, sealing)?;
            if json {
                return super::output::json(&r);
            }
            let m = &r.manifest;
            println!("restored {} into {}", file.display(), r.location);
            println!(
                "  backed up {} by {} from {}",
                m.created_at, m.created_by, m.source
            );
            println!(
                "  {} audit entries verify (head {}), {} document(s), content digest {} as backed up",
                m.audit_entries,
                short(&m.head_hash),
                m.documents,
                short(&m.content_sha256)
            );
            Ok(())
        }
        LibraryCmd::Password { url } => {
            let mut password = String::new();
            std::io::stdin()
                .read_line(&mut password)
                .map_err(|e| AppError::Usage(format!("cannot read the password: {e}")))?;
            let account = library::store_password(&url, password.trim_end_matches(['\r', '\n']))?;
            println!("stored in the OS keychain as {account} (service sla-ledger)");
            Ok(())
        }
        LibraryCmd::Copy {
            src,
            dst,
            json,
            encrypted,
            decrypt,
        } => {
            let pass = new_library_passphrase(encrypted)?;
            let sealing = library::Sealing {
                encrypt: pass.as_deref(),
                decrypt,
            };
            let r = library::copy(&src, &dst, sealing)?;
            if json {
                super::output::json(&r)
            } else {
                for (table, n) in &r.tables {
                    if *n > 0 {
                        println!("{table:<22} {n:>8}");
                    }
                }
                println!(
                    "copied: {} audit entries (head {}), {} document(s); the chain verifies in both",
                    r.audit_entries,
                    short(&r.head_hash),
                    r.documents
                );
                Ok(())
            }
        }
    }
}
