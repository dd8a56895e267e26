//! Issue 13 (terms v2 sections 1, 4 and 8): quarters, the fees of the month
//! before and downtime from request counts, beyond the golden cases.

use crate::properties::P0;
use proptest::prelude::*;
use rust_decimal::Decimal;
use sla_engine::{compute, Events, Line, Origin, OutageRow, ResultDoc, Terms};

const QUARTER_CASE: &str = "fixtures/cases/v2-quarter-fiscal";

fn case_events(dir: &str) -> Events {
    let terms =
        Terms::parse(&std::fs::read_to_string(format!("{dir}/terms.toml")).unwrap()).unwrap();
    let sources = sla_ledger::sla_import::Sources {
        outages: Some(format!("{dir}/outages.csv")),
        ..Default::default()
    };
    sla_ledger::sla_import::read_events(&sources, &terms)
        .unwrap()
        .events
}

fn run(text: &str, events: &Events, month: &str) -> ResultDoc {
    let terms = Terms::parse(text).unwrap();
    compute(&terms, events, &terms.period(month).unwrap()).unwrap()
}

/// v2 section 1: in the quarter's other months a quarterly term gives no
/// line, and the warning says when it is evaluated.
#[test]
fn issue13_quarterly_term_waits_for_the_quarters_last_month() {
    let text = std::fs::read_to_string(format!("{QUARTER_CASE}/terms.toml")).unwrap();
    let ev = case_events(QUARTER_CASE);
    let sep = run(&text, &ev, "2026-09");
    let slas: Vec<&str> = sep.lines.iter().map(|l| l.sla()).collect();
    assert_eq!(slas, ["calls-monthly"]);
    assert_eq!(
        sep.warnings,
        ["msg-quarterly: evaluated at the end of quarter FY2027-Q3"]
    );
    // No quarterly line: the contract cap is of the month's fees (8 % of
    // 4,000.00), as in v1.
    assert_eq!(sep.cap.as_deref(), Some("320"));
    // November opens FY2027-Q4 (November to January).
    let nov = run(&text, &ev, "2026-11");
    assert_eq!(
        nov.warnings,
        ["msg-quarterly: evaluated at the end of quarter FY2027-Q4"]
    );
}

/// v2 section 10: a contract that ends mid-quarter is evaluated in its last
/// month in force, over the quarter's effective part, and the basis is the
/// quarter's fees pro-rated month by month (1 + 1 + 15/30).
#[test]
fn issue13_quarter_cut_by_the_contract_end_is_evaluated_in_its_last_month() {
    let text = std::fs::read_to_string(format!("{QUARTER_CASE}/terms.toml"))
        .unwrap()
        .replace(
            "effective_from = \"2026-01-01\"",
            "effective_from = \"2026-01-01\"\neffective_to = \"2026-09-15\"",
        );
    let ev = case_events(QUARTER_CASE);
    let sep = run(&text, &ev, "2026-09");
    let Line::Availability(q) = &sep.lines[0] else {
        panic!("the quarterly line comes first")
    };
    let p = q.period.as_ref().expect("a quarterly line has its period");
    assert_eq!(p.label, "FY2027-Q3");
    assert_eq!(
        (p.start.as_str(), p.end.as_str()),
        ("2026-08-01T07:00:00Z", "2026-09-16T07:00:00Z")
    );
    // 31 + 15 days = 3,974,400 s; only the August outage (7,200 s) is in it.
    assert_eq!(p.seconds, 3_974_400);
    assert_eq!(q.downtime_seconds.as_deref(), Some("7200"));
    // 3,000.00 x (1 + 15/30) = 4,500.00.
    assert_eq!(q.basis, "4500.00");
    assert!(sep.warnings.is_empty(), "{:?}", sep.warnings);
}

fn problems(text: &str) -> Vec<String> {
    Terms::parse(text)
        .unwrap_err()
        .problems
        .iter()
        .map(|p| format!("{}: {}", p.path, p.message))
        .collect()
}

const HEAD: &str = r#"schema = "sla-terms/2"
[contract]
id = "X"
currency = "USD"
timezone = "UTC"
effective_from = "2026-01-01"
[[services]]
id = "s"
monthly_fee = "100"
"#;

/// Every new key is checked and named: a v1 file using it, a fiscal year
/// not starting on the 1st, "previous" on a quarterly term, an interval
/// that does not divide a day, keys that do not apply to request counts.
#[test]
fn issue13_new_keys_are_checked_under_their_key_paths() {
    let v1 = format!(
        "{}[[slas]]\nid = \"a\"\nservice = \"s\"\nkind = \"availability\"\ntarget = \"99\"\nwindow = \"quarter\"\n[slas.credit]\nschedule = \"multiplier\"\nmultiplier = \"1\"\n",
        HEAD.replace("sla-terms/2", "sla-terms/1")
    );
    assert_eq!(problems(&v1), ["slas[0].window: needs schema sla-terms/2"]);

    let fiscal = HEAD.replace(
        "effective_from = \"2026-01-01\"",
        "effective_from = \"2026-01-01\"\nfiscal_year_start = \"02-15\"",
    );
    assert_eq!(
        problems(&fiscal),
        ["contract.fiscal_year_start: `02-15`: a fiscal year starts on the first of a month (day must be 01)"]
    );

    let prev = format!(
        "{HEAD}[[slas]]\nid = \"a\"\nservice = \"s\"\nkind = \"availability\"\ntarget = \"99\"\nwindow = \"quarter\"\n[slas.credit]\nschedule = \"multiplier\"\nmultiplier = \"1\"\nbasis_month = \"previous\"\n"
    );
    assert_eq!(
        problems(&prev),
        ["slas[0].credit.basis_month: \"previous\" is for monthly terms; this term has window = \"quarter\""]
    );

    let req = format!(
        "{HEAD}[[slas]]\nid = \"a\"\nservice = \"s\"\nkind = \"availability\"\ntarget = \"99\"\n[slas.downtime]\nsource = \"requests\"\ninterval = \"7m\"\nerror_rate_above = \"5\"\nrounding = \"none\"\nmin_outage = \"1m\"\n[slas.exclusions]\ncauses = []\n[slas.credit]\nschedule = \"multiplier\"\nmultiplier = \"1\"\n"
    );
    assert_eq!(
        problems(&req),
        [
            "slas[0].downtime.interval: 420 s does not divide one day (86400 s)",
            "slas[0].downtime.min_outage: does not apply with source = \"requests\"",
            "slas[0].downtime.rounding: does not apply with source = \"requests\"",
            "slas[0].exclusions.causes: does not apply with source = \"requests\" (request counts carry no cause)",
        ]
    );

    let outage_keys = format!(
        "{HEAD}[[slas]]\nid = \"a\"\nservice = \"s\"\nkind = \"availability\"\ntarget = \"99\"\n[slas.downtime]\ninterval = \"1m\"\n[slas.credit]\nschedule = \"multiplier\"\nmultiplier = \"1\"\n"
    );
    assert_eq!(
        problems(&outage_keys),
        ["slas[0].downtime.interval: applies only with source = \"requests\""]
    );
}

/// An outage across the quarter Q3 2026 (New York), as an offset in
/// seconds from 2026-07-01 00:00 EDT, a length and an impact.
fn quarter_outage() -> impl Strategy<Value = OutageRow> {
    (0i64..92 * 86_400, 1i64..3 * 86_400, prop::bool::ANY).prop_map(|(at, len, half)| {
        let q0 = P0 - 62 * 86_400; // 2026-07-01T04:00:00Z
        OutageRow {
            service: "s".into(),
            start: q0 + at,
            end: Some(q0 + at + len),
            impact: if half {
                Decimal::new(5, 1)
            } else {
                Decimal::ONE
            },
            cause: "internal".into(),
            source: "".into(),
            reference: String::new(),
            origin: Origin::default(),
        }
    })
}

fn window_terms(window: &str) -> String {
    format!(
        r#"schema = "sla-terms/2"
[contract]
id = "Q"
currency = "USD"
timezone = "America/New_York"
effective_from = "2026-01-01"
[[services]]
id = "s"
monthly_fee = "1000.00"
[[slas]]
id = "a"
service = "s"
kind = "availability"
target = "99.9"
window = "{window}"
[slas.credit]
schedule = "tiers"
tiers = [{{ below = "99.9", percent = "10" }}]
"#
    )
}

fn downtime(doc: &ResultDoc) -> Decimal {
    let Line::Availability(l) = &doc.lines[0] else {
        panic!("an availability line")
    };
    l.downtime_seconds.as_deref().unwrap().parse().unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// v2 section 1 (the issue's property): with rounding "none" and no
    /// cap, a quarterly term's downtime is the sum of its months'.
    #[test]
    fn issue13_quarter_downtime_is_the_sum_of_its_months(rows in prop::collection::vec(quarter_outage(), 0..10)) {
        let ev = Events { outages: rows, ..Events::default() };
        let monthly = window_terms("month");
        let sum: Decimal = ["2026-07", "2026-08", "2026-09"]
            .iter()
            .map(|m| downtime(&run(&monthly, &ev, m)))
            .sum();
        let quarter = run(&window_terms("quarter"), &ev, "2026-09");
        prop_assert_eq!(downtime(&quarter), sum);
        prop_assert_eq!(quarter.lines[0].period().map(|p| p.label.as_str()), Some("2026-Q3"));
    }
}

/// v2 section 4 at month end: the basis of the month before comes from the
/// contract version in force on that month's last day. Version 1 charges
/// 1,000.00 until September; version 2 (from October) charges 4,000.00. The
/// October statement's basis is September's 1,000.00: one hour down
/// (uptime 99.865591...) gives 10 x (100 - uptime) = 1.344086...%, 13.44;
/// November's basis is October's 4,000.00.
#[test]
fn issue13_previous_month_fee_comes_from_the_version_in_force_then() {
    use crate::util::{ImportRequest, UseCases};
    use sla_ledger::sla_store::{Ctx, Library};
    let dir = crate::util::temp_dir("issue13-prev");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let terms = |fee: &str| {
        format!(
            r#"schema = "sla-terms/2"
[contract]
id = "CF-PREV"
currency = "USD"
timezone = "UTC"
effective_from = "2026-01-01"
[[services]]
id = "cdn"
monthly_fee = "{fee}"
[[slas]]
id = "cdn-100"
service = "cdn"
kind = "availability"
target = "100"
[slas.credit]
schedule = "multiplier"
multiplier = "10"
basis_month = "previous"
"#
        )
    };
    let (v1, v2) = (dir.join("v1.toml"), dir.join("v2.toml"));
    std::fs::write(&v1, terms("1000.00")).unwrap();
    std::fs::write(&v2, terms("4000.00")).unwrap();
    let outages = dir.join("outages.csv");
    std::fs::write(
        &outages,
        "service,start,end\ncdn,2026-10-10T00:00:00Z,2026-10-10T01:00:00Z\ncdn,2026-11-10T00:00:00Z,2026-11-10T01:00:00Z\n",
    )
    .unwrap();
    let ctx = Ctx {
        actor: "tester".into(),
        now: 1_795_860_000,
    };
    let mut lib = Library::open(&dir.join("lib"), 2_000).unwrap();
    lib.add_contract(&ctx, v1.to_str().unwrap()).unwrap();
    let oct = chrono::NaiveDate::from_ymd_opt(2026, 10, 1).unwrap();
    lib.amend_contract(
        &ctx,
        "CF-PREV",
        v2.to_str().unwrap(),
        oct,
        None,
        "new price",
    )
    .unwrap();
    let req = ImportRequest {
        file: outages.to_str().unwrap(),
        source_label: "test",
        contract: Some("CF-PREV"),
        kind: Some(sla_ledger::sla_import::Kind::Outages),
    };
    lib.uc_import(&ctx, &req, &mut |_| true).unwrap();
    let (_, _, october, _) = lib.uc_compute("CF-PREV", "2026-10").unwrap();
    let Line::Availability(l) = &october.lines[0] else {
        panic!("an availability line")
    };
    assert_eq!(l.basis, "1000.00");
    assert_eq!(october.total, "13.44");
    assert!(
        l.trace.iter().any(|t| t
            .contains("in 2026-09, the month before (terms version 1, in force on 2026-09-30)")),
        "{:?}",
        l.trace
    );
    let (_, _, november, _) = lib.uc_compute("CF-PREV", "2026-11").unwrap();
    assert_eq!(
        november.lines[0]
            .amount()
            .parse::<Decimal>()
            .unwrap()
            .round_dp(2),
        Decimal::new(5556, 2)
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// v2 section 5 with a restatement: the restated June (1,000.00) replaces
/// the statement it supersedes (500.00) in what was issued, so July's
/// headroom under a 3-month cap of 200 % (2,000.00) is 1,000.00, not 500.
#[test]
fn issue13_rolling_cap_counts_a_restatement_instead_of_what_it_superseded() {
    use crate::util::{ImportRequest, UseCases};
    use sla_ledger::sla_store::{Ctx, Library};
    let dir = crate::util::temp_dir("issue13-restated");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let terms = dir.join("terms.toml");
    std::fs::write(
        &terms,
        r#"schema = "sla-terms/2"
[contract]
id = "CF-RESTATED"
currency = "USD"
timezone = "UTC"
effective_from = "2026-01-01"
[[services]]
id = "cdn"
monthly_fee = "1000.00"
[[slas]]
id = "cdn-availability"
service = "cdn"
kind = "availability"
target = "99.9"
[slas.credit]
schedule = "tiers"
tiers = [{ below = "99.9", percent = "10" }, { below = "99.0", percent = "50" }, { below = "95.0", percent = "100" }]
[credit]
cap_rolling = { months = 3, percent = "200" }
"#,
    )
    .unwrap();
    let write = |name: &str, rows: &str| {
        let p = dir.join(name);
        std::fs::write(&p, format!("service,start,end\n{rows}")).unwrap();
        p.display().to_string()
    };
    let first = write(
        "first.csv",
        "cdn,2026-06-10T00:00:00Z,2026-06-11T00:00:00Z\ncdn,2026-07-10T00:00:00Z,2026-07-12T00:00:00Z\n",
    );
    let late = write(
        "late.csv",
        "cdn,2026-06-20T00:00:00Z,2026-06-21T00:00:00Z\n",
    );
    let ctx = Ctx {
        actor: "tester".into(),
        now: 1_795_860_000,
    };
    let mut lib = Library::open(&dir.join("lib"), 2_000).unwrap();
    lib.add_contract(&ctx, terms.to_str().unwrap()).unwrap();
    let import = |lib: &mut Library, file: &str| {
        let req = ImportRequest {
            file,
            source_label: "test",
            contract: Some("CF-RESTATED"),
            kind: Some(sla_ledger::sla_import::Kind::Outages),
        };
        lib.uc_import(&ctx, &req, &mut |_| true).unwrap();
    };
    import(&mut lib, &first);
    lib.uc_run(&ctx, "2026-06", None).unwrap();
    let june = lib.uc_finalize(&ctx, "2026-06", None).unwrap();
    assert_eq!(june[0].total, "500.00");
    // A late outage log for June: two days down, the 100 % tier.
    import(&mut lib, &late);
    let restated = lib
        .uc_restate(&ctx, &june[0].number, "late outage log")
        .unwrap();
    assert_eq!(restated.total, "1000.00");
    let (_, _, july, _) = lib.uc_compute("CF-RESTATED", "2026-07").unwrap();
    let rc = july.rolling_cap.as_ref().unwrap();
    assert_eq!(
        (rc.issued.as_deref(), rc.headroom.as_deref()),
        (Some("1000.00"), Some("1000"))
    );
    assert_eq!(july.total, "1000.00");
    let _ = std::fs::remove_dir_all(&dir);
}

/// Issue 13 item 4: the terms form lists every v2 key as a field, an edit
/// that breaks one is reported at that field's path, and `contracts diff`
/// shows a changed v2 key.
#[test]
fn issue13_v2_keys_are_form_fields_with_their_own_errors_and_diff() {
    use sla_ledger::usecases::terms_form::{self, FieldEdit};
    let text = std::fs::read_to_string("fixtures/cases/v2-requests-downtime/terms.toml")
        .unwrap()
        .replace(
            "effective_from = \"2026-01-01\"",
            "effective_from = \"2026-01-01\"\nfiscal_year_start = \"02-01\"",
        );
    let fields = terms_form::fields(&text).unwrap();
    let paths: Vec<&str> = fields.iter().map(|f| f.path.as_str()).collect();
    for want in [
        "contract.fiscal_year_start",
        "slas[0].downtime.source",
        "slas[0].downtime.interval",
        "slas[0].downtime.error_rate_above",
        "slas[0].downtime.min_requests",
    ] {
        assert!(paths.contains(&want), "{want} not in {paths:?}");
    }
    let check = terms_form::apply(
        &text,
        &[FieldEdit {
            path: "slas[0].downtime.interval".into(),
            value: "7m".into(),
        }],
    );
    assert_eq!(check.problems.len(), 1, "{:?}", check.problems);
    assert_eq!(check.problems[0].path, "slas[0].downtime.interval");
    assert_eq!(
        check.problems[0].message,
        "420 s does not divide one day (86400 s)"
    );

    // contracts diff: version 2 moves the term to request-based minutes of 5m.
    use sla_ledger::sla_store::{Ctx, Library};
    let dir = crate::util::temp_dir("issue13-diff");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let (v1, v2) = (dir.join("v1.toml"), dir.join("v2.toml"));
    std::fs::write(&v1, &text).unwrap();
    std::fs::write(&v2, text.replace("interval = \"1m\"", "interval = \"5m\"")).unwrap();
    let ctx = Ctx {
        actor: "tester".into(),
        now: 1_795_860_000,
    };
    let mut lib = Library::open(&dir.join("lib"), 2_000).unwrap();
    lib.add_contract(&ctx, v1.to_str().unwrap()).unwrap();
    let dec = chrono::NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
    lib.amend_contract(
        &ctx,
        "REQ-MINUTES",
        v2.to_str().unwrap(),
        dec,
        None,
        "5-minute intervals",
    )
    .unwrap();
    let diff = lib.diff_versions("REQ-MINUTES", 1, 2).unwrap();
    assert!(
        diff.contains("-interval = \"1m\"") && diff.contains("+interval = \"5m\""),
        "{diff}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// The real Cloudflare Enterprise case across two months in the library
/// (issue 13 item 6): July's credit is of June's fees (the contract starts
/// on 11 June: 4,000.00) and is finalized at 112.16; in August two days
/// down would credit all of July's 6,000.00, but the 12-month cap of one
/// month's fees leaves 6,000.00 - 112.16 = 5,887.84.
#[test]
fn issue13_cloudflare_previous_month_basis_and_rolling_cap_across_two_months() {
    use crate::util::{ImportRequest, UseCases};
    use sla_ledger::sla_store::{Ctx, Library};
    let case = "fixtures/cases/real-cloudflare-enterprise-previous-month";
    let dir = crate::util::temp_dir("issue13-cf");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let august = dir.join("august.csv");
    std::fs::write(
        &august,
        "service,start,end,impact,cause,source,ref\ncdn,2026-08-04T00:00:00Z,2026-08-06T00:00:00Z,1,internal,Cloudflare status page,CF-0804\n",
    )
    .unwrap();
    let ctx = Ctx {
        actor: "tester".into(),
        now: 1_795_860_000,
    };
    let mut lib = Library::open(&dir.join("lib"), 2_000).unwrap();
    lib.add_contract(&ctx, &format!("{case}/terms.toml"))
        .unwrap();
    use sla_ledger::sla_import::Kind;
    for (file, kind) in [
        (format!("{case}/outages.csv"), Kind::Outages),
        (format!("{case}/maintenance.csv"), Kind::Maintenance),
        (august.display().to_string(), Kind::Outages),
    ] {
        let req = ImportRequest {
            file: &file,
            source_label: "test",
            contract: Some("CF-ENT-2026-ACME"),
            kind: Some(kind),
        };
        lib.uc_import(&ctx, &req, &mut |_| true).unwrap();
    }
    lib.uc_run(&ctx, "2026-07", None).unwrap();
    let july = lib.uc_finalize(&ctx, "2026-07", None).unwrap();
    assert_eq!(july[0].total, "112.16");
    let (_, _, aug, _) = lib.uc_compute("CF-ENT-2026-ACME", "2026-08").unwrap();
    let Line::Availability(l) = &aug.lines[0] else {
        panic!("an availability line")
    };
    assert_eq!(l.basis, "6000.00", "July's fee, the month before");
    let rc = aug.rolling_cap.as_ref().unwrap();
    assert_eq!(
        (
            rc.cap.as_str(),
            rc.issued.as_deref(),
            rc.headroom.as_deref()
        ),
        ("6000", Some("112.16"), Some("5887.84"))
    );
    assert_eq!(aug.total, "5887.84");
    let _ = std::fs::remove_dir_all(&dir);
}
