//! Admin > Data Destruction Policies through the screens: the policies with where each comes
//! from, changing one (a bad number explained, nothing saved), a pupil whose records are due,
//! a hold placed on them and lifted.

mod common;

use common::ui::*;
use keyholder::model::retention::{Basis, Then};
use keyholder::service::records::NewConcern;
use keyholder::ui::app::{App, Message};
use keyholder::ui::screen::{home, retention};

fn to_retention(m: retention::Message) -> Message {
    Message::Home(home::Message::Retention(m))
}

fn category(app: &App, label: &str) -> keyholder::model::CategoryId {
    category_in(app.session.as_ref().unwrap(), label)
}

#[test]
fn a_policy_is_changed_and_a_due_pupil_is_held_from_the_screen() {
    let dir = tempfile::tempdir().unwrap();
    let (mut app, _location, mut creds) = demo_app(dir.path());
    // A concern about a pupil from three years ago, under Behaviour.
    let behaviour = creds
        .session
        .categories_to_record()
        .unwrap()
        .into_iter()
        .find(|c| c.label == "Behaviour")
        .unwrap()
        .id;
    let pupil = creds.session.find_pupil_to_record("a").unwrap().remove(0);
    creds
        .session
        .record_concern(&NewConcern {
            pupil: pupil.id,
            category: behaviour,
            occurred_at: common::now() - 3 * 366 * 86_400,
            description: "An old worry.".into(),
            linked: Vec::new(),
            restriction: Default::default(),
        })
        .unwrap();
    sign_in_through_screens(&mut app, &creds.email, &creds.totp_secret);
    drop(creds.session);

    click(&mut app, "Data Destruction Policies");
    assert!(shows(&app, "Policies"));
    assert!(shows(
        &app,
        "Keep until 25 years after the pupil's date of birth, then review · The default for safeguarding records"
    ));
    assert!(shows(
        &app,
        "No pupil's records are due for review or destruction today."
    ));

    // Behaviour: two years after the incident, then destroy. A bad number is explained.
    let b = category(&app, "Behaviour");
    send(&mut app, [to_retention(retention::Message::Edit(b))]);
    send(
        &mut app,
        [
            to_retention(retention::Message::Basis(Basis::Incident)),
            to_retention(retention::Message::Then(Then::Destroy)),
        ],
    );
    replace_in(&mut app, retention::YEARS, "two");
    click(&mut app, "Save policy");
    assert!(shows(&app, "\"two\" is not a number of years"));
    assert_eq!(
        app.session
            .as_ref()
            .unwrap()
            .retention_policies()
            .unwrap()
            .into_iter()
            .find(|l| l.category == b)
            .unwrap()
            .policy,
        None,
        "nothing was saved"
    );
    replace_in(&mut app, retention::YEARS, "2");
    click(&mut app, "Save policy");
    assert!(shows(&app, "The policy has been saved."));
    assert!(shows(
        &app,
        "Keep until 2 years after the incident, then destroy · Set for this category"
    ));
    assert!(shows(&app, "Follows Behaviour"));

    // The old concern is now due; its pupil is listed by name, with why.
    let name = format!("{} ({})", pupil.display_name(false), pupil.class);
    assert!(shows(&app, &name), "{name}");
    assert!(shows(&app, "1 record due since"));

    // A hold: a reason is needed; then the pupil is on hold, not due.
    send(
        &mut app,
        [to_retention(retention::Message::StartHold(pupil.id))],
    );
    click(&mut app, "Place hold");
    assert!(shows(&app, "Say why, in a few words"));
    type_into(
        &mut app,
        retention::HOLD_REASON,
        "Requested for a court case",
    );
    click(&mut app, "Place hold");
    assert!(shows(&app, "The hold is placed"));
    assert!(shows(&app, "On hold"));
    assert!(shows(
        &app,
        "No pupil's records are due for review or destruction today."
    ));
    click(&mut app, "Lift hold");
    assert!(shows(&app, "The hold has been lifted."));
    assert!(shows(&app, "1 record due since"));

    // Marked after a review, then destroyed after the password is given again.
    click(&mut app, "Mark for destruction");
    assert!(shows(&app, "marked for destruction"));
    assert!(shows(&app, "Ready for destruction: 1 record of 1 pupil"));
    assert!(shows(&app, "Nothing has been destroyed."));
    click(&mut app, "Destroy these records…");
    assert!(shows(&app, "It cannot be undone."));
    type_into(&mut app, retention::DESTROY_PASSWORD, "not my password");
    click(&mut app, "Destroy for good");
    assert!(shows(
        &app,
        "That password is not right. Nothing has been destroyed."
    ));
    assert!(shows(&app, "1 record due since"), "still there");
    type_into(&mut app, retention::DESTROY_PASSWORD, common::PASSWORD);
    press_enter_in(&mut app, retention::DESTROY_PASSWORD);
    assert!(shows(&app, "Destroyed 1 record of 1 pupil."));
    assert!(shows(
        &app,
        "No pupil's records are due for review or destruction today."
    ));
    assert!(shows(&app, "Behaviour — Against Peers: 1") || shows(&app, "Behaviour: 1"));
    assert!(
        !shows(&app, &pupil.surname),
        "the log names nobody; the pupil is no longer listed"
    );
}

#[test]
fn after_restoring_an_older_backup_the_page_offers_to_destroy_its_records_again() {
    use keyholder::service::backup::{Unlock, open_backup};
    use keyholder::service::retention::Take;
    let dir = tempfile::tempdir().unwrap();
    let (location, mut creds) = common::demo_school(dir.path(), common::small());
    let s = &mut creds.session;
    let behaviour = category_in(s, "Behaviour");
    s.set_retention_policy(
        behaviour,
        Some(keyholder::model::retention::Policy {
            basis: Basis::Incident,
            years: 2,
            then: Then::Destroy,
        }),
    )
    .unwrap();
    let pupil = s.find_pupil_to_record("a").unwrap().remove(0);
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
        occurred_at: common::now() - 3 * 366 * 86_400,
        description: "Back from the old backup.".into(),
        linked: Vec::new(),
        restriction: Default::default(),
    })
    .unwrap();
    let written = s
        .back_up(&dir.path().join("old.khbackup"), &|_| {})
        .unwrap();
    s.destroy_records(Take::MarkedAndDue, common::PASSWORD)
        .unwrap();
    drop(creds.session);
    open_backup(&written.path)
        .unwrap()
        .unlock(&Unlock::Password {
            email: creds.email.clone(),
            password: common::PASSWORD.into(),
        })
        .unwrap()
        .restore(&location)
        .unwrap();

    let mut app = start(location.clone());
    sign_in_through_screens(&mut app, &creds.email, &creds.totp_secret);
    click(&mut app, "Data Destruction Policies");
    assert!(shows(
        &app,
        "This school was restored from a backup taken before 1 destruction"
    ));
    click(&mut app, "Destroy them again…");
    type_into(&mut app, retention::REAPPLY_PASSWORD, common::PASSWORD);
    click(&mut app, "Destroy again for good");
    assert!(shows(&app, "Destroyed again: 1 record."));
    assert!(!shows(&app, "This school was restored from a backup"));
}

fn category_in(s: &keyholder::service::Session, label: &str) -> keyholder::model::CategoryId {
    s.retention_policies()
        .unwrap()
        .into_iter()
        .find(|l| l.label == label)
        .unwrap()
        .category
}
