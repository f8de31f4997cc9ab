//! The only code that talks to SQLite. A school's data lives in one SQLCipher file, encrypted with
//! a random data key that is stored only wrapped, in the key file beside it.

pub mod audit;
pub mod backup;
pub mod error;
pub mod files;
pub mod integrity;
pub mod keyfile;
pub mod migrate;
pub mod queries;
pub mod slots;

pub use audit::{Actor, AuditAnchor, AuditEntry, ChainReport, Change};
pub use error::{Error, Result};
pub use keyfile::{DemoAccess, KeyFile};
pub use slots::{DataKey, KdfCost};

use rusqlite::{Connection, OpenFlags, Transaction, TransactionBehavior};
use std::path::{Path, PathBuf};

/// Where a school's two files live: the encrypted database and the key file next to it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    pub db: PathBuf,
    pub keys: PathBuf,
}

impl Location {
    /// `…/keyholder.db` → key file `…/keyholder.keys`.
    pub fn new(db: impl Into<PathBuf>) -> Location {
        let db = db.into();
        let keys = db.with_extension("keys");
        Location { db, keys }
    }

    /// The default school file for this computer's user, e.g. `%APPDATA%\Keyholder\data\keyholder.db`.
    pub fn default_for_this_computer() -> Option<Location> {
        let dirs = directories::ProjectDirs::from("", "", "Keyholder")?;
        Some(Location::new(dirs.data_dir().join("keyholder.db")))
    }

    /// The demo school lives apart from the real one so the two can never be confused.
    pub fn default_demo() -> Option<Location> {
        let dirs = directories::ProjectDirs::from("", "", "Keyholder")?;
        Some(Location::new(
            dirs.data_dir().join("demo").join("keyholder.db"),
        ))
    }

    pub fn exists(&self) -> bool {
        self.db.exists()
    }
}

pub struct Vault {
    conn: Connection,
    location: Location,
}

impl std::fmt::Debug for Vault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Vault")
            .field("location", &self.location)
            .finish_non_exhaustive()
    }
}

/// Opens a SQLite connection once SQLCipher has finished starting up in this process.
///
/// SQLite counts itself initialised before SQLCipher's own start-up (its SQLITE_EXTRA_INIT) has
/// run, so a second thread opening its first connection at that moment is refused its key
/// ("PRAGMA key requires a key of one or more characters"). The first connection of the process
/// is opened behind a `Once`, which makes every other thread wait until the start-up is done.
pub(crate) fn connect(path: &Path, flags: OpenFlags) -> rusqlite::Result<Connection> {
    static STARTED: std::sync::Once = std::sync::Once::new();
    STARTED.call_once(|| {
        // Only the start-up matters here; if it failed, the open below says why. SQLCipher
        // would otherwise write its own log lines (a damaged page, say) to stderr, past the one
        // clear line a command prints; the errors themselves still come back to Keyholder.
        if let Ok(c) = Connection::open_in_memory() {
            let _ = c.query_row("PRAGMA cipher_log = off", [], |_| Ok(()));
        }
    });
    Connection::open_with_flags(path, flags)
}

fn apply_key_and_check(conn: &Connection, key: &DataKey, path: &Path) -> Result<()> {
    conn.pragma_update(None, "key", key.sqlcipher_literal().as_str())?;
    // The first read is where a wrong key (or a file that is not ours) shows up.
    match conn.query_row("SELECT count(*) FROM sqlite_master", [], |r| {
        r.get::<_, i64>(0)
    }) {
        Ok(_) => Ok(()),
        Err(rusqlite::Error::SqliteFailure(e, _))
            if e.code == rusqlite::ErrorCode::NotADatabase =>
        {
            Err(Error::NotAVault(path.to_path_buf()))
        }
        Err(e) => Err(e.into()),
    }
}

fn configure(conn: &Connection, path: &Path) -> Result<()> {
    let on_path = |e: rusqlite::Error| match Error::from(e) {
        Error::ReadOnly(_) => Error::ReadOnly(path.to_path_buf()),
        other => other,
    };
    conn.busy_timeout(std::time::Duration::from_secs(5))
        .map_err(on_path)?;
    conn.pragma_update(None, "foreign_keys", "ON")
        .map_err(on_path)?;
    conn.pragma_update(None, "journal_mode", "WAL")
        .map_err(on_path)?;
    conn.pragma_update(None, "synchronous", "FULL")
        .map_err(on_path)?;
    if conn.is_readonly(rusqlite::MAIN_DB).map_err(on_path)? {
        return Err(Error::ReadOnly(path.to_path_buf()));
    }
    Ok(())
}

impl Vault {
    /// Creates a new, empty (migrated) vault at `location.db`. Refuses to touch an existing file.
    /// The key file is written by the caller, who decides the slots.
    pub fn create(location: &Location, key: &DataKey) -> Result<Vault> {
        if location.db.exists() {
            return Err(Error::AlreadyExists(location.db.clone()));
        }
        if let Some(dir) = location.db.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| Error::io("create the folder", dir, e))?;
        }
        let mut conn = connect(
            &location.db,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE,
        )
        .map_err(|e| match Error::from(e) {
            Error::ReadOnly(_) => Error::ReadOnly(location.db.clone()),
            other => other,
        })?;
        apply_key_and_check(&conn, key, &location.db)?;
        configure(&conn, &location.db)?;
        migrate::migrate(&mut conn)?;
        Ok(Vault {
            conn,
            location: location.clone(),
        })
    }

    /// Opens an existing vault with its data key, bringing its schema up to date.
    pub fn open(location: &Location, key: &DataKey) -> Result<Vault> {
        if !location.db.exists() {
            return Err(Error::NotFound(location.db.clone()));
        }
        let mut conn =
            connect(&location.db, OpenFlags::SQLITE_OPEN_READ_WRITE).map_err(
                |e| match Error::from(e) {
                    Error::ReadOnly(_) => Error::ReadOnly(location.db.clone()),
                    other => other,
                },
            )?;
        apply_key_and_check(&conn, key, &location.db)?;
        // Check the version before anything could write to a newer file.
        let found = migrate::current_version(&conn)?;
        if found > migrate::LATEST {
            return Err(Error::TooNew {
                found,
                supported: migrate::LATEST,
            });
        }
        configure(&conn, &location.db)?;
        migrate::migrate(&mut conn)?;
        Ok(Vault {
            conn,
            location: location.clone(),
        })
    }

    pub fn location(&self) -> &Location {
        &self.location
    }

    /// For reading. Every write goes through [`Vault::write`].
    pub fn conn(&self) -> &Connection {
        &self.conn
    }

    /// Makes a change and its audit entry in one transaction: both are saved, or neither.
    pub fn write<T>(
        &mut self,
        actor: &Actor,
        f: impl FnOnce(&Transaction<'_>) -> Result<(T, Change)>,
    ) -> Result<T> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let (value, change) = f(&tx)?;
        audit::append(&tx, actor, &change, crate::clock::now())?;
        tx.commit()?;
        Ok(value)
    }

    pub fn verify_audit(&self) -> Result<ChainReport> {
        audit::verify(&self.conn)
    }

    /// SQLite's own consistency check; "ok" when the file is sound.
    pub fn integrity_check(&self) -> Result<String> {
        Ok(self
            .conn
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))?)
    }
}
