//! Whole tasks done with the keyboard alone, in a window that keeps its focus between keys.

mod common;

use common::keys::Keyboard;
use common::ui::options;
use iced::keyboard::key::Named;
use keyholder::model::GroupType;
use keyholder::ui::app::{App, Screen};
use keyholder::ui::screen::home::Tab;

/// A demo school's window on its sign-in screen, with the keyboard, and the headteacher's details.
fn window(dir: &std::path::Path) -> (Keyboard, keyholder::service::demo::DemoCredentials) {
    let (location, creds) = common::demo_school(dir, common::small());
    let (app, effect) = App::new(options(location));
    let mut kb = Keyboard::new(app);
    kb.apply(effect);
    (kb, creds)
}

fn home(kb: &Keyboard) -> &keyholder::ui::screen::home::Home {
    match &kb.app.screen {
        Screen::Home(h) => h,
        _ => panic!("not on the main window"),
    }
}

#[test]
fn restricting_houses_and_editing_an_access_list_by_keyboard_then_locking() {
    let dir = tempfile::tempdir().unwrap();
    let (mut kb, creds) = window(dir.path());
    let houses_before = creds
        .session
        .groups_tab()
        .unwrap()
        .into_iter()
        .find(|t| t.group_type == GroupType::House)
        .unwrap();
    assert!(
        !houses_before.restricted,
        "the demo does not restrict by House"
    );
    let first_house = houses_before.groups[0].group.clone();
    drop(creds.session);
    kb.sign_in(&creds.email, &creds.totp_secret, 0);

    // Alt+5: the fifth tab (after Dashboard, Overview, Pupils and Reports), Groups, with the
    // focus on its tab in the strip.
    kb.alt("5");
    assert_eq!(home(&kb).tab, Tab::Groups);
    kb.tab_to("Houses");
    kb.key(Named::Enter);
    kb.tab_to("Restrict access?");
    kb.key(Named::Space);
    assert!(kb.shows("Cancel"), "ticking the box asks first");
    kb.tab_to("Restrict access");
    kb.key(Named::Enter);
    assert!(
        kb.app
            .session
            .as_ref()
            .unwrap()
            .groups_tab()
            .unwrap()
            .iter()
            .any(|t| t.group_type == GroupType::House && t.restricted),
        "Houses are now restricted"
    );

    // The first house's Edit opens its class editor; two staff move across by filter and Enter.
    kb.tab_to("Edit");
    kb.key(Named::Enter);
    assert!(kb.shows("Save Group"), "the class editor is open");
    let staff: Vec<(String, keyholder::model::UserId)> = {
        let session = kb.app.session.as_ref().unwrap();
        let data = session.access_editor(first_house.id).unwrap();
        assert!(data.on_list.is_empty());
        data.users
            .iter()
            .take(2)
            .map(|u| (u.user.surname.clone(), u.user.id))
            .collect()
    };
    for (surname, _) in &staff {
        kb.ctrl("f");
        kb.type_text(surname);
        kb.key(Named::ArrowDown);
        kb.key(Named::Enter);
        // Clear the filter for the next one: select all and delete.
        kb.ctrl("a");
        kb.key(Named::Backspace);
    }
    kb.ctrl("s");
    assert!(kb.shows("Saved: added"), "Ctrl+S saved the moves");
    let on_list = kb
        .app
        .session
        .as_ref()
        .unwrap()
        .access_editor(first_house.id)
        .unwrap()
        .on_list;
    for (surname, id) in &staff {
        assert!(on_list.contains(id), "{surname} is on the list");
    }

    // Ctrl+L locks; the sign-in screen comes back.
    kb.ctrl("l");
    assert!(matches!(kb.app.screen, Screen::SignIn(_)));
    assert!(kb.app.session.is_none());
}

#[test]
fn a_user_group_is_opened_changed_and_saved_by_keyboard() {
    let dir = tempfile::tempdir().unwrap();
    let (mut kb, creds) = window(dir.path());
    let before = common::user_group(&creds.session, "Teachers");
    drop(creds.session);
    kb.sign_in(&creds.email, &creds.totp_secret, 0);
    kb.alt("6");
    assert_eq!(home(&kb).tab, Tab::Users);
    kb.tab_to_row("Teachers");
    kb.key(Named::Enter);
    assert!(kb.shows("Save User Group"), "the user group is open");
    // Its status buttons: make it inactive, then Ctrl+S.
    let target = if before.active { "Inactive" } else { "Active" };
    kb.tab_to(target);
    kb.key(Named::Space);
    kb.ctrl("s");
    let after = {
        let session = kb.app.session.as_ref().unwrap();
        common::user_group(session, "Teachers")
    };
    assert_ne!(after.active, before.active, "the change was saved");
}

#[test]
fn escape_and_the_help_page_by_keyboard() {
    let dir = tempfile::tempdir().unwrap();
    let (mut kb, creds) = window(dir.path());
    drop(creds.session);
    kb.sign_in(&creds.email, &creds.totp_secret, 0);
    kb.key(Named::F1);
    assert!(
        kb.shows("Keyboard") && kb.shows("Ctrl+S"),
        "F1 opens the keys"
    );
    kb.key(Named::Escape);
    assert!(!kb.shows("Ctrl+Enter"), "Escape closes it");
    // Ctrl+H hides names and Ctrl+B blanks the screen; a key brings it back.
    kb.ctrl("h");
    assert!(kb.app.hide_names);
    kb.ctrl("b");
    assert!(kb.app.blank);
    kb.key(Named::Shift);
    assert!(!kb.app.blank);
}

#[test]
fn a_new_school_is_set_up_by_keyboard_alone() {
    let dir = tempfile::tempdir().unwrap();
    let location = keyholder::service::Location::new(dir.path().join("school.db"));
    let (app, effect) = App::new(options(location.clone()));
    let mut kb = Keyboard::new(app);
    kb.apply(effect);
    kb.tab_to("Set up a new school");
    kb.key(Named::Enter);
    assert!(kb.shows("Step 1 of 3"));

    // The first field has the focus; Tab walks the form in reading order.
    for (i, value) in [
        "Larkfield Primary School",
        "Mrs",
        "Ruth",
        "Okafor",
        "r.okafor@larkfield.example",
        "Headteacher",
        "winter lantern copper 81",
        "winter lantern copper 81",
    ]
    .into_iter()
    .enumerate()
    {
        if i > 0 {
            kb.tab();
        }
        kb.type_text(value);
    }
    kb.key(Named::Enter);
    assert!(kb.shows("Step 2 of 3"), "Enter in the last field goes on");
    assert!(
        kb.shows("Account: r.okafor@larkfield.example"),
        "each value went into its own field"
    );

    let secret = match &kb.app.screen {
        Screen::Setup(s) => s.enrolment().expect("a key to enrol").secret().to_vec(),
        _ => panic!("not on the set-up screen"),
    };
    kb.tab_to("(text field)");
    kb.type_text(&common::code(&secret, common::now(), 0));
    kb.key(Named::Enter);
    assert!(kb.shows("Step 3 of 3"), "the code creates the school");
    assert!(location.db.exists());

    kb.tab_to("I have stored the recovery code somewhere safe");
    kb.key(Named::Space);
    kb.tab_to("Continue");
    kb.key(Named::Enter);
    assert!(
        matches!(kb.app.screen, Screen::Home(_)),
        "signed in to the new school"
    );
    assert!(kb.shows("Ruth Okafor (SLT)"));
}
