//! The restoring half of backups (issue 18): reading an archive that is
//! trusted in nothing until checked, and putting a proven library in place
//! (see the parent module for the format).

use super::{
    archive_err, io_err, BackupManifest, BackupMember, HashingWriter, Limits, RestoreReport,
    Staging, DATABASE, FORMAT, KEY_MEMBER, MANIFEST, MANIFEST_SUM, ROOT,
};
use crate::{ustar, Library, StoreError};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::fs::File;
use std::io::{BufReader, BufWriter, Read, Write};
use std::path::Path;

/// Reads and checks a backup archive, writing its members through `sink`
/// (the database and each document, by their archive names without the
/// root folder); returns the manifest once every member is accounted
/// for. Nothing the archive says is believed before this returns `Ok`.
pub fn read_archive(
    input: impl Read,
    limits: &Limits,
    sink: &mut dyn FnMut(&str) -> std::io::Result<Box<dyn Write>>,
) -> Result<BackupManifest, Vec<String>> {
    let mut r = ustar::Reader::new(input);
    let mut seen: BTreeMap<String, (u64, String)> = BTreeMap::new();
    let (mut manifest, mut manifest_sum) = (None::<Vec<u8>>, None::<Vec<u8>>);
    let (mut total, mut count) = (0u64, 0usize);
    while let Some(entry) = r.next_entry().map_err(|e| vec![e])? {
        count += 1;
        if count > limits.members {
            return Err(vec![format!("more than {} members", limits.members)]);
        }
        let Some(name) = entry.name.strip_prefix(ROOT) else {
            return Err(vec![format!("`{}` is outside {ROOT}", entry.name)]);
        };
        let limit = match name {
            DATABASE => limits.database_bytes,
            MANIFEST | MANIFEST_SUM | KEY_MEMBER => limits.manifest_bytes,
            _ if is_document(name) => limits.document_bytes,
            _ => {
                return Err(vec![format!(
                    "`{}` does not belong in a backup",
                    entry.name
                )])
            }
        };
        if entry.size > limit {
            return Err(vec![format!(
                "`{}` declares {} bytes, more than the {limit} a restore accepts",
                entry.name, entry.size
            )]);
        }
        total = total.saturating_add(entry.size);
        if total > limits.total_bytes {
            return Err(vec![format!(
                "the members add up to more than {} bytes",
                limits.total_bytes
            )]);
        }
        if seen.contains_key(name)
            || (name == MANIFEST && manifest.is_some())
            || (name == MANIFEST_SUM && manifest_sum.is_some())
        {
            return Err(vec![format!("`{}` appears twice", entry.name)]);
        }
        if name == MANIFEST || name == MANIFEST_SUM {
            let mut bytes = Vec::with_capacity(entry.size as usize);
            r.copy_data(&mut bytes).map_err(|e| vec![e])?;
            *(if name == MANIFEST {
                &mut manifest
            } else {
                &mut manifest_sum
            }) = Some(bytes);
            continue;
        }
        if manifest.is_some() {
            return Err(vec![format!("`{}` follows the manifest", entry.name)]);
        }
        let mut out = HashingWriter {
            inner: sink(name).map_err(|e| vec![format!("cannot write `{name}`: {e}")])?,
            hash: Sha256::new(),
        };
        r.copy_data(&mut out).map_err(|e| vec![e])?;
        out.inner
            .flush()
            .map_err(|e| vec![format!("cannot write `{name}`: {e}")])?;
        seen.insert(
            name.to_string(),
            (entry.size, format!("{:x}", out.hash.finalize())),
        );
    }
    let (Some(json), Some(sum)) = (manifest, manifest_sum) else {
        return Err(vec![
            "no manifest and checksum at the end: the archive is truncated or not a backup".into(),
        ]);
    };
    if std::str::from_utf8(&sum).map(str::trim) != Ok(crate::sha256_hex(&json).as_str()) {
        return Err(vec![
            "MANIFEST.json does not match MANIFEST.sha256: it was changed".into(),
        ]);
    }
    let m: BackupManifest =
        serde_json::from_slice(&json).map_err(|e| vec![format!("MANIFEST.json: {e}")])?;
    let mut problems = Vec::new();
    if m.format != FORMAT {
        problems.push(format!(
            "format `{}`, this SLA Ledger reads {FORMAT}",
            m.format
        ));
    }
    let listed: BTreeMap<&str, &BackupMember> =
        m.members.iter().map(|mm| (mm.path.as_str(), mm)).collect();
    for (name, (size, sha)) in &seen {
        match listed.get(name.as_str()) {
            None => problems.push(format!(
                "`{name}` is in the archive but not in its manifest"
            )),
            Some(mm) if mm.size != *size || mm.sha256 != *sha => problems.push(format!(
                "`{name}` is {size} bytes with SHA-256 {sha}; the manifest says {} bytes, {}",
                mm.size, mm.sha256
            )),
            Some(_) => {}
        }
        // A sealed document's hash is checked once it is opened with the
        // key (the restore's document check); a plain one's here.
        if let Some(doc) = name.strip_prefix("documents/").filter(|_| !m.encrypted) {
            if doc != sha {
                problems.push(format!("`{name}` does not hash to its name ({sha})"));
            }
        }
    }
    for name in listed.keys() {
        if !seen.contains_key(*name) {
            problems.push(format!(
                "`{name}` is in the manifest but missing from the archive"
            ));
        }
    }
    if !seen.contains_key(DATABASE) {
        problems.push(format!("no {DATABASE} in the archive"));
    }
    if m.encrypted != seen.contains_key(KEY_MEMBER) {
        problems.push(if m.encrypted {
            format!("the manifest says the library is encrypted, but there is no {KEY_MEMBER}")
        } else {
            format!("{KEY_MEMBER} in the backup of a library the manifest says is not encrypted")
        });
    }
    if problems.is_empty() {
        Ok(m)
    } else {
        Err(problems)
    }
}

/// True when the archive at `path` is the backup of an encrypted library
/// (it holds `library.key`): read through once, headers checked, nothing
/// written, so that a restore can choose its target before unpacking.
pub fn is_sealed(path: &Path) -> Result<bool, StoreError> {
    let file = File::open(path).map_err(|e| io_err(path, e))?;
    let mut r = ustar::Reader::new(BufReader::new(file));
    let key = format!("{ROOT}{KEY_MEMBER}");
    while let Some(entry) = r.next_entry().map_err(|e| archive_err(path, vec![e]))? {
        if entry.name == key {
            return Ok(true);
        }
        r.copy_data(&mut std::io::sink())
            .map_err(|e| archive_err(path, vec![e]))?;
    }
    Ok(false)
}

fn is_document(name: &str) -> bool {
    name.strip_prefix("documents/").is_some_and(|h| {
        h.len() == 64
            && h.bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    })
}

/// Restores the archive at `archive` into the folder `dir`, which must not
/// exist or be empty. The restored library is checked (integrity, audit
/// chain, content digest) before it is put in place; on any failure
/// nothing is left behind.
pub fn restore(archive: &Path, dir: &Path, limits: &Limits) -> Result<RestoreReport, StoreError> {
    if dir.exists() {
        let empty = std::fs::read_dir(dir)
            .map_err(|e| io_err(dir, e))?
            .next()
            .is_none();
        if !empty {
            return Err(StoreError::Conflict(format!(
                "{} is not empty: a backup is restored only into a new or empty folder",
                dir.display()
            )));
        }
    }
    let staging = Staging::new(dir, "restore")?;
    let manifest = restore_into(archive, staging.path(), limits)?;
    if dir.exists() {
        std::fs::remove_dir(dir).map_err(|e| io_err(dir, e))?;
    }
    let staged = staging.keep();
    if let Err(e) = std::fs::rename(&staged, dir) {
        let _ = std::fs::remove_dir_all(&staged);
        return Err(io_err(dir, e));
    }
    Ok(RestoreReport {
        location: dir.display().to_string(),
        manifest,
    })
}

/// Unpacks and checks the archive into `dir` (a fresh folder); returns its
/// manifest once the library there is proven to be the one backed up.
pub fn restore_into(
    archive: &Path,
    dir: &Path,
    limits: &Limits,
) -> Result<BackupManifest, StoreError> {
    let file = File::open(archive).map_err(|e| io_err(archive, e))?;
    std::fs::create_dir_all(dir.join("documents")).map_err(|e| io_err(dir, e))?;
    let base = dir.to_path_buf();
    let mut sink = |name: &str| -> std::io::Result<Box<dyn Write>> {
        // Only the two shapes `read_archive` lets through reach here.
        let path = base.join(name);
        Ok(Box::new(BufWriter::new(File::create(path)?)))
    };
    let manifest = read_archive(BufReader::new(file), limits, &mut sink)
        .map_err(|p| archive_err(archive, p))?;
    let lib = Library::open(dir, crate::DEFAULT_BUSY_TIMEOUT_MS).map_err(|e| match e {
        // An encrypted backup without its passphrase is not a broken one;
        // the archive is named, not the staging folder it was unpacked in.
        StoreError::Passphrase { .. } => StoreError::Passphrase {
            path: archive.display().to_string(),
        },
        StoreError::Locked { .. } => StoreError::Locked {
            path: archive.display().to_string(),
        },
        e => archive_err(
            archive,
            vec![format!("the database in it does not open: {e}")],
        ),
    })?;
    let mut problems = Vec::new();
    match lib.integrity_check() {
        Ok(s) if s == "ok" => {}
        Ok(s) => problems.push(format!("SQLite integrity check: {s}")),
        Err(e) => problems.push(format!("SQLite integrity check: {e}")),
    }
    let v = lib.audit_verify()?;
    if !v.ok {
        problems.extend(v.problems.iter().map(|p| format!("audit chain: {p}")));
    }
    if v.entries != manifest.audit_entries {
        problems.push(format!(
            "the audit chain has {} entries, the manifest {}",
            v.entries, manifest.audit_entries
        ));
    }
    let head = lib.chain_head()?.map(|h| h.1).unwrap_or_default();
    if head != manifest.head_hash {
        problems.push(format!(
            "the chain's head is {head}, the manifest's {}",
            manifest.head_hash
        ));
    }
    // A backup of an older schema was migrated on opening: its digest was
    // taken over the old tables, so only the chain vouches for it.
    let digest = lib.content_sha256()?;
    let same_schema = manifest.schema_version == crate::MIGRATIONS.len() as i64;
    if same_schema && digest != manifest.content_sha256 {
        problems.push(format!(
            "the content digest is {digest}, the manifest's {}",
            manifest.content_sha256
        ));
    }
    // Every attached document the library lists must have come with it,
    // and every document that came must be whole (a sealed one is checked
    // only now, with the key).
    if let Err(e) = lib.document_blobs() {
        problems.push(e.to_string());
    }
    problems.extend(lib.document_file_problems());
    lib.wal_checkpoint()?;
    if problems.is_empty() {
        Ok(manifest)
    } else {
        Err(archive_err(archive, problems))
    }
}

/// Restores the archive into `dst`, an empty library on either backend
/// (a team library on PostgreSQL): checked in a staging folder as
/// [`restore`] does, then copied with `library copy`'s checks, and the
/// target's content digest compared with the manifest's.
///
/// The backup of an encrypted library goes only into an encrypted one,
/// unless `decrypt` says a plain copy is meant.
pub fn restore_to_library(
    archive: &Path,
    dst: &mut Library,
    limits: &Limits,
    decrypt: bool,
) -> Result<RestoreReport, StoreError> {
    let staging = Staging::new(&std::env::temp_dir().join("sla-ledger"), "restore")?;
    let manifest = restore_into(archive, staging.path(), limits)?;
    if manifest.encrypted && !dst.is_encrypted() && !decrypt {
        return Err(StoreError::Conflict(format!(
            "{} is the backup of an encrypted library, and {} is not encrypted: restore it into a folder, or give --decrypt to make a plain copy on purpose",
            archive.display(),
            dst.location()
        )));
    }
    let src = Library::open(staging.path(), crate::DEFAULT_BUSY_TIMEOUT_MS)?;
    src.copy_into(dst)?;
    let digest = dst.content_sha256()?;
    if digest != src.content_sha256()? {
        return Err(StoreError::Conflict(format!(
            "the restored library in {} does not hold what the archive holds (content digest {digest})",
            dst.location()
        )));
    }
    Ok(RestoreReport {
        location: dst.location().to_string(),
        manifest,
    })
}
