//! The precomputed whole-school access rule (`model::access`) against a plain transcription of
//! the rule in ARCHITECTURE.md, on random small schools: random restricted types, groups of each
//! type (sometimes none), pupils in zero, one or two groups of a type, access lists (sometimes
//! missing), and users with every combination of active account, active group, soft key and
//! permissions. Every user × pupil × purpose must agree, reasons and their order included.

use keyholder::model::access::{
    Decision, Purpose, Refusal, SchoolAccess, SchoolAccessInput, Viewer,
};
use keyholder::model::{
    GroupType, PupilGroup, PupilGroupId, PupilId, SystemPermission, SystemPermissions, UserId,
};
use proptest::prelude::*;
use std::collections::{BTreeMap, BTreeSet};

/// Few names, some differing only in case, so ordering ties fall back to the group id.
const NAMES: [&str; 4] = ["Red", "red", "Blue", "Year 1"];

/// Permissions drawn from: the two the rule reads, the one recording needs, and Manage system
/// to show it grants nothing here.
const PERMISSIONS: [SystemPermission; 4] = [
    SystemPermission::ViewStudentsList,
    SystemPermission::ViewStudentDetails,
    SystemPermission::AddNewIncident,
    SystemPermission::ManageSystem,
];

#[derive(Debug, Clone)]
struct GenUser {
    active: bool,
    group_active: bool,
    key: bool,
    permissions: u8,
}

#[derive(Debug, Clone)]
struct GenSchool {
    restricted: [bool; 3],
    /// (type index, name index) per group.
    groups: Vec<(usize, usize)>,
    /// Per group: no list at all, or who is on it (by user index).
    lists: Vec<Option<Vec<bool>>>,
    /// Per pupil: group indices; an index equal to the number of groups names a group the school
    /// does not have.
    pupils: Vec<Vec<usize>>,
    users: Vec<GenUser>,
}

fn user() -> impl Strategy<Value = GenUser> {
    (
        prop::bool::weighted(0.85),
        prop::bool::weighted(0.85),
        prop::bool::weighted(0.75),
        any::<u8>(),
    )
        .prop_map(|(active, group_active, key, permissions)| GenUser {
            active,
            group_active,
            key,
            permissions,
        })
}

fn school() -> impl Strategy<Value = GenSchool> {
    // Mostly tiny schools; sometimes more than 64 users, so user sets span several words.
    let users = prop_oneof![4 => 0usize..7, 1 => 60usize..72];
    (users, 0usize..9, 0usize..8).prop_flat_map(|(users, pupils, groups)| {
        (
            prop::array::uniform3(any::<bool>()),
            prop::collection::vec((0usize..3, 0usize..NAMES.len()), groups),
            prop::collection::vec(
                prop::option::weighted(
                    0.85,
                    prop::collection::vec(prop::bool::weighted(0.7), users),
                ),
                groups,
            ),
            prop::collection::vec(prop::collection::vec(0..=groups, 0..5), pupils),
            prop::collection::vec(user(), users),
        )
            .prop_map(|(restricted, groups, lists, pupils, users)| GenSchool {
                restricted,
                groups,
                lists,
                pupils,
                users,
            })
    })
}

fn group_id(g: usize) -> PupilGroupId {
    PupilGroupId(1000 + g as i64)
}

/// Ids out of step with the generation order, so sorting by id is exercised.
fn user_id(u: usize) -> UserId {
    UserId(500 - 3 * u as i64)
}

fn pupil_id(p: usize) -> PupilId {
    PupilId(900 - 7 * p as i64)
}

fn input(s: &GenSchool) -> SchoolAccessInput {
    let restricted = GroupType::ALL
        .into_iter()
        .zip(s.restricted)
        .filter(|(_, on)| *on)
        .map(|(t, _)| t)
        .collect();
    let groups = s
        .groups
        .iter()
        .enumerate()
        .map(|(g, &(t, name))| PupilGroup {
            id: group_id(g),
            group_type: GroupType::ALL[t],
            name: NAMES[name].to_string(),
            mis_id: None,
            is_new: false,
        })
        .collect();
    let access_lists = s
        .lists
        .iter()
        .enumerate()
        .filter_map(|(g, list)| {
            let list = list.as_ref()?;
            let users = list
                .iter()
                .enumerate()
                .filter(|(_, on)| **on)
                .map(|(u, _)| user_id(u))
                .collect();
            Some((group_id(g), users))
        })
        .collect();
    let pupils = s
        .pupils
        .iter()
        .enumerate()
        .map(|(p, groups)| (pupil_id(p), groups.iter().map(|&g| group_id(g)).collect()))
        .collect();
    let viewers = s
        .users
        .iter()
        .enumerate()
        .map(|(u, generated)| Viewer {
            user: user_id(u),
            active: generated.active,
            group_active: generated.group_active,
            group_name: format!("Group {u}"),
            group_permissions: PERMISSIONS
                .iter()
                .enumerate()
                .filter(|(i, _)| generated.permissions & (1 << i) != 0)
                .map(|(_, p)| *p)
                .collect::<SystemPermissions>(),
            has_active_key: generated.key,
        })
        .collect();
    SchoolAccessInput {
        restricted,
        groups,
        access_lists,
        pupils,
        viewers,
    }
}

/// The rule as written, one user and one pupil at a time, with no precomputation.
struct Reference<'a> {
    input: &'a SchoolAccessInput,
}

impl Reference<'_> {
    fn viewer(&self, user: UserId) -> &Viewer {
        self.input
            .viewers
            .iter()
            .find(|v| v.user == user)
            .expect("generated user")
    }

    fn on_list(&self, user: UserId, group: PupilGroupId) -> bool {
        self.input
            .access_lists
            .get(&group)
            .is_some_and(|list| list.contains(&user))
    }

    /// Groups in the order reasons are reported: name ignoring case, then id.
    fn sorted(mut groups: Vec<&PupilGroup>) -> Vec<&PupilGroup> {
        groups.sort_by_key(|g| (g.name.trim().to_lowercase(), g.id));
        groups.dedup_by_key(|g| g.id);
        groups
    }

    fn refusals(&self, user: UserId, pupil: PupilId, purpose: Purpose) -> Vec<Refusal> {
        let v = self.viewer(user);
        let mut refusals = Vec::new();
        // 1. Active account in an active group.
        if !v.active {
            refusals.push(Refusal::AccountInactive);
        }
        if !v.group_active {
            refusals.push(Refusal::GroupInactive);
        }
        // 4. The permission, which is above the basic level, so it also needs the key.
        let needed = match purpose {
            Purpose::List => SystemPermission::ViewStudentsList,
            Purpose::Profile => SystemPermission::ViewStudentDetails,
        };
        if !v.group_permissions.contains(needed) {
            refusals.push(Refusal::MissingPermission(needed));
        } else if !v.has_active_key {
            refusals.push(Refusal::NoKey(needed));
        }
        // 2 and 3. Class restrictions, type by type.
        let membership = &self.input.pupils[&pupil];
        for t in GroupType::ALL {
            if !self.input.restricted.contains(&t) {
                continue;
            }
            let of_type: Vec<&PupilGroup> = self
                .input
                .groups
                .iter()
                .filter(|g| g.group_type == t)
                .collect();
            let pupils_groups: Vec<&PupilGroup> = Self::sorted(
                of_type
                    .iter()
                    .copied()
                    .filter(|g| membership.contains(&g.id))
                    .collect(),
            );
            if pupils_groups.is_empty() {
                let on_every =
                    !of_type.is_empty() && of_type.iter().all(|g| self.on_list(user, g.id));
                if !on_every {
                    refusals.push(Refusal::NoGroupOfRestrictedType(t));
                }
            } else {
                for g in pupils_groups {
                    if !self.on_list(user, g.id) {
                        refusals.push(Refusal::NotOnAccessList(g.id));
                    }
                }
            }
        }
        refusals
    }

    fn can_find_to_record(&self, user: UserId) -> bool {
        let v = self.viewer(user);
        v.active
            && v.group_active
            && v.group_permissions
                .contains(SystemPermission::AddNewIncident)
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn fast_rule_agrees_with_the_rule_as_written(generated in school()) {
        let input = input(&generated);
        let reference = Reference { input: &input };
        let school = SchoolAccess::new(input.clone());

        let mut users: Vec<UserId> = input.viewers.iter().map(|v| v.user).collect();
        users.sort();
        let pupils: Vec<PupilId> = input.pupils.keys().copied().collect();
        prop_assert_eq!(school.pupils(), pupils.as_slice());

        for purpose in Purpose::ALL {
            let matrix = school.matrix(purpose);
            let mut counts: BTreeMap<UserId, usize> = users.iter().map(|u| (*u, 0)).collect();
            let mut nobody = Vec::new();
            for &pupil in &pupils {
                let mut can_see = Vec::new();
                for &user in &users {
                    let expected = reference.refusals(user, pupil, purpose);
                    let allowed = expected.is_empty();
                    let decision = school.decide(user, pupil, purpose);
                    prop_assert_eq!(
                        decision.as_ref().map(Decision::refusals),
                        Some(expected.as_slice()),
                        "user {} pupil {} {:?}", user, pupil, purpose
                    );
                    prop_assert_eq!(school.can(user, pupil, purpose), allowed);
                    prop_assert_eq!(matrix.can(user, pupil), allowed);
                    if allowed {
                        can_see.push(user);
                        *counts.entry(user).or_default() += 1;
                    }
                }
                prop_assert_eq!(&matrix.users_who_can_see(pupil), &can_see);
                prop_assert_eq!(matrix.seen_by_count(pupil), can_see.len());
                if can_see.is_empty() {
                    nobody.push(pupil);
                }
                let who: Vec<(UserId, bool)> = school
                    .who_can_see(pupil, purpose)
                    .iter()
                    .map(|(u, d)| (*u, d.is_allowed()))
                    .collect();
                let expected_who: Vec<(UserId, bool)> =
                    users.iter().map(|u| (*u, can_see.contains(u))).collect();
                prop_assert_eq!(who, expected_who);
            }
            prop_assert_eq!(matrix.pupils_nobody_can_see(), nobody);
            prop_assert_eq!(
                matrix.visible_counts(),
                counts.iter().map(|(u, c)| (*u, *c)).collect::<Vec<_>>()
            );
            for &user in &users {
                let expected: Vec<PupilId> = pupils
                    .iter()
                    .copied()
                    .filter(|&p| reference.refusals(user, p, purpose).is_empty())
                    .collect();
                prop_assert_eq!(school.visible_count(user, purpose), expected.len());
                prop_assert_eq!(school.visible_pupils(user, purpose), expected);
            }
        }

        for &user in &users {
            prop_assert_eq!(school.can_find_to_record(user), reference.can_find_to_record(user));
        }

        // The health check.
        for t in GroupType::ALL {
            let expected: Vec<PupilId> = pupils
                .iter()
                .copied()
                .filter(|p| {
                    !input.groups.iter().any(|g| g.group_type == t && input.pupils[p].contains(&g.id))
                })
                .collect();
            prop_assert_eq!(school.pupils_without_group_of(t), expected);
        }
        let mut empty: Vec<&PupilGroup> = input
            .groups
            .iter()
            .filter(|g| input.restricted.contains(&g.group_type))
            .filter(|g| input.access_lists.get(&g.id).is_none_or(BTreeSet::is_empty))
            .collect();
        empty.sort_by_key(|g| (g.group_type, g.name.to_lowercase(), g.id));
        prop_assert_eq!(
            school.empty_access_lists(),
            empty.iter().map(|g| g.id).collect::<Vec<_>>()
        );
    }
}
