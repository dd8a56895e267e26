//! Contract templates (issue 18): a new contract's terms started from the
//! shape of a public SLA we have worked through (bundled: the fixtures'
//! `real-*` cases, each checked against its published SLA and a hand
//! computation) or from a contract already in the library. The result is
//! a terms file to check and complete, never a contract added silently.

use crate::usecases::Session;
use crate::{AppError, Code};
use serde::Serialize;

/// The bundled templates: (name, what it is, terms).
const BUNDLED: &[(&str, &str)] = &[
    (
        "atlassian-request-minutes",
        include_str!("../../fixtures/cases/real-atlassian-request-minutes/terms.toml"),
    ),
    (
        "aws-s3-error-rate",
        include_str!("../../fixtures/cases/real-aws-s3-error-rate/terms.toml"),
    ),
    (
        "cloudflare-enterprise-previous-month",
        include_str!("../../fixtures/cases/real-cloudflare-enterprise-previous-month/terms.toml"),
    ),
    (
        "gce-whole-minutes",
        include_str!("../../fixtures/cases/real-gce-whole-minutes/terms.toml"),
    ),
    (
        "github-enterprise-quarterly",
        include_str!("../../fixtures/cases/real-github-enterprise-quarterly/terms.toml"),
    ),
    (
        "google-workspace-days",
        include_str!("../../fixtures/cases/real-google-workspace-days/terms.toml"),
    ),
];

#[derive(Debug, Clone, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct TemplateInfo {
    pub name: String,
    /// `bundled` or `library`.
    pub origin: String,
    pub title: String,
}

fn title_of(text: &str) -> String {
    text.parse::<toml::Table>()
        .ok()
        .and_then(|t| {
            t.get("contract")?
                .get("title")?
                .as_str()
                .map(str::to_string)
        })
        .unwrap_or_default()
}

/// Every template: the bundled ones, then each contract of the library.
pub fn list(s: &Session) -> Result<Vec<TemplateInfo>, AppError> {
    let mut out: Vec<TemplateInfo> = BUNDLED
        .iter()
        .map(|(name, text)| TemplateInfo {
            name: name.to_string(),
            origin: "bundled".into(),
            title: title_of(text),
        })
        .collect();
    for id in s.lib.contract_ids()? {
        let text = s.lib.export_terms(&id, None)?;
        out.push(TemplateInfo {
            title: title_of(&text),
            name: id,
            origin: "library".into(),
        });
    }
    Ok(out)
}

/// The terms of a new contract `new_id` started from template `from` (a
/// bundled name, else a contract id of the library): the template's
/// values with the new id, its owner left for the user, and a header that
/// says where it came from. Checked to parse as terms.
pub fn instantiate(s: &Session, from: &str, new_id: &str) -> Result<String, AppError> {
    let new_id = new_id.trim();
    if new_id.is_empty() {
        return Err(AppError::invalid(
            Code::Value,
            "--id: the new contract needs an id",
        ));
    }
    if s.lib.contract_ids()?.iter().any(|c| c == new_id) {
        return Err(AppError::invalid(
            Code::Conflict,
            format!("--id: contract `{new_id}` is already in the library"),
        ));
    }
    let (text, origin) = match BUNDLED.iter().find(|(n, _)| *n == from) {
        Some((_, text)) => (text.to_string(), format!("the bundled template `{from}`")),
        None => {
            let text = s.lib.export_terms(from, None).map_err(|_| {
                AppError::invalid(
                    Code::NotFound,
                    format!("template `{from}` is neither bundled nor a contract of the library (see `contracts templates`)"),
                )
            })?;
            (text, format!("contract {from} of the library"))
        }
    };
    let mut table: toml::Table = text
        .parse()
        .map_err(|e| AppError::invalid(Code::Terms, format!("template `{from}`: {e}")))?;
    if let Some(toml::Value::Table(c)) = table.get_mut("contract") {
        c.insert("id".into(), toml::Value::String(new_id.into()));
        c.remove("owner");
    }
    let body = toml::to_string(&table)
        .map_err(|e| AppError::invalid(Code::Terms, format!("template `{from}`: {e}")))?;
    let out = format!(
        "# Terms of {new_id}, started from {origin}.\n\
         # Every value is the template's until you change it: check each one\n\
         # (fees, dates, counterparty, targets, credits) against the signed\n\
         # contract, set `owner`, then `sla-ledger contracts add` this file.\n\n{body}"
    );
    sla_engine::Terms::parse(&out).map_err(|e| AppError::InvalidTerms {
        path: format!("template `{from}`"),
        problems: e.problems,
    })?;
    Ok(out)
}
