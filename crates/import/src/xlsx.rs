//! xlsx workbooks (Office Open XML), streamed from the guarded zip
//! container ([`crate::zipguard`]) with quick-xml, one event at a time.
//!
//! The parts are found as Excel and calamine find them: `_rels/.rels` names
//! the workbook part; `sharedStrings.xml`, `styles.xml` and the workbook's
//! relationships sit beside it; `workbook.xml` lists the sheets (name and
//! relationship id) and `date1904`. Shared strings are concatenated rich
//! text runs without phonetic runs (`rPh`); `styles.xml` gives, for each
//! cell format (`cellXfs`), whether its number format shows a date. Cells
//! come out exactly as calamine's did (the fixture comparison test checks
//! it), with these differences, all about hostile input: a declared
//! `<dimension>` and every cell position are checked against the limits
//! before anything is kept; nothing is allocated from `uniqueCount` or from
//! dimensions; cells, strings and text runs are bounded in length; dates
//! outside the years 1900-2199 become [`Cell::Invalid`]; unknown elements
//! inside a cell are skipped instead of failing the workbook.

use crate::error::ImportError;
use crate::grid::{
    check_cell, check_extent, check_sheet_count, malformed, too_large, Budget, SheetBuilder,
};
use crate::limits::{cell_ref, thousands, MAX_CELL_CHARS};
use crate::sheet::{Cell, RawSheet};
use crate::values::{
    builtin_format_text, custom_format, error_cell, iso_cell, number_cell, xlsx_error_name, NumFmt,
};
use crate::zipguard::{xml_error, Archive, Xml};
use quick_xml::events::{BytesRef, BytesStart, Event};
use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::fmt;

/// Bytes of text one cell may gather while it is read (a character is at
/// most four bytes); past this it is over-long whatever it decodes to.
pub(crate) const CELL_TEXT_BYTES: usize = MAX_CELL_CHARS * 4;

/// `(key, raw value)` of every attribute, without quick-xml's duplicate
/// check (which is quadratic in the number of attributes).
pub(crate) fn attrs<'a>(
    e: &'a BytesStart<'_>,
) -> impl Iterator<Item = Result<(&'a str, Cow<'a, str>), quick_xml::Error>> {
    let mut it = e.attributes();
    it.with_checks(false);
    it.map(|a| {
        a.map(|a| (a.key.into_inner(), a.value))
            .map_err(quick_xml::Error::from)
    })
}

pub(crate) fn attr<'a>(
    e: &'a BytesStart<'_>,
    key: &str,
) -> Result<Option<Cow<'a, str>>, quick_xml::Error> {
    for a in attrs(e) {
        let (k, v) = a?;
        if k == key {
            return Ok(Some(v));
        }
    }
    Ok(None)
}

fn local_matches(key: &str, local: &str) -> bool {
    key == local || key.strip_suffix(local).is_some_and(|p| p.ends_with(':'))
}

/// An attribute value with its entities resolved.
pub(crate) fn unescape_attr(raw: &str) -> Result<String, quick_xml::Error> {
    Ok(quick_xml::escape::unescape(raw)
        .map_err(quick_xml::Error::from)?
        .into_owned())
}

/// `&amp;` and friends, and character references.
pub(crate) fn push_ref(r: &BytesRef<'_>, out: &mut String) -> Result<(), quick_xml::Error> {
    if let Some(s) = quick_xml::escape::resolve_xml_entity(r) {
        out.push_str(s);
        return Ok(());
    }
    if let Some(c) = r.resolve_char_ref()? {
        out.push(c);
        return Ok(());
    }
    Err(quick_xml::Error::from(
        quick_xml::escape::EscapeError::UnrecognizedEntity(0..0, format!("&{};", &**r)),
    ))
}

/// Excel's `_xHHHH_` escapes (a UTF-16 unit each; `_x005F_` is `_`).
fn unescape_excel(s: &str) -> Cow<'_, str> {
    fn unit_at(b: &[u8], i: usize) -> Option<u16> {
        let e = b.get(i..i + 7)?;
        if e[0] != b'_'
            || e[1] != b'x'
            || e[6] != b'_'
            || !e[2..6].iter().all(u8::is_ascii_hexdigit)
        {
            return None;
        }
        u16::from_str_radix(std::str::from_utf8(&e[2..6]).ok()?, 16).ok()
    }
    let b = s.as_bytes();
    let find = |from: usize| -> Option<(usize, u16)> {
        let mut i = from;
        while let Some(k) = memchr::memchr(b'_', b.get(i..)?) {
            if let Some(u) = unit_at(b, i + k) {
                return Some((i + k, u));
            }
            i += k + 1;
        }
        None
    };
    let Some((mut at, mut unit)) = find(0) else {
        return Cow::Borrowed(s);
    };
    let mut out = String::with_capacity(s.len());
    let mut copied = 0;
    loop {
        out.push_str(s.get(copied..at).unwrap_or_default());
        let mut next = at + 7;
        match unit {
            0xD800..=0xDBFF => match unit_at(b, next) {
                Some(low @ 0xDC00..=0xDFFF) => {
                    let cp =
                        0x10000 + ((u32::from(unit) - 0xD800) << 10) + (u32::from(low) - 0xDC00);
                    out.push(char::from_u32(cp).unwrap_or(char::REPLACEMENT_CHARACTER));
                    next += 7;
                }
                _ => out.push(char::REPLACEMENT_CHARACTER),
            },
            0xDC00..=0xDFFF => out.push(char::REPLACEMENT_CHARACTER),
            _ => out.push(char::from_u32(u32::from(unit)).unwrap_or(char::REPLACEMENT_CHARACTER)),
        }
        copied = next;
        match find(next) {
            Some(n) => (at, unit) = n,
            None => break,
        }
    }
    out.push_str(s.get(copied..).unwrap_or_default());
    Cow::Owned(out)
}

/// Where a read is, for messages: the part, and a sheet and cell in it.
pub(crate) struct Place<'a> {
    pub(crate) path: &'a str,
    pub(crate) part: String,
    /// Where, short of the cell: `sheet outages`, `part ..., string 3`.
    pub(crate) at: String,
    /// The 1-based row and column being read (no column: the row), and
    /// whether that cell is done; kept as numbers, written out only for a
    /// message.
    pub(crate) cell: Option<(u64, Option<u64>, bool)>,
}

impl Place<'_> {
    pub(crate) fn new<'a>(path: &'a str, part: &str, at: String) -> Place<'a> {
        Place {
            path,
            part: part.to_string(),
            at,
            cell: None,
        }
    }

    /// Where the read is, for a message.
    pub(crate) fn here(&self) -> String {
        match self.cell {
            Some((row, Some(col), done)) => format!(
                "{}, {}cell {}",
                self.at,
                if done { "after " } else { "" },
                cell_ref(row, col)
            ),
            Some((row, None, _)) => format!("{}, row {row}", self.at),
            None => self.at.clone(),
        }
    }

    pub(crate) fn xml(&self, e: quick_xml::Error) -> ImportError {
        xml_error(self.path, &self.part, &self.here(), e)
    }

    /// A malformed-file error here.
    pub(crate) fn bad(&self, m: impl fmt::Display) -> ImportError {
        malformed(self.path, format!("{}: {m}", self.here()))
    }

    pub(crate) fn long(&self) -> ImportError {
        too_large(
            self.path,
            if self.at.is_empty() {
                format!("part {}", self.part)
            } else {
                self.here()
            },
            format!(
                "the cell holds more than the {} characters a cell may hold",
                thousands(MAX_CELL_CHARS as u64)
            ),
            MAX_CELL_CHARS as u64,
        )
    }
}

/// Reads a rich or plain string up to the end of `closing` (an `si` or
/// `is` element): the text of every `t` outside phonetic runs, joined.
fn read_string(xml: &mut Xml<'_>, closing: &str, place: &Place<'_>) -> Result<String, ImportError> {
    let mut buf = Vec::new();
    let mut out = String::new();
    let mut phonetic = false;
    loop {
        match xml.next(&mut buf).map_err(|e| place.xml(e))? {
            Event::End(e) if e.name().as_ref() == closing => return Ok(out),
            Event::Start(e) if e.local_name().as_ref() == "rPh" => phonetic = true,
            Event::End(e) if e.local_name().as_ref() == "rPh" => phonetic = false,
            Event::Start(e) if e.local_name().as_ref() == "t" && !phonetic => {
                let preserve =
                    attr(&e, "xml:space").map_err(|e| place.xml(e))?.as_deref() == Some("preserve");
                let name = e.name().as_ref().to_string();
                let mut value = String::new();
                let mut inner = Vec::new();
                loop {
                    match xml.next(&mut inner).map_err(|e| place.xml(e))? {
                        Event::Text(t) => value.push_str(&t.xml10_content()),
                        Event::CData(t) => value.push_str(&t.xml10_content()),
                        Event::GeneralRef(r) => {
                            push_ref(&r, &mut value).map_err(|e| place.xml(e))?
                        }
                        Event::End(end) if end.name().as_ref() == name.as_str() => break,
                        Event::Eof => {
                            return Err(malformed(
                                place.path,
                                format!("part {}: unexpected end inside <t>", place.part),
                            ))
                        }
                        _ => {}
                    }
                    if value.len() > CELL_TEXT_BYTES {
                        return Err(place.long());
                    }
                }
                let value = if preserve {
                    value.as_str()
                } else {
                    value.trim_matches([' ', '\t', '\r', '\n'])
                };
                out.push_str(&unescape_excel(value));
                if out.len() > CELL_TEXT_BYTES {
                    return Err(place.long());
                }
            }
            Event::Eof => {
                return Err(malformed(
                    place.path,
                    format!("part {}: unexpected end inside a string", place.part),
                ))
            }
            _ => {}
        }
    }
}

/// `(folder, workbook file name)` of the workbook part, from `_rels/.rels`.
fn workbook_part(zip: &mut Archive<'_>, path: &str) -> Result<(String, String), ImportError> {
    let place = Place::new(path, "_rels/.rels", String::new());
    let Some(mut xml) = zip.xml("_rels/.rels")? else {
        return Err(malformed(
            path,
            "not an xlsx workbook: the zip has no _rels/.rels",
        ));
    };
    let mut buf = Vec::new();
    let mut target = None;
    loop {
        match xml.next(&mut buf).map_err(|e| place.xml(e))? {
            Event::Start(e) if e.local_name().as_ref() == "Relationship" => {
                let (mut typ, mut tgt) = (None, None);
                for a in attrs(&e) {
                    let (k, v) = a.map_err(|e| place.xml(e))?;
                    match k {
                        "Type" => typ = Some(v),
                        "Target" => tgt = Some(v),
                        _ => {}
                    }
                }
                if typ.is_some_and(|t| t.ends_with("/relationships/officeDocument")) {
                    if let Some(t) = tgt {
                        target = Some(unescape_attr(&t).map_err(|e| place.xml(e))?);
                    }
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    let Some(target) = target else {
        return Err(malformed(
            path,
            "not an xlsx workbook: _rels/.rels names no workbook part",
        ));
    };
    let (dir, name) = match target.rfind('/') {
        Some(i) => target.split_at(i + 1),
        None => ("", target.as_str()),
    };
    let dir = dir.strip_prefix('/').unwrap_or(dir).to_string();
    let name = if name.is_empty() {
        "workbook.xml"
    } else {
        name
    };
    Ok((dir, name.to_string()))
}

fn shared_strings(
    zip: &mut Archive<'_>,
    path: &str,
    part: &str,
    budget: &mut Budget,
) -> Result<Vec<String>, ImportError> {
    let mut place = Place::new(path, part, String::new());
    let Some(mut xml) = zip.xml(part)? else {
        return Ok(Vec::new());
    };
    // `uniqueCount` is not trusted: the table grows with the strings read.
    let mut strings = Vec::new();
    let mut buf = Vec::new();
    loop {
        match xml.next(&mut buf).map_err(|e| place.xml(e))? {
            Event::Start(e) if e.local_name().as_ref() == "si" => {
                let name = e.name().as_ref().to_string();
                place.at = format!("part {part}, string {}", strings.len());
                let s = read_string(&mut xml, &name, &place)?;
                crate::grid::check_chars(path, || place.at.clone(), &s)?;
                budget.string(s.len(), || place.at.clone())?;
                strings.push(s);
            }
            Event::End(e) if e.local_name().as_ref() == "sst" => break,
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(strings)
}

/// For each cell format (`cellXfs`), what its number format shows.
fn styles(
    zip: &mut Archive<'_>,
    path: &str,
    part: &str,
    budget: &mut Budget,
) -> Result<Vec<NumFmt>, ImportError> {
    let place = Place::new(path, part, String::new());
    let Some(mut xml) = zip.xml(part)? else {
        return Ok(Vec::new());
    };
    let mut custom: HashMap<String, NumFmt> = HashMap::new();
    let mut formats = Vec::new();
    let (mut in_fmts, mut in_xfs) = (false, false);
    let mut buf = Vec::new();
    loop {
        match xml.next(&mut buf).map_err(|e| place.xml(e))? {
            Event::Start(e) => match e.local_name().as_ref() {
                "numFmts" => in_fmts = true,
                "cellXfs" => in_xfs = true,
                "numFmt" if in_fmts => {
                    let (mut id, mut code) = (None, None);
                    for a in attrs(&e) {
                        let (k, v) = a.map_err(|e| place.xml(e))?;
                        match k {
                            "numFmtId" => id = Some(v.into_owned()),
                            "formatCode" => {
                                code = Some(unescape_attr(&v).map_err(|e| place.xml(e))?)
                            }
                            _ => {}
                        }
                    }
                    if let (Some(id), Some(code)) = (id, code) {
                        budget.string(id.len(), || format!("part {part}"))?;
                        custom.insert(id, custom_format(&code));
                    }
                }
                "xf" if in_xfs => {
                    let f = match attr(&e, "numFmtId").map_err(|e| place.xml(e))? {
                        None => NumFmt::Other,
                        Some(v) => custom
                            .get(v.as_ref())
                            .copied()
                            .unwrap_or_else(|| builtin_format_text(&v)),
                    };
                    formats.push(f);
                    xml.skip(&mut buf).map_err(|e| place.xml(e))?;
                }
                _ => {}
            },
            Event::End(e) => match e.local_name().as_ref() {
                "numFmts" => in_fmts = false,
                "cellXfs" => in_xfs = false,
                "styleSheet" => break,
                _ => {}
            },
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(formats)
}

/// Relationship id to `(target, type)`, raw as written.
fn relationships(
    zip: &mut Archive<'_>,
    path: &str,
    part: &str,
    budget: &mut Budget,
) -> Result<HashMap<String, (String, String)>, ImportError> {
    let place = Place::new(path, part, String::new());
    let Some(mut xml) = zip.xml(part)? else {
        return Err(malformed(
            path,
            format!("the workbook's relationships ({part}) are missing"),
        ));
    };
    let mut rels = HashMap::new();
    let mut buf = Vec::new();
    loop {
        match xml.next(&mut buf).map_err(|e| place.xml(e))? {
            Event::Start(e) if e.local_name().as_ref() == "Relationship" => {
                let (mut id, mut typ, mut target) = (None, String::new(), String::new());
                for a in attrs(&e) {
                    let (k, v) = a.map_err(|e| place.xml(e))?;
                    match k {
                        "Id" => id = Some(v.into_owned()),
                        "Type" => typ = v.into_owned(),
                        "Target" => target = v.into_owned(),
                        _ => {}
                    }
                }
                if let Some(id) = id {
                    budget.string(id.len() + typ.len() + target.len(), || {
                        format!("part {part}")
                    })?;
                    rels.insert(id, (target, typ));
                }
            }
            Event::End(e) if e.local_name().as_ref() == "Relationships" => break,
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(rels)
}

struct SheetEntry {
    name: String,
    /// The part, or `None` for a chart or dialog sheet (no cells).
    part: Option<String>,
}

fn workbook(
    zip: &mut Archive<'_>,
    path: &str,
    part: &str,
    rels: &HashMap<String, (String, String)>,
    dir: &str,
    budget: &mut Budget,
) -> Result<(Vec<SheetEntry>, bool), ImportError> {
    let place = Place::new(path, part, String::new());
    let Some(mut xml) = zip.xml(part)? else {
        return Ok((Vec::new(), false));
    };
    let mut sheets = Vec::new();
    let mut is_1904 = false;
    let mut buf = Vec::new();
    loop {
        match xml.next(&mut buf).map_err(|e| place.xml(e))? {
            Event::Start(e) if e.local_name().as_ref() == "sheet" => {
                let (mut name, mut rid) = (String::new(), String::new());
                for a in attrs(&e) {
                    let (k, v) = a.map_err(|e| place.xml(e))?;
                    if k == "name" {
                        name = unescape_attr(&v).map_err(|e| place.xml(e))?;
                    } else if local_matches(k, "id") {
                        rid = v.into_owned();
                    }
                }
                check_sheet_count(path, sheets.len())?;
                budget.string(name.len(), || format!("part {part}"))?;
                let Some((target, typ)) = rels.get(&rid) else {
                    return Err(malformed(
                        path,
                        format!("sheet `{name}`: relationship `{rid}` not found"),
                    ));
                };
                let part = match target.strip_prefix('/') {
                    Some(abs) => abs.to_string(),
                    None => format!("{dir}{target}"),
                };
                let is_worksheet = typ.rsplit('/').next() == Some("worksheet");
                sheets.push(SheetEntry {
                    name,
                    part: is_worksheet.then_some(part),
                });
            }
            Event::Start(e) if e.local_name().as_ref() == "workbookPr" => {
                if let Some(v) = attr(&e, "date1904").map_err(|e| place.xml(e))? {
                    is_1904 = v == "1" || v == "true";
                }
            }
            Event::End(e) if e.local_name().as_ref() == "workbook" => break,
            Event::Eof => break,
            _ => {}
        }
    }
    Ok((sheets, is_1904))
}

/// A reference such as `B12` (or a row number alone) as 0-based
/// `(row, column)`; the column is `None` when there are no letters.
/// Saturates instead of overflowing: positions are checked afterwards.
fn parse_ref(s: &str) -> Option<(u64, Option<u64>)> {
    let b = s.as_bytes();
    let mut i = 0;
    let mut col: u64 = 0;
    while let Some(&c) = b.get(i) {
        match c {
            b'A'..=b'Z' => {
                col = col
                    .saturating_mul(26)
                    .saturating_add(u64::from(c - b'A') + 1)
            }
            b'a'..=b'z' => {
                col = col
                    .saturating_mul(26)
                    .saturating_add(u64::from(c - b'a') + 1)
            }
            _ => break,
        }
        i += 1;
    }
    let digits = b.get(i..)?;
    if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let mut row: u64 = 0;
    for d in digits {
        row = row.saturating_mul(10).saturating_add(u64::from(d - b'0'));
    }
    let row = row.checked_sub(1)?;
    Some((row, col.checked_sub(1)))
}

struct Book<'a> {
    strings: &'a [String],
    formats: &'a [NumFmt],
    is_1904: bool,
}

/// A `<v>` value by the cell's type and style, as calamine reads it.
fn value(
    book: &Book<'_>,
    v: &str,
    style: Option<&str>,
    typ: Option<&str>,
    place: &Place<'_>,
) -> Result<Cell, ImportError> {
    let bad = |m: String| place.bad(m);
    let fmt = match style {
        Some(s) => book.formats.get(s.parse::<usize>().unwrap_or(0)).copied(),
        None => Some(NumFmt::Other),
    };
    Ok(match typ {
        Some("s") => {
            if v.is_empty() {
                return Ok(Cell::Empty);
            }
            let i = v.parse::<usize>().unwrap_or(0);
            match book.strings.get(i) {
                Some(s) => Cell::Text(s.clone()),
                None => {
                    return Err(bad(format!(
                        "shared string {i} does not exist (the workbook has {})",
                        book.strings.len()
                    )))
                }
            }
        }
        Some("b") => match v.trim() {
            "" => Cell::Empty,
            t if t == "0" || t.eq_ignore_ascii_case("false") => Cell::Text("false".into()),
            t if t == "1" || t.eq_ignore_ascii_case("true") => Cell::Text("true".into()),
            _ => return Err(bad(format!("`{v}` is not a boolean value"))),
        },
        Some("d") => iso_cell(v),
        Some("e") => match xlsx_error_name(v) {
            Some(n) => error_cell(n),
            None => return Err(bad(format!("`{v}` is not a cell error value"))),
        },
        Some("str") => Cell::Text(unescape_excel(v).into_owned()),
        Some("n") | None => {
            if v.is_empty() {
                return Ok(Cell::Empty);
            }
            match v.parse::<f64>() {
                Ok(f) => number_cell(f, fmt, book.is_1904),
                Err(_) if typ.is_none() => Cell::Text(v.to_string()),
                Err(_) => return Err(bad(format!("`{v}` is not a number"))),
            }
        }
        Some(t) => return Err(bad(format!("unknown cell type `{t}`"))),
    })
}

/// Reads the body of a `<c>` element up to its end, with `buf` and
/// `inner` as scratch.
#[allow(clippy::too_many_arguments)]
fn read_cell(
    xml: &mut Xml<'_>,
    book: &Book<'_>,
    style: Option<&str>,
    typ: Option<&str>,
    place: &Place<'_>,
    buf: &mut Vec<u8>,
    inner: &mut Vec<u8>,
) -> Result<Cell, ImportError> {
    let mut cell = Cell::Empty;
    loop {
        match xml.next(buf).map_err(|e| place.xml(e))? {
            Event::Start(e) => match e.local_name().as_ref() {
                "is" => cell = Cell::Text(read_string(xml, e.name().as_ref(), place)?),
                "v" if matches!(typ, Some("inlineStr") | Some("is")) => {
                    xml.skip(inner).map_err(|e| place.xml(e))?;
                    cell = Cell::Empty;
                }
                "v" if matches!(typ, Some("n") | Some("s") | Some("b") | Some("e") | None) => {
                    // Plain ASCII values: the first text event, raw;
                    // anything else there makes the cell empty.
                    let (v, depth) = match xml.next(inner).map_err(|e| place.xml(e))? {
                        Event::Text(t) => (value(book, &t, style, typ, place)?, 1),
                        Event::End(_) => (Cell::Empty, 0),
                        Event::Start(_) => (Cell::Empty, 2),
                        Event::Eof => return Err(place.bad("unexpected end inside <v>")),
                        _ => (Cell::Empty, 1),
                    };
                    for _ in 0..depth {
                        xml.skip(inner).map_err(|e| place.xml(e))?;
                    }
                    cell = v;
                }
                "v" => {
                    let mut v = String::new();
                    loop {
                        match xml.next(inner).map_err(|e| place.xml(e))? {
                            Event::Text(t) => v.push_str(&t.xml10_content()),
                            Event::GeneralRef(r) => {
                                push_ref(&r, &mut v).map_err(|e| place.xml(e))?
                            }
                            Event::End(end) if end.name().as_ref() == e.name().as_ref() => break,
                            Event::Eof => return Err(place.bad("unexpected end inside <v>")),
                            _ => {}
                        }
                        if v.len() > CELL_TEXT_BYTES {
                            return Err(place.long());
                        }
                    }
                    cell = value(book, &v, style, typ, place)?;
                }
                // A formula (its cached value is in <v>), or anything
                // else: skipped.
                _ => {
                    xml.skip(inner).map_err(|e| place.xml(e))?;
                    cell = Cell::Empty;
                }
            },
            Event::End(e) if e.local_name().as_ref() == "c" => return Ok(cell),
            Event::Eof => return Err(place.bad("unexpected end inside a cell")),
            _ => {}
        }
    }
}

fn read_sheet(
    zip: &mut Archive<'_>,
    index: usize,
    path: &str,
    name: &str,
    part: &str,
    book: &Book<'_>,
    budget: &mut Budget,
) -> Result<RawSheet, ImportError> {
    let mut place = Place::new(path, part, format!("sheet {name}"));
    let mut xml = zip.xml_at(index)?;
    let mut builder = SheetBuilder::new(path, name);
    let (mut buf, mut scratch, mut inner) = (Vec::new(), Vec::new(), Vec::new());
    // Up to <sheetData>: the declared dimension, if any.
    loop {
        match xml.next(&mut buf).map_err(|e| place.xml(e))? {
            Event::Start(e) => match e.local_name().as_ref() {
                "dimension" => {
                    if let Some(r) = attr(&e, "ref").map_err(|e| place.xml(e))? {
                        let last = r.rsplit(':').next().unwrap_or_default();
                        let Some((row, Some(col))) = parse_ref(last) else {
                            return Err(malformed(
                                path,
                                format!("sheet {name}: dimension `{r}` is not a cell range"),
                            ));
                        };
                        check_extent(
                            path,
                            name,
                            &format!("dimension {r}"),
                            row.saturating_add(1),
                            col.saturating_add(1),
                        )?;
                    }
                }
                "sheetData" => break,
                _ => {}
            },
            // No sheetData: not a worksheet (calamine: an empty range).
            Event::Eof => return builder.finish(budget),
            _ => {}
        }
    }
    let (mut row_index, mut col_index): (u64, u64) = (0, 0);
    loop {
        match xml.next(&mut buf).map_err(|e| place.xml(e))? {
            Event::Start(e) if e.local_name().as_ref() == "row" => {
                if let Some(r) = attr(&e, "r").map_err(|e| place.xml(e))? {
                    let Some((row, _)) = parse_ref(&r) else {
                        return Err(malformed(
                            path,
                            format!("sheet {name}: row number `{r}` is not valid"),
                        ));
                    };
                    row_index = row;
                }
            }
            Event::End(e) if e.local_name().as_ref() == "row" => {
                row_index = row_index.saturating_add(1);
                col_index = 0;
            }
            Event::Start(e) if e.local_name().as_ref() == "c" => {
                let (mut r, mut s, mut t) = (None, None, None);
                for a in attrs(&e) {
                    let (k, v) = a.map_err(|e| place.xml(e))?;
                    match k {
                        "r" => r = Some(v),
                        "s" => s = Some(v),
                        "t" => t = Some(v),
                        _ => {}
                    }
                }
                let (row, col) = match &r {
                    Some(r) => match parse_ref(r) {
                        Some((row, Some(col))) => {
                            col_index = col;
                            (row, col)
                        }
                        _ => {
                            return Err(malformed(
                                path,
                                format!("sheet {name}: cell reference `{r}` is not valid"),
                            ))
                        }
                    },
                    None => (row_index, col_index),
                };
                check_cell(
                    path,
                    name,
                    r.as_deref(),
                    row.saturating_add(1),
                    col.saturating_add(1),
                )?;
                place.cell = Some((row + 1, Some(col + 1), false));
                let cell = read_cell(
                    &mut xml,
                    book,
                    s.as_deref(),
                    t.as_deref(),
                    &place,
                    &mut scratch,
                    &mut inner,
                )?;
                col_index = col_index.saturating_add(1);
                // Checked above: both fit in u32.
                builder.put(budget, row as u32, col as u32, cell)?;
                place.cell = Some((row + 1, Some(col + 1), true));
            }
            Event::End(e) if e.local_name().as_ref() == "sheetData" => break,
            Event::Eof => return Err(place.bad("the sheet data ends early")),
            _ => {}
        }
    }
    builder.finish(budget)
}

/// Every sheet of an xlsx workbook, in the workbook's order.
pub(crate) fn read(
    mut zip: Archive<'_>,
    path: &str,
    budget: &mut Budget,
) -> Result<Vec<RawSheet>, ImportError> {
    let (dir, book_name) = workbook_part(&mut zip, path)?;
    let strings = shared_strings(&mut zip, path, &format!("{dir}sharedStrings.xml"), budget)?;
    let formats = styles(&mut zip, path, &format!("{dir}styles.xml"), budget)?;
    let rels = relationships(
        &mut zip,
        path,
        &format!("{dir}_rels/{book_name}.rels"),
        budget,
    )?;
    let (sheets, is_1904) = workbook(
        &mut zip,
        path,
        &format!("{dir}{book_name}"),
        &rels,
        &dir,
        budget,
    )?;
    let book = Book {
        strings: &strings,
        formats: &formats,
        is_1904,
    };
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    for sheet in sheets {
        let Some(part) = sheet.part else {
            out.push(SheetBuilder::new(path, &sheet.name).finish(budget)?);
            continue;
        };
        let Some(index) = zip.find(&part) else {
            return Err(malformed(
                path,
                format!("sheet `{}`: its part {part} is missing", sheet.name),
            ));
        };
        if !seen.insert(index) {
            return Err(malformed(
                path,
                format!("sheet `{}`: its part {part} is another sheet's", sheet.name),
            ));
        }
        out.push(read_sheet(
            &mut zip,
            index,
            path,
            &sheet.name,
            &part,
            &book,
            budget,
        )?);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_and_escapes() {
        assert_eq!(parse_ref("A1"), Some((0, Some(0))));
        assert_eq!(parse_ref("XFD1048576"), Some((1_048_575, Some(16_383))));
        assert_eq!(parse_ref("12"), Some((11, None)));
        assert_eq!(parse_ref("A0"), None);
        assert_eq!(parse_ref("A"), None);
        assert_eq!(parse_ref("A1:B2"), None);
        let (r, c) = parse_ref(&format!("{}1", "Z".repeat(40))).unwrap();
        assert_eq!((r, c), (0, Some(u64::MAX - 1)));
        assert_eq!(unescape_excel("a_x000D_b"), "a\rb");
        assert_eq!(unescape_excel("_x005F_x000D_"), "_x000D_");
        assert_eq!(unescape_excel("_xD83D__xDCF7_"), "\u{1F4F7}");
        assert_eq!(unescape_excel("plain_x"), "plain_x");
    }
}
