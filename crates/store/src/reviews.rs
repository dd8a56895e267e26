//! Reviews (issue 18): "I have read these terms (this objective) and they
//! still hold", recorded per subject for the version in force, in the
//! reviews table and the audit chain. The maturity review reads the latest
//! one per subject, with the facts it judges by (owners, documents, when
//! each version was made).

use crate::db::Conn;
use crate::{audit, params, Ctx, Library, StoreError};
use serde::Serialize;

/// What a review is of.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, ts_rs::TS)]
#[ts(export)]
#[serde(rename_all = "snake_case")]
pub enum ReviewSubject {
    /// A contract's terms (its newest version).
    Contract,
    /// An objective (its newest version).
    Objective,
}

impl ReviewSubject {
    pub fn as_str(self) -> &'static str {
        match self {
            ReviewSubject::Contract => "contract",
            ReviewSubject::Objective => "objective",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct ReviewRecord {
    pub kind: ReviewSubject,
    pub subject: String,
    pub version: i64,
    pub reviewed_at: String,
    pub reviewed_by: String,
    pub note: String,
}

/// A contract as the maturity review sees it: its newest version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContractFacts {
    pub id: String,
    pub version: i64,
    pub version_created_at: String,
    pub owner: Option<String>,
    pub documents: i64,
}

/// An objective's newest version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObjectiveFacts {
    pub name: String,
    pub version: i64,
    pub added_at: String,
    pub yaml: String,
}

impl Library {
    /// Records that `ctx.actor` reviewed the newest version of `subject`.
    pub fn mark_reviewed(
        &mut self,
        ctx: &Ctx,
        kind: ReviewSubject,
        subject: &str,
        note: &str,
    ) -> Result<ReviewRecord, StoreError> {
        let version = newest_version(self.conn(), kind, subject)?;
        let record = ReviewRecord {
            kind,
            subject: subject.to_string(),
            version,
            reviewed_at: crate::fmt_time(ctx.now),
            reviewed_by: ctx.actor.clone(),
            note: note.trim().to_string(),
        };
        self.write(|tx| {
            tx.execute(
                "INSERT INTO reviews (subject_kind, subject, version, reviewed_at, reviewed_by, note) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![kind.as_str(), subject, version, record.reviewed_at, record.reviewed_by, record.note],
            )?;
            audit::append(
                tx,
                ctx,
                "review.mark",
                &format!("{}:{subject}", kind.as_str()),
                &serde_json::json!({ "version": version, "note": record.note }),
            )
        })?;
        Ok(record)
    }

    /// The newest review of each subject.
    pub fn latest_reviews(&self) -> Result<Vec<ReviewRecord>, StoreError> {
        let rows = self.conn().query(
            "SELECT subject_kind, subject, version, reviewed_at, reviewed_by, note FROM reviews r \
             WHERE id = (SELECT MAX(id) FROM reviews x WHERE x.subject_kind = r.subject_kind AND x.subject = r.subject) \
             ORDER BY subject_kind, subject",
            params![],
        )?;
        rows.iter()
            .map(|r| {
                let kind: String = r.get(0)?;
                Ok(ReviewRecord {
                    kind: if kind == "contract" {
                        ReviewSubject::Contract
                    } else {
                        ReviewSubject::Objective
                    },
                    subject: r.get(1)?,
                    version: r.get(2)?,
                    reviewed_at: r.get(3)?,
                    reviewed_by: r.get(4)?,
                    note: r.get(5)?,
                })
            })
            .collect()
    }

    /// Every contract's newest version, its owner and how many documents
    /// are attached to it.
    pub fn contract_facts(&self) -> Result<Vec<ContractFacts>, StoreError> {
        let rows = self.conn().query(
            "SELECT v.contract_id, v.version, v.created_at, v.owner, \
               (SELECT COUNT(*) FROM documents d WHERE d.contract_id = v.contract_id) \
             FROM contract_versions v \
             WHERE v.version = (SELECT MAX(version) FROM contract_versions w WHERE w.contract_id = v.contract_id) \
             ORDER BY v.contract_id",
            params![],
        )?;
        rows.iter()
            .map(|r| {
                Ok(ContractFacts {
                    id: r.get(0)?,
                    version: r.get(1)?,
                    version_created_at: r.get(2)?,
                    owner: r.get::<Option<String>>(3)?.filter(|o| !o.trim().is_empty()),
                    documents: r.get(4)?,
                })
            })
            .collect()
    }

    /// Every objective's newest version.
    pub fn objective_facts(&self) -> Result<Vec<ObjectiveFacts>, StoreError> {
        Ok(self
            .slos()?
            .into_iter()
            .map(|s| ObjectiveFacts {
                name: s.name,
                version: s.version,
                added_at: s.added_at,
                yaml: s.yaml,
            })
            .collect())
    }
}

fn newest_version(c: &Conn, kind: ReviewSubject, subject: &str) -> Result<i64, StoreError> {
    let (sql, what) = match kind {
        ReviewSubject::Contract => (
            "SELECT MAX(version) FROM contract_versions WHERE contract_id = ?1",
            "contract",
        ),
        ReviewSubject::Objective => (
            "SELECT MAX(version) FROM slo_versions WHERE name = ?1",
            "objective",
        ),
    };
    c.query_one(sql, params![subject])?
        .get::<Option<i64>>(0)?
        .ok_or_else(|| StoreError::NotFound {
            what,
            id: subject.to_string(),
        })
}

/// A service that earned a credit: which contract's final statement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreditedService {
    pub service: String,
    pub contract: String,
    pub statement: String,
}

impl Library {
    /// Every (service, final statement) with a credit line above zero, in
    /// statement order.
    pub fn credited_services(&self) -> Result<Vec<CreditedService>, StoreError> {
        let mut out = Vec::new();
        self.conn().query_each(
            "SELECT number, contract_id, result_json FROM statements WHERE status = 'final' ORDER BY id",
            params![],
            |r| {
                let (number, contract, json): (String, String, String) =
                    (r.get(0)?, r.get(1)?, r.get(2)?);
                let doc: serde_json::Value =
                    serde_json::from_str(&json).map_err(|e| StoreError::Decode {
                        column: 2,
                        message: format!("statement {number}: {e}"),
                    })?;
                for line in doc["lines"].as_array().into_iter().flatten() {
                    let paid = line["amount"]
                        .as_str()
                        .and_then(|a| a.parse::<rust_decimal::Decimal>().ok())
                        .is_some_and(|a| !a.is_zero());
                    if let (true, Some(service)) = (paid, line["service"].as_str()) {
                        out.push(CreditedService {
                            service: service.to_string(),
                            contract: contract.clone(),
                            statement: number.clone(),
                        });
                    }
                }
                Ok(())
            },
        )?;
        Ok(out)
    }
}
