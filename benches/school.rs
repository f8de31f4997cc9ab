//! What a person waits for, from an encrypted school file on disk, through the service calls the
//! window makes: at 2,000 pupils × 300 staff and at 8,000 × 1,000 (Academic Levels restricted,
//! as in the demo school).
//!
//! - `open and load`: from the password and code being accepted (with the tests' cheap key
//!   derivation, so the Argon2 cost is left out) to the Overview's figures, health check and
//!   audit fingerprint.
//! - `one user's visible pupils`: a teacher's Pupils tab (the school read from the file, the
//!   class rule, the list sorted). Its anchor, `naive per-pair SQL`, asks the same file one
//!   query per pupil whether that teacher may see them; the service should be at least ten
//!   times quicker.
//! - `what can this user see`: the administrator's whole-school report on that teacher.
//! - `open a pupil profile`: including the audit entry the view records.
//! - `groups tab after a change`: switching restriction by House on or off, then the Groups
//!   tab as it is shown again.
//!
//! - `audit trail of 100,000 entries`: the Overview shown again after this window's own change
//!   (its check of the chain carried on through the entries added), against the whole chain
//!   checked from its first entry (what sign-in and `audit verify` do).
//!
//! Goals: each under 16 ms (one frame) at 2,000 × 300, and growing no faster than the school.
//! The fresh import of 2,000 pupils into an empty school is `import/new pupils 2,000` in
//! benches/import.rs, beside its bare-insert anchor.

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use keyholder::model::{GroupType, PupilId, UserId};
use keyholder::service::demo::{self, DemoSize};
use keyholder::service::{self, Session, SignInStep};
use keyholder::vault::{Actor, Change, KdfCost, KeyFile, Location, Vault};
use rusqlite::Connection;
use std::hint::black_box;
use std::path::Path;
use std::time::Duration;

const PASSWORD: &str = "benchmark password for the demo";

/// The code an authenticator app shows now for a demo user.
fn code_now(location: &Location, email: &str) -> String {
    let keys = KeyFile::read(&location.keys).expect("key file");
    let seed = keys.demo.expect("a demo school").totp_seed;
    let now = keyholder::clock::now();
    keyholder::auth::soft_key::code_at(&demo::totp_secret(&seed, email), now as u64).expect("code")
}

fn sign_in(location: &Location, email: &str) -> Session {
    match service::sign_in(location, email, PASSWORD).expect("password") {
        SignInStep::NeedsCode(mut pending) => {
            pending
                .confirm(&code_now(location, email), keyholder::clock::now())
                .expect("code accepted");
            pending.into_session().expect("session")
        }
        SignInStep::SignedIn(s) => s,
    }
}

/// What the window loads after sign-in, on the Overview.
fn load_overview(session: &Session) {
    black_box(session.overview().expect("overview"));
    black_box(session.health_check().expect("health check"));
    black_box(session.audit_fingerprint().expect("fingerprint"));
}

/// Whether each pupil on roll is visible to `user` in lists, asked of the file one pupil at a
/// time: every restricted type the pupil has a group of needs the user on that group's list; a
/// restricted type the pupil has no group of needs the user on every list of the type.
fn naive_visible(conn: &Connection, user: UserId) -> Vec<(PupilId, String, String)> {
    let mut pupils = conn
        .prepare("SELECT id, forename, surname FROM pupils WHERE archived = 0")
        .expect("prepare");
    let mut visible = conn
        .prepare(
            "SELECT NOT EXISTS (
                 SELECT 1 FROM group_types t WHERE t.restricted = 1 AND (
                     EXISTS (SELECT 1 FROM pupil_membership m JOIN pupil_groups g ON g.id = m.group_id
                             WHERE m.pupil_id = ?1 AND g.type = t.type
                               AND NOT EXISTS (SELECT 1 FROM group_access a
                                               WHERE a.group_id = g.id AND a.user_id = ?2))
                     OR (NOT EXISTS (SELECT 1 FROM pupil_membership m JOIN pupil_groups g ON g.id = m.group_id
                                     WHERE m.pupil_id = ?1 AND g.type = t.type)
                         AND EXISTS (SELECT 1 FROM pupil_groups g WHERE g.type = t.type
                                       AND NOT EXISTS (SELECT 1 FROM group_access a
                                                       WHERE a.group_id = g.id AND a.user_id = ?2)))))",
        )
        .expect("prepare");
    let all: Vec<(i64, String, String)> = pupils
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .expect("pupils")
        .collect::<rusqlite::Result<_>>()
        .expect("pupils");
    let mut out = Vec::new();
    for (id, forename, surname) in all {
        let yes: bool = visible
            .query_row(rusqlite::params![id, user.0], |r| r.get(0))
            .expect("visible");
        if yes {
            out.push((PupilId(id), forename, surname));
        }
    }
    out.sort_by(|a, b| (&a.2, &a.1, a.0).cmp(&(&b.2, &b.1, b.0)));
    out
}

fn copy_school(from: &Location, dir: &Path) -> Location {
    let to = Location::new(dir.join("school.db"));
    std::fs::copy(&from.db, &to.db).expect("copy school file");
    std::fs::copy(&from.keys, &to.keys).expect("copy key file");
    to
}

/// One demo school on disk, made once for all the benchmarks of its size.
struct School {
    _dir: tempfile::TempDir,
    /// As made, never signed in to: each timed sign-in starts from a copy of it, where the
    /// administrator's code has not been used yet.
    pristine: Location,
    live: Location,
    admin: Session,
    teacher: Session,
    teacher_id: UserId,
}

impl School {
    fn new(size: DemoSize) -> School {
        let dir = tempfile::tempdir().expect("temp dir");
        let pristine = Location::new(dir.path().join("pristine.db"));
        let creds = demo::create(&pristine, size, PASSWORD, KdfCost::insecure_for_tests())
            .expect("demo school");
        drop(creds.session);
        let live_dir = dir.path().join("live");
        std::fs::create_dir(&live_dir).expect("live dir");
        let live = copy_school(&pristine, &live_dir);
        let admin = sign_in(&live, demo::ADMIN_EMAIL);
        // A form teacher with a key (the newest teacher has none), who sees one year.
        let teacher_row = admin
            .users_list()
            .expect("users")
            .into_iter()
            .find(|r| r.group_name == "Teachers" && r.user.job_title.starts_with("Class Teacher"))
            .expect("a form teacher");
        let teacher = sign_in(&live, &teacher_row.user.email);
        School {
            _dir: dir,
            pristine,
            live,
            admin,
            teacher,
            teacher_id: teacher_row.user.id,
        }
    }
}

fn bench_size(c: &mut Criterion, size: DemoSize) {
    let mut school = School::new(size);
    let label = format!("{} × {}", size.pupils, size.staff);
    let mut group = c.benchmark_group(format!("school {label}"));
    group.sample_size(20);
    group.warm_up_time(Duration::from_secs(1));
    group.measurement_time(Duration::from_secs(3));

    group.bench_function("open and load", |b| {
        b.iter_batched(
            || {
                let dir = tempfile::tempdir().expect("temp dir");
                let location = copy_school(&school.pristine, dir.path());
                (dir, location)
            },
            |(dir, location)| {
                let session = sign_in(&location, demo::ADMIN_EMAIL);
                load_overview(&session);
                // Returned, so closing the school is not timed.
                (dir, session)
            },
            BatchSize::PerIteration,
        )
    });

    let mine = school.teacher.my_pupils("").expect("my pupils");
    assert!(
        !mine.is_empty() && mine.len() < size.pupils,
        "the teacher sees some of the school"
    );
    group.bench_function("one user's visible pupils", |b| {
        b.iter(|| black_box(school.teacher.my_pupils(black_box("")).expect("my pupils")))
    });

    let key = KeyFile::read(&school.live.keys)
        .expect("key file")
        .unlock_person(demo::ADMIN_EMAIL, PASSWORD)
        .expect("data key");
    let anchor = Vault::open(&school.live, &key).expect("open");
    let naive = naive_visible(anchor.conn(), school.teacher_id);
    let ids = |v: Vec<PupilId>| v.into_iter().collect::<std::collections::BTreeSet<_>>();
    assert_eq!(
        ids(naive.iter().map(|p| p.0).collect()),
        ids(mine.iter().map(|p| p.id).collect()),
        "the anchor finds the same pupils"
    );
    group.bench_function("anchor: naive per-pair SQL, one user", |b| {
        b.iter(|| black_box(naive_visible(anchor.conn(), black_box(school.teacher_id))))
    });
    drop(anchor);

    group.bench_function("what can this user see", |b| {
        b.iter(|| {
            black_box(
                school
                    .admin
                    .what_user_can_see(black_box(school.teacher_id))
                    .expect("report"),
            )
        })
    });

    let pupil = mine[mine.len() / 2].id;
    group.bench_function("open a pupil profile", |b| {
        b.iter(|| {
            black_box(
                school
                    .admin
                    .open_pupil_profile(black_box(pupil))
                    .expect("profile"),
            )
        })
    });

    let mut on = true;
    group.bench_function("groups tab after a change", |b| {
        b.iter(|| {
            school
                .admin
                .set_restricted(GroupType::House, on)
                .expect("change");
            on = !on;
            black_box(school.admin.groups_tab().expect("groups tab"))
        })
    });
    group.finish();
}

/// A long-used school: its trail holds `entries` entries (profiles opened, mostly).
fn long_trail(c: &mut Criterion, entries: usize, label: &str) {
    let dir = tempfile::tempdir().expect("temp dir");
    let location = Location::new(dir.path().join("school.db"));
    let size = DemoSize {
        pupils: 200,
        staff: 30,
    };
    let creds = demo::create(&location, size, PASSWORD, KdfCost::insecure_for_tests())
        .expect("demo school");
    drop(creds.session);
    let key = KeyFile::read(&location.keys)
        .expect("key file")
        .unlock_person(demo::ADMIN_EMAIL, PASSWORD)
        .expect("key");
    let mut vault = Vault::open(&location, &key).expect("vault");
    vault
        .change(|v| -> keyholder::vault::Result<()> {
            for i in 0..entries {
                v.write(&Actor::system("Benchmark"), |_| {
                    Ok(((), Change::new("Profile opened", format!("Pupil {i}"))))
                })?;
            }
            Ok(())
        })
        .expect("entries");
    drop(vault);
    let mut admin = sign_in(&location, demo::ADMIN_EMAIL);
    assert!(admin.overview().expect("overview").audit.entries > entries as u64);

    let mut group = c.benchmark_group(format!("audit trail of {label} entries"));
    group.sample_size(10);
    group.warm_up_time(Duration::from_secs(1));
    group.measurement_time(Duration::from_secs(3));
    let mut minutes = 10;
    group.bench_function("overview after this window's change", |b| {
        b.iter(|| {
            minutes = if minutes == 10 { 20 } else { 10 };
            admin.set_idle_lock_minutes(minutes).expect("change");
            black_box(admin.overview().expect("overview"))
        })
    });
    group.bench_function("anchor: the whole chain checked", |b| {
        b.iter(|| black_box(admin.verify_audit().expect("check")))
    });
    group.finish();
}

fn benches(c: &mut Criterion) {
    long_trail(c, 100_000, "100,000");
    bench_size(
        c,
        DemoSize {
            pupils: 2_000,
            staff: 300,
        },
    );
    bench_size(
        c,
        DemoSize {
            pupils: 8_000,
            staff: 1_000,
        },
    );
}

criterion_group!(school, benches);
criterion_main!(school);
