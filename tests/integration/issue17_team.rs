//! Issue 17, the team: roles enforced by PostgreSQL's grants (an auditor
//! cannot write), four-eyes finalization enforced by a trigger, and eight
//! processes writing to one library at once. PostgreSQL only: skipped with
//! a message when `SLA_LEDGER_TEST_PG_URL` is not set.

use crate::issue17::{pg_url, TempDb};
use crate::util::bin;
use sla_ledger::sla_store::{params, pg, Library, StoreError};
use sla_ledger::usecases::statements;
use sla_ledger::{session_context, Session};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;

const S6: &str = "fixtures/cases/spec-s6-full-example";

/// Login roles for the tests, members of the library's group roles (the
/// roles belong to the whole cluster: created once, reused).
fn login_roles(admin: &str, roles: &[(&str, &str)]) {
    for (user, group) in roles {
        pg::admin(
            admin,
            &format!(
                "DO $$ BEGIN CREATE ROLE {user} LOGIN; EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$; GRANT {group} TO {user}"
            ),
        )
        .unwrap();
    }
}

fn temp(name: &str) -> PathBuf {
    crate::util::temp_dir(&format!("i17t-{name}"))
}

/// A session as the database user in `url` (the actor is that user).
fn session(url: &str, dir: &Path) -> Result<Session, StoreError> {
    let lib = Library::open_pg(url, dir, 10_000)?;
    let ctx = session_context(&lib, None).unwrap();
    Ok(Session::new(lib, ctx))
}

fn owner_library(db: &TempDb, dir: &Path) -> Library {
    let mut lib = Library::open_pg(&db.url, dir, 10_000).unwrap();
    let ctx = session_context(&lib, None).unwrap();
    lib.add_contract(&ctx, &format!("{S6}/terms.toml")).unwrap();
    lib
}

#[test]
fn issue17_an_auditor_reads_and_verifies_but_the_database_refuses_its_writes() {
    let Some(admin) = pg_url() else { return };
    let db = TempDb::new(&admin, "auditor");
    let dir = temp("auditor");
    let owner = owner_library(&db, &dir);
    login_roles(&admin, &[("sla_t_audrey", "sla_auditor")]);
    let mut s = session(&db.as_user("sla_t_audrey"), &dir).unwrap();
    assert_eq!(s.ctx.actor, "sla_t_audrey");
    assert_eq!(s.lib.contract_ids().unwrap(), vec!["ACME-2026-001"]);
    assert!(s.lib.audit_verify().unwrap().ok);
    let e = s
        .lib
        .add_contract(
            &s.ctx,
            "fixtures/cases/aggregation-max-basis-contract/terms.toml",
        )
        .unwrap_err();
    assert!(
        matches!(&e, StoreError::Denied { user, .. } if user == "sla_t_audrey"),
        "{e}"
    );
    // Not only through the app: the grants refuse the SQL itself.
    for sql in [
        "INSERT INTO settings (key, value, updated_at, updated_by) VALUES ('actor', 'x', 'now', 'me')",
        "UPDATE audit_head SET seq = 0",
        "DELETE FROM statements",
    ] {
        let e = s.lib.conn().execute(sql, params![]).unwrap_err().to_string();
        assert!(e.contains("permission denied"), "{sql}: {e}");
    }
    let after = owner.audit_list(100).unwrap();
    assert_eq!(after.len(), 1, "the auditor wrote nothing");
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn issue17_four_eyes_only_another_approver_finalizes_and_the_chain_names_database_users() {
    let Some(admin) = pg_url() else { return };
    let db = TempDb::new(&admin, "foureyes");
    let dir = temp("foureyes");
    let owner = owner_library(&db, &dir);
    login_roles(
        &admin,
        &[
            ("sla_t_ann", "sla_preparer"),
            ("sla_t_bob", "sla_approver"),
            ("sla_t_bea", "sla_approver"),
        ],
    );
    let never = AtomicBool::new(false);
    let mut ann = session(&db.as_user("sla_t_ann"), &dir).unwrap();
    for f in ["outages.csv", "maintenance.csv", "incidents.csv"] {
        let file = format!("{S6}/{f}");
        let what = sla_ledger::usecases::evidence::ImportFile {
            file: &file,
            source: "test",
            contract: Some("ACME-2026-001"),
            kind: None,
            mapping: None,
            preset: None,
        };
        sla_ledger::usecases::evidence::import(&mut ann, &what, &never, &mut |_| {}).unwrap();
    }
    let mut bob = session(&db.as_user("sla_t_bob"), &dir).unwrap();
    statements::run(&mut bob, "2026-10", None, &never, &mut |_| {}).unwrap();
    // Bob ran it: he may not finalize it.
    let e = statements::finalize(&mut bob, "2026-10", None)
        .unwrap_err()
        .to_string();
    assert!(e.contains("four eyes") && e.contains("sla_t_bob"), "{e}");
    // Ann prepares; only approvers finalize (a grant, not a check in the app).
    let e = statements::finalize(&mut ann, "2026-10", None)
        .unwrap_err()
        .to_string();
    assert!(e.contains("permission denied"), "{e}");
    let mut bea = session(&db.as_user("sla_t_bea"), &dir).unwrap();
    let done = statements::finalize(&mut bea, "2026-10", None).unwrap();
    assert_eq!(done.len(), 1);
    let actors: Vec<(String, String)> = owner
        .audit_list(100)
        .unwrap()
        .into_iter()
        .rev()
        .map(|e| (e.action, e.actor))
        .collect();
    assert!(actors.contains(&("evidence.import".into(), "sla_t_ann".into())));
    assert!(actors.contains(&("statement.draft".into(), "sla_t_bob".into())));
    assert!(actors.contains(&("statement.finalize".into(), "sla_t_bea".into())));
    assert!(owner.audit_verify().unwrap().ok);
    // Nobody acts under another name, and four-eyes stays on once the
    // library holds records (the database refuses switching it off).
    let e = session_context(&bea.lib, Some("sla_t_bob"))
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("you act as your database user `sla_t_bea`"),
        "{e}"
    );
    // Nor through the store directly: the database checks the name.
    let forged = sla_ledger::sla_store::Ctx {
        actor: "sla_t_bob".into(),
        now: bea.ctx.now,
    };
    let e = bea
        .lib
        .set_setting(&forged, "source_label", "x")
        .unwrap_err()
        .to_string();
    assert!(e.contains("names the database user"), "{e}");
    let mut owner = owner;
    let e = owner
        .set_meta_once("four_eyes", "off")
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("four_eyes is set when a library is created"),
        "{e}"
    );
    let _ = std::fs::remove_dir_all(dir);
}

/// The fixture months an 8-process run works on: cases with CSV evidence,
/// one per contract.
fn months() -> Vec<(PathBuf, String, String)> {
    let mut out: Vec<(PathBuf, String, String)> = Vec::new();
    let mut dirs: Vec<PathBuf> = std::fs::read_dir("fixtures/cases")
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("outages.csv").exists() && p.join("period.txt").exists())
        .filter(|p| !p.join("expected-errors.txt").exists())
        .collect();
    dirs.sort();
    for d in dirs {
        let Ok(terms) = sla_ledger::load_terms(&d.join("terms.toml").display().to_string()) else {
            continue;
        };
        let id = terms.contract.id.clone();
        if out.iter().any(|(_, c, _)| *c == id) || out.len() == 4 {
            continue;
        }
        let period = std::fs::read_to_string(d.join("period.txt"))
            .unwrap()
            .trim()
            .to_string();
        out.push((d, id, period));
    }
    out
}

fn cli(url: &str, home: &Path, args: &[&str]) -> (bool, String) {
    let out = bin()
        .args(args)
        .env("SLA_LEDGER_LIBRARY", url)
        .env("HOME", home)
        .env("SLA_LEDGER_BUSY_TIMEOUT_MS", "120000")
        .env_remove("SLA_LEDGER_ACTOR")
        .env_remove("SLA_LEDGER_NOW")
        .output()
        .unwrap();
    let text = format!(
        "{args:?} as {url}: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), text)
}

#[test]
fn issue17_eight_processes_import_run_finalize_and_claim_at_once_and_everything_adds_up() {
    let Some(admin) = pg_url() else { return };
    let users: Vec<(String, &str)> = (0..8)
        .map(|i| {
            if i < 4 {
                (format!("sla_t_prep{i}"), "sla_preparer")
            } else {
                (format!("sla_t_appr{i}"), "sla_approver")
            }
        })
        .collect();
    let db = TempDb::new(&admin, "eight");
    let dir = temp("eight");
    let months = months();
    assert!(months.len() >= 2, "{months:?}");
    let mut owner = Library::open_pg(&db.url, &dir, 10_000).unwrap();
    let roles: Vec<(&str, &str)> = users.iter().map(|(u, g)| (u.as_str(), *g)).collect();
    login_roles(&admin, &roles);
    let ctx = session_context(&owner, None).unwrap();
    for (d, _, _) in &months {
        owner
            .add_contract(&ctx, &d.join("terms.toml").display().to_string())
            .unwrap();
    }
    let expected_files: usize = months
        .iter()
        .map(|(d, _, _)| {
            ["outages.csv", "maintenance.csv", "incidents.csv"]
                .iter()
                .filter(|f| d.join(f).exists())
                .count()
        })
        .sum();
    let handles: Vec<_> = users
        .iter()
        .enumerate()
        .map(|(i, (user, _))| {
            let url = db.as_user(user);
            let home = dir.join(user);
            let months = months.clone();
            std::thread::spawn(move || {
                std::fs::create_dir_all(&home).unwrap();
                let mut log = Vec::new();
                for k in 0..months.len() {
                    let (d, id, period) = &months[(i + k) % months.len()];
                    if i < 4 {
                        for f in ["outages.csv", "maintenance.csv", "incidents.csv"] {
                            let p = d.join(f);
                            if p.exists() {
                                let p = p.display().to_string();
                                log.push(cli(
                                    &url,
                                    &home,
                                    &["import", &p, "--source", "t", "--contract", id],
                                ));
                            }
                        }
                        log.push(cli(
                            &url,
                            &home,
                            &["statements", "run", "--period", period, "--contract", id],
                        ));
                    } else {
                        // An approver finalizes as soon as a draft is there.
                        for _ in 0..120 {
                            let r = cli(
                                &url,
                                &home,
                                &[
                                    "statements",
                                    "finalize",
                                    "--period",
                                    period,
                                    "--contract",
                                    id,
                                ],
                            );
                            let done = r.0 || r.1.contains("already final");
                            log.push(r);
                            if done {
                                break;
                            }
                            std::thread::sleep(std::time::Duration::from_millis(250));
                        }
                    }
                }
                if i >= 4 {
                    let (_, list) = cli(&url, &home, &["claims", "list", "--json"]);
                    let json = &list[list.find(": [").map_or(0, |i| i + 2)..];
                    let claims: serde_json::Value = serde_json::Deserializer::from_str(json)
                        .into_iter()
                        .next()
                        .and_then(Result::ok)
                        .unwrap_or_default();
                    for c in claims.as_array().into_iter().flatten() {
                        let id = c["id"].as_i64().unwrap().to_string();
                        log.push(cli(
                            &url,
                            &home,
                            &[
                                "claims",
                                "update",
                                &id,
                                "--state",
                                "disputed",
                                "--expect",
                                "eligible",
                                "--note",
                                "team test",
                            ],
                        ));
                    }
                }
                log
            })
        })
        .collect();
    let logs: Vec<(bool, String)> = handles
        .into_iter()
        .flat_map(|h| h.join().unwrap())
        .collect();
    // Every failure is one of the answers a team gets when someone else
    // did it first; nothing is busy, lost or half done.
    let expected_refusals = [
        "already final",
        "already imported",
        "no draft statements",
        "changed by someone else",
        "four eyes",
        "has a final",
        "is final",
    ];
    for (ok, text) in &logs {
        assert!(
            *ok || expected_refusals.iter().any(|r| text.contains(r)),
            "unexpected: {text}"
        );
    }
    let v = owner.audit_verify().unwrap();
    assert!(v.ok, "{:?}", v.problems);
    let entries = owner.audit_list(100_000).unwrap();
    let count = |a: &str| entries.iter().filter(|e| e.action == a).count();
    let mut imports = 0;
    for (_, id, period) in &months {
        imports += owner.imports(id).unwrap().len();
        let finals: Vec<_> = owner
            .list_statements(Some(period), Some(id))
            .unwrap()
            .into_iter()
            .filter(|s| s.status.as_str() == "final")
            .collect();
        assert_eq!(finals.len(), 1, "{id} {period}");
    }
    assert_eq!(imports, expected_files);
    assert_eq!(count("evidence.import"), expected_files);
    assert_eq!(count("statement.finalize"), months.len());
    let claims = owner
        .list_claims(
            chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
            &Default::default(),
        )
        .unwrap();
    // Each claim moved exactly once, by one approver: compare-and-set.
    assert_eq!(count("claim.update"), claims.len());
    assert!(claims.iter().all(|c| c.state.as_str() == "disputed"));
    let by_actor: BTreeMap<String, usize> = entries.iter().fold(BTreeMap::new(), |mut m, e| {
        *m.entry(e.actor.clone()).or_default() += 1;
        m
    });
    assert!(
        by_actor
            .keys()
            .all(|a| a.starts_with("sla_t_") || a == "postgres"),
        "{by_actor:?}"
    );
    let _ = std::fs::remove_dir_all(dir);
}
