//! Governance (issue 6) over real fixture results: the recovery ratio per
//! incident, worked out by hand from the spec's section 6 example.

use sla_ledger::sla_governance::coverage::recovery;
use sla_ledger::ComputeRequest;

const S6: &str = "fixtures/cases/spec-s6-full-example";

fn s6() -> sla_ledger::sla_engine::ResultDoc {
    let req = ComputeRequest {
        terms: format!("{S6}/terms.toml"),
        events: sla_ledger::sla_import::Sources {
            workbook: None,
            outages: Some(format!("{S6}/outages.csv")),
            maintenance: Some(format!("{S6}/maintenance.csv")),
            incidents: Some(format!("{S6}/incidents.csv")),
        },
        period: "2026-10".into(),
    };
    sla_ledger::compute(&req).unwrap().1
}

#[test]
fn issue6_recovery_ratio_per_incident() {
    // We owe Acme 1,875.00: availability 1,250.00 and P1 response 625.00.
    let customer = s6();
    // A vendor statement for the same evidence, whose cap halves the total:
    // we can claim 937.50, spread like the subtotal (scale 0.5).
    let mut vendor = customer.clone();
    vendor.direction = Some("vendor".into());
    vendor.total = "937.50".into();
    let rows = recovery(&[customer, vendor]);
    let got: Vec<(&str, &str, &str, Option<&str>)> = rows
        .iter()
        .map(|r| {
            (
                r.incident.as_str(),
                r.owed_to_customers.as_str(),
                r.claimable_from_vendors.as_str(),
                r.ratio.as_deref(),
            )
        })
        .collect();
    // Counted outage time in October (New York): INC-1 14:00-14:50 merged =
    // 3,000 s; INC-4 7,200 s; INC-5 cut at the period's end (04:00Z) =
    // 3,600 s; 13,800 s in all. 1,250 x 3,000 / 13,800 = 271.7391...,
    // x 7,200 / 13,800 = 652.1739..., x 3,600 / 13,800 = 326.0869...
    // INC-2 (too short) and INC-3 (customer cause) were not counted. INC-7
    // is the one breached P1: 625.00.
    assert_eq!(
        got,
        vec![
            ("INC-1", "271.74", "135.87", Some("0.5000")),
            ("INC-4", "652.17", "326.09", Some("0.5000")),
            ("INC-5", "326.09", "163.04", Some("0.5000")),
            ("INC-7", "625.00", "312.50", Some("0.5000")),
        ]
    );
}

/// The fixture portfolio in a fresh library: 30 contracts, their outages.
fn portfolio_library(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("sla-gov-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let mut lib = sla_ledger::sla_store::Library::open(&dir, 2_000).unwrap();
    let ctx = sla_ledger::sla_store::Ctx {
        actor: "tester".into(),
        now: 1_795_860_000,
    };
    for i in 1..=30 {
        let id = format!("DD-{i:03}");
        lib.add_contract(&ctx, &format!("fixtures/portfolio/contracts/{id}.toml"))
            .unwrap();
        lib.import(
            &ctx,
            &sla_ledger::sla_store::evidence::ImportRequest {
                file: &format!("fixtures/portfolio/events/{id}/outages.csv"),
                source_label: "monitor",
                contract: Some(&id),
                kind: Some(sla_ledger::sla_import::Kind::Outages),
            },
            &mut |_| true,
        )
        .unwrap();
    }
    dir
}

#[test]
fn issue6_due_diligence_figures_match_the_generators_own_arithmetic() {
    let dir = portfolio_library("dd");
    let expected: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string("fixtures/portfolio/expected.json").unwrap())
            .unwrap();
    let r = sla_ledger::governance::diligence(
        &dir,
        &sla_ledger::governance::DiligenceRequest {
            until: "2026-10".into(),
            months: 12,
            contracts: vec![],
            cap_limit: "50".into(),
            what_if_uptime: "99.5".into(),
        },
    )
    .unwrap();
    assert_eq!(r.contracts_total, 30);
    assert_eq!(r.months.len(), 12);
    let mut wrong = Vec::new();
    for c in &r.contracts {
        let e = &expected["contracts"][&c.contract];
        let got = serde_json::json!({
            "months_evaluated": c.months_evaluated,
            "months_breached": c.months_breached,
            "credits": c.credits,
            "months_left": c.months_left,
            "monthly_max": c.monthly_max,
            "exposure_left": c.exposure_left,
            "what_if_monthly": c.what_if_monthly,
            "chronic": c.chronic.split(':').next().unwrap(),
        });
        if &got != e {
            wrong.push(format!("{}: got {got}, expected {e}", c.contract));
        }
    }
    for m in &r.monthly {
        let e = &expected["monthly"][format!("{} {}", m.period, m.currency)];
        if e["issued"] != m.issued.as_str() || e["received"] != m.received.as_str() {
            wrong.push(format!(
                "{} {}: {} / {}, expected {e}",
                m.period, m.currency, m.issued, m.received
            ));
        }
    }
    let totals = |v: &[sla_ledger::sla_governance::diligence::CurrencyTotal]| {
        v.iter()
            .map(|t| {
                (
                    format!("{} {}", t.currency, t.direction),
                    serde_json::json!(t.amount),
                )
            })
            .collect::<serde_json::Map<_, _>>()
    };
    assert_eq!(
        serde_json::Value::Object(totals(&r.exposure)),
        expected["exposure"]
    );
    assert_eq!(
        serde_json::Value::Object(totals(&r.what_if)),
        expected["what_if"]
    );
    let laws: serde_json::Map<_, _> = r
        .by_governing_law
        .iter()
        .map(|(l, n)| (l.clone(), serde_json::json!(n)))
        .collect();
    assert_eq!(serde_json::Value::Object(laws), expected["by_law"]);
    assert_eq!(serde_json::json!(r.uncapped), expected["uncapped"]);
    assert_eq!(
        serde_json::json!(r.without_sla_terms),
        expected["without_sla_terms"]
    );
    let unusual: Vec<String> = r
        .unusual
        .iter()
        .map(|f| format!("{}: {}", f.contract, f.finding))
        .collect();
    assert_eq!(serde_json::json!(unusual), expected["unusual"]);
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    // Every service lacks an SLO in a library that has none.
    assert_eq!(r.services_without_slo.len(), 30);
}

#[test]
fn issue6_two_methods_explain_the_difference_row_by_row() {
    let doc = s6();
    let sla_ledger::sla_engine::Line::Availability(a) = &doc.lines[0] else {
        panic!("the first line is availability")
    };
    let m = sla_ledger::sla_governance::methods::two_methods(a, &doc.period);
    // SLO: every outage second in October (New York): INC-1 merged 3,000 +
    // INC-2 180 + INC-3 7,200 + INC-4 7,200 + INC-5 cut at 04:00Z 3,600 =
    // 21,180 s of 2,678,400: 100 x 2,657,220 / 2,678,400 = 99.2092293906...
    assert_eq!(m.slo_downtime_seconds, 21_180);
    assert_eq!(m.slo_uptime, "99.209229");
    // SLA 100 x (2,678,400 - 9,975) / 2,678,400 = 99.6275761648...;
    // difference 0.4183467741... points.
    assert_eq!(m.sla_uptime, "99.627576");
    assert_eq!(m.difference, "0.418347");
    let why = m.explanation.join("\n");
    assert!(why.contains("shorter than min_outage 5m"), "{why}");
    assert!(why.contains("excluded cause `customer`"), "{why}");
    assert!(why.contains("maintenance"), "{why}");
}
