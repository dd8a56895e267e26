//! The SLA Ledger library: one folder holding `library.sqlite3` (contracts
//! and their versions, imported evidence with provenance, statements, credit
//! claims, the audit chain) and `documents/` (attached files by SHA-256).
//!
//! Architecture invariant: all SQL of the product lives in this crate. The
//! CLI and the desktop shell call these functions; business time ("now") and
//! the actor come in through [`Ctx`], never from a clock read in here (only
//! import progress measures elapsed time, to report rows per second).

pub mod audit;
pub mod claims;
pub mod contracts;
pub mod domain;
mod error;
pub mod evidence;
pub mod governance;
pub mod reports;
mod seals;
pub mod settings;
pub mod statements;
pub mod trust;

pub use domain::{ClaimState, Direction, StatementStatus};
pub use error::StoreError;

use rusqlite::{Connection, Transaction, TransactionBehavior};
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Who does something, and when (seconds since the Unix epoch, UTC).
#[derive(Debug, Clone)]
pub struct Ctx {
    pub actor: String,
    pub now: i64,
}

/// Schema migrations, applied in order; `PRAGMA user_version` records how
/// many ran. Never edit a released file: add the next one.
const MIGRATIONS: &[(&str, &str)] = &[
    ("0001_init.sql", include_str!("../migrations/0001_init.sql")),
    (
        "0002_settings.sql",
        include_str!("../migrations/0002_settings.sql"),
    ),
    (
        "0003_governance.sql",
        include_str!("../migrations/0003_governance.sql"),
    ),
    (
        "0004_trust.sql",
        include_str!("../migrations/0004_trust.sql"),
    ),
];

pub const DB_FILE: &str = "library.sqlite3";
pub const DEFAULT_BUSY_TIMEOUT_MS: u64 = 5_000;

pub struct Library {
    conn: Connection,
    dir: PathBuf,
}

pub fn fmt_time(t: i64) -> String {
    sla_engine::time::fmt_instant(t)
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    format!("{:x}", Sha256::digest(bytes))
}

impl Library {
    /// The platform's data directory for SLA Ledger (e.g.
    /// `~/.local/share/sla-ledger` on Linux).
    pub fn default_dir() -> Option<PathBuf> {
        directories::ProjectDirs::from("", "", "sla-ledger").map(|d| d.data_dir().to_path_buf())
    }

    /// Opens (creating on first use) the library in `dir`.
    pub fn open(dir: &Path, busy_timeout_ms: u64) -> Result<Library, StoreError> {
        let open_err = |message: String| StoreError::Open {
            path: dir.display().to_string(),
            message,
        };
        std::fs::create_dir_all(dir.join("documents")).map_err(|e| open_err(e.to_string()))?;
        let conn = Connection::open(dir.join(DB_FILE)).map_err(|e| open_err(e.to_string()))?;
        conn.busy_timeout(Duration::from_millis(busy_timeout_ms))
            .map_err(|e| open_err(e.to_string()))?;
        let mut lib = Library {
            conn,
            dir: dir.to_path_buf(),
        };
        let busy = |e: rusqlite::Error| lib_err(dir, e);
        // WAL lets readers work while one writer writes; FULL sync keeps a
        // committed statement on disk through a crash or power loss.
        lib.conn
            .pragma_update(None, "journal_mode", "WAL")
            .map_err(busy)?;
        lib.conn
            .pragma_update(None, "synchronous", "FULL")
            .map_err(busy)?;
        lib.conn
            .pragma_update(None, "foreign_keys", "ON")
            .map_err(busy)?;
        lib.migrate()?;
        Ok(lib)
    }

    fn migrate(&mut self) -> Result<(), StoreError> {
        let dir = self.dir.clone();
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(|e| lib_err(&dir, e))?;
        let applied: usize = tx
            .pragma_query_value(None, "user_version", |r| r.get::<_, i64>(0))
            .map_err(StoreError::Sql)? as usize;
        if applied > MIGRATIONS.len() {
            return Err(StoreError::Open {
                path: dir.display().to_string(),
                message: format!(
                    "it was written by a newer SLA Ledger (schema {applied}, this one knows {})",
                    MIGRATIONS.len()
                ),
            });
        }
        for (_, sql) in &MIGRATIONS[applied..] {
            tx.execute_batch(sql).map_err(StoreError::Sql)?;
        }
        tx.pragma_update(None, "user_version", MIGRATIONS.len() as i64)
            .map_err(StoreError::Sql)?;
        tx.commit().map_err(|e| lib_err(&dir, e))
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    pub fn conn(&self) -> &Connection {
        &self.conn
    }

    /// A write transaction, taken at once (BEGIN IMMEDIATE) so that a busy
    /// library is reported before any work is done.
    pub(crate) fn write<T>(
        &mut self,
        f: impl FnOnce(&Transaction) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        let dir = self.dir.clone();
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(|e| lib_err(&dir, e))?;
        let out = f(&tx)?;
        tx.commit().map_err(|e| lib_err(&dir, e))?;
        Ok(out)
    }

    /// The schema as SQLite reports it, for the snapshot test.
    pub fn schema_sql(&self) -> Result<String, StoreError> {
        let mut st = self.conn.prepare("SELECT type, name, sql FROM sqlite_schema WHERE sql IS NOT NULL ORDER BY type, name").map_err(StoreError::Sql)?;
        let rows = st
            .query_map([], |r| {
                Ok(format!(
                    "-- {} {}\n{};\n",
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?
                ))
            })
            .map_err(StoreError::Sql)?;
        rows.collect::<Result<Vec<_>, _>>()
            .map(|v| v.join("\n"))
            .map_err(StoreError::Sql)
    }

    pub fn integrity_check(&self) -> Result<String, StoreError> {
        self.conn
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))
            .map_err(StoreError::Sql)
    }

    /// Records an action that changes no table of its own (a new signing
    /// identity, an export) in the audit chain.
    pub fn record(
        &mut self,
        ctx: &Ctx,
        action: &str,
        subject: &str,
        details: &serde_json::Value,
    ) -> Result<(), StoreError> {
        self.write(|tx| audit::append(tx, ctx, action, subject, details))
    }

    pub fn audit_verify(&self) -> Result<audit::Verification, StoreError> {
        audit::verify(&self.conn)
    }

    pub fn audit_list(&self, limit: i64) -> Result<Vec<audit::AuditEntry>, StoreError> {
        audit::list(&self.conn, limit)
    }
}

pub(crate) fn lib_err(dir: &Path, e: rusqlite::Error) -> StoreError {
    if error::is_busy(&e) {
        StoreError::Busy {
            path: dir.display().to_string(),
        }
    } else {
        StoreError::Sql(e)
    }
}

pub(crate) fn sql(e: rusqlite::Error) -> StoreError {
    if error::is_busy(&e) {
        StoreError::Busy {
            path: String::from("(library)"),
        }
    } else {
        StoreError::Sql(e)
    }
}
