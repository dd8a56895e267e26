//! Due diligence over a portfolio of contracts: credits issued and received
//! per month and as a share of fees, breach frequency, chronic-breach
//! (termination) exposure, the most the contracts can still cost over the
//! rest of their terms, a what-if at a uniform uptime, unusual terms, gaps
//! (contracts without SLA terms, services without SLOs) and governing laws.
//!
//! Amounts never mix currencies. Bounds (monthly maximum, exposure,
//! what-if) are before rounding and the minimum credit; the report says so.

use num_traits::Zero;
use rust_decimal::Decimal;
use serde::Serialize;
use sla_engine::availability::{schedule_percent, DaysOfService};
use sla_engine::num::{fmt_fixed, rat, rat_int, Rat};
use sla_engine::terms::{Aggregation, Basis, Schedule, SlaTerm};
use sla_engine::{chronic, Month, ResultDoc, Terms};
use std::collections::BTreeMap;

/// One contract of the portfolio with its results for the months looked at
/// (only months it was in force).
pub struct PortfolioContract<'a> {
    pub terms: &'a Terms,
    pub results: Vec<(String, ResultDoc)>,
}

#[derive(Debug, Clone)]
pub struct Options {
    /// The months looked at, oldest first (YYYY-MM).
    pub months: Vec<String>,
    /// A contract cap above this percent of fees is unusual.
    pub cap_limit: Decimal,
    /// The uniform uptime (percent) for the what-if.
    pub what_if_uptime: Decimal,
    /// Services that have an SLO (by service id).
    pub slo_services: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct MonthRow {
    pub period: String,
    pub currency: String,
    /// Credits we owe customers (customer contracts).
    pub issued: String,
    /// Credits vendors owe us (vendor contracts).
    pub received: String,
    pub customer_fees: String,
    pub vendor_fees: String,
    /// issued / customer fees x 100, 4 places.
    pub issued_percent: Option<String>,
    pub received_percent: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct ContractRow {
    pub contract: String,
    pub counterparty: String,
    pub direction: String,
    pub currency: String,
    pub governing_law: String,
    pub monthly_fees: String,
    pub months_evaluated: u32,
    pub months_breached: u32,
    /// months_breached / months_evaluated x 100, 2 places.
    pub breach_frequency: Option<String>,
    pub credits: String,
    /// `met` (a termination right may arise), `one breach away`, `no`, or
    /// `no chronic clause`.
    pub chronic: String,
    /// Whole months after the last month looked at until the term ends;
    /// `None` when the term is open-ended.
    pub months_left: Option<u32>,
    /// The most one month can cost; `None` when some credit is uncapped.
    pub monthly_max: Option<String>,
    /// monthly_max x months_left (x 12 for an open-ended term).
    pub exposure_left: Option<String>,
    /// The month's credit if every service ran at the what-if uptime.
    pub what_if_monthly: String,
    /// Credits are the sole remedy (terms v2 section 9): `yes`, `no` or
    /// `unknown` (the terms do not say).
    pub sole_remedy: String,
    /// The right to terminate (terms v2 section 9), described, or `unknown`.
    pub termination: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct TermsFinding {
    pub contract: String,
    pub finding: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct CurrencyTotal {
    pub currency: String,
    pub direction: String,
    pub amount: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct DiligenceReport {
    pub months: Vec<String>,
    pub contracts_total: u32,
    pub monthly: Vec<MonthRow>,
    pub contracts: Vec<ContractRow>,
    /// Exposure left in the terms, per currency and direction (customer:
    /// what we may still owe; vendor: what we may still recover).
    pub exposure: Vec<CurrencyTotal>,
    /// Contracts whose exposure has no bound (an uncapped credit).
    pub uncapped: Vec<String>,
    /// The what-if per month, per currency and direction.
    pub what_if: Vec<CurrencyTotal>,
    pub what_if_uptime: String,
    pub unusual: Vec<TermsFinding>,
    pub without_sla_terms: Vec<String>,
    /// `CONTRACT/service` for services no SLO covers.
    pub services_without_slo: Vec<String>,
    pub by_governing_law: Vec<(String, u32)>,
    /// Contracts whose terms do not say whether credits are the sole remedy.
    pub sole_remedy_unknown: u32,
    /// Contracts whose terms do not say whether they can be terminated.
    pub termination_unknown: u32,
    /// Per contract, its terms (newest version) that no clause of a signed
    /// document is linked to (issue 18); filled from the library by the use
    /// case, empty from [`report`] alone.
    pub unsourced_terms: Vec<UnsourcedTerms>,
    pub notes: Vec<String>,
}

/// One contract's terms without a clause.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct UnsourcedTerms {
    pub contract: String,
    /// Term keys in all.
    pub terms: u32,
    pub unsourced: Vec<String>,
}

use crate::rat_of as num;

fn money(r: &Rat) -> String {
    fmt_fixed(r, 2)
}

fn fees(t: &Terms) -> Rat {
    t.services.iter().map(|s| rat(s.monthly_fee)).sum()
}

fn basis_fee(t: &Terms, basis: Basis, service: &str) -> Rat {
    match basis {
        Basis::Contract => fees(t),
        Basis::Service => t
            .services
            .iter()
            .filter(|s| s.id == service)
            .map(|s| rat(s.monthly_fee))
            .sum(),
    }
}

/// Adds up lines as the contract does (sum or max), then its cap.
fn aggregate(t: &Terms, lines: Vec<Option<Rat>>) -> Option<Rat> {
    let all: Option<Vec<Rat>> = lines.into_iter().collect();
    let agg = all.map(|v| match t.credit.aggregation {
        Aggregation::Sum => v.into_iter().sum(),
        Aggregation::Max => v.into_iter().max().unwrap_or_else(Rat::zero),
    });
    let cap = t
        .credit
        .cap_percent
        .map(|c| rat(c) * fees(t) / rat_int(100));
    match (agg, cap) {
        (Some(a), Some(c)) => Some(a.min(c)),
        (Some(a), None) => Some(a),
        (None, Some(c)) => Some(c),
        (None, None) => None,
    }
}

/// The most one month can cost: each line at its schedule's largest percent
/// (per-breach credits have none unless capped), under its cap.
pub fn monthly_max(t: &Terms) -> Option<Rat> {
    let lines = t
        .slas
        .iter()
        .map(|s| {
            let most = match &s.credit.schedule {
                // Days of service cost most in the shortest month (N = 28).
                Schedule::Tiers(ts) => ts
                    .iter()
                    .map(|x| match x.days {
                        Some(d) => {
                            let d = s.credit.cap_days.map_or(d, |c| d.min(c));
                            rat(d) * rat_int(100) / rat_int(28)
                        }
                        None => rat(x.percent),
                    })
                    .max(),
                Schedule::PerStep { .. } | Schedule::Multiplier(_) => Some(rat_int(100)),
                Schedule::PerBreach(_) => None,
            };
            let pct = match (most, s.credit.cap_percent.map(rat)) {
                (Some(m), Some(c)) => Some(m.min(c)),
                (Some(m), None) => Some(m),
                (None, Some(c)) => Some(c),
                (None, None) => None,
            };
            pct.map(|p| p * basis_fee(t, s.credit.basis, &s.service) / rat_int(100))
        })
        .collect();
    aggregate(t, lines)
}

/// A month's credit if every availability term measured `uptime` percent
/// and no incident clock breached.
pub fn what_if(t: &Terms, uptime: Decimal) -> Rat {
    let u = rat(uptime);
    let lines = t
        .slas
        .iter()
        .map(|s| match &s.term {
            SlaTerm::Availability(a) => {
                let target = rat(a.target);
                // A days-of-service tier is priced on a 30-day month.
                let dos = DaysOfService {
                    days_in_period: 30,
                    cap_days: s.credit.cap_days,
                };
                let (pct, _, _) = schedule_percent(
                    &s.credit.schedule,
                    a.breach_when,
                    &u,
                    &target,
                    a.breach_when.hits(&u, &target),
                    dos,
                    &mut Vec::new(),
                );
                let pct = match s.credit.cap_percent {
                    Some(c) => pct.min(rat(c)),
                    None => pct,
                };
                Some(pct * basis_fee(t, s.credit.basis, &s.service) / rat_int(100))
            }
            SlaTerm::Incident(_) => Some(Rat::zero()),
        })
        .collect();
    aggregate(t, lines).unwrap_or_else(Rat::zero)
}

/// What the portfolio adds up to while its contracts are read one by one.
#[derive(Default)]
struct Totals {
    /// (period, currency) -> (issued, received, customer fees, vendor fees)
    monthly: BTreeMap<(String, String), [Rat; 4]>,
    /// (currency, direction) -> exposure left
    exposure: BTreeMap<(String, String), Rat>,
    /// (currency, direction) -> what-if per month
    whatif: BTreeMap<(String, String), Rat>,
    unusual: Vec<TermsFinding>,
    uncapped: Vec<String>,
    without_sla: Vec<String>,
    no_slo: Vec<String>,
    laws: BTreeMap<String, u32>,
}

/// One contract's results over the months looked at.
struct History {
    credits: Rat,
    months_breached: u32,
    breached: Vec<Month>,
}

pub fn report(portfolio: &[PortfolioContract<'_>], o: &Options) -> DiligenceReport {
    // Months are counted from the last month looked at; with none (or a
    // label that is no month), from 0000-01, as the figures always were.
    let last = o
        .months
        .last()
        .and_then(|m| m.parse::<Month>().ok())
        .unwrap_or(Month::MIN);
    let mut totals = Totals::default();
    let rows = portfolio
        .iter()
        .map(|pc| totals.contract(pc, o, last))
        .collect();
    totals.into_report(rows, portfolio.len() as u32, o)
}

impl Totals {
    /// Reads one contract into the totals and returns its row.
    fn contract(&mut self, pc: &PortfolioContract<'_>, o: &Options, last: Month) -> ContractRow {
        let t = pc.terms;
        let c = &t.contract;
        let direction = c
            .direction
            .map(|d| d.name())
            .unwrap_or("not set")
            .to_string();
        self.gaps(t, o);
        self.unusual.extend(unusual_terms(t, o.cap_limit));
        let fee = fees(t);
        let history = self.history(pc, &fee);
        let chronic = match t.credit.chronic {
            None => "no chronic clause".to_string(),
            Some(rule) => chronic::assess(&rule, last, |m| history.breached.contains(&m)).summary(),
        };
        let months_left = c
            .effective_to
            .map(|to| Month::of(to).map_or(0, |end| end.months_since(last)).max(0) as u32);
        let max = monthly_max(t);
        let exp = max
            .as_ref()
            .map(|m| m.clone() * rat_int(months_left.unwrap_or(12) as i64));
        let key = (c.currency.clone(), direction.clone());
        match &exp {
            Some(x) => *self.exposure.entry(key.clone()).or_insert_with(Rat::zero) += x.clone(),
            None => self.uncapped.push(c.id.clone()),
        }
        let wi = what_if(t, o.what_if_uptime);
        *self.whatif.entry(key).or_insert_with(Rat::zero) += wi.clone();
        let n = pc.results.len() as u32;
        ContractRow {
            contract: c.id.clone(),
            counterparty: c.counterparty.clone().unwrap_or_default(),
            direction,
            currency: c.currency.clone(),
            governing_law: c
                .governing_law
                .clone()
                .unwrap_or_else(|| "not stated".into()),
            monthly_fees: money(&fee),
            months_evaluated: n,
            months_breached: history.months_breached,
            breach_frequency: (n > 0).then(|| {
                fmt_fixed(
                    &(rat_int(history.months_breached as i64) * rat_int(100) / rat_int(n as i64)),
                    2,
                )
            }),
            credits: money(&history.credits),
            chronic,
            months_left,
            monthly_max: max.as_ref().map(money),
            exposure_left: exp.as_ref().map(money),
            what_if_monthly: money(&wi),
            sole_remedy: match c.sole_remedy {
                Some(true) => "yes",
                Some(false) => "no",
                None => "unknown",
            }
            .into(),
            termination: c
                .termination
                .map_or_else(|| "unknown".into(), |x| x.describe()),
        }
    }

    /// Governing laws, contracts without SLA terms, services without SLOs.
    fn gaps(&mut self, t: &Terms, o: &Options) {
        let c = &t.contract;
        *self
            .laws
            .entry(
                c.governing_law
                    .clone()
                    .unwrap_or_else(|| "not stated".into()),
            )
            .or_default() += 1;
        if t.slas.is_empty() {
            self.without_sla.push(c.id.clone());
        }
        for s in &t.services {
            if !o.slo_services.contains(&s.id) {
                self.no_slo.push(format!("{}/{}", c.id, s.id));
            }
        }
    }

    /// Credits and breached months of one contract; its credits and fees
    /// go into the monthly totals by direction (vendor credits are
    /// received, the rest issued).
    fn history(&mut self, pc: &PortfolioContract<'_>, fee: &Rat) -> History {
        let c = &pc.terms.contract;
        let vendor = c.direction == Some(sla_engine::terms::Direction::Vendor);
        let mut h = History {
            credits: Rat::zero(),
            months_breached: 0,
            breached: Vec::new(),
        };
        for (period, r) in &pc.results {
            let total = num(&r.total);
            h.credits += total.clone();
            if r.lines.iter().any(|l| l.breached()) {
                h.months_breached += 1;
                h.breached.extend(period.parse::<Month>().ok());
            }
            let e = self
                .monthly
                .entry((period.clone(), c.currency.clone()))
                .or_insert_with(|| [Rat::zero(), Rat::zero(), Rat::zero(), Rat::zero()]);
            if vendor {
                e[1] += total;
                e[3] += fee.clone();
            } else {
                e[0] += total;
                e[2] += fee.clone();
            }
        }
        h
    }

    fn into_report(self, rows: Vec<ContractRow>, contracts: u32, o: &Options) -> DiligenceReport {
        let pctf = |a: &Rat, b: &Rat| {
            (!b.is_zero()).then(|| fmt_fixed(&(a.clone() * rat_int(100) / b.clone()), 4))
        };
        let totals = |m: BTreeMap<(String, String), Rat>| {
            m.into_iter()
                .map(|((currency, direction), v)| CurrencyTotal {
                    currency,
                    direction,
                    amount: money(&v),
                })
                .collect()
        };
        DiligenceReport {
            months: o.months.clone(),
            contracts_total: contracts,
            monthly: self
                .monthly
                .into_iter()
                .map(|((period, currency), [i, r, cf, vf])| MonthRow {
                    issued_percent: pctf(&i, &cf),
                    received_percent: pctf(&r, &vf),
                    period,
                    currency,
                    issued: money(&i),
                    received: money(&r),
                    customer_fees: money(&cf),
                    vendor_fees: money(&vf),
                })
                .collect(),
            exposure: totals(self.exposure),
            uncapped: self.uncapped,
            what_if: totals(self.whatif),
            what_if_uptime: sla_engine::num::fmt_dec(o.what_if_uptime),
            unusual: self.unusual,
            without_sla_terms: self.without_sla,
            services_without_slo: self.no_slo,
            by_governing_law: self.laws.into_iter().collect(),
            unsourced_terms: Vec::new(),
            sole_remedy_unknown: count(&rows, |r| r.sole_remedy == "unknown"),
            termination_unknown: count(&rows, |r| r.termination == "unknown"),
            notes: vec![
                "Monthly maximum, exposure and what-if are before rounding and the minimum credit; total-stage rounding can add less than one unit.".into(),
                "Exposure left = monthly maximum x whole months after the last month looked at until the term ends; an open-ended term counts 12 months.".into(),
                "Chronic status counts only the months looked at.".into(),
                "Sole remedy and termination come from the terms (sla-terms/2, section 9); \"unknown\" means the terms do not say (every v1 file): check the contract documents.".into(),
            ],
            contracts: rows,
        }
    }
}

fn count(rows: &[ContractRow], f: impl Fn(&ContractRow) -> bool) -> u32 {
    rows.iter().filter(|r| f(r)).count() as u32
}

/// Terms a reviewer should look at twice: a contract cap above the limit
/// or none, credits that grow without tiers, per-breach credits without a
/// line cap, a tier above 100 %, aggregation by max.
fn unusual_terms(t: &Terms, cap_limit: Decimal) -> Vec<TermsFinding> {
    let mut found = Vec::new();
    let mut flag = |f: String| {
        found.push(TermsFinding {
            contract: t.contract.id.clone(),
            finding: f,
        })
    };
    match t.credit.cap_percent {
        Some(cap) if cap > cap_limit => flag(format!(
            "contract cap {} % of fees is above {} %",
            sla_engine::num::fmt_dec(cap),
            sla_engine::num::fmt_dec(cap_limit)
        )),
        None => flag("no contract cap on credits".into()),
        _ => {}
    }
    for s in &t.slas {
        match &s.credit.schedule {
            Schedule::Multiplier(m) => flag(format!(
                "{}: credit is {} x the shortfall (a multiplier, not tiers)",
                s.id,
                sla_engine::num::fmt_dec(*m)
            )),
            Schedule::PerStep { .. } => flag(format!(
                "{}: credit grows per step of shortfall (not tiers)",
                s.id
            )),
            Schedule::PerBreach(_) if s.credit.cap_percent.is_none() => {
                flag(format!("{}: per-breach credit with no line cap", s.id))
            }
            Schedule::Tiers(ts) if ts.iter().any(|x| x.percent > Decimal::from(100)) => flag(
                format!("{}: a tier credits more than 100 % of the fee", s.id),
            ),
            _ => {}
        }
    }
    if t.credit.aggregation == Aggregation::Max {
        flag("credits aggregate by max, not sum".into());
    }
    found
}
