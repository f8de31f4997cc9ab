//! Alerts and reminders through the service, for the demo school's staff. Who should receive an
//! alert, and who may read what it is about, is worked out here from the school's export (user
//! groups, access lists, category grids), not from the code under test.

mod common;

use common::*;
use keyholder::model::{CategoryId, PupilId, UserGroupId};
use keyholder::service::alerts::{AlertAbout, AlertTo};
use keyholder::service::records::NewConcern;
use keyholder::service::school_data::PupilData;
use keyholder::service::{SchoolData, Session};
use keyholder::vault::Location;
use std::collections::BTreeSet;

fn school(dir: &std::path::Path) -> (Location, Session, SchoolData) {
    let (location, mut creds) = demo_school(dir, small());
    let data = creds.session.export().unwrap();
    (location, creds.session, data)
}

/// A pupil on roll in `year`, and their id.
fn pupil_in(admin: &Session, data: &SchoolData, year: &str) -> (PupilData, PupilId) {
    let p = data
        .pupils
        .iter()
        .find(|p| !p.archived && level_of(p) == year)
        .unwrap()
        .clone();
    let id = admin
        .find_pupil_to_record_by_mis_id(p.mis_id.as_deref().unwrap())
        .unwrap()
        .id;
    (p, id)
}

fn category(s: &Session, label: &str) -> CategoryId {
    s.categories_to_record()
        .unwrap()
        .into_iter()
        .find(|c| c.label == label)
        .unwrap_or_else(|| panic!("category {label}"))
        .id
}

fn concern(pupil: PupilId, category: CategoryId, text: &str) -> NewConcern {
    NewConcern {
        pupil,
        category,
        occurred_at: now() - 3600,
        description: text.into(),
        linked: Vec::new(),
        restriction: Default::default(),
    }
}

fn group_id(admin: &Session, name: &str) -> UserGroupId {
    user_group(admin, name).id
}

fn user_id(admin: &Session, email: &str) -> keyholder::model::UserId {
    admin
        .users_list()
        .unwrap()
        .into_iter()
        .find(|r| r.user.email == email)
        .unwrap()
        .user
        .id
}

#[test]
fn an_alert_reaches_exactly_the_staff_and_group_members_chosen() {
    let dir = tempfile::tempdir().unwrap();
    let (location, mut admin, data) = school(dir.path());
    let teacher = teacher_of(&data, "Year 1");
    let (_, pupil) = pupil_in(&admin, &data, "Year 1");
    let to = AlertTo {
        staff: vec![user_id(&admin, &teacher)],
        groups: vec![
            group_id(&admin, "Attendance Officer"),
            group_id(&admin, "SLT"),
        ],
    };
    let recorded = admin
        .record_and_alert(
            &concern(pupil, category(&admin, "Behaviour"), "Upset at lunch."),
            &to,
        )
        .unwrap();

    // Worked out from the export: the named teacher and every active member of both groups,
    // but not the person recording it.
    let me = admin.me().user.email.clone();
    let expected: BTreeSet<String> = data
        .users
        .iter()
        .filter(|u| {
            u.active
                && (u.email == teacher
                    || u.user_group == "Attendance Officer"
                    || u.user_group == "SLT")
                && u.email != me
        })
        .map(|u| u.email.clone())
        .collect();
    assert_eq!(recorded.alerted, expected.len());
    assert!(expected.len() >= 3, "{expected:?}");

    // Everyone signs in and looks at their Dashboard: exactly those have one alert.
    let mut reached = BTreeSet::new();
    for u in data.users.iter().filter(|u| u.active) {
        let s = sign_in_demo_user(&location, &u.email);
        let dashboard = s.dashboard().unwrap();
        match dashboard.alerts.len() {
            0 => {}
            1 => {
                assert!(!dashboard.alerts[0].read);
                reached.insert(u.email.clone());
            }
            n => panic!("{} has {n} alerts", u.email),
        }
    }
    assert_eq!(reached, expected);
}

#[test]
fn an_alert_shows_only_what_its_reader_could_open_and_otherwise_whom_to_ask() {
    let dir = tempfile::tempdir().unwrap();
    let (location, mut admin, data) = school(dir.path());
    let year_1 = teacher_of(&data, "Year 1");
    let year_2 = teacher_of(&data, "Year 2");
    let (pupil_data, pupil) = pupil_in(&admin, &data, "Year 1");
    let both = AlertTo {
        staff: vec![user_id(&admin, &year_1), user_id(&admin, &year_2)],
        groups: Vec::new(),
    };
    // Teachers may read Behaviour (so the Year 1 teacher may read this one) but not Attendance.
    admin
        .record_and_alert(
            &concern(pupil, category(&admin, "Behaviour"), "Pushed in the queue."),
            &both,
        )
        .unwrap();
    admin
        .record_and_alert(
            &concern(pupil, category(&admin, "Attendance"), "Late every day."),
            &both,
        )
        .unwrap();

    let pupil_name = format!("{} {}", pupil_data.forename, pupil_data.surname);
    let slt: Vec<String> = data
        .users
        .iter()
        .filter(|u| u.user_group == "SLT")
        .map(|u| format!("{} {}", u.forename, u.surname))
        .collect();

    // The Year 1 teacher can open the pupil and read Behaviour, not Attendance.
    let s = sign_in_demo_user(&location, &year_1);
    let alerts = s.dashboard().unwrap().alerts;
    assert_eq!(alerts.len(), 2);
    let mut open = 0;
    for a in &alerts {
        match &a.about {
            AlertAbout::Concern {
                pupil: p, category, ..
            } => {
                open += 1;
                assert_eq!(p.id, pupil);
                assert_eq!(category, "Behaviour");
            }
            AlertAbout::Ask { who } => {
                assert!(slt.iter().any(|n| who.contains(n.as_str())), "{who}");
            }
        }
    }
    assert_eq!(open, 1);

    // The Year 2 teacher cannot see the pupil at all: both alerts only say whom to ask, and
    // nothing in them names the pupil, their class or the category.
    let s = sign_in_demo_user(&location, &year_2);
    let alerts = s.dashboard().unwrap().alerts;
    assert_eq!(alerts.len(), 2);
    for a in &alerts {
        let AlertAbout::Ask { who } = &a.about else {
            panic!("the Year 2 teacher was shown {a:?}");
        };
        assert!(slt.iter().any(|n| who.contains(n.as_str())), "{who}");
        let everything = format!("{a:?}");
        for secret in [
            pupil_name.as_str(),
            pupil_data.surname.as_str(),
            "Year 1",
            "Behaviour",
            "Attendance",
        ] {
            assert!(!everything.contains(secret), "{secret} in {everything}");
        }
    }
}

#[test]
fn the_default_is_the_groups_holding_named_person_or_manage_system_until_an_admin_chooses() {
    let dir = tempfile::tempdir().unwrap();
    let (location, mut admin, data) = school(dir.path());
    let by_permission: BTreeSet<UserGroupId> = data
        .user_groups
        .iter()
        .filter(|g| {
            g.active
                && g.system_permissions
                    .iter()
                    .any(|p| p == "named_person" || p == "manage_system")
        })
        .map(|g| group_id(&admin, &g.name))
        .collect();
    assert!(!by_permission.is_empty());
    let defaults: BTreeSet<UserGroupId> = admin
        .alert_choices()
        .unwrap()
        .default_groups
        .into_iter()
        .collect();
    assert_eq!(defaults, by_permission);

    let office = group_id(&admin, "Attendance Officer");
    admin.set_alert_defaults(Some(vec![office])).unwrap();
    assert_eq!(admin.alert_choices().unwrap().default_groups, [office]);
    let shown = admin.alert_defaults().unwrap();
    assert!(shown.chosen);
    assert!(shown.groups.iter().any(|(g, on)| g.id == office && *on));
    assert!(shown.groups.iter().all(|(g, on)| *on == (g.id == office)));
    admin.set_alert_defaults(None).unwrap();
    let defaults: BTreeSet<UserGroupId> = admin
        .alert_choices()
        .unwrap()
        .default_groups
        .into_iter()
        .collect();
    assert_eq!(defaults, by_permission);

    // Only an administrator may change them.
    let teacher = teacher_of(&data, "Year 1");
    let mut t = sign_in_demo_user(&location, &teacher);
    assert!(t.set_alert_defaults(Some(vec![office])).is_err());
    assert!(t.alert_defaults().is_err());
    assert!(!admin.alert_defaults().unwrap().chosen);
}

#[test]
fn an_alert_is_marked_read_by_its_reader_only() {
    let dir = tempfile::tempdir().unwrap();
    let (location, mut admin, data) = school(dir.path());
    let teacher = teacher_of(&data, "Year 1");
    let other = teacher_of(&data, "Year 2");
    let (_, pupil) = pupil_in(&admin, &data, "Year 1");
    admin
        .record_and_alert(
            &concern(pupil, category(&admin, "Behaviour"), "Crying at break."),
            &AlertTo {
                staff: vec![user_id(&admin, &teacher)],
                groups: Vec::new(),
            },
        )
        .unwrap();
    let mut t = sign_in_demo_user(&location, &teacher);
    let id = t.dashboard().unwrap().alerts[0].id;
    let mut o = sign_in_demo_user(&location, &other);
    assert!(o.mark_alert_read(id).is_err(), "not theirs");
    t.mark_alert_read(id).unwrap();
    let d = t.dashboard().unwrap();
    assert_eq!(d.unread(), 0);
    assert!(d.alerts[0].read, "a read alert stays listed, as read");
    // Marking it again changes nothing and is not an error.
    t.mark_alert_read(id).unwrap();
    let audit = admin.recent_audit("Alert read", 10).unwrap();
    assert_eq!(audit.len(), 1, "{audit:?}");
}

#[test]
fn a_concern_is_not_saved_when_its_alert_cannot_be_sent() {
    let dir = tempfile::tempdir().unwrap();
    let (_location, mut admin, data) = school(dir.path());
    let (_, pupil) = pupil_in(&admin, &data, "Year 1");
    let before = admin.overview().unwrap().incidents;
    let ghost = AlertTo {
        staff: Vec::new(),
        groups: vec![UserGroupId(9_999)],
    };
    let e = admin
        .record_and_alert(&concern(pupil, category(&admin, "Behaviour"), "x"), &ghost)
        .unwrap_err();
    assert!(e.to_string().contains("nothing has been saved"), "{e}");
    assert_eq!(admin.overview().unwrap().incidents, before);
    // Alerting nobody records it all the same.
    let r = admin
        .record_and_alert(
            &concern(pupil, category(&admin, "Behaviour"), "x"),
            &AlertTo::default(),
        )
        .unwrap();
    assert_eq!(r.alerted, 0);
    assert_eq!(admin.overview().unwrap().incidents, before + 1);
}

#[test]
fn reminders_belong_to_their_writer_and_their_words_stay_out_of_the_audit() {
    let dir = tempfile::tempdir().unwrap();
    let (location, mut admin, data) = school(dir.path());
    let today = chrono::Local::now().date_naive();
    let in_a_week = (today + chrono::Days::new(7))
        .format("%d/%m/%Y")
        .to_string();
    let note = "Ring Kofi's grandmother about the trip form";
    let id = admin.add_reminder(note, &in_a_week).unwrap();
    admin
        .add_reminder("Check the rota", &today.format("%d/%m/%Y").to_string())
        .unwrap();
    let reminders = admin.dashboard().unwrap().reminders;
    assert_eq!(reminders.len(), 2);
    assert_eq!(reminders[0].note, "Check the rota", "soonest first");
    assert_eq!(reminders[0].due, keyholder::service::alerts::Due::Today);
    assert_eq!(reminders[1].note, note);

    let teacher = teacher_of(&data, "Year 1");
    let mut t = sign_in_demo_user(&location, &teacher);
    assert!(t.dashboard().unwrap().reminders.is_empty());
    assert!(t.reminder_done(id).is_err(), "not theirs");

    // Bad input: a clear message, nothing saved.
    let yesterday = (today - chrono::Days::new(1))
        .format("%d/%m/%Y")
        .to_string();
    assert!(admin.add_reminder("Too late", &yesterday).is_err());
    assert!(admin.add_reminder("   ", &in_a_week).is_err());
    assert!(admin.add_reminder("Odd date", "31/02/2030").is_err());
    assert_eq!(admin.dashboard().unwrap().reminders.len(), 2);

    admin.reminder_done(id).unwrap();
    let left: Vec<String> = admin
        .dashboard()
        .unwrap()
        .reminders
        .into_iter()
        .map(|r| r.note)
        .collect();
    assert_eq!(left, ["Check the rota"]);

    let audit = admin.recent_audit("", 50).unwrap();
    assert!(audit.iter().any(|e| e.action == "Reminder added"));
    assert!(audit.iter().any(|e| e.action == "Reminder done"));
    for e in &audit {
        let text = format!("{} {} {}", e.summary, e.before, e.after);
        assert!(!text.contains("Kofi"), "{text}");
    }
}

#[test]
fn alerts_reminders_and_saved_reports_move_with_the_school_through_export_and_load() {
    use keyholder::model::report::{Period, ReportSpec};
    use keyholder::service::setup::{self, NewVault, PersonAccess};
    use keyholder::vault::KdfCost;
    let dir = tempfile::tempdir().unwrap();
    let (location, mut admin, data) = school(dir.path());
    let teacher = teacher_of(&data, "Year 1");
    let (_, pupil) = pupil_in(&admin, &data, "Year 1");
    admin
        .record_and_alert(
            &concern(pupil, category(&admin, "Behaviour"), "Quiet all week."),
            &AlertTo {
                staff: vec![user_id(&admin, &teacher)],
                groups: vec![group_id(&admin, "Attendance Officer")],
            },
        )
        .unwrap();
    let mut t = sign_in_demo_user(&location, &teacher);
    let read = t.dashboard().unwrap().alerts[0].id;
    t.mark_alert_read(read).unwrap();
    let next_week = (chrono::Local::now().date_naive() + chrono::Days::new(7))
        .format("%d/%m/%Y")
        .to_string();
    t.add_reminder("Ring home about the trip", &next_week)
        .unwrap();
    admin
        .set_alert_defaults(Some(vec![group_id(&admin, "SLT")]))
        .unwrap();
    let behaviour = category(&admin, "Behaviour");
    let id = admin
        .save_report(
            "Behaviour by term",
            &ReportSpec {
                per: Period::Term,
                categories: vec![behaviour],
                ..ReportSpec::default()
            },
        )
        .unwrap();
    admin
        .share_saved_report(id, &[group_id(&admin, "Teachers")])
        .unwrap();

    let exported = admin.export().unwrap();
    let a = &exported.alerts_and_reports;
    assert_eq!(a.alerts.len(), 2);
    assert_eq!(a.reminders.len(), 1);
    assert_eq!(a.saved_reports.len(), 1);
    assert_eq!(a.saved_reports[0].shared_with, ["Teachers"]);
    assert_eq!(
        a.alert_default_groups.as_deref(),
        Some(&["SLT".to_string()][..])
    );
    // The file names the category, not a row number of this school file.
    assert_eq!(a.saved_reports[0].categories[0].category, "Behaviour");
    let text = exported.to_json();
    let back = SchoolData::from_json(&text).unwrap();

    let moved = Location::new(dir.path().join("moved.db"));
    let mut s = setup::create_vault(NewVault {
        location: &moved,
        data: &back,
        admin: PersonAccess {
            email: admin.me().user.email.clone(),
            password: "a long password for the moved school".into(),
            soft_key: Some(confirmed_key(&[7; 20], now())),
        },
        others: Vec::new(),
        recovery_code: "ABCD-EFGH-JKMN-PQRS",
        kdf: KdfCost::insecure_for_tests(),
        demo: None,
        origin: "test",
    })
    .unwrap();
    let again = s.export().unwrap();
    assert_eq!(again.alerts_and_reports, exported.alerts_and_reports);

    // An export from before alerts existed still loads, with none.
    let mut old: serde_json::Value = serde_json::from_str(&text).unwrap();
    for k in [
        "alerts",
        "reminders",
        "saved_reports",
        "alert_default_groups",
    ] {
        old.as_object_mut().unwrap().remove(k);
    }
    let old = SchoolData::from_json(&old.to_string()).unwrap();
    assert_eq!(old.alerts_and_reports, Default::default());
}
