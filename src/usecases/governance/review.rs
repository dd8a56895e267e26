//! The maturity review (issue 18): the library's facts gathered for
//! `sla_governance::review`, and the audited "reviewed" action.

use super::definition;
use crate::usecases::Session;
use crate::{AppError, Code};
use sla_governance::review::{self, ContractInput, ObjectiveInput, ReviewInput, ReviewReport};
use sla_governance::{openslo, policy};
use sla_store::reviews::{ReviewRecord, ReviewSubject};
use std::collections::BTreeMap;

/// What the review counts as stale when nothing else is said: a year.
pub const DEFAULT_INTERVAL_DAYS: i64 = 365;

/// The review of the whole library as of the session's time.
pub fn report(s: &Session, interval_days: i64) -> Result<ReviewReport, AppError> {
    if !(1..=3650).contains(&interval_days) {
        return Err(AppError::invalid(
            Code::Value,
            format!("review interval: {interval_days} days is not between 1 and 3650"),
        ));
    }
    let reviews: BTreeMap<(ReviewSubject, String), (i64, String, String)> = s
        .lib
        .latest_reviews()?
        .into_iter()
        .map(|r| {
            (
                (r.kind, r.subject),
                (r.version, r.reviewed_at, r.reviewed_by),
            )
        })
        .collect();
    let review_of = |kind, id: &str| reviews.get(&(kind, id.to_string())).cloned();
    let contracts: Vec<ContractInput> = s
        .lib
        .contract_facts()?
        .into_iter()
        .map(|c| ContractInput {
            review: review_of(ReviewSubject::Contract, &c.id),
            id: c.id,
            version: c.version,
            version_created_at: c.version_created_at,
            owner: c.owner,
            documents: c.documents,
        })
        .collect();
    let mut objectives = Vec::new();
    for o in s.lib.objective_facts()? {
        for slo in openslo::import(&o.yaml).map_err(definition)? {
            objectives.push(ObjectiveInput {
                review: review_of(ReviewSubject::Objective, &o.name),
                slo,
                version: o.version,
                added_at: o.added_at.clone(),
            });
        }
    }
    let policies = match s.lib.budget_policy()? {
        Some(text) => policy::parse(&text).map_err(definition)?,
        None => BTreeMap::new(),
    };
    let credited: Vec<(String, String, String)> = s
        .lib
        .credited_services()?
        .into_iter()
        .map(|c| (c.service, c.contract, c.statement))
        .collect();
    Ok(review::review(&ReviewInput {
        as_of: s.ctx.now,
        interval_days,
        contracts: &contracts,
        objectives: &objectives,
        policies: &policies,
        credited: &credited,
    }))
}

/// Records that the session's actor reviewed `subject` (`contract` or
/// `objective`), its newest version, in the reviews table and the audit
/// chain.
pub fn mark(
    s: &mut Session,
    kind: &str,
    subject: &str,
    note: &str,
) -> Result<ReviewRecord, AppError> {
    let kind = match kind {
        "contract" => ReviewSubject::Contract,
        "objective" => ReviewSubject::Objective,
        other => {
            return Err(AppError::invalid(
                Code::Value,
                format!("review mark: `{other}` is neither `contract` nor `objective`"),
            ))
        }
    };
    Ok(s.lib.mark_reviewed(&s.ctx, kind, subject, note)?)
}
