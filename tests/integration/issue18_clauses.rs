//! Issue 18, part 1: every term linked to its clause. The demo's ACME
//! contract has its Schedule B attached with every term linked: its
//! statement shows the clause appendix, the due-diligence report counts the
//! unsourced terms of the others. Links are checked (the quote occurs on
//! the page, the key is a term), carried over unchanged values by an
//! amendment, suggested but never applied, and append-only.

use crate::util::{bin, session};
use sla_ledger::sla_store::{params, Ctx, Library};
use sla_ledger::usecases::clauses::{self, LinkRequest};
use sla_ledger::usecases::contracts;
use std::path::{Path, PathBuf};

const SCHEDULE: &str = "fixtures/documents/ACME-2026-001/schedule-b.pdf";
const S6: &str = "fixtures/cases/spec-s6-full-example/terms.toml";

fn temp(name: &str) -> PathBuf {
    crate::util::temp_dir(&format!("i18c-{name}"))
}

fn ctx() -> Ctx {
    Ctx {
        actor: "lawyer".into(),
        now: 1_796_299_200,
    }
}

fn run(args: &[&str]) -> String {
    let out = bin().args(args).output().unwrap();
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn issue18_the_demo_links_every_acme_term_and_its_statement_shows_the_clauses() {
    let dir = temp("demo");
    run(&["demo", "--out", dir.to_str().unwrap()]);
    let lib_dir = dir.join("library");
    let lib = Library::open(&lib_dir, 2_000).unwrap();
    let s = session(&lib, &ctx());
    let src = clauses::sources(&s, "ACME-2026-001", None).unwrap();
    assert_eq!(
        src.unsourced,
        Vec::<String>::new(),
        "every ACME term is linked"
    );
    assert_eq!(src.terms, 42);
    assert_eq!(src.documents.len(), 1);
    assert_eq!(src.documents[0].pages, 2);
    let target = src
        .linked
        .iter()
        .find(|l| l.key == "slas[0].target")
        .unwrap();
    assert_eq!(
        (target.value.as_str(), target.page, target.document.as_str()),
        ("99.95", 1, "schedule-b.pdf")
    );
    assert_eq!(
        target.quote,
        "The Compute Platform will be available 99.95% of each calendar month."
    );

    // The signed statement PDF's appendix: page and quote per term, and the
    // document's hash.
    let pdf = dir.join("statements/ACME-2026-001_2026-10_1.pdf");
    let text = std::process::Command::new("pdftotext")
        .arg(&pdf)
        .arg("-")
        .output();
    if let Ok(t) = text {
        let t = String::from_utf8_lossy(&t.stdout)
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        assert!(t.contains("Appendix: where the contract says so"), "{t}");
        assert!(t.contains("slas[0].target = 99.95: schedule-b.pdf, page 1: \"The Compute Platform will be available 99.95% of each calendar month.\""), "{t}");
        assert!(
            t.contains(&format!(
                "schedule-b.pdf: SHA-256 {}",
                src.documents[0].sha256
            )),
            "{t}"
        );
    }
    // The workbook's Clauses sheet, read back with calamine: the same
    // rows as the appendix, the hash beside each.
    {
        use calamine::{open_workbook, Data, Reader, Xlsx};
        let mut wb: Xlsx<_> =
            open_workbook(dir.join("statements/ACME-2026-001_2026-10_1.xlsx")).unwrap();
        assert_eq!(wb.sheet_names().last().map(String::as_str), Some("Clauses"));
        let sheet = wb.worksheet_range("Clauses").unwrap();
        let rows: Vec<Vec<String>> = sheet
            .rows()
            .map(|r| {
                r.iter()
                    .map(|c| match c {
                        Data::Float(f) => f.to_string(),
                        other => other.to_string(),
                    })
                    .collect()
            })
            .collect();
        assert_eq!(rows[0][0], "Term");
        assert_eq!(rows.len() - 1, src.linked.len(), "{rows:?}");
        let target = rows.iter().find(|r| r[0] == "slas[0].target").unwrap();
        assert_eq!(
            target[1..],
            [
                "99.95".to_string(),
                "schedule-b.pdf".into(),
                "1".into(),
                "The Compute Platform will be available 99.95% of each calendar month.".into(),
                src.documents[0].sha256.clone(),
            ]
        );
    }
    // The statement as the CLI shows it, with its trace.
    let shown = run(&[
        "--library",
        lib_dir.to_str().unwrap(),
        "statements",
        "show",
        "ACME-2026-001/2026-10/1",
        "--trace",
    ]);
    assert!(
        shown.contains("\nWhere the contract says so:\n  calendars.ny-business "),
        "{shown}"
    );
    assert!(shown.contains("\n  slas[0].target 99.95 - schedule-b.pdf, p. 1: \"The Compute Platform will be available 99.95% of each calendar month.\"\n"), "{shown}");

    // Due diligence counts the terms without a clause, contract by contract.
    let dd = run(&[
        "--library",
        lib_dir.to_str().unwrap(),
        "diligence",
        "--until",
        "2026-10",
        "--json",
    ]);
    let dd: serde_json::Value = serde_json::from_str(&dd).unwrap();
    let rows = dd["unsourced_terms"].as_array().unwrap();
    assert_eq!(rows.len(), 47);
    let acme = rows
        .iter()
        .find(|r| r["contract"] == "ACME-2026-001")
        .unwrap();
    assert_eq!(
        (
            acme["terms"].as_u64(),
            acme["unsourced"].as_array().map(Vec::len)
        ),
        (Some(42), Some(0))
    );
    assert!(rows
        .iter()
        .filter(|r| r["contract"] != "ACME-2026-001")
        .all(|r| r["unsourced"].as_array().unwrap().len() as u64 == r["terms"].as_u64().unwrap()));
    let _ = std::fs::remove_dir_all(&dir);
}

fn library_with_schedule(dir: &Path) -> (Library, sla_ledger::Session) {
    let lib = Library::open(&dir.join("lib"), 2_000).unwrap();
    let mut s = session(&lib, &ctx());
    contracts::add(&mut s, S6, &[]).unwrap();
    contracts::attach(&mut s, "ACME-2026-001", SCHEDULE).unwrap();
    (lib, s)
}

fn req(key: &str, page: i64, quote: &str) -> LinkRequest {
    LinkRequest {
        key: key.into(),
        page,
        quote: quote.into(),
        document: None,
    }
}

#[test]
fn issue18_a_link_holds_only_when_its_quote_is_on_its_page_and_its_key_is_a_term() {
    let dir = temp("checks");
    let (_lib, mut s) = library_with_schedule(&dir);
    let e = clauses::link(
        &mut s,
        "ACME-2026-001",
        None,
        &[
            req(
                "slas[0].target",
                2,
                "available 99.95% of each calendar month",
            ),
            req("slas[0].id", 1, "Schedule B"),
            req("slas[7].target", 1, "Schedule B"),
            req("slas[0].credit.cap_percent", 3, "50%"),
            req("credit.claim_window_days", 2, "within sixty (60) days"),
        ],
    )
    .unwrap_err();
    let all = e.details().join("\n");
    assert!(all.contains("slas[0].target: \"available 99.95% of each calendar month\" does not occur on page 2 of schedule-b.pdf (it does on page 1)"), "{all}");
    assert!(
        all.contains("slas[0].id: `slas[0].id` is not a term"),
        "{all}"
    );
    assert!(
        all.contains("slas[7].target: ACME-2026-001 v1 has no term `slas[7].target`"),
        "{all}"
    );
    assert!(
        all.contains("schedule-b.pdf has pages 1 to 2, not 3"),
        "{all}"
    );
    assert!(
        all.contains(
            "credit.claim_window_days: \"within sixty (60) days\" does not occur on page 2"
        ),
        "{all}"
    );
    // Nothing was written: the good one waits for the others.
    assert!(clauses::sources(&s, "ACME-2026-001", None)
        .unwrap()
        .linked
        .is_empty());
    clauses::link(
        &mut s,
        "ACME-2026-001",
        None,
        &[req(
            "slas[0].target",
            1,
            "available 99.95% of each calendar month",
        )],
    )
    .unwrap();
    // Append-only, in the audit chain.
    let e = s
        .lib
        .conn()
        .execute("UPDATE term_links SET page = 2", params![])
        .unwrap_err();
    assert!(e.to_string().contains("a clause link is a record"), "{e}");
    assert!(s
        .lib
        .audit_list(3)
        .unwrap()
        .iter()
        .any(|a| a.action == "contract.link"));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn issue18_scans_and_other_files_are_told_apart_and_never_guessed() {
    let dir = temp("scan");
    let (_lib, mut s) = library_with_schedule(&dir);
    let scan = dir.join("scan.pdf");
    // A page with no text layer.
    let body = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] >>",
    ];
    let mut pdf = b"%PDF-1.4\n".to_vec();
    let mut offs = Vec::new();
    for (i, o) in body.iter().enumerate() {
        offs.push(pdf.len());
        pdf.extend_from_slice(format!("{} 0 obj\n{o}\nendobj\n", i + 1).as_bytes());
    }
    let xref = pdf.len();
    pdf.extend_from_slice(b"xref\n0 4\n0000000000 65535 f \n");
    for o in offs {
        pdf.extend_from_slice(format!("{o:010} 00000 n \n").as_bytes());
    }
    pdf.extend_from_slice(
        format!("trailer\n<< /Size 4 /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n").as_bytes(),
    );
    std::fs::write(&scan, pdf).unwrap();
    contracts::attach(&mut s, "ACME-2026-001", scan.to_str().unwrap()).unwrap();
    contracts::attach(&mut s, "ACME-2026-001", S6).unwrap();
    let docs = clauses::sources(&s, "ACME-2026-001", None)
        .unwrap()
        .documents;
    let by_name = |n: &str| docs.iter().find(|d| d.file_name == n).unwrap().clone();
    assert_eq!(by_name("scan.pdf").status.as_str(), "no-text");
    assert!(by_name("scan.pdf")
        .detail
        .contains("without a text layer: a scan"));
    assert_eq!(by_name("terms.toml").status.as_str(), "not-pdf");
    // With two PDFs the link must say which; the scan has nothing to quote.
    let mut r = req("slas[0].target", 1, "99.95%");
    r.document = Some("scan.pdf".into());
    let e = clauses::link(&mut s, "ACME-2026-001", None, &[r]).unwrap_err();
    assert!(
        e.details()[0].contains("scan.pdf has no text to quote"),
        "{:?}",
        e.details()
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn issue18_suggestions_are_shown_not_applied_and_an_amendment_keeps_only_unchanged_sources() {
    let dir = temp("amend");
    let (_lib, mut s) = library_with_schedule(&dir);
    let sug = clauses::suggest(&s, "ACME-2026-001", None).unwrap();
    let target = sug.iter().find(|x| x.key == "slas[0].target").unwrap();
    assert_eq!(
        (target.page, target.quote.as_str()),
        (
            1,
            "2.1 The Compute Platform will be available 99.95% of each calendar month."
        )
    );
    let window = sug
        .iter()
        .find(|x| x.key == "credit.claim_window_days")
        .unwrap();
    assert!(
        window
            .quote
            .contains("within thirty (30) days after the end of the month"),
        "{}",
        window.quote
    );
    assert!(
        clauses::sources(&s, "ACME-2026-001", None)
            .unwrap()
            .linked
            .is_empty(),
        "never applied"
    );
    // Confirmed, as a person would.
    let confirmed: Vec<LinkRequest> = sug.iter().map(|x| req(&x.key, x.page, &x.quote)).collect();
    clauses::link(&mut s, "ACME-2026-001", None, &confirmed).unwrap();
    let v1 = clauses::sources(&s, "ACME-2026-001", None).unwrap();
    assert!(v1.linked.len() >= 6, "{:?}", v1.linked);

    // An amendment raises the target: that term loses its source, the
    // unchanged ones keep theirs (carried from version 1).
    let amended = std::fs::read_to_string(S6).unwrap().replacen(
        "target = \"99.95\"",
        "target = \"99.99\"",
        1,
    );
    let file = dir.join("amended.toml");
    std::fs::write(&file, amended).unwrap();
    let a = contracts::AmendFile {
        terms: file.to_str().unwrap(),
        from: "2026-12-01",
        to: None,
        reason: "higher target",
    };
    contracts::amend_file(&mut s, "ACME-2026-001", &a).unwrap();
    let v2 = clauses::sources(&s, "ACME-2026-001", None).unwrap();
    assert_eq!(v2.version, 2);
    assert!(v2.unsourced.contains(&"slas[0].target".to_string()));
    let window2 = v2
        .linked
        .iter()
        .find(|l| l.key == "credit.claim_window_days")
        .unwrap();
    assert_eq!(window2.linked_in, 1);
    // The diff says so.
    let diff = contracts::diff(&s, "ACME-2026-001", 1, 2).unwrap();
    let n = v1.terms - v1.unsourced.len();
    assert!(
        diff.contains(&format!(
            "clauses: {n} of 42 term(s) linked in v1, {} of 42 in v2",
            n - 1
        )),
        "{diff}"
    );
    assert!(
        diff.contains("- slas[0].target: schedule-b.pdf, p. 1"),
        "{diff}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
