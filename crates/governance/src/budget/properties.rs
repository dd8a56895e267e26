use super::*;
use crate::slo::{Budgeting, Indicator, Slo, Window};
use proptest::prelude::*;

proptest! {
    // Budget - consumed = remaining, consumption never exceeds the
    // elapsed window, and the burn-down ends where the budget stands.
    #[test]
    fn budget_arithmetic_holds(
        outages in proptest::collection::vec((0i64..2_592_000, 1i64..20_000), 0..10),
        permille in 900i64..1000,
    ) {
        let now = 1_795_000_000;
        let slo = Slo {
            name: "x".into(), display_name: None, description: None, service: "s".into(),
            target: Decimal::new(permille, 3),
            window: Window::Rolling { seconds: 2_592_000, text: "30d".into() },
            budgeting: Budgeting::Occurrences, indicator: Indicator::Outages, group: None,
        };
        let ev = Evidence {
            outages: outages.iter().map(|(s, d)| (now - 2_592_000 + s, (now - 2_592_000 + s + d).min(now))).collect(),
            requests: vec![],
        };
        let th = |p: i64| crate::slo::Threshold { consumed_percent: Decimal::from(p), action: "a".into(), owner: "o".into() };
        let policy = Policy { thresholds: vec![th(50), th(100)], ..Default::default() };
        let r = evaluate(&slo, &policy, &ev, now);
        let n = |s: &str| rat(sla_engine::num::parse_decimal(s).unwrap());
        prop_assert_eq!(n(&r.budget) - n(&r.consumed), n(&r.remaining));
        prop_assert!(n(&r.consumed) <= rat_int(2_592_000));
        prop_assert_eq!(&r.burndown.last().unwrap().1, &r.remaining);
        // Thresholds that are triggered have a crossing instant in the window.
        // and the crossing is inside the window.
        let used = n(&r.consumed) * rat_int(100) / n(&r.budget);
        for t in &r.thresholds {
            prop_assert_eq!(t.triggered, used >= n(&t.consumed_percent));
            if let Some(since) = &t.since {
                let at = sla_engine::time::parse_instant(since, chrono_tz::UTC).unwrap();
                prop_assert!(now - 2_592_000 <= at && at <= now);
            }
            prop_assert_eq!(t.triggered, t.since.is_some());
        }
    }
}
