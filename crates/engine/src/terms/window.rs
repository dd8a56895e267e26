//! Quarterly terms and the fees of the month before (terms v2 sections 1
//! and 4): `[contract] fiscal_year_start`, `[[slas]] window` and
//! `[slas.credit] basis_month`.

use super::fields::{join, Fields, Reader};
use super::{BasisMonth, Window};

impl Reader {
    /// `fiscal_year_start = "MM-01"`: the month fiscal quarters start from.
    pub(super) fn fiscal_year_start(&mut self, f: &mut Fields<'_>) -> u32 {
        if !self.v2_key(f, "fiscal_year_start") {
            return 1;
        }
        let Some(text) = self.string(f, "fiscal_year_start", false) else {
            return 1;
        };
        let parsed = text
            .split_once('-')
            .filter(|(m, d)| m.len() == 2 && d.len() == 2)
            .and_then(|(m, d)| Some((m.parse::<u32>().ok()?, d.parse::<u32>().ok()?)));
        match parsed {
            Some((m, 1)) if (1..=12).contains(&m) => m,
            Some((m, d)) if (1..=12).contains(&m) && d != 0 => {
                self.err(
                    "contract.fiscal_year_start",
                    format!(
                        "`{text}`: a fiscal year starts on the first of a month (day must be 01)"
                    ),
                );
                1
            }
            _ => {
                self.err(
                    "contract.fiscal_year_start",
                    format!("`{text}` is not a month and day written MM-DD, e.g. \"02-01\""),
                );
                1
            }
        }
    }

    /// `window = "month" | "quarter"` of an SLA term.
    pub(super) fn window(&mut self, f: &mut Fields<'_>, path: &str) -> Window {
        if !self.v2_key(f, "window") {
            return Window::Month;
        }
        match self.string(f, "window", false).as_deref() {
            None | Some("month") => Window::Month,
            Some("quarter") => Window::Quarter,
            Some(other) => {
                self.err(
                    join(path, "window"),
                    format!("`{other}` is not one of month, quarter"),
                );
                Window::Month
            }
        }
    }

    /// `basis_month = "current" | "previous"` of a term's credit.
    pub(super) fn basis_month(&mut self, f: &mut Fields<'_>, path: &str) -> BasisMonth {
        if !self.v2_key(f, "basis_month") {
            return BasisMonth::Current;
        }
        match self.string(f, "basis_month", false).as_deref() {
            None | Some("current") => BasisMonth::Current,
            Some("previous") => BasisMonth::Previous,
            Some(other) => {
                self.err(
                    join(path, "basis_month"),
                    format!("`{other}` is not one of current, previous"),
                );
                BasisMonth::Current
            }
        }
    }

    /// The fees of the month before are for monthly terms only.
    pub(super) fn window_fits(&mut self, path: &str, window: Window, basis_month: BasisMonth) {
        if window == Window::Quarter && basis_month == BasisMonth::Previous {
            self.err(
                join(path, "credit.basis_month"),
                "\"previous\" is for monthly terms; this term has window = \"quarter\"",
            );
        }
    }
}
