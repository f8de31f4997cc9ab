//! Members of staff from the MIS, who can become users.

use crate::model::UserId;
use crate::vault::Db;
use crate::vault::Result;
use rusqlite::params;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaffRecord {
    pub id: i64,
    pub mis_staff_id: String,
    pub title: String,
    pub forename: String,
    pub surname: String,
    pub email: String,
    pub job_title: String,
    /// The user this member of staff was added as, if any.
    pub user: Option<UserId>,
}

pub fn list(conn: Db<'_>) -> Result<Vec<StaffRecord>> {
    let mut stmt = conn.prepare(
        "SELECT id, mis_staff_id, title, forename, surname, email, job_title, user_id FROM staff
         ORDER BY surname COLLATE NOCASE, forename COLLATE NOCASE, id",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok(StaffRecord {
            id: r.get(0)?,
            mis_staff_id: r.get(1)?,
            title: r.get(2)?,
            forename: r.get(3)?,
            surname: r.get(4)?,
            email: r.get(5)?,
            job_title: r.get(6)?,
            user: r.get::<_, Option<i64>>(7)?.map(UserId),
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}

/// Adds a member of staff, or updates the one with the same MIS staff ID.
pub fn upsert(conn: Db<'_>, s: &StaffRecord) -> Result<()> {
    conn.execute(
        "INSERT INTO staff (mis_staff_id, title, forename, surname, email, job_title)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)
         ON CONFLICT (mis_staff_id) DO UPDATE SET title = ?2, forename = ?3, surname = ?4,
             email = ?5, job_title = ?6",
        params![
            s.mis_staff_id.trim(),
            s.title.trim(),
            s.forename.trim(),
            s.surname.trim(),
            s.email.trim(),
            s.job_title.trim()
        ],
    )?;
    Ok(())
}

pub fn link_user(conn: Db<'_>, staff_id: i64, user: UserId) -> Result<()> {
    conn.execute(
        "UPDATE staff SET user_id = ?2 WHERE id = ?1",
        params![staff_id, user.0],
    )?;
    Ok(())
}
