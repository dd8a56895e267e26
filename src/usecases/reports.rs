//! Questions of the whole library: credits by counterparty or direction,
//! contracts without terms, services without evidence, the dashboard.

use super::Session;
use crate::{AppError, Code};
use serde::Serialize;
use sla_store::reports::{CreditGrouping, CreditRow, ServiceGap};
use sla_store::StatementStatus;

/// `by`: `counterparty` or `direction`.
pub fn grouping(by: &str) -> Result<CreditGrouping, AppError> {
    match by {
        "counterparty" => Ok(CreditGrouping::Counterparty),
        "direction" => Ok(CreditGrouping::Direction),
        other => Err(AppError::invalid(
            Code::Usage,
            format!("--by {other}: use counterparty or direction"),
        )),
    }
}

/// Credits of final statements by group and month, `from`..=`to` months.
pub fn credits(
    s: &Session,
    by: CreditGrouping,
    from: Option<&str>,
    to: Option<&str>,
) -> Result<Vec<CreditRow>, AppError> {
    Ok(s.lib.credits(by, from, to)?)
}

pub fn contracts_without_terms(s: &Session) -> Result<Vec<String>, AppError> {
    Ok(s.lib.contracts_without_terms()?)
}

pub fn services_without_evidence(s: &Session, period: &str) -> Result<Vec<ServiceGap>, AppError> {
    sla_store::statements::month_dates(period)?;
    Ok(s.lib.services_without_evidence(period)?)
}

#[derive(Debug, Clone, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct HeatCell {
    pub contract: String,
    pub period: String,
    pub status: StatementStatus,
    pub breached: bool,
    pub total: String,
    pub currency: String,
}

#[derive(Debug, Clone, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct Dashboard {
    pub heatmap: Vec<HeatCell>,
    pub credits: Vec<CreditRow>,
}

/// The current statement of every contract and month, and credits by
/// direction.
pub fn dashboard(s: &Session) -> Result<Dashboard, AppError> {
    let heatmap = s
        .lib
        .list_statements(None, None)?
        .into_iter()
        .filter(|st| st.status != StatementStatus::Superseded)
        .map(|st| HeatCell {
            contract: st.contract,
            period: st.period,
            status: st.status,
            breached: st.breached,
            total: st.total,
            currency: st.currency,
        })
        .collect();
    Ok(Dashboard {
        heatmap,
        credits: s.lib.credits(CreditGrouping::Direction, None, None)?,
    })
}
