//! `sla-ledger demo --out DIR`: a fresh library built from `fixtures/`, every
//! fixture contract's month imported, run and finalized, end to end.

use crate::library_cli::Env;
use sla_ledger::sla_store::evidence::ImportRequest;
use sla_ledger::sla_store::Library;
use sla_ledger::{context, open_library, AppError};
use std::path::{Path, PathBuf};

const MARKER: &str = ".sla-ledger-demo";

/// The case folders a demo uses: not the bad-input cases, and one case per
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

pub fn run(out: &str, fixtures: &str) -> Result<Env, AppError> {
    let out = Path::new(out);
    let mut env = Env {
        lib: fresh_library(out)?,
        ctx: context(Some("demo"))?,
    };
    let mut months: Vec<(String, String)> = Vec::new();
    for case in cases(Path::new(fixtures))? {
        let terms_path = case.join("terms.toml").display().to_string();
        let terms = sla_ledger::load_terms(&terms_path)?;
        let id = terms.contract.id.clone();
        if env.lib.versions(&id).is_err() {
            env.lib.add_contract(&env.ctx, &terms_path)?;
        }
        for (name, kind) in [
            ("events.xlsx", None),
            ("events.ods", None),
            ("events.xls", None),
            ("outages.csv", Some(0)),
            ("maintenance.csv", Some(1)),
            ("incidents.csv", Some(2)),
        ] {
            let f = case.join(name);
            if f.exists() {
                let file = f.display().to_string();
                let req = ImportRequest {
                    file: &file,
                    source_label: "fixtures",
                    contract: Some(&id),
                    kind: kind.map(|k| sla_ledger::sla_import::Kind::ALL[k]),
                };
                env.lib.import(&env.ctx, &req, &mut |_| true)?;
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
    let id = sla_ledger::sla_export::Identity::create(
        "Example Hosting Ltd",
        "Statements signing",
        env.ctx.now,
    )
    .map_err(|e| AppError::Usage(e.to_string()))?;
    sla_ledger::trust::set_identity(&mut env.lib, &env.ctx, &id)?;
    let statements_dir = out.join("statements");
    for (contract, period) in &months {
        env.lib.run_statements(&env.ctx, period, Some(contract))?;
        for s in sla_ledger::trust::finalize(&mut env.lib, &env.ctx, period, Some(contract))? {
            sla_ledger::export::export_statement(
                &mut env.lib,
                &env.ctx,
                &s.number,
                &statements_dir,
            )?;
        }
    }
    governance(&env, out, Path::new(fixtures), &months)?;
    Ok(env)
}

/// The governance half of the demo: objectives and budgets from
/// `fixtures/governance`, breach notices for every month run, and the
/// due-diligence and executive reports of the whole library.
fn governance(
    env: &Env,
    out: &Path,
    fixtures: &Path,
    months: &[(String, String)],
) -> Result<(), AppError> {
    use sla_ledger::governance as gov;
    let dir = env.lib.dir();
    let g = fixtures.join("governance");
    let s = |p: PathBuf| p.display().to_string();
    gov::slo_import(dir, &s(g.join("slos.yaml")))?;
    gov::slo_policy(dir, &s(g.join("policy.toml")))?;
    gov::requests_import(dir, &s(g.join("requests.csv")), "UTC", "fixtures")?;
    let gdir = out.join("governance");
    std::fs::create_dir_all(&gdir).map_err(|source| AppError::ReadFile {
        path: gdir.display().to_string(),
        source,
    })?;
    let status = gov::slo_status(dir)?;
    let status_file = gdir.join("slo-status.json");
    std::fs::write(
        &status_file,
        serde_json::to_string_pretty(&status).expect("serialises"),
    )
    .map_err(|source| AppError::ReadFile {
        path: status_file.display().to_string(),
        source,
    })?;
    let mut periods: Vec<&String> = months.iter().map(|(_, p)| p).collect();
    periods.sort();
    periods.dedup();
    let mut notices = 0;
    for p in &periods {
        notices += gov::write_notices(dir, p, &gdir.join("notices").join(p), None)?.len();
    }
    let last = periods.last().map(|p| p.to_string()).unwrap_or_default();
    let reports = gdir.join("reports");
    let dd = gov::export_diligence(
        dir,
        &gov::DiligenceRequest {
            until: last.clone(),
            months: 12,
            contracts: vec![],
            cap_limit: "50".into(),
            what_if_uptime: "99.5".into(),
        },
        &reports,
    )?;
    let ex = gov::export_executive(dir, &last, 12, &reports)?;
    println!(
        "Governance: {} objective(s) evaluated ({}), {notices} breach notice set(s) drafted in {}, reports {} and {}.",
        status.budgets.len(),
        status_file.display(),
        gdir.join("notices").display(),
        dd.pdf,
        ex.pdf
    );
    Ok(())
}
