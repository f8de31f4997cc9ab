//! The rules of the two permission grids, with no screen attached: how a parent row, a column
//! header or a section summarises what it covers, and what clicking it does; and the presets.

use super::category::tree_order;
use super::permission::{
    CategoryPermission, CategoryPermissions, PermissionSection, SystemPermission, SystemPermissions,
};
use super::{Category, CategoryId};

/// What a box shows: ticked, empty, or mixed when what it covers differs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TriState {
    Off,
    On,
    Mixed,
}

impl TriState {
    /// Summarises a set of ticks; an empty set is off.
    pub fn of(values: impl IntoIterator<Item = bool>) -> TriState {
        let (mut any_on, mut any_off) = (false, false);
        for v in values {
            if v {
                any_on = true;
            } else {
                any_off = true;
            }
        }
        match (any_on, any_off) {
            (true, false) => TriState::On,
            (true, true) => TriState::Mixed,
            _ => TriState::Off,
        }
    }

    /// What clicking does: a ticked box clears; an empty or mixed one ticks everything it covers.
    pub fn toggled(self) -> bool {
        self != TriState::On
    }
}

/// A row of the category grid.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GridRow {
    pub id: CategoryId,
    pub name: String,
    /// Set for a sub-category (drawn indented under its parent).
    pub parent: Option<CategoryId>,
    /// The row's own sub-categories (empty for a sub-category or a category without any).
    pub children: Vec<CategoryId>,
}

/// The grid's rows: current (not archived) categories, each followed by its sub-categories.
/// Archived ones keep their permissions but are not shown or changed here.
pub fn rows(categories: &[Category]) -> Vec<GridRow> {
    let current: Vec<Category> = categories.iter().filter(|c| !c.archived).cloned().collect();
    let ordered = tree_order(&current);
    ordered
        .iter()
        .filter(|c| c.parent.is_none() || current.iter().any(|p| Some(p.id) == c.parent))
        .map(|c| GridRow {
            id: c.id,
            name: c.name.clone(),
            parent: c.parent,
            children: ordered
                .iter()
                .filter(|s| s.parent == Some(c.id))
                .map(|s| s.id)
                .collect(),
        })
        .collect()
}

/// What a row's box covers: a parent with sub-categories covers itself and all of them (the
/// parent's own permission decides its own incidents, so it moves with its family).
fn family(row: &GridRow) -> impl Iterator<Item = CategoryId> + '_ {
    std::iter::once(row.id).chain(row.children.iter().copied())
}

pub fn row_state(
    grid: &CategoryPermissions,
    row: &GridRow,
    column: CategoryPermission,
) -> TriState {
    TriState::of(family(row).map(|id| grid.allows(id, column)))
}

/// Clicking a row's box: a parent sets or clears its whole family; a sub-category only itself.
pub fn toggle_row(grid: &mut CategoryPermissions, row: &GridRow, column: CategoryPermission) {
    let on = row_state(grid, row, column).toggled();
    for id in family(row).collect::<Vec<_>>() {
        grid.set(id, column, on);
    }
}

pub fn column_state(
    grid: &CategoryPermissions,
    rows: &[GridRow],
    column: CategoryPermission,
) -> TriState {
    TriState::of(rows.iter().map(|r| grid.allows(r.id, column)))
}

pub fn toggle_column(grid: &mut CategoryPermissions, rows: &[GridRow], column: CategoryPermission) {
    let on = column_state(grid, rows, column).toggled();
    for r in rows {
        grid.set(r.id, column, on);
    }
}

pub fn section_state(system: &SystemPermissions, section: PermissionSection) -> TriState {
    TriState::of(section.permissions().map(|p| system.contains(p)))
}

pub fn toggle_section(system: &mut SystemPermissions, section: PermissionSection) {
    let on = section_state(system, section).toggled();
    for p in section.permissions() {
        system.set(p, on);
    }
}

/// Starting points for a group's system permissions, following the help sheets' advice.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Preset {
    /// Members will hold a soft key: see the class structure and profiles, record concerns.
    KeyHolder,
    /// The same, plus reports, the planner and the library.
    KeyHolderPlus,
    /// Members will not hold a key: record concerns only.
    NoKey,
    /// Record concerns and use the library.
    NoKeyPlusLibrary,
}

impl Preset {
    pub const ALL: [Preset; 4] = [
        Preset::KeyHolder,
        Preset::KeyHolderPlus,
        Preset::NoKey,
        Preset::NoKeyPlusLibrary,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Preset::KeyHolder => "Key holders: recommended",
            Preset::KeyHolderPlus => "Key holders: + reports, planner, library",
            Preset::NoKey => "No key: recommended",
            Preset::NoKeyPlusLibrary => "No key: + library",
        }
    }

    pub fn permissions(self) -> SystemPermissions {
        use SystemPermission::*;
        let list: &[SystemPermission] = match self {
            Preset::KeyHolder => &[ViewStudentsList, ViewStudentDetails, AddNewIncident],
            Preset::KeyHolderPlus => &[
                ViewStudentsList,
                ViewStudentDetails,
                AddNewIncident,
                RunReports,
                ViewCalendar,
                AddEvents,
                ViewFiles,
                AddFiles,
            ],
            Preset::NoKey => &[AddNewIncident],
            Preset::NoKeyPlusLibrary => &[AddNewIncident, ViewFiles, AddFiles],
        };
        list.iter().copied().collect()
    }
}

/// Every change between two settings of a group, as lines for the audit entry.
pub fn describe_changes(
    before: (&SystemPermissions, &CategoryPermissions),
    after: (&SystemPermissions, &CategoryPermissions),
    category_name: impl Fn(CategoryId) -> String,
) -> (Vec<String>, Vec<String>) {
    let mut added: Vec<String> = after
        .0
        .minus(before.0)
        .iter()
        .map(|p| p.label().to_string())
        .collect();
    let mut removed: Vec<String> = before
        .0
        .minus(after.0)
        .iter()
        .map(|p| p.label().to_string())
        .collect();
    let mut ids: Vec<CategoryId> = before
        .1
        .iter()
        .map(|(id, _)| id)
        .chain(after.1.iter().map(|(id, _)| id))
        .collect();
    ids.sort();
    ids.dedup();
    for id in ids {
        for p in CategoryPermission::ALL {
            let (b, a) = (before.1.allows(id, p), after.1.allows(id, p));
            if a != b {
                let line = format!("{}: {}", category_name(id), p.label());
                if a {
                    added.push(line);
                } else {
                    removed.push(line);
                }
            }
        }
    }
    (added, removed)
}

#[cfg(test)]
mod tests {
    use super::*;
    use CategoryPermission::*;

    use crate::model::category::sample as cat;

    /// Behaviour with its three sub-categories, and Attendance with none.
    fn school() -> Vec<GridRow> {
        rows(&[
            cat(1, None, "Behaviour"),
            cat(2, Some(1), "Against Peers"),
            cat(3, Some(1), "Against Staff"),
            cat(4, Some(1), "Positive Behaviour"),
            cat(5, None, "Attendance"),
        ])
    }

    #[test]
    fn ticking_a_parent_ticks_its_sub_categories() {
        let rows = school();
        let mut g = CategoryPermissions::default();
        toggle_row(&mut g, &rows[0], ViewIncidents);
        for id in [1, 2, 3, 4] {
            assert!(g.allows(CategoryId(id), ViewIncidents));
        }
        assert!(!g.allows(CategoryId(5), ViewIncidents));
        assert_eq!(row_state(&g, &rows[0], ViewIncidents), TriState::On);
    }

    #[test]
    fn unticking_one_child_makes_the_parent_mixed_and_clicking_mixed_ticks_all() {
        let rows = school();
        let mut g = CategoryPermissions::default();
        toggle_row(&mut g, &rows[0], AddIncidents);
        toggle_row(&mut g, &rows[2], AddIncidents);
        assert!(!g.allows(CategoryId(3), AddIncidents));
        assert_eq!(row_state(&g, &rows[0], AddIncidents), TriState::Mixed);
        toggle_row(&mut g, &rows[0], AddIncidents);
        assert_eq!(row_state(&g, &rows[0], AddIncidents), TriState::On);
        toggle_row(&mut g, &rows[0], AddIncidents);
        assert_eq!(row_state(&g, &rows[0], AddIncidents), TriState::Off);
        assert!((1..=4).all(|id| !g.allows(CategoryId(id), AddIncidents)));
    }

    #[test]
    fn the_parent_is_derived_from_all_children_not_only_some() {
        let rows = school();
        let mut g = CategoryPermissions::default();
        g.set(CategoryId(4), ViewStudents, true);
        assert_eq!(row_state(&g, &rows[0], ViewStudents), TriState::Mixed);
        assert_eq!(row_state(&g, &rows[3], ViewStudents), TriState::On);
    }

    #[test]
    fn a_column_header_sets_and_summarises_the_whole_column() {
        let rows = school();
        let mut g = CategoryPermissions::default();
        assert_eq!(column_state(&g, &rows, ViewIncidents), TriState::Off);
        toggle_column(&mut g, &rows, ViewIncidents);
        assert!((1..=5).all(|id| g.allows(CategoryId(id), ViewIncidents)));
        assert!(
            !g.allows(CategoryId(1), ViewStudents),
            "other columns untouched"
        );
        g.set(CategoryId(5), ViewIncidents, false);
        assert_eq!(column_state(&g, &rows, ViewIncidents), TriState::Mixed);
        toggle_column(&mut g, &rows, ViewIncidents);
        assert_eq!(column_state(&g, &rows, ViewIncidents), TriState::On);
    }

    #[test]
    fn a_section_tick_sets_clears_and_shows_mixed() {
        let mut s = SystemPermissions::none();
        assert_eq!(section_state(&s, PermissionSection::Planner), TriState::Off);
        toggle_section(&mut s, PermissionSection::Planner);
        assert_eq!(s.iter().count(), 3);
        s.set(SystemPermission::AddEvents, false);
        assert_eq!(
            section_state(&s, PermissionSection::Planner),
            TriState::Mixed
        );
        toggle_section(&mut s, PermissionSection::Planner);
        assert_eq!(section_state(&s, PermissionSection::Planner), TriState::On);
        toggle_section(&mut s, PermissionSection::Planner);
        assert!(s.is_empty());
    }

    #[test]
    fn presets_follow_the_advice() {
        let k = Preset::KeyHolder.permissions();
        assert_eq!(
            k.iter().collect::<Vec<_>>(),
            [
                SystemPermission::ViewStudentsList,
                SystemPermission::ViewStudentDetails,
                SystemPermission::AddNewIncident
            ]
        );
        assert!(!Preset::KeyHolderPlus.permissions().has_administration());
        assert!(
            Preset::KeyHolderPlus
                .permissions()
                .contains(SystemPermission::RunReports)
        );
        assert_eq!(
            Preset::NoKey.permissions().iter().collect::<Vec<_>>(),
            [SystemPermission::AddNewIncident]
        );
        // A no-key preset gives nothing that a missing key would take away.
        for p in [Preset::NoKey, Preset::NoKeyPlusLibrary] {
            assert!(!p.permissions().has_higher_level());
        }
    }

    #[test]
    fn archived_categories_are_not_rows() {
        let mut cats = vec![
            cat(1, None, "Behaviour"),
            cat(2, Some(1), "Against Peers"),
            cat(3, None, "Old"),
        ];
        cats[2].archived = true;
        let r = rows(&cats);
        assert_eq!(r.len(), 2);
        assert_eq!(r[0].children, vec![CategoryId(2)]);
    }

    #[test]
    fn changes_are_described_for_the_audit() {
        let before_s = SystemPermissions::none().with(SystemPermission::ViewFiles);
        let after_s = SystemPermissions::none().with(SystemPermission::ManageSystem);
        let before_c = CategoryPermissions::default();
        let mut after_c = CategoryPermissions::default();
        after_c.set(CategoryId(2), ViewIncidents, true);
        let (added, removed) =
            describe_changes((&before_s, &before_c), (&after_s, &after_c), |id| {
                format!("cat{}", id.0)
            });
        assert_eq!(added, ["Manage system", "cat2: View Incidents"]);
        assert_eq!(removed, ["View files"]);
    }
}
