//! Admin > Users: adding people, set-up codes, soft keys, lock-outs, user groups, deactivation.
//! Each change needs Manage system, except changing one's own password.

use super::error::{Error, Result};
use super::session::{Session, key_state};
use super::setup::check_email;
use crate::auth::{codes, password};
use crate::model::{
    EffectivePermissions, GroupType, KeyState, PupilGroup, SystemPermission, User, UserDetail,
    UserGroup, UserGroupId, UserId,
};
use crate::vault::queries::groups;
use crate::vault::queries::people::{self, NewUser as NewUserRow};
use crate::vault::queries::staff;
pub use crate::vault::queries::staff::StaffRecord;
use crate::vault::{Change, KeyFile};
use sha2::{Digest, Sha256};

const MAX_FIELD: usize = 100;

/// A row of the users list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserRow {
    pub user: User,
    pub group_name: String,
    pub key: KeyState,
    /// When the user's unused set-up code expires, if they have one.
    pub setup_code_expires: Option<i64>,
}

/// A set-up code just issued: shown once to the admin, never stored or audited.
#[derive(Clone, PartialEq, Eq)]
pub struct IssuedCode {
    pub user: UserId,
    pub name: String,
    pub email: String,
    pub code: String,
    pub expires_at: i64,
}

impl std::fmt::Debug for IssuedCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("IssuedCode")
            .field("email", &self.email)
            .field("expires_at", &self.expires_at)
            .finish_non_exhaustive()
    }
}

/// What the New User form sends.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NewUserDetails {
    /// The MIS staff record this user is made from, if picked from the list.
    pub staff: Option<i64>,
    pub title: String,
    pub forename: String,
    pub surname: String,
    pub email: String,
    pub job_title: String,
    pub user_group: Option<UserGroupId>,
}

/// Everything the user's profile shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserProfile {
    pub user: User,
    pub group: UserGroup,
    pub key: KeyState,
    pub setup_code_expires: Option<i64>,
    /// What the user may do once signed in with their key.
    pub with_key: EffectivePermissions,
    /// What they may do when signed in without one.
    pub without_key: EffectivePermissions,
    /// Groups of restricted types whose access list the user is on.
    pub on_lists: Vec<PupilGroup>,
    /// Restricted group types, so the profile can say "not restricted" for the others.
    pub restricted_types: Vec<GroupType>,
    pub is_me: bool,
}

/// The hash kept of a set-up code, binding the recorded code to the key-file slot.
pub(crate) fn setup_code_hash(code: &str) -> String {
    let mut h = Sha256::new();
    h.update(b"keyholder setup code\0");
    h.update(crate::vault::keyfile::normalise_recovery_code(code).as_bytes());
    hex::encode(h.finalize())
}

fn check_text(field: UserDetail, value: &str, required: bool) -> Result<()> {
    let what = field.words();
    if required && value.trim().is_empty() {
        return Err(Error::InDetail(field, format!("Please enter the {what}.")));
    }
    if value.trim().chars().count() > MAX_FIELD {
        return Err(Error::InDetail(
            field,
            format!("The {what} can have at most {MAX_FIELD} characters."),
        ));
    }
    Ok(())
}

impl Session {
    fn user(&self, id: UserId) -> Result<User> {
        people::user_by_id(self.vault().db(), id)?
            .ok_or_else(|| Error::Invalid("That user no longer exists.".into()))
    }

    fn user_group(&self, id: UserGroupId) -> Result<UserGroup> {
        people::user_groups(self.vault().db())?
            .into_iter()
            .find(|g| g.id == id)
            .ok_or_else(|| Error::Invalid("That user group no longer exists.".into()))
    }

    /// Active users (other than `except`) who can still administer the school with a key.
    fn other_administrators(&self, except: UserId) -> Result<usize> {
        let conn = self.vault().db();
        let groups = people::user_groups(conn)?;
        let now = crate::clock::now();
        let mut n = 0;
        for u in people::users(conn)? {
            if u.id == except || !u.active {
                continue;
            }
            let admin_group = groups.iter().any(|g| {
                g.id == u.user_group
                    && g.active
                    && g.system.contains(SystemPermission::ManageSystem)
            });
            if admin_group && key_state(conn, u.id, now)? != KeyState::NotEnrolled {
                n += 1;
            }
        }
        Ok(n)
    }

    pub fn users_list(&self) -> Result<Vec<UserRow>> {
        self.require(SystemPermission::ManageSystem)?;
        let conn = self.vault().db();
        let groups = people::user_groups(conn)?;
        let now = crate::clock::now();
        people::users(conn)?
            .into_iter()
            .map(|u| {
                let key = key_state(conn, u.id, now)?;
                let setup_code_expires = people::pending_setup_code(conn, u.id)?
                    .filter(|c| c.expires_at > now)
                    .map(|c| c.expires_at);
                let group_name = groups
                    .iter()
                    .find(|g| g.id == u.user_group)
                    .map(|g| g.name.clone())
                    .unwrap_or_default();
                Ok(UserRow {
                    user: u,
                    group_name,
                    key,
                    setup_code_expires,
                })
            })
            .collect()
    }

    /// Staff from the MIS who are not users yet.
    pub fn staff_available(&self) -> Result<Vec<StaffRecord>> {
        self.require(SystemPermission::ManageSystem)?;
        Ok(staff::list(self.vault().db())?
            .into_iter()
            .filter(|s| s.user.is_none())
            .collect())
    }

    /// Takes out of the key file every set-up code that can no longer be used (expired, or the
    /// user deactivated), because a slot opens the school to anyone holding the code and the two
    /// files, whatever the database says about its expiry.
    ///
    /// A slot with no unused code on record is left alone: that is also how a code looks for the
    /// moment between its slot being written and its record being saved, perhaps by another
    /// computer using the same school file.
    /// `seen`: the key file as just read. A code issued after that look is not stale, so none
    /// waiting in it means nothing to do.
    pub(crate) fn withdraw_stale_setup_codes(&mut self, seen: &KeyFile) -> Result<()> {
        if !seen.has_any_setup_code() {
            return Ok(());
        }
        self.change(|this| {
            let keys = KeyFile::read(&this.vault().location().keys)?;
            let now = crate::clock::now();
            let conn = this.vault().db();
            let mut stale = Vec::new();
            for user in people::users(conn)? {
                if !keys.has_setup_code(&user.email) {
                    continue;
                }
                let expired =
                    people::pending_setup_code(conn, user.id)?.is_some_and(|c| c.expires_at <= now);
                if !user.active || expired {
                    stale.push(user.email);
                }
            }
            if !stale.is_empty() {
                this.change_keys(|keys, _| {
                    for email in &stale {
                        keys.remove_setup_code(email);
                    }
                    Ok(())
                })?;
            }
            Ok(())
        })
    }

    /// Gives the user a new set-up code: a slot in the key file that opens the school once, and
    /// a record of when it expires. The key file is written first, and put back if the record
    /// cannot be saved, so a failure leaves no half-issued code.
    fn give_setup_code(&mut self, user: &User, change: Change) -> Result<IssuedCode> {
        self.change(|this| {
            let code = codes::setup_code();
            let now = crate::clock::now();
            let expires_at = now + codes::SETUP_CODE_DAYS * 86_400;
            let before = KeyFile::read(&this.vault().location().keys)?;
            let email = user.email.clone();
            this.change_keys(|keys, data_key| {
                let cost = keys.person_cost();
                keys.set_setup_code(&email, &code, data_key, cost)
            })?;
            let hash = setup_code_hash(&code);
            let uid = user.id;
            let result = this.write(|tx| {
                people::insert_setup_code(tx, uid, &hash, now, expires_at)?;
                Ok(((), change))
            });
            if let Err(e) = result {
                let _ = before.write(&this.vault().location().keys);
                return Err(e);
            }
            Ok(IssuedCode {
                user: user.id,
                name: user.full_name(),
                email: user.email.clone(),
                code,
                expires_at,
            })
        })
    }

    /// Adds a user and issues their set-up code.
    pub fn create_user(&mut self, d: &NewUserDetails) -> Result<IssuedCode> {
        self.change(|this| {
            this.require(SystemPermission::ManageSystem)?;
            check_text(UserDetail::Title, &d.title, false)?;
            check_text(UserDetail::Forename, &d.forename, true)?;
            check_text(UserDetail::Surname, &d.surname, true)?;
            check_email(&d.email).map_err(|e| Error::InDetail(UserDetail::Email, e.to_string()))?;
            check_text(UserDetail::JobTitle, &d.job_title, false)?;
            let group_id = d.user_group.ok_or_else(|| {
                Error::InDetail(UserDetail::UserGroup, "Please choose a user group.".into())
            })?;
            let group = this.user_group(group_id)?;
            let conn = this.vault().db();
            if people::user_by_email(conn, &d.email)?.is_some() {
                return Err(Error::InDetail(
                    UserDetail::Email,
                    format!(
                        "A user with the e-mail address {} already exists.",
                        d.email.trim()
                    ),
                ));
            }
            if let Some(staff_id) = d.staff
                && !staff::list(conn)?
                    .iter()
                    .any(|s| s.id == staff_id && s.user.is_none())
            {
                return Err(Error::Invalid(
                    "That member of staff has already been added, or is no longer in the list."
                        .into(),
                ));
            }
            let now = crate::clock::now();
            let summary = format!(
                "{} {} added to {}",
                d.forename.trim(),
                d.surname.trim(),
                group.name
            );
            let d2 = d.clone();
            let user_id = this.write(|tx| {
                let id = people::insert_user(
                    tx,
                    &NewUserRow {
                        title: &d2.title,
                        forename: &d2.forename,
                        surname: &d2.surname,
                        email: &d2.email,
                        job_title: &d2.job_title,
                        user_group: group_id,
                        active: true,
                        last_login_at: None,
                    },
                    now,
                )?;
                if let Some(staff_id) = d2.staff {
                    staff::link_user(tx, staff_id, id)?;
                }
                Ok((
                    id,
                    Change::new("User created", summary).before_after("", d2.email.trim()),
                ))
            })?;
            let user = this.user(user_id)?;
            let change = Change::new(
                "Set-up code issued",
                format!(
                    "Set-up code issued to {} (valid for {} days)",
                    user.full_name(),
                    codes::SETUP_CODE_DAYS
                ),
            );
            this.give_setup_code(&user, change)
        })
    }

    /// A fresh set-up code, replacing any unused one (for a new user who lost theirs, or someone
    /// who forgot their password).
    pub fn issue_setup_code(&mut self, id: UserId) -> Result<IssuedCode> {
        self.change(|this| {
            this.require(SystemPermission::ManageSystem)?;
            let user = this.user(id)?;
            if !user.active {
                return Err(Error::Invalid(format!(
                    "{} is deactivated; a set-up code would not let them in.",
                    user.full_name()
                )));
            }
            let change = Change::new(
                "Set-up code issued",
                format!(
                    "New set-up code issued to {} (valid for {} days); any earlier code withdrawn",
                    user.full_name(),
                    codes::SETUP_CODE_DAYS
                ),
            );
            this.give_setup_code(&user, change)
        })
    }

    /// Removes the user's soft key and issues a set-up code with which they enrol a new one.
    pub fn reset_soft_key(&mut self, id: UserId) -> Result<IssuedCode> {
        self.change(|this| {
            this.require(SystemPermission::ManageSystem)?;
            let user = this.user(id)?;
            if id == this.me().user.id {
                return Err(Error::Invalid(
                    "You cannot reset your own soft key while signed in with it. Ask another administrator, or use the recovery code.".into(),
                ));
            }
            if !user.active {
                return Err(Error::Invalid(format!(
                    "{} is deactivated.",
                    user.full_name()
                )));
            }
            let name = user.full_name();
            this.write(|tx| {
                people::delete_soft_key(tx, id)?;
                Ok((
                    (),
                    Change::new(
                        "Soft key reset",
                        format!("Soft key of {name} removed; they must enrol again"),
                    ),
                ))
            })?;
            let change = Change::new(
                "Set-up code issued",
                format!("Set-up code issued to {name} to enrol a new soft key"),
            );
            this.give_setup_code(&user, change)
        })
    }

    pub fn clear_lockout(&mut self, id: UserId) -> Result<()> {
        self.change(|this| {
            this.require(SystemPermission::ManageSystem)?;
            let user = this.user(id)?;
            let Some(key) = people::soft_key(this.vault().db(), id)? else {
                return Ok(());
            };
            if key.locked_until.is_none() && key.failed_attempts == 0 {
                return Ok(());
            }
            let name = user.full_name();
            this.write(|tx| {
                people::update_soft_key_state(tx, id, key.last_used_step, 0, None)?;
                Ok((
                    (),
                    Change::new("Lock-out cleared", format!("Lock-out of {name} cleared")),
                ))
            })
        })
    }

    /// Stops a user signing in. Their history stays; their key slot, set-up code and soft key go.
    pub fn deactivate_user(&mut self, id: UserId) -> Result<()> {
        self.change(|this| {
            this.require(SystemPermission::ManageSystem)?;
            let user = this.user(id)?;
            if id == this.me().user.id {
                return Err(Error::Invalid("You cannot deactivate yourself.".into()));
            }
            if !user.active {
                return Ok(());
            }
            let group = this.user_group(user.user_group)?;
            if group.system.contains(SystemPermission::ManageSystem)
                && this.other_administrators(id)? == 0
            {
                return Err(Error::Invalid(format!(
                    "{} is the only administrator with a soft key; deactivating them would leave nobody to run Keyholder.",
                    user.full_name()
                )));
            }
            let name = user.full_name();
            let now = crate::clock::now();
            this.write(|tx| {
                people::set_user_active(tx, id, false)?;
                people::delete_soft_key(tx, id)?;
                people::close_setup_codes(tx, id, now)?;
                Ok((
                    (),
                    Change::new(
                        "User deactivated",
                        format!("{name} deactivated; key slot and soft key removed"),
                    )
                    .before_after("active", "deactivated"),
                ))
            })?;
            let email = user.email.clone();
            this.change_keys(|keys, _| {
                keys.remove_person(&email);
                keys.remove_setup_code(&email);
                Ok(())
            })
        })
    }

    /// Moves a user to another user group (Permissions tab, Save details).
    pub fn set_user_group(&mut self, id: UserId, group: UserGroupId) -> Result<()> {
        self.change(|this| {
            this.require(SystemPermission::ManageSystem)?;
            let user = this.user(id)?;
            if user.user_group == group {
                return Ok(());
            }
            let from = this.user_group(user.user_group)?;
            let to = this.user_group(group)?;
            let loses_admin = from.system.contains(SystemPermission::ManageSystem)
                && !(to.active && to.system.contains(SystemPermission::ManageSystem));
            if loses_admin && user.active && this.other_administrators(id)? == 0 {
                return Err(Error::Invalid(format!(
                    "{} is the only administrator with a soft key; moving them to {} would leave nobody to run Keyholder.",
                    user.full_name(),
                    to.name
                )));
            }
            let name = user.full_name();
            this.write(|tx| {
                people::set_user_group(tx, id, group)?;
                Ok((
                    (),
                    Change::new("User group changed", format!("{name} moved to {}", to.name))
                        .before_after(from.name.clone(), to.name.clone()),
                ))
            })?;
            if id == this.me().user.id {
                this.refresh_me()?;
            }
            Ok(())
        })
    }

    /// Title, names and job title. The e-mail address is fixed: it is what the key file knows
    /// the person by.
    pub fn update_user_details(
        &mut self,
        id: UserId,
        title: &str,
        forename: &str,
        surname: &str,
        job_title: &str,
    ) -> Result<()> {
        self.change(|this| {
            this.require(SystemPermission::ManageSystem)?;
            check_text(UserDetail::Title, title, false)?;
            check_text(UserDetail::Forename, forename, true)?;
            check_text(UserDetail::Surname, surname, true)?;
            check_text(UserDetail::JobTitle, job_title, false)?;
            let u = this.user(id)?;
            let before = format!("{} {} {}, {}", u.title, u.forename, u.surname, u.job_title);
            let after = format!(
                "{} {} {}, {}",
                title.trim(),
                forename.trim(),
                surname.trim(),
                job_title.trim()
            );
            if before == after {
                return Ok(());
            }
            this.write(|tx| {
                people::update_user_details(tx, id, title, forename, surname, job_title)?;
                Ok((
                    (),
                    Change::new("User details changed", u.email.clone())
                        .before_after(before, after),
                ))
            })?;
            if id == this.me().user.id {
                this.refresh_me()?;
            }
            Ok(())
        })
    }

    pub fn user_profile(&self, id: UserId) -> Result<UserProfile> {
        self.require(SystemPermission::ManageSystem)?;
        let conn = self.vault().db();
        let user = self.user(id)?;
        let group = self.user_group(user.user_group)?;
        let now = crate::clock::now();
        let key = key_state(conn, id, now)?;
        let setup_code_expires = people::pending_setup_code(conn, id)?
            .filter(|c| c.expires_at > now)
            .map(|c| c.expires_at);
        let with_key = EffectivePermissions::compute(
            group.system,
            &group.categories,
            group.active,
            user.active,
            true,
        );
        let without_key = EffectivePermissions::compute(
            group.system,
            &group.categories,
            group.active,
            user.active,
            false,
        );
        let restricted = groups::restricted_types(conn)?;
        let restricted_types: Vec<GroupType> = GroupType::ALL
            .into_iter()
            .filter(|t| restricted.get(t).copied().unwrap_or(false))
            .collect();
        let lists = groups::access_lists(conn)?;
        let on_lists = groups::list(conn)?
            .into_iter()
            .filter(|g| restricted_types.contains(&g.group_type))
            .filter(|g| lists.get(&g.id).is_some_and(|l| l.contains(&id)))
            .collect();
        Ok(UserProfile {
            is_me: id == self.me().user.id,
            user,
            group,
            key,
            setup_code_expires,
            with_key,
            without_key,
            on_lists,
            restricted_types,
        })
    }

    /// Changes the signed-in user's own password: only their key slot is rewrapped.
    pub fn change_own_password(&mut self, current: &str, new: &str, again: &str) -> Result<()> {
        self.change(|this| {
            let me = this.me().user.clone();
            let keys = KeyFile::read(&this.vault().location().keys)?;
            keys.unlock_person(&me.email, current)
                .map_err(|_| Error::Invalid("Your current password is not right.".into()))?;
            password::check_new(new, again, &[&me.forename, &me.surname, &me.email])
                .map_err(|p| Error::Invalid(p.to_string()))?;
            let email = me.email.clone();
            this.change_keys(|keys, data_key| {
                let cost = keys.person_cost();
                keys.set_person(&email, new, data_key, cost)
            })?;
            this.write(|_| {
                Ok((
                    (),
                    Change::new(
                        "Password changed",
                        format!("{} changed their password", me.full_name()),
                    ),
                ))
            })
        })
    }
}
