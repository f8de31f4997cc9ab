//! What reports read (when, about whom and under which category each incident is, and nothing of
//! what it says) and the saved reports with the user groups they are shared with.

use crate::model::{CategoryId, IncidentId, Outcome, PupilId, SavedReportId, UserGroupId, UserId};
use crate::vault::{Db, Error, Result};
use rusqlite::params;

/// An incident as a report counts it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IncidentFact {
    pub id: IncidentId,
    pub pupil: PupilId,
    pub category: CategoryId,
    pub occurred_at: i64,
}

/// Incidents that occurred from `from` up to (not including) `until`, in unix seconds, read
/// from the covering index alone.
pub fn incident_facts(conn: Db<'_>, from: i64, until: i64) -> Result<Vec<IncidentFact>> {
    let mut stmt = conn.prepare_cached(
        "SELECT pupil_id, category_id, occurred_at, id FROM incidents INDEXED BY incidents_when
         WHERE occurred_at >= ?1 AND occurred_at < ?2",
    )?;
    let rows = stmt.query_map(params![from, until], |r| {
        Ok(IncidentFact {
            id: IncidentId(r.get(3)?),
            pupil: PupilId(r.get(0)?),
            category: CategoryId(r.get(1)?),
            occurred_at: r.get(2)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}

/// An action on an incident as a report counts it: its outcome and when, and the incident's
/// pupil, category and day (never what either says).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ActionFact {
    pub incident: IncidentId,
    pub pupil: PupilId,
    pub category: CategoryId,
    pub occurred_at: i64,
    pub taken_at: i64,
    pub outcome: Outcome,
}

/// Every action on the incidents that had an action taken from `from` up to (not including)
/// `until`: those in the range are counted, the later ones say what came of a referral. By
/// incident, then in the order they were taken.
pub fn action_facts(conn: Db<'_>, from: i64, until: i64) -> Result<Vec<ActionFact>> {
    let mut stmt = conn.prepare_cached(
        "SELECT a.incident_id, i.pupil_id, i.category_id, i.occurred_at, a.taken_at, a.outcome
         FROM incident_actions a JOIN incidents i ON i.id = a.incident_id
         WHERE a.incident_id IN (SELECT incident_id FROM incident_actions
                                 WHERE taken_at >= ?1 AND taken_at < ?2)
         ORDER BY a.incident_id, a.taken_at, a.id",
    )?;
    let rows = stmt.query_map(params![from, until], |r| {
        Ok((
            IncidentId(r.get(0)?),
            PupilId(r.get(1)?),
            CategoryId(r.get(2)?),
            r.get::<_, i64>(3)?,
            r.get::<_, i64>(4)?,
            r.get::<_, String>(5)?,
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (incident, pupil, category, occurred_at, taken_at, key) = row?;
        out.push(ActionFact {
            incident,
            pupil,
            category,
            occurred_at,
            taken_at,
            outcome: super::casework::outcome(&key)?,
        });
    }
    Ok(out)
}

/// A report's settings saved under a name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SavedReport {
    pub id: SavedReportId,
    pub owner: UserId,
    pub name: String,
    /// The settings as JSON (`model::report::ReportSpec`).
    pub spec: String,
    pub created_at: i64,
    pub updated_at: i64,
    pub shared_with: Vec<UserGroupId>,
}

fn rejected_name(e: rusqlite::Error, name: &str) -> Error {
    match &e {
        rusqlite::Error::SqliteFailure(f, _)
            if f.code == rusqlite::ErrorCode::ConstraintViolation =>
        {
            Error::Rejected(format!("you already have a saved report called {name:?}"))
        }
        _ => e.into(),
    }
}

pub fn insert_saved(
    conn: Db<'_>,
    owner: UserId,
    name: &str,
    spec: &str,
    at: i64,
) -> Result<SavedReportId> {
    conn.execute(
        "INSERT INTO saved_reports (owner_id, name, spec, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?4)",
        params![owner.0, name, spec, at],
    )
    .map_err(|e| rejected_name(e, name))?;
    Ok(SavedReportId(conn.last_insert_rowid()))
}

pub fn update_saved(conn: Db<'_>, id: SavedReportId, spec: &str, at: i64) -> Result<()> {
    conn.execute(
        "UPDATE saved_reports SET spec = ?2, updated_at = ?3 WHERE id = ?1",
        params![id.0, spec, at],
    )?;
    Ok(())
}

pub fn delete_saved(conn: Db<'_>, id: SavedReportId) -> Result<()> {
    conn.execute("DELETE FROM saved_reports WHERE id = ?1", [id.0])?;
    Ok(())
}

/// Replaces the user groups a saved report is shared with.
pub fn set_shares(conn: Db<'_>, id: SavedReportId, groups: &[UserGroupId]) -> Result<()> {
    conn.execute(
        "DELETE FROM saved_report_shares WHERE report_id = ?1",
        [id.0],
    )?;
    for g in groups {
        conn.execute(
            "INSERT OR IGNORE INTO saved_report_shares (report_id, user_group_id) VALUES (?1, ?2)",
            params![id.0, g.0],
        )?;
    }
    Ok(())
}

/// Every saved report, by name, with its shares.
pub fn all_saved(conn: Db<'_>) -> Result<Vec<SavedReport>> {
    let mut shares: std::collections::BTreeMap<i64, Vec<UserGroupId>> = Default::default();
    {
        let mut stmt = conn.prepare(
            "SELECT report_id, user_group_id FROM saved_report_shares ORDER BY report_id, user_group_id",
        )?;
        let rows = stmt.query_map([], |r| Ok((r.get::<_, i64>(0)?, UserGroupId(r.get(1)?))))?;
        for row in rows {
            let (report, group) = row?;
            shares.entry(report).or_default().push(group);
        }
    }
    let mut stmt = conn.prepare(
        "SELECT id, owner_id, name, spec, created_at, updated_at FROM saved_reports
         ORDER BY name COLLATE NOCASE, id",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok(SavedReport {
            id: SavedReportId(r.get(0)?),
            owner: UserId(r.get(1)?),
            name: r.get(2)?,
            spec: r.get(3)?,
            created_at: r.get(4)?,
            updated_at: r.get(5)?,
            shared_with: Vec::new(),
        })
    })?;
    let mut out = rows.collect::<rusqlite::Result<Vec<_>>>()?;
    for s in &mut out {
        s.shared_with = shares.remove(&s.id.0).unwrap_or_default();
    }
    Ok(out)
}
