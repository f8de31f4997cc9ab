//! What signed-in staff see of pupils' records, through the service layer, for demo users of
//! different groups. Expectations are worked out here from the school's export (group
//! memberships, access lists, permission grids), not from `model::access`.

mod common;

use common::*;
use keyholder::model::{GroupType, PupilId};
use keyholder::service::records::{NewConcern, PupilDetails};
use keyholder::service::{SchoolData, Session};
use keyholder::vault::Location;
use std::collections::BTreeSet;

fn name(p: &keyholder::service::school_data::PupilData) -> String {
    format!("{} {}", p.forename, p.surname)
}

/// A teacher on the access list of `year` and of no other Academic Level.
fn teacher_of(data: &SchoolData, year: &str) -> (String, String) {
    (common::teacher_of(data, year), year.to_string())
}

fn pupil_id(s: &Session, full_name: &str) -> PupilId {
    s.find_pupil_to_record(full_name)
        .unwrap()
        .into_iter()
        .find(|p| p.display_name(false) == full_name)
        .unwrap()
        .id
}

fn school(dir: &std::path::Path) -> (Location, Session, SchoolData) {
    let (location, mut creds) = demo_school(dir, small());
    let data = creds.session.export().unwrap();
    (location, creds.session, data)
}

#[test]
fn a_teacher_restricted_to_year_1_sees_year_1_only() {
    let dir = tempfile::tempdir().unwrap();
    let (location, mut admin, data) = school(dir.path());
    let (email, year) = teacher_of(&data, "Year 1");
    // One concern a teacher may read (Behaviour) and one they may not (Attendance).
    let first = data.pupils.iter().find(|p| level_of(p) == year).unwrap();
    let first_id = pupil_id(&admin, &name(first));
    for (category, text) in [
        ("Behaviour", "Pushed in the lunch queue."),
        ("Attendance", "Late three days running."),
    ] {
        let choice = admin
            .categories_to_record()
            .unwrap()
            .into_iter()
            .find(|c| c.label == category)
            .unwrap();
        admin
            .record_concern(&NewConcern {
                pupil: first_id,
                category: choice.id,
                occurred_at: now() - 7200,
                description: text.into(),
                linked: vec![],
                restriction: Default::default(),
            })
            .unwrap();
    }
    let data = admin.export().unwrap();
    drop(admin);
    let mut t = sign_in_demo_user(&location, &email);

    let expected: BTreeSet<String> = data
        .pupils
        .iter()
        .filter(|p| level_of(p) == year)
        .map(name)
        .collect();
    assert!(!expected.is_empty());
    let seen: BTreeSet<String> = t
        .my_pupils("")
        .unwrap()
        .iter()
        .map(|p| p.display_name(false))
        .collect();
    assert_eq!(seen, expected);

    // The class structure shows that year only, and no other group's pupils.
    let levels = t.class_structure(GroupType::AcademicLevel).unwrap();
    assert_eq!(
        levels
            .iter()
            .map(|c| c.group.name.as_str())
            .collect::<Vec<_>>(),
        [year.as_str()]
    );
    for c in t.class_structure(GroupType::RegistrationForm).unwrap() {
        for p in c.pupils {
            assert!(expected.contains(&p.display_name(false)));
        }
    }

    // A profile in that year opens, with monitored flags and incidents filtered to the
    // categories the Teachers grid lets them see.
    let grid = &data
        .user_groups
        .iter()
        .find(|g| g.name == "Teachers")
        .unwrap()
        .category_permissions;
    let may = |c: &keyholder::service::school_data::CategoryRef, view_incidents: bool| {
        grid.iter().any(|g| {
            g.category == *c
                && if view_incidents {
                    g.view_incidents
                } else {
                    g.view_students
                }
        })
    };
    for (index, p) in data.pupils.iter().enumerate() {
        let id = pupil_id(&t, &name(p));
        let opened = t.open_pupil_profile(id);
        if level_of(p) != year {
            let e = opened.unwrap_err().to_string();
            assert!(e.contains("You do not have access"), "{e}");
            continue;
        }
        let profile = opened.unwrap();
        let want_monitored = p.monitored.iter().filter(|c| may(c, false)).count();
        assert_eq!(profile.monitored.len(), want_monitored, "{}", name(p));
        let want_incidents = data
            .incidents
            .iter()
            .filter(|i| i.pupil == index && may(&i.category, true))
            .count();
        assert_eq!(profile.incidents.len(), want_incidents, "{}", name(p));
        if id == first_id {
            let texts: Vec<&str> = profile
                .incidents
                .iter()
                .map(|i| i.description.as_str())
                .collect();
            assert!(texts.contains(&"Pushed in the lunch queue."));
            assert!(!texts.contains(&"Late three days running."));
        }
        assert!(!profile.can_edit_details && !profile.can_edit_incidents);
    }
    // Each opened profile is in the audit, named by MIS ID, never by name.
    let admin = sign_in_demo_user(&location, "h.quinlan@millbrook.example");
    let views = admin.recent_audit("Pupil profile viewed", 1000).unwrap();
    assert_eq!(views.len(), expected.len());
    for v in &views {
        assert!(v.summary.starts_with("Viewed pupil P"), "{}", v.summary);
        assert!(data.pupils.iter().all(|p| !v.summary.contains(&p.surname)));
    }
}

#[test]
fn without_a_key_no_profiles_but_a_concern_about_any_pupil() {
    let dir = tempfile::tempdir().unwrap();
    let (location, admin, data) = school(dir.path());
    drop(admin);
    let office = data
        .users
        .iter()
        .find(|u| u.user_group == "Office" && u.active)
        .unwrap();
    let mut o = sign_in_demo_user(&location, &office.email);
    assert!(!o.me().signed_in_with_key);
    assert!(o.my_pupils("").is_err(), "no pupil list");
    let some_pupil = &data.pupils[data.pupils.len() - 1];
    let found = o.find_pupil_to_record(&some_pupil.surname).unwrap();
    let target = found
        .iter()
        .find(|p| p.display_name(false) == name(some_pupil))
        .expect("any pupil can be found by name");
    assert!(target.class.contains(level_of(some_pupil)));
    assert!(o.open_pupil_profile(target.id).is_err());
    let categories = o.categories_to_record().unwrap();
    assert!(!categories.is_empty());
    let recorded = o
        .record_concern(&NewConcern {
            pupil: target.id,
            category: categories[0].id,
            occurred_at: now() - 3600,
            description: "Came to the office upset at lunchtime.".into(),
            linked: vec![],
            restriction: Default::default(),
        })
        .unwrap();
    assert!(!recorded.readable, "cannot read it back without a key");
    // It is there for someone who may read it.
    let admin = sign_in_demo_user(&location, "h.quinlan@millbrook.example");
    let mut admin = admin;
    let profile = admin.open_pupil_profile(target.id).unwrap();
    assert!(profile.incidents.iter().any(|i| i.description
        == "Came to the office upset at lunchtime."
        && i.recorded_by == names_of(&office.forename, &office.surname)));
}

fn names_of(f: &str, s: &str) -> String {
    format!("{f} {s}")
}

#[test]
fn bad_concerns_are_refused_and_change_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let (_location, mut s, data) = school(dir.path());
    let before = s.export().unwrap().incidents.len();
    let id = pupil_id(&s, &name(&data.pupils[0]));
    let category = s.categories_to_record().unwrap()[0].id;
    let base = NewConcern {
        pupil: id,
        category,
        occurred_at: now() - 60,
        description: "Something".into(),
        linked: vec![],
        restriction: Default::default(),
    };
    let blank = NewConcern {
        description: "   ".into(),
        ..base.clone()
    };
    let future = NewConcern {
        occurred_at: now() + 86_400,
        ..base.clone()
    };
    let too_long = NewConcern {
        description: "x".repeat(keyholder::service::records::MAX_DESCRIPTION + 1),
        ..base.clone()
    };
    for bad in [blank, future, too_long] {
        assert!(s.record_concern(&bad).is_err());
    }
    assert_eq!(s.export().unwrap().incidents.len(), before);
    s.record_concern(&base).unwrap();
    assert_eq!(s.export().unwrap().incidents.len(), before + 1);
}

#[test]
fn an_inactive_groups_member_cannot_sign_in() {
    let dir = tempfile::tempdir().unwrap();
    let (location, mut admin, data) = school(dir.path());
    let teachers = user_group(&admin, "Teachers");
    admin
        .save_user_group(
            teachers.id,
            &teachers.name,
            false,
            teachers.system,
            &teachers.categories,
        )
        .unwrap();
    let teacher = data
        .users
        .iter()
        .find(|u| u.user_group == "Teachers")
        .unwrap();
    let Err(e) = keyholder::service::sign_in(&location, &teacher.email, PASSWORD) else {
        panic!("a member of an inactive group signed in")
    };
    assert!(e.to_string().contains("inactive"), "{e}");
}

#[test]
fn a_pupil_in_two_restricted_groups_needs_both_lists() {
    let dir = tempfile::tempdir().unwrap();
    let (location, mut admin, data) = school(dir.path());
    let (email, year) = teacher_of(&data, "Year 1");
    admin.set_restricted(GroupType::House, true).unwrap();
    let houses = admin
        .groups_tab()
        .unwrap()
        .into_iter()
        .find(|t| t.group_type == GroupType::House)
        .unwrap();
    let house = houses.groups[0].group.clone();
    let teacher_id = admin
        .users_list()
        .unwrap()
        .into_iter()
        .find(|r| r.user.email == email)
        .unwrap()
        .user
        .id;
    admin
        .save_access_list(house.id, &BTreeSet::from([teacher_id]))
        .unwrap();
    drop(admin);
    let t = sign_in_demo_user(&location, &email);
    let expected: BTreeSet<String> = data
        .pupils
        .iter()
        .filter(|p| {
            level_of(p) == year
                && p.groups
                    .iter()
                    .any(|g| g.group_type == "house" && g.name == house.name)
        })
        .map(name)
        .collect();
    let seen: BTreeSet<String> = t
        .my_pupils("")
        .unwrap()
        .iter()
        .map(|p| p.display_name(false))
        .collect();
    assert_eq!(seen, expected);
    assert!(!seen.is_empty());
}

#[test]
fn editing_needs_its_permission_and_is_audited() {
    let dir = tempfile::tempdir().unwrap();
    let (location, mut admin, data) = school(dir.path());
    let (email, year) = teacher_of(&data, "Year 1");
    let pupil = data.pupils.iter().find(|p| level_of(p) == year).unwrap();
    let id = pupil_id(&admin, &name(pupil));
    let details = PupilDetails {
        forename: "Renée".into(),
        surname: "O'Donnell-Price".into(),
        date_of_birth: "07/03/2019".into(),
    };
    // A teacher may see the pupil but not edit.
    let mut t = sign_in_demo_user(&location, &email);
    assert!(t.update_pupil_details(id, &details).is_err());
    drop(t);
    let bad = PupilDetails {
        date_of_birth: "31/02/2019".into(),
        ..details.clone()
    };
    assert!(admin.update_pupil_details(id, &bad).is_err());
    let p = admin.update_pupil_details(id, &details).unwrap();
    assert_eq!(p.pupil.forename, "Renée");
    assert_eq!(p.pupil.surname, "O'Donnell-Price");
    assert_eq!(p.pupil.date_of_birth.as_deref(), Some("2019-03-07"));
    let entry = &admin.recent_audit("Pupil details changed", 1).unwrap()[0];
    assert!(
        entry.summary.contains("name and date of birth"),
        "{}",
        entry.summary
    );
    assert!(!entry.summary.contains("Renée"));

    let category = admin.categories_to_record().unwrap()[0].id;
    let recorded = admin
        .record_concern(&NewConcern {
            pupil: id,
            category,
            occurred_at: now() - 600,
            description: "First version".into(),
            linked: vec![],
            restriction: Default::default(),
        })
        .unwrap();
    assert!(recorded.readable);
    let p = admin.edit_incident(recorded.id, "Second version").unwrap();
    assert!(
        p.incidents
            .iter()
            .any(|i| i.description == "Second version")
    );
    assert_eq!(admin.recent_audit("Incident edited", 5).unwrap().len(), 1);

    // The record keeps what it said before each edit, and who replaced it.
    let p = admin.edit_incident(recorded.id, "Third version").unwrap();
    let shown = p.incidents.iter().find(|i| i.id == recorded.id).unwrap();
    assert_eq!(shown.description, "Third version");
    let earlier: Vec<(&str, Option<&str>)> = shown
        .earlier
        .iter()
        .map(|e| (e.description.as_str(), e.replaced_by.as_deref()))
        .collect();
    let me = admin.me().user.full_name();
    assert_eq!(
        earlier,
        [
            ("First version", Some(me.as_str())),
            ("Second version", Some(me.as_str()))
        ]
    );
    // ... and the export carries them.
    let exported = admin.export().unwrap();
    let i = exported
        .incidents
        .iter()
        .find(|i| i.description == "Third version")
        .unwrap();
    let wordings: Vec<&str> = i.earlier.iter().map(|e| e.description.as_str()).collect();
    assert_eq!(wordings, ["First version", "Second version"]);
    assert_eq!(
        i.earlier[0].replaced_by.as_deref(),
        Some(admin.me().user.email.as_str())
    );
}

#[test]
fn whole_school_counts_are_for_administrators_only() {
    let dir = tempfile::tempdir().unwrap();
    let (location, admin, data) = school(dir.path());
    assert_eq!(admin.overview().unwrap().pupils, data.pupils.len());
    assert_eq!(admin.pupil_count().unwrap(), data.pupils.len());
    drop(admin);
    let (email, _) = teacher_of(&data, "Year 1");
    let t = sign_in_demo_user(&location, &email);
    for e in [
        t.overview().map(|_| ()).unwrap_err(),
        t.pupil_count().map(|_| ()).unwrap_err(),
    ] {
        assert!(e.to_string().contains("Manage system"), "{e}");
    }
}

#[test]
fn an_archived_pupil_is_returned_to_roll_in_the_groups_they_had() {
    let dir = tempfile::tempdir().unwrap();
    let (location, mut admin, data) = school(dir.path());
    let (teacher, year) = teacher_of(&data, "Year 1");
    let year1 = admin
        .groups_tab()
        .unwrap()
        .into_iter()
        .flat_map(|t| t.groups)
        .find(|g| g.group.name == year)
        .unwrap()
        .group;
    let in_year1: BTreeSet<String> = data
        .pupils
        .iter()
        .filter(|p| level_of(p) == year && !p.archived)
        .map(name)
        .collect();
    assert!(admin.archived_pupils().unwrap().is_empty());
    admin.archive_group_pupils(year1.id).unwrap();

    let archived = admin.archived_pupils().unwrap();
    let names: BTreeSet<String> = archived.iter().map(|p| p.display_name(false)).collect();
    assert_eq!(names, in_year1, "exactly Year 1's pupils are archived");
    let back = archived[0].clone();
    {
        let t = sign_in_demo_user(&location, &teacher);
        assert!(t.my_pupils("").unwrap().is_empty(), "Year 1 left the lists");
        let e = t.archived_pupils().unwrap_err();
        assert!(e.to_string().contains("Manage system"), "{e}");
    }

    admin.return_to_roll(back.id).unwrap();
    let e = admin.return_to_roll(back.id).unwrap_err();
    assert!(e.to_string().contains("already on roll"), "{e}");
    assert_eq!(admin.archived_pupils().unwrap().len(), in_year1.len() - 1);
    let entry = &admin.recent_audit("Pupil returned to roll", 1).unwrap()[0];
    assert!(
        entry.summary.starts_with("Returned pupil P"),
        "{}",
        entry.summary
    );
    assert!(!entry.summary.contains(&back.surname));

    // The teacher of Year 1 sees that pupil again, and only that one, and can open the profile.
    // (The next time step: the first sign-in used this one.)
    let mut t = sign_in_at(
        &location,
        &teacher,
        PASSWORD,
        &demo_secret(&location, &teacher),
        now() + 30,
    );
    let seen: Vec<String> = t
        .my_pupils("")
        .unwrap()
        .iter()
        .map(|p| p.display_name(false))
        .collect();
    assert_eq!(seen, [back.display_name(false)]);
    let profile = t.open_pupil_profile(back.id).unwrap();
    assert!(profile.groups.iter().any(|g| g.starts_with(&year)));
}

/// The pupil list is kept between screens; a change made in this window or in another must
/// still show at once.
#[test]
fn the_pupil_list_follows_changes_made_here_and_elsewhere() {
    let dir = tempfile::tempdir().unwrap();
    let (location, creds) = demo_school(dir.path(), small());
    let mut admin = creds.session;
    let teacher = member_of(&admin, "Teachers");
    let teacher_session = sign_in_demo_user(&location, &teacher.email);
    let own_year = teacher_session.my_pupils("").unwrap().len();
    assert_eq!(teacher_session.my_pupils("").unwrap().len(), own_year);
    let everyone = admin.my_pupils("").unwrap().len();
    assert!(0 < own_year && own_year < everyone);

    // Elsewhere: the administrator lifts the restriction by Academic Level.
    admin
        .set_restricted(GroupType::AcademicLevel, false)
        .unwrap();
    assert_eq!(teacher_session.my_pupils("").unwrap().len(), everyone);

    // Here: restricting by House, whose lists are empty, hides every pupil from the
    // administrator too.
    admin.set_restricted(GroupType::House, true).unwrap();
    assert_eq!(admin.my_pupils("").unwrap().len(), 0);
    assert_eq!(teacher_session.my_pupils("").unwrap().len(), 0);
}

/// A change that is undone must not leave its effect in the kept pupil list: undoing it does not
/// move SQLite's counters back, so a list read inside it would otherwise look current.
#[test]
fn a_change_that_is_undone_leaves_no_trace_in_the_pupil_list() {
    let dir = tempfile::tempdir().unwrap();
    let (_location, creds) = demo_school(dir.path(), small());
    let mut admin = creds.session;
    let everyone = admin.my_pupils("").unwrap().len();
    assert!(everyone > 0);
    let undone: Result<(), keyholder::service::Error> = admin.change(|s| {
        // Restricting by House, whose lists are empty, hides every pupil, for now.
        s.set_restricted(GroupType::House, true)?;
        assert_eq!(s.my_pupils("").unwrap().len(), 0);
        Err(keyholder::service::Error::Invalid("changed my mind".into()))
    });
    assert!(undone.is_err());
    assert_eq!(admin.my_pupils("").unwrap().len(), everyone);
}
