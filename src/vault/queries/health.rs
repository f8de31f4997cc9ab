//! Facts only the health check needs.

use crate::model::UserId;
use crate::vault::Db;
use crate::vault::Result;
use std::collections::BTreeMap;

/// When each user was added, so a user who never signed in is judged from that day.
pub fn user_created_at(conn: Db<'_>) -> Result<BTreeMap<UserId, i64>> {
    let mut stmt = conn.prepare("SELECT id, created_at FROM users")?;
    let rows = stmt.query_map([], |r| Ok((UserId(r.get(0)?), r.get(1)?)))?;
    Ok(rows.collect::<rusqlite::Result<BTreeMap<_, _>>>()?)
}
