//! Governance use cases (issue 6), shared by the CLI and the desktop app:
//! due diligence over the library's portfolio, SLO budgets over its
//! evidence, coverage against vendor terms, breach notices.

use crate::app::{UiError, UiResult};
use crate::open_library;
use serde::{Deserialize, Serialize};
use sla_governance::diligence::{self, DiligenceReport, PortfolioContract};
use std::path::Path;

/// What a due-diligence report looks at.
#[derive(Debug, Clone, Deserialize, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct DiligenceRequest {
    /// The last month looked at (YYYY-MM).
    pub until: String,
    /// How many months back from `until`, inclusive.
    pub months: u32,
    /// Contract ids; empty means the whole library.
    pub contracts: Vec<String>,
    /// A contract cap above this percent of fees is flagged.
    pub cap_limit: String,
    /// The uniform uptime, in percent, for the what-if.
    pub what_if_uptime: String,
}

fn bad(code: &str, message: String) -> UiError {
    UiError {
        code: code.into(),
        message,
    }
}

/// The `n` month labels ending with `until`, oldest first.
pub fn months_back(until: &str, n: u32) -> UiResult<Vec<String>> {
    let parsed = until
        .split_once('-')
        .and_then(|(y, m)| Some((y.parse::<i32>().ok()?, m.parse::<i32>().ok()?)))
        .filter(|(_, m)| (1..=12).contains(m) && until.len() == 7);
    let Some((y, m)) = parsed else {
        return Err(bad(
            "invalid_period",
            format!("`{until}` is not a month written YYYY-MM (e.g. 2026-10)"),
        ));
    };
    if n == 0 || n > 120 {
        return Err(bad(
            "invalid_period",
            format!("months: {n} is not between 1 and 120"),
        ));
    }
    let last = y * 12 + m - 1;
    Ok((0..n as i32)
        .rev()
        .map(|k| {
            let i = last - k;
            format!("{:04}-{:02}", i.div_euclid(12), i.rem_euclid(12) + 1)
        })
        .collect())
}

fn decimal(field: &str, s: &str) -> UiResult<rust_decimal::Decimal> {
    sla_engine::num::parse_decimal(s).map_err(|e| bad("invalid_number", format!("{field}: {e}")))
}

pub fn diligence(dir: &Path, req: &DiligenceRequest) -> UiResult<DiligenceReport> {
    let months = months_back(&req.until, req.months)?;
    let cap_limit = decimal("cap limit", &req.cap_limit)?;
    let what_if_uptime = decimal("what-if uptime", &req.what_if_uptime)?;
    let l = open_library(dir)?;
    let ids = if req.contracts.is_empty() {
        l.contract_ids()?
    } else {
        let known = l.contract_ids()?;
        if let Some(missing) = req.contracts.iter().find(|c| !known.contains(c)) {
            return Err(bad(
                "not_found",
                format!("contract `{missing}` is not in the library"),
            ));
        }
        req.contracts.clone()
    };
    let mut terms = Vec::new();
    let mut results = Vec::new();
    for id in &ids {
        terms.push(l.terms_of(id, None)?);
        let mut rs = Vec::new();
        for m in &months {
            // A month the contract was not in force in is not looked at.
            let (first, last) = sla_store::statements::month_dates(m)?;
            if l.version_for_month(id, first, last)?.is_none() {
                continue;
            }
            match l.compute_from_library(id, m) {
                Ok((_, _, doc, _)) => rs.push((m.clone(), doc)),
                Err(sla_store::StoreError::Period(_)) => continue,
                Err(e) => return Err(e.into()),
            }
        }
        results.push(rs);
    }
    let portfolio: Vec<PortfolioContract<'_>> = terms
        .iter()
        .zip(results)
        .map(|(t, r)| PortfolioContract {
            terms: t,
            results: r,
        })
        .collect();
    Ok(diligence::report(
        &portfolio,
        &diligence::Options {
            months,
            cap_limit,
            what_if_uptime,
            slo_services: slo_services(&l)?,
        },
    ))
}

/// Services some stored SLO covers.
fn slo_services(l: &sla_store::Library) -> UiResult<Vec<String>> {
    Ok(l.slos()?.into_iter().map(|s| s.service).collect())
}

use sla_export::pdf::{ReportDoc, ReportTable};

fn table(title: &str, cols: &[(&str, f32, bool)], rows: Vec<Vec<String>>) -> ReportTable {
    ReportTable {
        title: title.into(),
        columns: cols
            .iter()
            .map(|(n, w, num)| (n.to_string(), *w, *num))
            .collect(),
        flagged: vec![false; rows.len()],
        rows,
    }
}

fn opt(s: &Option<String>, none: &str) -> String {
    s.clone().unwrap_or_else(|| none.into())
}

/// The due-diligence report as a document for the PDF and the workbook.
pub fn diligence_doc(r: &DiligenceReport, created_at: i64, author: &str) -> ReportDoc {
    let span = format!(
        "{} to {}",
        r.months.first().cloned().unwrap_or_default(),
        r.months.last().cloned().unwrap_or_default()
    );
    let mut contracts = table(
        "Contracts",
        &[
            ("Contract", 1.3, false),
            ("Counterparty", 1.4, false),
            ("Direction", 1.0, false),
            ("Cur.", 0.6, false),
            ("Fees / month", 1.1, true),
            ("Months", 0.8, true),
            ("Breached", 0.9, true),
            ("Breach %", 0.9, true),
            ("Credits", 1.1, true),
            ("Chronic", 1.8, false),
        ],
        r.contracts
            .iter()
            .map(|c| {
                vec![
                    c.contract.clone(),
                    c.counterparty.clone(),
                    c.direction.clone(),
                    c.currency.clone(),
                    c.monthly_fees.clone(),
                    c.months_evaluated.to_string(),
                    c.months_breached.to_string(),
                    opt(&c.breach_frequency, "-"),
                    c.credits.clone(),
                    c.chronic.clone(),
                ]
            })
            .collect(),
    );
    contracts.flagged = r
        .contracts
        .iter()
        .map(|c| c.chronic.starts_with("met"))
        .collect();
    let mut exposure = table(
        "Exposure left in term",
        &[
            ("Contract", 1.3, false),
            ("Direction", 1.0, false),
            ("Cur.", 0.6, false),
            ("Months left", 1.0, true),
            ("Monthly max", 1.2, true),
            ("Exposure left", 1.3, true),
            ("What-if / month", 1.5, true),
        ],
        r.contracts
            .iter()
            .map(|c| {
                vec![
                    c.contract.clone(),
                    c.direction.clone(),
                    c.currency.clone(),
                    c.months_left
                        .map(|m| m.to_string())
                        .unwrap_or_else(|| "open (12)".into()),
                    opt(&c.monthly_max, "uncapped"),
                    opt(&c.exposure_left, "uncapped"),
                    c.what_if_monthly.clone(),
                ]
            })
            .collect(),
    );
    exposure.flagged = r
        .contracts
        .iter()
        .map(|c| c.exposure_left.is_none())
        .collect();
    let mut totals: Vec<Vec<String>> = r
        .exposure
        .iter()
        .map(|t| {
            let wi = r
                .what_if
                .iter()
                .find(|w| w.currency == t.currency && w.direction == t.direction)
                .map(|w| w.amount.clone())
                .unwrap_or_default();
            vec![
                t.currency.clone(),
                t.direction.clone(),
                t.amount.clone(),
                wi,
            ]
        })
        .collect();
    totals.sort();
    let mut gaps: Vec<Vec<String>> = r
        .without_sla_terms
        .iter()
        .map(|c| vec!["contract without SLA terms".into(), c.clone()])
        .collect();
    gaps.extend(
        r.uncapped
            .iter()
            .map(|c| vec!["exposure without bound".into(), c.clone()]),
    );
    gaps.extend(
        r.services_without_slo
            .iter()
            .map(|s| vec!["service without an SLO".into(), s.clone()]),
    );
    let issued: usize = r
        .contracts
        .iter()
        .filter(|c| c.direction == "customer")
        .count();
    ReportDoc {
        title: "Due diligence: SLA portfolio".into(),
        subtitle: format!("{} contracts  ·  {span}", r.contracts_total),
        author: author.into(),
        created_at,
        facts: vec![
            ("Contracts".into(), r.contracts_total.to_string()),
            (
                "Months looked at".into(),
                format!("{} ({span})", r.months.len()),
            ),
            ("Customer contracts (we owe)".into(), issued.to_string()),
            (
                "Vendor contracts (owed to us)".into(),
                (r.contracts.len() - issued).to_string(),
            ),
            (
                "Chronic breach met".into(),
                r.contracts
                    .iter()
                    .filter(|c| c.chronic.starts_with("met"))
                    .count()
                    .to_string(),
            ),
            ("Unusual terms found".into(), r.unusual.len().to_string()),
            (
                "What-if".into(),
                format!("every service at {} % uptime, per month", r.what_if_uptime),
            ),
            ("Uncapped exposure".into(), r.uncapped.join(", ")),
        ],
        tables: vec![
            table(
                "Credits by month",
                &[
                    ("Month", 1.0, false),
                    ("Cur.", 0.6, false),
                    ("Issued", 1.2, true),
                    ("% of fees", 1.0, true),
                    ("Received", 1.2, true),
                    ("% of fees", 1.0, true),
                ],
                r.monthly
                    .iter()
                    .map(|m| {
                        vec![
                            m.period.clone(),
                            m.currency.clone(),
                            m.issued.clone(),
                            opt(&m.issued_percent, "-"),
                            m.received.clone(),
                            opt(&m.received_percent, "-"),
                        ]
                    })
                    .collect(),
            ),
            table(
                "Totals by currency",
                &[
                    ("Currency", 1.0, false),
                    ("Direction", 1.0, false),
                    ("Exposure left", 1.4, true),
                    ("What-if / month", 1.6, true),
                ],
                totals,
            ),
            contracts,
            exposure,
            table(
                "Unusual terms",
                &[("Contract", 1.0, false), ("Finding", 4.0, false)],
                r.unusual
                    .iter()
                    .map(|f| vec![f.contract.clone(), f.finding.clone()])
                    .collect(),
            ),
            table("Gaps", &[("Kind", 1.5, false), ("Item", 3.0, false)], gaps),
            table(
                "Governing law",
                &[("Law", 3.0, false), ("Contracts", 1.0, true)],
                r.by_governing_law
                    .iter()
                    .map(|(l, n)| vec![l.clone(), n.to_string()])
                    .collect(),
            ),
        ],
        notes: r.notes.clone(),
    }
}

/// Files written for a report.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct ReportFiles {
    pub pdf: String,
    pub xlsx: String,
    pub json: String,
    /// The signer, when the PDF is signed.
    pub signed_by: Option<String>,
}

fn io(path: &Path, e: std::io::Error) -> UiError {
    bad("io", format!("{}: {e}", path.display()))
}

/// Writes a report as JSON, a workbook and a signed PDF into `out` under
/// `stem`, and records it in the audit chain.
pub fn write_report<T: Serialize>(
    dir: &Path,
    doc: &ReportDoc,
    data: &T,
    out: &Path,
    stem: &str,
    action: &str,
) -> UiResult<ReportFiles> {
    let identity = sla_export::Identity::load(dir).map_err(|_| {
        bad(
            "no_identity",
            "no signing identity in this library: create one (Settings, or `sla-ledger identity create`) so the PDF can be signed".into(),
        )
    })?;
    std::fs::create_dir_all(out).map_err(|e| io(out, e))?;
    let ctx = crate::app::ctx(&open_library(dir)?)?;
    let export = |e: sla_export::ExportError| bad("export", e.to_string());
    let unsigned = sla_export::pdf::render_report(doc).map_err(export)?;
    let pdf =
        sla_export::sign::sign_pdf(&unsigned, &identity, ctx.now, &doc.title).map_err(export)?;
    let xlsx = sla_export::xlsx::render_report(doc).map_err(export)?;
    let json = serde_json::to_string_pretty(data).map_err(|e| bad("export", e.to_string()))?;
    let files = [
        (out.join(format!("{stem}.pdf")), pdf),
        (out.join(format!("{stem}.xlsx")), xlsx),
        (out.join(format!("{stem}.json")), json.into_bytes()),
    ];
    for (p, bytes) in &files {
        std::fs::write(p, bytes).map_err(|e| io(p, e))?;
    }
    let mut l = open_library(dir)?;
    l.record(
        &ctx,
        action,
        stem,
        &serde_json::json!({
            "pdf_sha256": sla_store::sha256_hex(&files[0].1),
            "xlsx_sha256": sla_store::sha256_hex(&files[1].1),
            "folder": out.display().to_string(),
        }),
    )?;
    Ok(ReportFiles {
        pdf: files[0].0.display().to_string(),
        xlsx: files[1].0.display().to_string(),
        json: files[2].0.display().to_string(),
        signed_by: Some(identity.subject()),
    })
}

pub fn export_diligence(dir: &Path, req: &DiligenceRequest, out: &Path) -> UiResult<ReportFiles> {
    let r = diligence(dir, req)?;
    let ctx = crate::app::ctx(&open_library(dir)?)?;
    let doc = diligence_doc(&r, ctx.now, &ctx.actor);
    write_report(
        dir,
        &doc,
        &r,
        out,
        &format!("due-diligence-{}", req.until),
        "report.diligence",
    )
}

// ---- Objectives and error budgets ----

use sla_governance::budget::{self, BudgetReport, Evidence, PoolReport};
use sla_governance::slo::{BudgetException, Policy, Slo};
use sla_governance::{openslo, policy};

fn definition(e: sla_governance::DefinitionError) -> UiError {
    bad("invalid_definition", e.to_string())
}

fn read(path: &str) -> UiResult<String> {
    std::fs::read_to_string(path)
        .map_err(|e| bad("file_unreadable", format!("cannot read {path}: {e}")))
}

/// Imports OpenSLO YAML into the library: each objective changed or new
/// becomes a new version. Returns (name, version, changed).
pub fn slo_import(dir: &Path, file: &str) -> UiResult<Vec<(String, i64, bool)>> {
    let slos = openslo::import(&read(file)?).map_err(|e| {
        let mut e = e;
        e.what = format!("OpenSLO YAML in {file}");
        definition(e)
    })?;
    let items: Vec<(String, String, String)> = slos
        .iter()
        .map(|s| {
            (
                s.name.clone(),
                s.service.clone(),
                openslo::export(std::slice::from_ref(s)),
            )
        })
        .collect();
    let mut l = open_library(dir)?;
    let ctx = crate::app::ctx(&open_library(dir)?)?;
    Ok(l.add_slos(&ctx, file, &items)?)
}

fn stored_slos(l: &sla_store::Library) -> UiResult<Vec<Slo>> {
    let mut out = Vec::new();
    for s in l.slos()? {
        out.extend(openslo::import(&s.yaml).map_err(definition)?);
    }
    Ok(out)
}

/// Every stored objective as one OpenSLO YAML text.
pub fn slo_export(dir: &Path) -> UiResult<String> {
    Ok(openslo::export(&stored_slos(&open_library(dir)?)?))
}

pub fn slo_policy(dir: &Path, file: &str) -> UiResult<usize> {
    let text = read(file)?;
    let parsed = policy::parse(&text).map_err(definition)?;
    let mut l = open_library(dir)?;
    let known: Vec<String> = l.slos()?.into_iter().map(|s| s.name).collect();
    if let Some(unknown) = parsed.keys().find(|k| !known.contains(k)) {
        return Err(bad(
            "not_found",
            format!("{file}: objective `{unknown}` is not in the library: import its OpenSLO YAML first"),
        ));
    }
    let ctx = crate::app::ctx(&open_library(dir)?)?;
    l.set_budget_policy(&ctx, file, &text)?;
    Ok(parsed.len())
}

pub fn slo_exception(
    dir: &Path,
    slo: &str,
    start: &str,
    end: &str,
    reason: &str,
    approver: &str,
) -> UiResult<i64> {
    let t = |field: &str, s: &str| {
        sla_engine::time::parse_instant(s, chrono_tz::UTC)
            .map_err(|e| bad("invalid_date", format!("{field}: {e}")))
    };
    let (a, b) = (t("start", start)?, t("end", end)?);
    let mut l = open_library(dir)?;
    let ctx = crate::app::ctx(&open_library(dir)?)?;
    Ok(l.add_budget_exception(&ctx, slo, a, b, reason, approver)?)
}

pub fn requests_import(
    dir: &Path,
    file: &str,
    timezone: &str,
    source: &str,
) -> UiResult<Option<i64>> {
    let tz: chrono_tz::Tz = timezone.parse().map_err(|_| {
        bad(
            "invalid_argument",
            format!("`{timezone}` is not an IANA time zone"),
        )
    })?;
    let rows = sla_import::read_requests(file, tz).map_err(crate::AppError::from)?;
    let mut l = open_library(dir)?;
    let ctx = crate::app::ctx(&open_library(dir)?)?;
    let stored: Vec<sla_store::governance::RequestRow<'_>> = rows
        .iter()
        .map(|r| sla_store::governance::RequestRow {
            sheet: &r.sheet,
            row: r.row,
            service: &r.service,
            start: r.start,
            end: r.end,
            good: r.good,
            total: r.total,
        })
        .collect();
    Ok(l.import_requests(&ctx, file, source, &stored)?)
}

/// Budgets of every stored objective now, the pooled groups, and the
/// threshold history (thresholds newly crossed are recorded and audited).
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct SloStatus {
    pub now: String,
    pub budgets: Vec<BudgetReport>,
    pub pools: Vec<PoolReport>,
    pub history: Vec<sla_store::governance::ThresholdEvent>,
    pub exceptions: Vec<sla_store::governance::ExceptionInfo>,
}

/// The evidence for one objective from the library: the service's outage
/// rows (an open one runs to `now`) and its request counts.
fn evidence(l: &sla_store::Library, slo: &Slo, now: i64) -> UiResult<Evidence> {
    Ok(Evidence {
        outages: l
            .outages_for_service(&slo.service)?
            .into_iter()
            .map(|(s, e, _)| (s, e.unwrap_or(now).min(now)))
            .filter(|(s, e)| s < e)
            .collect(),
        requests: l
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

fn policies(l: &sla_store::Library) -> UiResult<std::collections::BTreeMap<String, Policy>> {
    match l.budget_policy()? {
        Some(t) => policy::parse(&t).map_err(definition),
        None => Ok(Default::default()),
    }
}

pub fn slo_status(dir: &Path) -> UiResult<SloStatus> {
    let mut l = open_library(dir)?;
    let ctx = crate::app::ctx(&open_library(dir)?)?;
    let slos = stored_slos(&l)?;
    let pols = policies(&l)?;
    let mut budgets = Vec::new();
    for s in &slos {
        let mut p = pols.get(&s.name).cloned().unwrap_or_default();
        p.exceptions = l
            .exception_intervals(&s.name)?
            .into_iter()
            .map(|(start, end, reason, approver)| BudgetException {
                start,
                end,
                reason,
                approver,
            })
            .collect();
        let ev = evidence(&l, s, ctx.now)?;
        let r = budget::evaluate(s, &p, &ev, ctx.now);
        for th in r.thresholds.iter().filter(|t| t.triggered) {
            l.record_threshold(
                &ctx,
                &sla_store::governance::ThresholdEvent {
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
        budgets.push(r);
    }
    let mut groups: std::collections::BTreeMap<String, Vec<&BudgetReport>> = Default::default();
    for b in &budgets {
        if let Some(g) = &b.group {
            groups.entry(g.clone()).or_default().push(b);
        }
    }
    let pools = groups
        .iter()
        .map(|(g, m)| budget::pool(g, m).map_err(|e| bad("invalid_definition", e.to_string())))
        .collect::<UiResult<Vec<_>>>()?;
    Ok(SloStatus {
        now: sla_engine::time::fmt_instant(ctx.now),
        budgets,
        pools,
        history: l.threshold_history()?,
        exceptions: l.budget_exceptions(None)?,
    })
}

// ---- Vendor back-to-back coverage ----

use sla_governance::coverage::{
    self as cov, CoverageReport, MarginWatch, Node, RecoveryRow, SourceComparison,
};

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
fn vendor_target(
    l: &sla_store::Library,
    contract: &str,
    sla: &str,
) -> UiResult<Option<rust_decimal::Decimal>> {
    let t = l.terms_of(contract, None)?;
    Ok(t.slas
        .iter()
        .find(|s| s.id == sla)
        .and_then(|s| match &s.term {
            sla_engine::terms::SlaTerm::Availability(a) => Some(a.target),
            _ => None,
        }))
}

fn node(
    l: &sla_store::Library,
    v: &toml::Value,
    path: &str,
    problems: &mut Vec<String>,
) -> Option<Node> {
    if let Some(group) = v.get("redundant").and_then(|g| g.as_array()) {
        let kids: Vec<Option<Node>> = group
            .iter()
            .enumerate()
            .map(|(i, x)| node(l, x, &format!("{path}.redundant[{i}]"), problems))
            .collect();
        return kids
            .into_iter()
            .collect::<Option<Vec<_>>>()
            .map(Node::Redundant);
    }
    if let Some(series) = v.get("series").and_then(|g| g.as_array()) {
        let kids: Vec<Option<Node>> = series
            .iter()
            .enumerate()
            .map(|(i, x)| node(l, x, &format!("{path}.series[{i}]"), problems))
            .collect();
        return kids
            .into_iter()
            .collect::<Option<Vec<_>>>()
            .map(Node::Series);
    }
    let (Some(c), Some(s)) = (
        v.get("contract").and_then(|x| x.as_str()),
        v.get("sla").and_then(|x| x.as_str()),
    ) else {
        problems.push(format!(
            "{path}: give `contract` and `sla`, or a `redundant` or `series` list"
        ));
        return None;
    };
    match vendor_target(l, c, s) {
        Ok(target) => Some(Node::Vendor {
            name: format!("{c}/{s}"),
            target,
        }),
        Err(e) => {
            problems.push(format!("{path}: {}", e.message));
            None
        }
    }
}

/// `map`: the dependency map (TOML, see docs/governance.md). `until`: the
/// month whose statements give the recovery ratio; margin watch looks at
/// the `months` months up to it.
pub fn coverage(dir: &Path, map: &str, until: &str, months: u32) -> UiResult<CoverageOutput> {
    let text = read(map)?;
    let doc: toml::Table = text.parse().map_err(|e: toml::de::Error| {
        bad(
            "invalid_definition",
            format!("{map}: not TOML: {}", e.message()),
        )
    })?;
    let l = open_library(dir)?;
    let mut problems = Vec::new();
    let mut services = Vec::new();
    let empty = Vec::new();
    for (i, s) in doc
        .get("service")
        .and_then(|x| x.as_array())
        .unwrap_or(&empty)
        .iter()
        .enumerate()
    {
        let p = format!("service[{i}]");
        let id = s
            .get("id")
            .and_then(|x| x.as_str())
            .unwrap_or_default()
            .to_string();
        if id.is_empty() {
            problems.push(format!("{p}.id: missing"));
        }
        let promised = match (
            s.get("promised").and_then(|x| x.as_str()),
            s.get("promised_by"),
        ) {
            (Some(t), _) => sla_engine::num::parse_decimal(t)
                .map_err(|e| problems.push(format!("{p}.promised: {e}")))
                .ok(),
            (None, Some(by)) => {
                let c = by
                    .get("contract")
                    .and_then(|x| x.as_str())
                    .unwrap_or_default();
                let sla = by.get("sla").and_then(|x| x.as_str()).unwrap_or_default();
                match vendor_target(&l, c, sla) {
                    Ok(Some(t)) => Some(t),
                    Ok(None) => {
                        problems.push(format!(
                            "{p}.promised_by: {c} has no availability term `{sla}`"
                        ));
                        None
                    }
                    Err(e) => {
                        problems.push(format!("{p}.promised_by: {}", e.message));
                        None
                    }
                }
            }
            (None, None) => {
                problems.push(format!(
                    "{p}: give `promised` (percent) or `promised_by` (a customer contract's term)"
                ));
                None
            }
        };
        let deps: Vec<Option<Node>> = s
            .get("depends")
            .and_then(|x| x.as_array())
            .unwrap_or(&empty)
            .iter()
            .enumerate()
            .map(|(j, d)| node(&l, d, &format!("{p}.depends[{j}]"), &mut problems))
            .collect();
        if let (Some(promised), Some(deps)) =
            (promised, deps.into_iter().collect::<Option<Vec<_>>>())
        {
            services.push(cov::coverage(&id, promised, &deps));
        }
    }
    let mut comparisons = Vec::new();
    for (i, c) in doc
        .get("compare")
        .and_then(|x| x.as_array())
        .unwrap_or(&empty)
        .iter()
        .enumerate()
    {
        let p = format!("compare[{i}]");
        let get = |k: &str| c.get(k).and_then(|x| x.as_str()).map(str::to_string);
        let (Some(service), Some(a), Some(b), Some(period)) =
            (get("service"), get("a"), get("b"), get("period"))
        else {
            problems.push(format!(
                "{p}: give service, a, b (source labels) and period"
            ));
            continue;
        };
        let Ok((first, last)) = sla_store::statements::month_dates(&period) else {
            problems.push(format!("{p}.period: `{period}` is not YYYY-MM"));
            continue;
        };
        // The month in UTC: sources are compared instant by instant.
        let from = sla_engine::time::local_midnight(chrono_tz::UTC, first);
        let to = sla_engine::time::local_midnight(chrono_tz::UTC, last + chrono::Duration::days(1));
        let rows = l.outages_for_service(&service)?;
        let pick = |label: &str| -> Vec<(i64, i64)> {
            rows.iter()
                .filter(|(_, _, src)| src == label)
                .map(|(s, e, _)| ((*s).max(from), e.unwrap_or(to).min(to)))
                .filter(|(s, e)| s < e)
                .collect()
        };
        comparisons.push(cov::compare_sources(&a, &pick(&a), &b, &pick(&b)));
    }
    if !problems.is_empty() {
        return Err(bad(
            "invalid_definition",
            format!(
                "{map}: {} problem(s)\n  {}",
                problems.len(),
                problems.join("\n  ")
            ),
        ));
    }
    // Margin watch over vendor contracts' availability terms.
    let (points, n) = match doc.get("margin") {
        Some(m) => (
            m.get("points")
                .and_then(|x| x.as_str())
                .unwrap_or("0.05")
                .to_string(),
            m.get("months").and_then(|x| x.as_integer()).unwrap_or(3) as u32,
        ),
        None => ("0.05".into(), 3),
    };
    let margin_points = decimal("margin.points", &points)?;
    let window = months_back(until, months.max(n))?;
    let mut margin = Vec::new();
    for id in l.contract_ids()? {
        let t = l.terms_of(&id, None)?;
        if t.contract.direction != Some(sla_engine::terms::Direction::Vendor) {
            continue;
        }
        let mut hist: std::collections::BTreeMap<
            String,
            Vec<(String, rust_decimal::Decimal, rust_decimal::Decimal)>,
        > = Default::default();
        for m in &window {
            let (first, last) = sla_store::statements::month_dates(m)?;
            if l.version_for_month(&id, first, last)?.is_none() {
                continue;
            }
            let Ok((_, _, doc, _)) = l.compute_from_library(&id, m) else {
                continue;
            };
            for line in &doc.lines {
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
            margin.extend(cov::margin_watch(&id, &sla, &h, margin_points, n as usize));
        }
    }
    // Recovery: the month's current statements (final, else draft).
    let docs: Vec<sla_engine::ResultDoc> = l
        .list_statements(Some(until), None)?
        .into_iter()
        .filter(|s| s.status != "superseded")
        .map(|s| l.statement(&s.number).map(|x| x.result))
        .collect::<Result<_, _>>()?;
    Ok(CoverageOutput {
        services,
        comparisons,
        margin,
        recovery_period: until.into(),
        recovery: cov::recovery(&docs),
    })
}

// ---- Breach notices ----

use sla_governance::notices;

#[derive(Debug, Clone, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct NoticeFiles {
    pub statement: String,
    pub sla: String,
    pub files: Vec<String>,
}

fn template(dir: Option<&Path>, name: &str, default: &str) -> UiResult<String> {
    let Some(d) = dir else {
        return Ok(default.to_string());
    };
    let p = d.join(format!("{name}.txt"));
    if !p.exists() {
        return Ok(default.to_string());
    }
    let t = std::fs::read_to_string(&p).map_err(|e| io(&p, e))?;
    let problems = notices::check(&p.display().to_string(), &t);
    if problems.is_empty() {
        Ok(t)
    } else {
        Err(bad("invalid_template", problems.join("\n")))
    }
}

fn safe(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '.' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// The notice templates a library uses: `LIBRARY/templates/`, edited in
/// the app's Settings, else the built-in ones.
#[derive(Debug, Clone, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct NoticeTemplates {
    pub legal: String,
    pub customer_success: String,
    /// The placeholders a template may use, for the editor.
    pub placeholders: Vec<String>,
}

fn library_templates(dir: &Path) -> std::path::PathBuf {
    dir.join("templates")
}

pub fn notice_templates(dir: &Path) -> UiResult<NoticeTemplates> {
    let t = library_templates(dir);
    Ok(NoticeTemplates {
        legal: template(Some(&t), "legal", notices::LEGAL)?,
        customer_success: template(Some(&t), "customer-success", notices::CUSTOMER_SUCCESS)?,
        placeholders: notices::PLACEHOLDERS
            .iter()
            .map(|p| format!("{{{p}}}"))
            .collect(),
    })
}

/// Checks and stores the library's templates (both or neither), with an
/// audit entry carrying their SHA-256.
pub fn save_notice_templates(dir: &Path, t: &NoticeTemplates) -> UiResult<()> {
    let mut problems = notices::check("legal template", &t.legal);
    problems.extend(notices::check(
        "customer success template",
        &t.customer_success,
    ));
    if !problems.is_empty() {
        return Err(bad("invalid_template", problems.join("\n")));
    }
    let folder = library_templates(dir);
    std::fs::create_dir_all(&folder).map_err(|e| io(&folder, e))?;
    for (name, text) in [
        ("legal", &t.legal),
        ("customer-success", &t.customer_success),
    ] {
        let p = folder.join(format!("{name}.txt"));
        std::fs::write(&p, text).map_err(|e| io(&p, e))?;
    }
    let mut l = open_library(dir)?;
    let ctx = crate::app::ctx(&open_library(dir)?)?;
    l.record(
        &ctx,
        "notice.templates",
        "templates",
        &serde_json::json!({
            "legal_sha256": sla_store::sha256_hex(t.legal.as_bytes()),
            "customer_success_sha256": sla_store::sha256_hex(t.customer_success.as_bytes()),
        }),
    )?;
    Ok(())
}

/// Drafts notices for every breached line of the month's current
/// statements into `out`; templates come from `templates` (files
/// `legal.txt`, `customer-success.txt`), else the library's own, else the
/// built-in ones.
pub fn write_notices(
    dir: &Path,
    period: &str,
    out: &Path,
    templates: Option<&Path>,
) -> UiResult<Vec<NoticeFiles>> {
    let own = library_templates(dir);
    let templates = templates.or(Some(own.as_path()));
    let legal = template(templates, "legal", notices::LEGAL)?;
    let cs = template(templates, "customer-success", notices::CUSTOMER_SUCCESS)?;
    let mut l = open_library(dir)?;
    let ctx = crate::app::ctx(&open_library(dir)?)?;
    std::fs::create_dir_all(out).map_err(|e| io(out, e))?;
    let mut written = Vec::new();
    for s in l.list_statements(Some(period), None)? {
        if s.status == "superseded" || !s.breached {
            continue;
        }
        let st = l.statement(&s.number)?;
        let terms = l.terms_of(&s.contract, None)?;
        let r = &st.result;
        let places = terms.credit.rounding.places;
        let mut files = Vec::new();
        for line in r.lines.iter().filter(|x| x.breached()) {
            let (sla, service, measured, target) = match line {
                sla_engine::Line::Availability(a) => (
                    a.sla.clone(),
                    a.service.clone(),
                    format!("{} % availability", a.uptime),
                    format!("{} %", a.target),
                ),
                sla_engine::Line::Incident(i) => (
                    i.sla.clone(),
                    i.service.clone(),
                    format!("{} {} incident(s) over the target", i.breaches, i.severity),
                    format!(
                        "{} within {}",
                        i.kind,
                        sla_engine::duration::fmt_duration(i.target_seconds)
                    ),
                ),
            };
            let mut f = std::collections::BTreeMap::new();
            f.insert("contract", s.contract.clone());
            f.insert(
                "counterparty",
                terms
                    .contract
                    .counterparty
                    .clone()
                    .unwrap_or_else(|| "the counterparty".into()),
            );
            f.insert(
                "title",
                terms
                    .contract
                    .title
                    .clone()
                    .unwrap_or_else(|| s.contract.clone()),
            );
            f.insert(
                "direction",
                match r.direction.as_deref() {
                    Some("vendor") => "owed to us by the vendor".to_string(),
                    Some("customer") => "owed by us to the customer".to_string(),
                    _ => "direction not set in the terms".to_string(),
                },
            );
            f.insert("period", r.period.label.clone());
            f.insert("sla", sla.clone());
            f.insert("service", service);
            f.insert("measured", measured);
            f.insert("target", target);
            f.insert(
                "credit",
                sla_engine::num::group_thousands(&sla_engine::num::pad_places(
                    line.amount(),
                    places,
                )),
            );
            f.insert("currency", r.currency.clone());
            f.insert(
                "claim_deadline",
                r.claim_deadline
                    .clone()
                    .unwrap_or_else(|| "no deadline in the terms".into()),
            );
            f.insert("statement", s.number.clone());
            for (who, t, to) in [
                ("legal", &legal, "Legal".to_string()),
                ("customer-success", &cs, f["counterparty"].clone()),
            ] {
                let (subject, body) = notices::render(t, &f);
                let stem = format!("{}_{}_{who}", safe(&s.number), safe(&sla));
                let txt = out.join(format!("{stem}.txt"));
                let eml = out.join(format!("{stem}.eml"));
                let txt_body = format!("Subject: {subject}\n\n{body}");
                std::fs::write(&txt, &txt_body).map_err(|e| io(&txt, e))?;
                let m = notices::eml(&to, &subject, &body, ctx.now, &s.number);
                std::fs::write(&eml, &m).map_err(|e| io(&eml, e))?;
                files.push((
                    txt.display().to_string(),
                    sla_store::sha256_hex(txt_body.as_bytes()),
                ));
                files.push((
                    eml.display().to_string(),
                    sla_store::sha256_hex(m.as_bytes()),
                ));
            }
            written.push(NoticeFiles {
                statement: s.number.clone(),
                sla,
                files: files
                    .iter()
                    .rev()
                    .take(4)
                    .rev()
                    .map(|(p, _)| p.clone())
                    .collect(),
            });
        }
        l.record(
            &ctx,
            "notice.draft",
            &s.number,
            &serde_json::json!({ "files": files.iter().map(|(p, h)| serde_json::json!({ "file": p, "sha256": h })).collect::<Vec<_>>(), "sent": false }),
        )?;
    }
    Ok(written)
}

// ---- Two methods; executive summary ----

/// The SLA and SLO computations of one availability term in one month.
pub fn two_methods(
    dir: &Path,
    contract: &str,
    sla: &str,
    period: &str,
) -> UiResult<sla_governance::methods::TwoMethods> {
    let l = open_library(dir)?;
    let (_, _, doc, _) = l.compute_from_library(contract, period)?;
    let line = doc
        .lines
        .iter()
        .find_map(|x| match x {
            sla_engine::Line::Availability(a) if a.sla == sla => Some(a),
            _ => None,
        })
        .ok_or_else(|| {
            bad(
                "not_found",
                format!("contract `{contract}` has no availability term `{sla}` in {period}"),
            )
        })?;
    Ok(sla_governance::methods::two_methods(line, &doc.period))
}

/// One row of the executive summary: no incident texts, references or
/// monitor names, only whether each contract met its terms and the credit.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct ExecutiveRow {
    pub contract: String,
    pub counterparty: String,
    pub direction: String,
    pub period: String,
    pub status: String,
    pub compliant: bool,
    pub breached_terms: u32,
    pub currency: String,
    pub credit: String,
}

pub fn executive(dir: &Path, months: &[String]) -> UiResult<Vec<ExecutiveRow>> {
    let l = open_library(dir)?;
    let mut rows = Vec::new();
    for s in l.list_statements(None, None)? {
        if s.status == "superseded" || (!months.is_empty() && !months.contains(&s.period)) {
            continue;
        }
        let st = l.statement(&s.number)?;
        let t = l.terms_of(&s.contract, None)?;
        rows.push(ExecutiveRow {
            counterparty: t.contract.counterparty.clone().unwrap_or_default(),
            direction: st
                .result
                .direction
                .clone()
                .unwrap_or_else(|| "not set".into()),
            period: s.period.clone(),
            status: s.status.clone(),
            compliant: !s.breached,
            breached_terms: st.result.lines.iter().filter(|x| x.breached()).count() as u32,
            currency: s.currency.clone(),
            credit: sla_engine::num::pad_places(&s.total, t.credit.rounding.places),
            contract: s.contract,
        });
    }
    rows.sort_by(|a, b| (&a.contract, &a.period).cmp(&(&b.contract, &b.period)));
    Ok(rows)
}

pub fn export_executive(dir: &Path, until: &str, months: u32, out: &Path) -> UiResult<ReportFiles> {
    let window = months_back(until, months)?;
    let rows = executive(dir, &window)?;
    let ctx = crate::app::ctx(&open_library(dir)?)?;
    let compliant = rows.iter().filter(|r| r.compliant).count();
    let mut t = table(
        "Compliance by contract and month",
        &[
            ("Contract", 1.4, false),
            ("Counterparty", 1.6, false),
            ("Direction", 1.0, false),
            ("Month", 0.9, false),
            ("Status", 0.8, false),
            ("Met terms", 1.0, false),
            ("Breaches", 0.9, true),
            ("Cur.", 0.6, false),
            ("Credit", 1.1, true),
        ],
        rows.iter()
            .map(|r| {
                vec![
                    r.contract.clone(),
                    r.counterparty.clone(),
                    r.direction.clone(),
                    r.period.clone(),
                    r.status.clone(),
                    if r.compliant { "yes" } else { "no" }.into(),
                    r.breached_terms.to_string(),
                    r.currency.clone(),
                    r.credit.clone(),
                ]
            })
            .collect(),
    );
    t.flagged = rows.iter().map(|r| !r.compliant).collect();
    let doc = ReportDoc {
        title: "SLA compliance summary".into(),
        subtitle: format!("{} to {}", window[0], until),
        author: ctx.actor.clone(),
        created_at: ctx.now,
        facts: vec![
            ("Contract-months".into(), rows.len().to_string()),
            ("Met their terms".into(), compliant.to_string()),
            ("Breached".into(), (rows.len() - compliant).to_string()),
        ],
        tables: vec![t],
        notes: vec!["For executives: operational detail (incident texts, references, monitor names) is left out; the signed statements hold it.".into()],
    };
    write_report(
        dir,
        &doc,
        &rows,
        out,
        &format!("compliance-summary-{until}"),
        "report.executive",
    )
}

// ---- For the desktop app: defaults for where files go ----

/// Writes every objective as OpenSLO YAML to `path`.
pub fn slo_export_to(dir: &Path, path: &str) -> UiResult<String> {
    let y = slo_export(dir)?;
    std::fs::write(path, y).map_err(|e| io(Path::new(path), e))?;
    Ok(path.into())
}

/// `out`, or the library's `reports/` folder.
pub fn reports_dir(dir: &Path, out: Option<&str>) -> std::path::PathBuf {
    out.filter(|o| !o.trim().is_empty())
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| dir.join("reports"))
}

pub fn app_export_diligence(
    dir: &Path,
    req: &DiligenceRequest,
    out: Option<&str>,
) -> UiResult<ReportFiles> {
    export_diligence(dir, req, &reports_dir(dir, out))
}

pub fn app_export_executive(
    dir: &Path,
    until: &str,
    months: u32,
    out: Option<&str>,
) -> UiResult<ReportFiles> {
    export_executive(dir, until, months, &reports_dir(dir, out))
}

/// Drafts into `out`, or the library's `notices/PERIOD` folder.
pub fn app_notices(dir: &Path, period: &str, out: Option<&str>) -> UiResult<Vec<NoticeFiles>> {
    let out = out
        .filter(|o| !o.trim().is_empty())
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| dir.join("notices").join(period));
    write_notices(dir, period, &out, None)
}
