//! Reads event sheets (spec section 2) into engine rows: CSV files, one per
//! kind, or one workbook (xlsx, xls, ods) with sheets `outages`,
//! `maintenance`, `incidents`. Header names are matched case-insensitively in
//! any order; every bad row is reported; nothing is half-read.
//!
//! Files are untrusted: every reader checks what a file declares and what
//! it holds against [`limits`] before keeping anything, so a hostile file
//! is refused quickly, in bounded memory, with its file, sheet and cell
//! named, and never panics the importer.

mod check;
mod csv_sheet;
mod error;
mod grid;
pub mod ics;
pub mod limits;
mod mapping;
mod ods;
pub mod presets;
mod requests;
mod sheet;
mod stream;
mod survey;
mod values;
mod xls;
mod xlsx;
mod zipguard;

pub(crate) use check::{cell_instant, Checker};
pub use error::{ImportError, RowError};
pub use ics::read_holidays;
pub use limits::MAX_ROWS_PER_SHEET;
pub use mapping::{inspect, inspect_until, inspect_whole, read_mapped, SheetInfo, SheetMap};
// `read_mapped_until` is defined below, beside the streaming sink it uses.
pub use presets::{
    detect, preset_named, read_preset, ComponentUse, PresetInfo, PresetOptions, PresetReading,
    PRESETS,
};
pub use requests::{read_requests, RequestRecord};
pub use sheet::{read_csv_bytes, read_workbook_bytes, Cell, InvalidCell, RawSheet};

use sla_engine::terms::TermsScope;
use sla_engine::{Events, Terms};
use std::path::Path;

/// The kinds of event sheet, in the order errors are listed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Outages,
    Maintenance,
    Incidents,
    /// Request counts (terms v2 section 8).
    Requests,
}

impl Kind {
    pub const ALL: [Kind; 4] = [
        Kind::Outages,
        Kind::Maintenance,
        Kind::Incidents,
        Kind::Requests,
    ];
    pub fn name(self) -> &'static str {
        match self {
            Kind::Outages => "outages",
            Kind::Maintenance => "maintenance",
            Kind::Incidents => "incidents",
            Kind::Requests => "requests",
        }
    }
    /// Columns as the spec spells and orders them, and whether required.
    pub fn columns(self) -> &'static [(&'static str, bool)] {
        match self {
            Kind::Outages => &[
                ("service", true),
                ("start", true),
                ("end", true),
                ("impact", false),
                ("cause", false),
                ("source", false),
                ("ref", false),
            ],
            Kind::Maintenance => &[
                ("service", true),
                ("start", true),
                ("end", true),
                ("notified_at", false),
            ],
            Kind::Incidents => &[
                ("incident", true),
                ("service", true),
                ("severity", true),
                ("at", true),
                ("status", true),
            ],
            Kind::Requests => &[
                ("service", true),
                ("start", true),
                ("end", true),
                ("good", true),
                ("total", true),
            ],
        }
    }
    fn order(self) -> usize {
        self as usize
    }
}

/// Where the events come from.
#[derive(Debug, Clone, Default)]
pub struct Sources {
    pub workbook: Option<String>,
    pub outages: Option<String>,
    pub maintenance: Option<String>,
    pub incidents: Option<String>,
    /// Request counts (terms v2 section 8), a CSV.
    pub requests: Option<String>,
}

#[derive(Debug, Clone, Default)]
pub struct Imported {
    pub events: Events,
    pub warnings: Vec<String>,
}

/// Not API: reads the worksheet part `part` with the fast worksheet reader
/// and with the event reader; `Err` says how they differ, `Ok(false)` that
/// the fast reader gave up (fuzz target `xlsx_sheet`, and the tests).
#[doc(hidden)]
pub fn xlsx_sheet_agrees(part: &[u8]) -> Result<bool, String> {
    xlsx::sheet_agrees(part)
}

/// Not API: turns the fast worksheet reader off (or on again) on this
/// thread, so that a test can compare whole imports with and without it.
#[doc(hidden)]
pub fn set_xlsx_fast_reader(on: bool) {
    xlsx::set_fast(on);
}

/// Reads every named source, checking each row against `terms` (its time
/// zone for naive instants, its service ids).
pub fn read_events(sources: &Sources, terms: &Terms) -> Result<Imported, ImportError> {
    read_events_until(sources, terms, &mut |_| true)
}

/// How often, in rows, a streamed read asks whether to go on.
pub const ROWS_PER_CHECK: u64 = 10_000;

/// [`read_events`], asking `go_on(rows read so far)` every
/// [`ROWS_PER_CHECK`] rows of a streamed sheet; `false` stops the read
/// with [`ImportError::Cancelled`] (issue 15: a large import can be
/// cancelled, and show its progress, while it is read).
pub fn read_events_until(
    sources: &Sources,
    terms: &Terms,
    go_on: &mut dyn FnMut(u64) -> bool,
) -> Result<Imported, ImportError> {
    read_events_in(sources, &terms.scope(), go_on)
}

/// [`read_events_until`] with only what it needs of the terms: the zone
/// and service ids. The stateless compute reads the events with a scope
/// guessed from the terms text while the terms are checked (issue 15).
pub fn read_events_in(
    sources: &Sources,
    scope: &TermsScope,
    go_on: &mut dyn FnMut(u64) -> bool,
) -> Result<Imported, ImportError> {
    let mut ctx = Checker::new(scope, Vec::new());
    let mut events = Events::default();
    // Streamed (issue 15): rows are checked as they are read and only the
    // events are kept.
    let mut sink = Streamed::new(&mut ctx, &mut events, Kind::Outages, go_on);
    if let Some(book) = &sources.workbook {
        let picked = sheet::stream_workbook(book, &mut sink)?;
        // The picking's warnings come first, as when sheets were read whole.
        sink.ctx.warnings.splice(0..0, picked);
    }
    for (kind, path) in [
        (Kind::Outages, &sources.outages),
        (Kind::Maintenance, &sources.maintenance),
        (Kind::Incidents, &sources.incidents),
    ] {
        if let Some(p) = path {
            sink.kind = kind;
            sheet::stream_csv(p, kind, &mut sink)?;
        }
    }
    if let Some(p) = &sources.requests {
        if let Some(s) = sheet::read_csv(p, Kind::Requests)? {
            ctx.sheet(Kind::Requests, &s, &mut events);
        }
    }
    ctx.finish(events)
}

/// Sheets checked row by row as they are read.
struct Streamed<'c> {
    ctx: &'c mut Checker,
    events: &'c mut Events,
    /// The kind of the CSV being streamed.
    kind: Kind,
    /// Spec column -> position, once the header is good.
    index: Option<Vec<Option<usize>>>,
    /// Lengths of everything the sink appends to, at [`BookSink::mark`].
    mark: [usize; 6],
    /// `rows` at the mark: a sheet read again is not counted twice in
    /// the progress.
    mark_rows: u64,
    /// Rows handed over so far, and whom to ask whether to go on.
    rows: u64,
    go_on: &'c mut dyn FnMut(u64) -> bool,
}

impl<'c> Streamed<'c> {
    fn new(
        ctx: &'c mut Checker,
        events: &'c mut Events,
        kind: Kind,
        go_on: &'c mut dyn FnMut(u64) -> bool,
    ) -> Self {
        Streamed {
            ctx,
            events,
            kind,
            index: None,
            mark: [0; 6],
            mark_rows: 0,
            rows: 0,
            go_on,
        }
    }
}

impl stream::RowSink for Streamed<'_> {
    fn header(&mut self, sheet: &RawSheet) {
        self.index = self.ctx.begin(self.kind, sheet);
    }
    fn row(&mut self, sheet: &RawSheet, row: u32, cells: &[Cell]) -> bool {
        if let Some(index) = &self.index {
            self.ctx
                .data_row(self.kind, sheet, index, row, cells, self.events);
        }
        self.rows += 1;
        !self.rows.is_multiple_of(ROWS_PER_CHECK) || (self.go_on)(self.rows)
    }
}

impl stream::BookSink for Streamed<'_> {
    fn header(&mut self, kind: Kind, sheet: &RawSheet) {
        self.kind = kind;
        stream::RowSink::header(self, sheet);
    }
    fn row(&mut self, kind: Kind, sheet: &RawSheet, row: u32, cells: &[Cell]) -> bool {
        self.kind = kind;
        stream::RowSink::row(self, sheet, row, cells)
    }
    fn whole(&mut self, kind: Kind, sheet: &RawSheet) {
        self.ctx.sheet(kind, sheet, self.events);
    }
    fn mark(&mut self) {
        let e = &self.events;
        self.mark = [
            e.outages.len(),
            e.maintenance.len(),
            e.incidents.len(),
            e.requests.len(),
            self.ctx.errors.len(),
            self.ctx.warnings.len(),
        ];
        self.mark_rows = self.rows;
    }
    fn rollback(&mut self) {
        let [o, m, i, r, errors, warnings] = self.mark;
        self.events.outages.truncate(o);
        self.events.maintenance.truncate(m);
        self.events.incidents.truncate(i);
        self.events.requests.truncate(r);
        self.ctx.errors.truncate(errors);
        self.ctx.warnings.truncate(warnings);
        self.index = None;
        self.rows = self.mark_rows;
    }
}

/// [`read_mapped`] streamed where it can be, with progress and cancel
/// through `go_on` (issue 15: the app's import screen sends a mapping, and
/// a million-row CSV read whole took the memory and the Cancel away): a
/// CSV's one mapped sheet of outages, maintenance or incidents is read row
/// by row with its header renamed, as [`read_events_until`] reads one.
/// Anything else (a workbook's sheets, requests, a blank file) is read
/// whole as before.
pub fn read_mapped_until(
    path: &str,
    maps: &[SheetMap],
    terms: &Terms,
    go_on: &mut dyn FnMut(u64) -> bool,
) -> Result<Imported, ImportError> {
    if !mapping::is_csv(path) {
        return read_book_mapped_until(path, maps, terms, go_on);
    }
    let [m] = maps else {
        return read_mapped(path, maps, terms);
    };
    if m.kind == Kind::Requests || m.sheet != mapping::csv_sheet_name(path) {
        return read_mapped(path, maps, terms);
    }
    let mut ctx = Checker::new(&terms.scope(), Vec::new());
    let mut events = Events::default();
    let mut sink = Streamed::new(&mut ctx, &mut events, m.kind, go_on);
    let mut renamed = Renamed {
        map: m,
        mapped: None,
        inner: &mut sink,
    };
    if !sheet::stream_csv(path, m.kind, &mut renamed)? {
        return read_mapped(path, maps, terms);
    }
    ctx.finish(events)
}

/// An xlsx workbook read through a mapping, its mapped sheets streamed
/// (an ods or xls workbook is read whole, as before).
fn read_book_mapped_until(
    path: &str,
    maps: &[SheetMap],
    terms: &Terms,
    go_on: &mut dyn FnMut(u64) -> bool,
) -> Result<Imported, ImportError> {
    let mut ctx = Checker::new(&terms.scope(), Vec::new());
    let mut events = Events::default();
    let mut sink = Streamed::new(&mut ctx, &mut events, Kind::Outages, go_on);
    let mut renamed = RenamedBook {
        maps,
        mapped: None,
        inner: &mut sink,
    };
    if sheet::stream_workbook_mapped(path, maps, &mut renamed)?.is_none() {
        return read_mapped(path, maps, terms);
    }
    ctx.finish(events)
}

/// A workbook's streamed sheets, each read through its sheet's mapping.
struct RenamedBook<'a, 'c> {
    maps: &'a [SheetMap],
    /// The sheet being streamed, as its mapping names its columns.
    mapped: Option<RawSheet>,
    inner: &'a mut Streamed<'c>,
}

impl RenamedBook<'_, '_> {
    fn renamed(&self, kind: Kind, sheet: &RawSheet) -> RawSheet {
        let mut mapped = sheet.clone();
        if let Some(m) = self
            .maps
            .iter()
            .find(|m| m.sheet == sheet.name && m.kind == kind)
        {
            mapping::rename_header(&mut mapped.header, m);
        }
        mapped
    }
}

impl stream::BookSink for RenamedBook<'_, '_> {
    fn header(&mut self, kind: Kind, sheet: &RawSheet) {
        let mapped = self.renamed(kind, sheet);
        stream::BookSink::header(self.inner, kind, &mapped);
        self.mapped = Some(mapped);
    }
    fn row(&mut self, kind: Kind, sheet: &RawSheet, row: u32, cells: &[Cell]) -> bool {
        let sheet = self.mapped.as_ref().unwrap_or(sheet);
        stream::BookSink::row(self.inner, kind, sheet, row, cells)
    }
    fn whole(&mut self, kind: Kind, sheet: &RawSheet) {
        let mapped = self.renamed(kind, sheet);
        stream::BookSink::whole(self.inner, kind, &mapped);
    }
    fn mark(&mut self) {
        stream::BookSink::mark(self.inner);
    }
    fn rollback(&mut self) {
        stream::BookSink::rollback(self.inner);
    }
}

/// A streamed sheet whose header is read through a mapping: every row is
/// checked against the sheet as the mapping names it, as when read whole.
struct Renamed<'a, 'c> {
    map: &'a SheetMap,
    mapped: Option<RawSheet>,
    inner: &'a mut Streamed<'c>,
}

impl stream::RowSink for Renamed<'_, '_> {
    fn header(&mut self, sheet: &RawSheet) {
        let mut mapped = sheet.clone();
        mapping::rename_header(&mut mapped.header, self.map);
        stream::RowSink::header(self.inner, &mapped);
        self.mapped = Some(mapped);
    }
    fn row(&mut self, sheet: &RawSheet, row: u32, cells: &[Cell]) -> bool {
        let sheet = self.mapped.as_ref().unwrap_or(sheet);
        stream::RowSink::row(self.inner, sheet, row, cells)
    }
}

/// Checks sheets already read and assigned a kind: every row against
/// `terms`, every problem listed.
fn check_sheets(
    sheets: &[(Kind, RawSheet)],
    warnings: Vec<String>,
    terms: &Terms,
) -> Result<Imported, ImportError> {
    let mut ctx = Checker::new(&terms.scope(), warnings);
    let mut events = Events::default();
    for (kind, sheet) in sheets {
        ctx.sheet(*kind, sheet, &mut events);
    }
    ctx.finish(events)
}

/// Reads a file by its extension: `.csv` needs to be told its kind.
pub fn read_file(
    path: &str,
    kind_for_csv: Option<Kind>,
    terms: &Terms,
) -> Result<Imported, ImportError> {
    read_file_until(path, kind_for_csv, terms, &mut |_| true)
}

/// [`read_file`], asking `go_on` as [`read_events_until`] does.
pub fn read_file_until(
    path: &str,
    kind_for_csv: Option<Kind>,
    terms: &Terms,
    go_on: &mut dyn FnMut(u64) -> bool,
) -> Result<Imported, ImportError> {
    let ext = Path::new(path)
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_lowercase();
    let mut s = Sources::default();
    match (ext.as_str(), kind_for_csv) {
        ("csv", Some(Kind::Outages)) => s.outages = Some(path.into()),
        ("csv", Some(Kind::Maintenance)) => s.maintenance = Some(path.into()),
        ("csv", Some(Kind::Incidents)) => s.incidents = Some(path.into()),
        ("csv", Some(Kind::Requests)) => s.requests = Some(path.into()),
        _ => s.workbook = Some(path.into()),
    }
    read_events_until(&s, terms, go_on)
}
