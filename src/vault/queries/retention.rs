//! What Data Destruction Policies keep: each category's policy, the day each pupil left, holds
//! and the decisions to keep records longer; and the incidents' dates the periods count from.

use super::{day_text, read_day};
use crate::model::retention::{Basis, Destruction, Extension, Hold, Policy, Then};
use crate::model::{CategoryId, HoldId, IncidentId, PupilId, UserId};
use crate::vault::{Db, Error, Result};
use chrono::NaiveDate;
use rusqlite::params;
use std::collections::{HashMap, HashSet};

/// The policies set for categories (not the defaults nor what sub-categories inherit).
pub fn policies(conn: Db<'_>) -> Result<HashMap<CategoryId, Policy>> {
    let mut stmt =
        conn.prepare("SELECT category_id, basis, years, then_do FROM retention_policies")?;
    let rows = stmt.query_map([], |r| {
        Ok((
            CategoryId(r.get(0)?),
            r.get::<_, String>(1)?,
            r.get::<_, i64>(2)?,
            r.get::<_, String>(3)?,
        ))
    })?;
    let mut out = HashMap::new();
    for row in rows {
        let (category, basis, years, then) = row?;
        let damaged = || {
            Error::Damaged(format!(
                "the retention policy of category {category} cannot be read"
            ))
        };
        out.insert(
            category,
            Policy {
                basis: Basis::from_key(&basis).ok_or_else(damaged)?,
                years: u32::try_from(years).map_err(|_| damaged())?,
                then: Then::from_key(&then).ok_or_else(damaged)?,
            },
        );
    }
    Ok(out)
}

/// Sets a category's own policy; `None` removes it (the category then follows its category or
/// its default again).
pub fn set_policy(conn: Db<'_>, category: CategoryId, policy: Option<&Policy>) -> Result<()> {
    match policy {
        Some(p) => conn.execute(
            "INSERT INTO retention_policies (category_id, basis, years, then_do)
             VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (category_id) DO UPDATE
                 SET basis = excluded.basis, years = excluded.years, then_do = excluded.then_do",
            params![category.0, p.basis.key(), p.years, p.then.key()],
        )?,
        None => conn.execute(
            "DELETE FROM retention_policies WHERE category_id = ?1",
            [category.0],
        )?,
    };
    Ok(())
}

/// The day each pupil who has left did so (as far as Keyholder has seen it).
pub fn leaving_days(conn: Db<'_>) -> Result<HashMap<PupilId, NaiveDate>> {
    let mut stmt = conn.prepare("SELECT pupil_id, left_on FROM pupil_leaving")?;
    let rows = stmt.query_map([], |r| Ok((PupilId(r.get(0)?), r.get::<_, String>(1)?)))?;
    let mut out = HashMap::new();
    for row in rows {
        let (pupil, day) = row?;
        out.insert(pupil, read_day(&day, "the day a pupil left")?);
    }
    Ok(out)
}

/// Records the day a pupil left (an export loaded, a correction); the triggers keep it as
/// pupils are archived and returned to roll.
pub fn set_leaving_day(conn: Db<'_>, pupil: PupilId, day: NaiveDate) -> Result<()> {
    conn.execute(
        "INSERT OR REPLACE INTO pupil_leaving (pupil_id, left_on) VALUES (?1, ?2)",
        params![pupil.0, day_text(day)],
    )?;
    Ok(())
}

/// Every hold, standing or not, oldest first.
pub fn holds(conn: Db<'_>) -> Result<Vec<Hold>> {
    let mut stmt = conn.prepare(
        "SELECT id, pupil_id, reason, placed_by, placed_at, ends_on, lifted_by, lifted_at
         FROM retention_holds ORDER BY placed_at, id",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok((
            Hold {
                id: HoldId(r.get(0)?),
                pupil: PupilId(r.get(1)?),
                reason: r.get(2)?,
                placed_by: r.get::<_, Option<i64>>(3)?.map(UserId),
                placed_at: r.get(4)?,
                ends_on: None,
                lifted_by: r.get::<_, Option<i64>>(6)?.map(UserId),
                lifted_at: r.get(7)?,
            },
            r.get::<_, Option<String>>(5)?,
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (mut hold, ends) = row?;
        hold.ends_on = ends.map(|e| read_day(&e, "a hold")).transpose()?;
        out.push(hold);
    }
    Ok(out)
}

pub fn insert_hold(
    conn: Db<'_>,
    pupil: PupilId,
    reason: &str,
    by: Option<UserId>,
    at: i64,
    ends_on: Option<NaiveDate>,
) -> Result<HoldId> {
    conn.execute(
        "INSERT INTO retention_holds (pupil_id, reason, placed_by, placed_at, ends_on)
         VALUES (?1, ?2, ?3, ?4, ?5)",
        params![pupil.0, reason, by.map(|u| u.0), at, ends_on.map(day_text)],
    )?;
    Ok(HoldId(conn.last_insert_rowid()))
}

pub fn lift_hold(conn: Db<'_>, id: HoldId, by: Option<UserId>, at: i64) -> Result<()> {
    conn.execute(
        "UPDATE retention_holds SET lifted_by = ?2, lifted_at = ?3
         WHERE id = ?1 AND lifted_at IS NULL",
        params![id.0, by.map(|u| u.0), at],
    )?;
    Ok(())
}

/// Each pupil's latest decision to keep their records longer.
pub fn extensions(conn: Db<'_>) -> Result<HashMap<PupilId, Extension>> {
    let mut stmt = conn
        .prepare("SELECT pupil_id, until_on, reason, set_by, set_at FROM retention_extensions")?;
    let rows = stmt.query_map([], |r| {
        Ok((
            PupilId(r.get(0)?),
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, Option<i64>>(3)?.map(UserId),
            r.get::<_, i64>(4)?,
        ))
    })?;
    let mut out = HashMap::new();
    for row in rows {
        let (pupil, until, reason, set_by, set_at) = row?;
        out.insert(
            pupil,
            Extension {
                pupil,
                until: read_day(&until, "a decision to keep records longer")?,
                reason,
                set_by,
                set_at,
            },
        );
    }
    Ok(out)
}

pub fn set_extension(conn: Db<'_>, e: &Extension) -> Result<()> {
    conn.execute(
        "INSERT OR REPLACE INTO retention_extensions (pupil_id, until_on, reason, set_by, set_at)
         VALUES (?1, ?2, ?3, ?4, ?5)",
        params![
            e.pupil.0,
            day_text(e.until),
            e.reason,
            e.set_by.map(|u| u.0),
            e.set_at
        ],
    )?;
    Ok(())
}

/// An incident as a retention period counts it: whose, under which category, and when.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IncidentDate {
    pub id: IncidentId,
    pub pupil: PupilId,
    pub category: CategoryId,
    pub occurred_at: i64,
}

pub fn incident_dates(conn: Db<'_>) -> Result<Vec<IncidentDate>> {
    let mut stmt = conn.prepare(
        "SELECT id, pupil_id, category_id, occurred_at FROM incidents ORDER BY occurred_at, id",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok(IncidentDate {
            id: IncidentId(r.get(0)?),
            pupil: PupilId(r.get(1)?),
            category: CategoryId(r.get(2)?),
            occurred_at: r.get(3)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}

/// The incidents marked for destruction.
pub fn marks(conn: Db<'_>) -> Result<HashSet<IncidentId>> {
    let mut stmt = conn.prepare("SELECT incident_id FROM destruction_marks")?;
    let rows = stmt.query_map([], |r| Ok(IncidentId(r.get(0)?)))?;
    Ok(rows.collect::<rusqlite::Result<HashSet<_>>>()?)
}

pub fn set_mark(conn: Db<'_>, incident: IncidentId, by: Option<UserId>, at: i64) -> Result<()> {
    conn.execute(
        "INSERT OR IGNORE INTO destruction_marks (incident_id, marked_by, marked_at)
         VALUES (?1, ?2, ?3)",
        params![incident.0, by.map(|u| u.0), at],
    )?;
    Ok(())
}

pub fn clear_mark(conn: Db<'_>, incident: IncidentId) -> Result<()> {
    conn.execute(
        "DELETE FROM destruction_marks WHERE incident_id = ?1",
        [incident.0],
    )?;
    Ok(())
}

/// Deletes incidents with everything that hangs from them (wordings, actions and their
/// versions, alerts, links to other pupils, marks).
pub fn delete_incidents(conn: Db<'_>, ids: &[IncidentId]) -> Result<()> {
    let mut stmt = conn.prepare_cached("DELETE FROM incidents WHERE id = ?1")?;
    for id in ids {
        stmt.execute([id.0])?;
    }
    Ok(())
}

/// Takes a pupil off monitoring for a category (or a category over it) once none of their
/// records in it remain: what the monitoring was about has been destroyed.
pub fn delete_monitoring_without_records(
    conn: Db<'_>,
    pupil: PupilId,
    categories: &[CategoryId],
) -> Result<()> {
    let mut stmt = conn.prepare_cached(
        "DELETE FROM pupil_monitoring WHERE pupil_id = ?1 AND category_id = ?2
         AND NOT EXISTS (SELECT 1 FROM incidents i JOIN categories k ON k.id = i.category_id
                         WHERE i.pupil_id = ?1 AND (k.id = ?2 OR k.parent_id = ?2))",
    )?;
    for c in categories {
        stmt.execute(params![pupil.0, c.0])?;
    }
    Ok(())
}

/// Deletes a pupil's own record (groups, monitoring, statuses, holds and the rest follow), and
/// their name on other pupils' incidents. Their incidents must already be gone.
pub fn delete_pupil(conn: Db<'_>, pupil: PupilId) -> Result<()> {
    conn.execute(
        "DELETE FROM incident_linked_pupils WHERE pupil_id = ?1",
        [pupil.0],
    )?;
    conn.execute("DELETE FROM pupils WHERE id = ?1", [pupil.0])?;
    Ok(())
}

/// Where a destruction is written: the permanent log, or the list a restore leaves of those to
/// make again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DestructionList {
    Log,
    ToReapply,
}

impl DestructionList {
    fn table(self) -> &'static str {
        match self {
            DestructionList::Log => "destruction_log",
            DestructionList::ToReapply => "destructions_to_reapply",
        }
    }
}

pub fn insert_destruction(conn: Db<'_>, d: &Destruction) -> Result<()> {
    insert_into(conn, DestructionList::Log, d)
}

pub fn insert_into(conn: Db<'_>, list: DestructionList, d: &Destruction) -> Result<()> {
    conn.execute(
        &format!(
            "INSERT INTO {} (destroyed_at, authorised_by, mis_id, upn, whole_record, counts,
                             first_day, last_day, policies)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            list.table()
        ),
        params![
            d.destroyed_at,
            d.authorised_by,
            d.mis_id,
            d.upn,
            super::flag(d.whole_record),
            d.counts,
            day_text(d.first_day),
            day_text(d.last_day),
            d.policies
        ],
    )?;
    Ok(())
}

/// The destruction log, oldest first.
pub fn destructions(conn: Db<'_>) -> Result<Vec<Destruction>> {
    read_list(conn, DestructionList::Log)
}

/// Empties the list of destructions to make again (once they are made).
pub fn clear_to_reapply(conn: Db<'_>) -> Result<()> {
    conn.execute("DELETE FROM destructions_to_reapply", [])?;
    Ok(())
}

pub fn read_list(conn: Db<'_>, list: DestructionList) -> Result<Vec<Destruction>> {
    let mut stmt = conn.prepare(&format!(
        "SELECT destroyed_at, authorised_by, mis_id, upn, whole_record, counts, first_day,
                last_day, policies
         FROM {} ORDER BY destroyed_at, id",
        list.table()
    ))?;
    let rows = stmt.query_map([], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, Option<String>>(2)?,
            r.get::<_, Option<String>>(3)?,
            r.get::<_, bool>(4)?,
            r.get::<_, String>(5)?,
            r.get::<_, String>(6)?,
            r.get::<_, String>(7)?,
            r.get::<_, String>(8)?,
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (destroyed_at, authorised_by, mis_id, upn, whole_record, counts, first, last, policies) =
            row?;
        out.push(Destruction {
            destroyed_at,
            authorised_by,
            mis_id,
            upn,
            whole_record,
            counts,
            first_day: read_day(&first, "the destruction log")?,
            last_day: read_day(&last, "the destruction log")?,
            policies,
        });
    }
    Ok(out)
}
