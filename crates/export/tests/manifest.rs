//! The statement manifest: written byte for byte as before, read back,
//! checked against files, and refused when hostile.

mod common;

use serde_json::json;
use sla_export::manifest::{self, FileCheck, Manifest, ManifestError, MAX_BYTES, MAX_FILES};
use sla_export::{Identity, StatementView};
use std::path::Path;

const NOW: i64 = 1_795_860_000;

/// A final statement's files, as `export_statement` makes them (the PDF
/// unsigned: signing changes nothing the manifest does with it).
fn exported() -> (StatementView, Vec<u8>, Vec<u8>) {
    let v = common::view(true);
    let xlsx = sla_export::xlsx::render(&v).unwrap();
    let pdf = sla_export::pdf::render(&v, &manifest::sha256_hex(&xlsx)).unwrap();
    (v, pdf, xlsx)
}

fn made(v: &StatementView, pdf: &[u8], xlsx: &[u8]) -> Manifest {
    let files: [(&str, &[u8]); 2] = [
        ("ACME-2026-001_2026-10_1.pdf", pdf),
        ("ACME-2026-001_2026-10_1.xlsx", xlsx),
    ];
    Manifest::new(
        v,
        &files,
        "CN=Statements signing,O=Example Hosting Ltd",
        NOW,
    )
}

#[test]
fn the_json_is_the_one_export_statement_wrote() {
    let (v, pdf, xlsx) = exported();
    let m = made(&v, &pdf, &xlsx);
    // What src/export.rs builds today, field for field.
    let hex = |b: &[u8]| manifest::sha256_hex(b);
    let before = json!({
        "schema": "sla-ledger-manifest/1",
        "statement": v.number,
        "contract": v.terms.contract.id,
        "period": v.result.period.label,
        "status": v.status,
        "statement_seal_sha256": v.seal_sha256,
        "files": [
            { "name": Some("ACME-2026-001_2026-10_1.pdf"), "sha256": hex(&pdf), "bytes": pdf.len() },
            { "name": Some("ACME-2026-001_2026-10_1.xlsx"), "sha256": hex(&xlsx), "bytes": xlsx.len() },
        ],
        "chain_head": v.chain_head.as_ref().map(|h| json!({ "seq": h.seq, "hash": h.hash, "signed_at": h.signed_at })),
        "signer": "CN=Statements signing,O=Example Hosting Ltd",
        "signed_at": sla_engine::time::fmt_instant(NOW),
    });
    assert_eq!(
        String::from_utf8(m.to_json_bytes()).unwrap(),
        String::from_utf8(serde_json::to_vec_pretty(&before).unwrap()).unwrap()
    );
    // And the layout, pinned.
    let text = String::from_utf8(m.to_json_bytes()).unwrap();
    let want = format!(
        r#"{{
  "schema": "sla-ledger-manifest/1",
  "statement": "ACME-2026-001/2026-10/1",
  "contract": "ACME-2026-001",
  "period": "2026-10",
  "status": "FINAL",
  "statement_seal_sha256": "{seal}",
  "files": [
    {{
      "name": "ACME-2026-001_2026-10_1.pdf",
      "sha256": "{p}",
      "bytes": {pl}
    }},
    {{
      "name": "ACME-2026-001_2026-10_1.xlsx",
      "sha256": "{x}",
      "bytes": {xl}
    }}
  ],
  "chain_head": {{
    "seq": 42,
    "hash": "{h}",
    "signed_at": "2026-11-28T10:40:00Z"
  }},
  "signer": "CN=Statements signing,O=Example Hosting Ltd",
  "signed_at": "2026-11-28T10:00:00Z"
}}"#,
        seal = common::SEAL,
        p = hex(&pdf),
        pl = pdf.len(),
        x = hex(&xlsx),
        xl = xlsx.len(),
        h = "9c1d".repeat(16),
    );
    assert_eq!(text, want);
}

#[test]
fn a_manifest_without_seal_or_head_writes_null() {
    let (mut v, pdf, xlsx) = exported();
    v.seal_sha256 = None;
    v.chain_head = None;
    let text = String::from_utf8(made(&v, &pdf, &xlsx).to_json_bytes()).unwrap();
    assert!(text.contains("\"statement_seal_sha256\": null,"), "{text}");
    assert!(text.contains("\"chain_head\": null,"), "{text}");
    let back = Manifest::parse(text.as_bytes()).unwrap();
    assert_eq!(back.chain_head_entry(), None);
}

#[test]
fn it_reads_back_as_written() {
    let (v, pdf, xlsx) = exported();
    let m = made(&v, &pdf, &xlsx);
    let back = Manifest::parse(&m.to_json_bytes()).unwrap();
    assert_eq!(back, m);
    assert_eq!(back.to_json_bytes(), m.to_json_bytes());
    assert_eq!(back.signed_at_unix(), Some(NOW));
    assert_eq!(back.chain_head_entry(), Some((42, "9c1d".repeat(16))));
    assert_eq!(back.pdf().unwrap().name, "ACME-2026-001_2026-10_1.pdf");
    assert_eq!(back.files[0].bytes, pdf.len() as u64);
}

#[test]
fn the_files_as_exported_hold_and_one_changed_byte_does_not() {
    let (v, pdf, xlsx) = exported();
    let m = made(&v, &pdf, &xlsx);
    let read = |name: &str| match name {
        "ACME-2026-001_2026-10_1.pdf" => Some(pdf.clone()),
        "ACME-2026-001_2026-10_1.xlsx" => Some(xlsx.clone()),
        _ => None,
    };
    let all = m.check_files(read);
    assert_eq!(all.len(), 2);
    assert!(all.iter().all(FileCheck::holds), "{all:?}");
    assert_eq!(
        all[1].detail(),
        "SHA-256 as signed (ACME-2026-001_2026-10_1.xlsx)"
    );

    let mut changed = xlsx.clone();
    let mid = changed.len() / 2;
    changed[mid] ^= 1;
    let c = m.check_file("ACME-2026-001_2026-10_1.xlsx", Some(&changed));
    assert!(!c.holds());
    assert_eq!(
        c.detail(),
        format!(
            "SHA-256 {} but the manifest says {} (ACME-2026-001_2026-10_1.xlsx)",
            manifest::sha256_hex(&changed),
            manifest::sha256_hex(&xlsx)
        )
    );

    let gone = m.check_files(|_| None);
    assert!(gone.iter().all(|c| !c.holds()));
    assert!(gone[0]
        .detail()
        .starts_with("SHA-256 unreadable but the manifest says "));

    let unlisted = m.check_file("other.pdf", Some(&pdf));
    assert!(!unlisted.holds());
    assert!(unlisted
        .detail()
        .ends_with("but the manifest says nothing (other.pdf)"));
}

#[test]
fn a_listed_name_that_is_a_path_is_never_matched_or_read() {
    let (v, pdf, xlsx) = exported();
    let mut m = made(&v, &pdf, &xlsx);
    for (f, name) in m.files.iter_mut().zip(["../etc/x.pdf", ".."]) {
        f.name = name.into();
    }
    m.files.push(manifest::ManifestFile {
        name: "a\\b.xlsx".into(),
        sha256: manifest::sha256_hex(&xlsx),
        bytes: 1,
    });
    assert_eq!(m.listed().count(), 0);
    assert!(m.pdf().is_none());
    let mut asked = Vec::new();
    assert!(m
        .check_files(|n| {
            asked.push(n.to_string());
            None
        })
        .is_empty());
    assert!(asked.is_empty());
    assert_eq!(m.expected_sha256("../etc/x.pdf"), None);
}

#[test]
fn oversized_or_crowded_manifests_are_refused() {
    let big = vec![b' '; MAX_BYTES + 1];
    assert_eq!(
        Manifest::parse(&big),
        Err(ManifestError::TooLarge {
            bytes: MAX_BYTES + 1,
            limit: MAX_BYTES
        })
    );
    let (v, pdf, xlsx) = exported();
    let mut m = made(&v, &pdf, &xlsx);
    let one = m.files[0].clone();
    m.files = vec![one; MAX_FILES];
    assert_eq!(
        Manifest::parse(&m.to_json_bytes()).unwrap().files.len(),
        MAX_FILES
    );
    m.files.push(m.files[0].clone());
    assert_eq!(
        Manifest::parse(&m.to_json_bytes()),
        Err(ManifestError::TooManyFiles { limit: MAX_FILES })
    );
    // Tens of thousands of small entries within the size limit: refused
    // once past the limit, whatever follows.
    let entry = r#"{"name":"a","sha256":"b","bytes":1},"#;
    let crowded = format!(
        r#"{{"files":[{}{{}}]}}"#,
        entry.repeat((MAX_BYTES - 20) / entry.len())
    );
    assert!(crowded.len() <= MAX_BYTES);
    assert_eq!(
        Manifest::parse(crowded.as_bytes()),
        Err(ManifestError::TooManyFiles { limit: MAX_FILES })
    );
}

#[test]
fn what_is_not_a_manifest_is_an_error_not_a_panic() {
    for bad in [
        &b""[..],
        b"not json",
        b"[]",
        b"{}",
        br#"{"schema":"sla-ledger-manifest/1"}"#,
        b"{\"files\": 7}",
        &[0xff, 0xfe, 0x00],
    ] {
        assert!(
            matches!(Manifest::parse(bad), Err(ManifestError::Invalid(_))),
            "{:?}",
            String::from_utf8_lossy(bad)
        );
    }
    let (v, pdf, xlsx) = exported();
    let text = String::from_utf8(made(&v, &pdf, &xlsx).to_json_bytes()).unwrap();
    let no_signer = text.replace("\"signer\"", "\"signed_by\"");
    let e = Manifest::parse(no_signer.as_bytes()).unwrap_err();
    assert!(e.to_string().contains("missing field `signer`"), "{e}");
}

#[test]
fn the_signature_holds_for_the_bytes_signed_only() {
    let (v, pdf, xlsx) = exported();
    let id = Identity::create("Example Hosting Ltd", "Statements signing", NOW).unwrap();
    let m = Manifest::new(
        &v,
        &[("s.pdf", &pdf), ("s.xlsx", &xlsx)],
        &id.subject(),
        NOW,
    );
    let bytes = m.to_json_bytes();
    let p7s = manifest::sign(&bytes, &id).unwrap();
    let ok = manifest::check_signature(&bytes, &p7s).unwrap();
    assert!(ok.digest_matches && ok.signature_valid);
    assert_eq!(ok.signer, id.cert);
    let mut changed = bytes.clone();
    let at = changed.len() - 3;
    changed[at] = b'9';
    let broken = manifest::check_signature(&changed, &p7s).unwrap();
    assert!(!broken.digest_matches);
    assert!(manifest::check_signature(&bytes, b"not a signature").is_err());
}

#[test]
fn the_pdf_listed_carries_the_manifests_seal() {
    let (v, pdf, xlsx) = exported();
    let m = made(&v, &pdf, &xlsx);
    let same = m.check_pdf_seal(&pdf);
    assert!(same.holds());
    assert_eq!(same.pdf_seal.as_deref(), Some(common::SEAL));
    assert_eq!(
        same.detail(),
        "the PDF and the manifest carry the same seal"
    );
    let draft = sla_export::pdf::render(&common::view(false), "abc").unwrap();
    let other = m.check_pdf_seal(&draft);
    assert!(!other.holds());
    assert_eq!(
        other.detail(),
        format!("the PDF's seal is  but the manifest's is {}", common::SEAL)
    );
    let none = m.check_pdf_seal(b"%PDF-1.7 nothing here");
    assert_eq!(
        none.detail(),
        format!(
            "the PDF's seal is missing but the manifest's is {}",
            common::SEAL
        )
    );
}

#[test]
fn the_manifest_and_its_signature_sit_beside_the_files() {
    let dir = Path::new("out");
    assert_eq!(
        manifest::path_for(&dir.join("S_1.pdf")),
        dir.join("S_1.manifest.json")
    );
    assert_eq!(
        manifest::path_for(&dir.join("S_1.xlsx")),
        dir.join("S_1.manifest.json")
    );
    assert_eq!(
        manifest::path_for(&dir.join("S_1.Manifest.JSON")),
        dir.join("S_1.Manifest.JSON")
    );
    assert_eq!(
        manifest::signature_path(&dir.join("S_1.manifest.json")),
        dir.join("S_1.manifest.json.p7s")
    );
}
