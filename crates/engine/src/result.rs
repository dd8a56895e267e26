//! The result document, `schema = "sla-result/1"` (spec section 6). Decimals
//! are strings; whole counts are integers; instants are RFC 3339 UTC with Z.
//! Keys beyond the spec's (`direction`, `tier_below`, `severity`, `breached`
//! on incident lines, `opened_at`, top-level `trace`) are optional
//! extensions the spec allows.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS, Deserialize)]
#[ts(export)]
pub struct ResultDoc {
    pub schema: String,
    pub contract: String,
    pub currency: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub direction: Option<String>,
    pub period: PeriodDoc,
    pub lines: Vec<Line>,
    pub subtotal: String,
    pub cap: Option<String>,
    /// The cap over rolling months (terms v2 section 5), when the terms
    /// have one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub rolling_cap: Option<RollingCapDoc>,
    pub total: String,
    pub claim_deadline: Option<String>,
    /// Needs stored history: a single-period compute is always `null`.
    // With history it is `serde_json::to_value` of a
    // `crate::chronic::ChronicStatus` (decided by `crate::chronic::assess`).
    // A plain comment, not a doc comment: ts-rs copies doc comments into
    // the UI's generated ResultDoc.ts.
    pub chronic: Option<serde_json::Value>,
    pub warnings: Vec<String>,
    /// Contract-level steps: pro-rating, aggregation, cap, rounding, minimum.
    pub trace: Vec<String>,
}

/// `"rolling_cap"` (terms v2 section 5). `issued` and `headroom` are
/// `null` when nothing is known of earlier statements (a standalone
/// compute): the cap is then not applied.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS, Deserialize)]
#[ts(export)]
pub struct RollingCapDoc {
    pub months: u32,
    pub cap: String,
    pub issued: Option<String>,
    pub headroom: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS, Deserialize)]
#[ts(export)]
pub struct PeriodDoc {
    pub label: String,
    pub start: String,
    pub end: String,
    pub seconds: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS, Deserialize)]
#[ts(export)]
#[serde(untagged)]
// A statement has a handful of lines, each serialized as it is: boxing
// the larger variant would buy nothing and cost an indirection.
#[allow(clippy::large_enum_variant)]
pub enum Line {
    Availability(AvailabilityLine),
    Incident(IncidentLine),
}

impl Line {
    pub fn sla(&self) -> &str {
        match self {
            Line::Availability(l) => &l.sla,
            Line::Incident(l) => &l.sla,
        }
    }
    pub fn amount(&self) -> &str {
        match self {
            Line::Availability(l) => &l.amount,
            Line::Incident(l) => &l.amount,
        }
    }
    pub fn breached(&self) -> bool {
        match self {
            Line::Availability(l) => l.breached,
            Line::Incident(l) => l.breached,
        }
    }
    /// A quarterly line's own period (terms v2 section 1).
    pub fn period(&self) -> Option<&PeriodDoc> {
        match self {
            Line::Availability(l) => l.period.as_ref(),
            Line::Incident(l) => l.period.as_ref(),
        }
    }
    pub fn set_period(&mut self, p: PeriodDoc) {
        match self {
            Line::Availability(l) => l.period = Some(p),
            Line::Incident(l) => l.period = Some(p),
        }
    }
    pub fn trace(&self) -> &[String] {
        match self {
            Line::Availability(l) => &l.trace,
            Line::Incident(l) => &l.trace,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS, Deserialize)]
#[ts(export)]
pub struct AvailabilityLine {
    pub sla: String,
    pub kind: String,
    pub service: String,
    /// A quarterly line's own period (terms v2 section 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub period: Option<PeriodDoc>,
    pub target: String,
    pub uptime: String,
    pub breached: bool,
    /// `null` for `measure = "error_rate_average"` (terms v2 section 8).
    pub downtime_seconds: Option<String>,
    pub excluded_seconds: String,
    pub denominator_seconds: Option<String>,
    /// Request-based terms (terms v2 section 8): the intervals of the
    /// period, those that were down (`measure = "downtime"`), or the mean
    /// error rate (`measure = "error_rate_average"`, a percent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub intervals: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub down_intervals: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub mean_error_rate: Option<String>,
    pub percent: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tier_below: Option<String>,
    /// Days of service of a days tier, after `cap_days` (terms v2 section 3).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub days: Option<String>,
    pub basis: String,
    pub amount: String,
    pub trace: Vec<String>,
    /// Each outage row of the service that touches the period: counted or
    /// excluded, and why (an extension for statements and auditors).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub evidence: Vec<EvidenceRow>,
    /// Each maintenance window of the service that touches the period.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub maintenance: Vec<MaintenanceDecision>,
}

#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS, Deserialize)]
#[ts(export)]
pub struct EvidenceRow {
    /// `file:sheet:row`.
    pub row: String,
    pub start: String,
    /// Empty for an open outage.
    pub end: String,
    pub impact: String,
    pub cause: String,
    pub source: String,
    pub reference: String,
    pub counted: bool,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS, Deserialize)]
#[ts(export)]
pub struct MaintenanceDecision {
    pub row: String,
    pub start: String,
    pub end: String,
    pub notified_at: Option<String>,
    pub excluded: bool,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS, Deserialize)]
#[ts(export)]
pub struct IncidentLine {
    pub sla: String,
    pub kind: String,
    pub service: String,
    /// A quarterly line's own period (terms v2 section 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub period: Option<PeriodDoc>,
    pub severity: String,
    pub target_seconds: i64,
    pub breached: bool,
    pub breaches: u32,
    pub running: u32,
    pub incidents: Vec<IncidentEntryDoc>,
    pub percent: String,
    pub basis: String,
    pub amount: String,
    pub trace: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS, Deserialize)]
#[ts(export)]
pub struct IncidentEntryDoc {
    pub incident: String,
    pub opened_at: String,
    pub elapsed_seconds: i64,
    pub breached: bool,
    pub breach_at: Option<String>,
    pub running: bool,
}
