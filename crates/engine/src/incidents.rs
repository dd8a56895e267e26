//! Incident clocks (spec section 4): response and resolution times measured
//! on 24x7 or a business calendar, with pauses, breach instants and their
//! attribution to periods.

use crate::calendar::working_intervals;
use crate::duration::fmt_duration;
use crate::error::ComputeError;
use crate::events::{Events, IncidentRow};
use crate::terms::{Calendar, IncidentClock, Terms};
use crate::time::{fmt_instant, Instant, Period};
use std::collections::HashMap;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IncidentEntry {
    pub incident: String,
    pub opened_at: Instant,
    pub stopped_at: Option<Instant>,
    pub elapsed_seconds: i64,
    /// A breach that belongs to this period.
    pub breached: bool,
    pub breach_at: Option<Instant>,
    pub running: bool,
}

#[derive(Debug, Clone)]
pub struct ClockOutcome {
    pub entries: Vec<IncidentEntry>,
    pub breaches: u32,
    pub running: u32,
    pub trace: Vec<String>,
}

/// The clock of one incident: intervals during which it runs, in order; the
/// last may be open-ended (`None`: still running after the last row).
struct Timeline {
    opened_at: Instant,
    running: Vec<(Instant, Option<Instant>)>,
    stopped_at: Option<Instant>,
    notes: Vec<String>,
}

fn timeline(rows: &[&IncidentRow], clock: &IncidentClock) -> Timeline {
    let opened = rows[0];
    let mut running = Vec::new();
    let mut notes = vec![format!(
        "opened {} ({})",
        fmt_instant(opened.at),
        opened.origin
    )];
    let mut since: Option<Instant> = Some(opened.at);
    let mut stopped_at = None;
    for r in &rows[1..] {
        let status = r.status.as_str();
        if clock.kind.stops_on(status) {
            if let Some(s) = since.take() {
                running.push((s, Some(r.at)));
            }
            notes.push(format!(
                "stops at `{status}` {} ({})",
                fmt_instant(r.at),
                r.origin
            ));
            stopped_at = Some(r.at);
            break;
        } else if clock.pause_on.iter().any(|p| p == status) {
            if let Some(s) = since.take() {
                running.push((s, Some(r.at)));
                notes.push(format!(
                    "paused at `{status}` {} ({})",
                    fmt_instant(r.at),
                    r.origin
                ));
            }
        } else if since.is_none() {
            since = Some(r.at);
            notes.push(format!(
                "resumes at `{status}` {} ({})",
                fmt_instant(r.at),
                r.origin
            ));
        }
    }
    if let Some(s) = since {
        running.push((s, None));
        notes.push("no stop row: still running".into());
    } else if stopped_at.is_none() {
        notes.push("paused with no later row".into());
    }
    Timeline {
        opened_at: opened.at,
        running,
        stopped_at,
        notes,
    }
}

pub fn incident_clock(
    terms: &Terms,
    service: &str,
    clock: &IncidentClock,
    events: &Events,
    p: &Period,
) -> Result<ClockOutcome, ComputeError> {
    let cal = clock.calendar.as_ref().and_then(|c| terms.calendars.get(c));
    let cutoff = p.end;
    let mut trace = vec![format!(
        "Clock: {} of severity {} on `{}`, target {} ({} s), measured on {}, paused on [{}].",
        clock.kind.name(),
        clock.severity,
        service,
        fmt_duration(clock.target_seconds),
        clock.target_seconds,
        clock.calendar.as_deref().unwrap_or("24x7"),
        clock.pause_on.join(", ")
    )];
    let mut entries = Vec::new();
    for (id, mut rows) in by_incident(&events.incidents) {
        rows.sort_by_key(|r| r.at);
        let Some(first_open) = rows.iter().position(|r| r.status == "opened") else {
            return Err(ComputeError::IncidentWithoutOpened {
                incident: id.to_string(),
                origin: rows[0].origin.to_string(),
            });
        };
        // Rows before the first `opened` do not move the clock.
        let rows = &rows[first_open..];
        let opened = rows[0];
        if opened.service != service
            || !opened
                .severity
                .trim()
                .eq_ignore_ascii_case(clock.severity.trim())
            || opened.at >= cutoff
        {
            continue;
        }
        let tl = timeline(rows, clock);
        let m = measure(&tl, cal, clock.target_seconds, cutoff);
        if let Some((entry, line)) = attribute(id, &tl, &m, p) {
            trace.push(line);
            entries.push(entry);
        }
    }
    entries.sort_by(|a, b| (a.opened_at, &a.incident).cmp(&(b.opened_at, &b.incident)));
    let breaches = entries.iter().filter(|e| e.breached).count() as u32;
    let running = entries.iter().filter(|e| e.running).count() as u32;
    trace.push(format!(
        "{breaches} breach(es) in this period; {running} incident(s) running at the cut-off {}.",
        fmt_instant(cutoff)
    ));
    Ok(ClockOutcome {
        entries,
        breaches,
        running,
        trace,
    })
}

/// The rows of each incident id, ids in order of first appearance and rows
/// in file order (so that a stable sort by `at` keeps ties in file order).
fn by_incident(rows: &[IncidentRow]) -> Vec<(&str, Vec<&IncidentRow>)> {
    let mut groups: Vec<(&str, Vec<&IncidentRow>)> = Vec::new();
    let mut index: HashMap<&str, usize> = HashMap::new();
    for r in rows {
        let i = *index.entry(r.incident.as_str()).or_insert_with(|| {
            groups.push((r.incident.as_str(), Vec::new()));
            groups.len() - 1
        });
        groups[i].1.push(r);
    }
    groups
}

/// Counted time of one incident's clock, walked to the cut-off.
struct Measured {
    /// Counted seconds in all (beyond the cut-off for a stopped clock).
    cum: i64,
    /// Counted seconds up to the cut-off.
    at_cutoff: i64,
    /// When the counted time reached the target, if it did.
    breach_at: Option<Instant>,
    /// Still running with counted time exactly at the target: not breached.
    at_target: bool,
}

fn measure(tl: &Timeline, cal: Option<&Calendar>, target: i64, cutoff: Instant) -> Measured {
    // Walk counted time (running and working) in order. An open-ended
    // clock is walked to the cut-off: a breach after it belongs to a
    // later period.
    let horizon = tl
        .running
        .iter()
        .filter_map(|r| r.1)
        .max()
        .unwrap_or(cutoff)
        .max(cutoff);
    let mut cum = 0i64;
    let mut at_cutoff = 0i64;
    let mut breach_at = None;
    for &(s, e) in &tl.running {
        let e = e.unwrap_or(horizon).min(horizon.max(cutoff));
        for (a, b) in working_intervals(cal, s, e) {
            if breach_at.is_none() && cum + (b - a) >= target {
                breach_at = Some(a + (target - cum));
            }
            cum += b - a;
            at_cutoff += (b.min(cutoff) - a).max(0);
        }
    }
    // Breached only when elapsed exceeds the target (v1 section 7). A clock
    // with no stop row is walked to the cut-off (or to its last row after
    // it): one that has exactly reached its target there has not exceeded
    // it and is running, not breached (terms v2 section 10, which settles
    // the v1 reading that counted it as breached).
    let open_ended = tl.running.last().is_some_and(|r| r.1.is_none());
    let breached_ever = cum > target;
    Measured {
        cum,
        at_cutoff,
        breach_at: breach_at.filter(|_| breached_ever),
        at_target: open_ended && cum == target && at_cutoff == target,
    }
}

/// The incident's entry in period `p` and its trace line, or `None` when it
/// neither opened, breached nor still runs in the period.
fn attribute(id: &str, tl: &Timeline, m: &Measured, p: &Period) -> Option<(IncidentEntry, String)> {
    let cutoff = p.end;
    let in_period = m.breach_at.filter(|b| *b >= p.start && *b < p.end);
    let stopped_by_cutoff = tl.stopped_at.is_some_and(|s| s <= cutoff);
    let breached_by_cutoff = m.breach_at.is_some_and(|b| b < cutoff);
    let running = !stopped_by_cutoff && !breached_by_cutoff;
    let elapsed = if stopped_by_cutoff {
        m.cum
    } else {
        m.at_cutoff
    };
    let opened_here = tl.opened_at >= p.start && tl.opened_at < p.end;
    if !(opened_here || in_period.is_some() || running) {
        return None;
    }
    let line = format!(
        "{id}: {}; elapsed {} s ({}){}; {}.",
        tl.notes.join(", "),
        elapsed,
        fmt_duration(elapsed),
        if stopped_by_cutoff {
            ""
        } else {
            " at the cut-off"
        },
        if running && m.at_target {
            "still running at the cut-off with elapsed exactly at its target, not above it: \
             listed as running, not breached (terms v2 section 10)"
                .to_string()
        } else {
            verdict(in_period, m.breach_at, running, p)
        }
    );
    let entry = IncidentEntry {
        incident: id.to_string(),
        opened_at: tl.opened_at,
        stopped_at: tl.stopped_at,
        elapsed_seconds: elapsed,
        breached: in_period.is_some(),
        breach_at: in_period,
        running,
    };
    Some((entry, line))
}

/// Which period a breach belongs to: the one it happens in.
fn verdict(
    in_period: Option<Instant>,
    breach_at: Option<Instant>,
    running: bool,
    p: &Period,
) -> String {
    match (in_period, breach_at, running) {
        (Some(b), _, _) => format!(
            "reached the target at {}: breached in this period",
            fmt_instant(b)
        ),
        (None, Some(b), _) if b >= p.end => format!(
            "reaches the target at {}: the breach belongs to a later period",
            fmt_instant(b)
        ),
        (None, Some(b), _) => format!(
            "reached the target at {}: the breach belongs to an earlier period",
            fmt_instant(b)
        ),
        (None, None, true) => {
            "still running at the cut-off, below target: listed as running, no credit".into()
        }
        (None, None, false) => "within target".into(),
    }
}
