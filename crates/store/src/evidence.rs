//! Evidence imports with provenance: file name, SHA-256, importer, time,
//! source label and each row's original sheet and row number. An import is
//! one transaction: every row or none. Re-importing the same file is a no-op
//! that says so. Rows from different monitors stay side by side; the engine
//! merges them.

use crate::{audit, sql, Ctx, Library, StoreError};
use rusqlite::{params, OptionalExtension};
use serde::Serialize;
use serde_json::json;
use sla_engine::{Events, IncidentRow, MaintenanceRow, Origin, OutageRow};
use std::str::FromStr;

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
        let total = (ev.outages.len() + ev.maintenance.len() + ev.incidents.len()) as u64;
        let started = std::time::Instant::now();
        let at = crate::fmt_time(ctx.now);
        let id = self.write(|tx| {
            // Checked again inside the write: of two people importing the
            // same file at once, the second is told it is already imported.
            if let Some(existing) = import_id_by_sha(tx, contract, sha)? {
                return Ok(Err(existing));
            }
            tx.execute(
                "INSERT INTO imports (contract_id, file_name, sha256, source_label, importer, imported_at, outage_rows, maintenance_rows, incident_rows) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                params![contract, file_name, sha, req.source_label, ctx.actor, at, ev.outages.len() as i64, ev.maintenance.len() as i64, ev.incidents.len() as i64],
            )
            .map_err(sql)?;
            let id = tx.last_insert_rowid();
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
            {
                let mut st = tx.prepare("INSERT INTO outages (import_id, sheet, row_number, service, start_utc, end_utc, impact, cause, source, ref) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)").map_err(sql)?;
                for o in &ev.outages {
                    st.execute(params![id, o.origin.sheet, o.origin.row, o.service, o.start, o.end, o.impact.to_string(), o.cause, o.source, o.reference]).map_err(sql)?;
                    done += 1;
                    tick(done)?;
                }
                let mut st = tx.prepare("INSERT INTO maintenance (import_id, sheet, row_number, service, start_utc, end_utc, notified_utc) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)").map_err(sql)?;
                for m in &ev.maintenance {
                    st.execute(params![id, m.origin.sheet, m.origin.row, m.service, m.start, m.end, m.notified_at]).map_err(sql)?;
                    done += 1;
                    tick(done)?;
                }
                let mut st = tx.prepare("INSERT INTO incident_events (import_id, sheet, row_number, incident, service, severity, at_utc, status) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)").map_err(sql)?;
                for r in &ev.incidents {
                    st.execute(params![id, r.origin.sheet, r.origin.row, r.incident, r.service, r.severity, r.at, r.status]).map_err(sql)?;
                    done += 1;
                    tick(done)?;
                }
            }
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
            .query_row(
                "SELECT id, contract_id, file_name, sha256, source_label, importer, imported_at, outage_rows, maintenance_rows, incident_rows FROM imports WHERE id = ?1",
                [id],
                |r| {
                    Ok(ImportInfo {
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
                    })
                },
            )
            .optional()
            .map_err(sql)?
            .ok_or_else(|| StoreError::NotFound { what: "import", id: id.to_string() })
    }

    pub fn imports(&self, contract: &str) -> Result<Vec<ImportInfo>, StoreError> {
        let mut st = self
            .conn()
            .prepare("SELECT id FROM imports WHERE contract_id = ?1 ORDER BY id")
            .map_err(sql)?;
        let ids: Vec<i64> = st
            .query_map([contract], |r| r.get(0))
            .map_err(sql)?
            .collect::<Result<_, _>>()
            .map_err(sql)?;
        ids.into_iter().map(|id| self.import_info(id)).collect()
    }

    /// All evidence of a contract, in import order then file order (so
    /// incident rows with equal instants keep their file order).
    pub fn events(&self, contract: &str) -> Result<Events, StoreError> {
        let c = self.conn();
        let mut ev = Events::default();
        let origin = |file: String, sheet: String, row: i64| Origin {
            file,
            sheet,
            row: row as u32,
        };
        let mut st = c
            .prepare("SELECT i.file_name, o.sheet, o.row_number, o.service, o.start_utc, o.end_utc, o.impact, o.cause, o.source, o.ref FROM outages o JOIN imports i ON i.id = o.import_id WHERE i.contract_id = ?1 ORDER BY o.import_id, o.rowid")
            .map_err(sql)?;
        let rows = st
            .query_map([contract], |r| {
                let impact: String = r.get(6)?;
                Ok(OutageRow {
                    origin: origin(r.get(0)?, r.get(1)?, r.get(2)?),
                    service: r.get(3)?,
                    start: r.get(4)?,
                    end: r.get(5)?,
                    impact: rust_decimal::Decimal::from_str(&impact).map_err(|e| {
                        rusqlite::Error::FromSqlConversionFailure(
                            6,
                            rusqlite::types::Type::Text,
                            Box::new(e),
                        )
                    })?,
                    cause: r.get(7)?,
                    source: r.get(8)?,
                    reference: r.get(9)?,
                })
            })
            .map_err(sql)?;
        ev.outages = rows.collect::<Result<_, _>>().map_err(sql)?;
        let mut st = c
            .prepare("SELECT i.file_name, m.sheet, m.row_number, m.service, m.start_utc, m.end_utc, m.notified_utc FROM maintenance m JOIN imports i ON i.id = m.import_id WHERE i.contract_id = ?1 ORDER BY m.import_id, m.rowid")
            .map_err(sql)?;
        let rows = st
            .query_map([contract], |r| {
                Ok(MaintenanceRow {
                    origin: origin(r.get(0)?, r.get(1)?, r.get(2)?),
                    service: r.get(3)?,
                    start: r.get(4)?,
                    end: r.get(5)?,
                    notified_at: r.get(6)?,
                })
            })
            .map_err(sql)?;
        ev.maintenance = rows.collect::<Result<_, _>>().map_err(sql)?;
        let mut st = c
            .prepare("SELECT i.file_name, e.sheet, e.row_number, e.incident, e.service, e.severity, e.at_utc, e.status FROM incident_events e JOIN imports i ON i.id = e.import_id WHERE i.contract_id = ?1 ORDER BY e.import_id, e.rowid")
            .map_err(sql)?;
        let rows = st
            .query_map([contract], |r| {
                Ok(IncidentRow {
                    origin: origin(r.get(0)?, r.get(1)?, r.get(2)?),
                    incident: r.get(3)?,
                    service: r.get(4)?,
                    severity: r.get(5)?,
                    at: r.get(6)?,
                    status: r.get(7)?,
                })
            })
            .map_err(sql)?;
        ev.incidents = rows.collect::<Result<_, _>>().map_err(sql)?;
        Ok(ev)
    }
}

/// The import of these bytes for this contract, if any.
fn import_id_by_sha(
    conn: &rusqlite::Connection,
    contract: &str,
    sha: &str,
) -> Result<Option<i64>, StoreError> {
    conn.query_row(
        "SELECT id FROM imports WHERE contract_id = ?1 AND sha256 = ?2",
        params![contract, sha],
        |r| r.get(0),
    )
    .optional()
    .map_err(sql)
}
