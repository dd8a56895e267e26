//! The signed manifest of an exported final statement
//! (`<stem>.manifest.json`, signed detached as `<stem>.manifest.json.p7s`):
//! which statement, contract, period, status and seal, the files exported
//! with their SHA-256 and size, the signed audit-chain head the export ran
//! under, the signer and when.
//!
//! [`Manifest::to_json_bytes`] writes it (pretty JSON, keys in the order
//! below); [`Manifest::parse`] reads an untrusted one, its size and number
//! of files limited before anything is allocated for them; the `check_*`
//! methods compare it with files' bytes and a PDF's own keys, returning
//! what they found as data.

use crate::error::ExportError;
use crate::identity::Identity;
use crate::sign::{self, CmsCheck};
use crate::view::{ChainHead, StatementView};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};

/// The `schema` every manifest written so far carries.
pub const SCHEMA: &str = "sla-ledger-manifest/1";
/// Largest manifest read (ours are well under 2 KiB).
pub const MAX_BYTES: usize = 1 << 20;
/// Most files a manifest may list (ours list two: the PDF and the XLSX).
pub const MAX_FILES: usize = 64;

/// A statement's manifest. Fields serialise in this order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    pub schema: String,
    /// The statement's number.
    pub statement: String,
    /// The contract's id.
    pub contract: String,
    /// The period's label (`2026-10`).
    pub period: String,
    /// FINAL, RESTATED (final, superseding another) or SUPERSEDED.
    pub status: String,
    pub statement_seal_sha256: Option<String>,
    #[serde(deserialize_with = "bounded_files")]
    pub files: Vec<ManifestFile>,
    /// The signed audit-chain head (`seq`, `hash`, `signed_at`) that
    /// vouches for the seal.
    pub chain_head: Option<ChainHead>,
    /// The signer's subject (`CN=..., O=...`).
    pub signer: String,
    /// When it was signed, RFC 3339 UTC (`2026-11-28T10:40:00Z`).
    pub signed_at: String,
}

/// One exported file: its name beside the manifest, SHA-256 (lowercase
/// hex) and size.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ManifestFile {
    pub name: String,
    pub sha256: String,
    pub bytes: u64,
}

/// Why a manifest could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ManifestError {
    #[error("the manifest is {bytes} bytes, more than the {limit} a manifest may have")]
    TooLarge { bytes: usize, limit: usize },
    #[error("the manifest lists more than {limit} files")]
    TooManyFiles { limit: usize },
    #[error("the manifest is not an SLA Ledger manifest: {0}")]
    Invalid(String),
}

/// The lowercase hex SHA-256 of `bytes`, as a manifest lists it.
pub fn sha256_hex(bytes: &[u8]) -> String {
    format!("{:x}", Sha256::digest(bytes))
}

impl Manifest {
    /// The manifest of statement `v` exported as `files` (name beside the
    /// manifest, bytes), signed by `signer` at `signed_at` (seconds since
    /// the epoch).
    pub fn new(v: &StatementView, files: &[(&str, &[u8])], signer: &str, signed_at: i64) -> Self {
        Manifest {
            schema: SCHEMA.into(),
            statement: v.number.clone(),
            contract: v.terms.contract.id.clone(),
            period: v.result.period.label.clone(),
            status: v.status.clone(),
            statement_seal_sha256: v.seal_sha256.clone(),
            files: files
                .iter()
                .map(|(name, bytes)| ManifestFile {
                    name: name.to_string(),
                    sha256: sha256_hex(bytes),
                    bytes: bytes.len() as u64,
                })
                .collect(),
            chain_head: v.chain_head.clone(),
            signer: signer.into(),
            signed_at: sla_engine::time::fmt_instant(signed_at),
        }
    }

    /// The manifest as written: pretty-printed JSON, two-space indent, no
    /// trailing newline.
    pub fn to_json_bytes(&self) -> Vec<u8> {
        serde_json::to_vec_pretty(self).expect("a manifest serialises")
    }

    /// Reads an untrusted manifest: more than [`MAX_BYTES`] is refused
    /// before parsing, more than [`MAX_FILES`] files before they are
    /// collected. Every field must be there, of its type (the seal and the
    /// chain head may be `null` or left out); unknown fields are ignored.
    pub fn parse(bytes: &[u8]) -> Result<Manifest, ManifestError> {
        if bytes.len() > MAX_BYTES {
            return Err(ManifestError::TooLarge {
                bytes: bytes.len(),
                limit: MAX_BYTES,
            });
        }
        serde_json::from_slice(bytes).map_err(|e| {
            if e.to_string().starts_with(TOO_MANY_FILES) {
                ManifestError::TooManyFiles { limit: MAX_FILES }
            } else {
                ManifestError::Invalid(e.to_string())
            }
        })
    }

    /// The listed files whose name is a file beside the manifest, never a
    /// path (no `/` or `\`, not `..`); others are never opened or matched.
    pub fn listed(&self) -> impl Iterator<Item = &ManifestFile> {
        self.files.iter().filter(|f| is_plain_name(&f.name))
    }

    /// The SHA-256 listed for `name` (the first entry of that name).
    pub fn expected_sha256(&self, name: &str) -> Option<&str> {
        self.listed()
            .find(|f| f.name == name)
            .map(|f| f.sha256.as_str())
    }

    /// The first listed PDF (the statement the manifest was signed with).
    pub fn pdf(&self) -> Option<&ManifestFile> {
        self.listed()
            .find(|f| f.name.to_lowercase().ends_with(".pdf"))
    }

    /// `signed_at` as seconds since the epoch, if it is RFC 3339.
    pub fn signed_at_unix(&self) -> Option<i64> {
        chrono::DateTime::parse_from_rfc3339(&self.signed_at)
            .ok()
            .map(|d| d.timestamp())
    }

    /// The chain head as (entry, hash), as the library is asked about it.
    pub fn chain_head_entry(&self) -> Option<(i64, String)> {
        self.chain_head.as_ref().map(|h| (h.seq, h.hash.clone()))
    }

    /// Compares file `name` (its `bytes`, `None` when it could not be read)
    /// with the manifest.
    pub fn check_file(&self, name: &str, bytes: Option<&[u8]>) -> FileCheck {
        FileCheck {
            name: name.into(),
            expected: self.expected_sha256(name).map(str::to_string),
            actual: bytes.map(sha256_hex),
        }
    }

    /// Compares every listed file with its bytes, read by `read(name)`
    /// (`None` when it cannot be read), in the manifest's order.
    pub fn check_files(&self, mut read: impl FnMut(&str) -> Option<Vec<u8>>) -> Vec<FileCheck> {
        self.listed()
            .map(|f| {
                let bytes = read(&f.name);
                self.check_file(&f.name, bytes.as_deref())
            })
            .collect()
    }

    /// Whether `pdf` (the bytes of the listed PDF) carries the manifest's
    /// seal (`/SlaLedgerSeal`).
    pub fn check_pdf_seal(&self, pdf: &[u8]) -> SealCheck {
        SealCheck {
            pdf_seal: crate::pdfmeta::seal(pdf),
            manifest_seal: self.statement_seal_sha256.clone(),
        }
    }
}

const TOO_MANY_FILES: &str = "too many files";

/// `files`, refused past [`MAX_FILES`] entries while they are read.
fn bounded_files<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<ManifestFile>, D::Error> {
    struct Files;
    impl<'de> serde::de::Visitor<'de> for Files {
        type Value = Vec<ManifestFile>;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            write!(f, "a list of at most {MAX_FILES} files")
        }
        fn visit_seq<A: serde::de::SeqAccess<'de>>(
            self,
            mut seq: A,
        ) -> Result<Self::Value, A::Error> {
            let mut out = Vec::new();
            while let Some(f) = seq.next_element::<ManifestFile>()? {
                if out.len() == MAX_FILES {
                    return Err(serde::de::Error::custom(TOO_MANY_FILES));
                }
                out.push(f);
            }
            Ok(out)
        }
    }
    d.deserialize_seq(Files)
}

fn is_plain_name(name: &str) -> bool {
    !(name.contains(['/', '\\']) || name == "..")
}

/// One file compared with the manifest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FileCheck {
    pub name: String,
    /// What the manifest lists for it; `None` when it is not listed.
    pub expected: Option<String>,
    /// The SHA-256 of its bytes; `None` when it could not be read.
    pub actual: Option<String>,
}

impl FileCheck {
    /// Listed, readable, and the same SHA-256.
    pub fn holds(&self) -> bool {
        self.expected.is_some() && self.expected == self.actual
    }

    /// What `verify` says of it.
    pub fn detail(&self) -> String {
        if self.holds() {
            format!("SHA-256 as signed ({})", self.name)
        } else {
            format!(
                "SHA-256 {} but the manifest says {} ({})",
                self.actual.as_deref().unwrap_or("unreadable"),
                self.expected.as_deref().unwrap_or("nothing"),
                self.name
            )
        }
    }
}

/// The seal a PDF carries compared with its manifest's.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SealCheck {
    pub pdf_seal: Option<String>,
    pub manifest_seal: Option<String>,
}

impl SealCheck {
    /// The same seal, or both without one.
    pub fn holds(&self) -> bool {
        self.pdf_seal == self.manifest_seal
    }

    /// What `verify` says of it.
    pub fn detail(&self) -> String {
        if self.holds() {
            "the PDF and the manifest carry the same seal".to_string()
        } else {
            format!(
                "the PDF's seal is {} but the manifest's is {}",
                self.pdf_seal.as_deref().unwrap_or("missing"),
                self.manifest_seal.as_deref().unwrap_or("missing")
            )
        }
    }
}

/// The manifest beside `file` (`X.pdf`, `X.xlsx` -> `X.manifest.json`); a
/// manifest is its own.
pub fn path_for(file: &Path) -> PathBuf {
    let name = file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    if name.to_lowercase().ends_with(".manifest.json") {
        return file.to_path_buf();
    }
    let stem = name
        .rsplit_once('.')
        .map_or(name.as_str(), |(s, _)| s)
        .to_string();
    file.with_file_name(format!("{stem}.manifest.json"))
}

/// The detached signature of the manifest at `manifest` (`.p7s` appended).
pub fn signature_path(manifest: &Path) -> PathBuf {
    manifest.with_file_name(format!(
        "{}.p7s",
        manifest.file_name().unwrap_or_default().to_string_lossy()
    ))
}

/// Signs the manifest's bytes: a detached CMS over their SHA-256.
pub fn sign(manifest_bytes: &[u8], id: &Identity) -> Result<Vec<u8>, ExportError> {
    sign::cms_detached(id, &Sha256::digest(manifest_bytes))
}

/// Checks the detached signature `p7s` of the manifest's bytes.
pub fn check_signature(manifest_bytes: &[u8], p7s: &[u8]) -> Result<CmsCheck, ExportError> {
    sign::check_cms(p7s, &Sha256::digest(manifest_bytes))
}
