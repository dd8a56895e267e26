//! BIFF8 records: their types, little-endian fields read with every
//! offset checked, the record iterator (each record with the CONTINUE
//! records that follow it), and strings, including the shared string table
//! that runs on across CONTINUE records.

use crate::error::ImportError;
use crate::grid::{malformed, too_large, Budget};
use crate::limits::{thousands, MAX_CELL_CHARS};

pub(super) const BOF: u16 = 0x0809;
pub(super) const EOF: u16 = 0x000A;
pub(super) const CONTINUE: u16 = 0x003C;
pub(super) const FILEPASS: u16 = 0x002F;
pub(super) const DATEMODE: u16 = 0x0022;
pub(super) const FORMAT: u16 = 0x041E;
pub(super) const XF: u16 = 0x00E0;
pub(super) const BOUNDSHEET: u16 = 0x0085;
pub(super) const SST: u16 = 0x00FC;
pub(super) const DIMENSIONS: u16 = 0x0200;
pub(super) const BLANK: u16 = 0x0201;
pub(super) const NUMBER: u16 = 0x0203;
pub(super) const LABEL: u16 = 0x0204;
pub(super) const BOOLERR: u16 = 0x0205;
pub(super) const STRING: u16 = 0x0207;
pub(super) const RK: u16 = 0x027E;
pub(super) const LABELSST: u16 = 0x00FD;
pub(super) const MULRK: u16 = 0x00BD;
pub(super) const MULBLANK: u16 = 0x00BE;
pub(super) const RSTRING: u16 = 0x00D6;
pub(super) const FORMULA: u16 = 0x0006;

pub(super) fn u16_at(b: &[u8], i: usize) -> Option<u16> {
    let s = b.get(i..i.checked_add(2)?)?;
    Some(u16::from_le_bytes([s[0], s[1]]))
}

pub(super) fn u32_at(b: &[u8], i: usize) -> Option<u32> {
    let s = b.get(i..i.checked_add(4)?)?;
    Some(u32::from_le_bytes([s[0], s[1], s[2], s[3]]))
}

pub(super) fn f64_at(b: &[u8], i: usize) -> Option<f64> {
    let s = b.get(i..i.checked_add(8)?)?;
    let mut a = [0u8; 8];
    a.copy_from_slice(s);
    Some(f64::from_le_bytes(a))
}

/// One record, with the raw CONTINUE records that follow it.
pub(super) struct Record<'a> {
    pub(super) typ: u16,
    pub(super) data: &'a [u8],
    pub(super) conts: &'a [u8],
}

pub(super) struct Records<'a> {
    pub(super) s: &'a [u8],
    pub(super) pos: usize,
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
pub(super) fn decode(bytes: &[u8], high: bool, out: &mut String) {
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
pub(super) fn unicode_string(b: &[u8]) -> Result<String, String> {
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
pub(super) fn read_sst(
    path: &str,
    rec: &Record<'_>,
    budget: &mut Budget,
) -> Result<Vec<String>, ImportError> {
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
        let (cch, flags, runs, ext) =
            string_header(&mut b).ok_or_else(|| bad("a string header is cut short"))?;
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
        let s = string_chars(&mut b, cch, flags & 1 != 0).map_err(bad)?;
        if !b.skip(u64::from(runs) * 4) || !b.skip(u64::from(ext)) {
            return Err(bad("a string's formatting runs past the end of the table"));
        }
        budget.string(s.len(), at)?;
        strings.push(s);
    }
    Ok(strings)
}

/// A shared string's header: its character count, flags, and the number of
/// formatting runs and bytes of extended data after its characters.
fn string_header(b: &mut Blocks<'_>) -> Option<(usize, u8, u16, u32)> {
    let head = b.take(3)?;
    let cch = u16_at(head, 0).unwrap_or(0) as usize;
    let flags = head[2];
    let runs = if flags & 0x8 != 0 {
        u16_at(b.take(2)?, 0).unwrap_or(0)
    } else {
        0
    };
    let ext = if flags & 0x4 != 0 {
        u32_at(b.take(4)?, 0).unwrap_or(0)
    } else {
        0
    };
    Some((cch, flags, runs, ext))
}

/// A shared string's `cch` characters, running on into the next CONTINUE
/// records (each continued run starts with its own flags byte).
fn string_chars(b: &mut Blocks<'_>, cch: usize, mut high: bool) -> Result<String, &'static str> {
    let mut s = String::new();
    let mut left = cch;
    loop {
        let avail = if high { b.cur.len() / 2 } else { b.cur.len() };
        let k = avail.min(left);
        let bytes = b.take(if high { k * 2 } else { k }).unwrap_or_default();
        decode(bytes, high, &mut s);
        left -= k;
        if left == 0 {
            return Ok(s);
        }
        if !b.next_block() {
            return Err("a string runs past the end of the table");
        }
        let f = b.take(1).ok_or("a continued string has no flags")?;
        high = f[0] & 1 != 0;
    }
}
