//! Alerts waiting for their readers, the default user groups a new concern alerts, and each
//! person's own reminders ("Remind Me").

use crate::model::{AlertId, IncidentId, ReminderId, UserGroupId, UserId};
use crate::vault::{Db, Result};
use rusqlite::params;

/// One alert to one person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Alert {
    pub id: AlertId,
    pub incident: IncidentId,
    pub reader: UserId,
    pub sent_by: Option<UserId>,
    pub sent_at: i64,
    pub via_group: Option<UserGroupId>,
    pub read_at: Option<i64>,
}

/// Sends one alert; a second alert about the same incident to the same person is not added.
pub fn insert(
    conn: Db<'_>,
    incident: IncidentId,
    reader: UserId,
    sent_by: Option<UserId>,
    sent_at: i64,
    via_group: Option<UserGroupId>,
) -> Result<()> {
    conn.execute(
        "INSERT OR IGNORE INTO alerts (incident_id, user_id, sent_by, sent_at, via_group)
         VALUES (?1, ?2, ?3, ?4, ?5)",
        params![
            incident.0,
            reader.0,
            sent_by.map(|u| u.0),
            sent_at,
            via_group.map(|g| g.0)
        ],
    )?;
    Ok(())
}

const COLUMNS: &str = "id, incident_id, user_id, sent_by, sent_at, via_group, read_at";

fn alert(r: &rusqlite::Row<'_>) -> rusqlite::Result<Alert> {
    Ok(Alert {
        id: AlertId(r.get(0)?),
        incident: IncidentId(r.get(1)?),
        reader: UserId(r.get(2)?),
        sent_by: r.get::<_, Option<i64>>(3)?.map(UserId),
        sent_at: r.get(4)?,
        via_group: r.get::<_, Option<i64>>(5)?.map(UserGroupId),
        read_at: r.get(6)?,
    })
}

/// A person's unread alerts, newest first, then up to `read_limit` read ones, newest first.
pub fn for_reader(conn: Db<'_>, reader: UserId, read_limit: usize) -> Result<Vec<Alert>> {
    let mut out = Vec::new();
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM alerts WHERE user_id = ?1 AND read_at IS NULL
         ORDER BY sent_at DESC, id DESC"
    ))?;
    for row in stmt.query_map([reader.0], alert)? {
        out.push(row?);
    }
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM alerts WHERE user_id = ?1 AND read_at IS NOT NULL
         ORDER BY read_at DESC, id DESC LIMIT ?2"
    ))?;
    for row in stmt.query_map(params![reader.0, read_limit as i64], alert)? {
        out.push(row?);
    }
    Ok(out)
}

/// Every alert about one incident, in the order they were sent.
pub fn for_incident(conn: Db<'_>, incident: IncidentId) -> Result<Vec<Alert>> {
    let mut stmt = conn.prepare(&format!(
        "SELECT {COLUMNS} FROM alerts WHERE incident_id = ?1 ORDER BY id"
    ))?;
    let rows = stmt.query_map([incident.0], alert)?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}

/// Every alert, in the order they were sent (for the export).
pub fn all(conn: Db<'_>) -> Result<Vec<Alert>> {
    let mut stmt = conn.prepare(&format!("SELECT {COLUMNS} FROM alerts ORDER BY id"))?;
    let rows = stmt.query_map([], alert)?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}

pub fn get(conn: Db<'_>, id: AlertId) -> Result<Option<Alert>> {
    let mut stmt = conn.prepare(&format!("SELECT {COLUMNS} FROM alerts WHERE id = ?1"))?;
    let mut rows = stmt.query_map([id.0], alert)?;
    Ok(rows.next().transpose()?)
}

pub fn mark_read(conn: Db<'_>, id: AlertId, at: i64) -> Result<()> {
    conn.execute(
        "UPDATE alerts SET read_at = ?2 WHERE id = ?1 AND read_at IS NULL",
        params![id.0, at],
    )?;
    Ok(())
}

/// The user groups an administrator chose as the default, or `None` while none has chosen.
pub fn default_groups(conn: Db<'_>) -> Result<Option<Vec<UserGroupId>>> {
    let chosen: bool = conn.query_row(
        "SELECT coalesce((SELECT defaults_chosen FROM alert_settings WHERE id = 1), 0)",
        [],
        |r| r.get(0),
    )?;
    if !chosen {
        return Ok(None);
    }
    let mut stmt =
        conn.prepare("SELECT user_group_id FROM alert_default_groups ORDER BY user_group_id")?;
    let rows = stmt.query_map([], |r| Ok(UserGroupId(r.get(0)?)))?;
    Ok(Some(rows.collect::<rusqlite::Result<Vec<_>>>()?))
}

/// Chooses the default groups (`None`: back to the groups holding Named person or Manage system).
pub fn set_default_groups(conn: Db<'_>, groups: Option<&[UserGroupId]>) -> Result<()> {
    conn.execute("DELETE FROM alert_default_groups", [])?;
    for g in groups.unwrap_or_default() {
        conn.execute(
            "INSERT OR IGNORE INTO alert_default_groups (user_group_id) VALUES (?1)",
            [g.0],
        )?;
    }
    conn.execute(
        "INSERT INTO alert_settings (id, defaults_chosen) VALUES (1, ?1)
         ON CONFLICT (id) DO UPDATE SET defaults_chosen = excluded.defaults_chosen",
        [super::flag(groups.is_some())],
    )?;
    Ok(())
}

/// A note to oneself for a day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reminder {
    pub id: ReminderId,
    pub owner: UserId,
    pub note: String,
    /// YYYY-MM-DD.
    pub due_on: String,
    pub created_at: i64,
    pub done_at: Option<i64>,
}

pub fn insert_reminder(
    conn: Db<'_>,
    owner: UserId,
    note: &str,
    due_on: &str,
    at: i64,
) -> Result<ReminderId> {
    conn.execute(
        "INSERT INTO reminders (user_id, note, due_on, created_at) VALUES (?1, ?2, ?3, ?4)",
        params![owner.0, note, due_on, at],
    )?;
    Ok(ReminderId(conn.last_insert_rowid()))
}

fn reminder(r: &rusqlite::Row<'_>) -> rusqlite::Result<Reminder> {
    Ok(Reminder {
        id: ReminderId(r.get(0)?),
        owner: UserId(r.get(1)?),
        note: r.get(2)?,
        due_on: r.get(3)?,
        created_at: r.get(4)?,
        done_at: r.get(5)?,
    })
}

/// A person's reminders not yet done, soonest first.
pub fn open_reminders(conn: Db<'_>, owner: UserId) -> Result<Vec<Reminder>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, user_id, note, due_on, created_at, done_at FROM reminders
         WHERE user_id = ?1 AND done_at IS NULL ORDER BY due_on, id",
    )?;
    let rows = stmt.query_map([owner.0], reminder)?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}

/// Every reminder, done or not, in the order they were written (for the export).
pub fn all_reminders(conn: Db<'_>) -> Result<Vec<Reminder>> {
    let mut stmt = conn.prepare(
        "SELECT id, user_id, note, due_on, created_at, done_at FROM reminders ORDER BY id",
    )?;
    let rows = stmt.query_map([], reminder)?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}

pub fn get_reminder(conn: Db<'_>, id: ReminderId) -> Result<Option<Reminder>> {
    let mut stmt = conn.prepare(
        "SELECT id, user_id, note, due_on, created_at, done_at FROM reminders WHERE id = ?1",
    )?;
    let mut rows = stmt.query_map([id.0], reminder)?;
    Ok(rows.next().transpose()?)
}

pub fn reminder_done(conn: Db<'_>, id: ReminderId, at: i64) -> Result<()> {
    conn.execute(
        "UPDATE reminders SET done_at = ?2 WHERE id = ?1 AND done_at IS NULL",
        params![id.0, at],
    )?;
    Ok(())
}
