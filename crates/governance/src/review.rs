//! The maturity review (issue 18): what a careful owner of the portfolio
//! would fix first, each finding with the action that fixes it. Pure: the
//! library's facts, the objectives, the budget policy and `as_of` in;
//! findings out, in a fixed order (kind, then subject).
//!
//! The readings where the issue is silent (docs/spec-decisions.md, "Maturity
//! review"):
//! - A contract's terms count as reviewed when their newest version was
//!   made (whoever entered them read them) or when a review was last
//!   recorded, whichever is later; a review of an older version does not
//!   count for a newer one.
//! - "Stricter than every budget policy can serve": the error budget of one
//!   window is less than a minute of bad time (or less than one bad slice
//!   for a time-slice objective), so a single minute of outage, the
//!   least an outage log records, spends it whole; or two of the policy's
//!   thresholds lie less than a minute apart, so their actions can never
//!   come one after the other.

use crate::slo::{Budgeting, CalendarUnit, Policy, Slo, Window};
use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// The least bad time an outage log records (seconds).
const MINUTE: i64 = 60;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContractInput {
    pub id: String,
    pub version: i64,
    pub version_created_at: String,
    pub owner: Option<String>,
    pub documents: i64,
    /// The newest review: (version reviewed, when, by whom).
    pub review: Option<(i64, String, String)>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ObjectiveInput {
    pub slo: Slo,
    pub version: i64,
    pub added_at: String,
    pub review: Option<(i64, String, String)>,
}

pub struct ReviewInput<'a> {
    pub as_of: i64,
    pub interval_days: i64,
    pub contracts: &'a [ContractInput],
    pub objectives: &'a [ObjectiveInput],
    pub policies: &'a BTreeMap<String, Policy>,
    /// (service, contract, final statement) for every credit paid.
    pub credited: &'a [(String, String, String)],
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct ReviewFinding {
    /// Stable: `credits-without-objective`, `terms-not-reviewed`,
    /// `objective-not-reviewed`, `contract-without-owner`,
    /// `contract-without-document`, `objective-without-policy`,
    /// `objective-stricter-than-policy`.
    pub kind: String,
    pub subject: String,
    pub message: String,
    /// What fixes it (a CLI command, or the screen to use).
    pub fix: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct ReviewReport {
    pub as_of: String,
    pub interval_days: i64,
    pub contracts: usize,
    pub objectives: usize,
    pub findings: Vec<ReviewFinding>,
}

fn finding(kind: &str, subject: &str, message: String, fix: String) -> ReviewFinding {
    ReviewFinding {
        kind: kind.into(),
        subject: subject.into(),
        message,
        fix,
    }
}

fn instant(s: &str) -> Option<i64> {
    DateTime::parse_from_rfc3339(s).ok().map(|t| t.timestamp())
}

fn day(t: i64) -> String {
    DateTime::<Utc>::from_timestamp(t, 0)
        .map(|d| d.format("%Y-%m-%d").to_string())
        .unwrap_or_default()
}

/// When a subject was last read: its newest version's making, or a
/// review of that version, whichever is later.
fn last_read(version: i64, made: &str, review: &Option<(i64, String, String)>) -> (i64, String) {
    let made_at = instant(made).unwrap_or(i64::MIN);
    match review {
        Some((v, at, by)) if *v == version && instant(at).unwrap_or(i64::MIN) >= made_at => (
            instant(at).unwrap_or(i64::MIN),
            format!("reviewed by {by} on {}", day(instant(at).unwrap_or(0))),
        ),
        _ => (
            made_at,
            format!("version {version} made on {}", day(made_at.max(0))),
        ),
    }
}

pub fn review(input: &ReviewInput<'_>) -> ReviewReport {
    let mut out = Vec::new();
    let stale_before = input.as_of - input.interval_days * 86_400;
    for c in input.contracts {
        let (read_at, how) = last_read(c.version, &c.version_created_at, &c.review);
        if read_at < stale_before {
            out.push(finding(
                "terms-not-reviewed",
                &c.id,
                format!(
                    "the terms of {} (version {}) were last read {} days ago ({how}); the interval is {} days",
                    c.id,
                    c.version,
                    (input.as_of - read_at) / 86_400,
                    input.interval_days
                ),
                format!("read them against the signed contract, then: sla-ledger review mark contract {}", c.id),
            ));
        }
        if c.owner.is_none() {
            out.push(finding(
                "contract-without-owner",
                &c.id,
                format!("{} has no owner: no one is named to answer for its credits and deadlines", c.id),
                format!("set `owner` under [contract] and amend: sla-ledger contracts amend {} FILE --reason \"owner\"", c.id),
            ));
        }
        if c.documents == 0 {
            out.push(finding(
                "contract-without-document",
                &c.id,
                format!("{} has no signed document attached: its terms cannot be checked against the contract", c.id),
                format!("sla-ledger contracts attach {} SIGNED.pdf", c.id),
            ));
        }
    }
    let measured: BTreeSet<&str> = input
        .objectives
        .iter()
        .map(|o| o.slo.service.as_str())
        .collect();
    let mut credited: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for (service, _, statement) in input.credited {
        let v = credited.entry(service.as_str()).or_default();
        if !v.contains(&statement.as_str()) {
            v.push(statement);
        }
    }
    for (service, statements) in &credited {
        if !measured.contains(service) {
            out.push(finding(
                "credits-without-objective",
                service,
                format!(
                    "service {service} paid or earned credits in {} final statement(s) ({}) but no objective measures it",
                    statements.len(),
                    statements.join(", ")
                ),
                format!("write an objective for service `{service}` (OpenSLO) and: sla-ledger slo import FILE.yaml"),
            ));
        }
    }
    for o in input.objectives {
        objective_findings(input, o, stale_before, &mut out);
    }
    out.sort_by(|a, b| (kind_rank(&a.kind), &a.subject).cmp(&(kind_rank(&b.kind), &b.subject)));
    ReviewReport {
        as_of: day(input.as_of),
        interval_days: input.interval_days,
        contracts: input.contracts.len(),
        objectives: input.objectives.len(),
        findings: out,
    }
}

fn kind_rank(kind: &str) -> usize {
    [
        "credits-without-objective",
        "objective-stricter-than-policy",
        "objective-without-policy",
        "contract-without-owner",
        "contract-without-document",
        "terms-not-reviewed",
        "objective-not-reviewed",
    ]
    .iter()
    .position(|k| *k == kind)
    .unwrap_or(usize::MAX)
}

fn objective_findings(
    input: &ReviewInput<'_>,
    o: &ObjectiveInput,
    stale_before: i64,
    out: &mut Vec<ReviewFinding>,
) {
    let name = o.slo.name.as_str();
    let (read_at, how) = last_read(o.version, &o.added_at, &o.review);
    if read_at < stale_before {
        out.push(finding(
            "objective-not-reviewed",
            name,
            format!(
                "objective {name} (version {}) was last read {} days ago ({how}); the interval is {} days",
                o.version,
                (input.as_of - read_at) / 86_400,
                input.interval_days
            ),
            format!("sla-ledger review mark objective {name}"),
        ));
    }
    let policy = input
        .policies
        .get(name)
        .filter(|p| !p.thresholds.is_empty());
    let Some(policy) = policy else {
        out.push(finding(
            "objective-without-policy",
            name,
            format!("objective {name} has no budget policy: no one is named to act when its budget burns"),
            format!("add [[objective]] slo = \"{name}\" with thresholds to the policy file and: sla-ledger slo policy FILE.toml"),
        ));
        return;
    };
    if let Some(message) = too_strict(&o.slo, policy) {
        out.push(finding(
            "objective-stricter-than-policy",
            name,
            message,
            format!("relax the target of {name} or lengthen its window, or merge the thresholds that fall together"),
        ));
    }
}

/// The shortest length of a window in seconds (a calendar month at its
/// shortest, February; a quarter, January to March of a common year).
fn window_seconds(w: &Window) -> i64 {
    match w {
        Window::Rolling { seconds, .. } => *seconds,
        Window::Calendar {
            unit: CalendarUnit::Month,
            ..
        } => 28 * 86_400,
        Window::Calendar {
            unit: CalendarUnit::Quarter,
            ..
        } => 90 * 86_400,
    }
}

/// Why the policy cannot serve the objective, if it cannot.
fn too_strict(slo: &Slo, policy: &Policy) -> Option<String> {
    let window = Decimal::from(window_seconds(&slo.window));
    let bad = Decimal::ONE - slo.target;
    // The budget in the policy's unit: seconds, or slices.
    let (budget, unit, least, unit_name) = match &slo.budgeting {
        Budgeting::Occurrences => (window * bad, Decimal::from(MINUTE), "a minute", "s"),
        Budgeting::Timeslices { slice_seconds, .. } => (
            (window / Decimal::from((*slice_seconds).max(1))).floor() * bad,
            Decimal::ONE,
            "one bad slice",
            " slice(s)",
        ),
    };
    let pct = slo.target * Decimal::from(100);
    if budget < unit {
        return Some(format!(
            "objective {} allows {}{unit_name} of bad time per window ({} % over its window): less than {least}, so the first outage spends the whole budget and every threshold trips at once",
            slo.name,
            budget.round_dp(3).normalize(),
            pct.normalize()
        ));
    }
    let mut steps: Vec<Decimal> = policy
        .thresholds
        .iter()
        .map(|t| t.consumed_percent)
        .collect();
    steps.sort();
    // The first threshold may trip with the first outage minute; what
    // cannot be served is two actions that trip together.
    let mut prev: Option<Decimal> = None;
    for s in steps {
        let Some(p) = prev.replace(s) else { continue };
        let gap = budget * (s - p) / Decimal::from(100);
        if gap < unit && s > p {
            return Some(format!(
                "objective {}: its policy's threshold at {} % comes {}{unit_name} of bad time after the one before it, less than {least}: the two actions cannot come one after the other",
                slo.name,
                s.normalize(),
                gap.round_dp(3).normalize()
            ));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::slo::{Indicator, Threshold};

    fn slo(target: &str, window: Window, budgeting: Budgeting) -> Slo {
        let yaml = "apiVersion: openslo/v1\nkind: SLO\nmetadata:\n  name: x\nspec:\n  service: s\n  indicator:\n    metadata: { name: i }\n    spec:\n      ratioMetric:\n        counter: true\n        good: { metricSource: { type: sla-ledger, spec: { evidence: outages } } }\n        total: { metricSource: { type: sla-ledger, spec: { evidence: outages } } }\n  timeWindow:\n    - duration: 30d\n      isRolling: true\n  budgetingMethod: Occurrences\n  objectives:\n    - target: 0.99\n";
        let mut s = crate::openslo::import(yaml).unwrap().remove(0);
        s.target = target.parse().unwrap();
        s.window = window;
        s.budgeting = budgeting;
        let _: &Indicator = &s.indicator;
        s
    }

    fn days(d: i64) -> Window {
        Window::Rolling {
            seconds: d * 86_400,
            text: format!("{d}d"),
        }
    }

    fn policy(steps: &[&str]) -> Policy {
        Policy {
            thresholds: steps
                .iter()
                .map(|c| Threshold {
                    consumed_percent: c.parse().unwrap(),
                    action: "act".into(),
                    owner: "o".into(),
                })
                .collect(),
            exceptions: Vec::new(),
            temporary_targets: Vec::new(),
        }
    }

    #[test]
    fn a_budget_under_a_minute_cannot_be_served() {
        // 30 days at 99.9999 %: 2.592 s of bad time.
        let m = too_strict(
            &slo("0.999999", days(30), Budgeting::Occurrences),
            &policy(&["50", "100"]),
        )
        .unwrap();
        assert!(
            m.contains("allows 2.592s of bad time") && m.contains("99.9999 %"),
            "{m}"
        );
        // 99.9 % over 30 days (43.2 minutes) with steps of 50 % is served.
        assert_eq!(
            too_strict(
                &slo("0.999", days(30), Budgeting::Occurrences),
                &policy(&["50", "75", "100"])
            ),
            None
        );
    }

    #[test]
    fn thresholds_closer_than_a_minute_cannot_come_one_after_the_other() {
        // 99.9 % over 1 day: 86.4 s; 50 % and 75 % are 21.6 s apart.
        let m = too_strict(
            &slo("0.999", days(1), Budgeting::Occurrences),
            &policy(&["50", "75"]),
        )
        .unwrap();
        assert!(m.contains("threshold at 75 % comes 21.6s"), "{m}");
    }

    #[test]
    fn time_slices_count_slices() {
        let hourly = Budgeting::Timeslices {
            slice_seconds: 3600,
            slice_text: "1h".into(),
            slice_target: "0.95".parse().unwrap(),
        };
        // 28 days = 672 hourly slices; 99.9 % allows 0.672 of one.
        let m = too_strict(&slo("0.999", days(28), hourly.clone()), &policy(&["100"])).unwrap();
        assert!(
            m.contains("allows 0.672 slice(s)") && m.contains("one bad slice"),
            "{m}"
        );
        assert_eq!(
            too_strict(&slo("0.99", days(28), hourly), &policy(&["100"])),
            None
        );
    }

    #[test]
    fn a_review_of_the_newest_version_resets_the_clock_and_an_older_one_does_not() {
        let year = 365 * 86_400;
        let as_of = 1_800_000_000;
        let made = sla_engine::time::fmt_instant(as_of - 2 * year);
        let recent = sla_engine::time::fmt_instant(as_of - 10 * 86_400);
        let c = |review: Option<(i64, String, String)>| ContractInput {
            id: "C".into(),
            version: 2,
            version_created_at: made.clone(),
            owner: Some("ann".into()),
            documents: 1,
            review,
        };
        let run = |cs: &[ContractInput]| {
            review(&ReviewInput {
                as_of,
                interval_days: 365,
                contracts: cs,
                objectives: &[],
                policies: &BTreeMap::new(),
                credited: &[],
            })
            .findings
        };
        let f = run(&[c(None)]);
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].kind, "terms-not-reviewed");
        assert!(
            f[0].message.contains("730 days ago (version 2 made on"),
            "{}",
            f[0].message
        );
        assert!(run(&[c(Some((2, recent.clone(), "bob".into())))]).is_empty());
        // A review of version 1 says nothing of version 2.
        assert_eq!(run(&[c(Some((1, recent, "bob".into())))]).len(), 1);
    }
}
