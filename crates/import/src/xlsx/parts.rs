//! The workbook's parts before its sheets: `_rels/.rels` (which part is
//! the workbook), the shared strings, the styles (which cell formats show
//! dates), the workbook's relationships, and `workbook.xml` (the sheets and
//! `date1904`). Nothing is allocated from declared counts.

use super::xml::{attr, attrs, local_matches, read_string, unescape_attr, Place};
use crate::error::ImportError;
use crate::grid::{check_sheet_count, malformed, Budget};
use crate::values::{builtin_format_text, custom_format, NumFmt};
use crate::zipguard::Archive;
use quick_xml::events::Event;
use std::collections::HashMap;

/// `(folder, workbook file name)` of the workbook part, from `_rels/.rels`.
pub(super) fn workbook_part(
    zip: &mut Archive<'_>,
    path: &str,
) -> Result<(String, String), ImportError> {
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

pub(super) fn shared_strings(
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
pub(super) fn styles(
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
pub(super) fn relationships(
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

/// A sheet as `workbook.xml` lists it.
pub(super) struct SheetEntry {
    pub(super) name: String,
    /// The part, or `None` for a chart or dialog sheet (no cells).
    pub(super) part: Option<String>,
}

pub(super) fn workbook(
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
