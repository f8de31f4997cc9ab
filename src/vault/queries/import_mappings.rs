//! The column mapping last used for each kind of MIS import, so next term's file of the same
//! shape needs no choices. Stored as the text of a mapping file (see `model::import::columns`).

use crate::vault::Db;
use crate::vault::Result;
use rusqlite::{OptionalExtension, params};

pub fn get(conn: Db<'_>, kind: &str) -> Result<Option<String>> {
    Ok(conn
        .query_row(
            "SELECT mapping FROM import_mappings WHERE kind = ?1",
            [kind],
            |r| r.get(0),
        )
        .optional()?)
}

pub fn set(conn: Db<'_>, kind: &str, mapping: &str) -> Result<()> {
    conn.execute(
        "INSERT INTO import_mappings (kind, mapping) VALUES (?1, ?2)
         ON CONFLICT (kind) DO UPDATE SET mapping = ?2",
        params![kind, mapping],
    )?;
    Ok(())
}
