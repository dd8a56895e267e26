//! Issue 17: a team library on PostgreSQL. The library tests here run once
//! per backend: SQLite always, PostgreSQL when `SLA_LEDGER_TEST_PG_URL`
//! names a server and a user that may create databases and roles
//! (`scripts/pg-test-cluster.sh start` prints one); without it the
//! PostgreSQL half says it was skipped. Each test gets a database of its
//! own, dropped at the end.

use crate::util::{ImportRequest, UseCases};
use sla_ledger::sla_import::Kind;
use sla_ledger::sla_store::claims::{ClaimFilter, ClaimUpdate};
use sla_ledger::sla_store::evidence::ImportOutcome;
use sla_ledger::sla_store::{params, pg, Backend, ClaimState, Ctx, Library, StoreError};
use std::path::PathBuf;

const S6: &str = "fixtures/cases/spec-s6-full-example";
const PG_ENV: &str = "SLA_LEDGER_TEST_PG_URL";

pub fn pg_url() -> Option<String> {
    let url = std::env::var(PG_ENV).ok().filter(|u| !u.trim().is_empty());
    if url.is_none() {
        eprintln!("PostgreSQL half skipped: set {PG_ENV} (scripts/pg-test-cluster.sh start DIR prints one)");
    }
    url
}

/// A throwaway database on the test server; dropped when dropped.
pub struct TempDb {
    admin: String,
    pub name: String,
    pub url: String,
}

impl TempDb {
    pub fn new(admin: &str, name: &str) -> TempDb {
        let name = format!("sla_t_{name}_{}", std::process::id());
        // One statement per call: neither may run inside a transaction.
        pg::admin(admin, &format!("DROP DATABASE IF EXISTS {name}")).unwrap();
        pg::admin(admin, &format!("CREATE DATABASE {name}")).unwrap();
        TempDb {
            admin: admin.to_string(),
            url: pg::url_with(admin, &name, None),
            name,
        }
    }

    /// The URL of this database as another user.
    pub fn as_user(&self, user: &str) -> String {
        pg::url_with(&self.url, &self.name, Some(user))
    }
}

impl Drop for TempDb {
    fn drop(&mut self) {
        let _ = pg::admin(
            &self.admin,
            &format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name),
        );
    }
}

fn temp(name: &str) -> PathBuf {
    crate::util::temp_dir(&format!("i17-{name}"))
}

/// A test's folder, deleted when dropped.
pub struct Cleanup(pub PathBuf);

impl Drop for Cleanup {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
        if let Some(parent) = self.0.parent() {
            // Empty once every backend's folder is gone.
            let _ = std::fs::remove_dir(parent);
        }
    }
}

/// One library per backend for a test named `name`.
fn libraries(name: &str) -> Vec<(Library, Option<TempDb>, Cleanup)> {
    let dir = temp(name);
    let mut out = vec![(
        Library::open(&dir.join("sqlite"), 2_000).unwrap(),
        None,
        Cleanup(dir.join("sqlite")),
    )];
    if let Some(admin) = pg_url() {
        let db = TempDb::new(&admin, name);
        let lib = Library::open_pg(&db.url, &dir.join("pg"), 10_000).unwrap();
        out.push((lib, Some(db), Cleanup(dir.join("pg"))));
    }
    out
}

fn at(actor: &str) -> Ctx {
    Ctx {
        actor: actor.into(),
        now: 1_795_860_000,
    }
}

fn s6(lib: &mut Library) {
    lib.add_contract(&at("ann"), &format!("{S6}/terms.toml"))
        .unwrap();
    for (f, k) in [
        ("outages.csv", Kind::Outages),
        ("maintenance.csv", Kind::Maintenance),
        ("incidents.csv", Kind::Incidents),
    ] {
        let out = lib
            .uc_import(
                &at("ann"),
                &ImportRequest {
                    file: &format!("{S6}/{f}"),
                    source_label: "test",
                    contract: Some("ACME-2026-001"),
                    kind: Some(k),
                },
                &mut |_| true,
            )
            .unwrap();
        assert!(matches!(out, ImportOutcome::Imported { .. }));
    }
}

#[test]
fn issue17_month_end_gives_the_same_totals_and_seals_on_both_backends() {
    let mut seen = Vec::new();
    for (mut lib, _db, _dir) in libraries("monthend") {
        s6(&mut lib);
        lib.uc_run(&at("ann"), "2026-10", None).unwrap();
        let finals = lib.uc_finalize(&at("bob"), "2026-10", None).unwrap();
        assert_eq!(finals.len(), 1);
        let f = &finals[0];
        assert_eq!(f.status.as_str(), "final");
        let v = lib.audit_verify().unwrap();
        assert!(v.ok, "{:?}: {:?}", lib.backend(), v.problems);
        assert_eq!((v.statements_checked, v.claims_checked), (1, 1));
        let claims = lib
            .list_claims(
                chrono::NaiveDate::from_ymd_opt(2026, 11, 27).unwrap(),
                &ClaimFilter::default(),
            )
            .unwrap();
        // What every export is drawn from: the stored result and inputs.
        let st = lib.statement(&f.number).unwrap();
        let stored = (
            serde_json::to_string(&st.result).unwrap(),
            st.inputs.to_string(),
        );
        seen.push((
            f.number.clone(),
            f.total.clone(),
            f.sha256.clone(),
            claims.iter().map(|c| c.amount.clone()).collect::<Vec<_>>(),
            v.entries,
            stored,
        ));
    }
    // The fixture's month: the total the spec works out, sealed alike.
    assert_eq!(seen[0].1, "1875.00");
    for other in &seen[1..] {
        assert_eq!(other, &seen[0], "PostgreSQL and SQLite differ");
    }
}

#[test]
fn issue17_the_database_refuses_changes_to_finals_evidence_and_the_chain() {
    for (mut lib, _db, _dir) in libraries("frozen") {
        s6(&mut lib);
        lib.uc_run(&at("ann"), "2026-10", None).unwrap();
        lib.uc_finalize(&at("bob"), "2026-10", None).unwrap();
        let c = lib.conn();
        for sql in [
            "UPDATE statements SET total = '0' WHERE status = 'final'",
            "DELETE FROM statements WHERE status = 'final'",
            "UPDATE audit SET actor = 'mallory' WHERE seq = 1",
            "DELETE FROM audit WHERE seq = 1",
            "UPDATE outages SET cause = 'none'",
            "UPDATE claims SET amount = '1.00'",
            "UPDATE claims SET state = 'applied'",
            "DELETE FROM claims",
            "UPDATE contract_versions SET reason = 'x'",
        ] {
            let e = c.execute(sql, params![]).expect_err(sql);
            let text = e.to_string();
            assert!(
                text.contains("immutable")
                    || text.contains("cannot be")
                    || text.contains("append-only")
                    || text.contains("never")
                    || text.contains("moves only"),
                "{:?} {sql}: {text}",
                lib.backend()
            );
        }
        assert!(lib.audit_verify().unwrap().ok);
    }
}

#[test]
fn issue17_second_finalize_reimport_and_stale_claim_update_say_who_did_it() {
    for (mut lib, _db, _dir) in libraries("again") {
        s6(&mut lib);
        lib.uc_run(&at("ann"), "2026-10", None).unwrap();
        lib.uc_finalize(&at("bob"), "2026-10", None).unwrap();
        let e = lib
            .finalize(&at("carol"), "2026-10", None)
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("already final") && e.contains("was finalized by bob at 2026-11-2"),
            "{e}"
        );
        let again = lib
            .uc_import(
                &at("carol"),
                &ImportRequest {
                    file: &format!("{S6}/outages.csv"),
                    source_label: "test",
                    contract: Some("ACME-2026-001"),
                    kind: Some(Kind::Outages),
                },
                &mut |_| true,
            )
            .unwrap();
        match again {
            ImportOutcome::AlreadyImported(i) => assert_eq!(i.importer, "ann"),
            other => panic!("{other:?}"),
        }
        let claim = lib
            .list_claims(
                chrono::NaiveDate::from_ymd_opt(2026, 11, 27).unwrap(),
                &ClaimFilter::default(),
            )
            .unwrap()
            .remove(0);
        let dispute = ClaimUpdate {
            state: ClaimState::Disputed,
            expected: Some(ClaimState::Eligible),
            ..ClaimUpdate::default()
        };
        lib.update_claim(&at("ann"), claim.id, &dispute).unwrap();
        let e = lib
            .update_claim(&at("bob"), claim.id, &dispute)
            .unwrap_err();
        assert!(
            matches!(e, StoreError::Conflict(ref m) if m.contains("changed by someone else")),
            "{e}"
        );
        assert!(lib.audit_verify().unwrap().ok);
    }
}

#[test]
fn issue17_postgres_schema_matches_its_snapshot() {
    let Some(admin) = pg_url() else { return };
    let db = TempDb::new(&admin, "schema");
    let dir = temp("schema");
    let lib = Library::open_pg(&db.url, &dir, 10_000).unwrap();
    assert_eq!(lib.backend(), Backend::Postgres);
    let got = lib.schema_sql().unwrap();
    let path = "crates/store/tests/schema-pg.snapshot.txt";
    if std::env::var_os("SLA_LEDGER_UPDATE_SNAPSHOTS").is_some() {
        std::fs::write(path, &got).unwrap();
    }
    let want = std::fs::read_to_string(path).unwrap();
    assert_eq!(
        got, want,
        "the PostgreSQL schema changed: review, then SLA_LEDGER_UPDATE_SNAPSHOTS=1 (as the SQLite snapshot)"
    );
    // Opening again applies nothing and changes nothing.
    drop(lib);
    let again = Library::open_pg(&db.url, &dir, 10_000).unwrap();
    assert_eq!(again.schema_sql().unwrap(), want);
    let _ = std::fs::remove_dir_all(dir);
}

/// What a copy must carry over, read through the store.
fn contents(lib: &Library) -> String {
    let statements = lib.list_statements(None, None).unwrap();
    let claims = lib
        .list_claims(
            chrono::NaiveDate::from_ymd_opt(2026, 11, 27).unwrap(),
            &ClaimFilter::default(),
        )
        .unwrap();
    format!(
        "{:?}\n{:?}\n{:?}\n{:?}\n{:?}\n{:?}\n{:?}",
        statements
            .iter()
            .map(|s| (&s.number, &s.status, &s.total, &s.sha256, &s.superseded_by))
            .collect::<Vec<_>>(),
        claims
            .iter()
            .map(|c| (c.id, &c.amount, &c.state, &c.note))
            .collect::<Vec<_>>(),
        lib.audit_list(10_000).unwrap(),
        lib.documents("ACME-2026-001")
            .unwrap()
            .iter()
            .map(|d| (&d.sha256, d.size_bytes))
            .collect::<Vec<_>>(),
        lib.imports("ACME-2026-001").unwrap(),
        lib.events("ACME-2026-001").unwrap().outages.len(),
        lib.library_id().unwrap(),
    )
}

#[test]
fn issue17_library_copy_moves_everything_verified_and_refuses_a_non_empty_target() {
    let dir = temp("copy");
    let mut src = Library::open(&dir.join("src"), 2_000).unwrap();
    s6(&mut src);
    src.attach_document(&at("ann"), "ACME-2026-001", &format!("{S6}/terms.toml"))
        .unwrap();
    src.uc_run(&at("ann"), "2026-10", None).unwrap();
    src.uc_finalize(&at("bob"), "2026-10", None).unwrap();
    src.uc_restate(&at("bob"), "ACME-2026-001/2026-10/1", "a second look")
        .unwrap();
    let claim = src
        .list_claims(
            chrono::NaiveDate::from_ymd_opt(2026, 11, 27).unwrap(),
            &ClaimFilter::default(),
        )
        .unwrap()
        .remove(0);
    let dispute = ClaimUpdate {
        state: ClaimState::Disputed,
        note: Some("checking".into()),
        ..ClaimUpdate::default()
    };
    src.update_claim(&at("ann"), claim.id, &dispute).unwrap();
    let want = contents(&src);

    let mut copy = Library::open(&dir.join("copy"), 2_000).unwrap();
    let r = src.copy_into(&mut copy).unwrap();
    assert_eq!(r.documents, 1);
    assert_eq!(contents(&copy), want);
    let e = src.copy_into(&mut copy).unwrap_err().to_string();
    assert!(e.contains("is not empty"), "{e}");

    if let Some(admin) = pg_url() {
        let db = TempDb::new(&admin, "copy");
        let mut team = Library::open_pg(&db.url, &dir.join("pg"), 10_000).unwrap();
        let r = src.copy_into(&mut team).unwrap();
        assert_eq!(r.audit_entries, src.audit_verify().unwrap().entries);
        assert_eq!(contents(&team), want);
        // The team library goes on where the file left off.
        team.update_claim(
            &at("ann"),
            claim.id,
            &ClaimUpdate {
                state: ClaimState::Claimed,
                reference: Some("R-1".into()),
                ..ClaimUpdate::default()
            },
        )
        .unwrap();
        assert!(team.audit_verify().unwrap().ok);
        // And back again, to a folder.
        let mut back = Library::open(&dir.join("back"), 2_000).unwrap();
        team.copy_into(&mut back).unwrap();
        assert_eq!(contents(&back), contents(&team));
        assert!(back.audit_verify().unwrap().ok);
    }
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn issue17_a_team_library_location_never_holds_a_password() {
    let e =
        sla_ledger::usecases::session::check_library("postgres://ann:hunter2@db.example/ledger")
            .unwrap_err()
            .to_string();
    assert!(
        e.contains("keeps no password") && !e.contains("hunter2"),
        "{e}"
    );
}

#[test]
fn issue17_tls_is_used_unless_the_url_says_sslmode_disable() {
    let Some(admin) = pg_url() else { return };
    // The throwaway cluster has no certificate: `require` must fail on TLS
    // rather than fall back to plain text.
    let url = admin.replace("sslmode=disable", "sslmode=require");
    let e = Library::open_pg(&url, &temp("tls"), 2_000)
        .err()
        .expect("no TLS, no library")
        .to_string();
    assert!(
        e.to_lowercase().contains("tls") || e.to_lowercase().contains("ssl"),
        "{e}"
    );
    let _ = std::fs::remove_dir_all(temp("tls"));
}
