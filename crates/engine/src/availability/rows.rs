//! Steps 1-2: which outage rows of the service count, and at what impact.
//! Every row touching the period is listed as evidence, counted or not,
//! with the reason; rows wholly outside it only make the total count.

use super::{dec_str, touches, Row};
use crate::events::{OutageRow, ServiceRows};
use crate::result::EvidenceRow;
use crate::terms::{Availability, PartialImpact};
use crate::time::{fmt_instant, push_instant, Instant, Period};
use rust_decimal::Decimal;
use std::fmt::Write;

/// The rows that count, and the evidence list of rows touching the period.
pub(super) fn kept_rows<'e>(
    service: &str,
    a: &Availability,
    events: &ServiceRows<'e>,
    p: &Period,
    trace: &mut Vec<String>,
    warnings: &mut Vec<String>,
) -> (Vec<Row<'e>>, Vec<EvidenceRow>) {
    let mut rows = Vec::with_capacity(events.outages.len());
    let mut evidence: Vec<EvidenceRow> = Vec::new();
    let mut outside = 0usize;
    for &o in &events.outages {
        let Some(end) = row_end(o, p, trace, warnings) else {
            continue;
        };
        let shown = touches(p, o.start, end);
        if !shown {
            outside += 1;
        }
        let entry = shown.then(|| {
            evidence.push(evidence_row(o));
            evidence.len() - 1
        });
        let listed = entry.map(|i| &evidence[i]);
        match counted_impact(o, end, a, listed, trace) {
            Ok(impact) => rows.push(Row {
                start: o.start,
                end,
                impact,
                origin: &o.origin,
                shown: entry,
            }),
            Err(dropped) => {
                if let Some(i) = entry {
                    evidence[i].counted = false;
                    evidence[i].reason = dropped.reason(o);
                }
            }
        }
    }
    if outside > 0 {
        trace.push(format!("{outside} outage row(s) of `{service}` lie wholly outside the period and are not listed."));
    }
    (rows, evidence)
}

/// Where a row ends: an open outage runs to the period end (with a
/// warning), unless it only begins there, when it counts for nothing.
fn row_end(
    o: &OutageRow,
    p: &Period,
    trace: &mut Vec<String>,
    warnings: &mut Vec<String>,
) -> Option<Instant> {
    match o.end {
        Some(e) => Some(e),
        None if o.start >= p.end => {
            trace.push(format!("{}: open outage starting {} begins at or after the period end; contributes nothing.", o.origin, fmt_instant(o.start)));
            None
        }
        None => {
            warnings.push(format!(
                "{}: outage starting {} has no end; counted as open until the period end {}",
                o.origin,
                fmt_instant(o.start),
                fmt_instant(p.end)
            ));
            Some(p.end)
        }
    }
}

/// The row as listed, counted until a later step says otherwise.
fn evidence_row(o: &OutageRow) -> EvidenceRow {
    EvidenceRow {
        row: o.origin.text(),
        start: fmt_instant(o.start),
        end: o.end.map(fmt_instant).unwrap_or_default(),
        impact: dec_str(&o.impact),
        cause: o.cause.to_string(),
        source: o.source.to_string(),
        reference: o.reference.clone(),
        counted: true,
        reason: if o.end.is_none() {
            "counted (open: runs to the period end)".into()
        } else {
            "counted".into()
        },
    }
}

/// Why a row is dropped at steps 1-2.
enum Dropped {
    Cause,
    Partial,
}

impl Dropped {
    /// The evidence list's reason: written only for rows it lists (a year
    /// of rows made a month's statement write it for all of them).
    fn reason(&self, o: &OutageRow) -> String {
        match self {
            Dropped::Cause => format!("excluded cause `{}`", o.cause),
            Dropped::Partial => "partial impact ignored by the terms".into(),
        }
    }
}

/// The impact the row counts with, or why it is dropped (an excluded
/// cause, or a partial impact the terms ignore). Only rows touching the
/// period, `listed` in the evidence, are explained in the trace.
fn counted_impact(
    o: &OutageRow,
    end: Instant,
    a: &Availability,
    listed: Option<&EvidenceRow>,
    trace: &mut Vec<String>,
) -> Result<Decimal, Dropped> {
    // Each sentence is written into one string, from the evidence row's
    // texts: the same place, start, end (unless the row is open) and
    // impact, not written twice (issue 15: the trace of a 2,000-SLA month
    // has tens of thousands of them).
    let say = |trace: &mut Vec<String>, tail: std::fmt::Arguments<'_>| {
        let Some(e) = listed else {
            return;
        };
        let mut s = String::with_capacity(192);
        s.push_str(&e.row);
        s.push_str(": outage ");
        s.push_str(&e.start);
        s.push_str(" to ");
        match o.end {
            Some(own) if own == end => s.push_str(&e.end),
            _ => push_instant(&mut s, end),
        }
        s.push_str(" impact ");
        s.push_str(&e.impact);
        s.push_str(" cause ");
        s.push_str(&o.cause);
        let _ = write!(s, ": {tail}");
        trace.push(s);
    };
    if a.excluded_causes.iter().any(|c| **c == *o.cause) {
        if listed.is_some() {
            say(
                trace,
                format_args!("dropped, cause `{}` is excluded by the terms.", o.cause),
            );
        }
        return Err(Dropped::Cause);
    }
    let impact = match a.partial_impact {
        PartialImpact::Ignore if o.impact < Decimal::ONE => {
            if listed.is_some() {
                say(
                    trace,
                    format_args!("dropped, partial_impact = \"ignore\" drops impact below 1."),
                );
            }
            return Err(Dropped::Partial);
        }
        PartialImpact::Full => Decimal::ONE,
        _ => o.impact,
    };
    if listed.is_some() {
        let note = if impact != o.impact {
            " (partial_impact = \"full\" counts it at impact 1)"
        } else {
            ""
        };
        say(trace, format_args!("kept{note}."));
    }
    Ok(impact)
}
