//! `contracts`: add, list, show, amend, export, diff, attach, and a
//! calendar's holidays from an iCalendar feed.

use super::output::{json, write_out};
use super::table::{grouped, render_rows};
use clap::Subcommand;
use sla_ledger::usecases::contracts::{self, AmendFile, CalendarImport, ContractQuery};
use sla_ledger::usecases::{clauses, templates};
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
    /// Link a term to the clause it comes from: a page and a quote of an attached document (checked to occur there); or every link of a file (--file, `[links]` "key" = { page, quote, document }).
    Link {
        id: String,
        /// The term key, e.g. slas[0].target, slas[0].credit.tiers[1], credit.claim_window_days.
        key: Option<String>,
        #[arg(long)]
        page: Option<i64>,
        #[arg(long)]
        quote: Option<String>,
        /// The document's file name or SHA-256 prefix (needed when several have text).
        #[arg(long)]
        document: Option<String>,
        /// The version to link (default: the newest).
        #[arg(long)]
        version: Option<i64>,
        #[arg(long, conflicts_with_all = ["key", "page", "quote", "document"])]
        file: Option<String>,
    },
    /// Every term of a version with its clause, and the terms without one.
    Sources {
        id: String,
        #[arg(long)]
        version: Option<i64>,
        #[arg(long)]
        json: bool,
    },
    /// Propose links for the terms without a clause, from the documents' text (never applied: confirm each with `link`).
    SuggestLinks {
        id: String,
        #[arg(long)]
        version: Option<i64>,
        #[arg(long)]
        json: bool,
    },
    /// The templates a new contract can start from: bundled public-SLA shapes and the library's own contracts.
    Templates {
        #[arg(long)]
        json: bool,
    },
    /// Start a new contract's terms from a template (see `templates`): writes a terms file to check and complete, then `contracts add` it.
    New {
        /// A bundled template's name or a contract id of the library.
        #[arg(long)]
        from: String,
        /// The new contract's id.
        #[arg(long)]
        id: String,
        /// Write here instead of standard output (never over an existing file).
        #[arg(long)]
        out: Option<String>,
    },
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
        ContractsCmd::Link {
            id,
            key,
            page,
            quote,
            document,
            version,
            file,
        } => {
            let made = match (file, key, page, quote) {
                (Some(f), ..) => clauses::link_file(s, &id, version, &f)?,
                (None, Some(key), Some(page), Some(quote)) => clauses::link(
                    s,
                    &id,
                    version,
                    &[clauses::LinkRequest {
                        key,
                        page,
                        quote,
                        document,
                    }],
                )?,
                _ => {
                    return Err(AppError::Usage(
                        "contracts link ID KEY --page N --quote TEXT [--document D], or --file LINKS.toml".into(),
                    ))
                }
            };
            for l in &made {
                println!(
                    "{} = {}: {}, p. {}: \"{}\"",
                    l.key, l.value, l.document, l.page, l.quote
                );
            }
            println!(
                "{} link(s) recorded for {id} v{}",
                made.len(),
                made.first().map(|l| l.linked_in).unwrap_or_default()
            );
        }
        ContractsCmd::Sources {
            id,
            version,
            json: j,
        } => {
            let r = clauses::sources(s, &id, version)?;
            if j {
                return json(&r);
            }
            print!("{}", render_sources(&r));
        }
        ContractsCmd::SuggestLinks {
            id,
            version,
            json: j,
        } => {
            let r = clauses::suggest(s, &id, version)?;
            if j {
                return json(&r);
            }
            if r.is_empty() {
                println!("no suggestion: the documents' text does not say the value of an unsourced term");
            }
            for x in &r {
                println!(
                    "{} = {}: {} p. {}: \"{}\"",
                    x.key, x.value, x.document, x.page, x.quote
                );
                println!(
                    "  confirm: sla-ledger contracts link {id} '{}' --page {} --quote '{}'",
                    x.key,
                    x.page,
                    x.quote.replace('\'', "'\\''")
                );
            }
        }
        ContractsCmd::Templates { json: j } => {
            let t = templates::list(s)?;
            if j {
                return json(&t);
            }
            for x in &t {
                println!("{:<40} {:<8} {}", x.name, x.origin, x.title);
            }
        }
        ContractsCmd::New { from, id, out } => {
            let text = templates::instantiate(s, &from, &id)?;
            if let Some(path) = out.as_deref() {
                if std::path::Path::new(path).exists() {
                    return Err(AppError::invalid(
                        sla_ledger::Code::Conflict,
                        format!("{path} exists: choose another --out"),
                    ));
                }
            }
            write_out(out.as_deref(), &text)?;
            if let Some(path) = out {
                eprintln!("wrote {path}: check every value against the signed contract, then `sla-ledger contracts add {path}`");
            }
        }
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

/// A version's terms with their clauses, and the terms without one.
fn render_sources(r: &clauses::SourcesReport) -> String {
    use std::fmt::Write;
    let mut o = String::new();
    let _ = writeln!(
        o,
        "{} version {}: {} of {} term(s) linked to a clause",
        r.contract,
        r.version,
        r.terms - r.unsourced.len(),
        r.terms
    );
    for d in &r.documents {
        let _ = writeln!(
            o,
            "  document {} (sha256 {}): {}",
            d.file_name,
            &d.sha256[..16.min(d.sha256.len())],
            d.detail
        );
    }
    for l in &r.linked {
        let carried = if l.linked_in == r.version {
            String::new()
        } else {
            format!(" (linked in v{}, value unchanged)", l.linked_in)
        };
        let _ = writeln!(
            o,
            "  {} = {}: {}, p. {}: \"{}\"{carried}",
            l.key, l.value, l.document, l.page, l.quote
        );
    }
    if !r.unsourced.is_empty() {
        let _ = writeln!(o, "without a clause ({}):", r.unsourced.len());
        for k in &r.unsourced {
            let _ = writeln!(o, "  {k}");
        }
    }
    o
}
