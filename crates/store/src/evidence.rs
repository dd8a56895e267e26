//! Evidence imports with provenance: file name, SHA-256, importer, time,
//! source label and each row's original sheet and row number. An import is
//! one transaction: every row or none. Re-importing the same file is a no-op
//! that says so. Rows from different monitors stay side by side; the engine
//! merges them.

use crate::db::{Conn, Row, Value};
use crate::{audit, params, Ctx, Library, StoreError};
use serde::Serialize;
use serde_json::json;
use sla_engine::events::RequestRow;
use sla_engine::{Events, IncidentRow, MaintenanceRow, Origin, OutageRow};
use std::collections::HashSet;
use std::str::FromStr;
use std::sync::Arc;

#[derive(Debug, Clone, Serialize, ts_rs::TS, PartialEq, Eq)]
#[ts(export)]
pub struct ImportInfo {
    pub id: i64,
    pub contract: String,
    pub file_name: String,
    pub sha256: String,
    pub source_label: String,
    pub importer: String,
    pub imported_at: String,
    pub outage_rows: i64,
    pub maintenance_rows: i64,
    pub incident_rows: i64,
    /// Request-count rows (terms v2 section 8).
    pub request_rows: i64,
    /// When it was withdrawn (issue 16); its rows no longer count.
    pub withdrawn_at: Option<String>,
}

#[derive(Debug, Clone, Serialize, ts_rs::TS)]
#[ts(export)]
pub enum ImportOutcome {
    Imported {
        import: ImportInfo,
        warnings: Vec<String>,
    },
    /// The same bytes were imported before for this contract: nothing done.
    AlreadyImported(ImportInfo),
}

/// Progress of the write phase of an import.
#[derive(Debug, Clone, Copy, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct Progress {
    pub rows_done: u64,
    pub rows_total: u64,
    pub rows_per_second: u64,
}

/// How often progress is reported (and cancellation checked), in rows.
pub const PROGRESS_EVERY: u64 = 5_000;

/// An import ready to be written: the evidence as read and checked by the
/// importer, and where it came from. The store writes it; it never reads a
/// spreadsheet itself.
pub struct NewImport<'a> {
    pub contract: &'a str,
    pub file_name: &'a str,
    pub sha256: &'a str,
    pub source_label: &'a str,
    pub events: &'a Events,
    /// The user's sheet kinds and column mapping, kept in the audit entry so
    /// that the reading can be redone.
    pub mapping: Option<serde_json::Value>,
}

impl Library {
    /// The contract an import is for: the one named, else the library's only one.
    pub fn resolve_contract(&self, requested: Option<&str>) -> Result<String, StoreError> {
        match requested {
            Some(c) => self.versions(c).map(|_| c.to_string()),
            None => {
                let ids = self.contract_ids()?;
                match ids.as_slice() {
                    [one] => Ok(one.clone()),
                    [] => Err(StoreError::Conflict(
                        "the library has no contracts yet: add one with `contracts add` first"
                            .into(),
                    )),
                    _ => Err(StoreError::Conflict(format!(
                        "the library has {} contracts: say which one with --contract",
                        ids.len()
                    ))),
                }
            }
        }
    }

    /// Writes an import, every row or none. `progress` is called every
    /// [`PROGRESS_EVERY`] rows; returning `false` cancels, and nothing is
    /// written. Of two people importing the same bytes at once, the second
    /// is told it is already imported.
    pub fn store_import(
        &mut self,
        ctx: &Ctx,
        req: &NewImport<'_>,
        progress: &mut dyn FnMut(Progress) -> bool,
    ) -> Result<ImportOutcome, StoreError> {
        let (contract, sha, file_name) = (req.contract, req.sha256, req.file_name);
        let mapping_json = &req.mapping;
        let ev = req.events;
        let total =
            (ev.outages.len() + ev.maintenance.len() + ev.incidents.len() + ev.requests.len())
                as u64;
        let started = std::time::Instant::now();
        let at = crate::fmt_time(ctx.now);
        let id = self.write(|tx| {
            // Checked again inside the write: of two people importing the
            // same file at once, the second is told it is already imported.
            if let Some(existing) = import_id_by_sha(tx, contract, sha)? {
                return Ok(Err(existing));
            }
            let id = tx.insert_id(
                "INSERT INTO imports (contract_id, file_name, sha256, source_label, importer, imported_at, outage_rows, maintenance_rows, incident_rows, request_rows) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10) RETURNING id",
                params![contract, file_name, sha, req.source_label, ctx.actor, at, ev.outages.len() as i64, ev.maintenance.len() as i64, ev.incidents.len() as i64, ev.requests.len() as i64],
            )?;
            let mut done = 0u64;
            let mut tick = |done: u64| -> Result<(), StoreError> {
                if done.is_multiple_of(PROGRESS_EVERY) || done == total {
                    let secs = started.elapsed().as_secs_f64().max(1e-6);
                    if !progress(Progress { rows_done: done, rows_total: total, rows_per_second: (done as f64 / secs) as u64 }) {
                        return Err(StoreError::Cancelled);
                    }
                }
                Ok(())
            };
            // Parameters are made one insert at a time, never for the whole
            // file at once (issue 15: a million rows held twice).
            insert_rows(tx, "outages (import_id, sheet, row_number, service, start_utc, end_utc, impact, cause, source, ref)", &ev.outages, |o| Ok(params![id, o.origin.sheet, o.origin.row, o.service, o.start, o.end, o.impact.to_string(), o.cause, o.source, o.reference].to_vec()), &mut done, &mut tick)?;
            insert_rows(tx, "maintenance (import_id, sheet, row_number, service, start_utc, end_utc, notified_utc)", &ev.maintenance, |m| Ok(params![id, m.origin.sheet, m.origin.row, m.service, m.start, m.end, m.notified_at].to_vec()), &mut done, &mut tick)?;
            insert_rows(tx, "incident_events (import_id, sheet, row_number, incident, service, severity, at_utc, status)", &ev.incidents, |r| Ok(params![id, r.origin.sheet, r.origin.row, r.incident, r.service, r.severity, r.at, r.status].to_vec()), &mut done, &mut tick)?;
            let count = |r: &RequestRow, n: u64| i64::try_from(n).map_err(|_| StoreError::Conflict(format!("{}: {n} requests is more than a library holds in one row", r.origin)));
            insert_rows(tx, "request_counts (import_id, sheet, row_number, service, start_utc, end_utc, good, total)", &ev.requests, |r| Ok(params![id, r.origin.sheet, r.origin.row, r.service, r.start, r.end, count(r, r.good)?, count(r, r.total)?].to_vec()), &mut done, &mut tick)?;
            if total == 0 {
                tick(0)?;
            }
            audit::append(tx, ctx, "evidence.import", contract, &json!({ "import_id": id, "file_name": file_name, "sha256": sha, "source_label": req.source_label, "rows": total, "mapping": mapping_json }))?;
            Ok(Ok(id))
        })?;
        let id = match id {
            Ok(id) => id,
            Err(existing) => {
                return Ok(ImportOutcome::AlreadyImported(self.import_info(existing)?))
            }
        };
        let info = self.import_info(id)?;
        Ok(ImportOutcome::Imported {
            import: info,
            warnings: Vec::new(),
        })
    }

    /// The import of these bytes for this contract, if any.
    pub fn import_by_sha(
        &self,
        contract: &str,
        sha: &str,
    ) -> Result<Option<ImportInfo>, StoreError> {
        import_id_by_sha(self.conn(), contract, sha)?
            .map(|id| self.import_info(id))
            .transpose()
    }

    pub fn import_info(&self, id: i64) -> Result<ImportInfo, StoreError> {
        self.conn()
            .query_opt(
                "SELECT id, contract_id, file_name, sha256, source_label, importer, imported_at, outage_rows, maintenance_rows, incident_rows, request_rows, (SELECT withdrawn_at FROM import_withdrawals w WHERE w.import_id = imports.id) FROM imports WHERE id = ?1",
                params![id],
            )?
            .map(|r| {
                    Ok::<_, StoreError>(ImportInfo {
                        id: r.get(0)?,
                        contract: r.get(1)?,
                        file_name: r.get(2)?,
                        sha256: r.get(3)?,
                        source_label: r.get(4)?,
                        importer: r.get(5)?,
                        imported_at: r.get(6)?,
                        outage_rows: r.get(7)?,
                        maintenance_rows: r.get(8)?,
                        incident_rows: r.get(9)?,
                        request_rows: r.get(10)?,
                        withdrawn_at: r.get(11)?,
                    })
            })
            .transpose()?
            .ok_or_else(|| StoreError::NotFound { what: "import", id: id.to_string() })
    }

    pub fn imports(&self, contract: &str) -> Result<Vec<ImportInfo>, StoreError> {
        let ids: Vec<i64> = self
            .conn()
            .query(
                "SELECT id FROM imports WHERE contract_id = ?1 ORDER BY id",
                params![contract],
            )?
            .iter()
            .map(|r| r.get(0))
            .collect::<Result<_, _>>()?;
        ids.into_iter().map(|id| self.import_info(id)).collect()
    }

    /// All evidence of a contract, in import order then file order (so
    /// incident rows with equal instants keep their file order).
    pub fn events(&self, contract: &str) -> Result<Events, StoreError> {
        let c = self.conn();
        let mut ev = Events::default();
        let origin = |file: String, sheet: String, row: i64| Origin {
            file: file.into(),
            sheet: sheet.into(),
            row: row as u32,
        };
        // In file order: SQLite's rowid, and the `rowid` identity column of
        // the PostgreSQL schema.
        // Rows are built as they are read, their repeated texts shared
        // (issue 15), as the importer builds them.
        let mut shared: HashSet<Arc<str>> = HashSet::new();
        let mut share = |r: &Row, i: usize| -> Result<Arc<str>, StoreError> {
            let t: String = r.get(i)?;
            Ok(match shared.get(t.as_str()) {
                Some(s) => s.clone(),
                None => {
                    let s: Arc<str> = t.into();
                    shared.insert(s.clone());
                    s
                }
            })
        };
        c.query_each("SELECT i.file_name, o.sheet, o.row_number, o.service, o.start_utc, o.end_utc, o.impact, o.cause, o.source, o.ref FROM outages o JOIN imports i ON i.id = o.import_id WHERE i.contract_id = ?1 AND i.id NOT IN (SELECT import_id FROM import_withdrawals) ORDER BY o.import_id, o.rowid", params![contract], |r| {
            let impact: String = r.get(6)?;
            let row: i64 = r.get(2)?;
            ev.outages.push(OutageRow {
                origin: Origin {
                    file: share(&r, 0)?,
                    sheet: share(&r, 1)?,
                    row: row as u32,
                },
                service: share(&r, 3)?,
                start: r.get(4)?,
                end: r.get(5)?,
                impact: rust_decimal::Decimal::from_str(&impact).map_err(|e| StoreError::Decode {
                    column: 6,
                    message: format!("impact `{impact}`: {e}"),
                })?,
                cause: share(&r, 7)?,
                source: share(&r, 8)?,
                reference: r.get(9)?,
            });
            Ok(())
        })?;
        ev.maintenance = c
            .query("SELECT i.file_name, m.sheet, m.row_number, m.service, m.start_utc, m.end_utc, m.notified_utc FROM maintenance m JOIN imports i ON i.id = m.import_id WHERE i.contract_id = ?1 AND i.id NOT IN (SELECT import_id FROM import_withdrawals) ORDER BY m.import_id, m.rowid", params![contract])?
            .iter()
            .map(|r| {
                Ok(MaintenanceRow {
                    origin: origin(r.get(0)?, r.get(1)?, r.get(2)?),
                    service: r.get(3)?,
                    start: r.get(4)?,
                    end: r.get(5)?,
                    notified_at: r.get(6)?,
                })
            })
            .collect::<Result<_, StoreError>>()?;
        ev.incidents = c
            .query("SELECT i.file_name, e.sheet, e.row_number, e.incident, e.service, e.severity, e.at_utc, e.status FROM incident_events e JOIN imports i ON i.id = e.import_id WHERE i.contract_id = ?1 AND i.id NOT IN (SELECT import_id FROM import_withdrawals) ORDER BY e.import_id, e.rowid", params![contract])?
            .iter()
            .map(|r| {
                Ok(IncidentRow {
                    origin: origin(r.get(0)?, r.get(1)?, r.get(2)?),
                    incident: r.get(3)?,
                    service: r.get(4)?,
                    severity: r.get(5)?,
                    at: r.get(6)?,
                    status: r.get(7)?,
                })
            })
            .collect::<Result<_, StoreError>>()?;
        ev.requests = c
            .query("SELECT i.file_name, q.sheet, q.row_number, q.service, q.start_utc, q.end_utc, q.good, q.total FROM request_counts q JOIN imports i ON i.id = q.import_id WHERE i.contract_id = ?1 AND i.id NOT IN (SELECT import_id FROM import_withdrawals) ORDER BY q.import_id, q.rowid", params![contract])?
            .iter()
            .map(|r| {
                Ok(RequestRow {
                    origin: origin(r.get(0)?, r.get(1)?, r.get(2)?),
                    service: r.get(3)?,
                    start: r.get(4)?,
                    end: r.get(5)?,
                    good: r.get::<i64>(6)? as u64,
                    total: r.get::<i64>(7)? as u64,
                })
            })
            .collect::<Result<_, StoreError>>()?;
        Ok(ev)
    }
}

/// Rows per INSERT: one round trip for many rows (a team library is
/// across a network), far below both engines' limits on parameters.
const ROWS_PER_INSERT: usize = 250;

/// Inserts `rows` in order, several per statement, calling `tick` after
/// each statement; a statement never spans a multiple of
/// [`PROGRESS_EVERY`], so progress is reported at exactly those counts.
fn insert_rows<T>(
    tx: &Conn,
    table: &str,
    rows: &[T],
    to_params: impl Fn(&T) -> Result<Vec<Value>, StoreError>,
    done: &mut u64,
    tick: &mut dyn FnMut(u64) -> Result<(), StoreError>,
) -> Result<(), StoreError> {
    let mut rest = rows;
    // The statement's text is made again only when the chunk size changes.
    let mut sql: Option<(usize, String)> = None;
    while !rest.is_empty() {
        let to_mark = PROGRESS_EVERY - *done % PROGRESS_EVERY;
        let n = rest.len().min(ROWS_PER_INSERT).min(to_mark as usize);
        let (chunk, tail) = rest.split_at(n);
        let mut params: Vec<Value> = Vec::new();
        for r in chunk {
            params.extend(to_params(r)?);
        }
        let width = params.len() / n;
        if sql.as_ref().is_none_or(|(k, _)| *k != n) {
            let values: Vec<String> = (0..n)
                .map(|r| {
                    let marks: Vec<String> =
                        (1..=width).map(|c| format!("?{}", r * width + c)).collect();
                    format!("({})", marks.join(", "))
                })
                .collect();
            sql = Some((
                n,
                format!("INSERT INTO {table} VALUES {}", values.join(", ")),
            ));
        }
        let text = sql.as_ref().map(|(_, t)| t.as_str()).unwrap_or_default();
        tx.execute(text, &params)?;
        *done += n as u64;
        tick(*done)?;
        rest = tail;
    }
    Ok(())
}

/// The import of these bytes for this contract, if any.
fn import_id_by_sha(conn: &Conn, contract: &str, sha: &str) -> Result<Option<i64>, StoreError> {
    conn.query_opt(
        "SELECT id FROM imports WHERE contract_id = ?1 AND sha256 = ?2",
        params![contract, sha],
    )?
    .map(|r| r.get(0))
    .transpose()
}
