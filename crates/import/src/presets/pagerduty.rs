//! PagerDuty. Three exports, each to incident rows (clock changes):
//!
//! - REST API v2 `GET /incidents` with each incident's log entries
//!   (`GET /incidents/{id}/log_entries`) under `log_entries`
//!   (<https://developer.pagerduty.com/api-reference/9d0b4b12e36f9-list-incidents>,
//!   <https://developer.pagerduty.com/api-reference/367aa4d3e4c8d-list-log-entries-for-an-incident>).
//!   Used: `incidents[].id`, `.service.summary`, `.priority.summary`,
//!   `.urgency`, `.created_at`, `.log_entries[].type`, `.created_at`.
//!   `trigger_log_entry` -> opened, `acknowledge_log_entry` ->
//!   acknowledged, `unacknowledge_log_entry` -> opened (again),
//!   `resolve_log_entry` -> resolved; other `*_log_entry` types do not
//!   move the clock and are skipped.
//! - Analytics raw incidents (`POST /analytics/raw/incidents`,
//!   <https://developer.pagerduty.com/api-reference/c2d493e995071-get-raw-data-multiple-incidents>):
//!   `time_zone`, `data[].id`, `.service_name`, `.priority_name`,
//!   `.urgency`, `.created_at`, `.seconds_to_first_ack`, `.resolved_at`;
//!   naive times are read in the document's `time_zone`.
//! - The web UI's incidents CSV (Analytics > Incidents > Download CSV):
//!   `id`, `incident_number`, `service_name`, `urgency`, `priority`,
//!   `created_on`, `seconds_to_first_ack`, `resolved_on`.
//!
//! Severity is the priority when the incident has one, else its urgency.

use super::json::{first_of, has_keys, Node};
use super::{csv_text, has_columns, At, FileType, Out, PresetInfo};
use crate::sheet::RawSheet;
use chrono_tz::Tz;
use serde_json::Value;
use sla_engine::{IncidentRow, Instant, Origin};

const DOC: &str = "https://developer.pagerduty.com/api-reference/";

pub(crate) const INFO_REST: PresetInfo = PresetInfo {
    name: "pagerduty",
    version: 1,
    vendor: "PagerDuty",
    title: "REST API v2 incidents with their log entries (JSON)",
    file: FileType::Json,
    kinds: &["incidents"],
    source: DOC,
};

pub(crate) const INFO_ANALYTICS: PresetInfo = PresetInfo {
    name: "pagerduty-analytics",
    version: 1,
    vendor: "PagerDuty",
    title: "Analytics raw incidents (JSON)",
    file: FileType::Json,
    kinds: &["incidents"],
    source: DOC,
};

pub(crate) const INFO_CSV: PresetInfo = PresetInfo {
    name: "pagerduty-csv",
    version: 1,
    vendor: "PagerDuty",
    title: "incidents CSV downloaded from the web UI",
    file: FileType::Csv,
    kinds: &["incidents"],
    source: "https://support.pagerduty.com/main/docs/insights (incident CSV export)",
};

pub(crate) fn detect_json(v: &Value) -> Option<&'static str> {
    if first_of(v, "incidents").is_some_and(|i| has_keys(i, &["incident_number", "service"])) {
        return Some("pagerduty");
    }
    if v.get("time_zone").is_some()
        && first_of(v, "data").is_some_and(|i| has_keys(i, &["service_name", "created_at"]))
    {
        return Some("pagerduty-analytics");
    }
    None
}

pub(crate) fn detect_csv(header: &[String]) -> Option<&'static str> {
    has_columns(header, &["created_on", "resolved_on", "service_name"]).then_some("pagerduty-csv")
}

/// The fields every incident row of one incident shares.
struct Incident {
    id: String,
    service: String,
    severity: String,
}

fn push(out: &mut Out<'_>, inc: &Incident, at: Instant, status: &str, origin: Origin) {
    out.events.incidents.push(IncidentRow {
        incident: inc.id.clone(),
        service: inc.service.clone(),
        severity: inc.severity.clone(),
        at,
        status: status.into(),
        origin,
    });
}

fn ordinal(out: &Out<'_>) -> u32 {
    out.events.incidents.len() as u32 + 1
}

/// Id, service (mapped) and severity of an incident object; `None` with
/// the problems recorded when one is missing.
fn incident_fields(
    out: &mut Out<'_>,
    item: &Node<'_>,
    id_key: &str,
    service: Option<(String, At)>,
    priority: Option<String>,
) -> Option<Incident> {
    let id = item.text(id_key);
    if id.is_none() {
        out.err(
            &At::Json(item.pointer_to(id_key)),
            "required value is missing",
        );
    }
    let service = match service {
        Some((name, at)) => out.service(&name, &at),
        None => {
            out.err(
                &At::Json(item.pointer_to("service")),
                "the incident names no service",
            );
            None
        }
    };
    let severity = priority.or_else(|| item.text("urgency"));
    if severity.is_none() {
        out.err(
            &At::Json(item.pointer_to("urgency")),
            "neither a priority nor an urgency: the severity is unknown",
        );
    }
    Some(Incident {
        id: id?,
        service: service?,
        severity: severity?,
    })
}

pub(crate) fn read_rest(out: &mut Out<'_>, root: Node<'_>) {
    let Some(list) = root.get("incidents") else {
        return;
    };
    for item in list.items() {
        let service = item.get("service").and_then(|s| {
            s.text("summary")
                .or_else(|| s.text("name"))
                .map(|n| (n, At::Json(s.pointer_to("summary"))))
        });
        let priority = item
            .get("priority")
            .and_then(|p| p.text("summary").or_else(|| p.text("name")));
        let Some(inc) = incident_fields(out, &item, "id", service, priority) else {
            continue;
        };
        match item.get("log_entries") {
            Some(entries) => log_entries(out, &inc, &entries),
            None => {
                // Without log entries only the incident's own times are known.
                let at = At::Json(item.pointer_to("created_at"));
                if let Some(t) = item
                    .text("created_at")
                    .and_then(|t| out.time(&t, None, &at))
                {
                    let origin = out.origin(item.pointer(), ordinal(out));
                    push(out, &inc, t, "opened", origin);
                } else {
                    out.err(&at, "required value is missing or bad");
                }
                if let Some(r) = item.text("resolved_at") {
                    let at = At::Json(item.pointer_to("resolved_at"));
                    if let Some(t) = out.time(&r, None, &at) {
                        let origin = out.origin(item.pointer_to("resolved_at"), ordinal(out));
                        push(out, &inc, t, "resolved", origin);
                    }
                }
            }
        }
    }
}

fn log_entries(out: &mut Out<'_>, inc: &Incident, entries: &Node<'_>) {
    for e in entries.items() {
        let kind = e.text("type").unwrap_or_default();
        let status = match kind.as_str() {
            "trigger_log_entry" => "opened",
            "acknowledge_log_entry" => "acknowledged",
            "unacknowledge_log_entry" => "opened",
            "resolve_log_entry" => "resolved",
            k if k.ends_with("_log_entry") => continue,
            k => {
                out.err(
                    &At::Json(e.pointer_to("type")),
                    format!("unknown log entry type `{k}`"),
                );
                continue;
            }
        };
        let at = At::Json(e.pointer_to("created_at"));
        let Some(text) = e.text("created_at") else {
            out.err(&at, "required value is missing");
            continue;
        };
        if let Some(t) = out.time(&text, None, &at) {
            let origin = out.origin(e.pointer(), ordinal(out));
            push(out, inc, t, status, origin);
        }
    }
}

/// A whole number of seconds (`seconds_to_first_ack`), never a float.
fn seconds(text: &str) -> Result<i64, String> {
    text.trim()
        .parse::<i64>()
        .ok()
        .filter(|n| (0..=100 * 366 * 86_400).contains(n))
        .ok_or_else(|| format!("`{text}` is not a whole number of seconds"))
}

pub(crate) fn read_analytics(out: &mut Out<'_>, root: Node<'_>) {
    let zone_at = At::Json(root.pointer_to("time_zone"));
    let zone: Option<Tz> = match root.text("time_zone") {
        Some(z) => match z.parse() {
            Ok(tz) => Some(tz),
            Err(_) => {
                out.err(&zone_at, format!("`{z}` is not an IANA time zone"));
                return;
            }
        },
        None => None,
    };
    let Some(list) = root.get("data") else {
        return;
    };
    for item in list.items() {
        let service = item
            .text("service_name")
            .map(|n| (n, At::Json(item.pointer_to("service_name"))));
        let priority = item.text("priority_name");
        let Some(inc) = incident_fields(out, &item, "id", service, priority) else {
            continue;
        };
        let at = At::Json(item.pointer_to("created_at"));
        let Some(opened) = item
            .text("created_at")
            .and_then(|t| out.time(&t, zone, &at))
        else {
            if item.text("created_at").is_none() {
                out.err(&at, "required value is missing");
            }
            continue;
        };
        let origin = out.origin(item.pointer_to("created_at"), ordinal(out));
        push(out, &inc, opened, "opened", origin);
        if let Some(s) = item.text("seconds_to_first_ack") {
            match seconds(&s) {
                Ok(n) => {
                    let origin = out.origin(item.pointer_to("seconds_to_first_ack"), ordinal(out));
                    push(out, &inc, opened + n, "acknowledged", origin);
                }
                Err(m) => out.err(&At::Json(item.pointer_to("seconds_to_first_ack")), m),
            }
        }
        if let Some(r) = item.text("resolved_at") {
            let at = At::Json(item.pointer_to("resolved_at"));
            if let Some(t) = out.time(&r, zone, &at) {
                if out.ordered(opened, Some(t), &at) {
                    let origin = out.origin(item.pointer_to("resolved_at"), ordinal(out));
                    push(out, &inc, t, "resolved", origin);
                }
            }
        }
    }
}

pub(crate) fn read_csv_export(out: &mut Out<'_>, sheet: &RawSheet) {
    for (row, cells) in &sheet.rows {
        if cells.iter().all(crate::Cell::is_empty) {
            continue;
        }
        let row = *row;
        let get = |h: &str| csv_text(sheet, cells, h);
        let id = get("incident_number").or_else(|| get("id"));
        if id.is_none() {
            out.err(&At::cell(sheet, row, "id"), "required cell is empty");
        }
        let service = match get("service_name") {
            Some(s) => out.service(&s, &At::cell(sheet, row, "service_name")),
            None => {
                out.err(
                    &At::cell(sheet, row, "service_name"),
                    "required cell is empty",
                );
                None
            }
        };
        let severity = get("priority").or_else(|| get("urgency"));
        if severity.is_none() {
            out.err(
                &At::cell(sheet, row, "urgency"),
                "neither a priority nor an urgency: the severity is unknown",
            );
        }
        let created = get("created_on");
        let at = At::cell(sheet, row, "created_on");
        let opened = match &created {
            Some(t) => out.time(t, None, &at),
            None => {
                out.err(&at, "required cell is empty");
                None
            }
        };
        let ack = get("seconds_to_first_ack").map(|s| seconds(&s));
        if let Some(Err(m)) = &ack {
            out.err(&At::cell(sheet, row, "seconds_to_first_ack"), m.clone());
        }
        let at = At::cell(sheet, row, "resolved_on");
        let resolved = get("resolved_on").map(|t| out.time(&t, None, &at));
        let (Some(id), Some(service), Some(severity), Some(opened)) =
            (id, service, severity, opened)
        else {
            continue;
        };
        if matches!(resolved, Some(None)) || matches!(ack, Some(Err(_))) {
            continue;
        }
        let resolved = resolved.flatten();
        if !out.ordered(opened, resolved, &at) {
            continue;
        }
        let inc = Incident {
            id,
            service,
            severity,
        };
        // One CSV row gives several incident rows: each names its column.
        let sheet_of = |c: &str| format!("{}[{c}]", sheet.name);
        let origin = out.origin(sheet_of("created_on"), row);
        push(out, &inc, opened, "opened", origin);
        if let Some(Ok(n)) = ack {
            let origin = out.origin(sheet_of("seconds_to_first_ack"), row);
            push(out, &inc, opened + n, "acknowledged", origin);
        }
        if let Some(t) = resolved {
            let origin = out.origin(sheet_of("resolved_on"), row);
            push(out, &inc, t, "resolved", origin);
        }
    }
}
