//! Per-library defaults: a few named preferences, each change audited.

use crate::{audit, params, Ctx, Library, StoreError};
use serde_json::json;
use std::collections::BTreeMap;

/// The settings a library keeps, as the schema's CHECK lists them.
pub const KEYS: [&str; 4] = ["actor", "source_label", "export_dir", "locale"];

impl Library {
    pub fn settings(&self) -> Result<BTreeMap<String, String>, StoreError> {
        self.conn()
            .query("SELECT key, value FROM settings ORDER BY key", params![])?
            .iter()
            .map(|r| Ok((r.get(0)?, r.get(1)?)))
            .collect()
    }

    /// Sets (or, with an empty value, clears) one setting.
    pub fn set_setting(&mut self, ctx: &Ctx, key: &str, value: &str) -> Result<(), StoreError> {
        if !KEYS.contains(&key) {
            return Err(StoreError::Conflict(format!(
                "`{key}` is not a setting; the settings are {}",
                KEYS.join(", ")
            )));
        }
        let value = value.trim();
        self.write(|tx| {
            let old: Option<String> = tx
                .query_opt("SELECT value FROM settings WHERE key = ?1", params![key])?
                .map(|r| r.get(0))
                .transpose()?;
            if old.as_deref() == Some(value) || (old.is_none() && value.is_empty()) {
                return Ok(());
            }
            if value.is_empty() {
                tx.execute("DELETE FROM settings WHERE key = ?1", params![key])?;
            } else {
                tx.execute(
                    "INSERT INTO settings (key, value, updated_at, updated_by) VALUES (?1, ?2, ?3, ?4)
                     ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at, updated_by = excluded.updated_by",
                    params![key, value, crate::fmt_time(ctx.now), ctx.actor],
                )?;
            }
            audit::append(tx, ctx, "settings.set", key, &json!({ "from": old, "to": if value.is_empty() { None } else { Some(value) } }))?;
            Ok(())
        })
    }
}
