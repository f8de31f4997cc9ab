//! Transfers of pupils' files between schools: the log of those sent and received, and the marks
//! on records that arrived in one (the other school's people kept by name).

use super::{day_text, flag, read_day};
use crate::model::school_transfer::{Method, ReceivedTransfer, SentTransfer};
use crate::model::{ActionId, IncidentId, PupilId, StatusId, UserId};
use crate::vault::{Db, Error, Result};
use chrono::NaiveDate;
use rusqlite::{OptionalExtension, params};

/// A transfer to log as sent.
pub struct NewSent<'a> {
    pub reference: &'a str,
    pub pupil: PupilId,
    pub pupil_ref: &'a str,
    pub to_school: &'a str,
    pub to_contact: &'a str,
    pub included: &'a str,
    pub incidents: usize,
    pub method: Method,
    pub sha256: &'a str,
    pub receipt_key: &'a [u8],
    pub sent_at: i64,
    pub sent_by: UserId,
    /// The chronology PDF, when the sender keeps a copy.
    pub kept_copy: Option<&'a [u8]>,
}

pub fn insert_sent(conn: Db<'_>, t: &NewSent<'_>) -> Result<i64> {
    conn.execute(
        "INSERT INTO transfers_out (reference, pupil_id, pupil_ref, to_school, to_contact,
             included, incidents, method, sha256, receipt_key, sent_at, sent_by, kept_copy,
             chronology)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
        params![
            t.reference,
            t.pupil.0,
            t.pupil_ref,
            t.to_school,
            t.to_contact,
            t.included,
            t.incidents as i64,
            t.method.key(),
            t.sha256,
            t.receipt_key,
            t.sent_at,
            t.sent_by.0,
            flag(t.kept_copy.is_some()),
            t.kept_copy,
        ],
    )?;
    Ok(conn.last_insert_rowid())
}

const SENT: &str = "SELECT id, reference, pupil_id, pupil_ref, to_school, to_contact, included,
        incidents, method, sha256, receipt_key, sent_at, sent_by, kept_copy, received_on,
        received_by, confirmed_by, confirmed_at
    FROM transfers_out";

fn sent_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<(SentTransfer, String, Option<String>)> {
    Ok((
        SentTransfer {
            id: r.get(0)?,
            reference: r.get(1)?,
            pupil: r.get::<_, Option<i64>>(2)?.map(PupilId),
            pupil_ref: r.get(3)?,
            to_school: r.get(4)?,
            to_contact: r.get(5)?,
            included: r.get(6)?,
            incidents: r.get::<_, i64>(7)?.max(0) as usize,
            method: Method::Keyholder,
            sha256: r.get(9)?,
            receipt_key: r.get(10)?,
            sent_at: r.get(11)?,
            sent_by: r.get::<_, Option<i64>>(12)?.map(UserId),
            kept_copy: r.get::<_, i64>(13)? != 0,
            received_on: None,
            received_by: r.get(15)?,
            confirmed_by: r.get::<_, Option<i64>>(16)?.map(UserId),
            confirmed_at: r.get(17)?,
        },
        r.get(8)?,
        r.get(14)?,
    ))
}

fn select_sent<P: rusqlite::Params>(
    conn: Db<'_>,
    filter: &str,
    args: P,
) -> Result<Vec<SentTransfer>> {
    let mut stmt = conn.prepare(&format!("{SENT} {filter} ORDER BY sent_at DESC, id DESC"))?;
    let rows = stmt.query_map(args, sent_row)?;
    let mut out = Vec::new();
    for row in rows {
        let (mut t, method, received_on) = row?;
        t.method = Method::from_key(&method).ok_or_else(|| {
            Error::Damaged(format!("a transfer has an unknown method {method:?}"))
        })?;
        t.received_on = received_on
            .as_deref()
            .map(|d| read_day(d, "a transfer"))
            .transpose()?;
        out.push(t);
    }
    Ok(out)
}

/// Every transfer sent, newest first.
pub fn sent(conn: Db<'_>) -> Result<Vec<SentTransfer>> {
    select_sent(conn, "", [])
}

pub fn sent_by_reference(conn: Db<'_>, reference: &str) -> Result<Option<SentTransfer>> {
    Ok(select_sent(conn, "WHERE reference = ?1", [reference])?
        .into_iter()
        .next())
}

/// The copy of the chronology kept with a sent transfer.
pub fn kept_copy(conn: Db<'_>, id: i64) -> Result<Option<Vec<u8>>> {
    chronology_in(conn, "transfers_out", id)
}

/// A transfer's chronology PDF, from the log of those sent or received.
fn chronology_in(conn: Db<'_>, table: &str, id: i64) -> Result<Option<Vec<u8>>> {
    Ok(conn
        .query_row(
            &format!("SELECT chronology FROM {table} WHERE id = ?1"),
            [id],
            |r| r.get::<_, Option<Vec<u8>>>(0),
        )
        .optional()?
        .flatten())
}

/// Records the receipt of a sent transfer.
pub fn confirm(
    conn: Db<'_>,
    id: i64,
    received_on: NaiveDate,
    received_by: Option<&str>,
    confirmed_by: UserId,
    at: i64,
) -> Result<()> {
    conn.execute(
        "UPDATE transfers_out SET received_on = ?2, received_by = ?3, confirmed_by = ?4,
             confirmed_at = ?5
         WHERE id = ?1 AND confirmed_at IS NULL",
        params![id, day_text(received_on), received_by, confirmed_by.0, at],
    )?;
    Ok(())
}

/// Drops the chronology PDFs kept with transfers of a pupil, sent or received (their records are
/// being destroyed, and a chronology holds their text); the logs of the transfers stay.
pub fn forget_chronologies(conn: Db<'_>, pupil: PupilId) -> Result<()> {
    conn.execute(
        "UPDATE transfers_out SET chronology = NULL WHERE pupil_id = ?1 AND chronology IS NOT NULL",
        [pupil.0],
    )?;
    conn.execute(
        "UPDATE transfers_in SET chronology = NULL WHERE pupil_id = ?1 AND chronology IS NOT NULL",
        [pupil.0],
    )?;
    Ok(())
}

/// A transfer to log as received.
pub struct NewReceived<'a> {
    pub reference: &'a str,
    pub from_school: &'a str,
    pub pupil: Option<PupilId>,
    pub pupil_ref: &'a str,
    pub sent_at: i64,
    pub sent_by_name: &'a str,
    pub sha256: &'a str,
    pub incidents: usize,
    pub receipt_code: &'a str,
    pub received_at: i64,
    pub received_by: Option<UserId>,
    /// The chronology PDF the file carried.
    pub chronology: Option<&'a [u8]>,
}

pub fn insert_received(conn: Db<'_>, t: &NewReceived<'_>) -> Result<i64> {
    conn.execute(
        "INSERT INTO transfers_in (reference, from_school, pupil_id, pupil_ref, sent_at,
             sent_by_name, sha256, incidents, receipt_code, received_at, received_by, chronology)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
        params![
            t.reference,
            t.from_school,
            t.pupil.map(|p| p.0),
            t.pupil_ref,
            t.sent_at,
            t.sent_by_name,
            t.sha256,
            t.incidents as i64,
            t.receipt_code,
            t.received_at,
            t.received_by.map(|u| u.0),
            t.chronology,
        ],
    )?;
    Ok(conn.last_insert_rowid())
}

fn select_received<P: rusqlite::Params>(
    conn: Db<'_>,
    filter: &str,
    args: P,
) -> Result<Vec<ReceivedTransfer>> {
    let mut stmt = conn.prepare(&format!(
        "SELECT id, reference, from_school, pupil_id, pupil_ref, sent_at, sent_by_name, sha256,
                incidents, receipt_code, received_at, received_by
         FROM transfers_in {filter} ORDER BY received_at DESC, id DESC"
    ))?;
    let rows = stmt.query_map(args, |r| {
        Ok(ReceivedTransfer {
            id: r.get(0)?,
            reference: r.get(1)?,
            from_school: r.get(2)?,
            pupil: r.get::<_, Option<i64>>(3)?.map(PupilId),
            pupil_ref: r.get(4)?,
            sent_at: r.get(5)?,
            sent_by_name: r.get(6)?,
            sha256: r.get(7)?,
            incidents: r.get::<_, i64>(8)?.max(0) as usize,
            receipt_code: r.get(9)?,
            received_at: r.get(10)?,
            received_by: r.get::<_, Option<i64>>(11)?.map(UserId),
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}

/// Every transfer received, newest first.
pub fn received(conn: Db<'_>) -> Result<Vec<ReceivedTransfer>> {
    select_received(conn, "", [])
}

pub fn received_by_reference(conn: Db<'_>, reference: &str) -> Result<Option<ReceivedTransfer>> {
    Ok(select_received(conn, "WHERE reference = ?1", [reference])?
        .into_iter()
        .next())
}

/// The chronology PDF a received transfer carried.
pub fn received_chronology(conn: Db<'_>, id: i64) -> Result<Option<Vec<u8>>> {
    chronology_in(conn, "transfers_in", id)
}

/// Marks an incident as having arrived in a received transfer, recorded there by `recorded_by`.
pub fn mark_received(
    conn: Db<'_>,
    incident: IncidentId,
    transfer: Option<i64>,
    recorded_by: Option<&str>,
    their_category: Option<&str>,
) -> Result<()> {
    conn.execute(
        "INSERT OR REPLACE INTO received_incidents (incident_id, transfer_id, recorded_by, category)
         VALUES (?1, ?2, ?3, ?4)",
        params![incident.0, transfer, recorded_by, their_category],
    )?;
    Ok(())
}

/// The other school's names for who took and recorded an action.
pub fn set_action_names(
    conn: Db<'_>,
    action: ActionId,
    taken_by: Option<&str>,
    recorded_by: Option<&str>,
) -> Result<()> {
    put_names(
        conn,
        "INSERT OR REPLACE INTO received_action_names (action_id, taken_by, recorded_by)
         VALUES (?1, ?2, ?3)",
        action.0,
        [taken_by, recorded_by],
    )
}

/// The other school's names for who set and ended a status.
pub fn set_status_names(
    conn: Db<'_>,
    status: StatusId,
    set_by: Option<&str>,
    ended_by: Option<&str>,
) -> Result<()> {
    put_names(
        conn,
        "INSERT OR REPLACE INTO received_status_names (status_id, set_by, ended_by)
         VALUES (?1, ?2, ?3)",
        status.0,
        [set_by, ended_by],
    )
}

fn put_names(conn: Db<'_>, sql: &str, id: i64, names: [Option<&str>; 2]) -> Result<()> {
    conn.execute(sql, params![id, names[0], names[1]])?;
    Ok(())
}

/// Puts back the log of a sent transfer (loading an export).
pub fn restore_sent(conn: Db<'_>, t: &SentTransfer, kept: Option<&[u8]>) -> Result<i64> {
    conn.execute(
        "INSERT INTO transfers_out (reference, pupil_id, pupil_ref, to_school, to_contact,
             included, incidents, method, sha256, receipt_key, sent_at, sent_by, kept_copy,
             chronology, received_on, received_by, confirmed_by, confirmed_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18)",
        params![
            t.reference,
            t.pupil.map(|p| p.0),
            t.pupil_ref,
            t.to_school,
            t.to_contact,
            t.included,
            t.incidents as i64,
            t.method.key(),
            t.sha256,
            t.receipt_key,
            t.sent_at,
            t.sent_by.map(|u| u.0),
            flag(t.kept_copy),
            kept,
            t.received_on.map(day_text),
            t.received_by,
            t.confirmed_by.map(|u| u.0),
            t.confirmed_at,
        ],
    )?;
    Ok(conn.last_insert_rowid())
}
