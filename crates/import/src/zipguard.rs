//! The zip container of xlsx and ods workbooks, read under the limits.
//!
//! Before anything is decompressed: the entry count declared by every end of
//! central directory record in the file's tail (so the zip reader never
//! reserves room for a forged count), the total uncompressed size the
//! entries declare, and the compression ratio of each entry larger than
//! [`RATIO_FREE_BYTES`]. While a part is read, its real bytes are counted:
//! a part that yields more than its entry declared, or a workbook that
//! yields more than [`MAX_UNCOMPRESSED_BYTES`] in all, fails at once (sizes
//! in a zip header can lie). XML parts also pass through [`XmlRunGuard`],
//! which fails on any text node, tag, comment or CDATA section longer than
//! [`MAX_XML_RUN_BYTES`], so the XML parser never buffers more than that.

use crate::error::ImportError;
use crate::grid::{malformed, too_large};
use crate::limits::{
    thousands, MAX_COMPRESSION_RATIO, MAX_UNCOMPRESSED_BYTES, MAX_XML_RUN_BYTES, MAX_ZIP_ENTRIES,
    RATIO_FREE_BYTES,
};
use quick_xml::events::Event;
use std::cell::Cell as StdCell;
use std::collections::HashMap;
use std::fmt;
use std::io::{self, BufReader, Cursor, Read};
use std::rc::Rc;
use zip::ZipArchive;

/// Why a guarded read stopped; travels inside an `io::Error` through the
/// zip and XML readers and is turned into an [`ImportError`] with its place.
#[derive(Debug)]
pub(crate) enum GuardError {
    /// The part yielded more bytes than its zip entry declared.
    Lied { declared: u64 },
    /// All parts together yielded more than the workbook may.
    Total,
    /// A run of XML between markup delimiters is too long.
    LongRun,
    /// `<!DOCTYPE ...>` (or another `<!` declaration): never in a workbook.
    Declaration,
}

impl fmt::Display for GuardError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{self:?}")
    }
}

impl std::error::Error for GuardError {}

fn u16_at(b: &[u8], at: usize) -> Option<u64> {
    let s = b.get(at..at.checked_add(2)?)?;
    Some(u64::from(u16::from_le_bytes([s[0], s[1]])))
}

fn u64_at(b: &[u8], at: usize) -> Option<u64> {
    let s = b.get(at..at.checked_add(8)?)?;
    let mut a = [0u8; 8];
    a.copy_from_slice(s);
    Some(u64::from_le_bytes(a))
}

fn too_many_entries(path: &str, n: u64) -> ImportError {
    too_large(
        path,
        "",
        format!(
            "the zip container declares {} entries, more than the {} a workbook may have",
            thousands(n),
            thousands(MAX_ZIP_ENTRIES)
        ),
        MAX_ZIP_ENTRIES,
    )
}

/// Every end-of-central-directory record (and its zip64 twin) in the last
/// 64 KiB must declare at most [`MAX_ZIP_ENTRIES`] entries.
fn precheck_entry_counts(path: &str, bytes: &[u8]) -> Result<(), ImportError> {
    let start = bytes.len().saturating_sub(22 + 0xFFFF);
    let tail = bytes.get(start..).unwrap_or_default();
    for pos in memchr::memmem::find_iter(tail, b"PK\x05\x06") {
        let p = start + pos;
        let (Some(on_disk), Some(total)) = (u16_at(bytes, p + 8), u16_at(bytes, p + 10)) else {
            continue;
        };
        let n = on_disk.max(total);
        if n > MAX_ZIP_ENTRIES {
            return Err(too_many_entries(path, n));
        }
        // A zip64 locator right before it points at the zip64 record.
        let Some(loc) = p.checked_sub(20) else {
            continue;
        };
        if bytes.get(loc..loc + 4) != Some(b"PK\x06\x07".as_slice()) {
            continue;
        }
        let Some(rec) = u64_at(bytes, loc + 8).and_then(|o| usize::try_from(o).ok()) else {
            continue;
        };
        if bytes.get(rec..rec.saturating_add(4)) != Some(b"PK\x06\x06".as_slice()) {
            continue;
        }
        let n = u64_at(bytes, rec + 24)
            .unwrap_or(0)
            .max(u64_at(bytes, rec + 32).unwrap_or(0));
        if n > MAX_ZIP_ENTRIES {
            return Err(too_many_entries(path, n));
        }
    }
    Ok(())
}

/// A workbook's zip container, opened under the limits.
pub(crate) struct Archive<'a> {
    path: &'a str,
    zip: ZipArchive<Cursor<&'a [u8]>>,
    names: HashMap<String, (usize, String)>,
    total: Rc<StdCell<u64>>,
}

fn normalize(name: &str) -> String {
    name.replace('\\', "/").to_ascii_lowercase()
}

impl<'a> Archive<'a> {
    pub(crate) fn open(path: &'a str, bytes: &'a [u8]) -> Result<Archive<'a>, ImportError> {
        precheck_entry_counts(path, bytes)?;
        let zip = ZipArchive::new(Cursor::new(bytes))
            .map_err(|e| malformed(path, format!("not a readable zip container: {e}")))?;
        let count = zip.len() as u64;
        if count > MAX_ZIP_ENTRIES {
            return Err(too_many_entries(path, count));
        }
        let mut declared: u64 = 0;
        let mut names = HashMap::new();
        for i in 0..zip.len() {
            let Ok(entry) = zip.by_index_data(i) else {
                continue;
            };
            let name = match entry.name() {
                Ok(n) => n.into_owned(),
                Err(_) => String::from_utf8_lossy(entry.name_raw()).into_owned(),
            };
            let (size, packed) = (entry.size(), entry.compressed_size());
            declared = declared.saturating_add(size);
            if declared > MAX_UNCOMPRESSED_BYTES {
                return Err(too_large(
                    path,
                    "",
                    format!(
                        "the zip entries declare more than {} bytes uncompressed, more than the {} GiB a workbook may hold",
                        thousands(MAX_UNCOMPRESSED_BYTES),
                        MAX_UNCOMPRESSED_BYTES >> 30
                    ),
                    MAX_UNCOMPRESSED_BYTES,
                ));
            }
            if size > RATIO_FREE_BYTES && size > packed.saturating_mul(MAX_COMPRESSION_RATIO) {
                return Err(too_large(
                    path,
                    format!("part {name}"),
                    format!(
                        "{} bytes compressed into {} is a ratio of {}:1, more than the {MAX_COMPRESSION_RATIO}:1 a part may have",
                        thousands(size),
                        thousands(packed),
                        thousands(size / packed.max(1))
                    ),
                    MAX_COMPRESSION_RATIO,
                ));
            }
            names.insert(normalize(&name), (i, name));
        }
        Ok(Archive {
            path,
            zip,
            names,
            total: Rc::new(StdCell::new(0)),
        })
    }

    /// The entry named `name` (case-insensitive, `\` as `/`, like Excel).
    pub(crate) fn find(&self, name: &str) -> Option<usize> {
        self.names.get(&normalize(name)).map(|(i, _)| *i)
    }

    /// Opens entry `index` for reading, counted and (if `xml`) guarded.
    pub(crate) fn part(&mut self, index: usize, xml: bool) -> Result<Part<'_>, ImportError> {
        let path = self.path;
        let total = Rc::clone(&self.total);
        let file = self
            .zip
            .by_index(index)
            .map_err(|e| malformed(path, format!("zip entry {index}: {e}")))?;
        let declared = file.size();
        Ok(Part {
            inner: Box::new(file),
            declared,
            read: 0,
            total,
            guard: xml.then(XmlRunGuard::default),
        })
    }

    /// Opens entry `index` as XML.
    pub(crate) fn xml_at(&mut self, index: usize) -> Result<Xml<'_>, ImportError> {
        let part = self.part(index, true)?;
        Ok(Xml::new(part))
    }

    /// How many uncompressed bytes the workbook's parts have yielded so
    /// far, and setting it back: a sheet read again after a fast read gave
    /// up is not counted twice against [`MAX_UNCOMPRESSED_BYTES`].
    pub(crate) fn bytes_read(&self) -> u64 {
        self.total.get()
    }

    pub(crate) fn set_bytes_read(&self, n: u64) {
        self.total.set(n);
    }

    /// Opens the part named `name` as XML, or `None` if there is none.
    pub(crate) fn xml(&mut self, name: &str) -> Result<Option<Xml<'_>>, ImportError> {
        let Some(i) = self.find(name) else {
            return Ok(None);
        };
        let part = self.part(i, true)?;
        Ok(Some(Xml::new(part)))
    }
}

/// One zip entry being decompressed, with its real bytes counted.
pub(crate) struct Part<'z> {
    inner: Box<dyn Read + 'z>,
    declared: u64,
    read: u64,
    total: Rc<StdCell<u64>>,
    guard: Option<XmlRunGuard>,
}

impl<'z> Part<'z> {
    /// Any bytes as a part (the differential check of the fast sheet
    /// reader, which needs no zip).
    pub(crate) fn of_reader(inner: impl Read + 'z, declared: u64) -> Part<'z> {
        Part {
            inner: Box::new(inner),
            declared,
            read: 0,
            total: Rc::new(StdCell::new(0)),
            guard: Some(XmlRunGuard::default()),
        }
    }
}

impl Read for Part<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.read = self.read.saturating_add(n as u64);
        if self.read > self.declared {
            return Err(io::Error::other(GuardError::Lied {
                declared: self.declared,
            }));
        }
        let total = self.total.get().saturating_add(n as u64);
        self.total.set(total);
        if total > MAX_UNCOMPRESSED_BYTES {
            return Err(io::Error::other(GuardError::Total));
        }
        if let Some(g) = self.guard.as_mut() {
            g.scan(buf.get(..n).unwrap_or_default())
                .map_err(io::Error::other)?;
        }
        Ok(n)
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq)]
enum Lex {
    #[default]
    Text,
    /// Just after `<`.
    Open,
    /// Just after `<!`.
    Bang,
    /// In a tag; `Some(q)` inside an attribute value quoted with `q`.
    Tag(Option<u8>),
    Comment,
    CData,
    Instruction,
}

/// Tracks the XML markup structure of a byte stream just enough to know the
/// length of the current text node, tag, comment, CDATA section or
/// processing instruction, and fails when one passes [`MAX_XML_RUN_BYTES`].
#[derive(Debug, Default)]
pub(crate) struct XmlRunGuard {
    state: Lex,
    run: u64,
    /// The last two bytes seen, for terminators split across reads.
    prev: [u8; 2],
}

impl XmlRunGuard {
    fn grow(&mut self, n: usize) -> Result<(), GuardError> {
        self.run = self.run.saturating_add(n as u64);
        if self.run > MAX_XML_RUN_BYTES {
            Err(GuardError::LongRun)
        } else {
            Ok(())
        }
    }

    /// Follows `data`, the next bytes of the stream, through the markup.
    pub(crate) fn scan(&mut self, data: &[u8]) -> Result<(), GuardError> {
        let mut i = 0;
        while i < data.len() {
            let rest = &data[i..];
            i += match self.state {
                Lex::Text => self.text(rest)?,
                Lex::Open => self.open(rest[0])?,
                Lex::Bang => self.bang(rest[0])?,
                Lex::Tag(None) => self.tag(rest)?,
                Lex::Tag(Some(q)) => self.quoted(q, rest)?,
                Lex::Comment | Lex::CData | Lex::Instruction => self.closing(data, i)?,
            };
        }
        match data.len() {
            0 => {}
            1 => self.prev = [self.prev[1], data[0]],
            n => self.prev = [data[n - 2], data[n - 1]],
        }
        Ok(())
    }

    /// The rest of the read is in the current run: how much was consumed.
    fn rest_of_read(&mut self, rest: &[u8]) -> Result<usize, GuardError> {
        self.grow(rest.len())?;
        Ok(rest.len())
    }

    /// Text, up to and including the next `<`.
    fn text(&mut self, rest: &[u8]) -> Result<usize, GuardError> {
        match find(rest, |c| c == b'<', |h| memchr::memchr(b'<', h)) {
            Some(k) => {
                self.grow(k)?;
                self.state = Lex::Open;
                self.run = 1;
                Ok(k + 1)
            }
            None => self.rest_of_read(rest),
        }
    }

    /// The byte after `<`.
    fn open(&mut self, c: u8) -> Result<usize, GuardError> {
        self.grow(1)?;
        self.state = match c {
            b'!' => Lex::Bang,
            b'?' => Lex::Instruction,
            b'>' => {
                self.run = 0;
                Lex::Text
            }
            _ => Lex::Tag(None),
        };
        Ok(1)
    }

    /// The byte after `<!`: a comment or CDATA, never a declaration.
    fn bang(&mut self, c: u8) -> Result<usize, GuardError> {
        self.grow(1)?;
        self.state = match c {
            b'-' => Lex::Comment,
            b'[' => Lex::CData,
            _ => return Err(GuardError::Declaration),
        };
        Ok(1)
    }

    /// In a tag, up to its `>` or an attribute value's opening quote.
    fn tag(&mut self, rest: &[u8]) -> Result<usize, GuardError> {
        let stop = |c: u8| c == b'>' || c == b'"' || c == b'\'';
        match find(rest, stop, |h| memchr::memchr3(b'>', b'"', b'\'', h)) {
            Some(k) => {
                self.grow(k + 1)?;
                let c = rest[k];
                if c == b'>' {
                    self.state = Lex::Text;
                    self.run = 0;
                } else {
                    self.state = Lex::Tag(Some(c));
                }
                Ok(k + 1)
            }
            None => self.rest_of_read(rest),
        }
    }

    /// In an attribute value quoted with `q`, up to its closing quote.
    fn quoted(&mut self, q: u8, rest: &[u8]) -> Result<usize, GuardError> {
        match find(rest, |c| c == q, |h| memchr::memchr(q, h)) {
            Some(k) => {
                self.grow(k + 1)?;
                self.state = Lex::Tag(None);
                Ok(k + 1)
            }
            None => self.rest_of_read(rest),
        }
    }

    /// In a comment, CDATA section or processing instruction (from
    /// `data[i]` on), up to the next `>`, which closes it after `--`, `]]`
    /// or `?` (looked for in the previous read when `>` comes first).
    fn closing(&mut self, data: &[u8], i: usize) -> Result<usize, GuardError> {
        let rest = &data[i..];
        let Some(k) = memchr::memchr(b'>', rest) else {
            return self.rest_of_read(rest);
        };
        self.grow(k + 1)?;
        let j = i + k;
        let before = |back: usize| -> u8 {
            if j >= back {
                data[j - back]
            } else {
                self.prev[2 - (back - j)]
            }
        };
        let (b2, b1) = (before(2), before(1));
        let closed = match self.state {
            Lex::Comment => b2 == b'-' && b1 == b'-',
            Lex::CData => b2 == b']' && b1 == b']',
            _ => b1 == b'?',
        };
        if closed {
            self.state = Lex::Text;
            self.run = 0;
        }
        Ok(k + 1)
    }
}

/// The first byte of `hay` that `stop` accepts. Markup tokens are a few
/// bytes apart, where setting up a vector search costs more than it finds,
/// so the first bytes are looked at one by one and only a longer run goes
/// to `search` (issue 15).
#[inline]
fn find(
    hay: &[u8],
    stop: impl Fn(u8) -> bool,
    search: impl Fn(&[u8]) -> Option<usize>,
) -> Option<usize> {
    const SHORT: usize = 24;
    let head = hay.get(..SHORT).unwrap_or(hay);
    if let Some(k) = head.iter().position(|&c| stop(c)) {
        return Some(k);
    }
    search(hay.get(head.len()..)?).map(|k| k + head.len())
}

/// The guard that stopped a read, if it was one of ours.
pub(crate) fn guard_of(e: &quick_xml::Error) -> Option<&GuardError> {
    match e {
        quick_xml::Error::Io(io) => io.get_ref()?.downcast_ref::<GuardError>(),
        _ => None,
    }
}

/// An XML error while reading `part`; `at` says where (a sheet and cell).
pub(crate) fn xml_error(path: &str, part: &str, at: &str, e: quick_xml::Error) -> ImportError {
    let place = if at.is_empty() {
        format!("part {part}")
    } else {
        at.to_string()
    };
    match guard_of(&e) {
        Some(GuardError::Lied { declared }) => too_large(
            path,
            format!("part {part}"),
            format!(
                "the part holds more than the {} bytes its zip entry declares",
                thousands(*declared)
            ),
            *declared,
        ),
        Some(GuardError::Total) => too_large(
            path,
            place,
            format!(
                "the workbook uncompresses to more than {} bytes, the {} GiB a workbook may hold",
                thousands(MAX_UNCOMPRESSED_BYTES),
                MAX_UNCOMPRESSED_BYTES >> 30
            ),
            MAX_UNCOMPRESSED_BYTES,
        ),
        Some(GuardError::LongRun) => too_large(
            path,
            place,
            format!(
                "over-long cell: more than {} bytes of XML without markup (a cell may hold {} characters)",
                thousands(MAX_XML_RUN_BYTES),
                thousands(crate::limits::MAX_CELL_CHARS as u64)
            ),
            MAX_XML_RUN_BYTES,
        ),
        Some(GuardError::Declaration) => malformed(
            path,
            format!("{place}: XML declarations such as <!DOCTYPE> are not allowed in a workbook"),
        ),
        None => match e {
            quick_xml::Error::Io(io) => malformed(path, format!("{place}: part {part} cannot be read: {io}")),
            other => malformed(path, format!("{place}: not well-formed XML: {other}")),
        },
    }
}

/// An XML part, read as events (empty elements come as start and end).
pub(crate) struct Xml<'z> {
    reader: quick_xml::Reader<BufReader<Part<'z>>>,
}

impl<'z> Xml<'z> {
    pub(crate) fn new(part: Part<'z>) -> Xml<'z> {
        let mut reader = quick_xml::Reader::from_reader(BufReader::with_capacity(64 * 1024, part));
        let config = reader.config_mut();
        config.check_end_names = false;
        config.trim_text(false);
        config.check_comments = false;
        config.expand_empty_elements = true;
        Xml { reader }
    }

    pub(crate) fn next<'b>(&mut self, buf: &'b mut Vec<u8>) -> Result<Event<'b>, quick_xml::Error> {
        buf.clear();
        self.reader.read_event_into(buf)
    }

    /// Empty elements as [`Event::Empty`] instead of a start and an end.
    pub(crate) fn keep_empty_elements(&mut self) {
        self.reader.config_mut().expand_empty_elements = false;
    }

    /// The rest of the part, after the last event read, still guarded
    /// and in the same buffer.
    pub(crate) fn into_source(self) -> BufReader<Part<'z>> {
        self.reader.into_inner()
    }

    /// Skips to the end of the element whose start was just read.
    pub(crate) fn skip(&mut self, buf: &mut Vec<u8>) -> Result<(), quick_xml::Error> {
        let mut depth = 1usize;
        loop {
            match self.next(buf)? {
                Event::Start(_) => depth += 1,
                Event::End(_) => {
                    depth -= 1;
                    if depth == 0 {
                        return Ok(());
                    }
                }
                Event::Eof => return Ok(()),
                _ => {}
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(chunks: &[&[u8]]) -> Result<(), GuardError> {
        let mut g = XmlRunGuard::default();
        for c in chunks {
            g.scan(c)?;
        }
        Ok(())
    }

    #[test]
    fn the_run_guard_measures_text_tags_comments_and_cdata() {
        let big = vec![b'x'; MAX_XML_RUN_BYTES as usize + 1];
        let ok = vec![b'x'; MAX_XML_RUN_BYTES as usize - 10];
        assert!(run(&[b"<a>", &ok, b"</a><b>", &ok, b"</b>"]).is_ok());
        assert!(matches!(
            run(&[b"<a>", &big, b"</a>"]),
            Err(GuardError::LongRun)
        ));
        // A quoted '>' does not end a tag; a '>' inside a comment or CDATA
        // does not end it either, even split across reads.
        let mut gt = Vec::new();
        for _ in 0..(MAX_XML_RUN_BYTES / 1000 + 2) {
            gt.extend_from_slice(&[b'>'; 1]);
            gt.extend_from_slice(&[b'y'; 999]);
        }
        assert!(matches!(
            run(&[b"<a b=\"", &gt, b"\">"]),
            Err(GuardError::LongRun)
        ));
        assert!(matches!(
            run(&[b"<!--", &gt, b"-->"]),
            Err(GuardError::LongRun)
        ));
        assert!(matches!(
            run(&[b"<![CDATA[", &gt, b"]]>"]),
            Err(GuardError::LongRun)
        ));
        assert!(run(&[b"<!-- a -", b"-", b"><a>", &ok, b"</a>"]).is_ok());
        assert!(run(&[b"<?xml version=\"1.0\"?", b"><a/>"]).is_ok());
        assert!(matches!(
            run(&[b"<!DOCTYPE x []><a/>"]),
            Err(GuardError::Declaration)
        ));
    }

    fn part(data: Vec<u8>, declared: u64, total: &Rc<StdCell<u64>>) -> Part<'static> {
        Part {
            inner: Box::new(Cursor::new(data)),
            declared,
            read: 0,
            total: Rc::clone(total),
            guard: None,
        }
    }

    fn stop(mut p: Part<'_>) -> Option<GuardError> {
        let mut sink = Vec::new();
        let e = p.read_to_end(&mut sink).err()?;
        let g = e.into_inner()?.downcast::<GuardError>().ok()?;
        Some(*g)
    }

    #[test]
    fn real_bytes_are_counted_against_the_declared_size_and_the_total() {
        let total = Rc::new(StdCell::new(0));
        assert!(stop(part(vec![b'a'; 1000], 1000, &total)).is_none());
        assert!(matches!(
            stop(part(vec![b'a'; 1001], 1000, &total)),
            Some(GuardError::Lied { declared: 1000 })
        ));
        total.set(MAX_UNCOMPRESSED_BYTES - 10);
        assert!(matches!(
            stop(part(vec![b'a'; 100], 1000, &total)),
            Some(GuardError::Total)
        ));
    }
}
