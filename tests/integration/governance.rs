//! Governance (issue 6) over real fixture results: the recovery ratio per
//! incident, worked out by hand from the spec's section 6 example.

use crate::util::UseCases;
use sla_ledger::sla_governance::coverage::recovery;
use sla_ledger::ComputeRequest;

const S6: &str = "fixtures/cases/spec-s6-full-example";

fn s6() -> sla_ledger::sla_engine::ResultDoc {
    let req = ComputeRequest {
        terms: format!("{S6}/terms.toml"),
        events: sla_ledger::sla_import::Sources {
            workbook: None,
            outages: Some(format!("{S6}/outages.csv")),
            maintenance: Some(format!("{S6}/maintenance.csv")),
            incidents: Some(format!("{S6}/incidents.csv")),
            requests: None,
        },
        period: "2026-10".into(),
    };
    sla_ledger::compute(&req).unwrap().1
}

#[test]
fn issue6_recovery_ratio_per_incident() {
    // We owe Acme 1,875.00: availability 1,250.00 and P1 response 625.00.
    let customer = s6();
    // A vendor statement for the same evidence, whose cap halves the total:
    // we can claim 937.50, spread like the subtotal (scale 0.5).
    let mut vendor = customer.clone();
    vendor.direction = Some("vendor".into());
    vendor.total = "937.50".into();
    let rows = recovery(&[customer, vendor]);
    let got: Vec<(&str, &str, &str, Option<&str>)> = rows
        .iter()
        .map(|r| {
            (
                r.incident.as_str(),
                r.owed_to_customers.as_str(),
                r.claimable_from_vendors.as_str(),
                r.ratio.as_deref(),
            )
        })
        .collect();
    // Counted outage time in October (New York): INC-1 14:00-14:50 merged =
    // 3,000 s; INC-4 7,200 s; INC-5 cut at the period's end (04:00Z) =
    // 3,600 s; 13,800 s in all. 1,250 x 3,000 / 13,800 = 271.7391...,
    // x 7,200 / 13,800 = 652.1739..., x 3,600 / 13,800 = 326.0869...
    // INC-2 (too short) and INC-3 (customer cause) were not counted. INC-7
    // is the one breached P1: 625.00.
    assert_eq!(
        got,
        vec![
            ("INC-1", "271.74", "135.87", Some("0.5000")),
            ("INC-4", "652.17", "326.09", Some("0.5000")),
            ("INC-5", "326.09", "163.04", Some("0.5000")),
            ("INC-7", "625.00", "312.50", Some("0.5000")),
        ]
    );
}

/// The fixture portfolio in a fresh library: 30 contracts, their outages.
fn portfolio_library(name: &str) -> std::path::PathBuf {
    let dir = crate::util::temp_dir(&format!("gov-{name}"));
    let _ = std::fs::remove_dir_all(&dir);
    let mut lib = sla_ledger::sla_store::Library::open(&dir, 2_000).unwrap();
    let ctx = sla_ledger::sla_store::Ctx {
        actor: "tester".into(),
        now: 1_795_860_000,
    };
    for i in 1..=30 {
        let id = format!("DD-{i:03}");
        lib.add_contract(&ctx, &format!("fixtures/portfolio/contracts/{id}.toml"))
            .unwrap();
        lib.uc_import(
            &ctx,
            &crate::util::ImportRequest {
                file: &format!("fixtures/portfolio/events/{id}/outages.csv"),
                source_label: "monitor",
                contract: Some(&id),
                kind: Some(sla_ledger::sla_import::Kind::Outages),
            },
            &mut |_| true,
        )
        .unwrap();
    }
    dir
}

#[test]
fn issue6_due_diligence_figures_match_the_generators_own_arithmetic() {
    let dir = portfolio_library("dd");
    let expected: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string("fixtures/portfolio/expected.json").unwrap())
            .unwrap();
    let r = sla_ledger::usecases::governance::diligence::report(
        &crate::util::app(&dir),
        &sla_ledger::usecases::governance::diligence::DiligenceRequest {
            until: "2026-10".into(),
            months: 12,
            contracts: vec![],
            cap_limit: "50".into(),
            what_if_uptime: "99.5".into(),
        },
    )
    .unwrap();
    assert_eq!(r.contracts_total, 30);
    assert_eq!(r.months.len(), 12);
    let mut wrong = Vec::new();
    for c in &r.contracts {
        let e = &expected["contracts"][&c.contract];
        let got = serde_json::json!({
            "months_evaluated": c.months_evaluated,
            "months_breached": c.months_breached,
            "credits": c.credits,
            "months_left": c.months_left,
            "monthly_max": c.monthly_max,
            "exposure_left": c.exposure_left,
            "what_if_monthly": c.what_if_monthly,
            "chronic": c.chronic.split(':').next().unwrap(),
        });
        if &got != e {
            wrong.push(format!("{}: got {got}, expected {e}", c.contract));
        }
    }
    for m in &r.monthly {
        let e = &expected["monthly"][format!("{} {}", m.period, m.currency)];
        if e["issued"] != m.issued.as_str() || e["received"] != m.received.as_str() {
            wrong.push(format!(
                "{} {}: {} / {}, expected {e}",
                m.period, m.currency, m.issued, m.received
            ));
        }
    }
    let totals = |v: &[sla_ledger::sla_governance::diligence::CurrencyTotal]| {
        v.iter()
            .map(|t| {
                (
                    format!("{} {}", t.currency, t.direction),
                    serde_json::json!(t.amount),
                )
            })
            .collect::<serde_json::Map<_, _>>()
    };
    assert_eq!(
        serde_json::Value::Object(totals(&r.exposure)),
        expected["exposure"]
    );
    assert_eq!(
        serde_json::Value::Object(totals(&r.what_if)),
        expected["what_if"]
    );
    let laws: serde_json::Map<_, _> = r
        .by_governing_law
        .iter()
        .map(|(l, n)| (l.clone(), serde_json::json!(n)))
        .collect();
    assert_eq!(serde_json::Value::Object(laws), expected["by_law"]);
    assert_eq!(serde_json::json!(r.uncapped), expected["uncapped"]);
    assert_eq!(
        serde_json::json!(r.without_sla_terms),
        expected["without_sla_terms"]
    );
    let unusual: Vec<String> = r
        .unusual
        .iter()
        .map(|f| format!("{}: {}", f.contract, f.finding))
        .collect();
    assert_eq!(serde_json::json!(unusual), expected["unusual"]);
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    // Every service lacks an SLO in a library that has none.
    assert_eq!(r.services_without_slo.len(), 30);
}

#[test]
fn issue6_two_methods_explain_the_difference_row_by_row() {
    let doc = s6();
    let sla_ledger::sla_engine::Line::Availability(a) = &doc.lines[0] else {
        panic!("the first line is availability")
    };
    let m = sla_ledger::sla_governance::methods::two_methods(a, &doc.period);
    // SLO: every outage second in October (New York): INC-1 merged 3,000 +
    // INC-2 180 + INC-3 7,200 + INC-4 7,200 + INC-5 cut at 04:00Z 3,600 =
    // 21,180 s of 2,678,400: 100 x 2,657,220 / 2,678,400 = 99.2092293906...
    assert_eq!(m.slo_downtime_seconds, 21_180);
    assert_eq!(m.slo_uptime, "99.209229");
    // SLA 100 x (2,678,400 - 9,975) / 2,678,400 = 99.6275761648...;
    // difference 0.4183467741... points.
    assert_eq!(m.sla_uptime, "99.627576");
    assert_eq!(m.difference, "0.418347");
    let why = m.explanation.join("\n");
    assert!(why.contains("shorter than min_outage 5m"), "{why}");
    assert!(why.contains("excluded cause `customer`"), "{why}");
    assert!(why.contains("maintenance"), "{why}");
    // ACME's downtime rounding is `none`: no rounding difference is claimed.
    assert!(!why.contains("Rounding"), "{why}");
}

/// Runs the CLI on a library at a fixed "now"; returns stdout, or panics
/// with stderr.
pub(crate) fn cli(dir: &std::path::Path, now: &str, args: &[&str]) -> String {
    let o = crate::util::bin()
        .arg("--library")
        .arg(dir)
        .args(args)
        .env("SLA_LEDGER_NOW", now)
        .env("SLA_LEDGER_ACTOR", "tester")
        .output()
        .unwrap();
    assert!(
        o.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8(o.stdout).unwrap()
}

pub(crate) fn governance_library(name: &str) -> std::path::PathBuf {
    let dir = crate::util::temp_dir(&format!("gov-{name}"));
    let _ = std::fs::remove_dir_all(&dir);
    let now = "2026-11-27T10:00:00Z";
    cli(
        &dir,
        now,
        &["contracts", "add", &format!("{S6}/terms.toml")],
    );
    for k in ["outages", "maintenance", "incidents"] {
        cli(
            &dir,
            now,
            &[
                "import",
                &format!("{S6}/{k}.csv"),
                "--source",
                "synthetic",
                "--contract",
                "ACME-2026-001",
                "--kind",
                k,
            ],
        );
    }
    for v in ["CLOUD-VM", "DNS-A", "DNS-B"] {
        cli(
            &dir,
            now,
            &[
                "contracts",
                "add",
                &format!("fixtures/governance/vendors/{v}.toml"),
            ],
        );
    }
    cli(
        &dir,
        now,
        &[
            "import",
            "fixtures/governance/vendors/CLOUD-VM-outages.csv",
            "--source",
            "mixed",
            "--contract",
            "CLOUD-VM",
            "--kind",
            "outages",
        ],
    );
    cli(
        &dir,
        now,
        &["slo", "import", "fixtures/governance/slos.yaml"],
    );
    cli(
        &dir,
        now,
        &["slo", "policy", "fixtures/governance/policy.toml"],
    );
    cli(
        &dir,
        now,
        &["slo", "requests", "fixtures/governance/requests.csv"],
    );
    dir
}

fn budget<'a>(s: &'a serde_json::Value, name: &str) -> &'a serde_json::Value {
    s["budgets"]
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["slo"] == name)
        .unwrap()
}

#[test]
fn issue6_error_budgets_from_the_library_evidence() {
    let dir = governance_library("budgets");
    let now = "2026-10-21T00:00:00Z";
    let s: serde_json::Value =
        serde_json::from_str(&cli(&dir, now, &["slo", "status", "--json"])).unwrap();

    // 30 days rolling at 99 %: budget 0.01 x 2,592,000 = 25,920 s. The
    // compute outages since 09-21: 3,000 (10-03, merged) + 180 + 7,200 +
    // 7,200 = 17,580 s = 67.8240740...%.
    let a = budget(&s, "compute-availability-30d");
    assert_eq!(
        (
            &a["budget"],
            &a["consumed"],
            &a["remaining"],
            &a["consumed_percent"]
        ),
        (
            &"25920".into(),
            &"17580".into(),
            &"8340".into(),
            &"67.8241".into()
        )
    );
    // Last day: 7,200 s bad of 86,400 / 0.01 = 8.3333; last 3 days 2.7778.
    let rates: Vec<&str> = a["burn_rates"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["rate"].as_str().unwrap())
        .collect();
    assert_eq!(rates, vec!["0.0000", "0.0000", "8.3333", "2.7778"]);
    // 8,340 s left at 1/12 s per s: 100,080 s = 27 h 48 min.
    assert_eq!(
        (&a["outlook"], &a["outlook_at"]),
        (&"runs_out".into(), &"2026-10-22T03:48:00Z".into())
    );
    // 50 % = 12,960 s: 10,380 s by 10-12 10:00, then 2,580 s into the
    // 10-20 05:00 outage.
    assert_eq!(a["thresholds"][0]["since"], "2026-10-20T05:43:00Z");
    assert_eq!(a["thresholds"][1]["triggered"], false);

    // October in New York, hourly slices (bad above 180 s down): 744
    // slices, budget 7.44; bad: 10-03 14h, 10-12 08h and 09h, 10-20 05h
    // and 06h = 5 (the 180 s on 10-10 is exactly 95 %: good). 476 whole
    // slices have passed: 471 / 476 good.
    let b = budget(&s, "compute-hourly");
    assert_eq!(
        (
            &b["budget"],
            &b["consumed"],
            &b["consumed_percent"],
            &b["attained"]
        ),
        (
            &"7.44".into(),
            &"5".into(),
            &"67.2043".into(),
            &"0.989496".into()
        )
    );
    assert_eq!(b["window_start"], "2026-10-01T04:00:00Z");

    // Requests: checkout 400,000 in October, 2,500 bad; budget 0.005 x
    // 400,000 = 2,000: exhausted, at the end of the first row (1,000 bad
    // against 500 allowed). Pool "shop" adds payments (100,000, none bad):
    // 2,500 of 2,500 = 100 %.
    let c = budget(&s, "checkout-success");
    assert_eq!(
        (
            &c["budget"],
            &c["consumed"],
            &c["outlook"],
            &c["outlook_at"]
        ),
        (
            &"2000".into(),
            &"2500".into(),
            &"exhausted".into(),
            &"2026-10-01T01:00:00Z".into()
        )
    );
    let pool = &s["pools"][0];
    assert_eq!(
        (
            &pool["group"],
            &pool["budget"],
            &pool["consumed"],
            &pool["consumed_percent"]
        ),
        (
            &"shop".into(),
            &"2500".into(),
            &"2500".into(),
            &"100.0000".into()
        )
    );
    // Crossed thresholds are kept, once each.
    let hist: Vec<(String, String)> = s["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| {
            (
                h["slo"].as_str().unwrap().into(),
                h["consumed_percent"].as_str().unwrap().into(),
            )
        })
        .collect();
    assert_eq!(
        hist,
        vec![
            ("checkout-success".to_string(), "100".to_string()),
            ("compute-availability-30d".to_string(), "50".to_string())
        ]
    );
    let again: serde_json::Value =
        serde_json::from_str(&cli(&dir, now, &["slo", "status", "--json"])).unwrap();
    assert_eq!(again["history"].as_array().unwrap().len(), 2);

    // An approved exception for the 10-12 outage (7,200 s) gives it back:
    // 10,380 s consumed = 40.0463 %; 15,540 s left at 1/12: 2026-10-23T03:48Z.
    cli(
        &dir,
        now,
        &[
            "slo",
            "except",
            "--slo",
            "compute-availability-30d",
            "--start",
            "2026-10-12T07:00:00Z",
            "--end",
            "2026-10-12T11:00:00Z",
            "--reason",
            "customer-requested maintenance, CAB-17",
            "--approver",
            "Head of SRE",
        ],
    );
    let s: serde_json::Value =
        serde_json::from_str(&cli(&dir, now, &["slo", "status", "--json"])).unwrap();
    let a = budget(&s, "compute-availability-30d");
    assert_eq!(
        (&a["consumed"], &a["consumed_percent"], &a["outlook_at"]),
        (
            &"10380".into(),
            &"40.0463".into(),
            &"2026-10-23T03:48:00Z".into()
        )
    );
    let audit = cli(&dir, now, &["audit", "list", "--json"]);
    assert!(audit.contains("slo.exception") && audit.contains("CAB-17"));

    // What we export imports back unchanged.
    let yaml = cli(&dir, now, &["slo", "export"]);
    let p = dir.join("exported.yaml");
    std::fs::write(&p, &yaml).unwrap();
    let out = cli(&dir, now, &["slo", "import", p.to_str().unwrap()]);
    assert_eq!(out.matches("(unchanged)").count(), 4, "{out}");
}

#[test]
fn issue6_coverage_sources_margin_and_recovery_from_the_library() {
    let dir = governance_library("coverage");
    let now = "2026-11-27T10:00:00Z";
    cli(&dir, now, &["statements", "run", "--period", "2026-10"]);
    let c: serde_json::Value = serde_json::from_str(&cli(
        &dir,
        now,
        &[
            "coverage",
            "--map",
            "fixtures/governance/coverage.toml",
            "--until",
            "2026-10",
            "--months",
            "1",
            "--json",
        ],
    ))
    .unwrap();
    // compute: 0.9999 x (1 - 0.001 x 0.001) = 0.9998990001 against the
    // 99.95 % we promise Acme: covered; CLOUD-VM is a single point.
    let s = &c["services"][0];
    assert_eq!(
        (
            &s["guaranteed"],
            &s["covered"],
            &s["single_points_of_failure"][0]
        ),
        (
            &"99.98990001".into(),
            &true.into(),
            &"CLOUD-VM/vm-availability".into()
        )
    );
    // api: 99.995 promised on 99.99: a 0.005 point gap.
    assert_eq!(c["services"][1]["gap"], "0.005");
    // Vendor 10:00-10:30, ours 10:10-10:45 and 11:00-11:05.
    let x = &c["comparisons"][0];
    assert_eq!(
        (
            &x["both_seconds"],
            &x["only_a_seconds"],
            &x["only_b_seconds"]
        ),
        (&1200.into(), &600.into(), &1200.into())
    );
    // CLOUD-VM ran below its 99.99 in October: flagged; the DNS vendors
    // (no outages, 0.1 above) are not.
    let m: Vec<&str> = c["margin"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["contract"].as_str().unwrap())
        .collect();
    assert_eq!(m, vec!["CLOUD-VM"]);
    // INC-1: we owe Acme 271.74 (see issue6_recovery_ratio_per_incident);
    // CLOUD-VM's 500.00 shares CV-1 1,800 s, INC-1 2,100 s, INC-8 300 s:
    // INC-1 gets 250.00; 250 / 271.739... = 0.92.
    let inc1 = c["recovery"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["incident"] == "INC-1")
        .unwrap();
    assert_eq!(
        (
            &inc1["owed_to_customers"],
            &inc1["claimable_from_vendors"],
            &inc1["ratio"]
        ),
        (&"271.74".into(), &"250.00".into(), &"0.9200".into())
    );
}

#[test]
fn issue6_notices_and_reports_are_written_signed_and_audited() {
    let dir = governance_library("notices");
    let now = "2026-11-27T10:00:00Z";
    cli(&dir, now, &["statements", "run", "--period", "2026-10"]);
    let out = dir.join("notices");
    cli(
        &dir,
        now,
        &[
            "notices",
            "--period",
            "2026-10",
            "--out",
            out.to_str().unwrap(),
        ],
    );
    // ACME breached two terms, CLOUD-VM one: 3 x (legal + customer success) x (txt + eml).
    let mut names: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names.len(), 12, "{names:?}");
    let cs = std::fs::read_to_string(
        out.join("ACME-2026-001_2026-10_1_compute-availability_customer-success.txt"),
    )
    .unwrap();
    assert!(
        cs.starts_with(
            "Subject: Service credit for 2026-10: Acme Corp - Managed Hosting, Schedule B\n"
        ),
        "{cs}"
    );
    assert!(cs.contains("Dear Acme Corp,"));
    assert!(
        cs.contains("measured 99.627576 % availability against a commitment of 99.95 %"),
        "{cs}"
    );
    assert!(cs.contains("USD 1,250.00"), "{cs}");
    let eml =
        std::fs::read_to_string(out.join("ACME-2026-001_2026-10_1_p1-response_legal.eml")).unwrap();
    assert!(eml.contains("X-SLA-Ledger-Statement: ACME-2026-001/2026-10/1\r\n"));
    assert!(eml.contains("X-Unsent: 1\r\n"));
    let audit = cli(&dir, now, &["audit", "list", "--json"]);
    assert_eq!(audit.matches("notice.draft").count(), 2);

    // A template with an unknown placeholder is refused, naming it.
    let t = dir.join("templates");
    std::fs::create_dir_all(&t).unwrap();
    std::fs::write(t.join("legal.txt"), "Subject: {contract}\n{amount}\n").unwrap();
    let o = crate::util::bin()
        .args([
            "--library",
            dir.to_str().unwrap(),
            "notices",
            "--period",
            "2026-10",
            "--out",
            out.to_str().unwrap(),
            "--templates",
            t.to_str().unwrap(),
        ])
        .env("SLA_LEDGER_NOW", now)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("unknown placeholder {amount}"));

    // The due-diligence and executive exports: signed PDF, workbook, JSON.
    cli(
        &dir,
        now,
        &[
            "identity",
            "create",
            "--organisation",
            "Example Hosting Ltd",
        ],
    );
    let rep = dir.join("reports");
    cli(
        &dir,
        now,
        &[
            "diligence",
            "--until",
            "2026-10",
            "--months",
            "3",
            "--out",
            rep.to_str().unwrap(),
        ],
    );
    cli(
        &dir,
        now,
        &[
            "executive",
            "--until",
            "2026-10",
            "--months",
            "1",
            "--out",
            rep.to_str().unwrap(),
        ],
    );
    for stem in ["due-diligence-2026-10", "compliance-summary-2026-10"] {
        let pdf = rep.join(format!("{stem}.pdf"));
        let v = cli(&dir, now, &["verify", pdf.to_str().unwrap()]);
        assert!(v.contains("OK"), "{v}");
        // Both outside checkers call the signature intact, and a changed
        // byte inside the signed range breaks it.
        let trust = dir.join("identity/signing-cert.pem");
        assert!(crate::exports::pdfsig_valid(&pdf), "{stem}: pdfsig");
        assert!(
            crate::exports::pyhanko_intact(&pdf, &trust),
            "{stem}: pyhanko"
        );
        let mut bytes = std::fs::read(&pdf).unwrap();
        let i = bytes.len() / 4;
        bytes[i] ^= 0x01;
        let bad = rep.join(format!("{stem}-tampered.pdf"));
        std::fs::write(&bad, &bytes).unwrap();
        assert!(
            !crate::exports::pdfsig_valid(&bad),
            "{stem}: a changed byte must break it"
        );
        let wb: calamine::Xlsx<_> =
            calamine::open_workbook(rep.join(format!("{stem}.xlsx"))).unwrap();
        use calamine::Reader;
        assert!(wb.sheet_names().len() >= 2);
    }
    let json: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(rep.join("compliance-summary-2026-10.json")).unwrap(),
    )
    .unwrap();
    // No operational detail in the executive file.
    let text = json.to_string();
    assert!(!text.contains("INC-") && !text.contains("synthetic") && !text.contains("monitor"));
    assert_eq!(json.as_array().unwrap().len(), 4);
}

#[test]
fn issue6_notice_templates_are_edited_in_the_library_and_used() {
    let dir = governance_library("templates");
    let now = "2026-11-27T10:00:00Z";
    cli(&dir, now, &["statements", "run", "--period", "2026-10"]);
    use sla_ledger::usecases::governance::notices;
    let mut t = notices::templates(&crate::util::app(&dir)).unwrap();
    assert!(t.legal.starts_with("Subject: SLA breach {sla}"));
    assert!(t.placeholders.contains(&"{claim_deadline}".to_string()));
    t.legal = "Subject: {contract} {period}\nCredit {currency} {credit}, {amount}\n".into();
    let e = notices::save_templates(&mut crate::util::app(&dir), &t).unwrap_err();
    assert_eq!(e.code(), sla_ledger::Code::Definition);
    assert!(
        e.to_string()
            .contains("legal template: unknown placeholder {amount}"),
        "{e}"
    );
    t.legal = "Subject: Breach {contract} {period}\nCredit {currency} {credit} for {sla}.\n".into();
    notices::save_templates(&mut crate::util::app(&dir), &t).unwrap();
    let out = dir.join("notices-own");
    cli(
        &dir,
        now,
        &[
            "notices",
            "--period",
            "2026-10",
            "--out",
            out.to_str().unwrap(),
        ],
    );
    let legal =
        std::fs::read_to_string(out.join("ACME-2026-001_2026-10_1_p1-response_legal.txt")).unwrap();
    assert_eq!(
        legal,
        "Subject: Breach ACME-2026-001 2026-10\n\nCredit USD 625.00 for p1-response.\n"
    );
    assert!(cli(&dir, now, &["audit", "list", "--json"]).contains("notice.templates"));
}
