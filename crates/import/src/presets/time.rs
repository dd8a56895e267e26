//! Vendors' time values. An offset written in the value is always used
//! (`Z`, `+02:00`, or Jira's `-0600` without a colon); a naive time is read
//! in the zone the document or the user names, with DST gaps and folds as
//! errors; a naive time with no zone is an error. Nothing is guessed.

use crate::limits::{MAX_YEAR, MIN_YEAR};
use chrono::{DateTime, Datelike};
use chrono_tz::Tz;
use sla_engine::time::parse_instant;
use sla_engine::{Instant, InstantError};

/// Splits a trailing UTC offset off `s`: `Z`, `+HH:MM` or `+HHMM`, after
/// the time of day. Returns the rest and the offset in seconds.
fn split_offset(s: &str) -> Option<(&str, i64)> {
    if let Some(rest) = s.strip_suffix(['Z', 'z']) {
        return Some((rest, 0));
    }
    let b = s.as_bytes();
    // At least a date and an hour and minute before the offset.
    for (width, colon) in [(6usize, true), (5, false)] {
        if b.len() < 16 + width {
            continue;
        }
        let o = &b[b.len() - width..];
        let sign = match o.first() {
            Some(b'+') => 1,
            Some(b'-') => -1,
            _ => continue,
        };
        let (h, m) = if colon {
            if o.get(3) != Some(&b':') {
                continue;
            }
            (o.get(1..3), o.get(4..6))
        } else {
            (o.get(1..3), o.get(3..5))
        };
        let digits = |x: Option<&[u8]>| -> Option<i64> {
            let x = x?;
            x.iter()
                .all(u8::is_ascii_digit)
                .then(|| std::str::from_utf8(x).ok()?.parse().ok())
                .flatten()
        };
        let (Some(h), Some(m)) = (digits(h), digits(m)) else {
            continue;
        };
        if h > 23 || m > 59 {
            continue;
        }
        // The offset must follow a digit of the time (not a date's `-`).
        let before = b.get(b.len() - width - 1).copied().unwrap_or(b' ');
        if !before.is_ascii_digit() {
            continue;
        }
        return Some((&s[..s.len() - width], sign * (h * 3600 + m * 60)));
    }
    None
}

fn in_years(t: Instant, text: &str) -> Result<Instant, String> {
    let year = DateTime::from_timestamp(t, 0).map(|d| d.year());
    match year {
        Some(y) if (MIN_YEAR..=MAX_YEAR).contains(&y) => Ok(t),
        _ => Err(format!(
            "`{text}` is outside the years {MIN_YEAR}-{MAX_YEAR}"
        )),
    }
}

/// Reads a vendor's date-time: RFC 3339 or ISO 8601 with an offset (kept),
/// or naive in `zone`. Fractions of a second are truncated, as in sheets.
pub fn parse_vendor_time(text: &str, zone: Option<Tz>) -> Result<Instant, String> {
    let s = text.trim();
    match split_offset(s) {
        Some((naive, offset)) => {
            let t = parse_instant(naive, chrono_tz::UTC)
                .map_err(|_| format!("`{s}` is not a date-time"))?;
            in_years(t - offset, s)
        }
        None => match zone {
            Some(tz) => {
                let t = parse_instant(s, tz).map_err(|e| match e {
                    // The engine's own message speaks of the contract's zone.
                    InstantError::Malformed(_) => format!("`{s}` is not a date-time"),
                    other => other.to_string(),
                })?;
                in_years(t, s)
            }
            None => Err(format!(
                "`{s}` has no UTC offset and no zone was given for it: say which zone with --zone"
            )),
        },
    }
}

/// Seconds since 1970 (Pingdom), within the years sheets accept.
pub(crate) fn epoch(n: i64) -> Result<Instant, String> {
    in_years(n, &n.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_are_kept_in_every_spelling() {
        let t = 1_791_065_400; // 2026-10-03T22:10:00Z
        assert_eq!(parse_vendor_time("2026-10-03T22:10:00Z", None), Ok(t));
        assert_eq!(
            parse_vendor_time("2026-10-03T15:10:00.000-07:00", None),
            Ok(t)
        );
        assert_eq!(
            parse_vendor_time("2026-10-03T16:10:00.000-0600", None),
            Ok(t)
        );
        assert_eq!(parse_vendor_time("2026-10-04T00:10:00+0200", None), Ok(t));
    }

    #[test]
    fn naive_times_need_a_zone_and_refuse_gaps_and_folds() {
        let e = parse_vendor_time("2026-10-03 22:10:00", None).unwrap_err();
        assert!(e.contains("no UTC offset"), "{e}");
        let ny: Tz = "America/New_York".parse().unwrap();
        assert_eq!(
            parse_vendor_time("2026-10-03 18:10:00", Some(ny)),
            Ok(1_791_065_400)
        );
        // 2026-11-01 01:30 happens twice in New York; 2026-03-08 02:30 never.
        assert!(parse_vendor_time("2026-11-01 01:30:00", Some(ny)).is_err());
        assert!(parse_vendor_time("2026-03-08 02:30:00", Some(ny)).is_err());
        // A date alone is not a time, and `-10-03` is not an offset.
        assert!(parse_vendor_time("2026-10-03", Some(ny)).is_err());
        assert!(parse_vendor_time("2500-01-01T00:00:00Z", None).is_err());
        assert!(parse_vendor_time("garbage text that is long", None).is_err());
    }
}
