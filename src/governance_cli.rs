//! CLI verbs for governance (issue 6); each is a thin layer over
//! `sla_ledger::governance`, with `--json` for the full result.

use crate::table::render_rows;
use clap::Subcommand;
use serde::Serialize;
use sla_ledger::governance as gov;
use sla_ledger::AppError;
use std::path::{Path, PathBuf};

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
        #[arg(long)]
        start: String,
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

fn json<T: Serialize>(v: &T) -> Result<(), AppError> {
    println!("{}", serde_json::to_string_pretty(v).expect("serialises"));
    Ok(())
}

pub fn slo(dir: &Path, cmd: SloCmd) -> Result<(), AppError> {
    match cmd {
        SloCmd::Import { file } => {
            for (name, v, changed) in gov::slo_import(dir, &file)? {
                println!(
                    "{name}: version {v}{}",
                    if changed { "" } else { " (unchanged)" }
                );
            }
        }
        SloCmd::Export { out } => {
            let y = gov::slo_export(dir)?;
            match out {
                Some(p) => std::fs::write(&p, y).map_err(|source| AppError::ReadFile {
                    path: p.clone(),
                    source,
                })?,
                None => print!("{y}"),
            }
        }
        SloCmd::Policy { file } => {
            let n = gov::slo_policy(dir, &file)?;
            println!("budget policy for {n} objective(s) set from {file}");
        }
        SloCmd::Except {
            slo,
            start,
            end,
            reason,
            approver,
        } => {
            let id = gov::slo_exception(dir, &slo, &start, &end, &reason, &approver)?;
            println!("exception {id} recorded for {slo}: {start} to {end}, approved by {approver}");
        }
        SloCmd::Requests {
            file,
            timezone,
            source,
        } => match gov::requests_import(dir, &file, &timezone, &source)? {
            Some(id) => println!("imported {file} (import {id})"),
            None => println!("{file} was imported before: nothing to do"),
        },
        SloCmd::Status { json: j } => {
            let s = gov::slo_status(dir)?;
            if j {
                return json(&s);
            }
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
                        "Outlook"
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
    }
    Ok(())
}

#[derive(clap::Args)]
pub struct DiligenceArgs {
    #[arg(long)]
    pub until: String,
    #[arg(long, default_value_t = 12)]
    pub months: u32,
    #[arg(long = "contract")]
    pub contracts: Vec<String>,
    /// Flag contract caps above this percent of fees.
    #[arg(long, default_value = "50")]
    pub cap_limit: String,
    /// Uniform uptime (percent) for the what-if.
    #[arg(long, default_value = "99.5")]
    pub what_if: String,
    #[arg(long)]
    pub json: bool,
    /// Write the multi-sheet workbook, the signed PDF summary and JSON here.
    #[arg(long)]
    pub out: Option<String>,
}

pub fn diligence(dir: &Path, a: DiligenceArgs) -> Result<(), AppError> {
    let req = gov::DiligenceRequest {
        until: a.until,
        months: a.months,
        contracts: a.contracts,
        cap_limit: a.cap_limit,
        what_if_uptime: a.what_if,
    };
    if let Some(out) = a.out {
        let f = gov::export_diligence(dir, &req, &PathBuf::from(&out))?;
        println!("wrote {}\n      {}\n      {}", f.pdf, f.xlsx, f.json);
        if let Some(s) = f.signed_by {
            println!("PDF signed by {s}");
        }
        return Ok(());
    }
    let r = gov::diligence(dir, &req)?;
    if a.json {
        return json(&r);
    }
    println!(
        "Due diligence: {} contracts, {} to {}",
        r.contracts_total,
        r.months.first().cloned().unwrap_or_default(),
        r.months.last().cloned().unwrap_or_default()
    );
    let rows = r
        .contracts
        .iter()
        .map(|c| {
            vec![
                c.contract.clone(),
                c.direction.clone(),
                c.currency.clone(),
                format!("{}/{}", c.months_breached, c.months_evaluated),
                c.credits.clone(),
                c.exposure_left.clone().unwrap_or_else(|| "uncapped".into()),
                c.what_if_monthly.clone(),
                c.chronic.clone(),
            ]
        })
        .collect();
    print!(
        "{}",
        render_rows(
            &[
                "Contract",
                "Direction",
                "Cur.",
                "Breached",
                "Credits",
                "Exposure left",
                &format!("What-if {} %", r.what_if_uptime),
                "Chronic"
            ],
            rows,
            &[4, 5, 6]
        )
    );
    for f in &r.unusual {
        println!("unusual: {}: {}", f.contract, f.finding);
    }
    Ok(())
}

pub fn coverage(dir: &Path, map: &str, until: &str, months: u32, j: bool) -> Result<(), AppError> {
    let c = gov::coverage(dir, map, until, months)?;
    if j {
        return json(&c);
    }
    for s in &c.services {
        println!(
            "{}: promised {} %, vendors guarantee {} %: {}{}",
            s.service,
            s.promised,
            s.guaranteed.as_deref().unwrap_or("unknown"),
            if s.covered {
                "covered".to_string()
            } else {
                format!("gap {} points", s.gap.as_deref().unwrap_or("?"))
            },
            if s.single_points_of_failure.is_empty() {
                String::new()
            } else {
                format!(
                    "; single points of failure: {}",
                    s.single_points_of_failure.join(", ")
                )
            }
        );
    }
    for x in &c.comparisons {
        println!(
            "{} vs {}: both saw {} s; only {} saw {} s; only {} saw {} s",
            x.a, x.b, x.both_seconds, x.a, x.only_a_seconds, x.b, x.only_b_seconds
        );
    }
    for m in &c.margin {
        println!(
            "close to target: {} {} in {} (closest {} points)",
            m.contract,
            m.sla,
            m.months.join(", "),
            m.closest
        );
    }
    for r in &c.recovery {
        println!(
            "{} {}: we owe {} {}, can claim {} {}: recovery {}",
            c.recovery_period,
            r.incident,
            r.currency,
            r.owed_to_customers,
            r.currency,
            r.claimable_from_vendors,
            r.ratio.as_deref().unwrap_or("-")
        );
    }
    Ok(())
}

pub fn notices(
    dir: &Path,
    period: &str,
    out: &str,
    templates: Option<&str>,
    j: bool,
) -> Result<(), AppError> {
    let files = gov::write_notices(dir, period, Path::new(out), templates.map(Path::new))?;
    if j {
        return json(&files);
    }
    for f in &files {
        println!("{} {}: {}", f.statement, f.sla, f.files.join(", "));
    }
    println!(
        "{} draft notice set(s) written to {out}; none was sent.",
        files.len()
    );
    Ok(())
}

pub fn compare(
    dir: &Path,
    contract: &str,
    sla: &str,
    period: &str,
    j: bool,
) -> Result<(), AppError> {
    let m = gov::two_methods(dir, contract, sla, period)?;
    if j {
        return json(&m);
    }
    println!(
        "{sla} {period}: SLA {} %, SLO {} %, difference {} points",
        m.sla_uptime, m.slo_uptime, m.difference
    );
    for e in &m.explanation {
        println!("  {e}");
    }
    Ok(())
}

pub fn executive(dir: &Path, until: &str, months: u32, out: &str) -> Result<(), AppError> {
    let f = gov::export_executive(dir, until, months, Path::new(out))?;
    println!("wrote {}\n      {}\n      {}", f.pdf, f.xlsx, f.json);
    Ok(())
}
