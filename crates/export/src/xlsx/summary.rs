//! The Summary sheet (first tab): who, what and when, then the key figures
//! as formulas over the Lines sheet.

use super::format::{num, round_expr, xerr, Fmt};
use crate::error::ExportError;
use crate::view::StatementView;
use rust_xlsxwriter::{Formula, Worksheet};
use sla_engine::num::{fmt_rat, rat, Rat};
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
    let mut facts = vec![
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
        (
            "Period (contract's time zone)",
            format!(
                "{} to {}",
                v.locale.instant_text(c.timezone, &r.period.start),
                v.locale.instant_text(c.timezone, &r.period.end)
            ),
        ),
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
    ];
    if v.sample {
        facts.insert(
            0,
            (
                "SAMPLE",
                "A sample library's statement: not real data".into(),
            ),
        );
    }
    facts
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
    let capped_total = rolling(ws, v, f, base, capped_total)?;
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
    ws.write_string(b5 + 6, 0, "The key figures are formulas over the Lines and Tiers sheets; their saved values are the engine's exact results.").map_err(xerr)?;
    Ok(())
}

/// All services' fees over the quarter when the statement holds a
/// quarterly line (terms v2 section 1: the contract cap is of them), each
/// month pro-rated; written in row `base + 6`.
fn quarter_fees(
    ws: &mut Worksheet,
    v: &StatementView,
    f: &Fmt,
    base: u32,
) -> Result<Option<u32>, ExportError> {
    use sla_engine::window::{in_force_factor, Quarter};
    let (r, t) = (&v.result, &v.terms);
    let Some(label) = r
        .lines
        .iter()
        .find_map(|l| l.period())
        .map(|p| p.label.clone())
    else {
        return Ok(None);
    };
    let Some(q) = r
        .period
        .label
        .parse::<sla_engine::Month>()
        .ok()
        .and_then(|m| Quarter::of(m, t.contract.fiscal_year_start))
    else {
        return Ok(None);
    };
    let factor: Rat = q.months().iter().map(|m| in_force_factor(t, *m)).sum();
    let fees: Rat = t
        .services
        .iter()
        .map(|s| rat(s.monthly_fee) * &factor)
        .sum();
    let row = base + 6;
    ws.write_string_with_format(row, 0, format!("All services' fees over {label}"), &f.label)
        .map_err(xerr)?;
    ws.write_number_with_format(row, 1, num(&fmt_rat(&fees, 0)), &f.money)
        .map_err(xerr)?;
    Ok(Some(row))
}

/// The cap over rolling months (terms v2 section 5) in rows `base + 7` to
/// `base + 9`: its amount (of the month's fees), what final statements
/// issued before, and the headroom; returns the total's expression after
/// it. A standalone statement does not know what was issued: nothing is
/// applied, as in the engine.
fn rolling(
    ws: &mut Worksheet,
    v: &StatementView,
    f: &Fmt,
    base: u32,
    capped: String,
) -> Result<String, ExportError> {
    let rules = &v.terms.credit;
    let (Some(rc), Some(doc)) = (rules.cap_rolling, &v.result.rolling_cap) else {
        return Ok(capped);
    };
    let (cap_row, issued_row, head_row) = (base + 7, base + 8, base + 9);
    let labels = [
        (
            cap_row,
            format!(
                "Rolling cap ({} % over {} months)",
                rc.percent.normalize(),
                rc.months
            ),
        ),
        (
            issued_row,
            format!("Issued in the {} months before", rc.months - 1),
        ),
        (head_row, "Rolling headroom".to_string()),
    ];
    for (row, label) in labels {
        ws.write_string_with_format(row, 0, label, &f.label)
            .map_err(xerr)?;
    }
    let cap_expr = format!("B{}*B{}*{}/100", base + 1, base + 2, rc.percent);
    let cap_formula = if rules.rounding.stage == Stage::Line {
        round_expr(&cap_expr, rules.rounding.places, rules.rounding.mode)
    } else {
        cap_expr
    };
    ws.write_formula_with_format(
        cap_row,
        1,
        Formula::new(format!("={cap_formula}")).set_result(doc.cap.clone()),
        &f.money,
    )
    .map_err(xerr)?;
    let (Some(issued), Some(headroom)) = (&doc.issued, &doc.headroom) else {
        ws.write_string(issued_row, 1, "not known (standalone): not applied")
            .map_err(xerr)?;
        return Ok(capped);
    };
    ws.write_number_with_format(issued_row, 1, num(issued), &f.money)
        .map_err(xerr)?;
    ws.write_formula_with_format(
        head_row,
        1,
        Formula::new(format!("=MAX(0,B{}-B{})", cap_row + 1, issued_row + 1))
            .set_result(headroom.clone()),
        &f.money,
    )
    .map_err(xerr)?;
    Ok(format!("MIN({capped},B{})", head_row + 1))
}

/// The contract cap (a share of the fees pro-rated to the period) in row
/// `base + 3`, or "none"; returns the expression of the capped subtotal.
fn cap(ws: &mut Worksheet, v: &StatementView, f: &Fmt, base: u32) -> Result<String, ExportError> {
    let rules = &v.terms.credit;
    let (b1, b2, b3) = (base + 1, base + 2, base + 3);
    let quarter = quarter_fees(ws, v, f, base)?;
    match (rules.cap_percent, &v.result.cap) {
        (Some(cp), Some(cap)) => {
            let cap_expr = match quarter {
                Some(row) => format!("B{}*{}/100", row + 1, cp),
                None => format!("B{}*B{}*{}/100", base + 1, b1 + 1, cp),
            };
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
