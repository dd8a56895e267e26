//! The due-diligence report laid out for the PDF and the workbook: one
//! function per table.

use super::{opt, table};
use crate::pdf::{ReportDoc, ReportTable};
use sla_governance::diligence::DiligenceReport;

/// The due-diligence report as a document for the PDF and the workbook.
pub fn diligence_doc(r: &DiligenceReport, created_at: i64, author: &str) -> ReportDoc {
    let span = format!(
        "{} to {}",
        r.months.first().cloned().unwrap_or_default(),
        r.months.last().cloned().unwrap_or_default()
    );
    ReportDoc {
        title: "Due diligence: SLA portfolio".into(),
        subtitle: format!("{} contracts  ·  {span}", r.contracts_total),
        author: author.into(),
        created_at,
        facts: facts(r, &span),
        tables: vec![
            monthly(r),
            totals(r),
            contracts(r),
            remedies(r),
            exposure(r),
            unusual(r),
            gaps(r),
            governing_law(r),
        ],
        notes: r.notes.clone(),
    }
}

fn facts(r: &DiligenceReport, span: &str) -> Vec<(String, String)> {
    let issued: usize = r
        .contracts
        .iter()
        .filter(|c| c.direction == "customer")
        .count();
    let terms: u32 = r.unsourced_terms.iter().map(|u| u.terms).sum();
    let unsourced: usize = r.unsourced_terms.iter().map(|u| u.unsourced.len()).sum();
    let mut facts = vec![
        ("Contracts".into(), r.contracts_total.to_string()),
        (
            "Months looked at".into(),
            format!("{} ({span})", r.months.len()),
        ),
        ("Customer contracts (we owe)".into(), issued.to_string()),
        (
            "Vendor contracts (owed to us)".into(),
            (r.contracts.len() - issued).to_string(),
        ),
        (
            "Chronic breach met".into(),
            r.contracts
                .iter()
                .filter(|c| c.chronic.starts_with("met"))
                .count()
                .to_string(),
        ),
        ("Unusual terms found".into(), r.unusual.len().to_string()),
        (
            "Sole remedy unknown".into(),
            r.sole_remedy_unknown.to_string(),
        ),
        (
            "Termination unknown".into(),
            r.termination_unknown.to_string(),
        ),
        (
            "What-if".into(),
            format!("every service at {} % uptime, per month", r.what_if_uptime),
        ),
        ("Uncapped exposure".into(), r.uncapped.join(", ")),
    ];
    if terms > 0 {
        facts.push((
            "Terms without a clause".into(),
            format!("{unsourced} of {terms} (issue 18: linked to a page and quote of a signed document)"),
        ));
    }
    facts
}

fn contracts(r: &DiligenceReport) -> ReportTable {
    let mut t = table(
        "Contracts",
        &[
            ("Contract", 1.3, false),
            ("Counterparty", 1.4, false),
            ("Direction", 1.0, false),
            ("Cur.", 0.6, false),
            ("Fees / month", 1.1, true),
            ("Months", 0.8, true),
            ("Breached", 0.9, true),
            ("Breach %", 0.9, true),
            ("Credits", 1.1, true),
            ("Chronic", 1.8, false),
        ],
        r.contracts
            .iter()
            .map(|c| {
                vec![
                    c.contract.clone(),
                    c.counterparty.clone(),
                    c.direction.clone(),
                    c.currency.clone(),
                    c.monthly_fees.clone(),
                    c.months_evaluated.to_string(),
                    c.months_breached.to_string(),
                    opt(&c.breach_frequency, "-"),
                    c.credits.clone(),
                    c.chronic.clone(),
                ]
            })
            .collect(),
    );
    t.flagged = r
        .contracts
        .iter()
        .map(|c| c.chronic.starts_with("met"))
        .collect();
    t
}

/// Terms v2 section 9, per contract: what the customer can do beyond credits.
fn remedies(r: &DiligenceReport) -> ReportTable {
    table(
        "Remedy and termination",
        &[
            ("Contract", 1.3, false),
            ("Counterparty", 1.4, false),
            ("Credits sole remedy", 1.4, false),
            ("Termination right", 2.6, false),
        ],
        r.contracts
            .iter()
            .map(|c| {
                vec![
                    c.contract.clone(),
                    c.counterparty.clone(),
                    c.sole_remedy.clone(),
                    c.termination.clone(),
                ]
            })
            .collect(),
    )
}

fn exposure(r: &DiligenceReport) -> ReportTable {
    let mut t = table(
        "Exposure left in term",
        &[
            ("Contract", 1.3, false),
            ("Direction", 1.0, false),
            ("Cur.", 0.6, false),
            ("Months left", 1.0, true),
            ("Monthly max", 1.2, true),
            ("Exposure left", 1.3, true),
            ("What-if / month", 1.5, true),
        ],
        r.contracts
            .iter()
            .map(|c| {
                vec![
                    c.contract.clone(),
                    c.direction.clone(),
                    c.currency.clone(),
                    c.months_left
                        .map(|m| m.to_string())
                        .unwrap_or_else(|| "open (12)".into()),
                    opt(&c.monthly_max, "uncapped"),
                    opt(&c.exposure_left, "uncapped"),
                    c.what_if_monthly.clone(),
                ]
            })
            .collect(),
    );
    t.flagged = r
        .contracts
        .iter()
        .map(|c| c.exposure_left.is_none())
        .collect();
    t
}

fn totals(r: &DiligenceReport) -> ReportTable {
    let mut totals: Vec<Vec<String>> = r
        .exposure
        .iter()
        .map(|t| {
            let wi = r
                .what_if
                .iter()
                .find(|w| w.currency == t.currency && w.direction == t.direction)
                .map(|w| w.amount.clone())
                .unwrap_or_default();
            vec![
                t.currency.clone(),
                t.direction.clone(),
                t.amount.clone(),
                wi,
            ]
        })
        .collect();
    totals.sort();
    table(
        "Totals by currency",
        &[
            ("Currency", 1.0, false),
            ("Direction", 1.0, false),
            ("Exposure left", 1.4, true),
            ("What-if / month", 1.6, true),
        ],
        totals,
    )
}

fn gaps(r: &DiligenceReport) -> ReportTable {
    let mut gaps: Vec<Vec<String>> = r
        .without_sla_terms
        .iter()
        .map(|c| vec!["contract without SLA terms".into(), c.clone()])
        .collect();
    gaps.extend(
        r.uncapped
            .iter()
            .map(|c| vec!["exposure without bound".into(), c.clone()]),
    );
    gaps.extend(
        r.services_without_slo
            .iter()
            .map(|s| vec!["service without an SLO".into(), s.clone()]),
    );
    gaps.extend(
        r.unsourced_terms
            .iter()
            .filter(|u| !u.unsourced.is_empty())
            .map(|u| {
                vec![
                    "terms without a clause".into(),
                    format!("{}: {} of {}", u.contract, u.unsourced.len(), u.terms),
                ]
            }),
    );
    table("Gaps", &[("Kind", 1.5, false), ("Item", 3.0, false)], gaps)
}

fn monthly(r: &DiligenceReport) -> ReportTable {
    table(
        "Credits by month",
        &[
            ("Month", 1.0, false),
            ("Cur.", 0.6, false),
            ("Issued", 1.2, true),
            ("% of fees", 1.0, true),
            ("Received", 1.2, true),
            ("% of fees", 1.0, true),
        ],
        r.monthly
            .iter()
            .map(|m| {
                vec![
                    m.period.clone(),
                    m.currency.clone(),
                    m.issued.clone(),
                    opt(&m.issued_percent, "-"),
                    m.received.clone(),
                    opt(&m.received_percent, "-"),
                ]
            })
            .collect(),
    )
}

fn unusual(r: &DiligenceReport) -> ReportTable {
    table(
        "Unusual terms",
        &[("Contract", 1.0, false), ("Finding", 4.0, false)],
        r.unusual
            .iter()
            .map(|f| vec![f.contract.clone(), f.finding.clone()])
            .collect(),
    )
}

fn governing_law(r: &DiligenceReport) -> ReportTable {
    table(
        "Governing law",
        &[("Law", 3.0, false), ("Contracts", 1.0, true)],
        r.by_governing_law
            .iter()
            .map(|(l, n)| vec![l.clone(), n.to_string()])
            .collect(),
    )
}
