//! The library (issue 3): a real SQLite file in a temporary folder, used
//! through the same API the CLI and the desktop shell use, and through the
//! binary where processes matter (busy, SIGKILL).

use crate::util::bin;
use crate::util::{ImportRequest, UseCases};
use serde_json::Value;
use sla_ledger::sla_import::Kind;
use sla_ledger::sla_store::claims::{ClaimFilter, ClaimUpdate};
use sla_ledger::sla_store::evidence::ImportOutcome;
use sla_ledger::sla_store::{Ctx, Library, StoreError};
use std::path::{Path, PathBuf};

const S6: &str = "fixtures/cases/spec-s6-full-example";

fn temp(name: &str) -> PathBuf {
    crate::util::temp_dir(&format!("lib-{name}"))
}

fn ctx() -> Ctx {
    // 2026-11-27T10:00:00Z
    Ctx {
        actor: "tester".into(),
        now: 1_795_860_000,
    }
}

/// The server's URL, and the database standing for each library folder.
type PgDbs = (String, Vec<(PathBuf, crate::issue17::TempDb)>);

std::thread_local! {
    /// Issue 17: when a test runs on PostgreSQL, the server's URL and a
    /// throwaway database per library folder the test opens (dropped when
    /// the test's thread ends).
    static PG: std::cell::RefCell<Option<PgDbs>> =
        const { std::cell::RefCell::new(None) };
}

/// The library in `dir`: a SQLite folder, or, in a test run
/// [`on_postgres`], the PostgreSQL database that stands for that folder.
fn open(dir: &Path) -> Library {
    PG.with(|pg| match &mut *pg.borrow_mut() {
        None => Library::open(dir, 2_000).unwrap(),
        Some((admin, dbs)) => {
            if !dbs.iter().any(|(d, _)| d == dir) {
                let n = dbs.len();
                let name = format!(
                    "{}{n}",
                    std::thread::current()
                        .name()
                        .unwrap_or("lib")
                        .rsplit("::")
                        .next()
                        .unwrap_or("lib")
                        .chars()
                        .filter(char::is_ascii_alphanumeric)
                        .take(20)
                        .collect::<String>()
                );
                dbs.push((
                    dir.to_path_buf(),
                    crate::issue17::TempDb::new(admin, &name.to_lowercase()),
                ));
            }
            let db = &dbs.iter().find(|(d, _)| d == dir).unwrap().1;
            let mut lib = Library::open_pg(&db.url, dir, 10_000).unwrap();
            // These tests act as one person ("tester"): a one-person team
            // library, four-eyes off (issue17_team tests four-eyes itself).
            if lib.is_empty().unwrap() {
                lib.set_meta_once("four_eyes", "off").unwrap();
            }
            lib
        }
    })
}

/// Runs a library test again on PostgreSQL (issue 17), when
/// `SLA_LEDGER_TEST_PG_URL` names a server; says it skipped otherwise.
fn on_postgres(test: fn()) {
    let Some(admin) = crate::issue17::pg_url() else {
        return;
    };
    /// Drops the databases while the test's thread is alive (the client
    /// needs its own thread-locals), also when the test panics.
    struct Dbs;
    impl Drop for Dbs {
        fn drop(&mut self) {
            drop(PG.with(|pg| pg.borrow_mut().take()));
        }
    }
    PG.with(|pg| *pg.borrow_mut() = Some((admin, Vec::new())));
    let _dbs = Dbs;
    test();
}

fn is_pg() -> bool {
    PG.with(|pg| pg.borrow().is_some())
}

fn import(lib: &mut Library, file: &str, contract: &str, kind: Option<Kind>) -> ImportOutcome {
    lib.uc_import(
        &ctx(),
        &ImportRequest {
            file,
            source_label: "test",
            contract: Some(contract),
            kind,
        },
        &mut |_| true,
    )
    .unwrap()
}

fn s6_library(name: &str) -> (PathBuf, Library) {
    let dir = temp(name);
    let mut lib = open(&dir);
    lib.add_contract(&ctx(), &format!("{S6}/terms.toml"))
        .unwrap();
    for (f, k) in [
        ("outages.csv", Kind::Outages),
        ("maintenance.csv", Kind::Maintenance),
        ("incidents.csv", Kind::Incidents),
    ] {
        import(&mut lib, &format!("{S6}/{f}"), "ACME-2026-001", Some(k));
    }
    (dir, lib)
}

fn numbers(doc: &sla_ledger::sla_engine::ResultDoc) -> Value {
    let mut v = serde_json::to_value(doc).unwrap();
    for k in ["trace", "warnings", "chronic"] {
        v.as_object_mut().unwrap().remove(k);
    }
    for l in v["lines"].as_array_mut().unwrap() {
        // Descriptive, not numbers: traces, and the per-row decisions that
        // name rows (split or duplicated rows list more entries).
        for k in ["trace", "evidence", "maintenance"] {
            l.as_object_mut().unwrap().remove(k);
        }
    }
    v
}

#[test]
fn schema_matches_its_snapshot() {
    let dir = temp("schema");
    let lib = open(&dir);
    let got = lib.schema_sql().unwrap();
    let path = "crates/store/tests/schema.snapshot.sql";
    if std::env::var_os("SLA_LEDGER_UPDATE_SNAPSHOTS").is_some() {
        std::fs::write(path, &got).unwrap();
    }
    assert_eq!(
        got,
        std::fs::read_to_string(path).expect("snapshot (SLA_LEDGER_UPDATE_SNAPSHOTS=1 writes it)"),
        "schema changed: add a migration and update the snapshot"
    );
    // Reopening runs no migration twice.
    drop(lib);
    assert_eq!(open(&dir).schema_sql().unwrap(), got);
}

/// Every golden case, computed from a library, equals the stateless compute
/// on the same files.
#[test]
fn library_statements_equal_stateless_compute_for_every_fixture() {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir("fixtures/cases")
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("expected.json").exists())
        .collect();
    dirs.sort();
    for case in dirs {
        let name = case.file_name().unwrap().to_string_lossy().into_owned();
        let dir = temp(&format!("eq-{name}"));
        let mut lib = open(&dir);
        let terms = format!("{}/terms.toml", case.display());
        let id = lib.add_contract(&ctx(), &terms).unwrap();
        let mut sources = sla_ledger::sla_import::Sources::default();
        for (f, k) in [
            ("events.xlsx", None),
            ("events.ods", None),
            ("events.xls", None),
            ("outages.csv", Some(Kind::Outages)),
            ("maintenance.csv", Some(Kind::Maintenance)),
            ("incidents.csv", Some(Kind::Incidents)),
            ("requests.csv", Some(Kind::Requests)),
        ] {
            let p = case.join(f);
            if p.exists() {
                let p = p.display().to_string();
                import(&mut lib, &p, &id, k);
                match k {
                    None => sources.workbook = Some(p),
                    Some(Kind::Outages) => sources.outages = Some(p),
                    Some(Kind::Maintenance) => sources.maintenance = Some(p),
                    Some(Kind::Incidents) => sources.incidents = Some(p),
                    Some(Kind::Requests) => sources.requests = Some(p),
                }
            }
        }
        let period = std::fs::read_to_string(case.join("period.txt"))
            .unwrap()
            .trim()
            .to_string();
        let (_, _, from_library, inputs) = lib.uc_compute(&id, &period).unwrap();
        let (_, stateless) = sla_ledger::compute(&sla_ledger::ComputeRequest {
            terms,
            events: sources,
            period: period.clone(),
        })
        .unwrap();
        let (mut from_library, mut stateless) = (from_library, stateless);
        // A rolling cap (terms v2 section 5) is known only in the library:
        // nothing final before, so it issued 0 and the headroom is the cap.
        if let Some(rc) = stateless.rolling_cap.take() {
            let lib_rc = from_library.rolling_cap.take().unwrap();
            assert_eq!((rc.issued, rc.headroom), (None, None), "{name}");
            assert_eq!(lib_rc.issued.as_deref(), Some("0"), "{name}");
            assert_eq!(lib_rc.headroom.as_deref(), Some(rc.cap.as_str()), "{name}");
            stateless.warnings.retain(|w| !w.starts_with("Rolling cap"));
        }
        assert_eq!(numbers(&from_library), numbers(&stateless), "{name}");
        assert_eq!(inputs["data_cutoff"], stateless.period.end, "{name}");
    }
}

#[test]
fn finalized_statements_cannot_be_changed_by_any_sql() {
    let (dir, mut lib) = s6_library("frozen");
    lib.uc_run(&ctx(), "2026-10", None).unwrap();
    let done = lib.finalize(&ctx(), "2026-10", None).unwrap();
    assert_eq!(
        (done.len(), done[0].status.as_str(), done[0].total.as_str()),
        (1, "final", "1875.00")
    );
    let sha = done[0].sha256.clone().unwrap();
    let raw = crate::util::raw_db(&dir);
    for stmt in [
        "UPDATE statements SET total = '0.00' WHERE status = 'final'",
        "UPDATE statements SET result_json = '{}' WHERE status = 'final'",
        "UPDATE statements SET status = 'draft' WHERE status = 'final'",
        "UPDATE statements SET status = 'superseded' WHERE status = 'final'",
        "DELETE FROM statements WHERE status = 'final'",
        "UPDATE contract_versions SET terms_toml = 'x'",
        "DELETE FROM contract_versions",
        "UPDATE outages SET impact = '0.1'",
        "DELETE FROM incident_events",
        "UPDATE imports SET sha256 = 'x'",
        "UPDATE audit SET actor = 'mallory'",
        "DELETE FROM audit",
    ] {
        let err = raw.execute(stmt, []).expect_err(stmt).to_string();
        assert!(
            err.contains("cannot")
                || err.contains("immutable")
                || err.contains("append-only")
                || err.contains("CHECK"),
            "{stmt}: {err}"
        );
    }
    let s = lib.statement(&done[0].number).unwrap();
    assert_eq!(
        (
            s.info.status.as_str(),
            s.info.sha256.as_deref(),
            s.result.total.as_str()
        ),
        ("final", Some(sha.as_str()), "1875.00")
    );
    // The seal is the SHA-256 of the canonical JSON: recompute it.
    let (r, i): (String, String) = raw
        .query_row(
            "SELECT result_json, inputs_json FROM statements WHERE id = ?1",
            [s.info.id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    let canonical = sla_ledger::sla_store::statements::canonical_json(
        &s.info.number,
        "ACME-2026-001",
        "2026-10",
        &r,
        &i,
    );
    assert_eq!(sla_ledger::sla_store::sha256_hex(canonical.as_bytes()), sha);
    assert!(lib.audit_verify().unwrap().ok);
}

#[test]
fn restatement_supersedes_with_a_reason_and_draft_final_superseded_are_visible() {
    let (_dir, mut lib) = s6_library("restate");
    lib.uc_run(&ctx(), "2026-10", None).unwrap();
    let first = lib.finalize(&ctx(), "2026-10", None).unwrap().remove(0);
    // A run after finalizing does not draft over a final statement.
    let again = lib.uc_run(&ctx(), "2026-10", None).unwrap();
    assert!(again[0].problem.as_deref().unwrap().contains("is final"));
    // New evidence arrives: a late outage report.
    let extra = temp("restate-extra").join("late-outages.csv");
    std::fs::write(
        &extra,
        "service,start,end\ncompute,2026-10-25T00:00:00Z,2026-10-25T10:00:00Z\n",
    )
    .unwrap();
    import(&mut lib, extra.to_str().unwrap(), "ACME-2026-001", None);
    assert!(matches!(
        lib.uc_restate(&ctx(), &first.number, " "),
        Err(sla_ledger::AppError::Store(StoreError::Conflict(_)))
    ));
    let second = lib
        .uc_restate(&ctx(), &first.number, "late outage report from the vendor")
        .unwrap();
    assert_eq!(second.number, "ACME-2026-001/2026-10/2");
    assert_eq!(
        (second.status.as_str(), second.supersedes),
        ("final", Some(first.id))
    );
    assert_eq!(
        second.total, "3750.00",
        "46,575 s down is below 99.0 %: 25 % = 3,125 + 625, capped at 3,750"
    );
    let listed: Vec<(String, String)> = lib
        .list_statements(Some("2026-10"), None)
        .unwrap()
        .into_iter()
        .map(|s| (s.number, s.status.to_string()))
        .collect();
    assert_eq!(
        listed,
        vec![
            ("ACME-2026-001/2026-10/1".into(), "superseded".into()),
            ("ACME-2026-001/2026-10/2".into(), "final".into())
        ]
    );
    assert!(matches!(
        lib.uc_restate(&ctx(), &first.number, "again"),
        Err(sla_ledger::AppError::Store(StoreError::Conflict(_)))
    ));
    let audit: Vec<String> = lib
        .audit_list(100)
        .unwrap()
        .into_iter()
        .map(|a| a.action)
        .collect();
    assert!(audit.contains(&"statement.restate".to_string()));
    assert!(lib.audit_verify().unwrap().ok);
}

#[test]
fn an_amendment_applies_to_its_months_and_the_original_resumes() {
    let (dir, mut lib) = s6_library("amend");
    let lowered = dir.join("lowered.toml");
    let text = std::fs::read_to_string(format!("{S6}/terms.toml"))
        .unwrap()
        .replace("target = \"99.95\"", "target = \"99.5\"")
        .replace(
            "{ below = \"99.95\", percent = \"10\" }",
            "{ below = \"99.5\", percent = \"10\" }",
        );
    std::fs::write(&lowered, &text).unwrap();
    let d = |s: &str| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
    assert!(lib
        .amend_contract(
            &ctx(),
            "ACME-2026-001",
            lowered.to_str().unwrap(),
            d("2026-10-15"),
            None,
            "x"
        )
        .is_err());
    assert!(lib
        .amend_contract(
            &ctx(),
            "ACME-2026-001",
            lowered.to_str().unwrap(),
            d("2026-10-01"),
            Some(d("2026-10-30")),
            "x"
        )
        .is_err());
    assert_eq!(
        lib.amend_contract(
            &ctx(),
            "ACME-2026-001",
            lowered.to_str().unwrap(),
            d("2026-10-01"),
            Some(d("2026-10-31")),
            "migration window"
        )
        .unwrap(),
        2
    );
    let (_, _, oct, inputs) = lib.uc_compute("ACME-2026-001", "2026-10").unwrap();
    assert_eq!(inputs["terms_version"]["version"], 2);
    assert_eq!(
        oct.lines[0].amount(),
        "0",
        "99.627576 meets the lowered 99.5 target"
    );
    let (_, _, _, nov_inputs) = lib.uc_compute("ACME-2026-001", "2026-11").unwrap();
    assert_eq!(
        nov_inputs["terms_version"]["version"], 1,
        "the original terms resume after the amendment"
    );
    assert_eq!(lib.export_terms("ACME-2026-001", Some(2)).unwrap(), text);
    assert_eq!(
        lib.export_terms("ACME-2026-001", Some(1)).unwrap(),
        std::fs::read_to_string(format!("{S6}/terms.toml")).unwrap()
    );
    assert!(lib
        .diff_versions("ACME-2026-001", 1, 2)
        .unwrap()
        .contains("-target = \"99.95\"\n+target = \"99.5\""));
    let versions = lib.versions("ACME-2026-001").unwrap();
    assert_eq!(
        (
            versions[1].author.as_str(),
            versions[1].reason.as_str(),
            versions[1].applies_to.as_deref()
        ),
        ("tester", "migration window", Some("2026-10-31"))
    );
}

#[test]
fn imports_keep_provenance_reimport_is_a_noop_and_bad_files_write_nothing() {
    let (dir, mut lib) = s6_library("imports");
    let imports = lib.imports("ACME-2026-001").unwrap();
    assert_eq!(imports.len(), 3);
    assert_eq!(
        (
            imports[0].file_name.as_str(),
            imports[0].outage_rows,
            imports[0].source_label.as_str(),
            imports[0].importer.as_str()
        ),
        ("outages.csv", 6, "test", "tester")
    );
    assert_eq!(
        imports[0].sha256,
        sla_ledger::sla_store::sha256_hex(&std::fs::read(format!("{S6}/outages.csv")).unwrap())
    );
    assert!(
        matches!(import(&mut lib, &format!("{S6}/outages.csv"), "ACME-2026-001", Some(Kind::Outages)), ImportOutcome::AlreadyImported(i) if i.id == imports[0].id)
    );
    let events = lib.events("ACME-2026-001").unwrap();
    assert_eq!(
        (
            events.outages[1].origin.to_string(),
            events.outages[1].impact.to_string()
        ),
        ("outages.csv:outages:3".to_string(), "0.5".to_string())
    );
    let bad = dir.join("bad.csv");
    std::fs::write(&bad, "service,start,end\ncompute,2026-10-01T00:00:00Z,2026-10-01T01:00:00Z\nnope,2026-10-01T00:00:00Z,x\n").unwrap();
    let audit_before = lib.audit_verify().unwrap().entries;
    let err = lib
        .uc_import(
            &ctx(),
            &ImportRequest {
                file: bad.to_str().unwrap(),
                source_label: "x",
                contract: None,
                kind: Some(Kind::Outages),
            },
            &mut |_| true,
        )
        .unwrap_err();
    assert!(
        err.to_string()
            .contains("bad.csv:outages:3:service: unknown service `nope`")
            && err.to_string().contains("bad.csv:outages:3:end:"),
        "{err}"
    );
    // Cancelling at the first progress report writes nothing.
    let good = dir.join("good.csv");
    std::fs::write(
        &good,
        "service,start,end\ncompute,2026-10-01T00:00:00Z,2026-10-01T01:00:00Z\n",
    )
    .unwrap();
    let cancelled = lib.uc_import(
        &ctx(),
        &ImportRequest {
            file: good.to_str().unwrap(),
            source_label: "x",
            contract: None,
            kind: Some(Kind::Outages),
        },
        &mut |_| false,
    );
    assert!(matches!(
        cancelled,
        Err(sla_ledger::AppError::Store(StoreError::Cancelled))
    ));
    assert_eq!(
        (
            lib.imports("ACME-2026-001").unwrap().len(),
            lib.audit_verify().unwrap().entries
        ),
        (3, audit_before)
    );
    // Documents are copied in under their SHA-256.
    let doc = lib
        .attach_document(&ctx(), "ACME-2026-001", &format!("{S6}/terms.toml"))
        .unwrap();
    if !is_pg() {
        assert!(dir.join("documents").join(&doc.sha256).exists());
    }
    assert_eq!(lib.documents("ACME-2026-001").unwrap().len(), 1);
}

#[test]
fn claims_move_through_their_states_with_deadlines() {
    let (_dir, mut lib) = s6_library("claims");
    lib.uc_run(&ctx(), "2026-10", None).unwrap();
    lib.finalize(&ctx(), "2026-10", None).unwrap();
    let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 27).unwrap();
    let due = lib
        .list_claims(
            today,
            &ClaimFilter {
                within_days: Some(5),
                open_only: true,
                ..Default::default()
            },
        )
        .unwrap();
    assert_eq!(
        (
            due.len(),
            due[0].amount.as_str(),
            due[0].deadline.as_deref(),
            due[0].days_left
        ),
        (1, "1875.00", Some("2026-11-30"), Some(3))
    );
    let id = due[0].id;
    let upd = |state: &str| ClaimUpdate {
        state: sla_ledger::sla_store::ClaimState::parse(state).unwrap(),
        ..Default::default()
    };
    assert!(
        lib.update_claim(&ctx(), id, &upd("applied")).is_err(),
        "eligible cannot jump to applied"
    );
    assert!(
        lib.update_claim(&ctx(), id, &upd("claimed")).is_err(),
        "a claim needs a reference"
    );
    let late = ClaimUpdate {
        state: sla_ledger::sla_store::ClaimState::Claimed,
        date: chrono::NaiveDate::from_ymd_opt(2026, 12, 1),
        reference: Some("CR-1".into()),
        ..Default::default()
    };
    assert!(lib
        .update_claim(&ctx(), id, &late)
        .unwrap_err()
        .to_string()
        .contains("deadline was 2026-11-30"));
    let ok = ClaimUpdate {
        reference: Some("CR-1".into()),
        date: chrono::NaiveDate::from_ymd_opt(2026, 11, 27),
        ..late
    };
    assert_eq!(
        lib.update_claim(&ctx(), id, &ok).unwrap().state,
        sla_ledger::sla_store::ClaimState::Claimed
    );
    let applied = lib
        .update_claim(
            &ctx(),
            id,
            &ClaimUpdate {
                state: sla_ledger::sla_store::ClaimState::Applied,
                invoice: Some("INV-2026-1101".into()),
                ..Default::default()
            },
        )
        .unwrap();
    assert_eq!(
        (
            applied.state.as_str(),
            applied.claimed_on.as_deref(),
            applied.invoice_ref.as_deref()
        ),
        ("applied", Some("2026-11-27"), Some("INV-2026-1101"))
    );
    assert!(
        lib.update_claim(&ctx(), id, &upd("disputed")).is_err(),
        "applied is closed"
    );
    let credits = lib
        .credits(
            sla_ledger::sla_store::reports::CreditGrouping::Direction,
            None,
            None,
        )
        .unwrap();
    assert_eq!(
        (credits[0].group.as_str(), credits[0].total.as_str()),
        ("owed by us", "1875.00")
    );
    assert!(lib.audit_verify().unwrap().ok);
}

#[test]
fn chronic_breach_counts_stored_periods() {
    let (dir, mut lib) = s6_library("chronic");
    // Breaches in August and September too: 3 of the last 6 months.
    let f = dir.join("older-outages.csv");
    std::fs::write(&f, "service,start,end\ncompute,2026-08-10T00:00:00Z,2026-08-10T05:00:00Z\ncompute,2026-09-10T00:00:00Z,2026-09-10T05:00:00Z\n").unwrap();
    import(&mut lib, f.to_str().unwrap(), "ACME-2026-001", None);
    for p in ["2026-08", "2026-09"] {
        lib.uc_run(&ctx(), p, None).unwrap();
        lib.finalize(&ctx(), p, None).unwrap();
    }
    let (_, _, oct, _) = lib.uc_compute("ACME-2026-001", "2026-10").unwrap();
    let ch = oct.chronic.unwrap();
    assert_eq!(
        (ch["breached_periods"].as_u64(), ch["met"].as_bool()),
        (Some(3), Some(true))
    );
    let (_, _, jul, _) = lib.uc_compute("ACME-2026-001", "2026-07").unwrap();
    assert_eq!(jul.chronic.unwrap()["breached_periods"], 0);
    assert_eq!(lib.services_without_evidence("2026-07").unwrap().len(), 1);
    assert!(lib.services_without_evidence("2026-10").unwrap().is_empty());
}

#[test]
fn tampering_with_the_audit_log_is_detected_and_named() {
    let cases: [(&str, &str); 4] = [
        (
            "UPDATE audit SET details = '{\"total\":\"0\"}' WHERE seq = 3",
            "entry 3 (evidence.import ACME-2026-001",
        ),
        ("DELETE FROM audit WHERE seq = 2", "entry 2 was removed"),
        (
            "DELETE FROM audit WHERE seq = (SELECT MAX(seq) FROM audit)",
            "the newest entries after 3 were removed",
        ),
        (
            "UPDATE audit SET prev_hash = (SELECT hash FROM audit WHERE seq = 1) WHERE seq = 3",
            "entry 3 does not follow entry 2",
        ),
    ];
    for (i, (tamper, want)) in cases.iter().enumerate() {
        let (dir, lib) = s6_library(&format!("tamper{i}"));
        assert!(lib.audit_verify().unwrap().ok);
        let raw = crate::util::raw_db(&dir);
        raw.execute_batch("DROP TRIGGER audit_no_update; DROP TRIGGER audit_no_delete;")
            .unwrap();
        raw.execute(tamper, []).unwrap();
        let v = lib.audit_verify().unwrap();
        assert!(!v.ok, "{tamper}");
        assert!(
            v.problem.as_deref().unwrap().contains(want),
            "{tamper}: {:?}",
            v.problem
        );
    }
}

fn big_csv(path: &Path, rows: usize) {
    use std::io::Write;
    let mut f = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    writeln!(f, "service,start,end,impact,cause,source,ref").unwrap();
    for i in 0..rows {
        let t = 1_790_812_800 + (i as i64) * 20;
        writeln!(
            f,
            "compute,{},{},0.5,internal,synthetic,R-{i}",
            sla_ledger::sla_engine::time::fmt_instant(t),
            sla_ledger::sla_engine::time::fmt_instant(t + 10)
        )
        .unwrap();
    }
}

/// A copy of the big CSV with one extra row, so each attempt is a new file
/// (a re-import of the same bytes would be a no-op).
fn attempt_file(dir: &Path, csv: &Path, attempt: usize) -> PathBuf {
    let f = dir.join(format!("outages-{attempt}.csv"));
    let mut bytes = std::fs::read(csv).unwrap();
    bytes.extend_from_slice(
        format!("compute,2026-10-30T00:00:00Z,2026-10-30T00:00:{attempt:02}Z\n").as_bytes(),
    );
    std::fs::write(&f, bytes).unwrap();
    f
}

/// SIGKILL in the middle of a 100,000-row import and of a finalize, again and
/// again: the file stays sound, the chain verifies, and each import is whole
/// or absent, each statement draft or sealed.
#[test]
fn killed_imports_and_finalizes_leave_the_library_consistent() {
    let dir = temp("crash");
    let lib_dir = dir.join("lib");
    let run = |args: &[&str]| {
        bin()
            .arg("--library")
            .arg(&lib_dir)
            .args(args)
            .env("SLA_LEDGER_NOW", "2026-11-27T10:00:00Z")
            .output()
            .unwrap()
    };
    assert!(run(&["contracts", "add", &format!("{S6}/terms.toml")])
        .status
        .success());
    for n in 0..30 {
        let terms = std::fs::read_to_string(format!("{S6}/terms.toml"))
            .unwrap()
            .replace("ACME-2026-001", &format!("ACME-{n:03}"));
        let p = dir.join(format!("t{n}.toml"));
        std::fs::write(&p, terms).unwrap();
        assert!(run(&["contracts", "add", p.to_str().unwrap()])
            .status
            .success());
    }
    let csv = dir.join("outages-big.csv");
    big_csv(&csv, 100_000);
    // Kill each import right after its first progress report: inside the
    // write transaction, with 5,000 of 100,001 rows written.
    let mut killed_mid_write = 0;
    for attempt in 0..4 {
        let f = attempt_file(&dir, &csv, attempt);
        let mut child = bin()
            .arg("--library")
            .arg(&lib_dir)
            .args([
                "import",
                f.to_str().unwrap(),
                "--source",
                "synthetic",
                "--contract",
                "ACME-2026-001",
            ])
            .stderr(std::process::Stdio::piped())
            .stdout(std::process::Stdio::null())
            .spawn()
            .unwrap();
        let mut err = child.stderr.take().unwrap();
        let mut seen = Vec::new();
        let mut buf = [0u8; 256];
        while !String::from_utf8_lossy(&seen).contains("importing:") {
            match std::io::Read::read(&mut err, &mut buf) {
                Ok(0) | Err(_) => break,
                Ok(n) => seen.extend_from_slice(&buf[..n]),
            }
        }
        if child.try_wait().unwrap().is_none() {
            killed_mid_write += 1;
        }
        let _ = child.kill();
        let _ = child.wait();
    }
    assert_eq!(
        killed_mid_write, 4,
        "every import was killed inside its write transaction"
    );
    // And once at a random moment, then one that completes.
    for (attempt, delay_ms) in [(4, 700u64), (5, 60_000)] {
        let f = attempt_file(&dir, &csv, attempt);
        let mut child = bin()
            .arg("--library")
            .arg(&lib_dir)
            .args([
                "import",
                f.to_str().unwrap(),
                "--source",
                "synthetic",
                "--contract",
                "ACME-2026-001",
            ])
            .stderr(std::process::Stdio::null())
            .stdout(std::process::Stdio::null())
            .spawn()
            .unwrap();
        let started = std::time::Instant::now();
        while child.try_wait().unwrap().is_none()
            && started.elapsed().as_millis() < u128::from(delay_ms)
        {
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
        let _ = child.kill();
        let _ = child.wait();
    }
    // The import left to finish is in; the one killed at a random moment may
    // or may not have committed first, but never partly.
    let whole = open(&lib_dir)
        .imports("ACME-2026-001")
        .unwrap()
        .iter()
        .filter(|i| i.outage_rows == 100_001)
        .count();
    assert!((1..=2).contains(&whole), "{whole}");
    // Finalize, killed at several moments.
    assert!(run(&["statements", "run", "--period", "2026-10"])
        .status
        .success());
    for delay_ms in [5u64, 30, 80] {
        let mut child = bin()
            .arg("--library")
            .arg(&lib_dir)
            .args(["statements", "finalize", "--period", "2026-10"])
            .spawn()
            .unwrap();
        std::thread::sleep(std::time::Duration::from_millis(delay_ms));
        let _ = child.kill();
        let _ = child.wait();
    }
    let lib = open(&lib_dir);
    assert_eq!(lib.integrity_check().unwrap(), "ok");
    assert!(
        lib.audit_verify().unwrap().ok,
        "{:?}",
        lib.audit_verify().unwrap()
    );
    let raw = crate::util::raw_db(&lib_dir);
    let partial: i64 = raw.query_row("SELECT COUNT(*) FROM imports i WHERE i.outage_rows <> (SELECT COUNT(*) FROM outages o WHERE o.import_id = i.id)", [], |r| r.get(0)).unwrap();
    assert_eq!(partial, 0, "an import is whole or absent");
    let unsealed: i64 = raw.query_row("SELECT COUNT(*) FROM statements s WHERE s.status = 'final' AND (s.sha256 IS NULL OR (CAST(s.total AS REAL) > 0 AND NOT EXISTS (SELECT 1 FROM claims c WHERE c.statement_id = s.id)))", [], |r| r.get(0)).unwrap();
    assert_eq!(unsealed, 0, "a final statement is sealed with its claim");
    let audited: i64 = raw.query_row("SELECT COUNT(*) FROM statements s WHERE s.status = 'final' AND NOT EXISTS (SELECT 1 FROM audit a WHERE a.action = 'statement.finalize' AND a.subject = s.number)", [], |r| r.get(0)).unwrap();
    assert_eq!(audited, 0, "every finalize is in the audit chain");
    drop(lib);
    // The library still works: finish the month.
    let out = run(&["statements", "finalize", "--period", "2026-10"]);
    let lib = open(&lib_dir);
    let finals = lib
        .list_statements(Some("2026-10"), None)
        .unwrap()
        .into_iter()
        .filter(|s| s.status == sla_ledger::sla_store::StatementStatus::Final)
        .count();
    assert_eq!(finals, 31, "{}", String::from_utf8_lossy(&out.stderr));
}

#[test]
fn a_second_writer_gets_a_clear_busy_message() {
    let (dir, lib) = s6_library("busy");
    drop(lib);
    let import_cmd = |file: &Path, source: &str| {
        let mut c = bin();
        c.arg("--library").arg(&dir).args([
            "import",
            file.to_str().unwrap(),
            "--source",
            source,
            "--kind",
            "outages",
        ]);
        c
    };
    let raw = crate::util::raw_db(&dir);
    raw.execute_batch("BEGIN IMMEDIATE").unwrap();
    let f = dir.join("more.csv");
    std::fs::write(
        &f,
        "service,start,end\ncompute,2026-10-02T00:00:00Z,2026-10-02T00:10:00Z\n",
    )
    .unwrap();
    let out = import_cmd(&f, "x")
        .env("SLA_LEDGER_BUSY_TIMEOUT_MS", "200")
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    // Issue 12: busy has its own exit status (75, EX_TEMPFAIL): a script
    // may simply try again.
    assert_eq!(out.status.code(), Some(75), "{err}");
    assert!(
        err.contains("is busy: another SLA Ledger is writing to it"),
        "{err}"
    );
    raw.execute_batch("COMMIT").unwrap();
    // Two writers at once, each waiting its turn: both land.
    let g = dir.join("more2.csv");
    std::fs::write(
        &g,
        "service,start,end\ncompute,2026-10-03T00:00:00Z,2026-10-03T00:10:00Z\n",
    )
    .unwrap();
    let a = import_cmd(&f, "x").spawn().unwrap();
    let b = import_cmd(&g, "y").spawn().unwrap();
    assert!(
        a.wait_with_output().unwrap().status.success()
            && b.wait_with_output().unwrap().status.success()
    );
    let lib = open(&dir);
    assert_eq!(lib.imports("ACME-2026-001").unwrap().len(), 5);
    assert_eq!(lib.integrity_check().unwrap(), "ok");
    assert!(lib.audit_verify().unwrap().ok);
}

#[test]
fn the_demo_builds_a_library_and_runs_every_fixture_month() {
    let dir = temp("demo");
    let out = bin()
        .args(["demo", "--out", dir.to_str().unwrap()])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // Column widths follow the longest statement number: read the row.
    let acme = text
        .lines()
        .find(|l| l.starts_with("ACME-2026-001/2026-10/1 "))
        .unwrap_or_default();
    assert!(
        acme.split_whitespace().take(3).collect::<Vec<_>>()
            == ["ACME-2026-001/2026-10/1", "2026-10", "FINAL"]
            && acme.contains("USD 1,875.00"),
        "{text}"
    );
    assert!(
        text.contains("48 final statement(s) for 47 contract(s)"),
        "{text}"
    );
    assert!(
        text.contains("Signed statements (PDF, XLSX, manifest and its .p7s)"),
        "{text}"
    );
    assert!(
        dir.join("statements/ACME-2026-001_2026-10_1.manifest.json.p7s")
            .is_file(),
        "the demo signs and exports"
    );
    // Running it again rebuilds the demo library from scratch.
    assert!(bin()
        .args(["demo", "--out", dir.to_str().unwrap()])
        .output()
        .unwrap()
        .status
        .success());
    let list = bin()
        .args([
            "--library",
            dir.join("library").to_str().unwrap(),
            "audit",
            "verify",
        ])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&list.stdout).contains("audit chain intact"));
}

#[test]
fn issue17_library_statements_equal_stateless_compute_for_every_fixture_on_postgres() {
    on_postgres(library_statements_equal_stateless_compute_for_every_fixture);
}

#[test]
fn issue17_restatement_supersedes_with_a_reason_and_draft_final_superseded_are_visible_on_postgres()
{
    on_postgres(restatement_supersedes_with_a_reason_and_draft_final_superseded_are_visible);
}

#[test]
fn issue17_an_amendment_applies_to_its_months_and_the_original_resumes_on_postgres() {
    on_postgres(an_amendment_applies_to_its_months_and_the_original_resumes);
}

#[test]
fn issue17_imports_keep_provenance_reimport_is_a_noop_and_bad_files_write_nothing_on_postgres() {
    on_postgres(imports_keep_provenance_reimport_is_a_noop_and_bad_files_write_nothing);
}

#[test]
fn issue17_claims_move_through_their_states_with_deadlines_on_postgres() {
    on_postgres(claims_move_through_their_states_with_deadlines);
}

#[test]
fn issue17_chronic_breach_counts_stored_periods_on_postgres() {
    on_postgres(chronic_breach_counts_stored_periods);
}

/// Issue 15, found trying a million-row import in the app: every command
/// opens a session, and opening took the write lock to look for
/// migrations, so the whole app waited behind the import (5 s, then
/// "busy"). A library at the current schema opens and reads while another
/// connection holds the write lock, even with no busy timeout at all.
#[test]
fn issue15_opening_a_library_does_not_wait_behind_a_writer() {
    let dir = temp("open-while-writing");
    let mut lib = open(&dir);
    lib.add_contract(&ctx(), &format!("{S6}/terms.toml"))
        .unwrap();
    drop(lib);
    if PG.with(|pg| pg.borrow().is_some()) {
        return; // PostgreSQL takes no lock to open.
    }
    let writer = crate::util::raw_db(&dir);
    writer.execute_batch("BEGIN IMMEDIATE").unwrap();
    let reader = Library::open(&dir, 0).unwrap();
    assert_eq!(reader.contract_ids().unwrap(), ["ACME-2026-001"]);
    writer.execute_batch("ROLLBACK").unwrap();
}
