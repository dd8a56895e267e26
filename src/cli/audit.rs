//! `audit`: list the chain, sign its head, verify it.

use super::output::json;
use super::table::render_rows;
use clap::Subcommand;
use sla_ledger::usecases::audit::{self, AuditReport, STATE_ANCHORED, STATE_BROKEN};
use sla_ledger::{AppError, Session};

#[derive(Subcommand)]
pub enum AuditCmd {
    /// Walk the chain, re-derive every final statement's seal and replay every
    /// claim, and check the chain against its signed heads. Exit 0: intact and
    /// anchored; 3: broken; 4: intact but not (fully) covered by a trusted
    /// signed head.
    Verify {
        /// Also trust this organisation certificate for the signed heads (PEM); repeatable.
        #[arg(long = "trust", value_name = "FILE")]
        trust: Vec<String>,
        #[arg(long)]
        json: bool,
    },
    /// Sign the chain's current head with the library's identity.
    Checkpoint {
        #[arg(long)]
        json: bool,
    },
    List {
        #[arg(long, default_value_t = 50)]
        limit: i64,
        #[arg(long)]
        json: bool,
    },
}

pub fn run(s: &mut Session, cmd: AuditCmd) -> Result<(), AppError> {
    match cmd {
        AuditCmd::Verify { trust, json: j } => {
            let v = audit::verify(s, &trust)?;
            if j {
                json(&v)?;
            } else {
                print_audit(&v);
            }
            return match v.state.as_str() {
                STATE_ANCHORED => Ok(()),
                STATE_BROKEN => Err(AppError::Integrity(
                    "the audit chain does not verify".into(),
                )),
                _ => Err(AppError::Untrusted(
                    "the audit chain is intact but not covered by a trusted signed head".into(),
                )),
            };
        }
        AuditCmd::Checkpoint { json: j } => {
            let a = audit::checkpoint(s)?;
            if j {
                json(&a)?;
            } else {
                match a {
                    Some(a) => println!(
                        "signed the audit chain's head: entry {}, hash {}, at {}",
                        a.seq, a.hash, a.at
                    ),
                    None => println!("the chain's head is already signed (or the chain is empty)"),
                }
            }
        }
        AuditCmd::List { limit, json: j } => {
            let rows = audit::list(s, limit)?;
            if j {
                json(&rows)?;
            } else {
                let body = rows
                    .iter()
                    .map(|a| {
                        vec![
                            a.seq.to_string(),
                            a.at.clone(),
                            a.actor.clone(),
                            a.action.clone(),
                            a.subject.clone(),
                        ]
                    })
                    .collect();
                print!(
                    "{}",
                    render_rows(&["#", "At", "Actor", "Action", "Subject"], body, &[])
                );
            }
        }
    }
    Ok(())
}

fn print_audit(v: &AuditReport) {
    if v.chain.ok {
        println!(
            "audit chain intact: {} entries; {} sealed statement(s) re-derived and {} claim(s) replayed, all as the chain records them",
            v.chain.entries, v.chain.statements_checked, v.chain.claims_checked
        );
    } else {
        println!("AUDIT CHAIN BROKEN:");
    }
    for p in &v.chain.problems {
        println!("  - {p}");
    }
    match v.anchored_through {
        Some(seq) => println!(
            "signed heads: {} checked, the newest vouching for entries 1..{seq}; signed by {}",
            v.heads_checked,
            v.head_signers.join(", ")
        ),
        None => println!("signed heads: none trusted"),
    }
    if v.test_clock {
        println!(
            "note: this library runs on a test clock (SLA_LEDGER_NOW): its times are not real"
        );
    }
    println!("state: {}", v.state);
}
