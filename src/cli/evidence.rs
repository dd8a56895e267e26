//! `evidence`: what was imported, and withdrawing an import that no final
//! statement used (issue 16).

use super::output::json;
use clap::Subcommand;
use sla_ledger::usecases::evidence;
use sla_ledger::{AppError, Session};

#[derive(Subcommand)]
pub enum EvidenceCmd {
    /// Withdraw an import: its rows stop counting for month end (audited).
    /// Refused when a final statement was computed with it; drafts that
    /// used it are discarded.
    Withdraw {
        /// The import's number (`contracts show` lists them).
        import: i64,
        /// Why (kept in the audit trail).
        #[arg(long)]
        reason: String,
        #[arg(long)]
        json: bool,
    },
}

pub fn run(s: &mut Session, cmd: EvidenceCmd) -> Result<(), AppError> {
    match cmd {
        EvidenceCmd::Withdraw {
            import,
            reason,
            json: j,
        } => {
            let w = evidence::withdraw(s, import, &reason)?;
            if j {
                return json(&w);
            }
            println!(
                "withdrew import {} ({}) of {}: its rows no longer count",
                w.import_id, w.file_name, w.contract
            );
            if !w.discarded_drafts.is_empty() {
                println!(
                    "discarded the draft(s) computed with it: {}; run the month again",
                    w.discarded_drafts.join(", ")
                );
            }
        }
    }
    Ok(())
}
