//! User groups and their grids through the real screens.

mod common;

use common::ui::*;
use iced::keyboard;
use keyholder::model::grid::{self, Preset, TriState};
use keyholder::model::{CategoryPermission, SystemPermission};
use keyholder::ui::app::{App, Screen};
use keyholder::ui::screen::user_group::UserGroupEditor;

fn open_teachers(dir: &std::path::Path) -> App {
    let (mut app, _location, creds) = demo_app(dir);
    drop(creds.session);
    sign_in_through_screens(&mut app, &creds.email, &creds.totp_secret);
    click(&mut app, "Users");
    click_last(&mut app, "Teachers");
    assert!(shows(&app, "User Group Information"));
    app
}

fn editor(app: &App) -> &UserGroupEditor {
    let Screen::Home(h) = &app.screen else {
        panic!("home")
    };
    h.users_tab()
        .and_then(|u| u.group_editor())
        .expect("the group is open")
}

fn state(app: &App, category: &str, column: CategoryPermission) -> TriState {
    let session = app.session.as_ref().unwrap();
    let rows = grid::rows(&session.categories().unwrap());
    let row = rows.iter().find(|r| r.name == category).unwrap();
    grid::row_state(editor(app).grid(), row, column)
}

#[test]
fn parents_children_columns_presets_and_saving() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = open_teachers(dir.path());
    use CategoryPermission::*;
    // Behaviour: clear it, then tick the parent and see its three sub-categories ticked.
    click(&mut app, "Behaviour: View Students");
    for c in [
        "Behaviour",
        "Against Peers",
        "Against Staff",
        "Positive Behaviour",
    ] {
        assert_eq!(state(&app, c, ViewStudents), TriState::Off, "{c}");
    }
    click(&mut app, "Behaviour: View Students");
    for c in ["Against Peers", "Against Staff", "Positive Behaviour"] {
        assert_eq!(state(&app, c, ViewStudents), TriState::On, "{c}");
    }
    click(&mut app, "Against Staff: View Students");
    assert_eq!(state(&app, "Behaviour", ViewStudents), TriState::Mixed);
    // Cause for Concern: Teachers may only add. Ticking the parent's View Incidents ticks its two
    // sub-categories.
    assert_eq!(
        state(&app, "Cause for Concern", ViewIncidents),
        TriState::Off
    );
    click(&mut app, "Cause for Concern: View Incidents");
    for c in ["Cause for Concern", "Emotional Related", "Neglect Related"] {
        assert_eq!(state(&app, c, ViewIncidents), TriState::On, "{c}");
    }
    // Unticking one sub-category shows the parent mixed.
    click(&mut app, "Neglect Related: View Incidents");
    assert_eq!(state(&app, "Neglect Related", ViewIncidents), TriState::Off);
    assert_eq!(
        state(&app, "Cause for Concern", ViewIncidents),
        TriState::Mixed
    );
    // The column header ticks the whole column.
    click(&mut app, "All categories: View Incidents");
    for c in ["Attendance", "Punctuality", "Neglect Related", "Behaviour"] {
        assert_eq!(state(&app, c, ViewIncidents), TriState::On, "{c}");
    }
    // The key-holder preset sets the recommended system permissions.
    click(&mut app, Preset::KeyHolder.label());
    assert_eq!(editor(&app).system(), Preset::KeyHolder.permissions());
    let grid_before = editor(&app).grid().clone();
    click(&mut app, "Save User Group");
    assert!(shows(&app, "User group saved."));
    // Reopen: the same grid.
    click(&mut app, "Back to users");
    click_last(&mut app, "Teachers");
    assert_eq!(editor(&app).grid(), &grid_before);
    assert_eq!(editor(&app).system(), Preset::KeyHolder.permissions());
}

#[test]
fn administration_permissions_ask_first() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = open_teachers(dir.path());
    click(&mut app, "Manage system");
    assert!(shows(&app, "meant only for senior staff"));
    assert!(
        !editor(&app)
            .system()
            .contains(SystemPermission::ManageSystem),
        "not until confirmed"
    );
    click(&mut app, "Cancel");
    assert!(
        !editor(&app)
            .system()
            .contains(SystemPermission::ManageSystem)
    );
    click(&mut app, "Administration (whole section)");
    click(&mut app, "Yes, they are senior staff");
    assert!(editor(&app).system().has_administration());
    assert!(
        editor(&app)
            .system()
            .contains(SystemPermission::DataDestructionPolicy)
    );
}

#[test]
fn boxes_are_operated_with_the_space_bar() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = open_teachers(dir.path());
    let before = editor(&app).system().contains(SystemPermission::RunReports);
    let messages: Vec<_> = {
        let mut ui = ui(&app);
        // Clicking gives the box the keyboard focus (and toggles it); Space toggles it back.
        ui.click("Run reports").unwrap();
        ui.tap_key(keyboard::key::Named::Space);
        ui.into_messages().collect()
    };
    assert_eq!(
        messages.len(),
        2,
        "the click and the space bar each toggle once"
    );
    send(&mut app, messages);
    assert_eq!(
        editor(&app).system().contains(SystemPermission::RunReports),
        before
    );
}

#[test]
fn leaving_an_edited_group_asks_first() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = open_teachers(dir.path());
    click(&mut app, "Run reports");
    click(&mut app, "Back to users");
    assert!(shows(&app, "has changes that are not saved"));
    click(&mut app, "Discard changes");
    assert!(shows(&app, "User Groups"));
    click_last(&mut app, "Teachers");
    assert!(
        !editor(&app).system().contains(SystemPermission::RunReports),
        "nothing was saved"
    );
}

#[test]
fn an_edited_user_group_survives_the_lock_for_the_same_person() {
    let dir = tempfile::tempdir().unwrap();
    let (mut app, _location, creds) = demo_app(dir.path());
    drop(creds.session);
    sign_in_through_screens(&mut app, &creds.email, &creds.totp_secret);
    click(&mut app, "Users");
    click_last(&mut app, "Teachers");
    let before = editor(&app).system().contains(SystemPermission::RunReports);
    click(&mut app, "Run reports");
    assert!(editor(&app).is_dirty());
    // Another tab is not reachable while the change is unsaved.
    click(&mut app, "Groups");
    assert!(shows(&app, "Save or discard your changes"));

    click(&mut app, "Lock");
    assert!(app.session.is_none(), "locked");
    sign_back_in(&mut app, &creds.totp_secret);
    assert!(shows(
        &app,
        "Your unsaved changes from before the lock are still here."
    ));
    assert!(editor(&app).is_dirty());
    assert_ne!(
        editor(&app).system().contains(SystemPermission::RunReports),
        before
    );
}
