//! Recording a restricted concern through the screens: only the person chosen (and the one
//! recording) can read it; another member of SLT opening the same profile sees no sign of it.

mod common;

use common::ui::*;
use iced::widget::text_editor;
use keyholder::ui::app::Message;
use keyholder::ui::screen::{add_incident, home};
use std::sync::Arc;

fn concern(m: add_incident::Message) -> Message {
    Message::Home(home::Message::Concern(m))
}

#[test]
fn a_concern_only_two_people_can_read_leaves_no_trace_for_anyone_else() {
    let dir = tempfile::tempdir().unwrap();
    let (mut app, location, mut creds) = demo_app(dir.path());
    let users = creds.session.users_list().unwrap();
    let reader = users
        .iter()
        .find(|r| r.group_name == "SLT" && r.user.email != creds.email && r.user.active)
        .unwrap()
        .user
        .clone();
    // A pupil a class teacher can open the profile of, to be the one outside the list.
    let pupil = creds
        .session
        .find_pupil_to_record("a")
        .unwrap()
        .into_iter()
        .find(|p| {
            creds
                .session
                .who_can_see(p.id)
                .unwrap()
                .users
                .iter()
                .any(|u| u.profile && u.group == "Teachers")
        })
        .expect("a pupil with a class teacher");
    let behaviour = creds
        .session
        .categories_to_record()
        .unwrap()
        .into_iter()
        .find(|c| c.label == "Behaviour")
        .unwrap();
    // Someone else who can open the pupil's profile, and (the control) reads an unrestricted
    // Behaviour concern about them.
    let control = creds
        .session
        .record_concern(&keyholder::service::records::NewConcern {
            pupil: pupil.id,
            category: behaviour.id,
            occurred_at: common::now() - 7200,
            description: "An ordinary concern anyone with the category may read.".into(),
            linked: Vec::new(),
            restriction: Default::default(),
        })
        .unwrap()
        .id;
    let outsider = creds
        .session
        .who_can_see(pupil.id)
        .unwrap()
        .users
        .into_iter()
        .filter(|u| u.profile && u.email != creds.email && u.email != reader.email)
        .find(|u| {
            common::sign_in_demo_user(&location, &u.email)
                .open_pupil_profile(pupil.id)
                .is_ok_and(|p| p.incidents.iter().any(|i| i.id == control))
        })
        .expect("someone else reads the pupil's Behaviour concerns");
    sign_in_through_screens(&mut app, &creds.email, &creds.totp_secret);
    drop(creds.session);

    click(&mut app, "+ Add Incident");
    type_into(&mut app, add_incident::SEARCH, &pupil.surname);
    click(
        &mut app,
        &format!("{} ({})", pupil.display_name(false), pupil.class),
    );
    send(
        &mut app,
        [concern(add_incident::Message::Category(behaviour))],
    );
    send(
        &mut app,
        [concern(add_incident::Message::Description(
            text_editor::Action::Edit(text_editor::Edit::Paste(Arc::new(
                "Told me something at lunch and asked me to tell only the DSL.".into(),
            ))),
        ))],
    );
    click(&mut app, "Only these people can read this (you always can)");
    assert!(shows(&app, "Everyone else sees no sign of it"));
    type_into(&mut app, add_incident::READERS, &reader.surname);
    click(&mut app, &reader.full_name());
    let yesterday = chrono::Local::now() - chrono::Duration::days(1);
    replace_in(
        &mut app,
        add_incident::DATE,
        &yesterday.format("%d/%m/%Y").to_string(),
    );
    click(&mut app, "Save incident");
    assert!(shows(&app, "has been recorded"));

    let mine = app
        .session
        .as_mut()
        .unwrap()
        .open_pupil_profile(pupil.id)
        .unwrap();
    let recorded = mine
        .incidents
        .iter()
        .find(|i| i.description.starts_with("Told me something at lunch"))
        .expect("the recorder reads it");
    let said = recorded.restriction.clone().unwrap();
    assert!(said.contains(&reader.full_name()), "{said}");

    let mut theirs = common::sign_in_demo_user(&location, &reader.email);
    assert!(
        theirs
            .open_pupil_profile(pupil.id)
            .unwrap()
            .incidents
            .iter()
            .any(|i| i.id == recorded.id)
    );
    // A code is accepted once: the outsider signs in with the next one.
    let secret = common::demo_secret(&location, &outsider.email);
    let mut outside = common::sign_in_at(
        &location,
        &outsider.email,
        common::PASSWORD,
        &secret,
        common::now() + 30,
    );
    let seen = outside.open_pupil_profile(pupil.id).unwrap();
    assert!(seen.incidents.iter().any(|i| i.id == control));
    assert!(seen.incidents.iter().all(|i| i.id != recorded.id));
    assert!(
        outside
            .chronology(pupil.id, &Default::default())
            .unwrap()
            .incident_ids()
            .iter()
            .all(|i| *i != recorded.id)
    );
}
