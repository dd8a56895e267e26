//! Contracts and their versions. A contract is added from a terms file; every
//! later change is a new version with who, when, why and the dates it applies
//! to, so a temporary amendment (lower targets during a migration) applies
//! only to its months and the earlier terms resume after it. Versions are
//! never edited (the schema refuses).

use crate::db::Conn;
use crate::{audit, params, sha256_hex, Backend, Ctx, Library, StoreError};
use chrono::{Datelike, NaiveDate};
use serde::Serialize;
use serde_json::json;
use sla_engine::Terms;
use std::path::Path;

#[derive(Debug, Clone, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct VersionInfo {
    pub id: i64,
    pub version: i64,
    pub applies_from: String,
    pub applies_to: Option<String>,
    pub author: String,
    pub reason: String,
    pub created_at: String,
    pub terms_sha256: String,
}

#[derive(Debug, Clone, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct ContractSummary {
    pub id: String,
    pub title: Option<String>,
    pub counterparty: Option<String>,
    pub direction: Option<crate::Direction>,
    pub currency: String,
    pub owner: Option<String>,
    pub governing_law: Option<String>,
    pub versions: i64,
    pub sla_terms: i64,
    pub last_statement: Option<String>,
    pub next_claim_deadline: Option<String>,
    /// `upcoming`, `active` or `ended` on the filter's `today` (the first
    /// version's start and the last version's end); `active` when no day is
    /// given.
    pub status: String,
}

#[derive(Debug, Clone, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct DocumentInfo {
    pub id: i64,
    pub file_name: String,
    pub sha256: String,
    pub size_bytes: i64,
    pub added_by: String,
    pub added_at: String,
}

#[derive(Debug, Clone, Default)]
pub struct ContractFilter {
    /// Matches id, title, counterparty, owner or governing law (any case).
    pub search: Option<String>,
    pub direction: Option<crate::Direction>,
    pub counterparty: Option<String>,
    /// `upcoming`, `active` or `ended` on `today`.
    pub status: Option<String>,
    /// The day the status is judged on (the caller's, never the system clock).
    pub today: Option<NaiveDate>,
}

pub(crate) fn read_terms(path: &str) -> Result<(String, Terms), StoreError> {
    let text = std::fs::read_to_string(path).map_err(|source| StoreError::Io {
        path: path.into(),
        source,
    })?;
    let terms = Terms::parse(&text).map_err(|e| StoreError::InvalidTerms {
        path: path.into(),
        problems: e.problems,
    })?;
    Ok((text, terms))
}

/// What a new version is: its number, the dates it applies to, and why.
struct NewVersion<'a> {
    version: i64,
    from: NaiveDate,
    to: Option<NaiveDate>,
    reason: &'a str,
}

fn insert_version(
    tx: &Conn,
    ctx: &Ctx,
    terms: &Terms,
    text: &str,
    v: NewVersion<'_>,
) -> Result<i64, StoreError> {
    let NewVersion {
        version,
        from,
        to,
        reason,
    } = v;
    let c = &terms.contract;
    let id = tx.insert_id(
        "INSERT INTO contract_versions (contract_id, version, terms_toml, terms_sha256, applies_from, applies_to, title, counterparty, direction, currency, timezone, owner, governing_law, sla_count, author, reason, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17) RETURNING id",
        params![
            c.id,
            version,
            text,
            sha256_hex(text.as_bytes()),
            from.to_string(),
            to.map(|d| d.to_string()),
            c.title,
            c.counterparty,
            c.direction.map(|d| d.name()),
            c.currency,
            c.timezone.name(),
            c.owner,
            c.governing_law,
            terms.slas.len() as i64,
            ctx.actor,
            reason,
            crate::fmt_time(ctx.now)
        ],
    )?;
    for s in &terms.services {
        tx.execute("INSERT INTO contract_services (version_id, service_id, name, monthly_fee) VALUES (?1, ?2, ?3, ?4)", params![id, s.id, s.name, s.monthly_fee.to_string()])?;
    }
    Ok(id)
}

impl Library {
    /// Adds a contract from a terms file (version 1).
    pub fn add_contract(&mut self, ctx: &Ctx, terms_path: &str) -> Result<String, StoreError> {
        self.add_contract_with_documents(ctx, terms_path, &[])
    }

    /// Adds a contract with its signed documents, all or nothing: every file
    /// is read before anything is written, and the contract and its
    /// documents are one transaction.
    pub fn add_contract_with_documents(
        &mut self,
        ctx: &Ctx,
        terms_path: &str,
        documents: &[String],
    ) -> Result<String, StoreError> {
        let (text, terms) = read_terms(terms_path)?;
        let docs = documents
            .iter()
            .map(|d| read_document(d))
            .collect::<Result<Vec<_>, _>>()?;
        let mut created = Vec::new();
        for d in &docs {
            if self.store_blob(d)? {
                created.push(d.sha.clone());
            }
        }
        let id = terms.contract.id.clone();
        let out = self.write(|tx| {
            let exists: bool = tx.query_one("SELECT EXISTS (SELECT 1 FROM contracts WHERE id = ?1)", params![id])?.get(0)?;
            if exists {
                return Err(StoreError::Conflict(format!("contract `{id}` is already in the library: use `contracts amend` to change its terms")));
            }
            tx.execute("INSERT INTO contracts (id, created_at, created_by) VALUES (?1, ?2, ?3)", params![id, crate::fmt_time(ctx.now), ctx.actor])?;
            let c = &terms.contract;
            let vid = insert_version(tx, ctx, &terms, &text, NewVersion { version: 1, from: c.effective_from, to: c.effective_to, reason: "original terms" })?;
            audit::append(tx, ctx, "contract.add", &id, &json!({ "version": 1, "version_id": vid, "file": terms_path, "terms_sha256": sha256_hex(text.as_bytes()) }))?;
            for d in &docs {
                insert_document(tx, ctx, &id, d)?;
            }
            Ok(id.clone())
        });
        if out.is_err() {
            for sha in &created {
                self.unstore_blob(sha, true);
            }
        }
        out
    }

    /// Writes a document under its hash; true when this call created it.
    /// A PostgreSQL library keeps the bytes in the database instead, in
    /// the transaction that records the document ([`insert_document`]).
    fn store_blob(&self, doc: &Document) -> Result<bool, StoreError> {
        if self.backend() == Backend::Postgres {
            return Ok(false);
        }
        let stored = self.dir().join("documents").join(&doc.sha);
        // A file already under this hash is kept only if it really is this
        // document (it opens, and hashes to its name); anything else there
        // is replaced.
        if stored.exists() && self.read_blob(&doc.sha).is_some_and(|b| b == doc.bytes) {
            return Ok(false);
        }
        // Write beside, then rename: a crash never leaves half a file under
        // a hash name.
        let tmp = self
            .dir()
            .join("documents")
            .join(format!(".{}.part", doc.sha));
        std::fs::write(&tmp, self.blob_on_disk(&doc.sha, &doc.bytes))
            .and_then(|_| std::fs::rename(&tmp, &stored))
            .map_err(|source| StoreError::Io {
                path: stored.display().to_string(),
                source,
            })?;
        Ok(true)
    }

    /// Removes a blob this operation created when its transaction failed.
    fn unstore_blob(&self, sha: &str, created: bool) {
        if created {
            let _ = std::fs::remove_file(self.dir().join("documents").join(sha));
        }
    }

    /// Adds a version that applies from `from` to `to` (inclusive local
    /// dates). Statements are monthly, so the range must cover whole months:
    /// `from` a first day, `to` a last day.
    pub fn amend_contract(
        &mut self,
        ctx: &Ctx,
        id: &str,
        terms_path: &str,
        from: NaiveDate,
        to: Option<NaiveDate>,
        reason: &str,
    ) -> Result<i64, StoreError> {
        let (text, terms) = read_terms(terms_path)?;
        self.amend_contract_text(ctx, id, terms_path, &text, &terms, from, to, reason)
    }

    /// Adds a version from terms already read and validated (the app's
    /// terms form); `terms_path` names where they came from in messages.
    #[allow(clippy::too_many_arguments)]
    pub fn amend_contract_text(
        &mut self,
        ctx: &Ctx,
        id: &str,
        terms_path: &str,
        text: &str,
        terms: &Terms,
        from: NaiveDate,
        to: Option<NaiveDate>,
        reason: &str,
    ) -> Result<i64, StoreError> {
        if terms.contract.id != id {
            return Err(StoreError::Conflict(format!(
                "{terms_path} is for contract `{}`, not `{id}`",
                terms.contract.id
            )));
        }
        if from.day() != 1 {
            return Err(StoreError::Conflict(format!("an amendment applies from the first day of a month (statements are monthly), not {from}")));
        }
        if let Some(to) = to {
            if (to + chrono::Duration::days(1)).day() != 1 || to < from {
                return Err(StoreError::Conflict(format!(
                    "an amendment applies to the last day of a month on or after {from}, not {to}"
                )));
            }
        }
        if reason.trim().is_empty() {
            return Err(StoreError::Conflict("an amendment needs a reason".into()));
        }
        self.write(|tx| {
            let current: Option<i64> = tx.query_one("SELECT MAX(version) FROM contract_versions WHERE contract_id = ?1", params![id])?.get(0)?;
            let Some(current) = current else { return Err(StoreError::NotFound { what: "contract", id: id.into() }) };
            let version = current + 1;
            let vid = insert_version(tx, ctx, terms, text, NewVersion { version, from, to, reason: reason.trim() })?;
            audit::append(tx, ctx, "contract.amend", id, &json!({ "version": version, "version_id": vid, "applies_from": from.to_string(), "applies_to": to.map(|d| d.to_string()), "reason": reason.trim(), "terms_sha256": sha256_hex(text.as_bytes()) }))?;
            Ok(version)
        })
    }

    pub fn versions(&self, id: &str) -> Result<Vec<VersionInfo>, StoreError> {
        let v: Vec<VersionInfo> = self
            .conn()
            .query("SELECT id, version, applies_from, applies_to, author, reason, created_at, terms_sha256 FROM contract_versions WHERE contract_id = ?1 ORDER BY version", params![id])?
            .iter()
            .map(|r| {
                Ok(VersionInfo {
                    id: r.get(0)?,
                    version: r.get(1)?,
                    applies_from: r.get(2)?,
                    applies_to: r.get(3)?,
                    author: r.get(4)?,
                    reason: r.get(5)?,
                    created_at: r.get(6)?,
                    terms_sha256: r.get(7)?,
                })
            })
            .collect::<Result<_, StoreError>>()?;
        if v.is_empty() {
            return Err(StoreError::NotFound {
                what: "contract",
                id: id.into(),
            });
        }
        Ok(v)
    }

    /// The stored terms text of a version (the latest when `None`), byte for
    /// byte as it was added.
    pub fn export_terms(&self, id: &str, version: Option<i64>) -> Result<String, StoreError> {
        let v = match version {
            Some(v) => v,
            None => self.versions(id)?.last().map(|v| v.version).unwrap_or(1),
        };
        self.conn()
            .query_opt(
                "SELECT terms_toml FROM contract_versions WHERE contract_id = ?1 AND version = ?2",
                params![id, v],
            )?
            .map(|r| r.get(0))
            .transpose()?
            .ok_or_else(|| StoreError::NotFound {
                what: "contract version",
                id: format!("{id} v{v}"),
            })
    }

    pub fn terms_of(&self, id: &str, version: Option<i64>) -> Result<Terms, StoreError> {
        let text = self.export_terms(id, version)?;
        Terms::parse(&text).map_err(|e| StoreError::InvalidTerms {
            path: format!("{id} (stored)"),
            problems: e.problems,
        })
    }

    /// A unified diff between two versions' terms.
    pub fn diff_versions(&self, id: &str, a: i64, b: i64) -> Result<String, StoreError> {
        let (ta, tb) = (
            self.export_terms(id, Some(a))?,
            self.export_terms(id, Some(b))?,
        );
        Ok(similar::TextDiff::from_lines(&ta, &tb)
            .unified_diff()
            .header(&format!("{id} v{a}"), &format!("{id} v{b}"))
            .to_string())
    }

    /// The version in force for a month: the newest version whose date range
    /// overlaps the month (amendments cover whole months).
    pub fn version_for_month(
        &self,
        id: &str,
        first: NaiveDate,
        last: NaiveDate,
    ) -> Result<Option<(i64, i64)>, StoreError> {
        self.conn()
            .query_opt(
                "SELECT id, version FROM contract_versions WHERE contract_id = ?1 AND applies_from <= ?3 AND (applies_to IS NULL OR applies_to >= ?2) ORDER BY version DESC LIMIT 1",
                params![id, first.to_string(), last.to_string()],
            )?
            .map(|r| Ok((r.get(0)?, r.get(1)?)))
            .transpose()
    }

    pub fn contract_ids(&self) -> Result<Vec<String>, StoreError> {
        self.conn()
            .query("SELECT id FROM contracts ORDER BY id", params![])?
            .iter()
            .map(|r| r.get(0))
            .collect()
    }

    pub fn list_contracts(&self, f: &ContractFilter) -> Result<Vec<ContractSummary>, StoreError> {
        let rows = self.conn().query(
                "SELECT v.contract_id, v.title, v.counterparty, v.direction, v.currency, v.owner, v.governing_law,
                        (SELECT COUNT(*) FROM contract_versions x WHERE x.contract_id = v.contract_id), v.sla_count,
                        (SELECT s.period || ' ' || s.status FROM statements s WHERE s.contract_id = v.contract_id AND s.status <> 'superseded' ORDER BY s.period DESC, s.id DESC LIMIT 1),
                        (SELECT MIN(c.deadline) FROM claims c WHERE c.contract_id = v.contract_id AND c.state = 'eligible'),
                        st.status
                 FROM contract_versions v
                 JOIN (SELECT contract_id,
                              CASE WHEN CAST(?4 AS TEXT) IS NULL THEN 'active'
                                   WHEN MIN(applies_from) > ?4 THEN 'upcoming'
                                   WHEN SUM(CASE WHEN applies_to IS NULL THEN 1 ELSE 0 END) = 0 AND MAX(applies_to) < ?4 THEN 'ended'
                                   ELSE 'active' END AS status
                       FROM contract_versions GROUP BY contract_id) st ON st.contract_id = v.contract_id
                 WHERE v.version = (SELECT MAX(version) FROM contract_versions y WHERE y.contract_id = v.contract_id)
                   AND (CAST(?5 AS TEXT) IS NULL OR st.status = ?5)
                   AND (CAST(?1 AS TEXT) IS NULL OR lower(v.contract_id || ' ' || coalesce(v.title, '') || ' ' || coalesce(v.counterparty, '') || ' ' || coalesce(v.owner, '') || ' ' || coalesce(v.governing_law, '')) LIKE '%' || lower(?1) || '%')
                   AND (CAST(?2 AS TEXT) IS NULL OR v.direction = ?2)
                   AND (CAST(?3 AS TEXT) IS NULL OR lower(v.counterparty) = lower(?3))
                 ORDER BY v.contract_id",
                params![
                    f.search,
                    f.direction.map(|d| d.name()),
                    f.counterparty,
                    f.today.map(|d| d.to_string()),
                    f.status
                ],
            )?;
        rows.iter()
            .map(|r| {
                Ok(ContractSummary {
                    id: r.get(0)?,
                    title: r.get(1)?,
                    counterparty: r.get(2)?,
                    direction: r.get(3)?,
                    currency: r.get(4)?,
                    owner: r.get(5)?,
                    governing_law: r.get(6)?,
                    versions: r.get(7)?,
                    sla_terms: r.get(8)?,
                    last_statement: r.get(9)?,
                    next_claim_deadline: r.get(10)?,
                    status: r.get(11)?,
                })
            })
            .collect()
    }

    /// Copies a document (the signed contract, an amendment) into the
    /// library under its SHA-256.
    pub fn attach_document(
        &mut self,
        ctx: &Ctx,
        id: &str,
        file: &str,
    ) -> Result<DocumentInfo, StoreError> {
        let doc = read_document(file)?;
        self.versions(id)?;
        let created = self.store_blob(&doc)?;
        let sha = doc.sha.clone();
        self.write(|tx| insert_document(tx, ctx, id, &doc))
            .inspect_err(|_| self.unstore_blob(&sha, created))?;
        self.documents(id)?
            .into_iter()
            .find(|d| d.sha256 == sha)
            .ok_or_else(|| StoreError::NotFound {
                what: "document",
                id: sha,
            })
    }

    pub fn documents(&self, id: &str) -> Result<Vec<DocumentInfo>, StoreError> {
        self.conn()
            .query("SELECT id, file_name, sha256, size_bytes, added_by, added_at FROM documents WHERE contract_id = ?1 ORDER BY id", params![id])?
            .iter()
            .map(|r| {
                Ok(DocumentInfo {
                    id: r.get(0)?,
                    file_name: r.get(1)?,
                    sha256: r.get(2)?,
                    size_bytes: r.get(3)?,
                    added_by: r.get(4)?,
                    added_at: r.get(5)?,
                })
            })
            .collect()
    }
}

/// A document read from disk, before anything is written.
struct Document {
    name: String,
    sha: String,
    bytes: Vec<u8>,
}

fn read_document(file: &str) -> Result<Document, StoreError> {
    let bytes = std::fs::read(file).map_err(|source| StoreError::Io {
        path: file.into(),
        source,
    })?;
    Ok(Document {
        name: Path::new(file)
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| file.to_string()),
        sha: sha256_hex(&bytes),
        bytes,
    })
}

fn insert_document(tx: &Conn, ctx: &Ctx, id: &str, d: &Document) -> Result<(), StoreError> {
    let at = crate::fmt_time(ctx.now);
    tx.execute(
        "INSERT INTO documents (contract_id, file_name, sha256, size_bytes, added_by, added_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (contract_id, sha256) DO NOTHING",
        params![id, d.name, d.sha, d.bytes.len() as i64, ctx.actor, at],
    )?;
    if tx.backend() == Backend::Postgres {
        tx.execute(
            "INSERT INTO document_blobs (sha256, bytes) VALUES (?1, ?2) ON CONFLICT (sha256) DO NOTHING",
            params![d.sha, d.bytes],
        )?;
    }
    audit::append(
        tx,
        ctx,
        "contract.attach",
        id,
        &json!({ "file_name": d.name, "sha256": d.sha, "size_bytes": d.bytes.len() }),
    )
}
