//! Certifying a PDF: PAdES baseline B-B (`/SubFilter /ETSI.CAdES.detached`)
//! as a certification signature (DocMDP P=1), appended to the file as an
//! incremental update whose `/Contents` slot is then filled with a detached
//! CMS over the rest of the file.

use super::cms::cms_detached;
use crate::error::ExportError;
use crate::identity::Identity;
use sha2::{Digest, Sha256};

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
    let doc = lopdf::Document::load_mem(pdf).map_err(perr)?;
    let update = Update::new(&doc, pdf)?;
    let mut out = pdf.to_vec();
    if !out.ends_with(b"\n") {
        out.push(b'\n');
    }
    let slot = update.append(&mut out, &doc, id, signing_time, reason);
    fill_signature(&mut out, &slot, id)?;
    Ok(out)
}

fn perr(e: lopdf::Error) -> ExportError {
    ExportError::Pdf(e.to_string())
}

/// The objects the incremental update rewrites or adds: the catalog (with
/// the form and DocMDP permissions), the first page (with the signature
/// widget), the widget field and the signature dictionary.
struct Update {
    root_id: lopdf::ObjectId,
    catalog: lopdf::Dictionary,
    page_id: lopdf::ObjectId,
    page: lopdf::Dictionary,
    /// Offset of the previous cross-reference section.
    prev: usize,
    sig_id: u32,
    field_id: u32,
}

/// Where the signature goes in the updated file: the `/ByteRange`
/// placeholder and the `<` opening the `/Contents` hex string.
struct Slot {
    byte_range_at: usize,
    contents_at: usize,
}

impl Update {
    fn new(doc: &lopdf::Document, pdf: &[u8]) -> Result<Update, ExportError> {
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
        Ok(Update {
            root_id,
            catalog,
            page_id,
            page,
            prev,
            sig_id,
            field_id,
        })
    }

    /// Appends the objects, with a zeroed `/ByteRange` and `/Contents`,
    /// then the cross-reference section and trailer.
    fn append(
        &self,
        out: &mut Vec<u8>,
        doc: &lopdf::Document,
        id: &Identity,
        signing_time: i64,
        reason: &str,
    ) -> Slot {
        let mut offsets: Vec<(u32, usize)> = Vec::new();
        let mut obj = |out: &mut Vec<u8>, num: u32, body: &[u8]| {
            offsets.push((num, out.len()));
            out.extend_from_slice(format!("{num} 0 obj\n").as_bytes());
            out.extend_from_slice(body);
            out.extend_from_slice(b"\nendobj\n");
        };
        let mut body = Vec::new();
        ser_dict(&self.catalog, &mut body);
        obj(out, self.root_id.0, &body);
        let mut body = Vec::new();
        ser_dict(&self.page, &mut body);
        obj(out, self.page_id.0, &body);
        let field = format!("<</Type /Annot /Subtype /Widget /FT /Sig /T (Certification) /V {} 0 R /F 132 /Rect [0 0 0 0] /P {} 0 R>>", self.sig_id, self.page_id.0);
        obj(out, self.field_id, field.as_bytes());
        let sig_head = signature_head(id, signing_time, reason);
        let sig_start = out.len() + format!("{} 0 obj\n", self.sig_id).len();
        let slot = Slot {
            byte_range_at: sig_start + sig_head.find("/ByteRange ").unwrap() + "/ByteRange ".len(),
            contents_at: sig_start + sig_head.len(),
        };
        let sig_body = format!("{sig_head}<{}>>>", "0".repeat(CONTENTS_BYTES * 2));
        obj(out, self.sig_id, sig_body.as_bytes());
        self.xref_and_trailer(out, offsets, doc);
        slot
    }

    fn xref_and_trailer(
        &self,
        out: &mut Vec<u8>,
        mut offsets: Vec<(u32, usize)>,
        doc: &lopdf::Document,
    ) {
        offsets.sort();
        let xref_at = out.len();
        let mut xref = String::from("xref\n0 1\n0000000000 65535 f \n");
        for (num, off) in &offsets {
            xref.push_str(&format!("{num} 1\n{off:010} 00000 n \n"));
        }
        let mut trailer = lopdf::Dictionary::new();
        trailer.set("Size", lopdf::Object::Integer(i64::from(self.field_id) + 1));
        trailer.set("Root", lopdf::Object::Reference(self.root_id));
        for key in [&b"Info"[..], b"ID"] {
            if let Ok(v) = doc.trailer.get(key) {
                trailer.set(key.to_vec(), v.clone());
            }
        }
        trailer.set("Prev", lopdf::Object::Integer(self.prev as i64));
        out.extend_from_slice(xref.as_bytes());
        out.extend_from_slice(b"trailer\n");
        ser_dict(&trailer, out);
        out.extend_from_slice(format!("\nstartxref\n{xref_at}\n%%EOF\n").as_bytes());
    }
}

/// The signature dictionary up to its `/Contents` value: signer, reason,
/// time, DocMDP P=1, and a `/ByteRange` placeholder wide enough for any
/// offset.
fn signature_head(id: &Identity, signing_time: i64, reason: &str) -> String {
    let when = chrono::DateTime::from_timestamp(signing_time, 0)
        .unwrap_or_default()
        .format("D:%Y%m%d%H%M%SZ")
        .to_string();
    let byte_range_placeholder = format!("[0 {:<10} {:<10} {:<10}]", 0, 0, 0);
    format!(
        "<</Type /Sig /Filter /Adobe.PPKLite /SubFilter /ETSI.CAdES.detached /M ({when}) /Name {} /Reason {} /Reference [<</Type /SigRef /TransformMethod /DocMDP /TransformParams <</Type /TransformParams /P 1 /V /1.2>>>>] /ByteRange {byte_range_placeholder} /Contents ",
        pdf_string(&id.subject()),
        pdf_string(reason)
    )
}

/// Fills the byte range (everything but the Contents hex string), then the
/// signature over it.
fn fill_signature(out: &mut [u8], slot: &Slot, id: &Identity) -> Result<(), ExportError> {
    let a = slot.contents_at;
    let b = slot.contents_at + 2 + CONTENTS_BYTES * 2;
    let range = format!("[0 {:<10} {:<10} {:<10}]", a, b, out.len() - b);
    out[slot.byte_range_at..slot.byte_range_at + range.len()].copy_from_slice(range.as_bytes());
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
    Ok(())
}
