//! The class editor, driven as a person would: filters, arrows, clicks, keys, Save Group.

mod common;

use common::ui::*;
use iced::keyboard;
use keyholder::model::dual_list::Side;
use keyholder::model::{GroupType, UserId};
use keyholder::ui::app::{App, Message, Screen};
use keyholder::ui::screen::class_editor::LABELS;
use std::collections::BTreeSet;

struct Setup {
    app: App,
    year1: keyholder::model::PupilGroupId,
    slt: Vec<(UserId, String)>,
}

/// The demo, with Year 1's list holding no SLT members, signed in on the Groups tab.
fn open_year1(dir: &std::path::Path) -> Setup {
    let (mut app, _location, creds) = demo_app(dir);
    let mut admin = creds.session;
    let year1 = admin
        .groups_tab()
        .unwrap()
        .into_iter()
        .find(|t| t.group_type == GroupType::AcademicLevel)
        .unwrap()
        .groups
        .into_iter()
        .find(|g| g.group.name == "Year 1")
        .unwrap()
        .group
        .id;
    let editor = admin.access_editor(year1).unwrap();
    let slt: Vec<(UserId, String)> = editor
        .users
        .iter()
        .filter(|u| u.group_name == "SLT")
        .map(|u| (u.user.id, format!("{} (SLT)", u.user.full_name())))
        .collect();
    let without_slt: BTreeSet<UserId> = editor
        .on_list
        .iter()
        .copied()
        .filter(|id| !slt.iter().any(|(s, _)| s == id))
        .collect();
    admin.save_access_list(year1, &without_slt).unwrap();
    drop(admin);
    sign_in_through_screens(&mut app, &creds.email, &creds.totp_secret);
    click(&mut app, "Groups");
    // Year 1's Edit is the second Edit button (after the column title).
    click_nth(&mut app, "Edit", 2);
    assert!(shows(&app, "Year 1 (Academic Level)"));
    Setup { app, year1, slt }
}

fn editor(app: &App) -> &keyholder::ui::screen::class_editor::ClassEditor {
    let Screen::Home(h) = &app.screen else {
        panic!("home")
    };
    h.groups_tab()
        .and_then(|g| g.editor())
        .expect("the editor is open")
}

fn saved_list(app: &App, group: keyholder::model::PupilGroupId) -> BTreeSet<UserId> {
    app.session
        .as_ref()
        .unwrap()
        .access_editor(group)
        .unwrap()
        .on_list
}

#[test]
fn filtering_by_slt_and_the_double_arrow_moves_exactly_the_slt_users() {
    let dir = tempfile::tempdir().unwrap();
    let Setup {
        mut app,
        year1,
        slt,
    } = open_year1(dir.path());
    let right_before = editor(&app).transfer().total(Side::Right);
    let left_before = editor(&app).transfer().total(Side::Left);
    type_into(&mut app, LABELS.filters[0], "SLT");
    assert!(shows(
        &app,
        &format!("Showing {} of {left_before}", slt.len())
    ));
    click(&mut app, "»");
    let e = editor(&app);
    assert_eq!(e.transfer().total(Side::Right), right_before + slt.len());
    for (id, label) in &slt {
        assert_eq!(e.transfer().side_of(*id), Some(Side::Right), "{label}");
        assert!(
            e.transfer().is_selected(Side::Right, *id),
            "moved users are highlighted"
        );
        assert!(shows(&app, label));
    }
    assert_eq!(
        e.transfer().filter(Side::Left),
        "SLT",
        "the filter stays as it was"
    );
    assert!(shows(
        &app,
        &format!("Showing all {}", right_before + slt.len())
    ));
    // Nothing is saved until Save Group.
    assert!(
        slt.iter()
            .all(|(id, _)| !saved_list(&app, year1).contains(id))
    );
    click(&mut app, "Save Group");
    assert!(shows(&app, "Saved: added"));
    assert!(
        slt.iter()
            .all(|(id, _)| saved_list(&app, year1).contains(id))
    );
    let audit = app
        .session
        .as_ref()
        .unwrap()
        .recent_audit("Access list of Year 1", 1)
        .unwrap();
    assert!(
        audit[0]
            .summary
            .contains(&format!("{} added, 0 removed", slt.len()))
    );
}

#[test]
fn one_selected_user_moves_with_the_single_arrow_and_the_saved_list_reopens() {
    let dir = tempfile::tempdir().unwrap();
    let Setup {
        mut app,
        year1,
        slt,
    } = open_year1(dir.path());
    let (id, label) = slt[0].clone();
    click(&mut app, &label);
    assert!(editor(&app).transfer().is_selected(Side::Left, id));
    click(&mut app, "→");
    assert_eq!(editor(&app).transfer().side_of(id), Some(Side::Right));
    click(&mut app, "Save Group");
    assert!(saved_list(&app, year1).contains(&id));
    assert!(!saved_list(&app, year1).contains(&slt[1].0));
    // Back to the table and in again: the saved lists come back.
    click(&mut app, "Back to groups");
    click_nth(&mut app, "Edit", 2);
    let e = editor(&app);
    assert_eq!(e.transfer().side_of(id), Some(Side::Right));
    assert_eq!(e.transfer().side_of(slt[1].0), Some(Side::Left));
    assert!(!e.is_dirty());
}

#[test]
fn leaving_with_unsaved_changes_asks_and_discarding_saves_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let Setup {
        mut app,
        year1,
        slt,
    } = open_year1(dir.path());
    let before = saved_list(&app, year1);
    click(&mut app, &slt[0].1);
    click(&mut app, "→");
    click(&mut app, "Back to groups");
    assert!(shows(&app, "Discard the changes?"));
    click(&mut app, "Keep editing");
    assert_eq!(
        editor(&app).transfer().side_of(slt[0].0),
        Some(Side::Right),
        "the change is kept"
    );
    // Another tab is not reachable while the change is unsaved.
    click(&mut app, "Users");
    assert!(shows(&app, "Save or discard your changes"));
    assert!(shows(&app, "Year 1 (Academic Level)"));
    press(&mut app, keyboard::key::Named::Escape);
    assert!(shows(&app, "Discard the changes?"));
    click(&mut app, "Discard changes");
    assert!(shows(&app, "Restrict access?"), "back on the table");
    assert_eq!(saved_list(&app, year1), before);
}

#[test]
fn double_click_moves_at_once_and_the_keyboard_moves_the_focus_and_enter_moves() {
    let dir = tempfile::tempdir().unwrap();
    let Setup { mut app, slt, .. } = open_year1(dir.path());
    // Double-click.
    let (id, label) = slt[0].clone();
    let messages: Vec<Message> = {
        let mut ui = ui(&app);
        ui.click(label.as_str()).unwrap();
        ui.click(label.as_str()).unwrap();
        ui.into_messages().collect()
    };
    send(&mut app, messages);
    assert_eq!(editor(&app).transfer().side_of(id), Some(Side::Right));

    // Keyboard: Home on the left list, Down, Enter.
    type_into(&mut app, LABELS.filters[0], "");
    let first_two: Vec<UserId> = editor(&app).transfer().visible(Side::Left)[..2].to_vec();
    let first = editor(&app)
        .transfer()
        .item(first_two[0])
        .unwrap()
        .label
        .clone();
    click(&mut app, &first);
    send(
        &mut app,
        [Message::KeyPressed(
            keyboard::Key::Named(keyboard::key::Named::ArrowDown),
            keyboard::Modifiers::default(),
            false,
        )],
    );
    assert_eq!(
        editor(&app).transfer().focused(Side::Left),
        Some(first_two[1])
    );
    send(
        &mut app,
        [Message::KeyPressed(
            keyboard::Key::Named(keyboard::key::Named::Enter),
            keyboard::Modifiers::default(),
            false,
        )],
    );
    assert_eq!(
        editor(&app).transfer().side_of(first_two[1]),
        Some(Side::Right)
    );
    assert_eq!(
        editor(&app).transfer().side_of(first_two[0]),
        Some(Side::Left)
    );
}

#[test]
fn shift_and_ctrl_clicks_select_ranges_and_add_to_the_selection() {
    let dir = tempfile::tempdir().unwrap();
    let Setup { mut app, .. } = open_year1(dir.path());
    let visible: Vec<UserId> = editor(&app).transfer().visible(Side::Left).to_vec();
    let label = |app: &App, id: UserId| editor(app).transfer().item(id).unwrap().label.clone();
    let l = label(&app, visible[0]);
    click(&mut app, &l);
    send(&mut app, [Message::Modifiers(keyboard::Modifiers::SHIFT)]);
    let l = label(&app, visible[2]);
    click(&mut app, &l);
    send(&mut app, [Message::Modifiers(keyboard::Modifiers::CTRL)]);
    let l = label(&app, visible[4]);
    click(&mut app, &l);
    send(
        &mut app,
        [Message::Modifiers(keyboard::Modifiers::default())],
    );
    let selected: Vec<UserId> = editor(&app)
        .transfer()
        .selected(Side::Left)
        .iter()
        .copied()
        .collect();
    let mut expected = vec![visible[0], visible[1], visible[2], visible[4]];
    expected.sort();
    assert_eq!(selected, expected);
    click(&mut app, "→");
    assert_eq!(editor(&app).transfer().total(Side::Left), visible.len() - 4);
}

#[test]
fn the_reminder_names_key_holders_left_out() {
    let dir = tempfile::tempdir().unwrap();
    let Setup { app, slt, .. } = open_year1(dir.path());
    assert!(shows(&app, "Remember your key holders"));
    assert!(shows(&app, &slt[0].1));
}

#[test]
fn unsaved_changes_survive_the_idle_lock_for_the_same_person() {
    use std::time::{Duration, Instant};
    let dir = tempfile::tempdir().unwrap();
    let Setup { mut app, slt, .. } = open_year1(dir.path());
    click(&mut app, &slt[0].1);
    click(&mut app, "→");
    send(
        &mut app,
        [Message::Tick(Instant::now() + Duration::from_secs(11 * 60))],
    );
    assert!(app.session.is_none(), "locked");
    // The same person signs back in: the editor and its unsaved change are still there.
    let creds_email = "h.quinlan@millbrook.example";
    let secret = {
        let keys = keyholder::vault::KeyFile::read(&dir.path().join("school.keys")).unwrap();
        keyholder::service::demo::totp_secret(&keys.demo.unwrap().totp_seed, creds_email)
    };
    sign_back_in(&mut app, &secret);
    assert!(shows(
        &app,
        "Your unsaved changes from before the lock are still here."
    ));
    assert!(editor(&app).is_dirty());
    assert_eq!(editor(&app).transfer().side_of(slt[0].0), Some(Side::Right));
}

#[test]
fn ctrl_enter_moves_everyone_the_filter_shows_and_ctrl_s_saves() {
    let dir = tempfile::tempdir().unwrap();
    let Setup {
        mut app,
        year1,
        slt,
    } = open_year1(dir.path());
    let ctrl = |key: keyboard::Key| Message::KeyPressed(key, keyboard::Modifiers::CTRL, false);
    type_into(&mut app, LABELS.filter_id(Side::Left), "SLT");
    send(
        &mut app,
        [ctrl(keyboard::Key::Named(keyboard::key::Named::Enter))],
    );
    for (id, _) in &slt {
        assert_eq!(editor(&app).transfer().side_of(*id), Some(Side::Right));
    }
    assert!(editor(&app).is_dirty());
    assert!(
        !saved_list(&app, year1).contains(&slt[0].0),
        "not saved yet"
    );
    send(&mut app, [ctrl(keyboard::Key::Character("s".into()))]);
    let saved = saved_list(&app, year1);
    assert!(slt.iter().all(|(id, _)| saved.contains(id)));
    assert!(!editor_open_and_dirty(&app));

    // The same from inside a filter box, which takes the Enter itself.
    type_into(&mut app, LABELS.filter_id(Side::Right), "SLT");
    send(&mut app, [Message::Modifiers(keyboard::Modifiers::CTRL)]);
    press_enter_in(&mut app, LABELS.filter_id(Side::Right));
    send(
        &mut app,
        [Message::Modifiers(keyboard::Modifiers::default())],
    );
    for (id, _) in &slt {
        assert_eq!(editor(&app).transfer().side_of(*id), Some(Side::Left));
    }
}

fn editor_open_and_dirty(app: &App) -> bool {
    let Screen::Home(h) = &app.screen else {
        panic!("home")
    };
    h.groups_tab()
        .and_then(|g| g.editor())
        .is_some_and(|e| e.is_dirty())
}
