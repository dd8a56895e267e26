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
    for schema in [
        "",
        "schema = \"sla-terms/1\"\n",
        "schema = \"sla-terms/2\"\n",
    ] {
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
            incidents: vec![
                opened("INC-B", "2026-09-30T08:59:59Z"),
                opened("INC-C", "2026-09-29T16:59:59Z"),
            ],
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
        assert_eq!(
            l.amount.parse::<rust_decimal::Decimal>().unwrap(),
            rust_decimal::Decimal::from(100)
        );
    }
}

/// v2 section 9: due diligence reports sole remedy and termination per
/// contract, counts the contracts where the terms do not say, and shows
/// both in the report's tables.
#[test]
fn issue13_due_diligence_reports_sole_remedy_and_termination() {
    use sla_ledger::sla_export::reports::diligence_doc;
    use sla_ledger::sla_governance::diligence::{report, Options, PortfolioContract};
    let v2 = Terms::parse(&format!(
        "schema = \"sla-terms/2\"\n{}\n[credit]\nchronic = {{ breached_periods = 3, within_months = 6 }}\n",
        TERMS.replace(
            "effective_from = \"2026-01-01\"\n",
            "effective_from = \"2026-01-01\"\nsole_remedy = true\ntermination = { chronic = true, notice_days = 30 }\n",
        )
    ))
    .unwrap();
    let v1 = Terms::parse(&TERMS.replace("id = \"EDGE\"", "id = \"OLD\"")).unwrap();
    let portfolio = [
        PortfolioContract {
            terms: &v2,
            results: vec![],
        },
        PortfolioContract {
            terms: &v1,
            results: vec![],
        },
    ];
    let o = Options {
        months: vec!["2026-09".into()],
        cap_limit: "50".parse().unwrap(),
        what_if_uptime: "99.5".parse().unwrap(),
        slo_services: vec![],
    };
    let r = report(&portfolio, &o);
    let rows: Vec<(&str, &str, &str)> = r
        .contracts
        .iter()
        .map(|c| {
            (
                c.contract.as_str(),
                c.sole_remedy.as_str(),
                c.termination.as_str(),
            )
        })
        .collect();
    assert_eq!(
        rows,
        vec![
            ("EDGE", "yes", "on chronic breach, 30 days' notice"),
            ("OLD", "unknown", "unknown")
        ]
    );
    assert_eq!((r.sole_remedy_unknown, r.termination_unknown), (1, 1));
    let doc = diligence_doc(&r, 0, "tester");
    let t = doc
        .tables
        .iter()
        .find(|t| t.title == "Remedy and termination")
        .expect("the table");
    assert_eq!(
        t.rows[0][2..],
        [
            "yes".to_string(),
            "on chronic breach, 30 days' notice".into()
        ]
    );
    assert!(doc
        .facts
        .contains(&("Sole remedy unknown".into(), "1".into())));
    assert!(doc
        .facts
        .contains(&("Termination unknown".into(), "1".into())));
}

/// v2 section 5 at month end: the rolling cap (3 months, 100 % of 1000.00)
/// counts what the final statements of the 2 months before issued. June
/// 500.00; July 100.00 (headroom 500); August 500 capped to 400.00 (June
/// and July issued 600); September 1000 (100 %, two days down) capped to
/// 500.00: July and August issued 500, June is outside the window.
#[test]
fn issue13_rolling_cap_counts_what_final_statements_already_issued() {
    use crate::util::{ImportRequest, UseCases};
    use sla_ledger::sla_store::{Ctx, Library};
    let dir = crate::util::temp_dir("issue13-rolling");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let terms = dir.join("terms.toml");
    std::fs::write(
        &terms,
        r#"schema = "sla-terms/2"
[contract]
id = "CF-ROLL"
currency = "USD"
timezone = "UTC"
effective_from = "2026-01-01"
[[services]]
id = "cdn"
monthly_fee = "1000.00"
[[slas]]
id = "cdn-availability"
service = "cdn"
kind = "availability"
target = "99.9"
[slas.credit]
schedule = "tiers"
tiers = [{ below = "99.9", percent = "10" }, { below = "99.0", percent = "50" }, { below = "95.0", percent = "100" }]
[credit]
cap_rolling = { months = 3, percent = "100" }
"#,
    )
    .unwrap();
    let outages = dir.join("outages.csv");
    std::fs::write(
        &outages,
        "service,start,end\n\
         cdn,2026-06-10T00:00:00Z,2026-06-11T00:00:00Z\n\
         cdn,2026-07-10T00:00:00Z,2026-07-10T01:00:00Z\n\
         cdn,2026-08-10T00:00:00Z,2026-08-11T00:00:00Z\n\
         cdn,2026-09-10T00:00:00Z,2026-09-12T00:00:00Z\n",
    )
    .unwrap();
    let ctx = Ctx {
        actor: "tester".into(),
        now: 1_795_860_000,
    };
    let mut lib = Library::open(&dir.join("lib"), 2_000).unwrap();
    lib.add_contract(&ctx, terms.to_str().unwrap()).unwrap();
    let req = ImportRequest {
        file: outages.to_str().unwrap(),
        source_label: "test",
        contract: Some("CF-ROLL"),
        kind: Some(sla_ledger::sla_import::Kind::Outages),
    };
    lib.uc_import(&ctx, &req, &mut |_| true).unwrap();
    for (month, total) in [
        ("2026-06", "500.00"),
        ("2026-07", "100.00"),
        ("2026-08", "400.00"),
    ] {
        lib.uc_run(&ctx, month, None).unwrap();
        let done = lib.uc_finalize(&ctx, month, None).unwrap();
        assert_eq!(
            (done[0].status.as_str(), done[0].total.as_str()),
            ("final", total),
            "{month}"
        );
    }
    let (_, _, sep, _) = lib.uc_compute("CF-ROLL", "2026-09").unwrap();
    assert_eq!(
        (sep.subtotal.as_str(), sep.total.as_str()),
        ("1000", "500.00")
    );
    let rc = serde_json::to_value(sep.rolling_cap.as_ref().unwrap()).unwrap();
    assert_eq!(
        rc,
        serde_json::json!({ "months": 3, "cap": "1000", "issued": "500.00", "headroom": "500" })
    );
    assert!(sep.trace.iter().any(|t| t
        == "Rolling cap 100 % of all monthly fees 1000.00 = 1000 over 3 month(s); issued by the final statements of the 2 month(s) before: 500.00; headroom max(0, cap - issued) = 500: the subtotal is capped to it."));
    assert!(sep.warnings.is_empty(), "{:?}", sep.warnings);
    // The month's draft records the same total.
    let run = lib.uc_run(&ctx, "2026-09", None).unwrap();
    assert!(run[0].problem.is_none());
    let done = lib.uc_finalize(&ctx, "2026-09", None).unwrap();
    assert_eq!(done[0].total, "500.00");
    let _ = std::fs::remove_dir_all(&dir);
}
