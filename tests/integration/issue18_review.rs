//! Issue 18, part 3: the maturity review on the fixtures portfolio (the
//! demo library), the audited "reviewed" action, and templates.

use crate::util::{bin, session};
use sla_ledger::sla_store::{params, Ctx, Library};
use sla_ledger::usecases::governance::review;
use sla_ledger::usecases::templates;
use std::path::PathBuf;

fn temp(name: &str) -> PathBuf {
    crate::util::temp_dir(&format!("i18r-{name}"))
}

fn demo(dir: &std::path::Path) -> Library {
    let out = bin()
        .args(["demo", "--out", dir.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    Library::open(&dir.join("library"), 2_000).unwrap()
}

/// 2026-12-03T12:00:00Z
const AS_OF: i64 = 1_796_299_200;

fn kinds(r: &sla_ledger::sla_governance::review::ReviewReport) -> Vec<(String, String)> {
    r.findings
        .iter()
        .map(|f| (f.kind.clone(), f.subject.clone()))
        .collect()
}

#[test]
fn issue18_the_review_lists_the_expected_findings_on_the_fixtures_portfolio() {
    let dir = temp("portfolio");
    let lib = demo(&dir);
    let ctx = Ctx {
        actor: "reviewer".into(),
        now: AS_OF,
    };
    let s = session(&lib, &ctx);
    let r = review::report(&s, 365).unwrap();
    let found = kinds(&r);
    eprintln!("{found:#?}");
    assert_eq!(r.as_of, "2026-12-03");
    assert_eq!(r.contracts, 47);
    // Only ACME has its signed schedule attached (fixtures/documents), and
    // every contract was entered today (the demo): none is stale.
    let count = |k: &str| found.iter().filter(|(kind, _)| kind == k).count();
    assert_eq!(count("contract-without-document"), 46);
    assert!(!found.contains(&("contract-without-document".into(), "ACME-2026-001".into())));
    assert_eq!(count("terms-not-reviewed"), 0);
    // Read a year and a day later, every term and objective is stale.
    let later = Ctx {
        actor: "reviewer".into(),
        now: AS_OF + 366 * 86_400,
    };
    let stale = review::report(&session(&lib, &later), 365).unwrap();
    let stale_kinds = kinds(&stale);
    assert_eq!(
        stale_kinds
            .iter()
            .filter(|(k, _)| k == "terms-not-reviewed")
            .count(),
        47
    );
    assert_eq!(
        stale_kinds
            .iter()
            .filter(|(k, _)| k == "objective-not-reviewed")
            .count(),
        r.objectives
    );
    // Every finding names its fix.
    assert!(r.findings.iter().all(|f| !f.fix.is_empty()));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn issue18_review_mark_is_audited_append_only_and_clears_the_finding() {
    let dir = temp("mark");
    let lib = demo(&dir);
    let later = Ctx {
        actor: "reviewer".into(),
        now: AS_OF + 400 * 86_400,
    };
    let mut s = session(&lib, &later);
    let before = review::report(&s, 365).unwrap();
    assert!(kinds(&before).contains(&("terms-not-reviewed".into(), "ACME-2026-001".into())));
    let rec = review::mark(
        &mut s,
        "contract",
        "ACME-2026-001",
        "checked against schedule B",
    )
    .unwrap();
    assert_eq!((rec.version, rec.reviewed_by.as_str()), (1, "reviewer"));
    let after = review::report(&s, 365).unwrap();
    assert!(!kinds(&after).contains(&("terms-not-reviewed".into(), "ACME-2026-001".into())));
    assert_eq!(after.findings.len() + 1, before.findings.len());
    // In the audit chain, which still verifies.
    let entries = s.lib.audit_list(5).unwrap();
    assert!(
        entries
            .iter()
            .any(|e| e.action == "review.mark" && e.subject == "contract:ACME-2026-001"),
        "{entries:?}"
    );
    assert!(s.lib.audit_verify().unwrap().ok);
    // The database refuses to change or remove a review.
    for sql in [
        "UPDATE reviews SET reviewed_by = 'mallory'",
        "DELETE FROM reviews",
    ] {
        let e = s.lib.conn().execute(sql, params![]).unwrap_err();
        assert!(e.to_string().contains("a review is a record"), "{e}");
    }
    // Unknown subjects and kinds are refused by name.
    let e = review::mark(&mut s, "contract", "NOPE", "").unwrap_err();
    assert!(
        e.to_string().contains("`NOPE` is not in the library"),
        "{e}"
    );
    let e = review::mark(&mut s, "vendor", "ACME-2026-001", "").unwrap_err();
    assert!(
        e.to_string().contains("neither `contract` nor `objective`"),
        "{e}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn issue18_a_new_contract_starts_from_a_bundled_or_library_template() {
    let dir = temp("templates");
    let lib = Library::open(&dir.join("lib"), 2_000).unwrap();
    let ctx = Ctx {
        actor: "ann".into(),
        now: AS_OF,
    };
    let mut s = session(&lib, &ctx);
    let list = templates::list(&s).unwrap();
    assert_eq!(list.iter().filter(|t| t.origin == "bundled").count(), 6);
    let text = templates::instantiate(&s, "google-workspace-days", "GWS-2027").unwrap();
    assert!(text.starts_with(
        "# Terms of GWS-2027, started from the bundled template `google-workspace-days`."
    ));
    let terms = sla_ledger::sla_engine::Terms::parse(&text).unwrap();
    assert_eq!(terms.contract.id, "GWS-2027");
    assert_eq!(terms.contract.owner, None);
    // Added, it becomes a template of the library's own.
    let path = dir.join("gws.toml");
    std::fs::write(&path, &text).unwrap();
    sla_ledger::usecases::contracts::add(&mut s, path.to_str().unwrap(), &[]).unwrap();
    let own = templates::instantiate(&s, "GWS-2027", "GWS-2028").unwrap();
    assert!(own.contains("started from contract GWS-2027 of the library"));
    assert_eq!(
        sla_ledger::sla_engine::Terms::parse(&own)
            .unwrap()
            .slas
            .len(),
        terms.slas.len()
    );
    // The id must be new; the template must exist.
    assert!(templates::instantiate(&s, "GWS-2027", "GWS-2027")
        .unwrap_err()
        .to_string()
        .contains("already in the library"));
    assert!(templates::instantiate(&s, "nope", "X")
        .unwrap_err()
        .to_string()
        .contains("neither bundled nor"));
    let _ = std::fs::remove_dir_all(&dir);
}
