//! The session every use case runs in: the library, who acts and when,
//! resolved once at the edge (CLI flags, the app's Settings) and carried
//! down. Nothing below reads the clock or the environment for these.

use crate::AppError;
use serde::{Deserialize, Serialize};
use sla_store::{Ctx, Library};
use std::path::{Path, PathBuf};

/// A library opened for one action: the library, and the actor and time
/// every audit entry of the action is written with.
pub struct Session {
    pub lib: Library,
    pub ctx: Ctx,
}

impl Session {
    /// Opens the library in `dir` for `actor` (see [`session_context`] for
    /// how the actor is chosen when `None`).
    pub fn open(dir: &Path, actor: Option<&str>) -> Result<Session, AppError> {
        let lib = open_library(dir)?;
        let ctx = session_context(&lib, actor)?;
        Ok(Session { lib, ctx })
    }

    /// A session over a library already open, with a context chosen by the
    /// caller (the demo, tests).
    pub fn new(lib: Library, ctx: Ctx) -> Session {
        Session { lib, ctx }
    }

    pub fn dir(&self) -> &Path {
        self.lib.dir()
    }
}

/// Where the library lives: `--library`, else `SLA_LEDGER_LIBRARY`, else the
/// platform data directory.
pub fn library_dir(flag: Option<&str>) -> Result<PathBuf, AppError> {
    if let Some(p) = flag {
        return Ok(PathBuf::from(p));
    }
    if let Some(p) = std::env::var_os("SLA_LEDGER_LIBRARY").filter(|p| !p.is_empty()) {
        return Ok(PathBuf::from(p));
    }
    Library::default_dir().ok_or_else(|| {
        AppError::Usage("no home directory to keep a library in: pass --library PATH".into())
    })
}

/// Opens (creating on first use) the library in `dir`.
///
/// The test clock (`SLA_LEDGER_NOW`) back-dates every audit entry it stamps,
/// so it is refused for a library that was not created with it: a library
/// made while it is set is marked as running on a test clock (for good;
/// `audit verify` says so), and any other library refuses to open under it.
///
/// A location that is a `postgres://` URL opens a team library on
/// PostgreSQL (issue 17); its local folder (signing identity, exports) is
/// [`team_local_dir`].
pub fn open_library(dir: &Path) -> Result<Library, AppError> {
    let timeout = std::env::var("SLA_LEDGER_BUSY_TIMEOUT_MS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(sla_store::DEFAULT_BUSY_TIMEOUT_MS);
    let location = dir.to_string_lossy();
    let mut lib = if sla_store::pg::is_url(&location) {
        Library::open_pg(location.trim(), &team_local_dir(&location)?, timeout)?
    } else {
        Library::open(dir, timeout)?
    };
    if std::env::var_os("SLA_LEDGER_NOW").is_some_and(|v| !v.is_empty()) {
        match lib.meta("clock")?.as_deref() {
            Some("test") => {}
            _ if lib.is_empty()? => lib.set_meta_once("clock", "test")?,
            _ => {
                return Err(AppError::Usage(format!(
                    "SLA_LEDGER_NOW is set, but the library at {} was not created with a test clock: its audit entries would be back-dated. Unset SLA_LEDGER_NOW (it is for tests and demos of a library made with it)",
                    lib.location()
                )))
            }
        }
    }
    Ok(lib)
}

/// This machine's folder for a team library on PostgreSQL: its signing
/// identity and default export folder (the data is in the database). One
/// per database, named by a hash of the URL without its password.
pub fn team_local_dir(url: &str) -> Result<PathBuf, AppError> {
    let base = Library::default_dir().ok_or_else(|| {
        AppError::Usage(
            "no home directory to keep this machine's files of the team library in".into(),
        )
    })?;
    let key = sla_store::sha256_hex(sla_store::pg::redact(url.trim()).as_bytes());
    Ok(base.join("team").join(&key[..16]))
}

/// The actor and the time of an action without a library: `actor`, else
/// `SLA_LEDGER_ACTOR`, else the login name; `SLA_LEDGER_NOW` (RFC 3339) or
/// the system clock.
pub fn context(actor: Option<&str>) -> Result<Ctx, AppError> {
    let actor = actor
        .map(str::to_string)
        .or_else(|| std::env::var("SLA_LEDGER_ACTOR").ok())
        .or_else(|| std::env::var("USER").ok())
        .filter(|a| !a.trim().is_empty())
        .unwrap_or_else(|| "unknown".into());
    let now = match std::env::var("SLA_LEDGER_NOW") {
        Ok(v) => sla_engine::time::parse_instant(&v, chrono_tz::UTC)
            .map_err(|e| AppError::Usage(format!("SLA_LEDGER_NOW: {e}")))?,
        Err(_) => std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs() as i64)
            .unwrap_or(0),
    };
    Ok(Ctx { actor, now })
}

/// The context of an action on a library, resolved one way for the CLI and
/// the app alike: the actor given explicitly (`--actor`), else
/// `SLA_LEDGER_ACTOR`, else the name set in the library's Settings, else the
/// login name; the time as [`context`] reads it.
pub fn session_context(lib: &Library, explicit: Option<&str>) -> Result<Ctx, AppError> {
    // On a team library the actor is the database user: the name the
    // database's grants and four-eyes check know, so it cannot be chosen.
    if let Some(user) = lib.db_user() {
        if let Some(other) = explicit.filter(|a| a.trim() != user) {
            return Err(AppError::Usage(format!(
                "--actor {other}: on a team library (PostgreSQL) you act as your database user `{user}`"
            )));
        }
        return context(Some(user));
    }
    let from_env = std::env::var("SLA_LEDGER_ACTOR")
        .ok()
        .filter(|a| !a.trim().is_empty());
    let setting = lib
        .settings()?
        .remove("actor")
        .filter(|a| !a.trim().is_empty());
    context(
        explicit
            .map(str::to_string)
            .or(from_env)
            .or(setting)
            .as_deref(),
    )
}

#[derive(Debug, Clone, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct LibraryInfo {
    pub path: String,
    pub contracts: usize,
    pub signing_identity: Option<String>,
    /// A sample library to explore (issue 16): every screen says so.
    pub sample: bool,
    /// An encrypted library not unlocked yet (issue 18): the app asks for
    /// its passphrase before showing anything of it.
    pub locked: bool,
}

pub fn library_info(s: &Session) -> Result<LibraryInfo, AppError> {
    Ok(LibraryInfo {
        path: s.lib.location().to_string(),
        contracts: s.lib.contract_ids()?.len(),
        signing_identity: sla_export::Identity::load(s.dir())
            .ok()
            .map(|i| i.subject()),
        sample: super::welcome::is_sample(s)?,
        locked: false,
    })
}

/// Opens (creating if needed) the library at `path`: the app switches to
/// it only when this succeeds.
pub fn check_library(path: &str) -> Result<LibraryInfo, AppError> {
    let p = Path::new(path.trim());
    if sla_store::pg::is_url(path) {
        if sla_store::pg::redact(path.trim()) != path.trim() {
            return Err(AppError::invalid(
                crate::Code::Value,
                "a team library's location keeps no password: put it in the OS keychain, a ~/.pgpass file or PGPASSWORD".to_string(),
            ));
        }
        return library_info(&Session::open(p, None)?);
    }
    if path.trim().is_empty() || !p.is_absolute() {
        return Err(AppError::invalid(
            crate::Code::Value,
            format!(
                "library location `{}` must be an absolute path",
                path.trim()
            ),
        ));
    }
    match Session::open(p, None) {
        Ok(s) => library_info(&s),
        // Switching to an encrypted library is fine before its passphrase
        // is given: the app asks for it next (the unlock screen).
        Err(AppError::Store(sla_store::StoreError::Locked { .. })) => Ok(LibraryInfo {
            path: p.display().to_string(),
            contracts: 0,
            signing_identity: None,
            sample: false,
            locked: true,
        }),
        Err(e) => Err(e),
    }
}

/// Where the app remembers the last library it opened (a one-line file in
/// its config folder).
pub fn remembered_library(config_dir: &Path) -> Option<PathBuf> {
    let text = std::fs::read_to_string(config_dir.join("library-path")).ok()?;
    let p = PathBuf::from(text.trim());
    (p.is_absolute() || sla_store::pg::is_url(text.trim())).then_some(p)
}

pub fn remember_library(config_dir: &Path, path: &Path) -> Result<(), AppError> {
    std::fs::create_dir_all(config_dir)
        .and_then(|_| std::fs::write(config_dir.join("library-path"), path.display().to_string()))
        .map_err(|source| AppError::WriteFile {
            path: config_dir.display().to_string(),
            source,
        })
}

/// The library's defaults, as the Settings screen edits them.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct Settings {
    /// The name written into the audit log for actions in the app.
    pub actor: String,
    /// The source label an import starts with.
    pub source_label: String,
    /// Where exports go; empty means the library's `exports/` folder.
    pub export_dir: String,
    /// Numbers and dates on screens and statements: `en-US`, `en-GB`,
    /// `de-DE` or `fr-FR`; empty means the system's.
    pub locale: String,
}

pub fn settings(s: &Session) -> Result<Settings, AppError> {
    let mut m = s.lib.settings()?;
    let mut take = |k: &str| m.remove(k).unwrap_or_default();
    Ok(Settings {
        actor: take("actor"),
        source_label: take("source_label"),
        export_dir: take("export_dir"),
        locale: take("locale"),
    })
}

/// The locale statements are written in: the library's setting, else the
/// machine's (`LANG`), else en-US.
pub fn locale(lib: &sla_store::Library) -> Result<sla_export::locale::Locale, AppError> {
    let chosen = lib.settings()?.remove("locale").unwrap_or_default();
    Ok(sla_export::locale::Locale::parse(&chosen)
        .unwrap_or_else(sla_export::locale::Locale::from_env))
}

pub fn save_settings(s: &mut Session, new: Settings) -> Result<Settings, AppError> {
    if !new.export_dir.trim().is_empty() && !Path::new(new.export_dir.trim()).is_absolute() {
        return Err(AppError::invalid(
            crate::Code::Value,
            format!(
                "export folder `{}` must be an absolute path",
                new.export_dir.trim()
            ),
        ));
    }
    let locale = new.locale.trim();
    if !locale.is_empty() && sla_export::locale::Locale::parse(locale).is_none() {
        return Err(AppError::invalid(
            crate::Code::Value,
            format!("locale `{locale}` is not one of en-US, en-GB, de-DE, fr-FR"),
        ));
    }
    let locale = sla_export::locale::Locale::parse(locale)
        .map(|l| l.tag().to_string())
        .unwrap_or_default();
    for (k, v) in [
        ("actor", &new.actor),
        ("source_label", &new.source_label),
        ("export_dir", &new.export_dir),
        ("locale", &locale),
    ] {
        s.lib.set_setting(&s.ctx, k, v)?;
    }
    settings(s)
}

/// A folder the user named, else `default` (a folder inside the library's
/// own). An encrypted library has no default (issue 18): what is written
/// out is plain, and inside its folder it would look as protected as the
/// rest; so the user says where it goes.
pub fn folder_or(s: &Session, out: Option<&str>, default: PathBuf) -> Result<PathBuf, AppError> {
    match out.filter(|o| !o.trim().is_empty()) {
        Some(o) => Ok(PathBuf::from(o)),
        None if s.lib.is_encrypted() => Err(AppError::Usage(format!(
            "the library at {} is encrypted, and the files written out are not: say where they go (--out DIR, or an export folder in Settings), outside the library's folder",
            s.lib.location()
        ))),
        None => Ok(default),
    }
}
