//! Monthly statements: computed drafts, frozen finals, restatements.
//!
//! `run` computes a draft for every contract active in a month from the terms
//! version and evidence in force, recording the exact inputs. `finalize`
//! freezes it (the schema refuses any later change) and seals it with the
//! SHA-256 of its canonical JSON. A correction is a restatement: a new final
//! statement that supersedes the old one, with a reason.

use crate::db::{Conn, Row};
use crate::trust::HeadSigner;
use crate::{audit, params, Ctx, Library, StoreError};
use chrono::NaiveDate;
use serde::Serialize;
use serde_json::{json, Value};
use sla_engine::ResultDoc;

#[derive(Debug, Clone, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct StatementInfo {
    pub id: i64,
    pub number: String,
    pub contract: String,
    pub period: String,
    pub status: crate::StatementStatus,
    pub version: i64,
    pub currency: String,
    pub direction: Option<crate::Direction>,
    pub total: String,
    pub breached: bool,
    pub claim_deadline: Option<String>,
    pub data_cutoff: String,
    pub engine_version: String,
    pub sha256: Option<String>,
    pub created_at: String,
    pub finalized_at: Option<String>,
    pub supersedes: Option<i64>,
    pub superseded_by: Option<i64>,
    pub restatement_reason: Option<String>,
    /// The contract's time zone (of the terms version it was computed
    /// from): where its times are shown to people (issue 16).
    pub timezone: String,
}

#[derive(Debug, Clone, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct Statement {
    #[serde(flatten)]
    pub info: StatementInfo,
    pub result: ResultDoc,
    pub inputs: Value,
}

/// One contract's outcome in a batch run.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct RunOutcome {
    pub contract: String,
    pub statement: Option<StatementInfo>,
    /// Why this contract has no new draft (an error, or a final that exists).
    pub problem: Option<String>,
}

const COLUMNS: &str = "s.id, s.number, s.contract_id, s.period, s.status, v.version, s.currency, s.direction, s.total, s.breached, s.claim_deadline, s.data_cutoff, s.engine_version, s.sha256, s.created_at, s.finalized_at, s.supersedes, s.superseded_by, s.restatement_reason, v.timezone";

fn info(r: &Row) -> Result<StatementInfo, StoreError> {
    Ok(StatementInfo {
        id: r.get(0)?,
        number: r.get(1)?,
        contract: r.get(2)?,
        period: r.get(3)?,
        status: r.get(4)?,
        version: r.get(5)?,
        currency: r.get(6)?,
        direction: r.get(7)?,
        total: r.get(8)?,
        breached: r.get::<i64>(9)? != 0,
        claim_deadline: r.get(10)?,
        data_cutoff: r.get(11)?,
        engine_version: r.get(12)?,
        sha256: r.get(13)?,
        created_at: r.get(14)?,
        finalized_at: r.get(15)?,
        supersedes: r.get(16)?,
        superseded_by: r.get(17)?,
        restatement_reason: r.get(18)?,
        timezone: r.get(19)?,
    })
}

/// The month's first and last local dates (`YYYY-MM`, read by the
/// engine's [`sla_engine::Month`]).
pub fn month_dates(label: &str) -> Result<(NaiveDate, NaiveDate), StoreError> {
    let m: sla_engine::Month = label
        .parse()
        .map_err(|e: sla_engine::MonthError| StoreError::Period(e.into()))?;
    Ok((m.first_day(), m.last_day()))
}

/// The canonical bytes a final statement's SHA-256 covers.
pub fn canonical_json(
    number: &str,
    contract: &str,
    period: &str,
    result_json: &str,
    inputs_json: &str,
) -> String {
    let result: Value = serde_json::from_str(result_json).unwrap_or(Value::Null);
    let inputs: Value = serde_json::from_str(inputs_json).unwrap_or(Value::Null);
    json!({ "statement": number, "contract": contract, "period": period, "result": result, "inputs": inputs }).to_string()
}

/// A computed month ready to be stored as a draft: what the engine said,
/// from which terms version, with the exact inputs recorded. The use-case
/// layer computes it; the store only writes it.
pub struct Draft<'a> {
    pub contract: &'a str,
    pub period: &'a str,
    pub version_id: i64,
    pub direction: Option<&'a str>,
    pub doc: &'a ResultDoc,
    pub inputs: &'a Value,
}

impl Library {
    /// The SHA-256 of a stored terms version's text.
    pub fn terms_sha256(&self, version_id: i64) -> Result<String, StoreError> {
        self.conn()
            .query_opt(
                "SELECT terms_sha256 FROM contract_versions WHERE id = ?1",
                params![version_id],
            )?
            .ok_or_else(|| StoreError::NotFound {
                what: "contract version",
                id: version_id.to_string(),
            })?
            .get(0)
    }

    /// Whether a month of a contract is breached by its current statement
    /// (final, else draft); `None` when it has none. Asked for every
    /// contract and the months before at every month end (the chronic
    /// rule), so it must be found by index (issue 15).
    pub fn period_breached(
        &self,
        contract: &str,
        period: &str,
    ) -> Result<Option<bool>, StoreError> {
        let b: Option<i64> = self
            .conn()
            .query_opt(PERIOD_BREACHED, params![contract, period])?
            .map(|r| r.get(0))
            .transpose()?;
        Ok(b.map(|b| b == 1))
    }

    /// The totals (decimal text) of a contract's final statements for the
    /// given months (`YYYY-MM`); superseded statements and drafts are not
    /// counted (terms v2 section 5).
    pub fn final_totals(
        &self,
        contract: &str,
        periods: &[String],
    ) -> Result<Vec<String>, StoreError> {
        let mut out = Vec::new();
        for p in periods {
            for r in self.conn().query(
                "SELECT total FROM statements WHERE contract_id = ?1 AND period = ?2 AND status = 'final'",
                params![contract, p],
            )? {
                out.push(r.get(0)?);
            }
        }
        Ok(out)
    }

    /// The number of a contract's final statement for a month, if any.
    pub fn final_number(&self, contract: &str, period: &str) -> Result<Option<String>, StoreError> {
        self.conn()
            .query_opt(
                "SELECT number FROM statements WHERE contract_id = ?1 AND period = ?2 AND status = 'final'",
                params![contract, period],
            )?
            .map(|r| r.get(0))
            .transpose()
    }

    fn next_number(&self, contract: &str, period: &str) -> Result<String, StoreError> {
        let n: i64 = self.conn().query_one("SELECT COUNT(*) FROM statements WHERE contract_id = ?1 AND period = ?2 AND status <> 'draft'", params![contract, period])?.get(0)?;
        Ok(format!("{contract}/{period}/{}", n + 1))
    }

    /// Stores a computed month as the contract's draft for it, replacing
    /// any earlier draft, with an audit entry.
    pub fn store_draft(&mut self, ctx: &Ctx, d: &Draft<'_>) -> Result<StatementInfo, StoreError> {
        let (contract, period, doc) = (d.contract, d.period, d.doc);
        let number = self.next_number(contract, period)?;
        let result_json = serde_json::to_string(doc).expect("result serialises");
        let inputs_json = d.inputs.to_string();
        let breached = doc.lines.iter().any(|l| l.breached());
        let at = crate::fmt_time(ctx.now);
        let id = self.write(|tx| {
            // Checked inside the write: someone may have finalized the
            // month since the caller looked.
            if let Some(done) = final_of(tx, contract, period)? {
                return Err(StoreError::Conflict(format!("statement {done}: correct it with `statements restate`")));
            }
            tx.execute("DELETE FROM statements WHERE contract_id = ?1 AND period = ?2 AND status = 'draft'", params![contract, period])?;
            let id = tx.insert_id(
                "INSERT INTO statements (number, contract_id, period, version_id, status, result_json, inputs_json, engine_version, data_cutoff, currency, direction, total, breached, claim_deadline, created_at, created_by)
                 VALUES (?1, ?2, ?3, ?4, 'draft', ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15) RETURNING id",
                params![
                    number,
                    contract,
                    period,
                    d.version_id,
                    result_json,
                    inputs_json,
                    sla_engine::ENGINE_VERSION,
                    d.inputs["data_cutoff"].as_str().unwrap_or_default(),
                    doc.currency,
                    d.direction,
                    doc.total,
                    breached as i64,
                    doc.claim_deadline,
                    at,
                    ctx.actor
                ],
            )?;
            audit::append(tx, ctx, "statement.draft", &number, &json!({ "statement_id": id, "total": doc.total, "currency": doc.currency }))?;
            Ok(id)
        })?;
        self.statement_info(id)
    }

    pub fn statement_info(&self, id: i64) -> Result<StatementInfo, StoreError> {
        self.conn()
            .query_opt(&format!("SELECT {COLUMNS} FROM statements s JOIN contract_versions v ON v.id = s.version_id WHERE s.id = ?1"), params![id])?
            .map(|r| info(&r))
            .transpose()?
            .ok_or_else(|| StoreError::NotFound { what: "statement", id: id.to_string() })
    }

    /// A statement by id or by number (`ACME-2026-001/2026-10/1`).
    pub fn statement(&self, key: &str) -> Result<Statement, StoreError> {
        let id: Option<i64> = match key.parse::<i64>() {
            Ok(id) => Some(id),
            Err(_) => self
                .conn()
                .query_opt("SELECT id FROM statements WHERE number = ?1", params![key])?
                .map(|r| r.get(0))
                .transpose()?,
        };
        let id = id.ok_or_else(|| StoreError::NotFound {
            what: "statement",
            id: key.into(),
        })?;
        let info = self.statement_info(id)?;
        let r = self.conn().query_one(
            "SELECT result_json, inputs_json FROM statements WHERE id = ?1",
            params![id],
        )?;
        let (result_json, inputs_json): (String, String) = (r.get(0)?, r.get(1)?);
        let result: ResultDoc = serde_json::from_str(&result_json).map_err(|e| {
            StoreError::Conflict(format!("statement {key}: stored result unreadable: {e}"))
        })?;
        Ok(Statement {
            info,
            result,
            inputs: serde_json::from_str(&inputs_json).unwrap_or(Value::Null),
        })
    }

    /// A sealed statement's seal, re-derived from its stored rows (`None`
    /// for a draft): what `verify` compares a file's seal with.
    pub fn rederive_seal(&self, id: i64) -> Result<Option<String>, StoreError> {
        let row: Option<(String, String, String, String, String)> = self
            .conn()
            .query_opt(
                "SELECT number, contract_id, period, result_json, inputs_json FROM statements WHERE id = ?1 AND status <> 'draft'",
                params![id],
            )?
            .map(|r| Ok::<_, StoreError>((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)))
            .transpose()?;
        Ok(row.map(|(n, c, p, r, i)| {
            crate::sha256_hex(canonical_json(&n, &c, &p, &r, &i).as_bytes())
        }))
    }

    pub fn list_statements(
        &self,
        period: Option<&str>,
        contract: Option<&str>,
    ) -> Result<Vec<StatementInfo>, StoreError> {
        self.conn()
            .query(&format!("SELECT {COLUMNS} FROM statements s JOIN contract_versions v ON v.id = s.version_id WHERE (CAST(?1 AS TEXT) IS NULL OR s.period = ?1) AND (CAST(?2 AS TEXT) IS NULL OR s.contract_id = ?2) ORDER BY s.period, s.contract_id, s.id"), params![period, contract])?
            .iter()
            .map(info)
            .collect()
    }

    /// Freezes the drafts of `period` (or of one contract). Returns the
    /// statements finalized.
    pub fn finalize(
        &mut self,
        ctx: &Ctx,
        period: &str,
        contract: Option<&str>,
    ) -> Result<Vec<StatementInfo>, StoreError> {
        self.finalize_anchored(ctx, period, contract, None)
    }

    /// Freezes the drafts of `period` (or of one contract) in ONE
    /// transaction: all of them or none (a crash or kill leaves no month half
    /// final). With a signer, the chain head after the last seal is signed
    /// in that same transaction. The drafts are chosen inside it, so of two
    /// people finalizing the same month at once the second is told who did.
    pub fn finalize_anchored(
        &mut self,
        ctx: &Ctx,
        period: &str,
        contract: Option<&str>,
        signer: Option<HeadSigner<'_>>,
    ) -> Result<Vec<StatementInfo>, StoreError> {
        let ids = self.write(|tx| {
            let drafts: Vec<i64> = tx
                .query("SELECT id FROM statements WHERE period = ?1 AND status = 'draft' AND (CAST(?2 AS TEXT) IS NULL OR contract_id = ?2) ORDER BY contract_id", params![period, contract])?
                .iter()
                .map(|r| r.get(0))
                .collect::<Result<_, _>>()?;
            if drafts.is_empty() {
                let done: Option<(String, String, String)> = tx
                    .query_opt(
                        "SELECT number, finalized_by, finalized_at FROM statements WHERE period = ?1 AND status = 'final' AND (CAST(?2 AS TEXT) IS NULL OR contract_id = ?2) ORDER BY finalized_at DESC LIMIT 1",
                        params![period, contract],
                    )?
                    .map(|r| Ok::<_, StoreError>((r.get(0)?, r.get(1)?, r.get(2)?)))
                    .transpose()?;
                let what = format!("{period}{}", contract.map(|c| format!(" of {c}")).unwrap_or_default());
                return Err(StoreError::Conflict(match done {
                    Some((n, by, at)) => format!("already final: {what} has no drafts left; {n} was finalized by {by} at {at}"),
                    None => format!("no draft statements for {what}: run `statements run --period {period}` first"),
                }));
            }
            for id in &drafts {
                seal(tx, ctx, *id, None)?;
            }
            if let Some(signer) = signer {
                crate::trust::anchor_in(tx, ctx, signer)?;
            }
            Ok(drafts)
        })?;
        ids.into_iter().map(|id| self.statement_info(id)).collect()
    }

    /// Restates a final statement with a month computed again from the
    /// terms and evidence now in the library: a new final statement
    /// supersedes it, with the reason. With a signer, the chain head is
    /// signed in the same transaction.
    pub fn restate_anchored(
        &mut self,
        ctx: &Ctx,
        key: &str,
        reason: &str,
        d: &Draft<'_>,
        signer: Option<HeadSigner<'_>>,
    ) -> Result<StatementInfo, StoreError> {
        let old = self.restatable(key, reason)?;
        if (d.contract, d.period) != (old.contract.as_str(), old.period.as_str()) {
            return Err(StoreError::Conflict(format!(
                "statement {} is for {} {}, not {} {}",
                old.number, old.contract, old.period, d.contract, d.period
            )));
        }
        let (vid, doc) = (d.version_id, d.doc);
        let number = self.next_number(&old.contract, &old.period)?;
        let result_json = serde_json::to_string(doc).expect("result serialises");
        let inputs_json = d.inputs.to_string();
        let breached = doc.lines.iter().any(|l| l.breached());
        let at = crate::fmt_time(ctx.now);
        let id = self.write(|tx| {
            tx.execute("DELETE FROM statements WHERE contract_id = ?1 AND period = ?2 AND status = 'draft'", params![old.contract, old.period])?;
            let new_id = tx.insert_id(
                "INSERT INTO statements (number, contract_id, period, version_id, status, result_json, inputs_json, engine_version, data_cutoff, currency, direction, total, breached, claim_deadline, created_at, created_by, supersedes, restatement_reason)
                 VALUES (?1, ?2, ?3, ?4, 'draft', ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17) RETURNING id",
                params![number, old.contract, old.period, vid, result_json, inputs_json, sla_engine::ENGINE_VERSION, d.inputs["data_cutoff"].as_str().unwrap_or_default(), doc.currency, d.direction, doc.total, breached as i64, doc.claim_deadline, at, ctx.actor, old.id, reason.trim()],
            )?;
            // The old final may only turn superseded, pointing at its successor;
            // if someone restated it meanwhile, nothing is written.
            let n = tx.execute("UPDATE statements SET status = 'superseded', superseded_by = ?1 WHERE id = ?2 AND status = 'final'", params![new_id, old.id])?;
            if n != 1 {
                return Err(StoreError::Conflict(format!("statement {} was restated by someone else meanwhile: nothing was written", old.number)));
            }
            tx.execute("UPDATE claims SET note = coalesce(note || '; ', '') || 'superseded by ' || ?1, updated_at = ?2 WHERE statement_id = ?3", params![number, at, old.id])?;
            seal(tx, ctx, new_id, Some((&old.number, reason.trim())))?;
            if let Some(signer) = signer {
                crate::trust::anchor_in(tx, ctx, signer)?;
            }
            Ok(new_id)
        })?;
        self.statement_info(id)
    }
}

impl Library {
    /// The final statement `key`, if it may be restated for `reason`.
    pub fn restatable(&self, key: &str, reason: &str) -> Result<StatementInfo, StoreError> {
        if reason.trim().is_empty() {
            return Err(StoreError::Conflict("a restatement needs a reason".into()));
        }
        let old = self.statement(key)?.info;
        if old.status != crate::StatementStatus::Final {
            return Err(StoreError::Conflict(format!(
                "statement {} is {}: only a final statement can be restated",
                old.number, old.status
            )));
        }
        Ok(old)
    }
}

/// The month's final statement, said as "N is final (finalized by X at T)".
fn final_of(tx: &Conn, contract: &str, period: &str) -> Result<Option<String>, StoreError> {
    tx.query_opt(
        "SELECT number, finalized_by, finalized_at FROM statements WHERE contract_id = ?1 AND period = ?2 AND status = 'final'",
        params![contract, period],
    )?
    .map(|r| {
        Ok(format!(
            "{} is final (finalized by {} at {})",
            r.get::<String>(0)?,
            r.get::<Option<String>>(1)?.unwrap_or_default(),
            r.get::<String>(2)?
        ))
    })
    .transpose()
}

/// Draft -> final: seal with the SHA-256 of the canonical JSON, open a claim
/// for a credit, and audit it. Runs inside the caller's transaction.
fn seal(tx: &Conn, ctx: &Ctx, id: i64, restates: Option<(&str, &str)>) -> Result<(), StoreError> {
    let r = tx
        .query_opt("SELECT number, contract_id, period, result_json, inputs_json, total, currency, direction, claim_deadline FROM statements WHERE id = ?1 AND status = 'draft'", params![id])?
        .ok_or_else(|| StoreError::NotFound { what: "draft statement", id: id.to_string() })?;
    let (number, contract, period, result_json, inputs_json, total, currency): (
        String,
        String,
        String,
        String,
        String,
        String,
        String,
    ) = (
        r.get(0)?,
        r.get(1)?,
        r.get(2)?,
        r.get(3)?,
        r.get(4)?,
        r.get(5)?,
        r.get(6)?,
    );
    let (direction, deadline): (Option<String>, Option<String>) = (r.get(7)?, r.get(8)?);
    if restates.is_none() {
        if let Some(done) = final_of(tx, &contract, &period)? {
            return Err(StoreError::Conflict(format!(
                "already final: statement {done}; draft {number} was not finalized"
            )));
        }
    }
    let sha = crate::sha256_hex(
        canonical_json(&number, &contract, &period, &result_json, &inputs_json).as_bytes(),
    );
    let at = crate::fmt_time(ctx.now);
    tx.execute("UPDATE statements SET status = 'final', sha256 = ?1, finalized_at = ?2, finalized_by = ?3 WHERE id = ?4", params![sha, at, ctx.actor, id])?;
    // The credit ledger adds totals exactly (rust_decimal, 28 significant
    // digits); a total beyond that is refused here, before anything is
    // sealed, rather than becoming a zero or a rounded claim.
    let amount = rust_decimal::Decimal::from_str_exact(&total).map_err(|e| {
        StoreError::Conflict(format!("statement {number}: total `{total}` is not a decimal the credit ledger can hold exactly (at most 28 significant digits): {e}; check the terms' fees"))
    })?;
    let mut details =
        json!({ "statement_id": id, "sha256": sha, "total": total, "currency": currency });
    if amount > rust_decimal::Decimal::ZERO {
        let claim_id = tx.insert_id(
            "INSERT INTO claims (statement_id, contract_id, period, direction, currency, amount, deadline, state, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 'eligible', ?8) RETURNING id",
            params![id, contract, period, direction, currency, total, deadline, at],
        )?;
        // The claim is in the chain from its first moment: `audit verify`
        // replays every claim from here.
        details["claim"] = json!({ "id": claim_id, "amount": total, "deadline": deadline });
    }
    if let Some((old, reason)) = restates {
        details["restates"] = json!(old);
        details["reason"] = json!(reason);
    }
    audit::append(
        tx,
        ctx,
        if restates.is_some() {
            "statement.restate"
        } else {
            "statement.finalize"
        },
        &number,
        &details,
    )?;
    Ok(())
}

const PERIOD_BREACHED: &str = "SELECT breached FROM statements WHERE contract_id = ?1 AND period = ?2 AND status <> 'superseded' ORDER BY CASE status WHEN 'final' THEN 0 ELSE 1 END LIMIT 1";

#[cfg(test)]
mod issue15 {
    use crate::{params, Library};

    /// A month end of 2,000 contracts grew with the square of the library:
    /// this lookup scanned every statement (result JSON and all) for each
    /// contract and month. SQLite must find it by index.
    #[test]
    fn issue15_a_contracts_statement_of_a_month_is_found_by_index() {
        let dir = tempfile::tempdir().unwrap();
        let lib = Library::open_keyed(dir.path(), 1_000, None).unwrap();
        let plan: Vec<String> = lib
            .conn()
            .query(
                &format!("EXPLAIN QUERY PLAN {}", super::PERIOD_BREACHED),
                params!["C", "2026-10"],
            )
            .unwrap()
            .iter()
            .map(|r| r.get::<String>(3).unwrap())
            .collect();
        assert!(
            plan.iter()
                .any(|p| p.contains("USING INDEX statements_by_contract_period")),
            "{plan:?}"
        );
        assert!(
            !plan.iter().any(|p| p.starts_with("SCAN statements")),
            "{plan:?}"
        );
    }
}
