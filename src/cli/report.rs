//! `report`: questions of the whole library.

use super::output::json;
use super::table::{grouped, render_rows};
use clap::Subcommand;
use sla_ledger::sla_store::reports::CreditGrouping;
use sla_ledger::usecases::reports;
use sla_ledger::{AppError, Session};

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

pub fn run(s: &mut Session, cmd: ReportCmd) -> Result<(), AppError> {
    match cmd {
        ReportCmd::Credits {
            by,
            from,
            to,
            json: j,
        } => {
            let g = reports::grouping(&by)?;
            let rows = reports::credits(s, g, from.as_deref(), to.as_deref())?;
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
            let rows = reports::contracts_without_terms(s)?;
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
            let rows = reports::services_without_evidence(s, &period)?;
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
