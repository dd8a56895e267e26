//! Replays every committed seed (`corpus/<target>/*`) and every minimised
//! crash (`regressions/<target>-<name>`) through the fuzz target bodies.
//! Runs on stable, without libFuzzer:
//!
//!     cargo test --manifest-path fuzz/Cargo.toml
//!
//! A file in `regressions/` is named `<target>-<short-name>`, where
//! `<target>` is one of the fuzz targets; the test fails on a name that
//! matches none, so a new crash cannot be filed and silently skipped.

use std::fs;
use std::path::{Path, PathBuf};

const TARGETS: [&str; 12] = [
    "terms",
    "pdf_verify",
    "openslo_import",
    "csv",
    "xlsx",
    "xlsx_sheet",
    "ods",
    "xls",
    "preset_json",
    "ics",
    "backup_archive",
    "key_file",
];

fn run(target: &str, data: &[u8]) {
    match target {
        "terms" => sla_ledger_fuzz::terms(data),
        "pdf_verify" => sla_ledger_fuzz::pdf_verify(data),
        "openslo_import" => sla_ledger_fuzz::openslo_import(data),
        #[cfg(feature = "import")]
        "csv" => sla_ledger_fuzz::csv(data),
        #[cfg(feature = "import")]
        "xlsx" | "ods" | "xls" => sla_ledger_fuzz::workbook(data, target),
        #[cfg(feature = "import")]
        "xlsx_sheet" => sla_ledger_fuzz::xlsx_sheet(data),
        #[cfg(feature = "import")]
        "preset_json" => sla_ledger_fuzz::preset_json(data),
        #[cfg(feature = "import")]
        "ics" => sla_ledger_fuzz::ics(data),
        #[cfg(not(feature = "import"))]
        "csv" | "xlsx" | "xlsx_sheet" | "ods" | "xls" | "preset_json" | "ics" => {
            eprintln!("skipped: built without feature `import`")
        }
        #[cfg(feature = "store")]
        "backup_archive" => sla_ledger_fuzz::backup_archive(data),
        #[cfg(feature = "store")]
        "key_file" => sla_ledger_fuzz::key_file(data),
        #[cfg(not(feature = "store"))]
        "backup_archive" | "key_file" => eprintln!("skipped: built without feature `store`"),
        other => panic!("no fuzz target `{other}`"),
    }
}

fn files(dir: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = match fs::read_dir(dir) {
        Ok(rd) => rd
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.is_file())
            .collect(),
        Err(_) => Vec::new(),
    };
    out.sort();
    out
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The target a regression file belongs to: the longest target name that,
/// followed by `-`, starts the file name (`pdf_verify-...`, `xlsx-...`).
fn target_of(name: &str) -> Option<&'static str> {
    TARGETS
        .iter()
        .copied()
        .filter(|t| name.starts_with(&format!("{t}-")))
        .max_by_key(|t| t.len())
}

#[test]
fn regressions_do_not_panic() {
    let dir = root().join("regressions");
    for path in files(&dir) {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if name == "README.md" {
            continue;
        }
        let target = target_of(&name)
            .unwrap_or_else(|| panic!("regressions/{name}: the name does not start with a target"));
        eprintln!("regressions/{name} -> {target}");
        run(target, &fs::read(&path).unwrap());
    }
}

#[test]
fn seeds_do_not_panic() {
    let mut n = 0;
    for target in TARGETS {
        for path in files(&root().join("corpus").join(target)) {
            run(target, &fs::read(&path).unwrap());
            n += 1;
        }
    }
    assert!(n > 0, "no seed found under corpus/");
}
