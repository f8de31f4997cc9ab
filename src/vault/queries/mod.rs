//! SQL for each part of the school, as plain functions over a connection (or a transaction, which
//! derefs to one). Writes are only called from inside [`super::Vault::write`].

pub mod alerts;
pub mod backups;
pub mod casework;
pub mod categories;
pub mod groups;
pub mod health;
pub mod import_mappings;
pub mod incidents;
pub mod people;
pub mod preferences;
pub mod pupils;
pub mod reports;
pub mod restrictions;
pub mod retention;
pub mod school;
pub mod staff;
pub mod transfers;

/// SQLite stores booleans as integers.
pub(crate) fn flag(b: bool) -> i64 {
    i64::from(b)
}

/// Days are stored as `YYYY-MM-DD`, which sorts and compares as text.
pub(crate) fn day_text(d: chrono::NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

/// A stored day read back; `what` says whose it is when it cannot be ("a pupil's status").
pub(crate) fn read_day(text: &str, what: &str) -> super::Result<chrono::NaiveDate> {
    chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .map_err(|_| super::Error::Damaged(format!("{what} has an unreadable date {text:?}")))
}
