//! Every expected number here was worked out by hand; the arithmetic is
//! in the comments.
use super::*;
use crate::slo::{BudgetException, CalendarUnit, Indicator, TemporaryTarget, Threshold};
use sla_engine::time::parse_instant;

fn at(s: &str) -> Instant {
    parse_instant(s, chrono_tz::UTC).unwrap()
}
fn d(s: &str) -> Decimal {
    s.parse().unwrap()
}
fn slo(window: Window, budgeting: Budgeting, indicator: Indicator, target: &str) -> Slo {
    Slo {
        name: "api-availability".into(),
        display_name: None,
        description: None,
        service: "api".into(),
        target: d(target),
        window,
        budgeting,
        indicator,
        group: None,
    }
}
fn rolling(days: i64) -> Window {
    Window::Rolling {
        seconds: days * 86_400,
        text: format!("{days}d"),
    }
}
fn thresholds() -> Policy {
    let th = |p: &str, a: &str| Threshold {
        consumed_percent: d(p),
        action: a.into(),
        owner: "SRE lead".into(),
    };
    Policy {
        thresholds: vec![
            th("50", "review"),
            th("75", "change freeze"),
            th("100", "architecture review"),
        ],
        ..Default::default()
    }
}
fn outages() -> Evidence {
    Evidence {
        outages: vec![
            (at("2026-11-10T10:00:00Z"), at("2026-11-10T10:20:00Z")),
            (at("2026-11-29T12:00:00Z"), at("2026-11-29T12:10:00Z")),
            (at("2026-11-29T20:00:00Z"), at("2026-11-29T20:05:00Z")),
        ],
        requests: vec![],
    }
}

#[test]
fn time_based_budget_burn_rates_exhaustion_and_thresholds() {
    // 30 days rolling at 99.9 %: budget 0.001 x 2,592,000 s = 2,592 s.
    let s = slo(
        rolling(30),
        Budgeting::Occurrences,
        Indicator::Outages,
        "0.999",
    );
    let r = evaluate(&s, &thresholds(), &outages(), at("2026-11-30T00:00:00Z"));
    assert_eq!(r.window_start, "2026-10-31T00:00:00Z");
    assert_eq!((r.unit.as_str(), r.budget.as_str()), ("seconds", "2592"));
    // 1,200 + 600 + 300 s.
    assert_eq!((r.consumed.as_str(), r.remaining.as_str()), ("2100", "492"));
    // 2100 / 2592 = 0.810185185...
    assert_eq!(r.consumed_percent.as_deref(), Some("81.0185"));
    // 1h: none; 6h: 300 / 21,600 / 0.001 = 13.888...; 1d: 900 / 86,400
    // / 0.001 = 10.41666...; 3d: 900 / 259,200 / 0.001 = 3.4722...
    let rates: Vec<(&str, &str)> = r
        .burn_rates
        .iter()
        .map(|b| (b.lookback.as_str(), b.rate.as_str()))
        .collect();
    assert_eq!(
        rates,
        vec![
            ("1h", "0.0000"),
            ("6h", "13.8889"),
            ("1d", "10.4167"),
            ("3d", "3.4722")
        ]
    );
    // 492 s left at 900 s per day: 492 x 96 = 47,232 s = 13h07m12s.
    assert_eq!(
        (r.outlook.as_str(), r.outlook_at.as_deref()),
        ("runs_out", Some("2026-11-30T13:07:12Z"))
    );
    // 50 % = 1,296 s: 1,200 s by 11-10 10:20, then 96 s into the
    // 11-29 12:00 outage. 75 % = 1,944 s: 1,800 s by 12:10, then 144 s
    // into the 20:00 outage.
    let since: Vec<(bool, Option<&str>)> = r
        .thresholds
        .iter()
        .map(|t| (t.triggered, t.since.as_deref()))
        .collect();
    assert_eq!(
        since,
        vec![
            (true, Some("2026-11-29T12:01:36Z")),
            (true, Some("2026-11-29T20:02:24Z")),
            (false, None)
        ]
    );
    // 1 - 2100 / 2,592,000 = 0.99918981...
    assert_eq!(r.attained.as_deref(), Some("0.999190"));
    // Burn-down, a point a day: 2,592 until 11-10, 1,392 after the
    // 1,200 s outage, 492 at the end.
    assert_eq!(r.burndown.len(), 30);
    assert_eq!(
        r.burndown[9],
        ("2026-11-10T00:00:00Z".into(), "2592".into())
    );
    assert_eq!(
        r.burndown[10],
        ("2026-11-11T00:00:00Z".into(), "1392".into())
    );
    assert_eq!(
        r.burndown[29],
        ("2026-11-30T00:00:00Z".into(), "492".into())
    );
}

#[test]
fn an_approved_exception_and_a_temporary_target_change_the_budget() {
    let mut p = thresholds();
    p.exceptions.push(BudgetException {
        start: at("2026-11-10T09:00:00Z"),
        end: at("2026-11-10T10:30:00Z"),
        reason: "vendor-announced maintenance, CAB-77".into(),
        approver: "Head of SRE".into(),
    });
    let s = slo(
        rolling(30),
        Budgeting::Occurrences,
        Indicator::Outages,
        "0.999",
    );
    let r = evaluate(&s, &p, &outages(), at("2026-11-30T00:00:00Z"));
    assert_eq!(r.consumed, "900");
    assert!(r
        .trace
        .iter()
        .any(|l| l.contains("CAB-77") && l.contains("Head of SRE")));
    p.temporary_targets.push(TemporaryTarget {
        from: at("2026-11-15T00:00:00Z"),
        to: at("2026-12-15T00:00:00Z"),
        target: d("0.99"),
        reason: "data-centre migration".into(),
    });
    let r = evaluate(&s, &p, &outages(), at("2026-11-30T00:00:00Z"));
    // 0.01 x 2,592,000 = 25,920 s.
    assert_eq!((r.target.as_str(), r.budget.as_str()), ("0.99", "25920"));
    assert_eq!(r.temporary_target.as_deref(), Some("data-centre migration"));
}

fn req(start: &str, end: &str, good: u64, total: u64) -> RequestRow {
    RequestRow {
        service: "api".into(),
        start: at(start),
        end: at(end),
        good,
        total,
        origin: "test".into(),
    }
}

fn month() -> Window {
    Window::Calendar {
        unit: CalendarUnit::Month,
        start: chrono::NaiveDate::from_ymd_opt(2026, 1, 1)
            .unwrap()
            .and_hms_opt(0, 0, 0)
            .unwrap(),
        tz: chrono_tz::UTC,
    }
}

#[test]
fn request_based_budget_grows_with_traffic() {
    let s = slo(month(), Budgeting::Occurrences, Indicator::Requests, "0.99");
    let ev = Evidence {
        outages: vec![],
        requests: vec![
            req(
                "2026-11-01T00:00:00Z",
                "2026-11-01T01:00:00Z",
                9_950,
                10_000,
            ),
            req(
                "2026-11-15T00:00:00Z",
                "2026-11-15T01:00:00Z",
                19_900,
                20_000,
            ),
            req(
                "2026-11-27T09:00:00Z",
                "2026-11-27T10:00:00Z",
                9_850,
                10_000,
            ),
            // Next month: not in this window.
            req("2026-12-01T00:00:00Z", "2026-12-01T01:00:00Z", 0, 10_000),
        ],
    };
    let r = evaluate(&s, &thresholds(), &ev, at("2026-11-27T10:00:00Z"));
    // 40,000 requests: budget 400; bad 50 + 100 + 150 = 300.
    assert_eq!(
        (r.budget.as_str(), r.consumed.as_str(), r.remaining.as_str()),
        ("400", "300", "100")
    );
    assert_eq!(r.consumed_percent.as_deref(), Some("75.0000"));
    // Last day: 10,000 requests, 150 bad: 0.015 / 0.01 = 1.5.
    assert_eq!(r.burn_rates[2].rate, "1.5000");
    // Budget left 100; per day 150 bad against 100 more allowed: net
    // 50 a day, so 2 days: 2026-11-29T10:00Z, before the month ends.
    assert_eq!(
        (r.outlook.as_str(), r.outlook_at.as_deref()),
        ("runs_out", Some("2026-11-29T10:00:00Z"))
    );
    // 50 %: after row 1, 50 >= 0.5 x 100. 75 %: after row 3, 300 >= 300.
    assert_eq!(
        r.thresholds[0].since.as_deref(),
        Some("2026-11-01T01:00:00Z")
    );
    assert_eq!(
        r.thresholds[1].since.as_deref(),
        Some("2026-11-27T10:00:00Z")
    );

    // One more bad hour: 450 bad of 40,000: exhausted at row 3's end
    // (50 + 100 + 300 = 450 >= 400).
    let mut ev2 = ev.clone();
    ev2.requests[2].good = 9_700;
    let r = evaluate(&s, &thresholds(), &ev2, at("2026-11-27T10:00:00Z"));
    assert_eq!(
        (r.remaining.as_str(), r.outlook.as_str()),
        ("-50", "exhausted")
    );
    assert_eq!(r.outlook_at.as_deref(), Some("2026-11-27T10:00:00Z"));
}

#[test]
fn timeslices_count_bad_slices_against_the_slice_target() {
    // 1 day rolling, 1 h slices, a slice is good at >= 95 % up (at most
    // 180 s down); target 0.9: budget 0.1 x 24 = 2.4 slices.
    let s = slo(
        rolling(1),
        Budgeting::Timeslices {
            slice_seconds: 3_600,
            slice_text: "1h".into(),
            slice_target: d("0.95"),
        },
        Indicator::Outages,
        "0.9",
    );
    let ev = Evidence {
        outages: vec![
            (at("2026-11-26T02:00:00Z"), at("2026-11-26T02:03:00Z")), // 180 s: good
            (at("2026-11-26T05:10:00Z"), at("2026-11-26T05:14:00Z")), // 240 s: bad
            (at("2026-11-26T23:58:00Z"), at("2026-11-27T00:02:00Z")), // 120 s here
        ],
        requests: vec![],
    };
    let r = evaluate(&s, &thresholds(), &ev, at("2026-11-27T00:00:00Z"));
    assert_eq!(
        (
            r.unit.as_str(),
            r.budget.as_str(),
            r.consumed.as_str(),
            r.remaining.as_str()
        ),
        ("slices", "2.4", "1", "1.4")
    );
    // 1 / 2.4 = 41.666...
    assert_eq!(r.consumed_percent.as_deref(), Some("41.6667"));
    // 23 of 24 slices good.
    assert_eq!(r.attained.as_deref(), Some("0.958333"));
}

#[test]
fn pooled_budgets_add_up_and_refuse_mixed_units() {
    let s = slo(
        rolling(30),
        Budgeting::Occurrences,
        Indicator::Outages,
        "0.999",
    );
    let a = evaluate(
        &s,
        &Policy::default(),
        &outages(),
        at("2026-11-30T00:00:00Z"),
    );
    let mut s2 = s.clone();
    s2.name = "db-availability".into();
    let b = evaluate(
        &s2,
        &Policy::default(),
        &Evidence::default(),
        at("2026-11-30T00:00:00Z"),
    );
    let p = pool("checkout", &[&a, &b]).unwrap();
    // 2,592 x 2 = 5,184; 2,100 / 5,184 = 40.50925...
    assert_eq!(
        (
            p.budget.as_str(),
            p.consumed.as_str(),
            p.remaining.as_str(),
            p.consumed_percent.as_deref()
        ),
        ("5184", "2100", "3084", Some("40.5093"))
    );
    let r = slo(month(), Budgeting::Occurrences, Indicator::Requests, "0.99");
    let c = evaluate(
        &r,
        &Policy::default(),
        &Evidence::default(),
        at("2026-11-30T00:00:00Z"),
    );
    assert_eq!(
        pool("checkout", &[&a, &c]).unwrap_err().to_string(),
        "budget group `checkout` pools objectives counted in different units (seconds, requests); a pool needs one unit"
    );
}
