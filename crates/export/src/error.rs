//! Errors of exporting, signing and verifying.

use thiserror::Error;

#[derive(Debug, Error)]
pub enum ExportError {
    #[error("cannot read {path}: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("signing identity: {0}")]
    Identity(String),
    #[error("signing failed: {0}")]
    Sign(String),
    #[error("PDF: {0}")]
    Pdf(String),
    #[error("workbook: {0}")]
    Xlsx(String),
    #[error("no signing identity in {0}: create one with `sla-ledger identity create` or import yours with `sla-ledger identity import FILE`")]
    NoIdentity(String),
}

pub(crate) fn io(path: &std::path::Path) -> impl FnOnce(std::io::Error) -> ExportError + '_ {
    move |source| ExportError::Io {
        path: path.display().to_string(),
        source,
    }
}
