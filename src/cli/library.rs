//! `library`: the library as a whole (issue 17).

use clap::Subcommand;
use sla_ledger::usecases::library;
use sla_ledger::AppError;

#[derive(Subcommand)]
pub enum LibraryCmd {
    /// Copy everything in a library (a folder or postgres://...) into an empty one, verifying the audit chain before and after.
    Copy {
        src: String,
        dst: String,
        #[arg(long)]
        json: bool,
    },
    /// Keep a team library's password in the OS keychain (read from standard input), so that no URL or setting holds it.
    Password { url: String },
}

pub fn run(cmd: LibraryCmd) -> Result<(), AppError> {
    match cmd {
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
                    r.head_hash.get(..16).unwrap_or(&r.head_hash),
                    r.documents
                );
                Ok(())
            }
        }
    }
}
