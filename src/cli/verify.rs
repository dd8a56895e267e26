//! `verify`: exported PDFs, workbooks and manifests against trusted
//! certificates and, when there is one, the library's record.

use sla_ledger::usecases::verify::{self, VerifyReport, EXIT_BROKEN};
use sla_ledger::{AppError, Session};

pub fn run(
    library: Option<&str>,
    actor: Option<&str>,
    files: &[String],
    trust: &[String],
    as_json: bool,
) -> Result<(), AppError> {
    // A library is used when one is named or exists; verify works without
    // one when the signer's certificate is given (--trust).
    let dir = sla_ledger::library_dir(library)
        .ok()
        .filter(|d| d.join(sla_ledger::sla_store::DB_FILE).exists());
    let s = dir.map(|d| Session::open(&d, actor)).transpose()?;
    let report = verify::files(s.as_ref(), files, trust)?;
    if as_json {
        super::output::json(&report)?;
    } else {
        print(&report);
    }
    outcome(&report)
}

fn print(report: &VerifyReport) {
    for f in &report.findings {
        println!(
            "{}  {}: {}: {}",
            match (f.holds, f.kind.as_str()) {
                (_, "note") => "NOTE",
                (true, _) => "OK  ",
                (false, "trust") => "UNTRUSTED",
                (false, _) => "FAIL",
            },
            f.file,
            f.check,
            f.detail
        );
    }
    for v in &report.files {
        println!("{}: {}: {}", v.file, v.state.to_uppercase(), v.summary);
    }
}

/// The worst state decides the exit status: 3 broken, 4 untrusted.
fn outcome(report: &VerifyReport) -> Result<(), AppError> {
    let count = |state: &str| report.files.iter().filter(|f| f.state == state).count();
    match report.exit_code() {
        0 => Ok(()),
        EXIT_BROKEN => Err(AppError::Integrity(format!(
            "{} file(s) do not hold",
            count("broken")
        ))),
        _ => Err(AppError::Untrusted(format!(
            "{} file(s) are intact but not signed by a trusted certificate",
            count("untrusted")
        ))),
    }
}
