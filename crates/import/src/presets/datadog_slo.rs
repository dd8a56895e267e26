//! Datadog SLO history (`GET /api/v1/slo/{slo_id}/history`,
//! <https://docs.datadoghq.com/api/latest/service-level-objectives/get-an-slos-history/>;
//! schema `SLOHistoryResponse` of Datadog's v1 OpenAPI document).
//!
//! Monitor and time-slice SLOs: `data.overall.history` is a list of
//! transitions `[epoch seconds, state]`, state `0` uptime, `1` downtime,
//! `2` no data. A state holds until the next transition, the last one until
//! `data.to_ts`, and every span is cut to `[from_ts, to_ts]` (the first
//! transition may predate the window). Each downtime span is an outage
//! (impact 1). No data counts as uptime for time-slice SLOs, as Datadog
//! documents; for monitor SLOs it depends on the monitor's missing-data
//! setting, which the document does not carry, so such spans give no row
//! and a warning naming them: the user decides, never the importer.
//!
//! Metric SLOs: `data.series.times` (epoch milliseconds), `.interval`
//! (seconds), `.numerator.values` (good events) and `.denominator.values`
//! (all events) give one `requests` row per time, `[t, t + interval)`.
//!
//! Refused, so that a partial history is never taken for a whole one:
//! errors Datadog reported (`errors`, `data.overall.errors`) and a replay
//! still in progress (`data.overall.preview`). The component is the SLO's
//! name (`data.slo.name`, present in real responses though the schema does
//! not list it), else the file name's stem.

use super::json::Node;
use super::time::epoch;
use super::{At, FileType, Out, PresetInfo};
use rust_decimal::Decimal;
use serde_json::Value;
use sla_engine::events::RequestRow;
use sla_engine::{Instant, OutageRow};
use std::path::Path;

pub(crate) const INFO: PresetInfo = PresetInfo {
    name: "datadog-slo-history",
    version: 1,
    vendor: "Datadog",
    title: "SLO history API v1 (JSON): monitor downtime as outages, metric counts as requests",
    file: FileType::Json,
    kinds: &["outages", "requests"],
    source: "https://docs.datadoghq.com/api/latest/service-level-objectives/get-an-slos-history/",
};

/// The largest count a JSON number carries exactly (2^53).
const MAX_COUNT: f64 = 9_007_199_254_740_992.0;

pub(crate) fn detect(v: &Value) -> Option<&'static str> {
    let d = v.get("data")?;
    let typed = d.get("type").and_then(Value::as_str).is_some()
        || d.get("type_id").and_then(Value::as_i64).is_some();
    (typed
        && d.get("from_ts").is_some()
        && (d.get("overall").is_some() || d.get("series").is_some()))
    .then_some("datadog-slo-history")
}

/// A whole number from a JSON number (Datadog types many as doubles).
fn whole(v: &Value) -> Option<i64> {
    match v {
        Value::Number(n) => n.as_i64().or_else(|| {
            n.as_f64()
                .filter(|f| f.fract() == 0.0 && f.abs() <= MAX_COUNT)
                .map(|f| f as i64)
        }),
        _ => None,
    }
}

fn seconds(out: &mut Out<'_>, n: &Node<'_>, key: &str) -> Option<Instant> {
    let at = At::Json(n.pointer_to(key));
    let r = match n.v.get(key) {
        None | Some(Value::Null) => Err("required value is missing".to_string()),
        Some(v) => whole(v)
            .ok_or_else(|| format!("`{v}` is not a whole number of seconds"))
            .and_then(epoch),
    };
    r.map_err(|m| out.err(&at, m)).ok()
}

/// Errors Datadog wrote into the document: the history may be partial.
fn reported_errors(out: &mut Out<'_>, n: Option<Node<'_>>) {
    for e in n.map(|x| x.items()).unwrap_or_default() {
        let what = e
            .text("error")
            .or_else(|| e.text("error_message"))
            .unwrap_or_else(|| e.v.to_string());
        out.err(
            &At::Json(e.pointer()),
            format!("Datadog reported an error for this history ({what}): it may be incomplete; export it again"),
        );
    }
}

pub(crate) fn read(out: &mut Out<'_>, root: Node<'_>) {
    reported_errors(out, root.get("errors"));
    let Some(data) = root.get("data") else {
        out.err(&At::Json("/data".into()), "required value is missing");
        return;
    };
    let component = data
        .get("slo")
        .and_then(|s| s.text("name"))
        .unwrap_or_else(|| {
            Path::new(out.file())
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default()
        });
    let reference = data
        .get("slo")
        .and_then(|s| s.text("id"))
        .unwrap_or_default();
    let kind = match (data.text("type"), data.v.get("type_id").and_then(whole)) {
        (Some(t), _) => t,
        (None, Some(0)) => "monitor".into(),
        (None, Some(1)) => "metric".into(),
        (None, Some(2)) => "time_slice".into(),
        _ => String::new(),
    };
    let service = out.service(&component, &At::Json(data.pointer_to("slo")));
    let from = seconds(out, &data, "from_ts");
    let to = seconds(out, &data, "to_ts");
    let (Some(from), Some(to)) = (from, to) else {
        return;
    };
    if to < from {
        out.err(&At::Json(data.pointer_to("to_ts")), "end is before start");
        return;
    }
    match kind.as_str() {
        "monitor" | "time_slice" => {
            let w = Window {
                from,
                to,
                no_data_is_up: kind == "time_slice",
                service,
                reference,
            };
            transitions(out, &data, &w);
        }
        "metric" => counts(out, &data, service),
        other => out.err(
            &At::Json(data.pointer_to("type")),
            format!("unknown SLO type `{other}` (Datadog's are monitor, metric, time_slice)"),
        ),
    }
}

struct Window {
    from: Instant,
    to: Instant,
    no_data_is_up: bool,
    service: Option<String>,
    reference: String,
}

/// `[epoch seconds, state]` pairs in time order, each with its pointer.
fn pairs(out: &mut Out<'_>, history: &Node<'_>) -> Vec<(Instant, i64, String)> {
    let mut got: Vec<(Instant, i64, String)> = Vec::new();
    for p in history.items() {
        let at = At::Json(p.pointer());
        let pair = p.v.as_array().filter(|a| a.len() == 2);
        let Some(pair) = pair else {
            out.err(&at, "a transition is a pair [epoch seconds, state]");
            continue;
        };
        let t = whole(&pair[0])
            .ok_or_else(|| format!("`{}` is not a whole number of seconds", pair[0]));
        let t = match t.and_then(epoch) {
            Ok(t) => t,
            Err(m) => {
                out.err(&At::Json(format!("{}/0", p.pointer())), m);
                continue;
            }
        };
        let state = whole(&pair[1]).filter(|s| (0..=2).contains(s));
        let Some(state) = state else {
            out.err(
                &At::Json(format!("{}/1", p.pointer())),
                format!(
                    "unknown state `{}` (0 uptime, 1 downtime, 2 no data)",
                    pair[1]
                ),
            );
            continue;
        };
        if got.last().is_some_and(|(prev, _, _)| *prev > t) {
            out.err(&at, "transitions are out of time order");
            continue;
        }
        got.push((t, state, p.pointer()));
    }
    got
}

fn transitions(out: &mut Out<'_>, data: &Node<'_>, w: &Window) {
    let Some(overall) = data.get("overall") else {
        out.err(
            &At::Json(data.pointer_to("overall")),
            "required value is missing",
        );
        return;
    };
    reported_errors(out, overall.get("errors"));
    if overall.v.get("preview") == Some(&Value::Bool(true)) {
        out.err(
            &At::Json(overall.pointer_to("preview")),
            "Datadog is still replaying this SLO's history (preview): export it again when the replay is done",
        );
    }
    let Some(history) = overall.get("history") else {
        out.err(
            &At::Json(overall.pointer_to("history")),
            "required value is missing",
        );
        return;
    };
    let got = pairs(out, &history);
    // Downtime spans, adjacent ones merged: (start, end, pointer).
    let mut down: Vec<(Instant, Instant, String)> = Vec::new();
    for (i, (t, state, ptr)) in got.iter().enumerate() {
        let next = got.get(i + 1).map_or(w.to, |n| n.0);
        let (a, b) = ((*t).max(w.from), next.min(w.to));
        if b <= a {
            continue;
        }
        match state {
            1 => match down.last_mut() {
                Some(last) if last.1 == a => last.1 = b,
                _ => down.push((a, b, ptr.clone())),
            },
            2 if !w.no_data_is_up => out.warn(
                ptr,
                format!(
                    "no data from {} to {}: counted as neither up nor down (Datadog counts it by the monitor's missing-data setting, which the export does not carry); enter it as an outage if the monitor alerts on missing data",
                    sla_engine::time::fmt_instant(a),
                    sla_engine::time::fmt_instant(b)
                ),
            ),
            _ => {}
        }
    }
    let Some(service) = w.service.clone() else {
        return;
    };
    for (start, end, ptr) in down {
        let origin = out.origin(ptr, out.events.outages.len() as u32 + 1);
        out.events.outages.push(OutageRow {
            service: service.as_str().into(),
            start,
            end: Some(end),
            impact: Decimal::ONE,
            cause: "internal".into(),
            source: "datadog".into(),
            reference: w.reference.clone(),
            origin,
        });
    }
}

/// A count: a whole number >= 0; `None` for a gap (null).
fn count(out: &mut Out<'_>, n: &Node<'_>) -> Result<Option<u64>, ()> {
    match n.v {
        Value::Null => Ok(None),
        v => match whole(v).filter(|x| *x >= 0) {
            Some(x) => Ok(Some(x as u64)),
            None => {
                out.err(
                    &At::Json(n.pointer()),
                    format!("`{v}` is not a whole number of events"),
                );
                Err(())
            }
        },
    }
}

fn counts(out: &mut Out<'_>, data: &Node<'_>, service: Option<String>) {
    let Some(series) = data.get("series") else {
        out.err(
            &At::Json(data.pointer_to("series")),
            "required value is missing",
        );
        return;
    };
    let interval = series.v.get("interval").and_then(whole);
    let Some(interval) = interval.filter(|i| (1..=86_400).contains(i)) else {
        out.err(
            &At::Json(series.pointer_to("interval")),
            "the interval must be a whole number of seconds from 1 to 86400",
        );
        return;
    };
    let values = |key: &str| series.get(key).and_then(|s| s.get("values"));
    let (Some(times), Some(good), Some(total)) = (
        series.get("times"),
        values("numerator"),
        values("denominator"),
    ) else {
        out.err(
            &At::Json(series.pointer()),
            "a metric history needs `times`, `numerator.values` and `denominator.values`",
        );
        return;
    };
    let (times, good, total) = (times.items(), good.items(), total.items());
    if good.len() != times.len() || total.len() != times.len() {
        out.err(
            &At::Json(series.pointer()),
            format!(
                "{} times but {} numerator and {} denominator values",
                times.len(),
                good.len(),
                total.len()
            ),
        );
        return;
    }
    for ((t, g), n) in times.iter().zip(&good).zip(&total) {
        let start = whole(t.v)
            .filter(|ms| ms % 1000 == 0)
            .ok_or_else(|| format!("`{}` is not a whole second in epoch milliseconds", t.v))
            .and_then(|ms| epoch(ms / 1000));
        let start = start.map_err(|m| out.err(&At::Json(t.pointer()), m)).ok();
        let (Ok(gv), Ok(nv)) = (count(out, g), count(out, n)) else {
            continue;
        };
        let (good, total) = match (gv, nv) {
            (None, None) => continue,
            (Some(g), Some(n)) if g <= n => (g, n),
            (Some(_), Some(_)) => {
                out.err(&At::Json(g.pointer()), "more good events than events");
                continue;
            }
            _ => {
                out.err(
                    &At::Json(g.pointer()),
                    "one of numerator and denominator is null at this time",
                );
                continue;
            }
        };
        let (Some(start), Some(service)) = (start, service.clone()) else {
            continue;
        };
        let origin = out.origin(t.pointer(), out.events.requests.len() as u32 + 1);
        out.events.requests.push(RequestRow {
            service,
            start,
            end: start + interval,
            good,
            total,
            origin,
        });
    }
}
