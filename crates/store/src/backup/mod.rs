//! `library backup FILE` and `library restore FILE DIR` (issue 18): the
//! whole library in one checksummed archive, and back.
//!
//! The archive is a plain ustar file (see [`crate::ustar`]) that standard
//! `tar` lists:
//!
//! ```text
//! sla-ledger-backup/library.sqlite3        the database (SQLite's online backup)
//! sla-ledger-backup/documents/<sha256>     each attached file, named by its hash
//! sla-ledger-backup/MANIFEST.json          every member's size and SHA-256, the
//!                                          audit chain's length and head, and the
//!                                          content digest of every table
//! sla-ledger-backup/MANIFEST.sha256        the SHA-256 of MANIFEST.json
//! ```
//!
//! A team library (PostgreSQL) is backed up through `library copy` into a
//! SQLite library first, so one archive format serves both kinds, and a
//! backup restores into either.
//!
//! Restoring trusts nothing in the archive until it is checked: members
//! are written into a staging folder beside the target (never to a path
//! the archive names), every size is checked against [`Limits`] before a
//! byte is read, the manifest must hash to its checksum and list exactly
//! the members present with their sizes and hashes, SQLite's own
//! `integrity_check` must pass, the audit chain must verify with the
//! recorded length and head, and the content digest must match. Only then
//! is the staging folder renamed into place: a corrupt or truncated
//! archive leaves nothing behind.
//!
//! Backing up writes nothing to the library (a reader of a team library
//! can back it up); the archive's manifest says when and from where.

use crate::copy::TABLES;
use crate::db::{Row, Value};
use crate::ustar;

mod restore;
use crate::{params, Backend, Library, StoreError};
pub use restore::{is_sealed, read_archive, restore, restore_into, restore_to_library};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::fs::File;
use std::io::{BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};

/// The archive format this SLA Ledger writes and reads.
pub const FORMAT: &str = "sla-ledger-backup/1";
pub(crate) const ROOT: &str = "sla-ledger-backup/";
pub(crate) const DATABASE: &str = "library.sqlite3";
pub(crate) const MANIFEST: &str = "MANIFEST.json";
pub(crate) const MANIFEST_SUM: &str = "MANIFEST.sha256";
/// An encrypted library's wrapped keys (no secret without the passphrase).
pub(crate) const KEY_MEMBER: &str = crate::crypt::KEY_FILE;

/// What a restore accepts before reading a byte of a member.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub members: usize,
    pub database_bytes: u64,
    pub document_bytes: u64,
    pub total_bytes: u64,
    pub manifest_bytes: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            members: 100_000,
            database_bytes: ustar::MAX_SIZE,
            document_bytes: 1 << 30,
            total_bytes: 64 << 30,
            manifest_bytes: 32 << 20,
        }
    }
}

/// One member of the archive as the manifest lists it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, ts_rs::TS)]
#[ts(export)]
pub struct BackupMember {
    pub path: String,
    #[ts(type = "number")]
    pub size: u64,
    pub sha256: String,
}

/// `MANIFEST.json`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, ts_rs::TS)]
#[ts(export)]
#[serde(deny_unknown_fields)]
pub struct BackupManifest {
    pub format: String,
    pub library_id: String,
    /// Where the library was (its folder, or its URL without password).
    pub source: String,
    /// UTC, RFC 3339, and who took it.
    pub created_at: String,
    pub created_by: String,
    pub schema_version: i64,
    pub audit_entries: i64,
    pub head_hash: String,
    /// SHA-256 over every table's rows in a fixed order (see
    /// [`Library::content_sha256`]): equal digests, equal content.
    pub content_sha256: String,
    pub documents: i64,
    pub members: Vec<BackupMember>,
    /// An encrypted library's backup (issue 18): the database and the
    /// documents stay sealed in the archive, `library.key` comes with
    /// them, and a restore needs the passphrase.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub encrypted: bool,
}

/// What `library backup` wrote.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct BackupReport {
    pub file: String,
    #[ts(type = "number")]
    pub bytes: u64,
    pub archive_sha256: String,
    pub manifest: BackupManifest,
}

/// What `library restore` put in place.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct RestoreReport {
    pub location: String,
    pub manifest: BackupManifest,
}

/// A folder removed when dropped unless kept (the staging of a backup or
/// a restore: nothing half-written stays behind on failure).
pub(crate) struct Staging(Option<PathBuf>);

impl Staging {
    pub(crate) fn new(beside: &Path, what: &str) -> Result<Staging, StoreError> {
        let parent = match beside.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let name = beside
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        // Unique within the process too: tests (and an app) may back up or
        // restore on several threads at once.
        static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let dir = parent.join(format!(".{name}.{what}-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).map_err(|source| io_err(&dir, source))?;
        Ok(Staging(Some(dir)))
    }
    pub(crate) fn path(&self) -> &Path {
        self.0.as_deref().expect("staging kept already")
    }
    pub(crate) fn keep(mut self) -> PathBuf {
        self.0.take().expect("staging kept already")
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if let Some(dir) = self.0.take() {
            let _ = std::fs::remove_dir_all(dir);
        }
    }
}

pub(crate) fn io_err(path: &Path, source: std::io::Error) -> StoreError {
    StoreError::Io {
        path: path.display().to_string(),
        source,
    }
}

pub(crate) fn archive_err(path: &Path, problems: Vec<String>) -> StoreError {
    StoreError::Archive {
        path: path.display().to_string(),
        problems,
    }
}

impl Library {
    /// SHA-256 over every table of the library, rows in their copy order,
    /// each value tagged with its kind and length: two libraries with the
    /// same digest hold the same rows, whatever their backend or file
    /// layout.
    pub fn content_sha256(&self) -> Result<String, StoreError> {
        let mut h = Sha256::new();
        for (table, cols, order) in TABLES {
            h.update(format!("table {table} ({cols})\n").as_bytes());
            self.conn().query_each(
                &format!("SELECT {cols} FROM {table} ORDER BY {order}"),
                params![],
                |Row(values)| {
                    for v in &values {
                        match v {
                            Value::Null => h.update(b"N"),
                            Value::Int(i) => h.update(format!("I{i};").as_bytes()),
                            Value::Text(s) => {
                                h.update(format!("T{}:", s.len()).as_bytes());
                                h.update(s.as_bytes());
                            }
                            Value::Blob(b) => {
                                h.update(format!("B{}:", b.len()).as_bytes());
                                h.update(b);
                            }
                        }
                    }
                    h.update(b"\n");
                    Ok(())
                },
            )?;
        }
        Ok(format!("{:x}", h.finalize()))
    }

    /// Writes the whole library into a new archive at `out` (refused if
    /// `out` exists). `at` and `by` are the session's time and actor.
    pub fn backup_to(&self, out: &Path, at: i64, by: &str) -> Result<BackupReport, StoreError> {
        if out.exists() {
            return Err(StoreError::Conflict(format!(
                "{} exists: a backup never overwrites a file; choose another name",
                out.display()
            )));
        }
        let before = self.audit_verify()?;
        if !before.ok {
            return Err(StoreError::Conflict(format!(
                "the audit chain of {} does not verify, so it is not backed up: {}",
                self.location(),
                before.problems.join("; ")
            )));
        }
        let staging = Staging::new(out, "backup")?;
        let snapshot = staging.path().join("library");
        self.snapshot_into(&snapshot)?;
        // What the archive holds is the snapshot: its chain, head and
        // digest are what a restore must find again.
        let snap = Library::open_keyed(&snapshot, self.busy_timeout_ms, self.keys.clone())?;
        let verified = snap.audit_verify()?;
        if !verified.ok {
            return Err(StoreError::Conflict(format!(
                "the snapshot of {} does not verify: {}",
                self.location(),
                verified.problems.join("; ")
            )));
        }
        let mut manifest = BackupManifest {
            format: FORMAT.into(),
            library_id: snap.library_id()?,
            // An encrypted library's folder name may say whose data it is.
            source: if self.is_encrypted() {
                "(an encrypted library)".into()
            } else {
                self.location().to_string()
            },
            created_at: crate::fmt_time(at),
            created_by: by.to_string(),
            schema_version: crate::MIGRATIONS.len() as i64,
            audit_entries: verified.entries,
            head_hash: snap.chain_head()?.map(|h| h.1).unwrap_or_default(),
            content_sha256: snap.content_sha256()?,
            documents: 0,
            members: Vec::new(),
            encrypted: self.is_encrypted(),
        };
        let docs = snap.document_blobs()?;
        snap.wal_checkpoint()?;
        drop(snap);
        manifest.documents = docs.len() as i64;

        let partial = staging.path().join("archive.tar");
        let werr = |e: std::io::Error| io_err(&partial, e);
        let file = File::create(&partial).map_err(werr)?;
        let mut w = BufWriter::new(file);
        let db_path = snapshot.join(DATABASE);
        let db = File::open(&db_path).map_err(|e| io_err(&db_path, e))?;
        let db_size = db.metadata().map_err(|e| io_err(&db_path, e))?.len();
        let member = add_member(&mut w, DATABASE, db_size, BufReader::new(db)).map_err(werr)?;
        manifest.members.push(member);
        if self.is_encrypted() {
            let key = std::fs::read(snapshot.join(KEY_MEMBER)).map_err(|e| io_err(&snapshot, e))?;
            let member =
                add_member(&mut w, KEY_MEMBER, key.len() as u64, &key[..]).map_err(werr)?;
            manifest.members.push(member);
        }
        for (sha, bytes) in &docs {
            let name = format!("documents/{sha}");
            // Sealed as the folder keeps them: the archive is no easier
            // to read than the library.
            let kept = if self.is_encrypted() {
                let p = snapshot.join(&name);
                std::fs::read(&p).map_err(|e| io_err(&p, e))?
            } else {
                bytes.clone()
            };
            let member = add_member(&mut w, &name, kept.len() as u64, &kept[..]).map_err(werr)?;
            manifest.members.push(member);
        }
        let json = serde_json::to_vec_pretty(&manifest).expect("a manifest serializes");
        let sum = format!("{}\n", crate::sha256_hex(&json));
        add_member(&mut w, MANIFEST, json.len() as u64, &json[..]).map_err(werr)?;
        add_member(&mut w, MANIFEST_SUM, sum.len() as u64, sum.as_bytes()).map_err(werr)?;
        ustar::write_end(&mut w).map_err(werr)?;
        let file = w.into_inner().map_err(|e| werr(e.into_error()))?;
        file.sync_all().map_err(werr)?;
        drop(file);
        let (bytes, archive_sha256) = hash_file(&partial).map_err(werr)?;
        std::fs::rename(&partial, out).map_err(|e| io_err(out, e))?;
        Ok(BackupReport {
            file: out.display().to_string(),
            bytes,
            archive_sha256,
            manifest,
        })
    }

    /// A consistent copy of this library as a SQLite library in `dir`:
    /// SQLite's online backup (pages, while others may write), or for a
    /// team library a verified `copy_into`.
    fn snapshot_into(&self, dir: &Path) -> Result<(), StoreError> {
        match &self.conn {
            crate::db::Conn::Sqlite(src) => {
                std::fs::create_dir_all(dir.join("documents")).map_err(|e| io_err(dir, e))?;
                let mut dst = rusqlite::Connection::open(dir.join(DATABASE)).map_err(crate::sql)?;
                // SQLCipher copies pages between databases under one key:
                // the snapshot is keyed as the library is, never plain.
                if let Some(k) = &self.keys {
                    let key = dir.join(KEY_MEMBER);
                    std::fs::copy(self.dir.join(KEY_MEMBER), &key).map_err(|e| io_err(&key, e))?;
                    dst.execute_batch(&crate::crypt::pragma_key(k))
                        .map_err(crate::sql)?;
                }
                rusqlite::backup::Backup::new(src, &mut dst)
                    .and_then(|b| b.run_to_completion(256, std::time::Duration::ZERO, None))
                    .map_err(crate::sql)?;
                // The documents come from the source library's folder; the
                // snapshot's own folder gets them for its verification.
                // Read (and so checked) first; an encrypted library's
                // sealed files are then copied as they are, byte for byte.
                for (sha, bytes) in self.document_blobs()? {
                    let p = dir.join("documents").join(&sha);
                    match self.is_encrypted() {
                        true => std::fs::copy(self.dir.join("documents").join(&sha), &p).map(drop),
                        false => std::fs::write(&p, bytes),
                    }
                    .map_err(|e| io_err(&p, e))?;
                }
                Ok(())
            }
            crate::db::Conn::Pg(_) => {
                // Keyless: a staging copy of a team library, whatever this
                // machine's policy for new libraries.
                let mut snap = Library::open_keyed(dir, self.busy_timeout_ms, None)?;
                self.copy_into(&mut snap)?;
                snap.wal_checkpoint()
            }
        }
    }

    /// Folds SQLite's write-ahead log into the database file, so that the
    /// file alone holds everything.
    pub(crate) fn wal_checkpoint(&self) -> Result<(), StoreError> {
        match self.backend() {
            Backend::Sqlite => self.conn.batch("PRAGMA wal_checkpoint(TRUNCATE)"),
            Backend::Postgres => Ok(()),
        }
    }
}

/// Writes one member of `size` bytes from `data`, hashing it on the way.
fn add_member(
    w: &mut impl Write,
    name: &str,
    size: u64,
    data: impl Read,
) -> std::io::Result<BackupMember> {
    ustar::write_header(w, &format!("{ROOT}{name}"), size)?;
    let mut out = HashingWriter {
        inner: &mut *w,
        hash: Sha256::new(),
    };
    let copied = std::io::copy(&mut data.take(size), &mut out)?;
    let sha256 = format!("{:x}", out.hash.finalize());
    if copied != size {
        return Err(std::io::Error::other(format!(
            "`{name}` changed while it was archived ({copied} of {size} bytes)"
        )));
    }
    ustar::write_padding(w, size)?;
    Ok(BackupMember {
        path: name.to_string(),
        size,
        sha256,
    })
}

/// A file's size and SHA-256, read in pieces.
pub fn hash_file(path: &Path) -> std::io::Result<(u64, String)> {
    let mut out = HashingWriter {
        inner: std::io::sink(),
        hash: Sha256::new(),
    };
    let n = std::io::copy(&mut BufReader::new(File::open(path)?), &mut out)?;
    Ok((n, format!("{:x}", out.hash.finalize())))
}

pub(crate) struct HashingWriter<W: Write> {
    pub(crate) inner: W,
    pub(crate) hash: Sha256,
}

impl<W: Write> Write for HashingWriter<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.hash.update(&buf[..n]);
        Ok(n)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}
