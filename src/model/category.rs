//! Incident categories: two levels, a category and its sub-categories.

use super::CategoryId;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Category {
    pub id: CategoryId,
    pub parent: Option<CategoryId>,
    pub name: String,
    pub sort_order: i64,
    pub archived: bool,
}

impl Category {
    /// "Behaviour" or "Behaviour — Against Peers", given the parent's name for a sub-category.
    pub fn path(&self, parent_name: Option<&str>) -> String {
        match parent_name {
            Some(parent) => format!("{parent} — {}", self.name),
            None => self.name.clone(),
        }
    }
}

/// Categories arranged as the grids show them: each top-level category followed by its
/// sub-categories, both in their sort order.
pub fn tree_order(categories: &[Category]) -> Vec<&Category> {
    let key = |c: &&Category| (c.sort_order, c.name.to_lowercase(), c.id);
    let mut parents: Vec<&Category> = categories.iter().filter(|c| c.parent.is_none()).collect();
    parents.sort_by_key(key);
    let mut out = Vec::with_capacity(categories.len());
    for parent in parents {
        out.push(parent);
        let mut children: Vec<&Category> = categories
            .iter()
            .filter(|c| c.parent == Some(parent.id))
            .collect();
        children.sort_by_key(key);
        out.extend(children);
    }
    out
}

/// Every category's label as screens, reports and the audit show it ("Behaviour — Against
/// Peers" for a sub-category).
pub fn labels(all: &[Category]) -> std::collections::HashMap<CategoryId, String> {
    let names: std::collections::HashMap<CategoryId, &str> =
        all.iter().map(|c| (c.id, c.name.as_str())).collect();
    all.iter()
        .map(|c| (c.id, c.path(c.parent.and_then(|p| names.get(&p).copied()))))
        .collect()
}

/// A category for tests elsewhere in the crate.
#[cfg(test)]
pub(crate) fn sample(id: i64, parent: Option<i64>, name: &str) -> Category {
    Category {
        id: CategoryId(id),
        parent: parent.map(CategoryId),
        name: name.into(),
        sort_order: id,
        archived: false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cat(id: i64, parent: Option<i64>, name: &str, order: i64) -> Category {
        Category {
            id: CategoryId(id),
            parent: parent.map(CategoryId),
            name: name.into(),
            sort_order: order,
            archived: false,
        }
    }

    #[test]
    fn tree_order_puts_children_under_parents() {
        let cats = vec![
            cat(1, None, "Behaviour", 2),
            cat(2, Some(1), "Against Staff", 2),
            cat(3, None, "Attendance", 1),
            cat(4, Some(1), "Against Peers", 1),
            cat(5, Some(3), "Punctuality", 1),
        ];
        let names: Vec<&str> = tree_order(&cats).iter().map(|c| c.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "Attendance",
                "Punctuality",
                "Behaviour",
                "Against Peers",
                "Against Staff"
            ]
        );
    }

    #[test]
    fn path_joins_parent() {
        let c = cat(4, Some(1), "Against Peers", 1);
        assert_eq!(c.path(Some("Behaviour")), "Behaviour — Against Peers");
        assert_eq!(c.path(None), "Against Peers");
    }
}
