//! The window and another writer on the same school: what is on screen follows changes made
//! elsewhere, and a restore made elsewhere signs the window out instead of letting it write on.

mod common;

use common::ui::*;
use keyholder::model::GroupType;
use keyholder::ui::app::Message;
use std::time::Instant;

#[test]
fn the_window_shows_a_change_made_elsewhere_and_signs_out_after_a_restore() {
    let dir = tempfile::tempdir().unwrap();
    let (mut app, location, creds) = demo_app(dir.path());
    let mut elsewhere = creds.session;
    sign_in_through_screens(&mut app, &creds.email, &creds.totp_secret);
    click(&mut app, "Groups");
    click(&mut app, "Houses");
    assert!(!shows(&app, "Kingfisher House"));

    // Another window (its own connection to the file) adds a house.
    elsewhere
        .create_group(GroupType::House, "Kingfisher House", "")
        .unwrap();
    send(&mut app, [Message::Tick(Instant::now())]);
    assert!(
        shows(&app, "Kingfisher House"),
        "the Groups tab was brought up to date"
    );

    // A backup is restored by someone else: this window must not carry on with the old file.
    let backup = dir.path().join("now.khbackup");
    elsewhere.back_up(&backup, &|_| {}).unwrap();
    let unlocked = keyholder::service::backup::open_backup(&backup)
        .unwrap()
        .unlock(&keyholder::service::backup::Unlock::RecoveryCode(
            creds.recovery_code.clone(),
        ))
        .unwrap();
    drop(elsewhere);
    unlocked.restore(&location).unwrap();
    send(&mut app, [Message::Tick(Instant::now())]);
    assert!(app.session.is_none(), "signed out after the restore");
    assert!(shows(&app, "restored from a backup"));
}
