//! Schema changes, applied in order, each in its own transaction, tracked with `user_version`.

use super::error::{Error, Result};
use rusqlite::Connection;

/// Every migration ever shipped, in order. Never edit or reorder one that has landed.
const MIGRATIONS: &[&str] = &[
    include_str!("../../migrations/0001_init.sql"),
    include_str!("../../migrations/0002_staff.sql"),
    include_str!("../../migrations/0003_backups.sql"),
    include_str!("../../migrations/0004_import_mappings.sql"),
    include_str!("../../migrations/0005_incident_history.sql"),
    include_str!("../../migrations/0006_casework.sql"),
    include_str!("../../migrations/0007_alerts_reports.sql"),
    include_str!("../../migrations/0008_preferences.sql"),
    include_str!("../../migrations/0009_retention.sql"),
    include_str!("../../migrations/0010_destruction.sql"),
    include_str!("../../migrations/0011_transfers.sql"),
    include_str!("../../migrations/0012_restricted.sql"),
];

/// The schema version this build of Keyholder writes.
pub const LATEST: u32 = MIGRATIONS.len() as u32;

pub fn current_version(conn: &Connection) -> Result<u32> {
    let v: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
    Ok(u32::try_from(v).unwrap_or(u32::MAX))
}

/// Brings the schema up to date. Refuses (changing nothing) when the file is from a newer version.
pub fn migrate(conn: &mut Connection) -> Result<()> {
    let found = current_version(conn)?;
    if found > LATEST {
        return Err(Error::TooNew {
            found,
            supported: LATEST,
        });
    }
    for (index, sql) in MIGRATIONS.iter().enumerate().skip(found as usize) {
        let version = index as u32 + 1;
        let tx = conn.transaction()?;
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", version)?;
        tx.commit()?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrates_an_empty_database_to_the_latest_version() {
        let mut conn = Connection::open_in_memory().unwrap();
        migrate(&mut conn).unwrap();
        assert_eq!(current_version(&conn).unwrap(), LATEST);
        let tables: i64 = conn
            .query_row(
                "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'audit'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(tables, 1);
        // Running again is a no-op.
        migrate(&mut conn).unwrap();
        assert_eq!(current_version(&conn).unwrap(), LATEST);
    }

    #[test]
    fn refuses_a_newer_schema_and_changes_nothing() {
        let mut conn = Connection::open_in_memory().unwrap();
        conn.pragma_update(None, "user_version", LATEST + 1)
            .unwrap();
        let result = migrate(&mut conn);
        assert!(matches!(result, Err(Error::TooNew { .. })), "{result:?}");
        let tables: i64 = conn
            .query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get(0))
            .unwrap();
        assert_eq!(tables, 0);
    }
}
