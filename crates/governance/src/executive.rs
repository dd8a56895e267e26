//! The executive compliance summary: per contract and month only whether
//! the terms were met and the credit; no incident texts, references or
//! monitor names.

use serde::Serialize;

/// One row of the executive summary.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct ExecutiveRow {
    pub contract: String,
    pub counterparty: String,
    pub direction: String,
    pub period: String,
    pub status: String,
    pub compliant: bool,
    pub breached_terms: u32,
    pub currency: String,
    pub credit: String,
}
