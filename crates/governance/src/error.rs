//! Errors of the governance functions, one small type per operation; each
//! message names the input that failed (a YAML document and field, a TOML
//! key path, an SLO name).

use thiserror::Error;

/// Reading OpenSLO YAML or a governance file failed; every problem listed.
#[derive(Debug, Error, PartialEq, Eq)]
#[error("invalid {what}: {} problem(s)\n{}", .problems.len(), .problems.iter().map(|p| format!("  {p}")).collect::<Vec<_>>().join("\n"))]
pub struct DefinitionError {
    pub what: String,
    pub problems: Vec<String>,
}

/// Evaluating an objective, a pool or a map failed.
#[derive(Debug, Error, PartialEq, Eq)]
pub enum EvalError {
    #[error("budget group `{group}` pools objectives counted in different units ({units}); a pool needs one unit")]
    MixedUnits { group: String, units: String },
    #[error("budget group `{0}` has no objectives")]
    EmptyGroup(String),
    #[error("dependency map for `{service}`: {message}")]
    Map { service: String, message: String },
}
