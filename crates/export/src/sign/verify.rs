//! Checking a PDF's newest signature from the bytes alone: the
//! `/ByteRange` is parsed by hand with checked arithmetic, every scan is
//! bounded, and sizes are refused before anything is decoded. No PDF parser
//! runs on input that is not yet trusted.

use super::cms::check_cms;
use super::{SignatureCheck, MAX_CMS_BYTES};
use crate::error::ExportError;
use crate::pdfmeta::{literal_string, pdf_date};
use sha2::{Digest, Sha256};

/// How far from its `/ByteRange` a signature dictionary may reach.
const NEAR: usize = 64 << 10;

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

/// The two signed ranges of a `/ByteRange` found at `pos`, checked against
/// the file: `(o1, end1, o2, end2)`, in order, not overlapping, inside the
/// file, with the `/ByteRange` itself next to the gap between them.
fn signed_ranges(pdf: &[u8], pos: usize) -> Result<(usize, usize, usize, usize), ExportError> {
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
    Ok((o1, end1, o2, end2))
}

/// The DER signature in the gap `<hex>` the byte range leaves out (the
/// slot is padded with zeros after it).
fn signature_in_gap(gap: &[u8]) -> Result<Vec<u8>, ExportError> {
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
    let mut contents = hex_decode(&gap[1..gap.len() - 1])?;
    let cms_len = der_len(&contents)
        .filter(|n| *n <= contents.len())
        .ok_or_else(|| pdf_err("the signature's /Contents is not a DER signature"))?;
    contents.truncate(cms_len);
    Ok(contents)
}

/// Checks the newest signature of a PDF, from the bytes alone: no PDF
/// parser runs on input that is not yet trusted. The signature dictionary's
/// `/ByteRange` must leave out exactly its `/Contents` hex string.
pub fn verify_pdf(pdf: &[u8]) -> Result<SignatureCheck, ExportError> {
    if !pdf.starts_with(b"%PDF-") {
        return Err(pdf_err("not a PDF file (no %PDF- header)"));
    }
    let pos = rfind(pdf, b"/ByteRange").ok_or_else(|| pdf_err("the PDF is not signed"))?;
    let (o1, end1, o2, end2) = signed_ranges(pdf, pos)?;
    let cms_der = signature_in_gap(&pdf[end1..o2])?;
    let covers_whole_file = o1 == 0 && end2 == pdf.len();
    let mut h = Sha256::new();
    h.update(&pdf[o1..end1]);
    h.update(&pdf[o2..end2]);
    let cms = check_cms(&cms_der, &h.finalize())?;
    let (certification_no_changes, signing_time) = dictionary_facts(pdf, end1, o2);
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

/// What the signature dictionary around the gap `end1..o2` says: whether
/// it certifies with no changes allowed (DocMDP P=1), and its `/M`. The
/// dictionary runs from its `obj` to its `endobj`, looked for within 64 KiB
/// of the signature (a dictionary is a few hundred bytes).
fn dictionary_facts(pdf: &[u8], end1: usize, o2: usize) -> (bool, Option<String>) {
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
    (certification_no_changes, signing_time)
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
