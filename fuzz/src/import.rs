//! The importer targets (feature `import`).

use std::io::Write;
use std::path::PathBuf;
use std::sync::OnceLock;

use sla_engine::Terms;
use sla_import::Kind;

/// The terms of `fixtures/cases/spec-s6-full-example`, parsed once: the
/// importer checks rows against them (time zone, service ids).
fn terms_fixture() -> &'static Terms {
    static TERMS: OnceLock<Terms> = OnceLock::new();
    TERMS.get_or_init(|| {
        Terms::parse(include_str!(
            "../../fixtures/cases/spec-s6-full-example/terms.toml"
        ))
        .expect("the spec-s6 fixture terms parse")
    })
}

/// A file under /dev/shm (else the temp dir) named for this process and
/// thread, so that parallel jobs (`-jobs`/`-fork`, test threads) never share
/// one; it is overwritten on each call and removed when dropped.
struct ShmFile(PathBuf);

impl ShmFile {
    fn write(tag: &str, ext: &str, data: &[u8]) -> Option<ShmFile> {
        let dir = if std::path::Path::new("/dev/shm").is_dir() {
            PathBuf::from("/dev/shm")
        } else {
            std::env::temp_dir()
        };
        let thread = format!("{:?}", std::thread::current().id())
            .chars()
            .filter(char::is_ascii_digit)
            .collect::<String>();
        let path = dir.join(format!(
            "sla-fuzz-{tag}-{}-{thread}.{ext}",
            std::process::id()
        ));
        let mut f = std::fs::File::create(&path).ok()?;
        f.write_all(data).ok()?;
        Some(ShmFile(path))
    }
    fn path(&self) -> &str {
        self.0.to_str().unwrap_or_default()
    }
}

impl Drop for ShmFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// Target `csv`: one CSV file. The byte reader runs on every input; when
/// it reads the file, the whole import (rows checked against the terms, for
/// each kind) and `inspect` run on it too, through the path-based API.
pub fn csv(data: &[u8]) {
    let Ok(Some(sheet)) = sla_import::read_csv_bytes("fuzz.csv", Kind::Outages, data) else {
        return;
    };
    if sheet.header.is_empty() && sheet.rows.is_empty() {
        return;
    }
    let Some(file) = ShmFile::write("csv", "csv", data) else {
        return;
    };
    for kind in Kind::ALL {
        let _ = sla_import::read_file(file.path(), Some(kind), terms_fixture());
    }
    let _ = sla_import::inspect(file.path());
    preset_csv(file.path());
}

/// Targets `xlsx`, `ods`, `xls`: one workbook (the reader tells the format
/// from the bytes; the targets differ in their seeds and dictionary). When
/// the byte reader reads it, the whole import and `inspect` run too.
pub fn workbook(data: &[u8], ext: &str) {
    let Ok(sheets) = sla_import::read_workbook_bytes("fuzz-workbook", data) else {
        return;
    };
    if sheets.is_empty() {
        return;
    }
    let Some(file) = ShmFile::write(ext, ext, data) else {
        return;
    };
    let _ = sla_import::read_file(file.path(), None, terms_fixture());
    let _ = sla_import::inspect(file.path());
}

/// Target `xlsx_sheet`: a worksheet part, read by the fast worksheet reader
/// and by the event reader (issue 15). A difference is a crash: the fast
/// reader must read exactly what the event reader reads, or give up.
pub fn xlsx_sheet(data: &[u8]) {
    if let Err(e) = sla_import::xlsx_sheet_agrees(data) {
        panic!("the fast worksheet reader and the event reader differ: {e}");
    }
}

/// The terms of `fixtures/presets/terms.toml` (services `api` and `web`),
/// which the preset fixtures are read against.
fn preset_terms() -> &'static Terms {
    static TERMS: OnceLock<Terms> = OnceLock::new();
    TERMS.get_or_init(|| {
        Terms::parse(include_str!("../../fixtures/presets/terms.toml"))
            .expect("the preset fixture terms parse")
    })
}

/// Options that let every preset go as far as it can: a zone for naive
/// times and a mapping for the fixtures' components.
fn preset_options() -> sla_import::PresetOptions {
    let mut o = sla_import::PresetOptions {
        zone: "America/New_York".parse().ok(),
        ..Default::default()
    };
    for (c, s) in [("Website", "web"), ("website", "web"), ("API", "api")] {
        o.components.insert(c.into(), s.into());
    }
    o
}

/// Target `preset_json` (issue 14): a vendor's JSON export. Detection, and
/// every JSON preset forced on it, through the path-based API.
pub fn preset_json(data: &[u8]) {
    let Some(file) = ShmFile::write("preset", "json", data) else {
        return;
    };
    let _ = sla_import::detect(file.path());
    let opts = preset_options();
    for p in sla_import::PRESETS
        .iter()
        .filter(|p| p.file == sla_import::presets::FileType::Json)
    {
        let _ = sla_import::read_preset(file.path(), Some(p.name), &opts, preset_terms());
    }
}

/// The CSV presets forced on a CSV the byte reader accepted (from `csv`).
fn preset_csv(path: &str) {
    let _ = sla_import::detect(path);
    let opts = preset_options();
    for p in sla_import::PRESETS
        .iter()
        .filter(|p| p.file == sla_import::presets::FileType::Csv)
    {
        let _ = sla_import::read_preset(path, Some(p.name), &opts, preset_terms());
    }
}

/// Target `ics` (issue 14): an iCalendar holiday feed, expanded over two
/// years.
pub fn ics(data: &[u8]) {
    let Some(file) = ShmFile::write("ics", "ics", data) else {
        return;
    };
    let (Some(from), Some(to)) = (
        chrono::NaiveDate::from_ymd_opt(2026, 1, 1),
        chrono::NaiveDate::from_ymd_opt(2027, 12, 31),
    ) else {
        return;
    };
    let _ = sla_import::read_holidays(file.path(), from, to);
}
