//! The school's domain, with no I/O: what the help sheets call users, user groups, pupil groups,
//! categories and permissions. Everything here is plain data and pure functions so the rules can
//! be tested without a vault or a window.

pub mod access;
pub mod casework;
pub mod category;
pub mod display;
pub mod dual_list;
pub mod grid;
pub mod group;
pub mod health;
pub mod ids;
pub mod import;
pub mod names;
pub mod permission;
pub mod pupil;
pub mod report;
pub mod restriction;
pub mod retention;
pub mod school_transfer;
pub mod user;

pub use casework::{Outcome, StatusKind};
pub use category::Category;
pub use group::{GroupType, PupilGroup};
pub use ids::{
    ActionId, AlertId, CategoryId, HoldId, IncidentId, PupilGroupId, PupilId, ReminderId,
    SavedReportId, StatusId, UserGroupId, UserId,
};
pub use permission::{
    CategoryGrant, CategoryPermission, CategoryPermissions, EffectivePermissions,
    PermissionSection, SystemPermission, SystemPermissions,
};
pub use pupil::Pupil;
pub use user::{KeyStanding, KeyState, User, UserDetail, UserGroup};
