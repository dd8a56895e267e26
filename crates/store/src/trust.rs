//! Trust records: the facts fixed when the library was made, the pinned
//! organisation certificates its own signatures chain to, and the signed
//! heads of the audit chain.
//!
//! A signed head is to the audit chain what a signed tree head is to a
//! Certificate Transparency log: whoever can rewrite `library.sqlite3` can
//! recompute every hash of the chain, but cannot sign a head without the
//! library's signing key. The store keeps heads and checks nothing
//! cryptographic itself (it knows no certificates): signing and checking
//! are passed in by the use-case layer.

use crate::db::Conn;
use crate::{audit, params, Ctx, Library, StoreError};
use serde::Serialize;
use serde_json::json;

/// Signs a head's canonical text: the detached CMS and the SHA-256 of the
/// signer's certificate.
pub type HeadSigner<'a> = &'a dyn Fn(&[u8]) -> Result<(Vec<u8>, String), String>;

#[derive(Debug, Clone, Serialize, ts_rs::TS, PartialEq, Eq)]
#[ts(export)]
pub struct Pin {
    pub sha256: String,
    pub subject: String,
    #[serde(skip)]
    #[ts(skip)]
    pub cert_pem: String,
    pub added_at: String,
    pub added_by: String,
}

#[derive(Debug, Clone, Serialize, ts_rs::TS, PartialEq, Eq)]
#[ts(export)]
pub struct Anchor {
    pub seq: i64,
    pub hash: String,
    pub at: String,
    pub signer_sha256: String,
    #[serde(skip)]
    #[ts(skip)]
    pub signature: Vec<u8>,
}

/// The exact bytes a head's signature covers. The library id binds the head
/// to one library, so a head cannot be replayed into another.
pub fn head_text(library_id: &str, seq: i64, hash: &str, at: &str) -> String {
    format!("sla-ledger-chain-head/1\nlibrary: {library_id}\nseq: {seq}\nhash: {hash}\nat: {at}\n")
}

fn meta_in(conn: &Conn, key: &str) -> Result<Option<String>, StoreError> {
    conn.query_opt(
        "SELECT value FROM library_meta WHERE key = ?1",
        params![key],
    )?
    .map(|r| r.get(0))
    .transpose()
}

fn head_in(conn: &Conn) -> Result<Option<(i64, String)>, StoreError> {
    audit::head(conn)
}

/// Signs the chain's current head inside the caller's transaction, unless a
/// head at that entry is already signed. Returns the new anchor.
pub fn anchor_in(
    conn: &Conn,
    ctx: &Ctx,
    signer: HeadSigner<'_>,
) -> Result<Option<Anchor>, StoreError> {
    let Some((seq, hash)) = head_in(conn)? else {
        return Ok(None);
    };
    let exists = conn.query_opt("SELECT seq FROM chain_anchors WHERE seq = ?1", params![seq])?;
    if exists.is_some() {
        return Ok(None);
    }
    let id = meta_in(conn, "library_id")?.unwrap_or_default();
    let at = crate::fmt_time(ctx.now);
    let (signature, signer_sha256) = signer(head_text(&id, seq, &hash, &at).as_bytes())
        .map_err(|e| StoreError::Conflict(format!("cannot sign the audit chain's head: {e}")))?;
    conn.execute(
        "INSERT INTO chain_anchors (seq, hash, at, signer_sha256, signature) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![seq, hash, at, signer_sha256, signature],
    )?;
    Ok(Some(Anchor {
        seq,
        hash,
        at,
        signer_sha256,
        signature,
    }))
}

impl Library {
    /// A fact written when the library was made (`library_id`, `clock`).
    pub fn meta(&self, key: &str) -> Result<Option<String>, StoreError> {
        meta_in(self.conn(), key)
    }

    /// Writes a library fact once; writing the same value again is a no-op.
    pub fn set_meta_once(&mut self, key: &str, value: &str) -> Result<(), StoreError> {
        self.write(|tx| match meta_in(tx, key)? {
            Some(v) if v == value => Ok(()),
            Some(v) => Err(StoreError::Conflict(format!(
                "the library's `{key}` is `{v}` and cannot become `{value}`"
            ))),
            None => tx
                .execute(
                    "INSERT INTO library_meta (key, value) VALUES (?1, ?2)",
                    params![key, value],
                )
                .map(|_| ()),
        })
    }

    pub fn library_id(&self) -> Result<String, StoreError> {
        Ok(self.meta("library_id")?.unwrap_or_default())
    }

    /// Whether the library is new: nothing has been recorded in it yet.
    pub fn is_empty(&self) -> Result<bool, StoreError> {
        Ok(head_in(self.conn())?.is_none())
    }

    /// Pins an organisation certificate (audited). Pinning one already
    /// pinned is a no-op that returns false.
    pub fn pin_certificate(
        &mut self,
        ctx: &Ctx,
        sha256: &str,
        subject: &str,
        cert_pem: &str,
    ) -> Result<bool, StoreError> {
        self.write(|tx| {
            let known = tx.query_opt(
                "SELECT sha256 FROM trusted_certificates WHERE sha256 = ?1",
                params![sha256],
            )?;
            if known.is_some() {
                return Ok(false);
            }
            let at = crate::fmt_time(ctx.now);
            tx.execute(
                "INSERT INTO trusted_certificates (sha256, subject, cert_pem, added_at, added_by) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![sha256, subject, cert_pem, at, ctx.actor],
            )?;
            audit::append(
                tx,
                ctx,
                "trust.pin",
                subject,
                &json!({ "sha256": sha256 }),
            )?;
            Ok(true)
        })
    }

    pub fn pins(&self) -> Result<Vec<Pin>, StoreError> {
        self.conn()
            .query("SELECT sha256, subject, cert_pem, added_at, added_by FROM trusted_certificates ORDER BY rowid", params![])?
            .iter()
            .map(|r| {
                Ok(Pin {
                    sha256: r.get(0)?,
                    subject: r.get(1)?,
                    cert_pem: r.get(2)?,
                    added_at: r.get(3)?,
                    added_by: r.get(4)?,
                })
            })
            .collect()
    }

    /// The chain's newest entry (seq, hash), if any.
    pub fn chain_head(&self) -> Result<Option<(i64, String)>, StoreError> {
        head_in(self.conn())
    }

    /// The hash of entry `seq` as stored (not re-derived: `audit_verify`
    /// does that).
    pub fn entry_hash(&self, seq: i64) -> Result<Option<String>, StoreError> {
        self.conn()
            .query_opt("SELECT hash FROM audit WHERE seq = ?1", params![seq])?
            .map(|r| r.get(0))
            .transpose()
    }

    /// Signs the chain's current head (`audit checkpoint`); `None` when the
    /// head is signed already or the chain is empty.
    pub fn checkpoint(
        &mut self,
        ctx: &Ctx,
        signer: HeadSigner<'_>,
    ) -> Result<Option<Anchor>, StoreError> {
        self.write(|tx| anchor_in(tx, ctx, signer))
    }

    pub fn anchors(&self) -> Result<Vec<Anchor>, StoreError> {
        self.conn()
            .query(
                "SELECT seq, hash, at, signer_sha256, signature FROM chain_anchors ORDER BY seq",
                params![],
            )?
            .iter()
            .map(|r| {
                Ok(Anchor {
                    seq: r.get(0)?,
                    hash: r.get(1)?,
                    at: r.get(2)?,
                    signer_sha256: r.get(3)?,
                    signature: r.get(4)?,
                })
            })
            .collect()
    }

    /// The entry that pinned a certificate.
    pub fn pin_entry(&self, sha256: &str) -> Result<Option<i64>, StoreError> {
        // Read in Rust, not with a JSON function: SQLite's json_extract and
        // PostgreSQL's ->> differ, and pins are few.
        for r in self.conn().query(
            "SELECT seq, details FROM audit WHERE action = 'trust.pin' ORDER BY seq",
            params![],
        )? {
            if detail_text(&r.get::<String>(1)?, "sha256").as_deref() == Some(sha256) {
                return Ok(Some(r.get(0)?));
            }
        }
        Ok(None)
    }

    /// The first signed head at or after entry `seq`: the head that vouches
    /// for that entry.
    pub fn anchor_covering(&self, seq: i64) -> Result<Option<Anchor>, StoreError> {
        Ok(self.anchors()?.into_iter().find(|a| a.seq >= seq))
    }

    /// Every entry about money: a statement sealed (finalize, restate) or a
    /// claim moved. `audit verify` wants each covered by a signed head.
    pub fn money_entries(&self) -> Result<Vec<i64>, StoreError> {
        self.conn()
            .query("SELECT seq FROM audit WHERE action IN ('statement.finalize', 'statement.restate', 'claim.update') ORDER BY seq", params![])?
            .iter()
            .map(|r| r.get(0))
            .collect()
    }

    /// The chain entry that finalized (or restated) a statement.
    pub fn seal_entry(&self, statement_id: i64) -> Result<Option<i64>, StoreError> {
        for r in self.conn().query(
            "SELECT seq, details FROM audit WHERE action IN ('statement.finalize', 'statement.restate') ORDER BY seq",
            params![],
        )? {
            let details: serde_json::Value =
                serde_json::from_str(&r.get::<String>(1)?).unwrap_or_default();
            if details.get("statement_id").and_then(serde_json::Value::as_i64) == Some(statement_id) {
                return Ok(Some(r.get(0)?));
            }
        }
        Ok(None)
    }
}

/// A text field of an audit entry's details.
fn detail_text(details: &str, key: &str) -> Option<String> {
    serde_json::from_str::<serde_json::Value>(details)
        .ok()?
        .get(key)?
        .as_str()
        .map(str::to_string)
}
