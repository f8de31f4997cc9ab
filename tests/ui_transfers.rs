//! Admin > Transfers through the screens of two schools: one sends a pupil's file (its
//! passphrase shown once, kept on screen by Escape), the other opens it with the passphrase (a
//! wrong one explained, nothing received), sees what it holds, receives it and shows the receipt
//! code, which completes the transfer at the first school.

mod common;

use common::ui::*;
use iced_test::selector::Candidate;
use keyholder::ui::app::{App, Message};
use keyholder::ui::screen::{home, transfers};

fn to_transfers(m: transfers::Message) -> Message {
    Message::Home(home::Message::Transfers(m))
}

/// The first text on screen that `pick` accepts.
fn text_like(app: &App, pick: impl Fn(&str) -> bool + Send + Sync + 'static) -> Option<String> {
    ui(app)
        .find(move |c: Candidate<'_>| match c {
            Candidate::Text { content, .. } if pick(content) => Some(content.to_string()),
            _ => None,
        })
        .ok()
}

fn is_passphrase(t: &str) -> bool {
    let words: Vec<&str> = t.split(' ').collect();
    words.len() == 6
        && words
            .iter()
            .all(|w| w.chars().all(|c| c.is_ascii_lowercase()))
}

fn is_receipt_code(t: &str) -> bool {
    t.len() == 11
        && t.as_bytes()[5] == b'-'
        && t.chars().all(|c| c == '-' || c.is_ascii_alphanumeric())
}

#[test]
fn a_file_is_sent_received_and_confirmed_through_the_screens() {
    let dir = tempfile::tempdir().unwrap();
    let (mut sender, _, mut creds) = demo_app(&dir.path().join("sending"));
    // The demo pupil with a term of casework (statuses) on their record.
    let data = creds.session.export().unwrap();
    let mis_id = data
        .pupils
        .iter()
        .find(|p| !p.statuses.is_empty())
        .and_then(|p| p.mis_id.clone())
        .unwrap();
    let pupil = creds.session.pupils_to_transfer(&mis_id).unwrap().remove(0);
    assert_eq!(
        pupil.id,
        creds.session.pupil_to_transfer_by_mis_id(&mis_id).unwrap(),
        "an exact MIS ID comes first"
    );
    sign_in_through_screens(&mut sender, &creds.email, &creds.totp_secret);
    drop(creds.session);

    click(&mut sender, "Transfers");
    assert!(shows(&sender, "No transfers have been sent."));
    click(&mut sender, "New transfer…");
    type_into(&mut sender, transfers::SEARCH, &mis_id);
    send(
        &mut sender,
        [to_transfers(transfers::Message::Pick(pupil.id))],
    );
    assert!(shows(
        &sender,
        &format!("Sending the file of {} {}.", pupil.forename, pupil.surname)
    ));
    // Without a receiving school nothing is written.
    let out = dir.path().join("out");
    std::fs::create_dir_all(&out).unwrap();
    type_into(&mut sender, transfers::FOLDER, out.to_str().unwrap());
    press_enter_in(&mut sender, transfers::FOLDER);
    assert!(shows(
        &sender,
        "Type the name of the school the pupil is moving to."
    ));
    assert_eq!(std::fs::read_dir(&out).unwrap().count(), 0);
    type_into(&mut sender, transfers::SCHOOL, "Brookfield Academy");
    press_enter_in(&mut sender, transfers::FOLDER);
    assert!(shows(
        &sender,
        "The passphrase that opens it, shown only now:"
    ));
    let passphrase = text_like(&sender, is_passphrase).expect("the passphrase is shown");
    // Escape does not take the passphrase away before it is noted.
    send(&mut sender, [Message::Home(home::Message::Escape)]);
    assert!(shows(&sender, &passphrase));
    assert!(shows(&sender, "Note the passphrase first"));
    click(&mut sender, "Done: I have noted the passphrase");
    assert!(shows(&sender, "Sent: receipt due by"));
    let file = std::fs::read_dir(&out)
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    assert_eq!(
        file.extension().and_then(|e| e.to_str()),
        Some("khtransfer")
    );

    // The receiving school.
    let (mut receiver, _, creds) = demo_app(&dir.path().join("receiving"));
    sign_in_through_screens(&mut receiver, &creds.email, &creds.totp_secret);
    drop(creds.session);
    click(&mut receiver, "Transfers");
    click(&mut receiver, "Receive a transfer…");
    type_into(&mut receiver, transfers::FILE, file.to_str().unwrap());
    type_into(
        &mut receiver,
        transfers::PASSPHRASE,
        "ribbon absorb lunar gadget civil orbit",
    );
    press_enter_in(&mut receiver, transfers::PASSPHRASE);
    assert!(shows(
        &receiver,
        "That passphrase does not open this transfer file."
    ));
    assert!(!shows(&receiver, "Receive into Keyholder"));
    replace_in(
        &mut receiver,
        transfers::PASSPHRASE,
        &passphrase.to_uppercase(),
    );
    press_enter_in(&mut receiver, transfers::PASSPHRASE);
    assert!(shows(&receiver, "Where their categories go here"));
    assert!(shows(&receiver, "who has the same UPN here"));
    click(&mut receiver, "Receive into Keyholder");
    assert!(shows(&receiver, "added to the record of"));
    let code = text_like(&receiver, is_receipt_code).expect("the receipt code is shown");
    click(&mut receiver, "Done");
    assert!(shows(&receiver, &format!("receipt code {code}")));

    // Back at the first school: a wrong code is explained, the right one completes it.
    click(&mut sender, "Enter receipt…");
    type_into(&mut sender, transfers::CODE, "AAAAA-AAAA2");
    press_enter_in(&mut sender, transfers::CODE);
    assert!(shows(&sender, "typing mistake"));
    replace_in(&mut sender, transfers::CODE, &code.to_lowercase());
    type_into(&mut sender, transfers::RECEIVED_BY, "Ms R. Adeyemi");
    press_enter_in(&mut sender, transfers::CODE);
    assert!(shows(&sender, "is complete. Confirmed: received"));
    assert!(shows(&sender, "by Ms R. Adeyemi"));
    assert!(!shows(&sender, "Enter receipt…"));
}
