//! Users, user groups with their permission grids, and soft keys.

use crate::model::{
    CategoryGrant, CategoryId, CategoryPermissions, KeyStanding, SystemPermission,
    SystemPermissions, User, UserGroup, UserGroupId, UserId,
};
use crate::vault::Db;
use crate::vault::{Error, Result};
use rusqlite::{OptionalExtension, params};
use std::collections::BTreeMap;

fn constraint(e: rusqlite::Error, what: impl FnOnce() -> String) -> Error {
    match &e {
        rusqlite::Error::SqliteFailure(f, _)
            if f.code == rusqlite::ErrorCode::ConstraintViolation =>
        {
            Error::Rejected(what())
        }
        _ => e.into(),
    }
}

pub fn insert_user_group(conn: Db<'_>, name: &str, active: bool) -> Result<UserGroupId> {
    conn.execute(
        "INSERT INTO user_groups (name, active) VALUES (?1, ?2)",
        params![name.trim(), super::flag(active)],
    )
    .map_err(|e| {
        constraint(e, || {
            format!("there is already a user group called {name:?}")
        })
    })?;
    Ok(UserGroupId(conn.last_insert_rowid()))
}

/// Replaces the group's system and category permissions with these.
pub fn set_permissions(
    conn: Db<'_>,
    group: UserGroupId,
    system: SystemPermissions,
    categories: &CategoryPermissions,
) -> Result<()> {
    conn.execute(
        "DELETE FROM user_group_system_permissions WHERE user_group_id = ?1",
        [group.0],
    )?;
    for p in system.iter() {
        conn.execute(
            "INSERT INTO user_group_system_permissions (user_group_id, permission) VALUES (?1, ?2)",
            params![group.0, p.key()],
        )?;
    }
    conn.execute(
        "DELETE FROM user_group_category_permissions WHERE user_group_id = ?1",
        [group.0],
    )?;
    for (category, g) in categories.iter() {
        conn.execute(
            "INSERT INTO user_group_category_permissions
             (user_group_id, category_id, view_students, view_incidents, add_incidents)
             VALUES (?1, ?2, ?3, ?4, ?5)",
            params![
                group.0,
                category.0,
                super::flag(g.view_students),
                super::flag(g.view_incidents),
                super::flag(g.add_incidents)
            ],
        )?;
    }
    Ok(())
}

pub fn user_groups(conn: Db<'_>) -> Result<Vec<UserGroup>> {
    let mut groups: Vec<UserGroup> = {
        let mut stmt =
            conn.prepare("SELECT id, name, active FROM user_groups ORDER BY name COLLATE NOCASE")?;
        let rows = stmt.query_map([], |r| {
            Ok(UserGroup {
                id: UserGroupId(r.get(0)?),
                name: r.get(1)?,
                active: r.get(2)?,
                system: SystemPermissions::none(),
                categories: CategoryPermissions::default(),
            })
        })?;
        rows.collect::<rusqlite::Result<Vec<_>>>()?
    };
    let index = |id: i64, groups: &mut Vec<UserGroup>| groups.iter().position(|g| g.id.0 == id);
    {
        let mut stmt =
            conn.prepare("SELECT user_group_id, permission FROM user_group_system_permissions")?;
        let rows = stmt.query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))?;
        for row in rows {
            let (gid, key) = row?;
            // A permission this version does not know (written by a newer one) grants nothing here.
            if let (Some(i), Some(p)) = (index(gid, &mut groups), SystemPermission::from_key(&key))
            {
                groups[i].system.set(p, true);
            }
        }
    }
    {
        let mut stmt = conn.prepare(
            "SELECT user_group_id, category_id, view_students, view_incidents, add_incidents
             FROM user_group_category_permissions",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                CategoryId(r.get(1)?),
                CategoryGrant {
                    view_students: r.get(2)?,
                    view_incidents: r.get(3)?,
                    add_incidents: r.get(4)?,
                },
            ))
        })?;
        for row in rows {
            let (gid, cat, grant) = row?;
            if let Some(i) = index(gid, &mut groups) {
                groups[i].categories.set_grant(cat, grant);
            }
        }
    }
    Ok(groups)
}

pub struct NewUser<'a> {
    pub title: &'a str,
    pub forename: &'a str,
    pub surname: &'a str,
    pub email: &'a str,
    pub job_title: &'a str,
    pub user_group: UserGroupId,
    pub active: bool,
    pub last_login_at: Option<i64>,
}

pub fn insert_user(conn: Db<'_>, u: &NewUser<'_>, at: i64) -> Result<UserId> {
    conn.execute(
        "INSERT INTO users (title, forename, surname, email, job_title, user_group_id, active, created_at, last_login_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        params![
            u.title.trim(),
            u.forename.trim(),
            u.surname.trim(),
            u.email.trim(),
            u.job_title.trim(),
            u.user_group.0,
            super::flag(u.active),
            at,
            u.last_login_at
        ],
    )
    .map_err(|e| constraint(e, || format!("a user with the e-mail address {} already exists", u.email.trim())))?;
    Ok(UserId(conn.last_insert_rowid()))
}

const USER_COLUMNS: &str =
    "id, title, forename, surname, email, job_title, user_group_id, active, last_login_at";

fn user_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<User> {
    Ok(User {
        id: UserId(r.get(0)?),
        title: r.get(1)?,
        forename: r.get(2)?,
        surname: r.get(3)?,
        email: r.get(4)?,
        job_title: r.get(5)?,
        user_group: UserGroupId(r.get(6)?),
        active: r.get(7)?,
        last_login_at: r.get(8)?,
    })
}

pub fn users(conn: Db<'_>) -> Result<Vec<User>> {
    let mut stmt = conn.prepare(&format!(
        "SELECT {USER_COLUMNS} FROM users ORDER BY surname COLLATE NOCASE, forename COLLATE NOCASE, id"
    ))?;
    let rows = stmt.query_map([], user_from_row)?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}

pub fn user_by_email(conn: Db<'_>, email: &str) -> Result<Option<User>> {
    Ok(conn
        .query_row(
            &format!("SELECT {USER_COLUMNS} FROM users WHERE email = ?1 COLLATE NOCASE"),
            [email.trim()],
            user_from_row,
        )
        .optional()?)
}

pub fn user_by_id(conn: Db<'_>, id: UserId) -> Result<Option<User>> {
    Ok(conn
        .query_row(
            &format!("SELECT {USER_COLUMNS} FROM users WHERE id = ?1"),
            [id.0],
            user_from_row,
        )
        .optional()?)
}

pub fn set_last_login(conn: Db<'_>, user: UserId, at: i64) -> Result<()> {
    conn.execute(
        "UPDATE users SET last_login_at = ?2 WHERE id = ?1",
        params![user.0, at],
    )?;
    Ok(())
}

/// A user's soft key as stored.
#[derive(Clone, PartialEq, Eq)]
pub struct StoredSoftKey {
    pub user: UserId,
    pub secret: Vec<u8>,
    pub confirmed: bool,
    pub enrolled_at: i64,
    pub last_used_step: Option<u64>,
    pub failed_attempts: u32,
    pub locked_until: Option<i64>,
}

impl std::fmt::Debug for StoredSoftKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StoredSoftKey")
            .field("user", &self.user)
            .field("confirmed", &self.confirmed)
            .field("last_used_step", &self.last_used_step)
            .field("failed_attempts", &self.failed_attempts)
            .field("locked_until", &self.locked_until)
            .finish_non_exhaustive()
    }
}

pub fn soft_key(conn: Db<'_>, user: UserId) -> Result<Option<StoredSoftKey>> {
    Ok(conn
        .query_row(
            "SELECT user_id, secret, confirmed, enrolled_at, last_used_step, failed_attempts, locked_until
             FROM soft_keys WHERE user_id = ?1",
            [user.0],
            |r| {
                Ok(StoredSoftKey {
                    user: UserId(r.get(0)?),
                    secret: r.get(1)?,
                    confirmed: r.get(2)?,
                    enrolled_at: r.get(3)?,
                    last_used_step: r.get::<_, Option<i64>>(4)?.map(|s| s.max(0) as u64),
                    failed_attempts: r.get(5)?,
                    locked_until: r.get(6)?,
                })
            },
        )
        .optional()?)
}

/// Stores (or replaces) a user's key.
/// Every stored soft key's standing, by user: one query where the Overview and the health check
/// would otherwise ask once per user.
pub fn key_standings(conn: Db<'_>) -> Result<BTreeMap<UserId, KeyStanding>> {
    let mut stmt = conn.prepare("SELECT user_id, confirmed, locked_until FROM soft_keys")?;
    let rows = stmt.query_map([], |r| {
        Ok((
            UserId(r.get(0)?),
            KeyStanding {
                confirmed: r.get(1)?,
                locked_until: r.get(2)?,
            },
        ))
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub fn put_soft_key(conn: Db<'_>, key: &StoredSoftKey) -> Result<()> {
    conn.execute(
        "INSERT OR REPLACE INTO soft_keys
         (user_id, secret, confirmed, enrolled_at, last_used_step, failed_attempts, locked_until)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![
            key.user.0,
            key.secret,
            super::flag(key.confirmed),
            key.enrolled_at,
            key.last_used_step.map(|s| s as i64),
            key.failed_attempts,
            key.locked_until
        ],
    )?;
    Ok(())
}

/// Records the outcome of a code check: the step used, or the count of failures and any lock.
pub fn update_soft_key_state(
    conn: Db<'_>,
    user: UserId,
    last_used_step: Option<u64>,
    failed_attempts: u32,
    locked_until: Option<i64>,
) -> Result<()> {
    conn.execute(
        "UPDATE soft_keys SET last_used_step = ?2, failed_attempts = ?3, locked_until = ?4
         WHERE user_id = ?1",
        params![
            user.0,
            last_used_step.map(|s| s as i64),
            failed_attempts,
            locked_until
        ],
    )?;
    Ok(())
}

pub fn set_user_group(conn: Db<'_>, user: UserId, group: UserGroupId) -> Result<()> {
    conn.execute(
        "UPDATE users SET user_group_id = ?2 WHERE id = ?1",
        params![user.0, group.0],
    )?;
    Ok(())
}

pub fn set_user_active(conn: Db<'_>, user: UserId, active: bool) -> Result<()> {
    conn.execute(
        "UPDATE users SET active = ?2 WHERE id = ?1",
        params![user.0, super::flag(active)],
    )?;
    Ok(())
}

pub fn update_user_details(
    conn: Db<'_>,
    user: UserId,
    title: &str,
    forename: &str,
    surname: &str,
    job_title: &str,
) -> Result<()> {
    conn.execute(
        "UPDATE users SET title = ?2, forename = ?3, surname = ?4, job_title = ?5 WHERE id = ?1",
        params![
            user.0,
            title.trim(),
            forename.trim(),
            surname.trim(),
            job_title.trim()
        ],
    )?;
    Ok(())
}

pub fn delete_soft_key(conn: Db<'_>, user: UserId) -> Result<()> {
    conn.execute("DELETE FROM soft_keys WHERE user_id = ?1", [user.0])?;
    Ok(())
}

/// A set-up code as recorded (the code itself is never stored, only its hash).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SetupCodeRecord {
    pub id: i64,
    pub user: UserId,
    pub code_hash: String,
    pub issued_at: i64,
    pub expires_at: i64,
    pub used_at: Option<i64>,
}

/// Records a newly issued code and retires any earlier unused one for the same user.
pub fn insert_setup_code(
    conn: Db<'_>,
    user: UserId,
    code_hash: &str,
    issued_at: i64,
    expires_at: i64,
) -> Result<()> {
    conn.execute(
        "UPDATE setup_codes SET used_at = ?2 WHERE user_id = ?1 AND used_at IS NULL",
        params![user.0, issued_at],
    )?;
    conn.execute(
        "INSERT INTO setup_codes (user_id, code_hash, issued_at, expires_at) VALUES (?1, ?2, ?3, ?4)",
        params![user.0, code_hash, issued_at, expires_at],
    )?;
    Ok(())
}

/// The user's newest code that has not been used or retired.
pub fn pending_setup_code(conn: Db<'_>, user: UserId) -> Result<Option<SetupCodeRecord>> {
    Ok(conn
        .query_row(
            "SELECT id, user_id, code_hash, issued_at, expires_at, used_at FROM setup_codes
             WHERE user_id = ?1 AND used_at IS NULL ORDER BY id DESC LIMIT 1",
            [user.0],
            |r| {
                Ok(SetupCodeRecord {
                    id: r.get(0)?,
                    user: UserId(r.get(1)?),
                    code_hash: r.get(2)?,
                    issued_at: r.get(3)?,
                    expires_at: r.get(4)?,
                    used_at: r.get(5)?,
                })
            },
        )
        .optional()?)
}

/// Marks every unused code of the user as finished with (used, or withdrawn).
pub fn close_setup_codes(conn: Db<'_>, user: UserId, at: i64) -> Result<()> {
    conn.execute(
        "UPDATE setup_codes SET used_at = ?2 WHERE user_id = ?1 AND used_at IS NULL",
        params![user.0, at],
    )?;
    Ok(())
}

pub fn update_user_group(conn: Db<'_>, id: UserGroupId, name: &str, active: bool) -> Result<()> {
    conn.execute(
        "UPDATE user_groups SET name = ?2, active = ?3 WHERE id = ?1",
        params![id.0, name.trim(), super::flag(active)],
    )
    .map_err(|e| {
        constraint(e, || {
            format!("there is already a user group called {name:?}")
        })
    })?;
    Ok(())
}

pub fn delete_user_group(conn: Db<'_>, id: UserGroupId) -> Result<()> {
    conn.execute("DELETE FROM user_groups WHERE id = ?1", [id.0])?;
    Ok(())
}
