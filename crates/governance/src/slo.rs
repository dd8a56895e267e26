//! Service level objectives as OpenSLO v1 defines them (target, time
//! window, budgeting method), with the indicator taken from the library's
//! evidence, plus what governance adds (budget groups, policies, approved
//! exceptions, temporary targets).

use chrono::{Datelike, NaiveDate, NaiveDateTime};
use chrono_tz::Tz;
use rust_decimal::Decimal;
use sla_engine::time::{local_date, local_midnight};
use sla_engine::Instant;

/// Where the good/total counts come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Indicator {
    /// Time-based availability: a second is bad when an outage of the
    /// service covers it.
    Outages,
    /// Request-based: the `requests` sheet's good and total counts.
    Requests,
}

impl Indicator {
    pub fn name(self) -> &'static str {
        match self {
            Indicator::Outages => "outages",
            Indicator::Requests => "requests",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CalendarUnit {
    Month,
    Quarter,
}

/// OpenSLO `timeWindow`: rolling (`isRolling: true`, a duration of m, h, d
/// or w) or calendar-aligned (a month or quarter from `calendar.startTime`
/// in `calendar.timeZone`).
#[derive(Debug, Clone, PartialEq)]
pub enum Window {
    Rolling {
        seconds: i64,
        /// As written (`28d`), so an export gives back the same text.
        text: String,
    },
    Calendar {
        unit: CalendarUnit,
        start: NaiveDateTime,
        tz: Tz,
    },
}

/// OpenSLO `budgetingMethod`.
#[derive(Debug, Clone, PartialEq)]
pub enum Budgeting {
    /// Good events (or seconds) over all of them.
    Occurrences,
    /// The window cut into slices; a slice is good when its own ratio
    /// reaches `slice_target`; the objective counts good slices.
    Timeslices {
        slice_seconds: i64,
        slice_text: String,
        slice_target: Decimal,
    },
}

/// An effective-dated target (a migration, a seasonal peak): in force for
/// instants in `[from, to)`.
#[derive(Debug, Clone, PartialEq)]
pub struct TemporaryTarget {
    pub from: Instant,
    pub to: Instant,
    pub target: Decimal,
    pub reason: String,
}

/// An approved exception: bad time or requests in `[start, end)` do not
/// consume the budget.
#[derive(Debug, Clone, PartialEq)]
pub struct BudgetException {
    pub start: Instant,
    pub end: Instant,
    pub reason: String,
    pub approver: String,
}

/// A threshold of budget consumed and what it sets off.
#[derive(Debug, Clone, PartialEq)]
pub struct Threshold {
    /// Percent of the budget consumed, e.g. 75.
    pub consumed_percent: Decimal,
    pub action: String,
    pub owner: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Slo {
    pub name: String,
    pub display_name: Option<String>,
    pub description: Option<String>,
    pub service: String,
    /// A ratio between 0 and 1 (OpenSLO's `target`), e.g. 0.999.
    pub target: Decimal,
    pub window: Window,
    pub budgeting: Budgeting,
    pub indicator: Indicator,
    /// Budgets pooled across a named group (OpenSLO label
    /// `sla-ledger/budget-group`).
    pub group: Option<String>,
}

/// Governance around one objective (kept beside the OpenSLO file, in the
/// library): thresholds, exceptions and temporary targets.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Policy {
    pub thresholds: Vec<Threshold>,
    pub exceptions: Vec<BudgetException>,
    pub temporary_targets: Vec<TemporaryTarget>,
}

impl Slo {
    /// The target in force at `t`: the latest-starting temporary target
    /// covering `t`, else the objective's own.
    pub fn target_at<'p>(
        &self,
        policy: &'p Policy,
        t: Instant,
    ) -> (Decimal, Option<&'p TemporaryTarget>) {
        policy
            .temporary_targets
            .iter()
            .filter(|x| x.from <= t && t < x.to)
            .max_by_key(|x| x.from)
            .map(|x| (x.target, Some(x)))
            .unwrap_or((self.target, None))
    }

    /// The window that holds `now`: `[start, end)`. A rolling window ends
    /// at `now`; a calendar window is the whole month or quarter.
    pub fn window_at(&self, now: Instant) -> (Instant, Instant) {
        match &self.window {
            Window::Rolling { seconds, .. } => (now - seconds, now),
            Window::Calendar { unit, start, tz } => {
                let months = match unit {
                    CalendarUnit::Month => 1,
                    CalendarUnit::Quarter => 3,
                };
                let anchor = start.date();
                let today = local_date(*tz, now);
                // Months since the anchor's month, cut to whole windows.
                let since = (today.year() - anchor.year()) * 12 + today.month() as i32
                    - anchor.month() as i32;
                let k = since.div_euclid(months);
                let first = add_months(first_of_month(anchor), k * months);
                let next = add_months(first, months);
                (local_midnight(*tz, first), local_midnight(*tz, next))
            }
        }
    }
}

fn first_of_month(d: NaiveDate) -> NaiveDate {
    NaiveDate::from_ymd_opt(d.year(), d.month(), 1).expect("first of a month")
}

fn add_months(d: NaiveDate, n: i32) -> NaiveDate {
    let m0 = d.year() * 12 + d.month0() as i32 + n;
    NaiveDate::from_ymd_opt(m0.div_euclid(12), m0.rem_euclid(12) as u32 + 1, 1)
        .expect("first of a month")
}

/// Parses an OpenSLO duration: a whole number and one of m, h, d, w (and
/// M, Q for calendar windows, handled by the caller).
pub fn parse_window_duration(text: &str) -> Result<i64, String> {
    let t = text.trim();
    let (n, unit) = t.split_at(t.len().saturating_sub(1));
    let n: i64 = n
        .parse()
        .ok()
        .filter(|n| *n > 0)
        .ok_or_else(|| format!("`{text}` is not a duration like 28d, 4w, 24h or 1m"))?;
    let secs = match unit {
        "s" => 1,
        "m" => 60,
        "h" => 3_600,
        "d" => 86_400,
        "w" => 7 * 86_400,
        _ => {
            return Err(format!(
                "`{text}` is not a duration like 28d, 4w, 24h or 1m"
            ))
        }
    };
    Ok(n * secs)
}

#[cfg(test)]
mod tests {
    use super::*;
    use sla_engine::time::parse_instant;

    fn at(s: &str) -> Instant {
        parse_instant(s, chrono_tz::UTC).unwrap()
    }

    fn slo(window: Window) -> Slo {
        Slo {
            name: "x".into(),
            display_name: None,
            description: None,
            service: "s".into(),
            target: Decimal::new(999, 3),
            window,
            budgeting: Budgeting::Occurrences,
            indicator: Indicator::Outages,
            group: None,
        }
    }

    #[test]
    fn calendar_windows_follow_the_zone_and_the_anchor() {
        let start = NaiveDate::from_ymd_opt(2026, 1, 1)
            .unwrap()
            .and_hms_opt(0, 0, 0)
            .unwrap();
        let london = slo(Window::Calendar {
            unit: CalendarUnit::Month,
            start,
            tz: chrono_tz::Europe::London,
        });
        // 2026-10-31 23:30 UTC is already November? No: London is on GMT
        // again after 2026-10-25, so it is 23:30 local, still October.
        assert_eq!(
            london.window_at(at("2026-10-31T23:30:00Z")),
            (at("2026-09-30T23:00:00Z"), at("2026-11-01T00:00:00Z"))
        );
        let q = slo(Window::Calendar {
            unit: CalendarUnit::Quarter,
            start,
            tz: chrono_tz::UTC,
        });
        assert_eq!(
            q.window_at(at("2026-11-27T10:00:00Z")),
            (at("2026-10-01T00:00:00Z"), at("2027-01-01T00:00:00Z"))
        );
        let r = slo(Window::Rolling {
            seconds: 28 * 86_400,
            text: "28d".into(),
        });
        assert_eq!(
            r.window_at(at("2026-11-27T00:00:00Z")),
            (at("2026-10-30T00:00:00Z"), at("2026-11-27T00:00:00Z"))
        );
    }

    #[test]
    fn temporary_targets_apply_in_their_range() {
        let s = slo(Window::Rolling {
            seconds: 86_400,
            text: "1d".into(),
        });
        let p = Policy {
            temporary_targets: vec![TemporaryTarget {
                from: at("2026-11-01T00:00:00Z"),
                to: at("2026-12-01T00:00:00Z"),
                target: Decimal::new(99, 2),
                reason: "migration".into(),
            }],
            ..Default::default()
        };
        assert_eq!(
            s.target_at(&p, at("2026-11-15T00:00:00Z")).0,
            Decimal::new(99, 2)
        );
        assert_eq!(
            s.target_at(&p, at("2026-12-01T00:00:00Z")).0,
            Decimal::new(999, 3)
        );
    }
}
