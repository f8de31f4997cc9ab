//! Actions on incidents (with every version an edit replaced) and pupils' statuses.

use crate::model::casework::{ActionRevision, IncidentAction, PupilStatus};
use crate::model::{ActionId, IncidentId, Outcome, PupilId, StatusId, StatusKind, UserId};
use crate::vault::{Db, Error, Result};
use chrono::NaiveDate;
use rusqlite::params;
use std::collections::BTreeMap;

/// An action to write: new, or the new version of one.
pub struct ActionText<'a> {
    pub taken_at: i64,
    pub taken_by: Option<UserId>,
    pub outcome: Outcome,
    pub description: &'a str,
    pub rationale: &'a str,
}

pub fn insert_action(
    conn: Db<'_>,
    incident: IncidentId,
    a: &ActionText<'_>,
    recorded_by: Option<UserId>,
    recorded_at: i64,
) -> Result<ActionId> {
    conn.execute(
        "INSERT INTO incident_actions
             (incident_id, taken_at, taken_by, outcome, description, rationale, recorded_by, recorded_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![
            incident.0,
            a.taken_at,
            a.taken_by.map(|u| u.0),
            a.outcome.key(),
            a.description,
            a.rationale,
            recorded_by.map(|u| u.0),
            recorded_at
        ],
    )?;
    Ok(ActionId(conn.last_insert_rowid()))
}

/// Replaces an action's content, keeping the version it replaces (see [`revisions`]).
pub fn update_action(
    conn: Db<'_>,
    id: ActionId,
    a: &ActionText<'_>,
    by: Option<UserId>,
    at: i64,
) -> Result<()> {
    conn.execute(
        "INSERT INTO incident_action_revisions
             (action_id, taken_at, taken_by, outcome, description, rationale, replaced_by, replaced_at)
         SELECT id, taken_at, taken_by, outcome, description, rationale, ?2, ?3
         FROM incident_actions WHERE id = ?1",
        params![id.0, by.map(|u| u.0), at],
    )?;
    // A received action names who took it at the other school: the version replaced keeps the
    // name, and the new version is taken by whoever the edit says.
    conn.execute(
        "INSERT INTO received_action_revision_names (revision_id, taken_by)
         SELECT last_insert_rowid(), taken_by FROM received_action_names
         WHERE action_id = ?1 AND taken_by IS NOT NULL",
        [id.0],
    )?;
    conn.execute(
        "UPDATE received_action_names SET taken_by = NULL WHERE action_id = ?1",
        [id.0],
    )?;
    conn.execute(
        "UPDATE incident_actions
         SET taken_at = ?2, taken_by = ?3, outcome = ?4, description = ?5, rationale = ?6
         WHERE id = ?1",
        params![
            id.0,
            a.taken_at,
            a.taken_by.map(|u| u.0),
            a.outcome.key(),
            a.description,
            a.rationale
        ],
    )?;
    Ok(())
}

pub(crate) fn outcome(key: &str) -> Result<Outcome> {
    Outcome::from_key(key)
        .ok_or_else(|| Error::Damaged(format!("an action has an unknown outcome {key:?}")))
}

/// Every action, by incident, each incident's in the order they were taken.
pub fn all_actions(conn: Db<'_>) -> Result<BTreeMap<IncidentId, Vec<IncidentAction>>> {
    let mut out: BTreeMap<IncidentId, Vec<IncidentAction>> = BTreeMap::new();
    for a in select_actions(conn, "", [])? {
        out.entry(a.incident).or_default().push(a);
    }
    Ok(out)
}

/// The actions on the incidents about one pupil, in the order they were taken.
pub fn actions_for_pupil(conn: Db<'_>, pupil: PupilId) -> Result<Vec<IncidentAction>> {
    select_actions(
        conn,
        "WHERE incident_id IN (SELECT id FROM incidents WHERE pupil_id = ?1)",
        [pupil.0],
    )
}

pub fn action(conn: Db<'_>, id: ActionId) -> Result<Option<IncidentAction>> {
    Ok(select_actions(conn, "WHERE id = ?1", [id.0])?
        .into_iter()
        .next())
}

fn select_actions<P: rusqlite::Params>(
    conn: Db<'_>,
    filter: &str,
    args: P,
) -> Result<Vec<IncidentAction>> {
    let mut stmt = conn.prepare(&format!(
        "SELECT id, incident_id, taken_at, taken_by, outcome, description, rationale,
                recorded_by, recorded_at,
                (SELECT n.taken_by FROM received_action_names n WHERE n.action_id = incident_actions.id),
                (SELECT n.recorded_by FROM received_action_names n WHERE n.action_id = incident_actions.id)
         FROM incident_actions {filter} ORDER BY taken_at, id"
    ))?;
    let rows = stmt.query_map(args, |r| {
        Ok((
            IncidentAction {
                id: ActionId(r.get(0)?),
                incident: IncidentId(r.get(1)?),
                taken_at: r.get(2)?,
                taken_by: r.get::<_, Option<i64>>(3)?.map(UserId),
                outcome: Outcome::Other,
                description: r.get(5)?,
                rationale: r.get(6)?,
                recorded_by: r.get::<_, Option<i64>>(7)?.map(UserId),
                recorded_at: r.get(8)?,
                taken_by_name: r.get(9)?,
                recorded_by_name: r.get(10)?,
            },
            r.get::<_, String>(4)?,
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (mut a, key) = row?;
        a.outcome = outcome(&key)?;
        out.push(a);
    }
    Ok(out)
}

/// Every action's replaced versions, oldest first, by action.
pub fn all_action_revisions(conn: Db<'_>) -> Result<BTreeMap<ActionId, Vec<ActionRevision>>> {
    select_action_revisions(conn, "", [])
}

/// The replaced versions of the actions on one pupil's incidents, oldest first, by action.
pub fn action_revisions_for_pupil(
    conn: Db<'_>,
    pupil: PupilId,
) -> Result<BTreeMap<ActionId, Vec<ActionRevision>>> {
    select_action_revisions(
        conn,
        "WHERE action_id IN (SELECT a.id FROM incident_actions a
                             JOIN incidents i ON i.id = a.incident_id WHERE i.pupil_id = ?1)",
        [pupil.0],
    )
}

fn select_action_revisions<P: rusqlite::Params>(
    conn: Db<'_>,
    filter: &str,
    args: P,
) -> Result<BTreeMap<ActionId, Vec<ActionRevision>>> {
    let mut stmt = conn.prepare(&format!(
        "SELECT action_id, taken_at, taken_by, outcome, description, rationale, replaced_by,
                replaced_at,
                (SELECT n.taken_by FROM received_action_revision_names n
                 WHERE n.revision_id = incident_action_revisions.id),
                (SELECT n.replaced_by FROM received_action_revision_names n
                 WHERE n.revision_id = incident_action_revisions.id)
         FROM incident_action_revisions {filter} ORDER BY action_id, replaced_at, id"
    ))?;
    let rows = stmt.query_map(args, |r| {
        Ok((
            ActionId(r.get(0)?),
            r.get::<_, i64>(1)?,
            r.get::<_, Option<i64>>(2)?,
            r.get::<_, String>(3)?,
            r.get::<_, String>(4)?,
            r.get::<_, String>(5)?,
            r.get::<_, Option<i64>>(6)?,
            r.get::<_, i64>(7)?,
            (
                r.get::<_, Option<String>>(8)?,
                r.get::<_, Option<String>>(9)?,
            ),
        ))
    })?;
    let mut out: BTreeMap<ActionId, Vec<ActionRevision>> = BTreeMap::new();
    for row in rows {
        let (id, taken_at, taken_by, key, description, rationale, replaced_by, replaced_at, names) =
            row?;
        out.entry(id).or_default().push(ActionRevision {
            taken_at,
            taken_by: taken_by.map(UserId),
            outcome: outcome(&key)?,
            description,
            rationale,
            replaced_by: replaced_by.map(UserId),
            replaced_at,
            taken_by_name: names.0,
            replaced_by_name: names.1,
        });
    }
    Ok(out)
}

/// Puts back a replaced version (loading an export).
pub fn insert_action_revision(conn: Db<'_>, id: ActionId, r: &ActionRevision) -> Result<()> {
    conn.execute(
        "INSERT INTO incident_action_revisions
             (action_id, taken_at, taken_by, outcome, description, rationale, replaced_by, replaced_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![
            id.0,
            r.taken_at,
            r.taken_by.map(|u| u.0),
            r.outcome.key(),
            r.description,
            r.rationale,
            r.replaced_by.map(|u| u.0),
            r.replaced_at
        ],
    )?;
    if r.taken_by_name.is_some() || r.replaced_by_name.is_some() {
        conn.execute(
            "INSERT INTO received_action_revision_names (revision_id, taken_by, replaced_by)
             VALUES (last_insert_rowid(), ?1, ?2)",
            params![r.taken_by_name, r.replaced_by_name],
        )?;
    }
    Ok(())
}

use super::day_text;

fn day(text: &str) -> Result<NaiveDate> {
    super::read_day(text, "a pupil's status")
}

/// A status to write. `ended_*` are set together or not at all.
pub struct NewStatus<'a> {
    pub pupil: PupilId,
    pub kind: StatusKind,
    pub started_on: NaiveDate,
    pub note: &'a str,
    pub set_by: Option<UserId>,
    pub set_at: i64,
    pub ended: Option<(NaiveDate, Option<UserId>, i64)>,
}

pub fn insert_status(conn: Db<'_>, s: &NewStatus<'_>) -> Result<StatusId> {
    let (ended_on, ended_by, ended_at) = match s.ended {
        Some((on, by, at)) => (Some(day_text(on)), by.map(|u| u.0), Some(at)),
        None => (None, None, None),
    };
    conn.execute(
        "INSERT INTO pupil_statuses
             (pupil_id, status, started_on, ended_on, note, set_by, set_at, ended_by, ended_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        params![
            s.pupil.0,
            s.kind.key(),
            day_text(s.started_on),
            ended_on,
            s.note,
            s.set_by.map(|u| u.0),
            s.set_at,
            ended_by,
            ended_at
        ],
    )?;
    Ok(StatusId(conn.last_insert_rowid()))
}

/// Ends an open status on `on`, as recorded by `by` at `at`.
pub fn end_status(
    conn: Db<'_>,
    id: StatusId,
    on: NaiveDate,
    by: Option<UserId>,
    at: i64,
) -> Result<()> {
    conn.execute(
        "UPDATE pupil_statuses SET ended_on = ?2, ended_by = ?3, ended_at = ?4
         WHERE id = ?1 AND ended_on IS NULL",
        params![id.0, day_text(on), by.map(|u| u.0), at],
    )?;
    Ok(())
}

/// Every pupil's statuses, oldest first.
pub fn all_statuses(conn: Db<'_>) -> Result<Vec<PupilStatus>> {
    select_statuses(conn, "", [])
}

pub fn statuses_for_pupil(conn: Db<'_>, pupil: PupilId) -> Result<Vec<PupilStatus>> {
    select_statuses(conn, "WHERE pupil_id = ?1", [pupil.0])
}

pub fn status(conn: Db<'_>, id: StatusId) -> Result<Option<PupilStatus>> {
    Ok(select_statuses(conn, "WHERE id = ?1", [id.0])?
        .into_iter()
        .next())
}

fn select_statuses<P: rusqlite::Params>(
    conn: Db<'_>,
    filter: &str,
    args: P,
) -> Result<Vec<PupilStatus>> {
    let mut stmt = conn.prepare(&format!(
        "SELECT id, pupil_id, status, started_on, ended_on, note, set_by, set_at, ended_by,
                ended_at,
                (SELECT n.set_by FROM received_status_names n WHERE n.status_id = pupil_statuses.id),
                (SELECT n.ended_by FROM received_status_names n WHERE n.status_id = pupil_statuses.id)
         FROM pupil_statuses {filter} ORDER BY started_on, id"
    ))?;
    let rows = stmt.query_map(args, |r| {
        Ok((
            r.get::<_, i64>(0)?,
            r.get::<_, i64>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, String>(3)?,
            r.get::<_, Option<String>>(4)?,
            r.get::<_, String>(5)?,
            r.get::<_, Option<i64>>(6)?,
            r.get::<_, i64>(7)?,
            r.get::<_, Option<i64>>(8)?,
            r.get::<_, Option<i64>>(9)?,
            (
                r.get::<_, Option<String>>(10)?,
                r.get::<_, Option<String>>(11)?,
            ),
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (id, pupil, key, started, ended, note, set_by, set_at, ended_by, ended_at, names) =
            row?;
        out.push(PupilStatus {
            id: StatusId(id),
            pupil: PupilId(pupil),
            kind: StatusKind::from_key(&key)
                .ok_or_else(|| Error::Damaged(format!("a pupil has an unknown status {key:?}")))?,
            started_on: day(&started)?,
            ended_on: ended.as_deref().map(day).transpose()?,
            note,
            set_by: set_by.map(UserId),
            set_at,
            ended_by: ended_by.map(UserId),
            ended_at,
            set_by_name: names.0,
            ended_by_name: names.1,
        });
    }
    Ok(out)
}
