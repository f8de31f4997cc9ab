//! The Overview's health check, Back up now and Restore, through the real screens. The native file
//! dialogs cannot run here, so their answers are sent as the messages they would produce.

mod common;

use common::ui::*;
use keyholder::model::KeyState;
use keyholder::ui::app::{App, Message, Screen};
use keyholder::ui::screen::home::{self, Tab};
use keyholder::ui::screen::{overview, restore};

fn home(app: &App) -> &home::Home {
    match &app.screen {
        Screen::Home(h) => h,
        _ => panic!("not signed in"),
    }
}

#[test]
fn findings_show_with_a_fix_button_that_opens_the_place_to_fix_them() {
    let dir = tempfile::tempdir().unwrap();
    let (mut app, _location, creds) = demo_app(dir.path());
    let capped = creds
        .session
        .users_list()
        .unwrap()
        .into_iter()
        .find(|r| r.group_name == "Teachers" && r.key == KeyState::NotEnrolled)
        .unwrap()
        .user;
    drop(creds.session);
    sign_in_through_screens(&mut app, &creds.email, &creds.totp_secret);
    assert_eq!(home(&app).tab, Tab::Dashboard, "the Dashboard comes first");
    click(&mut app, "Overview");
    assert_eq!(home(&app).tab, Tab::Overview);
    assert!(shows(&app, "1 user without a soft key"));
    assert!(shows(&app, &capped.full_name()));
    assert!(shows(&app, "No backup has been taken yet"));
    assert!(shows(&app, "The audit trail is intact"));

    // The first warning is the member without a key; Fix opens their profile on the Users tab.
    click_nth(&mut app, "Fix", 0);
    assert_eq!(home(&app).tab, Tab::Users);
    assert!(shows(&app, &capped.email), "their profile is open");

    // Fixing it (deactivating them) clears the finding when the Overview is shown again.
    app.session
        .as_mut()
        .unwrap()
        .deactivate_user(capped.id)
        .unwrap();
    click(&mut app, "Overview");
    assert!(!shows(&app, "without a soft key"));
    assert!(
        home(&app)
            .overview_tab()
            .unwrap()
            .findings()
            .iter()
            .all(|f| !f.title.contains("soft key"))
    );
}

#[test]
fn back_up_now_then_restore_from_the_overview() {
    let dir = tempfile::tempdir().unwrap();
    let (mut app, location, creds) = demo_app(dir.path());
    // Another administrator checks the result afterwards (the head's code is used by then).
    let deputy = creds
        .session
        .users_list()
        .unwrap()
        .into_iter()
        .find(|r| r.group_name == "SLT" && r.user.email != creds.email)
        .unwrap()
        .user
        .email;
    drop(creds.session);
    sign_in_through_screens(&mut app, &creds.email, &creds.totp_secret);
    click(&mut app, "Overview");
    let file = dir.path().join("usb").join("friday");
    std::fs::create_dir_all(file.parent().unwrap()).unwrap();
    send(
        &mut app,
        [Message::Home(home::Message::Overview(
            overview::Message::BackupChosen(Some(file.clone())),
        ))],
    );
    assert!(shows(&app, "and checked"), "the backup is confirmed");
    assert!(shows(&app, "Last backup"), "no longer due");
    let written = file.with_extension("khbackup");
    assert!(written.exists());

    // A change after the backup, which the restore will undo.
    app.session
        .as_mut()
        .unwrap()
        .create_group(keyholder::model::GroupType::House, "Kestrel", "")
        .unwrap();

    click(&mut app, "Restore from a backup…");
    assert!(
        app.session.is_none(),
        "signed out before the files are replaced"
    );
    assert!(matches!(app.screen, Screen::Restore(_)));

    // A file that is not a backup is refused on the screen.
    let not_backup = dir.path().join("notes.txt");
    std::fs::write(&not_backup, "hello").unwrap();
    send(
        &mut app,
        [Message::Restore(restore::Message::Chosen(Some(not_backup)))],
    );
    assert!(shows(&app, "is not a Keyholder backup file"));

    send(
        &mut app,
        [Message::Restore(restore::Message::Chosen(Some(written)))],
    );
    assert!(shows(&app, "This backup holds"));
    assert!(shows(&app, keyholder::service::demo::SCHOOL_NAME));
    type_into(&mut app, restore::EMAIL, &creds.email);
    type_into(&mut app, restore::PASSWORD, "not the password");
    click(&mut app, "Unlock");
    assert!(shows(&app, "do not match"));
    type_into(&mut app, restore::PASSWORD, common::PASSWORD);
    click(&mut app, "Unlock");
    assert!(shows(&app, "Replace the school"), "asks for confirmation");
    click(&mut app, "Replace the school with this backup");
    assert!(matches!(app.screen, Screen::SignIn(_)));
    assert!(shows(&app, "has been restored"));

    let s = common::sign_in_demo_user(&location, &deputy);
    assert!(
        !s.groups_tab()
            .unwrap()
            .iter()
            .flat_map(|t| &t.groups)
            .any(|g| g.group.name == "Kestrel"),
        "the change after the backup is gone"
    );
}

#[test]
fn back_up_to_a_typed_folder_when_no_dialog_can_open() {
    let dir = tempfile::tempdir().unwrap();
    let (mut app, _location, creds) = demo_app(dir.path());
    drop(creds.session);
    sign_in_through_screens(&mut app, &creds.email, &creds.totp_secret);
    click(&mut app, "Overview");
    let backups = |folder: &std::path::Path| -> Vec<std::path::PathBuf> {
        std::fs::read_dir(folder)
            .map(|d| d.map(|e| e.unwrap().path()).collect())
            .unwrap_or_default()
    };

    press_enter_in(&mut app, overview::BACKUP_PATH);
    assert!(shows(&app, "Type the folder to save the backup in"));

    let stick = dir.path().join("stick");
    type_into(
        &mut app,
        overview::BACKUP_PATH,
        &stick.display().to_string(),
    );
    press_enter_in(&mut app, overview::BACKUP_PATH);
    assert!(
        shows(&app, "There is no folder"),
        "the stick is not there yet"
    );
    assert!(!stick.exists(), "nothing was created");

    std::fs::create_dir(&stick).unwrap();
    press_enter_in(&mut app, overview::BACKUP_PATH);
    assert!(shows(&app, "and checked"));
    let written = backups(&stick);
    assert_eq!(written.len(), 1, "{written:?}");
    assert_eq!(written[0].extension().unwrap(), "khbackup");
    assert!(keyholder::vault::backup::read(&written[0]).is_ok());

    // A second backup to the same folder, within the same minute or not, is a second file: the
    // first is left as it was (its name would be the same within the minute).
    let before = std::fs::read(&written[0]).unwrap();
    press_enter_in(&mut app, overview::BACKUP_PATH);
    let both = backups(&stick);
    assert_eq!(both.len(), 2, "{both:?}");
    assert_eq!(std::fs::read(&written[0]).unwrap(), before);
    std::fs::remove_file(both.iter().find(|p| **p != written[0]).unwrap()).unwrap();

    // A file that is already there is never overwritten from a typed path.
    replace_in(
        &mut app,
        overview::BACKUP_PATH,
        &written[0].display().to_string(),
    );
    press_enter_in(&mut app, overview::BACKUP_PATH);
    assert!(shows(&app, "already exists and is left as it is"));
    assert_eq!(std::fs::read(&written[0]).unwrap(), before);
    assert_eq!(backups(&stick).len(), 1);
}

#[test]
fn restore_from_the_welcome_screen_with_the_recovery_code() {
    let dir = tempfile::tempdir().unwrap();
    let (_, creds) = common::demo_school(dir.path(), common::small());
    let mut s = creds.session;
    let file = dir.path().join("b.khbackup");
    s.back_up(&file, &|_| {}).unwrap();
    drop(s);

    let fresh = tempfile::tempdir().unwrap();
    let target = keyholder::vault::Location::new(fresh.path().join("keyholder.db"));
    let mut app = start(target.clone());
    click(&mut app, "Restore from a backup");
    // Typed in, as on a computer where no file dialog can open; an empty path is explained.
    press_enter_in(&mut app, restore::FILE_PATH);
    assert!(shows(&app, "Type the full path of the backup file"));
    type_into(&mut app, restore::FILE_PATH, &file.display().to_string());
    press_enter_in(&mut app, restore::FILE_PATH);
    click(&mut app, "The school's recovery code");
    type_into(&mut app, restore::CODE, &creds.recovery_code);
    click(&mut app, "Unlock");
    click(&mut app, "Replace the school with this backup");
    assert!(matches!(app.screen, Screen::SignIn(_)));
    assert!(target.exists());
}

#[test]
fn the_overview_shows_the_newest_entrys_fingerprint_and_the_audits_tab_looks_one_up() {
    let dir = tempfile::tempdir().unwrap();
    let (mut app, _location, creds) = demo_app(dir.path());
    drop(creds.session);
    sign_in_through_screens(&mut app, &creds.email, &creds.totp_secret);
    click(&mut app, "Overview");
    let newest = app
        .session
        .as_ref()
        .unwrap()
        .audit_fingerprint()
        .unwrap()
        .expect("the sign-in is an entry");
    assert!(shows(&app, "Audit trail fingerprint"));
    assert!(shows(&app, &format!("Entry {}", newest.entry)));
    assert!(shows(&app, &newest.fingerprint()));
    assert!(shows(
        &app,
        "write this entry number and fingerprint on paper"
    ));

    // An older entry's fingerprint, looked up by its number on the Audits tab, to compare with
    // a note.
    let first = app
        .session
        .as_ref()
        .unwrap()
        .entry_fingerprint(1)
        .unwrap()
        .expect("entry 1");
    assert_ne!(first, newest.fingerprint());
    click(&mut app, "Audits");
    type_into(&mut app, home::AUDIT_SEARCH, "1");
    assert!(shows(&app, &format!("Entry 1 has the fingerprint {first}")));
    replace_in(&mut app, home::AUDIT_SEARCH, "#99999");
    assert!(shows(&app, "There is no entry 99999"));
}
