//! Governance over the library's contracts and evidence (issue 6): service
//! level objectives and error budgets (OpenSLO v1), vendor back-to-back
//! coverage, due-diligence figures and breach notices. Pure like the
//! engine: definitions, evidence, results and `now` in; reports out.

pub mod budget;
pub mod coverage;
pub mod diligence;
mod error;
pub mod methods;
pub mod notices;
pub mod openslo;
pub mod policy;
pub mod slo;

pub use error::{DefinitionError, EvalError};
