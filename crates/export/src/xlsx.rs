//! The statement as an Excel workbook an auditor can recompute: sheets
//! Summary, Lines, Tiers, Outages, Maintenance, Incidents, Trace. Uptime,
//! the tier lookup, percents, amounts, caps and the total are live formulas
//! over the rows, and each formula's cached result is the engine's exact
//! value, so opening the file shows the statement's numbers and changing a
//! row shows its effect. (Excel recomputes in binary floating point; the
//! engine's exact values are the statement's.)
//!
//! Text from spreadsheets is always written as text, never as a formula,
//! whatever its first character. The file is deterministic: its creation
//! time is the statement's.

use crate::error::ExportError;
use crate::view::StatementView;
use rust_xlsxwriter::{DocProperties, Format, FormatAlign, Formula, Workbook, Worksheet};
use sla_engine::num::RoundMode;
use sla_engine::result::Line;
use sla_engine::terms::{Aggregation, Schedule, Stage};

fn xerr(e: rust_xlsxwriter::XlsxError) -> ExportError {
    ExportError::Xlsx(e.to_string())
}

fn num(s: &str) -> f64 {
    s.parse().unwrap_or(0.0)
}

/// An Excel rounding expression for `x` in the terms' mode.
fn round_expr(x: &str, places: u32, mode: RoundMode) -> String {
    match mode {
        RoundMode::HalfUp => format!("ROUND({x},{places})"),
        RoundMode::Down => format!("ROUNDDOWN({x},{places})"),
        RoundMode::Up => format!("ROUNDUP({x},{places})"),
        // Banker's rounding has no Excel function: snap float noise, then
        // send exact halves to the even neighbour.
        RoundMode::HalfEven => {
            let y = format!("ROUND(({x})*10^{places},9)");
            format!("IF(MOD({y},1)=0.5,IF(ISEVEN(INT({y})),INT({y}),INT({y})+1),ROUND({y},0))/10^{places}")
        }
    }
}

struct Fmt {
    head: Format,
    money: Format,
    pct: Format,
    secs: Format,
    bold_money: Format,
    label: Format,
    wrap: Format,
}

fn header(ws: &mut Worksheet, cols: &[(&str, f64)], f: &Fmt) -> Result<(), ExportError> {
    for (i, (name, width)) in cols.iter().enumerate() {
        ws.write_string_with_format(0, i as u16, *name, &f.head)
            .map_err(xerr)?;
        ws.set_column_width(i as u16, *width).map_err(xerr)?;
    }
    ws.set_freeze_panes(1, 0).map_err(xerr)?;
    Ok(())
}

pub fn render(v: &StatementView) -> Result<Vec<u8>, ExportError> {
    let r = &v.result;
    let t = &v.terms;
    let rules = &t.credit;
    let places = rules.rounding.places;
    let money_fmt = if places == 0 {
        "#,##0".to_string()
    } else {
        format!("#,##0.{}", "0".repeat(places as usize))
    };
    let f = Fmt {
        head: Format::new().set_bold().set_background_color(0xE6EDF7),
        money: Format::new().set_num_format(format!("{money_fmt};-{money_fmt}")),
        pct: Format::new().set_num_format("0.0#######\" %\""),
        secs: Format::new().set_num_format("#,##0.###"),
        bold_money: Format::new().set_bold().set_num_format(money_fmt.clone()),
        label: Format::new().set_bold(),
        wrap: Format::new().set_text_wrap().set_align(FormatAlign::Top),
    };
    let mut wb = Workbook::new();
    let created = chrono::DateTime::from_timestamp(v.created_at, 0).unwrap_or_default();
    let props = DocProperties::new()
        .set_title(format!("SLA credit statement {}", v.number))
        .set_subject(format!("{} {}", t.contract.id, r.period.label))
        .set_author(v.our_party.clone())
        .set_company(v.our_party.clone())
        .set_status(v.status.clone())
        .set_keywords(format!(
            "statement={}; status={}; period={}",
            v.number, v.status, r.period.label
        ))
        .set_custom_property("Statement", v.number.as_str())
        .set_custom_property("Contract", t.contract.id.as_str())
        .set_custom_property("Period", r.period.label.as_str())
        .set_custom_property("Status", v.status.as_str())
        .set_creation_datetime(&created);
    wb.set_properties(&props);

    // Month length, for pro-rating the fees in the cap formula.
    let period = t
        .period(&r.period.label)
        .map_err(|e| ExportError::Xlsx(e.to_string()))?;
    let n_lines = r.lines.len();

    // Summary (first tab): the key figures as formulas over Lines.
    let summary = wb.add_worksheet();
    summary.set_name("Summary").map_err(xerr)?;
    summary.set_column_width(0, 34.0).map_err(xerr)?;
    summary.set_column_width(1, 46.0).map_err(xerr)?;
    let c = &t.contract;
    let info: Vec<(&str, String)> = vec![
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
    ];
    for (i, (k, val)) in info.iter().enumerate() {
        summary
            .write_string_with_format(i as u32, 0, *k, &f.label)
            .map_err(xerr)?;
        summary.write_string(i as u32, 1, val).map_err(xerr)?;
    }
    let base = info.len() as u32 + 1;
    let last = n_lines as u32 + 1;
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
        summary
            .write_string_with_format(row, 0, label, &f.label)
            .map_err(xerr)?;
    }
    let (b1, b2, b3, b4, b5) = (base + 1, base + 2, base + 3, base + 4, base + 5);
    summary
        .write_number_with_format(base, 1, num(&fees_total.to_string()), &f.money)
        .map_err(xerr)?;
    let share = sla_engine::num::fmt_rat(
        &sla_engine::num::Rat::new(period.seconds().into(), period.month_seconds().into()),
        0,
    );
    summary
        .write_formula(
            b1,
            1,
            Formula::new(format!("={}/{}", period.seconds(), period.month_seconds()))
                .set_result(share),
        )
        .map_err(xerr)?;
    let sub = match rules.aggregation {
        Aggregation::Sum => format!("=SUM(Lines!Q2:Q{last})"),
        Aggregation::Max => format!("=MAX(Lines!Q2:Q{last})"),
    };
    summary
        .write_formula_with_format(
            b2,
            1,
            Formula::new(sub).set_result(r.subtotal.clone()),
            &f.money,
        )
        .map_err(xerr)?;
    let capped_total = match (rules.cap_percent, &r.cap) {
        (Some(cp), Some(cap)) => {
            let cap_expr = format!("B{}*B{}*{}/100", base + 1, b1 + 1, cp);
            let cap_formula = if rules.rounding.stage == Stage::Line {
                round_expr(&cap_expr, places, rules.rounding.mode)
            } else {
                cap_expr
            };
            summary
                .write_formula_with_format(
                    b3,
                    1,
                    Formula::new(format!("={cap_formula}")).set_result(cap.clone()),
                    &f.money,
                )
                .map_err(xerr)?;
            format!("MIN(B{},B{})", b2 + 1, b3 + 1)
        }
        _ => {
            summary.write_string(b3, 1, "none").map_err(xerr)?;
            format!("B{}", b2 + 1)
        }
    };
    let rounded = if rules.rounding.stage == Stage::Total {
        round_expr(&capped_total, places, rules.rounding.mode)
    } else {
        capped_total
    };
    let total_formula = format!("=IF({rounded}<{},0,{rounded})", rules.minimum_credit);
    summary
        .write_formula_with_format(
            b4,
            1,
            Formula::new(total_formula).set_result(r.total.clone()),
            &f.bold_money,
        )
        .map_err(xerr)?;
    summary
        .write_string(
            b5,
            1,
            r.claim_deadline
                .clone()
                .unwrap_or_else(|| "none set".into()),
        )
        .map_err(xerr)?;
    summary.write_string(b5 + 2, 0, "The key figures are formulas over the Lines and Tiers sheets; their saved values are the engine's exact results.").map_err(xerr)?;

    // Lines.
    let lines_ws = wb.add_worksheet();
    lines_ws.set_name("Lines").map_err(xerr)?;
    header(
        lines_ws,
        &[
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
        ],
        &f,
    )?;
    let mut tier_rows: Vec<(String, String, String)> = Vec::new();
    for (i, (l, sla)) in r.lines.iter().zip(&t.slas).enumerate() {
        let row = (i + 1) as u32;
        let x = row + 1; // the spreadsheet's row number
        lines_ws.write_string(row, 0, l.sla()).map_err(xerr)?;
        let cap = sla.credit.cap_percent;
        let (basis, percent, amount) = match l {
            Line::Availability(a) => (&a.basis, &a.percent, &a.amount),
            Line::Incident(i) => (&i.basis, &i.percent, &i.amount),
        };
        match l {
            Line::Availability(a) => {
                lines_ws
                    .write_string(row, 1, "availability")
                    .map_err(xerr)?;
                lines_ws.write_string(row, 2, &a.service).map_err(xerr)?;
                lines_ws
                    .write_number(row, 3, num(&a.target))
                    .map_err(xerr)?;
                lines_ws
                    .write_number_with_format(row, 4, num(&a.denominator_seconds), &f.secs)
                    .map_err(xerr)?;
                lines_ws
                    .write_number_with_format(row, 5, num(&a.downtime_seconds), &f.secs)
                    .map_err(xerr)?;
                lines_ws
                    .write_number_with_format(row, 6, num(&a.excluded_seconds), &f.secs)
                    .map_err(xerr)?;
                let exact = sla_engine::num::fmt_rat(
                    &exact_uptime(&a.denominator_seconds, &a.downtime_seconds),
                    0,
                );
                lines_ws
                    .write_formula_with_format(
                        row,
                        7,
                        Formula::new(format!("=IF(E{x}=0,100,(100*(E{x}-F{x}))/E{x})"))
                            .set_result(exact),
                        &f.pct,
                    )
                    .map_err(xerr)?;
                lines_ws
                    .write_formula_with_format(
                        row,
                        8,
                        Formula::new(format!("=ROUND(H{x},6)")).set_result(a.uptime.clone()),
                        &f.pct,
                    )
                    .map_err(xerr)?;
                lines_ws
                    .write_formula(
                        row,
                        9,
                        Formula::new(format!("=IF(H{x}<D{x},\"YES\",\"no\")"))
                            .set_result(if a.breached { "YES" } else { "no" }),
                    )
                    .map_err(xerr)?;
                let (name, formula) = match &sla.credit.schedule {
                    Schedule::Tiers(tiers) => {
                        for tier in tiers {
                            tier_rows.push((
                                a.sla.clone(),
                                tier.below.to_string(),
                                tier.percent.to_string(),
                            ));
                        }
                        ("tiers", format!("=SUMPRODUCT(MAX((Tiers!$A$2:$A$1000=A{x})*(Tiers!$B$2:$B$1000>H{x})*Tiers!$C$2:$C$1000))"))
                    }
                    Schedule::PerStep {
                        step,
                        percent_per_step,
                    } => {
                        lines_ws
                            .write_number(row, 17, num(&step.to_string()))
                            .map_err(xerr)?;
                        lines_ws
                            .write_number(row, 18, num(&percent_per_step.to_string()))
                            .map_err(xerr)?;
                        ("per_step", format!("=IF(H{x}>=D{x},0,MIN(100,CEILING(ROUND((D{x}-H{x})/R{x},9),1)*S{x}))"))
                    }
                    Schedule::Multiplier(m) => {
                        lines_ws
                            .write_number(row, 17, num(&m.to_string()))
                            .map_err(xerr)?;
                        (
                            "multiplier",
                            format!("=IF(H{x}>=D{x},0,MIN(100,R{x}*(100-H{x})))"),
                        )
                    }
                    Schedule::PerBreach(_) => ("per_breach", String::new()),
                };
                lines_ws.write_string(row, 11, name).map_err(xerr)?;
                lines_ws
                    .write_formula_with_format(
                        row,
                        12,
                        Formula::new(formula).set_result(percent.clone()),
                        &f.pct,
                    )
                    .map_err(xerr)?;
            }
            Line::Incident(inc) => {
                lines_ws.write_string(row, 1, &inc.kind).map_err(xerr)?;
                lines_ws.write_string(row, 2, &inc.service).map_err(xerr)?;
                lines_ws
                    .write_number(row, 3, inc.target_seconds as f64)
                    .map_err(xerr)?;
                lines_ws
                    .write_number(row, 10, f64::from(inc.breaches))
                    .map_err(xerr)?;
                lines_ws
                    .write_string(row, 9, if inc.breached { "YES" } else { "no" })
                    .map_err(xerr)?;
                lines_ws.write_string(row, 11, "per_breach").map_err(xerr)?;
                if let Schedule::PerBreach(p) = &sla.credit.schedule {
                    lines_ws
                        .write_number(row, 17, num(&p.to_string()))
                        .map_err(xerr)?;
                }
                lines_ws
                    .write_formula_with_format(
                        row,
                        12,
                        Formula::new(format!("=MIN(100,K{x}*R{x})")).set_result(percent.clone()),
                        &f.pct,
                    )
                    .map_err(xerr)?;
            }
        }
        lines_ws
            .write_number_with_format(row, 13, num(basis), &f.money)
            .map_err(xerr)?;
        if let Some(c) = cap {
            lines_ws
                .write_number(row, 14, num(&c.to_string()))
                .map_err(xerr)?;
        }
        let raw = sla_engine::num::fmt_rat(
            &(sla_engine::num::rat(dec(basis)) * sla_engine::num::rat(dec(percent))
                / sla_engine::num::hundred()),
            0,
        );
        lines_ws
            .write_formula_with_format(
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
            round_expr(&capped, places, rules.rounding.mode)
        } else {
            capped
        };
        lines_ws
            .write_formula_with_format(
                row,
                16,
                Formula::new(format!("={amount_formula}")).set_result(amount.clone()),
                &f.money,
            )
            .map_err(xerr)?;
    }

    // Tiers.
    let tiers_ws = wb.add_worksheet();
    tiers_ws.set_name("Tiers").map_err(xerr)?;
    header(
        tiers_ws,
        &[
            ("SLA", 24.0),
            ("Uptime below (%)", 16.0),
            ("Credit (%)", 12.0),
        ],
        &f,
    )?;
    for (i, (sla, below, pct)) in tier_rows.iter().enumerate() {
        let row = (i + 1) as u32;
        tiers_ws.write_string(row, 0, sla).map_err(xerr)?;
        tiers_ws.write_number(row, 1, num(below)).map_err(xerr)?;
        tiers_ws.write_number(row, 2, num(pct)).map_err(xerr)?;
    }

    // Evidence sheets.
    let out_ws = wb.add_worksheet();
    out_ws.set_name("Outages").map_err(xerr)?;
    header(
        out_ws,
        &[
            ("SLA", 22.0),
            ("Row", 36.0),
            ("Start (UTC)", 21.0),
            ("End (UTC)", 21.0),
            ("Impact", 8.0),
            ("Cause", 14.0),
            ("Source", 14.0),
            ("Ref", 12.0),
            ("Counted", 9.0),
            ("Why", 50.0),
        ],
        &f,
    )?;
    let mut row = 1u32;
    for l in &r.lines {
        if let Line::Availability(a) = l {
            for e in &a.evidence {
                for (col, val) in [&a.sla, &e.row, &e.start, &e.end].into_iter().enumerate() {
                    out_ws.write_string(row, col as u16, val).map_err(xerr)?;
                }
                out_ws.write_number(row, 4, num(&e.impact)).map_err(xerr)?;
                for (col, val) in [(5u16, &e.cause), (6, &e.source), (7, &e.reference)] {
                    out_ws.write_string(row, col, val).map_err(xerr)?;
                }
                out_ws
                    .write_string(row, 8, if e.counted { "yes" } else { "no" })
                    .map_err(xerr)?;
                out_ws.write_string(row, 9, &e.reason).map_err(xerr)?;
                row += 1;
            }
        }
    }
    let m_ws = wb.add_worksheet();
    m_ws.set_name("Maintenance").map_err(xerr)?;
    header(
        m_ws,
        &[
            ("SLA", 22.0),
            ("Row", 36.0),
            ("Start (UTC)", 21.0),
            ("End (UTC)", 21.0),
            ("Notified (UTC)", 21.0),
            ("Excluded", 9.0),
            ("Why", 50.0),
        ],
        &f,
    )?;
    let mut row = 1u32;
    for l in &r.lines {
        if let Line::Availability(a) = l {
            for m in &a.maintenance {
                let notified = m.notified_at.clone().unwrap_or_default();
                for (col, val) in [&a.sla, &m.row, &m.start, &m.end, &notified]
                    .into_iter()
                    .enumerate()
                {
                    m_ws.write_string(row, col as u16, val).map_err(xerr)?;
                }
                m_ws.write_string(row, 5, if m.excluded { "yes" } else { "no" })
                    .map_err(xerr)?;
                m_ws.write_string(row, 6, &m.reason).map_err(xerr)?;
                row += 1;
            }
        }
    }
    let i_ws = wb.add_worksheet();
    i_ws.set_name("Incidents").map_err(xerr)?;
    header(
        i_ws,
        &[
            ("SLA", 22.0),
            ("Incident", 16.0),
            ("Opened (UTC)", 21.0),
            ("Elapsed s", 11.0),
            ("Breached here", 13.0),
            ("Breached at (UTC)", 21.0),
            ("Running", 9.0),
        ],
        &f,
    )?;
    let mut row = 1u32;
    for l in &r.lines {
        if let Line::Incident(inc) = l {
            for e in &inc.incidents {
                i_ws.write_string(row, 0, &inc.sla).map_err(xerr)?;
                i_ws.write_string(row, 1, &e.incident).map_err(xerr)?;
                i_ws.write_string(row, 2, &e.opened_at).map_err(xerr)?;
                i_ws.write_number(row, 3, e.elapsed_seconds as f64)
                    .map_err(xerr)?;
                i_ws.write_string(row, 4, if e.breached { "yes" } else { "no" })
                    .map_err(xerr)?;
                i_ws.write_string(row, 5, e.breach_at.clone().unwrap_or_default())
                    .map_err(xerr)?;
                i_ws.write_string(row, 6, if e.running { "yes" } else { "no" })
                    .map_err(xerr)?;
                row += 1;
            }
        }
    }
    let tr = wb.add_worksheet();
    tr.set_name("Trace").map_err(xerr)?;
    header(tr, &[("Line", 24.0), ("#", 5.0), ("Step", 120.0)], &f)?;
    let mut row = 1u32;
    let all: Vec<(&str, &[String])> = r
        .lines
        .iter()
        .map(|l| (l.sla(), l.trace()))
        .chain(std::iter::once(("total", r.trace.as_slice())))
        .collect();
    for (name, trace) in all {
        for (n, sentence) in trace.iter().enumerate() {
            tr.write_string(row, 0, name).map_err(xerr)?;
            tr.write_number(row, 1, (n + 1) as f64).map_err(xerr)?;
            tr.write_string_with_format(row, 2, sentence, &f.wrap)
                .map_err(xerr)?;
            row += 1;
        }
    }
    wb.worksheet_from_name("Summary")
        .map_err(xerr)?
        .set_active(true);
    wb.save_to_buffer().map_err(xerr)
}

fn dec(s: &str) -> rust_decimal::Decimal {
    sla_engine::num::parse_decimal(s).unwrap_or_default()
}

fn exact_uptime(denominator: &str, downtime: &str) -> sla_engine::num::Rat {
    let d = sla_engine::num::rat(dec(denominator));
    if d == sla_engine::num::rat_int(0) {
        return sla_engine::num::hundred();
    }
    sla_engine::num::hundred() * (&d - sla_engine::num::rat(dec(downtime))) / d
}

/// A sheet name Excel accepts: at most 31 characters, none of `[]:*?/\`.
fn sheet_name(s: &str) -> String {
    let clean: String = s
        .chars()
        .map(|c| if "[]:*?/\\".contains(c) { '-' } else { c })
        .collect();
    clean.chars().take(31).collect()
}

/// A report (due diligence, executive summary) as a workbook: a Summary
/// sheet with the key facts and notes, then one sheet per table. Numbers
/// are written as numbers (shown to their decimals), everything else as
/// text, never as a formula.
pub fn render_report(d: &crate::pdf::ReportDoc) -> Result<Vec<u8>, ExportError> {
    let mut wb = Workbook::new();
    let created = chrono::DateTime::from_timestamp(d.created_at, 0).unwrap_or_default();
    wb.set_properties(
        &DocProperties::new()
            .set_title(d.title.clone())
            .set_subject(d.subtitle.clone())
            .set_author(d.author.clone())
            .set_creation_datetime(&created),
    );
    let head = Format::new().set_bold().set_background_color("DCE6F2");
    let bold = Format::new().set_bold();
    let wrap = Format::new().set_text_wrap();
    let ws = wb.add_worksheet();
    ws.set_name("Summary").map_err(xerr)?;
    ws.write_string_with_format(0, 0, &d.title, &bold.clone().set_font_size(14))
        .map_err(xerr)?;
    ws.write_string(1, 0, &d.subtitle).map_err(xerr)?;
    ws.set_column_width(0, 34).map_err(xerr)?;
    ws.set_column_width(1, 60).map_err(xerr)?;
    let mut row = 3;
    for (k, v) in &d.facts {
        ws.write_string(row, 0, k).map_err(xerr)?;
        ws.write_string_with_format(row, 1, v, &bold)
            .map_err(xerr)?;
        row += 1;
    }
    row += 1;
    for n in &d.notes {
        ws.write_string_with_format(row, 0, "Note", &bold)
            .map_err(xerr)?;
        ws.write_string_with_format(row, 1, n, &wrap)
            .map_err(xerr)?;
        row += 1;
    }
    for t in &d.tables {
        let ws = wb.add_worksheet();
        ws.set_name(sheet_name(&t.title)).map_err(xerr)?;
        for (i, (name, rel, _)) in t.columns.iter().enumerate() {
            ws.write_string_with_format(0, i as u16, name, &head)
                .map_err(xerr)?;
            ws.set_column_width(i as u16, (*rel as f64 * 6.0).clamp(10.0, 60.0))
                .map_err(xerr)?;
        }
        ws.set_freeze_panes(1, 0).map_err(xerr)?;
        for (r, cells) in t.rows.iter().enumerate() {
            for (c, cell) in cells.iter().enumerate() {
                let numeric = t.columns.get(c).is_some_and(|x| x.2);
                let (r, c) = (r as u32 + 1, c as u16);
                match sla_engine::num::parse_decimal(cell) {
                    Ok(dv) if numeric => {
                        let places = dv.scale();
                        let fmt = if places == 0 {
                            "#,##0".to_string()
                        } else {
                            format!("#,##0.{}", "0".repeat(places as usize))
                        };
                        ws.write_number_with_format(
                            r,
                            c,
                            num(cell),
                            &Format::new().set_num_format(fmt),
                        )
                        .map_err(xerr)?;
                    }
                    _ => {
                        ws.write_string(r, c, cell).map_err(xerr)?;
                    }
                }
            }
        }
    }
    wb.save_to_buffer().map_err(xerr)
}
