//! Issue 15: sheets are checked row by row as they are read, and the
//! result is the one reading them whole gave: the same events in the same
//! order, the same errors and warnings, whatever the format and however
//! the rows are laid out.

mod common;

use common::*;
use sla_engine::Terms;
use sla_import::{read_file, ImportError, Imported, Kind};

fn terms() -> Terms {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../fixtures/cases/spec-s6-full-example/terms.toml"
    );
    Terms::parse(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// Imports `bytes` as `name`; the result with the folder left out of
/// messages, and the file name left out of the rows' origins (the same
/// rows from two files compare equal).
fn import(name: &str, bytes: &[u8]) -> Result<Vec<String>, Vec<String>> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    std::fs::write(&path, bytes).unwrap();
    let p = path.display().to_string();
    let strip = |s: String| s.replace(&format!("{}/", dir.path().display()), "");
    match read_file(&p, Some(Kind::Outages), &terms()) {
        Ok(Imported { events, warnings }) => {
            let mut out: Vec<String> = events
                .outages
                .iter()
                .map(|o| {
                    format!(
                        "{} {} {:?} {} {} {} {} {}:{}",
                        o.service,
                        o.start,
                        o.end,
                        o.impact,
                        o.cause,
                        o.source,
                        o.reference,
                        o.origin.sheet,
                        o.origin.row
                    )
                })
                .collect();
            out.extend(warnings.into_iter().map(strip));
            Ok(out)
        }
        Err(ImportError::Rows(rows)) => Err(rows.iter().map(|e| strip(e.to_string())).collect()),
        Err(e) => Err(vec![strip(e.to_string())]),
    }
}

const HEADER: &str = "service,start,end,impact,cause,source,ref,notes";

/// Data rows (row number, CSV line): good rows, a bad one, an empty one.
fn data() -> Vec<(u32, &'static str)> {
    vec![
        (
            2,
            "compute,2026-10-03T14:00:00Z,2026-10-03T14:42:30Z,1,internal,synthetic,INC-1,",
        ),
        (
            3,
            "compute,2026-10-10 02:00,2026-10-10 02:03,0.5,Customer,RUM,INC-2,x",
        ),
        (4, ",,,,,,,"),
        (
            5,
            "compute,2026-10-12T08:00:00Z,2026-10-12T10:00:00Z,1,force_majeure,synthetic,INC-3,",
        ),
        (6, "compute,2026-10-20T05:00:00Z,,0.25,,,,"),
    ]
}

fn xlsx_rows(rows: &[(u32, &str)]) -> String {
    let cols = ["A", "B", "C", "D", "E", "F", "G", "H"];
    let row = |n: u32, line: &str| {
        let cells: String = line
            .split(',')
            .zip(cols)
            .filter(|(v, _)| !v.is_empty())
            .map(|(v, c)| istr(&format!("{c}{n}"), v))
            .collect();
        format!(r#"<row r="{n}">{cells}</row>"#)
    };
    let mut xml = row(1, HEADER);
    for (n, line) in rows {
        xml.push_str(&row(*n, line));
    }
    xml
}

#[test]
fn issue15_streamed_csv_and_xlsx_give_what_whole_sheets_gave() {
    let mut csv = format!("{HEADER}\n");
    for (_, line) in data() {
        csv.push_str(line);
        csv.push('\n');
    }
    let from_csv = import("outages.csv", csv.as_bytes()).expect("good rows");
    let book = xlsx(
        "outages",
        &sheet_xml(None, &xlsx_rows(&data())),
        &shared_xml(&[]),
    );
    let from_xlsx = import("outages.xlsx", &book).expect("good rows");
    // Four outages (the empty row skipped), then the unknown column's
    // warning; the CSV's rows are numbered by line, the workbook's by row.
    assert_eq!(from_csv.len(), 5, "{from_csv:#?}");
    assert_eq!(
        from_csv[1],
        "compute 1791612000 Some(1791612180) 0.5 customer RUM INC-2 outages:3"
    );
    assert_eq!(
        from_csv[4],
        "outages.csv:outages:1: unknown column `notes` ignored"
    );
    assert_eq!(from_xlsx[..4], from_csv[..4]);
    assert_eq!(
        from_xlsx[4],
        "outages.xlsx:outages:1: unknown column `notes` ignored"
    );
}

#[test]
fn issue15_rows_written_out_of_order_are_read_whole_with_the_same_result() {
    // A workbook that writes row 5 before rows 3 and 4 cannot be streamed:
    // that sheet is read whole instead, and nothing streamed before the
    // switch is kept twice.
    let in_order = data();
    let shuffled = vec![
        in_order[0],
        in_order[3],
        in_order[1],
        in_order[2],
        in_order[4],
    ];
    let a = xlsx(
        "outages",
        &sheet_xml(None, &xlsx_rows(&in_order)),
        &shared_xml(&[]),
    );
    let b = xlsx(
        "outages",
        &sheet_xml(None, &xlsx_rows(&shuffled)),
        &shared_xml(&[]),
    );
    assert_eq!(import("o.xlsx", &a), import("o.xlsx", &b));

    // The same with bad rows: every error once, sorted by row.
    let bad = vec![
        (2, "compute,2026-10-03T14:00:00Z,2026-10-03T13:00:00Z,1,,,,"),
        (5, "nope,2026-10-03T14:00:00Z,,,,,,"),
        (3, "compute,yesterday,,2,,,,"),
    ];
    let sorted = vec![bad[0], bad[2], bad[1]];
    let c = xlsx(
        "outages",
        &sheet_xml(None, &xlsx_rows(&bad)),
        &shared_xml(&[]),
    );
    let d = xlsx(
        "outages",
        &sheet_xml(None, &xlsx_rows(&sorted)),
        &shared_xml(&[]),
    );
    let errors = import("o.xlsx", &c).unwrap_err();
    assert_eq!(Err(errors.clone()), import("o.xlsx", &d));
    assert_eq!(
        errors,
        [
            "o.xlsx:outages:2:end: end is before start",
            "o.xlsx:outages:3:start: `yesterday` is not a date-time (write RFC 3339 like 2026-10-03T14:05:00Z, or YYYY-MM-DD HH:MM[:SS] in the contract's time zone)",
            "o.xlsx:outages:3:impact: impact 2 is outside (0, 1]",
            "o.xlsx:outages:5:service: unknown service `nope` (the terms name `compute`)",
        ]
    );
}

#[test]
fn issue15_a_header_only_sheet_and_a_missing_column_are_reported_as_before() {
    let empty = xlsx("outages", &sheet_xml(None, ""), &shared_xml(&[]));
    assert_eq!(
        import("e.xlsx", &empty),
        Err(vec![
            "e.xlsx:outages:1:service: missing required column".to_string(),
            "e.xlsx:outages:1:start: missing required column".to_string(),
            "e.xlsx:outages:1:end: missing required column".to_string(),
        ])
    );
    assert_eq!(
        import("h.csv", b"service,end\n"),
        Err(vec![
            "h.csv:outages:1:start: missing required column".to_string()
        ])
    );
}

#[test]
fn issue15_a_streamed_read_asks_to_go_on_and_stops_when_told() {
    // 25,000 good rows: asked at 10,000 and 20,000 rows; told to stop at
    // the second question, in a CSV and in a workbook alike.
    let rows: Vec<String> = (0..25_000)
        .map(|i| {
            format!(
                "compute,2026-10-03T14:{:02}:00Z,2026-10-03T14:{:02}:30Z,1,internal,synthetic,INC-{i},",
                i % 60,
                i % 60
            )
        })
        .collect();
    let csv = format!("{HEADER}\n{}\n", rows.join("\n"));
    let numbered: Vec<(u32, &str)> = rows
        .iter()
        .enumerate()
        .map(|(i, r)| (i as u32 + 2, r.as_str()))
        .collect();
    let book = xlsx(
        "outages",
        &sheet_xml(None, &xlsx_rows(&numbered)),
        &shared_xml(&[]),
    );
    let dir = tempfile::tempdir().unwrap();
    for (name, bytes) in [("big.csv", csv.as_bytes()), ("big.xlsx", book.as_slice())] {
        let path = dir.path().join(name);
        std::fs::write(&path, bytes).unwrap();
        let p = path.display().to_string();
        let mut asked = Vec::new();
        let r = sla_import::read_file_until(&p, Some(Kind::Outages), &terms(), &mut |n| {
            asked.push(n);
            asked.len() < 2
        });
        assert_eq!(asked, [10_000, 20_000], "{name}");
        match r {
            Err(ImportError::Cancelled { path, .. }) => assert_eq!(path, p),
            Err(e) => panic!("{name}: {e}"),
            Ok(_) => panic!("{name}: read to the end"),
        }
        // Told to go on, the same file reads whole.
        let all = sla_import::read_file_until(&p, Some(Kind::Outages), &terms(), &mut |_| true)
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(all.events.outages.len(), 25_000, "{name}");
    }
}

/// Issue 15 in the app: the import screen sends a column mapping, and a
/// mapped CSV was read whole (the memory, and no progress or Cancel while
/// read). Now streamed: the same events, errors and warnings as the whole
/// read, asked to go on every 10,000 rows, stopped when told.
#[test]
fn issue15_a_mapped_csv_streams_with_the_same_result_and_can_be_cancelled() {
    use sla_import::{read_mapped, read_mapped_until, SheetMap};
    let foreign = "Component,Begin,Back up at,Impact,Root cause,Probe,Ticket,end";
    let mut lines = vec![foreign.to_string()];
    for (_, r) in data() {
        // Same data under foreign headers; the last column, spelled like a
        // spec column the user mapped from elsewhere, is not read as it.
        let cols: Vec<&str> = r.split(',').collect();
        lines.push(if cols.len() >= 7 {
            format!("{},ignored", cols[..7].join(","))
        } else {
            r.to_string()
        });
    }
    let map = SheetMap {
        sheet: "monitor-export".into(),
        kind: Kind::Outages,
        columns: [
            ("service", "Component"),
            ("start", "Begin"),
            ("end", "Back up at"),
            ("impact", "Impact"),
            ("cause", "Root cause"),
            ("source", "Probe"),
            ("ref", "Ticket"),
        ]
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect(),
    };
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("monitor-export.csv");
    std::fs::write(&path, lines.join("\n") + "\n").unwrap();
    let p = path.display().to_string();
    let show = |r: Result<Imported, ImportError>| match r {
        Ok(i) => format!("{:?} {:?}", i.events.outages, i.warnings),
        Err(ImportError::Rows(rows)) => rows
            .iter()
            .map(|e| e.to_string())
            .collect::<Vec<_>>()
            .join("\n"),
        Err(e) => e.to_string(),
    };
    let whole = show(read_mapped(&p, std::slice::from_ref(&map), &terms()));
    let streamed = show(read_mapped_until(
        &p,
        std::slice::from_ref(&map),
        &terms(),
        &mut |_| true,
    ));
    assert_eq!(streamed, whole);
    // The data has a bad row: the errors are what is compared above.
    assert!(whole.contains("outages:"), "{whole}");

    // 25,000 good rows: asked at 10,000 and 20,000, stopped at the second.
    let rows: Vec<String> = (0..25_000)
        .map(|i| format!("compute,2026-10-03T14:{:02}:00Z,2026-10-03T14:{:02}:30Z,1,internal,synthetic,INC-{i},x", i % 60, i % 60))
        .collect();
    std::fs::write(&path, format!("{foreign}\n{}\n", rows.join("\n"))).unwrap();
    let mut asked = Vec::new();
    let r = read_mapped_until(&p, std::slice::from_ref(&map), &terms(), &mut |n| {
        asked.push(n);
        asked.len() < 2
    });
    assert_eq!(asked, [10_000, 20_000]);
    assert!(
        matches!(r, Err(ImportError::Cancelled { .. })),
        "{}",
        show(r)
    );
    let all = read_mapped_until(&p, std::slice::from_ref(&map), &terms(), &mut |_| true).unwrap();
    assert_eq!(all.events.outages.len(), 25_000);
}

/// The same for a workbook read through a mapping: its sheet, whatever its
/// name, streamed with its header renamed (here `ref` read from `notes`,
/// and the sheet's own `ref` column not used), as the whole read gives.
#[test]
fn issue15_a_mapped_workbook_streams_with_the_same_result_and_can_be_cancelled() {
    use sla_import::{read_mapped, read_mapped_until, SheetMap};
    let map = SheetMap {
        sheet: "Export".into(),
        kind: Kind::Outages,
        columns: ["service", "start", "end", "impact", "cause", "source"]
            .iter()
            .map(|c| (c.to_string(), c.to_string()))
            .chain([("ref".to_string(), "notes".to_string())])
            .collect(),
    };
    let maps = std::slice::from_ref(&map);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("export.xlsx");
    let p = path.display().to_string();
    let show = |r: Result<Imported, ImportError>| match r {
        Ok(i) => format!("{:?} {:?}", i.events.outages, i.warnings),
        Err(ImportError::Rows(rows)) => rows
            .iter()
            .map(|e| e.to_string())
            .collect::<Vec<_>>()
            .join("\n"),
        Err(e) => e.to_string(),
    };
    let book = xlsx(
        "Export",
        &sheet_xml(None, &xlsx_rows(&data())),
        &shared_xml(&[]),
    );
    std::fs::write(&path, &book).unwrap();
    let whole = show(read_mapped(&p, maps, &terms()));
    assert_eq!(
        show(read_mapped_until(&p, maps, &terms(), &mut |_| true)),
        whole
    );
    assert!(whole.contains("Export:"), "{whole}");
    // A good sheet: the events themselves, `ref` taken from `notes`.
    let good: Vec<(u32, &str)> = data()
        .into_iter()
        .filter(|(n, _)| [2, 5].contains(n))
        .collect();
    std::fs::write(
        &path,
        xlsx(
            "Export",
            &sheet_xml(None, &xlsx_rows(&good)),
            &shared_xml(&[]),
        ),
    )
    .unwrap();
    let whole = show(read_mapped(&p, maps, &terms()));
    assert_eq!(
        show(read_mapped_until(&p, maps, &terms(), &mut |_| true)),
        whole
    );
    assert!(whole.contains("reference: \"\""), "{whole}");
    // A mapping naming a sheet the workbook does not have.
    let other = SheetMap {
        sheet: "Nope".into(),
        ..map.clone()
    };
    assert_eq!(
        show(read_mapped_until(
            &p,
            std::slice::from_ref(&other),
            &terms(),
            &mut |_| true
        )),
        show(read_mapped(&p, std::slice::from_ref(&other), &terms()))
    );

    let rows: Vec<String> = (0..25_000)
        .map(|i| format!("compute,2026-10-03T14:{:02}:00Z,2026-10-03T14:{:02}:30Z,1,internal,synthetic,INC-{i},", i % 60, i % 60))
        .collect();
    let numbered: Vec<(u32, &str)> = rows
        .iter()
        .enumerate()
        .map(|(i, r)| (i as u32 + 2, r.as_str()))
        .collect();
    std::fs::write(
        &path,
        xlsx(
            "Export",
            &sheet_xml(None, &xlsx_rows(&numbered)),
            &shared_xml(&[]),
        ),
    )
    .unwrap();
    let mut asked = Vec::new();
    let r = read_mapped_until(&p, maps, &terms(), &mut |n| {
        asked.push(n);
        asked.len() < 2
    });
    assert_eq!(asked, [10_000, 20_000]);
    assert!(
        matches!(r, Err(ImportError::Cancelled { .. })),
        "{}",
        show(r)
    );
}
