//! Property tests of terms v2 (`sla-terms/2`): a v1 file keeps its meaning,
//! and each v2 rule differs from its v1 neighbour only where the spec says.

use crate::properties::{
    dec, events, incidents, maintenance, numbers, outage, params, terms_text, P0,
};
use proptest::prelude::*;
use rust_decimal::Decimal;
use sla_engine::{compute, Events, Line, OutageRow, ResultDoc, Terms};

/// Computes September 2026 for a terms text.
pub(crate) fn run_text(text: &str, events: &Events) -> ResultDoc {
    let terms = Terms::parse(text).expect("generated terms are valid");
    compute(&terms, events, &terms.period("2026-09").unwrap()).expect("computes")
}

/// The availability term's target and tier thresholds in `terms_text`.
const THRESHOLDS: [&str; 3] = ["99.95", "99.5", "97"];

/// An outage of exactly the downtime that puts September 2026 (2,592,000 s)
/// on a threshold: 0.05 %, 0.5 % or 3 % of it.
fn threshold_outage() -> impl Strategy<Value = Option<OutageRow>> {
    prop::option::of(prop::sample::select(vec![1_296i64, 12_960, 77_760])).prop_map(|len| {
        len.map(|len| OutageRow {
            service: "s".into(),
            start: P0 + 86_400,
            end: Some(P0 + 86_400 + len),
            impact: Decimal::ONE,
            cause: "internal".into(),
            source: "".into(),
            reference: String::new(),
            origin: Default::default(),
        })
    })
}

/// Whether the exact uptime 100 x (D - downtime) / D is one of `THRESHOLDS`.
fn uptime_on_a_threshold(doc: &ResultDoc) -> bool {
    let Line::Availability(l) = &doc.lines[0] else {
        panic!("the availability line comes first")
    };
    let (down, d) = (
        dec(l.downtime_seconds.as_deref().unwrap()),
        dec(l.denominator_seconds.as_deref().unwrap()),
    );
    let hundred = Decimal::ONE_HUNDRED;
    !d.is_zero()
        && THRESHOLDS
            .iter()
            .any(|t| hundred * (d - down) == dec(t) * d)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    /// v2 intro: "every v1 file is a v2 file with the same meaning": the
    /// whole result, traces and warnings included, is the same.
    #[test]
    fn a_v1_file_relabelled_v2_gives_identical_results(p in params(), rows in prop::collection::vec(outage(), 0..8), m in prop::collection::vec(maintenance(), 0..4), inc in incidents()) {
        let ev = events(rows, m, inc);
        let body = terms_text(&p);
        let v1 = run_text(&format!("schema = \"sla-terms/1\"\n{body}"), &ev);
        let v2 = run_text(&format!("schema = \"sla-terms/2\"\n{body}"), &ev);
        let bare = run_text(&body, &ev);
        prop_assert_eq!(serde_json::to_string(&v1).unwrap(), serde_json::to_string(&v2).unwrap());
        prop_assert_eq!(serde_json::to_string(&bare).unwrap(), serde_json::to_string(&v2).unwrap());
    }

    /// v2 section 2: "at_or_below" gives another result than "below" only
    /// when the exact uptime equals the target or a tier's `below`.
    #[test]
    fn at_or_below_differs_from_below_only_when_uptime_equals_a_threshold(p in params(), rows in prop::collection::vec(outage(), 0..4), exact in threshold_outage(), m in prop::collection::vec(maintenance(), 0..3)) {
        let mut rows = rows;
        rows.extend(exact);
        let ev = events(rows, m, vec![]);
        let body = terms_text(&p);
        let below = run_text(&format!("schema = \"sla-terms/2\"\n{body}"), &ev);
        let at = body.replacen("target = \"99.95\"", "target = \"99.95\"\nbreach_when = \"at_or_below\"", 1);
        let at = run_text(&format!("schema = \"sla-terms/2\"\n{at}"), &ev);
        if numbers(&below) != numbers(&at) {
            prop_assert!(uptime_on_a_threshold(&below), "differs at uptime {}", below.lines[0].sla());
        }
    }

    /// v2 section 7: rounding each merged outage down never counts more
    /// downtime than no rounding, and rounding up never less.
    #[test]
    fn floor_never_exceeds_none_never_exceeds_ceil(p in params(), unit in prop::sample::select(vec!["1s", "1m", "7m", "1h"]), rows in prop::collection::vec(outage(), 0..8), m in prop::collection::vec(maintenance(), 0..4)) {
        let ev = events(rows, m, vec![]);
        let downtime = |rounding: String| {
            let mut q = p.clone();
            q.rounding = Box::leak(rounding.into_boxed_str());
            let doc = run_text(&format!("schema = \"sla-terms/2\"\n{}", terms_text(&q)), &ev);
            let Line::Availability(l) = &doc.lines[0] else {
                panic!("the availability line comes first")
            };
            dec(l.downtime_seconds.as_deref().unwrap())
        };
        let floor = downtime(format!("floor:{unit}"));
        let none = downtime("none".into());
        let ceil = downtime(format!("ceil:{unit}"));
        prop_assert!(floor <= none && none <= ceil, "{} <= {} <= {}", floor, none, ceil);
    }
}
