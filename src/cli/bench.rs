//! `sla-ledger bench export --statements N`: the cost of exporting N final
//! statements (XLSX, PDF, certification signature, signed manifest),
//! reported against a baseline measured in the same run: computing the same
//! statements from the library. Speed is reported, never asserted.

use super::demo::fresh_library;
use sla_ledger::usecases::evidence::{self, ImportFile};
use sla_ledger::usecases::{contracts, files, identity, statements};
use sla_ledger::{context, AppError, Session};
use std::path::Path;
use std::sync::atomic::AtomicBool;
use std::time::Instant;

pub fn export(n: usize, out: &str, fixtures: &str) -> Result<(), AppError> {
    let out = Path::new(out);
    let mut s = Session::new(fresh_library(out)?, context(Some("bench"))?);
    let never = AtomicBool::new(false);
    let case = Path::new(fixtures).join("cases/spec-s6-full-example");
    let terms =
        std::fs::read_to_string(case.join("terms.toml")).map_err(|source| AppError::ReadFile {
            path: case.display().to_string(),
            source,
        })?;
    let setup = Instant::now();
    for i in 0..n {
        let id = format!("BENCH-{i:04}");
        let path = out.join(format!("{id}.toml"));
        std::fs::write(&path, terms.replace("ACME-2026-001", &id)).map_err(|source| {
            AppError::ReadFile {
                path: path.display().to_string(),
                source,
            }
        })?;
        contracts::add(&mut s, &path.display().to_string(), &[])?;
        for f in ["outages.csv", "maintenance.csv", "incidents.csv"] {
            let file = case.join(f).display().to_string();
            let what = ImportFile {
                file: &file,
                source: "bench",
                contract: Some(&id),
                ..Default::default()
            };
            evidence::import(&mut s, &what, &never, &mut |_| {})?;
        }
    }
    statements::run(&mut s, "2026-10", None, &never, &mut |_| {})?;
    let finals = s.lib.finalize(&s.ctx, "2026-10", None)?;
    identity::create(&mut s, "Bench Ltd", "Bench signer")?;
    eprintln!(
        "set up {} finalized statements in {:.1} s",
        finals.len(),
        setup.elapsed().as_secs_f64()
    );

    let t = Instant::now();
    for f in &finals {
        statements::compute_stored(&s.lib, &f.contract, &f.period)?;
    }
    let baseline = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let dir = out.join("statements");
    let mut bytes = 0u64;
    for st in &finals {
        let f = files::export_statement(&mut s, &st.number, &dir)?;
        bytes += std::fs::metadata(&f.pdf).map(|m| m.len()).unwrap_or(0)
            + std::fs::metadata(&f.xlsx).map(|m| m.len()).unwrap_or(0);
    }
    let exporting = t.elapsed().as_secs_f64();
    let n = finals.len() as f64;
    println!("statements: {}", finals.len());
    println!(
        "baseline (compute each from the library): {:.3} s, {:.1} ms/statement",
        baseline,
        1000.0 * baseline / n
    );
    println!("export (XLSX + PDF + signature + manifest): {:.3} s, {:.1} ms/statement, {:.0} KiB/statement", exporting, 1000.0 * exporting / n, bytes as f64 / n / 1024.0);
    println!(
        "ratio export/baseline: {:.1}x",
        exporting / baseline.max(1e-9)
    );
    println!(
        "build profile: {}",
        if cfg!(debug_assertions) {
            "debug (use --release for representative numbers)"
        } else {
            "release"
        }
    );
    Ok(())
}

/// `sla-ledger bench library --contracts N`: how long the Library screen's
/// list takes to load with N contracts, against 100 contracts in the same
/// run. (The UI renders only the visible rows, so the load is the cost.)
pub fn library(n: usize, out: &str, fixtures: &str) -> Result<(), AppError> {
    let out = Path::new(out);
    let mut lib = fresh_library(out)?;
    let ctx = context(Some("bench"))?;
    let terms =
        std::fs::read_to_string(Path::new(fixtures).join("cases/spec-s6-full-example/terms.toml"))
            .map_err(|source| AppError::ReadFile {
                path: fixtures.into(),
                source,
            })?;
    let setup = Instant::now();
    let time_list = |lib: &sla_ledger::sla_store::Library| -> Result<(f64, usize), AppError> {
        let t = Instant::now();
        let rows = lib.list_contracts(&Default::default())?;
        Ok((t.elapsed().as_secs_f64(), rows.len()))
    };
    let mut baseline = None;
    for i in 0..n {
        let id = format!("C-{i:05}");
        let path = acme_as(out, &terms, &id, i)?;
        lib.add_contract(&ctx, &path)?;
        if i + 1 == 100 {
            baseline = Some(time_list(&lib)?);
        }
    }
    eprintln!(
        "set up {n} contracts in {:.1} s",
        setup.elapsed().as_secs_f64()
    );
    let (full, rows) = time_list(&lib)?;
    if let Some((b, brows)) = baseline {
        println!("baseline: {brows} contracts listed in {:.1} ms", b * 1000.0);
        println!("library: {rows} contracts listed in {:.1} ms ({:.1}x the baseline for {:.0}x the rows)", full * 1000.0, full / b.max(1e-9), rows as f64 / brows as f64);
    } else {
        println!(
            "library: {rows} contracts listed in {:.1} ms",
            full * 1000.0
        );
    }
    Ok(())
}

/// `sla-ledger bench monthend --contracts N` (issue 15, item 4): a month
/// end of N contracts from the library (compute and store every draft,
/// then finalize them all), against the same month end of the first 100
/// contracts measured in the same run; the per-contract cost shows whether
/// it grows with the library. Then computing one stored statement.
pub fn monthend(n: usize, out: &str, fixtures: &str) -> Result<(), AppError> {
    let out = Path::new(out);
    let mut s = Session::new(fresh_library(out)?, context(Some("bench"))?);
    let never = AtomicBool::new(false);
    let case = Path::new(fixtures).join("cases/spec-s6-full-example");
    let terms =
        std::fs::read_to_string(case.join("terms.toml")).map_err(|source| AppError::ReadFile {
            path: case.display().to_string(),
            source,
        })?;
    let small = n.min(100);
    let setup = Instant::now();
    let mut baseline = None;
    for i in 0..n {
        let id = format!("ME-{i:05}");
        let path = acme_as(out, &terms, &id, i)?;
        contracts::add(&mut s, &path, &[])?;
        for f in ["outages.csv", "maintenance.csv", "incidents.csv"] {
            let file = case.join(f).display().to_string();
            let what = ImportFile {
                file: &file,
                source: "bench",
                contract: Some(&id),
                ..Default::default()
            };
            evidence::import(&mut s, &what, &never, &mut |_| {})?;
        }
        if i + 1 == small {
            let t = Instant::now();
            let drafts = statements::run(&mut s, "2026-10", None, &never, &mut |_| {})?;
            baseline = Some((t.elapsed().as_secs_f64(), drafts.len()));
        }
    }
    eprintln!(
        "set up {n} contracts with their evidence in {:.1} s",
        setup.elapsed().as_secs_f64()
    );
    let t = Instant::now();
    let drafts = statements::run(&mut s, "2026-10", None, &never, &mut |_| {})?;
    let run = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let finals = s.lib.finalize(&s.ctx, "2026-10", None)?;
    let finalize = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let one = finals
        .first()
        .map(|f| statements::compute_stored(&s.lib, &f.contract, &f.period));
    let stored = t.elapsed().as_secs_f64();
    if let Some(r) = one {
        r?;
    }
    let per = |secs: f64, k: usize| 1000.0 * secs / k.max(1) as f64;
    if let Some((b, k)) = baseline {
        println!("baseline: month end (compute + store drafts) of {k} contracts: {b:.3} s, {:.2} ms/contract", per(b, k));
        println!(
            "month end of {} contracts: {run:.3} s, {:.2} ms/contract ({:.2}x the baseline's per-contract cost)",
            drafts.len(),
            per(run, drafts.len()),
            per(run, drafts.len()) / per(b, k).max(1e-9)
        );
    }
    println!(
        "finalize {} statements (one transaction, sealed, chained): {finalize:.3} s, {:.2} ms/statement",
        finals.len(),
        per(finalize, finals.len())
    );
    println!(
        "compute one stored statement from the library: {:.2} ms",
        stored * 1000.0
    );
    println!(
        "build profile: {}",
        if cfg!(debug_assertions) {
            "debug (use --release for representative numbers)"
        } else {
            "release"
        }
    );
    Ok(())
}

/// ACME's terms as contract `id` of counterparty number `i % 997`, written
/// to `out/terms.toml` (one file reused: each is added before the next).
fn acme_as(out: &Path, terms: &str, id: &str, i: usize) -> Result<String, AppError> {
    let path = out.join("terms.toml");
    std::fs::write(
        &path,
        terms
            .replace("ACME-2026-001", id)
            .replace("Acme Corp", &format!("Counterparty {}", i % 997)),
    )
    .map_err(|source| AppError::ReadFile {
        path: path.display().to_string(),
        source,
    })?;
    Ok(path.display().to_string())
}
