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

/// Fills a template: (subject, body).
pub fn render(template: &str, fields: &BTreeMap<&str, String>) -> (String, String) {
    let mut text = template.to_string();
    for (k, v) in fields {
        text = text.replace(&format!("{{{k}}}"), v);
    }
    let (first, body) = text.split_once('\n').unwrap_or((&text, ""));
    (
        first.trim_start_matches("Subject:").trim().to_string(),
        body.trim_start_matches('\n').to_string(),
    )
}

fn base64(bytes: &[u8]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for c in bytes.chunks(3) {
        let n = (c[0] as u32) << 16
            | (*c.get(1).unwrap_or(&0) as u32) << 8
            | *c.get(2).unwrap_or(&0) as u32;
        for i in 0..4 {
            if i <= c.len() {
                out.push(A[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// A header value: as is when ASCII, else RFC 2047 encoded-word.
fn header(v: &str) -> String {
    if v.is_ascii() {
        v.to_string()
    } else {
        format!("=?utf-8?B?{}?=", base64(v.as_bytes()))
    }
}

/// An RFC 5322 message (CRLF line ends, UTF-8 body, 8bit). `date` is
/// RFC 2822 text; the statement number goes in an `X-SLA-Ledger-Statement`
/// header so the draft can be traced back.
pub fn eml(to: &str, subject: &str, body: &str, date: &str, statement: &str) -> String {
    let mut m = String::new();
    for (k, v) in [
        ("To", header(to)),
        ("Subject", header(subject)),
        ("Date", date.to_string()),
        ("MIME-Version", "1.0".into()),
        ("Content-Type", "text/plain; charset=utf-8".into()),
        ("Content-Transfer-Encoding", "8bit".into()),
        ("X-SLA-Ledger-Statement", header(statement)),
        ("X-Unsent", "1".into()),
    ] {
        m.push_str(&format!("{k}: {v}\r\n"));
    }
    m.push_str("\r\n");
    m.push_str(&body.replace("\r\n", "\n").replace('\n', "\r\n"));
    m
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
        assert_eq!(base64(b"Man"), "TWFu");
        assert_eq!(base64(b"Ma"), "TWE=");
        assert_eq!(header("Société"), "=?utf-8?B?U29jacOpdMOp?=");
        let e = eml(
            "Acme",
            "Hi",
            "a\nb\n",
            "Fri, 27 Nov 2026 10:00:00 +0000",
            "S/1",
        );
        assert!(e.contains("Subject: Hi\r\n") && e.ends_with("\r\n\r\na\r\nb\r\n"));
    }
}
