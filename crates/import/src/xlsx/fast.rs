//! The fast way through a worksheet's cells (issue 15).
//!
//! The event reader ([`super::sheet::walk_events`]) checks and copies
//! every event quick-xml makes and allocates scratch for every inline
//! string: for a year of monitor data that was most of an import. This
//! reader takes over after `<sheetData>` and lexes the plain shape
//! spreadsheet programs write (`row`, `c`, `v`, `is` with one `t`, and
//! elements such as `f` skipped) from a window of the decompressed part,
//! borrowing the text it needs.
//!
//! It reads the part exactly as the event reader does: through the same
//! 64 KiB buffer, refilled only when all of it was taken, and through the
//! same run guard ([`crate::zipguard`]). So both readers ask the zip for
//! the same bytes in the same reads, and whatever the guard or the zip
//! refuses there (a declaration, an over-long run, a part larger than its
//! entry says, the workbook's total) stops both alike. (An attacker's
//! review found that reading on unguarded, in larger reads, let a
//! declaration after `</sheetData>` through, and counted other bytes
//! against the workbook's total.)
//!
//! It is only ever a shortcut. On anything else (comments, CDATA,
//! entities, namespace prefixes, rich text, an unknown element, bytes that
//! are not UTF-8, a run longer than the window) and on any error, it gives
//! up, and the caller reads the sheet again with the event reader, which
//! decides: the same cells, the same errors, the same messages. A cancelled
//! read is the one error it passes on. The differential check
//! ([`sheet_agrees`], run by the tests and by fuzz target `xlsx_sheet`)
//! holds it to that.

use super::markup::{at, end_tag, inner_text, is_ws, start_tag, text, Lx, Stop};
use super::sheet::{parse_ref, to_sheet_data, value, Book, SheetAt, SheetData};
use super::xml::{unescape_excel, Place, CELL_TEXT_BYTES};
use crate::error::ImportError;
use crate::grid::{check_cell, Budget};
use crate::limits::MAX_XML_RUN_BYTES;
use crate::sheet::Cell;
use crate::stream::CellTarget;
use crate::zipguard::Xml;
use std::cell::Cell as StdCell;
use std::io::{BufRead, ErrorKind};

/// Bytes of the part in view at once: an item (a cell, a tag, the text
/// between two tags) longer than this gives up. Below the guard's run
/// limit, so that what the guard lets through is never too long here for
/// a reason the event reader would not have.
const WINDOW: usize = 256 << 10;
const _: () = assert!((WINDOW as u64) < MAX_XML_RUN_BYTES);

thread_local! {
    /// Off only to compare with the event reader (tests, fuzzing).
    static ENABLED: StdCell<bool> = const { StdCell::new(true) };
}

pub(crate) fn set_enabled(on: bool) {
    ENABLED.with(|e| e.set(on));
}

pub(super) fn enabled() -> bool {
    ENABLED.with(StdCell::get)
}

/// The part's bytes in view: `buf[pos..valid]` is unread and checked
/// UTF-8; `buf[valid..end]` is a character cut by the end of a read.
struct Window<R> {
    src: R,
    buf: Vec<u8>,
    pos: usize,
    valid: usize,
    end: usize,
}

impl<R: BufRead> Window<R> {
    fn new(src: R) -> Self {
        Window {
            src,
            buf: vec![0; WINDOW],
            pos: 0,
            valid: 0,
            end: 0,
        }
    }

    fn data(&self) -> &[u8] {
        self.buf.get(self.pos..self.valid).unwrap_or_default()
    }

    /// Reads more; `false` at the end of the part, on a read error or
    /// one of the guard's refusals (the event reader will report it), on
    /// bytes that are not UTF-8, or when the unread bytes fill the window.
    fn more(&mut self) -> bool {
        if self.pos > 0 {
            self.buf.copy_within(self.pos..self.end, 0);
            self.end -= self.pos;
            self.valid -= self.pos;
            self.pos = 0;
        }
        let Some(room) = self.buf.get_mut(self.end..).filter(|r| !r.is_empty()) else {
            return false;
        };
        // The buffered reader's own reads, as quick-xml takes them: the
        // part is read only when its buffer is used up (see the module
        // comment); what does not fit waits there.
        let chunk = loop {
            match self.src.fill_buf() {
                Ok(c) => break c,
                Err(e) if e.kind() == ErrorKind::Interrupted => {}
                Err(_) => return false,
            }
        };
        let n = chunk.len().min(room.len());
        if n == 0 {
            return false;
        }
        room[..n].copy_from_slice(&chunk[..n]);
        self.src.consume(n);
        self.end += n;
        let fresh = self.buf.get(self.valid..self.end).unwrap_or_default();
        match std::str::from_utf8(fresh) {
            Ok(_) => self.valid = self.end,
            Err(e) if e.error_len().is_none() => self.valid += e.valid_up_to(),
            Err(_) => return false,
        }
        true
    }
}

/// The value a cell's reader keeps from one child.
enum Val<'a> {
    /// A `<v>` read as its first text, raw.
    Raw(&'a str),
    /// A `<v>` read whole (types `str`, `d` and unknown ones).
    Whole(&'a str),
    /// An `<is>`: its one `t`'s text, and whether it keeps white space.
    Inline(&'a str, bool),
}

/// A `<c>` element, lexed whole.
struct CellLex<'a> {
    r: Option<&'a [u8]>,
    s: Option<&'a [u8]>,
    t: Option<&'a [u8]>,
    /// The one child read as a value, if any ...
    val: Option<Val<'a>>,
    /// ... and whether it is the last child (a later one empties the
    /// cell, as in the event reader).
    val_last: bool,
    end: usize,
}

fn utf8(b: &[u8]) -> Lx<&str> {
    std::str::from_utf8(b).map_err(|_| Stop::GiveUp)
}

/// A `<c>` at `d[i]`, through its end.
fn cell(d: &[u8], i: usize) -> Lx<CellLex<'_>> {
    let (mut r, mut s, mut t) = (None, None, None);
    let (_, open_end, empty) = start_tag(d, i, |k, v| match k {
        b"r" => r = Some(v),
        b"s" => s = Some(v),
        b"t" => t = Some(v),
        _ => {}
    })?;
    let mut c = CellLex {
        r,
        s,
        t,
        val: None,
        val_last: false,
        end: open_end,
    };
    if empty {
        return Ok(c);
    }
    let mut j = open_end;
    loop {
        j = text(d, j)?;
        if at(d, j + 1)? == b'/' {
            let (name, end) = end_tag(d, j)?;
            if name != b"c" {
                return Err(Stop::GiveUp);
            }
            c.end = end;
            return Ok(c);
        }
        let (name, open_end, empty) = start_tag(d, j, |_, _| {})?;
        let val = match name {
            b"v" => {
                let (v, end) = inner_text(d, b"v", open_end, empty, false)?;
                j = end;
                match t {
                    Some(b"inlineStr" | b"is") => None,
                    Some(b"n" | b"s" | b"b" | b"e") | None if v.is_empty() => None,
                    Some(b"n" | b"s" | b"b" | b"e") | None => Some(Val::Raw(utf8(v)?)),
                    // Read whole: line ends would be normalised.
                    _ if v.contains(&b'\r') || v.len() > CELL_TEXT_BYTES => {
                        return Err(Stop::GiveUp)
                    }
                    _ => Some(Val::Whole(utf8(v)?)),
                }
            }
            b"is" => {
                let (text, end) = inline_string(d, open_end, empty)?;
                j = end;
                Some(text)
            }
            other if other.contains(&b':') => return Err(Stop::GiveUp),
            other => {
                j = inner_text(d, other, open_end, empty, true)?.1;
                None
            }
        };
        c.val_last = val.is_some();
        if let Some(v) = val {
            if c.val.is_some() {
                return Err(Stop::GiveUp);
            }
            c.val = Some(v);
        }
    }
}

/// An `<is>` whose start tag ends at `i`: at most one `<t>`, no rich
/// runs. Its value and where it ends.
fn inline_string(d: &[u8], i: usize, empty: bool) -> Lx<(Val<'_>, usize)> {
    let mut out = Val::Inline("", true);
    if empty {
        return Ok((out, i));
    }
    let (mut j, mut seen) = (i, false);
    loop {
        j = text(d, j)?;
        if at(d, j + 1)? == b'/' {
            let (name, end) = end_tag(d, j)?;
            return if name == b"is" {
                Ok((out, end))
            } else {
                Err(Stop::GiveUp)
            };
        }
        let mut space = None;
        let (name, open_end, empty) = start_tag(d, j, |k, v| {
            if k == b"xml:space" && space.is_none() {
                space = Some(v);
            }
        })?;
        if name != b"t" || seen {
            return Err(Stop::GiveUp);
        }
        seen = true;
        let (t, end) = inner_text(d, b"t", open_end, empty, false)?;
        if t.contains(&b'\r') || t.len() > CELL_TEXT_BYTES {
            return Err(Stop::GiveUp);
        }
        out = Val::Inline(utf8(t)?, space == Some(b"preserve"));
        j = end;
    }
}

/// One step through the sheet data.
enum Item<'a> {
    /// Text between elements, or a row's end: only moves on.
    Skip,
    Row(Option<&'a [u8]>, bool),
    RowEnd,
    Cell(CellLex<'a>),
    End,
    /// The window ends inside the next item.
    Need,
}

/// The next item at the start of `d`, and its length.
fn item(d: &[u8]) -> Lx<(Item<'_>, usize)> {
    if at(d, 0)? != b'<' {
        return Ok((Item::Skip, text(d, 0)?));
    }
    if at(d, 1)? == b'/' {
        let (name, end) = end_tag(d, 0)?;
        return match name {
            b"row" => Ok((Item::RowEnd, end)),
            b"sheetData" => Ok((Item::End, end)),
            _ => Err(Stop::GiveUp),
        };
    }
    if d.starts_with(b"<c") {
        let next = at(d, 2)?;
        if is_ws(next) || next == b'>' || next == b'/' {
            let c = cell(d, 0)?;
            let end = c.end;
            return Ok((Item::Cell(c), end));
        }
    }
    let mut r = None;
    let (name, end, empty) = start_tag(d, 0, |k, v| {
        if k == b"r" && r.is_none() {
            r = Some(v);
        }
    })?;
    match name {
        b"row" => Ok((Item::Row(r, empty), end)),
        _ => Err(Stop::GiveUp),
    }
}

/// A lexed cell's value, as the event reader makes it; `None` gives up.
fn evaluate(c: &CellLex<'_>, book: &Book<'_>, place: &Place<'_>) -> Option<Cell> {
    let style = c.s.map(std::str::from_utf8).transpose().ok()?;
    let typ = c.t.map(std::str::from_utf8).transpose().ok()?;
    let cell = match c.val {
        None => return Some(Cell::Empty),
        Some(Val::Raw(v) | Val::Whole(v)) => value(book, v, style, typ, place).ok()?,
        Some(Val::Inline(t, preserve)) => {
            let t = if preserve {
                t
            } else {
                t.trim_matches([' ', '\t', '\r', '\n'])
            };
            let t = unescape_excel(t);
            if t.len() > CELL_TEXT_BYTES {
                return None;
            }
            Cell::Text(t.into_owned())
        }
    };
    Some(if c.val_last { cell } else { Cell::Empty })
}

/// Reads the cells of the worksheet open in `xml` into `target`, as
/// [`super::sheet::walk_events`] does; `Ok(false)` when it gave up (what
/// it put into `target` and charged to `budget` must then be undone). The
/// one error: a cancelled read.
pub(super) fn walk(
    mut xml: Xml<'_>,
    at: &SheetAt<'_>,
    book: &Book<'_>,
    budget: &mut Budget,
    target: &mut impl CellTarget,
) -> Result<bool, ImportError> {
    let place = Place::new(at.path, at.part, format!("sheet {}", at.name));
    xml.keep_empty_elements();
    match to_sheet_data(&mut xml, &mut Vec::new(), &place, at.name) {
        Ok(SheetData::Open) => {}
        Ok(SheetData::Missing | SheetData::Empty) => return Ok(true),
        Err(_) => return Ok(false),
    }
    let mut w = Window::new(xml.into_source());
    let (mut row_index, mut col_index): (u64, u64) = (0, 0);
    // Rows open: quick-xml checks no end tag's name here, but refuses one
    // that closes more elements than are open (found by fuzzing: a stray
    // `</row>` then `</sheetData>`), so an end tag with no row open, or a
    // row left open, gives up.
    let mut open_rows: u64 = 0;
    loop {
        let (it, len) = match item(w.data()) {
            Ok(step) => step,
            Err(Stop::Need) => (Item::Need, 0),
            Err(Stop::GiveUp) => return Ok(false),
        };
        match it {
            Item::Need => {
                if !w.more() {
                    return Ok(false);
                }
                continue;
            }
            Item::Skip => {}
            Item::End => return Ok(open_rows == 0),
            Item::RowEnd => {
                let Some(open) = open_rows.checked_sub(1) else {
                    return Ok(false);
                };
                open_rows = open;
                row_index = row_index.saturating_add(1);
                col_index = 0;
            }
            Item::Row(r, empty) => {
                if let Some(r) = r {
                    match std::str::from_utf8(r).ok().and_then(parse_ref) {
                        Some((row, _)) => row_index = row,
                        None => return Ok(false),
                    }
                }
                if empty {
                    row_index = row_index.saturating_add(1);
                    col_index = 0;
                } else {
                    open_rows += 1;
                }
            }
            Item::Cell(c) => {
                let r = match c.r.map(std::str::from_utf8).transpose() {
                    Ok(r) => r,
                    Err(_) => return Ok(false),
                };
                let (row, col) = match r {
                    Some(r) => match parse_ref(r) {
                        Some((row, Some(col))) => {
                            col_index = col;
                            (row, col)
                        }
                        _ => return Ok(false),
                    },
                    None => (row_index, col_index),
                };
                if check_cell(
                    at.path,
                    at.name,
                    r,
                    row.saturating_add(1),
                    col.saturating_add(1),
                )
                .is_err()
                {
                    return Ok(false);
                }
                let Some(cell) = evaluate(&c, book, &place) else {
                    return Ok(false);
                };
                col_index = col_index.saturating_add(1);
                // Checked above: both fit in u32.
                match target.put(budget, row as u32, col as u32, cell) {
                    Ok(()) => {}
                    Err(e @ ImportError::Cancelled { .. }) => return Err(e),
                    Err(_) => return Ok(false),
                }
            }
        }
        w.pos += len;
    }
}

/// The differential check: reads the worksheet part `data` with this
/// reader and with the event reader into sheets; `Err` says how they
/// differ. `Ok(false)`: this reader gave up, there is nothing to compare.
pub(crate) fn sheet_agrees(data: &[u8]) -> Result<bool, String> {
    use crate::grid::SheetBuilder;
    use crate::values::NumFmt;
    use crate::zipguard::Part;
    let strings = ["shared".to_string(), " padded ".to_string()];
    let formats = [NumFmt::Other, NumFmt::DateTime, NumFmt::Duration];
    let book = Book {
        strings: &strings,
        formats: &formats,
        is_1904: false,
    };
    let at = SheetAt {
        index: 0,
        path: "book.xlsx",
        name: "outages",
        part: "xl/worksheets/sheet1.xml",
    };
    let part = || Xml::new(Part::of_reader(data, data.len() as u64));
    let read = |fast: bool| {
        let mut budget = Budget::new(at.path);
        let mut sheet = SheetBuilder::new(at.path, at.name);
        let walked = if fast {
            walk(part(), &at, &book, &mut budget, &mut sheet)
        } else {
            super::sheet::walk_events(part(), &at, &book, &mut budget, &mut sheet).map(|()| true)
        };
        match walked {
            Ok(true) => Ok(Some(
                sheet
                    .finish(&mut budget)
                    .map_err(|e| e.to_string())
                    .map(|s| format!("{s:?}")),
            )),
            Ok(false) => Ok(None),
            Err(e) => Err(e.to_string()),
        }
    };
    let Some(fast) = read(true)? else {
        return Ok(false);
    };
    match read(false) {
        Err(e) => Err(format!(
            "the event reader refused what the fast one read: {e}"
        )),
        Ok(slow) if slow.as_ref() != Some(&fast) => {
            Err(format!("they differ:\n fast: {fast:?}\n events: {slow:?}"))
        }
        Ok(_) => Ok(true),
    }
}
