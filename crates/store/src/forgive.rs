//! Undoing what has not yet counted (issue 16): discarding a draft
//! statement, and withdrawing an import that no final statement used. Both
//! are audited; neither touches a final statement, and evidence rows are
//! never deleted (a withdrawal is recorded beside them).

use crate::statements::StatementInfo;
use crate::{audit, params, Ctx, Library, StoreError};
use serde::Serialize;
use serde_json::json;

/// What withdrawing an import did.
#[derive(Debug, Clone, Serialize, ts_rs::TS, PartialEq, Eq)]
#[ts(export)]
pub struct Withdrawal {
    pub import_id: i64,
    pub contract: String,
    pub file_name: String,
    /// Drafts computed while the import counted: discarded with it, so
    /// that none can be finalized on withdrawn evidence.
    pub discarded_drafts: Vec<String>,
}

impl Library {
    /// Deletes a draft statement (a final one cannot be: restate it).
    pub fn discard_draft(&mut self, ctx: &Ctx, number: &str) -> Result<StatementInfo, StoreError> {
        let id: Option<i64> = self
            .conn()
            .query_opt(
                "SELECT id FROM statements WHERE number = ?1",
                params![number],
            )?
            .map(|r| r.get(0))
            .transpose()?;
        let id = id.ok_or_else(|| StoreError::NotFound {
            what: "statement",
            id: number.into(),
        })?;
        let info = self.statement_info(id)?;
        if info.status != crate::StatementStatus::Draft {
            return Err(StoreError::Conflict(format!(
                "{number} is {}, not a draft: only a draft can be discarded (a final statement is restated)",
                info.status.as_str()
            )));
        }
        self.write(|tx| {
            // Of two people discarding at once, the second finds nothing.
            let n = tx.execute(
                "DELETE FROM statements WHERE id = ?1 AND status = 'draft'",
                params![id],
            )?;
            if n == 0 {
                return Err(StoreError::Conflict(format!(
                    "{number} is no longer a draft"
                )));
            }
            audit::append(
                tx,
                ctx,
                "statement.discard",
                number,
                &json!({ "statement_id": id, "period": info.period, "total": info.total }),
            )
        })?;
        Ok(info)
    }

    /// Withdraws an import: its rows stop counting for month end. Refused
    /// when a final (or superseded) statement was computed with it.
    pub fn withdraw_import(
        &mut self,
        ctx: &Ctx,
        import_id: i64,
        reason: &str,
    ) -> Result<Withdrawal, StoreError> {
        let info = self.import_info(import_id)?;
        if let Some(at) = &info.withdrawn_at {
            return Err(StoreError::Conflict(format!(
                "import {import_id} ({}) was already withdrawn on {at}",
                info.file_name
            )));
        }
        if reason.trim().is_empty() {
            return Err(StoreError::Conflict(
                "say why the import is withdrawn (the reason is kept in the audit trail)".into(),
            ));
        }
        let (finals, drafts) = self.statements_using(&info.contract, import_id)?;
        if !finals.is_empty() {
            return Err(StoreError::Conflict(format!(
                "import {import_id} ({}) was used by final statement(s) {}: it cannot be withdrawn; restate them with corrected evidence instead",
                info.file_name,
                finals.join(", ")
            )));
        }
        let at = crate::fmt_time(ctx.now);
        self.write(|tx| {
            tx.execute(
                "INSERT INTO import_withdrawals (import_id, withdrawn_at, withdrawn_by, reason) VALUES (?1, ?2, ?3, ?4)",
                params![import_id, at, ctx.actor, reason.trim()],
            )?;
            for d in &drafts {
                tx.execute(
                    "DELETE FROM statements WHERE number = ?1 AND status = 'draft'",
                    params![d],
                )?;
            }
            audit::append(
                tx,
                ctx,
                "evidence.withdraw",
                &info.contract,
                &json!({ "import_id": import_id, "file_name": info.file_name, "sha256": info.sha256, "reason": reason.trim(), "discarded_drafts": drafts }),
            )
        })?;
        Ok(Withdrawal {
            import_id,
            contract: info.contract,
            file_name: info.file_name,
            discarded_drafts: drafts,
        })
    }

    /// The statements of `contract` whose recorded inputs list the import:
    /// (finals and superseded, drafts), by number.
    fn statements_using(
        &self,
        contract: &str,
        import_id: i64,
    ) -> Result<(Vec<String>, Vec<String>), StoreError> {
        let rows = self.conn().query(
            "SELECT number, status, inputs_json FROM statements WHERE contract_id = ?1 ORDER BY id",
            params![contract],
        )?;
        let (mut finals, mut drafts) = (Vec::new(), Vec::new());
        for row in rows {
            let (number, status, inputs): (String, String, String) =
                (row.get(0)?, row.get(1)?, row.get(2)?);
            // Parsed here rather than with SQL JSON functions so that every
            // backend reads it the same way.
            let v: serde_json::Value = serde_json::from_str(&inputs).unwrap_or_default();
            let uses = v["imports"]
                .as_array()
                .is_some_and(|a| a.iter().any(|i| i["id"].as_i64() == Some(import_id)));
            if uses {
                if status == "draft" {
                    drafts.push(number);
                } else {
                    finals.push(number);
                }
            }
        }
        Ok((finals, drafts))
    }
}
