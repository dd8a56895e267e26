//! The availability pipeline of spec section 3, step by step. Sort and sweep
//! throughout: O(n log n) in rows, never a loop per second or per bucket of
//! unaffected time.
//!
//! One file per step group, in the order the trace tells them:
//! `rows` (1-2: causes and impact), `merge` (3-4: merging, minimum outage),
//! `maintenance` (5: qualifying maintenance), `downtime` (6: removing it,
//! clipping, weighing, rounding) and `schedule` (9: the credit percent);
//! this file runs them and measures the uptime (7-8).

mod downtime;
mod maintenance;
mod merge;
mod requests;
mod rows;
mod schedule;

pub use requests::{request_availability, RequestFigures, RequestTerm};
pub use schedule::{schedule_percent, DaysOfService};

use crate::events::{Origin, ServiceRows};
use crate::num::{div, fmt_fixed, fmt_rat, hundred, mul, rat, rat_int, sub, terminates, Rat};
use crate::result::{EvidenceRow, MaintenanceDecision};
use crate::terms::{Availability, Schedule};
use crate::time::{push_instant, Instant, Period};
use rust_decimal::Decimal;
use std::fmt::Write;

/// What an availability term measured in one period.
#[derive(Debug, Clone)]
pub struct AvailabilityOutcome {
    pub downtime: Rat,
    pub excluded_seconds: i64,
    pub denominator_seconds: i64,
    /// Exact uptime percent.
    pub uptime: Rat,
    pub breached: bool,
    /// The schedule's percent (before the line cap).
    pub percent: Rat,
    /// The tier that applied, as its `below` value.
    pub tier_below: Option<Decimal>,
    /// A days-of-service tier's days, after `cap_days` (terms v2 section 3).
    pub days: Option<Decimal>,
    pub trace: Vec<String>,
    pub warnings: Vec<String>,
    pub evidence: Vec<EvidenceRow>,
    pub maintenance: Vec<MaintenanceDecision>,
    /// Request-based terms (terms v2 section 8).
    pub request: Option<RequestFigures>,
}

/// An outage row kept by steps 1-2, at the impact it counts with.
struct Row<'a> {
    start: Instant,
    end: Instant,
    impact: Decimal,
    origin: &'a Origin,
    /// Index into the evidence list, when the row touches the period.
    shown: Option<usize>,
}

/// A merged outage: the maximal interval covered by overlapping or touching
/// rows, with its impact profile (the largest impact at each instant).
struct Merged<'a> {
    start: Instant,
    end: Instant,
    segments: Vec<(Instant, Instant, Decimal)>,
    rows: Vec<&'a Origin>,
    shown: Vec<usize>,
}

/// Pieces of outage time `[start, end)` at an impact.
type Parts = Vec<(Instant, Instant, Decimal)>;

/// Sorted, disjoint intervals (the kept maintenance X).
type Windows = Vec<(Instant, Instant)>;

fn span(a: Instant, b: Instant) -> String {
    let mut out = String::with_capacity(44);
    push_span(&mut out, a, b);
    out
}

/// [`span`], appended to a sentence being written.
fn push_span(out: &mut String, a: Instant, b: Instant) {
    push_instant(out, a);
    out.push_str(" to ");
    push_instant(out, b);
}

fn dec_str(d: &Decimal) -> String {
    d.normalize().to_string()
}

/// Whether `[s, e]` touches the period, ends included: such rows are
/// listed and explained even when nothing of them is counted.
fn touches(p: &Period, s: Instant, e: Instant) -> bool {
    e >= p.start && s <= p.end
}

pub fn availability(
    service: &str,
    a: &Availability,
    schedule: &Schedule,
    cap_days: Option<Decimal>,
    events: &ServiceRows<'_>,
    p: &Period,
) -> AvailabilityOutcome {
    // A line's trace is about twenty sentences: room for them at once.
    let mut trace = Vec::with_capacity(24);
    let mut warnings = Vec::new();

    // Steps 1-2: causes and impact.
    let (rows, mut evidence) = rows::kept_rows(service, a, events, p, &mut trace, &mut warnings);

    // Step 3: merge overlapping or touching rows; max impact at each instant.
    let mut merged = merge::merge_rows(rows, p);

    // Step 4: minimum outage, on the whole merged length.
    merge::drop_short(&mut merged, a, p, &mut evidence, &mut trace);

    // Step 5: qualifying maintenance, clipped, unioned, capped.
    let (x, maintenance) = maintenance::kept_maintenance(a, events, p, &mut trace);
    let excluded_seconds: i64 = x.iter().map(|(s, e)| e - s).sum();

    // Step 6: remove X, clip to the period, weigh, round.
    let parts_by_outage = downtime::counted_parts(&merged, &x, p, &mut evidence, &mut trace);
    let denominator = if a.maintenance_in_denominator {
        p.seconds()
    } else {
        p.seconds() - excluded_seconds
    };
    let downtime = downtime::rounded(a.rounding, &parts_by_outage, &x, p, &mut trace);
    let downtime = capped_downtime(downtime, denominator, &mut trace);
    trace.push(format!(
        "Downtime = {} s; excluded maintenance |X| = {} s.",
        fmt_rat(&downtime, 0),
        excluded_seconds
    ));
    trace.push(denominator_note(
        a,
        p.seconds(),
        excluded_seconds,
        denominator,
    ));

    // Steps 7-8: exact uptime.
    let target = rat(a.target);
    let (uptime, breached) = uptime(a, denominator, &downtime, &mut trace);

    // Step 9: percent.
    let dos = DaysOfService {
        days_in_period: p.month_days(),
        cap_days,
    };
    let (percent, tier_below, days) = schedule_percent(
        schedule,
        a.breach_when,
        &uptime,
        &target,
        breached,
        dos,
        &mut trace,
    );
    AvailabilityOutcome {
        downtime,
        excluded_seconds,
        denominator_seconds: denominator,
        uptime,
        breached,
        percent,
        tier_below,
        days,
        trace,
        warnings,
        evidence,
        maintenance,
        request: None,
    }
}

/// Rounding can make downtime longer than what it is measured against;
/// uptime never goes below 0.
fn capped_downtime(downtime: Rat, denominator: i64, trace: &mut Vec<String>) -> Rat {
    if downtime > rat_int(denominator) {
        let raw = fmt_rat(&downtime, 0);
        trace.push(format!(
            "Downtime {raw} s exceeds the denominator; capped at {denominator} s."
        ));
        return rat_int(denominator);
    }
    downtime
}

fn denominator_note(a: &Availability, period: i64, excluded: i64, denominator: i64) -> String {
    if a.maintenance_in_denominator {
        format!("Denominator D = period length {period} s (maintenance_in_denominator = true).")
    } else {
        format!("Denominator D = period {period} s - excluded maintenance {excluded} s = {denominator} s.")
    }
}

/// Steps 7-8: the exact uptime percent and whether it is below the target.
/// An empty denominator (the whole period excluded) meets the target.
fn uptime(
    a: &Availability,
    denominator: i64,
    downtime: &Rat,
    trace: &mut Vec<String>,
) -> (Rat, bool) {
    if denominator == 0 {
        trace.push("D = 0: uptime is 100 and the target is met.".into());
        return (hundred(), false);
    }
    let d = rat_int(denominator);
    let u = div(&mul(&hundred(), &sub(&d, downtime)), &d);
    let breached = a.breach_when.hits(&u, &rat(a.target));
    // One string for the sentence (issue 15).
    let mut s = String::with_capacity(192);
    let _ = write!(
        s,
        "Uptime = 100 x ({denominator} - {}) / {denominator} = {} (",
        fmt_rat(downtime, 0),
        fmt_fixed(&u, 6)
    );
    let exact = fmt_rat(&u, 0);
    let _ = match terminates(&u) {
        Some(_) => write!(s, "exactly {exact}"),
        None => write!(s, "{exact} to 20 places; reported rounded half-even to 6"),
    };
    let _ = write!(s, "); target {}: ", a.target.normalize());
    if breached {
        let _ = write!(s, "breached (uptime {} target)", a.breach_when.symbol());
    } else if a.breach_when == crate::terms::BreachWhen::AtOrBelow {
        s.push_str("met (uptime > target; breach_when = at_or_below)");
    } else {
        s.push_str("met");
    }
    s.push('.');
    trace.push(s);
    (u, breached)
}
