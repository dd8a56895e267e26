//! Chronic breach (spec 7): the right that arises when a term is breached
//! too often. The rule `[credit.chronic]` is met when `breached_periods`
//! (N) of the last `within_months` (M) periods, this one included, are
//! breached.
//!
//! The one place the rule is decided. Whoever knows the history (the
//! library's stored statements, a due-diligence run's results) answers
//! "was this month breached?"; this module chooses the months and counts.

use crate::month::Month;
use crate::terms::Chronic;
use serde::{Deserialize, Serialize};
use std::convert::Infallible;

/// The rule applied to one period. Serialised (`serde_json::to_value`),
/// this is a result's `chronic` object, keys in this order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct ChronicStatus {
    /// Breached periods found in the window (N found).
    pub breached_periods: u32,
    /// The window, M months ending with the period.
    pub within_months: u32,
    /// The breached periods the rule requires (N).
    pub required: u32,
    pub met: bool,
    /// The breached periods, `YYYY-MM`, oldest first.
    pub periods: Vec<String>,
}

impl ChronicStatus {
    /// Not met, and one more breached period in the window would meet it.
    pub fn one_breach_away(&self) -> bool {
        !self.met && self.breached_periods + 1 == self.required
    }

    /// In words, as due diligence lists it: `met: ...`, `one breach away:
    /// ...` or `no`.
    pub fn summary(&self) -> String {
        if self.met {
            format!(
                "met: {} breached month(s) in the last {}",
                self.breached_periods, self.within_months
            )
        } else if self.one_breach_away() {
            format!(
                "one breach away: {} of {} in the last {}",
                self.breached_periods, self.required, self.within_months
            )
        } else {
            "no".into()
        }
    }
}

/// The months the rule looks at for `period`: the period itself, then each
/// earlier month of the window, newest first (fewer only before 0000-01).
pub fn window(rule: &Chronic, period: Month) -> impl Iterator<Item = Month> {
    (0..rule.within_months).map_while(move |back| period.prev(back))
}

/// Applies `rule` to `period`, asking `is_breached` about each month of
/// the window (in the order of [`window`]).
pub fn assess(
    rule: &Chronic,
    period: Month,
    mut is_breached: impl FnMut(Month) -> bool,
) -> ChronicStatus {
    let status: Result<ChronicStatus, Infallible> =
        try_assess(rule, period, |m| Ok(is_breached(m)));
    match status {
        Ok(s) => s,
        Err(never) => match never {},
    }
}

/// [`assess`] for a history that can fail to answer (a database): the
/// first error stops the assessment and is returned.
pub fn try_assess<E>(
    rule: &Chronic,
    period: Month,
    mut is_breached: impl FnMut(Month) -> Result<bool, E>,
) -> Result<ChronicStatus, E> {
    let mut breached = Vec::new();
    for month in window(rule, period) {
        if is_breached(month)? {
            breached.push(month);
        }
    }
    breached.sort();
    let n = breached.len() as u32;
    Ok(ChronicStatus {
        breached_periods: n,
        within_months: rule.within_months,
        required: rule.breached_periods,
        met: n >= rule.breached_periods,
        periods: breached.iter().map(Month::to_string).collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn m(s: &str) -> Month {
        s.parse().unwrap()
    }

    fn rule(n: u32, within: u32) -> Chronic {
        Chronic {
            breached_periods: n,
            within_months: within,
        }
    }

    fn status(r: Chronic, period: &str, breached: &[&str]) -> ChronicStatus {
        assess(&r, m(period), |x| {
            breached.contains(&x.to_string().as_str())
        })
    }

    #[test]
    fn met_exactly_at_the_threshold() {
        let s = status(rule(3, 6), "2026-06", &["2026-01", "2026-03", "2026-06"]);
        assert!(s.met && !s.one_breach_away());
        assert_eq!(s.periods, ["2026-01", "2026-03", "2026-06"]);
        assert_eq!(s.summary(), "met: 3 breached month(s) in the last 6");
        // 2025-12 is the seventh month back: outside the window.
        let s = status(rule(3, 6), "2026-06", &["2025-12", "2026-03", "2026-06"]);
        assert!(!s.met);
    }

    #[test]
    fn one_breach_away_and_no() {
        let s = status(rule(3, 6), "2026-06", &["2026-02", "2026-05"]);
        assert!(!s.met && s.one_breach_away());
        assert_eq!(s.summary(), "one breach away: 2 of 3 in the last 6");
        let s = status(rule(3, 6), "2026-06", &["2026-02"]);
        assert!(!s.one_breach_away());
        assert_eq!(s.summary(), "no");
        // A rule of one breach is one away from the start.
        assert_eq!(
            status(rule(1, 1), "2026-06", &[]).summary(),
            "one breach away: 0 of 1 in the last 1"
        );
    }

    #[test]
    fn window_crosses_the_year_end() {
        let asked: Vec<String> = window(&rule(2, 3), m("2026-01"))
            .map(|x| x.to_string())
            .collect();
        assert_eq!(asked, ["2026-01", "2025-12", "2025-11"]);
        let s = status(rule(2, 3), "2026-01", &["2025-10", "2025-11", "2026-01"]);
        assert_eq!((s.breached_periods, s.met), (2, true));
        assert_eq!(s.periods, ["2025-11", "2026-01"]);
        assert_eq!(window(&rule(1, 5), m("0000-02")).count(), 2);
    }

    #[test]
    fn serialises_as_the_statement_object_always_did() {
        let s = status(rule(2, 3), "2026-01", &["2025-11", "2026-01"]);
        // The object the library wrote before this type existed.
        let before = json!({
            "breached_periods": 2usize,
            "within_months": 3,
            "required": 2,
            "met": true,
            "periods": ["2025-11", "2026-01"],
        });
        assert_eq!(serde_json::to_value(&s).unwrap(), before);
        assert_eq!(serde_json::to_string(&s).unwrap(), before.to_string());
        let back: ChronicStatus = serde_json::from_value(before).unwrap();
        assert_eq!(back, s);
    }

    #[test]
    fn errors_from_the_history_stop_the_assessment() {
        let mut asked = 0;
        let r: Result<ChronicStatus, &str> = try_assess(&rule(2, 3), m("2026-01"), |x| {
            asked += 1;
            if x == m("2025-12") {
                Err("db")
            } else {
                Ok(true)
            }
        });
        assert_eq!((r, asked), (Err("db"), 2));
    }
}
