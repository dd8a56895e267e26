//! Numbers, amounts and times for people (issue 16): the reader's locale
//! for separators, date order and where the currency goes, and the
//! contract's time zone (with its abbreviation) for instants. Figures stay
//! exact: an amount is regrouped from its decimal text, never re-rounded
//! through a float. Data and the sla-result JSON stay in UTC.

use chrono::{DateTime, TimeZone};
use chrono_tz::Tz;
use sla_engine::num::pad_places;

/// The locales statements and the app are written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Locale {
    #[default]
    EnUs,
    EnGb,
    DeDe,
    FrFr,
}

impl Locale {
    pub const ALL: [Locale; 4] = [Locale::EnUs, Locale::EnGb, Locale::DeDe, Locale::FrFr];

    /// The BCP 47 tag: `en-US`, `en-GB`, `de-DE`, `fr-FR`.
    pub fn tag(self) -> &'static str {
        match self {
            Locale::EnUs => "en-US",
            Locale::EnGb => "en-GB",
            Locale::DeDe => "de-DE",
            Locale::FrFr => "fr-FR",
        }
    }

    /// A tag or a POSIX locale name (`de_DE.UTF-8`); the language alone
    /// picks its main country (`de` is de-DE, `en` is en-US).
    pub fn parse(s: &str) -> Option<Locale> {
        let s = s
            .split(['.', '@'])
            .next()?
            .replace('_', "-")
            .to_ascii_lowercase();
        let exact = Locale::ALL
            .into_iter()
            .find(|l| l.tag().eq_ignore_ascii_case(&s));
        exact.or_else(|| match s.split('-').next()? {
            "en" => Some(Locale::EnUs),
            "de" => Some(Locale::DeDe),
            "fr" => Some(Locale::FrFr),
            _ => None,
        })
    }

    /// From `LC_ALL`, `LC_NUMERIC` or `LANG`, else en-US: a statement
    /// written without a chosen locale follows the machine's.
    pub fn from_env() -> Locale {
        ["LC_ALL", "LC_NUMERIC", "LANG"]
            .iter()
            .filter_map(|k| std::env::var(k).ok())
            .find_map(|v| Locale::parse(&v))
            .unwrap_or_default()
    }

    fn separators(self) -> (&'static str, &'static str) {
        match self {
            Locale::EnUs | Locale::EnGb => (",", "."),
            Locale::DeDe => (".", ","),
            // French groups with a narrow no-break space.
            Locale::FrFr => ("\u{202f}", ","),
        }
    }

    /// An exact decimal text with `places` places (padded, never rounded)
    /// in this locale: `1234.5` is `1,234.50`, `1.234,50`, `1 234,50`.
    pub fn number(self, s: &str, places: u32) -> String {
        let padded = pad_places(s, places);
        let (sign, digits) = match padded.strip_prefix('-') {
            Some(rest) => ("-", rest.to_string()),
            None => ("", padded.clone()),
        };
        let (int, frac) = match digits.split_once('.') {
            Some((i, f)) => (i.to_string(), Some(f.to_string())),
            None => (digits, None),
        };
        let (group, decimal) = self.separators();
        let mut grouped = String::new();
        for (i, c) in int.chars().enumerate() {
            if i > 0 && (int.len() - i) % 3 == 0 {
                grouped.push_str(group);
            }
            grouped.push(c);
        }
        match frac {
            Some(f) => format!("{sign}{grouped}{decimal}{f}"),
            None => format!("{sign}{grouped}"),
        }
    }

    /// An amount with its currency where this locale puts it: `USD 1,234.50`
    /// in English, `1.234,50 USD` in German, `1 234,50 USD` in French.
    pub fn money(self, currency: &str, s: &str, places: u32) -> String {
        let n = self.number(s, places);
        match self {
            Locale::EnUs | Locale::EnGb => format!("{currency} {n}"),
            Locale::DeDe | Locale::FrFr => format!("{n}\u{a0}{currency}"),
        }
    }

    /// An instant in the contract's zone with the zone's abbreviation, in
    /// this locale's date order: `Oct 3, 2026 10:00 EDT`, `3 Oct 2026 15:00
    /// BST`, `03.10.2026 16:00 CEST`, `03/10/2026 16:00 CEST`.
    pub fn instant(self, tz: Tz, t: i64) -> String {
        let Some(utc) = DateTime::from_timestamp(t, 0) else {
            return t.to_string();
        };
        let local = tz.from_utc_datetime(&utc.naive_utc());
        let pattern = match self {
            Locale::EnUs => "%b %-d, %Y %H:%M %Z",
            Locale::EnGb => "%-d %b %Y %H:%M %Z",
            Locale::DeDe => "%d.%m.%Y %H:%M %Z",
            Locale::FrFr => "%d/%m/%Y %H:%M %Z",
        };
        local.format(pattern).to_string()
    }

    /// An RFC 3339 UTC text (as results hold instants) in the contract's
    /// zone; text that is not an instant is returned as it is.
    pub fn instant_text(self, tz: Tz, utc: &str) -> String {
        match sla_engine::time::parse_instant(utc, chrono_tz::UTC) {
            Ok(t) if !utc.is_empty() => self.instant(tz, t),
            _ => utc.to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_and_amounts_in_each_locale() {
        let cases = [
            (Locale::EnUs, "USD 1,234,567.50"),
            (Locale::EnGb, "USD 1,234,567.50"),
            (Locale::DeDe, "1.234.567,50\u{a0}USD"),
            (Locale::FrFr, "1\u{202f}234\u{202f}567,50\u{a0}USD"),
        ];
        for (l, want) in cases {
            assert_eq!(l.money("USD", "1234567.5", 2), want, "{l:?}");
        }
        assert_eq!(Locale::DeDe.number("-3000", 0), "-3.000");
        assert_eq!(Locale::EnUs.number("999", 2), "999.00");
        // Exact: more places than asked are kept, never rounded.
        assert_eq!(Locale::DeDe.number("22.2222", 2), "22,2222");
    }

    #[test]
    fn instants_in_the_contracts_zone_across_dst() {
        use chrono_tz::{America::New_York, Europe::London};
        // 2026-03-08 07:30Z is 03:30 EDT (after the spring gap), 06:30Z is
        // 01:30 EST; London changes on 2026-10-25 at 01:00 UTC.
        assert_eq!(
            Locale::EnUs.instant(New_York, 1_772_955_000),
            "Mar 8, 2026 03:30 EDT"
        );
        assert_eq!(
            Locale::EnUs.instant(New_York, 1_772_951_400),
            "Mar 8, 2026 01:30 EST"
        );
        assert_eq!(
            Locale::EnGb.instant(London, 1_792_888_200),
            "25 Oct 2026 01:30 BST"
        );
        assert_eq!(
            Locale::EnGb.instant(London, 1_792_896_000),
            "25 Oct 2026 02:40 GMT"
        );
        assert_eq!(
            Locale::DeDe.instant(chrono_tz::Europe::Berlin, 1_791_036_000),
            "03.10.2026 16:00 CEST"
        );
        assert_eq!(
            Locale::EnUs.instant_text(New_York, "2026-10-03T14:00:00Z"),
            "Oct 3, 2026 10:00 EDT"
        );
        assert_eq!(Locale::EnUs.instant_text(New_York, ""), "");
    }

    #[test]
    fn locale_names_from_settings_and_the_environment() {
        assert_eq!(Locale::parse("de_DE.UTF-8"), Some(Locale::DeDe));
        assert_eq!(Locale::parse("en-gb"), Some(Locale::EnGb));
        assert_eq!(Locale::parse("fr"), Some(Locale::FrFr));
        assert_eq!(Locale::parse("C"), None);
    }
}
