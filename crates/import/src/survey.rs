//! What a file holds, without keeping it (issue 15): each sheet's name,
//! header and row count, as reading it whole lays them out, for the
//! import screen's "Read sheets". A CSV and an xlsx workbook's sheets are
//! read row by row and only their header kept; an ods or xls workbook is
//! read whole as before (an xls sheet holds at most 65,536 rows).

use crate::csv_sheet::stream_csv;
use crate::error::ImportError;
use crate::grid::{check_chars, text_of, Budget};
use crate::mapping::csv_sheet_name;
use crate::sheet::{Cell, RawSheet};
use crate::stream::{where_, CellTarget, RowSink};
use crate::{Kind, ROWS_PER_CHECK};
use std::cell::RefCell;

/// A sheet as found: name, header (padded to the widest row), and the
/// rows after the header up to the last one that holds anything.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Surveyed {
    pub(crate) name: String,
    pub(crate) header: Vec<String>,
    pub(crate) rows: usize,
}

impl Surveyed {
    pub(crate) fn of(sheet: RawSheet) -> Surveyed {
        Surveyed {
            rows: sheet.rows.len(),
            name: sheet.name,
            header: sheet.header,
        }
    }
}

/// Cells to a [`Surveyed`] sheet, checked and charged as
/// [`crate::grid::SheetBuilder`] checks and charges them, keeping only the
/// header row's: the header is the lowest-numbered row that holds
/// anything, whatever order the file writes its rows in.
/// Every [`ROWS_PER_CHECK`] rows (the file's, counted across sheets) it
/// asks `go_on` whether to go on, as an import's reading does.
pub(crate) struct SheetSurvey<'p, 'g> {
    name: String,
    header_row: Option<u32>,
    header: Vec<Cell>,
    last_row: u32,
    max_col: Option<u32>,
    /// The row of the last cell, to count rows as they begin.
    current: Option<u32>,
    progress: &'p RefCell<Progress<'g>>,
}

/// Rows surveyed so far in a file, and whom to ask whether to go on.
pub(crate) struct Progress<'g> {
    pub(crate) rows: u64,
    go_on: &'g mut dyn FnMut(u64) -> bool,
}

impl Progress<'_> {
    /// One more row: `false` when the caller says stop.
    fn row(&mut self) -> bool {
        self.rows += 1;
        !self.rows.is_multiple_of(ROWS_PER_CHECK) || (self.go_on)(self.rows)
    }

    fn cancelled(&self, path: &str) -> ImportError {
        ImportError::Cancelled {
            path: path.into(),
            rows: self.rows,
        }
    }
}

impl<'p, 'g> SheetSurvey<'p, 'g> {
    pub(crate) fn new(name: &str, progress: &'p RefCell<Progress<'g>>) -> SheetSurvey<'p, 'g> {
        SheetSurvey {
            name: name.to_string(),
            header_row: None,
            header: Vec::new(),
            last_row: 0,
            max_col: None,
            current: None,
            progress,
        }
    }

    pub(crate) fn finish(self) -> Surveyed {
        let width = self.max_col.map_or(0, |c| c as usize + 1);
        Surveyed {
            header: (0..width)
                .map(|i| self.header.get(i).map(Cell::as_text).unwrap_or_default())
                .collect(),
            rows: self
                .header_row
                .map_or(0, |h| self.last_row.saturating_sub(h) as usize),
            name: self.name,
        }
    }
}

impl CellTarget for SheetSurvey<'_, '_> {
    fn put(
        &mut self,
        budget: &mut Budget,
        row: u32,
        col: u32,
        cell: Cell,
    ) -> Result<(), ImportError> {
        if matches!(cell, Cell::Empty) {
            return Ok(());
        }
        if self.current != Some(row) {
            self.current = Some(row);
            let mut p = self.progress.borrow_mut();
            if !p.row() {
                return Err(p.cancelled(budget.path()));
            }
        }
        let at = || where_(&self.name, row, col);
        check_chars(budget.path(), at, text_of(&cell))?;
        budget.text(text_of(&cell).len(), at)?;
        if self.header_row.is_none_or(|h| row < h) {
            self.header_row = Some(row);
            self.header.clear();
        }
        if self.header_row == Some(row) {
            let i = col as usize;
            if i >= self.header.len() {
                self.header.resize(i + 1, Cell::Empty);
            }
            if let Some(slot) = self.header.get_mut(i) {
                *slot = cell;
            }
        }
        self.last_row = self.last_row.max(row);
        self.max_col = Some(self.max_col.map_or(col, |m| m.max(col)));
        Ok(())
    }
}

/// A CSV file's header and row count, read row by row.
struct CsvSurvey<'g> {
    header: Vec<String>,
    rows: usize,
    progress: Progress<'g>,
}

impl RowSink for CsvSurvey<'_> {
    fn header(&mut self, sheet: &RawSheet) {
        self.header = sheet.header.clone();
    }
    fn row(&mut self, _: &RawSheet, _: u32, _: &[Cell]) -> bool {
        self.rows += 1;
        self.progress.row()
    }
}

/// Every sheet of the file at `path`, as [`Surveyed`]; `go_on` is asked
/// every [`ROWS_PER_CHECK`] rows whether to go on (`false`: the survey
/// stops with [`ImportError::Cancelled`]).
pub(crate) fn survey(
    path: &str,
    go_on: &mut dyn FnMut(u64) -> bool,
) -> Result<Vec<Surveyed>, ImportError> {
    let progress = Progress { rows: 0, go_on };
    if crate::mapping::is_csv(path) {
        let mut s = CsvSurvey {
            header: Vec::new(),
            rows: 0,
            progress,
        };
        stream_csv(path, Kind::Outages, &mut s)?;
        return Ok(vec![Surveyed {
            name: csv_sheet_name(path),
            header: s.header,
            rows: s.rows,
        }]);
    }
    crate::sheet::survey_workbook(path, &RefCell::new(progress))
}
