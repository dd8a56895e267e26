//! The readable statement a finance analyst sees by default.

use sla_engine::result::{Line, ResultDoc};
use sla_engine::terms::Terms;
use std::fmt::Write;

pub use sla_engine::num::{group_thousands as grouped, pad_places as padded};

pub fn render(terms: &Terms, doc: &ResultDoc, with_trace: bool) -> String {
    let mut o = header(terms, doc);
    lines_table(&mut o, terms, doc);
    totals(&mut o, terms, doc);
    if with_trace {
        trace(&mut o, doc);
    } else {
        let _ = writeln!(o, "\n(--trace shows how each number was reached; --json gives the sla-result/1 document.)");
    }
    o
}

/// The contract, who owes whom, and the period.
fn header(terms: &Terms, doc: &ResultDoc) -> String {
    let c = &terms.contract;
    let mut o = String::new();
    let _ = writeln!(
        o,
        "SLA credit statement: {}{}",
        c.id,
        c.title
            .as_ref()
            .map(|t| format!(" - {t}"))
            .unwrap_or_default()
    );
    let who = c
        .direction
        .map(|d| format!(" ({})", d.describe()))
        .unwrap_or_default();
    if let Some(cp) = &c.counterparty {
        let _ = writeln!(o, "Counterparty: {cp}{who}");
    }
    let _ = writeln!(
        o,
        "Period {}: {} to {} ({} s, {})",
        doc.period.label,
        doc.period.start,
        doc.period.end,
        grouped(&doc.period.seconds.to_string()),
        c.timezone.name()
    );
    let _ = writeln!(o);
    o
}

fn yes_no(b: bool) -> String {
    if b { "YES" } else { "no" }.into()
}

/// What a line measures, with what v2 adds: "availability (requests)
/// over FY2027-Q3".
fn measure(kind: &str, requests: bool, l: &Line) -> String {
    let mut m = kind.to_string();
    if requests {
        m.push_str(" (requests)");
    }
    if let Some(p) = l.period() {
        let _ = write!(m, " over {}", p.label);
    }
    m
}

/// One row per SLA line: target, measured, breached, credit.
fn lines_table(o: &mut String, terms: &Terms, doc: &ResultDoc) {
    let places = terms.credit.rounding.places;
    let money = |s: &str| grouped(&padded(s, places));
    let mut rows = vec![[
        "SLA", "Measure", "Target", "Measured", "Breached", "Credit", "Amount",
    ]
    .map(String::from)];
    for l in &doc.lines {
        rows.push(match l {
            Line::Availability(a) => [
                a.sla.clone(),
                measure("availability", a.intervals.is_some(), l),
                format!("{} %", a.target),
                format!("{} %", a.uptime),
                yes_no(a.breached),
                // Days of service (v2) say so: "7 days = 23.333333 %".
                match (&a.days, &a.tier_below) {
                    (Some(d), Some(b)) => format!("{d} days = {} % (below {b})", a.percent),
                    (Some(d), None) => format!("{d} days = {} %", a.percent),
                    (None, Some(b)) => format!("{} % (below {b})", a.percent),
                    (None, None) => format!("{} %", a.percent),
                },
                money(&a.amount),
            ],
            Line::Incident(i) => [
                i.sla.clone(),
                measure(&format!("{} {}", i.severity, i.kind), false, l),
                sla_engine::duration::fmt_duration(i.target_seconds),
                format!("{} breach(es), {} running", i.breaches, i.running),
                yes_no(i.breached),
                format!("{} %", i.percent),
                money(&i.amount),
            ],
        });
    }
    let widths: Vec<usize> = (0..7)
        .map(|i| rows.iter().map(|r| r[i].chars().count()).max().unwrap_or(0))
        .collect();
    for (n, r) in rows.iter().enumerate() {
        let mut line = String::new();
        for (i, cell) in r.iter().enumerate() {
            if i == 6 {
                let _ = write!(line, "{cell:>w$}", w = widths[i]);
            } else {
                let _ = write!(line, "{cell:<w$}  ", w = widths[i]);
            }
        }
        let _ = writeln!(o, "{}", line.trim_end());
        if n == 0 {
            let _ = writeln!(o, "{}", "-".repeat(widths.iter().sum::<usize>() + 12));
        }
    }
    let _ = writeln!(o);
}

/// Subtotal, cap, total and the claim deadline.
fn totals(o: &mut String, terms: &Terms, doc: &ResultDoc) {
    let places = terms.credit.rounding.places;
    let money = |s: &str| grouped(&padded(s, places));
    let label_w = 16;
    let _ = writeln!(
        o,
        "{:<label_w$}{} {}",
        "Subtotal",
        doc.currency,
        money(&doc.subtotal)
    );
    if let Some(cap) = &doc.cap {
        let _ = writeln!(
            o,
            "{:<label_w$}{} {}",
            "Contract cap",
            doc.currency,
            money(cap)
        );
    }
    let _ = writeln!(
        o,
        "{:<label_w$}{} {}",
        "TOTAL CREDIT",
        doc.currency,
        grouped(&doc.total)
    );
    if let Some(d) = &doc.claim_deadline {
        let _ = writeln!(o, "{:<label_w$}{d}", "Claim deadline");
    }
}

/// Every trace sentence, line by line, then the total's.
fn trace(o: &mut String, doc: &ResultDoc) {
    for l in &doc.lines {
        let _ = writeln!(o, "\nWhy {} = {}:", l.sla(), l.amount());
        for t in l.trace() {
            let _ = writeln!(o, "  - {t}");
        }
    }
    let _ = writeln!(o, "\nTotal:");
    for t in &doc.trace {
        let _ = writeln!(o, "  - {t}");
    }
}

/// A plain text table; columns listed in `right` are right-aligned (amounts).
pub fn render_rows(headers: &[&str], rows: Vec<Vec<String>>, right: &[usize]) -> String {
    let n = headers.len();
    let widths: Vec<usize> = (0..n)
        .map(|i| {
            rows.iter()
                .map(|r| r[i].chars().count())
                .chain([headers[i].chars().count()])
                .max()
                .unwrap_or(0)
        })
        .collect();
    let line = |cells: Vec<String>| {
        let mut s = String::new();
        for (i, c) in cells.iter().enumerate() {
            if right.contains(&i) {
                let _ = write!(s, "{c:>w$}  ", w = widths[i]);
            } else {
                let _ = write!(s, "{c:<w$}  ", w = widths[i]);
            }
        }
        s.trim_end().to_string() + "\n"
    };
    let mut out = line(headers.iter().map(|h| h.to_string()).collect());
    out.push_str(&"-".repeat(widths.iter().sum::<usize>() + 2 * (n - 1)));
    out.push('\n');
    if rows.is_empty() {
        out.push_str("(none)\n");
    }
    for r in rows {
        out.push_str(&line(r));
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn groups_thousands_without_touching_decimals() {
        assert_eq!(super::grouped("1234567.005"), "1,234,567.005");
        assert_eq!(super::grouped("999"), "999");
        assert_eq!(super::grouped("-1000"), "-1,000");
        assert_eq!(super::padded("1250", 2), "1250.00");
        assert_eq!(super::padded("0.125", 2), "0.125");
        assert_eq!(super::padded("3.5", 2), "3.50");
    }
}
