//! Downtime from request counts (terms v2 section 8). The period is cut into
//! intervals of `interval` seconds from its (cut) start; each request row
//! belongs to the interval holding its start and must end within it.
//!
//! Only intervals that have rows are held (a map), so a month of one-minute
//! intervals costs what its rows cost, not 44,640 slots.

use super::{maintenance, schedule_percent, uptime, AvailabilityOutcome, DaysOfService};
use crate::error::ComputeError;
use crate::events::ServiceRows;
use crate::num::{fmt_fixed, fmt_rat, hundred, rat, rat_int, Rat};
use crate::terms::{Availability, RequestMeasure, RequestRule, Schedule};
use crate::time::{fmt_instant, Instant, Period};
use num_traits::Zero;
use rust_decimal::Decimal;
use std::collections::BTreeMap;

/// What a request-based term measured, beyond the common outcome.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestFigures {
    pub intervals: u64,
    /// `measure = "downtime"`.
    pub down_intervals: Option<u64>,
    /// `measure = "error_rate_average"`: percent, 6 places half-even.
    pub mean_error_rate: Option<String>,
}

/// The term being measured: its id (for errors), service and rules.
pub struct RequestTerm<'a> {
    pub sla: &'a str,
    pub service: &'a str,
    pub a: &'a Availability,
    pub rule: &'a RequestRule,
    pub schedule: &'a Schedule,
    pub cap_days: Option<Decimal>,
}

/// Good and total requests per interval index.
type Counts = BTreeMap<i64, (u128, u128)>;

pub fn request_availability(
    t: &RequestTerm<'_>,
    events: &ServiceRows<'_>,
    p: &Period,
) -> Result<AvailabilityOutcome, ComputeError> {
    let mut trace = Vec::new();
    let len = t.rule.interval_seconds;
    let n = (p.seconds() + len - 1) / len;
    let counts = counts(t, events, p)?;
    trace.push(format!(
        "Downtime from request counts: {n} interval(s) of {len} s from {}; {} of them have requests of `{}`.",
        fmt_instant(p.start),
        counts.len(),
        t.service
    ));
    let interval = |i: i64| (p.start + i * len, (p.start + (i + 1) * len).min(p.end));
    let mut o = match t.rule.measure {
        RequestMeasure::Downtime => downtime(t, &counts, interval, events, p, &mut trace),
        RequestMeasure::ErrorRateAverage => average(t, &counts, n, interval, &mut trace),
    };
    if let Some(r) = o.request.as_mut() {
        r.intervals = n as u64;
    }
    let dos = DaysOfService {
        days_in_period: p.month_days(),
        cap_days: t.cap_days,
    };
    let (percent, tier_below, days) = schedule_percent(
        t.schedule,
        t.a.breach_when,
        &o.uptime,
        &rat(t.a.target),
        o.breached,
        dos,
        &mut trace,
    );
    Ok(AvailabilityOutcome {
        percent,
        tier_below,
        days,
        trace,
        ..o
    })
}

/// The rows of the term's service inside the period, added up per
/// interval; a row that runs past its interval is an error.
fn counts(
    t: &RequestTerm<'_>,
    events: &ServiceRows<'_>,
    p: &Period,
) -> Result<Counts, ComputeError> {
    let len = t.rule.interval_seconds;
    let mut counts = Counts::new();
    let rows = events.requests.iter().copied();
    for r in rows.filter(|r| r.start >= p.start && r.start < p.end) {
        let i = (r.start - p.start) / len;
        let interval_end = (p.start + (i + 1) * len).min(p.end);
        if r.end > interval_end {
            return Err(ComputeError::RequestRowSpansIntervals {
                origin: r.origin.to_string(),
                detail: format!(
                    "the requests of {} to {} run past the end of their {len} s interval ({}); a row must lie within one interval of the term `{}`",
                    fmt_instant(r.start),
                    fmt_instant(r.end),
                    fmt_instant(interval_end),
                    t.sla
                ),
            });
        }
        let c = counts.entry(i).or_insert((0, 0));
        c.0 += u128::from(r.good);
        c.1 += u128::from(r.total);
    }
    Ok(counts)
}

/// 100 x (total - good) / total, exact.
fn error_rate(good: u128, total: u128) -> Rat {
    let big = |v: u128| Rat::from_integer(v.into());
    hundred() * big(total - good) / big(total)
}

fn counts_text(good: u128, total: u128) -> String {
    format!("{} of {total} requests failed", total - good)
}

/// `measure = "downtime"`: down intervals, less kept maintenance.
fn downtime(
    t: &RequestTerm<'_>,
    counts: &Counts,
    interval: impl Fn(i64) -> (Instant, Instant),
    events: &ServiceRows<'_>,
    p: &Period,
    trace: &mut Vec<String>,
) -> AvailabilityOutcome {
    let threshold = rat(t.rule.error_rate_above.unwrap_or(Decimal::ONE_HUNDRED));
    let floor = t.rule.min_requests.max(1);
    let (x, maintenance) = maintenance::kept_maintenance(t.a, events, p, trace);
    let excluded_seconds: i64 = x.iter().map(|(s, e)| e - s).sum();
    let mut down = 0i64;
    let mut down_intervals = 0u64;
    for (&i, &(good, total)) in counts {
        let (s, e) = interval(i);
        if total < u128::from(floor) {
            continue;
        }
        let rate = error_rate(good, total);
        if rate <= threshold {
            continue;
        }
        let in_x: i64 = x.iter().map(|&(a, b)| (e.min(b) - s.max(a)).max(0)).sum();
        down_intervals += 1;
        down += e - s - in_x;
        trace.push(format!(
            "Interval {} to {}: {}, error rate {} % > {} %: down {} s{}.",
            fmt_instant(s),
            fmt_instant(e),
            counts_text(good, total),
            fmt_fixed(&rate, 6),
            t.rule.error_rate_above.unwrap_or_default().normalize(),
            e - s - in_x,
            if in_x > 0 {
                format!(" ({in_x} s inside excluded maintenance)")
            } else {
                String::new()
            }
        ));
    }
    trace.push(format!(
        "{down_intervals} interval(s) down (error rate above {} % with at least {floor} request(s)); downtime = {down} s; excluded maintenance |X| = {excluded_seconds} s.",
        t.rule.error_rate_above.unwrap_or_default().normalize()
    ));
    let denominator = if t.a.maintenance_in_denominator {
        p.seconds()
    } else {
        p.seconds() - excluded_seconds
    };
    trace.push(super::denominator_note(
        t.a,
        p.seconds(),
        excluded_seconds,
        denominator,
    ));
    let downtime = rat_int(down);
    let (u, breached) = uptime(t.a, denominator, &downtime, trace);
    AvailabilityOutcome {
        downtime,
        excluded_seconds,
        denominator_seconds: denominator,
        uptime: u,
        breached,
        percent: Rat::zero(),
        tier_below: None,
        days: None,
        trace: Vec::new(),
        warnings: Vec::new(),
        evidence: Vec::new(),
        maintenance,
        request: Some(RequestFigures {
            intervals: 0,
            down_intervals: Some(down_intervals),
            mean_error_rate: None,
        }),
    }
}

/// `measure = "error_rate_average"` (S3): uptime = 100 - the mean error
/// rate of every interval; an interval without enough requests counts 0.
fn average(
    t: &RequestTerm<'_>,
    counts: &Counts,
    n: i64,
    interval: impl Fn(i64) -> (Instant, Instant),
    trace: &mut Vec<String>,
) -> AvailabilityOutcome {
    let floor = t.rule.min_requests.max(1);
    let mut sum = Rat::zero();
    let mut counted = 0u64;
    for (&i, &(good, total)) in counts {
        let (s, e) = interval(i);
        if total < u128::from(floor) {
            trace.push(format!(
                "Interval {} to {}: {total} request(s), fewer than {floor}: error rate counted as 0.",
                fmt_instant(s),
                fmt_instant(e)
            ));
            continue;
        }
        let rate = error_rate(good, total);
        counted += 1;
        trace.push(format!(
            "Interval {} to {}: {}, error rate {} %.",
            fmt_instant(s),
            fmt_instant(e),
            counts_text(good, total),
            fmt_fixed(&rate, 6)
        ));
        sum += rate;
    }
    let mean = if n > 0 {
        &sum / rat_int(n)
    } else {
        Rat::zero()
    };
    let u = hundred() - &mean;
    let target = rat(t.a.target);
    let breached = t.a.breach_when.hits(&u, &target);
    trace.push(format!(
        "Mean error rate = sum of the {counted} interval rate(s) {} / {n} intervals = {} % ({} intervals without enough requests count 0); uptime = 100 - mean = {}; target {}: {}.",
        fmt_rat(&sum, 6),
        fmt_fixed(&mean, 6),
        n - counted as i64,
        fmt_fixed(&u, 6),
        t.a.target.normalize(),
        if breached {
            format!("breached (uptime {} target)", t.a.breach_when.symbol())
        } else {
            "met".to_string()
        }
    ));
    AvailabilityOutcome {
        downtime: Rat::zero(),
        excluded_seconds: 0,
        denominator_seconds: 0,
        uptime: u,
        breached,
        percent: Rat::zero(),
        tier_below: None,
        days: None,
        trace: Vec::new(),
        warnings: Vec::new(),
        evidence: Vec::new(),
        maintenance: Vec::new(),
        request: Some(RequestFigures {
            intervals: 0,
            down_intervals: None,
            mean_error_rate: Some(fmt_fixed(&mean, 6)),
        }),
    }
}
