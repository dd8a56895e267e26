//! Cell values as the workbook readers produce them: numbers, Excel date
//! serials, ISO dates and error codes turned into [`Cell`]s exactly as the
//! calamine-based reader did (the fixture comparison test pins this), except
//! that a date outside [`MIN_YEAR`]..=[`MAX_YEAR`] becomes
//! [`Cell::Invalid`] (a row error where the column is read) instead of a
//! panic or a far-away instant.

use crate::limits::{MAX_YEAR, MIN_YEAR};
use crate::sheet::{Cell, InvalidCell};
use chrono::{Datelike, NaiveDate, NaiveDateTime, TimeDelta};

/// What a cell's number format makes of a number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum NumFmt {
    Other,
    DateTime,
    /// Elapsed time such as `[h]:mm`: kept as the number.
    Duration,
}

/// Whether a custom number format code shows a date or time: a date or
/// time letter outside quotes, brackets and escapes, in the first section.
/// The same rules as calamine's `detect_custom_number_format`.
pub(crate) fn custom_format(format: &str) -> NumFmt {
    let mut escaped = false;
    let mut is_quote = false;
    let mut brackets = 0u8;
    let mut prev = ' ';
    let mut hms = false;
    let mut ap = false;
    for s in format.chars() {
        match (s, escaped, is_quote, ap, brackets) {
            (_, true, ..) => escaped = false,
            ('_' | '\\' | '*', ..) => escaped = true,
            ('"', _, true, _, _) => is_quote = false,
            (_, _, true, _, _) => (),
            ('"', _, _, _, _) => is_quote = true,
            (';', ..) => return NumFmt::Other,
            ('[', ..) => brackets = brackets.saturating_add(1),
            (']', .., 1) if hms => return NumFmt::Duration,
            (']', ..) => brackets = brackets.saturating_sub(1),
            ('a' | 'A', _, _, false, 0) => ap = true,
            ('p' | 'm' | '/' | 'P' | 'M', _, _, true, 0) => return NumFmt::DateTime,
            ('d' | 'm' | 'h' | 'y' | 's' | 'D' | 'M' | 'H' | 'Y' | 'S', _, _, false, 0) => {
                return NumFmt::DateTime
            }
            _ => {
                if !(hms && s.eq_ignore_ascii_case(&prev)) {
                    hms = prev == '[' && matches!(s, 'm' | 'h' | 's' | 'M' | 'H' | 'S');
                }
            }
        }
        prev = s;
    }
    NumFmt::Other
}

/// Built-in number formats by id: 14-22, 27-36, 45, 47 and 50-58 are dates
/// and times, 46 (`[h]:mm:ss`) is a duration.
pub(crate) fn builtin_format(id: u32) -> NumFmt {
    match id {
        14..=22 | 27..=36 | 45 | 47 | 50..=58 => NumFmt::DateTime,
        46 => NumFmt::Duration,
        _ => NumFmt::Other,
    }
}

/// The same, for an xlsx `numFmtId` attribute as written (calamine matches
/// the decimal text, so `014` is not 14).
pub(crate) fn builtin_format_text(id: &str) -> NumFmt {
    let canonical = id.parse::<u32>().ok().filter(|n| n.to_string() == id);
    canonical.map_or(NumFmt::Other, builtin_format)
}

/// Rust's shortest round-trip decimal, never in exponent notation.
pub(crate) fn float_text(f: f64) -> String {
    format!("{f}")
}

/// A number cell under its format.
pub(crate) fn number_cell(v: f64, fmt: Option<NumFmt>, is_1904: bool) -> Cell {
    match fmt {
        Some(NumFmt::DateTime) => serial_cell(v, is_1904),
        _ => Cell::Number(float_text(v)),
    }
}

fn excel_epoch() -> NaiveDateTime {
    NaiveDate::from_ymd_opt(1899, 12, 30)
        .unwrap_or_default()
        .and_hms_opt(0, 0, 0)
        .unwrap_or_default()
}

fn out_of_range(text: String) -> Cell {
    let reason = format!("date {text} is outside the years {MIN_YEAR}-{MAX_YEAR}");
    Cell::Invalid(Box::new(InvalidCell { text, reason }))
}

/// An Excel serial date-time (days since 1899-12-30, with the 1900 leap
/// year bug below 60), to the millisecond, as calamine computes it.
pub(crate) fn serial_cell(value: f64, is_1904: bool) -> Cell {
    let f = if is_1904 { value + 1462.0 } else { value };
    let f = if f >= 60.0 { f } else { f + 1.0 };
    let ms = (f * 86_400_000.0).round();
    let epoch = excel_epoch();
    let lo = NaiveDate::from_ymd_opt(MIN_YEAR, 1, 1)
        .unwrap_or_default()
        .and_hms_opt(0, 0, 0)
        .unwrap_or_default();
    let hi = NaiveDate::from_ymd_opt(MAX_YEAR + 1, 1, 1)
        .unwrap_or_default()
        .and_hms_opt(0, 0, 0)
        .unwrap_or_default();
    let lo_ms = (lo - epoch).num_milliseconds() as f64;
    let hi_ms = (hi - epoch).num_milliseconds() as f64;
    // NaN fails both comparisons.
    if ms >= lo_ms && ms < hi_ms {
        if let Some(n) =
            TimeDelta::try_milliseconds(ms as i64).and_then(|d| epoch.checked_add_signed(d))
        {
            return Cell::DateTime(n);
        }
    }
    let shown = if value.abs() >= 1e15 {
        format!("{value:e}")
    } else {
        float_text(value)
    };
    out_of_range(format!("serial {shown}"))
}

/// An ISO date-time as ods `office:date-value` and xlsx `t="d"` cells hold
/// it: a date-time if it parses (`2026-10-05T09:00:00[.fff]`), otherwise
/// the text with `T` as a space (a date alone stays text, as before).
pub(crate) fn iso_cell(s: &str) -> Cell {
    match NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S%.f") {
        Ok(n) if (MIN_YEAR..=MAX_YEAR).contains(&n.year()) => Cell::DateTime(n),
        Ok(_) => out_of_range(s.to_string()),
        Err(_) => Cell::Text(s.replace('T', " ")),
    }
}

/// An error cell as calamine's `CellErrorType` printed with `{:?}`.
pub(crate) fn error_cell(name: &str) -> Cell {
    Cell::Text(format!("#{name}"))
}

/// The xlsx error value (`#DIV/0!` ...) to its calamine name.
pub(crate) fn xlsx_error_name(v: &str) -> Option<&'static str> {
    Some(match v {
        "#DIV/0!" => "Div0",
        "#N/A" => "NA",
        "#NAME?" => "Name",
        "#NULL!" => "Null",
        "#NUM!" => "Num",
        "#REF!" => "Ref",
        "#VALUE!" => "Value",
        _ => return None,
    })
}

/// The BIFF error code to its calamine name.
pub(crate) fn biff_error_name(code: u8) -> Option<&'static str> {
    Some(match code {
        0x00 => "Null",
        0x07 => "Div0",
        0x0F => "Value",
        0x17 => "Ref",
        0x1D => "Name",
        0x24 => "Num",
        0x2A => "NA",
        0x2B => "GettingData",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dt(s: &str) -> Cell {
        Cell::DateTime(NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S%.f").unwrap())
    }

    #[test]
    fn serials_become_date_times_in_range_and_row_errors_outside() {
        assert_eq!(serial_cell(46000.5, false), dt("2025-12-09 12:00:00"));
        assert_eq!(serial_cell(1.0, false), dt("1900-01-01 00:00:00"));
        assert_eq!(serial_cell(0.0, true), dt("1904-01-01 00:00:00"));
        // 2199-12-31 is serial 109574 (1900 system).
        assert_eq!(serial_cell(109_574.5, false), dt("2199-12-31 12:00:00"));
        for bad in [
            0.5,
            -1.0,
            109_575.0,
            1e300,
            -1e300,
            f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
        ] {
            match serial_cell(bad, false) {
                Cell::Invalid(i) => {
                    assert!(
                        i.reason.ends_with("is outside the years 1900-2199"),
                        "{bad}: {}",
                        i.reason
                    )
                }
                other => panic!("{bad}: {other:?}"),
            }
        }
        match serial_cell(3_000_000.0, false) {
            Cell::Invalid(i) => {
                assert_eq!(
                    i.reason,
                    "date serial 3000000 is outside the years 1900-2199"
                );
                assert_eq!(i.text, "serial 3000000");
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn iso_dates_and_formats() {
        assert_eq!(iso_cell("2026-10-05T09:00:00"), dt("2026-10-05 09:00:00"));
        assert_eq!(iso_cell("2026-10-05"), Cell::Text("2026-10-05".into()));
        assert!(matches!(iso_cell("1850-01-01T00:00:00"), Cell::Invalid(_)));
        assert!(matches!(
            iso_cell("+99999-01-01T00:00:00"),
            Cell::Invalid(_)
        ));
        assert_eq!(iso_cell("soon"), Cell::Text("soon".into()));
        assert_eq!(custom_format("yyyy-mm-dd hh:mm:ss"), NumFmt::DateTime);
        assert_eq!(custom_format("[h]:mm:ss"), NumFmt::Duration);
        assert_eq!(custom_format("0.00"), NumFmt::Other);
        assert_eq!(custom_format("\"Y: \"0.00"), NumFmt::Other);
        assert_eq!(builtin_format_text("14"), NumFmt::DateTime);
        assert_eq!(builtin_format_text("014"), NumFmt::Other);
        assert_eq!(builtin_format_text("46"), NumFmt::Duration);
        assert_eq!(builtin_format(2), NumFmt::Other);
    }
}
