//! Pupils, their group memberships and the categories they are monitored for.

use crate::model::{CategoryId, Pupil, PupilGroupId, PupilId};
use crate::vault::Db;
use crate::vault::{Error, Result};
use rusqlite::params;
use std::collections::BTreeMap;

pub struct NewPupil<'a> {
    pub mis_id: Option<&'a str>,
    pub upn: Option<&'a str>,
    pub forename: &'a str,
    pub surname: &'a str,
    pub date_of_birth: Option<&'a str>,
    pub archived: bool,
}

/// Adds new pupils with their groups, its two statements prepared once for them all: an import
/// or a new school adds thousands in one change, and finding each statement again in the cache
/// for every row was a tenth of the writing.
pub struct NewPupils<'c> {
    conn: Db<'c>,
    pupil: rusqlite::CachedStatement<'c>,
    membership: rusqlite::CachedStatement<'c>,
}

impl<'c> NewPupils<'c> {
    pub fn new(conn: Db<'c>) -> Result<NewPupils<'c>> {
        Ok(NewPupils {
            conn,
            pupil: conn.prepare_cached(
                "INSERT INTO pupils (mis_id, upn, forename, surname, date_of_birth, archived)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )?,
            membership: conn.prepare_cached(MEMBERSHIP)?,
        })
    }

    /// Adds one pupil, in `groups`.
    pub fn add(&mut self, p: &NewPupil<'_>, groups: &[PupilGroupId]) -> Result<PupilId> {
        self.pupil
            .execute(params![
                p.mis_id,
                p.upn,
                p.forename.trim(),
                p.surname.trim(),
                p.date_of_birth,
                super::flag(p.archived)
            ])
            .map_err(|e| match &e {
                rusqlite::Error::SqliteFailure(f, _)
                    if f.code == rusqlite::ErrorCode::ConstraintViolation =>
                {
                    Error::Rejected(format!("a pupil with MIS ID {:?} already exists", p.mis_id))
                }
                _ => e.into(),
            })?;
        let id = PupilId(self.conn.last_insert_rowid());
        // One statement a membership: one for all of a pupil's would need SQLite to journal
        // each statement, which was slower.
        for g in groups {
            self.membership.execute(params![id.0, g.0])?;
        }
        Ok(id)
    }
}

const MEMBERSHIP: &str =
    "INSERT OR IGNORE INTO pupil_membership (pupil_id, group_id) VALUES (?1, ?2)";

/// Every pupil, by surname, forename (each ignoring the case of A to Z, as SQLite's NOCASE does)
/// and id.
pub fn list(conn: Db<'_>) -> Result<Vec<Pupil>> {
    let mut stmt = conn.prepare(
        "SELECT id, mis_id, upn, forename, surname, date_of_birth, archived FROM pupils",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok(Pupil {
            id: PupilId(r.get(0)?),
            mis_id: r.get(1)?,
            upn: r.get(2)?,
            forename: r.get(3)?,
            surname: r.get(4)?,
            date_of_birth: r.get(5)?,
            archived: r.get(6)?,
        })
    })?;
    let mut all = rows.collect::<rusqlite::Result<Vec<_>>>()?;
    // Sorted here rather than by SQLite: its sorter took half the time of the whole query.
    all.sort_unstable_by(|a, b| {
        nocase(&a.surname, &b.surname)
            .then_with(|| nocase(&a.forename, &b.forename))
            .then(a.id.cmp(&b.id))
    });
    Ok(all)
}

/// SQLite's NOCASE comparison: bytes compared with only A to Z folded.
fn nocase(a: &str, b: &str) -> std::cmp::Ordering {
    a.bytes()
        .map(|c| c.to_ascii_lowercase())
        .cmp(b.bytes().map(|c| c.to_ascii_lowercase()))
}

/// Changes a pupil's name and date of birth (YYYY-MM-DD or none).
pub fn update_details(
    conn: Db<'_>,
    id: PupilId,
    forename: &str,
    surname: &str,
    date_of_birth: Option<&str>,
) -> Result<()> {
    conn.execute(
        "UPDATE pupils SET forename = ?2, surname = ?3, date_of_birth = ?4 WHERE id = ?1",
        params![id.0, forename.trim(), surname.trim(), date_of_birth],
    )?;
    Ok(())
}

pub fn add_membership(conn: Db<'_>, pupil: PupilId, group: PupilGroupId) -> Result<()> {
    conn.prepare_cached(MEMBERSHIP)?
        .execute(params![pupil.0, group.0])?;
    Ok(())
}

/// pupil → the groups they belong to.
pub fn memberships(conn: Db<'_>) -> Result<BTreeMap<PupilId, Vec<PupilGroupId>>> {
    let mut stmt = conn
        .prepare("SELECT pupil_id, group_id FROM pupil_membership ORDER BY pupil_id, group_id")?;
    let rows = stmt.query_map([], |r| Ok((PupilId(r.get(0)?), PupilGroupId(r.get(1)?))))?;
    let mut out: BTreeMap<PupilId, Vec<PupilGroupId>> = BTreeMap::new();
    for row in rows {
        let (p, g) = row?;
        out.entry(p).or_default().push(g);
    }
    Ok(out)
}

pub fn add_monitoring(conn: Db<'_>, pupil: PupilId, category: CategoryId) -> Result<()> {
    conn.execute(
        "INSERT OR IGNORE INTO pupil_monitoring (pupil_id, category_id) VALUES (?1, ?2)",
        params![pupil.0, category.0],
    )?;
    Ok(())
}

/// pupil → the categories they are monitored for.
pub fn monitoring(conn: Db<'_>) -> Result<BTreeMap<PupilId, Vec<CategoryId>>> {
    let mut stmt = conn.prepare(
        "SELECT pupil_id, category_id FROM pupil_monitoring ORDER BY pupil_id, category_id",
    )?;
    let rows = stmt.query_map([], |r| Ok((PupilId(r.get(0)?), CategoryId(r.get(1)?))))?;
    let mut out: BTreeMap<PupilId, Vec<CategoryId>> = BTreeMap::new();
    for row in rows {
        let (p, c) = row?;
        out.entry(p).or_default().push(c);
    }
    Ok(out)
}

/// Archives every current pupil of the group; returns how many were archived.
pub fn archive_members_of(conn: Db<'_>, group: PupilGroupId) -> Result<usize> {
    Ok(conn.execute(
        "UPDATE pupils SET archived = 1
         WHERE archived = 0 AND id IN (SELECT pupil_id FROM pupil_membership WHERE group_id = ?1)",
        [group.0],
    )?)
}

/// Changes a pupil's details (an MIS import updating the pupil it matched).
pub fn update(conn: Db<'_>, id: PupilId, p: &NewPupil<'_>) -> Result<()> {
    conn.prepare_cached(
        "UPDATE pupils SET mis_id = ?2, upn = ?3, forename = ?4, surname = ?5, date_of_birth = ?6,
             archived = ?7
         WHERE id = ?1",
    )?
    .execute(params![
        id.0,
        p.mis_id,
        p.upn,
        p.forename.trim(),
        p.surname.trim(),
        p.date_of_birth,
        super::flag(p.archived)
    ])?;
    Ok(())
}

pub fn set_archived(conn: Db<'_>, id: PupilId, archived: bool) -> Result<()> {
    conn.prepare_cached("UPDATE pupils SET archived = ?2 WHERE id = ?1")?
        .execute(params![id.0, super::flag(archived)])?;
    Ok(())
}

/// Makes `group` the pupil's only group of type `t` (`None`: no group of that type).
pub fn set_group_of_type(
    conn: Db<'_>,
    pupil: PupilId,
    t: crate::model::GroupType,
    group: Option<PupilGroupId>,
) -> Result<()> {
    // Only the pupil's own memberships are looked at (each group found by its id), not every
    // group of the type: with 10,000 groups, listing them for each pupil made an import of
    // thousands of pupils take minutes.
    conn.prepare_cached(
        "DELETE FROM pupil_membership
         WHERE pupil_id = ?1
           AND (SELECT type FROM pupil_groups WHERE id = pupil_membership.group_id) = ?2",
    )?
    .execute(params![pupil.0, t.key()])?;
    if let Some(g) = group {
        add_membership(conn, pupil, g)?;
    }
    Ok(())
}

/// How many pupils on roll are in no group of type `t` (the fail-closed warning). Each
/// pupil's own memberships are looked at; with an index on the pupil this is quicker than
/// grouping every membership by type.
pub fn count_on_roll_without_group_of(conn: Db<'_>, t: crate::model::GroupType) -> Result<usize> {
    let n: i64 = conn.query_row(
        "SELECT count(*) FROM pupils p
         WHERE p.archived = 0
           AND NOT EXISTS (SELECT 1 FROM pupil_membership m JOIN pupil_groups g ON g.id = m.group_id
                           WHERE m.pupil_id = p.id AND g.type = ?1)",
        [t.key()],
        |r| r.get(0),
    )?;
    Ok(usize::try_from(n).unwrap_or(0))
}

#[cfg(test)]
mod tests {
    use super::nocase;

    #[test]
    fn names_sort_as_sqlite_nocase_sorts_them() {
        let names = [
            "smith",
            "Smith",
            "SMITH",
            "Smithson",
            "smit",
            "O'Brien",
            "o'brien",
            "Obi",
            "Éva",
            "eva",
            "Eva",
            "Zoë",
            "zoe",
            "",
            " Adams",
            "adams",
            "ADAMS-Hill",
            "Mc Kay",
            "McKay",
            "ßen",
            "Åsa",
            "aSa",
            "_x",
            "[x",
            "ZZ",
        ];
        let conn = rusqlite::Connection::open_in_memory().expect("memory database");
        conn.execute_batch("CREATE TABLE t (i INTEGER PRIMARY KEY, s TEXT)")
            .expect("table");
        for (i, n) in names.iter().enumerate() {
            conn.execute(
                "INSERT INTO t VALUES (?1, ?2)",
                rusqlite::params![i as i64, n],
            )
            .expect("row");
        }
        let mut stmt = conn
            .prepare("SELECT i FROM t ORDER BY s COLLATE NOCASE, i")
            .expect("query");
        let by_sqlite: Vec<usize> = stmt
            .query_map([], |r| r.get::<_, i64>(0))
            .expect("rows")
            .map(|r| r.expect("row") as usize)
            .collect();
        let mut ours: Vec<usize> = (0..names.len()).collect();
        ours.sort_by(|a, b| nocase(names[*a], names[*b]).then(a.cmp(b)));
        assert_eq!(ours, by_sqlite);
    }
}
