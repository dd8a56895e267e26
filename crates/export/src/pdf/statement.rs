//! The statement's sections, top to bottom: the header band, the parties,
//! the summary with its totals, the evidence of each line, the integrity
//! box, the appendix with the trace, then the footers and document info.

use super::evidence::{evidence, yes_no, People};
use super::writer::{finish, grey, rgb, Align, Meta, Writer, H, M, W};
use crate::error::ExportError;
use crate::locale::Locale;
use crate::pdfmeta;
use crate::view::StatementView;
use printpdf::{Op, PdfFontHandle, Pt, TextItem, TextMatrix};
use sla_engine::result::Line;

/// Renders a statement; `xlsx_sha256` is printed so that the PDF's
/// signature covers the workbook too.
pub fn render(v: &StatementView, xlsx_sha256: &str) -> Result<Vec<u8>, ExportError> {
    let mut w = Writer::start();
    header_band(&mut w, v);
    parties(&mut w, v);
    summary(&mut w, v);
    evidence(&mut w, v);
    integrity(&mut w, v, xlsx_sha256);
    appendix(&mut w, v);
    footers(&mut w, v);
    finish(w, &meta(v, xlsx_sha256))
}

/// The coloured band at the top of page 1: title, number and period, and
/// the status badge.
fn header_band(w: &mut Writer, v: &StatementView) {
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
        &format!("{}  ·  period {}", v.number, v.result.period.label),
        10.0,
        false,
        rgb(0.85, 0.90, 1.0),
    );
    if v.sample {
        // A sample library's statement says so before anything else.
        w.text(
            M + 300.0,
            H - 40.0,
            "SAMPLE - NOT REAL DATA",
            14.0,
            true,
            rgb(1.0, 0.80, 0.25),
        );
    }
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
}

/// The label/value pairs under the header band, in two columns.
fn party_rows(v: &StatementView) -> Vec<(&'static str, String, &'static str, String)> {
    let r = &v.result;
    let c = &v.terms.contract;
    let or_dash = |s: &Option<String>| s.clone().unwrap_or_else(|| "-".into());
    vec![
        (
            "Our party",
            v.our_party.clone(),
            "Statement",
            v.number.clone(),
        ),
        (
            "Counterparty",
            or_dash(&c.counterparty),
            "Status",
            v.status.clone(),
        ),
        (
            "Contract",
            c.id.clone(),
            "Period",
            format!(
                "{} ({} to {})",
                r.period.label,
                People::of(v).at(&r.period.start),
                People::of(v).at(&r.period.end)
            ),
        ),
        (
            "Title",
            or_dash(&c.title),
            "Data cut-off",
            People::of(v).at(&v.data_cutoff),
        ),
        (
            "Direction",
            v.direction_text().to_string(),
            "Terms version",
            v.terms_version.to_string(),
        ),
        (
            "Governing law",
            or_dash(&c.governing_law),
            "Currency",
            r.currency.clone(),
        ),
    ]
}

/// The parties and facts of the statement, values wrapped in their column;
/// then the restatement's reason, if any.
fn parties(w: &mut Writer, v: &StatementView) {
    let col2 = M + 262.0;
    for (l1, v1, l2, v2) in party_rows(v) {
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
    w.paragraph(
        &format!(
            "Times are in {}, the contract's time zone; the workbook gives each in UTC beside it. Numbers are written as in {}.",
            v.terms.contract.timezone.name(),
            v.locale.tag()
        ),
        7.5,
        0.0,
    );
}

/// A quarterly line (terms v2 section 1) says its quarter.
fn over(measure: String, l: &Line) -> String {
    match l.period() {
        Some(p) => format!("{measure} over {}", p.label),
        None => measure,
    }
}

/// One row of the summary table, and whether the line is breached.
fn summary_row(l: &Line, places: u32, loc: Locale) -> (Vec<String>, bool) {
    match l {
        Line::Availability(a) => (
            vec![
                a.sla.clone(),
                over(format!("availability of {}", a.service), l),
                format!("{} %", a.target),
                format!("{} %", a.uptime),
                yes_no(a.breached),
                // Days of service (terms v2) say their days.
                match (&a.days, &a.tier_below) {
                    (Some(d), Some(b)) => format!("below {b}: {d} days = {} %", a.percent),
                    (Some(d), None) => format!("{d} days = {} %", a.percent),
                    (None, Some(b)) => format!("below {b}: {} %", a.percent),
                    (None, None) => format!("{} %", a.percent),
                },
                loc.number(&a.amount, places),
            ],
            a.breached,
        ),
        Line::Incident(i) => (
            vec![
                i.sla.clone(),
                over(format!("{} {} of {}", i.severity, i.kind, i.service), l),
                sla_engine::duration::fmt_duration(i.target_seconds),
                format!("{} breach(es), {} running", i.breaches, i.running),
                yes_no(i.breached),
                format!("{} %", i.percent),
                loc.number(&i.amount, places),
            ],
            i.breached,
        ),
    }
}

/// The summary: one row per line, the totals, the chronic-breach finding
/// and the engine's notes.
fn summary(w: &mut Writer, v: &StatementView) {
    let r = &v.result;
    let places = v.terms.credit.rounding.places;
    w.heading("Summary");
    let (sum_rows, hl): (Vec<Vec<String>>, Vec<bool>) = r
        .lines
        .iter()
        .map(|l| summary_row(l, places, v.locale))
        .unzip();
    w.table(
        &[
            ("SLA", 92.0, Align::Left),
            ("Measure", 100.0, Align::Left),
            ("Target", 52.0, Align::Left),
            ("Measured", 92.0, Align::Left),
            ("Breach", 40.0, Align::Left),
            ("Credit", 70.0, Align::Left),
            (&format!("Amount ({})", r.currency), 65.0, Align::Right),
        ],
        &sum_rows,
        8.0,
        &hl,
    );
    totals(w, v);
    if let Some(ch) = &r.chronic {
        w.paragraph(&format!("Chronic breach: {} of the last {} month(s) breached; the termination right needs {}: {}.", ch["breached_periods"], ch["within_months"], ch["required"], if ch["met"] == true { "MET" } else { "not met" }), 9.0, 0.0);
    }
    for warn in &r.warnings {
        w.paragraph(&format!("Note: {warn}"), 8.0, 0.0);
    }
}

/// Subtotal, cap, total and claim deadline, right of the page; the total
/// in bold.
fn totals(w: &mut Writer, v: &StatementView) {
    let r = &v.result;
    let places = v.terms.credit.rounding.places;
    let cur = &r.currency;
    let totals: Vec<(String, String, bool)> = [
        Some((
            "Subtotal".to_string(),
            v.locale.money(cur, &r.subtotal, places),
            false,
        )),
        r.cap.as_ref().map(|cap| {
            (
                "Contract cap".to_string(),
                v.locale.money(cur, cap, places),
                false,
            )
        }),
        Some((
            "Total credit".to_string(),
            v.locale.money(cur, &r.total, places),
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
}

/// Integrity: kept together on one page (seal, signed head, workbook hash
/// and what the signature covers are read as one).
fn integrity(w: &mut Writer, v: &StatementView, xlsx_sha256: &str) {
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
}

/// Appendix: the trace, on a new page unless most of this one is free (no
/// page left nearly empty).
fn appendix(w: &mut Writer, v: &StatementView) {
    let r = &v.result;
    if w.y < H / 2.0 {
        w.new_page();
    } else {
        w.y -= 12.0;
    }
    w.heading("Appendix: how every number was reached");
    for l in &r.lines {
        trace(w, &format!("{} = {}", l.sla(), l.amount()), l.trace());
    }
    trace(w, &format!("Total = {}", r.total), &r.trace);
    clauses(w, v);
}

/// Each term of the version used with the clause it comes from (issue 18),
/// and the hash of every document quoted, so that a reader can check the
/// quote in the very file.
fn clauses(w: &mut Writer, v: &StatementView) {
    if v.clauses.is_empty() {
        return;
    }
    w.need(60.0);
    w.y -= 12.0;
    w.heading("Appendix: where the contract says so");
    for c in &v.clauses {
        w.paragraph(
            &format!(
                "{} = {}: {}, page {}: \"{}\"",
                c.key, c.value, c.document, c.page, c.quote
            ),
            7.5,
            8.0,
        );
    }
    let mut docs: Vec<(&str, &str)> = v
        .clauses
        .iter()
        .map(|c| (c.document.as_str(), c.sha256.as_str()))
        .collect();
    docs.sort();
    docs.dedup();
    w.y -= 4.0;
    for (name, sha) in docs {
        w.paragraph(&format!("{name}: SHA-256 {sha}"), 7.0, 8.0);
    }
}

/// One result in bold, then its numbered steps.
fn trace(w: &mut Writer, title: &str, steps: &[String]) {
    w.need(30.0);
    w.y -= 4.0;
    w.text(M, w.y, title, 9.5, true, grey(0.1));
    w.y -= 13.0;
    for (n, t) in steps.iter().enumerate() {
        w.paragraph(&format!("{}. {t}", n + 1), 7.5, 8.0);
    }
}

/// Footers on every page and, on a draft, the watermark.
fn footers(w: &mut Writer, v: &StatementView) {
    let draft = v.status == "DRAFT";
    w.footers(
        |page, pages| {
            format!(
                "{}  ·  {}  ·  page {} of {}",
                v.number, v.status, page, pages
            )
        },
        |ops| {
            if draft {
                // Drawn first, so the page's content stays readable over it.
                ops.splice(0..0, watermark());
            }
        },
    );
}

fn watermark() -> [Op; 6] {
    let font = PdfFontHandle::External(printpdf::FontId("F2".into()));
    [
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
    ]
}

/// The document information: deterministic identity (the document ID is
/// derived from the statement), and our own keys that let `verify` find
/// the statement in the library (read back by [`crate::pdfmeta`]).
fn meta(v: &StatementView, xlsx_sha256: &str) -> Meta {
    use sha2::Digest;
    let r = &v.result;
    let id = sha2::Sha256::digest(format!(
        "{}|{}",
        v.number,
        v.seal_sha256.as_deref().unwrap_or("")
    ));
    let head = v.chain_head.as_ref();
    Meta {
        title: format!("SLA credit statement {}", v.number),
        author: v.our_party.clone(),
        subject: format!("{} {} {}", v.terms.contract.id, r.period.label, v.status),
        identifier: v.number.clone(),
        created_at: v.created_at,
        id: id[..16].to_vec(),
        info: vec![
            (pdfmeta::STATEMENT, v.number.clone()),
            (pdfmeta::SEAL, v.seal_sha256.clone().unwrap_or_default()),
            (pdfmeta::XLSX_SHA256, xlsx_sha256.to_string()),
            (
                pdfmeta::CHAIN_SEQ,
                head.map(|h| h.seq.to_string()).unwrap_or_default(),
            ),
            (
                pdfmeta::CHAIN_HASH,
                head.map(|h| h.hash.clone()).unwrap_or_default(),
            ),
        ],
    }
}
