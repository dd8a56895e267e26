//! The sheets behind the lines: Tiers (what the tier formulas look up),
//! Outages, Maintenance and Incidents (every row, used or excluded, and
//! why), and Trace (every step of every line and of the total). Text is
//! always written as text.

use super::format::{header, num, xerr, Fmt};
use super::lines::TierRow;
use crate::error::ExportError;
use rust_xlsxwriter::Worksheet;
use sla_engine::result::Line;
use sla_engine::ResultDoc;

fn yes_no(b: bool) -> &'static str {
    if b {
        "yes"
    } else {
        "no"
    }
}

pub(super) fn tiers(ws: &mut Worksheet, rows: &[TierRow], f: &Fmt) -> Result<(), ExportError> {
    ws.set_name("Tiers").map_err(xerr)?;
    header(
        ws,
        &[
            ("SLA", 24.0),
            ("Uptime below (%)", 16.0),
            ("Credit (% or days)", 18.0),
        ],
        f,
    )?;
    for (i, (sla, below, pct)) in rows.iter().enumerate() {
        let row = (i + 1) as u32;
        ws.write_string(row, 0, sla).map_err(xerr)?;
        ws.write_number(row, 1, num(below)).map_err(xerr)?;
        ws.write_number(row, 2, num(pct)).map_err(xerr)?;
    }
    Ok(())
}

pub(super) fn outages(
    ws: &mut Worksheet,
    r: &ResultDoc,
    f: &Fmt,
    v: &crate::view::StatementView,
) -> Result<(), ExportError> {
    // The contract's local time beside UTC (issue 16), for people.
    let (loc, tz) = (v.locale, v.terms.contract.timezone);
    let local_start = format!("Start ({})", tz.name());
    let local_end = format!("End ({})", tz.name());
    ws.set_name("Outages").map_err(xerr)?;
    header(
        ws,
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
            (local_start.as_str(), 24.0),
            (local_end.as_str(), 24.0),
        ],
        f,
    )?;
    let mut row = 1u32;
    for l in &r.lines {
        if let Line::Availability(a) = l {
            for e in &a.evidence {
                for (col, val) in [&a.sla, &e.row, &e.start, &e.end].into_iter().enumerate() {
                    ws.write_string(row, col as u16, val).map_err(xerr)?;
                }
                ws.write_number(row, 4, num(&e.impact)).map_err(xerr)?;
                for (col, val) in [(5u16, &e.cause), (6, &e.source), (7, &e.reference)] {
                    ws.write_string(row, col, val).map_err(xerr)?;
                }
                ws.write_string(row, 8, yes_no(e.counted)).map_err(xerr)?;
                ws.write_string(row, 9, &e.reason).map_err(xerr)?;
                ws.write_string(row, 10, loc.instant_text(tz, &e.start))
                    .map_err(xerr)?;
                ws.write_string(row, 11, loc.instant_text(tz, &e.end))
                    .map_err(xerr)?;
                row += 1;
            }
        }
    }
    Ok(())
}

pub(super) fn maintenance(ws: &mut Worksheet, r: &ResultDoc, f: &Fmt) -> Result<(), ExportError> {
    ws.set_name("Maintenance").map_err(xerr)?;
    header(
        ws,
        &[
            ("SLA", 22.0),
            ("Row", 36.0),
            ("Start (UTC)", 21.0),
            ("End (UTC)", 21.0),
            ("Notified (UTC)", 21.0),
            ("Excluded", 9.0),
            ("Why", 50.0),
        ],
        f,
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
                    ws.write_string(row, col as u16, val).map_err(xerr)?;
                }
                ws.write_string(row, 5, yes_no(m.excluded)).map_err(xerr)?;
                ws.write_string(row, 6, &m.reason).map_err(xerr)?;
                row += 1;
            }
        }
    }
    Ok(())
}

pub(super) fn incidents(ws: &mut Worksheet, r: &ResultDoc, f: &Fmt) -> Result<(), ExportError> {
    ws.set_name("Incidents").map_err(xerr)?;
    header(
        ws,
        &[
            ("SLA", 22.0),
            ("Incident", 16.0),
            ("Opened (UTC)", 21.0),
            ("Elapsed s", 11.0),
            ("Breached here", 13.0),
            ("Breached at (UTC)", 21.0),
            ("Running", 9.0),
        ],
        f,
    )?;
    let mut row = 1u32;
    for l in &r.lines {
        if let Line::Incident(inc) = l {
            for e in &inc.incidents {
                ws.write_string(row, 0, &inc.sla).map_err(xerr)?;
                ws.write_string(row, 1, &e.incident).map_err(xerr)?;
                ws.write_string(row, 2, &e.opened_at).map_err(xerr)?;
                ws.write_number(row, 3, e.elapsed_seconds as f64)
                    .map_err(xerr)?;
                ws.write_string(row, 4, yes_no(e.breached)).map_err(xerr)?;
                ws.write_string(row, 5, e.breach_at.clone().unwrap_or_default())
                    .map_err(xerr)?;
                ws.write_string(row, 6, yes_no(e.running)).map_err(xerr)?;
                row += 1;
            }
        }
    }
    Ok(())
}

pub(super) fn trace(ws: &mut Worksheet, r: &ResultDoc, f: &Fmt) -> Result<(), ExportError> {
    ws.set_name("Trace").map_err(xerr)?;
    header(ws, &[("Line", 24.0), ("#", 5.0), ("Step", 120.0)], f)?;
    let mut row = 1u32;
    let all: Vec<(&str, &[String])> = r
        .lines
        .iter()
        .map(|l| (l.sla(), l.trace()))
        .chain(std::iter::once(("total", r.trace.as_slice())))
        .collect();
    for (name, trace) in all {
        for (n, sentence) in trace.iter().enumerate() {
            ws.write_string(row, 0, name).map_err(xerr)?;
            ws.write_number(row, 1, (n + 1) as f64).map_err(xerr)?;
            ws.write_string_with_format(row, 2, sentence, &f.wrap)
                .map_err(xerr)?;
            row += 1;
        }
    }
    Ok(())
}

/// Clauses (issue 18): each term of the version used with the page and
/// quote of the document it comes from, and that document's SHA-256, as
/// the PDF's appendix lists them. Only when the terms are linked.
pub(super) fn clauses(
    ws: &mut Worksheet,
    v: &crate::view::StatementView,
    f: &Fmt,
) -> Result<(), ExportError> {
    ws.set_name("Clauses").map_err(xerr)?;
    header(
        ws,
        &[
            ("Term", 30.0),
            ("Value", 16.0),
            ("Document", 22.0),
            ("Page", 6.0),
            ("Quote", 70.0),
            ("Document SHA-256", 66.0),
        ],
        f,
    )?;
    for (i, c) in v.clauses.iter().enumerate() {
        let row = (i + 1) as u32;
        ws.write_string(row, 0, &c.key).map_err(xerr)?;
        ws.write_string(row, 1, &c.value).map_err(xerr)?;
        ws.write_string(row, 2, &c.document).map_err(xerr)?;
        ws.write_number(row, 3, c.page as f64).map_err(xerr)?;
        ws.write_string(row, 4, &c.quote).map_err(xerr)?;
        ws.write_string(row, 5, &c.sha256).map_err(xerr)?;
    }
    Ok(())
}
