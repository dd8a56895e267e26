//! The `requests` sheet for request-based SLOs (issue 6): `service, start,
//! end, good, total`, one row per service and interval. Like the event
//! sheets: headers in any order and case, every bad row listed, nothing
//! half-read; naive times are read in the zone the caller names.

use crate::error::{ImportError, RowError};
use crate::sheet::{read_all_sheets, read_csv, Cell, RawSheet};
use crate::Kind;
use chrono_tz::Tz;
use sla_engine::events::RequestRow;
use sla_engine::time::parse_instant;
use sla_engine::{Instant, Origin};
use std::path::Path;

#[derive(Debug, Clone, PartialEq)]
pub struct RequestRecord {
    pub service: String,
    pub start: Instant,
    pub end: Instant,
    pub good: u64,
    pub total: u64,
    pub sheet: String,
    pub row: u32,
}

const COLUMNS: [&str; 5] = ["service", "start", "end", "good", "total"];

fn err(s: &RawSheet, row: u32, column: &str, reason: impl Into<String>) -> RowError {
    RowError {
        file: s.file.clone(),
        sheet: s.name.clone(),
        row,
        column: column.into(),
        reason: reason.into(),
        // After the three event sheets when read with them.
        kind_order: 3,
        column_order: COLUMNS.iter().position(|c| *c == column).unwrap_or(9),
    }
}

fn instant(c: &Cell, tz: Tz) -> Result<Instant, String> {
    match c {
        Cell::DateTime(n) => crate::cell_instant(tz, n),
        Cell::Number(n) => Err(format!("{n} is a number, not a date-time")),
        Cell::Invalid(bad) => Err(bad.reason.clone()),
        other => parse_instant(&other.as_text(), tz).map_err(|e| e.to_string()),
    }
}

fn count(c: &Cell) -> Result<u64, String> {
    if let Cell::Invalid(bad) = c {
        return Err(bad.reason.clone());
    }
    let t = c.as_text();
    let n = t
        .parse::<u64>()
        .map_err(|_| format!("`{t}` is not a whole number of requests"))?;
    // A library stores counts as SQL integers (signed 64-bit).
    if n > i64::MAX as u64 {
        return Err(format!(
            "{n} requests is more than {} a row may count",
            i64::MAX
        ));
    }
    Ok(n)
}

/// Reads a CSV, or a workbook's sheet named `requests`.
pub fn read_requests(path: &str, tz: Tz) -> Result<Vec<RequestRecord>, ImportError> {
    let s = requests_sheet(path)?;
    let mut errors = Vec::new();
    let out = records(&s, tz, &mut errors);
    if errors.is_empty() {
        Ok(out)
    } else {
        errors.sort_by_key(|e| (e.row, e.column_order));
        Err(ImportError::Rows(errors))
    }
}

/// The records of a `requests` sheet already read; every problem (a
/// missing column, a bad cell) is added to `errors`.
pub(crate) fn records(s: &RawSheet, tz: Tz, errors: &mut Vec<RowError>) -> Vec<RequestRecord> {
    let index = match columns(s) {
        Ok(i) => i,
        Err(ImportError::Rows(mut e)) => {
            errors.append(&mut e);
            return Vec::new();
        }
        Err(_) => return Vec::new(),
    };
    let mut out = Vec::new();
    for (row, cells) in &s.rows {
        if cells.iter().all(Cell::is_empty) {
            continue;
        }
        if let Some(r) = record(s, *row, cells, &index, tz, errors) {
            out.push(r);
        }
    }
    out
}

impl crate::Checker {
    /// A `requests` sheet read with the event sheets (terms v2 section 8):
    /// its rows as the engine takes them, each service checked against the
    /// terms as the other sheets' are.
    pub(crate) fn requests(&mut self, s: &RawSheet) -> Vec<RequestRow> {
        let mut out = Vec::new();
        for r in records(s, self.tz, &mut self.errors) {
            if !self.services.contains(&r.service) {
                let m = format!(
                    "unknown service `{}` (the terms name {})",
                    r.service,
                    self.services
                        .iter()
                        .map(|s| format!("`{s}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                );
                self.errors.push(err(s, r.row, "service", m));
                continue;
            }
            out.push(RequestRow {
                service: r.service,
                start: r.start,
                end: r.end,
                good: r.good,
                total: r.total,
                origin: Origin {
                    file: s.file.as_str().into(),
                    sheet: s.name.as_str().into(),
                    row: r.row,
                },
            });
        }
        out
    }
}

/// The CSV (as sheet `requests`), or the workbook's sheet of that name.
fn requests_sheet(path: &str) -> Result<RawSheet, ImportError> {
    let csv = Path::new(path)
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("csv"));
    let sheet = if csv {
        read_csv(path, Kind::Requests)?
    } else {
        read_all_sheets(path)?
            .into_iter()
            .find(|s| s.name.trim().eq_ignore_ascii_case("requests"))
    };
    sheet.ok_or_else(|| ImportError::Workbook {
        path: path.into(),
        message: "no sheet named `requests`".into(),
    })
}

/// Where each of [`COLUMNS`] is in the header; every missing one is an
/// error.
fn columns(s: &RawSheet) -> Result<[usize; 5], ImportError> {
    let index = COLUMNS.map(|c| {
        s.header
            .iter()
            .position(|h| h.trim().eq_ignore_ascii_case(c))
    });
    let errors: Vec<RowError> = COLUMNS
        .iter()
        .zip(&index)
        .filter(|(_, i)| i.is_none())
        .map(|(c, _)| err(s, s.header_row, c, "missing required column"))
        .collect();
    if !errors.is_empty() {
        return Err(ImportError::Rows(errors));
    }
    Ok(index.map(|i| i.unwrap_or_default()))
}

/// One row as a record, or `None` with its problems added to `errors`.
fn record(
    s: &RawSheet,
    row: u32,
    cells: &[Cell],
    index: &[usize; 5],
    tz: Tz,
    errors: &mut Vec<RowError>,
) -> Option<RequestRecord> {
    let mut r = Row {
        s,
        row,
        cells,
        index,
        errors,
    };
    let service = r.required(0, |c| match c {
        Cell::Invalid(i) => Err(i.reason.clone()),
        c => Ok(c.as_text()),
    });
    let (start, end) = (
        r.required(1, |c| instant(c, tz)),
        r.required(2, |c| instant(c, tz)),
    );
    let (good, total) = (r.required(3, count), r.required(4, count));
    if let (Some(a), Some(b)) = (start, end) {
        if b <= a {
            r.errors.push(err(s, row, "end", "end is not after start"));
            return None;
        }
    }
    if let (Some(g), Some(t)) = (good, total) {
        if g > t {
            let m = format!("good {g} is more than total {t}");
            r.errors.push(err(s, row, "good", m));
            return None;
        }
    }
    Some(RequestRecord {
        service: service?,
        start: start?,
        end: end?,
        good: good?,
        total: total?,
        sheet: s.name.clone(),
        row,
    })
}

/// A row being read, and where its problems go.
struct Row<'a> {
    s: &'a RawSheet,
    row: u32,
    cells: &'a [Cell],
    index: &'a [usize; 5],
    errors: &'a mut Vec<RowError>,
}

impl Row<'_> {
    /// Column `k` of [`COLUMNS`] read by `parse`; an empty cell or one
    /// `parse` refuses is an error.
    fn required<T>(
        &mut self,
        k: usize,
        parse: impl FnOnce(&Cell) -> Result<T, String>,
    ) -> Option<T> {
        match self.cells.get(self.index[k]).filter(|c| !c.is_empty()) {
            None => {
                let e = err(self.s, self.row, COLUMNS[k], "required cell is empty");
                self.errors.push(e);
                None
            }
            Some(c) => parse(c)
                .map_err(|m| self.errors.push(err(self.s, self.row, COLUMNS[k], m)))
                .ok(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_rows_and_lists_every_bad_one() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("requests.csv");
        std::fs::write(
            &p,
            "Service,Start,End,Good,Total\napi,2026-11-01 00:00:00,2026-11-01 01:00:00,990,1000\napi,2026-11-01T01:00:00Z,2026-11-01T00:00:00Z,5,4\n,x,2026-11-01T02:00:00Z,-1,10\n",
        )
        .unwrap();
        let path = p.display().to_string();
        let e = read_requests(&path, chrono_tz::Europe::London).unwrap_err();
        let ImportError::Rows(rows) = e else { panic!() };
        let got: Vec<String> = rows
            .iter()
            .map(|r| r.to_string().replace(&path, "F"))
            .collect();
        assert_eq!(
            got,
            vec![
                "F:requests:3:end: end is not after start",
                "F:requests:4:service: required cell is empty",
                "F:requests:4:start: `x` is not a date-time (write RFC 3339 like 2026-10-03T14:05:00Z, or YYYY-MM-DD HH:MM[:SS] in the contract's time zone)",
                "F:requests:4:good: `-1` is not a whole number of requests",
            ]
        );
        std::fs::write(
            &p,
            "service,start,end,good,total\napi,2026-11-01 00:00:00,2026-11-01 01:00:00,990,1000\n",
        )
        .unwrap();
        let r = read_requests(&path, chrono_tz::Europe::London).unwrap();
        // London is on GMT in November: naive = UTC.
        assert_eq!(
            (r[0].start, r[0].good, r[0].total),
            (1_793_491_200, 990, 1000)
        );
    }
}
