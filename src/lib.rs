//! SLA Ledger's use-case API: what the CLI (and later the desktop shell)
//! call. Reads files, hands pure data to the engine, returns its result.

pub mod app;
pub mod error;
pub mod export;
pub mod governance;
pub mod terms_form;
pub mod trust;
pub mod verify;

pub use error::AppError;
pub use sla_engine;
pub use sla_export;
pub use sla_governance;
pub use sla_import;
pub use sla_store;

use sla_store::{Ctx, Library};
use std::path::PathBuf;

/// Where the library lives: `--library`, else `SLA_LEDGER_LIBRARY`, else the
/// platform data directory.
pub fn library_dir(flag: Option<&str>) -> Result<PathBuf, AppError> {
    if let Some(p) = flag {
        return Ok(PathBuf::from(p));
    }
    if let Some(p) = std::env::var_os("SLA_LEDGER_LIBRARY").filter(|p| !p.is_empty()) {
        return Ok(PathBuf::from(p));
    }
    Library::default_dir().ok_or_else(|| {
        AppError::Usage("no home directory to keep a library in: pass --library PATH".into())
    })
}

/// Opens (creating on first use) the library in `dir`.
///
/// The test clock (`SLA_LEDGER_NOW`) back-dates every audit entry it stamps,
/// so it is refused for a library that was not created with it: a library
/// made while it is set is marked as running on a test clock (for good;
/// `audit verify` says so), and any other library refuses to open under it.
pub fn open_library(dir: &std::path::Path) -> Result<Library, AppError> {
    let timeout = std::env::var("SLA_LEDGER_BUSY_TIMEOUT_MS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(sla_store::DEFAULT_BUSY_TIMEOUT_MS);
    let mut lib = Library::open(dir, timeout)?;
    if std::env::var_os("SLA_LEDGER_NOW").is_some_and(|v| !v.is_empty()) {
        match lib.meta("clock")?.as_deref() {
            Some("test") => {}
            _ if lib.is_empty()? => lib.set_meta_once("clock", "test")?,
            _ => {
                return Err(AppError::Usage(format!(
                    "SLA_LEDGER_NOW is set, but the library at {} was not created with a test clock: its audit entries would be back-dated. Unset SLA_LEDGER_NOW (it is for tests and demos of a library made with it)",
                    dir.display()
                )))
            }
        }
    }
    Ok(lib)
}

/// The actor and the time of an action, read once at the edge: `--actor` or
/// `SLA_LEDGER_ACTOR` or the login name; `SLA_LEDGER_NOW` (RFC 3339) or the
/// system clock. Nothing below this reads the clock for business time.
pub fn context(actor: Option<&str>) -> Result<Ctx, AppError> {
    let actor = actor
        .map(str::to_string)
        .or_else(|| std::env::var("SLA_LEDGER_ACTOR").ok())
        .or_else(|| std::env::var("USER").ok())
        .filter(|a| !a.trim().is_empty())
        .unwrap_or_else(|| "unknown".into());
    let now = match std::env::var("SLA_LEDGER_NOW") {
        Ok(v) => sla_engine::time::parse_instant(&v, chrono_tz::UTC)
            .map_err(|e| AppError::Usage(format!("SLA_LEDGER_NOW: {e}")))?,
        Err(_) => std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs() as i64)
            .unwrap_or(0),
    };
    Ok(Ctx { actor, now })
}

/// The context of an action on a library, resolved one way for the CLI and
/// the app alike: the actor given explicitly (`--actor`), else
/// `SLA_LEDGER_ACTOR`, else the name set in the library's Settings, else the
/// login name; the time as [`context`] reads it.
pub fn session_context(lib: &Library, explicit: Option<&str>) -> Result<Ctx, AppError> {
    let from_env = std::env::var("SLA_LEDGER_ACTOR")
        .ok()
        .filter(|a| !a.trim().is_empty());
    let setting = lib.settings()?.remove("actor");
    context(
        explicit
            .map(str::to_string)
            .or(from_env)
            .or(setting)
            .as_deref(),
    )
}

use sla_engine::{ResultDoc, Terms};
use sla_import::Sources;

/// Reads and validates a terms file.
pub fn load_terms(path: &str) -> Result<Terms, AppError> {
    let text = std::fs::read_to_string(path).map_err(|source| AppError::ReadFile {
        path: path.into(),
        source,
    })?;
    Terms::parse(&text).map_err(|e| AppError::InvalidTerms {
        path: path.into(),
        problems: e.problems,
    })
}

#[derive(Debug, Clone, Default)]
pub struct ComputeRequest {
    pub terms: String,
    pub events: Sources,
    pub period: String,
}

/// The stateless `compute`: one contract, one period, evidence from files.
pub fn compute(req: &ComputeRequest) -> Result<(Terms, ResultDoc), AppError> {
    let terms = load_terms(&req.terms)?;
    let period = terms.period(&req.period)?;
    let imported = sla_import::read_events(&req.events, &terms)?;
    let mut doc = sla_engine::compute(&terms, &imported.events, &period)?;
    let mut warnings = imported.warnings;
    warnings.append(&mut doc.warnings);
    doc.warnings = warnings;
    Ok((terms, doc))
}
