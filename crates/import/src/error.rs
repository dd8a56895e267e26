//! Import errors. A bad sheet never yields half its rows: the caller gets
//! every bad row at once, each as `FILE:SHEET:ROW:COLUMN: reason`.

use std::fmt;
use std::path::PathBuf;
use thiserror::Error;

/// One bad cell (or header) in an event sheet, or one bad value in a JSON
/// export read by a preset: then `sheet` is empty, `row` is 0 and `column`
/// is the value's JSON pointer (`incidents.json:/incidents/3/resolved_at`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowError {
    pub file: String,
    pub sheet: String,
    pub row: u32,
    pub column: String,
    pub reason: String,
    /// Sort keys: sheet kind (outages, maintenance, incidents) and the
    /// column's place in the spec's table.
    pub(crate) kind_order: usize,
    pub(crate) column_order: usize,
}

impl fmt::Display for RowError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.sheet.is_empty() && self.row == 0 {
            return write!(f, "{}:{}: {}", self.file, self.column, self.reason);
        }
        write!(
            f,
            "{}:{}:{}:{}: {}",
            self.file, self.sheet, self.row, self.column, self.reason
        )
    }
}

#[derive(Debug, Error)]
pub enum ImportError {
    #[error("cannot read {path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot read workbook {path}: {message}")]
    Workbook { path: String, message: String },
    #[error("{} bad row(s); nothing was imported\n{}", .0.len(), .0.iter().map(|e| e.to_string()).collect::<Vec<_>>().join("\n"))]
    Rows(Vec<RowError>),
    /// The reader was told to stop (issue 15: a cancel while a large file
    /// is read); nothing was imported.
    #[error("{path}: cancelled after {rows} row(s) read; nothing was imported")]
    Cancelled { path: String, rows: u64 },
    /// The file, or a sheet, part or cell of it, is beyond one of the limits
    /// in [`crate::limits`]. It was refused before its contents were
    /// allocated; nothing was imported.
    #[error("{path}: {}{what}", place(.at))]
    TooLarge {
        /// The file as the user named it.
        path: String,
        /// Where in the file: `sheet outages, cell XFD1048576`, or empty
        /// when the whole file is meant.
        at: String,
        /// What is too large, with the limit, as a sentence.
        what: String,
        /// The limit that was passed (its unit is in `what`).
        limit: u64,
    },
    /// A JSON export that is not JSON (or nests deeper than the parser's
    /// limit): where it stops making sense.
    #[error("{path}: not a JSON document: {message}")]
    Json { path: String, message: String },
    /// A preset that does not exist, or a file that no preset recognises,
    /// or a preset forced on a file of another shape.
    #[error("{path}: {message}")]
    Preset { path: String, message: String },
    /// An iCalendar file that cannot be read as a holiday list.
    #[error("{path}: {message}")]
    Calendar { path: String, message: String },
    /// A file of 0 bytes where a workbook was expected.
    #[error("{path}: empty file (0 bytes)")]
    Empty { path: String },
}

fn place(at: &str) -> String {
    if at.is_empty() {
        String::new()
    } else {
        format!("{at}: ")
    }
}
