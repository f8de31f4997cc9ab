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

pub fn set_idle_lock_minutes(conn: Db<'_>, minutes: u32) -> Result<()> {
    conn.execute(
        "UPDATE school SET idle_lock_minutes = ?1 WHERE id = 1",
        [minutes],
    )?;
    Ok(())
}
