//! Errors of the use-case layer, as data to the edge.
//!
//! Every failure is one [`AppError`]; its [`Code`] is stable (the UI
//! switches on it, scripts may too) and its class decides the CLI's exit
//! status. The UI receives [`ErrorData`] `{code, message, details}`,
//! generated for TypeScript with ts-rs. docs/errors.md lists the codes; a
//! test keeps that list and [`Code::ALL`] the same.
//!
//! Exit statuses: 0 done; 1 a failure of the program itself (or of the
//! machine: a disk that cannot be written); 2 anything the user must fix
//! (bad flags, unreadable or invalid input, something not in the library,
//! a conflict with what is stored; the spec's "exit 2"); 3 a file or the
//! library's history does not hold; 4 intact, but no trusted signer vouches
//! for it; 75 the library is busy, try again (sysexits' EX_TEMPFAIL);
//! 130 cancelled by the user.

use serde::Serialize;
use thiserror::Error;

/// A stable error code. Never renumber or rename one: add a new one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(export)]
pub enum Code {
    /// Bad flags or arguments.
    #[serde(rename = "E-USAGE")]
    Usage,
    /// A file that cannot be read or written.
    #[serde(rename = "E-FILE")]
    File,
    /// A terms file with problems (every one listed in `details`).
    #[serde(rename = "E-TERMS")]
    Terms,
    /// A month that is malformed or outside the contract's dates.
    #[serde(rename = "E-PERIOD")]
    Period,
    /// Evidence rows with problems (every one listed in `details`).
    #[serde(rename = "E-ROWS")]
    Rows,
    /// An evidence file that cannot be read as a spreadsheet or CSV.
    #[serde(rename = "E-EVENTS-FILE")]
    EventsFile,
    /// Evidence that contradicts itself (e.g. an incident clock out of order).
    #[serde(rename = "E-EVENTS")]
    Events,
    /// A date, time, number or setting that is not valid.
    #[serde(rename = "E-VALUE")]
    Value,
    /// A sheet mapping that names an unknown kind or column.
    #[serde(rename = "E-MAPPING")]
    Mapping,
    /// An SLO, policy, coverage map or template with problems.
    #[serde(rename = "E-DEFINITION")]
    Definition,
    /// An amendment that changes nothing.
    #[serde(rename = "E-NO-CHANGE")]
    NoChange,
    /// No signing identity, or an identity file that cannot be used.
    #[serde(rename = "E-IDENTITY")]
    Identity,
    /// A contract, statement, claim or objective that is not in the library.
    #[serde(rename = "E-NOT-FOUND")]
    NotFound,
    /// What is asked contradicts what is stored (already final, moved since).
    #[serde(rename = "E-CONFLICT")]
    Conflict,
    /// Another SLA Ledger is writing to the library: try again.
    #[serde(rename = "E-BUSY")]
    Busy,
    /// Cancelled by the user; nothing half-written.
    #[serde(rename = "E-CANCELLED")]
    Cancelled,
    /// A file or the library's history does not hold.
    #[serde(rename = "E-INTEGRITY")]
    Integrity,
    /// Intact, but not signed by a trusted certificate.
    #[serde(rename = "E-UNTRUSTED")]
    Untrusted,
    /// Some items of a batch failed (the others are done; `details` names them).
    #[serde(rename = "E-PARTIAL")]
    Partial,
    /// An encrypted library's passphrase is wrong (nothing was changed).
    #[serde(rename = "E-PASSPHRASE")]
    Passphrase,
    /// An encrypted library was given no passphrase.
    #[serde(rename = "E-LOCKED")]
    Locked,
    /// The library cannot be opened or its database failed.
    #[serde(rename = "E-LIBRARY")]
    Library,
    /// A failure of the program itself: please report it.
    #[serde(rename = "E-INTERNAL")]
    Internal,
}

impl Code {
    pub const ALL: [Code; 23] = [
        Code::Usage,
        Code::File,
        Code::Terms,
        Code::Period,
        Code::Rows,
        Code::EventsFile,
        Code::Events,
        Code::Value,
        Code::Mapping,
        Code::Definition,
        Code::NoChange,
        Code::Identity,
        Code::NotFound,
        Code::Conflict,
        Code::Busy,
        Code::Cancelled,
        Code::Integrity,
        Code::Untrusted,
        Code::Partial,
        Code::Passphrase,
        Code::Locked,
        Code::Library,
        Code::Internal,
    ];

    /// The code as written (`E-...`).
    pub fn as_str(self) -> &'static str {
        match self {
            Code::Usage => "E-USAGE",
            Code::File => "E-FILE",
            Code::Terms => "E-TERMS",
            Code::Period => "E-PERIOD",
            Code::Rows => "E-ROWS",
            Code::EventsFile => "E-EVENTS-FILE",
            Code::Events => "E-EVENTS",
            Code::Value => "E-VALUE",
            Code::Mapping => "E-MAPPING",
            Code::Definition => "E-DEFINITION",
            Code::NoChange => "E-NO-CHANGE",
            Code::Identity => "E-IDENTITY",
            Code::NotFound => "E-NOT-FOUND",
            Code::Conflict => "E-CONFLICT",
            Code::Busy => "E-BUSY",
            Code::Cancelled => "E-CANCELLED",
            Code::Integrity => "E-INTEGRITY",
            Code::Untrusted => "E-UNTRUSTED",
            Code::Partial => "E-PARTIAL",
            Code::Passphrase => "E-PASSPHRASE",
            Code::Locked => "E-LOCKED",
            Code::Library => "E-LIBRARY",
            Code::Internal => "E-INTERNAL",
        }
    }

    /// The CLI's exit status for this code (see the module comment).
    pub fn exit_code(self) -> i32 {
        match self {
            Code::Library | Code::Internal => 1,
            Code::Integrity => EXIT_BROKEN,
            Code::Untrusted => EXIT_UNTRUSTED,
            Code::Busy => EXIT_BUSY,
            Code::Cancelled => EXIT_CANCELLED,
            _ => 2,
        }
    }
}

/// A file or the library's history does not hold.
pub const EXIT_BROKEN: i32 = 3;
/// Intact, but signed by no one trusted.
pub const EXIT_UNTRUSTED: i32 = 4;
/// The library is busy: the same command may succeed in a moment.
pub const EXIT_BUSY: i32 = 75;
/// Cancelled (Ctrl-C): 128 + SIGINT, as shells report it.
pub const EXIT_CANCELLED: i32 = 130;

#[derive(Debug, Error)]
pub enum AppError {
    #[error("cannot read {path}: {source}")]
    ReadFile {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot write {path}: {source}")]
    WriteFile {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("{}", .problems.iter().map(|p| format!("{path}: {p}")).collect::<Vec<_>>().join("\n"))]
    InvalidTerms {
        path: String,
        problems: Vec<sla_engine::TermsProblem>,
    },
    #[error("{0}")]
    Period(#[from] sla_engine::PeriodError),
    #[error("{0}")]
    Import(#[from] sla_import::ImportError),
    #[error("{0}")]
    Compute(#[from] sla_engine::ComputeError),
    #[error("{0}")]
    Store(#[from] sla_store::StoreError),
    #[error("{0}")]
    Usage(String),
    /// Input the user must fix, with the code that says which kind.
    #[error("{message}")]
    Invalid { code: Code, message: String },
    #[error("{0}")]
    NotFound(String),
    /// A signing identity is missing or unusable, or a file could not be
    /// rendered or signed.
    #[error("{0}")]
    Identity(String),
    #[error("{0}")]
    Export(String),
    /// A file or the library's history does not hold: changed, malformed,
    /// or not what the library records (exit 3).
    #[error("{0}")]
    Integrity(String),
    /// Intact, but signed by no one trusted (exit 4).
    #[error("{0}")]
    Untrusted(String),
    #[error("{0}")]
    Cancelled(String),
    /// Several problems with what was asked, each listed; nothing was done.
    #[error("{message}")]
    Rejected {
        code: Code,
        message: String,
        problems: Vec<String>,
    },
    /// Some items of a batch failed; the others are done.
    #[error("{message}")]
    Partial {
        message: String,
        failures: Vec<String>,
    },
}

impl AppError {
    pub fn invalid(code: Code, message: impl Into<String>) -> Self {
        AppError::Invalid {
            code,
            message: message.into(),
        }
    }

    pub fn code(&self) -> Code {
        use sla_store::StoreError as S;
        match self {
            AppError::ReadFile { .. } | AppError::WriteFile { .. } => Code::File,
            AppError::InvalidTerms { .. } => Code::Terms,
            AppError::Period(_) => Code::Period,
            AppError::Import(sla_import::ImportError::Rows(_)) => Code::Rows,
            AppError::Import(sla_import::ImportError::Cancelled { .. }) => Code::Cancelled,
            AppError::Import(_) => Code::EventsFile,
            AppError::Compute(_) => Code::Events,
            AppError::Store(e) => match e {
                S::Busy { .. } => Code::Busy,
                S::Open { .. } | S::Sql(_) | S::Pg(_) | S::Decode { .. } => Code::Library,
                S::Denied { .. } => Code::Conflict,
                S::Io { .. } => Code::File,
                S::InvalidTerms { .. } => Code::Terms,
                S::Period(_) => Code::Period,
                S::NotFound { .. } => Code::NotFound,
                S::Conflict(_) => Code::Conflict,
                S::Cancelled => Code::Cancelled,
                S::Archive { .. } => Code::Integrity,
                S::Passphrase { .. } => Code::Passphrase,
                S::Locked { .. } => Code::Locked,
            },
            AppError::Usage(_) => Code::Usage,
            AppError::Invalid { code, .. } => *code,
            AppError::NotFound(_) => Code::NotFound,
            AppError::Identity(_) => Code::Identity,
            AppError::Export(_) => Code::Internal,
            AppError::Integrity(_) => Code::Integrity,
            AppError::Untrusted(_) => Code::Untrusted,
            AppError::Cancelled(_) => Code::Cancelled,
            AppError::Partial { .. } => Code::Partial,
            AppError::Rejected { code, .. } => *code,
        }
    }

    pub fn exit_code(&self) -> i32 {
        self.code().exit_code()
    }

    /// The problems one by one, when there are several (invalid terms,
    /// bad rows, failed items of a batch); empty otherwise.
    pub fn details(&self) -> Vec<String> {
        match self {
            AppError::InvalidTerms { path, problems }
            | AppError::Store(sla_store::StoreError::InvalidTerms { path, problems }) => {
                problems.iter().map(|p| format!("{path}: {p}")).collect()
            }
            AppError::Import(sla_import::ImportError::Rows(rows)) => {
                rows.iter().map(|r| r.to_string()).collect()
            }
            AppError::Partial { failures, .. } => failures.clone(),
            AppError::Rejected { problems, .. } => problems.clone(),
            AppError::Store(sla_store::StoreError::Archive { path, problems }) => {
                problems.iter().map(|p| format!("{path}: {p}")).collect()
            }
            _ => Vec::new(),
        }
    }

    /// The shape errors take toward the UI.
    pub fn data(&self) -> ErrorData {
        ErrorData {
            code: self.code(),
            message: self.to_string(),
            details: self.details(),
        }
    }

    /// The same as JSON (`--json` failures, tests).
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::to_value(self.data()).expect("error data serialises")
    }
}

/// An error as the UI sees it: a stable code to switch on, a message for
/// the person, and the problems one by one when there are several.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct ErrorData {
    pub code: Code,
    pub message: String,
    pub details: Vec<String>,
}

impl From<AppError> for ErrorData {
    fn from(e: AppError) -> Self {
        e.data()
    }
}

/// Maps an export-crate failure: a missing identity is the user's to fix;
/// anything else (rendering, signing) is ours.
pub(crate) fn export_err(e: sla_export::ExportError) -> AppError {
    use sla_export::ExportError as E;
    match e {
        E::NoIdentity(_) | E::Identity(_) => AppError::Identity(e.to_string()),
        E::Io { path, source } => AppError::ReadFile { path, source },
        other => AppError::Export(other.to_string()),
    }
}
