//! Working time of an incident clock: `24x7`, or a calendar's weekday spans
//! on non-holiday local dates, by membership of the local wall time (so the
//! repeated hour of a fall-back day counts twice when a span covers it, and
//! the skipped hour of a spring-forward day not at all).

use crate::terms::Calendar;
use crate::time::{
    local_date, local_preimage, merge_intervals, naive_seconds, weekday_index, Instant,
};
use chrono::{Duration, NaiveTime};

/// The working parts of `[a, b)`, sorted and disjoint.
pub fn working_intervals(
    cal: Option<&Calendar>,
    a: Instant,
    b: Instant,
) -> Vec<(Instant, Instant)> {
    if a >= b {
        return Vec::new();
    }
    let Some(cal) = cal else { return vec![(a, b)] };
    let tz = cal.timezone;
    let first = local_date(tz, a) - Duration::days(1);
    let last = local_date(tz, b - 1) + Duration::days(1);
    let mut out = Vec::new();
    let mut day = first;
    while day <= last {
        let spans = &cal.hours[weekday_index(day)];
        if !spans.is_empty() && !cal.holidays.contains(&day) {
            let midnight = naive_seconds(day.and_time(NaiveTime::MIN));
            for &(s, e) in spans {
                for (x, y) in local_preimage(tz, midnight + i64::from(s), midnight + i64::from(e)) {
                    let (x, y) = (x.max(a), y.min(b));
                    if x < y {
                        out.push((x, y));
                    }
                }
            }
        }
        day += Duration::days(1);
    }
    merge_intervals(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::parse_instant;
    use chrono::NaiveDate;
    use chrono_tz::America::New_York;
    use std::collections::BTreeSet;

    fn ny_business() -> Calendar {
        let day = vec![(9 * 3600, 17 * 3600)];
        Calendar {
            timezone: New_York,
            hours: [
                day.clone(),
                day.clone(),
                day.clone(),
                day.clone(),
                day,
                vec![],
                vec![],
            ],
            holidays: BTreeSet::from([NaiveDate::from_ymd_opt(2026, 11, 26).unwrap()]),
        }
    }

    fn total(v: &[(i64, i64)]) -> i64 {
        v.iter().map(|(a, b)| b - a).sum()
    }

    #[test]
    fn weekend_and_holiday_have_no_working_time() {
        let cal = ny_business();
        let t = |s| parse_instant(s, New_York).unwrap();
        // Wed 2026-11-25 16:00 to Mon 2026-11-30 10:00: Wed 1 h, Thu holiday,
        // Fri 8 h, weekend none, Mon 1 h.
        let w = working_intervals(Some(&cal), t("2026-11-25 16:00"), t("2026-11-30 10:00"));
        assert_eq!(total(&w), 10 * 3600);
    }

    #[test]
    fn spans_follow_local_time_across_dst() {
        let cal = ny_business();
        // Fri 2026-10-30 and Mon 2026-11-02 straddle the fall-back weekend:
        // 09:00 local is 13:00Z before and 14:00Z after.
        let w = working_intervals(
            Some(&cal),
            parse_instant("2026-10-30T00:00:00Z", New_York).unwrap(),
            parse_instant("2026-11-03T00:00:00Z", New_York).unwrap(),
        );
        let starts: Vec<String> = w
            .iter()
            .map(|(a, _)| crate::time::fmt_instant(*a))
            .collect();
        assert_eq!(starts, vec!["2026-10-30T13:00:00Z", "2026-11-02T14:00:00Z"]);
    }
}
