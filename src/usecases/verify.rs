//! `verify`: statement files (PDF, XLSX, signed manifest) and reports,
//! judged as an auditor would. Each file ends in one of three states, as in
//! PAdES validation:
//!
//! * **trusted**: intact, and signed by a certificate that chains to one
//!   trusted beforehand (the library's pinned organisation certificate, or
//!   one given with `--trust`), valid at the signing time;
//! * **untrusted**: intact, but the signer is not trusted (another key, an
//!   unknown issuer, an expired certificate): anyone could have made it;
//! * **broken**: changed after signing, malformed, not an SLA Ledger file,
//!   or not what the library holds.
//!
//! Exit status: 0 when every file is trusted, 3 when any is broken, else 4.

use crate::AppError;
use serde::Serialize;
use sla_export::trust::{self, Anchors};
use sla_export::{manifest, sign, Certificate, Manifest};
use sla_store::Library;
use std::path::{Path, PathBuf};

/// Largest file `verify` reads (statements are a few hundred KiB).
pub const MAX_FILE_BYTES: u64 = 256 << 20;
/// Largest manifest read.
const MAX_MANIFEST_BYTES: u64 = 1 << 20;

pub use crate::error::{EXIT_BROKEN, EXIT_UNTRUSTED};

/// One check of `verify`: what was checked, whether it holds, and whether a
/// failure means the bytes do not hold (`integrity`) or the signer is not
/// trusted (`trust`); `note`s never fail.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct Finding {
    pub file: String,
    pub check: String,
    pub holds: bool,
    pub detail: String,
    pub kind: String,
}

/// The verdict on one file given to `verify`.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct FileVerdict {
    pub file: String,
    /// `trusted`, `untrusted` or `broken`.
    pub state: String,
    pub signer: Option<String>,
    pub summary: String,
}

#[derive(Debug, Clone, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct VerifyReport {
    pub files: Vec<FileVerdict>,
    pub findings: Vec<Finding>,
}

impl VerifyReport {
    /// 0 all trusted, 3 any broken, 4 otherwise (intact but untrusted).
    pub fn exit_code(&self) -> i32 {
        if self.files.iter().any(|f| f.state == "broken") {
            EXIT_BROKEN
        } else if self.files.iter().any(|f| f.state != "trusted") {
            EXIT_UNTRUSTED
        } else {
            0
        }
    }
}

struct Checks<'a> {
    file: PathBuf,
    out: &'a mut Vec<Finding>,
    signer: Option<String>,
}

impl Checks<'_> {
    fn add(&mut self, kind: &str, check: &str, holds: bool, detail: impl Into<String>) {
        self.out.push(Finding {
            file: self.file.display().to_string(),
            check: check.into(),
            holds,
            detail: detail.into(),
            kind: kind.into(),
        });
    }
    fn integrity(&mut self, check: &str, holds: bool, detail: impl Into<String>) {
        self.add("integrity", check, holds, detail);
    }
    fn note(&mut self, check: &str, detail: impl Into<String>) {
        self.add("note", check, true, detail);
    }
    fn trust(&mut self, check: &str, t: &trust::SignerTrust) {
        let detail = match (&t.anchor, &t.problem) {
            (Some(a), _) if t.trusted => format!("signed by {}, trusted through {a}", t.signer),
            (_, Some(p)) => p.clone(),
            _ => format!("signed by {}", t.signer),
        };
        self.signer.get_or_insert_with(|| t.signer.clone());
        self.add("trust", check, t.trusted, detail);
    }
}

fn read_limited(path: &Path, limit: u64) -> Result<Vec<u8>, String> {
    let meta = std::fs::metadata(path).map_err(|e| format!("cannot read it: {e}"))?;
    if meta.len() > limit {
        return Err(format!(
            "it is {} bytes, more than the {limit} verify reads",
            meta.len()
        ));
    }
    std::fs::read(path).map_err(|e| format!("cannot read it: {e}"))
}

/// Verifies statement files (PDF, XLSX, manifest) against the library's
/// trusted certificates (when there is a library) or the PEM certificates
/// in `trust_files` (which replace them): each file ends trusted, intact
/// but untrusted, or broken.
pub fn files(
    s: Option<&super::Session>,
    files: &[String],
    trust_files: &[String],
) -> Result<VerifyReport, AppError> {
    let extra = super::identity::read_trust_files(trust_files)?;
    verify(files, s.map(|s| &s.lib), &extra)
}

/// Checks every file; one file's problem never stops the others.
pub fn verify(
    files: &[String],
    lib: Option<&Library>,
    extra_trust: &[Certificate],
) -> Result<VerifyReport, AppError> {
    let anchors = super::identity::anchors(lib, extra_trust)?;
    let mut report = VerifyReport {
        files: Vec::new(),
        findings: Vec::new(),
    };
    for f in files {
        let start = report.findings.len();
        let path = Path::new(f);
        let mut c = Checks {
            file: path.to_path_buf(),
            out: &mut report.findings,
            signer: None,
        };
        if anchors.is_empty() {
            c.note("trust", "no trusted certificate: give the library (--library) or the signer's organisation certificate (--trust FILE)");
        }
        let lower = f.to_lowercase();
        if lower.ends_with(".pdf") {
            pdf(&mut c, path, lib, &anchors);
        } else if lower.ends_with(".xlsx") || lower.ends_with(".manifest.json") {
            manifest(&mut c, path, lib, &anchors);
        } else {
            c.integrity("type", false, "not a PDF, XLSX or manifest");
        }
        let signer = c.signer.take();
        report
            .files
            .push(verdict(f, signer, &report.findings[start..]));
    }
    Ok(report)
}

fn verdict(file: &str, signer: Option<String>, findings: &[Finding]) -> FileVerdict {
    let failing = |kind: &str| {
        findings
            .iter()
            .filter(|x| x.kind == kind && !x.holds)
            .map(|x| format!("{}: {}", x.check, x.detail))
            .collect::<Vec<_>>()
    };
    let (broken, untrusted) = (failing("integrity"), failing("trust"));
    let (state, summary) = if !broken.is_empty() {
        ("broken", broken.join("; "))
    } else if !untrusted.is_empty() {
        ("untrusted", format!("intact, but {}", untrusted.join("; ")))
    } else {
        (
            "trusted",
            format!(
                "intact and signed by {}, whom this library trusts",
                signer.as_deref().unwrap_or("?")
            ),
        )
    };
    FileVerdict {
        file: file.into(),
        state: state.into(),
        signer,
        summary,
    }
}

fn pdf(c: &mut Checks<'_>, path: &Path, lib: Option<&Library>, anchors: &Anchors) {
    let bytes = match read_limited(path, MAX_FILE_BYTES) {
        Ok(b) => b,
        Err(e) => return c.integrity("PDF signature", false, e),
    };
    let s = match sign::verify_pdf(&bytes) {
        Ok(s) => s,
        Err(e) => return c.integrity("PDF signature", false, e.to_string()),
    };
    let intact = s.digest_matches && s.signature_valid;
    c.integrity(
        "PDF signature",
        intact,
        if intact {
            "the signed bytes are unchanged and the signature verifies"
        } else {
            "the document was CHANGED after signing or the signature is invalid"
        },
    );
    c.integrity(
        "whole document signed",
        s.covers_whole_file,
        if s.covers_whole_file {
            "the signature covers the whole file"
        } else {
            "bytes outside the signed range (changes appended after signing)"
        },
    );
    c.integrity(
        "certification",
        s.certification_no_changes,
        if s.certification_no_changes {
            "certified: no changes allowed"
        } else {
            "not a certification signature"
        },
    );
    if let Some(cert) = &s.signer_cert {
        c.trust(
            "signer",
            &trust::evaluate(cert, &s.certs, s.signing_time_unix, anchors),
        );
    }
    let info = |k: &str| sign::pdf_info(&bytes, k);
    match (info("SlaLedgerStatement"), info("SlaLedgerSeal")) {
        (Some(n), Some(seal)) => {
            c.note("statement", format!("statement {n}, seal {seal}"));
            let head = info("SlaLedgerChainSeq")
                .and_then(|s| s.parse::<i64>().ok())
                .zip(info("SlaLedgerChainHash"));
            library_record(c, lib, &n, &seal, head);
        }
        _ => match info("SlaLedgerReport") {
            Some(title) => c.note("report", format!("SLA Ledger report: {title}")),
            None => c.integrity(
                "SLA Ledger metadata",
                false,
                "this signed PDF does not say which statement or report it is (no SlaLedgerStatement or SlaLedgerReport in its document information): it is not an SLA Ledger statement",
            ),
        },
    }
}

fn manifest(c: &mut Checks<'_>, path: &Path, lib: Option<&Library>, anchors: &Anchors) {
    let mpath = manifest::path_for(path);
    let p7s_path = manifest::signature_path(&mpath);
    let (m, p7s) = match (
        read_limited(&mpath, MAX_MANIFEST_BYTES),
        read_limited(&p7s_path, MAX_MANIFEST_BYTES),
    ) {
        (Ok(m), Ok(p)) => (m, p),
        (Err(e), _) | (_, Err(e)) => {
            // Say why (missing, unreadable, over the size limit).
            return c.integrity(
                "manifest",
                false,
                format!(
                    "no signed manifest {} with its .p7s (drafts have none): {e}",
                    mpath.display()
                ),
            );
        }
    };
    let cms = match manifest::check_signature(&m, &p7s) {
        Ok(x) => x,
        Err(e) => return c.integrity("manifest signature", false, e.to_string()),
    };
    let intact = cms.digest_matches && cms.signature_valid;
    c.integrity(
        "manifest signature",
        intact,
        if intact {
            "the manifest is as signed"
        } else {
            "the manifest was CHANGED or the signature is invalid"
        },
    );
    let mf = match Manifest::parse(&m) {
        Ok(mf) => mf,
        Err(e) => {
            return c.integrity(
                "manifest",
                false,
                format!("the manifest cannot be read: {e}"),
            )
        }
    };
    c.trust(
        "manifest signer",
        &trust::evaluate(&cms.signer, &cms.certs, mf.signed_at_unix(), anchors),
    );
    // The manifest itself: every file it lists; a PDF or workbook: itself.
    let names: Vec<String> = if mpath == path {
        mf.listed().map(|f| f.name.clone()).collect()
    } else {
        vec![path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default()]
    };
    for name in names {
        let bytes = read_limited(&mpath.with_file_name(&name), MAX_FILE_BYTES).ok();
        let f = mf.check_file(&name, bytes.as_deref());
        c.integrity("matches the signed manifest", f.holds(), f.detail());
    }
    same_signer_as_pdf(c, &mpath, &mf, &cms.signer);
    match mf.statement_seal_sha256.as_deref() {
        Some(seal) => library_record(c, lib, &mf.statement, seal, mf.chain_head_entry()),
        None => c.integrity("manifest", false, "the manifest names no statement seal"),
    }
}

/// The manifest and the PDF it lists must be signed by the same certificate
/// and speak of the same statement and seal.
fn same_signer_as_pdf(
    c: &mut Checks<'_>,
    mpath: &Path,
    mf: &Manifest,
    manifest_signer: &Certificate,
) {
    let Some(pdf_name) = mf.pdf().map(|f| f.name.clone()) else {
        return c.integrity("same signer as the PDF", false, "the manifest lists no PDF");
    };
    let Ok(bytes) = read_limited(&mpath.with_file_name(&pdf_name), MAX_FILE_BYTES) else {
        return c.integrity(
            "same signer as the PDF",
            false,
            format!("{pdf_name} is not beside the manifest: its signer cannot be compared"),
        );
    };
    let Ok(s) = sign::verify_pdf(&bytes) else {
        return c.integrity(
            "same signer as the PDF",
            false,
            format!("{pdf_name} has no readable signature"),
        );
    };
    let same = s
        .signer_cert
        .as_ref()
        .is_some_and(|p| trust::fingerprint(p) == trust::fingerprint(manifest_signer));
    c.integrity(
        "same signer as the PDF",
        same,
        if same {
            format!("{pdf_name} and the manifest are signed with the same certificate")
        } else {
            format!(
                "{pdf_name} is signed by {} but the manifest by {}",
                s.signer, manifest_signer.tbs_certificate.subject
            )
        },
    );
    let seal = mf.check_pdf_seal(&bytes);
    c.integrity("same statement as the PDF", seal.holds(), seal.detail());
}

/// The statement as the library holds it: its seal re-derived from the
/// stored rows, its status, and the signed chain head the file was
/// exported under.
fn library_record(
    c: &mut Checks<'_>,
    lib: Option<&Library>,
    number: &str,
    seal: &str,
    head: Option<(i64, String)>,
) {
    let Some(lib) = lib else {
        return c.note(
            "library record",
            "not compared with a library (none given): the signature alone vouches for it",
        );
    };
    let s = match lib.statement(number) {
        Ok(s) => s,
        Err(_) => {
            return c.integrity(
                "library record",
                false,
                format!("statement {number} is not in this library"),
            )
        }
    };
    let derived = lib.rederive_seal(s.info.id).ok().flatten();
    let same = derived.as_deref() == Some(seal) && s.info.sha256.as_deref() == Some(seal);
    let status = &s.info.status;
    c.integrity(
        "library record",
        same && *status != sla_store::StatementStatus::Draft,
        format!(
            "statement {number} is {status} in the library; its seal {}",
            if same {
                "matches (re-derived from the stored record)"
            } else {
                "does NOT match the stored record"
            }
        ),
    );
    if *status == sla_store::StatementStatus::Superseded {
        c.integrity(
            "current",
            false,
            format!(
                "statement {number} was superseded by a restatement (statement id {})",
                s.info.superseded_by.unwrap_or_default()
            ),
        );
    }
    match head {
        None => c.integrity(
            "audit history",
            false,
            "the file names no signed audit-chain head, so the library's history cannot be checked against it",
        ),
        Some((seq, hash)) => {
            let now = lib.entry_hash(seq).ok().flatten();
            let signed = lib
                .anchors()
                .map(|a| a.iter().any(|a| a.seq == seq && a.hash == hash))
                .unwrap_or(false);
            let holds = now.as_deref() == Some(hash.as_str()) && signed;
            c.integrity(
                "audit history",
                holds,
                if holds {
                    format!("the library's audit chain still holds the signed head it was exported under (entry {seq})")
                } else {
                    format!("the library's history changed since this file was exported: its signed head (entry {seq}, {}…) is not in the library's chain", hash.get(..12).unwrap_or(&hash))
                },
            );
        }
    }
}
