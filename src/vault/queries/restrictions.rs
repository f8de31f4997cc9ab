//! Restricted concerns: incidents restricted to named people, locked pupil records, and the staff
//! a concern is about (see `model::restriction`).

use crate::model::restriction::{Guard, Guards, Readers, StaffInvolved};
use crate::model::{IncidentId, PupilId, UserGroupId, UserId};
use crate::vault::{Db, Result};
use rusqlite::params;
use std::collections::HashMap;

fn read_readers(conn: Db<'_>, sql: &str) -> Result<HashMap<i64, Readers>> {
    let mut out: HashMap<i64, Readers> = HashMap::new();
    let mut stmt = conn.prepare(sql)?;
    let rows = stmt.query_map([], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            r.get::<_, Option<i64>>(1)?,
            r.get::<_, Option<i64>>(2)?,
        ))
    })?;
    for row in rows {
        let (id, user, group) = row?;
        let readers = out.entry(id).or_default();
        if let Some(u) = user {
            readers.users.insert(UserId(u));
        }
        if let Some(g) = group {
            readers.groups.insert(UserGroupId(g));
        }
    }
    Ok(out)
}

/// Every restriction in the school.
pub fn guards(conn: Db<'_>) -> Result<Guards> {
    let mut readers = read_readers(
        conn,
        "SELECT r.incident_id, d.user_id, d.user_group_id FROM incident_restrictions r
         LEFT JOIN incident_readers d ON d.incident_id = r.incident_id",
    )?;
    let mut incidents: HashMap<IncidentId, Guard> = readers
        .drain()
        .map(|(id, r)| {
            (
                IncidentId(id),
                Guard {
                    readers: Some(r),
                    staff: Vec::new(),
                },
            )
        })
        .collect();
    {
        let mut stmt =
            conn.prepare("SELECT incident_id, user_id, group_may_read FROM incident_staff")?;
        let rows = stmt.query_map([], |r| {
            Ok((
                IncidentId(r.get(0)?),
                StaffInvolved {
                    user: UserId(r.get(1)?),
                    group_may_read: r.get::<_, i64>(2)? != 0,
                },
            ))
        })?;
        for row in rows {
            let (id, s) = row?;
            incidents.entry(id).or_default().staff.push(s);
        }
    }
    let locks: HashMap<PupilId, Readers> = read_readers(
        conn,
        "SELECT l.pupil_id, d.user_id, d.user_group_id FROM pupil_locks l
         LEFT JOIN pupil_lock_readers d ON d.pupil_id = l.pupil_id",
    )?
    .into_iter()
    .map(|(id, r)| (PupilId(id), r))
    .collect();
    let mut groups = HashMap::new();
    {
        let mut stmt = conn.prepare("SELECT id, user_group_id FROM users")?;
        let rows = stmt.query_map([], |r| Ok((UserId(r.get(0)?), UserGroupId(r.get(1)?))))?;
        for row in rows {
            let (u, g) = row?;
            groups.insert(u, g);
        }
    }
    let mut recorders = HashMap::new();
    if !incidents.is_empty() || !locks.is_empty() {
        let mut stmt = conn.prepare(
            "SELECT id, recorded_by FROM incidents
             WHERE recorded_by IS NOT NULL
               AND (id IN (SELECT incident_id FROM incident_restrictions)
                    OR id IN (SELECT incident_id FROM incident_staff)
                    OR pupil_id IN (SELECT pupil_id FROM pupil_locks))",
        )?;
        let rows = stmt.query_map([], |r| Ok((IncidentId(r.get(0)?), UserId(r.get(1)?))))?;
        for row in rows {
            let (i, u) = row?;
            recorders.insert(i, u);
        }
    }
    Ok(Guards {
        incidents,
        locks,
        groups,
        recorders,
    })
}

/// One kind of list of readers: the table saying who set it and when (`owner`), the table of
/// who is on it, and the column both are keyed by.
struct ReaderList {
    owner: &'static str,
    readers: &'static str,
    key: &'static str,
}

const INCIDENT_LIST: ReaderList = ReaderList {
    owner: "incident_restrictions",
    readers: "incident_readers",
    key: "incident_id",
};

const LOCK_LIST: ReaderList = ReaderList {
    owner: "pupil_locks",
    readers: "pupil_lock_readers",
    key: "pupil_id",
};

/// Puts a list in place of the one there was, or with `None` removes it (its readers go with
/// it).
fn set_list(
    conn: Db<'_>,
    list: &ReaderList,
    id: i64,
    readers: Option<&Readers>,
    by: Option<UserId>,
    at: i64,
) -> Result<()> {
    let ReaderList {
        owner,
        readers: table,
        key,
    } = list;
    let Some(r) = readers else {
        conn.execute(&format!("DELETE FROM {owner} WHERE {key} = ?1"), [id])?;
        return Ok(());
    };
    conn.execute(
        &format!("INSERT OR REPLACE INTO {owner} ({key}, set_by, set_at) VALUES (?1, ?2, ?3)"),
        params![id, by.map(|u| u.0), at],
    )?;
    conn.execute(&format!("DELETE FROM {table} WHERE {key} = ?1"), [id])?;
    for u in &r.users {
        conn.execute(
            &format!("INSERT INTO {table} ({key}, user_id) VALUES (?1, ?2)"),
            params![id, u.0],
        )?;
    }
    for g in &r.groups {
        conn.execute(
            &format!("INSERT INTO {table} ({key}, user_group_id) VALUES (?1, ?2)"),
            params![id, g.0],
        )?;
    }
    Ok(())
}

/// Restricts an incident to `readers`, or with `None` lifts its restriction.
pub fn set_incident_readers(
    conn: Db<'_>,
    incident: IncidentId,
    readers: Option<&Readers>,
    by: Option<UserId>,
    at: i64,
) -> Result<()> {
    set_list(conn, &INCIDENT_LIST, incident.0, readers, by, at)
}

/// Locks a pupil's record to `readers`, or with `None` unlocks it.
pub fn set_lock(
    conn: Db<'_>,
    pupil: PupilId,
    readers: Option<&Readers>,
    by: Option<UserId>,
    at: i64,
) -> Result<()> {
    set_list(conn, &LOCK_LIST, pupil.0, readers, by, at)
}

/// The staff a concern is about, replacing any named before.
pub fn set_staff(conn: Db<'_>, incident: IncidentId, staff: &[StaffInvolved]) -> Result<()> {
    conn.execute(
        "DELETE FROM incident_staff WHERE incident_id = ?1",
        [incident.0],
    )?;
    for s in staff {
        conn.execute(
            "INSERT OR REPLACE INTO incident_staff (incident_id, user_id, group_may_read)
             VALUES (?1, ?2, ?3)",
            params![incident.0, s.user.0, super::flag(s.group_may_read)],
        )?;
    }
    Ok(())
}

/// Who set a restriction or lock, and when.
pub type SetBy = (Option<UserId>, i64);

/// Who set each restriction and lock, and when (for the export).
pub fn set_by(conn: Db<'_>) -> Result<(HashMap<IncidentId, SetBy>, HashMap<PupilId, SetBy>)> {
    let mut incidents = HashMap::new();
    let mut stmt = conn.prepare("SELECT incident_id, set_by, set_at FROM incident_restrictions")?;
    for row in stmt.query_map([], |r| {
        Ok((
            IncidentId(r.get(0)?),
            r.get::<_, Option<i64>>(1)?.map(UserId),
            r.get::<_, i64>(2)?,
        ))
    })? {
        let (i, by, at) = row?;
        incidents.insert(i, (by, at));
    }
    let mut pupils = HashMap::new();
    let mut stmt = conn.prepare("SELECT pupil_id, set_by, set_at FROM pupil_locks")?;
    for row in stmt.query_map([], |r| {
        Ok((
            PupilId(r.get(0)?),
            r.get::<_, Option<i64>>(1)?.map(UserId),
            r.get::<_, i64>(2)?,
        ))
    })? {
        let (p, by, at) = row?;
        pupils.insert(p, (by, at));
    }
    Ok((incidents, pupils))
}
