//! Clause provenance (issue 18): "where does the contract say that?".
//!
//! An attached PDF's text is extracted page by page when it is attached
//! (`sla_export::text`; a scan is reported as having no text, never
//! guessed). A term key of a contract version (`slas[0].target`,
//! `slas[0].credit.tiers[1]`, `credit.claim_window_days`) is linked to a
//! page and a quote of one of the contract's documents; the quote must
//! occur on that page. A link on a table covers every term below it. A
//! newer version keeps an older version's link for a key whose value it
//! did not change ("carried"); a changed value needs its own link (an
//! amendment may cite its own document). Suggestions search the text for
//! a term's value and are only ever shown, never applied.

pub use super::clause_keys::term_keys;
use super::clause_keys::{covers, needles, parse_key, sentence, show, value_at};
use crate::usecases::Session;
use crate::{AppError, Code};
use serde::{Deserialize, Serialize};
use sla_export::text::{pdf_pages, quote_occurs, PdfText};
use sla_store::clauses::{DocumentText, StoredLink, TextStatus};
use sla_store::Library;
use std::collections::BTreeMap;
use toml::Value;

/// A term key's link as shown: where, and which version made it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct LinkView {
    pub key: String,
    /// The term's value in the version asked about, as written.
    pub value: String,
    pub document: String,
    pub sha256: String,
    pub page: i64,
    pub quote: String,
    /// The version whose link this is (earlier than the one asked about
    /// when carried over an unchanged value).
    pub linked_in: i64,
    pub linked_by: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct DocumentTextInfo {
    pub file_name: String,
    pub sha256: String,
    pub status: TextStatus,
    pub pages: i64,
    pub detail: String,
}

/// Every term of a version with its source, and those without.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct SourcesReport {
    pub contract: String,
    pub version: i64,
    pub documents: Vec<DocumentTextInfo>,
    pub linked: Vec<LinkView>,
    /// Term keys (leaves) no link covers.
    pub unsourced: Vec<String>,
    /// How many term keys (leaves) the version has.
    pub terms: usize,
}

/// A link proposed from the text: shown, confirmed by a person or not.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct Suggestion {
    pub key: String,
    pub value: String,
    pub document: String,
    pub sha256: String,
    pub page: i64,
    pub quote: String,
}

/// One link to make.
#[derive(Debug, Clone, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct LinkRequest {
    pub key: String,
    pub page: i64,
    pub quote: String,
    /// The document: its file name or the start of its SHA-256; may be
    /// left out when the contract has one document with text.
    #[serde(default)]
    pub document: Option<String>,
}

/// Extracts and keeps the text of an attached file (`sha256` its hash).
pub fn extract(s: &mut Session, sha256: &str, bytes: &[u8]) -> Result<DocumentText, AppError> {
    let (status, detail, pages) = match pdf_pages(bytes) {
        PdfText::Pages(p) => {
            let empty = p.iter().filter(|t| t.is_empty()).count();
            let detail = match empty {
                0 => format!("{} page(s) of text", p.len()),
                n => format!("{} page(s), {n} without text (scanned?)", p.len()),
            };
            (TextStatus::Text, detail, p)
        }
        PdfText::NoText(n) => (
            TextStatus::NoText,
            format!("{n} page(s) without a text layer: a scan; link its clauses by reading it"),
            Vec::new(),
        ),
        PdfText::NotPdf => (TextStatus::NotPdf, "not a PDF".to_string(), Vec::new()),
        PdfText::Unreadable(why) => (TextStatus::Unreadable, why, Vec::new()),
    };
    let t = DocumentText {
        sha256: sha256.to_string(),
        status,
        detail,
        pages,
    };
    s.lib.put_document_text(&t)?;
    Ok(t)
}

fn terms_table(lib: &Library, id: &str, version: i64) -> Result<toml::Table, AppError> {
    let text = lib.export_terms(id, Some(version))?;
    text.parse::<toml::Table>()
        .map_err(|e| AppError::invalid(Code::Terms, format!("{id} v{version}: {e}")))
}

fn newest_version(lib: &Library, id: &str, version: Option<i64>) -> Result<i64, AppError> {
    let versions = lib.versions(id)?;
    match version {
        None => Ok(versions.last().map(|v| v.version).unwrap_or(1)),
        Some(v) if versions.iter().any(|x| x.version == v) => Ok(v),
        Some(v) => Err(AppError::invalid(
            Code::NotFound,
            format!("{id} has no version {v}"),
        )),
    }
}

/// The contract's documents with their text.
fn texts(lib: &Library, id: &str) -> Result<Vec<(String, DocumentText)>, AppError> {
    let mut out = Vec::new();
    for d in lib.documents(id)? {
        if let Some(t) = lib.document_text(&d.sha256)? {
            out.push((d.file_name, t));
        }
    }
    Ok(out)
}

/// The links in force for `version`: its own, and earlier versions' for
/// keys whose value it kept.
fn effective_links(
    lib: &Library,
    id: &str,
    version: i64,
    terms: &toml::Table,
) -> Result<Vec<(StoredLink, Value)>, AppError> {
    let mut by_key: BTreeMap<String, (StoredLink, Value)> = BTreeMap::new();
    let mut tables: BTreeMap<i64, toml::Table> = BTreeMap::new();
    for link in lib.term_links(id)? {
        if link.version > version {
            continue;
        }
        let Some(now) = value_at(terms, &link.key) else {
            continue;
        };
        if link.version != version {
            let then = match tables.entry(link.version) {
                std::collections::btree_map::Entry::Occupied(e) => e.into_mut(),
                std::collections::btree_map::Entry::Vacant(e) => {
                    e.insert(terms_table(lib, id, link.version)?)
                }
            };
            if value_at(then, &link.key) != Some(now) {
                continue;
            }
        }
        // Versions ascend: a later link of the same key replaces it.
        by_key.insert(link.key.clone(), (link, now.clone()));
    }
    Ok(by_key.into_values().collect())
}

/// Every term of `version` (default: the newest) with its source.
pub fn sources(s: &Session, id: &str, version: Option<i64>) -> Result<SourcesReport, AppError> {
    sources_of(&s.lib, id, version)
}

/// [`sources`] over a library (statement files, due diligence).
pub fn sources_of(
    lib: &Library,
    id: &str,
    version: Option<i64>,
) -> Result<SourcesReport, AppError> {
    let version = newest_version(lib, id, version)?;
    let terms = terms_table(lib, id, version)?;
    let keys = term_keys(&terms);
    let links = effective_links(lib, id, version, &terms)?;
    let unsourced = keys
        .iter()
        .filter(|(k, _)| !links.iter().any(|(l, _)| covers(&l.key, k)))
        .map(|(k, _)| k.clone())
        .collect();
    let documents = texts(lib, id)?
        .into_iter()
        .map(|(file_name, t)| DocumentTextInfo {
            file_name,
            sha256: t.sha256,
            status: t.status,
            pages: t.pages.len() as i64,
            detail: t.detail,
        })
        .collect();
    Ok(SourcesReport {
        contract: id.to_string(),
        version,
        documents,
        linked: links
            .into_iter()
            .map(|(l, v)| LinkView {
                key: l.key,
                value: show(&v),
                document: l.file_name,
                sha256: l.document_sha256,
                page: l.page,
                quote: l.quote,
                linked_in: l.version,
                linked_by: l.linked_by,
            })
            .collect(),
        unsourced,
        terms: keys.len(),
    })
}

/// Links every request to `version` (default: the newest) of contract
/// `id`: all are checked first (the key is a term of that version, the
/// document is the contract's, the quote occurs on the page) and every
/// problem is listed; none is written unless all hold.
pub fn link(
    s: &mut Session,
    id: &str,
    version: Option<i64>,
    requests: &[LinkRequest],
) -> Result<Vec<LinkView>, AppError> {
    let version = newest_version(&s.lib, id, version)?;
    let terms = terms_table(&s.lib, id, version)?;
    let keys = term_keys(&terms);
    let docs = texts(&s.lib, id)?;
    let mut problems = Vec::new();
    let mut ok = Vec::new();
    for r in requests {
        match check_link(id, version, &terms, &keys, &docs, r) {
            Ok(x) => ok.push(x),
            Err(p) => problems.push(format!("{}: {p}", r.key)),
        }
    }
    if !problems.is_empty() {
        return Err(AppError::Rejected {
            code: Code::Value,
            message: format!(
                "{} link(s) of {id} v{version} do not hold; none was made:\n  {}",
                problems.len(),
                problems.join("\n  ")
            ),
            problems,
        });
    }
    for (r, sha, _, _) in &ok {
        s.lib
            .add_term_link(&s.ctx, id, version, &r.key, sha, r.page, r.quote.trim())?;
    }
    Ok(ok
        .into_iter()
        .map(|(r, sha, document, value)| LinkView {
            key: r.key.clone(),
            value,
            document,
            sha256: sha,
            page: r.page,
            quote: r.quote.trim().to_string(),
            linked_in: version,
            linked_by: s.ctx.actor.clone(),
        })
        .collect())
}

type Checked<'a> = (&'a LinkRequest, String, String, String);

fn check_link<'a>(
    id: &str,
    version: i64,
    terms: &toml::Table,
    keys: &[(String, Value)],
    docs: &[(String, DocumentText)],
    r: &'a LinkRequest,
) -> Result<Checked<'a>, String> {
    let value = value_at(terms, &r.key).ok_or_else(|| match parse_key(&r.key) {
        Err(e) => e,
        Ok(_) => format!("{id} v{version} has no term `{}`", r.key),
    })?;
    if !keys.iter().any(|(k, _)| covers(&r.key, k)) {
        return Err(format!(
            "`{}` is not a term (ids, names and services name things; terms are under slas, credit, calendars and services' monthly_fee)",
            r.key
        ));
    }
    let with_text: Vec<&(String, DocumentText)> = docs
        .iter()
        .filter(|(_, t)| t.status == TextStatus::Text)
        .collect();
    let (file, text) = match r
        .document
        .as_deref()
        .map(str::trim)
        .filter(|d| !d.is_empty())
    {
        Some(d) => docs
            .iter()
            .find(|(f, t)| f == d || (d.len() >= 8 && t.sha256.starts_with(d)))
            .ok_or_else(|| format!("no document `{d}` is attached to {id}"))?,
        None => match with_text.as_slice() {
            [one] => *one,
            [] => {
                return Err(format!(
                    "{id} has no attached document with text to link to"
                ))
            }
            many => {
                return Err(format!(
                    "{id} has {} documents with text: say which (--document {})",
                    many.len(),
                    many.iter()
                        .map(|(f, _)| f.as_str())
                        .collect::<Vec<_>>()
                        .join(" | ")
                ))
            }
        },
    };
    if text.status != TextStatus::Text {
        return Err(format!("{file} has no text to quote ({})", text.detail));
    }
    let pages = text.pages.len() as i64;
    if r.page < 1 || r.page > pages {
        return Err(format!("{file} has pages 1 to {pages}, not {}", r.page));
    }
    if r.quote.trim().is_empty() {
        return Err("the quote is empty".into());
    }
    if !quote_occurs(&text.pages[(r.page - 1) as usize], &r.quote) {
        let elsewhere: Vec<String> = text
            .pages
            .iter()
            .enumerate()
            .filter(|(_, p)| quote_occurs(p, &r.quote))
            .map(|(i, _)| (i + 1).to_string())
            .collect();
        return Err(format!(
            "\"{}\" does not occur on page {} of {file}{}",
            r.quote.trim(),
            r.page,
            if elsewhere.is_empty() {
                String::new()
            } else {
                format!(" (it does on page {})", elsewhere.join(", "))
            }
        ));
    }
    Ok((r, text.sha256.clone(), file.clone(), show(value)))
}

/// Proposed links for the version's unsourced terms: the sentence where
/// the text says the term's value. Never applied: a person confirms each
/// (with `link`).
pub fn suggest(s: &Session, id: &str, version: Option<i64>) -> Result<Vec<Suggestion>, AppError> {
    let report = sources(s, id, version)?;
    let terms = terms_table(&s.lib, id, report.version)?;
    let docs = texts(&s.lib, id)?;
    let mut out = Vec::new();
    for key in &report.unsourced {
        let Some(v) = value_at(&terms, key) else {
            continue;
        };
        'found: for needle in needles(key, v) {
            for (file, t) in docs.iter().filter(|(_, t)| t.status == TextStatus::Text) {
                for (i, page) in t.pages.iter().enumerate() {
                    if let Some(at) = page.find(&needle) {
                        out.push(Suggestion {
                            key: key.clone(),
                            value: show(v),
                            document: file.clone(),
                            sha256: t.sha256.clone(),
                            page: i as i64 + 1,
                            quote: sentence(page, at, needle.len()),
                        });
                        break 'found;
                    }
                }
            }
        }
    }
    Ok(out)
}

/// Links read from a TOML file: `"slas[0].target" = { page = 1, quote =
/// "...", document = "..." }` under `[links]`.
pub fn link_file(
    s: &mut Session,
    id: &str,
    version: Option<i64>,
    file: &str,
) -> Result<Vec<LinkView>, AppError> {
    // A links file is a few kilobytes; its size is checked before reading.
    if std::fs::metadata(file).is_ok_and(|m| m.len() > 1 << 20) {
        return Err(AppError::invalid(
            Code::Value,
            format!("{file}: larger than 1 MiB"),
        ));
    }
    let text = std::fs::read_to_string(file).map_err(|source| AppError::ReadFile {
        path: file.into(),
        source,
    })?;
    #[derive(Deserialize)]
    struct LinksFile {
        links: BTreeMap<String, FileLink>,
    }
    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct FileLink {
        page: i64,
        quote: String,
        #[serde(default)]
        document: Option<String>,
    }
    let parsed: LinksFile = toml::from_str(&text)
        .map_err(|e| AppError::invalid(Code::Value, format!("{file}: {e}")))?;
    let requests: Vec<LinkRequest> = parsed
        .links
        .into_iter()
        .map(|(key, l)| LinkRequest {
            key,
            page: l.page,
            quote: l.quote,
            document: l.document,
        })
        .collect();
    link(s, id, version, &requests)
}
