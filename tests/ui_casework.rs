//! Casework through the screens: adding an action to an incident on a pupil's profile (and being
//! told what is missing), setting a status, and the chronology with its filter.

mod common;

use common::ui::*;
use iced::widget::text_editor;
use keyholder::model::{Outcome, StatusKind};
use keyholder::service::records::NewConcern;
use keyholder::ui::app::{App, Message, Screen};
use keyholder::ui::screen::casework_forms::{self, ActionMessage, StatusMessage};
use keyholder::ui::screen::{chronology, home, pupil_profile, pupils};
use std::sync::Arc;

fn profile(m: pupil_profile::Message) -> Message {
    Message::Home(home::Message::Pupils(pupils::Message::Profile(m)))
}

/// The open profile page.
fn page(app: &App) -> &pupil_profile::ProfilePage {
    match &app.screen {
        Screen::Home(h) => h
            .pupils_tab()
            .and_then(|t| t.profile.as_ref())
            .expect("a profile is open"),
        _ => panic!("not signed in"),
    }
}

#[test]
fn an_action_added_on_the_profile_is_listed_under_its_incident() {
    let dir = tempfile::tempdir().unwrap();
    let (mut app, _location, creds) = demo_app(dir.path());
    sign_in_through_screens(&mut app, &creds.email, &creds.totp_secret);
    drop(creds.session);
    let s = app.session.as_mut().unwrap();
    let pupil = s.my_pupils("").unwrap().remove(1);
    let category = s
        .categories_to_record()
        .unwrap()
        .into_iter()
        .find(|c| c.label == "Behaviour")
        .unwrap()
        .id;
    s.record_concern(&NewConcern {
        pupil: pupil.id,
        category,
        occurred_at: common::now() - 2 * 86_400,
        description: "Snatched a reading book and tore it.".into(),
        linked: vec![],
        restriction: Default::default(),
    })
    .unwrap();

    click(&mut app, "Pupils");
    type_into(&mut app, pupils::SEARCH, &pupil.surname);
    click_nth(&mut app, &pupil.display_name(false), 0);
    assert!(shows(&app, "Snatched a reading book"));
    // Incidents are newest first, each with its own "+ Add action".
    let ours = page(&app)
        .profile
        .incidents
        .iter()
        .position(|i| i.description.starts_with("Snatched"))
        .unwrap();
    assert_eq!(
        find_all(&app, "+ Add action"),
        page(&app).profile.incidents.len()
    );
    click_nth(&mut app, "+ Add action", ours);
    assert!(shows(&app, "Add an action"));

    // Saving without an outcome says so and keeps the form.
    click(&mut app, "Save action");
    assert!(shows(&app, "Choose the outcome from the list"));
    send(
        &mut app,
        [
            profile(pupil_profile::Message::ActionForm(ActionMessage::Outcome(
                Outcome::NoFurtherAction,
            ))),
            profile(pupil_profile::Message::ActionForm(ActionMessage::What(
                text_editor::Action::Edit(text_editor::Edit::Paste(Arc::new(
                    "Talked with the pupil and their parent; book replaced.".into(),
                ))),
            ))),
        ],
    );
    // No further action without its reason is refused, and what was typed stays.
    click(&mut app, "Save action");
    assert!(shows(&app, "needs its reason"));
    assert!(shows(&app, "Add an action"));
    type_into(
        &mut app,
        casework_forms::ACTION_WHY,
        "A first incident; the parent is supportive.",
    );
    click(&mut app, "Save action");
    assert!(shows(&app, "Action added."));
    assert!(!shows(&app, "Add an action"), "the form closed");
    assert!(shows(
        &app,
        "Talked with the pupil and their parent; book replaced."
    ));
    assert!(shows(
        &app,
        "Why: A first incident; the parent is supportive."
    ));
    assert!(shows(&app, "No further action"));
    assert!(shows(&app, "1 action taken"));
    let listed = &page(&app)
        .profile
        .incidents
        .iter()
        .find(|i| i.description.starts_with("Snatched"))
        .unwrap()
        .actions;
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].outcome, Outcome::NoFurtherAction);

    // A status, set on the same page.
    click(&mut app, "+ Set a status");
    send(
        &mut app,
        [profile(pupil_profile::Message::StatusForm(
            StatusMessage::Kind(StatusKind::YoungCarer),
        ))],
    );
    click(&mut app, "Save status");
    assert!(shows(&app, "Status saved."));
    assert!(shows(&app, "Young carer"));
    assert!(shows(&app, "since "));

    // The chronology holds the incident, the action and the status; the category filter
    // narrows it.
    click(&mut app, "Chronology");
    assert!(shows(
        &app,
        "Every incident, action and status change you may see"
    ));
    assert!(shows(&app, "Incident · Behaviour"));
    assert!(shows(&app, "Action: No further action"));
    assert!(shows(&app, "Young carer started"));
    let cp = app_chronology(&app)
        .categories
        .iter()
        .find(|c| c.label == "Attendance")
        .cloned()
        .unwrap();
    send(
        &mut app,
        [profile(pupil_profile::Message::ChronologyPage(
            chronology::Message::Category(chronology::CategoryOption::One(cp)),
        ))],
    );
    assert!(!shows(&app, "Snatched a reading book"));
    assert!(
        shows(&app, "Young carer started"),
        "status changes are in no category"
    );
    click(&mut app, "← Back to the profile");
    assert!(shows(&app, "Back to pupils"));
}

fn app_chronology(app: &App) -> &keyholder::service::casework::Chronology {
    &page(app)
        .chronology
        .as_ref()
        .expect("the chronology is open")
        .chronology
}

#[test]
fn the_chronology_page_exports_its_pdf_to_a_typed_folder() {
    let dir = tempfile::tempdir().unwrap();
    let (mut app, _location, creds) = demo_app(dir.path());
    sign_in_through_screens(&mut app, &creds.email, &creds.totp_secret);
    drop(creds.session);
    let pupil = app
        .session
        .as_ref()
        .unwrap()
        .my_pupils("")
        .unwrap()
        .remove(0);
    click(&mut app, "Pupils");
    type_into(&mut app, pupils::SEARCH, &pupil.surname);
    click_nth(&mut app, &pupil.display_name(false), 0);
    click(&mut app, "Chronology");
    // A bad date is explained and the list stays as it was.
    let entries = app_chronology(&app).entries.len();
    type_into(&mut app, chronology::FROM, "31/02/2026");
    click(&mut app, "Show");
    assert!(shows(&app, "is not a date Keyholder understands"));
    assert_eq!(app_chronology(&app).entries.len(), entries);
    replace_in(&mut app, chronology::FROM, "");
    click(&mut app, "Show");
    let out = dir.path().join("pdfs");
    std::fs::create_dir_all(&out).unwrap();
    type_into(&mut app, chronology::PATH, &out.display().to_string());
    press_enter_in(&mut app, chronology::PATH);
    assert!(shows(&app, "Saved the chronology"));
    let written: Vec<_> = std::fs::read_dir(&out).unwrap().flatten().collect();
    assert_eq!(written.len(), 1);
    let name = written[0].file_name().to_string_lossy().into_owned();
    assert!(
        name.starts_with("Chronology P") && name.ends_with(".pdf"),
        "{name}"
    );
    assert!(
        !name.contains(&pupil.surname),
        "the file name does not name the child"
    );
    assert!(
        std::fs::read(written[0].path())
            .unwrap()
            .starts_with(b"%PDF-")
    );
}
