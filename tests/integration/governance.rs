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
