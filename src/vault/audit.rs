//! The audit trail: one entry per change, written in the same transaction as the change, each
//! entry carrying the SHA-256 of the previous one so any edit, removal or reordering shows.

use super::Db;
use super::error::Result;
use crate::model::UserId;
use rusqlite::{OptionalExtension, params};
use serde::{Deserialize, Serialize};
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
pub fn append(conn: Db<'_>, actor: &Actor, change: &Change, at: i64) -> Result<()> {
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

pub fn verify(conn: Db<'_>) -> Result<ChainReport> {
    Ok(check_chain(conn)?.report)
}

/// A check of the chain, which a later check can carry on from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckedChain {
    pub report: ChainReport,
    /// The newest entry checked (its number and hash), when the chain was intact up to it.
    last: Option<(i64, String)>,
}

/// The whole chain, checked from its first entry.
pub fn check_chain(conn: Db<'_>) -> Result<CheckedChain> {
    check_after(conn, 0, GENESIS.to_string(), 0)
}

/// `before` carried on through the entries written since: the entries it checked are not read
/// again. Only for a connection whose file nobody else has written to since `before` (a
/// session's own changes only append), since an older entry changed elsewhere would go unseen;
/// the caller checks the whole chain otherwise. Starts from the first entry when `before` found
/// a fault or its newest entry is no longer as it was.
pub fn check_chain_continuing(conn: Db<'_>, before: &CheckedChain) -> Result<CheckedChain> {
    match &before.last {
        Some((id, hash))
            if before.report.is_intact()
                && hash_of(conn, *id)?.as_deref() == Some(hash.as_str()) =>
        {
            check_after(conn, *id, hash.clone(), before.report.entries)
        }
        _ => check_chain(conn),
    }
}

/// The entries after `after_id`, the first of which must follow `prev_hash`; `entries_before`
/// were checked before.
fn check_after(
    conn: Db<'_>,
    after_id: i64,
    prev_hash: String,
    entries_before: u64,
) -> Result<CheckedChain> {
    let mut stmt = conn.prepare(
        "SELECT id, at, actor_id, actor_name, action, summary, before, after, prev_hash, hash
         FROM audit WHERE id > ?1 ORDER BY id",
    )?;
    let mut rows = stmt.query([after_id])?;
    let mut expected_prev = prev_hash;
    let mut expected_id = after_id + 1;
    let mut entries = entries_before;
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
            return Ok(CheckedChain {
                report: ChainReport {
                    entries,
                    first_bad: Some((e.id, reason)),
                },
                last: None,
            });
        }
        expected_prev = e.hash;
        expected_id += 1;
    }
    Ok(CheckedChain {
        report: ChainReport {
            entries,
            first_bad: None,
        },
        // The entry before the one expected next, the newest checked (none in an empty trail).
        last: (expected_id > 1).then(|| (expected_id - 1, expected_prev)),
    })
}

/// A record, kept outside the school file (in the key file, a backup's manifest, or on paper as
/// a fingerprint), of one audit entry's number and hash. Rewriting the trail up to that entry
/// changes the entry's hash, so the school file no longer matches the record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditAnchor {
    /// The entry's number (the first entry is 1).
    pub entry: i64,
    /// Its SHA-256, 64 lower-case hex digits, as stored in the trail.
    pub hash: String,
    /// When the record was made (Unix seconds); for messages only.
    #[serde(default)]
    pub recorded_at: i64,
}

impl AuditAnchor {
    /// Whether a record read from a file is well formed; `Err` says what is wrong.
    pub fn check(&self) -> std::result::Result<(), String> {
        if self.entry < 1 {
            return Err("its record of the audit trail names no entry".into());
        }
        if !is_hash(&self.hash) {
            return Err("its record of the audit trail is unreadable".into());
        }
        Ok(())
    }

    /// The short form an administrator can note down; see [`fingerprint`].
    pub fn fingerprint(&self) -> String {
        fingerprint(&self.hash)
    }
}

fn is_hash(text: &str) -> bool {
    text.len() == 64
        && text
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// Hex digits of an entry's hash in its fingerprint: 16 (64 bits), so nobody can rewrite the
/// trail and keep the fingerprint by trying changes until one fits (about 2^64 attempts), yet
/// short enough to copy onto paper.
pub const FINGERPRINT_DIGITS: usize = 16;

/// "3F2A 9C41 07BE D5E2": the first [`FINGERPRINT_DIGITS`] hex digits of a hash, upper case,
/// in groups of four.
pub fn fingerprint(hash: &str) -> String {
    let digits: Vec<char> = hash
        .chars()
        .take(FINGERPRINT_DIGITS)
        .map(|c| c.to_ascii_uppercase())
        .collect();
    digits
        .chunks(4)
        .map(|c| c.iter().collect::<String>())
        .collect::<Vec<_>>()
        .join(" ")
}

/// A fingerprint as typed back from paper (any case, spaces or dashes), or `None` when it is
/// not 16 hex digits.
pub fn parse_fingerprint(typed: &str) -> Option<String> {
    let digits: String = typed
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .map(|c| c.to_ascii_lowercase())
        .collect();
    (digits.len() == FINGERPRINT_DIGITS && digits.bytes().all(|b| b.is_ascii_hexdigit()))
        .then_some(digits)
}

/// The newest entry as an anchor, recorded at `now`; `None` for an empty trail.
pub fn latest(conn: Db<'_>, now: i64) -> Result<Option<AuditAnchor>> {
    Ok(conn
        .query_row(
            "SELECT id, hash FROM audit ORDER BY id DESC LIMIT 1",
            [],
            |r| {
                Ok(AuditAnchor {
                    entry: r.get(0)?,
                    hash: r.get(1)?,
                    recorded_at: now,
                })
            },
        )
        .optional()?)
}

/// The hash stored for entry `id`, if there is such an entry.
pub fn hash_of(conn: Db<'_>, id: i64) -> Result<Option<String>> {
    Ok(conn
        .query_row("SELECT hash FROM audit WHERE id = ?1", [id], |r| r.get(0))
        .optional()?)
}

/// How a school file's trail compares with a record of one of its entries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AnchorOutcome {
    /// The entry is there with the recorded hash: nothing up to it has changed.
    Matches,
    /// There is no entry with that number any more.
    Missing,
    /// The entry is there with another hash (given): it, or an entry before it, was changed.
    Differs(String),
}

pub fn compare(conn: Db<'_>, anchor: &AuditAnchor) -> Result<AnchorOutcome> {
    Ok(match hash_of(conn, anchor.entry)? {
        None => AnchorOutcome::Missing,
        Some(h) if h == anchor.hash => AnchorOutcome::Matches,
        Some(h) => AnchorOutcome::Differs(h),
    })
}

/// Whether entry `id`'s stored hash begins with a noted fingerprint (as [`parse_fingerprint`]
/// gives it); `None` when there is no such entry.
pub fn matches_fingerprint(conn: Db<'_>, id: i64, digits: &str) -> Result<Option<bool>> {
    Ok(hash_of(conn, id)?.map(|h| h.starts_with(digits)))
}

/// The first entry of `earlier` (an older copy of the same school, from a backup) that the
/// school file no longer holds as it was, with what differs in the admin's words. `None` when
/// every entry of the copy is still in the school file unchanged.
pub fn first_difference(school: Db<'_>, earlier: Db<'_>) -> Result<Option<(i64, String)>> {
    let mut theirs = earlier.prepare(
        "SELECT id, at, actor_id, actor_name, action, summary, before, after, prev_hash, hash
         FROM audit ORDER BY id",
    )?;
    let mut ours = school.prepare(
        "SELECT id, at, actor_id, actor_name, action, summary, before, after, prev_hash, hash
         FROM audit WHERE id = ?1",
    )?;
    let mut rows = theirs.query([])?;
    while let Some(row) = rows.next()? {
        let was = entry_from_row(row)?;
        let now = ours.query_row([was.id], entry_from_row).optional()?;
        let Some(now) = now else {
            return Ok(Some((was.id, "is missing from the school file".into())));
        };
        let mut changed = Vec::new();
        if now.at != was.at {
            changed.push("when");
        }
        if now.actor_id != was.actor_id || now.actor_name != was.actor_name {
            changed.push("who");
        }
        if now.action != was.action {
            changed.push("what");
        }
        if now.summary != was.summary {
            changed.push("details");
        }
        if now.before != was.before {
            changed.push("before");
        }
        if now.after != was.after {
            changed.push("after");
        }
        if !changed.is_empty() {
            return Ok(Some((
                was.id,
                format!("has been changed (its {})", changed.join(", ")),
            )));
        }
        if now.hash != was.hash || now.prev_hash != was.prev_hash {
            return Ok(Some((was.id, "has a different hash".into())));
        }
    }
    Ok(None)
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
pub fn recent(conn: Db<'_>, search: &str, limit: usize) -> Result<Vec<AuditEntry>> {
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
    use rusqlite::Connection;

    fn db_with_entries(n: usize) -> Connection {
        let mut conn = Connection::open_in_memory().unwrap();
        super::super::migrate::migrate(&mut conn).unwrap();
        for i in 0..n {
            let change = Change::new("Test", format!("change {i}")).before_after("a", "b");
            append(
                Db::new(&conn),
                &Actor::system("Keyholder"),
                &change,
                1_700_000_000 + i as i64,
            )
            .unwrap();
        }
        conn
    }

    fn add(conn: &rusqlite::Connection, from: usize, n: usize) {
        for i in from..from + n {
            let change = Change::new("Test", format!("change {i}"));
            append(
                Db::new(conn),
                &Actor::system("Keyholder"),
                &change,
                1_700_000_000,
            )
            .unwrap();
        }
    }

    #[test]
    fn a_check_carried_on_reads_only_the_new_entries_and_agrees_with_a_whole_check() {
        let conn = db_with_entries(5);
        let db = Db::new(&conn);
        let first = check_chain(db).unwrap();
        assert_eq!((first.report.entries, first.report.is_intact()), (5, true));
        add(&conn, 5, 3);
        let carried = check_chain_continuing(db, &first).unwrap();
        assert_eq!(carried, check_chain(db).unwrap());
        assert_eq!(carried.report.entries, 8);
        // Entries already checked are not read again: an edit to one of them (which only
        // another connection could make) is left to the whole check...
        conn.execute("UPDATE audit SET summary = 'edited' WHERE id = 2", [])
            .unwrap();
        add(&conn, 8, 1);
        assert!(
            check_chain_continuing(db, &carried)
                .unwrap()
                .report
                .is_intact()
        );
        assert_eq!(
            check_chain(db).unwrap().report.first_bad.map(|b| b.0),
            Some(2)
        );
        // ...but a new entry that does not fit is found.
        let before = check_chain_continuing(db, &carried).unwrap();
        add(&conn, 9, 2);
        conn.execute("UPDATE audit SET summary = 'edited' WHERE id = 11", [])
            .unwrap();
        let found = check_chain_continuing(db, &before).unwrap().report;
        assert_eq!(found.first_bad.as_ref().map(|b| b.0), Some(11), "{found:?}");
    }

    #[test]
    fn a_check_carried_on_starts_again_when_its_last_entry_changed_or_it_had_found_a_fault() {
        let conn = db_with_entries(4);
        let db = Db::new(&conn);
        let first = check_chain(db).unwrap();
        // The entry it ended at rewritten, hash and all: every entry is read again.
        conn.execute("UPDATE audit SET hash = ?1 WHERE id = 4", ["ab".repeat(32)])
            .unwrap();
        let again = check_chain_continuing(db, &first).unwrap().report;
        assert_eq!(again.first_bad.as_ref().map(|b| b.0), Some(4), "{again:?}");
        // A chain found faulty is read whole next time too.
        let conn = db_with_entries(4);
        let db = Db::new(&conn);
        conn.execute("UPDATE audit SET summary = 'edited' WHERE id = 2", [])
            .unwrap();
        let faulty = check_chain(db).unwrap();
        add(&conn, 4, 1);
        let next = check_chain_continuing(db, &faulty).unwrap().report;
        assert_eq!(
            (next.first_bad.as_ref().map(|b| b.0), next.entries),
            (Some(2), 2),
            "{next:?}"
        );
    }

    #[test]
    fn an_untouched_chain_verifies() {
        let conn = db_with_entries(5);
        let report = verify(Db::new(&conn)).unwrap();
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
        let report = verify(Db::new(&conn)).unwrap();
        assert_eq!(report.first_bad.as_ref().map(|b| b.0), Some(3));
        assert!(report.describe().contains("entry 3"));
    }

    #[test]
    fn a_removed_entry_is_found() {
        let conn = db_with_entries(5);
        conn.execute("DELETE FROM audit WHERE id = 2", []).unwrap();
        let report = verify(Db::new(&conn)).unwrap();
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
        assert_eq!(
            verify(Db::new(&conn)).unwrap().first_bad.map(|b| b.0),
            Some(3)
        );
    }

    fn rewrite_from(conn: Db<'_>, id: i64, summary: &str) {
        // What someone with the key could do: change an entry and recompute every later hash.
        conn.execute(
            "UPDATE audit SET summary = ?2 WHERE id = ?1",
            params![id, summary],
        )
        .unwrap();
        let ids: Vec<i64> = conn
            .prepare("SELECT id FROM audit WHERE id >= ?1 ORDER BY id")
            .unwrap()
            .query_map([id], |r| r.get(0))
            .unwrap()
            .map(|r| r.unwrap())
            .collect();
        for i in ids {
            let prev: String = if i == 1 {
                GENESIS.into()
            } else {
                hash_of(conn, i - 1).unwrap().unwrap()
            };
            let e = conn
                .query_row(
                    "SELECT id, at, actor_id, actor_name, action, summary, before, after, prev_hash, hash
                     FROM audit WHERE id = ?1",
                    [i],
                    entry_from_row,
                )
                .unwrap();
            let change = Change {
                action: e.action,
                summary: e.summary,
                before: e.before,
                after: e.after,
            };
            let h = entry_hash(
                &prev,
                i,
                e.at,
                e.actor_id.map(|u| u.0),
                &e.actor_name,
                &change,
            );
            conn.execute(
                "UPDATE audit SET prev_hash = ?2, hash = ?3 WHERE id = ?1",
                params![i, prev, h],
            )
            .unwrap();
        }
    }

    #[test]
    fn a_rewritten_trail_verifies_but_no_longer_matches_its_anchor() {
        let conn = db_with_entries(6);
        let anchor = latest(Db::new(&conn), 0).unwrap().unwrap();
        assert_eq!(anchor.entry, 6);
        assert_eq!(anchor.check(), Ok(()));
        assert_eq!(
            compare(Db::new(&conn), &anchor).unwrap(),
            AnchorOutcome::Matches
        );
        let older = AuditAnchor {
            entry: 2,
            hash: hash_of(Db::new(&conn), 2).unwrap().unwrap(),
            recorded_at: 0,
        };

        rewrite_from(Db::new(&conn), 4, "nothing happened");
        assert!(verify(Db::new(&conn)).unwrap().is_intact());
        assert!(matches!(
            compare(Db::new(&conn), &anchor).unwrap(),
            AnchorOutcome::Differs(_)
        ));
        // An anchor from before the rewritten entry still matches.
        assert_eq!(
            compare(Db::new(&conn), &older).unwrap(),
            AnchorOutcome::Matches
        );

        conn.execute("DELETE FROM audit WHERE id = 6", []).unwrap();
        assert_eq!(
            compare(Db::new(&conn), &anchor).unwrap(),
            AnchorOutcome::Missing
        );
    }

    #[test]
    fn the_first_difference_from_an_earlier_copy_is_named() {
        let school = db_with_entries(6);
        let copy = db_with_entries(0);
        // The copy: the same first five entries (entries are deterministic here).
        let five = db_with_entries(5);
        assert_eq!(
            first_difference(Db::new(&school), Db::new(&five)).unwrap(),
            None
        );
        rewrite_from(Db::new(&school), 3, "nothing happened");
        let (id, what) = first_difference(Db::new(&school), Db::new(&five))
            .unwrap()
            .unwrap();
        assert_eq!(id, 3);
        assert!(what.contains("details"), "{what}");
        school
            .execute("DELETE FROM audit WHERE id >= 2", [])
            .unwrap();
        let (id, what) = first_difference(Db::new(&school), Db::new(&five))
            .unwrap()
            .unwrap();
        assert_eq!(id, 2);
        assert!(what.contains("missing"), "{what}");
        assert_eq!(
            first_difference(Db::new(&school), Db::new(&copy)).unwrap(),
            None
        );
    }

    #[test]
    fn fingerprints_are_short_and_read_back_from_paper() {
        let hash = "3f2a9c4107bed5e2aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
        assert_eq!(fingerprint(hash), "3F2A 9C41 07BE D5E2");
        assert_eq!(
            parse_fingerprint("3f2a-9c41 07be d5E2").as_deref(),
            Some("3f2a9c4107bed5e2")
        );
        assert_eq!(parse_fingerprint("3F2A 9C41"), None);
        assert_eq!(parse_fingerprint("3F2A 9C41 07BE D5EZ"), None);
        let conn = db_with_entries(2);
        let h = hash_of(Db::new(&conn), 2).unwrap().unwrap();
        let digits = parse_fingerprint(&fingerprint(&h)).unwrap();
        assert_eq!(
            matches_fingerprint(Db::new(&conn), 2, &digits).unwrap(),
            Some(true)
        );
        assert_eq!(
            matches_fingerprint(Db::new(&conn), 1, &digits).unwrap(),
            Some(false)
        );
        assert_eq!(
            matches_fingerprint(Db::new(&conn), 3, &digits).unwrap(),
            None
        );
    }

    #[test]
    fn malformed_anchors_are_refused() {
        let good = AuditAnchor {
            entry: 1,
            hash: "a".repeat(64),
            recorded_at: 0,
        };
        assert_eq!(good.check(), Ok(()));
        for bad in [
            AuditAnchor {
                entry: 0,
                ..good.clone()
            },
            AuditAnchor {
                entry: -5,
                ..good.clone()
            },
            AuditAnchor {
                hash: "A".repeat(64),
                ..good.clone()
            },
            AuditAnchor {
                hash: "a".repeat(63),
                ..good.clone()
            },
            AuditAnchor {
                hash: "g".repeat(64),
                ..good.clone()
            },
        ] {
            assert!(bad.check().is_err(), "{bad:?}");
        }
    }

    #[test]
    fn recent_filters_and_orders_newest_first() {
        let conn = db_with_entries(3);
        let all = recent(Db::new(&conn), "", 10).unwrap();
        assert_eq!(all.iter().map(|e| e.id).collect::<Vec<_>>(), [3, 2, 1]);
        let one = recent(Db::new(&conn), "change 1", 10).unwrap();
        assert_eq!(one.len(), 1);
        assert_eq!(one[0].summary, "change 1");
    }
}
