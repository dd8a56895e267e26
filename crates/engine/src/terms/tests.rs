use super::text::{parse_rounding, parse_spans};
use super::*;

const MINIMAL: &str = r#"
[contract]
id = "C"
currency = "EUR"
timezone = "Europe/London"
effective_from = "2026-01-01"
[[services]]
id = "s"
monthly_fee = "100"
[[slas]]
id = "a"
service = "s"
kind = "availability"
target = "99.9"
[slas.credit]
schedule = "tiers"
tiers = [{ below = "99.9", percent = "10" }]
"#;

fn problems(text: &str) -> Vec<String> {
    Terms::parse(text)
        .unwrap_err()
        .problems
        .iter()
        .map(|p| p.to_string())
        .collect()
}

#[test]
fn defaults_apply_when_tables_are_omitted() {
    let t = Terms::parse(MINIMAL).unwrap();
    let SlaTerm::Availability(a) = &t.slas[0].term else {
        panic!()
    };
    assert_eq!(
        (
            a.min_outage_seconds,
            a.rounding,
            a.partial_impact,
            a.maintenance_in_denominator
        ),
        (0, Rounding::None, PartialImpact::Weighted, true)
    );
    assert_eq!(t.credit, CreditRules::default());
    assert_eq!(t.slas[0].credit.basis, Basis::Service);
}

#[test]
fn floats_unknown_keys_and_bad_refs_are_all_listed_with_paths() {
    let text = MINIMAL
        .replace("target = \"99.9\"", "target = 99.9\ncolour = \"red\"")
        .replace("service = \"s\"", "service = \"nope\"");
    assert_eq!(
        problems(&text),
        vec![
            "slas[0].service: `nope` names no service in [[services]]",
            "slas[0].target: 99.9 is a TOML float; write exact decimals as strings, e.g. \"99.9\"",
            "slas[0].colour: unknown key",
        ]
    );
}

#[test]
fn tiers_must_strictly_decrease_and_start_at_or_below_target() {
    let text = MINIMAL.replace(
        r#"tiers = [{ below = "99.9", percent = "10" }]"#,
        r#"tiers = [{ below = "99.95", percent = "10" }, { below = "99.95", percent = "20" }]"#,
    );
    assert_eq!(
        problems(&text),
        vec![
            "slas[0].credit.tiers[0].below: 99.95 is above the target 99.9",
            "slas[0].credit.tiers[1].below: 99.95 must be below the previous tier's 99.95 (tiers strictly decrease)"
        ]
    );
}

#[test]
fn schedule_must_fit_kind_and_ranges_hold() {
    let text = MINIMAL
        .replace(
            r#"schedule = "tiers""#,
            "schedule = \"per_breach\"\npercent = \"101\"",
        )
        .replace(r#"tiers = [{ below = "99.9", percent = "10" }]"#, "");
    assert_eq!(
        problems(&text),
        vec!["slas[0].credit.percent: 101 is outside 0..=100"]
    );
    let text = MINIMAL
        .replace(
            r#"schedule = "tiers""#,
            "schedule = \"per_breach\"\npercent = \"5\"",
        )
        .replace(r#"tiers = [{ below = "99.9", percent = "10" }]"#, "");
    assert_eq!(
        problems(&text),
        vec!["slas[0].credit.schedule: per_breach fits only incident terms (response, resolution)"]
    );
}

#[test]
fn spans_merge_and_reject_midnight_crossing() {
    assert_eq!(
        parse_spans("13:00-17:00, 08:00-12:00,11:00-13:30"),
        Ok(vec![(28_800, 61_200)])
    );
    assert_eq!(parse_spans("00:00-24:00"), Ok(vec![(0, 86_400)]));
    assert!(parse_spans("22:00-02:00").is_err());
    assert!(parse_spans("24:00-24:00").is_err());
    assert!(parse_spans("9:00-17:00").is_err());
}

#[test]
fn durations_and_rounding_units_are_checked() {
    assert_eq!(parse_rounding("buckets:5m"), Ok(Rounding::Buckets(300)));
    assert_eq!(parse_rounding("ceil:1m"), Ok(Rounding::Ceil(60)));
    assert!(parse_rounding("ceil:0s").is_err());
    assert!(parse_rounding("round:1m").is_err());
    assert!(parse_rounding("floor:0s").is_err());
    let text = MINIMAL.replace(
        "target = \"99.9\"",
        "target = \"99.9\"\n[slas.downtime]\nmin_outage = \"5\"",
    );
    assert_eq!(problems(&text), vec!["slas[0].downtime.min_outage: `5` is not a duration (write e.g. \"90s\", \"5m\", \"72h\", \"1h30m\")"]);
}

#[test]
fn schema_v2_is_accepted_and_others_are_named() {
    let v2 = format!("schema = \"sla-terms/2\"\n{MINIMAL}");
    let v1 = format!("schema = \"sla-terms/1\"\n{MINIMAL}");
    assert_eq!(Terms::parse(&v2).unwrap(), Terms::parse(&v1).unwrap());
    assert_eq!(
        problems(&format!("schema = \"sla-terms/3\"\n{MINIMAL}")),
        vec![
            "schema: `sla-terms/3` is not supported (expected \"sla-terms/1\" or \"sla-terms/2\")"
        ]
    );
}

const AT_OR_BELOW: &str = r#"
schema = "sla-terms/2"
[contract]
id = "C"
currency = "EUR"
timezone = "UTC"
effective_from = "2026-01-01"
[[services]]
id = "s"
monthly_fee = "100"
[[slas]]
id = "a"
service = "s"
kind = "availability"
target = "TARGET"
breach_when = "WHEN"
[slas.credit]
schedule = "multiplier"
multiplier = "10"
"#;

#[test]
fn breach_when_is_read_and_checked() {
    let text =
        |target: &str, when: &str| AT_OR_BELOW.replace("TARGET", target).replace("WHEN", when);
    let t = Terms::parse(&text("99.9", "at_or_below")).unwrap();
    let SlaTerm::Availability(a) = &t.slas[0].term else {
        panic!()
    };
    assert_eq!(a.breach_when, BreachWhen::AtOrBelow);
    assert_eq!(
        problems(&text("100", "at_or_below")),
        vec!["slas[0].target: must be below 100 with breach_when = \"at_or_below\" (uptime 100 would be a breach)"]
    );
    assert_eq!(
        problems(&text("99.9", "under")),
        vec!["slas[0].breach_when: `under` is not one of below, at_or_below"]
    );
    // A v1 file: the key is named even at its default value.
    let v1 = text("99.9", "below").replace("sla-terms/2", "sla-terms/1");
    assert_eq!(
        problems(&v1),
        vec!["slas[0].breach_when: needs schema sla-terms/2"]
    );
    assert_eq!(
        problems(&v1.replace("schema = \"sla-terms/1\"", "")),
        vec!["slas[0].breach_when: needs schema sla-terms/2"]
    );
    // Incident terms do not take it.
    let incident = text("99.9", "below")
        .replace(
            "kind = \"availability\"\ntarget = \"99.9\"",
            "kind = \"response\"\nseverity = \"P1\"\ntarget = \"1h\"",
        )
        .replace(
            "schedule = \"multiplier\"\nmultiplier = \"10\"",
            "schedule = \"per_breach\"\npercent = \"5\"",
        );
    assert_eq!(
        problems(&incident),
        vec!["slas[0].breach_when: only availability terms take this key"]
    );
}

#[test]
fn floor_rounding_needs_v2() {
    assert_eq!(parse_rounding("floor:1m"), Ok(Rounding::Floor(60)));
    let with = |schema: &str| {
        format!("{schema}{MINIMAL}").replace(
            "target = \"99.9\"\n",
            "target = \"99.9\"\n[slas.downtime]\nrounding = \"floor:1m\"\n",
        )
    };
    let t = Terms::parse(&with("schema = \"sla-terms/2\"\n")).unwrap();
    let SlaTerm::Availability(a) = &t.slas[0].term else {
        panic!()
    };
    assert_eq!(a.rounding, Rounding::Floor(60));
    assert_eq!(
        problems(&with("schema = \"sla-terms/1\"\n")),
        vec!["slas[0].downtime.rounding: needs schema sla-terms/2"]
    );
    assert_eq!(
        problems(&with("")),
        vec!["slas[0].downtime.rounding: needs schema sla-terms/2"]
    );
}

#[test]
fn sole_remedy_and_termination_are_read_for_due_diligence() {
    let with = |schema: &str, contract: &str, credit: &str| {
        format!("{schema}{MINIMAL}{credit}").replace(
            "effective_from = \"2026-01-01\"\n",
            &format!("effective_from = \"2026-01-01\"\n{contract}"),
        )
    };
    let v2 = "schema = \"sla-terms/2\"\n";
    let keys = "sole_remedy = true\ntermination = { chronic = true, notice_days = 30 }\n";
    let chronic = "[credit]\nchronic = { breached_periods = 3, within_months = 6 }\n";
    let t = Terms::parse(&with(v2, keys, chronic)).unwrap();
    assert_eq!(t.contract.sole_remedy, Some(true));
    let term = t.contract.termination.unwrap();
    assert_eq!(
        term,
        Termination {
            chronic: true,
            notice_days: Some(30)
        }
    );
    assert_eq!(term.describe(), "on chronic breach, 30 days' notice");
    // Absent: unknown.
    let t = Terms::parse(&with(v2, "", "")).unwrap();
    assert_eq!(
        (t.contract.sole_remedy, t.contract.termination),
        (None, None)
    );
    assert_eq!(
        problems(&with("schema = \"sla-terms/1\"\n", keys, chronic)),
        vec![
            "contract.sole_remedy: needs schema sla-terms/2",
            "contract.termination: needs schema sla-terms/2"
        ]
    );
    assert_eq!(
        problems(&with(
            v2,
            "sole_remedy = \"yes\"\ntermination = { notice_days = -1, why = 1 }\n",
            ""
        )),
        vec![
            "contract.sole_remedy: expected true or false, found a string",
            "contract.termination.chronic: required key is missing",
            "contract.termination.notice_days: -1 is outside 0..=3650",
            "contract.termination.why: unknown key",
        ]
    );
    assert_eq!(
        problems(&with(v2, keys, "")),
        vec!["contract.termination.chronic: true needs a [credit] chronic rule (it says what a chronic breach is)"]
    );
}

#[test]
fn claim_forms_are_read_with_their_rules() {
    let cal = "[calendars.office]\nhours = { mon = \"09:00-17:00\" }\n[calendars.never]\ntimezone = \"UTC\"\n";
    let with = |schema: &str, credit: &str| format!("{schema}{MINIMAL}{cal}[credit]\n{credit}\n");
    let v2 = "schema = \"sla-terms/2\"\n";
    let rule = |credit: &str| Terms::parse(&with(v2, credit)).unwrap().credit.claim_rule();
    assert_eq!(
        rule("claim = { days_after_period = 30 }"),
        Some(ClaimRule::DaysAfterPeriod(30))
    );
    assert_eq!(
        rule("claim_window_days = 30"),
        Some(ClaimRule::DaysAfterPeriod(30))
    );
    assert_eq!(
        rule("claim = { end_of_month_after_period = 2 }"),
        Some(ClaimRule::EndOfMonthAfterPeriod(2))
    );
    assert_eq!(
        rule("claim = { business_days_after_period = 5, calendar = \"office\" }"),
        Some(ClaimRule::BusinessDaysAfterPeriod {
            days: 5,
            calendar: "office".into()
        })
    );
    let bad = |credit: &str| problems(&with(v2, credit));
    assert_eq!(
        bad("claim = { days_after_period = 30 }\nclaim_window_days = 30"),
        vec!["credit.claim: write either claim or claim_window_days, not both"]
    );
    assert_eq!(
        bad("claim = { days_after_period = 30, end_of_month_after_period = 1 }"),
        vec!["credit.claim: needs exactly one of days_after_period, end_of_month_after_period, business_days_after_period (found days_after_period, end_of_month_after_period)"]
    );
    assert_eq!(
        bad("claim = {}"),
        vec!["credit.claim: needs exactly one of days_after_period, end_of_month_after_period, business_days_after_period (found none)"]
    );
    assert_eq!(
        bad("claim = { business_days_after_period = 0 }"),
        vec![
            "credit.claim.business_days_after_period: 0 is outside 1..=3650",
            "credit.claim.calendar: required with business_days_after_period"
        ]
    );
    assert_eq!(
        bad("claim = { days_after_period = 3, calendar = \"office\" }"),
        vec!["credit.claim.calendar: only business_days_after_period counts in a calendar"]
    );
    assert_eq!(
        bad("claim = { business_days_after_period = 5, calendar = \"nope\" }"),
        vec!["credit.claim.calendar: `nope` names no [calendars] entry"]
    );
    assert_eq!(
        bad("claim = { business_days_after_period = 5, calendar = \"never\" }"),
        vec!["credit.claim.calendar: `never` has no working hours on any weekday"]
    );
    assert_eq!(
        problems(&with("", "claim = { days_after_period = 30 }")),
        vec!["credit.claim: needs schema sla-terms/2"]
    );
}

#[test]
fn days_tiers_and_cap_days_are_read_and_checked() {
    let with = |schema: &str, tiers: &str, extra: &str| {
        format!("{schema}{MINIMAL}").replace(
            "tiers = [{ below = \"99.9\", percent = \"10\" }]",
            &format!("tiers = {tiers}\n{extra}"),
        )
    };
    let v2 = "schema = \"sla-terms/2\"\n";
    let days = "[{ below = \"99.9\", days = \"3\" }, { below = \"99.0\", days = \"7\" }]";
    let t = Terms::parse(&with(v2, days, "cap_days = \"15\"")).unwrap();
    let Schedule::Tiers(ts) = &t.slas[0].credit.schedule else {
        panic!()
    };
    assert_eq!(ts[1].days, Some(Decimal::from(7)));
    assert_eq!(t.slas[0].credit.cap_days, Some(Decimal::from(15)));
    assert_eq!(
        problems(&with(v2, "[{ below = \"99.9\", percent = \"10\" }, { below = \"99.0\", days = \"7\" }]", "")),
        vec!["slas[0].credit.tiers[1]: mixes percent and days: every tier has `percent` or every tier has `days`"]
    );
    assert_eq!(
        problems(&with(
            v2,
            "[{ below = \"99.9\", percent = \"10\", days = \"3\" }]",
            ""
        )),
        vec!["slas[0].credit.tiers[0]: write percent or days, not both"]
    );
    assert_eq!(
        problems(&with(
            v2,
            "[{ below = \"99.9\", percent = \"10\" }]",
            "cap_days = \"15\""
        )),
        vec!["slas[0].credit.cap_days: applies only to tiers with days"]
    );
    assert_eq!(
        problems(&with(v2, "[{ below = \"99.9\", days = \"-1\" }]", "")),
        vec!["slas[0].credit.tiers[0].days: -1 must be at least 0"]
    );
    assert_eq!(
        problems(&with("", days, "cap_days = \"15\"")),
        vec![
            "slas[0].credit.tiers[0].days: needs schema sla-terms/2",
            "slas[0].credit.tiers[1].days: needs schema sla-terms/2",
            "slas[0].credit.cap_days: needs schema sla-terms/2"
        ]
    );
}
