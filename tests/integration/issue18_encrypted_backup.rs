//! Issue 18, part 2, the encrypted library's backups, restores and
//! copies: a backup stays sealed and restores only with the passphrase; a
//! copy is encrypted with keys of its own or plain only on purpose; a
//! machine that encrypts every new library restores a plain backup
//! encrypted; a document smuggled into a sealed archive is refused.

use crate::issue18_encrypted::{
    cli, demo, failed, library_files, ok, readable, temp, with_pass, PASS,
};
use sha2::{Digest, Sha256};
use std::path::Path;

#[test]
fn issue18_an_encrypted_backup_stays_sealed_and_restores_only_with_the_passphrase() {
    let dir = temp("backup");
    let lib = demo(&dir.join("demo"), true);
    let archive = dir.join("sealed.slabackup");
    ok(with_pass(PASS)
        .args(["--library", lib.to_str().unwrap(), "library", "backup"])
        .arg(&archive)
        .output()
        .unwrap());
    let bytes = std::fs::read(&archive).unwrap();
    let found = readable(&[(archive.clone(), bytes)]);
    assert_eq!(found, Vec::<String>::new());

    // No passphrase: refused as locked, nothing left behind.
    let target = dir.join("restored");
    let (code, err) = failed(
        cli()
            .args(["library", "restore"])
            .arg(&archive)
            .arg(&target)
            .output()
            .unwrap(),
    );
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("is encrypted"), "{err}");
    assert!(!target.exists() || std::fs::read_dir(&target).unwrap().next().is_none());

    let out = ok(with_pass(PASS)
        .args(["library", "restore"])
        .arg(&archive)
        .arg(&target)
        .output()
        .unwrap());
    assert!(out.contains("as backed up"), "{out}");
    assert!(target.join("library.key").exists());
    assert_eq!(readable(&library_files(&target)), Vec::<String>::new());
    let shown = |l: &Path| {
        ok(with_pass(PASS)
            .args(["--library", l.to_str().unwrap(), "statements", "show"])
            .arg("ACME-2026-001/2026-10/1")
            .output()
            .unwrap())
    };
    assert_eq!(shown(&lib), shown(&target));

    // A copy of an encrypted library is encrypted too: refused as plain,
    // made with keys of its own under a passphrase of its own (which is how
    // keys are rotated), plain only when asked for.
    let plain_copy = dir.join("plain-copy");
    let (_, err) = failed(
        with_pass(PASS)
            .args([
                "library",
                "copy",
                lib.to_str().unwrap(),
                plain_copy.to_str().unwrap(),
            ])
            .output()
            .unwrap(),
    );
    assert!(err.contains("so its copy must be too"), "{err}");
    assert!(!plain_copy.join("library.sqlite3").exists());
    let copy = dir.join("copy");
    ok(with_pass(PASS)
        .env("SLA_LEDGER_NEW_PASSPHRASE", "the copy's own passphrase")
        .args([
            "library",
            "copy",
            "--encrypted",
            lib.to_str().unwrap(),
            copy.to_str().unwrap(),
        ])
        .output()
        .unwrap());
    assert_ne!(
        std::fs::read(copy.join("library.key")).unwrap(),
        std::fs::read(lib.join("library.key")).unwrap()
    );
    let key_id = |l: &Path| -> String {
        let v: serde_json::Value =
            serde_json::from_slice(&std::fs::read(l.join("library.key")).unwrap()).unwrap();
        v["key_id"].as_str().unwrap().to_string()
    };
    assert_ne!(key_id(&copy), key_id(&lib), "the copy has keys of its own");
    assert_eq!(readable(&library_files(&copy)), Vec::<String>::new());
    let shown_with = |l: &Path, pass: &str| {
        with_pass(pass)
            .args(["--library", l.to_str().unwrap(), "statements", "show"])
            .arg("ACME-2026-001/2026-10/1")
            .output()
            .unwrap()
    };
    assert_eq!(
        ok(shown_with(&copy, "the copy's own passphrase")),
        shown(&lib)
    );
    failed(shown_with(&copy, PASS));
    ok(with_pass(PASS)
        .args([
            "library",
            "copy",
            "--decrypt",
            lib.to_str().unwrap(),
            plain_copy.to_str().unwrap(),
        ])
        .output()
        .unwrap());
    assert!(!plain_copy.join("library.key").exists());
    assert_eq!(
        ok(cli()
            .args([
                "--library",
                plain_copy.to_str().unwrap(),
                "statements",
                "show",
                "ACME-2026-001/2026-10/1"
            ])
            .output()
            .unwrap()),
        shown(&lib)
    );
}

#[test]
fn issue18_a_machine_that_encrypts_every_new_library_restores_a_plain_backup_encrypted() {
    let dir = temp("policy");
    let plain = demo(&dir.join("demo"), false);
    let archive = dir.join("plain.slabackup");
    ok(cli()
        .args(["--library", plain.to_str().unwrap(), "library", "backup"])
        .arg(&archive)
        .output()
        .unwrap());
    let target = dir.join("restored");
    let out = ok(with_pass(PASS)
        .env("SLA_LEDGER_ENCRYPT_NEW", "1")
        .args(["library", "restore"])
        .arg(&archive)
        .arg(&target)
        .output()
        .unwrap());
    assert!(out.contains("restored"), "{out}");
    assert!(target.join("library.key").exists());
    assert_eq!(readable(&library_files(&target)), Vec::<String>::new());
    // And with --encrypted on any machine, under a passphrase of its own.
    let asked = dir.join("asked");
    let restore_with = |pass: &str| {
        cli()
            .env("SLA_LEDGER_NEW_PASSPHRASE", pass)
            .args(["library", "restore", "--encrypted"])
            .arg(&archive)
            .arg(&asked)
            .output()
            .unwrap()
    };
    // Too short: refused, and nothing left behind.
    let (_, err) = failed(restore_with("short"));
    assert!(err.contains("at least 8 characters"), "{err}");
    assert!(!asked.exists());
    ok(restore_with("a passphrase of its own"));
    assert_eq!(readable(&library_files(&asked)), Vec::<String>::new());
    let list = ok(with_pass("a passphrase of its own")
        .args(["--library", asked.to_str().unwrap(), "contracts", "list"])
        .output()
        .unwrap());
    assert!(list.contains("ACME-2026-001"), "{list}");
}

/// The members of a backup archive, in order (names without the root).
fn members(archive: &Path) -> Vec<(String, Vec<u8>)> {
    use sla_ledger::sla_store::ustar;
    let mut r = ustar::Reader::new(std::fs::File::open(archive).unwrap());
    let mut out = Vec::new();
    while let Some(e) = r.next_entry().unwrap() {
        let mut data = Vec::new();
        r.copy_data(&mut data).unwrap();
        out.push((e.name, data));
    }
    out
}

fn write_archive(path: &Path, members: &[(String, Vec<u8>)]) {
    use sla_ledger::sla_store::ustar;
    let mut w = Vec::new();
    for (name, data) in members {
        ustar::write_header(&mut w, name, data.len() as u64).unwrap();
        w.extend_from_slice(data);
        ustar::write_padding(&mut w, data.len() as u64).unwrap();
    }
    ustar::write_end(&mut w).unwrap();
    std::fs::write(path, w).unwrap();
}

#[test]
fn issue18_a_document_smuggled_into_an_encrypted_backup_is_refused() {
    let dir = temp("smuggled");
    let lib = demo(&dir.join("demo"), true);
    let archive = dir.join("sealed.slabackup");
    ok(with_pass(PASS)
        .args(["--library", lib.to_str().unwrap(), "library", "backup"])
        .arg(&archive)
        .output()
        .unwrap());
    // Whoever holds the archive can add a member and recompute the
    // manifest's plain SHA-256: a "document" no row names, under the hash
    // of a file the library may receive later.
    let mut all = members(&archive);
    let junk_name = format!("sla-ledger-backup/documents/{}", "ab".repeat(32));
    let junk = b"SLAENC1\0not sealed under this library's key".to_vec();
    let manifest_at = all
        .iter()
        .position(|(n, _)| n.ends_with("MANIFEST.json"))
        .unwrap();
    let mut m: serde_json::Value = serde_json::from_slice(&all[manifest_at].1).unwrap();
    m["members"]
        .as_array_mut()
        .unwrap()
        .push(serde_json::json!({
            "path": junk_name.trim_start_matches("sla-ledger-backup/"),
            "size": junk.len(),
            "sha256": format!("{:x}", Sha256::digest(&junk)),
        }));
    let json = serde_json::to_vec_pretty(&m).unwrap();
    all[manifest_at + 1].1 = format!("{:x}\n", Sha256::digest(&json)).into_bytes();
    all[manifest_at].1 = json;
    all.insert(manifest_at, (junk_name, junk));
    let tampered = dir.join("tampered.slabackup");
    write_archive(&tampered, &all);
    let target = dir.join("restored");
    let (code, err) = failed(
        with_pass(PASS)
            .args(["library", "restore"])
            .arg(&tampered)
            .arg(&target)
            .output()
            .unwrap(),
    );
    assert_eq!(code, 3, "{err}");
    assert!(
        err.contains(&format!(
            "documents/{} does not open with this library's key",
            "ab".repeat(32)
        )),
        "{err}"
    );
    assert!(!target.exists());
    // The untouched archive, rewritten the same way, still restores: the
    // refusal is the smuggled member's.
    let again = dir.join("again.slabackup");
    write_archive(&again, &members(&archive));
    ok(with_pass(PASS)
        .args(["library", "restore"])
        .arg(&again)
        .arg(&target)
        .output()
        .unwrap());
}
