//! "What can this user see?" and "Who can see this pupil?" through the real screens.

mod common;

use common::ui::*;
use keyholder::service::access::Reach;
use keyholder::ui::app::{App, Screen};
use keyholder::ui::screen::access_report;

fn teacher(app: &App) -> (String, keyholder::model::UserId) {
    let s = app.session.as_ref().unwrap();
    let row = s
        .users_list()
        .unwrap()
        .into_iter()
        .find(|r| r.group_name == "Teachers" && r.user.active)
        .unwrap();
    (row.user.full_name(), row.user.id)
}

fn shown_rows(app: &App) -> usize {
    let Screen::Home(h) = &app.screen else {
        panic!("home")
    };
    h.users_tab()
        .and_then(|u| u.access_report())
        .map(|r| r.shown_count())
        .expect("an access report on screen")
}

#[test]
fn from_a_profile_to_what_they_see_to_who_sees_a_pupil_and_back() {
    let dir = tempfile::tempdir().unwrap();
    let (mut app, _location, creds) = demo_app(dir.path());
    sign_in_through_screens(&mut app, &creds.email, &creds.totp_secret);
    drop(creds.session);
    click(&mut app, "Users");
    let (name, id) = teacher(&app);
    let report = app.session.as_ref().unwrap().what_user_can_see(id).unwrap();
    let hidden: Vec<_> = report
        .pupils
        .iter()
        .filter(|p| p.reach != Reach::Profile)
        .collect();
    assert!(!hidden.is_empty());

    click(&mut app, &name);
    click(&mut app, "Permissions");
    click(&mut app, "What can this user see?");
    assert!(shows(&app, &format!("What can {name} see?")));
    assert_eq!(shown_rows(&app), report.pupils.len());
    assert!(shows(&app, "Cannot see"));

    click(&mut app, "Cannot open profile");
    assert_eq!(shown_rows(&app), hidden.len());
    let first = hidden[0].display_name(false);
    type_into(&mut app, access_report::FILTER, &hidden[0].surname);
    assert!(shown_rows(&app) >= 1 && shown_rows(&app) <= hidden.len());
    // The reason is in the row, capitalised.
    assert!(shows(&app, "Not on the access list of"));

    click(&mut app, &first);
    assert!(shows(&app, &format!("Who can see {first}?")));
    assert!(shows(&app, "users can open this pupil's profile."));
    // Hide Names turns the pupil into initials, in the title too.
    click(&mut app, "Hide Names");
    assert!(!shows(&app, &format!("Who can see {first}?")));
    let initials = keyholder::model::names::initials(&hidden[0].forename, &hidden[0].surname);
    assert!(shows(&app, &format!("Who can see {initials}?")));
    click(&mut app, "Hide Names: on");

    click(&mut app, "← Back");
    assert!(shows(&app, &format!("What can {name} see?")));
    assert_eq!(
        shown_rows(&app),
        report.pupils.len(),
        "filters start afresh"
    );
    press(&mut app, iced::keyboard::key::Named::Escape);
    assert!(
        shows(&app, "What can this user see?"),
        "back on the profile"
    );
    assert!(shows(&app, "Pupils they can see"));
}

#[test]
fn a_pupil_without_a_group_opens_who_can_see_them() {
    let dir = tempfile::tempdir().unwrap();
    let (mut app, _location, creds) = demo_app(dir.path());
    sign_in_through_screens(&mut app, &creds.email, &creds.totp_secret);
    drop(creds.session);
    click(&mut app, "Groups");
    click(&mut app, "Houses");
    click(&mut app, "Restrict access?");
    click(&mut app, "Restrict access");
    assert!(shows(&app, "1 pupil has no House."));
    click(&mut app, "Show them");
    let s = app.session.as_ref().unwrap();
    let without = s
        .groups_tab()
        .unwrap()
        .into_iter()
        .find(|t| t.group_type == keyholder::model::GroupType::House)
        .unwrap()
        .pupils_without_group;
    assert_eq!(without.len(), 1);
    let name = without[0].full_name();
    click(&mut app, &name);
    assert!(shows(&app, &format!("Who can see {name}?")));
    assert!(shows(&app, "In Year"), "the pupil's groups are listed");
    assert!(shows(
        &app,
        "Has no House, so only users on every House's list can see them"
    ));
    click(&mut app, "← Back to the groups");
    assert!(shows(&app, "1 pupil has no House."));
}
