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

use crate::slo::{Budgeting, Indicator, Policy, Slo, Window};
use num_traits::{Signed, ToPrimitive, Zero};
use rust_decimal::Decimal;
use serde::Serialize;
use sla_engine::num::{fmt_dec, fmt_fixed, rat, rat_int, Rat};
use sla_engine::time::{fmt_instant, merge_intervals};
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

/// Bad intervals within `[a, b)`, less the approved exceptions.
fn bad_in(ev: &Evidence, policy: &Policy, a: Instant, b: Instant) -> Vec<(Instant, Instant)> {
    let cut: Vec<_> = ev
        .outages
        .iter()
        .map(|(s, e)| ((*s).max(a), (*e).min(b)))
        .collect();
    let mut bad = merge_intervals(cut);
    for x in &policy.exceptions {
        bad = bad
            .into_iter()
            .flat_map(|(s, e)| {
                let mut out = Vec::new();
                if s < x.start.min(e) {
                    out.push((s, x.start.min(e)));
                }
                if x.end.max(s) < e {
                    out.push((x.end.max(s), e));
                }
                out
            })
            .collect();
    }
    bad
}

fn seconds(v: &[(Instant, Instant)]) -> i64 {
    v.iter().map(|(a, b)| b - a).sum()
}

fn excused(policy: &Policy, r: &RequestRow) -> bool {
    policy
        .exceptions
        .iter()
        .any(|x| x.start <= r.start && r.end <= x.end)
}

/// Rows counted in `[a, b)` (by their start), as (total, bad); bad requests
/// of an excused row do not count.
fn requests_in(ev: &Evidence, policy: &Policy, a: Instant, b: Instant) -> (u64, u64) {
    ev.requests
        .iter()
        .filter(|r| a <= r.start && r.start < b)
        .fold((0, 0), |(t, bad), r| {
            let rb = if excused(policy, r) {
                0
            } else {
                r.total.saturating_sub(r.good)
            };
            (t + r.total, bad + rb)
        })
}

/// Whether each whole slice `[ws + i s, ws + (i+1) s)` ending by `until`
/// was bad.
fn bad_slices(
    slo: &Slo,
    ev: &Evidence,
    policy: &Policy,
    ws: Instant,
    until: Instant,
    s: i64,
    slice_target: Decimal,
) -> Vec<(Instant, bool)> {
    let n = ((until - ws) / s).max(0);
    (0..n)
        .map(|i| {
            let (a, b) = (ws + i * s, ws + (i + 1) * s);
            let bad = match slo.indicator {
                Indicator::Outages => {
                    let up = rat_int(s - seconds(&bad_in(ev, policy, a, b)));
                    up / rat_int(s) < rat(slice_target)
                }
                Indicator::Requests => {
                    let (t, bad) = requests_in(ev, policy, a, b);
                    t > 0 && rat_int((t - bad) as i64) / rat_int(t as i64) < rat(slice_target)
                }
            };
            (b, bad)
        })
        .collect()
}

/// Consumption over time: (instant, units consumed by then, budget by
/// then), in order, for finding when a threshold was crossed.
type Timeline = Vec<(Instant, Rat, Rat)>;

/// Evaluates one objective at `now`.
pub fn evaluate(slo: &Slo, policy: &Policy, ev: &Evidence, now: Instant) -> BudgetReport {
    let (ws, we) = slo.window_at(now);
    let until = now.min(we);
    let (t, temp) = slo.target_at(policy, now);
    let allowed = rat(Decimal::ONE - t);
    let mut trace = Vec::new();
    trace.push(format!(
        "Window: {} to {} ({}); evaluated at {}.",
        fmt_instant(ws),
        fmt_instant(we),
        match &slo.window {
            Window::Rolling { text, .. } => format!("rolling {text}"),
            Window::Calendar { tz, .. } => format!("calendar-aligned in {}", tz.name()),
        },
        fmt_instant(now)
    ));
    match temp {
        Some(x) => trace.push(format!(
            "Target: {} (temporary, {} to {}: {}) instead of {}.",
            fmt_dec(t),
            fmt_instant(x.from),
            fmt_instant(x.to),
            x.reason,
            fmt_dec(slo.target)
        )),
        None => trace.push(format!("Target: {}.", fmt_dec(t))),
    }
    for x in &policy.exceptions {
        trace.push(format!(
            "Approved exception {} to {} ({}, approved by {}): not counted.",
            fmt_instant(x.start),
            fmt_instant(x.end),
            x.reason,
            x.approver
        ));
    }
    let (unit, total, budget, consumed, attained, timeline): (
        _,
        Rat,
        Rat,
        Rat,
        Option<Rat>,
        Timeline,
    ) = match (&slo.budgeting, slo.indicator) {
        (Budgeting::Occurrences, Indicator::Outages) => {
            let total = rat_int(we - ws);
            let bad = bad_in(ev, policy, ws, until);
            let consumed = rat_int(seconds(&bad));
            let budget = allowed.clone() * total.clone();
            trace.push(format!(
                    "Budget: (1 - {}) x {} s = {} s of downtime; consumed: {} s in {} outage interval(s).",
                    fmt_dec(t),
                    we - ws,
                    sla_engine::num::fmt_rat(&budget, 0),
                    seconds(&bad),
                    bad.len()
                ));
            let elapsed = until - ws;
            let attained =
                (elapsed > 0).then(|| rat_int(elapsed - seconds(&bad)) / rat_int(elapsed));
            let mut cum = 0;
            let mut tl = Vec::new();
            for (a, b) in &bad {
                tl.push((*a, rat_int(cum), budget.clone()));
                cum += b - a;
                tl.push((*b, rat_int(cum), budget.clone()));
            }
            ("seconds", total, budget, consumed, attained, tl)
        }
        (Budgeting::Occurrences, Indicator::Requests) => {
            let (tot, bad) = requests_in(ev, policy, ws, until);
            let total = rat_int(tot as i64);
            let budget = allowed.clone() * total.clone();
            trace.push(format!(
                "Budget: (1 - {}) x {} requests so far = {} requests; consumed: {} bad requests.",
                fmt_dec(t),
                tot,
                sla_engine::num::fmt_rat(&budget, 0),
                bad
            ));
            let attained = (tot > 0).then(|| rat_int((tot - bad) as i64) / rat_int(tot as i64));
            let mut rows: Vec<&RequestRow> = ev
                .requests
                .iter()
                .filter(|r| ws <= r.start && r.start < until)
                .collect();
            rows.sort_by_key(|r| (r.end, r.start));
            let (mut ct, mut cb) = (0u64, 0u64);
            let mut tl = Vec::new();
            for r in rows {
                ct += r.total;
                if !excused(policy, r) {
                    cb += r.total.saturating_sub(r.good);
                }
                tl.push((
                    r.end,
                    rat_int(cb as i64),
                    allowed.clone() * rat_int(ct as i64),
                ));
            }
            ("requests", total, budget, rat_int(bad as i64), attained, tl)
        }
        (
            Budgeting::Timeslices {
                slice_seconds,
                slice_target,
                slice_text,
            },
            _,
        ) => {
            let n = (we - ws) / slice_seconds;
            let total = rat_int(n);
            let budget = allowed.clone() * total.clone();
            let slices = bad_slices(slo, ev, policy, ws, until, *slice_seconds, *slice_target);
            let bad = slices.iter().filter(|(_, b)| *b).count() as i64;
            trace.push(format!(
                    "Budget: (1 - {}) x {} slices of {} = {} slices; consumed: {} bad slice(s) (ratio below {}) of {} elapsed.",
                    fmt_dec(t),
                    n,
                    slice_text,
                    sla_engine::num::fmt_rat(&budget, 0),
                    bad,
                    fmt_dec(*slice_target),
                    slices.len()
                ));
            let attained = (!slices.is_empty())
                .then(|| rat_int(slices.len() as i64 - bad) / rat_int(slices.len() as i64));
            let mut cum = 0;
            let mut tl = Vec::new();
            for (end, b) in &slices {
                if *b {
                    cum += 1;
                    tl.push((*end, rat_int(cum), budget.clone()));
                }
            }
            ("slices", total, budget, rat_int(bad), attained, tl)
        }
    };
    let _ = total;
    let remaining = budget.clone() - consumed.clone();
    let consumed_percent =
        (!budget.is_zero()).then(|| consumed.clone() / budget.clone() * rat_int(100));

    // Burn rates: bad fraction over each look-back / allowed fraction.
    let fraction = |l: i64| -> (Rat, Rat, Rat) {
        // (bad fraction, bad units per second, total units per second)
        let a = now - l;
        match (&slo.budgeting, slo.indicator) {
            (Budgeting::Occurrences, Indicator::Outages) => {
                let b = rat_int(seconds(&bad_in(ev, policy, a, now)));
                (b.clone() / rat_int(l), b / rat_int(l), Rat::zero())
            }
            (Budgeting::Occurrences, Indicator::Requests) => {
                let (tot, bad) = requests_in(ev, policy, a, now);
                let f = if tot == 0 {
                    Rat::zero()
                } else {
                    rat_int(bad as i64) / rat_int(tot as i64)
                };
                (
                    f,
                    rat_int(bad as i64) / rat_int(l),
                    rat_int(tot as i64) / rat_int(l),
                )
            }
            (
                Budgeting::Timeslices {
                    slice_seconds,
                    slice_target,
                    ..
                },
                _,
            ) => {
                let all = bad_slices(
                    slo,
                    ev,
                    policy,
                    ws.min(a),
                    now,
                    *slice_seconds,
                    *slice_target,
                );
                let inl: Vec<_> = all.iter().filter(|(end, _)| *end > a).collect();
                let bad = inl.iter().filter(|(_, b)| *b).count() as i64;
                let f = if inl.is_empty() {
                    Rat::zero()
                } else {
                    rat_int(bad) / rat_int(inl.len() as i64)
                };
                (f, rat_int(bad) / rat_int(l), Rat::zero())
            }
        }
    };
    let mut burn_rates = Vec::new();
    for (name, l) in LOOKBACKS {
        let (f, _, _) = fraction(l);
        let rate = if allowed.is_zero() {
            "n/a".to_string()
        } else {
            pct(&(f / allowed.clone()))
        };
        burn_rates.push(BurnRate {
            lookback: name.into(),
            rate,
        });
    }
    trace.push(format!(
        "Burn rate = bad fraction over the look-back / (1 - {}); shown to 4 places, half-even.",
        fmt_dec(t)
    ));

    // Crossing: the first instant consumption reached `share` of the budget.
    let crossing = |share: &Rat| -> Option<Instant> {
        let mut prev: Option<(Instant, Rat)> = None;
        for (at, cum, bud) in &timeline {
            let need = share.clone() * bud.clone();
            if *cum >= need && !(need.is_zero() && cum.is_zero()) {
                // Within a bad interval consumption grows a second per
                // second: the crossing is exact to the second.
                if unit == "seconds" {
                    if let Some((pat, pcum)) = &prev {
                        if pcum < &need {
                            let d = need.clone() - pcum.clone();
                            let secs = sla_engine::num::ceil(&d).to_i64().unwrap_or(0);
                            return Some(pat + secs);
                        }
                    }
                }
                return Some(*at);
            }
            prev = Some((*at, cum.clone()));
        }
        None
    };

    let (outlook, outlook_at) = if !remaining.is_positive() && !budget.is_zero()
        || (budget.is_zero() && consumed.is_positive())
    {
        let at = crossing(&Rat::from_integer(1.into()));
        ("exhausted", at)
    } else {
        let (lname, l) = LOOKBACKS[OUTLOOK_LOOKBACK];
        let (_, bad_rate, total_rate) = fraction(l);
        let denom = if unit == "requests" {
            bad_rate.clone() - allowed.clone() * total_rate
        } else {
            bad_rate.clone()
        };
        if bad_rate.is_zero() {
            trace.push(format!(
                "Outlook: nothing bad in the last {lname}: no burn."
            ));
            ("no_burn", None)
        } else if !denom.is_positive() {
            trace.push(format!(
                "Outlook: over the last {lname} the budget grows as fast as it is spent: it holds."
            ));
            ("holds", None)
        } else {
            let secs = sla_engine::num::ceil(&(remaining.clone() / denom))
                .to_i64()
                .unwrap_or(i64::MAX / 4);
            let at = now.saturating_add(secs);
            let calendar = matches!(slo.window, Window::Calendar { .. });
            if calendar && at >= we {
                trace.push(format!("Outlook: at the last {lname}'s burn the budget lasts past the window's end ({}).", fmt_instant(we)));
                ("holds", None)
            } else {
                trace.push(format!(
                    "Outlook: at the last {lname}'s burn, {} {unit} remaining last {} s more: the budget runs out at {}.",
                    sla_engine::num::fmt_rat(&remaining, 0),
                    secs,
                    fmt_instant(at)
                ));
                ("runs_out", Some(at))
            }
        }
    };

    let thresholds = policy
        .thresholds
        .iter()
        .map(|th| {
            let share = rat(th.consumed_percent) / rat_int(100);
            let triggered = match &consumed_percent {
                Some(p) => *p >= rat(th.consumed_percent),
                None => consumed.is_positive(),
            };
            ThresholdState {
                consumed_percent: fmt_dec(th.consumed_percent),
                action: th.action.clone(),
                owner: th.owner.clone(),
                triggered,
                since: if triggered {
                    crossing(&share).map(fmt_instant)
                } else {
                    None
                },
            }
        })
        .collect();

    // Burn-down: what was left at each day's end, read off the same
    // consumption timeline the thresholds use.
    let mut burndown = Vec::new();
    let mut day = ws;
    loop {
        day = (day + 86_400).min(until);
        let (used, bud) = consumed_by(&timeline, day, unit, &budget);
        burndown.push((fmt_instant(day), sla_engine::num::fmt_rat(&(bud - used), 0)));
        if day >= until {
            break;
        }
    }

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
        unit: unit.into(),
        budget: sla_engine::num::fmt_rat(&budget, 0),
        consumed: sla_engine::num::fmt_rat(&consumed, 0),
        remaining: sla_engine::num::fmt_rat(&remaining, 0),
        consumed_percent: consumed_percent.as_ref().map(pct),
        attained: attained.as_ref().map(|a| fmt_fixed(a, 6)),
        burn_rates,
        outlook: outlook.into(),
        outlook_at: outlook_at.map(fmt_instant),
        thresholds,
        burndown,
        trace,
    }
}

/// Units consumed by `t` and the budget then, from the timeline (points
/// where consumption changes). Inside a bad interval time-based
/// consumption grows second by second.
fn consumed_by(tl: &Timeline, t: Instant, unit: &str, budget: &Rat) -> (Rat, Rat) {
    let mut used = Rat::zero();
    let mut bud = if unit == "requests" {
        Rat::zero()
    } else {
        budget.clone()
    };
    let mut prev: Option<&(Instant, Rat, Rat)> = None;
    for p in tl {
        if p.0 > t {
            if let Some(q) = prev {
                if unit == "seconds" && p.1 > q.1 {
                    // In the middle of an outage: count the seconds so far.
                    used = q.1.clone() + rat_int(t - q.0);
                }
            }
            break;
        }
        used = p.1.clone();
        bud = p.2.clone();
        prev = Some(p);
    }
    (used, bud)
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
        budget: sla_engine::num::fmt_rat(&budget, 0),
        consumed: sla_engine::num::fmt_rat(&consumed, 0),
        remaining: sla_engine::num::fmt_rat(&(budget.clone() - consumed.clone()), 0),
        consumed_percent: (!budget.is_zero()).then(|| pct(&(consumed / budget * rat_int(100)))),
    })
}

#[cfg(test)]
mod tests {
    //! Every expected number here was worked out by hand; the arithmetic is
    //! in the comments.
    use super::*;
    use crate::slo::{BudgetException, CalendarUnit, TemporaryTarget, Threshold};
    use sla_engine::time::parse_instant;

    fn at(s: &str) -> Instant {
        parse_instant(s, chrono_tz::UTC).unwrap()
    }
    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }
    fn slo(window: Window, budgeting: Budgeting, indicator: Indicator, target: &str) -> Slo {
        Slo {
            name: "api-availability".into(),
            display_name: None,
            description: None,
            service: "api".into(),
            target: d(target),
            window,
            budgeting,
            indicator,
            group: None,
        }
    }
    fn rolling(days: i64) -> Window {
        Window::Rolling {
            seconds: days * 86_400,
            text: format!("{days}d"),
        }
    }
    fn thresholds() -> Policy {
        let th = |p: &str, a: &str| Threshold {
            consumed_percent: d(p),
            action: a.into(),
            owner: "SRE lead".into(),
        };
        Policy {
            thresholds: vec![
                th("50", "review"),
                th("75", "change freeze"),
                th("100", "architecture review"),
            ],
            ..Default::default()
        }
    }
    fn outages() -> Evidence {
        Evidence {
            outages: vec![
                (at("2026-11-10T10:00:00Z"), at("2026-11-10T10:20:00Z")),
                (at("2026-11-29T12:00:00Z"), at("2026-11-29T12:10:00Z")),
                (at("2026-11-29T20:00:00Z"), at("2026-11-29T20:05:00Z")),
            ],
            requests: vec![],
        }
    }

    #[test]
    fn time_based_budget_burn_rates_exhaustion_and_thresholds() {
        // 30 days rolling at 99.9 %: budget 0.001 x 2,592,000 s = 2,592 s.
        let s = slo(
            rolling(30),
            Budgeting::Occurrences,
            Indicator::Outages,
            "0.999",
        );
        let r = evaluate(&s, &thresholds(), &outages(), at("2026-11-30T00:00:00Z"));
        assert_eq!(r.window_start, "2026-10-31T00:00:00Z");
        assert_eq!((r.unit.as_str(), r.budget.as_str()), ("seconds", "2592"));
        // 1,200 + 600 + 300 s.
        assert_eq!((r.consumed.as_str(), r.remaining.as_str()), ("2100", "492"));
        // 2100 / 2592 = 0.810185185...
        assert_eq!(r.consumed_percent.as_deref(), Some("81.0185"));
        // 1h: none; 6h: 300 / 21,600 / 0.001 = 13.888...; 1d: 900 / 86,400
        // / 0.001 = 10.41666...; 3d: 900 / 259,200 / 0.001 = 3.4722...
        let rates: Vec<(&str, &str)> = r
            .burn_rates
            .iter()
            .map(|b| (b.lookback.as_str(), b.rate.as_str()))
            .collect();
        assert_eq!(
            rates,
            vec![
                ("1h", "0.0000"),
                ("6h", "13.8889"),
                ("1d", "10.4167"),
                ("3d", "3.4722")
            ]
        );
        // 492 s left at 900 s per day: 492 x 96 = 47,232 s = 13h07m12s.
        assert_eq!(
            (r.outlook.as_str(), r.outlook_at.as_deref()),
            ("runs_out", Some("2026-11-30T13:07:12Z"))
        );
        // 50 % = 1,296 s: 1,200 s by 11-10 10:20, then 96 s into the
        // 11-29 12:00 outage. 75 % = 1,944 s: 1,800 s by 12:10, then 144 s
        // into the 20:00 outage.
        let since: Vec<(bool, Option<&str>)> = r
            .thresholds
            .iter()
            .map(|t| (t.triggered, t.since.as_deref()))
            .collect();
        assert_eq!(
            since,
            vec![
                (true, Some("2026-11-29T12:01:36Z")),
                (true, Some("2026-11-29T20:02:24Z")),
                (false, None)
            ]
        );
        // 1 - 2100 / 2,592,000 = 0.99918981...
        assert_eq!(r.attained.as_deref(), Some("0.999190"));
        // Burn-down, a point a day: 2,592 until 11-10, 1,392 after the
        // 1,200 s outage, 492 at the end.
        assert_eq!(r.burndown.len(), 30);
        assert_eq!(
            r.burndown[9],
            ("2026-11-10T00:00:00Z".into(), "2592".into())
        );
        assert_eq!(
            r.burndown[10],
            ("2026-11-11T00:00:00Z".into(), "1392".into())
        );
        assert_eq!(
            r.burndown[29],
            ("2026-11-30T00:00:00Z".into(), "492".into())
        );
    }

    #[test]
    fn an_approved_exception_and_a_temporary_target_change_the_budget() {
        let mut p = thresholds();
        p.exceptions.push(BudgetException {
            start: at("2026-11-10T09:00:00Z"),
            end: at("2026-11-10T10:30:00Z"),
            reason: "vendor-announced maintenance, CAB-77".into(),
            approver: "Head of SRE".into(),
        });
        let s = slo(
            rolling(30),
            Budgeting::Occurrences,
            Indicator::Outages,
            "0.999",
        );
        let r = evaluate(&s, &p, &outages(), at("2026-11-30T00:00:00Z"));
        assert_eq!(r.consumed, "900");
        assert!(r
            .trace
            .iter()
            .any(|l| l.contains("CAB-77") && l.contains("Head of SRE")));
        p.temporary_targets.push(TemporaryTarget {
            from: at("2026-11-15T00:00:00Z"),
            to: at("2026-12-15T00:00:00Z"),
            target: d("0.99"),
            reason: "data-centre migration".into(),
        });
        let r = evaluate(&s, &p, &outages(), at("2026-11-30T00:00:00Z"));
        // 0.01 x 2,592,000 = 25,920 s.
        assert_eq!((r.target.as_str(), r.budget.as_str()), ("0.99", "25920"));
        assert_eq!(r.temporary_target.as_deref(), Some("data-centre migration"));
    }

    fn req(start: &str, end: &str, good: u64, total: u64) -> RequestRow {
        RequestRow {
            service: "api".into(),
            start: at(start),
            end: at(end),
            good,
            total,
            origin: "test".into(),
        }
    }

    fn month() -> Window {
        Window::Calendar {
            unit: CalendarUnit::Month,
            start: chrono::NaiveDate::from_ymd_opt(2026, 1, 1)
                .unwrap()
                .and_hms_opt(0, 0, 0)
                .unwrap(),
            tz: chrono_tz::UTC,
        }
    }

    #[test]
    fn request_based_budget_grows_with_traffic() {
        let s = slo(month(), Budgeting::Occurrences, Indicator::Requests, "0.99");
        let ev = Evidence {
            outages: vec![],
            requests: vec![
                req(
                    "2026-11-01T00:00:00Z",
                    "2026-11-01T01:00:00Z",
                    9_950,
                    10_000,
                ),
                req(
                    "2026-11-15T00:00:00Z",
                    "2026-11-15T01:00:00Z",
                    19_900,
                    20_000,
                ),
                req(
                    "2026-11-27T09:00:00Z",
                    "2026-11-27T10:00:00Z",
                    9_850,
                    10_000,
                ),
                // Next month: not in this window.
                req("2026-12-01T00:00:00Z", "2026-12-01T01:00:00Z", 0, 10_000),
            ],
        };
        let r = evaluate(&s, &thresholds(), &ev, at("2026-11-27T10:00:00Z"));
        // 40,000 requests: budget 400; bad 50 + 100 + 150 = 300.
        assert_eq!(
            (r.budget.as_str(), r.consumed.as_str(), r.remaining.as_str()),
            ("400", "300", "100")
        );
        assert_eq!(r.consumed_percent.as_deref(), Some("75.0000"));
        // Last day: 10,000 requests, 150 bad: 0.015 / 0.01 = 1.5.
        assert_eq!(r.burn_rates[2].rate, "1.5000");
        // Budget left 100; per day 150 bad against 100 more allowed: net
        // 50 a day, so 2 days: 2026-11-29T10:00Z, before the month ends.
        assert_eq!(
            (r.outlook.as_str(), r.outlook_at.as_deref()),
            ("runs_out", Some("2026-11-29T10:00:00Z"))
        );
        // 50 %: after row 1, 50 >= 0.5 x 100. 75 %: after row 3, 300 >= 300.
        assert_eq!(
            r.thresholds[0].since.as_deref(),
            Some("2026-11-01T01:00:00Z")
        );
        assert_eq!(
            r.thresholds[1].since.as_deref(),
            Some("2026-11-27T10:00:00Z")
        );

        // One more bad hour: 450 bad of 40,000: exhausted at row 3's end
        // (50 + 100 + 300 = 450 >= 400).
        let mut ev2 = ev.clone();
        ev2.requests[2].good = 9_700;
        let r = evaluate(&s, &thresholds(), &ev2, at("2026-11-27T10:00:00Z"));
        assert_eq!(
            (r.remaining.as_str(), r.outlook.as_str()),
            ("-50", "exhausted")
        );
        assert_eq!(r.outlook_at.as_deref(), Some("2026-11-27T10:00:00Z"));
    }

    #[test]
    fn timeslices_count_bad_slices_against_the_slice_target() {
        // 1 day rolling, 1 h slices, a slice is good at >= 95 % up (at most
        // 180 s down); target 0.9: budget 0.1 x 24 = 2.4 slices.
        let s = slo(
            rolling(1),
            Budgeting::Timeslices {
                slice_seconds: 3_600,
                slice_text: "1h".into(),
                slice_target: d("0.95"),
            },
            Indicator::Outages,
            "0.9",
        );
        let ev = Evidence {
            outages: vec![
                (at("2026-11-26T02:00:00Z"), at("2026-11-26T02:03:00Z")), // 180 s: good
                (at("2026-11-26T05:10:00Z"), at("2026-11-26T05:14:00Z")), // 240 s: bad
                (at("2026-11-26T23:58:00Z"), at("2026-11-27T00:02:00Z")), // 120 s here
            ],
            requests: vec![],
        };
        let r = evaluate(&s, &thresholds(), &ev, at("2026-11-27T00:00:00Z"));
        assert_eq!(
            (
                r.unit.as_str(),
                r.budget.as_str(),
                r.consumed.as_str(),
                r.remaining.as_str()
            ),
            ("slices", "2.4", "1", "1.4")
        );
        // 1 / 2.4 = 41.666...
        assert_eq!(r.consumed_percent.as_deref(), Some("41.6667"));
        // 23 of 24 slices good.
        assert_eq!(r.attained.as_deref(), Some("0.958333"));
    }

    #[test]
    fn pooled_budgets_add_up_and_refuse_mixed_units() {
        let s = slo(
            rolling(30),
            Budgeting::Occurrences,
            Indicator::Outages,
            "0.999",
        );
        let a = evaluate(
            &s,
            &Policy::default(),
            &outages(),
            at("2026-11-30T00:00:00Z"),
        );
        let mut s2 = s.clone();
        s2.name = "db-availability".into();
        let b = evaluate(
            &s2,
            &Policy::default(),
            &Evidence::default(),
            at("2026-11-30T00:00:00Z"),
        );
        let p = pool("checkout", &[&a, &b]).unwrap();
        // 2,592 x 2 = 5,184; 2,100 / 5,184 = 40.50925...
        assert_eq!(
            (
                p.budget.as_str(),
                p.consumed.as_str(),
                p.remaining.as_str(),
                p.consumed_percent.as_deref()
            ),
            ("5184", "2100", "3084", Some("40.5093"))
        );
        let r = slo(month(), Budgeting::Occurrences, Indicator::Requests, "0.99");
        let c = evaluate(
            &r,
            &Policy::default(),
            &Evidence::default(),
            at("2026-11-30T00:00:00Z"),
        );
        assert_eq!(
            pool("checkout", &[&a, &c]).unwrap_err().to_string(),
            "budget group `checkout` pools objectives counted in different units (seconds, requests); a pool needs one unit"
        );
    }
}

#[cfg(test)]
mod properties {
    use super::*;
    use crate::slo::{Budgeting, Indicator, Slo, Window};
    use proptest::prelude::*;

    proptest! {
        // Budget - consumed = remaining, consumption never exceeds the
        // elapsed window, and the burn-down ends where the budget stands.
        #[test]
        fn budget_arithmetic_holds(
            outages in proptest::collection::vec((0i64..2_592_000, 1i64..20_000), 0..10),
            permille in 900i64..1000,
        ) {
            let now = 1_795_000_000;
            let slo = Slo {
                name: "x".into(), display_name: None, description: None, service: "s".into(),
                target: Decimal::new(permille, 3),
                window: Window::Rolling { seconds: 2_592_000, text: "30d".into() },
                budgeting: Budgeting::Occurrences, indicator: Indicator::Outages, group: None,
            };
            let ev = Evidence {
                outages: outages.iter().map(|(s, d)| (now - 2_592_000 + s, (now - 2_592_000 + s + d).min(now))).collect(),
                requests: vec![],
            };
            let th = |p: i64| crate::slo::Threshold { consumed_percent: Decimal::from(p), action: "a".into(), owner: "o".into() };
            let policy = Policy { thresholds: vec![th(50), th(100)], ..Default::default() };
            let r = evaluate(&slo, &policy, &ev, now);
            let n = |s: &str| rat(sla_engine::num::parse_decimal(s).unwrap());
            prop_assert_eq!(n(&r.budget) - n(&r.consumed), n(&r.remaining));
            prop_assert!(n(&r.consumed) <= rat_int(2_592_000));
            prop_assert_eq!(&r.burndown.last().unwrap().1, &r.remaining);
            // Thresholds that are triggered have a crossing instant in the window.
            // and the crossing is inside the window.
            let used = n(&r.consumed) * rat_int(100) / n(&r.budget);
            for t in &r.thresholds {
                prop_assert_eq!(t.triggered, used >= n(&t.consumed_percent));
                if let Some(since) = &t.since {
                    let at = sla_engine::time::parse_instant(since, chrono_tz::UTC).unwrap();
                    prop_assert!(now - 2_592_000 <= at && at <= now);
                }
                prop_assert_eq!(t.triggered, t.since.is_some());
            }
        }
    }
}
