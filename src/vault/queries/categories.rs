use crate::model::{Category, CategoryId};
use crate::vault::Db;
use crate::vault::Result;
use rusqlite::params;

pub fn insert(
    conn: Db<'_>,
    parent: Option<CategoryId>,
    name: &str,
    sort_order: i64,
) -> Result<CategoryId> {
    conn.execute(
        "INSERT INTO categories (parent_id, name, sort_order) VALUES (?1, ?2, ?3)",
        params![parent.map(|p| p.0), name.trim(), sort_order],
    )?;
    Ok(CategoryId(conn.last_insert_rowid()))
}

pub fn set_archived(conn: Db<'_>, id: CategoryId, archived: bool) -> Result<()> {
    conn.execute(
        "UPDATE categories SET archived = ?2 WHERE id = ?1",
        params![id.0, super::flag(archived)],
    )?;
    Ok(())
}

/// All categories, archived ones included; use `model::category::tree_order` to arrange them.
pub fn list(conn: Db<'_>) -> Result<Vec<Category>> {
    let mut stmt = conn
        .prepare("SELECT id, parent_id, name, sort_order, archived FROM categories ORDER BY id")?;
    let rows = stmt.query_map([], |r| {
        Ok(Category {
            id: CategoryId(r.get(0)?),
            parent: r.get::<_, Option<i64>>(1)?.map(CategoryId),
            name: r.get(2)?,
            sort_order: r.get(3)?,
            archived: r.get(4)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}

pub fn rename(conn: Db<'_>, id: CategoryId, name: &str) -> Result<()> {
    conn.execute(
        "UPDATE categories SET name = ?2 WHERE id = ?1",
        params![id.0, name.trim()],
    )?;
    Ok(())
}

pub fn set_sort_order(conn: Db<'_>, id: CategoryId, order: i64) -> Result<()> {
    conn.execute(
        "UPDATE categories SET sort_order = ?2 WHERE id = ?1",
        params![id.0, order],
    )?;
    Ok(())
}
