//! The health check: each finding appears for a school built to trigger it and disappears when
//! the cause is fixed. Expectations are worked out from the school's own data (the export), not
//! from the health check's code.

mod common;

use common::{PASSWORD, confirmed_key, demo_school, member_of, now, small, user_group};
use keyholder::model::{
    CategoryPermissions, GroupType, KeyState, SystemPermission, SystemPermissions,
};
use keyholder::service::health::{Check, DAY, Finding, Place, Severity};
use keyholder::service::setup::{self, NewVault, PersonAccess};
use keyholder::service::{self, SignInStep};
use keyholder::vault::{KdfCost, KeyFile, Location, Vault};
use std::collections::BTreeSet;

fn find(findings: &[Finding], check: Check) -> Option<&Finding> {
    findings.iter().find(|f| f.check == check)
}

fn names(f: &Finding) -> Vec<String> {
    f.items.iter().map(|i| i.name.clone()).collect()
}

#[test]
fn warnings_come_first_and_each_has_words_and_a_place() {
    let dir = tempfile::tempdir().unwrap();
    let (_, creds) = demo_school(dir.path(), small());
    let findings = creds.session.health_check().unwrap();
    let first_info = findings
        .iter()
        .position(|f| f.severity == Severity::Information)
        .unwrap_or(findings.len());
    assert!(findings[first_info..].iter().all(|f| !f.is_warning()));
    for f in &findings {
        assert!(!f.title.is_empty() && !f.explanation.is_empty(), "{f:?}");
    }
    // Always reported: the audit trail and the backup.
    let audit = find(&findings, Check::AuditTrail).unwrap();
    assert_eq!(audit.severity, Severity::Information);
    assert_eq!(audit.fix, Place::Audits);
    let backup = find(&findings, Check::LastBackup).unwrap();
    assert_eq!(backup.severity, Severity::Warning, "never backed up");
    assert_eq!(backup.fix, Place::Backup);
}

#[test]
fn needs_manage_system() {
    let dir = tempfile::tempdir().unwrap();
    let (location, creds) = demo_school(dir.path(), small());
    let teacher = creds
        .session
        .users_list()
        .unwrap()
        .into_iter()
        .find(|r| r.group_name == "Teachers" && r.key == KeyState::Active)
        .unwrap();
    let s = common::sign_in_demo_user(&location, &teacher.user.email);
    assert!(matches!(
        s.health_check(),
        Err(service::Error::NotAllowed(
            SystemPermission::ManageSystem,
            _
        ))
    ));
}

#[test]
fn pupils_without_a_group_of_a_restricted_type_and_several_types_restricted() {
    let dir = tempfile::tempdir().unwrap();
    let (_, creds) = demo_school(dir.path(), small());
    let mut s = creds.session;
    // The demo restricts Academic Levels only, and every pupil has one.
    let before = s.health_check().unwrap();
    assert!(find(&before, Check::PupilsWithoutGroup(GroupType::AcademicLevel)).is_none());
    assert!(find(&before, Check::SeveralTypesRestricted).is_none());

    // Pupils with no House, from the export.
    let data = s.export().unwrap();
    let mut no_house: Vec<String> = data
        .pupils
        .iter()
        .filter(|p| !p.archived && !p.groups.iter().any(|g| g.group_type == "house"))
        .map(|p| format!("{} {}", p.forename, p.surname))
        .collect();
    no_house.sort();
    assert!(
        !no_house.is_empty(),
        "the demo has new arrivals without a House"
    );

    s.set_restricted(GroupType::House, true).unwrap();
    let found = s.health_check().unwrap();
    let f = find(&found, Check::PupilsWithoutGroup(GroupType::House)).unwrap();
    assert!(f.is_warning());
    let mut listed = names(f);
    listed.sort();
    assert_eq!(listed, no_house);
    assert!(
        f.title.starts_with(&format!("{} pupil", no_house.len())),
        "{}",
        f.title
    );
    assert_eq!(f.fix, Place::PupilsWithoutGroup(GroupType::House));
    let several = find(&found, Check::SeveralTypesRestricted).unwrap();
    assert!(
        several.explanation.contains("Houses") && several.explanation.contains("Academic Levels")
    );

    s.set_restricted(GroupType::House, false).unwrap();
    let after = s.health_check().unwrap();
    assert!(find(&after, Check::PupilsWithoutGroup(GroupType::House)).is_none());
    assert!(find(&after, Check::SeveralTypesRestricted).is_none());
}

#[test]
fn restricted_groups_with_an_empty_list_or_no_key_holder_on_it() {
    let dir = tempfile::tempdir().unwrap();
    let (_, creds) = demo_school(dir.path(), small());
    let mut s = creds.session;
    let admin = s.me().user.id;
    let nursery = s
        .create_group(GroupType::AcademicLevel, "Nursery", "")
        .unwrap();
    let found = s.health_check().unwrap();
    let f = find(&found, Check::EmptyAccessList).unwrap();
    assert_eq!(names(f), vec!["Nursery (Academic Level), no pupils yet"]);
    assert_eq!(f.fix, Place::AccessList(GroupType::AcademicLevel, nursery));

    // Only an office worker (no key, no View student details) on the list.
    let office = member_of(&s, "Office").id;
    s.save_access_list(nursery, &BTreeSet::from([office]))
        .unwrap();
    let found = s.health_check().unwrap();
    assert!(find(&found, Check::EmptyAccessList).is_none());
    let f = find(&found, Check::NoKeyHolderCanSee).unwrap();
    assert_eq!(names(f), vec!["Nursery (Academic Level), no pupils yet"]);

    s.save_access_list(nursery, &BTreeSet::from([office, admin]))
        .unwrap();
    let found = s.health_check().unwrap();
    assert!(find(&found, Check::NoKeyHolderCanSee).is_none());
    assert!(find(&found, Check::EmptyAccessList).is_none());
}

#[test]
fn administrators_are_listed_for_confirmation() {
    let dir = tempfile::tempdir().unwrap();
    let (_, creds) = demo_school(dir.path(), small());
    let mut s = creds.session;
    let rows = s.users_list().unwrap();
    let mut slt: Vec<String> = rows
        .iter()
        .filter(|r| r.group_name == "SLT" && r.user.active)
        .map(|r| format!("{} ({})", r.user.full_name(), r.group_name))
        .collect();
    slt.sort();
    let found = s.health_check().unwrap();
    let f = find(&found, Check::Administrators).unwrap();
    assert_eq!(f.severity, Severity::Information);
    let mut listed = names(f);
    listed.sort();
    assert_eq!(listed, slt);

    let deputy = rows
        .iter()
        .find(|r| r.group_name == "SLT" && r.user.id != s.me().user.id)
        .unwrap();
    let teachers = user_group(&s, "Teachers").id;
    s.set_user_group(deputy.user.id, teachers).unwrap();
    let f = s.health_check().unwrap();
    let listed = names(find(&f, Check::Administrators).unwrap());
    assert!(
        !listed
            .iter()
            .any(|n| n.starts_with(&deputy.user.full_name()))
    );
    assert_eq!(listed.len(), slt.len() - 1);
}

#[test]
fn members_capped_for_want_of_a_key() {
    let dir = tempfile::tempdir().unwrap();
    let (_, creds) = demo_school(dir.path(), small());
    let mut s = creds.session;
    // From the users list: active, no key, in a group that grants more than the basics.
    let groups = s.user_groups().unwrap();
    let expected: Vec<_> = s
        .users_list()
        .unwrap()
        .into_iter()
        .filter(|r| r.user.active && r.key == KeyState::NotEnrolled)
        .filter(|r| {
            groups.iter().any(|g| {
                g.id == r.user.user_group
                    && g.system
                        .iter()
                        .any(|p| !SystemPermission::BASIC.contains(&p))
            })
        })
        .collect();
    assert_eq!(
        expected.len(),
        1,
        "the demo's newest teacher has no key yet"
    );
    let found = s.health_check().unwrap();
    let f = find(&found, Check::CappedWithoutKey).unwrap();
    assert!(f.is_warning());
    assert_eq!(
        names(f),
        vec![format!("{} (Teachers)", expected[0].user.full_name())]
    );
    assert_eq!(f.fix, Place::User(expected[0].user.id));

    s.deactivate_user(expected[0].user.id).unwrap();
    assert!(find(&s.health_check().unwrap(), Check::CappedWithoutKey).is_none());
}

#[test]
fn active_users_in_an_inactive_group() {
    let dir = tempfile::tempdir().unwrap();
    let (_, creds) = demo_school(dir.path(), small());
    let mut s = creds.session;
    let office = user_group(&s, "Office");
    assert!(
        find(
            &s.health_check().unwrap(),
            Check::ActiveUsersInInactiveGroups
        )
        .is_none()
    );
    s.save_user_group(
        office.id,
        &office.name,
        false,
        office.system,
        &office.categories,
    )
    .unwrap();
    let members = s
        .users_list()
        .unwrap()
        .into_iter()
        .filter(|r| r.user.user_group == office.id && r.user.active)
        .count();
    let found = s.health_check().unwrap();
    let f = find(&found, Check::ActiveUsersInInactiveGroups).unwrap();
    assert_eq!(f.items.len(), members);
    assert!(f.items.iter().all(|i| i.name.ends_with("(Office)")));
    assert_eq!(f.fix, Place::UserGroup(office.id));

    s.save_user_group(
        office.id,
        &office.name,
        true,
        office.system,
        &office.categories,
    )
    .unwrap();
    assert!(
        find(
            &s.health_check().unwrap(),
            Check::ActiveUsersInInactiveGroups
        )
        .is_none()
    );
}

#[test]
fn users_not_signed_in_for_ninety_days() {
    let dir = tempfile::tempdir().unwrap();
    let (_, creds) = demo_school(dir.path(), small());
    let mut s = creds.session;
    // Today everyone signed in within the last month.
    assert!(find(&s.health_check().unwrap(), Check::NotSignedInRecently).is_none());
    let later = now() + 91 * DAY;
    let active = s
        .users_list()
        .unwrap()
        .into_iter()
        .filter(|r| r.user.active)
        .count();
    let f = s.health_check_at(later).unwrap();
    let f = find(&f, Check::NotSignedInRecently).unwrap();
    assert_eq!(f.items.len(), active, "nobody will have signed in by then");
    let leaver = member_of(&s, "Teachers");
    s.deactivate_user(leaver.id).unwrap();
    let f = s.health_check_at(later).unwrap();
    let f = find(&f, Check::NotSignedInRecently).unwrap();
    assert_eq!(f.items.len(), active - 1);
    assert!(!names(f).iter().any(|n| n.starts_with(&leaver.full_name())));
}

#[test]
fn locked_accounts_until_cleared() {
    let dir = tempfile::tempdir().unwrap();
    let (location, creds) = demo_school(dir.path(), small());
    let mut s = creds.session;
    let teacher = s
        .users_list()
        .unwrap()
        .into_iter()
        .find(|r| r.group_name == "Teachers" && r.key == KeyState::Active)
        .unwrap()
        .user;
    let t = now();
    for _ in 0..5 {
        let SignInStep::NeedsCode(mut p) =
            service::sign_in(&location, &teacher.email, PASSWORD).unwrap()
        else {
            panic!("teacher holds a key");
        };
        let _ = p.confirm("000000", t).and_then(|_| p.confirm("111111", t));
    }
    let found = s.health_check().unwrap();
    let f = find(&found, Check::LockedAccounts).unwrap();
    assert_eq!(
        names(f),
        vec![format!("{} (Teachers)", teacher.full_name())]
    );
    assert_eq!(f.fix, Place::User(teacher.id));
    s.clear_lockout(teacher.id).unwrap();
    assert!(find(&s.health_check().unwrap(), Check::LockedAccounts).is_none());
}

#[test]
fn groups_still_marked_new_until_reviewed() {
    let dir = tempfile::tempdir().unwrap();
    let (_, mut creds) = demo_school(dir.path(), small());
    // A school whose import brought in one new Registration Form.
    let mut data = creds.session.export().unwrap();
    let admin = creds.session.me().user.email.clone();
    let g = data
        .groups
        .iter_mut()
        .find(|g| g.group_type == "registration_form")
        .unwrap();
    g.is_new = true;
    let new_name = g.name.clone();
    drop(creds);
    let location = Location::new(dir.path().join("imported.db"));
    let mut s = setup::create_vault(NewVault {
        location: &location,
        data: &data,
        admin: PersonAccess {
            email: admin,
            password: "a long password for the new school".into(),
            soft_key: Some(confirmed_key(&[7; 20], now())),
        },
        others: Vec::new(),
        recovery_code: "ABCD-EFGH-JKMN-PQRS",
        kdf: KdfCost::insecure_for_tests(),
        demo: None,
        origin: "test",
    })
    .unwrap();
    let found = s.health_check().unwrap();
    let f = find(&found, Check::NewGroups).unwrap();
    assert_eq!(names(f), vec![format!("{new_name} (Registration Form)")]);
    assert_eq!(f.fix, Place::Groups(GroupType::RegistrationForm));
    let id = s
        .groups_tab()
        .unwrap()
        .into_iter()
        .flat_map(|t| t.groups)
        .find(|r| r.group.name == new_name)
        .unwrap()
        .group
        .id;
    s.mark_group_reviewed(id).unwrap();
    assert!(find(&s.health_check().unwrap(), Check::NewGroups).is_none());
}

#[test]
fn archived_pupils_still_in_groups_are_information_only() {
    let dir = tempfile::tempdir().unwrap();
    let (_, creds) = demo_school(dir.path(), small());
    let mut s = creds.session;
    assert!(find(&s.health_check().unwrap(), Check::ArchivedPupilsInGroups).is_none());
    let tab = s.groups_tab().unwrap();
    let forms = tab
        .iter()
        .find(|t| t.group_type == GroupType::RegistrationForm)
        .unwrap();
    let form = forms.groups.iter().find(|r| r.pupils > 0).unwrap().clone();
    let archived = s.archive_group_pupils(form.group.id).unwrap();
    assert_eq!(archived, form.pupils);
    let found = s.health_check().unwrap();
    let f = find(&found, Check::ArchivedPupilsInGroups).unwrap();
    assert_eq!(f.severity, Severity::Information);
    assert!(
        f.title.starts_with(&format!("{archived} archived pupil")),
        "{}",
        f.title
    );
    // Each archived pupil is in a House, an Academic Level and this form.
    assert!(names(f).contains(&format!(
        "{}: {archived} archived pupils",
        form.group.title()
    )));

    // Returned to roll, they are ordinary pupils again and the note goes.
    for p in s.archived_pupils().unwrap() {
        s.return_to_roll(p.id).unwrap();
    }
    assert!(find(&s.health_check().unwrap(), Check::ArchivedPupilsInGroups).is_none());
}

#[test]
fn a_tampered_audit_trail_is_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    let (location, creds) = demo_school(dir.path(), small());
    let s = creds.session;
    let key = KeyFile::read(&location.keys)
        .unwrap()
        .unlock_person(&s.me().user.email, PASSWORD)
        .unwrap();
    let other = Vault::open(&location, &key).unwrap();
    other
        .conn()
        .execute(
            "UPDATE audit SET summary = 'nothing happened' WHERE id = 1",
            [],
        )
        .unwrap();
    let found = s.health_check().unwrap();
    let f = find(&found, Check::AuditTrail).unwrap();
    assert!(f.is_warning());
    assert!(f.explanation.contains("entry 1"), "{}", f.explanation);
}

#[test]
fn backup_due_after_seven_days() {
    let dir = tempfile::tempdir().unwrap();
    let (_, creds) = demo_school(dir.path(), small());
    let mut s = creds.session;
    assert!(
        find(&s.health_check().unwrap(), Check::LastBackup)
            .unwrap()
            .is_warning()
    );
    s.back_up(&dir.path().join("a.khbackup"), &|_| {}).unwrap();
    let f = s.health_check().unwrap();
    let f = find(&f, Check::LastBackup).unwrap();
    assert_eq!(f.severity, Severity::Information);
    assert!(f.explanation.contains("a.khbackup"));
    let six = s.health_check_at(now() + 6 * DAY).unwrap();
    assert!(!find(&six, Check::LastBackup).unwrap().is_warning());
    let eight = s.health_check_at(now() + 8 * DAY).unwrap();
    let f = find(&eight, Check::LastBackup).unwrap();
    assert!(f.is_warning());
    assert_eq!(f.title, "The last backup is 8 days old");
}

#[test]
fn an_inactive_user_group_with_no_members_raises_nothing() {
    // A user group nobody is in raises nothing, even when inactive.
    let dir = tempfile::tempdir().unwrap();
    let (_, creds) = demo_school(dir.path(), small());
    let mut s = creds.session;
    let id = s.create_user_group("Governors").unwrap();
    s.save_user_group(
        id,
        "Governors",
        false,
        SystemPermissions::none().with(SystemPermission::ManageSystem),
        &CategoryPermissions::default(),
    )
    .unwrap();
    let found = s.health_check().unwrap();
    assert!(find(&found, Check::ActiveUsersInInactiveGroups).is_none());
}
