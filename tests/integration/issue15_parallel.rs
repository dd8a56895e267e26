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

/// `compute` of `period` with `terms` (written to a file) and the case's
/// outages, or `outages`: the JSON, or the error without the temporary
/// folder's name.
fn compute_in(terms: &str, period: &str, outages: Option<&str>) -> Result<String, String> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("terms.toml");
    std::fs::write(&path, terms).unwrap();
    let req = ComputeRequest {
        terms: path.display().to_string(),
        events: Sources {
            outages: Some(outages.map_or(format!("{CASE}/outages.csv"), str::to_string)),
            ..Sources::default()
        },
        period: period.into(),
    };
    let hide = |t: String| t.replace(&dir.path().display().to_string(), "");
    compute(&req)
        .map(|(_, doc)| hide(serde_json::to_string_pretty(&doc).unwrap()))
        .map_err(|e| hide(e.to_string()))
}

fn run(terms: &str, period: &str, parallel: bool) -> String {
    sla_engine::set_parallel_lines(parallel);
    let got = compute_in(terms, period, None);
    sla_engine::set_parallel_lines(true);
    format!("{got:?}")
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

/// `compute` of the case's March.
fn march(terms: &str, outages: Option<&str>) -> Result<String, String> {
    compute_in(terms, "2026-03", outages)
}

#[test]
fn issue15_events_read_with_a_wrong_guess_are_read_again_with_the_checked_terms() {
    use sla_engine::terms::TermsScope;
    use sla_engine::Terms;
    let base = std::fs::read_to_string(format!("{CASE}/terms.toml")).unwrap();
    let extra = "[[services]]\nid = \"spare\"\nmonthly_fee = \"1.00\"\n";
    let plain = format!("{base}\n{extra}");
    // Indented after another table: the scan jumps over it.
    let indented = format!("{base}\n  {}", extra.replace('\n', "\n  "));
    let scope = |text: &str| (TermsScope::guess(text), Terms::parse(text).unwrap().scope());
    let (guess, checked) = scope(&plain);
    assert_eq!(guess.as_ref(), Some(&checked));
    let (guess, checked) = scope(&indented);
    assert_eq!(checked.service_ids, ["ghec", "spare"]);
    assert_ne!(guess.as_ref(), Some(&checked), "the guess misses `spare`");
    // Read again with the checked scope: the same statement.
    let want = march(&plain, None).unwrap();
    assert!(want.contains("1575.00"), "{want}");
    assert_eq!(march(&indented, None).unwrap(), want);
}

#[test]
fn issue15_bad_terms_or_period_are_reported_whatever_the_early_read_finds() {
    let base = std::fs::read_to_string(format!("{CASE}/terms.toml")).unwrap();
    // The events file is missing: the terms' problem is what the user hears.
    let bad_terms = base.replace("currency = \"USD\"", "currency = \"dollars\"");
    let err = march(&bad_terms, Some("/nonexistent/outages.csv")).unwrap_err();
    assert!(err.contains("contract.currency"), "{err}");
    assert!(!err.contains("nonexistent"), "{err}");
    // A month outside the contract is the period's problem, not the events'.
    let cut = base.replace(
        "effective_to = \"2026-12-31\"",
        "effective_to = \"2026-01-31\"",
    );
    let err = march(&cut, Some("/nonexistent/outages.csv")).unwrap_err();
    assert!(!err.contains("nonexistent"), "{err}");
    // Good terms: the early read's own error is the answer.
    let err = march(&base, Some("/nonexistent/outages.csv")).unwrap_err();
    assert!(err.contains("nonexistent"), "{err}");
}
