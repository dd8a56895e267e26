//! The bodies of the fuzz targets, shared by the libFuzzer binaries in
//! `fuzz_targets/` and by the stable regression test in
//! `tests/regressions.rs`, which replays every committed seed and every
//! minimised crash through the very same code.
//!
//! Each function must return on every input: no panic, no abort, no hang.
//! What they return (`Ok` or `Err`) does not matter.

use sla_engine::Terms;

#[cfg(feature = "import")]
mod import;
#[cfg(feature = "import")]
pub use import::{csv, ics, preset_json, workbook, xlsx_sheet};

/// Target `backup_archive`: a backup archive as `library restore` reads it
/// (issue 18), members written nowhere. Small limits, so that the sizes a
/// header declares meet them.
#[cfg(feature = "store")]
pub fn backup_archive(data: &[u8]) {
    use sla_store::backup::{read_archive, Limits};
    let limits = Limits {
        members: 64,
        database_bytes: 1 << 20,
        document_bytes: 1 << 16,
        total_bytes: 1 << 21,
        manifest_bytes: 1 << 16,
    };
    let _ = read_archive(data, &limits, &mut |_| Ok(Box::new(std::io::sink())));
}

/// Target `key_file`: an encrypted library's `library.key` (issue 18), as
/// opening a library folder or restoring a backup reads it; the key
/// derivation itself is not run (its cost is what the limits bound).
#[cfg(feature = "store")]
pub fn key_file(data: &[u8]) {
    let _ = sla_store::crypt::check_key_file(data);
}

/// Target `terms`: a terms file as text. Input that is not UTF-8 is
/// skipped (a terms file is read as UTF-8 before it is parsed).
pub fn terms(data: &[u8]) {
    if let Ok(text) = std::str::from_utf8(data) {
        let terms = Terms::parse(text);
        // The scope a compute reads events with before the terms are
        // checked (issue 15). A guess may differ from the checked terms
        // (it is then read again), but where the terms are valid and the
        // guess is the parser's, it must be their scope.
        let guess = sla_engine::terms::TermsScope::guess(text);
        if let (Ok(t), Some(g)) = (&terms, &guess) {
            if g.service_ids.len() == t.services.len() && *g != t.scope() {
                panic!("a guess with every service is not the checked scope: {g:?}");
            }
        }
    }
}

/// Target `openslo_import`: an OpenSLO YAML file as text, read into
/// objectives. Input that is not UTF-8 is skipped (the file is read as
/// UTF-8 before it is parsed).
pub fn openslo_import(data: &[u8]) {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = sla_governance::openslo::import(text);
    }
}

/// Target `pdf_verify`: the bytes of a (signed) PDF, and the same bytes as
/// a detached CMS signature.
pub fn pdf_verify(data: &[u8]) {
    let _ = sla_export::sign::verify_pdf(data);
    let _ = sla_export::sign::check_cms(data, &[0u8; 32]);
    let _ = sla_export::sign::pdf_info(data, "SlaLedgerStatement");
}
