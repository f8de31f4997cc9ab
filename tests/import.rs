//! Importing MIS exports through the service: every encoding, separator, quoting and date case,
//! matching by MIS ID, rejected rows, the all-or-nothing promise, the audit entry, archiving,
//! staff and groups files, and the remembered mapping.

mod common;

use common::*;
use keyholder::model::GroupType;
use keyholder::model::import::decode::Encoding;
use keyholder::model::import::table::Delimiter;
use keyholder::model::import::{Field, ImportKind, MappingSpec, Outcome};
use keyholder::service::import::Preview;
use keyholder::service::{SchoolData, Session};
use proptest::prelude::*;

fn sample(name: &str) -> Vec<u8> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("resources/samples")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn admin(dir: &std::path::Path) -> Session {
    demo_school(dir, small()).1.session
}

fn preview(s: &Session, kind: ImportKind, bytes: &[u8]) -> Preview {
    s.preview_import(kind, "test.csv", bytes, None)
        .unwrap_or_else(|e| panic!("preview: {e}"))
}

/// Everything the school holds that an import could touch, to compare before and after.
fn snapshot(s: &mut Session) -> (SchoolData, Vec<String>, u64) {
    let staff = s
        .staff_available()
        .unwrap()
        .into_iter()
        .map(|r| {
            format!(
                "{} {} {} {}",
                r.mis_staff_id, r.forename, r.surname, r.email
            )
        })
        .collect();
    // Entries other than the exports this snapshot itself makes.
    let exports = s.recent_audit("School exported", usize::MAX).unwrap().len() as u64;
    let audit = s.verify_audit().unwrap().entries - exports;
    (s.export().unwrap().without_timestamps(), staff, audit)
}

fn pupil<'a>(data: &'a SchoolData, mis_id: &str) -> &'a keyholder::service::school_data::PupilData {
    data.pupils
        .iter()
        .find(|p| p.mis_id.as_deref() == Some(mis_id))
        .unwrap_or_else(|| panic!("no pupil {mis_id}"))
}

fn group_of(p: &keyholder::service::school_data::PupilData, t: GroupType) -> Option<&str> {
    p.groups
        .iter()
        .find(|g| g.group_type == t.key())
        .map(|g| g.name.as_str())
}

#[test]
fn the_sample_pupil_file_previews_with_its_header_counts_and_one_bad_row() {
    let dir = tempfile::tempdir().unwrap();
    let s = admin(dir.path());
    let p = preview(&s, ImportKind::Pupils, &sample("pupils.csv"));
    assert_eq!(p.table.encoding, Encoding::Utf8WithBom);
    assert_eq!(p.table.delimiter, Delimiter::Comma);
    assert_eq!(p.header, Some(0));
    assert_eq!(p.column_names[2], "Legal Surname");
    let col = |f| p.mapping.get(f).map(|c| p.column_names[c].as_str());
    assert_eq!(col(Field::MisId), Some("Adno"));
    assert_eq!(col(Field::Forename), Some("Legal Forename"));
    assert_eq!(col(Field::DateOfBirth), Some("DOB"));
    assert_eq!(col(Field::AcademicLevel), Some("Year"));
    assert_eq!(col(Field::RegistrationForm), Some("Reg Group"));
    assert_eq!(col(Field::House), Some("House"));
    let c = p.plan.counts();
    assert_eq!((c.added, c.updated, c.unchanged, c.rejected), (60, 0, 0, 1));
    assert_eq!(p.plan.data_rows, 61);
    // The hand-typed row 42 has two mistakes; both are named, with their column.
    let reasons: Vec<String> = p.plan.rejected.iter().map(ToString::to_string).collect();
    assert_eq!(reasons.len(), 2, "{reasons:?}");
    assert!(
        reasons[0].starts_with("Row 42, Legal Surname: is empty"),
        "{reasons:?}"
    );
    assert!(
        reasons[1].contains("DOB: \"31/02/2016\" is not a real date"),
        "{reasons:?}"
    );
    assert_eq!(
        p.plan
            .new_groups
            .iter()
            .map(|g| g.title())
            .collect::<Vec<_>>(),
        ["6 Kestrels (Registration Form)"]
    );
    assert_eq!(
        p.plan.missing.len(),
        42,
        "the demo's own pupils are not in the file"
    );
    assert!(
        p.summary()[0].starts_with("Pupils: 60 to add, 0 to update, 0 unchanged, 1 row rejected")
    );
}

#[test]
fn names_are_kept_exactly_and_addresses_with_line_breaks_stay_in_their_row() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = admin(dir.path());
    let p = preview(&s, ImportKind::Pupils, &sample("pupils.csv"));
    s.apply_import(&p, false).unwrap();
    let data = s.export().unwrap();
    let first = pupil(&data, "020001");
    assert_eq!(
        (first.forename.as_str(), first.surname.as_str()),
        ("Amélie", "O'Sullivan")
    );
    assert_eq!(first.date_of_birth.as_deref(), Some("2021-06-05"));
    assert_eq!(group_of(first, GroupType::AcademicLevel), Some("Reception"));
    assert_eq!(
        group_of(first, GroupType::RegistrationForm),
        Some("R Wrens")
    );
    assert_eq!(group_of(first, GroupType::House), Some("Ash"));
    assert!(data.pupils.iter().any(|p| p.surname == "Pemberton-Smythe"));
    assert!(data.pupils.iter().any(|p| p.forename == "Dáithí"));
    assert!(data.pupils.iter().any(|p| p.surname == "Ó Dálaigh"));
    assert!(data.pupils.iter().any(|p| p.forename == "Eşref"));
    // The row without a house has none; the new form exists and is marked New.
    assert_eq!(group_of(pupil(&data, "020030"), GroupType::House), None);
    let kestrels = data.groups.iter().find(|g| g.name == "6 Kestrels").unwrap();
    assert!(kestrels.is_new && kestrels.mis_id.is_none() && kestrels.access.is_empty());
}

#[test]
fn a_windows_1252_file_keeps_its_accents() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = admin(dir.path());
    let bytes = sample("pupils-windows-1252.csv");
    assert!(
        std::str::from_utf8(&bytes).is_err(),
        "the sample really is not UTF-8"
    );
    let p = preview(&s, ImportKind::Pupils, &bytes);
    assert_eq!(p.table.encoding, Encoding::Windows1252);
    assert_eq!(p.plan.counts().added, 20);
    assert!(p.plan.rejected.is_empty(), "{:?}", p.plan.rejected);
    assert!(
        p.plan.new_groups.is_empty(),
        "years given as \"1\" are Year 1: {:?}",
        p.plan.new_groups
    );
    s.apply_import(&p, false).unwrap();
    let data = s.export().unwrap();
    let h = pupil(&data, "30001");
    assert_eq!(
        (h.forename.as_str(), h.surname.as_str()),
        ("Hélène", "Cadwallader")
    );
    assert_eq!(
        h.date_of_birth.as_deref(),
        Some("2021-01-01"),
        "1/1/21 is day first, 2000s"
    );
    assert_eq!(group_of(h, GroupType::AcademicLevel), Some("Reception"));
    assert_eq!(pupil(&data, "30002").surname, "O'Brien-Tait");
}

#[test]
fn a_semicolon_file_without_mis_ids_is_matched_by_upn() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = admin(dir.path());
    let p = preview(&s, ImportKind::Pupils, &sample("pupils-semicolon.csv"));
    assert_eq!(p.table.delimiter, Delimiter::Semicolon);
    assert_eq!(p.table.encoding, Encoding::Utf8);
    assert_eq!(p.plan.matched_by, Field::Upn);
    assert!(
        p.summary()
            .iter()
            .any(|l| l.contains("matched by their UPN"))
    );
    assert_eq!(p.plan.counts().added, 15);
    assert!(
        p.plan.new_groups.is_empty(),
        "Y1 is Year 1: {:?}",
        p.plan.new_groups
    );
    s.apply_import(&p, false).unwrap();
    let data = s.export().unwrap();
    let m = data.pupils.iter().find(|p| p.forename == "Mathéo").unwrap();
    assert_eq!(m.surname, "Van Houten");
    assert_eq!(m.upn.as_deref(), Some("M823204200000"));
    assert_eq!(
        m.date_of_birth.as_deref(),
        Some("2021-01-01"),
        "01-Jan-2021"
    );
    // Again: matched by UPN, so nothing is added twice.
    let again = preview(&s, ImportKind::Pupils, &sample("pupils-semicolon.csv"));
    assert_eq!(again.plan.counts().unchanged, 15);
}

#[test]
fn tabs_bom_quotes_and_line_breaks_inside_cells() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = admin(dir.path());
    let text = "\u{FEFF}MIS ID\tForename\tSurname\tNotes\r\n\
                T1\t\"Zoë\"\t\"D'Arcy-Ngata\"\t\"first line\r\nsecond line\"\r\n\
                T2\t\"Ann \"\"Nan\"\"\"\tLee\tplain\r\n\
                T3\t\"Kit\r\nty\"\tHo\tname on two lines\r\n";
    let p = preview(&s, ImportKind::Pupils, text.as_bytes());
    assert_eq!(p.table.delimiter, Delimiter::Tab);
    assert_eq!(p.table.encoding, Encoding::Utf8WithBom);
    assert_eq!(p.plan.counts().added, 2);
    // T3 starts on line 5 of the text but is row 4 of the spreadsheet.
    assert_eq!(p.plan.rejected.len(), 1);
    assert_eq!(p.plan.rejected[0].row, 4);
    assert!(
        p.plan.rejected[0].reason.contains("line break"),
        "{:?}",
        p.plan.rejected
    );
    s.apply_import(&p, false).unwrap();
    let data = s.export().unwrap();
    assert_eq!(pupil(&data, "T1").surname, "D'Arcy-Ngata");
    assert_eq!(pupil(&data, "T2").forename, "Ann \"Nan\"");
}

#[test]
fn every_excel_date_format_is_stored_as_year_month_day() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = admin(dir.path());
    let dates = [
        "04/03/2015",
        "4/3/15",
        "2015-03-04",
        "04-Mar-2015",
        "4 March 2015",
        "42067",
        "04/03/2015 00:00",
    ];
    let mut text = String::from("Adno,Forename,Surname,Date of Birth\n");
    for (i, d) in dates.iter().enumerate() {
        text.push_str(&format!("D{i},Ada,Kemp,\"{d}\"\n"));
    }
    let p = preview(&s, ImportKind::Pupils, text.as_bytes());
    assert!(p.plan.rejected.is_empty(), "{:?}", p.plan.rejected);
    s.apply_import(&p, false).unwrap();
    let data = s.export().unwrap();
    for (i, date) in dates.iter().enumerate() {
        assert_eq!(
            pupil(&data, &format!("D{i}")).date_of_birth.as_deref(),
            Some("2015-03-04"),
            "{date}"
        );
    }
}

#[test]
fn updates_match_by_mis_id_never_by_name_and_keep_access_lists_and_incidents() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = admin(dir.path());
    let before = s.export().unwrap();
    let p1 = pupil(&before, "P10001").clone();
    let incidents_of_p1 = before
        .incidents
        .iter()
        .filter(|i| before.pupils[i.pupil].mis_id.as_deref() == Some("P10001"))
        .count();
    let new_level = if group_of(&p1, GroupType::AcademicLevel) == Some("Year 2") {
        "Year 3"
    } else {
        "Year 2"
    };
    // P10001 married name and moved up a year; a newcomer shares P10002's name but not its ID.
    let p2 = pupil(&before, "P10002").clone();
    let text = format!(
        "MIS ID,Forename,Surname,Year\nP10001,{},Okonjo-Reyes,{new_level}\nP99999,{},{},Year 1\n",
        p1.forename, p2.forename, p2.surname
    );
    let p = preview(&s, ImportKind::Pupils, text.as_bytes());
    assert_eq!(
        p.plan.pupils.iter().map(|i| i.outcome).collect::<Vec<_>>(),
        [Outcome::Update, Outcome::Add]
    );
    s.apply_import(&p, false).unwrap();
    let after = s.export().unwrap();
    let q1 = pupil(&after, "P10001");
    assert_eq!(q1.surname, "Okonjo-Reyes");
    assert_eq!(
        q1.date_of_birth, p1.date_of_birth,
        "a column not in the file is kept"
    );
    assert_eq!(group_of(q1, GroupType::AcademicLevel), Some(new_level));
    assert_eq!(
        group_of(q1, GroupType::House),
        group_of(&p1, GroupType::House),
        "a group type without a column is left alone"
    );
    assert_eq!(pupil(&after, "P10002").surname, p2.surname);
    assert_eq!(after.pupils.len(), before.pupils.len() + 1);
    let incidents_after = after
        .incidents
        .iter()
        .filter(|i| after.pupils[i.pupil].mis_id.as_deref() == Some("P10001"))
        .count();
    assert_eq!(incidents_after, incidents_of_p1);
    assert_eq!(after.incidents.len(), before.incidents.len());
    let lists = |d: &SchoolData| {
        d.groups
            .iter()
            .map(|g| (g.name.clone(), g.access.clone()))
            .collect::<Vec<_>>()
    };
    assert_eq!(lists(&after), lists(&before));
}

#[test]
fn a_second_import_of_the_same_file_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = admin(dir.path());
    let p = preview(&s, ImportKind::Pupils, &sample("pupils.csv"));
    s.apply_import(&p, false).unwrap();
    let first = s.export().unwrap().without_timestamps();
    let again = preview(&s, ImportKind::Pupils, &sample("pupils.csv"));
    let c = again.plan.counts();
    assert_eq!((c.added, c.updated, c.unchanged, c.rejected), (0, 0, 60, 1));
    assert!(again.plan.new_groups.is_empty());
    s.apply_import(&again, false).unwrap();
    assert_eq!(s.export().unwrap().without_timestamps(), first);
}

#[test]
fn duplicate_mis_ids_reject_every_row_that_has_them() {
    let dir = tempfile::tempdir().unwrap();
    let s = admin(dir.path());
    let text =
        "Adno,Forename,Surname\nA1,Ola,Bright\nA2,Ivo,Marsh\nA1,Ola,Brightman\nA3,Eve,Cole\n";
    let p = preview(&s, ImportKind::Pupils, text.as_bytes());
    let c = p.plan.counts();
    assert_eq!((c.added, c.rejected), (2, 2));
    let rows: Vec<usize> = p.plan.rejected.iter().map(|r| r.row).collect();
    assert_eq!(rows, [2, 4]);
    for r in &p.plan.rejected {
        assert_eq!(r.column, "Adno");
        assert!(r.reason.contains("A1 is on rows 2, 4"), "{}", r.reason);
        assert!(r.reason.contains("only once"), "{}", r.reason);
    }
}

#[test]
fn a_preview_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = admin(dir.path());
    let before = snapshot(&mut s);
    for (kind, file) in [
        (ImportKind::Pupils, "pupils.csv"),
        (ImportKind::Staff, "staff.csv"),
        (ImportKind::Groups, "groups.csv"),
    ] {
        let p = preview(&s, kind, &sample(file));
        assert!(p.plan.counts().added > 0, "{file}");
    }
    assert_eq!(snapshot(&mut s), before);
}

#[test]
fn a_failure_midway_leaves_the_school_exactly_as_it_was() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = admin(dir.path());
    let before = snapshot(&mut s);
    let p = preview(&s, ImportKind::Pupils, &sample("pupils.csv"));
    let e = s.apply_import_failing_after(&p, true, 30).unwrap_err();
    assert!(e.to_string().contains("fault"), "{e}");
    assert_eq!(snapshot(&mut s), before);
    assert!(s.verify_audit().unwrap().is_intact());
    // The same preview then imports in full.
    s.apply_import(&p, false).unwrap();
    assert_eq!(s.export().unwrap().pupils.len(), 42 + 60);
}

#[test]
fn the_audit_entry_has_the_counts_the_file_name_and_its_checksum() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = admin(dir.path());
    let bytes = sample("pupils.csv");
    let p = s
        .preview_import(ImportKind::Pupils, "pupils.csv", &bytes, None)
        .unwrap();
    let entries_before = s.verify_audit().unwrap().entries;
    s.apply_import(&p, false).unwrap();
    assert_eq!(
        s.verify_audit().unwrap().entries,
        entries_before + 1,
        "one entry"
    );
    let entry = &s.recent_audit("MIS import", 1).unwrap()[0];
    use sha2::Digest;
    let sum = hex::encode(sha2::Sha256::digest(&bytes));
    assert_eq!(
        entry.summary,
        "Pupils imported from pupils.csv: 60 added, 0 updated, 0 unchanged, 1 row rejected, 1 new group"
    );
    assert!(
        entry.after.contains(&format!("SHA-256 {sum}")),
        "{}",
        entry.after
    );
    assert!(
        entry.after.contains("pupils.csv, 61 rows"),
        "{}",
        entry.after
    );
    assert!(
        !entry.after.contains("Amélie"),
        "no names in the audit trail"
    );
}

#[test]
fn pupils_missing_from_a_full_file_are_offered_and_archived_only_when_asked() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = admin(dir.path());
    let data = s.export().unwrap();
    // The school's own pupils, less the last three (they have left).
    let mut text = String::from("MIS ID,Forename,Surname\n");
    for p in &data.pupils[..data.pupils.len() - 3] {
        text.push_str(&format!(
            "{},{},{}\n",
            p.mis_id.as_deref().unwrap(),
            p.forename,
            p.surname
        ));
    }
    let mut leavers: Vec<String> = data.pupils[data.pupils.len() - 3..]
        .iter()
        .map(|p| p.mis_id.clone().unwrap())
        .collect();
    leavers.sort();
    let p = preview(&s, ImportKind::Pupils, text.as_bytes());
    assert_eq!(p.plan.counts().unchanged, data.pupils.len() - 3);
    let mut offered: Vec<String> = p
        .plan
        .missing
        .iter()
        .map(|m| m.mis_id.clone().unwrap())
        .collect();
    offered.sort();
    assert_eq!(offered, leavers);
    s.apply_import(&p, false).unwrap();
    assert_eq!(
        s.pupil_count().unwrap(),
        data.pupils.len(),
        "not archived unless asked"
    );
    let p = preview(&s, ImportKind::Pupils, text.as_bytes());
    let report = s.apply_import(&p, true).unwrap();
    assert_eq!(report.archived, 3);
    assert_eq!(s.pupil_count().unwrap(), data.pupils.len() - 3);
    let after = s.export().unwrap();
    assert_eq!(
        after.pupils.len(),
        data.pupils.len(),
        "archived, never deleted"
    );
    for id in &leavers {
        assert!(pupil(&after, id).archived);
    }
    // Back in the file next term: restored.
    let mut all = text.clone();
    let back = pupil(&after, &leavers[0]);
    all.push_str(&format!(
        "{},{},{}\n",
        leavers[0], back.forename, back.surname
    ));
    let p = preview(&s, ImportKind::Pupils, all.as_bytes());
    assert_eq!(p.plan.counts().updated, 1);
    s.apply_import(&p, false).unwrap();
    assert!(!pupil(&s.export().unwrap(), &leavers[0]).archived);
}

#[test]
fn a_file_with_no_good_rows_never_archives_the_school() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = admin(dir.path());
    let p = preview(
        &s,
        ImportKind::Pupils,
        b"MIS ID,Forename,Surname\n,Nobody,Here\n",
    );
    assert_eq!(p.plan.missing.len(), 42);
    let e = s.apply_import(&p, true).unwrap_err();
    assert!(e.to_string().contains("cannot be the whole school"), "{e}");
    assert_eq!(s.pupil_count().unwrap(), 42);
}

#[test]
fn imported_staff_become_users_available_to_add() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = admin(dir.path());
    let available_before = s.staff_available().unwrap().len();
    let p = preview(&s, ImportKind::Staff, &sample("staff.csv"));
    let c = p.plan.counts();
    assert_eq!((c.added, c.rejected), (16, 0));
    s.apply_import(&p, false).unwrap();
    let available = s.staff_available().unwrap();
    assert_eq!(available.len(), available_before + 16);
    let head = available
        .iter()
        .find(|r| r.mis_staff_id == "S4001")
        .unwrap();
    assert_eq!(
        (
            head.title.as_str(),
            head.forename.as_str(),
            head.surname.as_str()
        ),
        ("Ms", "Philippa", "Ashcombe-Ward")
    );
    assert_eq!(head.email, "p.ashcombeward@larkfield-primary.example");
    assert_eq!(head.job_title, "Headteacher");
    assert!(available.iter().any(|r| r.surname == "O'Rourke"));
    // An update by staff ID; a bad e-mail address is rejected with its reason.
    let text = "Staff ID,Forename,Surname,Email\nS4001,Philippa,Ashcombe,p.ashcombe@larkfield-primary.example\nS4002,Desmond,Okafor-Lyle,Deputy Head\n";
    let p = preview(&s, ImportKind::Staff, text.as_bytes());
    let c = p.plan.counts();
    assert_eq!((c.added, c.updated, c.rejected), (0, 1, 1));
    assert!(
        p.plan.rejected[0]
            .reason
            .contains("\"Deputy Head\" is not an e-mail address")
    );
    s.apply_import(&p, false).unwrap();
    let head = s
        .staff_available()
        .unwrap()
        .into_iter()
        .find(|r| r.mis_staff_id == "S4001")
        .unwrap();
    assert_eq!(head.surname, "Ashcombe");
    assert_eq!(
        head.job_title, "Headteacher",
        "a column not in the file is kept"
    );
}

#[test]
fn a_groups_file_adds_new_groups_marked_new_and_refuses_contradictions() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = admin(dir.path());
    let p = preview(&s, ImportKind::Groups, &sample("groups.csv"));
    let c = p.plan.counts();
    // The demo school already has every group but 6 Kestrels, with the same MIS IDs.
    assert_eq!(
        (c.added, c.updated, c.rejected),
        (1, 0, 0),
        "{:?}",
        p.plan.rejected
    );
    s.apply_import(&p, false).unwrap();
    let data = s.export().unwrap();
    let k = data.groups.iter().find(|g| g.name == "6 Kestrels").unwrap();
    assert!(k.is_new);
    assert_eq!(k.mis_id.as_deref(), Some("103-15"));

    let text = "Type,Name,MIS ID\nHouse,Ash,101-99\nHouse,Larch,101-05\nYear,Year 1,102-77\nCohort,Blue,9\nYear,Year 7,102-48\nYear,Year 7,102-49\n";
    let p = preview(&s, ImportKind::Groups, text.as_bytes());
    let c = p.plan.counts();
    assert_eq!((c.added, c.rejected), (1, 5), "{:?}", p.plan.rejected);
    let reasons: Vec<String> = p.plan.rejected.iter().map(ToString::to_string).collect();
    assert!(
        reasons[0].contains("already a House called \"Ash\" with MIS ID 101-01"),
        "{reasons:?}"
    );
    assert!(
        reasons[2].contains("\"Cohort\" is not a group type"),
        "{reasons:?}"
    );
    assert!(reasons[3].contains("only once"), "{reasons:?}");
}

#[test]
fn a_group_made_by_a_pupil_file_gets_its_mis_id_from_the_groups_file() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = admin(dir.path());
    let p = preview(&s, ImportKind::Pupils, &sample("pupils.csv"));
    s.apply_import(&p, false).unwrap();
    let p = preview(&s, ImportKind::Groups, &sample("groups.csv"));
    assert_eq!(p.plan.counts().updated, 1);
    s.apply_import(&p, false).unwrap();
    let data = s.export().unwrap();
    let k = data.groups.iter().find(|g| g.name == "6 Kestrels").unwrap();
    assert_eq!(k.mis_id.as_deref(), Some("103-15"));
    assert_eq!(
        data.groups
            .iter()
            .filter(|g| g.name == "6 Kestrels")
            .count(),
        1
    );
}

#[test]
fn the_mapping_chosen_is_remembered_for_the_next_file() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = admin(dir.path());
    let mut p = preview(&s, ImportKind::Pupils, &sample("pupils.csv"));
    let preferred = p
        .column_names
        .iter()
        .position(|c| c == "Preferred Forename")
        .unwrap();
    let legal = p.mapping.get(Field::Forename).unwrap();
    s.import_set_column(&mut p, Field::Forename, Some(preferred))
        .unwrap();
    // Without a forename for most rows, most rows are now rejected.
    assert!(p.plan.counts().rejected > 40);
    s.import_set_column(&mut p, Field::Forename, Some(legal))
        .unwrap();
    s.import_set_column(&mut p, Field::House, None).unwrap();
    assert_eq!(p.plan.counts().rejected, 1);
    s.apply_import(&p, false).unwrap();
    let data = s.export().unwrap();
    assert_eq!(group_of(pupil(&data, "020001"), GroupType::House), None);
    let next = preview(&s, ImportKind::Pupils, &sample("pupils.csv"));
    assert_eq!(
        next.mapping.get(Field::House),
        None,
        "remembered: house not imported"
    );
    assert_eq!(next.mapping.get(Field::Forename), Some(legal));
}

#[test]
fn a_column_given_to_one_field_is_taken_from_another() {
    let dir = tempfile::tempdir().unwrap();
    let s = admin(dir.path());
    let mut p = preview(&s, ImportKind::Pupils, &sample("pupils.csv"));
    let upn = p.mapping.get(Field::Upn).unwrap();
    s.import_set_column(&mut p, Field::MisId, Some(upn))
        .unwrap();
    assert_eq!(p.mapping.get(Field::MisId), Some(upn));
    assert_eq!(p.mapping.get(Field::Upn), None);
}

#[test]
fn a_mapping_file_chooses_columns_and_explains_a_title_the_file_lacks() {
    let dir = tempfile::tempdir().unwrap();
    let s = admin(dir.path());
    let text = b"Amara,Osei,K1\nBen,Tull,K2\n";
    // No header: nothing can be guessed, so the plan asks for the columns.
    let p = preview(&s, ImportKind::Pupils, text);
    assert_eq!(p.header, None);
    assert!(!p.plan.can_import());
    assert!(
        p.summary()[0].contains("MIS ID (or UPN)"),
        "{:?}",
        p.summary()
    );
    let spec = MappingSpec::parse(
        "header_row = 0\nforename = column 1\nsurname = column 2\nmis_id = column 3\n",
    )
    .unwrap();
    let p = s
        .preview_import(ImportKind::Pupils, "x.csv", text, Some(&spec))
        .unwrap();
    assert_eq!(p.plan.counts().added, 2);
    let spec = MappingSpec::parse("forename = First Name").unwrap();
    let e = s
        .preview_import(
            ImportKind::Pupils,
            "x.csv",
            &sample("pupils.csv"),
            Some(&spec),
        )
        .unwrap_err();
    assert!(
        e.to_string().contains("a column called \"First Name\""),
        "{e}"
    );
    assert!(
        e.to_string().contains("Legal Forename"),
        "lists the columns: {e}"
    );
}

#[test]
fn after_the_import_restricted_types_and_empty_new_groups_are_pointed_out() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = admin(dir.path());
    s.set_restricted(GroupType::House, true).unwrap();
    s.set_restricted(GroupType::RegistrationForm, true).unwrap();
    let p = preview(&s, ImportKind::Pupils, &sample("pupils.csv"));
    let report = s.apply_import(&p, true).unwrap();
    assert_eq!(report.archived, 42);
    let types: Vec<GroupType> = report.warnings.iter().map(|(t, _)| *t).collect();
    assert_eq!(types, [GroupType::House], "one imported pupil has no House");
    assert!(
        report.warnings[0].1.contains("1 pupil has no House"),
        "{:?}",
        report.warnings
    );
    let empty: Vec<String> = report
        .empty_new_groups
        .iter()
        .map(|(g, _)| g.title())
        .collect();
    assert_eq!(empty, ["6 Kestrels (Registration Form)"]);
    assert!(report.empty_new_groups[0].1, "its type is restricted");
    let text = report.follow_up().join("\n");
    assert!(
        text.contains("Nobody can see the pupils of 6 Kestrels"),
        "{text}"
    );
}

#[test]
fn files_that_are_not_csv_are_refused_with_a_reason() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = admin(dir.path());
    let before = snapshot(&mut s);
    for (bytes, words) in [
        (
            &b"PK\x03\x04\x14\x00\x06\x00"[..],
            "does not look like a CSV file",
        ),
        (&b""[..], "empty"),
        (&b"\r\n\r\n"[..], "empty"),
    ] {
        let e = s
            .preview_import(ImportKind::Pupils, "x", bytes, None)
            .unwrap_err();
        assert!(e.to_string().contains(words), "{e}");
    }
    let e = keyholder::service::import::read_file(&dir.path().join("nope.csv")).unwrap_err();
    assert!(e.to_string().contains("there is no such file"), "{e}");
    assert_eq!(snapshot(&mut s), before);
}

#[test]
fn only_administrators_may_import() {
    let dir = tempfile::tempdir().unwrap();
    let (location, creds) = demo_school(dir.path(), small());
    let teacher = creds
        .session
        .users_list()
        .unwrap()
        .into_iter()
        .find(|u| u.group_name == "Teachers" && u.key == keyholder::model::KeyState::Active)
        .unwrap()
        .user
        .email;
    drop(creds.session);
    let s = sign_in_demo_user(&location, &teacher);
    let e = s
        .preview_import(ImportKind::Pupils, "x", &sample("pupils.csv"), None)
        .unwrap_err();
    assert!(e.to_string().contains("Manage system"), "{e}");
}

/// Cells that have tripped importers up: quotes, separators, accents, blanks, long text.
fn tricky_cell() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        Just("O'Neill".to_string()),
        Just("Zoë-Anne".to_string()),
        Just("\"quoted, with comma\"".to_string()),
        Just("\"two\nlines\"".to_string()),
        Just("31/02/2015".to_string()),
        Just("04/03/2015".to_string()),
        Just("Year 7".to_string()),
        Just("7".to_string()),
        Just("A1".to_string()),
        Just("A2".to_string()),
        Just("House".to_string()),
        Just("x".repeat(150)),
        "[a-zA-Z0-9 ;,\t\"'éß-]{0,12}",
    ]
}

fn csv_shape() -> impl Strategy<Value = Vec<u8>> {
    let header = prop::sample::subsequence(
        vec![
            "MIS ID", "UPN", "Forename", "Surname", "DOB", "Year", "House", "Form", "Type", "Name",
            "Email", "Staff ID",
        ],
        0..8,
    );
    (
        header,
        prop::collection::vec(prop::collection::vec(tricky_cell(), 0..9), 0..12),
        prop::sample::select(vec![",", ";", "\t"]),
        any::<bool>(),
    )
        .prop_map(|(header, rows, sep, bom)| {
            let mut text = if bom {
                "\u{FEFF}".to_string()
            } else {
                String::new()
            };
            text.push_str(&header.join(sep));
            text.push_str("\r\n");
            for r in rows {
                text.push_str(&r.join(sep));
                text.push('\n');
            }
            text.into_bytes()
        })
}

/// Random bytes and random CSV shapes: the importer never panics, a refused file or a plan that
/// cannot be imported writes nothing, and any plan it offers imports without error.
#[test]
fn random_files_never_panic_and_refused_files_write_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let s = std::cell::RefCell::new(admin(dir.path()));
    let mut runner = proptest::test_runner::TestRunner::new(ProptestConfig {
        cases: 96,
        ..ProptestConfig::default()
    });
    let files = prop_oneof![prop::collection::vec(any::<u8>(), 0..400), csv_shape()];
    let kinds = prop::sample::select(ImportKind::ALL.to_vec());
    runner
        .run(&(files, kinds), |(bytes, kind)| {
            let mut s = s.borrow_mut();
            let entries = s.verify_audit().unwrap().entries;
            match s.preview_import(kind, "fuzz.csv", &bytes, None) {
                Err(_) => prop_assert_eq!(s.verify_audit().unwrap().entries, entries),
                Ok(p) if !p.plan.can_import() => {
                    prop_assert!(s.apply_import(&p, false).is_err());
                    prop_assert_eq!(s.verify_audit().unwrap().entries, entries);
                }
                Ok(p) => {
                    let r = s.apply_import(&p, false);
                    prop_assert!(
                        r.is_ok(),
                        "{:?} for {:?}",
                        r,
                        String::from_utf8_lossy(&bytes)
                    );
                    prop_assert_eq!(s.verify_audit().unwrap().entries, entries + 1);
                }
            }
            Ok(())
        })
        .unwrap();
    assert!(s.borrow().verify_audit().unwrap().is_intact());
}

#[test]
fn short_mis_titles_are_recognised_without_a_mapping_file() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = admin(dir.path());
    let text = "Adm No,UPN,Forename(s),Surname(s),D.O.B.,NC Yr,Tutor Grp,House Grp\n\
                Z1,T801234567890,Inès,Harrow-Quill,03/04/2019,2,2 Wrens,Ash\n";
    let p = preview(&s, ImportKind::Pupils, text.as_bytes());
    for field in [
        Field::MisId,
        Field::Upn,
        Field::Forename,
        Field::Surname,
        Field::DateOfBirth,
        Field::AcademicLevel,
        Field::RegistrationForm,
        Field::House,
    ] {
        assert!(p.mapping.get(field).is_some(), "{field:?} not recognised");
    }
    assert_eq!(p.plan.counts().added, 1);
    s.apply_import(&p, false).unwrap();
    let data = s.export().unwrap();
    let z = pupil(&data, "Z1");
    assert_eq!(z.date_of_birth.as_deref(), Some("2019-04-03"));
    assert_eq!(group_of(z, GroupType::AcademicLevel), Some("Year 2"));
    assert_eq!(group_of(z, GroupType::RegistrationForm), Some("2 Wrens"));
}

#[test]
fn two_pupils_with_one_upn_in_a_file_are_both_rejected_naming_both_rows() {
    let dir = tempfile::tempdir().unwrap();
    let s = admin(dir.path());
    let text = "Adno,UPN,Forename,Surname\n\
                U1,H801234567001,Tove,Brackley\n\
                U2,H801234567002,Remy,Ostrander\n\
                U3,h801234567001,Nell,Fairhurst\n";
    let p = preview(&s, ImportKind::Pupils, text.as_bytes());
    let c = p.plan.counts();
    assert_eq!((c.added, c.rejected), (1, 2));
    let rows: Vec<usize> = p.plan.rejected.iter().map(|r| r.row).collect();
    assert_eq!(rows, [2, 4]);
    for r in &p.plan.rejected {
        assert_eq!(r.column, "UPN");
        assert!(r.reason.contains("rows 2, 4"), "{}", r.reason);
        assert!(r.reason.contains("one child"), "{}", r.reason);
    }
}

#[test]
fn a_upn_that_belongs_to_another_pupil_in_the_school_is_rejected_naming_them() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = admin(dir.path());
    let before = s.export().unwrap();
    let holder = &before.pupils[3];
    let upn = holder.upn.clone().expect("demo pupils have UPNs");
    let other = &before.pupils[4];
    let text = format!(
        "Adno,UPN,Forename,Surname\n\
         NEW1,{upn},Quinn,Ashworth-Lee\n\
         {},{upn},{},{}\n\
         NEW2,J801234567003,Mina,Thorncroft\n",
        other.mis_id.as_deref().unwrap(),
        other.forename,
        other.surname
    );
    let p = preview(&s, ImportKind::Pupils, text.as_bytes());
    let c = p.plan.counts();
    // The two rows giving one UPN clash with each other; and with the school.
    assert_eq!((c.added, c.rejected), (1, 2), "{:?}", p.plan.rejected);
    // Alone, the new pupil's row clashes only with the pupil who has the UPN.
    let text = format!("Adno,UPN,Forename,Surname\nNEW1,{upn},Quinn,Ashworth-Lee\n");
    let p = preview(&s, ImportKind::Pupils, text.as_bytes());
    assert_eq!(p.plan.counts().rejected, 1);
    let r = &p.plan.rejected[0];
    assert_eq!((r.row, r.column.as_str()), (2, "UPN"));
    let holder_id = holder.mis_id.as_deref().unwrap();
    assert!(
        r.reason.contains(&format!("MIS ID {holder_id}")),
        "{}",
        r.reason
    );
    // The pupil who has it keeps it when their own row says so.
    let text = format!(
        "Adno,UPN,Forename,Surname\n{holder_id},{upn},{},{}\n",
        holder.forename, holder.surname
    );
    let p = preview(&s, ImportKind::Pupils, text.as_bytes());
    assert_eq!(p.plan.counts().rejected, 0, "{:?}", p.plan.rejected);
    s.apply_import(&p, false).unwrap();
    assert_eq!(s.export().unwrap().pupils.len(), before.pupils.len());
}

#[test]
fn the_audit_entry_and_the_result_summarise_the_rejected_rows_without_their_cells() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = admin(dir.path());
    let mut text = String::from("Adno,Forename,Surname,DOB\n");
    for i in 0..40 {
        text.push_str(&format!("SAME,Orla{i},Pennyworth,01/02/2018\n"));
    }
    text.push_str("OK1,Wren,Calloway,31/02/2018\nOK2,Ida,Calloway,01/02/2018\n");
    let p = preview(&s, ImportKind::Pupils, text.as_bytes());
    let report = s.apply_import(&p, false).unwrap();
    assert_eq!(report.counts.rejected, 41);
    assert_eq!(report.rejected.len(), 12, "{:#?}", report.rejected);
    assert!(
        report
            .rejected
            .contains(&"and 30 more rows with the same Adno as another row".to_string())
    );
    let entry = &s.recent_audit("MIS import", 1).unwrap()[0];
    assert!(
        entry
            .after
            .contains("not imported: 40 rows with the same Adno as another row (rows 2, 3, 4"),
        "{}",
        entry.after
    );
    assert!(entry.after.contains("and 30 more)"), "{}", entry.after);
    assert!(
        entry
            .after
            .contains("1 row with a DOB that cannot be used (row 42)"),
        "{}",
        entry.after
    );
    assert!(
        !entry.after.contains("Orla") && !entry.after.contains("31/02"),
        "{}",
        entry.after
    );
}

#[test]
fn a_preview_made_before_another_change_is_checked_again_before_it_is_applied() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = admin(dir.path());
    let first = "Adno,Forename,Surname\nW1,Esme,Lockhart-Bain\n";
    let other = "Adno,Forename,Surname\nW1,Esme,Lockhart-Bain\nW2,Rafe,Lockhart-Bain\n";
    let stale = preview(&s, ImportKind::Pupils, first.as_bytes());
    let still_good = preview(&s, ImportKind::Pupils, other.as_bytes());
    // A staff import changes the school, but nothing a pupil file's plan depends on.
    let staff = preview(&s, ImportKind::Staff, &sample("staff.csv"));
    s.apply_import(&staff, false).unwrap();
    // So the pupil preview is worked out again, found the same, and applied.
    let report = s.apply_import(&still_good, false).unwrap();
    assert_eq!(report.counts.added, 2);
    // Now W1 is in the school: the first preview's "1 to add" no longer holds.
    let e = s.apply_import(&stale, false).unwrap_err();
    assert!(e.to_string().contains("changed since the preview"), "{e}");
    assert_eq!(s.export().unwrap().pupils.len(), 42 + 2);
}
