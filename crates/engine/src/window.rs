//! Which period each line of a statement covers, and the fees its basis is
//! of (terms v2 sections 1 and 4): the statement's month, the quarter that
//! month closes, or (for the basis) the month before.

use crate::error::PeriodError;
use crate::month::Month;
use crate::num::{rat_int, Rat};
use crate::terms::{Terms, Window};
use crate::time::Period;
use num_traits::Zero;

/// The quarter holding a month, under a fiscal year starting in month
/// `fiscal_start` (1-12).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Quarter {
    pub first: Month,
    pub last: Month,
    /// "2026-Q4", or for fiscal quarters "FY2027-Q3" (the fiscal year is
    /// named by the calendar year it ends in).
    pub label: String,
}

impl Quarter {
    pub fn of(month: Month, fiscal_start: u32) -> Option<Quarter> {
        let offset = (month.month() + 12 - fiscal_start) % 12;
        let first = month.prev(offset % 3)?;
        let last = first.next()?.next()?;
        let n = offset / 3 + 1;
        let label = if fiscal_start == 1 {
            format!("{}-Q{n}", month.year())
        } else {
            // The fiscal year started in the calendar year of its first
            // month and ends in the next one.
            let start_year = if month.month() >= fiscal_start {
                month.year()
            } else {
                month.year() - 1
            };
            format!("FY{}-Q{n}", start_year + 1)
        };
        Some(Quarter { first, last, label })
    }

    pub fn months(&self) -> Vec<Month> {
        let mut v = vec![self.first];
        while let Some(m) = v.last().and_then(|m| m.next()).filter(|m| *m <= self.last) {
            v.push(m);
        }
        v
    }
}

/// What a term's line covers in the statement of one month.
#[derive(Debug, Clone)]
pub enum LinePeriod {
    /// The statement's month.
    Month,
    /// A quarterly term evaluated in this statement over its quarter.
    Quarter(Quarter, Period),
    /// A quarterly term evaluated in another month's statement.
    Later(Quarter),
}

/// The period of a term with `window` in the statement of `month`. A
/// quarterly term is evaluated in the statement of the quarter's last month
/// in force (section 10: a contract ending mid-quarter is evaluated in its
/// last month, over the quarter's effective part).
pub fn line_period(terms: &Terms, window: Window, month: Month) -> Result<LinePeriod, PeriodError> {
    if window == Window::Month {
        return Ok(LinePeriod::Month);
    }
    let c = &terms.contract;
    let q =
        Quarter::of(month, c.fiscal_year_start).ok_or_else(|| PeriodError::OutsideEffective {
            label: month.to_string(),
            from: c.effective_from.to_string(),
            to: c
                .effective_to
                .map_or("open-ended".into(), |d| d.to_string()),
        })?;
    let last_in_force = c
        .effective_to
        .and_then(Month::of)
        .map_or(q.last, |m| m.min(q.last));
    if month != last_in_force {
        return Ok(LinePeriod::Later(q));
    }
    let p = Period::of_months(
        q.label.clone(),
        q.first,
        q.last,
        c.timezone,
        c.effective_from,
        c.effective_to,
    )?;
    Ok(LinePeriod::Quarter(q, p))
}

/// The part of `month` the terms are in force, as a ratio of its seconds
/// (v1 section 1 pro-rating); 0 when no day of it is.
pub fn in_force_factor(terms: &Terms, month: Month) -> Rat {
    match terms.period_of(month) {
        Ok(p) => Rat::new(
            rat_int(p.seconds()).to_integer(),
            rat_int(p.month_seconds()).to_integer(),
        ),
        Err(_) => Rat::zero(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(y: i32, m: u32, fiscal: u32) -> (String, String, String) {
        let q = Quarter::of(Month::new(y, m).unwrap(), fiscal).unwrap();
        (q.label, q.first.to_string(), q.last.to_string())
    }

    #[test]
    fn calendar_and_fiscal_quarters() {
        let s = |a: &str, b: &str, c: &str| (a.to_string(), b.to_string(), c.to_string());
        assert_eq!(q(2026, 10, 1), s("2026-Q4", "2026-10", "2026-12"));
        assert_eq!(q(2026, 2, 1), s("2026-Q1", "2026-01", "2026-03"));
        // Slack-style fiscal year from February: Feb-Apr is Q1 of FY2027.
        assert_eq!(q(2026, 2, 2), s("FY2027-Q1", "2026-02", "2026-04"));
        assert_eq!(q(2026, 12, 2), s("FY2027-Q4", "2026-11", "2027-01"));
        assert_eq!(q(2027, 1, 2), s("FY2027-Q4", "2026-11", "2027-01"));
        assert_eq!(q(2026, 10, 2), s("FY2027-Q3", "2026-08", "2026-10"));
        // A fiscal year from July: October 2026 is Q2 of FY2027.
        assert_eq!(q(2026, 10, 7), s("FY2027-Q2", "2026-10", "2026-12"));
    }
}
