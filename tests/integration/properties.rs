//! Property tests of the invariants the spec lists in section 7, each under
//! the conditions the spec gives for it, plus "never panics" on malformed
//! input.

use proptest::prelude::*;
use rust_decimal::Decimal;
use sla_engine::events::{normalize_status, Origin};
use sla_engine::num::parse_decimal;
use sla_engine::{compute, Events, IncidentRow, MaintenanceRow, OutageRow, ResultDoc, Terms};
use std::str::FromStr;

/// September 2026 in UTC: [P0, P0 + 30 days).
pub(crate) const P0: i64 = 1_788_220_800;
pub(crate) const MONTH: i64 = 30 * 86_400;

#[derive(Debug, Clone)]
pub(crate) struct Params {
    pub(crate) rounding: &'static str,
    pub(crate) partial: &'static str,
    pub(crate) min_outage: &'static str,
    pub(crate) in_denominator: bool,
    pub(crate) schedule: &'static str,
    pub(crate) line_cap: Option<&'static str>,
    pub(crate) contract_cap: Option<&'static str>,
    pub(crate) stage: &'static str,
    pub(crate) mode: &'static str,
    pub(crate) maintenance_cap: Option<&'static str>,
    pub(crate) exclude_customer: bool,
}

pub(crate) fn terms_text(p: &Params) -> String {
    let schedule = match p.schedule {
        "tiers" => "schedule = \"tiers\"\ntiers = [{ below = \"99.95\", percent = \"10\" }, { below = \"99.5\", percent = \"25\" }, { below = \"97\", percent = \"100\" }]".to_string(),
        "per_step" => "schedule = \"per_step\"\nstep = \"0.07\"\npercent_per_step = \"3\"".to_string(),
        _ => "schedule = \"multiplier\"\nmultiplier = \"7.5\"".to_string(),
    };
    format!(
        r#"[contract]
id = "P"
currency = "EUR"
timezone = "UTC"
effective_from = "2026-01-01"
[[services]]
id = "s"
monthly_fee = "1234.57"
[[services]]
id = "t"
monthly_fee = "333.33"
[[slas]]
id = "avail"
service = "s"
kind = "availability"
target = "99.95"
[slas.downtime]
rounding = "{}"
partial_impact = "{}"
min_outage = "{}"
maintenance_in_denominator = {}
[slas.exclusions]
causes = [{}]
maintenance_notice = "24h"
{}
[slas.credit]
{}
{}
[[slas]]
id = "resp"
service = "s"
kind = "response"
severity = "P1"
target = "45m"
pause_on = ["awaiting_customer"]
[slas.credit]
schedule = "per_breach"
percent = "3.3"
{}
[credit]
{}
rounding = {{ places = 2, mode = "{}", stage = "{}" }}
"#,
        p.rounding,
        p.partial,
        p.min_outage,
        p.in_denominator,
        if p.exclude_customer {
            "\"customer\""
        } else {
            ""
        },
        p.maintenance_cap
            .map(|c| format!("maintenance_cap = \"{c}\""))
            .unwrap_or_default(),
        schedule,
        p.line_cap
            .map(|c| format!("cap_percent = \"{c}\""))
            .unwrap_or_default(),
        p.line_cap
            .map(|c| format!("cap_percent = \"{c}\""))
            .unwrap_or_default(),
        p.contract_cap
            .map(|c| format!("cap_percent = \"{c}\""))
            .unwrap_or_default(),
        p.mode,
        p.stage
    )
}

pub(crate) fn params() -> impl Strategy<Value = Params> {
    (
        prop::sample::select(vec![
            "none",
            "ceil:1m",
            "ceil:7m",
            "buckets:5m",
            "buckets:1h",
            "buckets:3d",
        ]),
        prop::sample::select(vec!["weighted", "full", "ignore"]),
        prop::sample::select(vec!["0s", "5m", "1h"]),
        any::<bool>(),
        prop::sample::select(vec!["tiers", "per_step", "multiplier"]),
        prop::option::of(prop::sample::select(vec!["5", "20", "50"])),
        prop::option::of(prop::sample::select(vec!["3", "30"])),
        prop::sample::select(vec!["line", "total"]),
        prop::sample::select(vec!["half_up", "half_even", "down", "up"]),
        prop::option::of(prop::sample::select(vec!["0s", "2h", "1d"])),
        any::<bool>(),
    )
        .prop_map(
            |(
                rounding,
                partial,
                min_outage,
                in_denominator,
                schedule,
                line_cap,
                contract_cap,
                stage,
                mode,
                maintenance_cap,
                exclude_customer,
            )| Params {
                rounding,
                partial,
                min_outage,
                in_denominator,
                schedule,
                line_cap,
                contract_cap,
                stage,
                mode,
                maintenance_cap,
                exclude_customer,
            },
        )
}

pub(crate) fn outage() -> impl Strategy<Value = OutageRow> {
    (
        -86_400i64..MONTH + 86_400,
        0i64..40_000,
        prop::sample::select(vec!["1", "0.5", "0.25", "0.1", "0.75"]),
        prop::sample::select(vec!["internal", "customer"]),
        any::<bool>(),
    )
        .prop_map(|(start, len, impact, cause, open)| OutageRow {
            service: "s".into(),
            start: P0 + start,
            end: if open && len % 7 == 0 {
                None
            } else {
                Some(P0 + start + len)
            },
            impact: Decimal::from_str(impact).unwrap(),
            cause: cause.into(),
            source: "".into(),
            reference: String::new(),
            origin: Origin::default(),
        })
}

pub(crate) fn maintenance() -> impl Strategy<Value = MaintenanceRow> {
    (
        -3_600i64..MONTH,
        0i64..20_000,
        prop::option::of(0i64..200_000),
    )
        .prop_map(|(start, len, notice)| MaintenanceRow {
            service: "s".into(),
            start: P0 + start,
            end: P0 + start + len,
            notified_at: notice.map(|n| P0 + start - n),
            origin: Origin::default(),
        })
}

pub(crate) fn incidents() -> impl Strategy<Value = Vec<IncidentRow>> {
    prop::collection::vec(
        (
            0i64..MONTH + 3_600,
            60i64..20_000,
            prop::option::of(60i64..5_000),
            prop::sample::select(vec!["acknowledged", "resolved", "closed"]),
        ),
        0..6,
    )
    .prop_map(|v| {
        let mut rows = Vec::new();
        for (i, (at, stop_after, pause, stop)) in v.into_iter().enumerate() {
            let id = format!("INC-{i}");
            let mut push = |t: i64, s: &str| {
                rows.push(IncidentRow {
                    incident: id.clone(),
                    service: "s".into(),
                    severity: "P1".into(),
                    at: P0 + t,
                    status: normalize_status(s),
                    origin: Origin::default(),
                })
            };
            push(at, "opened");
            if let Some(p) = pause {
                push(at + p, "awaiting_customer");
                push(at + p + 600, "resumed");
            }
            push(at + stop_after + pause.unwrap_or(0) + 601, stop);
        }
        rows
    })
}

fn run(p: &Params, events: &Events) -> ResultDoc {
    let terms = Terms::parse(&terms_text(p)).expect("generated terms are valid");
    compute(&terms, events, &terms.period("2026-09").unwrap()).expect("computes")
}

/// The numbers of a result, without free text (traces, warnings).
pub(crate) fn numbers(doc: &ResultDoc) -> String {
    let mut v = serde_json::to_value(doc).unwrap();
    v.as_object_mut().unwrap().remove("trace");
    v.as_object_mut().unwrap().remove("warnings");
    for l in v["lines"].as_array_mut().unwrap() {
        // Descriptive, not numbers: traces, and the per-row decisions that
        // name rows (split or duplicated rows list more entries).
        for k in ["trace", "evidence", "maintenance"] {
            l.as_object_mut().unwrap().remove(k);
        }
    }
    v.to_string()
}

pub(crate) fn dec(s: &str) -> Decimal {
    parse_decimal(s).unwrap()
}

fn total(doc: &ResultDoc) -> Decimal {
    dec(&doc.total)
}

fn availability_amount(doc: &ResultDoc) -> Decimal {
    dec(doc.lines[0].amount())
}

pub(crate) fn events(
    outages: Vec<OutageRow>,
    maintenance: Vec<MaintenanceRow>,
    incidents: Vec<IncidentRow>,
) -> Events {
    Events {
        outages,
        maintenance,
        incidents,
        requests: vec![],
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 160, ..ProptestConfig::default() })]

    #[test]
    fn splitting_a_row_into_touching_pieces_changes_nothing(p in params(), rows in prop::collection::vec(outage(), 1..8), m in prop::collection::vec(maintenance(), 0..4), which in any::<prop::sample::Index>(), cut in 0.0f64..1.0) {
        let base = run(&p, &events(rows.clone(), m.clone(), vec![]));
        let i = which.index(rows.len());
        let mut split = rows.clone();
        if let Some(end) = rows[i].end {
            let at = rows[i].start + ((end - rows[i].start) as f64 * cut) as i64;
            let mut second = rows[i].clone();
            split[i].end = Some(at);
            second.start = at;
            split.push(second);
        }
        prop_assert_eq!(numbers(&base), numbers(&run(&p, &events(split, m, vec![]))));
    }

    #[test]
    fn duplicating_or_reordering_rows_changes_nothing(p in params(), rows in prop::collection::vec(outage(), 1..8), m in prop::collection::vec(maintenance(), 0..4), inc in incidents(), which in any::<prop::sample::Index>(), seed in any::<u64>()) {
        let base = run(&p, &events(rows.clone(), m.clone(), inc.clone()));
        let mut dup = rows.clone();
        dup.push(rows[which.index(rows.len())].clone());
        prop_assert_eq!(numbers(&base), numbers(&run(&p, &events(dup, m.clone(), inc.clone()))));
        // A deterministic shuffle of all three kinds of rows; incident
        // instants are distinct by construction.
        let shuffle = |n: usize| { let mut idx: Vec<usize> = (0..n).collect(); idx.sort_by_key(|i| (*i as u64).wrapping_mul(seed | 1).rotate_left(17)); idx };
        let r2: Vec<_> = shuffle(rows.len()).into_iter().map(|i| rows[i].clone()).collect();
        let m2: Vec<_> = shuffle(m.len()).into_iter().map(|i| m[i].clone()).collect();
        let i2: Vec<_> = shuffle(inc.len()).into_iter().map(|i| inc[i].clone()).collect();
        prop_assert_eq!(numbers(&base), numbers(&run(&p, &events(r2, m2, i2))));
    }

    #[test]
    fn more_outage_time_never_lowers_the_credit(p in params(), rows in prop::collection::vec(outage(), 0..8), extra in outage(), m in prop::collection::vec(maintenance(), 0..4)) {
        prop_assume!(!p.rounding.starts_with("ceil"));
        let base = run(&p, &events(rows.clone(), m.clone(), vec![]));
        let mut more = rows;
        more.push(extra);
        let after = run(&p, &events(more, m, vec![]));
        prop_assert!(availability_amount(&after) >= availability_amount(&base));
        prop_assert!(total(&after) >= total(&base));
    }

    #[test]
    fn a_cause_exclusion_never_raises_the_credit(p in params(), rows in prop::collection::vec(outage(), 0..8), m in prop::collection::vec(maintenance(), 0..4)) {
        prop_assume!(!p.rounding.starts_with("ceil"));
        let without = Params { exclude_customer: false, ..p.clone() };
        let with = Params { exclude_customer: true, ..p };
        let ev = events(rows, m, vec![]);
        prop_assert!(total(&run(&with, &ev)) <= total(&run(&without, &ev)));
    }

    #[test]
    fn qualifying_maintenance_never_raises_the_credit(p in params(), rows in prop::collection::vec(outage(), 0..8), m in prop::collection::vec(maintenance(), 0..4), extra in maintenance()) {
        // Conditions: D keeps maintenance (true) and no cap, which could move
        // the excluded time from one window to another.
        let p = Params { in_denominator: true, maintenance_cap: None, ..p };
        let base = run(&p, &events(rows.clone(), m.clone(), vec![]));
        let mut more = m;
        more.push(MaintenanceRow { notified_at: Some(extra.start - 200_000), ..extra });
        prop_assert!(total(&run(&p, &events(rows, more, vec![]))) <= total(&base));
    }

    #[test]
    fn caps_hold_and_line_stage_adds_up(p in params(), rows in prop::collection::vec(outage(), 0..10), m in prop::collection::vec(maintenance(), 0..4), inc in incidents()) {
        let doc = run(&p, &events(rows, m, inc));
        let fees = dec("1234.57") + dec("333.33");
        for (l, cap) in doc.lines.iter().zip([dec("1234.57"), dec("1234.57")]) {
            if let Some(c) = p.line_cap {
                prop_assert!(dec(l.amount()) <= cap * dec(c) / Decimal::from(100) + dec("0.01"));
            }
            prop_assert!(dec(l.amount()) >= Decimal::ZERO);
        }
        // The spec caps first and rounds the total after (5.3, 5.4): the
        // total stays within one unit of the last place of the cap, and
        // within the cap itself when rounding is down or the cap is rounded too.
        let unit = dec("0.01");
        if let Some(c) = p.contract_cap {
            let cap = dec(doc.cap.as_deref().unwrap());
            prop_assert!(cap <= fees * dec(c) / Decimal::from(100) + unit);
            prop_assert!(total(&doc) < cap + unit);
            if p.mode == "down" || p.stage == "line" {
                prop_assert!(total(&doc) <= cap);
            }
        }
        if p.stage == "line" {
            let sum: Decimal = doc.lines.iter().map(|l| dec(l.amount())).sum();
            prop_assert_eq!(sum, dec(&doc.subtotal));
            for l in &doc.lines {
                prop_assert!(dec(l.amount()).scale() <= 2);
            }
        }
        prop_assert!(total(&doc) < dec(&doc.subtotal) + unit);
    }

    #[test]
    fn malformed_terms_never_panic(text in "\\PC{0,400}") {
        let _ = Terms::parse(&text);
    }

    #[test]
    fn malformed_instants_never_panic(text in "[0-9T:+zZ. -]{0,30}") {
        let _ = sla_engine::time::parse_instant(&text, chrono_tz::America::New_York);
    }
}

/// Garbage spreadsheets: never a panic, always a clean error or no events.
#[test]
fn garbage_files_never_panic() {
    let dir = crate::util::temp_dir("garbage");
    std::fs::create_dir_all(&dir).unwrap();
    let terms = Terms::parse(
        &std::fs::read_to_string("fixtures/cases/spec-s6-full-example/terms.toml").unwrap(),
    )
    .unwrap();
    let samples: [&[u8]; 6] = [
        b"\xff\xfe\x00garbage",
        b"PK\x03\x04not really a zip",
        b"service,start\n\"unterminated",
        b"a,b,c\n1,2,3,4,5\n",
        b"\n\n\n",
        b"service,start,end\ncompute,2026-10-01T00:00:00Z,2026-10-01T01:00:00Z,extra,cells\n",
    ];
    for (i, bytes) in samples.iter().enumerate() {
        for ext in ["csv", "xlsx", "ods", "xls"] {
            let path = dir.join(format!("g{i}.{ext}"));
            std::fs::write(&path, bytes).unwrap();
            let p = path.to_string_lossy().into_owned();
            let _ = sla_import::read_file(&p, Some(sla_import::Kind::Outages), &terms);
        }
    }
}
