//! `sla-ledger demo --out DIR`: a fresh library built from `fixtures/`, every
//! fixture contract's month imported, run and finalized, end to end.

use sla_ledger::sla_store::Library;
use sla_ledger::usecases::evidence::ImportFile;
use sla_ledger::usecases::governance::diligence::DiligenceRequest;
use sla_ledger::usecases::governance::notices::NoticeRequest;
use sla_ledger::usecases::governance::{diligence, executive, notices, slo};
use sla_ledger::usecases::{contracts, evidence, files, identity, statements};
use sla_ledger::{context, open_library, AppError, Session};
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;

const MARKER: &str = ".sla-ledger-demo";

/// The case folders a demo uses: not the bad-input cases (named `bad-` or
/// expecting errors, like `v2-key-in-v1-file`), and one case per
/// contract id (the spec's two examples share ACME-2026-001; the s6 one is
/// the fuller).
fn cases(fixtures: &Path) -> Result<Vec<PathBuf>, AppError> {
    let dir = fixtures.join("cases");
    let mut v: Vec<PathBuf> = std::fs::read_dir(&dir)
        .map_err(|source| AppError::ReadFile {
            path: dir.display().to_string(),
            source,
        })?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.join("terms.toml").exists() && p.join("period.txt").exists())
        .filter(|p| !p.join("expected-errors.txt").exists())
        .filter(|p| {
            p.file_name().is_some_and(|n| {
                !n.to_string_lossy().starts_with("bad-") && n != "spec-s8-worked-example"
            })
        })
        .collect();
    v.sort();
    Ok(v)
}

pub fn fresh_library(out: &Path) -> Result<Library, AppError> {
    let dir = out.join("library");
    if dir.exists() {
        if !dir.join(MARKER).exists() {
            return Err(AppError::Usage(format!(
                "{} exists and is not a demo library: choose another --out",
                dir.display()
            )));
        }
        std::fs::remove_dir_all(&dir).map_err(|source| AppError::ReadFile {
            path: dir.display().to_string(),
            source,
        })?;
    }
    std::fs::create_dir_all(&dir).map_err(|source| AppError::ReadFile {
        path: dir.display().to_string(),
        source,
    })?;
    std::fs::write(
        dir.join(MARKER),
        "built by `sla-ledger demo`; safe to delete\n",
    )
    .map_err(|source| AppError::ReadFile {
        path: dir.display().to_string(),
        source,
    })?;
    open_library(&dir)
}

/// The demo on a team library (issue 17): an empty PostgreSQL database
/// at `url`, with `out/library` as this machine's folder. The demo acts as
/// one person, so four-eyes is switched off (allowed only while the
/// library is empty).
fn team_library(out: &Path, url: &str) -> Result<Library, AppError> {
    let dir = fresh_library(out)?.dir().to_path_buf();
    let mut lib = Library::open_pg(url, &dir, sla_ledger::sla_store::DEFAULT_BUSY_TIMEOUT_MS)?;
    if !lib.is_empty()? {
        return Err(AppError::Usage(format!(
            "{} is not empty: the demo builds its library in an empty database",
            lib.location()
        )));
    }
    lib.set_meta_once("four_eyes", "off")?;
    Ok(lib)
}

pub fn run(out: &str, fixtures: &str, library: Option<&str>) -> Result<Session, AppError> {
    let out = Path::new(out);
    let lib = match library.filter(|l| sla_ledger::sla_store::pg::is_url(l)) {
        Some(url) => team_library(out, url)?,
        None => fresh_library(out)?,
    };
    let mut env = Session::new(lib, context(Some("demo"))?);
    let never = AtomicBool::new(false);
    let mut months: Vec<(String, String)> = Vec::new();
    for case in cases(Path::new(fixtures))? {
        let terms_path = case.join("terms.toml").display().to_string();
        let terms = sla_ledger::load_terms(&terms_path)?;
        let id = terms.contract.id.clone();
        if env.lib.versions(&id).is_err() {
            contracts::add(&mut env, &terms_path, &[])?;
            signed_documents(&mut env, Path::new(fixtures), &id)?;
        }
        for (name, kind) in [
            ("events.xlsx", None),
            ("events.ods", None),
            ("events.xls", None),
            ("outages.csv", Some("outages")),
            ("maintenance.csv", Some("maintenance")),
            ("incidents.csv", Some("incidents")),
            ("requests.csv", Some("requests")),
        ] {
            let f = case.join(name);
            if f.exists() {
                let file = f.display().to_string();
                let what = ImportFile {
                    file: &file,
                    source: "fixtures",
                    contract: Some(&id),
                    kind,
                    mapping: None,
                    preset: None,
                };
                evidence::import(&mut env, &what, &never, &mut |_| {})?;
            }
        }
        let period = std::fs::read_to_string(case.join("period.txt"))
            .map_err(|source| AppError::ReadFile {
                path: case.display().to_string(),
                source,
            })?
            .trim()
            .to_string();
        if !months.contains(&(id.clone(), period.clone())) {
            months.push((id, period));
        }
    }
    months.sort_by(|a, b| (&a.1, &a.0).cmp(&(&b.1, &b.0)));
    identity::create(&mut env, "Example Hosting Ltd", "Statements signing")?;
    let statements_dir = out.join("statements");
    for (contract, period) in &months {
        statements::run(&mut env, period, Some(contract), &never, &mut |_| {})?;
        for s in statements::finalize(&mut env, period, Some(contract))? {
            files::export_statement(&mut env, &s.number, &statements_dir)?;
        }
    }
    governance(&mut env, out, Path::new(fixtures), &months)?;
    Ok(env)
}

/// The governance half of the demo: objectives and budgets from
/// `fixtures/governance`, breach notices for every month run, and the
/// due-diligence and executive reports of the whole library.
fn governance(
    env: &mut Session,
    out: &Path,
    fixtures: &Path,
    months: &[(String, String)],
) -> Result<(), AppError> {
    let g = fixtures.join("governance");
    let s = |p: PathBuf| p.display().to_string();
    slo::import(env, &s(g.join("slos.yaml")))?;
    slo::set_policy(env, &s(g.join("policy.toml")))?;
    slo::import_requests(env, &s(g.join("requests.csv")), "UTC", "fixtures")?;
    let gdir = out.join("governance");
    std::fs::create_dir_all(&gdir).map_err(|source| AppError::WriteFile {
        path: gdir.display().to_string(),
        source,
    })?;
    let status = slo::status(env)?;
    let status_file = gdir.join("slo-status.json");
    std::fs::write(
        &status_file,
        serde_json::to_string_pretty(&status).expect("serialises"),
    )
    .map_err(|source| AppError::WriteFile {
        path: status_file.display().to_string(),
        source,
    })?;
    let mut periods: Vec<&String> = months.iter().map(|(_, p)| p).collect();
    periods.sort();
    periods.dedup();
    let mut drafted = 0;
    for p in &periods {
        let folder = gdir.join("notices").join(p);
        let req = NoticeRequest {
            period: p,
            out: folder.to_str(),
            templates: None,
        };
        drafted += notices::draft(env, &req)?.len();
    }
    let last = periods.last().map(|p| p.to_string()).unwrap_or_default();
    let reports = gdir.join("reports");
    let dd = diligence::export(
        env,
        &DiligenceRequest {
            until: last.clone(),
            months: 12,
            contracts: vec![],
            cap_limit: "50".into(),
            what_if_uptime: "99.5".into(),
        },
        reports.to_str(),
    )?;
    let ex = executive::export(env, &last, 12, reports.to_str())?;
    println!(
        "Governance: {} objective(s) evaluated ({}), {drafted} breach notice set(s) drafted in {}, reports {} and {}.",
        status.budgets.len(),
        status_file.display(),
        gdir.join("notices").display(),
        dd.pdf,
        ex.pdf
    );
    Ok(())
}

/// A contract's signed documents, when the fixtures have them
/// (`fixtures/documents/<id>/*.pdf`), attached with their text, and its
/// terms linked to their clauses (`links.toml` there, issue 18).
fn signed_documents(env: &mut Session, fixtures: &Path, id: &str) -> Result<(), AppError> {
    let dir = fixtures.join("documents").join(id);
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return Ok(());
    };
    let mut pdfs: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "pdf"))
        .collect();
    pdfs.sort();
    for pdf in &pdfs {
        contracts::attach(env, id, &pdf.display().to_string())?;
    }
    let links = dir.join("links.toml");
    if links.exists() {
        sla_ledger::usecases::clauses::link_file(env, id, None, &links.display().to_string())?;
    }
    Ok(())
}

/// `sla-ledger demo`: builds the library and tells what is in it.
pub fn main(out: &str, fixtures: &str, library: Option<&str>) -> Result<(), AppError> {
    let started = std::time::Instant::now();
    let mut env = run(out, fixtures, library)?;
    let elapsed = started.elapsed();
    let rows = statements::list(&env, None, None)?;
    println!(
        "Demo library: {} ({:?}, month end in {:.2} s)",
        env.lib.location(),
        env.lib.backend(),
        elapsed.as_secs_f64()
    );
    super::statements::run(
        &mut env,
        super::statements::StatementsCmd::List {
            period: None,
            contract: None,
            json: false,
        },
    )?;
    let claims = sla_ledger::usecases::claims::list(&env, &Default::default())?;
    println!(
        "{} final statement(s) for {} contract(s); {} credit claim(s) opened.",
        rows.len(),
        env.lib.contract_ids()?.len(),
        claims.len()
    );
    println!(
        "Signed statements (PDF, XLSX, manifest and its .p7s): {}",
        Path::new(out).join("statements").display()
    );
    println!(
        "Try: sla-ledger --library {} statements show {} --trace",
        env.lib.location(),
        rows.first().map(|r| r.number.as_str()).unwrap_or("1")
    );
    Ok(())
}
