//! Clause provenance (issue 18): each attached document's text page by page
//! (or why it has none), and links from a contract version's term keys to a
//! page and a quote of a document. What a key means and whether a quote
//! occurs on its page is the use-case layer's to check; this module keeps
//! the records, append-only.

use crate::{audit, params, Ctx, Library, StoreError};
use serde::Serialize;

/// Why a document has text, or does not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(export)]
#[serde(rename_all = "kebab-case")]
pub enum TextStatus {
    /// A PDF with a text layer on at least one page.
    Text,
    /// A PDF without any text (a scan): reported, never guessed.
    NoText,
    /// Not a PDF: nothing to extract.
    NotPdf,
    /// A PDF that could not be read (damaged, encrypted, over the limits).
    Unreadable,
}

impl TextStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            TextStatus::Text => "text",
            TextStatus::NoText => "no-text",
            TextStatus::NotPdf => "not-pdf",
            TextStatus::Unreadable => "unreadable",
        }
    }
    fn parse(s: &str) -> TextStatus {
        match s {
            "text" => TextStatus::Text,
            "no-text" => TextStatus::NoText,
            "not-pdf" => TextStatus::NotPdf,
            _ => TextStatus::Unreadable,
        }
    }
}

/// A document's extracted text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct DocumentText {
    pub sha256: String,
    pub status: TextStatus,
    pub detail: String,
    /// Page 1 first; empty pages are empty strings.
    pub pages: Vec<String>,
}

/// A stored link, newest per (version, key).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct StoredLink {
    pub version: i64,
    pub key: String,
    pub document_sha256: String,
    pub file_name: String,
    pub page: i64,
    pub quote: String,
    pub linked_at: String,
    pub linked_by: String,
}

impl Library {
    /// Keeps a document's text (once per content: the same file attached
    /// twice has one text).
    pub fn put_document_text(&mut self, t: &DocumentText) -> Result<(), StoreError> {
        self.write(|tx| {
            let n = tx.execute(
                "INSERT INTO document_text (sha256, status, detail, pages) VALUES (?1, ?2, ?3, ?4) ON CONFLICT (sha256) DO NOTHING",
                params![t.sha256, t.status.as_str(), t.detail, t.pages.len() as i64],
            )?;
            if n == 1 {
                for (i, text) in t.pages.iter().enumerate() {
                    tx.execute(
                        "INSERT INTO document_pages (sha256, page, text) VALUES (?1, ?2, ?3)",
                        params![t.sha256, i as i64 + 1, text],
                    )?;
                }
            }
            Ok(())
        })
    }

    /// A document's text, if it was extracted.
    pub fn document_text(&self, sha256: &str) -> Result<Option<DocumentText>, StoreError> {
        let Some(head) = self.conn().query_opt(
            "SELECT status, detail FROM document_text WHERE sha256 = ?1",
            params![sha256],
        )?
        else {
            return Ok(None);
        };
        let pages = self
            .conn()
            .query(
                "SELECT text FROM document_pages WHERE sha256 = ?1 ORDER BY page",
                params![sha256],
            )?
            .iter()
            .map(|r| r.get(0))
            .collect::<Result<Vec<String>, _>>()?;
        Ok(Some(DocumentText {
            sha256: sha256.to_string(),
            status: TextStatus::parse(&head.get::<String>(0)?),
            detail: head.get(1)?,
            pages,
        }))
    }

    /// Records a link of `key` in version `version` of contract `id` to a
    /// page and quote of a document (checked by the caller), in the audit
    /// chain too.
    #[allow(clippy::too_many_arguments)]
    pub fn add_term_link(
        &mut self,
        ctx: &Ctx,
        id: &str,
        version: i64,
        key: &str,
        sha256: &str,
        page: i64,
        quote: &str,
    ) -> Result<(), StoreError> {
        let version_id = self
            .versions(id)?
            .into_iter()
            .find(|v| v.version == version)
            .map(|v| v.id)
            .ok_or_else(|| StoreError::NotFound {
                what: "contract version",
                id: format!("{id} v{version}"),
            })?;
        self.write(|tx| {
            tx.execute(
                "INSERT INTO term_links (version_id, key, document_sha256, page, quote, linked_at, linked_by) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                params![version_id, key, sha256, page, quote, crate::fmt_time(ctx.now), ctx.actor],
            )?;
            audit::append(
                tx,
                ctx,
                "contract.link",
                id,
                &serde_json::json!({ "version": version, "key": key, "document": sha256, "page": page, "quote": quote }),
            )
        })
    }

    /// The newest link of each key, for every version of contract `id`.
    pub fn term_links(&self, id: &str) -> Result<Vec<StoredLink>, StoreError> {
        let rows = self.conn().query(
            "SELECT v.version, l.key, l.document_sha256, \
               coalesce((SELECT MIN(d.file_name) FROM documents d WHERE d.contract_id = v.contract_id AND d.sha256 = l.document_sha256), ''), \
               l.page, l.quote, l.linked_at, l.linked_by \
             FROM term_links l JOIN contract_versions v ON v.id = l.version_id \
             WHERE v.contract_id = ?1 \
               AND l.id = (SELECT MAX(x.id) FROM term_links x WHERE x.version_id = l.version_id AND x.key = l.key) \
             ORDER BY v.version, l.key",
            params![id],
        )?;
        rows.iter()
            .map(|r| {
                Ok(StoredLink {
                    version: r.get(0)?,
                    key: r.get(1)?,
                    document_sha256: r.get(2)?,
                    file_name: r.get(3)?,
                    page: r.get(4)?,
                    quote: r.get(5)?,
                    linked_at: r.get(6)?,
                    linked_by: r.get(7)?,
                })
            })
            .collect()
    }
}
