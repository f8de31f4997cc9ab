//! Casework through the service: actions on incidents and who may add them, pupils' statuses,
//! both through export and load, the chronology's order and filters, and its PDF read back with
//! a PDF text extractor (every entry the reader may see, nothing else; no staff name when
//! anonymised). Expectations come from the school's export, not from the code under test.

mod common;

use common::*;
use keyholder::model::casework::ChronologyFilter;
use keyholder::model::{IncidentId, Outcome, PupilId, StatusKind, SystemPermission};
use keyholder::service::casework::{Entry, NewAction, NewStatus};
use keyholder::service::records::NewConcern;
use keyholder::service::school_data::PupilData;
use keyholder::service::setup::{self, NewVault, PersonAccess};
use keyholder::service::{SchoolData, Session};
use keyholder::vault::{KdfCost, Location};

const DAY: i64 = 86_400;

fn school(dir: &std::path::Path) -> (Location, Session, SchoolData) {
    let (location, mut creds) = demo_school(dir, small());
    let data = creds.session.export().unwrap();
    (location, creds.session, data)
}

fn pupil_in(s: &Session, data: &SchoolData, year: &str) -> (PupilId, PupilData) {
    let p = data
        .pupils
        .iter()
        .find(|p| level_of(p) == year)
        .unwrap()
        .clone();
    let id = s
        .find_pupil_to_record(&format!("{} {}", p.forename, p.surname))
        .unwrap()
        .into_iter()
        .find(|x| x.forename == p.forename && x.surname == p.surname)
        .unwrap()
        .id;
    (id, p)
}

fn record(s: &mut Session, pupil: PupilId, category: &str, text: &str, at: i64) -> IncidentId {
    let category = s
        .categories_to_record()
        .unwrap()
        .into_iter()
        .find(|c| c.label == category)
        .unwrap_or_else(|| panic!("{category} can be recorded under"))
        .id;
    s.record_concern(&NewConcern {
        pupil,
        category,
        occurred_at: at,
        description: text.into(),
        linked: vec![],
        restriction: Default::default(),
    })
    .unwrap()
    .id
}

fn action(s: &Session, outcome: Outcome, text: &str, why: &str, at: i64) -> NewAction {
    NewAction {
        taken_at: at,
        taken_by: s.me().user.id,
        outcome,
        description: text.into(),
        rationale: why.into(),
    }
}

fn day(s: &str) -> chrono::NaiveDate {
    chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn days_ago(n: i64) -> chrono::NaiveDate {
    chrono::DateTime::from_timestamp(now() - n * DAY, 0)
        .unwrap()
        .with_timezone(&chrono::Local)
        .date_naive()
}

fn actions_on(s: &Session, pupil: PupilId, incident: IncidentId) -> Vec<String> {
    s.chronology(pupil, &ChronologyFilter::default())
        .unwrap()
        .entries
        .into_iter()
        .filter_map(|e| match e.what {
            Entry::Action {
                incident: i,
                description,
                ..
            } if i == incident => Some(description),
            _ => None,
        })
        .collect()
}

#[test]
fn an_action_needs_edit_incidents_or_the_recorder_and_the_pupil_visible() {
    let dir = tempfile::tempdir().unwrap();
    let (location, mut admin, data) = school(dir.path());
    let email = teacher_of(&data, "Year 1");
    let (mine, _) = pupil_in(&admin, &data, "Year 1");
    let (other, _) = pupil_in(&admin, &data, "Year 2");
    let by_admin = record(
        &mut admin,
        mine,
        "Behaviour",
        "Threw a chair in class.",
        now() - 7200,
    );
    let mut t = sign_in_demo_user(&location, &email);
    assert!(!t.me().permissions.has(SystemPermission::EditIncidents));

    // Not the recorder and no Edit incidents: refused, and nothing saved.
    let step = action(
        &t,
        Outcome::DiscussedWithDsl,
        "Told the DSL.",
        "",
        now() - 3600,
    );
    let e = t.add_action(by_admin, &step).unwrap_err().to_string();
    assert!(
        e.contains("Only the person who recorded this incident"),
        "{e}"
    );
    let profile = t.open_pupil_profile(mine).unwrap();
    let shown = profile.incidents.iter().find(|i| i.id == by_admin).unwrap();
    assert!(!shown.can_add_action && shown.actions.is_empty());

    // Their own incident: allowed.
    let own = record(
        &mut t,
        mine,
        "Behaviour",
        "Pushed in the queue.",
        now() - 7200,
    );
    let p = t.add_action(own, &step).unwrap();
    let listed = &p.incidents.iter().find(|i| i.id == own).unwrap().actions;
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].description, "Told the DSL.");
    assert_eq!(listed[0].outcome, Outcome::DiscussedWithDsl);

    // A pupil they may not see: they can record a concern, but not act on it.
    let elsewhere = record(
        &mut t,
        other,
        "Behaviour",
        "Seen in the corridor.",
        now() - 7200,
    );
    let e = t.add_action(elsewhere, &step).unwrap_err().to_string();
    assert!(e.contains("You do not have access"), "{e}");
    assert!(actions_on(&admin, other, elsewhere).is_empty());
    assert!(actions_on(&admin, mine, by_admin).is_empty());

    // No further action needs its reason; an action cannot come before its incident.
    let nfa = action(
        &t,
        Outcome::NoFurtherAction,
        "Spoke to both.",
        "  ",
        now() - 600,
    );
    let e = t.add_action(own, &nfa).unwrap_err().to_string();
    assert!(e.contains("needs its reason"), "{e}");
    let early = action(&t, Outcome::Monitoring, "Watched.", "", now() - 30 * DAY);
    let e = t.add_action(own, &early).unwrap_err().to_string();
    assert!(e.contains("before the incident happened"), "{e}");
    let late = action(&t, Outcome::Monitoring, "Watched.", "", now() + DAY);
    assert!(t.add_action(own, &late).is_err());
    assert_eq!(actions_on(&admin, mine, own), ["Told the DSL."]);

    // Statuses need Edit student information, which teachers do not have.
    let cp = NewStatus {
        kind: StatusKind::ChildProtectionPlan,
        started_on: days_ago(3),
        ended_on: None,
        note: String::new(),
    };
    let e = t.set_status(mine, &cp).unwrap_err().to_string();
    assert!(e.contains("Edit student information"), "{e}");

    // Someone with Edit incidents acts on anyone's incident; an edit keeps what it replaced.
    let p = admin.add_action(by_admin, &step).unwrap();
    let id = p
        .incidents
        .iter()
        .find(|i| i.id == by_admin)
        .unwrap()
        .actions[0]
        .id;
    let changed = action(
        &admin,
        Outcome::NoFurtherAction,
        "Told the DSL, who spoke to the family.",
        "A first incident, and the family were supportive.",
        now() - 3600,
    );
    let p = admin.edit_action(id, &changed).unwrap();
    let a = &p
        .incidents
        .iter()
        .find(|i| i.id == by_admin)
        .unwrap()
        .actions[0];
    assert_eq!(a.outcome, Outcome::NoFurtherAction);
    assert_eq!(a.earlier.len(), 1);
    assert_eq!(a.earlier[0].description, "Told the DSL.");
    assert_eq!(a.earlier[0].outcome, Outcome::DiscussedWithDsl);
    // The teacher may not change an action they did not record.
    assert!(t.edit_action(id, &step).is_err());

    let audit: Vec<String> = admin
        .recent_audit("Action", 50)
        .unwrap()
        .into_iter()
        .map(|e| e.action)
        .collect();
    assert_eq!(
        audit.iter().filter(|a| *a == "Action recorded").count(),
        2,
        "{audit:?}"
    );
    assert!(audit.contains(&"Action edited".to_string()));
}

#[test]
fn statuses_have_periods_that_do_not_overlap() {
    let dir = tempfile::tempdir().unwrap();
    let (_location, mut admin, data) = school(dir.path());
    let (p, _) = pupil_in(&admin, &data, "Year 3");
    let set = |kind, from, to| NewStatus {
        kind,
        started_on: from,
        ended_on: to,
        note: "Agreed at the conference.".into(),
    };
    let cp = StatusKind::ChildProtectionPlan;
    admin.set_status(p, &set(cp, days_ago(40), None)).unwrap();
    let e = admin
        .set_status(p, &set(cp, days_ago(10), None))
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("already has a child protection plan status"),
        "{e}"
    );
    assert!(admin.set_status(p, &set(cp, days_ago(-2), None)).is_err());
    assert!(
        admin
            .set_status(
                p,
                &set(StatusKind::YoungCarer, days_ago(5), Some(days_ago(9)))
            )
            .is_err(),
        "an end before the start"
    );
    // An earlier period that is over, and another kind alongside.
    admin
        .set_status(p, &set(cp, days_ago(400), Some(days_ago(300))))
        .unwrap();
    let profile = admin
        .set_status(p, &set(StatusKind::YoungCarer, days_ago(5), None))
        .unwrap();
    assert_eq!(profile.statuses.len(), 3);
    let open = admin.open_status_of(p, cp).unwrap();
    assert!(
        admin.end_status(open, days_ago(41)).is_err(),
        "before it began"
    );
    let profile = admin.end_status(open, days_ago(1)).unwrap();
    let ended = profile.statuses.iter().find(|s| s.id == open).unwrap();
    assert_eq!(ended.ended_on, Some(days_ago(1)));
    assert!(
        admin.end_status(open, days_ago(0)).is_err(),
        "already ended"
    );
    let audit = admin.recent_audit("Pupil status", 20).unwrap();
    assert_eq!(audit.len(), 4, "three set, one ended");
    assert!(
        audit.iter().all(|e| e.summary.contains("pupil P")),
        "named by MIS ID"
    );
}

/// A school file made from `data`, as `keyholder load` makes one.
fn new_vault(
    dir: &std::path::Path,
    name: &str,
    data: &SchoolData,
) -> keyholder::service::Result<Session> {
    let location = Location::new(dir.join(name));
    setup::create_vault(NewVault {
        location: &location,
        data,
        admin: PersonAccess {
            email: keyholder::service::demo::ADMIN_EMAIL.into(),
            password: "a long password for the new school".into(),
            soft_key: Some(confirmed_key(&[7; 20], now())),
        },
        others: Vec::new(),
        recovery_code: "ABCD-EFGH-JKMN-PQRS",
        kdf: KdfCost::insecure_for_tests(),
        demo: None,
        origin: "test",
    })
}

fn load(dir: &std::path::Path, name: &str, data: &SchoolData) -> Session {
    new_vault(dir, name, data).expect("the school file is made")
}

#[test]
fn outcomes_and_statuses_survive_export_and_load() {
    let dir = tempfile::tempdir().unwrap();
    let (_location, mut admin, data) = school(dir.path());
    let (p, _) = pupil_in(&admin, &data, "Year 4");
    let i = record(
        &mut admin,
        p,
        "Cause for Concern",
        "Arrived hungry again.",
        now() - DAY,
    );
    let first = action(
        &admin,
        Outcome::LadoReferral,
        "Rang the LADO.",
        "",
        now() - 3600,
    );
    let profile = admin.add_action(i, &first).unwrap();
    let id = profile
        .incidents
        .iter()
        .find(|x| x.id == i)
        .unwrap()
        .actions[0]
        .id;
    admin
        .edit_action(
            id,
            &action(
                &admin,
                Outcome::NoFurtherAction,
                "Rang the LADO, who advised no referral.",
                "Below the threshold for a referral.",
                now() - 3600,
            ),
        )
        .unwrap();
    admin
        .set_status(
            p,
            &NewStatus {
                kind: StatusKind::LookedAfter,
                started_on: day("2024-09-01"),
                ended_on: Some(day("2025-07-01")),
                note: "Foster placement.".into(),
            },
        )
        .unwrap();
    let exported = admin.export().unwrap();
    assert_eq!(exported.format_version, 5);
    let incident = exported
        .incidents
        .iter()
        .find(|x| x.description == "Arrived hungry again.")
        .unwrap();
    assert_eq!(incident.actions.len(), 1);
    let a = &incident.actions[0];
    assert_eq!(a.outcome, "no_further_action");
    assert_eq!(a.rationale, "Below the threshold for a referral.");
    assert_eq!(a.earlier.len(), 1);
    assert_eq!(a.earlier[0].outcome, "lado_referral");
    let pupil = &exported.pupils[incident.pupil];
    assert!(pupil.statuses.iter().any(|s| s.status == "looked_after"
        && s.started_on == "2024-09-01"
        && s.ended_on.as_deref() == Some("2025-07-01")
        && s.note == "Foster placement."));
    // The demo's own casework is in the export too.
    assert!(
        exported
            .incidents
            .iter()
            .filter(|x| !x.actions.is_empty())
            .count()
            > 1
    );

    let text = exported.to_json();
    let mut loaded = load(
        dir.path(),
        "loaded.db",
        &SchoolData::from_json(&text).unwrap(),
    );
    let again = loaded.export().unwrap();
    assert_eq!(again.without_timestamps(), exported.without_timestamps());
    // And the loaded school shows them on the profile.
    let (q, _) = pupil_in(&loaded, &again, "Year 4");
    let shown = loaded.open_pupil_profile(q).unwrap();
    let x = shown
        .incidents
        .iter()
        .find(|x| x.description == "Arrived hungry again.")
        .unwrap();
    assert_eq!(
        x.actions[0].rationale,
        "Below the threshold for a referral."
    );
    assert_eq!(x.actions[0].earlier.len(), 1);
    assert!(
        shown
            .statuses
            .iter()
            .any(|s| s.kind == StatusKind::LookedAfter && !s.is_open())
    );
}

#[test]
fn an_export_from_before_casework_still_loads_and_a_newer_one_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let (_location, _admin, data) = school(dir.path());
    let mut old: serde_json::Value = serde_json::from_str(&data.to_json()).unwrap();
    old["format_version"] = 1.into();
    for i in old["incidents"].as_array_mut().unwrap() {
        i.as_object_mut().unwrap().remove("actions");
    }
    for p in old["pupils"].as_array_mut().unwrap() {
        p.as_object_mut().unwrap().remove("statuses");
    }
    let text = old.to_string();
    assert!(!text.contains("\"actions\"") && !text.contains("\"statuses\""));
    let parsed = SchoolData::from_json(&text).unwrap();
    let mut loaded = load(dir.path(), "old.db", &parsed);
    let again = loaded.export().unwrap();
    assert_eq!(again.incidents.len(), data.incidents.len());
    assert!(again.incidents.iter().all(|i| i.actions.is_empty()));

    old["format_version"] = (keyholder::service::school_data::FORMAT_VERSION + 1).into();
    let e = SchoolData::from_json(&old.to_string())
        .unwrap_err()
        .to_string();
    assert!(e.contains("newer Keyholder"), "{e}");
    // A file naming an outcome Keyholder does not know is refused, creating nothing.
    let mut bad: serde_json::Value = serde_json::from_str(&data.to_json()).unwrap();
    let with_actions = bad["incidents"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .find(|i| i.get("actions").is_some())
        .unwrap();
    with_actions["actions"][0]["outcome"] = "sent home".into();
    let bad = SchoolData::from_json(&bad.to_string()).unwrap();
    let refused = new_vault(dir.path(), "bad.db", &bad).map(drop);
    let e = refused.unwrap_err().to_string();
    assert!(e.contains("unknown outcome"), "{e}");
}

#[test]
fn the_chronology_is_in_date_order_and_narrows_by_category_and_days() {
    let dir = tempfile::tempdir().unwrap();
    let (_location, mut admin, data) = school(dir.path());
    let (p, _) = pupil_in(&admin, &data, "Year 5");
    let recent = record(&mut admin, p, "Behaviour", "Recent one.", now() - 3 * DAY);
    // Recorded after the one above, about something that happened long before.
    let backdated = record(
        &mut admin,
        p,
        "Attendance",
        "Backdated one.",
        now() - 30 * DAY,
    );
    admin
        .add_action(
            recent,
            &action(
                &admin,
                Outcome::Monitoring,
                "Keeping watch.",
                "",
                now() - 2 * DAY,
            ),
        )
        .unwrap();
    admin
        .set_status(
            p,
            &NewStatus {
                kind: StatusKind::EarlyHelp,
                started_on: days_ago(10),
                ended_on: None,
                note: String::new(),
            },
        )
        .unwrap();
    let all = admin.chronology(p, &ChronologyFilter::default()).unwrap();
    assert!(all.entries.windows(2).all(|w| w[0].at <= w[1].at));
    let ours: Vec<String> = all
        .entries
        .iter()
        .filter_map(|e| match &e.what {
            Entry::Incident { description, .. } | Entry::Action { description, .. } => {
                ["Recent one.", "Backdated one.", "Keeping watch."]
                    .contains(&description.as_str())
                    .then(|| description.clone())
            }
            Entry::StatusStarted { kind, .. } if *kind == StatusKind::EarlyHelp => {
                Some("early help".into())
            }
            _ => None,
        })
        .collect();
    assert_eq!(
        ours,
        [
            "Backdated one.",
            "early help",
            "Recent one.",
            "Keeping watch."
        ]
    );

    let behaviour = all
        .categories
        .iter()
        .find(|c| c.label == "Behaviour")
        .unwrap()
        .id;
    let only = admin
        .chronology(
            p,
            &ChronologyFilter {
                category: Some(behaviour),
                ..ChronologyFilter::default()
            },
        )
        .unwrap();
    assert!(only.entries.iter().all(|e| match &e.what {
        Entry::Incident { category, .. } | Entry::Action { category, .. } =>
            category.starts_with("Behaviour"),
        _ => true,
    }));
    assert!(!only.entries.iter().any(|e| matches!(&e.what,
        Entry::Incident { id, .. } if *id == backdated)));
    assert_eq!(only.category_label.as_deref(), Some("Behaviour"));

    let last_week = admin
        .chronology(
            p,
            &ChronologyFilter {
                from: Some(days_ago(5)),
                to: Some(days_ago(0)),
                statuses: false,
                ..ChronologyFilter::default()
            },
        )
        .unwrap();
    assert!(last_week.entries.iter().all(|e| e.day >= days_ago(5)));
    assert!(last_week.entries.iter().all(|e| e.what.kind() != "Status"));
    assert!(last_week.entries.iter().any(|e| matches!(&e.what,
        Entry::Incident { id, .. } if *id == recent)));
}

#[test]
fn the_chronology_pdf_holds_every_entry_the_reader_may_see_and_no_other() {
    let dir = tempfile::tempdir().unwrap();
    let (location, mut admin, data) = school(dir.path());
    let email = teacher_of(&data, "Year 1");
    let (p, pupil) = pupil_in(&admin, &data, "Year 1");
    let seen = record(
        &mut admin,
        p,
        "Behaviour",
        "Kicked a football at the hall window on purpose.",
        now() - 4 * DAY,
    );
    admin
        .add_action(
            seen,
            &action(
                &admin,
                Outcome::Monitoring,
                "Parents told at pick-up time.",
                "",
                now() - 3 * DAY,
            ),
        )
        .unwrap();
    let hidden = record(
        &mut admin,
        p,
        "Cause for Concern",
        "Came in with a bruise on the forearm.",
        now() - 2 * DAY,
    );
    admin
        .add_action(
            hidden,
            &action(
                &admin,
                Outcome::SocialCareReferral,
                "Referred to the front door team.",
                "Unexplained injury.",
                now() - DAY,
            ),
        )
        .unwrap();
    admin
        .set_status(
            p,
            &NewStatus {
                kind: StatusKind::ChildInNeed,
                started_on: days_ago(1),
                ended_on: None,
                note: String::new(),
            },
        )
        .unwrap();

    let mut t = sign_in_demo_user(&location, &email);
    let teacher = t.me().user.full_name();
    let visible = t.chronology(p, &ChronologyFilter::default()).unwrap();
    let path = dir.path().join("chronology.pdf");
    let made = t
        .export_chronology_pdf(p, &ChronologyFilter::default(), false, &path)
        .unwrap();
    assert_eq!(made.entries, visible.entries.len());
    let text = pdf_text(&path);
    for needle in [
        "Millbrook Primary School",
        &format!("{} {}", pupil.forename, pupil.surname),
        pupil.upn.as_deref().unwrap(),
        "Year 1 (Academic Level)",
        "Kicked a football at the hall window on purpose.",
        "Parents told at pick-up time.",
        "Outcome: Monitoring",
        "Child in need started",
        &format!("Printed by {teacher} on"),
        &format!("Page 1 of {}", made.pages),
    ] {
        assert!(text.contains(needle), "the PDF lacks {needle:?}:\n{text}");
    }
    let dob =
        chrono::NaiveDate::parse_from_str(pupil.date_of_birth.as_deref().unwrap(), "%Y-%m-%d")
            .unwrap();
    assert!(text.contains(&dob.format("%-d %B %Y").to_string()));
    // Every entry the teacher may see, and none in a category they may not view.
    for e in &visible.entries {
        match &e.what {
            Entry::Incident { description, .. } | Entry::Action { description, .. } => {
                let words = description.split_whitespace().collect::<Vec<_>>().join(" ");
                assert!(text.contains(&words), "missing {words:?}");
            }
            other => assert!(text.contains(&other.title()), "missing {}", other.title()),
        }
    }
    for hidden_text in [
        "bruise",
        "front door team",
        "Unexplained injury",
        "Cause for Concern",
    ] {
        assert!(
            !text.contains(hidden_text),
            "the teacher's PDF shows {hidden_text:?}"
        );
    }
    assert_eq!(
        text.matches("Printed by").count(),
        made.pages,
        "on every page"
    );

    // Every export is audited, naming the pupil by MIS ID only.
    let exports = admin.recent_audit("Chronology exported", 10).unwrap();
    assert_eq!(exports.len(), 1);
    assert_eq!(exports[0].actor_id, Some(t.me().user.id));
    assert!(
        exports[0]
            .summary
            .contains(pupil.mis_id.as_deref().unwrap())
    );
    assert!(!exports[0].summary.contains(&pupil.surname));
}

#[test]
fn the_anonymised_pdf_names_no_member_of_staff_and_runs_over_pages() {
    let dir = tempfile::tempdir().unwrap();
    let (_location, mut admin, data) = school(dir.path());
    let (p, pupil) = pupil_in(&admin, &data, "Year 2");
    for n in 0..30 {
        let i = record(
            &mut admin,
            p,
            "Behaviour",
            &format!("Entry number {n}: refused to line up and ran off across the field again."),
            now() - (40 - n) * DAY,
        );
        admin
            .add_action(
                i,
                &action(
                    &admin,
                    Outcome::DiscussedWithDsl,
                    "Talked it through.",
                    "",
                    now() - (40 - n) * DAY + 3600,
                ),
            )
            .unwrap();
    }
    let path = dir.path().join("anonymised.pdf");
    let made = admin
        .export_chronology_pdf(p, &ChronologyFilter::default(), true, &path)
        .unwrap();
    assert!(made.pages >= 2, "{} pages", made.pages);
    let text = pdf_text(&path);
    assert!(text.contains(&format!("Page {} of {}", made.pages, made.pages)));
    assert!(text.contains("Entry number 29"));
    assert!(
        text.contains("Recorded by a member of SLT"),
        "staff are shown by role"
    );
    assert!(text.contains("Printed by a member of SLT"));
    let pupil_name = format!("{} {}", pupil.forename, pupil.surname);
    for u in &data.users {
        let name = format!("{} {}", u.forename, u.surname);
        if name == pupil_name {
            continue;
        }
        assert!(!text.contains(&name), "the anonymised PDF names {name}");
        assert!(
            !text.contains(&u.email),
            "the anonymised PDF has {}",
            u.email
        );
    }
    let audit = admin.recent_audit("Chronology exported", 5).unwrap();
    assert!(
        audit[0].summary.contains("anonymised"),
        "{}",
        audit[0].summary
    );
}

#[test]
fn open_statuses_on_a_day_count_only_pupils_the_reader_may_open() {
    let dir = tempfile::tempdir().unwrap();
    let (location, mut admin, data) = school(dir.path());
    let email = teacher_of(&data, "Year 1");
    let (mine, _) = pupil_in(&admin, &data, "Year 1");
    let (other, _) = pupil_in(&admin, &data, "Year 2");
    for p in [mine, other] {
        admin
            .set_status(
                p,
                &NewStatus {
                    kind: StatusKind::ChildProtectionPlan,
                    started_on: days_ago(20),
                    ended_on: None,
                    note: String::new(),
                },
            )
            .unwrap();
    }
    let on = |s: &Session, d| -> Vec<PupilId> {
        s.open_statuses_on(d)
            .unwrap()
            .into_iter()
            .find(|(k, _)| *k == StatusKind::ChildProtectionPlan)
            .unwrap()
            .1
            .iter()
            .map(|p| p.id)
            .collect()
    };
    let everyone = on(&admin, days_ago(0));
    assert!(everyone.contains(&mine) && everyone.contains(&other));
    assert!(
        on(&admin, days_ago(21))
            .iter()
            .all(|p| *p != mine && *p != other)
    );

    // Teachers cannot run reports; given Run reports, a Year 1 teacher counts Year 1 only.
    let t = sign_in_demo_user(&location, &email);
    let e = t.open_statuses_on(days_ago(0)).unwrap_err().to_string();
    assert!(e.contains("Run reports"), "{e}");
    drop(t);
    let g = user_group(&admin, "Teachers");
    let mut system = g.system;
    system.set(SystemPermission::RunReports, true);
    admin
        .save_user_group(g.id, &g.name, g.active, system, &g.categories)
        .unwrap();
    let t = sign_in_at(
        &location,
        &email,
        PASSWORD,
        &demo_secret(&location, &email),
        now() + 30,
    );
    let theirs = on(&t, days_ago(0));
    assert!(theirs.contains(&mine));
    assert!(!theirs.contains(&other));
    let year_1: Vec<String> = data
        .pupils
        .iter()
        .filter(|p| level_of(p) == "Year 1")
        .map(|p| format!("{} {}", p.forename, p.surname))
        .collect();
    for (_, pupils) in t.open_statuses_on(days_ago(0)).unwrap() {
        for p in pupils {
            assert!(
                year_1.contains(&p.display_name(false)),
                "{}",
                p.display_name(false)
            );
        }
    }
}
