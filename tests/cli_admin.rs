//! The admin commands added for set-up from the command line: each needs the same permission as
//! on screen, does exactly what it says, and is in the audit trail; recording a concern is never
//! blocked by class restrictions, and listing incidents says nothing about pupils one may not see.

mod common;

use keyholder::model::{CategoryPermission, KeyState, SystemPermission};
use keyholder::service::Session;
use keyholder::service::demo::DemoSize;
use keyholder::vault::Location;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

struct School {
    _dir: tempfile::TempDir,
    location: Location,
    password_file: PathBuf,
    admin: Session,
    admin_email: String,
    admin_secret: Vec<u8>,
    next_step: i64,
}

fn school() -> School {
    let into_step = common::now().rem_euclid(30);
    if into_step >= 20 {
        std::thread::sleep(std::time::Duration::from_secs((31 - into_step) as u64));
    }
    let dir = tempfile::tempdir().unwrap();
    let (location, creds) = common::demo_school(
        dir.path(),
        DemoSize {
            pupils: 80,
            staff: 20,
        },
    );
    let password_file = dir.path().join("pw");
    std::fs::write(&password_file, format!("{}\n", common::PASSWORD)).unwrap();
    School {
        _dir: dir,
        location,
        password_file,
        admin: creds.session,
        admin_email: creds.email,
        admin_secret: creds.totp_secret,
        next_step: -1,
    }
}

impl School {
    fn dir(&self) -> &Path {
        self.location.db.parent().unwrap()
    }

    /// Runs a command signed in as `email` with the code of `step` steps from now.
    fn run_as(&self, email: &str, secret: &[u8], step: i64, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_keyholder"))
            .args(args)
            .arg("--vault")
            .arg(&self.location.db)
            .arg("--user")
            .arg(email)
            .arg("--password-file")
            .arg(&self.password_file)
            .arg("--code")
            .arg(common::code(secret, common::now(), step))
            .output()
            .unwrap()
    }

    fn as_admin(&mut self, args: &[&str]) -> Output {
        let step = self.next_step;
        self.next_step += 1;
        assert!(self.next_step <= 2, "at most three codes per person");
        let (email, secret) = (self.admin_email.clone(), self.admin_secret.clone());
        self.run_as(&email, &secret, step, args)
    }
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// A teacher with a key, and a pupil on roll whose profile they may not open.
fn teacher_and_a_pupil_they_cannot_see(s: &mut School) -> (String, Vec<u8>, String) {
    let teacher = s
        .admin
        .users_list()
        .unwrap()
        .into_iter()
        .find(|r| r.group_name == "Teachers" && r.key == KeyState::Active)
        .expect("a teacher with a key")
        .user;
    let report = s.admin.what_user_can_see(teacher.id).unwrap();
    let export = s.admin.export().unwrap();
    // Matched by name, so only a name no other pupil has.
    let named = |f: &str, n: &str| {
        let same: Vec<_> = export
            .pupils
            .iter()
            .filter(|p| p.forename == f && p.surname == n)
            .collect();
        (same.len() == 1).then(|| same[0].mis_id.clone()).flatten()
    };
    let mis = report
        .pupils
        .iter()
        .filter(|r| !r.profile)
        .find_map(|r| named(&r.forename, &r.surname))
        .expect("a pupil outside the teacher's classes");
    let secret = common::demo_secret(&s.location, &teacher.email);
    (teacher.email, secret, mis)
}

#[test]
fn a_concern_is_recorded_about_any_pupil_but_only_readable_ones_are_listed() {
    let mut s = school();
    let (teacher, secret, hidden_mis) = teacher_and_a_pupil_they_cannot_see(&mut s);
    let teachers = common::user_group(&s.admin, "Teachers");
    let categories = s.admin.categories().unwrap();
    let category = categories
        .iter()
        .find(|c| {
            c.parent.is_none()
                && !c.archived
                && teachers
                    .categories
                    .allows(c.id, CategoryPermission::AddIncidents)
        })
        .expect("a category teachers may record under");
    let text = s.dir().join("concern.txt");
    std::fs::write(
        &text,
        "Upset at lunch; said an older pupil took their bag.\n",
    )
    .unwrap();
    let before = s.admin.recent_audit("Incident recorded", 50).unwrap().len();

    let out = s.run_as(
        &teacher,
        &secret,
        -1,
        &[
            "incidents",
            "add",
            "--pupil",
            &hidden_mis,
            "--category",
            &category.name,
            "--occurred",
            "2026-11-30",
            "--text-file",
            text.to_str().unwrap(),
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let after = s.admin.recent_audit("Incident recorded", 50).unwrap().len();
    assert_eq!(after, before + 1, "the concern is in the audit trail");

    // Listing a pupil outside one's classes reads exactly like asking for one who is not there.
    let hidden = s.run_as(
        &teacher,
        &secret,
        0,
        &["incidents", "list", "--pupil", &hidden_mis],
    );
    let missing = s.run_as(
        &teacher,
        &secret,
        1,
        &["incidents", "list", "--pupil", "NOPE-1"],
    );
    assert_eq!(hidden.status.code(), Some(2));
    assert_eq!(missing.status.code(), Some(2));
    assert_eq!(
        stderr(&hidden).replace(&hidden_mis, "X"),
        stderr(&missing).replace("NOPE-1", "X")
    );
    assert_eq!(stderr(&hidden).lines().count(), 1, "{}", stderr(&hidden));
}

#[test]
fn admin_commands_need_manage_system_and_change_what_they_say() {
    let mut s = school();
    let (teacher, secret, _) = teacher_and_a_pupil_they_cannot_see(&mut s);
    let groups_before = s.admin.user_group_rows().unwrap().len();
    for (step, args) in [
        (-1, &["user-groups", "create", "Pastoral team"][..]),
        (0, &["categories", "add", "Online safety"][..]),
        (
            1,
            &["groups", "create", "Year 9", "--type", "academic-level"][..],
        ),
    ] {
        let out = s.run_as(&teacher, &secret, step, args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert!(stderr(&out).contains("Manage system"), "{}", stderr(&out));
        assert_eq!(stderr(&out).lines().count(), 1);
    }
    assert_eq!(s.admin.user_group_rows().unwrap().len(), groups_before);

    let out = s.as_admin(&["user-groups", "create", "Pastoral team"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let out = s.as_admin(&[
        "user-groups",
        "set",
        "pastoral team",
        "--system",
        "view-students-list,View student details,add-new-incident",
        "--category",
        "Behaviour/Against Peers:view-students,view-incidents",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let g = common::user_group(&s.admin, "Pastoral team");
    let system: Vec<SystemPermission> = g.system.iter().collect();
    assert_eq!(
        system,
        [
            SystemPermission::ViewStudentsList,
            SystemPermission::ViewStudentDetails,
            SystemPermission::AddNewIncident
        ]
    );
    let cats = s.admin.categories().unwrap();
    let behaviour = cats.iter().find(|c| c.name == "Behaviour").unwrap();
    let peers = cats
        .iter()
        .find(|c| c.parent == Some(behaviour.id) && c.name == "Against Peers")
        .unwrap();
    assert!(
        g.categories
            .allows(peers.id, CategoryPermission::ViewIncidents)
    );
    assert!(
        !g.categories
            .allows(peers.id, CategoryPermission::AddIncidents)
    );
    assert!(
        !g.categories
            .allows(behaviour.id, CategoryPermission::ViewStudents)
    );
    let saved = s.admin.recent_audit("User group saved", 5).unwrap();
    assert_eq!(saved.len(), 1, "{saved:?}");

    // What `show --json` prints is what was saved.
    // Another administrator, since each person's code is accepted once per step.
    let other = s
        .admin
        .users_list()
        .unwrap()
        .into_iter()
        .find(|r| {
            r.group_name == "SLT" && r.user.email != s.admin_email && r.key == KeyState::Active
        })
        .expect("a second administrator")
        .user
        .email;
    let other_secret = common::demo_secret(&s.location, &other);
    let out = s.run_as(
        &other,
        &other_secret,
        -1,
        &["user-groups", "show", "Pastoral team", "--json"],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let shown: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        shown["system"],
        serde_json::json!([
            "view_students_list",
            "view_student_details",
            "add_new_incident"
        ])
    );
    let row = shown["categories"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["category"] == "Against Peers" && r["sub_category_of"] == "Behaviour")
        .expect("the sub-category's row");
    assert_eq!(
        row["permissions"],
        serde_json::json!(["view_students", "view_incidents"])
    );

    // A mistake in a permission's name is refused and changes nothing.
    let out = s.as_admin(&[
        "user-groups",
        "set",
        "Pastoral team",
        "--system",
        "see-everything",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("see-everything"), "{}", stderr(&out));
    assert_eq!(
        common::user_group(&s.admin, "Pastoral team").system,
        g.system
    );
}
