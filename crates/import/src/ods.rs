//! ods workbooks (OpenDocument spreadsheets), streamed from the guarded zip
//! container ([`crate::zipguard`]): `content.xml`, one table (sheet) after
//! another, one row at a time.
//!
//! Values are read as calamine read them (`office:value` for floats,
//! percentages and currencies; `office:date-value`; `office:time-value` as
//! text; `office:boolean-value`; strings from `office:string-value` or the
//! cell's paragraphs, several `text:p` joined with a newline, `text:s`,
//! `text:tab` and `text:line-break` expanded, annotations skipped; covered
//! (merged) cells like any other). Repeats are where ods differs from the
//! others: `table:number-rows-repeated` and `table:number-columns-repeated`
//! of empty cells and rows only move the position; repeats of cells that
//! hold something are checked against the row, column and cell limits
//! before a single copy is made.

use crate::error::ImportError;
use crate::grid::{check_position, malformed, Budget, SheetBuilder, CELL_BYTES, ROW_BYTES};
use crate::limits::{MAX_COLUMNS, MAX_ROW_NUMBER, MAX_SHEETS};
use crate::sheet::{Cell, RawSheet};
use crate::values::{float_text, iso_cell};
use crate::xlsx::{attr, attrs, push_ref, unescape_attr, Place, CELL_TEXT_BYTES};
use crate::zipguard::{Archive, Xml};
use quick_xml::events::{BytesStart, Event};
use std::io::Read;

const MIMETYPE: &[u8] = b"application/vnd.oasis.opendocument.spreadsheet";

fn is(e: &BytesStart<'_>, name: &str) -> bool {
    e.name().as_ref() == name
}

fn repeats(e: &BytesStart<'_>, key: &str, place: &Place<'_>) -> Result<u64, ImportError> {
    match attr(e, key).map_err(|e| place.xml(e))? {
        None => Ok(1),
        Some(v) => v
            .trim()
            .parse::<u64>()
            .map_err(|_| place.bad(format!("`{v}` is not a repeat count"))),
    }
}

/// One cell's value, and whether its end tag was read.
fn cell_value(
    xml: &mut Xml<'_>,
    e: &BytesStart<'_>,
    place: &Place<'_>,
) -> Result<(Cell, bool), ImportError> {
    let mut is_string = false;
    let mut is_error = false;
    let mut is_set = false;
    let mut val = Cell::Empty;
    for a in attrs(e) {
        let (k, v) = a.map_err(|e| place.xml(e))?;
        match k {
            "office:value" if !is_set => {
                let f = v
                    .trim()
                    .parse::<f64>()
                    .map_err(|_| place.bad(format!("`{v}` is not a number")))?;
                val = Cell::Number(float_text(f));
                is_set = true;
            }
            "office:string-value" | "office:date-value" | "office:time-value" if !is_set => {
                let s = unescape_attr(&v).map_err(|e| place.xml(e))?;
                val = match k {
                    "office:date-value" => iso_cell(&s),
                    _ => Cell::Text(s),
                };
                is_set = true;
            }
            "office:boolean-value" if !is_set => {
                let b = v == "TRUE" || v == "true";
                val = Cell::Text(b.to_string());
                is_set = true;
            }
            "office:value-type" if !is_set => is_string = v == "string",
            "calcext:value-type" => is_error = v == "error",
            _ => {}
        }
    }
    let empty_string = matches!(&val, Cell::Text(s) if s.is_empty());
    if !((!is_set && is_string) || (is_error && empty_string)) {
        return Ok((val, false));
    }
    // The text of the cell's paragraphs.
    let mut s = String::new();
    let mut first = true;
    let mut buf = Vec::new();
    loop {
        match xml.next(&mut buf).map_err(|e| place.xml(e))? {
            Event::Text(t) => s.push_str(&t.xml10_content()),
            Event::GeneralRef(r) => push_ref(&r, &mut s).map_err(|e| place.xml(e))?,
            Event::End(e)
                if e.name().as_ref() == "table:table-cell"
                    || e.name().as_ref() == "table:covered-table-cell" =>
            {
                return Ok((Cell::Text(s), true));
            }
            Event::Start(e) if is(&e, "office:annotation") => {
                xml.skip(&mut buf).map_err(|e| place.xml(e))?;
            }
            Event::Start(e) if is(&e, "text:p") => {
                if first {
                    first = false;
                } else {
                    s.push('\n');
                }
            }
            Event::Start(e) if is(&e, "text:s") => {
                let n = match attr(&e, "text:c").map_err(|e| place.xml(e))? {
                    None => 1,
                    Some(v) => v
                        .trim()
                        .parse::<u64>()
                        .map_err(|_| place.bad(format!("`{v}` is not a space count")))?,
                };
                if n > (CELL_TEXT_BYTES - s.len().min(CELL_TEXT_BYTES)) as u64 {
                    return Err(place.long());
                }
                s.extend(std::iter::repeat_n(' ', n as usize));
            }
            Event::Start(e) if is(&e, "text:tab") => s.push('\t'),
            Event::Start(e) if is(&e, "text:line-break") => s.push('\n'),
            Event::Eof => return Err(place.bad("unexpected end inside a cell")),
            _ => {}
        }
        if s.len() > CELL_TEXT_BYTES {
            return Err(place.long());
        }
    }
}

/// Cells that hold something in one row: `(first column, repeats, value)`,
/// 0-based columns, not yet copied.
type Runs = Vec<(u64, u64, Cell)>;

fn read_row(
    xml: &mut Xml<'_>,
    row: u64,
    place: &mut Place<'_>,
    sheet: &str,
) -> Result<Runs, ImportError> {
    let mut runs = Vec::new();
    let mut col: u64 = 0;
    let mut buf = Vec::new();
    loop {
        match xml.next(&mut buf).map_err(|e| place.xml(e))? {
            Event::Start(e) if is(&e, "table:table-cell") || is(&e, "table:covered-table-cell") => {
                let shown_row = row.saturating_add(1).min(MAX_ROW_NUMBER + 1);
                place.cell = Some((
                    shown_row,
                    Some(col.saturating_add(1).min(MAX_COLUMNS + 1)),
                    false,
                ));
                let n = repeats(&e, "table:number-columns-repeated", place)?;
                let (value, closed) = cell_value(xml, &e, place)?;
                if !closed {
                    xml.skip(&mut buf).map_err(|e| place.xml(e))?;
                }
                if !matches!(value, Cell::Empty) && n > 0 {
                    // The last copy must fit; the first one past the limit
                    // is the one named.
                    let last = col.saturating_add(n);
                    if last > MAX_COLUMNS {
                        check_position(
                            place.path,
                            sheet,
                            shown_row,
                            col.saturating_add(1).max(MAX_COLUMNS + 1),
                        )?;
                    }
                    runs.push((col, n, value));
                }
                col = col.saturating_add(n);
            }
            Event::End(e) if is_end(&e, "table:table-row") => return Ok(runs),
            Event::Eof => return Err(place.bad("unexpected end inside a row")),
            _ => {}
        }
    }
}

fn is_end(e: &quick_xml::events::BytesEnd<'_>, name: &str) -> bool {
    e.name().as_ref() == name
}

fn read_table(
    xml: &mut Xml<'_>,
    path: &str,
    name: &str,
    budget: &mut Budget,
) -> Result<RawSheet, ImportError> {
    let mut place = Place::new(path, "content.xml", format!("sheet {name}"));
    let mut builder = SheetBuilder::new(path, name);
    let mut row: u64 = 0;
    let mut buf = Vec::new();
    loop {
        match xml.next(&mut buf).map_err(|e| place.xml(e))? {
            Event::Start(e) if is(&e, "table:table-row") => {
                place.cell = Some((row.saturating_add(1), None, false));
                let n = repeats(&e, "table:number-rows-repeated", &place)?;
                let runs = read_row(xml, row, &mut place, name)?;
                if !runs.is_empty() && n > 0 {
                    let first_col = runs.first().map_or(0, |r| r.0) + 1;
                    let last_row = row.saturating_add(n);
                    if last_row > MAX_ROW_NUMBER {
                        check_position(
                            path,
                            name,
                            row.saturating_add(1).max(MAX_ROW_NUMBER + 1),
                            first_col,
                        )?;
                    }
                    // Every copy before any is made: cells (up to the last
                    // one in the row, plus the row itself) and text.
                    let width = runs.iter().map(|r| r.0 + r.1).max().unwrap_or(0);
                    let text: u64 = runs
                        .iter()
                        .map(|r| {
                            r.1.saturating_mul(Budget::text_cost(text_len(&r.2) as usize))
                        })
                        .fold(0, u64::saturating_add);
                    let at = || format!("sheet {name}, row {}", row.saturating_add(1));
                    let per_row = width
                        .saturating_mul(CELL_BYTES)
                        .saturating_add(ROW_BYTES)
                        .saturating_add(text);
                    let all = n.saturating_mul(per_row);
                    if all > budget.left() {
                        budget.charge(all, at)?;
                    }
                    // Checked above: rows and columns fit in u32.
                    for r in row..row + n {
                        for (col, count, value) in &runs {
                            for c in *col..col + count {
                                builder.put(budget, r as u32, c as u32, value.clone())?;
                            }
                        }
                    }
                }
                row = row.saturating_add(n);
            }
            Event::End(e) if is_end(&e, "table:table") => break,
            Event::Eof => {
                return Err(malformed(
                    path,
                    format!("sheet {name}: unexpected end inside the table"),
                ))
            }
            _ => {}
        }
    }
    builder.finish(budget)
}

fn text_len(c: &Cell) -> u64 {
    match c {
        Cell::Text(t) | Cell::Number(t) => t.len() as u64,
        Cell::Invalid(i) => i.text.len() as u64,
        _ => 0,
    }
}

/// Every sheet of an ods workbook, in the document's order.
pub(crate) fn read(
    mut zip: Archive<'_>,
    path: &str,
    budget: &mut Budget,
) -> Result<Vec<RawSheet>, ImportError> {
    let Some(mime) = zip.find("mimetype") else {
        return Err(malformed(
            path,
            "not an ods workbook: the zip has no mimetype entry",
        ));
    };
    let mut head = Vec::new();
    zip.part(mime, false)?
        .take(MIMETYPE.len() as u64)
        .read_to_end(&mut head)
        .map_err(|e| malformed(path, format!("mimetype: {e}")))?;
    if head != MIMETYPE {
        return Err(malformed(
            path,
            format!(
                "not an ods spreadsheet (mimetype `{}`)",
                String::from_utf8_lossy(&head)
            ),
        ));
    }
    let place = Place::new(path, "META-INF/manifest.xml", String::new());
    let Some(mut manifest) = zip.xml("META-INF/manifest.xml")? else {
        return Err(malformed(
            path,
            "not an ods workbook: META-INF/manifest.xml is missing",
        ));
    };
    let mut buf = Vec::new();
    loop {
        match manifest.next(&mut buf).map_err(|e| place.xml(e))? {
            Event::Start(e) if is(&e, "manifest:encryption-data") => {
                return Err(malformed(path, "the workbook is password protected"));
            }
            Event::Eof => break,
            _ => {}
        }
    }
    drop(manifest);
    let place = Place::new(path, "content.xml", String::new());
    let Some(mut xml) = zip.xml("content.xml")? else {
        return Err(malformed(
            path,
            "not an ods workbook: content.xml is missing",
        ));
    };
    let mut out = Vec::new();
    loop {
        match xml.next(&mut buf).map_err(|e| place.xml(e))? {
            Event::Start(e) if is(&e, "table:table") => {
                match attr(&e, "table:name").map_err(|e| place.xml(e))? {
                    Some(v) => {
                        let name = unescape_attr(&v).map_err(|e| place.xml(e))?;
                        if out.len() as u64 >= MAX_SHEETS {
                            return Err(crate::grid::too_large(
                                path,
                                "",
                                format!(
                                    "the workbook has more than the {} sheets a workbook may have",
                                    crate::limits::thousands(MAX_SHEETS)
                                ),
                                MAX_SHEETS,
                            ));
                        }
                        budget.string(name.len(), || format!("sheet {name}"))?;
                        out.push(read_table(&mut xml, path, &name, budget)?);
                    }
                    None => xml.skip(&mut buf).map_err(|e| place.xml(e))?,
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(out)
}
