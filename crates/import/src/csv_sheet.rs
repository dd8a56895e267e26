//! CSV sheets, read by the `csv` crate behind a guard that bounds each
//! record before the crate buffers it; every limit is checked as a record
//! is read. A CSV is kept whole ([`read_csv`]) or streamed row by row into
//! the checker ([`stream_csv`], issue 15).

use crate::error::ImportError;
use crate::grid::{check_chars, malformed, too_large, Budget};
use crate::limits::{
    column_name, thousands, MAX_CELL_CHARS, MAX_COLUMNS, MAX_CSV_FILE_BYTES, MAX_CSV_RECORD_BYTES,
    MAX_ROWS_PER_SHEET,
};
use crate::sheet::{io_err, open_capped, Cell, RawSheet};
use crate::stream::RowSink;
use crate::Kind;
use std::fmt;
use std::io::{self, BufReader, Read, Seek};

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

/// Each record of a CSV in file order, checked against the limits as it
/// is read: `each(line, record, is_header)`; the first record is the
/// header. The record is the reader's own buffer, reused for the next.
fn each_csv_record<R: Read>(
    path: &str,
    input: R,
    mut each: impl FnMut(u32, &csv::StringRecord, bool) -> Result<(), ImportError>,
) -> Result<(), ImportError> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(CsvGuard::new(input));
    let mut budget = Budget::new(path);
    let mut seen_header = false;
    let mut data_rows = 0usize;
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
        if seen_header && data_rows >= MAX_ROWS_PER_SHEET {
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
        // Charged as if kept, streamed or not: the same file is refused
        // the same way on every path.
        let text: u64 = record.iter().map(|f| Budget::text_cost(f.len())).sum();
        budget.charge(text, || format!("line {line}"))?;
        budget.cells(record.len() as u64, || format!("line {line}"))?;
        budget.rows(1, || format!("line {line}"))?;
        let line = u32::try_from(line).unwrap_or(u32::MAX);
        each(line, &record, !seen_header)?;
        if seen_header {
            data_rows += 1;
        }
        seen_header = true;
    }
    Ok(())
}

fn read_csv_from<R: Read>(path: &str, kind: Kind, input: R) -> Result<RawSheet, ImportError> {
    let mut header: Option<(u32, Vec<String>)> = None;
    let mut rows = Vec::new();
    each_csv_record(path, input, |line, record, is_header| {
        let cells: Vec<String> = record.iter().map(str::to_string).collect();
        if is_header {
            header = Some((line, cells));
        } else {
            rows.push((line, cells.into_iter().map(Cell::Text).collect()));
        }
        Ok(())
    })?;
    let (header_row, header) = header.unwrap_or((1, Vec::new()));
    Ok(RawSheet {
        file: path.into(),
        name: kind.name().into(),
        header_row,
        header,
        rows,
    })
}

/// [`read_csv`] without keeping the rows (issue 15): each row goes to
/// `sink` as it is read, in one reused buffer, so memory follows what the
/// sink keeps, not the file. The same limits, in the same order; `false`
/// when the file holds nothing but whitespace.
pub(crate) fn stream_csv(
    path: &str,
    kind: Kind,
    sink: &mut impl RowSink,
) -> Result<bool, ImportError> {
    let (mut file, _) = open_capped(path, MAX_CSV_FILE_BYTES, "CSV file")?;
    if blank(BufReader::new(&mut file)).map_err(|e| io_err(path, e))? {
        return Ok(false);
    }
    file.rewind().map_err(|e| io_err(path, e))?;
    let mut meta = RawSheet {
        file: path.into(),
        name: kind.name().into(),
        header_row: 1,
        header: Vec::new(),
        rows: Vec::new(),
    };
    let mut buf: Vec<Cell> = Vec::new();
    let input = BufReader::with_capacity(64 * 1024, file);
    each_csv_record(path, input, |line, record, is_header| {
        if is_header {
            meta.header_row = line;
            meta.header = record.iter().map(str::to_string).collect();
            sink.header(&meta);
            return Ok(());
        }
        buf.truncate(record.len());
        for (i, field) in record.iter().enumerate() {
            match buf.get_mut(i) {
                // The cell's allocation is reused from the row before.
                Some(Cell::Text(t)) => {
                    t.clear();
                    t.push_str(field);
                }
                Some(other) => *other = Cell::Text(field.to_string()),
                None => buf.push(Cell::Text(field.to_string())),
            }
        }
        if sink.row(&meta, line, &buf) {
            Ok(())
        } else {
            Err(ImportError::Cancelled {
                path: path.into(),
                rows: u64::from(line.saturating_sub(meta.header_row)),
            })
        }
    })?;
    Ok(true)
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
