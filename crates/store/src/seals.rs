//! The records the audit chain vouches for, re-derived and compared with it.
//!
//! The chain alone proves only that its own entries were not changed. Whoever
//! can drop the schema's triggers could still edit a final statement's total
//! or a claim's amount and leave the chain as it was. So `audit verify`
//! re-derives every final statement's seal from its stored rows (the same
//! canonical JSON `finalize` sealed) and compares it, and the total, with the
//! entry that sealed it; and it replays every claim from the entry that
//! opened it through each `claim.update`, and compares the result with the
//! claims table.

use crate::db::Conn;
use crate::statements::canonical_json;
use crate::{params, StoreError};
use serde_json::Value;
use std::collections::HashMap;

pub(crate) struct Report {
    pub statements: i64,
    pub claims: i64,
    pub problems: Vec<String>,
}

struct Sealed {
    seq: i64,
    sha: String,
    total: String,
    currency: String,
    claim: Option<(i64, String)>,
    /// The claim's deadline and direction as the finalize entry recorded
    /// them (entries written since schema 4).
    claim_deadline: Option<Option<String>>,
    claim_direction: Option<Option<String>>,
}

/// The moves a claim may make (the same edges the schema's trigger allows).
fn allowed(from: &str, to: &str) -> bool {
    match (crate::ClaimState::parse(from), crate::ClaimState::parse(to)) {
        (Some(a), Some(b)) => a.can_become(b),
        _ => false,
    }
}

/// What the chain says a claim is now.
#[derive(Default)]
struct Replayed {
    state: String,
    claimed_on: Option<String>,
    claim_ref: Option<String>,
    invoice_ref: Option<String>,
}

fn text(v: &Value, key: &str) -> Option<String> {
    v.get(key).and_then(Value::as_str).map(str::to_string)
}

fn chain_entries(conn: &Conn) -> Result<Vec<(i64, String, Value)>, StoreError> {
    let rows = conn.query("SELECT seq, action, details FROM audit WHERE action IN ('statement.finalize', 'statement.restate', 'claim.update') ORDER BY seq", params![])?;
    let mut out = Vec::new();
    for r in &rows {
        let (seq, action, details): (i64, String, String) = (r.get(0)?, r.get(1)?, r.get(2)?);
        out.push((
            seq,
            action,
            serde_json::from_str(&details).unwrap_or(Value::Null),
        ));
    }
    Ok(out)
}

pub(crate) fn check(conn: &Conn) -> Result<Report, StoreError> {
    let mut problems = Vec::new();
    let mut sealed: HashMap<i64, Sealed> = HashMap::new();
    let mut claims_chain: HashMap<i64, Replayed> = HashMap::new();
    // Restated statement number -> (the statement that supersedes it, entry).
    let mut restated: HashMap<String, (i64, i64)> = HashMap::new();
    for (seq, action, d) in chain_entries(conn)? {
        if action == "claim.update" {
            let Some(id) = d.get("claim_id").and_then(Value::as_i64) else {
                problems.push(format!("audit entry {seq} (claim.update) names no claim"));
                continue;
            };
            // A claim opened before claims were chained (schema 3 and
            // older) starts eligible; check_claims ties it to its statement.
            let c = claims_chain.entry(id).or_insert_with(|| Replayed {
                state: "eligible".into(),
                ..Replayed::default()
            });
            let from = text(&d, "from").unwrap_or_default();
            let to = text(&d, "to").unwrap_or_default();
            if from != c.state {
                problems.push(format!(
                    "audit entry {seq} moves claim {id} from {from}, but the chain had it {}",
                    c.state
                ));
            }
            if !allowed(&from, &to) {
                problems.push(format!(
                    "audit entry {seq} moves claim {id} from {from} to {to}, a move no claim can make"
                ));
            }
            c.state = to;
            c.claimed_on = text(&d, "date").or(c.claimed_on.take());
            c.claim_ref = text(&d, "reference").or(c.claim_ref.take());
            c.invoice_ref = text(&d, "invoice").or(c.invoice_ref.take());
            continue;
        }
        let Some(id) = d.get("statement_id").and_then(Value::as_i64) else {
            problems.push(format!("audit entry {seq} ({action}) names no statement"));
            continue;
        };
        if action == "statement.restate" {
            if let Some(old) = text(&d, "restates") {
                restated.insert(old, (id, seq));
            }
        }
        let claim = d.get("claim").and_then(|c| {
            Some((
                c.get("id")?.as_i64()?,
                c.get("amount")?.as_str()?.to_string(),
            ))
        });
        let claim_field = |k: &str| {
            d.get("claim")
                .and_then(|c| c.get(k))
                .map(|v| v.as_str().map(str::to_string))
        };
        let (claim_deadline, claim_direction) = (claim_field("deadline"), claim_field("direction"));
        if let Some((cid, _)) = &claim {
            claims_chain.insert(
                *cid,
                Replayed {
                    state: "eligible".into(),
                    ..Replayed::default()
                },
            );
        }
        sealed.insert(
            id,
            Sealed {
                seq,
                sha: text(&d, "sha256").unwrap_or_default(),
                total: text(&d, "total").unwrap_or_default(),
                currency: text(&d, "currency").unwrap_or_default(),
                claim,
                claim_deadline,
                claim_direction,
            },
        );
    }
    let statements = check_statements(conn, &sealed, &restated, &mut problems)?;
    let claims = check_claims(conn, &sealed, &mut claims_chain, &mut problems)?;
    Ok(Report {
        statements,
        claims,
        problems,
    })
}

fn check_statements(
    conn: &Conn,
    sealed: &HashMap<i64, Sealed>,
    restated: &HashMap<String, (i64, i64)>,
    problems: &mut Vec<String>,
) -> Result<i64, StoreError> {
    type Row = (
        i64,
        String,
        String,
        String,
        String,
        String,
        String,
        String,
        Option<String>,
        String,
        Option<i64>,
    );
    let rows: Vec<Row> = conn
        .query("SELECT id, number, contract_id, period, result_json, inputs_json, total, currency, sha256, status, superseded_by FROM statements WHERE status <> 'draft' ORDER BY id", params![])?
        .iter()
        .map(|r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
                r.get(6)?,
                r.get(7)?,
                r.get(8)?,
                r.get(9)?,
                r.get(10)?,
            ))
        })
        .collect::<Result<_, StoreError>>()?;
    let mut seen = 0;
    for (
        id,
        number,
        contract,
        period,
        result_json,
        inputs_json,
        total,
        currency,
        sha,
        status,
        superseded_by,
    ) in &rows
    {
        seen += 1;
        // A restatement is in the chain: the statement it restates is
        // superseded by it, and nothing else is superseded.
        match (status.as_str(), restated.get(number)) {
            ("superseded", Some((by, _))) if *superseded_by == Some(*by) => {}
            ("superseded", Some((by, seq))) => problems.push(format!(
                "statement {number} is superseded by statement id {}, but audit entry {seq} has it superseded by statement id {by}",
                superseded_by.unwrap_or_default()
            )),
            ("superseded", None) => problems.push(format!(
                "statement {number} is superseded, but no restatement in the audit chain supersedes it"
            )),
            (_, Some((by, seq))) => problems.push(format!(
                "statement {number} is {status} again, but audit entry {seq} recorded it superseded by statement id {by}"
            )),
            _ => {}
        }
        let derived = crate::sha256_hex(
            canonical_json(number, contract, period, result_json, inputs_json).as_bytes(),
        );
        let result_total = serde_json::from_str::<Value>(result_json)
            .ok()
            .and_then(|v| text(&v, "total"));
        let Some(s) = sealed.get(id) else {
            problems.push(format!(
                "statement {number} is final but no audit entry sealed it"
            ));
            continue;
        };
        if derived != s.sha {
            problems.push(format!("statement {number}: its stored result or inputs were changed after it was sealed (seal re-derived {}…, sealed in audit entry {} as {}…)", &derived[..12], s.seq, s.sha.get(..12).unwrap_or(&s.sha)));
        }
        if sha.as_deref() != Some(s.sha.as_str()) {
            problems.push(format!(
                "statement {number}: its recorded seal is not the one sealed in audit entry {}",
                s.seq
            ));
        }
        if result_total.as_deref() != Some(total.as_str())
            || *total != s.total
            || *currency != s.currency
        {
            problems.push(format!(
                "statement {number}: total {currency} {total} was changed (sealed in audit entry {} as {} {})",
                s.seq, s.currency, s.total
            ));
        }
    }
    for (id, s) in sealed {
        if !rows.iter().any(|r| r.0 == *id) {
            problems.push(format!(
                "audit entry {} sealed statement id {id}, which is no longer a final statement",
                s.seq
            ));
        }
    }
    Ok(seen)
}

/// A claim row with what its statement says about the same things.
struct ClaimRow {
    id: i64,
    statement_id: i64,
    amount: String,
    state: String,
    claimed_on: Option<String>,
    claim_ref: Option<String>,
    invoice_ref: Option<String>,
    /// (contract, period, currency, deadline, direction) on the claim, and
    /// the same on its statement (whose contract and period are sealed).
    claim_terms: Terms,
    statement_terms: Terms,
}

type Terms = (String, String, String, Option<String>, Option<String>);

fn claim_rows(conn: &Conn) -> Result<Vec<ClaimRow>, StoreError> {
    conn
        .query("SELECT c.id, c.statement_id, c.amount, c.state, c.claimed_on, c.claim_ref, c.invoice_ref, c.contract_id, c.period, c.currency, c.deadline, c.direction, s.contract_id, s.period, s.currency, s.claim_deadline, s.direction FROM claims c JOIN statements s ON s.id = c.statement_id ORDER BY c.id", params![])?
        .iter()
        .map(|r| {
            Ok(ClaimRow {
                id: r.get(0)?,
                statement_id: r.get(1)?,
                amount: r.get(2)?,
                state: r.get(3)?,
                claimed_on: r.get(4)?,
                claim_ref: r.get(5)?,
                invoice_ref: r.get(6)?,
                claim_terms: (r.get(7)?, r.get(8)?, r.get(9)?, r.get(10)?, r.get(11)?),
                statement_terms: (r.get(12)?, r.get(13)?, r.get(14)?, r.get(15)?, r.get(16)?),
            })
        })
        .collect()
}

fn check_claims(
    conn: &Conn,
    sealed: &HashMap<i64, Sealed>,
    chain: &mut HashMap<i64, Replayed>,
    problems: &mut Vec<String>,
) -> Result<i64, StoreError> {
    let rows = claim_rows(conn)?;
    let all: i64 = conn
        .query_one("SELECT COUNT(*) FROM claims", params![])?
        .get(0)?;
    if all != rows.len() as i64 {
        problems.push(format!(
            "{} claim(s) belong to no statement",
            all - rows.len() as i64
        ));
    }
    let mut seen = 0;
    for c in &rows {
        seen += 1;
        let id = c.id;
        let Some(s) = sealed.get(&c.statement_id) else {
            problems.push(format!(
                "claim {id}: its statement (id {}) was never sealed in the audit chain",
                c.statement_id
            ));
            continue;
        };
        let sealed_amount = match &s.claim {
            Some((cid, a)) if *cid == id => a.clone(),
            Some((cid, _)) => {
                problems.push(format!(
                    "claim {id}: audit entry {} opened claim {cid} for its statement, not this one",
                    s.seq
                ));
                continue;
            }
            // Sealed before claims were chained: opened for the total.
            None => s.total.clone(),
        };
        if c.amount != sealed_amount {
            problems.push(format!(
                "claim {id}: amount {} was changed (opened in audit entry {} for {sealed_amount})",
                c.amount, s.seq
            ));
        }
        // Whose, which month, which currency, by when: as the statement
        // (sealed) and the entry that opened the claim say.
        let (contract, period, currency, deadline, direction) = &c.claim_terms;
        let (s_contract, s_period, _, s_deadline, s_direction) = &c.statement_terms;
        let want_deadline = s
            .claim_deadline
            .clone()
            .unwrap_or_else(|| s_deadline.clone());
        let want_direction = s
            .claim_direction
            .clone()
            .unwrap_or_else(|| s_direction.clone());
        if contract != s_contract
            || period != s_period
            || *currency != s.currency
            || *deadline != want_deadline
            || *direction != want_direction
        {
            problems.push(format!(
                "claim {id}: its terms were changed: {contract} {period} {currency}, deadline {}, direction {} (opened in audit entry {} for {s_contract} {s_period} {}, deadline {}, direction {})",
                deadline.as_deref().unwrap_or("-"),
                direction.as_deref().unwrap_or("-"),
                s.seq,
                s.currency,
                want_deadline.as_deref().unwrap_or("-"),
                want_direction.as_deref().unwrap_or("-"),
            ));
        }
        let r = chain.entry(id).or_insert_with(|| Replayed {
            state: "eligible".into(),
            ..Replayed::default()
        });
        if c.state != r.state
            || c.claimed_on != r.claimed_on
            || c.claim_ref != r.claim_ref
            || c.invoice_ref != r.invoice_ref
        {
            problems.push(format!(
                "claim {id}: it is {} (ref {}, invoice {}) but the audit chain has it {} (ref {}, invoice {})",
                c.state,
                c.claim_ref.as_deref().unwrap_or("-"),
                c.invoice_ref.as_deref().unwrap_or("-"),
                r.state,
                r.claim_ref.as_deref().unwrap_or("-"),
                r.invoice_ref.as_deref().unwrap_or("-"),
            ));
        }
    }
    for (cid, s) in sealed
        .values()
        .filter_map(|s| s.claim.as_ref().map(|c| (c.0, s)))
    {
        if !rows.iter().any(|r| r.id == cid) {
            problems.push(format!(
                "claim {cid}, opened in audit entry {}, is missing",
                s.seq
            ));
        }
    }
    Ok(seen)
}
