//! Errors of the library. "Busy" is its own variant so that a second SLA
//! Ledger writing to the same library gets a plain message, not a crash.

use thiserror::Error;

#[derive(Debug, Error)]
pub enum StoreError {
    #[error(
        "the library at {path} is busy: another SLA Ledger is writing to it; try again in a moment"
    )]
    Busy { path: String },
    #[error("cannot open the library at {path}: {message}")]
    Open { path: String, message: String },
    #[error("library database error: {0}")]
    Sql(#[source] rusqlite::Error),
    #[error("cannot read {path}: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("{path}: {}", .problems.iter().map(|p| p.to_string()).collect::<Vec<_>>().join(&format!("\n{path}: ")))]
    InvalidTerms {
        path: String,
        problems: Vec<sla_engine::TermsProblem>,
    },
    #[error("{0}")]
    Period(#[from] sla_engine::PeriodError),
    #[error("{what} `{id}` is not in the library")]
    NotFound { what: &'static str, id: String },
    #[error("{0}")]
    Conflict(String),
    #[error("cancelled: nothing was written")]
    Cancelled,
}

pub fn is_busy(e: &rusqlite::Error) -> bool {
    matches!(e, rusqlite::Error::SqliteFailure(f, _) if matches!(f.code, rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked))
}
