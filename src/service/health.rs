//! The health check on the Overview and behind `keyholder check`: what is wrong with the school's
//! set-up before it harms anyone, each finding in the admin's words with the place to fix it.
//!
//! Choices where the issue leaves room (see README, "The health check"):
//! - a restricted group with an empty access list is reported whether or not it has pupils yet,
//!   because pupils an import adds to it later would be hidden from everyone;
//! - "no key holder can see" a restricted group means nobody on its access list is an active user
//!   in an active user group with View student details and an active (not locked) soft key;
//! - "archived pupils still on access lists": access lists belong to groups, so this is archived
//!   pupils who are still members of a group (and so still counted under it). The rule already
//!   hides them from everyone, so it is information only;
//! - "not signed in for 90 days" includes users who have never signed in and were added more than
//!   90 days ago;
//! - the audit trail and the last backup are always reported: as information when all is well.

use super::error::Result;
use super::session::{Session, key_state};
use crate::model::access::Purpose;
use crate::model::names::count;
use crate::model::{
    EffectivePermissions, GroupType, KeyState, PupilGroupId, PupilId, SystemPermission,
    UserGroupId, UserId, names,
};
use crate::vault::queries::{backups, groups, health, people, pupils};
use std::collections::{BTreeMap, BTreeSet};

pub const DAY: i64 = 86_400;
/// Users who have not signed in for this long are reported.
pub const DORMANT_AFTER_DAYS: i64 = 90;
/// A backup older than this is overdue.
pub const BACKUP_DUE_AFTER_DAYS: i64 = 7;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// Something to fix: `keyholder check` exits 1 while any is left.
    Warning,
    /// Worth knowing or confirming; nothing is wrong.
    Information,
}

impl Severity {
    pub fn key(self) -> &'static str {
        match self {
            Severity::Warning => "warning",
            Severity::Information => "information",
        }
    }
}

/// Which check a finding comes from; stable, for scripts (`--json`) and tests.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Check {
    PupilsWithoutGroup(GroupType),
    SeveralTypesRestricted,
    EmptyAccessList,
    NoKeyHolderCanSee,
    Administrators,
    CappedWithoutKey,
    ActiveUsersInInactiveGroups,
    NotSignedInRecently,
    LockedAccounts,
    NewGroups,
    ArchivedPupilsInGroups,
    AuditTrail,
    LastBackup,
}

impl Check {
    pub fn key(self) -> &'static str {
        match self {
            Check::PupilsWithoutGroup(_) => "pupils-without-group",
            Check::SeveralTypesRestricted => "several-types-restricted",
            Check::EmptyAccessList => "empty-access-list",
            Check::NoKeyHolderCanSee => "no-key-holder-can-see",
            Check::Administrators => "administrators",
            Check::CappedWithoutKey => "capped-without-key",
            Check::ActiveUsersInInactiveGroups => "active-users-in-inactive-groups",
            Check::NotSignedInRecently => "not-signed-in-recently",
            Check::LockedAccounts => "locked-accounts",
            Check::NewGroups => "new-groups",
            Check::ArchivedPupilsInGroups => "archived-pupils-in-groups",
            Check::AuditTrail => "audit-trail",
            Check::LastBackup => "last-backup",
        }
    }
}

/// Where a finding is fixed. The window maps each to a tab, sub-tab, editor or profile.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    /// Admin > Groups, on this type's sub-tab.
    Groups(GroupType),
    /// Admin > Groups, this type's sub-tab with its pupils without a group listed.
    PupilsWithoutGroup(GroupType),
    /// The class editor of one group (its access list), on its type's sub-tab.
    AccessList(GroupType, PupilGroupId),
    /// Admin > Users, the list.
    Users,
    /// One user's profile.
    User(UserId),
    /// One user group's permissions.
    UserGroup(UserGroupId),
    /// Admin > Audits.
    Audits,
    /// Back up now, on the Overview itself.
    Backup,
}

/// One name a finding is about, with where to deal with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    pub name: String,
    /// What to show while Hide Names is on (initials for pupils; staff and groups unchanged).
    pub hidden_name: String,
    pub place: Option<Place>,
}

impl Item {
    fn plain(name: impl Into<String>, place: Option<Place>) -> Item {
        let name = name.into();
        Item {
            hidden_name: name.clone(),
            name,
            place,
        }
    }

    fn pupil(forename: &str, surname: &str, place: Option<Place>) -> Item {
        Item {
            name: names::full_name(forename, surname),
            hidden_name: names::initials(forename, surname),
            place,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub check: Check,
    pub severity: Severity,
    /// One line: what is wrong, with the count.
    pub title: String,
    /// Why it matters and what to do, in a sentence or two.
    pub explanation: String,
    pub items: Vec<Item>,
    /// The button's destination.
    pub fix: Place,
}

impl Finding {
    pub fn is_warning(&self) -> bool {
        self.severity == Severity::Warning
    }

    /// "Fix" for a warning, "Show" for information.
    pub fn button_label(&self) -> &'static str {
        match (self.severity, self.fix) {
            (_, Place::Backup) => "Back up now",
            (Severity::Warning, _) => "Fix",
            (Severity::Information, _) => "Show",
        }
    }
}

fn list_names(names: &[String]) -> String {
    match names {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

impl Session {
    /// Every finding for the school as it is now, warnings first. Needs Manage system.
    pub fn health_check(&self) -> Result<Vec<Finding>> {
        self.health_check_at(crate::clock::now())
    }

    /// The health check as it would be at `now` (tests look a few months ahead).
    pub fn health_check_at(&self, now: i64) -> Result<Vec<Finding>> {
        self.require(SystemPermission::ManageSystem)?;
        let conn = self.vault().db();
        let school = self.school_access()?;
        let all_groups = groups::list(conn)?;
        let group_names: BTreeMap<PupilGroupId, &crate::model::PupilGroup> =
            all_groups.iter().map(|g| (g.id, g)).collect();
        let access = groups::access_lists(conn)?;
        let all_pupils = pupils::list(conn)?;
        let memberships = pupils::memberships(conn)?;
        let users = people::users(conn)?;
        let user_groups: BTreeMap<UserGroupId, crate::model::UserGroup> =
            people::user_groups(conn)?
                .into_iter()
                .map(|g| (g.id, g))
                .collect();
        let mut keys = BTreeMap::new();
        for u in &users {
            keys.insert(u.id, key_state(conn, u.id, now)?);
        }
        let restricted: Vec<GroupType> = GroupType::ALL
            .into_iter()
            .filter(|t| school.is_restricted(*t))
            .collect();
        let mut findings = Vec::new();

        // Pupils who fail closed because they have no group of a restricted type.
        let pupil_by_id: BTreeMap<PupilId, &crate::model::Pupil> =
            all_pupils.iter().map(|p| (p.id, p)).collect();
        for &t in &restricted {
            let missing = school.pupils_without_group_of(t);
            if missing.is_empty() {
                continue;
            }
            let mut items: Vec<(_, Item)> = missing
                .iter()
                .filter_map(|id| pupil_by_id.get(id))
                .map(|p| {
                    (
                        names::sort_key(&p.forename, &p.surname),
                        Item::pupil(&p.forename, &p.surname, None),
                    )
                })
                .collect();
            items.sort_by(|a, b| a.0.cmp(&b.0));
            findings.push(Finding {
                check: Check::PupilsWithoutGroup(t),
                severity: Severity::Warning,
                title: format!(
                    "{} without a{} {}",
                    count(missing.len(), "pupil", "pupils"),
                    if t == GroupType::AcademicLevel { "n" } else { "" },
                    t.label()
                ),
                explanation: format!(
                    "Access is restricted by {}, so a pupil who is in none of them can only be seen by staff who are on every {} list. Put each of them in a group, or check the last MIS import.",
                    t.label(),
                    t.label()
                ),
                items: items.into_iter().map(|(_, i)| i).collect(),
                fix: Place::PupilsWithoutGroup(t),
            });
        }

        if restricted.len() > 1 {
            let labels: Vec<String> = restricted.iter().map(|t| t.plural().to_string()).collect();
            findings.push(Finding {
                check: Check::SeveralTypesRestricted,
                severity: Severity::Warning,
                title: format!("Access is restricted by {} types of group", restricted.len()),
                explanation: format!(
                    "Restricted by {}: a member of staff then has to be on the lists of all of a pupil's groups to see them, so one list easily undoes another. Restricting by one type is usually enough.",
                    list_names(&labels)
                ),
                items: restricted
                    .iter()
                    .map(|t| Item::plain(t.plural(), Some(Place::Groups(*t))))
                    .collect(),
                fix: Place::Groups(restricted[0]),
            });
        }

        // Restricted groups whose list names nobody, or nobody who could open a profile.
        let pupils_in: BTreeMap<PupilGroupId, usize> = {
            let mut n = BTreeMap::new();
            for p in all_pupils.iter().filter(|p| !p.archived) {
                for g in memberships.get(&p.id).into_iter().flatten() {
                    *n.entry(*g).or_insert(0) += 1;
                }
            }
            n
        };
        let group_label = |id: PupilGroupId| {
            let g = group_names.get(&id);
            let pupils = pupils_in.get(&id).copied().unwrap_or(0);
            let name = g.map(|g| g.title()).unwrap_or_default();
            if pupils == 0 {
                format!("{name}, no pupils yet")
            } else {
                format!("{name}, {}", count(pupils, "pupil", "pupils"))
            }
        };
        let empty = school.empty_access_lists();
        if !empty.is_empty() {
            findings.push(Finding {
                check: Check::EmptyAccessList,
                severity: Severity::Warning,
                title: format!(
                    "{} with nobody on the access list",
                    count(empty.len(), "restricted group", "restricted groups")
                ),
                explanation: "Nobody can see the pupils of these groups. Open each one and move the staff who should see them (remember your safeguarding team) to \"can see\".".into(),
                items: empty
                    .iter()
                    .map(|g| Item::plain(group_label(*g), group_names.get(g).map(|x| Place::AccessList(x.group_type, *g))))
                    .collect(),
                fix: fix_for_groups(&empty, &group_names),
            });
        }
        let can_open_profiles = |u: UserId| {
            let Some(user) = users.iter().find(|x| x.id == u) else {
                return false;
            };
            let Some(group) = user_groups.get(&user.user_group) else {
                return false;
            };
            EffectivePermissions::compute(
                group.system,
                &group.categories,
                group.active,
                user.active,
                keys.get(&u) == Some(&KeyState::Active),
            )
            .has(Purpose::Profile.permission())
        };
        let unseen: Vec<PupilGroupId> = school
            .groups()
            .iter()
            .filter(|g| school.is_restricted(g.group_type))
            .filter(|g| {
                let list = access.get(&g.id).map(Vec::as_slice).unwrap_or(&[]);
                !list.is_empty() && !list.iter().any(|u| can_open_profiles(*u))
            })
            .map(|g| g.id)
            .collect();
        if !unseen.is_empty() {
            findings.push(Finding {
                check: Check::NoKeyHolderCanSee,
                severity: Severity::Warning,
                title: format!(
                    "{} that no key holder can open",
                    count(unseen.len(), "restricted group", "restricted groups")
                ),
                explanation: "Everyone on these access lists is inactive, lacks View student details, or has no active soft key, so nobody can open these pupils' profiles. Add a key holder to each list.".into(),
                items: unseen
                    .iter()
                    .map(|g| Item::plain(group_label(*g), group_names.get(g).map(|x| Place::AccessList(x.group_type, *g))))
                    .collect(),
                fix: fix_for_groups(&unseen, &group_names),
            });
        }

        // People: sorted by surname, then forename.
        let mut people_sorted: Vec<&crate::model::User> = users.iter().collect();
        people_sorted.sort_by_cached_key(|u| (names::sort_key(&u.forename, &u.surname), u.id));
        let group_of = |u: &crate::model::User| user_groups.get(&u.user_group);
        let person = |u: &crate::model::User| {
            let group = group_of(u).map(|g| g.name.as_str()).unwrap_or("no group");
            Item::plain(
                format!("{} ({group})", u.full_name()),
                Some(Place::User(u.id)),
            )
        };

        let admins: Vec<Item> = people_sorted
            .iter()
            .filter(|u| {
                u.active && group_of(u).is_some_and(|g| g.active && g.system.has_administration())
            })
            .map(|u| person(u))
            .collect();
        if !admins.is_empty() {
            findings.push(Finding {
                check: Check::Administrators,
                severity: Severity::Information,
                title: format!(
                    "{} with Administration permissions",
                    count(admins.len(), "user", "users")
                ),
                explanation: "Their user groups let them manage the system or hold other Administration permissions. Check that each of them is senior staff who should.".into(),
                items: admins,
                fix: Place::Users,
            });
        }

        let capped: Vec<Item> = people_sorted
            .iter()
            .filter(|u| u.active && keys.get(&u.id) == Some(&KeyState::NotEnrolled))
            .filter(|u| {
                group_of(u).is_some_and(|g| {
                    EffectivePermissions::compute(g.system, &g.categories, g.active, true, false)
                        .capped_for_no_key
                })
            })
            .map(|u| person(u))
            .collect();
        if !capped.is_empty() {
            findings.push(Finding {
                check: Check::CappedWithoutKey,
                severity: Severity::Warning,
                title: format!(
                    "{} without a soft key, so held to the basic permissions",
                    count(capped.len(), "user", "users")
                ),
                explanation: "Their user groups give them more than the basics, but without a soft key they can only record concerns and use the library. Give each a set-up code from their profile so they can enrol a key, or move them to a basic group.".into(),
                fix: one_or(&capped, Place::Users),
                items: capped,
            });
        }

        let stranded: Vec<&&crate::model::User> = people_sorted
            .iter()
            .filter(|u| u.active && group_of(u).is_some_and(|g| !g.active))
            .collect();
        if !stranded.is_empty() {
            let mut groups_involved: Vec<UserGroupId> =
                stranded.iter().map(|u| u.user_group).collect();
            groups_involved.dedup();
            let fix = match groups_involved.as_slice() {
                [one] => Place::UserGroup(*one),
                _ => Place::Users,
            };
            findings.push(Finding {
                check: Check::ActiveUsersInInactiveGroups,
                severity: Severity::Warning,
                title: format!(
                    "{} in an inactive user group",
                    count(stranded.len(), "active user", "active users")
                ),
                explanation: "Members of an inactive group cannot sign in or do anything. Move each of them to an active group, deactivate them, or make the group active again.".into(),
                items: stranded.iter().map(|u| person(u)).collect(),
                fix,
            });
        }

        let added_at = health::user_created_at(conn)?;
        let dormant_since = now - DORMANT_AFTER_DAYS * DAY;
        let dormant: Vec<Item> = people_sorted
            .iter()
            .filter(|u| u.active)
            .filter(|u| match u.last_login_at {
                Some(t) => t < dormant_since,
                None => added_at.get(&u.id).is_some_and(|t| *t < dormant_since),
            })
            .map(|u| {
                let mut item = person(u);
                item.name = match u.last_login_at {
                    Some(t) => format!(
                        "{}, last signed in {}",
                        item.name,
                        crate::clock::format_local(t)
                    ),
                    None => format!("{}, never signed in", item.name),
                };
                item.hidden_name = item.name.clone();
                item
            })
            .collect();
        if !dormant.is_empty() {
            findings.push(Finding {
                check: Check::NotSignedInRecently,
                severity: Severity::Warning,
                title: format!(
                    "{} not signed in for {DORMANT_AFTER_DAYS} days",
                    count(dormant.len(), "user", "users")
                ),
                explanation: "An account nobody uses still opens the school's records. Deactivate the accounts of staff who have left or no longer need access.".into(),
                items: dormant,
                fix: Place::Users,
            });
        }

        let locked: Vec<Item> = people_sorted
            .iter()
            .filter(|u| u.active && matches!(keys.get(&u.id), Some(KeyState::Locked { .. })))
            .map(|u| person(u))
            .collect();
        if !locked.is_empty() {
            let fix = one_or(&locked, Place::Users);
            findings.push(Finding {
                check: Check::LockedAccounts,
                severity: Severity::Warning,
                title: format!("{} locked after wrong codes", count(locked.len(), "account", "accounts")),
                explanation: "Too many wrong soft-key codes were typed. If you know it was the person themselves, clear the lock from their profile; otherwise find out who tried.".into(),
                items: locked,
                fix,
            });
        }

        let new_groups: Vec<&crate::model::PupilGroup> =
            school.groups().iter().filter(|g| g.is_new).collect();
        if !new_groups.is_empty() {
            findings.push(Finding {
                check: Check::NewGroups,
                severity: Severity::Warning,
                title: format!(
                    "{} from an import still marked New",
                    count(new_groups.len(), "group", "groups")
                ),
                explanation: "Check each new group's name and MIS ID, set its access list if its type is restricted, and mark it as reviewed.".into(),
                items: new_groups
                    .iter()
                    .map(|g| Item::plain(g.title(), Some(Place::Groups(g.group_type))))
                    .collect(),
                fix: Place::Groups(new_groups[0].group_type),
            });
        }

        // Archived pupils still members of groups: hidden by the rule, so information only.
        let mut archived_in: BTreeMap<PupilGroupId, usize> = BTreeMap::new();
        for p in all_pupils.iter().filter(|p| p.archived) {
            for g in memberships.get(&p.id).into_iter().flatten() {
                *archived_in.entry(*g).or_insert(0) += 1;
            }
        }
        let archived_pupils: BTreeSet<PupilId> = all_pupils
            .iter()
            .filter(|p| p.archived && memberships.get(&p.id).is_some_and(|g| !g.is_empty()))
            .map(|p| p.id)
            .collect();
        if !archived_pupils.is_empty() {
            let mut items: Vec<(_, Item)> = archived_in
                .iter()
                .filter_map(|(g, n)| group_names.get(g).map(|g| (g, n)))
                .map(|(g, n)| {
                    (
                        (g.group_type, g.name.to_lowercase()),
                        Item::plain(
                            format!(
                                "{}: {}",
                                g.title(),
                                count(*n, "archived pupil", "archived pupils")
                            ),
                            Some(Place::Groups(g.group_type)),
                        ),
                    )
                })
                .collect();
            items.sort_by(|a, b| a.0.cmp(&b.0));
            let fix = items
                .first()
                .and_then(|(_, i)| i.place)
                .unwrap_or(Place::Groups(GroupType::AcademicLevel));
            findings.push(Finding {
                check: Check::ArchivedPupilsInGroups,
                severity: Severity::Information,
                title: format!(
                    "{} still in groups",
                    count(archived_pupils.len(), "archived pupil", "archived pupils")
                ),
                explanation: "Archived pupils are hidden from everyone whatever lists they are on, so this is harmless; they stay in their groups so their history still makes sense.".into(),
                items: items.into_iter().map(|(_, i)| i).collect(),
                fix,
            });
        }

        // The chain and the key file's record of it (the page-by-page check reads the whole
        // file, so it runs on the Audits tab and in `keyholder audit verify`, not after every
        // change).
        let trail = self.trail_report(&super::audit_trail::TrailCheck::default())?;
        let sound = trail.is_sound();
        findings.push(Finding {
            check: Check::AuditTrail,
            severity: if sound {
                Severity::Information
            } else {
                Severity::Warning
            },
            title: if sound {
                "The audit trail is intact".into()
            } else {
                "The audit trail has been tampered with".into()
            },
            explanation: if sound {
                trail.describe()
            } else {
                format!(
                    "{} Restore the latest backup taken before that entry, and find out who had the file.",
                    trail.describe()
                )
            },
            items: Vec::new(),
            fix: Place::Audits,
        });

        let last = backups::last(conn)?;
        let due = last
            .as_ref()
            .is_none_or(|b| b.taken_at < now - BACKUP_DUE_AFTER_DAYS * DAY);
        findings.push(Finding {
            check: Check::LastBackup,
            severity: if due {
                Severity::Warning
            } else {
                Severity::Information
            },
            title: match &last {
                None => "No backup has been taken yet".into(),
                Some(b) if due => format!(
                    "The last backup is {} old",
                    count(((now - b.taken_at) / DAY).max(0) as usize, "day", "days")
                ),
                Some(b) => format!("Last backup {}", crate::clock::format_local(b.taken_at)),
            },
            explanation: match &last {
                None => "If this PC's disk fails or it is stolen, everything set up here is lost. Back up now to a USB stick or network share, and keep the copy somewhere safe.".into(),
                Some(b) if due => format!(
                    "The last backup ({}) was taken on {}. Back up at least once a week, and after big changes.",
                    b.file_name,
                    crate::clock::format_local(b.taken_at)
                ),
                Some(b) => format!("Saved as {} and checked after writing.", b.file_name),
            },
            items: Vec::new(),
            fix: Place::Backup,
        });

        // Warnings first; the order within each follows the list of checks.
        findings.sort_by_key(|f| f.severity);
        Ok(findings)
    }

    /// The newest backup recorded in this school file, if any.
    pub fn last_backup(&self) -> Result<Option<backups::BackupRecord>> {
        Ok(backups::last(self.vault().db())?)
    }
}

/// The class editor when there is one group, else the first group's sub-tab.
fn fix_for_groups(
    ids: &[PupilGroupId],
    groups: &BTreeMap<PupilGroupId, &crate::model::PupilGroup>,
) -> Place {
    match ids {
        [one] => groups
            .get(one)
            .map(|g| Place::AccessList(g.group_type, *one))
            .unwrap_or(Place::Users),
        _ => ids
            .first()
            .and_then(|g| groups.get(g))
            .map(|g| Place::Groups(g.group_type))
            .unwrap_or(Place::Users),
    }
}

/// The one item's own place when there is exactly one, else `fallback`.
fn one_or(items: &[Item], fallback: Place) -> Place {
    match items {
        [one] => one.place.unwrap_or(fallback),
        _ => fallback,
    }
}
