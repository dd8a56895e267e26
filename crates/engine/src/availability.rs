//! The availability pipeline of spec section 3, step by step. Sort and sweep
//! throughout: O(n log n) in rows, never a loop per second or per bucket of
//! unaffected time.

use crate::duration::fmt_duration;
use crate::events::{Events, Origin};
use crate::num::{ceil, fmt_rat, hundred, rat, rat_int, Rat};
use crate::result::{EvidenceRow, MaintenanceDecision};
use crate::terms::{Availability, PartialImpact, Rounding, Schedule};
use crate::time::{fmt_instant, merge_intervals, Instant, Period};
use num_traits::{Signed, Zero};
use rust_decimal::Decimal;
use std::collections::BTreeMap;

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
    pub trace: Vec<String>,
    pub warnings: Vec<String>,
    pub evidence: Vec<EvidenceRow>,
    pub maintenance: Vec<MaintenanceDecision>,
}

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

fn span(a: Instant, b: Instant) -> String {
    format!("{} to {}", fmt_instant(a), fmt_instant(b))
}

fn dec_str(d: &Decimal) -> String {
    d.normalize().to_string()
}

pub fn availability(
    service: &str,
    a: &Availability,
    schedule: &Schedule,
    events: &Events,
    p: &Period,
) -> AvailabilityOutcome {
    let (p0, p1) = (p.start, p.end);
    let mut trace = Vec::new();
    let mut warnings = Vec::new();
    let touches_period = |s: Instant, e: Instant| e >= p0 && s <= p1;

    // Steps 1-2: causes and impact.
    let mut rows: Vec<Row> = Vec::new();
    let mut evidence: Vec<EvidenceRow> = Vec::new();
    let mut outside = 0usize;
    for o in events.outages.iter().filter(|o| o.service == service) {
        let end = match o.end {
            Some(e) => e,
            None if o.start >= p1 => {
                trace.push(format!("{}: open outage starting {} begins at or after the period end; contributes nothing.", o.origin, fmt_instant(o.start)));
                continue;
            }
            None => {
                warnings.push(format!(
                    "{}: outage starting {} has no end; counted as open until the period end {}",
                    o.origin,
                    fmt_instant(o.start),
                    fmt_instant(p1)
                ));
                p1
            }
        };
        let shown = touches_period(o.start, end);
        if !shown {
            outside += 1;
        }
        let what = || {
            format!(
                "{}: outage {} impact {} cause {}",
                o.origin,
                span(o.start, end),
                dec_str(&o.impact),
                o.cause
            )
        };
        let entry = shown.then(|| {
            evidence.push(EvidenceRow {
                row: o.origin.to_string(),
                start: fmt_instant(o.start),
                end: o.end.map(fmt_instant).unwrap_or_default(),
                impact: dec_str(&o.impact),
                cause: o.cause.clone(),
                source: o.source.clone(),
                reference: o.reference.clone(),
                counted: true,
                reason: if o.end.is_none() {
                    "counted (open: runs to the period end)".into()
                } else {
                    "counted".into()
                },
            });
            evidence.len() - 1
        });
        let mut exclude = |why: String| {
            if let Some(i) = entry {
                evidence[i].counted = false;
                evidence[i].reason = why;
            }
        };
        if a.excluded_causes.contains(&o.cause) {
            if shown {
                trace.push(format!(
                    "{}: dropped, cause `{}` is excluded by the terms.",
                    what(),
                    o.cause
                ));
            }
            exclude(format!("excluded cause `{}`", o.cause));
            continue;
        }
        let impact = match a.partial_impact {
            PartialImpact::Ignore if o.impact < Decimal::ONE => {
                if shown {
                    trace.push(format!(
                        "{}: dropped, partial_impact = \"ignore\" drops impact below 1.",
                        what()
                    ));
                }
                exclude("partial impact ignored by the terms".into());
                continue;
            }
            PartialImpact::Full => Decimal::ONE,
            _ => o.impact,
        };
        if shown {
            let note = if impact != o.impact {
                " (partial_impact = \"full\" counts it at impact 1)"
            } else {
                ""
            };
            trace.push(format!("{}: kept{note}.", what()));
        }
        rows.push(Row {
            start: o.start,
            end,
            impact,
            origin: &o.origin,
            shown: entry,
        });
    }
    if outside > 0 {
        trace.push(format!("{outside} outage row(s) of `{service}` lie wholly outside the period and are not listed."));
    }

    // Step 3: merge overlapping or touching rows; max impact at each instant.
    rows.sort_by_key(|r| (r.start, r.end));
    let mut merged: Vec<Merged> = Vec::new();
    let mut group: Vec<&Row> = Vec::new();
    let mut group_end = Instant::MIN;
    for r in &rows {
        if !group.is_empty() && r.start > group_end {
            merged.push(merge_group(&group));
            group.clear();
        }
        group_end = if group.is_empty() {
            r.end
        } else {
            group_end.max(r.end)
        };
        group.push(r);
    }
    if !group.is_empty() {
        merged.push(merge_group(&group));
    }

    // Step 4: minimum outage, on the whole merged length.
    merged.retain(|m| {
        let len = m.end - m.start;
        let keep = len >= a.min_outage_seconds;
        if !keep && touches_period(m.start, m.end) {
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

    // Step 5: qualifying maintenance, clipped, unioned, capped.
    let (x, maintenance) = kept_maintenance(service, a, events, p, &mut trace);
    let excluded_seconds: i64 = x.iter().map(|(s, e)| e - s).sum();

    // Step 6: remove X, clip to the period, weigh.
    let mut parts_by_outage: Vec<Vec<(Instant, Instant, Decimal)>> = Vec::new();
    for m in &merged {
        let mut parts = Vec::new();
        for &(s, e, imp) in &m.segments {
            let (s, e) = (s.max(p0), e.min(p1));
            if s < e {
                subtract(&x, s, e, |a, b| parts.push((a, b, imp)));
            }
        }
        if touches_period(m.start, m.end) {
            let wall: i64 = m.segments.iter().map(|(s, e, _)| e - s).sum();
            let rows: Vec<String> = m.rows.iter().map(|o| o.to_string()).collect();
            let pieces: Vec<String> = parts
                .iter()
                .map(|(s, e, i)| format!("{} s at impact {}", e - s, dec_str(i)))
                .collect();
            let w = weighted(&parts);
            let in_period: i64 = m
                .segments
                .iter()
                .map(|(s, e, _)| (e.min(&p1) - s.max(&p0)).max(0))
                .sum();
            let removed = in_period - parts.iter().map(|(s, e, _)| e - s).sum::<i64>();
            let clipped = wall - in_period;
            if parts.is_empty() {
                for &i in &m.shown {
                    evidence[i].counted = false;
                    evidence[i].reason =
                        "nothing left inside the period after excluded maintenance".into();
                }
            } else if removed > 0 || clipped > 0 {
                for &i in &m.shown {
                    if evidence[i].counted {
                        evidence[i].reason = format!(
                            "counted{}{}",
                            if clipped > 0 {
                                "; clipped to the period"
                            } else {
                                ""
                            },
                            if removed > 0 {
                                "; less excluded maintenance"
                            } else {
                                ""
                            }
                        );
                    }
                }
            }
            let counted = if pieces.is_empty() {
                "nothing inside the period after exclusions".to_string()
            } else {
                format!("{} = {} weighted s", pieces.join(" + "), fmt_rat(&w, 0))
            };
            let mut notes = String::new();
            if clipped > 0 {
                notes.push_str(&format!("; {clipped} s outside the period clipped"));
            }
            if removed > 0 {
                notes.push_str(&format!(
                    "; {removed} s inside excluded maintenance removed"
                ));
            }
            trace.push(format!(
                "Merged outage {} ({} s covered) from {}{notes}: counts {}.",
                span(m.start, m.end),
                wall,
                rows.join(", "),
                counted
            ));
        }
        parts_by_outage.push(parts);
    }

    let period_seconds = p.seconds();
    let denominator = if a.maintenance_in_denominator {
        period_seconds
    } else {
        period_seconds - excluded_seconds
    };
    let mut downtime = match a.rounding {
        Rounding::None => parts_by_outage.iter().map(|p| weighted(p)).sum(),
        Rounding::Ceil(u) => {
            let mut total = Rat::zero();
            for parts in &parts_by_outage {
                let w = weighted(parts);
                if w.is_positive() {
                    let units = ceil(&(&w / rat_int(u)));
                    let r = Rat::from_integer(units) * rat_int(u);
                    if r != w {
                        trace.push(format!(
                            "ceil:{}: {} weighted s rounds up to {} s.",
                            fmt_duration(u),
                            fmt_rat(&w, 0),
                            fmt_rat(&r, 0)
                        ));
                    }
                    total += r;
                }
            }
            total
        }
        Rounding::Buckets(u) => buckets(u, &parts_by_outage, &x, p, &mut trace),
    };
    let raw = fmt_rat(&downtime, 0);
    if downtime > rat_int(denominator) {
        downtime = rat_int(denominator);
        trace.push(format!(
            "Downtime {raw} s exceeds the denominator; capped at {denominator} s."
        ));
    }
    trace.push(format!(
        "Downtime = {} s; excluded maintenance |X| = {} s.",
        fmt_rat(&downtime, 0),
        excluded_seconds
    ));
    trace.push(if a.maintenance_in_denominator {
        format!("Denominator D = period length {period_seconds} s (maintenance_in_denominator = true).")
    } else {
        format!("Denominator D = period {period_seconds} s - excluded maintenance {excluded_seconds} s = {denominator} s.")
    });

    // Steps 7-8: exact uptime.
    let target = rat(a.target);
    let (uptime, breached) = if denominator == 0 {
        trace.push("D = 0: uptime is 100 and the target is met.".into());
        (hundred(), false)
    } else {
        let u = hundred() * (rat_int(denominator) - &downtime) / rat_int(denominator);
        let breached = u < target;
        trace.push(format!(
            "Uptime = 100 x ({denominator} - {}) / {denominator} = {} ({}); target {}: {}.",
            fmt_rat(&downtime, 0),
            crate::num::fmt_fixed(&u, 6),
            if crate::num::terminates(&u).is_some() {
                format!("exactly {}", fmt_rat(&u, 0))
            } else {
                format!(
                    "{} to 20 places; reported rounded half-even to 6",
                    fmt_rat(&u, 0)
                )
            },
            dec_str(&a.target),
            if breached {
                "breached (uptime < target)"
            } else {
                "met"
            }
        ));
        (u, breached)
    };

    // Step 9: percent.
    let (percent, tier_below) = schedule_percent(schedule, &uptime, &target, breached, &mut trace);
    AvailabilityOutcome {
        downtime,
        excluded_seconds,
        denominator_seconds: denominator,
        uptime,
        breached,
        percent,
        tier_below,
        trace,
        warnings,
        evidence,
        maintenance,
    }
}

fn merge_group<'a>(rows: &[&Row<'a>]) -> Merged<'a> {
    // Sweep the row boundaries keeping a multiset of active impacts.
    let mut edges: Vec<(Instant, bool, Decimal)> = Vec::with_capacity(rows.len() * 2);
    for r in rows {
        edges.push((r.start, true, r.impact));
        edges.push((r.end, false, r.impact));
    }
    edges.sort_by_key(|e| e.0);
    let mut active: BTreeMap<Decimal, usize> = BTreeMap::new();
    let mut segments: Vec<(Instant, Instant, Decimal)> = Vec::new();
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
    Merged {
        start: rows.iter().map(|r| r.start).min().unwrap_or_default(),
        end: rows.iter().map(|r| r.end).max().unwrap_or_default(),
        segments,
        rows: rows.iter().map(|r| r.origin).collect(),
        shown: rows.iter().filter_map(|r| r.shown).collect(),
    }
}

fn weighted(parts: &[(Instant, Instant, Decimal)]) -> Rat {
    parts.iter().map(|(s, e, i)| rat_int(e - s) * rat(*i)).sum()
}

/// Calls `emit` with the parts of `[s, e)` outside the sorted, disjoint `x`.
fn subtract(
    x: &[(Instant, Instant)],
    s: Instant,
    e: Instant,
    mut emit: impl FnMut(Instant, Instant),
) {
    let mut cur = s;
    let first = x.partition_point(|w| w.1 <= s);
    for &(xs, xe) in &x[first..] {
        if xs >= e {
            break;
        }
        if xs > cur {
            emit(cur, xs);
        }
        cur = cur.max(xe);
        if cur >= e {
            return;
        }
    }
    if cur < e {
        emit(cur, e);
    }
}

/// Seconds of `[s, e)` inside the sorted, disjoint `x`.
fn overlap(x: &[(Instant, Instant)], s: Instant, e: Instant) -> i64 {
    let first = x.partition_point(|w| w.1 <= s);
    x[first..]
        .iter()
        .take_while(|w| w.0 < e)
        .map(|w| w.1.min(e) - w.0.max(s))
        .filter(|d| *d > 0)
        .sum()
}

type Windows = Vec<(Instant, Instant)>;

/// The kept maintenance X (step 5) and a decision per window touching the period.
fn kept_maintenance(
    service: &str,
    a: &Availability,
    events: &Events,
    p: &Period,
    trace: &mut Vec<String>,
) -> (Windows, Vec<MaintenanceDecision>) {
    let mut windows = Vec::new();
    let mut decisions = Vec::new();
    for m in events.maintenance.iter().filter(|m| m.service == service) {
        if m.end < p.start || m.start > p.end {
            continue;
        }
        let what = format!("{}: maintenance {}", m.origin, span(m.start, m.end));
        let mut decide = |excluded: bool, reason: String| {
            decisions.push(MaintenanceDecision {
                row: m.origin.to_string(),
                start: fmt_instant(m.start),
                end: fmt_instant(m.end),
                notified_at: m.notified_at.map(fmt_instant),
                excluded,
                reason,
            });
        };
        let Some(notice) = a.maintenance_notice_seconds else {
            trace.push(format!("{what}: not excluded, the terms set no maintenance_notice (maintenance is never excluded)."));
            decide(
                false,
                "not excluded: the terms never exclude maintenance".into(),
            );
            continue;
        };
        let Some(notified) = m.notified_at else {
            trace.push(format!("{what}: not excluded, no notice was given."));
            decide(false, "not excluded: no notice given".into());
            continue;
        };
        let needed = m.start - notice;
        if notified > needed {
            trace.push(format!(
                "{what}: not excluded, notified {} but {} notice required it by {}.",
                fmt_instant(notified),
                fmt_duration(notice),
                fmt_instant(needed)
            ));
            decide(
                false,
                format!(
                    "not excluded: notified less than {} ahead",
                    fmt_duration(notice)
                ),
            );
            continue;
        }
        trace.push(format!(
            "{what}: qualifies, notified {} (at least {} ahead).",
            fmt_instant(notified),
            fmt_duration(notice)
        ));
        decide(
            true,
            format!("excluded: notified at least {} ahead", fmt_duration(notice)),
        );
        let (s, e) = (m.start.max(p.start), m.end.min(p.end));
        if s < e {
            windows.push((s, e));
        }
    }
    let union = merge_intervals(windows);
    let Some(cap) = a.maintenance_cap_seconds else {
        return (union, decisions);
    };
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
    (kept, decisions)
}

fn buckets(
    u: i64,
    parts_by_outage: &[Vec<(Instant, Instant, Decimal)>],
    x: &[(Instant, Instant)],
    p: &Period,
    trace: &mut Vec<String>,
) -> Rat {
    let (p0, p1) = (p.start, p.end);
    let mut parts: Vec<(Instant, Instant, Decimal)> =
        parts_by_outage.iter().flatten().copied().collect();
    parts.sort_by_key(|v| v.0);
    let bucket_of = |t: Instant| (t - p0) / u;
    let bounds = |k: i64| (p0 + k * u, (p0 + (k + 1) * u).min(p1));
    // Buckets a part covers entirely are counted in bulk; the rest are
    // collected with the largest impact seen in them.
    let mut edge: BTreeMap<i64, Decimal> = BTreeMap::new();
    let mut bulk = Rat::zero();
    let mut bulk_count = 0i64;
    for &(s, e, imp) in &parts {
        let (k1, k2) = (bucket_of(s), bucket_of(e - 1));
        for k in [k1, k2] {
            let m = edge.entry(k).or_insert(imp);
            *m = (*m).max(imp);
        }
        if k2 > k1 + 1 {
            bulk += rat_int((k2 - k1 - 1) * u) * rat(imp);
            bulk_count += k2 - k1 - 1;
        }
    }
    let mut total = bulk.clone();
    let mut lines = Vec::new();
    for (&k, imp) in &edge {
        let (bs, be) = bounds(k);
        let inside_x = overlap(x, bs, be);
        let c = rat_int(be - bs - inside_x) * rat(*imp);
        lines.push(format!(
            "{} ({} s{}) x impact {} = {}",
            span(bs, be),
            be - bs,
            if inside_x > 0 {
                format!(" - {inside_x} s maintenance")
            } else {
                String::new()
            },
            dec_str(imp),
            fmt_rat(&c, 0)
        ));
        total += c;
    }
    trace.push(format!(
        "buckets:{}: {} bucket(s) from {} touch counted outage time.",
        fmt_duration(u),
        edge.len() as i64 + bulk_count,
        fmt_instant(p0)
    ));
    if bulk_count > 0 {
        trace.push(format!(
            "{bulk_count} bucket(s) lie wholly inside outages and count {} weighted s.",
            fmt_rat(&bulk, 0)
        ));
    }
    const SHOWN: usize = 500;
    for l in lines.iter().take(SHOWN) {
        trace.push(format!("Bucket {l}."));
    }
    if lines.len() > SHOWN {
        trace.push(format!(
            "... {} more partly covered bucket(s) not listed.",
            lines.len() - SHOWN
        ));
    }
    total
}

/// The schedule's percent for an availability term (spec 3.9).
pub fn schedule_percent(
    schedule: &Schedule,
    uptime: &Rat,
    target: &Rat,
    breached: bool,
    trace: &mut Vec<String>,
) -> (Rat, Option<Decimal>) {
    match schedule {
        Schedule::Tiers(tiers) => {
            let hit = tiers
                .iter()
                .filter(|t| uptime < &rat(t.below))
                .max_by(|a, b| a.percent.cmp(&b.percent));
            match hit {
                Some(t) => {
                    trace.push(format!("Tier: uptime is below {}, so {} % applies (the largest percent among tiers whose `below` the uptime is under).", dec_str(&t.below), dec_str(&t.percent)));
                    (rat(t.percent), Some(t.below))
                }
                None => {
                    trace.push("Tier: uptime is not below any tier: 0 %.".into());
                    (Rat::zero(), None)
                }
            }
        }
        Schedule::PerStep {
            step,
            percent_per_step,
        } => {
            if !breached {
                trace.push("per_step: uptime meets the target: 0 %.".into());
                return (Rat::zero(), None);
            }
            let steps = ceil(&((target - uptime) / rat(*step)));
            let raw = Rat::from_integer(steps.clone()) * rat(*percent_per_step);
            let pct = raw.clone().min(hundred());
            trace.push(format!(
                "per_step: ceil((target - uptime) / {}) = {} step(s) x {} % = {} %{}.",
                dec_str(step),
                steps,
                dec_str(percent_per_step),
                fmt_rat(&raw, 0),
                if raw > hundred() {
                    ", limited to 100 %"
                } else {
                    ""
                }
            ));
            (pct, None)
        }
        Schedule::Multiplier(m) => {
            if !breached {
                trace.push("multiplier: uptime meets the target: 0 %.".into());
                return (Rat::zero(), None);
            }
            let raw = rat(*m) * (hundred() - uptime);
            let pct = raw.clone().min(hundred());
            trace.push(format!(
                "multiplier: {} x (100 - uptime) = {} %{}.",
                dec_str(m),
                fmt_rat(&raw, 0),
                if raw > hundred() {
                    ", limited to 100 %"
                } else {
                    ""
                }
            ));
            (pct, None)
        }
        Schedule::PerBreach(_) => (Rat::zero(), None),
    }
}
