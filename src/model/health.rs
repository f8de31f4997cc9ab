//! The health check on the Overview and behind `keyholder check`: what is wrong with the school's
//! set-up before it harms anyone, each finding in the admin's words with the place to fix it. Each
//! check is one pure function over a [`Snapshot`] of the school; the service loads the snapshot.
//!
//! Choices where the issue leaves room (see README, "The health check"):
//! - a restricted group with an empty access list is reported whether or not it has pupils yet,
//!   because pupils an import adds to it later would be hidden from everyone;
//! - "no key holder can see" a restricted group means nobody on its access list may open a
//!   pupil's profile by the rule's own standing ([`Viewer::may`]) with an active (not locked)
//!   soft key;
//! - "archived pupils still on access lists": access lists belong to groups, so this is archived
//!   pupils who are still members of a group (and so still counted under it). The rule already
//!   hides them from everyone, so it is information only;
//! - "not signed in for 90 days" includes users who have never signed in and were added more than
//!   90 days ago;
//! - the audit trail and the last backup are always reported: as information when all is well.

use crate::model::access::{Purpose, SchoolAccess, Viewer};
use crate::model::names::{self, count};
use crate::model::{
    EffectivePermissions, GroupType, KeyState, Pupil, PupilGroup, PupilGroupId, PupilId, User,
    UserGroup, UserGroupId, UserId,
};
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
    RecordsDue,
    TransfersUnconfirmed,
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
            Check::RecordsDue => "records-due",
            Check::TransfersUnconfirmed => "transfers-unconfirmed",
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
    /// Data Destruction Policies: the review list.
    Retention,
    /// Admin > Transfers.
    Transfers,
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

/// What the checks read: the school as it is at `now`.
pub struct Snapshot {
    pub now: i64,
    /// The access rule over the school, for which groups are restricted and who fails closed.
    pub school: SchoolAccess,
    pub groups: Vec<PupilGroup>,
    pub access_lists: BTreeMap<PupilGroupId, Vec<UserId>>,
    pub pupils: Vec<Pupil>,
    pub memberships: BTreeMap<PupilId, Vec<PupilGroupId>>,
    pub users: Vec<User>,
    pub user_groups: BTreeMap<UserGroupId, UserGroup>,
    pub keys: BTreeMap<UserId, KeyState>,
    /// When each user was added, for those who never signed in.
    pub added_at: BTreeMap<UserId, i64>,
    pub trail: TrailState,
    pub last_backup: Option<LastBackup>,
    /// Pupils with records past their keeping period (not held, not kept longer by a review).
    pub records_due: usize,
    /// Transfers sent with no receipt after 5 school days: "T-7KQ2M9XD to Oakfield Primary,
    /// sent 3 Dec 2026".
    pub transfers_unconfirmed: Vec<String>,
}

/// The audit trail's state, as its own check found it.
pub struct TrailState {
    pub sound: bool,
    /// In the admin's words: what was checked and what was found.
    pub description: String,
}

/// The newest backup recorded in the school file.
pub struct LastBackup {
    pub taken_at: i64,
    pub file_name: String,
}

impl Snapshot {
    fn restricted(&self) -> Vec<GroupType> {
        GroupType::ALL
            .into_iter()
            .filter(|t| self.school.is_restricted(*t))
            .collect()
    }

    fn group(&self, id: PupilGroupId) -> Option<&PupilGroup> {
        self.groups.iter().find(|g| g.id == id)
    }

    fn group_index(&self) -> BTreeMap<PupilGroupId, &PupilGroup> {
        self.groups.iter().map(|g| (g.id, g)).collect()
    }

    /// "Year 3 (Academic Level), 12 pupils": a group with how many current pupils it has.
    fn group_label(&self, id: PupilGroupId) -> String {
        let pupils = self
            .pupils
            .iter()
            .filter(|p| !p.archived)
            .filter(|p| self.memberships.get(&p.id).is_some_and(|g| g.contains(&id)))
            .count();
        let name = self.group(id).map(|g| g.title()).unwrap_or_default();
        if pupils == 0 {
            format!("{name}, no pupils yet")
        } else {
            format!("{name}, {}", count(pupils, "pupil", "pupils"))
        }
    }

    fn group_item(&self, id: PupilGroupId) -> Item {
        Item::plain(
            self.group_label(id),
            self.group(id).map(|g| Place::AccessList(g.group_type, id)),
        )
    }

    fn user_group(&self, u: &User) -> Option<&UserGroup> {
        self.user_groups.get(&u.user_group)
    }

    /// Staff sorted by surname, then forename.
    fn people(&self) -> Vec<&User> {
        let mut people: Vec<&User> = self.users.iter().collect();
        people.sort_by_key(|u| (names::sort_key(&u.forename, &u.surname), u.id));
        people
    }

    /// "Amara Okoye (Teachers)", opening their profile.
    fn person(&self, u: &User) -> Item {
        let group = self
            .user_group(u)
            .map(|g| g.name.as_str())
            .unwrap_or("no group");
        Item::plain(
            format!("{} ({group})", u.full_name()),
            Some(Place::User(u.id)),
        )
    }

    /// The user as the access rule sees them, counting only a soft key that works now.
    fn viewer(&self, u: &User) -> Viewer {
        Viewer::of(
            u,
            self.user_group(u),
            self.keys.get(&u.id) == Some(&KeyState::Active),
        )
    }
}

/// Every finding, warnings first; within each, in the order of [`Check`].
pub fn findings(s: &Snapshot) -> Vec<Finding> {
    let mut all = pupils_without_group(s);
    all.extend(
        [
            several_types_restricted(s),
            empty_access_lists(s),
            no_key_holder_can_see(s),
            administrators(s),
            capped_without_key(s),
            active_users_in_inactive_groups(s),
            not_signed_in_recently(s),
            locked_accounts(s),
            new_groups(s),
            archived_pupils_in_groups(s),
            Some(audit_trail(s)),
            Some(last_backup(s)),
            records_due(s),
            transfers_unconfirmed(s),
        ]
        .into_iter()
        .flatten(),
    );
    all.sort_by_key(|f| f.severity);
    all
}

/// Pupils who fail closed because they have no group of a restricted type, one finding a type.
pub fn pupils_without_group(s: &Snapshot) -> Vec<Finding> {
    let pupil_by_id: BTreeMap<PupilId, &Pupil> = s.pupils.iter().map(|p| (p.id, p)).collect();
    let mut found = Vec::new();
    for t in s.restricted() {
        let missing = s.school.pupils_without_group_of(t);
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
        found.push(Finding {
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
    found
}

pub fn several_types_restricted(s: &Snapshot) -> Option<Finding> {
    let restricted = s.restricted();
    if restricted.len() < 2 {
        return None;
    }
    let labels: Vec<String> = restricted.iter().map(|t| t.plural().to_string()).collect();
    Some(Finding {
        check: Check::SeveralTypesRestricted,
        severity: Severity::Warning,
        title: format!(
            "Access is restricted by {} types of group",
            restricted.len()
        ),
        explanation: format!(
            "Restricted by {}: a member of staff then has to be on the lists of all of a pupil's groups to see them, so one list easily undoes another. Restricting by one type is usually enough.",
            list_names(&labels)
        ),
        items: restricted
            .iter()
            .map(|t| Item::plain(t.plural(), Some(Place::Groups(*t))))
            .collect(),
        fix: Place::Groups(restricted[0]),
    })
}

/// Restricted groups whose list names nobody.
pub fn empty_access_lists(s: &Snapshot) -> Option<Finding> {
    let empty = s.school.empty_access_lists();
    if empty.is_empty() {
        return None;
    }
    Some(Finding {
        check: Check::EmptyAccessList,
        severity: Severity::Warning,
        title: format!(
            "{} with nobody on the access list",
            count(empty.len(), "restricted group", "restricted groups")
        ),
        explanation: "Nobody can see the pupils of these groups. Open each one and move the staff who should see them (remember your safeguarding team) to \"can see\".".into(),
        items: empty.iter().map(|g| s.group_item(*g)).collect(),
        fix: fix_for_groups(&empty, &s.group_index()),
    })
}

/// Restricted groups whose list names people, none of whom could open a pupil's profile.
pub fn no_key_holder_can_see(s: &Snapshot) -> Option<Finding> {
    let can_open_profiles = |u: UserId| {
        s.users
            .iter()
            .find(|x| x.id == u)
            .is_some_and(|user| s.viewer(user).may(Purpose::Profile))
    };
    let unseen: Vec<PupilGroupId> = s
        .school
        .groups()
        .iter()
        .filter(|g| s.school.is_restricted(g.group_type))
        .filter(|g| {
            let list = s.access_lists.get(&g.id).map(Vec::as_slice).unwrap_or(&[]);
            !list.is_empty() && !list.iter().any(|u| can_open_profiles(*u))
        })
        .map(|g| g.id)
        .collect();
    if unseen.is_empty() {
        return None;
    }
    Some(Finding {
        check: Check::NoKeyHolderCanSee,
        severity: Severity::Warning,
        title: format!(
            "{} that no key holder can open",
            count(unseen.len(), "restricted group", "restricted groups")
        ),
        explanation: "Everyone on these access lists is inactive, lacks View student details, or has no active soft key, so nobody can open these pupils' profiles. Add a key holder to each list.".into(),
        items: unseen.iter().map(|g| s.group_item(*g)).collect(),
        fix: fix_for_groups(&unseen, &s.group_index()),
    })
}

pub fn administrators(s: &Snapshot) -> Option<Finding> {
    let admins: Vec<Item> = s
        .people()
        .into_iter()
        .filter(|u| {
            u.active
                && s.user_group(u)
                    .is_some_and(|g| g.active && g.system.has_administration())
        })
        .map(|u| s.person(u))
        .collect();
    if admins.is_empty() {
        return None;
    }
    Some(Finding {
        check: Check::Administrators,
        severity: Severity::Information,
        title: format!(
            "{} with Administration permissions",
            count(admins.len(), "user", "users")
        ),
        explanation: "Their user groups let them manage the system or hold other Administration permissions. Check that each of them is senior staff who should.".into(),
        items: admins,
        fix: Place::Users,
    })
}

pub fn capped_without_key(s: &Snapshot) -> Option<Finding> {
    let capped: Vec<Item> = s
        .people()
        .into_iter()
        .filter(|u| u.active && s.keys.get(&u.id) == Some(&KeyState::NotEnrolled))
        .filter(|u| {
            s.user_group(u).is_some_and(|g| {
                EffectivePermissions::compute(g.system, &g.categories, g.active, true, false)
                    .capped_for_no_key
            })
        })
        .map(|u| s.person(u))
        .collect();
    if capped.is_empty() {
        return None;
    }
    Some(Finding {
        check: Check::CappedWithoutKey,
        severity: Severity::Warning,
        title: format!(
            "{} without a soft key, so held to the basic permissions",
            count(capped.len(), "user", "users")
        ),
        explanation: "Their user groups give them more than the basics, but without a soft key they can only record concerns and use the library. Give each a set-up code from their profile so they can enrol a key, or move them to a basic group.".into(),
        fix: one_or(&capped, Place::Users),
        items: capped,
    })
}

pub fn active_users_in_inactive_groups(s: &Snapshot) -> Option<Finding> {
    let stranded: Vec<&User> = s
        .people()
        .into_iter()
        .filter(|u| u.active && s.user_group(u).is_some_and(|g| !g.active))
        .collect();
    if stranded.is_empty() {
        return None;
    }
    let mut groups_involved: Vec<UserGroupId> = stranded.iter().map(|u| u.user_group).collect();
    groups_involved.dedup();
    let fix = match groups_involved.as_slice() {
        [one] => Place::UserGroup(*one),
        _ => Place::Users,
    };
    Some(Finding {
        check: Check::ActiveUsersInInactiveGroups,
        severity: Severity::Warning,
        title: format!(
            "{} in an inactive user group",
            count(stranded.len(), "active user", "active users")
        ),
        explanation: "Members of an inactive group cannot sign in or do anything. Move each of them to an active group, deactivate them, or make the group active again.".into(),
        items: stranded.iter().map(|u| s.person(u)).collect(),
        fix,
    })
}

pub fn not_signed_in_recently(s: &Snapshot) -> Option<Finding> {
    let dormant_since = s.now - DORMANT_AFTER_DAYS * DAY;
    let dormant: Vec<Item> = s
        .people()
        .into_iter()
        .filter(|u| u.active)
        .filter(|u| match u.last_login_at {
            Some(t) => t < dormant_since,
            None => s.added_at.get(&u.id).is_some_and(|t| *t < dormant_since),
        })
        .map(|u| {
            let mut item = s.person(u);
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
    if dormant.is_empty() {
        return None;
    }
    Some(Finding {
        check: Check::NotSignedInRecently,
        severity: Severity::Warning,
        title: format!(
            "{} not signed in for {DORMANT_AFTER_DAYS} days",
            count(dormant.len(), "user", "users")
        ),
        explanation: "An account nobody uses still opens the school's records. Deactivate the accounts of staff who have left or no longer need access.".into(),
        items: dormant,
        fix: Place::Users,
    })
}

pub fn locked_accounts(s: &Snapshot) -> Option<Finding> {
    let locked: Vec<Item> = s
        .people()
        .into_iter()
        .filter(|u| u.active && matches!(s.keys.get(&u.id), Some(KeyState::Locked { .. })))
        .map(|u| s.person(u))
        .collect();
    if locked.is_empty() {
        return None;
    }
    let fix = one_or(&locked, Place::Users);
    Some(Finding {
        check: Check::LockedAccounts,
        severity: Severity::Warning,
        title: format!("{} locked after wrong codes", count(locked.len(), "account", "accounts")),
        explanation: "Too many wrong soft-key codes were typed. If you know it was the person themselves, clear the lock from their profile; otherwise find out who tried.".into(),
        items: locked,
        fix,
    })
}

pub fn new_groups(s: &Snapshot) -> Option<Finding> {
    let new_groups: Vec<&PupilGroup> = s.school.groups().iter().filter(|g| g.is_new).collect();
    let first = new_groups.first()?;
    Some(Finding {
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
        fix: Place::Groups(first.group_type),
    })
}

/// Archived pupils still members of groups: hidden by the rule, so information only.
pub fn archived_pupils_in_groups(s: &Snapshot) -> Option<Finding> {
    let mut archived_in: BTreeMap<PupilGroupId, usize> = BTreeMap::new();
    for p in s.pupils.iter().filter(|p| p.archived) {
        for g in s.memberships.get(&p.id).into_iter().flatten() {
            *archived_in.entry(*g).or_insert(0) += 1;
        }
    }
    let archived_pupils: BTreeSet<PupilId> = s
        .pupils
        .iter()
        .filter(|p| p.archived && s.memberships.get(&p.id).is_some_and(|g| !g.is_empty()))
        .map(|p| p.id)
        .collect();
    if archived_pupils.is_empty() {
        return None;
    }
    let mut items: Vec<(_, Item)> = archived_in
        .iter()
        .filter_map(|(g, n)| s.group(*g).map(|g| (g, n)))
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
    Some(Finding {
        check: Check::ArchivedPupilsInGroups,
        severity: Severity::Information,
        title: format!(
            "{} still in groups",
            count(archived_pupils.len(), "archived pupil", "archived pupils")
        ),
        explanation: "Archived pupils are hidden from everyone whatever lists they are on, so this is harmless; they stay in their groups so their history still makes sense.".into(),
        items: items.into_iter().map(|(_, i)| i).collect(),
        fix,
    })
}

/// The chain and the key file's record of it, always reported.
pub fn audit_trail(s: &Snapshot) -> Finding {
    let sound = s.trail.sound;
    Finding {
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
            s.trail.description.clone()
        } else {
            format!(
                "{} Restore the latest backup taken before that entry, and find out who had the file.",
                s.trail.description
            )
        },
        items: Vec::new(),
        fix: Place::Audits,
    }
}

/// Records kept past their policy's period: keeping them longer than needed is itself a breach
/// of data protection, so someone should review them.
pub fn records_due(s: &Snapshot) -> Option<Finding> {
    (s.records_due > 0).then(|| Finding {
        check: Check::RecordsDue,
        severity: Severity::Warning,
        title: format!(
            "{} past their keeping period",
            count(s.records_due, "pupil has records", "pupils have records")
        ),
        explanation: "Their categories' data destruction policy says how long to keep them, and that time is over. Review them on Data Destruction Policies: keep them longer with a reason, or place a hold if they may be needed.".into(),
        items: Vec::new(),
        fix: Place::Retention,
    })
}

pub fn transfers_unconfirmed(s: &Snapshot) -> Option<Finding> {
    (!s.transfers_unconfirmed.is_empty()).then(|| Finding {
        check: Check::TransfersUnconfirmed,
        severity: Severity::Warning,
        title: format!(
            "{} without a receipt after 5 school days",
            count(s.transfers_unconfirmed.len(), "transfer", "transfers")
        ),
        explanation: "A pupil's child protection file was sent to their new school and no receipt has come back. Contact the receiving school to check it arrived, then enter its receipt on Admin > Transfers.".into(),
        items: s
            .transfers_unconfirmed
            .iter()
            .map(|t| Item::plain(t.clone(), Some(Place::Transfers)))
            .collect(),
        fix: Place::Transfers,
    })
}

/// The last backup, always reported: a warning when there is none or it is overdue.
pub fn last_backup(s: &Snapshot) -> Finding {
    let last = &s.last_backup;
    let due = last
        .as_ref()
        .is_none_or(|b| b.taken_at < s.now - BACKUP_DUE_AFTER_DAYS * DAY);
    Finding {
        check: Check::LastBackup,
        severity: if due {
            Severity::Warning
        } else {
            Severity::Information
        },
        title: match last {
            None => "No backup has been taken yet".into(),
            Some(b) if due => format!(
                "The last backup is {} old",
                count(((s.now - b.taken_at) / DAY).max(0) as usize, "day", "days")
            ),
            Some(b) => format!("Last backup {}", crate::clock::format_local(b.taken_at)),
        },
        explanation: match last {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::SystemPermission;
    use crate::model::access::SchoolAccessInput;

    /// One restricted Academic Level group whose list holds one teacher with View student
    /// details, whose key is in `key`.
    fn school(key: KeyState, backup_age_days: Option<i64>) -> Snapshot {
        let now = 1_800_000_000;
        let group = PupilGroup {
            id: PupilGroupId(1),
            group_type: GroupType::AcademicLevel,
            name: "Year 4".into(),
            mis_id: None,
            is_new: false,
        };
        let teachers = UserGroup {
            id: UserGroupId(1),
            name: "Teachers".into(),
            active: true,
            system: [SystemPermission::ViewStudentDetails].into_iter().collect(),
            categories: Default::default(),
        };
        let teacher = User {
            id: UserId(7),
            title: "Ms".into(),
            forename: "Amara".into(),
            surname: "Okoye".into(),
            email: "a.okoye@school.example".into(),
            job_title: String::new(),
            user_group: teachers.id,
            active: true,
            last_login_at: Some(now),
        };
        let access_lists = BTreeMap::from([(group.id, vec![teacher.id])]);
        let snapshot = |school| Snapshot {
            now,
            school,
            groups: vec![group.clone()],
            access_lists: access_lists.clone(),
            pupils: Vec::new(),
            memberships: BTreeMap::new(),
            users: vec![teacher.clone()],
            user_groups: BTreeMap::from([(teachers.id, teachers.clone())]),
            keys: BTreeMap::from([(teacher.id, key)]),
            added_at: BTreeMap::new(),
            trail: TrailState {
                sound: true,
                description: "Every entry checks out.".into(),
            },
            last_backup: backup_age_days.map(|d| LastBackup {
                taken_at: now - d * DAY,
                file_name: "Larkfield.khbackup".into(),
            }),
            records_due: 0,
            transfers_unconfirmed: Vec::new(),
        };
        snapshot(SchoolAccess::new(SchoolAccessInput {
            restricted: [GroupType::AcademicLevel].into(),
            groups: vec![group.clone()],
            access_lists: BTreeMap::from([(group.id, [teacher.id].into())]),
            ..Default::default()
        }))
    }

    #[test]
    fn a_restricted_group_is_unseen_only_when_nobody_on_its_list_can_open_profiles() {
        assert_eq!(no_key_holder_can_see(&school(KeyState::Active, None)), None);
        let locked = no_key_holder_can_see(&school(KeyState::Locked { until: i64::MAX }, None))
            .expect("a locked key opens nothing");
        assert_eq!(
            locked.items[0].place,
            Some(Place::AccessList(GroupType::AcademicLevel, PupilGroupId(1)))
        );
        assert_eq!(
            locked_accounts(&school(KeyState::Locked { until: i64::MAX }, None))
                .map(|f| f.items.len()),
            Some(1)
        );
    }

    #[test]
    fn the_last_backup_is_a_warning_when_missing_or_overdue() {
        let none = last_backup(&school(KeyState::Active, None));
        assert_eq!(
            (none.severity, none.fix),
            (Severity::Warning, Place::Backup)
        );
        let old = last_backup(&school(KeyState::Active, Some(BACKUP_DUE_AFTER_DAYS + 1)));
        assert!(
            old.is_warning() && old.title.contains("8 days old"),
            "{}",
            old.title
        );
        let recent = last_backup(&school(KeyState::Active, Some(1)));
        assert_eq!(recent.severity, Severity::Information);
        let all = findings(&school(KeyState::Active, Some(1)));
        assert!(all.iter().all(|f| !f.is_warning()), "{all:#?}");
    }
}
