//! Legacy `.xls` workbooks: Excel 97-2003 (BIFF8).
//!
//! **Choice:** this crate's own minimal BIFF8 reader on top of the
//! maintained `cfb` crate, not calamine behind a pre-scan. calamine's xls
//! path cannot be bounded from outside: its compound-file reader follows
//! sector chains without loop checks and indexes without bounds, its sheet
//! reader reserves `rows * columns` cells from the DIMENSIONS record and
//! then lays every sheet out densely, and a pre-scan would have to repeat
//! all of that parsing anyway. `cfb` checks the FAT for chains that loop or
//! point twice and outside the file; it is wrapped in `catch_unwind` all
//! the same. The records are then read from the Workbook stream (at most
//! the file's size) with every length checked:
//!
//! - globals: BOF (BIFF8 only; BIFF5 and older are refused with a message),
//!   FILEPASS (refused: encrypted), DATEMODE, FORMAT, XF, BOUNDSHEET8, SST
//!   with its CONTINUE records (no room is reserved from its counts; a
//!   string longer than a cell may be is refused);
//! - each sheet's substream: DIMENSIONS (checked against the limits, never
//!   used to allocate), NUMBER, RK, MULRK, LABELSST, LABEL, RSTRING,
//!   BOOLERR, FORMULA with its STRING, and BLANK / MULBLANK (positions
//!   only); embedded chart substreams are skipped.
//!
//! Values come out as calamine's did (dates by the XF's number format,
//! `date1904`, RK integers and hundredths, cached formula results), which
//! the fixture comparison test checks. Files are at most
//! [`MAX_WORKBOOK_FILE_BYTES`]; a BIFF8 sheet cannot pass 65,536 rows or
//! 256 columns, so only forged records can reach the row and column limits.

use crate::error::ImportError;
use crate::grid::{
    check_extent, check_position, check_sheet_count, malformed, too_large, Budget, SheetBuilder,
};
use crate::limits::{cell_ref, thousands, MAX_CELL_CHARS, MAX_WORKBOOK_FILE_BYTES};
use crate::sheet::{Cell, RawSheet};
use crate::values::{
    biff_error_name, builtin_format, custom_format, error_cell, float_text, number_cell,
    serial_cell, NumFmt,
};
use std::collections::HashMap;
use std::io::{Cursor, Read};

const BOF: u16 = 0x0809;
const EOF: u16 = 0x000A;
const CONTINUE: u16 = 0x003C;
const FILEPASS: u16 = 0x002F;
const DATEMODE: u16 = 0x0022;
const FORMAT: u16 = 0x041E;
const XF: u16 = 0x00E0;
const BOUNDSHEET: u16 = 0x0085;
const SST: u16 = 0x00FC;
const DIMENSIONS: u16 = 0x0200;
const BLANK: u16 = 0x0201;
const NUMBER: u16 = 0x0203;
const LABEL: u16 = 0x0204;
const BOOLERR: u16 = 0x0205;
const STRING: u16 = 0x0207;
const RK: u16 = 0x027E;
const LABELSST: u16 = 0x00FD;
const MULRK: u16 = 0x00BD;
const MULBLANK: u16 = 0x00BE;
const RSTRING: u16 = 0x00D6;
const FORMULA: u16 = 0x0006;

fn u16_at(b: &[u8], i: usize) -> Option<u16> {
    let s = b.get(i..i.checked_add(2)?)?;
    Some(u16::from_le_bytes([s[0], s[1]]))
}

fn u32_at(b: &[u8], i: usize) -> Option<u32> {
    let s = b.get(i..i.checked_add(4)?)?;
    Some(u32::from_le_bytes([s[0], s[1], s[2], s[3]]))
}

fn f64_at(b: &[u8], i: usize) -> Option<f64> {
    let s = b.get(i..i.checked_add(8)?)?;
    let mut a = [0u8; 8];
    a.copy_from_slice(s);
    Some(f64::from_le_bytes(a))
}

/// One record, with the raw CONTINUE records that follow it.
struct Record<'a> {
    typ: u16,
    data: &'a [u8],
    conts: &'a [u8],
}

struct Records<'a> {
    s: &'a [u8],
    pos: usize,
}

impl<'a> Iterator for Records<'a> {
    type Item = Result<Record<'a>, String>;
    fn next(&mut self) -> Option<Self::Item> {
        if self.pos >= self.s.len() {
            return None;
        }
        let rec = (|| {
            let typ = u16_at(self.s, self.pos).ok_or("a record header is cut short")?;
            let len = u16_at(self.s, self.pos + 2).ok_or("a record header is cut short")? as usize;
            let start = self.pos + 4;
            let data = self
                .s
                .get(start..start + len)
                .ok_or("a record is cut short")?;
            let mut p = start + len;
            let cont_start = p;
            while u16_at(self.s, p) == Some(CONTINUE) {
                let l = u16_at(self.s, p + 2).ok_or("a CONTINUE record is cut short")? as usize;
                if self.s.len() < p + 4 + l {
                    return Err("a CONTINUE record is cut short");
                }
                p += 4 + l;
            }
            self.pos = p;
            Ok(Record {
                typ,
                data,
                conts: self.s.get(cont_start..p).unwrap_or_default(),
            })
        })();
        if rec.is_err() {
            self.pos = self.s.len();
        }
        Some(rec.map_err(str::to_string))
    }
}

/// Reads a record's data and then its CONTINUE records in turn.
struct Blocks<'a> {
    cur: &'a [u8],
    conts: &'a [u8],
}

impl<'a> Blocks<'a> {
    fn next_block(&mut self) -> bool {
        let Some(len) = u16_at(self.conts, 2) else {
            return false;
        };
        let end = 4 + len as usize;
        match (self.conts.get(4..end), self.conts.get(end..)) {
            (Some(b), Some(rest)) => {
                self.cur = b;
                self.conts = rest;
                true
            }
            _ => false,
        }
    }

    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let (a, b) = (self.cur.get(..n)?, self.cur.get(n..)?);
        self.cur = b;
        Some(a)
    }

    fn skip(&mut self, mut n: u64) -> bool {
        while n > 0 {
            if self.cur.is_empty() && !self.next_block() {
                return false;
            }
            let k = (self.cur.len() as u64).min(n) as usize;
            self.cur = self.cur.get(k..).unwrap_or_default();
            n -= k as u64;
        }
        true
    }
}

/// `n` characters, compressed (one byte each, Latin-1) or UTF-16LE.
fn decode(bytes: &[u8], high: bool, out: &mut String) {
    if high {
        let units = bytes
            .chunks_exact(2)
            .map(|c| u16::from_le_bytes([c[0], c[1]]));
        out.extend(char::decode_utf16(units).map(|r| r.unwrap_or(char::REPLACEMENT_CHARACTER)));
    } else {
        out.extend(bytes.iter().map(|&b| char::from(b)));
    }
}

/// `XLUnicodeString`: a 16-bit count, flags and the characters (within
/// this record only, as calamine reads it).
fn unicode_string(b: &[u8]) -> Result<String, String> {
    if b.len() < 3 {
        if b.len() == 2 && u16_at(b, 0) == Some(0) {
            return Ok(String::new());
        }
        return Err("a string is cut short".into());
    }
    let cch = u16_at(b, 0).unwrap_or(0) as usize;
    let high = b[2] & 1 != 0;
    let chars = b.get(3..).unwrap_or_default();
    let n = if high {
        cch.min(chars.len() / 2) * 2
    } else {
        cch.min(chars.len())
    };
    let mut s = String::new();
    decode(chars.get(..n).unwrap_or_default(), high, &mut s);
    Ok(s)
}

/// The shared string table: strings may run on into CONTINUE records,
/// where each continued run of characters starts with a new flags byte.
fn read_sst(path: &str, rec: &Record<'_>, budget: &mut Budget) -> Result<Vec<String>, ImportError> {
    let bad = |m: &str| malformed(path, format!("shared string table: {m}"));
    let mut b = Blocks {
        cur: rec
            .data
            .get(8..)
            .ok_or_else(|| bad("the record is cut short"))?,
        conts: rec.conts,
    };
    // cstTotal and cstUnique are not trusted: the table grows as read.
    let mut strings = Vec::new();
    loop {
        if b.cur.is_empty() {
            if !b.next_block() {
                break;
            }
            continue;
        }
        let at = || format!("shared string {}", strings.len());
        let head = b
            .take(3)
            .ok_or_else(|| bad("a string header is cut short"))?;
        let cch = u16_at(head, 0).unwrap_or(0) as usize;
        let flags = head[2];
        let runs = if flags & 0x8 != 0 {
            u16_at(
                b.take(2)
                    .ok_or_else(|| bad("a string header is cut short"))?,
                0,
            )
            .unwrap_or(0)
        } else {
            0
        };
        let ext = if flags & 0x4 != 0 {
            u32_at(
                b.take(4)
                    .ok_or_else(|| bad("a string header is cut short"))?,
                0,
            )
            .unwrap_or(0)
        } else {
            0
        };
        if cch > MAX_CELL_CHARS {
            return Err(too_large(
                path,
                at(),
                format!(
                    "{} characters is more than the {} a cell may hold",
                    thousands(cch as u64),
                    thousands(MAX_CELL_CHARS as u64)
                ),
                MAX_CELL_CHARS as u64,
            ));
        }
        let mut s = String::new();
        let mut high = flags & 1 != 0;
        let mut left = cch;
        loop {
            let avail = if high { b.cur.len() / 2 } else { b.cur.len() };
            let k = avail.min(left);
            let bytes = b.take(if high { k * 2 } else { k }).unwrap_or_default();
            decode(bytes, high, &mut s);
            left -= k;
            if left == 0 {
                break;
            }
            if !b.next_block() {
                return Err(bad("a string runs past the end of the table"));
            }
            let f = b
                .take(1)
                .ok_or_else(|| bad("a continued string has no flags"))?;
            high = f[0] & 1 != 0;
        }
        if !b.skip(u64::from(runs) * 4) || !b.skip(u64::from(ext)) {
            return Err(bad("a string's formatting runs past the end of the table"));
        }
        budget.string(s.len(), at)?;
        strings.push(s);
    }
    Ok(strings)
}

struct Globals {
    sheets: Vec<(usize, String)>,
    strings: Vec<String>,
    formats: Vec<NumFmt>,
    is_1904: bool,
}

fn read_globals(path: &str, stream: &[u8], budget: &mut Budget) -> Result<Globals, ImportError> {
    let bad = |m: String| malformed(path, m);
    let mut recs = Records { s: stream, pos: 0 };
    match recs.next() {
        Some(Ok(r)) if r.typ == BOF => match u16_at(r.data, 0) {
            Some(0x0600) => {}
            Some(v) => {
                return Err(bad(format!(
                    "only Excel 97-2003 (BIFF8) .xls workbooks are read; this one is an older version (BIFF version {v:#06x}): save it as .xlsx"
                )))
            }
            None => return Err(bad("the workbook stream starts with a short BOF record".into())),
        },
        _ => return Err(bad("the workbook stream does not start with a BOF record".into())),
    }
    let mut sheets = Vec::new();
    let mut strings = Vec::new();
    let mut custom: HashMap<u16, NumFmt> = HashMap::new();
    let mut xfs: Vec<u16> = Vec::new();
    let mut is_1904 = false;
    for rec in recs {
        let r = rec.map_err(|m| bad(format!("workbook globals: {m}")))?;
        match r.typ {
            FILEPASS => return Err(bad("the workbook is password protected".into())),
            DATEMODE => is_1904 = u16_at(r.data, 0) == Some(1),
            FORMAT => {
                let Some(ifmt) = u16_at(r.data, 0) else {
                    continue;
                };
                if matches!(ifmt, 5..=8 | 23..=26 | 41..=44 | 63..=66 | 164..=382) {
                    if let Ok(code) = unicode_string(r.data.get(2..).unwrap_or_default()) {
                        custom.insert(ifmt, custom_format(&code));
                    }
                }
            }
            XF => {
                xfs.push(u16_at(r.data, 2).ok_or_else(|| bad("an XF record is cut short".into()))?)
            }
            BOUNDSHEET => {
                let pos = u32_at(r.data, 0)
                    .ok_or_else(|| bad("a sheet record is cut short".into()))?
                    as usize;
                let cch = *r
                    .data
                    .get(6)
                    .ok_or_else(|| bad("a sheet name is cut short".into()))?
                    as usize;
                let high = r
                    .data
                    .get(7)
                    .ok_or_else(|| bad("a sheet name is cut short".into()))?
                    & 1
                    != 0;
                let chars = r.data.get(8..).unwrap_or_default();
                let n = if high {
                    cch.min(chars.len() / 2) * 2
                } else {
                    cch.min(chars.len())
                };
                let mut name = String::new();
                decode(chars.get(..n).unwrap_or_default(), high, &mut name);
                name.retain(|c| c != '\0');
                check_sheet_count(path, sheets.len())?;
                budget.string(name.len(), || format!("sheet {name}"))?;
                sheets.push((pos, name));
            }
            SST => strings = read_sst(path, &r, budget)?,
            EOF => break,
            _ => {}
        }
    }
    let formats = xfs
        .into_iter()
        .map(|ifmt| {
            custom
                .get(&ifmt)
                .copied()
                .unwrap_or_else(|| builtin_format(u32::from(ifmt)))
        })
        .collect();
    Ok(Globals {
        sheets,
        strings,
        formats,
        is_1904,
    })
}

/// An RK number: a 30-bit integer or the high 30 bits of a double,
/// optionally in hundredths.
fn rk_cell(rk: u32, fmt: Option<NumFmt>, is_1904: bool) -> Cell {
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

fn read_sheet(
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
    let mut b = SheetBuilder::new(path, name);
    let fmt = |ixfe: u16| g.formats.get(ixfe as usize).copied();
    let mut depth = 0usize;
    let mut seen_bof = false;
    let mut formula_at: (u16, u16) = (0, 0);
    // Checks a cell's position, then keeps its value.
    let put = |b: &mut SheetBuilder,
               budget: &mut Budget,
               row: u16,
               col: u16,
               cell: Cell|
     -> Result<(), ImportError> {
        check_position(path, name, u64::from(row) + 1, u64::from(col) + 1)?;
        b.put(budget, u32::from(row), u32::from(col), cell)
    };
    let short = |what: &str| bad(format!("a {what} record is cut short"));
    for rec in (Records { s: sub, pos: 0 }) {
        let r = rec.map_err(&bad)?;
        let d = r.data;
        // Each sheet's records are its own part of the stream: sheets that
        // share or overlap records (which would make the stream be read
        // once per sheet) stop here.
        *work = work.saturating_add(4 + d.len() + r.conts.len());
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
        let rc =
            || -> Option<(u16, u16, u16)> { Some((u16_at(d, 0)?, u16_at(d, 2)?, u16_at(d, 4)?)) };
        match r.typ {
            BOF => {
                if seen_bof {
                    depth += 1;
                } else {
                    seen_bof = true;
                }
            }
            EOF => break,
            DIMENSIONS => {
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
                    n => return Err(bad(format!("a DIMENSIONS record of {n} bytes"))),
                };
                // The last row and column are stored one past the end.
                if last_row >= 1 && last_col >= 1 {
                    let what = format!(
                        "dimension {}:{}",
                        cell_ref(u64::from(first_row) + 1, u64::from(first_col) + 1),
                        cell_ref(u64::from(last_row), u64::from(last_col))
                    );
                    check_extent(path, name, &what, u64::from(last_row), u64::from(last_col))?;
                }
            }
            BLANK => {
                let (row, col, _) = rc().ok_or_else(|| short("BLANK"))?;
                check_position(path, name, u64::from(row) + 1, u64::from(col) + 1)?;
            }
            MULBLANK => {
                let row = u16_at(d, 0).ok_or_else(|| short("MULBLANK"))?;
                let last = d
                    .len()
                    .checked_sub(2)
                    .and_then(|i| u16_at(d, i))
                    .ok_or_else(|| short("MULBLANK"))?;
                check_position(path, name, u64::from(row) + 1, u64::from(last) + 1)?;
            }
            NUMBER => {
                let (row, col, ixfe) = rc().ok_or_else(|| short("NUMBER"))?;
                let v = f64_at(d, 6).ok_or_else(|| short("NUMBER"))?;
                check_position(path, name, u64::from(row) + 1, u64::from(col) + 1)?;
                put(
                    &mut b,
                    budget,
                    row,
                    col,
                    number_cell(v, fmt(ixfe), g.is_1904),
                )?;
            }
            RK => {
                let (row, col, ixfe) = rc().ok_or_else(|| short("RK"))?;
                let v = u32_at(d, 6).ok_or_else(|| short("RK"))?;
                check_position(path, name, u64::from(row) + 1, u64::from(col) + 1)?;
                put(&mut b, budget, row, col, rk_cell(v, fmt(ixfe), g.is_1904))?;
            }
            MULRK => {
                let (row, first) = (u16_at(d, 0), u16_at(d, 2));
                let last = d.len().checked_sub(2).and_then(|i| u16_at(d, i));
                let (Some(row), Some(first), Some(last)) = (row, first, last) else {
                    return Err(short("MULRK"));
                };
                let n = (last as usize + 1).saturating_sub(first as usize);
                if last < first || d.len() != 6 + 6 * n {
                    return Err(bad("a MULRK record does not match its columns".into()));
                }
                check_position(path, name, u64::from(row) + 1, u64::from(last) + 1)?;
                for (i, col) in (first..=last).enumerate() {
                    let at = 4 + 6 * i;
                    let (Some(ixfe), Some(v)) = (u16_at(d, at), u32_at(d, at + 2)) else {
                        return Err(short("MULRK"));
                    };
                    put(&mut b, budget, row, col, rk_cell(v, fmt(ixfe), g.is_1904))?;
                }
            }
            LABELSST => {
                let (row, col, _) = rc().ok_or_else(|| short("LABELSST"))?;
                let i = u32_at(d, 6).ok_or_else(|| short("LABELSST"))? as usize;
                check_position(path, name, u64::from(row) + 1, u64::from(col) + 1)?;
                // calamine drops a cell whose string does not exist.
                if let Some(s) = g.strings.get(i) {
                    put(&mut b, budget, row, col, Cell::Text(s.clone()))?;
                }
            }
            LABEL | RSTRING => {
                let (row, col, _) = rc().ok_or_else(|| short("LABEL"))?;
                check_position(path, name, u64::from(row) + 1, u64::from(col) + 1)?;
                let s = unicode_string(d.get(6..).unwrap_or_default()).map_err(bad)?;
                put(&mut b, budget, row, col, Cell::Text(s))?;
            }
            BOOLERR => {
                let (row, col, _) = rc().ok_or_else(|| short("BOOLERR"))?;
                let (Some(&v), Some(&kind)) = (d.get(6), d.get(7)) else {
                    return Err(short("BOOLERR"));
                };
                check_position(path, name, u64::from(row) + 1, u64::from(col) + 1)?;
                let cell = match kind {
                    0 => Cell::Text((v != 0).to_string()),
                    1 => error_cell(
                        biff_error_name(v)
                            .ok_or_else(|| bad(format!("unknown error code {v:#04x}")))?,
                    ),
                    k => return Err(bad(format!("unknown BOOLERR kind {k}"))),
                };
                put(&mut b, budget, row, col, cell)?;
            }
            FORMULA => {
                if d.len() < 20 {
                    return Err(short("FORMULA"));
                }
                let (row, col, ixfe) = rc().ok_or_else(|| short("FORMULA"))?;
                check_position(path, name, u64::from(row) + 1, u64::from(col) + 1)?;
                formula_at = (row, col);
                let v = d.get(6..14).ok_or_else(|| short("FORMULA"))?;
                let cell = if v[6] == 0xFF && v[7] == 0xFF {
                    match v[0] {
                        // A string: it is in the STRING record that follows.
                        0 => None,
                        1 => Some(Cell::Text((v[2] != 0).to_string())),
                        2 => Some(error_cell(biff_error_name(v[2]).ok_or_else(|| {
                            bad(format!("unknown error code {:#04x}", v[2]))
                        })?)),
                        3 => Some(Cell::Text(String::new())),
                        e => return Err(bad(format!("unknown formula result kind {e}"))),
                    }
                } else {
                    Some(number_cell(
                        f64_at(v, 0).unwrap_or(0.0),
                        fmt(ixfe),
                        g.is_1904,
                    ))
                };
                if let Some(cell) = cell {
                    put(&mut b, budget, row, col, cell)?;
                }
            }
            STRING => {
                let s = unicode_string(d).map_err(bad)?;
                put(&mut b, budget, formula_at.0, formula_at.1, Cell::Text(s))?;
            }
            _ => {}
        }
    }
    b.finish(budget)
}

/// The Workbook stream of the compound file (at most the file's size).
fn workbook_stream(path: &str, bytes: &[u8]) -> Result<Vec<u8>, ImportError> {
    let read = || -> Result<Vec<u8>, String> {
        let comp = cfb::CompoundFile::open(Cursor::new(bytes))
            .map_err(|e| format!("not a readable OLE compound file: {e}"))?;
        if comp.is_stream("/EncryptedPackage") {
            return Err("the workbook is password protected".into());
        }
        let mut comp = comp;
        let name = ["/Workbook", "/Book"]
            .into_iter()
            .find(|n| comp.is_stream(n))
            .ok_or("the compound file has no Workbook stream: not an Excel workbook")?;
        let stream = comp
            .open_stream(name)
            .map_err(|e| format!("the Workbook stream: {e}"))?;
        let mut out = Vec::new();
        stream
            .take(MAX_WORKBOOK_FILE_BYTES)
            .read_to_end(&mut out)
            .map_err(|e| format!("the Workbook stream: {e}"))?;
        Ok(out)
    };
    match std::panic::catch_unwind(read) {
        Ok(r) => r.map_err(|m| malformed(path, m)),
        Err(_) => Err(malformed(path, "the OLE compound file is malformed")),
    }
}

/// Every sheet of an xls workbook, in the workbook's order.
pub(crate) fn read(
    path: &str,
    bytes: &[u8],
    budget: &mut Budget,
) -> Result<Vec<RawSheet>, ImportError> {
    let stream = workbook_stream(path, bytes)?;
    let g = read_globals(path, &stream, budget)?;
    let mut out = Vec::with_capacity(g.sheets.len());
    let mut work = 0;
    for (pos, name) in &g.sheets {
        out.push(read_sheet(
            path, &stream, *pos, name, &g, budget, &mut work,
        )?);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rk_numbers_decode_like_excel() {
        // 1.0 as a double's high bits; 100 as an integer; 1.23 as 123/100.
        assert_eq!(rk_cell(0x3FF0_0000, None, false), Cell::Number("1".into()));
        assert_eq!(
            rk_cell((100 << 2) | 2, None, false),
            Cell::Number("100".into())
        );
        assert_eq!(
            rk_cell((123 << 2) | 3, None, false),
            Cell::Number("1.23".into())
        );
        assert_eq!(
            rk_cell((((-5i32) << 2) as u32) | 2, None, false),
            Cell::Number("-5".into())
        );
        assert!(matches!(
            rk_cell((46000 << 2) | 2, Some(NumFmt::DateTime), false),
            Cell::DateTime(_)
        ));
    }
}
