//! Signatures: detached CMS (for manifests) and PAdES baseline B-B on PDFs
//! (`/SubFilter /ETSI.CAdES.detached`; signed attributes content-type,
//! message-digest and signing-certificate-v2; `/M` set), as a certification
//! signature (DocMDP P=1: no changes allowed) appended as an incremental
//! update. And the checks `verify` runs on them.

use crate::error::ExportError;
use crate::identity::{Identity, Key};
use cms::builder::{SignedDataBuilder, SignerInfoBuilder};
use cms::cert::{CertificateChoices, IssuerAndSerialNumber};
use cms::content_info::ContentInfo;
use cms::signed_data::{EncapsulatedContentInfo, SignedData, SignerIdentifier};
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
const ID_MESSAGE_DIGEST: der::oid::ObjectIdentifier =
    der::oid::ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.4");

fn sign_err(e: impl std::fmt::Display) -> ExportError {
    ExportError::Sign(e.to_string())
}

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

/// Room for the CMS in the signature dictionary (hex doubles it).
const CONTENTS_BYTES: usize = 12_288;

/// Serialises a lopdf object (dictionaries, arrays and scalars: enough for
/// a catalog and a page) in plain PDF syntax.
fn ser(o: &lopdf::Object, out: &mut Vec<u8>) {
    use lopdf::Object::*;
    match o {
        Null => out.extend_from_slice(b"null"),
        Boolean(b) => out.extend_from_slice(if *b { b"true" } else { b"false" }),
        Integer(i) => out.extend_from_slice(i.to_string().as_bytes()),
        Real(r) => out.extend_from_slice(format!("{r}").as_bytes()),
        Name(n) => {
            out.push(b'/');
            for &c in n {
                if c.is_ascii_alphanumeric() || b"-_.+*".contains(&c) {
                    out.push(c);
                } else {
                    out.extend_from_slice(format!("#{c:02X}").as_bytes());
                }
            }
        }
        String(s, _) => {
            out.push(b'<');
            for c in s {
                out.extend_from_slice(format!("{c:02X}").as_bytes());
            }
            out.push(b'>');
        }
        Array(a) => {
            out.push(b'[');
            for (i, x) in a.iter().enumerate() {
                if i > 0 {
                    out.push(b' ');
                }
                ser(x, out);
            }
            out.push(b']');
        }
        Dictionary(d) => ser_dict(d, out),
        Stream(s) => ser_dict(&s.dict, out),
        Reference((id, g)) => out.extend_from_slice(format!("{id} {g} R").as_bytes()),
    }
}

fn ser_dict(d: &lopdf::Dictionary, out: &mut Vec<u8>) {
    out.extend_from_slice(b"<<");
    for (k, v) in d.iter() {
        ser(&lopdf::Object::Name(k.clone()), out);
        out.push(b' ');
        ser(v, out);
        out.push(b' ');
    }
    out.extend_from_slice(b">>");
}

fn pdf_string(s: &str) -> String {
    // UTF-16BE with BOM as hex: safe for any name.
    let mut h = String::from("<FEFF");
    for u in s.encode_utf16() {
        h.push_str(&format!("{u:04X}"));
    }
    h.push('>');
    h
}

fn last_startxref(pdf: &[u8]) -> Option<usize> {
    let pos = pdf.windows(9).rposition(|w| w == b"startxref")?;
    let tail = std::str::from_utf8(&pdf[pos + 9..]).ok()?;
    tail.split_whitespace().next()?.parse().ok()
}

/// Certifies `pdf` with `id`: an incremental update adding a signature
/// field, the signature dictionary and DocMDP permissions.
pub fn sign_pdf(
    pdf: &[u8],
    id: &Identity,
    signing_time: i64,
    reason: &str,
) -> Result<Vec<u8>, ExportError> {
    let perr = |e: lopdf::Error| ExportError::Pdf(e.to_string());
    let doc = lopdf::Document::load_mem(pdf).map_err(perr)?;
    let root_id = doc
        .trailer
        .get(b"Root")
        .and_then(|o| o.as_reference())
        .map_err(perr)?;
    let mut catalog = doc
        .get_object(root_id)
        .and_then(|o| o.as_dict())
        .map_err(perr)?
        .clone();
    let page_id = *doc
        .get_pages()
        .get(&1)
        .ok_or_else(|| ExportError::Pdf("no pages".into()))?;
    let mut page = doc
        .get_object(page_id)
        .and_then(|o| o.as_dict())
        .map_err(perr)?
        .clone();
    let prev = last_startxref(pdf).ok_or_else(|| ExportError::Pdf("no startxref".into()))?;
    let sig_id = doc.max_id + 1;
    let field_id = doc.max_id + 2;

    catalog.set("Version", lopdf::Object::Name(b"1.7".to_vec()));
    catalog.set(
        "AcroForm",
        lopdf::Dictionary::from_iter(vec![
            (
                "Fields",
                lopdf::Object::Array(vec![lopdf::Object::Reference((field_id, 0))]),
            ),
            ("SigFlags", lopdf::Object::Integer(3)),
        ]),
    );
    catalog.set(
        "Perms",
        lopdf::Dictionary::from_iter(vec![("DocMDP", lopdf::Object::Reference((sig_id, 0)))]),
    );
    let mut annots = match page.get(b"Annots") {
        Ok(lopdf::Object::Array(a)) => a.clone(),
        _ => vec![],
    };
    annots.push(lopdf::Object::Reference((field_id, 0)));
    page.set("Annots", annots);

    let when = chrono::DateTime::from_timestamp(signing_time, 0)
        .unwrap_or_default()
        .format("D:%Y%m%d%H%M%SZ")
        .to_string();
    let byte_range_placeholder = format!("[0 {:<10} {:<10} {:<10}]", 0, 0, 0);
    let mut out = pdf.to_vec();
    if !out.ends_with(b"\n") {
        out.push(b'\n');
    }
    let mut offsets: Vec<(u32, usize)> = Vec::new();
    let mut obj = |out: &mut Vec<u8>, num: u32, body: &[u8]| {
        offsets.push((num, out.len()));
        out.extend_from_slice(format!("{num} 0 obj\n").as_bytes());
        out.extend_from_slice(body);
        out.extend_from_slice(b"\nendobj\n");
    };
    let mut body = Vec::new();
    ser_dict(&catalog, &mut body);
    obj(&mut out, root_id.0, &body);
    let mut body = Vec::new();
    ser_dict(&page, &mut body);
    obj(&mut out, page_id.0, &body);
    let field = format!("<</Type /Annot /Subtype /Widget /FT /Sig /T (Certification) /V {sig_id} 0 R /F 132 /Rect [0 0 0 0] /P {} 0 R>>", page_id.0);
    obj(&mut out, field_id, field.as_bytes());
    let sig_head = format!(
        "<</Type /Sig /Filter /Adobe.PPKLite /SubFilter /ETSI.CAdES.detached /M ({when}) /Name {} /Reason {} /Reference [<</Type /SigRef /TransformMethod /DocMDP /TransformParams <</Type /TransformParams /P 1 /V /1.2>>>>] /ByteRange {byte_range_placeholder} /Contents ",
        pdf_string(&id.subject()),
        pdf_string(reason)
    );
    let sig_start = out.len();
    let byte_range_at = sig_start
        + format!("{sig_id} 0 obj\n").len()
        + sig_head.find("/ByteRange ").unwrap()
        + "/ByteRange ".len();
    let contents_at = sig_start + format!("{sig_id} 0 obj\n").len() + sig_head.len();
    let sig_body = format!("{sig_head}<{}>>>", "0".repeat(CONTENTS_BYTES * 2));
    obj(&mut out, sig_id, sig_body.as_bytes());
    offsets.sort();
    let xref_at = out.len();
    let mut xref = String::from("xref\n0 1\n0000000000 65535 f \n");
    for (num, off) in &offsets {
        xref.push_str(&format!("{num} 1\n{off:010} 00000 n \n"));
    }
    let mut trailer = lopdf::Dictionary::new();
    trailer.set("Size", lopdf::Object::Integer(i64::from(field_id) + 1));
    trailer.set("Root", lopdf::Object::Reference(root_id));
    for key in [&b"Info"[..], b"ID"] {
        if let Ok(v) = doc.trailer.get(key) {
            trailer.set(key.to_vec(), v.clone());
        }
    }
    trailer.set("Prev", lopdf::Object::Integer(prev as i64));
    out.extend_from_slice(xref.as_bytes());
    out.extend_from_slice(b"trailer\n");
    ser_dict(&trailer, &mut out);
    out.extend_from_slice(format!("\nstartxref\n{xref_at}\n%%EOF\n").as_bytes());

    // Fill the byte range (everything but the Contents hex string), then
    // the signature over it.
    let a = contents_at;
    let b = contents_at + 2 + CONTENTS_BYTES * 2;
    let range = format!("[0 {:<10} {:<10} {:<10}]", a, b, out.len() - b);
    out[byte_range_at..byte_range_at + range.len()].copy_from_slice(range.as_bytes());
    let mut h = Sha256::new();
    h.update(&out[..a]);
    h.update(&out[b..]);
    let cms = cms_detached(id, &h.finalize())?;
    if cms.len() > CONTENTS_BYTES {
        return Err(ExportError::Sign(format!(
            "the signature ({} bytes) does not fit its {CONTENTS_BYTES}-byte slot",
            cms.len()
        )));
    }
    let hex: String = cms.iter().map(|c| format!("{c:02X}")).collect();
    out[a + 1..a + 1 + hex.len()].copy_from_slice(hex.as_bytes());
    Ok(out)
}

/// What a check of a signature found.
#[derive(Debug, Clone, serde::Serialize, PartialEq, Eq)]
pub struct SignatureCheck {
    pub signer: String,
    pub digest_matches: bool,
    pub signature_valid: bool,
    /// The signed range is the whole file but the signature itself.
    pub covers_whole_file: bool,
    pub certification_no_changes: bool,
    pub signing_time: Option<String>,
}

impl SignatureCheck {
    pub fn holds(&self) -> bool {
        self.digest_matches && self.signature_valid && self.covers_whole_file
    }
}

/// Checks a detached CMS (`.p7s`) against the content's SHA-256.
pub fn verify_cms(cms_der: &[u8], digest: &[u8]) -> Result<(String, bool, bool), ExportError> {
    let ci = ContentInfo::from_der(cms_der).map_err(sign_err)?;
    let sd: SignedData = ci.content.decode_as().map_err(sign_err)?;
    let si = sd
        .signer_infos
        .0
        .iter()
        .next()
        .ok_or_else(|| ExportError::Sign("no signer".into()))?;
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
    let SignerIdentifier::IssuerAndSerialNumber(isn) = &si.sid else {
        return Err(ExportError::Sign("unsupported signer id".into()));
    };
    let cert = sd
        .certificates
        .as_ref()
        .and_then(|cs| {
            cs.0.iter().find_map(|c| match c {
                CertificateChoices::Certificate(c)
                    if c.tbs_certificate.serial_number == isn.serial_number
                        && c.tbs_certificate.issuer == isn.issuer =>
                {
                    Some(c.clone())
                }
                _ => None,
            })
        })
        .ok_or_else(|| {
            ExportError::Sign("the signer's certificate is not in the signature".into())
        })?;
    let signed = attrs.to_der().map_err(sign_err)?;
    let spki = cert
        .tbs_certificate
        .subject_public_key_info
        .to_der()
        .map_err(sign_err)?;
    let sig = si.signature.as_bytes();
    use signature::Verifier;
    let signature_valid = if let Ok(vk) =
        <p256::ecdsa::VerifyingKey as p256::pkcs8::DecodePublicKey>::from_public_key_der(&spki)
    {
        p256::ecdsa::DerSignature::from_bytes(sig)
            .map(|s| vk.verify(&signed, &s).is_ok())
            .unwrap_or(false)
    } else if let Ok(pk) =
        <rsa::RsaPublicKey as rsa::pkcs8::DecodePublicKey>::from_public_key_der(&spki)
    {
        let vk = rsa::pkcs1v15::VerifyingKey::<Sha256>::new(pk);
        rsa::pkcs1v15::Signature::try_from(sig)
            .map(|s| vk.verify(&signed, &s).is_ok())
            .unwrap_or(false)
    } else {
        false
    };
    Ok((
        cert.tbs_certificate.subject.to_string(),
        digest_matches,
        signature_valid,
    ))
}

/// Length of the DER element at the start of `b` (the Contents slot is
/// padded with zeros after it).
fn der_len(b: &[u8]) -> Option<usize> {
    let first = *b.get(1)?;
    if first < 0x80 {
        return Some(2 + first as usize);
    }
    let n = (first & 0x7f) as usize;
    let len = b
        .get(2..2 + n)?
        .iter()
        .fold(0usize, |acc, x| (acc << 8) | *x as usize);
    Some(2 + n + len)
}

/// The signature dictionary (`/Type /Sig`) of a parsed PDF, if it has one.
pub fn signature_dict(doc: &lopdf::Document) -> Option<&lopdf::Dictionary> {
    doc.objects
        .values()
        .filter_map(|o| o.as_dict().ok())
        .find(|d| {
            d.get(b"Type")
                .and_then(|t| t.as_name())
                .is_ok_and(|n| n == b"Sig")
        })
}

/// Checks the (last) signature of a PDF.
pub fn verify_pdf(pdf: &[u8]) -> Result<SignatureCheck, ExportError> {
    let perr = |e: lopdf::Error| ExportError::Pdf(e.to_string());
    let doc = lopdf::Document::load_mem(pdf).map_err(perr)?;
    let sig =
        signature_dict(&doc).ok_or_else(|| ExportError::Pdf("the PDF is not signed".into()))?;
    let br: Vec<usize> = sig
        .get(b"ByteRange")
        .and_then(|o| o.as_array())
        .map_err(perr)?
        .iter()
        .filter_map(|o| o.as_i64().ok())
        .map(|v| v as usize)
        .collect();
    if br.len() != 4 || br[1] > pdf.len() || br[2] + br[3] > pdf.len() {
        return Err(ExportError::Pdf("malformed /ByteRange".into()));
    }
    let contents = sig
        .get(b"Contents")
        .and_then(|o| o.as_str())
        .map_err(perr)?;
    let cms = &contents[..der_len(contents)
        .unwrap_or(contents.len())
        .min(contents.len())];
    let covers_whole_file = br[0] == 0
        && br[2] + br[3] == pdf.len()
        && pdf.get(br[1]) == Some(&b'<')
        && pdf.get(br[2] - 1) == Some(&b'>');
    let mut h = Sha256::new();
    h.update(&pdf[..br[1]]);
    h.update(&pdf[br[2]..br[2] + br[3]]);
    let (signer, digest_matches, signature_valid) = verify_cms(cms, &h.finalize())?;
    let certification_no_changes =
        sig.get(b"Reference")
            .and_then(|r| r.as_array())
            .is_ok_and(|a| {
                a.iter().any(|r| {
                    r.as_dict().is_ok_and(|d| {
                        d.get(b"TransformMethod")
                            .and_then(|m| m.as_name())
                            .is_ok_and(|m| m == b"DocMDP")
                            && d.get(b"TransformParams")
                                .and_then(|p| p.as_dict())
                                .and_then(|p| p.get(b"P"))
                                .and_then(|p| p.as_i64())
                                .is_ok_and(|p| p == 1)
                    })
                })
            });
    let signing_time = sig
        .get(b"M")
        .and_then(|m| m.as_str())
        .ok()
        .map(|m| String::from_utf8_lossy(m).into_owned());
    Ok(SignatureCheck {
        signer,
        digest_matches,
        signature_valid,
        covers_whole_file,
        certification_no_changes,
        signing_time,
    })
}
