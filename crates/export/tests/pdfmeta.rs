//! What an SLA Ledger PDF says about itself, read back from the bytes the
//! exports write.

mod common;

use sla_export::pdf::{ReportDoc, ReportTable};
use sla_export::pdfmeta::{self, PdfSubject, StatementInfo};

#[test]
fn a_final_statement_names_itself_its_seal_workbook_and_chain_head() {
    let pdf = sla_export::pdf::render(&common::view(true), "ab12").unwrap();
    assert_eq!(
        pdfmeta::read(&pdf),
        PdfSubject::Statement(StatementInfo {
            number: "ACME-2026-001/2026-10/1".into(),
            seal: common::SEAL.into(),
            xlsx_sha256: Some("ab12".into()),
            chain_head: Some((42, "9c1d".repeat(16))),
        })
    );
    assert_eq!(pdfmeta::seal(&pdf).as_deref(), Some(common::SEAL));
    assert_eq!(
        pdfmeta::pdf_info(&pdf, pdfmeta::STATEMENT).as_deref(),
        Some("ACME-2026-001/2026-10/1")
    );
}

#[test]
fn a_draft_has_an_empty_seal_and_no_chain_head() {
    let pdf = sla_export::pdf::render(&common::view(false), "ab12").unwrap();
    let PdfSubject::Statement(s) = pdfmeta::read(&pdf) else {
        panic!("a statement")
    };
    assert_eq!(s.seal, "");
    assert_eq!(s.chain_head, None);
}

#[test]
fn a_report_is_named_by_its_title() {
    let d = ReportDoc {
        title: "Due diligence (Acme)".into(),
        tables: vec![ReportTable {
            title: "Contracts".into(),
            columns: vec![("Name".into(), 1.0, false)],
            rows: vec![vec!["ACME".into()]],
            flagged: vec![false],
        }],
        ..Default::default()
    };
    let pdf = sla_export::pdf::render_report(&d).unwrap();
    assert_eq!(
        pdfmeta::read(&pdf),
        PdfSubject::Report {
            title: "Due diligence (Acme)".into()
        }
    );
}

#[test]
fn other_bytes_are_unknown_and_a_longer_key_is_not_the_key() {
    assert_eq!(pdfmeta::read(b"%PDF-1.7\n"), PdfSubject::Unknown);
    assert_eq!(pdfmeta::read(&[0xff; 64]), PdfSubject::Unknown);
    let b = b"/SlaLedgerSealX (no) /SlaLedgerSeal (yes) /SlaLedgerSealY (no)";
    assert_eq!(pdfmeta::seal(b).as_deref(), Some("yes"));
    // Escapes, nesting, octal.
    let b = br"/SlaLedgerReport (a\(b\) (c) \101\n)";
    assert_eq!(
        pdfmeta::pdf_info(b, pdfmeta::REPORT).as_deref(),
        Some("a(b) (c) A\n")
    );
}

#[test]
fn values_are_bounded_and_the_scan_gives_up() {
    let long = format!("/SlaLedgerSeal ({})", "a".repeat(5000));
    assert_eq!(pdfmeta::seal(long.as_bytes()), None);
    let ok = format!("/SlaLedgerSeal ({})", "a".repeat(4000));
    assert_eq!(pdfmeta::seal(ok.as_bytes()).map(|s| s.len()), Some(4000));
    // Seventeen unreadable candidates after a good one: only 16 are tried.
    let mut b = b"/SlaLedgerSeal (good)".to_vec();
    b.extend(b"/SlaLedgerSeal <00>".repeat(17));
    assert_eq!(pdfmeta::seal(&b), None);
    b.truncate(b"/SlaLedgerSeal (good)".len() + 15 * b"/SlaLedgerSeal <00>".len());
    assert_eq!(pdfmeta::seal(&b).as_deref(), Some("good"));
    assert_eq!(pdfmeta::seal(b"/SlaLedgerSeal (unterminated"), None);
}

#[test]
fn pdf_dates_read_as_utc_seconds() {
    assert_eq!(pdfmeta::pdf_date("D:20261128100000Z"), Some(1_795_860_000));
    assert_eq!(pdfmeta::pdf_date("20261128100000"), Some(1_795_860_000));
    assert_eq!(
        pdfmeta::pdf_date("D:20261128120000+02'00'"),
        Some(1_795_860_000)
    );
    assert_eq!(
        pdfmeta::pdf_date("D:20261128053000-04'30'"),
        Some(1_795_860_000)
    );
    for bad in [
        "",
        "D:2026",
        "D:2026112810000Z",
        "D:20261328100000Z",
        "D:20261128100000X",
    ] {
        assert_eq!(pdfmeta::pdf_date(bad), None, "{bad}");
    }
    // The signer's reexport is the same function.
    assert_eq!(
        sla_export::sign::pdf_date("D:20261128100000Z"),
        Some(1_795_860_000)
    );
}
