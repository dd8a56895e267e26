//! Two methods side by side on the same evidence: the contract's SLA
//! computation (its exclusions, minimum outage, rounding, maintenance and
//! month in the contract's zone) and the internal SLO view (every outage
//! second of the service in the same month counts, nothing is excluded).
//! The difference is explained row by row.

use num_traits::Zero;
use serde::Serialize;
use sla_engine::num::{fmt_fixed, parse_decimal, rat_int, Rat};
use sla_engine::result::{AvailabilityLine, PeriodDoc};
use sla_engine::time::{merge_intervals, parse_instant};
use sla_engine::Instant;

#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct MethodRow {
    pub row: String,
    pub start: String,
    pub end: String,
    /// Seconds of this row inside the month (before merging).
    pub seconds: i64,
    pub sla_counted: bool,
    /// Why the SLA counted it or not (the engine's own reason).
    pub sla_reason: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct TwoMethods {
    pub sla: String,
    pub period: String,
    pub sla_uptime: String,
    pub sla_downtime_seconds: String,
    pub sla_denominator_seconds: String,
    pub slo_uptime: String,
    pub slo_downtime_seconds: i64,
    pub slo_denominator_seconds: i64,
    /// SLA uptime minus SLO uptime, in points (6 places).
    pub difference: String,
    pub rows: Vec<MethodRow>,
    pub explanation: Vec<String>,
}

pub fn two_methods(line: &AvailabilityLine, period: &PeriodDoc) -> TwoMethods {
    let utc = |t: &str| parse_instant(t, chrono_tz::UTC).ok();
    let (ps, pe) = (
        utc(&period.start).unwrap_or(0),
        utc(&period.end).unwrap_or(0),
    );
    let (rows, spans) = rows_in_month(line, ps, pe);
    let slo_down: i64 = merge_intervals(spans).iter().map(|(a, b)| b - a).sum();
    let denom = pe - ps;
    let slo_uptime = if denom > 0 {
        rat_int(100) * rat_int(denom - slo_down) / rat_int(denom)
    } else {
        Rat::zero()
    };
    // The SLA's exact uptime from its own downtime and denominator (the
    // printed uptime is cut to 6 places).
    // A request-based average (terms v2 section 8) has neither: its
    // printed uptime is all there is.
    let num = crate::rat_of;
    let sla_uptime = match (&line.downtime_seconds, &line.denominator_seconds) {
        (Some(d), Some(n)) => {
            let (sd, sn) = (num(d), num(n));
            if sn.is_zero() {
                Rat::zero()
            } else {
                rat_int(100) * (sn.clone() - sd) / sn
            }
        }
        _ => num(&line.uptime),
    };
    let explanation = explain(line, &rows, slo_down, denom, &slo_uptime);
    TwoMethods {
        sla: line.sla.clone(),
        period: period.label.clone(),
        sla_uptime: line.uptime.clone(),
        sla_downtime_seconds: shown(&line.downtime_seconds),
        sla_denominator_seconds: shown(&line.denominator_seconds),
        slo_uptime: fmt_fixed(&slo_uptime, 6),
        slo_downtime_seconds: slo_down,
        slo_denominator_seconds: denom,
        difference: fmt_fixed(&(sla_uptime - slo_uptime), 6),
        rows,
        explanation,
    }
}

/// A figure an error-rate average does not have is shown as "n/a".
fn shown(v: &Option<String>) -> String {
    v.clone().unwrap_or_else(|| "n/a".into())
}

/// Each evidence row of the line with its seconds inside the month
/// `[ps, pe)` (an open row runs to the month's end), and those spans.
fn rows_in_month(
    line: &AvailabilityLine,
    ps: Instant,
    pe: Instant,
) -> (Vec<MethodRow>, Vec<(Instant, Instant)>) {
    let utc = |t: &str| parse_instant(t, chrono_tz::UTC).ok();
    let mut rows = Vec::new();
    let mut spans = Vec::new();
    for e in &line.evidence {
        let s = utc(&e.start).unwrap_or(ps).max(ps);
        let en = utc(&e.end).unwrap_or(pe).min(pe);
        let secs = (en - s).max(0);
        if secs > 0 {
            spans.push((s, en));
        }
        rows.push(MethodRow {
            row: e.row.clone(),
            start: e.start.clone(),
            end: e.end.clone(),
            seconds: secs,
            sla_counted: e.counted,
            sla_reason: e.reason.clone(),
        });
    }
    (rows, spans)
}

/// Why the two uptimes differ: rows the SLA leaves out, excluded
/// maintenance, a cut window, downtime rounding.
fn explain(
    line: &AvailabilityLine,
    rows: &[MethodRow],
    slo_down: i64,
    denom: i64,
    slo_uptime: &Rat,
) -> Vec<String> {
    let mut explanation = vec![
        format!(
            "SLA: {} s of downtime counted over {} s gives {} % (the contract's own rules).",
            shown(&line.downtime_seconds),
            shown(&line.denominator_seconds),
            line.uptime
        ),
        format!(
            "SLO: every outage second of the service in the same month counts: {} s over {} s gives {} %.",
            slo_down,
            denom,
            fmt_fixed(slo_uptime, 6)
        ),
    ];
    for r in rows.iter().filter(|r| !r.sla_counted && r.seconds > 0) {
        explanation.push(format!(
            "{} ({} s): the SLA leaves it out ({}); the SLO counts it.",
            r.row, r.seconds, r.sla_reason
        ));
    }
    let excluded: i64 = parse_decimal(&line.excluded_seconds)
        .ok()
        .and_then(|d| d.trunc().to_string().parse().ok())
        .unwrap_or(0);
    if excluded > 0 {
        explanation.push(format!(
            "The SLA also excludes {} s of notified maintenance (or excluded time) that the SLO does not.",
            line.excluded_seconds
        ));
    }
    if line.denominator_seconds != Some(denom.to_string()) {
        explanation.push(format!(
            "Window: the SLA measures over {} s, the SLO over the whole month's {} s.",
            shown(&line.denominator_seconds),
            denom
        ));
    }
    // Downtime rounding shows in the engine's trace as `ceil:…`, `floor:…`
    // or `Bucket …` lines; "rounded" elsewhere is only the printed uptime.
    if line
        .trace
        .iter()
        .any(|t| t.starts_with("ceil:") || t.starts_with("floor:") || t.starts_with("Bucket "))
    {
        explanation.push(
            "Rounding: the SLA rounds downtime as its terms say (see its trace); the SLO does not."
                .into(),
        );
    }
    explanation
}
