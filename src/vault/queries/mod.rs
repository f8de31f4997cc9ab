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
pub mod school;
pub mod staff;

/// SQLite stores booleans as integers.
pub(crate) fn flag(b: bool) -> i64 {
    i64::from(b)
}
