//! `claims`: the credit ledger, claims and their deadlines.

use super::output::json;
use super::table::{grouped, render_rows};
use clap::Subcommand;
use sla_ledger::sla_store::claims::{ClaimFilter, ClaimUpdate};
use sla_ledger::sla_store::ClaimState;
use sla_ledger::usecases::claims;
use sla_ledger::{AppError, Code, Session};

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

pub fn run(s: &mut Session, cmd: ClaimsCmd) -> Result<(), AppError> {
    match cmd {
        ClaimsCmd::List {
            within_days,
            open,
            direction,
            json: j,
        } => {
            let rows = claims::list(
                s,
                &ClaimFilter {
                    open_only: open || within_days.is_some(),
                    within_days,
                    direction: sla_ledger::usecases::contracts::direction(direction)?,
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
                        c.direction
                            .map_or("direction not set", |d| d.short())
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
                        c.state.to_string(),
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
            let d = d.map(|x| super::date(&x, "--date")).transpose()?;
            let state = claim_state(&state, "--state")?;
            let expect = expect.map(|e| claim_state(&e, "--expect")).transpose()?;
            let c = claims::update(
                s,
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

/// A claim state named on the command line.
fn claim_state(s: &str, flag: &str) -> Result<ClaimState, AppError> {
    ClaimState::parse(s).ok_or_else(|| {
        AppError::invalid(
            Code::Value,
            format!("{flag} {s}: use eligible, claimed, applied, forfeited or disputed"),
        )
    })
}
