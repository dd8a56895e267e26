//! Evidence: look into a file, preview what would be imported, import it
//! (the importer reads and checks every row; the store writes them).

use super::presets::{self, ComponentChoice, PresetRequest};
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

/// A file's sheets, headers and row counts, with a guessed reading of
/// each. The rows are counted as they are read (issue 15), reported
/// through `progress`; `cancel` stops the read with `E-CANCELLED`.
pub fn inspect_file(
    file: &str,
    cancel: &AtomicBool,
    progress: &mut dyn FnMut(Progress),
) -> Result<FileView, AppError> {
    let sheets = sla_import::inspect_until(file, &mut reading_progress(cancel, progress))?;
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
    /// Read through a preset (issue 14); `None`: a JSON file, or a CSV
    /// whose header a preset knows, is still read through the preset its
    /// shape names.
    pub preset: Option<&'a PresetRequest>,
}

/// How a file is to be read: the spec's sheets and headers, a CSV of one
/// kind, or the user's mapping.
struct Reading {
    kind: Option<Kind>,
    maps: Option<Vec<sla_import::SheetMap>>,
    preset: Option<PresetRequest>,
}

fn has_ext(file: &str, ext: &str) -> bool {
    Path::new(file)
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case(ext))
}

/// The preset a file is read with: the one asked for, else (when no kind
/// or mapping says otherwise) the one a JSON file's or a CSV header's
/// shape names.
fn preset_reading(what: &ImportFile<'_>) -> Result<Option<PresetRequest>, AppError> {
    if let Some(p) = what.preset {
        return Ok(Some(p.clone()));
    }
    if what.kind.is_some() || what.mapping.is_some() {
        return Ok(None);
    }
    if has_ext(what.file, "json") {
        return Ok(Some(PresetRequest::default()));
    }
    if has_ext(what.file, "csv") && presets::detect(what.file)?.is_some() {
        return Ok(Some(PresetRequest::default()));
    }
    Ok(None)
}

fn reading(what: &ImportFile<'_>) -> Result<Reading, AppError> {
    let preset = preset_reading(what)?;
    if preset.is_some() {
        return Ok(Reading {
            kind: None,
            maps: None,
            preset,
        });
    }
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
    Ok(Reading {
        kind,
        maps,
        preset: None,
    })
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
    go_on: &mut dyn FnMut(u64) -> bool,
) -> Result<sla_import::Imported, sla_import::ImportError> {
    match &r.maps {
        Some(m) => sla_import::read_mapped_until(what.file, m, terms, go_on),
        None => sla_import::read_file_until(what.file, r.kind, terms, go_on),
    }
}

/// A file read through a preset, with what the audit entry keeps of it.
struct PresetRead {
    reading: sla_import::PresetReading,
    options: sla_import::PresetOptions,
}

fn read_with_preset(
    s: &Session,
    what: &ImportFile<'_>,
    contract: &str,
    terms: &sla_engine::Terms,
    req: &PresetRequest,
) -> Result<PresetRead, AppError> {
    let options = presets::options(s, contract, terms, req)?;
    let name = Some(req.preset.trim()).filter(|n| !n.is_empty());
    let reading = sla_import::read_preset(what.file, name, &options, terms)?;
    Ok(PresetRead { reading, options })
}

impl PresetRead {
    /// Provenance kept in the import's audit entry: the preset and its
    /// version, and every choice that shaped the rows.
    fn provenance(&self) -> serde_json::Value {
        let p = self.reading.preset;
        json!({
            "preset": p.name,
            "preset_version": p.version,
            "partial_weight": self.options.partial_weight.to_string(),
            "degraded_weight": self.options.degraded_weight.to_string(),
            "zone": self.options.zone.map(|z| z.name().to_string()),
            "components": self.reading.components.iter().map(|c| json!({
                "component": c.component, "service": c.service, "how": c.how
            })).collect::<Vec<_>>(),
        })
    }

    /// The components mapped by the user's choice, to save for next time.
    fn chosen(&self) -> Vec<ComponentChoice> {
        self.reading
            .components
            .iter()
            .filter(|c| c.how == "mapping")
            .filter_map(|c| {
                c.service.clone().map(|service| ComponentChoice {
                    component: c.component.clone(),
                    service,
                })
            })
            .collect()
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
        if let Some(at) = &existing.withdrawn_at {
            // The library keeps one import per file's bytes.
            return Err(AppError::Store(sla_store::StoreError::Conflict(format!(
                "{} was imported as import {} and withdrawn on {at}; the same bytes cannot be imported again: import a corrected file",
                existing.file_name, existing.id
            ))));
        }
        return Ok(ImportOutcome::AlreadyImported(existing));
    }
    // Rows are checked against the newest terms (time zone, services).
    let terms = s.lib.terms_of(&contract, None)?;
    let mut preset_read = None;
    let imported = match &r.preset {
        Some(req) => {
            let pr = read_with_preset(s, what, &contract, &terms, req)?;
            let imported = pr.reading.clone().into_imported()?;
            preset_read = Some(pr);
            imported
        }
        None => {
            // While the file is read (issue 15): rows read so far, and a
            // cancel stops the read.
            read(
                what,
                &r,
                &terms,
                &mut reading_progress(cancel, &mut *progress),
            )?
        }
    };
    let file_name = Path::new(what.file)
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| what.file.to_string());
    let mapping = r
        .maps
        .as_ref()
        .map(|m| {
            m.iter()
                .map(|s| json!({ "sheet": s.sheet, "kind": s.kind.name(), "columns": s.columns }))
                .collect::<Vec<_>>()
                .into()
        })
        .or_else(|| preset_read.as_ref().map(PresetRead::provenance));
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
    if let (ImportOutcome::Imported { .. }, Some(pr)) = (&outcome, &preset_read) {
        // Only a mapping that produced stored rows is remembered.
        presets::save_mapping(s, &contract, &pr.chosen())?;
    }
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
    /// The preset the file is read with (`name` version `n`); empty: none.
    pub preset: String,
    /// The impact weights the preset applies (`partial_outage`,
    /// `degraded_performance`), as decimal text; empty without a preset.
    pub weights: Vec<ComponentChoice>,
    /// Every component the file names and the service it becomes (empty
    /// service: unmapped, a row error until the user maps it).
    pub components: Vec<ComponentView>,
}

/// A vendor component in the preview's mapping step.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct ComponentView {
    pub component: String,
    pub service: String,
    /// `mapping` (the user's or the contract's saved one), `same name`,
    /// or empty when unmapped.
    pub how: String,
    pub uses: usize,
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
/// with every bad row. Like an import's reading (issue 15), it reports the
/// rows checked so far through `progress` and stops with `E-CANCELLED`
/// when `cancel` is set: a million-row preview takes a while.
pub fn preview(
    s: &Session,
    what: &ImportFile<'_>,
    cancel: &AtomicBool,
    progress: &mut dyn FnMut(Progress),
) -> Result<ImportPreview, AppError> {
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
        preset: String::new(),
        weights: vec![],
        components: vec![],
    };
    if let Some(req) = &r.preset {
        let pr = read_with_preset(s, what, &p.contract.clone(), &terms, req);
        preview_preset(&mut p, pr);
        return Ok(p);
    }
    match read(what, &r, &terms, &mut reading_progress(cancel, progress)) {
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
        Err(e @ sla_import::ImportError::Cancelled { .. }) => return Err(e.into()),
        Err(e) => p.errors = vec![e.to_string()],
    }
    Ok(p)
}

/// Whom a file's reading asks whether to go on: it reports the rows
/// checked so far (no total yet: `rows_total` 0) and stops when `cancel`
/// is set.
fn reading_progress<'a>(
    cancel: &'a AtomicBool,
    progress: &'a mut dyn FnMut(Progress),
) -> impl FnMut(u64) -> bool + 'a {
    let started = std::time::Instant::now();
    move |rows: u64| {
        let secs = started.elapsed().as_secs_f64().max(1e-6);
        progress(Progress {
            rows_done: rows,
            rows_total: 0,
            rows_per_second: (rows as f64 / secs) as u64,
        });
        !cancel.load(Ordering::SeqCst)
    }
}

/// The preview of a file read through a preset: its rows or errors, the
/// weights and the component mapping step.
fn preview_preset(p: &mut ImportPreview, pr: Result<PresetRead, AppError>) {
    let pr = match pr {
        Ok(pr) => pr,
        Err(e) => {
            p.errors = match e.details() {
                d if d.is_empty() => vec![e.to_string()],
                d => d,
            };
            return;
        }
    };
    let r = &pr.reading;
    p.preset = format!("{} version {}", r.preset.name, r.preset.version);
    p.weights = vec![
        ComponentChoice {
            component: "partial_outage".into(),
            service: pr.options.partial_weight.to_string(),
        },
        ComponentChoice {
            component: "degraded_performance".into(),
            service: pr.options.degraded_weight.to_string(),
        },
    ];
    p.components = r
        .components
        .iter()
        .map(|c| ComponentView {
            component: c.component.clone(),
            service: c.service.clone().unwrap_or_default(),
            how: c.how.into(),
            uses: c.uses,
        })
        .collect();
    let ev = &r.events;
    (p.outages, p.maintenance, p.incidents) =
        (ev.outages.len(), ev.maintenance.len(), ev.incidents.len());
    p.rows = preview_rows(ev);
    p.warnings = r.warnings.clone();
    p.errors = r.errors.iter().map(|e| e.to_string()).collect();
}

/// The first rows of each kind, as the preview shows them.
fn preview_rows(ev: &sla_engine::Events) -> Vec<PreviewRow> {
    let t = sla_engine::time::fmt_instant;
    let mut rows = Vec::new();
    for o in ev.outages.iter().take(20) {
        rows.push(PreviewRow {
            origin: o.origin.to_string(),
            kind: "outage".into(),
            service: o.service.to_string(),
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

/// Withdraws an import no final statement used (issue 16): its rows stop
/// counting, drafts computed with it are discarded, all audited.
pub fn withdraw(
    s: &mut Session,
    import_id: i64,
    reason: &str,
) -> Result<sla_store::forgive::Withdrawal, AppError> {
    Ok(s.lib.withdraw_import(&s.ctx, import_id, reason)?)
}
