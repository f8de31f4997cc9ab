//! "Who can see this pupil?" and "What can this user see?" through the service layer, checked
//! against an expectation worked out here from the school's export, independently of
//! `model::access`.

mod common;

use common::*;
use keyholder::model::{GroupType, KeyState, PupilId, UserId};
use keyholder::service::access::Reach;
use keyholder::service::{SchoolData, Session};
use std::collections::{BTreeMap, BTreeSet};

/// The rule as the design states it, over the export: (email, "Forename Surname") → reach.
fn expected(data: &SchoolData, with_key: &BTreeSet<String>) -> BTreeMap<(String, String), Reach> {
    let restricted: Vec<&str> = data
        .group_types
        .iter()
        .filter(|t| t.restricted)
        .map(|t| t.group_type.as_str())
        .collect();
    let mut out = BTreeMap::new();
    for user in &data.users {
        let group = data
            .user_groups
            .iter()
            .find(|g| g.name == user.user_group)
            .unwrap();
        let may = |p: &str| {
            let basic = ["add_new_incident", "view_files", "add_files"].contains(&p);
            user.active
                && group.active
                && group.system_permissions.iter().any(|g| g == p)
                && (basic || with_key.contains(&user.email))
        };
        for pupil in data.pupils.iter().filter(|p| !p.archived) {
            let passes = restricted.iter().all(|t| {
                let on_list = |name: &str| {
                    data.groups
                        .iter()
                        .find(|g| g.group_type == *t && g.name == name)
                        .is_some_and(|g| g.access.contains(&user.email))
                };
                let theirs: Vec<&str> = pupil
                    .groups
                    .iter()
                    .filter(|g| g.group_type == *t)
                    .map(|g| g.name.as_str())
                    .collect();
                if theirs.is_empty() {
                    let all: Vec<&str> = data
                        .groups
                        .iter()
                        .filter(|g| g.group_type == *t)
                        .map(|g| g.name.as_str())
                        .collect();
                    !all.is_empty() && all.into_iter().all(on_list)
                } else {
                    theirs.into_iter().all(on_list)
                }
            });
            let list = passes && may("view_students_list");
            let profile = passes && may("view_student_details");
            let reach = match (list, profile) {
                (_, true) => Reach::Profile,
                (true, false) => Reach::ListOnly,
                _ => Reach::Hidden,
            };
            out.insert(
                (
                    user.email.clone(),
                    format!("{} {}", pupil.forename, pupil.surname),
                ),
                reach,
            );
        }
    }
    out
}

fn key_holders(s: &Session) -> BTreeSet<String> {
    s.users_list()
        .unwrap()
        .into_iter()
        .filter(|r| r.key != KeyState::NotEnrolled)
        .map(|r| r.user.email)
        .collect()
}

fn user_id(s: &Session, email: &str) -> UserId {
    s.users_list()
        .unwrap()
        .into_iter()
        .find(|r| r.user.email == email)
        .unwrap()
        .user
        .id
}

/// Every user's report for every pupil agrees with the expectation.
fn check_everyone(s: &mut Session) -> usize {
    let data = s.export().unwrap();
    let want = expected(&data, &key_holders(s));
    let mut checked = 0;
    for user in &data.users {
        let report = s.what_user_can_see(user_id(s, &user.email)).unwrap();
        for p in &report.pupils {
            let key = (user.email.clone(), p.display_name(false));
            assert_eq!(Some(&p.reach), want.get(&key), "{key:?}");
            assert_eq!(
                p.reasons.is_empty(),
                p.reach == Reach::Profile && p.in_lists
            );
            checked += 1;
        }
    }
    assert_eq!(checked, want.len(), "every user and pupil on roll reported");
    checked
}

#[test]
fn every_user_sees_what_the_rule_says_in_the_demo_school() {
    let dir = tempfile::tempdir().unwrap();
    let (_location, creds) = demo_school(dir.path(), small());
    let mut s = creds.session;
    let checked = check_everyone(&mut s);
    assert_eq!(checked, 12 * 42);
    // The demo has teachers who see one year only and office staff who see nobody.
    let data = s.export().unwrap();
    let teacher = data
        .users
        .iter()
        .find(|u| u.user_group == "Teachers")
        .unwrap();
    let r = s.what_user_can_see(user_id(&s, &teacher.email)).unwrap();
    let seen = r.count(Reach::Profile);
    assert!(
        seen > 0 && seen < 42,
        "a teacher sees part of the school: {seen}"
    );
    let hidden = r.pupils.iter().find(|p| p.reach == Reach::Hidden).unwrap();
    assert_eq!(hidden.reasons.len(), 1, "{:?}", hidden.reasons);
    assert!(
        hidden.reasons[0].starts_with("not on the access list of Year")
            || hidden.reasons[0].starts_with("not on the access list of Reception"),
        "{:?}",
        hidden.reasons
    );
    assert!(hidden.reasons[0].ends_with("(Academic Level)"));
    let office = data
        .users
        .iter()
        .find(|u| u.user_group == "Office")
        .unwrap();
    let r = s.what_user_can_see(user_id(&s, &office.email)).unwrap();
    assert_eq!(r.count(Reach::Hidden), 42);
    assert!(r.can_record, "office staff can still record a concern");
}

#[test]
fn a_second_restricted_type_means_a_pupil_needs_both_lists() {
    let dir = tempfile::tempdir().unwrap();
    let (_location, creds) = demo_school(dir.path(), small());
    let mut s = creds.session;
    s.set_restricted(GroupType::House, true).unwrap();
    let tab = s.groups_tab().unwrap();
    let houses = tab
        .iter()
        .find(|t| t.group_type == GroupType::House)
        .unwrap();
    let data = s.export().unwrap();
    let teacher = data
        .users
        .iter()
        .find(|u| u.user_group == "Teachers" && u.active)
        .unwrap();
    let teacher_id = user_id(&s, &teacher.email);
    // Put the teacher on the first House's list only.
    let first_house = &houses.groups[0].group;
    s.save_access_list(first_house.id, &BTreeSet::from([teacher_id]))
        .unwrap();
    check_everyone(&mut s);
    let r = s.what_user_can_see(teacher_id).unwrap();
    let data = s.export().unwrap();
    for p in &r.pupils {
        let pupil = data
            .pupils
            .iter()
            .find(|d| format!("{} {}", d.forename, d.surname) == p.display_name(false))
            .unwrap();
        let in_house = pupil
            .groups
            .iter()
            .any(|g| g.group_type == "house" && g.name == first_house.name);
        if p.reach == Reach::Profile {
            assert!(in_house, "only pupils of {} can be seen", first_house.name);
        }
        if !in_house {
            assert!(
                p.reasons
                    .iter()
                    .any(|r| r.contains("(House)") || r.contains("has no House")),
                "{:?}",
                p.reasons
            );
        }
    }
    assert!(r.count(Reach::Profile) > 0);
}

#[test]
fn who_can_see_a_pupil_names_every_reason() {
    let dir = tempfile::tempdir().unwrap();
    let (_location, creds) = demo_school(dir.path(), small());
    let mut s = creds.session;
    let data = s.export().unwrap();
    let want = expected(&data, &key_holders(&s));
    let pupil = s.what_user_can_see(s.me().user.id).unwrap().pupils[0].clone();
    let report = s.who_can_see(pupil.pupil).unwrap();
    assert_eq!(report.users.len(), data.users.len());
    assert!(
        report
            .groups
            .iter()
            .any(|g| g.ends_with("(Academic Level)"))
    );
    for line in &report.users {
        let key = (line.email.clone(), pupil.display_name(false));
        assert_eq!(Some(&line.reach), want.get(&key), "{key:?}");
    }
    let office = report.users.iter().find(|u| u.group == "Office").unwrap();
    assert_eq!(office.reach, Reach::Hidden);
    assert!(
        office
            .reasons
            .iter()
            .any(|r| r.starts_with("missing permission") || r.starts_with("no soft key")),
        "{:?}",
        office.reasons
    );
    assert!(report.profile_count() > 0);
}

#[test]
fn only_an_administrator_asks_about_someone_else() {
    let dir = tempfile::tempdir().unwrap();
    let (location, creds) = demo_school(dir.path(), small());
    let mut admin = creds.session;
    let data = admin.export().unwrap();
    let teacher = data
        .users
        .iter()
        .find(|u| u.user_group == "Teachers" && u.active)
        .unwrap();
    let pupil = admin.what_user_can_see(admin.me().user.id).unwrap().pupils[0].pupil;
    let teacher_id = user_id(&admin, &teacher.email);
    let about_teacher = admin.what_user_can_see(teacher_id).unwrap();
    assert!(!about_teacher.hidden_left_out);
    assert_eq!(about_teacher.pupils.len(), data.pupils.len());
    assert!(about_teacher.pupils.iter().any(|p| !p.in_lists));
    let admin_id = admin.me().user.id;
    drop(admin);
    let t = sign_in_demo_user(&location, &teacher.email);
    let own = t.what_user_can_see(t.me().user.id).unwrap();
    assert_eq!(own.email, teacher.email);
    // A teacher hears only about the pupils in their own lists: the rest are neither named nor
    // counted. (The administrator's report on the same teacher lists everyone.)
    assert!(own.hidden_left_out);
    assert!(!own.pupils.is_empty());
    assert!(own.pupils.iter().all(|p| p.in_lists));
    assert!(
        own.pupils.len() < data.pupils.len(),
        "the teacher is restricted"
    );
    assert!(t.what_user_can_see(admin_id).is_err());
    assert!(t.who_can_see(pupil).is_err());
}

#[test]
fn archived_pupils_are_left_out_and_refused() {
    let dir = tempfile::tempdir().unwrap();
    let (_location, creds) = demo_school(dir.path(), small());
    let mut s = creds.session;
    let levels = s
        .groups_tab()
        .unwrap()
        .into_iter()
        .find(|t| t.group_type == GroupType::AcademicLevel)
        .unwrap();
    let year = &levels.groups[0];
    let before: BTreeSet<PupilId> = s
        .what_user_can_see(s.me().user.id)
        .unwrap()
        .pupils
        .iter()
        .map(|p| p.pupil)
        .collect();
    assert_eq!(before.len(), 42);
    s.archive_group_pupils(year.group.id).unwrap();
    let after = s.what_user_can_see(s.me().user.id).unwrap();
    assert_eq!(after.pupils.len(), 42 - year.pupils);
    let gone = before
        .iter()
        .find(|p| !after.pupils.iter().any(|a| a.pupil == **p))
        .unwrap();
    let err = s.who_can_see(*gone).unwrap_err().to_string();
    assert!(err.contains("archived"), "{err}");
}
