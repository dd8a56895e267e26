//! The executive compliance summary laid out for the PDF and the workbook.

use super::table;
use crate::pdf::ReportDoc;
use sla_governance::executive::ExecutiveRow;

/// `months`: the months looked at, oldest first (at least one).
pub fn executive_doc(
    rows: &[ExecutiveRow],
    months: &[String],
    created_at: i64,
    author: &str,
) -> ReportDoc {
    let compliant = rows.iter().filter(|r| r.compliant).count();
    let mut t = table(
        "Compliance by contract and month",
        &[
            ("Contract", 1.4, false),
            ("Counterparty", 1.6, false),
            ("Direction", 1.0, false),
            ("Month", 0.9, false),
            ("Status", 0.8, false),
            ("Met terms", 1.0, false),
            ("Breaches", 0.9, true),
            ("Cur.", 0.6, false),
            ("Credit", 1.1, true),
        ],
        rows.iter()
            .map(|r| {
                vec![
                    r.contract.clone(),
                    r.counterparty.clone(),
                    r.direction.clone(),
                    r.period.clone(),
                    r.status.clone(),
                    if r.compliant { "yes" } else { "no" }.into(),
                    r.breached_terms.to_string(),
                    r.currency.clone(),
                    r.credit.clone(),
                ]
            })
            .collect(),
    );
    t.flagged = rows.iter().map(|r| !r.compliant).collect();
    ReportDoc {
        title: "SLA compliance summary".into(),
        subtitle: format!(
            "{} to {}",
            months.first().cloned().unwrap_or_default(),
            months.last().cloned().unwrap_or_default()
        ),
        author: author.into(),
        created_at,
        facts: vec![
            ("Contract-months".into(), rows.len().to_string()),
            ("Met their terms".into(), compliant.to_string()),
            ("Breached".into(), (rows.len() - compliant).to_string()),
        ],
        tables: vec![t],
        notes: vec!["For executives: operational detail (incident texts, references, monitor names) is left out; the signed statements hold it.".into()],
    }
}
