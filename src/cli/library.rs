//! `library`: the library as a whole (issue 17).

use clap::Subcommand;
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
    },
    /// Keep a team library's password in the OS keychain (read from standard input), so that no URL or setting holds it.
    Password { url: String },
}

pub fn run(
    cmd: LibraryCmd,
    open: impl FnOnce() -> Result<Session, AppError>,
) -> Result<(), AppError> {
    match cmd {
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
        LibraryCmd::Restore { file, dst, json } => {
            let r = library::restore(&file, &dst)?;
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
        LibraryCmd::Copy { src, dst, json } => {
            let r = library::copy(&src, &dst)?;
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
