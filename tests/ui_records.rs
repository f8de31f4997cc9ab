//! What a member of staff does through the screens: the Pupils tab, a pupil's profile (with Hide
//! Names on), and + Add Incident.

mod common;

use common::ui::*;
use iced::widget::text_editor;
use keyholder::ui::app::{App, Message, Screen};
use keyholder::ui::screen::{add_incident, home, pupils, sign_in};
use std::sync::Arc;

fn concern(m: add_incident::Message) -> Message {
    Message::Home(home::Message::Concern(m))
}

/// Types into the description box (a multi-line editor, which the simulator cannot focus).
fn describe(app: &mut App, text: &str) {
    send(
        app,
        [concern(add_incident::Message::Description(
            text_editor::Action::Edit(text_editor::Edit::Paste(Arc::new(text.to_string()))),
        ))],
    );
}

/// Chooses from the category drop-down (its menu is an overlay the simulator cannot open).
fn choose_category(app: &mut App, label: &str) {
    let choice = app
        .session
        .as_ref()
        .unwrap()
        .categories_to_record()
        .unwrap()
        .into_iter()
        .find(|c| c.label == label)
        .unwrap();
    send(app, [concern(add_incident::Message::Category(choice))]);
}

fn home(app: &App) -> &home::Home {
    match &app.screen {
        Screen::Home(h) => h,
        _ => panic!("not signed in"),
    }
}

#[test]
fn add_incident_finds_any_pupil_and_records_the_concern() {
    let dir = tempfile::tempdir().unwrap();
    let (mut app, _location, creds) = demo_app(dir.path());
    sign_in_through_screens(&mut app, &creds.email, &creds.totp_secret);
    drop(creds.session);
    let pupil = app
        .session
        .as_ref()
        .unwrap()
        .find_pupil_to_record("a")
        .unwrap()
        .remove(0);
    let name = pupil.display_name(false);

    click(&mut app, "+ Add Incident");
    assert!(shows(&app, "Record a concern about any pupil"));
    // Saving with nothing chosen says what is missing and keeps the form.
    click(&mut app, "Save incident");
    assert!(shows(&app, "Choose the pupil the concern is about."));

    type_into(&mut app, add_incident::SEARCH, &pupil.surname);
    click(&mut app, &format!("{name} ({})", pupil.class));
    assert!(shows(&app, "Change pupil"));
    choose_category(&mut app, "Behaviour");
    describe(&mut app, "Said an older pupil took their lunch money.");
    // A bad time is explained and nothing is saved.
    replace_in(&mut app, add_incident::TIME, "25:99");
    click(&mut app, "Save incident");
    assert!(shows(&app, "is not a time Keyholder understands"));
    // Yesterday morning: a fixed time of day today may not have come yet.
    let yesterday = chrono::Local::now() - chrono::Duration::days(1);
    replace_in(
        &mut app,
        add_incident::DATE,
        &yesterday.format("%d/%m/%Y").to_string(),
    );
    replace_in(&mut app, add_incident::TIME, "09:15");
    click(&mut app, "Save incident");
    assert!(
        shows(
            &app,
            &format!("Your concern about {name} has been recorded.")
        ),
        "the admin may read it back"
    );
    assert!(home(&app).concern.is_none(), "the form closed");

    // It is on the pupil's profile.
    let s = app.session.as_mut().unwrap();
    let profile = s.open_pupil_profile(pupil.id).unwrap();
    assert!(profile.incidents.iter().any(|i| i.description
        == "Said an older pupil took their lunch money."
        && i.category_label == "Behaviour"));
}

#[test]
fn leaving_a_half_written_concern_asks_first() {
    let dir = tempfile::tempdir().unwrap();
    let (mut app, _location, creds) = demo_app(dir.path());
    sign_in_through_screens(&mut app, &creds.email, &creds.totp_secret);
    click(&mut app, "+ Add Incident");
    describe(&mut app, "Started writing");
    press(&mut app, iced::keyboard::key::Named::Escape);
    assert!(shows(&app, "Discard this concern?"));
    click(&mut app, "Keep writing");
    assert!(home(&app).concern.is_some());
    // Another tab asks the same question rather than dropping what was typed.
    click(&mut app, "Users");
    assert!(shows(&app, "Discard this concern?"));
    assert!(home(&app).concern.is_some());
    // A second Escape answers it the safe way, and no stale message stays behind.
    press(&mut app, iced::keyboard::key::Named::Escape);
    assert!(!shows(&app, "Discard this concern?"));
    assert!(home(&app).concern.is_some());
    click(&mut app, "Cancel");
    click(&mut app, "Discard");
    assert!(home(&app).concern.is_none());
}

#[test]
fn without_a_key_a_concern_is_recorded_and_the_user_is_told_kindly() {
    let dir = tempfile::tempdir().unwrap();
    let (mut app, _location, mut creds) = demo_app(dir.path());
    let data = creds.session.export().unwrap();
    drop(creds.session);
    let office = data
        .users
        .iter()
        .find(|u| u.user_group == "Office" && u.active)
        .unwrap();
    replace_in(&mut app, sign_in::EMAIL, &office.email);
    type_into(&mut app, sign_in::PASSWORD, common::PASSWORD);
    click(&mut app, "Sign in");
    assert!(app.session.is_some(), "signed in with the password alone");
    assert!(!shows(&app, "Pupils"), "no pupil list without a key");
    assert!(shows(&app, "signed in without a soft key"));

    let pupil = &data.pupils[3];
    click(&mut app, "+ Add Incident");
    type_into(&mut app, add_incident::SEARCH, &pupil.surname);
    let label = {
        let s = app.session.as_ref().unwrap();
        let p = s
            .find_pupil_to_record(&pupil.surname)
            .unwrap()
            .into_iter()
            .find(|p| p.forename == pupil.forename)
            .unwrap();
        format!("{} ({})", p.display_name(false), p.class)
    };
    click_nth(&mut app, &label, 0);
    choose_category(&mut app, "Behaviour");
    describe(
        &mut app,
        "Parent phoned, worried about bullying on the bus.",
    );
    click(&mut app, "Save incident");
    assert!(shows(&app, "has been recorded and is with the staff"));
    assert!(shows(&app, "you will not see it on the pupil's profile"));
}

#[test]
fn a_profile_with_hide_names_shows_initials_only() {
    let dir = tempfile::tempdir().unwrap();
    let (mut app, _location, creds) = demo_app(dir.path());
    sign_in_through_screens(&mut app, &creds.email, &creds.totp_secret);
    drop(creds.session);
    click(&mut app, "Pupils");
    let first = home(&app).pupils_tab().unwrap().shown_names()[0].clone();
    click(&mut app, "Hide Names");
    assert!(!shows(&app, &first), "the list shows initials");
    let (forename, surname) = first.split_once(' ').unwrap();
    let initials = keyholder::model::names::initials(forename, surname);
    click_nth(&mut app, &initials, 0);
    assert!(shows(&app, "Back to pupils"), "the profile opened");
    assert!(!shows(&app, &first));
    assert!(!shows(&app, surname), "not even the surname");
    assert!(shows(&app, &initials));
    assert!(shows(&app, "hidden"), "the date of birth is hidden too");
    click(&mut app, "Hide Names: on");
    assert!(shows(&app, &first));
    // Search narrows the list to matching names.
    click(&mut app, "Back to pupils");
    type_into(&mut app, pupils::SEARCH, surname);
    assert!(
        home(&app)
            .pupils_tab()
            .unwrap()
            .shown_names()
            .iter()
            .all(|n| n.to_lowercase().contains(&surname.to_lowercase()))
    );
}

#[test]
fn an_edited_incident_shows_its_earlier_wordings_on_the_profile() {
    use keyholder::service::records::NewConcern;
    let dir = tempfile::tempdir().unwrap();
    let (mut app, _location, creds) = demo_app(dir.path());
    sign_in_through_screens(&mut app, &creds.email, &creds.totp_secret);
    drop(creds.session);
    let s = app.session.as_mut().unwrap();
    let pupil = s.my_pupils("").unwrap().remove(0);
    let category = s.categories_to_record().unwrap()[0].id;
    let recorded = s
        .record_concern(&NewConcern {
            pupil: pupil.id,
            category,
            occurred_at: common::now() - 3600,
            description: "Upset at drop-off.".into(),
            linked: vec![],
            restriction: Default::default(),
        })
        .unwrap();
    s.edit_incident(recorded.id, "Upset at drop-off; said home was noisy.")
        .unwrap();
    s.edit_incident(
        recorded.id,
        "Upset at drop-off; said home was noisy and nobody slept.",
    )
    .unwrap();

    click(&mut app, "Pupils");
    type_into(&mut app, pupils::SEARCH, &pupil.surname);
    click_nth(&mut app, &pupil.display_name(false), 0);
    assert!(shows(&app, "nobody slept"));
    assert!(!shows(&app, "said home was noisy."), "folded away at first");
    click(&mut app, "Show 2 earlier wordings");
    assert!(shows(&app, "Upset at drop-off."));
    assert!(shows(&app, "said home was noisy."));
    assert!(shows(&app, "Edited by"));
    click(&mut app, "Hide 2 earlier wordings");
    assert!(!shows(&app, "said home was noisy."));
}

#[test]
fn pupils_archived_by_mistake_are_returned_to_roll_from_the_pupils_tab() {
    let dir = tempfile::tempdir().unwrap();
    let (mut app, _location, creds) = demo_app(dir.path());
    sign_in_through_screens(&mut app, &creds.email, &creds.totp_secret);
    drop(creds.session);
    click(&mut app, "Pupils");
    click(&mut app, "Archived");
    assert!(shows(&app, "No pupils are archived."));

    let s = app.session.as_mut().unwrap();
    let year1 = s
        .groups_tab()
        .unwrap()
        .into_iter()
        .flat_map(|t| t.groups)
        .find(|g| g.group.name == "Year 1")
        .unwrap();
    s.archive_group_pupils(year1.group.id).unwrap();
    let first = s.archived_pupils().unwrap().remove(0);

    click(&mut app, "Academic Levels");
    click(&mut app, "Archived");
    assert!(shows(&app, &format!("Archived pupils ({})", year1.pupils)));
    assert!(shows(&app, &first.display_name(false)));
    click(&mut app, "Hide Names");
    assert!(!shows(&app, &first.display_name(false)), "initials only");
    click_nth(&mut app, "Return to roll", 0);
    assert!(shows(
        &app,
        &format!("{} is back on roll", first.display_name(true))
    ));
    assert!(
        !shows(&app, &first.display_name(false)),
        "not named in the confirmation either"
    );
    click(&mut app, "Hide Names: on");
    assert!(shows(
        &app,
        &format!("{} is back on roll", first.display_name(false))
    ));
    assert!(shows(
        &app,
        &format!("Archived pupils ({})", year1.pupils - 1)
    ));
    click(&mut app, "Academic Levels");
    click(&mut app, "Year 1");
    assert!(
        home(&app)
            .pupils_tab()
            .unwrap()
            .shown_names()
            .contains(&first.display_name(false))
    );
}

#[test]
fn audits_are_searchable_and_a_broken_chain_raises_the_alarm() {
    use keyholder::vault::{KeyFile, Vault};
    let dir = tempfile::tempdir().unwrap();
    let (mut app, location, creds) = demo_app(dir.path());
    drop(creds.session);
    {
        let key = KeyFile::read(&location.keys)
            .unwrap()
            .unlock_person(&creds.email, common::PASSWORD)
            .unwrap();
        let v = Vault::open(&location, &key).unwrap();
        v.conn()
            .execute(
                "UPDATE audit SET summary = 'nothing happened' WHERE id = 1",
                [],
            )
            .unwrap();
    }
    sign_in_through_screens(&mut app, &creds.email, &creds.totp_secret);
    click(&mut app, "Audits");
    assert!(shows(
        &app,
        "The audit trail has been tampered with or damaged: entry 1"
    ));
    assert!(
        shows(&app, "nothing happened"),
        "the altered entry is listed"
    );
    type_into(&mut app, home::AUDIT_SEARCH, "Signed in");
    assert!(shows(&app, "Signed in with a soft key"));
    assert!(
        !shows(&app, "nothing happened"),
        "the search narrows the list"
    );
}
