//! The page writer the statement and reports are drawn with: A4 pages of
//! drawing operations, DejaVu Sans text measured for wrapping and right
//! alignment, headings, paragraphs and tables that break across pages with
//! their header repeated, footers, and the final serialisation with a
//! deterministic identity.

use crate::error::ExportError;
use printpdf::{
    Color, Mm, Op, ParsedFont, PdfDocument, PdfFontHandle, PdfPage, PdfSaveOptions, Point, Pt,
    Rect, Rgb, TextItem,
};

static REGULAR: &[u8] = include_bytes!("../../fonts/DejaVuSans.ttf");
static BOLD: &[u8] = include_bytes!("../../fonts/DejaVuSans-Bold.ttf");

/// Page width and height (A4, points), margin, and the lowest line a page
/// body may use (the footer is below it).
pub(super) const W: f32 = 595.28;
pub(super) const H: f32 = 841.89;
pub(super) const M: f32 = 42.0;
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
pub(super) enum Align {
    Left,
    Right,
}

/// A table column: title, width in points, alignment.
pub(super) type Column = (String, f32, Align);

pub(super) struct Writer {
    pub(super) pages: Vec<Vec<Op>>,
    pub(super) y: f32,
    reg: Metrics,
    bold: Metrics,
    /// The table in progress: its columns and text size, repeated on a new page.
    header: Option<(Vec<Column>, f32)>,
}

pub(super) fn grey(v: f32) -> Color {
    Color::Rgb(Rgb::new(v, v, v, None))
}

pub(super) fn rgb(r: f32, g: f32, b: f32) -> Color {
    Color::Rgb(Rgb::new(r, g, b, None))
}

impl Writer {
    /// A writer on its first, empty page.
    pub(super) fn start() -> Writer {
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

    pub(super) fn ops(&mut self) -> &mut Vec<Op> {
        self.pages.last_mut().expect("a page")
    }

    pub(super) fn new_page(&mut self) {
        self.pages.push(Vec::new());
        self.y = H - M;
    }

    /// Breaks the page when fewer than `h` points are left; a table in
    /// progress repeats its header on the new page.
    pub(super) fn need(&mut self, h: f32) {
        if self.y - h < BOTTOM {
            self.new_page();
            if let Some((cols, size)) = self.header.clone() {
                self.table_header(&cols, size);
            }
        }
    }

    pub(super) fn text(&mut self, x: f32, y: f32, s: &str, size: f32, bold: bool, color: Color) {
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

    pub(super) fn width(&mut self, s: &str, size: f32, bold: bool) -> f32 {
        if bold {
            self.bold.width(s, size)
        } else {
            self.reg.width(s, size)
        }
    }

    pub(super) fn rect(&mut self, x: f32, y: f32, w: f32, h: f32, color: Color) {
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

    pub(super) fn wrap(&mut self, s: &str, size: f32, bold: bool, width: f32) -> Vec<String> {
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

    pub(super) fn heading(&mut self, s: &str) {
        self.need(40.0);
        self.y -= 20.0;
        self.text(M, self.y, s, 12.0, true, rgb(0.10, 0.22, 0.40));
        self.y -= 5.0;
        self.rect(M, self.y, W - 2.0 * M, 0.8, rgb(0.10, 0.22, 0.40));
        self.y -= 12.0;
    }

    pub(super) fn paragraph(&mut self, s: &str, size: f32, indent: f32) {
        for l in self.wrap(s, size, false, W - 2.0 * M - indent) {
            self.need(size * 1.35);
            self.text(M + indent, self.y, &l, size, false, grey(0.1));
            self.y -= size * 1.35;
        }
    }

    pub(super) fn pair(&mut self, x: f32, label: &str, value: &str, bold_value: bool) {
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
    pub(super) fn table(
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

    /// The footer of every page: a rule, "SLA Ledger" and `footer(page,
    /// pages)` (1-based) on the right; `mark(page ops)` may then add to a
    /// page (a watermark).
    pub(super) fn footers(
        &mut self,
        footer: impl Fn(usize, usize) -> String,
        mut mark: impl FnMut(&mut Vec<Op>),
    ) {
        let total_pages = self.pages.len();
        for p in 0..total_pages {
            // The drawing helpers write to the last page: bring page p there.
            self.pages.swap(p, total_pages - 1);
            let footer = footer(p + 1, total_pages);
            let fw = self.width(&footer, 7.5, false);
            self.rect(M, 40.0, W - 2.0 * M, 0.5, grey(0.7));
            self.text(W - M - fw, 28.0, &footer, 7.5, false, grey(0.4));
            self.text(M, 28.0, "SLA Ledger", 7.5, false, grey(0.4));
            mark(self.ops());
            self.pages.swap(p, total_pages - 1);
        }
    }
}

/// What a PDF says about itself (document info and trailer ID).
pub(super) struct Meta {
    pub(super) title: String,
    pub(super) author: String,
    pub(super) subject: String,
    pub(super) identifier: String,
    pub(super) created_at: i64,
    /// 16 bytes, derived from the content so exports are reproducible.
    pub(super) id: Vec<u8>,
    pub(super) info: Vec<(&'static str, String)>,
}

/// Embeds the fonts, writes the pages and sets a deterministic identity:
/// printpdf writes random IDs, so the bytes are read back to set ours.
pub(super) fn finish(w: Writer, m: &Meta) -> Result<Vec<u8>, ExportError> {
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
