//! OpenSLO v1 YAML: reading `SLO`, `SLI` and `Service` documents into
//! [`Slo`](crate::slo::Slo)s, and writing them back. The indicator is an OpenSLO
//! `ratioMetric` whose metric sources are of type `sla-ledger` (evidence
//! `outages` or `requests`); that is the only source this program can
//! compute, so another type is a named problem, not a silent skip.
//!
//! Export is written by hand in one fixed layout, so the same objectives
//! always give the same bytes, and what we export imports back unchanged.
//! Targets are decimals: write them quoted for more than 15 significant
//! digits (an unquoted YAML number passes through a binary float).
//!
//! `read` holds the reader, `write` the writer.

mod read;
#[cfg(test)]
mod tests;
mod write;

pub use read::{import, MAX_BYTES, MAX_DOCUMENTS};
pub use write::export;

use serde_norway::Value;

/// The label that names an objective's pooled budget group.
pub const GROUP_LABEL: &str = "sla-ledger/budget-group";

fn get<'a>(v: &'a Value, key: &str) -> Option<&'a Value> {
    v.as_mapping().and_then(|m| m.get(key))
}

fn scalar_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}
