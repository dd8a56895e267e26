//! The statement's evidence section: for each line the outage,
//! maintenance or incident rows it was computed from, and why each counted
//! or not, with times in the contract's zone (issue 16).

use super::writer::{Align, Writer};
use crate::locale::Locale;
use crate::view::StatementView;
use sla_engine::result::{AvailabilityLine, IncidentLine, Line};

/// Times for the reader: the contract's zone, the reader's locale (issue
/// 16). The workbook keeps UTC beside them.
#[derive(Clone, Copy)]
pub(super) struct People {
    locale: Locale,
    tz: chrono_tz::Tz,
}

impl People {
    pub(super) fn of(v: &StatementView) -> People {
        People {
            locale: v.locale,
            tz: v.terms.contract.timezone,
        }
    }
    pub(super) fn at(self, utc: &str) -> String {
        self.locale.instant_text(self.tz, utc)
    }
}

pub(super) fn yes_no(b: bool) -> String {
    if b { "YES" } else { "no" }.into()
}

/// The evidence behind every line: outages and maintenance for an
/// availability line, incidents for an incident line.
pub(super) fn evidence(w: &mut Writer, v: &StatementView) {
    let p = People::of(v);
    for l in &v.result.lines {
        match l {
            Line::Availability(a) => {
                outages(w, a, p);
                maintenance(w, a, p);
            }
            Line::Incident(i) => incidents(w, i, p),
        }
    }
}

/// The file name of a row reference (`dir/outages.csv:3` -> `outages.csv:3`).
fn row_name(row: &str) -> String {
    row.rsplit('/').next().unwrap_or(row).to_string()
}

/// What the line measured, in one sentence.
fn measured(a: &AvailabilityLine) -> String {
    let intervals = a.intervals.unwrap_or(0);
    match (&a.downtime_seconds, &a.denominator_seconds, &a.mean_error_rate) {
        (_, _, Some(mean)) => format!(
            "From request counts: mean error rate {mean} % over {intervals} intervals: uptime {} % against a target of {} %.",
            a.uptime, a.target
        ),
        (Some(d), Some(n), None) => {
            let from = match a.down_intervals {
                Some(k) => format!("From request counts: {k} of {intervals} intervals down. "),
                None => String::new(),
            };
            format!(
                "{from}Downtime {d} s, excluded maintenance {} s, denominator {n} s: uptime {} % against a target of {} %.",
                a.excluded_seconds, a.uptime, a.target
            )
        }
        _ => format!("Uptime {} % against a target of {} %.", a.uptime, a.target),
    }
}

fn outages(w: &mut Writer, a: &AvailabilityLine, p: People) {
    if a.intervals.is_some() {
        // Downtime from request counts (terms v2 section 8): no outage
        // rows; each interval that counted is in the appendix.
        w.heading(&format!("Request counts for {} ({})", a.sla, a.service));
        w.paragraph(&measured(a), 8.5, 0.0);
        w.paragraph(
            "Each interval that counted, with its failed and total requests, is listed in the appendix.",
            8.5,
            0.0,
        );
        return;
    }
    w.heading(&format!("Outages for {} ({})", a.sla, a.service));
    w.paragraph(&measured(a), 8.5, 0.0);
    w.y -= 4.0;
    if a.evidence.is_empty() {
        w.paragraph(
            "No outage rows for this service touch the period.",
            8.5,
            0.0,
        );
        return;
    }
    let rows: Vec<Vec<String>> = a
        .evidence
        .iter()
        .map(|e| {
            vec![
                row_name(&e.row),
                p.at(&e.start),
                if e.end.is_empty() {
                    "open".into()
                } else {
                    p.at(&e.end)
                },
                e.impact.clone(),
                e.cause.clone(),
                e.reason.clone(),
            ]
        })
        .collect();
    let hl: Vec<bool> = a.evidence.iter().map(|e| !e.counted).collect();
    w.table(
        &[
            ("Row", 105.0, Align::Left),
            ("Start", 92.0, Align::Left),
            ("End", 92.0, Align::Left),
            ("Impact", 38.0, Align::Right),
            ("Cause", 58.0, Align::Left),
            ("Used or excluded, and why", 126.0, Align::Left),
        ],
        &rows,
        7.0,
        &hl,
    );
}

fn maintenance(w: &mut Writer, a: &AvailabilityLine, p: People) {
    if a.maintenance.is_empty() {
        return;
    }
    let rows: Vec<Vec<String>> = a
        .maintenance
        .iter()
        .map(|m| {
            vec![
                row_name(&m.row),
                p.at(&m.start),
                p.at(&m.end),
                m.notified_at
                    .as_deref()
                    .map(|n| p.at(n))
                    .unwrap_or_else(|| "none".into()),
                m.reason.clone(),
            ]
        })
        .collect();
    w.table(
        &[
            ("Maintenance row", 105.0, Align::Left),
            ("Start", 92.0, Align::Left),
            ("End", 92.0, Align::Left),
            ("Notified", 92.0, Align::Left),
            ("Excluded?", 130.0, Align::Left),
        ],
        &rows,
        7.0,
        &[],
    );
}

fn incidents(w: &mut Writer, i: &IncidentLine, p: People) {
    w.heading(&format!(
        "Incidents for {} ({} {})",
        i.sla, i.severity, i.kind
    ));
    if i.incidents.is_empty() {
        w.paragraph(
            "No incidents of this severity opened, breached or running in the period.",
            8.5,
            0.0,
        );
        return;
    }
    let rows: Vec<Vec<String>> = i
        .incidents
        .iter()
        .map(|e| {
            vec![
                e.incident.clone(),
                p.at(&e.opened_at),
                format!(
                    "{} s ({})",
                    e.elapsed_seconds,
                    sla_engine::duration::fmt_duration(e.elapsed_seconds)
                ),
                yes_no(e.breached),
                e.breach_at
                    .as_deref()
                    .map(|b| p.at(b))
                    .unwrap_or_else(|| "-".into()),
                if e.running { "running" } else { "-" }.into(),
            ]
        })
        .collect();
    let hl: Vec<bool> = i.incidents.iter().map(|e| e.breached).collect();
    w.table(
        &[
            ("Incident", 80.0, Align::Left),
            ("Opened", 100.0, Align::Left),
            ("Elapsed", 95.0, Align::Left),
            ("Breach", 45.0, Align::Left),
            ("Breached at", 100.0, Align::Left),
            ("State", 91.0, Align::Left),
        ],
        &rows,
        7.5,
        &hl,
    );
}
