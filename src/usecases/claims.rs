//! The credit ledger: claims and their deadlines.

use super::identity::sign_head;
use super::Session;
use crate::AppError;
use sla_export::Identity;
use sla_store::claims::{today, ClaimFilter, ClaimInfo, ClaimUpdate};

/// Claims, most urgent first; deadlines judged on the session's date.
pub fn list(s: &Session, filter: &ClaimFilter) -> Result<Vec<ClaimInfo>, AppError> {
    Ok(s.lib.list_claims(today(&s.ctx), filter)?)
}

/// Moves a claim on (compare-and-set in the store: with `expected`, nothing
/// is written if it has moved since) and, when the library has a signing
/// identity, signs the chain head that covers the move.
pub fn update(s: &mut Session, id: i64, u: &ClaimUpdate) -> Result<ClaimInfo, AppError> {
    let c = s.lib.update_claim(&s.ctx, id, u)?;
    if Identity::load(s.dir()).is_ok() {
        sign_head(&mut s.lib, &s.ctx)?;
    }
    Ok(c)
}
