//! Issue 18, part 4: `library backup FILE` and `library restore FILE DIR`
//! for both library kinds. The demo library (with a document attached)
//! round-trips with the same content digest, audit chain and documents; a
//! corrupt, truncated, changed or padded archive is refused with every
//! problem named and nothing left behind.

use crate::issue17::{pg_url, TempDb};
use crate::util::bin;
use sla_ledger::sla_store::backup::{self, Limits};
use sla_ledger::sla_store::Library;
use std::path::{Path, PathBuf};

const ACME_TERMS: &str = "fixtures/cases/spec-s6-full-example/terms.toml";

fn temp(name: &str) -> PathBuf {
    crate::util::temp_dir(&format!("i18-{name}"))
}

fn cli(args: &[&str]) -> std::process::Output {
    bin().args(args).output().unwrap()
}

fn ok(out: &std::process::Output) -> String {
    assert!(
        out.status.success(),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The demo library with the ACME terms attached as a document.
fn demo(dir: &Path) -> PathBuf {
    ok(&cli(&["demo", "--out", dir.to_str().unwrap()]));
    let lib = dir.join("library");
    ok(&cli(&[
        "--library",
        lib.to_str().unwrap(),
        "contracts",
        "attach",
        "ACME-2026-001",
        ACME_TERMS,
    ]));
    lib
}

fn files_under(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            (
                e.file_name().to_string_lossy().into_owned(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect();
    out.sort();
    out
}

#[test]
fn issue18_backup_and_restore_round_trip_the_demo_library() {
    let dir = temp("roundtrip");
    let lib = demo(&dir);
    let archive = dir.join("demo.slabackup");
    let text = ok(&cli(&[
        "--library",
        lib.to_str().unwrap(),
        "library",
        "backup",
        archive.to_str().unwrap(),
    ]));
    // The demo's signed Schedule B of ACME, and the terms file attached here.
    assert!(text.contains("2 document(s)"), "{text}");
    // Standard tar reads it, every member under one folder.
    if let Ok(t) = std::process::Command::new("tar")
        .arg("tf")
        .arg(&archive)
        .output()
    {
        let listing = String::from_utf8_lossy(&t.stdout);
        let mut names: Vec<&str> = listing.lines().collect();
        // The encrypted pass: the wrapped keys come right after the
        // database, and nothing else changes in the archive's shape.
        if crate::util::encrypted_pass() {
            assert_eq!(names.remove(1), "sla-ledger-backup/library.key");
        }
        assert_eq!(names.len(), 5, "{listing}");
        assert_eq!(names[0], "sla-ledger-backup/library.sqlite3");
        assert!(names[1..3]
            .iter()
            .all(|n| n.starts_with("sla-ledger-backup/documents/")));
        assert_eq!(
            names[3..],
            [
                "sla-ledger-backup/MANIFEST.json",
                "sla-ledger-backup/MANIFEST.sha256"
            ]
        );
    }
    // A backup never overwrites.
    let again = cli(&[
        "--library",
        lib.to_str().unwrap(),
        "library",
        "backup",
        archive.to_str().unwrap(),
    ]);
    assert_eq!(again.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&again.stderr).contains("never overwrites"));

    let restored = dir.join("restored");
    let text = ok(&cli(&[
        "library",
        "restore",
        archive.to_str().unwrap(),
        restored.to_str().unwrap(),
        "--json",
    ]));
    let report: serde_json::Value = serde_json::from_str(&text).unwrap();
    let (a, b) = (
        Library::open(&lib, 2_000).unwrap(),
        Library::open(&restored, 2_000).unwrap(),
    );
    // Bit-identical in content: every table's rows, the chain, the documents.
    assert_eq!(a.content_sha256().unwrap(), b.content_sha256().unwrap());
    assert_eq!(
        report["manifest"]["content_sha256"],
        a.content_sha256().unwrap()
    );
    assert_eq!(a.chain_head().unwrap(), b.chain_head().unwrap());
    assert_eq!(a.library_id().unwrap(), b.library_id().unwrap());
    assert_eq!(
        files_under(&lib.join("documents")),
        files_under(&restored.join("documents"))
    );
    let v = b.audit_verify().unwrap();
    assert!(
        v.ok && v.entries == a.audit_verify().unwrap().entries,
        "{:?}",
        v.problems
    );
    assert!(
        v.statements_checked >= 48,
        "every final statement's seal re-derived"
    );
    // And the restored library works: its statements read as before.
    let show = |l: &Path| {
        ok(&cli(&[
            "--library",
            l.to_str().unwrap(),
            "statements",
            "show",
            "ACME-2026-001/2026-10/1",
        ]))
    };
    assert_eq!(show(&lib), show(&restored));
    // Into a folder that is not empty: refused, nothing touched.
    let e = cli(&[
        "library",
        "restore",
        archive.to_str().unwrap(),
        restored.to_str().unwrap(),
    ]);
    assert_eq!(e.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&e.stderr).contains("is not empty"));
    let _ = std::fs::remove_dir_all(&dir);
}

/// Restores `bytes` as an archive into a new folder; the error's text.
fn refused(dir: &Path, name: &str, bytes: &[u8]) -> String {
    let archive = dir.join(format!("{name}.slabackup"));
    std::fs::write(&archive, bytes).unwrap();
    let target = dir.join(format!("{name}-restored"));
    let out = cli(&[
        "library",
        "restore",
        archive.to_str().unwrap(),
        target.to_str().unwrap(),
        "--json",
    ]);
    assert_eq!(
        out.status.code(),
        Some(3),
        "{name}: {}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert!(!target.exists(), "{name}: nothing restored");
    // No staging folder either.
    let left: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().contains(".restore-"))
        .collect();
    assert!(left.is_empty(), "{name}: staging left behind");
    let err: serde_json::Value = serde_json::from_slice(&out.stderr)
        .unwrap_or_else(|_| serde_json::json!({"message": String::from_utf8_lossy(&out.stderr)}));
    if err.get("code").is_some() {
        assert_eq!(err["code"], "E-INTEGRITY", "{name}: {err}");
    }
    err["message"].as_str().unwrap_or_default().to_string()
}

#[test]
fn issue18_restore_refuses_a_corrupt_or_truncated_archive() {
    let dir = temp("corrupt");
    let lib = demo(&dir);
    let archive = dir.join("good.slabackup");
    ok(&cli(&[
        "--library",
        lib.to_str().unwrap(),
        "library",
        "backup",
        archive.to_str().unwrap(),
    ]));
    let good = std::fs::read(&archive).unwrap();
    let find = |needle: &[u8]| {
        good.windows(needle.len())
            .position(|w| w == needle)
            .unwrap()
    };

    // One byte of the database changed (inside a page, past the header).
    let mut b = good.clone();
    b[512 + 8192] ^= 0x01;
    let m = refused(&dir, "db-byte", &b);
    assert!(
        m.contains("`library.sqlite3` is") && m.contains("the manifest says"),
        "{m}"
    );

    // One byte of the attached document changed.
    let mut b = good.clone();
    let doc = find(b"sla-ledger-backup/documents/") + 512;
    b[doc + 20] ^= 0x20;
    let m = refused(&dir, "doc-byte", &b);
    // A sealed document is first caught by the manifest's hash of it (its
    // own hash is checked once it is opened with the key).
    let expected = match crate::util::encrypted_pass() {
        true => "the manifest says",
        false => "does not hash to its name",
    };
    assert!(m.contains(expected), "{m}");

    // Cut short: inside the database, and just before the manifest.
    let m = refused(&dir, "truncated", &good[..good.len() / 2]);
    assert!(m.contains("truncated"), "{m}");
    let manifest_at = find(b"sla-ledger-backup/MANIFEST.json");
    let m = refused(&dir, "no-manifest", &good[..manifest_at]);
    assert!(m.contains("truncated"), "{m}");

    // The manifest edited (a hash in it made to match a changed member).
    let mut b = good.clone();
    let created = find(b"\"created_by\": \"");
    b[created + 15] = b'X';
    let m = refused(&dir, "manifest-edit", &b);
    assert!(
        m.contains("MANIFEST.json does not match MANIFEST.sha256"),
        "{m}"
    );

    // A header damaged: its checksum says so.
    let mut b = good.clone();
    b[manifest_at + 20] = b'Z';
    let m = refused(&dir, "header", &b);
    assert!(m.contains("the header is damaged"), "{m}");

    // Not a backup at all.
    let m = refused(&dir, "text", b"hello, this is not an archive");
    assert!(m.contains("truncated"), "{m}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn issue18_an_archive_with_foreign_members_or_sizes_beyond_the_limits_is_refused_before_reading() {
    use sla_ledger::sla_store::ustar;
    let member = |name: &str, data: &[u8]| {
        let mut out = Vec::new();
        ustar::write_header(&mut out, name, data.len() as u64).unwrap();
        out.extend_from_slice(data);
        ustar::write_padding(&mut out, data.len() as u64).unwrap();
        out
    };
    let read = |bytes: Vec<u8>, limits: &Limits| {
        let mut wrote = 0usize;
        let r = backup::read_archive(&bytes[..], limits, &mut |_| {
            wrote += 1;
            Ok(Box::new(std::io::sink()))
        });
        (r.unwrap_err().join("; "), wrote)
    };
    let mut a = member("sla-ledger-backup/../../etc/passwd", b"x");
    ustar::write_end(&mut a).unwrap();
    let (e, wrote) = read(a, &Limits::default());
    assert!(
        e.contains("does not belong in a backup") && wrote == 0,
        "{e}"
    );

    let mut a = member("elsewhere/library.sqlite3", b"x");
    ustar::write_end(&mut a).unwrap();
    assert!(read(a, &Limits::default())
        .0
        .contains("outside sla-ledger-backup/"));

    // A header that declares more than the limit: refused before its data
    // (the archive holds only the header).
    let mut a = Vec::new();
    ustar::write_header(&mut a, "sla-ledger-backup/library.sqlite3", 5 << 30).unwrap();
    let limits = Limits {
        database_bytes: 1 << 30,
        ..Limits::default()
    };
    let (e, wrote) = read(a, &limits);
    assert!(e.contains("declares 5368709120 bytes") && wrote == 0, "{e}");

    let mut a = member("sla-ledger-backup/library.sqlite3", b"db");
    a.extend(member("sla-ledger-backup/library.sqlite3", b"db"));
    ustar::write_end(&mut a).unwrap();
    assert!(read(a, &Limits::default()).0.contains("appears twice"));
}

#[test]
fn issue18_team_library_backup_restores_into_a_folder_and_into_postgres() {
    let Some(admin) = pg_url() else { return };
    let dir = temp("team");
    let src = TempDb::new(&admin, "i18src");
    ok(&cli(&[
        "--library",
        &src.url,
        "demo",
        "--out",
        dir.join("demo").to_str().unwrap(),
    ]));
    ok(&cli(&[
        "--library",
        &src.url,
        "contracts",
        "attach",
        "ACME-2026-001",
        ACME_TERMS,
    ]));
    let archive = dir.join("team.slabackup");
    ok(&cli(&[
        "--library",
        &src.url,
        "library",
        "backup",
        archive.to_str().unwrap(),
    ]));
    let digest = |l: &Library| l.content_sha256().unwrap();
    let team = Library::open_pg(&src.url, &dir.join("local"), 10_000).unwrap();
    let want = digest(&team);

    // Into a folder: a SQLite library with the same content.
    let folder = dir.join("restored");
    ok(&cli(&[
        "library",
        "restore",
        archive.to_str().unwrap(),
        folder.to_str().unwrap(),
    ]));
    let restored = Library::open(&folder, 2_000).unwrap();
    assert_eq!(digest(&restored), want, "PostgreSQL -> archive -> SQLite");
    assert!(restored.audit_verify().unwrap().ok);

    // Into another, empty, team library.
    let dst = TempDb::new(&admin, "i18dst");
    ok(&cli(&[
        "library",
        "restore",
        archive.to_str().unwrap(),
        &dst.url,
    ]));
    let back = Library::open_pg(&dst.url, &dir.join("local2"), 10_000).unwrap();
    assert_eq!(digest(&back), want, "archive -> PostgreSQL");
    assert_eq!(back.chain_head().unwrap(), team.chain_head().unwrap());
    // A second restore into the now full library is refused.
    let e = cli(&["library", "restore", archive.to_str().unwrap(), &dst.url]);
    assert_eq!(
        e.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&e.stderr)
    );
    drop((team, back));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn issue18_an_archive_made_by_another_tar_in_our_shape_is_read() {
    // fuzz/make_seeds.py writes these with Python's tarfile (ustar).
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/corpus/backup_archive");
    let read = |name: &str| {
        let bytes = std::fs::read(root.join(name)).unwrap();
        let mut names = Vec::new();
        let r = backup::read_archive(&bytes[..], &Limits::default(), &mut |n| {
            names.push(n.to_string());
            Ok(Box::new(std::io::sink()))
        });
        (r, names)
    };
    let (r, names) = read("whole.slabackup");
    let m = r.unwrap();
    assert_eq!(m.members.len(), 2);
    assert_eq!(names[0], "library.sqlite3");
    let (r, _) = read("unlisted-member.slabackup");
    let e = r.unwrap_err().join("; ");
    assert!(
        e.contains("is in the archive but not in its manifest"),
        "{e}"
    );
}

#[test]
fn issue18_copy_and_backup_cover_every_table() {
    // Every table of the schema is copied and digested: a table left out
    // of the list would be lost by `library copy` and unchecked by restore.
    let dir = temp("tables");
    let lib = Library::open(&dir.join("lib"), 2_000).unwrap();
    let schema: Vec<String> = lib
        .conn()
        .query(
            "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
            sla_ledger::sla_store::params![],
        )
        .unwrap()
        .iter()
        .map(|r| r.get(0).unwrap())
        .collect();
    let mut listed: Vec<String> = sla_ledger::sla_store::copy::table_names()
        .map(str::to_string)
        .collect();
    listed.sort();
    assert_eq!(listed, schema);
    drop(lib);
    let _ = std::fs::remove_dir_all(&dir);
}
