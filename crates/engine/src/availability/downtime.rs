//! Step 6: the counted outage time. Each merged outage loses the kept
//! maintenance X and what lies outside the period, is weighed by impact,
//! and the sum is rounded as the terms say (per merged outage for `ceil`,
//! on fixed buckets from the period start for `buckets`).

use super::{dec_str, push_span, span, touches, Merged, Parts};
use crate::duration::fmt_duration;
use crate::num::{ceil, fmt_rat, rat, rat_int, ratio, Rat};
use crate::result::EvidenceRow;
use crate::terms::Rounding;
use crate::time::{fmt_instant, Instant, Period};
use num_traits::{Signed, Zero};
use rust_decimal::Decimal;
use std::collections::BTreeMap;
use std::fmt::Write;

/// The counted parts of each merged outage, in order. Outages touching the
/// period are explained in the trace and their evidence rows annotated.
pub(super) fn counted_parts(
    merged: &[Merged<'_>],
    x: &[(Instant, Instant)],
    p: &Period,
    evidence: &mut [EvidenceRow],
    trace: &mut Vec<String>,
) -> Vec<Parts> {
    let mut parts_by_outage = Vec::new();
    for m in merged {
        let mut parts = Vec::new();
        for &(s, e, imp) in &m.segments {
            let (s, e) = (s.max(p.start), e.min(p.end));
            if s < e {
                subtract(x, s, e, |a, b| parts.push((a, b, imp)));
            }
        }
        if touches(p, m.start, m.end) {
            explain(m, &parts, p, evidence, trace);
        }
        parts_by_outage.push(parts);
    }
    parts_by_outage
}

/// One merged outage: what it covered, what was clipped or removed, what
/// counts.
fn explain(
    m: &Merged<'_>,
    parts: &Parts,
    p: &Period,
    evidence: &mut [EvidenceRow],
    trace: &mut Vec<String>,
) {
    let wall: i64 = m.segments.iter().map(|(s, e, _)| e - s).sum();
    let in_period: i64 = m
        .segments
        .iter()
        .map(|(s, e, _)| (e.min(&p.end) - s.max(&p.start)).max(0))
        .sum();
    let removed = in_period - parts.iter().map(|(s, e, _)| e - s).sum::<i64>();
    let clipped = wall - in_period;
    annotate(m, parts, removed, clipped, evidence);
    // One string per sentence, written in place (issue 15).
    let mut s = String::with_capacity(160 + 40 * (m.rows.len() + parts.len()));
    s.push_str("Merged outage ");
    push_span(&mut s, m.start, m.end);
    let _ = write!(s, " ({wall} s covered) from ");
    for (i, o) in m.rows.iter().enumerate() {
        if i > 0 {
            s.push_str(", ");
        }
        o.push_to(&mut s);
    }
    if clipped > 0 {
        let _ = write!(s, "; {clipped} s outside the period clipped");
    }
    if removed > 0 {
        let _ = write!(s, "; {removed} s inside excluded maintenance removed");
    }
    s.push_str(": counts ");
    if parts.is_empty() {
        s.push_str("nothing inside the period after exclusions");
    } else {
        for (i, (a, b, imp)) in parts.iter().enumerate() {
            let sep = if i > 0 { " + " } else { "" };
            let _ = write!(s, "{sep}{} s at impact {}", b - a, imp.normalize());
        }
        let _ = write!(s, " = {} weighted s", fmt_rat(&weighted(parts.iter()), 0));
    }
    s.push('.');
    trace.push(s);
}

/// The evidence rows of a merged outage that lost time: nothing left, or
/// counted but clipped to the period and/or less excluded maintenance.
fn annotate(
    m: &Merged<'_>,
    parts: &Parts,
    removed: i64,
    clipped: i64,
    evidence: &mut [EvidenceRow],
) {
    if parts.is_empty() {
        for &i in &m.shown {
            evidence[i].counted = false;
            evidence[i].reason = "nothing left inside the period after excluded maintenance".into();
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
}

/// The weighted downtime, rounded as the terms say.
pub(super) fn rounded(
    rounding: Rounding,
    parts_by_outage: &[Parts],
    x: &[(Instant, Instant)],
    p: &Period,
    trace: &mut Vec<String>,
) -> Rat {
    match rounding {
        Rounding::None => weighted(parts_by_outage.iter().flatten()),
        Rounding::Ceil(u) => each_to_unit(u, true, parts_by_outage, trace),
        Rounding::Floor(u) => each_to_unit(u, false, parts_by_outage, trace),
        Rounding::Buckets(u) => buckets(u, parts_by_outage, x, p, trace),
    }
}

/// `ceil:u` (`up`) or `floor:u` (terms v2 section 7): each merged
/// outage's weighted seconds round to whole units, up or down.
fn each_to_unit(u: i64, up: bool, parts_by_outage: &[Parts], trace: &mut Vec<String>) -> Rat {
    let mut total = Rat::zero();
    let (name, way) = if up {
        ("ceil", "up")
    } else {
        ("floor", "down")
    };
    for parts in parts_by_outage {
        let w = weighted(parts.iter());
        if w.is_positive() {
            let q = &w / rat_int(u);
            let units = if up { ceil(&q) } else { q.floor().to_integer() };
            let r = Rat::from_integer(units) * rat_int(u);
            if r != w {
                trace.push(format!(
                    "{name}:{}: {} weighted s rounds {way} to {} s.",
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

/// `buckets:u`: the period cut into buckets of `u` from its start (the last
/// may be short); a bucket touched by counted outage time counts whole,
/// less maintenance in it, at the largest impact seen in it.
fn buckets(
    u: i64,
    parts_by_outage: &[Parts],
    x: &[(Instant, Instant)],
    p: &Period,
    trace: &mut Vec<String>,
) -> Rat {
    let (p0, p1) = (p.start, p.end);
    let mut parts: Parts = parts_by_outage.iter().flatten().copied().collect();
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
    list_buckets(&lines, trace);
    total
}

/// The partly covered buckets, at most 500 of them: a month of one-second
/// buckets must not make a trace of millions of lines.
fn list_buckets(lines: &[String], trace: &mut Vec<String>) {
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
}

/// Seconds times impact, summed exactly.
fn weighted<'p>(parts: impl IntoIterator<Item = &'p (Instant, Instant, Decimal)> + Clone) -> Rat {
    weighted_fast(parts.clone()).unwrap_or_else(|| {
        parts
            .into_iter()
            .map(|(s, e, i)| rat_int(e - s) * rat(*i))
            .sum()
    })
}

/// [`weighted`] in machine integers (issue 15: summing ratios of big
/// integers, a gcd at every step, was a third of a 2,000-SLA month): the
/// sum as an integer over 10^scale, scale the largest of the impacts'.
/// `None` when a step would overflow, and the ratios do it.
fn weighted_fast<'p>(
    parts: impl IntoIterator<Item = &'p (Instant, Instant, Decimal)>,
) -> Option<Rat> {
    let (mut sum, mut scale) = (0i128, 0u32);
    for (s, e, i) in parts {
        let seconds = i128::from(e.checked_sub(*s)?);
        let (m, k) = (i.mantissa(), i.scale());
        if k > scale {
            sum = sum.checked_mul(10i128.checked_pow(k - scale)?)?;
            scale = k;
        }
        let term = seconds
            .checked_mul(m)?
            .checked_mul(10i128.checked_pow(scale - k)?)?;
        sum = sum.checked_add(term)?;
    }
    Some(ratio(sum, 10i128.checked_pow(scale)?))
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn issue15_weighted_time_in_machine_integers_is_the_exact_sum() {
        let d = |s: &str| s.parse::<Decimal>().unwrap();
        let parts: Parts = vec![
            (0, 59, d("1")),
            (100, 225, d("0.5")),
            (300, 307, d("0.333")),
            (400, 401, d("0.0000000000000000000000000001")),
        ];
        let slow: Rat = parts.iter().map(|(s, e, i)| rat_int(e - s) * rat(*i)).sum();
        assert_eq!(weighted_fast(parts.iter()), Some(slow.clone()));
        assert_eq!(weighted(parts.iter()), slow);
        assert_eq!(weighted_fast([].iter()), Some(Rat::zero()));
        // Too large for i128: the ratios take over, exactly.
        let big: Parts = vec![(0, i64::MAX, Decimal::MAX), (0, i64::MAX, Decimal::MAX)];
        assert_eq!(weighted_fast(big.iter()), None);
        let slow: Rat = big.iter().map(|(s, e, i)| rat_int(e - s) * rat(*i)).sum();
        assert_eq!(weighted(big.iter()), slow);
    }

    #[test]
    fn floor_and_ceil_round_each_merged_outage_to_whole_units() {
        let half = Decimal::new(5, 1);
        // A 59 s outage, and a 125 s one at impact 0.5 (62.5 weighted s).
        let outages: Vec<Parts> = vec![vec![(0, 59, Decimal::ONE)], vec![(1000, 1125, half)]];
        let mut trace = Vec::new();
        assert_eq!(each_to_unit(60, false, &outages, &mut trace), rat_int(60));
        assert_eq!(
            trace,
            vec![
                "floor:1m: 59 weighted s rounds down to 0 s.",
                "floor:1m: 62.5 weighted s rounds down to 60 s."
            ]
        );
        assert_eq!(
            each_to_unit(60, true, &outages, &mut Vec::new()),
            rat_int(180)
        );
        // A whole number of units is left as it is, with no trace line.
        let whole: Vec<Parts> = vec![vec![(0, 120, Decimal::ONE)]];
        let mut trace = Vec::new();
        assert_eq!(each_to_unit(60, false, &whole, &mut trace), rat_int(120));
        assert!(trace.is_empty());
    }
}
