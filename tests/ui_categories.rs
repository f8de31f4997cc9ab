//! Admin > Categories through the real screens.

mod common;

use common::ui::*;
use keyholder::ui::screen::categories;

#[test]
fn add_a_sub_category_rename_and_archive() {
    let dir = tempfile::tempdir().unwrap();
    let (mut app, _location, creds) = demo_app(dir.path());
    drop(creds.session);
    sign_in_through_screens(&mut app, &creds.email, &creds.totp_secret);
    click(&mut app, "Categories");
    assert!(shows(&app, "Cause for Concern"));
    // "Add sub-category" of Behaviour: the second parent in order.
    click_nth(&mut app, "Add sub-category", 1);
    type_into(&mut app, categories::NEW_NAME, "Online");
    press_enter_in(&mut app, categories::NEW_NAME);
    assert!(shows(&app, "\"Online\" added."));
    assert!(shows(&app, "— Online"));
    let s = app.session.as_ref().unwrap();
    let online = s
        .categories()
        .unwrap()
        .into_iter()
        .find(|c| c.name == "Online")
        .unwrap();
    let behaviour = s
        .categories()
        .unwrap()
        .into_iter()
        .find(|c| c.name == "Behaviour")
        .unwrap();
    assert_eq!(online.parent, Some(behaviour.id));

    click(&mut app, "New Category");
    type_into(&mut app, categories::NEW_NAME, "behaviour");
    click(&mut app, "Add");
    assert!(shows(&app, "already a category called"));
    click(&mut app, "Cancel");

    let archives = find_all(&app, "Archive");
    click_nth(&mut app, "Archive", archives - 1);
    assert!(shows(&app, "(archived)"));
    assert!(shows(&app, "Restore"));
}
