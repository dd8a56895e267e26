//! A worksheet part: its declared dimension checked against the limits,
//! then each cell's position checked before its value (by type and style,
//! as calamine reads it) is kept.

use super::fast;
use super::xml::{attr, attrs, push_ref, read_string, unescape_excel, Place, CELL_TEXT_BYTES};
use crate::error::ImportError;
use crate::grid::{check_cell, check_extent, malformed, Budget, SheetBuilder};
use crate::sheet::{Cell, RawSheet};
use crate::stream::CellTarget;
use crate::values::{error_cell, iso_cell, number_cell, xlsx_error_name, NumFmt};
use crate::zipguard::{Archive, Xml};
use quick_xml::events::{BytesStart, Event};
use std::borrow::Cow;

/// A reference such as `B12` (or a row number alone) as 0-based
/// `(row, column)`; the column is `None` when there are no letters.
/// Saturates instead of overflowing: positions are checked afterwards.
pub(super) fn parse_ref(s: &str) -> Option<(u64, Option<u64>)> {
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

/// What every sheet's values are read with.
pub(super) struct Book<'a> {
    pub(super) strings: &'a [String],
    pub(super) formats: &'a [NumFmt],
    pub(super) is_1904: bool,
}

/// A `<v>` value by the cell's type and style, as calamine reads it.
pub(super) fn value(
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

/// Reads the worksheet at zip entry `index` (part `part`) as sheet `name`.
pub(super) fn read_sheet(
    zip: &mut Archive<'_>,
    index: usize,
    path: &str,
    name: &str,
    part: &str,
    book: &Book<'_>,
    budget: &mut Budget,
) -> Result<RawSheet, ImportError> {
    let at = SheetAt {
        index,
        path,
        name,
        part,
    };
    walk_any(zip, &at, book, budget, || SheetBuilder::new(path, name))?.finish(budget)
}

/// Puts a worksheet's cells into a target made by `fresh`: with the fast
/// reader when it can, else with the event reader, from the start and
/// into a fresh target.
pub(super) fn walk_any<T: CellTarget>(
    zip: &mut Archive<'_>,
    at: &SheetAt<'_>,
    book: &Book<'_>,
    budget: &mut Budget,
    fresh: impl Fn() -> T,
) -> Result<T, ImportError> {
    let mut target = fresh();
    if fast::enabled() {
        let (before, bytes) = (budget.clone(), zip.bytes_read());
        if fast::walk(zip.xml_at(at.index)?, at, book, budget, &mut target)? {
            return Ok(target);
        }
        // The fast reader gave up: the event reader decides.
        target = fresh();
        *budget = before;
        zip.set_bytes_read(bytes);
    }
    walk_sheet(zip, at, book, budget, &mut target)?;
    Ok(target)
}

/// Where a worksheet is: its zip entry, the workbook's path, the sheet's
/// name and part.
#[derive(Clone, Copy)]
pub(super) struct SheetAt<'a> {
    pub(super) index: usize,
    pub(super) path: &'a str,
    pub(super) name: &'a str,
    pub(super) part: &'a str,
}

/// Puts every cell of a worksheet into `target`, in file order.
pub(super) fn walk_sheet(
    zip: &mut Archive<'_>,
    at: &SheetAt<'_>,
    book: &Book<'_>,
    budget: &mut Budget,
    target: &mut impl CellTarget,
) -> Result<(), ImportError> {
    walk_events(zip.xml_at(at.index)?, at, book, budget, target)
}

/// [`walk_sheet`] on a part already open: the event reader, which decides
/// every case the fast reader gives up on.
pub(super) fn walk_events(
    mut xml: Xml<'_>,
    at: &SheetAt<'_>,
    book: &Book<'_>,
    budget: &mut Budget,
    target: &mut impl CellTarget,
) -> Result<(), ImportError> {
    let SheetAt {
        path, name, part, ..
    } = *at;
    let mut place = Place::new(path, part, format!("sheet {name}"));
    let (mut buf, mut scratch, mut inner) = (Vec::new(), Vec::new(), Vec::new());
    if to_sheet_data(&mut xml, &mut buf, &place, name)? == SheetData::Missing {
        // No sheetData: not a worksheet (calamine: an empty range).
        return Ok(());
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
                let [r, s, t] = cell_attrs(&e, &place)?;
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
                target.put(budget, row as u32, col as u32, cell)?;
                place.cell = Some((row + 1, Some(col + 1), true));
            }
            Event::End(e) if e.local_name().as_ref() == "sheetData" => break,
            Event::Eof => return Err(place.bad("the sheet data ends early")),
            _ => {}
        }
    }
    Ok(())
}

/// What comes before the cells: no `<sheetData>`, an empty one
/// (`<sheetData/>`, seen only when empty elements are kept as such), or
/// its start.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum SheetData {
    Missing,
    Empty,
    Open,
}

/// Reads up to `<sheetData>`, checking the declared dimension, if any.
pub(super) fn to_sheet_data(
    xml: &mut Xml<'_>,
    buf: &mut Vec<u8>,
    place: &Place<'_>,
    name: &str,
) -> Result<SheetData, ImportError> {
    let path = place.path;
    loop {
        let (e, empty) = match xml.next(buf).map_err(|e| place.xml(e))? {
            Event::Start(e) => (e, false),
            Event::Empty(e) => (e, true),
            Event::Eof => return Ok(SheetData::Missing),
            _ => continue,
        };
        match e.local_name().as_ref() {
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
            "sheetData" if empty => return Ok(SheetData::Empty),
            "sheetData" => return Ok(SheetData::Open),
            _ => {}
        }
    }
}

/// A `<c>` element's reference, style and type (`r`, `s`, `t`), raw.
fn cell_attrs<'a>(
    e: &'a BytesStart<'_>,
    place: &Place<'_>,
) -> Result<[Option<Cow<'a, str>>; 3], ImportError> {
    let (mut r, mut s, mut t) = (None, None, None);
    for a in attrs(e) {
        let (k, v) = a.map_err(|e| place.xml(e))?;
        match k {
            "r" => r = Some(v),
            "s" => s = Some(v),
            "t" => t = Some(v),
            _ => {}
        }
    }
    Ok([r, s, t])
}
