//! The binary, run as a user runs it: output, exit codes, messages.

use crate::util::{bin, subset_diff};
use serde_json::Value;
use std::process::Output;

const S6: &str = "fixtures/cases/spec-s6-full-example";

fn run(args: &[&str]) -> Output {
    bin().args(args).output().expect("runs")
}

/// `compute` of the spec's section 6 example, with `extra` arguments.
fn s6_args(extra: &[&str]) -> Vec<String> {
    let mut args: Vec<String> = vec!["compute".into()];
    for (flag, file) in [
        ("--terms", "terms.toml"),
        ("--outages", "outages.csv"),
        ("--maintenance", "maintenance.csv"),
        ("--incidents", "incidents.csv"),
    ] {
        args.push(flag.into());
        args.push(format!("{S6}/{file}"));
    }
    args.extend(extra.iter().map(|a| a.to_string()));
    args
}

fn s6(extra: &[&str]) -> Output {
    bin().args(s6_args(extra)).output().expect("runs")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn output_into_a_closed_pipe_stops_quietly_and_into_a_full_disk_is_an_error() {
    // The reading end is closed before the result is written (`| head`).
    let mut child = bin()
        .args(s6_args(&["--period", "2026-10", "--json"]))
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("runs");
    drop(child.stdout.take());
    let out = child.wait_with_output().expect("exits");
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(!err.contains("error"), "{err}");
    // No space left: said as a file error (exit 2), not an internal
    // error; the table as the JSON.
    for json in [true, false] {
        let Ok(full) = std::fs::OpenOptions::new().write(true).open("/dev/full") else {
            return;
        };
        let extra: &[&str] = if json { &["--json"] } else { &[] };
        let out = bin()
            .args(s6_args(&[&["--period", "2026-10"], extra].concat()))
            .stdout(full)
            .output()
            .expect("runs");
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{json}: {err}");
        assert!(err.contains("cannot write standard output"), "{err}");
        assert!(!err.contains("internal error"), "{err}");
    }
}

#[test]
fn json_output_is_the_spec_section_6_document() {
    let out = s6(&["--period", "2026-10", "--json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    let expected: Value =
        serde_json::from_str(&std::fs::read_to_string(format!("{S6}/expected.json")).unwrap())
            .unwrap();
    let mut diffs = Vec::new();
    subset_diff(&expected, &doc, "$", &mut diffs);
    assert!(diffs.is_empty(), "{diffs:?}");
    // Types the spec fixes: decimals are strings, counts are integers.
    assert!(doc["lines"][0]["uptime"].is_string() && doc["lines"][0]["amount"].is_string());
    assert!(doc["period"]["seconds"].is_i64() && doc["lines"][1]["breaches"].is_u64());
    assert!(doc["chronic"].is_null());
    assert!(doc["lines"][0]["trace"].as_array().unwrap().len() > 5);
}

#[test]
fn table_reads_like_a_statement() {
    let out = s6(&["--period", "2026-10"]);
    let text = String::from_utf8(out.stdout).unwrap();
    for want in [
        "compute-availability",
        "99.627576 %",
        "10 % (below 99.95)",
        "1,250.00",
        "625.00",
        "TOTAL CREDIT    USD 1,875.00",
        "Claim deadline  2026-11-30",
        "Counterparty: Acme Corp (customer contract: we owe these credits)",
    ] {
        assert!(text.contains(want), "missing {want:?} in\n{text}");
    }
    let traced = String::from_utf8(s6(&["--period", "2026-10", "--trace"]).stdout).unwrap();
    assert!(
        traced.contains("Uptime = 100 x (2678400 - 9975) / 2678400 = 99.627576"),
        "{traced}"
    );
}

#[test]
fn workbook_and_csv_give_the_same_numbers() {
    let d = "fixtures/cases/workbook-xlsx-new-york";
    let out = run(&[
        "compute",
        "--terms",
        &format!("{d}/terms.toml"),
        "--events",
        &format!("{d}/events.xlsx"),
        "--period",
        "2026-10",
        "--json",
    ]);
    assert_eq!(out.status.code(), Some(0));
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["lines"][0]["downtime_seconds"], "5819");
    assert!(stderr(&out).contains("events.xlsx:Outages:1: unknown column `Notes` ignored"));
}

#[test]
fn user_errors_exit_2_with_the_failing_input_named() {
    let cases: Vec<(Vec<String>, &str)> = vec![
        (
            vec![
                "compute".into(),
                "--terms".into(),
                format!("{S6}/terms.toml"),
                "--period".into(),
                "2026-13".into(),
            ],
            "period `2026-13` is not a month",
        ),
        (
            vec![
                "compute".into(),
                "--terms".into(),
                format!("{S6}/terms.toml"),
                "--period".into(),
                "2025-12".into(),
            ],
            "lies wholly outside the contract's effective dates",
        ),
        (
            vec![
                "compute".into(),
                "--terms".into(),
                "no/such/terms.toml".into(),
                "--period".into(),
                "2026-10".into(),
            ],
            "cannot read no/such/terms.toml",
        ),
        (
            vec![
                "compute".into(),
                "--terms".into(),
                format!("{S6}/terms.toml"),
                "--events".into(),
                "no/such.xlsx".into(),
                "--period".into(),
                "2026-10".into(),
            ],
            "cannot read no/such.xlsx",
        ),
        (
            vec![
                "compute".into(),
                "--terms".into(),
                format!("{S6}/terms.toml"),
                "--events".into(),
                format!("{S6}/outages.csv"),
                "--period".into(),
                "2026-10".into(),
            ],
            "cannot read workbook",
        ),
        (
            vec![
                "compute".into(),
                "--terms".into(),
                format!("{S6}/outages.csv"),
                "--period".into(),
                "2026-10".into(),
            ],
            "not valid TOML",
        ),
        (
            vec!["compute".into(), "--bogus".into()],
            "unexpected argument",
        ),
        (
            vec![
                "compute".into(),
                "--terms".into(),
                format!("{S6}/terms.toml"),
                "--events".into(),
                "x.xlsx".into(),
                "--outages".into(),
                "y.csv".into(),
                "--period".into(),
                "2026-10".into(),
            ],
            "cannot be used with",
        ),
        (
            vec![
                "validate".into(),
                "--terms".into(),
                "fixtures/cases/bad-terms/terms.toml".into(),
            ],
            "slas[0].credit.tiers[1].below: 99.99 must be below",
        ),
    ];
    for (args, want) in cases {
        let out = run(&args.iter().map(String::as_str).collect::<Vec<_>>());
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert!(stderr(&out).contains(want), "{args:?}: {}", stderr(&out));
        assert!(out.stdout.is_empty(), "{args:?} wrote to stdout");
    }
}

#[test]
fn bad_rows_are_all_listed_by_sheet_row_and_column() {
    let d = "fixtures/cases/bad-rows-csv";
    let out = run(&[
        "compute",
        "--terms",
        &format!("{d}/terms.toml"),
        "--outages",
        &format!("{d}/outages.csv"),
        "--maintenance",
        &format!("{d}/maintenance.csv"),
        "--incidents",
        &format!("{d}/incidents.csv"),
        "--period",
        "2026-10",
    ]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(lines[0], "error: 14 bad row(s); nothing was imported");
    assert_eq!(
        lines[1],
        format!("{d}/outages.csv:outages:2:end: end is before start")
    );
    assert!(lines[14].starts_with(&format!("{d}/incidents.csv:incidents:3:severity")));
}

#[test]
fn validate_accepts_good_terms() {
    let out = run(&["validate", "--terms", &format!("{S6}/terms.toml")]);
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stdout)
        .contains("valid. Contract ACME-2026-001 (USD), 1 service(s), 2 SLA term(s)"));
}

#[test]
fn an_empty_csv_means_no_events() {
    let dir = crate::util::temp_dir("empty");
    std::fs::create_dir_all(&dir).unwrap();
    let empty = dir.join("outages.csv");
    std::fs::write(&empty, "").unwrap();
    let out = run(&[
        "compute",
        "--terms",
        &format!("{S6}/terms.toml"),
        "--outages",
        empty.to_str().unwrap(),
        "--period",
        "2026-10",
        "--json",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["total"], "0.00");
    assert_eq!(doc["lines"][0]["uptime"], "100.000000");
}
