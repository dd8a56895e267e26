//! Writing objectives as OpenSLO YAML, in one fixed layout.

use super::GROUP_LABEL;
use crate::slo::{Budgeting, CalendarUnit, Slo, Window};
use sla_engine::num::fmt_dec;

/// A YAML double-quoted scalar (JSON's escaping is valid YAML).
fn q(s: &str) -> String {
    serde_json::to_string(s).expect("a string serialises")
}

/// Writes `Service` documents (one per service, in order of first use) and
/// one `SLO` document per objective, with its indicator inline.
pub fn export(slos: &[Slo]) -> String {
    let mut out = String::new();
    let mut services: Vec<&str> = Vec::new();
    for s in slos {
        if !services.contains(&s.service.as_str()) {
            services.push(&s.service);
        }
    }
    let mut docs: Vec<String> = services
        .iter()
        .map(|s| {
            format!(
                "apiVersion: openslo/v1\nkind: Service\nmetadata:\n  name: {}\n",
                q(s)
            )
        })
        .collect();
    docs.extend(slos.iter().map(slo_document));
    for (i, d) in docs.iter().enumerate() {
        if i > 0 {
            out.push_str("---\n");
        }
        out.push_str(d);
    }
    out
}

fn slo_document(s: &Slo) -> String {
    let mut d = String::new();
    d.push_str("apiVersion: openslo/v1\nkind: SLO\nmetadata:\n");
    d.push_str(&format!("  name: {}\n", q(&s.name)));
    if let Some(n) = &s.display_name {
        d.push_str(&format!("  displayName: {}\n", q(n)));
    }
    if let Some(g) = &s.group {
        d.push_str(&format!("  labels:\n    {}: {}\n", q(GROUP_LABEL), q(g)));
    }
    d.push_str("spec:\n");
    if let Some(desc) = &s.description {
        d.push_str(&format!("  description: {}\n", q(desc)));
    }
    d.push_str(&format!("  service: {}\n", q(&s.service)));
    let ev = s.indicator.name();
    d.push_str(&format!(
        "  indicator:\n    metadata:\n      name: {}\n    spec:\n      ratioMetric:\n        counter: true\n",
        q(&format!("{}-sli", s.name))
    ));
    for part in ["good", "total"] {
        d.push_str(&format!(
            "        {part}:\n          metricSource:\n            type: \"sla-ledger\"\n            spec:\n              evidence: \"{ev}\"\n              count: \"{part}\"\n"
        ));
    }
    d.push_str(&time_window(&s.window));
    d.push_str(&objectives(s));
    d
}

fn time_window(w: &Window) -> String {
    match w {
        Window::Rolling { text, .. } => format!(
            "  timeWindow:\n    - duration: {}\n      isRolling: true\n",
            q(text)
        ),
        Window::Calendar { unit, start, tz } => format!(
            "  timeWindow:\n    - duration: \"{}\"\n      isRolling: false\n      calendar:\n        startTime: \"{}\"\n        timeZone: {}\n",
            match unit {
                CalendarUnit::Month => "1M",
                CalendarUnit::Quarter => "1Q",
            },
            start.format("%Y-%m-%d %H:%M:%S"),
            q(tz.name())
        ),
    }
}

/// `budgetingMethod` and the one objective (targets quoted: decimals).
fn objectives(s: &Slo) -> String {
    match &s.budgeting {
        Budgeting::Occurrences => format!(
            "  budgetingMethod: \"Occurrences\"\n  objectives:\n    - target: \"{}\"\n",
            fmt_dec(s.target)
        ),
        Budgeting::Timeslices {
            slice_text,
            slice_target,
            ..
        } => format!(
            "  budgetingMethod: \"Timeslices\"\n  objectives:\n    - target: \"{}\"\n      timeSliceTarget: \"{}\"\n      timeSliceWindow: {}\n",
            fmt_dec(s.target),
            fmt_dec(*slice_target),
            q(slice_text)
        ),
    }
}
