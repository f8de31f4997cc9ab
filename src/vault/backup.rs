//! `.khbackup` files: one file holding a consistent copy of the school file (taken with SQLite's
//! online backup, so Keyholder may stay open and keep writing), the key file, and a manifest that
//! says what is inside. The layout is described in `docs/backup-format.md`.
//!
//! The copy of the school file stays encrypted with the school's data key; the key file inside
//! holds that key only in wrapped form, so a backup is exactly as safe as the two files on the PC.
//! The manifest is readable without a password so the admin can see what a backup holds (school
//! name, date, counts) before unlocking it.

use super::audit::{self, AuditAnchor};
use super::error::{Error, Result};
use super::files::{self, sha256_hex, write_atomic};
use super::keyfile::KeyFile;
use super::slots::DataKey;
use super::{Location, apply_key_and_check, connect, migrate};
use rusqlite::backup::{Backup, StepResult};
use rusqlite::{Connection, OpenFlags};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use std::time::Duration;

pub const EXTENSION: &str = "khbackup";
/// The container layout this build writes; files with a higher number are refused.
pub const FORMAT_VERSION: u32 = 1;
const MAGIC: &[u8; 8] = b"KHBACKUP";
const TRAILER: &[u8; 8] = b"KHBKEND\0";
const HEADER_LEN: usize = MAGIC.len() + 4;
const TRAILER_LEN: usize = TRAILER.len() + 32;
const MANIFEST: &str = "manifest.json";
const DATABASE: &str = "keyholder.db";
const KEYS: &str = "keyholder.keys";
/// Far beyond any school's file (2,000 pupils with years of incidents is tens of megabytes), and
/// small enough that a restore, which holds the file in memory two or three times over, still
/// fits on an office PC; protects against reading a wrong, huge file into memory.
pub const MAX_BYTES: u64 = 1 << 30;
/// Parts a backup may have: format 1 writes three; later versions may add a few.
const MAX_SECTIONS: usize = 64;
/// A manifest is under a kilobyte; anything near this is not one Keyholder wrote.
const MAX_MANIFEST_BYTES: usize = 1024 * 1024;
/// Longest school name or version text a manifest may carry (shown before unlocking).
const MAX_MANIFEST_TEXT: usize = 500;
/// Pages copied per step of the online backup: small enough to report progress and to let the
/// app's own writes through between steps.
const PAGES_PER_STEP: i32 = 64;

/// What a backup says about itself, readable before it is unlocked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    pub format_version: u32,
    pub app_version: String,
    pub schema_version: u32,
    /// Unix seconds.
    pub created_at: i64,
    pub school_name: String,
    pub is_demo: bool,
    pub counts: Counts,
    pub files: Vec<FileEntry>,
    /// The newest audit entry in the copy (its number and hash), so the school file can be
    /// checked against this backup later without unlocking it. Absent from backups made before
    /// anchors existed, and when the copy's trail is empty. (Boxed so the manifest stays small
    /// enough to travel in the window's messages.)
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub audit_anchor: Option<Box<AuditAnchor>>,
}

impl Manifest {
    /// Bounds on what a manifest read from a file may hold; `Err` says what is wrong.
    fn check(&self) -> std::result::Result<(), String> {
        if self.school_name.chars().count() > MAX_MANIFEST_TEXT
            || self.app_version.chars().count() > MAX_MANIFEST_TEXT
        {
            return Err("its manifest holds far more text than Keyholder writes".into());
        }
        if self.files.len() > MAX_SECTIONS {
            return Err("its manifest lists more files than a backup holds".into());
        }
        if let Some(anchor) = &self.audit_anchor {
            anchor.check()?;
        }
        Ok(())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Counts {
    pub pupils: u64,
    pub archived_pupils: u64,
    pub pupil_groups: u64,
    pub users: u64,
    pub user_groups: u64,
    pub incidents: u64,
    pub audit_entries: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileEntry {
    pub name: String,
    pub bytes: u64,
    pub sha256: String,
}

/// A backup read from disk and checked against its checksums; not yet unlocked.
#[derive(Debug, Clone)]
pub struct Contents {
    pub path: PathBuf,
    pub manifest: Manifest,
    pub database: Vec<u8>,
    pub keys: KeyFile,
    pub(crate) keys_bytes: Vec<u8>,
    /// SHA-256 of the whole file, as recorded in the school's list of backups.
    pub file_sha256: String,
    pub file_bytes: u64,
}

/// A backup that has been written and checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Written {
    pub path: PathBuf,
    pub manifest: Manifest,
    pub bytes: u64,
    pub sha256: String,
}

/// A copy of a school file in a private temporary folder, open with its data key. The folder and
/// the copy are removed when this is dropped.
pub struct OpenCopy {
    conn: Connection,
    _dir: tempfile::TempDir,
}

impl OpenCopy {
    pub fn db(&self) -> super::Db<'_> {
        super::Db::new(&self.conn)
    }

    /// The facts the manifest records, read from this copy.
    pub fn counts(&self) -> Result<Counts> {
        counts(&self.conn)
    }
}

fn count(conn: &Connection, sql: &str) -> Result<u64> {
    let n: i64 = conn.query_row(sql, [], |r| r.get(0))?;
    Ok(u64::try_from(n).unwrap_or(0))
}

fn counts(conn: &Connection) -> Result<Counts> {
    Ok(Counts {
        pupils: count(conn, "SELECT count(*) FROM pupils WHERE archived = 0")?,
        archived_pupils: count(conn, "SELECT count(*) FROM pupils WHERE archived = 1")?,
        pupil_groups: count(conn, "SELECT count(*) FROM pupil_groups")?,
        users: count(conn, "SELECT count(*) FROM users WHERE active = 1")?,
        user_groups: count(conn, "SELECT count(*) FROM user_groups")?,
        incidents: count(conn, "SELECT count(*) FROM incidents")?,
        audit_entries: count(conn, "SELECT count(*) FROM audit")?,
    })
}

fn temp_dir() -> Result<tempfile::TempDir> {
    tempfile::tempdir()
        .map_err(|e| Error::io("create a temporary folder in", std::env::temp_dir(), e))
}

/// Writes a backup of the school at `location` to `out`, then reads it back and opens the copy to
/// check it. `progress` is told how far it has got, from 0.0 to 1.0. Another connection (the open
/// window) may keep writing meanwhile: SQLite restarts the copy if the file changes under it, so
/// the copy is always of one moment.
pub fn write(
    location: &Location,
    key: &DataKey,
    out: &Path,
    now: i64,
    progress: &dyn Fn(f32),
) -> Result<Written> {
    progress(0.0);
    let dir = temp_dir()?;
    let copy_path = dir.path().join(DATABASE);
    {
        if !location.db.exists() {
            return Err(Error::NotFound(location.db.clone()));
        }
        let source = connect(&location.db, OpenFlags::SQLITE_OPEN_READ_ONLY)?;
        apply_key_and_check(&source, key, &location.db)?;
        source.busy_timeout(Duration::from_secs(5))?;
        let mut copy = connect(&copy_path, OpenFlags::default())?;
        apply_key_and_check(&copy, key, &copy_path)?;
        {
            let backup = Backup::new(&source, &mut copy)?;
            let mut waits = 0;
            loop {
                match backup.step(PAGES_PER_STEP)? {
                    StepResult::Done => break,
                    StepResult::More => {
                        let p = backup.progress();
                        if p.pagecount > 0 {
                            let done = (p.pagecount - p.remaining) as f32 / p.pagecount as f32;
                            progress(0.6 * done.clamp(0.0, 1.0));
                        }
                    }
                    StepResult::Busy | StepResult::Locked => {
                        waits += 1;
                        if waits > 200 {
                            return Err(Error::Busy);
                        }
                        std::thread::sleep(Duration::from_millis(50));
                    }
                    // A future rusqlite may report more outcomes; treat them as "try again".
                    #[allow(unreachable_patterns)]
                    _ => std::thread::sleep(Duration::from_millis(50)),
                }
            }
        }
        // One self-contained file: no write-ahead log beside it. (Restoring switches WAL back on.)
        copy.pragma_update(None, "journal_mode", "DELETE")?;
    }
    progress(0.6);
    let database = std::fs::read(&copy_path).map_err(|e| Error::io("read", &copy_path, e))?;
    // The copy was checked as a backup would be; if it fails, it is the school file that is
    // damaged, not the backup, and the message says so.
    let copy = open_copy(&database, key, out).map_err(|e| match e {
        Error::BackupDamaged { .. } | Error::NotAVault(_) => Error::Damaged(format!(
            "{} does not pass its consistency check, so no backup was written",
            location.db.display()
        )),
        other => other,
    })?;
    let schema_version = migrate::current_version(&copy.conn)?;
    let school = super::queries::school::get(copy.db())?;
    let counts = copy.counts()?;
    let audit_anchor = audit::latest(copy.db(), now)?.map(Box::new);
    drop(copy);
    drop(dir);

    let mut keys_bytes = KeyFile::read_bytes(&location.keys)?;
    let mut keys = KeyFile::parse(&keys_bytes, &location.keys)?;
    // The key file is read after the copy was taken, so another window's sign-in meanwhile may
    // have recorded an entry the copy does not hold. The backup's key file must describe its own
    // copy, or restoring it would look like a trail with entries removed: its record is set to
    // the copy's newest entry. (A record of an entry the copy does hold is kept as it is, even
    // when it does not match: that is evidence.)
    if let (Some(recorded), Some(newest)) = (&keys.audit_anchor, &audit_anchor)
        && recorded.entry > newest.entry
    {
        keys.audit_anchor = Some(newest.clone());
        keys_bytes = serde_json::to_vec_pretty(&keys).map_err(|e| {
            Error::Rejected(format!("the backup's key file could not be written ({e})"))
        })?;
    }

    // Refused here rather than written and then refused when read back (or restored).
    if (database.len() + keys_bytes.len()) as u64 > MAX_BYTES - 64 * 1024 {
        return Err(Error::Rejected(format!(
            "the school file is larger than a backup can hold ({} MB)",
            MAX_BYTES / (1024 * 1024)
        )));
    }

    let manifest = Manifest {
        format_version: FORMAT_VERSION,
        app_version: env!("CARGO_PKG_VERSION").to_string(),
        schema_version,
        created_at: now,
        school_name: school.name,
        is_demo: school.is_demo,
        counts,
        files: vec![
            FileEntry {
                name: DATABASE.into(),
                bytes: database.len() as u64,
                sha256: sha256_hex(&database),
            },
            FileEntry {
                name: KEYS.into(),
                bytes: keys_bytes.len() as u64,
                sha256: sha256_hex(&keys_bytes),
            },
        ],
        audit_anchor,
    };
    let manifest_json = serde_json::to_vec_pretty(&manifest).map_err(|e| {
        Error::Rejected(format!("the backup's manifest could not be written ({e})"))
    })?;
    let archive = assemble(&[
        (MANIFEST, &manifest_json),
        (DATABASE, &database),
        (KEYS, &keys_bytes),
    ]);
    progress(0.7);
    if let Some(folder) = out.parent().filter(|d| !d.as_os_str().is_empty())
        && !folder.is_dir()
    {
        return Err(Error::NotFound(folder.to_path_buf()));
    }
    // A backup killed part-way left its temporary file in this folder; an hour on, it is
    // nobody's.
    let folder = out.parent().filter(|d| !d.as_os_str().is_empty());
    let unfinished: Vec<PathBuf> = std::fs::read_dir(folder.unwrap_or(Path::new(".")))
        .into_iter()
        .flatten()
        .flatten()
        .map(|entry| entry.path())
        .filter(|p| {
            p.file_name()
                .is_some_and(|n| n.to_string_lossy().ends_with(&format!(".{EXTENSION}.tmp")))
        })
        .collect();
    files::remove_leftovers(&unfinished, Duration::from_secs(3600));
    // Best effort: without the note, a kill from here on leaves the temporary file for a later
    // backup to this folder to clear, as above.
    let note = super::unfinished_backup::Note::take(location, &files::temporary_of(out)).ok();
    write_atomic(out, &archive)?;
    drop(note);
    progress(0.8);

    // Read back what reached the disk, and open the copy inside it.
    let written = read(out)?;
    if written.database != database || written.manifest != manifest {
        return Err(Error::BackupDamaged {
            path: out.to_path_buf(),
            detail: "what was read back differs from what was written".into(),
        });
    }
    let check = open_copy(&written.database, key, out)?;
    if check.counts()? != manifest.counts {
        return Err(Error::BackupDamaged {
            path: out.to_path_buf(),
            detail: "the copy inside does not hold what the manifest says".into(),
        });
    }
    progress(1.0);
    Ok(Written {
        path: out.to_path_buf(),
        manifest,
        bytes: written.file_bytes,
        sha256: written.file_sha256,
    })
}

/// Magic, version, the named sections, then the trailer with a checksum of everything before it.
fn assemble(sections: &[(&str, &[u8])]) -> Vec<u8> {
    let total: usize = sections
        .iter()
        .map(|(n, d)| 2 + n.len() + 8 + d.len())
        .sum();
    let mut out = Vec::with_capacity(HEADER_LEN + total + TRAILER_LEN);
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
    for (name, data) in sections {
        out.extend_from_slice(&(name.len() as u16).to_le_bytes());
        out.extend_from_slice(name.as_bytes());
        out.extend_from_slice(&(data.len() as u64).to_le_bytes());
        out.extend_from_slice(data);
    }
    out.extend_from_slice(TRAILER);
    let checksum = Sha256::digest(&out);
    out.extend_from_slice(&checksum);
    out
}

/// Reads a backup and checks it is whole: a foreign, truncated, edited or newer file is refused
/// here, before anything is unlocked or changed.
pub fn read(path: &Path) -> Result<Contents> {
    use std::io::Read;
    let mut file = std::fs::File::open(path).map_err(|e| Error::io("read", path, e))?;
    let too_large = |file: &mut std::fs::File| {
        let mut magic = [0u8; MAGIC.len()];
        if file.read_exact(&mut magic).is_err() || &magic != MAGIC {
            return Error::NotABackup(path.to_path_buf());
        }
        Error::BackupDamaged {
            path: path.to_path_buf(),
            detail: format!(
                "it is larger than any backup Keyholder writes ({} MB)",
                MAX_BYTES / (1024 * 1024)
            ),
        }
    };
    let size = file
        .metadata()
        .map_err(|e| Error::io("read", path, e))?
        .len();
    if size > MAX_BYTES {
        return Err(too_large(&mut file));
    }
    // At most one byte past the limit is read, in case the file grows meanwhile.
    let mut bytes = Vec::new();
    (&mut file)
        .take(MAX_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| Error::io("read", path, e))?;
    if bytes.len() as u64 > MAX_BYTES {
        return Err(Error::BackupDamaged {
            path: path.to_path_buf(),
            detail: "it grew while it was being read".into(),
        });
    }
    parse(path, &bytes)
}

fn parse(path: &Path, bytes: &[u8]) -> Result<Contents> {
    let damaged = |detail: &str| Error::BackupDamaged {
        path: path.to_path_buf(),
        detail: detail.to_string(),
    };
    if bytes.len() < MAGIC.len() || &bytes[..MAGIC.len()] != MAGIC {
        return Err(Error::NotABackup(path.to_path_buf()));
    }
    let Some(version) = bytes
        .get(MAGIC.len()..HEADER_LEN)
        .and_then(|b| <[u8; 4]>::try_from(b).ok())
        .map(u32::from_le_bytes)
    else {
        return Err(damaged("the file ends too early"));
    };
    if version > FORMAT_VERSION {
        return Err(Error::BackupTooNew {
            path: path.to_path_buf(),
            found: version,
            supported: FORMAT_VERSION,
        });
    }
    if version == 0 || bytes.len() < HEADER_LEN + TRAILER_LEN {
        return Err(damaged("the file ends too early"));
    }
    let body_end = bytes.len() - TRAILER_LEN;
    if &bytes[body_end..body_end + TRAILER.len()] != TRAILER {
        return Err(damaged("the end of the file is missing"));
    }
    let checked = &bytes[..body_end + TRAILER.len()];
    if Sha256::digest(checked).as_slice() != &bytes[body_end + TRAILER.len()..] {
        return Err(damaged(
            "its checksum does not match, so it has been changed since it was written",
        ));
    }

    let mut sections: Vec<(String, &[u8])> = Vec::new();
    let mut at = HEADER_LEN;
    let body = &bytes[..body_end];
    let take = |at: &mut usize, n: usize| -> Result<&[u8]> {
        let end = at.checked_add(n).filter(|e| *e <= body.len());
        let Some(end) = end else {
            return Err(damaged("a part of it is cut short"));
        };
        let slice = &body[*at..end];
        *at = end;
        Ok(slice)
    };
    while at < body.len() {
        if sections.len() == MAX_SECTIONS {
            return Err(damaged("it has more parts than a backup holds"));
        }
        let name_len = <[u8; 2]>::try_from(take(&mut at, 2)?)
            .map(u16::from_le_bytes)
            .map_err(|_| damaged("a part is cut short"))? as usize;
        let name = String::from_utf8(take(&mut at, name_len)?.to_vec())
            .map_err(|_| damaged("a part has an unreadable name"))?;
        let len_bytes =
            <[u8; 8]>::try_from(take(&mut at, 8)?).map_err(|_| damaged("a part is cut short"))?;
        let len = usize::try_from(u64::from_le_bytes(len_bytes))
            .map_err(|_| damaged("a part is too large"))?;
        sections.push((name, take(&mut at, len)?));
    }
    let section = |name: &str| {
        sections
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, d)| *d)
            .ok_or_else(|| damaged(&format!("it has no {name}")))
    };
    let manifest_bytes = section(MANIFEST)?;
    if manifest_bytes.len() > MAX_MANIFEST_BYTES {
        return Err(damaged("its manifest is far larger than Keyholder writes"));
    }
    let manifest: Manifest = serde_json::from_slice(manifest_bytes)
        .map_err(|e| damaged(&format!("its manifest is unreadable: {e}")))?;
    manifest.check().map_err(|e| damaged(&e))?;
    let database = section(DATABASE)?;
    let keys_bytes = section(KEYS)?;
    for (name, data) in [(DATABASE, database), (KEYS, keys_bytes)] {
        let entry = manifest
            .files
            .iter()
            .find(|f| f.name == name)
            .ok_or_else(|| damaged(&format!("its manifest does not list {name}")))?;
        if entry.bytes != data.len() as u64 || entry.sha256 != sha256_hex(data) {
            return Err(damaged(&format!("{name} does not match its checksum")));
        }
    }
    if manifest.schema_version > migrate::LATEST {
        return Err(Error::TooNew {
            found: manifest.schema_version,
            supported: migrate::LATEST,
        });
    }
    let keys = KeyFile::parse(keys_bytes, path)?;
    Ok(Contents {
        path: path.to_path_buf(),
        manifest,
        database: database.to_vec(),
        keys,
        keys_bytes: keys_bytes.to_vec(),
        file_sha256: sha256_hex(bytes),
        file_bytes: bytes.len() as u64,
    })
}

/// Opens a copy of a school file (from a backup) with `key` in a private temporary folder and
/// checks it: it must decrypt, pass SQLite's integrity check and be of a version this build reads.
/// `named` is the backup, for messages.
pub fn open_copy(database: &[u8], key: &DataKey, named: &Path) -> Result<OpenCopy> {
    let dir = temp_dir()?;
    let path = dir.path().join(DATABASE);
    std::fs::write(&path, database).map_err(|e| Error::io("write", &path, e))?;
    let conn = connect(&path, OpenFlags::default())?;
    let damaged = |detail: String| Error::BackupDamaged {
        path: named.to_path_buf(),
        detail,
    };
    match apply_key_and_check(&conn, key, &path) {
        Ok(()) => {}
        Err(Error::NotAVault(_)) => {
            return Err(damaged(
                "the school file inside does not open with its own key".into(),
            ));
        }
        Err(e) => return Err(e),
    }
    let integrity: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .map_err(|e| damaged(format!("the school file inside is unreadable: {e}")))?;
    if integrity != "ok" {
        return Err(damaged(format!(
            "the school file inside fails its integrity check: {integrity}"
        )));
    }
    let found = migrate::current_version(&conn)?;
    if found > migrate::LATEST {
        return Err(Error::TooNew {
            found,
            supported: migrate::LATEST,
        });
    }
    Ok(OpenCopy { conn, _dir: dir })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sections_round_trip_and_any_changed_byte_is_found() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.khbackup");
        let manifest = Manifest {
            format_version: FORMAT_VERSION,
            app_version: "0".into(),
            schema_version: 1,
            created_at: 0,
            school_name: "Test".into(),
            is_demo: false,
            counts: Counts::default(),
            files: vec![
                FileEntry {
                    name: DATABASE.into(),
                    bytes: 3,
                    sha256: sha256_hex(b"abc"),
                },
                FileEntry {
                    name: KEYS.into(),
                    bytes: 0,
                    sha256: sha256_hex(b""),
                },
            ],
            audit_anchor: None,
        };
        let json = serde_json::to_vec(&manifest).unwrap();
        let bytes = assemble(&[(MANIFEST, &json), (DATABASE, b"abc"), (KEYS, b"")]);
        // The key file is empty, so parsing reaches the key file and stops there.
        assert!(matches!(
            parse(&path, &bytes),
            Err(Error::KeyFileDamaged { .. })
        ));
        // A backup from a newer schema is refused before anything is unlocked.
        let mut newer = manifest.clone();
        newer.schema_version = migrate::LATEST + 1;
        let json = serde_json::to_vec(&newer).unwrap();
        let newer = assemble(&[(MANIFEST, &json), (DATABASE, b"abc"), (KEYS, b"")]);
        assert!(matches!(parse(&path, &newer), Err(Error::TooNew { .. })));

        for i in [0, 9, 20, bytes.len() / 2, bytes.len() - 1] {
            let mut changed = bytes.clone();
            changed[i] ^= 0x20;
            let result = parse(&path, &changed);
            assert!(
                matches!(
                    result,
                    Err(Error::NotABackup(_)
                        | Error::BackupDamaged { .. }
                        | Error::BackupTooNew { .. })
                ),
                "byte {i}: {result:?}"
            );
        }
        for len in [0, 5, 12, 30, bytes.len() - 1] {
            let result = parse(&path, &bytes[..len]);
            assert!(
                matches!(
                    result,
                    Err(Error::NotABackup(_) | Error::BackupDamaged { .. })
                ),
                "length {len}: {result:?}"
            );
        }
    }

    fn test_manifest() -> Manifest {
        Manifest {
            format_version: FORMAT_VERSION,
            app_version: "0".into(),
            schema_version: 1,
            created_at: 0,
            school_name: "Test".into(),
            is_demo: false,
            counts: Counts::default(),
            files: vec![FileEntry {
                name: DATABASE.into(),
                bytes: 3,
                sha256: sha256_hex(b"abc"),
            }],
            audit_anchor: None,
        }
    }

    fn detail(result: Result<Contents>) -> String {
        match result {
            Err(Error::BackupDamaged { detail, .. }) => detail,
            other => panic!("expected a damaged backup, got {other:?}"),
        }
    }

    #[test]
    fn oversized_or_too_many_parts_are_refused() {
        let path = Path::new("x.khbackup");
        let json = serde_json::to_vec(&test_manifest()).unwrap();

        let big = vec![b' '; MAX_MANIFEST_BYTES + 1];
        let bytes = assemble(&[(MANIFEST, &big), (DATABASE, b"abc")]);
        assert!(detail(parse(path, &bytes)).contains("manifest is far larger"));

        let many: Vec<(&str, &[u8])> = std::iter::once((MANIFEST, json.as_slice()))
            .chain(std::iter::repeat_n(("extra", &b""[..]), MAX_SECTIONS))
            .collect();
        let bytes = assemble(&many);
        assert!(detail(parse(path, &bytes)).contains("more parts"));

        let mut long = test_manifest();
        long.school_name = "x".repeat(MAX_MANIFEST_TEXT + 1);
        let json = serde_json::to_vec(&long).unwrap();
        let bytes = assemble(&[(MANIFEST, &json), (DATABASE, b"abc")]);
        assert!(detail(parse(path, &bytes)).contains("far more text"));

        let mut anchor = test_manifest();
        anchor.audit_anchor = Some(Box::new(AuditAnchor {
            entry: 0,
            hash: "0".repeat(64),
            recorded_at: 0,
        }));
        let json = serde_json::to_vec(&anchor).unwrap();
        let bytes = assemble(&[(MANIFEST, &json), (DATABASE, b"abc")]);
        assert!(detail(parse(path, &bytes)).contains("audit trail"));
    }

    #[test]
    fn a_part_claiming_more_bytes_than_the_file_has_is_refused() {
        let path = Path::new("x.khbackup");
        let json = serde_json::to_vec(&test_manifest()).unwrap();
        let mut bytes = assemble(&[(MANIFEST, &json), (DATABASE, b"abc")]);
        // The database part's length field says u64::MAX; fix the checksum so only the length
        // is wrong.
        let at = HEADER_LEN + 2 + MANIFEST.len() + 8 + json.len() + 2 + DATABASE.len();
        bytes[at..at + 8].copy_from_slice(&u64::MAX.to_le_bytes());
        let end = bytes.len() - 32;
        let sum = Sha256::digest(&bytes[..end]);
        bytes[end..].copy_from_slice(&sum);
        assert!(detail(parse(path, &bytes)).contains("cut short"));
    }

    #[test]
    fn a_manifest_without_an_anchor_still_reads() {
        let mut value = serde_json::to_value(test_manifest()).unwrap();
        value.as_object_mut().unwrap().remove("audit_anchor");
        let m: Manifest = serde_json::from_value(value).unwrap();
        assert_eq!(m.audit_anchor, None);
    }
}
