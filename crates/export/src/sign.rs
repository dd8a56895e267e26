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
const ECDSA_SHA256: der::oid::ObjectIdentifier =
    der::oid::ObjectIdentifier::new_unwrap("1.2.840.10045.4.3.2");
const RSA_SHA256: der::oid::ObjectIdentifier =
    der::oid::ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.11");
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
    /// `/M` as written (`D:20261101120000Z`).
    pub signing_time: Option<String>,
    /// `/M` read as seconds since the epoch (UTC).
    pub signing_time_unix: Option<i64>,
    /// The signer's certificate and the others that came with the
    /// signature: what [`crate::trust::evaluate`] builds a path from.
    #[serde(skip)]
    pub signer_cert: Option<Certificate>,
    #[serde(skip)]
    pub certs: Vec<Certificate>,
}

impl SignatureCheck {
    /// Intact: the signed bytes are unchanged, the signature verifies with
    /// the signer's key, and it covers the whole file. Says nothing about
    /// who the signer is: see [`crate::trust`].
    pub fn holds(&self) -> bool {
        self.digest_matches && self.signature_valid && self.covers_whole_file
    }
}

/// What a detached CMS signature says: the signer's certificate (and the
/// others it carries), and whether it signs `digest`.
#[derive(Debug, Clone)]
pub struct CmsCheck {
    pub signer: Certificate,
    pub certs: Vec<Certificate>,
    pub digest_matches: bool,
    pub signature_valid: bool,
}

/// Largest CMS signature read (ours are under 12 KiB).
pub const MAX_CMS_BYTES: usize = 1 << 20;

/// How far from its `/ByteRange` a signature dictionary may reach.
const NEAR: usize = 64 << 10;

/// Checks a detached CMS (`.p7s`) against the content's SHA-256. Any
/// malformed input is an error, never a panic.
pub fn check_cms(cms_der: &[u8], digest: &[u8]) -> Result<CmsCheck, ExportError> {
    if cms_der.len() > MAX_CMS_BYTES {
        return Err(ExportError::Sign(format!(
            "the signature is {} bytes, more than the {MAX_CMS_BYTES} a signature may have",
            cms_der.len()
        )));
    }
    let ci = ContentInfo::from_der(cms_der)
        .map_err(|e| ExportError::Sign(format!("not a CMS signature: {e}")))?;
    let sd: SignedData = ci
        .content
        .decode_as()
        .map_err(|e| ExportError::Sign(format!("not a CMS SignedData: {e}")))?;
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

/// Checks a detached CMS: (signer's subject, digest matches, signature valid).
pub fn verify_cms(cms_der: &[u8], digest: &[u8]) -> Result<(String, bool, bool), ExportError> {
    let c = check_cms(cms_der, digest)?;
    Ok((
        c.signer.tbs_certificate.subject.to_string(),
        c.digest_matches,
        c.signature_valid,
    ))
}

/// Length of the DER element at the start of `b` (the Contents slot is
/// padded with zeros after it); `None` when it is not one.
fn der_len(b: &[u8]) -> Option<usize> {
    let first = *b.get(1)?;
    if first < 0x80 {
        return 2usize.checked_add(first as usize);
    }
    let n = (first & 0x7f) as usize;
    if n == 0 || n > 4 {
        return None;
    }
    let len = b
        .get(2..2 + n)?
        .iter()
        .fold(0usize, |acc, x| (acc << 8) | *x as usize);
    2usize.checked_add(n)?.checked_add(len)
}

fn rfind(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).rposition(|w| w == needle)
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

fn pdf_err(m: impl Into<String>) -> ExportError {
    ExportError::Pdf(m.into())
}

/// `[a b c d]` after `/ByteRange`: four non-negative integers.
fn parse_byte_range(b: &[u8]) -> Result<[u64; 4], ExportError> {
    let bad = |why: &str| pdf_err(format!("malformed /ByteRange: {why}"));
    let mut i = 0;
    let skip_ws = |i: &mut usize| {
        while b.get(*i).is_some_and(|c| c.is_ascii_whitespace()) {
            *i += 1;
        }
    };
    skip_ws(&mut i);
    if b.get(i) != Some(&b'[') {
        return Err(bad("not an array"));
    }
    i += 1;
    let mut out = [0u64; 4];
    for v in out.iter_mut() {
        skip_ws(&mut i);
        if b.get(i) == Some(&b'-') {
            return Err(bad("a negative offset or length"));
        }
        let start = i;
        while b.get(i).is_some_and(u8::is_ascii_digit) && i - start <= 20 {
            i += 1;
        }
        let digits = std::str::from_utf8(b.get(start..i).unwrap_or_default()).unwrap_or("");
        *v = digits.parse().map_err(|_| bad("not four whole numbers"))?;
    }
    skip_ws(&mut i);
    if b.get(i) != Some(&b']') {
        return Err(bad("more or fewer than four numbers"));
    }
    Ok(out)
}

fn hex_decode(h: &[u8]) -> Result<Vec<u8>, ExportError> {
    let digits: Vec<u8> = h
        .iter()
        .copied()
        .filter(|c| !c.is_ascii_whitespace())
        .collect();
    if !digits.len().is_multiple_of(2) {
        return Err(pdf_err(
            "the signature's /Contents has an odd number of hex digits",
        ));
    }
    digits
        .chunks(2)
        .map(|p| {
            if !p.iter().all(u8::is_ascii_hexdigit) {
                return Err(pdf_err("/Contents is not hex"));
            }
            let s = std::str::from_utf8(p).map_err(|_| pdf_err("/Contents is not hex"))?;
            u8::from_str_radix(s, 16).map_err(|_| pdf_err("/Contents is not hex"))
        })
        .collect()
}

/// A PDF date (`D:YYYYMMDDHHmmSS` then `Z`, `+HH'mm'` or `-HH'mm'`) as
/// seconds since the epoch.
pub fn pdf_date(s: &str) -> Option<i64> {
    let s = s.strip_prefix("D:").unwrap_or(s);
    let digits = s.get(..14)?;
    if !digits.bytes().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let naive = chrono::NaiveDateTime::parse_from_str(digits, "%Y%m%d%H%M%S").ok()?;
    let rest = s.get(14..).unwrap_or("");
    let offset = match rest.as_bytes().first() {
        None | Some(b'Z') => 0,
        Some(sign @ (b'+' | b'-')) => {
            let t: String = rest[1..].chars().filter(char::is_ascii_digit).collect();
            let h: i64 = t.get(..2)?.parse().ok()?;
            let m: i64 = t.get(2..4).unwrap_or("00").parse().ok()?;
            let o = h * 3600 + m * 60;
            if *sign == b'-' {
                -o
            } else {
                o
            }
        }
        _ => return None,
    };
    Some(naive.and_utc().timestamp() - offset)
}

/// A PDF literal string `( ... )` at the start of `b` (after whitespace),
/// with its escapes; at most 4 KiB.
fn literal_string(b: &[u8]) -> Option<String> {
    let mut i = b.iter().position(|c| !c.is_ascii_whitespace())?;
    if b.get(i) != Some(&b'(') {
        return None;
    }
    i += 1;
    let (mut depth, mut out) = (0usize, Vec::new());
    while let Some(&c) = b.get(i) {
        if out.len() > 4096 {
            return None;
        }
        i += 1;
        match c {
            b'\\' => {
                let e = *b.get(i)?;
                i += 1;
                match e {
                    b'n' => out.push(b'\n'),
                    b'r' => out.push(b'\r'),
                    b't' => out.push(b'\t'),
                    b'b' => out.push(8),
                    b'f' => out.push(12),
                    b'0'..=b'7' => {
                        let mut v = u32::from(e - b'0');
                        for _ in 0..2 {
                            match b.get(i) {
                                Some(d @ b'0'..=b'7') => {
                                    v = v * 8 + u32::from(d - b'0');
                                    i += 1;
                                }
                                _ => break,
                            }
                        }
                        out.push((v & 0xff) as u8);
                    }
                    b'\r' | b'\n' => {}
                    other => out.push(other),
                }
            }
            b'(' => {
                depth += 1;
                out.push(c);
            }
            b')' if depth == 0 => return String::from_utf8(out).ok(),
            b')' => {
                depth -= 1;
                out.push(c);
            }
            _ => out.push(c),
        }
    }
    None
}

/// The value of a document-information key SLA Ledger writes
/// (`/SlaLedgerStatement (...)`), read from the bytes: the last one in the
/// file. Only meaningful when a signature covers the whole file.
pub fn pdf_info(pdf: &[u8], key: &str) -> Option<String> {
    let needle = format!("/{key}");
    // From the end, at most a few candidates: a hostile file with the key
    // everywhere costs a linear scan, never a quadratic one.
    let mut end = pdf.len();
    for _ in 0..16 {
        let p = rfind(&pdf[..end], needle.as_bytes())?;
        let after = &pdf[p + needle.len()..];
        // `/SlaLedgerSeal` must not match `/SlaLedgerSealX`.
        if after
            .first()
            .is_some_and(|c| c.is_ascii_whitespace() || *c == b'(')
        {
            if let Some(v) = literal_string(after) {
                return Some(v);
            }
        }
        end = p;
    }
    None
}

/// Checks the newest signature of a PDF, from the bytes alone: no PDF
/// parser runs on input that is not yet trusted. The signature dictionary's
/// `/ByteRange` must leave out exactly its `/Contents` hex string.
pub fn verify_pdf(pdf: &[u8]) -> Result<SignatureCheck, ExportError> {
    if !pdf.starts_with(b"%PDF-") {
        return Err(pdf_err("not a PDF file (no %PDF- header)"));
    }
    let pos = rfind(pdf, b"/ByteRange").ok_or_else(|| pdf_err("the PDF is not signed"))?;
    let [o1, l1, o2, l2] = parse_byte_range(&pdf[pos + b"/ByteRange".len()..])?;
    let len = pdf.len() as u64;
    let end1 = o1.checked_add(l1).filter(|e| *e <= len);
    let end2 = o2.checked_add(l2).filter(|e| *e <= len);
    let (Some(end1), Some(end2)) = (end1, end2) else {
        return Err(pdf_err(
            "malformed /ByteRange: it reaches past the end of the file",
        ));
    };
    if end1 > o2 {
        return Err(pdf_err("malformed /ByteRange: its two ranges overlap"));
    }
    // Every value is now <= len, which fits in usize.
    let (o1, end1, o2, end2) = (o1 as usize, end1 as usize, o2 as usize, end2 as usize);
    // The /ByteRange read must be the signed one: inside the first range,
    // in the dictionary whose /Contents the gap is.
    let before_gap = pos < end1 && end1 - pos <= NEAR;
    let after_gap = pos >= o2 && pos - o2 <= NEAR;
    if !(before_gap || after_gap) {
        return Err(pdf_err(
            "the /ByteRange is not in the signature dictionary it describes",
        ));
    }
    let gap = &pdf[end1..o2];
    if gap.len() < 2 || gap[0] != b'<' || gap[gap.len() - 1] != b'>' {
        return Err(pdf_err(
            "the /ByteRange does not leave out exactly the signature's /Contents",
        ));
    }
    // Refused before decoding: a signature is at most MAX_CMS_BYTES.
    if gap.len() > 2 * MAX_CMS_BYTES + 4096 {
        return Err(pdf_err(format!(
            "the signature's /Contents is {} bytes, more than a signature may be",
            gap.len()
        )));
    }
    let contents = hex_decode(&gap[1..gap.len() - 1])?;
    let cms_len = der_len(&contents)
        .filter(|n| *n <= contents.len())
        .ok_or_else(|| pdf_err("the signature's /Contents is not a DER signature"))?;
    let covers_whole_file = o1 == 0 && end2 == pdf.len();
    let mut h = Sha256::new();
    h.update(&pdf[o1..end1]);
    h.update(&pdf[o2..end2]);
    let cms = check_cms(&contents[..cms_len], &h.finalize())?;
    // The signature dictionary: from its `obj` to its `endobj`, looked for
    // within 64 KiB of the signature (a dictionary is a few hundred bytes).
    let floor = end1.saturating_sub(NEAR);
    let dict_start = rfind(&pdf[floor..end1], b"obj").map_or(floor, |p| floor + p);
    let ceiling = o2.saturating_add(NEAR).min(pdf.len());
    let dict_end = find(&pdf[o2..ceiling], b"endobj").map_or(ceiling, |e| o2 + e);
    let dict = [&pdf[dict_start..end1], &pdf[o2..dict_end]].concat();
    let certification_no_changes = find(&dict, b"/DocMDP").is_some()
        && (find(&dict, b"/P 1/").is_some()
            || find(&dict, b"/P 1 ").is_some()
            || find(&dict, b"/P 1>").is_some());
    let signing_time = find(&dict, b"/M").and_then(|p| {
        let mut hay = &dict[p..];
        loop {
            let q = find(hay, b"/M")?;
            if let Some(s) = literal_string(&hay[q + 2..]) {
                return Some(s);
            }
            hay = &hay[q + 2..];
        }
    });
    let signing_time_unix = signing_time.as_deref().and_then(pdf_date);
    Ok(SignatureCheck {
        signer: cms.signer.tbs_certificate.subject.to_string(),
        digest_matches: cms.digest_matches,
        signature_valid: cms.signature_valid,
        covers_whole_file,
        certification_no_changes,
        signing_time,
        signing_time_unix,
        signer_cert: Some(cms.signer),
        certs: cms.certs,
    })
}

/// The signature dictionary (`/Type /Sig`) of a parsed PDF, if it has one
/// (for tests and tools that already trust the file enough to parse it).
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
