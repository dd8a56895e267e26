//! Evidence: look into a file, preview what would be imported, import it
//! (the importer reads and checks every row; the store writes them).

use super::Session;
use crate::{AppError, Code};
use serde::{Deserialize, Serialize};
use serde_json::json;
use sla_import::Kind;
use sla_store::evidence::{ImportOutcome, NewImport, Progress};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};

/// One sheet of a file to import, as found, with the reading we guess.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct SheetView {
    pub name: String,
    pub header: Vec<String>,
    pub rows: usize,
    /// `outages`, `maintenance`, `incidents`, or empty when nothing fits.
    pub kind: String,
    pub columns: Vec<ColumnChoice>,
}

/// The sheets of a file and the spec columns of every kind, so the screen
/// can offer a mapping for any kind the user picks.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct FileView {
    pub sheets: Vec<SheetView>,
    pub kinds: Vec<KindColumns>,
}

#[derive(Debug, Clone, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct KindColumns {
    pub kind: String,
    pub columns: Vec<String>,
    pub required: Vec<String>,
}

/// Which header of the sheet holds a spec column (empty: none).
#[derive(Debug, Clone, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct ColumnChoice {
    pub column: String,
    pub header: String,
}

/// A sheet the user chose to import, as what kind, with which columns.
#[derive(Debug, Clone, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct SheetChoice {
    pub sheet: String,
    pub kind: String,
    pub columns: Vec<ColumnChoice>,
}

/// A kind named by the user (`--kind`, the wizard): unknown names are an
/// error, never silently ignored.
pub fn kind_named(k: &str, what: &str) -> Result<Kind, AppError> {
    Kind::ALL
        .into_iter()
        .find(|x| x.name() == k)
        .ok_or_else(|| {
            AppError::invalid(
                Code::Mapping,
                format!("{what} `{k}`: use outages, maintenance or incidents"),
            )
        })
}

pub fn inspect_file(file: &str) -> Result<FileView, AppError> {
    let sheets = sla_import::inspect(file)?;
    Ok(FileView {
        sheets: sheets
            .into_iter()
            .map(|s| SheetView {
                kind: s.kind.map(|k| k.name().to_string()).unwrap_or_default(),
                columns: s
                    .columns
                    .into_iter()
                    .map(|(column, h)| ColumnChoice {
                        column,
                        header: h.unwrap_or_default(),
                    })
                    .collect(),
                name: s.name,
                header: s.header,
                rows: s.rows,
            })
            .collect(),
        kinds: Kind::ALL
            .into_iter()
            .map(|k| KindColumns {
                kind: k.name().into(),
                columns: k.columns().iter().map(|c| c.0.to_string()).collect(),
                required: k
                    .columns()
                    .iter()
                    .filter(|c| c.1)
                    .map(|c| c.0.to_string())
                    .collect(),
            })
            .collect(),
    })
}

fn sheet_maps(choices: &[SheetChoice]) -> Result<Vec<sla_import::SheetMap>, AppError> {
    choices
        .iter()
        .map(|c| {
            Ok(sla_import::SheetMap {
                sheet: c.sheet.clone(),
                kind: kind_named(&c.kind, &format!("sheet `{}`: kind", c.sheet))?,
                columns: c
                    .columns
                    .iter()
                    .filter(|m| !m.header.is_empty())
                    .map(|m| (m.column.clone(), m.header.clone()))
                    .collect(),
            })
        })
        .collect()
}

/// What to import: a file, where it came from, for which contract, and how
/// to read it (a CSV's kind, or the user's sheet kinds and column mapping).
#[derive(Default)]
pub struct ImportFile<'a> {
    pub file: &'a str,
    pub source: &'a str,
    pub contract: Option<&'a str>,
    pub kind: Option<&'a str>,
    pub mapping: Option<&'a [SheetChoice]>,
}

/// How a file is to be read: the spec's sheets and headers, a CSV of one
/// kind, or the user's mapping.
struct Reading {
    kind: Option<Kind>,
    maps: Option<Vec<sla_import::SheetMap>>,
}

fn reading(what: &ImportFile<'_>) -> Result<Reading, AppError> {
    let maps = what.mapping.map(sheet_maps).transpose()?;
    let kind = what.kind.map(|k| kind_named(k, "--kind")).transpose()?;
    let is_csv = what.file.to_lowercase().ends_with(".csv") && maps.is_none();
    let kind = kind.or_else(|| is_csv.then(|| kind_from_name(what.file)).flatten());
    if is_csv && kind.is_none() {
        return Err(AppError::invalid(
            Code::Mapping,
            format!(
                "{}: say what the CSV holds with --kind outages|maintenance|incidents",
                what.file
            ),
        ));
    }
    Ok(Reading { kind, maps })
}

/// A CSV named after its kind (`outages.csv`, `maintenance-october.csv`).
fn kind_from_name(file: &str) -> Option<Kind> {
    let stem = Path::new(file)
        .file_stem()?
        .to_string_lossy()
        .to_lowercase();
    Kind::ALL
        .into_iter()
        .find(|k| stem.contains(&k.name()[..6]))
}

fn read(
    what: &ImportFile<'_>,
    r: &Reading,
    terms: &sla_engine::Terms,
) -> Result<sla_import::Imported, sla_import::ImportError> {
    match &r.maps {
        Some(m) => sla_import::read_mapped(what.file, m, terms),
        None => sla_import::read_file(what.file, r.kind, terms),
    }
}

/// Imports a spreadsheet into a contract's evidence. Re-importing the same
/// bytes is a no-op that says so. `progress` is told rows per second while
/// the rows are written; setting `cancel` stops the import and nothing is
/// written.
pub fn import(
    s: &mut Session,
    what: &ImportFile<'_>,
    cancel: &AtomicBool,
    progress: &mut dyn FnMut(Progress),
) -> Result<ImportOutcome, AppError> {
    let r = reading(what)?;
    let contract = s.lib.resolve_contract(what.contract)?;
    let bytes = std::fs::read(what.file).map_err(|source| AppError::ReadFile {
        path: what.file.into(),
        source,
    })?;
    let sha = sla_store::sha256_hex(&bytes);
    if let Some(existing) = s.lib.import_by_sha(&contract, &sha)? {
        return Ok(ImportOutcome::AlreadyImported(existing));
    }
    // Rows are checked against the newest terms (time zone, services).
    let terms = s.lib.terms_of(&contract, None)?;
    let imported = read(what, &r, &terms)?;
    let file_name = Path::new(what.file)
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| what.file.to_string());
    let mapping = r.maps.as_ref().map(|m| {
        m.iter()
            .map(|s| json!({ "sheet": s.sheet, "kind": s.kind.name(), "columns": s.columns }))
            .collect::<Vec<_>>()
            .into()
    });
    let req = NewImport {
        contract: &contract,
        file_name: &file_name,
        sha256: &sha,
        source_label: what.source,
        events: &imported.events,
        mapping,
    };
    let outcome = s.lib.store_import(&s.ctx, &req, &mut |p| {
        progress(p);
        !cancel.load(Ordering::SeqCst)
    })?;
    Ok(match outcome {
        ImportOutcome::Imported { import, .. } => ImportOutcome::Imported {
            import,
            warnings: imported.warnings,
        },
        other => other,
    })
}

#[derive(Debug, Clone, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct ImportPreview {
    pub contract: String,
    pub time_zone: String,
    pub outages: usize,
    pub maintenance: usize,
    pub incidents: usize,
    /// The first rows as they will be read: instants already in UTC.
    pub rows: Vec<PreviewRow>,
    pub warnings: Vec<String>,
    /// Every bad row, `file:sheet:row:column: reason`; nothing is written
    /// while there are any.
    pub errors: Vec<String>,
}

#[derive(Debug, Clone, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct PreviewRow {
    pub origin: String,
    pub kind: String,
    pub service: String,
    pub start: String,
    pub end: String,
    pub detail: String,
}

/// Reads a spreadsheet without writing anything: what would be imported,
/// with every bad row.
pub fn preview(s: &Session, what: &ImportFile<'_>) -> Result<ImportPreview, AppError> {
    let r = reading(what)?;
    let contract = match what.contract {
        Some(c) => c.to_string(),
        None => s.lib.contract_ids()?.into_iter().next().ok_or_else(|| {
            AppError::invalid(Code::NotFound, "add a contract before importing evidence")
        })?,
    };
    let terms = s.lib.terms_of(&contract, None)?;
    let mut p = ImportPreview {
        contract,
        time_zone: terms.contract.timezone.name().into(),
        outages: 0,
        maintenance: 0,
        incidents: 0,
        rows: vec![],
        warnings: vec![],
        errors: vec![],
    };
    match read(what, &r, &terms) {
        Ok(im) => {
            let ev = &im.events;
            (p.outages, p.maintenance, p.incidents) =
                (ev.outages.len(), ev.maintenance.len(), ev.incidents.len());
            p.rows = preview_rows(ev);
            p.warnings = im.warnings;
        }
        Err(sla_import::ImportError::Rows(rows)) => {
            p.errors = rows.iter().map(|r| r.to_string()).collect()
        }
        Err(e) => p.errors = vec![e.to_string()],
    }
    Ok(p)
}

/// The first rows of each kind, as the preview shows them.
fn preview_rows(ev: &sla_engine::Events) -> Vec<PreviewRow> {
    let t = sla_engine::time::fmt_instant;
    let mut rows = Vec::new();
    for o in ev.outages.iter().take(20) {
        rows.push(PreviewRow {
            origin: o.origin.to_string(),
            kind: "outage".into(),
            service: o.service.clone(),
            start: t(o.start),
            end: o.end.map(t).unwrap_or_else(|| "open".into()),
            detail: format!("impact {} cause {}", o.impact, o.cause),
        });
    }
    for m in ev.maintenance.iter().take(10) {
        rows.push(PreviewRow {
            origin: m.origin.to_string(),
            kind: "maintenance".into(),
            service: m.service.clone(),
            start: t(m.start),
            end: t(m.end),
            detail: format!(
                "notified {}",
                m.notified_at.map(t).unwrap_or_else(|| "never".into())
            ),
        });
    }
    for i in ev.incidents.iter().take(10) {
        rows.push(PreviewRow {
            origin: i.origin.to_string(),
            kind: "incident".into(),
            service: i.service.clone(),
            start: t(i.at),
            end: String::new(),
            detail: format!("{} {} {}", i.incident, i.severity, i.status),
        });
    }
    rows
}
