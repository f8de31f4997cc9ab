//! The Groups tab: pupil groups of each type, restricting access by a type, and each group's
//! access list. Everything here needs Manage system.

use super::error::{Error, Result};
use super::session::{Session, key_state};
use crate::model::category::tree_order;
use crate::model::{
    GroupType, KeyState, Pupil, PupilGroup, PupilGroupId, SystemPermission, User, UserId,
};
use crate::vault::Change;
use crate::vault::queries::{categories, groups, people, pupils};
use std::collections::{BTreeMap, BTreeSet};

const MAX_NAME: usize = 100;

/// One row of a group type's table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupRow {
    pub group: PupilGroup,
    /// Current (not archived) pupils.
    pub pupils: usize,
    pub archived_pupils: usize,
    /// Active users on the access list; `None` while the type is not restricted (then the list
    /// does not limit anyone).
    pub can_see: Option<usize>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupTypeSummary {
    pub group_type: GroupType,
    pub restricted: bool,
    pub groups: Vec<GroupRow>,
    /// Current pupils who belong to no group of this type (they fail closed when it is restricted).
    pub pupils_without_group: Vec<Pupil>,
}

/// A user as the class editor lists them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EditorUser {
    pub user: User,
    pub group_name: String,
    /// Holds an active soft key and belongs to a senior group (Administration permissions, or
    /// every permission on every category): the people the help sheet reminds admins to add.
    pub senior_key_holder: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccessEditorData {
    pub group: PupilGroup,
    pub restricted: bool,
    pub users: Vec<EditorUser>,
    pub on_list: BTreeSet<UserId>,
}

/// What saving an access list changed, for the confirmation message.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AccessListChange {
    pub added: Vec<String>,
    pub removed: Vec<String>,
}

fn check_name(name: &str) -> Result<String> {
    let name = name.trim();
    if name.is_empty() {
        return Err(Error::Invalid("Please give the group a name.".into()));
    }
    if name.chars().count() > MAX_NAME {
        return Err(Error::Invalid(format!(
            "A group name can have at most {MAX_NAME} characters."
        )));
    }
    Ok(name.to_string())
}

impl Session {
    fn group(&self, id: PupilGroupId) -> Result<PupilGroup> {
        groups::get(self.vault().db(), id)?
            .ok_or_else(|| Error::Invalid("That group no longer exists.".into()))
    }

    /// Refuses a name or MIS ID already used by another group of the same type.
    fn check_unique(
        &self,
        t: GroupType,
        except: Option<PupilGroupId>,
        name: Option<&str>,
        mis_id: Option<&str>,
    ) -> Result<()> {
        for g in groups::list(self.vault().db())? {
            if g.group_type != t || Some(g.id) == except {
                continue;
            }
            if let Some(n) = name
                && g.name.to_lowercase() == n.to_lowercase()
            {
                return Err(Error::Invalid(format!(
                    "There is already a group called \"{}\" among the {}.",
                    g.name,
                    t.plural()
                )));
            }
            if let (Some(m), Some(existing)) = (mis_id, g.mis_id.as_deref())
                && !m.is_empty()
                && existing == m
            {
                return Err(Error::Invalid(format!(
                    "The {} \"{}\" already has MIS ID {m}.",
                    t.label(),
                    g.name
                )));
            }
        }
        Ok(())
    }

    /// Everything the Groups tab shows, for all three types.
    pub fn groups_tab(&self) -> Result<Vec<GroupTypeSummary>> {
        self.require(SystemPermission::ManageSystem)?;
        let conn = self.vault().db();
        let restricted = groups::restricted_types(conn)?;
        let all = groups::list(conn)?;
        let access = groups::access_lists(conn)?;
        let active_users: BTreeSet<UserId> = people::users(conn)?
            .into_iter()
            .filter(|u| u.active)
            .map(|u| u.id)
            .collect();
        let all_pupils = pupils::list(conn)?;
        let memberships = pupils::memberships(conn)?;
        let type_of: BTreeMap<PupilGroupId, GroupType> =
            all.iter().map(|g| (g.id, g.group_type)).collect();
        let mut counts: BTreeMap<PupilGroupId, (usize, usize)> = BTreeMap::new();
        for p in &all_pupils {
            for g in memberships.get(&p.id).into_iter().flatten() {
                let c = counts.entry(*g).or_default();
                if p.archived {
                    c.1 += 1;
                } else {
                    c.0 += 1;
                }
            }
        }
        Ok(GroupType::ALL
            .iter()
            .map(|&t| {
                let is_restricted = restricted.get(&t).copied().unwrap_or(false);
                GroupTypeSummary {
                    group_type: t,
                    restricted: is_restricted,
                    groups: all
                        .iter()
                        .filter(|g| g.group_type == t)
                        .map(|g| {
                            let (pupils, archived_pupils) =
                                counts.get(&g.id).copied().unwrap_or_default();
                            GroupRow {
                                group: g.clone(),
                                pupils,
                                archived_pupils,
                                can_see: is_restricted.then(|| {
                                    access
                                        .get(&g.id)
                                        .into_iter()
                                        .flatten()
                                        .filter(|u| active_users.contains(u))
                                        .count()
                                }),
                            }
                        })
                        .collect(),
                    pupils_without_group: all_pupils
                        .iter()
                        .filter(|p| {
                            !p.archived
                                && !memberships
                                    .get(&p.id)
                                    .into_iter()
                                    .flatten()
                                    .any(|g| type_of.get(g) == Some(&t))
                        })
                        .cloned()
                        .collect(),
                }
            })
            .collect())
    }

    /// Switches restriction by a group type on or off.
    pub fn set_restricted(&mut self, t: GroupType, on: bool) -> Result<()> {
        self.change(|this| {
            this.require(SystemPermission::ManageSystem)?;
            let before = groups::restricted_types(this.vault().db())?
                .get(&t)
                .copied()
                .unwrap_or(false);
            if before == on {
                return Ok(());
            }
            let summary = format!(
                "Access {} by {}",
                if on {
                    "restricted"
                } else {
                    "no longer restricted"
                },
                t.plural()
            );
            this.write(|tx| {
                groups::set_restricted(tx, t, on)?;
                Ok((
                    (),
                    Change::new("Class restrictions", summary).before_after(
                        if before {
                            "restricted"
                        } else {
                            "not restricted"
                        },
                        if on { "restricted" } else { "not restricted" },
                    ),
                ))
            })
        })
    }

    pub fn create_group(&mut self, t: GroupType, name: &str, mis_id: &str) -> Result<PupilGroupId> {
        self.change(|this| {
            this.require(SystemPermission::ManageSystem)?;
            let name = check_name(name)?;
            let mis = mis_id.trim();
            this.check_unique(t, None, Some(&name), Some(mis))?;
            let order = groups::list(this.vault().db())?
                .iter()
                .filter(|g| g.group_type == t)
                .count() as i64;
            let summary = format!("New {} \"{name}\"", t.label());
            this.write(|tx| {
                let id = groups::insert(tx, t, &name, Some(mis), false, order)?;
                Ok((
                    id,
                    Change::new("Group created", summary).before_after(
                        "",
                        format!("MIS ID {}", if mis.is_empty() { "none" } else { mis }),
                    ),
                ))
            })
        })
    }

    pub fn rename_group(&mut self, id: PupilGroupId, name: &str) -> Result<()> {
        self.change(|this| {
            this.require(SystemPermission::ManageSystem)?;
            let g = this.group(id)?;
            let name = check_name(name)?;
            if name == g.name {
                return Ok(());
            }
            this.check_unique(g.group_type, Some(id), Some(&name), None)?;
            this.write(|tx| {
                groups::rename(tx, id, &name)?;
                Ok((
                    (),
                    Change::new("Group renamed", format!("{} renamed", g.title()))
                        .before_after(g.name.clone(), name.clone()),
                ))
            })
        })
    }

    pub fn set_group_mis_id(&mut self, id: PupilGroupId, mis_id: &str) -> Result<()> {
        self.change(|this| {
            this.require(SystemPermission::ManageSystem)?;
            let g = this.group(id)?;
            let mis = mis_id.trim();
            if Some(mis) == g.mis_id.as_deref() || (mis.is_empty() && g.mis_id.is_none()) {
                return Ok(());
            }
            this.check_unique(g.group_type, Some(id), None, Some(mis))?;
            this.write(|tx| {
                groups::set_mis_id(tx, id, Some(mis))?;
                Ok((
                    (),
                    Change::new("Group MIS ID changed", g.title())
                        .before_after(g.mis_id.clone().unwrap_or_default(), mis),
                ))
            })
        })
    }

    /// Clears the New flag an import sets, once the admin has looked at the group.
    pub fn mark_group_reviewed(&mut self, id: PupilGroupId) -> Result<()> {
        self.change(|this| {
            this.require(SystemPermission::ManageSystem)?;
            let g = this.group(id)?;
            if !g.is_new {
                return Ok(());
            }
            this.write(|tx| {
                groups::set_is_new(tx, id, false)?;
                Ok((
                    (),
                    Change::new(
                        "Group reviewed",
                        format!("{} is no longer marked New", g.title()),
                    ),
                ))
            })
        })
    }

    /// Archives every current pupil of the group (they are kept, not deleted). Returns how many.
    pub fn archive_group_pupils(&mut self, id: PupilGroupId) -> Result<usize> {
        self.change(|this| {
            this.require(SystemPermission::ManageSystem)?;
            let g = this.group(id)?;
            this.write(|tx| {
                let n = pupils::archive_members_of(tx, id)?;
                Ok((
                    n,
                    Change::new(
                        "Pupils archived",
                        format!("Archived all {n} pupils of {}", g.title()),
                    ),
                ))
            })
        })
    }

    /// Removes a group that has no pupils at all (archived ones included, so no record loses
    /// its history).
    pub fn remove_group(&mut self, id: PupilGroupId) -> Result<()> {
        self.change(|this| {
            this.require(SystemPermission::ManageSystem)?;
            let g = this.group(id)?;
            let members = pupils::memberships(this.vault().db())?
                .values()
                .filter(|gs| gs.contains(&id))
                .count();
            if members > 0 {
                return Err(Error::Invalid(format!(
                    "{} cannot be removed: {members} pupils (current or archived) belong to it. Move them to another group first.",
                    g.title()
                )));
            }
            let on_list = groups::access_lists(this.vault().db())?
                .get(&id)
                .map_or(0, Vec::len);
            this.write(|tx| {
                groups::delete(tx, id)?;
                Ok((
                    (),
                    Change::new("Group removed", g.title())
                        .before_after(format!("{on_list} users on its access list"), ""),
                ))
            })
        })
    }

    /// What the class editor needs: the group, every user, and who is on its list.
    pub fn access_editor(&self, id: PupilGroupId) -> Result<AccessEditorData> {
        self.require(SystemPermission::ManageSystem)?;
        let conn = self.vault().db();
        let group = self.group(id)?;
        let restricted = groups::restricted_types(conn)?
            .get(&group.group_type)
            .copied()
            .unwrap_or(false);
        let user_groups = people::user_groups(conn)?;
        let cats: Vec<_> = tree_order(&categories::list(conn)?)
            .into_iter()
            .filter(|c| !c.archived)
            .map(|c| c.id)
            .collect();
        let now = crate::clock::now();
        let mut users = Vec::new();
        for u in people::users(conn)? {
            let g = user_groups.iter().find(|g| g.id == u.user_group);
            let senior = g.is_some_and(|g| {
                g.active
                    && (g.system.has_administration()
                        || (!cats.is_empty() && g.categories.covers_all(cats.iter().copied())))
            });
            let keyed = key_state(conn, u.id, now)? == KeyState::Active;
            let mut group_name = g.map(|g| g.name.clone()).unwrap_or_default();
            if !u.active {
                group_name.push_str(", deactivated");
            }
            users.push(EditorUser {
                senior_key_holder: senior && keyed && u.active,
                group_name,
                user: u,
            });
        }
        let on_list = groups::access_lists(conn)?
            .remove(&id)
            .unwrap_or_default()
            .into_iter()
            .collect();
        Ok(AccessEditorData {
            group,
            restricted,
            users,
            on_list,
        })
    }

    /// Adds and removes people on a group's access list, applied to the list as it is now (read
    /// inside the change), so what someone else saved meanwhile, in another window or command, is
    /// kept rather than written over with an older copy.
    pub fn change_access_list(
        &mut self,
        id: PupilGroupId,
        add: &BTreeSet<UserId>,
        remove: &BTreeSet<UserId>,
    ) -> Result<AccessListChange> {
        self.change(|this| {
            let mut list: BTreeSet<UserId> = groups::access_lists(this.vault().db())?
                .remove(&id)
                .unwrap_or_default()
                .into_iter()
                .collect();
            list.extend(add.iter().copied());
            for u in remove {
                list.remove(u);
            }
            this.save_access_list(id, &list)
        })
    }

    /// Saves a group's access list: one transaction, one audit entry naming who was added and
    /// who was removed.
    pub fn save_access_list(
        &mut self,
        id: PupilGroupId,
        users: &BTreeSet<UserId>,
    ) -> Result<AccessListChange> {
        self.change(|this| {
            this.require(SystemPermission::ManageSystem)?;
            let conn = this.vault().db();
            let g = this.group(id)?;
            let everyone = people::users(conn)?;
            if let Some(unknown) = users.iter().find(|u| !everyone.iter().any(|e| e.id == **u)) {
                return Err(Error::Invalid(format!(
                    "User {unknown} no longer exists; reopen the group and try again."
                )));
            }
            let before: BTreeSet<UserId> = groups::access_lists(conn)?
                .remove(&id)
                .unwrap_or_default()
                .into_iter()
                .collect();
            let name = |id: &UserId| {
                everyone
                    .iter()
                    .find(|u| u.id == *id)
                    .map(User::full_name)
                    .unwrap_or_else(|| format!("user {id}"))
            };
            let mut change = AccessListChange {
                added: users.difference(&before).map(name).collect(),
                removed: before.difference(users).map(name).collect(),
            };
            change.added.sort();
            change.removed.sort();
            if change.added.is_empty() && change.removed.is_empty() {
                return Ok(change);
            }
            let list: Vec<UserId> = users.iter().copied().collect();
            let summary = format!(
                "Access list of {}: {} added, {} removed",
                g.title(),
                change.added.len(),
                change.removed.len()
            );
            let (added, removed) = (change.added.join(", "), change.removed.join(", "));
            this.write(|tx| {
                groups::set_access_list(tx, id, &list)?;
                Ok((
                    (),
                    Change::new("Access list saved", summary)
                        .before_after(format!("removed: {removed}"), format!("added: {added}")),
                ))
            })?;
            Ok(change)
        })
    }
}
