//! The Lines sheet: one row per SLA line, its measures as numbers and its
//! uptime, breach, percent and amount as live formulas whose cached results
//! are the engine's exact values.

use super::format::{dec, header, num, round_expr, xerr, Fmt};
use crate::error::ExportError;
use crate::view::StatementView;
use rust_xlsxwriter::{Formula, Worksheet};
use sla_engine::result::{AvailabilityLine, IncidentLine, Line};
use sla_engine::terms::{BreachWhen, CreditRules, Schedule, Sla, SlaTerm, Stage};

/// A row of the Tiers sheet: SLA, uptime below (%), credit (%).
pub(super) type TierRow = (String, String, String);

const COLUMNS: [(&str, f64); 21] = [
    ("SLA", 24.0),
    ("Kind", 12.0),
    ("Service", 12.0),
    ("Target (% or s)", 14.0),
    ("Denominator s", 14.0),
    ("Downtime s", 12.0),
    ("Excluded s", 11.0),
    ("Uptime (exact)", 16.0),
    ("Uptime (6 places)", 16.0),
    ("Breached", 9.0),
    ("Breaches", 9.0),
    ("Schedule", 11.0),
    ("Percent", 12.0),
    ("Basis", 14.0),
    ("Line cap %", 10.0),
    ("Amount before cap", 16.0),
    ("Amount", 14.0),
    ("Parameter", 10.0),
    ("Per step %", 10.0),
    // Downtime from request counts (terms v2 section 8).
    ("Intervals", 10.0),
    ("Down intervals / mean error rate %", 18.0),
];

/// Writes the sheet; returns the tiers of the tiered lines, for the Tiers
/// sheet the tier formulas look up.
pub(super) fn sheet(
    ws: &mut Worksheet,
    v: &StatementView,
    f: &Fmt,
) -> Result<Vec<TierRow>, ExportError> {
    let (r, t) = (&v.result, &v.terms);
    ws.set_name("Lines").map_err(xerr)?;
    header(ws, &COLUMNS, f)?;
    let mut tier_rows: Vec<TierRow> = Vec::new();
    let month = r.period.label.parse::<sla_engine::Month>().ok();
    // A quarterly term gives no line in the quarter's other months: lines
    // and terms are matched by id, never by position.
    let lines = r
        .lines
        .iter()
        .filter_map(|l| t.slas.iter().find(|s| s.id == l.sla()).map(|s| (l, s)));
    for (i, (l, sla)) in lines.enumerate() {
        let row = (i + 1) as u32;
        // Days of service are priced over the line's period's local
        // calendar days: the month's, or the quarter's (terms v2 3).
        let days_in_month = month.and_then(|m| line_days(t, sla, m)).unwrap_or(30);
        ws.write_string(row, 0, l.sla()).map_err(xerr)?;
        // The exact percent behind a days-of-service line (its `percent`
        // is shown to 6 places; the amount uses days x 100 / N exactly).
        let mut exact = None;
        let (basis, percent, amount) = match l {
            Line::Availability(a) => {
                availability(ws, row, a, sla, f, &mut tier_rows, days_in_month)?;
                exact = a.days.as_deref().map(|d| {
                    sla_engine::num::rat(dec(d)) * sla_engine::num::hundred()
                        / sla_engine::num::rat_int(days_in_month as i64)
                });
                (&a.basis, &a.percent, &a.amount)
            }
            Line::Incident(inc) => {
                incident(ws, row, inc, sla, f)?;
                (&inc.basis, &inc.percent, &inc.amount)
            }
        };
        let cap = sla.credit.cap_percent;
        amounts(ws, row, (basis, percent, amount), exact, cap, &t.credit, f)?;
    }
    Ok(tier_rows)
}

/// The local calendar days of the period `sla`'s line covers in the
/// statement of `month`.
fn line_days(t: &sla_engine::Terms, sla: &Sla, month: sla_engine::Month) -> Option<u32> {
    use sla_engine::window::{line_period, LinePeriod};
    match line_period(t, sla.window, month).ok()? {
        LinePeriod::Quarter(_, p) => Some(p.days),
        _ => Some(chrono::Datelike::day(&month.last_day())),
    }
}

/// An availability line's measures, uptime, breach and percent.
fn availability(
    ws: &mut Worksheet,
    row: u32,
    a: &AvailabilityLine,
    sla: &Sla,
    f: &Fmt,
    tier_rows: &mut Vec<TierRow>,
    days_in_month: u32,
) -> Result<(), ExportError> {
    let x = row + 1; // the spreadsheet's row number
                     // A quarterly line (terms v2 section 1) names its own period.
    let kind = match &a.period {
        Some(p) => format!("availability over {}", p.label),
        None => "availability".into(),
    };
    ws.write_string(row, 1, &kind).map_err(xerr)?;
    if let Some(n) = a.intervals {
        ws.write_number(row, 19, n as f64).map_err(xerr)?;
        match (a.down_intervals, &a.mean_error_rate) {
            (Some(k), _) => ws.write_number(row, 20, k as f64).map_err(xerr)?,
            (None, Some(m)) => ws
                .write_number_with_format(row, 20, num(m), &f.pct)
                .map_err(xerr)?,
            (None, None) => ws,
        };
    }
    ws.write_string(row, 2, &a.service).map_err(xerr)?;
    ws.write_number(row, 3, num(&a.target)).map_err(xerr)?;
    let (Some(denominator), Some(downtime)) = (&a.denominator_seconds, &a.downtime_seconds) else {
        // An error-rate average (terms v2 section 8) has no downtime or
        // denominator: its uptime is 100 - the mean error rate, a value.
        ws.write_string(row, 4, "n/a").map_err(xerr)?;
        ws.write_string(row, 5, "n/a").map_err(xerr)?;
        ws.write_number_with_format(row, 6, num(&a.excluded_seconds), &f.secs)
            .map_err(xerr)?;
        ws.write_number_with_format(row, 7, num(&a.uptime), &f.pct)
            .map_err(xerr)?;
        return rest(ws, row, a, sla, f, tier_rows, days_in_month);
    };
    for (col, s) in [(4, denominator), (5, downtime), (6, &a.excluded_seconds)] {
        ws.write_number_with_format(row, col, num(s), &f.secs)
            .map_err(xerr)?;
    }
    let exact = sla_engine::num::fmt_rat(&exact_uptime(denominator, downtime), 0);
    ws.write_formula_with_format(
        row,
        7,
        Formula::new(format!("=IF(E{x}=0,100,(100*(E{x}-F{x}))/E{x})")).set_result(exact),
        &f.pct,
    )
    .map_err(xerr)?;
    rest(ws, row, a, sla, f, tier_rows, days_in_month)
}

/// From the exact uptime in column H on: the shown uptime, breach and
/// percent.
fn rest(
    ws: &mut Worksheet,
    row: u32,
    a: &AvailabilityLine,
    sla: &Sla,
    f: &Fmt,
    tier_rows: &mut Vec<TierRow>,
    days_in_month: u32,
) -> Result<(), ExportError> {
    let x = row + 1;
    ws.write_formula_with_format(
        row,
        8,
        Formula::new(format!("=ROUND(H{x},6)")).set_result(a.uptime.clone()),
        &f.pct,
    )
    .map_err(xerr)?;
    ws.write_formula(
        row,
        9,
        Formula::new(format!("=IF(H{x}{}D{x},\"YES\",\"no\")", below(sla)))
            .set_result(if a.breached { "YES" } else { "no" }),
    )
    .map_err(xerr)?;
    let (name, formula) = schedule(ws, row, a, sla, tier_rows, days_in_month)?;
    ws.write_string(row, 11, name).map_err(xerr)?;
    ws.write_formula_with_format(
        row,
        12,
        Formula::new(formula).set_result(a.percent.clone()),
        &f.pct,
    )
    .map_err(xerr)?;
    Ok(())
}

/// An availability line's schedule: its name and the percent formula, with
/// its parameters in columns R and S (or its tiers in `tier_rows`).
fn schedule(
    ws: &mut Worksheet,
    row: u32,
    a: &AvailabilityLine,
    sla: &Sla,
    tier_rows: &mut Vec<TierRow>,
    days_in_month: u32,
) -> Result<(&'static str, String), ExportError> {
    let x = row + 1;
    Ok(match &sla.credit.schedule {
        Schedule::Tiers(tiers) => {
            for tier in tiers {
                // A days-of-service tier lists its days where a percent
                // tier lists its percent.
                let credit = tier.days.unwrap_or(tier.percent);
                tier_rows.push((a.sla.clone(), tier.below.to_string(), credit.to_string()));
            }
            // "at or below" contracts: a tier applies at its `below` too.
            let cmp = if below(sla) == "<=" { ">=" } else { ">" };
            let pick = format!("SUMPRODUCT(MAX((Tiers!$A$2:$A$1000=A{x})*(Tiers!$B$2:$B$1000{cmp}H{x})*Tiers!$C$2:$C$1000))");
            if tiers.iter().any(|t| t.days.is_some()) {
                // Days of service: percent = days x 100 / days in the month,
                // the days capped by `cap_days` (column R).
                let days = match sla.credit.cap_days {
                    Some(c) => {
                        ws.write_number(row, 17, num(&c.to_string()))
                            .map_err(xerr)?;
                        format!("MIN(R{x},{pick})")
                    }
                    None => pick,
                };
                ("days", format!("={days}*100/{days_in_month}"))
            } else {
                ("tiers", format!("={pick}"))
            }
        }
        Schedule::PerStep {
            step,
            percent_per_step,
        } => {
            ws.write_number(row, 17, num(&step.to_string()))
                .map_err(xerr)?;
            ws.write_number(row, 18, num(&percent_per_step.to_string()))
                .map_err(xerr)?;
            (
                "per_step",
                if below(sla) == "<=" {
                    // At or below: at least one step once breached.
                    format!("=IF(H{x}>D{x},0,MIN(100,MAX(1,CEILING(ROUND((D{x}-H{x})/R{x},9),1))*S{x}))")
                } else {
                    format!("=IF(H{x}>=D{x},0,MIN(100,CEILING(ROUND((D{x}-H{x})/R{x},9),1)*S{x}))")
                },
            )
        }
        Schedule::Multiplier(m) => {
            ws.write_number(row, 17, num(&m.to_string()))
                .map_err(xerr)?;
            (
                "multiplier",
                format!("=IF(H{x}{}D{x},MIN(100,R{x}*(100-H{x})),0)", below(sla)),
            )
        }
        Schedule::PerBreach(_) => ("per_breach", String::new()),
    })
}

/// An incident line's target, breaches and percent.
fn incident(
    ws: &mut Worksheet,
    row: u32,
    inc: &IncidentLine,
    sla: &Sla,
    f: &Fmt,
) -> Result<(), ExportError> {
    let x = row + 1;
    let kind = match &inc.period {
        Some(p) => format!("{} over {}", inc.kind, p.label),
        None => inc.kind.clone(),
    };
    ws.write_string(row, 1, &kind).map_err(xerr)?;
    ws.write_string(row, 2, &inc.service).map_err(xerr)?;
    ws.write_number(row, 3, inc.target_seconds as f64)
        .map_err(xerr)?;
    ws.write_number(row, 10, f64::from(inc.breaches))
        .map_err(xerr)?;
    ws.write_string(row, 9, if inc.breached { "YES" } else { "no" })
        .map_err(xerr)?;
    ws.write_string(row, 11, "per_breach").map_err(xerr)?;
    if let Schedule::PerBreach(p) = &sla.credit.schedule {
        ws.write_number(row, 17, num(&p.to_string()))
            .map_err(xerr)?;
    }
    ws.write_formula_with_format(
        row,
        12,
        Formula::new(format!("=MIN(100,K{x}*R{x})")).set_result(inc.percent.clone()),
        &f.pct,
    )
    .map_err(xerr)?;
    Ok(())
}

/// The breach comparison of an availability term: `<` (v1, "below") or
/// `<=` ("at or below", terms v2 section 2).
fn below(sla: &Sla) -> &'static str {
    match &sla.term {
        SlaTerm::Availability(a) if a.breach_when == BreachWhen::AtOrBelow => "<=",
        _ => "<",
    }
}

/// Basis, line cap, the amount before the cap and the amount, rounded per
/// line when the terms say so.
fn amounts(
    ws: &mut Worksheet,
    row: u32,
    (basis, percent, amount): (&str, &str, &str),
    exact_percent: Option<sla_engine::num::Rat>,
    cap: Option<rust_decimal::Decimal>,
    rules: &CreditRules,
    f: &Fmt,
) -> Result<(), ExportError> {
    let x = row + 1;
    ws.write_number_with_format(row, 13, num(basis), &f.money)
        .map_err(xerr)?;
    if let Some(c) = cap {
        ws.write_number(row, 14, num(&c.to_string()))
            .map_err(xerr)?;
    }
    let percent = exact_percent.unwrap_or_else(|| sla_engine::num::rat(dec(percent)));
    let raw = sla_engine::num::fmt_rat(
        &(sla_engine::num::rat(dec(basis)) * percent / sla_engine::num::hundred()),
        0,
    );
    ws.write_formula_with_format(
        row,
        15,
        Formula::new(format!("=N{x}*M{x}/100")).set_result(raw),
        &f.money,
    )
    .map_err(xerr)?;
    let capped = if cap.is_some() {
        format!("MIN(P{x},N{x}*O{x}/100)")
    } else {
        format!("P{x}")
    };
    let amount_formula = if rules.rounding.stage == Stage::Line {
        round_expr(&capped, rules.rounding.places, rules.rounding.mode)
    } else {
        capped
    };
    ws.write_formula_with_format(
        row,
        16,
        Formula::new(format!("={amount_formula}")).set_result(amount.to_string()),
        &f.money,
    )
    .map_err(xerr)?;
    Ok(())
}

fn exact_uptime(denominator: &str, downtime: &str) -> sla_engine::num::Rat {
    let d = sla_engine::num::rat(dec(denominator));
    if d == sla_engine::num::rat_int(0) {
        return sla_engine::num::hundred();
    }
    sla_engine::num::hundred() * (&d - sla_engine::num::rat(dec(downtime))) / d
}
