//! Storage for governance (issue 6): objective versions, the budget policy,
//! approved exceptions, the threshold history and request counts. Each
//! write is one transaction with its audit entry; nothing is edited in
//! place (the schema's triggers refuse it).

use crate::{audit, params, sha256_hex, Ctx, Library, StoreError};
use serde::Serialize;
use serde_json::json;
use sla_engine::Instant;
use std::path::Path;

/// The newest version of a stored objective.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct StoredSlo {
    pub name: String,
    pub version: i64,
    pub service: String,
    pub yaml: String,
    pub added_at: String,
    pub added_by: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct ExceptionInfo {
    pub id: i64,
    pub slo: String,
    pub start: String,
    pub end: String,
    pub reason: String,
    pub approver: String,
    pub recorded_at: String,
    pub recorded_by: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct ThresholdEvent {
    pub slo: String,
    pub window_start: String,
    pub consumed_percent: String,
    pub action: String,
    pub owner: String,
    pub since: Option<String>,
    pub recorded_at: String,
}

/// A stored request-count row: (start, end, good, total, `file:sheet:row`).
pub type StoredRequest = (Instant, Instant, u64, u64, String);

/// One request-count row to store.
pub struct RequestRow<'a> {
    pub sheet: &'a str,
    pub row: u32,
    pub service: &'a str,
    pub start: Instant,
    pub end: Instant,
    pub good: u64,
    pub total: u64,
}

impl Library {
    /// Stores objectives (name, service, canonical YAML): a changed one gets
    /// a new version, an unchanged one is left alone. Returns (name,
    /// version, changed) for each.
    pub fn add_slos(
        &mut self,
        ctx: &Ctx,
        source: &str,
        slos: &[(String, String, String)],
    ) -> Result<Vec<(String, i64, bool)>, StoreError> {
        self.write(|tx| {
            let mut out = Vec::new();
            for (name, service, yaml) in slos {
                let last: Option<(i64, String)> = tx
                    .query_opt(
                        "SELECT version, yaml FROM slo_versions WHERE name = ?1 ORDER BY version DESC LIMIT 1",
                        params![name],
                    )?
                    .map(|r| Ok::<_, StoreError>((r.get(0)?, r.get(1)?)))
                    .transpose()?;
                match last {
                    Some((v, y)) if &y == yaml => out.push((name.clone(), v, false)),
                    last => {
                        let v = last.map_or(1, |(v, _)| v + 1);
                        tx.execute(
                            "INSERT INTO slo_versions (name, version, yaml, service, added_at, added_by) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                            params![name, v, yaml, service, crate::fmt_time(ctx.now), ctx.actor],
                        )?;
                        audit::append(tx, ctx, "slo.set", name, &json!({ "version": v, "source": source, "yaml_sha256": sha256_hex(yaml.as_bytes()) }))?;
                        out.push((name.clone(), v, true));
                    }
                }
            }
            Ok(out)
        })
    }

    /// The newest version of every objective, by name.
    pub fn slos(&self) -> Result<Vec<StoredSlo>, StoreError> {
        self.conn()
            .query(
                "SELECT name, version, service, yaml, added_at, added_by FROM slo_versions s
                 WHERE version = (SELECT MAX(version) FROM slo_versions x WHERE x.name = s.name)
                 ORDER BY name",
                params![],
            )?
            .iter()
            .map(|r| {
                Ok(StoredSlo {
                    name: r.get(0)?,
                    version: r.get(1)?,
                    service: r.get(2)?,
                    yaml: r.get(3)?,
                    added_at: r.get(4)?,
                    added_by: r.get(5)?,
                })
            })
            .collect()
    }

    /// Stores the budget policy (already validated by the caller).
    pub fn set_budget_policy(
        &mut self,
        ctx: &Ctx,
        source: &str,
        toml: &str,
    ) -> Result<(), StoreError> {
        self.write(|tx| {
            tx.execute(
                "INSERT INTO budget_policies (toml, added_at, added_by) VALUES (?1, ?2, ?3)",
                params![toml, crate::fmt_time(ctx.now), ctx.actor],
            )?;
            audit::append(
                tx,
                ctx,
                "slo.policy",
                source,
                &json!({ "toml_sha256": sha256_hex(toml.as_bytes()) }),
            )
        })
    }

    pub fn budget_policy(&self) -> Result<Option<String>, StoreError> {
        self.conn()
            .query_opt(
                "SELECT toml FROM budget_policies ORDER BY id DESC LIMIT 1",
                params![],
            )?
            .map(|r| r.get(0))
            .transpose()
    }

    /// Records an approved exception: its bad time or requests stop
    /// consuming the objective's budget.
    pub fn add_budget_exception(
        &mut self,
        ctx: &Ctx,
        slo: &str,
        start: Instant,
        end: Instant,
        reason: &str,
        approver: &str,
    ) -> Result<i64, StoreError> {
        if end <= start {
            return Err(StoreError::Conflict(
                "an exception's end must be after its start".into(),
            ));
        }
        if reason.trim().is_empty() || approver.trim().is_empty() {
            return Err(StoreError::Conflict(
                "an exception needs a reason and an approver".into(),
            ));
        }
        self.write(|tx| {
            let known: bool = tx
                .query_one("SELECT EXISTS (SELECT 1 FROM slo_versions WHERE name = ?1)", params![slo])?
                .get(0)?;
            if !known {
                return Err(StoreError::NotFound { what: "objective", id: slo.into() });
            }
            let id = tx.insert_id(
                "INSERT INTO budget_exceptions (slo, start_utc, end_utc, reason, approver, recorded_at, recorded_by) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) RETURNING id",
                params![slo, start, end, reason.trim(), approver.trim(), crate::fmt_time(ctx.now), ctx.actor],
            )?;
            audit::append(tx, ctx, "slo.exception", slo, &json!({ "id": id, "start": crate::fmt_time(start), "end": crate::fmt_time(end), "reason": reason.trim(), "approver": approver.trim() }))?;
            Ok(id)
        })
    }

    pub fn budget_exceptions(&self, slo: Option<&str>) -> Result<Vec<ExceptionInfo>, StoreError> {
        self.conn()
            .query(
                "SELECT id, slo, start_utc, end_utc, reason, approver, recorded_at, recorded_by FROM budget_exceptions
                 WHERE CAST(?1 AS TEXT) IS NULL OR slo = ?1 ORDER BY start_utc, id",
                params![slo],
            )?
            .iter()
            .map(|r| {
                Ok(ExceptionInfo {
                    id: r.get(0)?,
                    slo: r.get(1)?,
                    start: crate::fmt_time(r.get(2)?),
                    end: crate::fmt_time(r.get(3)?),
                    reason: r.get(4)?,
                    approver: r.get(5)?,
                    recorded_at: r.get(6)?,
                    recorded_by: r.get(7)?,
                })
            })
            .collect()
    }

    /// Raw exception intervals for evaluation: (start, end, reason, approver).
    pub fn exception_intervals(
        &self,
        slo: &str,
    ) -> Result<Vec<(Instant, Instant, String, String)>, StoreError> {
        self.conn()
            .query("SELECT start_utc, end_utc, reason, approver FROM budget_exceptions WHERE slo = ?1 ORDER BY start_utc, id", params![slo])?
            .iter()
            .map(|r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
            .collect()
    }

    /// Records that a threshold is crossed in a window, once; the first
    /// time it is seen it is also an audit entry. Returns whether it is new.
    pub fn record_threshold(&mut self, ctx: &Ctx, e: &ThresholdEvent) -> Result<bool, StoreError> {
        self.write(|tx| {
            let n = tx
                .execute(
                    "INSERT INTO threshold_events (slo, window_start, consumed_percent, action, owner, since, recorded_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT (slo, window_start, consumed_percent) DO NOTHING",
                    params![e.slo, e.window_start, e.consumed_percent, e.action, e.owner, e.since, crate::fmt_time(ctx.now)],
                )?;
            if n == 1 {
                audit::append(tx, ctx, "slo.threshold", &e.slo, &json!({ "consumed_percent": e.consumed_percent, "action": e.action, "owner": e.owner, "since": e.since, "window_start": e.window_start }))?;
            }
            Ok(n == 1)
        })
    }

    pub fn threshold_history(&self) -> Result<Vec<ThresholdEvent>, StoreError> {
        self.conn()
            .query("SELECT slo, window_start, consumed_percent, action, owner, since, recorded_at FROM threshold_events ORDER BY id", params![])?
            .iter()
            .map(|r| {
                Ok(ThresholdEvent {
                    slo: r.get(0)?,
                    window_start: r.get(1)?,
                    consumed_percent: r.get(2)?,
                    action: r.get(3)?,
                    owner: r.get(4)?,
                    since: r.get(5)?,
                    recorded_at: r.get(6)?,
                })
            })
            .collect()
    }

    /// Stores a requests sheet, all rows or none. The same bytes twice is a
    /// no-op (returns `None`).
    pub fn import_requests(
        &mut self,
        ctx: &Ctx,
        file: &str,
        source_label: &str,
        rows: &[RequestRow<'_>],
    ) -> Result<Option<i64>, StoreError> {
        let bytes = std::fs::read(file).map_err(|source| StoreError::Io {
            path: file.into(),
            source,
        })?;
        let sha = sha256_hex(&bytes);
        let name = Path::new(file)
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| file.into());
        self.write(|tx| {
            let seen: bool = tx
                .query_one("SELECT EXISTS (SELECT 1 FROM request_imports WHERE sha256 = ?1)", params![sha])?
                .get(0)?;
            if seen {
                return Ok(None);
            }
            let id = tx.insert_id(
                "INSERT INTO request_imports (file_name, sha256, source_label, importer, imported_at, rows) VALUES (?1, ?2, ?3, ?4, ?5, ?6) RETURNING id",
                params![name, sha, source_label, ctx.actor, crate::fmt_time(ctx.now), rows.len() as i64],
            )?;
            for r in rows {
                tx.execute(
                    "INSERT INTO requests (import_id, sheet, row_number, service, start_utc, end_utc, good, total) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                    params![id, r.sheet, r.row, r.service, r.start, r.end, r.good as i64, r.total as i64],
                )?;
            }
            audit::append(tx, ctx, "requests.import", &name, &json!({ "import_id": id, "sha256": sha, "rows": rows.len(), "source_label": source_label }))?;
            Ok(Some(id))
        })
    }

    /// A service's request counts: (start, end, good, total, origin).
    pub fn requests_for(&self, service: &str) -> Result<Vec<StoredRequest>, StoreError> {
        self.conn()
            .query(
                "SELECT r.start_utc, r.end_utc, r.good, r.total, i.file_name || ':' || r.sheet || ':' || r.row_number
                 FROM requests r JOIN request_imports i ON i.id = r.import_id WHERE r.service = ?1 ORDER BY r.start_utc",
                params![service],
            )?
            .iter()
            .map(|r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    r.get::<i64>(2)? as u64,
                    r.get::<i64>(3)? as u64,
                    r.get(4)?,
                ))
            })
            .collect()
    }

    /// Every outage row of a service in the library, whichever contract's
    /// import it came with: (start, end or `None` while open, source).
    pub fn outages_for_service(
        &self,
        service: &str,
    ) -> Result<Vec<(Instant, Option<Instant>, String)>, StoreError> {
        self.conn()
            .query("SELECT start_utc, end_utc, source FROM outages WHERE service = ?1 ORDER BY start_utc", params![service])?
            .iter()
            .map(|r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .collect()
    }
}
