//! Issue 15: a statement's lines are computed on two threads when there
//! are many; the result is the one computed on one thread, byte for byte:
//! lines, warnings (quarterly lines evaluated later), the quarter's fees in
//! the trace, totals and caps.

use sla_import::Sources;
use sla_ledger::{compute, ComputeRequest};

const CASE: &str = "fixtures/cases/real-github-enterprise-quarterly";

/// The case's terms with `n` more SLAs on its service: monthly and
/// quarterly, targets either side of its uptime, and a contract cap.
fn many(n: usize) -> String {
    let base = std::fs::read_to_string(format!("{CASE}/terms.toml")).unwrap();
    let (head, tail) = base.split_at(base.find("[credit]").unwrap());
    let mut out = head.to_string();
    for i in 0..n {
        let window = if i % 3 == 0 { "quarter" } else { "month" };
        let target = ["99.9", "99.99", "99.0", "99.95"][i % 4];
        out += &format!(
            r#"
[[slas]]
id = "extra-{i:04}"
service = "ghec"
kind = "availability"
window = "{window}"
target = "{target}"
[slas.exclusions]
causes = ["customer"]
[slas.credit]
schedule = "tiers"
tiers = [{{ below = "{target}", percent = "{p}" }}, {{ below = "98", percent = "25" }}]
"#,
            p = 1 + i % 9
        );
    }
    out + &tail.replace("[credit]", "[credit]\ncap_percent = \"60\"")
}

fn run(terms: &str, period: &str, parallel: bool) -> String {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("terms.toml");
    std::fs::write(&path, terms).unwrap();
    let req = ComputeRequest {
        terms: path.display().to_string(),
        events: Sources {
            outages: Some(format!("{CASE}/outages.csv")),
            ..Sources::default()
        },
        period: period.into(),
    };
    sla_engine::set_parallel_lines(parallel);
    let got = compute(&req).map(|(_, doc)| serde_json::to_string_pretty(&doc).unwrap());
    sla_engine::set_parallel_lines(true);
    format!("{got:?}").replace(&dir.path().display().to_string(), "")
}

#[test]
fn issue15_many_lines_on_two_threads_are_the_lines_on_one() {
    let terms = many(301);
    for period in ["2026-03", "2026-02"] {
        let two = run(&terms, period, true);
        assert_eq!(two, run(&terms, period, false), "{period}");
        assert!(two.contains("extra-0300"), "{period}: {two}");
    }
    // March closes the quarter: quarterly lines are in it, and the
    // quarter's fees are named once in the trace.
    let march = run(&terms, "2026-03", true);
    assert_eq!(
        march
            .matches("The statement holds a quarterly line")
            .count(),
        1
    );
    // February: the quarterly ones are evaluated later, in order.
    let feb = run(&terms, "2026-02", true);
    let first = feb
        .find("extra-0000: evaluated at the end of quarter")
        .unwrap();
    let last = feb
        .find("extra-0300: evaluated at the end of quarter")
        .unwrap();
    assert!(first < last);
}
