//! Vendor back-to-back coverage from a dependency map: what each customer
//! promise rests on, two monitors compared, vendors close to their targets,
//! and how much of what we owe we can claim back.

use super::{months_back, read};
use crate::usecases::statements::compute_stored;
use crate::usecases::Session;
use crate::{AppError, Code};
use rust_decimal::Decimal;
use serde::Serialize;
use sla_governance::coverage::{
    self as cov, CoverageReport, MarginWatch, Node, RecoveryRow, SourceComparison,
};
use sla_governance::coverage_map::{self, Comparison, CoverageMap, Dependency, Promise};
use sla_store::Library;
use sla_store::StatementStatus;
use std::collections::BTreeMap;

/// Coverage of every mapped service, the two-source comparisons, vendors
/// close to their targets, and the recovery ratio of one month.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct CoverageOutput {
    pub services: Vec<CoverageReport>,
    pub comparisons: Vec<SourceComparison>,
    pub margin: Vec<MarginWatch>,
    pub recovery_period: String,
    pub recovery: Vec<RecoveryRow>,
}

/// The target (percent) of a contract's availability term.
fn vendor_target(lib: &Library, contract: &str, sla: &str) -> Result<Option<Decimal>, AppError> {
    let t = lib.terms_of(contract, None)?;
    Ok(t.slas
        .iter()
        .find(|s| s.id == sla)
        .and_then(|s| match &s.term {
            sla_engine::terms::SlaTerm::Availability(a) => Some(a.target),
            _ => None,
        }))
}

/// A dependency with its vendors' targets looked up in the library.
fn node(lib: &Library, d: &Dependency, problems: &mut Vec<String>) -> Option<Node> {
    let group = |items: &[Dependency], problems: &mut Vec<String>| {
        let kids: Vec<Option<Node>> = items.iter().map(|x| node(lib, x, problems)).collect();
        kids.into_iter().collect::<Option<Vec<_>>>()
    };
    match d {
        Dependency::Redundant(v) => group(v, problems).map(Node::Redundant),
        Dependency::Series(v) => group(v, problems).map(Node::Series),
        Dependency::Vendor {
            path,
            contract,
            sla,
        } => match vendor_target(lib, contract, sla) {
            Ok(target) => Some(Node::Vendor {
                name: format!("{contract}/{sla}"),
                target,
            }),
            Err(e) => {
                problems.push(format!("{path}: {e}"));
                None
            }
        },
    }
}

fn promised(lib: &Library, path: &str, p: &Promise, problems: &mut Vec<String>) -> Option<Decimal> {
    match p {
        Promise::Percent(x) => Some(*x),
        Promise::By { contract, sla } => match vendor_target(lib, contract, sla) {
            Ok(Some(t)) => Some(t),
            Ok(None) => {
                problems.push(format!(
                    "{path}.promised_by: {contract} has no availability term `{sla}`"
                ));
                None
            }
            Err(e) => {
                problems.push(format!("{path}.promised_by: {e}"));
                None
            }
        },
    }
}

fn services(lib: &Library, map: &CoverageMap, problems: &mut Vec<String>) -> Vec<CoverageReport> {
    let mut out = Vec::new();
    for s in &map.services {
        let promised = promised(lib, &s.path, &s.promised, problems);
        let deps: Vec<Option<Node>> = s.depends.iter().map(|d| node(lib, d, problems)).collect();
        if let (Some(p), Some(deps)) = (promised, deps.into_iter().collect::<Option<Vec<_>>>()) {
            out.push(cov::coverage(&s.id, p, &deps));
        }
    }
    out
}

/// Two sources' outages of a service in a month, instant by instant (UTC).
fn compare(lib: &Library, c: &Comparison) -> Result<SourceComparison, AppError> {
    let month: sla_engine::Month = c
        .period
        .parse()
        .map_err(|e: sla_engine::MonthError| AppError::Period(e.into()))?;
    let (from, to) = month.range_in(chrono_tz::UTC);
    let rows = lib.outages_for_service(&c.service)?;
    let pick = |label: &str| -> Vec<(i64, i64)> {
        rows.iter()
            .filter(|(_, _, src)| src == label)
            .map(|(s, e, _)| ((*s).max(from), e.unwrap_or(to).min(to)))
            .filter(|(s, e)| s < e)
            .collect()
    };
    Ok(cov::compare_sources(&c.a, &pick(&c.a), &c.b, &pick(&c.b)))
}

/// Vendor availability terms within the margin of their targets in the
/// window's months.
fn margin(
    lib: &Library,
    map: &CoverageMap,
    window: &[String],
) -> Result<Vec<MarginWatch>, AppError> {
    let mut out = Vec::new();
    for id in lib.contract_ids()? {
        let t = lib.terms_of(&id, None)?;
        if t.contract.direction != Some(sla_engine::terms::Direction::Vendor) {
            continue;
        }
        let mut hist: BTreeMap<String, Vec<(String, Decimal, Decimal)>> = Default::default();
        for m in window {
            let (first, last) = sla_store::statements::month_dates(m)?;
            if lib.version_for_month(&id, first, last)?.is_none() {
                continue;
            }
            let Ok(c) = compute_stored(lib, &id, m) else {
                continue;
            };
            for line in &c.doc.lines {
                if let sla_engine::Line::Availability(a) = line {
                    if let (Ok(u), Ok(tg)) = (
                        sla_engine::num::parse_decimal(&a.uptime),
                        sla_engine::num::parse_decimal(&a.target),
                    ) {
                        hist.entry(a.sla.clone())
                            .or_default()
                            .push((m.clone(), u, tg));
                    }
                }
            }
        }
        for (sla, h) in hist {
            out.extend(cov::margin_watch(
                &id,
                &sla,
                &h,
                map.margin_points,
                map.margin_months as usize,
            ));
        }
    }
    Ok(out)
}

/// `map`: the dependency map file. `until`: the month whose statements give
/// the recovery ratio; margin watch looks at the `months` months up to it.
pub fn coverage(
    s: &Session,
    map: &str,
    until: &str,
    months: u32,
) -> Result<CoverageOutput, AppError> {
    let text = read(map)?;
    let invalid = |problems: Vec<String>| {
        AppError::invalid(
            Code::Definition,
            format!(
                "{map}: {} problem(s)\n  {}",
                problems.len(),
                problems.join("\n  ")
            ),
        )
    };
    let parsed = coverage_map::parse(map, &text).map_err(invalid)?;
    let mut problems = Vec::new();
    let services = services(&s.lib, &parsed, &mut problems);
    if !problems.is_empty() {
        return Err(invalid(problems));
    }
    let comparisons = parsed
        .compare
        .iter()
        .map(|c| compare(&s.lib, c))
        .collect::<Result<Vec<_>, _>>()?;
    let window = months_back(until, months.max(parsed.margin_months))?;
    let margin = margin(&s.lib, &parsed, &window)?;
    // Recovery: the month's current statements (final, else draft).
    let docs: Vec<sla_engine::ResultDoc> = s
        .lib
        .list_statements(Some(until), None)?
        .into_iter()
        .filter(|st| st.status != StatementStatus::Superseded)
        .map(|st| s.lib.statement(&st.number).map(|x| x.result))
        .collect::<Result<_, _>>()?;
    Ok(CoverageOutput {
        services,
        comparisons,
        margin,
        recovery_period: until.into(),
        recovery: cov::recovery(&docs),
    })
}
