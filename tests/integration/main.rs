//! The one integration-test binary (ripgrep style): golden cases over
//! `fixtures/cases`, the CLI run as a user runs it, property tests of the
//! spec's invariants, and regressions named after their issue.

mod app;
mod cli;
mod exports;
mod golden;
mod governance;
mod issue13;
mod issue13_v2;
mod issue15_parallel;
mod issue15_preview;
mod issue16;
mod issue17;
mod issue17_store;
mod issue17_team;
mod issue18_backup;
mod issue18_clauses;
mod issue18_encrypted;
mod issue18_encrypted_backup;
mod issue18_review;
mod library;
mod oracle;
mod presets;
mod properties;
mod properties_v2;
mod trust;
mod util;
mod verbs;
