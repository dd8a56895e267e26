//! Raw sheets: a header and numbered rows of cells, from CSV or a workbook.
//! Row numbers are those a spreadsheet shows (header = 1).

use crate::error::ImportError;
use crate::Kind;
use calamine::{open_workbook_auto, Data, Reader};
use chrono::NaiveDateTime;

#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Empty,
    Text(String),
    /// A numeric cell, already written as the shortest decimal that
    /// round-trips to its binary value (0.1 is `0.1`).
    Number(String),
    DateTime(NaiveDateTime),
}

impl Cell {
    pub fn is_empty(&self) -> bool {
        match self {
            Cell::Empty => true,
            Cell::Text(t) => t.trim().is_empty(),
            _ => false,
        }
    }
    pub fn as_text(&self) -> String {
        match self {
            Cell::Empty => String::new(),
            Cell::Text(t) => t.trim().to_string(),
            Cell::Number(n) => n.clone(),
            Cell::DateTime(d) => d.format("%Y-%m-%d %H:%M:%S").to_string(),
        }
    }
}

#[derive(Debug, Clone)]
pub struct RawSheet {
    /// The path as the user gave it.
    pub file: String,
    /// The sheet's own name in a workbook; the kind for a CSV.
    pub name: String,
    pub header_row: u32,
    pub header: Vec<String>,
    pub rows: Vec<(u32, Vec<Cell>)>,
}

fn float_text(f: f64) -> String {
    // Rust's Display for f64 is the shortest string that round-trips, and it
    // never uses exponent notation.
    format!("{f}")
}

pub fn read_csv(path: &str, kind: Kind) -> Result<Option<RawSheet>, ImportError> {
    let bytes = std::fs::read(path).map_err(|source| ImportError::Io {
        path: path.into(),
        source,
    })?;
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Ok(None);
    }
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(bytes);
    let mut header: Option<(u32, Vec<String>)> = None;
    let mut rows = Vec::new();
    for rec in reader.records() {
        let rec = rec.map_err(|e| ImportError::Workbook {
            path: path.into(),
            message: format!("not readable as CSV: {e}"),
        })?;
        let line = rec.position().map_or(0, |p| p.line()) as u32;
        let cells: Vec<String> = rec.iter().map(str::to_string).collect();
        match header {
            None => header = Some((line, cells)),
            Some(_) => rows.push((line, cells.into_iter().map(Cell::Text).collect())),
        }
    }
    let (header_row, header) = header.unwrap_or((1, Vec::new()));
    Ok(Some(RawSheet {
        file: path.into(),
        name: kind.name().into(),
        header_row,
        header,
        rows,
    }))
}

/// The sheets of a workbook found by kind, and warnings about the rest.
pub type WorkbookSheets = (Vec<(Kind, RawSheet)>, Vec<String>);

/// Every sheet of a workbook, in the workbook's order.
pub fn read_all_sheets(path: &str) -> Result<Vec<RawSheet>, ImportError> {
    if let Err(source) = std::fs::metadata(path) {
        return Err(ImportError::Io {
            path: path.into(),
            source,
        });
    }
    let mut book = open_workbook_auto(path).map_err(|e| ImportError::Workbook {
        path: path.into(),
        message: e.to_string(),
    })?;
    let mut out = Vec::new();
    for name in book.sheet_names() {
        let range = book
            .worksheet_range(&name)
            .map_err(|e| ImportError::Workbook {
                path: path.into(),
                message: format!("sheet `{name}`: {e}"),
            })?;
        out.push(range_to_sheet(path, &name, &range));
    }
    Ok(out)
}

pub fn read_workbook(path: &str) -> Result<WorkbookSheets, ImportError> {
    let all = read_all_sheets(path)?;
    let mut out = Vec::new();
    let mut warnings = Vec::new();
    for kind in Kind::ALL {
        let mut matching = all
            .iter()
            .filter(|s| s.name.trim().eq_ignore_ascii_case(kind.name()));
        let Some(first) = matching.next() else {
            continue;
        };
        if matching.next().is_some() {
            warnings.push(format!(
                "{path}: several sheets are named `{}`; only `{}` is read",
                kind.name(),
                first.name
            ));
        }
        out.push((kind, first.clone()));
    }
    if out.is_empty() {
        warnings.push(format!(
            "{path}: no sheet named outages, maintenance or incidents; no events read"
        ));
    }
    Ok((out, warnings))
}

fn range_to_sheet(path: &str, name: &str, range: &calamine::Range<Data>) -> RawSheet {
    let (row0, col0) = range.start().unwrap_or((0, 0));
    let mut header = None;
    let mut rows = Vec::new();
    for (i, r) in range.rows().enumerate() {
        let number = row0 + i as u32 + 1;
        let mut cells: Vec<Cell> = vec![Cell::Empty; col0 as usize];
        cells.extend(r.iter().map(|d| match d {
            Data::Empty => Cell::Empty,
            Data::String(s) => Cell::Text(s.clone()),
            Data::Float(f) => Cell::Number(float_text(*f)),
            Data::Int(n) => Cell::Number(n.to_string()),
            Data::Bool(b) => Cell::Text(b.to_string()),
            Data::DateTime(dt) => match dt.as_datetime() {
                Some(n) if dt.is_datetime() => Cell::DateTime(n),
                _ => Cell::Number(float_text(dt.as_f64())),
            },
            // ODS date cells: a naive ISO date-time, rounded to the
            // second like any spreadsheet date-time cell.
            Data::DateTimeIso(s) => {
                match NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S%.f") {
                    Ok(n) => Cell::DateTime(n),
                    Err(_) => Cell::Text(s.replace('T', " ")),
                }
            }
            Data::DurationIso(s) => Cell::Text(s.clone()),
            Data::Error(e) => Cell::Text(format!("#{e:?}")),
        }));
        match header {
            None => header = Some((number, cells.iter().map(Cell::as_text).collect::<Vec<_>>())),
            Some(_) => rows.push((number, cells)),
        }
    }
    let (header_row, header) = header.unwrap_or((1, Vec::new()));
    RawSheet {
        file: path.into(),
        name: name.to_string(),
        header_row,
        header,
        rows,
    }
}
