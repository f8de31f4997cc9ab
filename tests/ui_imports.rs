//! Admin > Imports through the real screens: a sample file chosen (its path given as the file
//! window would), one column mapping changed, the preview's counts, the import, and the pupils
//! arriving in the Groups tab's counts.

mod common;

use common::ui::*;
use keyholder::model::GroupType;
use keyholder::model::import::Field;
use keyholder::ui::app::{App, Message};
use keyholder::ui::screen::home;
use keyholder::ui::screen::imports::{self, ColumnChoice};

fn sample(name: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("resources/samples")
        .join(name)
}

fn imports(app: &mut App, m: imports::Message) {
    send(app, [Message::Home(home::Message::Imports(m))]);
}

fn pupils_in(app: &App, t: GroupType) -> usize {
    app.session
        .as_ref()
        .unwrap()
        .groups_tab()
        .unwrap()
        .into_iter()
        .find(|s| s.group_type == t)
        .unwrap()
        .groups
        .iter()
        .map(|g| g.pupils)
        .sum()
}

fn signed_in_on_imports(dir: &std::path::Path) -> App {
    let (mut app, _location, creds) = demo_app(dir);
    drop(creds.session);
    sign_in_through_screens(&mut app, &creds.email, &creds.totp_secret);
    click(&mut app, "Imports");
    assert!(shows(&app, "What does the file hold?"));
    app
}

#[test]
fn preview_change_a_column_import_and_see_the_pupils_in_the_groups_tab() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = signed_in_on_imports(dir.path());
    let levels_before = pupils_in(&app, GroupType::AcademicLevel);
    imports(
        &mut app,
        imports::Message::FileChosen(Some(sample("pupils.csv"))),
    );
    assert!(shows(&app, "Preview of pupils.csv"));
    assert!(shows(
        &app,
        "UTF-8 with byte-order mark, comma-separated, column titles on row 1"
    ));
    assert!(
        shows(&app, "Legal Surname"),
        "the first rows with their titles"
    );
    assert!(shows(&app, "O'Sullivan"));
    assert!(shows(
        &app,
        "Pupils: 60 to add, 0 to update, 0 unchanged, 1 row rejected."
    ));
    assert!(shows(&app, "6 Kestrels (Registration Form)"));
    assert!(shows(&app, "Row 42"));
    assert!(shows(&app, "is empty, so there is no surname"));

    // Leave the registration forms out: no new group any more, the counts stay.
    imports(
        &mut app,
        imports::Message::Column(Field::RegistrationForm, ColumnChoice::not_imported()),
    );
    assert!(!shows(&app, "6 Kestrels"));
    assert!(shows(
        &app,
        "Pupils: 60 to add, 0 to update, 0 unchanged, 1 row rejected."
    ));
    assert!(
        app.session.as_mut().unwrap().export().unwrap().pupils.len() == 42,
        "nothing written before Confirm"
    );

    click(&mut app, "Confirm import");
    assert!(shows(
        &app,
        "Imported pupils.csv: 60 added, 0 updated, 0 unchanged, 1 row rejected."
    ));
    assert_eq!(
        pupils_in(&app, GroupType::AcademicLevel),
        levels_before + 60
    );
    click(&mut app, "Open Academic Levels on the Groups tab");
    assert!(shows(&app, "Academic Levels"));
    let reception = app
        .session
        .as_ref()
        .unwrap()
        .groups_tab()
        .unwrap()
        .into_iter()
        .find(|s| s.group_type == GroupType::AcademicLevel)
        .unwrap()
        .groups
        .into_iter()
        .find(|g| g.group.name == "Reception")
        .unwrap()
        .pupils;
    // The Groups table shows the new count for Reception (6 demo pupils and 9 from the file).
    assert_eq!(reception, 6 + 9);
    assert!(shows(&app, "15"));
}

#[test]
fn escape_drops_the_preview_and_enter_confirms() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = signed_in_on_imports(dir.path());
    click(&mut app, "Staff");
    imports(
        &mut app,
        imports::Message::FileChosen(Some(sample("staff.csv"))),
    );
    assert!(shows(&app, "Members of staff: 16 to add"));
    press(&mut app, iced::keyboard::key::Named::Escape);
    assert!(!shows(&app, "Members of staff: 16 to add"));
    imports(
        &mut app,
        imports::Message::FileChosen(Some(sample("staff.csv"))),
    );
    press(&mut app, iced::keyboard::key::Named::Enter);
    assert!(shows(&app, "Imported staff.csv: 16 added"));
    assert_eq!(
        app.session
            .as_ref()
            .unwrap()
            .staff_available()
            .unwrap()
            .len(),
        16
    );
}

#[test]
fn a_typed_path_that_is_wrong_is_explained() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = signed_in_on_imports(dir.path());
    type_into(&mut app, imports::FILE_PATH, "/no/such/folder/pupils.csv");
    press_enter_in(&mut app, imports::FILE_PATH);
    assert!(shows(&app, "there is no such file"));
}

#[test]
fn hide_names_shows_only_initials_in_the_preview() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = signed_in_on_imports(dir.path());
    imports(
        &mut app,
        imports::Message::FileChosen(Some(sample("pupils-semicolon.csv"))),
    );
    assert!(shows(&app, "Preview of pupils-semicolon.csv"));
    assert!(
        shows(&app, "Van Houten"),
        "names show while Hide Names is off"
    );
    click(&mut app, "Hide Names");
    assert!(!shows(&app, "Van Houten"));
    assert!(!shows(&app, "Mathéo"));
    assert!(shows(&app, "V."), "the surname's initial stands in");
    assert!(!shows(&app, "01-Jan-2021"), "nor a date of birth");
    assert!(
        shows(&app, "M823204200000"),
        "the pupil's number still shows"
    );
    assert!(shows(&app, "R Robins"), "and the classes");

    // A file with columns Keyholder does not import (a preferred name, an address) shows none of
    // them while Hide Names is on.
    imports(
        &mut app,
        imports::Message::FileChosen(Some(sample("pupils.csv"))),
    );
    assert!(shows(&app, "Preview of pupils.csv"));
    assert!(!shows(&app, "Mill Lane"));
    assert!(!shows(&app, "Amélie"));
    click(&mut app, "Hide Names: on");
    assert!(shows(&app, "Mill Lane"), "all back with Hide Names off");
}

#[test]
fn the_preview_shows_the_first_rejected_rows_of_each_problem_then_how_many_more() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = signed_in_on_imports(dir.path());
    let mut csv = String::from("Adno,Forename,Surname\n");
    for i in 0..500 {
        csv.push_str(&format!("SAME,Orrin{i},Blackwood-Tey\n"));
    }
    csv.push_str("NEW1,Pia,Blackwood-Tey\n");
    let file = dir.path().join("repeated.csv");
    std::fs::write(&file, csv).unwrap();
    imports(&mut app, imports::Message::FileChosen(Some(file)));
    assert!(shows(
        &app,
        "Pupils: 1 to add, 0 to update, 0 unchanged, 500 rows rejected."
    ));
    assert!(shows(&app, "Row 2"));
    assert!(shows(
        &app,
        "and 490 more rows with the same Adno as another row"
    ));
    // Only the first rows are laid out, not all 500.
    assert!(!shows(&app, "Row 100"));
    click(&mut app, "Confirm import");
    assert!(shows(
        &app,
        "and 490 more rows with the same Adno as another row"
    ));
}
