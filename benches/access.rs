//! The whole-school access rule at the size of a large primary or a small secondary school:
//! 2,000 pupils and 300 staff, with Houses and Academic Levels both restricted.

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use keyholder::model::access::{Purpose, SchoolAccess, SchoolAccessInput, Viewer};
use keyholder::model::{
    GroupType, PupilGroup, PupilGroupId, PupilId, SystemPermission, SystemPermissions, UserId,
};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::collections::{BTreeMap, BTreeSet};
use std::hint::black_box;

const PUPILS: usize = 2_000;
const STAFF: usize = 300;
const YEARS: usize = 7;
const HOUSES: usize = 4;
const FORMS_PER_YEAR: usize = 2;

fn group(id: usize, group_type: GroupType, name: String) -> PupilGroup {
    PupilGroup {
        id: PupilGroupId(id as i64),
        group_type,
        name,
        mis_id: None,
        is_new: false,
    }
}

/// Invented but shaped like a school: each pupil in one year, one form of that year and (mostly)
/// one House; a senior team on every list, teachers on the lists of the years they teach.
fn school() -> SchoolAccessInput {
    let mut rng = StdRng::seed_from_u64(7);
    let mut groups = Vec::new();
    let year_id = |y: usize| 100 + y;
    let house_id = |h: usize| 200 + h;
    let form_id = |y: usize, f: usize| 300 + y * FORMS_PER_YEAR + f;
    for y in 0..YEARS {
        groups.push(group(
            year_id(y),
            GroupType::AcademicLevel,
            format!("Year {y}"),
        ));
        for f in 0..FORMS_PER_YEAR {
            groups.push(group(
                form_id(y, f),
                GroupType::RegistrationForm,
                format!("{y}{}", ['A', 'B'][f]),
            ));
        }
    }
    for h in 0..HOUSES {
        groups.push(group(house_id(h), GroupType::House, format!("House {h}")));
    }

    let teacher: SystemPermissions = [
        SystemPermission::ViewStudentsList,
        SystemPermission::ViewStudentDetails,
        SystemPermission::AddNewIncident,
    ]
    .into_iter()
    .collect();
    let mut access_lists: BTreeMap<PupilGroupId, BTreeSet<UserId>> = BTreeMap::new();
    let mut viewers = Vec::with_capacity(STAFF);
    for u in 0..STAFF {
        let user = UserId(u as i64 + 1);
        let senior = u < 20;
        viewers.push(Viewer {
            user,
            active: rng.gen_bool(0.97),
            group_active: true,
            group_name: if senior { "SLT" } else { "Teachers" }.to_string(),
            group_permissions: if senior {
                SystemPermissions::all()
            } else {
                teacher
            },
            has_active_key: rng.gen_bool(0.9),
        });
        for g in &groups {
            let on = senior
                || match g.group_type {
                    GroupType::AcademicLevel => rng.gen_bool(0.3),
                    GroupType::House => rng.gen_bool(0.6),
                    GroupType::RegistrationForm => rng.gen_bool(0.1),
                };
            if on {
                access_lists.entry(g.id).or_default().insert(user);
            }
        }
    }

    let pupils = (0..PUPILS)
        .map(|p| {
            let y = rng.gen_range(0..YEARS);
            let mut in_groups = vec![
                PupilGroupId(year_id(y) as i64),
                PupilGroupId(form_id(y, rng.gen_range(0..FORMS_PER_YEAR)) as i64),
            ];
            // A few new arrivals not yet in a House: they fail closed.
            if rng.gen_bool(0.98) {
                in_groups.push(PupilGroupId(house_id(rng.gen_range(0..HOUSES)) as i64));
            }
            (PupilId(p as i64 + 1), in_groups)
        })
        .collect();

    SchoolAccessInput {
        restricted: [GroupType::House, GroupType::AcademicLevel]
            .into_iter()
            .collect(),
        groups,
        access_lists,
        pupils,
        viewers,
    }
}

fn access(c: &mut Criterion) {
    let input = school();
    let built = SchoolAccess::new(input.clone());

    c.bench_function("access/new (2000 pupils x 300 users)", |b| {
        b.iter_batched(
            || input.clone(),
            |input| SchoolAccess::new(black_box(input)),
            BatchSize::SmallInput,
        )
    });

    // What the health check and the "What can this user see?" table need: everything, for both
    // purposes, from the raw data.
    c.bench_function("access/whole school: new + both matrices + counts", |b| {
        b.iter_batched(
            || input.clone(),
            |input| {
                let school = SchoolAccess::new(input);
                let mut total = 0;
                for purpose in Purpose::ALL {
                    let matrix = school.matrix(purpose);
                    total += matrix.visible_counts().len();
                    total += matrix.pupils_nobody_can_see().len();
                }
                black_box(total)
            },
            BatchSize::SmallInput,
        )
    });

    c.bench_function("access/visible_pupils for every user (list)", |b| {
        b.iter(|| {
            let mut total = 0;
            for v in built.viewers() {
                total += built.visible_pupils(v.user, Purpose::List).len();
            }
            black_box(total)
        })
    });

    c.bench_function("access/who_can_see one pupil, with reasons", |b| {
        let pupil = PupilId(1_000);
        b.iter(|| black_box(built.who_can_see(black_box(pupil), Purpose::Profile)))
    });

    c.bench_function("access/decide every user x pupil, with reasons", |b| {
        b.iter(|| {
            let mut allowed = 0;
            for &pupil in built.pupils() {
                for v in built.viewers() {
                    if built
                        .decide(v.user, pupil, Purpose::Profile)
                        .is_some_and(|d| d.is_allowed())
                    {
                        allowed += 1;
                    }
                }
            }
            black_box(allowed)
        })
    });
}

criterion_group!(benches, access);
criterion_main!(benches);
