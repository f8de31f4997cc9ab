//! The welcome, set-up, sign-in and recovery screens, driven through the real `update` and `view`
//! as a person would: clicking, typing, pressing keys, reading what is shown.

mod common;

use common::ui::*;
use iced::keyboard;
use keyholder::auth::soft_key;
use keyholder::ui::app::{App, Screen};
use keyholder::ui::screen::{recover, setup, sign_in};
use keyholder::vault::Location;

fn setup_screen(app: &App) -> &setup::Setup {
    match &app.screen {
        Screen::Setup(s) => s,
        _ => panic!("not on the set-up screen"),
    }
}

fn fill_details(app: &mut App, password_again: &str) {
    type_into(app, setup::SCHOOL_NAME, "Larkfield Primary School");
    type_into(app, setup::TITLE, "Mrs");
    type_into(app, setup::FORENAME, "Ruth");
    type_into(app, setup::SURNAME, "Okafor");
    type_into(app, setup::EMAIL, "r.okafor@larkfield.example");
    type_into(app, setup::JOB_TITLE, "Headteacher");
    type_into(app, setup::PASSWORD, "winter lantern copper 81");
    type_into(app, setup::PASSWORD_AGAIN, password_again);
}

#[test]
fn welcome_offers_a_new_school_or_the_demo() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = start(Location::new(dir.path().join("school.db")));
    assert!(shows(&app, "Welcome to Keyholder"));
    assert!(shows(&app, "Explore the demo school"));
    click(&mut app, "Set up a new school");
    assert!(shows(&app, "Step 1 of 3"));
}

#[test]
fn setting_up_a_school_from_details_to_recovery_code() {
    let dir = tempfile::tempdir().unwrap();
    let location = Location::new(dir.path().join("school.db"));
    let mut app = start(location.clone());
    click(&mut app, "Set up a new school");

    // A mismatched password is explained and nothing moves on.
    fill_details(&mut app, "winter lantern copper 82");
    click(&mut app, "Next: soft key");
    assert!(shows(&app, "not the same"));
    assert_eq!(setup_screen(&app).step_name(), "details");
    assert_eq!(
        setup_screen(&app).details.school_name,
        "Larkfield Primary School",
        "typing is kept"
    );

    replace_in(&mut app, setup::PASSWORD_AGAIN, "winter lantern copper 81");
    press_enter_in(&mut app, setup::PASSWORD_AGAIN);
    assert_eq!(setup_screen(&app).step_name(), "key");
    assert!(shows(&app, "Step 2 of 3"));
    assert!(shows(&app, "Account: r.okafor@larkfield.example"));

    // A wrong code is refused with an explanation; nothing is written yet.
    let secret = setup_screen(&app).enrolment().unwrap().secret().to_vec();
    let good = soft_key::code_at(&secret, common::now() as u64).unwrap();
    let wrong = if good == "000000" { "111111" } else { "000000" };
    type_into(&mut app, keyholder::ui::screen::enrol::CODE_FIELD, wrong);
    click(&mut app, "Confirm and create the school");
    assert!(shows(&app, "does not match"));
    assert!(!location.db.exists());

    let good = soft_key::code_at(&secret, common::now() as u64).unwrap();
    type_into(&mut app, keyholder::ui::screen::enrol::CODE_FIELD, &good);
    click(&mut app, "Confirm and create the school");
    assert_eq!(setup_screen(&app).step_name(), "recovery");
    assert!(location.db.exists() && location.keys.exists());
    let code = setup_screen(&app).recovery_code().to_string();
    assert!(shows(&app, &code), "the recovery code is on screen");

    // Continue does nothing until the box is ticked.
    click(&mut app, "Continue");
    assert_eq!(setup_screen(&app).step_name(), "recovery");
    click(&mut app, "I have stored the recovery code somewhere safe");
    click(&mut app, "Continue");
    assert!(matches!(app.screen, Screen::Home(_)));
    assert!(shows(&app, "Larkfield Primary School"));
    assert!(shows(&app, "Ruth Okafor (SLT)"));

    // The recovery code shown is the one that opens the school.
    assert!(keyholder::service::recovery::unlock_with_recovery_code(&location, &code).is_ok());
}

#[test]
fn leaving_set_up_with_typed_details_asks_first() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = start(Location::new(dir.path().join("school.db")));
    click(&mut app, "Set up a new school");
    type_into(&mut app, setup::SCHOOL_NAME, "Larkfield");
    press(&mut app, keyboard::key::Named::Escape);
    assert!(shows(&app, "discard what you typed"));
    click(&mut app, "Keep editing");
    assert_eq!(setup_screen(&app).details.school_name, "Larkfield");
    click(&mut app, "Cancel");
    click(&mut app, "Discard and leave");
    assert!(shows(&app, "Welcome to Keyholder"));
}

#[test]
fn sign_in_refuses_a_wrong_password_then_accepts_password_and_code() {
    let dir = tempfile::tempdir().unwrap();
    let (mut app, _location, creds) = demo_app(dir.path());
    assert!(shows(&app, "Sign in to Keyholder"));
    assert!(
        shows(&app, "This is the demo school"),
        "the demo shows how to get in"
    );

    type_into(&mut app, sign_in::EMAIL, &creds.email);
    type_into(&mut app, sign_in::PASSWORD, "not the password");
    click(&mut app, "Sign in");
    assert!(shows(&app, "do not match"));
    assert!(shows(&app, "Sign in to Keyholder"));

    type_into(&mut app, sign_in::PASSWORD, common::PASSWORD);
    press_enter_in(&mut app, sign_in::PASSWORD);
    assert!(shows(&app, "Enter your code"));

    // Escape goes back to the e-mail and password; the e-mail is kept.
    press(&mut app, keyboard::key::Named::Escape);
    assert!(shows(&app, "Sign in to Keyholder"));
    type_into(&mut app, sign_in::PASSWORD, common::PASSWORD);
    click(&mut app, "Sign in");

    let code = soft_key::code_at(&creds.totp_secret, common::now() as u64).unwrap();
    type_into(&mut app, sign_in::CODE, &code);
    click(&mut app, "Confirm");
    assert!(matches!(app.screen, Screen::Home(_)));
    assert!(shows(&app, "Harriet Quinlan (SLT)"));
    assert!(
        shows(&app, "Dashboard"),
        "the Dashboard comes first after sign-in"
    );
    click(&mut app, "Overview");
    assert!(shows(&app, "The audit trail is intact"));
}

#[test]
fn a_wrong_code_is_explained_and_can_be_retyped() {
    let dir = tempfile::tempdir().unwrap();
    let (mut app, _location, creds) = demo_app(dir.path());
    type_into(&mut app, sign_in::EMAIL, &creds.email);
    type_into(&mut app, sign_in::PASSWORD, common::PASSWORD);
    click(&mut app, "Sign in");
    let good = soft_key::code_at(&creds.totp_secret, common::now() as u64).unwrap();
    let wrong = if good == "000000" { "111111" } else { "000000" };
    type_into(&mut app, sign_in::CODE, wrong);
    click(&mut app, "Confirm");
    assert!(shows(&app, "That code is not right"));
    assert!(shows(&app, "4 more tries"));
    type_into(
        &mut app,
        sign_in::CODE,
        &soft_key::code_at(&creds.totp_secret, common::now() as u64).unwrap(),
    );
    click(&mut app, "Confirm");
    assert!(matches!(app.screen, Screen::Home(_)));
}

#[test]
fn header_toggles_blank_screen_and_lock() {
    let dir = tempfile::tempdir().unwrap();
    let (mut app, _location, creds) = demo_app(dir.path());
    type_into(&mut app, sign_in::EMAIL, &creds.email);
    type_into(&mut app, sign_in::PASSWORD, common::PASSWORD);
    click(&mut app, "Sign in");
    type_into(
        &mut app,
        sign_in::CODE,
        &soft_key::code_at(&creds.totp_secret, common::now() as u64).unwrap(),
    );
    click(&mut app, "Confirm");

    click(&mut app, "Hide Names");
    assert!(app.hide_names);
    assert!(shows(&app, "Hide Names: on"));

    click(&mut app, "Blank Screen");
    assert!(shows(&app, "Screen blanked"));
    assert!(
        !shows(&app, "Harriet Quinlan"),
        "nothing of the school shows while blanked"
    );
    click(
        &mut app,
        "Screen blanked. Click anywhere or press a key to return.",
    );
    assert!(shows(&app, "Harriet Quinlan (SLT)"));

    click(&mut app, "Lock");
    assert!(app.session.is_none());
    assert!(shows(&app, "Sign in to Keyholder"));
    match &app.screen {
        Screen::SignIn(s) => assert_eq!(s.email, creds.email, "the e-mail is filled in again"),
        _ => panic!("locked to the sign-in screen"),
    }
}

#[test]
fn the_admin_tabs_show_the_school() {
    let dir = tempfile::tempdir().unwrap();
    let (mut app, _location, creds) = demo_app(dir.path());
    type_into(&mut app, sign_in::EMAIL, &creds.email);
    type_into(&mut app, sign_in::PASSWORD, common::PASSWORD);
    click(&mut app, "Sign in");
    type_into(
        &mut app,
        sign_in::CODE,
        &soft_key::code_at(&creds.totp_secret, common::now() as u64).unwrap(),
    );
    click(&mut app, "Confirm");

    click(&mut app, "Groups");
    assert!(shows(&app, "Restrict access?"));
    assert!(shows(&app, "Year 1"));
    assert!(shows(&app, "102-42"));
    click(&mut app, "Users");
    assert!(shows(&app, "Headteacher"));
    click(&mut app, "Categories");
    assert!(shows(&app, "Cause for Concern"));
    click(&mut app, "Audits");
    assert!(shows(&app, "Signed in with a soft key"));
    assert!(shows(&app, "Demo school generated"));
}

#[test]
fn the_recovery_code_sets_a_new_password_from_the_sign_in_screen() {
    let dir = tempfile::tempdir().unwrap();
    let (mut app, location, creds) = demo_app(dir.path());
    drop(creds.session);
    click(
        &mut app,
        "Lost every administrator password? Use the recovery code",
    );
    type_into(&mut app, recover::CODE, "WRONG-CODE");
    click(&mut app, "Continue");
    assert!(shows(&app, "recovery code is not right"));

    assert_eq!(
        match &app.screen {
            Screen::Recover(r) => r.code.as_str(),
            _ => "",
        },
        "WRONG-CODE",
        "kept for correcting"
    );
    replace_in(&mut app, recover::CODE, &creds.recovery_code);
    click(&mut app, "Continue");
    assert!(shows(&app, "Choose a new password"));
    // Choose the headteacher from the list of administrators.
    let wanted = format!("Harriet Quinlan ({})", creds.email);
    click(&mut app, &wanted);
    match &app.screen {
        Screen::Recover(r) => assert_eq!(r.admin.as_ref().unwrap().to_string(), wanted),
        _ => panic!("on the recovery screen"),
    }
    type_into(&mut app, recover::PASSWORD, "a fresh start for 2027");
    type_into(&mut app, recover::PASSWORD_AGAIN, "a fresh start for 2027");
    click(&mut app, "Continue");
    assert!(shows(&app, "The old recovery code no longer works"));
    let new_code = match &app.screen {
        Screen::Recover(r) => r.new_code().unwrap().to_string(),
        _ => panic!("still on the recovery screen"),
    };
    click(&mut app, "I have stored the recovery code somewhere safe");
    click(&mut app, "Continue");
    assert!(shows(&app, "Sign in with the new password"));
    drop(common::sign_in_at(
        &location,
        &creds.email,
        "a fresh start for 2027",
        &creds.totp_secret,
        common::now(),
    ));
    assert!(keyholder::service::recovery::unlock_with_recovery_code(&location, &new_code).is_ok());
}

#[test]
fn a_school_whose_key_file_is_missing_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let (location, creds) = common::demo_school(dir.path(), common::small());
    drop(creds.session);
    std::fs::remove_file(&location.keys).unwrap();
    let app = start(location);
    assert!(shows(&app, "This school cannot be opened"));
    assert!(shows(&app, "is missing"));
}

#[test]
fn the_window_locks_itself_after_the_idle_time_and_not_before() {
    use keyholder::ui::app::Message;
    use std::time::{Duration, Instant};
    let dir = tempfile::tempdir().unwrap();
    let (mut app, _location, creds) = demo_app(dir.path());
    drop(creds.session);
    sign_in_through_screens(&mut app, &creds.email, &creds.totp_secret);
    // The demo's idle time is 10 minutes.
    send(
        &mut app,
        [Message::Tick(Instant::now() + Duration::from_secs(9 * 60))],
    );
    assert!(app.session.is_some(), "still signed in after 9 minutes");
    send(&mut app, [Message::Activity]);
    send(
        &mut app,
        [Message::Tick(Instant::now() + Duration::from_secs(9 * 60))],
    );
    assert!(app.session.is_some(), "activity restarts the count");
    send(
        &mut app,
        [Message::Tick(
            Instant::now() + Duration::from_secs(10 * 60 + 1),
        )],
    );
    assert!(app.session.is_none(), "locked after 10 minutes without use");
    assert!(shows(&app, "locked itself after 10 minutes"));
}

#[test]
fn a_shorter_idle_time_chosen_on_the_overview_applies() {
    use keyholder::ui::app::Message;
    use keyholder::ui::screen::home;
    use std::time::{Duration, Instant};
    let dir = tempfile::tempdir().unwrap();
    let (mut app, _location, creds) = demo_app(dir.path());
    drop(creds.session);
    sign_in_through_screens(&mut app, &creds.email, &creds.totp_secret);
    send(&mut app, [Message::Home(home::Message::IdleLock(2))]);
    send(
        &mut app,
        [Message::Tick(
            Instant::now() + Duration::from_secs(2 * 60 + 1),
        )],
    );
    assert!(app.session.is_none());
}

#[test]
fn the_demo_says_so_in_the_window_title() {
    let dir = tempfile::tempdir().unwrap();
    let (mut app, _location, creds) = demo_app(dir.path());
    assert!(app.title().contains("DEMO"), "{}", app.title());
    drop(creds.session);
    sign_in_through_screens(&mut app, &creds.email, &creds.totp_secret);
    assert!(
        app.title().contains("DEMO") && app.title().contains("Millbrook"),
        "{}",
        app.title()
    );

    // A real school's title does not.
    let dir = tempfile::tempdir().unwrap();
    let real = start(Location::new(dir.path().join("school.db")));
    assert!(!real.title().contains("DEMO"));
}
