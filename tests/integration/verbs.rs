//! Issue 12: the CLI and the desktop app are thin adapters over the same
//! use-case functions. This table names, for each thing a person can do,
//! the CLI verb, the Tauri command and the one function of
//! `sla_ledger::usecases` both must call; the test reads the adapters'
//! source and fails when one of them reaches somewhere else (or when a new
//! Tauri command is not in the table).

/// (CLI verb, the CLI file that handles it, Tauri command or "", use case).
const VERBS: &[(&str, &str, &str, &str)] = &[
    (
        "contracts add",
        "contracts",
        "add_contract",
        "contracts::add",
    ),
    (
        "contracts list",
        "contracts",
        "list_contracts",
        "contracts::list",
    ),
    (
        "contracts show",
        "contracts",
        "contract_detail",
        "contracts::detail",
    ),
    (
        "contracts diff",
        "contracts",
        "diff_versions",
        "contracts::diff",
    ),
    ("contracts amend", "contracts", "", "contracts::amend_file"),
    ("", "", "amend_terms", "contracts::amend_form"),
    ("", "", "terms_form", "contracts::form"),
    ("", "", "terms_list_edit", "contracts::form_list_edit"),
    ("", "", "check_terms", "contracts::form_check"),
    (
        "contracts export",
        "contracts",
        "",
        "contracts::export_terms",
    ),
    ("contracts attach", "contracts", "", "contracts::attach"),
    (
        "contracts calendar import",
        "contracts",
        "",
        "contracts::import_calendar",
    ),
    ("import", "import", "import_file", "evidence::import"),
    (
        "evidence withdraw",
        "evidence",
        "withdraw_import",
        "evidence::withdraw",
    ),
    (
        "statements discard",
        "statements",
        "discard_draft",
        "statements::discard",
    ),
    ("", "", "first_run", "welcome::first_run"),
    ("", "", "open_sample", "welcome::open_sample"),
    (
        "import --dry-run",
        "import",
        "import_preview",
        "evidence::preview",
    ),
    (
        "import --list-presets",
        "import",
        "list_presets",
        "presets::list",
    ),
    ("", "", "detect_preset", "presets::detect"),
    ("", "", "inspect_file", "evidence::inspect_file"),
    (
        "statements run",
        "statements",
        "run_month",
        "statements::run",
    ),
    (
        "statements list",
        "statements",
        "statements",
        "statements::list",
    ),
    (
        "statements show",
        "statements",
        "statement",
        "statements::show",
    ),
    (
        "statements finalize",
        "statements",
        "finalize_month",
        "statements::finalize",
    ),
    (
        "statements export",
        "statements",
        "export_month",
        "statements::export",
    ),
    (
        "statements restate",
        "statements",
        "",
        "statements::restate",
    ),
    ("claims list", "claims", "claims", "claims::list"),
    ("claims update", "claims", "", "claims::update"),
    ("audit list", "audit", "audit", "audit::list"),
    ("audit verify", "audit", "audit_verify", "audit::verify"),
    ("audit checkpoint", "audit", "", "audit::checkpoint"),
    ("library copy", "library", "", "library::copy"),
    ("library password", "library", "", "library::store_password"),
    (
        "identity create",
        "identity",
        "create_identity",
        "identity::create",
    ),
    ("identity import", "identity", "", "identity::import"),
    ("identity show", "identity", "", "identity::show"),
    (
        "identity export",
        "identity",
        "",
        "identity::export_certificate",
    ),
    ("verify", "verify", "verify_files", "verify::files"),
    ("report credits", "report", "", "reports::credits"),
    ("", "", "dashboard", "reports::dashboard"),
    ("", "", "library_info", "session::library_info"),
    ("", "", "settings", "session::settings"),
    ("", "", "save_settings", "session::save_settings"),
    ("", "", "switch_library", "session::check_library"),
    ("slo import", "slo", "slo_import", "slo::import"),
    ("slo export", "slo", "", "slo::export"),
    ("slo export --out", "slo", "slo_export", "slo::export_to"),
    ("slo policy", "slo", "slo_policy", "slo::set_policy"),
    ("slo except", "slo", "slo_exception", "slo::add_exception"),
    (
        "slo requests",
        "slo",
        "requests_import",
        "slo::import_requests",
    ),
    ("slo status", "slo", "slo_status", "slo::status"),
    ("diligence", "governance", "diligence", "diligence::report"),
    // Issue 18.
    ("review", "review", "review_report", "review::report"),
    ("review mark", "review", "review_mark", "review::mark"),
    (
        "library backup",
        "library",
        "library_backup",
        "library::backup",
    ),
    (
        "library create",
        "library",
        "create_library",
        "library::create",
    ),
    ("library rekey", "library", "", "library::rekey"),
    (
        "library unlock",
        "library",
        "unlock_library",
        "library::unlock",
    ),
    (
        "contracts sources",
        "contracts",
        "clause_sources",
        "clauses::sources",
    ),
    (
        "contracts suggest-links",
        "contracts",
        "clause_suggest",
        "clauses::suggest",
    ),
    (
        "contracts link",
        "contracts",
        "clause_link",
        "clauses::link",
    ),
    (
        "diligence --out",
        "governance",
        "export_diligence",
        "diligence::export",
    ),
    (
        "executive",
        "governance",
        "export_executive",
        "executive::export",
    ),
    ("coverage", "governance", "coverage", "coverage::coverage"),
    ("notices", "governance", "breach_notices", "notices::draft"),
    (
        "compare",
        "governance",
        "two_methods",
        "compare::two_methods",
    ),
    ("", "", "notice_templates", "notices::templates"),
    ("", "", "save_notice_templates", "notices::save_templates"),
];

/// Commands that only steer the shell (cancel flags), with no use case.
const SHELL_ONLY: &[&str] = &["cancel_import", "cancel_batch"];

fn read(path: &str) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// The body of the Tauri command `name` (up to the next command).
fn command_body<'a>(shell: &'a str, name: &str) -> &'a str {
    let start = shell
        .find(&format!("fn {name}("))
        .unwrap_or_else(|| panic!("no Tauri command `{name}`"));
    let rest = &shell[start..];
    let end = rest[1..]
        .find("#[tauri::command")
        .map_or(rest.len(), |e| e + 1);
    &rest[..end]
}

#[test]
fn issue12_the_cli_and_the_app_reach_the_same_use_case_for_each_verb() {
    let shell = read("src-tauri/src/lib.rs");
    let mut wrong = Vec::new();
    for (verb, file, command, usecase) in VERBS {
        // Called (`f(`) or passed as the function to run (`f)`).
        let calls = |text: &str| {
            text.contains(&format!("{usecase}(")) || text.contains(&format!("{usecase})"))
        };
        if !file.is_empty() && !calls(&read(&format!("src/cli/{file}.rs"))) {
            wrong.push(format!(
                "CLI `{verb}` (src/cli/{file}.rs) does not call {usecase}"
            ));
        }
        if !command.is_empty() && !calls(command_body(&shell, command)) {
            wrong.push(format!("Tauri command `{command}` does not call {usecase}"));
        }
    }
    // Every command the app registers is in the table.
    let handlers = &shell[shell.find("generate_handler![").expect("handler list")..];
    let handlers = &handlers[..handlers.find(']').unwrap()];
    for name in handlers
        .trim_start_matches("generate_handler![")
        .split(',')
        .map(str::trim)
        .filter(|n| !n.is_empty())
    {
        if !SHELL_ONLY.contains(&name) && !VERBS.iter().any(|v| v.2 == name) {
            wrong.push(format!("Tauri command `{name}` is not in the verb table"));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn issue12_a_tauri_command_is_one_call_with_no_logic() {
    // No SQL, no store, no engine in the shell: only use cases.
    let shell = read("src-tauri/src/lib.rs");
    for forbidden in [
        "sla_store::Library",
        ".lib.",
        "sla_engine::compute",
        "sla_import::read",
        "SELECT ",
    ] {
        assert!(!shell.contains(forbidden), "the shell uses `{forbidden}`");
    }
}

#[test]
fn issue12_every_error_code_is_documented() {
    let doc = read("docs/errors.md");
    for code in sla_ledger::Code::ALL {
        let row = format!("| `{}` | {} |", code.as_str(), code.exit_code());
        assert!(doc.contains(&row), "docs/errors.md has no row `{row}`");
        assert_eq!(
            serde_json::to_string(&code).unwrap(),
            format!("\"{}\"", code.as_str())
        );
    }
    let rows = doc.lines().filter(|l| l.starts_with("| `E-")).count();
    assert_eq!(
        rows,
        sla_ledger::Code::ALL.len(),
        "a documented code is not in Code::ALL"
    );
}
