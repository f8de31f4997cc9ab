//! Users and key holders through the real screens.

mod common;

use common::ui::*;
use keyholder::auth::soft_key;
use keyholder::ui::app::{App, Message, Screen};
use keyholder::ui::screen::{enrol, home, redeem, sign_in, users};

fn signed_in_on_users(
    dir: &std::path::Path,
) -> (
    App,
    keyholder::vault::Location,
    keyholder::service::demo::DemoCredentials,
) {
    let (mut app, location, creds) = demo_app(dir);
    sign_in_through_screens(&mut app, &creds.email, &creds.totp_secret);
    click(&mut app, "Users");
    (app, location, creds)
}

fn issued_code(app: &App) -> String {
    let Screen::Home(h) = &app.screen else {
        panic!("home")
    };
    h.users_tab()
        .and_then(|u| u.issued.as_ref())
        .map(|i| i.code.clone())
        .expect("a code on screen")
}

#[test]
fn new_user_then_first_sign_in_with_the_set_up_code_then_a_normal_sign_in() {
    let dir = tempfile::tempdir().unwrap();
    let (mut app, _location, creds) = signed_in_on_users(dir.path());
    drop(creds.session);
    click(&mut app, "New User");
    // The demo has no MIS staff list yet, so the form opens straight away.
    type_into(&mut app, users::TITLE, "Ms");
    type_into(&mut app, users::FORENAME, "Zainab");
    type_into(&mut app, users::SURNAME, "Ní Bhriain");
    type_into(&mut app, users::EMAIL, "z.nibhriain@millbrook.example");
    type_into(&mut app, users::JOB_TITLE, "Learning Mentor");
    click(&mut app, "Create user");
    assert!(
        shows(&app, "Please choose a user group."),
        "the group is required"
    );
    // Choosing from the drop-down (its menu is an overlay the simulator cannot open).
    let teachers = common::user_group(app.session.as_ref().unwrap(), "Teachers").id;
    send(
        &mut app,
        [Message::Home(home::Message::Users(users::Message::Group(
            users::GroupChoice {
                id: teachers,
                name: "Teachers".into(),
            },
        )))],
    );
    click(&mut app, "Create user");
    assert!(shows(&app, "Set-up code for Zainab Ní Bhriain"));
    let code = issued_code(&app);
    assert!(shows(&app, &code), "the code is on screen to hand over");
    assert!(shows(
        &app,
        "Soft key: not enrolled (set-up code valid until"
    ));

    // The new user, at the same computer.
    click(&mut app, "Lock");
    click(&mut app, "First time here? Use your set-up code");
    replace_in(&mut app, redeem::EMAIL, "z.nibhriain@millbrook.example");
    type_into(&mut app, redeem::CODE, &code.to_lowercase());
    click(&mut app, "Continue");
    assert!(shows(&app, "Welcome, Zainab Ní Bhriain."));
    type_into(&mut app, redeem::PASSWORD, "orchard lantern river 5");
    type_into(&mut app, redeem::PASSWORD_AGAIN, "orchard lantern river 5");
    click(&mut app, "Next: soft key");
    let secret = match &app.screen {
        Screen::Redeem(r) => r.enrolment().unwrap().secret().to_vec(),
        _ => panic!("on the enrolment step"),
    };
    assert!(shows(&app, "Account: z.nibhriain@millbrook.example"));
    type_into(
        &mut app,
        enrol::CODE_FIELD,
        &soft_key::code_at(&secret, common::now() as u64).unwrap(),
    );
    click(&mut app, "Confirm and sign in");
    assert!(matches!(app.screen, Screen::Home(_)));
    assert!(shows(&app, "Zainab Ní Bhriain (Teachers)"));

    // Next time: password and a code from the app, at a later time step.
    click(&mut app, "Lock");
    type_into(&mut app, sign_in::PASSWORD, "orchard lantern river 5");
    click(&mut app, "Sign in");
    let later = common::now() + 30;
    type_into(
        &mut app,
        sign_in::CODE,
        &soft_key::code_at(&secret, later as u64).unwrap(),
    );
    click(&mut app, "Confirm");
    assert!(
        matches!(app.screen, Screen::Home(_)),
        "signed in with the enrolled key"
    );
}

#[test]
fn the_users_list_sorts_by_user_groups_then_surname() {
    let dir = tempfile::tempdir().unwrap();
    let (mut app, _location, _creds) = signed_in_on_users(dir.path());
    click(&mut app, "User Groups");
    let session = app.session.as_ref().unwrap();
    let mut expected: Vec<(String, (String, String), String)> = session
        .users_list()
        .unwrap()
        .into_iter()
        .map(|r| {
            (
                r.group_name.to_lowercase(),
                keyholder::model::names::sort_key(&r.user.forename, &r.user.surname),
                r.user.full_name(),
            )
        })
        .collect();
    expected.sort();
    let expected: Vec<String> = expected.into_iter().map(|e| e.2).collect();
    let Screen::Home(h) = &app.screen else {
        panic!()
    };
    assert_eq!(h.users_tab().unwrap().shown_names(), expected);
    assert!(shows(&app, "User Groups ↓"));
    // Clicking again reverses.
    click(&mut app, "User Groups ↓");
    let Screen::Home(h) = &app.screen else {
        panic!()
    };
    let mut reversed = expected.clone();
    reversed.reverse();
    assert_eq!(h.users_tab().unwrap().shown_names(), reversed);
}

#[test]
fn the_filter_narrows_the_list_and_the_count_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let (mut app, _location, _creds) = signed_in_on_users(dir.path());
    assert!(shows(&app, "Showing all 12"));
    type_into(&mut app, users::FILTER, "slt");
    assert!(shows(&app, "Showing 2 of 12"));
}

#[test]
fn a_profile_resets_a_key_and_shows_the_new_code() {
    let dir = tempfile::tempdir().unwrap();
    let (mut app, _location, _creds) = signed_in_on_users(dir.path());
    let teacher = app
        .session
        .as_ref()
        .unwrap()
        .users_list()
        .unwrap()
        .into_iter()
        .find(|r| r.group_name == "Teachers" && r.key == keyholder::model::KeyState::Active)
        .unwrap()
        .user;
    click(&mut app, &teacher.full_name());
    assert!(shows(&app, "Soft key: active"));
    click(&mut app, "Permissions");
    assert!(shows(&app, "Academic Levels:"));
    assert!(shows(
        &app,
        "Without an active soft key they keep only the basic permissions"
    ));
    click(&mut app, "Reset soft key");
    assert!(shows(&app, "Reset the soft key of"));
    click_nth(&mut app, "Reset soft key", 0);
    assert!(shows(
        &app,
        &format!("Set-up code for {}", teacher.full_name())
    ));
    assert!(shows(
        &app,
        "Soft key: not enrolled (set-up code valid until"
    ));
}

fn users_tab(app: &App) -> &users::UsersTab {
    let Screen::Home(h) = &app.screen else {
        panic!("home")
    };
    h.users_tab().expect("the Users tab")
}

#[test]
fn only_real_changes_to_a_user_count_as_unsaved() {
    let dir = tempfile::tempdir().unwrap();
    let (mut app, _location, _creds) = signed_in_on_users(dir.path());
    let s = app.session.as_ref().unwrap();
    let teacher = common::member_of(s, "Teachers");
    let office = common::user_group(s, "Office");
    click(&mut app, &teacher.full_name());
    assert!(!users_tab(&app).has_unsaved_changes(), "just opened");

    // A changed surname is unsaved until saved; the spaces typed after it are not kept, so they
    // do not leave it "unsaved" once it is.
    replace_in(
        &mut app,
        users::SURNAME,
        &format!("{}-Hale  ", teacher.surname),
    );
    assert!(users_tab(&app).has_unsaved_changes());
    click(&mut app, "Groups");
    assert!(shows(&app, "Save or discard your changes"));
    click_nth(&mut app, "Save details", 0);
    assert!(shows(&app, "Details saved."));
    assert!(!users_tab(&app).has_unsaved_changes());

    // Another user group chosen but not saved counts too.
    send(
        &mut app,
        [Message::Home(home::Message::Users(users::Message::Group(
            users::GroupChoice {
                id: office.id,
                name: office.name.clone(),
            },
        )))],
    );
    assert!(users_tab(&app).has_unsaved_changes());
    click(&mut app, "Back to users");
    assert!(!users_tab(&app).has_unsaved_changes(), "Back leaves it");

    // Picking a member of staff from the MIS list fills the form; nothing is typed yet.
    let s = app.session.as_mut().unwrap();
    let file = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("resources/samples/staff.csv");
    let p = s
        .preview_import(
            keyholder::model::import::ImportKind::Staff,
            "staff.csv",
            &std::fs::read(file).unwrap(),
            None,
        )
        .unwrap();
    s.apply_import(&p, false).unwrap();
    let staff = s.staff_available().unwrap();
    click(&mut app, "Groups");
    click(&mut app, "Users");
    click(&mut app, "New User");
    send(
        &mut app,
        [Message::Home(home::Message::Users(
            users::Message::PickStaff(staff[0].id),
        ))],
    );
    assert!(
        shows(&app, "Create user"),
        "the form, filled in from the MIS"
    );
    assert!(!users_tab(&app).has_unsaved_changes());
    type_into(&mut app, users::FORENAME, "Ottilie");
    assert!(users_tab(&app).has_unsaved_changes());
}
