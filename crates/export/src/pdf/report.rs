//! Reports that are not statements (due diligence, an executive summary):
//! a title band, key facts, one table per section, and notes.

use super::writer::{finish, grey, rgb, Align, Meta, Writer, H, M, W};
use crate::error::ExportError;

/// A report that is not a statement (due diligence, an executive summary):
/// a title, key facts, notes and tables.
#[derive(Debug, Clone, Default)]
pub struct ReportDoc {
    pub title: String,
    pub subtitle: String,
    /// Who the report is for or from, printed under the title.
    pub author: String,
    pub created_at: i64,
    pub facts: Vec<(String, String)>,
    pub tables: Vec<ReportTable>,
    pub notes: Vec<String>,
}

#[derive(Debug, Clone, Default)]
pub struct ReportTable {
    pub title: String,
    /// Column name, relative width, and whether it holds numbers (right
    /// aligned; written as numbers in a workbook).
    pub columns: Vec<(String, f32, bool)>,
    pub rows: Vec<Vec<String>>,
    /// Rows to shade (a breach, an exposure without bound).
    pub flagged: Vec<bool>,
}

/// Renders a report: its title band, facts, tables and notes, with a
/// footer on every page.
pub fn render_report(d: &ReportDoc) -> Result<Vec<u8>, ExportError> {
    let mut w = Writer::start();
    w.rect(0.0, H - 78.0, W, 78.0, rgb(0.10, 0.22, 0.40));
    w.text(M, H - 40.0, &d.title, 20.0, true, rgb(1.0, 1.0, 1.0));
    w.text(M, H - 60.0, &d.subtitle, 10.0, false, rgb(0.85, 0.90, 1.0));
    w.y = H - 100.0;
    for (k, v) in &d.facts {
        w.need(14.0);
        w.text(M, w.y, k, 8.0, false, grey(0.35));
        w.text(M + 170.0, w.y, v, 9.0, true, grey(0.05));
        w.y -= 13.0;
    }
    w.y -= 6.0;
    for t in &d.tables {
        table(&mut w, t);
    }
    if !d.notes.is_empty() {
        w.heading("Notes");
        for (i, n) in d.notes.iter().enumerate() {
            w.paragraph(&format!("{}. {n}", i + 1), 7.5, 8.0);
        }
    }
    w.footers(
        |page, pages| format!("{}  ·  page {page} of {pages}", d.title),
        |_| {},
    );
    use sha2::Digest;
    let id = sha2::Sha256::digest(format!("{}|{}|{}", d.title, d.subtitle, d.created_at));
    finish(
        w,
        &Meta {
            title: d.title.clone(),
            author: d.author.clone(),
            subject: d.subtitle.clone(),
            identifier: d.title.clone(),
            created_at: d.created_at,
            id: id[..16].to_vec(),
            // `verify` refuses a signed PDF that does not say what it is.
            info: vec![(crate::pdfmeta::REPORT, d.title.clone())],
        },
    )
}

/// One table under its heading, columns scaled to the page width; amounts
/// grouped (52,500.00).
fn table(w: &mut Writer, t: &ReportTable) {
    // Never leave a heading alone at the foot of a page.
    w.need(90.0);
    w.heading(&t.title);
    let width = W - 2.0 * M;
    let total: f32 = t.columns.iter().map(|c| c.1).sum::<f32>().max(1.0);
    let cols: Vec<(&str, f32, Align)> = t
        .columns
        .iter()
        .map(|(n, rel, numeric)| {
            (
                n.as_str(),
                width * rel / total,
                if *numeric { Align::Right } else { Align::Left },
            )
        })
        .collect();
    let rows: Vec<Vec<String>> = t
        .rows
        .iter()
        .map(|r| {
            r.iter()
                .zip(&t.columns)
                .map(|(c, col)| match sla_engine::num::parse_decimal(c) {
                    Ok(_) if col.2 => sla_engine::num::group_thousands(c),
                    _ => c.clone(),
                })
                .collect()
        })
        .collect();
    if rows.is_empty() {
        w.paragraph("None.", 8.0, 0.0);
    } else {
        w.table(&cols, &rows, 7.5, &t.flagged);
    }
}
