//! Step 5: the maintenance X removed from outage time. A window counts only
//! when the terms set a notice period and it was notified that far ahead;
//! the qualifying windows are clipped to the period, unioned, and cut to
//! the maintenance cap in time order.

use super::{span, Windows};
use crate::duration::fmt_duration;
use crate::events::{MaintenanceRow, ServiceRows};
use crate::result::MaintenanceDecision;
use crate::terms::Availability;
use crate::time::{fmt_instant, merge_intervals, Period};

/// The kept maintenance X and a decision per window touching the period
/// (`events`: the term's service's rows).
pub(super) fn kept_maintenance(
    a: &Availability,
    events: &ServiceRows<'_>,
    p: &Period,
    trace: &mut Vec<String>,
) -> (Windows, Vec<MaintenanceDecision>) {
    let mut windows = Vec::new();
    let mut decisions = Vec::new();
    for &m in &events.maintenance {
        if m.end < p.start || m.start > p.end {
            continue;
        }
        let (excluded, reason) = decide(m, a.maintenance_notice_seconds, trace);
        decisions.push(MaintenanceDecision {
            row: m.origin.text(),
            start: fmt_instant(m.start),
            end: fmt_instant(m.end),
            notified_at: m.notified_at.map(fmt_instant),
            excluded,
            reason,
        });
        let (s, e) = (m.start.max(p.start), m.end.min(p.end));
        if excluded && s < e {
            windows.push((s, e));
        }
    }
    let union = merge_intervals(windows);
    match a.maintenance_cap_seconds {
        None => (union, decisions),
        Some(cap) => (apply_cap(union, cap, &mut decisions, trace), decisions),
    }
}

/// Whether one window qualifies, and the reason shown with it.
fn decide(m: &MaintenanceRow, notice: Option<i64>, trace: &mut Vec<String>) -> (bool, String) {
    let what = format!("{}: maintenance {}", m.origin, span(m.start, m.end));
    let Some(notice) = notice else {
        trace.push(format!("{what}: not excluded, the terms set no maintenance_notice (maintenance is never excluded)."));
        return (
            false,
            "not excluded: the terms never exclude maintenance".into(),
        );
    };
    let Some(notified) = m.notified_at else {
        trace.push(format!("{what}: not excluded, no notice was given."));
        return (false, "not excluded: no notice given".into());
    };
    let needed = m.start - notice;
    if notified > needed {
        trace.push(format!(
            "{what}: not excluded, notified {} but {} notice required it by {}.",
            fmt_instant(notified),
            fmt_duration(notice),
            fmt_instant(needed)
        ));
        return (
            false,
            format!(
                "not excluded: notified less than {} ahead",
                fmt_duration(notice)
            ),
        );
    }
    trace.push(format!(
        "{what}: qualifies, notified {} (at least {} ahead).",
        fmt_instant(notified),
        fmt_duration(notice)
    ));
    (
        true,
        format!("excluded: notified at least {} ahead", fmt_duration(notice)),
    )
}

/// The first `cap` seconds of the union, in time order. When the cap is
/// used up, every excluded window's reason says it was within the cap.
fn apply_cap(
    union: Windows,
    cap: i64,
    decisions: &mut [MaintenanceDecision],
    trace: &mut Vec<String>,
) -> Windows {
    let mut left = cap;
    let mut kept = Vec::new();
    for (s, e) in union {
        let take = (e - s).min(left);
        if take < e - s {
            trace.push(format!(
                "maintenance_cap {} ({cap} s) is reached: of {} only {} s is excluded.",
                fmt_duration(cap),
                span(s, e),
                take
            ));
        }
        if take > 0 {
            kept.push((s, s + take));
        }
        left -= take;
    }
    if left <= 0 {
        for d in decisions.iter_mut().filter(|d| d.excluded) {
            d.reason.push_str(&format!(
                " (within the {} maintenance_cap, taken in time order)",
                fmt_duration(cap)
            ));
        }
    }
    kept
}
