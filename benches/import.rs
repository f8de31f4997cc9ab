//! A whole-school pupil file (2,000 pupils, a tenth of them changed and a hundred new) must
//! preview and import in well under a second.

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use keyholder::demo::{self, DemoSize};
use keyholder::model::import::ImportKind;
use keyholder::service::{self, Session, SignInStep};
use keyholder::vault::{KdfCost, Location};
use std::hint::black_box;
use std::path::Path;

const PUPILS: usize = 2_000;
const PASSWORD: &str = "benchmark password for the demo";

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
fn pupil_file(session: &mut Session) -> Vec<u8> {
    let data = session.export().expect("export");
    let mut text = String::from("Adno,UPN,Legal Forename,Legal Surname,DOB,Year,Reg Group,House\n");
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

fn copy_school(from: &Location, dir: &Path) -> Location {
    let to = Location::new(dir.join("school.db"));
    std::fs::copy(&from.db, &to.db).expect("copy db");
    std::fs::copy(&from.keys, &to.keys).expect("copy keys");
    to
}

fn import(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("temp dir");
    let location = Location::new(dir.path().join("school.db"));
    let mut creds = demo::create(
        &location,
        DemoSize {
            pupils: PUPILS,
            staff: 60,
        },
        PASSWORD,
        KdfCost::insecure_for_tests(),
    )
    .expect("demo school");
    let file = pupil_file(&mut creds.session);
    drop(creds.session);
    // Each timed import starts from a copy of the school as it was made (no code used yet).
    let pristine_dir = tempfile::tempdir().expect("temp dir");
    let pristine = copy_school(&location, pristine_dir.path());
    let session = sign_in(&location, &creds.email, &creds.totp_secret);
    let preview = session
        .preview_import(ImportKind::Pupils, "pupils.csv", &file, None)
        .expect("preview");
    let counts = preview.plan.counts();
    assert_eq!((counts.added, counts.updated), (100, PUPILS / 10));

    c.bench_function("import: preview 2,000 pupils", |b| {
        b.iter(|| {
            black_box(
                session
                    .preview_import(ImportKind::Pupils, "pupils.csv", black_box(&file), None)
                    .expect("preview"),
            )
        })
    });
    drop(session);

    let mut group = c.benchmark_group("import");
    group.sample_size(10);
    group.bench_function("apply 2,000 pupils (200 changed, 100 new)", |b| {
        b.iter_batched(
            || {
                let copy = tempfile::tempdir().expect("temp dir");
                let school = copy_school(&pristine, copy.path());
                let s = sign_in(&school, &creds.email, &creds.totp_secret);
                let p = s
                    .preview_import(ImportKind::Pupils, "pupils.csv", &file, None)
                    .expect("preview");
                (copy, s, p)
            },
            |(_copy, mut s, p)| black_box(s.apply_import(&p, true).expect("import")),
            BatchSize::PerIteration,
        )
    });
    group.finish();
}

criterion_group!(benches, import);
criterion_main!(benches);
