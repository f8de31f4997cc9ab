//! Reports through the service and the command line. What each person's report should count is
//! worked out here from the school's export (access lists, category grids, incidents), not from
//! `model::access` or the report engine.

mod common;

use chrono::{Local, NaiveDate, TimeZone};
use common::*;
use keyholder::model::report::{DateRange, Period, ReportKind, ReportSpec};
use keyholder::model::{CategoryId, GroupType, Outcome, PupilId, StatusKind, SystemPermission};
use keyholder::service::casework::{NewAction, NewStatus};
use keyholder::service::records::NewConcern;
use keyholder::service::school_data::IncidentData;
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
                restriction: Default::default(),
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
    let (from, to) = range.days(day_of(now())).unwrap();
    let mut out = BTreeMap::new();
    for i in data.incidents.iter().filter(|i| may_read(data, email, i)) {
        let day = day_of(i.occurred_at);
        if day < from || day > to {
            continue;
        }
        let month = day.format("%b %Y").to_string();
        *out.entry((i.category.category.clone(), month)).or_default() += 1;
    }
    out
}

/// Whether the export says `email` may open this pupil's profile: on roll, and in an Academic
/// Level whose access list names them (the demo restricts Academic Levels only).
fn may_open(data: &SchoolData, email: &str, pupil: usize) -> bool {
    assert_eq!(
        data.group_types
            .iter()
            .filter(|t| t.restricted)
            .map(|t| t.group_type.as_str())
            .collect::<Vec<_>>(),
        ["academic_level"]
    );
    let p = &data.pupils[pupil];
    !p.archived
        && data.groups.iter().any(|g| {
            g.group_type == "academic_level"
                && g.name == level_of(p)
                && g.access.iter().any(|a| a == email)
        })
}

/// Whether the export says `email` may read this incident: its pupil's profile, and View
/// Incidents for its category in their user group's grid.
fn may_read(data: &SchoolData, email: &str, i: &IncidentData) -> bool {
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
    may_open(data, email, i.pupil)
        && readable.contains(&(i.category.category.clone(), i.category.sub_category.clone()))
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
                restriction: Default::default(),
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

/// The first pupil on roll in an Academic Level, as the export has them and as the school has.
fn pupil_in(admin: &Session, data: &SchoolData, year: &str) -> (usize, PupilId) {
    let at = data
        .pupils
        .iter()
        .position(|p| !p.archived && level_of(p) == year)
        .unwrap();
    let id = admin
        .find_pupil_to_record_by_mis_id(data.pupils[at].mis_id.as_deref().unwrap())
        .unwrap()
        .id;
    (at, id)
}

fn days_ago(n: i64) -> i64 {
    now() - n * 86_400
}

/// Concerns about a Year 1 and a Year 2 pupil, in Behaviour (teachers may read it) and
/// Attendance (they may not), each with what was done: a referral to social care followed by
/// monitoring; a LADO referral with nothing since; no further action and a police referral
/// about attendance; early help long before the reports' range. Then the export.
fn casework_school(dir: &std::path::Path) -> (Location, Session, SchoolData, [usize; 2]) {
    let (location, mut creds) = demo_school(dir, small());
    let admin = &mut creds.session;
    let data = admin.export().unwrap();
    let (y1_at, y1) = pupil_in(admin, &data, "Year 1");
    let (y2_at, y2) = pupil_in(admin, &data, "Year 2");
    let category = |admin: &Session, name: &str| -> CategoryId {
        admin
            .categories_to_record()
            .unwrap()
            .into_iter()
            .find(|c| c.label == name)
            .unwrap()
            .id
    };
    let (behaviour, attendance) = (category(admin, "Behaviour"), category(admin, "Attendance"));
    let me = admin.me().user.id;
    let concern = |admin: &mut Session, pupil, category, ago, steps: &[(i64, Outcome)]| {
        let id = admin
            .record_concern(&NewConcern {
                pupil,
                category,
                occurred_at: days_ago(ago),
                description: "A concern the team acted on.".into(),
                linked: Vec::new(),
                restriction: Default::default(),
            })
            .unwrap()
            .id;
        for &(ago, outcome) in steps {
            admin
                .add_action(
                    id,
                    &NewAction {
                        taken_at: days_ago(ago),
                        taken_by: me,
                        outcome,
                        description: format!("{outcome} for this concern."),
                        rationale: if outcome.needs_rationale() {
                            "Parents engaged; the worry is resolved.".into()
                        } else {
                            String::new()
                        },
                    },
                )
                .unwrap();
        }
    };
    concern(
        admin,
        y1,
        behaviour,
        20,
        &[
            (19, Outcome::DiscussedWithDsl),
            (18, Outcome::SocialCareReferral),
            (10, Outcome::Monitoring),
        ],
    );
    concern(admin, y2, behaviour, 15, &[(14, Outcome::LadoReferral)]);
    concern(
        admin,
        y1,
        attendance,
        12,
        &[(11, Outcome::NoFurtherAction), (9, Outcome::Police)],
    );
    concern(admin, y2, behaviour, 300, &[(299, Outcome::EarlyHelp)]);
    let data = admin.export().unwrap();
    teachers_run_reports(admin);
    (location, creds.session, data, [y1_at, y2_at])
}

/// Counted independently from the export: actions taken in the range on incidents `email` may
/// read, by outcome key.
fn expected_actions(data: &SchoolData, email: &str, range: DateRange) -> BTreeMap<String, u32> {
    let (from, to) = range.days(day_of(now())).unwrap();
    let mut out = BTreeMap::new();
    for i in data.incidents.iter().filter(|i| may_read(data, email, i)) {
        for a in &i.actions {
            let day = day_of(a.taken_at);
            if day >= from && day <= to {
                *out.entry(a.outcome.clone()).or_default() += 1;
            }
        }
    }
    out
}

/// The report's rows as outcome key → total, leaving out zeros.
fn by_outcome(r: &keyholder::service::reports::Report) -> BTreeMap<String, u32> {
    r.table
        .rows
        .iter()
        .filter(|row| row.total > 0)
        .map(|row| {
            let o = Outcome::ALL.into_iter().find(|o| o.label() == row.label);
            (o.unwrap().key().to_string(), row.total)
        })
        .collect()
}

#[test]
fn actions_by_outcome_count_what_the_reader_may_read_and_list_each_referral_with_what_came_of_it() {
    let dir = tempfile::tempdir().unwrap();
    let (location, mut admin, data, [y1, y2]) = casework_school(dir.path());
    let spec = ReportSpec {
        kind: ReportKind::ActionsByOutcome,
        range: DateRange::LastDays { days: 120 },
        ..ReportSpec::default()
    };
    let email = admin.me().user.email.clone();
    let all = admin.run_report(&spec).unwrap();
    let expected = expected_actions(&data, &email, spec.range);
    assert_eq!(by_outcome(&all), expected);
    assert!(expected["social_care_referral"] >= 1 && expected["police"] >= 1);
    assert_eq!(all.table.total, expected.values().sum::<u32>());
    assert_eq!(all.table.rows[0].label, "Discussed with DSL");

    // Each referral, with every action on its incident since.
    let name = |at: usize| format!("{} {}", data.pupils[at].forename, data.pupils[at].surname);
    let referral = |r: &keyholder::service::reports::Report, at: usize, o: Outcome| {
        r.referrals
            .iter()
            .find(|x| x.outcome == o && x.pupil.display_name(false) == name(at))
            .cloned()
    };
    let social = referral(&all, y1, Outcome::SocialCareReferral).expect("the referral is listed");
    assert_eq!(social.category, "Behaviour");
    assert_eq!(social.referred_on, day_of(days_ago(18)));
    assert_eq!(social.incident_on, day_of(days_ago(20)));
    assert_eq!(
        social.since,
        [(day_of(days_ago(10)), Outcome::Monitoring)],
        "what came after, not what came before"
    );
    let lado = referral(&all, y2, Outcome::LadoReferral).unwrap();
    assert!(lado.since.is_empty());
    assert_eq!(lado.latest_text(), "nothing recorded since");
    assert!(
        social
            .latest_text()
            .starts_with("since then: Monitoring on ")
    );
    assert!(referral(&all, y1, Outcome::Police).is_some());
    assert!(
        all.referrals
            .windows(2)
            .all(|w| w[0].referred_on <= w[1].referred_on),
        "in the order they were made"
    );

    // Only Behaviour, chosen: the attendance concern's actions are left out.
    let behaviour = admin
        .report_categories()
        .unwrap()
        .into_iter()
        .find(|c| c.name == "Behaviour" && c.parent.is_none())
        .unwrap()
        .id;
    let chosen = admin
        .run_report(&ReportSpec {
            categories: vec![behaviour],
            ..spec.clone()
        })
        .unwrap();
    assert!(referral(&chosen, y1, Outcome::Police).is_none());
    assert!(referral(&chosen, y1, Outcome::SocialCareReferral).is_some());

    // A Year 1 teacher, who may not read Attendance: their own pupil's Behaviour actions only.
    let teacher = teacher_of(&data, "Year 1");
    let mut t = sign_in_demo_user(&location, &teacher);
    let theirs = t.run_report(&spec).unwrap();
    let expected = expected_actions(&data, &teacher, spec.range);
    assert_eq!(by_outcome(&theirs), expected);
    assert!(expected.contains_key("social_care_referral") && !expected.contains_key("police"));
    assert!(referral(&theirs, y1, Outcome::SocialCareReferral).is_some());
    assert!(referral(&theirs, y1, Outcome::Police).is_none());
    assert!(
        theirs.referrals.iter().all(|x| !x
            .pupil
            .display_name(false)
            .contains(&data.pupils[y2].surname)),
        "a Year 2 pupil is never named to a Year 1 teacher"
    );
    assert!(!format!("{theirs:?}").contains(&data.pupils[y2].surname));

    // As a PDF, read back: the teacher's holds their referral and not the other year's.
    let pdf = dir.path().join("actions.pdf");
    let pages = t.export_report_pdf(&theirs, &pdf, false).unwrap();
    assert!(pages >= 1);
    let text = pdf_text(&pdf);
    for wanted in [
        "Actions by outcome",
        "Referrals and what came of them",
        "Referral to children's social care",
        &name(y1),
        "Monitoring",
        "Printed by",
    ] {
        assert!(text.contains(wanted), "{wanted:?} missing from {text}");
    }
    assert!(!text.contains(&data.pupils[y2].surname), "{text}");
    assert!(
        admin
            .recent_audit("Report exported", 5)
            .unwrap()
            .iter()
            .any(|e| e.summary.contains("actions.pdf")),
        "the export is in the audit"
    );
}

/// Sets statuses: the Year 1 pupil has been a child in need for 60 days; the Year 2 pupil was
/// on a child-protection plan from 100 days ago until 30 days ago, and has had early help for
/// 20 days.
fn set_statuses(admin: &mut Session, data: &SchoolData, [y1, y2]: [usize; 2]) {
    let id = |at: usize| {
        admin
            .find_pupil_to_record_by_mis_id(data.pupils[at].mis_id.as_deref().unwrap())
            .unwrap()
            .id
    };
    let (p1, p2) = (id(y1), id(y2));
    let day = |ago| day_of(days_ago(ago));
    for (pupil, kind, from, until) in [
        (p1, StatusKind::ChildInNeed, 60, None),
        (p2, StatusKind::ChildProtectionPlan, 100, Some(30)),
        (p2, StatusKind::EarlyHelp, 20, None),
    ] {
        admin
            .set_status(
                pupil,
                &NewStatus {
                    kind,
                    started_on: day(from),
                    ended_on: until.map(day),
                    note: String::new(),
                },
            )
            .unwrap();
    }
}

/// Counted independently from the export, day by day: for each status, the pupils `email` may
/// open who had it open on some day of each month in the range (and of the whole range).
fn expected_statuses(
    data: &SchoolData,
    email: &str,
    from: NaiveDate,
    to: NaiveDate,
) -> BTreeMap<(String, String), BTreeSet<usize>> {
    let mut out: BTreeMap<(String, String), BTreeSet<usize>> = BTreeMap::new();
    for (at, p) in data.pupils.iter().enumerate() {
        if !may_open(data, email, at) {
            continue;
        }
        for s in &p.statuses {
            let start = NaiveDate::parse_from_str(&s.started_on, "%Y-%m-%d").unwrap();
            let end = s
                .ended_on
                .as_deref()
                .map(|e| NaiveDate::parse_from_str(e, "%Y-%m-%d").unwrap());
            for d in from.iter_days().take_while(|d| *d <= to) {
                if start <= d && end.is_none_or(|e| d < e) {
                    let month = d.format("%b %Y").to_string();
                    out.entry((s.status.clone(), month)).or_default().insert(at);
                    out.entry((s.status.clone(), "Total".into()))
                        .or_default()
                        .insert(at);
                }
            }
        }
    }
    out
}

/// How many pupils are in each cell.
fn counts_of(
    cells: &BTreeMap<(String, String), BTreeSet<usize>>,
) -> BTreeMap<(String, String), usize> {
    cells.iter().map(|(k, v)| (k.clone(), v.len())).collect()
}

fn status_counts(r: &keyholder::service::reports::Report) -> BTreeMap<(String, String), usize> {
    let mut out = BTreeMap::new();
    for row in &r.table.rows {
        let kind = StatusKind::ALL
            .into_iter()
            .find(|k| k.label() == row.label)
            .unwrap()
            .key()
            .to_string();
        for (n, month) in row.counts.iter().zip(&r.table.columns) {
            if *n > 0 {
                out.insert((kind.clone(), month.clone()), *n as usize);
            }
        }
        if row.total > 0 {
            out.insert((kind, "Total".into()), row.total as usize);
        }
    }
    out
}

#[test]
fn pupils_with_each_status_count_each_pupil_once_a_month_and_list_who_has_one_open() {
    let dir = tempfile::tempdir().unwrap();
    let (location, mut admin, data, pupils) = casework_school(dir.path());
    set_statuses(&mut admin, &data, pupils);
    let data = admin.export().unwrap();
    let today = day_of(now());
    let (from, to) = (today - chrono::Days::new(120), today);
    let spec = ReportSpec {
        kind: ReportKind::OpenStatuses,
        range: DateRange::Between { from, to },
        ..ReportSpec::default()
    };
    let email = admin.me().user.email.clone();
    let all = admin.run_report(&spec).unwrap();
    let pupils_by_cell = expected_statuses(&data, &email, from, to);
    let expected = counts_of(&pupils_by_cell);
    assert_eq!(status_counts(&all), expected);
    assert!(expected.contains_key(&("child_protection_plan".into(), "Total".into())));
    assert_eq!(
        all.table.total as usize,
        pupils_by_cell
            .into_iter()
            .filter(|((_, column), _)| column == "Total")
            .flat_map(|(_, pupils)| pupils)
            .collect::<BTreeSet<usize>>()
            .len(),
        "the total counts each pupil once"
    );
    // Every status is listed as open today or not: the ended plan is not.
    let open = |r: &keyholder::service::reports::Report, kind: StatusKind| -> Vec<String> {
        r.open_statuses
            .iter()
            .find(|o| o.kind == kind)
            .unwrap()
            .pupils
            .iter()
            .map(|p| p.display_name(false))
            .collect()
    };
    assert_eq!(all.open_statuses.len(), StatusKind::ALL.len());
    let name = |at: usize| format!("{} {}", data.pupils[at].forename, data.pupils[at].surname);
    assert!(open(&all, StatusKind::ChildInNeed).contains(&name(pupils[0])));
    assert!(open(&all, StatusKind::EarlyHelp).contains(&name(pupils[1])));
    assert!(!open(&all, StatusKind::ChildProtectionPlan).contains(&name(pupils[1])));

    // A Year 1 teacher counts and sees only Year 1 pupils' statuses.
    let teacher = teacher_of(&data, "Year 1");
    let mut t = sign_in_demo_user(&location, &teacher);
    let theirs = t.run_report(&spec).unwrap();
    let expected = counts_of(&expected_statuses(&data, &teacher, from, to));
    assert_eq!(status_counts(&theirs), expected);
    assert!(open(&theirs, StatusKind::ChildInNeed).contains(&name(pupils[0])));
    assert!(!open(&theirs, StatusKind::EarlyHelp).contains(&name(pupils[1])));
    assert!(!format!("{theirs:?}").contains(&data.pupils[pupils[1]].surname));
}

#[test]
fn the_report_command_writes_statuses_as_json_and_actions_as_a_pdf() {
    let dir = tempfile::tempdir().unwrap();
    let (location, mut admin, data, pupils) = casework_school(dir.path());
    set_statuses(&mut admin, &data, pupils);
    drop(admin);
    let teacher = teacher_of(&data, "Year 1");
    let pw = dir.path().join("pw.txt");
    std::fs::write(&pw, format!("{PASSWORD}\n")).unwrap();
    let secret = demo_secret(&location, &teacher);
    let run = |extra: &[&str], step: i64| {
        std::process::Command::new(env!("CARGO_BIN_EXE_keyholder"))
            .args(["report", "--last-days", "120"])
            .args(extra)
            .args([
                "--vault",
                &location.db.display().to_string(),
                "--user",
                &teacher,
            ])
            .args(["--password-file", &pw.display().to_string()])
            .args(["--code", &code(&secret, now(), step)])
            .output()
            .unwrap()
    };
    let out = run(&["--kind", "statuses", "--json"], 0);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["kind"], "statuses");
    let open = json["open_statuses"].as_array().unwrap();
    assert_eq!(open.len(), StatusKind::ALL.len());
    let child_in_need = open
        .iter()
        .find(|o| o["status"] == "child_in_need")
        .unwrap();
    assert!(
        child_in_need["pupils"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p["surname"] == data.pupils[pupils[0]].surname.as_str()),
        "{child_in_need}"
    );

    let pdf = dir.path().join("actions.pdf");
    let out = run(
        &["--kind", "actions", "--pdf", &pdf.display().to_string()],
        1,
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("page"));
    let text = pdf_text(&pdf);
    assert!(
        text.contains("Referral to children's social care"),
        "{text}"
    );
    assert!(!text.contains(&data.pupils[pupils[1]].surname), "{text}");
}
