//! Issue 17: every store function, run the same way on both backends, must
//! give the same answers. One scripted library (contracts with an
//! amendment and a document, evidence, a month end with a restatement,
//! claims, settings, objectives, exceptions, thresholds, requests, pins and
//! signed heads), then every read the store offers, compared as text.

use crate::issue17::{pg_url, TempDb};
use crate::util::{ImportRequest, UseCases};
use chrono::NaiveDate;
use sla_ledger::sla_import::Kind;
use sla_ledger::sla_store::claims::{ClaimFilter, ClaimUpdate};
use sla_ledger::sla_store::contracts::ContractFilter;
use sla_ledger::sla_store::governance::{RequestRow, ThresholdEvent};
use sla_ledger::sla_store::reports::CreditGrouping;
use sla_ledger::sla_store::{ClaimState, Ctx, Direction, Library};

const S6: &str = "fixtures/cases/spec-s6-full-example";
const ACME: &str = "ACME-2026-001";

fn at(actor: &str) -> Ctx {
    Ctx {
        actor: actor.into(),
        now: 1_795_860_000,
    }
}

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn build(lib: &mut Library) {
    let (ann, bob) = (at("ann"), at("bob"));
    lib.add_contract_with_documents(
        &ann,
        &format!("{S6}/terms.toml"),
        &[format!("{S6}/period.txt")],
    )
    .unwrap();
    let agg = "fixtures/cases/aggregation-max-basis-contract";
    lib.add_contract(&ann, &format!("{agg}/terms.toml"))
        .unwrap();
    lib.amend_contract(
        &ann,
        ACME,
        &format!("{S6}/terms.toml"),
        day(2026, 12, 1),
        None,
        "rate review",
    )
    .unwrap();
    for (f, k) in [
        ("outages.csv", Kind::Outages),
        ("maintenance.csv", Kind::Maintenance),
        ("incidents.csv", Kind::Incidents),
    ] {
        let req = ImportRequest {
            file: &format!("{S6}/{f}"),
            source_label: "mon",
            contract: Some(ACME),
            kind: Some(k),
        };
        lib.uc_import(&ann, &req, &mut |_| true).unwrap();
    }
    let req = ImportRequest {
        file: &format!("{agg}/outages.csv"),
        source_label: "mon",
        contract: Some("AGG-MAX"),
        kind: Some(Kind::Outages),
    };
    lib.uc_import(&ann, &req, &mut |_| true).unwrap();
    for p in ["2026-09", "2026-10"] {
        lib.uc_run(&ann, p, None).unwrap();
        lib.uc_finalize(&bob, p, None).unwrap();
    }
    lib.uc_restate(&bob, &format!("{ACME}/2026-10/1"), "second look")
        .unwrap();
    let claims = lib
        .list_claims(day(2026, 11, 27), &ClaimFilter::default())
        .unwrap();
    lib.update_claim(
        &ann,
        claims[0].id,
        &ClaimUpdate {
            state: ClaimState::Claimed,
            reference: Some("C-1".into()),
            ..ClaimUpdate::default()
        },
    )
    .unwrap();
    lib.set_setting(&ann, "source_label", "monitoring").unwrap();
    lib.set_setting(&ann, "actor", "ann").unwrap();
    lib.set_setting(&ann, "actor", "").unwrap();
    let yaml = "apiVersion: openslo/v1\nkind: SLO\n";
    lib.add_slos(
        &ann,
        "slos.yaml",
        &[("checkout".into(), "checkout".into(), yaml.into())],
    )
    .unwrap();
    lib.add_slos(
        &ann,
        "slos.yaml",
        &[(
            "checkout".into(),
            "checkout".into(),
            format!("{yaml}# v2\n"),
        )],
    )
    .unwrap();
    lib.set_budget_policy(&ann, "policy.toml", "[policy]\n")
        .unwrap();
    lib.add_budget_exception(
        &ann,
        "checkout",
        1_790_000_000,
        1_790_003_600,
        "planned",
        "cfo",
    )
    .unwrap();
    let t = ThresholdEvent {
        slo: "checkout".into(),
        window_start: "2026-10-01".into(),
        consumed_percent: "50".into(),
        action: "freeze".into(),
        owner: "ops".into(),
        since: None,
        recorded_at: String::new(),
    };
    assert!(lib.record_threshold(&ann, &t).unwrap());
    assert!(!lib.record_threshold(&ann, &t).unwrap());
    let rows = [RequestRow {
        sheet: "requests",
        row: 2,
        service: "checkout",
        start: 1_790_000_000,
        end: 1_790_003_600,
        good: 99_000,
        total: 100_000,
    }];
    lib.import_requests(&ann, "fixtures/governance/requests.csv", "lb", &rows)
        .unwrap();
    assert_eq!(
        lib.import_requests(&ann, "fixtures/governance/requests.csv", "lb", &rows)
            .unwrap(),
        None
    );
    lib.pin_certificate(&ann, "ab12", "CN=Org", "-----BEGIN CERTIFICATE-----")
        .unwrap();
    // A stand-in signature: the head text names each library's own id.
    let signer = |b: &[u8]| {
        Ok((
            sla_ledger::sla_store::sha256_hex(&b[..20]).into_bytes(),
            "ab12".to_string(),
        ))
    };
    lib.checkpoint(&bob, &signer).unwrap();
}

/// Every read of the store, as text.
fn reads(lib: &Library) -> Vec<String> {
    let today = day(2026, 11, 27);
    let mut out = vec![
        format!("{:?}", lib.contract_ids()),
        format!("{:?}", lib.versions(ACME)),
        format!("{:?}", lib.export_terms(ACME, Some(2)).map(|t| t.len())),
        format!("{:?}", lib.diff_versions(ACME, 1, 2)),
        format!(
            "{:?}",
            lib.version_for_month(ACME, day(2026, 12, 1), day(2026, 12, 31))
        ),
        format!("{:?}", lib.documents(ACME)),
        format!("{:?}", lib.imports(ACME)),
        format!(
            "{:?}",
            lib.events(ACME)
                .map(|e| (e.outages, e.maintenance, e.incidents))
        ),
        format!("{:?}", lib.list_statements(None, None)),
        format!("{:?}", lib.list_statements(Some("2026-10"), Some(ACME))),
        format!(
            "{:?}",
            lib.statement(&format!("{ACME}/2026-10/2"))
                .map(|s| (s.inputs, s.info.total))
        ),
        format!("{:?}", lib.rederive_seal(1)),
        format!("{:?}", lib.terms_sha256(1)),
        format!("{:?}", lib.period_breached(ACME, "2026-10")),
        format!(
            "{:?}",
            lib.final_totals(ACME, &["2026-09".into(), "2026-10".into()])
        ),
        format!("{:?}", lib.final_number(ACME, "2026-10")),
        format!("{:?}", lib.list_claims(today, &ClaimFilter::default())),
        format!(
            "{:?}",
            lib.list_claims(
                today,
                &ClaimFilter {
                    open_only: true,
                    within_days: Some(400),
                    direction: Some(Direction::Customer)
                }
            )
        ),
        format!("{:?}", lib.settings()),
        format!("{:?}", lib.slos()),
        format!("{:?}", lib.budget_policy()),
        format!("{:?}", lib.budget_exceptions(None)),
        format!("{:?}", lib.budget_exceptions(Some("checkout"))),
        format!("{:?}", lib.exception_intervals("checkout")),
        format!("{:?}", lib.threshold_history()),
        format!("{:?}", lib.requests_for("checkout")),
        format!("{:?}", lib.outages_for_service("web")),
        format!(
            "{:?}",
            lib.credits(CreditGrouping::Counterparty, None, None)
        ),
        format!(
            "{:?}",
            lib.credits(CreditGrouping::Direction, Some("2026-10"), Some("2026-12"))
        ),
        format!("{:?}", lib.contracts_without_terms()),
        format!("{:?}", lib.services_without_evidence("2026-10")),
        format!("{:?}", lib.pins()),
        format!("{:?}", lib.anchors()),
        format!("{:?}", lib.money_entries()),
        format!("{:?}", lib.seal_entry(2)),
        format!("{:?}", lib.pin_entry("ab12")),
        format!("{:?}", lib.chain_head()),
        format!("{:?}", lib.entry_hash(3)),
        format!("{:?}", lib.audit_list(1_000)),
        format!("{:?}", lib.audit_verify()),
        format!("{:?}", lib.is_empty()),
    ];
    for f in [
        ContractFilter::default(),
        ContractFilter {
            search: Some("acme".into()),
            ..ContractFilter::default()
        },
        ContractFilter {
            status: Some("active".into()),
            today: Some(today),
            ..ContractFilter::default()
        },
        ContractFilter {
            direction: Some(Direction::Customer),
            counterparty: Some("x".into()),
            ..ContractFilter::default()
        },
    ] {
        out.push(format!("{:?}", lib.list_contracts(&f)));
    }
    out
}

#[test]
fn issue17_every_store_function_gives_the_same_answers_on_both_backends() {
    let dir = crate::util::temp_dir("i17s");
    let _ = std::fs::remove_dir_all(&dir);
    let mut sqlite = Library::open(&dir.join("sqlite"), 2_000).unwrap();
    build(&mut sqlite);
    let want = reads(&sqlite);
    assert!(want.iter().all(|r| !r.starts_with("Err")), "{want:#?}");
    assert!(sqlite.audit_verify().unwrap().ok);
    if let Some(admin) = pg_url() {
        let db = TempDb::new(&admin, "store");
        let mut pg = Library::open_pg(&db.url, &dir.join("pg"), 10_000).unwrap();
        build(&mut pg);
        let got = reads(&pg);
        for (i, (w, g)) in want.iter().zip(&got).enumerate() {
            // The library id is each library's own.
            assert_eq!(g, w, "read {i} differs between SQLite and PostgreSQL");
        }
    }
    let _ = std::fs::remove_dir_all(dir);
}
