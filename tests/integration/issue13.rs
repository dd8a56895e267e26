//! Issue 13 (terms v2): regressions named after the issue.

use sla_engine::time::parse_instant;
use sla_engine::{compute, Events, IncidentRow, Line, Origin, Terms};

const TERMS: &str = r#"
[contract]
id = "EDGE"
currency = "EUR"
timezone = "UTC"
effective_from = "2026-01-01"
[[services]]
id = "desk"
monthly_fee = "2000.00"
[calendars.office]
hours = { mon = "09:00-17:00", tue = "09:00-17:00", wed = "09:00-17:00", thu = "09:00-17:00", fri = "09:00-17:00" }
[[slas]]
id = "p2"
service = "desk"
kind = "resolution"
severity = "P2"
target = "8h"
clock = "office"
[slas.credit]
schedule = "per_breach"
percent = "5"
"#;

fn opened(id: &str, at: &str) -> IncidentRow {
    IncidentRow {
        incident: id.into(),
        service: "desk".into(),
        severity: "P2".into(),
        at: parse_instant(at, chrono_tz::UTC).unwrap(),
        status: "opened".into(),
        origin: Origin::default(),
    }
}

/// v2 section 10 (a v1 reading it settles, so for v1 files too): opened Wed
/// 2026-09-30 09:00 with no stop row, 8 h of office hours reach the 8 h
/// target at 17:00 exactly; the cut-off (Oct 1 00:00) is outside working
/// time, so elapsed at the cut-off equals the target: running, not
/// breached, no credit. One more second of working time is a breach.
#[test]
fn issue13_running_incident_at_exactly_its_target_is_running_not_breached() {
    for schema in ["", "schema = \"sla-terms/1\"\n", "schema = \"sla-terms/2\"\n"] {
        let terms = Terms::parse(&format!("{schema}{TERMS}")).unwrap();
        let period = terms.period("2026-09").unwrap();
        let events = Events {
            incidents: vec![opened("INC-A", "2026-09-30T09:00:00Z")],
            ..Events::default()
        };
        let doc = compute(&terms, &events, &period).unwrap();
        let Line::Incident(l) = &doc.lines[0] else {
            panic!("an incident line")
        };
        let e = &l.incidents[0];
        assert_eq!(e.elapsed_seconds, 28_800);
        assert!(e.running && !e.breached && e.breach_at.is_none());
        assert_eq!((l.breaches, l.running, l.breached), (0, 1, false));
        assert!(l.amount.parse::<rust_decimal::Decimal>().unwrap().is_zero());
        assert!(l.trace.iter().any(|t| t.contains("exactly at its target")));

        let events = Events {
            incidents: vec![opened("INC-B", "2026-09-30T08:59:59Z"), opened("INC-C", "2026-09-29T16:59:59Z")],
            ..Events::default()
        };
        let doc = compute(&terms, &events, &period).unwrap();
        let Line::Incident(l) = &doc.lines[0] else {
            panic!("an incident line")
        };
        // INC-B opened outside working time: still exactly 8 h, running.
        // INC-C: 1 s on Tuesday + 8 h on Wednesday = 8 h 0 m 1 s, breached
        // at Wed 16:59:59.
        assert_eq!((l.breaches, l.running), (1, 1));
        let c = l.incidents.iter().find(|e| e.incident == "INC-C").unwrap();
        assert_eq!(c.breach_at.as_deref(), Some("2026-09-30T16:59:59Z"));
        assert_eq!(l.amount.parse::<rust_decimal::Decimal>().unwrap(), rust_decimal::Decimal::from(100));
    }
}
