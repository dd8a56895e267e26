//! `bench import` and `bench compute` (issue 15): each product path
//! measured against a yardstick in the same command, on inputs generated
//! deterministically ([`super::bench_data`]). Every measurement runs in a
//! child process of its own (`bench probe`), so the peak memory it reports
//! (the kernel's VmHWM) is that path's alone; each is run `runs` times and
//! the medians are compared. Speed is reported, never asserted: the
//! regression gate counts instructions instead (docs/performance.md).

use super::bench_data::{write_csv, write_terms, write_xlsx};
use sla_ledger::sla_import::Sources;
use sla_ledger::usecases::compute::{compute, ComputeRequest};
use sla_ledger::{AppError, Code};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

/// The month every benchmark computes.
const PERIOD: &str = "2026-10";

/// What one child process measured.
#[derive(Debug, Clone, Copy)]
struct Sample {
    secs: f64,
    peak_kib: u64,
    /// Rows read (yardsticks) or bytes of result JSON (compute).
    count: u64,
}

fn usage(m: impl Into<String>) -> AppError {
    AppError::invalid(Code::Value, m)
}

/// The process's peak resident memory so far, in KiB (Linux).
fn peak_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        })
        .unwrap_or(0)
}

/// `bench probe JOB FILE [TERMS]`: runs one job and prints
/// `seconds peak_kib count`. Jobs: `csv-yardstick` (the csv crate, a
/// `StringRecord` per row, all kept), `xlsx-yardstick` (calamine, the whole
/// sheet as one range of owned cells), `compute` (our stateless compute:
/// read, validate, compute, the result as JSON text).
pub fn probe(job: &str, file: &str, terms: Option<&str>) -> Result<(), AppError> {
    let t = Instant::now();
    let count = match job {
        "csv-yardstick" => {
            let mut r = csv::Reader::from_path(file).map_err(|e| usage(e.to_string()))?;
            let rows: Vec<csv::StringRecord> = r
                .records()
                .collect::<Result<_, _>>()
                .map_err(|e| usage(e.to_string()))?;
            let n = rows.len() as u64;
            std::hint::black_box(&rows);
            n
        }
        "xlsx-yardstick" => {
            use calamine::Reader;
            let mut wb = calamine::open_workbook_auto(file).map_err(|e| usage(e.to_string()))?;
            let range = wb
                .worksheet_range("outages")
                .map_err(|e| usage(e.to_string()))?;
            let n = range.height() as u64;
            std::hint::black_box(&range);
            n
        }
        "compute" => {
            let terms = terms.ok_or_else(|| usage("compute needs terms"))?;
            let mut events = Sources::default();
            if file.ends_with(".csv") {
                events.outages = Some(file.into());
            } else {
                events.workbook = Some(file.into());
            }
            let req = ComputeRequest {
                terms: terms.into(),
                events,
                period: PERIOD.into(),
            };
            let (_, doc) = compute(&req)?;
            serde_json::to_string(&doc)
                .map_err(|e| usage(e.to_string()))?
                .len() as u64
        }
        other => return Err(usage(format!("no probe job `{other}`"))),
    };
    println!("{} {} {count}", t.elapsed().as_secs_f64(), peak_kib());
    Ok(())
}

/// Runs `bench probe` `runs` times in child processes; the medians.
fn measure(args: &[&str], runs: usize) -> Result<Sample, AppError> {
    let exe = std::env::current_exe().map_err(|e| usage(e.to_string()))?;
    let mut got = Vec::new();
    for _ in 0..runs.max(1) {
        let o = Command::new(&exe)
            .args(["bench", "probe"])
            .args(args)
            .output()
            .map_err(|e| usage(e.to_string()))?;
        if !o.status.success() {
            return Err(usage(format!(
                "bench probe {args:?} failed: {}",
                String::from_utf8_lossy(&o.stderr)
            )));
        }
        let text = String::from_utf8_lossy(&o.stdout);
        let v: Vec<&str> = text.split_whitespace().collect();
        let parse = || -> Option<Sample> {
            Some(Sample {
                secs: v.first()?.parse().ok()?,
                peak_kib: v.get(1)?.parse().ok()?,
                count: v.get(2)?.parse().ok()?,
            })
        };
        got.push(parse().ok_or_else(|| usage(format!("bench probe said `{text}`")))?);
    }
    let mid = got.len() / 2;
    got.sort_by(|a, b| a.secs.total_cmp(&b.secs));
    let secs = got[mid].secs;
    got.sort_by_key(|s| s.peak_kib);
    Ok(Sample {
        secs,
        peak_kib: got[mid].peak_kib,
        count: got[mid].count,
    })
}

fn mib(kib: u64) -> f64 {
    kib as f64 / 1024.0
}

/// Generates a file once per row count (the same bytes every time).
fn input(
    out: &Path,
    name: &str,
    make: impl FnOnce(&Path) -> Result<(), AppError>,
) -> Result<PathBuf, AppError> {
    let p = out.join(name);
    if !p.exists() {
        let t = Instant::now();
        let tmp = out.join(format!("{name}.part"));
        make(&tmp)?;
        std::fs::rename(&tmp, &p).map_err(|source| AppError::WriteFile {
            path: p.display().to_string(),
            source,
        })?;
        eprintln!(
            "generated {} in {:.1} s",
            p.display(),
            t.elapsed().as_secs_f64()
        );
    }
    Ok(p)
}

fn prepare(out: &str) -> Result<PathBuf, AppError> {
    let out = PathBuf::from(out);
    std::fs::create_dir_all(&out).map_err(|source| AppError::WriteFile {
        path: out.display().to_string(),
        source,
    })?;
    Ok(out)
}

fn profile_note() {
    if cfg!(debug_assertions) {
        println!("build profile: debug (build with --release for representative numbers)");
    }
}

/// `bench inputs --rows N`: the generated files, for the perf gate.
pub fn inputs(rows: usize, out: &str) -> Result<(), AppError> {
    let out = prepare(out)?;
    input(&out, "terms-1.toml", |p| write_terms(p, 1))?;
    input(&out, &format!("outages-{rows}.csv"), |p| write_csv(p, rows))?;
    input(&out, &format!("outages-{rows}.xlsx"), |p| {
        write_xlsx(p, rows)
    })?;
    println!("{}", out.display());
    Ok(())
}

/// `bench import --rows N`: reading, validating and computing one SLA
/// from an N-row outage file, CSV and xlsx, against the bare parsers.
pub fn import(rows: usize, formats: &str, out: &str, runs: usize) -> Result<(), AppError> {
    let out = prepare(out)?;
    let terms = input(&out, "terms-1.toml", |p| write_terms(p, 1))?;
    let terms = terms.display().to_string();
    println!("| work | SLA Ledger | yardstick (same run) | wall ratio | memory ratio |");
    println!("|---|---|---|---|---|");
    for fmt in formats.split(',').map(str::trim) {
        let (file, yard, yard_name) = match fmt {
            "csv" => (
                input(&out, &format!("outages-{rows}.csv"), |p| write_csv(p, rows))?,
                "csv-yardstick",
                "csv crate, StringRecord per row",
            ),
            "xlsx" => (
                input(&out, &format!("outages-{rows}.xlsx"), |p| {
                    write_xlsx(p, rows)
                })?,
                "xlsx-yardstick",
                "calamine, whole range",
            ),
            other => return Err(usage(format!("no format `{other}` (csv, xlsx)"))),
        };
        let file = file.display().to_string();
        let y = measure(&[yard, &file], runs)?;
        let p = measure(&["compute", &file, &terms], runs)?;
        println!(
            "| {rows}-row {fmt}, `compute` (read + validate + 1 SLA) | {:.2} s, {:.0} MiB | {yard_name}: {:.2} s, {:.0} MiB ({} rows) | {:.2}x | {:.2}x |",
            p.secs,
            mib(p.peak_kib),
            y.secs,
            mib(y.peak_kib),
            y.count,
            p.secs / y.secs.max(1e-9),
            p.peak_kib as f64 / y.peak_kib.max(1) as f64
        );
        println!(
            "|  | {:.0} rows/s | {:.0} rows/s | | |",
            rows as f64 / p.secs.max(1e-9),
            rows as f64 / y.secs.max(1e-9)
        );
    }
    profile_note();
    Ok(())
}

/// `bench compute --rows N --slas 1,200,2000`: one month of N rows for
/// contracts with more and more SLA terms; the growth against one SLA,
/// and the bare CSV parse as the yardstick.
pub fn compute_growth(rows: usize, slas: &str, out: &str, runs: usize) -> Result<(), AppError> {
    let out = prepare(out)?;
    let file = input(&out, &format!("outages-{rows}.csv"), |p| write_csv(p, rows))?;
    let file = file.display().to_string();
    let y = measure(&["csv-yardstick", &file], runs)?;
    println!(
        "yardstick: csv crate reads the {rows} rows in {:.3} s, {:.0} MiB",
        y.secs,
        mib(y.peak_kib)
    );
    let mut first: Option<f64> = None;
    println!("| SLAs | compute --json | result JSON | vs 1 SLA | vs the bare parse |");
    println!("|---|---|---|---|---|");
    for n in slas.split(',').map(str::trim) {
        let n: usize = n
            .parse()
            .map_err(|_| usage(format!("`{n}` is not a count")))?;
        let terms = input(&out, &format!("terms-{n}.toml"), |p| write_terms(p, n))?;
        let p = measure(&["compute", &file, &terms.display().to_string()], runs)?;
        let base = *first.get_or_insert(p.secs);
        println!(
            "| {n} | {:.3} s, {:.0} MiB | {:.1} MB | {:.2}x | {:.2}x |",
            p.secs,
            mib(p.peak_kib),
            p.count as f64 / 1e6,
            p.secs / base.max(1e-9),
            p.secs / y.secs.max(1e-9)
        );
    }
    profile_note();
    Ok(())
}
