//! Due diligence over the library's portfolio (or some contracts of it).

use super::{decimal, months_back, reports_dir, write_report, ReportFiles};
use crate::usecases::statements::compute_stored;
use crate::usecases::Session;
use crate::{AppError, Code};
use serde::{Deserialize, Serialize};
use sla_governance::diligence::{self, DiligenceReport, PortfolioContract};

/// What a due-diligence report looks at.
#[derive(Debug, Clone, Deserialize, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct DiligenceRequest {
    /// The last month looked at (YYYY-MM).
    pub until: String,
    /// How many months back from `until`, inclusive.
    pub months: u32,
    /// Contract ids; empty means the whole library.
    pub contracts: Vec<String>,
    /// A contract cap above this percent of fees is flagged.
    pub cap_limit: String,
    /// The uniform uptime, in percent, for the what-if.
    pub what_if_uptime: String,
}

fn contract_ids(s: &Session, asked: &[String]) -> Result<Vec<String>, AppError> {
    let known = s.lib.contract_ids()?;
    if asked.is_empty() {
        return Ok(known);
    }
    match asked.iter().find(|c| !known.contains(c)) {
        Some(missing) => Err(AppError::invalid(
            Code::NotFound,
            format!("contract `{missing}` is not in the library"),
        )),
        None => Ok(asked.to_vec()),
    }
}

/// A contract's computed months among `months` (months it was not in force
/// in are not looked at).
fn results(
    s: &Session,
    id: &str,
    months: &[String],
) -> Result<Vec<(String, sla_engine::ResultDoc)>, AppError> {
    let mut rs = Vec::new();
    for m in months {
        let (first, last) = sla_store::statements::month_dates(m)?;
        if s.lib.version_for_month(id, first, last)?.is_none() {
            continue;
        }
        match compute_stored(&s.lib, id, m) {
            Ok(c) => rs.push((m.clone(), c.doc)),
            Err(AppError::Period(_)) => continue,
            Err(e) => return Err(e),
        }
    }
    Ok(rs)
}

pub fn report(s: &Session, req: &DiligenceRequest) -> Result<DiligenceReport, AppError> {
    let months = months_back(&req.until, req.months)?;
    let cap_limit = decimal("cap limit", &req.cap_limit)?;
    let what_if_uptime = decimal("what-if uptime", &req.what_if_uptime)?;
    let ids = contract_ids(s, &req.contracts)?;
    let mut terms = Vec::new();
    let mut results_ = Vec::new();
    for id in &ids {
        terms.push(s.lib.terms_of(id, None)?);
        results_.push(results(s, id, &months)?);
    }
    let portfolio: Vec<PortfolioContract<'_>> = terms
        .iter()
        .zip(results_)
        .map(|(t, r)| PortfolioContract {
            terms: t,
            results: r,
        })
        .collect();
    let slo_services = s.lib.slos()?.into_iter().map(|x| x.service).collect();
    let mut r = diligence::report(
        &portfolio,
        &diligence::Options {
            months,
            cap_limit,
            what_if_uptime,
            slo_services,
        },
    );
    // Where the contract says so (issue 18): each contract's newest terms.
    for id in &ids {
        let src = crate::usecases::clauses::sources(s, id, None)?;
        r.unsourced_terms.push(diligence::UnsourcedTerms {
            contract: id.clone(),
            terms: src.terms as u32,
            unsourced: src.unsourced,
        });
    }
    Ok(r)
}

/// The report written as a signed PDF, a workbook and JSON into `out`
/// (default: the library's `reports/` folder).
pub fn export(
    s: &mut Session,
    req: &DiligenceRequest,
    out: Option<&str>,
) -> Result<ReportFiles, AppError> {
    let r = report(s, req)?;
    let doc = sla_export::reports::diligence_doc(&r, s.ctx.now, &s.ctx.actor);
    let out = reports_dir(s, out)?;
    write_report(
        s,
        &doc,
        &r,
        &out,
        &format!("due-diligence-{}", req.until),
        "report.diligence",
    )
}
