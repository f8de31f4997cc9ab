//! The record of backups written (and checked), so the health check can say when the last one was.

use crate::model::UserId;
use crate::vault::Db;
use crate::vault::Result;
use rusqlite::{OptionalExtension, params};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BackupRecord {
    pub taken_at: i64,
    pub file_name: String,
    pub bytes: u64,
    pub sha256: String,
    pub taken_by: Option<UserId>,
}

pub fn insert(conn: Db<'_>, b: &BackupRecord) -> Result<()> {
    conn.execute(
        "INSERT INTO backups (taken_at, file_name, bytes, sha256, taken_by) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![
            b.taken_at,
            b.file_name,
            i64::try_from(b.bytes).unwrap_or(i64::MAX),
            b.sha256,
            b.taken_by.map(|u| u.0)
        ],
    )?;
    Ok(())
}

/// The newest backup, if any was ever taken.
pub fn last(conn: Db<'_>) -> Result<Option<BackupRecord>> {
    Ok(conn
        .query_row(
            "SELECT taken_at, file_name, bytes, sha256, taken_by FROM backups
             ORDER BY taken_at DESC, id DESC LIMIT 1",
            [],
            record,
        )
        .optional()?)
}

/// Every backup recorded, newest first.
pub fn all(conn: Db<'_>) -> Result<Vec<BackupRecord>> {
    let mut stmt = conn.prepare(
        "SELECT taken_at, file_name, bytes, sha256, taken_by FROM backups
         ORDER BY taken_at DESC, id DESC",
    )?;
    let rows = stmt.query_map([], record)?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}

fn record(r: &rusqlite::Row<'_>) -> rusqlite::Result<BackupRecord> {
    Ok(BackupRecord {
        taken_at: r.get(0)?,
        file_name: r.get(1)?,
        bytes: u64::try_from(r.get::<_, i64>(2)?).unwrap_or(0),
        sha256: r.get(3)?,
        taken_by: r.get::<_, Option<i64>>(4)?.map(UserId),
    })
}
