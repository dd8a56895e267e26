//! Values written as strings in a terms file: dates, downtime roundings
//! and working-hour spans. Each returns the message a problem is listed
//! with; the caller adds the key path.

use super::Rounding;
use crate::duration::parse_duration;
use chrono::NaiveDate;

/// A date written `YYYY-MM-DD` (exactly: chrono alone would also take
/// `2026-1-5`).
pub fn parse_date(text: &str) -> Result<NaiveDate, String> {
    let ok = text.len() == 10 && text.as_bytes()[4] == b'-' && text.as_bytes()[7] == b'-';
    ok.then(|| NaiveDate::parse_from_str(text, "%Y-%m-%d").ok())
        .flatten()
        .ok_or_else(|| format!("`{text}` is not a date written YYYY-MM-DD"))
}

pub(super) fn parse_rounding(text: &str) -> Result<Rounding, String> {
    if text == "none" {
        return Ok(Rounding::None);
    }
    let (kind, unit) = text.split_once(':').ok_or_else(|| {
        format!("`{text}` is not a rounding (\"none\", \"ceil:1m\", \"floor:1m\", \"buckets:5m\")")
    })?;
    let unit = parse_duration(unit)?;
    if unit <= 0 {
        return Err(format!(
            "`{text}`: the rounding unit must be longer than 0s"
        ));
    }
    match kind {
        "ceil" => Ok(Rounding::Ceil(unit)),
        "floor" => Ok(Rounding::Floor(unit)),
        "buckets" => Ok(Rounding::Buckets(unit)),
        _ => Err(format!(
            "`{text}` is not a rounding (\"none\", \"ceil:1m\", \"floor:1m\", \"buckets:5m\")"
        )),
    }
}

/// `"08:00-12:00,13:00-17:00"` -> merged spans in seconds after midnight.
pub(super) fn parse_spans(text: &str) -> Result<Vec<(u32, u32)>, String> {
    let mut spans = Vec::new();
    if text.trim().is_empty() {
        return Ok(spans);
    }
    for part in text.split(',') {
        let bad = || format!("`{}` is not a span like \"09:00-17:00\"", part.trim());
        let (a, b) = part.trim().split_once('-').ok_or_else(bad)?;
        let hm = |s: &str, allow_24: bool| -> Option<u32> {
            let (h, m) = s.trim().split_once(':')?;
            if h.len() != 2 || m.len() != 2 {
                return None;
            }
            let (h, m): (u32, u32) = (h.parse().ok()?, m.parse().ok()?);
            match (h, m) {
                (24, 0) if allow_24 => Some(86_400),
                (0..=23, 0..=59) => Some(h * 3600 + m * 60),
                _ => None,
            }
        };
        let (s, e) = (hm(a, false).ok_or_else(bad)?, hm(b, true).ok_or_else(bad)?);
        if s >= e {
            return Err(format!(
                "`{}`: a span must end after it starts and may not cross midnight",
                part.trim()
            ));
        }
        spans.push((s, e));
    }
    spans.sort_unstable();
    let mut merged: Vec<(u32, u32)> = Vec::new();
    for (s, e) in spans {
        match merged.last_mut() {
            Some(last) if s <= last.1 => last.1 = last.1.max(e),
            _ => merged.push((s, e)),
        }
    }
    Ok(merged)
}
