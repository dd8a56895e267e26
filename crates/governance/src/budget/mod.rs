//! Error budgets: how much of an objective's allowance for bad seconds,
//! requests or slices the current window has used, how fast it is burning
//! over several look-back windows, when it runs out at the current burn, and
//! which policy thresholds are crossed and since when.
//!
//! Units and budgets (written down in docs/spec-decisions.md):
//! - outages, Occurrences: seconds; budget = (1 - target) x window length.
//! - outages or requests, Timeslices: whole slices of the window; budget =
//!   (1 - target) x slices; a slice is bad when its own ratio is below the
//!   slice target; a trailing partial slice is not counted.
//! - requests, Occurrences: requests; budget = (1 - target) x requests seen
//!   so far in the window (it grows with traffic).
//!
//! Everything is exact (decimals and rationals); percentages and burn rates
//! are shown to 4 places, rounded half-even, and the trace says so.
//!
//! The evaluation in steps: `consumption` measures the budget and what the
//! window used of it (one way per budgeting method and indicator), `burn`
//! reads burn rates, the outlook, threshold crossings and the burn-down
//! off the same evidence and consumption timeline.

mod burn;
mod consumption;
#[cfg(test)]
mod properties;
#[cfg(test)]
mod tests;

use crate::slo::{Budgeting, Policy, Slo, TemporaryTarget, Window};
use num_traits::Zero;
use rust_decimal::Decimal;
use serde::Serialize;
use sla_engine::num::{fmt_dec, fmt_fixed, fmt_rat, rat, rat_int, Rat};
use sla_engine::time::fmt_instant;
use sla_engine::Instant;

/// One row of a `requests` sheet: counts for a service over `[start, end)`.
#[derive(Debug, Clone, PartialEq)]
pub struct RequestRow {
    pub service: String,
    pub start: Instant,
    pub end: Instant,
    pub good: u64,
    pub total: u64,
    /// `file:sheet:row`, for traces.
    pub origin: String,
}

/// The evidence for one objective's service: outage intervals (open ones
/// already ended at `now` by the caller) and request counts.
#[derive(Debug, Clone, Default)]
pub struct Evidence {
    pub outages: Vec<(Instant, Instant)>,
    pub requests: Vec<RequestRow>,
}

#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct BurnRate {
    /// `1h`, `6h`, `1d`, `3d`.
    pub lookback: String,
    /// Bad fraction over the look-back divided by the allowed fraction
    /// (1 - target): 1 spends the budget exactly over the window.
    pub rate: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct ThresholdState {
    pub consumed_percent: String,
    pub action: String,
    pub owner: String,
    pub triggered: bool,
    /// When consumption first reached the threshold in this window.
    pub since: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct BudgetReport {
    pub slo: String,
    pub service: String,
    pub group: Option<String>,
    pub indicator: String,
    pub budgeting: String,
    pub window_start: String,
    pub window_end: String,
    pub now: String,
    pub target: String,
    /// Set when a temporary target is in force: its reason.
    pub temporary_target: Option<String>,
    /// `seconds`, `requests` or `slices`.
    pub unit: String,
    pub budget: String,
    pub consumed: String,
    pub remaining: String,
    /// `None` when the budget is zero (a target of 1).
    pub consumed_percent: Option<String>,
    /// The indicator over the elapsed window (good / total), 6 places.
    pub attained: Option<String>,
    pub burn_rates: Vec<BurnRate>,
    /// `exhausted`, `runs_out`, `holds` (lasts to the window's end, or
    /// grows as fast as it burns) or `no_burn`.
    pub outlook: String,
    /// For `exhausted`: when it ran out; for `runs_out`: when it will.
    pub outlook_at: Option<String>,
    pub thresholds: Vec<ThresholdState>,
    /// Budget left at the end of each day of the window so far (and at
    /// `now`): (instant, remaining units), for a burn-down chart.
    pub burndown: Vec<(String, String)>,
    pub trace: Vec<String>,
}

/// Look-back windows for burn rates; the outlook uses [`OUTLOOK_LOOKBACK`].
pub const LOOKBACKS: [(&str, i64); 4] = [
    ("1h", 3_600),
    ("6h", 6 * 3_600),
    ("1d", 86_400),
    ("3d", 3 * 86_400),
];
pub const OUTLOOK_LOOKBACK: usize = 2;

fn pct(r: &Rat) -> String {
    fmt_fixed(r, 4)
}

/// What one evaluation looks at: the objective, its policy and evidence,
/// the window holding `now`, and the target in force.
struct Scope<'a> {
    slo: &'a Slo,
    policy: &'a Policy,
    ev: &'a Evidence,
    /// The window `[ws, we)`; evidence counts up to `until` (`now`, or the
    /// window's end when `now` is past it).
    ws: Instant,
    we: Instant,
    until: Instant,
    now: Instant,
    target: Decimal,
    /// The allowed bad fraction, 1 - target.
    allowed: Rat,
}

/// Evaluates one objective at `now`.
pub fn evaluate(slo: &Slo, policy: &Policy, ev: &Evidence, now: Instant) -> BudgetReport {
    let (ws, we) = slo.window_at(now);
    let (t, temp) = slo.target_at(policy, now);
    let s = Scope {
        slo,
        policy,
        ev,
        ws,
        we,
        until: now.min(we),
        now,
        target: t,
        allowed: rat(Decimal::ONE - t),
    };
    let mut trace = Vec::new();
    scope_trace(&s, temp, &mut trace);
    let c = consumption::measure(&s, &mut trace);
    let remaining = c.budget.clone() - c.consumed.clone();
    let consumed_percent =
        (!c.budget.is_zero()).then(|| c.consumed.clone() / c.budget.clone() * rat_int(100));
    let burn_rates = burn::rates(&s, &mut trace);
    let (outlook, outlook_at) = burn::outlook(&s, &c, &remaining, &mut trace);
    let thresholds = burn::thresholds(policy, &c, consumed_percent.as_ref());
    let burndown = burn::burndown(&s, &c);
    BudgetReport {
        slo: slo.name.clone(),
        service: slo.service.clone(),
        group: slo.group.clone(),
        indicator: slo.indicator.name().into(),
        budgeting: match slo.budgeting {
            Budgeting::Occurrences => "Occurrences".into(),
            Budgeting::Timeslices { .. } => "Timeslices".into(),
        },
        window_start: fmt_instant(ws),
        window_end: fmt_instant(we),
        now: fmt_instant(now),
        target: fmt_dec(t),
        temporary_target: temp.map(|x| x.reason.clone()),
        unit: c.unit.into(),
        budget: fmt_rat(&c.budget, 0),
        consumed: fmt_rat(&c.consumed, 0),
        remaining: fmt_rat(&remaining, 0),
        consumed_percent: consumed_percent.as_ref().map(pct),
        attained: c.attained.as_ref().map(|a| fmt_fixed(a, 6)),
        burn_rates,
        outlook: outlook.into(),
        outlook_at: outlook_at.map(fmt_instant),
        thresholds,
        burndown,
        trace,
    }
}

/// The window, the target in force and the approved exceptions, as the
/// trace opens.
fn scope_trace(s: &Scope<'_>, temp: Option<&TemporaryTarget>, trace: &mut Vec<String>) {
    trace.push(format!(
        "Window: {} to {} ({}); evaluated at {}.",
        fmt_instant(s.ws),
        fmt_instant(s.we),
        match &s.slo.window {
            Window::Rolling { text, .. } => format!("rolling {text}"),
            Window::Calendar { tz, .. } => format!("calendar-aligned in {}", tz.name()),
        },
        fmt_instant(s.now)
    ));
    match temp {
        Some(x) => trace.push(format!(
            "Target: {} (temporary, {} to {}: {}) instead of {}.",
            fmt_dec(s.target),
            fmt_instant(x.from),
            fmt_instant(x.to),
            x.reason,
            fmt_dec(s.slo.target)
        )),
        None => trace.push(format!("Target: {}.", fmt_dec(s.target))),
    }
    for x in &s.policy.exceptions {
        trace.push(format!(
            "Approved exception {} to {} ({}, approved by {}): not counted.",
            fmt_instant(x.start),
            fmt_instant(x.end),
            x.reason,
            x.approver
        ));
    }
}

/// A budget pooled across a named group: the members' budgets and
/// consumption added up (one unit only).
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct PoolReport {
    pub group: String,
    pub unit: String,
    pub members: Vec<String>,
    pub budget: String,
    pub consumed: String,
    pub remaining: String,
    pub consumed_percent: Option<String>,
}

pub fn pool(group: &str, members: &[&BudgetReport]) -> Result<PoolReport, crate::EvalError> {
    let first = members
        .first()
        .ok_or_else(|| crate::EvalError::EmptyGroup(group.into()))?;
    let mut units: Vec<&str> = members.iter().map(|m| m.unit.as_str()).collect();
    units.dedup();
    if units.len() > 1 {
        return Err(crate::EvalError::MixedUnits {
            group: group.into(),
            units: units.join(", "),
        });
    }
    let budget: Rat = members.iter().map(|m| crate::rat_of(&m.budget)).sum();
    let consumed: Rat = members.iter().map(|m| crate::rat_of(&m.consumed)).sum();
    Ok(PoolReport {
        group: group.into(),
        unit: first.unit.clone(),
        members: members.iter().map(|m| m.slo.clone()).collect(),
        budget: fmt_rat(&budget, 0),
        consumed: fmt_rat(&consumed, 0),
        remaining: fmt_rat(&(budget.clone() - consumed.clone()), 0),
        consumed_percent: (!budget.is_zero()).then(|| pct(&(consumed / budget * rat_int(100)))),
    })
}
