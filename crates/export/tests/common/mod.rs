//! A statement to export: the spec's full example (its terms, no events)
//! for October 2026.

use sla_engine::{Events, Terms};
use sla_export::view::{ChainHead, StatementView};

const TERMS: &str = include_str!("../../../../fixtures/cases/spec-s6-full-example/terms.toml");

pub const SEAL: &str = "5f2b0c7e9a1d4e8b3c6f0a2d5e8b1c4f7a0d3e6b9c2f5a8d1e4b7c0f3a6d9e2b";

/// A final statement when `final_`, else a draft (no seal, no chain head).
pub fn view(final_: bool) -> StatementView {
    let terms = Terms::parse(TERMS).expect("the spec's terms parse");
    let period = terms.period("2026-10").expect("a period");
    let result =
        sla_engine::compute(&terms, &Events::default(), &period).expect("the engine computes");
    StatementView {
        number: "ACME-2026-001/2026-10/1".into(),
        status: if final_ { "FINAL" } else { "DRAFT" }.into(),
        our_party: "Example Hosting Ltd".into(),
        terms,
        result,
        data_cutoff: "2026-11-01T00:00:00Z".into(),
        created_at: 1_795_860_000,
        seal_sha256: final_.then(|| SEAL.into()),
        terms_version: 1,
        engine_version: "0.1.0".into(),
        restatement: None,
        chain_head: final_.then(|| ChainHead {
            seq: 42,
            hash: "9c1d".repeat(16),
            signed_at: "2026-11-28T10:40:00Z".into(),
        }),
        locale: sla_export::locale::Locale::EnUs,
        sample: false,
        clauses: Vec::new(),
    }
}
