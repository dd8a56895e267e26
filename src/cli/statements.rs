//! `statements`: run, list, show, finalize, export, discard, restate.

use super::output::json;
use super::table::{grouped, render_rows};
use clap::Subcommand;
use sla_ledger::sla_store::statements::StatementInfo;
use sla_ledger::usecases::statements::{self, ExportRequest};
use sla_ledger::{AppError, Session};
use std::sync::atomic::AtomicBool;

#[derive(Subcommand)]
pub enum StatementsCmd {
    /// Compute drafts for every contract active in a month.
    Run {
        #[arg(long)]
        period: String,
        #[arg(long)]
        contract: Option<String>,
        #[arg(long)]
        json: bool,
    },
    List {
        #[arg(long)]
        period: Option<String>,
        #[arg(long)]
        contract: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Show a statement by id or number.
    Show {
        statement: String,
        #[arg(long)]
        json: bool,
        #[arg(long)]
        trace: bool,
    },
    /// Freeze the month's drafts (or one contract's).
    Finalize {
        #[arg(long)]
        period: String,
        #[arg(long)]
        contract: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Write PDF and XLSX for every statement of a month (finals certified, with a signed manifest).
    Export {
        #[arg(long)]
        period: String,
        #[arg(long)]
        out: String,
        #[arg(long)]
        contract: Option<String>,
        /// Also drafts and superseded statements (default: final ones).
        #[arg(long)]
        all: bool,
        #[arg(long)]
        json: bool,
    },
    /// Delete a draft statement (audited); a final one is restated instead.
    Discard {
        statement: String,
        #[arg(long)]
        json: bool,
    },
    /// Correct a final statement: a new final one supersedes it.
    Restate {
        statement: String,
        #[arg(long)]
        reason: String,
        #[arg(long)]
        json: bool,
    },
}

fn statement_rows(rows: &[StatementInfo]) -> String {
    let body = rows
        .iter()
        .map(|s| {
            vec![
                s.number.clone(),
                s.period.clone(),
                s.status.as_str().to_uppercase(),
                s.version.to_string(),
                if s.breached {
                    "YES".into()
                } else {
                    "no".into()
                },
                format!("{} {}", s.currency, grouped(&s.total)),
                s.claim_deadline.clone().unwrap_or_else(|| "-".into()),
            ]
        })
        .collect();
    render_rows(
        &[
            "Statement",
            "Period",
            "Status",
            "Terms v",
            "Breached",
            "Total",
            "Claim deadline",
        ],
        body,
        &[5],
    )
}

pub fn run(s: &mut Session, cmd: StatementsCmd) -> Result<(), AppError> {
    let never = AtomicBool::new(false);
    match cmd {
        StatementsCmd::Discard { statement, json: j } => {
            let gone = statements::discard(s, &statement)?;
            if j {
                return json(&gone);
            }
            println!(
                "discarded draft {} ({} {}, total {} {}); run the month again to recompute it",
                gone.number, gone.contract, gone.period, gone.currency, gone.total
            );
        }
        StatementsCmd::Run {
            period,
            contract,
            json: j,
        } => {
            let out = statements::run(s, &period, contract.as_deref(), &never, &mut |_| {})?;
            if j {
                return json(&out);
            }
            let done: Vec<_> = out.iter().filter_map(|o| o.statement.clone()).collect();
            print!("{}", statement_rows(&done));
            for o in out.iter().filter(|o| o.problem.is_some()) {
                eprintln!(
                    "{}: {}",
                    o.contract,
                    o.problem.as_deref().unwrap_or_default()
                );
            }
            println!(
                "{} draft statement(s) for {period}; {} contract(s) not drafted.",
                done.len(),
                out.len() - done.len()
            );
        }
        StatementsCmd::List {
            period,
            contract,
            json: j,
        } => {
            let rows = statements::list(s, period.as_deref(), contract.as_deref())?;
            if j {
                return json(&rows);
            }
            print!("{}", statement_rows(&rows));
        }
        StatementsCmd::Show {
            statement,
            json: j,
            trace,
        } => show(s, &statement, j, trace)?,
        StatementsCmd::Finalize {
            period,
            contract,
            json: j,
        } => {
            let done = statements::finalize(s, &period, contract.as_deref())?;
            if j {
                return json(&done);
            }
            print!("{}", statement_rows(&done));
            println!("{} statement(s) finalized; they can no longer change (a correction is a restatement).", done.len());
        }
        StatementsCmd::Export {
            period,
            out,
            contract,
            all,
            json: j,
        } => {
            let req = ExportRequest {
                period: &period,
                out: Some(&out),
                contract: contract.as_deref(),
                all,
            };
            let quiet = j;
            let r = statements::export(s, &req, &never, &mut |p| {
                if !quiet && p.done < p.total {
                    eprintln!("[{}/{}] exporting {}", p.done + 1, p.total, p.current);
                }
            })?;
            if j {
                json(&r)?;
            } else {
                for f in &r.exported {
                    println!("{}  {}  {}", f.status, f.pdf.display(), f.xlsx.display());
                }
                for f in &r.failed {
                    eprintln!("FAILED {}: {}", f.statement, f.error);
                }
                println!(
                    "{} statement(s) exported to {out}; {} failed.",
                    r.exported.len(),
                    r.failed.len()
                );
            }
            r.check()?;
        }
        StatementsCmd::Restate {
            statement,
            reason,
            json: j,
        } => {
            let st = statements::restate(s, &statement, &reason)?;
            if j {
                return json(&st);
            }
            print!("{}", statement_rows(std::slice::from_ref(&st)));
            println!(
                "{} supersedes statement id {}.",
                st.number,
                st.supersedes.unwrap_or_default()
            );
        }
    }
    Ok(())
}

fn show(s: &Session, key: &str, as_json: bool, trace: bool) -> Result<(), AppError> {
    let st = statements::show(s, key)?;
    if as_json {
        return json(&st);
    }
    let info = &st.info;
    println!(
        "Statement {} - {} ({})",
        info.number,
        info.status.as_str().to_uppercase(),
        info.period
    );
    println!(
        "Terms version {}; data cut-off {}; engine {}{}",
        info.version,
        info.data_cutoff,
        info.engine_version,
        info.sha256
            .as_ref()
            .map(|h| format!("; sha256 {h}"))
            .unwrap_or_default()
    );
    if let Some(r) = &info.restatement_reason {
        println!(
            "Restates statement id {} because: {r}",
            info.supersedes.unwrap_or_default()
        );
    }
    if let Some(by) = info.superseded_by {
        println!("SUPERSEDED by statement id {by}");
    }
    let terms = sla_ledger::usecases::contracts::terms(s, &info.contract, Some(info.version))?;
    print!("\n{}", super::table::render(&terms, &st.result, trace));
    if let Some(ch) = &st.result.chronic {
        println!(
            "Chronic breach: {} of the last {} month(s) breached (termination right at {}): {}",
            ch["breached_periods"],
            ch["within_months"],
            ch["required"],
            if ch["met"] == true { "MET" } else { "not met" }
        );
    }
    if trace {
        // Where the contract says each term used (issue 18).
        let src = sla_ledger::usecases::clauses::sources(s, &info.contract, Some(info.version))?;
        if src.linked.is_empty() {
            println!(
                "\nNo term of version {} is linked to a clause (contracts link).",
                info.version
            );
        } else {
            println!("\nWhere the contract says so:");
            for l in &src.linked {
                println!(
                    "  {} {} - {}, p. {}: \"{}\"",
                    l.key, l.value, l.document, l.page, l.quote
                );
            }
            if !src.unsourced.is_empty() {
                println!(
                    "  ({} term(s) without a clause: {})",
                    src.unsourced.len(),
                    src.unsourced.join(", ")
                );
            }
        }
    }
    Ok(())
}
