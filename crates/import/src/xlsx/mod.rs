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
//! inside a cell are skipped instead of failing the workbook.//!
//! [`xml`] holds the XML helpers (shared with ods), [`parts`] reads the
//! workbook's parts, [`sheet`] a worksheet.

mod parts;
mod sheet;
#[cfg(test)]
mod tests;
mod xml;

pub(crate) use xml::{attr, attrs, push_ref, unescape_attr, Place, CELL_TEXT_BYTES};

use crate::error::ImportError;
use crate::grid::{malformed, Budget, SheetBuilder};
use crate::sheet::RawSheet;
use crate::zipguard::Archive;
use parts::{relationships, shared_strings, styles, workbook, workbook_part};
use sheet::{read_sheet, Book};
use std::collections::HashSet;

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
