//! Raw sheets: a header and numbered rows of cells, from CSV or a workbook.
//! Row numbers are those a spreadsheet shows (header = 1).
//!
//! Workbooks are read by this crate's own bounded readers ([`crate::xlsx`],
//! [`crate::ods`], [`crate::xls`]), chosen by the file's contents; CSV by the
//! `csv` crate behind a guard that bounds each record. Everything is checked
//! against [`crate::limits`] as it is read, before it is kept.

use crate::error::ImportError;
use crate::grid::{check_chars, malformed, too_large, Budget};
use crate::limits::{
    column_name, thousands, MAX_CELL_CHARS, MAX_COLUMNS, MAX_CSV_FILE_BYTES, MAX_CSV_RECORD_BYTES,
    MAX_ROWS_PER_SHEET, MAX_WORKBOOK_FILE_BYTES,
};
use crate::zipguard::Archive;
use crate::Kind;
use chrono::NaiveDateTime;
use std::fmt;
use std::io::{self, BufReader, Read, Seek};

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
            Cell::Invalid(i) => i.text.clone(),
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

fn io_err(path: &str, source: io::Error) -> ImportError {
    ImportError::Io {
        path: path.into(),
        source,
    }
}

/// Opens `path` and checks its size against `limit` before anything is read.
fn open_capped(path: &str, limit: u64, what: &str) -> Result<(std::fs::File, u64), ImportError> {
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

/// A CSV record that grew past [`MAX_CSV_RECORD_BYTES`], found by
/// [`CsvGuard`]; carried inside an `io::Error` through the CSV reader.
#[derive(Debug)]
struct CsvRecordTooLong {
    line: u64,
}

impl fmt::Display for CsvRecordTooLong {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "record at line {} is too long", self.line)
    }
}

impl std::error::Error for CsvRecordTooLong {}

#[derive(Clone, Copy, PartialEq)]
enum CsvLex {
    FieldStart,
    Unquoted,
    Quoted,
    /// A quote inside a quoted field: the field's end or an escaped quote.
    QuoteInQuoted,
}

/// Follows the CSV structure (the `csv` crate's default dialect: `,`, `"`
/// doubled inside quotes, any line end) just enough to know how long the
/// current record is, and fails when it passes [`MAX_CSV_RECORD_BYTES`],
/// before the CSV reader buffers it. Also drops a leading UTF-8 BOM.
struct CsvGuard<R> {
    inner: R,
    started: bool,
    state: CsvLex,
    record: usize,
    line: u64,
    record_line: u64,
}

impl<R: Read> CsvGuard<R> {
    fn new(inner: R) -> CsvGuard<R> {
        CsvGuard {
            inner,
            started: false,
            state: CsvLex::FieldStart,
            record: 0,
            line: 1,
            record_line: 1,
        }
    }

    /// Adds `n` bytes inside the current record.
    fn grow(&mut self, n: usize) -> io::Result<()> {
        self.record = self.record.saturating_add(n);
        if self.record > MAX_CSV_RECORD_BYTES {
            return Err(io::Error::other(CsvRecordTooLong {
                line: self.record_line,
            }));
        }
        Ok(())
    }

    /// One byte that may change the state.
    fn step(&mut self, b: u8) -> io::Result<()> {
        if b == b'\n' {
            self.line += 1;
        }
        let boundary = match (self.state, b) {
            (CsvLex::Quoted, b'"') => {
                self.state = CsvLex::QuoteInQuoted;
                false
            }
            (CsvLex::Quoted, _) => false,
            (CsvLex::QuoteInQuoted, b'"') => {
                self.state = CsvLex::Quoted;
                false
            }
            (_, b'\n' | b'\r') => {
                self.state = CsvLex::FieldStart;
                true
            }
            (_, b',') => {
                self.state = CsvLex::FieldStart;
                false
            }
            (CsvLex::FieldStart, b'"') => {
                self.state = CsvLex::Quoted;
                false
            }
            _ => {
                self.state = CsvLex::Unquoted;
                false
            }
        };
        if boundary {
            self.record = 0;
            self.record_line = self.line;
            Ok(())
        } else {
            self.grow(1)
        }
    }

    fn scan(&mut self, data: &[u8]) -> io::Result<()> {
        let mut i = 0;
        while let Some(rest) = data.get(i..).filter(|r| !r.is_empty()) {
            // Runs that cannot end a record or open a quoted field are
            // skipped whole: outside quotes only a line end or a quote
            // matters (a comma just starts the next field), inside them
            // only a quote.
            let run = match self.state {
                CsvLex::FieldStart | CsvLex::Unquoted => memchr::memchr3(b'\n', b'\r', b'"', rest),
                CsvLex::Quoted => memchr::memchr(b'"', rest),
                CsvLex::QuoteInQuoted => Some(0),
            };
            let k = run.unwrap_or(rest.len());
            let span = rest.get(..k).unwrap_or_default();
            match self.state {
                CsvLex::Quoted => {
                    self.line += memchr::memchr_iter(b'\n', span).count() as u64;
                }
                _ => {
                    // A quote opens a field only right after a comma (or
                    // at the start of a record).
                    if let Some(&last) = span.last() {
                        self.state = if last == b',' {
                            CsvLex::FieldStart
                        } else {
                            CsvLex::Unquoted
                        };
                    }
                }
            }
            self.grow(k)?;
            i += k;
            if let Some(&b) = data.get(i) {
                self.step(b)?;
                i += 1;
            }
        }
        Ok(())
    }
}

impl<R: Read> Read for CsvGuard<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let mut n = self.inner.read(buf)?;
        if !self.started && n > 0 {
            self.started = true;
            // Only a BOM wholly in the first read is dropped: a reader hands
            // out at least a few bytes at a time.
            if buf.get(..n).is_some_and(|b| b.starts_with(b"\xEF\xBB\xBF")) {
                buf.copy_within(3..n, 0);
                n -= 3;
            }
        }
        self.scan(buf.get(..n).unwrap_or_default())?;
        Ok(n)
    }
}

/// Whether everything after an optional BOM is ASCII whitespace (such a
/// CSV holds no events).
fn blank<R: Read>(mut r: R) -> io::Result<bool> {
    let mut buf = vec![0u8; 64 * 1024];
    let mut first = true;
    loop {
        let n = r.read(&mut buf)?;
        if n == 0 {
            return Ok(true);
        }
        let mut chunk = buf.get(..n).unwrap_or_default();
        if first {
            first = false;
            chunk = chunk.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(chunk);
        }
        if !chunk.iter().all(u8::is_ascii_whitespace) {
            return Ok(false);
        }
    }
}

fn read_csv_from<R: Read>(path: &str, kind: Kind, input: R) -> Result<RawSheet, ImportError> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(CsvGuard::new(input));
    let mut budget = Budget::new(path);
    let mut header: Option<(u32, Vec<String>)> = None;
    let mut rows = Vec::new();
    let mut record = csv::StringRecord::new();
    loop {
        match reader.read_record(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => {
                if let csv::ErrorKind::Io(io) = e.kind() {
                    if let Some(t) = io
                        .get_ref()
                        .and_then(|x| x.downcast_ref::<CsvRecordTooLong>())
                    {
                        return Err(too_large(
                            path,
                            format!("line {}", t.line),
                            format!(
                                "the record is longer than the {} bytes a CSV record may have",
                                thousands(MAX_CSV_RECORD_BYTES as u64)
                            ),
                            MAX_CSV_RECORD_BYTES as u64,
                        ));
                    }
                }
                return Err(malformed(path, format!("not readable as CSV: {e}")));
            }
        }
        let line = record.position().map_or(0, |p| p.line());
        let at = |col: usize| format!("line {line}, column {}", column_name(col as u64 + 1));
        if record.len() as u64 > MAX_COLUMNS {
            return Err(too_large(
                path,
                format!("line {line}"),
                format!(
                    "{} fields is more than the {} columns a sheet may have",
                    thousands(record.len() as u64),
                    thousands(MAX_COLUMNS)
                ),
                MAX_COLUMNS,
            ));
        }
        if header.is_some() && rows.len() >= MAX_ROWS_PER_SHEET {
            return Err(too_large(
                path,
                format!("line {line}"),
                format!(
                    "more than the {} data rows a sheet may have",
                    thousands(MAX_ROWS_PER_SHEET as u64)
                ),
                MAX_ROWS_PER_SHEET as u64,
            ));
        }
        if record.as_slice().len() > MAX_CELL_CHARS {
            for (i, field) in record.iter().enumerate() {
                check_chars(path, || at(i), field)?;
            }
        }
        // Charged before it is kept.
        let text: u64 = record.iter().map(|f| Budget::text_cost(f.len())).sum();
        budget.charge(text, || format!("line {line}"))?;
        budget.cells(record.len() as u64, || format!("line {line}"))?;
        budget.rows(1, || format!("line {line}"))?;
        let cells: Vec<String> = record.iter().map(str::to_string).collect();
        let line = u32::try_from(line).unwrap_or(u32::MAX);
        match header {
            None => header = Some((line, cells)),
            Some(_) => rows.push((line, cells.into_iter().map(Cell::Text).collect())),
        }
    }
    let (header_row, header) = header.unwrap_or((1, Vec::new()));
    Ok(RawSheet {
        file: path.into(),
        name: kind.name().into(),
        header_row,
        header,
        rows,
    })
}

/// A CSV file of one kind; `None` when it holds nothing but whitespace
/// (no events of that kind). Records, fields and rows are bounded.
pub fn read_csv(path: &str, kind: Kind) -> Result<Option<RawSheet>, ImportError> {
    let (mut file, _) = open_capped(path, MAX_CSV_FILE_BYTES, "CSV file")?;
    if blank(BufReader::new(&mut file)).map_err(|e| io_err(path, e))? {
        return Ok(None);
    }
    file.rewind().map_err(|e| io_err(path, e))?;
    read_csv_from(path, kind, BufReader::with_capacity(64 * 1024, file)).map(Some)
}

/// [`read_csv`] on bytes already in memory (`name` is used in messages).
pub fn read_csv_bytes(
    name: &str,
    kind: Kind,
    bytes: &[u8],
) -> Result<Option<RawSheet>, ImportError> {
    if bytes.len() as u64 > MAX_CSV_FILE_BYTES {
        return Err(too_large(
            name,
            "",
            format!(
                "{} bytes is larger than the {} MiB a CSV file may be",
                thousands(bytes.len() as u64),
                MAX_CSV_FILE_BYTES >> 20
            ),
            MAX_CSV_FILE_BYTES,
        ));
    }
    if blank(bytes).map_err(|e| io_err(name, e))? {
        return Ok(None);
    }
    read_csv_from(name, kind, bytes).map(Some)
}

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

/// Every sheet of a workbook, in the workbook's order.
pub fn read_all_sheets(path: &str) -> Result<Vec<RawSheet>, ImportError> {
    let (mut file, len) = open_capped(path, MAX_WORKBOOK_FILE_BYTES, "workbook")?;
    let mut bytes = Vec::with_capacity(usize::try_from(len).unwrap_or(0));
    file.read_to_end(&mut bytes).map_err(|e| io_err(path, e))?;
    read_workbook_bytes(path, &bytes)
}

pub fn read_workbook(path: &str) -> Result<WorkbookSheets, ImportError> {
    let all = read_all_sheets(path)?;
    Ok(pick_sheets(path, all))
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

#[cfg(test)]
mod tests {
    use super::*;

    fn guard(chunks: &[&[u8]]) -> Result<(), u64> {
        let mut g = CsvGuard::new(io::empty());
        for c in chunks {
            if let Err(e) = g.scan(c) {
                let line = e
                    .into_inner()
                    .and_then(|x| x.downcast::<CsvRecordTooLong>().ok())
                    .map_or(0, |t| t.line);
                return Err(line);
            }
        }
        Ok(())
    }

    #[test]
    fn the_record_guard_follows_quotes_across_reads() {
        let line = [vec![b'a'; 1000], b"\n".to_vec()].concat();
        let many: Vec<u8> = line.iter().copied().cycle().take(3 << 20).collect();
        assert_eq!(guard(&[&many]), Ok(()));
        // A quoted field with line breaks is one record, however it is
        // split into reads; the error names the line it starts on.
        let quoted = [b"x\ny\n\"".to_vec(), many.clone(), b"\"\n".to_vec()].concat();
        assert_eq!(guard(&[&quoted]), Err(3));
        let (a, b) = quoted.split_at(5);
        assert_eq!(guard(&[a, b]), Err(3));
        // Doubled quotes stay inside; a stray quote mid-field is text.
        let escaped = [b"\"a\"\"".to_vec(), many.clone()].concat();
        assert_eq!(guard(&[&escaped]), Err(1));
        let stray = [b"ab\"c".to_vec(), many].concat();
        assert_eq!(guard(&[&stray]), Ok(()));
    }

    #[test]
    fn csv_fields_rows_and_the_bom() {
        let s = read_csv_bytes(
            "x.csv",
            Kind::Outages,
            b"\xEF\xBB\xBFservice,start\na,\"b\nc\"\n\n d ,\n",
        )
        .unwrap()
        .unwrap();
        assert_eq!(s.header, ["service", "start"]);
        assert_eq!(s.header_row, 1);
        assert_eq!(
            s.rows,
            vec![
                (2, vec![Cell::Text("a".into()), Cell::Text("b\nc".into())]),
                // The csv crate's position: taken before the blank line
                // is skipped.
                (4, vec![Cell::Text(" d ".into()), Cell::Text(String::new())]),
            ]
        );
        // Row numbers are the csv crate's record positions, as before the
        // guard (with CRLF line ends that crate counts a record's line
        // before its LF is read: one less).
        let crlf = b"service,start\r\na,b\r\n";
        let s = read_csv_bytes("x.csv", Kind::Outages, crlf)
            .unwrap()
            .unwrap();
        let theirs: Vec<u64> = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(&crlf[..])
            .records()
            .map(|r| r.unwrap().position().unwrap().line())
            .collect();
        assert_eq!(theirs, [1, 1]);
        assert_eq!((s.header_row, s.rows[0].0), (1, 1));
    }
}
