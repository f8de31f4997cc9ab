//! One module per screen. Each has its own state, `Message`, `update` returning its own `Action`
//! for whoever holds it (what it needs done, with its effects as plain data, see
//! [`crate::ui::effect`]), and `view`.

pub mod access_report;
pub mod add_incident;
pub mod categories;
pub mod class_editor;
pub mod dashboard;
pub mod enrol;
pub mod groups;
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
pub mod setup;
pub mod sign_in;
pub mod user_group;
pub mod users;
pub mod welcome;
