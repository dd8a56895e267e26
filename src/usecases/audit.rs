//! The audit chain: list it, sign its head (`audit checkpoint`), and
//! verify it against the records it vouches for and its signed heads.

use super::identity::{anchors, read_trust_files, sign_head, vouched_pins};
use super::Session;
use crate::AppError;
use serde::Serialize;
use sla_export::trust::{self, Anchors};
use sla_store::audit::AuditEntry;
use sla_store::trust::{head_text, Anchor};
use sla_store::Library;

pub fn list(s: &Session, limit: i64) -> Result<Vec<AuditEntry>, AppError> {
    Ok(s.lib.audit_list(limit)?)
}

/// Signs the chain's current head (`audit checkpoint`); `None` when it is
/// already signed or the chain is empty.
pub fn checkpoint(s: &mut Session) -> Result<Option<Anchor>, AppError> {
    sign_head(&mut s.lib, &s.ctx)
}

/// `audit verify` with the certificates in `trust_files` (PEM) trusted
/// instead of the library's pins when there are any.
pub fn verify(s: &Session, trust_files: &[String]) -> Result<AuditReport, AppError> {
    let extra = read_trust_files(trust_files)?;
    audit_verify(&s.lib, &extra)
}

/// `audit verify`: the chain and the records it vouches for (the store's
/// check), then every signed head against the chain and the trusted
/// certificates, and whether every seal is covered by a signed head.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct AuditReport {
    #[serde(flatten)]
    pub chain: sla_store::audit::Verification,
    /// Signed heads checked, and the newest entry they vouch for.
    pub heads_checked: i64,
    pub anchored_through: Option<i64>,
    /// Who signed the heads (subject and certificate SHA-256).
    pub head_signers: Vec<String>,
    /// Entries about money (seals and claim changes) after the newest
    /// trusted signed head.
    pub unanchored_seals: i64,
    /// "intact and anchored", "intact, not anchored", or "broken".
    pub state: String,
    /// Whether the library runs on a test clock (`SLA_LEDGER_NOW`).
    pub test_clock: bool,
}

pub const STATE_ANCHORED: &str = "intact and anchored";
pub const STATE_UNANCHORED: &str = "intact, not anchored";
pub const STATE_BROKEN: &str = "broken";

fn audit_verify(lib: &Library, extra: &[sla_export::Certificate]) -> Result<AuditReport, AppError> {
    let mut chain = lib.audit_verify()?;
    let (anchors_set, refused_pins) = if extra.is_empty() {
        vouched_pins(lib)?
    } else {
        (anchors(None, extra)?, Vec::new())
    };
    let library_id = lib.library_id()?;
    let mut signers: Vec<String> = Vec::new();
    let mut through = None;
    let heads = lib.anchors()?;
    let mut untrusted = Vec::new();
    for a in &heads {
        match check_head(lib, &library_id, a, &anchors_set) {
            Ok(who) => {
                if !signers.contains(&who) {
                    signers.push(who);
                }
                through = Some(a.seq);
            }
            Err(HeadProblem::Broken(p)) => chain.problems.push(p),
            Err(HeadProblem::Untrusted(p)) => untrusted.push(p),
        }
    }
    let money = lib.money_entries()?;
    let unanchored = money
        .iter()
        .filter(|s| through.is_none_or(|t| **s > t))
        .count() as i64;
    untrusted.extend(refused_pins);
    chain.ok = chain.problems.is_empty();
    chain.problem = chain.problems.first().cloned();
    let state = if !chain.ok {
        STATE_BROKEN
    } else if unanchored > 0 || !untrusted.is_empty() {
        STATE_UNANCHORED
    } else {
        STATE_ANCHORED
    };
    let mut report = AuditReport {
        chain,
        heads_checked: heads.len() as i64,
        anchored_through: through,
        head_signers: signers,
        unanchored_seals: unanchored,
        state: state.into(),
        test_clock: lib.meta("clock")?.as_deref() == Some("test"),
    };
    if state == STATE_UNANCHORED {
        let mut notes = untrusted;
        if unanchored > 0 {
            notes.push(format!(
                "{unanchored} seal(s) or claim change(s) are not covered by a signed chain head: someone who can write the library file could rewrite them undetected; run `sla-ledger audit checkpoint` (needs the signing identity)"
            ));
        }
        report.chain.problems.extend(notes);
    }
    Ok(report)
}

pub(crate) enum HeadProblem {
    Broken(String),
    Untrusted(String),
}

/// One signed head: its signature over the head's text, its signer's trust,
/// and that the chain still holds that hash at that entry.
pub(crate) fn check_head(
    lib: &Library,
    library_id: &str,
    a: &Anchor,
    anchors: &Anchors,
) -> Result<String, HeadProblem> {
    use sha2::Digest;
    let text = head_text(library_id, a.seq, &a.hash, &a.at);
    let cms = sla_export::sign::check_cms(&a.signature, &sha2::Sha256::digest(text.as_bytes()))
        .map_err(|e| HeadProblem::Broken(format!("signed head at entry {}: {e}", a.seq)))?;
    if !(cms.digest_matches && cms.signature_valid) {
        return Err(HeadProblem::Broken(format!(
            "the signed head at entry {} does not verify: the head or its signature was changed",
            a.seq
        )));
    }
    match lib.entry_hash(a.seq) {
        Ok(Some(h)) if h == a.hash => {}
        _ => {
            return Err(HeadProblem::Broken(format!(
            "the audit chain was rewritten: entry {} is not the one signed at {} (signed hash {}…)",
            a.seq,
            a.at,
            a.hash.get(..12).unwrap_or(&a.hash)
        )))
        }
    }
    let at = chrono::DateTime::parse_from_rfc3339(&a.at)
        .ok()
        .map(|d| d.timestamp());
    let t = trust::evaluate(&cms.signer, &cms.certs, at, anchors);
    if t.trusted {
        Ok(format!(
            "{} (certificate SHA-256 {})",
            t.signer, t.signer_sha256
        ))
    } else {
        Err(HeadProblem::Untrusted(format!(
            "signed head at entry {}: {}",
            a.seq,
            t.problem.unwrap_or_default()
        )))
    }
}
