//! Staff users and the user groups that give them their permissions.

use super::names;
use super::permission::{CategoryPermissions, SystemPermissions};
use super::{UserGroupId, UserId};

/// A part of a user's details, so a problem with it can be shown beside its field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UserDetail {
    Title,
    Forename,
    Surname,
    Email,
    JobTitle,
    UserGroup,
}

impl UserDetail {
    /// How a sentence names it: "Please enter the surname."
    pub fn words(self) -> &'static str {
        match self {
            UserDetail::Title => "title",
            UserDetail::Forename => "forename",
            UserDetail::Surname => "surname",
            UserDetail::Email => "e-mail address",
            UserDetail::JobTitle => "job title",
            UserDetail::UserGroup => "user group",
        }
    }
}

/// Where a user stands with their soft key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyState {
    NotEnrolled,
    Active,
    /// Too many wrong codes; refused until the given unix time or until an admin clears it.
    Locked {
        until: i64,
    },
}

/// A stored soft key's state as of its last change: confirmed by a first code, and locked until
/// when (if at all). Whether it is locked *now* depends on the time asked about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KeyStanding {
    pub confirmed: bool,
    pub locked_until: Option<i64>,
}

impl KeyStanding {
    /// The key's state at `now`, for a user who has a stored key (one with none is
    /// [`KeyState::NotEnrolled`]).
    pub fn state_at(self, now: i64) -> KeyState {
        match self.locked_until {
            Some(until) if until > now => KeyState::Locked { until },
            _ if self.confirmed => KeyState::Active,
            _ => KeyState::NotEnrolled,
        }
    }
}

impl KeyState {
    pub fn label(self) -> &'static str {
        match self {
            KeyState::NotEnrolled => "not enrolled",
            KeyState::Active => "active",
            KeyState::Locked { .. } => "locked",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub id: UserId,
    pub title: String,
    pub forename: String,
    pub surname: String,
    pub email: String,
    pub job_title: String,
    pub user_group: UserGroupId,
    pub active: bool,
    pub last_login_at: Option<i64>,
}

impl User {
    pub fn full_name(&self) -> String {
        names::full_name(&self.forename, &self.surname)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserGroup {
    pub id: UserGroupId,
    pub name: String,
    pub active: bool,
    pub system: SystemPermissions,
    pub categories: CategoryPermissions,
}
