//! Turning positioned cells into a [`RawSheet`] under the limits.
//!
//! Every reader (xlsx, ods, xls) checks each cell position with
//! [`check_position`] (and declared dimensions with [`check_extent`]) before
//! it reads the value, and hands the values to a [`SheetBuilder`], which
//! keeps only cells that hold something, charges them to the file's
//! [`Budget`], and at the end lays them out as calamine did: the header is
//! the first row that holds anything, padded to the widest row; every row
//! number after it up to the last one is present (rows that hold nothing
//! are empty). Unlike calamine's dense range, a row stops at its last cell
//! that holds a value instead of being padded with empty cells to the
//! widest row, so memory follows the cells kept, never the bounding box.

use crate::error::ImportError;
use crate::limits::{
    cell_ref, thousands, MAX_CELL_CHARS, MAX_COLUMNS, MAX_KEPT_BYTES_PER_FILE, MAX_ROWS_PER_SHEET,
    MAX_ROW_NUMBER,
};
use crate::sheet::{Cell, RawSheet};
use std::collections::BTreeMap;

/// Refuses one more sheet when a workbook already has `n` (xlsx and xls).
pub(crate) fn check_sheet_count(path: &str, n: usize) -> Result<(), ImportError> {
    if n as u64 >= crate::limits::MAX_SHEETS {
        return Err(too_large(
            path,
            "",
            format!(
                "the workbook has more than the {} sheets a workbook may have",
                crate::limits::thousands(crate::limits::MAX_SHEETS)
            ),
            crate::limits::MAX_SHEETS,
        ));
    }
    Ok(())
}

pub(crate) fn too_large(
    path: &str,
    at: impl Into<String>,
    what: String,
    limit: u64,
) -> ImportError {
    ImportError::TooLarge {
        path: path.to_string(),
        at: at.into(),
        what,
        limit,
    }
}

pub(crate) fn malformed(path: &str, message: impl Into<String>) -> ImportError {
    ImportError::Workbook {
        path: path.to_string(),
        message: message.into(),
    }
}

/// Memory one kept cell slot takes (a [`Cell`] in a row's vector).
pub(crate) const CELL_BYTES: u64 = std::mem::size_of::<Cell>() as u64;
/// Memory one kept row takes: its number and vector, the vector's own
/// allocation, and the slack of the growing list of rows.
pub(crate) const ROW_BYTES: u64 = 2 * std::mem::size_of::<(u32, Vec<Cell>)>() as u64;

/// What one file keeps in memory, charged as it is read, before it is
/// kept: cells, rows, text (with the allocator's overhead) and strings held
/// in tables, against [`MAX_KEPT_BYTES_PER_FILE`].
#[derive(Clone)]
pub(crate) struct Budget {
    path: String,
    used: u64,
}

impl Budget {
    pub(crate) fn new(path: &str) -> Budget {
        Budget {
            path: path.to_string(),
            used: 0,
        }
    }

    pub(crate) fn path(&self) -> &str {
        &self.path
    }

    /// Charges `bytes`; `at` says where, for the message.
    pub(crate) fn charge(
        &mut self,
        bytes: u64,
        at: impl FnOnce() -> String,
    ) -> Result<(), ImportError> {
        self.used = self.used.saturating_add(bytes);
        if self.used > MAX_KEPT_BYTES_PER_FILE {
            return Err(too_large(
                &self.path,
                at(),
                format!(
                    "the file holds more than the {} MiB of cells and text one file may keep in memory",
                    MAX_KEPT_BYTES_PER_FILE >> 20
                ),
                MAX_KEPT_BYTES_PER_FILE,
            ));
        }
        Ok(())
    }

    /// The memory `len` bytes of text take on the heap: the allocator
    /// hands out chunks of at least 32 bytes, in steps of 16, with 8 bytes
    /// of its own (glibc's malloc; others are alike).
    pub(crate) fn text_cost(len: usize) -> u64 {
        if len == 0 {
            0
        } else {
            ((len as u64).saturating_add(8 + 15) & !15).max(32)
        }
    }

    /// Charges the text of a cell kept (its slot is charged by [`Budget::cells`]).
    pub(crate) fn text(
        &mut self,
        len: usize,
        at: impl FnOnce() -> String,
    ) -> Result<(), ImportError> {
        self.charge(Budget::text_cost(len), at)
    }

    /// Charges a string kept in a table (shared strings, names, formats).
    pub(crate) fn string(
        &mut self,
        len: usize,
        at: impl FnOnce() -> String,
    ) -> Result<(), ImportError> {
        let slot = std::mem::size_of::<String>() as u64;
        self.charge(Budget::text_cost(len).saturating_add(slot), at)
    }

    /// Charges `n` cell slots kept.
    pub(crate) fn cells(&mut self, n: u64, at: impl FnOnce() -> String) -> Result<(), ImportError> {
        self.charge(n.saturating_mul(CELL_BYTES), at)
    }

    /// Charges `n` rows kept.
    pub(crate) fn rows(&mut self, n: u64, at: impl FnOnce() -> String) -> Result<(), ImportError> {
        self.charge(n.saturating_mul(ROW_BYTES), at)
    }

    /// Bytes that still fit (repeats are checked before they are made).
    pub(crate) fn left(&self) -> u64 {
        MAX_KEPT_BYTES_PER_FILE.saturating_sub(self.used)
    }
}

/// Numbers this large came from a reference that overflowed when read.
const ABSURD: u64 = 1 << 32;

fn column_beyond(col: u64) -> String {
    let which = if col >= ABSURD {
        "the column".to_string()
    } else {
        format!("column {col}")
    };
    format!(
        "{which} is beyond the {} columns a sheet may have",
        thousands(MAX_COLUMNS)
    )
}

fn row_beyond(row: u64) -> String {
    let which = if row >= ABSURD {
        "the row".to_string()
    } else {
        format!("row {row}")
    };
    format!(
        "{which} is beyond the {} rows a sheet may have (a header and {} data rows)",
        thousands(MAX_ROW_NUMBER),
        thousands(MAX_ROWS_PER_SHEET as u64)
    )
}

/// A cell at 1-based `row`, `col` of `sheet` must lie within the limits.
pub(crate) fn check_position(
    path: &str,
    sheet: &str,
    row: u64,
    col: u64,
) -> Result<(), ImportError> {
    check_cell(path, sheet, None, row, col)
}

/// The same, naming the cell by `written` (its reference as the file wrote
/// it, shortened if long) rather than by one made from `row` and `col`.
pub(crate) fn check_cell(
    path: &str,
    sheet: &str,
    written: Option<&str>,
    row: u64,
    col: u64,
) -> Result<(), ImportError> {
    let at = || {
        let shown = match written {
            Some(w) if w.chars().count() > 24 => {
                format!("{}…", w.chars().take(24).collect::<String>())
            }
            Some(w) => w.to_string(),
            None => cell_ref(row, col),
        };
        format!("sheet {sheet}, cell {shown}")
    };
    if col > MAX_COLUMNS {
        return Err(too_large(path, at(), column_beyond(col), MAX_COLUMNS));
    }
    if row > MAX_ROW_NUMBER {
        return Err(too_large(path, at(), row_beyond(row), MAX_ROW_NUMBER));
    }
    Ok(())
}

/// A declared extent (xlsx `<dimension>`, xls DIMENSIONS) whose last cell is
/// at 1-based `row`, `col`; `what` names it for the message.
pub(crate) fn check_extent(
    path: &str,
    sheet: &str,
    what: &str,
    row: u64,
    col: u64,
) -> Result<(), ImportError> {
    let at = || format!("sheet {sheet}, {what}");
    if col > MAX_COLUMNS {
        return Err(too_large(path, at(), column_beyond(col), MAX_COLUMNS));
    }
    if row > MAX_ROW_NUMBER {
        return Err(too_large(path, at(), row_beyond(row), MAX_ROW_NUMBER));
    }
    Ok(())
}

/// A cell's text must be at most [`MAX_CELL_CHARS`] characters.
pub(crate) fn check_chars(
    path: &str,
    at: impl FnOnce() -> String,
    text: &str,
) -> Result<(), ImportError> {
    if text.len() > MAX_CELL_CHARS {
        let n = text.chars().count();
        if n > MAX_CELL_CHARS {
            return Err(too_large(
                path,
                at(),
                format!(
                    "{} characters is more than the {} a cell may hold",
                    thousands(n as u64),
                    thousands(MAX_CELL_CHARS as u64)
                ),
                MAX_CELL_CHARS as u64,
            ));
        }
    }
    Ok(())
}

pub(crate) fn text_of(cell: &Cell) -> &str {
    match cell {
        Cell::Text(t) | Cell::Number(t) => t,
        Cell::Invalid(i) => &i.text,
        Cell::Empty | Cell::DateTime(_) => "",
    }
}

/// The cells of `row`, made (and charged) if it is new: appended in the
/// usual case, found by bisection, or kept aside when it comes late.
fn row_of<'a>(
    rows: &'a mut Vec<(u32, Vec<Cell>)>,
    late: &'a mut BTreeMap<u32, Vec<Cell>>,
    budget: &mut Budget,
    row: u32,
    at: impl FnOnce() -> String,
) -> Result<&'a mut Vec<Cell>, ImportError> {
    let last = rows.last().map(|r| r.0);
    let i = if last.is_none_or(|l| row > l) {
        budget.rows(1, at)?;
        rows.push((row, Vec::new()));
        rows.len() - 1
    } else if last == Some(row) {
        rows.len() - 1
    } else if let Ok(i) = rows.binary_search_by_key(&row, |r| r.0) {
        i
    } else {
        if !late.contains_key(&row) {
            // A map entry costs about a row and its share of a node.
            budget.rows(2, at)?;
        }
        return Ok(late.entry(row).or_default());
    };
    match rows.get_mut(i) {
        Some(r) => Ok(&mut r.1),
        None => Err(malformed(
            budget.path(),
            "internal error: a row went missing",
        )),
    }
}

/// The cells of one sheet, as they are read.
pub(crate) struct SheetBuilder {
    path: String,
    name: String,
    /// Rows in ascending order, as files write them.
    rows: Vec<(u32, Vec<Cell>)>,
    /// Rows that came after a later row (files may write rows in any
    /// order); merged in at the end.
    late: BTreeMap<u32, Vec<Cell>>,
    max_col: Option<u32>,
}

impl SheetBuilder {
    pub(crate) fn new(path: &str, name: &str) -> SheetBuilder {
        SheetBuilder {
            path: path.to_string(),
            name: name.to_string(),
            rows: Vec::new(),
            late: BTreeMap::new(),
            max_col: None,
        }
    }

    /// Keeps `cell` at 0-based `row`, `col` (already checked with
    /// [`check_position`]); a later cell at the same place replaces it.
    pub(crate) fn put(
        &mut self,
        budget: &mut Budget,
        row: u32,
        col: u32,
        cell: Cell,
    ) -> Result<(), ImportError> {
        if matches!(cell, Cell::Empty) {
            return Ok(());
        }
        let path = &self.path;
        let at = || {
            format!(
                "sheet {}, cell {}",
                self.name,
                cell_ref(u64::from(row) + 1, u64::from(col) + 1)
            )
        };
        let text = text_of(&cell);
        check_chars(path, at, text)?;
        budget.text(text.len(), at)?;
        let cells = row_of(&mut self.rows, &mut self.late, budget, row, at)?;
        let col_i = col as usize;
        if col_i >= cells.len() {
            budget.cells((col_i + 1 - cells.len()) as u64, at)?;
            cells.resize(col_i + 1, Cell::Empty);
        }
        if let Some(slot) = cells.get_mut(col_i) {
            *slot = cell;
        }
        self.max_col = Some(self.max_col.map_or(col, |m| m.max(col)));
        Ok(())
    }

    /// The sheet as calamine laid it out (see the module comment).
    pub(crate) fn finish(self, budget: &mut Budget) -> Result<RawSheet, ImportError> {
        let path = budget.path().to_string();
        // Merge the late rows in (both runs are sorted, their rows distinct).
        let mut merged = Vec::with_capacity(self.rows.len() + self.late.len());
        let mut late = self.late.into_iter().peekable();
        for r in self.rows {
            while let Some(l) = late.next_if(|l| l.0 < r.0) {
                merged.push(l);
            }
            merged.push(r);
        }
        merged.extend(late);
        let mut rows_in = merged.into_iter();
        let Some((header_row, header_cells)) = rows_in.next() else {
            return Ok(RawSheet {
                file: path,
                name: self.name,
                header_row: 1,
                header: Vec::new(),
                rows: Vec::new(),
            });
        };
        let width = self.max_col.map_or(0, |c| c as usize + 1);
        budget.charge(
            (width as u64).saturating_mul(std::mem::size_of::<String>() as u64),
            || format!("sheet {}", self.name),
        )?;
        let header: Vec<String> = (0..width)
            .map(|i| header_cells.get(i).map(Cell::as_text).unwrap_or_default())
            .collect();
        drop(header_cells);
        let rest: Vec<(u32, Vec<Cell>)> = rows_in.collect();
        // Rows that hold nothing between the header and the last row are
        // kept (as empty rows) so row counts stay as they were; charge them.
        let last = rest.last().map_or(header_row, |r| r.0);
        // (Rows are sorted and were checked against the limits, so none of
        // this can overflow; saturating all the same.)
        let span = u64::from(last.saturating_sub(header_row));
        let empty = span.saturating_sub(rest.len() as u64);
        budget.rows(empty, || format!("sheet {}", self.name))?;
        let mut rows = Vec::with_capacity(usize::try_from(span).unwrap_or(0));
        let mut next = header_row.saturating_add(1);
        for (r, cells) in rest {
            while next < r {
                rows.push((next.saturating_add(1), Vec::new()));
                next += 1;
            }
            rows.push((r.saturating_add(1), cells));
            next = r.saturating_add(1);
        }
        Ok(RawSheet {
            file: path,
            name: self.name,
            header_row: header_row.saturating_add(1),
            header,
            rows,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lays_out_rows_like_a_spreadsheet_and_refuses_far_cells() {
        let mut b = Budget::new("f.xlsx");
        let mut s = SheetBuilder::new("f.xlsx", "outages");
        s.put(&mut b, 4, 1, Cell::Text("x".into())).unwrap();
        s.put(&mut b, 1, 0, Cell::Text("service".into())).unwrap();
        s.put(&mut b, 1, 2, Cell::Text("end".into())).unwrap();
        s.put(&mut b, 2, 0, Cell::Empty).unwrap();
        let r = s.finish(&mut b).unwrap();
        assert_eq!(r.header_row, 2);
        assert_eq!(r.header, vec!["service", "", "end"]);
        assert_eq!(
            r.rows,
            vec![
                (3, vec![]),
                (4, vec![]),
                (5, vec![Cell::Empty, Cell::Text("x".into())])
            ]
        );
        assert_eq!(
            check_position("f.xlsx", "outages", 1_048_576, 16_384)
                .unwrap_err()
                .to_string(),
            "f.xlsx: sheet outages, cell XFD1048576: column 16384 is beyond the 1,000 columns a sheet may have"
        );
        assert_eq!(
            check_position("f.xlsx", "outages", 2_000_002, 1).unwrap_err().to_string(),
            "f.xlsx: sheet outages, cell A2000002: row 2000002 is beyond the 2,000,001 rows a sheet may have (a header and 2,000,000 data rows)"
        );
        assert!(check_position("f.xlsx", "outages", 2_000_001, 1_000).is_ok());
    }

    #[test]
    fn rows_written_out_of_order_are_put_in_order() {
        let mut b = Budget::new("f.xlsx");
        let mut s = SheetBuilder::new("f.xlsx", "s");
        let t = |v: &str| Cell::Text(v.into());
        for (r, c, v) in [
            (4, 0, "e"),
            (1, 1, "b"),
            (1, 0, "a"),
            (6, 0, "g"),
            (2, 0, "c"),
            (1, 1, "B"),
            (4, 1, "f"),
        ] {
            s.put(&mut b, r, c, t(v)).unwrap();
        }
        let r = s.finish(&mut b).unwrap();
        assert_eq!(
            (r.header_row, r.header.clone()),
            (2, vec!["a".to_string(), "B".to_string()])
        );
        assert_eq!(
            r.rows,
            vec![
                (3, vec![t("c")]),
                (4, vec![]),
                (5, vec![t("e"), t("f")]),
                (6, vec![]),
                (7, vec![t("g")]),
            ]
        );
    }
}
