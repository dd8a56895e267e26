//! The dependency map (TOML, docs/governance.md) that coverage reads: which
//! customer promise rests on which vendor terms, which monitors to compare,
//! and how close to a vendor's target is "close". Parsed here into names;
//! the use-case layer resolves the names against the library.
//!
//! Every problem is reported with its key path, all of them at once.

use rust_decimal::Decimal;

/// A map as written, with contract and SLA names not yet looked up.
#[derive(Debug, Clone, PartialEq)]
pub struct CoverageMap {
    pub services: Vec<MappedService>,
    pub compare: Vec<Comparison>,
    /// A vendor within this many points of its target is "close".
    pub margin_points: Decimal,
    /// ...in this many months.
    pub margin_months: u32,
}

#[derive(Debug, Clone, PartialEq)]
pub struct MappedService {
    pub path: String,
    pub id: String,
    pub promised: Promise,
    pub depends: Vec<Dependency>,
}

/// What we promise for a service.
#[derive(Debug, Clone, PartialEq)]
pub enum Promise {
    /// A percent written in the map.
    Percent(Decimal),
    /// The target of a customer contract's availability term.
    By { contract: String, sla: String },
}

/// A dependency: a vendor's SLA, or a group of them.
#[derive(Debug, Clone, PartialEq)]
pub enum Dependency {
    Vendor {
        path: String,
        contract: String,
        sla: String,
    },
    Redundant(Vec<Dependency>),
    Series(Vec<Dependency>),
}

/// Two sources of evidence for one service in one month, compared.
#[derive(Debug, Clone, PartialEq)]
pub struct Comparison {
    pub path: String,
    pub service: String,
    pub a: String,
    pub b: String,
    pub period: String,
}

fn text<'a>(v: &'a toml::Value, key: &str) -> Option<&'a str> {
    v.get(key).and_then(|x| x.as_str())
}

fn list<'a>(v: &'a toml::Value, key: &str) -> &'a [toml::Value] {
    v.get(key)
        .and_then(|x| x.as_array())
        .map(|a| a.as_slice())
        .unwrap_or(&[])
}

/// Parses a dependency map; `file` names it in the problems.
pub fn parse(file: &str, text_: &str) -> Result<CoverageMap, Vec<String>> {
    let doc: toml::Value = text_
        .parse::<toml::Table>()
        .map(toml::Value::Table)
        .map_err(|e| vec![format!("{file}: not TOML: {}", e.message())])?;
    let mut problems = Vec::new();
    let services = list(&doc, "service")
        .iter()
        .enumerate()
        .filter_map(|(i, s)| service(s, &format!("service[{i}]"), &mut problems))
        .collect();
    let compare = list(&doc, "compare")
        .iter()
        .enumerate()
        .filter_map(|(i, c)| comparison(c, &format!("compare[{i}]"), &mut problems))
        .collect();
    let margin = doc.get("margin");
    let points = margin
        .and_then(|m| text(m, "points"))
        .unwrap_or("0.05")
        .to_string();
    let margin_points = sla_engine::num::parse_decimal(&points)
        .map_err(|e| problems.push(format!("margin.points: {e}")))
        .unwrap_or_default();
    let margin_months = margin
        .and_then(|m| m.get("months"))
        .and_then(|x| x.as_integer())
        .unwrap_or(3);
    if !(1..=120).contains(&margin_months) {
        problems.push(format!(
            "margin.months: {margin_months} is not between 1 and 120"
        ));
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    Ok(CoverageMap {
        services,
        compare,
        margin_points,
        margin_months: margin_months as u32,
    })
}

fn service(s: &toml::Value, p: &str, problems: &mut Vec<String>) -> Option<MappedService> {
    let id = text(s, "id").unwrap_or_default().to_string();
    if id.is_empty() {
        problems.push(format!("{p}.id: missing"));
    }
    let promised = match (text(s, "promised"), s.get("promised_by")) {
        (Some(t), _) => sla_engine::num::parse_decimal(t)
            .map_err(|e| problems.push(format!("{p}.promised: {e}")))
            .ok()
            .map(Promise::Percent),
        (None, Some(by)) => Some(Promise::By {
            contract: text(by, "contract").unwrap_or_default().to_string(),
            sla: text(by, "sla").unwrap_or_default().to_string(),
        }),
        (None, None) => {
            problems.push(format!(
                "{p}: give `promised` (percent) or `promised_by` (a customer contract's term)"
            ));
            None
        }
    };
    let depends: Option<Vec<Dependency>> = list(s, "depends")
        .iter()
        .enumerate()
        .map(|(j, d)| dependency(d, &format!("{p}.depends[{j}]"), problems))
        .collect::<Vec<_>>()
        .into_iter()
        .collect();
    Some(MappedService {
        path: p.to_string(),
        id,
        promised: promised?,
        depends: depends?,
    })
}

fn group(items: &[toml::Value], path: &str, problems: &mut Vec<String>) -> Option<Vec<Dependency>> {
    // Every member is looked at, so that every problem is reported.
    let kids: Vec<Option<Dependency>> = items
        .iter()
        .enumerate()
        .map(|(i, x)| dependency(x, &format!("{path}[{i}]"), problems))
        .collect();
    kids.into_iter().collect()
}

fn dependency(v: &toml::Value, path: &str, problems: &mut Vec<String>) -> Option<Dependency> {
    if let Some(g) = v.get("redundant").and_then(|g| g.as_array()) {
        return group(g, &format!("{path}.redundant"), problems).map(Dependency::Redundant);
    }
    if let Some(g) = v.get("series").and_then(|g| g.as_array()) {
        return group(g, &format!("{path}.series"), problems).map(Dependency::Series);
    }
    match (text(v, "contract"), text(v, "sla")) {
        (Some(c), Some(s)) => Some(Dependency::Vendor {
            path: path.to_string(),
            contract: c.to_string(),
            sla: s.to_string(),
        }),
        _ => {
            problems.push(format!(
                "{path}: give `contract` and `sla`, or a `redundant` or `series` list"
            ));
            None
        }
    }
}

fn comparison(c: &toml::Value, p: &str, problems: &mut Vec<String>) -> Option<Comparison> {
    let get = |k: &str| text(c, k).map(str::to_string);
    let (Some(service), Some(a), Some(b), Some(period)) =
        (get("service"), get("a"), get("b"), get("period"))
    else {
        problems.push(format!(
            "{p}: give service, a, b (source labels) and period"
        ));
        return None;
    };
    if period.parse::<sla_engine::Month>().is_err() {
        problems.push(format!("{p}.period: `{period}` is not YYYY-MM"));
        return None;
    }
    Some(Comparison {
        path: p.to_string(),
        service,
        a,
        b,
        period,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_map_reads_into_names_and_groups() {
        let m = parse(
            "map.toml",
            r#"
[[service]]
id = "checkout"
promised = "99.9"
depends = [{ contract = "CLOUD-1", sla = "compute" }, { redundant = [{ contract = "DNS-A", sla = "dns" }, { contract = "DNS-B", sla = "dns" }] }]

[[compare]]
service = "api"
a = "synthetic"
b = "rum"
period = "2026-10"

[margin]
points = "0.1"
months = 6
"#,
        )
        .unwrap();
        assert_eq!(
            m.services[0].promised,
            Promise::Percent("99.9".parse().unwrap())
        );
        assert_eq!(m.services[0].depends.len(), 2);
        assert!(matches!(&m.services[0].depends[1], Dependency::Redundant(v) if v.len() == 2));
        assert_eq!(m.compare[0].period, "2026-10");
        assert_eq!(
            (m.margin_points.to_string(), m.margin_months),
            ("0.1".into(), 6)
        );
    }

    #[test]
    fn every_problem_is_reported_with_its_key_path() {
        let e = parse(
            "map.toml",
            r#"
[[service]]
depends = [{ redundant = [{ contract = "A" }] }]

[[compare]]
service = "api"
a = "x"
b = "y"
period = "2026-13"
"#,
        )
        .unwrap_err();
        assert_eq!(
            e,
            vec![
                "service[0].id: missing",
                "service[0]: give `promised` (percent) or `promised_by` (a customer contract's term)",
                "service[0].depends[0].redundant[0]: give `contract` and `sla`, or a `redundant` or `series` list",
                "compare[0].period: `2026-13` is not YYYY-MM",
            ]
        );
    }
}
