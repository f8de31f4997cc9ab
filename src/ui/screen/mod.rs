//! One module per screen. Each has its own state, `Message`, `update` returning its own `Action`
//! for whoever holds it (what it needs done, with its effects as plain data, see
//! [`crate::ui::effect`]), and `view`.

pub mod access_report;
pub mod add_incident;
pub mod casework_forms;
pub mod categories;
pub mod chronology;
pub mod class_editor;
pub mod dashboard;
pub mod display;
pub mod enrol;
pub mod groups;
pub mod help;
pub mod home;
pub mod imports;
pub mod members;
pub mod new_password;
pub mod overview;
pub mod pupil_profile;
pub mod pupils;
pub mod recover;
pub mod recovery_code;
pub mod redeem;
pub mod reports;
pub mod restore;
pub mod retention;
pub mod setup;
pub mod sign_in;
pub mod transfers;
pub mod user_group;
pub mod users;
pub mod welcome;

/// Every page's filter or search box, for Ctrl+F: the first one the open page shows gets the
/// focus. A page with two (the dual lists) gets its left one, the side a person usually searches.
pub const FILTERS: &[&str] = &[
    class_editor::LABELS.filters[0],
    members::LABELS.filters[0],
    access_report::FILTER,
    users::FILTER,
    users::STAFF_FILTER,
    pupils::SEARCH,
    add_incident::SEARCH,
    home::AUDIT_SEARCH,
];
