//! The display settings: the text size keys, the high-contrast theme, and each person's choice
//! remembered for them alone.

mod common;

use common::keys::Keyboard;
use common::ui::options;
use iced::keyboard::key::Named;
use keyholder::model::display::{Display, TextSize};
use keyholder::ui::app::{App, Screen};
use keyholder::ui::theme;

fn window(
    dir: &std::path::Path,
) -> (
    Keyboard,
    keyholder::service::demo::DemoCredentials,
    keyholder::service::Location,
) {
    let (location, creds) = common::demo_school(dir, common::small());
    let (app, effect) = App::new(options(location.clone()));
    let mut kb = Keyboard::new(app);
    kb.apply(effect);
    (kb, creds, location)
}

fn typed_on_sign_in(kb: &Keyboard) -> (String, String) {
    match &kb.app.screen {
        Screen::SignIn(s) => (s.email.clone(), s.password.clone()),
        _ => panic!("not on the sign-in screen"),
    }
}

#[test]
fn text_size_keys_work_before_sign_in_and_type_nothing_into_the_field() {
    let dir = tempfile::tempdir().unwrap();
    let (mut kb, creds, _) = window(dir.path());
    drop(creds.session);
    kb.type_text("a.b");
    let before = typed_on_sign_in(&kb);
    assert_eq!(before.0, "a.b", "the e-mail field has the focus");

    kb.ctrl_typing("+");
    assert_eq!(kb.app.display.text_size, TextSize::Larger);
    kb.ctrl_typing("=");
    assert_eq!(kb.app.display.text_size, TextSize::Largest);
    kb.ctrl_typing("+");
    assert_eq!(
        kb.app.display.text_size,
        TextSize::Largest,
        "150 % is the largest"
    );
    assert!((kb.app.scale_factor() - 1.5).abs() < f32::EPSILON);
    kb.ctrl_typing("-");
    assert_eq!(kb.app.display.text_size, TextSize::Larger);
    kb.ctrl_typing("0");
    assert_eq!(kb.app.display.text_size, TextSize::Standard);
    assert_eq!(
        typed_on_sign_in(&kb),
        before,
        "the keys changed the size and typed nothing"
    );

    // The bar under the sign-in page switches high contrast on and off, by keyboard too.
    kb.tab_to("High contrast");
    kb.key(Named::Enter);
    assert!(kb.app.display.high_contrast);
    assert_eq!(theme::palette(&kb.app.theme()), &theme::HIGH_CONTRAST);
    assert!(kb.shows("Standard theme"));
    kb.tab_to("Larger text: 125 % (Ctrl+Plus)");
    kb.key(Named::Enter);
    assert_eq!(kb.app.display.text_size, TextSize::Larger);
}

#[test]
fn each_person_keeps_their_own_look_and_never_inherits_the_last_persons() {
    let dir = tempfile::tempdir().unwrap();
    let (mut kb, mut creds, location) = window(dir.path());
    let other = common::promote_teachers(&mut creds.session, &location, 1)
        .pop()
        .unwrap();
    drop(creds.session);
    kb.sign_in(&creds.email, &creds.totp_secret, 0);
    assert_eq!(kb.app.display, Display::default());

    // F1 opens Help with the display settings; the high-contrast choice is reached by Tab.
    kb.key(Named::F1);
    assert!(kb.shows("Display"));
    kb.tab_to("High contrast: black on white, heavier lines");
    kb.key(Named::Enter);
    assert!(kb.app.display.high_contrast);
    assert_eq!(theme::palette(&kb.app.theme()), &theme::HIGH_CONTRAST);
    kb.ctrl_typing("+");
    let chosen = Display {
        high_contrast: true,
        text_size: TextSize::Larger,
    };
    assert_eq!(kb.app.display, chosen);
    assert_eq!(kb.app.session.as_ref().unwrap().display().unwrap(), chosen);

    // After a lock the sign-in screen keeps the look; the next person gets their own (standard).
    kb.ctrl("l");
    assert_eq!(
        kb.app.display, chosen,
        "still readable for the person who locked"
    );
    if let Screen::SignIn(s) = &mut kb.app.screen {
        s.email = other.0.clone();
    }
    kb.sign_in(&other.0, &other.1, 0);
    assert_eq!(kb.app.display, Display::default(), "not passed on");
    assert_eq!(theme::palette(&kb.app.theme()), &theme::STANDARD);

    // Back to the first person: their choice returns.
    kb.ctrl("l");
    if let Screen::SignIn(s) = &mut kb.app.screen {
        s.email = creds.email.clone();
    }
    kb.sign_in(&creds.email, &creds.totp_secret, 1);
    assert_eq!(kb.app.display, chosen, "remembered for them");
}

#[test]
fn larger_text_chosen_before_signing_in_is_kept_and_remembered() {
    let dir = tempfile::tempdir().unwrap();
    let (mut kb, creds, _) = window(dir.path());
    drop(creds.session);
    kb.ctrl_typing("+");
    kb.ctrl_typing("+");
    kb.sign_in(&creds.email, &creds.totp_secret, 0);
    assert_eq!(kb.app.display.text_size, TextSize::Largest);
    let session = kb.app.session.as_ref().unwrap();
    assert_eq!(session.display().unwrap().text_size, TextSize::Largest);
    assert!(
        session
            .recent_audit("Display settings changed", 10)
            .unwrap()
            .iter()
            .any(|e| e.action == "Display settings changed"),
        "the change is in the audit trail"
    );
}
