//! The credit ledger. A final statement with a credit opens one claim for its
//! total (caps, `max` aggregation and rounding act on the total, so the total
//! is what is owed; the statement's lines are the reasons). A claim moves
//! eligible -> claimed (date, reference) -> applied (invoice reference), or
//! to forfeited (deadline passed) or disputed. For vendor contracts this is
//! the list of credits we must claim in time.

use crate::{audit, params, ClaimState, Ctx, Library, StoreError};
use chrono::NaiveDate;
use serde::Serialize;
use serde_json::json;

#[derive(Debug, Clone, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct ClaimInfo {
    pub id: i64,
    pub statement: String,
    pub contract: String,
    pub counterparty: Option<String>,
    pub period: String,
    pub direction: Option<crate::Direction>,
    pub currency: String,
    pub amount: String,
    pub deadline: Option<String>,
    /// Days from today to the deadline (negative once passed).
    pub days_left: Option<i64>,
    pub state: ClaimState,
    pub claimed_on: Option<String>,
    pub claim_ref: Option<String>,
    pub invoice_ref: Option<String>,
    pub note: Option<String>,
    pub updated_at: String,
}

#[derive(Debug, Clone, Default)]
pub struct ClaimFilter {
    /// Only open claims (eligible, claimed, disputed).
    pub open_only: bool,
    /// Only claims whose deadline is within this many days from today.
    pub within_days: Option<i64>,
    pub direction: Option<crate::Direction>,
}

#[derive(Debug, Clone, Default)]
pub struct ClaimUpdate {
    pub state: ClaimState,
    /// The state the user saw (compare-and-set): if the claim has moved on
    /// since, the update is refused instead of silently overwriting it.
    pub expected: Option<ClaimState>,
    pub date: Option<NaiveDate>,
    pub reference: Option<String>,
    pub invoice: Option<String>,
    pub note: Option<String>,
}

pub fn today(ctx: &Ctx) -> NaiveDate {
    chrono::DateTime::from_timestamp(ctx.now, 0)
        .map(|d| d.date_naive())
        .unwrap_or_default()
}

impl Library {
    pub fn list_claims(
        &self,
        today: NaiveDate,
        f: &ClaimFilter,
    ) -> Result<Vec<ClaimInfo>, StoreError> {
        let rows = self.conn().query(
                "SELECT c.id, s.number, c.contract_id, v.counterparty, c.period, c.direction, c.currency, c.amount, c.deadline, c.state, c.claimed_on, c.claim_ref, c.invoice_ref, c.note, c.updated_at
                 FROM claims c JOIN statements s ON s.id = c.statement_id JOIN contract_versions v ON v.id = s.version_id
                 WHERE s.status = 'final' AND (?1 = 0 OR c.state IN ('eligible', 'claimed', 'disputed')) AND (CAST(?2 AS TEXT) IS NULL OR c.direction = ?2)
                 ORDER BY c.deadline IS NULL, c.deadline, c.id",
                params![f.open_only as i64, f.direction.map(|d| d.name())],
            )?;
        let all = rows
            .iter()
            .map(|r| {
                let deadline: Option<String> = r.get(8)?;
                let days_left = deadline
                    .as_deref()
                    .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
                    .map(|d| (d - today).num_days());
                Ok(ClaimInfo {
                    id: r.get(0)?,
                    statement: r.get(1)?,
                    contract: r.get(2)?,
                    counterparty: r.get(3)?,
                    period: r.get(4)?,
                    direction: r.get(5)?,
                    currency: r.get(6)?,
                    amount: r.get(7)?,
                    deadline,
                    days_left,
                    state: r.get(9)?,
                    claimed_on: r.get(10)?,
                    claim_ref: r.get(11)?,
                    invoice_ref: r.get(12)?,
                    note: r.get(13)?,
                    updated_at: r.get(14)?,
                })
            })
            .collect::<Result<Vec<ClaimInfo>, StoreError>>()?;
        Ok(all
            .into_iter()
            .filter(|c| {
                f.within_days.is_none_or(|n| {
                    c.days_left.is_some_and(|d| d <= n) && c.state == ClaimState::Eligible
                })
            })
            .collect())
    }

    pub fn update_claim(
        &mut self,
        ctx: &Ctx,
        id: i64,
        u: &ClaimUpdate,
    ) -> Result<ClaimInfo, StoreError> {
        let today = today(ctx);
        let at = crate::fmt_time(ctx.now);
        // Read and write in one IMMEDIATE transaction: of two people
        // updating the same claim at once, the second sees the first's
        // state, so no update is ever lost.
        self.write(|tx| {
            let row: Option<(ClaimState, Option<String>, String, String)> = tx
                .query_opt("SELECT c.state, c.deadline, s.number, c.updated_at FROM claims c JOIN statements s ON s.id = c.statement_id WHERE c.id = ?1 AND s.status = 'final'", params![id])?
                .map(|r| Ok::<_, StoreError>((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
                .transpose()?;
            let Some((state, deadline, number, updated_at)) = row else {
                return Err(StoreError::NotFound {
                    what: "open claim",
                    id: id.to_string(),
                });
            };
            if let Some(seen) = u.expected.filter(|s| *s != state) {
                return Err(StoreError::Conflict(format!(
                    "claim {id} was changed by someone else: you saw it {seen}, it is now {state} (since {updated_at}); nothing was written"
                )));
            }
            let set_date = check_move(id, state, deadline.as_deref(), today, u)?;
            let n = tx.execute(
                "UPDATE claims SET state = ?1, claimed_on = coalesce(?2, claimed_on), claim_ref = coalesce(?3, claim_ref), invoice_ref = coalesce(?4, invoice_ref), note = coalesce(?5, note), updated_at = ?6 WHERE id = ?7 AND state = ?8",
                params![u.state, set_date, u.reference, u.invoice, u.note, at, id, state],
            )?;
            if n != 1 {
                return Err(StoreError::Conflict(format!("claim {id} changed while it was being updated; nothing was written")));
            }
            audit::append(tx, ctx, "claim.update", &number, &json!({ "claim_id": id, "from": state, "to": u.state, "date": set_date, "reference": u.reference, "invoice": u.invoice, "note": u.note }))
        })?;
        self.list_claims(today, &ClaimFilter::default())?
            .into_iter()
            .find(|c| c.id == id)
            .ok_or_else(|| StoreError::NotFound {
                what: "claim",
                id: id.to_string(),
            })
    }
}

/// Whether a claim in `state` may make the move `u` asks for; returns the
/// claim date to record.
fn check_move(
    id: i64,
    state: ClaimState,
    deadline: Option<&str>,
    today: NaiveDate,
    u: &ClaimUpdate,
) -> Result<Option<String>, StoreError> {
    let deadline_date = deadline.and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok());
    if !state.can_become(u.state) {
        let allowed: Vec<&str> = state.moves().iter().map(|m| m.as_str()).collect();
        return Err(StoreError::Conflict(format!(
            "claim {id} is {state}: it can become {}",
            if allowed.is_empty() {
                "nothing else (closed)".to_string()
            } else {
                allowed.join(", ")
            }
        )));
    }
    let mut set_date = None;
    match u.state {
        ClaimState::Claimed => {
            let date = u.date.unwrap_or(today);
            if u.reference.as_deref().is_none_or(|r| r.trim().is_empty()) {
                return Err(StoreError::Conflict(
                    "a claim needs the reference it was made under (--reference)".into(),
                ));
            }
            if let Some(d) = deadline_date {
                if date > d {
                    return Err(StoreError::Conflict(format!("the claim deadline was {d}; a claim made on {date} is late: mark it forfeited or disputed")));
                }
            }
            set_date = Some(date.to_string());
        }
        ClaimState::Applied if u.invoice.as_deref().is_none_or(|r| r.trim().is_empty()) => {
            return Err(StoreError::Conflict(
                "an applied credit needs the invoice it was applied on (--invoice)".into(),
            ));
        }
        ClaimState::Forfeited
            if state == ClaimState::Eligible
                && deadline_date.is_some_and(|d| today <= d)
                && u.note.is_none() =>
        {
            return Err(StoreError::Conflict(format!(
                "the deadline {} has not passed: give a --note saying why the credit is forfeited",
                deadline.unwrap_or_default()
            )));
        }
        _ => {}
    }
    Ok(set_date)
}
