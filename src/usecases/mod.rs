//! The use cases: everything a person can do with SLA Ledger, one module per
//! area. The CLI (`src/cli/`) and the desktop app (`src-tauri`) are thin
//! adapters over exactly these functions: they parse input, call one
//! function, and show its result. Each function that touches a library
//! takes a [`Session`]: the library, who acts and when, resolved once.
//!
//! Orchestration lives here, not in the crates below: the importer reads
//! files, the engine computes, the store stores and queries; a use case
//! joins them (e.g. `evidence::import` reads with the importer and writes
//! with the store; `statements::run` reads the store, computes with the
//! engine and stores the draft).

pub mod audit;
pub mod claims;
mod clause_keys;
pub mod clauses;
pub mod compute;
pub mod contracts;
pub mod evidence;
pub mod files;
pub mod governance;
pub mod identity;
pub mod library;
pub mod presets;
pub mod reports;
pub mod session;
pub mod statements;
pub mod templates;
pub mod terms_form;
pub mod verify;
pub mod welcome;

pub use session::Session;
