//! Helpers shared by the integration tests.

use rust_decimal::Decimal;
use serde_json::Value;
use std::str::FromStr;

/// A decimal string in the form the result uses (no exponent).
fn as_decimal(v: &Value) -> Option<Decimal> {
    let s = v.as_str()?;
    let ok = !s.is_empty()
        && s.trim_start_matches('-')
            .chars()
            .all(|c| c.is_ascii_digit() || c == '.');
    ok.then(|| Decimal::from_str(s).ok()).flatten()
}

/// Checks that every key of `expected` is in `actual` with an equal value;
/// decimal strings compare as numbers (`"1250"` equals `"1250.00"`). Returns
/// the differences, each with its JSON path.
pub fn subset_diff(expected: &Value, actual: &Value, path: &str, out: &mut Vec<String>) {
    match (expected, actual) {
        (Value::Object(e), Value::Object(a)) => {
            for (k, ev) in e {
                match a.get(k) {
                    Some(av) => subset_diff(ev, av, &format!("{path}.{k}"), out),
                    None => out.push(format!("{path}.{k}: missing (expected {ev})")),
                }
            }
        }
        (Value::Array(e), Value::Array(a)) => {
            if e.len() != a.len() {
                out.push(format!("{path}: {} items, expected {}", a.len(), e.len()));
            }
            for (i, (ev, av)) in e.iter().zip(a).enumerate() {
                subset_diff(ev, av, &format!("{path}[{i}]"), out);
            }
        }
        _ => {
            let same = match (as_decimal(expected), as_decimal(actual)) {
                (Some(x), Some(y)) => x == y,
                _ => expected == actual,
            };
            if !same {
                out.push(format!("{path}: got {actual}, expected {expected}"));
            }
        }
    }
}

pub fn bin() -> std::process::Command {
    std::process::Command::new(env!("CARGO_BIN_EXE_sla-ledger"))
}
