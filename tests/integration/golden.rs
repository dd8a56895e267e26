//! Golden cases: `fixtures/cases/<name>/` holds `terms.toml`, the events
//! (`outages.csv`, `maintenance.csv`, `incidents.csv`, or one `events.xlsx` /
//! `events.ods` / `events.xls`), `period.txt`, and either `expected.json` (the
//! fields that must match; decimals compare as numbers) or `expected-errors.txt`
//! (the exact error lines, `{dir}` standing for the case folder).
//!
//! `SLA_LEDGER_UPDATE_GOLDEN=1 cargo test golden` rewrites `expected.json`
//! from the engine; review that diff by hand before committing it.

use crate::util::subset_diff;
use serde_json::Value;
use sla_import::Sources;
use sla_ledger::{compute, ComputeRequest};
use std::path::{Path, PathBuf};

fn cases() -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir("fixtures/cases")
        .expect("fixtures/cases")
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    v.sort();
    v
}

fn request(dir: &Path) -> ComputeRequest {
    let file = |name: &str| {
        let p = dir.join(name);
        p.exists().then(|| p.to_string_lossy().into_owned())
    };
    let workbook = ["events.xlsx", "events.ods", "events.xls"]
        .iter()
        .find_map(|n| file(n));
    ComputeRequest {
        terms: dir.join("terms.toml").to_string_lossy().into_owned(),
        events: Sources {
            workbook,
            outages: file("outages.csv"),
            maintenance: file("maintenance.csv"),
            incidents: file("incidents.csv"),
            requests: file("requests.csv"),
        },
        period: std::fs::read_to_string(dir.join("period.txt"))
            .expect("period.txt")
            .trim()
            .to_string(),
    }
}

/// Runs one case and returns what differs from its expectation.
fn check(dir: &Path) -> Vec<String> {
    let req = request(dir);
    let got = compute(&req);
    let errors_file = dir.join("expected-errors.txt");
    if errors_file.exists() {
        let want = std::fs::read_to_string(&errors_file)
            .unwrap()
            .replace("{dir}", &dir.to_string_lossy());
        return match got {
            Ok(_) => vec!["computed, but errors were expected".into()],
            Err(e) if e.to_string().trim_end() == want.trim_end() => vec![],
            Err(e) => vec![format!(
                "errors differ:\n--- got\n{e}\n--- expected\n{want}"
            )],
        };
    }
    let doc = match got {
        Ok((_, doc)) => serde_json::to_value(doc).unwrap(),
        Err(e) => return vec![format!("failed: {e}")],
    };
    let expected_file = dir.join("expected.json");
    // The spec's own examples are never rewritten: their expectations are the spec's.
    let is_spec_copy = dir
        .file_name()
        .is_some_and(|n| n.to_string_lossy().starts_with("spec-"));
    if std::env::var_os("SLA_LEDGER_UPDATE_GOLDEN").is_some() && !is_spec_copy {
        let mut v = doc.clone();
        strip_free_text(&mut v);
        std::fs::write(
            &expected_file,
            serde_json::to_string_pretty(&v).unwrap() + "\n",
        )
        .unwrap();
    }
    let expected: Value =
        serde_json::from_str(&std::fs::read_to_string(&expected_file).expect("expected.json"))
            .expect("valid JSON");
    let mut diffs = Vec::new();
    subset_diff(&expected, &doc, "$", &mut diffs);
    diffs
}

/// `trace` and `warnings` are free text, not part of an expectation.
fn strip_free_text(v: &mut Value) {
    if let Value::Object(m) = v {
        m.remove("trace");
        m.remove("warnings");
        m.values_mut().for_each(strip_free_text);
    } else if let Value::Array(a) = v {
        a.iter_mut().for_each(strip_free_text);
    }
}

#[test]
fn every_golden_case_matches() {
    let all = cases();
    assert!(all.len() >= 20, "only {} cases", all.len());
    let mut failures = Vec::new();
    for dir in &all {
        let diffs = check(dir);
        if !diffs.is_empty() {
            failures.push(format!("{}:\n  {}", dir.display(), diffs.join("\n  ")));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases differ:\n{}",
        failures.len(),
        all.len(),
        failures.join("\n")
    );
}

/// The spec's own example folders, read where CI lays them (`../shared`),
/// must equal our copies, so the copies cannot drift from the spec.
#[test]
fn spec_examples_are_copied_verbatim() {
    let shared = Path::new("../shared/spec/examples");
    for (theirs, ours) in [
        ("s7-worked-example", "spec-s8-worked-example"),
        ("s6-full-example", "spec-s6-full-example"),
    ] {
        let ours = Path::new("fixtures/cases").join(ours);
        for f in [
            "terms.toml",
            "outages.csv",
            "maintenance.csv",
            "incidents.csv",
            "period.txt",
            "expected.json",
        ] {
            let mine = std::fs::read(ours.join(f))
                .unwrap_or_else(|_| panic!("{} missing", ours.join(f).display()));
            if let Ok(spec) = std::fs::read(shared.join(theirs).join(f)) {
                assert_eq!(mine, spec, "{f} of {theirs} differs from the spec's copy");
            }
        }
        assert!(check(&ours).is_empty());
    }
}

#[test]
fn a_wrong_expectation_is_caught() {
    // The checker itself must be able to fail: perturb a known case.
    let dir = Path::new("fixtures/cases/spec-s8-worked-example");
    let doc = serde_json::to_value(compute(&request(dir)).unwrap().1).unwrap();
    let mut expected: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("expected.json")).unwrap()).unwrap();
    expected["total"] = Value::String("1250.01".into());
    let mut diffs = Vec::new();
    subset_diff(&expected, &doc, "$", &mut diffs);
    assert_eq!(
        diffs,
        vec!["$.total: got \"1250.00\", expected \"1250.01\""]
    );
}
