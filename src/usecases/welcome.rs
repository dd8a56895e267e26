//! The first run (issue 16): with no library yet, the app offers to create
//! one, open one, or explore a sample built from the fixtures. A sample
//! library says so for good (library meta `sample`): on every screen and
//! on every statement it produces.

use super::session::{self, LibraryInfo};
use super::{contracts, evidence, statements, Session};
use crate::AppError;
use serde::Serialize;
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;

/// What the app shows first.
#[derive(Debug, Clone, Serialize, ts_rs::TS, PartialEq, Eq)]
#[ts(export)]
pub struct FirstRun {
    /// No library was chosen and none exists where the app would open one.
    pub first_run: bool,
    /// Where a new library would go by default.
    pub suggested: String,
    /// The library to open is encrypted and no passphrase is at hand yet
    /// (issue 18): the app asks for it first.
    pub locked: bool,
}

/// `chosen`: a library was named (environment) or remembered from the
/// last run; then there is no first run, whatever the folder holds.
pub fn first_run(dir: &Path, chosen: bool) -> FirstRun {
    FirstRun {
        first_run: !chosen && !dir.join(sla_store::DB_FILE).exists(),
        suggested: dir.display().to_string(),
        // Unlocked already in this process, or by the environment or the
        // keychain, it opens without asking.
        locked: sla_store::crypt::is_encrypted(dir) && sla_store::crypt::keys_for(dir).is_err(),
    }
}

/// Whether a library is the sample one.
pub fn is_sample(s: &Session) -> Result<bool, AppError> {
    Ok(s.lib.meta("sample")?.as_deref() == Some("true"))
}

/// The sample's contracts and evidence, compiled in so that an installed
/// app needs no fixtures folder: (case, file, kind), and the months run.
const FILES: &[(&str, &str, &str)] = &[
    (
        "spec-s6-full-example",
        "terms.toml",
        include_str!("../../fixtures/cases/spec-s6-full-example/terms.toml"),
    ),
    (
        "spec-s6-full-example",
        "outages.csv",
        include_str!("../../fixtures/cases/spec-s6-full-example/outages.csv"),
    ),
    (
        "spec-s6-full-example",
        "maintenance.csv",
        include_str!("../../fixtures/cases/spec-s6-full-example/maintenance.csv"),
    ),
    (
        "spec-s6-full-example",
        "incidents.csv",
        include_str!("../../fixtures/cases/spec-s6-full-example/incidents.csv"),
    ),
    (
        "dst-london-october",
        "terms.toml",
        include_str!("../../fixtures/cases/dst-london-october/terms.toml"),
    ),
    (
        "dst-london-october",
        "outages.csv",
        include_str!("../../fixtures/cases/dst-london-october/outages.csv"),
    ),
    (
        "real-github-enterprise-quarterly",
        "terms.toml",
        include_str!("../../fixtures/cases/real-github-enterprise-quarterly/terms.toml"),
    ),
    (
        "real-github-enterprise-quarterly",
        "outages.csv",
        include_str!("../../fixtures/cases/real-github-enterprise-quarterly/outages.csv"),
    ),
];
const MONTHS: [&str; 2] = ["2026-03", "2026-10"];

/// Opens the sample library in `dir`, building it on first use: three
/// contracts (New York, London across its DST change, a quarterly GitHub
/// Enterprise term) with their evidence, and their months run and
/// finalized. Marked as a sample for good.
pub fn open_sample(dir: &Path) -> Result<LibraryInfo, AppError> {
    let mut s = Session::open(dir, None)?;
    if s.lib.contract_ids()?.is_empty() {
        s.lib.set_meta_once("sample", "true")?;
        build(&mut s, dir)?;
    } else if !is_sample(&s)? {
        return Err(AppError::invalid(
            crate::Code::Value,
            format!(
                "{} holds a library that is not the sample: choose another folder",
                dir.display()
            ),
        ));
    }
    session::library_info(&s)
}

fn build(s: &mut Session, dir: &Path) -> Result<(), AppError> {
    let src = dir.join("sample-files");
    let write = |case: &str, name: &str, text: &str| -> Result<PathBuf, AppError> {
        let p = src.join(case).join(name);
        std::fs::create_dir_all(src.join(case))
            .and_then(|_| std::fs::write(&p, text))
            .map_err(|source| AppError::WriteFile {
                path: p.display().to_string(),
                source,
            })?;
        Ok(p)
    };
    let never = AtomicBool::new(false);
    // Each case's terms come before its evidence in FILES.
    let mut ids: Vec<(&str, String)> = Vec::new();
    for (case, name, text) in FILES {
        let p = write(case, name, text)?.display().to_string();
        if *name == "terms.toml" {
            ids.push((case, contracts::add(s, &p, &[])?));
            continue;
        }
        let contract = ids
            .iter()
            .find(|(c, _)| c == case)
            .map(|(_, id)| id.as_str());
        let what = evidence::ImportFile {
            file: &p,
            source: "sample",
            contract,
            kind: name.strip_suffix(".csv"),
            mapping: None,
            preset: None,
        };
        evidence::import(s, &what, &never, &mut |_| {})?;
    }
    for m in MONTHS {
        statements::run(s, m, None, &never, &mut |_| {})?;
        statements::finalize(s, m, None)?;
    }
    Ok(())
}
