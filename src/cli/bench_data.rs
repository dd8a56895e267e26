//! Deterministic inputs for `bench import` and `bench compute` (issue 15):
//! a year of outage rows over 2,000 services with overlaps, partial impact
//! and every cause, as CSV and as an xlsx workbook, and terms naming every
//! service with availability terms for the first N. The same arguments
//! give the same bytes, so two runs (or two releases) measure the same
//! work.

use rust_xlsxwriter::{Format, Workbook, XlsxError};
use sla_ledger::AppError;
use std::io::Write;
use std::path::Path;

/// Services in every generated file (the terms must name each one: a row
/// of a service the contract does not name is an error).
pub const SERVICES: usize = 2_000;

/// A small LCG (Knuth's MMIX constants): deterministic, no dependency.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// One outage row as text cells.
pub struct Row {
    pub service: usize,
    pub start: i64,
    pub end: i64,
    pub impact: &'static str,
    pub cause: &'static str,
    pub source: &'static str,
    pub reference: u64,
}

/// 2026-01-01T00:00:00Z.
const YEAR_START: i64 = 1_767_225_600;
const YEAR_SECONDS: i64 = 365 * 86_400;

/// `n` rows over 2026: mostly short full outages, some long ones, a fifth
/// partial, a tenth excluded by cause; about one in eight overlaps the
/// service's previous row (a second monitor seeing the same outage).
pub fn rows(n: usize) -> impl Iterator<Item = Row> {
    let mut g = Lcg(0x005E_ED15);
    let mut last_start = vec![0i64; SERVICES];
    (0..n).map(move |i| {
        let service = g.below(SERVICES as u64) as usize;
        let overlap = g.below(8) == 0 && last_start[service] > 0;
        let start = if overlap {
            last_start[service] + g.below(600) as i64
        } else {
            YEAR_START + (i as i64 * YEAR_SECONDS) / n as i64 + g.below(3_600) as i64
        };
        let dur = match g.below(100) {
            0..=79 => 30 + g.below(600),
            80..=97 => 600 + g.below(3_000),
            _ => 3_600 + g.below(14_400),
        } as i64;
        last_start[service] = start;
        let impact = match g.below(10) {
            0 => "0.5",
            1 => "0.25",
            _ => "1",
        };
        let cause = match g.below(20) {
            0 => "customer",
            1 => "third_party",
            2 => "force_majeure",
            _ => "internal",
        };
        Row {
            service,
            start,
            end: start + dur,
            impact,
            cause,
            source: if g.below(3) == 0 { "RUM" } else { "synthetic" },
            reference: 100_000 + i as u64,
        }
    })
}

pub fn service_id(i: usize) -> String {
    format!("svc-{i:04}")
}

fn rfc3339(t: i64) -> String {
    sla_ledger::sla_engine::time::fmt_instant(t)
}

fn write_err(path: &Path, e: impl std::fmt::Display) -> AppError {
    AppError::WriteFile {
        path: path.display().to_string(),
        source: std::io::Error::other(e.to_string()),
    }
}

/// The outages sheet as CSV.
pub fn write_csv(path: &Path, n: usize) -> Result<(), AppError> {
    let f = std::fs::File::create(path).map_err(|e| write_err(path, e))?;
    let mut w = std::io::BufWriter::new(f);
    let mut put = |s: String| w.write_all(s.as_bytes()).map_err(|e| write_err(path, e));
    put("service,start,end,impact,cause,source,ref\n".into())?;
    for r in rows(n) {
        put(format!(
            "{},{},{},{},{},{},INC-{}\n",
            service_id(r.service),
            rfc3339(r.start),
            rfc3339(r.end),
            r.impact,
            r.cause,
            r.source,
            r.reference
        ))?;
    }
    Ok(())
}

/// The same rows as an xlsx workbook with one `outages` sheet: start and
/// end as date-time cells, impact as a number, as a spreadsheet user
/// would keep them.
pub fn write_xlsx(path: &Path, n: usize) -> Result<(), AppError> {
    let x = |e: XlsxError| write_err(path, e);
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet_with_constant_memory().map_err(x)?;
    ws.set_name("outages").map_err(x)?;
    let when = Format::new().set_num_format("yyyy-mm-dd hh:mm:ss");
    for (c, h) in [
        "service", "start", "end", "impact", "cause", "source", "ref",
    ]
    .iter()
    .enumerate()
    {
        ws.write_string(0, c as u16, *h).map_err(x)?;
    }
    let day = |t: i64| 25_569.0 + t as f64 / 86_400.0; // Excel serial (1900 system)
    for (i, r) in rows(n).enumerate() {
        let row = i as u32 + 1;
        ws.write_string(row, 0, service_id(r.service)).map_err(x)?;
        ws.write_number_with_format(row, 1, day(r.start), &when)
            .map_err(x)?;
        ws.write_number_with_format(row, 2, day(r.end), &when)
            .map_err(x)?;
        ws.write_number(row, 3, r.impact.parse::<f64>().unwrap_or(1.0))
            .map_err(x)?;
        ws.write_string(row, 4, r.cause).map_err(x)?;
        ws.write_string(row, 5, r.source).map_err(x)?;
        ws.write_string(row, 6, format!("INC-{}", r.reference))
            .map_err(x)?;
    }
    wb.save(path).map_err(x)
}

/// Terms naming every service (UTC, so workbook times need no zone), with
/// an availability term on each of the first `slas`.
pub fn write_terms(path: &Path, slas: usize) -> Result<(), AppError> {
    let mut t = String::from(
        "schema = \"sla-terms/1\"\n\n[contract]\nid = \"BENCH\"\ncurrency = \"USD\"\ntimezone = \"UTC\"\neffective_from = \"2026-01-01\"\n\n",
    );
    for i in 0..SERVICES {
        t.push_str(&format!(
            "[[services]]\nid = \"{}\"\nmonthly_fee = \"{}.{:02}\"\n",
            service_id(i),
            1_000 + (i * 37) % 9_000,
            (i * 13) % 100
        ));
    }
    for i in 0..slas {
        t.push_str(&format!(
            "\n[[slas]]\nid = \"{s}-availability\"\nservice = \"{s}\"\nkind = \"availability\"\ntarget = \"99.9\"\n  [slas.downtime]\n  min_outage = \"1m\"\n  rounding = \"none\"\n  partial_impact = \"weighted\"\n  [slas.exclusions]\n  causes = [\"customer\", \"force_majeure\"]\n  [slas.credit]\n  schedule = \"tiers\"\n  tiers = [{{ below = \"99.9\", percent = \"10\" }}, {{ below = \"99.0\", percent = \"25\" }}]\n  cap_percent = \"50\"\n",
            s = service_id(i)
        ));
    }
    t.push_str("\n[credit]\naggregation = \"sum\"\nrounding = { places = 2, mode = \"half_up\", stage = \"total\" }\n");
    std::fs::write(path, t).map_err(|e| write_err(path, e))
}
