//! SLA Ledger's use-case layer (`usecases`), shared by the CLI and the
//! desktop shell, and its errors (`error`). See ARCHITECTURE.md.

pub mod error;
pub mod usecases;

pub use error::{AppError, Code, ErrorData};
pub use usecases::compute::{compute, load_terms, ComputeRequest};
pub use usecases::session::{context, library_dir, open_library, session_context};
pub use usecases::Session;

pub use sla_engine;
pub use sla_export;
pub use sla_governance;
pub use sla_import;
pub use sla_store;
