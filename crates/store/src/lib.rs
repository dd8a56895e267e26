//! The SLA Ledger library: one folder holding `library.sqlite3` (contracts
//! and their versions, imported evidence with provenance, statements, credit
//! claims, the audit chain) and `documents/` (attached files by SHA-256).
//!
//! Architecture invariant: all SQL of the product lives in this crate. The
//! CLI and the desktop shell call these functions; business time ("now") and
//! the actor come in through [`Ctx`], never from a clock read in here (only
//! import progress measures elapsed time, to report rows per second).

pub mod audit;
pub mod backup;
pub mod claims;
pub mod clauses;
pub mod contracts;
pub mod copy;
pub mod crypt;
pub mod db;
pub mod domain;
mod error;
pub mod evidence;
pub mod forgive;
pub mod governance;
pub mod pg;
pub mod reports;
pub mod reviews;
mod seals;
pub mod secrets;
pub mod settings;
pub mod statements;
pub mod trust;
pub mod ustar;

pub use db::{Backend, Conn};
pub use domain::{ClaimState, Direction, StatementStatus};
pub use error::StoreError;

use rusqlite::Connection;
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
    (
        "0005_requests.sql",
        include_str!("../migrations/0005_requests.sql"),
    ),
    (
        "0006_withdrawals.sql",
        include_str!("../migrations/0006_withdrawals.sql"),
    ),
    (
        "0007_locale.sql",
        include_str!("../migrations/0007_locale.sql"),
    ),
    (
        "0008_reviews.sql",
        include_str!("../migrations/0008_reviews.sql"),
    ),
    (
        "0009_clauses.sql",
        include_str!("../migrations/0009_clauses.sql"),
    ),
    (
        "0010_statement_index.sql",
        include_str!("../migrations/0010_statement_index.sql"),
    ),
];

pub const DB_FILE: &str = "library.sqlite3";
pub const DEFAULT_BUSY_TIMEOUT_MS: u64 = 5_000;

pub struct Library {
    conn: Conn,
    /// The local folder of this library: the library itself for SQLite;
    /// for PostgreSQL, where this machine keeps its signing identity and
    /// exports (the data is in the database).
    dir: PathBuf,
    /// Where the library is, as shown to people (a folder, or a URL
    /// without its password).
    location: String,
    /// The database user a PostgreSQL library is opened as (`None` for
    /// SQLite): the name the audit chain records.
    db_user: Option<String>,
    /// The URL a PostgreSQL library was opened with (kept to open it again,
    /// never shown: it may carry a password).
    url: Option<String>,
    busy_timeout_ms: u64,
    /// The data keys of an encrypted library (issue 18), `None` for a
    /// plain one and for PostgreSQL.
    keys: Option<std::sync::Arc<crypt::Keys>>,
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

    /// Opens (creating on first use) the library in `dir`. An encrypted
    /// library (one with `library.key`) is unlocked through
    /// [`crypt::keys_for`]; a new one is encrypted when this machine's
    /// policy says so ([`crypt::new_library_passphrase`]).
    pub fn open(dir: &Path, busy_timeout_ms: u64) -> Result<Library, StoreError> {
        let open_err = |message: String| StoreError::Open {
            path: dir.display().to_string(),
            message,
        };
        let keys = if crypt::is_encrypted(dir) {
            Some(crypt::keys_for(dir)?)
        } else if !dir.join(DB_FILE).exists() {
            match crypt::new_library_passphrase()? {
                Some(pass) => match crypt::create(dir, &pass) {
                    Ok(k) => Some(k),
                    // Another process made it first: open theirs.
                    Err(_) if crypt::is_encrypted(dir) => Some(crypt::keys_for(dir)?),
                    Err(e) => return Err(e),
                },
                None => None,
            }
        } else {
            None
        };
        Library::open_keyed(dir, busy_timeout_ms, keys).map_err(|e| match e {
            StoreError::Sql(rusqlite::Error::SqliteFailure(f, _))
                if f.code == rusqlite::ErrorCode::NotADatabase =>
            {
                open_err(if crypt::is_encrypted(dir) {
                    format!("{DB_FILE} does not open with the key in {}: the key file belongs to another library, or the database is damaged", crypt::KEY_FILE)
                } else {
                    format!("{DB_FILE} is not a SQLite database (an encrypted library whose {} is missing?)", crypt::KEY_FILE)
                })
            }
            e => e,
        })
    }

    /// Opens the library in `dir` with the data keys already unlocked
    /// (`None` for a plain library).
    pub fn open_keyed(
        dir: &Path,
        busy_timeout_ms: u64,
        keys: Option<std::sync::Arc<crypt::Keys>>,
    ) -> Result<Library, StoreError> {
        let open_err = |message: String| StoreError::Open {
            path: dir.display().to_string(),
            message,
        };
        std::fs::create_dir_all(dir.join("documents")).map_err(|e| open_err(e.to_string()))?;
        let conn = Connection::open(dir.join(DB_FILE)).map_err(|e| open_err(e.to_string()))?;
        if let Some(k) = &keys {
            // The key comes first: SQLCipher reads nothing before it.
            conn.execute_batch(&crypt::pragma_key(k))
                .map_err(|e| open_err(e.to_string()))?;
            conn.query_row("SELECT count(*) FROM sqlite_schema", [], |_| Ok(()))
                .map_err(StoreError::Sql)?;
        }
        conn.busy_timeout(Duration::from_millis(busy_timeout_ms))
            .map_err(|e| open_err(e.to_string()))?;
        let busy = |e: rusqlite::Error| lib_err(dir, e);
        // WAL lets readers work while one writer writes; FULL sync keeps a
        // committed statement on disk through a crash or power loss.
        conn.pragma_update(None, "journal_mode", "WAL")
            .map_err(busy)?;
        conn.pragma_update(None, "synchronous", "FULL")
            .map_err(busy)?;
        conn.pragma_update(None, "foreign_keys", "ON")
            .map_err(busy)?;
        let mut lib = Library {
            conn: Conn::Sqlite(conn),
            dir: dir.to_path_buf(),
            location: dir.display().to_string(),
            db_user: None,
            url: None,
            busy_timeout_ms,
            keys,
        };
        lib.migrate()?;
        Ok(lib)
    }

    /// The data keys of an encrypted library.
    pub fn keys(&self) -> Option<&std::sync::Arc<crypt::Keys>> {
        self.keys.as_ref()
    }

    /// True when the library is encrypted (issue 18).
    pub fn is_encrypted(&self) -> bool {
        self.keys.is_some()
    }

    /// The bytes of a document as kept in the folder: sealed in an
    /// encrypted library, as they are in a plain one.
    pub(crate) fn blob_on_disk(&self, sha: &str, plain: &[u8]) -> Vec<u8> {
        match &self.keys {
            Some(k) => crypt::seal(k, sha, plain),
            None => plain.to_vec(),
        }
    }

    /// Every file in the documents folder opens (under this library's key)
    /// and hashes to its name: the problems, one per file. A restore runs
    /// it, so that a document no row names cannot ride along unchecked.
    pub(crate) fn document_file_problems(&self) -> Vec<String> {
        let Ok(entries) = std::fs::read_dir(self.dir.join("documents")) else {
            return vec!["the documents folder cannot be read".into()];
        };
        let mut problems = Vec::new();
        for e in entries.flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            match self.read_blob(&name) {
                Some(b) if sha256_hex(&b) == name => {}
                Some(_) => problems.push(format!("documents/{name} does not hash to its name")),
                None => problems.push(format!(
                    "documents/{name} does not open with this library's key"
                )),
            }
        }
        problems
    }

    /// The document `sha` read back from the folder, or `None` when the
    /// file is missing or does not open under this library's key.
    pub(crate) fn read_blob(&self, sha: &str) -> Option<Vec<u8>> {
        let raw = std::fs::read(self.dir.join("documents").join(sha)).ok()?;
        match &self.keys {
            Some(k) => crypt::open_sealed(k, sha, &raw),
            None => Some(raw),
        }
    }

    fn migrate(&mut self) -> Result<(), StoreError> {
        let dir = self.dir.clone();
        let Conn::Sqlite(conn) = &mut self.conn else {
            return pg::migrate(&self.conn, &self.location);
        };
        // A library already at this schema is opened without taking the
        // write lock: opening must not wait behind another writer (the
        // app opens a session per command, and a million-row import holds
        // the lock for seconds; issue 15). Anything to do is re-checked
        // under the lock below.
        let current: i64 = conn
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .map_err(|e| lib_err(&dir, e))?;
        if current == MIGRATIONS.len() as i64 {
            return Ok(());
        }
        let tx = conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
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

    /// Opens a PostgreSQL library (see [`pg::open`]); `dir` is this
    /// machine's folder for it (identity, exports).
    pub fn open_pg(url: &str, dir: &Path, busy_timeout_ms: u64) -> Result<Library, StoreError> {
        let (conn, user) = pg::open(url, busy_timeout_ms)?;
        std::fs::create_dir_all(dir).map_err(|e| StoreError::Open {
            path: dir.display().to_string(),
            message: e.to_string(),
        })?;
        let mut lib = Library {
            conn,
            dir: dir.to_path_buf(),
            location: pg::redact(url),
            db_user: Some(user),
            url: Some(url.to_string()),
            busy_timeout_ms,
            keys: None,
        };
        lib.migrate()?;
        Ok(lib)
    }

    /// A second connection to the same library (a session of its own).
    pub fn reopen(&self) -> Result<Library, StoreError> {
        match &self.url {
            Some(url) => Library::open_pg(url, &self.dir, self.busy_timeout_ms),
            None => Library::open(&self.dir, self.busy_timeout_ms),
        }
    }

    /// Where the library is, for people: its folder, or its URL without
    /// the password.
    pub fn location(&self) -> &str {
        &self.location
    }

    pub fn backend(&self) -> Backend {
        self.conn.backend()
    }

    /// The database user of a PostgreSQL library.
    pub fn db_user(&self) -> Option<&str> {
        self.db_user.as_deref()
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    pub fn conn(&self) -> &Conn {
        &self.conn
    }

    /// A write transaction, taken at once so that a busy library is
    /// reported before any work is done: SQLite's BEGIN IMMEDIATE, and on
    /// PostgreSQL the library's write lock (see [`pg::begin_write`]), so
    /// that on both every write sees the one before it whole.
    pub(crate) fn write<T>(
        &mut self,
        f: impl FnOnce(&Conn) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        match &self.conn {
            Conn::Sqlite(c) => c
                .execute_batch("BEGIN IMMEDIATE")
                .map_err(|e| lib_err(&self.dir, e))?,
            Conn::Pg(_) => pg::begin_write(&self.conn)?,
        }
        let out = f(&self.conn);
        match out {
            Ok(v) => match self.conn.batch("COMMIT") {
                Ok(()) => Ok(v),
                Err(e) => {
                    let _ = self.conn.batch("ROLLBACK");
                    Err(self.denied(e))
                }
            },
            Err(e) => {
                let _ = self.conn.batch("ROLLBACK");
                Err(self.denied(e))
            }
        }
    }

    /// A write refused by a grant, said as such.
    fn denied(&self, e: StoreError) -> StoreError {
        match (&e, &self.db_user) {
            (StoreError::Pg(p), Some(user))
                if p.code() == Some(&postgres::error::SqlState::INSUFFICIENT_PRIVILEGE) =>
            {
                StoreError::Denied {
                    user: user.clone(),
                    what: p
                        .as_db_error()
                        .map(|d| d.message().to_string())
                        .unwrap_or_default(),
                }
            }
            _ => e,
        }
    }

    /// The schema as the database reports it, for the snapshot tests.
    pub fn schema_sql(&self) -> Result<String, StoreError> {
        if self.backend() == Backend::Postgres {
            return pg::schema_text(&self.conn);
        }
        let rows = self.conn.query(
            "SELECT type, name, sql FROM sqlite_schema WHERE sql IS NOT NULL ORDER BY type, name",
            params![],
        )?;
        let mut out = Vec::new();
        for r in rows {
            out.push(format!(
                "-- {} {}\n{};\n",
                r.get::<String>(0)?,
                r.get::<String>(1)?,
                r.get::<String>(2)?
            ));
        }
        Ok(out.join("\n"))
    }

    pub fn integrity_check(&self) -> Result<String, StoreError> {
        match self.backend() {
            Backend::Sqlite => self
                .conn
                .query_one("PRAGMA integrity_check", params![])?
                .get(0),
            // PostgreSQL checks its pages itself (checksums, WAL); there
            // is no whole-database check to run from a client.
            Backend::Postgres => Ok("ok".into()),
        }
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
