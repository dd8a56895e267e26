//! Issue 18, part 2: an encrypted library for data rooms. The demo library
//! made encrypted has no contract text, counterparty name, contract id or
//! amount readable anywhere in its folder (the raw bytes are searched, with
//! a plain demo library as the control that finds them all); a wrong
//! passphrase is said as such and changes no byte; `library rekey` changes
//! the passphrase and nothing else; a backup stays sealed and restores only
//! with the passphrase; a copy stays encrypted. The rest of the suite runs
//! against encrypted libraries too (`test-all.sh`'s encrypted pass).

use crate::util::bin;
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub(crate) const PASS: &str = "correct horse battery staple";

/// What must not be readable in an encrypted library: a counterparty, a
/// contract id, a clause of the attached Schedule B (extracted text and
/// the PDF itself), a monthly fee, two statement totals.
pub(crate) const NEEDLES: &[&str] = &[
    "Acme Corp",
    "ACME-2026-001",
    "will be available 99.95%",
    "Managed Hosting Agreement",
    "12500.00",
    "1875.00",
    "2487.50",
];

pub(crate) fn temp(name: &str) -> PathBuf {
    crate::util::temp_dir(&format!("i18e-{name}"))
}

/// The CLI with no passphrase from the environment (the suite's encrypted
/// pass sets one) and no terminal to ask in.
pub(crate) fn cli() -> Command {
    let mut c = bin();
    c.env_remove("SLA_LEDGER_PASSPHRASE")
        .env_remove("SLA_LEDGER_ENCRYPT_NEW")
        .env_remove("SLA_LEDGER_NEW_PASSPHRASE")
        .stdin(std::process::Stdio::null());
    c
}

pub(crate) fn with_pass(pass: &str) -> Command {
    let mut c = cli();
    c.env("SLA_LEDGER_PASSPHRASE", pass);
    c
}

pub(crate) fn ok(out: Output) -> String {
    assert!(
        out.status.success(),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

pub(crate) fn failed(out: Output) -> (i32, String) {
    assert!(
        !out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// The demo library, encrypted (`SLA_LEDGER_ENCRYPT_NEW`) or plain.
pub(crate) fn demo(dir: &Path, encrypted: bool) -> PathBuf {
    let mut c = cli();
    if encrypted {
        c.env("SLA_LEDGER_ENCRYPT_NEW", "1")
            .env("SLA_LEDGER_PASSPHRASE", PASS);
    }
    ok(c.args(["demo", "--out", dir.to_str().unwrap()])
        .output()
        .unwrap());
    dir.join("library")
}

/// Every file under `dir` (the database, its WAL if any, the documents,
/// the key file), with its bytes; the signing identity is this machine's
/// own certificate and key, not the data room's content.
pub(crate) fn library_files(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                if p.file_name().is_some_and(|n| n != "identity") {
                    stack.push(p);
                }
            } else {
                let bytes = std::fs::read(&p).unwrap();
                out.push((p, bytes));
            }
        }
    }
    out.sort();
    out
}

/// The needles found in the bytes of `files`, as "needle in file".
pub(crate) fn readable(files: &[(PathBuf, Vec<u8>)]) -> Vec<String> {
    let mut found = Vec::new();
    for needle in NEEDLES {
        for (path, bytes) in files {
            if bytes.windows(needle.len()).any(|w| w == needle.as_bytes()) {
                found.push(format!("{needle} in {}", path.display()));
            }
        }
    }
    found
}

fn digest(files: &[(PathBuf, Vec<u8>)]) -> Vec<(PathBuf, String)> {
    files
        .iter()
        .map(|(p, b)| (p.clone(), format!("{:x}", Sha256::digest(b))))
        .collect()
}

#[test]
fn issue18_no_contract_text_name_or_amount_is_readable_in_an_encrypted_library() {
    let dir = temp("raw");
    // The control: a plain demo library holds every needle in clear, so
    // the search below can fail.
    let plain = demo(&dir.join("plain"), false);
    let files = library_files(&plain);
    let found = readable(&files);
    for needle in NEEDLES {
        assert!(
            found.iter().any(|f| f.starts_with(needle)),
            "the control should show `{needle}` readable: {found:?}"
        );
    }
    assert!(!plain.join("library.key").exists());
    assert!(files
        .iter()
        .any(|(p, b)| p.ends_with("library.sqlite3") && b.starts_with(b"SQLite format 3\0")));

    let lib = demo(&dir.join("sealed"), true);
    // The demo wrote a finished month end into it, Schedule B attached.
    let text = ok(with_pass(PASS)
        .args(["--library", lib.to_str().unwrap(), "statements", "show"])
        .arg("ACME-2026-001/2026-10/1")
        .arg("--trace")
        .output()
        .unwrap());
    assert!(text.contains("1,875.00"), "{text}");
    assert!(text.contains("Schedule B"), "{text}");
    let files = library_files(&lib);
    assert!(
        files.len() >= 3,
        "{:?}",
        files.iter().map(|f| &f.0).collect::<Vec<_>>()
    );
    assert_eq!(readable(&files), Vec::<String>::new());
    for (p, b) in &files {
        if p.ends_with("library.sqlite3") {
            assert!(!b.starts_with(b"SQLite format 3"), "a plain SQLite header");
        }
        if p.parent().is_some_and(|d| d.ends_with("documents")) {
            assert!(b.starts_with(b"SLAENC1\0"), "{} is not sealed", p.display());
            // Not a PDF any more, not even its header.
            assert!(!b.windows(5).any(|w| w == b"%PDF-"), "{}", p.display());
        }
    }

    // A wrong passphrase: said as such, exit 2, and not a byte changed.
    let before = digest(&library_files(&lib));
    let (code, err) = failed(
        with_pass("not the passphrase")
            .args(["--library", lib.to_str().unwrap(), "contracts", "list"])
            .output()
            .unwrap(),
    );
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("the passphrase does not unlock the encrypted library"),
        "{err}"
    );
    // No passphrase and no terminal: asked for, not guessed.
    let (code, err) = failed(
        cli()
            .args([
                "--library",
                lib.to_str().unwrap(),
                "contracts",
                "list",
                "--json",
            ])
            .output()
            .unwrap(),
    );
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("is encrypted: give its passphrase"), "{err}");
    assert_eq!(digest(&library_files(&lib)), before);

    // Without its key file the database is not mistaken for damage.
    std::fs::rename(lib.join("library.key"), dir.join("kept.key")).unwrap();
    let (_, err) = failed(
        with_pass(PASS)
            .args(["--library", lib.to_str().unwrap(), "contracts", "list"])
            .output()
            .unwrap(),
    );
    assert!(
        err.contains("an encrypted library whose library.key is missing?"),
        "{err}"
    );
    std::fs::rename(dir.join("kept.key"), lib.join("library.key")).unwrap();
    assert_eq!(digest(&library_files(&lib)), before);
}

#[test]
fn issue18_rekey_changes_the_passphrase_and_nothing_else() {
    let dir = temp("rekey");
    let lib = dir.join("lib");
    let created = ok(cli()
        .args([
            "--library",
            lib.to_str().unwrap(),
            "library",
            "create",
            "--encrypted",
        ])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .and_then(|mut c| {
            use std::io::Write;
            c.stdin.take().unwrap().write_all(b"first passphrase\n")?;
            c.wait_with_output()
        })
        .unwrap());
    assert!(
        created.contains("created an encrypted library"),
        "{created}"
    );
    ok(with_pass("first passphrase")
        .args(["--library", lib.to_str().unwrap(), "contracts", "add"])
        .arg("fixtures/cases/spec-s6-full-example/terms.toml")
        .output()
        .unwrap());
    let db = std::fs::read(lib.join("library.sqlite3")).unwrap();

    // The old passphrase must be the right one.
    let (code, err) = failed(
        with_pass("wrong")
            .env("SLA_LEDGER_NEW_PASSPHRASE", "second passphrase")
            .args(["--library", lib.to_str().unwrap(), "library", "rekey"])
            .output()
            .unwrap(),
    );
    assert_eq!(code, 2);
    assert!(err.contains("does not unlock"), "{err}");

    let out = ok(with_pass("first passphrase")
        .env("SLA_LEDGER_NEW_PASSPHRASE", "second passphrase")
        .args(["--library", lib.to_str().unwrap(), "library", "rekey"])
        .output()
        .unwrap());
    assert!(out.contains("passphrase of"), "{out}");
    // The database is untouched: the data keys did not change.
    assert_eq!(std::fs::read(lib.join("library.sqlite3")).unwrap(), db);
    failed(
        with_pass("first passphrase")
            .args(["--library", lib.to_str().unwrap(), "contracts", "list"])
            .output()
            .unwrap(),
    );
    let list = ok(with_pass("second passphrase")
        .args(["--library", lib.to_str().unwrap(), "contracts", "list"])
        .output()
        .unwrap());
    assert!(list.contains("ACME-2026-001"), "{list}");

    // Neither an existing library nor a team library is made encrypted.
    let (_, err) = failed(
        with_pass("x")
            .args([
                "--library",
                lib.to_str().unwrap(),
                "library",
                "create",
                "--encrypted",
            ])
            .output()
            .unwrap(),
    );
    assert!(err.contains("already holds a library"), "{err}");
    let (_, err) = failed(
        with_pass("x")
            .args([
                "--library",
                "postgres://u@localhost/db",
                "library",
                "create",
                "--encrypted",
            ])
            .output()
            .unwrap(),
    );
    assert!(err.contains("--encrypted is for a library folder"), "{err}");
    // A plain library has no passphrase to change.
    let plain = dir.join("plain");
    ok(cli()
        .args(["--library", plain.to_str().unwrap(), "library", "create"])
        .output()
        .unwrap());
    let (_, err) = failed(
        with_pass("x")
            .env("SLA_LEDGER_NEW_PASSPHRASE", "y")
            .args(["--library", plain.to_str().unwrap(), "library", "rekey"])
            .output()
            .unwrap(),
    );
    assert!(err.contains("is not encrypted"), "{err}");
}

#[test]
fn issue18_an_encrypted_library_writes_no_plain_file_into_its_own_folder_unasked() {
    use sla_ledger::usecases::statements::{export, ExportRequest};
    let dir = temp("exports");
    let lib = demo(&dir.join("demo"), true);
    sla_ledger::sla_store::crypt::unlock(&lib, PASS).unwrap();
    let mut s = sla_ledger::Session::open(&lib, Some("tester")).unwrap();
    let never = std::sync::atomic::AtomicBool::new(false);
    let req = |out| ExportRequest {
        period: "2026-10",
        out,
        contract: Some("ACME-2026-001"),
        all: false,
    };
    let e = export(&mut s, &req(None), &never, &mut |_| {}).unwrap_err();
    assert!(
        e.to_string()
            .contains("is encrypted, and the files written out are not"),
        "{e}"
    );
    assert!(!lib.join("exports").exists());
    let out = dir.join("handed-over");
    let r = export(
        &mut s,
        &req(Some(out.to_str().unwrap())),
        &never,
        &mut |_| {},
    )
    .unwrap();
    assert_eq!(r.exported.len(), 1, "{r:?}");
    assert!(r.failed.is_empty(), "{r:?}");
}

/// Linux's keychain is the kernel keyring, kept per login session; a test
/// has none, so each CLI it starts joins one session keyring named for this
/// test run (created by the first), as processes of one login would share.
#[cfg(target_os = "linux")]
fn in_test_session(c: &mut Command, name: &'static std::ffi::CStr) {
    use std::os::unix::process::CommandExt;
    const KEYCTL_JOIN_SESSION_KEYRING: libc::c_long = 1;
    // SAFETY: between fork and exec only a raw syscall runs (no allocation,
    // no lock), which is what pre_exec allows.
    unsafe {
        c.pre_exec(move || {
            if libc::syscall(libc::SYS_keyctl, KEYCTL_JOIN_SESSION_KEYRING, name.as_ptr()) < 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
}

#[cfg(target_os = "linux")]
#[test]
fn issue18_a_passphrase_remembered_in_the_keychain_opens_the_library() {
    let dir = temp("keychain");
    let lib = dir.join("lib");
    // One keyring name per run, so that runs never see each other's entries.
    let name: &'static std::ffi::CStr = Box::leak(
        std::ffi::CString::new(format!("sla-ledger-test-{}", std::process::id()))
            .unwrap()
            .into_boxed_c_str(),
    );
    let run = |mut c: Command| {
        in_test_session(&mut c, name);
        c.args(["--library", lib.to_str().unwrap()])
            .output()
            .unwrap()
    };
    let mut c = with_pass("kept passphrase");
    c.args([
        "--library",
        lib.to_str().unwrap(),
        "library",
        "create",
        "--encrypted",
    ]);
    ok(c.output().unwrap());
    // Not remembered yet: locked.
    let mut c = cli();
    c.args(["contracts", "list"]);
    let (_, err) = failed(run(c));
    assert!(err.contains("is encrypted"), "{err}");
    // A wrong one is not remembered.
    let mut c = with_pass("wrong");
    c.args(["library", "unlock", "--remember"]);
    let (_, err) = failed(run(c));
    assert!(err.contains("does not unlock"), "{err}");
    let mut c = with_pass("kept passphrase");
    c.args(["library", "unlock", "--remember"]);
    assert!(ok(run(c)).contains("kept in the OS keychain"));
    let mut c = cli();
    c.args(["contracts", "list"]);
    ok(run(c));
    // Rekey replaces the kept passphrase: still no asking afterwards.
    let mut c = with_pass("kept passphrase");
    c.env("SLA_LEDGER_NEW_PASSPHRASE", "next passphrase")
        .args(["library", "rekey"]);
    assert!(ok(run(c)).contains("the OS keychain holds the new one"));
    let mut c = cli();
    c.args(["contracts", "list"]);
    ok(run(c));
    failed(
        with_pass("kept passphrase")
            .args(["--library", lib.to_str().unwrap(), "contracts", "list"])
            .output()
            .unwrap(),
    );
}
