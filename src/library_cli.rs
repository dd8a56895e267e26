//! Library subcommands: contracts, import, statements, claims, audit,
//! reports, demo. Each handler parses flags, calls the library, and prints a
//! readable table (or `--json`).

use crate::table::{grouped, render_rows};
use clap::{Args, Subcommand};
use serde::Serialize;
use sla_ledger::sla_store::claims::{today, ClaimFilter, ClaimUpdate};
use sla_ledger::sla_store::contracts::ContractFilter;
use sla_ledger::sla_store::evidence::{ImportOutcome, ImportRequest};
use sla_ledger::sla_store::reports::CreditGrouping;
use sla_ledger::sla_store::{Ctx, Library};
use sla_ledger::{open_library, AppError};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

fn json<T: Serialize>(v: &T) -> Result<(), AppError> {
    println!("{}", serde_json::to_string_pretty(v).expect("serialises"));
    Ok(())
}

fn date(s: &str, flag: &str) -> Result<chrono::NaiveDate, AppError> {
    sla_ledger::sla_engine::terms::parse_date(s)
        .map_err(|m| AppError::Usage(format!("{flag}: {m}")))
}

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
}

#[derive(Args)]
pub struct ImportArgs {
    /// A workbook (.xlsx, .xls, .ods) or a CSV of one kind.
    file: String,
    /// Which monitor or source this is (synthetic, RUM, vendor status page...).
    #[arg(long)]
    source: String,
    #[arg(long)]
    contract: Option<String>,
    /// For a CSV whose name does not say: outages, maintenance or incidents.
    #[arg(long)]
    kind: Option<String>,
    #[arg(long)]
    json: bool,
}

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
    /// Correct a final statement: a new final one supersedes it.
    Restate {
        statement: String,
        #[arg(long)]
        reason: String,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand)]
pub enum ClaimsCmd {
    /// Credits to claim or apply, most urgent first.
    List {
        /// Only eligible claims whose deadline is within N days.
        #[arg(long)]
        within_days: Option<i64>,
        /// Only open claims.
        #[arg(long)]
        open: bool,
        #[arg(long)]
        direction: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Move a claim on: claimed, applied, forfeited, disputed.
    Update {
        id: i64,
        #[arg(long)]
        state: String,
        #[arg(long)]
        date: Option<String>,
        #[arg(long)]
        reference: Option<String>,
        #[arg(long)]
        invoice: Option<String>,
        #[arg(long)]
        note: Option<String>,
        /// The state you last saw: if the claim has moved since, nothing is written.
        #[arg(long)]
        expect: Option<String>,
    },
}

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

#[derive(Subcommand)]
pub enum ReportCmd {
    /// Credits of final statements by counterparty (or direction) and month.
    Credits {
        #[arg(long, default_value = "counterparty")]
        by: String,
        #[arg(long)]
        from: Option<String>,
        #[arg(long)]
        to: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Contracts whose terms have no SLA.
    NoTerms {
        #[arg(long)]
        json: bool,
    },
    /// Services with no evidence at all in a month.
    NoEvidence {
        #[arg(long)]
        period: String,
        #[arg(long)]
        json: bool,
    },
}

pub struct Env {
    pub lib: Library,
    pub ctx: Ctx,
}

pub fn env(library: Option<&str>, actor: Option<&str>) -> Result<Env, AppError> {
    let dir = sla_ledger::library_dir(library)?;
    let lib = open_library(&dir)?;
    let ctx = sla_ledger::session_context(&lib, actor)?;
    Ok(Env { lib, ctx })
}

pub fn contracts(e: &mut Env, cmd: ContractsCmd) -> Result<(), AppError> {
    match cmd {
        ContractsCmd::Add { terms, document } => {
            let id = e
                .lib
                .add_contract_with_documents(&e.ctx, &terms, &document)?;
            for doc in e.lib.documents(&id)? {
                println!("attached {} (sha256 {})", doc.file_name, doc.sha256);
            }
            println!(
                "added contract {id} (version 1) to {}",
                e.lib.dir().display()
            );
        }
        ContractsCmd::List {
            search,
            direction,
            counterparty,
            status,
            json: j,
        } => {
            let rows = e.lib.list_contracts(&ContractFilter {
                search,
                direction,
                counterparty,
                status,
                today: Some(sla_ledger::sla_store::claims::today(&e.ctx)),
            })?;
            if j {
                return json(&rows);
            }
            let body = rows
                .iter()
                .map(|c| {
                    vec![
                        c.id.clone(),
                        c.counterparty.clone().unwrap_or_default(),
                        c.direction.clone().unwrap_or_default(),
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
        }
        ContractsCmd::Show { id, json: j } => {
            let versions = e.lib.versions(&id)?;
            let docs = e.lib.documents(&id)?;
            let terms = e.lib.terms_of(&id, None)?;
            if j {
                return json(
                    &serde_json::json!({ "id": id, "versions": versions, "documents": docs, "imports": e.lib.imports(&id)? }),
                );
            }
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
        }
        ContractsCmd::Amend {
            id,
            terms,
            from,
            to,
            reason,
        } => {
            let to = to.map(|t| date(&t, "--to")).transpose()?;
            let v =
                e.lib
                    .amend_contract(&e.ctx, &id, &terms, date(&from, "--from")?, to, &reason)?;
            println!(
                "contract {id}: version {v} applies from {from}{}",
                to.map(|t| format!(" to {t}; the earlier terms resume after it"))
                    .unwrap_or_default()
            );
        }
        ContractsCmd::Export { id, version, out } => {
            let text = e.lib.export_terms(&id, version)?;
            match out {
                Some(path) => std::fs::write(&path, text)
                    .map_err(|source| AppError::ReadFile { path, source })?,
                None => print!("{text}"),
            }
        }
        ContractsCmd::Diff { id, from, to } => print!("{}", e.lib.diff_versions(&id, from, to)?),
        ContractsCmd::Attach { id, file } => {
            let d = e.lib.attach_document(&e.ctx, &id, &file)?;
            println!("attached {} to {id} (sha256 {})", d.file_name, d.sha256);
        }
    }
    Ok(())
}

pub fn import(e: &mut Env, a: ImportArgs) -> Result<(), AppError> {
    let kind = match a.kind.as_deref() {
        None => None,
        Some(k) => Some(
            sla_ledger::sla_import::Kind::ALL
                .into_iter()
                .find(|x| x.name() == k)
                .ok_or_else(|| {
                    AppError::Usage(format!("--kind {k}: use outages, maintenance or incidents"))
                })?,
        ),
    };
    let cancel = Arc::new(AtomicBool::new(false));
    let flag = cancel.clone();
    // Ctrl-C cancels: the transaction is rolled back and nothing is written.
    let _ = ctrlc::set_handler(move || flag.store(true, Ordering::SeqCst));
    let quiet = a.json;
    let mut progress = |p: sla_ledger::sla_store::evidence::Progress| {
        if !quiet && p.rows_total >= 20_000 {
            eprint!(
                "\rimporting: {} of {} rows ({} rows/s)   ",
                p.rows_done, p.rows_total, p.rows_per_second
            );
            if p.rows_done == p.rows_total {
                eprintln!();
            }
        }
        !cancel.load(Ordering::SeqCst)
    };
    let req = ImportRequest {
        file: &a.file,
        source_label: &a.source,
        contract: a.contract.as_deref(),
        kind,
    };
    let outcome = e.lib.import(&e.ctx, &req, &mut progress)?;
    if a.json {
        return json(&outcome);
    }
    match outcome {
        ImportOutcome::Imported {
            import: i,
            warnings,
        } => {
            for w in warnings {
                eprintln!("warning: {w}");
            }
            println!("imported {} into {} as import {}: {} outage, {} maintenance, {} incident row(s); sha256 {}", i.file_name, i.contract, i.id, i.outage_rows, i.maintenance_rows, i.incident_rows, i.sha256);
        }
        ImportOutcome::AlreadyImported(i) => println!(
            "{} is already imported into {} as import {} ({} by {}): nothing to do",
            i.file_name, i.contract, i.id, i.imported_at, i.importer
        ),
    }
    Ok(())
}

fn statement_rows(rows: &[sla_ledger::sla_store::statements::StatementInfo]) -> String {
    let body = rows
        .iter()
        .map(|s| {
            vec![
                s.number.clone(),
                s.period.clone(),
                s.status.to_uppercase(),
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

pub fn statements(e: &mut Env, cmd: StatementsCmd) -> Result<(), AppError> {
    match cmd {
        StatementsCmd::Run {
            period,
            contract,
            json: j,
        } => {
            let out = e.lib.run_statements(&e.ctx, &period, contract.as_deref())?;
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
            let rows = e
                .lib
                .list_statements(period.as_deref(), contract.as_deref())?;
            if j {
                return json(&rows);
            }
            print!("{}", statement_rows(&rows));
        }
        StatementsCmd::Show {
            statement,
            json: j,
            trace,
        } => {
            let s = e.lib.statement(&statement)?;
            if j {
                return json(&s);
            }
            println!(
                "Statement {} - {} ({})",
                s.info.number,
                s.info.status.to_uppercase(),
                s.info.period
            );
            println!(
                "Terms version {}; data cut-off {}; engine {}{}",
                s.info.version,
                s.info.data_cutoff,
                s.info.engine_version,
                s.info
                    .sha256
                    .as_ref()
                    .map(|h| format!("; sha256 {h}"))
                    .unwrap_or_default()
            );
            if let Some(r) = &s.info.restatement_reason {
                println!(
                    "Restates statement id {} because: {r}",
                    s.info.supersedes.unwrap_or_default()
                );
            }
            if let Some(by) = s.info.superseded_by {
                println!("SUPERSEDED by statement id {by}");
            }
            let terms = e.lib.terms_of(&s.info.contract, Some(s.info.version))?;
            print!("\n{}", crate::table::render(&terms, &s.result, trace));
            if let Some(ch) = &s.result.chronic {
                println!("Chronic breach: {} of the last {} month(s) breached (termination right at {}): {}", ch["breached_periods"], ch["within_months"], ch["required"], if ch["met"] == true { "MET" } else { "not met" });
            }
        }
        StatementsCmd::Finalize {
            period,
            contract,
            json: j,
        } => {
            let done =
                sla_ledger::trust::finalize(&mut e.lib, &e.ctx, &period, contract.as_deref())?;
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
            let rows: Vec<_> = e
                .lib
                .list_statements(Some(&period), contract.as_deref())?
                .into_iter()
                .filter(|s| all || s.status == "final")
                .collect();
            if rows.is_empty() {
                return Err(AppError::Usage(format!("no final statements for {period}: finalize them first (or pass --all for drafts)")));
            }
            let mut done = Vec::new();
            let mut failed = Vec::new();
            for (n, s) in rows.iter().enumerate() {
                if !j {
                    eprintln!("[{}/{}] exporting {}", n + 1, rows.len(), s.number);
                }
                // One failing statement does not stop the others.
                match sla_ledger::export::export_statement(
                    &mut e.lib,
                    &e.ctx,
                    &s.number,
                    std::path::Path::new(&out),
                ) {
                    Ok(f) => done.push(f),
                    Err(err) => failed.push((s.number.clone(), err.to_string())),
                }
            }
            if j {
                json(
                    &serde_json::json!({ "exported": done, "failed": failed.iter().map(|(n, m)| serde_json::json!({ "statement": n, "error": m })).collect::<Vec<_>>() }),
                )?;
            } else {
                for f in &done {
                    println!("{}  {}  {}", f.status, f.pdf.display(), f.xlsx.display());
                }
                for (n, m) in &failed {
                    eprintln!("FAILED {n}: {m}");
                }
                println!(
                    "{} statement(s) exported to {out}; {} failed.",
                    done.len(),
                    failed.len()
                );
            }
            if !failed.is_empty() {
                return Err(AppError::Usage(format!(
                    "{} statement(s) could not be exported",
                    failed.len()
                )));
            }
        }
        StatementsCmd::Restate {
            statement,
            reason,
            json: j,
        } => {
            let s = sla_ledger::trust::restate(&mut e.lib, &e.ctx, &statement, &reason)?;
            if j {
                return json(&s);
            }
            print!("{}", statement_rows(std::slice::from_ref(&s)));
            println!(
                "{} supersedes statement id {}.",
                s.number,
                s.supersedes.unwrap_or_default()
            );
        }
    }
    Ok(())
}

pub fn claims(e: &mut Env, cmd: ClaimsCmd) -> Result<(), AppError> {
    match cmd {
        ClaimsCmd::List {
            within_days,
            open,
            direction,
            json: j,
        } => {
            let rows = e.lib.list_claims(
                today(&e.ctx),
                &ClaimFilter {
                    open_only: open || within_days.is_some(),
                    within_days,
                    direction,
                },
            )?;
            if j {
                return json(&rows);
            }
            let body = rows
                .iter()
                .map(|c| {
                    vec![
                        c.id.to_string(),
                        c.statement.clone(),
                        c.counterparty.clone().unwrap_or_default(),
                        sla_ledger::sla_store::reports::direction_label(c.direction.as_deref())
                            .to_string(),
                        format!("{} {}", c.currency, grouped(&c.amount)),
                        c.deadline.clone().unwrap_or_else(|| "-".into()),
                        c.days_left.map_or("-".into(), |d| {
                            if d < 0 {
                                format!("{} overdue", -d)
                            } else {
                                d.to_string()
                            }
                        }),
                        c.state.clone(),
                    ]
                })
                .collect();
            print!(
                "{}",
                render_rows(
                    &[
                        "Claim",
                        "Statement",
                        "Counterparty",
                        "Direction",
                        "Amount",
                        "Deadline",
                        "Days left",
                        "State"
                    ],
                    body,
                    &[4]
                )
            );
        }
        ClaimsCmd::Update {
            id,
            state,
            date: d,
            reference,
            invoice,
            note,
            expect,
        } => {
            let d = d.map(|x| date(&x, "--date")).transpose()?;
            let c = sla_ledger::trust::update_claim(
                &mut e.lib,
                &e.ctx,
                id,
                &ClaimUpdate {
                    state,
                    expected: expect,
                    date: d,
                    reference,
                    invoice,
                    note,
                },
            )?;
            println!("claim {} ({}): {}", c.id, c.statement, c.state);
        }
    }
    Ok(())
}

pub fn audit(e: &mut Env, cmd: AuditCmd) -> Result<(), AppError> {
    match cmd {
        AuditCmd::Verify { trust, json: j } => {
            let extra = sla_ledger::trust::read_trust_files(&trust)?;
            let v = sla_ledger::trust::audit_verify(&e.lib, &extra)?;
            if j {
                json(&v)?;
            } else {
                print_audit(&v);
            }
            return match v.state.as_str() {
                sla_ledger::trust::STATE_ANCHORED => Ok(()),
                sla_ledger::trust::STATE_BROKEN => Err(AppError::Integrity(
                    "the audit chain does not verify".into(),
                )),
                _ => Err(AppError::Untrusted(
                    "the audit chain is intact but not covered by a trusted signed head".into(),
                )),
            };
        }
        AuditCmd::Checkpoint { json: j } => {
            let a = sla_ledger::trust::checkpoint(&mut e.lib, &e.ctx)?;
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
            let rows = e.lib.audit_list(limit)?;
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

fn print_audit(v: &sla_ledger::trust::AuditReport) {
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

pub fn report(e: &mut Env, cmd: ReportCmd) -> Result<(), AppError> {
    match cmd {
        ReportCmd::Credits {
            by,
            from,
            to,
            json: j,
        } => {
            let g = match by.as_str() {
                "counterparty" => CreditGrouping::Counterparty,
                "direction" => CreditGrouping::Direction,
                other => {
                    return Err(AppError::Usage(format!(
                        "--by {other}: use counterparty or direction"
                    )))
                }
            };
            let rows = e.lib.credits(g, from.as_deref(), to.as_deref())?;
            if j {
                return json(&rows);
            }
            let body = rows
                .iter()
                .map(|r| {
                    vec![
                        r.group.clone(),
                        r.period.clone(),
                        r.statements.to_string(),
                        format!("{} {}", r.currency, grouped(&r.total)),
                    ]
                })
                .collect();
            print!(
                "{}",
                render_rows(
                    &[
                        if g == CreditGrouping::Counterparty {
                            "Counterparty"
                        } else {
                            "Direction"
                        },
                        "Month",
                        "Statements",
                        "Credits"
                    ],
                    body,
                    &[3]
                )
            );
        }
        ReportCmd::NoTerms { json: j } => {
            let rows = e.lib.contracts_without_terms()?;
            if j {
                return json(&rows);
            }
            println!(
                "{}",
                if rows.is_empty() {
                    "every contract has SLA terms".into()
                } else {
                    format!("contracts with no SLA terms: {}", rows.join(", "))
                }
            );
        }
        ReportCmd::NoEvidence { period, json: j } => {
            let rows = e.lib.services_without_evidence(&period)?;
            if j {
                return json(&rows);
            }
            let body = rows
                .iter()
                .map(|g| vec![g.contract.clone(), g.service.clone()])
                .collect();
            print!(
                "{}",
                render_rows(
                    &["Contract", "Service with no evidence in the month"],
                    body,
                    &[]
                )
            );
        }
    }
    Ok(())
}

#[derive(Subcommand)]
pub enum IdentityCmd {
    /// Create a signing identity: a small organisation CA and a signing certificate.
    Create {
        #[arg(long)]
        organisation: String,
        /// Who signs (the certificate's common name).
        #[arg(long, default_value = "Statements signing")]
        name: String,
    },
    /// Import your own identity: a PKCS#12 file (.p12/.pfx), or PEM certificates with --key.
    Import {
        file: String,
        /// PEM private key (PKCS#8), for a PEM certificate file.
        #[arg(long)]
        key: Option<String>,
        /// Environment variable holding the PKCS#12 password.
        #[arg(long, default_value = "SLA_LEDGER_P12_PASSWORD")]
        password_env: String,
    },
    /// Show the signing identity.
    Show,
    /// Write the organisation certificate (PEM) that auditors and customers
    /// give to `verify --trust` to recognise this library's signatures.
    Export {
        #[arg(long)]
        out: String,
    },
}

pub fn identity(e: &mut Env, cmd: IdentityCmd) -> Result<(), AppError> {
    use sla_ledger::sla_export::Identity;
    let map = |err: sla_ledger::sla_export::ExportError| AppError::Usage(err.to_string());
    let id = match cmd {
        IdentityCmd::Create { organisation, name } => {
            Identity::create(&organisation, &name, e.ctx.now).map_err(map)?
        }
        IdentityCmd::Import {
            file,
            key,
            password_env,
        } => {
            let bytes = std::fs::read(&file).map_err(|source| AppError::ReadFile {
                path: file.clone(),
                source,
            })?;
            match key {
                Some(k) => {
                    let key_pem =
                        std::fs::read_to_string(&k).map_err(|source| AppError::ReadFile {
                            path: k.clone(),
                            source,
                        })?;
                    Identity::from_pem(&String::from_utf8_lossy(&bytes), &key_pem).map_err(map)?
                }
                None => {
                    Identity::from_pkcs12(&bytes, &std::env::var(&password_env).unwrap_or_default())
                        .map_err(map)?
                }
            }
        }
        IdentityCmd::Export { out } => {
            let id = Identity::load(e.lib.dir()).map_err(map)?;
            let org = id.organisation_cert();
            let pem = sla_ledger::sla_export::trust::cert_to_pem(org).map_err(map)?;
            std::fs::write(&out, pem).map_err(|source| AppError::ReadFile {
                path: out.clone(),
                source,
            })?;
            println!(
                "wrote {out}: {} (SHA-256 {}); give it to `sla-ledger verify --trust {out}`",
                org.tbs_certificate.subject,
                sla_ledger::sla_export::trust::fingerprint(org)
            );
            return Ok(());
        }
        IdentityCmd::Show => {
            let id = Identity::load(e.lib.dir()).map_err(map)?;
            println!("signing identity: {}", id.subject());
            println!("issued by: {}", id.cert.tbs_certificate.issuer);
            println!(
                "valid until: {}",
                id.cert.tbs_certificate.validity.not_after
            );
            return Ok(());
        }
    };
    let fp = sla_ledger::trust::set_identity(&mut e.lib, &e.ctx, &id)?;
    println!(
        "signing identity {} stored in {} (key readable by you only); this library now trusts {} (SHA-256 {fp})",
        id.subject(),
        e.lib.dir().join("identity").display(),
        id.organisation_cert().tbs_certificate.subject
    );
    Ok(())
}
