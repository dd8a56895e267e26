//! Governance over the library's contracts and evidence (issue 6): service
//! level objectives and error budgets (OpenSLO v1), vendor back-to-back
//! coverage, due-diligence figures and breach notices. Pure like the
//! engine: definitions, evidence, results and `now` in; reports out.

pub mod budget;
pub mod coverage;
pub mod coverage_map;
pub mod diligence;
mod error;
pub mod executive;
pub mod methods;
pub mod notices;
pub mod openslo;
pub mod policy;
pub mod review;
pub mod slo;

pub use error::{DefinitionError, EvalError};

/// A decimal the engine wrote (an amount, an uptime) as an exact rational;
/// zero when empty. Results only ever hold decimals the engine produced.
pub(crate) fn rat_of(s: &str) -> sla_engine::num::Rat {
    sla_engine::num::parse_decimal(s)
        .map(sla_engine::num::rat)
        .unwrap_or_else(|_| num_traits::Zero::zero())
}
