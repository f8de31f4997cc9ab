//! What the rest of the program holds of an open school's database: a handle to pass to the
//! vault's queries, and nothing it could run SQL with. Only `vault` reaches the connection inside.

use rusqlite::{CachedStatement, Connection, Params, Row, Statement};

/// The school's database, for reading through the vault's queries (and, inside
/// [`super::Vault::write`], for the writes they make).
#[derive(Clone, Copy)]
pub struct Db<'a>(&'a Connection);

impl<'a> Db<'a> {
    pub(in crate::vault) fn new(conn: &'a Connection) -> Db<'a> {
        Db(conn)
    }

    pub(in crate::vault) fn execute<P: Params>(
        self,
        sql: &str,
        params: P,
    ) -> rusqlite::Result<usize> {
        self.0.execute(sql, params)
    }

    pub(in crate::vault) fn prepare(self, sql: &str) -> rusqlite::Result<Statement<'a>> {
        self.0.prepare(sql)
    }

    pub(in crate::vault) fn prepare_cached(
        self,
        sql: &str,
    ) -> rusqlite::Result<CachedStatement<'a>> {
        self.0.prepare_cached(sql)
    }

    pub(in crate::vault) fn query_row<T, P, F>(
        self,
        sql: &str,
        params: P,
        f: F,
    ) -> rusqlite::Result<T>
    where
        P: Params,
        F: FnOnce(&Row<'_>) -> rusqlite::Result<T>,
    {
        self.0.query_row(sql, params, f)
    }

    pub(in crate::vault) fn last_insert_rowid(self) -> i64 {
        self.0.last_insert_rowid()
    }

    pub(in crate::vault) fn total_changes(self) -> u64 {
        self.0.total_changes()
    }
}

impl std::fmt::Debug for Db<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Db(…)")
    }
}
