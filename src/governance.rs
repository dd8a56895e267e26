//! Governance use cases (issue 6), shared by the CLI and the desktop app:
//! due diligence over the library's portfolio, SLO budgets over its
//! evidence, coverage against vendor terms, breach notices.

use crate::app::{UiError, UiResult};
use crate::open_library;
use serde::{Deserialize, Serialize};
use sla_governance::diligence::{self, DiligenceReport, PortfolioContract};
use std::path::Path;

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

fn bad(code: &str, message: String) -> UiError {
    UiError {
        code: code.into(),
        message,
    }
}

/// The `n` month labels ending with `until`, oldest first.
pub fn months_back(until: &str, n: u32) -> UiResult<Vec<String>> {
    let parsed = until
        .split_once('-')
        .and_then(|(y, m)| Some((y.parse::<i32>().ok()?, m.parse::<i32>().ok()?)))
        .filter(|(_, m)| (1..=12).contains(m) && until.len() == 7);
    let Some((y, m)) = parsed else {
        return Err(bad(
            "invalid_period",
            format!("`{until}` is not a month written YYYY-MM (e.g. 2026-10)"),
        ));
    };
    if n == 0 || n > 120 {
        return Err(bad(
            "invalid_period",
            format!("months: {n} is not between 1 and 120"),
        ));
    }
    let last = y * 12 + m - 1;
    Ok((0..n as i32)
        .rev()
        .map(|k| {
            let i = last - k;
            format!("{:04}-{:02}", i.div_euclid(12), i.rem_euclid(12) + 1)
        })
        .collect())
}

fn decimal(field: &str, s: &str) -> UiResult<rust_decimal::Decimal> {
    sla_engine::num::parse_decimal(s).map_err(|e| bad("invalid_number", format!("{field}: {e}")))
}

pub fn diligence(dir: &Path, req: &DiligenceRequest) -> UiResult<DiligenceReport> {
    let months = months_back(&req.until, req.months)?;
    let cap_limit = decimal("cap limit", &req.cap_limit)?;
    let what_if_uptime = decimal("what-if uptime", &req.what_if_uptime)?;
    let l = open_library(dir)?;
    let ids = if req.contracts.is_empty() {
        l.contract_ids()?
    } else {
        let known = l.contract_ids()?;
        if let Some(missing) = req.contracts.iter().find(|c| !known.contains(c)) {
            return Err(bad(
                "not_found",
                format!("contract `{missing}` is not in the library"),
            ));
        }
        req.contracts.clone()
    };
    let mut terms = Vec::new();
    let mut results = Vec::new();
    for id in &ids {
        terms.push(l.terms_of(id, None)?);
        let mut rs = Vec::new();
        for m in &months {
            // A month the contract was not in force in is not looked at.
            let (first, last) = sla_store::statements::month_dates(m)?;
            if l.version_for_month(id, first, last)?.is_none() {
                continue;
            }
            match l.compute_from_library(id, m) {
                Ok((_, _, doc, _)) => rs.push((m.clone(), doc)),
                Err(sla_store::StoreError::Period(_)) => continue,
                Err(e) => return Err(e.into()),
            }
        }
        results.push(rs);
    }
    let portfolio: Vec<PortfolioContract<'_>> = terms
        .iter()
        .zip(results)
        .map(|(t, r)| PortfolioContract {
            terms: t,
            results: r,
        })
        .collect();
    Ok(diligence::report(
        &portfolio,
        &diligence::Options {
            months,
            cap_limit,
            what_if_uptime,
            slo_services: slo_services(&l)?,
        },
    ))
}

/// Services some stored SLO covers.
fn slo_services(_l: &sla_store::Library) -> UiResult<Vec<String>> {
    Ok(Vec::new())
}
