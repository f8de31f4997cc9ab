//! User groups and their permission grids, and the incident categories the grids refer to.
//! Everything here needs Manage system.

use super::error::{Error, Result};
use super::session::{Session, key_state};
use crate::model::grid::describe_changes;
use crate::model::{
    Category, CategoryId, CategoryPermissions, KeyState, SystemPermission, SystemPermissions,
    UserGroup, UserGroupId,
};
use crate::vault::Change;
use crate::vault::queries::{categories, people};

const MAX_NAME: usize = 60;

/// A row of the user-group list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserGroupRow {
    pub group: UserGroup,
    pub members: usize,
    /// Active members without an active soft key: they are capped to the basic permissions.
    pub members_without_key: usize,
}

impl UserGroupRow {
    pub fn has_administration(&self) -> bool {
        self.group.system.has_administration()
    }
}

/// A category's name as the audit and grids show it ("Behaviour — Against Peers").
fn category_name(cats: &[Category], id: CategoryId) -> String {
    let Some(c) = cats.iter().find(|c| c.id == id) else {
        return format!("category {id}");
    };
    let parent = c
        .parent
        .and_then(|p| cats.iter().find(|x| x.id == p))
        .map(|p| p.name.as_str());
    c.path(parent)
}

fn check_name(name: &str, what: &str) -> Result<String> {
    let name = name.trim();
    if name.is_empty() {
        return Err(Error::Invalid(format!("Please give the {what} a name.")));
    }
    if name.chars().count() > MAX_NAME {
        return Err(Error::Invalid(format!(
            "A {what} name can have at most {MAX_NAME} characters."
        )));
    }
    Ok(name.to_string())
}

impl Session {
    pub fn user_group_rows(&self) -> Result<Vec<UserGroupRow>> {
        self.require(SystemPermission::ManageSystem)?;
        let conn = self.vault().db();
        let users = people::users(conn)?;
        let now = crate::clock::now();
        people::user_groups(conn)?
            .into_iter()
            .map(|g| {
                let members: Vec<_> = users.iter().filter(|u| u.user_group == g.id).collect();
                let mut without_key = 0;
                for u in members.iter().filter(|u| u.active) {
                    if key_state(conn, u.id, now)? != KeyState::Active {
                        without_key += 1;
                    }
                }
                Ok(UserGroupRow {
                    members: members.len(),
                    members_without_key: without_key,
                    group: g,
                })
            })
            .collect()
    }

    /// A new group with nothing ticked.
    pub fn create_user_group(&mut self, name: &str) -> Result<UserGroupId> {
        self.change(|this| {
            this.require(SystemPermission::ManageSystem)?;
            let name = check_name(name, "user group")?;
            if people::user_groups(this.vault().db())?
                .iter()
                .any(|g| g.name.eq_ignore_ascii_case(&name))
            {
                return Err(Error::Invalid(format!(
                    "There is already a user group called \"{name}\"."
                )));
            }
            this.write(|tx| {
                let id = people::insert_user_group(tx, &name, true)?;
                Ok((
                    id,
                    Change::new(
                        "User group created",
                        format!("User group \"{name}\" created with no permissions"),
                    ),
                ))
            })
        })
    }

    /// Saves a group's name, status and both grids. The audit entry lists every permission added
    /// and every one removed.
    pub fn save_user_group(
        &mut self,
        id: UserGroupId,
        name: &str,
        active: bool,
        system: SystemPermissions,
        grid: &CategoryPermissions,
    ) -> Result<()> {
        self.change(|this| {
            this.require(SystemPermission::ManageSystem)?;
            let name = check_name(name, "user group")?;
            let conn = this.vault().db();
            let groups = people::user_groups(conn)?;
            let before = groups
                .iter()
                .find(|g| g.id == id)
                .cloned()
                .ok_or_else(|| Error::Invalid("That user group no longer exists.".into()))?;
            if groups
                .iter()
                .any(|g| g.id != id && g.name.eq_ignore_ascii_case(&name))
            {
                return Err(Error::Invalid(format!(
                    "There is already a user group called \"{name}\"."
                )));
            }
            // Never let a save leave nobody able to administer the school.
            let loses_admin = before.system.contains(SystemPermission::ManageSystem)
                && (!active || !system.contains(SystemPermission::ManageSystem));
            if loses_admin && this.administrators_outside(id)? == 0 {
                return Err(Error::Invalid(format!(
                    "Saving this would leave nobody able to manage Keyholder: every administrator with a soft key is in {}. Keep Manage system and Active, or give another group Manage system first.",
                    before.name
                )));
            }
            let cats = categories::list(conn)?;
            let (added, removed) =
                describe_changes((&before.system, &before.categories), (&system, grid), |c| {
                    category_name(&cats, c)
                });
            let mut after_lines = Vec::new();
            let mut before_lines = Vec::new();
            if before.name != name {
                before_lines.push(format!("name {}", before.name));
                after_lines.push(format!("name {name}"));
            }
            if before.active != active {
                before_lines.push(if before.active { "Active" } else { "Inactive" }.to_string());
                after_lines.push(if active { "Active" } else { "Inactive" }.to_string());
            }
            if !added.is_empty() {
                after_lines.push(format!("added: {}", added.join("; ")));
            }
            if !removed.is_empty() {
                before_lines.push(format!("removed: {}", removed.join("; ")));
            }
            if after_lines.is_empty() && before_lines.is_empty() {
                return Ok(());
            }
            let summary = format!(
                "User group {name} saved: {} permissions added, {} removed{}",
                added.len(),
                removed.len(),
                if system.has_administration() && !before.system.has_administration() {
                    " (now holds Administration permissions)"
                } else {
                    ""
                }
            );
            let grid = grid.clone();
            this.write(|tx| {
                people::update_user_group(tx, id, &name, active)?;
                people::set_permissions(tx, id, system, &grid)?;
                Ok((
                    (),
                    Change::new("User group saved", summary)
                        .before_after(before_lines.join("\n"), after_lines.join("\n")),
                ))
            })?;
            this.refresh_me()
        })
    }

    /// Administrators (active, with a key, in an active group with Manage system) outside `group`.
    fn administrators_outside(&self, group: UserGroupId) -> Result<usize> {
        let conn = self.vault().db();
        let groups = people::user_groups(conn)?;
        let now = crate::clock::now();
        let mut n = 0;
        for u in people::users(conn)? {
            if !u.active || u.user_group == group {
                continue;
            }
            let admin = groups.iter().any(|g| {
                g.id == u.user_group
                    && g.active
                    && g.system.contains(SystemPermission::ManageSystem)
            });
            if admin && key_state(conn, u.id, now)? != KeyState::NotEnrolled {
                n += 1;
            }
        }
        Ok(n)
    }

    /// Only a group with no members can go.
    pub fn delete_user_group(&mut self, id: UserGroupId) -> Result<()> {
        self.change(|this| {
            this.require(SystemPermission::ManageSystem)?;
            let conn = this.vault().db();
            let group = people::user_groups(conn)?
                .into_iter()
                .find(|g| g.id == id)
                .ok_or_else(|| Error::Invalid("That user group no longer exists.".into()))?;
            let members = people::users(conn)?
                .iter()
                .filter(|u| u.user_group == id)
                .count();
            if members > 0 {
                return Err(Error::Invalid(format!(
                    "{} cannot be deleted while {members} users are in it (deactivated users count too). Move them to another group first.",
                    group.name
                )));
            }
            this.write(|tx| {
                people::delete_user_group(tx, id)?;
                Ok((
                    (),
                    Change::new(
                        "User group deleted",
                        format!("User group \"{}\" deleted", group.name),
                    ),
                ))
            })
        })
    }

    /// A new category (no parent) or sub-category. It appears in every user group's grid with
    /// nothing ticked, except that a group holding a permission on the parent gets the new
    /// sub-category ticked the same way.
    pub fn create_category(
        &mut self,
        parent: Option<CategoryId>,
        name: &str,
    ) -> Result<CategoryId> {
        self.change(|this| {
            this.require(SystemPermission::ManageSystem)?;
            let name = check_name(name, "category")?;
            let conn = this.vault().db();
            let cats = categories::list(conn)?;
            if let Some(p) = parent {
                let pc = cats
                    .iter()
                    .find(|c| c.id == p)
                    .ok_or_else(|| Error::Invalid("That category no longer exists.".into()))?;
                if pc.parent.is_some() {
                    return Err(Error::Invalid(
                        "Sub-categories cannot have sub-categories of their own.".into(),
                    ));
                }
            }
            if cats
                .iter()
                .any(|c| c.parent == parent && c.name.eq_ignore_ascii_case(&name))
            {
                return Err(Error::Invalid(format!(
                    "There is already a category called \"{name}\" there."
                )));
            }
            let order = cats
                .iter()
                .filter(|c| c.parent == parent)
                .map(|c| c.sort_order + 1)
                .max()
                .unwrap_or(0);
            let groups = people::user_groups(conn)?;
            let what = match parent {
                Some(p) => format!(
                    "Sub-category \"{name}\" added under {}",
                    category_name(&cats, p)
                ),
                None => format!("Category \"{name}\" added"),
            };
            this.write(|tx| {
                let id = categories::insert(tx, parent, &name, order)?;
                if let Some(p) = parent {
                    for g in &groups {
                        let grant = g.categories.grant(p);
                        if !grant.is_empty() {
                            let mut grid = g.categories.clone();
                            grid.set_grant(id, grant);
                            people::set_permissions(tx, g.id, g.system, &grid)?;
                        }
                    }
                }
                Ok((id, Change::new("Category created", what)))
            })
        })
    }

    pub fn rename_category(&mut self, id: CategoryId, name: &str) -> Result<()> {
        self.change(|this| {
            this.require(SystemPermission::ManageSystem)?;
            let name = check_name(name, "category")?;
            let cats = categories::list(this.vault().db())?;
            let c = cats
                .iter()
                .find(|c| c.id == id)
                .ok_or_else(|| Error::Invalid("That category no longer exists.".into()))?
                .clone();
            if c.name == name {
                return Ok(());
            }
            if cats
                .iter()
                .any(|o| o.id != id && o.parent == c.parent && o.name.eq_ignore_ascii_case(&name))
            {
                return Err(Error::Invalid(format!(
                    "There is already a category called \"{name}\" there."
                )));
            }
            this.write(|tx| {
                categories::rename(tx, id, &name)?;
                Ok((
                    (),
                    Change::new("Category renamed", c.path(None))
                        .before_after(c.name.clone(), name.clone()),
                ))
            })
        })
    }

    /// Moves a category one place up or down among its siblings.
    pub fn move_category(&mut self, id: CategoryId, up: bool) -> Result<()> {
        self.change(|this| {
            this.require(SystemPermission::ManageSystem)?;
            let cats = categories::list(this.vault().db())?;
            let c = cats
                .iter()
                .find(|c| c.id == id)
                .ok_or_else(|| Error::Invalid("That category no longer exists.".into()))?;
            let siblings: Vec<&Category> = crate::model::category::tree_order(&cats)
                .into_iter()
                .filter(|s| s.parent == c.parent)
                .collect();
            let Some(pos) = siblings.iter().position(|s| s.id == id) else {
                return Ok(());
            };
            let other = if up {
                pos.checked_sub(1)
            } else {
                Some(pos + 1).filter(|p| *p < siblings.len())
            };
            let Some(other) = other else {
                return Ok(());
            };
            let mut order: Vec<CategoryId> = siblings.iter().map(|s| s.id).collect();
            order.swap(pos, other);
            let name = c.name.clone();
            this.write(|tx| {
                for (i, cid) in order.iter().enumerate() {
                    categories::set_sort_order(tx, *cid, i as i64)?;
                }
                Ok((
                    (),
                    Change::new(
                        "Category moved",
                        format!("{name} moved {}", if up { "up" } else { "down" }),
                    ),
                ))
            })
        })
    }

    /// Archived categories leave the grids and the Add Incident choices; their incidents and
    /// permissions stay.
    pub fn set_category_archived(&mut self, id: CategoryId, archived: bool) -> Result<()> {
        self.change(|this| {
            this.require(SystemPermission::ManageSystem)?;
            let cats = categories::list(this.vault().db())?;
            let name = category_name(&cats, id);
            if !cats.iter().any(|c| c.id == id) {
                return Err(Error::Invalid("That category no longer exists.".into()));
            }
            this.write(|tx| {
                categories::set_archived(tx, id, archived)?;
                let action = if archived {
                    "Category archived"
                } else {
                    "Category restored"
                };
                Ok(((), Change::new(action, name)))
            })
        })
    }
}

/// Who is in a user group, for moving staff between groups.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Membership {
    pub group: UserGroup,
    /// Every active user, with the name of the user group they are in now.
    pub staff: Vec<(crate::model::User, String)>,
    pub members: std::collections::BTreeSet<crate::model::UserId>,
    /// The other user groups, where staff taken out of this one can go.
    pub other_groups: Vec<UserGroup>,
}

/// What a save of the members did, by name, for the screen's notice and the audit entry.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MembersChange {
    pub added: Vec<String>,
    pub removed: Vec<String>,
}

impl Session {
    /// The group's members and everyone else. Needs Manage system.
    pub fn membership(&self, group: UserGroupId) -> Result<Membership> {
        self.require(SystemPermission::ManageSystem)?;
        let conn = self.vault().db();
        let groups = people::user_groups(conn)?;
        let this = groups
            .iter()
            .find(|g| g.id == group)
            .cloned()
            .ok_or_else(|| Error::Invalid("That user group no longer exists.".into()))?;
        let name_of = |id: UserGroupId| {
            groups
                .iter()
                .find(|g| g.id == id)
                .map(|g| g.name.clone())
                .unwrap_or_default()
        };
        let staff: Vec<_> = people::users(conn)?
            .into_iter()
            .filter(|u| u.active)
            .map(|u| {
                let g = name_of(u.user_group);
                (u, g)
            })
            .collect();
        let members = staff
            .iter()
            .filter(|(u, _)| u.user_group == group)
            .map(|(u, _)| u.id)
            .collect();
        Ok(Membership {
            other_groups: groups.iter().filter(|g| g.id != group).cloned().collect(),
            group: this,
            staff,
            members,
        })
    }

    /// Moves `added` into `group` and `removed` out of it to `removed_to`, as one change with
    /// one audit entry. Worked out again under the lock: staff already where they are asked to
    /// go are left alone, so a change made meanwhile elsewhere is not undone. Refused if it
    /// would leave nobody to administer the school. Needs Manage system.
    pub fn change_members(
        &mut self,
        group: UserGroupId,
        added: &std::collections::BTreeSet<crate::model::UserId>,
        removed: &std::collections::BTreeSet<crate::model::UserId>,
        removed_to: Option<UserGroupId>,
    ) -> Result<MembersChange> {
        self.change(|this| {
            this.require(SystemPermission::ManageSystem)?;
            let conn = this.vault().db();
            let groups = people::user_groups(conn)?;
            let find = |id: UserGroupId| {
                groups
                    .iter()
                    .find(|g| g.id == id)
                    .ok_or_else(|| Error::Invalid("That user group no longer exists.".into()))
            };
            let target = find(group)?.clone();
            let users = people::users(conn)?;
            let moving_in: Vec<&crate::model::User> = users
                .iter()
                .filter(|u| added.contains(&u.id) && u.user_group != group)
                .collect();
            let moving_out: Vec<&crate::model::User> = users
                .iter()
                .filter(|u| removed.contains(&u.id) && u.user_group == group)
                .collect();
            let to = match (moving_out.is_empty(), removed_to) {
                (true, _) => None,
                (false, Some(to)) if to != group => Some(find(to)?.clone()),
                (false, _) => {
                    return Err(Error::Invalid(format!(
                        "Choose the user group for the staff taken out of {}: everyone has to be in one.",
                        target.name
                    )));
                }
            };
            // Nobody may be left to run Keyholder: count who administers it afterwards.
            let now = crate::clock::now();
            let group_after = |u: &crate::model::User| {
                if moving_in.iter().any(|m| m.id == u.id) {
                    Some(&target)
                } else if moving_out.iter().any(|m| m.id == u.id) {
                    to.as_ref()
                } else {
                    groups.iter().find(|g| g.id == u.user_group)
                }
            };
            let mut admins_before = 0;
            let mut admins_after = 0;
            for u in users.iter().filter(|u| u.active) {
                let admin = |g: Option<&UserGroup>| {
                    g.is_some_and(|g| g.active && g.system.contains(SystemPermission::ManageSystem))
                };
                if key_state(conn, u.id, now)? == KeyState::NotEnrolled {
                    continue;
                }
                admins_before += usize::from(admin(groups.iter().find(|g| g.id == u.user_group)));
                admins_after += usize::from(admin(group_after(u)));
            }
            if admins_before > 0 && admins_after == 0 {
                return Err(Error::Invalid(
                    "That would leave nobody with a soft key in a group with Manage system, so nobody could run Keyholder. Keep at least one administrator."
                        .into(),
                ));
            }
            let change = MembersChange {
                added: moving_in.iter().map(|u| u.full_name()).collect(),
                removed: moving_out.iter().map(|u| u.full_name()).collect(),
            };
            if change.added.is_empty() && change.removed.is_empty() {
                return Ok(change);
            }
            let mut parts = Vec::new();
            if !change.added.is_empty() {
                parts.push(format!("added {}", change.added.join(", ")));
            }
            if let Some(to) = &to {
                parts.push(format!("moved {} to {}", change.removed.join(", "), to.name));
            }
            let summary = format!("{}: {}", target.name, parts.join("; "));
            let ins: Vec<_> = moving_in.iter().map(|u| u.id).collect();
            let outs: Vec<_> = moving_out.iter().map(|u| u.id).collect();
            let to_id = to.as_ref().map(|g| g.id);
            this.write(|tx| {
                for id in &ins {
                    people::set_user_group(tx, *id, group)?;
                }
                if let Some(to) = to_id {
                    for id in &outs {
                        people::set_user_group(tx, *id, to)?;
                    }
                }
                Ok(((), Change::new("User group members changed", summary)))
            })?;
            let me = this.me().user.id;
            if ins.contains(&me) || outs.contains(&me) {
                this.refresh_me()?;
            }
            Ok(change)
        })
    }
}
