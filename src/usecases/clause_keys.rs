//! Term key paths and the texts that say a term's value (issue 18): the
//! pure half of clause provenance, split from `clauses.rs`.

use toml::Value;

/// One step of a key path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Step {
    Key(String),
    Index(usize),
}

pub(super) fn parse_key(key: &str) -> Result<Vec<Step>, String> {
    let mut out = Vec::new();
    for part in key.split('.') {
        let (name, mut rest) = match part.find('[') {
            Some(i) => (&part[..i], &part[i..]),
            None => (part, ""),
        };
        if name.is_empty()
            || !name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        {
            return Err(format!(
                "`{key}` is not a key path (e.g. slas[0].credit.tiers[1])"
            ));
        }
        out.push(Step::Key(name.to_string()));
        while let Some(r) = rest.strip_prefix('[') {
            let end = r
                .find(']')
                .ok_or_else(|| format!("`{key}`: `[` without `]`"))?;
            let i = r[..end]
                .parse::<usize>()
                .map_err(|_| format!("`{key}`: `[{}]` is not an index", &r[..end]))?;
            out.push(Step::Index(i));
            rest = &r[end + 1..];
        }
        if !rest.is_empty() {
            return Err(format!(
                "`{key}` is not a key path (e.g. slas[0].credit.tiers[1])"
            ));
        }
    }
    Ok(out)
}

pub(super) fn value_at<'a>(root: &'a toml::Table, key: &str) -> Option<&'a Value> {
    let steps = parse_key(key).ok()?;
    let mut cur: Option<&Value> = None;
    for (i, step) in steps.iter().enumerate() {
        cur = match (i, step, cur) {
            (0, Step::Key(k), _) => root.get(k),
            (_, Step::Key(k), Some(Value::Table(t))) => t.get(k),
            (_, Step::Index(n), Some(Value::Array(a))) => a.get(*n),
            _ => None,
        };
        cur?;
    }
    cur
}

/// Keys that name things rather than promise anything.
const NOT_TERMS: &[&str] = &["id", "name", "service", "kind"];

/// The term keys (leaves) of a terms text: everything under `slas`,
/// `credit` and `calendars`, and each service's `monthly_fee`.
pub fn term_keys(root: &toml::Table) -> Vec<(String, Value)> {
    fn walk(prefix: &str, v: &Value, out: &mut Vec<(String, Value)>) {
        match v {
            Value::Table(t) => {
                for (k, x) in t {
                    if !NOT_TERMS.contains(&k.as_str()) {
                        walk(&format!("{prefix}.{k}"), x, out);
                    }
                }
            }
            Value::Array(a) if a.iter().all(|x| x.is_table()) && !a.is_empty() => {
                for (i, x) in a.iter().enumerate() {
                    walk(&format!("{prefix}[{i}]"), x, out);
                }
            }
            leaf => out.push((prefix.to_string(), leaf.clone())),
        }
    }
    let mut out = Vec::new();
    for root_key in ["slas", "credit", "calendars"] {
        if let Some(v) = root.get(root_key) {
            walk(root_key, v, &mut out);
        }
    }
    if let Some(Value::Array(services)) = root.get("services") {
        for (i, svc) in services.iter().enumerate() {
            if let Some(fee) = svc.get("monthly_fee") {
                out.push((format!("services[{i}].monthly_fee"), fee.clone()));
            }
        }
    }
    out
}

/// Whether a link on `link` covers the term key `key`.
pub(super) fn covers(link: &str, key: &str) -> bool {
    key == link
        || key
            .strip_prefix(link)
            .is_some_and(|rest| rest.starts_with('.') || rest.starts_with('['))
}

pub(super) fn show(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Texts that say a term's value, most specific first.
pub(super) fn needles(key: &str, v: &Value) -> Vec<String> {
    let raw = show(v);
    let num = raw.trim();
    let mut out = Vec::new();
    let percent_like =
        key.ends_with("target") || key.contains("percent") || key.ends_with(".below");
    if let Some((n, unit)) = num
        .strip_suffix('m')
        .map(|n| (n, "minutes"))
        .or_else(|| num.strip_suffix('h').map(|n| (n, "hours")))
        .or_else(|| num.strip_suffix('d').map(|n| (n, "days")))
        .filter(|(n, _)| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()))
    {
        out.push(format!("({n}) {unit}"));
        out.push(format!("{n} {unit}"));
    } else if num.chars().all(|c| c.is_ascii_digit() || c == '.') && !num.is_empty() {
        if percent_like {
            // A tier's bound is said with its comparison; a bare percentage
            // would first find the target it equals.
            if key.ends_with(".below") {
                out.push(format!("below {num}%"));
                out.push(format!("below {num} %"));
            }
            out.push(format!("{num}%"));
            out.push(format!("{num} %"));
            out.push(format!("{num} percent"));
        } else if key.ends_with("_days") {
            out.push(format!("({num}) days"));
            out.push(format!("{num} days"));
        } else if key.ends_with("monthly_fee") {
            out.push(sla_engine::num::group_thousands(num));
        }
    }
    out
}

/// The sentence of `page` around byte `at`: from after the full stop
/// before it (a stop followed by white space), or from the start of its
/// line when that line opens a sentence (a capital or a clause number such
/// as `2.1`, after a line without a stop: a heading), to its own full stop.
pub(super) fn sentence(page: &str, at: usize, len: usize) -> String {
    let b = page.as_bytes();
    let stop = |i: usize| b[i] == b'.' && b.get(i + 1).is_some_and(|c| c.is_ascii_whitespace());
    let opens = |i: usize| {
        let line = &page[i..];
        let numbered = line.split_whitespace().next().is_some_and(|w| {
            w.contains('.')
                && w.trim_end_matches('.')
                    .split('.')
                    .all(|p| !p.is_empty() && p.bytes().all(|c| c.is_ascii_digit()))
        });
        numbered || line.starts_with(|c: char| c.is_uppercase())
    };
    let start = (0..at)
        .rev()
        .find(|&i| stop(i) || (b[i] == b'\n' && opens(i + 1)))
        .map(|i| i + 1)
        .unwrap_or(0);
    let end = (at + len..b.len())
        .find(|&i| stop(i))
        .map(|i| i + 1)
        .unwrap_or(b.len());
    page[start..end]
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_paths_resolve_and_cover() {
        let t: toml::Table = "[[slas]]\nid = \"a\"\ntarget = \"99.9\"\n[slas.credit]\ntiers = [{ below = \"99.9\", percent = \"10\" }]\n[credit]\nclaim_window_days = 30\n".parse().unwrap();
        assert_eq!(
            value_at(&t, "slas[0].target").unwrap().as_str(),
            Some("99.9")
        );
        assert_eq!(
            value_at(&t, "slas[0].credit.tiers[0].percent")
                .unwrap()
                .as_str(),
            Some("10")
        );
        assert!(value_at(&t, "slas[1].target").is_none());
        assert!(parse_key("slas[x]").is_err() && parse_key("a..b").is_err());
        let keys: Vec<String> = term_keys(&t).into_iter().map(|(k, _)| k).collect();
        assert_eq!(
            keys,
            [
                "slas[0].credit.tiers[0].below",
                "slas[0].credit.tiers[0].percent",
                "slas[0].target",
                "credit.claim_window_days"
            ]
        );
        assert!(covers(
            "slas[0].credit.tiers[0]",
            "slas[0].credit.tiers[0].below"
        ));
        assert!(covers("slas[0]", "slas[0].target"));
        assert!(!covers(
            "slas[0].credit.tiers[1]",
            "slas[0].credit.tiers[10].below"
        ));
        assert!(!covers("slas[0].tar", "slas[0].target"));
    }

    #[test]
    fn needles_say_values_as_contracts_do() {
        assert_eq!(
            needles("slas[0].target", &Value::String("99.95".into()))[0],
            "99.95%"
        );
        assert_eq!(
            needles(
                "slas[0].exclusions.maintenance_notice",
                &Value::String("72h".into())
            )[0],
            "(72) hours"
        );
        assert_eq!(
            needles("credit.claim_window_days", &Value::Integer(30))[1],
            "30 days"
        );
        assert_eq!(
            needles("services[0].monthly_fee", &Value::String("12500.00".into()))[0],
            "12,500.00"
        );
    }
}
