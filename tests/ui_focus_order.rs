//! Every screen's focus order: Tab goes round every control the page has, each once, in
//! reading order, and back to the start, without losing the focus; the controls a person needs
//! on each page are among the stops.

mod common;

use common::keys::Keyboard;
use common::ui::options;
use iced::keyboard::key::Named;
use keyholder::service::Location;
use keyholder::ui::app::{App, Screen};

fn window_at(location: Location) -> Keyboard {
    let (app, effect) = App::new(options(location));
    let mut kb = Keyboard::new(app);
    kb.apply(effect);
    kb
}

/// Tabs round the page and checks `wanted` are all among the stops, in this order (counting
/// round from the first of them, as the round starts wherever the focus was).
fn round_has(kb: &mut Keyboard, page: &str, wanted: &[&str]) -> Vec<String> {
    let mut stops = kb.tab_round();
    if let Some(first) = wanted
        .first()
        .and_then(|w| stops.iter().position(|s| s == w))
    {
        stops.rotate_left(first);
    }
    let mut from = 0;
    for w in wanted {
        let at = stops[from..]
            .iter()
            .position(|s| s == w)
            .unwrap_or_else(|| {
                panic!(
                    "{page}: Tab never reached {w:?} after {:?}: {stops:?}",
                    wanted.first()
                )
            });
        from += at + 1;
    }
    stops
}

#[test]
fn the_screens_before_sign_in_have_a_complete_focus_order() {
    let dir = tempfile::tempdir().unwrap();
    let mut kb = window_at(Location::new(dir.path().join("nothing-here.db")));
    round_has(
        &mut kb,
        "welcome",
        &[
            "Set up a new school",
            "Explore the demo school",
            "Restore from a backup",
        ],
    );
    kb.tab_to("Set up a new school");
    kb.key(Named::Enter);
    assert!(matches!(kb.app.screen, Screen::Setup(_)));
    round_has(&mut kb, "set-up", &["Cancel", "Next: soft key"]);

    let (location, creds) = common::demo_school(&dir.path().join("demo"), common::small());
    drop(creds.session);
    let mut kb = window_at(location);
    round_has(
        &mut kb,
        "sign-in",
        &[
            "Sign in",
            "First time here? Use your set-up code",
            "Lost every administrator password? Use the recovery code",
            "School file lost or damaged? Restore from a backup",
            "Fill in the demo headteacher",
        ],
    );
}

#[test]
fn every_tab_and_editor_has_a_complete_focus_order() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path()).unwrap();
    let (location, creds) = common::demo_school(dir.path(), common::small());
    drop(creds.session);
    let mut kb = window_at(location);
    kb.sign_in(&creds.email, &creds.totp_secret, 0);

    let header = [
        "+ Add Incident",
        "Remind Me",
        "Hide Names",
        "Blank Screen",
        "Help",
        "Lock",
    ];
    let tabs = [
        "Dashboard",
        "Overview",
        "Pupils",
        "Reports",
        "Groups",
        "Users",
        "Categories",
        "Imports",
        "Audits",
    ];
    let pages: [(&str, &[&str]); 9] = [
        ("1", &["Add reminder", "Save who is alerted"]),
        ("2", &["Back up now"]),
        ("3", &["Houses", "Academic Levels", "Registration Forms"]),
        ("4", &["Run report", "Save report"]),
        ("5", &["New Group", "Houses", "Restrict access?", "Edit"]),
        ("6", &["New User"]),
        ("7", &["New Category", "Rename", "Up", "Down", "Archive"]),
        ("8", &["Choose file…"]),
        ("9", &[]),
    ];
    for (n, wanted) in pages {
        kb.alt(n);
        let mut all: Vec<&str> = header.to_vec();
        all.extend(tabs);
        all.extend(wanted);
        round_has(&mut kb, &format!("tab {n}"), &all);
    }

    // Shift+Tab walks back the same way.
    let here = kb.focused_bounds();
    kb.tab();
    kb.shift_tab();
    assert_eq!(kb.focused_bounds(), here, "Shift+Tab undoes Tab");

    // Help, with the display settings.
    kb.key(Named::F1);
    round_has(
        &mut kb,
        "help",
        &[
            "Standard",
            "High contrast: black on white, heavier lines",
            "100 %",
            "125 %",
            "150 %",
            "Close",
        ],
    );
    kb.key(Named::Escape);

    // The class editor: its way back, its Save and the dual list's arrows (the single arrows
    // only once someone is selected: a disabled control is never a stop).
    kb.alt("5");
    kb.tab_to("Edit");
    kb.key(Named::Enter);
    round_has(
        &mut kb,
        "class editor",
        &["Back to groups", "Save Group", "»", "«"],
    );
    kb.key(Named::Escape);

    // A user group: the Save in the bar under the page comes after the page's last control.
    kb.alt("6");
    kb.tab_to_row("Teachers");
    kb.key(Named::Enter);
    let stops = round_has(
        &mut kb,
        "user group",
        &[
            "Back to users",
            "Active",
            "Inactive",
            "Change members",
            "Save User Group",
        ],
    );
    let at = |label: &str| stops.iter().position(|s| s == label);
    assert_eq!(
        at("Save User Group"),
        at("Add files").map(|i| i + 1),
        "the save bar follows the page's last permission: {stops:?}"
    );
    kb.key(Named::Escape);

    // + Add Incident.
    kb.alt("3");
    kb.tab_to("+ Add Incident");
    kb.key(Named::Enter);
    round_has(&mut kb, "add incident", &["Cancel", "Save incident"]);
}
