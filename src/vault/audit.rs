//! The audit trail: one entry per change, written in the same transaction as the change, each
//! entry carrying the SHA-256 of the previous one so any edit, removal or reordering shows.

use super::error::Result;
use crate::model::UserId;
use rusqlite::{Connection, OptionalExtension, params};
use sha2::{Digest, Sha256};

const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// Who made a change: a signed-in user, or Keyholder itself (set-up, recovery, import from file).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub user_id: Option<UserId>,
    pub name: String,
}

impl Actor {
    pub fn user(id: UserId, name: impl Into<String>) -> Actor {
        Actor {
            user_id: Some(id),
            name: name.into(),
        }
    }

    pub fn system(name: impl Into<String>) -> Actor {
        Actor {
            user_id: None,
            name: name.into(),
        }
    }
}

/// What the audit entry for a change says.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Change {
    pub action: String,
    pub summary: String,
    pub before: String,
    pub after: String,
}

impl Change {
    pub fn new(action: impl Into<String>, summary: impl Into<String>) -> Change {
        Change {
            action: action.into(),
            summary: summary.into(),
            ..Change::default()
        }
    }

    pub fn before_after(mut self, before: impl Into<String>, after: impl Into<String>) -> Change {
        self.before = before.into();
        self.after = after.into();
        self
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEntry {
    pub id: i64,
    pub at: i64,
    pub actor_id: Option<UserId>,
    pub actor_name: String,
    pub action: String,
    pub summary: String,
    pub before: String,
    pub after: String,
    pub prev_hash: String,
    pub hash: String,
}

fn entry_hash(
    prev_hash: &str,
    id: i64,
    at: i64,
    actor_id: Option<i64>,
    actor_name: &str,
    change: &Change,
) -> String {
    let mut h = Sha256::new();
    // Length-prefixed fields, so no two different entries can produce the same byte stream.
    let mut field = |bytes: &[u8]| {
        h.update((bytes.len() as u64).to_le_bytes());
        h.update(bytes);
    };
    field(prev_hash.as_bytes());
    field(&id.to_le_bytes());
    field(&at.to_le_bytes());
    field(&actor_id.unwrap_or(-1).to_le_bytes());
    field(actor_name.as_bytes());
    field(change.action.as_bytes());
    field(change.summary.as_bytes());
    field(change.before.as_bytes());
    field(change.after.as_bytes());
    hex::encode(h.finalize())
}

/// Adds an entry after the last one. Call inside the transaction that makes the change.
pub fn append(conn: &Connection, actor: &Actor, change: &Change, at: i64) -> Result<()> {
    let last: Option<(i64, String)> = conn
        .query_row(
            "SELECT id, hash FROM audit ORDER BY id DESC LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    let (id, prev) = match last {
        Some((id, hash)) => (id + 1, hash),
        None => (1, GENESIS.to_string()),
    };
    let actor_id = actor.user_id.map(|u| u.0);
    let hash = entry_hash(&prev, id, at, actor_id, &actor.name, change);
    conn.execute(
        "INSERT INTO audit (id, at, actor_id, actor_name, action, summary, before, after, prev_hash, hash)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        params![
            id,
            at,
            actor_id,
            actor.name,
            change.action,
            change.summary,
            change.before,
            change.after,
            prev,
            hash
        ],
    )?;
    Ok(())
}

/// The result of checking the whole chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainReport {
    pub entries: u64,
    /// The first entry that does not fit the chain, with the reason.
    pub first_bad: Option<(i64, String)>,
}

impl ChainReport {
    pub fn is_intact(&self) -> bool {
        self.first_bad.is_none()
    }

    /// One sentence for the admin.
    pub fn describe(&self) -> String {
        match &self.first_bad {
            None => format!(
                "The audit trail is intact: {} entries, none altered.",
                self.entries
            ),
            Some((id, reason)) => format!(
                "The audit trail has been tampered with or damaged: entry {id} {reason}. \
                 Entries from there on cannot be trusted."
            ),
        }
    }
}

pub fn verify(conn: &Connection) -> Result<ChainReport> {
    let mut stmt = conn.prepare(
        "SELECT id, at, actor_id, actor_name, action, summary, before, after, prev_hash, hash
         FROM audit ORDER BY id",
    )?;
    let mut rows = stmt.query([])?;
    let mut expected_prev = GENESIS.to_string();
    let mut expected_id = 1i64;
    let mut entries = 0u64;
    while let Some(row) = rows.next()? {
        let e = entry_from_row(row)?;
        entries += 1;
        let bad = if e.id != expected_id {
            Some(format!(
                "is numbered {} where {expected_id} was expected (an entry is missing)",
                e.id
            ))
        } else if e.prev_hash != expected_prev {
            Some("does not follow the entry before it".to_string())
        } else {
            let change = Change {
                action: e.action.clone(),
                summary: e.summary.clone(),
                before: e.before.clone(),
                after: e.after.clone(),
            };
            let actual = entry_hash(
                &e.prev_hash,
                e.id,
                e.at,
                e.actor_id.map(|u| u.0),
                &e.actor_name,
                &change,
            );
            (actual != e.hash).then(|| "has been altered since it was written".to_string())
        };
        if let Some(reason) = bad {
            return Ok(ChainReport {
                entries,
                first_bad: Some((e.id, reason)),
            });
        }
        expected_prev = e.hash;
        expected_id += 1;
    }
    Ok(ChainReport {
        entries,
        first_bad: None,
    })
}

fn entry_from_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<AuditEntry> {
    Ok(AuditEntry {
        id: row.get(0)?,
        at: row.get(1)?,
        actor_id: row.get::<_, Option<i64>>(2)?.map(UserId),
        actor_name: row.get(3)?,
        action: row.get(4)?,
        summary: row.get(5)?,
        before: row.get(6)?,
        after: row.get(7)?,
        prev_hash: row.get(8)?,
        hash: row.get(9)?,
    })
}

/// The newest entries first, optionally only those whose text contains `search`.
pub fn recent(conn: &Connection, search: &str, limit: usize) -> Result<Vec<AuditEntry>> {
    let pattern = format!("%{}%", search.trim());
    let mut stmt = conn.prepare(
        "SELECT id, at, actor_id, actor_name, action, summary, before, after, prev_hash, hash
         FROM audit
         WHERE actor_name LIKE ?1 OR action LIKE ?1 OR summary LIKE ?1
         ORDER BY id DESC LIMIT ?2",
    )?;
    let rows = stmt.query_map(params![pattern, limit as i64], entry_from_row)?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn db_with_entries(n: usize) -> Connection {
        let mut conn = Connection::open_in_memory().unwrap();
        super::super::migrate::migrate(&mut conn).unwrap();
        for i in 0..n {
            let change = Change::new("Test", format!("change {i}")).before_after("a", "b");
            append(
                &conn,
                &Actor::system("Keyholder"),
                &change,
                1_700_000_000 + i as i64,
            )
            .unwrap();
        }
        conn
    }

    #[test]
    fn an_untouched_chain_verifies() {
        let conn = db_with_entries(5);
        let report = verify(&conn).unwrap();
        assert_eq!(report.entries, 5);
        assert!(report.is_intact(), "{report:?}");
    }

    #[test]
    fn an_edited_entry_is_found() {
        let conn = db_with_entries(5);
        conn.execute(
            "UPDATE audit SET summary = 'nothing happened' WHERE id = 3",
            [],
        )
        .unwrap();
        let report = verify(&conn).unwrap();
        assert_eq!(report.first_bad.as_ref().map(|b| b.0), Some(3));
        assert!(report.describe().contains("entry 3"));
    }

    #[test]
    fn a_removed_entry_is_found() {
        let conn = db_with_entries(5);
        conn.execute("DELETE FROM audit WHERE id = 2", []).unwrap();
        let report = verify(&conn).unwrap();
        assert_eq!(report.first_bad.map(|b| b.0), Some(3));
    }

    #[test]
    fn a_rehashed_entry_breaks_the_next_link() {
        let conn = db_with_entries(4);
        // Someone edits entry 2 and recomputes its own hash: entry 3 no longer follows it.
        conn.execute("UPDATE audit SET summary = 'edited' WHERE id = 2", [])
            .unwrap();
        let e: (String, i64, i64) = conn
            .query_row(
                "SELECT prev_hash, at, id FROM audit WHERE id = 2",
                [],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .unwrap();
        let change = Change::new("Test", "edited").before_after("a", "b");
        let forged = entry_hash(&e.0, e.2, e.1, None, "Keyholder", &change);
        conn.execute("UPDATE audit SET hash = ?1 WHERE id = 2", [forged])
            .unwrap();
        assert_eq!(verify(&conn).unwrap().first_bad.map(|b| b.0), Some(3));
    }

    #[test]
    fn recent_filters_and_orders_newest_first() {
        let conn = db_with_entries(3);
        let all = recent(&conn, "", 10).unwrap();
        assert_eq!(all.iter().map(|e| e.id).collect::<Vec<_>>(), [3, 2, 1]);
        let one = recent(&conn, "change 1", 10).unwrap();
        assert_eq!(one.len(), 1);
        assert_eq!(one[0].summary, "change 1");
    }
}
