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
//!
//! [`xml`] holds the XML helpers (shared with ods), [`parts`] reads the
//! workbook's parts, [`sheet`] a worksheet with quick-xml's events.
//! [`fast`] (with [`markup`], its lexer) reads a worksheet's cells about
//! three times as fast when they have the plain shape spreadsheet programs
//! write, and hands anything else back to [`sheet`] (issue 15).

mod fast;
mod markup;
mod parts;
mod sheet;
#[cfg(test)]
mod tests;
mod xml;

pub(crate) use fast::{set_enabled as set_fast, sheet_agrees};
pub(crate) use xml::{attr, attrs, push_ref, unescape_attr, Place, CELL_TEXT_BYTES};

use crate::error::ImportError;
use crate::grid::{malformed, Budget, SheetBuilder};
use crate::sheet::RawSheet;
use crate::stream::{BookSink, ForKind, RowStream};
use crate::survey::{Progress, SheetSurvey, Surveyed};
use crate::values::NumFmt;
use crate::zipguard::Archive;
use crate::Kind;
use parts::{relationships, shared_strings, styles, workbook, workbook_part, SheetEntry};
use sheet::{read_sheet, walk_any, walk_sheet, Book, SheetAt};
use std::cell::{Cell, RefCell};
use std::collections::HashSet;

/// What a workbook's parts say before any sheet is read.
struct Parts {
    sheets: Vec<SheetEntry>,
    strings: Vec<String>,
    formats: Vec<NumFmt>,
    is_1904: bool,
}

/// The workbook part, its shared strings, styles, relationships and sheet
/// list, found as Excel and calamine find them (see the module comment).
fn parts(zip: &mut Archive<'_>, path: &str, budget: &mut Budget) -> Result<Parts, ImportError> {
    let (dir, book_name) = workbook_part(zip, path)?;
    let strings = shared_strings(zip, path, &format!("{dir}sharedStrings.xml"), budget)?;
    let formats = styles(zip, path, &format!("{dir}styles.xml"), budget)?;
    let rels = relationships(zip, path, &format!("{dir}_rels/{book_name}.rels"), budget)?;
    let (sheets, is_1904) = workbook(zip, path, &format!("{dir}{book_name}"), &rels, &dir, budget)?;
    Ok(Parts {
        sheets,
        strings,
        formats,
        is_1904,
    })
}

/// Every sheet of an xlsx workbook, in the workbook's order.
pub(crate) fn read(
    zip: Archive<'_>,
    path: &str,
    budget: &mut Budget,
) -> Result<Vec<RawSheet>, ImportError> {
    each_sheet(zip, path, budget, |zip, at, book, budget| match at {
        None => SheetBuilder::new(path, "").finish(budget),
        Some(at) => read_sheet(zip, at.index, path, at.name, at.part, book, budget),
    })
}

/// Every sheet's name, header and row count (issue 15): the cells are
/// read as [`read`] reads them, but only the header is kept.
pub(crate) fn survey(
    zip: Archive<'_>,
    path: &str,
    budget: &mut Budget,
    progress: &RefCell<Progress<'_>>,
) -> Result<Vec<Surveyed>, ImportError> {
    each_sheet(zip, path, budget, |zip, at, book, budget| match at {
        None => Ok(Surveyed {
            name: String::new(),
            header: Vec::new(),
            rows: 0,
        }),
        Some(at) => {
            // A survey started again (the fast reader gave up) counts its
            // rows again from where the first one began.
            let from = Cell::new(None);
            let fresh = || {
                let rows = &mut progress.borrow_mut().rows;
                match from.get() {
                    None => from.set(Some(*rows)),
                    Some(n) => *rows = n,
                }
                SheetSurvey::new(at.name, progress)
            };
            Ok(walk_any(zip, &at, book, budget, fresh)?.finish())
        }
    })
}

/// Calls `each` for every sheet in the workbook's order, with where its
/// part is (`None`: a sheet with no part, an empty one), after the
/// checks every reading makes: the part exists and is no other sheet's.
/// The sheet's name is set on what `each` returns.
fn each_sheet<T: Named>(
    mut zip: Archive<'_>,
    path: &str,
    budget: &mut Budget,
    mut each: impl FnMut(
        &mut Archive<'_>,
        Option<SheetAt<'_>>,
        &Book<'_>,
        &mut Budget,
    ) -> Result<T, ImportError>,
) -> Result<Vec<T>, ImportError> {
    let Parts {
        sheets,
        strings,
        formats,
        is_1904,
    } = parts(&mut zip, path, budget)?;
    let book = Book {
        strings: &strings,
        formats: &formats,
        is_1904,
    };
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    for sheet in sheets {
        let Some(part) = sheet.part else {
            let mut got = each(&mut zip, None, &book, budget)?;
            got.set_name(&sheet.name);
            out.push(got);
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
        let at = SheetAt {
            index,
            path,
            name: &sheet.name,
            part: &part,
        };
        out.push(each(&mut zip, Some(at), &book, budget)?);
    }
    Ok(out)
}

/// A sheet read or surveyed, named after the fact when it has no part.
trait Named {
    fn set_name(&mut self, name: &str);
}

impl Named for RawSheet {
    fn set_name(&mut self, name: &str) {
        self.name = name.to_string();
    }
}

impl Named for Surveyed {
    fn set_name(&mut self, name: &str) {
        self.name = name.to_string();
    }
}

/// [`read`] for an import (issue 15): the sheet picked for each kind (by
/// name, as [`crate::sheet::pick_sheets`] picks) goes to `sink` row by row
/// as it is read, in kind order; the other sheets are read and dropped, so
/// a workbook is refused for the same reasons either way. Returns the
/// picking's warnings.
/// Which sheet (by position among `names`) is read as which kind, and the
/// warnings of that choice: by name ([`pick_names`]), or as a column
/// mapping says.
pub(crate) type Picker<'p> =
    &'p dyn Fn(&[&str]) -> Result<(Vec<(Kind, usize)>, Vec<String>), ImportError>;

pub(crate) fn stream(
    mut zip: Archive<'_>,
    path: &str,
    budget: &mut Budget,
    sink: &mut impl BookSink,
    pick: Picker<'_>,
) -> Result<Vec<String>, ImportError> {
    let Parts {
        sheets,
        strings,
        formats,
        is_1904,
    } = parts(&mut zip, path, budget)?;
    let book = Book {
        strings: &strings,
        formats: &formats,
        is_1904,
    };
    // Parts first, in the workbook's order, with [`read`]'s errors.
    let mut seen = HashSet::new();
    let mut index_of = Vec::with_capacity(sheets.len());
    for sheet in &sheets {
        let Some(part) = &sheet.part else {
            index_of.push(None);
            continue;
        };
        let Some(index) = zip.find(part) else {
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
        index_of.push(Some(index));
    }
    let names: Vec<&str> = sheets.iter().map(|s| s.name.as_str()).collect();
    let (picks, warnings) = pick(&names)?;
    for &(kind, i) in &picks {
        let (sheet, index) = (&sheets[i], index_of[i]);
        let (Some(index), Some(part)) = (index, &sheet.part) else {
            sink.whole(kind, &SheetBuilder::new(path, &sheet.name).finish(budget)?);
            continue;
        };
        let at = SheetAt {
            index,
            path,
            name: &sheet.name,
            part,
        };
        if kind == Kind::Requests {
            sink.whole(
                kind,
                &read_sheet(&mut zip, index, path, &sheet.name, part, &book, budget)?,
            );
            continue;
        }
        sink.mark();
        let (before, bytes) = (budget.clone(), zip.bytes_read());
        let mut streamed = None;
        if fast::enabled() {
            streamed = stream_sheet(&mut zip, &at, &book, budget, sink, kind, true)?;
            if streamed.is_none() {
                // The fast reader gave up: the event reader decides.
                sink.rollback();
                *budget = before.clone();
                zip.set_bytes_read(bytes);
            }
        }
        let streamed = match streamed {
            Some(s) => s,
            None => stream_sheet(&mut zip, &at, &book, budget, sink, kind, false)?
                .unwrap_or(Streamed::OutOfOrder),
        };
        match streamed {
            Streamed::Done => {}
            Streamed::Stopped => {
                return Err(ImportError::Cancelled {
                    path: path.into(),
                    rows: 0,
                })
            }
            Streamed::OutOfOrder => {
                // Rows written out of order: read this sheet whole instead,
                // as if the stream had never begun.
                sink.rollback();
                *budget = before;
                zip.set_bytes_read(bytes);
                let whole = read_sheet(&mut zip, index, path, &sheet.name, part, &book, budget)?;
                sink.whole(kind, &whole);
            }
        }
    }
    for (i, sheet) in sheets.iter().enumerate() {
        if picks.iter().any(|&(_, p)| p == i) {
            continue;
        }
        if let (Some(index), Some(part)) = (index_of[i], &sheet.part) {
            read_sheet(&mut zip, index, path, &sheet.name, part, &book, budget)?;
        }
    }
    Ok(warnings)
}

/// How streaming a sheet ended.
enum Streamed {
    Done,
    /// The sink asked to stop.
    Stopped,
    /// The file went back to an earlier row.
    OutOfOrder,
}

/// Streams one picked sheet into `sink` as `kind`, with the fast reader
/// (`None`: it gave up) or the event reader.
fn stream_sheet(
    zip: &mut Archive<'_>,
    at: &SheetAt<'_>,
    book: &Book<'_>,
    budget: &mut Budget,
    sink: &mut impl BookSink,
    kind: Kind,
    fast: bool,
) -> Result<Option<Streamed>, ImportError> {
    let mut rows = ForKind { kind, sink };
    let mut s = RowStream::new(at.path, at.name, &mut rows);
    if fast {
        if !fast::walk(zip.xml_at(at.index)?, at, book, budget, &mut s)? {
            return Ok(None);
        }
    } else {
        walk_sheet(zip, at, book, budget, &mut s)?;
    }
    Ok(Some(if s.out_of_order() {
        Streamed::OutOfOrder
    } else if s.stopped() {
        Streamed::Stopped
    } else {
        s.finish();
        Streamed::Done
    }))
}
