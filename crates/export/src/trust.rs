//! Who signed, and whether we trust them: the signer's certificate path to a
//! trust anchor.
//!
//! As in PAdES validation (pyHanko, Adobe), a signature has two separate
//! verdicts. It is *intact* when the signed bytes are unchanged and the
//! signature verifies with the key in the signer's certificate: anyone with
//! any key can produce an intact signature. It is *trusted* only when the
//! signer's certificate chains, by verified certificate signatures, to a
//! certificate the verifier trusts beforehand (the library's pinned
//! organisation certificate, or one given with `--trust`), every certificate
//! on the path was valid at the signing time, the signer's key may sign
//! documents and every issuer is a CA allowed to sign certificates.

use crate::error::ExportError;
use der::{Decode, DecodePem, Encode, EncodePem};
use serde::Serialize;
use sha2::{Digest, Sha256, Sha384, Sha512};
use x509_cert::Certificate;

/// Longest path tried from a signer to an anchor.
const MAX_PATH: usize = 8;

const ECDSA_SHA256: der::oid::ObjectIdentifier =
    der::oid::ObjectIdentifier::new_unwrap("1.2.840.10045.4.3.2");
const RSA_SHA256: der::oid::ObjectIdentifier =
    der::oid::ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.11");
const RSA_SHA384: der::oid::ObjectIdentifier =
    der::oid::ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.12");
const ID_CE_KEY_USAGE: der::oid::ObjectIdentifier =
    der::oid::ObjectIdentifier::new_unwrap("2.5.29.15");
const ID_CE_BASIC_CONSTRAINTS: der::oid::ObjectIdentifier =
    der::oid::ObjectIdentifier::new_unwrap("2.5.29.19");
const RSA_SHA512: der::oid::ObjectIdentifier =
    der::oid::ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.13");

/// SHA-256 of a certificate's DER, lower-case hex: how certificates are
/// pinned and named.
pub fn fingerprint(cert: &Certificate) -> String {
    let der = cert.to_der().unwrap_or_default();
    format!("{:x}", Sha256::digest(der))
}

/// Every certificate in a PEM text (a trust file may hold several).
pub fn certs_from_pem(text: &str) -> Result<Vec<Certificate>, ExportError> {
    let mut certs = Vec::new();
    for block in text.split_inclusive("-----END CERTIFICATE-----") {
        if let Some(start) = block.find("-----BEGIN CERTIFICATE-----") {
            certs.push(
                Certificate::from_pem(&block.as_bytes()[start..])
                    .map_err(|e| ExportError::Identity(format!("not a PEM certificate: {e}")))?,
            );
        }
    }
    if certs.is_empty() {
        return Err(ExportError::Identity(
            "no PEM certificate (-----BEGIN CERTIFICATE-----) in the file".into(),
        ));
    }
    Ok(certs)
}

pub fn cert_to_pem(cert: &Certificate) -> Result<String, ExportError> {
    cert.to_pem(der::pem::LineEnding::LF)
        .map_err(|e| ExportError::Identity(e.to_string()))
}

/// Certificates trusted beforehand, each with where the trust comes from
/// ("pinned in the library", "--trust org.pem").
#[derive(Default, Clone)]
pub struct Anchors {
    certs: Vec<(String, Certificate, String)>,
}

impl Anchors {
    pub fn add(&mut self, cert: Certificate, source: &str) {
        let fp = fingerprint(&cert);
        if !self.certs.iter().any(|(f, _, _)| *f == fp) {
            self.certs.push((fp, cert, source.to_string()));
        }
    }

    pub fn is_empty(&self) -> bool {
        self.certs.is_empty()
    }

    fn find(&self, fp: &str) -> Option<&(String, Certificate, String)> {
        self.certs.iter().find(|(f, _, _)| f == fp)
    }
}

/// The trust verdict on one signer.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct SignerTrust {
    pub trusted: bool,
    /// The signer's subject.
    pub signer: String,
    pub signer_sha256: String,
    /// Subjects from the signer up to the anchor (or as far as it went).
    pub path: Vec<String>,
    /// The trusted certificate reached, and where its trust comes from.
    pub anchor: Option<String>,
    /// Why the signer is not trusted.
    pub problem: Option<String>,
}

fn subject(c: &Certificate) -> String {
    c.tbs_certificate.subject.to_string()
}

fn utc(t: i64) -> String {
    chrono::DateTime::from_timestamp(t, 0)
        .map(|d| d.format("%Y-%m-%dT%H:%M:%SZ").to_string())
        .unwrap_or_else(|| t.to_string())
}

fn validity(c: &Certificate) -> (i64, i64) {
    let v = &c.tbs_certificate.validity;
    let secs = |t: &x509_cert::time::Time| {
        i64::try_from(t.to_unix_duration().as_secs()).unwrap_or(i64::MAX)
    };
    (secs(&v.not_before), secs(&v.not_after))
}

/// The KeyUsage bits, if the extension is present (bit 0 = digitalSignature).
fn key_usage(c: &Certificate) -> Option<x509_cert::ext::pkix::KeyUsage> {
    let exts = c.tbs_certificate.extensions.as_ref()?;
    let e = exts.iter().find(|e| e.extn_id == ID_CE_KEY_USAGE)?;
    x509_cert::ext::pkix::KeyUsage::from_der(e.extn_value.as_bytes()).ok()
}

fn is_ca(c: &Certificate) -> bool {
    let Some(exts) = c.tbs_certificate.extensions.as_ref() else {
        return false;
    };
    exts.iter()
        .find(|e| e.extn_id == ID_CE_BASIC_CONSTRAINTS)
        .and_then(|e| {
            x509_cert::ext::pkix::BasicConstraints::from_der(e.extn_value.as_bytes()).ok()
        })
        .is_some_and(|b| b.ca)
}

/// Whether `issuer`'s key made `cert`'s signature.
pub fn issued_by(cert: &Certificate, issuer: &Certificate) -> bool {
    if cert.tbs_certificate.issuer != issuer.tbs_certificate.subject {
        return false;
    }
    let (Ok(tbs), Ok(spki)) = (
        cert.tbs_certificate.to_der(),
        issuer.tbs_certificate.subject_public_key_info.to_der(),
    ) else {
        return false;
    };
    let Some(sig) = cert.signature.as_bytes() else {
        return false;
    };
    verify_with(&spki, &cert.signature_algorithm.oid, &tbs, sig)
}

/// Verifies `sig` over `msg` with a public key (SubjectPublicKeyInfo DER).
/// Supported: ECDSA P-256 with SHA-256, RSA PKCS#1 v1.5 with SHA-256/384/512;
/// anything else does not verify.
pub fn verify_with(spki: &[u8], alg: &der::oid::ObjectIdentifier, msg: &[u8], sig: &[u8]) -> bool {
    use signature::Verifier;
    if *alg == ECDSA_SHA256 {
        let Ok(vk) =
            <p256::ecdsa::VerifyingKey as p256::pkcs8::DecodePublicKey>::from_public_key_der(spki)
        else {
            return false;
        };
        return p256::ecdsa::DerSignature::from_bytes(sig)
            .is_ok_and(|s| vk.verify(msg, &s).is_ok());
    }
    let Ok(pk) = <rsa::RsaPublicKey as rsa::pkcs8::DecodePublicKey>::from_public_key_der(spki)
    else {
        return false;
    };
    let Ok(s) = rsa::pkcs1v15::Signature::try_from(sig) else {
        return false;
    };
    if *alg == RSA_SHA256 {
        rsa::pkcs1v15::VerifyingKey::<Sha256>::new(pk)
            .verify(msg, &s)
            .is_ok()
    } else if *alg == RSA_SHA384 {
        rsa::pkcs1v15::VerifyingKey::<Sha384>::new(pk)
            .verify(msg, &s)
            .is_ok()
    } else if *alg == RSA_SHA512 {
        rsa::pkcs1v15::VerifyingKey::<Sha512>::new(pk)
            .verify(msg, &s)
            .is_ok()
    } else {
        false
    }
}

/// Builds the signer's path to an anchor through `pool` (certificates that
/// came with the signature) and the anchors themselves, checking each link.
/// `at` is the signing time (seconds since the epoch, UTC).
pub fn evaluate(
    signer: &Certificate,
    pool: &[Certificate],
    at: Option<i64>,
    anchors: &Anchors,
) -> SignerTrust {
    let mut t = SignerTrust {
        trusted: false,
        signer: subject(signer),
        signer_sha256: fingerprint(signer),
        path: vec![subject(signer)],
        anchor: None,
        problem: None,
    };
    let fail = |mut t: SignerTrust, why: String| {
        t.problem = Some(why);
        t
    };
    if let Some(ku) = key_usage(signer) {
        use x509_cert::ext::pkix::KeyUsages;
        if !ku.0.contains(KeyUsages::DigitalSignature) && !ku.0.contains(KeyUsages::NonRepudiation)
        {
            return fail(
                t.clone(),
                format!(
                    "signed by {}, whose certificate may not sign documents (key usage)",
                    t.signer
                ),
            );
        }
    }
    let Some(at) = at else {
        return fail(
            t.clone(),
            format!(
                "signed by {} with no signing time to check its certificate against",
                t.signer
            ),
        );
    };
    let mut current = signer.clone();
    let mut seen = vec![t.signer_sha256.clone()];
    for depth in 0..MAX_PATH {
        let who = subject(&current);
        if let Err(why) = valid_at(&current, if depth == 0 { "signer" } else { "issuer" }, at) {
            return fail(t, why);
        }
        let fp = fingerprint(&current);
        if let Some((_, _, source)) = anchors.find(&fp) {
            t.trusted = true;
            t.anchor = Some(format!("{who} ({source})"));
            return t;
        }
        let issuer = pool
            .iter()
            .chain(anchors.certs.iter().map(|(_, c, _)| c))
            .find(|c| !seen.contains(&fingerprint(c)) && issued_by(&current, c));
        let Some(issuer) = issuer.cloned() else {
            let why = if depth == 0 {
                format!(
                    "signed by {}, a certificate this library does not trust (SHA-256 {})",
                    t.signer, t.signer_sha256
                )
            } else {
                format!(
                    "signed by {}, issued by {}, which this library does not trust (SHA-256 {})",
                    t.signer, who, fp
                )
            };
            return fail(t, why);
        };
        if let Err(why) = may_issue(&issuer, &who) {
            return fail(t, why);
        }
        seen.push(fingerprint(&issuer));
        t.path.push(subject(&issuer));
        current = issuer;
    }
    fail(
        t,
        format!("no trusted certificate within {MAX_PATH} links of the signer"),
    )
}

/// `cert` (the signer's or an issuer's, by `role`) was valid at `at`.
fn valid_at(cert: &Certificate, role: &str, at: i64) -> Result<(), String> {
    let (from, to) = validity(cert);
    let who = subject(cert);
    if at < from {
        return Err(format!(
            "the {role} {who} was not yet valid at the signing time {} (valid from {} to {})",
            utc(at),
            utc(from),
            utc(to)
        ));
    }
    if at > to {
        return Err(format!(
            "the {role} {who} had expired at the signing time {} (valid from {} to {})",
            utc(at),
            utc(from),
            utc(to)
        ));
    }
    Ok(())
}

/// `issuer` may have issued `who`'s certificate: a CA whose key usage, if
/// given, allows signing certificates.
fn may_issue(issuer: &Certificate, who: &str) -> Result<(), String> {
    if !is_ca(issuer) {
        return Err(format!(
            "{} is not a CA certificate but issued {who}",
            subject(issuer)
        ));
    }
    if let Some(ku) = key_usage(issuer) {
        if !ku.0.contains(x509_cert::ext::pkix::KeyUsages::KeyCertSign) {
            return Err(format!(
                "{} may not sign certificates (key usage) but issued {who}",
                subject(issuer)
            ));
        }
    }
    Ok(())
}

/// Parses a DER certificate (for pins stored as PEM, see [`certs_from_pem`]).
pub fn cert_from_der(der: &[u8]) -> Result<Certificate, ExportError> {
    Certificate::from_der(der).map_err(|e| ExportError::Identity(e.to_string()))
}
