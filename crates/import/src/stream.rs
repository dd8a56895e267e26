//! Sheets handed over row by row instead of kept whole (issue 15).
//!
//! A reader puts positioned cells into a [`CellTarget`]: the
//! [`SheetBuilder`] keeps them all and lays the sheet out at the end, a
//! [`RowStream`] hands each row to a [`RowSink`] as soon as the next one
//! starts, so memory follows what the sink keeps. Both check and charge a
//! cell the same way, so a file is refused for the same reasons either way.
//! Rows arrive in order in every workbook a spreadsheet program writes; a
//! file that goes back to an earlier row cannot be streamed, and the
//! stream says so ([`RowStream::out_of_order`]) so the caller can read that
//! sheet whole instead.

use crate::error::ImportError;
use crate::grid::{check_chars, text_of, Budget, SheetBuilder};
use crate::limits::cell_ref;
use crate::sheet::{Cell, RawSheet};
use crate::Kind;

/// Where a reader puts each cell it reads (already checked against the
/// position limits).
pub(crate) trait CellTarget {
    fn put(
        &mut self,
        budget: &mut Budget,
        row: u32,
        col: u32,
        cell: Cell,
    ) -> Result<(), ImportError>;
}

impl CellTarget for SheetBuilder {
    fn put(
        &mut self,
        budget: &mut Budget,
        row: u32,
        col: u32,
        cell: Cell,
    ) -> Result<(), ImportError> {
        SheetBuilder::put(self, budget, row, col, cell)
    }
}

/// What a streamed sheet is handed to: its header once (the sheet with no
/// rows), then each data row's cells, numbered as a spreadsheet shows them.
pub(crate) trait RowSink {
    fn header(&mut self, sheet: &RawSheet);
    /// `false`: stop reading (the caller was cancelled).
    fn row(&mut self, sheet: &RawSheet, row: u32, cells: &[Cell]) -> bool;
}

/// Cells to rows, each row handed on when the next begins. The header is
/// the first row that holds anything, as in [`SheetBuilder`].
pub(crate) struct RowStream<'s, S: RowSink> {
    meta: RawSheet,
    sink: &'s mut S,
    /// The 0-based row being filled and its cells.
    current: Option<u32>,
    cells: Vec<Cell>,
    header_done: bool,
    out_of_order: bool,
    /// The sink said stop.
    stopped: bool,
}

impl<'s, S: RowSink> RowStream<'s, S> {
    pub(crate) fn new(path: &str, name: &str, sink: &'s mut S) -> Self {
        RowStream {
            meta: RawSheet {
                file: path.into(),
                name: name.into(),
                header_row: 1,
                header: Vec::new(),
                rows: Vec::new(),
            },
            sink,
            current: None,
            cells: Vec::new(),
            header_done: false,
            out_of_order: false,
            stopped: false,
        }
    }

    /// Whether the file went back to an earlier row: what was handed on
    /// is incomplete, and the sheet must be read whole.
    pub(crate) fn out_of_order(&self) -> bool {
        self.out_of_order
    }

    /// Whether the sink asked to stop.
    pub(crate) fn stopped(&self) -> bool {
        self.stopped
    }

    fn flush(&mut self) {
        let Some(row) = self.current.take() else {
            return;
        };
        if self.header_done {
            if !self
                .sink
                .row(&self.meta, row.saturating_add(1), &self.cells)
            {
                self.stopped = true;
            }
        } else {
            self.meta.header_row = row.saturating_add(1);
            self.meta.header = self.cells.iter().map(Cell::as_text).collect();
            self.sink.header(&self.meta);
            self.header_done = true;
        }
        self.cells.clear();
    }

    /// Hands on the last row; a sheet with no cells still gets its (empty)
    /// header, so its missing columns are reported as a kept sheet's are.
    pub(crate) fn finish(mut self) {
        if self.out_of_order {
            return;
        }
        self.flush();
        if !self.header_done {
            self.sink.header(&self.meta);
        }
    }
}

impl<S: RowSink> CellTarget for RowStream<'_, S> {
    fn put(
        &mut self,
        budget: &mut Budget,
        row: u32,
        col: u32,
        cell: Cell,
    ) -> Result<(), ImportError> {
        if self.stopped {
            return Err(ImportError::Cancelled {
                path: self.meta.file.clone(),
                rows: u64::from(row),
            });
        }
        if self.out_of_order || matches!(cell, Cell::Empty) {
            return Ok(());
        }
        // The builder's checks and charges, cell for cell.
        let text = text_of(&cell);
        {
            let name = &self.meta.name;
            let at = || where_(name, row, col);
            check_chars(&self.meta.file, at, text)?;
            budget.text(text.len(), at)?;
        }
        let new_row = match self.current {
            Some(r) if r == row => false,
            Some(r) if row < r => {
                self.out_of_order = true;
                return Ok(());
            }
            _ => true,
        };
        if new_row {
            self.flush();
            self.current = Some(row);
            let name = &self.meta.name;
            budget.rows(1, || where_(name, row, col))?;
        }
        let col_i = col as usize;
        if col_i >= self.cells.len() {
            let name = &self.meta.name;
            budget.cells((col_i + 1 - self.cells.len()) as u64, || {
                where_(name, row, col)
            })?;
            self.cells.resize(col_i + 1, Cell::Empty);
        }
        if let Some(slot) = self.cells.get_mut(col_i) {
            *slot = cell;
        }
        Ok(())
    }
}

/// A cell's place for a message: `sheet outages, cell B12`.
pub(crate) fn where_(sheet: &str, row: u32, col: u32) -> String {
    format!(
        "sheet {sheet}, cell {}",
        cell_ref(u64::from(row) + 1, u64::from(col) + 1)
    )
}

/// What streaming a workbook hands its picked sheets to: the rows of the
/// sheet of each kind, or a sheet read whole (a `requests` sheet, or one
/// that could not be streamed).
pub(crate) trait BookSink {
    fn header(&mut self, kind: Kind, sheet: &RawSheet);
    /// `false`: stop reading.
    fn row(&mut self, kind: Kind, sheet: &RawSheet, row: u32, cells: &[Cell]) -> bool;
    fn whole(&mut self, kind: Kind, sheet: &RawSheet);
    /// Remembers where the sink stands before a sheet is streamed ...
    fn mark(&mut self);
    /// ... and goes back there when the sheet must be read whole instead.
    fn rollback(&mut self);
}

/// The rows of one kind's sheet, for a [`BookSink`].
pub(crate) struct ForKind<'a, B: BookSink> {
    pub(crate) kind: Kind,
    pub(crate) sink: &'a mut B,
}

impl<B: BookSink> RowSink for ForKind<'_, B> {
    fn header(&mut self, sheet: &RawSheet) {
        self.sink.header(self.kind, sheet);
    }
    fn row(&mut self, sheet: &RawSheet, row: u32, cells: &[Cell]) -> bool {
        self.sink.row(self.kind, sheet, row, cells)
    }
}

/// Which sheet is read as which kind, by name, as
/// [`crate::sheet::pick_sheets`] picks them: the first sheet named after
/// each kind (trimmed, any case); several are warned about. Returns
/// (kind, sheet position) in kind order, and the warnings.
pub(crate) fn pick_names(path: &str, names: &[&str]) -> (Vec<(Kind, usize)>, Vec<String>) {
    let mut out = Vec::new();
    let mut warnings = Vec::new();
    for kind in Kind::ALL {
        let mut matching = names
            .iter()
            .enumerate()
            .filter(|(_, n)| n.trim().eq_ignore_ascii_case(kind.name()));
        let Some((i, first)) = matching.next() else {
            continue;
        };
        if matching.next().is_some() {
            warnings.push(format!(
                "{path}: several sheets are named `{}`; only `{first}` is read",
                kind.name()
            ));
        }
        out.push((kind, i));
    }
    if out.is_empty() {
        warnings.push(format!(
            "{path}: no sheet named outages, maintenance or incidents; no events read"
        ));
    }
    (out, warnings)
}
