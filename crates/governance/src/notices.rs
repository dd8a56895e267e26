//! Breach notices: drafts for legal and for customer success from editable
//! templates, one per breached statement line. A template's first line is
//! `Subject: ...`; placeholders are `{name}`. Drafts are written as text
//! and as `.eml` files for a mail program to open; nothing is ever sent.

use std::collections::BTreeMap;

/// The placeholders a template may use.
pub const PLACEHOLDERS: [&str; 13] = [
    "contract",
    "counterparty",
    "title",
    "direction",
    "period",
    "sla",
    "service",
    "measured",
    "target",
    "credit",
    "currency",
    "claim_deadline",
    "statement",
];

pub const LEGAL: &str = "Subject: SLA breach {sla} under {contract} ({period})

To: Legal
Re: {title}, {counterparty}

The statement {statement} records a breach of {sla} ({service}) in {period}.
Measured: {measured}; committed: {target}.
Credit: {currency} {credit} ({direction}).
The credit must be claimed by {claim_deadline}.

Please review the contract's notice and sole-remedy provisions before any
communication leaves the company. This draft was prepared by SLA Ledger and
has not been sent.
";

pub const CUSTOMER_SUCCESS: &str = "Subject: Service credit for {period}: {title}

Dear {counterparty},

In {period} the service {service} did not meet the level agreed in {sla}:
measured {measured} against a commitment of {target}.

Under the agreement a service credit of {currency} {credit} applies
({direction}). Reference: statement {statement}; claim deadline
{claim_deadline}.

Kind regards,
";

/// A template's problems: placeholders it uses that do not exist, and a
/// missing subject line.
pub fn check(name: &str, template: &str) -> Vec<String> {
    let mut out = Vec::new();
    if !template.starts_with("Subject:") {
        out.push(format!("{name}: the first line must be `Subject: ...`"));
    }
    let mut rest = template;
    while let Some(i) = rest.find('{') {
        let after = &rest[i + 1..];
        match after.find('}') {
            Some(j) => {
                let key = &after[..j];
                if !PLACEHOLDERS.contains(&key) {
                    out.push(format!(
                        "{name}: unknown placeholder {{{key}}} (known: {})",
                        PLACEHOLDERS.join(", ")
                    ));
                }
                rest = &after[j + 1..];
            }
            None => {
                out.push(format!("{name}: a `{{` is never closed"));
                break;
            }
        }
    }
    out
}

/// Fills a template: (subject, body). The subject line is filled with
/// one-line values, so a field holding a line break cannot move text from
/// the subject into the body (or anywhere else).
pub fn render(template: &str, fields: &BTreeMap<&str, String>) -> (String, String) {
    let (first, body) = template.split_once('\n').unwrap_or((template, ""));
    let (mut subject, mut body) = (first.to_string(), body.to_string());
    for (k, v) in fields {
        let key = format!("{{{k}}}");
        subject = subject.replace(&key, &one_line(v));
        body = body.replace(&key, v);
    }
    (
        subject.trim_start_matches("Subject:").trim().to_string(),
        body.trim_start_matches('\n').to_string(),
    )
}

/// A header value with every control character (CR and LF above all)
/// turned into a space: a counterparty named "Acme\r\nBcc: x" can never
/// add a header. mail-builder encodes what remains (RFC 2047).
fn one_line(v: &str) -> String {
    v.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

/// An RFC 5322 message built with mail-builder: `To` is an empty group
/// (`Legal:;`), so nothing can be sent by mistake; the statement number goes
/// in an `X-SLA-Ledger-Statement` header and the Message-ID is derived from
/// it, so the same draft gives the same bytes.
pub fn eml(to_group: &str, subject: &str, body: &str, date: i64, statement: &str) -> String {
    use mail_builder::headers::address::Address;
    use mail_builder::headers::raw::Raw;
    use mail_builder::headers::text::Text;
    let id: String = statement
        .chars()
        .chain(subject.chars())
        .fold(0xcbf2_9ce4_8422_2325u64, |h, c| {
            (h ^ c as u64).wrapping_mul(0x0100_0000_01b3)
        })
        .to_string();
    mail_builder::MessageBuilder::new()
        .message_id(format!("{id}.{date}@sla-ledger.invalid"))
        .to(Address::new_group(Some(one_line(to_group)), vec![]))
        .subject(Text::new(one_line(subject)))
        .date(date)
        .header("X-SLA-Ledger-Statement", Text::new(one_line(statement)))
        .header("X-Unsent", Raw::new("1"))
        .text_body(body.replace("\r\n", "\n"))
        .write_to_string()
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_fill_and_check() {
        assert_eq!(check("legal", LEGAL), Vec::<String>::new());
        assert_eq!(check("cs", CUSTOMER_SUCCESS), Vec::<String>::new());
        assert_eq!(
            check("mine", "Hello {contract} {amount}"),
            vec![
                "mine: the first line must be `Subject: ...`".to_string(),
                format!(
                    "mine: unknown placeholder {{amount}} (known: {})",
                    PLACEHOLDERS.join(", ")
                ),
            ]
        );
        let mut f = BTreeMap::new();
        f.insert("contract", "ACME-2026-001".to_string());
        f.insert("period", "2026-10".to_string());
        let (s, b) = render("Subject: {contract} / {period}\n\nBody {period}\n", &f);
        assert_eq!(
            (s.as_str(), b.as_str()),
            ("ACME-2026-001 / 2026-10", "Body 2026-10\n")
        );
        let e = eml("Legal", "Hi", "a\nb\n", 1_795_860_000, "S/1");
        assert!(e.contains("To: \"Legal\":;\r\n"), "{e}");
        assert!(e.contains("Subject: Hi\r\n"), "{e}");
        assert!(e.contains("X-Unsent: 1\r\n"), "{e}");
        assert!(e.ends_with("a\r\nb\r\n"), "{e}");
        assert_eq!(e, eml("Legal", "Hi", "a\nb\n", 1_795_860_000, "S/1"));
    }

    /// Issue 11: CR/LF in a counterparty's name cannot add a header.
    #[test]
    fn issue11_crlf_in_a_name_injects_no_header() {
        let e = eml(
            "Acme\r\nBcc: thief@example.com",
            "Credit\r\nX-Evil: 1",
            "body",
            1_795_860_000,
            "S/1\nCc: x@example.com",
        );
        let head = e.split("\r\n\r\n").next().unwrap();
        for line in head.split("\r\n") {
            let name = line.split(':').next().unwrap();
            assert!(
                line.starts_with(' ')
                    || line.starts_with('\t')
                    || [
                        "Message-ID",
                        "To",
                        "Subject",
                        "Date",
                        "X-SLA-Ledger-Statement",
                        "X-Unsent",
                        "MIME-Version",
                        "Content-Type",
                        "Content-Transfer-Encoding"
                    ]
                    .contains(&name),
                "unexpected header line {line:?} in\n{e}"
            );
        }
        assert!(
            !head.contains("\r\nBcc:")
                && !head.contains("\r\nX-Evil:")
                && !head.contains("\r\nCc:")
        );
    }
}
