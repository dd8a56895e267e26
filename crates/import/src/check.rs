//! Checking event sheets row by row against the terms (spec section 2):
//! every bad cell is a row error naming its place, every problem is
//! listed, and only good rows become events.

use crate::error::{ImportError, RowError};
use crate::limits::MAX_ROWS_PER_SHEET;
use crate::sheet::{self, Cell, RawSheet};
use crate::{Imported, Kind};
use chrono::{NaiveDateTime, Timelike};
use chrono_tz::Tz;
use rust_decimal::Decimal;
use sla_engine::events::{incidents_without_opened, normalize_cause, normalize_status};
use sla_engine::num::parse_decimal;
use sla_engine::terms::TermsScope;
use sla_engine::time::{parse_instant, resolve_local};
use sla_engine::{Events, IncidentRow, Instant, MaintenanceRow, Origin, OutageRow};
use std::borrow::Cow;
use std::collections::HashSet;
use std::sync::Arc;

pub(crate) struct Checker {
    pub(crate) tz: Tz,
    pub(crate) services: ServiceIds,
    pub(crate) errors: Vec<RowError>,
    pub(crate) warnings: Vec<String>,
    /// The file and sheet names the last row's origin shared.
    names: Option<(Arc<str>, Arc<str>)>,
    /// Outages' services, causes and sources, each distinct text once.
    texts: Interner,
}

/// A set hashed by foldhash (see the crate's Cargo.toml for why).
type FastSet<T> = HashSet<T, foldhash::fast::RandomState>;

/// Each distinct text once (issue 15): a million outage rows name a few
/// services, causes and sources, so rows share them instead of holding a
/// copy each.
#[derive(Default)]
struct Interner(FastSet<Arc<str>>);

impl Interner {
    fn get(&mut self, text: &str) -> Arc<str> {
        if let Some(t) = self.0.get(text) {
            return t.clone();
        }
        let t: Arc<str> = text.into();
        self.0.insert(t.clone());
        t
    }
}

/// The contract's service ids: in the terms' order for messages, and
/// hashed for the check every row makes (a 2,000-service contract costs a
/// row no more than a one-service one).
pub(crate) struct ServiceIds {
    order: Vec<String>,
    set: FastSet<Arc<str>>,
}

impl ServiceIds {
    fn of(scope: &TermsScope) -> ServiceIds {
        let order = scope.service_ids.clone();
        let set = order.iter().map(|s| Arc::from(s.as_str())).collect();
        ServiceIds { order, set }
    }
    pub(crate) fn contains(&self, id: &str) -> bool {
        self.set.contains(id)
    }
    /// The id, shared, when the terms name it.
    fn shared(&self, id: &str) -> Option<Arc<str>> {
        self.set.get(id).cloned()
    }
    pub(crate) fn iter(&self) -> std::slice::Iter<'_, String> {
        self.order.iter()
    }
}

/// The most columns a kind's sheet has (outages: 7); a row's cells are
/// looked up in a fixed array, not a vector made per row (issue 15).
const MAX_SPEC_COLUMNS: usize = 8;

/// One data row being read: its cells by spec column.
struct RowCtx<'a> {
    kind: Kind,
    sheet: &'a RawSheet,
    row: u32,
    /// By spec column; no kind has more than [`MAX_SPEC_COLUMNS`].
    cells: [Option<&'a Cell>; MAX_SPEC_COLUMNS],
}

impl Checker {
    fn err(
        &mut self,
        kind: Kind,
        sheet: &RawSheet,
        row: u32,
        column: &str,
        reason: impl Into<String>,
    ) {
        let column_order = kind
            .columns()
            .iter()
            .position(|(c, _)| *c == column)
            .unwrap_or(usize::MAX);
        self.errors.push(RowError {
            file: sheet.file.clone(),
            sheet: sheet.name.clone(),
            row,
            column: column.to_string(),
            reason: reason.into(),
            kind_order: kind.order(),
            column_order,
        });
    }

    pub(crate) fn new(scope: &TermsScope, warnings: Vec<String>) -> Checker {
        Checker {
            tz: scope.timezone,
            services: ServiceIds::of(scope),
            errors: Vec::new(),
            warnings,
            names: None,
            texts: Interner::default(),
        }
    }

    /// The events, or every problem found (sorted by kind, file, sheet,
    /// row and column, whatever order the sheets were read in).
    pub(crate) fn finish(mut self, events: Events) -> Result<Imported, ImportError> {
        // An incident with no `opened` row is an error even if no term uses it.
        for r in incidents_without_opened(&events.incidents) {
            self.errors.push(RowError {
                file: r.origin.file.to_string(),
                sheet: r.origin.sheet.to_string(),
                row: r.origin.row,
                column: "incident".into(),
                reason: format!("incident `{}` has no `opened` row", r.incident),
                kind_order: Kind::Incidents.order(),
                column_order: 0,
            });
        }
        if !self.errors.is_empty() {
            self.errors.sort_by(|a, b| {
                (a.kind_order, &a.file, &a.sheet, a.row, a.column_order).cmp(&(
                    b.kind_order,
                    &b.file,
                    &b.sheet,
                    b.row,
                    b.column_order,
                ))
            });
            return Err(ImportError::Rows(self.errors));
        }
        Ok(Imported {
            events,
            warnings: self.warnings,
        })
    }

    pub(crate) fn sheet(&mut self, kind: Kind, sheet: &RawSheet, events: &mut Events) {
        if kind == Kind::Requests {
            // One reader for request counts, governance's and the credits'.
            let rows = self.requests(sheet);
            events.requests.extend(rows);
            return;
        }
        let Some(index) = self.begin(kind, sheet) else {
            return;
        };
        if sheet.rows.len() > MAX_ROWS_PER_SHEET {
            let spec = kind.columns();
            self.err(
                kind,
                sheet,
                sheet.header_row,
                spec[0].0,
                format!(
                    "{} rows is more than the {MAX_ROWS_PER_SHEET} one sheet may hold",
                    sheet.rows.len()
                ),
            );
            return;
        }
        for (row, cells) in &sheet.rows {
            self.data_row(kind, sheet, &index, *row, cells, events);
        }
    }

    /// The header's checks; the position of each spec column when it is
    /// good (`None`: the sheet's rows are not read).
    pub(crate) fn begin(&mut self, kind: Kind, sheet: &RawSheet) -> Option<Vec<Option<usize>>> {
        let spec = kind.columns();
        let mut index: Vec<Option<usize>> = vec![None; spec.len()];
        let mut header_ok = true;
        let mut seen: HashSet<String> = HashSet::new();
        for (pos, name) in sheet.header.iter().enumerate() {
            let key = name.trim().to_lowercase();
            if key.is_empty() {
                continue;
            }
            if !seen.insert(key.clone()) {
                self.err(
                    kind,
                    sheet,
                    sheet.header_row,
                    &key,
                    "duplicate column header",
                );
                header_ok = false;
                continue;
            }
            match spec.iter().position(|(c, _)| *c == key) {
                Some(i) => index[i] = Some(pos),
                None => self.warnings.push(format!(
                    "{}:{}:{}: unknown column `{}` ignored",
                    sheet.file,
                    sheet.name,
                    sheet.header_row,
                    name.trim()
                )),
            }
        }
        for (i, (col, required)) in spec.iter().enumerate() {
            if *required && index[i].is_none() {
                self.err(
                    kind,
                    sheet,
                    sheet.header_row,
                    col,
                    "missing required column",
                );
                header_ok = false;
            }
        }
        header_ok.then_some(index)
    }

    pub(crate) fn data_row(
        &mut self,
        kind: Kind,
        sheet: &RawSheet,
        index: &[Option<usize>],
        row: u32,
        cells: &[Cell],
        events: &mut Events,
    ) {
        if cells.iter().all(Cell::is_empty) {
            return;
        }
        let r = RowCtx {
            kind,
            sheet,
            row,
            cells: std::array::from_fn(|k| {
                index.get(k).copied().flatten().and_then(|i| cells.get(i))
            }),
        };
        match kind {
            Kind::Outages => self.outage(&r, events),
            Kind::Maintenance => self.maintenance(&r, events),
            Kind::Incidents => self.incident(&r, events),
            Kind::Requests => unreachable!("read by Checker::requests"),
        }
    }

    fn cell<'a>(&self, r: &RowCtx<'a>, col: &str) -> Option<&'a Cell> {
        // Column names are this crate's literals: the same address in the
        // usual case, compared before the bytes (issue 15).
        let same = |c: &str| std::ptr::eq(c, col) || c == col;
        let i = r.kind.columns().iter().position(|(c, _)| same(c))?;
        r.cells.get(i).copied().flatten().filter(|c| !c.is_empty())
    }

    fn text(&mut self, r: &RowCtx<'_>, col: &str, required: bool) -> Option<String> {
        let c = self.cell(r, col);
        if let Some(Cell::Invalid(bad)) = c {
            self.err(r.kind, r.sheet, r.row, col, bad.reason.clone());
            return None;
        }
        let v = c.map(Cell::as_text);
        if v.is_none() && required {
            self.err(r.kind, r.sheet, r.row, col, "required cell is empty");
        }
        v
    }

    /// A cell's trimmed text, borrowed when the cell is text (no copy per
    /// row, issue 15); as [`Checker::text`] otherwise, including its errors.
    fn text_cow<'a>(&mut self, r: &RowCtx<'a>, col: &str, required: bool) -> Option<Cow<'a, str>> {
        match self.cell(r, col) {
            Some(Cell::Text(t)) => Some(Cow::Borrowed(sheet::trimmed(t))),
            _ => self.text(r, col, required).map(Cow::Owned),
        }
    }

    /// The row's service, shared with the other rows naming it.
    fn service_shared(&mut self, r: &RowCtx<'_>) -> Option<Arc<str>> {
        let s = self.text_cow(r, "service", true)?;
        match self.services.shared(&s) {
            Some(id) => Some(id),
            // Not a service of the terms: the error, as for any sheet.
            None => self.service(r).map(|s| self.texts.get(&s)),
        }
    }

    fn service(&mut self, r: &RowCtx<'_>) -> Option<String> {
        let s = self.text(r, "service", true)?;
        if self.services.contains(&s) {
            Some(s)
        } else {
            let known = self
                .services
                .iter()
                .map(|s| format!("`{s}`"))
                .collect::<Vec<_>>()
                .join(", ");
            self.err(
                r.kind,
                r.sheet,
                r.row,
                "service",
                format!(
                    "unknown service `{s}` (the terms name {})",
                    if known.is_empty() {
                        "none".into()
                    } else {
                        known
                    }
                ),
            );
            None
        }
    }

    /// `Ok(None)` for an empty cell; errors are recorded and return `Err`.
    fn instant(
        &mut self,
        r: &RowCtx<'_>,
        col: &str,
        required: bool,
    ) -> Result<Option<Instant>, ()> {
        let Some(cell) = self.cell(r, col) else {
            if required {
                self.err(r.kind, r.sheet, r.row, col, "required cell is empty");
                return Err(());
            }
            return Ok(None);
        };
        let parsed = match cell {
            Cell::DateTime(n) => cell_instant(self.tz, n),
            Cell::Number(n) => Err(format!("{n} is a number, not a date-time: format the cell as a date-time or write RFC 3339 text")),
            Cell::Invalid(bad) => Err(bad.reason.clone()),
            other => parse_instant(&other.text_ref(), self.tz).map_err(|e| e.to_string()),
        };
        parsed
            .map(Some)
            .map_err(|m| self.err(r.kind, r.sheet, r.row, col, m))
    }

    /// The row's origin; its file and sheet names are shared with the
    /// rows before it from the same sheet.
    fn origin(&mut self, r: &RowCtx<'_>) -> Origin {
        let same = |(f, s): &(Arc<str>, Arc<str>)| **f == *r.sheet.file && **s == *r.sheet.name;
        let (file, sheet) = match &self.names {
            Some(n) if same(n) => n.clone(),
            _ => {
                let n: (Arc<str>, Arc<str>) =
                    (r.sheet.file.as_str().into(), r.sheet.name.as_str().into());
                self.names = Some(n.clone());
                n
            }
        };
        Origin {
            file,
            sheet,
            row: r.row,
        }
    }

    fn end_after_start(
        &mut self,
        r: &RowCtx<'_>,
        start: Option<Instant>,
        end: Option<Instant>,
    ) -> bool {
        if let (Some(s), Some(e)) = (start, end) {
            if e < s {
                self.err(r.kind, r.sheet, r.row, "end", "end is before start");
                return false;
            }
        }
        true
    }

    fn outage(&mut self, r: &RowCtx<'_>, events: &mut Events) {
        let service = self.service_shared(r);
        let start = self.instant(r, "start", true);
        let end = self.instant(r, "end", false);
        let ordered = self.end_after_start(r, start.ok().flatten(), end.ok().flatten());
        let impact = match self.cell(r, "impact") {
            None => Some(Decimal::ONE),
            Some(Cell::Invalid(bad)) => {
                self.err(r.kind, r.sheet, r.row, "impact", bad.reason.clone());
                None
            }
            Some(c) => match parse_decimal(&c.text_ref()) {
                Ok(d) if d > Decimal::ZERO && d <= Decimal::ONE => Some(d),
                Ok(d) => {
                    self.err(
                        r.kind,
                        r.sheet,
                        r.row,
                        "impact",
                        format!("impact {d} is outside (0, 1]"),
                    );
                    None
                }
                Err(m) => {
                    self.err(r.kind, r.sheet, r.row, "impact", m);
                    None
                }
            },
        };
        let cause = match self.text_cow(r, "cause", false) {
            // Already as normalize_cause would write it: no copy.
            Some(c)
                if !c.is_empty() && c.bytes().all(|b| b.is_ascii() && !b.is_ascii_uppercase()) =>
            {
                self.texts.get(&c)
            }
            c => self
                .texts
                .get(&normalize_cause(c.as_deref().unwrap_or_default())),
        };
        let source = match self.text_cow(r, "source", false) {
            Some(s) => self.texts.get(&s),
            None => self.texts.get(""),
        };
        let reference = self.text(r, "ref", false).unwrap_or_default();
        if let (Some(service), Ok(Some(start)), Ok(end), Some(impact), true) =
            (service, start, end, impact, ordered)
        {
            let origin = self.origin(r);
            events.outages.push(OutageRow {
                service,
                start,
                end,
                impact,
                cause,
                source,
                reference,
                origin,
            });
        }
    }

    fn maintenance(&mut self, r: &RowCtx<'_>, events: &mut Events) {
        let service = self.service(r);
        let start = self.instant(r, "start", true);
        let end = self.instant(r, "end", true);
        let notified = self.instant(r, "notified_at", false);
        let ordered = self.end_after_start(r, start.ok().flatten(), end.ok().flatten());
        if let (Some(service), Ok(Some(start)), Ok(Some(end)), Ok(notified_at), true) =
            (service, start, end, notified, ordered)
        {
            let origin = self.origin(r);
            events.maintenance.push(MaintenanceRow {
                service,
                start,
                end,
                notified_at,
                origin,
            });
        }
    }

    fn incident(&mut self, r: &RowCtx<'_>, events: &mut Events) {
        let incident = self.text(r, "incident", true);
        let service = self.service(r);
        let severity = self.text(r, "severity", true);
        let at = self.instant(r, "at", true);
        let status = self.text(r, "status", true).map(|s| normalize_status(&s));
        if let (Some(incident), Some(service), Some(severity), Ok(Some(at)), Some(status)) =
            (incident, service, severity, at, status)
        {
            let origin = self.origin(r);
            events.incidents.push(IncidentRow {
                incident,
                service,
                severity,
                at,
                status,
                origin,
            });
        }
    }
}

/// A date-time cell in `tz`, to the nearest second. The cell's text is
/// written only for a message: formatting every cell's date ahead of a
/// possible error cost a fifth of a workbook import (issue 15).
pub(crate) fn cell_instant(tz: Tz, n: &NaiveDateTime) -> Result<Instant, String> {
    let naive = round_to_second(*n);
    resolve_local(tz, naive, "").map_err(|first| {
        resolve_local(tz, naive, &n.to_string())
            .err()
            .unwrap_or(first)
            .to_string()
    })
}

/// Spreadsheet date-time cells are read to the nearest second.
fn round_to_second(n: NaiveDateTime) -> NaiveDateTime {
    let ms = n.nanosecond() / 1_000_000;
    let base = n.with_nanosecond(0).expect("zero nanoseconds");
    if ms >= 500 {
        base + chrono::Duration::seconds(1)
    } else {
        base
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_fits_the_row_array() {
        for k in Kind::ALL {
            assert!(k.columns().len() <= MAX_SPEC_COLUMNS, "{}", k.name());
        }
    }
}
