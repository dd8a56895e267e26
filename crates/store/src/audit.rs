//! The audit chain: every change appends an entry whose hash covers its own
//! fields and the previous entry's hash. `verify` recomputes the chain and
//! names the first entry that was altered, removed or reordered.

use crate::db::Conn;
use crate::{params, Ctx, StoreError};
use serde::Serialize;
use sha2::{Digest, Sha256};

pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

fn entry_hash(
    seq: i64,
    at: &str,
    actor: &str,
    action: &str,
    subject: &str,
    details: &str,
    prev: &str,
) -> String {
    let mut h = Sha256::new();
    // Length-prefixed fields: no two different entries hash alike.
    for part in [
        seq.to_string().as_str(),
        at,
        actor,
        action,
        subject,
        details,
        prev,
    ] {
        h.update((part.len() as u64).to_be_bytes());
        h.update(part.as_bytes());
    }
    format!("{:x}", h.finalize())
}

/// Appends one entry; call inside the transaction that makes the change.
pub fn append(
    conn: &Conn,
    ctx: &Ctx,
    action: &str,
    subject: &str,
    details: &serde_json::Value,
) -> Result<(), StoreError> {
    let (prev_seq, prev_hash) = head(conn)?.unwrap_or((0, GENESIS.to_string()));
    let seq = prev_seq + 1;
    let at = crate::fmt_time(ctx.now);
    let details = details.to_string();
    let hash = entry_hash(seq, &at, &ctx.actor, action, subject, &details, &prev_hash);
    conn.execute(
        "INSERT INTO audit (seq, at, actor, action, subject, details, prev_hash, hash) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![seq, at, ctx.actor, action, subject, details, prev_hash, hash],
    )?;
    conn.execute("INSERT INTO audit_head (one, seq, hash) VALUES (1, ?1, ?2) ON CONFLICT (one) DO UPDATE SET seq = excluded.seq, hash = excluded.hash", params![seq, hash])?;
    Ok(())
}

/// The chain's newest entry (seq, hash), if any.
pub(crate) fn head(conn: &Conn) -> Result<Option<(i64, String)>, StoreError> {
    conn.query_opt("SELECT seq, hash FROM audit_head WHERE one = 1", params![])?
        .map(|r| Ok((r.get(0)?, r.get(1)?)))
        .transpose()
}

#[derive(Debug, Clone, Serialize, ts_rs::TS, PartialEq, Eq)]
#[ts(export)]
pub struct AuditEntry {
    pub seq: i64,
    pub at: String,
    pub actor: String,
    pub action: String,
    pub subject: String,
    pub details: String,
}

#[derive(Debug, Clone, Serialize, ts_rs::TS, PartialEq, Eq)]
#[ts(export)]
pub struct Verification {
    pub entries: i64,
    pub ok: bool,
    /// The first problem found, naming the entry.
    pub problem: Option<String>,
    /// Every problem found: the chain's own, then records that disagree
    /// with it (a final statement whose seal, re-derived from its stored
    /// rows, is not the one sealed in the chain; a claim whose amount or
    /// state the chain does not account for).
    pub problems: Vec<String>,
    /// Final and superseded statements whose seal was re-derived.
    pub statements_checked: i64,
    /// Claims replayed from the chain.
    pub claims_checked: i64,
}

pub fn list(conn: &Conn, limit: i64) -> Result<Vec<AuditEntry>, StoreError> {
    conn.query(
        "SELECT seq, at, actor, action, subject, details FROM audit ORDER BY seq DESC LIMIT ?1",
        params![limit],
    )?
    .iter()
    .map(|r| {
        Ok(AuditEntry {
            seq: r.get(0)?,
            at: r.get(1)?,
            actor: r.get(2)?,
            action: r.get(3)?,
            subject: r.get(4)?,
            details: r.get(5)?,
        })
    })
    .collect()
}

fn verify_chain(conn: &Conn) -> Result<Verification, StoreError> {
    // In storage order (SQLite's rowid is `seq`; PostgreSQL's is `seq`).
    let rows = conn.query(
        "SELECT seq, at, actor, action, subject, details, prev_hash, hash FROM audit ORDER BY seq",
        params![],
    )?;
    let mut expected_seq = 1i64;
    let mut prev = GENESIS.to_string();
    let mut count = 0;
    let fail = |count, problem: String| {
        Ok(Verification {
            entries: count,
            ok: false,
            problems: vec![problem.clone()],
            problem: Some(problem),
            statements_checked: 0,
            claims_checked: 0,
        })
    };
    for r in &rows {
        let (seq, at, actor, action, subject, details, prev_hash, hash): (
            i64,
            String,
            String,
            String,
            String,
            String,
            String,
            String,
        ) = (
            r.get(0)?,
            r.get(1)?,
            r.get(2)?,
            r.get(3)?,
            r.get(4)?,
            r.get(5)?,
            r.get(6)?,
            r.get(7)?,
        );
        count += 1;
        if seq != expected_seq {
            let what = if seq > expected_seq {
                format!(
                    "entry {expected_seq} was removed (the chain goes from {} to {seq})",
                    expected_seq - 1
                )
            } else {
                format!("entry {seq} is out of order (found where {expected_seq} belongs)")
            };
            return fail(count, what);
        }
        if prev_hash != prev {
            return fail(count, format!("entry {seq} does not follow entry {}: the chain was reordered or an entry was replaced", seq - 1));
        }
        if entry_hash(seq, &at, &actor, &action, &subject, &details, &prev_hash) != hash {
            return fail(
                count,
                format!("entry {seq} ({action} {subject} at {at}) was altered"),
            );
        }
        prev = hash;
        expected_seq += 1;
    }
    match head(conn)? {
        Some((seq, hash)) if seq != expected_seq - 1 || hash != prev => fail(
            count,
            format!(
                "the newest entries after {} were removed (the head records entry {seq})",
                expected_seq - 1
            ),
        ),
        None if count > 0 => fail(count, "the chain's head record is missing".into()),
        _ => Ok(Verification {
            entries: count,
            ok: true,
            problem: None,
            problems: vec![],
            statements_checked: 0,
            claims_checked: 0,
        }),
    }
}

/// Checks the chain, then the records it vouches for (see [`crate::seals`]).
pub fn verify(conn: &Conn) -> Result<Verification, StoreError> {
    let mut v = verify_chain(conn)?;
    let r = crate::seals::check(conn)?;
    v.statements_checked = r.statements;
    v.claims_checked = r.claims;
    v.problems.extend(r.problems);
    v.ok = v.problems.is_empty();
    v.problem = v.problems.first().cloned();
    Ok(v)
}
