//! Issue 11: trust you can prove. Tried as an attacker would: statements
//! re-signed with another key, malformed signatures, a library file edited
//! or its whole audit chain rewritten, claims edited or raced, imports and
//! finalizes raced, half-written adds, overflowing totals and a back-dating
//! clock.

use crate::util::bin;
use crate::util::{ImportRequest, UseCases};
use rusqlite::Connection;
use sla_ledger::sla_export::{sign, Identity};
use sla_ledger::sla_import::Kind;
use sla_ledger::sla_store::claims::ClaimUpdate;
use sla_ledger::sla_store::evidence::ImportOutcome;
use sla_ledger::sla_store::{Ctx, Library};
use std::path::{Path, PathBuf};
use std::process::Output;

const S6: &str = "fixtures/cases/spec-s6-full-example";
const NUMBER: &str = "ACME-2026-001/2026-10/1";
const STEM: &str = "ACME-2026-001_2026-10_1";

fn temp(name: &str) -> PathBuf {
    crate::util::temp_dir(&format!("trust-{name}"))
}

fn ctx() -> Ctx {
    Ctx {
        actor: "tester".into(),
        now: 1_795_860_000, // 2026-11-28T10:00:00Z
    }
}

fn import(lib: &mut Library, file: &str, kind: Kind) -> ImportOutcome {
    lib.uc_import(
        &ctx(),
        &ImportRequest {
            file,
            source_label: "test",
            contract: None,
            kind: Some(kind),
        },
        &mut |_| true,
    )
    .unwrap()
}

/// The spec's example in a library with its evidence and a month drafted.
fn drafted(dir: &Path) -> Library {
    let mut lib = Library::open(dir, 2_000).unwrap();
    lib.add_contract(&ctx(), &format!("{S6}/terms.toml"))
        .unwrap();
    for (f, k) in [
        ("outages.csv", Kind::Outages),
        ("maintenance.csv", Kind::Maintenance),
        ("incidents.csv", Kind::Incidents),
    ] {
        import(&mut lib, &format!("{S6}/{f}"), k);
    }
    lib.uc_run(&ctx(), "2026-10", None).unwrap();
    lib
}

/// A library with a signing identity made at `made`, its month finalized
/// (the chain head signed) and exported into `dir/out`.
fn signed_at(name: &str, made: i64) -> (PathBuf, Library) {
    let dir = temp(name);
    let mut lib = drafted(&dir);
    let id = Identity::create("Example Hosting Ltd", "Statements signing", made).unwrap();
    sla_ledger::usecases::identity::set_identity(&mut lib, &ctx(), &id).unwrap();
    lib.uc_finalize(&ctx(), "2026-10", None).unwrap();
    lib.uc_export(&ctx(), NUMBER, &dir.join("out")).unwrap();
    (dir, lib)
}

fn signed(name: &str) -> (PathBuf, Library) {
    signed_at(name, ctx().now)
}

fn verify(library: Option<&Path>, files: &[&Path], trust: &[&Path]) -> (Option<i32>, String) {
    let mut c = bin();
    match library {
        Some(l) => c.arg("--library").arg(l),
        // No library: one that does not exist is not created by verify.
        None => c.arg("--library").arg("/nonexistent/sla-ledger-library"),
    };
    c.arg("verify");
    for t in trust {
        c.arg("--trust").arg(t);
    }
    for f in files {
        c.arg(f);
    }
    let o: Output = c.output().unwrap();
    (
        o.status.code(),
        format!(
            "{}{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        ),
    )
}

fn out_files(dir: &Path) -> (PathBuf, PathBuf, PathBuf) {
    let o = dir.join("out");
    (
        o.join(format!("{STEM}.pdf")),
        o.join(format!("{STEM}.xlsx")),
        o.join(format!("{STEM}.manifest.json")),
    )
}

/// A copy of the library folder whose identity is replaced by `id`, as
/// someone holding the file but not the key would do, and the same
/// statement exported from it (same content, other key).
fn forge(dir: &Path, name: &str, id: &Identity, now: i64) -> PathBuf {
    let copy = temp(name);
    for entry in [
        "library.sqlite3",
        "library.key",
        "library.sqlite3-wal",
        "library.sqlite3-shm",
    ] {
        let from = dir.join(entry);
        if from.exists() {
            std::fs::copy(&from, copy.join(entry)).unwrap();
        }
    }
    std::fs::create_dir_all(copy.join("documents")).unwrap();
    id.save(&copy).unwrap();
    let lib = Library::open(&copy, 2_000).unwrap();
    let at = Ctx {
        actor: "forger".into(),
        now,
    };
    lib.uc_export(&at, NUMBER, &copy.join("out")).unwrap();
    copy
}

#[test]
fn issue11_verify_trusts_only_the_pinned_signer() {
    let (dir, lib) = signed("pinned");
    drop(lib);
    let (pdf, xlsx, manifest) = out_files(&dir);
    let (code, text) = verify(Some(&dir), &[&pdf, &xlsx, &manifest], &[]);
    assert_eq!(code, Some(0), "{text}");
    assert!(
        text.contains(": TRUSTED:") && !text.contains("FAIL"),
        "{text}"
    );
    assert!(text.contains("pinned in the library"), "{text}");

    // Without a library and without --trust nothing vouches for the signer.
    let (code, text) = verify(None, &[&pdf], &[]);
    assert_eq!(code, Some(4), "{text}");
    assert!(text.contains("UNTRUSTED"), "{text}");

    // The organisation certificate an auditor receives makes it trusted.
    let org = dir.join("org.pem");
    let o = bin()
        .arg("--library")
        .arg(&dir)
        .args(["identity", "export", "--out", org.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(o.status.success(), "{o:?}");
    assert!(std::fs::read_to_string(&org)
        .unwrap()
        .starts_with("-----BEGIN CERTIFICATE-----"));
    let (code, text) = verify(None, &[&pdf, &xlsx], &[&org]);
    assert_eq!(code, Some(0), "{text}");
    assert!(text.contains("given with --trust"), "{text}");
    // pyHanko, given the same certificate, agrees.
    assert_eq!(pyhanko(&pdf, &org), "INTACT:TRUSTED,UNTOUCHED");
}

/// pyHanko's verdict on a PDF with `trust` as its only extra root.
fn pyhanko(pdf: &Path, trust: &Path) -> String {
    let o = std::process::Command::new("pyhanko")
        .args(["sign", "validate", "--trust"])
        .arg(trust)
        .arg(pdf)
        .output()
        .expect("pyhanko is needed (.ci/run installs it)");
    let out = String::from_utf8_lossy(&o.stdout);
    out.lines()
        .find_map(|l| {
            l.split_once(':')
                .and_then(|(_, r)| r.split_once(':'))
                .map(|(_, v)| v.trim().to_string())
        })
        .unwrap_or_else(|| format!("{out}{}", String::from_utf8_lossy(&o.stderr)))
}

#[test]
fn issue11_a_forged_statement_same_content_other_key_is_untrusted() {
    let (dir, lib) = signed("forged");
    drop(lib);
    let org = dir.join("org.pem");
    assert!(bin()
        .arg("--library")
        .arg(&dir)
        .args(["identity", "export", "--out", org.to_str().unwrap()])
        .status()
        .unwrap()
        .success());
    // A second identity with the very same names, and a fresh self-signed
    // certificate made with openssl.
    let other = Identity::create("Example Hosting Ltd", "Statements signing", ctx().now).unwrap();
    let key = dir.join("self.key");
    let cert = dir.join("self.pem");
    let made = std::process::Command::new("openssl")
        .args([
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-nodes",
            "-days",
            "3650",
            "-subj",
            "/O=Example Hosting Ltd/CN=Statements signing",
            "-keyout",
        ])
        .arg(&key)
        .arg("-out")
        .arg(&cert)
        .output()
        .expect("openssl is needed (.ci/run installs it)");
    assert!(made.status.success(), "{made:?}");
    let self_signed = Identity::from_pem(
        &std::fs::read_to_string(&cert).unwrap(),
        &std::fs::read_to_string(&key).unwrap(),
    )
    .unwrap();
    // openssl's certificate starts now, so it signs now.
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
        + 60;
    for (name, id, at) in [
        ("other-ca", &other, ctx().now),
        ("self-signed", &self_signed, now),
    ] {
        let copy = forge(&dir, name, id, at);
        let (pdf, xlsx, manifest) = out_files(&copy);
        // The bytes are intact: only the signer gives it away.
        assert!(sign::verify_pdf(&std::fs::read(&pdf).unwrap())
            .unwrap()
            .holds());
        for library in [Some(dir.as_path()), Some(copy.as_path())] {
            let (code, text) = verify(library, &[&pdf, &xlsx, &manifest], &[]);
            assert_eq!(code, Some(4), "{name}: {text}");
            assert!(
                text.contains("a certificate this library does not trust")
                    || text.contains("which this library does not trust"),
                "{name}: {text}"
            );
            assert!(!text.contains(": TRUSTED:"), "{name}: {text}");
        }
        let (code, text) = verify(None, &[&pdf], &[&org]);
        assert_eq!(code, Some(4), "{name}: {text}");
        assert_eq!(pyhanko(&pdf, &org), "INTACT:UNTRUSTED,UNTOUCHED", "{name}");
    }
}

#[test]
fn issue11_expired_and_not_yet_valid_signers_are_named() {
    // Created 11 years before signing: the 3-year signing certificate and
    // the 10-year CA have both expired.
    let (dir, lib) = signed_at("expired", ctx().now - 11 * 365 * 86_400);
    drop(lib);
    let (pdf, _, _) = out_files(&dir);
    let (code, text) = verify(Some(&dir), &[&pdf], &[]);
    assert_eq!(code, Some(4), "{text}");
    assert!(
        text.contains("the signer CN=Statements signing,O=Example Hosting Ltd had expired at the signing time 2026-11-28T10:00:00Z"),
        "{text}"
    );
    let (dir, lib) = signed_at("not-yet", ctx().now + 400 * 86_400);
    drop(lib);
    let (pdf, _, _) = out_files(&dir);
    let (code, text) = verify(Some(&dir), &[&pdf], &[]);
    assert_eq!(code, Some(4), "{text}");
    assert!(
        text.contains("was not yet valid at the signing time"),
        "{text}"
    );
}

#[test]
fn issue11_malformed_signatures_are_errors_never_panics() {
    let (dir, lib) = signed("malformed");
    drop(lib);
    let (pdf, _, _) = out_files(&dir);
    let good = std::fs::read(&pdf).unwrap();
    let br_at = good.windows(11).rposition(|w| w == b"/ByteRange ").unwrap();
    let br_end = br_at + good[br_at..].iter().position(|c| *c == b']').unwrap() + 1;
    let br = String::from_utf8_lossy(&good[br_at..br_end]).into_owned();
    let with_range = |r: &str| {
        let mut b = good.clone();
        let r = format!("/ByteRange {r:<width$}", width = br.len() - 11);
        b.splice(br_at..br_end, r.bytes());
        b
    };
    let contents_at = good.windows(11).rposition(|w| w == b"/Contents <").unwrap() + 11;
    let mut garbage_cms = good.clone();
    for b in &mut garbage_cms[contents_at..contents_at + 400] {
        *b = b'A';
    }
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("negative", with_range("[0 -5 10 20]"), "negative"),
        (
            "past-eof",
            with_range("[0 10 99999999 99999999]"),
            "past the end",
        ),
        ("overlap", with_range("[0 5000 10 20]"), "overlap"),
        (
            "huge",
            with_range("[0 99999999999999999999999 1 1]"),
            "malformed /ByteRange",
        ),
        ("truncated", good[..good.len() / 2].to_vec(), ""),
        ("garbage-cms", garbage_cms, "signature"),
        ("not-a-pdf", b"hello".to_vec(), "not a PDF"),
        ("empty", Vec::new(), "not a PDF"),
    ];
    for (name, bytes, want) in cases {
        let r = sign::verify_pdf(&bytes);
        match &r {
            Err(e) => assert!(e.to_string().contains(want), "{name}: {e}"),
            Ok(c) => assert!(!c.holds(), "{name}: accepted"),
        }
        let p = dir.join(format!("{name}.pdf"));
        std::fs::write(&p, &bytes).unwrap();
        let (code, text) = verify(Some(&dir), &[&p], &[]);
        assert_eq!(code, Some(3), "{name}: {text}");
        assert!(text.contains("BROKEN"), "{name}: {text}");
    }
}

#[test]
fn issue11_a_signed_pdf_without_our_metadata_is_broken() {
    let (dir, lib) = signed("no-metadata");
    drop(lib);
    // A signed PDF by our own key that does not say which statement it is.
    let mut doc = lopdf::Document::with_version("1.7");
    let pages = doc.new_object_id();
    let page = doc.add_object(lopdf::dictionary! { "Type" => "Page", "Parent" => pages, "MediaBox" => vec![0.into(), 0.into(), 595.into(), 842.into()] });
    doc.objects.insert(
        pages,
        lopdf::Object::Dictionary(
            lopdf::dictionary! { "Type" => "Pages", "Kids" => vec![page.into()], "Count" => 1 },
        ),
    );
    let catalog = doc.add_object(lopdf::dictionary! { "Type" => "Catalog", "Pages" => pages });
    doc.trailer.set("Root", catalog);
    let mut plain = Vec::new();
    doc.save_to(&mut plain).unwrap();
    let id = Identity::load(&dir).unwrap();
    let signed = sign::sign_pdf(&plain, &id, ctx().now, "anything").unwrap();
    let p = dir.join("plain.pdf");
    std::fs::write(&p, signed).unwrap();
    let (code, text) = verify(Some(&dir), &[&p], &[]);
    assert_eq!(code, Some(3), "{text}");
    assert!(text.contains("it is not an SLA Ledger statement"), "{text}");
}

#[test]
fn issue11_a_manifest_signed_by_another_key_is_broken() {
    let (dir, lib) = signed("manifest-signer");
    drop(lib);
    let (_, xlsx, manifest) = out_files(&dir);
    let other = Identity::create("Example Hosting Ltd", "Statements signing", ctx().now).unwrap();
    let m = std::fs::read(&manifest).unwrap();
    use sha2::Digest;
    let p7s = sign::cms_detached(&other, &sha2::Sha256::digest(&m)).unwrap();
    std::fs::write(manifest.with_extension("json.p7s"), p7s).unwrap();
    let (code, text) = verify(Some(&dir), &[&xlsx], &[]);
    assert_eq!(code, Some(3), "{text}");
    assert!(
        text.contains("FAIL") && text.contains("same signer as the PDF"),
        "{text}"
    );
    assert!(text.contains("UNTRUSTED"), "{text}");
}

fn sql(dir: &Path) -> Connection {
    crate::util::raw_db(dir)
}

fn drop_triggers(c: &Connection) {
    let names: Vec<String> = c
        .prepare("SELECT name FROM sqlite_schema WHERE type = 'trigger'")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    for n in names {
        c.execute_batch(&format!("DROP TRIGGER {n}")).unwrap();
    }
}

fn audit_verify(dir: &Path) -> (Option<i32>, String) {
    let o = bin()
        .arg("--library")
        .arg(dir)
        .args(["audit", "verify"])
        .output()
        .unwrap();
    (
        o.status.code(),
        String::from_utf8_lossy(&o.stdout).into_owned(),
    )
}

#[test]
fn issue11_an_edited_total_is_found_by_audit_verify() {
    let (dir, lib) = signed("edited");
    drop(lib);
    let (code, text) = audit_verify(&dir);
    assert_eq!(code, Some(0), "{text}");
    assert!(
        text.contains("1 sealed statement(s) re-derived and 1 claim(s) replayed")
            && text.contains("state: intact and anchored"),
        "{text}"
    );
    let c = sql(&dir);
    drop_triggers(&c);
    c.execute_batch(
        "UPDATE statements SET total = '18750.00'; UPDATE claims SET amount = '18750.00'",
    )
    .unwrap();
    drop(c);
    let (code, text) = audit_verify(&dir);
    assert_eq!(code, Some(3), "{text}");
    assert!(
        text.contains(&format!(
            "statement {NUMBER}: total USD 18750.00 was changed (sealed in audit entry"
        )) && text.contains("claim 1: amount 18750.00 was changed"),
        "{text}"
    );
}

/// What someone with the file but not the key can do: change the result,
/// recompute the seal and every hash of the chain after it.
fn rewrite_history(dir: &Path) {
    let c = sql(dir);
    drop_triggers(&c);
    let (id, number, contract, period, result, inputs): (
        i64,
        String,
        String,
        String,
        String,
        String,
    ) = c
        .query_row(
            "SELECT id, number, contract_id, period, result_json, inputs_json FROM statements",
            [],
            |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                ))
            },
        )
        .unwrap();
    let result = result.replace("\"total\":\"1875.00\"", "\"total\":\"187.50\"");
    let seal = sla_ledger::sla_store::sha256_hex(
        sla_ledger::sla_store::statements::canonical_json(
            &number, &contract, &period, &result, &inputs,
        )
        .as_bytes(),
    );
    c.execute(
        "UPDATE statements SET result_json = ?1, total = '187.50', sha256 = ?2 WHERE id = ?3",
        rusqlite::params![result, seal, id],
    )
    .unwrap();
    c.execute_batch("UPDATE claims SET amount = '187.50'")
        .unwrap();
    // Recompute the chain from the first entry, as the code does.
    let rows: Vec<(i64, String, String, String, String, String)> = c
        .prepare("SELECT seq, at, actor, action, subject, details FROM audit ORDER BY seq")
        .unwrap()
        .query_map([], |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
            ))
        })
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let mut prev = "0".repeat(64);
    for (seq, at, actor, action, subject, details) in rows {
        let mut details: serde_json::Value = serde_json::from_str(&details).unwrap();
        if action == "statement.finalize" {
            details["sha256"] = seal.clone().into();
            details["total"] = "187.50".into();
            details["claim"]["amount"] = "187.50".into();
        }
        let details = details.to_string();
        use sha2::Digest;
        let mut h = sha2::Sha256::new();
        for part in [
            seq.to_string().as_str(),
            &at,
            &actor,
            &action,
            &subject,
            &details,
            &prev,
        ] {
            h.update((part.len() as u64).to_be_bytes());
            h.update(part.as_bytes());
        }
        let hash = format!("{:x}", h.finalize());
        c.execute(
            "UPDATE audit SET details = ?1, prev_hash = ?2, hash = ?3 WHERE seq = ?4",
            rusqlite::params![details, prev, hash, seq],
        )
        .unwrap();
        c.execute(
            "UPDATE audit_head SET seq = ?1, hash = ?2",
            rusqlite::params![seq, hash],
        )
        .unwrap();
        prev = hash;
    }
}

#[test]
fn issue11_a_rewritten_chain_is_caught_by_the_signed_heads() {
    let (dir, lib) = signed("rewritten");
    drop(lib);
    let (pdf, _, manifest) = out_files(&dir);
    rewrite_history(&dir);
    // The chain and the records agree with each other again...
    let lib = Library::open(&dir, 2_000).unwrap();
    assert!(lib.audit_verify().unwrap().ok, "{:?}", lib.audit_verify());
    drop(lib);
    // ...but not with the heads signed by the library's key.
    let (code, text) = audit_verify(&dir);
    assert_eq!(code, Some(3), "{text}");
    assert!(
        text.contains("the audit chain was rewritten: entry"),
        "{text}"
    );
    let (code, text) = verify(Some(&dir), &[&pdf, &manifest], &[]);
    assert_eq!(code, Some(3), "{text}");
    assert!(
        text.contains("its seal does NOT match the stored record"),
        "{text}"
    );

    // Dropping the signed heads too leaves a chain no key vouches for.
    let c = sql(&dir);
    c.execute_batch("DELETE FROM chain_anchors").unwrap();
    drop(c);
    let (code, text) = audit_verify(&dir);
    assert_eq!(code, Some(4), "{text}");
    assert!(
        text.contains("1 seal(s) or claim change(s) are not covered by a signed chain head")
            && text.contains("state: intact, not anchored"),
        "{text}"
    );
    let (code, text) = verify(Some(&dir), &[&pdf], &[]);
    assert_eq!(code, Some(3), "{text}");
    assert!(
        text.contains("the library's history changed since this file was exported"),
        "{text}"
    );
}

#[test]
fn issue11_claims_are_immutable_and_compare_and_set() {
    let (dir, lib) = signed("claims");
    drop(lib);
    let c = sql(&dir);
    for bad in [
        "UPDATE claims SET amount = '1.00'",
        "DELETE FROM claims",
        "UPDATE claims SET state = 'applied'",
        "INSERT INTO claims (statement_id, contract_id, period, currency, amount, state, updated_at) VALUES (1, 'ACME-2026-001', '2026-10', 'USD', '5.00', 'claimed', 'x')",
    ] {
        let e = c.execute_batch(bad).unwrap_err().to_string();
        assert!(e.contains("claim"), "{bad}: {e}");
    }
    drop(c);
    let upd = |expected: &str| ClaimUpdate {
        state: sla_ledger::sla_store::ClaimState::Claimed,
        expected: sla_ledger::sla_store::ClaimState::parse(expected),
        reference: Some("CR-1".into()),
        date: chrono::NaiveDate::from_ymd_opt(2026, 11, 20),
        ..Default::default()
    };
    // Two people claim the same credit at once: one wins, one is told.
    let results: Vec<_> = std::thread::scope(|s| {
        let hs: Vec<_> = (0..2)
            .map(|_| {
                let dir = dir.clone();
                s.spawn(move || {
                    let mut lib = Library::open(&dir, 10_000).unwrap();
                    lib.update_claim(&ctx(), 1, &upd("eligible"))
                        .map(|c| c.state)
                        .map_err(|e| e.to_string())
                })
            })
            .collect();
        hs.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let wins = results.iter().filter(|r| r.is_ok()).count();
    assert_eq!(wins, 1, "{results:?}");
    let lost = results.iter().find_map(|r| r.clone().err()).unwrap();
    assert!(
        lost.contains("was changed by someone else: you saw it eligible, it is now claimed"),
        "{lost}"
    );
    let lib = Library::open(&dir, 2_000).unwrap();
    let updates = lib
        .audit_list(100)
        .unwrap()
        .into_iter()
        .filter(|a| a.action == "claim.update")
        .count();
    assert_eq!(updates, 1);
    assert!(lib.audit_verify().unwrap().ok);
}

#[test]
fn issue11_concurrent_imports_and_finalizes_have_one_winner() {
    let dir = temp("race");
    let mut lib = Library::open(&dir, 2_000).unwrap();
    lib.add_contract(&ctx(), &format!("{S6}/terms.toml"))
        .unwrap();
    drop(lib);
    let file = format!("{S6}/outages.csv");
    let outcomes: Vec<ImportOutcome> = std::thread::scope(|s| {
        let hs: Vec<_> = (0..2)
            .map(|_| {
                let (dir, file) = (dir.clone(), file.clone());
                s.spawn(move || {
                    let mut lib = Library::open(&dir, 10_000).unwrap();
                    import(&mut lib, &file, Kind::Outages)
                })
            })
            .collect();
        hs.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let imported: Vec<i64> = outcomes
        .iter()
        .filter_map(|o| match o {
            ImportOutcome::Imported { import, .. } => Some(import.id),
            _ => None,
        })
        .collect();
    let already: Vec<i64> = outcomes
        .iter()
        .filter_map(|o| match o {
            ImportOutcome::AlreadyImported(i) => Some(i.id),
            _ => None,
        })
        .collect();
    assert_eq!((imported.len(), already), (1, vec![imported[0]]));

    let lib = Library::open(&dir, 2_000).unwrap();
    lib.uc_run(&ctx(), "2026-10", None).unwrap();
    drop(lib);
    let results: Vec<Result<usize, String>> = std::thread::scope(|s| {
        let hs: Vec<_> = (0..2)
            .map(|_| {
                let dir = dir.clone();
                s.spawn(move || {
                    let lib = Library::open(&dir, 10_000).unwrap();
                    lib.uc_finalize(&ctx(), "2026-10", None)
                        .map(|v| v.len())
                        .map_err(|e| e.to_string())
                })
            })
            .collect();
        hs.into_iter().map(|h| h.join().unwrap()).collect()
    });
    assert!(results.contains(&Ok(1)), "{results:?}");
    let lost = results.iter().find_map(|r| r.clone().err()).unwrap();
    assert!(
        lost.contains(&format!("already final: 2026-10 has no drafts left; {NUMBER} was finalized by tester at 2026-11-28T10:00:00Z")),
        "{lost}"
    );
}

#[test]
fn issue11_finalize_is_all_contracts_or_none() {
    let dir = temp("atomic");
    let mut lib = drafted(&dir);
    let t2 = std::fs::read_to_string(format!("{S6}/terms.toml"))
        .unwrap()
        .replace("ACME-2026-001", "ACME-2026-002");
    std::fs::write(dir.join("t2.toml"), t2).unwrap();
    lib.add_contract(&ctx(), dir.join("t2.toml").to_str().unwrap())
        .unwrap();
    lib.uc_run(&ctx(), "2026-10", None).unwrap();
    drop(lib);
    // The second contract's draft cannot be sealed (a draft may change).
    sql(&dir)
        .execute_batch(
            "UPDATE statements SET total = 'not money' WHERE contract_id = 'ACME-2026-002'",
        )
        .unwrap();
    let lib = Library::open(&dir, 2_000).unwrap();
    let e = lib.uc_finalize(&ctx(), "2026-10", None).unwrap_err();
    assert!(
        e.to_string()
            .contains("is not a decimal the credit ledger can hold exactly"),
        "{e}"
    );
    let statuses: Vec<String> = lib
        .list_statements(Some("2026-10"), None)
        .unwrap()
        .into_iter()
        .map(|s| s.status.to_string())
        .collect();
    assert_eq!(statuses, vec!["draft", "draft"], "nothing was finalized");
    assert!(!lib
        .audit_list(100)
        .unwrap()
        .iter()
        .any(|a| a.action == "statement.finalize"));
}

#[test]
fn issue11_contracts_add_with_a_missing_document_writes_nothing() {
    let dir = temp("add-doc");
    let lib_dir = dir.join("lib");
    let o = bin()
        .arg("--library")
        .arg(&lib_dir)
        .args([
            "contracts",
            "add",
            &format!("{S6}/terms.toml"),
            "--document",
        ])
        .arg(dir.join("signed.pdf"))
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2), "{o:?}");
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("signed.pdf"),
        "{o:?}"
    );
    let lib = Library::open(&lib_dir, 2_000).unwrap();
    assert!(lib.contract_ids().unwrap().is_empty());
    assert!(lib.audit_list(10).unwrap().is_empty());
    assert_eq!(
        std::fs::read_dir(lib_dir.join("documents"))
            .unwrap()
            .count(),
        0
    );
}

#[test]
fn issue11_the_test_clock_is_refused_for_a_library_not_made_with_it() {
    let dir = temp("clock");
    let run = |now: Option<&str>, args: &[&str]| {
        let mut c = bin();
        c.arg("--library").arg(dir.join("lib")).args(args);
        match now {
            Some(n) => c.env("SLA_LEDGER_NOW", n),
            None => c.env_remove("SLA_LEDGER_NOW"),
        };
        c.output().unwrap()
    };
    let terms = format!("{S6}/terms.toml");
    assert!(run(None, &["contracts", "add", &terms]).status.success());
    let o = run(Some("2020-01-01T00:00:00Z"), &["contracts", "list"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("was not created with a test clock"),
        "{o:?}"
    );
    // A library made under the test clock says so in audit verify.
    let dir2 = temp("clock2");
    let o = bin()
        .arg("--library")
        .arg(dir2.join("lib"))
        .args(["contracts", "add", &terms])
        .env("SLA_LEDGER_NOW", "2026-11-27T10:00:00Z")
        .output()
        .unwrap();
    assert!(o.status.success(), "{o:?}");
    let o = bin()
        .arg("--library")
        .arg(dir2.join("lib"))
        .args(["audit", "verify"])
        .env_remove("SLA_LEDGER_NOW")
        .output()
        .unwrap();
    assert!(
        String::from_utf8_lossy(&o.stdout).contains("this library runs on a test clock"),
        "{o:?}"
    );
}

#[test]
fn issue11_decimal_overflow_is_a_clear_error() {
    // A fee so large that the month's credit has 31 digits: the engine
    // computes it exactly, the ledger refuses to seal what it cannot add.
    let dir = temp("overflow");
    let terms = std::fs::read_to_string(format!("{S6}/terms.toml"))
        .unwrap()
        .replace(
            "monthly_fee = \"12500.00\"",
            "monthly_fee = \"79228162514264337593543950335\"",
        );
    std::fs::write(dir.join("t.toml"), &terms).unwrap();
    let mut lib = Library::open(&dir.join("lib"), 2_000).unwrap();
    lib.add_contract(&ctx(), dir.join("t.toml").to_str().unwrap())
        .unwrap();
    import(&mut lib, &format!("{S6}/outages.csv"), Kind::Outages);
    let run = lib.uc_run(&ctx(), "2026-10", None).unwrap();
    assert_eq!(
        run[0].statement.as_ref().unwrap().total,
        "7922816251426433759354395033.50"
    );
    let e = lib
        .finalize(&ctx(), "2026-10", None)
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("total `7922816251426433759354395033.50` is not a decimal the credit ledger can hold exactly"),
        "{e}"
    );
    // Two finals that each fit but whose sum loses cents: the credits
    // report says so instead of rounding or panicking.
    use rust_decimal::Decimal;
    use sla_ledger::sla_store::reports::exact_add;
    let big: Decimal = "700000000000000000000000000.01".parse().unwrap();
    assert_eq!(exact_add(big, big), None);
    assert_eq!(
        exact_add("1.10".parse().unwrap(), "2.205".parse().unwrap()),
        Some("3.305".parse().unwrap())
    );
}

/// Review of issue 11: a certificate inserted into the library file's pins
/// (an INSERT needs no trigger dropped) is not trusted: no earlier trusted
/// key vouched for it.
#[test]
fn issue11_a_pin_inserted_into_the_file_is_not_trusted() {
    let (dir, lib) = signed("pin-insert");
    drop(lib);
    let forger = Identity::create("Example Hosting Ltd", "Statements signing", ctx().now).unwrap();
    let copy = forge(&dir, "pin-insert-copy", &forger, ctx().now);
    let org = forger.organisation_cert();
    let pem = sla_ledger::sla_export::trust::cert_to_pem(org).unwrap();
    sql(&copy)
        .execute(
            "INSERT INTO trusted_certificates (sha256, subject, cert_pem, added_at, added_by) VALUES (?1, 'forger', ?2, 'now', 'forger')",
            rusqlite::params![sla_ledger::sla_export::trust::fingerprint(org), pem],
        )
        .unwrap();
    let (pdf, _, _) = out_files(&copy);
    let (code, text) = verify(Some(&copy), &[&pdf], &[]);
    assert_eq!(code, Some(4), "{text}");
    let (code, text) = audit_verify(&copy);
    assert_ne!(code, Some(0), "{text}");
    assert!(
        text.contains("is not vouched for by a chain head signed under an earlier trusted pin"),
        "{text}"
    );
    // Replacing the identity the proper way: the old key vouches for the
    // new pin, and statements signed by the new key are trusted.
    let (dir, mut lib) = signed("pin-rotate");
    let next = Identity::create("Example Hosting Ltd", "Statements signing 2", ctx().now).unwrap();
    sla_ledger::usecases::identity::set_identity(&mut lib, &ctx(), &next).unwrap();
    let report = lib.uc_audit_verify().unwrap();
    assert_eq!(report.state, "intact and anchored", "{report:?}");
    let out = dir.join("out2");
    lib.uc_restate(&ctx(), NUMBER, "new signer").unwrap();
    lib.uc_export(&ctx(), "ACME-2026-001/2026-10/2", &out)
        .unwrap();
    drop(lib);
    let (code, text) = verify(Some(&dir), &[&out.join("ACME-2026-001_2026-10_2.pdf")], &[]);
    assert_eq!(code, Some(0), "{text}");
}

/// Review of issue 11: undoing a restatement, or changing a claim's terms,
/// is found by audit verify.
#[test]
fn issue11_an_undone_restatement_and_changed_claim_terms_are_found() {
    let (dir, lib) = signed("undo");
    lib.uc_restate(&ctx(), NUMBER, "late report").unwrap();
    drop(lib);
    let (code, text) = audit_verify(&dir);
    assert_eq!(code, Some(0), "{text}");
    let c = sql(&dir);
    drop_triggers(&c);
    c.execute_batch(
        "UPDATE statements SET status = 'superseded', superseded_by = id - 1 WHERE number = 'ACME-2026-001/2026-10/2';
         UPDATE statements SET status = 'final', superseded_by = NULL WHERE number = 'ACME-2026-001/2026-10/1';
         UPDATE claims SET deadline = '2026-10-31', direction = 'vendor' WHERE id = 1;",
    )
    .unwrap();
    drop(c);
    let (code, text) = audit_verify(&dir);
    assert_eq!(code, Some(3), "{text}");
    for want in [
        &format!("statement {NUMBER} is final again, but audit entry"),
        "statement ACME-2026-001/2026-10/2 is superseded, but no restatement in the audit chain supersedes it",
        "claim 1: its terms were changed",
    ] {
        assert!(text.contains(want), "{want}: {text}");
    }
}

/// Review of issue 11: a /ByteRange outside the signed dictionary, and a
/// megabyte of `/M(`, are broken files, quickly, never a panic.
#[test]
fn issue11_review_inputs_for_verify_pdf() {
    let (dir, lib) = signed("review-pdf");
    drop(lib);
    let (pdf, _, _) = out_files(&dir);
    let good = std::fs::read(&pdf).unwrap();
    let at = good.windows(11).rposition(|w| w == b"/Contents <").unwrap() + 10;
    let end = at + good[at..].iter().position(|c| *c == b'>').unwrap() + 1;
    let gap = &good[at..end];
    let head = b"%PDF-1.7\n".to_vec();
    let o2 = head.len() + gap.len();
    let tail = format!("\n1 0 obj <</ByteRange [0 9 {o2} 40] /M(D:20261128100000Z)>>\nendobj\n");
    let crafted = [head.as_slice(), gap, tail.as_bytes()].concat();
    let r = sign::verify_pdf(&crafted);
    assert!(r.map(|c| !c.holds()).unwrap_or(true));
    let mut slow = b"%PDF-1.7\n".to_vec();
    slow.extend(b"/M(".repeat(350_000));
    slow.extend(b"1 0 obj <</ByteRange [0 10 20 5] /Contents <00>>>");
    assert!(sign::verify_pdf(&slow).is_err());
}

/// Every crash the fuzzers found (`fuzz/regressions/<target>-<name>`),
/// replayed through the product's own entry points on every `cargo test`:
/// each is a clean error or a clean result now.
#[test]
fn issue11_fuzz_regressions_stay_fixed() {
    let dir = Path::new("fuzz/regressions");
    let mut seen = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if name.ends_with(".md") {
            continue;
        }
        let bytes = std::fs::read(&path).unwrap();
        seen += 1;
        if name.starts_with("pdf_verify-") {
            assert!(
                sign::verify_pdf(&bytes).map(|c| !c.holds()).unwrap_or(true),
                "{name}"
            );
            let _ = sign::check_cms(&bytes, &[0u8; 32]);
            let _ = sign::pdf_info(&bytes, "SlaLedgerStatement");
        } else if name.starts_with("openslo_import-") {
            let _ = sla_ledger::sla_governance::openslo::import(&String::from_utf8_lossy(&bytes));
        } else if name.starts_with("terms-") {
            let _ = sla_ledger::sla_engine::Terms::parse(&String::from_utf8_lossy(&bytes));
        } else if name.starts_with("csv-") {
            let _ = sla_ledger::sla_import::read_csv_bytes(&name, Kind::Outages, &bytes);
        } else if name.starts_with("xlsx_sheet-") {
            // Issue 15: the fast worksheet reader reads what the event
            // reader reads, or gives up.
            let agrees = sla_ledger::sla_import::xlsx_sheet_agrees(&bytes);
            assert!(agrees.is_ok(), "{name}: {agrees:?}");
        } else if ["xlsx-", "ods-", "xls-"]
            .iter()
            .any(|p| name.starts_with(p))
        {
            let _ = sla_ledger::sla_import::read_workbook_bytes(&name, &bytes);
        } else {
            panic!("{name}: a regression file must be named after its fuzz target");
        }
    }
    assert!(seen >= 2, "the fuzz regressions are committed");
}
