//! The Summary sheet (first tab): who, what and when, then the key figures
//! as formulas over the Lines sheet.

use super::format::{num, round_expr, xerr, Fmt};
use crate::error::ExportError;
use crate::view::StatementView;
use rust_xlsxwriter::{Formula, Worksheet};
use sla_engine::terms::{Aggregation, Stage};
use sla_engine::time::Period;

pub(super) fn sheet(
    ws: &mut Worksheet,
    v: &StatementView,
    f: &Fmt,
    period: &Period,
) -> Result<(), ExportError> {
    ws.set_name("Summary").map_err(xerr)?;
    ws.set_column_width(0, 34.0).map_err(xerr)?;
    ws.set_column_width(1, 46.0).map_err(xerr)?;
    let info = facts(v);
    for (i, (k, val)) in info.iter().enumerate() {
        ws.write_string_with_format(i as u32, 0, *k, &f.label)
            .map_err(xerr)?;
        ws.write_string(i as u32, 1, val).map_err(xerr)?;
    }
    key_figures(ws, v, f, period, info.len() as u32 + 1)
}

/// The statement's facts, one per row.
fn facts(v: &StatementView) -> Vec<(&'static str, String)> {
    let r = &v.result;
    let c = &v.terms.contract;
    vec![
        ("SLA credit statement", v.number.clone()),
        ("Status", v.status.clone()),
        ("Our party", v.our_party.clone()),
        ("Counterparty", c.counterparty.clone().unwrap_or_default()),
        (
            "Contract",
            format!(
                "{}{}",
                c.id,
                c.title
                    .as_ref()
                    .map(|x| format!(" - {x}"))
                    .unwrap_or_default()
            ),
        ),
        ("Direction", v.direction_text().to_string()),
        ("Period", r.period.label.clone()),
        ("Period start (UTC)", r.period.start.clone()),
        ("Period end (UTC)", r.period.end.clone()),
        ("Data cut-off (UTC)", v.data_cutoff.clone()),
        ("Governing law", c.governing_law.clone().unwrap_or_default()),
        ("Currency", r.currency.clone()),
        ("Terms version", v.terms_version.to_string()),
        (
            "Statement seal (SHA-256)",
            v.seal_sha256
                .clone()
                .unwrap_or_else(|| "none (draft)".into()),
        ),
    ]
}

/// Fees, elapsed share of the month, subtotal, cap, total and claim
/// deadline from row `base` on; the cached results are the engine's.
fn key_figures(
    ws: &mut Worksheet,
    v: &StatementView,
    f: &Fmt,
    period: &Period,
    base: u32,
) -> Result<(), ExportError> {
    let (r, t, rules) = (&v.result, &v.terms, &v.terms.credit);
    let last = r.lines.len() as u32 + 1;
    let fees_total: rust_decimal::Decimal = t.services.iter().map(|s| s.monthly_fee).sum();
    let rows: [(&str, u32); 6] = [
        ("All services' monthly fees", base),
        ("Elapsed share of the month", base + 1),
        ("Subtotal", base + 2),
        ("Contract cap", base + 3),
        ("Total credit", base + 4),
        ("Claim deadline", base + 5),
    ];
    for (label, row) in rows {
        ws.write_string_with_format(row, 0, label, &f.label)
            .map_err(xerr)?;
    }
    let (b1, b2, b4, b5) = (base + 1, base + 2, base + 4, base + 5);
    ws.write_number_with_format(base, 1, num(&fees_total.to_string()), &f.money)
        .map_err(xerr)?;
    let share = sla_engine::num::fmt_rat(
        &sla_engine::num::Rat::new(period.seconds().into(), period.month_seconds().into()),
        0,
    );
    ws.write_formula(
        b1,
        1,
        Formula::new(format!("={}/{}", period.seconds(), period.month_seconds())).set_result(share),
    )
    .map_err(xerr)?;
    let sub = match rules.aggregation {
        Aggregation::Sum => format!("=SUM(Lines!Q2:Q{last})"),
        Aggregation::Max => format!("=MAX(Lines!Q2:Q{last})"),
    };
    ws.write_formula_with_format(
        b2,
        1,
        Formula::new(sub).set_result(r.subtotal.clone()),
        &f.money,
    )
    .map_err(xerr)?;
    let capped_total = cap(ws, v, f, base)?;
    let rounded = if rules.rounding.stage == Stage::Total {
        round_expr(&capped_total, rules.rounding.places, rules.rounding.mode)
    } else {
        capped_total
    };
    let total_formula = format!("=IF({rounded}<{},0,{rounded})", rules.minimum_credit);
    ws.write_formula_with_format(
        b4,
        1,
        Formula::new(total_formula).set_result(r.total.clone()),
        &f.bold_money,
    )
    .map_err(xerr)?;
    ws.write_string(
        b5,
        1,
        r.claim_deadline
            .clone()
            .unwrap_or_else(|| "none set".into()),
    )
    .map_err(xerr)?;
    ws.write_string(b5 + 2, 0, "The key figures are formulas over the Lines and Tiers sheets; their saved values are the engine's exact results.").map_err(xerr)?;
    Ok(())
}

/// The contract cap (a share of the fees pro-rated to the period) in row
/// `base + 3`, or "none"; returns the expression of the capped subtotal.
fn cap(ws: &mut Worksheet, v: &StatementView, f: &Fmt, base: u32) -> Result<String, ExportError> {
    let rules = &v.terms.credit;
    let (b1, b2, b3) = (base + 1, base + 2, base + 3);
    match (rules.cap_percent, &v.result.cap) {
        (Some(cp), Some(cap)) => {
            let cap_expr = format!("B{}*B{}*{}/100", base + 1, b1 + 1, cp);
            let cap_formula = if rules.rounding.stage == Stage::Line {
                round_expr(&cap_expr, rules.rounding.places, rules.rounding.mode)
            } else {
                cap_expr
            };
            ws.write_formula_with_format(
                b3,
                1,
                Formula::new(format!("={cap_formula}")).set_result(cap.clone()),
                &f.money,
            )
            .map_err(xerr)?;
            Ok(format!("MIN(B{},B{})", b2 + 1, b3 + 1))
        }
        _ => {
            ws.write_string(b3, 1, "none").map_err(xerr)?;
            Ok(format!("B{}", b2 + 1))
        }
    }
}
