//! The terms file (`schema = "sla-terms/1"` or `"sla-terms/2"`): model and
//! validating reader. A v1 file (or one without `schema`) that uses a v2 key
//! or value is told it "needs schema sla-terms/2" under that key.
//!
//! The reader walks the TOML tree by hand rather than through serde so that
//! it can list every problem at once, each under its key path
//! (`slas[0].credit.tiers[1].below`, list indexes from 0), reject unknown keys
//! and TOML floats, and check the cross-references (services, calendars).
//!
//! This module holds the model; the reader is split by table:
//! `fields` (one key at a time), `reader` (the root, contract, services,
//! calendars and SLA terms), `credit` (a term's credit and the contract-wide
//! `[credit]` rules) and `text` (dates, roundings and working-hour spans
//! written as strings).

mod claim;
mod credit;
mod days;
mod downtime;
mod fields;
mod reader;
mod remedy;
mod requests;
mod rolling;
mod scope;
#[cfg(test)]
mod tests;
mod text;
mod window;

pub use scope::TermsScope;
pub use text::parse_date;

use crate::error::{TermsError, TermsProblem};
use crate::num::RoundMode;
use chrono::NaiveDate;
use chrono_tz::Tz;
use fields::Reader;
use rust_decimal::Decimal;
use std::collections::{BTreeMap, BTreeSet};
use toml::Table;

#[derive(Debug, Clone, PartialEq)]
pub struct Terms {
    pub contract: Contract,
    pub services: Vec<Service>,
    pub calendars: BTreeMap<String, Calendar>,
    pub slas: Vec<Sla>,
    pub credit: CreditRules,
}

/// Who owes the credits of a contract. Worded here once for every screen,
/// statement and notice.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize, ts_rs::TS)]
#[serde(rename_all = "lowercase")]
#[ts(export)]
pub enum Direction {
    /// We provide the service and owe credits.
    Customer,
    /// The counterparty provides it and owes us credits.
    Vendor,
}

impl Direction {
    pub fn name(self) -> &'static str {
        match self {
            Direction::Customer => "customer",
            Direction::Vendor => "vendor",
        }
    }

    /// `customer` or `vendor`, as terms and filters write it.
    pub fn parse(s: &str) -> Option<Direction> {
        [Direction::Customer, Direction::Vendor]
            .into_iter()
            .find(|d| d.name() == s)
    }

    /// The contract and who owes: "customer contract: we owe these credits".
    pub fn describe(self) -> &'static str {
        match self {
            Direction::Customer => "customer contract: we owe these credits",
            Direction::Vendor => "vendor contract: these credits are owed to us",
        }
    }

    /// Who owes whom, in a sentence about a credit: "owed by us to the customer".
    pub fn owed(self) -> &'static str {
        match self {
            Direction::Customer => "owed by us to the customer",
            Direction::Vendor => "owed to us by the vendor",
        }
    }

    /// A column's short form: "owed by us" / "owed to us".
    pub fn short(self) -> &'static str {
        match self {
            Direction::Customer => "owed by us",
            Direction::Vendor => "owed to us",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Contract {
    pub id: String,
    pub title: Option<String>,
    pub counterparty: Option<String>,
    pub direction: Option<Direction>,
    pub currency: String,
    pub timezone: Tz,
    pub effective_from: NaiveDate,
    pub effective_to: Option<NaiveDate>,
    pub governing_law: Option<String>,
    pub owner: Option<String>,
    /// `sole_remedy` (terms v2 section 9): `None` when the terms do not say.
    pub sole_remedy: Option<bool>,
    /// `termination` (terms v2 section 9): `None` when the terms do not say.
    pub termination: Option<Termination>,
    /// `fiscal_year_start` (terms v2 section 1): the month (1-12) fiscal
    /// quarters start from; 1 when the terms do not say.
    pub fiscal_year_start: u32,
}

/// A right to terminate (terms v2 section 9). Informational.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Termination {
    /// A chronic breach (v1 `[credit] chronic`) gives the right.
    pub chronic: bool,
    pub notice_days: Option<u32>,
}

impl Termination {
    /// For a report: "on chronic breach, 30 days' notice".
    pub fn describe(&self) -> String {
        match (self.chronic, self.notice_days) {
            (false, _) => "no right on chronic breach".into(),
            (true, Some(d)) => format!("on chronic breach, {d} days' notice"),
            (true, None) => "on chronic breach, notice not stated".into(),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Service {
    pub id: String,
    pub name: Option<String>,
    pub monthly_fee: Decimal,
}

/// A working-time calendar: spans per local weekday (Monday first), as
/// seconds after local midnight, merged and sorted; holidays have none.
#[derive(Debug, Clone, PartialEq)]
pub struct Calendar {
    pub timezone: Tz,
    pub hours: [Vec<(u32, u32)>; 7],
    pub holidays: BTreeSet<NaiveDate>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Sla {
    pub id: String,
    pub service: String,
    /// `window` (terms v2 section 1).
    pub window: Window,
    pub term: SlaTerm,
    pub credit: CreditTerm,
}

/// The period a term is measured over (terms v2 section 1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Window {
    #[default]
    Month,
    /// Three local months from `fiscal_year_start`, evaluated in the
    /// statement of the quarter's last month in force.
    Quarter,
}

/// Which month's fees a line's basis is (terms v2 section 4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum BasisMonth {
    #[default]
    Current,
    /// The local month before the line's period.
    Previous,
}

/// Where an availability term's downtime comes from (terms v2 section 8).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum DowntimeSource {
    #[default]
    Outages,
    Requests(RequestRule),
}

/// `[slas.downtime]` with `source = "requests"` (terms v2 section 8).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestRule {
    /// Divides one day.
    pub interval_seconds: i64,
    /// Percent; `Some` exactly when `measure` is `Downtime`.
    pub error_rate_above: Option<Decimal>,
    pub min_requests: u64,
    pub measure: RequestMeasure,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RequestMeasure {
    /// Down intervals count as downtime.
    Downtime,
    /// Uptime = 100 - the mean error rate of the intervals (S3).
    ErrorRateAverage,
}

#[derive(Debug, Clone, PartialEq)]
pub enum SlaTerm {
    Availability(Availability),
    Incident(IncidentClock),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rounding {
    None,
    Ceil(i64),
    /// `floor:U` (terms v2 section 7).
    Floor(i64),
    Buckets(i64),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PartialImpact {
    Weighted,
    Full,
    Ignore,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Availability {
    pub target: Decimal,
    pub min_outage_seconds: i64,
    pub rounding: Rounding,
    pub partial_impact: PartialImpact,
    pub maintenance_in_denominator: bool,
    /// Trimmed, lowercase.
    pub excluded_causes: Vec<String>,
    pub maintenance_notice_seconds: Option<i64>,
    pub maintenance_cap_seconds: Option<i64>,
    /// `breach_when` (terms v2 section 2).
    pub breach_when: BreachWhen,
    /// `downtime.source` (terms v2 section 8).
    pub source: DowntimeSource,
}

/// When an uptime breaches a target, and a tier applies (terms v2 section 2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum BreachWhen {
    /// uptime < target (v1, and the v2 default).
    #[default]
    Below,
    /// uptime <= target ("at or below 99.9 %" contracts).
    AtOrBelow,
}

impl BreachWhen {
    /// As the terms file writes it.
    pub fn name(self) -> &'static str {
        match self {
            BreachWhen::Below => "below",
            BreachWhen::AtOrBelow => "at_or_below",
        }
    }

    /// The comparison as a trace writes it: `<` or `<=`.
    pub fn symbol(self) -> &'static str {
        match self {
            BreachWhen::Below => "<",
            BreachWhen::AtOrBelow => "<=",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClockKind {
    Response,
    Resolution,
}

impl ClockKind {
    pub fn name(self) -> &'static str {
        match self {
            ClockKind::Response => "response",
            ClockKind::Resolution => "resolution",
        }
    }
    /// Statuses (lowercase) that stop this clock.
    pub fn stops_on(self, status: &str) -> bool {
        match self {
            ClockKind::Response => matches!(status, "acknowledged" | "resolved" | "closed"),
            ClockKind::Resolution => matches!(status, "resolved" | "closed"),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct IncidentClock {
    pub kind: ClockKind,
    /// Trimmed, as written; compared case-insensitively.
    pub severity: String,
    pub target_seconds: i64,
    /// `None` is `24x7`; otherwise a key of `Terms::calendars`.
    pub calendar: Option<String>,
    /// Trimmed, lowercase.
    pub pause_on: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Basis {
    Service,
    Contract,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Tier {
    pub below: Decimal,
    /// The credit percent; 0 for a days-of-service tier.
    pub percent: Decimal,
    /// Days of service (terms v2 section 3): every tier of a list has them
    /// or none has.
    pub days: Option<Decimal>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Schedule {
    Tiers(Vec<Tier>),
    PerStep {
        step: Decimal,
        percent_per_step: Decimal,
    },
    Multiplier(Decimal),
    PerBreach(Decimal),
}

#[derive(Debug, Clone, PartialEq)]
pub struct CreditTerm {
    pub basis: Basis,
    pub schedule: Schedule,
    pub cap_percent: Option<Decimal>,
    /// `cap_days` (terms v2 section 3): caps a days tier's days.
    pub cap_days: Option<Decimal>,
    /// `basis_month` (terms v2 section 4).
    pub basis_month: BasisMonth,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Aggregation {
    Sum,
    Max,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    Line,
    Total,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RoundingRule {
    pub places: u32,
    pub mode: RoundMode,
    pub stage: Stage,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Chronic {
    pub breached_periods: u32,
    pub within_months: u32,
}

#[derive(Debug, Clone, PartialEq)]
pub struct CreditRules {
    pub aggregation: Aggregation,
    pub cap_percent: Option<Decimal>,
    pub rounding: RoundingRule,
    pub minimum_credit: Decimal,
    pub claim_window_days: Option<u32>,
    /// `claim` (terms v2 section 6); never set together with
    /// `claim_window_days`.
    pub claim: Option<ClaimRule>,
    pub chronic: Option<Chronic>,
    /// `cap_rolling` (terms v2 section 5).
    pub cap_rolling: Option<RollingCap>,
}

/// `cap_rolling = { months, percent }` (terms v2 section 5): what the
/// statements of `months` local months (this one and the `months - 1`
/// before it) may credit in all, a percent of this month's fees.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RollingCap {
    pub months: u32,
    pub percent: Decimal,
}

/// How the claim deadline is counted (terms v2 section 6).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ClaimRule {
    /// N days after the period's last local date (= v1 `claim_window_days`).
    DaysAfterPeriod(u32),
    /// The last local date of the Nth local month after the period's last.
    EndOfMonthAfterPeriod(u32),
    /// The Nth date after the period's last local date with working time in
    /// `calendar` that is not one of its holidays.
    BusinessDaysAfterPeriod { days: u32, calendar: String },
}

impl CreditRules {
    /// The claim rule in force: `claim`, or v1's `claim_window_days`.
    pub fn claim_rule(&self) -> Option<ClaimRule> {
        self.claim
            .clone()
            .or(self.claim_window_days.map(ClaimRule::DaysAfterPeriod))
    }
}

impl Terms {
    pub fn service(&self, id: &str) -> Option<&Service> {
        self.services.iter().find(|s| s.id == id)
    }

    /// Reads and validates a terms file's text.
    pub fn parse(text: &str) -> Result<Terms, TermsError> {
        let root: Table = toml::from_str(text).map_err(|e| TermsError {
            problems: vec![TermsProblem {
                path: String::new(),
                message: format!("not valid TOML: {}", e.to_string().trim_end()),
            }],
        })?;
        let mut r = Reader::default();
        let terms = r.terms(&root);
        match terms {
            Some(t) if r.problems.is_empty() => Ok(t),
            _ => Err(TermsError {
                problems: r.problems,
            }),
        }
    }
}

impl Default for CreditRules {
    fn default() -> Self {
        CreditRules {
            aggregation: Aggregation::Sum,
            cap_percent: None,
            rounding: RoundingRule {
                places: 2,
                mode: RoundMode::HalfUp,
                stage: Stage::Total,
            },
            minimum_credit: Decimal::ZERO,
            claim_window_days: None,
            claim: None,
            chronic: None,
            cap_rolling: None,
        }
    }
}
