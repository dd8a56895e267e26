//! The signing identity: create or import it (pinning its organisation
//! certificate), show and export it; what is trusted; signing chain heads.

use super::Session;
use crate::error::export_err;
use crate::AppError;
use serde::Serialize;
use sla_export::trust::{self, Anchors};
use sla_export::Certificate;
use sla_export::Identity;
use sla_store::trust::Anchor;
use sla_store::{Ctx, Library};

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
pub(crate) fn vouched_pins(lib: &Library) -> Result<(Anchors, Vec<String>), AppError> {
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
                    .any(|h| super::audit::check_head(lib, &library_id, h, &trusted).is_ok())
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
pub(crate) fn with_signer<T>(
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

/// Signs the chain's current head with the library's identity.
pub fn sign_head(lib: &mut Library, ctx: &Ctx) -> Result<Option<Anchor>, AppError> {
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
        sign_head(lib, ctx)?;
        return Ok(lib.anchor_covering(seq)?);
    }
    Ok(None)
}

/// Creates a signing identity (a small organisation CA and a signing
/// certificate under it) and makes it the library's. Returns its subject.
pub fn create(s: &mut Session, organisation: &str, name: &str) -> Result<IdentitySet, AppError> {
    let id = Identity::create(organisation, name, s.ctx.now).map_err(export_err)?;
    set(s, &id)
}

/// Where an identity to import is: a PKCS#12 file (its password in
/// `password`), or PEM certificates with a PEM (PKCS#8) key file.
pub struct ImportIdentity<'a> {
    pub file: &'a str,
    pub key: Option<&'a str>,
    pub password: &'a str,
}

fn read_bytes(path: &str) -> Result<Vec<u8>, AppError> {
    std::fs::read(path).map_err(|source| AppError::ReadFile {
        path: path.into(),
        source,
    })
}

/// Imports the organisation's own identity and makes it the library's.
pub fn import(s: &mut Session, what: &ImportIdentity<'_>) -> Result<IdentitySet, AppError> {
    let bytes = read_bytes(what.file)?;
    let id = match what.key {
        Some(k) => {
            let key_pem = String::from_utf8_lossy(&read_bytes(k)?).into_owned();
            Identity::from_pem(&String::from_utf8_lossy(&bytes), &key_pem)
        }
        None => Identity::from_pkcs12(&bytes, what.password),
    }
    .map_err(export_err)?;
    set(s, &id)
}

/// A signing identity just stored, and the certificate the library now
/// trusts for it.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct IdentitySet {
    pub subject: String,
    pub folder: String,
    pub trusted_root: String,
    pub trusted_root_sha256: String,
}

fn set(s: &mut Session, id: &Identity) -> Result<IdentitySet, AppError> {
    let fp = set_identity(&mut s.lib, &s.ctx, id)?;
    Ok(IdentitySet {
        subject: id.subject(),
        folder: s.dir().join("identity").display().to_string(),
        trusted_root: id.organisation_cert().tbs_certificate.subject.to_string(),
        trusted_root_sha256: fp,
    })
}

/// The library's signing identity, as `identity show` prints it.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct IdentityInfo {
    pub subject: String,
    pub issuer: String,
    pub valid_until: String,
}

pub fn show(s: &Session) -> Result<IdentityInfo, AppError> {
    let id = Identity::load(s.dir()).map_err(export_err)?;
    Ok(IdentityInfo {
        subject: id.subject(),
        issuer: id.cert.tbs_certificate.issuer.to_string(),
        valid_until: id.cert.tbs_certificate.validity.not_after.to_string(),
    })
}

/// The organisation certificate written to `out`, for `verify --trust`.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct ExportedCertificate {
    pub file: String,
    pub subject: String,
    pub sha256: String,
}

pub fn export_certificate(s: &Session, out: &str) -> Result<ExportedCertificate, AppError> {
    let id = Identity::load(s.dir()).map_err(export_err)?;
    let org = id.organisation_cert();
    let pem = trust::cert_to_pem(org).map_err(export_err)?;
    std::fs::write(out, pem).map_err(|source| AppError::WriteFile {
        path: out.into(),
        source,
    })?;
    Ok(ExportedCertificate {
        file: out.into(),
        subject: org.tbs_certificate.subject.to_string(),
        sha256: trust::fingerprint(org),
    })
}
