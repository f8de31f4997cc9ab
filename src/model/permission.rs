//! What a user group allows: the 17 system permissions in their five sections, and the three
//! category permissions for every incident category.

use super::CategoryId;
use std::collections::BTreeMap;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum PermissionSection {
    General,
    Reporting,
    Administration,
    Planner,
    Library,
}

impl PermissionSection {
    pub const ALL: [PermissionSection; 5] = [
        PermissionSection::General,
        PermissionSection::Reporting,
        PermissionSection::Administration,
        PermissionSection::Planner,
        PermissionSection::Library,
    ];

    pub fn label(self) -> &'static str {
        match self {
            PermissionSection::General => "General",
            PermissionSection::Reporting => "Reporting",
            PermissionSection::Administration => "Administration",
            PermissionSection::Planner => "Planner",
            PermissionSection::Library => "Library",
        }
    }

    /// The permissions of this section, in display order.
    pub fn permissions(self) -> impl Iterator<Item = SystemPermission> {
        SystemPermission::ALL
            .into_iter()
            .filter(move |p| p.section() == self)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum SystemPermission {
    ViewStudentsList,
    ViewAudits,
    ViewStudentDetails,
    EditStudentInformation,
    AddNewIncident,
    EditIncidents,
    RunReports,
    ShareSavedReports,
    ManageSystem,
    EditOwnUserSettings,
    NamedPerson,
    DataDestructionPolicy,
    ViewCalendar,
    AddEvents,
    AddPublicEvents,
    ViewFiles,
    AddFiles,
}

impl SystemPermission {
    /// All 17, in section order and in the order each section lists them.
    pub const ALL: [SystemPermission; 17] = [
        SystemPermission::ViewStudentsList,
        SystemPermission::ViewAudits,
        SystemPermission::ViewStudentDetails,
        SystemPermission::EditStudentInformation,
        SystemPermission::AddNewIncident,
        SystemPermission::EditIncidents,
        SystemPermission::RunReports,
        SystemPermission::ShareSavedReports,
        SystemPermission::ManageSystem,
        SystemPermission::EditOwnUserSettings,
        SystemPermission::NamedPerson,
        SystemPermission::DataDestructionPolicy,
        SystemPermission::ViewCalendar,
        SystemPermission::AddEvents,
        SystemPermission::AddPublicEvents,
        SystemPermission::ViewFiles,
        SystemPermission::AddFiles,
    ];

    /// What a user keeps when they have no active soft key, whatever their group grants.
    pub const BASIC: [SystemPermission; 3] = [
        SystemPermission::AddNewIncident,
        SystemPermission::ViewFiles,
        SystemPermission::AddFiles,
    ];

    pub fn section(self) -> PermissionSection {
        use SystemPermission::*;
        match self {
            ViewStudentsList
            | ViewAudits
            | ViewStudentDetails
            | EditStudentInformation
            | AddNewIncident
            | EditIncidents => PermissionSection::General,
            RunReports | ShareSavedReports => PermissionSection::Reporting,
            ManageSystem | EditOwnUserSettings | NamedPerson | DataDestructionPolicy => {
                PermissionSection::Administration
            }
            ViewCalendar | AddEvents | AddPublicEvents => PermissionSection::Planner,
            ViewFiles | AddFiles => PermissionSection::Library,
        }
    }

    pub fn label(self) -> &'static str {
        use SystemPermission::*;
        match self {
            ViewStudentsList => "View students list",
            ViewAudits => "View audits",
            ViewStudentDetails => "View student details",
            EditStudentInformation => "Edit student information",
            AddNewIncident => "Add new incident/action",
            EditIncidents => "Edit incidents",
            RunReports => "Run reports",
            ShareSavedReports => "Share saved reports",
            ManageSystem => "Manage system",
            EditOwnUserSettings => "Edit own user settings",
            NamedPerson => "Named person (support)",
            DataDestructionPolicy => "Data destruction policy",
            ViewCalendar => "View calendar",
            AddEvents => "Add events",
            AddPublicEvents => "Add public events",
            ViewFiles => "View files",
            AddFiles => "Add files",
        }
    }

    /// The stable name stored in the vault and in export files; never change one.
    pub fn key(self) -> &'static str {
        use SystemPermission::*;
        match self {
            ViewStudentsList => "view_students_list",
            ViewAudits => "view_audits",
            ViewStudentDetails => "view_student_details",
            EditStudentInformation => "edit_student_information",
            AddNewIncident => "add_new_incident",
            EditIncidents => "edit_incidents",
            RunReports => "run_reports",
            ShareSavedReports => "share_saved_reports",
            ManageSystem => "manage_system",
            EditOwnUserSettings => "edit_own_user_settings",
            NamedPerson => "named_person",
            DataDestructionPolicy => "data_destruction_policy",
            ViewCalendar => "view_calendar",
            AddEvents => "add_events",
            AddPublicEvents => "add_public_events",
            ViewFiles => "view_files",
            AddFiles => "add_files",
        }
    }

    pub fn from_key(key: &str) -> Option<SystemPermission> {
        SystemPermission::ALL.into_iter().find(|p| p.key() == key)
    }

    pub fn is_basic(self) -> bool {
        SystemPermission::BASIC.contains(&self)
    }

    pub fn is_administration(self) -> bool {
        self.section() == PermissionSection::Administration
    }

    fn bit(self) -> u32 {
        1 << (self as u32)
    }
}

impl std::fmt::Display for SystemPermission {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.label())
    }
}

/// A set of system permissions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
pub struct SystemPermissions(u32);

impl SystemPermissions {
    pub fn none() -> Self {
        SystemPermissions(0)
    }

    pub fn all() -> Self {
        SystemPermission::ALL.into_iter().collect()
    }

    pub fn contains(&self, p: SystemPermission) -> bool {
        self.0 & p.bit() != 0
    }

    pub fn set(&mut self, p: SystemPermission, on: bool) {
        if on {
            self.0 |= p.bit();
        } else {
            self.0 &= !p.bit();
        }
    }

    pub fn with(mut self, p: SystemPermission) -> Self {
        self.set(p, true);
        self
    }

    pub fn iter(&self) -> impl Iterator<Item = SystemPermission> + '_ {
        SystemPermission::ALL
            .into_iter()
            .filter(|p| self.contains(*p))
    }

    pub fn is_empty(&self) -> bool {
        self.0 == 0
    }

    pub fn has_administration(&self) -> bool {
        self.iter().any(SystemPermission::is_administration)
    }

    /// Only the basic permissions of this set: what a member without a soft key keeps.
    pub fn capped_to_basic(&self) -> Self {
        self.iter().filter(|p| p.is_basic()).collect()
    }

    /// Whether any permission here is above the basic level (needs a key to apply).
    pub fn has_higher_level(&self) -> bool {
        self.iter().any(|p| !p.is_basic())
    }

    /// Permissions in `self` but not in `other`.
    pub fn minus(&self, other: &SystemPermissions) -> SystemPermissions {
        SystemPermissions(self.0 & !other.0)
    }
}

impl FromIterator<SystemPermission> for SystemPermissions {
    fn from_iter<I: IntoIterator<Item = SystemPermission>>(iter: I) -> Self {
        let mut set = SystemPermissions::none();
        for p in iter {
            set.set(p, true);
        }
        set
    }
}

/// The three permissions a user group holds for each incident category.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum CategoryPermission {
    ViewStudents,
    ViewIncidents,
    AddIncidents,
}

impl CategoryPermission {
    pub const ALL: [CategoryPermission; 3] = [
        CategoryPermission::ViewStudents,
        CategoryPermission::ViewIncidents,
        CategoryPermission::AddIncidents,
    ];

    pub fn label(self) -> &'static str {
        match self {
            CategoryPermission::ViewStudents => "View Students",
            CategoryPermission::ViewIncidents => "View Incidents",
            CategoryPermission::AddIncidents => "Add Incidents",
        }
    }

    /// What ticking the column grants, in the words shown under its header.
    pub fn explanation(self) -> &'static str {
        match self {
            CategoryPermission::ViewStudents => {
                "Members can see that a pupil is monitored for this category."
            }
            CategoryPermission::ViewIncidents => {
                "Members can read incidents recorded under this category."
            }
            CategoryPermission::AddIncidents => {
                "Members can record new incidents under this category."
            }
        }
    }

    pub fn key(self) -> &'static str {
        match self {
            CategoryPermission::ViewStudents => "view_students",
            CategoryPermission::ViewIncidents => "view_incidents",
            CategoryPermission::AddIncidents => "add_incidents",
        }
    }
}

/// One category's row in a user group's grid.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
pub struct CategoryGrant {
    pub view_students: bool,
    pub view_incidents: bool,
    pub add_incidents: bool,
}

impl CategoryGrant {
    pub const ALL: CategoryGrant = CategoryGrant {
        view_students: true,
        view_incidents: true,
        add_incidents: true,
    };

    pub const ADD_ONLY: CategoryGrant = CategoryGrant {
        view_students: false,
        view_incidents: false,
        add_incidents: true,
    };

    pub fn get(&self, p: CategoryPermission) -> bool {
        match p {
            CategoryPermission::ViewStudents => self.view_students,
            CategoryPermission::ViewIncidents => self.view_incidents,
            CategoryPermission::AddIncidents => self.add_incidents,
        }
    }

    pub fn set(&mut self, p: CategoryPermission, on: bool) {
        match p {
            CategoryPermission::ViewStudents => self.view_students = on,
            CategoryPermission::ViewIncidents => self.view_incidents = on,
            CategoryPermission::AddIncidents => self.add_incidents = on,
        }
    }

    pub fn is_empty(&self) -> bool {
        *self == CategoryGrant::default()
    }
}

/// A user group's whole category grid. Categories not present grant nothing.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CategoryPermissions {
    grants: BTreeMap<CategoryId, CategoryGrant>,
}

impl CategoryPermissions {
    pub fn grant(&self, category: CategoryId) -> CategoryGrant {
        self.grants.get(&category).copied().unwrap_or_default()
    }

    pub fn allows(&self, category: CategoryId, p: CategoryPermission) -> bool {
        self.grant(category).get(p)
    }

    pub fn set_grant(&mut self, category: CategoryId, grant: CategoryGrant) {
        if grant.is_empty() {
            self.grants.remove(&category);
        } else {
            self.grants.insert(category, grant);
        }
    }

    pub fn set(&mut self, category: CategoryId, p: CategoryPermission, on: bool) {
        let mut grant = self.grant(category);
        grant.set(p, on);
        self.set_grant(category, grant);
    }

    /// Every category with at least one permission, in id order.
    pub fn iter(&self) -> impl Iterator<Item = (CategoryId, CategoryGrant)> + '_ {
        self.grants.iter().map(|(id, g)| (*id, *g))
    }

    /// Whether this grid grants all three permissions on every one of `categories`.
    pub fn covers_all(&self, categories: impl IntoIterator<Item = CategoryId>) -> bool {
        categories
            .into_iter()
            .all(|c| self.grant(c) == CategoryGrant::ALL)
    }
}

/// What a signed-in user may actually do: their group's permissions, capped to the basic ones
/// when they have no active soft key, and nothing at all when they or their group are inactive.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EffectivePermissions {
    pub system: SystemPermissions,
    pub categories: CategoryPermissions,
    /// True when the user's group grants more than they currently get because they have no key.
    pub capped_for_no_key: bool,
}

impl EffectivePermissions {
    pub fn compute(
        group_system: SystemPermissions,
        group_categories: &CategoryPermissions,
        group_active: bool,
        user_active: bool,
        has_active_key: bool,
    ) -> Self {
        if !group_active || !user_active {
            return EffectivePermissions {
                system: SystemPermissions::none(),
                categories: CategoryPermissions::default(),
                capped_for_no_key: false,
            };
        }
        if has_active_key {
            return EffectivePermissions {
                system: group_system,
                categories: group_categories.clone(),
                capped_for_no_key: false,
            };
        }
        // Without a key a member may still record concerns (Add Incidents is basic-level work),
        // but may not see pupils' monitoring flags or read incidents.
        let mut categories = CategoryPermissions::default();
        for (id, grant) in group_categories.iter() {
            if grant.add_incidents {
                categories.set_grant(id, CategoryGrant::ADD_ONLY);
            }
        }
        let capped = group_system.capped_to_basic();
        let capped_for_no_key = capped != group_system || categories != *group_categories;
        EffectivePermissions {
            system: capped,
            categories,
            capped_for_no_key,
        }
    }

    pub fn has(&self, p: SystemPermission) -> bool {
        self.system.contains(p)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seventeen_permissions_in_five_sections_in_order() {
        assert_eq!(SystemPermission::ALL.len(), 17);
        let counts: Vec<usize> = PermissionSection::ALL
            .iter()
            .map(|s| s.permissions().count())
            .collect();
        assert_eq!(counts, [6, 2, 4, 3, 2]);
        let general: Vec<&str> = PermissionSection::General
            .permissions()
            .map(|p| p.label())
            .collect();
        assert_eq!(
            general,
            [
                "View students list",
                "View audits",
                "View student details",
                "Edit student information",
                "Add new incident/action",
                "Edit incidents"
            ]
        );
    }

    #[test]
    fn keys_are_unique_and_round_trip() {
        let mut keys: Vec<&str> = SystemPermission::ALL.iter().map(|p| p.key()).collect();
        keys.sort();
        keys.dedup();
        assert_eq!(keys.len(), 17);
        for p in SystemPermission::ALL {
            assert_eq!(SystemPermission::from_key(p.key()), Some(p));
        }
    }

    #[test]
    fn set_operations() {
        let mut s = SystemPermissions::none();
        s.set(SystemPermission::ManageSystem, true);
        s.set(SystemPermission::ViewFiles, true);
        assert!(s.has_administration());
        assert!(s.contains(SystemPermission::ViewFiles));
        s.set(SystemPermission::ManageSystem, false);
        assert!(!s.has_administration());
        assert_eq!(s.iter().collect::<Vec<_>>(), [SystemPermission::ViewFiles]);
        assert_eq!(SystemPermissions::all().iter().count(), 17);
    }

    fn teachers() -> (SystemPermissions, CategoryPermissions) {
        let system = [
            SystemPermission::ViewStudentsList,
            SystemPermission::ViewStudentDetails,
            SystemPermission::AddNewIncident,
            SystemPermission::ViewFiles,
        ]
        .into_iter()
        .collect();
        let mut cats = CategoryPermissions::default();
        cats.set_grant(CategoryId(1), CategoryGrant::ALL);
        cats.set_grant(CategoryId(2), CategoryGrant::ADD_ONLY);
        (system, cats)
    }

    #[test]
    fn member_with_key_gets_the_group_permissions() {
        let (system, cats) = teachers();
        let eff = EffectivePermissions::compute(system, &cats, true, true, true);
        assert_eq!(eff.system, system);
        assert_eq!(eff.categories, cats);
        assert!(!eff.capped_for_no_key);
    }

    #[test]
    fn member_without_key_is_capped_to_basic() {
        let (system, cats) = teachers();
        let eff = EffectivePermissions::compute(system, &cats, true, true, false);
        assert!(eff.capped_for_no_key);
        assert_eq!(
            eff.system.iter().collect::<Vec<_>>(),
            [
                SystemPermission::AddNewIncident,
                SystemPermission::ViewFiles
            ]
        );
        assert!(
            !eff.categories
                .allows(CategoryId(1), CategoryPermission::ViewIncidents)
        );
        assert!(
            !eff.categories
                .allows(CategoryId(1), CategoryPermission::ViewStudents)
        );
        assert!(
            eff.categories
                .allows(CategoryId(1), CategoryPermission::AddIncidents)
        );
        assert!(
            eff.categories
                .allows(CategoryId(2), CategoryPermission::AddIncidents)
        );
    }

    #[test]
    fn basic_only_group_is_not_reported_as_capped() {
        let system: SystemPermissions = [SystemPermission::AddNewIncident].into_iter().collect();
        let mut cats = CategoryPermissions::default();
        cats.set_grant(CategoryId(1), CategoryGrant::ADD_ONLY);
        let eff = EffectivePermissions::compute(system, &cats, true, true, false);
        assert!(!eff.capped_for_no_key);
        assert_eq!(eff.system, system);
    }

    #[test]
    fn inactive_group_or_user_gets_nothing() {
        let (system, cats) = teachers();
        for (group_active, user_active) in [(false, true), (true, false)] {
            let eff = EffectivePermissions::compute(system, &cats, group_active, user_active, true);
            assert!(eff.system.is_empty());
            assert_eq!(eff.categories, CategoryPermissions::default());
        }
    }

    #[test]
    fn empty_grants_are_not_stored() {
        let mut cats = CategoryPermissions::default();
        cats.set(CategoryId(3), CategoryPermission::AddIncidents, true);
        cats.set(CategoryId(3), CategoryPermission::AddIncidents, false);
        assert_eq!(cats.iter().count(), 0);
        assert_eq!(cats, CategoryPermissions::default());
    }
}
