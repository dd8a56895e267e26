//! Errors of the use-case layer. Each carries a stable `code` the UI can
//! switch on and the exit status the CLI uses: 2 for anything the user must
//! fix (bad flags, unreadable or invalid files, bad rows), 1 for failures of
//! the program itself, 3 when a file or the library's history does not hold
//! (verify, audit verify), 4 when it is intact but no trusted signer vouches
//! for it.

use serde_json::json;
use thiserror::Error;

#[derive(Debug, Error)]
pub enum AppError {
    #[error("cannot read {path}: {source}")]
    ReadFile {
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
    /// A file or the library's history does not hold: changed, malformed,
    /// or not what the library records (exit 3).
    #[error("{0}")]
    Integrity(String),
    /// Intact, but signed by no one trusted (exit 4).
    #[error("{0}")]
    Untrusted(String),
}

impl AppError {
    pub fn code(&self) -> &'static str {
        match self {
            AppError::ReadFile { .. } => "file_unreadable",
            AppError::InvalidTerms { .. } => "invalid_terms",
            AppError::Period(_) => "invalid_period",
            AppError::Import(sla_import::ImportError::Rows(_)) => "invalid_rows",
            AppError::Import(_) => "invalid_events_file",
            AppError::Compute(_) => "invalid_events",
            AppError::Store(e) => e.code(),
            AppError::Usage(_) => "invalid_arguments",
            AppError::Integrity(_) => "integrity_failure",
            AppError::Untrusted(_) => "untrusted_signer",
        }
    }

    /// 2 for what the user can fix (including "the library is busy: try
    /// again"), 1 for failures of the program itself.
    pub fn exit_code(&self) -> i32 {
        match self {
            AppError::Store(e) if !e.is_user_error() => 1,
            AppError::Integrity(_) => crate::verify::EXIT_BROKEN,
            AppError::Untrusted(_) => crate::verify::EXIT_UNTRUSTED,
            _ => 2,
        }
    }

    /// The `{code, message}` shape errors take toward the UI.
    pub fn to_json(&self) -> serde_json::Value {
        json!({ "code": self.code(), "message": self.to_string() })
    }
}

impl From<crate::app::UiError> for AppError {
    fn from(e: crate::app::UiError) -> Self {
        AppError::Usage(e.message)
    }
}
