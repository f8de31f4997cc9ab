use crate::vault::Db;
use crate::vault::Result;
use rusqlite::{OptionalExtension, params};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchoolInfo {
    pub name: String,
    pub is_demo: bool,
    pub idle_lock_minutes: u32,
    pub created_at: i64,
}

pub fn insert(conn: Db<'_>, name: &str, is_demo: bool, at: i64) -> Result<()> {
    conn.execute(
        "INSERT INTO school (id, name, is_demo, created_at) VALUES (1, ?1, ?2, ?3)",
        params![name.trim(), super::flag(is_demo), at],
    )?;
    Ok(())
}

pub fn get(conn: Db<'_>) -> Result<SchoolInfo> {
    let info = conn
        .query_row(
            "SELECT name, is_demo, idle_lock_minutes, created_at FROM school WHERE id = 1",
            [],
            |r| {
                Ok(SchoolInfo {
                    name: r.get(0)?,
                    is_demo: r.get(1)?,
                    idle_lock_minutes: r.get(2)?,
                    created_at: r.get(3)?,
                })
            },
        )
        .optional()?;
    info.ok_or_else(|| crate::vault::Error::Damaged("the school's details are missing".into()))
}

/// A value that moves whenever the school may have changed: another connection's commit moves
/// SQLite's `data_version`, and anything this connection writes moves its count of changed
/// rows (a change undone moves it too, which only costs a fresh read).
pub fn change_stamp(conn: Db<'_>) -> Result<(i64, u64)> {
    let version: i64 = conn.query_row("PRAGMA data_version", [], |r| r.get(0))?;
    Ok((version, conn.total_changes()))
}

pub fn set_idle_lock_minutes(conn: Db<'_>, minutes: u32) -> Result<()> {
    conn.execute(
        "UPDATE school SET idle_lock_minutes = ?1 WHERE id = 1",
        [minutes],
    )?;
    Ok(())
}
