//! Where a PostgreSQL library's password comes from when its URL has none
//! and neither `PGPASSWORD` nor a libpq password file gives one: the OS
//! keychain (macOS Keychain, Windows Credential Manager, the Linux kernel
//! keyring), under service `sla-ledger` and account
//! `user@host:port/dbname`. Settings keep only the URL, never a password.

pub const SERVICE: &str = "sla-ledger";

/// The password stored for `account`, if the keychain has one.
pub fn keychain_password(account: &str) -> Option<String> {
    keyring::Entry::new(SERVICE, account)
        .ok()?
        .get_password()
        .ok()
}

/// Stores the password for `account` in the keychain.
pub fn store_keychain_password(account: &str, password: &str) -> Result<(), String> {
    keyring::Entry::new(SERVICE, account)
        .and_then(|e| e.set_password(password))
        .map_err(|e| format!("cannot store the password in the OS keychain: {e}"))
}
