//! Statement exports: a PDF for finance and auditors (certified with a PAdES
//! signature when final), an Excel workbook an auditor can recompute, and a
//! signed manifest binding both to the library's record.

pub mod error;
pub mod identity;
pub mod locale;
pub mod manifest;
pub mod pdf;
pub mod pdfmeta;
pub mod reports;
pub mod sign;
pub mod text;
pub mod trust;
pub mod view;
pub mod xlsx;

pub use error::ExportError;
pub use identity::Identity;
pub use manifest::Manifest;
pub use view::StatementView;
pub use x509_cert::Certificate;
