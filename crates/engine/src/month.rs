//! A calendar month, the unit every statement, chronic-breach window and
//! due-diligence row is counted in. Parsed once from `YYYY-MM` and carried
//! as a value, so month arithmetic (the month before, a window of the last
//! N months) is never done again on strings.

use crate::error::MonthError;
use crate::time::{local_midnight, Instant};
use chrono::{Datelike, Months, NaiveDate};
use chrono_tz::Tz;
use std::fmt;
use std::str::FromStr;

/// A month of the years 0000 to 9999, written `YYYY-MM`. Ordered in time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, ts_rs::TS)]
#[ts(type = "string")]
pub struct Month {
    /// Months since 0000-01: ordering, distance and stepping in one number.
    index: i32,
}

const LAST_INDEX: i32 = 9999 * 12 + 11;

impl Month {
    /// 0000-01, the first month there is.
    pub const MIN: Month = Month { index: 0 };
    /// 9999-12, the last month there is.
    pub const MAX: Month = Month { index: LAST_INDEX };

    /// The month `month` (1-12) of `year` (0-9999).
    pub fn new(year: i32, month: u32) -> Option<Month> {
        let ok = (0..=9999).contains(&year) && (1..=12).contains(&month);
        ok.then(|| Month {
            index: year * 12 + month as i32 - 1,
        })
    }

    /// The month a date falls in (`None` outside the years 0000 to 9999).
    pub fn of(date: NaiveDate) -> Option<Month> {
        Month::new(date.year(), date.month())
    }

    fn from_index(index: i32) -> Option<Month> {
        (0..=LAST_INDEX).contains(&index).then_some(Month { index })
    }

    pub fn year(self) -> i32 {
        self.index.div_euclid(12)
    }

    /// 1 (January) to 12.
    pub fn month(self) -> u32 {
        self.index.rem_euclid(12) as u32 + 1
    }

    /// 1 to 4.
    pub fn quarter(self) -> u32 {
        (self.month() - 1) / 3 + 1
    }

    /// The month `n` months earlier (`prev(0)` is this month); `None`
    /// before 0000-01.
    pub fn prev(self, n: u32) -> Option<Month> {
        i32::try_from(n)
            .ok()
            .and_then(|n| self.index.checked_sub(n))
            .and_then(Month::from_index)
    }

    /// The month after; `None` after 9999-12.
    pub fn next(self) -> Option<Month> {
        Month::from_index(self.index + 1)
    }

    /// Whole months from `earlier` to this month (negative when `earlier`
    /// is later).
    pub fn months_since(self, earlier: Month) -> i32 {
        self.index - earlier.index
    }

    pub fn first_day(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.year(), self.month(), 1).expect("a month of 0000-9999")
    }

    pub fn last_day(self) -> NaiveDate {
        self.first_day_after().pred_opt().expect("after 0000-01-01")
    }

    /// The first day of the next month (for 9999-12 too: chrono's dates
    /// reach far beyond year 9999).
    fn first_day_after(self) -> NaiveDate {
        self.first_day()
            .checked_add_months(Months::new(1))
            .expect("chrono dates reach past 9999")
    }

    /// The month in zone `tz` as UTC instants `[start, end)`: from the first
    /// local midnight of its first day to that of the next month's. Local
    /// midnights follow the zone's DST rules (a midnight the clocks skip
    /// starts at the end of the gap), so months have their real lengths.
    pub fn range_in(self, tz: Tz) -> (Instant, Instant) {
        (
            local_midnight(tz, self.first_day()),
            local_midnight(tz, self.first_day_after()),
        )
    }
}

impl fmt::Display for Month {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year(), self.month())
    }
}

/// Reads `YYYY-MM`: four digits, `-`, two digits, a month 01-12. Spaces
/// around it are ignored, as they always were for a period label.
impl FromStr for Month {
    type Err = MonthError;

    fn from_str(text: &str) -> Result<Month, MonthError> {
        let bad = || MonthError(text.to_string());
        let (y, m) = text.trim().split_once('-').ok_or_else(bad)?;
        let digits = y.bytes().chain(m.bytes()).all(|b| b.is_ascii_digit());
        if y.len() != 4 || m.len() != 2 || !digits {
            return Err(bad());
        }
        let (y, m) = (y.parse().map_err(|_| bad())?, m.parse().map_err(|_| bad())?);
        Month::new(y, m).ok_or_else(bad)
    }
}

impl serde::Serialize for Month {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for Month {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Month, D::Error> {
        let text = String::deserialize(d)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::fmt_instant;
    use chrono_tz::America::New_York;
    use chrono_tz::Europe::London;

    fn m(s: &str) -> Month {
        s.parse().unwrap()
    }

    #[test]
    fn reads_and_writes_yyyy_mm_only() {
        assert_eq!(m("2026-03").to_string(), "2026-03");
        assert_eq!(m(" 2026-03 ").to_string(), "2026-03");
        assert_eq!(m("0000-01").to_string(), "0000-01");
        assert_eq!((m("2026-10").year(), m("2026-10").month()), (2026, 10));
        for bad in [
            "2026-3",
            "2026-13",
            "2026-00",
            "26-03",
            "2026/03",
            "2026-03-01",
            "",
            "+026-03",
        ] {
            let e = bad.parse::<Month>().unwrap_err();
            assert_eq!(e, MonthError(bad.to_string()));
        }
        assert_eq!(
            "2026-13".parse::<Month>().unwrap_err().to_string(),
            "`2026-13` is not a month written YYYY-MM (e.g. 2026-10)"
        );
    }

    #[test]
    fn steps_across_year_ends_and_stops_at_the_range() {
        assert_eq!(m("2026-01").prev(1), Some(m("2025-12")));
        assert_eq!(m("2026-01").prev(2), Some(m("2025-11")));
        assert_eq!(m("2026-01").prev(0), Some(m("2026-01")));
        assert_eq!(m("2026-01").prev(25), Some(m("2023-12")));
        assert_eq!(m("2025-12").next(), Some(m("2026-01")));
        assert_eq!(m("0000-01").prev(1), None);
        assert_eq!(m("9999-12").next(), None);
        assert_eq!((Month::MIN, Month::MAX), (m("0000-01"), m("9999-12")));
        assert_eq!(m("2026-01").prev(u32::MAX), None);
        assert!(m("2025-12") < m("2026-01") && m("2026-01") < m("2026-02"));
        assert_eq!(m("2026-01").months_since(m("2025-11")), 2);
        assert_eq!(
            Month::of(NaiveDate::from_ymd_opt(2026, 8, 31).unwrap()),
            Some(m("2026-08"))
        );
        let quarters: Vec<u32> = (1..=12)
            .map(|k| Month::new(2026, k).unwrap().quarter())
            .collect();
        assert_eq!(quarters, [1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 4]);
    }

    #[test]
    fn first_and_last_days() {
        let d = |y, mo, day| NaiveDate::from_ymd_opt(y, mo, day).unwrap();
        assert_eq!(m("2026-02").first_day(), d(2026, 2, 1));
        assert_eq!(m("2026-02").last_day(), d(2026, 2, 28));
        assert_eq!(m("2028-02").last_day(), d(2028, 2, 29));
        assert_eq!(m("2026-12").last_day(), d(2026, 12, 31));
        assert_eq!(m("9999-12").last_day(), d(9999, 12, 31));
    }

    #[test]
    fn ranges_follow_the_zone_and_its_dst() {
        let show = |(a, b): (Instant, Instant)| (fmt_instant(a), fmt_instant(b));
        assert_eq!(
            show(m("2026-03").range_in(New_York)),
            ("2026-03-01T05:00:00Z".into(), "2026-04-01T04:00:00Z".into())
        );
        let (a, b) = m("2026-03").range_in(New_York);
        assert_eq!(b - a, 31 * 86_400 - 3_600);
        assert_eq!(
            show(m("2026-10").range_in(London)),
            ("2026-09-30T23:00:00Z".into(), "2026-11-01T00:00:00Z".into())
        );
        let (a, b) = m("2026-11").range_in(chrono_tz::UTC);
        assert_eq!(b - a, 30 * 86_400);
    }

    #[test]
    fn serde_uses_the_text() {
        assert_eq!(serde_json::to_string(&m("2026-03")).unwrap(), "\"2026-03\"");
        let back: Month = serde_json::from_str("\"2025-12\"").unwrap();
        assert_eq!(back, m("2025-12"));
        let e = serde_json::from_str::<Month>("\"2025-1\"").unwrap_err();
        assert!(e
            .to_string()
            .contains("`2025-1` is not a month written YYYY-MM"));
        assert_eq!(
            <Month as ts_rs::TS>::inline(&ts_rs::Config::new()),
            "string"
        );
    }
}
