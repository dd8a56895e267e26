//! The questions users ask of a library: credits by counterparty and month,
//! by direction; contracts with no SLA terms; services with no evidence in a
//! month. Sums are exact decimals, never SQL arithmetic on money text.

use crate::statements::month_dates;
use crate::{params, Library, StoreError};
use rust_decimal::Decimal;
use serde::Serialize;
use std::collections::BTreeMap;
use std::str::FromStr;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CreditGrouping {
    Counterparty,
    Direction,
}

#[derive(Debug, Clone, Serialize, ts_rs::TS, PartialEq, Eq)]
#[ts(export)]
pub struct CreditRow {
    /// Counterparty name, or "owed by us" / "owed to us".
    pub group: String,
    pub period: String,
    pub currency: String,
    pub statements: i64,
    pub total: String,
}

#[derive(Debug, Clone, Serialize, ts_rs::TS, PartialEq, Eq)]
#[ts(export)]
pub struct ServiceGap {
    pub contract: String,
    pub service: String,
}

pub fn direction_label(d: Option<&str>) -> &'static str {
    d.and_then(sla_engine::terms::Direction::parse)
        .map_or("direction not set", |d| d.short())
}

impl Library {
    /// Credits of final statements, grouped, per month and currency (no
    /// arithmetic across currencies).
    pub fn credits(
        &self,
        by: CreditGrouping,
        from: Option<&str>,
        to: Option<&str>,
    ) -> Result<Vec<CreditRow>, StoreError> {
        let rows = self.conn().query("SELECT coalesce(v.counterparty, s.contract_id), s.direction, s.period, s.currency, s.total FROM statements s JOIN contract_versions v ON v.id = s.version_id WHERE s.status = 'final' AND (CAST(?1 AS TEXT) IS NULL OR s.period >= ?1) AND (CAST(?2 AS TEXT) IS NULL OR s.period <= ?2)", params![from, to])?;
        let mut sums: BTreeMap<(String, String, String), (i64, Decimal)> = BTreeMap::new();
        for r in &rows {
            let (cp, dir, period, currency, total): (
                String,
                Option<String>,
                String,
                String,
                String,
            ) = (r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?);
            let group = match by {
                CreditGrouping::Counterparty => cp,
                CreditGrouping::Direction => direction_label(dir.as_deref()).to_string(),
            };
            let amount = Decimal::from_str(&total).map_err(|e| {
                StoreError::Conflict(format!(
                    "a {currency} total of {period} ({total}) is not a decimal this program can add exactly: {e}"
                ))
            })?;
            let key = (group, period, currency);
            let e = sums.entry(key.clone()).or_default();
            e.0 += 1;
            e.1 = exact_add(e.1, amount).ok_or_else(|| {
                StoreError::Conflict(format!(
                    "the {} credits of {} for {} overflow exact decimal arithmetic (more than 28 significant digits)",
                    key.2, key.1, key.0
                ))
            })?;
        }
        Ok(sums
            .into_iter()
            .map(|((group, period, currency), (n, t))| CreditRow {
                group,
                period,
                currency,
                statements: n,
                total: t.to_string(),
            })
            .collect())
    }

    /// Contracts whose newest version has no SLA terms.
    pub fn contracts_without_terms(&self) -> Result<Vec<String>, StoreError> {
        self.conn()
            .query("SELECT v.contract_id FROM contract_versions v WHERE v.version = (SELECT MAX(version) FROM contract_versions y WHERE y.contract_id = v.contract_id) AND v.sla_count = 0 ORDER BY 1", params![])?
            .iter()
            .map(|r| r.get(0))
            .collect()
    }

    /// Services of the terms in force in `period` with no evidence row
    /// (outage, maintenance or incident) touching that month.
    pub fn services_without_evidence(&self, period: &str) -> Result<Vec<ServiceGap>, StoreError> {
        let (first, last) = month_dates(period)?;
        let mut gaps = Vec::new();
        for contract in self.contract_ids()? {
            let Some((_, version)) = self.version_for_month(&contract, first, last)? else {
                continue;
            };
            let terms = self.terms_of(&contract, Some(version))?;
            let Ok(p) = terms.period(period) else {
                continue;
            };
            for s in &terms.services {
                let seen: bool = self
                    .conn()
                    .query_one(
                        "SELECT EXISTS (SELECT 1 FROM outages o JOIN imports i ON i.id = o.import_id WHERE i.contract_id = ?1 AND o.service = ?2 AND o.start_utc < ?4 AND coalesce(o.end_utc, ?4) >= ?3)
                             OR EXISTS (SELECT 1 FROM maintenance m JOIN imports i ON i.id = m.import_id WHERE i.contract_id = ?1 AND m.service = ?2 AND m.start_utc < ?4 AND m.end_utc >= ?3)
                             OR EXISTS (SELECT 1 FROM incident_events e JOIN imports i ON i.id = e.import_id WHERE i.contract_id = ?1 AND e.service = ?2 AND e.at_utc >= ?3 AND e.at_utc < ?4)",
                        params![contract, s.id, p.start, p.end],
                    )?
                    .get(0)?;
                if !seen {
                    gaps.push(ServiceGap {
                        contract: contract.clone(),
                        service: s.id.clone(),
                    });
                }
            }
        }
        Ok(gaps)
    }
}

/// `a + b` only when exact: `rust_decimal` keeps 28-29 significant digits
/// and would rather drop decimal places than fail, which for money is a
/// silent loss of cents.
pub fn exact_add(a: Decimal, b: Decimal) -> Option<Decimal> {
    let sum = a.checked_add(b)?;
    let s = sum.scale();
    (a.round_dp(s) == a && b.round_dp(s) == b).then_some(sum)
}
