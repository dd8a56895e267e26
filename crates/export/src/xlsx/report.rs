//! Reports (due diligence, executive summary) as workbooks.

use super::format::{grouped, num, xerr};
use crate::error::ExportError;
use crate::pdf::{ReportDoc, ReportTable};
use rust_xlsxwriter::{DocProperties, Format, Workbook, Worksheet};

/// A sheet name Excel accepts: at most 31 characters, none of `[]:*?/\`.
fn sheet_name(s: &str) -> String {
    let clean: String = s
        .chars()
        .map(|c| if "[]:*?/\\".contains(c) { '-' } else { c })
        .collect();
    clean.chars().take(31).collect()
}

/// A report (due diligence, executive summary) as a workbook: a Summary
/// sheet with the key facts and notes, then one sheet per table. Numbers
/// are written as numbers (shown to their decimals), everything else as
/// text, never as a formula.
pub fn render_report(d: &ReportDoc) -> Result<Vec<u8>, ExportError> {
    let mut wb = Workbook::new();
    let created = chrono::DateTime::from_timestamp(d.created_at, 0).unwrap_or_default();
    wb.set_properties(
        &DocProperties::new()
            .set_title(d.title.clone())
            .set_subject(d.subtitle.clone())
            .set_author(d.author.clone())
            .set_creation_datetime(&created),
    );
    summary(wb.add_worksheet(), d)?;
    let head = Format::new().set_bold().set_background_color("DCE6F2");
    for t in &d.tables {
        table(wb.add_worksheet(), t, &head)?;
    }
    wb.save_to_buffer().map_err(xerr)
}

/// Title, subtitle, the key facts and the notes.
fn summary(ws: &mut Worksheet, d: &ReportDoc) -> Result<(), ExportError> {
    let bold = Format::new().set_bold();
    let wrap = Format::new().set_text_wrap();
    ws.set_name("Summary").map_err(xerr)?;
    ws.write_string_with_format(0, 0, &d.title, &bold.clone().set_font_size(14))
        .map_err(xerr)?;
    ws.write_string(1, 0, &d.subtitle).map_err(xerr)?;
    ws.set_column_width(0, 34).map_err(xerr)?;
    ws.set_column_width(1, 60).map_err(xerr)?;
    let mut row = 3;
    for (k, v) in &d.facts {
        ws.write_string(row, 0, k).map_err(xerr)?;
        ws.write_string_with_format(row, 1, v, &bold)
            .map_err(xerr)?;
        row += 1;
    }
    row += 1;
    for n in &d.notes {
        ws.write_string_with_format(row, 0, "Note", &bold)
            .map_err(xerr)?;
        ws.write_string_with_format(row, 1, n, &wrap)
            .map_err(xerr)?;
        row += 1;
    }
    Ok(())
}

/// One table on its own sheet, header frozen.
fn table(ws: &mut Worksheet, t: &ReportTable, head: &Format) -> Result<(), ExportError> {
    ws.set_name(sheet_name(&t.title)).map_err(xerr)?;
    for (i, (name, rel, _)) in t.columns.iter().enumerate() {
        ws.write_string_with_format(0, i as u16, name, head)
            .map_err(xerr)?;
        ws.set_column_width(i as u16, (*rel as f64 * 6.0).clamp(10.0, 60.0))
            .map_err(xerr)?;
    }
    ws.set_freeze_panes(1, 0).map_err(xerr)?;
    for (r, cells) in t.rows.iter().enumerate() {
        for (c, cell) in cells.iter().enumerate() {
            let numeric = t.columns.get(c).is_some_and(|x| x.2);
            let (r, c) = (r as u32 + 1, c as u16);
            match sla_engine::num::parse_decimal(cell) {
                Ok(dv) if numeric => {
                    let fmt = Format::new().set_num_format(grouped(dv.scale()));
                    ws.write_number_with_format(r, c, num(cell), &fmt)
                        .map_err(xerr)?;
                }
                _ => {
                    ws.write_string(r, c, cell).map_err(xerr)?;
                }
            }
        }
    }
    Ok(())
}
