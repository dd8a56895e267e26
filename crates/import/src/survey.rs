//! What a file holds, without keeping it (issue 15): each sheet's name,
//! header and row count, as reading it whole lays them out, for the
//! import screen's "Read sheets". A CSV and an xlsx workbook's sheets are
//! read row by row and only their header kept; an ods or xls workbook is
//! read whole as before (an xls sheet holds at most 65,536 rows).

use crate::csv_sheet::stream_csv;
use crate::error::ImportError;
use crate::grid::{check_chars, text_of, Budget};
use crate::limits::cell_ref;
use crate::mapping::csv_sheet_name;
use crate::sheet::{Cell, RawSheet};
use crate::stream::{CellTarget, RowSink};
use crate::Kind;

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
pub(crate) struct SheetSurvey {
    name: String,
    header_row: Option<u32>,
    header: Vec<Cell>,
    last_row: u32,
    max_col: Option<u32>,
}

impl SheetSurvey {
    pub(crate) fn new(name: &str) -> SheetSurvey {
        SheetSurvey {
            name: name.to_string(),
            header_row: None,
            header: Vec::new(),
            last_row: 0,
            max_col: None,
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

impl CellTarget for SheetSurvey {
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
        let at = || {
            format!(
                "sheet {}, cell {}",
                self.name,
                cell_ref(u64::from(row) + 1, u64::from(col) + 1)
            )
        };
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
#[derive(Default)]
struct CsvSurvey {
    header: Vec<String>,
    rows: usize,
}

impl RowSink for CsvSurvey {
    fn header(&mut self, sheet: &RawSheet) {
        self.header = sheet.header.clone();
    }
    fn row(&mut self, _: &RawSheet, _: u32, _: &[Cell]) -> bool {
        self.rows += 1;
        true
    }
}

/// Every sheet of the file at `path`, as [`Surveyed`].
pub(crate) fn survey(path: &str) -> Result<Vec<Surveyed>, ImportError> {
    if crate::mapping::is_csv(path) {
        let mut s = CsvSurvey::default();
        stream_csv(path, Kind::Outages, &mut s)?;
        return Ok(vec![Surveyed {
            name: csv_sheet_name(path),
            header: s.header,
            rows: s.rows,
        }]);
    }
    crate::sheet::survey_workbook(path)
}
