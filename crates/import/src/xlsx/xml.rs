//! The XML side of reading workbooks, shared with ods: attributes without
//! quick-xml's quadratic duplicate check, entities, Excel's `_xHHHH_`
//! escapes, where a read is (for messages), and rich strings bounded in
//! length as they are gathered.

use crate::error::ImportError;
use crate::grid::{malformed, too_large};
use crate::limits::{cell_ref, thousands, MAX_CELL_CHARS};
use crate::zipguard::{xml_error, Xml};
use quick_xml::events::{BytesRef, BytesStart, Event};
use std::borrow::Cow;
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

pub(super) fn local_matches(key: &str, local: &str) -> bool {
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
pub(super) fn unescape_excel(s: &str) -> Cow<'_, str> {
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
pub(crate) fn read_string(
    xml: &mut Xml<'_>,
    closing: &str,
    place: &Place<'_>,
) -> Result<String, ImportError> {
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
