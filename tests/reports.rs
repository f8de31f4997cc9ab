//! Reports through the service and the command line. What each person's report should count is
//! worked out here from the school's export (access lists, category grids, incidents), not from
//! `model::access` or the report engine.

mod common;

use chrono::{Local, NaiveDate, TimeZone};
use common::*;
use keyholder::model::report::{DateRange, Period, ReportKind, ReportSpec};
use keyholder::model::{CategoryId, GroupType, PupilId, SystemPermission};
use keyholder::service::records::NewConcern;
use keyholder::service::{SchoolData, Session};
use keyholder::vault::Location;
use std::collections::{BTreeMap, BTreeSet};

fn day_of(t: i64) -> NaiveDate {
    Local.timestamp_opt(t, 0).single().unwrap().date_naive()
}

/// Gives the Teachers group Run reports (the demo's teachers do not have it).
fn teachers_run_reports(admin: &mut Session) {
    let g = user_group(admin, "Teachers");
    admin
        .save_user_group(
            g.id,
            &g.name,
            g.active,
            g.system.with(SystemPermission::RunReports),
            &g.categories,
        )
        .unwrap();
}

/// The demo school with 60 more concerns, in every category, about pupils of every year, over
/// the last 110 days; then its export.
fn busy_school(dir: &std::path::Path) -> (Location, Session, SchoolData) {
    let (location, mut creds) = demo_school(dir, small());
    let admin = &mut creds.session;
    let data = admin.export().unwrap();
    let categories = admin.categories_to_record().unwrap();
    let pupils: Vec<PupilId> = data
        .pupils
        .iter()
        .filter(|p| !p.archived)
        .map(|p| {
            admin
                .find_pupil_to_record_by_mis_id(p.mis_id.as_deref().unwrap())
                .unwrap()
                .id
        })
        .collect();
    for i in 0..60usize {
        admin
            .record_concern(&NewConcern {
                // 5 shares no factor with the 42 pupils, so every pupil (and year) is reached.
                pupil: pupils[(i * 5) % pupils.len()],
                category: categories[i % categories.len()].id,
                occurred_at: now() - ((i as i64 * 37) % 110 + 1) * 86_400,
                description: format!("Concern number {i}."),
                linked: Vec::new(),
            })
            .unwrap();
    }
    let data = admin.export().unwrap();
    teachers_run_reports(admin);
    (location, creds.session, data)
}

fn last_120_days() -> DateRange {
    let today = day_of(now());
    DateRange::Between {
        from: today - chrono::Days::new(120),
        to: today,
    }
}

/// Counted independently from the export: per (top-level category, month), the incidents in the
/// range about pupils on roll whose Academic Level lists `email` (the demo restricts Academic
/// Levels only), in categories whose View Incidents the user's group grants.
fn expected_counts(
    data: &SchoolData,
    email: &str,
    range: DateRange,
) -> BTreeMap<(String, String), u32> {
    assert_eq!(
        data.group_types
            .iter()
            .filter(|t| t.restricted)
            .map(|t| t.group_type.as_str())
            .collect::<Vec<_>>(),
        ["academic_level"]
    );
    let user = data.users.iter().find(|u| u.email == email).unwrap();
    let group = data
        .user_groups
        .iter()
        .find(|g| g.name == user.user_group)
        .unwrap();
    let readable: BTreeSet<(String, Option<String>)> = group
        .category_permissions
        .iter()
        .filter(|c| c.view_incidents)
        .map(|c| (c.category.category.clone(), c.category.sub_category.clone()))
        .collect();
    let (from, to) = range.days(day_of(now())).unwrap();
    let mut out = BTreeMap::new();
    for i in &data.incidents {
        let p = &data.pupils[i.pupil];
        let on_list = data.groups.iter().any(|g| {
            g.group_type == "academic_level"
                && g.name == level_of(p)
                && g.access.iter().any(|a| a == email)
        });
        let day = day_of(i.occurred_at);
        if p.archived
            || !on_list
            || !readable.contains(&(i.category.category.clone(), i.category.sub_category.clone()))
            || day < from
            || day > to
        {
            continue;
        }
        let month = day.format("%b %Y").to_string();
        *out.entry((i.category.category.clone(), month)).or_default() += 1;
    }
    out
}

/// The report's top-level rows as (category, month) → count, leaving out zeros.
fn counted(r: &keyholder::service::reports::Report) -> BTreeMap<(String, String), u32> {
    let mut out = BTreeMap::new();
    for row in r.table.rows.iter().filter(|r| r.depth == 0) {
        for (n, month) in row.counts.iter().zip(&r.table.columns) {
            if *n > 0 {
                out.insert((row.label.clone(), month.clone()), *n);
            }
        }
    }
    out
}

#[test]
fn a_restricted_teacher_s_report_counts_only_their_pupils_and_categories() {
    let dir = tempfile::tempdir().unwrap();
    let (location, mut admin, data) = busy_school(dir.path());
    let spec = ReportSpec {
        range: last_120_days(),
        ..ReportSpec::default()
    };

    let everything = admin.run_report(&spec).unwrap();
    let all = expected_counts(&data, &admin.me().user.email.clone(), spec.range);
    assert_eq!(
        counted(&everything),
        all,
        "the administrator sees every pupil and category"
    );

    let teacher = teacher_of(&data, "Year 1");
    let mut t = sign_in_demo_user(&location, &teacher);
    let mine = t.run_report(&spec).unwrap();
    let expected = expected_counts(&data, &teacher, spec.range);
    assert_eq!(counted(&mine), expected);
    let total: u32 = expected.values().sum();
    assert_eq!(mine.table.total, total);
    assert!(
        total > 0 && total < everything.table.total,
        "{total} of {}",
        everything.table.total
    );
    // A category the teacher may not read is not even a row.
    assert!(
        mine.table
            .rows
            .iter()
            .all(|r| r.label.starts_with("Behaviour")),
        "{:?}",
        mine.table.rows
    );

    // By Academic Level: only the teacher's own year.
    let by_year = t
        .run_report(&ReportSpec {
            by: Some(GroupType::AcademicLevel),
            per: Period::Term,
            ..spec.clone()
        })
        .unwrap();
    let years: BTreeSet<&str> = by_year
        .table
        .rows
        .iter()
        .filter_map(|r| r.group.as_deref())
        .collect();
    assert_eq!(years, BTreeSet::from(["Year 1"]));
    assert_eq!(by_year.table.total, total);

    // Someone without Run reports is refused, and it is in the audit who ran what.
    let office = data
        .users
        .iter()
        .find(|u| u.user_group == "Office")
        .unwrap();
    let mut o = sign_in_demo_user(&location, &office.email);
    assert!(o.run_report(&spec).is_err());
    assert!(
        admin
            .recent_audit("Report run", 10)
            .unwrap()
            .iter()
            .any(|e| e.actor_name.contains(
                &data
                    .users
                    .iter()
                    .find(|u| u.email == teacher)
                    .unwrap()
                    .surname
            ))
    );
}

#[test]
fn pupils_with_frequent_concerns_are_those_the_reader_may_see() {
    let dir = tempfile::tempdir().unwrap();
    let (location, mut admin, data) = {
        let (location, mut creds) = demo_school(dir.path(), small());
        let data = creds.session.export().unwrap();
        (location, creds.session, data)
    };
    teachers_run_reports(&mut admin);
    let behaviour: CategoryId = admin
        .categories_to_record()
        .unwrap()
        .into_iter()
        .find(|c| c.label == "Behaviour")
        .unwrap()
        .id;
    let year_2 = data
        .pupils
        .iter()
        .find(|p| level_of(p) == "Year 2")
        .unwrap()
        .clone();
    let pupil = admin
        .find_pupil_to_record_by_mis_id(year_2.mis_id.as_deref().unwrap())
        .unwrap()
        .id;
    for days_ago in [1, 3, 5, 8] {
        admin
            .record_concern(&NewConcern {
                pupil,
                category: behaviour,
                occurred_at: now() - days_ago * 86_400,
                description: "Another worry.".into(),
                linked: Vec::new(),
            })
            .unwrap();
    }
    let spec = ReportSpec {
        kind: ReportKind::FrequentConcerns,
        range: DateRange::LastDays { days: 30 },
        more_than: 3,
        within_days: 14,
        ..ReportSpec::default()
    };
    let r = admin.run_report(&spec).unwrap();
    assert!(
        r.pupils.iter().any(|p| p.pupil.id == pupil && p.most >= 4),
        "{:?}",
        r.pupils
    );

    // A Year 2 teacher sees the pupil; a Year 1 teacher is not told of them.
    let mut t2 = sign_in_demo_user(&location, &teacher_of(&data, "Year 2"));
    assert!(
        t2.run_report(&spec)
            .unwrap()
            .pupils
            .iter()
            .any(|p| p.pupil.id == pupil)
    );
    let mut t1 = sign_in_demo_user(&location, &teacher_of(&data, "Year 1"));
    let theirs = t1.run_report(&spec).unwrap();
    assert!(theirs.pupils.iter().all(|p| p.pupil.id != pupil));
    assert!(!format!("{theirs:?}").contains(&year_2.surname));
}

#[test]
fn a_shared_report_runs_under_each_reader_s_own_access() {
    let dir = tempfile::tempdir().unwrap();
    let (location, mut admin, data) = busy_school(dir.path());
    let spec = ReportSpec {
        range: last_120_days(),
        ..ReportSpec::default()
    };
    let id = admin.save_report("Concerns this term", &spec).unwrap();
    let teacher = teacher_of(&data, "Year 1");
    let mut t = sign_in_demo_user(&location, &teacher);
    assert!(t.saved_reports().unwrap().is_empty(), "not shared yet");
    assert!(t.run_saved_report(id).is_err());

    let teachers = user_group(&admin, "Teachers").id;
    admin.share_saved_report(id, &[teachers]).unwrap();
    let shared = t.saved_reports().unwrap();
    assert_eq!(shared.len(), 1);
    assert!(!shared[0].mine);
    assert_eq!(t.find_saved_report("concerns this term").unwrap().id, id);

    // The teacher's answer is theirs, not the administrator's.
    let theirs = t.run_saved_report(id).unwrap();
    assert_eq!(
        counted(&theirs),
        expected_counts(&data, &teacher, spec.range)
    );
    assert_eq!(theirs.name.as_deref(), Some("Concerns this term"));
    let admins = admin.run_saved_report(id).unwrap();
    assert!(admins.table.total > theirs.table.total);

    // The teacher may neither share nor change nor remove it; a group it is not shared with
    // does not see it.
    assert!(t.share_saved_report(id, &[teachers]).is_err());
    assert!(t.delete_saved_report(id).is_err());
    let attendance = data
        .users
        .iter()
        .find(|u| u.user_group == "Attendance Officer")
        .unwrap();
    let a = sign_in_demo_user(&location, &attendance.email);
    assert!(a.saved_reports().unwrap().is_empty());

    // Saving again under the same name replaces the settings; removing it unshares it.
    let id2 = admin
        .save_report(
            "concerns this term",
            &ReportSpec {
                per: Period::Term,
                ..spec.clone()
            },
        )
        .unwrap();
    assert_eq!(id2, id);
    assert_eq!(t.saved_reports().unwrap()[0].spec.per, Period::Term);
    admin.delete_saved_report(id).unwrap();
    assert!(t.saved_reports().unwrap().is_empty());
    assert!(admin.save_report("  ", &spec).is_err());
}

#[test]
fn the_report_command_counts_what_the_export_says_the_teacher_may_read() {
    let dir = tempfile::tempdir().unwrap();
    let (location, admin, data) = busy_school(dir.path());
    drop(admin);
    let teacher = teacher_of(&data, "Year 1");
    let pw = dir.path().join("pw.txt");
    std::fs::write(&pw, format!("{PASSWORD}\n")).unwrap();
    let csv = dir.path().join("report.csv");
    let today = day_of(now());
    let from = (today - chrono::Days::new(120))
        .format("%d/%m/%Y")
        .to_string();
    let to = today.format("%d/%m/%Y").to_string();
    let code = code(&demo_secret(&location, &teacher), now(), 0);
    let run = |extra: &[&str], code: &str| {
        std::process::Command::new(env!("CARGO_BIN_EXE_keyholder"))
            .args(["report", "--from", &from, "--to", &to])
            .args(extra)
            .args([
                "--vault",
                &location.db.display().to_string(),
                "--user",
                &teacher,
            ])
            .args(["--password-file", &pw.display().to_string(), "--code", code])
            .output()
            .unwrap()
    };
    let out = run(&["--json"], &code);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["format_version"], 1);
    let expected: u32 = expected_counts(
        &data,
        &teacher,
        DateRange::Between {
            from: today - chrono::Days::new(120),
            to: today,
        },
    )
    .values()
    .sum();
    assert!(expected > 0);
    assert_eq!(json["total"], expected);

    let next = common::code(&demo_secret(&location, &teacher), now(), 1);
    let out = run(&["--csv", &csv.display().to_string()], &next);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = std::fs::read_to_string(&csv).unwrap();
    assert!(text.contains("Category,"), "{text}");
    assert!(text.lines().any(|l| l.starts_with("Behaviour,")), "{text}");
    assert!(!text.contains("Attendance"), "{text}");
}
