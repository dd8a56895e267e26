//! Errors of the engine, one small type per operation. Messages are lowercase
//! and carry the input that failed (a TOML key path, a period label, the text
//! of an instant) so a user can find and fix it.

use std::fmt;
use thiserror::Error;

/// One problem in a terms file, located by its TOML key path
/// (`slas[0].credit.tiers[1].below`; list indexes count from 0).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TermsProblem {
    pub path: String,
    pub message: String,
}

impl fmt::Display for TermsProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            write!(f, "{}", self.message)
        } else {
            write!(f, "{}: {}", self.path, self.message)
        }
    }
}

/// Reading a terms file failed; every problem found is listed, not just the
/// first.
#[derive(Debug, Error)]
#[error("invalid terms: {} problem(s)\n{}", .problems.len(), list(.problems))]
pub struct TermsError {
    pub problems: Vec<TermsProblem>,
}

fn list(problems: &[TermsProblem]) -> String {
    problems
        .iter()
        .map(|p| format!("  {p}"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Text that is not a month written `YYYY-MM` (the text as given).
#[derive(Debug, Error, Clone, PartialEq, Eq)]
#[error("`{0}` is not a month written YYYY-MM (e.g. 2026-10)")]
pub struct MonthError(pub String);

/// Choosing a period failed.
#[derive(Debug, Error, PartialEq, Eq)]
pub enum PeriodError {
    #[error("period `{0}` is not a month written YYYY-MM (e.g. 2026-10)")]
    Malformed(String),
    #[error("period {label} lies wholly outside the contract's effective dates ({from} to {to})")]
    OutsideEffective {
        label: String,
        from: String,
        to: String,
    },
}

impl From<MonthError> for PeriodError {
    fn from(e: MonthError) -> Self {
        PeriodError::Malformed(e.0)
    }
}

/// Reading one instant failed. The caller adds the file, sheet, row and column.
#[derive(Debug, Error, PartialEq, Eq)]
pub enum InstantError {
    #[error("`{0}` is not a date-time (write RFC 3339 like 2026-10-03T14:05:00Z, or YYYY-MM-DD HH:MM[:SS] in the contract's time zone)")]
    Malformed(String),
    #[error("`{text}` does not exist in {zone} (the clocks skip it for daylight saving): give an offset")]
    Gap { text: String, zone: String },
    #[error("`{text}` happens twice in {zone} (the clocks go back): it is {first} or {second}; give an offset")]
    Ambiguous {
        text: String,
        zone: String,
        /// The two readings, each with its zone abbreviation and UTC.
        first: String,
        second: String,
    },
}

/// The engine was handed events it cannot compute over.
#[derive(Debug, Error, PartialEq, Eq)]
pub enum ComputeError {
    #[error("incident `{incident}` ({origin}) has no `opened` row")]
    IncidentWithoutOpened { incident: String, origin: String },
    #[error(transparent)]
    Period(#[from] PeriodError),
    /// A request row must fit the interval its start falls in (terms v2
    /// section 8): its counts cannot be split between intervals. `detail`
    /// names the row's span, its interval and the term.
    #[error("{origin}: {detail}")]
    RequestRowSpansIntervals { origin: String, detail: String },
}
