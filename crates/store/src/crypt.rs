//! Encrypted libraries (issue 18, for data rooms): the database is
//! encrypted page by page by SQLCipher, every attached document is sealed
//! with AES-256-GCM, and both keys are random data keys kept in
//! `library.key`, wrapped (AES-256-GCM) under a key stretched from the
//! passphrase by Argon2id.
//!
//! Why wrapped data keys rather than the passphrase's key itself: changing
//! the passphrase (`library rekey`) rewrites one small file atomically,
//! never the database or the documents, so a crash in the middle cannot
//! leave half a library under one key and half under another. A wrong
//! passphrase fails the wrap's authentication tag before the database is
//! even opened, so it is reported as such and never touches a file.
//!
//! Where a passphrase comes from, in order: keys this process already
//! unlocked ([`remember`]); `SLA_LEDGER_PASSPHRASE` (for scripts, like
//! libpq's PGPASSWORD); the OS keychain (`library unlock --remember`);
//! the prompt the front end installed ([`set_prompt`]). The front ends
//! resolve it; the rest of the store only asks [`keys_for`].

use crate::StoreError;
use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Nonce};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, Mutex, OnceLock};
use zeroize::Zeroizing;

pub const KEY_FILE: &str = "library.key";
const FORMAT: &str = "sla-ledger-key/1";
/// The first bytes of a sealed document: a format tag, so that a plain
/// file in an encrypted library's folder is recognised as such.
const DOC_MAGIC: &[u8; 8] = b"SLAENC1\0";
/// A key file is a few hundred bytes; anything bigger is not one.
const KEY_FILE_LIMIT: u64 = 16 * 1024;
/// Argon2id's cost for new keys: 64 MiB and 3 passes (RFC 9106's second
/// recommendation with one lane, as the crate computes lanes one by one).
const M_KIB: u32 = 64 * 1024;
const T_COST: u32 = 3;
/// What a key file may ask of this machine: a hostile file must not make
/// opening allocate gigabytes or spin for minutes.
const M_KIB_MAX: u32 = 256 * 1024;
const T_COST_MAX: u32 = 8;

/// The environment variable a script gives the passphrase in.
pub const PASSPHRASE_ENV: &str = "SLA_LEDGER_PASSPHRASE";
/// The keychain account prefix of a library's passphrase.
const KEYCHAIN_PREFIX: &str = "library:";

/// The data keys of one encrypted library.
pub struct Keys {
    pub key_id: String,
    db: Zeroizing<[u8; 32]>,
    docs: Zeroizing<[u8; 32]>,
}

impl std::fmt::Debug for Keys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Keys({})", self.key_id)
    }
}

#[derive(Serialize, Deserialize)]
struct KeyFile {
    format: String,
    key_id: String,
    kdf: Kdf,
    wrap: Wrap,
}

#[derive(Serialize, Deserialize)]
struct Kdf {
    alg: String,
    m_kib: u32,
    t: u32,
    p: u32,
    salt: String,
}

#[derive(Serialize, Deserialize)]
struct Wrap {
    alg: String,
    nonce: String,
    ciphertext: String,
}

type Prompt = Box<dyn Fn(&str) -> Option<String> + Send + Sync>;

fn unlocked() -> &'static Mutex<HashMap<String, Arc<Keys>>> {
    static KEYS: OnceLock<Mutex<HashMap<String, Arc<Keys>>>> = OnceLock::new();
    KEYS.get_or_init(Default::default)
}

fn prompt_slot() -> &'static Mutex<Option<Prompt>> {
    static PROMPT: OnceLock<Mutex<Option<Prompt>>> = OnceLock::new();
    PROMPT.get_or_init(Default::default)
}

/// How a front end asks a person for a passphrase (the CLI: a terminal
/// prompt without echo); given what it is for.
pub fn set_prompt(f: impl Fn(&str) -> Option<String> + Send + Sync + 'static) {
    *prompt_slot().lock().unwrap_or_else(|p| p.into_inner()) = Some(Box::new(f));
}

/// Keeps unlocked keys for the rest of this process (the app unlocks once),
/// under the SHA-256 of the key file they came from: only the very same
/// bytes (the same wrapped keys) find them again. A key id alone proves
/// nothing, since anyone can copy one into a key file of their own.
fn remember(file_sha: String, keys: Arc<Keys>) {
    unlocked()
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .insert(file_sha, keys);
}

/// True when the library folder `dir` is encrypted.
pub fn is_encrypted(dir: &Path) -> bool {
    dir.join(KEY_FILE).is_file()
}

fn key_err(dir: &Path, message: impl Into<String>) -> StoreError {
    StoreError::Open {
        path: dir.join(KEY_FILE).display().to_string(),
        message: message.into(),
    }
}

/// The key file of `dir`, parsed, and the SHA-256 of its bytes.
fn read_key_file(dir: &Path) -> Result<(KeyFile, String), StoreError> {
    let path = dir.join(KEY_FILE);
    let meta = std::fs::metadata(&path).map_err(|e| key_err(dir, e.to_string()))?;
    if meta.len() > KEY_FILE_LIMIT {
        return Err(key_err(
            dir,
            format!("{} bytes is not a key file", meta.len()),
        ));
    }
    let bytes = std::fs::read(&path).map_err(|e| key_err(dir, e.to_string()))?;
    let kf = parse_key_file(&bytes).map_err(|e| key_err(dir, e))?;
    Ok((kf, crate::sha256_hex(&bytes)))
}

/// Reads a key file's bytes (hostile until checked: a library folder or a
/// backup may come from anyone), every problem named by its JSON pointer;
/// nothing it asks of the machine (memory, passes) is beyond the limits.
/// Fuzz target `key_file`.
fn parse_key_file(bytes: &[u8]) -> Result<KeyFile, String> {
    if bytes.len() as u64 > KEY_FILE_LIMIT {
        return Err(format!("{} bytes is not a key file", bytes.len()));
    }
    let kf: KeyFile = serde_json::from_slice(bytes).map_err(|e| e.to_string())?;
    let k = &kf.kdf;
    let hex_of = |s: &str, range: std::ops::RangeInclusive<usize>| {
        hex(s).is_some_and(|b| range.contains(&b.len()))
    };
    let problems: Vec<String> = [
        (kf.format != FORMAT)
            .then(|| format!("/format `{}`, this SLA Ledger reads {FORMAT}", kf.format)),
        (k.alg != "argon2id").then(|| format!("/kdf/alg `{}` is not argon2id", k.alg)),
        (!(8..=M_KIB_MAX).contains(&k.m_kib))
            .then(|| format!("/kdf/m_kib {} is outside 8..={M_KIB_MAX}", k.m_kib)),
        (!(1..=T_COST_MAX).contains(&k.t))
            .then(|| format!("/kdf/t {} is outside 1..={T_COST_MAX}", k.t)),
        (!(1..=4).contains(&k.p)).then(|| format!("/kdf/p {} is outside 1..=4", k.p)),
        // Argon2 needs at least 8 KiB per lane.
        (k.m_kib < 8 * k.p).then(|| format!("/kdf/m_kib {} is under 8 per lane", k.m_kib)),
        (!hex_of(&k.salt, 8..=64)).then(|| "/kdf/salt is not 8 to 64 bytes of hex".to_string()),
        (kf.wrap.alg != "aes-256-gcm")
            .then(|| format!("/wrap/alg `{}` is not aes-256-gcm", kf.wrap.alg)),
        (!hex_of(&kf.wrap.nonce, 12..=12))
            .then(|| "/wrap/nonce is not 12 bytes of hex".to_string()),
        (!hex_of(&kf.wrap.ciphertext, 80..=80))
            .then(|| "/wrap/ciphertext is not 80 bytes of hex".to_string()),
        (!hex_of(&kf.key_id, 16..=16)).then(|| "/key_id is not 16 bytes of hex".to_string()),
    ]
    .into_iter()
    .flatten()
    .collect();
    if problems.is_empty() {
        Ok(kf)
    } else {
        Err(problems.join("; "))
    }
}

/// The fuzz target's entry: whether `bytes` is an acceptable key file.
pub fn check_key_file(bytes: &[u8]) -> Result<(), String> {
    parse_key_file(bytes).map(drop)
}

fn hex(s: &str) -> Option<Vec<u8>> {
    // Strict: from_str_radix alone would take "+f" as a byte.
    if !s.len().is_multiple_of(2) || !s.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(s.get(i..i + 2)?, 16).ok())
        .collect()
}

fn to_hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

fn random<const N: usize>() -> [u8; N] {
    let mut b = [0u8; N];
    getrandom::getrandom(&mut b).expect("the operating system's random source works");
    b
}

fn stretch(pass: &str, salt: &[u8], k: &Kdf) -> Result<Zeroizing<[u8; 32]>, String> {
    let params = argon2::Params::new(k.m_kib, k.t, k.p, Some(32)).map_err(|e| e.to_string())?;
    let a = argon2::Argon2::new(argon2::Algorithm::Argon2id, argon2::Version::V0x13, params);
    let mut out = Zeroizing::new([0u8; 32]);
    a.hash_password_into(pass.as_bytes(), salt, &mut out[..])
        .map_err(|e| e.to_string())?;
    Ok(out)
}

/// The wrap's associated data: the format and the key id, so that a
/// wrapped key cannot be moved into another key file unnoticed.
fn aad(key_id: &str) -> Vec<u8> {
    format!("{FORMAT}\n{key_id}").into_bytes()
}

/// Writes `keys` wrapped under `pass` as the key file of `dir`: a new one
/// only if there is none (`replace` false: two processes making the same
/// new library cannot both publish keys), else in place of the old one.
/// Returns the SHA-256 of what it wrote.
fn write_key_file(
    dir: &Path,
    keys: &Keys,
    pass: &str,
    replace: bool,
) -> Result<String, StoreError> {
    if pass.is_empty() {
        return Err(StoreError::Conflict(
            "an encrypted library needs a passphrase that is not empty".into(),
        ));
    }
    let salt: [u8; 16] = random();
    let nonce: [u8; 12] = random();
    let kdf = Kdf {
        alg: "argon2id".into(),
        m_kib: M_KIB,
        t: T_COST,
        p: 1,
        salt: to_hex(&salt),
    };
    let kek = stretch(pass, &salt, &kdf).map_err(|e| key_err(dir, e))?;
    let mut plain = Zeroizing::new([0u8; 64]);
    plain[..32].copy_from_slice(&keys.db[..]);
    plain[32..].copy_from_slice(&keys.docs[..]);
    let cipher = Aes256Gcm::new_from_slice(&kek[..]).expect("a 32-byte key");
    let ct = cipher
        .encrypt(
            Nonce::from_slice(&nonce),
            Payload {
                msg: &plain[..],
                aad: &aad(&keys.key_id),
            },
        )
        .map_err(|_| key_err(dir, "cannot wrap the data keys"))?;
    let kf = KeyFile {
        format: FORMAT.into(),
        key_id: keys.key_id.clone(),
        kdf,
        wrap: Wrap {
            alg: "aes-256-gcm".into(),
            nonce: to_hex(&nonce),
            ciphertext: to_hex(&ct),
        },
    };
    let json = serde_json::to_vec_pretty(&kf).expect("a key file serializes");
    // Beside (a name of this call's own), synced, then put in place: the
    // old file or the new one, never half of either.
    let path = dir.join(KEY_FILE);
    let tmp = dir.join(format!(".{KEY_FILE}.{}.part", to_hex(&random::<8>())));
    let io = |e: std::io::Error| StoreError::Io {
        path: path.display().to_string(),
        source: e,
    };
    {
        use std::io::Write;
        let mut f = std::fs::File::create_new(&tmp).map_err(io)?;
        f.write_all(&json).and_then(|_| f.sync_all()).map_err(io)?;
    }
    let placed = if replace {
        std::fs::rename(&tmp, &path)
    } else {
        // A hard link fails if the name exists: exactly one creator wins.
        let linked = std::fs::hard_link(&tmp, &path);
        let _ = std::fs::remove_file(&tmp);
        linked
    };
    if let Err(e) = placed {
        let _ = std::fs::remove_file(&tmp);
        return Err(if e.kind() == std::io::ErrorKind::AlreadyExists {
            already_a_library(dir)
        } else {
            io(e)
        });
    }
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
    Ok(crate::sha256_hex(&json))
}

fn already_a_library(dir: &Path) -> StoreError {
    StoreError::Conflict(format!(
        "{} already holds a library: only a new library is created encrypted (copy it into a new encrypted one with `library copy --encrypted`)",
        dir.display()
    ))
}

/// Makes `dir` (a new folder, or one without a database yet) an encrypted
/// library under `pass`: new random data keys, wrapped into `library.key`.
pub fn create(dir: &Path, pass: &str) -> Result<Arc<Keys>, StoreError> {
    if dir.join(crate::DB_FILE).exists() || is_encrypted(dir) {
        return Err(already_a_library(dir));
    }
    std::fs::create_dir_all(dir).map_err(|e| key_err(dir, e.to_string()))?;
    let keys = Arc::new(Keys {
        key_id: to_hex(&random::<16>()),
        db: Zeroizing::new(random()),
        docs: Zeroizing::new(random()),
    });
    let sha = write_key_file(dir, &keys, pass, false)?;
    remember(sha, keys.clone());
    Ok(keys)
}

/// Unlocks the library in `dir` with `pass`. A wrong passphrase is
/// [`StoreError::Passphrase`]; no file is written either way.
pub fn unlock(dir: &Path, pass: &str) -> Result<Arc<Keys>, StoreError> {
    let (kf, file_sha) = read_key_file(dir)?;
    let bad = |what: &str| key_err(dir, format!("{what} is not hex of the right length"));
    let salt = hex(&kf.kdf.salt)
        .filter(|s| (8..=64).contains(&s.len()))
        .ok_or_else(|| bad("/kdf/salt"))?;
    let nonce = hex(&kf.wrap.nonce)
        .filter(|n| n.len() == 12)
        .ok_or_else(|| bad("/wrap/nonce"))?;
    let ct = hex(&kf.wrap.ciphertext)
        .filter(|c| c.len() == 64 + 16)
        .ok_or_else(|| bad("/wrap/ciphertext"))?;
    let kek = stretch(pass, &salt, &kf.kdf).map_err(|e| key_err(dir, e))?;
    let cipher = Aes256Gcm::new_from_slice(&kek[..]).expect("a 32-byte key");
    let plain = Zeroizing::new(
        cipher
            .decrypt(
                Nonce::from_slice(&nonce),
                Payload {
                    msg: &ct,
                    aad: &aad(&kf.key_id),
                },
            )
            .map_err(|_| StoreError::Passphrase {
                path: dir.display().to_string(),
            })?,
    );
    let mut db = Zeroizing::new([0u8; 32]);
    let mut docs = Zeroizing::new([0u8; 32]);
    db.copy_from_slice(&plain[..32]);
    docs.copy_from_slice(&plain[32..]);
    let keys = Arc::new(Keys {
        key_id: kf.key_id,
        db,
        docs,
    });
    remember(file_sha, keys.clone());
    Ok(keys)
}

/// The keys of the encrypted library in `dir`, from wherever a passphrase
/// can be had (see the module's documentation); [`StoreError::Locked`]
/// when none.
pub fn keys_for(dir: &Path) -> Result<Arc<Keys>, StoreError> {
    let (kf, file_sha) = read_key_file(dir)?;
    if let Some(k) = unlocked()
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .get(&file_sha)
    {
        return Ok(k.clone());
    }
    if let Some(pass) = std::env::var(PASSPHRASE_ENV).ok().filter(|p| !p.is_empty()) {
        return unlock(dir, &pass);
    }
    if let Some(pass) = crate::secrets::keychain_password(&keychain_account(&kf.key_id)) {
        if let Ok(k) = unlock(dir, &pass) {
            return Ok(k);
        }
    }
    let asked = prompt_slot()
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .as_ref()
        .and_then(|ask| {
            ask(&format!(
                "Passphrase of the encrypted library {}: ",
                dir.display()
            ))
        });
    match asked {
        Some(pass) => unlock(dir, &pass),
        None => Err(StoreError::Locked {
            path: dir.display().to_string(),
        }),
    }
}

fn keychain_account(key_id: &str) -> String {
    format!("{KEYCHAIN_PREFIX}{key_id}")
}

/// Keeps the passphrase of the library in `dir` in the OS keychain (after
/// checking that it unlocks it).
pub fn remember_in_keychain(dir: &Path, pass: &str) -> Result<(), StoreError> {
    let keys = unlock(dir, pass)?;
    crate::secrets::store_keychain_password(&keychain_account(&keys.key_id), pass)
        .map_err(StoreError::Conflict)
}

/// What became of a passphrase kept in the keychain when it was changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeptPassphrase {
    /// None was kept.
    None,
    /// The keychain holds the new one.
    Replaced,
    /// The keychain could not be written: it still holds the old one.
    Stale(String),
}

/// Changes the passphrase of the library in `dir` from `old` to `new`:
/// the same data keys, wrapped again under a new salt. A passphrase kept
/// in the keychain is replaced; the key file is changed first, so a
/// keychain that refuses is reported, not a failure of the change.
pub fn rekey(dir: &Path, old: &str, new: &str) -> Result<KeptPassphrase, StoreError> {
    let keys = unlock(dir, old)?;
    let sha = write_key_file(dir, &keys, new, true)?;
    remember(sha, keys.clone());
    let account = keychain_account(&keys.key_id);
    if crate::secrets::keychain_password(&account).is_none() {
        return Ok(KeptPassphrase::None);
    }
    Ok(
        match crate::secrets::store_keychain_password(&account, new) {
            Ok(()) => KeptPassphrase::Replaced,
            Err(e) => KeptPassphrase::Stale(e),
        },
    )
}

/// The SQL that keys a SQLCipher connection with the raw data key (no
/// second key derivation inside SQLCipher: the key is already random).
pub fn pragma_key(keys: &Keys) -> Zeroizing<String> {
    use std::fmt::Write;
    // Written straight into the zeroized string: no copy of the key in
    // hex is left behind in freed memory.
    let mut sql = Zeroizing::new(String::with_capacity(80));
    sql.push_str("PRAGMA key = \"x'");
    for b in keys.db.iter() {
        let _ = write!(sql, "{b:02x}");
    }
    sql.push_str("'\";");
    sql
}

/// A document as it is kept on disk in an encrypted library: a tag, a
/// random nonce, and the AES-256-GCM ciphertext bound to the document's
/// hash (so that one document's file cannot stand in for another's).
pub fn seal(keys: &Keys, sha: &str, plain: &[u8]) -> Vec<u8> {
    let nonce: [u8; 12] = random();
    let cipher = Aes256Gcm::new_from_slice(&keys.docs[..]).expect("a 32-byte key");
    let ct = cipher
        .encrypt(
            Nonce::from_slice(&nonce),
            Payload {
                msg: plain,
                aad: sha.as_bytes(),
            },
        )
        .expect("AES-GCM encrypts any document under the size limit");
    let mut out = Vec::with_capacity(DOC_MAGIC.len() + nonce.len() + ct.len());
    out.extend_from_slice(DOC_MAGIC);
    out.extend_from_slice(&nonce);
    out.extend_from_slice(&ct);
    out
}

/// The document `sha` back from its sealed file; `None` when the file is
/// not sealed under these keys for that hash (changed, swapped, or plain).
pub fn open_sealed(keys: &Keys, sha: &str, sealed: &[u8]) -> Option<Vec<u8>> {
    let rest = sealed.strip_prefix(&DOC_MAGIC[..])?;
    if rest.len() < 12 + 16 {
        return None;
    }
    let (nonce, ct) = rest.split_at(12);
    let cipher = Aes256Gcm::new_from_slice(&keys.docs[..]).expect("a 32-byte key");
    cipher
        .decrypt(
            Nonce::from_slice(nonce),
            Payload {
                msg: ct,
                aad: sha.as_bytes(),
            },
        )
        .ok()
}

/// The passphrase policy of this machine for libraries made implicitly
/// (first use of a folder, a restore's or a copy's target): encrypted
/// when `SLA_LEDGER_ENCRYPT_NEW` is `1`, under `SLA_LEDGER_PASSPHRASE`.
/// A data room's laptop sets it once; the test suite's encrypted pass
/// runs every test under it.
pub fn new_library_passphrase() -> Result<Option<String>, StoreError> {
    if std::env::var("SLA_LEDGER_ENCRYPT_NEW").as_deref() != Ok("1") {
        return Ok(None);
    }
    match std::env::var(PASSPHRASE_ENV).ok().filter(|p| !p.is_empty()) {
        Some(p) => Ok(Some(p)),
        None => Err(StoreError::Conflict(format!(
            "SLA_LEDGER_ENCRYPT_NEW=1 makes every new library encrypted, but {PASSPHRASE_ENV} gives no passphrase"
        ))),
    }
}

#[cfg(test)]
mod tests;
