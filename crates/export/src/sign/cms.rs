//! Detached CMS SignedData: made for manifests and PDF signatures, and
//! checked on untrusted input (size-limited, any malformed input an error).

use super::{sign_err, CmsCheck, MAX_CMS_BYTES};
use crate::error::ExportError;
use crate::identity::{Identity, Key};
use cms::builder::{SignedDataBuilder, SignerInfoBuilder};
use cms::cert::{CertificateChoices, IssuerAndSerialNumber};
use cms::content_info::ContentInfo;
use cms::signed_data::{EncapsulatedContentInfo, SignedData, SignerIdentifier, SignerInfo};
use der::asn1::{OctetString, SetOfVec};
use der::{Decode, Encode};
use sha2::{Digest, Sha256};
use x509_cert::attr::{Attribute, AttributeValue};
use x509_cert::spki::AlgorithmIdentifierOwned;
use x509_cert::Certificate;

const ID_DATA: der::oid::ObjectIdentifier =
    der::oid::ObjectIdentifier::new_unwrap("1.2.840.113549.1.7.1");
const ID_SHA256: der::oid::ObjectIdentifier =
    der::oid::ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.2.1");
const ID_SIGNING_CERT_V2: der::oid::ObjectIdentifier =
    der::oid::ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.16.2.47");
const ECDSA_SHA256: der::oid::ObjectIdentifier =
    der::oid::ObjectIdentifier::new_unwrap("1.2.840.10045.4.3.2");
const RSA_SHA256: der::oid::ObjectIdentifier =
    der::oid::ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.11");
const ID_MESSAGE_DIGEST: der::oid::ObjectIdentifier =
    der::oid::ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.4");

fn tlv(tag: u8, content: &[u8]) -> Vec<u8> {
    let mut out = vec![tag];
    let n = content.len();
    if n < 0x80 {
        out.push(n as u8);
    } else {
        let bytes: Vec<u8> = n
            .to_be_bytes()
            .iter()
            .copied()
            .skip_while(|b| *b == 0)
            .collect();
        out.push(0x80 | bytes.len() as u8);
        out.extend(bytes);
    }
    out.extend_from_slice(content);
    out
}

/// signing-certificate-v2 (RFC 5035): the SHA-256 of the signer's
/// certificate with its issuer and serial, binding the signature to it.
fn signing_certificate_v2(cert: &Certificate) -> Result<Attribute, ExportError> {
    let hash = Sha256::digest(cert.to_der().map_err(sign_err)?);
    let issuer = cert.tbs_certificate.issuer.to_der().map_err(sign_err)?;
    let serial = cert
        .tbs_certificate
        .serial_number
        .to_der()
        .map_err(sign_err)?;
    // GeneralNames { directoryName [4] EXPLICIT Name }, serialNumber
    let issuer_serial = tlv(0x30, &[tlv(0x30, &tlv(0xa4, &issuer)), serial].concat());
    // ESSCertIDv2 { certHash, issuerSerial } (hashAlgorithm: default SHA-256)
    let ess_cert_id = tlv(0x30, &[tlv(0x04, &hash), issuer_serial].concat());
    let value = tlv(0x30, &tlv(0x30, &ess_cert_id));
    let mut values = SetOfVec::new();
    values
        .insert(AttributeValue::from_der(&value).map_err(sign_err)?)
        .map_err(sign_err)?;
    Ok(Attribute {
        oid: ID_SIGNING_CERT_V2,
        values,
    })
}

/// A detached CMS SignedData over content whose SHA-256 is `digest`.
pub fn cms_detached(id: &Identity, digest: &[u8]) -> Result<Vec<u8>, ExportError> {
    let content = EncapsulatedContentInfo {
        econtent_type: ID_DATA,
        econtent: None,
    };
    let digest_alg = AlgorithmIdentifierOwned {
        oid: ID_SHA256,
        parameters: None,
    };
    let sid = SignerIdentifier::IssuerAndSerialNumber(IssuerAndSerialNumber {
        issuer: id.cert.tbs_certificate.issuer.clone(),
        serial_number: id.cert.tbs_certificate.serial_number.clone(),
    });
    let mut builder = SignedDataBuilder::new(&content);
    builder
        .add_digest_algorithm(digest_alg.clone())
        .map_err(sign_err)?;
    builder
        .add_certificate(CertificateChoices::Certificate(id.cert.clone()))
        .map_err(sign_err)?;
    for c in &id.chain {
        builder
            .add_certificate(CertificateChoices::Certificate(c.clone()))
            .map_err(sign_err)?;
    }
    let attr = signing_certificate_v2(&id.cert)?;
    match &id.key {
        Key::P256(k) => {
            let mut sib = SignerInfoBuilder::new(k, sid, digest_alg, &content, Some(digest))
                .map_err(sign_err)?;
            sib.add_signed_attribute(attr).map_err(sign_err)?;
            builder
                .add_signer_info::<_, p256::ecdsa::DerSignature>(sib)
                .map_err(sign_err)?;
        }
        Key::Rsa(k) => {
            let signer = rsa::pkcs1v15::SigningKey::<Sha256>::new(k.clone());
            let mut sib = SignerInfoBuilder::new(&signer, sid, digest_alg, &content, Some(digest))
                .map_err(sign_err)?;
            sib.add_signed_attribute(attr).map_err(sign_err)?;
            builder
                .add_signer_info::<_, rsa::pkcs1v15::Signature>(sib)
                .map_err(sign_err)?;
        }
    }
    builder
        .build()
        .map_err(sign_err)?
        .to_der()
        .map_err(sign_err)
}

/// Checks a detached CMS (`.p7s`) against the content's SHA-256. Any
/// malformed input is an error, never a panic.
pub fn check_cms(cms_der: &[u8], digest: &[u8]) -> Result<CmsCheck, ExportError> {
    let sd = signed_data(cms_der)?;
    let si = sd
        .signer_infos
        .0
        .iter()
        .next()
        .ok_or_else(|| ExportError::Sign("no signer".into()))?;
    if si.digest_alg.oid != ID_SHA256 {
        return Err(ExportError::Sign(format!(
            "unsupported digest algorithm {} (SHA-256 expected)",
            si.digest_alg.oid
        )));
    }
    let attrs = si
        .signed_attrs
        .as_ref()
        .ok_or_else(|| ExportError::Sign("no signed attributes".into()))?;
    let md = attrs
        .iter()
        .find(|a| a.oid == ID_MESSAGE_DIGEST)
        .and_then(|a| a.values.iter().next())
        .and_then(|v| v.decode_as::<OctetString>().ok());
    let digest_matches = md.is_some_and(|m| m.as_bytes() == digest);
    let (signer, certs) = signer_cert(&sd, si)?;
    let signed = attrs.to_der().map_err(sign_err)?;
    let spki = signer
        .tbs_certificate
        .subject_public_key_info
        .to_der()
        .map_err(sign_err)?;
    let sig = si.signature.as_bytes();
    // The signature algorithm of our signers is ECDSA or RSA over SHA-256;
    // the key in the certificate says which.
    let signature_valid = crate::trust::verify_with(&spki, &ECDSA_SHA256, &signed, sig)
        || crate::trust::verify_with(&spki, &RSA_SHA256, &signed, sig);
    Ok(CmsCheck {
        signer,
        certs,
        digest_matches,
        signature_valid,
    })
}

/// The SignedData of a CMS signature of at most [`MAX_CMS_BYTES`] (the
/// size is refused before anything is decoded).
fn signed_data(cms_der: &[u8]) -> Result<SignedData, ExportError> {
    if cms_der.len() > MAX_CMS_BYTES {
        return Err(ExportError::Sign(format!(
            "the signature is {} bytes, more than the {MAX_CMS_BYTES} a signature may have",
            cms_der.len()
        )));
    }
    let ci = ContentInfo::from_der(cms_der)
        .map_err(|e| ExportError::Sign(format!("not a CMS signature: {e}")))?;
    ci.content
        .decode_as()
        .map_err(|e| ExportError::Sign(format!("not a CMS SignedData: {e}")))
}

/// The signer's certificate (by issuer and serial), and every certificate
/// the signature carries.
fn signer_cert(
    sd: &SignedData,
    si: &SignerInfo,
) -> Result<(Certificate, Vec<Certificate>), ExportError> {
    let SignerIdentifier::IssuerAndSerialNumber(isn) = &si.sid else {
        return Err(ExportError::Sign("unsupported signer id".into()));
    };
    let certs: Vec<Certificate> = sd
        .certificates
        .as_ref()
        .map(|cs| {
            cs.0.iter()
                .filter_map(|c| match c {
                    CertificateChoices::Certificate(c) => Some(c.clone()),
                    _ => None,
                })
                .collect()
        })
        .unwrap_or_default();
    let signer = certs
        .iter()
        .find(|c| {
            c.tbs_certificate.serial_number == isn.serial_number
                && c.tbs_certificate.issuer == isn.issuer
        })
        .cloned()
        .ok_or_else(|| {
            ExportError::Sign("the signer's certificate is not in the signature".into())
        })?;
    Ok((signer, certs))
}

/// Checks a detached CMS: (signer's subject, digest matches, signature valid).
pub fn verify_cms(cms_der: &[u8], digest: &[u8]) -> Result<(String, bool, bool), ExportError> {
    let c = check_cms(cms_der, digest)?;
    Ok((
        c.signer.tbs_certificate.subject.to_string(),
        c.digest_matches,
        c.signature_valid,
    ))
}
