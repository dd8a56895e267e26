//! Signed statements (issue 4): the files as finance, auditors and their
//! tools see them. pdfsig (poppler-utils) and pyHanko must both call a
//! signature intact and any one-byte change broken; the workbook's cached
//! formula results must be the engine's; exports are reproducible.

use crate::util::bin;
use crate::util::{ImportRequest, UseCases};
use calamine::{open_workbook, Data, Reader, Xlsx};
use sla_ledger::sla_export::Identity;
use sla_ledger::sla_import::Kind;
use sla_ledger::sla_store::{Ctx, Library};
use std::path::{Path, PathBuf};
use std::process::Command;

const S6: &str = "fixtures/cases/spec-s6-full-example";

fn ctx() -> Ctx {
    Ctx {
        actor: "tester".into(),
        now: 1_795_860_000,
    }
}

/// A library with the spec's full example finalized and a signing identity.
fn finalized(name: &str) -> (PathBuf, Library) {
    let dir = crate::util::temp_dir(&format!("exp-{name}"));
    let _ = std::fs::remove_dir_all(&dir);
    let mut lib = Library::open(&dir, 2_000).unwrap();
    lib.add_contract(&ctx(), &format!("{S6}/terms.toml"))
        .unwrap();
    for (f, k) in [
        ("outages.csv", Kind::Outages),
        ("maintenance.csv", Kind::Maintenance),
        ("incidents.csv", Kind::Incidents),
    ] {
        let file = format!("{S6}/{f}");
        lib.uc_import(
            &ctx(),
            &ImportRequest {
                file: &file,
                source_label: "test",
                contract: None,
                kind: Some(k),
            },
            &mut |_| true,
        )
        .unwrap();
    }
    lib.uc_run(&ctx(), "2026-10", None).unwrap();
    lib.finalize(&ctx(), "2026-10", None).unwrap();
    let id = Identity::create("Example Hosting Ltd", "Statements signing", ctx().now).unwrap();
    sla_ledger::usecases::identity::set_identity(&mut lib, &ctx(), &id).unwrap();
    (dir, lib)
}

fn export(dir: &Path, lib: &mut Library) -> sla_ledger::usecases::files::ExportedFiles {
    lib.uc_export(&ctx(), "ACME-2026-001/2026-10/1", &dir.join("out"))
        .unwrap()
}

fn run(cmd: &str, args: &[&str]) -> (bool, String) {
    let out = Command::new(cmd)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{cmd} is needed (.ci/run installs it): {e}"));
    (
        out.status.success(),
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    )
}

pub(crate) fn pdfsig_valid(pdf: &Path) -> bool {
    let (_, text) = run("pdfsig", &[pdf.to_str().unwrap()]);
    text.contains("Signature is Valid") && text.contains("Total document signed")
}

pub(crate) fn pyhanko_intact(pdf: &Path, trust: &Path) -> bool {
    let (ok, text) = run(
        "pyhanko",
        &[
            "sign",
            "validate",
            "--trust",
            trust.to_str().unwrap(),
            pdf.to_str().unwrap(),
        ],
    );
    ok && text.contains(":INTACT:") && text.contains("UNTOUCHED")
}

#[test]
fn pdfsig_and_pyhanko_call_the_signature_intact_and_any_changed_byte_breaks_it() {
    let (dir, mut lib) = finalized("sig");
    let files = export(&dir, &mut lib);
    let trust = dir.join("identity/signing-cert.pem");
    assert!(
        pdfsig_valid(&files.pdf),
        "{}",
        run("pdfsig", &[files.pdf.to_str().unwrap()]).1
    );
    assert!(
        pyhanko_intact(&files.pdf, &trust),
        "{}",
        run(
            "pyhanko",
            &[
                "sign",
                "validate",
                "--trust",
                trust.to_str().unwrap(),
                files.pdf.to_str().unwrap()
            ]
        )
        .1
    );
    let bytes = std::fs::read(&files.pdf).unwrap();
    let doc = lopdf::Document::load_mem(&bytes).unwrap();
    let sig = sla_ledger::sla_export::sign::signature_dict(&doc).unwrap();
    assert_eq!(
        sig.get(b"SubFilter").unwrap().as_name().unwrap(),
        b"ETSI.CAdES.detached"
    );
    let br: Vec<usize> = sig
        .get(b"ByteRange")
        .unwrap()
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o.as_i64().unwrap() as usize)
        .collect();
    // One byte each: early in the document, in the page content, just
    // before the signature slot, in the appended update, and the last byte.
    for (k, at) in [200, br[1] / 2, br[1] - 1, br[2] + 5, bytes.len() - 2]
        .into_iter()
        .enumerate()
    {
        let mut t = bytes.clone();
        t[at] ^= 0x20;
        let p = dir.join(format!("tampered-{k}.pdf"));
        std::fs::write(&p, &t).unwrap();
        assert!(
            !pdfsig_valid(&p),
            "pdfsig still valid after changing byte {at}"
        );
        assert!(
            !pyhanko_intact(&p, &trust),
            "pyHanko still intact after changing byte {at}"
        );
        let check = sla_ledger::sla_export::sign::verify_pdf(&t);
        assert!(
            check.map(|c| !c.holds()).unwrap_or(true),
            "our verify accepted a change at byte {at}"
        );
    }
}

#[test]
fn exports_are_reproducible_and_the_pdf_shows_every_amount() {
    let (dir, mut lib) = finalized("repro");
    let id = Identity::load(&dir).unwrap();
    let v1 = sla_ledger::usecases::files::view(&lib, "ACME-2026-001/2026-10/1", Some(&id)).unwrap();
    let v2 = sla_ledger::usecases::files::view(&lib, "ACME-2026-001/2026-10/1", Some(&id)).unwrap();
    let (x1, x2) = (
        sla_ledger::sla_export::xlsx::render(&v1).unwrap(),
        sla_ledger::sla_export::xlsx::render(&v2).unwrap(),
    );
    assert_eq!(x1, x2, "same statement, same XLSX bytes");
    let (p1, p2) = (
        sla_ledger::sla_export::pdf::render(&v1, "abc").unwrap(),
        sla_ledger::sla_export::pdf::render(&v2, "abc").unwrap(),
    );
    assert_eq!(p1, p2, "same statement, same PDF bytes before signing");
    assert!(p1.len() < 120_000, "fonts are subset: {} bytes", p1.len());
    let files = export(&dir, &mut lib);
    let (ok, text) = run("pdftotext", &["-layout", files.pdf.to_str().unwrap(), "-"]);
    assert!(ok);
    let xlsx_sha = format!(
        "{:x}",
        <sha2::Sha256 as sha2::Digest>::digest(std::fs::read(&files.xlsx).unwrap())
    );
    for want in [
        "1,250.00",
        "625.00",
        "1,875.00",
        "3,750.00",
        "2026-11-30",
        "99.627576 %",
        "FINAL",
        "Acme Corp",
        "New York, USA",
        "page 1 of 2",
        "page 2 of 2",
        "Audit chain head signed by the library",
        "excluded cause `customer`",
        "INC-7",
        xlsx_sha.as_str(),
        "Uptime = 100 x (2678400 - 9975) / 2678400",
    ] {
        assert!(text.contains(want), "pdftotext lacks {want:?}:\n{text}");
    }
}

fn cell(r: &calamine::Range<Data>, row: u32, col: u32) -> Data {
    r.get_value((row, col)).cloned().unwrap_or(Data::Empty)
}

fn f(d: &Data) -> f64 {
    match d {
        Data::Float(x) => *x,
        Data::Int(i) => *i as f64,
        Data::String(s) => s.parse().unwrap_or(f64::NAN),
        other => panic!("not a number: {other:?}"),
    }
}

#[test]
fn the_workbook_caches_the_engine_values_and_libreoffice_recomputes_them() {
    let (dir, mut lib) = finalized("xlsx");
    let files = export(&dir, &mut lib);
    let mut wb: Xlsx<_> = open_workbook(&files.xlsx).unwrap();
    assert_eq!(
        wb.sheet_names(),
        vec![
            "Summary",
            "Lines",
            "Tiers",
            "Outages",
            "Maintenance",
            "Incidents",
            "Trace"
        ]
    );
    let lines = wb.worksheet_range("Lines").unwrap();
    let formulas = wb.worksheet_formula("Lines").unwrap();
    let summary = wb.worksheet_range("Summary").unwrap();
    // Cached results equal the engine's: uptime, percent, amounts, total.
    assert_eq!(f(&cell(&lines, 1, 8)), 99.627576);
    assert_eq!(
        (f(&cell(&lines, 1, 12)), f(&cell(&lines, 1, 16))),
        (10.0, 1250.0)
    );
    assert_eq!(
        (f(&cell(&lines, 2, 12)), f(&cell(&lines, 2, 16))),
        (5.0, 625.0)
    );
    assert!(
        formulas
            .get_value((1, 7))
            .is_some_and(|s| s.contains("100*(E2-F2)")),
        "uptime is a formula"
    );
    assert!(
        formulas
            .get_value((1, 12))
            .is_some_and(|s| s.contains("Tiers!")),
        "the tier lookup is a formula"
    );
    let total_row = (0..summary.height() as u32)
        .find(|r| cell(&summary, *r, 0) == Data::String("Total credit".into()))
        .unwrap();
    assert_eq!(f(&cell(&summary, total_row, 1)), 1875.0);
    assert_eq!(f(&cell(&summary, total_row - 1, 1)), 3750.0, "contract cap");
    // Text from spreadsheets is text, never a formula.
    let outages = wb.worksheet_range("Outages").unwrap();
    assert_eq!(
        cell(&outages, 1, 1),
        Data::String("outages.csv:outages:2".into())
    );

    // LibreOffice, told to recalculate on load, reaches the same values.
    let profile = dir.join("lo-profile");
    std::fs::create_dir_all(profile.join("user")).unwrap();
    std::fs::write(
        profile.join("user/registrymodifications.xcu"),
        r#"<?xml version="1.0" encoding="UTF-8"?><oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item></oor:items>"#,
    )
    .unwrap();
    let outdir = dir.join("recalc");
    let (ok, text) = run(
        "soffice",
        &[
            &format!("-env:UserInstallation=file://{}", profile.display()),
            "--headless",
            "--convert-to",
            "xlsx",
            "--outdir",
            outdir.to_str().unwrap(),
            files.xlsx.to_str().unwrap(),
        ],
    );
    assert!(ok, "{text}");
    let mut re: Xlsx<_> = open_workbook(outdir.join(files.xlsx.file_name().unwrap())).unwrap();
    let (rl, rs) = (
        re.worksheet_range("Lines").unwrap(),
        re.worksheet_range("Summary").unwrap(),
    );
    let close = |a: f64, b: f64| (a - b).abs() < 1e-9;
    assert!(
        close(f(&cell(&rl, 1, 7)), 99.62757616487455),
        "{:?}",
        cell(&rl, 1, 7)
    );
    assert!(
        close(f(&cell(&rl, 1, 8)), 99.627576)
            && close(f(&cell(&rl, 1, 12)), 10.0)
            && close(f(&cell(&rl, 1, 16)), 1250.0)
    );
    assert!(close(f(&cell(&rl, 2, 16)), 625.0));
    assert!(
        close(f(&cell(&rs, total_row, 1)), 1875.0),
        "{:?}",
        cell(&rs, total_row, 1)
    );
}

#[test]
fn verify_says_what_holds_and_what_does_not() {
    let (dir, mut lib) = finalized("verify");
    let files = export(&dir, &mut lib);
    drop(lib);
    let args = |extra: &[&Path]| {
        let mut c = bin();
        c.arg("--library").arg(&dir).arg("verify");
        for p in extra {
            c.arg(p);
        }
        c.output().unwrap()
    };
    let manifest = files.manifest.clone().unwrap();
    let ok = args(&[&files.pdf, &files.xlsx, &manifest]);
    let text = String::from_utf8_lossy(&ok.stdout);
    assert_eq!(ok.status.code(), Some(0), "{text}");
    assert!(
        text.contains("OK    ") && !text.contains("FAIL") && text.contains("its seal matches"),
        "{text}"
    );
    // Change one cell's bytes in the workbook: the manifest no longer matches.
    let mut x = std::fs::read(&files.xlsx).unwrap();
    let n = x.len();
    x[n / 2] ^= 0x01;
    std::fs::write(&files.xlsx, &x).unwrap();
    let bad = args(&[&files.xlsx]);
    let text = String::from_utf8_lossy(&bad.stdout);
    assert_eq!(bad.status.code(), Some(3), "exit 3: a file does not hold");
    assert!(
        text.contains("FAIL") && text.contains("matches the signed manifest: SHA-256"),
        "{text}"
    );
}

#[test]
fn issue12_batch_export_reports_every_failure_and_carries_on_in_the_cli_and_the_app() {
    let (dir, mut lib) = finalized("batch");
    // A second contract, finalized too.
    let t = std::fs::read_to_string(format!("{S6}/terms.toml"))
        .unwrap()
        .replace("ACME-2026-001", "ACME-2026-002");
    std::fs::write(dir.join("t2.toml"), t).unwrap();
    lib.add_contract(&ctx(), dir.join("t2.toml").to_str().unwrap())
        .unwrap();
    lib.uc_run(&ctx(), "2026-10", Some("ACME-2026-002"))
        .unwrap();
    lib.finalize(&ctx(), "2026-10", Some("ACME-2026-002"))
        .unwrap();
    drop(lib);
    // The first statement's PDF path is taken by a folder: its export fails.
    let out = dir.join("batch");
    std::fs::create_dir_all(out.join("ACME-2026-001_2026-10_1.pdf")).unwrap();
    let o = bin()
        .arg("--library")
        .arg(&dir)
        .args([
            "statements",
            "export",
            "--period",
            "2026-10",
            "--out",
            out.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    let (stdout, stderr) = (
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr),
    );
    assert_eq!(o.status.code(), Some(2), "{stdout}{stderr}");
    assert!(
        stderr.contains("[1/2] exporting ACME-2026-001/2026-10/1")
            && stderr.contains("[2/2] exporting ACME-2026-002/2026-10/1"),
        "{stderr}"
    );
    assert!(
        stderr.contains("FAILED ACME-2026-001/2026-10/1"),
        "{stderr}"
    );
    assert!(
        stdout.contains("1 statement(s) exported")
            && out.join("ACME-2026-002_2026-10_1.pdf").is_file(),
        "{stdout}"
    );
    // Issue 12: the app's export is the same use case and goes on too
    // (it used to stop at the first failure): every failure is reported.
    let out2 = dir.join("batch-app");
    std::fs::create_dir_all(out2.join("ACME-2026-001_2026-10_1.pdf")).unwrap();
    let folder = out2.to_str().unwrap();
    let req = sla_ledger::usecases::statements::ExportRequest {
        period: "2026-10",
        out: Some(folder),
        ..Default::default()
    };
    let never = std::sync::atomic::AtomicBool::new(false);
    let r = sla_ledger::usecases::statements::export(
        &mut crate::util::app(&dir),
        &req,
        &never,
        &mut |_| {},
    )
    .unwrap();
    assert_eq!(
        (
            r.exported.len(),
            r.failed.len(),
            r.failed[0].statement.as_str()
        ),
        (1, 1, "ACME-2026-001/2026-10/1")
    );
    assert!(out2.join("ACME-2026-002_2026-10_1.pdf").is_file());
    let e = r.check().unwrap_err();
    assert_eq!((e.code(), e.exit_code()), (sla_ledger::Code::Partial, 2));
    assert!(
        e.details()[0].starts_with("ACME-2026-001/2026-10/1: "),
        "{:?}",
        e.details()
    );
}

#[test]
fn identities_import_from_pem_and_pkcs12() {
    let dir = crate::util::temp_dir("id");
    std::fs::create_dir_all(&dir).unwrap();
    let id = Identity::create("Org & Co, Ltd", "Signer", ctx().now).unwrap();
    id.save(&dir).unwrap();
    let loaded = Identity::load(&dir).unwrap();
    assert_eq!(loaded.organisation().as_deref(), Some("Org & Co, Ltd"));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(
            std::fs::metadata(dir.join("identity/signing-key.pem"))
                .unwrap()
                .permissions()
                .mode()
                & 0o777,
            0o600
        );
    }
    // An RSA identity as OpenSSL makes one, in PEM and PKCS#12.
    let (ok, text) = run(
        "openssl",
        &[
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            dir.join("k.pem").to_str().unwrap(),
            "-out",
            dir.join("c.pem").to_str().unwrap(),
            "-days",
            "30",
            "-subj",
            "/CN=Finance Signer/O=Example Corp",
        ],
    );
    assert!(ok, "{text}");
    let rsa = Identity::from_pem(
        &std::fs::read_to_string(dir.join("c.pem")).unwrap(),
        &std::fs::read_to_string(dir.join("k.pem")).unwrap(),
    )
    .unwrap();
    let digest = <sha2::Sha256 as sha2::Digest>::digest(b"manifest");
    let p7s = sla_ledger::sla_export::sign::cms_detached(&rsa, &digest).unwrap();
    let (_, digest_ok, signature_ok) =
        sla_ledger::sla_export::sign::verify_cms(&p7s, &digest).unwrap();
    assert!(digest_ok && signature_ok, "an RSA signature verifies");
    let (_, other_ok, _) = sla_ledger::sla_export::sign::verify_cms(
        &p7s,
        &<sha2::Sha256 as sha2::Digest>::digest(b"other"),
    )
    .unwrap();
    assert!(!other_ok, "and does not cover other content");
    let (ok, text) = run(
        "openssl",
        &[
            "pkcs12",
            "-export",
            "-inkey",
            dir.join("k.pem").to_str().unwrap(),
            "-in",
            dir.join("c.pem").to_str().unwrap(),
            "-out",
            dir.join("id.p12").to_str().unwrap(),
            "-passout",
            "pass:secret",
        ],
    );
    assert!(ok, "{text}");
    let p12 = Identity::from_pkcs12(&std::fs::read(dir.join("id.p12")).unwrap(), "secret").unwrap();
    // RFC 4514 prints the attributes last-first; OpenSSL writes CN first.
    assert_eq!(p12.subject(), "O=Example Corp,CN=Finance Signer");
    assert_eq!(p12.organisation().as_deref(), Some("Example Corp"));
    assert!(Identity::from_pkcs12(&std::fs::read(dir.join("id.p12")).unwrap(), "wrong").is_err());
}

#[test]
fn spreadsheet_text_that_looks_like_a_formula_stays_text() {
    let (dir, lib) = finalized("inject");
    // An excluded-cause row in the period: listed in the evidence, no money.
    let f = dir.join("monitor-outages.csv");
    std::fs::write(&f, "service,start,end,cause,source,ref\ncompute,2026-10-25T00:00:00Z,2026-10-25T01:00:00Z,customer,=HYPERLINK(\"http://x\"),@SUM(A1)\ncompute,2026-10-26T00:00:00Z,2026-10-26T01:00:00Z,customer,+1+1,-2\n").unwrap();
    lib.uc_import(
        &ctx(),
        &ImportRequest {
            file: f.to_str().unwrap(),
            source_label: "rum",
            contract: None,
            kind: Some(Kind::Outages),
        },
        &mut |_| true,
    )
    .unwrap();
    let first = lib
        .list_statements(Some("2026-10"), None)
        .unwrap()
        .remove(0);
    let restated = lib
        .uc_restate(&ctx(), &first.number, "monitor data added")
        .unwrap();
    assert_eq!(restated.total, "1875.00", "excluded rows change no money");
    let files = lib
        .uc_export(&ctx(), &restated.number, &dir.join("out"))
        .unwrap();
    let mut wb: Xlsx<_> = open_workbook(&files.xlsx).unwrap();
    let outages = wb.worksheet_range("Outages").unwrap();
    let formulas = wb.worksheet_formula("Outages").unwrap();
    let texts: Vec<String> = outages
        .rows()
        .flat_map(|r| r.iter().map(|c| c.to_string()))
        .collect();
    for want in ["=HYPERLINK(\"http://x\")", "@SUM(A1)", "+1+1", "-2"] {
        assert!(
            texts.iter().any(|t| t == want),
            "{want} is kept as text: {texts:?}"
        );
    }
    assert!(
        formulas.used_cells().next().is_none(),
        "no formula on the Outages sheet: {:?}",
        formulas.used_cells().collect::<Vec<_>>()
    );
}

/// Terms v2 lines in the workbook: days of service (percent = days x 100 /
/// days in the month, the amount from the exact days) and "at or below"
/// breaches and tiers recompute in LibreOffice to the engine's values.
#[test]
fn issue13_v2_lines_in_the_workbook_recompute_to_the_engine_values() {
    let dir = crate::util::temp_dir("exp-v2");
    let _ = std::fs::remove_dir_all(&dir);
    let lib = Library::open(&dir, 2_000).unwrap();
    let mut files = Vec::new();
    let mut line_counts = Vec::new();
    for case in [
        "v2-days-of-service",
        "v2-breach-at-or-below",
        "v2-quarter-fiscal",
        "v2-previous-month-fees",
        "v2-requests-downtime",
        "v2-requests-error-rate-average",
        "v2-rolling-cap-standalone",
    ] {
        let c = format!("fixtures/cases/{case}");
        let id = lib_add(&lib, &format!("{c}/terms.toml"));
        for kind in [Kind::Outages, Kind::Maintenance, Kind::Requests] {
            let file = format!("{c}/{}.csv", kind.name());
            if !std::path::Path::new(&file).exists() {
                continue;
            }
            lib.uc_import(
                &ctx(),
                &ImportRequest {
                    file: &file,
                    source_label: "test",
                    contract: Some(&id),
                    kind: Some(kind),
                },
                &mut |_| true,
            )
            .unwrap();
        }
        let expected: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(format!("{c}/expected.json")).unwrap())
                .unwrap();
        line_counts.push(expected["lines"].as_array().unwrap().len() as u32);
        let period = std::fs::read_to_string(format!("{c}/period.txt")).unwrap();
        let run = lib.uc_run(&ctx(), period.trim(), Some(&id)).unwrap();
        let number = run[0].statement.as_ref().expect("drafted").number.clone();
        files.push(
            lib.uc_export(&ctx(), &number, &dir.join("out"))
                .unwrap()
                .xlsx,
        );
    }
    // September, inside the quarter: the quarterly term gives no line, so
    // the workbook's only line is the monthly term's, with its own tiers.
    let drafted = lib.uc_run(&ctx(), "2026-09", Some("FISCAL-Q")).unwrap();
    let number = drafted[0]
        .statement
        .as_ref()
        .expect("drafted")
        .number
        .clone();
    let sep = lib
        .uc_export(&ctx(), &number, &dir.join("out"))
        .unwrap()
        .xlsx;
    let mut book: Xlsx<_> = open_workbook(&sep).unwrap();
    let lines = book.worksheet_range("Lines").unwrap();
    assert_eq!(cell(&lines, 1, 0), Data::String("calls-monthly".into()));
    assert_eq!(cell(&lines, 2, 0), Data::Empty);
    files.push(sep);
    line_counts.push(1);
    let profile = dir.join("lo-profile");
    std::fs::create_dir_all(profile.join("user")).unwrap();
    std::fs::write(
        profile.join("user/registrymodifications.xcu"),
        r#"<?xml version="1.0" encoding="UTF-8"?><oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item></oor:items>"#,
    )
    .unwrap();
    let outdir = dir.join("recalc");
    let mut args = vec![
        format!("-env:UserInstallation=file://{}", profile.display()),
        "--headless".into(),
        "--convert-to".into(),
        "xlsx".into(),
        "--outdir".into(),
        outdir.display().to_string(),
    ];
    args.extend(files.iter().map(|f| f.display().to_string()));
    let refs: Vec<&str> = args.iter().map(String::as_str).collect();
    let (ok, text) = run("soffice", &refs);
    assert!(ok, "{text}");
    for (file, lines) in files.iter().zip(&line_counts) {
        let mut before: Xlsx<_> = open_workbook(file).unwrap();
        let mut after: Xlsx<_> = open_workbook(outdir.join(file.file_name().unwrap())).unwrap();
        // The key figures (contract cap of a quarter's fees, rolling cap and
        // headroom, total) recompute to the engine's too.
        let (sb, sa) = (
            before.worksheet_range("Summary").unwrap(),
            after.worksheet_range("Summary").unwrap(),
        );
        for label in [
            "Subtotal",
            "Contract cap",
            "Rolling cap",
            "Rolling headroom",
            "Total credit",
        ] {
            let row = (0..sb.height() as u32)
                .find(|r| matches!(cell(&sb, *r, 0), Data::String(s) if s.starts_with(label)));
            let Some(row) = row else { continue };
            let (cached, recomputed) = (cell(&sb, row, 1), cell(&sa, row, 1));
            if let (Data::String(x), Data::String(y)) = (&cached, &recomputed) {
                assert_eq!(x, y, "{file:?} {label}");
                continue;
            }
            assert!(
                (f(&cached) - f(&recomputed)).abs() < 1e-6,
                "{file:?} {label}: cached {cached:?}, LibreOffice {recomputed:?}"
            );
        }
        let (b, a) = (
            before.worksheet_range("Lines").unwrap(),
            after.worksheet_range("Lines").unwrap(),
        );
        // Uptime, breached, percent, amount before the cap, amount, on
        // every line.
        for (row, col) in (1..=*lines).flat_map(|r| [7, 9, 12, 15, 16].map(|c| (r, c))) {
            let (cached, recomputed) = (cell(&b, row, col), cell(&a, row, col));
            match (&cached, &recomputed) {
                (Data::String(x), Data::String(y)) => {
                    assert_eq!(x, y, "{file:?} row {row} col {col}")
                }
                _ => assert!(
                    (f(&cached) - f(&recomputed)).abs() < 1e-6,
                    "{file:?} row {row} col {col}: cached {cached:?}, LibreOffice {recomputed:?}"
                ),
            }
        }
    }
    // The quarterly line names its quarter (terms v2 section 1).
    let mut quarter: Xlsx<_> = open_workbook(&files[2]).unwrap();
    let lines = quarter.worksheet_range("Lines").unwrap();
    assert_eq!(
        cell(&lines, 1, 1),
        Data::String("availability over FY2027-Q3".into())
    );
    assert_eq!(cell(&lines, 2, 1), Data::String("availability".into()));
    // Request-based lines show their interval counts.
    let mut req: Xlsx<_> = open_workbook(&files[4]).unwrap();
    let lines = req.worksheet_range("Lines").unwrap();
    assert_eq!(
        (f(&cell(&lines, 1, 19)), f(&cell(&lines, 1, 20))),
        (43_200.0, 48.0)
    );
    let mut avg: Xlsx<_> = open_workbook(&files[5]).unwrap();
    let lines = avg.worksheet_range("Lines").unwrap();
    assert_eq!(f(&cell(&lines, 1, 19)), 8_640.0);
    assert!((f(&cell(&lines, 1, 20)) - 0.121528).abs() < 1e-9);
    // The days line's workbook shows its days: 7 days of a 30-day month.
    let mut days: Xlsx<_> = open_workbook(&files[0]).unwrap();
    let lines = days.worksheet_range("Lines").unwrap();
    assert_eq!(cell(&lines, 1, 11), Data::String("days".into()));
    assert!(
        (f(&cell(&lines, 1, 16)) - 140.0).abs() < 1e-9,
        "{:?}",
        cell(&lines, 1, 16)
    );
}

fn lib_add(lib: &Library, terms: &str) -> String {
    let mut s = crate::util::session(lib, &ctx());
    sla_ledger::usecases::contracts::add(&mut s, terms, &[]).unwrap()
}
