//! The budget and what the window used of it, one way per budgeting method
//! and indicator (see the units in the module above), with the consumption
//! timeline that thresholds and the burn-down read.

use super::{Evidence, RequestRow, Scope};
use crate::slo::{Budgeting, Indicator, Policy, Slo};
use rust_decimal::Decimal;
use sla_engine::num::{fmt_dec, fmt_rat, rat, rat_int, Rat};
use sla_engine::time::merge_intervals;
use sla_engine::Instant;

/// Consumption over time: (instant, units consumed by then, budget by
/// then), in order, for finding when a threshold was crossed.
pub(super) type Timeline = Vec<(Instant, Rat, Rat)>;

/// The budget, what the window used of it so far, and how.
pub(super) struct Consumption {
    /// `seconds`, `requests` or `slices`.
    pub(super) unit: &'static str,
    pub(super) budget: Rat,
    pub(super) consumed: Rat,
    /// Good over total in the elapsed window; `None` when nothing elapsed.
    pub(super) attained: Option<Rat>,
    pub(super) timeline: Timeline,
}

pub(super) fn measure(s: &Scope<'_>, trace: &mut Vec<String>) -> Consumption {
    match (&s.slo.budgeting, s.slo.indicator) {
        (Budgeting::Occurrences, Indicator::Outages) => seconds_down(s, trace),
        (Budgeting::Occurrences, Indicator::Requests) => bad_requests(s, trace),
        (
            Budgeting::Timeslices {
                slice_seconds,
                slice_target,
                slice_text,
            },
            _,
        ) => bad_slice_count(s, *slice_seconds, *slice_target, slice_text, trace),
    }
}

/// Outages, Occurrences: seconds; budget = (1 - target) x window length.
fn seconds_down(s: &Scope<'_>, trace: &mut Vec<String>) -> Consumption {
    let (ws, we, until) = (s.ws, s.we, s.until);
    let total = rat_int(we - ws);
    let bad = bad_in(s.ev, s.policy, ws, until);
    let consumed = rat_int(seconds(&bad));
    let budget = s.allowed.clone() * total;
    trace.push(format!(
        "Budget: (1 - {}) x {} s = {} s of downtime; consumed: {} s in {} outage interval(s).",
        fmt_dec(s.target),
        we - ws,
        fmt_rat(&budget, 0),
        seconds(&bad),
        bad.len()
    ));
    let elapsed = until - ws;
    let attained = (elapsed > 0).then(|| rat_int(elapsed - seconds(&bad)) / rat_int(elapsed));
    let mut cum = 0;
    let mut timeline = Vec::new();
    for (a, b) in &bad {
        timeline.push((*a, rat_int(cum), budget.clone()));
        cum += b - a;
        timeline.push((*b, rat_int(cum), budget.clone()));
    }
    Consumption {
        unit: "seconds",
        budget,
        consumed,
        attained,
        timeline,
    }
}

/// Requests, Occurrences: requests; the budget grows with the traffic seen
/// so far, so each point of the timeline carries its own budget.
fn bad_requests(s: &Scope<'_>, trace: &mut Vec<String>) -> Consumption {
    let (ws, until) = (s.ws, s.until);
    let (tot, bad) = requests_in(s.ev, s.policy, ws, until);
    let budget = s.allowed.clone() * rat_int(tot as i64);
    trace.push(format!(
        "Budget: (1 - {}) x {} requests so far = {} requests; consumed: {} bad requests.",
        fmt_dec(s.target),
        tot,
        fmt_rat(&budget, 0),
        bad
    ));
    let attained = (tot > 0).then(|| rat_int((tot - bad) as i64) / rat_int(tot as i64));
    let mut rows: Vec<&RequestRow> =
        s.ev.requests
            .iter()
            .filter(|r| ws <= r.start && r.start < until)
            .collect();
    rows.sort_by_key(|r| (r.end, r.start));
    let (mut ct, mut cb) = (0u64, 0u64);
    let mut timeline = Vec::new();
    for r in rows {
        ct += r.total;
        if !excused(s.policy, r) {
            cb += r.total.saturating_sub(r.good);
        }
        timeline.push((
            r.end,
            rat_int(cb as i64),
            s.allowed.clone() * rat_int(ct as i64),
        ));
    }
    Consumption {
        unit: "requests",
        budget,
        consumed: rat_int(bad as i64),
        attained,
        timeline,
    }
}

/// Timeslices: whole slices of the window; a slice is bad when its own
/// ratio is below the slice target.
fn bad_slice_count(
    s: &Scope<'_>,
    slice_seconds: i64,
    slice_target: Decimal,
    slice_text: &str,
    trace: &mut Vec<String>,
) -> Consumption {
    let n = (s.we - s.ws) / slice_seconds;
    let budget = s.allowed.clone() * rat_int(n);
    let slices = bad_slices(
        s.slo,
        s.ev,
        s.policy,
        s.ws,
        s.until,
        slice_seconds,
        slice_target,
    );
    let bad = slices.iter().filter(|(_, b)| *b).count() as i64;
    trace.push(format!(
        "Budget: (1 - {}) x {} slices of {} = {} slices; consumed: {} bad slice(s) (ratio below {}) of {} elapsed.",
        fmt_dec(s.target),
        n,
        slice_text,
        fmt_rat(&budget, 0),
        bad,
        fmt_dec(slice_target),
        slices.len()
    ));
    let attained = (!slices.is_empty())
        .then(|| rat_int(slices.len() as i64 - bad) / rat_int(slices.len() as i64));
    let mut cum = 0;
    let mut timeline = Vec::new();
    for (end, b) in &slices {
        if *b {
            cum += 1;
            timeline.push((*end, rat_int(cum), budget.clone()));
        }
    }
    Consumption {
        unit: "slices",
        budget,
        consumed: rat_int(bad),
        attained,
        timeline,
    }
}

/// Bad intervals within `[a, b)`, less the approved exceptions.
pub(super) fn bad_in(
    ev: &Evidence,
    policy: &Policy,
    a: Instant,
    b: Instant,
) -> Vec<(Instant, Instant)> {
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

pub(super) fn seconds(v: &[(Instant, Instant)]) -> i64 {
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
pub(super) fn requests_in(ev: &Evidence, policy: &Policy, a: Instant, b: Instant) -> (u64, u64) {
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
pub(super) fn bad_slices(
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
