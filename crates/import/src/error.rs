//! Import errors. A bad sheet never yields half its rows: the caller gets
//! every bad row at once, each as `FILE:SHEET:ROW:COLUMN: reason`.

use std::fmt;
use std::path::PathBuf;
use thiserror::Error;

/// One bad cell (or header) in an event sheet.
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
