//! Installing a newer Keyholder over an older one: the school file stays where it is (outside the
//! program's folder) and the new version brings its schema up to date the first time it opens it,
//! keeping every record. Here a school file is wound back to each earlier schema version, exactly
//! as that version's migrations left it, and then opened the way the app opens it: by signing in.
//! (A file from a newer version is refused untouched: see tests/vault.rs.)

mod common;

use common::*;
use keyholder::vault::{self, KeyFile, Location, Vault};
use rusqlite::Connection;
use rusqlite::types::Value;
use std::path::PathBuf;

/// Every object of a schema (tables, indexes, triggers, views) with the SQL that made it.
type Schema = Vec<(String, String, Option<String>)>;

fn schema(conn: &Connection) -> Schema {
    let mut stmt = conn
        .prepare(
            "SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' \
             ORDER BY type, name",
        )
        .unwrap();
    stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

/// The migration files, in order, as shipped in `migrations/`.
fn migration_files() -> Vec<String> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("migrations");
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "sql"))
        .collect();
    paths.sort();
    paths
        .iter()
        .map(|p| std::fs::read_to_string(p).unwrap())
        .collect()
}

/// The schema a school file had when it was last opened by a version of Keyholder whose newest
/// migration was number `version`: the first `version` migrations applied to an empty database.
fn schema_of_version(version: u32) -> Schema {
    let conn = Connection::open_in_memory().unwrap();
    for sql in migration_files().iter().take(version as usize) {
        conn.execute_batch(sql).unwrap();
    }
    schema(&conn)
}

/// Removes what migrations after `version` added and sets `user_version`, so that the file is what
/// that older version left. Checked against [`schema_of_version`]: if a later migration changed an
/// existing table (rather than adding one), this no longer holds and the test says so.
fn wind_back(conn: &Connection, version: u32) {
    let old = schema_of_version(version);
    let added: Vec<_> = schema(conn)
        .into_iter()
        .filter(|object| !old.contains(object))
        .collect();
    for kind in ["trigger", "view", "index", "table"] {
        for (_, name, _) in added.iter().filter(|(t, _, _)| t == kind) {
            let sql = format!("DROP {} IF EXISTS \"{name}\"", kind.to_uppercase());
            conn.execute_batch(&sql).unwrap();
        }
    }
    conn.pragma_update(None, "user_version", version).unwrap();
    assert_eq!(
        schema(conn),
        old,
        "after winding back to version {version} the file should have exactly that version's \
         schema; a later migration changed an existing object, so build this test's old file \
         another way"
    );
}

/// Every row of the tables the first version already had, except those that signing in changes
/// (sign-in times, used codes, the audit trail, which only grows).
fn records(conn: &Connection) -> Vec<(String, Vec<Vec<Value>>)> {
    let changed_by_signing_in = ["audit", "users", "soft_keys", "setup_codes", "school"];
    schema_of_version(1)
        .into_iter()
        .filter(|(kind, name, _)| {
            kind == "table" && !changed_by_signing_in.contains(&name.as_str())
        })
        .map(|(_, table, _)| {
            // By every column, as some tables have no rowid.
            let columns = conn
                .prepare(&format!("SELECT * FROM \"{table}\""))
                .unwrap()
                .column_count();
            let order: Vec<String> = (1..=columns).map(|i| i.to_string()).collect();
            let mut stmt = conn
                .prepare(&format!(
                    "SELECT * FROM \"{table}\" ORDER BY {}",
                    order.join(", ")
                ))
                .unwrap();
            let rows = stmt
                .query_map([], |r| (0..columns).map(|i| r.get::<_, Value>(i)).collect())
                .unwrap()
                .collect::<Result<Vec<Vec<Value>>, _>>()
                .unwrap();
            (table, rows)
        })
        .collect()
}

fn open(location: &Location, email: &str) -> Vault {
    let key = KeyFile::read(&location.keys)
        .unwrap()
        .unlock_person(email, PASSWORD)
        .unwrap();
    Vault::open(location, &key).unwrap()
}

fn count(conn: &Connection, table: &str) -> i64 {
    conn.query_row(&format!("SELECT count(*) FROM \"{table}\""), [], |r| {
        r.get(0)
    })
    .unwrap()
}

#[test]
fn the_migration_files_are_the_ones_the_vault_applies() {
    // If a file were added to migrations/ but not to migrate.rs (or the other way round), the
    // old-version files built below would not match what an older Keyholder really wrote.
    assert_eq!(migration_files().len() as u32, vault::migrate::LATEST);
    assert_eq!(schema_of_version(vault::migrate::LATEST), {
        let mut conn = Connection::open_in_memory().unwrap();
        vault::migrate::migrate(&mut conn).unwrap();
        schema(&conn)
    });
}

#[test]
fn a_school_file_from_every_earlier_version_is_brought_up_to_date_on_first_sign_in() {
    const { assert!(vault::migrate::LATEST >= 2, "there is an earlier version") };
    for version in 1..vault::migrate::LATEST {
        let dir = tempfile::tempdir().unwrap();
        let (location, creds) = demo_school(dir.path(), small());
        drop(creds.session);

        // The file as version `version` of Keyholder left it, with the school's records in it.
        let (school_name, before, audit_entries, pupils) = {
            let vault = open_without_migrating(&location, &creds.email, version);
            let conn = vault.conn();
            let name: String = conn
                .query_row("SELECT name FROM school", [], |r| r.get(0))
                .unwrap();
            (
                name,
                records(conn),
                count(conn, "audit"),
                count(conn, "pupils"),
            )
        };
        assert!(pupils > 0 && audit_entries > 0);
        assert!(
            before
                .iter()
                .any(|(table, rows)| table == "pupils" && rows.len() as i64 == pupils)
        );

        // The newer version is installed and the admin signs in: that opens and upgrades the file.
        let session = sign_in_at(&location, &creds.email, PASSWORD, &creds.totp_secret, now());
        assert_eq!(session.school().unwrap().name, school_name);
        drop(session);

        let vault = open(&location, &creds.email);
        let conn = vault.conn();
        let found: u32 = conn
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .unwrap();
        assert_eq!(found, vault::migrate::LATEST, "from version {version}");
        assert_eq!(
            schema(conn),
            schema_of_version(vault::migrate::LATEST),
            "from version {version}: the same schema as a new school file"
        );
        assert_eq!(
            records(conn),
            before,
            "from version {version}: records kept"
        );
        assert!(count(conn, "audit") >= audit_entries);
        let chain = vault.verify_audit().unwrap();
        assert!(chain.is_intact(), "from version {version}: {chain:?}");
        assert_eq!(vault.integrity_check().unwrap(), "ok");
    }
}

/// Opens the school file (at the latest schema, as the demo made it) and winds it back to
/// `version`. The returned vault is the same connection, so nothing migrates it forward again.
fn open_without_migrating(location: &Location, email: &str, version: u32) -> Vault {
    let vault = open(location, email);
    wind_back(vault.conn(), version);
    vault
}
