//! Differential tests against brute force. The engine works on intervals
//! (sort, sweep, bulk buckets); these oracles walk the period second by
//! second (availability) or minute by minute (business-hours clocks, checking
//! each minute's local wall time directly), the slowest and plainest reading
//! of the spec, and must agree exactly.

use chrono::{Datelike, TimeZone, Timelike};
use chrono_tz::Tz;
use proptest::prelude::*;
use rust_decimal::Decimal;
use sla_engine::events::Origin;
use sla_engine::result::Line;
use sla_engine::{compute, Events, IncidentRow, MaintenanceRow, OutageRow, Terms};
use std::str::FromStr;

/// September 2026, UTC.
const P0: i64 = 1_788_220_800;
const MONTH: i64 = 30 * 86_400;
const IMPACTS: [&str; 4] = ["1", "0.5", "0.2", "0.75"];

#[derive(Debug, Clone)]
struct Case {
    rows: Vec<(i64, i64, usize, bool)>,
    maint: Vec<(i64, i64, Option<i64>)>,
    min_outage: i64,
    rounding: (u8, i64),
    partial: u8,
    cap: Option<i64>,
}

fn case() -> impl Strategy<Value = Case> {
    let row = (
        -2 * 86_400i64..MONTH + 86_400,
        0i64..30_000,
        0usize..4,
        prop::bool::weighted(0.2),
    );
    let maint = (
        -3_600i64..MONTH,
        0i64..15_000,
        prop::option::of(0i64..150_000),
    );
    (
        prop::collection::vec(row, 0..12),
        prop::collection::vec(maint, 0..4),
        prop::sample::select(vec![0i64, 60, 600, 3_600]),
        prop::sample::select(vec![
            (0u8, 0i64),
            (1, 60),
            (1, 900),
            (2, 300),
            (2, 7_200),
            (2, 5 * 86_400),
        ]),
        0u8..3,
        prop::option::of(prop::sample::select(vec![0i64, 1_800, 7_200])),
    )
        .prop_map(|(rows, maint, min_outage, rounding, partial, cap)| Case {
            rows,
            maint,
            min_outage,
            rounding,
            partial,
            cap,
        })
}

fn terms(c: &Case) -> Terms {
    let rounding = match c.rounding {
        (0, _) => "none".to_string(),
        (1, u) => format!("ceil:{u}s"),
        (_, u) => format!("buckets:{u}s"),
    };
    let partial = ["weighted", "full", "ignore"][c.partial as usize];
    let cap = c
        .cap
        .map(|s| format!("maintenance_cap = \"{s}s\""))
        .unwrap_or_default();
    Terms::parse(&format!(
        "[contract]\nid = \"O\"\ncurrency = \"EUR\"\ntimezone = \"UTC\"\neffective_from = \"2026-01-01\"\n[[services]]\nid = \"s\"\nmonthly_fee = \"100\"\n\
         [[slas]]\nid = \"a\"\nservice = \"s\"\nkind = \"availability\"\ntarget = \"99.9\"\n[slas.downtime]\nrounding = \"{rounding}\"\npartial_impact = \"{partial}\"\nmin_outage = \"{}s\"\n\
         [slas.exclusions]\ncauses = [\"customer\"]\nmaintenance_notice = \"36h\"\n{cap}\n[slas.credit]\nschedule = \"multiplier\"\nmultiplier = \"1\"\n",
        c.min_outage
    ))
    .unwrap()
}

fn events(c: &Case) -> Events {
    Events {
        outages: c
            .rows
            .iter()
            .map(|&(s, len, imp, customer)| OutageRow {
                service: "s".into(),
                start: P0 + s,
                end: Some(P0 + s + len),
                impact: Decimal::from_str(IMPACTS[imp]).unwrap(),
                cause: if customer {
                    "customer".into()
                } else {
                    "internal".into()
                },
                source: "".into(),
                reference: String::new(),
                origin: Origin::default(),
            })
            .collect(),
        maintenance: c
            .maint
            .iter()
            .map(|&(s, len, n)| MaintenanceRow {
                service: "s".into(),
                start: P0 + s,
                end: P0 + s + len,
                notified_at: n.map(|n| P0 + s - n),
                origin: Origin::default(),
            })
            .collect(),
        incidents: vec![],
        requests: vec![],
    }
}

/// Impacts in thousandths, so the brute force stays in integers.
fn milli(i: usize) -> i64 {
    [1000, 500, 200, 750][i]
}

/// (downtime in thousandths of a second, |X|) by walking every second.
fn brute_availability(c: &Case) -> (i64, i64) {
    let lo = P0 - 3 * 86_400;
    let hi = P0 + MONTH + 3 * 86_400;
    let n = (hi - lo) as usize;
    let mut imp = vec![0i64; n];
    let mut covered = vec![false; n];
    for &(s, len, i, customer) in &c.rows {
        let m = milli(i);
        if customer || (c.partial == 2 && m < 1000) {
            continue;
        }
        let m = if c.partial == 1 { 1000 } else { m };
        for t in (P0 + s)..(P0 + s + len) {
            let k = (t - lo) as usize;
            covered[k] = true;
            imp[k] = imp[k].max(m);
        }
    }
    // Runs of covered seconds are the merged outages; drop short ones.
    let mut group = vec![usize::MAX; n];
    let mut k = 0;
    let mut gid = 0;
    while k < n {
        if !covered[k] {
            k += 1;
            continue;
        }
        let start = k;
        while k < n && covered[k] {
            k += 1;
        }
        if (k - start) as i64 >= c.min_outage {
            for g in &mut group[start..k] {
                *g = gid;
            }
            gid += 1;
        }
    }
    // Qualifying maintenance inside the period, kept in time order to the cap.
    let mut in_x = vec![false; n];
    let mut qual = vec![false; n];
    for &(s, len, notice) in &c.maint {
        if notice.is_some_and(|nb| nb >= 36 * 3_600) {
            for t in (P0 + s).max(P0)..(P0 + s + len).min(P0 + MONTH) {
                qual[(t - lo) as usize] = true;
            }
        }
    }
    let mut left = c.cap.unwrap_or(i64::MAX);
    for t in P0..P0 + MONTH {
        let k = (t - lo) as usize;
        if qual[k] && left > 0 {
            in_x[k] = true;
            left -= 1;
        }
    }
    let x: i64 = in_x.iter().filter(|b| **b).count() as i64;
    let counted = |t: i64| {
        let k = (t - lo) as usize;
        (group[k] != usize::MAX && !in_x[k]).then_some((group[k], imp[k]))
    };
    let downtime = match c.rounding {
        (0, _) => (P0..P0 + MONTH).filter_map(counted).map(|(_, m)| m).sum(),
        (1, u) => {
            let mut per = vec![0i64; gid];
            for t in P0..P0 + MONTH {
                if let Some((g, m)) = counted(t) {
                    per[g] += m;
                }
            }
            let unit = u * 1000;
            per.iter()
                .map(|w| {
                    if *w > 0 {
                        (w + unit - 1) / unit * unit
                    } else {
                        0
                    }
                })
                .sum()
        }
        (_, u) => {
            let mut total = 0;
            let mut b = P0;
            while b < P0 + MONTH {
                let e = (b + u).min(P0 + MONTH);
                let max = (b..e).filter_map(counted).map(|(_, m)| m).max();
                if let Some(m) = max {
                    let xs = (b..e).filter(|t| in_x[(t - lo) as usize]).count() as i64;
                    total += (e - b - xs) * m;
                }
                b = e;
            }
            total
        }
    };
    (downtime.min(MONTH * 1000), x)
}

fn ms(s: &str) -> i64 {
    (Decimal::from_str(s).unwrap() * Decimal::from(1000))
        .to_string()
        .split('.')
        .next()
        .unwrap()
        .parse()
        .unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn availability_agrees_with_second_by_second_brute_force(c in case()) {
        let t = terms(&c);
        let doc = compute(&t, &events(&c), &t.period("2026-09").unwrap()).unwrap();
        let Line::Availability(l) = &doc.lines[0] else { panic!() };
        let (down, x) = brute_availability(&c);
        prop_assert_eq!((ms(l.downtime_seconds.as_deref().unwrap()), ms(&l.excluded_seconds) / 1000), (down, x), "{:?}", l.trace);
    }

    #[test]
    fn business_clock_agrees_with_minute_by_minute_brute_force(
        opened in 0i64..(20 * 24 * 60), steps in prop::collection::vec((1i64..4_000, 0u8..4), 1..6), zone in 0usize..3,
    ) {
        let tz: Tz = ["America/New_York", "Europe/London", "Australia/Sydney"][zone].parse().unwrap();
        // Opened within October-November 2026 (both DST changes of the north,
        // one of the south), on whole minutes.
        let base = 1_790_812_800; // 2026-10-01T00:00:00Z
        let open_at = base + opened * 60;
        let statuses = ["awaiting_customer", "resumed", "note", "resolved"];
        let mut rows = vec![IncidentRow { incident: "I".into(), service: "s".into(), severity: "P2".into(), at: open_at, status: "opened".into(), origin: Origin::default() }];
        let mut t = open_at;
        for (gap, s) in &steps {
            t += gap * 60;
            rows.push(IncidentRow { incident: "I".into(), service: "s".into(), severity: "P2".into(), at: t, status: statuses[*s as usize].into(), origin: Origin::default() });
        }
        let terms = Terms::parse(&format!(
            "[contract]\nid = \"C\"\ncurrency = \"EUR\"\ntimezone = \"{}\"\neffective_from = \"2026-01-01\"\n[[services]]\nid = \"s\"\nmonthly_fee = \"100\"\n\
             [calendars.biz]\nhours = {{ mon = \"08:00-12:00,13:00-17:30\", tue = \"00:00-24:00\", wed = \"09:00-17:00\", thu = \"09:00-17:00\", fri = \"09:00-17:00\", sun = \"01:00-03:00\" }}\nholidays = [\"2026-10-14\", \"2026-11-03\"]\n\
             [[slas]]\nid = \"r\"\nservice = \"s\"\nkind = \"resolution\"\nseverity = \"P2\"\ntarget = \"100000h\"\nclock = \"biz\"\npause_on = [\"awaiting_customer\"]\n[slas.credit]\nschedule = \"per_breach\"\npercent = \"1\"\n",
            tz.name()
        )).unwrap();
        // A far target, so only elapsed time matters. Every period that
        // lists the incident must show the brute-force elapsed time at its
        // stop, or at that period's cut-off while it still runs.
        let events = Events { incidents: rows.clone(), ..Events::default() };
        let stop = rows.iter().find(|r| r.status == "resolved").map(|r| r.at);
        let elapsed_until = |limit: i64| {
            let (mut elapsed, mut paused, mut idx, mut minute) = (0i64, false, 1, open_at);
            while minute < limit {
                while idx < rows.len() && rows[idx].at <= minute {
                    paused = rows[idx].status == "awaiting_customer";
                    idx += 1;
                }
                let local = tz.timestamp_opt(minute, 0).unwrap().naive_local();
                let m = local.hour() * 60 + local.minute();
                let holiday = ["2026-10-14", "2026-11-03"].contains(&local.date().to_string().as_str());
                let spans: &[(u32, u32)] = match local.weekday().num_days_from_monday() { 0 => &[(480, 720), (780, 1050)], 1 => &[(0, 1440)], 2..=4 => &[(540, 1020)], 6 => &[(60, 180)], _ => &[] };
                if !paused && !holiday && spans.iter().any(|(a, b)| m >= *a && m < *b) {
                    elapsed += 60;
                }
                minute += 60;
            }
            elapsed
        };
        let mut listed = 0;
        for label in ["2026-09", "2026-10", "2026-11", "2026-12"] {
            let period = terms.period(label).unwrap();
            let doc = compute(&terms, &events, &period).unwrap();
            let Line::Incident(l) = &doc.lines[0] else { panic!() };
            if let Some(e) = l.incidents.iter().find(|e| e.incident == "I") {
                listed += 1;
                let limit = stop.map_or(period.end, |s| s.min(period.end));
                prop_assert_eq!(e.elapsed_seconds, elapsed_until(limit), "{} {:?}", label, l.trace);
            }
        }
        prop_assert!(listed >= 1, "the incident is listed in the period it opened in");
    }
}
