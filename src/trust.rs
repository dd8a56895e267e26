//! Trust use cases: setting the signing identity (and pinning its
//! organisation certificate), finalizing with a signed chain head,
//! checkpoints, and `audit verify` against the signed heads. Shared by the
//! CLI, the demo and the desktop shell.

use crate::AppError;
use serde::Serialize;
use sla_export::trust::{self, Anchors};
use sla_export::Certificate;
use sla_export::Identity;
use sla_store::statements::StatementInfo;
use sla_store::trust::{head_text, Anchor};
use sla_store::{Ctx, Library};

fn export_err(e: sla_export::ExportError) -> AppError {
    AppError::Usage(e.to_string())
}

/// Stores a new signing identity in the library, pins the certificate its
/// signatures chain to, and records both in the audit chain. When the
/// library already had an identity, its key signs the chain head that
/// covers the new pin: a later pin is trusted only when an earlier trusted
/// key vouched for it (see [`anchors`]).
pub fn set_identity(lib: &mut Library, ctx: &Ctx, id: &Identity) -> Result<String, AppError> {
    let old = Identity::load(lib.dir()).ok();
    let org = id.organisation_cert();
    let fp = trust::fingerprint(org);
    lib.record(
        ctx,
        "identity.set",
        &id.subject(),
        &serde_json::json!({
            "issuer": id.cert.tbs_certificate.issuer.to_string(),
            "certificate_sha256": trust::fingerprint(&id.cert),
            "trusted_root_sha256": fp,
        }),
    )?;
    let pinned = lib.pin_certificate(
        ctx,
        &fp,
        &org.tbs_certificate.subject.to_string(),
        &trust::cert_to_pem(org).map_err(export_err)?,
    )?;
    if let (true, Some(old)) = (pinned, old) {
        let sign = |bytes: &[u8]| old.sign_detached(bytes).map_err(|e| e.to_string());
        lib.checkpoint(ctx, &sign)?;
    }
    id.save(lib.dir()).map_err(export_err)?;
    Ok(fp)
}

/// What is trusted: the certificates given with `--trust` alone when there
/// are any (an auditor's own copy of the issuer's certificate replaces
/// whatever the library file says); else the library's pins that hold up.
///
/// Pins live in the same file as everything else, so a pin is trusted only
/// when it is the library's first, or when a chain head covering the entry
/// that pinned it is signed by a key an already trusted pin vouches for.
/// Someone who can write the file but has no key can add rows to
/// `trusted_certificates`, but cannot make them trusted.
pub fn anchors(lib: Option<&Library>, extra: &[Certificate]) -> Result<Anchors, AppError> {
    let mut a = Anchors::default();
    if !extra.is_empty() {
        for c in extra {
            a.add(c.clone(), "given with --trust");
        }
        return Ok(a);
    }
    if let Some(lib) = lib {
        a = vouched_pins(lib)?.0;
    }
    Ok(a)
}

/// The library's pins that hold up, and the ones that do not (with why).
fn vouched_pins(lib: &Library) -> Result<(Anchors, Vec<String>), AppError> {
    let mut trusted = Anchors::default();
    let mut refused = Vec::new();
    let library_id = lib.library_id()?;
    let heads = lib.anchors()?;
    for (n, pin) in lib.pins()?.into_iter().enumerate() {
        let Some(cert) = trust::certs_from_pem(&pin.cert_pem)
            .map_err(export_err)?
            .into_iter()
            .find(|c| trust::fingerprint(c) == pin.sha256)
        else {
            refused.push(format!(
                "pinned certificate {} does not match its fingerprint",
                pin.subject
            ));
            continue;
        };
        let vouched = n == 0
            || lib.pin_entry(&pin.sha256)?.is_some_and(|seq| {
                heads
                    .iter()
                    .filter(|h| h.seq >= seq)
                    .any(|h| check_head(lib, &library_id, h, &trusted).is_ok())
            });
        if vouched {
            trusted.add(cert, "pinned in the library");
        } else {
            refused.push(format!(
                "pinned certificate {} (SHA-256 {}) is not vouched for by a chain head signed under an earlier trusted pin: not trusted",
                pin.subject, pin.sha256
            ));
        }
    }
    Ok((trusted, refused))
}

/// Reads `--trust` files (PEM, one or more certificates each).
pub fn read_trust_files(files: &[String]) -> Result<Vec<Certificate>, AppError> {
    let mut out = Vec::new();
    for f in files {
        let text = std::fs::read_to_string(f).map_err(|source| AppError::ReadFile {
            path: f.clone(),
            source,
        })?;
        out.extend(trust::certs_from_pem(&text).map_err(|e| AppError::Usage(format!("{f}: {e}")))?);
    }
    Ok(out)
}

/// Signs the chain head with the library's identity, if it has one.
fn with_signer<T>(
    lib: &mut Library,
    f: impl FnOnce(
        &mut Library,
        Option<sla_store::trust::HeadSigner<'_>>,
    ) -> Result<T, sla_store::StoreError>,
) -> Result<T, AppError> {
    match Identity::load(lib.dir()) {
        Ok(id) => {
            let sign = |bytes: &[u8]| id.sign_detached(bytes).map_err(|e| e.to_string());
            Ok(f(lib, Some(&sign))?)
        }
        Err(_) => Ok(f(lib, None)?),
    }
}

/// Finalizes a month (all drafts or none) and, when the library has a
/// signing identity, signs the chain head in the same transaction.
pub fn finalize(
    lib: &mut Library,
    ctx: &Ctx,
    period: &str,
    contract: Option<&str>,
) -> Result<Vec<StatementInfo>, AppError> {
    with_signer(lib, |l, s| l.finalize_anchored(ctx, period, contract, s))
}

pub fn restate(
    lib: &mut Library,
    ctx: &Ctx,
    key: &str,
    reason: &str,
) -> Result<StatementInfo, AppError> {
    with_signer(lib, |l, s| l.restate_anchored(ctx, key, reason, s))
}

/// Moves a claim on (compare-and-set in the store) and, when the library
/// has a signing identity, signs the chain head that covers the move.
pub fn update_claim(
    lib: &mut Library,
    ctx: &Ctx,
    id: i64,
    u: &sla_store::claims::ClaimUpdate,
) -> Result<sla_store::claims::ClaimInfo, AppError> {
    let c = lib.update_claim(ctx, id, u)?;
    if Identity::load(lib.dir()).is_ok() {
        checkpoint(lib, ctx)?;
    }
    Ok(c)
}

/// Signs the chain's current head (`audit checkpoint`).
pub fn checkpoint(lib: &mut Library, ctx: &Ctx) -> Result<Option<Anchor>, AppError> {
    let id = Identity::load(lib.dir()).map_err(export_err)?;
    let sign = |bytes: &[u8]| id.sign_detached(bytes).map_err(|e| e.to_string());
    Ok(lib.checkpoint(ctx, &sign)?)
}

/// The signed head that vouches for a statement's seal: the first head at
/// or after the entry that sealed it. With `sign_if_missing`, a head is
/// signed now when none covers it yet (exports do this).
pub fn head_for(
    lib: &mut Library,
    ctx: &Ctx,
    statement_id: i64,
    sign_if_missing: bool,
) -> Result<Option<Anchor>, AppError> {
    let Some(seq) = lib.seal_entry(statement_id)? else {
        return Ok(None);
    };
    if let Some(a) = lib.anchor_covering(seq)? {
        return Ok(Some(a));
    }
    if sign_if_missing && Identity::load(lib.dir()).is_ok() {
        checkpoint(lib, ctx)?;
        return Ok(lib.anchor_covering(seq)?);
    }
    Ok(None)
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

pub fn audit_verify(lib: &Library, extra: &[Certificate]) -> Result<AuditReport, AppError> {
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

enum HeadProblem {
    Broken(String),
    Untrusted(String),
}

/// One signed head: its signature over the head's text, its signer's trust,
/// and that the chain still holds that hash at that entry.
fn check_head(
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
