//! Issue 14: every preset reads its fixture (fixtures/presets/<vendor>/) to
//! the rows written by hand in the `.expected` file beside it; detection
//! names the preset; bad values are row errors at their JSON pointer or
//! cell, all of them, and nothing is returned.

use chrono_tz::Tz;
use sla_engine::time::fmt_instant;
use sla_engine::{Events, Terms};
use sla_import::{detect, read_preset, PresetOptions};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/presets")
}

fn terms() -> Terms {
    let text = std::fs::read_to_string(root().join("terms.toml")).expect("terms");
    Terms::parse(&text).expect("valid terms")
}

fn opts(map: &[(&str, &str)], zone: Option<&str>) -> PresetOptions {
    PresetOptions {
        components: map
            .iter()
            .map(|(c, s)| (c.to_string(), s.to_string()))
            .collect::<BTreeMap<_, _>>(),
        zone: zone.map(|z| z.parse::<Tz>().expect("zone")),
        ..PresetOptions::default()
    }
}

/// Rows as the `.expected` files write them (instants in UTC, origin as
/// `sheet:row`, the file left out).
fn render(ev: &Events) -> Vec<String> {
    let mut out = Vec::new();
    for o in &ev.outages {
        out.push(format!(
            "outages,{},{},{},{},{},{},{},{}:{}",
            o.service,
            fmt_instant(o.start),
            o.end.map(fmt_instant).unwrap_or_else(|| "open".into()),
            o.impact,
            o.cause,
            o.source,
            o.reference,
            o.origin.sheet,
            o.origin.row
        ));
    }
    for m in &ev.maintenance {
        out.push(format!(
            "maintenance,{},{},{},{},{}:{}",
            m.service,
            fmt_instant(m.start),
            fmt_instant(m.end),
            m.notified_at
                .map(fmt_instant)
                .unwrap_or_else(|| "none".into()),
            m.origin.sheet,
            m.origin.row
        ));
    }
    for i in &ev.incidents {
        out.push(format!(
            "incidents,{},{},{},{},{},{}:{}",
            i.incident,
            i.service,
            i.severity,
            fmt_instant(i.at),
            i.status,
            i.origin.sheet,
            i.origin.row
        ));
    }
    for r in &ev.requests {
        out.push(format!(
            "requests,{},{},{},{},{},{}:{}",
            r.service,
            fmt_instant(r.start),
            fmt_instant(r.end),
            r.good,
            r.total,
            r.origin.sheet,
            r.origin.row
        ));
    }
    out
}

fn expected(file: &str) -> Vec<String> {
    std::fs::read_to_string(root().join(file))
        .expect("expected rows")
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(str::to_string)
        .collect()
}

/// (fixture, preset it is detected as, component map, zone, expected rows)
type Case = (
    &'static str,
    &'static str,
    &'static [(&'static str, &'static str)],
    Option<&'static str>,
    &'static str,
);

const CASES: &[Case] = &[
    (
        "statuspage/incidents.json",
        "statuspage",
        &[("Website", "web")],
        None,
        "statuspage/incidents.expected",
    ),
    (
        "statuspage/scheduled-maintenances.json",
        "statuspage",
        &[("Website", "web")],
        None,
        "statuspage/scheduled-maintenances.expected",
    ),
    (
        "pagerduty/incidents.json",
        "pagerduty",
        &[("Website", "web")],
        None,
        "pagerduty/incidents.expected",
    ),
    (
        "pagerduty/analytics.json",
        "pagerduty-analytics",
        &[("Website", "web")],
        None,
        "pagerduty/analytics.expected",
    ),
    (
        "pagerduty/incidents.csv",
        "pagerduty-csv",
        &[("Website", "web")],
        None,
        "pagerduty/incidents.csv.expected",
    ),
    (
        "datadog/incidents.json",
        "datadog-incidents",
        &[("Website", "web")],
        None,
        "datadog/incidents.expected",
    ),
    (
        "datadog/downtimes.json",
        "datadog-downtimes",
        &[("website", "web")],
        None,
        "datadog/downtimes.expected",
    ),
    (
        "uptimerobot/monitor-log.csv",
        "uptimerobot-csv",
        &[("Website", "web")],
        Some("America/New_York"),
        "uptimerobot/monitor-log.expected",
    ),
    (
        "jira/issues.csv",
        "jira-csv",
        &[("Website", "web")],
        Some("America/New_York"),
        "jira/issues.csv.expected",
    ),
    (
        "jira/changelog.json",
        "jira-changelog",
        &[("Website", "web")],
        None,
        "jira/changelog.expected",
    ),
    (
        "pingdom/api.json",
        "pingdom-outages",
        &[],
        None,
        "pingdom/api.expected",
    ),
    (
        "datadog/slo-history-monitor.json",
        "datadog-slo-history",
        &[("API availability", "api")],
        None,
        "datadog/slo-history-monitor.expected",
    ),
    (
        "datadog/slo-history-metric.json",
        "datadog-slo-history",
        &[("Checkout success", "api")],
        None,
        "datadog/slo-history-metric.expected",
    ),
];

#[test]
fn issue14_every_preset_reads_its_fixture_to_the_expected_rows() {
    let terms = terms();
    for (file, preset, map, zone, want) in CASES {
        let path = root().join(file);
        let path = path.to_str().expect("utf-8 path");
        let found = detect(path).expect("readable").map(|p| p.name);
        assert_eq!(found, Some(*preset), "{file}: detected preset");
        let reading = read_preset(path, None, &opts(map, *zone), &terms).expect("readable");
        assert_eq!(reading.preset.name, *preset);
        let errors: Vec<String> = reading.errors.iter().map(|e| e.to_string()).collect();
        assert!(errors.is_empty(), "{file}: {errors:#?}");
        let got = render(&reading.events);
        assert_eq!(got, expected(want), "{file}");
        // Every component met is shown with the service it became.
        assert!(reading.components.iter().all(|c| c.service.is_some()));
        let imported = reading.into_imported().expect("no errors");
        assert_eq!(render(&imported.events), expected(want));
    }
}

#[test]
fn issue14_statuspage_weights_and_warnings_are_the_users() {
    let terms = terms();
    let path = root().join("statuspage/incidents.json");
    let mut o = opts(&[("Website", "web")], None);
    o.partial_weight = "0.75".parse().unwrap();
    o.degraded_weight = "0.1".parse().unwrap();
    let r = read_preset(path.to_str().unwrap(), Some("statuspage"), &o, &terms).unwrap();
    let impacts: Vec<String> = r
        .events
        .outages
        .iter()
        .map(|o| o.impact.to_string())
        .collect();
    assert_eq!(impacts, ["1", "0.1", "0.75", "1"]);
    assert_eq!(r.warnings.len(), 1, "{:?}", r.warnings);
    assert!(
        r.warnings[0].ends_with(
            "/incidents/3: incident https://stspg.io/info4 names no component: no outage row"
        ),
        "{}",
        r.warnings[0]
    );
    let comps: Vec<(String, Option<String>, &str, usize)> = r
        .components
        .iter()
        .map(|c| (c.component.clone(), c.service.clone(), c.how, c.uses))
        .collect();
    assert_eq!(
        comps,
        [
            ("API".to_string(), Some("api".to_string()), "same name", 2),
            ("Website".to_string(), Some("web".to_string()), "mapping", 2),
        ]
    );
}

#[test]
fn issue14_unmapped_components_and_naive_times_are_row_errors_and_nothing_is_returned() {
    let terms = terms();
    let sp = root().join("statuspage/incidents.json");
    let r = read_preset(sp.to_str().unwrap(), None, &opts(&[], None), &terms).unwrap();
    let errors: Vec<String> = r.errors.iter().map(|e| e.to_string()).collect();
    let file = sp.to_str().unwrap();
    assert_eq!(
        errors,
        [
            format!("{file}:/incidents/0/components/0/name: component `Website` names no service of the contract (the terms name `api`, `web`): map it, e.g. --map 'Website=SERVICE'"),
            format!("{file}:/incidents/1/components/1/name: component `Website` names no service of the contract (the terms name `api`, `web`): map it, e.g. --map 'Website=SERVICE'"),
        ]
    );
    assert_eq!(r.components.len(), 2);
    assert_eq!(r.components[1].service, None);
    assert!(r.into_imported().is_err());

    // UptimeRobot's times carry no offset: without --zone each is an error.
    let ur = root().join("uptimerobot/monitor-log.csv");
    let r = read_preset(
        ur.to_str().unwrap(),
        None,
        &opts(&[("Website", "web")], None),
        &terms,
    )
    .unwrap();
    assert_eq!(r.errors.len(), 6);
    assert_eq!(
        r.errors[0].to_string(),
        format!(
            "{}:monitor-log:3:Date-Time: `2026-10-31 23:30:00` has no UTC offset and no zone was given for it: say which zone with --zone",
            ur.to_str().unwrap()
        )
    );
}

fn temp_file(name: &str, text: &str) -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().expect("temp dir");
    let p = dir.path().join(name);
    std::fs::write(&p, text).expect("write");
    let s = p.to_str().expect("utf-8").to_string();
    (dir, s)
}

#[test]
fn issue14_jira_statuses_outside_the_common_names_need_a_mapping() {
    let terms = terms();
    let doc = r#"{"key": "SD-9", "fields": {"created": "2026-11-02T10:00:00.000-0500",
      "priority": {"name": "P1"}, "components": [{"name": "API"}]},
      "changelog": {"histories": [{"created": "2026-11-02T10:05:00.000-0500",
        "items": [{"field": "status", "toString": "Triage by vendor"}]}]}}"#;
    let (_dir, path) = temp_file("issue.json", doc);
    let r = read_preset(&path, None, &opts(&[], None), &terms).unwrap();
    let errors: Vec<String> = r.errors.iter().map(|e| e.to_string()).collect();
    assert_eq!(
        errors,
        [format!("{path}:/changelog/histories/0/items/0/toString: unknown status `Triage by vendor`: map it, e.g. --status 'Triage by vendor=acknowledged' (opened, acknowledged, awaiting_customer, resumed, resolved, closed)")]
    );
    let mut o = opts(&[], None);
    o.statuses
        .insert("triage by vendor".into(), "awaiting_customer".into());
    let r = read_preset(&path, None, &o, &terms).unwrap();
    assert!(r.errors.is_empty());
    assert_eq!(
        render(&r.events),
        [
            "incidents,SD-9,api,P1,2026-11-02T15:00:00Z,opened,/fields/created:1",
            "incidents,SD-9,api,P1,2026-11-02T15:05:00Z,awaiting_customer,/changelog/histories/0/items/0:2"
        ]
    );
}

#[test]
fn issue14_bad_values_are_named_by_json_pointer_and_all_listed() {
    let terms = terms();
    let doc = r#"{"page": {"id": "p"}, "incidents": [
      {"id": "a", "created_at": "2026-11-01T01:30:00", "resolved_at": "yesterday",
       "incident_updates": [{"status": "investigating", "created_at": "2026-11-01T05:00:00Z",
         "affected_components": [{"name": "API", "new_status": "on_fire"}]}],
       "components": [{"name": "API"}]},
      {"id": "b", "started_at": "2026-11-02T10:00:00Z", "resolved_at": "2026-11-02T09:00:00Z",
       "incident_updates": [{"status": "resolved", "created_at": "2026-11-02T10:00:00Z",
         "affected_components": [{"name": "API", "new_status": "major_outage"}]}]}
    ]}"#;
    let (_dir, path) = temp_file("incidents.json", doc);
    let ny: Tz = "America/New_York".parse().unwrap();
    let mut o = opts(&[], None);
    o.zone = Some(ny);
    let r = read_preset(&path, None, &o, &terms).unwrap();
    let errors: Vec<String> = r.errors.iter().map(|e| e.to_string()).collect();
    assert_eq!(
        errors,
        [
            format!("{path}:/incidents/0/created_at: `2026-11-01T01:30:00` happens twice in America/New_York (the clocks go back): it is 01:30 EDT (2026-11-01T05:30:00Z) or 01:30 EST (2026-11-01T06:30:00Z); give an offset"),
            format!("{path}:/incidents/0/resolved_at: `yesterday` is not a date-time"),
            format!("{path}:/incidents/0/incident_updates/0/affected_components/0/new_status: unknown component status `on_fire` (Statuspage's are operational, degraded_performance, partial_outage, major_outage, under_maintenance)"),
            format!("{path}:/incidents/0/components/0/name: no update of the incident gives component `API` a status: its impact is unknown"),
            format!("{path}:/incidents/1/resolved_at: end is before start"),
        ]
    );
}

#[test]
fn issue14_datadog_slo_history_refuses_partial_or_bad_histories_and_warns_on_no_data() {
    let terms = terms();
    // A monitor history Datadog itself flagged (errors, replay running),
    // with a bad state and a transition out of order: all listed, no rows.
    let doc = r#"{"data": {"type": "monitor", "from_ts": 1793505600, "to_ts": 1796101200,
      "slo": {"name": "api"},
      "overall": {"preview": true, "errors": [{"error_type": "timeout", "error_message": "query timed out"}],
        "history": [[1793505600, 0], [1793600000, 7], [1793700000, 1], [1793650000, 0]]}},
      "errors": [{"error": "partial data"}]}"#;
    let (_dir, path) = temp_file("history.json", doc);
    let r = read_preset(&path, None, &opts(&[], None), &terms).unwrap();
    assert_eq!(r.preset.name, "datadog-slo-history");
    let errors: Vec<String> = r.errors.iter().map(|e| e.to_string()).collect();
    assert_eq!(
        errors,
        [
            format!("{path}:/errors/0: Datadog reported an error for this history (partial data): it may be incomplete; export it again"),
            format!("{path}:/data/overall/errors/0: Datadog reported an error for this history (query timed out): it may be incomplete; export it again"),
            format!("{path}:/data/overall/preview: Datadog is still replaying this SLO's history (preview): export it again when the replay is done"),
            format!("{path}:/data/overall/history/1/1: unknown state `7` (0 uptime, 1 downtime, 2 no data)"),
            format!("{path}:/data/overall/history/3: transitions are out of time order"),
        ]
    );
    assert!(r.into_imported().is_err());

    // A metric history: counts must be whole, good <= total, and both or
    // neither null.
    let doc = r#"{"data": {"type": "metric", "from_ts": 1793505600, "to_ts": 1793516400,
      "slo": {"name": "api"},
      "series": {"interval": 3600, "times": [1793505600000, 1793509200000, 1793512800000, 1793516400500],
        "numerator": {"values": [10.5, 20, null, 1]}, "denominator": {"values": [11, 10, 5, 1]}}}}"#;
    let (_dir2, path) = temp_file("metric.json", doc);
    let r = read_preset(&path, None, &opts(&[], None), &terms).unwrap();
    let errors: Vec<String> = r.errors.iter().map(|e| e.to_string()).collect();
    assert_eq!(
        errors,
        [
            format!("{path}:/data/series/numerator/values/0: `10.5` is not a whole number of events"),
            format!("{path}:/data/series/numerator/values/1: more good events than events"),
            format!("{path}:/data/series/numerator/values/2: one of numerator and denominator is null at this time"),
            format!("{path}:/data/series/times/3: `1793516400500` is not a whole second in epoch milliseconds"),
        ]
    );

    // No data in a monitor SLO is the user's call: a warning, no row.
    let doc = r#"{"data": {"type": "monitor", "from_ts": 1793505600, "to_ts": 1793520000,
      "slo": {"name": "api"}, "overall": {"history": [[1793505600, 2], [1793509200, 1], [1793512800, 0]]}}}"#;
    let (_dir3, path) = temp_file("nodata.json", doc);
    let r = read_preset(&path, None, &opts(&[], None), &terms).unwrap();
    assert!(r.errors.is_empty(), "{:?}", r.errors);
    assert_eq!(r.events.outages.len(), 1);
    assert_eq!(
        (r.events.outages[0].start, r.events.outages[0].end),
        (1793509200, Some(1793512800))
    );
    assert_eq!(r.warnings.len(), 1);
    assert!(
        r.warnings[0].starts_with(&format!("{path}:/data/overall/history/0: no data from 2026-11-01T04:00:00Z to 2026-11-01T05:00:00Z")),
        "{:?}",
        r.warnings
    );
}

#[test]
fn issue14_files_no_preset_knows_and_wrong_presets_are_refused() {
    let terms = terms();
    let (_d, path) = temp_file("other.json", r#"{"hello": []}"#);
    assert_eq!(detect(&path).unwrap(), None);
    let e = read_preset(&path, None, &PresetOptions::default(), &terms).unwrap_err();
    assert_eq!(
        e.to_string(),
        format!(
            "{path}: no preset recognises this file; name one with --preset (see --list-presets)"
        )
    );
    let e = read_preset(&path, Some("nagios"), &PresetOptions::default(), &terms).unwrap_err();
    assert!(
        e.to_string()
            .contains("no preset named `nagios`; the presets are statuspage, pagerduty,"),
        "{e}"
    );
    let e = read_preset(
        &path,
        Some("uptimerobot-csv"),
        &PresetOptions::default(),
        &terms,
    )
    .unwrap_err();
    assert_eq!(
        e.to_string(),
        format!("{path}: the preset `uptimerobot-csv` reads CSV files")
    );
    let (_d2, bad) = temp_file("bad.json", "{\"incidents\": [");
    let e = detect(&bad).unwrap_err();
    assert!(
        e.to_string()
            .starts_with(&format!("{bad}: not a JSON document: EOF")),
        "{e}"
    );
}

fn day(s: &str) -> chrono::NaiveDate {
    chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

#[test]
fn issue14_an_ics_feed_gives_its_all_day_holidays_over_the_contract() {
    let path = root().join("ics/us-holidays.ics");
    let got =
        sla_import::read_holidays(path.to_str().unwrap(), day("2026-01-01"), day("2027-12-31"))
            .expect("holidays");
    let got: Vec<String> = got.iter().map(|d| d.to_string()).collect();
    assert_eq!(got, expected("ics/us-holidays.expected"));
}

#[test]
fn issue14_timed_events_and_other_rules_are_refused_with_a_message() {
    let path = root().join("ics/timed.ics");
    let p = path.to_str().unwrap();
    let e = sla_import::read_holidays(p, day("2026-01-01"), day("2027-12-31")).unwrap_err();
    let lines: Vec<String> = match e {
        sla_import::ImportError::Rows(rows) => rows.iter().map(|r| r.to_string()).collect(),
        other => panic!("{other}"),
    };
    assert_eq!(
        lines,
        [
            format!("{p}:VEVENT:1:DTSTART: `20261126T090000Z` (Planning meeting) is a timed event, not a holiday: only all-day events (DTSTART;VALUE=DATE) are read"),
            format!("{p}:VEVENT:2:RRULE: `FREQ=MONTHLY`: only yearly rules (FREQ=YEARLY) are holidays (Monthly close)"),
        ]
    );
    let (_d, bad) = temp_file("bad.ics", "BEGIN:VCALENDAR\nthis is not a calendar\n");
    let e = sla_import::read_holidays(&bad, day("2026-01-01"), day("2027-12-31")).unwrap_err();
    assert!(
        e.to_string()
            .starts_with(&format!("{bad}: not an iCalendar file")),
        "{e}"
    );
    let deep = "BEGIN:VCALENDAR\n".repeat(50_000);
    let (_d2, deep_path) = temp_file("deep.ics", &deep);
    let e =
        sla_import::read_holidays(&deep_path, day("2026-01-01"), day("2027-12-31")).unwrap_err();
    assert_eq!(
        e.to_string(),
        format!("{deep_path}: components nest deeper than 8 levels")
    );
}

#[test]
fn issue14_hostile_exports_are_refused_or_read_in_bounded_time() {
    let terms = terms();
    // One incident naming 100,000 components: read without a quadratic
    // search (each is a row error: no such service).
    let comps: Vec<String> = (0..100_000)
        .map(|i| format!(r#"{{"name": "c{i}"}}"#))
        .collect();
    let doc = format!(
        r#"{{"page": {{}}, "incidents": [{{"id": "x", "started_at": "2026-11-02T10:00:00Z",
        "components": [{}], "incident_updates": []}}]}}"#,
        comps.join(",")
    );
    let (_d, path) = temp_file("many.json", &doc);
    let started = std::time::Instant::now();
    let r = read_preset(&path, None, &opts(&[], None), &terms).unwrap();
    assert_eq!(r.errors.len(), 100_000);
    assert!(started.elapsed().as_secs() < 20, "{:?}", started.elapsed());

    // Year-long events repeated every year over a long contract: capped.
    let mut ics = String::from("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n");
    for i in 0..40 {
        ics.push_str(&format!(
            "BEGIN:VEVENT\r\nUID:{i}\r\nDTSTART;VALUE=DATE:19000101\r\nDTEND;VALUE=DATE:19001231\r\nRRULE:FREQ=YEARLY\r\nEND:VEVENT\r\n"
        ));
    }
    ics.push_str("END:VCALENDAR\r\n");
    let (_d2, ics_path) = temp_file("long.ics", &ics);
    let e = sla_import::read_holidays(&ics_path, day("1900-01-01"), day("2199-12-31")).unwrap_err();
    assert_eq!(
        e.to_string(),
        format!("{ics_path}: the events expand to more than 1,000,000 days")
    );
}
