//! Durations as written in terms files: `90s`, `5m`, `72h`, `2d`, `1h30m`.
//! Units d, h, m, s in that order, each at most once; `1d` is 86,400 s of
//! elapsed time. Bare numbers are rejected: `"5"` could mean anything.

pub fn parse_duration(text: &str) -> Result<i64, String> {
    let bad =
        || format!("`{text}` is not a duration (write e.g. \"90s\", \"5m\", \"72h\", \"1h30m\")");
    let mut rest = text.trim();
    if rest.is_empty() {
        return Err(bad());
    }
    let units = [('d', 86_400i64), ('h', 3_600), ('m', 60), ('s', 1)];
    let mut next_unit = 0;
    let mut total: i64 = 0;
    while !rest.is_empty() {
        let digits = rest.bytes().take_while(|b| b.is_ascii_digit()).count();
        if digits == 0 || digits == rest.len() {
            return Err(bad());
        }
        let unit = rest[digits..].chars().next().ok_or_else(bad)?;
        let pos = units[next_unit..]
            .iter()
            .position(|(u, _)| *u == unit)
            .ok_or_else(bad)?;
        let (_, secs) = units[next_unit + pos];
        next_unit += pos + 1;
        let n: i64 = rest[..digits].parse().map_err(|_| bad())?;
        total = n
            .checked_mul(secs)
            .and_then(|v| total.checked_add(v))
            .ok_or_else(bad)?;
        rest = &rest[digits + unit.len_utf8()..];
    }
    Ok(total)
}

/// Writes seconds back in the same notation (`3600` -> `1h`), for traces.
pub fn fmt_duration(seconds: i64) -> String {
    if seconds == 0 {
        return "0s".into();
    }
    let mut s = String::new();
    let mut rest = seconds;
    for (unit, size) in [("d", 86_400), ("h", 3_600), ("m", 60), ("s", 1)] {
        if rest >= size {
            s.push_str(&format!("{}{unit}", rest / size));
            rest %= size;
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_units_in_order() {
        assert_eq!(parse_duration("90s"), Ok(90));
        assert_eq!(parse_duration("5m"), Ok(300));
        assert_eq!(parse_duration("72h"), Ok(259_200));
        assert_eq!(parse_duration("2d"), Ok(172_800));
        assert_eq!(parse_duration("1h30m"), Ok(5_400));
        assert_eq!(parse_duration("1d2h3m4s"), Ok(93_784));
        assert_eq!(parse_duration("0s"), Ok(0));
    }

    #[test]
    fn rejects_bare_numbers_repeats_and_disorder() {
        for bad in [
            "", "5", "m", "30m1h", "1h1h", "1.5h", "1w", "-5m", "5 m", "1h30",
        ] {
            assert!(parse_duration(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn formats_back() {
        assert_eq!(fmt_duration(5_400), "1h30m");
        assert_eq!(fmt_duration(9_975), "2h46m15s");
    }
}
