//! Printing results: `--json` documents, text to stdout or a file.

use serde::Serialize;
use sla_ledger::AppError;

/// Prints `v` as pretty JSON (the `--json` output of every verb).
pub fn json<T: Serialize>(v: &T) -> Result<(), AppError> {
    println!("{}", serde_json::to_string_pretty(v).expect("serialises"));
    Ok(())
}

/// Writes `text` to `out`, or prints it when there is no file.
pub fn write_out(out: Option<&str>, text: &str) -> Result<(), AppError> {
    match out {
        Some(path) => std::fs::write(path, text).map_err(|source| AppError::WriteFile {
            path: path.into(),
            source,
        }),
        None => {
            print!("{text}");
            Ok(())
        }
    }
}
