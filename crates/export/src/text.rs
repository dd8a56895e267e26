//! A PDF's text, page by page (issue 18: clause provenance). The text layer
//! only: a page without one (a scan) is reported as such, never guessed by
//! recognising characters. Counterparties hand us these files, so every
//! limit is checked before the work it bounds, and a reader failure of any
//! kind is an answer ("unreadable"), never a crash.

/// What a document gave.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PdfText {
    /// Page 1 first; a page without text is an empty string.
    Pages(Vec<String>),
    /// Not a PDF (no `%PDF-` header).
    NotPdf,
    /// A PDF whose pages carry no text at all (scanned): how many pages.
    NoText(usize),
    /// A PDF that could not be read, and why.
    Unreadable(String),
}

/// The bounds of one extraction.
pub const MAX_BYTES: usize = 64 << 20;
pub const MAX_PAGES: usize = 2_000;
/// Decompressed content per page.
pub const MAX_PAGE_CONTENT: usize = 16 << 20;
/// Text kept in all.
pub const MAX_TEXT: usize = 16 << 20;

pub fn pdf_pages(bytes: &[u8]) -> PdfText {
    if !bytes.starts_with(b"%PDF-") {
        return PdfText::NotPdf;
    }
    if bytes.len() > MAX_BYTES {
        return PdfText::Unreadable(format!(
            "{} bytes, more than the {MAX_BYTES} text is read from",
            bytes.len()
        ));
    }
    // The reader is fuzzed (target pdf_verify), but a document is not worth
    // a crash: a panic in it is reported like any other failure.
    match std::panic::catch_unwind(|| extract(bytes)) {
        Ok(r) => r,
        Err(_) => PdfText::Unreadable("the PDF reader failed on this file".into()),
    }
}

fn extract(bytes: &[u8]) -> PdfText {
    let doc = match lopdf::Document::load_mem(bytes) {
        Ok(d) => d,
        Err(e) => return PdfText::Unreadable(e.to_string()),
    };
    if doc.is_encrypted() {
        return PdfText::Unreadable("the PDF is encrypted".into());
    }
    let pages: Vec<u32> = doc.get_pages().keys().copied().collect();
    if pages.len() > MAX_PAGES {
        return PdfText::Unreadable(format!(
            "{} pages, more than the {MAX_PAGES} text is read from",
            pages.len()
        ));
    }
    let ids = doc.get_pages();
    let mut out = Vec::with_capacity(pages.len());
    let mut total = 0usize;
    for p in &pages {
        let text = ids
            .get(p)
            .and_then(|id| page_text(&doc, *id).ok())
            .unwrap_or_default();
        let text = text.trim().to_string();
        total += text.len();
        if total > MAX_TEXT {
            return PdfText::Unreadable(format!("more than {MAX_TEXT} bytes of text"));
        }
        out.push(text);
    }
    if out.iter().all(|t| t.is_empty()) {
        return PdfText::NoText(out.len());
    }
    PdfText::Pages(out)
}

/// One page's text in reading order of its content stream, with a line
/// break where the text moves to another line (`Td`/`TD` with a vertical
/// move, `Tm` to another baseline, `T*`, `'`, `"`, the end of a text
/// object) and a space for a horizontal move or a wide `TJ` gap. (lopdf's
/// own `extract_text` joins the lines of a paragraph without a separator,
/// which loses where sentences and words end.)
fn page_text(doc: &lopdf::Document, page: lopdf::ObjectId) -> Result<String, lopdf::Error> {
    use lopdf::Object;
    let encodings: std::collections::BTreeMap<Vec<u8>, lopdf::Encoding> = doc
        .get_page_fonts(page)?
        .into_iter()
        .filter_map(|(name, font)| {
            font.get_font_encoding_with_limit(doc, MAX_PAGE_CONTENT)
                .ok()
                .map(|e| (name, e))
        })
        .collect();
    let data = doc.get_page_content_with_limit(page, MAX_PAGE_CONTENT)?;
    let content = lopdf::content::Content::decode(&data)?;
    let mut text = String::new();
    let mut encoding = None;
    let mut baseline: Option<f32> = None;
    let num = |o: &Object| o.as_float().ok();
    let brk = |text: &mut String, c: char| {
        if !text.is_empty() && !text.ends_with(['\n', ' ']) {
            text.push(c);
        }
    };
    for op in &content.operations {
        let args = &op.operands;
        match op.operator.as_str() {
            "Tf" => {
                encoding = args
                    .first()
                    .and_then(|o| o.as_name().ok())
                    .and_then(|n| encodings.get(n));
            }
            "Td" | "TD" => {
                let dy = args.get(1).and_then(num).unwrap_or(0.0);
                brk(&mut text, if dy == 0.0 { ' ' } else { '\n' });
            }
            "Tm" => {
                let y = args.get(5).and_then(num);
                let same = matches!((baseline, y), (Some(a), Some(b)) if a == b);
                baseline = y;
                brk(&mut text, if same { ' ' } else { '\n' });
            }
            "T*" | "ET" => brk(&mut text, '\n'),
            "Tj" | "TJ" | "'" | "\"" => {
                if matches!(op.operator.as_str(), "'" | "\"") {
                    brk(&mut text, '\n');
                }
                let Some(enc) = encoding else { continue };
                let shown: &[Object] = match op.operator.as_str() {
                    "\"" => args.get(2).map(std::slice::from_ref).unwrap_or(&[]),
                    _ => args,
                };
                for o in shown {
                    match o {
                        Object::String(bytes, _) => text.push_str(
                            &lopdf::Document::decode_text(enc, bytes).unwrap_or_default(),
                        ),
                        Object::Array(items) => {
                            for it in items {
                                match it {
                                    Object::String(bytes, _) => text.push_str(
                                        &lopdf::Document::decode_text(enc, bytes)
                                            .unwrap_or_default(),
                                    ),
                                    // A gap wider than a tenth of the font size: a space.
                                    other if num(other).is_some_and(|n| n < -100.0) => {
                                        brk(&mut text, ' ')
                                    }
                                    _ => {}
                                }
                            }
                        }
                        _ => {}
                    }
                }
            }
            _ => {}
        }
        if text.len() > MAX_TEXT {
            break;
        }
    }
    Ok(text)
}

/// A text as quotes are compared: without any white space (extraction
/// breaks lines where the page did, or joins them), with typographic
/// quotes and dashes as plain ones.
pub fn normalize(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            '\u{2018}' | '\u{2019}' | '\u{201B}' | '\u{2032}' => '\'',
            '\u{201C}' | '\u{201D}' | '\u{201F}' | '\u{2033}' => '"',
            '\u{2010}'..='\u{2015}' | '\u{2212}' => '-',
            c => c,
        })
        .collect()
}

/// Whether `quote` occurs in `page` (both [`normalize`]d).
pub fn quote_occurs(page: &str, quote: &str) -> bool {
    let q = normalize(quote);
    !q.is_empty() && normalize(page).contains(&q)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fixture_schedule_has_two_pages_of_text() {
        let bytes = std::fs::read(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../fixtures/documents/ACME-2026-001/schedule-b.pdf"
        ))
        .unwrap();
        let PdfText::Pages(pages) = pdf_pages(&bytes) else {
            panic!("no text");
        };
        assert_eq!(pages.len(), 2);
        assert!(
            quote_occurs(
                &pages[0],
                "The Compute Platform will be available 99.95% of each calendar month."
            ),
            "{}",
            pages[0]
        );
        // A quote across a line break of the page.
        assert!(quote_occurs(
            &pages[0],
            "Downtime is weighted by the share affected"
        ));
        assert!(
            !quote_occurs(&pages[1], "available 99.95%"),
            "on page 1 only"
        );
        assert!(quote_occurs(
            &pages[1],
            "below 99.0%: a Service Credit of 25%"
        ));
    }

    #[test]
    fn not_a_pdf_a_damaged_one_and_a_scan_are_told_apart() {
        assert_eq!(pdf_pages(b"hello"), PdfText::NotPdf);
        assert!(matches!(
            pdf_pages(b"%PDF-1.4\ngarbage"),
            PdfText::Unreadable(_)
        ));
        // A page with no text layer (an image would be drawn here).
        let scan = minimal_pdf(&[
            "<< /Type /Catalog /Pages 2 0 R >>",
            "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] >>",
        ]);
        let scan = &scan[..];
        assert_eq!(pdf_pages(scan), PdfText::NoText(1));
    }

    fn minimal_pdf(objects: &[&str]) -> Vec<u8> {
        let mut out = b"%PDF-1.4\n".to_vec();
        let mut offsets = Vec::new();
        for (i, o) in objects.iter().enumerate() {
            offsets.push(out.len());
            out.extend_from_slice(format!("{} 0 obj\n{o}\nendobj\n", i + 1).as_bytes());
        }
        let xref = out.len();
        out.extend_from_slice(
            format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes(),
        );
        for off in offsets {
            out.extend_from_slice(format!("{off:010} 00000 n \n").as_bytes());
        }
        out.extend_from_slice(
            format!(
                "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
                objects.len() + 1
            )
            .as_bytes(),
        );
        out
    }

    #[test]
    fn quotes_compare_without_white_space_and_typography() {
        assert!(quote_occurs(
            "Provider\u{2019}s control is\nexcluded.",
            "Provider's control is excluded"
        ));
        assert!(!quote_occurs("anything", "   "));
    }
}
