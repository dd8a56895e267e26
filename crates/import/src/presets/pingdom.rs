//! Pingdom. The outage summary of one check (`GET /summary.outage/{checkid}`,
//! <https://docs.pingdom.com/api/#tag/Summary.outage>): `summary.states[]`
//! with `status` (`up`, `down`, `unknown`), `timefrom` and `timeto` in
//! seconds since 1970 (UTC, so no zone is needed).
//!
//! Each `down` state is an outage row (impact 1); `up` and `unknown`
//! states give none. The document does not name its check: the component
//! is the file's name without its extension (`api.json` is `api`), which
//! the user maps to a service like any other component.

use super::json::Node;
use super::time::epoch;
use super::{At, FileType, Out, PresetInfo};
use rust_decimal::Decimal;
use serde_json::Value;
use sla_engine::{Instant, OutageRow};
use std::path::Path;

pub(crate) const INFO: PresetInfo = PresetInfo {
    name: "pingdom-outages",
    version: 1,
    vendor: "Pingdom",
    title: "summary.outage of one check (JSON, epoch seconds)",
    file: FileType::Json,
    kinds: &["outages"],
    source: "https://docs.pingdom.com/api/#tag/Summary.outage",
};

pub(crate) fn detect(v: &Value) -> Option<&'static str> {
    v.get("summary")?
        .get("states")?
        .is_array()
        .then_some("pingdom-outages")
}

fn seconds(out: &mut Out<'_>, n: &Node<'_>, key: &str) -> Option<Instant> {
    let at = At::Json(n.pointer_to(key));
    let r = match n.v.get(key) {
        Some(Value::Number(x)) => x
            .as_i64()
            .ok_or_else(|| format!("`{x}` is not a whole number of seconds"))
            .and_then(epoch),
        Some(_) => Err("not a number of seconds".to_string()),
        None => Err("required value is missing".to_string()),
    };
    r.map_err(|m| out.err(&at, m)).ok()
}

pub(crate) fn read(out: &mut Out<'_>, root: Node<'_>) {
    let component = Path::new(out.file())
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let summary = root.get("summary");
    let Some(summary) = summary else { return };
    let Some(list) = summary.get("states") else {
        return;
    };
    for st in list.items() {
        let status = st.text("status").unwrap_or_default();
        match status.as_str() {
            "down" => {}
            "up" | "unknown" => continue,
            s => {
                out.err(
                    &At::Json(st.pointer_to("status")),
                    format!("unknown state `{s}` (Pingdom's are up, down, unknown)"),
                );
                continue;
            }
        }
        let start = seconds(out, &st, "timefrom");
        let end = seconds(out, &st, "timeto");
        let service = out.service(&component, &At::Json(st.pointer()));
        let (Some(service), Some(start), Some(end)) = (service, start, end) else {
            continue;
        };
        if !out.ordered(start, Some(end), &At::Json(st.pointer_to("timeto"))) {
            continue;
        }
        let origin = out.origin(st.pointer(), out.events.outages.len() as u32 + 1);
        out.events.outages.push(OutageRow {
            service: service.into(),
            start,
            end: Some(end),
            impact: Decimal::ONE,
            cause: "internal".into(),
            source: "pingdom".into(),
            reference: String::new(),
            origin,
        });
    }
}
