//! Atlassian Statuspage. Fields as documented for the public status API
//! (`GET /api/v2/incidents.json`, `GET /api/v2/scheduled-maintenances.json`,
//! <https://metastatuspage.com/api/v2/> and every page's `/api`) and the
//! manage API's incident list (`GET /v1/pages/{page_id}/incidents`,
//! <https://developer.statuspage.io/#operation/getPagesPageIdIncidents>).
//!
//! Used: `incidents[]` / `scheduled_maintenances[]` (or a top-level array),
//! and of each: `id`, `shortlink`, `started_at`, `created_at`,
//! `resolved_at`, `scheduled_for`, `scheduled_until`, `components[].name`,
//! `incident_updates[].status`, `.created_at`,
//! `.affected_components[].name`, `.new_status`.
//!
//! Outages: one row per (incident, affected component); impact from the
//! component's worst `new_status` in the updates (`major_outage` 1,
//! `partial_outage` and `degraded_performance` the user's weights).
//! Anything with a `scheduled_for` is a maintenance: one row per component,
//! notified at the first update whose status is `scheduled`.

use super::json::{first_of, has_keys, Node};
use super::{At, FileType, Out, PresetInfo};
use rust_decimal::Decimal;
use serde_json::Value;
use sla_engine::{Instant, MaintenanceRow, OutageRow};
use std::collections::HashMap;

pub(crate) const INFO: PresetInfo = PresetInfo {
    name: "statuspage",
    version: 1,
    vendor: "Atlassian Statuspage",
    title: "incidents.json, scheduled-maintenances.json (public API v2) or the manage API's incident list",
    file: FileType::Json,
    kinds: &["outages", "maintenance"],
    source: "https://developer.statuspage.io/ and https://metastatuspage.com/api/v2/",
};

/// The public documents carry `page`; the manage API's list is an array
/// of incidents, each with `incident_updates` and a `page_id`.
pub(crate) fn detect(v: &Value) -> Option<&'static str> {
    let public = v.get("page").is_some_and(Value::is_object)
        && (v.get("incidents").is_some_and(Value::is_array)
            || v.get("scheduled_maintenances").is_some_and(Value::is_array));
    let manage =
        first_of(v, "").is_some_and(|i| has_keys(i, &["incident_updates", "page_id", "shortlink"]));
    (public || manage).then_some("statuspage")
}

pub(crate) fn read(out: &mut Out<'_>, root: Node<'_>) {
    let mut items = Vec::new();
    for key in ["incidents", "scheduled_maintenances"] {
        if let Some(list) = root.get(key) {
            items.extend(list.items());
        }
    }
    if root.v.is_array() {
        items.extend(root.items());
    }
    for item in items {
        if item.get("scheduled_for").is_some() {
            maintenance(out, &item);
        } else {
            incident(out, &item);
        }
    }
}

/// Component statuses, worst last; `None` for a status we do not know.
fn rank(status: &str) -> Option<u8> {
    match status {
        "operational" | "under_maintenance" => Some(0),
        "degraded_performance" => Some(1),
        "partial_outage" => Some(2),
        "major_outage" => Some(3),
        _ => None,
    }
}

/// A component named by the incident: where first named, and its worst
/// status in the updates (none yet: `None`).
struct Affected {
    name: String,
    at: At,
    worst: Option<u8>,
}

/// The components an incident names, in order of first mention, with an
/// index by name (a hostile file may name very many: no quadratic search).
fn component_list(item: &Node<'_>) -> (Vec<Affected>, HashMap<String, usize>) {
    let mut list: Vec<Affected> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    let mut add = |c: &Node<'_>| {
        if let Some(name) = c.text("name") {
            if !index.contains_key(&name) {
                index.insert(name.clone(), list.len());
                list.push(Affected {
                    name,
                    at: At::Json(c.pointer_to("name")),
                    worst: None,
                });
            }
        }
    };
    if let Some(cs) = item.get("components") {
        cs.items().iter().for_each(&mut add);
    }
    if let Some(us) = item.get("incident_updates") {
        for u in us.items() {
            if let Some(acs) = u.get("affected_components") {
                acs.items().iter().for_each(&mut add);
            }
        }
    }
    (list, index)
}

fn incident_ref(item: &Node<'_>) -> String {
    item.text("shortlink")
        .or_else(|| item.text("id"))
        .unwrap_or_default()
}

fn incident(out: &mut Out<'_>, item: &Node<'_>) {
    let reference = incident_ref(item);
    let start_key = if item.text("started_at").is_some() {
        "started_at"
    } else {
        "created_at"
    };
    let start_at = At::Json(item.pointer_to(start_key));
    let start = match item.text(start_key) {
        Some(t) => out.time(&t, None, &start_at),
        None => {
            out.err(
                &start_at,
                "required value is missing (no started_at or created_at)",
            );
            None
        }
    };
    let end_at = At::Json(item.pointer_to("resolved_at"));
    let end = match item.text("resolved_at") {
        Some(t) => out.time(&t, None, &end_at).map(Some),
        None => Some(None),
    };
    let (mut comps, index) = component_list(item);
    if let Some(us) = item.get("incident_updates") {
        for u in us.items() {
            let Some(acs) = u.get("affected_components") else {
                continue;
            };
            for c in acs.items() {
                let (Some(name), status) = (c.text("name"), c.text("new_status")) else {
                    continue;
                };
                let status = status.unwrap_or_default();
                match rank(&status) {
                    Some(r) => {
                        if let Some(a) = index.get(&name).and_then(|i| comps.get_mut(*i)) {
                            a.worst = Some(a.worst.map_or(r, |w| w.max(r)));
                        }
                    }
                    None => out.err(
                        &At::Json(c.pointer_to("new_status")),
                        format!("unknown component status `{status}` (Statuspage's are operational, degraded_performance, partial_outage, major_outage, under_maintenance)"),
                    ),
                }
            }
        }
    }
    if comps.is_empty() {
        out.warn(
            &item.pointer(),
            format!("incident {reference} names no component: no outage row"),
        );
    }
    for a in comps {
        outage_row(out, item, &a, (start, end), &reference);
    }
}

fn outage_row(
    out: &mut Out<'_>,
    item: &Node<'_>,
    a: &Affected,
    (start, end): (Option<Instant>, Option<Option<Instant>>),
    reference: &str,
) {
    let impact = match a.worst {
        None => {
            out.err(
                &a.at,
                format!("no update of the incident gives component `{}` a status: its impact is unknown", a.name),
            );
            return;
        }
        Some(0) => {
            out.warn(
                &item.pointer(),
                format!(
                    "component `{}` stayed operational in incident {reference}: no outage row",
                    a.name
                ),
            );
            return;
        }
        Some(1) => out.opts.degraded_weight,
        Some(2) => out.opts.partial_weight,
        Some(_) => Decimal::ONE,
    };
    let service = out.service(&a.name, &a.at);
    let (Some(service), Some(start), Some(end)) = (service, start, end) else {
        return;
    };
    if !out.ordered(start, end, &At::Json(item.pointer_to("resolved_at"))) {
        return;
    }
    let row = out.events.outages.len() as u32 + 1;
    let origin = out.origin(item.pointer(), row);
    out.events.outages.push(OutageRow {
        service: service.into(),
        start,
        end,
        impact,
        cause: "internal".into(),
        source: "statuspage".into(),
        reference: reference.to_string(),
        origin,
    });
}

/// The time of the first update (in time, not in the list, which is
/// newest first) whose status is `scheduled`: when notice was given.
fn notified(out: &mut Out<'_>, item: &Node<'_>) -> Result<Option<Instant>, ()> {
    let mut first: Option<Instant> = None;
    let mut bad = false;
    if let Some(us) = item.get("incident_updates") {
        for u in us.items() {
            if u.text("status").as_deref() != Some("scheduled") {
                continue;
            }
            let at = At::Json(u.pointer_to("created_at"));
            match u.text("created_at") {
                Some(t) => match out.time(&t, None, &at) {
                    Some(t) => first = Some(first.map_or(t, |f| f.min(t))),
                    None => bad = true,
                },
                None => {
                    out.err(&at, "a `scheduled` update without its time");
                    bad = true;
                }
            }
        }
    }
    if bad {
        Err(())
    } else {
        Ok(first)
    }
}

fn maintenance(out: &mut Out<'_>, item: &Node<'_>) {
    let mut when = |key: &str| {
        let at = At::Json(item.pointer_to(key));
        match item.text(key) {
            Some(t) => out.time(&t, None, &at),
            None => {
                out.err(&at, "required value is missing");
                None
            }
        }
    };
    let start = when("scheduled_for");
    let end = when("scheduled_until");
    let notified_at = notified(out, item);
    let (comps, _) = component_list(item);
    if comps.is_empty() {
        out.warn(
            &item.pointer(),
            format!(
                "maintenance {} names no component: no maintenance row",
                incident_ref(item)
            ),
        );
    }
    let mut ordered = true;
    if let (Some(s), Some(e)) = (start, end) {
        ordered = out.ordered(s, Some(e), &At::Json(item.pointer_to("scheduled_until")));
    }
    for a in comps {
        let service = out.service(&a.name, &a.at);
        if let (Some(service), Some(start), Some(end), Ok(notified_at), true) =
            (service, start, end, notified_at, ordered)
        {
            let row = out.events.maintenance.len() as u32 + 1;
            let origin = out.origin(item.pointer(), row);
            out.events.maintenance.push(MaintenanceRow {
                service,
                start,
                end,
                notified_at,
                origin,
            });
        }
    }
}
