//! `slo`: service level objectives and error budgets (OpenSLO v1).

use super::output::{json, write_out};
use super::table::render_rows;
use clap::Subcommand;
use sla_ledger::usecases::governance::slo::{self, Exception, SloStatus};
use sla_ledger::{AppError, Session};

#[derive(Subcommand)]
pub enum SloCmd {
    /// Import OpenSLO v1 YAML (SLO, SLI, Service documents); changed objectives get a new version.
    Import { file: String },
    /// Write every objective as OpenSLO v1 YAML (to stdout, or --out FILE).
    Export {
        #[arg(long)]
        out: Option<String>,
    },
    /// Set the error-budget policy (TOML: thresholds, temporary targets).
    Policy { file: String },
    /// Record an approved exception: bad time in [start, end) stops consuming the budget.
    Except {
        #[arg(long)]
        slo: String,
        /// `2026-10-12T07:00:00Z`, or a local time (`2026-10-12 03:00`) read in the objective's zone (`slo status` shows it).
        #[arg(long)]
        start: String,
        /// As --start; the exception ends before this instant.
        #[arg(long)]
        end: String,
        #[arg(long)]
        reason: String,
        #[arg(long)]
        approver: String,
    },
    /// Import a requests sheet (service, start, end, good, total) for request-based objectives.
    Requests {
        file: String,
        /// The zone of naive times in the sheet.
        #[arg(long, default_value = "UTC")]
        timezone: String,
        #[arg(long, default_value = "requests")]
        source: String,
    },
    /// Budgets now: consumed, remaining, burn rates, when it runs out, thresholds crossed.
    Status {
        #[arg(long)]
        json: bool,
    },
}

pub fn run(s: &mut Session, cmd: SloCmd) -> Result<(), AppError> {
    match cmd {
        SloCmd::Import { file } => {
            for (name, v, changed) in slo::import(s, &file)? {
                println!(
                    "{name}: version {v}{}",
                    if changed { "" } else { " (unchanged)" }
                );
            }
        }
        SloCmd::Export { out: Some(p) } => {
            slo::export_to(s, &p)?;
        }
        SloCmd::Export { out: None } => write_out(None, &slo::export(s)?)?,
        SloCmd::Policy { file } => {
            let n = slo::set_policy(s, &file)?;
            println!("budget policy for {n} objective(s) set from {file}");
        }
        SloCmd::Except {
            slo,
            start,
            end,
            reason,
            approver,
        } => {
            let e = Exception {
                slo: &slo,
                start: &start,
                end: &end,
                reason: &reason,
                approver: &approver,
            };
            let id = slo::add_exception(s, &e)?;
            println!("exception {id} recorded for {slo}: {start} to {end}, approved by {approver}");
        }
        SloCmd::Requests {
            file,
            timezone,
            source,
        } => match slo::import_requests(s, &file, &timezone, &source)? {
            Some(id) => println!("imported {file} (import {id})"),
            None => println!("{file} was imported before: nothing to do"),
        },
        SloCmd::Status { json: j } => {
            let st = slo::status(s)?;
            if j {
                return json(&st);
            }
            print_status(&st);
        }
    }
    Ok(())
}

fn print_status(s: &SloStatus) {
    println!("Error budgets at {}", s.now);
    let rows = s
        .budgets
        .iter()
        .map(|b| {
            vec![
                b.slo.clone(),
                b.target.clone(),
                format!("{} {}", b.budget, b.unit),
                b.consumed.clone(),
                b.remaining.clone(),
                b.consumed_percent.clone().unwrap_or_else(|| "-".into()),
                b.burn_rates
                    .iter()
                    .map(|r| format!("{} {}", r.lookback, r.rate))
                    .collect::<Vec<_>>()
                    .join(", "),
                match &b.outlook_at {
                    Some(at) => format!("{} {at}", b.outlook),
                    None => b.outlook.clone(),
                },
                s.zones.get(&b.slo).cloned().unwrap_or_default(),
            ]
        })
        .collect();
    print!(
        "{}",
        render_rows(
            &[
                "Objective",
                "Target",
                "Budget",
                "Consumed",
                "Remaining",
                "Used %",
                "Burn rate",
                "Outlook",
                "Zone"
            ],
            rows,
            &[3, 4, 5]
        )
    );
    for b in &s.budgets {
        for t in b.thresholds.iter().filter(|t| t.triggered) {
            println!(
                "{}: {} % consumed since {}: {} (owner {})",
                b.slo,
                t.consumed_percent,
                t.since.as_deref().unwrap_or("?"),
                t.action,
                t.owner
            );
        }
    }
    for p in &s.pools {
        println!(
            "pool {}: {} of {} {} used ({} %)",
            p.group,
            p.consumed,
            p.budget,
            p.unit,
            p.consumed_percent.as_deref().unwrap_or("-")
        );
    }
}
