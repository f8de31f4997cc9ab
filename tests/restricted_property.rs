//! Restricted concerns on random restrictions of a demo school: incidents restricted to random
//! people and user groups, pupils' records locked, staff named as involved (their groups let in
//! or not), and new concerns recorded restricted and alerted to everyone. For every member of
//! staff, what the profile, the chronology, the incidents report and the Dashboard show must be
//! exactly what a plain transcription of the rule allows: no restricted incident is ever read,
//! counted, listed or alerted to anyone outside its list; the recorder keeps it; staff named
//! are kept out; the class rule and the category grid still apply to people on a list.

mod common;

use common::*;
use keyholder::model::casework::ChronologyFilter;
use keyholder::model::report::{ReportKind, ReportSpec};
use keyholder::model::restriction::{Readers, StaffInvolved};
use keyholder::model::{CategoryPermission, IncidentId, PupilId, UserGroupId, UserId};
use keyholder::service::Session;
use keyholder::service::alerts::AlertTo;
use keyholder::service::records::NewConcern;
use keyholder::service::restrictions::Restricting;
use keyholder::vault::Location;
use proptest::prelude::*;
use std::collections::{BTreeMap, BTreeSet};

#[derive(Debug, Clone)]
struct Plan {
    /// (incident index, user indices, group indices).
    restricted: Vec<(usize, Vec<usize>, Vec<usize>)>,
    /// (pupil index, user indices, group indices).
    locked: Vec<(usize, Vec<usize>, Vec<usize>)>,
    /// (incident index, user index, their group may read).
    staff: Vec<(usize, usize, bool)>,
    /// New concerns: (pupil index, user indices, group indices, restricted only after its
    /// alerts went), recorded by the head and alerted to every user group.
    new: Vec<(usize, Vec<usize>, Vec<usize>, bool)>,
}

fn plan() -> impl Strategy<Value = Plan> {
    let list = || prop::collection::vec(0usize..64, 0..3);
    (
        prop::collection::vec((0usize..512, list(), list()), 0..6),
        prop::collection::vec((0usize..64, list(), list()), 0..2),
        prop::collection::vec((0usize..512, 0usize..64, any::<bool>()), 0..4),
        prop::collection::vec((0usize..64, list(), list(), any::<bool>()), 0..3),
    )
        .prop_map(|(restricted, locked, staff, new)| Plan {
            restricted,
            locked,
            staff,
            new,
        })
}

/// The rule as the issue states it, written out again on plain data.
struct Oracle {
    restricted: BTreeMap<IncidentId, Readers>,
    locked: BTreeMap<PupilId, Readers>,
    staff: BTreeMap<IncidentId, Vec<StaffInvolved>>,
    group_of: BTreeMap<UserId, UserGroupId>,
    recorder: BTreeMap<IncidentId, Option<UserId>>,
}

impl Oracle {
    fn on(list: &Readers, user: UserId, group: Option<UserGroupId>) -> bool {
        list.users.contains(&user) || group.is_some_and(|g| list.groups.contains(&g))
    }

    fn may_read(&self, user: UserId, incident: IncidentId, pupil: PupilId) -> bool {
        let group = self.group_of.get(&user).copied();
        let staff = self.staff.get(&incident).cloned().unwrap_or_default();
        // Named staff: never.
        if staff.iter().any(|s| s.user == user) {
            return false;
        }
        // The recorder: always (short of being named).
        if self.recorder.get(&incident).copied().flatten() == Some(user) {
            return true;
        }
        // The named staff's groups, unless let in.
        for s in &staff {
            if !s.group_may_read && self.group_of.get(&s.user).copied() == group {
                return false;
            }
        }
        if let Some(list) = self.restricted.get(&incident)
            && !Self::on(list, user, group)
        {
            return false;
        }
        if let Some(list) = self.locked.get(&pupil)
            && !Self::on(list, user, group)
        {
            return false;
        }
        true
    }
}

fn readers(users: &[UserId], groups: &[UserGroupId], u: &[usize], g: &[usize]) -> Readers {
    Readers {
        users: u.iter().map(|i| users[i % users.len()]).collect(),
        groups: g.iter().map(|i| groups[i % groups.len()]).collect(),
    }
}

fn check(plan: &Plan) {
    let dir = tempfile::tempdir().unwrap();
    let (location, creds) = demo_school(dir.path(), small());
    let mut admin = creds.session;
    let vault = open_vault(&location, &creds.email);
    let db = vault.db();
    let people = keyholder::vault::queries::people::users(db).unwrap();
    let users: Vec<UserId> = people.iter().filter(|u| u.active).map(|u| u.id).collect();
    let groups: Vec<UserGroupId> = keyholder::vault::queries::people::user_groups(db)
        .unwrap()
        .into_iter()
        .map(|g| g.id)
        .collect();
    let group_of: BTreeMap<UserId, UserGroupId> =
        people.iter().map(|u| (u.id, u.user_group)).collect();
    let pupils: Vec<PupilId> = keyholder::vault::queries::pupils::list(db)
        .unwrap()
        .into_iter()
        .filter(|p| !p.archived)
        .map(|p| p.id)
        .collect();
    // What the administrator can read, so the restrictions can be set through the service.
    let mut admins: Vec<(IncidentId, PupilId)> = Vec::new();
    for p in &pupils {
        if let Ok(profile) = admin.open_pupil_profile(*p) {
            admins.extend(profile.incidents.iter().map(|i| (i.id, *p)));
        }
    }
    assert!(!admins.is_empty(), "the head reads some incidents");
    let mut oracle = Oracle {
        restricted: BTreeMap::new(),
        locked: BTreeMap::new(),
        staff: BTreeMap::new(),
        group_of,
        recorder: BTreeMap::new(),
    };
    let me = admin.me().user.id;
    for (i, u, g) in &plan.restricted {
        let (incident, _) = admins[i % admins.len()];
        let only = readers(&users, &groups, u, g);
        let staff = oracle.staff.get(&incident).cloned().unwrap_or_default();
        // Once restricted to others, the head can no longer read it, so cannot change it.
        let changed = admin.restrict_incident(
            incident,
            &Restricting {
                only: Some(only.clone()),
                staff,
            },
        );
        if changed.is_ok() {
            oracle.restricted.insert(incident, only);
        } else {
            assert!(!oracle.may_read(me, incident, admins[i % admins.len()].1));
        }
    }
    for (i, u, allowed) in &plan.staff {
        let (incident, _) = admins[i % admins.len()];
        let user = users[u % users.len()];
        if user == me {
            continue;
        }
        let mut staff = oracle.staff.get(&incident).cloned().unwrap_or_default();
        staff.retain(|s| s.user != user);
        staff.push(StaffInvolved {
            user,
            group_may_read: *allowed,
        });
        // The head may have just shut themselves out (their own group): then it stays as is.
        let only = oracle.restricted.get(&incident).cloned();
        if admin
            .restrict_incident(
                incident,
                &Restricting {
                    only: only.clone(),
                    staff: staff.clone(),
                },
            )
            .is_ok()
        {
            oracle.staff.insert(incident, staff);
        }
    }
    for (p, u, g, later) in &plan.new {
        let pupil = pupils[p % pupils.len()];
        let category = admin.categories_to_record().unwrap()[0].id;
        let only = readers(&users, &groups, u, g);
        let at_first = (!later).then(|| only.clone());
        let recorded = admin
            .record_and_alert(
                &NewConcern {
                    pupil,
                    category,
                    occurred_at: now() - 3600,
                    description: "A restricted concern for the test.".into(),
                    linked: Vec::new(),
                    restriction: Restricting {
                        only: at_first,
                        staff: Vec::new(),
                    },
                },
                &AlertTo {
                    staff: Vec::new(),
                    groups: groups.clone(),
                },
            )
            .unwrap();
        if *later {
            // The recorder keeps their record, so they may restrict it after the alerts went.
            admin
                .restrict_incident(
                    recorded.id,
                    &Restricting {
                        only: Some(only.clone()),
                        staff: Vec::new(),
                    },
                )
                .unwrap();
        }
        oracle.restricted.insert(recorded.id, only);
    }
    for (p, u, g) in &plan.locked {
        let pupil = pupils[p % pupils.len()];
        let mut only = readers(&users, &groups, u, g);
        if only.is_empty() {
            only.users.insert(me);
        }
        if admin.lock_record(pupil, Some(&only)).is_ok() {
            oracle.locked.insert(pupil, only);
        }
    }
    let all = keyholder::vault::queries::incidents::list(db).unwrap();
    for i in &all {
        oracle.recorder.insert(i.id, i.recorded_by);
    }
    for u in people.iter().filter(|u| u.active) {
        let Some(mut s) = try_sign_in(&location, &u.email) else {
            continue;
        };
        let grid = s.me().permissions.categories.clone();
        let mut expected_total = 0usize;
        for p in &pupils {
            let Ok(profile) = s.open_pupil_profile(*p) else {
                continue;
            };
            let expected: BTreeSet<IncidentId> = all
                .iter()
                .filter(|i| i.pupil == *p)
                .filter(|i| grid.allows(i.category, CategoryPermission::ViewIncidents))
                .filter(|i| oracle.may_read(u.id, i.id, i.pupil))
                .map(|i| i.id)
                .collect();
            let shown: BTreeSet<IncidentId> = profile.incidents.iter().map(|i| i.id).collect();
            assert_eq!(shown, expected, "{}'s profile of pupil {}", u.email, p.0);
            let chronology = s.chronology(*p, &ChronologyFilter::default()).unwrap();
            let listed: BTreeSet<IncidentId> = chronology.incident_ids().into_iter().collect();
            assert_eq!(
                listed, expected,
                "{}'s chronology of pupil {}",
                u.email, p.0
            );
            expected_total += expected.len();
        }
        if s.me()
            .permissions
            .has(keyholder::model::SystemPermission::RunReports)
        {
            let report = s
                .run_report(&ReportSpec {
                    kind: ReportKind::Incidents,
                    range: keyholder::model::report::DateRange::Between {
                        from: chrono::Local::now().date_naive() - chrono::Duration::days(3000),
                        to: chrono::Local::now().date_naive(),
                    },
                    ..ReportSpec::default()
                })
                .unwrap();
            let counted: u32 = report
                .table
                .rows
                .iter()
                .filter(|r| r.depth == 0)
                .map(|r| r.total)
                .sum();
            assert_eq!(
                counted as usize, expected_total,
                "{}'s incidents report",
                u.email
            );
        }
        // The Dashboard shows exactly the alerts about incidents the person may read.
        let sent = keyholder::vault::queries::alerts::for_reader(
            db,
            u.id,
            keyholder::service::alerts::READ_ALERTS_SHOWN,
        )
        .unwrap();
        let expected_alerts = sent
            .iter()
            .filter(|a| {
                all.iter()
                    .find(|i| i.id == a.incident)
                    .is_some_and(|i| oracle.may_read(u.id, i.id, i.pupil))
            })
            .count();
        assert_eq!(
            s.dashboard().unwrap().alerts.len(),
            expected_alerts,
            "{}'s Dashboard",
            u.email
        );
    }
}

fn open_vault(location: &Location, email: &str) -> keyholder::vault::Vault {
    let key = keyholder::vault::KeyFile::read(&location.keys)
        .unwrap()
        .unlock_person(email, PASSWORD)
        .unwrap();
    keyholder::vault::Vault::open(location, &key).unwrap()
}

fn try_sign_in(location: &Location, email: &str) -> Option<Session> {
    std::panic::catch_unwind(|| sign_in_demo_user(location, email)).ok()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(6))]

    #[test]
    fn no_restricted_incident_reaches_anyone_outside_its_list(p in plan()) {
        check(&p);
    }
}
