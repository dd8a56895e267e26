//! The SLA credit engine: pure functions from a contract's terms, its
//! evidence rows and a period to a credit result with an auditable trace.
//!
//! Architecture invariant: no I/O and no system clock in this crate. Files,
//! spreadsheets, SQLite and "now" belong to the callers; time comes in as
//! data (the period, the rows' instants).

pub mod availability;
pub mod calendar;
pub mod chronic;
pub mod claim;
pub mod compute;
pub mod duration;
pub mod error;
pub mod events;
pub mod fees;
pub mod incidents;
pub mod month;
pub mod num;
mod parallel;
#[doc(hidden)]
pub use parallel::set_enabled as set_parallel_lines;
pub mod result;
mod small;
pub mod terms;
pub mod time;
pub mod window;

pub use chronic::ChronicStatus;
pub use compute::{compute, compute_with, Inputs};
pub use error::{ComputeError, InstantError, MonthError, PeriodError, TermsError, TermsProblem};
pub use events::{Events, IncidentRow, MaintenanceRow, Origin, OutageRow};
pub use fees::FeesThen;
pub use month::Month;
pub use result::{Line, ResultDoc, RollingCapDoc};
pub use terms::Terms;
pub use time::{Instant, Period};

/// The version recorded with every computed statement.
pub const ENGINE_VERSION: &str = env!("CARGO_PKG_VERSION");

impl Terms {
    /// The period `label` (`YYYY-MM`) of this contract, cut to its
    /// effective dates.
    pub fn period(&self, label: &str) -> Result<Period, PeriodError> {
        self.period_of(label.parse()?)
    }

    /// The period `month` of this contract, cut to its effective dates.
    pub fn period_of(&self, month: Month) -> Result<Period, PeriodError> {
        Period::of_month(
            month,
            self.contract.timezone,
            self.contract.effective_from,
            self.contract.effective_to,
        )
    }
}
