//! Layouts of the governance reports (due diligence, the executive
//! compliance summary): each report becomes a [`ReportDoc`] that
//! `pdf::render_report` and `xlsx::render_report` both draw, so the PDF and
//! the workbook always show the same tables.

mod diligence;
mod executive;

pub use diligence::diligence_doc;
pub use executive::executive_doc;

use crate::pdf::ReportTable;

/// A table with its columns as (title, relative width, numeric).
pub(crate) fn table(
    title: &str,
    cols: &[(&str, f32, bool)],
    rows: Vec<Vec<String>>,
) -> ReportTable {
    ReportTable {
        title: title.into(),
        columns: cols
            .iter()
            .map(|(n, w, num)| (n.to_string(), *w, *num))
            .collect(),
        flagged: vec![false; rows.len()],
        rows,
    }
}

pub(crate) fn opt(s: &Option<String>, none: &str) -> String {
    s.clone().unwrap_or_else(|| none.into())
}
