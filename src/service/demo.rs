//! The demo school: a primary school with invented pupils and staff, for exploring Keyholder and
//! for tests and benchmarks (its size can be scaled). Nothing here is a real person.

use crate::auth::{codes, soft_key};
use crate::model::{GroupType, Outcome, StatusKind, SystemPermission};
use crate::service::enrolment::{ConfirmedKey, PendingKey};
use crate::service::school_data::{
    ActionData, CategoryGrantData, CategoryRef, EarlierWordingData, GroupData, GroupRef,
    GroupTypeData, IncidentData, PupilData, SchoolData, SchoolSection, StatusData, UserData,
    UserGroupData,
};
use crate::service::setup::{self, NewVault, PersonAccess};
use crate::service::{Result, Session};
use crate::vault::{DemoAccess, KdfCost, Location};
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, RngCore, SeedableRng};
use sha2::{Digest, Sha256};

/// The password of every demo user when the demo is opened from the app.
pub const DEMO_PASSWORD: &str = "explore the demo";
pub const SCHOOL_NAME: &str = "Millbrook Primary School";
pub const ADMIN_EMAIL: &str = "h.quinlan@millbrook.example";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DemoSize {
    pub pupils: usize,
    pub staff: usize,
}

impl Default for DemoSize {
    fn default() -> Self {
        DemoSize {
            pupils: 210,
            staff: 37,
        }
    }
}

const FORENAMES: &[&str] = &[
    "Aaliyah", "Aarav", "Abdul", "Ada", "Alfie", "Amara", "Amelia", "Arlo", "Aurora", "Ayaan",
    "Bea", "Bilal", "Callum", "Chidi", "Clara", "Dara", "Delia", "Eden", "Elif", "Ellis", "Elsie",
    "Ezra", "Fatima", "Felix", "Finn", "Florence", "Freya", "Gabriel", "Grace", "Hamza", "Harper",
    "Hugo", "Iris", "Isla", "Ivy", "Jasper", "Jude", "Kai", "Kofi", "Layla", "Leon", "Lila",
    "Louie", "Mabel", "Maya", "Milo", "Mohammed", "Nadia", "Nia", "Noah", "Olive", "Oscar", "Otis",
    "Penny", "Priya", "Quinn", "Rafael", "Reuben", "Rosa", "Rowan", "Ruby", "Sana", "Seren", "Sid",
    "Soraya", "Stanley", "Tariq", "Tess", "Theo", "Tomasz", "Una", "Vera", "Wilf", "Willow",
    "Xander", "Yara", "Yusuf", "Zac", "Zainab", "Zofia", "Élodie", "Siân", "Renée", "Zoë",
];

const SURNAMES: &[&str] = &[
    "Abbott",
    "Achebe",
    "Ahmed",
    "Ashworth",
    "Bailey",
    "Baptiste",
    "Begum",
    "Bell",
    "Bennett",
    "Blake",
    "Boateng",
    "Bradley",
    "Carter",
    "Chandra",
    "Clarke",
    "Costa",
    "Dale",
    "Das",
    "Davies",
    "Dunmore",
    "Ellison",
    "Evans",
    "Fairley",
    "Finch",
    "Fleming",
    "Foster",
    "Garcia",
    "Hale",
    "Hartley",
    "Holt",
    "Hughes",
    "Iqbal",
    "Jaworski",
    "Jones",
    "Kaur",
    "Kelly",
    "Khan",
    "Kowalski",
    "Lambert",
    "Lewis",
    "Lowe",
    "Malik",
    "Marsh",
    "Mensah",
    "Moreno",
    "Murphy",
    "Nash",
    "Nowak",
    "Nwosu",
    "O'Brien",
    "O'Connell",
    "Okafor",
    "Owusu",
    "Palmer",
    "Patel",
    "Pearce",
    "Price",
    "Quayle",
    "Rahman",
    "Reid",
    "Rossi",
    "Shah",
    "Singh",
    "Smith-Jones",
    "Stone",
    "Sutton",
    "Thorne",
    "Turner",
    "Varga",
    "Walsh",
    "Ward",
    "Webb",
    "Whitfield",
    "Yilmaz",
    "Young",
    "Zielinski",
    "Ní Bhriain",
    "Lefèvre",
    "Şahin",
    "Ó Súilleabháin",
];

const TITLES: &[&str] = &["Mr", "Mrs", "Ms", "Miss", "Dr"];
const HOUSES: &[&str] = &["Ash", "Beech", "Hazel", "Rowan"];
const LEVELS: &[(&str, &str)] = &[
    ("Reception", "R"),
    ("Year 1", "1"),
    ("Year 2", "2"),
    ("Year 3", "3"),
    ("Year 4", "4"),
    ("Year 5", "5"),
    ("Year 6", "6"),
];
const FORM_NAMES: &[&str] = &["Wrens", "Robins"];

const SLT_ROLES: &[&str] = &[
    "Deputy Headteacher",
    "Designated Safeguarding Lead",
    "Assistant Headteacher",
    "SENCo",
    "Assistant Headteacher",
];

fn incident_texts(category: &str) -> &'static [&'static str] {
    match category {
        "Attendance" => &[
            "Arrived 25 minutes after registration; parent said the bus did not come.",
            "Third unexplained absence this half term. Office phoned home, no answer.",
            "Collected early without a note; grandparent signed out at reception.",
        ],
        "Behaviour" => &[
            "Pushed another child in the lunch queue; both spoken to, apologies given.",
            "Refused to come in from the playground and shouted at the duty teacher.",
            "Helped a new pupil find their way round all week without being asked.",
        ],
        _ => &[
            "Seemed withdrawn and tearful during the morning; said they had not slept.",
            "Came to school in the same clothes for the third day; uniform was dirty.",
            "Said there had been shouting at home and did not want to go back tonight.",
        ],
    }
}

/// Each demo user's soft-key secret, derived from the demo's seed so the sign-in screen can show
/// their current code.
pub fn totp_secret(seed: &str, email: &str) -> Vec<u8> {
    let mut h = Sha256::new();
    h.update(b"keyholder demo soft key\0");
    h.update(seed.as_bytes());
    h.update(b"\0");
    h.update(email.trim().to_lowercase().as_bytes());
    h.finalize()[..20].to_vec()
}

/// The current code for a demo user, as their authenticator app would show it.
pub fn current_code(demo: &DemoAccess, email: &str, unix_time: i64) -> Option<String> {
    soft_key::code_at(
        &totp_secret(&demo.totp_seed, email),
        unix_time.max(0) as u64,
    )
}

fn email_for(
    forename: &str,
    surname: &str,
    taken: &mut std::collections::HashSet<String>,
) -> String {
    let clean = |s: &str| -> String {
        s.chars()
            .filter(|c| c.is_ascii_alphabetic())
            .collect::<String>()
            .to_lowercase()
    };
    let base = format!(
        "{}.{}",
        clean(forename).chars().next().unwrap_or('x'),
        clean(surname)
    );
    let mut candidate = format!("{base}@millbrook.example");
    let mut n = 2;
    while !taken.insert(candidate.clone()) {
        candidate = format!("{base}{n}@millbrook.example");
        n += 1;
    }
    candidate
}

fn perm_keys(perms: &[SystemPermission]) -> Vec<String> {
    perms.iter().map(|p| p.key().to_string()).collect()
}

/// A generated demo school and who in it holds a soft key.
pub struct DemoSchool {
    pub data: SchoolData,
    /// Lower-cased e-mail addresses of users with an enrolled key.
    pub key_holders: Vec<String>,
}

/// One pupil in this many has no House yet.
pub const NEW_ARRIVAL_EVERY: usize = 40;

/// Generates the demo school. The same `size` and `seed` always give the same people and groups.
pub fn generate(size: DemoSize, seed: u64, now: i64) -> DemoSchool {
    use SystemPermission::*;
    let mut rng = StdRng::seed_from_u64(seed);
    let categories = setup::standard_categories();

    let slt_perms: Vec<SystemPermission> = SystemPermission::ALL
        .iter()
        .copied()
        .filter(|p| *p != NamedPerson)
        .collect();
    let teacher_grants: Vec<CategoryGrantData> = setup::grants_for_all(&categories, false)
        .into_iter()
        .map(|mut g| {
            if g.category.category == "Behaviour" {
                g.view_students = true;
                g.view_incidents = true;
            }
            g
        })
        .collect();
    let attendance_grants: Vec<CategoryGrantData> = setup::grants_for_all(&categories, false)
        .into_iter()
        .map(|mut g| {
            if g.category.category == "Attendance" {
                g.view_students = true;
                g.view_incidents = true;
            }
            g
        })
        .collect();
    let user_groups = vec![
        UserGroupData {
            name: "SLT".into(),
            active: true,
            system_permissions: perm_keys(&slt_perms),
            category_permissions: setup::grants_for_all(&categories, true),
        },
        UserGroupData {
            name: "Teachers".into(),
            active: true,
            system_permissions: perm_keys(&[
                ViewStudentsList,
                ViewStudentDetails,
                AddNewIncident,
                ViewCalendar,
                AddEvents,
                AddPublicEvents,
                ViewFiles,
                AddFiles,
            ]),
            category_permissions: teacher_grants,
        },
        UserGroupData {
            name: "Attendance Officer".into(),
            active: true,
            system_permissions: perm_keys(&[
                ViewStudentsList,
                ViewStudentDetails,
                AddNewIncident,
                RunReports,
                ViewFiles,
                AddFiles,
            ]),
            category_permissions: attendance_grants,
        },
        UserGroupData {
            name: "Office".into(),
            active: true,
            system_permissions: perm_keys(&[AddNewIncident, ViewFiles, AddFiles]),
            category_permissions: setup::grants_for_all(&categories, false),
        },
    ];

    // Staff: the head (the demo administrator), then SLT, attendance, office, and teachers.
    let staff = size.staff.max(4);
    let slt_n = (staff * 6 / 37).max(2);
    let att_n = (staff * 2 / 37).max(1);
    let office_n = (staff * 5 / 37).max(1);
    let teacher_n = staff.saturating_sub(slt_n + att_n + office_n).max(1);
    let mut taken = std::collections::HashSet::new();
    taken.insert(ADMIN_EMAIL.to_string());
    let mut users = vec![UserData {
        title: "Ms".into(),
        forename: "Harriet".into(),
        surname: "Quinlan".into(),
        email: ADMIN_EMAIL.into(),
        job_title: "Headteacher".into(),
        user_group: "SLT".into(),
        active: true,
        last_login_at: None,
    }];
    let mut person = |rng: &mut StdRng, group: &str, job: String| {
        let forename = FORENAMES[rng.gen_range(0..FORENAMES.len())];
        let surname = SURNAMES[rng.gen_range(0..SURNAMES.len())];
        UserData {
            title: TITLES[rng.gen_range(0..TITLES.len())].into(),
            forename: forename.into(),
            surname: surname.into(),
            email: email_for(forename, surname, &mut taken),
            job_title: job,
            user_group: group.into(),
            active: true,
            last_login_at: Some(now - rng.gen_range(3600..30 * 86400)),
        }
    };
    for i in 1..slt_n {
        let job = SLT_ROLES[(i - 1) % SLT_ROLES.len()].to_string();
        users.push(person(&mut rng, "SLT", job));
    }
    for _ in 0..att_n {
        users.push(person(
            &mut rng,
            "Attendance Officer",
            "Attendance Officer".into(),
        ));
    }
    for i in 0..office_n {
        let job = if i == 0 {
            "School Business Manager"
        } else {
            "Administrator"
        };
        users.push(person(&mut rng, "Office", job.into()));
    }
    let forms: Vec<(usize, String)> = LEVELS
        .iter()
        .enumerate()
        .flat_map(|(li, (_, short))| FORM_NAMES.iter().map(move |f| (li, format!("{short} {f}"))))
        .collect();
    let first_teacher = users.len();
    for i in 0..teacher_n {
        let job = if i < forms.len() {
            format!("Class Teacher, {}", forms[i].1)
        } else {
            "Teaching Assistant".to_string()
        };
        users.push(person(&mut rng, "Teachers", job));
    }

    // Who holds a key: everyone but the office staff and the newest teacher (who has not
    // enrolled yet, so the demo shows a member capped to the basic permissions).
    let newest_teacher = users.len() - 1;
    let key_holders: Vec<String> = users
        .iter()
        .enumerate()
        .filter(|(i, u)| u.user_group != "Office" && *i != newest_teacher)
        .map(|(_, u)| u.email.to_lowercase())
        .collect();

    // Groups, with Academic Levels restricted as in the help sheet's example.
    let mut groups: Vec<GroupData> = Vec::new();
    for (i, h) in HOUSES.iter().enumerate() {
        groups.push(GroupData {
            group_type: GroupType::House.key().into(),
            name: (*h).into(),
            mis_id: Some(format!("101-{:02}", i + 1)),
            is_new: false,
            access: Vec::new(),
        });
    }
    let leaders: Vec<String> = users
        .iter()
        .filter(|u| u.user_group == "SLT" || u.user_group == "Attendance Officer")
        .map(|u| u.email.clone())
        .collect();
    for (i, (name, _)) in LEVELS.iter().enumerate() {
        let mut access = leaders.clone();
        for (t, user) in users[first_teacher..].iter().enumerate() {
            // Form teachers see their own year; teaching assistants are spread across years.
            let level = if t < forms.len() {
                forms[t].0
            } else {
                t % LEVELS.len()
            };
            if level == i {
                access.push(user.email.clone());
            }
        }
        access.sort();
        groups.push(GroupData {
            group_type: GroupType::AcademicLevel.key().into(),
            name: (*name).into(),
            mis_id: Some(format!("102-{}", 41 + i)),
            is_new: false,
            access,
        });
    }
    for (i, (_, name)) in forms.iter().enumerate() {
        groups.push(GroupData {
            group_type: GroupType::RegistrationForm.key().into(),
            name: name.clone(),
            mis_id: Some(format!("103-{:02}", i + 1)),
            is_new: false,
            access: Vec::new(),
        });
    }

    // Pupils: spread evenly over the forms (and so the years), houses in turn.
    let school_year_start = {
        use chrono::{Datelike, TimeZone, Utc};
        let today = Utc.timestamp_opt(now, 0).single().unwrap_or_default();
        if today.month() >= 9 {
            today.year()
        } else {
            today.year() - 1
        }
    };
    let mut pupils: Vec<PupilData> = Vec::with_capacity(size.pupils);
    for n in 0..size.pupils {
        let (level, form) = &forms[n % forms.len()];
        let born_year = school_year_start - 5 - *level as i32;
        let month = rng.gen_range(0..12);
        let (y, m) = if month < 4 {
            (born_year, 9 + month)
        } else {
            (born_year + 1, month - 3)
        };
        let dob = format!("{y:04}-{m:02}-{:02}", rng.gen_range(1..=28));
        pupils.push(PupilData {
            mis_id: Some(format!("P{:05}", 10_001 + n)),
            // A UPN is unique to a child (an import refuses a second pupil with one), so past
            // 1,000 pupils the school number moves on rather than the serial wrapping round.
            upn: Some(format!(
                "{}823{:04}{:02}{:03}",
                (b'A' + rng.gen_range(0..26u8)) as char,
                2041 + n / 1000,
                (y % 100),
                n % 1000
            )),
            forename: FORENAMES[rng.gen_range(0..FORENAMES.len())].into(),
            surname: SURNAMES[rng.gen_range(0..SURNAMES.len())].into(),
            date_of_birth: Some(dob),
            archived: false,
            groups: [
                // A few recent arrivals have not been given a House yet, as in a real school:
                // restricting by House then shows the fail-closed warning.
                (n % NEW_ARRIVAL_EVERY != NEW_ARRIVAL_EVERY - 1).then(|| GroupRef {
                    group_type: GroupType::House.key().into(),
                    name: HOUSES[n % HOUSES.len()].into(),
                }),
                Some(GroupRef {
                    group_type: GroupType::AcademicLevel.key().into(),
                    name: LEVELS[*level].0.into(),
                }),
                Some(GroupRef {
                    group_type: GroupType::RegistrationForm.key().into(),
                    name: form.clone(),
                }),
            ]
            .into_iter()
            .flatten()
            .collect(),
            monitored: Vec::new(),
            statuses: Vec::new(),
        });
    }

    // A few incidents, and the pupils they concern monitored for that category.
    let recorders: Vec<String> = users
        .iter()
        .filter(|u| u.user_group != "Office")
        .map(|u| u.email.clone())
        .collect();
    let mut incidents = Vec::new();
    let count = (size.pupils / 9).clamp(if size.pupils > 0 { 1 } else { 0 }, 400);
    for _ in 0..count {
        let pupil = rng.gen_range(0..size.pupils);
        let cat = &categories[rng.gen_range(0..categories.len())];
        let sub = cat.sub_categories.choose(&mut rng).map(|s| s.name.clone());
        let text = incident_texts(&cat.name)
            .choose(&mut rng)
            .copied()
            .unwrap_or("");
        let occurred = now - rng.gen_range(86_400..60 * 86_400);
        let category = CategoryRef {
            category: cat.name.clone(),
            sub_category: sub,
        };
        let parent = CategoryRef {
            category: cat.name.clone(),
            sub_category: None,
        };
        if !pupils[pupil].monitored.contains(&parent) {
            pupils[pupil].monitored.push(parent);
        }
        let linked = if rng.gen_bool(0.15) && size.pupils > 1 {
            vec![(pupil + 1) % size.pupils]
        } else {
            Vec::new()
        };
        incidents.push(IncidentData {
            earlier: Vec::new(),
            actions: Vec::new(),
            pupil,
            category,
            occurred_at: occurred,
            description: text.into(),
            recorded_by: recorders.choose(&mut rng).cloned(),
            recorded_at: occurred + rng.gen_range(600..7200),
            linked_pupils: linked,
            recorded_by_name: None,
            received_in: None,
            received_category: None,
        });
    }
    incidents.sort_by_key(|i| i.occurred_at);
    // Some records were first written in a hurry and completed later, so the demo shows how an
    // edited incident keeps its earlier wording.
    for i in incidents.iter_mut().step_by(10) {
        let first = i.description.split([';', '.']).next().unwrap_or_default();
        i.earlier.push(EarlierWordingData {
            description: format!("{}. More to follow.", first.trim()),
            replaced_by: i.recorded_by.clone(),
            replaced_at: i.recorded_at + 3 * 3600,
            replaced_by_name: None,
        });
    }

    demo_casework(&mut incidents, &mut pupils, &users, seed, now);

    DemoSchool {
        data: SchoolData {
            format_version: crate::service::school_data::FORMAT_VERSION,
            app_version: env!("CARGO_PKG_VERSION").into(),
            exported_at: 0,
            school: SchoolSection {
                name: SCHOOL_NAME.into(),
                idle_lock_minutes: 10,
                is_demo: true,
            },
            group_types: GroupType::ALL
                .iter()
                .map(|t| GroupTypeData {
                    group_type: t.key().into(),
                    restricted: *t == GroupType::AcademicLevel,
                })
                .collect(),
            groups,
            categories,
            user_groups,
            users,
            pupils,
            incidents,
            alerts_and_reports: Default::default(),
            retention: Default::default(),
            transfers: Default::default(),
            restrictions: Default::default(),
        },
        key_holders,
    }
}

/// What the safeguarding team did about the demo's concerns, and a few pupils' statuses: each
/// Cause for Concern discussed with the DSL, then a decision (some with a referral and the
/// status that came of it). From a random sequence of its own, so the rest of the demo is the
/// same as before it had casework.
fn demo_casework(
    incidents: &mut Vec<IncidentData>,
    pupils: &mut [PupilData],
    users: &[UserData],
    seed: u64,
    now: i64,
) {
    let mut rng = StdRng::seed_from_u64(seed ^ 0xCA5E_0001);
    let Some(dsl) = users
        .iter()
        .find(|u| u.job_title == "Designated Safeguarding Lead")
        .or_else(|| users.first())
        .map(|u| u.email.clone())
    else {
        return;
    };
    let day_of = |t: i64| {
        chrono::DateTime::from_timestamp(t, 0)
            .unwrap_or_default()
            .format("%Y-%m-%d")
            .to_string()
    };
    let latest = now - 600;
    for i in incidents
        .iter_mut()
        .filter(|i| i.category.category == "Cause for Concern")
    {
        let discussed = (i.recorded_at + rng.gen_range(1800..6 * 3600)).min(latest);
        i.actions.push(ActionData {
            taken_at: discussed,
            taken_by: i.recorded_by.clone(),
            outcome: Outcome::DiscussedWithDsl.key().into(),
            description: "Passed to the DSL the same day and talked through with them.".into(),
            rationale: String::new(),
            recorded_by: Some(dsl.clone()),
            recorded_at: discussed + 600,
            earlier: Vec::new(),
            taken_by_name: None,
            recorded_by_name: None,
        });
        let decided = (discussed + rng.gen_range(3600..3 * 86_400)).min(latest);
        let (outcome, description, rationale) = match rng.gen_range(0..5) {
            0 => (
                Outcome::NoFurtherAction,
                "Spoke with the parent at collection; a one-off upset at home, now settled.",
                "No other concerns on record and the pupil was happy to talk; class teacher to keep an eye out.",
            ),
            1 => (
                Outcome::EarlyHelp,
                "Offered the family an early help assessment; parent agreed.",
                "Needs support short of a referral.",
            ),
            2 => (
                Outcome::SocialCareReferral,
                "Referred to children's social care by phone, followed up in writing.",
                "Disclosure suggests the pupil may be at risk of harm at home.",
            ),
            _ => (
                Outcome::Monitoring,
                "Class teacher and lunchtime staff asked to note anything further for a month.",
                "",
            ),
        };
        i.actions.push(ActionData {
            taken_at: decided,
            taken_by: Some(dsl.clone()),
            outcome: outcome.key().into(),
            description: description.into(),
            rationale: rationale.into(),
            recorded_by: Some(dsl.clone()),
            recorded_at: (decided + 900).min(now),
            earlier: Vec::new(),
            taken_by_name: None,
            recorded_by_name: None,
        });
        let status = match outcome {
            Outcome::EarlyHelp => Some(StatusKind::EarlyHelp),
            Outcome::SocialCareReferral => Some(StatusKind::ChildInNeed),
            _ => None,
        };
        // The first pupil's statuses are their story's (below).
        if let (Some(kind), Some(p)) = (status, pupils.get_mut(i.pupil))
            && i.pupil != STORY_PUPIL
            && !p.statuses.iter().any(|s| s.status == kind.key())
        {
            let started = (decided + 3 * 86_400).min(latest);
            p.statuses.push(StatusData {
                status: kind.key().into(),
                started_on: day_of(started),
                ended_on: None,
                note: String::new(),
                set_by: Some(dsl.clone()),
                set_at: started,
                ended_by: None,
                ended_at: None,
                set_by_name: None,
                ended_by_name: None,
            });
        }
    }
    let teacher = users
        .iter()
        .find(|u| u.user_group == "Teachers")
        .map_or_else(|| dsl.clone(), |u| u.email.clone());
    demo_story(incidents, pupils, &teacher, &dsl, now);
    // Statuses that came from outside school: a few young carers, one looked-after child, one
    // child whose plan ended last year.
    let year = 365 * 86_400;
    for (n, p) in pupils.iter_mut().enumerate() {
        let (kind, from, until) = match n % 53 {
            7 => (StatusKind::YoungCarer, now - year, None),
            29 if n < 60 => (StatusKind::LookedAfter, now - 2 * year, None),
            41 if n < 60 => (
                StatusKind::ChildProtectionPlan,
                now - 2 * year,
                Some(now - year + 40 * 86_400),
            ),
            _ => continue,
        };
        if p.statuses.iter().any(|s| s.status == kind.key()) {
            continue;
        }
        p.statuses.push(StatusData {
            status: kind.key().into(),
            started_on: day_of(from),
            ended_on: until.map(day_of),
            note: String::new(),
            set_by: Some(dsl.clone()),
            set_at: from,
            ended_by: until.map(|_| dsl.clone()),
            ended_at: until,
            set_by_name: None,
            ended_by_name: None,
        });
    }
}

/// The pupil whose record tells a longer story, so the demo's chronology has one to show.
const STORY_PUPIL: usize = 0;

/// A term of concerns about one pupil, each followed up, the help offered stepping up to a
/// referral, and a backdated record typed in days after it happened.
fn demo_story(
    incidents: &mut Vec<IncidentData>,
    pupils: &mut [PupilData],
    teacher: &str,
    dsl: &str,
    now: i64,
) {
    let Some(p) = pupils.get_mut(STORY_PUPIL) else {
        return;
    };
    let day = 86_400;
    // Whole days back from now, at a time in the school day.
    let at = |days_ago: i64, hour: i64| (now - days_ago * day) / day * day + hour * 3600;
    let day_of = |t: i64| {
        chrono::DateTime::from_timestamp(t, 0)
            .unwrap_or_default()
            .format("%Y-%m-%d")
            .to_string()
    };
    let cat = |c: &str, s: &str| CategoryRef {
        category: c.into(),
        sub_category: Some(s.into()),
    };
    let step = |t: i64, by: &str, o: Outcome, what: &str, why: &str| ActionData {
        taken_at: t,
        taken_by: Some(by.into()),
        outcome: o.key().into(),
        description: what.into(),
        rationale: why.into(),
        recorded_by: Some(dsl.into()),
        recorded_at: t + 1800,
        earlier: Vec::new(),
        taken_by_name: None,
        recorded_by_name: None,
    };
    let concern = |occurred: i64, recorded: i64, category, text: &str, actions| IncidentData {
        pupil: STORY_PUPIL,
        category,
        occurred_at: occurred,
        description: text.into(),
        recorded_by: Some(teacher.into()),
        recorded_at: recorded,
        linked_pupils: Vec::new(),
        earlier: Vec::new(),
        actions,
        recorded_by_name: None,
        received_in: None,
        received_category: None,
    };
    incidents.push(concern(
        at(120, 9),
        at(120, 10),
        cat("Cause for Concern", "Emotional Related"),
        "Told the class teacher that their mum had gone away for a while and an aunt was looking after them. Quiet and tearful all morning.",
        vec![
            step(at(120, 12), teacher, Outcome::DiscussedWithDsl, "Passed to the DSL at lunchtime and talked through.", ""),
            step(at(119, 15), dsl, Outcome::Monitoring, "Class teacher and lunchtime staff to note anything further for half a term.", "A first concern; the aunt is known to school and came in when asked."),
        ],
    ));
    incidents.push(concern(
        at(75, 9),
        at(75, 11),
        cat("Attendance", "Punctuality"),
        "Late four mornings in a fortnight; the aunt says the bus is unreliable and she starts work early.",
        vec![step(at(73, 14), dsl, Outcome::EarlyHelp, "Met the aunt; offered an early help assessment, which she accepted.", "Needs support short of a referral.")],
    ));
    incidents.push(concern(
        at(40, 8),
        at(40, 9),
        cat("Cause for Concern", "Neglect Related"),
        "Came in hungry and without a coat on a frosty morning; said there was no food in the house last night.",
        vec![
            step(at(40, 10), teacher, Outcome::DiscussedWithDsl, "Gave breakfast and a spare coat; told the DSL straight away.", ""),
            step(at(40, 14), dsl, Outcome::SocialCareReferral, "Referred to children's social care by phone, confirmed in writing the same day.", "A second neglect concern while early help is in place."),
        ],
    ));
    // Typed in ten days after it happened, so it sits at its own date, before ones recorded earlier.
    incidents.push(concern(
        at(22, 13),
        at(12, 16),
        cat("Behaviour", "Against Peers"),
        "Pushed another pupil over during a game at lunch; both upset, spoken to and made up.",
        vec![step(
            at(12, 16),
            dsl,
            Outcome::NoFurtherAction,
            "Spoke with both pupils and let both families know.",
            "A one-off in play; no injury, and both pupils were happy to make up.",
        )],
    ));
    let status = |kind: StatusKind, from: i64, until: Option<i64>| StatusData {
        status: kind.key().into(),
        started_on: day_of(from),
        ended_on: until.map(day_of),
        note: String::new(),
        set_by: Some(dsl.into()),
        set_at: from,
        ended_by: until.map(|_| dsl.into()),
        ended_at: until,
        set_by_name: None,
        ended_by_name: None,
    };
    p.statuses
        .push(status(StatusKind::EarlyHelp, at(72, 9), Some(at(33, 9))));
    p.statuses.push(StatusData {
        note: "Agreed at the strategy meeting; social worker allocated.".into(),
        ..status(StatusKind::ChildInNeed, at(33, 9), None)
    });
    for c in ["Cause for Concern", "Attendance", "Behaviour"] {
        let parent = CategoryRef {
            category: c.into(),
            sub_category: None,
        };
        if !p.monitored.contains(&parent) {
            p.monitored.push(parent);
        }
    }
}

/// What a script needs to use a new demo vault at once.
pub struct DemoCredentials {
    pub email: String,
    pub password: String,
    pub totp_secret: Vec<u8>,
    pub recovery_code: String,
    pub session: Session,
}

/// Writes a demo school to `location`. Every demo user gets `password` and (if they hold a key)
/// a soft key derived from a fresh seed; `kdf` is normally [`KdfCost::DEMO`].
pub fn create(
    location: &Location,
    size: DemoSize,
    password: &str,
    kdf: KdfCost,
) -> Result<DemoCredentials> {
    let mut seed_bytes = [0u8; 16];
    rand::rngs::OsRng.fill_bytes(&mut seed_bytes);
    let seed = hex::encode(seed_bytes);
    let school = generate(size, 2026, crate::clock::now());
    let access = |email: &str| PersonAccess {
        email: email.to_string(),
        password: password.to_string(),
        soft_key: school
            .key_holders
            .contains(&email.to_lowercase())
            .then(|| ConfirmedKey::handed_out(PendingKey::from_secret(totp_secret(&seed, email)))),
    };
    let others = school
        .data
        .users
        .iter()
        .filter(|u| !u.email.eq_ignore_ascii_case(ADMIN_EMAIL))
        .map(|u| access(&u.email))
        .collect();
    let recovery_code = codes::recovery_code();
    let session = setup::create_vault(NewVault {
        location,
        data: &school.data,
        admin: access(ADMIN_EMAIL),
        others,
        recovery_code: &recovery_code,
        kdf,
        demo: Some(DemoAccess {
            password: password.to_string(),
            admin_email: ADMIN_EMAIL.to_string(),
            totp_seed: seed.clone(),
        }),
        origin: "Demo school generated",
    })?;
    Ok(DemoCredentials {
        email: ADMIN_EMAIL.to_string(),
        password: password.to_string(),
        totp_secret: totp_secret(&seed, ADMIN_EMAIL),
        recovery_code,
        session,
    })
}

/// The demo school at `location` for the window: made the first time (with every demo user's
/// password [`DEMO_PASSWORD`]), opened as it is after that.
pub fn prepare(location: &Location, kdf: KdfCost) -> Result<()> {
    if location.exists() {
        return Ok(());
    }
    create(location, DemoSize::default(), DEMO_PASSWORD, kdf).map(drop)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Everyone named in the two help sheets; the demo must not use their names.
    const HELP_SHEET_SURNAMES: &[&str] = &[
        "Aryan",
        "Atkins",
        "Atkinson",
        "Burdock",
        "Christophorou",
        "Coates",
        "Cohen",
        "Fernie",
        "Forrest",
        "Gooderham",
        "Gornall",
        "Greening",
        "Howarth",
        "Hussain",
        "Johnson",
        "Brown",
        "Higgins",
        "Maxfield",
        "Mortimer",
        "Robinson",
        "Sawyer",
        "Wild",
        "Wilkinson",
    ];

    #[test]
    fn default_demo_has_the_shape_the_help_sheets_describe() {
        let s = generate(DemoSize::default(), 7, 1_795_000_000).data;
        assert_eq!(s.pupils.len(), 210);
        assert_eq!(s.users.len(), 37);
        let count = |t: GroupType| s.groups.iter().filter(|g| g.group_type == t.key()).count();
        assert_eq!(count(GroupType::House), 4);
        assert_eq!(count(GroupType::AcademicLevel), 7);
        assert_eq!(count(GroupType::RegistrationForm), 14);
        let levels: Vec<(&str, &str)> = s
            .groups
            .iter()
            .filter(|g| g.group_type == "academic_level")
            .map(|g| (g.name.as_str(), g.mis_id.as_deref().unwrap_or("")))
            .collect();
        assert_eq!(levels[0], ("Reception", "102-41"));
        assert_eq!(levels[6], ("Year 6", "102-47"));
        let ug: Vec<&str> = s.user_groups.iter().map(|g| g.name.as_str()).collect();
        assert_eq!(ug, ["SLT", "Teachers", "Attendance Officer", "Office"]);
        assert!(!s.incidents.is_empty());
        assert!(s.is_administrator(ADMIN_EMAIL));
    }

    #[test]
    fn every_pupil_has_one_group_of_each_type_except_new_arrivals_without_a_house() {
        let s = generate(DemoSize::default(), 7, 1_795_000_000).data;
        let mut without_house = 0;
        for p in &s.pupils {
            for t in GroupType::ALL {
                let n = p.groups.iter().filter(|g| g.group_type == t.key()).count();
                if t == GroupType::House && n == 0 {
                    without_house += 1;
                } else {
                    assert_eq!(n, 1, "{} in {t:?}", p.forename);
                }
            }
        }
        assert_eq!(without_house, 210 / NEW_ARRIVAL_EVERY);
    }

    #[test]
    fn no_names_from_the_help_sheets() {
        let s = generate(
            DemoSize {
                pupils: 2000,
                staff: 300,
            },
            7,
            1_795_000_000,
        )
        .data;
        let surnames = s
            .users
            .iter()
            .map(|u| &u.surname)
            .chain(s.pupils.iter().map(|p| &p.surname));
        for surname in surnames {
            assert!(
                !HELP_SHEET_SURNAMES.contains(&surname.as_str()),
                "{surname}"
            );
        }
    }

    #[test]
    fn scales_and_keeps_emails_unique() {
        let s = generate(
            DemoSize {
                pupils: 2000,
                staff: 300,
            },
            1,
            1_795_000_000,
        )
        .data;
        assert_eq!(s.pupils.len(), 2000);
        assert_eq!(s.users.len(), 300);
        let mut emails: Vec<String> = s.users.iter().map(|u| u.email.to_lowercase()).collect();
        emails.sort();
        emails.dedup();
        assert_eq!(emails.len(), 300);
    }

    #[test]
    fn secrets_differ_per_user_and_seed() {
        assert_ne!(totp_secret("a", "x@y.z"), totp_secret("a", "w@y.z"));
        assert_ne!(totp_secret("a", "x@y.z"), totp_secret("b", "x@y.z"));
        assert_eq!(totp_secret("a", "X@Y.Z "), totp_secret("a", "x@y.z"));
    }
}
