//! Cell formats and the small helpers every sheet uses.

use crate::error::ExportError;
use rust_xlsxwriter::{Format, FormatAlign, Worksheet};
use sla_engine::num::RoundMode;

pub(super) fn xerr(e: rust_xlsxwriter::XlsxError) -> ExportError {
    ExportError::Xlsx(e.to_string())
}

pub(super) fn num(s: &str) -> f64 {
    s.parse().unwrap_or(0.0)
}

pub(super) fn dec(s: &str) -> rust_decimal::Decimal {
    sla_engine::num::parse_decimal(s).unwrap_or_default()
}

/// An Excel number format with thousands grouped and `places` decimals.
pub(super) fn grouped(places: u32) -> String {
    if places == 0 {
        "#,##0".to_string()
    } else {
        format!("#,##0.{}", "0".repeat(places as usize))
    }
}

/// An Excel rounding expression for `x` in the terms' mode.
pub(super) fn round_expr(x: &str, places: u32, mode: RoundMode) -> String {
    match mode {
        RoundMode::HalfUp => format!("ROUND({x},{places})"),
        RoundMode::Down => format!("ROUNDDOWN({x},{places})"),
        RoundMode::Up => format!("ROUNDUP({x},{places})"),
        // Banker's rounding has no Excel function: snap float noise, then
        // send exact halves to the even neighbour.
        RoundMode::HalfEven => {
            let y = format!("ROUND(({x})*10^{places},9)");
            format!("IF(MOD({y},1)=0.5,IF(ISEVEN(INT({y})),INT({y}),INT({y})+1),ROUND({y},0))/10^{places}")
        }
    }
}

/// The statement workbook's formats.
pub(super) struct Fmt {
    pub(super) head: Format,
    pub(super) money: Format,
    pub(super) pct: Format,
    pub(super) secs: Format,
    pub(super) bold_money: Format,
    pub(super) label: Format,
    pub(super) wrap: Format,
}

impl Fmt {
    /// Amounts to the terms' decimal places.
    pub(super) fn new(places: u32) -> Fmt {
        let money_fmt = grouped(places);
        Fmt {
            head: Format::new().set_bold().set_background_color(0xE6EDF7),
            money: Format::new().set_num_format(format!("{money_fmt};-{money_fmt}")),
            pct: Format::new().set_num_format("0.0#######\" %\""),
            secs: Format::new().set_num_format("#,##0.###"),
            bold_money: Format::new().set_bold().set_num_format(money_fmt.clone()),
            label: Format::new().set_bold(),
            wrap: Format::new().set_text_wrap().set_align(FormatAlign::Top),
        }
    }
}

/// A sheet's header row (column names and widths), frozen.
pub(super) fn header(ws: &mut Worksheet, cols: &[(&str, f64)], f: &Fmt) -> Result<(), ExportError> {
    for (i, (name, width)) in cols.iter().enumerate() {
        ws.write_string_with_format(0, i as u16, *name, &f.head)
            .map_err(xerr)?;
        ws.set_column_width(i as u16, *width).map_err(xerr)?;
    }
    ws.set_freeze_panes(1, 0).map_err(xerr)?;
    Ok(())
}
