//! The key file, sealed documents, the key cache and key publishing.

use super::*;

#[test]
fn a_sealed_document_opens_only_under_its_key_and_hash() {
    let dir = tempfile::tempdir().unwrap();
    let keys = create(&dir.path().join("lib"), "correct horse").unwrap();
    let sealed = seal(&keys, "aa", b"Schedule B");
    assert!(!sealed.windows(10).any(|w| w == b"Schedule B"));
    assert_eq!(open_sealed(&keys, "aa", &sealed).unwrap(), b"Schedule B");
    assert!(open_sealed(&keys, "bb", &sealed).is_none());
    let mut changed = sealed.clone();
    let last = changed.len() - 1;
    changed[last] ^= 1;
    assert!(open_sealed(&keys, "aa", &changed).is_none());
    assert!(open_sealed(&keys, "aa", b"Schedule B").is_none());
}

#[test]
fn a_wrong_passphrase_is_said_and_rekey_keeps_the_data_keys() {
    let dir = tempfile::tempdir().unwrap();
    let lib = dir.path().join("lib");
    let keys = create(&lib, "first").unwrap();
    let before = std::fs::read(lib.join(KEY_FILE)).unwrap();
    assert!(matches!(
        unlock(&lib, "wrong"),
        Err(StoreError::Passphrase { .. })
    ));
    assert_eq!(std::fs::read(lib.join(KEY_FILE)).unwrap(), before);
    rekey(&lib, "first", "second").unwrap();
    assert!(matches!(
        unlock(&lib, "first"),
        Err(StoreError::Passphrase { .. })
    ));
    let again = unlock(&lib, "second").unwrap();
    assert_eq!(again.key_id, keys.key_id);
    assert_eq!(again.db[..], keys.db[..]);
    assert_eq!(again.docs[..], keys.docs[..]);
    assert!(matches!(
        rekey(&lib, "wrong", "third"),
        Err(StoreError::Passphrase { .. })
    ));
}

#[test]
fn keys_unlocked_for_one_key_file_never_open_another_with_its_key_id() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    let keys = create(&a, "victim's passphrase").unwrap();
    // This process has A's keys. B copies A's key id into a key file
    // of its own (its own wrap, under another passphrase).
    create(&b, "attacker's passphrase").unwrap();
    let text = std::fs::read_to_string(b.join(KEY_FILE)).unwrap();
    let b_id = serde_json::from_str::<serde_json::Value>(&text).unwrap()["key_id"]
        .as_str()
        .unwrap()
        .to_string();
    std::fs::write(b.join(KEY_FILE), text.replace(&b_id, &keys.key_id)).unwrap();
    if std::env::var(PASSPHRASE_ENV).is_err() {
        assert!(matches!(keys_for(&b), Err(StoreError::Locked { .. })));
    }
    // The very same bytes (a copy of A's key file) are A's keys.
    let c = dir.path().join("c");
    std::fs::create_dir_all(&c).unwrap();
    std::fs::copy(a.join(KEY_FILE), c.join(KEY_FILE)).unwrap();
    assert_eq!(keys_for(&c).unwrap().db[..], keys.db[..]);
}

#[test]
fn two_creators_of_one_new_library_cannot_both_publish_keys() {
    let dir = tempfile::tempdir().unwrap();
    let lib = dir.path().join("lib");
    let made: Vec<_> = (0..4)
        .map(|i| {
            let lib = lib.clone();
            std::thread::spawn(move || create(&lib, &format!("passphrase {i}")))
        })
        .collect::<Vec<_>>()
        .into_iter()
        .map(|t| t.join().unwrap())
        .collect();
    let won: Vec<_> = made.iter().filter_map(|r| r.as_ref().ok()).collect();
    assert_eq!(won.len(), 1, "{made:?}");
    for r in &made {
        if let Err(e) = r {
            assert!(e.to_string().contains("already holds a library"), "{e}");
        }
    }
    // The key file on disk is the winner's, and nothing else is left.
    let names: Vec<_> = std::fs::read_dir(&lib)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    assert_eq!(names, [KEY_FILE]);
    let (kf, _) = read_key_file(&lib).unwrap();
    assert_eq!(kf.key_id, won[0].key_id);
}

#[test]
fn a_hostile_key_file_is_refused_before_any_work() {
    let dir = tempfile::tempdir().unwrap();
    let lib = dir.path().join("lib");
    create(&lib, "p").unwrap();
    let text = std::fs::read_to_string(lib.join(KEY_FILE)).unwrap();
    let greedy = text.replace("\"m_kib\": 65536", "\"m_kib\": 4000000000");
    assert_ne!(greedy, text);
    std::fs::write(lib.join(KEY_FILE), greedy).unwrap();
    let e = unlock(&lib, "p").unwrap_err().to_string();
    assert!(e.contains("/kdf/m_kib 4000000000 is outside"), "{e}");
    std::fs::write(lib.join(KEY_FILE), vec![b' '; 20_000]).unwrap();
    let e = unlock(&lib, "p").unwrap_err().to_string();
    assert!(e.contains("20000 bytes is not a key file"), "{e}");
}
