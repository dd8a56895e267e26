//! What an SLA Ledger PDF says about itself, read from its bytes: the
//! document-information keys the exports write (which statement or report
//! it is, its seal, the workbook's hash and the audit-chain head it was
//! exported under) and PDF dates. No PDF parser runs: these readers take
//! untrusted bytes and are bounded (a few candidates from the end, strings
//! of at most 4 KiB).

/// The statement's number (`ACME-2026-001/2026-10/1`).
pub const STATEMENT: &str = "SlaLedgerStatement";
/// The library's seal of the statement (empty for a draft).
pub const SEAL: &str = "SlaLedgerSeal";
/// SHA-256 (hex) of the companion workbook.
pub const XLSX_SHA256: &str = "SlaLedgerXlsxSha256";
/// The signed audit-chain head the statement was exported under: entry
/// number and hash (both empty when there is none).
pub const CHAIN_SEQ: &str = "SlaLedgerChainSeq";
pub const CHAIN_HASH: &str = "SlaLedgerChainHash";
/// A report's title (reports are not statements).
pub const REPORT: &str = "SlaLedgerReport";

/// What an SLA Ledger PDF says it is.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub enum PdfSubject {
    /// A statement: it names its number and seal.
    Statement(StatementInfo),
    /// A report (due diligence, executive summary), by its title.
    Report { title: String },
    /// Neither: not an SLA Ledger statement or report.
    Unknown,
}

/// A statement PDF's own keys.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct StatementInfo {
    pub number: String,
    /// Empty for a draft (drafts are not sealed).
    pub seal: String,
    pub xlsx_sha256: Option<String>,
    /// The signed audit-chain head (entry, hash), when both are given and
    /// the entry is a number.
    pub chain_head: Option<(i64, String)>,
}

/// Which statement or report `pdf` is, from its document information (the
/// last value of each key in the file). Only meaningful when a signature
/// covers the whole file.
pub fn read(pdf: &[u8]) -> PdfSubject {
    let info = |k: &str| pdf_info(pdf, k);
    match (info(STATEMENT), info(SEAL)) {
        (Some(number), Some(seal)) => PdfSubject::Statement(StatementInfo {
            number,
            seal,
            xlsx_sha256: info(XLSX_SHA256),
            chain_head: info(CHAIN_SEQ)
                .and_then(|s| s.parse::<i64>().ok())
                .zip(info(CHAIN_HASH)),
        }),
        _ => match info(REPORT) {
            Some(title) => PdfSubject::Report { title },
            None => PdfSubject::Unknown,
        },
    }
}

/// The statement seal a PDF carries, if any (`/SlaLedgerSeal`).
pub fn seal(pdf: &[u8]) -> Option<String> {
    pdf_info(pdf, SEAL)
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
pub(crate) fn literal_string(b: &[u8]) -> Option<String> {
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

fn rfind(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).rposition(|w| w == needle)
}
