//! The desktop app's use cases (issue 5), called as the Tauri commands call
//! them: the terms form and its amendment, reading a spreadsheet with the
//! user's sheet kinds and column mapping, settings and the library filters.

use crate::util::app;
use sla_ledger::sla_store::contracts::ContractFilter;
use sla_ledger::sla_store::{Ctx, Library};
use sla_ledger::usecases::audit;
use sla_ledger::usecases::contracts::{self, Amendment, ContractQuery};
use sla_ledger::usecases::evidence::{self, ColumnChoice, ImportFile, SheetChoice};
use sla_ledger::usecases::governance::{notices, slo};
use sla_ledger::usecases::session::{self, Settings};
use sla_ledger::usecases::terms_form::FieldEdit;
use sla_ledger::Code;
use std::path::PathBuf;
use std::sync::atomic::AtomicBool;

const S6: &str = "fixtures/cases/spec-s6-full-example";

fn temp(name: &str) -> PathBuf {
    crate::util::temp_dir(&format!("app-{name}"))
}

fn edit(path: &str, value: &str) -> FieldEdit {
    FieldEdit {
        path: path.into(),
        value: value.into(),
    }
}

fn amendment(
    toml: &str,
    edits: &[FieldEdit],
    from: &str,
    to: Option<&str>,
    reason: &str,
) -> Amendment {
    Amendment {
        toml: toml.into(),
        edits: edits.to_vec(),
        from: from.into(),
        to: to.map(str::to_string),
        reason: reason.into(),
    }
}

#[test]
fn issue5_terms_form_checks_at_the_field_and_saves_an_effective_dated_amendment() {
    let dir = temp("terms-form");
    contracts::add(&mut app(&dir), &format!("{S6}/terms.toml"), &[]).unwrap();
    let draft = contracts::form(&app(&dir), "ACME-2026-001").unwrap();
    let target = draft
        .fields
        .iter()
        .find(|f| f.path == "slas[0].target")
        .unwrap();
    assert_eq!(target.value, "99.95");
    let t = draft.toml.as_str();

    // A bad value is reported at its field, by the library's own validator.
    let check = contracts::form_check(t, &[edit("slas[0].credit.cap_percent", "fifty")]);
    assert_eq!(check.problems.len(), 1, "{:?}", check.problems);
    assert_eq!(check.problems[0].path, "slas[0].credit.cap_percent");
    let amend = |a: Amendment| contracts::amend_form(&mut app(&dir), "ACME-2026-001", &a);
    let refused = amend(amendment(
        t,
        &[edit("slas[0].credit.cap_percent", "fifty")],
        "2027-01-01",
        None,
        "typo",
    ))
    .unwrap_err();
    assert_eq!(refused.code(), Code::Terms);

    // Nothing changed (even a value typed back as it was), a bad date, a
    // date mid-month: all refused, nothing written.
    for same in [vec![], vec![edit("slas[0].target", "99.95")]] {
        assert_eq!(
            amend(amendment(t, &same, "2027-01-01", None, "x"))
                .unwrap_err()
                .code(),
            Code::NoChange
        );
    }
    let cap40 = [edit("slas[0].credit.cap_percent", "40")];
    let e = amend(amendment(t, &cap40, "2027-13-01", None, "x")).unwrap_err();
    assert_eq!(
        (e.code(), e.to_string()),
        (
            Code::Value,
            "applies from: `2027-13-01` is not a date written YYYY-MM-DD".to_string()
        )
    );
    let e = amend(amendment(t, &cap40, "2027-01-15", None, "x")).unwrap_err();
    assert!(e.to_string().contains("first day of a month"), "{e}");
    assert_eq!(
        contracts::detail(&app(&dir), "ACME-2026-001")
            .unwrap()
            .versions
            .len(),
        1
    );

    // A good edit becomes version 2 for 2027; the diff shows just that line.
    let v = amend(amendment(
        t,
        &cap40,
        "2027-01-01",
        Some("2027-06-30"),
        "Amendment No. 2",
    ))
    .unwrap();
    assert_eq!(v, 2);
    let d = contracts::detail(&app(&dir), "ACME-2026-001").unwrap();
    let v2 = d.versions.iter().find(|x| x.version == 2).unwrap();
    assert_eq!(
        (v2.applies_from.as_str(), v2.applies_to.as_deref()),
        ("2027-01-01", Some("2027-06-30"))
    );
    let diff = contracts::diff(&app(&dir), "ACME-2026-001", 1, 2).unwrap();
    let changed: Vec<&str> = diff
        .lines()
        .filter(|l| l.starts_with('-') || l.starts_with('+'))
        .filter(|l| !l.starts_with("---") && !l.starts_with("+++"))
        .collect();
    assert_eq!(
        changed,
        vec![r#"-  cap_percent = "50""#, r#"+  cap_percent = "40""#],
        "{diff}"
    );

    // A fourth tier: added as a copy of the last, given its values, saved
    // as version 3 from 2027-07.
    let draft = contracts::form(&app(&dir), "ACME-2026-001").unwrap();
    let more = contracts::form_list_edit(&draft.toml, "slas[0].credit.tiers", None).unwrap();
    assert!(more
        .fields
        .iter()
        .any(|f| f.path == "slas[0].credit.tiers[3].below"));
    let v = amend(amendment(
        &more.toml,
        &[
            edit("slas[0].credit.tiers[3].below", "90.0"),
            edit("slas[0].credit.tiers[3].percent", "100"),
            edit("slas[0].credit.tiers[2].percent", "50"),
        ],
        "2027-07-01",
        None,
        "Amendment No. 3: a fourth tier",
    ))
    .unwrap();
    assert_eq!(v, 3);
    let diff = contracts::diff(&app(&dir), "ACME-2026-001", 2, 3).unwrap();
    // The new entry keeps the list's layout (the copy carries its spacing).
    let added: Vec<&str> = diff
        .lines()
        .filter(|l| l.starts_with('+') && !l.starts_with("+++"))
        .collect();
    assert_eq!(
        added,
        vec![
            r#"+    { below = "95.0",  percent = "50" },"#,
            r#"+    { below = "90.0",  percent = "100" },"#
        ],
        "{diff}"
    );
}

/// The spec's outage sheet with the headers a monitoring tool might write.
fn foreign_outages(dir: &std::path::Path) -> String {
    let text = std::fs::read_to_string(format!("{S6}/outages.csv")).unwrap();
    let (_, body) = text.split_once('\n').unwrap();
    let path = dir.join("monitor-export.csv");
    std::fs::write(
        &path,
        format!("Component,Begin,Back up at,Impact,Root cause,Probe,Ticket\n{body}"),
    )
    .unwrap();
    path.display().to_string()
}

#[test]
fn issue5_a_sheet_read_through_an_edited_column_mapping_gives_the_spec_sheets_rows() {
    let dir = temp("mapping");
    contracts::add(&mut app(&dir), &format!("{S6}/terms.toml"), &[]).unwrap();
    let file = foreign_outages(&dir);
    let view = evidence::inspect_file(&file, &AtomicBool::new(false), &mut |_| {}).unwrap();
    assert_eq!(view.sheets.len(), 1);
    let sheet = &view.sheets[0];
    assert_eq!(
        (sheet.name.as_str(), sheet.kind.as_str()),
        ("monitor-export", "outages")
    );
    let guessed: Vec<(&str, &str)> = sheet
        .columns
        .iter()
        .map(|c| (c.column.as_str(), c.header.as_str()))
        .collect();
    assert_eq!(
        guessed,
        vec![
            ("service", "Component"),
            ("start", "Begin"),
            ("end", ""),
            ("impact", "Impact"),
            ("cause", "Root cause"),
            ("source", "Probe"),
            ("ref", "Ticket"),
        ]
    );

    // As guessed, `end` is missing: the preview says so, at the header row.
    let mut choice = SheetChoice {
        sheet: sheet.name.clone(),
        kind: "outages".into(),
        columns: sheet.columns.clone(),
    };
    let p = evidence::preview(
        &app(&dir),
        &ImportFile {
            file: &file,
            mapping: Some(&[choice.clone()]),
            ..Default::default()
        },
        &AtomicBool::new(false),
        &mut |_| {},
    )
    .unwrap();
    assert_eq!(
        p.errors,
        vec![format!("{file}:outages:1:end: missing required column")]
    );

    // The user maps `end` to "Back up at": the rows read are the spec's.
    choice.columns[2] = ColumnChoice {
        column: "end".into(),
        header: "Back up at".into(),
    };
    let mapped = evidence::preview(
        &app(&dir),
        &ImportFile {
            file: &file,
            mapping: Some(&[choice.clone()]),
            ..Default::default()
        },
        &AtomicBool::new(false),
        &mut |_| {},
    )
    .unwrap();
    let spec_file = format!("{S6}/outages.csv");
    let spec = evidence::preview(
        &app(&dir),
        &ImportFile {
            file: &spec_file,
            kind: Some("outages"),
            ..Default::default()
        },
        &AtomicBool::new(false),
        &mut |_| {},
    )
    .unwrap();
    assert_eq!(mapped.errors, Vec::<String>::new());
    assert_eq!(mapped.outages, spec.outages);
    let rows = |p: &evidence::ImportPreview| {
        p.rows
            .iter()
            .map(|r| {
                (
                    r.service.clone(),
                    r.start.clone(),
                    r.end.clone(),
                    r.detail.clone(),
                )
            })
            .collect::<Vec<_>>()
    };
    assert_eq!(rows(&mapped), rows(&spec));
    assert!(mapped.rows[0]
        .origin
        .starts_with(&format!("{file}:outages:2")));

    // Importing with the mapping writes those rows and records the mapping.
    let out = evidence::import(
        &mut app(&dir),
        &ImportFile {
            file: &file,
            source: "monitor",
            contract: None,
            kind: None,
            mapping: Some(&[choice]),
            preset: None,
        },
        &AtomicBool::new(false),
        &mut |_| {},
    )
    .unwrap();
    let sla_ledger::sla_store::evidence::ImportOutcome::Imported { import, .. } = out else {
        panic!("expected a new import")
    };
    assert_eq!(import.outage_rows as usize, spec.outages);
    let audit = audit::list(&app(&dir), 500).unwrap();
    let entry = audit
        .iter()
        .find(|a| a.action == "evidence.import")
        .unwrap();
    assert!(entry.details.contains("Back up at"), "{}", entry.details);

    // A kind that is not one is refused before anything is read.
    let bad = SheetChoice {
        sheet: "monitor-export".into(),
        kind: "outage".into(),
        columns: vec![],
    };
    let e = evidence::preview(
        &app(&dir),
        &ImportFile {
            file: &file,
            mapping: Some(&[bad]),
            ..Default::default()
        },
        &AtomicBool::new(false),
        &mut |_| {},
    )
    .unwrap_err();
    assert_eq!(e.code(), Code::Mapping);
}

#[test]
fn issue5_settings_are_saved_audited_and_checked() {
    let dir = temp("settings");
    assert_eq!(session::settings(&app(&dir)).unwrap().actor, "");
    let saved = session::save_settings(
        &mut app(&dir),
        Settings {
            actor: "  Dana Finance ".into(),
            source_label: "Pingdom".into(),
            export_dir: String::new(),
            locale: "de_DE.UTF-8".into(),
        },
    )
    .unwrap();
    assert_eq!(
        (
            saved.actor.as_str(),
            saved.source_label.as_str(),
            saved.export_dir.as_str()
        ),
        ("Dana Finance", "Pingdom", "")
    );
    // A locale is stored as its tag (issue 16); an unknown one is refused.
    assert_eq!(saved.locale, "de-DE");
    let e = session::save_settings(
        &mut app(&dir),
        Settings {
            locale: "tlh".into(),
            ..saved.clone()
        },
    )
    .unwrap_err();
    assert_eq!(
        (e.code(), e.to_string()),
        (
            Code::Value,
            "locale `tlh` is not one of en-US, en-GB, de-DE, fr-FR".to_string()
        )
    );
    let e = session::save_settings(
        &mut app(&dir),
        Settings {
            export_dir: "relative/out".into(),
            ..saved.clone()
        },
    )
    .unwrap_err();
    assert_eq!(e.code(), Code::Value);
    let audit = audit::list(&app(&dir), 500).unwrap();
    let sets: Vec<&str> = audit
        .iter()
        .filter(|a| a.action == "settings.set")
        .map(|a| a.subject.as_str())
        .collect();
    assert_eq!(sets.len(), 3, "{sets:?}");
    assert!(sets.contains(&"actor") && sets.contains(&"source_label") && sets.contains(&"locale"));
    assert!(audit::verify(&app(&dir), &[]).unwrap().chain.ok);
    assert_eq!(
        session::check_library("relative").unwrap_err().code(),
        Code::Value
    );
    let other = temp("settings-other");
    assert_eq!(
        session::check_library(&other.display().to_string())
            .unwrap()
            .contracts,
        0
    );
}

#[test]
fn issue5_library_filters_by_counterparty_and_status_on_a_given_day() {
    let dir = temp("filters");
    let mut lib = Library::open(&dir, 2_000).unwrap();
    let ctx = Ctx {
        actor: "tester".into(),
        now: 1_795_860_000,
    };
    lib.add_contract(&ctx, &format!("{S6}/terms.toml")).unwrap();
    lib.add_contract(&ctx, "fixtures/cases/workbook-xlsx-new-york/terms.toml")
        .unwrap();
    let ids = |f: ContractFilter| -> Vec<(String, String)> {
        lib.list_contracts(&f)
            .unwrap()
            .into_iter()
            .map(|c| (c.id, c.status))
            .collect()
    };
    let day = |d: &str| Some(chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").unwrap());
    // ACME runs 2026-01-01 .. 2027-12-31.
    let acme = |status: &str| vec![("ACME-2026-001".to_string(), status.to_string())];
    let on = |d: &str, status: &str| ContractFilter {
        counterparty: Some("acme corp".into()),
        status: Some(status.into()),
        today: day(d),
        ..Default::default()
    };
    assert_eq!(ids(on("2025-12-31", "upcoming")), acme("upcoming"));
    assert_eq!(ids(on("2026-01-01", "active")), acme("active"));
    assert_eq!(ids(on("2027-12-31", "active")), acme("active"));
    assert_eq!(ids(on("2028-01-01", "ended")), acme("ended"));
    assert_eq!(ids(on("2028-01-01", "active")), vec![]);
    let all = ids(ContractFilter::default());
    assert_eq!(all.len(), 2);
    assert!(all.iter().all(|(_, s)| s == "active"));
    // The app's query type maps empty strings to "any".
    let q = ContractQuery {
        search: Some(String::new()),
        counterparty: Some(" ".into()),
        ..Default::default()
    };
    assert_eq!(contracts::list(&app(&dir), q).unwrap().len(), 2);
}

/// Issue 12 (the actor bug): the name chosen in the app's Settings is the
/// one written in every audit entry, governance included; and the CLI's
/// `--actor` wins over it.
#[test]
fn issue12_the_chosen_actor_is_written_in_every_audit_entry() {
    let dir = temp("actor");
    session::save_settings(
        &mut app(&dir),
        Settings {
            actor: "Dana Finance".into(),
            source_label: "Pingdom".into(),
            export_dir: String::new(),
            locale: String::new(),
        },
    )
    .unwrap();
    let gov = "fixtures/governance";
    slo::import(&mut app(&dir), &format!("{gov}/slos.yaml")).unwrap();
    slo::set_policy(&mut app(&dir), &format!("{gov}/policy.toml")).unwrap();
    notices::save_templates(&mut app(&dir), &notices::templates(&app(&dir)).unwrap()).unwrap();
    // Every entry after the name was chosen (the settings entries name
    // whoever chose it).
    let app_actors: Vec<(String, String)> = audit::list(&app(&dir), 500)
        .unwrap()
        .into_iter()
        .filter(|a| a.action != "settings.set")
        .map(|a| (a.action, a.actor))
        .collect();
    assert!(app_actors.len() >= 4, "{app_actors:?}");
    assert!(
        app_actors.iter().all(|(_, who)| who == "Dana Finance"),
        "{app_actors:?}"
    );
    // The CLI on the same library: the library's name without a flag,
    // `--actor` when given.
    let cli = |extra: &[&str]| {
        let o = crate::util::bin()
            .env_remove("SLA_LEDGER_ACTOR")
            .arg("--library")
            .arg(&dir)
            .args(extra)
            .output()
            .unwrap();
        assert!(o.status.success(), "{o:?}");
    };
    cli(&["slo", "policy", &format!("{gov}/policy.toml")]);
    cli(&[
        "--actor",
        "Erik Audit",
        "slo",
        "policy",
        &format!("{gov}/policy.toml"),
    ]);
    cli(&[
        "--actor",
        "Erik Audit",
        "contracts",
        "add",
        &format!("{S6}/terms.toml"),
    ]);
    let newest: Vec<(String, String)> = audit::list(&app(&dir), 500)
        .unwrap()
        .into_iter()
        .take(3)
        .map(|a| (a.action, a.actor))
        .collect();
    assert_eq!(
        newest.iter().map(|(_, w)| w.as_str()).collect::<Vec<_>>(),
        vec!["Erik Audit", "Erik Audit", "Dana Finance"],
        "{newest:?}"
    );
}
