//! Contracts: add, list, read, amend (from a terms file or the terms form),
//! export, compare versions, attach documents.

use super::terms_form::{self, FieldEdit, FieldProblem, TermsCheck, TermsDraft};
use super::Session;
use crate::{AppError, Code};
use serde::{Deserialize, Serialize};
use sla_engine::Terms;
use sla_store::claims::today;
use sla_store::contracts::{ContractFilter, ContractSummary, DocumentInfo, VersionInfo};
use sla_store::evidence::ImportInfo;

/// Adds a contract (version 1) from its terms file with its documents, all
/// or nothing. Returns the contract id.
pub fn add(s: &mut Session, terms: &str, documents: &[String]) -> Result<String, AppError> {
    let id = s
        .lib
        .add_contract_with_documents(&s.ctx, terms, documents)?;
    for file in documents {
        let bytes = std::fs::read(file).map_err(|source| AppError::ReadFile {
            path: file.into(),
            source,
        })?;
        let sha = sla_store::sha256_hex(&bytes);
        if s.lib.document_text(&sha)?.is_none() {
            super::clauses::extract(s, &sha, &bytes)?;
        }
    }
    Ok(id)
}

/// The Library screen's filters; empty means "any".
#[derive(Debug, Clone, Default, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct ContractQuery {
    pub search: Option<String>,
    pub direction: Option<String>,
    pub counterparty: Option<String>,
    /// `upcoming`, `active` or `ended`, judged on today's date.
    pub status: Option<String>,
}

fn some(s: Option<String>) -> Option<String> {
    s.filter(|x| !x.trim().is_empty())
}

/// A direction named by the user (`--direction`, the Library filter).
pub fn direction(d: Option<String>) -> Result<Option<sla_store::Direction>, AppError> {
    some(d)
        .map(|d| {
            sla_store::Direction::parse(d.trim()).ok_or_else(|| {
                AppError::invalid(
                    Code::Value,
                    format!("direction `{d}`: use customer or vendor"),
                )
            })
        })
        .transpose()
}

pub fn list(s: &Session, q: ContractQuery) -> Result<Vec<ContractSummary>, AppError> {
    Ok(s.lib.list_contracts(&ContractFilter {
        search: some(q.search),
        direction: direction(q.direction)?,
        counterparty: some(q.counterparty),
        status: some(q.status),
        today: Some(today(&s.ctx)),
    })?)
}

#[derive(Debug, Clone, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct ContractDetail {
    pub id: String,
    pub summary: Option<ContractSummary>,
    pub versions: Vec<VersionInfo>,
    pub documents: Vec<DocumentInfo>,
    pub imports: Vec<ImportInfo>,
    /// The terms as a readable schedule (one sentence per rule).
    pub schedule: Vec<String>,
    pub terms_toml: String,
}

pub fn detail(s: &Session, id: &str) -> Result<ContractDetail, AppError> {
    let terms = s.lib.terms_of(id, None)?;
    Ok(ContractDetail {
        id: id.to_string(),
        summary: s
            .lib
            .list_contracts(&ContractFilter::default())?
            .into_iter()
            .find(|c| c.id == id),
        versions: s.lib.versions(id)?,
        documents: s.lib.documents(id)?,
        imports: s.lib.imports(id)?,
        schedule: schedule(&terms),
        terms_toml: s.lib.export_terms(id, None)?,
    })
}

/// A version's terms (the newest without `version`).
pub fn terms(s: &Session, id: &str, version: Option<i64>) -> Result<Terms, AppError> {
    Ok(s.lib.terms_of(id, version)?)
}

/// A version's terms file, byte for byte as it was added.
pub fn export_terms(s: &Session, id: &str, version: Option<i64>) -> Result<String, AppError> {
    Ok(s.lib.export_terms(id, version)?)
}

/// What changed between two versions: the terms, then their clause links
/// (issue 18: a term may keep its value and lose its source, or gain one).
pub fn diff(s: &Session, id: &str, a: i64, b: i64) -> Result<String, AppError> {
    let mut out = s.lib.diff_versions(id, a, b)?;
    let (x, y) = (
        super::clauses::sources(s, id, Some(a))?,
        super::clauses::sources(s, id, Some(b))?,
    );
    let show =
        |l: &super::clauses::LinkView| format!("{}, p. {}: \"{}\"", l.document, l.page, l.quote);
    let mut lines = Vec::new();
    for l in &x.linked {
        match y.linked.iter().find(|m| m.key == l.key) {
            None => lines.push(format!("- {}: {}", l.key, show(l))),
            Some(m)
                if (m.sha256.as_str(), m.page, m.quote.as_str())
                    != (l.sha256.as_str(), l.page, l.quote.as_str()) =>
            {
                lines.push(format!("~ {}: {} -> {}", l.key, show(l), show(m)))
            }
            Some(_) => {}
        }
    }
    for m in &y.linked {
        if !x.linked.iter().any(|l| l.key == m.key) {
            lines.push(format!("+ {}: {}", m.key, show(m)));
        }
    }
    if !lines.is_empty() || !x.linked.is_empty() {
        if !out.is_empty() && !out.ends_with('\n') {
            out.push('\n');
        }
        out.push_str(&format!(
            "clauses: {} of {} term(s) linked in v{a}, {} of {} in v{b}\n",
            x.terms - x.unsourced.len(),
            x.terms,
            y.terms - y.unsourced.len(),
            y.terms
        ));
        for l in lines {
            out.push_str(&l);
            out.push('\n');
        }
    }
    Ok(out)
}

/// Attaches a document and extracts its text for clause links (issue 18):
/// a PDF's text layer page by page, or why there is none.
pub fn attach(s: &mut Session, id: &str, file: &str) -> Result<DocumentInfo, AppError> {
    let d = s.lib.attach_document(&s.ctx, id, file)?;
    if s.lib.document_text(&d.sha256)?.is_none() {
        let bytes = std::fs::read(file).map_err(|source| AppError::ReadFile {
            path: file.into(),
            source,
        })?;
        // The bytes read again must be the ones attached.
        if sla_store::sha256_hex(&bytes) == d.sha256 {
            super::clauses::extract(s, &d.sha256, &bytes)?;
        }
    }
    Ok(d)
}

fn date(field: &str, v: &str) -> Result<chrono::NaiveDate, AppError> {
    sla_engine::terms::parse_date(v.trim())
        .map_err(|m| AppError::invalid(Code::Value, format!("{field}: {m}")))
}

/// When an amendment applies: `from` a month's first day, `to` a month's
/// last day or open-ended (empty or absent).
fn applies(
    from: &str,
    to: Option<&str>,
    names: (&str, &str),
) -> Result<(chrono::NaiveDate, Option<chrono::NaiveDate>), AppError> {
    let from = date(names.0, from)?;
    let to = match to.filter(|t| !t.trim().is_empty()) {
        Some(t) => Some(date(names.1, t)?),
        None => None,
    };
    Ok((from, to))
}

/// An amendment from a terms file (the CLI's `contracts amend`).
pub struct AmendFile<'a> {
    pub terms: &'a str,
    pub from: &'a str,
    pub to: Option<&'a str>,
    pub reason: &'a str,
}

/// Saves an effective-dated amendment from a terms file; returns the new
/// version.
pub fn amend_file(s: &mut Session, id: &str, a: &AmendFile<'_>) -> Result<i64, AppError> {
    let (from, to) = applies(a.from, a.to, ("--from", "--to"))?;
    Ok(s.lib
        .amend_contract(&s.ctx, id, a.terms, from, to, a.reason)?)
}

/// An amendment from the form: the draft (with any list changes), the
/// field edits, and when and why it applies.
#[derive(Debug, Clone, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct Amendment {
    pub toml: String,
    pub edits: Vec<FieldEdit>,
    /// The first day of a month.
    pub from: String,
    /// The last day of a month; empty or absent: open-ended.
    pub to: Option<String>,
    pub reason: String,
}

/// Saves an effective-dated amendment from the terms form: the edited
/// terms apply from `from` to `to` (or open-ended); the earlier terms
/// resume after it.
pub fn amend_form(s: &mut Session, id: &str, a: &Amendment) -> Result<i64, AppError> {
    let (from, to) = applies(&a.from, a.to.as_deref(), ("applies from", "applies to"))?;
    let check = terms_form::apply(&a.toml, &a.edits);
    if !check.problems.is_empty() {
        return Err(AppError::invalid(
            Code::Terms,
            check
                .problems
                .iter()
                .map(|p| format!("{}: {}", p.path, p.message))
                .collect::<Vec<_>>()
                .join("\n"),
        ));
    }
    let terms = Terms::parse(&check.toml).map_err(|e| AppError::InvalidTerms {
        path: "the terms form".into(),
        problems: e.problems,
    })?;
    if terms == s.lib.terms_of(id, None)? {
        return Err(AppError::invalid(
            Code::NoChange,
            "nothing was changed: an amendment needs at least one changed term",
        ));
    }
    Ok(s.lib.amend_contract_text(
        &s.ctx,
        id,
        "the terms form",
        &check.toml,
        &terms,
        from,
        to,
        a.reason.as_str(),
    )?)
}

fn form_problem(p: FieldProblem) -> AppError {
    AppError::invalid(
        Code::Terms,
        if p.path.is_empty() {
            p.message
        } else {
            format!("{}: {}", p.path, p.message)
        },
    )
}

/// The newest terms as a draft for the form: the text, its fields and the
/// lists whose entries can be added or removed.
pub fn form(s: &Session, id: &str) -> Result<TermsDraft, AppError> {
    let text = s.lib.export_terms(id, None)?;
    terms_form::draft(&text).map_err(form_problem)
}

/// Adds an entry to a list of the draft (a copy of its last) or removes
/// one; the form continues from the new draft.
pub fn form_list_edit(
    toml: &str,
    path: &str,
    remove: Option<usize>,
) -> Result<TermsDraft, AppError> {
    terms_form::edit_list(toml, path, remove).map_err(form_problem)
}

/// The draft with `edits` applied, and every problem at its field.
pub fn form_check(toml: &str, edits: &[FieldEdit]) -> TermsCheck {
    terms_form::apply(toml, edits)
}

/// A terms file as sentences a lawyer can check against the contract.
pub fn schedule(t: &Terms) -> Vec<String> {
    use sla_engine::terms::{Schedule, SlaTerm};
    let mut out = Vec::new();
    for s in &t.services {
        out.push(format!(
            "Service {} ({}) costs {} {} a month.",
            s.id,
            s.name.as_deref().unwrap_or("unnamed"),
            t.contract.currency,
            s.monthly_fee
        ));
    }
    for sla in &t.slas {
        let credit = match &sla.credit.schedule {
            Schedule::Tiers(tiers) => tiers
                .iter()
                .map(|x| format!("{} % below {} %", x.percent, x.below))
                .collect::<Vec<_>>()
                .join(", "),
            Schedule::PerStep {
                step,
                percent_per_step,
            } => format!("{percent_per_step} % for each {step} points below target"),
            Schedule::Multiplier(m) => format!("{m} x the shortfall below 100 %"),
            Schedule::PerBreach(p) => format!("{p} % per breached incident"),
        };
        let cap = sla
            .credit
            .cap_percent
            .map(|c| format!(", at most {c} % of the fee"))
            .unwrap_or_default();
        out.push(match &sla.term {
            SlaTerm::Availability(a) => format!(
                "{}: {} is available at least {} % of each month (outages under {} s ignored; excluded causes: {}). Credit: {credit}{cap}.",
                sla.id,
                sla.service,
                a.target,
                a.min_outage_seconds,
                if a.excluded_causes.is_empty() { "none".into() } else { a.excluded_causes.join(", ") }
            ),
            SlaTerm::Incident(c) => format!(
                "{}: {} incidents of {} get a {} within {} on the {} clock. Credit: {credit}{cap}.",
                sla.id,
                c.severity,
                sla.service,
                c.kind.name(),
                sla_engine::duration::fmt_duration(c.target_seconds),
                c.calendar.as_deref().unwrap_or("24x7")
            ),
        });
    }
    if let Some(c) = t.credit.cap_percent {
        out.push(format!(
            "All credits together never exceed {c} % of the month's fees."
        ));
    }
    if let Some(d) = t.credit.claim_window_days {
        out.push(format!(
            "Credits must be claimed within {d} days after the month ends."
        ));
    }
    out
}

/// Holidays read from an iCalendar feed into a named calendar (issue 14).
pub struct CalendarImport<'a> {
    pub calendar: &'a str,
    pub file: &'a str,
    /// When the new version applies: a month's first day.
    pub from: &'a str,
    /// A month's last day; open-ended when absent.
    pub to: Option<&'a str>,
    /// Why; empty: "holidays imported from FILE".
    pub reason: &'a str,
}

/// What a calendar import did.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct CalendarImported {
    pub version: i64,
    pub calendar: String,
    /// The holidays added (`YYYY-MM-DD`), oldest first.
    pub added: Vec<String>,
    /// Holidays of the feed the calendar already had.
    pub already: usize,
}

/// The dates a feed's yearly rules are expanded over: the contract's
/// effective dates, or ten years past its start when it has no end.
fn contract_range(t: &Terms) -> (chrono::NaiveDate, chrono::NaiveDate) {
    use chrono::Datelike;
    let from = t.contract.effective_from;
    let to = t.contract.effective_to.unwrap_or_else(|| {
        chrono::NaiveDate::from_ymd_opt(from.year() + 10, 12, 31).unwrap_or(from)
    });
    (from, to)
}

/// Adds an iCalendar feed's all-day events to a calendar's holidays and
/// saves the result as a new version through the terms form's amendment
/// (so the lawyer's layout of the terms survives and every check runs).
pub fn import_calendar(
    s: &mut Session,
    id: &str,
    c: &CalendarImport<'_>,
) -> Result<CalendarImported, AppError> {
    let text = s.lib.export_terms(id, None)?;
    let terms = s.lib.terms_of(id, None)?;
    let Some(cal) = terms.calendars.get(c.calendar) else {
        let names: Vec<&str> = terms.calendars.keys().map(String::as_str).collect();
        return Err(AppError::invalid(
            Code::Value,
            format!(
                "contract {id} has no calendar `{}` (its calendars: {})",
                c.calendar,
                if names.is_empty() {
                    "none".into()
                } else {
                    names.join(", ")
                }
            ),
        ));
    };
    let (from, to) = contract_range(&terms);
    let feed = sla_import::read_holidays(c.file, from, to)?;
    let added: Vec<chrono::NaiveDate> = feed
        .iter()
        .filter(|d| !cal.holidays.contains(d))
        .copied()
        .collect();
    if added.is_empty() {
        return Err(AppError::invalid(
            Code::NoChange,
            format!(
                "{}: calendar `{}` already has every holiday of the feed ({})",
                c.file,
                c.calendar,
                feed.len()
            ),
        ));
    }
    let all: std::collections::BTreeSet<String> = cal
        .holidays
        .iter()
        .chain(added.iter())
        .map(|d| d.format("%Y-%m-%d").to_string())
        .collect();
    let toml = set_string_list(&text, &["calendars", c.calendar, "holidays"], &all)?;
    let reason = if c.reason.trim().is_empty() {
        format!("holidays imported from {}", c.file)
    } else {
        c.reason.to_string()
    };
    let version = amend_form(
        s,
        id,
        &Amendment {
            toml,
            edits: vec![],
            from: c.from.into(),
            to: c.to.map(str::to_string),
            reason,
        },
    )?;
    Ok(CalendarImported {
        version,
        calendar: c.calendar.into(),
        added: added
            .iter()
            .map(|d| d.format("%Y-%m-%d").to_string())
            .collect(),
        already: feed.len() - added.len(),
    })
}

/// Sets the list of strings at `path` (tables or inline tables, then the
/// key), keeping the rest of the text as it is; the list is written one
/// entry per line when it is long, so a lawyer can still read it.
fn set_string_list(
    text: &str,
    path: &[&str],
    values: &std::collections::BTreeSet<String>,
) -> Result<String, AppError> {
    use toml_edit::{Array, DocumentMut};
    let problem = || {
        AppError::invalid(
            Code::Terms,
            format!("{}: not in these terms", path.join(".")),
        )
    };
    let mut doc: DocumentMut = text.parse().map_err(|_| problem())?;
    let (key, parents) = path.split_last().ok_or_else(problem)?;
    let mut table: &mut dyn toml_edit::TableLike = doc.as_table_mut();
    for p in parents {
        table = table
            .get_mut(p)
            .and_then(|i| i.as_table_like_mut())
            .ok_or_else(problem)?;
    }
    let mut array: Array = values.iter().map(String::as_str).collect();
    if values.len() > 4 {
        for v in array.iter_mut() {
            v.decor_mut().set_prefix("\n  ");
        }
        array.set_trailing("\n");
        array.set_trailing_comma(true);
    }
    match table.get_mut(key) {
        Some(item) => {
            // Keep the comment and spacing around the old list.
            let decor = item.as_value().map(|v| v.decor().clone());
            *item = toml_edit::value(array);
            if let (Some(d), Some(v)) = (decor, item.as_value_mut()) {
                *v.decor_mut() = d;
            }
        }
        None => {
            table.insert(key, toml_edit::value(array));
        }
    }
    Ok(doc.to_string())
}
