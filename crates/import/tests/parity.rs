//! The bounded readers against calamine (the reader they replaced): every
//! workbook in `fixtures/` must read to the same sheets, header rows,
//! headers, row numbers and cells. The one intended difference in layout:
//! calamine pads every row with empty cells to the widest row, the bounded
//! readers stop a row at its last cell that holds a value, so trailing
//! empty cells are trimmed before comparing.
//!
//! `SLA_IMPORT_PARITY_DIRS` (colon-separated folders) adds more workbooks to
//! the comparison for a one-off run on a wider corpus.

mod common;

use calamine::{open_workbook_auto, Data, Reader};
use chrono::NaiveDateTime;
use sla_import::{read_workbook_bytes, Cell, RawSheet};
use std::path::{Path, PathBuf};

/// The reader as it was before the bounded readers (calamine, densely).
fn calamine_sheets(path: &Path) -> Vec<RawSheet> {
    let mut book = open_workbook_auto(path).unwrap();
    let mut out = Vec::new();
    for name in book.sheet_names() {
        let range = book.worksheet_range(&name).unwrap();
        let (row0, col0) = range.start().unwrap_or((0, 0));
        let mut header = None;
        let mut rows = Vec::new();
        for (i, r) in range.rows().enumerate() {
            let number = row0 + i as u32 + 1;
            let mut cells: Vec<Cell> = vec![Cell::Empty; col0 as usize];
            cells.extend(r.iter().map(|d| match d {
                Data::Empty => Cell::Empty,
                Data::String(s) => Cell::Text(s.clone()),
                Data::Float(f) => Cell::Number(format!("{f}")),
                Data::Int(n) => Cell::Number(n.to_string()),
                Data::Bool(b) => Cell::Text(b.to_string()),
                Data::DateTime(dt) => match dt.as_datetime() {
                    Some(n) if dt.is_datetime() => Cell::DateTime(n),
                    _ => Cell::Number(format!("{}", dt.as_f64())),
                },
                Data::DateTimeIso(s) => {
                    match NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S%.f") {
                        Ok(n) => Cell::DateTime(n),
                        Err(_) => Cell::Text(s.replace('T', " ")),
                    }
                }
                Data::DurationIso(s) => Cell::Text(s.clone()),
                Data::Error(e) => Cell::Text(format!("#{e:?}")),
            }));
            match header {
                None => {
                    header = Some((number, cells.iter().map(Cell::as_text).collect::<Vec<_>>()))
                }
                Some(_) => rows.push((number, cells)),
            }
        }
        let (header_row, header) = header.unwrap_or((1, Vec::new()));
        out.push(RawSheet {
            file: String::new(),
            name,
            header_row,
            header,
            rows,
        });
    }
    out
}

fn trimmed(rows: &[(u32, Vec<Cell>)]) -> Vec<(u32, Vec<Cell>)> {
    rows.iter()
        .map(|(n, cells)| {
            let keep = cells
                .iter()
                .rposition(|c| !matches!(c, Cell::Empty))
                .map_or(0, |i| i + 1);
            (*n, cells[..keep].to_vec())
        })
        .collect()
}

fn workbooks(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            workbooks(&p, out);
        } else if matches!(
            p.extension().and_then(|x| x.to_str()),
            Some("xlsx" | "xls" | "ods")
        ) {
            out.push(p);
        }
    }
}

/// Compares one workbook; returns the number of cells compared.
fn compare(path: &Path) -> usize {
    let bytes = std::fs::read(path).unwrap();
    let ours = read_workbook_bytes(&path.display().to_string(), &bytes)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let theirs = calamine_sheets(path);
    let names = |s: &[RawSheet]| s.iter().map(|s| s.name.clone()).collect::<Vec<_>>();
    assert_eq!(
        names(&ours),
        names(&theirs),
        "{}: sheet names",
        path.display()
    );
    let mut cells = 0;
    for (a, b) in ours.iter().zip(&theirs) {
        let at = format!("{} sheet {}", path.display(), a.name);
        assert_eq!(a.header_row, b.header_row, "{at}: header row");
        assert_eq!(a.header, b.header, "{at}: header");
        assert_eq!(trimmed(&a.rows), trimmed(&b.rows), "{at}: rows");
        assert_eq!(a.file, path.display().to_string());
        cells += a.header.len() + a.rows.iter().map(|r| r.1.len()).sum::<usize>();
    }
    cells
}

#[test]
fn every_fixture_workbook_reads_as_calamine_read_it() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures");
    let mut files = Vec::new();
    workbooks(&root, &mut files);
    files.sort();
    let kinds: Vec<&str> = files
        .iter()
        .filter_map(|p| p.extension().and_then(|x| x.to_str()))
        .collect();
    // The fixtures hold all three formats; a test that compared nothing
    // would prove nothing.
    for ext in ["xlsx", "xls", "ods"] {
        assert!(
            kinds.contains(&ext),
            "no {ext} fixture found under {}",
            root.display()
        );
    }
    let mut cells = 0;
    for f in &files {
        cells += compare(f);
    }
    assert!(cells > 50, "only {cells} cells compared");
}

#[test]
fn extra_workbooks_read_as_calamine_read_them() {
    let Ok(dirs) = std::env::var("SLA_IMPORT_PARITY_DIRS") else {
        return;
    };
    let mut files = Vec::new();
    for d in dirs.split(':').filter(|d| !d.is_empty()) {
        workbooks(Path::new(d), &mut files);
    }
    files.sort();
    let (mut cells, mut compared) = (0, 0);
    for f in &files {
        // Files that either reader refuses (damaged on purpose by other
        // tests, say) are listed, not compared.
        let theirs = std::panic::catch_unwind(|| calamine_sheets(f)).is_ok();
        let ours = read_workbook_bytes("x", &std::fs::read(f).unwrap());
        match (theirs, &ours) {
            (true, Ok(_)) => {
                cells += compare(f);
                compared += 1;
            }
            (t, o) => eprintln!(
                "skipped {}: calamine ok {t}, ours {:?}",
                f.display(),
                o.as_ref().err().map(|e| e.to_string())
            ),
        }
    }
    eprintln!(
        "compared {compared} of {} workbooks, {cells} cells",
        files.len()
    );
}

/// The fixtures' values themselves, so that parity with calamine is not
/// parity with a reader that reads nothing.
#[test]
fn fixture_values_are_the_expected_ones() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/cases");
    let dt =
        |s: &str| Cell::DateTime(NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S%.f").unwrap());
    for book in [
        "workbook-xlsx-new-york/events.xlsx",
        "workbook-xls-new-york/events.xls",
    ] {
        let p = root.join(book);
        let sheets = read_workbook_bytes("events", &std::fs::read(&p).unwrap()).unwrap();
        let names: Vec<&str> = sheets.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(
            names,
            ["Outages", "Maintenance", "INCIDENTS", "Notes"],
            "{book}"
        );
        let o = &sheets[0];
        assert_eq!(
            o.header,
            ["Start", "END", "Service", "Impact", "Cause", "Notes", "Ref"],
            "{book}"
        );
        assert_eq!(o.rows[0].0, 2);
        assert_eq!(o.rows[0].1[0], dt("2026-10-05 09:00:00"), "{book}");
        assert_eq!(o.rows[0].1[3], Cell::Number("1".into()), "{book}");
        assert!(
            o.rows[1].1.iter().all(Cell::is_empty),
            "{book}: row 3 is empty"
        );
        assert_eq!(o.rows[2].1[3], Cell::Number("0.1".into()), "{book}");
        assert_eq!(
            o.rows[3].1[0],
            Cell::Text("2026-10-07T08:00:00Z".into()),
            "{book}"
        );
        assert_eq!(o.rows[4].1[0], dt("2026-10-08 10:00:00.600"), "{book}");
    }
    let ods = read_workbook_bytes(
        "e.ods",
        &std::fs::read(root.join("workbook-ods-london/events.ods")).unwrap(),
    )
    .unwrap();
    assert_eq!(ods[0].name, "OUTAGES");
    assert_eq!(ods[0].header, ["service", "start", "end", "impact"]);
    assert_eq!(
        ods[0].rows[1].1,
        vec![
            Cell::Text("api".into()),
            dt("2026-10-10 12:00:00"),
            dt("2026-10-10 12:45:00"),
            Cell::Number("0.25".into())
        ]
    );
    // A sheet with a header and no rows.
    assert_eq!(ods[1].name, "maintenance");
    assert_eq!(ods[1].header, ["service", "start", "end", "notified_at"]);
    assert!(ods[1].rows.is_empty());
}

/// `SLA_IMPORT_DUMP=file cargo test -p sla-import --test parity dump --
/// --nocapture` prints what the bounded readers make of a workbook.
#[test]
fn dump() {
    let Ok(path) = std::env::var("SLA_IMPORT_DUMP") else {
        return;
    };
    let read = if path.ends_with(".csv") {
        sla_import::read_csv_bytes(
            &path,
            sla_import::Kind::Outages,
            &std::fs::read(&path).unwrap(),
        )
        .map(|s| s.into_iter().collect())
    } else {
        read_workbook_bytes(&path, &std::fs::read(&path).unwrap())
    };
    match read {
        Ok(sheets) => {
            for s in sheets {
                eprintln!(
                    "sheet {:?} header row {}: {:?}",
                    s.name, s.header_row, s.header
                );
                for (n, cells) in s.rows.iter().take(50) {
                    eprintln!("  {n}: {cells:?}");
                }
            }
        }
        Err(e) => eprintln!("{e}"),
    }
}

/// Writes `bytes` to a temporary file named `name` and compares.
fn compare_bytes(name: &str, bytes: &[u8]) -> usize {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join(name);
    std::fs::write(&p, bytes).unwrap();
    compare(&p)
}

/// Every kind of xlsx cell value, against calamine.
#[test]
fn synthetic_xlsx_cells_read_as_calamine_reads_them() {
    use common::*;
    let shared = r#"<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="5" uniqueCount="5"><si><t>service</t></si><si><r><rPr><b/></rPr><t xml:space="preserve">sta</t></r><r><t>rt</t></r><rPh sb="0" eb="1"><t>ph</t></rPh></si><si><t> trimmed &amp; escaped_x000D_ </t></si><si><t xml:space="preserve"> kept </t></si><si><t/></si></sst>"#;
    let rows = [
        r#"<row r="2"><c r="B2" t="s"><v>0</v></c><c r="C2" t="s"><v>1</v></c><c r="D2" t="s"><v>2</v></c><c r="E2" t="s"><v>3</v></c><c r="F2" t="s"><v>4</v></c></row>"#,
        r#"<row r="3"><c r="B3" s="1"><v>46000</v></c><c r="C3" s="2"><v>46000.7500057</v></c><c r="D3" s="3"><v>1.5</v></c><c r="E3" s="4"><v>3.25</v></c><c r="F3" s="5"><v>0.1</v></c><c r="G3" t="b"><v>1</v></c><c r="H3" t="e"><v>#N/A</v></c><c r="I3" s="9"><v>46000</v></c></row>"#,
        r#"<row r="4"><c r="B4" t="str"><v>a_x000D_b &amp; c</v></c><c r="C4" t="d"><v>2026-10-05T09:00:00</v></c><c r="D4" t="inlineStr"><is><r><t>in</t></r><r><t>line</t></r></is></c><c r="E4"><f>SUM(B3)</f><v>46000</v></c><c><v>7</v></c><c t="s"><v></v></c><c r="I4" t="n"><v></v></c><c r="J4"><v>abc</v></c></row>"#,
        r#"<row r="6"><c r="C6" t="b"><v>false</v></c><c r="D6" t="e"><v>#DIV/0!</v></c><c r="E6"><v>-0.000001</v></c><c r="F6"><v>12345678901234567890</v></c><c r="G6" t="str"><f>"x"</f><v>x</v></c></row>"#,
        r#"<row><c><v>1</v></c><c r="C7"><v>2</v></c></row>"#,
    ]
    .concat();
    let mut cells = 0;
    for date1904 in [false, true] {
        let book = xlsx_with(
            "Outages",
            &sheet_xml(Some("B2:J7"), &rows),
            shared,
            date1904,
        );
        cells += compare_bytes("synthetic.xlsx", &book);
    }
    assert!(cells > 40, "{cells}");
}

fn formula(row: u16, col: u16, xf: u16, value: [u8; 8]) -> Vec<u8> {
    let mut d = Vec::new();
    for x in [row, col, xf] {
        d.extend_from_slice(&x.to_le_bytes());
    }
    d.extend_from_slice(&value);
    d.extend_from_slice(&[0u8; 6]);
    d.extend_from_slice(&0u16.to_le_bytes());
    common::rec(0x0006, &d)
}

fn rk(row: u16, col: u16, xf: u16, rk: u32) -> Vec<u8> {
    let mut d = Vec::new();
    for x in [row, col, xf] {
        d.extend_from_slice(&x.to_le_bytes());
    }
    d.extend_from_slice(&rk.to_le_bytes());
    common::rec(0x027E, &d)
}

/// Every kind of xls cell record, against calamine.
#[test]
fn synthetic_xls_cells_read_as_calamine_reads_them() {
    use common::*;
    let mut format = 164u16.to_le_bytes().to_vec();
    format.extend(xl_string("yyyy-mm-dd hh:mm"));
    let globals = [
        rec(0x041E, &format),
        xf(0),
        xf(14),
        xf(22),
        xf(46),
        xf(164),
        xf(10),
    ]
    .concat();
    let mut mulrk = Vec::new();
    for x in [4u16, 1] {
        mulrk.extend_from_slice(&x.to_le_bytes());
    }
    for (xf_i, v) in [
        (0u16, (250u32 << 2) | 2),
        (1, (46000 << 2) | 2),
        (5, (1234 << 2) | 3),
    ] {
        mulrk.extend_from_slice(&xf_i.to_le_bytes());
        mulrk.extend_from_slice(&v.to_le_bytes());
    }
    mulrk.extend_from_slice(&3u16.to_le_bytes());
    let mut label = Vec::new();
    for x in [5u16, 1, 0] {
        label.extend_from_slice(&x.to_le_bytes());
    }
    label.extend(xl_string("label text"));
    let boolerr = |row: u16, col: u16, v: u8, kind: u8| {
        let mut d = Vec::new();
        for x in [row, col, 0] {
            d.extend_from_slice(&x.to_le_bytes());
        }
        d.extend_from_slice(&[v, kind]);
        rec(0x0205, &d)
    };
    let records = [
        label_sst(1, 1, 0),
        label_sst(1, 2, 1),
        label_sst(1, 3, 2),
        number(2, 1, 1, 46000.0),
        number(2, 2, 2, 46000.7500057),
        number(2, 3, 3, 1.5),
        number(2, 4, 4, 46000.25),
        number(2, 5, 5, 0.125),
        number(2, 6, 0, -0.1),
        number(2, 7, 99, 46000.0),
        rk(3, 1, 0, 0x3FF0_0000),
        rk(3, 2, 0, (((-7i32) << 2) as u32) | 2),
        rk(3, 3, 2, (46000 << 2) | 2),
        rk(3, 4, 0, (1_999 << 2) | 3),
        rec(0x00BD, &mulrk),
        rec(0x0204, &label),
        boolerr(6, 1, 1, 0),
        boolerr(6, 2, 0x07, 1),
        formula(7, 1, 0, 3.5f64.to_le_bytes()),
        formula(7, 2, 0, [0, 0, 0, 0, 0, 0, 0xFF, 0xFF]),
        rec(0x0207, &xl_string("from a formula")),
        formula(7, 3, 0, [1, 0, 1, 0, 0, 0, 0xFF, 0xFF]),
        formula(7, 4, 0, [2, 0, 0x2A, 0, 0, 0, 0xFF, 0xFF]),
        formula(7, 5, 0, [3, 0, 0, 0, 0, 0, 0xFF, 0xFF]),
        formula(7, 6, 2, 46000.5f64.to_le_bytes()),
        label_sst(9, 0, 3),
    ]
    .concat();
    let strings = ["service", "start", "end", "ünïcode ✓"];
    let mut cells = 0;
    for date1904 in [false, true] {
        let mut g = globals.clone();
        if date1904 {
            g.extend(rec(0x0022, &1u16.to_le_bytes()));
        }
        cells += compare_bytes("synthetic.xls", &xls("Outages", &g, &strings, &records));
    }
    assert!(cells > 30, "{cells}");
}
