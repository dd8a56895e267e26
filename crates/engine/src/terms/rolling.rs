//! `[credit] cap_rolling` (terms v2 section 5): a cap over rolling months.

use super::fields::{Fields, Reader};
use super::RollingCap;

impl Reader {
    /// `cap_rolling` of `[credit]`, when present (and allowed); `Err` when
    /// it was rejected.
    pub(super) fn cap_rolling(&mut self, f: &mut Fields<'_>) -> Result<Option<RollingCap>, ()> {
        if !self.v2_key(f, "cap_rolling") {
            return if f.table.contains_key("cap_rolling") {
                Err(())
            } else {
                Ok(None)
            };
        }
        let t = self.sub_table(f, "cap_rolling", false).ok_or(())?;
        let mut cf = self.fields(t, "credit.cap_rolling");
        let months = self.integer(&mut cf, "months", true, 1, 1_200);
        // No upper bound: over 12 months a contract may allow more than
        // one month's fees.
        let percent = self.decimal(&mut cf, "percent", true, Some(0), None);
        self.finish(cf);
        match (months, percent) {
            (Some(months), Some(percent)) => Ok(Some(RollingCap { months, percent })),
            _ => Err(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::compute::{compute_with, Inputs};
    use crate::events::{Events, OutageRow};
    use crate::{Origin, ResultDoc, Terms};
    use rust_decimal::Decimal;

    /// September 2026 (30 days, UTC); one service of 1000.00 a month; a
    /// day down (uptime 96.666667) earns 50 %: 500.00.
    fn terms(schema: &str, credit: &str) -> String {
        format!(
            r#"{schema}
[contract]
id = "CF"
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
tiers = [{{ below = "99.9", percent = "10" }}, {{ below = "99.0", percent = "50" }}]
[credit]
{credit}
"#
        )
    }

    const V2: &str = "schema = \"sla-terms/2\"";
    const CAP: &str = "cap_rolling = { months = 12, percent = \"100\" }";

    fn run(credit: &str, issued: Option<&str>) -> ResultDoc {
        let t = Terms::parse(&terms(V2, credit)).unwrap();
        let day = 86_400;
        let start = 1_788_220_800 + 9 * day; // 2026-09-10T00:00:00Z
        let events = Events {
            outages: vec![OutageRow {
                service: "cdn".into(),
                start,
                end: Some(start + day),
                impact: Decimal::ONE,
                cause: "internal".into(),
                source: "test".into(),
                reference: "O-1".into(),
                origin: Origin::default(),
            }],
            ..Events::default()
        };
        let inputs = Inputs {
            rolling_issued: issued.map(|s| s.parse().unwrap()),
            ..Inputs::default()
        };
        compute_with(&t, &events, &t.period("2026-09").unwrap(), &inputs).unwrap()
    }

    fn problems(text: &str) -> Vec<String> {
        let e = Terms::parse(text).unwrap_err();
        e.problems.iter().map(|p| p.to_string()).collect()
    }

    #[test]
    fn cap_rolling_is_read_and_checked() {
        let t = Terms::parse(&terms(V2, CAP)).unwrap();
        let rc = t.credit.cap_rolling.unwrap();
        assert_eq!((rc.months, rc.percent), (12, Decimal::from(100)));
        let v1 = problems(&terms("schema = \"sla-terms/1\"", CAP));
        assert_eq!(v1, ["credit.cap_rolling: needs schema sla-terms/2"]);
        let zero = problems(&terms(
            V2,
            "cap_rolling = { months = 0, percent = \"100\" }",
        ));
        assert_eq!(zero, ["credit.cap_rolling.months: 0 is outside 1..=1200"]);
        let bad = problems(&terms(V2, "cap_rolling = { months = 12, pct = \"1\" }"));
        assert_eq!(
            bad,
            [
                "credit.cap_rolling.percent: required key is missing",
                "credit.cap_rolling.pct: unknown key"
            ]
        );
        let not_table = problems(&terms(V2, "cap_rolling = 12"));
        assert_eq!(
            not_table,
            ["credit.cap_rolling: expected a table, found an integer"]
        );
    }

    #[test]
    fn without_the_term_nothing_changes() {
        let doc = run("", Some("900.00"));
        assert_eq!((doc.total.as_str(), doc.rolling_cap), ("500.00", None));
    }

    #[test]
    fn standalone_applies_nothing_and_warns() {
        let doc = run(CAP, None);
        assert_eq!(doc.total, "500.00");
        let rc = doc.rolling_cap.unwrap();
        assert_eq!((rc.months, rc.cap.as_str()), (12, "1000"));
        assert_eq!((rc.issued, rc.headroom), (None, None));
        assert!(doc.warnings.iter().any(|w| w.contains("not applied")));
    }

    #[test]
    fn headroom_caps_the_subtotal() {
        let doc = run(CAP, Some("700.00"));
        assert_eq!(doc.total, "300.00");
        let rc = doc.rolling_cap.unwrap();
        assert_eq!(rc.issued.as_deref(), Some("700.00"));
        assert_eq!(rc.headroom.as_deref(), Some("300"));
        assert!(doc.trace.iter().any(|l| l.contains(
            "= 1000 over 12 month(s); issued by the final statements of the 11 month(s) before: 700.00; headroom max(0, cap - issued) = 300: the subtotal is capped to it."
        )));
        let room = run(CAP, Some("200.00"));
        assert_eq!(room.total, "500.00");
        assert_eq!(room.rolling_cap.unwrap().headroom.as_deref(), Some("800"));
        let spent = run(CAP, Some("1200.00"));
        assert_eq!(spent.total, "0.00");
        assert_eq!(spent.rolling_cap.unwrap().headroom.as_deref(), Some("0"));
    }

    #[test]
    fn applied_after_the_contract_cap_and_before_the_minimum() {
        // Contract cap 40 % = 400; headroom 1000 - 650 = 350; 350 < 360.
        let credit = format!("{CAP}\ncap_percent = \"40\"\nminimum_credit = \"360\"");
        let doc = run(&credit, Some("650"));
        assert_eq!(
            (doc.cap.as_deref(), doc.total.as_str()),
            (Some("400"), "0.00")
        );
        let at = |s: &str| doc.trace.iter().position(|l| l.contains(s)).unwrap();
        assert!(at("Contract cap") < at("Rolling cap"));
        assert!(at("Rolling cap") < at("Total rounded"));
        assert!(at("Total rounded") < at("minimum_credit"));
        // Rounded per line: the cap is a figure with the places.
        let line = format!("{CAP}\nrounding = {{ stage = \"line\" }}");
        let rc = run(&line, Some("650")).rolling_cap.unwrap();
        assert_eq!(
            (rc.cap.as_str(), rc.headroom.as_deref()),
            ("1000.00", Some("350.00"))
        );
    }
}
