//! Holiday calendars from iCalendar feeds (RFC 5545, issue 14). The
//! `icalendar` crate parses the file (unfolding, parameters, escapes); we
//! read only all-day `VEVENT`s: `DTSTART;VALUE=DATE` (and `DTEND`, which
//! is exclusive), a yearly `RRULE` (with `INTERVAL`, `COUNT`, `UNTIL`,
//! `BYMONTH`, `BYMONTHDAY` and one `BYDAY` such as `4TH` or `-1MO`), and
//! `EXDATE`. A timed event is no holiday and is refused with a message,
//! as is any rule we cannot expand exactly; every problem is listed.
//!
//! Limits: the file size is checked before reading
//! ([`MAX_ICS_FILE_BYTES`]); nesting is checked before parsing (the parser
//! recurses); an event spans at most [`MAX_EVENT_DAYS`] days; dates are
//! kept only within the range asked for.

use crate::error::{ImportError, RowError};
use crate::grid::too_large;
use crate::limits::{thousands, MAX_ICS_FILE_BYTES};
use chrono::{Datelike, Duration, NaiveDate, Weekday};
use icalendar::parser::{read_calendar, unfold, Component, Property};
use std::collections::BTreeSet;
use std::io::Read;

/// The longest all-day event read (a holiday period, not a season).
pub const MAX_EVENT_DAYS: i64 = 366;

/// Days one feed may expand to, counting each day of each occurrence of
/// each event (before duplicates are merged): decades of holidays are a
/// few thousand; the cap keeps a hostile feed (thousands of year-long
/// events repeated over centuries) from running for minutes.
pub const MAX_EXPANDED_DAYS: u64 = 1_000_000;

/// Components inside components: a calendar holds events, an event alarms.
const MAX_NESTING: usize = 8;

fn read_text(path: &str) -> Result<String, ImportError> {
    let io = |source| ImportError::Io {
        path: path.into(),
        source,
    };
    let file = std::fs::File::open(path).map_err(io)?;
    let len = file.metadata().map_err(io)?.len();
    if len > MAX_ICS_FILE_BYTES {
        return Err(too_large(
            path,
            "",
            format!(
                "{} bytes is larger than the {} MiB a calendar file may be",
                thousands(len),
                MAX_ICS_FILE_BYTES >> 20
            ),
            MAX_ICS_FILE_BYTES,
        ));
    }
    let mut bytes = Vec::new();
    file.take(MAX_ICS_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(io)?;
    if bytes.len() as u64 > MAX_ICS_FILE_BYTES {
        return Err(too_large(
            path,
            "",
            "larger than the limit".into(),
            MAX_ICS_FILE_BYTES,
        ));
    }
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
    String::from_utf8(bytes.to_vec()).map_err(|e| ImportError::Calendar {
        path: path.into(),
        message: format!("not UTF-8 text (byte {})", e.utf8_error().valid_up_to()),
    })
}

/// The deepest `BEGIN:` nesting of the (unfolded) text.
fn nesting(text: &str) -> usize {
    let (mut depth, mut max) = (0usize, 0usize);
    for line in text.lines() {
        let l = line.trim_start();
        let starts = |p: &str| l.get(..p.len()).is_some_and(|x| x.eq_ignore_ascii_case(p));
        if starts("BEGIN:") {
            depth += 1;
            max = max.max(depth);
        } else if starts("END:") {
            depth = depth.saturating_sub(1);
        }
    }
    max
}

/// Reads the holidays of an iCalendar file that fall in `from..=to`.
pub fn read_holidays(
    path: &str,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<NaiveDate>, ImportError> {
    let text = unfold(&read_text(path)?);
    if nesting(&text) > MAX_NESTING {
        return Err(ImportError::Calendar {
            path: path.into(),
            message: format!("components nest deeper than {MAX_NESTING} levels"),
        });
    }
    let cal = read_calendar(&text).map_err(|m| ImportError::Calendar {
        path: path.into(),
        message: format!("not an iCalendar file: {}", m.lines().next().unwrap_or("")),
    })?;
    let mut r = Reader {
        path,
        from,
        to,
        dates: BTreeSet::new(),
        errors: Vec::new(),
        expanded: 0,
    };
    let mut n = 0u32;
    for c in &cal.components {
        if c.name.as_str().eq_ignore_ascii_case("VEVENT") && r.expanded <= MAX_EXPANDED_DAYS {
            n += 1;
            r.event(n, c);
        }
    }
    if r.expanded > MAX_EXPANDED_DAYS {
        return Err(too_large(
            path,
            "",
            format!(
                "the events expand to more than {} days",
                thousands(MAX_EXPANDED_DAYS)
            ),
            MAX_EXPANDED_DAYS,
        ));
    }
    if n == 0 {
        return Err(ImportError::Calendar {
            path: path.into(),
            message: "the calendar holds no events (VEVENT)".into(),
        });
    }
    if !r.errors.is_empty() {
        return Err(ImportError::Rows(r.errors));
    }
    Ok(r.dates.into_iter().collect())
}

struct Reader<'p> {
    path: &'p str,
    from: NaiveDate,
    to: NaiveDate,
    dates: BTreeSet<NaiveDate>,
    errors: Vec<RowError>,
    /// Days expanded so far, against [`MAX_EXPANDED_DAYS`].
    expanded: u64,
}

fn prop<'a>(c: &'a Component<'a>, name: &str) -> Option<&'a Property<'a>> {
    c.properties
        .iter()
        .find(|p| p.name.as_str().eq_ignore_ascii_case(name))
}

fn date(text: &str) -> Option<NaiveDate> {
    let t = text.trim();
    (t.len() == 8 && t.bytes().all(|b| b.is_ascii_digit()))
        .then(|| NaiveDate::parse_from_str(t, "%Y%m%d").ok())
        .flatten()
}

impl Reader<'_> {
    fn err(&mut self, event: u32, property: &str, reason: impl Into<String>) {
        self.errors.push(RowError {
            file: self.path.into(),
            sheet: "VEVENT".into(),
            row: event,
            column: property.into(),
            reason: reason.into(),
            kind_order: 0,
            column_order: 0,
        });
    }

    fn event(&mut self, n: u32, c: &Component<'_>) {
        if prop(c, "STATUS").is_some_and(|p| p.val.as_str().eq_ignore_ascii_case("CANCELLED")) {
            return;
        }
        let summary = prop(c, "SUMMARY")
            .map(|p| p.val.as_str().to_string())
            .unwrap_or_default();
        let Some(start) = prop(c, "DTSTART") else {
            self.err(n, "DTSTART", "the event has no start");
            return;
        };
        let Some(first) = date(start.val.as_str()) else {
            self.err(
                n,
                "DTSTART",
                format!(
                    "`{}` ({summary}) is a timed event, not a holiday: only all-day events (DTSTART;VALUE=DATE) are read",
                    start.val.as_str()
                ),
            );
            return;
        };
        let days = match prop(c, "DTEND").map(|p| date(p.val.as_str())) {
            None => 1,
            Some(Some(end)) if end > first && (end - first).num_days() <= MAX_EVENT_DAYS => {
                (end - first).num_days()
            }
            Some(_) => {
                self.err(n, "DTEND", format!("an all-day end after the start, at most {MAX_EVENT_DAYS} days later, is expected"));
                return;
            }
        };
        let mut excluded = BTreeSet::new();
        for p in c
            .properties
            .iter()
            .filter(|p| p.name.as_str().eq_ignore_ascii_case("EXDATE"))
        {
            for v in p.val.as_str().split(',') {
                match date(v) {
                    Some(d) => {
                        excluded.insert(d);
                    }
                    None => self.err(n, "EXDATE", format!("`{v}` is not an all-day date")),
                }
            }
        }
        let starts = match prop(c, "RRULE") {
            None => vec![first],
            Some(rule) => match expand(rule.val.as_str(), first, self.to) {
                Ok(v) => v,
                Err(m) => {
                    self.err(n, "RRULE", format!("{m} ({summary})"));
                    return;
                }
            },
        };
        for s in starts.into_iter().filter(|s| !excluded.contains(s)) {
            self.expanded += days as u64;
            if self.expanded > MAX_EXPANDED_DAYS {
                return;
            }
            for k in 0..days {
                let d = s + Duration::days(k);
                if d >= self.from && d <= self.to {
                    self.dates.insert(d);
                }
            }
        }
    }
}

/// The parts of a yearly rule we expand.
#[derive(Default)]
struct Rule {
    interval: i32,
    count: Option<u32>,
    until: Option<NaiveDate>,
    month: Option<u32>,
    monthday: Option<u32>,
    /// (ordinal, weekday): `4TH` is (4, Thu), `-1MO` (-1, Mon).
    byday: Option<(i32, Weekday)>,
}

fn weekday(s: &str) -> Option<Weekday> {
    Some(match s {
        "MO" => Weekday::Mon,
        "TU" => Weekday::Tue,
        "WE" => Weekday::Wed,
        "TH" => Weekday::Thu,
        "FR" => Weekday::Fri,
        "SA" => Weekday::Sat,
        "SU" => Weekday::Sun,
        _ => return None,
    })
}

fn parse_rule(text: &str) -> Result<Rule, String> {
    let mut r = Rule {
        interval: 1,
        ..Rule::default()
    };
    let mut yearly = false;
    for part in text.split(';').filter(|p| !p.is_empty()) {
        let (k, v) = part
            .split_once('=')
            .ok_or(format!("`{part}` is not KEY=VALUE"))?;
        let bad = || format!("{k}={v} is not supported in a holiday rule");
        match k.to_ascii_uppercase().as_str() {
            "FREQ" if v.eq_ignore_ascii_case("YEARLY") => yearly = true,
            "FREQ" => break,
            "INTERVAL" => {
                r.interval = v
                    .parse()
                    .ok()
                    .filter(|i| (1..=100).contains(i))
                    .ok_or_else(bad)?
            }
            "COUNT" => {
                r.count = Some(
                    v.parse()
                        .ok()
                        .filter(|c| (1..=1000).contains(c))
                        .ok_or_else(bad)?,
                )
            }
            "UNTIL" => r.until = Some(date(v.get(..8).unwrap_or(v)).ok_or_else(bad)?),
            "BYMONTH" => {
                r.month = Some(
                    v.parse()
                        .ok()
                        .filter(|m| (1..=12).contains(m))
                        .ok_or_else(bad)?,
                )
            }
            "BYMONTHDAY" => {
                r.monthday = Some(
                    v.parse()
                        .ok()
                        .filter(|d| (1..=31).contains(d))
                        .ok_or_else(bad)?,
                )
            }
            "BYDAY" => {
                let split = v.len().checked_sub(2).ok_or_else(bad)?;
                let (ord, day) = (
                    v.get(..split).ok_or_else(bad)?,
                    v.get(split..).ok_or_else(bad)?,
                );
                let ord: i32 = ord
                    .trim_start_matches('+')
                    .parse()
                    .ok()
                    .filter(|o: &i32| (1..=5).contains(&o.abs()))
                    .ok_or_else(bad)?;
                r.byday = Some((ord, weekday(day).ok_or_else(bad)?));
            }
            "WKST" => {}
            _ => return Err(bad()),
        }
    }
    if !yearly {
        return Err(format!(
            "`{text}`: only yearly rules (FREQ=YEARLY) are holidays"
        ));
    }
    Ok(r)
}

/// The `ord`-th `wd` of a month (negative: from the end), if it exists.
fn nth_weekday(year: i32, month: u32, ord: i32, wd: Weekday) -> Option<NaiveDate> {
    if ord > 0 {
        NaiveDate::from_weekday_of_month_opt(year, month, wd, ord as u8)
    } else {
        let next = if month == 12 {
            NaiveDate::from_ymd_opt(year + 1, 1, 1)?
        } else {
            NaiveDate::from_ymd_opt(year, month + 1, 1)?
        };
        let last = next.pred_opt()?;
        let back = (7 + last.weekday().num_days_from_monday() - wd.num_days_from_monday()) % 7;
        let d = last - Duration::days(i64::from(back) + 7 * i64::from(-ord - 1));
        (d.month() == month).then_some(d)
    }
}

/// The starts of a yearly rule from `first` up to `to` (and its own
/// `UNTIL` or `COUNT`). Years where the date does not exist (29 February)
/// are skipped, as RFC 5545 says.
fn expand(text: &str, first: NaiveDate, to: NaiveDate) -> Result<Vec<NaiveDate>, String> {
    let r = parse_rule(text)?;
    let month = r.month.unwrap_or(first.month());
    let mut out = Vec::new();
    let mut year = first.year();
    let end = r.until.map_or(to, |u| u.min(to));
    while year <= end.year() {
        let d = match r.byday {
            Some((ord, wd)) => nth_weekday(year, month, ord, wd),
            None => NaiveDate::from_ymd_opt(year, month, r.monthday.unwrap_or(first.day())),
        };
        if let Some(d) = d.filter(|d| *d >= first && *d <= end) {
            out.push(d);
            if r.count.is_some_and(|c| out.len() as u32 >= c) {
                break;
            }
        }
        year += r.interval;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn yearly_rules_expand_to_dates() {
        let to = d(2029, 12, 31);
        assert_eq!(
            expand("FREQ=YEARLY", d(2026, 12, 25), to).unwrap(),
            [
                d(2026, 12, 25),
                d(2027, 12, 25),
                d(2028, 12, 25),
                d(2029, 12, 25)
            ]
        );
        // Thanksgiving: the fourth Thursday of November.
        assert_eq!(
            expand(
                "FREQ=YEARLY;BYMONTH=11;BYDAY=4TH",
                d(2026, 11, 26),
                d(2028, 12, 31)
            )
            .unwrap(),
            [d(2026, 11, 26), d(2027, 11, 25), d(2028, 11, 23)]
        );
        // Memorial Day: the last Monday of May; COUNT stops it.
        assert_eq!(
            expand(
                "FREQ=YEARLY;BYMONTH=5;BYDAY=-1MO;COUNT=2",
                d(2026, 5, 25),
                to
            )
            .unwrap(),
            [d(2026, 5, 25), d(2027, 5, 31)]
        );
        assert_eq!(
            expand(
                "FREQ=YEARLY;UNTIL=20271231T000000Z;INTERVAL=1",
                d(2026, 1, 1),
                to
            )
            .unwrap(),
            [d(2026, 1, 1), d(2027, 1, 1)]
        );
        assert!(expand("FREQ=MONTHLY", d(2026, 1, 1), to).is_err());
        assert!(expand("FREQ=YEARLY;BYWEEKNO=20", d(2026, 1, 1), to).is_err());
        assert!(expand("FREQ=YEARLY;BYDAY=X", d(2026, 1, 1), to).is_err());
    }

    #[test]
    fn deep_nesting_is_refused_before_parsing() {
        let text = "BEGIN:A\n".repeat(10);
        assert_eq!(nesting(&text), 10);
    }
}
