//! Evidence rows as the engine sees them: already parsed, instants in UTC,
//! each remembering the spreadsheet row it came from so traces can cite it.

use crate::time::Instant;
use rust_decimal::Decimal;
use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;

/// Where a row came from: `file:sheet:row` (row numbers as a spreadsheet
/// shows them, header = 1). The file and sheet names are shared by every
/// row of a sheet (issue 15: two strings per row were a quarter of an
/// import's memory).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Origin {
    pub file: Arc<str>,
    pub sheet: Arc<str>,
    pub row: u32,
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text())
    }
}

impl Origin {
    /// `file:sheet:row` in one string of the right size: every listed
    /// evidence row and every sentence about it names its place (issue 15).
    pub fn text(&self) -> String {
        let mut s = String::with_capacity(self.file.len() + self.sheet.len() + 12);
        self.push_to(&mut s);
        s
    }

    /// [`Origin::text`], appended to `s`.
    pub fn push_to(&self, s: &mut String) {
        s.push_str(&self.file);
        s.push(':');
        s.push_str(&self.sheet);
        s.push(':');
        let mut digits = [0u8; 10];
        let mut at = digits.len();
        let mut n = self.row;
        loop {
            at -= 1;
            digits[at] = b'0' + (n % 10) as u8;
            n /= 10;
            if n == 0 {
                break;
            }
        }
        s.extend(digits[at..].iter().map(|&d| char::from(d)));
    }
}

/// One outage. Service, cause and source repeat from row to row of a
/// sheet: readers share each distinct text (issue 15).
#[derive(Debug, Clone, PartialEq)]
pub struct OutageRow {
    pub service: Arc<str>,
    pub start: Instant,
    /// `None`: still open; runs to the end of the period.
    pub end: Option<Instant>,
    /// In (0, 1].
    pub impact: Decimal,
    /// Trimmed, lowercase; empty becomes `internal`.
    pub cause: Arc<str>,
    pub source: Arc<str>,
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

/// Request counts in `[start, end)` (terms v2 section 8).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestRow {
    pub service: String,
    pub start: Instant,
    pub end: Instant,
    pub good: u64,
    /// `good <= total`, checked by the reader.
    pub total: u64,
    pub origin: Origin,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Events {
    pub outages: Vec<OutageRow>,
    pub maintenance: Vec<MaintenanceRow>,
    pub incidents: Vec<IncidentRow>,
    /// The `requests` sheet (terms v2 section 8).
    pub requests: Vec<RequestRow>,
}

/// One service's outage, maintenance and request rows, in file order.
#[derive(Debug, Default)]
pub struct ServiceRows<'e> {
    pub outages: Vec<&'e OutageRow>,
    pub maintenance: Vec<&'e MaintenanceRow>,
    pub requests: Vec<&'e RequestRow>,
}

/// The rows of [`Events`] split by service once per computation (issue
/// 15), so that each term reads its own service's rows rather than every
/// row: a contract with 2,000 terms costs about what one with a single
/// term does. Incidents are not split: an incident's service is that of
/// its first `opened` row, which only the incident clock decides.
#[derive(Debug, Default)]
pub struct ByService<'e> {
    map: HashMap<&'e str, ServiceRows<'e>>,
    none: ServiceRows<'e>,
}

impl<'e> ByService<'e> {
    pub fn new(events: &'e Events) -> ByService<'e> {
        let mut map: HashMap<&'e str, ServiceRows<'e>> = HashMap::new();
        for o in &events.outages {
            map.entry(&*o.service).or_default().outages.push(o);
        }
        for m in &events.maintenance {
            map.entry(m.service.as_str())
                .or_default()
                .maintenance
                .push(m);
        }
        for r in &events.requests {
            map.entry(r.service.as_str()).or_default().requests.push(r);
        }
        ByService {
            map,
            none: ServiceRows::default(),
        }
    }

    /// The rows of `service` (none when it has none).
    pub fn of(&self, service: &str) -> &ServiceRows<'e> {
        self.map.get(service).unwrap_or(&self.none)
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn issue15_an_origin_is_written_as_file_sheet_row() {
        for row in [0, 1, 9, 10, 2_026, u32::MAX] {
            let o = Origin {
                file: "outages.csv".into(),
                sheet: "outages".into(),
                row,
            };
            let want = format!("outages.csv:outages:{row}");
            assert_eq!(o.text(), want);
            assert_eq!(o.to_string(), want);
        }
    }
}
