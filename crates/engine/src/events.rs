//! Evidence rows as the engine sees them: already parsed, instants in UTC,
//! each remembering the spreadsheet row it came from so traces can cite it.

use crate::time::Instant;
use rust_decimal::Decimal;
use std::fmt;

/// Where a row came from: `file:sheet:row` (row numbers as a spreadsheet
/// shows them, header = 1).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Origin {
    pub file: String,
    pub sheet: String,
    pub row: u32,
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.file, self.sheet, self.row)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct OutageRow {
    pub service: String,
    pub start: Instant,
    /// `None`: still open; runs to the end of the period.
    pub end: Option<Instant>,
    /// In (0, 1].
    pub impact: Decimal,
    /// Trimmed, lowercase; empty becomes `internal`.
    pub cause: String,
    pub source: String,
    pub reference: String,
    pub origin: Origin,
}

#[derive(Debug, Clone, PartialEq)]
pub struct MaintenanceRow {
    pub service: String,
    pub start: Instant,
    pub end: Instant,
    pub notified_at: Option<Instant>,
    pub origin: Origin,
}

#[derive(Debug, Clone, PartialEq)]
pub struct IncidentRow {
    pub incident: String,
    pub service: String,
    pub severity: String,
    pub at: Instant,
    /// Trimmed, lowercase.
    pub status: String,
    pub origin: Origin,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Events {
    pub outages: Vec<OutageRow>,
    pub maintenance: Vec<MaintenanceRow>,
    pub incidents: Vec<IncidentRow>,
}

/// Normalises a cause as the spec compares it: trimmed, case-insensitive,
/// empty meaning `internal`.
pub fn normalize_cause(cause: &str) -> String {
    let c = cause.trim().to_lowercase();
    if c.is_empty() {
        "internal".into()
    } else {
        c
    }
}

pub fn normalize_status(status: &str) -> String {
    status.trim().to_lowercase()
}

/// Incidents that have no `opened` row, each with its first row (file order).
/// The spec makes this an error even when no term uses the incident.
pub fn incidents_without_opened(rows: &[IncidentRow]) -> Vec<&IncidentRow> {
    let mut firsts: Vec<&IncidentRow> = Vec::new();
    let mut opened = std::collections::HashSet::new();
    for r in rows {
        if r.status == "opened" {
            opened.insert(r.incident.as_str());
        }
        if !firsts.iter().any(|f| f.incident == r.incident) {
            firsts.push(r);
        }
    }
    firsts
        .into_iter()
        .filter(|r| !opened.contains(r.incident.as_str()))
        .collect()
}
