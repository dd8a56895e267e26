//! What reading events needs of the terms: the contract's time zone (for
//! times written without an offset) and the service ids (a row's service
//! must be one of them). The stateless compute reads a large event file
//! while the terms are being checked (issue 15). It starts that read from a
//! scope taken straight from the text, and keeps the read only when the
//! checked terms have the same scope.

use super::Terms;
use chrono_tz::Tz;
use serde::Deserialize;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TermsScope {
    pub timezone: Tz,
    /// In the terms' order.
    pub service_ids: Vec<String>,
}

impl Terms {
    /// The scope of checked terms.
    pub fn scope(&self) -> TermsScope {
        TermsScope {
            timezone: self.contract.timezone,
            service_ids: self.services.iter().map(|s| s.id.clone()).collect(),
        }
    }
}

/// The only keys a guess looks at; serde skips every other one.
#[derive(Deserialize)]
struct Head {
    contract: HeadContract,
    #[serde(default)]
    services: Vec<HeadService>,
}

#[derive(Deserialize)]
struct HeadContract {
    timezone: String,
}

#[derive(Deserialize)]
struct HeadService {
    id: String,
}

impl TermsScope {
    /// The scope a terms file states, read as the reader reads those keys
    /// (trimmed) but without checking anything else. `None` when the text
    /// does not plainly state it: not TOML, no zone or one that is not an
    /// IANA name, a service without a string id. Only a guess: compare it
    /// with the checked terms' [`Terms::scope`] before keeping anything
    /// read with it (an invalid file can state a scope and still fail).
    pub fn guess(text: &str) -> Option<TermsScope> {
        let head: Head = toml::from_str(text).ok()?;
        Some(TermsScope {
            timezone: head.contract.timezone.trim().parse().ok()?,
            service_ids: head
                .services
                .into_iter()
                .map(|s| s.id.trim().to_string())
                .collect(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TERMS: &str = r#"
schema = "sla-terms/1"
[contract]
id = "C"
currency = "USD"
timezone = " Europe/Berlin "
effective_from = "2026-01-01"
[[services]]
id = " api "
monthly_fee = "100.00"
[[services]]
id = "db"
monthly_fee = "50"
[[slas]]
id = "api-availability"
service = "api"
kind = "availability"
target = "99.9"
  [slas.credit]
  schedule = "tiers"
  tiers = [{ below = "99.9", percent = "10" }]
"#;

    #[test]
    fn issue15_a_guessed_scope_is_the_checked_terms_scope() {
        let guess = TermsScope::guess(TERMS).expect("a plain file states its scope");
        let terms = Terms::parse(TERMS).expect("valid terms");
        assert_eq!(guess, terms.scope());
        assert_eq!(guess.timezone, chrono_tz::Europe::Berlin);
        assert_eq!(guess.service_ids, ["api", "db"]);
    }

    #[test]
    fn issue15_no_guess_where_the_text_does_not_plainly_state_a_scope() {
        assert_eq!(TermsScope::guess("not = [toml"), None);
        assert_eq!(
            TermsScope::guess(&TERMS.replace("[contract]", "[other]")),
            None
        );
        let no_zone = TERMS.replace(" Europe/Berlin ", "Mars/Olympus");
        assert_eq!(TermsScope::guess(&no_zone), None);
        assert_eq!(
            TermsScope::guess(&TERMS.replace("id = \"db\"", "id = 7")),
            None
        );
    }

    #[test]
    fn issue15_a_guess_can_differ_from_what_checked_terms_keep() {
        // A service with a bad fee is stated but not kept: a caller that
        // compares the two reads the events again with the checked scope.
        let bad_fee = TERMS.replace("\"50\"", "\"fifty\"");
        let guess = TermsScope::guess(&bad_fee).expect("the scope is stated");
        assert_eq!(guess.service_ids, ["api", "db"]);
        assert!(Terms::parse(&bad_fee).is_err());
    }
}
