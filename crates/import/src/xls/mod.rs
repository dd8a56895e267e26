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
//!
//! [`records`] reads records and strings, [`sheet`] a sheet's cells; the
//! workbook globals (sheets, formats, date mode) are read here.

mod records;
mod sheet;
#[cfg(test)]
mod tests;

use crate::error::ImportError;
use crate::grid::{check_sheet_count, malformed, Budget};
use crate::limits::MAX_WORKBOOK_FILE_BYTES;
use crate::sheet::RawSheet;
use crate::values::{builtin_format, custom_format, NumFmt};
use records::{
    decode, read_sst, u16_at, u32_at, unicode_string, Records, BOF, BOUNDSHEET, DATEMODE, EOF,
    FILEPASS, FORMAT, SST, XF,
};
use sheet::read_sheet;
use std::collections::HashMap;
use std::io::{Cursor, Read};

/// What the workbook globals say: the sheets (where each starts, and its
/// name), the shared strings, each XF's number format, and the date mode.
struct Globals {
    sheets: Vec<(usize, String)>,
    strings: Vec<String>,
    formats: Vec<NumFmt>,
    is_1904: bool,
}

/// The BIFF8 BOF that opens the workbook stream; older versions are
/// refused with a message.
fn check_bof(
    path: &str,
    first: Option<Result<records::Record<'_>, String>>,
) -> Result<(), ImportError> {
    let bad = |m: String| malformed(path, m);
    match first {
        Some(Ok(r)) if r.typ == BOF => match u16_at(r.data, 0) {
            Some(0x0600) => Ok(()),
            Some(v) => Err(bad(format!(
                "only Excel 97-2003 (BIFF8) .xls workbooks are read; this one is an older version (BIFF version {v:#06x}): save it as .xlsx"
            ))),
            None => Err(bad("the workbook stream starts with a short BOF record".into())),
        },
        _ => Err(bad("the workbook stream does not start with a BOF record".into())),
    }
}

/// BOUNDSHEET8: where a sheet's substream starts, and its name.
fn boundsheet(path: &str, data: &[u8]) -> Result<(usize, String), ImportError> {
    let bad = |m: &str| malformed(path, m);
    let pos = u32_at(data, 0).ok_or_else(|| bad("a sheet record is cut short"))? as usize;
    let cch = *data
        .get(6)
        .ok_or_else(|| bad("a sheet name is cut short"))? as usize;
    let high = data
        .get(7)
        .ok_or_else(|| bad("a sheet name is cut short"))?
        & 1
        != 0;
    let chars = data.get(8..).unwrap_or_default();
    let n = if high {
        cch.min(chars.len() / 2) * 2
    } else {
        cch.min(chars.len())
    };
    let mut name = String::new();
    decode(chars.get(..n).unwrap_or_default(), high, &mut name);
    name.retain(|c| c != '\0');
    Ok((pos, name))
}

fn read_globals(path: &str, stream: &[u8], budget: &mut Budget) -> Result<Globals, ImportError> {
    let bad = |m: String| malformed(path, m);
    let mut recs = Records { s: stream, pos: 0 };
    check_bof(path, recs.next())?;
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
                let (pos, name) = boundsheet(path, r.data)?;
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
