//! One sheet's substream: its cell records read into a [`SheetBuilder`],
//! every position checked against the limits before a value is kept, and
//! embedded substreams (charts) skipped.

use super::records::{
    f64_at, u16_at, u32_at, unicode_string, Records, BLANK, BOF, BOOLERR, DIMENSIONS, EOF, FORMULA,
    LABEL, LABELSST, MULBLANK, MULRK, NUMBER, RK, RSTRING, STRING,
};
use super::Globals;
use crate::error::ImportError;
use crate::grid::{check_extent, check_position, malformed, Budget, SheetBuilder};
use crate::limits::cell_ref;
use crate::sheet::{Cell, RawSheet};
use crate::values::{biff_error_name, error_cell, float_text, number_cell, serial_cell, NumFmt};

/// An RK number: a 30-bit integer or the high 30 bits of a double,
/// optionally in hundredths.
pub(super) fn rk_cell(rk: u32, fmt: Option<NumFmt>, is_1904: bool) -> Cell {
    let d100 = rk & 1 != 0;
    if rk & 2 != 0 {
        let v = i64::from((rk as i32) >> 2);
        if d100 && v % 100 != 0 {
            number_cell(v as f64 / 100.0, fmt, is_1904)
        } else {
            let n = if d100 { v / 100 } else { v };
            match fmt {
                Some(NumFmt::DateTime) => serial_cell(n as f64, is_1904),
                Some(NumFmt::Duration) => Cell::Number(float_text(n as f64)),
                _ => Cell::Number(n.to_string()),
            }
        }
    } else {
        let f = f64::from_bits(u64::from(rk & !3) << 32);
        number_cell(if d100 { f / 100.0 } else { f }, fmt, is_1904)
    }
}

/// Reads the sheet `name` whose BOF is at `pos` in the workbook stream.
/// `work` counts the bytes of records read for every sheet so far: it may
/// not pass the stream's size.
pub(super) fn read_sheet(
    path: &str,
    stream: &[u8],
    pos: usize,
    name: &str,
    g: &Globals,
    budget: &mut Budget,
    work: &mut usize,
) -> Result<RawSheet, ImportError> {
    let bad = |m: String| malformed(path, format!("sheet {name}: {m}"));
    let Some(sub) = stream.get(pos..) else {
        return Err(bad(
            "its records start past the end of the workbook stream".into()
        ));
    };
    let mut s = SheetReader {
        path,
        name,
        g,
        b: SheetBuilder::new(path, name),
        formula_at: (0, 0),
    };
    let mut depth = 0usize;
    let mut seen_bof = false;
    for rec in (Records { s: sub, pos: 0 }) {
        let r = rec.map_err(&bad)?;
        // Each sheet's records are its own part of the stream: sheets that
        // share or overlap records (which would make the stream be read
        // once per sheet) stop here.
        *work = work.saturating_add(4 + r.data.len() + r.conts.len());
        if *work > stream.len() {
            return Err(bad("its records overlap another sheet's".into()));
        }
        if depth > 0 {
            match r.typ {
                BOF => depth += 1,
                EOF => depth -= 1,
                _ => {}
            }
            continue;
        }
        match r.typ {
            BOF => {
                if seen_bof {
                    depth += 1;
                } else {
                    seen_bof = true;
                }
            }
            EOF => break,
            typ => s.record(typ, r.data, budget)?,
        }
    }
    s.b.finish(budget)
}

/// Row, column and XF index at the start of a cell record.
fn rc(d: &[u8]) -> Option<(u16, u16, u16)> {
    Some((u16_at(d, 0)?, u16_at(d, 2)?, u16_at(d, 4)?))
}

struct SheetReader<'a> {
    path: &'a str,
    name: &'a str,
    g: &'a Globals,
    b: SheetBuilder,
    /// The cell of the last FORMULA, whose string result a STRING record
    /// carries.
    formula_at: (u16, u16),
}

impl SheetReader<'_> {
    fn bad(&self, m: String) -> ImportError {
        malformed(self.path, format!("sheet {}: {m}", self.name))
    }

    fn short(&self, what: &str) -> ImportError {
        self.bad(format!("a {what} record is cut short"))
    }

    fn fmt(&self, ixfe: u16) -> Option<NumFmt> {
        self.g.formats.get(ixfe as usize).copied()
    }

    fn position(&self, row: u16, col: u16) -> Result<(), ImportError> {
        check_position(self.path, self.name, u64::from(row) + 1, u64::from(col) + 1)
    }

    /// Checks a cell's position, then keeps its value.
    fn put(
        &mut self,
        budget: &mut Budget,
        row: u16,
        col: u16,
        cell: Cell,
    ) -> Result<(), ImportError> {
        self.position(row, col)?;
        self.b.put(budget, u32::from(row), u32::from(col), cell)
    }

    /// One record of the sheet (not BOF or EOF).
    fn record(&mut self, typ: u16, d: &[u8], budget: &mut Budget) -> Result<(), ImportError> {
        let is_1904 = self.g.is_1904;
        match typ {
            DIMENSIONS => self.dimensions(d),
            BLANK => {
                let (row, col, _) = rc(d).ok_or_else(|| self.short("BLANK"))?;
                self.position(row, col)
            }
            MULBLANK => {
                let row = u16_at(d, 0).ok_or_else(|| self.short("MULBLANK"))?;
                let last = d
                    .len()
                    .checked_sub(2)
                    .and_then(|i| u16_at(d, i))
                    .ok_or_else(|| self.short("MULBLANK"))?;
                self.position(row, last)
            }
            NUMBER => {
                let (row, col, ixfe) = rc(d).ok_or_else(|| self.short("NUMBER"))?;
                let v = f64_at(d, 6).ok_or_else(|| self.short("NUMBER"))?;
                self.position(row, col)?;
                self.put(budget, row, col, number_cell(v, self.fmt(ixfe), is_1904))
            }
            RK => {
                let (row, col, ixfe) = rc(d).ok_or_else(|| self.short("RK"))?;
                let v = u32_at(d, 6).ok_or_else(|| self.short("RK"))?;
                self.position(row, col)?;
                self.put(budget, row, col, rk_cell(v, self.fmt(ixfe), is_1904))
            }
            MULRK => self.mulrk(d, budget),
            LABELSST => {
                let (row, col, _) = rc(d).ok_or_else(|| self.short("LABELSST"))?;
                let i = u32_at(d, 6).ok_or_else(|| self.short("LABELSST"))? as usize;
                self.position(row, col)?;
                // calamine drops a cell whose string does not exist.
                match self.g.strings.get(i) {
                    Some(s) => self.put(budget, row, col, Cell::Text(s.clone())),
                    None => Ok(()),
                }
            }
            LABEL | RSTRING => {
                let (row, col, _) = rc(d).ok_or_else(|| self.short("LABEL"))?;
                self.position(row, col)?;
                let s = unicode_string(d.get(6..).unwrap_or_default()).map_err(|m| self.bad(m))?;
                self.put(budget, row, col, Cell::Text(s))
            }
            BOOLERR => self.boolerr(d, budget),
            FORMULA => self.formula(d, budget),
            STRING => {
                let s = unicode_string(d).map_err(|m| self.bad(m))?;
                let (row, col) = self.formula_at;
                self.put(budget, row, col, Cell::Text(s))
            }
            _ => Ok(()),
        }
    }

    /// DIMENSIONS: checked against the limits, never used to allocate.
    fn dimensions(&self, d: &[u8]) -> Result<(), ImportError> {
        let (first_row, last_row, first_col, last_col) = match d.len() {
            10 => (
                u32::from(u16_at(d, 0).unwrap_or(0)),
                u32::from(u16_at(d, 2).unwrap_or(0)),
                u16_at(d, 4).unwrap_or(0),
                u16_at(d, 6).unwrap_or(0),
            ),
            14 | 16 => (
                u32_at(d, 0).unwrap_or(0),
                u32_at(d, 4).unwrap_or(0),
                u16_at(d, 8).unwrap_or(0),
                u16_at(d, 10).unwrap_or(0),
            ),
            n => return Err(self.bad(format!("a DIMENSIONS record of {n} bytes"))),
        };
        // The last row and column are stored one past the end.
        if last_row >= 1 && last_col >= 1 {
            let what = format!(
                "dimension {}:{}",
                cell_ref(u64::from(first_row) + 1, u64::from(first_col) + 1),
                cell_ref(u64::from(last_row), u64::from(last_col))
            );
            check_extent(
                self.path,
                self.name,
                &what,
                u64::from(last_row),
                u64::from(last_col),
            )?;
        }
        Ok(())
    }

    /// MULRK: RK numbers in consecutive columns of one row.
    fn mulrk(&mut self, d: &[u8], budget: &mut Budget) -> Result<(), ImportError> {
        let (row, first) = (u16_at(d, 0), u16_at(d, 2));
        let last = d.len().checked_sub(2).and_then(|i| u16_at(d, i));
        let (Some(row), Some(first), Some(last)) = (row, first, last) else {
            return Err(self.short("MULRK"));
        };
        let n = (last as usize + 1).saturating_sub(first as usize);
        if last < first || d.len() != 6 + 6 * n {
            return Err(self.bad("a MULRK record does not match its columns".into()));
        }
        self.position(row, last)?;
        for (i, col) in (first..=last).enumerate() {
            let at = 4 + 6 * i;
            let (Some(ixfe), Some(v)) = (u16_at(d, at), u32_at(d, at + 2)) else {
                return Err(self.short("MULRK"));
            };
            let cell = rk_cell(v, self.fmt(ixfe), self.g.is_1904);
            self.put(budget, row, col, cell)?;
        }
        Ok(())
    }

    /// BOOLERR: a boolean (as text) or an error value.
    fn boolerr(&mut self, d: &[u8], budget: &mut Budget) -> Result<(), ImportError> {
        let (row, col, _) = rc(d).ok_or_else(|| self.short("BOOLERR"))?;
        let (Some(&v), Some(&kind)) = (d.get(6), d.get(7)) else {
            return Err(self.short("BOOLERR"));
        };
        self.position(row, col)?;
        let cell = match kind {
            0 => Cell::Text((v != 0).to_string()),
            1 => error_cell(
                biff_error_name(v)
                    .ok_or_else(|| self.bad(format!("unknown error code {v:#04x}")))?,
            ),
            k => return Err(self.bad(format!("unknown BOOLERR kind {k}"))),
        };
        self.put(budget, row, col, cell)
    }

    /// FORMULA: its cached result (a string result is in the STRING record
    /// that follows).
    fn formula(&mut self, d: &[u8], budget: &mut Budget) -> Result<(), ImportError> {
        if d.len() < 20 {
            return Err(self.short("FORMULA"));
        }
        let (row, col, ixfe) = rc(d).ok_or_else(|| self.short("FORMULA"))?;
        self.position(row, col)?;
        self.formula_at = (row, col);
        let v = d.get(6..14).ok_or_else(|| self.short("FORMULA"))?;
        let cell = if v[6] == 0xFF && v[7] == 0xFF {
            match v[0] {
                // A string: it is in the STRING record that follows.
                0 => None,
                1 => Some(Cell::Text((v[2] != 0).to_string())),
                2 => Some(error_cell(biff_error_name(v[2]).ok_or_else(|| {
                    self.bad(format!("unknown error code {:#04x}", v[2]))
                })?)),
                3 => Some(Cell::Text(String::new())),
                e => return Err(self.bad(format!("unknown formula result kind {e}"))),
            }
        } else {
            Some(number_cell(
                f64_at(v, 0).unwrap_or(0.0),
                self.fmt(ixfe),
                self.g.is_1904,
            ))
        };
        match cell {
            Some(cell) => self.put(budget, row, col, cell),
            None => Ok(()),
        }
    }
}
