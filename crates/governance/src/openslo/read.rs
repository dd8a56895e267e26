//! Reading OpenSLO YAML into objectives, every problem named by document
//! and field.

use super::{get, scalar_text, GROUP_LABEL};
use crate::slo::{parse_window_duration, Budgeting, CalendarUnit, Indicator, Slo, Window};
use crate::DefinitionError;
use chrono::NaiveDateTime;
use chrono_tz::Tz;
use rust_decimal::Decimal;
use serde_norway::Value;
use sla_engine::num::parse_decimal;
use std::collections::BTreeMap;

/// Longest OpenSLO text read (4 MiB, some thousands of objectives); a
/// longer one is refused before it is parsed.
pub const MAX_BYTES: usize = 4 << 20;

/// Most YAML documents read from one text, empty ones included; a text
/// with more is refused with a problem that says so.
pub const MAX_DOCUMENTS: usize = 10_000;

struct Reader {
    problems: Vec<String>,
}

impl Reader {
    fn text(&mut self, v: &Value, path: &str, key: &str) -> Option<String> {
        match get(v, key) {
            Some(x) => match scalar_text(x) {
                Some(s) if !s.trim().is_empty() => Some(s),
                _ => {
                    self.problems
                        .push(format!("{path}.{key}: must be a non-empty text"));
                    None
                }
            },
            None => {
                self.problems.push(format!("{path}.{key}: missing"));
                None
            }
        }
    }
    fn opt_text(&mut self, v: &Value, key: &str) -> Option<String> {
        get(v, key).and_then(scalar_text)
    }
    fn ratio(&mut self, v: &Value, path: &str, key: &str) -> Option<Decimal> {
        let t = self.text(v, path, key)?;
        match parse_decimal(&t) {
            Ok(d) if d > Decimal::ZERO && d <= Decimal::ONE => Some(d),
            Ok(_) => {
                self.problems.push(format!(
                    "{path}.{key}: {t} is not a ratio above 0 and at most 1 (0.999 means 99.9 %)"
                ));
                None
            }
            Err(e) => {
                self.problems.push(format!("{path}.{key}: {e}"));
                None
            }
        }
    }
}

/// The evidence an `sla-ledger` metric source names.
fn source_evidence(r: &mut Reader, v: Option<&Value>, path: &str) -> Option<Indicator> {
    let src = v.and_then(|x| get(x, "metricSource"));
    let Some(src) = src else {
        r.problems.push(format!("{path}.metricSource: missing"));
        return None;
    };
    let ty = r.opt_text(src, "type").unwrap_or_default();
    if ty != "sla-ledger" {
        r.problems.push(format!(
            "{path}.metricSource.type: `{ty}` is not a source this program can compute; use type `sla-ledger` with evidence `outages` or `requests`"
        ));
        return None;
    }
    match get(src, "spec")
        .and_then(|s| get(s, "evidence"))
        .and_then(scalar_text)
        .as_deref()
    {
        Some("outages") => Some(Indicator::Outages),
        Some("requests") => Some(Indicator::Requests),
        other => {
            r.problems.push(format!(
                "{path}.metricSource.spec.evidence: {} is not `outages` or `requests`",
                other
                    .map(|o| format!("`{o}`"))
                    .unwrap_or_else(|| "missing".into())
            ));
            None
        }
    }
}

fn indicator(r: &mut Reader, sli: &Value, path: &str) -> Option<Indicator> {
    let Some(ratio) = get(sli, "spec").and_then(|s| get(s, "ratioMetric")) else {
        r.problems.push(format!(
            "{path}.spec.ratioMetric: missing (only ratio metrics are computed here)"
        ));
        return None;
    };
    let p = format!("{path}.spec.ratioMetric");
    let good = source_evidence(r, get(ratio, "good"), &format!("{p}.good"));
    let total = source_evidence(r, get(ratio, "total"), &format!("{p}.total"));
    match (good, total) {
        (Some(g), Some(t)) if g == t => Some(g),
        (Some(_), Some(_)) => {
            r.problems
                .push(format!("{p}: good and total must count the same evidence"));
            None
        }
        _ => None,
    }
}

fn window(r: &mut Reader, spec: &Value, path: &str) -> Option<Window> {
    let tw = get(spec, "timeWindow").and_then(|t| t.as_sequence());
    let Some(w) = tw
        .and_then(|s| s.first())
        .filter(|_| tw.map(|s| s.len()) == Some(1))
    else {
        r.problems.push(format!(
            "{path}.timeWindow: must be a list of exactly one window"
        ));
        return None;
    };
    let p = format!("{path}.timeWindow[0]");
    let duration = r.text(w, &p, "duration")?;
    let rolling = matches!(get(w, "isRolling"), Some(Value::Bool(true)));
    if rolling {
        return match parse_window_duration(&duration) {
            Ok(seconds) => Some(Window::Rolling {
                seconds,
                text: duration,
            }),
            Err(e) => {
                r.problems.push(format!("{p}.duration: {e}"));
                None
            }
        };
    }
    let unit = match duration.as_str() {
        "1M" => CalendarUnit::Month,
        "1Q" => CalendarUnit::Quarter,
        _ => {
            r.problems.push(format!(
                "{p}.duration: a calendar window here is `1M` or `1Q`, not `{duration}`"
            ));
            return None;
        }
    };
    let Some(cal) = get(w, "calendar") else {
        r.problems.push(format!(
            "{p}.calendar: missing (a calendar-aligned window needs startTime and timeZone)"
        ));
        return None;
    };
    let pc = format!("{p}.calendar");
    let start = r.text(cal, &pc, "startTime");
    let tz = r.text(cal, &pc, "timeZone");
    let start = start.and_then(|s| {
        NaiveDateTime::parse_from_str(&s, "%Y-%m-%d %H:%M:%S")
            .map_err(|_| {
                r.problems.push(format!(
                    "{pc}.startTime: `{s}` is not a time written \"YYYY-MM-DD HH:MM:SS\""
                ))
            })
            .ok()
    });
    let tz = tz.and_then(|z| {
        z.parse::<Tz>()
            .map_err(|_| {
                r.problems
                    .push(format!("{pc}.timeZone: `{z}` is not an IANA time zone"))
            })
            .ok()
    });
    Some(Window::Calendar {
        unit,
        start: start?,
        tz: tz?,
    })
}

/// Reads every `SLO` document (with inline indicators or `indicatorRef`s to
/// `SLI` documents in the same text). `Service` documents are accepted and
/// need no reading: the SLO names its service.
pub fn import(text: &str) -> Result<Vec<Slo>, DefinitionError> {
    let docs = documents(text).map_err(|problem| invalid(vec![problem]))?;
    let mut r = Reader { problems: vec![] };
    let slis = sli_documents(&docs);
    let mut out: Vec<Slo> = Vec::new();
    for (i, v) in &docs {
        let path = format!("document {}", i + 1);
        if !is_slo(&mut r, v, &path) {
            continue;
        }
        let Some(slo) = slo(&mut r, v, &path, &slis) else {
            continue;
        };
        if out.iter().any(|s| s.name == slo.name) {
            r.problems.push(format!(
                "{path}.metadata.name: `{}` is used twice",
                slo.name
            ));
            continue;
        }
        out.push(slo);
    }
    if r.problems.is_empty() {
        Ok(out)
    } else {
        Err(invalid(r.problems))
    }
}

fn invalid(problems: Vec<String>) -> DefinitionError {
    DefinitionError {
        what: "OpenSLO YAML".into(),
        problems,
    }
}

/// The YAML documents of the text with their index (empty ones skipped),
/// or the one problem that stopped the reading: a text longer than
/// [`MAX_BYTES`], more than [`MAX_DOCUMENTS`] documents, or a document that
/// is not YAML (with the line and column the parser gives). Nothing is read
/// from the documents then, as the problems of the ones before would be
/// partial (an `indicatorRef` to an `SLI` further on would be missing).
///
/// The reading stops at the first syntax error: the YAML parser cannot
/// resynchronise after one, and its document stream then reports the same
/// error again for every document asked for, without end (issue 12).
fn documents(text: &str) -> Result<Vec<(usize, Value)>, String> {
    if text.len() > MAX_BYTES {
        return Err(format!(
            "the text is {} bytes long, more than the {MAX_BYTES} bytes read here; split the objectives over several files",
            text.len()
        ));
    }
    let mut docs = Vec::new();
    for (i, d) in serde_norway::Deserializer::from_str(text).enumerate() {
        if i == MAX_DOCUMENTS {
            return Err(format!(
                "more than {MAX_DOCUMENTS} YAML documents; split the objectives over several files"
            ));
        }
        match <Value as serde::Deserialize>::deserialize(d) {
            Ok(Value::Null) => {}
            Ok(v) => docs.push((i, v)),
            Err(e) => return Err(format!("document {}: not YAML: {e}", i + 1)),
        }
    }
    Ok(docs)
}

/// `SLI` documents by name, with the path their problems are named by.
fn sli_documents(docs: &[(usize, Value)]) -> BTreeMap<String, (String, Value)> {
    let mut slis = BTreeMap::new();
    for (i, v) in docs {
        if get(v, "kind").and_then(scalar_text).as_deref() == Some("SLI") {
            if let Some(name) = get(v, "metadata")
                .and_then(|m| get(m, "name"))
                .and_then(scalar_text)
            {
                slis.insert(name, (format!("document {}", i + 1), v.clone()));
            }
        }
    }
    slis
}

/// Whether the document is an OpenSLO v1 `SLO`; other kinds this program
/// does not read are problems, `Service` and `SLI` are not.
fn is_slo(r: &mut Reader, v: &Value, path: &str) -> bool {
    let api = get(v, "apiVersion")
        .and_then(scalar_text)
        .unwrap_or_default();
    if api != "openslo/v1" {
        r.problems
            .push(format!("{path}.apiVersion: `{api}` is not `openslo/v1`"));
        return false;
    }
    let kind = get(v, "kind").and_then(scalar_text).unwrap_or_default();
    match kind.as_str() {
        "SLO" => true,
        "Service" | "SLI" => false,
        other => {
            r.problems.push(format!(
                "{path}.kind: `{other}` is not read here (SLO, SLI and Service are)"
            ));
            false
        }
    }
}

/// One `SLO` document; `None` when it has problems (all of them recorded).
fn slo(
    r: &mut Reader,
    v: &Value,
    path: &str,
    slis: &BTreeMap<String, (String, Value)>,
) -> Option<Slo> {
    let meta = get(v, "metadata").cloned().unwrap_or(Value::Null);
    let name = r.text(&meta, &format!("{path}.metadata"), "name");
    let Some(spec) = get(v, "spec") else {
        r.problems.push(format!("{path}.spec: missing"));
        return None;
    };
    let sp = format!("{path}.spec");
    let service = r.text(spec, &sp, "service");
    let ind = slo_indicator(r, spec, &sp, slis);
    let win = window(r, spec, &sp);
    let method = r.text(spec, &sp, "budgetingMethod");
    let objs = get(spec, "objectives").and_then(|o| o.as_sequence());
    let Some(obj) = objs
        .and_then(|o| o.first())
        .filter(|_| objs.map(|o| o.len()) == Some(1))
    else {
        r.problems.push(format!(
            "{sp}.objectives: must be a list of exactly one objective (write one SLO per target)"
        ));
        return None;
    };
    let op = format!("{sp}.objectives[0]");
    let target = r.ratio(obj, &op, "target");
    let budgeting = budgeting(r, method.as_deref(), obj, &op, &sp);
    let group = get(&meta, "labels")
        .and_then(|l| get(l, GROUP_LABEL))
        .and_then(|g| match g {
            Value::Sequence(s) => s.first().and_then(scalar_text),
            other => scalar_text(other),
        });
    Some(Slo {
        name: name?,
        display_name: r.opt_text(&meta, "displayName"),
        description: r.opt_text(spec, "description"),
        service: service?,
        target: target?,
        window: win?,
        budgeting: budgeting?,
        indicator: ind?,
        group,
    })
}

/// The SLO's indicator: inline, or an `indicatorRef` to an `SLI` document.
fn slo_indicator(
    r: &mut Reader,
    spec: &Value,
    sp: &str,
    slis: &BTreeMap<String, (String, Value)>,
) -> Option<Indicator> {
    match (get(spec, "indicator"), r.opt_text(spec, "indicatorRef")) {
        (Some(inline), _) => indicator(r, inline, &format!("{sp}.indicator")),
        (None, Some(reference)) => match slis.get(&reference) {
            Some((p, sli)) => indicator(r, sli, p),
            None => {
                r.problems.push(format!(
                    "{sp}.indicatorRef: no SLI document named `{reference}`"
                ));
                None
            }
        },
        (None, None) => {
            r.problems
                .push(format!("{sp}.indicator: missing (or give indicatorRef)"));
            None
        }
    }
}

/// `budgetingMethod` with what it needs from the objective: Occurrences,
/// or Timeslices with a slice target and window.
fn budgeting(
    r: &mut Reader,
    method: Option<&str>,
    obj: &Value,
    op: &str,
    sp: &str,
) -> Option<Budgeting> {
    match method {
        Some("Occurrences") => Some(Budgeting::Occurrences),
        Some("Timeslices") => {
            let st = r.ratio(obj, op, "timeSliceTarget");
            let sw = r.text(obj, op, "timeSliceWindow");
            let secs = sw.as_ref().and_then(|w| {
                parse_window_duration(w)
                    .map_err(|e| r.problems.push(format!("{op}.timeSliceWindow: {e}")))
                    .ok()
            });
            match (st, sw, secs) {
                (Some(slice_target), Some(slice_text), Some(slice_seconds)) => {
                    Some(Budgeting::Timeslices {
                        slice_seconds,
                        slice_text,
                        slice_target,
                    })
                }
                _ => None,
            }
        }
        Some(other) => {
            r.problems.push(format!(
                "{sp}.budgetingMethod: `{other}` is not Occurrences or Timeslices"
            ));
            None
        }
        None => None,
    }
}
