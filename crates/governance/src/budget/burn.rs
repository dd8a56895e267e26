//! How fast the budget burns and what follows from it: burn rates over the
//! look-backs, the outlook (when it runs out at the current burn), when each
//! policy threshold was crossed, and the burn-down.

use super::consumption::{bad_in, bad_slices, requests_in, seconds, Consumption, Timeline};
use super::{pct, BurnRate, Scope, ThresholdState, LOOKBACKS, OUTLOOK_LOOKBACK};
use crate::slo::{Budgeting, Indicator, Policy, Window};
use num_traits::{Signed, ToPrimitive, Zero};
use sla_engine::num::{ceil, fmt_dec, fmt_rat, rat, rat_int, Rat};
use sla_engine::time::fmt_instant;
use sla_engine::Instant;

/// Over the `l` seconds before `now`: (bad fraction, bad units per second,
/// total units per second; the last only for requests, whose budget grows
/// with traffic).
fn fraction(s: &Scope<'_>, l: i64) -> (Rat, Rat, Rat) {
    let (ev, policy, now) = (s.ev, s.policy, s.now);
    let a = now - l;
    match (&s.slo.budgeting, s.slo.indicator) {
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
            // Slices are counted from the window's start (or the
            // look-back's, if earlier) so they line up with the budget's.
            let all = bad_slices(
                s.slo,
                ev,
                policy,
                s.ws.min(a),
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
}

/// Burn rates: bad fraction over each look-back / allowed fraction.
pub(super) fn rates(s: &Scope<'_>, trace: &mut Vec<String>) -> Vec<BurnRate> {
    let mut burn_rates = Vec::new();
    for (name, l) in LOOKBACKS {
        let (f, _, _) = fraction(s, l);
        let rate = if s.allowed.is_zero() {
            "n/a".to_string()
        } else {
            pct(&(f / s.allowed.clone()))
        };
        burn_rates.push(BurnRate {
            lookback: name.into(),
            rate,
        });
    }
    trace.push(format!(
        "Burn rate = bad fraction over the look-back / (1 - {}); shown to 4 places, half-even.",
        fmt_dec(s.target)
    ));
    burn_rates
}

/// Crossing: the first instant consumption reached `share` of the budget.
fn crossing(timeline: &Timeline, unit: &str, share: &Rat) -> Option<Instant> {
    let mut prev: Option<(Instant, Rat)> = None;
    for (at, cum, bud) in timeline {
        let need = share.clone() * bud.clone();
        if *cum >= need && !(need.is_zero() && cum.is_zero()) {
            // Within a bad interval consumption grows a second per
            // second: the crossing is exact to the second.
            if unit == "seconds" {
                if let Some((pat, pcum)) = &prev {
                    if pcum < &need {
                        let d = need.clone() - pcum.clone();
                        let secs = ceil(&d).to_i64().unwrap_or(0);
                        return Some(pat + secs);
                    }
                }
            }
            return Some(*at);
        }
        prev = Some((*at, cum.clone()));
    }
    None
}

/// `exhausted` (and when), `runs_out` (and when), `holds` or `no_burn`, at
/// the burn of the outlook look-back.
pub(super) fn outlook(
    s: &Scope<'_>,
    c: &Consumption,
    remaining: &Rat,
    trace: &mut Vec<String>,
) -> (&'static str, Option<Instant>) {
    let (budget, consumed) = (&c.budget, &c.consumed);
    if !remaining.is_positive() && !budget.is_zero() || (budget.is_zero() && consumed.is_positive())
    {
        let at = crossing(&c.timeline, c.unit, &Rat::from_integer(1.into()));
        return ("exhausted", at);
    }
    let (lname, l) = LOOKBACKS[OUTLOOK_LOOKBACK];
    let (_, bad_rate, total_rate) = fraction(s, l);
    // For requests the budget grows with traffic: it shrinks only by what
    // the bad requests take beyond their share of the allowance.
    let denom = if c.unit == "requests" {
        bad_rate.clone() - s.allowed.clone() * total_rate
    } else {
        bad_rate.clone()
    };
    if bad_rate.is_zero() {
        trace.push(format!(
            "Outlook: nothing bad in the last {lname}: no burn."
        ));
        return ("no_burn", None);
    }
    if !denom.is_positive() {
        trace.push(format!(
            "Outlook: over the last {lname} the budget grows as fast as it is spent: it holds."
        ));
        return ("holds", None);
    }
    let secs = ceil(&(remaining.clone() / denom))
        .to_i64()
        .unwrap_or(i64::MAX / 4);
    let at = s.now.saturating_add(secs);
    let calendar = matches!(s.slo.window, Window::Calendar { .. });
    if calendar && at >= s.we {
        trace.push(format!(
            "Outlook: at the last {lname}'s burn the budget lasts past the window's end ({}).",
            fmt_instant(s.we)
        ));
        return ("holds", None);
    }
    trace.push(format!(
        "Outlook: at the last {lname}'s burn, {} {} remaining last {} s more: the budget runs out at {}.",
        fmt_rat(remaining, 0),
        c.unit,
        secs,
        fmt_instant(at)
    ));
    ("runs_out", Some(at))
}

/// Each policy threshold: triggered or not, and since when. With a zero
/// budget any consumption triggers every threshold.
pub(super) fn thresholds(
    policy: &Policy,
    c: &Consumption,
    consumed_percent: Option<&Rat>,
) -> Vec<ThresholdState> {
    policy
        .thresholds
        .iter()
        .map(|th| {
            let share = rat(th.consumed_percent) / rat_int(100);
            let triggered = match consumed_percent {
                Some(p) => *p >= rat(th.consumed_percent),
                None => c.consumed.is_positive(),
            };
            ThresholdState {
                consumed_percent: fmt_dec(th.consumed_percent),
                action: th.action.clone(),
                owner: th.owner.clone(),
                triggered,
                since: if triggered {
                    crossing(&c.timeline, c.unit, &share).map(fmt_instant)
                } else {
                    None
                },
            }
        })
        .collect()
}

/// Burn-down: what was left at each day's end, read off the same
/// consumption timeline the thresholds use.
pub(super) fn burndown(s: &Scope<'_>, c: &Consumption) -> Vec<(String, String)> {
    let mut burndown = Vec::new();
    let mut day = s.ws;
    loop {
        day = (day + 86_400).min(s.until);
        let (used, bud) = consumed_by(&c.timeline, day, c.unit, &c.budget);
        burndown.push((fmt_instant(day), fmt_rat(&(bud - used), 0)));
        if day >= s.until {
            break;
        }
    }
    burndown
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
