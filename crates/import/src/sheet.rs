//! Raw sheets: a header and numbered rows of cells, from CSV or a workbook.
//! Row numbers are those a spreadsheet shows (header = 1).
//!
//! Workbooks are read by this crate's own bounded readers ([`crate::xlsx`],
//! [`crate::ods`], [`crate::xls`]), chosen by the file's contents; CSV by
//! [`crate::csv_sheet`], the `csv` crate behind a guard that bounds each
//! record. Everything is checked
//! against [`crate::limits`] as it is read, before it is kept.

use crate::error::ImportError;
use crate::grid::{malformed, too_large, Budget};
use crate::limits::{thousands, MAX_WORKBOOK_FILE_BYTES};
use crate::stream::BookSink;
use crate::zipguard::Archive;
use crate::Kind;
use chrono::NaiveDateTime;
use std::io::{self, Read};

#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Empty,
    Text(String),
    /// A numeric cell, already written as the shortest decimal that
    /// round-trips to its binary value (0.1 is `0.1`).
    Number(String),
    DateTime(NaiveDateTime),
    /// A value that cannot be used, such as a date outside the years
    /// 1900-2199: an error of its row wherever its column is read.
    Invalid(Box<InvalidCell>),
}

/// What an [`Cell::Invalid`] cell held, and why it cannot be used.
#[derive(Debug, Clone, PartialEq)]
pub struct InvalidCell {
    /// The value as text (a header made of it reads this).
    pub text: String,
    /// The row error's reason.
    pub reason: String,
}

/// `s.trim()`, without walking it when it plainly needs no trimming (an
/// ASCII letter or digit at each end): every cell is trimmed, so this is
/// on every row's path (issue 15).
pub(crate) fn trimmed(s: &str) -> &str {
    let b = s.as_bytes();
    match (b.first(), b.last()) {
        (Some(f), Some(l)) if f.is_ascii_alphanumeric() && l.is_ascii_alphanumeric() => s,
        _ => s.trim(),
    }
}

impl Cell {
    pub fn is_empty(&self) -> bool {
        match self {
            Cell::Empty => true,
            Cell::Text(t) => trimmed(t).is_empty(),
            _ => false,
        }
    }
    pub fn as_text(&self) -> String {
        match self {
            Cell::Empty => String::new(),
            Cell::Text(t) => trimmed(t).to_string(),
            Cell::Number(n) => n.clone(),
            Cell::DateTime(d) => d.format("%Y-%m-%d %H:%M:%S").to_string(),
            Cell::Invalid(i) => i.text.clone(),
        }
    }

    /// [`Cell::as_text`] without a copy where the cell holds the text
    /// already (issue 15: three allocations per outage row were these).
    pub fn text_ref(&self) -> std::borrow::Cow<'_, str> {
        use std::borrow::Cow;
        match self {
            Cell::Empty => Cow::Borrowed(""),
            Cell::Text(t) => Cow::Borrowed(trimmed(t)),
            Cell::Number(n) => Cow::Borrowed(n),
            Cell::DateTime(_) => Cow::Owned(self.as_text()),
            Cell::Invalid(i) => Cow::Borrowed(&i.text),
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

pub(crate) fn io_err(path: &str, source: io::Error) -> ImportError {
    ImportError::Io {
        path: path.into(),
        source,
    }
}

/// Opens `path` and checks its size against `limit` before anything is read.
pub(crate) fn open_capped(
    path: &str,
    limit: u64,
    what: &str,
) -> Result<(std::fs::File, u64), ImportError> {
    let file = std::fs::File::open(path).map_err(|e| io_err(path, e))?;
    let len = file.metadata().map_err(|e| io_err(path, e))?.len();
    if len > limit {
        return Err(too_large(
            path,
            "",
            format!(
                "{} bytes is larger than the {} MiB a {what} may be",
                thousands(len),
                limit >> 20
            ),
            limit,
        ));
    }
    Ok((file, len))
}

pub(crate) use crate::csv_sheet::stream_csv;
/// A CSV record that grew past [`MAX_CSV_RECORD_BYTES`], found by
/// [`CsvGuard`]; carried inside an `io::Error` through the CSV reader.
pub use crate::csv_sheet::{read_csv, read_csv_bytes};

/// The sheets of a workbook found by kind, and warnings about the rest.
pub type WorkbookSheets = (Vec<(Kind, RawSheet)>, Vec<String>);

/// Every sheet of a workbook (xlsx, xls or ods, told apart by its
/// contents), in the workbook's order; `name` is used in messages.
pub fn read_workbook_bytes(name: &str, bytes: &[u8]) -> Result<Vec<RawSheet>, ImportError> {
    if bytes.is_empty() {
        return Err(ImportError::Empty { path: name.into() });
    }
    if bytes.len() as u64 > MAX_WORKBOOK_FILE_BYTES {
        return Err(too_large(
            name,
            "",
            format!(
                "{} bytes is larger than the {} MiB a workbook may be",
                thousands(bytes.len() as u64),
                MAX_WORKBOOK_FILE_BYTES >> 20
            ),
            MAX_WORKBOOK_FILE_BYTES,
        ));
    }
    let mut budget = Budget::new(name);
    if bytes.starts_with(b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1") {
        return crate::xls::read(name, bytes, &mut budget);
    }
    if !bytes.starts_with(b"PK") {
        return Err(malformed(
            name,
            "not an xlsx, xls or ods workbook (neither a zip container nor an OLE compound file)",
        ));
    }
    let zip = Archive::open(name, bytes)?;
    if zip.find("mimetype").is_some()
        || (zip.find("content.xml").is_some() && zip.find("[Content_Types].xml").is_none())
    {
        crate::ods::read(zip, name, &mut budget)
    } else if zip.find("xl/workbook.bin").is_some() {
        Err(malformed(
            name,
            "binary xlsb workbooks are not read: save it as .xlsx",
        ))
    } else {
        crate::xlsx::read(zip, name, &mut budget)
    }
}

/// A workbook file's bytes, refused before reading when it is larger than
/// a workbook may be.
fn workbook_bytes(path: &str) -> Result<Vec<u8>, ImportError> {
    let (mut file, len) = open_capped(path, MAX_WORKBOOK_FILE_BYTES, "workbook")?;
    let mut bytes = Vec::with_capacity(usize::try_from(len).unwrap_or(0));
    file.read_to_end(&mut bytes).map_err(|e| io_err(path, e))?;
    Ok(bytes)
}

/// Every sheet of a workbook, in the workbook's order.
pub fn read_all_sheets(path: &str) -> Result<Vec<RawSheet>, ImportError> {
    let bytes = workbook_bytes(path)?;
    read_workbook_bytes(path, &bytes)
}

/// Every sheet of a workbook, surveyed ([`crate::survey`]): an xlsx
/// workbook's row by row, an ods or xls one read whole.
pub(crate) fn survey_workbook(
    path: &str,
    progress: &std::cell::RefCell<crate::survey::Progress<'_>>,
) -> Result<Vec<crate::survey::Surveyed>, ImportError> {
    let bytes = workbook_bytes(path)?;
    if is_plain_xlsx(path, &bytes) {
        let mut budget = Budget::new(path);
        let zip = Archive::open(path, &bytes)?;
        return crate::xlsx::survey(zip, path, &mut budget, progress);
    }
    Ok(read_workbook_bytes(path, &bytes)?
        .into_iter()
        .map(crate::survey::Surveyed::of)
        .collect())
}

/// A workbook for an import (issue 15): an xlsx workbook's picked sheets
/// stream into `sink` row by row; an ods or xls workbook is read whole and
/// its picked sheets handed over whole. Returns the picking's warnings.
pub(crate) fn stream_workbook(
    path: &str,
    sink: &mut impl BookSink,
) -> Result<Vec<String>, ImportError> {
    let bytes = workbook_bytes(path)?;
    if is_plain_xlsx(path, &bytes) {
        let mut budget = Budget::new(path);
        let zip = Archive::open(path, &bytes)?;
        let by_name = |names: &[&str]| Ok(crate::stream::pick_names(path, names));
        return crate::xlsx::stream(zip, path, &mut budget, sink, &by_name);
    }
    let (found, warnings) = pick_sheets(path, read_workbook_bytes(path, &bytes)?);
    for (kind, sheet) in &found {
        sink.whole(*kind, sheet);
    }
    Ok(warnings)
}

/// An xlsx workbook's sheets named by a column mapping, streamed into
/// `sink` in the mapping's order (each sheet by its exact name, as
/// [`crate::read_mapped`] finds it); `None` for a workbook that is not
/// xlsx (read whole by the caller).
pub(crate) fn stream_workbook_mapped(
    path: &str,
    maps: &[crate::SheetMap],
    sink: &mut impl BookSink,
) -> Result<Option<Vec<String>>, ImportError> {
    let bytes = workbook_bytes(path)?;
    if !is_plain_xlsx(path, &bytes) {
        return Ok(None);
    }
    let by_map = |names: &[&str]| {
        let picks = maps
            .iter()
            .map(|m| {
                names
                    .iter()
                    .position(|n| *n == m.sheet)
                    .map(|i| (m.kind, i))
                    .ok_or_else(|| ImportError::Workbook {
                        path: path.into(),
                        message: format!("no sheet named `{}`", m.sheet),
                    })
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok((picks, Vec::new()))
    };
    let mut budget = Budget::new(path);
    let zip = Archive::open(path, &bytes)?;
    crate::xlsx::stream(zip, path, &mut budget, sink, &by_map).map(Some)
}

/// Whether [`read_workbook_bytes`] would read `bytes` as xlsx (anything
/// else goes that way, and fails or reads there as before).
fn is_plain_xlsx(name: &str, bytes: &[u8]) -> bool {
    !bytes.is_empty()
        && bytes.len() as u64 <= MAX_WORKBOOK_FILE_BYTES
        && bytes.starts_with(b"PK")
        && Archive::open(name, bytes).is_ok_and(|z| {
            z.find("mimetype").is_none()
                && !(z.find("content.xml").is_some() && z.find("[Content_Types].xml").is_none())
                && z.find("xl/workbook.bin").is_none()
        })
}

pub(crate) fn pick_sheets(path: &str, all: Vec<RawSheet>) -> WorkbookSheets {
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
    (out, warnings)
}
