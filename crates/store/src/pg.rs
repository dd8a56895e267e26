//! The PostgreSQL side of the backend boundary (issue 17): connecting (the
//! password from the URL, `PGPASSWORD`, a libpq password file or the OS
//! keychain; TLS unless `sslmode=disable`), the migrations in
//! `migrations-pg/`, the write lock, and the schema as text for the
//! snapshot test.

use crate::db::Conn;
use crate::{params, StoreError};
use postgres::config::SslMode;
use std::path::PathBuf;

/// PostgreSQL migrations, applied in order; the `sla_schema` table records
/// how many ran. Never edit a released file: add the next one.
const MIGRATIONS: &[(&str, &str)] = &[
    (
        "0001_init.sql",
        include_str!("../migrations-pg/0001_init.sql"),
    ),
    (
        "0002_team.sql",
        include_str!("../migrations-pg/0002_team.sql"),
    ),
    (
        "0003_requests_forgiving.sql",
        include_str!("../migrations-pg/0003_requests_forgiving.sql"),
    ),
    (
        "0004_reviews.sql",
        include_str!("../migrations-pg/0004_reviews.sql"),
    ),
    (
        "0005_clauses.sql",
        include_str!("../migrations-pg/0005_clauses.sql"),
    ),
    (
        "0006_statement_index.sql",
        include_str!("../migrations-pg/0006_statement_index.sql"),
    ),
];

/// The advisory lock every write of a library takes ("SLALEDGR"): one
/// writer at a time per database, as SQLite's BEGIN IMMEDIATE gives.
pub const WRITE_LOCK: i64 = 0x534C_414C_4544_4752;

/// Whether `location` names a PostgreSQL library rather than a folder.
pub fn is_url(location: &str) -> bool {
    let l = location.trim_start();
    l.starts_with("postgres://") || l.starts_with("postgresql://")
}

/// The URL with its password (if any) replaced, for messages and Settings.
pub fn redact(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    let (auth, host) = match rest.split_once('@') {
        Some((a, h)) => (a, h),
        None => return url.to_string(),
    };
    match auth.split_once(':') {
        Some((user, _)) => format!("{scheme}://{user}:***@{host}"),
        None => url.to_string(),
    }
}

fn open_err(url: &str, message: impl std::fmt::Display) -> StoreError {
    StoreError::Open {
        path: redact(url),
        message: message.to_string(),
    }
}

/// Connects to the library at `url`; returns the connection and the
/// database user it runs as.
pub fn open(url: &str, busy_timeout_ms: u64) -> Result<(Conn, String), StoreError> {
    let mut cfg: postgres::Config = url.parse().map_err(|e| open_err(url, e))?;
    if cfg.get_password().is_none() {
        if let Some(pw) = password_for(&cfg) {
            cfg.password(pw);
        }
    }
    cfg.application_name("sla-ledger");
    let client = match cfg.get_ssl_mode() {
        SslMode::Disable => cfg.connect(postgres::NoTls),
        _ => {
            let tls = native_tls::TlsConnector::new().map_err(|e| open_err(url, e))?;
            cfg.connect(postgres_native_tls::MakeTlsConnector::new(tls))
        }
    }
    .map_err(|e| open_err(url, crate::error::pg(e)))?;
    let conn = Conn::pg(client);
    // A write waits this long for the library's write lock, then is
    // reported busy, as SQLite's busy timeout does.
    conn.batch(&format!(
        "SET lock_timeout = {}; SET TIME ZONE 'UTC'",
        busy_timeout_ms.max(1)
    ))?;
    let user: String = conn
        .query_one("SELECT session_user::text", params![])?
        .get(0)?;
    Ok((conn, user))
}

/// Host, port, database and user of a connection, as libpq's password
/// file and the keychain name them.
fn identity_of(cfg: &postgres::Config) -> [String; 4] {
    let host = match cfg.get_hosts().first() {
        Some(postgres::config::Host::Tcp(h)) => h.clone(),
        _ => "localhost".to_string(),
    };
    let port = cfg.get_ports().first().copied().unwrap_or(5432).to_string();
    let db = cfg.get_dbname().unwrap_or_default().to_string();
    let user = cfg.get_user().unwrap_or_default().to_string();
    [host, port, db, user]
}

/// The keychain account a library's password is kept under:
/// `user@host:port/dbname`.
pub fn keychain_account(url: &str) -> Result<String, StoreError> {
    let cfg: postgres::Config = url.parse().map_err(|e| open_err(url, e))?;
    let [host, port, db, user] = identity_of(&cfg);
    Ok(format!("{user}@{host}:{port}/{db}"))
}

/// The password of a URL that carries none: `PGPASSWORD`, then the libpq
/// password file (`PGPASSFILE`, else `~/.pgpass`), then the OS keychain
/// (service `sla-ledger`, account [`keychain_account`]).
fn password_for(cfg: &postgres::Config) -> Option<Vec<u8>> {
    if let Some(pw) = std::env::var_os("PGPASSWORD").filter(|p| !p.is_empty()) {
        return Some(pw.to_string_lossy().into_owned().into_bytes());
    }
    let [host, port, db, user] = identity_of(cfg);
    let file = std::env::var_os("PGPASSFILE")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".pgpass")));
    if let Some(text) = file.and_then(|f| std::fs::read_to_string(f).ok()) {
        if let Some(pw) = pgpass_lookup(&text, [&host, &port, &db, &user]) {
            return Some(pw.into_bytes());
        }
    }
    crate::secrets::keychain_password(&format!("{user}@{host}:{port}/{db}")).map(String::into_bytes)
}

/// The password of the first line of a libpq password file that matches
/// host, port, database and user (`*` matches anything; `\:` and `\\`
/// are a literal colon and backslash).
pub fn pgpass_lookup(text: &str, want: [&str; 4]) -> Option<String> {
    for line in text.lines() {
        if line.trim_start().starts_with('#') || line.trim().is_empty() {
            continue;
        }
        let mut fields = Vec::new();
        let mut cur = String::new();
        let mut chars = line.chars();
        while let Some(c) = chars.next() {
            match c {
                '\\' => cur.extend(chars.next()),
                ':' if fields.len() < 4 => fields.push(std::mem::take(&mut cur)),
                c => cur.push(c),
            }
        }
        fields.push(cur);
        if fields.len() == 5
            && fields[..4]
                .iter()
                .zip(want)
                .all(|(f, w)| f == "*" || f == w)
        {
            return fields.pop();
        }
    }
    None
}

/// `url` with another database (`db`) and, when given, another user.
pub fn url_with(url: &str, db: &str, user: Option<&str>) -> String {
    let (scheme, rest) = url.split_once("://").unwrap_or(("postgres", url));
    let (auth, hostpath) = match rest.rsplit_once('@') {
        Some((a, h)) => (Some(a), h),
        None => (None, rest),
    };
    let (host, query) = match hostpath.find(['/', '?']) {
        Some(i) => {
            let (h, tail) = hostpath.split_at(i);
            (h, tail.find('?').map(|q| &tail[q..]).unwrap_or(""))
        }
        None => (hostpath, ""),
    };
    let auth = match (user, auth) {
        (Some(u), _) => format!("{u}@"),
        (None, Some(a)) => format!("{a}@"),
        (None, None) => String::new(),
    };
    format!("{scheme}://{auth}{host}/{db}{query}")
}

/// Runs administrative SQL (CREATE DATABASE, CREATE ROLE) on the server
/// at `url`, outside any library: for setting a team library up, and for
/// the tests' throwaway databases.
pub fn admin(url: &str, sql: &str) -> Result<(), StoreError> {
    let (conn, _) = open(url, 10_000)?;
    conn.batch(sql)
}

/// Begins a write: READ COMMITTED, then the library's write lock, so the
/// reads that decide a write see every write committed before it (the
/// same guarantee as SQLite's BEGIN IMMEDIATE), and the audit chain grows
/// one entry at a time, never forking.
pub fn begin_write(conn: &Conn) -> Result<(), StoreError> {
    conn.batch(&format!(
        "BEGIN ISOLATION LEVEL READ COMMITTED; SELECT pg_advisory_xact_lock({WRITE_LOCK})"
    ))
    .inspect_err(|_| {
        let _ = conn.batch("ROLLBACK");
    })
}

fn schema_version(conn: &Conn) -> Result<Option<i64>, StoreError> {
    let exists: bool = conn
        .query_one("SELECT to_regclass('sla_schema') IS NOT NULL", params![])?
        .get(0)?;
    if !exists {
        return Ok(None);
    }
    conn.query_opt("SELECT version FROM sla_schema WHERE one = 1", params![])?
        .map(|r| r.get(0))
        .transpose()
}

/// Applies the migrations not yet applied, under the write lock so that
/// two people opening a new library at once do not both create it. A
/// library already current needs no write (an auditor can open it).
pub fn migrate(conn: &Conn, location: &str) -> Result<(), StoreError> {
    let known = MIGRATIONS.len() as i64;
    let too_new = |v: i64| StoreError::Open {
        path: location.to_string(),
        message: format!(
            "it was written by a newer SLA Ledger (schema {v}, this one knows {known})"
        ),
    };
    match schema_version(conn)? {
        Some(v) if v == known => return Ok(()),
        Some(v) if v > known => return Err(too_new(v)),
        _ => {}
    }
    begin_write(conn)?;
    let out = (|| {
        conn.batch("CREATE TABLE IF NOT EXISTS sla_schema (one BIGINT PRIMARY KEY CHECK (one = 1), version BIGINT NOT NULL)")?;
        let applied = schema_version(conn)?.unwrap_or(0);
        if applied > known {
            return Err(too_new(applied));
        }
        for (_, sql) in &MIGRATIONS[applied as usize..] {
            conn.batch(sql)?;
        }
        conn.execute(
            "INSERT INTO sla_schema (one, version) VALUES (1, ?1) ON CONFLICT (one) DO UPDATE SET version = excluded.version",
            params![known],
        )?;
        Ok(())
    })();
    match out {
        Ok(()) => conn.batch("COMMIT"),
        Err(e) => {
            let _ = conn.batch("ROLLBACK");
            Err(e)
        }
    }
}

/// The schema as PostgreSQL's catalog describes it, in a stable order:
/// columns, constraints, indexes, triggers and functions.
pub fn schema_text(conn: &Conn) -> Result<String, StoreError> {
    let parts = [
        ("columns", "SELECT table_name::text, column_name::text || ' ' || data_type::text || CASE WHEN is_nullable = 'NO' THEN ' NOT NULL' ELSE '' END || coalesce(' COLLATE ' || collation_name::text, '') || coalesce(' DEFAULT ' || column_default::text, '') || CASE WHEN is_identity = 'YES' THEN ' IDENTITY ' || identity_generation::text ELSE '' END FROM information_schema.columns WHERE table_schema = current_schema() ORDER BY table_name, ordinal_position"),
        ("constraints", "SELECT c.conrelid::regclass::text, c.conname::text || ': ' || pg_get_constraintdef(c.oid) FROM pg_constraint c WHERE c.connamespace = current_schema()::regnamespace ORDER BY 1, 2"),
        ("indexes", "SELECT tablename::text, indexdef FROM pg_indexes WHERE schemaname = current_schema() ORDER BY 1, 2"),
        ("triggers", "SELECT t.tgrelid::regclass::text, pg_get_triggerdef(t.oid) FROM pg_trigger t JOIN pg_class r ON r.oid = t.tgrelid WHERE NOT t.tgisinternal AND r.relnamespace = current_schema()::regnamespace ORDER BY 1, 2"),
        ("functions", "SELECT p.proname::text, pg_get_functiondef(p.oid) FROM pg_proc p WHERE p.pronamespace = current_schema()::regnamespace ORDER BY 1, 2"),
    ];
    let mut out = String::new();
    for (title, q) in parts {
        out.push_str(&format!("-- {title}\n"));
        for r in conn.query(q, params![])? {
            out.push_str(&format!(
                "{}: {}\n",
                r.get::<String>(0)?,
                r.get::<String>(1)?
            ));
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn issue17_pgpass_lines_match_with_wildcards_and_escapes() {
        let text = "# comment\nother:5432:*:*:nope\ndb.example:*:ledger:ann:s\\:cret\\\\x\n";
        assert_eq!(
            pgpass_lookup(text, ["db.example", "6543", "ledger", "ann"]).as_deref(),
            Some("s:cret\\x")
        );
        assert_eq!(pgpass_lookup(text, ["db.example", "1", "x", "ann"]), None);
    }

    #[test]
    fn issue17_urls_are_shown_without_their_password() {
        assert_eq!(
            redact("postgres://ann:hunter2@db:5432/ledger"),
            "postgres://ann:***@db:5432/ledger"
        );
        assert_eq!(
            redact("postgres://ann@db/ledger"),
            "postgres://ann@db/ledger"
        );
        assert!(is_url("postgresql://x/y") && !is_url("/home/ann/library"));
        assert_eq!(
            url_with(
                "postgres://ann@db:5432/postgres?sslmode=disable",
                "lib",
                Some("bob")
            ),
            "postgres://bob@db:5432/lib?sslmode=disable"
        );
        assert_eq!(url_with("postgres://db", "lib", None), "postgres://db/lib");
    }
}
