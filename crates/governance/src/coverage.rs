//! Vendor back-to-back coverage: what the vendors' contractual targets
//! guarantee for a customer-facing service (series: the product; a
//! redundant group: 1 - the product of the unavailabilities), exactly, set
//! against what we promise customers; single points of failure; two
//! evidence sources compared; vendors running close to their targets; and
//! per incident, credits we owe next to credits we can claim.

use num_traits::{One, Signed, Zero};
use rust_decimal::Decimal;
use serde::Serialize;
use sla_engine::num::{fmt_rat, rat, rat_int, Rat};
use sla_engine::time::merge_intervals;
use sla_engine::ResultDoc;
use std::collections::BTreeMap;

/// A dependency: one vendor SLA, or a group.
#[derive(Debug, Clone, PartialEq)]
pub enum Node {
    /// A vendor's SLA; `target` in percent, `None` when the contract has no
    /// availability term for it.
    Vendor {
        name: String,
        target: Option<Decimal>,
    },
    /// All must be up.
    Series(Vec<Node>),
    /// Any one up is enough.
    Redundant(Vec<Node>),
}

#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct CoverageReport {
    pub service: String,
    /// What we promise customers, in percent.
    pub promised: String,
    /// What the vendors' targets guarantee together, in percent (exact).
    pub guaranteed: Option<String>,
    /// promised - guaranteed, when positive: the shortfall we carry alone.
    pub gap: Option<String>,
    pub covered: bool,
    pub single_points_of_failure: Vec<String>,
    /// Vendors with no availability target: coverage cannot be shown.
    pub unknown: Vec<String>,
    pub trace: Vec<String>,
}

fn ratio(node: &Node, trace: &mut Vec<String>, unknown: &mut Vec<String>) -> Option<Rat> {
    match node {
        Node::Vendor { name, target } => match target {
            Some(t) => Some(rat(*t) / rat_int(100)),
            None => {
                unknown.push(name.clone());
                None
            }
        },
        Node::Series(xs) => {
            let parts: Vec<Option<Rat>> = xs.iter().map(|x| ratio(x, trace, unknown)).collect();
            let all: Option<Vec<Rat>> = parts.into_iter().collect();
            let all = all?;
            let p = all.iter().fold(Rat::one(), |acc, a| acc * a);
            trace.push(format!(
                "Series of {}: {} = {} %.",
                xs.len(),
                all.iter()
                    .map(|a| fmt_rat(&(a * rat_int(100)), 0))
                    .collect::<Vec<_>>()
                    .join(" % x "),
                fmt_rat(&(p.clone() * rat_int(100)), 0)
            ));
            Some(p)
        }
        Node::Redundant(xs) => {
            let parts: Vec<Option<Rat>> = xs.iter().map(|x| ratio(x, trace, unknown)).collect();
            let all: Option<Vec<Rat>> = parts.into_iter().collect();
            let all = all?;
            let down = all.iter().fold(Rat::one(), |acc, a| acc * (Rat::one() - a));
            let up = Rat::one() - down;
            trace.push(format!(
                "Redundant group of {}: 1 - {} = {} %.",
                xs.len(),
                all.iter()
                    .map(|a| format!("(1 - {})", fmt_rat(a, 0)))
                    .collect::<Vec<_>>()
                    .join(" x "),
                fmt_rat(&(up.clone() * rat_int(100)), 0)
            ));
            Some(up)
        }
    }
}

/// Coverage of one service whose dependencies run in series (the top
/// level); `promised` in percent.
pub fn coverage(service: &str, promised: Decimal, deps: &[Node]) -> CoverageReport {
    let mut trace = Vec::new();
    let mut unknown = Vec::new();
    let top = Node::Series(deps.to_vec());
    let g = ratio(&top, &mut trace, &mut unknown).map(|r| r * rat_int(100));
    let spof = deps
        .iter()
        .filter_map(|d| match d {
            Node::Vendor { name, .. } => Some(name.clone()),
            _ => None,
        })
        .collect::<Vec<_>>();
    let p = rat(promised);
    let gap = g
        .as_ref()
        .map(|g| p.clone() - g)
        .filter(|d| d.is_positive());
    trace.push(match (&g, &gap) {
        (Some(g), Some(d)) => format!(
            "We promise {} %; the vendors guarantee {} %: a gap of {} points we carry alone.",
            fmt_rat(&p, 0),
            fmt_rat(g, 0),
            fmt_rat(d, 0)
        ),
        (Some(g), None) => format!(
            "We promise {} %; the vendors guarantee {} %: covered.",
            fmt_rat(&p, 0),
            fmt_rat(g, 0)
        ),
        (None, _) => format!(
            "No availability target for {}: coverage cannot be shown.",
            unknown.join(", ")
        ),
    });
    CoverageReport {
        service: service.into(),
        promised: fmt_rat(&p, 0),
        guaranteed: g.as_ref().map(|g| fmt_rat(g, 0)),
        gap: gap.as_ref().map(|d| fmt_rat(d, 0)),
        covered: g.is_some() && gap.is_none(),
        single_points_of_failure: spof,
        unknown,
        trace,
    }
}

/// Two evidence sources for the same vendor service (the vendor's report,
/// our monitors): seconds each saw, and what only one of them saw.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct SourceComparison {
    pub a: String,
    pub b: String,
    pub a_seconds: i64,
    pub b_seconds: i64,
    pub both_seconds: i64,
    pub only_a_seconds: i64,
    pub only_b_seconds: i64,
    /// Intervals only one source saw, `start/end` in UTC.
    pub only_a: Vec<String>,
    pub only_b: Vec<String>,
}

fn minus(a: &[(i64, i64)], b: &[(i64, i64)]) -> Vec<(i64, i64)> {
    let mut out = Vec::new();
    for &(s, e) in a {
        let mut cur = s;
        for &(bs, be) in b {
            if be <= cur || bs >= e {
                continue;
            }
            if bs > cur {
                out.push((cur, bs));
            }
            cur = cur.max(be);
        }
        if cur < e {
            out.push((cur, e));
        }
    }
    out
}

fn total(v: &[(i64, i64)]) -> i64 {
    v.iter().map(|(a, b)| b - a).sum()
}

pub fn compare_sources(
    a_name: &str,
    a: &[(i64, i64)],
    b_name: &str,
    b: &[(i64, i64)],
) -> SourceComparison {
    let (a, b) = (merge_intervals(a.to_vec()), merge_intervals(b.to_vec()));
    let only_a = minus(&a, &b);
    let only_b = minus(&b, &a);
    let f = |v: &[(i64, i64)]| {
        v.iter()
            .map(|(s, e)| {
                format!(
                    "{}/{}",
                    sla_engine::time::fmt_instant(*s),
                    sla_engine::time::fmt_instant(*e)
                )
            })
            .collect()
    };
    SourceComparison {
        a: a_name.into(),
        b: b_name.into(),
        a_seconds: total(&a),
        b_seconds: total(&b),
        both_seconds: total(&a) - total(&only_a),
        only_a_seconds: total(&only_a),
        only_b_seconds: total(&only_b),
        only_a: f(&only_a),
        only_b: f(&only_b),
    }
}

/// A vendor SLA whose measured uptime stayed within `margin` points above
/// its target (or below it) for each of the last `months` months.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct MarginWatch {
    pub contract: String,
    pub sla: String,
    pub months: Vec<String>,
    pub closest: String,
}

/// `history`: (period, uptime, target) per month, any order.
pub fn margin_watch(
    contract: &str,
    sla: &str,
    history: &[(String, Decimal, Decimal)],
    margin: Decimal,
    months: usize,
) -> Option<MarginWatch> {
    let mut h = history.to_vec();
    h.sort_by(|x, y| x.0.cmp(&y.0));
    if months == 0 || h.len() < months {
        return None;
    }
    let last = &h[h.len() - months..];
    let close = last.iter().all(|(_, u, t)| *u - *t < margin);
    close.then(|| MarginWatch {
        contract: contract.into(),
        sla: sla.into(),
        months: last.iter().map(|(p, _, _)| p.clone()).collect(),
        closest: last
            .iter()
            .map(|(_, u, t)| *u - *t)
            .min()
            .map(sla_engine::num::fmt_dec)
            .unwrap_or_default(),
    })
}

/// Per incident (outage `ref` or incident id): what we owe customers and
/// what we can claim from vendors for it, and the recovery ratio.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct RecoveryRow {
    pub incident: String,
    pub currency: String,
    pub owed_to_customers: String,
    pub claimable_from_vendors: String,
    /// claimable / owed, 4 places half-even; `None` when nothing is owed.
    pub ratio: Option<String>,
}

/// Each statement's total is shared among its lines by their amounts, and
/// a line's share among the incidents behind it: availability lines by the
/// outage time of each reference's counted rows (merged, cut to the
/// period; maintenance exclusions and partial-impact weights are not
/// apportioned), incident lines equally among the breached incidents.
/// Amounts never mix currencies; shares are exact, shown to the cent.
pub fn recovery(statements: &[ResultDoc]) -> Vec<RecoveryRow> {
    // (incident, currency) -> (owed, claimable)
    let mut acc: BTreeMap<(String, String), (Rat, Rat)> = BTreeMap::new();
    let num = crate::rat_of;
    for doc in statements {
        let vendor = doc
            .direction
            .as_deref()
            .and_then(sla_engine::terms::Direction::parse)
            == Some(sla_engine::terms::Direction::Vendor);
        let subtotal = num(&doc.subtotal);
        let doc_total = num(&doc.total);
        if subtotal.is_zero() || doc_total.is_zero() {
            continue;
        }
        let scale = doc_total / subtotal;
        for line in &doc.lines {
            let mut shares: Vec<(String, Rat)> = Vec::new();
            let amount;
            match line {
                sla_engine::Line::Availability(a) => {
                    amount = num(&a.amount);
                    // Each reference's outage time: its counted rows merged
                    // and cut to the period (an open row runs to its end).
                    let utc = |t: &str| sla_engine::time::parse_instant(t, chrono_tz::UTC).ok();
                    let (ps, pe) = (utc(&doc.period.start), utc(&doc.period.end));
                    let mut rows: BTreeMap<String, Vec<(i64, i64)>> = BTreeMap::new();
                    for e in a.evidence.iter().filter(|e| e.counted) {
                        if let (Some(s), Some(ps), Some(pe)) = (utc(&e.start), ps, pe) {
                            let en = utc(&e.end).unwrap_or(pe);
                            let key = if e.reference.is_empty() {
                                "(no reference)".to_string()
                            } else {
                                e.reference.clone()
                            };
                            rows.entry(key).or_default().push((s.max(ps), en.min(pe)));
                        }
                    }
                    let by_ref: BTreeMap<String, i64> = rows
                        .into_iter()
                        .map(|(k, v)| (k, total(&merge_intervals(v))))
                        .filter(|(_, v)| *v > 0)
                        .collect();
                    let all: i64 = by_ref.values().sum();
                    if all > 0 {
                        shares = by_ref
                            .into_iter()
                            .map(|(k, v)| (k, rat_int(v) / rat_int(all)))
                            .collect();
                    }
                }
                sla_engine::Line::Incident(i) => {
                    amount = num(&i.amount);
                    let hit: Vec<&str> = i
                        .incidents
                        .iter()
                        .filter(|x| x.breached)
                        .map(|x| x.incident.as_str())
                        .collect();
                    let n = hit.len() as i64;
                    shares = hit
                        .into_iter()
                        .map(|k| (k.to_string(), Rat::one() / rat_int(n.max(1))))
                        .collect();
                }
            }
            for (k, share) in shares {
                let v = amount.clone() * scale.clone() * share;
                let e = acc.entry((k, doc.currency.clone())).or_default();
                if vendor {
                    e.1 += v;
                } else {
                    e.0 += v;
                }
            }
        }
    }
    acc.into_iter()
        .map(|((incident, currency), (owed, claim))| RecoveryRow {
            ratio: (!owed.is_zero())
                .then(|| sla_engine::num::fmt_fixed(&(claim.clone() / owed.clone()), 4)),
            incident,
            currency,
            owed_to_customers: sla_engine::num::fmt_fixed(&owed, 2),
            claimable_from_vendors: sla_engine::num::fmt_fixed(&claim, 2),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(name: &str, t: &str) -> Node {
        Node::Vendor {
            name: name.into(),
            target: Some(t.parse().unwrap()),
        }
    }

    #[test]
    fn series_and_redundant_groups_compose_exactly() {
        // Cloud 99.95 % in series with a redundant pair of DNS at 99.9 %:
        // DNS pair = 1 - 0.001 x 0.001 = 0.999999; x 0.9995 = 0.9994990005.
        let deps = vec![
            v("cloud/vm", "99.95"),
            Node::Redundant(vec![v("dns-a/dns", "99.9"), v("dns-b/dns", "99.9")]),
        ];
        let r = coverage("checkout", "99.9".parse().unwrap(), &deps);
        assert_eq!(r.guaranteed.as_deref(), Some("99.94990005"));
        assert!(r.covered);
        assert_eq!(r.gap, None);
        assert_eq!(r.single_points_of_failure, vec!["cloud/vm"]);
        // Promise 99.95: the gap is 99.95 - 99.94990005 = 0.00009995 points.
        let r = coverage("checkout", "99.95".parse().unwrap(), &deps);
        assert_eq!(r.gap.as_deref(), Some("0.00009995"));
        assert!(!r.covered);
        // Three in series: 0.999 x 0.999 = 0.998001; x 0.9999 = 0.998001 -
        // 0.0000998001 = 0.9979011999 (exact).
        let r = coverage(
            "api",
            "99.5".parse().unwrap(),
            &[v("a", "99.9"), v("b", "99.9"), v("c", "99.99")],
        );
        assert_eq!(r.guaranteed.as_deref(), Some("99.79011999"));
        let r = coverage(
            "api",
            "99.5".parse().unwrap(),
            &[Node::Vendor {
                name: "x".into(),
                target: None,
            }],
        );
        assert_eq!((r.guaranteed, r.unknown), (None, vec!["x".to_string()]));
    }

    #[test]
    fn two_sources_say_what_only_one_of_them_saw() {
        // Vendor: 10:00-10:30; ours: 10:10-10:45 and 11:00-11:05.
        let h = |hh: i64, mm: i64| hh * 3600 + mm * 60;
        let c = compare_sources(
            "vendor",
            &[(h(10, 0), h(10, 30))],
            "ours",
            &[(h(10, 10), h(10, 45)), (h(11, 0), h(11, 5))],
        );
        assert_eq!(
            (
                c.a_seconds,
                c.b_seconds,
                c.both_seconds,
                c.only_a_seconds,
                c.only_b_seconds
            ),
            (1800, 2400, 1200, 600, 1200)
        );
        assert_eq!(c.only_b.len(), 2);
    }

    #[test]
    fn a_vendor_close_to_its_target_for_n_months_is_flagged() {
        let d = |s: &str| s.parse::<Decimal>().unwrap();
        let h = vec![
            ("2026-08".to_string(), d("99.99"), d("99.9")),
            ("2026-09".to_string(), d("99.93"), d("99.9")),
            ("2026-10".to_string(), d("99.91"), d("99.9")),
        ];
        let w = margin_watch("V", "vm", &h, d("0.05"), 2).unwrap();
        assert_eq!(w.months, vec!["2026-09", "2026-10"]);
        assert_eq!(w.closest, "0.01");
        assert_eq!(margin_watch("V", "vm", &h, d("0.05"), 3), None);
    }
}

#[cfg(test)]
mod properties {
    use super::*;
    use proptest::prelude::*;

    fn target() -> impl Strategy<Value = Decimal> {
        // 90.000 .. 99.999 %, three places, like real SLAs.
        (90_000i64..99_999).prop_map(|n| Decimal::new(n, 3))
    }

    fn pct(r: &CoverageReport) -> Rat {
        crate::rat_of(r.guaranteed.as_deref().unwrap())
    }

    proptest! {
        // A chain is never stronger than its weakest link; a redundant
        // group never weaker than its strongest member; and adding a
        // dependency in series never raises the guarantee.
        #[test]
        fn composition_bounds(ts in proptest::collection::vec(target(), 1..5)) {
            let nodes: Vec<Node> = ts.iter().enumerate().map(|(i, t)| Node::Vendor { name: format!("v{i}"), target: Some(*t) }).collect();
            let lo = rat(*ts.iter().min().unwrap());
            let hi = rat(*ts.iter().max().unwrap());
            let series = coverage("s", Decimal::ONE_HUNDRED, &nodes);
            prop_assert!(pct(&series) <= lo);
            let group = coverage("s", Decimal::ONE_HUNDRED, &[Node::Redundant(nodes.clone())]);
            prop_assert!(pct(&group) >= hi);
            prop_assert!(pct(&group) <= rat_int(100));
            let mut more = nodes.clone();
            more.push(Node::Vendor { name: "extra".into(), target: Some(Decimal::new(999, 1)) });
            prop_assert!(pct(&coverage("s", Decimal::ONE_HUNDRED, &more)) <= pct(&series));
        }

        // What two sources saw adds up: both + only one = each one's total.
        #[test]
        fn source_comparison_adds_up(
            a in proptest::collection::vec((0i64..10_000, 1i64..600), 0..8),
            b in proptest::collection::vec((0i64..10_000, 1i64..600), 0..8),
        ) {
            let iv = |v: &[(i64, i64)]| v.iter().map(|(s, d)| (*s, s + d)).collect::<Vec<_>>();
            let c = compare_sources("a", &iv(&a), "b", &iv(&b));
            prop_assert_eq!(c.both_seconds + c.only_a_seconds, c.a_seconds);
            prop_assert_eq!(c.both_seconds + c.only_b_seconds, c.b_seconds);
        }
    }
}
