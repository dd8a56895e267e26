//! Statement files: what a statement's PDF and workbook show, and writing
//! them (a final statement's PDF certified, with a signed manifest).

use super::Session;
use crate::error::export_err;
use crate::AppError;
use serde::Serialize;
use sla_export::{sign, Identity, StatementView};
use sla_store::Library;
use sla_store::StatementStatus;
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
    sla_store::sha256_hex(b)
}

fn file_name(p: &Path) -> String {
    p.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

fn parse_time(s: &str) -> i64 {
    chrono::DateTime::parse_from_rfc3339(s)
        .map(|d| d.timestamp())
        .unwrap_or(0)
}

/// What the exports of one statement show.
pub fn view(
    lib: &Library,
    key: &str,
    identity: Option<&Identity>,
) -> Result<StatementView, AppError> {
    let s = lib.statement(key)?;
    let terms = lib.terms_of(&s.info.contract, Some(s.info.version))?;
    let status = match (s.info.status, s.info.supersedes) {
        (StatementStatus::Draft, _) => "DRAFT",
        (StatementStatus::Final, Some(_)) => "RESTATED",
        (StatementStatus::Final, None) => "FINAL",
        (StatementStatus::Superseded, _) => "SUPERSEDED",
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
        chain_head: match lib.seal_entry(s.info.id)? {
            Some(seq) => lib
                .anchor_covering(seq)?
                .map(|a| sla_export::view::ChainHead {
                    seq: a.seq,
                    hash: a.hash,
                    signed_at: a.at,
                }),
            None => None,
        },
        locale: super::session::locale(lib)?,
        sample: lib.meta("sample")?.as_deref() == Some("true"),
        clauses: super::clauses::sources_of(lib, &s.info.contract, Some(s.info.version))?
            .linked
            .into_iter()
            .map(|l| sla_export::view::ClauseRow {
                key: l.key,
                value: l.value,
                document: l.document,
                sha256: l.sha256,
                page: l.page,
                quote: l.quote,
            })
            .collect(),
    })
}

/// Writes one statement's PDF and XLSX into `out`; a final statement's PDF
/// is certified and a signed manifest binds both files.
pub fn export_statement(s: &mut Session, key: &str, out: &Path) -> Result<ExportedFiles, AppError> {
    let (lib, ctx) = (&mut s.lib, &s.ctx);
    let identity = Identity::load(lib.dir()).ok();
    let info = lib.statement(key)?.info;
    if info.status != StatementStatus::Draft {
        // A final statement is exported under a signed chain head that
        // covers its seal; sign one now if none does yet.
        super::identity::head_for(lib, ctx, info.id, true)?;
    }
    let lib: &Library = lib;
    let v = view(lib, key, identity.as_ref())?;
    std::fs::create_dir_all(out).map_err(|source| AppError::WriteFile {
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
        std::fs::write(p, b).map_err(|source| AppError::WriteFile {
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
    let names = (file_name(&pdf_path), file_name(&xlsx_path));
    let manifest = sla_export::Manifest::new(
        &v,
        &[(names.0.as_str(), &pdf), (names.1.as_str(), &xlsx)],
        &id.subject(),
        ctx.now,
    );
    let manifest_bytes = manifest.to_json_bytes();
    let p7s = sla_export::manifest::sign(&manifest_bytes, &id).map_err(export_err)?;
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
