//! Issue 15: an import's preview reads the file as the import does, with
//! the rows checked so far reported, and stops when cancelled, having
//! written nothing (a million-row preview takes a while).

use crate::util::app;
use sla_ledger::usecases::evidence::ImportFile;
use sla_ledger::usecases::{contracts, evidence};
use std::sync::atomic::{AtomicBool, Ordering};

const S6: &str = "fixtures/cases/spec-s6-full-example";

#[test]
fn issue15_a_preview_shows_its_reading_and_can_be_cancelled() {
    let dir = tempfile::tempdir().unwrap();
    contracts::add(&mut app(dir.path()), &format!("{S6}/terms.toml"), &[]).unwrap();
    let mut csv = String::from("service,start,end\n");
    for i in 0..30_000 {
        csv += &format!(
            "compute,2026-09-03T10:{:02}:00Z,2026-09-03T10:{:02}:30Z\n",
            i % 60,
            i % 60
        );
    }
    let file = dir.path().join("big.csv");
    std::fs::write(&file, csv).unwrap();
    let file = file.display().to_string();
    let what = ImportFile {
        file: &file,
        kind: Some("outages"),
        ..Default::default()
    };

    // Cancelled at the first report: E-CANCELLED, no preview.
    let cancel = AtomicBool::new(false);
    let mut seen = Vec::new();
    let e = evidence::preview(&app(dir.path()), &what, &cancel, &mut |p| {
        seen.push((p.rows_done, p.rows_total));
        cancel.store(true, Ordering::SeqCst);
    })
    .unwrap_err();
    assert_eq!(e.code().as_str(), "E-CANCELLED", "{e}");
    assert_eq!(seen, [(10_000, 0)]);

    // Not cancelled: every 10,000 rows reported, and the preview whole.
    let mut seen = Vec::new();
    let p = evidence::preview(&app(dir.path()), &what, &AtomicBool::new(false), &mut |p| {
        seen.push(p.rows_done)
    })
    .unwrap();
    assert_eq!(seen, [10_000, 20_000, 30_000]);
    assert_eq!((p.outages, p.errors.len()), (30_000, 0));

    // Read sheets: the rows counted as they are read, and cancelled alike.
    let cancel = AtomicBool::new(false);
    let mut seen = Vec::new();
    let e = evidence::inspect_file(&file, &cancel, &mut |p| {
        seen.push(p.rows_done);
        cancel.store(true, Ordering::SeqCst);
    })
    .unwrap_err();
    assert_eq!(e.code().as_str(), "E-CANCELLED", "{e}");
    assert_eq!(seen, [10_000]);
    let view = evidence::inspect_file(&file, &AtomicBool::new(false), &mut |_| {}).unwrap();
    assert_eq!(
        (view.sheets[0].rows, view.sheets[0].kind.as_str()),
        (30_000, "outages")
    );
}
