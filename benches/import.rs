//! MIS import at a real school's size and well past it.
//!
//! - `import/preview` and `import/apply changes`: a whole-school file (2,000 pupils, a tenth of
//!   them moved to another form, a hundred new) must preview and import in well under a second.
//! - `import/anchor` against `import/new pupils 2,000`: the anchor is a bare batched insert of
//!   the same 2,000 pupils and their groups into an encrypted SQLite file with Keyholder's
//!   tables (one transaction, prepared statements, the same pragmas); the import of the same
//!   rows (reading the file, the preview, the checks, the writes, the audit entry) should take
//!   at most 1.5 times as long. Opening and unlocking are outside both timings.
//! - `import/new pupils 2,000 / 20,000 / 100,000` (each with a few IDs repeated on many rows),
//!   `import/new groups 2,000 / 10,000`, and `import/groups file 2,000 / 10,000` (a file of
//!   every group, each given its MIS ID, for a school that has them all): the time per row
//!   should stay the same as the file grows.

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use keyholder::model::import::ImportKind;
use keyholder::service::demo::{self, DemoSize};
use keyholder::service::{self, Session, SignInStep};
use keyholder::vault::{KdfCost, Location};
use rusqlite::{Connection, params};
use std::hint::black_box;
use std::path::Path;
use std::time::Duration;

const PUPILS: usize = 2_000;
const PASSWORD: &str = "benchmark password for the demo";
const HEADER: &str = "Adno,UPN,Legal Forename,Legal Surname,DOB,Year,Reg Group,House\n";

fn sign_in(location: &Location, email: &str, secret: &[u8]) -> Session {
    let now = keyholder::clock::now();
    match service::sign_in(location, email, PASSWORD).expect("password") {
        SignInStep::NeedsCode(mut pending) => {
            let code = keyholder::auth::soft_key::code_at(secret, now as u64).expect("code");
            pending.confirm(&code, now).expect("code accepted");
            pending.into_session().expect("session")
        }
        SignInStep::SignedIn(s) => s,
    }
}

/// The school's own pupils as its MIS would export them, with every tenth pupil moved to
/// another form and a hundred newcomers at the end.
fn changes_file(session: &mut Session) -> Vec<u8> {
    let data = session.export().expect("export");
    let mut text = String::from(HEADER);
    let group = |p: &service::school_data::PupilData, t: &str| {
        p.groups
            .iter()
            .find(|g| g.group_type == t)
            .map(|g| g.name.clone())
            .unwrap_or_default()
    };
    for (i, p) in data.pupils.iter().enumerate() {
        let dob = p.date_of_birth.clone().unwrap_or_default();
        let (y, m, d) = (&dob[0..4], &dob[5..7], &dob[8..10]);
        let form = if i % 10 == 0 {
            "6 Kestrels".to_string()
        } else {
            group(p, "registration_form")
        };
        text.push_str(&format!(
            "{},{},{},{},{d}/{m}/{y},{},{form},{}\n",
            p.mis_id.as_deref().unwrap_or(""),
            p.upn.as_deref().unwrap_or(""),
            p.forename,
            p.surname,
            group(p, "academic_level"),
            group(p, "house"),
        ));
    }
    for n in 0..100 {
        text.push_str(&format!(
            "N{n:05},,Newcomer-{n},O'Donnell-Émond,01/09/2019,Year 1,1 Wrens,Ash\n"
        ));
    }
    text.into_bytes()
}

/// One new pupil of a generated file, as the anchor inserts it and the file gives it.
struct NewRow {
    mis_id: String,
    upn: String,
    forename: String,
    surname: String,
    dob: String,
    year: &'static str,
    form: String,
    house: &'static str,
}

const YEARS: [&str; 7] = [
    "Reception",
    "Year 1",
    "Year 2",
    "Year 3",
    "Year 4",
    "Year 5",
    "Year 6",
];
const HOUSES: [&str; 4] = ["Ash", "Beech", "Hazel", "Rowan"];

/// `rows` new pupils. With `forms` = 0 they go in the school's own forms; otherwise in that
/// many new forms. Every 200th row repeats one of five IDs, as a careless export does, so the
/// biggest file has 500 rows rejected for sharing an ID with others.
fn new_rows(rows: usize, forms: usize) -> Vec<NewRow> {
    (0..rows)
        .map(|i| {
            let level = i % YEARS.len();
            let form = if forms == 0 {
                let name = if level == 0 { "R" } else { &YEARS[level][5..] };
                format!("{name} {}", ["Wrens", "Robins"][(i / YEARS.len()) % 2])
            } else {
                format!("New form {:05}", i % forms)
            };
            NewRow {
                mis_id: if i % 200 == 199 {
                    format!("R{}", (i / 200) % 5)
                } else {
                    format!("B{i:06}")
                },
                upn: format!("K{:012}", 801_000_000_000u64 + i as u64),
                forename: format!("Pupil{i}"),
                surname: ["Okafor-Lind", "Brannagh", "Vesely", "Quarrie"][i % 4].to_string(),
                dob: format!("2019-{:02}-{:02}", 1 + i % 12, 1 + i % 28),
                year: YEARS[level],
                form,
                house: HOUSES[i % HOUSES.len()],
            }
        })
        .collect()
}

fn csv_of(rows: &[NewRow]) -> Vec<u8> {
    let mut text = String::from(HEADER);
    for r in rows {
        let (y, m, d) = (&r.dob[0..4], &r.dob[5..7], &r.dob[8..10]);
        text.push_str(&format!(
            "{},{},{},{},{d}/{m}/{y},{},{},{}\n",
            r.mis_id, r.upn, r.forename, r.surname, r.year, r.form, r.house
        ));
    }
    text.into_bytes()
}

fn copy_school(from: &Location, dir: &Path) -> Location {
    let to = Location::new(dir.join("school.db"));
    std::fs::copy(&from.db, &to.db).expect("copy db");
    std::fs::copy(&from.keys, &to.keys).expect("copy keys");
    to
}

/// A school made once, copied for each timed import so every run starts from the same state.
struct School {
    _dir: tempfile::TempDir,
    pristine: Location,
    email: String,
    secret: Vec<u8>,
}

impl School {
    fn new(pupils: usize) -> (School, Session) {
        let dir = tempfile::tempdir().expect("temp dir");
        let location = Location::new(dir.path().join("school.db"));
        let creds = demo::create(
            &location,
            DemoSize { pupils, staff: 60 },
            PASSWORD,
            KdfCost::insecure_for_tests(),
        )
        .expect("demo school");
        let school = School {
            _dir: dir,
            pristine: location,
            email: creds.email,
            secret: creds.totp_secret,
        };
        (school, creds.session)
    }

    /// A fresh copy, signed in: what happens before the import starts, so it is not timed.
    fn signed_in_copy(&self) -> (tempfile::TempDir, Session) {
        let copy = tempfile::tempdir().expect("temp dir");
        let location = copy_school(&self.pristine, copy.path());
        let session = sign_in(&location, &self.email, &self.secret);
        (copy, session)
    }
}

/// Reading the file, the preview, the checks, the writes and the audit entry: what the admin
/// waits for between choosing the file and seeing the result.
fn import_file(session: &mut Session, file: &[u8]) {
    let preview = session
        .preview_import(ImportKind::Pupils, "pupils.csv", file, None)
        .expect("preview");
    black_box(session.apply_import(&preview, false).expect("import"));
}

/// An encrypted SQLite file with Keyholder's tables and the school's groups, opened and keyed:
/// the anchor's starting point (opening and unlocking are not timed, as for the import).
fn anchor_file(dir: &Path, groups: &[(String, String)]) -> Connection {
    let conn = Connection::open(dir.join("anchor.db")).expect("open");
    conn.execute_batch(&format!(
        "PRAGMA key = \"x'{}'\"; PRAGMA foreign_keys = ON; PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;",
        "5a".repeat(32)
    ))
    .expect("key");
    for sql in [
        include_str!("../migrations/0001_init.sql"),
        include_str!("../migrations/0002_staff.sql"),
        include_str!("../migrations/0003_backups.sql"),
        include_str!("../migrations/0004_import_mappings.sql"),
        include_str!("../migrations/0005_incident_history.sql"),
    ] {
        conn.execute_batch(sql).expect("schema");
    }
    let mut insert = conn
        .prepare("INSERT INTO pupil_groups (type, name, is_new, sort_order) VALUES (?1, ?2, 0, 0)")
        .expect("prepare");
    for (t, name) in groups {
        insert.execute(params![t, name]).expect("group");
    }
    drop(insert);
    // Start with an empty write-ahead log, as the copied school file does.
    conn.execute_batch("PRAGMA wal_checkpoint(TRUNCATE);")
        .expect("checkpoint");
    conn
}

/// The bare batched insert: the same pupils and memberships, one transaction, prepared
/// statements, nothing checked.
fn anchor_insert(conn: &mut Connection, rows: &[NewRow]) {
    let tx = conn.transaction().expect("begin");
    {
        let mut group_id = tx
            .prepare("SELECT id FROM pupil_groups WHERE type = ?1 AND name = ?2")
            .expect("prepare");
        let mut ids = std::collections::HashMap::new();
        let mut pupil = tx
            .prepare(
                "INSERT INTO pupils (mis_id, upn, forename, surname, date_of_birth, archived)
                 VALUES (?1, ?2, ?3, ?4, ?5, 0)",
            )
            .expect("prepare");
        let mut member = tx
            .prepare("INSERT INTO pupil_membership (pupil_id, group_id) VALUES (?1, ?2)")
            .expect("prepare");
        for r in rows {
            pupil
                .execute(params![r.mis_id, r.upn, r.forename, r.surname, r.dob])
                .expect("pupil");
            let id = tx.last_insert_rowid();
            for (t, name) in [
                ("academic_level", r.year),
                ("registration_form", r.form.as_str()),
                ("house", r.house),
            ] {
                let g: i64 = *ids.entry((t, name.to_string())).or_insert_with(|| {
                    group_id
                        .query_row(params![t, name], |row| row.get(0))
                        .expect("group id")
                });
                member.execute(params![id, g]).expect("membership");
            }
        }
    }
    tx.commit().expect("commit");
}

fn preview_and_changes(c: &mut Criterion) {
    let (school, mut session) = School::new(PUPILS);
    let file = changes_file(&mut session);
    drop(session);
    // Signed in on a copy: a code is accepted once, and the timed copies are made from the
    // school as it was made.
    let (_preview_copy, session) = school.signed_in_copy();
    let preview = session
        .preview_import(ImportKind::Pupils, "pupils.csv", &file, None)
        .expect("preview");
    let counts = preview.plan.counts();
    assert_eq!((counts.added, counts.updated), (100, PUPILS / 10));

    let mut group = c.benchmark_group("import");
    group.sample_size(10);
    group.warm_up_time(Duration::from_secs(1));
    group.measurement_time(Duration::from_secs(3));
    group.bench_function("preview 2,000 pupils", |b| {
        b.iter(|| {
            black_box(
                session
                    .preview_import(ImportKind::Pupils, "pupils.csv", black_box(&file), None)
                    .expect("preview"),
            )
        })
    });
    drop(session);
    group.bench_function("apply changes 2,000 pupils (200 changed, 100 new)", |b| {
        b.iter_batched(
            || {
                let (copy, s) = school.signed_in_copy();
                let p = s
                    .preview_import(ImportKind::Pupils, "pupils.csv", &file, None)
                    .expect("preview");
                (copy, s, p)
            },
            |(copy, mut s, p)| {
                black_box(s.apply_import(&p, true).expect("import"));
                (copy, s)
            },
            BatchSize::PerIteration,
        )
    });
    group.finish();
}

fn scale(c: &mut Criterion) {
    // A school with its groups and staff but no pupils yet, so every row is a new pupil and
    // the anchor and the import write the same rows.
    let (school, mut session) = School::new(0);
    let groups: Vec<(String, String)> = session
        .export()
        .expect("export")
        .groups
        .iter()
        .map(|g| (g.group_type.clone(), g.name.clone()))
        .collect();
    drop(session);

    let mut group = c.benchmark_group("import");
    group.sample_size(10);
    group.warm_up_time(Duration::from_secs(1));
    group.measurement_time(Duration::from_secs(4));

    // The anchor writes the rows the import takes: those whose ID no other row has.
    let rows = new_rows(PUPILS, 0);
    let mut seen = std::collections::HashMap::new();
    for r in &rows {
        *seen.entry(r.mis_id.clone()).or_insert(0) += 1;
    }
    let rows: Vec<NewRow> = rows.into_iter().filter(|r| seen[&r.mis_id] == 1).collect();
    {
        let (_copy, mut s) = school.signed_in_copy();
        let file = csv_of(&new_rows(PUPILS, 0));
        let p = s
            .preview_import(ImportKind::Pupils, "pupils.csv", &file, None)
            .expect("preview");
        assert_eq!(
            p.plan.counts().added,
            rows.len(),
            "the same rows as the anchor"
        );
        assert!(p.plan.new_groups.is_empty(), "{:?}", p.plan.new_groups);
        s.apply_import(&p, false).expect("import");
    }
    group.bench_function("anchor: bare insert of 2,000 pupils", |b| {
        b.iter_batched(
            || {
                let dir = tempfile::tempdir().expect("temp dir");
                let conn = anchor_file(dir.path(), &groups);
                (dir, conn)
            },
            // Returned, so closing the file (and its checkpoint) is not timed, as for the import.
            |(dir, mut conn)| {
                anchor_insert(&mut conn, black_box(&rows));
                (dir, conn)
            },
            BatchSize::PerIteration,
        )
    });

    // Confirm alone: what the admin waits for after checking the preview.
    let file = csv_of(&new_rows(PUPILS, 0));
    group.bench_function("confirm only, new pupils 2,000", |b| {
        b.iter_batched(
            || {
                let (copy, s) = school.signed_in_copy();
                let p = s
                    .preview_import(ImportKind::Pupils, "pupils.csv", &file, None)
                    .expect("preview");
                (copy, s, p)
            },
            |(copy, mut s, p)| {
                black_box(s.apply_import(&p, false).expect("import"));
                (copy, s)
            },
            BatchSize::PerIteration,
        )
    });

    for (pupils, forms, name) in [
        (2_000, 0, "new pupils 2,000"),
        (20_000, 0, "new pupils 20,000"),
        (100_000, 0, "new pupils 100,000"),
        (2_000, 2_000, "new groups 2,000 (2,000 pupils)"),
        (10_000, 10_000, "new groups 10,000 (10,000 pupils)"),
    ] {
        let file = csv_of(&new_rows(pupils, forms));
        group.bench_function(name, |b| {
            b.iter_batched(
                || school.signed_in_copy(),
                // Returned, so closing the school (and its checkpoint) is not timed.
                |(copy, mut s)| {
                    import_file(&mut s, black_box(&file));
                    (copy, s)
                },
                BatchSize::PerIteration,
            )
        });
    }

    // A school that already has the groups, and a file of them all, giving MIS IDs to those
    // without one: every row is matched to a group of the school by name.
    for (groups, label) in [(2_000, "2,000"), (10_000, "10,000")] {
        let (with_groups, mut s) = School::new(0);
        import_file(&mut s, &csv_of(&new_rows(groups, groups)));
        let mut file = String::from("Type,Name,MIS ID\n");
        for (i, g) in s.export().expect("export").groups.iter().enumerate() {
            let kind = match g.group_type.as_str() {
                "academic_level" => "Year",
                "registration_form" => "Form",
                _ => "House",
            };
            let mis_id = g.mis_id.clone().unwrap_or_else(|| format!("G{i:06}"));
            file.push_str(&format!("{kind},{},{mis_id}\n", g.name));
        }
        let file = file.into_bytes();
        let p = s
            .preview_import(ImportKind::Groups, "groups.csv", &file, None)
            .expect("preview");
        // A few of the pupils share IDs, so their forms were never made.
        assert!(
            p.plan.counts().updated > groups * 9 / 10,
            "{:?}",
            p.plan.counts()
        );
        assert_eq!(p.plan.counts().rejected, 0, "{:?}", p.plan.rejected);
        drop(s);
        group.bench_function(format!("groups file {label} (all in the school)"), |b| {
            b.iter_batched(
                || with_groups.signed_in_copy(),
                |(copy, mut s)| {
                    let p = s
                        .preview_import(ImportKind::Groups, "groups.csv", black_box(&file), None)
                        .expect("preview");
                    black_box(s.apply_import(&p, false).expect("import"));
                    (copy, s)
                },
                BatchSize::PerIteration,
            )
        });
    }
    group.finish();
}

criterion_group!(benches, scale, preview_and_changes);
criterion_main!(benches);
