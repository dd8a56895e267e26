//! Issue 15: "Read sheets" counts a file's rows without keeping them, and
//! says what reading every sheet whole says: the same sheets, headers, row
//! counts and guessed readings, or the same error.

mod common;

use common::*;
use sla_import::{inspect, inspect_whole};
use std::path::{Path, PathBuf};

fn spreadsheets(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            spreadsheets(&p, out);
        } else if p
            .extension()
            .is_some_and(|x| ["csv", "xlsx", "ods", "xls"].contains(&x.to_str().unwrap_or("")))
        {
            out.push(p);
        }
    }
}

fn same(path: &str) {
    let fmt = |r: Result<Vec<sla_import::SheetInfo>, sla_import::ImportError>| match r {
        Ok(v) => format!("{v:?}"),
        Err(e) => format!("error: {e}"),
    };
    assert_eq!(fmt(inspect(path)), fmt(inspect_whole(path)), "{path}");
}

#[test]
fn issue15_every_fixture_spreadsheet_is_surveyed_as_read_whole() {
    let mut files = Vec::new();
    spreadsheets(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures"),
        &mut files,
    );
    assert!(files.len() > 40, "{}", files.len());
    for f in files {
        same(&f.display().to_string());
    }
}

#[test]
fn issue15_odd_layouts_are_surveyed_as_read_whole() {
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, bytes: &[u8]| {
        let p = dir.path().join(name);
        std::fs::write(&p, bytes).unwrap();
        p.display().to_string()
    };
    let sheets = [
        // The header is not on the first row; empty rows; a wider row.
        format!(
            "<row r=\"3\">{}{}</row><row r=\"5\"><c r=\"A5\"><v>1</v></c><c r=\"D5\"><v>2</v></c></row><row r=\"9\"><c r=\"B9\" t=\"inlineStr\"><is><t></t></is></c></row>",
            istr("A3", "service"),
            istr("B3", "start")
        ),
        // Rows out of order: the header is the lowest row, written last.
        format!(
            "<row r=\"7\"><c r=\"A7\"><v>7</v></c></row><row r=\"4\"><c r=\"C4\"><v>4</v></c></row><row r=\"2\">{}</row><row r=\"2\">{}</row>",
            istr("A2", "end"),
            istr("B2", "impact")
        ),
        // Nothing at all, and only empty cells.
        String::new(),
        "<row r=\"1\"><c r=\"A1\"/><c r=\"B1\"><v></v></c></row>".to_string(),
        // A shape the fast reader gives up on.
        format!("<row r=\"1\">{}<!-- x --></row><row r=\"40\"><c r=\"A40\"><v>1</v></c></row>", istr("A1", "service")),
    ];
    for (i, rows) in sheets.iter().enumerate() {
        let f = write(
            &format!("odd-{i}.xlsx"),
            &xlsx("outages", &sheet_xml(None, rows), &shared_xml(&[])),
        );
        same(&f);
    }
    // A large CSV, and one of blank lines only.
    let mut csv = String::from("service,start,end\n");
    for i in 0..25_000 {
        csv += &format!(
            "api,2026-09-03T10:{:02}:00Z,2026-09-03T10:{:02}:30Z\n",
            i % 60,
            i % 60
        );
    }
    same(&write("big.csv", csv.as_bytes()));
    same(&write("blank.csv", b"\n \n"));
    let info = inspect(&dir.path().join("big.csv").display().to_string()).unwrap();
    assert_eq!((info[0].name.as_str(), info[0].rows), ("big", 25_000));

    // A workbook the fast reader gives up on near its end is read again:
    // its rows are counted again from where it began, not on top of the
    // first count (which said 30,000 and 40,000 of 25,000 rows).
    let mut rows = String::new();
    for i in 1..=25_000 {
        rows += &format!("<row r=\"{i}\"><c r=\"A{i}\"><v>{i}</v></c></row>");
    }
    rows += "<!-- the event reader's -->";
    let f = write(
        "given-up.xlsx",
        &xlsx("outages", &sheet_xml(None, &rows), &shared_xml(&[])),
    );
    let mut seen = Vec::new();
    let info = sla_import::inspect_until(&f, &mut |n| {
        seen.push(n);
        true
    })
    .unwrap();
    assert_eq!(seen, [10_000, 20_000, 10_000, 20_000]);
    assert_eq!(info[0].rows, 24_999);
}
