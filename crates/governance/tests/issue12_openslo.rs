//! Issue 12: `openslo::import` never returned on YAML with a syntax error
//! (the YAML parser reports the same error again for every document asked
//! for after it, and the reader kept asking). Every call here runs in a
//! thread with a deadline, so that a regression fails instead of hanging
//! the test suite.

use sla_governance::openslo;
use std::sync::mpsc;
use std::thread;
use std::time::Duration;

const FIXTURE: &str = include_str!("../../../fixtures/governance/slos.yaml");

/// Far above what one import of a few kilobytes takes, even unoptimised.
const DEADLINE: Duration = Duration::from_secs(10);

/// `import(text)` run in a thread; `Ok(result)`, or `Err` when it did not
/// return before the deadline (the thread is left behind).
fn import_within_deadline(
    text: String,
) -> Result<Result<Vec<sla_governance::slo::Slo>, sla_governance::DefinitionError>, ()> {
    let (tx, rx) = mpsc::channel();
    thread::spawn(move || {
        let _ = tx.send(openslo::import(&text));
    });
    rx.recv_timeout(DEADLINE).map_err(|_| ())
}

/// The fixture without its first `metadata:` line (the report of issue 12).
fn fixture_without_metadata() -> String {
    let mut removed = false;
    FIXTURE
        .lines()
        .filter(|l| {
            if !removed && *l == "metadata:" {
                removed = true;
                return false;
            }
            true
        })
        .map(|l| format!("{l}\n"))
        .collect()
}

#[test]
fn issue12_openslo_yaml_with_a_syntax_error_is_an_error_not_a_hang() {
    assert!(openslo::import(FIXTURE).is_ok(), "the fixture itself reads");
    let truncated = {
        let at = FIXTURE
            .find("{ evid")
            .expect("the fixture has a flow mapping")
            + 6;
        FIXTURE[..at].to_string()
    };
    let cases: Vec<(&str, String, &str)> = vec![
        (
            "fixture without `metadata:`",
            fixture_without_metadata(),
            "mapping values are not allowed",
        ),
        (
            "unclosed quote",
            FIXTURE.replacen("name: compute\n", "name: \"compute\n", 1),
            "quoted scalar",
        ),
        (
            "tab indentation",
            FIXTURE.replacen("\n  name: compute\n", "\n\tname: compute\n", 1),
            "cannot start any token",
        ),
        (
            "truncated file",
            truncated,
            "did not find expected ',' or '}'",
        ),
        (
            "document separator followed by garbage",
            format!("{FIXTURE}---\n]]] : {{ [ ::\n"),
            "did not find expected node content",
        ),
    ];
    for (name, text, problem) in cases {
        let result = import_within_deadline(text)
            .unwrap_or_else(|_| panic!("{name}: import did not return within {DEADLINE:?}"));
        let err = result.expect_err(name);
        let message = err.to_string();
        assert!(
            err.problems.iter().any(|p| p.contains("not YAML")
                && p.contains(problem)
                && p.contains(" line ")
                && p.contains(" column ")),
            "{name}: the error should name the YAML problem `{problem}` with its line and column, got:\n{message}"
        );
        assert_eq!(
            err.problems.len(),
            1,
            "{name}: one syntax error is reported once, got:\n{message}"
        );
    }
}

/// Every prefix of the fixture (a file cut short anywhere) returns.
#[test]
fn issue12_openslo_every_truncation_of_the_fixture_returns() {
    let (tx, rx) = mpsc::channel();
    thread::spawn(move || {
        for end in (0..=FIXTURE.len()).filter(|&e| FIXTURE.is_char_boundary(e)) {
            let _ = openslo::import(&FIXTURE[..end]);
        }
        let _ = tx.send(());
    });
    rx.recv_timeout(Duration::from_secs(120))
        .expect("importing every prefix of the fixture did not finish in time");
}

/// Many documents, or a text too long, is refused with a message that says
/// so, before it is parsed.
#[test]
fn issue12_openslo_limits_are_named() {
    let many = "---\n{}\n".repeat(openslo::MAX_DOCUMENTS + 1);
    let err = import_within_deadline(many)
        .expect("returns")
        .expect_err("too many documents");
    assert!(
        err.to_string().contains(&format!(
            "more than {} YAML documents",
            openslo::MAX_DOCUMENTS
        )),
        "the error names the document limit: {err}"
    );

    let long = format!("# {}\n", "x".repeat(openslo::MAX_BYTES));
    let err = import_within_deadline(long)
        .expect("returns")
        .expect_err("too long");
    assert!(
        err.to_string()
            .contains(&format!("more than the {} bytes", openslo::MAX_BYTES)),
        "the error names the size limit: {err}"
    );
}
