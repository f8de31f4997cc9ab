//! Users and key holders through the service: new users, set-up codes, soft keys, lock-outs,
//! user groups and deactivation.

mod common;

use common::*;
use keyholder::model::{KeyState, SystemPermission};
use keyholder::service::sign_in::redeem_setup_code;
use keyholder::service::users::NewUserDetails;
use keyholder::service::{self, Session, SignInStep};
use keyholder::vault::{KeyFile, Location, Vault};

fn new_teacher(s: &mut Session) -> keyholder::service::users::IssuedCode {
    let teachers = user_group(s, "Teachers").id;
    s.create_user(&NewUserDetails {
        staff: None,
        title: "Mr".into(),
        forename: "Tomás".into(),
        surname: "O'Reilly-Hart".into(),
        email: "t.oreilly@millbrook.example".into(),
        job_title: "Class Teacher".into(),
        user_group: Some(teachers),
    })
    .unwrap()
}

/// A new key, confirmed with the code its app shows at `at`.
fn new_key(at: i64) -> (keyholder::service::enrolment::ConfirmedKey, Vec<u8>) {
    let key = keyholder::service::enrolment::PendingKey::new();
    let confirmed = key.confirm(&code(key.secret(), at, 0), at).unwrap();
    (confirmed, key.secret().to_vec())
}

#[test]
fn a_new_user_sets_a_password_and_key_with_their_set_up_code() {
    let dir = tempfile::tempdir().unwrap();
    let (location, creds) = demo_school(dir.path(), small());
    let mut admin = creds.session;
    let issued = new_teacher(&mut admin);
    assert_eq!(issued.code.len(), 14);
    assert!(issued.expires_at > now() + 6 * 86_400);
    // Until they use the code, the new user cannot sign in with any password.
    assert!(service::sign_in(&location, &issued.email, "anything at all").is_err());

    let redemption =
        redeem_setup_code(&location, &issued.email, &issued.code.to_lowercase()).unwrap();
    assert!(
        redemption.group_needs_key(),
        "Teachers have permissions above the basic level"
    );
    let t = now();
    let (key, secret) = new_key(t);
    let session = redemption
        .finish(
            "a chalk and slate morning",
            "a chalk and slate morning",
            Some(key),
        )
        .unwrap();
    assert!(session.me().signed_in_with_key);
    assert_eq!(session.me().user.surname, "O'Reilly-Hart");
    drop(session);

    // The code is used up; the password and key now work.
    let e = redeem_setup_code(&location, &issued.email, &issued.code).unwrap_err();
    assert!(e.to_string().contains("do not match"), "{e}");
    drop(sign_in_at(
        &location,
        &issued.email,
        "a chalk and slate morning",
        &secret,
        t + 30,
    ));

    // The audit says a code was issued and used, and never contains the code.
    let entries = admin.recent_audit("", 1000).unwrap();
    assert!(entries.iter().any(|e| e.action == "Set-up code issued"));
    assert!(entries.iter().any(|e| e.action == "Set-up code used"));
    let code_plain: String = issued.code.chars().filter(|c| *c != '-').collect();
    for e in &entries {
        for field in [&e.summary, &e.before, &e.after] {
            assert!(
                !field.contains(&issued.code) && !field.contains(&code_plain),
                "{e:?}"
            );
        }
    }
}

#[test]
fn wrong_code_and_unknown_address_get_the_same_answer() {
    let dir = tempfile::tempdir().unwrap();
    let (location, creds) = demo_school(dir.path(), small());
    let mut admin = creds.session;
    let issued = new_teacher(&mut admin);
    let a = redeem_setup_code(&location, &issued.email, "AAAA-BBBB-CCCC").unwrap_err();
    let b = redeem_setup_code(&location, "nobody@millbrook.example", &issued.code).unwrap_err();
    assert_eq!(a.to_string(), b.to_string());
}

#[test]
fn an_expired_code_is_refused_and_a_new_one_replaces_the_old() {
    let dir = tempfile::tempdir().unwrap();
    let (location, creds) = demo_school(dir.path(), small());
    let mut admin = creds.session;
    let first = new_teacher(&mut admin);
    {
        // Eight days pass.
        let key = KeyFile::read(&location.keys)
            .unwrap()
            .unlock_person(&creds.email, PASSWORD)
            .unwrap();
        let v = Vault::open(&location, &key).unwrap();
        v.conn()
            .execute(
                "UPDATE setup_codes SET expires_at = expires_at - 8 * 86400",
                [],
            )
            .unwrap();
    }
    let e = redeem_setup_code(&location, &first.email, &first.code).unwrap_err();
    assert!(e.to_string().contains("expired"), "{e}");
    let second = admin.issue_setup_code(first.user).unwrap();
    assert_ne!(first.code, second.code);
    assert!(
        redeem_setup_code(&location, &first.email, &first.code).is_err(),
        "the old code is withdrawn"
    );
    assert!(redeem_setup_code(&location, &second.email, &second.code).is_ok());
}

/// Moves every set-up code's expiry eight days back, as if they had been issued long ago.
fn age_setup_codes(location: &keyholder::vault::Location, email: &str) {
    let key = KeyFile::read(&location.keys)
        .unwrap()
        .unlock_person(email, PASSWORD)
        .unwrap();
    let v = Vault::open(location, &key).unwrap();
    v.conn()
        .execute(
            "UPDATE setup_codes SET expires_at = expires_at - 8 * 86400",
            [],
        )
        .unwrap();
}

#[test]
fn an_expired_code_no_longer_opens_the_key_file() {
    let dir = tempfile::tempdir().unwrap();
    let (location, creds) = demo_school(dir.path(), small());
    let mut admin = creds.session;
    let first = new_teacher(&mut admin);
    let second = admin
        .create_user(&NewUserDetails {
            staff: None,
            title: String::new(),
            forename: "Brannoc".into(),
            surname: "Teague".into(),
            email: "b.teague@millbrook.example".into(),
            job_title: String::new(),
            user_group: Some(user_group(&admin, "Teachers").id),
        })
        .unwrap();
    drop(admin);
    let slot = |email: &str| KeyFile::read(&location.keys).unwrap().has_setup_code(email);
    assert!(slot(&first.email) && slot(&second.email));
    age_setup_codes(&location, &creds.email);

    // Presenting an expired code takes its slot out at once.
    let e = redeem_setup_code(&location, &first.email, &first.code).unwrap_err();
    assert!(e.to_string().contains("expired"), "{e}");
    assert!(!slot(&first.email));
    assert!(
        KeyFile::read(&location.keys)
            .unwrap()
            .unlock_setup_code(&first.email, &first.code)
            .is_err(),
        "the files alone no longer open with it"
    );

    // A code nobody presents goes at the next sign-in of anyone.
    assert!(slot(&second.email));
    let _ = common::sign_in_demo_user(&location, &creds.email);
    assert!(!slot(&second.email));
    assert!(
        KeyFile::read(&location.keys)
            .unwrap()
            .unlock_person(&creds.email, PASSWORD)
            .is_ok(),
        "people's own slots stay"
    );
}

#[test]
fn new_user_details_are_checked() {
    let dir = tempfile::tempdir().unwrap();
    let (_location, creds) = demo_school(dir.path(), small());
    let mut admin = creds.session;
    let teachers = user_group(&admin, "Teachers").id;
    let base = NewUserDetails {
        staff: None,
        title: String::new(),
        forename: "Asha".into(),
        surname: "Verma".into(),
        email: "a.verma@millbrook.example".into(),
        job_title: String::new(),
        user_group: Some(teachers),
    };
    let bad_email = NewUserDetails {
        email: "a.verma@".into(),
        ..base.clone()
    };
    assert!(
        admin
            .create_user(&bad_email)
            .unwrap_err()
            .to_string()
            .contains("does not look like an e-mail")
    );
    let taken = NewUserDetails {
        email: creds.email.to_uppercase(),
        ..base.clone()
    };
    assert!(
        admin
            .create_user(&taken)
            .unwrap_err()
            .to_string()
            .contains("already exists")
    );
    let no_group = NewUserDetails {
        user_group: None,
        ..base.clone()
    };
    assert!(
        admin
            .create_user(&no_group)
            .unwrap_err()
            .to_string()
            .contains("choose a user group")
    );
    let no_name = NewUserDetails {
        surname: " ".into(),
        ..base.clone()
    };
    assert!(
        admin
            .create_user(&no_name)
            .unwrap_err()
            .to_string()
            .contains("surname")
    );
    let before = admin.users_list().unwrap().len();
    admin.create_user(&base).unwrap();
    assert_eq!(admin.users_list().unwrap().len(), before + 1);
}

#[test]
fn deactivated_users_cannot_sign_in_and_keep_their_history() {
    let dir = tempfile::tempdir().unwrap();
    let (location, creds) = demo_school(dir.path(), small());
    let mut admin = creds.session;
    let teacher = admin
        .users_list()
        .unwrap()
        .into_iter()
        .find(|r| r.group_name == "Teachers" && r.key == KeyState::Active)
        .unwrap()
        .user;
    assert!(service::sign_in(&location, &teacher.email, PASSWORD).is_ok());
    admin.deactivate_user(teacher.id).unwrap();
    let e = service::sign_in(&location, &teacher.email, PASSWORD).unwrap_err();
    assert!(e.to_string().contains("do not match"), "{e}");
    let row = admin
        .users_list()
        .unwrap()
        .into_iter()
        .find(|r| r.user.id == teacher.id)
        .unwrap();
    assert!(!row.user.active, "still listed, as deactivated");
    assert_eq!(row.key, KeyState::NotEnrolled);
    assert!(admin.issue_setup_code(teacher.id).is_err());
    assert!(
        admin.recent_audit("deactivated", 5).unwrap()[0]
            .summary
            .contains(&teacher.full_name())
    );
}

#[test]
fn administrators_cannot_lock_everyone_out() {
    let dir = tempfile::tempdir().unwrap();
    let (_location, creds) = demo_school(dir.path(), small());
    let mut admin = creds.session;
    let me = admin.me().user.id;
    assert!(
        admin
            .deactivate_user(me)
            .unwrap_err()
            .to_string()
            .contains("yourself")
    );
    assert!(admin.reset_soft_key(me).is_err());
    // Move every other SLT member out; the last administrator cannot then be moved or deactivated.
    let teachers = user_group(&admin, "Teachers").id;
    for r in admin.users_list().unwrap() {
        if r.group_name == "SLT" && r.user.id != me {
            admin.set_user_group(r.user.id, teachers).unwrap();
        }
    }
    let e = admin.set_user_group(me, teachers).unwrap_err();
    assert!(e.to_string().contains("only administrator"), "{e}");
}

#[test]
fn resetting_a_key_caps_the_user_until_they_enrol_again() {
    let dir = tempfile::tempdir().unwrap();
    let (location, creds) = demo_school(dir.path(), small());
    let mut admin = creds.session;
    let teacher = admin
        .users_list()
        .unwrap()
        .into_iter()
        .find(|r| r.group_name == "Teachers" && r.key == KeyState::Active)
        .unwrap()
        .user;
    let issued = admin.reset_soft_key(teacher.id).unwrap();
    // With the password alone they are in, capped to the basic permissions.
    let SignInStep::SignedIn(capped) =
        service::sign_in(&location, &teacher.email, PASSWORD).unwrap()
    else {
        panic!("no code is asked once the key is reset");
    };
    assert!(capped.me().permissions.capped_for_no_key);
    assert!(
        !capped
            .me()
            .permissions
            .has(SystemPermission::ViewStudentDetails)
    );
    assert!(
        capped
            .me()
            .permissions
            .has(SystemPermission::AddNewIncident)
    );
    drop(capped);
    // With the set-up code they enrol a new key.
    let t = now();
    let (key, secret) = new_key(t);
    drop(
        redeem_setup_code(&location, &teacher.email, &issued.code)
            .unwrap()
            .finish(
                "a new term begins here",
                "a new term begins here",
                Some(key),
            )
            .unwrap(),
    );
    let s = sign_in_at(
        &location,
        &teacher.email,
        "a new term begins here",
        &secret,
        t + 30,
    );
    assert!(s.me().permissions.has(SystemPermission::ViewStudentDetails));
}

#[test]
fn an_administrator_clears_a_lock_out() {
    let dir = tempfile::tempdir().unwrap();
    let (location, creds) = demo_school(dir.path(), small());
    let mut admin = creds.session;
    let teacher = admin
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
    let row = admin
        .users_list()
        .unwrap()
        .into_iter()
        .find(|r| r.user.id == teacher.id)
        .unwrap();
    assert!(matches!(row.key, KeyState::Locked { .. }), "{:?}", row.key);
    admin.clear_lockout(teacher.id).unwrap();
    let row = admin
        .users_list()
        .unwrap()
        .into_iter()
        .find(|r| r.user.id == teacher.id)
        .unwrap();
    assert_eq!(row.key, KeyState::Active);
    assert!(
        !admin
            .recent_audit("Lock-out cleared", 1)
            .unwrap()
            .is_empty()
    );
}

#[test]
fn changing_your_password_rewraps_only_your_slot() {
    let dir = tempfile::tempdir().unwrap();
    let (location, creds) = demo_school(dir.path(), small());
    let mut admin = creds.session;
    let before = KeyFile::read(&location.keys).unwrap();
    assert!(
        admin
            .change_own_password("wrong", "x", "x")
            .unwrap_err()
            .to_string()
            .contains("current password")
    );
    admin
        .change_own_password(PASSWORD, "lighthouse keeper 1987", "lighthouse keeper 1987")
        .unwrap();
    let after = KeyFile::read(&location.keys).unwrap();
    assert_eq!(before.slots.len(), after.slots.len());
    let changed = before
        .slots
        .iter()
        .zip(&after.slots)
        .filter(|(a, b)| a != b)
        .count();
    assert_eq!(changed, 1, "only one slot changed");
    assert!(service::sign_in(&location, &creds.email, PASSWORD).is_err());
    drop(admin);
    drop(sign_in_at(
        &location,
        &creds.email,
        "lighthouse keeper 1987",
        &creds.totp_secret,
        now(),
    ));
}

#[test]
fn a_profile_explains_permissions_and_visible_groups() {
    let dir = tempfile::tempdir().unwrap();
    let (_location, creds) = demo_school(dir.path(), small());
    let admin = creds.session;
    let teacher = member_of(&admin, "Teachers");
    let p = admin.user_profile(teacher.id).unwrap();
    assert!(p.with_key.has(SystemPermission::ViewStudentDetails));
    assert!(!p.without_key.has(SystemPermission::ViewStudentDetails));
    assert!(p.without_key.has(SystemPermission::AddNewIncident));
    assert_eq!(
        p.restricted_types,
        vec![keyholder::model::GroupType::AcademicLevel]
    );
    assert!(
        !p.on_lists.is_empty(),
        "a teacher sees at least their year group"
    );
    let _ = Location::new("unused");
}
