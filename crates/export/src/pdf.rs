//! The statement as a PDF: A4, DejaVu Sans embedded and subset, a header with
//! the parties and status, the summary of lines and totals, the outage,
//! maintenance and incident tables (used and excluded, with the reason), an
//! integrity box, and the full trace as an appendix. Tables break across
//! pages with their header repeated; every page says "page N of M".
//!
//! Output is deterministic: fixed resource names, document ID and dates come
//! from the statement, so the same statement gives the same bytes.

use crate::error::ExportError;
use crate::view::StatementView;
use printpdf::{
    Color, Mm, Op, ParsedFont, PdfDocument, PdfFontHandle, PdfPage, PdfSaveOptions, Point, Pt,
    Rect, Rgb, TextItem, TextMatrix,
};
use sla_engine::result::Line;

static REGULAR: &[u8] = include_bytes!("../fonts/DejaVuSans.ttf");
static BOLD: &[u8] = include_bytes!("../fonts/DejaVuSans-Bold.ttf");

const W: f32 = 595.28;
const H: f32 = 841.89;
const M: f32 = 42.0;
const BOTTOM: f32 = 56.0;

struct Metrics {
    upem: f32,
    adv: std::collections::HashMap<char, u16>,
    face_bytes: &'static [u8],
}

impl Metrics {
    fn new(bytes: &'static [u8]) -> Metrics {
        let face = ttf_parser::Face::parse(bytes, 0).expect("bundled font parses");
        Metrics {
            upem: f32::from(face.units_per_em()),
            adv: Default::default(),
            face_bytes: bytes,
        }
    }
    fn width(&mut self, s: &str, size: f32) -> f32 {
        let face = ttf_parser::Face::parse(self.face_bytes, 0).expect("bundled font parses");
        let mut w = 0.0;
        for c in s.chars() {
            let a = *self.adv.entry(c).or_insert_with(|| {
                face.glyph_index(c)
                    .and_then(|g| face.glyph_hor_advance(g))
                    .unwrap_or(600)
            });
            w += f32::from(a);
        }
        w * size / self.upem
    }
}

#[derive(Clone, Copy, PartialEq)]
enum Align {
    Left,
    Right,
}

/// A table column: title, width in points, alignment.
type Column = (String, f32, Align);

struct Writer {
    pages: Vec<Vec<Op>>,
    y: f32,
    reg: Metrics,
    bold: Metrics,
    /// The table in progress: its columns and text size, repeated on a new page.
    header: Option<(Vec<Column>, f32)>,
}

fn grey(v: f32) -> Color {
    Color::Rgb(Rgb::new(v, v, v, None))
}

fn rgb(r: f32, g: f32, b: f32) -> Color {
    Color::Rgb(Rgb::new(r, g, b, None))
}

impl Writer {
    /// A writer on its first, empty page.
    fn start() -> Writer {
        let mut w = Writer {
            pages: Vec::new(),
            y: 0.0,
            reg: Metrics::new(REGULAR),
            bold: Metrics::new(BOLD),
            header: None,
        };
        w.new_page();
        w
    }

    fn ops(&mut self) -> &mut Vec<Op> {
        self.pages.last_mut().expect("a page")
    }

    fn new_page(&mut self) {
        self.pages.push(Vec::new());
        self.y = H - M;
    }

    /// Breaks the page when fewer than `h` points are left; a table in
    /// progress repeats its header on the new page.
    fn need(&mut self, h: f32) {
        if self.y - h < BOTTOM {
            self.new_page();
            if let Some((cols, size)) = self.header.clone() {
                self.table_header(&cols, size);
            }
        }
    }

    fn text(&mut self, x: f32, y: f32, s: &str, size: f32, bold: bool, color: Color) {
        let font = PdfFontHandle::External(printpdf::FontId(if bold { "F2" } else { "F1" }.into()));
        self.ops().extend([
            Op::StartTextSection,
            Op::SetFillColor { col: color },
            Op::SetFont {
                font,
                size: Pt(size),
            },
            Op::SetTextCursor {
                pos: Point { x: Pt(x), y: Pt(y) },
            },
            Op::ShowText {
                items: vec![TextItem::Text(s.to_string())],
            },
            Op::EndTextSection,
        ]);
    }

    fn width(&mut self, s: &str, size: f32, bold: bool) -> f32 {
        if bold {
            self.bold.width(s, size)
        } else {
            self.reg.width(s, size)
        }
    }

    fn rect(&mut self, x: f32, y: f32, w: f32, h: f32, color: Color) {
        self.ops().extend([
            Op::SetFillColor { col: color },
            Op::DrawRectangle {
                // printpdf's default rectangle paints nothing: fill it.
                rectangle: Rect {
                    mode: Some(printpdf::PaintMode::Fill),
                    winding_order: Some(printpdf::WindingOrder::NonZero),
                    ..Rect::from_xywh(Pt(x), Pt(y), Pt(w), Pt(h))
                },
            },
        ]);
    }

    fn wrap(&mut self, s: &str, size: f32, bold: bool, width: f32) -> Vec<String> {
        let mut lines = Vec::new();
        let mut cur = String::new();
        for word in s.split(' ') {
            let cand = if cur.is_empty() {
                word.to_string()
            } else {
                format!("{cur} {word}")
            };
            if self.width(&cand, size, bold) <= width || cur.is_empty() {
                cur = cand;
                // A single word longer than the width (a path, a hash) is cut.
                while self.width(&cur, size, bold) > width && cur.chars().count() > 1 {
                    let mut head = String::new();
                    for c in cur.chars() {
                        if self.width(&format!("{head}{c}"), size, bold) > width {
                            break;
                        }
                        head.push(c);
                    }
                    let rest: String = cur.chars().skip(head.chars().count().max(1)).collect();
                    lines.push(head);
                    cur = rest;
                }
            } else {
                lines.push(std::mem::take(&mut cur));
                cur = word.to_string();
            }
        }
        if !cur.is_empty() {
            lines.push(cur);
        }
        lines
    }

    fn heading(&mut self, s: &str) {
        self.need(40.0);
        self.y -= 20.0;
        self.text(M, self.y, s, 12.0, true, rgb(0.10, 0.22, 0.40));
        self.y -= 5.0;
        self.rect(M, self.y, W - 2.0 * M, 0.8, rgb(0.10, 0.22, 0.40));
        self.y -= 12.0;
    }

    fn paragraph(&mut self, s: &str, size: f32, indent: f32) {
        for l in self.wrap(s, size, false, W - 2.0 * M - indent) {
            self.need(size * 1.35);
            self.text(M + indent, self.y, &l, size, false, grey(0.1));
            self.y -= size * 1.35;
        }
    }

    fn pair(&mut self, x: f32, label: &str, value: &str, bold_value: bool) {
        self.text(x, self.y, label, 8.0, false, grey(0.35));
        self.text(x + 92.0, self.y, value, 9.0, bold_value, grey(0.05));
    }

    fn table_header(&mut self, cols: &[(String, f32, Align)], size: f32) {
        let row_h = size * 1.9;
        self.rect(
            M,
            self.y - row_h + size * 0.45,
            W - 2.0 * M,
            row_h,
            rgb(0.90, 0.93, 0.97),
        );
        let mut x = M + 3.0;
        for (name, w, align) in cols {
            let tx = if *align == Align::Right {
                x + w - 6.0 - self.width(name, size, true)
            } else {
                x
            };
            self.text(tx, self.y - size * 0.6, name, size, true, grey(0.1));
            x += w;
        }
        self.y -= row_h + 2.0;
    }

    /// A table whose cells wrap; rows never split across pages.
    fn table(
        &mut self,
        cols: &[(&str, f32, Align)],
        rows: &[Vec<String>],
        size: f32,
        highlight: &[bool],
    ) {
        let cols: Vec<(String, f32, Align)> = cols
            .iter()
            .map(|(n, w, a)| (n.to_string(), *w, *a))
            .collect();
        self.need(size * 6.0);
        self.table_header(&cols, size);
        self.header = Some((cols.clone(), size));
        for (i, r) in rows.iter().enumerate() {
            let wrapped: Vec<Vec<String>> = r
                .iter()
                .zip(&cols)
                .map(|(c, (_, w, _))| self.wrap(c, size, false, w - 8.0))
                .collect();
            let lines = wrapped.iter().map(Vec::len).max().unwrap_or(1).max(1);
            let row_h = lines as f32 * size * 1.3 + 4.0;
            self.need(row_h);
            if highlight.get(i).copied().unwrap_or(false) {
                self.rect(
                    M,
                    self.y - row_h + size + 1.0,
                    W - 2.0 * M,
                    row_h,
                    rgb(1.0, 0.93, 0.90),
                );
            } else if i % 2 == 1 {
                self.rect(
                    M,
                    self.y - row_h + size + 1.0,
                    W - 2.0 * M,
                    row_h,
                    grey(0.97),
                );
            }
            let mut x = M + 3.0;
            for (cell, (_, w, align)) in wrapped.iter().zip(&cols) {
                for (k, l) in cell.iter().enumerate() {
                    let tx = if *align == Align::Right {
                        x + w - 6.0 - self.width(l, size, false)
                    } else {
                        x
                    };
                    self.text(
                        tx,
                        self.y - k as f32 * size * 1.3,
                        l,
                        size,
                        false,
                        grey(0.05),
                    );
                }
                x += w;
            }
            self.y -= row_h;
        }
        self.header = None;
        self.y -= 4.0;
    }
}

fn money(s: &str, places: u32) -> String {
    sla_engine::num::group_thousands(&sla_engine::num::pad_places(s, places))
}

/// Renders a statement; `xlsx_sha256` is printed so that the PDF's
/// signature covers the workbook too.
pub fn render(v: &StatementView, xlsx_sha256: &str) -> Result<Vec<u8>, ExportError> {
    let r = &v.result;
    let c = &v.terms.contract;
    let places = v.terms.credit.rounding.places;
    let cur = &r.currency;
    let mut w = Writer::start();

    // Header band.
    w.rect(0.0, H - 78.0, W, 78.0, rgb(0.10, 0.22, 0.40));
    w.text(
        M,
        H - 40.0,
        "SLA Credit Statement",
        20.0,
        true,
        rgb(1.0, 1.0, 1.0),
    );
    w.text(
        M,
        H - 60.0,
        &format!("{}  ·  period {}", v.number, r.period.label),
        10.0,
        false,
        rgb(0.85, 0.90, 1.0),
    );
    let badge = v.status.clone();
    let bw = w.width(&badge, 12.0, true) + 20.0;
    let badge_color = match badge.as_str() {
        "FINAL" | "RESTATED" => rgb(0.16, 0.55, 0.30),
        "DRAFT" => rgb(0.80, 0.35, 0.10),
        _ => rgb(0.45, 0.45, 0.45),
    };
    w.rect(W - M - bw, H - 52.0, bw, 22.0, badge_color);
    w.text(
        W - M - bw + 10.0,
        H - 45.5,
        &badge,
        12.0,
        true,
        rgb(1.0, 1.0, 1.0),
    );
    w.y = H - 100.0;

    let col2 = M + 262.0;
    let rows: Vec<(&str, String, &str, String)> = vec![
        (
            "Our party",
            v.our_party.clone(),
            "Statement",
            v.number.clone(),
        ),
        (
            "Counterparty",
            c.counterparty.clone().unwrap_or_else(|| "-".into()),
            "Status",
            v.status.clone(),
        ),
        (
            "Contract",
            c.id.clone(),
            "Period",
            format!(
                "{} ({} to {})",
                r.period.label, r.period.start, r.period.end
            ),
        ),
        (
            "Title",
            c.title.clone().unwrap_or_else(|| "-".into()),
            "Data cut-off",
            v.data_cutoff.clone(),
        ),
        (
            "Direction",
            v.direction_text().to_string(),
            "Terms version",
            v.terms_version.to_string(),
        ),
        (
            "Governing law",
            c.governing_law.clone().unwrap_or_else(|| "-".into()),
            "Currency",
            cur.clone(),
        ),
    ];
    for (l1, v1, l2, v2) in rows {
        let left = w.wrap(&v1, 9.0, false, 160.0);
        let right = w.wrap(&v2, 9.0, false, 170.0);
        w.pair(M, l1, left.first().map(String::as_str).unwrap_or(""), false);
        w.pair(
            col2,
            l2,
            right.first().map(String::as_str).unwrap_or(""),
            false,
        );
        for k in 1..left.len().max(right.len()) {
            w.y -= 11.0;
            if let Some(l) = left.get(k) {
                w.text(M + 92.0, w.y, l, 9.0, false, grey(0.05));
            }
            if let Some(r) = right.get(k) {
                w.text(col2 + 92.0, w.y, r, 9.0, false, grey(0.05));
            }
        }
        w.y -= 14.0;
    }
    if let Some(reason) = &v.restatement {
        w.paragraph(&format!("Restatement: {reason}"), 9.0, 0.0);
    }

    // Summary.
    w.heading("Summary");
    let mut sum_rows = Vec::new();
    let mut hl = Vec::new();
    for l in &r.lines {
        match l {
            Line::Availability(a) => {
                sum_rows.push(vec![
                    a.sla.clone(),
                    format!("availability of {}", a.service),
                    format!("{} %", a.target),
                    format!("{} %", a.uptime),
                    if a.breached {
                        "YES".into()
                    } else {
                        "no".into()
                    },
                    match &a.tier_below {
                        Some(b) => format!("below {b}: {} %", a.percent),
                        None => format!("{} %", a.percent),
                    },
                    money(&a.amount, places),
                ]);
                hl.push(a.breached);
            }
            Line::Incident(i) => {
                sum_rows.push(vec![
                    i.sla.clone(),
                    format!("{} {} of {}", i.severity, i.kind, i.service),
                    sla_engine::duration::fmt_duration(i.target_seconds),
                    format!("{} breach(es), {} running", i.breaches, i.running),
                    if i.breached {
                        "YES".into()
                    } else {
                        "no".into()
                    },
                    format!("{} %", i.percent),
                    money(&i.amount, places),
                ]);
                hl.push(i.breached);
            }
        }
    }
    w.table(
        &[
            ("SLA", 92.0, Align::Left),
            ("Measure", 100.0, Align::Left),
            ("Target", 52.0, Align::Left),
            ("Measured", 92.0, Align::Left),
            ("Breach", 40.0, Align::Left),
            ("Credit", 70.0, Align::Left),
            (&format!("Amount ({cur})"), 65.0, Align::Right),
        ],
        &sum_rows,
        8.0,
        &hl,
    );
    let totals: Vec<(String, String, bool)> = [
        Some((
            "Subtotal".to_string(),
            format!("{cur} {}", money(&r.subtotal, places)),
            false,
        )),
        r.cap.as_ref().map(|cap| {
            (
                "Contract cap".to_string(),
                format!("{cur} {}", money(cap, places)),
                false,
            )
        }),
        Some((
            "Total credit".to_string(),
            format!("{cur} {}", money(&r.total, places)),
            true,
        )),
        Some((
            "Claim deadline".to_string(),
            r.claim_deadline
                .clone()
                .unwrap_or_else(|| "none set".into()),
            false,
        )),
    ]
    .into_iter()
    .flatten()
    .collect();
    for (label, value, bold) in totals {
        w.need(16.0);
        let size = if bold { 11.0 } else { 9.5 };
        let vw = w.width(&value, size, bold);
        w.text(W - M - 220.0, w.y, &label, size, bold, grey(0.2));
        w.text(W - M - 6.0 - vw, w.y, &value, size, bold, grey(0.02));
        w.y -= if bold { 17.0 } else { 14.0 };
    }
    if let Some(ch) = &r.chronic {
        w.paragraph(&format!("Chronic breach: {} of the last {} month(s) breached; the termination right needs {}: {}.", ch["breached_periods"], ch["within_months"], ch["required"], if ch["met"] == true { "MET" } else { "not met" }), 9.0, 0.0);
    }
    for warn in &r.warnings {
        w.paragraph(&format!("Note: {warn}"), 8.0, 0.0);
    }

    // Evidence.
    for l in &r.lines {
        match l {
            Line::Availability(a) => {
                w.heading(&format!("Outages for {} ({})", a.sla, a.service));
                w.paragraph(
                    &format!("Downtime {} s, excluded maintenance {} s, denominator {} s: uptime {} % against a target of {} %.", a.downtime_seconds, a.excluded_seconds, a.denominator_seconds, a.uptime, a.target),
                    8.5,
                    0.0,
                );
                w.y -= 4.0;
                if a.evidence.is_empty() {
                    w.paragraph(
                        "No outage rows for this service touch the period.",
                        8.5,
                        0.0,
                    );
                } else {
                    let rows: Vec<Vec<String>> = a
                        .evidence
                        .iter()
                        .map(|e| {
                            vec![
                                e.row.rsplit('/').next().unwrap_or(&e.row).to_string(),
                                e.start.clone(),
                                if e.end.is_empty() {
                                    "open".into()
                                } else {
                                    e.end.clone()
                                },
                                e.impact.clone(),
                                e.cause.clone(),
                                e.reason.clone(),
                            ]
                        })
                        .collect();
                    let hl: Vec<bool> = a.evidence.iter().map(|e| !e.counted).collect();
                    w.table(
                        &[
                            ("Row", 105.0, Align::Left),
                            ("Start (UTC)", 92.0, Align::Left),
                            ("End (UTC)", 92.0, Align::Left),
                            ("Impact", 38.0, Align::Right),
                            ("Cause", 58.0, Align::Left),
                            ("Used or excluded, and why", 126.0, Align::Left),
                        ],
                        &rows,
                        7.0,
                        &hl,
                    );
                }
                if !a.maintenance.is_empty() {
                    let rows: Vec<Vec<String>> = a
                        .maintenance
                        .iter()
                        .map(|m| {
                            vec![
                                m.row.rsplit('/').next().unwrap_or(&m.row).to_string(),
                                m.start.clone(),
                                m.end.clone(),
                                m.notified_at.clone().unwrap_or_else(|| "none".into()),
                                m.reason.clone(),
                            ]
                        })
                        .collect();
                    w.table(
                        &[
                            ("Maintenance row", 105.0, Align::Left),
                            ("Start (UTC)", 92.0, Align::Left),
                            ("End (UTC)", 92.0, Align::Left),
                            ("Notified", 92.0, Align::Left),
                            ("Excluded?", 130.0, Align::Left),
                        ],
                        &rows,
                        7.0,
                        &[],
                    );
                }
            }
            Line::Incident(i) => {
                w.heading(&format!(
                    "Incidents for {} ({} {})",
                    i.sla, i.severity, i.kind
                ));
                if i.incidents.is_empty() {
                    w.paragraph(
                        "No incidents of this severity opened, breached or running in the period.",
                        8.5,
                        0.0,
                    );
                } else {
                    let rows: Vec<Vec<String>> = i
                        .incidents
                        .iter()
                        .map(|e| {
                            vec![
                                e.incident.clone(),
                                e.opened_at.clone(),
                                format!(
                                    "{} s ({})",
                                    e.elapsed_seconds,
                                    sla_engine::duration::fmt_duration(e.elapsed_seconds)
                                ),
                                if e.breached {
                                    "YES".into()
                                } else {
                                    "no".into()
                                },
                                e.breach_at.clone().unwrap_or_else(|| "-".into()),
                                if e.running {
                                    "running".into()
                                } else {
                                    "-".into()
                                },
                            ]
                        })
                        .collect();
                    let hl: Vec<bool> = i.incidents.iter().map(|e| e.breached).collect();
                    w.table(
                        &[
                            ("Incident", 80.0, Align::Left),
                            ("Opened (UTC)", 100.0, Align::Left),
                            ("Elapsed", 95.0, Align::Left),
                            ("Breach", 45.0, Align::Left),
                            ("Breached at (UTC)", 100.0, Align::Left),
                            ("State", 91.0, Align::Left),
                        ],
                        &rows,
                        7.5,
                        &hl,
                    );
                }
            }
        }
    }

    // Integrity: kept together on one page (seal, signed head, workbook
    // hash and what the signature covers are read as one).
    w.need(150.0);
    w.heading("Integrity");
    w.paragraph(
        &format!(
            "Statement seal (SHA-256 of the library's canonical record): {}",
            v.seal_sha256
                .as_deref()
                .unwrap_or("none: a draft is not sealed")
        ),
        8.0,
        0.0,
    );
    if let Some(h) = &v.chain_head {
        w.paragraph(
            &format!(
                "Audit chain head signed by the library: entry {}, {}, at {}.",
                h.seq, h.hash, h.signed_at
            ),
            8.0,
            0.0,
        );
    }
    w.paragraph(
        &format!("Companion workbook (XLSX) SHA-256: {xlsx_sha256}"),
        8.0,
        0.0,
    );
    w.paragraph(&format!("Computed by SLA Ledger engine {} from terms version {}; the data cut-off is the end of the period.", v.engine_version, v.terms_version), 8.0, 0.0);
    if v.status != "DRAFT" {
        w.paragraph("This PDF carries a certification signature (PAdES): any change to it, or to the workbook whose hash it shows, is detectable.", 8.0, 0.0);
    }

    // Appendix: the trace, on a new page unless most of this one is free
    // (no page left nearly empty).
    if w.y < H / 2.0 {
        w.new_page();
    } else {
        w.y -= 12.0;
    }
    w.heading("Appendix: how every number was reached");
    for l in &r.lines {
        w.need(30.0);
        w.y -= 4.0;
        w.text(
            M,
            w.y,
            &format!("{} = {}", l.sla(), l.amount()),
            9.5,
            true,
            grey(0.1),
        );
        w.y -= 13.0;
        for (n, t) in l.trace().iter().enumerate() {
            w.paragraph(&format!("{}. {t}", n + 1), 7.5, 8.0);
        }
    }
    w.need(30.0);
    w.y -= 4.0;
    w.text(
        M,
        w.y,
        &format!("Total = {}", r.total),
        9.5,
        true,
        grey(0.1),
    );
    w.y -= 13.0;
    for (n, t) in r.trace.iter().enumerate() {
        w.paragraph(&format!("{}. {t}", n + 1), 7.5, 8.0);
    }

    // Footers, watermark.
    let total_pages = w.pages.len();
    for p in 0..total_pages {
        w.pages.swap(p, total_pages - 1);
        let footer = format!(
            "{}  ·  {}  ·  page {} of {}",
            v.number,
            v.status,
            p + 1,
            total_pages
        );
        let fw = w.width(&footer, 7.5, false);
        w.rect(M, 40.0, W - 2.0 * M, 0.5, grey(0.7));
        w.text(W - M - fw, 28.0, &footer, 7.5, false, grey(0.4));
        w.text(M, 28.0, "SLA Ledger", 7.5, false, grey(0.4));
        if v.status == "DRAFT" {
            // Drawn first, so the page's content stays readable over it.
            let font = PdfFontHandle::External(printpdf::FontId("F2".into()));
            let mark = [
                Op::StartTextSection,
                Op::SetFillColor {
                    col: rgb(0.97, 0.90, 0.87),
                },
                Op::SetFont {
                    font,
                    size: Pt(110.0),
                },
                Op::SetTextMatrix {
                    matrix: TextMatrix::TranslateRotate(Pt(150.0), Pt(250.0), 45.0),
                },
                Op::ShowText {
                    items: vec![TextItem::Text("DRAFT".into())],
                },
                Op::EndTextSection,
            ];
            w.ops().splice(0..0, mark);
        }
        w.pages.swap(p, total_pages - 1);
    }

    use sha2::Digest;
    // Deterministic identity: the document ID is derived from the statement,
    // and our own keys let `verify` find the statement in the library.
    let id = sha2::Sha256::digest(format!(
        "{}|{}",
        v.number,
        v.seal_sha256.as_deref().unwrap_or("")
    ));
    finish(
        w,
        &Meta {
            title: format!("SLA credit statement {}", v.number),
            author: v.our_party.clone(),
            subject: format!("{} {} {}", c.id, r.period.label, v.status),
            identifier: v.number.clone(),
            created_at: v.created_at,
            id: id[..16].to_vec(),
            info: vec![
                ("SlaLedgerStatement", v.number.clone()),
                ("SlaLedgerSeal", v.seal_sha256.clone().unwrap_or_default()),
                ("SlaLedgerXlsxSha256", xlsx_sha256.to_string()),
                (
                    "SlaLedgerChainSeq",
                    v.chain_head
                        .as_ref()
                        .map(|h| h.seq.to_string())
                        .unwrap_or_default(),
                ),
                (
                    "SlaLedgerChainHash",
                    v.chain_head
                        .as_ref()
                        .map(|h| h.hash.clone())
                        .unwrap_or_default(),
                ),
            ],
        },
    )
}

/// What a PDF says about itself (document info and trailer ID).
struct Meta {
    title: String,
    author: String,
    subject: String,
    identifier: String,
    created_at: i64,
    /// 16 bytes, derived from the content so exports are reproducible.
    id: Vec<u8>,
    info: Vec<(&'static str, String)>,
}

/// Embeds the fonts, writes the pages and sets a deterministic identity:
/// printpdf writes random IDs, so the bytes are read back to set ours.
fn finish(w: Writer, m: &Meta) -> Result<Vec<u8>, ExportError> {
    let mut doc = PdfDocument::new(&m.title);
    let mut font_warnings = Vec::new();
    for (id, bytes) in [("F1", REGULAR), ("F2", BOLD)] {
        let font = ParsedFont::from_bytes(bytes, 0, &mut font_warnings)
            .ok_or_else(|| ExportError::Pdf("bundled font unreadable".into()))?;
        doc.resources
            .fonts
            .map
            .insert(printpdf::FontId(id.into()), printpdf::PdfFont::new(font));
    }
    let created = printpdf::OffsetDateTime::from_unix_timestamp(m.created_at)
        .map_err(|e| ExportError::Pdf(e.to_string()))?;
    doc.metadata.info.creation_date = created;
    doc.metadata.info.modification_date = created;
    doc.metadata.info.metadata_date = created;
    doc.metadata.info.document_title = m.title.clone();
    doc.metadata.info.author = m.author.clone();
    doc.metadata.info.creator = "SLA Ledger".into();
    doc.metadata.info.producer = "SLA Ledger".into();
    doc.metadata.info.subject = m.subject.clone();
    doc.metadata.info.identifier = m.identifier.clone();
    doc.pages = w
        .pages
        .into_iter()
        .map(|ops| PdfPage::new(Mm(210.0), Mm(297.0), ops))
        .collect();
    let opts = PdfSaveOptions {
        subset_fonts: true,
        ..Default::default()
    };
    let mut warnings = Vec::new();
    let mut first = printpdf::serialize::to_lopdf_doc(&doc, &opts, &mut warnings);
    first.compress();
    let mut bytes = Vec::new();
    first
        .save_to(&mut bytes)
        .map_err(|e| ExportError::Pdf(e.to_string()))?;
    let mut lo = lopdf::Document::load_mem(&bytes).map_err(|e| ExportError::Pdf(e.to_string()))?;
    lo.trailer.set(
        "ID",
        lopdf::Object::Array(vec![
            lopdf::Object::String(m.id.clone(), lopdf::StringFormat::Hexadecimal),
            lopdf::Object::String(m.id.clone(), lopdf::StringFormat::Hexadecimal),
        ]),
    );
    if let Ok(info_ref) = lo.trailer.get(b"Info").and_then(|o| o.as_reference()) {
        if let Ok(lopdf::Object::Dictionary(info)) = lo.get_object_mut(info_ref) {
            for (k, v) in &m.info {
                info.set(*k, lopdf::Object::string_literal(v.clone()));
            }
        }
    }
    let mut out = Vec::new();
    lo.save_to(&mut out)
        .map_err(|e| ExportError::Pdf(e.to_string()))?;
    Ok(out)
}

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
    let width = W - 2.0 * M;
    for t in &d.tables {
        // Never leave a heading alone at the foot of a page.
        w.need(90.0);
        w.heading(&t.title);
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
        // Amounts read better grouped: 52,500.00.
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
    if !d.notes.is_empty() {
        w.heading("Notes");
        for (i, n) in d.notes.iter().enumerate() {
            w.paragraph(&format!("{}. {n}", i + 1), 7.5, 8.0);
        }
    }
    let total_pages = w.pages.len();
    for p in 0..total_pages {
        w.pages.swap(p, total_pages - 1);
        let footer = format!("{}  ·  page {} of {}", d.title, p + 1, total_pages);
        let fw = w.width(&footer, 7.5, false);
        w.rect(M, 40.0, W - 2.0 * M, 0.5, grey(0.7));
        w.text(W - M - fw, 28.0, &footer, 7.5, false, grey(0.4));
        w.text(M, 28.0, "SLA Ledger", 7.5, false, grey(0.4));
        w.pages.swap(p, total_pages - 1);
    }
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
            info: vec![("SlaLedgerReport", d.title.clone())],
        },
    )
}
