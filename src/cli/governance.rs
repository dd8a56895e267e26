//! Governance verbs: coverage, diligence, notices, compare, executive;
//! `--json` prints the full result.

use super::output::json;
use super::table::render_rows;
use sla_ledger::usecases::governance::diligence::{self, DiligenceRequest};
use sla_ledger::usecases::governance::notices::{self, NoticeRequest};
use sla_ledger::usecases::governance::{compare, coverage, executive};
use sla_ledger::{AppError, Session};

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

pub fn diligence(s: &mut Session, a: DiligenceArgs) -> Result<(), AppError> {
    let req = DiligenceRequest {
        until: a.until,
        months: a.months,
        contracts: a.contracts,
        cap_limit: a.cap_limit,
        what_if_uptime: a.what_if,
    };
    if let Some(out) = a.out {
        let f = diligence::export(s, &req, Some(&out))?;
        println!("wrote {}\n      {}\n      {}", f.pdf, f.xlsx, f.json);
        if let Some(s) = f.signed_by {
            println!("PDF signed by {s}");
        }
        return Ok(());
    }
    let r = diligence::report(s, &req)?;
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
    let terms: u32 = r.unsourced_terms.iter().map(|u| u.terms).sum();
    let unsourced: usize = r.unsourced_terms.iter().map(|u| u.unsourced.len()).sum();
    let sourced = r
        .unsourced_terms
        .iter()
        .filter(|u| u.unsourced.is_empty() && u.terms > 0)
        .count();
    println!(
        "terms without a clause: {unsourced} of {terms}; {sourced} contract(s) with every term linked (contracts sources ID)"
    );
    Ok(())
}

pub fn coverage(s: &Session, map: &str, until: &str, months: u32, j: bool) -> Result<(), AppError> {
    let c = coverage::coverage(s, map, until, months)?;
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
    s: &mut Session,
    period: &str,
    out: &str,
    templates: Option<&str>,
    j: bool,
) -> Result<(), AppError> {
    let req = NoticeRequest {
        period,
        out: Some(out),
        templates,
    };
    let files = notices::draft(s, &req)?;
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
    s: &Session,
    contract: &str,
    sla: &str,
    period: &str,
    j: bool,
) -> Result<(), AppError> {
    let m = compare::two_methods(s, contract, sla, period)?;
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

pub fn executive(s: &mut Session, until: &str, months: u32, out: &str) -> Result<(), AppError> {
    let f = executive::export(s, until, months, Some(out))?;
    println!("wrote {}\n      {}\n      {}", f.pdf, f.xlsx, f.json);
    Ok(())
}
