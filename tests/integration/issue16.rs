//! Issue 16 (forgiving): a draft can be discarded and an import that no
//! final statement used can be withdrawn, both audited, neither touching
//! a final statement.

use crate::util::{session, ImportRequest, UseCases};
use serde_json::Value;
use sla_ledger::sla_import::Kind;
use sla_ledger::sla_store::evidence::ImportOutcome;
use sla_ledger::sla_store::{Ctx, Library};
use sla_ledger::usecases::{evidence, statements};

const TERMS: &str = r#"[contract]
id = "FORGIVE"
currency = "USD"
timezone = "UTC"
effective_from = "2026-01-01"
[[services]]
id = "api"
monthly_fee = "1000.00"
[[slas]]
id = "api-availability"
service = "api"
kind = "availability"
target = "99.9"
[slas.credit]
schedule = "tiers"
tiers = [{ below = "99.9", percent = "10" }, { below = "99.0", percent = "25" }]
"#;

struct Fixture {
    dir: std::path::PathBuf,
    lib: Library,
    ctx: Ctx,
}

impl Drop for Fixture {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn fixture(name: &str) -> Fixture {
    let dir = crate::util::temp_dir(&format!("issue16-{name}"));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("terms.toml"), TERMS).unwrap();
    // September: one hour (uptime 99.86 %, 10 %) in the first file, a
    // whole day (96.67 %, 25 %) in the second.
    std::fs::write(
        dir.join("monitor.csv"),
        "service,start,end\napi,2026-09-03T10:00:00Z,2026-09-03T11:00:00Z\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("wrong-zone.csv"),
        "service,start,end\napi,2026-09-10T00:00:00Z,2026-09-11T00:00:00Z\n",
    )
    .unwrap();
    let ctx = Ctx {
        actor: "analyst".into(),
        now: 1_795_860_000,
    };
    let lib = Library::open(&dir.join("lib"), 2_000).unwrap();
    let mut lib = lib;
    lib.add_contract(&ctx, dir.join("terms.toml").to_str().unwrap())
        .unwrap();
    Fixture { dir, lib, ctx }
}

fn import(f: &Fixture, file: &str) -> i64 {
    let path = f.dir.join(file).display().to_string();
    let req = ImportRequest {
        file: &path,
        source_label: "test",
        contract: Some("FORGIVE"),
        kind: Some(Kind::Outages),
    };
    match f.lib.uc_import(&f.ctx, &req, &mut |_| true).unwrap() {
        ImportOutcome::Imported { import, .. } => import.id,
        other => panic!("{other:?}"),
    }
}

fn actions(f: &Fixture) -> Vec<String> {
    f.lib
        .audit_list(100)
        .unwrap()
        .into_iter()
        .map(|e| e.action)
        .collect()
}

#[test]
fn issue16_a_draft_can_be_discarded_a_final_cannot() {
    let f = fixture("discard");
    import(&f, "monitor.csv");
    let run = f.lib.uc_run(&f.ctx, "2026-09", None).unwrap();
    let number = run[0].statement.as_ref().unwrap().number.clone();
    let mut s = session(&f.lib, &f.ctx);
    let gone = statements::discard(&mut s, &number).unwrap();
    assert_eq!(
        (gone.total.as_str(), gone.period.as_str()),
        ("100.00", "2026-09")
    );
    assert!(f.lib.statement(&number).is_err(), "the draft is gone");
    assert!(actions(&f).contains(&"statement.discard".to_string()));
    // Again: nothing to discard.
    let again = statements::discard(&mut s, &number)
        .unwrap_err()
        .to_string();
    assert_eq!(again, format!("statement `{number}` is not in the library"));
    // A final statement is refused, and stays.
    f.lib.uc_run(&f.ctx, "2026-09", None).unwrap();
    let done = f.lib.uc_finalize(&f.ctx, "2026-09", None).unwrap();
    let e = statements::discard(&mut s, &done[0].number)
        .unwrap_err()
        .to_string();
    assert_eq!(
        e,
        format!("{} is final, not a draft: only a draft can be discarded (a final statement is restated)", done[0].number)
    );
    assert!(f.lib.audit_verify().unwrap().ok);
}

#[test]
fn issue16_an_import_no_final_used_can_be_withdrawn() {
    let f = fixture("withdraw");
    let good = import(&f, "monitor.csv");
    let wrong = import(&f, "wrong-zone.csv");
    let run = f.lib.uc_run(&f.ctx, "2026-09", None).unwrap();
    let draft = run[0].statement.as_ref().unwrap().clone();
    assert_eq!(draft.total, "250.00", "both files count");
    let mut s = session(&f.lib, &f.ctx);
    // A reason is required.
    let e = evidence::withdraw(&mut s, wrong, " ")
        .unwrap_err()
        .to_string();
    assert!(e.contains("say why"), "{e}");
    let w = evidence::withdraw(&mut s, wrong, "exported in the wrong time zone").unwrap();
    assert_eq!(w.discarded_drafts, vec![draft.number.clone()]);
    assert!(
        f.lib.statement(&draft.number).is_err(),
        "its draft is discarded"
    );
    // Month end no longer reads it; the import stays listed, withdrawn.
    let (_, _, doc, _) = f.lib.uc_compute("FORGIVE", "2026-09").unwrap();
    assert_eq!(doc.total, "100.00");
    let info = f.lib.import_info(wrong).unwrap();
    assert!(info.withdrawn_at.is_some());
    assert!(actions(&f).contains(&"evidence.withdraw".to_string()));
    // Twice, or the same bytes again: refused with why.
    let e = evidence::withdraw(&mut s, wrong, "again")
        .unwrap_err()
        .to_string();
    assert!(e.contains("already withdrawn"), "{e}");
    let path = f.dir.join("wrong-zone.csv").display().to_string();
    let req = ImportRequest {
        file: &path,
        source_label: "test",
        contract: Some("FORGIVE"),
        kind: Some(Kind::Outages),
    };
    let e = f
        .lib
        .uc_import(&f.ctx, &req, &mut |_| true)
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("withdrawn") && e.contains("cannot be imported again"),
        "{e}"
    );
    // Once a final statement used an import, it stays.
    f.lib.uc_run(&f.ctx, "2026-09", None).unwrap();
    let done = f.lib.uc_finalize(&f.ctx, "2026-09", None).unwrap();
    let e = evidence::withdraw(&mut s, good, "second thoughts")
        .unwrap_err()
        .to_string();
    assert!(
        e.contains(&done[0].number) && e.contains("cannot be withdrawn"),
        "{e}"
    );
    // The database itself keeps a withdrawal.
    let conn = crate::util::raw_db(&f.dir.join("lib"));
    let e = conn
        .execute("DELETE FROM import_withdrawals", [])
        .unwrap_err()
        .to_string();
    assert!(e.contains("a withdrawal is final"), "{e}");
    assert!(f.lib.audit_verify().unwrap().ok);
}

/// Issue 16 items 3 and 4 on statements: a London contract across the
/// October DST change shows its outage in local time on both sides of the
/// change (01:30 BST, then 01:30 GMT an hour later), in the library's
/// locale (de-DE: day.month.year, decimal comma, currency after); the
/// workbook keeps UTC and adds the local time beside it.
#[test]
fn issue16_statements_show_local_times_and_the_chosen_locale() {
    use sla_ledger::usecases::session::{self, Settings};
    let dir = crate::util::temp_dir("issue16-locale");
    let _ = std::fs::remove_dir_all(&dir);
    let case = "fixtures/cases/dst-london-october";
    let ctx = Ctx {
        actor: "analyst".into(),
        now: 1_795_860_000,
    };
    let mut lib = Library::open(&dir.join("lib"), 2_000).unwrap();
    lib.add_contract(&ctx, &format!("{case}/terms.toml"))
        .unwrap();
    let file = format!("{case}/outages.csv");
    let req = ImportRequest {
        file: &file,
        source_label: "test",
        contract: None,
        kind: Some(Kind::Outages),
    };
    lib.uc_import(&ctx, &req, &mut |_| true).unwrap();
    let mut s = session(&lib, &ctx);
    let mut settings = session::settings(&s).unwrap();
    settings.locale = "de-DE".into();
    session::save_settings(&mut s, Settings { ..settings }).unwrap();
    let run = lib.uc_run(&ctx, "2026-10", None).unwrap();
    let number = run[0].statement.as_ref().unwrap().number.clone();
    let files = lib.uc_export(&ctx, &number, &dir.join("out")).unwrap();
    let text = std::process::Command::new("pdftotext")
        .args(["-layout", files.pdf.to_str().unwrap(), "-"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&text.stdout).replace('\u{a0}', " ");
    assert!(text.contains("25.10.2026 01:30 BST"), "{text}");
    assert!(text.contains("25.10.2026 01:30 GMT"), "{text}");
    assert!(text.contains("120,00 GBP"), "{text}");
    assert!(text.contains("Times are in Europe/London"), "{text}");
    use calamine::{open_workbook, Data, Reader, Xlsx};
    let mut wb: Xlsx<_> = open_workbook(&files.xlsx).unwrap();
    let outages = wb.worksheet_range("Outages").unwrap();
    let at = |r: u32, c: u32| outages.get_value((r, c)).cloned().unwrap_or(Data::Empty);
    assert_eq!(at(0, 10), Data::String("Start (Europe/London)".into()));
    assert_eq!(at(1, 2), Data::String("2026-10-25T00:30:00Z".into()));
    assert_eq!(at(1, 10), Data::String("25.10.2026 01:30 BST".into()));
    assert_eq!(at(1, 11), Data::String("25.10.2026 01:30 GMT".into()));
    // The result document itself stays in UTC.
    let doc = lib.statement(&number).unwrap().result;
    assert_eq!(doc.period.start, "2026-09-30T23:00:00Z");
    let _ = std::fs::remove_dir_all(&dir);
}

/// Issue 16 item 2: the first run and the sample library. No first run
/// when a library was chosen or exists; the sample is built once, holds
/// three contracts with finished month ends, says it is a sample (library,
/// statements), and a folder holding another library is refused.
#[test]
fn issue16_first_run_and_the_sample_library() {
    use sla_ledger::usecases::{files, welcome};
    let dir = crate::util::temp_dir("issue16-sample");
    let _ = std::fs::remove_dir_all(&dir);
    let fresh = dir.join("sla-ledger");
    assert!(welcome::first_run(&fresh, false).first_run);
    assert!(
        !welcome::first_run(&fresh, true).first_run,
        "a chosen library is no first run"
    );
    let sample = dir.join("sla-ledger-sample");
    let info = welcome::open_sample(&sample).unwrap();
    assert_eq!((info.contracts, info.sample), (3, true));
    assert!(!welcome::first_run(&sample, false).first_run);
    // Opening it again builds nothing twice.
    assert_eq!(welcome::open_sample(&sample).unwrap().contracts, 3);
    let lib = Library::open(&sample, 2_000).unwrap();
    let finals: Vec<String> = lib
        .list_statements(None, None)
        .unwrap()
        .into_iter()
        .filter(|s| s.status.as_str() == "final")
        .map(|s| s.number)
        .collect();
    // March and October of each of the three contracts.
    assert_eq!(finals.len(), 6, "{finals:?}");
    let view = files::view(&lib, "ACME-2026-001/2026-10/1", None).unwrap();
    assert!(view.sample);
    // Another library's folder is not turned into a sample.
    let other = dir.join("mine");
    let mut mine = Library::open(&other, 2_000).unwrap();
    mine.add_contract(
        &Ctx {
            actor: "a".into(),
            now: 1_795_860_000,
        },
        "fixtures/cases/spec-s6-full-example/terms.toml",
    )
    .unwrap();
    let e = welcome::open_sample(&other).unwrap_err().to_string();
    assert!(e.contains("not the sample"), "{e}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn issue16_budget_exceptions_are_entered_in_the_objectives_zone() {
    let dir = crate::governance::governance_library("issue16-zone");
    // The same "now" as governance.rs's budget test, so the same window.
    let now = "2026-10-21T00:00:00Z";
    let status = || -> Value {
        serde_json::from_str(&crate::governance::cli(
            &dir,
            now,
            &["slo", "status", "--json"],
        ))
        .unwrap()
    };
    // A rolling objective takes the zone of the contracts measuring its
    // service (compute: ACME, New York); a calendar one its own timeZone.
    let s = status();
    assert_eq!(s["zones"]["compute-availability-30d"], "America/New_York");
    assert_eq!(s["zones"]["compute-hourly"], "America/New_York");
    assert_eq!(s["zones"]["checkout-success"], "UTC");

    // 03:00 to 07:00 on 12 October in New York (EDT, -4) is 07:00Z to
    // 11:00Z: the same exception the UTC test in governance.rs records, so
    // the same 10,380 s consumed.
    crate::governance::cli(
        &dir,
        now,
        &[
            "slo",
            "except",
            "--slo",
            "compute-availability-30d",
            "--start",
            "2026-10-12 03:00",
            "--end",
            "2026-10-12 07:00",
            "--reason",
            "CAB-17",
            "--approver",
            "Head of SRE",
        ],
    );
    let s = status();
    let e = &s["exceptions"][0];
    assert_eq!(
        (&e["start"], &e["end"]),
        (
            &"2026-10-12T07:00:00Z".into(),
            &"2026-10-12T11:00:00Z".into()
        )
    );
    let a = s["budgets"]
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["slo"] == "compute-availability-30d")
        .unwrap();
    assert_eq!(a["consumed"], "10380");

    // 01:30 on 1 November happens twice in New York: refused, both
    // readings named, nothing recorded.
    let o = crate::util::bin()
        .arg("--library")
        .arg(&dir)
        .args([
            "slo",
            "except",
            "--slo",
            "compute-availability-30d",
            "--start",
            "2026-11-01 01:30",
            "--end",
            "2026-11-01 03:00",
            "--reason",
            "x",
            "--approver",
            "y",
        ])
        .env("SLA_LEDGER_NOW", now)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(!o.status.success());
    assert!(
        err.contains("start (read in America/New_York)")
            && err.contains("01:30 EDT (2026-11-01T05:30:00Z)")
            && err.contains("01:30 EST (2026-11-01T06:30:00Z)"),
        "{err}"
    );
    assert_eq!(status()["exceptions"].as_array().unwrap().len(), 1);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn issue15_a_large_import_shows_its_reading_and_can_be_cancelled_while_read() {
    // 30,000 rows: while the file is read, progress says how many rows
    // were checked (no total yet); cancelling then stops the read, and
    // nothing is written.
    let f = fixture("issue15-cancel");
    let mut csv = String::from("service,start,end\n");
    for i in 0..30_000 {
        csv.push_str(&format!(
            "api,2026-09-03T10:{:02}:00Z,2026-09-03T10:{:02}:30Z\n",
            i % 60,
            i % 60
        ));
    }
    std::fs::write(f.dir.join("big.csv"), csv).unwrap();
    let path = f.dir.join("big.csv").display().to_string();
    let req = ImportRequest {
        file: &path,
        source_label: "test",
        contract: Some("FORGIVE"),
        kind: Some(Kind::Outages),
    };
    let mut seen = Vec::new();
    let r = f.lib.uc_import(&f.ctx, &req, &mut |p| {
        seen.push((p.rows_done, p.rows_total));
        false
    });
    let e = r.expect_err("cancelled");
    assert_eq!(e.code().as_str(), "E-CANCELLED", "{e}");
    assert!(e.to_string().contains("cancelled after"), "{e}");
    assert_eq!(seen, [(10_000, 0)]);
    assert!(f.lib.imports("FORGIVE").unwrap().is_empty());

    // Not cancelled: the reading is shown, then the writing, and all of it
    // is stored.
    let mut seen = Vec::new();
    let r = f.lib.uc_import(&f.ctx, &req, &mut |p| {
        seen.push((p.rows_done, p.rows_total));
        true
    });
    assert!(matches!(r, Ok(ImportOutcome::Imported { .. })), "{r:?}");
    assert_eq!(seen[..3], [(10_000, 0), (20_000, 0), (30_000, 0)]);
    assert_eq!(seen.last(), Some(&(30_000, 30_000)));
}
