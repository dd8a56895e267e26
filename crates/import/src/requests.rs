//! The `requests` sheet for request-based SLOs (issue 6): `service, start,
//! end, good, total`, one row per service and interval. Like the event
//! sheets: headers in any order and case, every bad row listed, nothing
//! half-read; naive times are read in the zone the caller names.

use crate::error::{ImportError, RowError};
use crate::sheet::{read_all_sheets, read_csv, Cell, RawSheet};
use crate::{round_to_second, Kind};
use chrono_tz::Tz;
use sla_engine::time::{parse_instant, resolve_local};
use sla_engine::Instant;
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
        kind_order: 0,
        column_order: COLUMNS.iter().position(|c| *c == column).unwrap_or(9),
    }
}

fn instant(c: &Cell, tz: Tz) -> Result<Instant, String> {
    match c {
        Cell::DateTime(n) => {
            resolve_local(tz, round_to_second(*n), &n.to_string()).map_err(|e| e.to_string())
        }
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
    t.parse::<u64>()
        .map_err(|_| format!("`{t}` is not a whole number of requests"))
}

/// Reads a CSV, or a workbook's sheet named `requests`.
pub fn read_requests(path: &str, tz: Tz) -> Result<Vec<RequestRecord>, ImportError> {
    let csv = Path::new(path)
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("csv"));
    let sheet = if csv {
        let mut s = read_csv(path, Kind::Outages)?;
        if let Some(s) = s.as_mut() {
            s.name = "requests".into();
        }
        s
    } else {
        read_all_sheets(path)?
            .into_iter()
            .find(|s| s.name.trim().eq_ignore_ascii_case("requests"))
    };
    let Some(s) = sheet else {
        return Err(ImportError::Workbook {
            path: path.into(),
            message: "no sheet named `requests`".into(),
        });
    };
    let mut errors = Vec::new();
    let index: Vec<Option<usize>> = COLUMNS
        .iter()
        .map(|c| {
            s.header
                .iter()
                .position(|h| h.trim().eq_ignore_ascii_case(c))
        })
        .collect();
    for (c, i) in COLUMNS.iter().zip(&index) {
        if i.is_none() {
            errors.push(err(&s, s.header_row, c, "missing required column"));
        }
    }
    if !errors.is_empty() {
        return Err(ImportError::Rows(errors));
    }
    let mut out = Vec::new();
    for (row, cells) in &s.rows {
        if cells.iter().all(Cell::is_empty) {
            continue;
        }
        let cell = |k: usize| {
            index[k]
                .and_then(|i| cells.get(i))
                .filter(|c| !c.is_empty())
        };
        let mut bad = |col: &str, m: String| errors.push(err(&s, *row, col, m));
        let service = match cell(0) {
            Some(Cell::Invalid(i)) => {
                bad("service", i.reason.clone());
                None
            }
            Some(c) => Some(c.as_text()),
            None => {
                bad("service", "required cell is empty".into());
                None
            }
        };
        let mut get_t = |k: usize| match cell(k) {
            None => {
                errors.push(err(&s, *row, COLUMNS[k], "required cell is empty"));
                None
            }
            Some(c) => instant(c, tz)
                .map_err(|m| errors.push(err(&s, *row, COLUMNS[k], m)))
                .ok(),
        };
        let (start, end) = (get_t(1), get_t(2));
        let mut get_n = |k: usize| match cell(k) {
            None => {
                errors.push(err(&s, *row, COLUMNS[k], "required cell is empty"));
                None
            }
            Some(c) => count(c)
                .map_err(|m| errors.push(err(&s, *row, COLUMNS[k], m)))
                .ok(),
        };
        let (good, total) = (get_n(3), get_n(4));
        if let (Some(a), Some(b)) = (start, end) {
            if b <= a {
                errors.push(err(&s, *row, "end", "end is not after start"));
                continue;
            }
        }
        if let (Some(g), Some(t)) = (good, total) {
            if g > t {
                errors.push(err(
                    &s,
                    *row,
                    "good",
                    format!("good {g} is more than total {t}"),
                ));
                continue;
            }
        }
        if let (Some(service), Some(start), Some(end), Some(good), Some(total)) =
            (service, start, end, good, total)
        {
            out.push(RequestRecord {
                service,
                start,
                end,
                good,
                total,
                sheet: s.name.clone(),
                row: *row,
            });
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        errors.sort_by_key(|e| (e.row, e.column_order));
        Err(ImportError::Rows(errors))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_rows_and_lists_every_bad_one() {
        let dir = std::env::temp_dir().join(format!("sla-req-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let p = dir.join("requests.csv");
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
