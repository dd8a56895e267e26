//! Property tests of terms v2 (`sla-terms/2`): a v1 file keeps its meaning,
//! and each v2 rule differs from its v1 neighbour only where the spec says.

use crate::properties::{events, incidents, maintenance, outage, params, terms_text};
use proptest::prelude::*;
use sla_engine::{compute, Events, ResultDoc, Terms};

/// Computes September 2026 for a terms text.
pub(crate) fn run_text(text: &str, events: &Events) -> ResultDoc {
    let terms = Terms::parse(text).expect("generated terms are valid");
    compute(&terms, events, &terms.period("2026-09").unwrap()).expect("computes")
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
}
