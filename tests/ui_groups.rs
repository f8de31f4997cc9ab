//! The Groups tab through the real screens: restricting, new groups, archiving, removing.

mod common;

use common::ui::*;
use keyholder::service::Session;
use keyholder::ui::app::App;
use keyholder::ui::screen::groups;

fn signed_in_on_groups(dir: &std::path::Path) -> App {
    let (mut app, _location, creds) = demo_app(dir);
    drop(creds.session);
    sign_in_through_screens(&mut app, &creds.email, &creds.totp_secret);
    click(&mut app, "Groups");
    app
}

fn session(app: &App) -> &Session {
    app.session.as_ref().expect("signed in")
}

fn restricted(app: &App, t: keyholder::model::GroupType) -> bool {
    session(app)
        .groups_tab()
        .unwrap()
        .iter()
        .find(|s| s.group_type == t)
        .unwrap()
        .restricted
}

#[test]
fn restricting_a_second_type_warns_and_asks_first() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = signed_in_on_groups(dir.path());
    assert!(
        shows(&app, "102-42"),
        "opens on the restricted type, Academic Levels"
    );
    click(&mut app, "Houses");
    assert_eq!(
        find_all(&app, "Edit"),
        1,
        "only the column title while Houses are not restricted"
    );
    click(&mut app, "Restrict access?");
    assert!(shows(&app, "already restricted by Academic Levels"));
    assert!(
        !restricted(&app, keyholder::model::GroupType::House),
        "nothing changes before confirming"
    );
    click(&mut app, "Cancel");
    assert!(!shows(&app, "already restricted"));
    click(&mut app, "Restrict access?");
    click(&mut app, "Restrict access");
    assert!(restricted(&app, keyholder::model::GroupType::House));
    assert!(shows(&app, "Access is now restricted by Houses."));
    assert_eq!(
        find_all(&app, "Edit"),
        1 + 4,
        "each House now has its Edit action"
    );
}

#[test]
fn a_new_group_with_a_taken_name_is_explained_and_kept_for_correcting() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = signed_in_on_groups(dir.path());
    click(&mut app, "New Group");
    type_into(&mut app, groups::NEW_NAME, "year 1");
    click(&mut app, "Create group");
    assert!(shows(
        &app,
        "There is already a group called \"Year 1\" among the Academic Levels."
    ));
    replace_in(&mut app, groups::NEW_NAME, "Year 7");
    type_into(&mut app, groups::NEW_MIS, "102-48");
    press_enter_in(&mut app, groups::NEW_MIS);
    assert!(shows(&app, "Year 7 (Academic Level) was created."));
    assert!(shows(&app, "102-48"));
}

#[test]
fn archive_all_names_the_number_and_remove_explains_why_not() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = signed_in_on_groups(dir.path());
    let year6 = session(&app)
        .groups_tab()
        .unwrap()
        .into_iter()
        .flat_map(|s| s.groups)
        .find(|g| g.group.name == "Year 6")
        .unwrap();
    // The Archive all and Remove buttons of Year 6 are the last of their kind on the page.
    let archive = find_all(&app, "Archive all");
    click_nth(&mut app, "Archive all", archive - 1);
    assert!(shows(
        &app,
        &format!(
            "Archive all {} pupils of Year 6 (Academic Level)?",
            year6.pupils
        )
    ));
    // The confirming button sits in the question, above the table.
    click_nth(&mut app, "Archive all", 0);
    assert!(shows(&app, "were archived"));

    let removes = find_all(&app, "Remove");
    click_nth(&mut app, "Remove", removes - 1);
    assert!(shows(&app, "cannot be removed while"));
}

#[test]
fn renaming_in_place() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = signed_in_on_groups(dir.path());
    click(&mut app, "Reception");
    replace_in(&mut app, groups::EDIT_NAME, "Foundation");
    press_enter_in(&mut app, groups::EDIT_NAME);
    assert!(shows(&app, "Foundation saved."));
    assert!(shows(&app, "Foundation"));
}
