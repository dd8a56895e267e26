//! `review`: the maturity review of the library (issue 18), and `review
//! mark` to record that a contract's terms or an objective were reviewed.

use super::output::json;
use sla_ledger::usecases::governance::review;
use sla_ledger::{AppError, Session};

#[derive(clap::Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct ReviewArgs {
    #[command(subcommand)]
    pub mark: Option<ReviewCmd>,
    /// Terms and objectives not read for longer than this are findings.
    #[arg(long, default_value_t = review::DEFAULT_INTERVAL_DAYS)]
    pub interval_days: i64,
    #[arg(long)]
    pub json: bool,
}

#[derive(clap::Subcommand)]
pub enum ReviewCmd {
    /// Record that you reviewed a contract's terms or an objective (its newest version); audited.
    Mark {
        /// `contract` or `objective`.
        kind: String,
        id: String,
        #[arg(long, default_value = "")]
        note: String,
        #[arg(long)]
        json: bool,
    },
}

pub fn run(s: &mut Session, a: ReviewArgs) -> Result<(), AppError> {
    if let Some(ReviewCmd::Mark {
        kind,
        id,
        note,
        json: as_json,
    }) = a.mark
    {
        let r = review::mark(s, &kind, &id, &note)?;
        if as_json {
            return json(&r);
        }
        println!(
            "{} {} version {} reviewed by {} at {}",
            kind, r.subject, r.version, r.reviewed_by, r.reviewed_at
        );
        return Ok(());
    }
    let r = review::report(s, a.interval_days)?;
    if a.json {
        return json(&r);
    }
    println!(
        "Maturity review as of {}: {} contract(s), {} objective(s), review interval {} days",
        r.as_of, r.contracts, r.objectives, r.interval_days
    );
    if r.findings.is_empty() {
        println!("No findings.");
        return Ok(());
    }
    let mut kind = "";
    for f in &r.findings {
        if f.kind != kind {
            kind = &f.kind;
            println!("\n{kind}:");
        }
        println!("  {}: {}", f.subject, f.message);
        println!("    fix: {}", f.fix);
    }
    println!("\n{} finding(s).", r.findings.len());
    Ok(())
}
