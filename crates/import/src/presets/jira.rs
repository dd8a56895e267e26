//! Jira Service Management. Two exports, each to incident rows:
//!
//! - The issue navigator's "Export Excel CSV (all fields)"
//!   (<https://support.atlassian.com/jira-software-cloud/docs/export-issues/>):
//!   `Issue key`, `Priority`, `Created`, `Resolved`, and every column named
//!   `Component/s` (Jira repeats it, one per component). The dates are in
//!   the exporting user's format (`03/Nov/26 10:10 PM` by default) and
//!   zone, with no offset: they are read in the zone the user confirms
//!   (`--zone`). Opened at `Created`, resolved at `Resolved`.
//! - Issues with their changelog (`GET /rest/api/3/issue/{key}?expand=changelog`,
//!   or a search's `issues[]` with the same expand,
//!   <https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-issues/#api-rest-api-3-issue-issueidorkey-get>):
//!   `key`, `fields.created`, `fields.priority.name`,
//!   `fields.components[].name`, `changelog.histories[].created`,
//!   `.items[]` whose `field` is `status` (`toString`). Offsets are written
//!   without a colon (`-0600`) and kept.
//!
//! Workflow statuses are the project's own: the common names are mapped
//! (see [`default_status`]); any other is a row error until the user maps
//! it (`--status 'Name=acknowledged'`).

use super::json::{first_of, has_keys, Node};
use super::{has_columns, At, FileType, Out, PresetInfo};
use crate::sheet::RawSheet;
use chrono::NaiveDateTime;
use serde_json::Value;
use sla_engine::time::resolve_local;
use sla_engine::{IncidentRow, Instant, Origin};

pub(crate) const INFO_CSV: PresetInfo = PresetInfo {
    name: "jira-csv",
    version: 1,
    vendor: "Jira Service Management",
    title: "issue navigator CSV (all fields; user-format dates: --zone)",
    file: FileType::Csv,
    kinds: &["incidents"],
    source: "https://support.atlassian.com/jira-software-cloud/docs/export-issues/",
};

pub(crate) const INFO_CHANGELOG: PresetInfo = PresetInfo {
    name: "jira-changelog",
    version: 1,
    vendor: "Jira Service Management",
    title: "issues with their changelog (REST v3 JSON, expand=changelog)",
    file: FileType::Json,
    kinds: &["incidents"],
    source: "https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-issues/",
};

pub(crate) fn detect_csv(header: &[String]) -> Option<&'static str> {
    has_columns(header, &["Issue key", "Created", "Priority"]).then_some("jira-csv")
}

pub(crate) fn detect_json(v: &Value) -> Option<&'static str> {
    let issue = |i: &Value| has_keys(i, &["key", "fields", "changelog"]);
    (issue(v) || first_of(v, "issues").is_some_and(issue)).then_some("jira-changelog")
}

/// Our status for a common Jira Service Management status name.
pub(crate) fn default_status(name: &str) -> Option<&'static str> {
    Some(match name.trim().to_lowercase().as_str() {
        "open" | "new" | "to do" | "waiting for support" | "reopened" => "opened",
        "in progress" | "work in progress" | "investigating" | "escalated" => "acknowledged",
        "waiting for customer" | "pending" => "awaiting_customer",
        "resolved" | "done" | "fixed" => "resolved",
        "closed" | "canceled" | "cancelled" | "declined" => "closed",
        _ => return None,
    })
}

fn status(out: &mut Out<'_>, name: &str, at: &At) -> Option<String> {
    let user = out
        .opts
        .statuses
        .iter()
        .find(|(k, _)| k.trim().eq_ignore_ascii_case(name.trim()))
        .map(|(_, v)| v.trim().to_lowercase());
    match user.or_else(|| default_status(name).map(str::to_string)) {
        Some(s) => Some(s),
        None => {
            out.err(
                at,
                format!("unknown status `{name}`: map it, e.g. --status '{name}=acknowledged' (opened, acknowledged, awaiting_customer, resumed, resolved, closed)"),
            );
            None
        }
    }
}

/// A user-format Jira date in the zone the user confirmed.
fn user_time(out: &mut Out<'_>, text: &str, at: &At) -> Option<Instant> {
    const FORMATS: [&str; 5] = [
        "%d/%b/%y %I:%M %p",
        "%d/%b/%Y %I:%M %p",
        "%d/%b/%y %H:%M",
        "%Y-%m-%d %H:%M",
        "%Y-%m-%d %H:%M:%S",
    ];
    let Some(naive) = FORMATS
        .iter()
        .find_map(|f| NaiveDateTime::parse_from_str(text.trim(), f).ok())
    else {
        // ISO text with or without an offset goes the common way.
        return out.time(text, None, at);
    };
    let Some(zone) = out.opts.zone else {
        out.err(at, format!("`{text}` has no UTC offset and no zone was given for it: say which zone with --zone"));
        return None;
    };
    match resolve_local(zone, naive, text.trim()) {
        Ok(t) => Some(t),
        Err(e) => {
            out.err(at, e.to_string());
            None
        }
    }
}

fn push(
    out: &mut Out<'_>,
    key: &str,
    service: &str,
    severity: &str,
    at: Instant,
    status: &str,
    origin: Origin,
) {
    out.events.incidents.push(IncidentRow {
        incident: key.into(),
        service: service.into(),
        severity: severity.into(),
        at,
        status: status.into(),
        origin,
    });
}

pub(crate) fn read_csv_export(out: &mut Out<'_>, sheet: &RawSheet) {
    let col = |name: &str| {
        sheet
            .header
            .iter()
            .position(|h| h.trim().eq_ignore_ascii_case(name))
    };
    let component_cols: Vec<usize> = sheet
        .header
        .iter()
        .enumerate()
        .filter(|(_, h)| h.trim().eq_ignore_ascii_case("Component/s"))
        .map(|(i, _)| i)
        .collect();
    let (key_c, prio_c, created_c, resolved_c) = (
        col("Issue key"),
        col("Priority"),
        col("Created"),
        col("Resolved"),
    );
    for (row, cells) in &sheet.rows {
        if cells.iter().all(crate::Cell::is_empty) {
            continue;
        }
        let row = *row;
        let get = |i: Option<usize>| {
            i.and_then(|i| cells.get(i))
                .filter(|c| !c.is_empty())
                .map(|c| c.as_text().trim().to_string())
        };
        let key = get(key_c);
        let severity = get(prio_c);
        for (v, name) in [(&key, "Issue key"), (&severity, "Priority")] {
            if v.is_none() {
                out.err(&At::cell(sheet, row, name), "required cell is empty");
            }
        }
        let names: Vec<String> = component_cols
            .iter()
            .filter_map(|i| get(Some(*i)))
            .collect();
        if names.is_empty() {
            out.err(
                &At::cell(sheet, row, "Component/s"),
                "the issue names no component",
            );
        }
        let services: Vec<Option<String>> = names
            .iter()
            .map(|n| out.service(n, &At::cell(sheet, row, "Component/s")))
            .collect();
        let created_at = At::cell(sheet, row, "Created");
        let opened = match get(created_c) {
            Some(t) => user_time(out, &t, &created_at),
            None => {
                out.err(&created_at, "required cell is empty");
                None
            }
        };
        let resolved_at = At::cell(sheet, row, "Resolved");
        let resolved = get(resolved_c).map(|t| user_time(out, &t, &resolved_at));
        let (Some(key), Some(severity), Some(opened)) = (key, severity, opened) else {
            continue;
        };
        if matches!(resolved, Some(None)) || !out.ordered(opened, resolved.flatten(), &resolved_at)
        {
            continue;
        }
        // An issue of several components gives rows for each from one CSV
        // row: the component in the origin keeps each row's place unique.
        let several = services.len() > 1;
        for service in services.into_iter().flatten() {
            let place = |col: &str| match several {
                true => format!("{}[{col}][{service}]", sheet.name),
                false => format!("{}[{col}]", sheet.name),
            };
            let origin = out.origin(place("Created"), row);
            push(out, &key, &service, &severity, opened, "opened", origin);
            if let Some(Some(t)) = resolved {
                let origin = out.origin(place("Resolved"), row);
                push(out, &key, &service, &severity, t, "resolved", origin);
            }
        }
    }
}

pub(crate) fn read_changelog(out: &mut Out<'_>, root: Node<'_>) {
    let issues = match root.get("issues") {
        Some(list) => list.items(),
        None => vec![root],
    };
    for issue in issues {
        read_issue(out, &issue);
    }
}

fn read_issue(out: &mut Out<'_>, issue: &Node<'_>) {
    let key = issue.text("key");
    if key.is_none() {
        out.err(
            &At::Json(issue.pointer_to("key")),
            "required value is missing",
        );
    }
    let Some(fields) = issue.get("fields") else {
        out.err(
            &At::Json(issue.pointer_to("fields")),
            "required value is missing",
        );
        return;
    };
    let severity = fields.get("priority").and_then(|p| p.text("name"));
    if severity.is_none() {
        out.err(
            &At::Json(fields.pointer_to("priority")),
            "the issue has no priority: the severity is unknown",
        );
    }
    let comps = fields
        .get("components")
        .map(|c| c.items())
        .unwrap_or_default();
    if comps.is_empty() {
        out.err(
            &At::Json(fields.pointer_to("components")),
            "the issue names no component",
        );
    }
    let services: Vec<String> = comps
        .iter()
        .filter_map(|c| {
            let name = c.text("name")?;
            out.service(&name, &At::Json(c.pointer_to("name")))
        })
        .collect();
    let created_at = At::Json(fields.pointer_to("created"));
    let opened = match fields.text("created") {
        Some(t) => out.time(&t, None, &created_at),
        None => {
            out.err(&created_at, "required value is missing");
            None
        }
    };
    let mut clock: Vec<(Instant, String, String)> = Vec::new();
    if let Some(o) = opened {
        clock.push((o, "opened".into(), fields.pointer_to("created")));
    }
    let histories = issue
        .get("changelog")
        .and_then(|c| c.get("histories"))
        .map(|h| h.items())
        .unwrap_or_default();
    for h in histories {
        let items = h.get("items").map(|i| i.items()).unwrap_or_default();
        for item in items
            .iter()
            .filter(|i| i.text("field").as_deref() == Some("status"))
        {
            let name = item.text("toString").unwrap_or_default();
            let st = status(out, &name, &At::Json(item.pointer_to("toString")));
            let at = At::Json(h.pointer_to("created"));
            let t = match h.text("created") {
                Some(t) => out.time(&t, None, &at),
                None => {
                    out.err(&at, "required value is missing");
                    None
                }
            };
            if let (Some(st), Some(t)) = (st, t) {
                clock.push((t, st, item.pointer()));
            }
        }
    }
    let (Some(key), Some(severity), Some(_)) = (key, severity, opened) else {
        return;
    };
    for service in &services {
        for (t, st, ptr) in &clock {
            let origin = out.origin(ptr.clone(), out.events.incidents.len() as u32 + 1);
            push(out, &key, service, &severity, *t, st, origin);
        }
    }
}
