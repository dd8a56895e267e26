//! Sheets whose names and headers are not the spec's: what a file holds
//! ([`inspect`]: its sheets, headers and a guessed reading), and reading it
//! with the sheet kinds and column mapping the user confirmed
//! ([`read_mapped`]). The mapped sheet is checked exactly like a spec sheet:
//! same rows, same row numbers, same messages.

use crate::error::ImportError;
use crate::sheet::{read_all_sheets, read_csv, RawSheet};
use crate::{check_sheets, Imported, Kind};
use sla_engine::Terms;
use std::path::Path;

/// One sheet of a file as found, with the reading we guess for it.
#[derive(Debug, Clone, PartialEq)]
pub struct SheetInfo {
    pub name: String,
    pub header: Vec<String>,
    pub rows: usize,
    /// The kind its name or headers suggest; `None` when nothing fits.
    pub kind: Option<Kind>,
    /// For each spec column of `kind`: the header guessed to hold it.
    pub columns: Vec<(String, Option<String>)>,
}

/// How to read one sheet: its kind, and for spec columns the header that
/// holds them (columns not named keep their spec-named header, if any).
#[derive(Debug, Clone, PartialEq)]
pub struct SheetMap {
    pub sheet: String,
    pub kind: Kind,
    pub columns: Vec<(String, String)>,
}

fn norm(s: &str) -> String {
    s.trim()
        .to_lowercase()
        .replace(['_', '-'], " ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// Other names seen for each spec column in real outage logs and ticket
/// exports, most specific first.
fn synonyms(column: &str) -> &'static [&'static str] {
    match column {
        "service" => &["service", "service id", "component", "system", "product"],
        "start" => &[
            "start",
            "begin",
            "started",
            "start time",
            "from",
            "outage start",
            "down at",
        ],
        "end" => &[
            "end",
            "ended",
            "end time",
            "until",
            "to",
            "resolved",
            "outage end",
            "up at",
        ],
        "impact" => &["impact", "weight", "degradation"],
        "cause" => &["cause", "root cause", "reason", "category"],
        "source" => &["source", "monitor", "detected by", "probe"],
        "ref" => &["ref", "reference", "ticket", "case"],
        "notified_at" => &["notified at", "notified", "notice sent", "announced"],
        "incident" => &["incident", "incident id", "ticket", "case"],
        "severity" => &["severity", "priority", "sev"],
        "at" => &["at", "time", "timestamp", "when", "event time"],
        "status" => &["status", "state", "event"],
        _ => &[],
    }
}

fn guess_columns(kind: Kind, header: &[String]) -> Vec<(String, Option<String>)> {
    let mut used: Vec<&str> = Vec::new();
    kind.columns()
        .iter()
        .map(|(col, _)| {
            let found = synonyms(col).iter().find_map(|syn| {
                header
                    .iter()
                    .find(|h| norm(h) == *syn && !used.contains(&h.as_str()))
            });
            if let Some(h) = found {
                used.push(h);
            }
            (col.to_string(), found.cloned())
        })
        .collect()
}

/// How many required columns a kind would find: the better reading wins.
fn fit(kind: Kind, header: &[String]) -> usize {
    guess_columns(kind, header)
        .iter()
        .zip(kind.columns())
        .filter(|((_, h), (_, required))| *required && h.is_some())
        .count()
}

fn guess_kind(name: &str, header: &[String]) -> Option<Kind> {
    let n = norm(name);
    if let Some(k) = Kind::ALL.into_iter().find(|k| n.contains(k.name())) {
        return Some(k);
    }
    // The reading that finds most required columns, if it finds at least
    // two (one match is a coincidence); the user fixes the rest. On a tie
    // the earlier kind wins (outages are the common case).
    Kind::ALL
        .into_iter()
        .filter(|k| fit(*k, header) >= 2)
        .max_by_key(|k| (fit(*k, header), std::cmp::Reverse(k.order())))
}

/// The kind only names the sheet; a CSV is one sheet named by its file.
pub(crate) fn csv_sheet_name(path: &str) -> String {
    Path::new(path)
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default()
}

pub(crate) fn is_csv(path: &str) -> bool {
    Path::new(path)
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("csv"))
}

fn raw_sheets(path: &str) -> Result<Vec<RawSheet>, ImportError> {
    if is_csv(path) {
        let stem = csv_sheet_name(path);
        let mut s = read_csv(path, Kind::Outages)?.unwrap_or(RawSheet {
            file: path.into(),
            name: String::new(),
            header_row: 1,
            header: vec![],
            rows: vec![],
        });
        s.name = stem;
        Ok(vec![s])
    } else {
        read_all_sheets(path)
    }
}

/// The sheets of `path` with a guessed kind and column mapping for each.
/// The sheets are read row by row where the format allows and only their
/// headers kept (issue 15): a million-row workbook is counted, not held.
pub fn inspect(path: &str) -> Result<Vec<SheetInfo>, ImportError> {
    inspect_until(path, &mut |_| true)
}

/// [`inspect`] asking `go_on`, every [`crate::ROWS_PER_CHECK`] rows read,
/// whether to go on (`false`: [`ImportError::Cancelled`]).
pub fn inspect_until(
    path: &str,
    go_on: &mut dyn FnMut(u64) -> bool,
) -> Result<Vec<SheetInfo>, ImportError> {
    Ok(crate::survey::survey(path, go_on)?
        .into_iter()
        .map(|s| info(s.name, s.header, s.rows))
        .collect())
}

/// Not API: [`inspect`] by reading every sheet whole, as it did before
/// issue 15; the tests compare the two.
#[doc(hidden)]
pub fn inspect_whole(path: &str) -> Result<Vec<SheetInfo>, ImportError> {
    Ok(raw_sheets(path)?
        .into_iter()
        .map(|s| {
            let rows = s.rows.len();
            info(s.name, s.header, rows)
        })
        .collect())
}

fn info(name: String, header: Vec<String>, rows: usize) -> SheetInfo {
    let kind = guess_kind(&name, &header);
    SheetInfo {
        columns: kind.map(|k| guess_columns(k, &header)).unwrap_or_default(),
        kind,
        rows,
        name,
        header,
    }
}

/// Reads the sheets named in `maps`, each as its kind with its headers
/// renamed to spec columns, and checks every row against `terms`.
pub fn read_mapped(path: &str, maps: &[SheetMap], terms: &Terms) -> Result<Imported, ImportError> {
    let all = raw_sheets(path)?;
    let mut sheets = Vec::new();
    for m in maps {
        let Some(raw) = all.iter().find(|s| s.name == m.sheet) else {
            return Err(ImportError::Workbook {
                path: path.into(),
                message: format!("no sheet named `{}`", m.sheet),
            });
        };
        let mut s = raw.clone();
        if is_csv(path) {
            // Row errors of a CSV name its kind, as everywhere else.
            s.name = m.kind.name().into();
        }
        rename_header(&mut s.header, m);
        sheets.push((m.kind, s));
    }
    check_sheets(&sheets, Vec::new(), terms)
}

/// The header as the mapping reads it: each mapped column under its spec
/// name. A header spelled like a spec column that the user mapped from
/// elsewhere is not read as that column.
pub(crate) fn rename_header(header: &mut [String], m: &SheetMap) {
    let mapped_specs: Vec<String> = m.columns.iter().map(|(c, _)| c.to_lowercase()).collect();
    for h in header.iter_mut() {
        if let Some((col, _)) = m.columns.iter().find(|(_, from)| from.trim() == h.trim()) {
            *h = col.clone();
        } else if mapped_specs.contains(&h.trim().to_lowercase()) {
            *h = format!("(not used) {h}");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h(names: &[&str]) -> Vec<String> {
        names.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn guesses_kind_and_columns_from_foreign_headers() {
        let header = h(&["Component", "Begin", "Resolved", "Root cause", "Ticket"]);
        assert_eq!(guess_kind("Sheet1", &header), Some(Kind::Outages));
        assert_eq!(
            guess_columns(Kind::Outages, &header),
            vec![
                ("service".into(), Some("Component".into())),
                ("start".into(), Some("Begin".into())),
                ("end".into(), Some("Resolved".into())),
                ("impact".into(), None),
                ("cause".into(), Some("Root cause".into())),
                ("source".into(), None),
                ("ref".into(), Some("Ticket".into())),
            ]
        );
        let tickets = h(&["Ticket", "Product", "Priority", "Timestamp", "State"]);
        assert_eq!(guess_kind("export", &tickets), Some(Kind::Incidents));
        assert_eq!(guess_kind("notes", &h(&["a", "b"])), None);
        assert_eq!(
            guess_kind("Planned maintenance", &h(&[])),
            Some(Kind::Maintenance)
        );
    }
}
