use super::*;
use crate::slo::{Budgeting, Indicator};

/// As a person would write it: comments, an indicatorRef, unquoted
/// numbers, a label list, a Service document.
const HAND: &str = r#"
# Checkout objectives
apiVersion: openslo/v1
kind: Service
metadata:
  name: checkout
  displayName: Checkout
spec:
  description: The shop's checkout
---
apiVersion: openslo/v1
kind: SLI
metadata:
  name: checkout-requests
spec:
  ratioMetric:
    counter: true
    good: { metricSource: { type: sla-ledger, spec: { evidence: requests } } }
    total: { metricSource: { type: sla-ledger, spec: { evidence: requests } } }
---
apiVersion: openslo/v1
kind: SLO
metadata:
  name: checkout-success
  displayName: Checkout requests succeed
  labels:
    sla-ledger/budget-group: [shop]
spec:
  service: checkout
  indicatorRef: checkout-requests
  timeWindow:
    - duration: 1M
      isRolling: false
      calendar: { startTime: "2026-01-01 00:00:00", timeZone: Europe/London }
  budgetingMethod: Occurrences
  objectives:
    - target: 0.995
---
apiVersion: openslo/v1
kind: SLO
metadata:
  name: checkout-up
spec:
  description: Checkout is up, minute by minute
  service: checkout
  indicator:
    metadata: { name: checkout-up-sli }
    spec:
      ratioMetric:
        counter: true
        good: { metricSource: { type: sla-ledger, spec: { evidence: outages } } }
        total: { metricSource: { type: sla-ledger, spec: { evidence: outages } } }
  timeWindow:
    - duration: 28d
      isRolling: true
  budgetingMethod: Timeslices
  objectives:
    - target: 0.99
      timeSliceTarget: 0.95
      timeSliceWindow: 1m
"#;

#[test]
fn reads_what_people_write_and_round_trips_what_it_writes() {
    let slos = import(HAND).unwrap();
    assert_eq!(slos.len(), 2);
    assert_eq!(slos[0].group.as_deref(), Some("shop"));
    assert_eq!(slos[0].indicator, Indicator::Requests);
    assert_eq!(slos[0].target, "0.995".parse().unwrap());
    assert_eq!(
        slos[1].budgeting,
        Budgeting::Timeslices {
            slice_seconds: 60,
            slice_text: "1m".into(),
            slice_target: "0.95".parse().unwrap()
        }
    );
    let text = export(&slos);
    let again = import(&text).unwrap();
    assert_eq!(again, slos, "import(export(x)) == x");
    assert_eq!(export(&again), text, "export is stable");
    assert_eq!(text.matches("kind: Service").count(), 1);
}

#[test]
fn every_problem_is_named_by_document_and_field() {
    let bad = r#"
apiVersion: openslo/v1
kind: SLO
metadata: { name: a }
spec:
  service: api
  indicator:
    spec:
      ratioMetric:
        good: { metricSource: { type: prometheus, spec: {} } }
        total: { metricSource: { type: sla-ledger, spec: { evidence: outages } } }
  timeWindow: [ { duration: 2M, isRolling: false } ]
  budgetingMethod: Occurrences
  objectives: [ { target: 99.9 } ]
---
apiVersion: openslo/v2
kind: SLO
"#;
    let e = import(bad).unwrap_err();
    assert_eq!(
            e.problems,
            vec![
                "document 1.spec.indicator.spec.ratioMetric.good.metricSource.type: `prometheus` is not a source this program can compute; use type `sla-ledger` with evidence `outages` or `requests`",
                "document 1.spec.timeWindow[0].duration: a calendar window here is `1M` or `1Q`, not `2M`",
                "document 1.spec.objectives[0].target: 99.9 is not a ratio above 0 and at most 1 (0.999 means 99.9 %)",
                "document 2.apiVersion: `openslo/v2` is not `openslo/v1`",
            ]
        );
}
