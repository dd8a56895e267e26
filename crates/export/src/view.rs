//! What an export shows: one statement, as the library holds it.

use sla_engine::{ResultDoc, Terms};

#[derive(Debug, Clone)]
pub struct StatementView {
    pub number: String,
    /// DRAFT, FINAL, RESTATED (final, superseding another) or SUPERSEDED.
    pub status: String,
    pub our_party: String,
    pub terms: Terms,
    pub result: ResultDoc,
    pub data_cutoff: String,
    /// Fixed creation time of the files (the statement's, never "now").
    pub created_at: i64,
    /// The library's seal of a final statement.
    pub seal_sha256: Option<String>,
    pub terms_version: i64,
    pub engine_version: String,
    pub restatement: Option<String>,
    /// The signed audit-chain head that vouches for the seal (entry, hash,
    /// signed at): `verify --library` checks the library still holds it.
    pub chain_head: Option<ChainHead>,
    /// Numbers and dates for the reader (issue 16); times are in the
    /// contract's zone.
    pub locale: crate::locale::Locale,
    /// From a sample library (issue 16): the files say so.
    pub sample: bool,
    /// Where the contract says each term of the version used (issue 18):
    /// the links in force when the files were made. Empty when none.
    pub clauses: Vec<ClauseRow>,
}

/// One term with its clause, for the statement's appendix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClauseRow {
    pub key: String,
    pub value: String,
    pub document: String,
    pub sha256: String,
    pub page: i64,
    pub quote: String,
}

/// A signed audit-chain head; in a manifest, its fields in this order.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ChainHead {
    pub seq: i64,
    pub hash: String,
    pub signed_at: String,
}

impl StatementView {
    pub fn direction_text(&self) -> &'static str {
        self.terms
            .contract
            .direction
            .map_or("direction not stated", |d| d.describe())
    }

    /// A file-name-safe form of the statement number.
    pub fn file_stem(&self) -> String {
        self.number
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '-' || c == '.' {
                    c
                } else {
                    '_'
                }
            })
            .collect()
    }
}
