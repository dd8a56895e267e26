//! The claim deadline of a statement (v1 section 5 step 6; terms v2
//! section 6), with a trace sentence that lets a person count it again.

use crate::terms::{Calendar, ClaimRule};
use crate::time::weekday_index;
use chrono::{Datelike, Duration, NaiveDate};
use std::collections::BTreeMap;

/// The last date to claim after a period whose last local date is `last`,
/// and the trace sentence saying how it was counted.
pub fn claim_deadline(
    rule: &ClaimRule,
    last: NaiveDate,
    calendars: &BTreeMap<String, Calendar>,
) -> (NaiveDate, String) {
    match rule {
        ClaimRule::DaysAfterPeriod(n) => {
            let d = last + Duration::days(i64::from(*n));
            let how = format!(
                "Claim deadline: {n} day(s) after the period's last local date {last} = {d}."
            );
            (d, how)
        }
        ClaimRule::EndOfMonthAfterPeriod(n) => {
            let (month, d) = end_of_month_after(last, *n);
            let how = format!(
                "Claim deadline: the end of the {n}{} local month after the period's last month {} ({month}) = {d}.",
                ordinal(*n),
                last.format("%Y-%m")
            );
            (d, how)
        }
        ClaimRule::BusinessDaysAfterPeriod { days, calendar } => {
            let cal = &calendars[calendar];
            business_days_after(last, *days, calendar, cal)
        }
    }
}

fn ordinal(n: u32) -> &'static str {
    match (n % 10, n % 100) {
        (_, 11..=13) => "th",
        (1, _) => "st",
        (2, _) => "nd",
        (3, _) => "rd",
        _ => "th",
    }
}

/// The month `n` months after `last`'s (YYYY-MM) and its last date.
fn end_of_month_after(last: NaiveDate, n: u32) -> (String, NaiveDate) {
    let index = last.year() * 12 + last.month0() as i32 + n as i32 + 1;
    let first_of_next =
        NaiveDate::from_ymd_opt(index.div_euclid(12), index.rem_euclid(12) as u32 + 1, 1)
            .expect("a date in range");
    let d = first_of_next - Duration::days(1);
    (d.format("%Y-%m").to_string(), d)
}

/// The `n`th date after `last` with working hours in `cal` that is not one
/// of its holidays; the trace lists the dates counted and those skipped.
/// The reader makes sure `cal` has working hours on some weekday.
fn business_days_after(last: NaiveDate, n: u32, name: &str, cal: &Calendar) -> (NaiveDate, String) {
    let mut counted = Vec::new();
    let mut skipped = Vec::new();
    let mut d = last;
    while counted.len() < n as usize {
        d += Duration::days(1);
        if cal.holidays.contains(&d) {
            skipped.push(format!("{d} holiday"));
        } else if cal.hours[weekday_index(d)].is_empty() {
            skipped.push(format!("{d} {}", d.format("%a")));
        } else {
            counted.push(d.to_string());
        }
    }
    let how = format!(
        "Claim deadline: the {n}{} business day of calendar `{name}` after the period's last local date {last} = {d} (counted: {}; skipped: {}).",
        ordinal(n),
        counted.join(", "),
        if skipped.is_empty() { "none".to_string() } else { skipped.join(", ") }
    );
    (d, how)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn office() -> BTreeMap<String, Calendar> {
        let mut hours: [Vec<(u32, u32)>; 7] = Default::default();
        for h in hours.iter_mut().take(5) {
            *h = vec![(9 * 3600, 17 * 3600)];
        }
        let cal = Calendar {
            timezone: chrono_tz::America::New_York,
            hours,
            holidays: [date("2026-10-12")].into_iter().collect(),
        };
        [("ny-business".to_string(), cal)].into_iter().collect()
    }

    #[test]
    fn each_form_counts_from_the_periods_last_local_date() {
        let cals = office();
        let sep = date("2026-09-30");
        let (d, how) = claim_deadline(&ClaimRule::DaysAfterPeriod(30), sep, &cals);
        assert_eq!(d, date("2026-10-30"));
        assert_eq!(
            how,
            "Claim deadline: 30 day(s) after the period's last local date 2026-09-30 = 2026-10-30."
        );
        // AWS: by the end of the second billing cycle after: November.
        let (d, how) = claim_deadline(&ClaimRule::EndOfMonthAfterPeriod(2), sep, &cals);
        assert_eq!(d, date("2026-11-30"));
        assert_eq!(how, "Claim deadline: the end of the 2nd local month after the period's last month 2026-09 (2026-11) = 2026-11-30.");
        // December + 2 months crosses the year; February 2027 has 28 days.
        assert_eq!(
            end_of_month_after(date("2026-12-31"), 2).1,
            date("2027-02-28")
        );
        assert_eq!(
            end_of_month_after(date("2027-12-15"), 2).1,
            date("2028-02-29")
        );
        assert_eq!(
            end_of_month_after(date("2026-09-15"), 0).1,
            date("2026-09-30")
        );
        // Oct 1 Thu, 2 Fri, (3 Sat, 4 Sun), 5 Mon ... 9 Fri, (10, 11), 12 holiday, 13 Tue.
        let rule = ClaimRule::BusinessDaysAfterPeriod {
            days: 8,
            calendar: "ny-business".into(),
        };
        let (d, how) = claim_deadline(&rule, sep, &cals);
        assert_eq!(d, date("2026-10-13"));
        assert_eq!(how, "Claim deadline: the 8th business day of calendar `ny-business` after the period's last local date 2026-09-30 = 2026-10-13 (counted: 2026-10-01, 2026-10-02, 2026-10-05, 2026-10-06, 2026-10-07, 2026-10-08, 2026-10-09, 2026-10-13; skipped: 2026-10-03 Sat, 2026-10-04 Sun, 2026-10-10 Sat, 2026-10-11 Sun, 2026-10-12 holiday).");
        assert_eq!(ordinal(11), "th");
        assert_eq!(ordinal(21), "st");
    }
}
