//! Issue 14: vendors' exports through presets, as a user runs the CLI and
//! as the app calls the use cases: detection, the component mapping step
//! (row errors until mapped, then remembered for the contract), the
//! preview with weights, provenance in the audit entry, and the month
//! computed from a Statuspage export.

use crate::util::{app, bin};
use serde_json::Value;
use sla_ledger::usecases::evidence::{self, ImportFile};
use sla_ledger::usecases::presets::{self, ComponentChoice, PresetRequest};
use std::path::Path;
use std::process::Output;
use std::sync::atomic::AtomicBool;

const P: &str = "fixtures/presets";

fn cli(lib: &Path, args: &[&str]) -> Output {
    bin()
        .env("SLA_LEDGER_ACTOR", "Preset Tester")
        .arg("--library")
        .arg(lib)
        .args(args)
        .output()
        .expect("runs")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn library_with_contract() -> tempfile::TempDir {
    library_with("terms.toml")
}

fn library_with(terms: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    let o = cli(dir.path(), &["contracts", "add", &format!("{P}/{terms}")]);
    assert!(o.status.success(), "{}", stderr(&o));
    dir
}

#[test]
fn issue14_list_presets_names_every_preset_without_a_library() {
    let o = bin()
        .args(["import", "--list-presets", "--json"])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    let names: Vec<&str> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "statuspage",
            "pagerduty",
            "pagerduty-analytics",
            "pagerduty-csv",
            "jira-csv",
            "jira-changelog",
            "datadog-incidents",
            "datadog-downtimes",
            "datadog-slo-history",
            "uptimerobot-csv",
            "pingdom-outages"
        ]
    );
    assert_eq!(v[0]["version"], 1);
    assert_eq!(v[0]["kinds"], serde_json::json!(["outages", "maintenance"]));
}

#[test]
fn issue14_statuspage_export_imports_after_the_mapping_step_and_gives_the_month() {
    let dir = library_with_contract();
    let lib = dir.path();
    let incidents = format!("{P}/statuspage/incidents.json");
    // Detected as Statuspage; `Website` names no service: every place is
    // listed and nothing is written.
    let o = cli(lib, &["import", &incidents, "--source", "status page"]);
    assert_eq!(o.status.code(), Some(2), "{}", stdout(&o));
    let err = stderr(&o);
    assert!(err.contains(&format!("{incidents}:/incidents/0/components/0/name: component `Website` names no service of the contract (the terms name `api`, `web`): map it, e.g. --map 'Website=SERVICE'")), "{err}");
    assert!(err.contains("/incidents/1/components/1/name"), "{err}");

    // The dry run shows the preset, the weights and the mapping step.
    let o = cli(
        lib,
        &["import", &incidents, "--dry-run", "--map", "Website=web"],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    for line in [
        "preset statuspage version 1 for PRESETS-2026-001 (America/New_York)",
        "  weight partial_outage = 0.5",
        "  weight degraded_performance = 0.25",
        "  component API -> api (same name), 2 use(s)",
        "  component Website -> web (mapping), 2 use(s)",
        "4 outage, 0 maintenance, 0 incident row(s)",
    ] {
        assert!(out.lines().any(|l| l == line), "no line `{line}` in\n{out}");
    }

    let o = cli(
        lib,
        &[
            "import",
            &incidents,
            "--source",
            "status page",
            "--map",
            "Website=web",
            "--json",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["Imported"]["import"]["outage_rows"], 4, "{v}");

    // The mapping was saved for the contract: next file needs no --map.
    let o = cli(
        lib,
        &[
            "import",
            &format!("{P}/statuspage/scheduled-maintenances.json"),
            "--source",
            "status page",
            "--json",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["Imported"]["import"]["maintenance_rows"], 2, "{v}");
    let saved =
        std::fs::read_to_string(lib.join("presets/PRESETS-2026-001.components.json")).unwrap();
    let saved: Value = serde_json::from_str(&saved).unwrap();
    assert_eq!(saved["components"], serde_json::json!({"Website": "web"}));

    // The audit entry keeps the preset, its version and the choices.
    let o = cli(lib, &["audit", "list", "--json"]);
    let log: Value = serde_json::from_slice(&o.stdout).unwrap();
    let entry = log
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["action"] == "evidence.import")
        .expect("an import entry");
    let details: Value = serde_json::from_str(entry["details"].as_str().unwrap()).unwrap();
    assert_eq!(details["mapping"]["preset"], "statuspage", "{details}");
    assert_eq!(details["mapping"]["preset_version"], 1, "{details}");
    assert_eq!(details["mapping"]["partial_weight"], "0.5", "{details}");

    // The month: api 4h (from the start of November, 00:00 EDT = 04:00Z,
    // to 08:00Z) + 1h x 0.25 = 15,300 s of 2,595,600 s (30 days and the
    // hour the clocks went back): 99.410541 %, 10 % of 10,000.00; web
    // 1h x 0.5 + the open outage from 2026-11-29T01:00Z to the end
    // (2026-12-01T05:00Z, 52h) = 189,000 s: 92.718446 %, 10 % of 5,000.00.
    let o = cli(lib, &["statements", "run", "--period", "2026-11"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let o = cli(lib, &["statements", "list", "--json"]);
    let list: Value = serde_json::from_slice(&o.stdout).unwrap();
    let number = list[0]["number"].as_str().expect("a statement").to_string();
    let o = cli(lib, &["statements", "show", &number, "--json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let doc: Value = serde_json::from_slice(&o.stdout).unwrap();
    let text = doc.to_string();
    assert!(text.contains("\"total\":\"1500.00\""), "{text}");
    assert!(text.contains("99.410541"), "{text}");
    assert!(text.contains("92.718446"), "{text}");
}

#[test]
fn issue14_the_app_previews_a_preset_with_weights_and_mapping_and_writes_nothing() {
    let dir = library_with_contract();
    let file = format!("{P}/statuspage/incidents.json");
    let s = app(dir.path());
    assert_eq!(
        presets::detect(&file).unwrap().map(|p| p.name),
        Some("statuspage".to_string())
    );
    let req = PresetRequest {
        partial_weight: "0.6".into(),
        components: vec![ComponentChoice {
            component: "Website".into(),
            service: "web".into(),
        }],
        ..Default::default()
    };
    let p = evidence::preview(
        &s,
        &ImportFile {
            file: &file,
            preset: Some(&req),
            ..Default::default()
        },
        &AtomicBool::new(false),
        &mut |_| {},
    )
    .unwrap();
    assert!(p.errors.is_empty(), "{:?}", p.errors);
    assert_eq!(p.preset, "statuspage version 1");
    assert_eq!(p.weights[0].service, "0.6");
    assert_eq!(p.weights[1].service, "0.25");
    assert_eq!(p.outages, 4);
    let web_partial = p
        .rows
        .iter()
        .find(|r| r.service == "web" && r.start == "2026-11-10T14:00:00Z")
        .expect("the partial outage row");
    assert!(
        web_partial.detail.starts_with("impact 0.6 "),
        "{}",
        web_partial.detail
    );
    // Nothing was written, and no mapping saved, by a preview.
    assert!(!dir.path().join("presets").exists());
    assert!(presets::saved_mapping(&s, "PRESETS-2026-001")
        .unwrap()
        .is_empty());
}

#[test]
fn issue14_every_fixture_imports_through_the_cli() {
    let dir = library_with_contract();
    let lib = dir.path();
    // (file, extra flags, outage, maintenance, incident rows)
    let cases: &[(&str, &[&str], u64, u64, u64)] = &[
        (
            "pagerduty/incidents.json",
            &["--map", "Website=web"],
            0,
            0,
            9,
        ),
        ("pagerduty/analytics.json", &[], 0, 0, 4),
        ("pagerduty/incidents.csv", &[], 0, 0, 7),
        ("datadog/incidents.json", &[], 3, 0, 6),
        ("datadog/downtimes.json", &["--map", "website=web"], 0, 2, 0),
        (
            "uptimerobot/monitor-log.csv",
            &["--zone", "contract"],
            3,
            0,
            0,
        ),
        (
            "pingdom/api.json",
            &["--preset", "pingdom-outages"],
            2,
            0,
            0,
        ),
    ];
    for (file, extra, o_rows, m_rows, i_rows) in cases {
        let path = format!("{P}/{file}");
        let mut args = vec!["import", path.as_str(), "--source", "vendor", "--json"];
        args.extend_from_slice(extra);
        let o = cli(lib, &args);
        assert!(o.status.success(), "{file}: {}", stderr(&o));
        let v: Value = serde_json::from_slice(&o.stdout).unwrap();
        let i = &v["Imported"]["import"];
        assert_eq!(
            (
                &i["outage_rows"],
                &i["maintenance_rows"],
                &i["incident_rows"]
            ),
            (&(*o_rows).into(), &(*m_rows).into(), &(*i_rows).into()),
            "{file}: {v}"
        );
    }
}

#[test]
fn issue14_contracts_calendar_import_fills_a_calendar_from_an_ics_feed() {
    let dir = library_with_contract();
    let lib = dir.path();
    let feed = format!("{P}/ics/us-holidays.ics");
    let o = cli(
        lib,
        &[
            "contracts",
            "calendar",
            "import",
            "PRESETS-2026-001",
            "ny-business",
            &feed,
            "--from",
            "2026-01-01",
            "--json",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["version"], 2);
    assert_eq!(
        v["added"],
        serde_json::json!([
            "2026-01-01",
            "2026-11-26",
            "2026-11-27",
            "2027-01-01",
            "2027-11-25",
            "2027-12-24"
        ])
    );
    assert_eq!(v["already"], 1);
    // The new version's terms hold the holidays, the rest of the text kept.
    let o = cli(lib, &["contracts", "export", "PRESETS-2026-001"]);
    let terms = stdout(&o);
    assert!(terms.contains("\n  \"2027-12-24\",\n]"), "{terms}");
    assert!(
        terms.contains("# The contract every preset fixture is imported into"),
        "{terms}"
    );
    let t = sla_ledger::sla_engine::Terms::parse(&terms).unwrap();
    assert_eq!(t.calendars["ny-business"].holidays.len(), 7);
    // Again: nothing new, no new version.
    let o = cli(
        lib,
        &[
            "contracts",
            "calendar",
            "import",
            "PRESETS-2026-001",
            "ny-business",
            &feed,
            "--from",
            "2026-01-01",
        ],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("calendar `ny-business` already has every holiday of the feed (7)"),
        "{}",
        stderr(&o)
    );
    // A timed event is refused and named.
    let o = cli(
        lib,
        &[
            "contracts",
            "calendar",
            "import",
            "PRESETS-2026-001",
            "ny-business",
            &format!("{P}/ics/timed.ics"),
            "--from",
            "2026-01-01",
        ],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("is a timed event, not a holiday"),
        "{}",
        stderr(&o)
    );
    let o = cli(
        lib,
        &[
            "contracts",
            "calendar",
            "import",
            "PRESETS-2026-001",
            "nope",
            &feed,
            "--from",
            "2026-01-01",
        ],
    );
    assert!(
        stderr(&o).contains("has no calendar `nope` (its calendars: ny-business)"),
        "{}",
        stderr(&o)
    );
}

/// Imports `files` (with their flags) into a new library, runs November
/// 2026 and returns the statement as JSON text.
fn november(files: &[(&str, &[&str])]) -> String {
    november_in("terms.toml", files)
}

fn november_in(terms: &str, files: &[(&str, &[&str])]) -> String {
    let dir = library_with(terms);
    let lib = dir.path();
    for (file, extra) in files {
        let path = format!("{P}/{file}");
        let mut args = vec!["import", path.as_str(), "--source", "vendor"];
        args.extend_from_slice(extra);
        let o = cli(lib, &args);
        assert!(o.status.success(), "{file}: {}", stderr(&o));
    }
    let o = cli(lib, &["statements", "run", "--period", "2026-11"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let list: Value =
        serde_json::from_slice(&cli(lib, &["statements", "list", "--json"]).stdout).unwrap();
    let number = list[0]["number"].as_str().expect("a statement").to_string();
    let o = cli(lib, &["statements", "show", &number, "--json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let doc: Value = serde_json::from_slice(&o.stdout).unwrap();
    doc.to_string()
}

#[test]
fn issue14_golden_months_of_the_uptimerobot_and_datadog_samples() {
    // November 2026 in New York has 2,595,600 s. UptimeRobot: api 4h in
    // November (the outage began at 23:30 EDT on 31 October) = 14,400 s:
    // 99.445215 %, 10 % of 10,000.00; web 1h + the open outage from
    // 2026-11-29T01:00Z to 2026-12-01T05:00Z (52h) = 190,800 s: 92.649098 %,
    // 10 % of 5,000.00. Total 1,500.00.
    let ur = november(&[(
        "uptimerobot/monitor-log.csv",
        &["--zone", "contract", "--map", "Website=web"],
    )]);
    assert!(ur.contains("\"total\":\"1500.00\""), "{ur}");
    assert!(ur.contains("99.44521"), "{ur}");
    assert!(ur.contains("92.64909"), "{ur}");
    // Datadog: api 4h + 52h open = 201,600 s: 92.233010 %, below 99.0 so
    // 25 % of 10,000.00; web 52h = 187,200 s: 92.787795 %, 10 % of
    // 5,000.00. Total 3,000.00 (under the 30 % contract cap, 4,500.00).
    let dd = november(&[("datadog/incidents.json", &["--map", "Website=web"])]);
    assert!(dd.contains("\"total\":\"3000.00\""), "{dd}");
    assert!(dd.contains("92.23301"), "{dd}");
    assert!(dd.contains("92.78779"), "{dd}");
}

#[test]
fn issue14_golden_months_of_the_pagerduty_and_jira_samples() {
    // The P1 response term (30 min, 24x7, 5 % of the api fee per breach):
    // the incident opened at 03:35Z on 1 November is first acknowledged at
    // 04:20Z (45 min): one breach, 500.00. The P1 of 12 November is
    // acknowledged after 10 min (its reopening later does not restart the
    // response clock); the web incident is not P1 of api. Every export of
    // the same incidents gives the same month.
    for (file, extra) in [
        ("pagerduty/incidents.json", &["--map", "Website=web"][..]),
        ("pagerduty/analytics.json", &["--map", "Website=web"][..]),
        ("pagerduty/incidents.csv", &["--map", "Website=web"][..]),
        ("jira/changelog.json", &["--map", "Website=web"][..]),
    ] {
        let m = november(&[(file, extra)]);
        assert!(m.contains("\"total\":\"500.00\""), "{file}: {m}");
        assert!(m.contains("\"breaches\":1"), "{file}: {m}");
    }
    // Jira's CSV has no acknowledgement: the response clock of SD-101
    // stops at its resolution (03:35Z to 08:00Z, 4 h 25 min): one breach.
    let j = november(&[(
        "jira/issues.csv",
        &["--zone", "America/New_York", "--map", "Website=web"],
    )]);
    assert!(j.contains("\"total\":\"500.00\""), "{j}");
}

#[test]
fn issue14_golden_months_of_the_datadog_slo_histories() {
    // Monitor SLO: api down 05:30Z-06:45Z on 1 November (4,500 s), 14:00Z-
    // 15:00Z on 20 November (3,600 s; two downtime transitions, one
    // outage) and from 23:00Z on 30 November to the window's end at
    // 05:00Z on 1 December (21,600 s): 29,700 s of 2,595,600 s =
    // 98.855755 %, below 99.0: 25 % of 10,000.00 = 2,500.00.
    let m = november(&[(
        "datadog/slo-history-monitor.json",
        &["--map", "API availability=api"],
    )]);
    assert!(m.contains("\"total\":\"2500.00\""), "{m}");
    assert!(m.contains("98.85575"), "{m}");
    // Metric SLO: request counts, hourly (terms-requests.toml): 2 down
    // hours = 7,200 s: 99.722607 %, below 99.9: 10 % of 2,000.00 = 200.00.
    let r = november_in(
        "datadog/terms-requests.toml",
        &[(
            "datadog/slo-history-metric.json",
            &["--map", "Checkout success=api"],
        )],
    );
    assert!(r.contains("\"total\":\"200.00\""), "{r}");
    assert!(r.contains("99.72260"), "{r}");
    assert!(r.contains("\"down_intervals\":2"), "{r}");
}
