//! Exporting and verifying statements: the use cases behind `statements
//! export`, `identity` and `verify`, shared by the CLI and the desktop shell.

use crate::AppError;
use serde::Serialize;
use serde_json::json;
use sha2::{Digest, Sha256};
use sla_export::{sign, Identity, StatementView};
use sla_store::{Ctx, Library};
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct ExportedFiles {
    pub statement: String,
    pub status: String,
    pub pdf: PathBuf,
    pub xlsx: PathBuf,
    pub manifest: Option<PathBuf>,
    pub signature: Option<PathBuf>,
}

fn hex_sha(b: &[u8]) -> String {
    format!("{:x}", Sha256::digest(b))
}

fn parse_time(s: &str) -> i64 {
    chrono::DateTime::parse_from_rfc3339(s)
        .map(|d| d.timestamp())
        .unwrap_or(0)
}

fn export_err(e: sla_export::ExportError) -> AppError {
    AppError::Usage(e.to_string())
}

/// What the exports of one statement show.
pub fn view(
    lib: &Library,
    key: &str,
    identity: Option<&Identity>,
) -> Result<StatementView, AppError> {
    let s = lib.statement(key)?;
    let terms = lib.terms_of(&s.info.contract, Some(s.info.version))?;
    let status = match (s.info.status.as_str(), s.info.supersedes) {
        ("draft", _) => "DRAFT",
        ("final", Some(_)) => "RESTATED",
        ("final", None) => "FINAL",
        _ => "SUPERSEDED",
    };
    Ok(StatementView {
        number: s.info.number.clone(),
        status: status.into(),
        our_party: identity
            .and_then(|i| i.organisation())
            .unwrap_or_else(|| "(our organisation: set by the signing identity)".into()),
        terms,
        result: s.result,
        data_cutoff: s.info.data_cutoff.clone(),
        created_at: parse_time(s.info.finalized_at.as_deref().unwrap_or(&s.info.created_at)),
        seal_sha256: s.info.sha256.clone(),
        terms_version: s.info.version,
        engine_version: s.info.engine_version.clone(),
        restatement: s.info.restatement_reason.clone(),
    })
}

/// Writes one statement's PDF and XLSX into `out`; a final statement's PDF
/// is certified and a signed manifest binds both files.
pub fn export_statement(
    lib: &Library,
    ctx: &Ctx,
    key: &str,
    out: &Path,
) -> Result<ExportedFiles, AppError> {
    let identity = Identity::load(lib.dir()).ok();
    let v = view(lib, key, identity.as_ref())?;
    std::fs::create_dir_all(out).map_err(|source| AppError::ReadFile {
        path: out.display().to_string(),
        source,
    })?;
    let xlsx = sla_export::xlsx::render(&v).map_err(export_err)?;
    let xlsx_sha = hex_sha(&xlsx);
    let unsigned = sla_export::pdf::render(&v, &xlsx_sha).map_err(export_err)?;
    let stem = v.file_stem();
    let (pdf_path, xlsx_path) = (
        out.join(format!("{stem}.pdf")),
        out.join(format!("{stem}.xlsx")),
    );
    let write = |p: &Path, b: &[u8]| {
        std::fs::write(p, b).map_err(|source| AppError::ReadFile {
            path: p.display().to_string(),
            source,
        })
    };
    write(&xlsx_path, &xlsx)?;
    if v.status == "DRAFT" {
        write(&pdf_path, &unsigned)?;
        return Ok(ExportedFiles {
            statement: v.number,
            status: v.status,
            pdf: pdf_path,
            xlsx: xlsx_path,
            manifest: None,
            signature: None,
        });
    }
    let id = identity.ok_or_else(|| {
        export_err(sla_export::ExportError::NoIdentity(
            lib.dir().display().to_string(),
        ))
    })?;
    let pdf = sign::sign_pdf(
        &unsigned,
        &id,
        ctx.now,
        &format!("Certified SLA credit statement {}", v.number),
    )
    .map_err(export_err)?;
    write(&pdf_path, &pdf)?;
    let manifest = json!({
        "schema": "sla-ledger-manifest/1",
        "statement": v.number,
        "contract": v.terms.contract.id,
        "period": v.result.period.label,
        "status": v.status,
        "statement_seal_sha256": v.seal_sha256,
        "files": [
            { "name": pdf_path.file_name().map(|n| n.to_string_lossy().into_owned()), "sha256": hex_sha(&pdf), "bytes": pdf.len() },
            { "name": xlsx_path.file_name().map(|n| n.to_string_lossy().into_owned()), "sha256": xlsx_sha, "bytes": xlsx.len() },
        ],
        "signer": id.subject(),
        "signed_at": sla_engine::time::fmt_instant(ctx.now),
    });
    let manifest_bytes = serde_json::to_vec_pretty(&manifest).expect("manifest serialises");
    let p7s = sign::cms_detached(&id, &Sha256::digest(&manifest_bytes)).map_err(export_err)?;
    let (m_path, s_path) = (
        out.join(format!("{stem}.manifest.json")),
        out.join(format!("{stem}.manifest.json.p7s")),
    );
    write(&m_path, &manifest_bytes)?;
    write(&s_path, &p7s)?;
    Ok(ExportedFiles {
        statement: v.number,
        status: v.status,
        pdf: pdf_path,
        xlsx: xlsx_path,
        manifest: Some(m_path),
        signature: Some(s_path),
    })
}

/// One finding of `verify`: what was checked and whether it holds.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct Finding {
    pub file: String,
    pub check: String,
    pub holds: bool,
    pub detail: String,
}

fn finding(file: &Path, check: &str, holds: bool, detail: impl Into<String>) -> Finding {
    Finding {
        file: file.display().to_string(),
        check: check.into(),
        holds,
        detail: detail.into(),
    }
}

fn library_record(
    lib: Option<&Library>,
    file: &Path,
    number: &str,
    seal: &str,
    out: &mut Vec<Finding>,
) {
    let Some(lib) = lib else {
        out.push(finding(
            file,
            "library record",
            false,
            "no library to compare with (pass --library)",
        ));
        return;
    };
    match lib.statement(number) {
        Ok(s) => {
            let same = s.info.sha256.as_deref() == Some(seal);
            let status = &s.info.status;
            out.push(finding(
                file,
                "library record",
                same && status != "draft",
                format!(
                    "statement {number} is {status} in the library; its seal {}",
                    if same { "matches" } else { "does NOT match" }
                ),
            ));
            if status == "superseded" {
                out.push(finding(
                    file,
                    "current",
                    false,
                    format!(
                        "statement {number} was superseded by a restatement (statement id {})",
                        s.info.superseded_by.unwrap_or_default()
                    ),
                ));
            }
        }
        Err(_) => out.push(finding(
            file,
            "library record",
            false,
            format!("statement {number} is not in this library"),
        )),
    }
}

fn manifest_for(file: &Path) -> PathBuf {
    let name = file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let stem = name
        .rsplit_once('.')
        .map_or(name.as_str(), |(s, _)| s)
        .to_string();
    file.with_file_name(format!("{stem}.manifest.json"))
}

/// Checks PDFs (signature), XLSX files and manifests (against the signed
/// manifest), and each against the library's record of the statement.
pub fn verify(files: &[String], lib: Option<&Library>) -> Result<Vec<Finding>, AppError> {
    let mut out = Vec::new();
    for f in files {
        let path = Path::new(f);
        let bytes = std::fs::read(path).map_err(|source| AppError::ReadFile {
            path: f.clone(),
            source,
        })?;
        let lower = f.to_lowercase();
        if lower.ends_with(".pdf") {
            match sign::verify_pdf(&bytes) {
                Ok(c) => {
                    out.push(finding(path, "PDF signature", c.digest_matches && c.signature_valid, format!("signed by {}{}", c.signer, if c.digest_matches && c.signature_valid { "; the signed bytes are unchanged" } else { "; the document was CHANGED after signing or the signature is invalid" })));
                    out.push(finding(
                        path,
                        "whole document signed",
                        c.covers_whole_file,
                        if c.covers_whole_file {
                            "the signature covers the whole file"
                        } else {
                            "bytes outside the signed range (changes appended after signing)"
                        },
                    ));
                    out.push(finding(
                        path,
                        "certification",
                        c.certification_no_changes,
                        if c.certification_no_changes {
                            "certified: no changes allowed"
                        } else {
                            "not a certification signature"
                        },
                    ));
                    let doc = lopdf::Document::load_mem(&bytes).ok();
                    let info = |k: &[u8]| -> Option<String> {
                        let d = doc.as_ref()?;
                        let r = d.trailer.get(b"Info").ok()?.as_reference().ok()?;
                        let dict = d.get_object(r).ok()?.as_dict().ok()?;
                        Some(String::from_utf8_lossy(dict.get(k).ok()?.as_str().ok()?).into_owned())
                    };
                    if let (Some(n), Some(seal)) =
                        (info(b"SlaLedgerStatement"), info(b"SlaLedgerSeal"))
                    {
                        library_record(lib, path, &n, &seal, &mut out);
                    }
                }
                Err(e) => out.push(finding(path, "PDF signature", false, e.to_string())),
            }
        } else if lower.ends_with(".xlsx") || lower.ends_with(".manifest.json") {
            let mpath = if lower.ends_with(".manifest.json") {
                path.to_path_buf()
            } else {
                manifest_for(path)
            };
            let (Ok(m), Ok(p7s)) = (
                std::fs::read(&mpath),
                std::fs::read(mpath.with_file_name(format!(
                    "{}.p7s",
                    mpath.file_name().unwrap_or_default().to_string_lossy()
                ))),
            ) else {
                out.push(finding(
                    path,
                    "manifest",
                    false,
                    format!("no signed manifest {} (drafts have none)", mpath.display()),
                ));
                continue;
            };
            match sign::verify_cms(&p7s, &Sha256::digest(&m)) {
                Ok((signer, d, s)) => out.push(finding(
                    &mpath,
                    "manifest signature",
                    d && s,
                    format!(
                        "signed by {signer}{}",
                        if d && s {
                            ""
                        } else {
                            "; the manifest was CHANGED or the signature is invalid"
                        }
                    ),
                )),
                Err(e) => out.push(finding(&mpath, "manifest signature", false, e.to_string())),
            }
            let manifest: serde_json::Value = serde_json::from_slice(&m).unwrap_or_default();
            let listed: Vec<(String, String)> = manifest["files"]
                .as_array()
                .map(|a| {
                    a.iter()
                        .filter_map(|f| {
                            Some((
                                f["name"].as_str()?.to_string(),
                                f["sha256"].as_str()?.to_string(),
                            ))
                        })
                        .collect()
                })
                .unwrap_or_default();
            let targets: Vec<PathBuf> = if lower.ends_with(".manifest.json") {
                listed
                    .iter()
                    .map(|(n, _)| mpath.with_file_name(n))
                    .collect()
            } else {
                vec![path.to_path_buf()]
            };
            for t in targets {
                let name = t
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default();
                let want = listed
                    .iter()
                    .find(|(n, _)| *n == name)
                    .map(|(_, h)| h.clone());
                let got = std::fs::read(&t).ok().map(|b| hex_sha(&b));
                let holds = want.is_some() && want == got;
                out.push(finding(
                    &t,
                    "matches the signed manifest",
                    holds,
                    if holds {
                        "SHA-256 as signed".to_string()
                    } else {
                        format!(
                            "SHA-256 {} but the manifest says {}",
                            got.unwrap_or_else(|| "unreadable".into()),
                            want.unwrap_or_else(|| "nothing".into())
                        )
                    },
                ));
            }
            if let (Some(n), Some(seal)) = (
                manifest["statement"].as_str(),
                manifest["statement_seal_sha256"].as_str(),
            ) {
                library_record(lib, path, n, seal, &mut out);
            }
        } else {
            out.push(finding(path, "type", false, "not a PDF, XLSX or manifest"));
        }
    }
    Ok(out)
}
