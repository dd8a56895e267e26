//! Reads event sheets (spec section 2) into engine rows: CSV files, one per
//! kind, or one workbook (xlsx, xls, ods) with sheets `outages`,
//! `maintenance`, `incidents`. Header names are matched case-insensitively in
//! any order; every bad row is reported; nothing is half-read.
//!
//! Files are untrusted: every reader checks what a file declares and what
//! it holds against [`limits`] before keeping anything, so a hostile file
//! is refused quickly, in bounded memory, with its file, sheet and cell
//! named, and never panics the importer.

mod error;
mod grid;
pub mod limits;
mod mapping;
mod ods;
mod requests;
mod sheet;
mod values;
mod xls;
mod xlsx;
mod zipguard;

pub use error::{ImportError, RowError};
pub use limits::MAX_ROWS_PER_SHEET;
pub use mapping::{inspect, read_mapped, SheetInfo, SheetMap};
pub use requests::{read_requests, RequestRecord};
pub use sheet::{read_csv_bytes, read_workbook_bytes, Cell, InvalidCell, RawSheet};

use chrono::{NaiveDateTime, Timelike};
use chrono_tz::Tz;
use rust_decimal::Decimal;
use sla_engine::events::{incidents_without_opened, normalize_cause, normalize_status};
use sla_engine::num::parse_decimal;
use sla_engine::time::{parse_instant, resolve_local};
use sla_engine::{Events, IncidentRow, Instant, MaintenanceRow, Origin, OutageRow, Terms};
use std::collections::HashSet;
use std::path::Path;

/// The three kinds of event sheet, in the order errors are listed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Outages,
    Maintenance,
    Incidents,
}

impl Kind {
    pub const ALL: [Kind; 3] = [Kind::Outages, Kind::Maintenance, Kind::Incidents];
    pub fn name(self) -> &'static str {
        match self {
            Kind::Outages => "outages",
            Kind::Maintenance => "maintenance",
            Kind::Incidents => "incidents",
        }
    }
    /// Columns as the spec spells and orders them, and whether required.
    pub fn columns(self) -> &'static [(&'static str, bool)] {
        match self {
            Kind::Outages => &[
                ("service", true),
                ("start", true),
                ("end", true),
                ("impact", false),
                ("cause", false),
                ("source", false),
                ("ref", false),
            ],
            Kind::Maintenance => &[
                ("service", true),
                ("start", true),
                ("end", true),
                ("notified_at", false),
            ],
            Kind::Incidents => &[
                ("incident", true),
                ("service", true),
                ("severity", true),
                ("at", true),
                ("status", true),
            ],
        }
    }
    fn order(self) -> usize {
        self as usize
    }
}

/// Where the events come from.
#[derive(Debug, Clone, Default)]
pub struct Sources {
    pub workbook: Option<String>,
    pub outages: Option<String>,
    pub maintenance: Option<String>,
    pub incidents: Option<String>,
}

#[derive(Debug, Clone, Default)]
pub struct Imported {
    pub events: Events,
    pub warnings: Vec<String>,
}

/// Reads every named source, checking each row against `terms` (its time
/// zone for naive instants, its service ids).
pub fn read_events(sources: &Sources, terms: &Terms) -> Result<Imported, ImportError> {
    let mut sheets: Vec<(Kind, RawSheet)> = Vec::new();
    let mut warnings = Vec::new();
    if let Some(book) = &sources.workbook {
        let (found, w) = sheet::read_workbook(book)?;
        sheets.extend(found);
        warnings.extend(w);
    }
    for (kind, path) in [
        (Kind::Outages, &sources.outages),
        (Kind::Maintenance, &sources.maintenance),
        (Kind::Incidents, &sources.incidents),
    ] {
        if let Some(p) = path {
            if let Some(s) = sheet::read_csv(p, kind)? {
                sheets.push((kind, s));
            }
        }
    }
    check_sheets(&sheets, warnings, terms)
}

/// Checks sheets already read and assigned a kind: every row against
/// `terms`, every problem listed.
fn check_sheets(
    sheets: &[(Kind, RawSheet)],
    warnings: Vec<String>,
    terms: &Terms,
) -> Result<Imported, ImportError> {
    let mut ctx = Checker {
        tz: terms.contract.timezone,
        services: terms.services.iter().map(|s| s.id.clone()).collect(),
        errors: Vec::new(),
        warnings,
    };
    let mut events = Events::default();
    for (kind, sheet) in sheets {
        ctx.sheet(*kind, sheet, &mut events);
    }
    // An incident with no `opened` row is an error even if no term uses it.
    for r in incidents_without_opened(&events.incidents) {
        ctx.errors.push(RowError {
            file: r.origin.file.clone(),
            sheet: r.origin.sheet.clone(),
            row: r.origin.row,
            column: "incident".into(),
            reason: format!("incident `{}` has no `opened` row", r.incident),
            kind_order: Kind::Incidents.order(),
            column_order: 0,
        });
    }
    if !ctx.errors.is_empty() {
        ctx.errors.sort_by(|a, b| {
            (a.kind_order, &a.file, &a.sheet, a.row, a.column_order).cmp(&(
                b.kind_order,
                &b.file,
                &b.sheet,
                b.row,
                b.column_order,
            ))
        });
        return Err(ImportError::Rows(ctx.errors));
    }
    Ok(Imported {
        events,
        warnings: ctx.warnings,
    })
}

/// Reads a file by its extension: `.csv` needs to be told its kind.
pub fn read_file(
    path: &str,
    kind_for_csv: Option<Kind>,
    terms: &Terms,
) -> Result<Imported, ImportError> {
    let ext = Path::new(path)
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_lowercase();
    let mut s = Sources::default();
    match (ext.as_str(), kind_for_csv) {
        ("csv", Some(Kind::Outages)) => s.outages = Some(path.into()),
        ("csv", Some(Kind::Maintenance)) => s.maintenance = Some(path.into()),
        ("csv", Some(Kind::Incidents)) => s.incidents = Some(path.into()),
        _ => s.workbook = Some(path.into()),
    }
    read_events(&s, terms)
}

struct Checker {
    tz: Tz,
    services: Vec<String>,
    errors: Vec<RowError>,
    warnings: Vec<String>,
}

/// One data row being read: its cells by spec column.
struct RowCtx<'a> {
    kind: Kind,
    sheet: &'a RawSheet,
    row: u32,
    cells: Vec<Option<&'a Cell>>,
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

    fn sheet(&mut self, kind: Kind, sheet: &RawSheet, events: &mut Events) {
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
        if !header_ok {
            return;
        }
        if sheet.rows.len() > MAX_ROWS_PER_SHEET {
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
            if cells.iter().all(Cell::is_empty) {
                continue;
            }
            let r = RowCtx {
                kind,
                sheet,
                row: *row,
                cells: index.iter().map(|i| i.and_then(|i| cells.get(i))).collect(),
            };
            match kind {
                Kind::Outages => self.outage(&r, events),
                Kind::Maintenance => self.maintenance(&r, events),
                Kind::Incidents => self.incident(&r, events),
            }
        }
    }

    fn cell<'a>(&self, r: &RowCtx<'a>, col: &str) -> Option<&'a Cell> {
        let i = r.kind.columns().iter().position(|(c, _)| *c == col)?;
        r.cells[i].filter(|c| !c.is_empty())
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
            Cell::DateTime(n) => resolve_local(self.tz, round_to_second(*n), &n.to_string()).map_err(|e| e.to_string()),
            Cell::Number(n) => Err(format!("{n} is a number, not a date-time: format the cell as a date-time or write RFC 3339 text")),
            Cell::Invalid(bad) => Err(bad.reason.clone()),
            other => parse_instant(&other.as_text(), self.tz).map_err(|e| e.to_string()),
        };
        parsed
            .map(Some)
            .map_err(|m| self.err(r.kind, r.sheet, r.row, col, m))
    }

    fn origin(r: &RowCtx<'_>) -> Origin {
        Origin {
            file: r.sheet.file.clone(),
            sheet: r.sheet.name.clone(),
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
        let service = self.service(r);
        let start = self.instant(r, "start", true);
        let end = self.instant(r, "end", false);
        let ordered = self.end_after_start(r, start.ok().flatten(), end.ok().flatten());
        let impact = match self.cell(r, "impact") {
            None => Some(Decimal::ONE),
            Some(Cell::Invalid(bad)) => {
                self.err(r.kind, r.sheet, r.row, "impact", bad.reason.clone());
                None
            }
            Some(c) => match parse_decimal(&c.as_text()) {
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
        let cause = normalize_cause(&self.text(r, "cause", false).unwrap_or_default());
        let source = self.text(r, "source", false).unwrap_or_default();
        let reference = self.text(r, "ref", false).unwrap_or_default();
        if let (Some(service), Ok(Some(start)), Ok(end), Some(impact), true) =
            (service, start, end, impact, ordered)
        {
            events.outages.push(OutageRow {
                service,
                start,
                end,
                impact,
                cause,
                source,
                reference,
                origin: Self::origin(r),
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
            events.maintenance.push(MaintenanceRow {
                service,
                start,
                end,
                notified_at,
                origin: Self::origin(r),
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
            events.incidents.push(IncidentRow {
                incident,
                service,
                severity,
                at,
                status,
                origin: Self::origin(r),
            });
        }
    }
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
