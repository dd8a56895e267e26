//! Issue 15: the fast worksheet reader reads the plain shape spreadsheet
//! programs write, gives up on anything else, and whatever it reads is
//! what the event reader reads: the same cells, and a whole import the
//! same events, errors and warnings, however far into a sheet it gives up.

mod common;

use common::*;
use sla_engine::Terms;
use sla_import::{read_file, set_xlsx_fast_reader, xlsx_sheet_agrees, Kind};

const PREFIX: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:x14ac="http://schemas.microsoft.com/office/spreadsheetml/2009/9/ac"><dimension ref="A1:G9"/><sheetViews><sheetView workbookViewId="0"/></sheetViews><sheetData>"#;
const SUFFIX: &str = r#"</sheetData><pageMargins left="0.7"/></worksheet>"#;

fn part(rows: &str) -> String {
    format!("{PREFIX}{rows}{SUFFIX}")
}

/// Whether the fast reader read `rows` itself; panics when the two
/// readers differ.
fn fast(rows: &str) -> bool {
    let xml = part(rows);
    match xlsx_sheet_agrees(xml.as_bytes()) {
        Ok(read) => read,
        Err(e) => panic!("{rows}\n{e}"),
    }
}

#[test]
fn issue15_the_plain_shapes_are_read_fast_and_as_the_event_reader_reads_them() {
    let plain = [
        // What rust_xlsxwriter, Excel and LibreOffice write.
        r#"<row r="1"><c r="A1" t="inlineStr"><is><t>service</t></is></c><c r="B1" s="1"><v>46023.02993055555</v></c><c r="C1"><v>0.5</v></c></row>"#,
        r#"<row r="1" spans="1:3" x14ac:dyDescent="0.25"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>"#,
        r#"<row r="2"><c r="A2" t="b"><v>1</v></c><c r="B2" t="e"><v>#N/A</v></c><c r="C2" t="str"><f>A1&amp;"x"</f><v>ax</v></c></row>"#,
        r#"<row r="3"><c r="A3" t="inlineStr"><is><t xml:space="preserve">  kept  </t></is></c><c r="B3" t="inlineStr"><is><t>  trimmed  </t></is></c></row>"#,
        r#"<row r="4"><c r="A4" t="inlineStr"><is><t>a_x000D_b é 😀</t></is></c><c r="B4" t="d"><v>2026-10-01T12:00:00</v></c></row>"#,
        // Self-closed and empty elements, no positions, white space, quotes.
        r#"<row r="5"/><row><c/><c t="inlineStr"><is/></c><c><v/></c><c><v></v></c><c t="str"><v></v></c></row>"#,
        "<row r='7' >\n  <c r='A7' s='2' ><v>1.25</v></c>\n</row >\n",
        r#"<row r="8"><c r="A8"><v>text, not a number</v></c><c r="B8" s="3"><v>0.75</v></c><c r="C8"><f/><v>2</v></c><c r="D8"><v>3</v><f>1+2</f></c></row>"#,
        // Rows out of order, a cell with no row around it.
        r#"<row r="9"><c r="A9"><v>9</v></c></row><row r="3"><c r="B3"><v>3</v></c></row><c r="C20"><v>20</v></c>"#,
        "",
    ];
    for rows in plain {
        assert!(fast(rows), "the fast reader gave up on {rows}");
    }
}

#[test]
fn issue15_the_fast_reader_gives_up_on_anything_else_and_the_event_reader_decides() {
    let other = [
        r#"<row r="1"><c r="A1" t="inlineStr"><is><t>A &amp; B</t></is></c></row>"#,
        r#"<row r="1"><c r="A1" t="inlineStr"><is><r><t>rich</t></r><r><t> text</t></r></is></c></row>"#,
        r#"<row r="1"><!-- a comment --><c r="A1"><v>1</v></c></row>"#,
        r#"<row r="1"><c r="A1" t="str"><v><![CDATA[x]]></v></c></row>"#,
        r#"<x:row r="1"><x:c r="A1"><x:v>1</x:v></x:c></x:row>"#,
        r#"<row r="1"><c r="A1"><v>1</v></c><extra/></row>"#,
        r#"<row r="1"><c r="A1" t="str"><v>a&#13;b</v></c></row>"#,
        "<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>a\r\nb</t></is></c></row>",
        r#"<row r="1"><c r = "A1"><v>1</v></c></row>"#,
        r#"<row r="1"><c r="A1"r2="x"><v>1</v></c></row>"#,
        // Errors: the event reader's, word for word.
        r#"<row r="1"><c r="A1" t="s"><v>7</v></c></row>"#,
        r#"<row r="1"><c r="A1" t="b"><v>maybe</v></c></row>"#,
        r#"<row r="1"><c r="ZZZZ1"><v>1</v></c></row>"#,
        r#"<row r="x"><c><v>1</v></c></row>"#,
        r#"<row r="1"><c r="1A"><v>1</v></c></row>"#,
        r#"<row r="1"><c r="A1" t="q"><v>1</v></c></row>"#,
        r#"<row r="1"><c r="A1"><v>1</v><v>2</v></c></row>"#,
        r#"<row r="1"><c r="A1"><v>1</v>"#,
        // Found by fuzzing: end tags that close more than is open (the
        // event reader refuses them), and a row left open.
        r#"<c r="A4"><v>1</v></c></row>"#,
        r#"<row r="1"><c r="A1"><v>1</v></c><row r="2"></row>"#,
    ];
    for rows in other {
        assert!(!fast(rows), "the fast reader read {rows}");
    }
    // A document cut anywhere, and one with bytes that are not UTF-8.
    let xml = part(other[0]);
    for cut in 0..xml.len() {
        assert_eq!(
            xlsx_sheet_agrees(&xml.as_bytes()[..cut]).map(|_| ()),
            Ok(())
        );
    }
    let mut bad = part(r#"<row r="1"><c r="A1"><v>1</v></c></row>"#).into_bytes();
    let at = bad.len() - SUFFIX.len() - 10;
    bad[at] = 0xff;
    assert_eq!(xlsx_sheet_agrees(&bad), Ok(false));
}

#[test]
fn issue15_the_fast_reader_reads_the_part_as_the_event_reader_does() {
    // Found by an attacker's review: a declaration after `</sheetData>`,
    // in the event reader's next 64 KiB read, is refused by the run guard
    // there; the fast reader read on, unguarded, in larger reads, and
    // accepted it. Both now read the same bytes through the guard.
    let row = r#"<row><c t="inlineStr"><is><t>padding padding padding</t></is></c></row>"#;
    let rows = row.repeat(70_000 / row.len() + 1);
    for tail in ["<!DOCTYPE x>", "<!-- fine -->"] {
        let xml = format!("{PREFIX}{rows}</sheetData>{tail}</worksheet>");
        assert!(xml.len() > 64 * 1024);
        assert_eq!(
            xlsx_sheet_agrees(xml.as_bytes()).map(|_| ()),
            Ok(()),
            "{tail}"
        );
    }
}

/// A small deterministic generator (no dependency): cells of every shape
/// above, plain and not, in rows in and out of order.
struct Gen(u64);

impl Gen {
    fn next(&mut self, n: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((self.0 >> 33) % n as u64) as usize
    }

    fn pick<'a>(&mut self, from: &[&'a str]) -> &'a str {
        from[self.next(from.len())]
    }

    fn cell(&mut self, row: usize, col: usize) -> String {
        let r = match self.next(6) {
            0 => String::new(),
            1 => " r=\"ZZ9\"".into(),
            _ => format!(" r=\"{}{row}\"", (b'A' + col as u8) as char),
        };
        let s = self.pick(&[
            "", " s=\"0\"", " s=\"1\"", " s=\"2\"", " s=\"9\"", " s=\"x\"",
        ]);
        let t = self.pick(&[
            "",
            "",
            " t=\"n\"",
            " t=\"s\"",
            " t=\"b\"",
            " t=\"e\"",
            " t=\"str\"",
            " t=\"d\"",
            " t=\"inlineStr\"",
            " t=\"zz\"",
        ]);
        let text = self.pick(&[
            "1",
            "0",
            "46023.5",
            "-2.5e3",
            "TRUE",
            "#N/A",
            "#DIV/0!",
            "2026-10-01",
            "abc",
            " 7 ",
            "",
            "x_x0041_y",
            "é😀",
            "a&amp;b",
            "a\r\nb",
            "3",
        ]);
        let body = match self.next(9) {
            0 => return format!("<c{r}{s}{t}/>"),
            1 => format!("<is><t>{text}</t></is>"),
            2 => format!("<is><t xml:space=\"preserve\"> {text} </t></is>"),
            3 => format!("<f>SUM(A1:B2)</f><v>{text}</v>"),
            4 => format!("<v>{text}</v><f/>"),
            5 => "<is><r><t>a</t></r></is>".into(),
            6 => format!("<v>{text}</v><!--c-->"),
            _ => format!("<v>{text}</v>"),
        };
        format!("<c{r}{s}{t}>{body}</c>")
    }

    fn rows(&mut self) -> String {
        let mut out = String::new();
        for i in 0..self.next(8) {
            let row = if self.next(10) == 0 { 1 } else { i + 1 };
            let open = self.next(12);
            out += &match open {
                0 => format!("<row r=\"{row}\"/>"),
                1 => "<row>".into(),
                _ => format!("<row r=\"{row}\" spans=\"1:4\">"),
            };
            for col in 0..self.next(5) {
                out += &self.cell(row, col);
            }
            if open != 0 {
                out += "</row>";
            }
        }
        out
    }
}

#[test]
fn issue15_the_fast_reader_and_the_event_reader_agree_on_generated_sheets() {
    let mut gen = Gen(15);
    let (mut read, mut cases) = (0, 0);
    for _ in 0..4_000 {
        let rows = gen.rows();
        let xml = part(&rows);
        cases += 1;
        match xlsx_sheet_agrees(xml.as_bytes()) {
            Ok(true) => read += 1,
            Ok(false) => {}
            Err(e) => panic!("{rows}\n{e}"),
        }
        // One byte changed, anywhere in the sheet data.
        let mut bytes = xml.clone().into_bytes();
        let at = PREFIX.len() + gen.next(rows.len().max(1));
        let with = [b'<', b'>', b'/', b'"', b'&', b' ', b'1', b'A', 0xc3][gen.next(9)];
        if let Some(b) = bytes.get_mut(at) {
            *b = with;
        }
        cases += 1;
        if let Err(e) = xlsx_sheet_agrees(&bytes) {
            panic!("{}\n{e}", String::from_utf8_lossy(&bytes));
        }
    }
    // Both sides of the line are exercised.
    assert!(read > 500 && read < 3_500, "{read} of {cases} read fast");
}

fn terms() -> Terms {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../fixtures/cases/spec-s6-full-example/terms.toml"
    );
    Terms::parse(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// A workbook of `n` outage rows, wide enough to cross the fast reader's
/// window many times, with multi-byte text in every row; `misspelt`: a
/// service misspelt every 1,000 rows; `odd` replaces a row's cause with a
/// shape the fast reader gives up on.
fn outages(n: usize, misspelt: bool, odd: Option<(usize, &str)>) -> Vec<u8> {
    let mut rows = String::from("<row r=\"1\">");
    for (i, h) in [
        "service", "start", "end", "impact", "cause", "source", "ref",
    ]
    .iter()
    .enumerate()
    {
        rows += &istr(&format!("{}1", (b'A' + i as u8) as char), h);
    }
    rows += "</row>";
    for i in 2..n + 2 {
        let cause = match odd {
            Some((row, cause)) if row == i => cause.to_string(),
            _ => istr(
                &format!("E{i}"),
                if i % 7 == 0 { "customer" } else { "internal" },
            ),
        };
        rows += &format!(
            r#"<row r="{i}">{}<c r="B{i}" s="2"><v>{}</v></c><c r="C{i}" s="2"><v>{}</v></c><c r="D{i}"><v>{}</v></c>{cause}{}{}</row>"#,
            istr(
                &format!("A{i}"),
                if misspelt && i % 1000 == 999 {
                    "cmpute"
                } else {
                    "compute"
                }
            ),
            46296.0 + (i % 500) as f64 / 17.0,
            46296.0 + (i % 500) as f64 / 17.0 + 0.01,
            if i % 5 == 0 { "0.5" } else { "1" },
            istr(&format!("F{i}"), "Überwachung – synthetic ✓"),
            istr(&format!("G{i}"), &format!("INC-{i}")),
        );
    }
    xlsx("outages", &sheet_xml(None, &rows), &shared_xml(&[]))
}

fn import(bytes: &[u8], fast: bool) -> String {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("book.xlsx");
    std::fs::write(&path, bytes).unwrap();
    set_xlsx_fast_reader(fast);
    let got = read_file(&path.display().to_string(), Some(Kind::Outages), &terms());
    set_xlsx_fast_reader(true);
    format!("{got:?}").replace(&dir.path().display().to_string(), "")
}

#[test]
fn issue15_an_import_is_the_same_with_the_fast_reader_wherever_it_gives_up() {
    let n = 6_000;
    let good = outages(n, false, None);
    let with_fast = import(&good, true);
    assert_eq!(with_fast, import(&good, false));
    assert!(with_fast.starts_with("Ok(") && with_fast.contains("INC-6001"));
    // Row errors (a misspelt service every 1,000 rows), all of them.
    let misspelt = outages(n, true, None);
    let with_fast = import(&misspelt, true);
    assert_eq!(with_fast, import(&misspelt, false));
    assert_eq!(with_fast.matches("unknown service `cmpute`").count(), 6);
    // Giving up near the end: the rows and errors already handed on are
    // taken back.
    for odd in [
        r#"<c r="E5990" t="inlineStr"><is><t>customer &amp; vendor</t></is></c>"#,
        r#"<c r="E5990" t="s"><v>99</v></c>"#,
        r#"<c r="ZZZZ5990"><v>1</v></c>"#,
    ] {
        for misspelt in [false, true] {
            let book = outages(n, misspelt, Some((5_990, odd)));
            assert_eq!(import(&book, true), import(&book, false), "{odd}");
        }
    }
}
