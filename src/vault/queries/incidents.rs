use crate::model::{CategoryId, IncidentId, PupilId, UserId};
use crate::vault::Db;
use crate::vault::Result;
use rusqlite::params;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Incident {
    pub id: IncidentId,
    pub pupil: PupilId,
    pub category: CategoryId,
    pub occurred_at: i64,
    pub description: String,
    pub recorded_by: Option<UserId>,
    pub recorded_at: i64,
    pub linked_pupils: Vec<PupilId>,
    /// For an incident received from another school: who recorded it there, by name.
    pub recorded_by_name: Option<String>,
    /// The school it was received from, and when, for one that came in a transfer.
    pub received: Option<(String, i64)>,
    /// Its category at the sending school, when it was put under another one here.
    pub received_category: Option<String>,
    /// The received transfer (its row in `transfers_in`) it arrived in.
    pub received_in: Option<i64>,
}

pub struct NewIncident<'a> {
    pub pupil: PupilId,
    pub category: CategoryId,
    pub occurred_at: i64,
    pub description: &'a str,
    pub recorded_by: Option<UserId>,
    pub recorded_at: i64,
    pub linked_pupils: &'a [PupilId],
}

pub fn insert(conn: Db<'_>, i: &NewIncident<'_>) -> Result<IncidentId> {
    conn.execute(
        "INSERT INTO incidents (pupil_id, category_id, occurred_at, description, recorded_by, recorded_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![
            i.pupil.0,
            i.category.0,
            i.occurred_at,
            i.description,
            i.recorded_by.map(|u| u.0),
            i.recorded_at
        ],
    )?;
    let id = IncidentId(conn.last_insert_rowid());
    for linked in i.linked_pupils {
        conn.execute(
            "INSERT OR IGNORE INTO incident_linked_pupils (incident_id, pupil_id) VALUES (?1, ?2)",
            params![id.0, linked.0],
        )?;
    }
    Ok(id)
}

/// Every incident, oldest first, with its linked pupils.
pub fn list(conn: Db<'_>) -> Result<Vec<Incident>> {
    select(conn, "", [])
}

/// Every incident's id and pupil, for counting without reading the records themselves.
pub fn pupils_of(conn: Db<'_>) -> Result<Vec<(IncidentId, PupilId)>> {
    let mut stmt = conn.prepare("SELECT id, pupil_id FROM incidents")?;
    let rows = stmt.query_map([], |r| Ok((IncidentId(r.get(0)?), PupilId(r.get(1)?))))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The incidents about one pupil, oldest first.
pub fn for_pupil(conn: Db<'_>, pupil: PupilId) -> Result<Vec<Incident>> {
    select(conn, "WHERE pupil_id = ?1", [pupil.0])
}

pub fn get(conn: Db<'_>, id: IncidentId) -> Result<Option<Incident>> {
    Ok(select(conn, "WHERE id = ?1", [id.0])?.into_iter().next())
}

/// A wording an edit replaced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Revision {
    pub description: String,
    pub replaced_by: Option<UserId>,
    pub replaced_at: i64,
    /// For a wording received from another school, who replaced it there.
    pub replaced_by_name: Option<String>,
}

/// Changes an incident's wording, keeping the wording it replaces (see [`revisions`]).
pub fn set_description(
    conn: Db<'_>,
    id: IncidentId,
    description: &str,
    by: Option<UserId>,
    at: i64,
) -> Result<()> {
    conn.execute(
        "INSERT INTO incident_revisions (incident_id, description, replaced_by, replaced_at)
         SELECT id, description, ?2, ?3 FROM incidents WHERE id = ?1",
        params![id.0, by.map(|u| u.0), at],
    )?;
    conn.execute(
        "UPDATE incidents SET description = ?2 WHERE id = ?1",
        params![id.0, description],
    )?;
    Ok(())
}

/// The wordings an incident had before its edits, oldest first.
pub fn revisions(conn: Db<'_>, id: IncidentId) -> Result<Vec<Revision>> {
    let mut stmt = conn.prepare(
        "SELECT description, replaced_by, replaced_at,
                (SELECT n.replaced_by FROM received_revision_names n
                 WHERE n.revision_id = incident_revisions.id)
         FROM incident_revisions WHERE incident_id = ?1 ORDER BY replaced_at, id",
    )?;
    let rows = stmt.query_map([id.0], |r| {
        Ok(Revision {
            description: r.get(0)?,
            replaced_by: r.get::<_, Option<i64>>(1)?.map(UserId),
            replaced_at: r.get(2)?,
            replaced_by_name: r.get(3)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}

/// Every incident's replaced wordings, oldest first, by incident (for the export).
pub fn all_revisions(
    conn: Db<'_>,
) -> Result<std::collections::BTreeMap<IncidentId, Vec<Revision>>> {
    let mut stmt = conn.prepare(
        "SELECT incident_id, description, replaced_by, replaced_at,
                (SELECT n.replaced_by FROM received_revision_names n
                 WHERE n.revision_id = incident_revisions.id)
         FROM incident_revisions ORDER BY incident_id, replaced_at, id",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok((
            IncidentId(r.get(0)?),
            Revision {
                description: r.get(1)?,
                replaced_by: r.get::<_, Option<i64>>(2)?.map(UserId),
                replaced_at: r.get(3)?,
                replaced_by_name: r.get(4)?,
            },
        ))
    })?;
    let mut out: std::collections::BTreeMap<IncidentId, Vec<Revision>> = Default::default();
    for row in rows {
        let (id, revision) = row?;
        out.entry(id).or_default().push(revision);
    }
    Ok(out)
}

/// Puts back a replaced wording (loading an export).
pub fn insert_revision(conn: Db<'_>, id: IncidentId, r: &Revision) -> Result<()> {
    conn.execute(
        "INSERT INTO incident_revisions (incident_id, description, replaced_by, replaced_at)
         VALUES (?1, ?2, ?3, ?4)",
        params![
            id.0,
            r.description,
            r.replaced_by.map(|u| u.0),
            r.replaced_at
        ],
    )?;
    if let Some(name) = &r.replaced_by_name {
        conn.execute(
            "INSERT INTO received_revision_names (revision_id, replaced_by)
             VALUES (last_insert_rowid(), ?1)",
            [name],
        )?;
    }
    Ok(())
}

fn select<P: rusqlite::Params>(conn: Db<'_>, filter: &str, args: P) -> Result<Vec<Incident>> {
    let mut links: std::collections::BTreeMap<i64, Vec<PupilId>> = Default::default();
    {
        let mut stmt = conn.prepare(
            "SELECT incident_id, pupil_id FROM incident_linked_pupils ORDER BY incident_id, pupil_id",
        )?;
        let rows = stmt.query_map([], |r| Ok((r.get::<_, i64>(0)?, PupilId(r.get(1)?))))?;
        for row in rows {
            let (i, p) = row?;
            links.entry(i).or_default().push(p);
        }
    }
    let mut stmt = conn.prepare(&format!(
        "SELECT incidents.id, pupil_id, category_id, occurred_at, description,
                incidents.recorded_by, recorded_at, r.recorded_by,
                (SELECT t.from_school FROM transfers_in t WHERE t.id = r.transfer_id),
                (SELECT t.received_at FROM transfers_in t WHERE t.id = r.transfer_id),
                r.category, r.transfer_id
         FROM incidents LEFT JOIN received_incidents r ON r.incident_id = incidents.id
         {filter} ORDER BY occurred_at, incidents.id"
    ))?;
    let rows = stmt.query_map(args, |r| {
        let id: i64 = r.get(0)?;
        Ok(Incident {
            id: IncidentId(id),
            pupil: PupilId(r.get(1)?),
            category: CategoryId(r.get(2)?),
            occurred_at: r.get(3)?,
            description: r.get(4)?,
            recorded_by: r.get::<_, Option<i64>>(5)?.map(UserId),
            recorded_at: r.get(6)?,
            linked_pupils: Vec::new(),
            recorded_by_name: r.get(7)?,
            received: match (r.get::<_, Option<String>>(8)?, r.get::<_, Option<i64>>(9)?) {
                (Some(school), Some(at)) => Some((school, at)),
                _ => None,
            },
            received_category: r.get(10)?,
            received_in: r.get(11)?,
        })
    })?;
    let mut out = rows.collect::<rusqlite::Result<Vec<_>>>()?;
    for incident in &mut out {
        incident.linked_pupils = links.remove(&incident.id.0).unwrap_or_default();
    }
    Ok(out)
}
