//! Signatures: detached CMS (for manifests) and PAdES baseline B-B on PDFs
//! (`/SubFilter /ETSI.CAdES.detached`; signed attributes content-type,
//! message-digest and signing-certificate-v2; `/M` set), as a certification
//! signature (DocMDP P=1: no changes allowed) appended as an incremental
//! update. And the checks `verify` runs on them.
//!
//! [`cms`] makes and checks CMS signatures, [`pades`] certifies a PDF,
//! [`verify`] checks a PDF's signature from its bytes; the document
//! information a PDF carries is read by [`crate::pdfmeta`].

mod cms;
mod pades;
mod verify;

pub use self::cms::{check_cms, cms_detached, verify_cms};
pub use self::pades::sign_pdf;
pub use self::verify::{signature_dict, verify_pdf};
pub use crate::pdfmeta::{pdf_date, pdf_info};

use crate::error::ExportError;
use x509_cert::Certificate;

fn sign_err(e: impl std::fmt::Display) -> ExportError {
    ExportError::Sign(e.to_string())
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
