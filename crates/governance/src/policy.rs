//! The error-budget policy file (TOML): per objective, the thresholds of
//! budget consumed that set off named actions with an owner, and
//! effective-dated temporary targets. Approved exceptions are not here:
//! each is recorded on its own, with its approver, in the library.
//!
//! ```toml
//! [[objective]]
//! slo = "checkout-up"
//! thresholds = [
//!   { consumed = "50", action = "review", owner = "SRE lead" },
//!   { consumed = "100", action = "change freeze", owner = "VP Engineering" },
//! ]
//! temporary_targets = [
//!   { from = "2026-11-01T00:00:00Z", to = "2026-12-01T00:00:00Z", target = "0.99", reason = "data-centre migration" },
//! ]
//! ```

use crate::slo::{Policy, TemporaryTarget, Threshold};
use crate::DefinitionError;
use rust_decimal::Decimal;
use sla_engine::num::parse_decimal;
use std::collections::BTreeMap;
use toml::Value;

fn text(t: &Value, path: &str, key: &str, problems: &mut Vec<String>) -> Option<String> {
    match t.get(key) {
        Some(Value::String(s)) if !s.trim().is_empty() => Some(s.trim().to_string()),
        Some(_) => {
            problems.push(format!("{path}.{key}: must be a non-empty text"));
            None
        }
        None => {
            problems.push(format!("{path}.{key}: missing"));
            None
        }
    }
}

fn decimal(t: &Value, path: &str, key: &str, problems: &mut Vec<String>) -> Option<Decimal> {
    let s = text(t, path, key, problems)?;
    parse_decimal(&s)
        .map_err(|e| problems.push(format!("{path}.{key}: {e}")))
        .ok()
}

fn list<'a>(t: &'a Value, path: &str, key: &str, problems: &mut Vec<String>) -> &'a [Value] {
    match t.get(key) {
        Some(Value::Array(a)) => a,
        Some(_) => {
            problems.push(format!("{path}.{key}: must be a list"));
            &[]
        }
        None => &[],
    }
}

/// Reads the policy file: every problem by key path, nothing half-read.
pub fn parse(text_in: &str) -> Result<BTreeMap<String, Policy>, DefinitionError> {
    let mut problems = Vec::new();
    let fail = |problems: Vec<String>| DefinitionError {
        what: "budget policy".into(),
        problems,
    };
    let doc: Value = match text_in.parse::<toml::Table>() {
        Ok(t) => Value::Table(t),
        Err(e) => return Err(fail(vec![format!("not TOML: {}", e.message())])),
    };
    if let Some(t) = doc.as_table() {
        for k in t.keys().filter(|k| *k != "objective") {
            problems.push(format!(
                "{k}: unknown key (the file holds [[objective]] tables)"
            ));
        }
    }
    let mut out: BTreeMap<String, Policy> = BTreeMap::new();
    for (i, o) in list(&doc, "", "objective", &mut problems)
        .iter()
        .enumerate()
    {
        let p = format!("objective[{i}]");
        let (slo, policy) = objective(o, &p, &mut problems);
        if let Some(s) = slo {
            if out.insert(s.clone(), policy).is_some() {
                problems.push(format!("{p}.slo: `{s}` has two [[objective]] tables"));
            }
        }
    }
    if problems.is_empty() {
        Ok(out)
    } else {
        Err(fail(problems))
    }
}

/// One `[[objective]]`: the objective it is for and its policy.
fn objective(o: &Value, p: &str, problems: &mut Vec<String>) -> (Option<String>, Policy) {
    if let Some(t) = o.as_table() {
        for k in t
            .keys()
            .filter(|k| !["slo", "thresholds", "temporary_targets"].contains(&k.as_str()))
        {
            problems.push(format!("{p}.{k}: unknown key"));
        }
    }
    let slo = text(o, p, "slo", problems);
    let mut policy = Policy::default();
    for (j, th) in list(o, p, "thresholds", problems).iter().enumerate() {
        policy
            .thresholds
            .extend(threshold(th, &format!("{p}.thresholds[{j}]"), problems));
    }
    for (j, tt) in list(o, p, "temporary_targets", problems).iter().enumerate() {
        let q = format!("{p}.temporary_targets[{j}]");
        policy
            .temporary_targets
            .extend(temporary_target(tt, &q, problems));
    }
    policy.thresholds.sort_by_key(|t| t.consumed_percent);
    (slo, policy)
}

/// `{ consumed = "75", action = "..", owner = ".." }`, consumed above 0.
fn threshold(th: &Value, q: &str, problems: &mut Vec<String>) -> Option<Threshold> {
    let c = decimal(th, q, "consumed", problems);
    let action = text(th, q, "action", problems);
    let owner = text(th, q, "owner", problems);
    if let Some(c) = c {
        if c <= Decimal::ZERO {
            problems.push(format!(
                "{q}.consumed: {c} must be above 0 (percent of the budget)"
            ));
            return None;
        }
    }
    Some(Threshold {
        consumed_percent: c?,
        action: action?,
        owner: owner?,
    })
}

/// `{ from, to, target, reason }`: a ratio in force for `[from, to)`.
fn temporary_target(tt: &Value, q: &str, problems: &mut Vec<String>) -> Option<TemporaryTarget> {
    let at = |key: &str, problems: &mut Vec<String>| {
        text(tt, q, key, problems).and_then(|s| {
            sla_engine::time::parse_instant(&s, chrono_tz::UTC)
                .map_err(|e| problems.push(format!("{q}.{key}: {e}")))
                .ok()
        })
    };
    let from = at("from", problems);
    let to = at("to", problems);
    let target = decimal(tt, q, "target", problems);
    let reason = text(tt, q, "reason", problems);
    if let Some(t) = target {
        if t <= Decimal::ZERO || t > Decimal::ONE {
            problems.push(format!(
                "{q}.target: {t} is not a ratio above 0 and at most 1"
            ));
            return None;
        }
    }
    if let (Some(f), Some(t)) = (from, to) {
        if t <= f {
            problems.push(format!("{q}.to: must be after from"));
            return None;
        }
    }
    Some(TemporaryTarget {
        from: from?,
        to: to?,
        target: target?,
        reason: reason?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_thresholds_and_temporary_targets_and_names_every_problem() {
        let ok = r#"
[[objective]]
slo = "api"
thresholds = [ { consumed = "75", action = "change freeze", owner = "VP" }, { consumed = "50", action = "review", owner = "SRE" } ]
temporary_targets = [ { from = "2026-11-01T00:00:00Z", to = "2026-12-01T00:00:00Z", target = "0.99", reason = "migration" } ]
"#;
        let p = parse(ok).unwrap();
        let api = &p["api"];
        assert_eq!(api.thresholds[0].action, "review");
        assert_eq!(api.temporary_targets[0].target, "0.99".parse().unwrap());
        let bad = r#"
colour = "red"
[[objective]]
slo = "api"
thresholds = [ { consumed = "-5", action = "review", owner = "SRE" }, { consumed = "50", owner = "SRE" } ]
temporary_targets = [ { from = "2026-12-01T00:00:00Z", to = "2026-11-01T00:00:00Z", target = "99", reason = "x" } ]
"#;
        assert_eq!(
            parse(bad).unwrap_err().problems,
            vec![
                "colour: unknown key (the file holds [[objective]] tables)",
                "objective[0].thresholds[0].consumed: -5 must be above 0 (percent of the budget)",
                "objective[0].thresholds[1].action: missing",
                "objective[0].temporary_targets[0].target: 99 is not a ratio above 0 and at most 1",
            ]
        );
    }
}
