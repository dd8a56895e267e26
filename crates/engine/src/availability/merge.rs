//! Steps 3-4: rows that overlap or touch merge into one outage whose impact
//! at each instant is the largest of its rows; a merged outage shorter than
//! the minimum outage is not counted.

use super::{span, touches, Merged, Parts, Row};
use crate::duration::fmt_duration;
use crate::result::EvidenceRow;
use crate::terms::Availability;
use crate::time::{Instant, Period};
use rust_decimal::Decimal;
use std::collections::BTreeMap;

/// Step 3: groups of overlapping or touching rows, in time order. Only
/// groups touching the period are built: one that does not counts nothing
/// and is neither explained nor listed (steps 4 and 6), and a year of rows
/// made a month's statement build eleven months of them (issue 15).
pub(super) fn merge_rows<'a>(mut rows: Vec<Row<'a>>, p: &Period) -> Vec<Merged<'a>> {
    rows.sort_by_key(|r| (r.start, r.end));
    let mut merged: Vec<Merged> = Vec::new();
    let mut group: Vec<&Row> = Vec::new();
    let mut group_start = Instant::MIN;
    let mut group_end = Instant::MIN;
    let mut close = |group: &[&Row<'a>], start: Instant, end: Instant| {
        if touches(p, start, end) {
            merged.push(merge_group(group));
        }
    };
    for r in &rows {
        if !group.is_empty() && r.start > group_end {
            close(&group, group_start, group_end);
            group.clear();
        }
        if group.is_empty() {
            group_start = r.start;
            group_end = r.end;
        } else {
            group_end = group_end.max(r.end);
        }
        group.push(r);
    }
    if !group.is_empty() {
        close(&group, group_start, group_end);
    }
    merged
}

fn merge_group<'a>(rows: &[&Row<'a>]) -> Merged<'a> {
    Merged {
        start: rows.iter().map(|r| r.start).min().unwrap_or_default(),
        end: rows.iter().map(|r| r.end).max().unwrap_or_default(),
        segments: impact_profile(rows),
        rows: rows.iter().map(|r| r.origin).collect(),
        shown: rows.iter().filter_map(|r| r.shown).collect(),
    }
}

/// The largest impact at each instant of the group, as maximal segments.
fn impact_profile(rows: &[&Row<'_>]) -> Parts {
    // Sweep the row boundaries keeping a multiset of active impacts.
    let mut edges: Vec<(Instant, bool, Decimal)> = Vec::with_capacity(rows.len() * 2);
    for r in rows {
        edges.push((r.start, true, r.impact));
        edges.push((r.end, false, r.impact));
    }
    edges.sort_by_key(|e| e.0);
    let mut active: BTreeMap<Decimal, usize> = BTreeMap::new();
    let mut segments: Parts = Vec::new();
    let mut i = 0;
    while i < edges.len() {
        let t = edges[i].0;
        while i < edges.len() && edges[i].0 == t {
            let (_, open, imp) = edges[i];
            if open {
                *active.entry(imp).or_default() += 1;
            } else if let Some(c) = active.get_mut(&imp) {
                *c -= 1;
                if *c == 0 {
                    active.remove(&imp);
                }
            }
            i += 1;
        }
        if let (Some((&max, _)), Some(next)) = (active.iter().next_back(), edges.get(i)) {
            if next.0 > t {
                match segments.last_mut() {
                    Some(last) if last.1 == t && last.2 == max => last.1 = next.0,
                    _ => segments.push((t, next.0, max)),
                }
            }
        }
    }
    segments
}

/// Step 4: drops merged outages shorter than `min_outage` (measured on the
/// whole merged length, inside the period or not), saying so for those
/// touching the period.
pub(super) fn drop_short(
    merged: &mut Vec<Merged<'_>>,
    a: &Availability,
    p: &Period,
    evidence: &mut [EvidenceRow],
    trace: &mut Vec<String>,
) {
    merged.retain(|m| {
        let len = m.end - m.start;
        let keep = len >= a.min_outage_seconds;
        if !keep && touches(p, m.start, m.end) {
            trace.push(format!(
                "Merged outage {} ({} s) is shorter than min_outage {} ({} s): not counted.",
                span(m.start, m.end),
                len,
                fmt_duration(a.min_outage_seconds),
                a.min_outage_seconds
            ));
            for &i in &m.shown {
                evidence[i].counted = false;
                evidence[i].reason = format!(
                    "merged outage of {len} s is shorter than min_outage {}",
                    fmt_duration(a.min_outage_seconds)
                );
            }
        }
        keep
    });
}
