//! Reports over a large school: 2,000 pupils × 300 staff with 20,000 incidents over the last
//! year, from the encrypted school file on disk, through the service calls the window makes
//! (each run includes reading the file, the access rule, the counting and the report's audit
//! entry). The goal is under 100 ms a report.
//!
//! - `incidents, administrator`: every category per month, this school year, seeing everyone.
//! - `incidents by Academic Level per term, teacher`: a form teacher who sees one year and one
//!   category.
//! - `frequent concerns, administrator`: pupils with more than 3 concerns in 30 days, over the
//!   last year.

use criterion::{Criterion, criterion_group, criterion_main};
use keyholder::model::report::{DateRange, Period, ReportKind, ReportSpec};
use keyholder::model::{GroupType, SystemPermission};
use keyholder::service::demo::{self, DemoSize};
use keyholder::service::{self, Session, SignInStep};
use keyholder::vault::{KdfCost, KeyFile, Location, Vault};
use std::hint::black_box;
use std::time::Duration;

const PASSWORD: &str = "benchmark password for the demo";
const INCIDENTS: usize = 20_000;

fn sign_in(location: &Location, email: &str) -> Session {
    let keys = KeyFile::read(&location.keys).expect("key file");
    let seed = keys.demo.expect("a demo school").totp_seed;
    let now = keyholder::clock::now();
    let code = keyholder::auth::soft_key::code_at(&demo::totp_secret(&seed, email), now as u64)
        .expect("code");
    match service::sign_in(location, email, PASSWORD).expect("password") {
        SignInStep::NeedsCode(mut pending) => {
            pending.confirm(&code, now).expect("code accepted");
            pending.into_session().expect("session")
        }
        SignInStep::SignedIn(s) => s,
    }
}

/// Adds `n` incidents straight into the file (a bench may; the program never does), spread
/// over pupils, categories and the last year.
fn add_incidents(location: &Location, n: usize) {
    let key = KeyFile::read(&location.keys)
        .expect("key file")
        .unlock_person(demo::ADMIN_EMAIL, PASSWORD)
        .expect("data key");
    let vault = Vault::open(location, &key).expect("open");
    let conn = vault.conn();
    let ids = |sql: &str| -> Vec<i64> {
        let mut stmt = conn.prepare(sql).expect("prepare");
        stmt.query_map([], |r| r.get(0))
            .expect("query")
            .collect::<rusqlite::Result<_>>()
            .expect("ids")
    };
    let pupils = ids("SELECT id FROM pupils WHERE archived = 0");
    let categories = ids("SELECT id FROM categories");
    let now = keyholder::clock::now();
    conn.execute_batch("BEGIN").expect("begin");
    {
        let mut insert = conn
            .prepare(
                "INSERT INTO incidents (pupil_id, category_id, occurred_at, description, recorded_by, recorded_at)
                 VALUES (?1, ?2, ?3, ?4, NULL, ?3)",
            )
            .expect("prepare");
        for i in 0..n {
            let at = now - ((i as i64 * 7_919) % (365 * 86_400)) - 60;
            insert
                .execute(rusqlite::params![
                    pupils[(i * 31) % pupils.len()],
                    categories[(i * 17) % categories.len()],
                    at,
                    "A concern written down in a sentence or two, as staff usually do.",
                ])
                .expect("insert");
        }
    }
    // An action on every incident, the outcomes in turn, an hour after it; a status on one
    // pupil in ten, begun some time in the last ten months.
    conn.execute_batch(
        "INSERT INTO incident_actions (incident_id, taken_at, taken_by, outcome, description,
                                       rationale, recorded_by, recorded_at)
         SELECT id, occurred_at + 3600, NULL,
                CASE id % 8 WHEN 0 THEN 'discussed_with_dsl' WHEN 1 THEN 'no_further_action'
                     WHEN 2 THEN 'early_help' WHEN 3 THEN 'social_care_referral'
                     WHEN 4 THEN 'lado_referral' WHEN 5 THEN 'police' WHEN 6 THEN 'monitoring'
                     ELSE 'other' END,
                'What was done.', 'Why it was decided.', NULL, occurred_at + 3600
         FROM incidents;
         INSERT INTO pupil_statuses (pupil_id, status, started_on, ended_on, note, set_by, set_at)
         SELECT id,
                CASE id % 5 WHEN 0 THEN 'child_protection_plan' WHEN 1 THEN 'child_in_need'
                     WHEN 2 THEN 'looked_after' WHEN 3 THEN 'early_help' ELSE 'young_carer' END,
                date('now', '-' || (id % 300) || ' days'), NULL, '', NULL, 0
         FROM pupils WHERE id % 10 = 0;",
    )
    .expect("actions and statuses");
    conn.execute_batch("COMMIT").expect("commit");
}

fn benches(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("temp dir");
    let location = Location::new(dir.path().join("school.db"));
    let size = DemoSize {
        pupils: 2_000,
        staff: 300,
    };
    let creds = demo::create(&location, size, PASSWORD, KdfCost::insecure_for_tests())
        .expect("demo school");
    drop(creds.session);
    add_incidents(&location, INCIDENTS);

    let mut admin = sign_in(&location, demo::ADMIN_EMAIL);
    let teachers = admin
        .user_groups()
        .expect("groups")
        .into_iter()
        .find(|g| g.name == "Teachers")
        .expect("Teachers");
    admin
        .save_user_group(
            teachers.id,
            &teachers.name,
            true,
            teachers.system.with(SystemPermission::RunReports),
            &teachers.categories,
        )
        .expect("teachers may run reports");
    let teacher_email = admin
        .users_list()
        .expect("users")
        .into_iter()
        .find(|r| r.group_name == "Teachers" && r.user.job_title.starts_with("Class Teacher"))
        .expect("a form teacher")
        .user
        .email;
    let mut teacher = sign_in(&location, &teacher_email);

    let year = ReportSpec {
        range: DateRange::LastDays { days: 365 },
        ..ReportSpec::default()
    };
    let all = admin.run_report(&year).expect("report");
    assert!(
        all.table.total as usize > INCIDENTS * 9 / 10,
        "{}",
        all.table.total
    );
    let by_level = ReportSpec {
        by: Some(GroupType::AcademicLevel),
        per: Period::Term,
        ..year.clone()
    };
    let theirs = teacher.run_report(&by_level).expect("report");
    assert!(theirs.table.total > 0 && theirs.table.total < all.table.total / 5);
    let frequent = ReportSpec {
        kind: ReportKind::FrequentConcerns,
        ..year.clone()
    };
    assert!(
        !admin
            .run_report(&frequent)
            .expect("report")
            .pupils
            .is_empty()
    );

    let actions = ReportSpec {
        kind: ReportKind::ActionsByOutcome,
        ..year.clone()
    };
    let counted = admin.run_report(&actions).expect("report");
    assert!(counted.table.total as usize > INCIDENTS * 8 / 10 && !counted.referrals.is_empty());
    let statuses = ReportSpec {
        kind: ReportKind::OpenStatuses,
        ..year.clone()
    };
    assert!(admin.run_report(&statuses).expect("report").table.total > 100);

    let mut group = c.benchmark_group("reports 2,000 pupils × 20,000 incidents");
    group.sample_size(20);
    group.warm_up_time(Duration::from_secs(1));
    group.measurement_time(Duration::from_secs(4));
    group.bench_function("incidents, administrator", |b| {
        b.iter(|| black_box(admin.run_report(black_box(&year)).expect("report")))
    });
    group.bench_function("incidents by Academic Level per term, teacher", |b| {
        b.iter(|| black_box(teacher.run_report(black_box(&by_level)).expect("report")))
    });
    group.bench_function("frequent concerns, administrator", |b| {
        b.iter(|| black_box(admin.run_report(black_box(&frequent)).expect("report")))
    });
    group.bench_function("actions by outcome with referrals, administrator", |b| {
        b.iter(|| black_box(admin.run_report(black_box(&actions)).expect("report")))
    });
    group.bench_function("pupils with each status, administrator", |b| {
        b.iter(|| black_box(admin.run_report(black_box(&statuses)).expect("report")))
    });
    group.finish();
}

criterion_group!(reports, benches);
criterion_main!(reports);
