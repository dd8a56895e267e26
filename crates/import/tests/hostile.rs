//! Hostile files: each is made here, small, in memory (or in a temporary
//! folder), and each must be refused with its message (file, sheet, cell),
//! never panic, and finish quickly in bounded memory. Timings are printed
//! (`-- --nocapture`), not asserted.

mod common;

use common::*;
use sla_engine::Terms;
use sla_import::{read_csv_bytes, read_file, read_workbook_bytes, Cell, ImportError, Kind};

/// With `SLA_IMPORT_HOSTILE_DIR` set, each hostile file is also saved
/// there (to measure a reader alone on it, say with the parity test's
/// `dump`).
fn save(name: &str, bytes: &[u8]) {
    if let Ok(dir) = std::env::var("SLA_IMPORT_HOSTILE_DIR") {
        let _ = std::fs::write(std::path::Path::new(&dir).join(name), bytes);
    }
}

fn workbook_err(name: &str, bytes: &[u8]) -> String {
    save(name, bytes);
    timed(name, || read_workbook_bytes(name, bytes))
        .map(|s| format!("read {} sheet(s)", s.len()))
        .expect_err("must be refused")
        .to_string()
}

fn csv_err(name: &str, bytes: &[u8]) -> String {
    save(name, bytes);
    timed(name, || read_csv_bytes(name, Kind::Outages, bytes))
        .map(|_| "read".to_string())
        .expect_err("must be refused")
        .to_string()
}

fn terms() -> Terms {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../fixtures/cases/spec-s6-full-example/terms.toml"
    );
    Terms::parse(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// Writes `bytes` as `name` in a temporary folder and imports it.
fn import(
    name: &str,
    bytes: &[u8],
) -> (tempfile::TempDir, Result<sla_import::Imported, ImportError>) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    std::fs::write(&path, bytes).unwrap();
    let p = path.display().to_string();
    let r = timed(name, || read_file(&p, Some(Kind::Outages), &terms()));
    (dir, r)
}

fn row_errors(r: Result<sla_import::Imported, ImportError>, dir: &std::path::Path) -> Vec<String> {
    match r {
        Err(ImportError::Rows(rows)) => rows
            .iter()
            .map(|e| e.to_string().replace(&format!("{}/", dir.display()), ""))
            .collect(),
        Err(e) => panic!("expected row errors, got {e}"),
        Ok(i) => panic!(
            "expected row errors, got {} outages",
            i.events.outages.len()
        ),
    }
}

/// A sheet of about `chunks` MiB, deflated at `level`: one full-flushed
/// 1 MiB block repeated (valid deflate, since each block starts afresh),
/// so the test never holds more than 1 MiB of it. `one_cell`: the sheet
/// is a single cell of `x`s (deflate's best case, about 1,000:1);
/// otherwise one row of repeated small cells.
fn bomb(chunks: usize, level: u32, one_cell: bool) -> (Vec<u8>, u32, u32) {
    use flate2::{Compress, Compression, Crc, FlushCompress};
    let head: &[u8] = if one_cell {
        br#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>"#
    } else {
        br#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1">"#
    };
    let pattern: &[u8] = if one_cell {
        b"x"
    } else {
        br#"<c t="inlineStr"><is><t>x</t></is></c>"#
    };
    let chunk: Vec<u8> = pattern.iter().copied().cycle().take(1 << 20).collect();
    let tail: &[u8] = if one_cell {
        b"</t></is></c></row></sheetData></worksheet>"
    } else {
        b"</row></sheetData></worksheet>"
    };
    let part = |data: &[u8], flush: FlushCompress| {
        let mut c = Compress::new(Compression::new(level), false);
        let mut out = Vec::with_capacity(data.len() + 1024);
        c.compress_vec(data, &mut out, flush).unwrap();
        out
    };
    let mut data = part(head, FlushCompress::Full);
    let block = part(&chunk, FlushCompress::Full);
    let mut crc = Crc::new();
    crc.update(head);
    let mut one = Crc::new();
    one.update(&chunk);
    for _ in 0..chunks {
        data.extend_from_slice(&block);
        crc.combine(&one);
    }
    data.extend(part(tail, FlushCompress::Finish));
    crc.update(tail);
    let size = head.len() + chunks * chunk.len() + tail.len();
    (data, crc.sum(), size as u32)
}

fn bomb_xlsx(
    chunks: usize,
    level: u32,
    one_cell: bool,
    declared: Option<u32>,
) -> (Vec<u8>, usize, u32) {
    let (data, crc, size) = bomb(chunks, level, one_cell);
    let others = xlsx_parts("outages", b"", shared_xml(&[]).as_bytes(), false);
    let mut entries: Vec<RawEntry<'_>> = Vec::new();
    let deflated: Vec<(String, Vec<u8>, u32, u32)> = others
        .iter()
        .filter(|(n, _)| n != "xl/worksheets/sheet1.xml")
        .map(|(n, d)| (n.clone(), deflate(d), common::crc(d), d.len() as u32))
        .collect();
    for (n, d, c, s) in &deflated {
        entries.push(RawEntry {
            name: n,
            method: 8,
            data: d,
            crc: *c,
            declared_size: *s,
        });
    }
    let declared = declared.unwrap_or(size);
    entries.push(RawEntry {
        name: "xl/worksheets/sheet1.xml",
        method: 8,
        data: &data,
        crc,
        declared_size: declared,
    });
    (raw_zip(&entries), data.len(), declared)
}

#[test]
fn zip_bomb_is_refused_by_its_ratio_before_inflating() {
    let (bytes, packed, size) = bomb_xlsx(1024, 9, true, None);
    assert!(
        bytes.len() < 3 << 19,
        "the bomb itself is small: {}",
        bytes.len()
    );
    assert!(size > 1 << 30);
    let ratio = u64::from(size) / packed as u64;
    let msg = workbook_err("bomb.xlsx", &bytes);
    assert_eq!(
        msg,
        format!(
            "bomb.xlsx: part xl/worksheets/sheet1.xml: {} bytes compressed into {} is a ratio of {}:1, more than the 100:1 a part may have",
            sep(u64::from(size)),
            sep(packed as u64),
            sep(ratio)
        )
    );
    // Compressed less tightly (about 86:1), the same gigabyte passes the
    // ratio rule; it is then refused by what it holds, after the first few
    // kilobytes: one row of cells, past the last column.
    let (bytes, packed, size) = bomb_xlsx(1024, 1, false, None);
    assert!(u64::from(size) / (packed as u64) < 100);
    assert_eq!(
        workbook_err("bomb86.xlsx", &bytes),
        "bomb86.xlsx: sheet outages, cell ALM1: column 1001 is beyond the 1,000 columns a sheet may have"
    );
}

#[test]
fn a_zip_entry_that_inflates_past_its_declared_size_is_refused() {
    // Declares 1,000 bytes (too small for the ratio rule), holds 64 MiB.
    // The zip reader notices first; the importer's own count of real bytes
    // (unit-tested in zipguard) stands behind it.
    let (bytes, _, _) = bomb_xlsx(64, 9, true, Some(1_000));
    let msg = workbook_err("liar.xlsx", &bytes);
    assert_eq!(
        msg,
        "cannot read workbook liar.xlsx: sheet outages: part xl/worksheets/sheet1.xml cannot be read: File is larger than its declared uncompressed size"
    );
}

#[test]
fn a_forged_entry_count_is_refused_before_the_zip_is_opened() {
    let mut bytes = xlsx("outages", &sheet_xml(None, ""), &shared_xml(&[]));
    let eocd = bytes.len() - 22;
    assert_eq!(&bytes[eocd..eocd + 4], b"PK\x05\x06");
    bytes[eocd + 8..eocd + 12].copy_from_slice(&[0xFF, 0xFF, 0xFF, 0xFF]);
    let msg = workbook_err("count.xlsx", &bytes);
    assert_eq!(
        msg,
        "count.xlsx: the zip container declares 65,535 entries, more than the 10,000 a workbook may have"
    );
}

#[test]
fn a_declared_dimension_of_the_whole_grid_is_refused() {
    let bytes = xlsx(
        "outages",
        &sheet_xml(
            Some("A1:XFD1048576"),
            &format!("<row r=\"1\">{}</row>", istr("A1", "service")),
        ),
        &shared_xml(&[]),
    );
    let msg = workbook_err("grid.xlsx", &bytes);
    assert_eq!(
        msg,
        "grid.xlsx: sheet outages, dimension A1:XFD1048576: column 16384 is beyond the 1,000 columns a sheet may have"
    );
    let rows = xlsx(
        "outages",
        &sheet_xml(Some("A1:C3000000"), ""),
        &shared_xml(&[]),
    );
    assert_eq!(
        workbook_err("tall.xlsx", &rows),
        "tall.xlsx: sheet outages, dimension A1:C3000000: row 3000000 is beyond the 2,000,001 rows a sheet may have (a header and 2,000,000 data rows)"
    );
}

#[test]
fn one_far_cell_is_refused() {
    let rows = format!(
        "<row r=\"1\">{}</row><row r=\"1048576\">{}</row>",
        istr("A1", "service"),
        istr("XFD1048576", "far")
    );
    let bytes = xlsx("outages", &sheet_xml(None, &rows), &shared_xml(&[]));
    assert_eq!(
        workbook_err("far.xlsx", &bytes),
        "far.xlsx: sheet outages, cell XFD1048576: column 16384 is beyond the 1,000 columns a sheet may have"
    );
    // Far down, and far by a reference too long for any integer.
    let down = xlsx(
        "outages",
        &sheet_xml(None, &format!("<row>{}</row>", istr("B4000000", "x"))),
        &shared_xml(&[]),
    );
    assert_eq!(
        workbook_err("down.xlsx", &down),
        "down.xlsx: sheet outages, cell B4000000: row 4000000 is beyond the 2,000,001 rows a sheet may have (a header and 2,000,000 data rows)"
    );
    let huge = xlsx(
        "outages",
        &sheet_xml(
            None,
            &format!("<row>{}</row>", istr(&format!("{}1", "Z".repeat(30)), "x")),
        ),
        &shared_xml(&[]),
    );
    let msg = workbook_err("letters.xlsx", &huge);
    assert!(
        msg.starts_with("letters.xlsx: sheet outages, cell "),
        "{msg}"
    );
    assert!(
        msg.ends_with(" is beyond the 1,000 columns a sheet may have"),
        "{msg}"
    );
    // Cells without a reference are placed by counting: past the limit too.
    let counted: String = (0..1_001).map(|_| "<c><v>1</v></c>").collect();
    let wide = xlsx(
        "outages",
        &sheet_xml(None, &format!("<row>{counted}</row>")),
        &shared_xml(&[]),
    );
    assert_eq!(
        workbook_err("counted.xlsx", &wide),
        "counted.xlsx: sheet outages, cell ALM1: column 1001 is beyond the 1,000 columns a sheet may have"
    );
}

#[test]
fn a_forged_shared_string_count_allocates_nothing() {
    // `uniqueCount` is a hint calamine reserved room from (4e9 strings
    // aborted the process); it is ignored, so the workbook simply reads.
    let shared = r#"<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="4000000000" uniqueCount="4000000000"><si><t>service</t></si><si><r><t>com</t></r><r><t>pute</t></r><rPh><t>phonetic</t></rPh></si></sst>"#;
    let rows = r#"<row r="1"><c r="A1" t="s"><v>0</v></c></row><row r="2"><c r="A2" t="s"><v>1</v></c></row>"#;
    let bytes = xlsx("outages", &sheet_xml(None, rows), shared);
    let sheets = timed("uniqueCount", || {
        read_workbook_bytes("strings.xlsx", &bytes)
    })
    .unwrap();
    assert_eq!(sheets[0].header, ["service"]);
    assert_eq!(
        sheets[0].rows,
        vec![(2, vec![Cell::Text("compute".into())])]
    );
    // A cell that points past the table is an error, not a panic.
    let past = xlsx(
        "outages",
        &sheet_xml(None, r#"<row><c r="A1" t="s"><v>7</v></c></row>"#),
        shared,
    );
    assert_eq!(
        workbook_err("strings.xlsx", &past),
        "cannot read workbook strings.xlsx: sheet outages, cell A1: shared string 7 does not exist (the workbook has 2)"
    );
}

/// `n` letters that deflate does not squeeze much (a cell, not a bomb).
fn noise(n: usize) -> String {
    let mut x: u32 = 0x1234_5678;
    (0..n)
        .map(|_| {
            x = x.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
            char::from(b'a' + (x >> 24) as u8 % 26)
        })
        .collect()
}

#[test]
fn a_huge_cell_is_refused_in_every_format() {
    let ten_mb = noise(10 << 20);
    // Inline in the sheet: stopped by the XML run guard at 1 MiB.
    let rows = format!(
        "<row r=\"1\">{}</row><row r=\"2\">{}</row>",
        istr("A1", "service"),
        istr("B2", &ten_mb)
    );
    let bytes = xlsx("outages", &sheet_xml(None, &rows), &shared_xml(&[]));
    assert_eq!(
        workbook_err("big-inline.xlsx", &bytes),
        "big-inline.xlsx: sheet outages, cell B2: over-long cell: more than 1,048,576 bytes of XML without markup (a cell may hold 32,767 characters)"
    );
    // In the shared strings.
    let bytes = xlsx(
        "outages",
        &sheet_xml(None, ""),
        &shared_xml(&["a", &ten_mb]),
    );
    assert_eq!(
        workbook_err("big-shared.xlsx", &bytes),
        "big-shared.xlsx: part xl/sharedStrings.xml, string 1: over-long cell: more than 1,048,576 bytes of XML without markup (a cell may hold 32,767 characters)"
    );
    // Under the guard but over Excel's cell limit.
    let forty_k = "é".repeat(40_000);
    let rows = format!("<row r=\"2\">{}</row>", istr("B2", &forty_k));
    let bytes = xlsx("outages", &sheet_xml(None, &rows), &shared_xml(&[]));
    assert_eq!(
        workbook_err("big-40k.xlsx", &bytes),
        "big-40k.xlsx: sheet outages, cell B2: 40,000 characters is more than the 32,767 a cell may hold"
    );
    let bytes = xlsx("outages", &sheet_xml(None, ""), &shared_xml(&[&forty_k]));
    assert_eq!(
        workbook_err("big-40k-shared.xlsx", &bytes),
        "big-40k-shared.xlsx: part xl/sharedStrings.xml, string 0: 40,000 characters is more than the 32,767 a cell may hold"
    );
    // Many short text runs adding up.
    let runs: String = (0..5_000)
        .map(|_| "<r><t>0123456789abcdef0123456789abcdef</t></r>")
        .collect();
    let shared = format!(
        r#"<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si>{runs}</si></sst>"#
    );
    let bytes = xlsx("outages", &sheet_xml(None, ""), &shared);
    assert_eq!(
        workbook_err("big-runs.xlsx", &bytes),
        "big-runs.xlsx: part xl/sharedStrings.xml, string 0: the cell holds more than the 32,767 characters a cell may hold"
    );
    // ods: one paragraph, and spaces from `text:s`.
    let cell = format!(
        r#"<table:table-row><table:table-cell office:value-type="string"><text:p>{forty_k}</text:p></table:table-cell></table:table-row>"#
    );
    assert_eq!(
        workbook_err("big-para.ods", &ods("outages", &cell)),
        "big-para.ods: sheet outages, cell A1: 40,000 characters is more than the 32,767 a cell may hold"
    );
    let spaces = r#"<table:table-row><table:table-cell office:value-type="string"><text:p>a<text:s text:c="4000000000"/></text:p></table:table-cell></table:table-row>"#;
    assert_eq!(
        workbook_err("big-spaces.ods", &ods("outages", spaces)),
        "big-spaces.ods: sheet outages, cell A1: the cell holds more than the 32,767 characters a cell may hold"
    );
    // CSV: a 10 MB field passes the record limit; a 40,000-character one
    // passes the cell limit.
    let csv = format!("service,start\n\"{ten_mb}\",x\n");
    assert_eq!(
        csv_err("big-record.csv", csv.as_bytes()),
        "big-record.csv: line 2: the record is longer than the 1,048,576 bytes a CSV record may have"
    );
    let csv = format!("service,start\ncompute,{forty_k}\n");
    assert_eq!(
        csv_err("big-field.csv", csv.as_bytes()),
        "big-field.csv: line 2, column B: 40,000 characters is more than the 32,767 a cell may hold"
    );
}

#[test]
fn a_csv_with_300000_columns_is_refused_at_once() {
    let mut csv = String::from("service,start,end");
    for i in 0..300_000 {
        csv.push_str(&format!(",c{}", i % 10));
    }
    csv.push('\n');
    assert!(csv.len() < 1 << 20);
    assert_eq!(
        csv_err("wide.csv", csv.as_bytes()),
        "wide.csv: line 1: 300,003 fields is more than the 1,000 columns a sheet may have"
    );
    // A header of 1,000 columns is fine; duplicate names are found in
    // linear time (the checker used to compare each with all before it).
    let header: Vec<String> = (0..997).map(|i| format!("h{}", i % 497)).collect();
    let csv = format!("service,start,end,{}\n", header.join(","));
    let (dir, r) = import("outages.csv", csv.as_bytes());
    let errors = row_errors(r, dir.path());
    assert_eq!(errors.len(), 500);
    assert_eq!(
        errors[0],
        "outages.csv:outages:1:h0: duplicate column header"
    );
    assert_eq!(
        errors[499],
        "outages.csv:outages:1:h2: duplicate column header"
    );
}

#[test]
fn dates_outside_1900_to_2199_are_row_errors() {
    let rows = [
        r#"<row r="1"><c r="A1" t="inlineStr"><is><t>service</t></is></c><c r="B1" t="inlineStr"><is><t>start</t></is></c><c r="C1" t="inlineStr"><is><t>end</t></is></c><c r="D1" t="inlineStr"><is><t>notes</t></is></c></row>"#,
        // Year 10,114 (formerly a far instant), a serial that panicked
        // chrono, a negative serial, a time of day alone (1899-12-31).
        r#"<row r="2"><c r="A2" t="inlineStr"><is><t>compute</t></is></c><c r="B2" s="1"><v>3000000</v></c><c r="C2" s="2"><v>1e300</v></c></row>"#,
        r#"<row r="3"><c r="A3" t="inlineStr"><is><t>compute</t></is></c><c r="B3" s="2"><v>-5</v></c><c r="C3" s="2"><v>0.5</v></c></row>"#,
        r#"<row r="4"><c r="A4" t="inlineStr"><is><t>compute</t></is></c><c r="B4" t="d"><v>1850-01-01T00:00:00</v></c><c r="C4" s="2"><v>-1e300</v></c></row>"#,
        // An out-of-range date in a column nobody reads is no error, and
        // a good row still reads.
        r#"<row r="5"><c r="A5" t="inlineStr"><is><t>compute</t></is></c><c r="B5" s="2"><v>46296</v></c><c r="C5" s="2"><v>46296.5</v></c><c r="D5" s="2"><v>9e99</v></c></row>"#,
    ]
    .concat();
    let bytes = xlsx("outages", &sheet_xml(None, &rows), &shared_xml(&[]));
    let (dir, r) = import("dates.xlsx", &bytes);
    assert_eq!(
        row_errors(r, dir.path()),
        [
            "dates.xlsx:outages:2:start: date serial 3000000 is outside the years 1900-2199",
            "dates.xlsx:outages:2:end: date serial 1e300 is outside the years 1900-2199",
            "dates.xlsx:outages:3:start: date serial -5 is outside the years 1900-2199",
            "dates.xlsx:outages:3:end: date serial 0.5 is outside the years 1900-2199",
            "dates.xlsx:outages:4:start: date 1850-01-01T00:00:00 is outside the years 1900-2199",
            "dates.xlsx:outages:4:end: date serial -1e300 is outside the years 1900-2199",
        ]
    );
    // The same in an xls (a NUMBER with a date format) and an ods.
    let mut cells = Vec::new();
    for (col, s) in ["service", "start", "end"].iter().enumerate() {
        cells.extend(label_sst(0, col as u16, col as u32));
        let _ = s;
    }
    cells.extend(label_sst(1, 0, 3));
    cells.extend(number(1, 1, 1, 5_000_000.0));
    cells.extend(number(1, 2, 1, 46_296.5));
    let book = xls(
        "outages",
        &[xf(0), xf(22)].concat(),
        &["service", "start", "end", "compute"],
        &cells,
    );
    let (dir, r) = import("dates.xls", &book);
    assert_eq!(
        row_errors(r, dir.path()),
        ["dates.xls:outages:2:start: date serial 5000000 is outside the years 1900-2199"]
    );
    let rows = r#"<table:table-row><table:table-cell office:value-type="string"><text:p>service</text:p></table:table-cell><table:table-cell office:value-type="string"><text:p>start</text:p></table:table-cell><table:table-cell office:value-type="string"><text:p>end</text:p></table:table-cell></table:table-row><table:table-row><table:table-cell office:value-type="string"><text:p>compute</text:p></table:table-cell><table:table-cell office:value-type="date" office:date-value="2250-01-01T00:00:00"/><table:table-cell office:value-type="date" office:date-value="2026-10-01T00:00:00"/></table:table-row>"#;
    let (dir, r) = import("dates.ods", &ods("outages", rows));
    assert_eq!(
        row_errors(r, dir.path()),
        ["dates.ods:outages:2:start: date 2250-01-01T00:00:00 is outside the years 1900-2199"]
    );
}

#[test]
fn truncated_and_corrupt_zips_are_refused() {
    let good = xlsx(
        "outages",
        &sheet_xml(None, &format!("<row>{}</row>", istr("A1", "service"))),
        &shared_xml(&[]),
    );
    let half = &good[..good.len() / 2];
    let msg = workbook_err("cut.xlsx", half);
    assert!(
        msg.starts_with("cannot read workbook cut.xlsx: not a readable zip container: "),
        "{msg}"
    );
    // Damage inside the compressed sheet: the checksum (or the inflater)
    // catches it.
    let mut bad = good.clone();
    let at = find(&bad, b"xl/worksheets/sheet1.xml").unwrap() + 30;
    for b in &mut bad[at..at + 8] {
        *b ^= 0x55;
    }
    let msg = workbook_err("bad.xlsx", &bad);
    assert!(msg.starts_with("cannot read workbook bad.xlsx: "), "{msg}");
    // A zip that is no workbook at all.
    let other = zip(&[("readme.txt", b"hello")]);
    assert_eq!(
        workbook_err("other.xlsx", &other),
        "cannot read workbook other.xlsx: not an xlsx workbook: the zip has no _rels/.rels"
    );
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

#[test]
fn invalid_utf8_is_refused_in_csv_and_in_xml() {
    let msg = csv_err("bad.csv", b"service,start\ncomp\xffute,x\n");
    assert!(
        msg.starts_with("cannot read workbook bad.csv: not readable as CSV: "),
        "{msg}"
    );
    assert!(msg.contains("invalid utf-8"), "{msg}");
    let mut rows = format!("<row>{}</row>", istr("A1", "serv@ice")).into_bytes();
    let at = find(&rows, b"@").unwrap();
    rows[at] = 0xFF;
    let sheet = [
        br#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>"#.as_slice(),
        &rows,
        b"</sheetData></worksheet>",
    ]
    .concat();
    let parts = xlsx_parts("outages", &sheet, shared_xml(&[]).as_bytes(), false);
    let refs: Vec<(&str, &[u8])> = parts
        .iter()
        .map(|(n, d)| (n.as_str(), d.as_slice()))
        .collect();
    let msg = workbook_err("bad.xlsx", &zip(&refs));
    assert!(
        msg.starts_with(
            "cannot read workbook bad.xlsx: sheet outages, cell A1: not well-formed XML: "
        ),
        "{msg}"
    );
    assert!(msg.to_lowercase().contains("utf-8"), "{msg}");
}

#[test]
fn empty_files_are_refused_and_header_only_sheets_are_empty_imports() {
    for name in ["e.xlsx", "e.xls", "e.ods"] {
        assert_eq!(
            workbook_err(name, b""),
            format!("{name}: empty file (0 bytes)")
        );
        let (dir, r) = import(name, b"");
        let msg = r.map(|_| ()).unwrap_err().to_string();
        assert_eq!(
            msg,
            format!("{}: empty file (0 bytes)", dir.path().join(name).display())
        );
    }
    // A CSV of nothing (or whitespace) still means "no events of this
    // kind", as the command-line tests pin.
    assert!(read_csv_bytes("e.csv", Kind::Outages, b"")
        .unwrap()
        .is_none());
    assert!(read_csv_bytes("e.csv", Kind::Outages, b" \n\r\n")
        .unwrap()
        .is_none());
    // A header and no rows: a valid import of no outages.
    let header = format!(
        "<row r=\"1\">{}{}{}</row>",
        istr("A1", "service"),
        istr("B1", "start"),
        istr("C1", "end")
    );
    let (_d, r) = import(
        "h.xlsx",
        &xlsx(
            "outages",
            &sheet_xml(Some("A1:C1"), &header),
            &shared_xml(&[]),
        ),
    );
    assert!(r.unwrap().events.outages.is_empty());
    let (_d, r) = import("h.csv", b"service,start,end\n");
    assert!(r.unwrap().events.outages.is_empty());
    let row = r#"<table:table-row><table:table-cell office:value-type="string"><text:p>service</text:p></table:table-cell><table:table-cell office:value-type="string"><text:p>start</text:p></table:table-cell><table:table-cell office:value-type="string"><text:p>end</text:p></table:table-cell></table:table-row>"#;
    let (_d, r) = import("h.ods", &ods("outages", row));
    assert!(r.unwrap().events.outages.is_empty());
    let cells = [label_sst(0, 0, 0), label_sst(0, 1, 1), label_sst(0, 2, 2)].concat();
    let (_d, r) = import(
        "h.xls",
        &xls("outages", &[], &["service", "start", "end"], &cells),
    );
    assert!(r.unwrap().events.outages.is_empty());
}

#[test]
fn ods_repeats_are_checked_before_they_are_made() {
    // A million rows of twenty filled cells each: 21 million cells.
    let filled = r#"<table:table-row table:number-rows-repeated="1048576"><table:table-cell office:value-type="float" office:value="1" table:number-columns-repeated="20"/></table:table-row>"#;
    assert_eq!(
        workbook_err("rep-cells.ods", &ods("outages", filled)),
        "rep-cells.ods: sheet outages, row 1: the file holds more than the 512 MiB of cells and text one file may keep in memory"
    );
    let deep = r#"<table:table-row table:number-rows-repeated="3000000"><table:table-cell office:value-type="string" office:string-value="x"/></table:table-row>"#;
    assert_eq!(
        workbook_err("rep-rows.ods", &ods("outages", deep)),
        "rep-rows.ods: sheet outages, cell A2000002: row 2000002 is beyond the 2,000,001 rows a sheet may have (a header and 2,000,000 data rows)"
    );
    let wide = r#"<table:table-row><table:table-cell office:value-type="string" office:string-value="x" table:number-columns-repeated="16384"/></table:table-row>"#;
    assert_eq!(
        workbook_err("rep-columns.ods", &ods("outages", wide)),
        "rep-columns.ods: sheet outages, cell ALM1: column 1001 is beyond the 1,000 columns a sheet may have"
    );
    // What LibreOffice writes after the last row: a million empty rows of
    // 1,024 empty cells. Nothing is made of them.
    let tail = r#"<table:table-row><table:table-cell office:value-type="string"><text:p>service</text:p></table:table-cell><table:table-cell table:number-columns-repeated="1023"/></table:table-row><table:table-row table:number-rows-repeated="1048575"><table:table-cell table:number-columns-repeated="1024"/></table:table-row>"#;
    let sheets = timed("ods empty repeats", || {
        read_workbook_bytes("ok.ods", &ods("outages", tail))
    })
    .unwrap();
    assert_eq!(sheets[0].header, ["service"]);
    assert!(sheets[0].rows.is_empty());
    // Filled repeats within the limits are made.
    let few = r#"<table:table-row table:number-rows-repeated="3"><table:table-cell office:value-type="string" office:string-value="x" table:number-columns-repeated="2"/></table:table-row>"#;
    let sheets = read_workbook_bytes("ok.ods", &ods("outages", few)).unwrap();
    let x = || Cell::Text("x".into());
    assert_eq!(
        sheets[0].rows,
        vec![(2, vec![x(), x()]), (3, vec![x(), x()])]
    );
}

#[test]
fn xls_dimensions_and_far_cells_are_checked() {
    // DIMENSIONS of rows 0..u32::MAX, columns 0..65535.
    let mut dims = Vec::new();
    dims.extend_from_slice(&0u32.to_le_bytes());
    dims.extend_from_slice(&u32::MAX.to_le_bytes());
    dims.extend_from_slice(&0u16.to_le_bytes());
    dims.extend_from_slice(&u16::MAX.to_le_bytes());
    dims.extend_from_slice(&0u16.to_le_bytes());
    let book = xls(
        "outages",
        &[],
        &["service"],
        &[rec(0x0200, &dims), label_sst(0, 0, 0)].concat(),
    );
    assert_eq!(
        workbook_err("dims.xls", &book),
        "dims.xls: sheet outages, dimension A1:CRXO4294967295: column 65535 is beyond the 1,000 columns a sheet may have"
    );
    let far = xls(
        "outages",
        &[],
        &["service"],
        &[label_sst(0, 0, 0), number(0, 16_383, 0, 1.0)].concat(),
    );
    assert_eq!(
        workbook_err("far.xls", &far),
        "far.xls: sheet outages, cell XFD1: column 16384 is beyond the 1,000 columns a sheet may have"
    );
    // The largest DIMENSIONS a BIFF8 sheet can truly have (65,536 x 256)
    // is within the limits and allocates nothing: it simply reads.
    let mut dims = Vec::new();
    dims.extend_from_slice(&0u32.to_le_bytes());
    dims.extend_from_slice(&65_536u32.to_le_bytes());
    dims.extend_from_slice(&0u16.to_le_bytes());
    dims.extend_from_slice(&256u16.to_le_bytes());
    dims.extend_from_slice(&0u16.to_le_bytes());
    let book = xls(
        "outages",
        &[],
        &["service"],
        &[
            rec(0x0200, &dims),
            label_sst(0, 0, 0),
            number(65_535, 0, 0, 2.5),
        ]
        .concat(),
    );
    let sheets = timed("xls 65536x256", || read_workbook_bytes("max.xls", &book)).unwrap();
    assert_eq!(sheets[0].header, ["service"]);
    assert_eq!(sheets[0].rows.len(), 65_535);
    assert_eq!(
        sheets[0].rows[65_534],
        (65_536, vec![Cell::Number("2.5".into())])
    );
    // An SST that claims four billion strings reserves nothing.
    let mut sst = Vec::new();
    sst.extend_from_slice(&4_000_000_000u32.to_le_bytes());
    sst.extend_from_slice(&4_000_000_000u32.to_le_bytes());
    sst.extend(xl_string("service"));
    let book = xls_raw(
        "outages",
        &rec(0x00FC, &sst),
        &[label_sst(0, 0, 0), label_sst(0, 1, 1)].concat(),
    );
    let sheets = timed("xls SST count", || read_workbook_bytes("sst.xls", &book)).unwrap();
    // The second label points past the table and, as in calamine, is
    // dropped.
    assert_eq!(sheets[0].header, ["service"]);
    // Not BIFF8, and not a workbook at all.
    let mut old = xls("outages", &[], &[], &[]);
    let at = find(&old, &[0x09, 0x08, 0x10, 0x00, 0x00, 0x06]).unwrap();
    old[at + 4..at + 6].copy_from_slice(&0x0500u16.to_le_bytes());
    let msg = workbook_err("old.xls", &old);
    assert_eq!(
        msg,
        "cannot read workbook old.xls: only Excel 97-2003 (BIFF8) .xls workbooks are read; this one is an older version (BIFF version 0x0500): save it as .xlsx"
    );
    // Sheets that all start at the same records would have the stream
    // read once per sheet.
    let mut twice = Vec::new();
    for i in 0..100 {
        let name = format!("s{i:02}");
        let mut d = 0u32.to_le_bytes().to_vec();
        d.extend_from_slice(&[0, 0, 3, 0]);
        d.extend_from_slice(name.as_bytes());
        twice.extend(rec(0x0085, &d));
    }
    let book = xls_raw("outages", &twice, &label_sst(0, 0, 0));
    assert_eq!(
        workbook_err("twice.xls", &book),
        "cannot read workbook twice.xls: sheet s02: its records overlap another sheet's"
    );
    let mut junk = b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1".to_vec();
    junk.extend(std::iter::repeat_n(0xAB, 5_000));
    let msg = workbook_err("junk.xls", &junk);
    assert!(
        msg.starts_with("cannot read workbook junk.xls: not a readable OLE compound file: "),
        "{msg}"
    );
}

#[test]
fn xml_declarations_and_shared_parts_are_refused() {
    let laughs = r#"<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]><worksheet><sheetData><row><c t="inlineStr"><is><t>&lol2;</t></is></c></row></sheetData></worksheet>"#;
    let bytes = xlsx("outages", laughs, &shared_xml(&[]));
    assert_eq!(
        workbook_err("lol.xlsx", &bytes),
        "cannot read workbook lol.xlsx: sheet outages: XML declarations such as <!DOCTYPE> are not allowed in a workbook"
    );
    // A thousand sheets all naming the same 100 KB part would make it read
    // a thousand times.
    let sheets: String = (0..1_000)
        .map(|i| format!(r#"<sheet name="s{i}" sheetId="{i}" r:id="rId1"/>"#))
        .collect();
    let workbook = format!(
        r#"<workbook xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>{sheets}</sheets></workbook>"#
    );
    let rows: String = (1..3000)
        .map(|r| format!("<row r=\"{r}\"><c r=\"A{r}\"><v>{r}</v></c></row>"))
        .collect();
    let mut parts = xlsx_parts(
        "x",
        sheet_xml(None, &rows).as_bytes(),
        shared_xml(&[]).as_bytes(),
        false,
    );
    parts[2].1 = workbook.into_bytes();
    let refs: Vec<(&str, &[u8])> = parts
        .iter()
        .map(|(n, d)| (n.as_str(), d.as_slice()))
        .collect();
    assert_eq!(
        workbook_err("same.xlsx", &zip(&refs)),
        "cannot read workbook same.xlsx: sheet `s1`: its part xl/worksheets/sheet1.xml is another sheet's"
    );
}

#[test]
fn garbage_never_panics() {
    // Every prefix of real workbooks, and single-byte damage all over
    // them: any result but a panic is fine.
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../../fixtures/cases");
    let mut books = vec![
        std::fs::read(format!("{root}/workbook-xlsx-new-york/events.xlsx")).unwrap(),
        std::fs::read(format!("{root}/workbook-ods-london/events.ods")).unwrap(),
        std::fs::read(format!("{root}/workbook-xls-new-york/events.xls")).unwrap(),
    ];
    books.push(xls(
        "outages",
        &xf(22),
        &["a", "b"],
        &[label_sst(0, 0, 0), number(1, 0, 0, 46000.0)].concat(),
    ));
    let t = std::time::Instant::now();
    let mut n = 0;
    for book in &books {
        let step = (book.len() / 150).max(1);
        for cut in (0..book.len()).step_by(step) {
            let _ = read_workbook_bytes("g", &book[..cut]);
            let mut damaged = book.clone();
            damaged[cut] ^= 0xFF;
            let _ = read_workbook_bytes("g", &damaged);
            let mut zeroed = book.clone();
            for b in zeroed.iter_mut().skip(cut).take(64) {
                *b = 0;
            }
            let _ = read_workbook_bytes("g", &zeroed);
            n += 3;
        }
    }
    eprintln!(
        "[timing] {n} damaged workbooks: {:.1} ms",
        t.elapsed().as_secs_f64() * 1000.0
    );
    for csv in [
        &b"\xEF\xBB\xBFservice,start\n\"unterminated"[..],
        b"a,\"b\nc",
        b"\xEF\xBB",
        b"\"",
        b",,,\r\r\n",
    ] {
        let _ = read_csv_bytes("g.csv", Kind::Outages, csv);
    }
}

fn sep(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}
