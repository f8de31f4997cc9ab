//! The only code that talks to SQLite. A school's data lives in one SQLCipher file, encrypted with
//! a random data key that is stored only wrapped, in the key file beside it.

pub mod audit;
pub mod backup;
mod db;
pub mod error;
pub mod files;
pub mod integrity;
pub mod keyfile;
pub mod lock;
pub mod migrate;
pub mod network;
pub mod queries;
pub mod replace;
pub mod slots;
pub mod unfinished_backup;

pub use audit::{Actor, AuditAnchor, AuditEntry, ChainReport, Change};
pub use db::Db;
pub use error::{Error, Result};
pub use keyfile::{DemoAccess, KeyFile};
pub use slots::{DataKey, KdfCost};

use lock::{Exclusive, SchoolLock};
use rusqlite::{Connection, OpenFlags};
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

    /// `…/keyholder.db` → `…/keyholder.lock`, held by every change (see [`lock`]).
    pub fn lock_file(&self) -> PathBuf {
        self.db.with_extension("lock")
    }
}

pub struct Vault {
    conn: Connection,
    location: Location,
    lock: SchoolLock,
    /// How many [`Vault::begin_change`] scopes are open; the outermost one holds the lock and the
    /// transaction, inner ones run inside it.
    depth: u32,
    /// SQLite's `data_version` when this process last looked: it moves when another connection
    /// (another window or command) commits a change.
    seen_version: i64,
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
        // Only the start-up matters here; if it failed, the open below says why.
        if let Ok(conn) = Connection::open_in_memory() {
            // SQLCipher writes its own "ERROR CORE ..." lines to stderr by default. Every
            // failure reaches the person as one message in their words instead.
            let _ = conn.execute_batch("PRAGMA cipher_log_level = NONE");
        }
    });
    Connection::open_with_flags(path, flags)
}

fn data_version(conn: &Connection) -> Result<i64> {
    Ok(conn.pragma_query_value(None, "data_version", |r| r.get(0))?)
}

/// What another window, command or restore did to the school while this one had it open.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutsideChange {
    None,
    /// Someone else saved a change: what is on screen may be out of date.
    Changed,
    /// The school file was replaced by a restore: this process must sign in again.
    Replaced,
}

/// Refuses a school file that is missing or empty while its key file is there: a failed copy or
/// sync, never a reason to start a new school. A restore that was killed while it moved files in
/// is finished first, so what is checked is the school as the restore meant to leave it.
pub fn check_school_file(location: &Location) -> Result<()> {
    replace::finish_interrupted(location)?;
    match std::fs::metadata(&location.db) {
        Ok(m) if m.len() == 0 => Err(Error::EmptySchoolFile(location.db.clone())),
        Ok(_) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            if location.keys.exists() {
                Err(Error::SchoolFileMissing(location.db.clone()))
            } else {
                Err(Error::NotFound(location.db.clone()))
            }
        }
        Err(e) => Err(Error::io("read", &location.db, e)),
    }
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
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    // What is deleted is overwritten, not left in free pages: destroyed records must be gone.
    conn.pragma_update(None, "secure_delete", "ON")?;
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "synchronous", "FULL")?;
    if conn.is_readonly(rusqlite::MAIN_DB)? {
        return Err(Error::ReadOnly(path.to_path_buf()));
    }
    Ok(())
}

impl Vault {
    /// Creates a new, empty (migrated) vault at `location.db`. Refuses to touch an existing file.
    /// The key file is written by the caller, who decides the slots.
    pub fn create(location: &Location, key: &DataKey) -> Result<Vault> {
        // Whatever refuses to be written, SQLite's own refusals name no file: this one is meant.
        Vault::create_unnamed(location, key).map_err(|e| e.naming(&location.db))
    }

    fn create_unnamed(location: &Location, key: &DataKey) -> Result<Vault> {
        replace::finish_interrupted(location)?;
        if location.db.exists() {
            return Err(Error::AlreadyExists(location.db.clone()));
        }
        network::refuse_network_drive(location)?;
        if let Some(dir) = location.db.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| Error::io("create the folder", dir, e))?;
        }
        let mut conn = connect(
            &location.db,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE,
        )?;
        apply_key_and_check(&conn, key, &location.db)?;
        configure(&conn, &location.db)?;
        let mut lock = SchoolLock::open(&location.lock_file())?;
        lock.acquire()?;
        let migrated = migrate::migrate(&mut conn);
        lock.release();
        migrated?;
        Vault::new(conn, location, lock)
    }

    fn new(conn: Connection, location: &Location, lock: SchoolLock) -> Result<Vault> {
        let seen_version = data_version(&conn)?;
        Ok(Vault {
            conn,
            location: location.clone(),
            lock,
            depth: 0,
            seen_version,
        })
    }

    /// Opens an existing vault with its data key, bringing its schema up to date.
    pub fn open(location: &Location, key: &DataKey) -> Result<Vault> {
        Vault::open_unnamed(location, key, None).map_err(|e| e.naming(&location.db))
    }

    /// Opens the school a restore has just put in place, keeping the hold the restore took: no
    /// other process changes the school before the restore's own first change (its audit entry)
    /// has been written, and the hold ends with that change.
    pub fn open_restored(location: &Location, key: &DataKey, held: Exclusive) -> Result<Vault> {
        Vault::open_unnamed(location, key, Some(held)).map_err(|e| e.naming(&location.db))
    }

    fn open_unnamed(location: &Location, key: &DataKey, held: Option<Exclusive>) -> Result<Vault> {
        check_school_file(location)?;
        network::refuse_network_drive(location)?;
        let mut conn = connect(&location.db, OpenFlags::SQLITE_OPEN_READ_WRITE)?;
        apply_key_and_check(&conn, key, &location.db)?;
        // Check the version before anything could write to a newer file.
        let found = migrate::current_version(&conn)?;
        if found > migrate::LATEST {
            return Err(Error::TooNew {
                found,
                supported: migrate::LATEST,
            });
        }
        if found == 0 {
            // Every school file Keyholder writes has a schema. One without is not a school to
            // bring up to date but an empty or foreign file, and it is left as it is.
            return Err(Error::EmptySchoolFile(location.db.clone()));
        }
        configure(&conn, &location.db)?;
        let keep_held = held.is_some();
        let mut lock = match held {
            Some(held) => held.into_school_lock()?,
            None => {
                let mut lock = SchoolLock::open(&location.lock_file())?;
                lock.acquire()?;
                lock
            }
        };
        // A restore stages its files while holding the lock, and one that had begun moving them
        // in was finished above, so any still found are from one killed before that; a key-file
        // write may be going on elsewhere, so only old ones go.
        files::remove_leftovers(&replace::leftovers(location), std::time::Duration::ZERO);
        files::remove_leftovers(
            &[files::temporary_of(&location.keys)],
            std::time::Duration::from_secs(60),
        );
        unfinished_backup::clear(location);
        let migrated = migrate::migrate(&mut conn);
        if !keep_held {
            lock.release();
        }
        migrated?;
        Vault::new(conn, location, lock)
    }

    pub fn location(&self) -> &Location {
        &self.location
    }

    /// For reading through the vault's queries. Every write goes through [`Vault::write`].
    pub fn db(&self) -> Db<'_> {
        Db::new(&self.conn)
    }

    /// The SQLite connection itself: for the vault's own code, and for tests that damage a school
    /// file on purpose. Nothing else in `src/` calls it (tests/layers.rs checks): the service
    /// reads through [`Vault::db`].
    pub fn conn(&self) -> &Connection {
        &self.conn
    }

    /// Folds the write-ahead log into the school file, so the file alone holds the school (set-up
    /// moves the single file into place).
    pub fn checkpoint(&self) -> Result<()> {
        self.conn
            .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
        Ok(())
    }

    /// Rewrites the school file without its free pages and folds the write-ahead log back into
    /// it, so that nothing deleted remains anywhere in the file (after a destruction). Only
    /// between changes: SQLite cannot do this inside a transaction.
    pub fn compact(&mut self) -> Result<()> {
        if self.depth > 0 {
            return Err(Error::Damaged(
                "the school file can only be compacted between changes".into(),
            ));
        }
        self.lock.acquire()?;
        let result = self
            .conn
            .execute_batch("VACUUM")
            .map_err(Error::from)
            .and_then(|()| self.checkpoint());
        self.lock.release();
        result
    }

    /// Makes a change and its audit entry in one transaction: both are saved, or neither.
    /// Inside a [`Vault::begin_change`] scope it becomes one step of that scope's transaction.
    pub fn write<T>(
        &mut self,
        actor: &Actor,
        f: impl FnOnce(Db<'_>) -> Result<(T, Change)>,
    ) -> Result<T> {
        self.begin_change()?;
        let result = f(self.db()).and_then(|(value, change)| {
            audit::append(self.db(), actor, &change, crate::clock::now())?;
            Ok(value)
        });
        let ended = self.end_change(result.is_ok());
        let value = result?;
        ended?;
        Ok(value)
    }

    /// Runs `f` as one change (see [`Vault::begin_change`]): saved whole if it returns `Ok`,
    /// undone whole otherwise.
    pub fn change<T, E: From<Error>>(
        &mut self,
        f: impl FnOnce(&mut Vault) -> std::result::Result<T, E>,
    ) -> std::result::Result<T, E> {
        self.begin_change()?;
        let result = f(self);
        let ended = self.end_change(result.is_ok());
        let value = result?;
        ended?;
        Ok(value)
    }

    /// Whether a change is open: what is read now may yet be undone.
    pub fn in_change(&self) -> bool {
        self.depth > 0
    }

    /// Starts one change: the school is held for writing, across processes, from here to the
    /// matching [`Vault::end_change`], so whatever is read in between is still true when the
    /// change is written. Refused when the school file was restored since it was opened. A
    /// change started inside another is a savepoint of it: it can fail on its own, but is only
    /// saved when the outermost change is.
    pub fn begin_change(&mut self) -> Result<()> {
        if self.depth == 0 {
            self.lock.acquire()?;
            if let Err(e) = self.conn.execute_batch("BEGIN IMMEDIATE") {
                self.lock.release();
                return Err(e.into());
            }
        } else {
            self.conn
                .execute_batch(&format!("SAVEPOINT keyholder_{}", self.depth))?;
        }
        self.depth += 1;
        Ok(())
    }

    /// Ends a change started with [`Vault::begin_change`], keeping it (`keep`) or undoing all of
    /// it. The outermost one commits, then lets other processes change the school again.
    pub fn end_change(&mut self, keep: bool) -> Result<()> {
        if self.depth == 0 {
            return Ok(());
        }
        self.depth -= 1;
        if self.depth > 0 {
            let name = format!("keyholder_{}", self.depth);
            if keep {
                self.conn.execute_batch(&format!("RELEASE {name}"))?;
            } else {
                self.conn
                    .execute_batch(&format!("ROLLBACK TO {name}; RELEASE {name}"))?;
            }
            return Ok(());
        }
        let result = if keep {
            self.conn.execute_batch("COMMIT").map_err(Error::from)
        } else {
            Ok(())
        };
        if !keep || result.is_err() {
            let _ = self.conn.execute_batch("ROLLBACK");
        }
        self.lock.release();
        result
    }

    /// What happened to the school file since this process last asked.
    pub fn outside_change(&mut self) -> Result<OutsideChange> {
        if self.depth > 0 {
            return Ok(OutsideChange::None);
        }
        if self.lock.replaced() {
            return Ok(OutsideChange::Replaced);
        }
        let now = data_version(&self.conn)?;
        if now != self.seen_version {
            self.seen_version = now;
            return Ok(OutsideChange::Changed);
        }
        Ok(OutsideChange::None)
    }

    pub fn verify_audit(&self) -> Result<ChainReport> {
        audit::verify(self.db())
    }

    /// SQLite's own consistency check; "ok" when the file is sound.
    pub fn integrity_check(&self) -> Result<String> {
        Ok(self
            .conn
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))?)
    }
}
