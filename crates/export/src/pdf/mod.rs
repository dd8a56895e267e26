//! The statement as a PDF: A4, DejaVu Sans embedded and subset, a header with
//! the parties and status, the summary of lines and totals, the outage,
//! maintenance and incident tables (used and excluded, with the reason), an
//! integrity box, and the full trace as an appendix. Tables break across
//! pages with their header repeated; every page says "page N of M".
//!
//! Output is deterministic: fixed resource names, document ID and dates come
//! from the statement, so the same statement gives the same bytes.
//!
//! [`writer`] lays out pages, [`statement`] draws a statement section by
//! section, [`report`] draws the other reports.

mod evidence;
mod report;
mod statement;
mod writer;

pub use report::{render_report, ReportDoc, ReportTable};
pub use statement::render;
