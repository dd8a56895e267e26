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
        scan(text).or_else(|| parsed(text))
    }
}

/// The guess by a TOML parser: any way of writing the keys.
fn parsed(text: &str) -> Option<TermsScope> {
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

/// The guess by a line scan of the shape terms files are written in:
/// `[contract]` with `timezone = "..."`, and `[[services]]` tables each
/// with `id = "..."`. A 2,000-SLA file is parsed in a tenth of the time it
/// takes the TOML parser, which the read waited for (issue 15). Gives up
/// (`None`) on anything it does not plainly understand: multi-line strings,
/// escapes, quoted or odd table headers, a key stated twice, a service
/// without an id. A wrong guess costs only a second read.
fn scan(text: &str) -> Option<TermsScope> {
    enum In {
        Contract,
        Service,
        Other,
    }
    let multi_line = |quotes: &[u8]| memchr::memmem::find(text.as_bytes(), quotes).is_some();
    if multi_line(b"\"\"\"") || multi_line(b"'''") {
        return None;
    }
    let mut at = In::Other;
    let mut timezone: Option<&str> = None;
    let mut ids: Vec<Option<&str>> = Vec::new();
    let bytes = text.as_bytes();
    let mut pos = 0;
    while pos < bytes.len() {
        // In any other table only the next header matters: jump to the
        // next line that starts with `[`. (An indented header is missed
        // there; the guess then differs, and only costs a second read.)
        if matches!(at, In::Other) && bytes[pos] != b'[' {
            match memchr::memmem::find(&bytes[pos..], b"\n[") {
                Some(i) => pos += i + 1,
                None => break,
            }
        }
        let end = memchr::memchr(b'\n', &bytes[pos..]).map_or(bytes.len(), |i| pos + i);
        let line = text[pos..end].trim_start();
        pos = end + 1;
        if line.starts_with('[') {
            at = match header(line)? {
                "[contract]" => In::Contract,
                "[[services]]" => {
                    ids.push(None);
                    In::Service
                }
                _ => In::Other,
            };
            continue;
        }
        let (slot, key) = match at {
            In::Contract => (&mut timezone, "timezone"),
            In::Service => (ids.last_mut()?, "id"),
            In::Other => continue,
        };
        if let Some(value) = value_of(line, key) {
            if slot.is_some() {
                return None;
            }
            *slot = Some(plain_string(value)?);
        }
    }
    Some(TermsScope {
        timezone: timezone?.trim().parse().ok()?,
        service_ids: ids
            .into_iter()
            .map(|id| id.map(|s| s.trim().to_string()))
            .collect::<Option<_>>()?,
    })
}

/// A table header of bare keys, its comment cut off; `None` otherwise (a
/// line of a multi-line array, a quoted key).
fn header(line: &str) -> Option<&str> {
    let h = line.split_once('#').map_or(line, |(h, _)| h).trim();
    let inner = h.trim_start_matches('[').trim_end_matches(']');
    let bare = |c: char| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.');
    let brackets = h.len() - inner.len();
    (inner.chars().all(bare) && !inner.is_empty() && (brackets == 2 || brackets == 4)).then_some(h)
}

/// The value text of `key = value`, when the line states that key.
fn value_of<'t>(line: &'t str, key: &str) -> Option<&'t str> {
    let rest = line.strip_prefix(key)?;
    let v = rest.trim_start().strip_prefix('=')?;
    Some(v.trim())
}

/// A one-line string without escapes, then only a comment.
fn plain_string(value: &str) -> Option<&str> {
    let quote = value.chars().next().filter(|q| matches!(q, '"' | '\''))?;
    let rest = &value[1..];
    let end = rest.find(quote)?;
    let after = rest[end + 1..].trim_start();
    let s = &rest[..end];
    (!s.contains('\\') && (after.is_empty() || after.starts_with('#'))).then_some(s)
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
    fn issue15_the_line_scan_reads_what_the_parser_reads() {
        assert_eq!(scan(TERMS), parsed(TERMS));
        assert!(scan(TERMS).is_some());
        // Every terms file of the golden cases and the demo: where the
        // scan answers, it answers as the parser does.
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures");
        let mut files = Vec::new();
        let mut dirs = vec![root];
        while let Some(d) = dirs.pop() {
            for e in std::fs::read_dir(&d).unwrap().flatten() {
                let p = e.path();
                if p.is_dir() {
                    dirs.push(p);
                } else if p.extension().is_some_and(|x| x == "toml") {
                    files.push(p);
                }
            }
        }
        let mut scanned = 0;
        for f in &files {
            let text = std::fs::read_to_string(f).unwrap();
            if let Some(s) = scan(&text) {
                assert_eq!(Some(s), parsed(&text), "{}", f.display());
                scanned += 1;
            }
        }
        assert!(scanned >= 50, "{scanned} of {} files scanned", files.len());
    }

    #[test]
    fn issue15_the_line_scan_gives_up_on_what_it_does_not_plainly_understand() {
        let cases = [
            // A multi-line string could hold anything that looks like a key.
            TERMS.replace(
                "schema",
                "notes = \"\"\"\n[[services]]\nid = \"x\"\n\"\"\"\nschema",
            ),
            // A line of a multi-line array that starts like a header.
            TERMS.replace("schema", "grid = [\n[1, 2],\n]\nschema"),
            TERMS.replace("[contract]", "[ \"contract\" ]"),
            TERMS.replace("id = \"db\"", "id = \"d\\u0062\""),
            TERMS.replace("id = \"db\"", "name = \"db\""),
            TERMS.replace("timezone =", "timezone = \"UTC\"\ntimezone ="),
            TERMS.replace("[contract]", "contract = { timezone = \"UTC\" }\n[other]"),
        ];
        for text in &cases {
            assert_eq!(scan(text), None, "{text}");
        }
        // The parser still guesses where the file states the scope another way.
        let escaped = &cases[3];
        let guess = TermsScope::guess(escaped).expect("the parser reads escapes");
        assert_eq!(guess.service_ids, ["api", "db"]);
        let inline = &cases[6];
        assert_eq!(
            TermsScope::guess(inline).map(|g| g.timezone),
            Some(chrono_tz::UTC)
        );
        // A comment after a value or a header is fine.
        let commented = TERMS
            .replace("[contract]", "[contract] # who")
            .replace("id = \"db\"", "id = 'db' # the database");
        assert_eq!(scan(&commented), parsed(TERMS));
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
