//! Import presets (issue 14): which presets exist, which one a file is
//! for, the options a user gives one (impact weights, the zone of naive
//! times, component -> service names), and the component mapping kept
//! per contract so that next month's export maps the same way.
//!
//! The mapping is a small JSON file in the library folder
//! (`presets/<contract>.components.json`), not a table: the library's
//! settings allow only their fixed keys and the schema belongs to the
//! store. It is written only after an import succeeded, and what an
//! import used is also in its audit entry (`mapping`), so the file is a
//! convenience, never evidence.

use super::Session;
use crate::{AppError, Code};
use chrono_tz::Tz;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use sla_import::{PresetInfo, PresetOptions};
use std::collections::BTreeMap;
use std::path::PathBuf;

/// A preset as the CLI lists it and the Import screen offers it.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct PresetView {
    pub name: String,
    pub version: u32,
    pub vendor: String,
    pub title: String,
    /// `json` or `csv`.
    pub file: String,
    /// The sheets it writes: `outages`, `maintenance`, `incidents`.
    pub kinds: Vec<String>,
    /// The vendor documentation its fields come from.
    pub source: String,
}

impl From<&PresetInfo> for PresetView {
    fn from(p: &PresetInfo) -> Self {
        PresetView {
            name: p.name.into(),
            version: p.version,
            vendor: p.vendor.into(),
            title: p.title.into(),
            file: match p.file {
                sla_import::presets::FileType::Json => "json",
                sla_import::presets::FileType::Csv => "csv",
            }
            .into(),
            kinds: p.kinds.iter().map(|k| k.to_string()).collect(),
            source: p.source.into(),
        }
    }
}

/// Every preset (`import --list-presets`).
pub fn list() -> Vec<PresetView> {
    sla_import::PRESETS.iter().map(PresetView::from).collect()
}

/// The preset a file's header or JSON shape is made for, if any.
pub fn detect(file: &str) -> Result<Option<PresetView>, AppError> {
    Ok(sla_import::detect(file)?.map(PresetView::from))
}

/// One component of a vendor's file and the contract service it stands for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct ComponentChoice {
    pub component: String,
    pub service: String,
}

/// How to apply a preset: which one, and the user's choices.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct PresetRequest {
    /// A preset's name; empty: the one the file's shape names.
    pub preset: String,
    /// Impact of a Statuspage `partial_outage` (decimal text); empty: 0.5.
    pub partial_weight: String,
    /// Impact of a Statuspage `degraded_performance`; empty: 0.25.
    pub degraded_weight: String,
    /// IANA zone for times written without an offset; `contract`: the
    /// contract's zone; empty: such times are errors.
    pub zone: String,
    /// Component -> service; these win over the mapping saved for the
    /// contract.
    pub components: Vec<ComponentChoice>,
    /// A vendor's workflow status -> ours (Jira), as `component` ->
    /// `service` pairs read as status -> status.
    pub statuses: Vec<ComponentChoice>,
}

/// `NAME=SERVICE` (the CLI's `--map`, and `--status NAME=STATUS`).
pub fn parse_map(text: &str) -> Result<ComponentChoice, AppError> {
    match text.rsplit_once('=') {
        Some((c, s)) if !c.trim().is_empty() && !s.trim().is_empty() => Ok(ComponentChoice {
            component: c.trim().into(),
            service: s.trim().into(),
        }),
        _ => Err(AppError::invalid(
            Code::Mapping,
            format!("--map `{text}`: write COMPONENT=SERVICE, e.g. --map 'Public API=api'"),
        )),
    }
}

fn weight(text: &str, what: &str, default: Decimal) -> Result<Decimal, AppError> {
    if text.trim().is_empty() {
        return Ok(default);
    }
    match sla_engine::num::parse_decimal(text.trim()) {
        Ok(d) if d > Decimal::ZERO && d <= Decimal::ONE => Ok(d),
        Ok(d) => Err(AppError::invalid(
            Code::Value,
            format!("{what} {d} is outside (0, 1]"),
        )),
        Err(m) => Err(AppError::invalid(Code::Value, format!("{what}: {m}"))),
    }
}

/// The preset options for `contract`: the request over the saved mapping,
/// the zone resolved (`contract` is the terms' zone).
pub(crate) fn options(
    s: &Session,
    contract: &str,
    terms: &sla_engine::Terms,
    req: &PresetRequest,
) -> Result<PresetOptions, AppError> {
    let d = PresetOptions::default();
    let zone = match req.zone.trim() {
        "" => None,
        "contract" => Some(terms.contract.timezone),
        z => Some(z.parse::<Tz>().map_err(|_| {
            AppError::invalid(
                Code::Value,
                format!("--zone `{z}` is not an IANA time zone"),
            )
        })?),
    };
    let mut components: BTreeMap<String, String> = saved_mapping(s, contract)?
        .into_iter()
        .map(|c| (c.component, c.service))
        .collect();
    for c in &req.components {
        components.insert(c.component.clone(), c.service.clone());
    }
    Ok(PresetOptions {
        partial_weight: weight(
            &req.partial_weight,
            "partial outage weight",
            d.partial_weight,
        )?,
        degraded_weight: weight(
            &req.degraded_weight,
            "degraded performance weight",
            d.degraded_weight,
        )?,
        zone,
        components,
        statuses: req
            .statuses
            .iter()
            .map(|c| (c.component.clone(), c.service.clone()))
            .collect(),
    })
}

/// `presets/<contract>.components.json`; the id is written so that any
/// contract id is one plain file name.
fn mapping_path(s: &Session, contract: &str) -> PathBuf {
    let safe: String = contract
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c.to_string()
            } else {
                format!("%{:02X}", c as u32)
            }
        })
        .collect();
    s.dir()
        .join("presets")
        .join(format!("{safe}.components.json"))
}

#[derive(Serialize, Deserialize)]
struct SavedMapping {
    contract: String,
    components: BTreeMap<String, String>,
}

/// The component mapping saved for a contract (none: empty).
pub fn saved_mapping(s: &Session, contract: &str) -> Result<Vec<ComponentChoice>, AppError> {
    let path = mapping_path(s, contract);
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(source) => {
            return Err(AppError::ReadFile {
                path: path.display().to_string(),
                source,
            })
        }
    };
    let saved: SavedMapping = serde_json::from_str(&text).map_err(|e| {
        AppError::invalid(
            Code::Mapping,
            format!("{}: not a saved component mapping: {e}", path.display()),
        )
    })?;
    Ok(saved
        .components
        .into_iter()
        .map(|(component, service)| ComponentChoice { component, service })
        .collect())
}

/// Adds `choices` to the contract's saved mapping (a later choice for a
/// component replaces the earlier one).
pub fn save_mapping(
    s: &Session,
    contract: &str,
    choices: &[ComponentChoice],
) -> Result<(), AppError> {
    if choices.is_empty() {
        return Ok(());
    }
    let mut components: BTreeMap<String, String> = saved_mapping(s, contract)?
        .into_iter()
        .map(|c| (c.component, c.service))
        .collect();
    for c in choices {
        components.insert(c.component.clone(), c.service.clone());
    }
    let path = mapping_path(s, contract);
    let io = |source| AppError::WriteFile {
        path: path.display().to_string(),
        source,
    };
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(io)?;
    }
    let text = serde_json::to_string_pretty(&SavedMapping {
        contract: contract.into(),
        components,
    })
    .map_err(|e| AppError::Export(e.to_string()))?;
    // Written whole then renamed: a crash leaves the old mapping or the new.
    let tmp = path.with_extension("json.tmp");
    std::fs::write(&tmp, text).map_err(io)?;
    std::fs::rename(&tmp, &path).map_err(io)
}
