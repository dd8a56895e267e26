//! Service level objectives (OpenSLO v1) and their error budgets.

use super::{definition, read, write};
use crate::usecases::Session;
use crate::{AppError, Code};
use serde::Serialize;
use sla_governance::budget::{self, BudgetReport, Evidence, PoolReport};
use sla_governance::slo::{BudgetException, Policy, Slo, Window};
use sla_governance::{openslo, policy};
use sla_store::governance::{ExceptionInfo, RequestRow, ThresholdEvent};
use std::collections::BTreeMap;
use std::path::Path;

/// Imports OpenSLO YAML into the library: each objective changed or new
/// becomes a new version. Returns (name, version, changed).
pub fn import(s: &mut Session, file: &str) -> Result<Vec<(String, i64, bool)>, AppError> {
    // The size is checked before the file is read into memory.
    if std::fs::metadata(file).is_ok_and(|m| m.len() > openslo::MAX_BYTES as u64) {
        return Err(AppError::invalid(
            Code::Definition,
            format!(
                "{file}: larger than {} MiB: split the objectives over several files",
                openslo::MAX_BYTES >> 20
            ),
        ));
    }
    let slos = openslo::import(&read(file)?).map_err(|mut e| {
        e.what = format!("OpenSLO YAML in {file}");
        definition(e)
    })?;
    let items: Vec<(String, String, String)> = slos
        .iter()
        .map(|x| {
            (
                x.name.clone(),
                x.service.clone(),
                openslo::export(std::slice::from_ref(x)),
            )
        })
        .collect();
    Ok(s.lib.add_slos(&s.ctx, file, &items)?)
}

fn stored(s: &Session) -> Result<Vec<Slo>, AppError> {
    let mut out = Vec::new();
    for x in s.lib.slos()? {
        out.extend(openslo::import(&x.yaml).map_err(definition)?);
    }
    Ok(out)
}

/// Every stored objective as one OpenSLO YAML text.
pub fn export(s: &Session) -> Result<String, AppError> {
    Ok(openslo::export(&stored(s)?))
}

/// Every objective as OpenSLO YAML written to `path`.
pub fn export_to(s: &Session, path: &str) -> Result<String, AppError> {
    write(Path::new(path), export(s)?.as_bytes())?;
    Ok(path.into())
}

/// Sets the error-budget policy; returns how many objectives it covers.
pub fn set_policy(s: &mut Session, file: &str) -> Result<usize, AppError> {
    let text = read(file)?;
    let parsed = policy::parse(&text).map_err(definition)?;
    let known: Vec<String> = s.lib.slos()?.into_iter().map(|x| x.name).collect();
    if let Some(unknown) = parsed.keys().find(|k| !known.contains(k)) {
        return Err(AppError::invalid(
            Code::NotFound,
            format!("{file}: objective `{unknown}` is not in the library: import its OpenSLO YAML first"),
        ));
    }
    s.lib.set_budget_policy(&s.ctx, file, &text)?;
    Ok(parsed.len())
}

/// An approved exception: bad time in [start, end) stops consuming the
/// objective's budget.
pub struct Exception<'a> {
    pub slo: &'a str,
    pub start: &'a str,
    pub end: &'a str,
    pub reason: &'a str,
    pub approver: &'a str,
}

/// Start and end are read as written when they carry an offset (`Z`,
/// `+01:00`); local times without one are read in the objective's zone
/// ([`zone_of`]), and a time that zone skips or repeats is refused with
/// both readings named.
pub fn add_exception(s: &mut Session, e: &Exception<'_>) -> Result<i64, AppError> {
    let slo = stored(s)?
        .into_iter()
        .find(|x| x.name == e.slo)
        .ok_or_else(|| {
            AppError::invalid(
                Code::NotFound,
                format!("objective `{}` is not in the library", e.slo),
            )
        })?;
    let tz = zone_of(s, &slo)?;
    let t = |field: &str, v: &str| {
        sla_engine::time::parse_instant(v, tz)
            .map_err(|err| AppError::invalid(Code::Value, format!("{field} (read in {tz}): {err}")))
    };
    let (a, b) = (t("start", e.start)?, t("end", e.end)?);
    Ok(s.lib
        .add_budget_exception(&s.ctx, e.slo, a, b, e.reason, e.approver)?)
}

/// The zone people read an objective's times in (issue 16): a calendar
/// window's own `timeZone`; for a rolling window, the zone of the contracts
/// whose terms measure its service when they all agree (the SRE lead and
/// the contract then speak of the same hours); otherwise UTC, which the
/// screen then says.
pub fn zone_of(s: &Session, slo: &Slo) -> Result<chrono_tz::Tz, AppError> {
    if let Window::Calendar { tz, .. } = slo.window {
        return Ok(tz);
    }
    let mut zones = std::collections::BTreeSet::new();
    for id in s.lib.contract_ids()? {
        let t = s.lib.terms_of(&id, None)?;
        if t.slas.iter().any(|x| x.service == slo.service) {
            zones.insert(t.contract.timezone.name().to_string());
        }
    }
    Ok(match (zones.len(), zones.first()) {
        (1, Some(z)) => z.parse().unwrap_or(chrono_tz::UTC),
        _ => chrono_tz::UTC,
    })
}

/// Imports a requests sheet (service, start, end, good, total); naive
/// times are read in `timezone`. `None` when the file was imported before.
pub fn import_requests(
    s: &mut Session,
    file: &str,
    timezone: &str,
    source: &str,
) -> Result<Option<i64>, AppError> {
    let tz: chrono_tz::Tz = timezone.parse().map_err(|_| {
        AppError::invalid(
            Code::Value,
            format!("`{timezone}` is not an IANA time zone"),
        )
    })?;
    let rows = sla_import::read_requests(file, tz)?;
    let stored: Vec<RequestRow<'_>> = rows
        .iter()
        .map(|r| RequestRow {
            sheet: &r.sheet,
            row: r.row,
            service: &r.service,
            start: r.start,
            end: r.end,
            good: r.good,
            total: r.total,
        })
        .collect();
    Ok(s.lib.import_requests(&s.ctx, file, source, &stored)?)
}

/// Budgets of every stored objective now, the pooled groups, and the
/// threshold history (thresholds newly crossed are recorded and audited).
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct SloStatus {
    pub now: String,
    pub budgets: Vec<BudgetReport>,
    pub pools: Vec<PoolReport>,
    pub history: Vec<ThresholdEvent>,
    pub exceptions: Vec<ExceptionInfo>,
    /// Each objective's zone for people ([`zone_of`]): its times on screen
    /// and the exception form's local times use it.
    pub zones: BTreeMap<String, String>,
}

/// The evidence for one objective from the library: the service's outage
/// rows (an open one runs to `now`) and its request counts.
fn evidence(s: &Session, slo: &Slo) -> Result<Evidence, AppError> {
    let now = s.ctx.now;
    Ok(Evidence {
        outages: s
            .lib
            .outages_for_service(&slo.service)?
            .into_iter()
            .map(|(a, b, _)| (a, b.unwrap_or(now).min(now)))
            .filter(|(a, b)| a < b)
            .collect(),
        requests: s
            .lib
            .requests_for(&slo.service)?
            .into_iter()
            .map(|(start, end, good, total, origin)| budget::RequestRow {
                service: slo.service.clone(),
                start,
                end,
                good,
                total,
                origin,
            })
            .collect(),
    })
}

fn policies(s: &Session) -> Result<BTreeMap<String, Policy>, AppError> {
    match s.lib.budget_policy()? {
        Some(t) => policy::parse(&t).map_err(definition),
        None => Ok(Default::default()),
    }
}

/// One objective's budget now, with its policy and approved exceptions;
/// thresholds it crosses are recorded.
fn budget_of(
    s: &mut Session,
    slo: &Slo,
    pols: &BTreeMap<String, Policy>,
) -> Result<BudgetReport, AppError> {
    let mut p = pols.get(&slo.name).cloned().unwrap_or_default();
    p.exceptions = s
        .lib
        .exception_intervals(&slo.name)?
        .into_iter()
        .map(|(start, end, reason, approver)| BudgetException {
            start,
            end,
            reason,
            approver,
        })
        .collect();
    let ev = evidence(s, slo)?;
    let r = budget::evaluate(slo, &p, &ev, s.ctx.now);
    for th in r.thresholds.iter().filter(|t| t.triggered) {
        s.lib.record_threshold(
            &s.ctx,
            &ThresholdEvent {
                slo: r.slo.clone(),
                window_start: r.window_start.clone(),
                consumed_percent: th.consumed_percent.clone(),
                action: th.action.clone(),
                owner: th.owner.clone(),
                since: th.since.clone(),
                recorded_at: String::new(),
            },
        )?;
    }
    Ok(r)
}

pub fn status(s: &mut Session) -> Result<SloStatus, AppError> {
    let slos = stored(s)?;
    let pols = policies(s)?;
    let budgets = slos
        .iter()
        .map(|x| budget_of(s, x, &pols))
        .collect::<Result<Vec<_>, _>>()?;
    let mut groups: BTreeMap<String, Vec<&BudgetReport>> = Default::default();
    for b in &budgets {
        if let Some(g) = &b.group {
            groups.entry(g.clone()).or_default().push(b);
        }
    }
    let pools = groups
        .iter()
        .map(|(g, m)| {
            budget::pool(g, m).map_err(|e| AppError::invalid(Code::Definition, e.to_string()))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let zones = slos
        .iter()
        .map(|x| Ok((x.name.clone(), zone_of(s, x)?.name().to_string())))
        .collect::<Result<BTreeMap<_, _>, AppError>>()?;
    Ok(SloStatus {
        now: sla_engine::time::fmt_instant(s.ctx.now),
        zones,
        budgets,
        pools,
        history: s.lib.threshold_history()?,
        exceptions: s.lib.budget_exceptions(None)?,
    })
}
