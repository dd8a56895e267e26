//! Presets (issue 14): named, versioned mappings from one vendor's export
//! format to our event sheets. A preset reads the file the tool gave the
//! user (a JSON document or a CSV), and writes the same rows a hand-made
//! `outages` / `maintenance` / `incidents` sheet would, with provenance: the
//! file, the preset and the vendor's own id (`ref`, or the incident id).
//!
//! Every preset is checked like a sheet: each bad value is a row error
//! naming its place (`file:sheet:row:column` for tables, the JSON pointer
//! for JSON), every problem is listed, and [`PresetReading::into_imported`]
//! returns rows only when there are none. Components (the vendor's name for
//! what failed) become services through the user's mapping, else by having
//! a service's id as their name; the reading reports every component it met
//! so that the mapping step can show them.
//!
//! The formats and the exact fields used are in `docs/import-presets.md`.

mod datadog;
mod datadog_slo;
mod jira;
mod json;
mod pagerduty;
mod pingdom;
mod statuspage;
mod time;
mod uptimerobot;

use crate::error::{ImportError, RowError};
use crate::sheet::{read_csv, RawSheet};
use crate::{Imported, Kind};
use chrono_tz::Tz;
use rust_decimal::Decimal;
use serde_json::Value;
use sla_engine::events::incidents_without_opened;
use sla_engine::{Events, Instant, Origin, Terms};
use std::collections::BTreeMap;
use std::path::Path;

pub use time::parse_vendor_time;

/// What kind of file a preset reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileType {
    Json,
    Csv,
}

/// One preset: its name (what `--preset` takes), version (bumped when the
/// reading changes, and kept with every import), and where its format is
/// documented.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PresetInfo {
    pub name: &'static str,
    pub version: u32,
    pub vendor: &'static str,
    pub title: &'static str,
    pub file: FileType,
    /// What the preset writes: `outages`, `maintenance`, `incidents`,
    /// `requests`.
    pub kinds: &'static [&'static str],
    /// The vendor's documentation the fields were taken from.
    pub source: &'static str,
}

/// Every preset, in the order `--list-presets` shows them.
pub const PRESETS: &[PresetInfo] = &[
    statuspage::INFO,
    pagerduty::INFO_REST,
    pagerduty::INFO_ANALYTICS,
    pagerduty::INFO_CSV,
    jira::INFO_CSV,
    jira::INFO_CHANGELOG,
    datadog::INFO_INCIDENTS,
    datadog::INFO_DOWNTIMES,
    datadog_slo::INFO,
    uptimerobot::INFO,
    pingdom::INFO,
];

/// The preset called `name`, or an error listing the known ones.
pub fn preset_named(name: &str) -> Result<&'static PresetInfo, String> {
    PRESETS
        .iter()
        .find(|p| p.name.eq_ignore_ascii_case(name.trim()))
        .ok_or_else(|| {
            format!(
                "no preset named `{name}`; the presets are {}",
                PRESETS
                    .iter()
                    .map(|p| p.name)
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        })
}

/// The choices a user makes when applying a preset.
#[derive(Debug, Clone, PartialEq)]
pub struct PresetOptions {
    /// Impact of a Statuspage `partial_outage` (default 0.5).
    pub partial_weight: Decimal,
    /// Impact of a Statuspage `degraded_performance` (default 0.25).
    pub degraded_weight: Decimal,
    /// The zone naive times are read in, when the document names none.
    pub zone: Option<Tz>,
    /// Component (vendor name) -> contract service id.
    pub components: BTreeMap<String, String>,
    /// A vendor's workflow status (Jira) -> ours (`opened`,
    /// `acknowledged`, `awaiting_customer`, `resolved`, `closed`, ...).
    pub statuses: BTreeMap<String, String>,
}

impl Default for PresetOptions {
    fn default() -> Self {
        PresetOptions {
            partial_weight: Decimal::new(5, 1),
            degraded_weight: Decimal::new(25, 2),
            zone: None,
            components: BTreeMap::new(),
            statuses: BTreeMap::new(),
        }
    }
}

/// A component met in the file and the service it became (`None`: it
/// names no service of the contract yet; the mapping step asks for one).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ComponentUse {
    pub component: String,
    pub service: Option<String>,
    /// `mapping` (the user's), `same name`, or empty when unmapped.
    pub how: &'static str,
    /// How many places in the file name it.
    pub uses: usize,
}

/// A file read through a preset: rows, and every problem found.
#[derive(Debug, Clone)]
pub struct PresetReading {
    pub preset: &'static PresetInfo,
    pub events: Events,
    pub warnings: Vec<String>,
    pub errors: Vec<RowError>,
    pub components: Vec<ComponentUse>,
}

impl PresetReading {
    /// The rows, only when every one of them was good.
    pub fn into_imported(self) -> Result<Imported, ImportError> {
        if self.errors.is_empty() {
            Ok(Imported {
                events: self.events,
                warnings: self.warnings,
            })
        } else {
            Err(ImportError::Rows(self.errors))
        }
    }
}

/// A file's contents as a preset reads them.
pub(crate) enum Input {
    Json(Value),
    Csv(RawSheet),
}

fn is_csv(path: &str) -> bool {
    Path::new(path)
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("csv"))
}

fn load(path: &str) -> Result<Input, ImportError> {
    if is_csv(path) {
        let mut sheet = read_csv(path, Kind::Outages)?.ok_or_else(|| ImportError::Preset {
            path: path.into(),
            message: "the CSV is empty".into(),
        })?;
        // A vendor's CSV is no sheet of ours: rows name the file's stem.
        sheet.name = Path::new(path)
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        Ok(Input::Csv(sheet))
    } else {
        json::load(path).map(Input::Json)
    }
}

fn detect_input(input: &Input) -> Option<&'static PresetInfo> {
    let name = match input {
        Input::Json(v) => statuspage::detect(v)
            .or_else(|| pagerduty::detect_json(v))
            .or_else(|| jira::detect_json(v))
            .or_else(|| datadog::detect(v))
            .or_else(|| datadog_slo::detect(v))
            .or_else(|| pingdom::detect(v)),
        Input::Csv(s) => pagerduty::detect_csv(&s.header)
            .or_else(|| jira::detect_csv(&s.header))
            .or_else(|| uptimerobot::detect(&s.header)),
    }?;
    PRESETS.iter().find(|p| p.name == name)
}

/// The preset a file's shape (JSON keys, CSV header) says it is made for;
/// `None` when no preset recognises it.
pub fn detect(path: &str) -> Result<Option<&'static PresetInfo>, ImportError> {
    Ok(detect_input(&load(path)?))
}

/// Reads `path` with the preset `name` (or the one detected), checking
/// every row against `terms` (its services) and `opts`.
pub fn read_preset(
    path: &str,
    name: Option<&str>,
    opts: &PresetOptions,
    terms: &Terms,
) -> Result<PresetReading, ImportError> {
    let input = load(path)?;
    let preset = match name {
        Some(n) => preset_named(n).map_err(|message| ImportError::Preset {
            path: path.into(),
            message,
        })?,
        None => detect_input(&input).ok_or_else(|| ImportError::Preset {
            path: path.into(),
            message: "no preset recognises this file; name one with --preset (see --list-presets)"
                .into(),
        })?,
    };
    let mut out = Out::new(path, preset, opts, terms);
    match (&input, preset.file) {
        (Input::Json(v), FileType::Json) => {
            let root = json::Node::root(v);
            match preset.name {
                "statuspage" => statuspage::read(&mut out, root),
                "pagerduty" => pagerduty::read_rest(&mut out, root),
                "pagerduty-analytics" => pagerduty::read_analytics(&mut out, root),
                "datadog-incidents" => datadog::read_incidents(&mut out, root),
                "datadog-downtimes" => datadog::read_downtimes(&mut out, root),
                "datadog-slo-history" => datadog_slo::read(&mut out, root),
                "pingdom-outages" => pingdom::read(&mut out, root),
                "jira-changelog" => jira::read_changelog(&mut out, root),
                _ => {}
            }
        }
        (Input::Csv(sheet), FileType::Csv) => match preset.name {
            "pagerduty-csv" => pagerduty::read_csv_export(&mut out, sheet),
            "uptimerobot-csv" => uptimerobot::read(&mut out, sheet),
            "jira-csv" => jira::read_csv_export(&mut out, sheet),
            _ => {}
        },
        _ => {
            return Err(ImportError::Preset {
                path: path.into(),
                message: format!(
                    "the preset `{}` reads {} files",
                    preset.name,
                    if preset.file == FileType::Json {
                        "JSON"
                    } else {
                        "CSV"
                    }
                ),
            })
        }
    }
    Ok(out.finish())
}

/// Where a value was read: a JSON pointer, or a CSV cell.
#[derive(Debug, Clone)]
pub(crate) enum At {
    Json(String),
    Cell {
        sheet: String,
        row: u32,
        column: String,
    },
}

impl At {
    pub(crate) fn cell(sheet: &RawSheet, row: u32, column: &str) -> At {
        At::Cell {
            sheet: sheet.name.clone(),
            row,
            column: column.into(),
        }
    }
}

/// What a preset writes into, with the checks every preset shares.
pub(crate) struct Out<'a> {
    file: String,
    preset: &'static PresetInfo,
    pub(crate) opts: &'a PresetOptions,
    services: Vec<String>,
    pub(crate) events: Events,
    errors: Vec<RowError>,
    pub(crate) warnings: Vec<String>,
    components: BTreeMap<String, ComponentUse>,
}

impl<'a> Out<'a> {
    fn new(
        file: &str,
        preset: &'static PresetInfo,
        opts: &'a PresetOptions,
        terms: &Terms,
    ) -> Self {
        Out {
            file: file.into(),
            preset,
            opts,
            services: terms.services.iter().map(|s| s.id.clone()).collect(),
            events: Events::default(),
            errors: Vec::new(),
            warnings: Vec::new(),
            components: BTreeMap::new(),
        }
    }

    fn finish(mut self) -> PresetReading {
        // As in sheets: an incident with no `opened` row is an error.
        let missing: Vec<Origin> = incidents_without_opened(&self.events.incidents)
            .into_iter()
            .map(|r| r.origin.clone())
            .collect();
        for o in missing {
            let at = if o.sheet.starts_with('/') {
                At::Json(o.sheet.to_string())
            } else {
                At::Cell {
                    sheet: o.sheet.to_string(),
                    row: o.row,
                    column: "incident".into(),
                }
            };
            self.err(&at, "the incident has no `opened` row (no trigger)");
        }
        PresetReading {
            preset: self.preset,
            events: self.events,
            warnings: self.warnings,
            errors: self.errors,
            components: self.components.into_values().collect(),
        }
    }

    pub(crate) fn file(&self) -> &str {
        &self.file
    }

    /// A warning about the thing at `place` (a pointer or `sheet:row`).
    pub(crate) fn warn(&mut self, place: &str, message: impl Into<String>) {
        let w = format!("{}:{place}: {}", self.file, message.into());
        self.warnings.push(w);
    }

    pub(crate) fn err(&mut self, at: &At, reason: impl Into<String>) {
        let (sheet, row, column) = match at {
            At::Json(p) => (String::new(), 0, p.clone()),
            At::Cell { sheet, row, column } => (sheet.clone(), *row, column.clone()),
        };
        self.errors.push(RowError {
            file: self.file.clone(),
            sheet,
            row,
            column,
            reason: reason.into(),
            kind_order: 0,
            column_order: 0,
        });
    }

    /// Provenance of a row: the object (JSON pointer) or the CSV sheet it
    /// came from, and its number among the rows of its kind (JSON) or its
    /// CSV row.
    pub(crate) fn origin(&self, sheet: impl Into<String>, row: u32) -> Origin {
        Origin {
            file: self.file.as_str().into(),
            sheet: sheet.into().into(),
            row,
        }
    }

    /// The service a vendor component stands for, recording the use.
    pub(crate) fn service(&mut self, component: &str, at: &At) -> Option<String> {
        let component = component.trim();
        let mapped = self
            .opts
            .components
            .iter()
            .find(|(c, _)| c.trim() == component)
            .or_else(|| {
                self.opts
                    .components
                    .iter()
                    .find(|(c, _)| c.trim().eq_ignore_ascii_case(component))
            })
            .map(|(_, s)| s.trim().to_string());
        let (service, how) = match mapped {
            Some(s) if self.services.contains(&s) => (Some(s), "mapping"),
            Some(s) => {
                self.err(
                    at,
                    format!(
                        "component `{component}` is mapped to `{s}`, which the terms do not name ({})",
                        self.known()
                    ),
                );
                (None, "")
            }
            None => match self
                .services
                .iter()
                .find(|s| s.eq_ignore_ascii_case(component))
            {
                Some(s) => (Some(s.clone()), "same name"),
                None => {
                    self.err(
                        at,
                        format!(
                            "component `{component}` names no service of the contract ({}): map it, e.g. --map '{component}=SERVICE'",
                            self.known()
                        ),
                    );
                    (None, "")
                }
            },
        };
        let e = self
            .components
            .entry(component.to_string())
            .or_insert(ComponentUse {
                component: component.to_string(),
                service: service.clone(),
                how,
                uses: 0,
            });
        e.uses += 1;
        service
    }

    fn known(&self) -> String {
        if self.services.is_empty() {
            "the terms name none".into()
        } else {
            format!(
                "the terms name {}",
                self.services
                    .iter()
                    .map(|s| format!("`{s}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        }
    }

    /// A vendor's time text as an instant: offsets kept; naive times read
    /// in `zone` (the document's own, else the user's `--zone`).
    pub(crate) fn time(&mut self, text: &str, zone: Option<Tz>, at: &At) -> Option<Instant> {
        match parse_vendor_time(text, zone.or(self.opts.zone)) {
            Ok(t) => Some(t),
            Err(m) => {
                self.err(at, m);
                None
            }
        }
    }

    /// An end before its start is a row error at the end.
    pub(crate) fn ordered(&mut self, start: Instant, end: Option<Instant>, at: &At) -> bool {
        match end {
            Some(e) if e < start => {
                self.err(at, "end is before start");
                false
            }
            _ => true,
        }
    }
}

/// Text of a CSV cell by header name (trimmed, case-insensitive); `None`
/// when the column is absent or the cell empty.
pub(crate) fn csv_text(sheet: &RawSheet, cells: &[crate::Cell], header: &str) -> Option<String> {
    let i = sheet
        .header
        .iter()
        .position(|h| h.trim().eq_ignore_ascii_case(header))?;
    let c = cells.get(i)?;
    (!c.is_empty()).then(|| c.as_text().trim().to_string())
}

/// Whether a CSV header holds all of `names` (case-insensitive).
pub(crate) fn has_columns(header: &[String], names: &[&str]) -> bool {
    names
        .iter()
        .all(|n| header.iter().any(|h| h.trim().eq_ignore_ascii_case(n)))
}
