//! Pupil groups, the restricted flag of each group type, and access lists.

use crate::model::{GroupType, PupilGroup, PupilGroupId, UserId};
use crate::vault::Db;
use crate::vault::{Error, Result};
use rusqlite::params;
use std::collections::BTreeMap;

fn group_type(key: String) -> rusqlite::Result<GroupType> {
    GroupType::from_key(&key).ok_or_else(|| {
        rusqlite::Error::FromSqlConversionFailure(
            0,
            rusqlite::types::Type::Text,
            format!("unknown group type {key:?}").into(),
        )
    })
}

pub fn restricted_types(conn: Db<'_>) -> Result<BTreeMap<GroupType, bool>> {
    let mut stmt = conn.prepare("SELECT type, restricted FROM group_types")?;
    let rows = stmt.query_map([], |r| Ok((group_type(r.get(0)?)?, r.get::<_, bool>(1)?)))?;
    Ok(rows.collect::<rusqlite::Result<BTreeMap<_, _>>>()?)
}

pub fn set_restricted(conn: Db<'_>, t: GroupType, restricted: bool) -> Result<()> {
    conn.execute(
        "UPDATE group_types SET restricted = ?2 WHERE type = ?1",
        params![t.key(), super::flag(restricted)],
    )?;
    Ok(())
}

pub fn insert(
    conn: Db<'_>,
    t: GroupType,
    name: &str,
    mis_id: Option<&str>,
    is_new: bool,
    sort_order: i64,
) -> Result<PupilGroupId> {
    conn.prepare_cached(
        "INSERT INTO pupil_groups (type, name, mis_id, is_new, sort_order) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?
    .execute(params![t.key(), name.trim(), mis_id.map(str::trim).filter(|m| !m.is_empty()), super::flag(is_new), sort_order])
    .map_err(|e| match &e {
        rusqlite::Error::SqliteFailure(f, _) if f.code == rusqlite::ErrorCode::ConstraintViolation => {
            Error::Rejected(format!(
                "there is already a {} called {name:?} or with MIS ID {mis_id:?}",
                t.label()
            ))
        }
        _ => e.into(),
    })?;
    Ok(PupilGroupId(conn.last_insert_rowid()))
}

/// Every pupil group, in the order the Groups tab shows them (by type, then sort order, then name).
pub fn list(conn: Db<'_>) -> Result<Vec<PupilGroup>> {
    let mut stmt = conn.prepare(
        "SELECT id, type, name, mis_id, is_new FROM pupil_groups
         ORDER BY CASE type WHEN 'house' THEN 0 WHEN 'academic_level' THEN 1 ELSE 2 END,
                  sort_order, name COLLATE NOCASE",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok(PupilGroup {
            id: PupilGroupId(r.get(0)?),
            group_type: group_type(r.get(1)?)?,
            name: r.get(2)?,
            mis_id: r.get(3)?,
            is_new: r.get(4)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}

/// Every access list: group → the users on it.
pub fn access_lists(conn: Db<'_>) -> Result<BTreeMap<PupilGroupId, Vec<UserId>>> {
    let mut stmt =
        conn.prepare("SELECT group_id, user_id FROM group_access ORDER BY group_id, user_id")?;
    let mut out: BTreeMap<PupilGroupId, Vec<UserId>> = BTreeMap::new();
    let rows = stmt.query_map([], |r| Ok((PupilGroupId(r.get(0)?), UserId(r.get(1)?))))?;
    for row in rows {
        let (g, u) = row?;
        out.entry(g).or_default().push(u);
    }
    Ok(out)
}

pub fn add_access(conn: Db<'_>, group: PupilGroupId, user: UserId) -> Result<()> {
    conn.execute(
        "INSERT OR IGNORE INTO group_access (group_id, user_id) VALUES (?1, ?2)",
        params![group.0, user.0],
    )?;
    Ok(())
}

pub fn get(conn: Db<'_>, id: PupilGroupId) -> Result<Option<PupilGroup>> {
    Ok(list(conn)?.into_iter().find(|g| g.id == id))
}

pub fn rename(conn: Db<'_>, id: PupilGroupId, name: &str) -> Result<()> {
    conn.execute(
        "UPDATE pupil_groups SET name = ?2 WHERE id = ?1",
        params![id.0, name.trim()],
    )?;
    Ok(())
}

pub fn set_mis_id(conn: Db<'_>, id: PupilGroupId, mis_id: Option<&str>) -> Result<()> {
    conn.execute(
        "UPDATE pupil_groups SET mis_id = ?2 WHERE id = ?1",
        params![id.0, mis_id.map(str::trim).filter(|m| !m.is_empty())],
    )?;
    Ok(())
}

pub fn set_is_new(conn: Db<'_>, id: PupilGroupId, is_new: bool) -> Result<()> {
    conn.execute(
        "UPDATE pupil_groups SET is_new = ?2 WHERE id = ?1",
        params![id.0, super::flag(is_new)],
    )?;
    Ok(())
}

/// Removes a group and its access list. Callers check first that no pupil belongs to it.
pub fn delete(conn: Db<'_>, id: PupilGroupId) -> Result<()> {
    conn.execute("DELETE FROM group_access WHERE group_id = ?1", [id.0])?;
    conn.execute("DELETE FROM pupil_groups WHERE id = ?1", [id.0])?;
    Ok(())
}

/// Replaces a group's access list with exactly these users.
pub fn set_access_list(conn: Db<'_>, group: PupilGroupId, users: &[UserId]) -> Result<()> {
    conn.execute("DELETE FROM group_access WHERE group_id = ?1", [group.0])?;
    for u in users {
        add_access(conn, group, *u)?;
    }
    Ok(())
}
