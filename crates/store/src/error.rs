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
    #[error("library database error (PostgreSQL): {}", pg_message(.0))]
    Pg(#[source] postgres::Error),
    #[error("library database error: column {column}: {message}")]
    Decode { column: usize, message: String },
    /// The database refused the write for this user (a PostgreSQL grant:
    /// an auditor reads and verifies but never writes).
    #[error("the database refused this for {user}: {what}")]
    Denied { user: String, what: String },
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
    /// A backup archive that is not whole or not what it says (issue 18):
    /// every problem found, nothing restored.
    #[error("{path} is not a sound backup: {}", .problems.join("; "))]
    Archive { path: String, problems: Vec<String> },
    /// An encrypted library's passphrase did not unlock it (issue 18);
    /// nothing was read or written.
    #[error("the passphrase does not unlock the encrypted library at {path}; nothing was changed")]
    Passphrase { path: String },
    /// An encrypted library and no passphrase from anywhere.
    #[error("the library at {path} is encrypted: give its passphrase (a prompt in a terminal, SLA_LEDGER_PASSPHRASE for scripts, or keep it in the OS keychain with `library unlock --remember`)")]
    Locked { path: String },
    #[error("cancelled: nothing was written")]
    Cancelled,
}

pub fn is_busy(e: &rusqlite::Error) -> bool {
    matches!(e, rusqlite::Error::SqliteFailure(f, _) if matches!(f.code, rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked))
}

/// The server's own message (with its detail) rather than the client's
/// generic "db error".
fn pg_message(e: &postgres::Error) -> String {
    match e.as_db_error() {
        Some(db) => match db.detail() {
            Some(d) => format!("{} ({d})", db.message()),
            None => db.message().to_string(),
        },
        // The client's own errors say what failed; the cause says why
        // (connection refused, certificate not trusted).
        None => match std::error::Error::source(e) {
            Some(cause) => format!("{e}: {cause}"),
            None => e.to_string(),
        },
    }
}

/// A PostgreSQL error as the store reports it: a lock not granted in time
/// is "busy", like SQLite's.
pub fn pg(e: postgres::Error) -> StoreError {
    use postgres::error::SqlState;
    match e.code() {
        Some(c) if *c == SqlState::LOCK_NOT_AVAILABLE => StoreError::Busy {
            path: String::from("(library)"),
        },
        _ => StoreError::Pg(e),
    }
}
