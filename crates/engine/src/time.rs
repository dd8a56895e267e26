//! Instants, local wall times and periods.
//!
//! Instants are whole seconds since the Unix epoch, UTC. Local wall times are
//! resolved in an IANA zone the way jiff resolves them: a naive time that the
//! clocks skip (DST gap) or pass twice (DST fold) is an error for the row that
//! wrote it, never a silent pick. Period boundaries are the exception the spec
//! names: a local midnight in a gap starts at the first instant after the gap.

use crate::error::{InstantError, PeriodError};
use crate::month::Month;
use chrono::{
    DateTime, Datelike, Duration, LocalResult, NaiveDate, NaiveDateTime, NaiveTime, Offset,
    TimeZone,
};
use chrono_tz::Tz;

pub type Instant = i64;

/// `2026-10-03T14:05:00Z`. Years 0 to 9999 are written digit by digit
/// from the civil date of the day count: chrono's formatter, which reads
/// its format string every time, and then its date fields were a tenth of
/// a 2,000-SLA month (issue 15). Other years go through chrono as before.
pub fn fmt_instant(t: Instant) -> String {
    let mut out = String::with_capacity(20);
    push_instant(&mut out, t);
    out
}

/// [`fmt_instant`], appended to `out` (a trace sentence is built in one
/// string).
pub fn push_instant(out: &mut String, t: Instant) {
    /// 0000-01-01T00:00:00Z and the second after 9999-12-31T23:59:59Z.
    const FIRST: Instant = -62_167_219_200;
    const END: Instant = 253_402_300_800;
    if !(FIRST..END).contains(&t) {
        match DateTime::from_timestamp(t, 0) {
            Some(d) => out.push_str(&d.format("%Y-%m-%dT%H:%M:%SZ").to_string()),
            None => out.push_str(&t.to_string()),
        }
        return;
    }
    let (days, secs) = (t.div_euclid(86_400), t.rem_euclid(86_400));
    let (year, month, day) = civil_from_days(days);
    let mut text = *b"0000-00-00T00:00:00Z";
    let mut put = |at: usize, v: i64, width: usize| {
        let mut v = v;
        for i in (at..at + width).rev() {
            text[i] = b'0' + (v % 10) as u8;
            v /= 10;
        }
    };
    put(0, year, 4);
    put(5, month, 2);
    put(8, day, 2);
    put(11, secs / 3600, 2);
    put(14, secs / 60 % 60, 2);
    put(17, secs % 60, 2);
    // Digits and separators only: always UTF-8.
    if let Ok(text) = std::str::from_utf8(&text) {
        out.push_str(text);
    }
}

/// The proleptic Gregorian date of a count of days from 1970-01-01 (H.
/// Hinnant's `civil_from_days`): whole 400-year eras, then the year, day
/// and month within one, the year starting on March 1.
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// Seconds east of UTC in force at instant `t`.
pub fn offset_at(tz: Tz, t: Instant) -> i64 {
    let utc = DateTime::from_timestamp(t, 0)
        .expect("instant in range")
        .naive_utc();
    i64::from(tz.offset_from_utc_datetime(&utc).fix().local_minus_utc())
}

/// Local wall time of an instant, as seconds of a naive timeline.
pub fn local_seconds(tz: Tz, t: Instant) -> i64 {
    t + offset_at(tz, t)
}

pub fn local_date(tz: Tz, t: Instant) -> NaiveDate {
    naive_from_seconds(local_seconds(tz, t)).date()
}

pub fn naive_seconds(n: NaiveDateTime) -> i64 {
    n.and_utc().timestamp()
}

pub fn naive_from_seconds(s: i64) -> NaiveDateTime {
    DateTime::from_timestamp(s, 0)
        .expect("in range")
        .naive_utc()
}

/// Resolves a local wall time strictly: gaps and folds are errors.
pub fn resolve_local(tz: Tz, naive: NaiveDateTime, text: &str) -> Result<Instant, InstantError> {
    match tz.from_local_datetime(&naive) {
        LocalResult::Single(dt) => Ok(dt.timestamp()),
        LocalResult::None => Err(InstantError::Gap {
            text: text.to_string(),
            zone: tz.name().to_string(),
        }),
        LocalResult::Ambiguous(a, b) => {
            // Both readings named, so the user can pick one (issue 16).
            let reading = |d: DateTime<Tz>| {
                format!("{} ({})", d.format("%H:%M %Z"), fmt_instant(d.timestamp()))
            };
            Err(InstantError::Ambiguous {
                text: text.to_string(),
                zone: tz.name().to_string(),
                first: reading(a),
                second: reading(b),
            })
        }
    }
}

/// The first instant whose local wall time is at or after `naive`: the instant
/// itself when it exists, the end of the gap when the clocks skip it, and the
/// earlier of the two when the clocks pass it twice (a period starts at the
/// first moment its first day is reached).
pub fn local_boundary(tz: Tz, naive: NaiveDateTime) -> Instant {
    match tz.from_local_datetime(&naive) {
        LocalResult::Single(dt) => dt.timestamp(),
        LocalResult::Ambiguous(a, b) => a.timestamp().min(b.timestamp()),
        LocalResult::None => {
            // Within a gap: the transition lies between "naive read with the
            // largest offset" and "naive read with the smallest". Binary search
            // for the first instant whose wall time has passed `naive`.
            let l = naive_seconds(naive);
            let (mut lo, mut hi) = (l - 26 * 3600, l + 26 * 3600);
            while lo < hi {
                let mid = lo + (hi - lo) / 2;
                if local_seconds(tz, mid) >= l {
                    hi = mid;
                } else {
                    lo = mid + 1;
                }
            }
            lo
        }
    }
}

pub fn local_midnight(tz: Tz, date: NaiveDate) -> Instant {
    local_boundary(tz, date.and_time(NaiveTime::MIN))
}

/// Parses an instant as the spec allows: RFC 3339 with `Z`/`z`/`+HH:MM`
/// (separator `T`, `t` or space; seconds optional), or a naive
/// `YYYY-MM-DD HH:MM[:SS[.fff]]` (space or `T`) read in `tz`. Sub-second
/// digits are truncated.
pub fn parse_instant(text: &str, tz: Tz) -> Result<Instant, InstantError> {
    let malformed = || InstantError::Malformed(text.to_string());
    let s = text.trim();
    let b = s.as_bytes();
    if b.len() < 16 {
        return Err(malformed());
    }
    let num = |from: usize, len: usize| -> Option<u32> {
        let part = s.get(from..from + len)?;
        part.bytes()
            .all(|c| c.is_ascii_digit())
            .then(|| part.parse().ok())
            .flatten()
    };
    let (y, mo, d) = (num(0, 4), num(5, 2), num(8, 2));
    if b[4] != b'-' || b[7] != b'-' || b[13] != b':' {
        return Err(malformed());
    }
    let sep = b[10];
    let (h, mi) = (num(11, 2), num(14, 2));
    let mut pos = 16;
    let mut sec = Some(0);
    if b.get(pos) == Some(&b':') {
        sec = num(pos + 1, 2);
        pos += 3;
        if b.get(pos) == Some(&b'.') {
            let digits = b[pos + 1..]
                .iter()
                .take_while(|c| c.is_ascii_digit())
                .count();
            if digits == 0 {
                return Err(malformed());
            }
            pos += 1 + digits;
        }
    }
    let (Some(y), Some(mo), Some(d), Some(h), Some(mi), Some(sec)) = (y, mo, d, h, mi, sec) else {
        return Err(malformed());
    };
    let date = NaiveDate::from_ymd_opt(y as i32, mo, d).ok_or_else(malformed)?;
    let time = NaiveTime::from_hms_opt(h, mi, sec).ok_or_else(malformed)?;
    let naive = date.and_time(time);
    let zone = &s[pos..];
    let offset = match zone {
        "" => None,
        "Z" | "z" => Some(0),
        _ => {
            let zb = zone.as_bytes();
            if zb.len() != 6 || !(zb[0] == b'+' || zb[0] == b'-') || zb[3] != b':' {
                return Err(malformed());
            }
            let oh = num(pos + 1, 2).filter(|v| *v <= 23).ok_or_else(malformed)?;
            let om = num(pos + 4, 2).filter(|v| *v <= 59).ok_or_else(malformed)?;
            let v = i64::from(oh * 3600 + om * 60);
            Some(if zb[0] == b'-' { -v } else { v })
        }
    };
    match offset {
        Some(off) => {
            if !matches!(sep, b'T' | b't' | b' ') {
                return Err(malformed());
            }
            Ok(naive_seconds(naive) - off)
        }
        None => {
            if !matches!(sep, b'T' | b' ') {
                return Err(malformed());
            }
            resolve_local(tz, naive, text.trim())
        }
    }
}

/// The set of instants in `[lo_hint, hi_hint)` whose local wall time lies in
/// `[l1, l2)` (naive seconds). Membership, not arithmetic: on a day the clocks
/// go back, a span covering the repeated hour counts it twice; on a day they
/// jump forward, the skipped wall times are simply absent.
pub fn local_preimage(tz: Tz, l1: i64, l2: i64) -> Vec<(Instant, Instant)> {
    // Offsets stay within +-26 h, so the preimage lies in this UTC range.
    let (lo, hi) = (l1 - 26 * 3600, l2 + 26 * 3600);
    let mut pieces = Vec::new();
    let mut start = lo;
    // Transitions are months apart in every real zone; find each one in the
    // range by bisection on the offset.
    while start < hi {
        let off = offset_at(tz, start);
        let end = if offset_at(tz, hi - 1) == off && offset_at(tz, start + (hi - start) / 2) == off
        {
            hi
        } else {
            let (mut a, mut b) = (start, hi - 1);
            while a < b {
                let mid = a + (b - a) / 2;
                if offset_at(tz, mid) == off {
                    a = mid + 1;
                } else {
                    b = mid;
                }
            }
            a
        };
        let s = start.max(l1 - off);
        let e = end.min(l2 - off);
        if s < e {
            pieces.push((s, e));
        }
        start = end;
    }
    merge_intervals(pieces)
}

/// Sorts and merges overlapping or touching intervals.
pub fn merge_intervals(mut v: Vec<(i64, i64)>) -> Vec<(i64, i64)> {
    v.retain(|(a, b)| a < b);
    v.sort_unstable();
    let mut out: Vec<(i64, i64)> = Vec::with_capacity(v.len());
    for (a, b) in v {
        match out.last_mut() {
            Some(last) if a <= last.1 => last.1 = last.1.max(b),
            _ => out.push((a, b)),
        }
    }
    out
}

/// A calendar month of the contract's zone, cut to the effective dates;
/// or, for a quarterly term (terms v2 section 1), three months.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Period {
    pub label: String,
    /// The local calendar days of the whole month or quarter, before any
    /// cut (28-31, or 89-92).
    pub days: u32,
    /// The whole month (or quarter), `[local 1st 00:00, next 1st 00:00)`.
    pub month_start: Instant,
    pub month_end: Instant,
    /// The effective part of the month (equal to the month when uncut).
    pub start: Instant,
    pub end: Instant,
    /// First and last local dates of the effective part.
    pub first_date: NaiveDate,
    pub last_date: NaiveDate,
}

impl Period {
    pub fn seconds(&self) -> i64 {
        self.end - self.start
    }
    /// The local calendar days of the whole month (28-31) or quarter
    /// (89-92), before any cut.
    pub fn month_days(&self) -> u32 {
        self.days
    }

    pub fn month_seconds(&self) -> i64 {
        self.month_end - self.month_start
    }
    pub fn is_cut(&self) -> bool {
        self.start != self.month_start || self.end != self.month_end
    }

    /// The month `label` (`YYYY-MM`) in `tz`, cut to
    /// `effective_from..=effective_to`.
    pub fn month(
        label: &str,
        tz: Tz,
        effective_from: NaiveDate,
        effective_to: Option<NaiveDate>,
    ) -> Result<Period, PeriodError> {
        Period::of_month(label.parse()?, tz, effective_from, effective_to)
    }

    /// `month` in `tz`, cut to `effective_from..=effective_to`; an error when
    /// no day of it is in force.
    pub fn of_month(
        month: Month,
        tz: Tz,
        effective_from: NaiveDate,
        effective_to: Option<NaiveDate>,
    ) -> Result<Period, PeriodError> {
        Period::of_months(
            month.to_string(),
            month,
            month,
            tz,
            effective_from,
            effective_to,
        )
    }

    /// The local months `first..=last` in `tz` under `label`, cut to
    /// `effective_from..=effective_to`; an error when no day is in force.
    pub fn of_months(
        label: String,
        first: Month,
        last: Month,
        tz: Tz,
        effective_from: NaiveDate,
        effective_to: Option<NaiveDate>,
    ) -> Result<Period, PeriodError> {
        let first_date = first.first_day().max(effective_from);
        let last_date = effective_to.map_or(last.last_day(), |to| last.last_day().min(to));
        if first_date > last_date {
            return Err(PeriodError::OutsideEffective {
                label,
                from: effective_from.to_string(),
                to: effective_to.map_or("open-ended".into(), |d| d.to_string()),
            });
        }
        let days = (last.last_day() - first.first_day()).num_days() + 1;
        Ok(Period {
            label,
            days: days as u32,
            month_start: first.range_in(tz).0,
            month_end: last.range_in(tz).1,
            start: local_midnight(tz, first_date),
            end: local_midnight(tz, last_date + Duration::days(1)),
            first_date,
            last_date,
        })
    }
}

/// Local weekday index, Monday = 0.
pub fn weekday_index(d: NaiveDate) -> usize {
    d.weekday().num_days_from_monday() as usize
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono_tz::America::New_York;
    use chrono_tz::Europe::London;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn parses_every_allowed_instant_form() {
        let z = parse_instant("2026-10-03T14:05:00Z", New_York).unwrap();
        assert_eq!(fmt_instant(z), "2026-10-03T14:05:00Z");
        // Digit by digit as chrono writes it, and chrono's own way
        // outside the years 0 to 9999.
        for t in [
            0,
            -1,
            951_782_400,
            4_102_444_799,
            -62_167_219_200,
            253_402_300_800,
            -62_167_219_201,
        ] {
            let d = DateTime::from_timestamp(t, 0).unwrap();
            assert_eq!(
                fmt_instant(t),
                d.format("%Y-%m-%dT%H:%M:%SZ").to_string(),
                "{t}"
            );
        }
        assert_eq!(fmt_instant(i64::MAX), i64::MAX.to_string());
        // Every 13th day of years 0 to 9999 at a moving second, every day
        // around the century leap rules, and the edges.
        let chrono_way = |t: i64| {
            let d = DateTime::from_timestamp(t, 0).unwrap();
            d.format("%Y-%m-%dT%H:%M:%SZ").to_string()
        };
        let mut t = -62_167_219_200 - 3;
        while t < 253_402_300_800 + 86_400 {
            assert_eq!(fmt_instant(t), chrono_way(t), "{t}");
            t += 13 * 86_400 + 7;
        }
        for year in [1900, 2000, 2100, 0, 9999] {
            let first = NaiveDate::from_ymd_opt(year, 1, 1).unwrap();
            let start = first.and_hms_opt(0, 0, 0).unwrap().and_utc().timestamp();
            for day in -2..368 {
                let t = start + day * 86_400 + day * 3_599 % 86_400;
                assert_eq!(fmt_instant(t), chrono_way(t), "{t}");
            }
        }
        for same in [
            "2026-10-03t14:05:00z",
            "2026-10-03 14:05Z",
            "2026-10-03T16:05:00+02:00",
            "2026-10-03T10:05:00.999-04:00",
            "2026-10-03 10:05",
            "2026-10-03T10:05:00.5",
        ] {
            assert_eq!(parse_instant(same, New_York), Ok(z), "{same}");
        }
        for bad in [
            "2026-10-03",
            "2026-10-03T14:05:00+0200",
            "2026-10-03T14:05:00+02",
            "2026-13-01 00:00",
            "2026-10-03x14:05",
            "2026-10-03t14:05",
            "03/10/2026 14:05",
            "2026-10-03T14:05:00.Z",
        ] {
            assert!(
                matches!(
                    parse_instant(bad, New_York),
                    Err(InstantError::Malformed(_))
                ),
                "{bad}"
            );
        }
    }

    #[test]
    fn naive_times_in_gaps_and_folds_are_errors() {
        assert!(matches!(
            parse_instant("2026-03-08 02:30", New_York),
            Err(InstantError::Gap { .. })
        ));
        assert!(matches!(
            parse_instant("2026-11-01 01:30", New_York),
            Err(InstantError::Ambiguous { .. })
        ));
        assert!(matches!(
            parse_instant("2026-03-29 01:15:00", London),
            Err(InstantError::Gap { .. })
        ));
        assert!(parse_instant("2026-11-01 01:30-04:00", New_York).is_ok());
    }

    #[test]
    fn dst_months_have_real_lengths() {
        let nov = Period::month("2026-11", New_York, d(2026, 1, 1), None).unwrap();
        assert_eq!(nov.seconds(), 2_595_600);
        let mar = Period::month("2026-03", New_York, d(2026, 1, 1), None).unwrap();
        assert_eq!(mar.seconds(), 31 * 86_400 - 3_600);
        let oct = Period::month("2026-10", New_York, d(2026, 1, 1), None).unwrap();
        assert_eq!(
            (fmt_instant(oct.start), oct.seconds()),
            ("2026-10-01T04:00:00Z".to_string(), 2_678_400)
        );
    }

    #[test]
    fn periods_are_cut_to_effective_dates() {
        let p = Period::month("2026-10", New_York, d(2026, 10, 15), Some(d(2026, 10, 20))).unwrap();
        assert_eq!(fmt_instant(p.start), "2026-10-15T04:00:00Z");
        assert_eq!(fmt_instant(p.end), "2026-10-21T04:00:00Z");
        assert!(Period::month("2026-09", New_York, d(2026, 10, 15), None).is_err());
        assert!(Period::month("2026-9", New_York, d(2026, 1, 1), None).is_err());
    }

    #[test]
    fn midnight_in_a_gap_starts_after_the_gap() {
        // America/Santiago springs forward at local midnight (2026-09-06).
        let tz: Tz = "America/Santiago".parse().unwrap();
        let t = local_midnight(tz, d(2026, 9, 6));
        assert_eq!(fmt_instant(t), "2026-09-06T04:00:00Z");
        assert_eq!(local_seconds(tz, t) - local_seconds(tz, t - 1), 3_601);
    }

    #[test]
    fn preimage_counts_repeated_hour_twice() {
        let l1 = naive_seconds(d(2026, 11, 1).and_hms_opt(0, 0, 0).unwrap());
        let total: i64 = local_preimage(New_York, l1, l1 + 86_400)
            .iter()
            .map(|(a, b)| b - a)
            .sum();
        assert_eq!(total, 25 * 3_600);
        let l1 = naive_seconds(d(2026, 3, 8).and_hms_opt(0, 0, 0).unwrap());
        let total: i64 = local_preimage(New_York, l1, l1 + 86_400)
            .iter()
            .map(|(a, b)| b - a)
            .sum();
        assert_eq!(total, 23 * 3_600);
    }
}
