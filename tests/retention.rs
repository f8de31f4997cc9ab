//! Data Destruction Policies through the service and the command line: each category's policy
//! (defaults, inheritance, changes audited), when records fall due (by date of birth, leaving
//! day and incident day, leap days included; no date of birth, never due), holds, and keeping
//! records longer after a review.

mod common;

use chrono::{Datelike, Local, NaiveDate, TimeZone};
use common::*;
use keyholder::model::retention::{Basis, Policy, Source, Then};
use keyholder::model::{CategoryId, GroupType, PupilId, SystemPermission};
use keyholder::service::records::{NewConcern, PupilDetails};
use keyholder::service::{SchoolData, Session};
use keyholder::vault::Location;

fn day_of(t: i64) -> NaiveDate {
    Local.timestamp_opt(t, 0).single().unwrap().date_naive()
}

fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

/// Gives a user group Data destruction policy (no demo group has it).
fn may_manage_retention(admin: &mut Session, group: &str) {
    let g = user_group(admin, group);
    admin
        .save_user_group(
            g.id,
            &g.name,
            g.active,
            g.system.with(SystemPermission::DataDestructionPolicy),
            &g.categories,
        )
        .unwrap();
}

fn category(admin: &Session, label: &str) -> CategoryId {
    admin
        .retention_policies()
        .unwrap()
        .into_iter()
        .find(|l| l.label == label)
        .unwrap_or_else(|| panic!("no category {label}"))
        .category
}

/// The demo school (whose senior leaders manage retention) and its export.
fn school(dir: &std::path::Path) -> (Location, Session, SchoolData) {
    let (location, mut creds) = demo_school(dir, small());
    assert!(
        creds
            .session
            .me()
            .permissions
            .has(SystemPermission::DataDestructionPolicy)
    );
    let data = creds.session.export().unwrap();
    (location, creds.session, data)
}

fn pupil(admin: &Session, data: &SchoolData, at: usize) -> PupilId {
    admin
        .retention_pupil_by_mis_id(data.pupils[at].mis_id.as_deref().unwrap())
        .unwrap()
        .id
}

fn set_dob(admin: &mut Session, data: &SchoolData, at: usize, dob: &str) {
    let p = &data.pupils[at];
    admin
        .update_pupil_details(
            pupil(admin, data, at),
            &PupilDetails {
                forename: p.forename.clone(),
                surname: p.surname.clone(),
                date_of_birth: dob.into(),
            },
        )
        .unwrap();
}

fn concern(admin: &mut Session, pupil: PupilId, category: CategoryId, days_ago: i64) {
    admin
        .record_concern(&NewConcern {
            pupil,
            category,
            occurred_at: now() - days_ago * 86_400,
            description: "Kept under the school's policy.".into(),
            linked: Vec::new(),
            restriction: Default::default(),
        })
        .unwrap();
}

/// The id of an Academic Level, by name.
fn academic_level(admin: &Session, name: &str) -> keyholder::model::PupilGroupId {
    admin
        .groups_tab()
        .unwrap()
        .into_iter()
        .find(|t| t.group_type == GroupType::AcademicLevel)
        .unwrap()
        .groups
        .into_iter()
        .find(|g| g.group.name == name)
        .unwrap()
        .group
        .id
}

/// Sets a category's own policy: keep `years` after `basis`, then `then`.
fn keep(admin: &mut Session, category: CategoryId, basis: Basis, years: u32, then: Then) {
    admin
        .set_retention_policy(category, Some(Policy { basis, years, then }))
        .unwrap();
}

fn is_due(admin: &Session, pupil: PupilId, on: NaiveDate) -> bool {
    admin
        .retention_review_on(on)
        .unwrap()
        .due
        .iter()
        .any(|d| d.pupil.id == pupil)
}

#[test]
fn safeguarding_records_start_at_date_of_birth_plus_25_then_review_and_sub_categories_follow() {
    let dir = tempfile::tempdir().unwrap();
    let (_location, mut admin, _data) = school(dir.path());
    let lines = admin.retention_policies().unwrap();
    let line = |label: &str| lines.iter().find(|l| l.label == label).unwrap().clone();
    let dob25 = Policy {
        basis: Basis::DateOfBirth,
        years: 25,
        then: Then::Review,
    };
    assert_eq!(line("Cause for Concern").policy, Some(dob25));
    assert_eq!(line("Cause for Concern").source, Some(Source::Default));
    let neglect = line("Cause for Concern — Neglect Related");
    assert_eq!(neglect.policy, Some(dob25));
    assert_eq!(neglect.source_text, "Follows Cause for Concern");
    assert_eq!(
        line("Behaviour").policy,
        None,
        "kept until the school decides"
    );
    assert_eq!(line("Behaviour").source_text, "No policy set");

    // Behaviour: six years after the incident, then destroy; its sub-categories follow.
    let six = Policy {
        basis: Basis::Incident,
        years: 6,
        then: Then::Destroy,
    };
    let behaviour = category(&admin, "Behaviour");
    admin.set_retention_policy(behaviour, Some(six)).unwrap();
    let lines = admin.retention_policies().unwrap();
    let peers = lines
        .iter()
        .find(|l| l.label == "Behaviour — Against Peers")
        .unwrap();
    assert_eq!(peers.policy, Some(six));
    assert_eq!(peers.source, Some(Source::Inherited(behaviour)));
    let entry = admin
        .recent_audit("Data destruction policy changed", 5)
        .unwrap();
    assert!(
        entry.iter().any(|e| e.summary.contains("Behaviour")),
        "{entry:?}"
    );

    // A period no school keeps records for is refused and changes nothing.
    let e = admin
        .set_retention_policy(behaviour, Some(Policy { years: 0, ..six }))
        .unwrap_err()
        .to_string();
    assert!(e.contains("between 1 and 100 years"), "{e}");
    assert_eq!(
        admin
            .retention_policies()
            .unwrap()
            .iter()
            .find(|l| l.category == behaviour)
            .unwrap()
            .policy,
        Some(six)
    );
    // Clearing it: kept again.
    admin.set_retention_policy(behaviour, None).unwrap();
    assert!(
        admin
            .retention_policies()
            .unwrap()
            .iter()
            .all(|l| !l.label.starts_with("Behaviour") || l.policy.is_none())
    );
}

#[test]
fn records_fall_due_by_date_of_birth_leaving_day_and_incident_day() {
    let dir = tempfile::tempdir().unwrap();
    let (_location, mut admin, data) = school(dir.path());
    let cause = category(&admin, "Cause for Concern");
    let attendance = category(&admin, "Attendance");
    let behaviour = category(&admin, "Behaviour");
    // Pupils with nothing recorded yet, so each test record is the only one.
    let unrecorded: Vec<usize> = (0..data.pupils.len())
        .filter(|&i| !data.pupils[i].archived && data.incidents.iter().all(|x| x.pupil != i))
        .collect();
    let (leap, plain, no_dob) = (unrecorded[0], unrecorded[1], unrecorded[2]);

    // Date of birth + 25 years; born on 29 February, due on 1 March in a year without one.
    set_dob(&mut admin, &data, leap, "2016-02-29");
    set_dob(&mut admin, &data, plain, "2017-06-10");
    set_dob(&mut admin, &data, no_dob, "");
    for at in [leap, plain, no_dob] {
        let id = pupil(&admin, &data, at);
        concern(&mut admin, id, cause, 3);
    }
    let (p_leap, p_plain, p_none) = (
        pupil(&admin, &data, leap),
        pupil(&admin, &data, plain),
        pupil(&admin, &data, no_dob),
    );
    assert!(!is_due(&admin, p_leap, day("2041-02-28")));
    assert!(is_due(&admin, p_leap, day("2041-03-01")));
    assert!(!is_due(&admin, p_plain, day("2042-06-09")));
    assert!(is_due(&admin, p_plain, day("2042-06-10")));
    let review = admin.retention_review_on(day("2042-06-10")).unwrap();
    let listed = review.due.iter().find(|d| d.pupil.id == p_plain).unwrap();
    assert!(
        listed.incidents[0]
            .why
            .contains("Date of birth 10 Jun 2017 + 25 years"),
        "{}",
        listed.incidents[0].why
    );
    assert_eq!(listed.incidents[0].policy.then, Then::Review);
    assert!(
        review
            .due
            .windows(2)
            .all(|w| w[0].due_since <= w[1].due_since),
        "the longest overdue first"
    );
    // No date of birth: never due, and listed so that someone adds one.
    assert!(!is_due(&admin, p_none, day("2200-01-01")));
    assert!(
        review.needs_date_of_birth.iter().any(|p| p.id == p_none),
        "{:?}",
        review.needs_date_of_birth
    );

    // Six years after the incident.
    keep(&mut admin, attendance, Basis::Incident, 6, Then::Destroy);
    let incident_pupil = unrecorded[3];
    let p_incident = pupil(&admin, &data, incident_pupil);
    concern(&mut admin, p_incident, attendance, 10);
    let happened = day_of(now() - 10 * 86_400);
    let six_on = NaiveDate::from_ymd_opt(happened.year() + 6, happened.month(), happened.day())
        .unwrap_or_else(|| NaiveDate::from_ymd_opt(happened.year() + 6, 3, 1).unwrap());
    assert!(!is_due(&admin, p_incident, six_on.pred_opt().unwrap()));
    assert!(is_due(&admin, p_incident, six_on));

    // Two years after leaving: counted from the day the pupil is archived, not before.
    keep(&mut admin, behaviour, Basis::Leaving, 2, Then::Review);
    let year_6 = academic_level(&admin, "Year 6");
    let leaver = (0..data.pupils.len())
        .find(|&i| level_of(&data.pupils[i]) == "Year 6" && !data.pupils[i].archived)
        .unwrap();
    let p_leaver = pupil(&admin, &data, leaver);
    concern(&mut admin, p_leaver, behaviour, 5);
    let in_three_years = day_of(now()) + chrono::Days::new(3 * 366);
    assert!(
        !is_due(&admin, p_leaver, in_three_years),
        "still on roll: the period has not begun"
    );
    admin.archive_group_pupils(year_6).unwrap();
    let today = day_of(now());
    let two_on = NaiveDate::from_ymd_opt(today.year() + 2, today.month(), today.day())
        .unwrap_or_else(|| NaiveDate::from_ymd_opt(today.year() + 2, 3, 1).unwrap());
    assert!(!is_due(&admin, p_leaver, two_on.pred_opt().unwrap()));
    assert!(is_due(&admin, p_leaver, two_on));
    // Back on roll: no longer left.
    admin.return_to_roll(p_leaver).unwrap();
    assert!(!is_due(&admin, p_leaver, in_three_years));
}

#[test]
fn a_held_pupil_is_never_due_and_a_review_can_keep_records_longer() {
    let dir = tempfile::tempdir().unwrap();
    let (location, mut admin, data) = school(dir.path());
    let cause = category(&admin, "Cause for Concern");
    let at = (0..data.pupils.len())
        .find(|&i| !data.pupils[i].archived && level_of(&data.pupils[i]) == "Year 2")
        .unwrap();
    set_dob(&mut admin, &data, at, "2019-01-15");
    let p = pupil(&admin, &data, at);
    concern(&mut admin, p, cause, 2);
    let due_day = day("2044-01-15");
    assert!(is_due(&admin, p, due_day));

    // A hold without an end: not offered, listed as held, and shown on the profile.
    assert!(
        admin.place_hold(p, "  ", None).is_err(),
        "a reason is needed"
    );
    let hold = admin
        .place_hold(p, "Requested by the local authority for an inquiry", None)
        .unwrap();
    assert!(!is_due(&admin, p, due_day));
    assert!(!is_due(&admin, p, day("2099-01-01")));
    let review = admin.retention_review_on(due_day).unwrap();
    assert!(review.holds.iter().any(|h| h.pupil.id == p));
    assert!(
        admin.holds_on(p).unwrap()[0]
            .hold
            .reason
            .contains("inquiry")
    );
    let profile = admin.open_pupil_profile(p).unwrap();
    assert_eq!(profile.holds.len(), 1, "the hold shows on the profile");
    assert!(
        admin
            .recent_audit("Hold placed", 3)
            .unwrap()
            .iter()
            .any(|e| e.summary.contains("inquiry"))
    );
    admin.lift_hold(hold).unwrap();
    assert!(is_due(&admin, p, due_day));
    assert!(admin.lift_hold(hold).is_err(), "already lifted");

    // A hold with an end date stands until that day.
    let end = day_of(now()) + chrono::Days::new(30);
    admin.place_hold(p, "Court case", Some(end)).unwrap();
    assert!(
        admin
            .retention_review_on(end)
            .unwrap()
            .holds
            .iter()
            .any(|h| h.pupil.id == p)
    );
    assert!(
        admin
            .retention_review_on(end + chrono::Days::new(1))
            .unwrap()
            .holds
            .is_empty()
    );

    // Kept for twenty more years after a review: not due until then, and counted as kept.
    let until = admin
        .keep_longer(p, 20, "A sibling is still on roll")
        .unwrap();
    assert_eq!(until.year(), day_of(now()).year() + 20);
    assert!(until > due_day);
    let review = admin.retention_review_on(due_day).unwrap();
    assert!(review.due.iter().all(|d| d.pupil.id != p));
    assert!(review.kept_longer >= 1);
    assert!(!is_due(&admin, p, until.pred_opt().unwrap()));
    assert!(is_due(&admin, p, until));
    assert!(admin.keep_longer(p, 0, "x").is_err());
    assert!(
        admin
            .retention_pupil_by_mis_id("NO-SUCH-ID")
            .unwrap_err()
            .to_string()
            .contains("No pupil has the MIS ID NO-SUCH-ID")
    );

    // Someone without the permission is refused everything.
    let teacher = teacher_of(&data, "Year 2");
    let mut t = sign_in_demo_user(&location, &teacher);
    assert!(t.retention_review().is_err());
    assert!(t.place_hold(p, "No", None).is_err());
    assert!(t.retention_policies().is_err());
}

#[test]
fn the_review_names_only_pupils_the_reader_may_open() {
    let dir = tempfile::tempdir().unwrap();
    let (location, mut admin, data) = school(dir.path());
    may_manage_retention(&mut admin, "Teachers");
    let cause = category(&admin, "Cause for Concern");
    let year = |y: &str| {
        (0..data.pupils.len())
            .find(|&i| !data.pupils[i].archived && level_of(&data.pupils[i]) == y)
            .unwrap()
    };
    let (mine, other) = (year("Year 1"), year("Year 3"));
    for at in [mine, other] {
        set_dob(&mut admin, &data, at, "2018-05-05");
        let id = pupil(&admin, &data, at);
        concern(&mut admin, id, cause, 1);
    }
    let t = sign_in_demo_user(&location, &teacher_of(&data, "Year 1"));
    let review = t.retention_review_on(day("2043-05-05")).unwrap();
    let find = |at: usize| {
        review
            .due
            .iter()
            .find(|d| d.pupil.mis_id == data.pupils[at].mis_id)
            .unwrap_or_else(|| panic!("pupil {at} is listed"))
            .pupil
            .clone()
    };
    assert!(find(mine).shown.is_some());
    let hidden = find(other);
    assert!(hidden.shown.is_none());
    let label = hidden.label(false);
    assert!(label.contains("MIS ID"), "{label}");
    assert!(!label.contains(&data.pupils[other].surname), "{label}");
    assert!(!format!("{review:?}").contains(&data.pupils[other].surname));
}

#[test]
fn the_retention_commands_set_a_policy_list_the_review_and_place_a_hold() {
    let dir = tempfile::tempdir().unwrap();
    let (location, admin, data) = school(dir.path());
    let email = admin.me().user.email.clone();
    drop(admin);
    let run = command_as(&location, &email, dir.path());
    let out = run(
        &[
            "set",
            "Behaviour",
            "--from",
            "incident",
            "--years",
            "6",
            "--then",
            "destroy",
        ],
        -1,
    );
    // What was done is told on standard error, so that standard output stays data.
    said(&out);
    let told = String::from_utf8_lossy(&out.stderr);
    assert!(told.contains("6 years after the incident"), "{told}");
    let json: serde_json::Value = serde_json::from_slice(&{
        let out = run(&["policies", "--json"], 0);
        said(&out);
        out.stdout
    })
    .unwrap();
    let peers = json
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["category"] == "Behaviour — Against Peers")
        .unwrap();
    assert_eq!(peers["policy"]["years"], 6);
    assert_eq!(peers["source"], "Follows Behaviour");

    let mis_id = data.pupils[0].mis_id.clone().unwrap();
    let out = run(&["hold", &mis_id, "--reason", "Police inquiry"], 1);
    said(&out);
    let told = String::from_utf8_lossy(&out.stderr);
    assert!(told.contains("on hold"), "{told}");
}

#[test]
fn the_health_check_says_how_many_pupils_have_records_due() {
    let dir = tempfile::tempdir().unwrap();
    let (_location, mut admin, data) = school(dir.path());
    let due = |admin: &Session| {
        admin
            .health_check()
            .unwrap()
            .into_iter()
            .find(|f| f.check == keyholder::model::health::Check::RecordsDue)
    };
    assert!(due(&admin).is_none(), "nothing is due in a new demo");
    let behaviour = category(&admin, "Behaviour");
    keep(&mut admin, behaviour, Basis::Incident, 2, Then::Destroy);
    let (a, b) = (pupil(&admin, &data, 0), pupil(&admin, &data, 1));
    concern(&mut admin, a, behaviour, 3 * 366);
    concern(&mut admin, b, behaviour, 3 * 366);
    let finding = due(&admin).expect("records are due");
    assert_eq!(
        finding.title,
        "2 pupils have records past their keeping period"
    );
    assert!(finding.is_warning());
    // A held pupil is not counted.
    admin.place_hold(a, "Inquiry", None).unwrap();
    assert_eq!(
        due(&admin).unwrap().title,
        "1 pupil has records past their keeping period"
    );
}

/// `keyholder retention ARGS` as `email`, signed in with the code `step` steps from now.
fn command_as<'a>(
    location: &'a Location,
    email: &'a str,
    dir: &std::path::Path,
) -> impl Fn(&[&str], i64) -> std::process::Output + 'a {
    let pw = dir.join("pw.txt");
    std::fs::write(&pw, format!("{PASSWORD}\n")).unwrap();
    common::command_as(
        "retention",
        location,
        email,
        demo_secret(location, email),
        pw,
    )
}

/// A command's standard output and error together, after checking it succeeded.
fn said(out: &std::process::Output) -> String {
    assert!(
        out.status.success(),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// The school file decrypted into a plain SQLite file, as bytes: what anyone with the key
/// could read from it.
fn decrypted_file(location: &Location, dir: &std::path::Path, name: &str) -> Vec<u8> {
    let key = keyholder::vault::KeyFile::read(&location.keys)
        .unwrap()
        .unlock_person(keyholder::service::demo::ADMIN_EMAIL, PASSWORD)
        .unwrap();
    let vault = keyholder::vault::Vault::open(location, &key).unwrap();
    export_plain(&vault, dir, name)
}

/// The school file alone as it is on the disk now, without its write-ahead log (what a copy
/// of the file, or the disk itself, holds), decrypted.
fn decrypted_main_file(location: &Location, dir: &std::path::Path, name: &str) -> Vec<u8> {
    let copy_dir = dir.join(format!("{name}-on-disk"));
    std::fs::create_dir_all(&copy_dir).unwrap();
    let copy = Location::new(copy_dir.join("school.db"));
    std::fs::copy(&location.db, &copy.db).unwrap();
    std::fs::copy(&location.keys, &copy.keys).unwrap();
    let key = keyholder::vault::KeyFile::read(&copy.keys)
        .unwrap()
        .unlock_person(keyholder::service::demo::ADMIN_EMAIL, PASSWORD)
        .unwrap();
    let vault = keyholder::vault::Vault::open(&copy, &key).unwrap();
    export_plain(&vault, dir, name)
}

fn export_plain(vault: &keyholder::vault::Vault, dir: &std::path::Path, name: &str) -> Vec<u8> {
    let plain = dir.join(name);
    // The school's connection opens only files that exist.
    drop(rusqlite::Connection::open(&plain).unwrap());
    vault
        .conn()
        .execute_batch(&format!(
            "ATTACH DATABASE '{}' AS plaintext KEY ''; SELECT sqlcipher_export('plaintext'); DETACH DATABASE plaintext;",
            plain.display()
        ))
        .unwrap();
    let free: i64 = vault
        .conn()
        .query_row("PRAGMA freelist_count", [], |r| r.get(0))
        .unwrap();
    let mut bytes = std::fs::read(&plain).unwrap();
    // Free pages of the school file itself would still hold deleted rows: count them in.
    bytes.extend(format!("freelist={free}").into_bytes());
    bytes
}

fn holds_text(bytes: &[u8], text: &str) -> bool {
    bytes.windows(text.len()).any(|w| w == text.as_bytes())
}

#[test]
fn destruction_takes_only_what_is_due_leaves_a_permanent_log_and_no_trace_of_the_text() {
    let dir = tempfile::tempdir().unwrap();
    let (location, mut admin, data) = school(dir.path());
    let behaviour = category(&admin, "Behaviour");
    keep(&mut admin, behaviour, Basis::Incident, 2, Then::Destroy);
    // Three pupils with an old Behaviour concern: one on roll, one who has left (their whole
    // record goes) and one on hold (kept).
    let year = |y: &str| {
        (0..data.pupils.len())
            .find(|&i| !data.pupils[i].archived && level_of(&data.pupils[i]) == y)
            .unwrap()
    };
    let (stays, leaves, held) = (year("Year 1"), year("Year 6"), year("Year 2"));
    let text = |at: usize| format!("DESTROY-ME-{at} pushed in the lunch queue");
    for at in [stays, leaves, held] {
        let id = pupil(&admin, &data, at);
        admin
            .record_concern(&NewConcern {
                pupil: id,
                category: behaviour,
                occurred_at: now() - 3 * 366 * 86_400,
                description: text(at),
                linked: Vec::new(),
                restriction: Default::default(),
            })
            .unwrap();
    }
    let (p_stays, p_leaves, p_held) = (
        pupil(&admin, &data, stays),
        pupil(&admin, &data, leaves),
        pupil(&admin, &data, held),
    );
    admin.place_hold(p_held, "Court case", None).unwrap();
    let year_6 = academic_level(&admin, "Year 6");
    admin.archive_group_pupils(year_6).unwrap();
    let leaves_records = data.incidents.iter().filter(|i| i.pupil == leaves).count();

    // Nothing is marked yet; the policy says destroy, so --due takes the two not on hold.
    use keyholder::service::retention::Take;
    assert!(admin.destruction_plan(Take::Marked).unwrap().is_empty());
    let plan = admin.destruction_plan(Take::MarkedAndDue).unwrap();
    let planned: Vec<PupilId> = plan.pupils.iter().map(|p| p.pupil.id).collect();
    assert!(planned.contains(&p_stays) && planned.contains(&p_leaves));
    assert!(!planned.contains(&p_held), "a held pupil is never offered");
    let leaver = plan.pupils.iter().find(|p| p.pupil.id == p_leaves).unwrap();
    assert_eq!(
        leaver.whole_record,
        leaves_records == 0,
        "the whole record goes only when nothing else of theirs is left"
    );

    let before = decrypted_file(&location, dir.path(), "before.db");
    assert!(
        holds_text(&before, &text(stays)),
        "the test can see the text"
    );

    // A wrong password destroys nothing.
    let e = admin
        .destroy_records(Take::MarkedAndDue, "not the password")
        .unwrap_err()
        .to_string();
    assert!(e.contains("Nothing has been destroyed"), "{e}");
    assert_eq!(
        admin
            .destruction_plan(Take::MarkedAndDue)
            .unwrap()
            .records(),
        plan.records()
    );

    let done = admin.destroy_records(Take::MarkedAndDue, PASSWORD).unwrap();
    assert_eq!(done.records(), plan.records());
    let after = decrypted_file(&location, dir.path(), "after.db");
    assert!(!holds_text(&after, &text(stays)));
    assert!(!holds_text(&after, &text(leaves)));
    let on_disk = decrypted_main_file(&location, dir.path(), "on-disk.db");
    assert!(
        !holds_text(&on_disk, &text(stays)) && !holds_text(&on_disk, &text(leaves)),
        "the file on the disk, without its write-ahead log, holds none of it either"
    );
    assert!(
        holds_text(&on_disk, &text(held)),
        "it is the school as it is now"
    );
    let wal = std::path::PathBuf::from(format!("{}-wal", location.db.display()));
    assert_eq!(
        std::fs::metadata(&wal).map_or(0, |m| m.len()),
        0,
        "no earlier version of a page waits in the write-ahead log"
    );
    assert!(
        holds_text(&after, &text(held)),
        "the held pupil's record stays"
    );
    assert!(
        holds_text(&after, "freelist=0"),
        "no free page holds old rows"
    );

    // The log: by MIS ID, counts and days, never names or what was written.
    let log = admin.destruction_log().unwrap();
    assert_eq!(log.len(), 2);
    let entry = log
        .iter()
        .find(|d| d.mis_id == data.pupils[stays].mis_id)
        .unwrap();
    assert_eq!(entry.counts, "Behaviour: 1");
    assert!(entry.policies.contains("2 years after the incident"));
    assert!(entry.authorised_by.contains(&admin.me().user.email));
    let shown = format!("{log:?}");
    for at in [stays, leaves] {
        assert!(!shown.contains(&data.pupils[at].surname), "{shown}");
        assert!(!shown.contains("DESTROY-ME"), "{shown}");
    }
    assert!(
        admin
            .recent_audit("Records destroyed", 5)
            .unwrap()
            .iter()
            .all(|e| !e.summary.contains("DESTROY-ME"))
    );
    assert_eq!(admin.recent_audit("Records destroyed", 5).unwrap().len(), 2);

    // The log cannot be changed or removed, even from inside the file.
    let key = keyholder::vault::KeyFile::read(&location.keys)
        .unwrap()
        .unlock_person(keyholder::service::demo::ADMIN_EMAIL, PASSWORD)
        .unwrap();
    let vault = keyholder::vault::Vault::open(&location, &key).unwrap();
    assert!(
        vault
            .conn()
            .execute("DELETE FROM destruction_log", [])
            .is_err()
    );
    assert!(
        vault
            .conn()
            .execute("UPDATE destruction_log SET counts = ''", [])
            .is_err()
    );
    drop(vault);

    // It goes with an export and comes back with a load, and a later destruction keeps it.
    let exported = admin.export().unwrap();
    assert_eq!(exported.retention.destruction_log.len(), 2);
    assert!(
        !serde_json::to_string(&exported.retention)
            .unwrap()
            .contains("DESTROY-ME")
    );
    let copy = Location::new(dir.path().join("copy.db"));
    let mut other = common::load_and_sign_in(&copy, &exported, "Retention test");
    assert_eq!(other.destruction_log().unwrap(), log);
    admin
        .lift_hold(admin.standing_holds(p_held).unwrap()[0].hold.id)
        .unwrap();
    admin.destroy_records(Take::MarkedAndDue, PASSWORD).unwrap();
    let log = admin.destruction_log().unwrap();
    assert_eq!(log.len(), 3, "a later destruction adds to the log");
    let reloaded = other.export().unwrap();
    assert_eq!(reloaded.retention.destruction_log.len(), 2);
}

#[test]
fn the_destroy_command_shows_what_it_would_do_then_destroys_with_the_password() {
    let dir = tempfile::tempdir().unwrap();
    let (location, mut admin, data) = school(dir.path());
    let email = admin.me().user.email.clone();
    let behaviour = category(&admin, "Behaviour");
    keep(&mut admin, behaviour, Basis::Incident, 1, Then::Review);
    let p = pupil(&admin, &data, 0);
    concern(&mut admin, p, behaviour, 800);
    drop(admin);
    let run = command_as(&location, &email, dir.path());
    // The policy ends in review: nothing is taken until a review marks it.
    let mis_id = data.pupils[0].mis_id.clone().unwrap();
    let text = said(&run(&["mark", &mis_id], -1));
    assert!(text.contains("Marked 1 record"), "{text}");
    let text = said(&run(&["destroy", "--dry-run"], 0));
    assert!(
        text.contains("Would destroy 1 record of 1 pupil. Nothing has been destroyed."),
        "{text}"
    );
    let text = said(&run(&["destroy"], 1));
    assert!(text.contains("Destroyed 1 record of 1 pupil."), "{text}");
    // Every code of this minute is used: read the log from the file itself.
    let key = keyholder::vault::KeyFile::read(&location.keys)
        .unwrap()
        .unlock_person(&email, PASSWORD)
        .unwrap();
    let vault = keyholder::vault::Vault::open(&location, &key).unwrap();
    let log = keyholder::vault::queries::retention::destructions(vault.db()).unwrap();
    assert_eq!(log.len(), 1);
    assert_eq!(log[0].mis_id.as_deref(), Some(mis_id.as_str()));
}

#[test]
fn a_restored_older_backup_offers_the_destructions_since_and_matches_once_they_are_made_again() {
    use keyholder::service::backup::{Unlock, open_backup};
    use keyholder::service::retention::Take;
    let dir = tempfile::tempdir().unwrap();
    let (location, mut admin, data) = school(dir.path());
    let email = admin.me().user.email.clone();
    let behaviour = category(&admin, "Behaviour");
    keep(&mut admin, behaviour, Basis::Incident, 2, Then::Destroy);
    let p = pupil(&admin, &data, 0);
    admin
        .record_concern(&NewConcern {
            pupil: p,
            category: behaviour,
            occurred_at: now() - 3 * 366 * 86_400,
            description: "DESTROY-ME-AGAIN in the old backup".into(),
            linked: Vec::new(),
            restriction: Default::default(),
        })
        .unwrap();
    let written = admin
        .back_up(&dir.path().join("before.khbackup"), &|_| {})
        .unwrap();
    admin.destroy_records(Take::MarkedAndDue, PASSWORD).unwrap();
    let after = admin.export().unwrap();
    drop(admin);
    // The backup had it on the page: it lists the backup as still holding what went.
    let restored = open_backup(&written.path)
        .unwrap()
        .unlock(&Unlock::Password {
            email: email.clone(),
            password: PASSWORD.into(),
        })
        .unwrap()
        .restore(&location)
        .unwrap();
    assert_eq!(restored.destructions_to_reapply, 1);

    let secret = demo_secret(&location, &email);
    let mut s = sign_in_at(&location, &email, PASSWORD, &secret, now() + 30);
    let back = s.export().unwrap();
    assert!(
        back.incidents
            .iter()
            .any(|i| i.description.starts_with("DESTROY-ME-AGAIN")),
        "the old backup brought the record back"
    );
    let pending = s.destructions_to_reapply().unwrap();
    assert_eq!(pending.len(), 1);
    assert_eq!(pending[0].mis_id, data.pupils[0].mis_id);
    assert_eq!(pending[0].counts, "Behaviour: 1");
    assert!(s.reapply_destructions("wrong").is_err());
    assert_eq!(s.reapply_destructions(PASSWORD).unwrap(), 1);
    assert!(s.destructions_to_reapply().unwrap().is_empty());
    let again = s.export().unwrap();
    let texts = |d: &SchoolData| {
        let mut t: Vec<String> = d.incidents.iter().map(|i| i.description.clone()).collect();
        t.sort();
        t
    };
    assert_eq!(
        texts(&again),
        texts(&after),
        "the same records as after the destruction"
    );
    assert_eq!(
        again.retention.destruction_log,
        after.retention.destruction_log
    );
    assert_eq!(again.pupils.len(), after.pupils.len());
}

#[test]
fn monitoring_goes_when_nothing_of_the_pupil_s_is_left_in_its_category() {
    use keyholder::service::retention::Take;
    let dir = tempfile::tempdir().unwrap();
    let (_location, mut admin, data) = school(dir.path());
    // A pupil on roll monitored for a category (the demo monitors pupils with records in it).
    let (at, watched) = (0..data.pupils.len())
        .find_map(|i| {
            let p = &data.pupils[i];
            (!p.archived && p.date_of_birth.is_some())
                .then(|| p.monitored.iter().find(|c| c.sub_category.is_none()))
                .flatten()
                .map(|c| (i, c.category.clone()))
        })
        .expect("the demo monitors a pupil");
    // Every record in that category is past "date of birth + 1 year, then destroy".
    admin
        .set_retention_policy(
            category(&admin, &watched),
            Some(Policy {
                basis: Basis::DateOfBirth,
                years: 1,
                then: Then::Destroy,
            }),
        )
        .unwrap();
    let plan = admin.destruction_plan(Take::MarkedAndDue).unwrap();
    assert!(
        plan.pupils
            .iter()
            .any(|p| p.pupil.mis_id == data.pupils[at].mis_id)
    );
    admin.destroy_records(Take::MarkedAndDue, PASSWORD).unwrap();
    let after = admin.export().unwrap();
    let pupil = after
        .pupils
        .iter()
        .find(|p| p.mis_id == data.pupils[at].mis_id)
        .unwrap();
    assert!(
        pupil.monitored.iter().all(|c| c.category != watched),
        "{:?}",
        pupil.monitored
    );
    assert!(
        after
            .incidents
            .iter()
            .all(|i| i.category.category != watched)
    );
    // Monitoring for other categories, whose records stay, is untouched.
    let others_before: usize = data
        .pupils
        .iter()
        .map(|p| p.monitored.iter().filter(|c| c.category != watched).count())
        .sum();
    let others_after: usize = after
        .pupils
        .iter()
        .map(|p| p.monitored.iter().filter(|c| c.category != watched).count())
        .sum();
    assert_eq!(others_before, others_after);
}
