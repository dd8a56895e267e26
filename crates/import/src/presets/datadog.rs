//! Datadog. Incidents API v2 (`GET /api/v2/incidents`,
//! <https://docs.datadoghq.com/api/latest/incidents/#get-a-list-of-incidents>)
//! and Downtimes API v2 (`GET /api/v2/downtime`,
//! <https://docs.datadoghq.com/api/latest/downtimes/#get-all-downtimes>).
//!
//! Incidents, used: `data[].id`, `.attributes.public_id`, `.severity`,
//! `.created`, `.detected`, `.resolved`, `.customer_impact_start`,
//! `.customer_impact_end`, `.fields.services.value[]`. An incident with a
//! customer impact start gives one outage row per service (impact 1, open
//! while `customer_impact_end` is null); every incident gives incident
//! rows (opened at `detected`, else `created`; resolved at `resolved`)
//! with its `severity` (`SEV-1`...).
//!
//! Downtimes, used: `data[].id`, `.attributes.scope`, `.schedule.start`,
//! `.schedule.end`, `.schedule.timezone`, `.schedule.recurrences`,
//! `.canceled`. The component is the scope's `service:NAME` tag, else the
//! whole scope. Datadog records no notice to customers: `notified_at` is
//! empty.

use super::json::{first_of, Node};
use super::{At, FileType, Out, PresetInfo};
use chrono_tz::Tz;
use rust_decimal::Decimal;
use serde_json::Value;
use sla_engine::{IncidentRow, MaintenanceRow, OutageRow};

pub(crate) const INFO_INCIDENTS: PresetInfo = PresetInfo {
    name: "datadog-incidents",
    version: 1,
    vendor: "Datadog",
    title: "Incidents API v2 (JSON)",
    file: FileType::Json,
    kinds: &["outages", "incidents"],
    source: "https://docs.datadoghq.com/api/latest/incidents/",
};

pub(crate) const INFO_DOWNTIMES: PresetInfo = PresetInfo {
    name: "datadog-downtimes",
    version: 1,
    vendor: "Datadog",
    title: "Downtimes API v2 (JSON) as maintenance",
    file: FileType::Json,
    kinds: &["maintenance"],
    source: "https://docs.datadoghq.com/api/latest/downtimes/",
};

pub(crate) fn detect(v: &Value) -> Option<&'static str> {
    let first = first_of(v, "data")?;
    match first.get("type")?.as_str()? {
        "incidents" => Some("datadog-incidents"),
        "downtime" => Some("datadog-downtimes"),
        _ => None,
    }
}

pub(crate) fn read_incidents(out: &mut Out<'_>, root: Node<'_>) {
    let Some(list) = root.get("data") else {
        return;
    };
    for item in list.items() {
        let Some(a) = item.get("attributes") else {
            out.err(
                &At::Json(item.pointer_to("attributes")),
                "required value is missing",
            );
            continue;
        };
        let id = a.text("public_id").or_else(|| item.text("id"));
        let services_at = At::Json(format!("{}/fields/services/value", a.pointer()));
        let names: Vec<(String, At)> = a
            .get("fields")
            .and_then(|f| f.get("services"))
            .and_then(|s| s.get("value"))
            .map(|v| {
                v.items()
                    .iter()
                    .filter_map(|n| n.v.as_str().map(|s| (s.to_string(), At::Json(n.pointer()))))
                    .collect()
            })
            .unwrap_or_default();
        if names.is_empty() {
            out.err(&services_at, "the incident names no service");
        }
        let services: Vec<Option<String>> =
            names.iter().map(|(n, at)| out.service(n, at)).collect();
        let severity = a.text("severity");
        let mut when = |key: &'static str| {
            a.text(key)
                .map(|t| (out.time(&t, None, &At::Json(a.pointer_to(key))), key))
        };
        let opened = when("detected").or_else(|| when("created"));
        let resolved = when("resolved");
        let impact_start = when("customer_impact_start");
        let impact_end = when("customer_impact_end");
        let Some(id) = id else {
            out.err(
                &At::Json(item.pointer_to("id")),
                "required value is missing",
            );
            continue;
        };
        let Some(severity) = severity else {
            out.err(
                &At::Json(a.pointer_to("severity")),
                "required value is missing",
            );
            continue;
        };
        let services: Vec<String> = match services.into_iter().collect::<Option<Vec<_>>>() {
            Some(s) if !s.is_empty() => s,
            _ => continue,
        };
        if let Some((Some(start), _)) = impact_start {
            let end = match impact_end {
                Some((Some(e), _)) => Some(e),
                Some((None, _)) => continue,
                None => None,
            };
            if !out.ordered(start, end, &At::Json(a.pointer_to("customer_impact_end"))) {
                continue;
            }
            for service in &services {
                let origin = out.origin(item.pointer(), out.events.outages.len() as u32 + 1);
                out.events.outages.push(OutageRow {
                    service: service.as_str().into(),
                    start,
                    end,
                    impact: Decimal::ONE,
                    cause: "internal".into(),
                    source: "datadog".into(),
                    reference: id.clone(),
                    origin,
                });
            }
        }
        let Some((Some(opened), opened_key)) = opened else {
            if opened.is_none() {
                out.err(
                    &At::Json(a.pointer_to("created")),
                    "required value is missing",
                );
            }
            continue;
        };
        let mut clock = vec![(opened, "opened", opened_key)];
        match resolved {
            Some((Some(t), key)) if out.ordered(opened, Some(t), &At::Json(a.pointer_to(key))) => {
                clock.push((t, "resolved", key))
            }
            Some(_) => continue,
            None => {}
        }
        for service in &services {
            for (at, status, key) in &clock {
                let origin = out.origin(a.pointer_to(key), out.events.incidents.len() as u32 + 1);
                out.events.incidents.push(IncidentRow {
                    incident: id.clone(),
                    service: service.clone(),
                    severity: severity.clone(),
                    at: *at,
                    status: (*status).into(),
                    origin,
                });
            }
        }
    }
}

/// The `service:NAME` tag of a downtime's scope (`env:prod AND
/// service:api`), else the whole scope.
fn component_of(scope: &str) -> String {
    scope
        .split(|c: char| c.is_whitespace() || c == '(' || c == ')')
        .find_map(|t| t.strip_prefix("service:"))
        .map(str::to_string)
        .unwrap_or_else(|| scope.trim().to_string())
}

pub(crate) fn read_downtimes(out: &mut Out<'_>, root: Node<'_>) {
    let Some(list) = root.get("data") else {
        return;
    };
    for item in list.items() {
        let Some(a) = item.get("attributes") else {
            out.err(
                &At::Json(item.pointer_to("attributes")),
                "required value is missing",
            );
            continue;
        };
        let scope_at = At::Json(a.pointer_to("scope"));
        let service = match a.text("scope") {
            Some(s) => out.service(&component_of(&s), &scope_at),
            None => {
                out.err(&scope_at, "required value is missing");
                None
            }
        };
        let Some(schedule) = a.get("schedule") else {
            out.err(
                &At::Json(a.pointer_to("schedule")),
                "required value is missing",
            );
            continue;
        };
        if schedule.get("recurrences").is_some() {
            out.err(
                &At::Json(schedule.pointer_to("recurrences")),
                "recurring downtimes are not read: export or enter each window",
            );
            continue;
        }
        let zone_at = At::Json(schedule.pointer_to("timezone"));
        let zone: Option<Tz> = match schedule.text("timezone") {
            Some(z) => match z.parse() {
                Ok(tz) => Some(tz),
                Err(_) => {
                    out.err(&zone_at, format!("`{z}` is not an IANA time zone"));
                    continue;
                }
            },
            None => None,
        };
        let mut when = |n: &Node<'_>, key: &str| {
            let at = At::Json(n.pointer_to(key));
            match n.text(key) {
                Some(t) => out.time(&t, zone, &at),
                None => {
                    out.err(&at, "required value is missing (a downtime without an end is no maintenance window)");
                    None
                }
            }
        };
        let start = when(&schedule, "start");
        let end = when(&schedule, "end");
        let canceled = match a.text("canceled") {
            Some(_) => when(&a, "canceled").map(Some),
            None => Some(None),
        };
        let (Some(service), Some(start), Some(end), Some(canceled)) =
            (service, start, end, canceled)
        else {
            continue;
        };
        // A downtime cancelled early ends when it was cancelled.
        let end = canceled.map_or(end, |c| end.min(c));
        if canceled.is_some_and(|c| c <= start) {
            out.warn(
                &item.pointer(),
                "downtime cancelled before it started: no maintenance row",
            );
            continue;
        }
        if !out.ordered(start, Some(end), &At::Json(schedule.pointer_to("end"))) {
            continue;
        }
        let origin = out.origin(item.pointer(), out.events.maintenance.len() as u32 + 1);
        out.events.maintenance.push(MaintenanceRow {
            service,
            start,
            end,
            notified_at: None,
            origin,
        });
    }
}
