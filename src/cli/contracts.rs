//! `contracts`: add, list, show, amend, export, diff, attach, and a
//! calendar's holidays from an iCalendar feed.

use super::output::{json, write_out};
use super::table::{grouped, render_rows};
use clap::Subcommand;
use sla_ledger::usecases::contracts::{self, AmendFile, CalendarImport, ContractQuery};
use sla_ledger::{AppError, Session};

#[derive(Subcommand)]
pub enum ContractsCmd {
    /// Add a contract from its terms file (version 1).
    Add {
        terms: String,
        /// Documents to attach (signed contract, schedules).
        #[arg(long)]
        document: Vec<String>,
    },
    /// List contracts, newest terms; search parties, owner, governing law.
    List {
        #[arg(long)]
        search: Option<String>,
        #[arg(long)]
        direction: Option<String>,
        #[arg(long)]
        counterparty: Option<String>,
        /// upcoming, active or ended (today: SLA_LEDGER_NOW or the clock)
        #[arg(long)]
        status: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Show a contract: its versions, documents and current terms.
    Show {
        id: String,
        #[arg(long)]
        json: bool,
    },
    /// Amend terms for a date range (whole months); the earlier terms resume after it.
    Amend {
        id: String,
        #[arg(long)]
        terms: String,
        /// First day the amendment applies (a month's first day).
        #[arg(long)]
        from: String,
        /// Last day it applies (a month's last day); open-ended if absent.
        #[arg(long)]
        to: Option<String>,
        #[arg(long)]
        reason: String,
    },
    /// Export a version's terms back to TOML, byte for byte.
    Export {
        id: String,
        #[arg(long)]
        version: Option<i64>,
        #[arg(long)]
        out: Option<String>,
    },
    /// Show what changed between two versions.
    Diff {
        id: String,
        #[arg(long)]
        from: i64,
        #[arg(long)]
        to: i64,
    },
    /// Attach a document to a contract (copied in, with its SHA-256).
    Attach { id: String, file: String },
    /// Business-hours calendars: `calendar import ID NAME FILE.ics`.
    #[command(subcommand)]
    Calendar(CalendarCmd),
}

#[derive(Subcommand)]
pub enum CalendarCmd {
    /// Add an iCalendar feed's all-day events (yearly rules expanded over
    /// the contract's dates, exceptions removed) to a calendar's holidays,
    /// as a new version of the terms.
    Import {
        id: String,
        /// The calendar's name in the terms (`[calendars.NAME]`).
        calendar: String,
        file: String,
        /// First day the new version applies (a month's first day).
        #[arg(long)]
        from: String,
        /// Last day it applies (a month's last day); open-ended if absent.
        #[arg(long)]
        to: Option<String>,
        #[arg(long, default_value = "")]
        reason: String,
        #[arg(long)]
        json: bool,
    },
}

pub fn run(s: &mut Session, cmd: ContractsCmd) -> Result<(), AppError> {
    match cmd {
        ContractsCmd::Add { terms, document } => {
            let id = contracts::add(s, &terms, &document)?;
            for doc in contracts::detail(s, &id)?.documents {
                println!("attached {} (sha256 {})", doc.file_name, doc.sha256);
            }
            println!("added contract {id} (version 1) to {}", s.dir().display());
        }
        ContractsCmd::List {
            search,
            direction,
            counterparty,
            status,
            json: j,
        } => {
            let q = ContractQuery {
                search,
                direction,
                counterparty,
                status,
            };
            list(&contracts::list(s, q)?, j)?
        }
        ContractsCmd::Show { id, json: j } => show(s, &id, j)?,
        ContractsCmd::Amend {
            id,
            terms,
            from,
            to,
            reason,
        } => {
            let a = AmendFile {
                terms: &terms,
                from: &from,
                to: to.as_deref(),
                reason: &reason,
            };
            let v = contracts::amend_file(s, &id, &a)?;
            println!(
                "contract {id}: version {v} applies from {from}{}",
                to.map(|t| format!(" to {t}; the earlier terms resume after it"))
                    .unwrap_or_default()
            );
        }
        ContractsCmd::Export { id, version, out } => {
            write_out(out.as_deref(), &contracts::export_terms(s, &id, version)?)?
        }
        ContractsCmd::Diff { id, from, to } => print!("{}", contracts::diff(s, &id, from, to)?),
        ContractsCmd::Attach { id, file } => {
            let d = contracts::attach(s, &id, &file)?;
            println!("attached {} to {id} (sha256 {})", d.file_name, d.sha256);
        }
        ContractsCmd::Calendar(CalendarCmd::Import {
            id,
            calendar,
            file,
            from,
            to,
            reason,
            json: j,
        }) => {
            let c = CalendarImport {
                calendar: &calendar,
                file: &file,
                from: &from,
                to: to.as_deref(),
                reason: &reason,
            };
            let done = contracts::import_calendar(s, &id, &c)?;
            if j {
                return json(&done);
            }
            println!(
                "contract {id}: version {} applies from {from}; calendar {} gains {} holiday(s) ({}), {} already there",
                done.version,
                done.calendar,
                done.added.len(),
                done.added.join(", "),
                done.already
            );
        }
    }
    Ok(())
}

fn list(
    rows: &[sla_ledger::sla_store::contracts::ContractSummary],
    as_json: bool,
) -> Result<(), AppError> {
    if as_json {
        return json(&rows);
    }
    let body = rows
        .iter()
        .map(|c| {
            vec![
                c.id.clone(),
                c.counterparty.clone().unwrap_or_default(),
                c.direction
                    .map(|d| d.name())
                    .unwrap_or_default()
                    .to_string(),
                c.currency.clone(),
                c.sla_terms.to_string(),
                c.versions.to_string(),
                c.last_statement.clone().unwrap_or_else(|| "-".into()),
                c.next_claim_deadline.clone().unwrap_or_else(|| "-".into()),
                c.status.clone(),
            ]
        })
        .collect();
    print!(
        "{}",
        render_rows(
            &[
                "Contract",
                "Counterparty",
                "Direction",
                "Currency",
                "SLA terms",
                "Versions",
                "Last statement",
                "Next claim deadline",
                "Status"
            ],
            body,
            &[]
        )
    );
    Ok(())
}

fn show(s: &Session, id: &str, as_json: bool) -> Result<(), AppError> {
    let d = contracts::detail(s, id)?;
    if as_json {
        return json(
            &serde_json::json!({ "id": id, "versions": d.versions, "documents": d.documents, "imports": d.imports }),
        );
    }
    let (versions, docs) = (d.versions, d.documents);
    let terms = contracts::terms(s, id, None)?;
    let c = &terms.contract;
    println!(
        "{}{}",
        c.id,
        c.title
            .as_ref()
            .map(|t| format!(" - {t}"))
            .unwrap_or_default()
    );
    println!(
        "Counterparty: {}   Direction: {}   Currency: {}   Time zone: {}",
        c.counterparty.as_deref().unwrap_or("-"),
        c.direction.map_or("-", |d| d.name()),
        c.currency,
        c.timezone.name()
    );
    println!(
        "Effective {} to {}   Governing law: {}   Owner: {}",
        c.effective_from,
        c.effective_to.map_or("open".into(), |d| d.to_string()),
        c.governing_law.as_deref().unwrap_or("-"),
        c.owner.as_deref().unwrap_or("-")
    );
    println!("\nServices:");
    for s in &terms.services {
        println!(
            "  {} {}  monthly fee {} {}",
            s.id,
            s.name.as_deref().unwrap_or(""),
            c.currency,
            grouped(&s.monthly_fee.to_string())
        );
    }
    println!("\nVersions:");
    let body = versions
        .iter()
        .map(|v| {
            vec![
                v.version.to_string(),
                v.applies_from.clone(),
                v.applies_to.clone().unwrap_or_else(|| "open".into()),
                v.author.clone(),
                v.created_at.clone(),
                v.reason.clone(),
            ]
        })
        .collect();
    print!(
        "{}",
        render_rows(
            &["Version", "Applies from", "Applies to", "By", "At", "Why"],
            body,
            &[]
        )
    );
    if !docs.is_empty() {
        println!("\nDocuments:");
        for d in docs {
            println!(
                "  {}  {} bytes  sha256 {}",
                d.file_name, d.size_bytes, d.sha256
            );
        }
    }
    Ok(())
}
